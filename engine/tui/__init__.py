"""The Textual app: play a career in the terminal.

This package is the only part of the project that imports Textual, and the command line imports
it only when the full-screen game is asked for, so plain mode, checks and tests of the engine
never pay for it.
"""

from __future__ import annotations

from pathlib import Path


def run(
    *,
    story: str | None = None,
    saves: str | Path | None = None,
    seed: int | None = None,
    author: bool = False,
) -> int:
    """Open the game (at the title screen, or straight into a new career of `story`; with
    `author`, its chapter map on top and the story reloaded whenever a file is saved)."""
    from engine.tui.app import PointeEdgeApp

    app = PointeEdgeApp(start_story=story, saves_dir=saves, seed=seed, author=author)
    app.run()
    return app.return_code or 0
