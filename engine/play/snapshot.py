"""A session as plain JSON data and back: what an embedder keeps to go on later.

ink's `state.ToJson()`/`LoadJson()` is the model: one call gives everything needed to go on
exactly, one call takes it back and refuses what does not fit. A snapshot holds the live game
state (scene, stats, flags, visits, detours, RNG, turn, milestones) and why play cannot go on,
if it cannot; the journal of steps; and, for a session with undo, the state before the first
step. Undo is not stored state by state: `Session.resume` replays the journal from that start
through the same rules, which rebuilds every undo step and at the same time proves that the
snapshot is whole (it must arrive at exactly the state it holds).

Saves are another thing (engine/saves): a saved career outlives edits to its story, replaying
as far as it still holds, and records enough to prove each step. A snapshot belongs to one
version of one story: resuming it on another story, on an edited one, or from another
snapshot format is refused with a `SnapshotError`, never half done.

A snapshot names how its career rolls chances (`rolls`, engine/play/rolls.py). Format 1 had
no such field: its careers rolled `sequential`, and resume goes on that way. Format 2 writes
the field; an engine that reads format 1 only refuses it rather than replaying its rolls wrong.

This module reads and checks the data against the story; `Session.snapshot` and
`Session.resume` (engine/play/session.py) write it and rebuild the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.core.errors import PointeEdgeError
from engine.core.model import CHANCE_MAX, CHANCE_MIN, Story
from engine.play.rolls import RollScheme, scheme_of
from engine.play.state import GameState, StateError

KIND = "pointe-edge-session"
SNAPSHOT_FORMAT = 2  # raise when the data changes; resume reads this format and those in READABLE
READABLE = range(1, SNAPSHOT_FORMAT + 1)  # 1: before `rolls`, which then means `sequential`
_SEEDS = range(-(2**63), 2**64)  # what a save accepts as a seed, too


class SnapshotError(PointeEdgeError):
    """Data that `Session.resume` cannot go on from: damaged, of another story or version."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One step of a snapshot's journal, as read: the roll is (chance, roll, success)."""

    scene: str
    choice: str
    roll: tuple[int, int, bool] | None


@dataclass(frozen=True, slots=True)
class Saved:
    """A snapshot read and checked against its story, ready for `Session.resume`."""

    seed: int
    start: GameState | None  # before the first step; None for a session without undo
    journal: tuple[Entry, ...]
    state: GameState
    fault: str | None
    rolls: RollScheme
    # Written before detours counted their strikes: frames of two and no `calls`, so the state
    # that replaying the journal arrives at is compared in that older form.
    before_strikes: bool = False


def write(
    story: Story,
    seed: int,
    start: GameState | None,
    journal: list[dict[str, Any]],
    state: GameState,
    fault: str | None,
    rolls: RollScheme,
) -> dict[str, Any]:
    """The snapshot data of a session (`Session.snapshot`): JSON types only, keys in a fixed
    order, so the same session always dumps to the same text."""
    return {
        "kind": KIND,
        "format": SNAPSHOT_FORMAT,
        "story": {"id": story.id, "fingerprint": story.fingerprint},
        "seed": seed,
        "rolls": rolls,
        "history": start is not None,
        "start": start.to_dict() if start is not None else None,
        "journal": journal,
        "state": state.to_dict(),
        "fault": fault,
    }


