"""Detours that know where they struck: `caller_scene`, `caller_chapter`, `caller_phase` and
`strikes`, played through Session, checked by `check` (W116, E024, E041, E043), proven by the
ranges, worded in a lock's reason; and saves from before strikes were counted still replay."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core import expr as ex
from engine.core.model import CONTINUE, Story
from engine.core.template import to_plain
from engine.play.session import Session
from engine.play.state import GameState
from engine.saves.format import digest, legacy_digest, parse_career
from engine.saves.record import resume
from tests.support import DATA

MANIFEST = """\
id: detours
title: Detours
start: practice.ice
stats:
  nerve: {start: 50}
"""

PRACTICE = """\
chapter: practice
phase: training
title: Tuesday Practice
scenes:
  ice:
    title: Early Ice
    text: "Outside [{caller_phase}|{caller_chapter}|{caller_scene}|{strikes}]."
    choices:
      - text: Fall here
        id: fall
        call: setback.fall
      - text: Fall on the way
        id: via_router
        goto: router
      - text: Go to the final
        id: to_final
        goto: final.warmup
  router:
    next:
      - call: setback.fall
        goto: final.warmup
"""

FINAL = """\
chapter: final
phase: competition
title: The Final
scenes:
  warmup:
    title: Warm-Up
    text: The final, with nerve {nerve}.
    choices:
      - text: Fall in the final
        id: fall
        call: setback.fall
        goto: podium
  podium:
    text: Done.
    ending: {title: Done, tone: triumph}
"""

SETBACK = """\
chapter: setback
phase: setback
title: Setbacks
scenes:
  fall:
    title: The Fall
    text: "In [{caller_phase}|{caller_chapter}|{caller_scene}|{strikes}]."
    effects: {nerve: "-(strikes * 5)"}
    choices:
      - text: Get up
        id: up
        return: true
      - text: Bow to the judges
        id: bow
        if: caller_phase == "competition"
        locked: true
        return: true
      - text: Only the third time
        id: third
        if: strikes >= 3
        locked: true
        return: true
      - text: Lie there a moment
        id: lie
        goto: floor
      - text: Fall again, inside the fall
        id: again
        call: fall
  floor:
    text: "On the floor [{caller_phase}|{strikes}]."
    continue: Get up
    return: true
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    folder = write(
        tmp_path_factory.mktemp("detours") / "story",
        {"story.yaml": MANIFEST, "practice.yaml": PRACTICE, "final.yaml": FINAL, "setback.yaml": SETBACK},
    )
    result = load_checked(folder, cache=False, ranges=True)
    # "Fall again, inside the fall" nests the detour in itself on purpose: check warns (W124)
    assert [d.code for d in result.diagnostics] == ["W124"]
    assert result.story is not None
    return result.story


def text(s: Session) -> str:
    return to_plain(s.text)


# -- what the names read in play ----------------------------------------------------------------


def test_outside_a_detour_the_names_are_empty_and_zero(story: Story) -> None:
    assert text(Session(story, 1)) == "Outside [|||0]."


def test_a_detour_reads_its_callers_scene_chapter_phase_and_first_strike(story: Story) -> None:
    s = Session(story, 1)
    s.choose("fall")
    assert text(s) == "In [training|practice|practice.ice|1]."
    assert s.stat("nerve") == 45  # an amount reads strikes too: -(1 * 5)


def test_the_same_detour_reads_differently_from_a_final_and_counts_its_strikes(story: Story) -> None:
    s = Session(story, 1)
    s.choose("fall")
    s.choose("up")  # back to the practice, resumed
    assert s.state.scene == "practice.ice" and text(s) == "Outside [|||0]."
    s.choose("to_final")
    s.choose("fall")
    assert text(s) == "In [competition|final|final.warmup|2]."
    assert s.stat("nerve") == 35  # -5, then -(2 * 5)
    s.choose("up")
    assert s.state.scene == "final.podium" and s.state.calls == {"setback.fall": 2}


