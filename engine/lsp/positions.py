"""Where things are: the engine's places and the editor's, converted both ways.

The engine counts lines and columns from 1, and a column in characters (code points: libyaml's
marks, and offsets into a Python `str`). The Language Server Protocol counts both from 0, and a
column in the code units of the encoding the client and server agreed on at `initialize`: UTF-16
unless the client offers another. A story is full of typographic quotes, Kazakh and Cyrillic
names and the odd emoji, so the two differ on almost every line of prose: `Аружан “Ару”` is 12
characters and 12 UTF-16 units, but 21 UTF-8 bytes, and `🥇` is one character and two UTF-16
units. Every position the server sends or reads goes through here.

Lines end at `\\r\\n`, `\\r` or `\\n`, as the protocol says (never at the other characters
`str.splitlines` breaks at, which an editor shows inside a line). A position past the end of a
line or of the text is clamped, and one inside a character's code units rounds down to the
character, so no client can make the server index out of range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]

_BREAK = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: Encoding) -> int:
    """How many code units `text` takes in `encoding`."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


def to_units(line: str, index: int, encoding: Encoding) -> int:
    """The column in code units of character `index` of `line` (clamped to the line)."""
    index = max(0, min(index, len(line)))
    return units(line[:index], encoding)


def to_index(line: str, column: int, encoding: Encoding) -> int:
    """The character index of the column `column` (in code units) of `line`: clamped to the
    line, and rounded down to the start of a character whose units it falls inside."""
    if column <= 0:
        return 0
    if encoding == "utf-32" or line.isascii():
        return min(column, len(line))
    counted = 0
    for i, ch in enumerate(line):
        width = (2 if ord(ch) > 0xFFFF else 1) if encoding == "utf-16" else _utf8_width(ch)
        if counted + width > column:
            return i
        counted += width
    return len(line)


def _utf8_width(ch: str) -> int:
    code = ord(ch)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


def split_lines(text: str) -> list[str]:
    """The lines of `text` as an editor numbers them, without their line breaks (a text ending
    in a break has an empty last line, where the cursor can be)."""
    return _BREAK.split(text)


@dataclass(frozen=True, slots=True)
class Place:
    """A place in a file as the engine and the index count it: line from 0, column in
    characters from 0. The protocol's `Position` is this in the client's code units."""

    line: int
    col: int


@dataclass(frozen=True)
class SourceText:
    """A file's text with its lines, for converting places in it both ways."""

    text: str
    lines: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", split_lines(self.text))

    def line(self, n: int) -> str:
        """Line `n` (from 0), or "" past the end."""
        return self.lines[n] if 0 <= n < len(self.lines) else ""

    def place(self, line: int, col: int) -> Place:
        """The engine's 1-based line and column as a `Place`, clamped into the text (a
        whole-story problem has line 0: the start of the file)."""
        if line <= 0:
            return Place(0, 0)
        n = min(line - 1, len(self.lines) - 1)
        return Place(n, max(0, min(col - 1, len(self.lines[n]))))

    def to_client(self, place: Place, encoding: Encoding) -> tuple[int, int]:
        """A place as the protocol's (line, character) in `encoding`."""
        n = max(0, min(place.line, len(self.lines) - 1))
        return n, to_units(self.lines[n], place.col, encoding)

    def from_client(self, line: int, character: int, encoding: Encoding) -> Place:
        """The protocol's (line, character) in `encoding` as a place in this text, clamped."""
        n = max(0, min(line, len(self.lines) - 1))
        return Place(n, to_index(self.lines[n], character, encoding))
