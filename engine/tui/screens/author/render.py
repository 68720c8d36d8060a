"""The chapter map in words and symbols: a scene's line, a layer's heading, a scene's details.

Symbols carry every mark (never colour alone), so the map reads the same in any theme and on a
terminal without colour. Everything comes from engine/author/chapter_map.py; nothing here
decides anything about the story.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from engine.author.chapter_map import CURRENT, ENDING, ROUTER, VISITED, Exit, MapScene

MARKS = {CURRENT: "▶", VISITED: "✓"}
KIND_MARKS = {ENDING: " ◆", ROUTER: " ⇢"}
LEGEND = "▶ here  ✓ visited  · not yet  ◆ ending  ⇢ passes on"


def scene_line(scene: MapScene) -> Text:
    """One scene on the map: its mark, its title, and what kind of scene it is."""
    mark = MARKS.get(scene.status, "·")
    style = "bold" if scene.status == CURRENT else "" if scene.status == VISITED else "dim"
    line = Text.assemble((f"{mark} ", style), (scene.title, style))
    if scene.status == CURRENT:
        line.append("  (here)", style="bold")
    if scene.visits > 1:
        line.append(f" ×{scene.visits}", style="dim")
    line.append(KIND_MARKS.get(scene.kind, ""))
    return line


def layer_heading(depth: int | None) -> Text:
    if depth is None:
        words = "no way in from this chapter"
    elif depth == 0:
        words = "entered here"
    else:
        words = f"{depth} step{'s' * (depth != 1)} in"
    return Text(f"── {words} ──", style="dim italic")


def scene_details(scene: MapScene) -> Group:
    """Everything the map knows about one scene, for the pane beside it."""
    head = Text()
    head.append(scene.title, style="bold")
    head.append(f"\n{scene.id} · {scene.where}", style="dim")
    if scene.status == CURRENT:
        status = f"▶ you are here (visit {scene.visits})"
    elif scene.status == VISITED:
        status = f"✓ visited {'once' if scene.visits == 1 else f'{scene.visits} times'}"
    else:
        status = "· not visited yet"
    head.append(f"\n{status}")
    if scene.ending:
        head.append(f"\n◆ Ending: {scene.ending}")
    if scene.kind == ROUTER:
        head.append("\n⇢ No text: play passes on by the first branch that holds.")
    if scene.detour:
        head.append("\nInside a detour: its `return` goes back to the scene that called it.")
    if scene.entered_from:
        head.append(f"\nEntered from: {', '.join(scene.entered_from)}")
    if scene.effects:
        head.append(f"\nOn arrival: {', '.join(scene.effects)}")
    parts: list[Text | Table] = [head]
    if scene.exits:
        parts.append(Text("\nWays out", style="bold"))
        ways = Table.grid(padding=(0, 1))
        ways.add_column(no_wrap=True)
        ways.add_column(ratio=1)
        for number, exit_ in enumerate(scene.exits, 1):
            ways.add_row(Text(f"{number}.", style="bold"), exit_text(exit_))
        parts.append(ways)
    return Group(*parts)


def exit_text(exit_: Exit) -> Text:
    """A way out: its words, its condition and whether it holds now, its chance, where it leads."""
    text = Text(exit_.label)
    if exit_.condition is not None:
        verdict = "holds now" if exit_.holds else "fails now"
        if exit_.hidden and not exit_.holds:
            verdict += ", so it is hidden"
        text.append(f"\nif {exit_.condition}", style="italic")
        text.append(f" ({verdict})", style="" if exit_.holds else "dim")
    if exit_.offer is not None:
        text.append(f"\n{exit_.offer}", style="dim")
    if exit_.chance is not None:
        text.append(f"\nchance {exit_.chance}", style="italic")
    for way in exit_.ways:
        text.append(f"\n{way.when + ' ' if way.when else ''}→ {way.words}")
    if exit_.graft is not None:
        text.append(f"\ngrafted on by {exit_.graft}", style="dim")
    return text
