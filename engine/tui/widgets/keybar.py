"""The keys of the screen, on one line at the bottom: what Textual's Footer shows, drawn as text.

Textual's Footer builds a widget for every key and rebuilds them all whenever the bindings
change (a screen opens, the focus moves), and each of those widgets restyles itself as it is
made: it was more than half of the time the app took to show its first frame (measured in
bench/README.md). This bar draws the same keys as one line of styled text, redrawn when the
bindings change; a key lights up under the mouse, and a click on it presses it, as in the Footer.

Only the engine's own binding keys and descriptions are drawn here, never story text, and
the line is built from `Text` spans, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

Region = tuple[int, int, str]  # the first cell, the cell after the last, and the key drawn there
SEPARATOR = "▏"  # between the keys and the command palette, as the Footer draws it


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .keybar--hover {
        background: $block-hover-background;
    }
    KeyBar > .keybar--separator {
        color: $foreground 20%;
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--hover", "keybar--separator"}

    def __init__(self) -> None:
        super().__init__()
        self._regions: list[Region] = []  # where each key was drawn
        self._hover: str | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def keys(self) -> Iterator[tuple[Binding, bool]]:
        """The bindings shown, one per action (the first of its keys), in the screen's order."""
        seen: set[str] = set()
        palette = self.app.COMMAND_PALETTE_BINDING
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.action in seen or key == palette:
                continue
            seen.add(binding.action)
            yield binding, active.enabled

    def render(self) -> Text:
        left, left_regions = Text(no_wrap=True, end=""), list[Region]()
        for binding, enabled in self.keys():
            self._append(left, binding, enabled, left_regions)
        right, right_regions = Text(no_wrap=True, end=""), list[Region]()
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if self.app.ENABLE_COMMAND_PALETTE and palette is not None:
            right.append(SEPARATOR, self.get_component_rich_style("keybar--separator"))
            self._append(right, palette.binding, palette.enabled, right_regions)
        room = max(0, self.size.width - right.cell_len)
        if left.cell_len > room:  # a narrow terminal: the keys that fit, then an ellipsis
            left.truncate(room, overflow="ellipsis")
            left_regions = [r for r in left_regions if r[1] <= room - 1]
        left.append(" " * (room - left.cell_len))
        self._regions = left_regions + [(start + room, end + room, key) for start, end, key in right_regions]
        return Text.assemble(left, right, no_wrap=True, end="")

    def _append(self, text: Text, binding: Binding, enabled: bool, regions: list[Region]) -> None:
        """` u Undo`: the key and its words, hovered or dimmed as they are now; the cells they
        take go into `regions`, for a click to find."""
        key = binding.key.split(",")[0]
        look = Style(dim=not enabled)
        if key == self._hover:
            look += self.get_component_rich_style("keybar--hover", partial=True)
        start = text.cell_len
        key_style = self.get_component_rich_style("keybar--key")
        text.append(f" {self.app.get_key_display(binding)} ", key_style + look)
        if binding.description:
            words_style = self.get_component_rich_style("keybar--description")
            text.append(f"{binding.description} ", words_style + look)
        regions.append((start, text.cell_len, key))

    def key_at(self, x: int) -> str | None:
        """The key drawn at cell `x`, if any."""
        return next((key for start, end, key in self._regions if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is not None:
            event.stop()
            self.app.simulate_key(key)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self.key_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()
