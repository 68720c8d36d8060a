"""Keep author and player text from steering the terminal.

A story file or a save slot name could carry an ESC sequence (clear the screen, retitle the
window, hyperlink spoofing) or a bidi override that reverses what the player reads. Such
characters are removed wherever text enters the engine; the TUI never parses markup in story
text either, so `[bold]` in prose is shown as written.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, and the
# line/paragraph separators (which some terminals treat as newlines mid-line).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# A whole ANSI escape sequence is removed, not just its ESC, so no `[2J` litter remains.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def clean(text: str) -> str:
    """Text with escape sequences and unsafe control characters removed; tabs become spaces."""
    if _UNSAFE.search(text) is None:
        return text.replace("\t", " ") if "\t" in text else text
    text = _ANSI.sub("", text)
    return _UNSAFE.sub("", text).replace("\t", " ")


def clean_line(text: str, limit: int = 200) -> str:
    """A single line of player-entered text (a slot name): cleaned, one line, bounded."""
    return " ".join(clean(text).split())[:limit]


def one_line(text: str) -> str:
    """Text with every line break (and the spaces around it) folded into one space: for a
    diagnostic, which quotes wrapped story text but must stay on one line, because editors and
    CI read one problem per line."""
    if "\n" not in text and "\r" not in text:
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    last = len(lines) - 1
    return " ".join(
        line.rstrip(" \t") if i == 0 else line.lstrip(" \t") if i == last else line.strip(" \t")
        for i, line in enumerate(lines)
    )


def visible(text: str) -> str:
    """Text with each unsafe character written out as `<U+001B>`: for names an author must find
    and fix (a key, a file name), where removing the character would hide what is wrong."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


class VisibleWriter:
    """A text stream that writes every unsafe character out (see `visible`): the last guard of
    the commands that print what a save file holds (`saves`, `replay`), whose notes and errors
    quote file names and fields no loader has seen."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(visible(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.out, name)
