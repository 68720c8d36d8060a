"""Session snapshots: `snapshot()` is plain JSON with everything needed to go on exactly, and
`Session.resume` takes back only what fits the story, or raises SnapshotError."""

from __future__ import annotations

import copy
import functools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core.model import Story
from engine.core.template import to_plain
from engine.play.session import Session
from engine.play.snapshot import KIND, SNAPSHOT_FORMAT, SnapshotError
from tests.support import ROOT, STORIES


@functools.cache
def story(name: str) -> Story:
    result = load_checked(name if name != "rules" else STORIES / "rules", cache=False)
    assert result.story is not None
    return result.story


def play(s: Session, moves: list[tuple[bool, int]]) -> Session:
    """Make the moves: (True, _) undoes one step when it can, (False, n) takes open choice n."""
    for undo, pick in moves:
        if undo and s.can_undo:
            s.undo()
            continue
        options = s.open_choices()
        if not options:
            break
        if s.keep_history:
            s.choose(options[pick % len(options)])
        else:
            s.advance(options[pick % len(options)])
    return s


def through_json(data: Any) -> Any:
    return json.loads(json.dumps(data, allow_nan=False))


def same_session(a: Session, b: Session) -> None:
    assert a.state == b.state and a.fault == b.fault and a.stuck == b.stuck
    assert a.journal == b.journal and a.can_undo == b.can_undo and a.seed == b.seed
    assert to_plain(a.text) == to_plain(b.text) and a.choices == b.choices
    if a.keep_history:
        assert a.trail == b.trail and a.start_state == b.start_state


_moves = st.lists(st.tuples(st.integers(0, 4).map(lambda n: n == 0), st.integers(0, 99)), max_size=40)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["demo", "rules", "halima"]),
    seed=st.integers(-(2**63), 2**64 - 1),
    history=st.booleans(),
    moves=_moves,
    later=_moves,
)
def test_a_resumed_session_goes_on_exactly_as_the_original(
    name: str, seed: int, history: bool, moves: list[tuple[bool, int]], later: list[tuple[bool, int]]
) -> None:
    original = play(Session(story(name), seed, history=history), moves)
    data = original.snapshot()
    resumed = Session.resume(story(name), through_json(data))
    same_session(resumed, original)
    assert resumed.snapshot() == data
    play(original, later)  # the same moves from here, undo included, give the same career
    play(resumed, later)
    same_session(resumed, original)
    if history:
        original.undo(10_000)
        resumed.undo(10_000)
        same_session(resumed, original)


def test_the_snapshot_is_plain_json_in_a_fixed_shape() -> None:
    s = play(Session(story("demo"), 5), [(False, 0)] * 3)
    data = s.snapshot()
    keys = ["kind", "format", "story", "seed", "rolls", "history", "start", "journal", "state", "fault"]
    assert list(data) == keys
    assert data["kind"] == KIND and data["format"] == SNAPSHOT_FORMAT == 2 and data["rolls"] == "keyed"
    assert data["story"] == {"id": "demo", "fingerprint": story("demo").fingerprint}
    assert data["start"] == Session(story("demo"), 5).state.to_dict() and data["state"] == s.state.to_dict()
    assert data["journal"] == [step.to_dict() for step in s.journal] and len(data["journal"]) == 3
    assert through_json(data) == data
    assert json.dumps(s.snapshot()) == json.dumps(data)  # the same session, the same text


def test_a_session_without_undo_keeps_its_journal_but_no_start() -> None:
    s = play(Session(story("demo"), 5, history=False), [(False, 0)] * 3)
    data = s.snapshot()
    assert data["history"] is False and data["start"] is None and len(data["journal"]) == 3
    resumed = Session.resume(story("demo"), data)
    assert not resumed.keep_history and resumed.journal == s.journal and resumed.state == s.state


def test_a_warped_session_resumes_from_its_warp(tmp_path: Path) -> None:
    s = Session(story("demo"), 5)
    s.enter("competition.warmup")
    s.choose(s.open_choices()[0])
    resumed = Session.resume(story("demo"), through_json(s.snapshot()))
    same_session(resumed, s)
    assert resumed.undo() == 1 and resumed.state.scene == "competition.warmup"


def _faulty(tmp_path: Path) -> Story:
    (tmp_path / "story.yaml").write_text("id: f\ntitle: F\nstart: a.one\nstats:\n  x: 1\n")
    (tmp_path / "a.yaml").write_text(
        "chapter: a\nscenes:\n  one:\n    text: One {x}.\n    choices:\n"
        "      - text: Return from nowhere\n        return: true\n"
    )
    faulty = load_checked(tmp_path, cache=False).story
    assert faulty is not None
    return faulty


def test_a_session_stopped_by_a_story_fault_resumes_stopped(tmp_path: Path) -> None:
    faulty = _faulty(tmp_path)
    s = Session(faulty, 1)
    s.choose("return-from-nowhere")
    resumed = Session.resume(faulty, through_json(s.snapshot()))
    same_session(resumed, s)
    assert resumed.stuck == "`return` with no detour to return from, in a.one"


# -- refused -----------------------------------------------------------------------------------


def _snapshot(name: str = "demo", steps: int = 3) -> dict[str, Any]:
    return play(Session(story(name), 5), [(False, 0)] * steps).snapshot()


def test_a_snapshot_of_another_story_is_refused() -> None:
    with pytest.raises(SnapshotError, match="of the story 'rules', not of 'demo'"):
        Session.resume(story("demo"), _snapshot("rules"))