def read(story: Story, data: Any) -> Saved:
    """Check snapshot data against `story`; raises SnapshotError naming the first problem."""
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise SnapshotError("not a Pointe & Edge session snapshot")
    fmt = data.get("format")
    if type(fmt) is not int:
        raise SnapshotError("the snapshot has no format version")
    if fmt not in READABLE:
        age = "a newer" if fmt > SNAPSHOT_FORMAT else "an older"
        raise SnapshotError(
            f"the snapshot is in {age} format ({fmt}); this version of the engine reads formats "
            f"{READABLE.start} to {SNAPSHOT_FORMAT}"
        )
    about = _field(data, "story")
    _need(isinstance(about, dict), "story")
    sid, fingerprint = _field(about, "id"), _field(about, "fingerprint")
    _need(isinstance(sid, str) and isinstance(fingerprint, str), "story")
    if sid != story.id:
        raise SnapshotError(f"the snapshot is of the story {sid!r}, not of {story.id!r}")
    if fingerprint != story.fingerprint:
        raise SnapshotError(
            f"the story {story.id!r} has changed since the snapshot was taken; a saved career "
            "(engine.saves) carries play over an edit, a snapshot does not"
        )
    seed = _field(data, "seed")
    _need(type(seed) is int and seed in _SEEDS, "seed")
    rolls = scheme_of(data, fmt)
    if rolls is None:
        raise SnapshotError(
            "the snapshot's `rolls` does not fit its format: format 1 has none, later ones name "
            "sequential or keyed"
        )
    history = _field(data, "history")
    _need(type(history) is bool, "history")
    fault = _field(data, "fault")
    _need(fault is None or isinstance(fault, str), "fault")
    raw_journal = _field(data, "journal")
    _need(isinstance(raw_journal, list), "journal")
    journal = tuple(_entry(story, raw, n) for n, raw in enumerate(raw_journal, 1))
    state = _state(story, _field(data, "state"), "state")
    raw_start = _field(data, "start")
    if history:
        start: GameState | None = _state(story, raw_start, "start")
    else:
        _need(raw_start is None, "start", "is given for a session without undo")
        start = None
    before = isinstance(data["state"], dict) and "calls" not in data["state"]
    return Saved(seed, start, journal, state, fault, rolls, before)


def _entry(story: Story, raw: Any, number: int) -> Entry:
    what = f"journal step {number}"
    _need(isinstance(raw, dict), what)
    scene, choice, roll = _field(raw, "scene"), _field(raw, "choice"), _field(raw, "roll")
    _need(isinstance(scene, str), f"{what}'s scene")
    _need(scene in story.scenes, f"{what}'s scene", f"{scene!r} is not in the story")
    _need(isinstance(choice, str), f"{what}'s choice")
    if roll is None:
        return Entry(scene, choice, None)
    _need(isinstance(roll, dict), f"{what}'s roll")
    chance, rolled, success = _field(roll, "chance"), _field(roll, "roll"), _field(roll, "success")
    _need(
        type(chance) is int
        and CHANCE_MIN <= chance <= CHANCE_MAX
        and type(rolled) is int
        and 0 <= rolled < 100
        and success is (rolled < chance),
        f"{what}'s roll",
    )
    return Entry(scene, choice, (chance, rolled, success))


def _state(story: Story, raw: Any, what: str) -> GameState:
    """A game state that this story can be played from: its scenes, stats within their bounds,
    exactly its flags. Anything else would fail later, deep inside play, as a KeyError."""
    try:
        state = GameState.from_dict(raw)
    except StateError as err:
        raise SnapshotError(f"the snapshot's {what} is not a game state: {err}") from None
    scenes = story.scenes
    _need(state.scene in scenes, f"{what}'s scene", f"{state.scene!r} is not in the story")
    bounds = {s.id: (s.min, s.max) for s in story.stats}
    _need(state.stats.keys() == bounds.keys(), f"{what}'s stats", "are not this story's")
    for stat, value in state.stats.items():
        low, high = bounds[stat]
        _need(low <= value <= high, f"{what}'s {stat}", f"is {value}, outside {low}..{high}")
    _need(state.flags.keys() == {f.id for f in story.flags}, f"{what}'s flags", "are not this story's")
    _need(all(sid in scenes for sid in state.visits), f"{what}'s visits", "name scenes the story lacks")
    _need(
        all(caller in scenes and (after is None or after in scenes) for caller, after, _ in state.stack),
        f"{what}'s detours",
        "name scenes the story lacks",
    )
    return state


def _field(data: dict[str, Any], key: str) -> Any:
    try:
        return data[key]
    except KeyError:
        raise SnapshotError(f"the snapshot lacks {key!r}") from None


def _need(ok: bool, what: str, why: str = "is malformed") -> None:
    if not ok:
        raise SnapshotError(f"the snapshot's {what} {why}")
