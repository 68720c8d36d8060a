"""What an expression's values are, and the operations on them shared by play and the analyses.

Numbers stay bounded: every arithmetic result saturates at +-`LIMIT`, so no expression can
build a huge value, and division (or remainder) by zero gives 0, so none can fail at run time.
The stat ranges (engine/author/ranges) mirror these operations over intervals, which is why
they are public here rather than private to the compiler.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import TypeAlias

#: A value at run time: a number, true/false, or a text. Which one an expression gives is
#: known at load (engine/core/expr/typecheck.py), not from this type.
Value: TypeAlias = bool | int | float | str

LIMIT = 10**15


def saturate(x: float) -> float:
    """`x` kept within +-LIMIT (an int stays an int)."""
    if -LIMIT <= x <= LIMIT:
        return x
    return LIMIT if x > 0 else -LIMIT


def _div(a: float, b: float) -> float:
    return saturate(a / b) if b else 0


def _floordiv(a: float, b: float) -> float:
    return saturate(a // b) if b else 0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0


def round_half_away(x: float) -> int:
    """Round to the nearest whole number, halves away from zero (Python's `round` goes to even)."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


ARITH: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: saturate(a + b),
    "-": lambda a, b: saturate(a - b),
    "*": lambda a, b: saturate(a * b),
    "/": _div,
    "//": _floordiv,
    "%": _mod,
}
COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: `a op b` is `b MIRRORED[op] a`; `not (a op b)` is `a NEGATED[op] b`. Shared with the analyses.
MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def format_value(value: Value | None) -> str:
    """How a value reads when interpolated into text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
