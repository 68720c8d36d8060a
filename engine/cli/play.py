"""`main.py` and `main.py play`: the full-screen game, or a career in plain text.

Textual is imported only when the full-screen game opens, so every other command stays light
and works where there is no terminal at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from engine.cli.common import usable
from engine.cli.parser import RUN
from engine.load.folder import StoryNotFound, find_story

if TYPE_CHECKING:
    from engine.core.model import Story
    from engine.play.session import Session
    from engine.saves.record import Recorder
    from engine.saves.store import SaveStore


def run(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    if args.command is None:
        return _tui(out, saves=args.saves)
    if args.author and args.plain:
        out.write("error: --author needs the full-screen game (the map and warp); drop --plain\n")
        return 2
    if args.go_on and not args.plain:
        out.write("error: --continue is for --plain; the full-screen game's title has Continue (c)\n")
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


def _continued(story: Story, store: SaveStore, out: TextIO) -> tuple[Session, Recorder] | None:
    """`--continue`: the story's most recent unfinished autosave, resumed (its choices replayed
    and checked), or None after saying that a new career starts instead."""
    from engine.saves.format import SaveError
    from engine.saves.record import Recorder, resume

    try:
        info = store.latest_autosave([story.id])
        career = store.load(info.id) if info is not None else None
    except SaveError as err:
        out.write(f"note: cannot continue: {err}. A new career starts.\n")
        return None
    if career is None:
        out.write(f"No unfinished career of {story.title} to continue: a new one starts.\n")
        return None
    resumed = resume(story, career)
    if not resumed.complete:
        out.write(
            f"The story has changed since this career was saved ({resumed.problem}); it goes on "
            f"from step {resumed.valid_steps} as a new career, and the saved one is kept.\n"
        )
        return resumed.session, Recorder.going_on(resumed.session, career, as_new=True)
    n = len(career.steps)
    out.write(f"Going on with your career ({n} choice{'s' * (n != 1)} so far).\n")
    return resumed.session, Recorder.going_on(resumed.session, career)


def _play_plain(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    from engine.cli.plain import PlainGame, ScriptError
    from engine.cli.plain_saves import PlainSaves
    from engine.play.session import Session
    from engine.saves.store import SaveStore

    story = usable(args, "played", out)
    if isinstance(story, int):
        return story
    script = [c.strip() for c in args.choices.split(",") if c.strip()] if args.choices else []
    store = SaveStore.default(getattr(args, "saves", None))
    session, recorder = Session(story, args.seed), None
    if args.go_on:
        found = _continued(story, store, out)
        if found is not None:
            session, recorder = found
    game = PlainGame(session, out, inp, script=script)
    game.saves = PlainSaves(store, session, game.say, recorder)
    try:
        return game.run()
    except ScriptError as err:
        out.write(f"error: --choices: {err}\n")
        return 2