def test_scenes_the_detour_goes_on_to_read_the_same_caller(story: Story) -> None:
    s = Session(story, 1)
    s.choose("to_final")
    s.choose("fall")
    s.choose("lie")
    assert s.state.scene == "setback.floor" and text(s) == "On the floor [competition|1]."


def test_a_router_that_calls_is_the_caller(story: Story) -> None:
    s = Session(story, 1)
    s.choose("via_router")
    assert text(s) == "In [training|practice|practice.router|1]."
    s.choose("up")
    assert s.state.scene == "final.warmup"


def test_a_detour_called_inside_itself_counts_a_strike_and_the_outer_one_keeps_its_own(story: Story) -> None:
    s = Session(story, 1)
    s.choose("fall")
    s.choose("again")
    assert text(s) == "In [setback|setback|setback.fall|2]."
    assert [frame[2] for frame in s.state.stack] == [1, 2]
    s.choose("up")  # back to the outer fall, resumed: it still reads its own caller and strike
    assert text(s) == "In [training|practice|practice.ice|1]."


def test_undo_takes_a_strike_back(story: Story) -> None:
    s = Session(story, 1)
    s.choose("fall")
    s.undo()
    assert s.state.calls == {} and s.state.stack == []
    s.choose("fall")
    assert text(s) == "In [training|practice|practice.ice|1]."


def test_a_choice_that_reads_the_caller_is_locked_with_a_reason_in_words(story: Story) -> None:
    s = Session(story, 1)
    s.choose("fall")
    locked = {c.id: c.reason for c in s.choices if c.locked}
    assert locked == {
        "bow": "only when called from a competition",
        "third": "needs 3 strikes of this detour (this is strike 1)",
    }
    s.choose("up")
    s.choose("to_final")
    s.choose("fall")
    assert [c.id for c in s.choices if not c.locked] == ["up", "bow", "lie", "again"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ('caller_phase == "audition"', "only when called from an audition"),
        ('caller_phase != "training"', "not when called from a training"),
        ('"competition" == caller_phase', "only when called from a competition"),
        ('caller_chapter == "final"', "only when called from “The Final”"),
        ('caller_scene == "final.warmup"', "only when called from “Warm-Up”"),
        ('caller_scene == ""', "only outside a detour"),
        ("strikes > 1", "needs more than 1 strikes of this detour (this is strike 1)"),
    ],
)
def test_every_detour_name_has_words_for_a_lock(story: Story, source: str, reason: str) -> None:
    from engine.play.reasons import explain

    s = Session(story, 1)
    s.choose("fall")
    assert explain(ex.parse(source), s.state, story, "setback") == reason


def test_outside_a_detour_a_strike_condition_says_so(story: Story) -> None:
    from engine.play.reasons import explain

    assert (
        explain(ex.parse("strikes >= 1"), Session(story, 1).state, story, "practice")
        == "only inside a detour"
    )


# -- what check says ------------------------------------------------------------------------------


def _diagnostics(tmp_path: Path, **files: str) -> list[str]:
    base = {"story.yaml": MANIFEST, "practice.yaml": PRACTICE, "final.yaml": FINAL, "setback.yaml": SETBACK}
    folder = write(tmp_path / "story", {**base, **{f"{k}.yaml": v for k, v in files.items()}})
    return [d.format() for d in load_checked(folder, cache=False, ranges=True).diagnostics]


BLIND = """\
chapter: setback
phase: setback
title: Setbacks
scenes:
  fall:
    text: "You fall. {READ}"
    choices:
      - text: Get up
        id: up
        goto: floor
  floor:
    text: "{LATER}"
    continue: Up
    return: true
"""


def blind(read: str = "", later: str = "On the floor.") -> str:
    return BLIND.replace("{READ}", read).replace("{LATER}", later)


