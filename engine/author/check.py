"""Static analysis of a linked story: what an author must fix, or should know.

These checks look at the story as a whole graph, after every file has been linked: reachable
scenes and endings, detours that return with no caller, traps with no way to an ending,
grafted branches that never come back, loops of text-less scenes, stats and flags that never
matter, and (for `check`) what the stat ranges of engine/author/ranges/solve.py prove. Per-file and naming
problems are found earlier, by the file parser and the linker; all arrive in one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.author import walk
from engine.author.graph import StoryGraph, detour_scenes, routes, strong_components
from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.diagnostics import Diagnostic, sort_key
from engine.core.model import CHANCE_MAX, CHANCE_MIN, PHASES, Pos, Route, Story
from engine.load.cache import ParseCache
from engine.load.collector import collector_paused
from engine.load.folder import LoadResult, load_story, parse_cache

if TYPE_CHECKING:
    from engine.author.ranges.solve import Ranges


@dataclass
class Findings:
    diagnostics: list[Diagnostic]
    ranges: Ranges | None  # solved when asked for and the story has no errors


@dataclass(frozen=True)
class CheckedStory(LoadResult):
    """A loaded story with the whole-story checks' findings among its diagnostics."""

    ranges: Ranges | None = None  # the proven stat ranges, when asked for and there are no errors
    #: Loaded ready-made (engine/author/ready.py): unchanged since a full load, whose findings
    #: these are, and each scene linked when first used.
    ready_made: bool = False


def examine(story: Story, has_errors: bool = False, *, ranges: bool = False) -> Findings:
    """Every whole-story problem, and with `ranges` the stat-range analysis and the warnings it
    proves (W111-W114). `has_errors`: loading already found errors (see `check_story`).

    The ranges cost about as much as the rest of the checks together (a quarter of a second
    at 10,000 scenes), so `check` asks for them and loading a story to play does not.
    """
    analysis = _Analysis(story, with_ranges=ranges)
    return Findings(analysis.run(has_errors), analysis.ranges)


def check_story(loaded: LoadResult, *, ranges: bool = False) -> CheckedStory:
    """A loaded story with the findings of `examine` added to its diagnostics."""
    diagnostics = list(loaded.diagnostics)
    proven = None
    if loaded.story is not None:
        with collector_paused():
            findings = examine(loaded.story, has_errors=any(d.is_error for d in diagnostics), ranges=ranges)
        diagnostics += findings.diagnostics
        diagnostics.sort(key=sort_key)
        proven = findings.ranges
    return CheckedStory(loaded.story, diagnostics, loaded.path, proven)


def load_checked(
    name: str | Path, *, cache: ParseCache | bool | None = True, ranges: bool = False
) -> CheckedStory:
    """Load a story folder (or bundled id) and run the whole-story checks: everything `check`
    reports. Never raises for problems in the story; raises `StoryNotFound` for no story."""
    parses = parse_cache(cache)
    if not ranges and parses is not None:
        from engine.author.ready import load_ready  # it builds on this module

        return load_ready(name, parses)
    return check_story(load_story(name, cache=parses), ranges=ranges)


