"""The stats sidebar: a labelled bar per stat, the last choice's changes highlighted.

A change stays marked ("+6" in green) until the next choice or undo: a player reads the scene
first, and a highlight that faded after a few seconds was gone before a 300-word scene had
finished appearing. The outcome line above the scene says the same in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine.core.model import Story
from engine.play.session import StatChange
from engine.play.state import GameState

BAR = 20


def stat_bar(value: int, low: int, high: int, width: int = BAR) -> str:
    filled = round((value - low) / (high - low) * width) if high > low else 0
    filled = max(0, min(width, filled))
    return "█" * filled + "░" * (width - filled)


class StatRow(Static):
    _shown: tuple[str, int, int, int, int, str] | None = None

    def show(self, label: str, value: int, low: int, high: int, delta: int = 0, opposite: str = "") -> None:
        """Draw the row, unless it already shows exactly this: most stats do not move on a
        given choice, and every update of a Static lays the screen out again.

        An opposed pair (`opposite` is the other side's label) reads "Daring 60 | Caution 40"
        over one bar: the bar fills towards the first side, what is left is the other's.
        """
        shown = (label, value, low, high, delta, opposite)
        if shown == self._shown:
            return
        self._shown = shown
        bar = Text(stat_bar(value, low, high))
        if opposite:  # both names fill the line: the change goes after the bar
            head = Text(f"{label} {value}", style="bold")
            head.append(f" | {opposite} {low + high - value}")
            marked = bar
        else:
            head = Text(f"{label:<14}", style="bold")
            head.append(f"{value:>4}")
            marked = head
        if delta:
            marked.append(f" {delta:+d}", style="bold green" if delta > 0 else "bold red")
        self.update(Text.assemble(head, "\n", bar))
        self.set_class(delta > 0, "-up")
        self.set_class(delta < 0, "-down")


class StatsPanel(VerticalScroll):
    """The career's stats, under the story's group headings; it scrolls when a story has more
    stats than a small terminal has lines."""

    def __init__(self, story: Story, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.story = story

    def compose(self) -> ComposeResult:
        yield Static("Career", classes="panel-title")
        self.set_class(any(s.group for s in self.story.stats), "-grouped")
        for i, (group, stats) in enumerate(self.story.stat_groups):
            if group:  # the author's heading, as text (never markup)
                yield Static(Text(group, style="bold"), classes="stat-group" + (" -after" if i else ""))
            for stat in stats:
                row = StatRow(id=f"stat-{stat.id}", classes="stat")
                row.tooltip = Text(stat.help) if stat.help else None  # the story's words: never markup
                yield row
        yield Static("", id="flags")

    def set_story(self, story: Story) -> None:
        """Another version of the story (a live reload); the caller recomposes if its stats changed."""
        self.story = story

    def show(self, state: GameState, changes: Sequence[StatChange] = ()) -> None:
        """The stats of `state`, with `changes` (the last choice's) marked until the next show."""
        deltas = {c.stat: c.delta for c in changes}
        for stat in self.story.stats:
            row = self.query_one(f"#stat-{stat.id}", StatRow)
            value, delta = state.stats[stat.id], deltas.get(stat.id, 0)
            row.show(stat.label, value, stat.min, stat.max, delta, stat.opposite_label)
        on = [f.label for f in self.story.flags if state.flags.get(f.id)]
        self.query_one("#flags", Static).update(Text("\n".join(f"• {label}" for label in on), style="italic"))
