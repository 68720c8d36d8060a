"""What the stat ranges prove wrong with a story, in the author's own words and numbers.

A choice that can never be open (W111), a `next` branch that is never taken (W112), a chance
that is always at its cap (W113), an ending no career can reach with the stats it can have
(W114). Each is a proof from engine/author/ranges/solve.py, never a guess: the ranges hold every value a
career can have, so "can never" is certain. The numbers quoted are bounds ("can reach at most
72"): the true extreme may be lower, never higher.
"""

from __future__ import annotations

from engine.author.graph import StoryGraph
from engine.author.ranges.domain import FALSE, TRUE, State
from engine.author.ranges.solve import Ranges
from engine.core import expr as ex
from engine.core.diagnostics import Diagnostic
from engine.core.model import CHANCE_MAX, CHANCE_MIN, Choice, Expr, Pos, Route, Scene, Story
from engine.play.reasons import in_words


def warnings(story: Story, ranges: Ranges, graph: StoryGraph) -> list[Diagnostic]:
    """Every range warning of a story whose ranges have been solved."""
    return _RangeCheck(story, ranges, graph).run()


class _RangeCheck:
    def __init__(self, story: Story, ranges: Ranges, graph: StoryGraph):
        self.story = story
        self.ranges = ranges
        self.graph = graph
        self.domain = ranges.domain
        self.stats = {s.id: s for s in story.stats}
        self.flags = {f.id: f for f in story.flags}
        self.out: list[Diagnostic] = []
        self.chapter = ""  # of the condition being explained
        # Routes no career can ever take, from a scene some career does reach: where each
        # unreachable ending's ways in are closed.
        self.closed: list[tuple[Pos, Route]] = []

    def report(self, code: str, message: str, pos: Pos, scene: str, hint: str | None = None) -> None:
        self.out.append(Diagnostic(code, message, pos.file, pos.line, pos.col, scene, hint))

    def run(self) -> list[Diagnostic]:
        for sid, scene in self.story.scenes.items():
            st = self.ranges.state.get(sid)
            if st is None or scene.ending is not None:
                continue
            self.domain.caller = self.ranges.callers.get(sid)  # the state joins these callers' states
            if scene.next:
                self.branches(scene, st)
            else:
                for choice in scene.choices:
                    self.choice(scene, choice, st)
        self.domain.caller = None
        self.endings()
        return self.out

    # -- choices and branches ----------------------------------------------------------------

    def choice(self, scene: Scene, choice: Choice, st: State) -> None:
        cond = choice.condition
        if choice.chance is None and (cond is None or id(choice) in self.ranges.opened):
            return  # open somewhere, so open in the joined state too: nothing to prove
        if cond is not None:
            where = self.domain.refine(st, cond.tree, True)
            if where is None:
                if not isinstance(cond.tree, ex.Bool):  # a constant one is W109's
                    self.report(
                        "W111",
                        f"choice `{choice.id}` can never be open here: {self.why(cond, st, scene.chapter)}",
                        cond.pos,
                        scene.id,
                        "change its `if`, or what happens on the way here",
                    )
                self.close(cond.pos, choice)
                return
            st = where
        if choice.chance is not None:
            self.chance(scene, choice.chance.expr, st)

    def chance(self, scene: Scene, expr: Expr, st: State) -> None:
        if expr.constant is not None:  # a constant chance out of range is W108's
            return
        lo, hi = self.domain.value(expr.tree, st)
        low, high = ex.round_half_away(lo), ex.round_half_away(hi)
        if low >= CHANCE_MAX:
            self.report(
                "W113",
                f"chance is always {CHANCE_MAX}% here: `{expr.source}` is at least "
                f"{ex.format_value(lo)} whenever this choice is open",
                expr.pos,
                scene.id,
                f"a chance is kept within {CHANCE_MIN}..{CHANCE_MAX}%: lower it so the stats count",
            )
        elif high <= CHANCE_MIN:
            self.report(
                "W113",
                f"chance is always {CHANCE_MIN}% here: `{expr.source}` is at most "
                f"{ex.format_value(hi)} whenever this choice is open",
                expr.pos,
                scene.id,
                f"a chance is kept within {CHANCE_MIN}..{CHANCE_MAX}%: raise it so the stats count",
            )

    def branches(self, scene: Scene, st: State) -> None:
        failing: State | None = st  # where every branch so far has failed
        for branch, taken in zip(scene.next, self.ranges.branches(scene, st), strict=True):
            cond = branch.condition
            if failing is None:
                self.close(branch.pos, branch.route)
                self.report(
                    "W112",
                    "this branch of `next` is never taken: a branch above it always applies here",
                    branch.pos,
                    scene.id,
                    "remove it, or change the conditions above it",
                )
                return  # and so is every branch after it
            if cond is None:
                return
            if taken is None:
                self.close(branch.pos, branch.route)
                if not isinstance(cond.tree, ex.Bool):  # a constant one is W109's
                    if self.domain.refine(st, cond.tree, True) is None:
                        why = self.why(cond, st, scene.chapter)
                    else:
                        why = f"every career that meets `{cond.source}` here takes a branch above it"
                    self.report(
                        "W112",
                        f"this branch of `next` is never taken: {why}",
                        branch.pos,
                        scene.id,
                        "change its `if`, or the order of the branches",
                    )
            failing = self.domain.refine(failing, cond.tree, False)

    def close(self, pos: Pos, way: Choice | Route) -> None:
        if isinstance(way, Choice):
            if way.route is not None:
                self.closed.append((pos, way.route))
            if way.chance is not None:
                self.closed.append((pos, way.chance.success.route))
                self.closed.append((pos, way.chance.failure.route))
        else:
            self.closed.append((pos, way))

    # -- endings -----------------------------------------------------------------------------

    def endings(self) -> None:
        out_of_reach = [e for e in self.story.endings if e.id not in self.ranges.state]
        if not out_of_reach:
            return
        reachable = self.graph.reachable()
        preds: dict[str, list[str]] | None = None
        for scene in out_of_reach:
            if scene.id not in reachable:
                continue  # never reachable at all is W101's
            assert scene.ending is not None
            if preds is None:
                preds = self.graph.predecessors()
            leads_here = self.graph.leading_to([scene.id], preds)
            closed = sorted(
                {pos for pos, route in self.closed if self.enters(route, leads_here)},
                key=lambda p: (p.file, p.line, p.col),
            )
            hint = "look at the conditions on the way to it"
            if closed:
                hint = "the ways in are closed at " + ", ".join(f"{p.file}:{p.line}" for p in closed[:3])
                if len(closed) > 3:
                    hint += f" and {len(closed) - 3} more places"
            self.report(
                "W114",
                f"ending “{scene.ending.title}” can never be reached: every way to it needs stats "
                "or flags no career can have there",
                scene.pos,
                scene.id,
                hint,
            )

    def enters(self, route: Route, leads_here: set[str]) -> bool:
        """Whether a closed route is where the way to `leads_here` ends: it goes towards them,
        into a scene no career reaches (a `return` goes back to a caller: not counted)."""
        reached = self.ranges.state
        return any(t in leads_here and t not in reached for t in (route.target, route.after) if t)

    # -- explanations ------------------------------------------------------------------------

    def why(self, cond: Expr, st: State, chapter: str) -> str:
        """Why `cond` (written in `chapter`) can never hold in `st`, in labels and bounds."""
        self.chapter = chapter
        if not ex.names_in(cond.tree):
            return f"`{cond.source}` is never true"
        found = self.failing(cond.tree, True, st)
        if found:
            return found
        return f"`{cond.source}` can never hold here ({self.ranges_of(cond.tree, st)})"

    def failing(self, node: ex.Node, want: bool, st: State) -> str | None:
        """Words for why `node` can never be `want` in `st`, or None when no part alone says it."""
        refine = self.domain.refine
        if isinstance(node, ex.Not):
            return self.failing(node.operand, not want, st)
        if isinstance(node, ex.And | ex.Or):
            left, right = node.left, node.right
            if isinstance(node, ex.And) == want:  # every part must be `want`: name one that cannot be
                for part in (left, right):
                    if refine(st, part, want) is None:
                        return self.failing(part, want, st)
                return None
            parts = [self.failing(p, want, st) for p in (left, right)]  # no part can be `want`
            if all(parts):
                return "; ".join(p for p in parts if p)
            return None
        if isinstance(node, ex.Name) and node.name in self.flags:
            label = self.flags[node.name].label
            if want:
                return f"only when {label}, which is never so here"
            return f"not when {label}, which is always so here"
        if isinstance(node, ex.Cmp):
            return self.comparison(node, want, st)
        return None

    def comparison(self, node: ex.Cmp, want: bool, st: State) -> str | None:
        op, left, right = node.op, node.left, node.right
        if not want:
            op = ex.NEGATED[op]
        if isinstance(left, ex.Num) and not isinstance(right, ex.Num):
            op, left, right = ex.MIRRORED[op], right, left
        if not isinstance(right, ex.Num):
            return None
        value = self.domain.value(left, st)
        if not isinstance(value, tuple):
            return None
        lo, hi = (ex.format_value(v) for v in value)
        what = self.words(left)
        k = ex.format_value(right.value)
        if op == ">=":
            return f"needs {what} {k}, but {what} can reach at most {hi} here"
        if op == ">":
            return f"needs {what} above {k}, but {what} can reach at most {hi} here"
        if op == "<=":
            return f"needs {what} {k} or less, but {what} is at least {lo} here"
        if op == "<":
            return f"needs {what} below {k}, but {what} is at least {lo} here"
        if op == "==":
            span = lo if lo == hi else f"between {lo} and {hi}"
            return f"needs {what} of exactly {k}, but {what} is {span} here"
        return f"needs {what} other than {k}, but {what} is always {k} here"

    def words(self, node: ex.Node) -> str:
        return in_words(node, self.story, self.chapter)

    def ranges_of(self, tree: ex.Node, st: State) -> str:
        parts: list[str] = []
        for name in dict.fromkeys(ex.names_in(tree)):
            if name in self.stats:
                lo, hi = self.domain.value(ex.Name(name, 0), st)
                parts.append(f"{self.stats[name].label} {lo}..{hi}")
            elif name in self.flags:
                mask = self.domain.value(ex.Name(name, 0), st)
                always = {TRUE: "always", FALSE: "never"}.get(mask, "either way")
                parts.append(f"{self.flags[name].label}: {always}")
        return ", ".join(parts) or "whatever the stats"
