"""GameState: everything that decides what happens next, as plain data.

Stats, flags, visit counts, the current scene, the detour stack, the RNG, the turn count,
the once-only choices taken, the milestones recorded so far (the career's own record, kept as
written at the time so it reads the same after the story changes) and how many times each
detour was called. Texts and choices are derived from it and the story. It converts to and from
plain JSON-ready data exactly (`from_dict(s.to_dict()) == s`), with keys sorted so that the same
state always serialises to the same bytes.

Each detour frame carries its strike, the number of calls into its first scene so far, so
that a setback can read how often it has struck (`strikes`) in O(1) and a nested call into
the same detour does not change what the outer one reads. Data written before that (frames
of two, no `calls`) still loads: such a frame reads as a first strike, and `legacy_dict` gives
the form that code wrote, which is what its saves digested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.core.errors import PointeEdgeError

# (calling scene, where to continue on return or None = the caller, how many calls into the
# detour's first scene so far, this one included)
Frame = tuple[str, str | None, int]


class StateError(PointeEdgeError, ValueError):
    """Data that is not a valid game state (for example from a damaged save)."""


@dataclass(slots=True)
class GameState:
    scene: str
    stats: dict[str, int]
    flags: dict[str, bool]
    visits: dict[str, int]
    stack: list[Frame]
    rng: int
    turn: int = 0
    milestones: list[str] = field(default_factory=list)  # the career's record, as it was written
    calls: dict[str, int] = field(default_factory=dict)  # calls into each detour's first scene
    #: Once-only choices taken, by "scene_id/choice_id": how many times (a once-only choice is
    #: gone after the first). Only `once: true` choices are kept, so most careers keep none.
    taken: dict[str, int] = field(default_factory=dict)

    def copy(self) -> GameState:
        return GameState(
            self.scene,
            dict(self.stats),
            dict(self.flags),
            dict(self.visits),
            list(self.stack),
            self.rng,
            self.turn,
            list(self.milestones),
            dict(self.calls),
            dict(self.taken),
        )

    def to_dict(self) -> dict[str, Any]:
        data = self.legacy_dict()
        data["stack"] = [[caller, after, strike] for caller, after, strike in self.stack]
        data["calls"] = dict(sorted(self.calls.items()))
        return data

    def legacy_dict(self) -> dict[str, Any]:
        """The state as code before detours counted their strikes wrote it: frames of
        [caller, after] and no `calls`. Saves of that time digest this form."""
        return {
            "scene": self.scene,
            "stats": dict(sorted(self.stats.items())),
            "flags": dict(sorted(self.flags.items())),
            "visits": dict(sorted(self.visits.items())),
            "stack": [[caller, after] for caller, after, _ in self.stack],
            "rng": self.rng,
            "turn": self.turn,
            "milestones": list(self.milestones),
            # Left out while empty: a state without once-only choices serialises as before.
            **({"taken": dict(sorted(self.taken.items()))} if self.taken else {}),
        }

    @classmethod
    def from_dict(cls, data: object) -> GameState:
        """Rebuild a state from `to_dict()` data, checking every field's type."""
        if not isinstance(data, dict):
            raise StateError("game state must be a JSON object")
        try:
            scene = data["scene"]
            stats, flags, visits = data["stats"], data["flags"], data["visits"]
            stack, rng, turn = data["stack"], data["rng"], data["turn"]
            milestones = data["milestones"]
            calls = data.get("calls", {})  # absent before detours counted their strikes
        except KeyError as err:
            raise StateError(f"game state lacks {err.args[0]!r}") from None
        _need(isinstance(scene, str), "scene must be text")
        _need(_int_map(stats), "stats must map names to whole numbers")
        flags_ok = isinstance(flags, dict) and all(
            isinstance(k, str) and type(v) is bool for k, v in flags.items()
        )
        _need(flags_ok, "flags must map names to true/false")
        _need(_int_map(visits) and all(v >= 0 for v in visits.values()), "visits must be counts")
        _need(
            isinstance(stack, list)
            and all(
                isinstance(f, list)
                and len(f) in (2, 3)  # two before detours counted their strikes
                and isinstance(f[0], str)
                and (f[1] is None or isinstance(f[1], str))
                and (len(f) == 2 or (type(f[2]) is int and f[2] >= 1))
                for f in stack
            ),
            "stack must be a list of [caller, after, strike] frames",
        )
        _need(_int_map(calls) and all(v >= 1 for v in calls.values()), "calls must be counts")
        _need(type(rng) is int and 0 <= rng < 1 << 64, "rng must be a 64-bit number")
        _need(type(turn) is int and turn >= 0, "turn must be a count")
        _need(
            isinstance(milestones, list) and all(isinstance(m, str) for m in milestones),
            "milestones must be texts",
        )
        taken = data.get("taken", {})  # absent in saves from before once-only choices
        _need(_int_map(taken) and all(v >= 1 for v in taken.values()), "taken must be counts")
        frames: list[Frame] = [(f[0], f[1], f[2] if len(f) == 3 else 1) for f in stack]
        return cls(
            scene,
            dict(stats),
            dict(flags),
            dict(visits),
            frames,
            rng,
            turn,
            list(milestones),
            dict(calls),
            dict(taken),
        )


def _int_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and type(v) is int for k, v in value.items())


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise StateError(message)
