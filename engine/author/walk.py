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
        yield from scene.effects
        for choice in scene.choices:
            yield from choice.effects
            if choice.chance is not None:
                yield from choice.chance.success.effects
                yield from choice.chance.failure.effects


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
    """Every compiled expression: conditions, chances, effect amounts, and those in texts."""
    for scene in story.scenes.values():
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
    for effect in effects(story):
        if isinstance(effect.amount, Expr):
            yield effect.amount
