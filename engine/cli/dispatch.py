"""`main()`: parse the arguments, run the command, and keep every failure to one line.

No traceback reaches a player: an unexpected error prints one line (set POINTE_EDGE_DEBUG=1
to see the traceback) and exits with 70. Each command lives in its own module and is imported
only when chosen, so `--help` and the light commands start fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from engine.cli.parser import build_parser


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
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (`completion`): answer, exit
        from engine.cli.completion import complete

        complete(parser)
    args = parser.parse_args(argv)
    command = args.command
    if command is None or command == "play":
        from engine.cli import play

        return play.run(args, out, inp)
    if command == "stories":
        from engine.cli import stories

        return stories.run(out)
    if command == "paths":
        from engine.cli import paths

        return paths.run(out)
    if command == "serve":
        from engine.cli import serve

        return serve.run(args, out)
    if command == "schema":
        from engine.cli import schema

        return schema.run(args, out)
    if command == "completion":
        from engine.cli import completion

        return completion.run(args, out)
    if command == "lsp":
        from engine.cli import lsp

        return lsp.run(args, out)
    if command == "check":
        from engine.cli import check

        return check.run(args, out)
    if command == "graph":
        from engine.cli import graph

        return graph.run(args, out)
    if command == "simulate":
        from engine.cli import simulate

        return simulate.run(args, out)
    if command == "test":
        from engine.cli import story_tests

        return story_tests.run(args, out)
    if command == "saves":
        from engine.cli import saves

        return saves.run(args, out, inp)
    if command == "replay":
        from engine.cli import replay

        return replay.run(args, out, inp)
    raise AssertionError(command)  # pragma: no cover
