"""The two functions of the embedding API that are not a class elsewhere: loading and checking.

An embedder needs two ways in, and the engine has had both for a while under names that say
where they live rather than what they give: `engine.load.folder.load_story` (read, parse and
link, nothing about the story as a whole) and `engine.author.check.load_checked` (that, plus
the whole-story checks). What a program that plays a story wants is the second without its
slow part, so the public `load_story` is exactly what the game itself loads; `check` is what
the `check` command reports, the stat-range proofs included. Both return a `CheckedStory`.
"""

from __future__ import annotations

from pathlib import Path

from engine.author.check import CheckedStory, load_checked
from engine.load.folder import load_story as load_only


def load_story(name: str | Path, *, cache: bool = True, analyse: bool = True) -> CheckedStory:
    """A story folder (or bundled id such as "demo") loaded to be played, with its diagnostics.

    Every problem `check` reports is there except the stat-range proofs (W111-W114), which cost
    about as much as all the rest together. Never raises for problems in the story: read `.ok`,
    `.errors`, `.warnings` and `.diagnostics`; `.story` is the `Story` a `Session` plays. Raises
    `StoryNotFound` for a name that is no story. `cache=False` parses every file afresh and
    writes no parse cache. An unchanged story comes back ready-made (engine/author/ready.py).
    `analyse=False` leaves out the whole-story checks (what a story's own files and links say
    is all there is in `.diagnostics`), for a program that plays a story it knows is checked.
    """
    if not analyse:
        loaded = load_only(name, cache=cache)
        return CheckedStory(loaded.story, loaded.diagnostics, loaded.path)
    return load_checked(name, cache=cache)


def check(name: str | Path, *, cache: bool = True) -> CheckedStory:
    """Everything the `check` command reports for a story folder (or bundled id): the
    diagnostics of `load_story`, the stat-range proofs (W111-W114), and with no errors the
    proven ranges themselves in `.ranges`. Raises `StoryNotFound` as `load_story` does."""
    return load_checked(name, cache=cache, ranges=True)
