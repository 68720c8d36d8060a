"""A chart of every stat over a career, one line each, with the current step marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from engine.core.model import Story
from engine.core.sparkline import sparkline


class StatChart(Static):
    def show(
        self, story: Story, series: Mapping[str, Sequence[int]], at: int | None = None, width: int = 40
    ) -> None:
        text = Text()
        for i, stat in enumerate(story.stats):
            values = list(series[stat.id])
            if i:
                text.append("\n")
            text.append(f"{stat.label:>12} ", style="bold")
            # A short career gets several columns a step; a long one is squeezed to the width.
            each = max(1, width // max(1, len(values)))
            line = sparkline([v for v in values for _ in range(each)], width, stat.min, stat.max)
            mark: range = range(0)
            if at is not None and values:
                if each > 1:
                    mark = range(at * each, (at + 1) * each)
                else:
                    k = at * len(line) // len(values)
                    mark = range(k, k + 1)
            for k, ch in enumerate(line):
                text.append(ch, style="reverse" if k in mark else "")
            now = values[at] if at is not None and values else (values[-1] if values else 0)
            text.append(f" {values[0] if values else 0} → {now}")
            if stat.opposite:  # a pair: the other side, read off the same line
                text.append(f" ({stat.opposite_label} {stat.mirror(now)})")
        self.update(text)
