"""`main.py serve`: the full-screen game in a web browser, through textual-serve.

textual-serve runs one copy of the game per browser tab, with Textual's web driver instead of
a terminal, and relays it over a websocket to xterm.js in the page. The game starts under that
driver (engine/cli/play.py lets a chosen `TEXTUAL_DRIVER` stand in for a terminal). It listens
on 127.0.0.1 unless told otherwise: anyone who can reach the port plays with this copy's saves.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TextIO

from engine.cli.parser import RUN


def game_command(saves: str | None) -> str:
    """The shell command that starts one game for one browser tab: this Python, this engine."""
    argv = [sys.executable, "-m", "engine"]
    if saves:
        argv += ["--saves", saves]
    return shlex.join(argv)


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        out.write(
            "error: playing in a browser needs textual-serve, which is not installed here.\n"
            f"  in a clone:    uv run --with textual-serve {RUN.removeprefix('uv run ')} serve\n"
            "  installed:     uv tool install 'pointe-edge[web]' (or pipx install 'pointe-edge[web]')\n"
        )
        return 2
    server = Server(game_command(args.saves), host=args.host, port=args.port, title="Pointe & Edge")
    out.write(f"Serving Pointe & Edge on http://{args.host}:{args.port} (Ctrl-C stops)\n")
    out.flush()
    server.serve()
    return 0
