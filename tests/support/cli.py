"""The one way the tests run a command: `main.py ARGS` in this process, its output as text."""

from __future__ import annotations

import io
import signal

from engine.cli import main


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str]:
    """The exit code and everything printed by `main.py *argv`, with `stdin` as its input."""
    out = io.StringIO()
    code = main(list(argv), out=out, inp=io.StringIO(stdin))
    return code, out.getvalue()


def as_at_a_terminal() -> None:
    """`preexec_fn` for a child the test will interrupt: SIGINT back to its default.

    A shell that starts the suite in the background (`pytest &`, some CI runners) sets SIGINT to
    "ignore", children inherit it, and Python then installs no KeyboardInterrupt handler: Ctrl-C
    would never reach the command under test. A player's terminal never does this.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
