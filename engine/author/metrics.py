"""Figures about a story's content: words of prose, endings, what each stat decides.

Words are counted in scene text only, as an author would count them: the literal prose plus
the words of every fragment an interpolation can choose (`{if x then "..." else "..."}`).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.author import walk
from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.model import Scene, Story
from engine.core.template import Template


def strings_in(tree: ex.Node) -> Iterator[str]:
    """Every text literal in an expression tree, in the order written."""
    for node in ex.walk(tree):
        if isinstance(node, ex.Str):
            yield node.value


def template_words(template: Template | None) -> int:
    if template is None:
        return 0
    count = 0
    for _, value in tpl.walk_pieces(template.paragraphs):  # every fragment of a variation too
        if isinstance(value, str):
            count += len(value.split())
        else:
            count += sum(len(s.split()) for s in strings_in(value.tree))
    return count


def scene_words(scene: Scene) -> int:
    return template_words(scene.text) + template_words(scene.revisit)


def story_words(story: Story) -> int:
    return sum(scene_words(s) for s in story.scenes.values())


def stat_deciders(story: Story) -> dict[str, int]:
    """How many conditions and chances read each stat (text interpolations do not count)."""
    counts = {s.id: 0 for s in story.stats}
    for scene in story.scenes.values():
        for e in walk.decisions(scene):
            for name in set(ex.names_in(e.tree)):
                if name in counts:
                    counts[name] += 1
    return counts
