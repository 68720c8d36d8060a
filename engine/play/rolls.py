"""How a chance is rolled. Two schemes, and every save and snapshot names the one it was played by.

`keyed` (every career started since save format 2, snapshot format 2): a roll is a pure
function of the career's key, the turn, the scene and the choice taken. The key is
`GameState.rng`, set from the seed when the career starts and never advanced. So the same
choice at the same moment always rolls the same: undoing a failed roll and making the same
choice again fails again, and undo cannot be used to re-roll. Another choice, or the same one
at another turn, rolls afresh: seeing one roll tells the player nothing about any other.

    word   = blake2b(UTF-8 of scene id, NUL, choice id; 8 bytes, person "pe-roll"), little-endian
    stream = mix(key XOR word)
    roll   = (mix((stream + turn * GOLDEN) mod 2**64) * 100) >> 64     # 0..99; success when < chance

That is: each choice of each career has its own SplitMix64 sequence, started at `stream`, and
the roll at step `turn` (1 for the first choice of a career) is that sequence's `turn`-th
number, made a percent by SplitMix64's own `below(100)`. `mix` is SplitMix64's finaliser
(engine/play/rng.py) and `GOLDEN` its increment, 0x9E3779B97F4A7C15. The key and the word go
through a whole `mix` before the turn is added, so two choices' sequences are unrelated, and
neighbouring numbers of one sequence are as unrelated as SplitMix64's outputs ever are. A roll
costs two `mix` calls and a cached hash, where the old scheme's cost one `mix`.

`sequential` (saves and snapshots without a `rolls` field, written before keyed rolls): each
roll is the next number of one SplitMix64 sequence whose state is `GameState.rng`, advanced by
every roll. Undo restores that state, so the next roll is the same whichever chance is taken
next: a player could see a roll, undo, and pick the choice that roll passes. It is kept,
exactly, so that those careers replay as they were played; a career keeps its scheme for life.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Final, Literal

from engine.play.rng import SplitMix64, mix

RollScheme = Literal["sequential", "keyed"]
SEQUENTIAL: Final = "sequential"
KEYED: Final = "keyed"
SCHEMES: Final[tuple[RollScheme, ...]] = (SEQUENTIAL, KEYED)
CURRENT: Final = KEYED  # what a new career rolls by

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


@lru_cache(maxsize=8192)
def choice_word(scene: str, choice: str) -> int:
    """The 64-bit word a (scene, choice) pair contributes to its rolls.

    Not Python's `hash()`: string hashing is salted per process (PYTHONHASHSEED), so the same
    career would roll differently in each run and no save would replay. BLAKE2b (RFC 7693, in
    the standard library) gives the same bytes for the same text in every process, version and
    platform. Cached: a story has a few hundred chance choices, and the hash costs far more
    than the lookup.
    """
    data = scene.encode() + b"\0" + choice.encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8, person=b"pe-roll").digest(), "little")


def keyed_roll(key: int, turn: int, scene: str, choice: str) -> int:
    """The roll (0..99) of `choice` in `scene` at step `turn` of the career keyed by `key`."""
    stream = mix(key ^ choice_word(scene, choice))
    return (mix((stream + turn * _GOLDEN) & _MASK) * 100) >> 64  # SplitMix64(stream), turn steps on


def sequential_roll(state: int) -> tuple[int, int]:
    """The roll (0..99) of the old scheme from the sequence's state, and the state after it."""
    rng = SplitMix64(state)
    rolled = rng.below(100)
    return rolled, rng.state


def scheme_of(data: dict[str, object], fmt: int) -> RollScheme | None:
    """The scheme a save's or snapshot's `rolls` field names, read by its format `fmt`.

    Format 1 came before the field: it has none, and rolled `sequential`. From format 2 the
    field is always written. Anything else is None, for the reader to refuse: a format-1 file
    with `rolls`, or a later one without, is not what any engine wrote, and taking it would
    resume a career that then saves differently from the file it came from."""
    if fmt < 2:
        return SEQUENTIAL if "rolls" not in data else None
    value = data.get("rolls")
    return next((s for s in SCHEMES if s == value), None)
