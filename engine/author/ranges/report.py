"""The proven stat bounds of a story, as `check --ranges` prints them (text or JSON).

For each chapter (over all its scenes) and each ending, the lowest and highest value each stat
can have there, from engine/author/ranges/solve.py. They are bounds, proven over every path: no career is
ever outside them, but the real extremes may lie inside, because the analysis joins paths and
cannot tell which ones a player can actually combine. (`simulate` reports what random careers
actually reached: estimates from the other side.)
"""

from __future__ import annotations

from collections import deque
from typing import Any

from engine.author.ranges.domain import Bounds
from engine.author.ranges.solve import Ranges
from engine.core.model import Story

HEADING = (
    "stat bounds, proven over every path (no career is ever outside them; the real extremes may lie inside)"
)


def chapter_scenes(story: Story, ranges: Ranges) -> dict[str, list[str]]:
    """The scenes of each chapter that has any, chapters in the order play first meets them
    (by the fewest steps from the start to any of their scenes)."""
    out: dict[str, list[str]] = {}
    for sid, scene in story.scenes.items():
        out.setdefault(scene.chapter, []).append(sid)
    steps = {story.start: 0} if story.start in story.scenes else {}
    queue = deque(steps)
    while queue:
        sid = queue.popleft()
        for nxt in ranges.graph.successors(sid):
            if nxt not in steps:
                steps[nxt] = steps[sid] + 1
                queue.append(nxt)
    far = len(story.scenes)

    def first_met(cid: str) -> int:
        return min(steps.get(sid, far) for sid in out[cid])

    return {cid: out[cid] for cid in sorted((c for c in story.chapters if c in out), key=first_met)}


def rows(story: Story, ranges: Ranges) -> list[tuple[str, Bounds | None]]:
    """(what, bounds) for each chapter, then each ending; None where no career can be."""
    out: list[tuple[str, Bounds | None]] = []
    for cid, sids in chapter_scenes(story, ranges).items():
        out.append((f"chapter “{story.chapters[cid].title or cid}”", ranges.bounds_of(sids)))
    for scene in story.endings:
        assert scene.ending is not None
        out.append((f"ending “{scene.ending.title}”", ranges.bounds(scene.id)))
    return out


def as_text(story: Story, ranges: Ranges) -> str:
    """A table: one row per chapter and ending, one column per stat, `low..high` in each cell."""
    labels = [s.label for s in story.stats]
    table = [
        (what, None if bounds is None else [f"{lo}..{hi}" for lo, hi in bounds.stats.values()])
        for what, bounds in rows(story, ranges)
    ]
    width = max((len(what) for what, _ in table), default=0)
    widths = [
        max([len(label)] + [len(cells[i]) for _, cells in table if cells is not None])
        for i, label in enumerate(labels)
    ]
    header = "  ".join(f"{x:<{w}}" for x, w in zip(labels, widths, strict=True))
    lines = [HEADING, f"  {' ' * width}  {header}".rstrip()]
    for what, cells in table:
        if cells is None:
            line = "no career gets here"
        else:
            line = "  ".join(f"{x:<{w}}" for x, w in zip(cells, widths, strict=True))
        lines.append(f"  {what:<{width}}  {line}".rstrip())
    return "\n".join(lines) + "\n"


def as_json(story: Story, ranges: Ranges) -> dict[str, Any]:
    """`{"kind": "bound", "chapters": {...}, "endings": {...}}`; each entry has `stats` (id ->
    [low, high]) and `flags` (id -> "true", "false" or "either"), or is null where no career can be."""

    def entry(bounds: Bounds | None) -> dict[str, Any] | None:
        if bounds is None:
            return None
        return {"stats": {k: list(v) for k, v in bounds.stats.items()}, "flags": dict(bounds.flags)}

    chapters = {cid: entry(ranges.bounds_of(sids)) for cid, sids in chapter_scenes(story, ranges).items()}
    endings = {scene.id: entry(ranges.bounds(scene.id)) for scene in story.endings}
    return {"kind": "bound", "chapters": chapters, "endings": endings}