class _Analysis:
    def __init__(self, story: Story, with_ranges: bool = False):
        self.story = story
        self.with_ranges = with_ranges
        self.ranges: Ranges | None = None
        self.out: list[Diagnostic] = []
        self._looping: set[str] = set()  # scenes already in a reported loop (E059)

    def report(self, code: str, message: str, pos: Pos, scene: str | None, hint: str | None = None) -> None:
        self.out.append(Diagnostic(code, message, pos.file, pos.line, pos.col, scene, hint))

    def run(self, has_errors: bool) -> list[Diagnostic]:
        graph = StoryGraph(self.story) if self.story.start in self.story.scenes else None
        if graph is not None:
            self.returns_without_caller(graph)
            self.router_loops()
            self.router_loops_that_cannot_change()
        self.grafts_never_offered()
        self.scene_warnings(has_errors or any(d.is_error for d in self.out))
        self.choice_memory()
        self.printed_asterisks()
        self.texts_after_own_effects()
        # Whole-story warnings (reachability, endings, usage) wait until there are no errors: a
        # file or choice that failed to load is missing from the story, and they would blame
        # the wrong places.
        if not has_errors and not any(d.is_error for d in self.out):
            if graph is not None:
                self.reachability(graph)
                self.detours_blind_to_their_callers(graph)
                self.detours_that_call_themselves()
                self.detours_that_never_return(graph)
                self.revisits_never_shown(graph)
                if self.with_ranges:
                    from engine.author.ranges import warnings as range_check
                    from engine.author.ranges.solve import Ranges

                    self.ranges = Ranges(self.story, graph)
                    self.out += range_check.warnings(self.story, self.ranges, graph)
            self.usage()
        return self.out

    # -- errors ----------------------------------------------------------------------------

    def returns_without_caller(self, graph: StoryGraph) -> None:
        """E056: a `return` play can reach without a `call`. When a `goto` leads into a detour
        (a scene that is called elsewhere, or one that can only end by returning), that `goto`
        is the mistake: it is reported, once, instead of every `return` of the detour."""
        scenes = self.story.scenes
        main = graph.reachable(into_calls=False)
        lost = {sid for sid in main if sid in graph.returns}
        if not lost:
            return
        preds: dict[str, list[str]] = {sid: [] for sid in graph.flow}
        for sid, nexts in graph.flow.items():
            for nxt in nexts:
                preds[nxt].append(sid)
        can_return = graph.leading_to(lost, preds)
        can_end = graph.leading_to((sid for sid, sc in scenes.items() if sc.ending is not None), preds)
        only_returns = can_return - can_end  # scenes that can end only by returning
        called = {t for targets in graph.calls.values() for t in targets}
        order = {sid: i for i, sid in enumerate(scenes)}
        covered: set[str] = set()
        for sid in sorted(main, key=order.__getitem__):
            if sid in only_returns:
                continue
            for route in routes(scenes[sid]):
                target = route.target
                if route.kind != "goto" or target is None or target not in can_return:
                    continue
                inside = graph.reachable([target], into_calls=False)
                if target not in only_returns and (target not in called or sid in inside):
                    continue  # not a detour, or a detour's own way back to its start
                covered |= inside & lost
                self.report(
                    "E056",
                    f"this `goto` leads into `{target}`, a detour that ends with `return`, but a `goto`"
                    " gives it no caller to return to",
                    route.pos,
                    sid,
                    f"write `call: {target}` here, with a `goto:` beside it for where play goes on after",
                )
        for sid in sorted(lost - covered, key=order.__getitem__):
            for route in routes(scenes[sid]):
                if route.kind == "return":
                    self.report(
                        "E056",
                        "`return` here has no caller: this scene is reached without a `call`",
                        route.pos,
                        sid,
                        "reach it with `call:`, or use `goto:` instead of `return`",
                    )

    def grafts_never_offered(self) -> None:
        """A choice grafted onto a scene that ends by `next`, `return` or an ending: play never
        offers it (one file cannot give a scene both; a graft from another file can)."""
        for sid, scene in self.story.scenes.items():
            if scene.ending is not None:
                what = "an ending"
            elif scene.next:
                way = "`return`" if scene.next[0].route.kind == "return" else "`next`"
                what = f"a scene that goes on by {way}"
            else:
                continue
            for choice in scene.choices:
                if choice.graft is not None:
                    self.report(
                        "E053",
                        f"choice `{choice.id}` is grafted onto `{sid}`, {what}, so it is never offered",
                        choice.pos,
                        sid,
                        "graft it onto a scene that has `choices`",
                    )

    def router_loops(self) -> None:
        """Text-less scenes that always pass on to each other would loop forever."""
        scenes = self.story.scenes
        step: dict[str, str] = {}
        for scene in scenes.values():
            if scene.is_router and scene.next[0].condition is None:
                r = scene.next[0].route
                if (
                    r.kind == "goto"
                    and r.target is not None
                    and r.target in scenes
                    and scenes[r.target].is_router
                ):
                    step[scene.id] = r.target
        order = {sid: i for i, sid in enumerate(scenes)}
        reported: set[str] = set()
        for first in step:
            seen: list[str] = []
            at: str | None = first
            while at in step and at not in seen:
                seen.append(at)
                at = step[at]
            if at in seen:
                loop = seen[seen.index(at) :]
                if not reported.intersection(loop):
                    reported.update(loop)
                    self._looping.update(loop)
                    scene = scenes[min(loop, key=order.__getitem__)]
                    self.report(
                        "E059",
                        "scenes without text pass to each other forever: " + " -> ".join([*loop, loop[0]]),
                        scene.pos,
                        scene.id,
                        "give one of them text and a choice, or a condition",
                    )

    def router_loops_that_cannot_change(self) -> None:
        """Text-less scenes that may pass to each other under conditions nothing on the way can
        change: once play goes round such a loop, it goes round it forever (play stops it after
        256 scenes). Nothing changes when no scene of the loop has an effect on a stat or flag
        its conditions read, and no condition counts visits (every scene entered is a visit).
        A loop with no conditions at all is `router_loops`' to report."""
        scenes = self.story.scenes
        edges: dict[str, list[str]] = {}
        for scene in scenes.values():
            if scene.is_router:
                edges[scene.id] = [
                    t
                    for b in scene.next
                    if b.route.kind == "goto" and (t := b.route.target) is not None and scenes[t].is_router
                ]
        order = {sid: i for i, sid in enumerate(scenes)}
        done = set(self._looping)
        for group in _cycles(edges):
            if done.intersection(group):
                continue
            conditions = [b.condition for sid in group for b in scenes[sid].next if b.condition is not None]
            read = {name for c in conditions for name in ex.names_in(c.tree)}
            written = {e.target for sid in group for e in scenes[sid].effects}
            counts_visits = any(
                isinstance(n, ex.Call) and n.name in ("visits", "visited")
                for c in conditions
                for n in ex.walk(c.tree)
            )
            if read & written or counts_visits:
                continue
            done.update(group)
            first = min(group, key=order.__getitem__)
            loop = _a_cycle(edges, first, group)
            self.report(
                "E059",
                "scenes without text may pass to each other forever, and nothing on the way changes"
                " their conditions: " + " -> ".join([*loop, loop[0]]),
                scenes[first].pos,
                first,
                "give one of them text and a choice, or lead one branch out of the loop for good",
            )

    # -- warnings about one scene -------------------------------------------------------------

    def scene_warnings(self, has_errors: bool) -> None:
        """W106-W109. W106 and W107 wait until there are no errors: a choice or branch whose
        target failed to load is left out of its scene, and the fallback it was would seem
        missing."""
        for scene in self.story.scenes.values():
            if not has_errors and scene.choices and all(c.condition is not None for c in scene.choices):
                self.report(
                    "W106",
                    "every choice here has an `if`; when none holds, the player is stuck",
                    scene.pos,
                    scene.id,
                    "add one choice without `if` as a way through",
                )
            if not has_errors and scene.next and scene.next[-1].condition is not None:
                self.report(
                    "W107",
                    "no branch of `next` is taken when every condition fails",
                    scene.next[-1].pos,
                    scene.id,
                    "end the list with a branch that has no `if`",
                )
            for expr in walk.conditions(scene):
                if isinstance(expr.tree, ex.Bool):
                    self.report(
                        "W109", f"condition is always {ex.format_value(expr.tree.value)}", expr.pos, scene.id
                    )
            for choice in scene.choices:
                if choice.chance is None:
                    continue
                k = choice.chance.expr.constant
                if (
                    isinstance(k, (int, float))
                    and not isinstance(k, bool)
                    and not CHANCE_MIN < k < CHANCE_MAX
                ):
                    clamped = CHANCE_MIN if k <= CHANCE_MIN else CHANCE_MAX
                    self.report(
                        "W108",
                        f"chance {ex.format_value(k)}% is always clamped to {clamped}%",
                        choice.chance.expr.pos,
                        scene.id,
                        f"chances run from {CHANCE_MIN} to {CHANCE_MAX}",
                    )

    def texts_after_own_effects(self) -> None:
        """W125: a scene's text (or revisit, or milestone) that prints a sum or difference with
        a stat its own `effects` change. The effects apply as the scene is entered, so
        `{points + 50}` after `points: +50` counts the 50 twice: the author meant the value
        before. The value alone (`your mark is {ballet} of ten`) and a condition that chooses
        words (`{if body < 50 then ...}`) read the new value on purpose, as the guide teaches,
        and are not warned of."""
        for scene in self.story.scenes.values():
            changed = {e.target for e in scene.effects}
            if not changed:
                continue
            named: set[str] = set()
            for template in (scene.text, scene.revisit, scene.milestone):
                for expr in template.expressions if template is not None else ():
                    if expr.type != ex.NUM:
                        continue  # a text: words chosen by conditions, not a value printed
                    summed = [
                        n.name
                        for node in ex.walk(expr.tree)
                        if isinstance(node, ex.Arith) and node.op in "+-"
                        for side in (node.left, node.right)
                        for n in ex.walk(side)
                        if isinstance(n, ex.Name)
                    ]
                    for name in dict.fromkeys(summed):
                        if name in changed and name not in named:
                            named.add(name)
                            self.report(
                                "W125",
                                f"this text adds to `{name}` after the scene's own effects have changed it",
                                expr.pos,
                                scene.id,
                                f"effects apply before the text: `{name}` is already the new value here;"
                                " print it alone, or move the effect to the choice that leads on",
                            )

    def choice_memory(self) -> None:
        """Once-only choices that can all be used up (W121), and several fallbacks (W122)."""
        for scene in self.story.scenes.values():
            if not scene.choices:
                continue
            fallbacks = [c for c in scene.choices if c.fallback]
            if not fallbacks and all(c.once for c in scene.choices):
                self.report(
                    "W121",
                    "every choice here is `once: true`: a player who comes back after taking them "
                    "all has no choice left",
                    scene.pos,
                    scene.id,
                    "add a choice without `once`, or a `fallback: true` choice",
                )
            if len(fallbacks) > 1:
                self.report(
                    "W122",
                    f"{len(fallbacks)} choices here are `fallback: true`; they all appear together",
                    fallbacks[1].pos,
                    scene.id,
                    "one fallback is usually enough: make the others ordinary choices",
                )

    def printed_asterisks(self) -> None:
        """W120: a text literal an expression prints, with a `*` that is not closed: it prints
        as written, asterisks and all (a closed one is styled, engine/core/template.py)."""
        for scene, template in walk.templates(self.story):
            for expr in template.expressions:
                for literal in tpl.printed_literals(expr.tree):
                    if "*" in literal and tpl.emphasis(literal) is None:
                        self.report(
                            "W120",
                            f"`{expr.source}` can print “{literal}” with its asterisks as they are: "
                            "a `*` in it is not closed",
                            expr.pos,
                            scene.id,
                            "close the emphasis with the same mark, or write \\\\* for a literal asterisk",
                        )

    def revisits_never_shown(self, graph: StoryGraph) -> None:
        """W123: a scene's `revisit` text, when no path enters the scene a second time. Only
        scenes on the main line are judged (one inside a detour is entered on every call)."""
        detours = detour_scenes(self.story, graph)
        for scene in self.story.scenes.values():
            if scene.revisit is None or scene.id in detours:
                continue
            onward: list[str] = []
            for route in routes(scene):  # a call without `after` resumes this scene: no new visit
                onward += [t for t in (route.target, route.after) if t is not None and t in graph.flow]
            if scene.id not in onward and scene.id not in graph.reachable(onward):
                self.report(
                    "W123",
                    "no path comes back to this scene, so its `revisit` text is never shown",
                    scene.pos,
                    scene.id,
                    "remove `revisit`, or send a later choice back here with `goto`",
                )

    # -- warnings about the whole story --------------------------------------------------------

    def reachability(self, graph: StoryGraph) -> None:
        story = self.story
        seen = graph.reachable()
        preds = graph.predecessors()
        finish = graph.can_finish(preds)
        trapped = self.branches_that_never_return(graph, seen)
        for scene in story.scenes.values():
            if scene.id not in seen:
                if scene.ending is not None:
                    self.report(
                        "W101",
                        f"ending “{scene.ending.title}” can never be reached",
                        scene.pos,
                        scene.id,
                        "send a choice to it with `goto`",
                    )
                else:
                    self.report(
                        "W100",
                        "no path from the start reaches this scene",
                        scene.pos,
                        scene.id,
                        "send a choice to it with `goto`, or remove it",
                    )
            # A trap is reported where it is entered, not at every scene inside it, and not
            # again where a grafted branch that never returns is entered (W115 says it there).
            elif (
                scene.id not in finish
                and scene.id not in trapped
                and (scene.id == story.start or any(p in finish for p in preds[scene.id] if p in seen))
            ):
                self.report(
                    "W105",
                    "once here, no ending can ever be reached",
                    scene.pos,
                    scene.id,
                    "every path from here loops back without reaching an `ending`",
                )
        if not story.endings:
            self.report(
                "W110", "this story has no ending", Pos(story.root, 0, 0), None, "give a scene an `ending`"
            )

    def branches_that_never_return(self, graph: StoryGraph, seen: set[str]) -> set[str]:
        """W115 for each grafted choice that leads into its own file's scenes for good: no path
        from there reaches a scene of another file, an ending or a `return`. Returns the scenes
        it leads into, where W105 would otherwise say the same again."""
        scenes = self.story.scenes
        leaves: dict[str, bool] = {}
        trapped: set[str] = set()
        for scene in scenes.values():
            if scene.id not in seen:
                continue  # the scenes of a graft onto an unreachable scene are W100's
            for choice in scene.choices:
                if choice.graft is None:
                    continue
                home = choice.pos.file
                ways = [choice.route] if choice.route is not None else []
                if choice.chance is not None:
                    ways += [choice.chance.success.route, choice.chance.failure.route]
                for route in ways:
                    target = route.target
                    if target is None or target not in scenes or scenes[target].pos.file != home:
                        continue
                    if target not in leaves:
                        leaves[target] = self.leaves_file(graph, target, home)
                    if not leaves[target] and target not in trapped:
                        trapped.add(target)
                        self.report(
                            "W115",
                            f"the branch grafted here never returns: no path from `{target}` leads "
                            "back to the main story or to an ending",
                            choice.pos,
                            scene.id,
                            "end the branch with a `goto` to a scene of the main story, or an `ending`",
                        )
        return trapped

    def leaves_file(self, graph: StoryGraph, start: str, home: str) -> bool:
        """Whether some path from `start` reaches a scene outside the file `home`, an ending, or a
        `return` (back to whoever called)."""
        scenes = self.story.scenes
        seen = {start}
        todo = [start]
        while todo:
            sid = todo.pop()
            if scenes[sid].pos.file != home or scenes[sid].ending is not None or sid in graph.returns:
                return True
            for nxt in graph.successors(sid):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def detours_blind_to_their_callers(self, graph: StoryGraph) -> None:
        """W116: a detour called from chapters of more than one phase reads the same wherever it
        strikes when nothing in it (text, choice, condition, amount) reads its caller."""
        story = self.story
        reached = graph.reachable()
        callers: dict[str, dict[str, None]] = {}  # detour -> its calling scenes, in story order
        for sid, targets in graph.calls.items():
            if sid in reached:
                for target in targets:
                    callers.setdefault(target, {})[sid] = None
        for target, calling in callers.items():
            by_phase: dict[str, list[str]] = {}
            for sid in calling:
                by_phase.setdefault(story.phase_of.get(sid, ""), []).append(f"`{sid}`")
            if len(by_phase) < 2 or self.reads_its_caller(graph, target):
                continue
            phases = sorted(by_phase, key=_phase_order)
            named = " and from ".join(f"{phase} ({', '.join(by_phase[phase])})" for phase in phases)
            self.report(
                "W116",
                f"detour `{target}` reads the same wherever it strikes, but it is called from {named}",
                story.scenes[target].pos,
                target,
                f'read where it struck, for example `{{if caller_phase == "{phases[-1]}" then "..." '
                'else "..."}` in its text, or `if: caller_phase == ...` on a choice',
            )

    def detours_that_call_themselves(self) -> None:
        """W124: a detour whose scenes, before any `return`, can call it again (directly or by
        way of other detours). Each round nests one detour deeper, and play stops at 32: the
        player meets a fault instead of the story. A condition on the way may bound it, so this
        is a warning."""
        scenes = self.story.scenes
        targets = [r.target for sc in scenes.values() for r in routes(sc) if r.kind == "call" and r.target]
        # Inside a detour: every scene its frame reaches, by goto and by coming back from nested
        # detours (to their `after`, or to the calling scene), up to a `return`.
        calls: dict[str, list[str]] = {}
        where: dict[tuple[str, str], tuple[str, Route]] = {}  # (detour, callee) -> a call
        for target in dict.fromkeys(targets):
            seen, todo = {target}, [target]
            while todo:
                here = todo.pop()
                for r in routes(scenes[here]):
                    if r.kind == "call" and r.target is not None:
                        calls.setdefault(target, [])
                        if r.target not in calls[target]:
                            calls[target].append(r.target)
                            where[(target, r.target)] = (here, r)
                    nxt = r.target if r.kind == "goto" else r.after if r.kind == "call" else None
                    if nxt is not None and nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
        order = {sid: i for i, sid in enumerate(scenes)}
        for group in _cycles(calls):
            first = min(group, key=order.__getitem__)
            loop = _a_cycle(calls, first, group)
            caller, back = where[(loop[-1], first)]
            chain = "" if len(loop) == 1 else " (by way of " + ", ".join(f"`{d}`" for d in loop[1:]) + ")"
            self.report(
                "W124",
                f"detour `{first}` leads{chain}, before any `return`, back here, where it is called again:"
                " each round nests one detour deeper, and play stops at 32",
                back.pos,
                caller,
                "end the detour with `return: true` before it leads back to a scene that calls it,"
                " or go there with `goto` after the return",
            )

    def detours_that_never_return(self, graph: StoryGraph) -> None:
        """W127: a detour no path of which reaches a `return` (the guide lets a detour lead away
        for good, but not every way out of it): the `goto` beside its call, or the calling scene
        play would come back to, is never used. Said once a detour, at its first call.

        W128: a scene inside a detour that leaves it by `goto` for the very scene its call goes
        on to after a `return`: play arrives where it would have, but the detour never ends (a
        later `caller_phase` still reads this call, a later `return` comes back to it)."""
        scenes = self.story.scenes
        reached = graph.reachable()
        main = graph.reachable(into_calls=False)
        calls: dict[str, list[tuple[str, Route]]] = {}  # detour -> its calls, in story order
        order = {sid: i for i, sid in enumerate(scenes)}
        for sid, scene in scenes.items():
            if sid in reached:
                for route in routes(scene):
                    if route.kind == "call" and route.target is not None and route.target in scenes:
                        calls.setdefault(route.target, []).append((sid, route))
        for target, its_calls in calls.items():
            inside = graph.reachable([target], into_calls=False)
            if not inside & graph.returns:
                caller, call = its_calls[0]
                others = len(its_calls) - 1
                unused = (
                    f"the `goto: {call.after}` beside this call is never used"
                    if call.after is not None
                    else "play never comes back to this scene"
                )
                also = f" (nor what {others} other call{'s' * (others != 1)} to it expect)" if others else ""
                self.report(
                    "W127",
                    f"detour `{target}` never returns: no path from it reaches a `return`, so {unused}{also}",
                    call.pos,
                    caller,
                    "end the detour with `return: true` where play should come back here,"
                    f" or write `goto: {target}` instead of the call",
                )
                continue
            # Back by `goto` to a scene that calls it is W124's (it calls the detour again).
            resumes = {call.after or caller for caller, call in its_calls} - {c for c, _ in its_calls}
            for sid in sorted(inside - main, key=order.__getitem__):
                for route in routes(scenes[sid]):
                    if route.kind == "goto" and route.target in resumes:
                        self.report(
                            "W128",
                            f"this `goto` leaves detour `{target}` for `{route.target}`, where its call"
                            " goes on after a `return`; without the `return` the detour never ends"
                            " (later scenes still read this call as their `caller_phase`)",
                            route.pos,
                            sid,
                            f"write `return: true` here: play goes on at `{route.target}` all the same",
                        )

    def reads_its_caller(self, graph: StoryGraph, target: str) -> bool:
        """Whether some scene of the detour that starts at `target` (up to its returns, not into
        the detours it calls itself) reads `caller_scene`, `caller_chapter` or `caller_phase`."""
        for sid in graph.reachable([target], into_calls=False):
            for expr in walk.scene_expressions(self.story.scenes[sid]):
                if any(name in _CALLER_NAMES for name in ex.names_in(expr.tree)):
                    return True
        return False

    def usage(self) -> None:
        story = self.story
        read: set[str] = set()
        # The linker shares one tree between identical expressions: walk each shared tree once.
        for tree in {id(e.tree): e.tree for e in walk.expressions(story)}.values():
            read.update(ex.names_in(tree))
        changed: set[str] = set()
        raised: set[str] = set()
        for effect in walk.effects(story):
            changed.add(effect.target)
            if effect.op == "flag" and effect.value:
                raised.add(effect.target)
        for stat in story.stats:
            if stat.id not in read and stat.id not in changed:
                self.report(
                    "W102",
                    f"stat `{stat.id}` is never used",
                    stat.pos,
                    None,
                    "use it in a condition, or remove it",
                )
            elif stat.id not in read:
                self.report(
                    "W102",
                    f"stat `{stat.id}` changes but never decides anything",
                    stat.pos,
                    None,
                    "read it in an `if`, a `chance` or the text",
                )
        for flag in story.flags:
            if flag.id not in read:
                self.report(
                    "W103",
                    f"flag `{flag.id}` is never read",
                    flag.pos,
                    None,
                    "test it in an `if`, or remove it",
                )
            elif flag.id not in raised:
                self.report(
                    "W104",
                    f"flag `{flag.id}` is read but never set",
                    flag.pos,
                    None,
                    f"add `set: [{flag.id}]` to an effect",
                )


# What tells one caller from another (`strikes` alone does not: it counts every caller's calls).
_CALLER_NAMES = frozenset(name for name in ex.DETOUR_NAMES if name.startswith("caller_"))


def _cycles(edges: dict[str, list[str]]) -> list[set[str]]:
    """The groups of nodes that can reach each other and go round (strongly connected
    components with a cycle)."""
    components, _ = strong_components(edges, lambda node: edges.get(node, []))
    return [set(c) for c in components if len(c) > 1 or c[0] in edges.get(c[0], [])]


def _a_cycle(edges: dict[str, list[str]], first: str, group: set[str]) -> list[str]:
    """One way round from `first` back to it, inside `group`: the loop the message shows."""
    came_from: dict[str, str] = {}
    frontier = [first]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for t in edges[node]:
                if t == first:
                    path = [node]
                    while path[-1] != first:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                if t in group and t not in came_from:
                    came_from[t] = node
                    nxt_frontier.append(t)
        frontier = nxt_frontier
    return [first]


def _phase_order(phase: str) -> int:
    return PHASES.index(phase) if phase in PHASES else len(PHASES)
