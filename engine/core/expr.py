"""The expression language of conditions, chances, effect amounts and text interpolation.

It is a language of its own, not Python: an allow-list grammar parsed by hand, so nothing
outside it can be written at all (no attributes, subscripts, lambdas or comprehensions, no
`**`, no calls but the functions listed in `FUNCTIONS`). Expressions are parsed once at load
into a small tuple tree (which the load cache stores as JSON), type-checked against the
story's stats and flags, and compiled to closures that read game state and never write it.

Grammar, loosest binding first::

    expr    := 'if' expr 'then' expr ('else' expr)? | or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?   (no chains: a < b < c)
    sum     := term (('+'|'-') term)*
    term    := unary (('*'|'/'|'//'|'%') unary)*
    unary   := '-' unary | '+' unary | atom
    atom    := NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' args ')' | '(' expr ')'

The conditional is spelled in words (`if nerve > 50 then "calm" else "tense"`) rather than
`? :`, because `: ` inside an unquoted YAML value is a syntax error. Without `else`, a text
result falls back to the empty text, which suits optional fragments of prose.

Numbers stay bounded: literals are at most 10**12 and every arithmetic result saturates at
+-10**15, so no expression can build a huge value. Division by zero gives 0. Strings are
literals only: they can be compared and chosen between, never combined.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

Node = tuple  # ("num", 5) / ("name", "technique", offset) / ...: see parse()
Fn = Callable[[Any], Any]

MAX_LENGTH = 1000
MAX_DEPTH = 48  # nesting of parentheses, `not`, `-` and calls in the source
MAX_TREE_DEPTH = 96  # depth of the parsed tree, chains of operators included
MAX_LITERAL = 10**12
LIMIT = 10**15
KEYWORDS = frozenset({"and", "or", "not", "true", "false", "if", "then", "else"})

NUM, BOOL, STR, ANY = "number", "true/false", "text", "any"


class ExprError(Exception):
    """A problem in an expression, at `offset` characters from its start (0-based)."""

    def __init__(self, message: str, offset: int = 0, hint: str | None = None, code: str = "E040"):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code


# -- tokens ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>//|==|!=|<=|>=|[-+*/%<>(),])
    """,
    re.VERBOSE,
)

# Things people type from other languages, with the way to say them here.
_FOREIGN = [
    ("?", "write `if condition then this else that`"),
    (":", "write `if condition then this else that`"),
    ("&&", "write `and`"),
    ("||", "write `or`"),
    ("!", "write `not`"),
    ("=", "write `==` to compare"),
    (".", "names have no attributes; use a stat or flag name"),
    ("[", "there is no indexing here"),
    ("]", "there is no indexing here"),
    ("{", "braces belong in text, around a whole expression"),
    ("}", "braces belong in text, around a whole expression"),
]


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num | name | str | op | end
    text: str
    offset: int