def test_a_detour_called_from_two_phases_that_never_reads_its_caller_is_warned(tmp_path: Path) -> None:
    (line,) = _diagnostics(tmp_path, setback=blind())
    assert line.endswith(
        "setback.yaml:5:3: warning: W116 detour `setback.fall` reads the same wherever it strikes, "
        "but it is called from training (`practice.ice`, `practice.router`) and from competition "
        '(`final.warmup`) (read where it struck, for example `{if caller_phase == "competition" then '
        '"..." else "..."}` in its text, or `if: caller_phase == ...` on a choice) [setback.fall]'
    )


@pytest.mark.parametrize(
    ("read", "later"),
    [
        ("{caller_phase}", "On the floor."),
        ("{if caller_chapter == 'final' then 'Ouch.'}", "On the floor."),
        ("", "On the floor of {caller_scene}."),  # a later scene of the detour reads it
    ],
)
def test_reading_the_caller_anywhere_in_the_detour_silences_the_warning(
    tmp_path: Path, read: str, later: str
) -> None:
    assert _diagnostics(tmp_path, setback=blind(read, later)) == []


def test_counting_strikes_alone_does_not_tell_the_callers_apart(tmp_path: Path) -> None:
    lines = _diagnostics(tmp_path, setback=blind("Strike {strikes}."))
    assert [line.split(": ")[2][:4] for line in lines] == ["W116"]


def test_a_detour_called_from_one_phase_only_is_not_warned(tmp_path: Path) -> None:
    final = FINAL.replace("phase: competition", "phase: training")
    assert _diagnostics(tmp_path, setback=blind(), final=final) == []


@pytest.mark.parametrize("name", sorted(ex.DETOUR_NAMES))
def test_the_detour_names_are_reserved(tmp_path: Path, name: str) -> None:
    lines = _diagnostics(tmp_path, story=MANIFEST + f"flags: [{name}]\n")
    assert any(f"error: E024 flag `{name}` is reserved: expressions read it as " in line for line in lines)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("caller_phase > 1", "E043"),
        ('strikes == "two"', "E043"),
        ('caller_phse == "training"', "did you mean `caller_phase`?"),
        ("strikes", "E043"),
    ],
)
def test_the_names_are_typed(tmp_path: Path, expression: str, message: str) -> None:
    setback = SETBACK.replace('if: caller_phase == "competition"', f"if: {expression}")
    assert any(message in line for line in _diagnostics(tmp_path, setback=setback))


def test_the_ranges_know_the_callers_of_each_detour(tmp_path: Path) -> None:
    """A choice for an audition can never open: no audition calls this detour (W111); nor can
    one for no strike at all, inside a detour. One for a competition can."""
    setback = SETBACK.replace('if: caller_phase == "competition"', 'if: caller_phase == "audition"').replace(
        "if: strikes >= 3", "if: strikes == 0"
    )
    lines = [line for line in _diagnostics(tmp_path, setback=setback) if ": W124 " not in line]  # see `story`
    assert [line.split(": ")[1:3] for line in lines] == [
        ["warning", "W111 choice `bow` can never be open here"],
        ["warning", "W111 choice `third` can never be open here"],
    ]
    assert "choice `bow` can never be open here" in lines[0]
    assert "choice `third` can never be open here" in lines[1]


def test_the_ranges_tell_the_callers_of_one_scene_apart(story: Story) -> None:
    from engine.author.ranges.solve import Ranges

    ranges = Ranges(story)
    bow = next(c for c in story.scenes["setback.fall"].choices if c.id == "bow")
    assert id(bow) in ranges.opened  # open when the final calls, though not when practice does
    outside = ranges.state["practice.ice"]
    domain = ranges.domain
    assert domain.value(ex.parse("strikes"), outside) == (0, ex.LIMIT)  # joined: not known here
    domain.caller = frozenset({""})
    assert domain.value(ex.parse("strikes"), outside) == (0, 0)
    assert domain.value(ex.parse("caller_phase"), outside) == frozenset({""})
    domain.caller = frozenset({"final.warmup", "practice.router"})
    assert domain.value(ex.parse("caller_phase"), outside) == frozenset({"competition", "training"})
    assert domain.value(ex.parse("strikes"), outside) == (1, ex.LIMIT)
    assert ranges.callers["setback.fall"] == {
        "practice.ice",
        "practice.router",
        "final.warmup",
        "setback.fall",
    }
    assert ranges.callers["practice.ice"] == {""}
    domain.caller = None
    assert domain.value(ex.parse("caller_phase"), outside) == frozenset(
        {"", "training", "competition", "setback"}
    )


