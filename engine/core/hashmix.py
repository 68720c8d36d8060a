"""SplitMix64's finaliser, `mix`, and a stable 64-bit hash of text built from it.

The play layer's RNG (engine/play/rng.py) steps with `mix`, and a text's shuffles
(engine/core/template.py) pick with it too; core may not import play, so the function lives
here, below both. `text_hash` is for names (a scene id): Python's `hash` of a str changes
between processes, and a shuffle must read the same in any process.
"""

from __future__ import annotations

MASK = (1 << 64) - 1


def mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def text_hash(text: str) -> int:
    """A 64-bit hash of `text` that is the same in every process and Python version."""
    h = 0x6A09E667F3BCC909
    for byte in text.encode("utf-8"):
        h = mix((h ^ byte) & MASK)
    return h
