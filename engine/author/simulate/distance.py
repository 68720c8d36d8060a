"""How far a game state is from making a condition true: the simulator's sense of "nearly".

A search that only knows "locked" or "open" cannot tell a career with Technique 54 from one with
Technique 20 when a choice needs 55. The branch distance of search-based testing can: 0 when the
condition holds, and otherwise larger the further the numbers are from making it hold. Each
comparison's gap `g` counts as `g / (g + SCALE)`, below 1, so no single stat's scale swamps the
rest; `and` adds its parts' distances (all must hold), `or` takes the nearer part, and anything
that is not a comparison (a flag, `visited(...)`) is 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.core import expr as ex
from engine.core.state_view import StateView

Distance = Callable[[StateView], float]

SCALE = 10  # a gap of this size counts as one half: stats move by a few points a step


def distance(tree: ex.Node, scope: ex.Scope, want: bool = True) -> Distance:
    """A function of the game state: 0.0 when `tree` is `want`, more the further it is from it."""
    if isinstance(tree, ex.Not):
        return distance(tree.operand, scope, not want)
    if isinstance(tree, ex.And | ex.Or):
        a, b = distance(tree.left, scope, want), distance(tree.right, scope, want)
        if isinstance(tree, ex.And) == want:  # every part must come out as wanted
            return lambda s: a(s) + b(s)
        return lambda s: min(a(s), b(s))
    if isinstance(tree, ex.Cmp):
        op = tree.op if want else ex.NEGATED[tree.op]
        left, right = ex.compile_node(tree.left, scope), ex.compile_node(tree.right, scope)
        return lambda s: _gap(op, left(s), right(s))
    value = ex.compile_node(tree, scope)
    return lambda s: 0.0 if bool(value(s)) == want else 1.0


def _gap(op: str, a: ex.Value, b: ex.Value) -> float:
    if not (isinstance(a, int | float) and isinstance(b, int | float)):  # text, true/false
        return 0.0 if ex.COMPARE[op](a, b) else 1.0
    if op == ">=":
        g = b - a
    elif op == ">":
        g = b - a + 1 if a <= b else 0
    elif op == "<=":
        g = a - b
    elif op == "<":
        g = a - b + 1 if a >= b else 0
    elif op == "==":
        g = abs(a - b)
    else:
        g = 1 if a == b else 0
    return g / (g + SCALE) if g > 0 else 0.0
