"""Where the game keeps things of the player's: the user folders of each platform."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_OFF = ("off", "0", "none")
# kind -> (Windows variable and fallback, macOS folder, XDG variable and fallback)
_FOLDERS = {
    "cache": (("LOCALAPPDATA", "AppData/Local"), "Library/Caches", ("XDG_CACHE_HOME", ".cache")),
    "config": (("APPDATA", "AppData/Roaming"), "Library/Application Support", ("XDG_CONFIG_HOME", ".config")),
    "state": (("LOCALAPPDATA", "AppData/Local"), "Library/Logs", ("XDG_STATE_HOME", ".local/state")),
}


def user_path(env: str, kind: str, leaf: str) -> Path | None:
    """`$env` if set (`off` disables: None), else `leaf` in the platform's user folder of `kind`.

    `kind` is "cache" (safe to delete: parsed stories), "config" (kept: settings) or "state"
    (kept, but only the game's own records: crash logs, which must not vanish with the cache).
    """
    configured = os.environ.get(env)
    if configured:
        return None if configured.lower() in _OFF else Path(configured)
    windows, mac, xdg = _FOLDERS[kind]
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get(windows[0]) or home / windows[1])
    elif sys.platform == "darwin":
        base = home / mac
    else:
        base = Path(os.environ.get(xdg[0]) or home / xdg[1])
    return base / "pointe-edge" / leaf