def tokenize(src: str) -> list[Token]:
    if len(src) > MAX_LENGTH:
        raise ExprError(
            f"expression is {len(src)} characters long; the limit is {MAX_LENGTH}",
            0,
            "split the logic across scenes or flags",
            code="E045",
        )
    tokens: list[Token] = []
    pos, n = 0, len(src)
    match = _TOKEN.match
    while pos < n:
        if src.startswith("**", pos):
            raise ExprError("unexpected `**`", pos, "there is no power operator; multiply instead")
        m = match(src, pos)
        if m is None:
            rest = src[pos:]
            for bad, hint in _FOREIGN:
                if rest.startswith(bad):
                    raise ExprError(f"unexpected `{bad}`", pos, hint)
            ch = src[pos]
            if ch in "\"'":
                raise ExprError("string is not closed", pos, f"end it with {ch}")
            raise ExprError(f"unexpected character {ch!r}", pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", n))
    return tokens


_WRAP = re.compile(r"[ \t]*\n\s*")


def _unquote(text: str, offset: int) -> str:
    """The value of a string literal. A string may wrap across lines, as prose does in a YAML
    block; each line break with its indentation reads as one space."""
    body = text[1:-1]
    if "\n" in body:
        body = _WRAP.sub(" ", body)
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt not in "\\\"'":
                raise ExprError(
                    f"unknown escape `\\{nxt}` in string", offset + 1 + i, "write \\\\ for a backslash"
                )
            out.append(nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# -- parsing --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.tokens = tokenize(src)
        self.i = 0
        # Tree depth of each node built so far (by id; all nodes stay alive during the parse).
        # A chain like 1+1+1+... is flat in the source but deep as a tree, and the checker and
        # compiler recurse over the tree, so depth is bounded here rather than by the stack.
        self.depths: dict[int, int] = {}

    def mk(self, node: Node, *children: Node) -> Node:
        depth = 1 + max((self.depths.get(id(c), 1) for c in children), default=0)
        if depth > MAX_TREE_DEPTH:
            raise ExprError(
                "expression is too deeply nested", node[-1], "split it into simpler parts", code="E045"
            )
        self.depths[id(node)] = depth
        return node

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at(self, *ops: str) -> bool:
        t = self.tokens[self.i]
        return (t.kind == "op" or t.kind == "name") and t.text in ops

    def expect(self, op: str, context: str) -> Token:
        t = self.tok
        if t.kind == "op" and t.text == op:
            return self.take()
        found = "the end" if t.kind == "end" else f"`{t.text}`"
        raise ExprError(f"expected `{op}` {context}, found {found}", t.offset)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExprError("expression is empty", 0, "write a condition such as `technique >= 60`")
        node = self.expr(0)
        t = self.tok
        if t.kind != "end":
            hint = None
            if t.text in ("if", "then", "else"):
                hint = "the conditional form is `if condition then this else that`"
            elif t.kind in ("num", "name", "str") or t.text == "(":
                hint = "an operator is missing between two values"
            raise ExprError(f"unexpected `{t.text}`", t.offset, hint)
        return node

    def _deeper(self, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise ExprError(
                f"expression nests more than {MAX_DEPTH} levels deep", self.tok.offset, code="E045"
            )
        return depth + 1

    def expr(self, depth: int) -> Node:
        depth = self._deeper(depth)
        if self.at("if"):
            t = self.take()
            cond = self.expr(depth)
            self.expect_word("then", "after the condition of `if`")
            yes = self.expr(depth)
            no: Node = ("str", "")
            if self.at("else"):
                self.take()
                no = self.expr(depth)
            return self.mk(("cond", cond, yes, no, t.offset), cond, yes, no)
        return self.or_(depth)

    def expect_word(self, word: str, context: str) -> None:
        t = self.tok
        if t.kind == "name" and t.text == word:
            self.take()
            return
        found = "the end" if t.kind == "end" else f"`{t.text}`"
        raise ExprError(
            f"expected `{word}` {context}, found {found}",
            t.offset,
            "write `if condition then this else that`",
        )

    def or_(self, depth: int) -> Node:
        node = self.and_(depth)
        while self.at("or"):
            t = self.take()
            right = self.and_(depth)
            node = self.mk(("or", node, right, t.offset), node, right)
        return node

    def and_(self, depth: int) -> Node:
        node = self.not_(depth)
        while self.at("and"):
            t = self.take()
            right = self.not_(depth)
            node = self.mk(("and", node, right, t.offset), node, right)
        return node

    def not_(self, depth: int) -> Node:
        if self.at("not"):
            t = self.take()
            depth = self._deeper(depth)
            inner = self.not_(depth)
            return self.mk(("not", inner, t.offset), inner)
        return self.compare(depth)

    def compare(self, depth: int) -> Node:
        node = self.sum(depth)
        if self.at("==", "!=", "<", "<=", ">", ">="):
            t = self.take()
            right = self.sum(depth)
            node = self.mk(("cmp", t.text, node, right, t.offset), node, right)
            if self.at("==", "!=", "<", "<=", ">", ">="):
                raise ExprError(
                    "comparisons cannot be chained",
                    self.tok.offset,
                    "write `a < b and b < c`",
                )
        return node

    def sum(self, depth: int) -> Node:
        node = self.term(depth)
        while self.at("+", "-"):
            t = self.take()
            right = self.term(depth)
            node = self.mk(("bin", t.text, node, right, t.offset), node, right)
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.at("*", "/", "//", "%"):
            t = self.take()
            right = self.unary(depth)
            node = self.mk(("bin", t.text, node, right, t.offset), node, right)
        return node

    def unary(self, depth: int) -> Node:
        if self.at("-", "+"):
            t = self.take()
            depth = self._deeper(depth)
            inner = self.unary(depth)
            if t.text == "+":
                return inner
            if inner[0] == "num":
                return ("num", -inner[1])
            return self.mk(("neg", inner, t.offset), inner)
        return self.atom(depth)

    def atom(self, depth: int) -> Node:
        t = self.take()
        if t.kind == "num":
            value = float(t.text) if "." in t.text else int(t.text)
            if abs(value) > MAX_LITERAL:
                raise ExprError(
                    f"number {t.text} is too large", t.offset, f"numbers go up to {MAX_LITERAL:,}"
                )
            return ("num", value)
        if t.kind == "str":
            return ("str", _unquote(t.text, t.offset))
        if t.kind == "name":
            if t.text in ("true", "false"):
                return ("bool", t.text == "true")
            if t.text in ("and", "or", "not"):
                raise ExprError(f"`{t.text}` needs a value before it", t.offset)
            if t.text in ("then", "else"):
                raise ExprError(
                    f"`{t.text}` without `if`", t.offset, "write `if condition then this else that`"
                )
            if self.at("("):
                self.take()
                args: list[Node] = []
                if not self.at(")"):
                    args.append(self.expr(depth))
                    while self.at(","):
                        self.take()
                        args.append(self.expr(depth))
                self.expect(")", f"to close the call of {t.text}()")
                return self.mk(("call", t.text, tuple(args), t.offset), *args)
            return ("name", t.text, t.offset)
        if t.kind == "op" and t.text == "(":
            node = self.expr(depth)
            self.expect(")", "to close `(`")
            return node
        if t.kind == "end":
            raise ExprError("expression ends too soon", t.offset, "a value is missing at the end")
        raise ExprError(f"unexpected `{t.text}`", t.offset, "a value is expected here")


def parse(src: str) -> Node:
    """Parse an expression into a tuple tree. Raises ExprError, and nothing else, on bad input."""
    try:
        return _Parser(src).parse()
    except RecursionError:  # pragma: no cover - bounded by MAX_DEPTH, kept as a last guard
        raise ExprError("expression is too deeply nested", 0, code="E045") from None


# -- types and names ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: tuple[str, ...]  # argument types; "*" after the last means "and more of that type"
    result: str
    doc: str


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("min", (NUM, NUM, "*"), NUM, "the smallest of two or more numbers"),
        Function("max", (NUM, NUM, "*"), NUM, "the largest of two or more numbers"),
        Function("abs", (NUM,), NUM, "distance from zero"),
        Function("round", (NUM,), NUM, "nearest whole number, halves away from zero"),
        Function("floor", (NUM,), NUM, "whole number at or below"),
        Function("ceil", (NUM,), NUM, "whole number at or above"),
        Function("clamp", (NUM, NUM, NUM), NUM, "clamp(x, low, high): x kept between low and high"),
        Function("visits", (STR,), NUM, 'how many times a scene was entered: visits("scene")'),
        Function("visited", (STR,), BOOL, 'whether a scene was ever entered: visited("scene")'),
        Function("turn", (), NUM, "how many choices the player has made so far"),
    )
}


@dataclass(frozen=True, slots=True)
class Scope:
    """What names an expression may use: the story's stats and flags, and its scenes."""

    stats: Collection[str]
    flags: Collection[str]
    resolve_scene: Callable[[str], str | None]
    scene_ids: Collection[str] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    offset: int
    hint: str | None = None


def infer(node: Node, scope: Scope) -> tuple[str, list[Problem]]:
    """The type of an expression and every naming or typing problem in it."""
    problems: list[Problem] = []
    return _infer(node, scope, problems), problems


def _hint(word: str, pool: Collection[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, sorted(pool), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def _offset(node: Node) -> int:
    last = node[-1]
    return last if isinstance(last, int) and not isinstance(last, bool) and node[0] not in ("num",) else 0


def _want(node: Node, want: str, got: str, what: str, problems: list[Problem]) -> None:
    if got in (want, ANY):
        return
    hint = None
    if want == BOOL and got == NUM:
        hint = "compare it, for example `technique >= 50`"
    elif want == NUM and got == BOOL:
        hint = "a flag is true or false, not a number; use `if flag then 1 else 0` if you need a number"
    problems.append(Problem("E043", f"{what} needs {want}, but this is {got}", _offset(node), hint))


def _infer(node: Node, scope: Scope, problems: list[Problem]) -> str:
    kind = node[0]
    if kind == "num":
        return NUM
    if kind == "str":
        return STR
    if kind == "bool":
        return BOOL
    if kind == "name":
        name = node[1]
        if name in scope.stats:
            return NUM
        if name in scope.flags:
            return BOOL
        hint = _hint(name, [*scope.stats, *scope.flags])
        if hint is None and name in FUNCTIONS:
            hint = f"call it: `{name}(...)`"
        elif hint is None and name in ("True", "False"):
            hint = f"write `{name.lower()}`"
        problems.append(
            Problem("E041", f"unknown name `{name}`: not a stat or flag of this story", node[2], hint)
        )
        return ANY
    if kind == "neg":
        _want(node[1], NUM, _infer(node[1], scope, problems), "`-`", problems)
        return NUM
    if kind == "not":
        _want(node[1], BOOL, _infer(node[1], scope, problems), "`not`", problems)
        return BOOL
    if kind in ("and", "or"):
        for side in (node[1], node[2]):
            _want(side, BOOL, _infer(side, scope, problems), f"`{kind}`", problems)
        return BOOL
    if kind == "bin":
        for side in (node[2], node[3]):
            _want(side, NUM, _infer(side, scope, problems), f"`{node[1]}`", problems)
        return NUM
    if kind == "cmp":
        op, left, right = node[1], node[2], node[3]
        lt, rt = _infer(left, scope, problems), _infer(right, scope, problems)
        if op in ("==", "!="):
            if ANY not in (lt, rt) and lt != rt:
                problems.append(
                    Problem("E043", f"`{op}` compares {lt} with {rt}; they can never be equal", node[4])
                )
        else:
            _want(left, NUM, lt, f"`{op}`", problems)
            _want(right, NUM, rt, f"`{op}`", problems)
        return BOOL
    if kind == "cond":
        _want(node[1], BOOL, _infer(node[1], scope, problems), "the condition of `if`", problems)
        yes, no = _infer(node[2], scope, problems), _infer(node[3], scope, problems)
        if ANY in (yes, no):
            return yes if no == ANY else no
        if yes != no:
            problems.append(
                Problem(
                    "E043",
                    f"`then` gives {yes} but `else` gives {no}",
                    node[4],
                    "both results must be of one kind; without `else` the result is empty text",
                )
            )
            return ANY
        return yes
    if kind == "call":
        return _infer_call(node, scope, problems)
    raise ValueError(f"not an expression node: {kind!r}")  # pragma: no cover - internal


def _infer_call(node: Node, scope: Scope, problems: list[Problem]) -> str:
    name, args, offset = node[1], node[2], node[3]
    fn = FUNCTIONS.get(name)
    if fn is None:
        hint = _hint(name, FUNCTIONS) or "functions are: " + ", ".join(FUNCTIONS)
        problems.append(Problem("E042", f"unknown function `{name}()`", offset, hint))
        for a in args:
            _infer(a, scope, problems)
        return ANY
    variadic = fn.args and fn.args[-1] == "*"
    fixed = fn.args[:-1] if variadic else fn.args
    if len(args) < len(fixed) or (not variadic and len(args) > len(fixed)):
        need = f"at least {len(fixed)}" if variadic else str(len(fixed))
        problems.append(
            Problem(
                "E042",
                f"{name}() takes {need} argument{'s' * (need != '1')}, not {len(args)}",
                offset,
                fn.doc,
            )
        )
    for i, a in enumerate(args):
        want = fixed[min(i, len(fixed) - 1)] if fixed else NUM
        if name in ("visits", "visited"):
            if a[0] != "str":
                problems.append(
                    Problem("E043", f'{name}() takes a scene id in quotes: {name}("scene")', offset)
                )
                continue
            if scope.resolve_scene(a[1]) is None:
                problems.append(
                    Problem("E044", f'{name}("{a[1]}"): no such scene', offset, _hint(a[1], scope.scene_ids))
                )
            continue
        _want(a, want, _infer(a, scope, problems), f"{name}()", problems)
    return fn.result


# -- compiling to closures ------------------------------------------------------------------


def _sat(x: Any) -> Any:
    if -LIMIT <= x <= LIMIT:
        return x
    return LIMIT if x > 0 else -LIMIT


def _div(a: Any, b: Any) -> Any:
    return _sat(a / b) if b else 0


def _floordiv(a: Any, b: Any) -> Any:
    return _sat(a // b) if b else 0


def _mod(a: Any, b: Any) -> Any:
    return a % b if b else 0


def round_half_away(x: Any) -> int:
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: _sat(a + b),
    "-": lambda a, b: _sat(a - b),
    "*": lambda a, b: _sat(a * b),
    "/": _div,
    "//": _floordiv,
    "%": _mod,
}
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
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


def compile_node(node: Sequence[Any], scope: Scope) -> Fn:
    """A closure `fn(state) -> value` for a checked node.

    `state` needs `.stats` and `.flags` (dicts by name), `.visits` (dict by scene id) and
    `.turn`. Accepts lists as well as tuples, since cached trees come back from JSON as lists.
    """
    kind = node[0]
    if kind in ("num", "str", "bool"):
        value = node[1]
        return lambda s: value
    if kind == "name":
        name = node[1]
        if name in scope.stats:
            return lambda s: s.stats[name]
        return lambda s: s.flags[name]
    if kind == "neg":
        inner = compile_node(node[1], scope)
        return lambda s: -inner(s)
    if kind == "not":
        inner = compile_node(node[1], scope)
        return lambda s: not inner(s)
    if kind == "and":
        a, b = compile_node(node[1], scope), compile_node(node[2], scope)
        return lambda s: a(s) and b(s)
    if kind == "or":
        a, b = compile_node(node[1], scope), compile_node(node[2], scope)
        return lambda s: a(s) or b(s)
    if kind == "bin":
        f = _ARITH[node[1]]
        a, b = compile_node(node[2], scope), compile_node(node[3], scope)
        return lambda s: f(a(s), b(s))
    if kind == "cmp":
        return _compile_cmp(node, scope)
    if kind == "cond":
        c, y, n = compile_node(node[1], scope), compile_node(node[2], scope), compile_node(node[3], scope)
        return lambda s: y(s) if c(s) else n(s)
    if kind == "call":
        return _compile_call(node, scope)
    raise ValueError(f"not an expression node: {kind!r}")  # pragma: no cover - internal


def _compile_cmp(node: Sequence[Any], scope: Scope) -> Fn:
    op, left, right = node[1], node[2], node[3]
    # The commonest condition by far is `stat OP number`: one closure, one dict lookup.
    if left[0] == "num" and right[0] == "name" and right[1] in scope.stats:
        op, left, right = MIRRORED[op], right, left
    if left[0] == "name" and left[1] in scope.stats and right[0] == "num":
        name, k = left[1], right[1]
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


def _compile_call(node: Sequence[Any], scope: Scope) -> Fn:
    name, args = node[1], node[2]
    if name in ("visits", "visited"):
        scene = scope.resolve_scene(args[0][1])
        if name == "visits":
            return lambda s: s.visits.get(scene, 0)
        return lambda s: scene in s.visits
    if name == "turn":
        return lambda s: s.turn
    fs = [compile_node(a, scope) for a in args]
    if name in ("min", "max"):
        pick = min if name == "min" else max
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


def names_in(node: Sequence[Any]) -> list[str]:
    """Every stat or flag name an expression reads, in order of appearance."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        kind = n[0]
        if kind == "name":
            out.append(n[1])
        elif kind == "call":
            stack.extend(reversed(n[2]))
        elif kind not in ("num", "str", "bool"):
            stack.extend(reversed([c for c in n[1:] if isinstance(c, (tuple, list))]))
    return out


def format_value(value: Any) -> str:
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


def to_tuple(node: Sequence[Any]) -> Node:
    """A tree read back from JSON (lists) as tuples again."""
    return tuple(to_tuple(x) if isinstance(x, list) else x for x in node)
