"""The one way the tests run a command: `main.py ARGS` in this process, its output as text."""

from __future__ import annotations

import io

from engine.cli import main


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str]:
    """The exit code and everything printed by `main.py *argv`, with `stdin` as its input."""
    out = io.StringIO()
    code = main(list(argv), out=out, inp=io.StringIO(stdin))
    return code, out.getvalue()
