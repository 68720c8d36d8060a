"""Static analysis of a linked story: what an author must fix, or should know.

These checks look at the story as a whole graph, after every file has been linked: reachable
scenes and endings, detours that return with no caller, traps with no way to an ending,
loops of text-less scenes, stats and flags that never matter. Per-file and naming problems
are found earlier, by the file parser and the linker; all arrive in one list.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine import expr as ex
from engine.diagnostics import Diagnostic
from engine.graph import StoryGraph, routes
from engine.model import Effect, Expr, Pos, Scene, Story


def analyse(story: Story, has_errors: bool = False) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def report(code: str, message: str, pos: Pos, scene: str | None, hint: str | None = None) -> None:
        out.append(Diagnostic(code, message, pos.file, pos.line, pos.col, scene, hint))

    scenes = story.scenes
    # Whole-story warnings (reachability, endings, usage) wait until there are no errors: a
    # file or choice that failed to load is missing from the story, and they would blame the
    # wrong places.
    whole = not has_errors

    if story.start in scenes:
        graph = StoryGraph(story)
        _returns_without_caller(story, graph, report)
        _router_loops(story, report)
        whole = whole and not out  # the two checks above report errors only
        if whole:
            _reachability(story, graph, report)

    for scene in scenes.values():
        if scene.choices and all(c.condition is not None for c in scene.choices):
            report(
                "W106",
                "every choice here has an `if`; when none holds, the player is stuck",
                scene.pos,
                scene.id,
                "add one choice without `if` as a way through",
            )
        if len(scene.next) > 1 or (scene.next and scene.next[-1].condition is not None):
            last = scene.next[-1]
            if last.condition is not None:
                report(
                    "W107",
                    "no branch of `next` is taken when every condition fails",
                    last.pos,
                    scene.id,
                    "end the list with a branch that has no `if`",
                )
        for expr in _conditions(scene):
            if expr.tree[0] == "bool":
                report("W109", f"condition is always {ex.format_value(expr.tree[1])}", expr.pos, scene.id)
        for choice in scene.choices:
            k = choice.chance.expr.constant if choice.chance else None
            if isinstance(k, (int, float)) and not isinstance(k, bool) and not 5 < k < 95:
                report(
                    "W108",
                    f"chance {ex.format_value(k)}% is always clamped to {5 if k <= 5 else 95}%",
                    choice.chance.expr.pos,
                    scene.id,
                    "chances run from 5 to 95",
                )

    if whole:
        if not any(s.ending for s in scenes.values()):
            report(
                "W110", "this story has no ending", Pos(story.root, 0, 0), None, "give a scene an `ending`"
            )
        _usage(story, report)
    return out


def _returns_without_caller(story: Story, graph: StoryGraph, report) -> None:  # type: ignore[no-untyped-def]
    main = graph.reachable(into_calls=False)
    for sid, scene in story.scenes.items():
        if sid not in main:
            continue
        for route in routes(scene):
            if route.kind == "return":
                report(
                    "E056",
                    "`return` here has no caller: this scene is reached without a `call`",
                    route.pos,
                    sid,
                    "reach it with `call:`, or use `goto:` instead of `return`",
                )


def _router_loops(story: Story, report) -> None:  # type: ignore[no-untyped-def]
    """Text-less scenes that always pass on to each other would loop forever."""
    step: dict[str, str] = {}
    for scene in story.scenes.values():
        if scene.is_router and scene.next[0].condition is None:
            r = scene.next[0].route
            if r.kind == "goto" and r.target in story.scenes and story.scenes[r.target].is_router:
                step[scene.id] = r.target
    reported: set[str] = set()
    for first in step:
        seen: list[str] = []
        at: str | None = first
        while at is not None and at in step and at not in seen:
            seen.append(at)
            at = step[at]
        if at is not None and at in seen:
            loop = seen[seen.index(at) :]
            if not reported.intersection(loop):
                reported.update(loop)
                order = list(story.scenes)
                scene = story.scenes[min(loop, key=order.index)]
                report(
                    "E059",
                    "scenes without text pass to each other forever: " + " -> ".join([*loop, loop[0]]),
                    scene.pos,
                    scene.id,
                    "give one of them text and a choice, or a condition",
                )


def _reachability(story: Story, graph: StoryGraph, report) -> None:  # type: ignore[no-untyped-def]
    seen = graph.reachable()
    preds = graph.predecessors()
    finish = graph.can_finish(preds)
    for scene in story.scenes.values():
        if scene.id not in seen:
            if scene.ending is not None:
                report(
                    "W101",
                    f"ending “{scene.ending.title}” can never be reached",
                    scene.pos,
                    scene.id,
                    "send a choice to it with `goto`",
                )
            else:
                report(
                    "W100",
                    "no path from the start reaches this scene",
                    scene.pos,
                    scene.id,
                    "send a choice to it with `goto`, or remove it",
                )
        elif scene.id not in finish:
            entered_from_good = scene.id == story.start or any(
                p in finish for p in preds[scene.id] if p in seen
            )
            if entered_from_good:
                report(
                    "W105",
                    "once here, no ending can ever be reached",
                    scene.pos,
                    scene.id,
                    "every path from here loops back without reaching an `ending`",
                )


def _conditions(scene: Scene) -> Iterator[Expr]:
    for choice in scene.choices:
        if choice.condition is not None:
            yield choice.condition
    for branch in scene.next:
        if branch.condition is not None:
            yield branch.condition


def all_expressions(story: Story) -> Iterator[Expr]:
    """Every compiled expression in the story: conditions, chances, effect amounts, texts."""
    for scene in story.scenes.values():
        for template in (scene.text, scene.milestone):
            if template is not None:
                yield from template.expressions
        yield from _effect_amounts(scene.effects)
        yield from _conditions(scene)
        for choice in scene.choices:
            yield from choice.text.expressions
            if choice.milestone is not None:
                yield from choice.milestone.expressions
            yield from _effect_amounts(choice.effects)
            if choice.chance is not None:
                yield choice.chance.expr
                for side in (choice.chance.success, choice.chance.failure):
                    yield from _effect_amounts(side.effects)
                    for template in (side.text, side.milestone):
                        if template is not None:
                            yield from template.expressions


def all_effects(story: Story) -> Iterator[Effect]:
    for scene in story.scenes.values():
        yield from scene.effects
        for choice in scene.choices:
            yield from choice.effects
            if choice.chance is not None:
                yield from choice.chance.success.effects
                yield from choice.chance.failure.effects


def _effect_amounts(effects: tuple[Effect, ...]) -> Iterator[Expr]:
    for e in effects:
        if isinstance(e.amount, Expr):
            yield e.amount


def _usage(story: Story, report) -> None:  # type: ignore[no-untyped-def]
    read: set[str] = set()
    for tree in {expr.tree for expr in all_expressions(story)}:
        read.update(ex.names_in(tree))
    changed: set[str] = set()
    raised: set[str] = set()
    for effect in all_effects(story):
        changed.add(effect.target)
        if effect.op == "flag" and effect.value:
            raised.add(effect.target)
    for stat in story.stats:
        if stat.id not in read and stat.id not in changed:
            report(
                "W102",
                f"stat `{stat.id}` is never used",
                stat.pos,
                None,
                "use it in a condition, or remove it",
            )
        elif stat.id not in read:
            report(
                "W102",
                f"stat `{stat.id}` changes but never decides anything",
                stat.pos,
                None,
                "read it in an `if`, a `chance` or the text",
            )
    for flag in story.flags:
        if flag.id not in read:
            report(
                "W103", f"flag `{flag.id}` is never read", flag.pos, None, "test it in an `if`, or remove it"
            )
        elif flag.id not in raised:
            report(
                "W104",
                f"flag `{flag.id}` is read but never set",
                flag.pos,
                None,
                f"add `set: [{flag.id}]` to an effect",
            )
