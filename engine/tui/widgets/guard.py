"""A screen that refuses to draw a broken layout: below 60x20 it asks for a bigger terminal."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 60, 20


class TooSmall(Static):
    pass


class GuardedScreen(Screen):
    """Screens of the game: subclasses compose as usual; a TooSmall notice is added at the end."""

    def _too_small(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            need, now = f"{MIN_WIDTH} × {MIN_HEIGHT}", f"{width} × {height}"
            self.query_one(TooSmall).update(
                f"The terminal is too small: make it at least {need} (now {now})."
            )

    def on_mount(self) -> None:
        # Textual runs the on_mount of every class in the MRO, so subclasses keep their own.
        self.mount(TooSmall("", id="too-small"))
        self._too_small(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._too_small(event.size.width, event.size.height)
