"""Player settings, remembered between runs: theme, text reveal speed, locked choices shown."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.core.paths import CONFIG_ENV, settings_file
from engine.saves.files import atomic_write

ENV = CONFIG_ENV
REVEAL_SPEEDS = {"off": 0, "fast": 240, "slow": 60}  # characters a second
DEFAULT_THEME = "textual-dark"


def default_path() -> Path | None:
    """`$POINTE_EDGE_CONFIG` (a file, or `off`), else the platform's user config directory."""
    return settings_file()


@dataclass
class Settings:
    theme: str = DEFAULT_THEME
    reveal: str = "fast"  # off | fast | slow
    show_locked: bool = True
    sidebar: bool = True  # the stats beside the scene; `b` hides it on a narrow terminal
    skip_read: bool = True  # a scene read before (in any career) appears at once, like Ren'Py's skip
    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None) -> Settings:
        """The settings in `path`; anything missing or unreadable falls back to the default."""
        settings = cls(path=path)
        if path is None:
            return settings
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return settings
        if not isinstance(data, dict):
            return settings
        if isinstance(data.get("theme"), str) and len(data["theme"]) < 100:
            settings.theme = data["theme"]
        if data.get("reveal") in REVEAL_SPEEDS:
            settings.reveal = data["reveal"]
        if isinstance(data.get("show_locked"), bool):
            settings.show_locked = data["show_locked"]
        if isinstance(data.get("sidebar"), bool):
            settings.sidebar = data["sidebar"]
        if isinstance(data.get("skip_read"), bool):
            settings.skip_read = data["skip_read"]
        return settings

    def save(self) -> None:
        if self.path is None:
            return
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(data, indent=2).encode())
        except OSError:
            pass  # settings are a comfort, never worth an error

    @property
    def reveal_cps(self) -> int:
        if os.environ.get("TEXTUAL_ANIMATIONS", "").lower() == "none":
            return 0
        return REVEAL_SPEEDS[self.reveal]
