"""Stat ranges: the values each stat and flag can have at each scene, proven over every path.

The domain (what a state is, and how one effect or condition acts on it) is in
engine/author/ranges/domain.py; this module runs it over the story to a fixpoint.

This is abstract interpretation over intervals. Every scene gets one abstract state: for each
stat an interval [low, high], for each flag whether it can be false and whether it can be
true. The state at the start is exact; effects, conditions and routes are applied to whole
intervals; where two paths meet, their states are joined. The result is a sound
over-approximation: whatever a real career holds at a scene lies inside that scene's state,
so the bounds are proofs ("Technique is at most 72 here"), although the real extremes may be
narrower. Whatever the analysis calls impossible ("this choice can never be open") can never
happen in play; what it calls possible merely might.

What keeps it sound:

- Effects mirror `Session._apply` exactly: clamping to the stat's range after each effect,
  rounding halves away from zero, fairmath from its endpoints (monotone for a constant amount;
  for an expression amount, bilinear, so the corners bound it, widened by a hair against float
  rounding). An expression is evaluated with interval arithmetic over its tree.
- A condition narrows the state on the edge it guards (`technique >= 60` leaves Technique at
  60 or more there), and a `next` branch is taken only where the branches above it failed.
  Narrowing works backwards through `+`, `-` and unary minus to the stats they read; anything
  else is not narrowed, which loses precision, never soundness.
- Detours: a `call` enters the detour with the caller's state, and a `return` hands its state
  back to the call on top of the detour stack (to `after`, or to the calling scene itself,
  without re-applying its effects). Scenes are solved once per detour stack (its top frames),
  so a detour taken from two places does not mix their stats.
- `visits()`, `visited()` and `turn()` are unknown: any count, either answer.
- `caller_scene`, `caller_chapter`, `caller_phase` and `strikes` read the top frame of the
  context a node is solved in (the domain's `caller`), so they are exact per caller.
- Loops: once a scene on a loop has been worked through `WIDEN_AFTER` times, any bound still
  moving jumps to the stat's own limit (every stat stays within its range, so that limit is itself a proof).

The analysis runs for `check` (see engine/author/check.py), not when a story is loaded for play.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from engine.author.graph import StoryGraph, strong_components
from engine.author.ranges.domain import Bounds, Domain, State, join, join_all
from engine.core.model import Expr, Route, Scene, Story

WIDEN_AFTER = 8  # passes through one scene before its moving bounds jump to the stat's limits


# -- the fixpoint over the story ----------------------------------------------------------------

Frame = tuple[str, str | None]  # a detour's caller, and where play continues when it returns
Context = tuple[Frame, ...]  # the detour stack, innermost last (only its top MAX_CONTEXT frames)
Node = tuple[str, Context]
MAX_CONTEXT = 4


class Ranges:
    """The proven state at every scene of a story, as play rests there (after its effects).

    Detours are told apart by who called them: each scene is solved once for each detour stack
    it can be reached with (its top `MAX_CONTEXT` frames), so a setback taken early in a career
    hands back an early career's stats, not a late one's. `state[sid]` joins them: what holds at
    the scene however it was reached. A scene missing from `state` is one no career can reach
    with any stats the story can produce.
    """

    def __init__(self, story: Story, graph: StoryGraph | None = None):
        self.story = story
        self.domain = Domain(story)
        self.graph = graph if graph is not None else StoryGraph(story)
        self.nodes: dict[Node, State] = {}
        self.state: dict[str, State] = {}
        self.opened: set[int] = set()  # id() of each choice open for some stack it is reached with
        self.callers: dict[str, frozenset[str]] = {}  # who called the detour each scene is in ("": none)
        if story.start in story.scenes:
            self._solve()
            callers: dict[str, set[str]] = {}
            for (sid, ctx), st in self.nodes.items():
                self.state[sid] = join(self.state.get(sid), st)  # type: ignore[assignment]
                callers.setdefault(sid, set()).add(_caller(ctx))
            self.callers = {sid: frozenset(c) for sid, c in callers.items()}

    def bounds(self, sid: str) -> Bounds | None:
        st = self.state.get(sid)
        return None if st is None else self.domain.bounds(st)

    def bounds_of(self, sids: Iterable[str]) -> Bounds | None:
        """Bounds that hold at every one of the given scenes (their join)."""
        st: State | None = None
        for sid in sids:
            st = join(st, self.state.get(sid))
        return None if st is None else self.domain.bounds(st)

    # -- what happens at a scene ---------------------------------------------------------------

    def branches(self, scene: Scene, st: State) -> list[State | None]:
        """For each `next` branch, the state where it is taken (earlier ones having failed)."""
        out: list[State | None] = []
        failing: State | None = st
        refine = self.domain.refine
        for branch in scene.next:
            if failing is None:
                out.append(None)
            elif branch.condition is None:
                out.append(failing)
                failing = None
            else:
                tree = branch.condition.tree
                out.append(refine(failing, tree, True))
                failing = refine(failing, tree, False)
        return out

    def open_state(self, condition: Expr | None, st: State) -> State | None:
        """The state where a choice with this condition is open."""
        return st if condition is None else self.domain.refine(st, condition.tree, True)

    # -- solving -----------------------------------------------------------------------------

    def _solve(self) -> None:
        story, d = self.story, self.domain
        scenes = story.scenes
        self._order, self._looped = _shape(story, self.graph)
        self._queue: list[tuple[int, int, int, Node]] = []  # (order, stack depth, tie, node)
        self._queued: set[Node] = set()
        self._pushed = 0
        self._passes: dict[Node, int] = {}  # times each node was worked through
        self._inbox: dict[Node, list[State]] = {}  # states arrived since a node was last worked
        self._rerun: set[Node] = set()  # nodes to work through again though nothing arrived
        # Who entered each detour stack: a `return` with that stack goes back to each of them.
        self._callers: dict[Context, set[tuple[Frame, Context]]] = {}
        self._returned: dict[Context, list[Node]] = {}  # returning nodes seen, by their stack
        self._enter(story.start, (), d.initial())
        while self._queue:
            node = heapq.heappop(self._queue)[3]
            self._queued.discard(node)
            d.caller = frozenset((_caller(node[1]),))
            st = self._take(node)
            if st is None:
                continue
            scene = scenes[node[0]]
            if scene.ending is not None:
                continue
            if scene.next:
                for branch, taken in zip(scene.next, self.branches(scene, st), strict=True):
                    if taken is not None:
                        self._follow(branch.route, taken, node)
                continue
            for choice in scene.choices:
                here = st if choice.condition is None else d.refine(st, choice.condition.tree, True)
                if here is None:
                    continue
                self.opened.add(id(choice))
                if choice.effects:
                    here = d.apply(choice.effects, here)
                if choice.chance is not None:
                    for side in (choice.chance.success, choice.chance.failure):
                        self._follow(side.route, d.apply(side.effects, here), node)
                elif choice.route is not None:
                    self._follow(choice.route, here, node)
        d.caller = None  # from here on (over states joined across callers) any caller

    def _take(self, node: Node) -> State | None:
        """The node's state with what arrived joined in; None when there is nothing new to do."""
        arrived = self._inbox.pop(node, ())
        old = self.nodes.get(node)
        new = join_all(old, arrived)
        assert new is not None
        if new == old and node not in self._rerun:
            return None
        self._rerun.discard(node)
        passes = self._passes.get(node, 0)
        if old is not None and passes >= WIDEN_AFTER and node[0] in self._looped:
            new = self.domain.widen(old, new)
        self._passes[node] = passes + 1
        self.nodes[node] = new
        return new

    def _merge(self, node: Node, st: State) -> None:
        self._inbox.setdefault(node, []).append(st)
        self._queue_up(node)

    def _queue_up(self, node: Node) -> None:
        if node not in self._queued:
            self._queued.add(node)
            self._pushed += 1
            heapq.heappush(
                self._queue, (self._order.get(node[0], len(self._order)), len(node[1]), self._pushed, node)
            )

    def _enter(self, sid: str, ctx: Context, st: State) -> None:
        effects = self.story.scenes[sid].effects
        if effects:
            d = self.domain
            working_in, d.caller = d.caller, frozenset((_caller(ctx),))  # the effects run inside `ctx`
            st = d.apply(effects, st)
            d.caller = working_in
        self._merge((sid, ctx), st)

    def _follow(self, route: Route, st: State, node: Node) -> None:
        scenes = self.story.scenes
        here, ctx = node
        target = route.target
        if route.kind == "goto":
            if target is not None and target in scenes:
                self._enter(target, ctx, st)
            return
        if route.kind == "call":
            if target is None or target not in scenes:
                return
            frame = (here, route.after)
            inner = (*ctx, frame)[-MAX_CONTEXT:]
            callers = self._callers.setdefault(inner, set())
            if (frame, ctx) not in callers:
                callers.add((frame, ctx))
                for returning in self._returned.get(inner, ()):  # returns already seen come back here too
                    self._push(returning)
            self._enter(target, inner, st)
            return
        # return: back to whoever pushed the top frame of this stack
        seen = self._returned.setdefault(ctx, [])
        if node not in seen:
            seen.append(node)
        for (caller, after), outer in list(self._callers.get(ctx, ())):
            if after is None:
                self._merge((caller, outer), st)  # the caller resumes: no effects, no visit
            elif after in scenes:
                self._enter(after, outer, st)

    def _push(self, node: Node) -> None:
        """Work a node through again as it is: a return that now has one more caller."""
        if node in self.nodes:
            self._rerun.add(node)
            self._queue_up(node)


def _caller(ctx: Context) -> str:
    """The scene that called the detour a context is in, or "" outside any detour."""
    return ctx[-1][0] if ctx else ""


def _shape(story: Story, graph: StoryGraph) -> tuple[dict[str, int], set[str]]:
    """The order to solve scenes in, and the scenes on a loop (where bounds may be widened).

    The order is reverse postorder from the start, so a scene is mostly solved after what
    leads to it. The loops are the strongly connected components of the story's graph, in
    which a `call` leads both into its detour and on to where play continues after it: any
    cycle of the solver (a return included) runs through a scene of such a component, so
    widening there alone is enough to finish, and keeps every other bound exact.
    """
    successors = graph.successors
    components, post = strong_components([story.start], successors)
    looped = {
        sid for component in components for sid in component if len(component) > 1 or sid in successors(sid)
    }
    n = len(post)
    return {sid: n - i for i, sid in enumerate(post)}, looped
