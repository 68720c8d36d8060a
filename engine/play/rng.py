"""The session's own random numbers: SplitMix64, fully specified, one integer of state.

Python promises only `random.random()`'s sequence across versions, and its generator's
state is 625 integers. A career must replay the same in any version and process, and its
RNG state is saved with every step, so the engine carries this small generator instead. Its
whole state is one 64-bit integer, so it serialises as a plain JSON number.
"""

from __future__ import annotations

from engine.core.hashmix import MASK as _MASK
from engine.core.hashmix import mix as mix  # re-exported: the simulator mixes seeds with it

_GOLDEN = 0x9E3779B97F4A7C15


def seed_state(seed: int) -> int:
    """The starting state for a player-facing seed (any integer, negative ones too)."""
    return mix((seed & _MASK) ^ 0x5EED5EED5EED5EED)


class SplitMix64:
    __slots__ = ("state",)

    def __init__(self, state: int):
        self.state = state & _MASK

    def next(self) -> int:
        self.state = (self.state + _GOLDEN) & _MASK
        return mix(self.state)

    def below(self, n: int) -> int:
        """A number in 0..n-1. Multiply-shift: the bias for small n is below 1e-17."""
        return (self.next() * n) >> 64
