"""The command line behind `main.py`: parse arguments, call the engine, print, exit.

Exit codes: 0 done, 1 the story has errors, 2 bad usage (unknown story, bad arguments),
3 a story fault during play, 130 interrupted. No traceback reaches a player: an unexpected
error prints one line (set POINTE_EDGE_DEBUG=1 to see the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from engine.diagnostics import Diagnostic, summary
from engine.loader import LoadResult, StoryNotFound, bundled_stories, load_story

PROG = "main.py"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Pointe & Edge: live the career of a skater or a dancer, in your terminal.",
        epilog="With no command, the full-screen game opens.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a career (add --plain for plain text)")
    play.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    play.add_argument("--plain", action="store_true", help="plain text on stdin/stdout")
    play.add_argument("--seed", type=int, help="the career's seed (the same seed and choices replay exactly)")
    play.add_argument("--choices", help="choices to make first, by number or id: 2,1,3")
    play.add_argument("--no-cache", action="store_true", help="parse the story afresh, bypassing the cache")

    check = sub.add_parser("check", help="check stories for errors and warnings")
    check.add_argument(
        "stories", nargs="*", metavar="STORY", help="story ids or folders (default: all bundled)"
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

    sub.add_parser("stories", help="list the bundled stories")
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, inp: TextIO | None = None) -> int:
    out = out or sys.stdout
    inp = inp or sys.stdin
    _tolerant(out)
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv), out, inp)
    except KeyboardInterrupt:
        out.write("\nInterrupted. Goodbye.\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # the last guard: one line, never a traceback, unless debugging
        if os.environ.get("POINTE_EDGE_DEBUG"):
            traceback.print_exc()
        out.write(f"Something went wrong inside the game: {type(err).__name__}: {err}\n")
        out.write("This is a bug. Run again with POINTE_EDGE_DEBUG=1 to see the details.\n")
        return 70


def _tolerant(stream: TextIO) -> None:
    """A terminal that cannot show some characters gets `?` instead of a UnicodeEncodeError."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # detached or odd streams keep their ways
            reconfigure(errors="replace")


def _dispatch(argv: list[str], out: TextIO, inp: TextIO) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        return _no_tui(out)
    if args.command == "stories":
        return _stories(out)
    if args.command == "check":
        return _check(args.stories, args.format, not args.no_cache, out)
    if args.command == "play":
        if not args.plain:
            return _no_tui(out, args.story)
        return _play_plain(args, out, inp)
    raise AssertionError(args.command)  # pragma: no cover


def _no_tui(out: TextIO, story: str | None = None) -> int:
    out.write("The full-screen game is not built yet. Play in plain text for now:\n")
    names = [story] if story else bundled_stories() or ["demo"]
    for name in names:
        out.write(f"  uv run {PROG} play {name} --plain\n")
    return 0 if story is None else 2


def _stories(out: TextIO) -> int:
    for sid in bundled_stories():
        result = load_story(sid)
        story = result.story
        if story is None:
            out.write(f"{sid:<12} (does not load: run `{PROG} check {sid}`)\n")
            continue
        who = f"{story.protagonist}, {story.discipline}".strip(", ")
        out.write(
            f"{sid:<12} {story.title} — {who} ({len(story.scenes)} scenes, {len(story.endings)} endings)\n"
        )
    return 0


def _load(name: str, cache: bool, out: TextIO) -> LoadResult | None:
    try:
        return load_story(name, cache=cache)
    except StoryNotFound as err:
        out.write(f"error: {err}\n")
        return None


def _check(names: list[str], fmt: str, cache: bool, out: TextIO) -> int:
    names = names or bundled_stories()
    if not names:
        out.write("error: no stories to check\n")
        return 2
    reports: list[tuple[str, LoadResult]] = []
    for name in names:
        result = _load(name, cache, out)
        if result is None:
            return 2
        reports.append((name, result))
    everything: list[Diagnostic] = [d for _, r in reports for d in r.diagnostics]
    errors = sum(d.is_error for d in everything)
    if fmt == "json":
        doc = {
            "stories": [
                {
                    "story": name,
                    "path": str(r.path),
                    "scenes": len(r.story.scenes) if r.story else 0,
                    "errors": len(r.errors),
                    "warnings": len(r.warnings),
                    "diagnostics": [d.to_json() for d in r.diagnostics],
                }
                for name, r in reports
            ],
            "errors": errors,
            "warnings": len(everything) - errors,
        }
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        for d in everything:
            out.write(d.format() + "\n")
        scenes = sum(len(r.story.scenes) for _, r in reports if r.story)
        plural = "y" if len(reports) == 1 else "ies"
        out.write(f"checked {len(reports)} stor{plural}, {scenes} scenes: {summary(everything)}\n")
    return 1 if errors else 0


def _play_plain(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    from engine.plain import PlainGame, ScriptError
    from engine.runtime import Session

    result = _load(args.story, not args.no_cache, out)
    if result is None:
        return 2
    if not result.ok or result.story is None:
        errors = result.errors
        out.write(f"This story cannot be played: it has {len(errors)} error{'s' * (len(errors) != 1)}.\n")
        for d in errors[:20]:
            out.write(d.format() + "\n")
        if len(errors) > 20:
            out.write(f"... and {len(errors) - 20} more: run `{PROG} check {args.story}`\n")
        return 1
    script = [c.strip() for c in args.choices.split(",") if c.strip()] if args.choices else []
    game = PlainGame(Session(result.story, args.seed), out, inp, script=script)
    try:
        return game.run()
    except ScriptError as err:
        out.write(f"error: --choices: {err}\n")
        return 2
