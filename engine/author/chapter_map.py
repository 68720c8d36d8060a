"""The map of one chapter, for the author view: where the career is, where it has been, and
every way out of every scene with its condition.

Scenes are laid out in layers by their distance from where the chapter is entered (the story's
start, or a scene another chapter leads to), so the map reads in the order play meets them
rather than the order of the file. Each scene says whether it is where play is now, visited, or
not visited yet, and whether it is an ending or a scene that passes straight on. Conditions are
shown as written, with whether each holds in the current state, which is what an author checks
before warping somewhere to try it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from engine.author.graph import StoryGraph, chapter_order, detour_scenes, reach_order
from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.model import CHANCE_MAX, CHANCE_MIN, Choice, Effect, Expr, Route, Scene, Story
from engine.play import offer
from engine.play.state import GameState

CURRENT, VISITED, UNVISITED = "current", "visited", "unvisited"
SCENE, ROUTER, ENDING = "scene", "router", "ending"


@dataclass(frozen=True, slots=True)
class Way:
    """One route out of a scene, in words: where it goes, and on which side of a roll."""

    when: str | None  # "on success", "on failure", or None
    kind: str  # goto | call | return
    target: str | None  # the scene it leads to (for a call, the detour)
    words: str  # "The Walk Home (after_session)", "detour to Ice and Tape (setback.ankle), then back here"


@dataclass(frozen=True, slots=True)
class Exit:
    """A choice, or a branch of `next`, with its condition and where it leads."""

    label: str  # the choice's text as it reads now, "Continue", or "passes on"
    condition: str | None  # as written
    holds: bool | None  # whether the condition holds now (None without one)
    hidden: bool  # a choice hidden (not shown locked) while its condition fails
    chance: str | None  # "technique + 20: 60% now"
    ways: tuple[Way, ...]
    graft: str | None = None  # the file that grafted this choice onto the scene
    offer: str | None = None  # for a once-only or fallback choice, whether play offers it now


@dataclass(frozen=True, slots=True)
class MapScene:
    id: str
    title: str
    status: str  # current | visited | unvisited
    kind: str  # scene | router | ending
    depth: int | None  # steps from the chapter's entry; None when no path leads here in the chapter
    entered_from: tuple[str, ...]  # scenes of other chapters that lead here
    visits: int
    where: str  # file:line
    effects: tuple[str, ...]  # the scene's own effects, as written: "stamina -5"
    exits: tuple[Exit, ...]
    ending: str | None  # "Fourth by a Point (bittersweet)"
    detour: bool  # inside a detour: it is reached by a `call` and ends in a `return`


@dataclass(frozen=True, slots=True)
class ChapterMap:
    chapter: str
    title: str
    phase: str
    number: int  # 1-based, in the order of `chapter_order`
    count: int  # how many chapters the story has
    layers: tuple[tuple[MapScene, ...], ...]  # layers[d]: the scenes d steps from an entry
    elsewhere: tuple[MapScene, ...]  # scenes no path inside the chapter leads to

    @property
    def scenes(self) -> tuple[MapScene, ...]:
        """Every scene of the chapter, in map order."""
        return (*(s for layer in self.layers for s in layer), *self.elsewhere)

    def find(self, scene_id: str) -> MapScene | None:
        return next((s for s in self.scenes if s.id == scene_id), None)


def chapter_map(
    story: Story, chapter: str, state: GameState, *, graph: StoryGraph | None = None
) -> ChapterMap:
    """The map of `chapter`, marked with where `state` is and has been."""
    graph = graph or StoryGraph(story)
    reach = reach_order(story, graph)
    order = chapter_order(story, graph)
    info = story.chapters[chapter]
    members = [sid for sid, s in story.scenes.items() if s.chapter == chapter]
    inside = set(members)
    entered_from = _entered_from(story, graph, chapter, inside)
    # The first scene play reaches in the chapter leads; other ways in count from themselves.
    first = next((sid for sid in reach if sid in inside), members[0] if members else None)
    seeds = [first] if first is not None else []
    seeds += [sid for sid in members if sid in entered_from or sid == story.start]
    depth = _depths(graph, seeds, inside)
    detours = detour_scenes(story, graph)
    placed = {
        sid: _scene(
            story, story.scenes[sid], state, depth.get(sid), entered_from.get(sid, ()), sid in detours
        )
        for sid in members
    }
    deepest = max(depth.values(), default=-1)
    layers = tuple(tuple(placed[sid] for sid in members if depth.get(sid) == d) for d in range(deepest + 1))
    elsewhere = tuple(placed[sid] for sid in members if sid not in depth)
    return ChapterMap(
        chapter, info.title, info.phase, order.index(chapter) + 1, len(order), layers, elsewhere
    )


def _entered_from(
    story: Story, graph: StoryGraph, chapter: str, inside: set[str]
) -> dict[str, tuple[str, ...]]:
    """The chapter's ways in: each scene that another chapter leads to, with the scenes that lead there."""
    found: dict[str, list[str]] = {}
    for sid, scene in story.scenes.items():
        if scene.chapter != chapter:
            for target in graph.successors(sid):
                if target in inside and sid not in found.setdefault(target, []):
                    found[target].append(sid)
    return {sid: tuple(found[sid]) for sid in story.scenes if sid in found}


