"""A valid name to suggest in place of an invalid one, or none: never a wrong suggestion.

An author who wrote `übung`, `Beam Lesson` or `gym.yaml.beam_lesson` is told the naming rule and
shown the name they meant, spelled validly. A suggestion is only useful if it keeps every
letter and digit the author wrote: `übung` -> `bung` reads as a bug in the checker, and a
suggestion equal to what was written is no help at all. So a letter with an accent loses only
its accent (`ü` -> `u`), a separator becomes `_`, and when a letter has no plain-ASCII spelling
(`ж`, `中`) there is no example rather than a garbled one.
"""

from __future__ import annotations

import unicodedata

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
# Letters that NFKD does not split into an ASCII letter and an accent.
_SPELLED = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
_FILE_PARTS = frozenset({"yaml", "yml"})


def ascii_letters(ch: str) -> str | None:
    """`ch` as plain lower-case ASCII letters or digits, or None when it has no such spelling."""
    if ch in _PLAIN:
        return ch
    spelled = _SPELLED.get(ch) or unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode().lower()
    return spelled if spelled and spelled.isalnum() else None


def _word(raw: str) -> str | None:
    """One name: letters kept (accents dropped), every run of other characters made one `_`."""
    out: list[str] = []
    for ch in raw.lower():
        if ch.isalnum():
            spelled = ascii_letters(ch)
            if spelled is None:
                return None
            out.append(spelled)
        elif out and out[-1] != "_":
            out.append("_")
    word = "".join(out).strip("_")
    if not word:
        return None
    return "s_" + word if word[0].isdigit() else word


def example_name(raw: str, dotted: bool) -> str | None:
    """A valid name that spells what `raw` meant, or None. `dotted` allows `chapter.scene`,
    where a file name written as the chapter (`gym.yaml.beam_lesson`) loses its `.yaml`."""
    parts = raw.strip().split(".") if dotted else [raw.strip()]
    if dotted:
        parts = [p for p in parts if p.strip() and p.strip().lower() not in _FILE_PARTS] or parts
        if len(parts) > 2:
            return None
    words = [_word(p) for p in parts]
    if any(w is None for w in words):
        return None
    name = ".".join(w for w in words if w)
    return name if name and name != raw else None
