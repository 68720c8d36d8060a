"""A step's consequences in words, the same in every front end.

"Technique 40 → 46 (+6) · Nerve 50 → 44 (-6) · now nursing a sore ankle": plain mode prints it
under each choice, and the app shows it above the next scene until the next choice, so a
choice whose outcome has no text of its own still says what it changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.core.model import Story
from engine.play.session import StatChange


def change_words(story: Story, changes: Sequence[StatChange], flags: Sequence[tuple[str, bool]]) -> list[str]:
    """Each stat change ("Technique 40 → 46 (+6)"), then each flag set or cleared, in words."""
    words = [f"{c.label} {c.before} → {c.after} ({c.delta:+d})" for c in changes]
    words += [f"now {story.flag(f).label}" if on else f"no longer {story.flag(f).label}" for f, on in flags]
    return words
