"""The key bar: the screen's keys on one line, a click on one presses it, narrow terminals cut it
with an ellipsis and keep the command palette."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from engine.tui.app import PointeEdgeApp
from engine.tui.widgets.keybar import KeyBar
from tests.support.app import drive, play


def bar_text(app: PointeEdgeApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


def test_the_bar_shows_each_shown_key_once_and_the_palette_at_the_right(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        text = bar_text(app)
        assert text.startswith(" u Undo  s Save  h History  t Stats  p People ")
        assert " q Quit  ? Help " in text
        assert text.rstrip().endswith("▏ ^p palette")
        assert "Choose 1" not in text and "Show all text" not in text  # bindings with show=False
        assert len(text) == 100  # exactly the width: the palette sits at the right edge

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_a_click_on_a_key_presses_it(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        bar = app.screen.query_one(KeyBar)
        history = app.screen.query_one("#history")
        x = bar_text(app).index("History")
        assert bar.key_at(x) == "h" and bar.key_at(x - 2) == "h"  # the key itself and its words
        assert not history.display
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert history.display
        await pilot.click(KeyBar, offset=(bar_text(app).rindex("palette"), 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_a_narrow_bar_ends_in_an_ellipsis_and_keeps_the_palette(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        text = bar_text(app)
        assert len(text) == 60 and "…" in text and text.endswith("▏ ^p palette ")
        assert play(app).query_one(KeyBar).key_at(text.index("…")) is None  # a cut key is not clickable

    drive(steps, tmp_path, start_story="demo", seed=1, size=(60, 20))


def test_every_shown_key_of_a_career_fits_the_bar_at_80_columns(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        text = bar_text(app)
        assert "…" not in text and " ? Help " in text and text.rstrip().endswith("▏ ^p palette")

    drive(steps, tmp_path, start_story="demo", seed=1, size=(80, 24))
