"""The mark of a warped run, on every screen that shows one (play, ending, the author view).

A warped run (engine/author/warp.py) does not replay from the start of the story, so it is
never saved; the mark says so wherever the run is on screen. It lives with the widgets because
several screens draw it and screens do not import each other.
"""

from __future__ import annotations

from rich.text import Text

WARPED = "WARPED: not saved"


def warped_first(line: Text, warped: bool) -> Text:
    """A heading line, led by the warped mark when the run is warped: the line is cut at the
    right edge of a narrow terminal, and the mark must never be what is cut."""
    if not warped:
        return line
    return Text.assemble((WARPED, "bold reverse"), "  ·  ", line)
