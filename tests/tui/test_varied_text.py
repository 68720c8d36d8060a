"""Text that varies and remembers, as the player sees it in the app: the rink read again on a
return visit, emphasis inside an `{if}` fragment, a once-only question gone, a fallback."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot

from engine.tui.app import PointeEdgeApp
from engine.tui.widgets.choices import ChoiceList
from engine.tui.widgets.prose import Prose
from tests.support.app import choose_all, drive, play


def _options(app: PointeEdgeApp) -> list[tuple[str | None, bool]]:
    choices = app.screen.query_one(ChoiceList)
    found = [choices.get_option_at_index(i) for i in range(choices.option_count)]
    return [(o.id, o.disabled) for o in found]


def _prose(app: PointeEdgeApp) -> tuple[str, list[str]]:
    """The scene's text as shown, and the parts of it shown in italic."""
    text = app.screen.query_one(Prose).content
    assert isinstance(text, Text)
    italic = [text.plain[s.start : s.end] for s in text.spans if "italic" in str(s.style)]
    return text.plain, italic


def test_the_rink_on_a_return_visit_a_once_only_question_and_a_fallback(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert "ask_triple" in [cid for cid, _ in _options(app)]
        await choose_all(app, pilot, ["ask_triple"])
        plain, italic = _prose(app)
        assert "She is waiting to see whether you will." in plain
        assert "will" in italic  # the `*will*` of an `{if}` fragment, styled, no asterisks
        assert "*" not in plain
        assert _options(app) == [("ask_how_long", False)]  # the fallback waits its turn
        await choose_all(app, pilot, ["ask_how_long"])
        assert _prose(app)[0].startswith('"Two years," she says.')  # the scene's `revisit`
        assert _options(app) == [("back_to_double", False)]  # asked: only the fallback is left
        await choose_all(app, pilot, ["back_to_double"])
        plain, _ = _prose(app)
        assert plain.startswith("Back to the far circle. The ice there is cut up now")
        assert "The triple is still in your head" in plain  # `{once: ...}` on its first showing
        assert [cid for cid, _ in _options(app)] == ["drill_salchow", "run_program", "ask_coach"]
        assert play(app).session.state.taken == {
            "training.early_ice/ask_triple": 1,
            "training.triple_talk/ask_how_long": 1,
        }

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_undo_brings_a_once_only_choice_back(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["ask_triple", "ask_how_long", "back_to_double"])
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert _options(app) == [("ask_how_long", False)]
        await pilot.press("u")
        await pilot.pause()
        assert "ask_triple" in [cid for cid, _ in _options(app)]
        assert play(app).session.state.taken == {}

    drive(steps, tmp_path, start_story="demo", seed=1)
