"""`main.py` and `main.py play`: the full-screen game, or a career in plain text.

Textual is imported only when the full-screen game opens, so every other command stays light
and works where there is no terminal at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from engine.cli.common import usable
from engine.cli.parser import RUN
from engine.load.folder import StoryNotFound, find_story


def run(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    if args.command is None:
        return _tui(out, saves=args.saves)
    if args.author and args.plain:
        out.write("error: --author needs the full-screen game (the map and warp); drop --plain\n")
        return 2
    if not args.plain:
        try:
            find_story(args.story)
        except StoryNotFound as err:
            out.write(f"error: {err}\n")
            return 2
        saves = getattr(args, "saves", None)
        return _tui(out, story=args.story, saves=saves, seed=args.seed, author=args.author)
    return _play_plain(args, out, inp)


def _tui(out: TextIO, **options: object) -> int:
    """The full-screen game. Textual is imported only here, so every other command stays light."""
    if not _has_screen():
        out.write("The full-screen game needs a terminal. Without one, play in plain text:\n")
        out.write(f"  {RUN} play {options.get('story') or 'demo'} --plain\n")
        return 2
    from engine.tui import run as run_app

    return run_app(**options)  # type: ignore[arg-type]


def _has_screen() -> bool:
    """Whether the full-screen game has somewhere to draw: a terminal, or a Textual driver chosen
    through `TEXTUAL_DRIVER` (textual-serve's web driver for `serve` and `textual serve`, which
    talks over pipes). `POINTE_EDGE_FORCE_TUI=1` starts it regardless, for tests."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return True
    return bool(os.environ.get("TEXTUAL_DRIVER") or os.environ.get("POINTE_EDGE_FORCE_TUI"))


def _play_plain(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    from engine.cli.plain import PlainGame, ScriptError
    from engine.cli.plain_saves import PlainSaves
    from engine.play.session import Session
    from engine.saves.store import SaveStore

    story = usable(args, "played", out)
    if isinstance(story, int):
        return story
    script = [c.strip() for c in args.choices.split(",") if c.strip()] if args.choices else []
    session = Session(story, args.seed)
    game = PlainGame(session, out, inp, script=script)
    game.saves = PlainSaves(SaveStore.default(getattr(args, "saves", None)), session, game.say)
    try:
        return game.run()
    except ScriptError as err:
        out.write(f"error: --choices: {err}\n")
        return 2