# -- properties: any play, any data ---------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 50), max_size=30))
def test_strikes_count_the_calls_into_the_detour_and_callers_are_the_frames(
    story: Story, picks: list[int]
) -> None:
    """Played any way, `strikes` is the number of calls into the detour so far (counted here
    from the routes taken) when it was entered, and every name reads the innermost frame."""
    s = Session(story, 7)
    calls = 0
    model: list[tuple[str, int]] = []  # (caller, strike) as this test follows the routes
    for pick in picks:
        if s.ended:
            break
        scene = s.scene
        open_ids = s.open_choices()
        cid = open_ids[pick % len(open_ids)]
        route = (
            scene.next[0].route if cid == CONTINUE else next(c for c in scene.choices if c.id == cid).route
        )
        assert route is not None
        s.choose(cid)
        if route.kind == "call":
            calls += 1
            model.append((scene.id, calls))
        elif route.kind == "return":
            model.pop()
        elif route.target == "practice.router":  # a router that calls at once
            calls += 1
            model.append(("practice.router", calls))
        assert [(f[0], f[2]) for f in s.state.stack] == model
        if model and s.state.scene == "setback.fall":
            caller, strike = model[-1]
            phase = story.phase_of[caller]
            assert text(s) == f"In [{phase}|{caller.split('.')[0]}|{caller}|{strike}]."


_scene = st.text("abcdefgh._", min_size=1, max_size=10)


@given(
    st.lists(
        st.one_of(
            st.tuples(_scene, st.one_of(st.none(), _scene)).map(list),
            st.tuples(_scene, st.one_of(st.none(), _scene), st.integers(1, 99)).map(list),
        ),
        max_size=6,
    ),
    st.one_of(st.none(), st.dictionaries(_scene, st.integers(1, 99), max_size=3)),
)
def test_old_and_new_frames_load_and_an_old_state_keeps_its_old_form(stack: list, calls: dict | None) -> None:  # type: ignore[type-arg]
    data = GameState("a.b", {}, {}, {}, [], 5).to_dict()
    data["stack"] = stack
    if calls is None:
        del data["calls"]  # as written before detours counted their strikes
    else:
        data["calls"] = calls
    state = GameState.from_dict(json.loads(json.dumps(data)))
    assert [(f[0], f[1]) for f in state.stack] == [(f[0], f[1]) for f in stack]
    assert [f[2] for f in state.stack] == [f[2] if len(f) == 3 else 1 for f in stack]
    assert state.legacy_dict()["stack"] == [[f[0], f[1]] for f in stack]
    assert GameState.from_dict(state.to_dict()) == state


# -- saves and snapshots from before ----------------------------------------------------------


SAVES = DATA / "saves"


def _rules() -> Story:
    loaded = load_checked(DATA / "stories" / "rules", cache=False).story
    assert loaded is not None
    return loaded


def test_a_career_saved_before_strikes_were_counted_loads_and_replays_every_step() -> None:
    story = _rules()
    # The fingerprint digests the loader's IR version too, which later work raises: the save is
    # given today's, so that every step's digest is still checked.
    saved = parse_career(json.loads((SAVES / "rules-career-format-before-strikes.json").read_text()))
    career = replace(saved, fingerprint=story.fingerprint)
    assert career.state.stack == [("main.hub", "main.ending", 1), ("detour.first", None, 1)]
    resumed = resume(story, career)
    assert resumed.complete and resumed.valid_steps == len(career.steps) == 6
    state = resumed.session.state
    assert state.legacy_dict() == career.state.legacy_dict()
    assert [f[2] for f in state.stack] == [2, 2]  # the replay counts what the old save could not
    # the digests it holds are of the older form, and today's differ: only the fallback matches
    assert career.steps[-1].digest == legacy_digest(state) != digest(state)


