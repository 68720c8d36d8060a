"""The command line behind `main.py`: one module per command, imported only when chosen.

Exit codes: 0 done, 1 the story has errors (or a simulated career got stuck), 2 bad usage
(unknown story, bad arguments), 3 a story fault during play, 70 a bug in the game (one line,
never a traceback; POINTE_EDGE_DEBUG=1 shows it), 130 interrupted.
"""

from engine.cli.dispatch import main

__all__ = ["main"]
