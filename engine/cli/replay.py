"""`main.py replay`: a saved career step by step, in plain text."""

from __future__ import annotations

import argparse
from typing import TextIO, cast

from engine.author.check import load_checked
from engine.cli.parser import PROG
from engine.cli.plain_replay import PlainReplay
from engine.cli.saves import notices, store_of
from engine.core.textsafe import VisibleWriter
from engine.load.folder import StoryNotFound, find_story
from engine.saves.format import SaveError
from engine.saves.replay import Replay


def run(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    out = cast(TextIO, VisibleWriter(out))
    store = store_of(args)
    try:
        career = store.load(args.save)
    except SaveError as err:
        notices(store, out, err)
        out.write(f"error: {err}\n")
        return 2
    try:
        folder = find_story(args.story or career.story_id)
    except StoryNotFound:
        out.write(f"error: the story “{career.story_id}” of this career is not here; pass --story FOLDER\n")
        return 2
    result = load_checked(folder)
    if not result.ok or result.story is None:
        out.write(f"error: the story “{career.story_id}” has errors: run `{PROG} check {career.story_id}`\n")
        return 1
    return PlainReplay(Replay(result.story, career), out, inp).run(show_all=args.all)
