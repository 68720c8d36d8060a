"""`main.py replay`: a saved career step by step, in plain text."""

from __future__ import annotations

import argparse
from pathlib import Path
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
    replay = Replay(result.story, career)
    if args.format:
        from engine.cli.book import career_book

        book = career_book(replay, args.format)
        if not args.out:
            out.write(book)
            return 0
        target = Path(args.out).expanduser()
        if target.exists():
            out.write(f"error: {target} already exists; name another file\n")
            return 2
        try:
            target.write_text(book, encoding="utf-8")
        except OSError as err:
            out.write(f"error: cannot write {target}: {err.strerror or err}\n")
            return 2
        out.write(f"Wrote the career to {target} ({len(career.steps)} choices).\n")
        return 0
    if args.out:
        out.write("error: --out goes with --format markdown or html\n")
        return 2
    return PlainReplay(replay, out, inp).run(show_all=args.all)
