"""The rules of play: choices and locks, effects, chance, detours, routers, undo, state, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core.model import CONTINUE
from engine.core.template import to_plain
from engine.play.rng import SplitMix64, seed_state
from engine.play.rolls import keyed_roll
from engine.play.session import ChoiceError, Session
from engine.play.state import GameState, StateError
from tests.support import ROOT, STORIES

RULES = STORIES / "rules"


def ids(session: Session) -> dict[str, bool]:
    return {c.id: c.locked for c in session.choices}


# -- entering scenes, choices and locks ---------------------------------------------------------


def test_the_start_scene_is_entered_with_its_effects_visit_and_milestone(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    assert s.state.scene == "main.hub"
    assert s.state.stats == {"power": 50, "grace": 11}
    assert s.state.visits == {"main.hub": 1}
    assert s.milestones == ("Came to the hub at turn 0.",)
    assert to_plain(s.text) == "Power 50, grace 11. Visits 1, turn 0."
    assert s.scene.title == "The Hub" and s.chapter_title == "Main" and s.phase == "training"


def test_hidden_choices_are_absent_and_locked_ones_carry_a_reason(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    choices = {c.id: c for c in s.choices}
    assert "hidden" not in choices
    assert choices["locked"].locked and choices["locked"].reason == "needs Power 80 (you have 50)"
    assert choices["reason"].reason == "only with a medal around your neck"
    assert [c.number for c in s.choices] == list(range(1, len(s.choices) + 1))
    with pytest.raises(ChoiceError, match="locked: needs Power 80"):
        s.choose("locked")
    with pytest.raises(ChoiceError, match="no choice 'hidden'"):
        s.choose("hidden")


def test_lock_reasons_name_only_the_failing_parts(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)

    def reason(power: int, hurt: bool) -> str | None:
        state = s.state.copy()
        state.stats["power"], state.flags["hurt"] = power, hurt
        s.restore(state)
        return {c.id: c.reason for c in s.choices}["locked"]

    assert reason(50, False) == "needs Power 80 (you have 50)"
    assert reason(90, True) == "not when hurt"
    assert reason(50, True) == "needs Power 80 (you have 50), and not when hurt"
    assert reason(90, False) is None


def test_effects_add_set_fairmath_and_clamp(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    result = s.choose("add")  # power 50 -> 60, then hub's entry effect grace +1
    assert s.state.stats == {"power": 60, "grace": 12}
    assert [(c.stat, c.before, c.after, c.delta) for c in result.changes] == [
        ("power", 50, 60, 10),
        ("grace", 11, 12, 1),
    ]
    s.choose("fair_up")  # 60 + (100 - 60) * 50% = 80
    assert s.stat("power") == 80
    s.choose("fair_down")  # 80 - (80 - 0) * 50% = 40
    assert s.stat("power") == 40
    s.choose("set_clamp")  # power = 100, grace + 100 // 2 = +50, clamped to its max 20
    assert s.state.stats == {"power": 100, "grace": 20}


def test_fairmath_rounds_halves_away_from_zero(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    state = s.state.copy()
    state.stats["power"] = 51
    s.restore(state)
    s.choose("fair_up")  # 51 + 49 * 0.5 = 75.5 -> 76
    assert s.stat("power") == 76


# -- chance -----------------------------------------------------------------------------------


def test_a_chance_is_shown_then_rolled_from_the_careers_key(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    assert s.rolls == "keyed" and s.state.rng == seed_state(1)  # the key is part of the game state
    assert {c.id: c.chance for c in s.choices}["roll"] == 50
    expected_roll = keyed_roll(seed_state(1), 1, "main.hub", "roll")
    result = s.choose("roll")
    assert result.step.roll is not None
    assert (result.step.roll.chance, result.step.roll.roll) == (50, expected_roll)
    assert result.step.roll.success == (expected_roll < 50)
    assert s.state.rng == seed_state(1)  # never advanced
    if result.step.roll.success:
        assert to_plain(result.outcome) == "Won 50." and s.state.flags["medal"]  # type: ignore[arg-type]
        assert result.milestones == ("Won a roll.", "Came to the hub at turn 1.")
    else:
        assert to_plain(result.outcome) == "Lost." and s.stat("power") == 45  # type: ignore[arg-type]


def test_a_sequential_career_rolls_the_next_number_of_its_rng(rules) -> None:  # type: ignore[no-untyped-def]
    # The scheme of careers begun before keyed rolls: one sequence, advanced by every roll.
    s = Session(rules, 1, rolls="sequential")
    rng = SplitMix64(seed_state(1))
    rolled = [s.choose("roll").step.roll.roll for _ in range(3)]  # type: ignore[union-attr]
    assert rolled == [rng.below(100) for _ in range(3)]
    assert s.state.rng == rng.state  # the RNG's state is part of the game state


def test_chances_are_clamped_to_5_and_95(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    for power, shown in ((100, 95), (0, 5), (62, 62)):
        state = s.state.copy()
        state.stats["power"] = power
        s.restore(state)
        assert {c.id: c.chance for c in s.choices}["roll"] == shown


def test_both_outcomes_happen_over_many_seeds(rules) -> None:  # type: ignore[no-untyped-def]
    outcomes = {Session(rules, seed).choose("roll").step.roll.success for seed in range(40)}  # type: ignore[union-attr]
    assert outcomes == {True, False}


# -- detours, routers, next -------------------------------------------------------------------


def test_a_detour_without_goto_resumes_the_calling_scene(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    s.choose("detour_resume")
    assert s.state.scene == "detour.first" and s.state.stack == [("main.hub", None, 1)]
    assert s.stat("power") == 49
    s.choose("back")
    assert s.state.scene == "main.hub" and s.state.stack == []
    assert s.state.visits["main.hub"] == 1  # resumed, not re-entered: no visit, no effects
    assert s.stat("grace") == 11


def test_nested_detours_unwind_in_order_then_go_on_to_after(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    s.choose("detour_after")
    s.choose("deeper")
    assert s.state.stack == [("main.hub", "main.ending", 1), ("detour.first", None, 1)]
    assert [c.id for c in s.choices] == [CONTINUE] and to_plain(s.choices[0].text) == "Climb back"
    s.choose(CONTINUE)
    assert s.state.scene == "detour.first" and s.state.stack == [("main.hub", "main.ending", 1)]
    s.choose("back")
    assert s.state.scene == "main.ending" and s.ended
    assert s.ending.title == "Finished" and s.ending.tone == "triumph"  # type: ignore[union-attr]
    assert s.choices == () and s.stuck is None
    with pytest.raises(ChoiceError, match="ended"):
        s.choose("back")


def test_a_router_passes_straight_on_by_its_first_true_branch(rules) -> None:  # type: ignore[no-untyped-def]
    s = Session(rules, 1)
    s.choose("hurt")  # power 50: the router sends play back to the hub
    assert s.state.scene == "main.hub" and s.state.visits["main.router"] == 1
    assert "hidden" in ids(s)  # now that hurt is set
    s.choose("set_clamp")
    s.choose("hurt")  # power 100: the router sends play to the end
    assert s.state.scene == "main.ending"


def test_random_play_of_the_demo_reaches_every_scene_and_ending(demo) -> None:  # type: ignore[no-untyped-def]
    from tests.support.playtest import survey

    result = survey(demo, 1500)
    assert result.stuck == []
    assert set(demo.scenes) - result.visited == set()
    assert {e.id for e in demo.endings} == set(result.endings)
    assert {e.ending.tone for e in demo.endings} == {
        "triumph",
        "bittersweet",
        "tragic",
        "farewell",
        "new_path",
    }


# -- undo, journal, state ------------------------------------------------------------------------


def test_undo_steps_back_any_number_of_choices(demo) -> None:  # type: ignore[no-untyped-def]
    path = ["run_program", "rest", "save_legs", "single_salchow", CONTINUE]
    states = []
    s = Session(demo, 11)
    states.append(s.state.to_dict())
    for cid in path:
        s.choose(cid)
        states.append(s.state.to_dict())
    assert s.ended
    assert s.undo(2) == 2
    assert s.state.to_dict() == states[-3] and len(s.journal) == 3
    assert s.undo(99) == 3 and not s.can_undo
    assert s.state.to_dict() == states[0] and s.journal == ()
    for cid in path:  # playing on after undo gives the same career
        s.choose(cid)
    assert s.state.to_dict() == states[-1]


def test_the_journal_records_scene_choice_and_roll(demo) -> None:  # type: ignore[no-untyped-def]
    s = Session.replay(demo, 4, ["drill_salchow"])
    (step,) = s.journal
    assert (step.scene, step.choice) == ("training.early_ice", "drill_salchow")
    assert step.roll is not None and step.roll.chance == 60
    assert json.loads(json.dumps(step.to_dict())) == step.to_dict()


def test_game_state_round_trips_exactly_through_json(demo) -> None:  # type: ignore[no-untyped-def]
    s = Session.replay(demo, 3, ["drill_salchow"])
    data = json.loads(json.dumps(s.state.to_dict()))
    assert GameState.from_dict(data) == s.state
    assert json.dumps(GameState.from_dict(data).to_dict()) == json.dumps(s.state.to_dict())


_names = st.text("abcdefghij_.", min_size=1, max_size=12)


@given(
    st.builds(
        GameState,
        scene=_names,
        stats=st.dictionaries(_names, st.integers(-1000, 1000)),
        flags=st.dictionaries(_names, st.booleans()),
        visits=st.dictionaries(_names, st.integers(0, 10_000)),
        stack=st.lists(st.tuples(_names, st.one_of(st.none(), _names), st.integers(1, 1000)), max_size=5),
        rng=st.integers(0, 2**64 - 1),
        turn=st.integers(0, 10_000),
        milestones=st.lists(st.text(max_size=40), max_size=5),
        calls=st.dictionaries(_names, st.integers(1, 1000)),
    )
)
def test_any_state_round_trips(state: GameState) -> None:
    assert GameState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("rng"),
        lambda d: d.update(rng=-1),
        lambda d: d.update(rng=2**64),
        lambda d: d.update(stats={"power": "50"}),
        lambda d: d.update(flags={"hurt": 1}),
        lambda d: d.update(visits={"x": -1}),
        lambda d: d.update(stack=[["a"]]),
        lambda d: d.update(stack=[["a", None, 0]]),
        lambda d: d.update(stack=[["a", None, True]]),
        lambda d: d.update(calls={"a": 0}),
        lambda d: d.update(calls=[]),
        lambda d: d.update(turn=True),
        lambda d: d.update(milestones="one"),
    ],
)
def test_malformed_state_data_is_refused(damage) -> None:  # type: ignore[no-untyped-def]
    data = GameState("a", {"power": 1}, {"hurt": False}, {}, [], 5).to_dict()
    damage(data)
    with pytest.raises(StateError):
        GameState.from_dict(data)


# -- faults: the story's fault, never a crash ----------------------------------------------------


def test_a_story_fault_stops_play_with_a_reason_instead_of_crashing(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("id: f\ntitle: F\nstart: a.one\nstats:\n  x: 1\n")
    (tmp_path / "a.yaml").write_text(
        "chapter: a\nscenes:\n  one:\n    text: One {x}.\n    choices:\n"
        "      - text: Return from nowhere\n        return: true\n"
        "      - text: Nowhere to go\n        goto: two\n"
        "  two:\n    next:\n      - if: x > 5\n        goto: one\n"
    )
    story = load_checked(tmp_path, cache=False).story  # has errors (E056, W107): play it anyway
    assert story is not None
    s = Session(story, 1)
    s.choose("return-from-nowhere")
    assert s.stuck == "`return` with no detour to return from, in a.one"
    s.undo()
    s.choose("nowhere-to-go")
    assert s.stuck == "no branch of `next` applies in a.two"
    with pytest.raises(ChoiceError):
        s.choose("nowhere-to-go")
    s.undo()
    assert s.stuck is None


def test_a_step_that_fails_midway_leaves_the_session_as_it_was(demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s = Session.replay(demo, 5, ["run_program"])
    before = (s.state.to_dict(), s.journal, s.can_undo, s.text, s.choices)

    def broken(self, effects):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in the middle of a step")

    monkeypatch.setattr(Session, "_apply", broken)
    with pytest.raises(RuntimeError):
        s.choose("evening_session")
    assert (s.state.to_dict(), s.journal, s.can_undo, s.text, s.choices) == before
    monkeypatch.undo()
    s.choose("evening_session")  # and play goes on
    assert s.state.scene == "competition.warmup" and len(s.journal) == 2


_ADVANCE_WITH_UNDO = """
from engine.author.check import load_checked
from engine.play.session import Session
s = Session(load_checked("demo", cache=False).story, 5)
try:
    s.advance("run_program")
