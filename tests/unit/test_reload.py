"""Live reload's core: the career carried over to a new version of its story."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.author.check import load_checked
from engine.author.reload import BACK, KEPT, RESTART, SAME, carry, problem, reload_session
from engine.author.warp import warp
from engine.core.model import Story
from engine.play.session import Session
from tests.support import STORIES

STUDIO = STORIES / "studio"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(STUDIO, tmp_path / "studio")
    return tmp_path / "studio"


def load(folder: Path) -> Story:
    result = load_checked(folder, cache=False)
    assert result.ok and result.story is not None, [d.format() for d in result.diagnostics]
    return result.story


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def played(story: Story, *choices: str) -> Session:
    s = Session(story, 7)
    for c in choices:
        s.choose(c)
    return s


def test_a_text_edit_keeps_scene_state_journal_and_undo(folder: Path) -> None:
    old = played(load(folder), "centre")
    edit(folder / "class.yaml", "Adagio, then jumps.", "Adagio, then petit allegro.")
    r = reload_session(old, load(folder))
    assert (r.outcome, r.warped, r.steps, r.message) == (SAME, False, 1, "same scene, same state")
    assert r.session.state == old.state and r.session.journal == old.journal
    assert "petit allegro" in str(r.session.text)
    assert r.session.undo() == 1 and r.session.state.scene == "class.barre"


def test_a_changed_earlier_step_keeps_the_state_but_starts_undo_afresh_as_a_warped_run(folder: Path) -> None:
    old = played(load(folder), "centre")
    edit(folder / "class.yaml", "effects: {poise: +5}", "effects: {poise: +9}")
    r = reload_session(old, load(folder))
    assert (r.outcome, r.warped, r.steps) == (KEPT, True, 0)
    assert r.message == "same scene, same state; step 1 now plays differently, so undo starts again from here"
    assert r.session.state == old.state and r.session.state.stats["poise"] == 45  # not 49
    assert not r.session.can_undo


def test_a_scene_that_is_gone_sends_play_back_to_the_last_step_that_holds(folder: Path) -> None:
    old = played(load(folder), "sit", "continue")  # barre -> the bench (detour) -> the centre
    assert old.state.scene == "class.centre"
    edit(folder / "class.yaml", "  centre:\n    title: In the Centre", "  middle:\n    title: In the Middle")
    edit(folder / "class.yaml", "goto: centre", "goto: middle")
    r = reload_session(old, load(folder))
    assert (r.outcome, r.warped) == (BACK, False)
    # both steps still replay, but the route now leads to the renamed scene
    assert r.message == (
        "scene “class.centre” no longer exists; replaying your 2 choices now leads to “In the Middle”"
    )
    assert r.session.state.scene == "class.middle" and len(r.session.journal) == 2


def test_a_removed_choice_stops_the_replay_at_the_step_before_it(folder: Path) -> None:
    old = played(load(folder), "sit", "continue")
    edit(
        folder / "rest.yaml",
        "    continue: Back to class\n    return: true",
        "    ending: {title: Asleep, tone: farewell}",
    )
    r = reload_session(old, load(folder))
    # the career was in the centre, which still exists: same scene, same state, undo afresh
    assert r.outcome == KEPT and r.session.state.scene == "class.centre"
    edit(folder / "class.yaml", "  centre:\n    title: In the Centre", "  middle:\n    title: In the Middle")
    edit(folder / "class.yaml", "goto: centre", "goto: middle")
    r = reload_session(old, load(folder))
    assert r.outcome == BACK and r.steps == 1 and r.session.state.scene == "rest.bench"
    assert r.message == "back to step 1, “On the Bench”: scene “class.centre” no longer exists"


def test_back_to_the_start_when_no_step_holds(folder: Path) -> None:
    old = played(load(folder), "centre")
    edit(folder / "class.yaml", "id: centre\n", "id: to_centre\n")
    edit(folder / "class.yaml", "  centre:\n    title: In the Centre", "  middle:\n    title: In the Middle")
    edit(folder / "class.yaml", "goto: centre", "goto: middle")
    r = reload_session(old, load(folder))
    assert r.outcome == BACK and r.steps == 0 and r.session.state.scene == "class.barre"
    assert r.message == "back to the start, “At the Barre”: scene “class.centre” no longer exists"


def test_a_scene_that_lost_its_text_cannot_hold_play(folder: Path) -> None:
    old = played(load(folder), "centre")
    text = (folder / "class.yaml").read_text()
    centre = text[text.index("  centre:") : text.index("  after:")]
    (folder / "class.yaml").write_text(text.replace(centre, "  centre:\n    next: after\n\n"))
    new = load(folder)
    assert new.scenes["class.centre"].is_router
    assert (
        problem(old.state, new) == "scene “class.centre” has no text now, so play passes straight through it"
    )
    r = reload_session(old, new)  # the replay passes through it, on to the show
    assert r.outcome == BACK and r.session.state.scene == "stage.show" and r.session.ended
    assert r.message == (
        "scene “class.centre” has no text now, so play passes straight through it; "
        "replaying your 1 choice now leads to “The Show”"
    )


def test_carrying_a_state_adapts_it_to_new_stats_flags_ranges_and_scenes(folder: Path) -> None:
    old = played(load(folder), "centre")
    old.state.visits["class.gone"] = 3
    edit(
        folder / "story.yaml",
        "  poise: {label: Poise, start: 40, min: 0, max: 60}",
        "  poise: {label: Poise, start: 40, min: 0, max: 44}\n  line: {label: Line, start: 12}",
    )
    edit(folder / "story.yaml", "  tired: {label: tired}", "  tired: {label: tired}\n  warm: {label: warm}")
    edit(
        folder / "class.yaml",
        "Poise {poise}.",
        'Poise {poise}, line {line}, {if warm then "warm" else "cold"}.',
    )
    new = load(folder)
    carried = carry(old.state, new)
    assert carried.stats == {"strength": 51, "poise": 44, "line": 12}
    assert carried.flags == {"tired": False, "warm": False}
    assert "class.gone" not in carried.visits and carried.visits["class.centre"] == 1
    assert (carried.rng, carried.turn, carried.scene) == (old.state.rng, old.state.turn, old.state.scene)


def test_a_career_with_no_choice_yet_starts_again_on_the_new_version(folder: Path) -> None:
    old = played(load(folder))
    edit(
        folder / "story.yaml",
        "strength: {label: Strength, start: 50}",
        "strength: {label: Strength, start: 60}",
    )
    r = reload_session(old, load(folder))
    assert r.outcome == RESTART and not r.warped and r.session.state.stats["strength"] == 61


def test_a_warped_run_replays_from_its_warp_and_stays_warped(folder: Path) -> None:
    story = load(folder)
    w = warp(played(story), "class.centre", {"strength": 80}, {})
    w.choose("jete")  # open only with the warped strength
    assert w.ended
    edit(folder / "stage.yaml", "The curtain rises.", "The curtain rises slowly.")
    r = reload_session(w, load(folder), warped=True)
    assert (r.outcome, r.warped, r.steps) == (SAME, True, 1)
    assert r.session.state == w.state and r.session.start_state.stats["strength"] == 80


def test_errors_in_the_journal_never_escape_the_replay(folder: Path) -> None:
    old = played(load(folder), "centre")
    edit(folder / "class.yaml", "        id: centre\n", "        id: centre\n        if: strength > 90\n")
    r = reload_session(old, load(folder))  # the first choice is now hidden: it cannot be replayed
    assert r.outcome == KEPT and r.session.state == old.state


def test_carrying_a_state_keeps_the_once_only_choices_taken_that_are_still_once_only() -> None:
    story = load_checked("demo", cache=False).story
    assert story is not None
    s = Session(story, 1)
    s.choose("ask_triple")
    s.state.taken["training.early_ice/run_program"] = 1  # sticky in this version: forgotten
    s.state.taken["training.gone/x"] = 1  # a scene that is gone: forgotten
    assert carry(s.state, story).taken == {"training.early_ice/ask_triple": 1}


def test_a_pending_return_goes_where_the_edited_call_now_says(folder: Path) -> None:
    """Inside a detour, the author edits the `goto` beside its `call`: the return is still to
    come, so it takes the new target, and no step played differs, so the run is not warped."""
    old = played(load(folder), "sit")
    assert old.state.scene == "rest.bench" and old.state.stack[0][1] == "class.centre"
    edit(
        folder / "class.yaml",
        "call: rest.bench\n        goto: centre",
        "call: rest.bench\n        goto: stage.show",
    )
    r = reload_session(old, load(folder))
    assert (r.outcome, r.warped, r.steps) == (SAME, False, 1)
    r.session.choose("continue")
    assert r.session.state.scene == "stage.show"


def test_a_pending_return_takes_the_edited_target_in_a_warped_run_too(folder: Path) -> None:
    """An earlier step plays differently as well: the state is kept (a warped run), and its
    pending return still goes where the call now says."""
    old = played(load(folder), "sit")
    edit(
        folder / "class.yaml",
        "call: rest.bench\n        goto: centre",
        "call: rest.bench\n        goto: stage.show",
    )
    edit(folder / "class.yaml", "effects: {strength: +1}", "effects: {strength: +2}")
    r = reload_session(old, load(folder))
    assert (r.outcome, r.warped) == (KEPT, True)
    r.session.choose("continue")
    assert r.session.state.scene == "stage.show"
