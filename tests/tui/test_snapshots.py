"""Snapshot tests of the screens, at 80x24 and 120x40 (pytest-textual-snapshot).

Everything in the picture is fixed: seeds, an empty save folder, text shown at once, no
animation, and no clock. The seeds are chosen for their rolls: with seed 60 the demo's first
roll, the double salchow at six in the morning, lands (rolled 9 of 100); with seed 2 both
jumps of DEMO_FOURTH land. After a deliberate change to a screen, look at the differences in
the report and run `uv run pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.tui.app import PointeEdgeApp
from engine.tui.messages import OpenAuthorView
from engine.tui.settings import Settings
from tests.support.app import saved_career

SIZES = [(80, 24), (120, 40)]
DEMO_FOURTH = ["drill_salchow", "evening_session", "save_legs", "double_salchow", "continue"]


def app(tmp_path: Path, **kwargs) -> PointeEdgeApp:  # type: ignore[no-untyped-def]
    return PointeEdgeApp(saves_dir=tmp_path / "saves", settings=Settings(reveal="off"), **kwargs)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_title(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def settled(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()  # the saves are read just after the first frame

    assert snap_compare(app(tmp_path), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_play(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def after_a_roll(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.screen.choose("drill_salchow")
        await pilot.pause()

    assert snap_compare(
        app(tmp_path, start_story="demo", seed=60), terminal_size=size, run_before=after_a_roll
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ending(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def to_the_end(pilot) -> None:  # type: ignore[no-untyped-def]
        for choice in DEMO_FOURTH:
            pilot.app.screen.choose(choice)
            await pilot.pause()

    assert snap_compare(app(tmp_path, start_story="demo", seed=2), terminal_size=size, run_before=to_the_end)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app(tmp_path, start_story="demo", seed=1), terminal_size=size, press=["question_mark"]
    )


def test_author_view(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def map_after_a_choice(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.pop_screen()  # author mode opens on the map: make a choice, then open it again
        await pilot.pause()
        pilot.app.screen.choose("drill_salchow")
        pilot.app.post_message(OpenAuthorView())
        await pilot.pause()

    assert snap_compare(
        app(tmp_path, start_story="demo", seed=60, author=True),
        terminal_size=(80, 24),
        run_before=map_after_a_choice,
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stats(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def after_a_sprain(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.screen.choose("drill_salchow")  # seed 1: the roll fails, the ankle is sore
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(
        app(tmp_path, start_story="demo", seed=1), terminal_size=size, run_before=after_a_sprain
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_endings(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    saved_career(tmp_path / "saves", "demo", 218, DEMO_FOURTH)  # one ending found: hints show

    async def gallery(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        pilot.app.screen.query_one("#card-demo").focus()
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(app(tmp_path), terminal_size=size, run_before=gallery)