except RuntimeError:
    print("refused", len(s.journal), s.can_undo)
else:
    print("made", len(s.journal), s.can_undo)
"""


def test_advance_on_a_session_with_undo_is_refused_even_under_python_O(demo) -> None:  # type: ignore[no-untyped-def]
    # An `assert` guarded this once: under -O the step joined the journal without an undo entry.
    s = Session(demo, 5)
    with pytest.raises(RuntimeError, match="without undo history"):
        s.advance("run_program")
    assert s.journal == () and not s.can_undo
    done = subprocess.run(
        [sys.executable, "-O", "-c", _ADVANCE_WITH_UNDO], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["refused", "0", "False"]


# -- determinism ---------------------------------------------------------------------------------

_CAREERS = """
import json, sys
from engine.author.check import load_checked
from engine.play.rng import SplitMix64
from engine.play.session import Session
from engine.core.template import to_plain
story = load_checked("demo", cache=False).story
out = []
for seed, rolls in [(n, r) for n in range(12) for r in ("keyed", "sequential")]:
    s = Session(story, seed, rolls=rolls)
    pick = SplitMix64(seed)
    texts = [to_plain(s.text)]
    while not s.ended:
        open_ = [c for c in s.choices if not c.locked]
        cid = open_[pick.below(len(open_))].id
        if pick.below(3) == 0:  # peek: choose, undo, choose the same again
            s.choose(cid)
            s.undo()
        s.choose(cid)
        texts.append(to_plain(s.text))
    out.append({"texts": texts, "state": s.state.to_dict(), "journal": [j.to_dict() for j in s.journal]})
print(json.dumps(out, sort_keys=True))
"""


def test_same_seed_and_choices_give_the_same_career_in_any_process() -> None:
    runs = []
    for hashseed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        done = subprocess.run(
            [sys.executable, "-c", _CAREERS], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        runs.append(done.stdout)
    assert runs[0] == runs[1]
    careers = json.loads(runs[0])
    assert len({json.dumps(c["journal"]) for c in careers}) > 3  # the seeds really differ
    keyed, sequential = careers[0::2], careers[1::2]
    assert keyed != sequential  # both schemes played, and they roll differently


def test_the_rng_is_splitmix64_to_the_reference_vector() -> None:
    # Vigna's splitmix64.c seeded with 1234567: the generator is the published algorithm.
    rng = SplitMix64(1234567)
    assert [rng.next() for _ in range(3)] == [6457827717110365317, 3203168211198807973, 9817491932198370423]


def test_the_rolls_of_a_seed_are_fixed_forever() -> None:
    # If these change, every saved career replays differently: never change them.
    rng = SplitMix64(seed_state(42))
    assert [rng.below(100) for _ in range(8)] == [77, 62, 41, 0, 67, 59, 89, 13]
