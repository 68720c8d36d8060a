"""Walks over a story's parts: every condition, expression and effect, wherever it is written.

The checks, the metrics and the author tools all need "every X in the story"; the knowledge of
where an X can be written lives here once.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.model import Effect, Expr, Scene, Story
from engine.core.template import Template


def conditions(scene: Scene) -> Iterator[Expr]:
    """The `if`s of a scene's choices and of its `next` branches."""
    for choice in scene.choices:
        if choice.condition is not None:
            yield choice.condition
    for branch in scene.next:
        if branch.condition is not None:
            yield branch.condition


def decisions(scene: Scene) -> Iterator[Expr]:
    """What decides where a scene goes: its conditions and its chances."""
    yield from conditions(scene)
    for choice in scene.choices:
        if choice.chance is not None:
            yield choice.chance.expr


def effects(story: Story) -> Iterator[Effect]:
    for scene in story.scenes.values():
        yield from scene_effects(scene)


def scene_effects(scene: Scene) -> Iterator[Effect]:
    """The effects of a scene, its choices and both sides of their chances."""
    yield from scene.effects
    for choice in scene.choices:
        yield from choice.effects
        if choice.chance is not None:
            yield from choice.chance.success.effects
            yield from choice.chance.failure.effects


def scene_expressions(scene: Scene) -> Iterator[Expr]:
    """Every compiled expression of one scene, wherever in it it is written."""
    yield from decisions(scene)
    for template in (scene.text, scene.revisit, scene.milestone):
        if template is not None:
            yield from template.expressions
    for choice in scene.choices:
        for template in (choice.text, choice.milestone):
            if template is not None:
                yield from template.expressions
        if choice.chance is not None:
            for side in (choice.chance.success, choice.chance.failure):
                for template in (side.text, side.milestone):
                    if template is not None:
                        yield from template.expressions
    for effect in scene_effects(scene):
        if isinstance(effect.amount, Expr):
            yield effect.amount


def templates(story: Story) -> Iterator[tuple[Scene, Template]]:
    """Every text of the story with the scene it belongs to: scene texts, revisits, milestones,
    choice texts, and the texts of chance outcomes."""
    for scene in story.scenes.values():
        for template in (scene.text, scene.revisit, scene.milestone):
            if template is not None:
                yield scene, template
        for choice in scene.choices:
            for template in (choice.text, choice.milestone):
                if template is not None:
                    yield scene, template
            if choice.chance is not None:
                for side in (choice.chance.success, choice.chance.failure):
                    for template in (side.text, side.milestone):
                        if template is not None:
                            yield scene, template


def expressions(story: Story) -> Iterator[Expr]:
    """Every compiled expression: conditions, chances, effect amounts, those in texts, and the
    cast's (the People view reads these too)."""
    for scene in story.scenes.values():
        yield from scene_expressions(scene)
    for person in story.cast:
        if person.condition is not None:
            yield person.condition
        if person.about is not None:
            yield from person.about.expressions