def test_a_snapshot_taken_before_strikes_were_counted_resumes() -> None:
    story = _rules()
    data = json.loads((SAVES / "rules-snapshot-before-strikes.json").read_text())
    data["story"]["fingerprint"] = story.fingerprint  # see the save's test: the IR version changes
    session = Session.resume(story, data)
    assert len(session.journal) == 6 and session.state.scene == "detour.second"
    assert session.state.calls == {"detour.first": 2, "detour.second": 2}
    session.choose(CONTINUE)
    assert session.state.scene == "detour.first"


def test_a_snapshot_now_holds_the_strikes_and_a_tampered_one_is_refused() -> None:
    from engine.play.snapshot import SnapshotError

    story = _rules()
    s = Session.replay(story, 11, ["detour_resume", "deeper"])
    data = s.snapshot()
    assert data["state"]["stack"] == [["main.hub", None, 1], ["detour.first", None, 1]]
    assert Session.resume(story, json.loads(json.dumps(data))).state == s.state
    data["state"]["stack"][1][2] = 5
    with pytest.raises(SnapshotError, match="does not lead to the state it holds"):
        Session.resume(story, data)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ('caller_phase == "competiton"', "`caller_phase` is never “competiton”: there is no such phase"),
        ("'\"finale\" != caller_chapter'", "`caller_chapter` is never “finale”: this story has no such"),
        ('caller_scene == "warmup"', "did you mean `final.warmup`?"),
    ],
)
def test_a_caller_compared_with_what_it_can_never_be_is_an_error(
    tmp_path: Path, condition: str, message: str
) -> None:
    setback = SETBACK.replace('if: caller_phase == "competition"', f"if: {condition}")
    (line,) = [line for line in _diagnostics(tmp_path, setback=setback) if ": error: " in line]
    assert "error: E048 condition: " in line and message in line


@pytest.mark.parametrize(
    "condition", ['caller_phase == ""', 'caller_chapter == "final"', 'caller_scene != "practice.router"']
)
def test_a_caller_compared_with_what_it_can_be_is_fine(tmp_path: Path, condition: str) -> None:
    setback = SETBACK.replace('if: caller_phase == "competition"', f"if: {condition}")
    assert not any(": error: " in line for line in _diagnostics(tmp_path, setback=setback))


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(sorted(ex.DETOUR_NAMES)),
    st.sampled_from(["==", "!="]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz._ ", max_size=14),
)
def test_any_text_compared_with_a_detour_name_loads_or_is_reported(name: str, op: str, value: str) -> None:
    """Outside input: whatever text an author compares a detour name with, the story loads
    clean or gets E043 (a number compared with text) or E048 (a caller that cannot be)."""
    import tempfile

    setback = SETBACK.replace('if: caller_phase == "competition"', f"if: '{name} {op} \"{value}\"'")
    with tempfile.TemporaryDirectory() as tmp:
        lines = _diagnostics(Path(tmp), setback=setback)
    errors = {line.split(": error: ")[1][:4] for line in lines if ": error: " in line}
    can_be = {
        "caller_phase": {"training", "audition", "competition", "performance", "setback", "finale"},
        "caller_chapter": {"practice", "final", "setback"},
        "caller_scene": {"practice.ice", "practice.router", "final.warmup", "final.podium", "setback.fall"}
        | {"setback.floor"},
    }
    if name == "strikes":
        assert errors == {"E043"}
    elif value == "" or value in can_be[name]:
        assert errors == set()
    else:
        assert errors == {"E048"}
