"""The scene's prose, revealed at the player's chosen speed (any key or click shows it all)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

FRAMES_PER_SECOND = 30


class Prose(Static):
    """Scene text. `show()` replaces it, revealing it progressively when a speed is given."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self._full = Text()
        self._shown = 0
        self._step = 0
        self._timer: Timer | None = None

    @property
    def revealing(self) -> bool:
        return self._timer is not None

    def show(self, text: Text, chars_per_second: int = 0) -> None:
        self._stop()
        self._full = text
        if chars_per_second <= 0 or len(text) < 2:
            self.update(text)
            return
        self._shown = 0
        self._step = max(1, chars_per_second // FRAMES_PER_SECOND)
        self.update(Text())
        self._timer = self.set_interval(1 / FRAMES_PER_SECOND, self._tick)

    def finish(self) -> bool:
        """Show the whole text now; True if it was still being revealed."""
        if self._timer is None:
            return False
        self._stop()
        self.update(self._full)
        return True

    def _tick(self) -> None:
        self._shown += self._step
        if self._shown >= len(self._full):
            self.finish()
        else:
            self.update(self._full[: self._shown])

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def on_click(self) -> None:
        self.finish()
