"""Tiny text charts: a stat over a career as a line of block characters."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def resample(values: Sequence[float], width: int) -> list[float]:
    """`values` squeezed to at most `width` points, each the mean of its share."""
    if not values or width <= 0:
        return []
    n = len(values)
    if n <= width:
        return list(values)
    out = []
    for i in range(width):
        lo, hi = i * n // width, max(i * n // width + 1, (i + 1) * n // width)
        chunk = values[lo:hi]
        out.append(sum(chunk) / len(chunk))
    return out


def sparkline(
    values: Sequence[float], width: int = 40, low: float | None = None, high: float | None = None
) -> str:
    """One line of blocks; `low`/`high` fix the scale (a stat's range), else the data's own."""
    points = resample(values, min(width, max(1, len(values))))
    if not points:
        return ""
    lo = min(points) if low is None else low
    hi = max(points) if high is None else high
    if hi <= lo:
        return BLOCKS[0] * len(points)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[max(0, min(top, round((p - lo) / (hi - lo) * top)))] for p in points)
