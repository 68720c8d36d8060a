"""What the commands share: loading the story they name, and saying why one cannot be used."""

from __future__ import annotations

import argparse
from typing import TextIO

from engine.author.check import CheckedStory, load_checked
from engine.cli.parser import PROG
from engine.core.diagnostics import Diagnostic
from engine.core.model import Story
from engine.load.folder import StoryNotFound, freeze_once


def load(
    name: str, cache: bool, out: TextIO, *, ranges: bool = False, whole: bool = False
) -> CheckedStory | None:
    """The story a command names, checked, or None after saying it does not exist.

    A command keeps its story until the process ends, so the story is frozen out of the cyclic
    collector's view (`freeze_once`). `whole`: for a command that goes through every scene
    (simulate, the story's tests), a ready-made story (engine/author/ready.py) has every scene
    linked first, so that the work is not counted as the command's and is frozen with the rest.
    """
    try:
        result = load_checked(name, cache=cache, ranges=ranges)
    except StoryNotFound as err:
        out.write(f"error: {err}\n")
        return None
    if whole and result.story is not None:
        result.story.scenes.values()  # links whatever a ready-made story has not linked yet
    freeze_once()
    return result


def cannot(verb: str, name: str, errors: list[Diagnostic], out: TextIO) -> int:
    """Say that a story with errors cannot be played, mapped or simulated, and show the first."""
    out.write(f"This story cannot be {verb}: it has {len(errors)} error{'s' * (len(errors) != 1)}.\n")
    for d in errors[:20]:
        out.write(d.format() + "\n")
    if len(errors) > 20:
        out.write(f"... and {len(errors) - 20} more: run `{PROG} check {name}`\n")
    return 1


def usable(args: argparse.Namespace, verb: str, out: TextIO) -> Story | int:
    """The story `args.story` names, loaded free of errors, or the exit status after saying why
    it cannot be `verb` (played, simulated, tested): 2 when it does not exist, 1 for errors.
    Every verb but playing goes through the whole story (see `load`'s `whole`)."""
    result = load(args.story, not args.no_cache, out, whole=verb != "played")
    if result is None:
        return 2
    if not result.ok or result.story is None:
        return cannot(verb, args.story, result.errors, out)
    return result.story
