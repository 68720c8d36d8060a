"""Figures about a story's content: words of prose, endings, what each stat decides.

Words are counted in scene text only, as an author would count them: the literal prose plus
the words of every fragment an interpolation can choose (`{if x then "..." else "..."}`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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


# -- what the careers standard measures (../shared/design/careers-standard.md) ------------------


def outcome_words(story: Story) -> dict[tuple[str, str], tuple[int, int]]:
    """The words of each chance's success and failure texts, by (scene, choice)."""
    return {
        (sid, c.id): (template_words(c.chance.success.text), template_words(c.chance.failure.text))
        for sid, scene in story.scenes.items()
        for c in scene.choices
        if c.chance is not None
    }


def shown_text_words(story: Story) -> int:
    """All the text a player can be shown as prose: every scene's text and every roll's outcomes.

    The whole of which one career shows a share (`simulate`); choice labels are left out, as
    they are in `scene_words`.
    """
    return story_words(story) + sum(a + b for a, b in outcome_words(story).values())


def _destinations(scene: Scene) -> set[str]:
    """Where each of a scene's choices sends play next (a detour's first scene for a `call`)."""
    out: set[str] = set()
    for choice in scene.choices:
        routes = [choice.route] if choice.route is not None else []
        if choice.chance is not None:
            routes += [choice.chance.success.route, choice.chance.failure.route]
        for route in routes:
            out.add("return" if route.kind == "return" else route.target or "?")
    return out


def same_next_scenes(story: Story) -> tuple[int, int]:
    """(scenes whose choices all lead to one same scene, scenes with two choices or more).

    A static figure: the careers standard wants at most 35% of choice scenes to be a choice of
    words only, with every option going on to the same scene.
    """
    choice_scenes = [s for s in story.scenes.values() if len(s.choices) >= 2]
    return sum(len(_destinations(s)) == 1 for s in choice_scenes), len(choice_scenes)


@dataclass(frozen=True, slots=True)
class StoryFigures:
    """The careers standard's static figures for one story: what `check --stats` prints.

    The figures that need careers played (words in a median career, the share of the text one
    career shows, ending shares) are `simulate`'s; these need only the story.
    """

    scenes: int
    chapters: int
    endings: int
    words: int  # every scene text and roll outcome a player can be shown (`shown_text_words`)
    funnels: int  # choice scenes whose options all lead to one same scene ...
    choice_scenes: int  # ... of the scenes with two choices or more

    @property
    def funnel_share(self) -> float:
        return self.funnels / self.choice_scenes if self.choice_scenes else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "scenes": self.scenes,
            "chapters": self.chapters,
            "endings": self.endings,
            "words": self.words,
            "same_next": {
                "scenes": self.funnels,
                "choice_scenes": self.choice_scenes,
                "share": round(self.funnel_share, 4),
            },
        }


def figures(story: Story) -> StoryFigures:
    funnels, choice_scenes = same_next_scenes(story)
    return StoryFigures(
        len(story.scenes),
        len(story.chapters),
        len(story.endings),
        shown_text_words(story),
        funnels,
        choice_scenes,
    )
