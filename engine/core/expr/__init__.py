"""The expression language of conditions, chances, effect amounts and text interpolation.

An expression is parsed once at load into a tree of typed nodes (`syntax`, `nodes`),
type-checked against the story's stats and flags (`typecheck`), and compiled to closures that
read game state and never write it (`compiler`); its values and their saturating arithmetic
are in `values`. The load cache stores trees in the plain wire form of `nodes.to_data`.

Numbers stay bounded: literals are at most 10**12 and every arithmetic result saturates at
+-10**15, so no expression can build a huge value. Division by zero gives 0. Strings are
literals only: they can be compared and chosen between, never combined.

Import the package, not its modules: `from engine.core import expr as ex`.
"""

from engine.core.expr.compiler import Fn, compile_node
from engine.core.expr.nodes import (
    And,
    Arith,
    Bool,
    Call,
    Cmp,
    Cond,
    Data,
    Name,
    Neg,
    Node,
    Not,
    Num,
    Or,
    Str,
    children,
    from_data,
    names_in,
    to_data,
    walk,
)
from engine.core.expr.syntax import (
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_LITERAL,
    MAX_TREE_DEPTH,
    ExprError,
    Token,
    parse,
    tokenize,
)
from engine.core.expr.typecheck import (
    ANY,
    BOOL,
    DETOUR_NAMES,
    FUNCTIONS,
    NUM,
    STR,
    DetourName,
    Function,
    Problem,
    Scope,
    infer,
)
from engine.core.expr.values import (
    ARITH,
    COMPARE,
    LIMIT,
    MIRRORED,
    NEGATED,
    Value,
    format_value,
    round_half_away,
    saturate,
)

__all__ = [
    "ANY",
    "ARITH",
    "BOOL",
    "COMPARE",
    "DETOUR_NAMES",
    "FUNCTIONS",
    "KEYWORDS",
    "LIMIT",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_LITERAL",
    "MAX_TREE_DEPTH",
    "MIRRORED",
    "NEGATED",
    "NUM",
    "STR",
    "And",
    "Arith",
    "Bool",
    "Call",
    "Cmp",
    "Cond",
    "Data",
    "DetourName",
    "ExprError",
    "Fn",
    "Function",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Num",
    "Or",
    "Problem",
    "Scope",
    "Str",
    "Token",
    "Value",
    "children",
    "compile_node",
    "format_value",
    "from_data",
    "infer",
    "names_in",
    "parse",
    "round_half_away",
    "saturate",
    "to_data",
    "tokenize",
    "walk",
]
