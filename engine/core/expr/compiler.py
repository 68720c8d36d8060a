"""Checked trees -> closures `fn(state) -> value`, built once at load and called in play.

Play evaluates conditions, chances and interpolations on every step, so each node becomes one
small closure over its children's closures: no tree is walked and no operator looked up at run
time. The commonest condition by far, `stat OP number`, becomes a single closure with one dict
lookup. The closures read the state (`StateView`) and never write it.

`compile_node` expects a tree that `infer()` accepted: it trusts the types (a number where a
number is needed) and the names, and does not check them again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeAlias, assert_never, cast

from engine.core.expr.nodes import (
    And,
    Arith,
    Bool,
    Call,
    Cmp,
    Cond,
    Name,
    Neg,
    Node,
    Not,
    Num,
    Or,
    Str,
)
from engine.core.expr.typecheck import DETOUR_NAMES, Scope
from engine.core.expr.values import ARITH, COMPARE, MIRRORED, Value, round_half_away
from engine.core.state_view import StateView

Fn: TypeAlias = Callable[[StateView], Value]
_NumFn: TypeAlias = Callable[[StateView], float]  # an Fn that infer() proved gives a number


def _number(node: Node, scope: Scope) -> _NumFn:
    """The closure of a node that infer() proved to be a number (the cast is that proof)."""
    return cast(_NumFn, compile_node(node, scope))


def compile_node(node: Node, scope: Scope) -> Fn:
    """A closure `fn(state) -> value` for a checked node."""
    # Class patterns without sub-patterns: matching `Cmp(op, left, right)` costs several times
    # an isinstance check in CPython 3.11, and the reasons for a locked choice compile on the fly.
    match node:
        case Name():
            name = node.name
            if name in scope.stats:
                return lambda s: s.stats[name]
            if name in DETOUR_NAMES:
                return _compile_detour_name(name, scope)
            return lambda s: s.flags[name]
        case Num() | Str() | Bool():
            value = node.value
            return lambda s: value
        case Cmp():
            return _compile_cmp(node, scope)
        case And():
            a, b = compile_node(node.left, scope), compile_node(node.right, scope)
            return lambda s: a(s) and b(s)
        case Or():
            a, b = compile_node(node.left, scope), compile_node(node.right, scope)
            return lambda s: a(s) or b(s)
        case Not():
            negated = compile_node(node.operand, scope)
            return lambda s: not negated(s)
        case Arith():
            f = ARITH[node.op]
            x, y = _number(node.left, scope), _number(node.right, scope)
            return lambda s: f(x(s), y(s))
        case Neg():
            inner = _number(node.operand, scope)
            return lambda s: -inner(s)
        case Cond():
            c, t = compile_node(node.test, scope), compile_node(node.yes, scope)
            e = compile_node(node.no, scope)
            return lambda s: t(s) if c(s) else e(s)
        case Call():
            return _compile_call(node, scope)
        case _:  # pragma: no cover - every kind of node is above
            assert_never(node)


def _compile_cmp(node: Cmp, scope: Scope) -> Fn:
    op, left, right = node.op, node.left, node.right
    # The commonest condition by far is `stat OP number`: one closure, one dict lookup.
    if isinstance(left, Num) and isinstance(right, Name) and right.name in scope.stats:
        op, left, right = MIRRORED[op], right, left
    if isinstance(left, Name) and left.name in scope.stats and isinstance(right, Num):
        name, k = left.name, right.value
        if op == ">=":
            return lambda s: s.stats[name] >= k
        if op == ">":
            return lambda s: s.stats[name] > k
        if op == "<=":
            return lambda s: s.stats[name] <= k
        if op == "<":
            return lambda s: s.stats[name] < k
        if op == "==":
            return lambda s: s.stats[name] == k
        return lambda s: s.stats[name] != k
    f = COMPARE[op]
    a, b = compile_node(left, scope), compile_node(right, scope)
    return lambda s: f(a(s), b(s))


def _compile_detour_name(name: str, scope: Scope) -> Fn:
    """`caller_scene`, `caller_chapter`, `caller_phase` or `strikes`: the top frame of the detour
    stack, (caller, after, strike), read directly; outside any detour, "" or 0."""
    if name == "strikes":
        return lambda s: s.stack[-1][2] if s.stack else 0
    if name == "caller_scene":
        return lambda s: s.stack[-1][0] if s.stack else ""
    # Chapters and phases are known at link time: one dict lookup per evaluation, no story.
    lookup = (scope.chapter_of if name == "caller_chapter" else scope.phase_of).get
    return lambda s: lookup(s.stack[-1][0], "") if s.stack else ""


def _compile_call(node: Call, scope: Scope) -> Fn:
    name, args = node.name, node.args
    if name in ("visits", "visited"):
        # infer() accepts only a scene id in quotes that names a scene, so `scene` is never "".
        ref = args[0].value if isinstance(args[0], Str) else ""
        scene = scope.resolve_scene(ref) or ""
        if name == "visits":
            return lambda s: s.visits.get(scene, 0)
        return lambda s: scene in s.visits
    if name == "turn":
        return lambda s: s.turn
    fs = [_number(a, scope) for a in args]
    if name in ("min", "max"):
        pick: Callable[[list[float]], float] = min if name == "min" else max
        return lambda s: pick([f(s) for f in fs])
    x = fs[0]
    if name == "abs":
        return lambda s: abs(x(s))
    if name == "round":
        return lambda s: round_half_away(x(s))
    if name == "floor":
        return lambda s: math.floor(x(s))
    if name == "ceil":
        return lambda s: math.ceil(x(s))
    if name == "clamp":
        lo, hi = fs[1], fs[2]
        return lambda s: min(max(x(s), lo(s)), hi(s))
    raise ValueError(f"no such function: {name}")  # pragma: no cover - rejected by infer()
