"""Which of a scene's choices are offered now: the one rule, for the view, the fast path and
the author tools.

A choice is *gone* once taken when it is `once: true` (sticky choices, the default, stay).
Of the rest, one whose `if` holds is open; one whose `if` fails is shown locked when the
author asked (`locked: true`), else hidden. A `fallback: true` choice is offered only when no
other choice is open: when every other one is gone or locked. Session.choices,
Session.open_choices, Session's check of a choice made and the author tools all come here, so a
career played through any of them takes the same steps.
"""

from __future__ import annotations

from engine.core.model import Choice, Scene
from engine.play.state import GameState


def taken_key(scene: Scene, choice: Choice) -> str:
    """How `GameState.taken` names a choice: "scene_id/choice_id"."""
    return f"{scene.id}/{choice.id}"


def gone(scene: Scene, choice: Choice, state: GameState) -> bool:
    """A once-only choice already taken: not offered again, not even locked."""
    return choice.once and bool(state.taken) and taken_key(scene, choice) in state.taken


def unlocked(choice: Choice, state: GameState) -> bool:
    """Whether a choice's `if` holds (a choice without one always does)."""
    condition = choice.condition
    return condition is None or bool(condition.fn(state))


def open_ids(scene: Scene, state: GameState) -> tuple[str, ...]:
    """The ids of the choices open now, in order: `offered`'s open ones, for the fast path."""
    if scene.plain_choices:
        return tuple(c.id for c in scene.choices if c.condition is None or c.condition.fn(state))
    return tuple(c.id for c, is_open in offered(scene, state) if is_open)


def offered(scene: Scene, state: GameState) -> list[tuple[Choice, bool]]:
    """The choices to show, in the order written, each with whether it is open (else locked)."""
    shown: list[tuple[Choice, bool]] = []
    if scene.plain_choices:  # the usual scene: each choice's `if` alone decides
        for choice in scene.choices:
            condition = choice.condition
            if condition is None or condition.fn(state):
                shown.append((choice, True))
            elif choice.show_locked:
                shown.append((choice, False))
        return shown
    fallbacks = False
    any_open = False
    for choice in scene.choices:
        if choice.fallback:
            fallbacks = True
            continue
        if choice.once and gone(scene, choice, state):
            continue
        is_open = unlocked(choice, state)
        any_open = any_open or is_open
        if is_open or choice.show_locked:
            shown.append((choice, is_open))
    if not fallbacks or any_open:
        return shown
    at = {c.id: open_ for c, open_ in shown}
    # A fallback has no `if` (the loader refuses one): when it shows, it is open.
    return [
        (c, at[c.id] if not c.fallback else True)
        for c in scene.choices
        if c.id in at or (c.fallback and not gone(scene, c, state))
    ]


def is_open(scene: Scene, choice: Choice, state: GameState) -> bool:
    """Whether `choice` can be made now: `offered`'s rule for one choice. The usual choice (not
    a fallback, not once-only) costs one condition, as the simulator's step needs."""
    if choice.once or choice.fallback:
        if choice.once and gone(scene, choice, state):
            return False
        if choice.fallback:
            return not any(is_open(scene, c, state) for c in scene.choices if not c.fallback)
    condition = choice.condition
    return condition is None or bool(condition.fn(state))
