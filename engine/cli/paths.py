"""`main.py paths`: where this copy of the game keeps each thing, and what moves it.

A player who installed the game (`uv tool install`, `pipx`) cannot see its folders, and one who
plays from a clone should know that saves stay in the clone: this says both, in one screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from engine.core import paths
from engine.core.version import __version__


def run(out: TextIO) -> int:
    where = f"a clone at {paths.PACKAGE.parent}" if paths.FROM_CHECKOUT else f"installed in {paths.PACKAGE}"
    out.write(f"Pointe & Edge {__version__}, {where}\n\n")
    own = paths.own_stories()
    rows: list[tuple[str, Path | None, str, str]] = [
        ("bundled stories", paths.BUNDLED_STORIES, "", ""),
        (
            "your stories",
            own,
            f"${paths.STORIES_ENV}",
            "in a clone, put them in its stories/ folder" if own is None else "",
        ),
        ("saves", paths.saves_folder(), f"${paths.SAVES_ENV} or --saves", ""),
        ("settings", paths.settings_file(), f"${paths.CONFIG_ENV}", "off"),
        ("parse cache", paths.cache_folder(), f"${paths.CACHE_ENV}", "off: parse every time"),
        ("crash logs", paths.logs_folder(), f"${paths.LOGS_ENV}", "off"),
    ]
    for label, path, env, note in rows:
        if path is None:
            shown = f"none ({note})" if note else "none"
        else:
            shown = str(path) + ("" if path.exists() else " (not made yet)")
        out.write(f"{label:<16} {shown}\n")
        if env:
            out.write(f"{'':<16} set by {env}\n")
    return 0
