"""Warp: go to any scene with the stats and flags an author chooses, to try it without playing up
to it (what Ren'Py authors do with `warp`).

A warp enters the scene the way a `goto` would: it counts a visit, applies the scene's own
effects and milestone, and a scene without text passes straight on by its first branch that
holds. The career's visits, turn, milestones and dice carry over, so `visited()` conditions read
as they would have. A detour's `return` must have somewhere to go back to: warping into one
makes the scene you warped from its caller, so its `return` brings you back there; from inside a
detour it returns where that detour would have; from an ending (nowhere to come back to) it
returns as after the story's own first `call` into that detour. A warped run starts its own
journal and undo: it does not replay from the start, which is why the app never saves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.author.chapter_map import effect_words
from engine.author.graph import StoryGraph, detour_scenes, routes
from engine.core.errors import PointeEdgeError
from engine.core.model import Stat, Story
from engine.play.session import Session

MAX_DIGITS = 18  # far beyond any stat range; stops a pasted novel from becoming a huge int


class WarpError(PointeEdgeError, ValueError):
    """A warp that cannot be made: an unknown scene, stat or flag, or a value out of range."""


def stat_value(stat: Stat, text: str) -> int | str:
    """The value an author typed for a stat, or what is wrong with it, in words."""
    raw = text.strip().replace("\u2212", "-")  # a typographic minus pasted from a document
    digits = raw[1:] if raw[:1] in "+-" else raw
    span = f"from {stat.min} to {stat.max}"
    if not digits or not digits.isascii() or not digits.isdigit():
        return f"{stat.label} must be a whole number {span}"
    if len(digits) > MAX_DIGITS:
        return f"{stat.label} must be {span}"
    value = int(raw)
    if not stat.min <= value <= stat.max:
        return f"{stat.label} must be {span} (not {value})"
    return value


# How a warp into a detour finds the call its `return` goes back to.
HERE, OUTER, STORY = "here", "outer", "story"


@dataclass(frozen=True, slots=True)
class Arrival:
    """What warping to a scene will do, told before the author warps."""

    scene: str
    effects: tuple[str, ...]  # the scene's own effects, applied on arrival
    router: bool  # passes straight on by its branches
    ending: bool
    caller: str | None  # for a scene inside a detour: the scene standing as the one that called it
    after: str | None = None  # where its `return` goes on (None: back to `caller` itself)
    called: str | None = None  # HERE: from where play is | OUTER: as the detour play is in returns |
    # STORY: from an ending there is nowhere to come back to, so by a `call` the story makes

    @property
    def returns_to(self) -> str | None:
        """The scene play comes back to when the detour returns."""
        return self.after or self.caller


def arrival(session: Session, scene_id: str) -> Arrival:
    """What a warp from where `session` is now to `scene_id` would do."""
    story = session.story
    scene = story.scenes.get(scene_id)
    if scene is None:
        raise WarpError(f"there is no scene “{scene_id}” in this story")
    caller: str | None = None
    after: str | None = None
    called: str | None = None
    if scene_id in detour_scenes(story):
        if session.state.stack:
            (caller, after, _), called = session.state.stack[-1], OUTER
        elif session.scene.ending is None:
            caller, called = session.scene.id, HERE
        else:
            found = story_call(story, scene_id)
            if found is not None:
                (caller, after), called = found, STORY
    return Arrival(
        scene_id,
        tuple(effect_words(e) for e in scene.effects),
        scene.is_router,
        scene.ending is not None,
        caller,
        after,
        called,
    )


def story_call(story: Story, scene_id: str) -> tuple[str, str | None] | None:
    """The first `call` in the story whose detour holds `scene_id`: (the calling scene, its `after`)."""
    graph = StoryGraph(story)
    inside: dict[str, set[str]] = {}
    for sid, scene in story.scenes.items():
        for route in routes(scene):
            target = route.target
            if route.kind != "call" or target is None or target not in story.scenes:
                continue
            if target not in inside:
                inside[target] = graph.reachable([target], into_calls=False)
            if scene_id in inside[target]:
                return sid, route.after
    return None


def warp(session: Session, scene_id: str, stats: Mapping[str, int], flags: Mapping[str, bool]) -> Session:
    """A new session at `scene_id`, arriving with these stats and flags (the others as they are)."""
    story = session.story
    plan = arrival(session, scene_id)
    _check(story, stats, flags)
    state = session.state.copy()
    state.stats.update(stats)
    state.flags.update(flags)
    if plan.called != OUTER:  # inside a detour already, its stack stays: the return goes where it went
        # A warp is no `call`: the detour reads as struck for the first time (`strikes` 1).
        state.stack = [(plan.caller, plan.after, 1)] if plan.caller is not None else []
    warped = Session(story, session.seed, state=state, rolls=session.rolls)
    warped.enter(scene_id)
    return warped


def _check(story: Story, stats: Mapping[str, int], flags: Mapping[str, bool]) -> None:
    known = {s.id: s for s in story.stats}
    for sid, value in stats.items():
        stat = known.get(sid)
        if stat is None:
            raise WarpError(f"there is no stat “{sid}” in this story")
        if type(value) is not int or not stat.min <= value <= stat.max:
            raise WarpError(f"{stat.label} must be a whole number from {stat.min} to {stat.max}")
    names = {f.id for f in story.flags}
    for fid, value in flags.items():
        if fid not in names:
            raise WarpError(f"there is no flag “{fid}” in this story")
        if type(value) is not bool:
            raise WarpError(f"the flag “{fid}” must be true or false")