def _depths(graph: StoryGraph, seeds: Sequence[str], inside: set[str]) -> dict[str, int]:
    """Breadth-first distances inside the chapter; each seed not yet reached starts again at 0."""
    depth: dict[str, int] = {}
    for seed in seeds:
        if seed in depth:
            continue
        depth[seed] = 0
        queue = deque([seed])
        while queue:
            sid = queue.popleft()
            for nxt in graph.successors(sid):
                if nxt in inside and nxt not in depth:
                    depth[nxt] = depth[sid] + 1
                    queue.append(nxt)
    return depth


def _scene(
    story: Story,
    scene: Scene,
    state: GameState,
    depth: int | None,
    entered_from: tuple[str, ...],
    detour: bool,
) -> MapScene:
    visits = state.visits.get(scene.id, 0)
    status = CURRENT if scene.id == state.scene else VISITED if visits else UNVISITED
    kind = ENDING if scene.ending is not None else ROUTER if scene.is_router else SCENE
    ending = None
    if scene.ending is not None:
        ending = f"{scene.ending.title} ({scene.ending.tone.replace('_', ' ')})"
    return MapScene(
        id=scene.id,
        title=scene.title,
        status=status,
        kind=kind,
        depth=depth,
        entered_from=entered_from,
        visits=visits,
        where=f"{scene.pos.file}:{scene.pos.line}",
        effects=tuple(effect_words(e) for e in scene.effects),
        exits=_exits(story, scene, state),
        ending=ending,
        detour=detour,
    )


def _offer(scene: Scene, choice: Choice, state: GameState) -> str | None:
    """How the game's offer rule (engine/play/offer.py) treats a once-only or fallback choice."""
    if choice.once and offer.gone(scene, choice, state):
        return "once-only: taken, so no longer offered"
    if choice.fallback:
        verdict = (
            "offered now" if offer.is_open(scene, choice, state) else "not offered while another is open"
        )
        return f"fallback: {verdict}"
    return "once-only: offered until taken" if choice.once else None


def _exits(story: Story, scene: Scene, state: GameState) -> tuple[Exit, ...]:
    exits: list[Exit] = []
    for choice in scene.choices:
        cond = choice.condition
        holds = None if cond is None else bool(cond.fn(state))
        label = tpl.to_plain(choice.text.render(state))
        ways: tuple[Way, ...]
        if choice.chance is not None:
            percent = ex.round_half_away(cast(float, choice.chance.expr.fn(state)))  # checked at load
            percent = min(CHANCE_MAX, max(CHANCE_MIN, percent))
            chance = f"{choice.chance.expr.source}: {percent}% now"
            ways = (
                _way(story, scene, choice.chance.success.route, "on success"),
                _way(story, scene, choice.chance.failure.route, "on failure"),
            )
        else:
            assert choice.route is not None
            chance, ways = None, (_way(story, scene, choice.route, None),)
        hidden = cond is not None and not choice.show_locked
        exits.append(
            Exit(
                label,
                cond.source if cond else None,
                holds,
                hidden,
                chance,
                ways,
                choice.graft,
                _offer(scene, choice, state),
            )
        )
    for branch in scene.next:
        cond = branch.condition
        label = "passes on" if scene.is_router else scene.continue_label
        holds = None if cond is None else bool(cond.fn(state))
        exits.append(
            Exit(
                label,
                cond.source if cond else None,
                holds,
                False,
                None,
                (_way(story, scene, branch.route, None),),
            )
        )
    return tuple(exits)


def _way(story: Story, scene: Scene, route: Route, when: str | None) -> Way:
    if route.kind == "return":
        return Way(when, "return", None, "back from the detour to the scene that called it")
    assert route.target is not None
    target = _name(story, scene, route.target)
    if route.kind == "call":
        then = "then back here" if route.after is None else f"then {_name(story, scene, route.after)}"
        return Way(when, "call", route.target, f"detour to {target}, {then}")
    return Way(when, "goto", route.target, target)


def _name(story: Story, here: Scene, scene_id: str) -> str:
    """A scene's title with its id, short inside the same chapter: "The Walk Home (after_session)"."""
    scene = story.scenes.get(scene_id)
    if scene is None:
        return scene_id
    short = scene_id.split(".", 1)[1] if scene.chapter == here.chapter else scene_id
    return f"{scene.title} ({short})"


def effect_words(effect: Effect) -> str:
    """An effect as an author writes it: "technique +6", "stamina =60", "set sore_ankle"."""
    if effect.op == "flag":
        return f"{'set' if effect.value else 'clear'} {effect.target}"
    amount = effect.amount
    sign = {"add": "", "set": "=", "fair": "%"}[effect.op]
    if isinstance(amount, Expr):
        negative = isinstance(amount.tree, ex.Neg)
        body = amount.source if amount.source.startswith("(") else f"({amount.source})"
        text = ("" if effect.op == "set" else "-" if negative else "+") + body
    elif effect.op == "set":
        text = f"{amount:g}" if isinstance(amount, float) else str(amount)
    else:
        text = f"{amount:+g}" if isinstance(amount, float) else f"{amount:+d}"
    return f"{effect.target} {sign}{text}"