def test_a_snapshot_of_an_edited_story_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(ROOT / "stories" / "demo", folder)
    chapter = next(p for p in sorted(folder.glob("*.yaml")) if p.name != "story.yaml")
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n# an author's note\n", encoding="utf-8")
    edited = load_checked(folder, cache=False).story
    assert edited is not None and edited.id == "demo"
    with pytest.raises(SnapshotError, match="has changed since the snapshot was taken"):
        Session.resume(edited, _snapshot())


@pytest.mark.parametrize(("fmt", "words"), [(3, "a newer format"), (0, "an older format")])
def test_a_snapshot_of_another_format_is_refused(fmt: int, words: str) -> None:
    data = _snapshot()
    data["format"] = fmt
    with pytest.raises(SnapshotError, match=words):
        Session.resume(story("demo"), data)


Path_ = tuple[str | int, ...]  # keys from the top: ("journal", 0, "roll"); scene ids hold dots


def _parent(data: dict[str, Any], path: Path_) -> tuple[Any, Any]:
    """The list or dict holding the value at `path`, and its key there."""
    *parents, last = path
    at: Any = data
    for key in parents:
        at = at[int(key)] if isinstance(at, list) else at[key]
    return at, int(last) if isinstance(at, list) else last


def _get(data: dict[str, Any], path: Path_) -> Any:
    at, key = _parent(data, path)
    return at[key]


def _set(data: dict[str, Any], path: Path_, value: Any) -> None:
    at, key = _parent(data, path)
    at[key] = value


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("kind", "pointe-edge-career", "not a Pointe & Edge session snapshot"),
        ("format", "1", "no format version"),
        ("format", True, "no format version"),
        ("seed", 2**64, "seed is malformed"),
        ("seed", False, "seed is malformed"),
        ("history", 1, "history is malformed"),
        ("fault", 7, "fault is malformed"),
        ("journal", {}, "journal is malformed"),
        ("journal.0.scene", "no.such_scene", "journal step 1's scene 'no.such_scene' is not in the story"),
        ("journal.1.roll", {"chance": 60, "roll": 70, "success": True}, "journal step 2's roll"),
        ("state.stats.technique", 101, "state's technique is 101, outside 0..100"),
        ("state.stats", {"power": 50}, "state's stats are not this story's"),
        ("state.flags", {}, "state's flags are not this story's"),
        ("state.scene", "nowhere", "state's scene 'nowhere' is not in the story"),
        ("state.visits", {"nowhere": 1}, "state's visits name scenes the story lacks"),
        ("state.stack", [["nowhere", None]], "state's detours name scenes the story lacks"),
        ("state.rng", -1, "state is not a game state: rng must be a 64-bit number"),
        ("rolls", "dice", "the snapshot's `rolls` does not fit its format"),
        ("rolls", None, "the snapshot's `rolls` does not fit its format"),
        ("format", 1, "the snapshot's `rolls` does not fit its format"),  # format 1 came before it
        ("rolls", "sequential", "journal does not replay: step 1 differs"),
        ("start", None, "start is not a game state"),
        ("state.rng", 12345, "does not lead to the state it holds"),
        ("state.turn", 2, "does not lead to the state it holds"),
        ("fault", "no choice is open here", "does not lead to the state it holds"),
        ("journal.0.choice", "ask_coach", "journal does not replay: step 1 differs"),
        ("journal.2.choice", "no-such-choice", "journal does not replay: step 3 differs"),
    ],
)
def test_damaged_data_is_refused_with_what_is_wrong(path: str, value: Any, words: str) -> None:
    data = _snapshot()
    _set(data, tuple(path.split(".")), value)
    with pytest.raises(SnapshotError, match=words.replace("(", r"\(").replace(".", r"\.")):
        Session.resume(story("demo"), data)


@pytest.mark.parametrize("key", ["kind", "story", "seed", "history", "start", "journal", "state", "fault"])
def test_a_missing_field_is_refused(key: str) -> None:
    data = _snapshot()
    del data[key]
    with pytest.raises(SnapshotError):
        Session.resume(story("demo"), data)


def _paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every place in snapshot data where a value sits."""
    items = enumerate(value) if isinstance(value, list) else value.items() if isinstance(value, dict) else ()
    out: list[Path_] = []
    for key, inner in items:
        path = (*prefix, key)
        out += [path, *_paths(inner, path)]
    return out


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["demo", "rules"]), st.data())
def test_damaged_data_is_refused_or_resumed_exactly(name: str, data: st.DataObject) -> None:
    damaged = _snapshot(name, 4)
    paths = _paths(damaged)
    path = data.draw(st.sampled_from(paths), label="path")
    # any JSON, or (more cunning) a value from elsewhere in the snapshot: a real scene id, a count
    elsewhere = st.sampled_from(paths).map(lambda p: copy.deepcopy(_get(damaged, p)))
    _set(damaged, path, data.draw(_json | elsewhere, label="value"))
    try:
        resumed = Session.resume(story(name), damaged)
    except SnapshotError:
        return
    # accepted: then it was no damage, only another session the story allows, taken back whole
    assert resumed.snapshot() == damaged


@settings(max_examples=200, deadline=None)
@given(_json)
def test_arbitrary_json_is_a_snapshot_error(data: Any) -> None:
    with pytest.raises(SnapshotError):
        Session.resume(story("demo"), data)
