"""The story as a graph: every route out of a scene, reachability over them, and what the author
tools share of it (chapters in the order play reaches them, the scenes inside detours).

A route is a `goto`, a `call` into a detour (which, when it returns, continues at `after`, or
back at the calling scene), or a `return`. Reachability here is structural: it follows every
route whatever its condition, so "unreachable" means no path exists at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator

from engine.core.model import Route, Scene, Story


def routes(scene: Scene) -> Iterator[Route]:
    """Every route out of a scene: its choices, both sides of each chance, and its `next`."""
    for choice in scene.choices:
        if choice.route is not None:
            yield choice.route
        if choice.chance is not None:
            yield choice.chance.success.route
            yield choice.chance.failure.route
    for branch in scene.next:
        yield branch.route


class StoryGraph:
    """Adjacency of a story, computed once and shared by every analysis that walks it.

    `flow[s]` are the scenes play can move to from `s` without entering a detour: gotos, and
    for a call the place play resumes after it (`after`, or `s` itself). `calls[s]` are the
    detours `s` enters.
    """

    def __init__(self, story: Story):
        self.story = story
        self.flow: dict[str, list[str]] = {}
        self.calls: dict[str, list[str]] = {}
        self.returns: set[str] = set()
        scenes = story.scenes
        for sid, scene in scenes.items():
            flow: list[str] = []
            calls: list[str] = []
            for route in routes(scene):
                target = route.target
                if route.kind == "goto":
                    if target is not None and target in scenes:
                        flow.append(target)
                elif route.kind == "call":
                    if target is not None and target in scenes:
                        calls.append(target)
                    flow.append(route.after or sid)
                else:
                    self.returns.add(sid)
            self.flow[sid] = flow
            self.calls[sid] = calls

    def successors(self, sid: str, *, into_calls: bool = True) -> list[str]:
        return self.flow[sid] + self.calls[sid] if into_calls else self.flow[sid]

    def reachable(self, starts: Iterable[str] | None = None, *, into_calls: bool = True) -> set[str]:
        """Scene ids reachable from the start (or the given scenes)."""
        story = self.story
        first = list(starts) if starts is not None else ([story.start] if story.start in story.scenes else [])
        seen = set(first)
        queue = deque(first)
        flow, calls = self.flow, self.calls
        while queue:
            sid = queue.popleft()
            for nxt in flow[sid]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
            if into_calls:
                for nxt in calls[sid]:
                    if nxt not in seen:
                        seen.add(nxt)
                        queue.append(nxt)
        return seen

    def predecessors(self) -> dict[str, list[str]]:
        preds: dict[str, list[str]] = {sid: [] for sid in self.flow}
        for sid in self.flow:
            for nxt in self.successors(sid):
                preds[nxt].append(sid)
        return preds

    def can_finish(self, preds: dict[str, list[str]] | None = None) -> set[str]:
        """Scenes from which some path reaches an ending, or returns from a detour."""
        ends = {sid for sid, s in self.story.scenes.items() if s.ending is not None} | self.returns
        return self.leading_to(ends, preds)

    def leading_to(self, targets: Iterable[str], preds: dict[str, list[str]] | None = None) -> set[str]:
        """The targets and every scene from which some path reaches one of them."""
        preds = preds if preds is not None else self.predecessors()
        done = set(targets)
        queue = deque(done)
        while queue:
            for p in preds[queue.popleft()]:
                if p not in done:
                    done.add(p)
                    queue.append(p)
        return done


def chapter_order(story: Story, graph: StoryGraph | None = None) -> list[str]:
    """Chapter ids in the order play first reaches them from the start, then any others as declared."""
    order = list(dict.fromkeys(story.scenes[sid].chapter for sid in reach_order(story, graph)))
    return order + [c for c in story.chapters if c not in order]


def reach_order(story: Story, graph: StoryGraph | None = None) -> list[str]:
    """Every scene reachable from the start, nearest first (breadth first, detours included)."""
    graph = graph or StoryGraph(story)
    order = [story.start] if story.start in story.scenes else []
    reached = set(order)
    for sid in order:  # the list grows as it is read: a queue that keeps what it served
        for nxt in graph.successors(sid):
            if nxt not in reached:
                reached.add(nxt)
                order.append(nxt)
    return order


def detour_scenes(story: Story, graph: StoryGraph | None = None) -> set[str]:
    """Scenes inside a detour: reached from a `call` target without entering other detours, and
    not on the main line of play (so their `return` needs a caller)."""
    graph = graph or StoryGraph(story)
    targets = {t for calls in graph.calls.values() for t in calls}
    main = graph.reachable(into_calls=False)
    return graph.reachable(targets, into_calls=False) - main


def strong_components(
    roots: Iterable[str], successors: Callable[[str], Iterable[str]]
) -> tuple[list[list[str]], list[str]]:
    """The strongly connected components of what `roots` reach, in the order Tarjan's algorithm
    finishes them, and the depth-first postorder of the walk (iterative: a story's graph can be
    deeper than Python's recursion limit).

    One walk serves the range solver (its solving order and the scenes on a loop) and `check`
    (loops of routers, detours that call themselves). A component of one node is a loop only
    when the node is its own successor; the callers decide what counts.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    post: list[str] = []
    components: list[list[str]] = []
    for root in roots:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors(root)))]
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors(nxt))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                post.append(node)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components, post
