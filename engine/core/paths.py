"""Where the game keeps things: the bundled stories, the player's saves and stories, settings,
caches and logs, in a clone and in an installed copy.

A clone (`pyproject.toml` and `main.py` beside `engine/`, as after `git clone`, or an editable
install of one) keeps the project's layout: bundled stories in `stories/`, saves in `saves/`.
An installed copy (a wheel: `uv tool install`, `pipx install`, `uvx`) has its bundled stories
inside the package (`engine/stories`, package data) and must never write into its own
site-packages, which a reinstall deletes: its saves and the player's own stories go to the
platform's user data folder. Settings, the parse cache and crash logs go to the user folders
in both. Every place has an environment variable that overrides it; `paths` prints them all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The package folder (`engine/`) and the folder it sits in.
PACKAGE = Path(__file__).resolve().parents[1]
_TOP = PACKAGE.parent
#: Whether this is a clone of the project (or an editable install of one), not an installed copy.
FROM_CHECKOUT = (_TOP / "pyproject.toml").is_file() and (_TOP / "main.py").is_file()
#: The stories that ship with the game.
BUNDLED_STORIES = _TOP / "stories" if FROM_CHECKOUT else PACKAGE / "stories"

DATA_ENV = "POINTE_EDGE_DATA"
SAVES_ENV = "POINTE_EDGE_SAVES"
STORIES_ENV = "POINTE_EDGE_STORIES"
CONFIG_ENV = "POINTE_EDGE_CONFIG"
CACHE_ENV = "POINTE_EDGE_CACHE"
LOGS_ENV = "POINTE_EDGE_LOGS"

_OFF = ("off", "0", "none")
# kind -> (Windows variable and fallback, macOS folder, XDG variable and fallback)
_FOLDERS = {
    "cache": (("LOCALAPPDATA", "AppData/Local"), "Library/Caches", ("XDG_CACHE_HOME", ".cache")),
    "config": (("APPDATA", "AppData/Roaming"), "Library/Application Support", ("XDG_CONFIG_HOME", ".config")),
    "state": (("LOCALAPPDATA", "AppData/Local"), "Library/Logs", ("XDG_STATE_HOME", ".local/state")),
    "data": (
        ("LOCALAPPDATA", "AppData/Local"),
        "Library/Application Support",
        ("XDG_DATA_HOME", ".local/share"),
    ),
}


def user_path(env: str, kind: str, leaf: str) -> Path | None:
    """`$env` if set (`off` disables: None), else `leaf` in the platform's user folder of `kind`.

    `kind` is "cache" (safe to delete: parsed stories), "config" (kept: settings), "state"
    (kept, but only the game's own records: crash logs, which must not vanish with the cache) or
    "data" (the player's own: saved careers and stories; `$POINTE_EDGE_DATA` moves it whole).
    """
    configured = os.environ.get(env)
    if configured:
        return None if configured.lower() in _OFF else Path(configured)
    if kind == "data" and os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser() / leaf
    windows, mac, xdg = _FOLDERS[kind]
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get(windows[0]) or home / windows[1])
    elif sys.platform == "darwin":
        base = home / mac
    else:
        base = Path(os.environ.get(xdg[0]) or home / xdg[1])
    return base / "pointe-edge" / leaf


def default_saves() -> Path:
    """The save folder when neither `--saves` nor `$POINTE_EDGE_SAVES` names one: `saves/` in a
    clone, `saves` in the user data folder for an installed copy."""
    if FROM_CHECKOUT and not os.environ.get(DATA_ENV):
        return _TOP / "saves"
    found = user_path("", "data", "saves")
    assert found is not None  # only an environment variable set to "off" gives None
    return found


def saves_folder(chosen: str | Path | None = None) -> Path:
    """The save folder: `chosen` (`--saves`), else `$POINTE_EDGE_SAVES`, else `default_saves()`."""
    return Path(chosen or os.environ.get(SAVES_ENV) or default_saves()).expanduser()


def own_stories() -> Path | None:
    """The folder of the player's own stories, listed with the bundled ones: `$POINTE_EDGE_STORIES`,
    else `stories` in the user data folder of an installed copy. A clone has none of its own:
    its `stories/` is where an author's stories go."""
    configured = os.environ.get(STORIES_ENV)
    if configured:
        return None if configured.lower() in _OFF else Path(configured).expanduser()
    if FROM_CHECKOUT and not os.environ.get(DATA_ENV):
        return None
    return user_path("", "data", "stories")


def command_name() -> str:
    """The command as the player types it, for messages and `--help`: `pointe-edge` for an
    installed copy (or a clone run through its console script), `main.py` in a clone."""
    invoked = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if not FROM_CHECKOUT or invoked.removesuffix(".exe") == "pointe-edge":
        return "pointe-edge"
    return "main.py"


def run_prefix() -> str:
    """What starts the game from a shell: `uv run main.py` in a clone, `pointe-edge` installed."""
    name = command_name()
    return f"uv run {name}" if name == "main.py" else name


KEYMAP_ENV = "POINTE_EDGE_KEYMAP"


def keymap_file() -> Path | None:
    """`$POINTE_EDGE_KEYMAP` (a file, or `off`), else `keymap.json` in the user config folder: the
    player's own keys for the game's actions (engine/tui/keymap.py)."""
    return user_path(KEYMAP_ENV, "config", "keymap.json")


def settings_file() -> Path | None:
    """`$POINTE_EDGE_CONFIG` (a file, or `off`), else `settings.json` in the user config folder."""
    return user_path(CONFIG_ENV, "config", "settings.json")


def cache_folder() -> Path | None:
    """`$POINTE_EDGE_CACHE` (or `off`), else the user cache folder: parsed stories, safe to delete."""
    return user_path(CACHE_ENV, "cache", "")


def logs_folder() -> Path | None:
    """`$POINTE_EDGE_LOGS` (or `off`), else `logs` in the user state folder: crash logs."""
    return user_path(LOGS_ENV, "state", "logs")
