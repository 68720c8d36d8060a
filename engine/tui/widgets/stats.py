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
COMPACT_WIDTH = 19  # a compact row's width before the first layout: the narrowest it gets


def stat_bar(value: int, low: int, high: int, width: int = BAR) -> str:
    filled = round((value - low) / (high - low) * width) if high > low else 0
    filled = max(0, min(width, filled))
    return "█" * filled + "░" * (width - filled)


class StatRow(Static):
    _shown: tuple[str, int, int, int, int, str, int] | None = None
    _args: tuple[str, int, int, int, int, str, bool] | None = None

    def on_resize(self) -> None:
        """A compact row is drawn for its width (the number always at its end): drawn again when
        the width changes, as when the panel's scrollbar comes or goes."""
        if self._args is not None and self._args[-1]:
            self.show(*self._args)

    def show(
        self,
        label: str,
        value: int,
        low: int,
        high: int,
        delta: int = 0,
        opposite: str = "",
        compact: bool = False,
    ) -> None:
        """Draw the row, unless it already shows exactly this: most stats do not move on a
        given choice, and every update of a Static lays the screen out again.

        An opposed pair (`opposite` is the other side's label) reads "Daring 60 | Caution 40"
        over one bar: the bar fills towards the first side, what is left is the other's.
        `compact` is one line a stat, with no bar: what a short terminal can fit of every stat.
        """
        self._args = (label, value, low, high, delta, opposite, compact)
        width = (self.size.width or COMPACT_WIDTH) if compact else 0
        shown = (label, value, low, high, delta, opposite, width)
        if shown == self._shown:
            return
        self._shown = shown
        if compact:  # one line that always ends with the number: a long name gives way, not it
            change = f" {delta:+d}" if delta else ""
            number = f"{value}{change}"
            if opposite:
                both = f"{label} {number} | {opposite} {low + high - value}"
                line = Text(both if len(both) <= width else both[: width - 1] + "…", no_wrap=True)
            else:
                room = max(1, width - len(number) - 1)
                name = label if len(label) <= room else label[: room - 1] + "…"
                line = Text(f"{name:<{room}} {number}", no_wrap=True, overflow="ellipsis")
            if delta:
                at = line.plain.find(change, len(label) if not opposite else 0)
                if at >= 0:
                    line.stylize("bold green" if delta > 0 else "bold red", at, at + len(change))
            self.update(line)
            self.set_class(delta > 0, "-up")
            self.set_class(delta < 0, "-down")
            return
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
    """The career's stats, under the story's group headings. When they do not fit with their
    bars (Bożena's twelve at 80x24), each takes one line; if even that does not fit, the panel
    scrolls, keeps in sight a stat a locked choice asks for, and its title counts the rest."""

    def __init__(self, story: Story, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.story = story
        self.compact = False
        self._last: tuple[GameState, tuple[StatChange, ...]] | None = None

    def on_resize(self) -> None:
        """One line a stat when two do not fit: the rows drawn again when that changes (a row
        redraws itself when only its width changes: StatRow.on_resize)."""
        groups = sum(1 for group, _ in self.story.stat_groups if group)
        grouped = any(s.group for s in self.story.stats)
        per_stat = 2 if grouped else 3  # a label line and a bar (and a blank line without groups)
        full = 2 + groups * 2 + per_stat * len(self.story.stats)  # with the title and the headings
        compact = full > self.size.height
        changed = compact != self.compact
        self.compact = compact
        self.set_class(compact, "-compact")
        if changed and self._last is not None:
            self.show(*self._last)

    def compose(self) -> ComposeResult:
        yield Static("Career", classes="panel-title", id="panel-title")
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
        self._last = (state, tuple(changes))
        deltas = {c.stat: c.delta for c in changes}
        for stat in self.story.stats:
            row = self.query_one(f"#stat-{stat.id}", StatRow)
            value, delta = state.stats[stat.id], deltas.get(stat.id, 0)
            row.show(stat.label, value, stat.min, stat.max, delta, stat.opposite_label, self.compact)
        on = [f.label for f in self.story.flags if state.flags.get(f.id)]
        self.query_one("#flags", Static).update(Text("\n".join(f"• {label}" for label in on), style="italic"))
        self.call_after_refresh(self._say_what_is_hidden)

    def reveal(self, stat_ids: Sequence[str]) -> None:
        """Scroll so that the stats a locked choice asks for ("needs Standing 35") are in sight,
        the last of them first and then, if they do not all fit, the first."""
        rows = [row for sid in stat_ids for row in self.query(f"#stat-{sid}")]
        for row in (rows[-1], rows[0]) if rows else ():
            self.call_after_refresh(self.scroll_to_widget, row, animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.call_after_refresh(self._say_what_is_hidden)

    def _say_what_is_hidden(self) -> None:
        """The panel's title says how many stats are out of sight, and which way: the sidebar
        never hides a stat without saying so."""
        if not self.is_mounted:
            return
        top, height = self.scroll_y, self.scrollable_content_region.height
        above = below = 0
        for row in self.query(StatRow):
            region = row.virtual_region
            if region.y < top:
                above += 1
            elif region.bottom > top + height:
                below += 1
        parts = [f"{above} more ↑" if above else "", f"{below} more ↓" if below else ""]
        hidden = "  ".join(p for p in parts if p)
        self.query_one("#panel-title", Static).update(f"Career  {hidden}" if hidden else "Career")
