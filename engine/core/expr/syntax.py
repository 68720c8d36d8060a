"""The expression language's syntax: tokens, the hand-written parser, and its limits.

It is a language of its own, not Python: an allow-list grammar parsed by hand, so nothing
outside it can be written at all (no attributes, subscripts, lambdas or comprehensions, no
`**`, no calls but the functions listed in `FUNCTIONS`). The parser builds typed nodes
(engine/core/expr/nodes.py) and raises `ExprError`, and nothing else, on any input.

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

Sizes are bounded so that no expression can be expensive to parse, check or run: its length,
its nesting in the source, the depth of its tree (a flat `1+1+1+...` is a deep tree), and its
literals (at most 10**12; arithmetic saturates beyond, engine/core/expr/values.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TypeVar

from engine.core.errors import PointeEdgeError
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

MAX_LENGTH = 1000
MAX_DEPTH = 48  # nesting of parentheses, `not`, `-` and calls in the source
MAX_TREE_DEPTH = 96  # depth of the parsed tree, chains of operators included
MAX_LITERAL = 10**12
KEYWORDS = frozenset({"and", "or", "not", "true", "false", "if", "then", "else"})


class ExprError(PointeEdgeError):
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

# Quotes a word processor puts in pasted text, and the straight quote each stands for.
_CURLY_QUOTES = "\u201c\u201d\u201e\u2018\u2019\u201a"
_STRAIGHTEN = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'"}
)

# Things people type from other languages, with the way to say them here.
_FOREIGN = [
    ("?", "write `if condition then this else that`"),
    (":", "write `if condition then this else that`"),
    ("&&", "write `and`"),
    ("||", "write `or`"),
    ("!", "write `not`"),
    ("=>", "write `>=`"),
    ("=<", "write `<=`"),
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
    """The tokens of an expression, ending with an `end` token; raises ExprError on a character
    the language does not have (with a hint when it is how another language would say it)."""
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
                    raise ExprError(f"unexpected `{bad}`", pos, _scene_in_quotes(tokens, rest) or hint)
            ch = src[pos]
            if ch in _CURLY_QUOTES:
                straight = src.translate(_STRAIGHTEN).strip()
                raise ExprError(
                    f"unexpected typographic quote `{ch}`", pos, f"use straight quotes: write `{straight}`"
                )
            if ch in "\"'":
                raise ExprError("string is not closed", pos, f"end it with {ch}")
            raise ExprError(f"unexpected character {ch!r}", pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", n))
    return tokens


def _scene_in_quotes(tokens: list[Token], rest: str) -> str | None:
    """`visited(gym.beam)`: a scene's name is text, in quotes; say so at its dot."""
    if not rest.startswith(".") or len(tokens) < 3:
        return None
    call, paren, first = tokens[-3:]
    if call.text not in ("visits", "visited") or paren.text != "(" or first.kind != "name":
        return None
    end = 1
    while end < len(rest) and (rest[end].isascii() and (rest[end].isalnum() or rest[end] in "_.")):
        end += 1
    scene = first.text + rest[:end]
    return f'a scene\'s name goes in quotes: write `{call.text}("{scene}")`'


# A line break and the indentation after it. The spaces before it are stripped from each piece:
# `[ \t]*\n\s*` in one pattern rescanned a run of spaces from each of its characters.
_WRAP = re.compile(r"\n\s*+")


def _unquote(text: str, offset: int) -> str:
    """The value of a string literal. A string may wrap across lines, as prose does in a YAML
    block; each line break with its indentation reads as one space."""
    body = text[1:-1]
    if "\n" in body:
        pieces = _WRAP.split(body)
        body = " ".join([*(p.rstrip(" \t") for p in pieces[:-1]), pieces[-1]])
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


_N = TypeVar("_N", bound=Node)
_EMPTY = Str("")  # what `if c then "text"` gives without `else`


class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.tokens = tokenize(src)
        self.i = 0
        # Tree depth of each node built so far (by id; all nodes stay alive during the parse).
        # A chain like 1+1+1+... is flat in the source but deep as a tree, and the checker and
        # compiler recurse over the tree, so depth is bounded here rather than by the stack.
        self.depths: dict[int, int] = {}

    def mk(self, node: _N, offset: int, *children: Node) -> _N:
        """`node`, once its depth (one more than its deepest child's) is known to be in bounds."""
        depth = 1 + max((self.depths.get(id(c), 1) for c in children), default=0)
        if depth > MAX_TREE_DEPTH:
            raise ExprError(
                "expression is too deeply nested", offset, "split it into simpler parts", code="E045"
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
            before = self.tokens[self.i - 1] if self.i else None
            if before is not None and _in_capitals(before):  # `NOT injured`: the word before
                t = before
            if _in_capitals(t):
                hint = f"write `{t.text.lower()}` in lower case"
            elif t.text in ("if", "then", "else"):
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
            no: Node = _EMPTY
            if self.at("else"):
                self.take()
                no = self.expr(depth)
            return self.mk(Cond(cond, yes, no, t.offset), t.offset, cond, yes, no)
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
            node = self.mk(Or(node, right, t.offset), t.offset, node, right)
        return node

    def and_(self, depth: int) -> Node:
        node = self.not_(depth)
        while self.at("and"):
            t = self.take()
            right = self.not_(depth)
            node = self.mk(And(node, right, t.offset), t.offset, node, right)
        return node

    def not_(self, depth: int) -> Node:
        if self.at("not"):
            t = self.take()
            depth = self._deeper(depth)
            inner = self.not_(depth)
            return self.mk(Not(inner, t.offset), t.offset, inner)
        return self.compare(depth)

    def compare(self, depth: int) -> Node:
        node = self.sum(depth)
        if self.at("==", "!=", "<", "<=", ">", ">="):
            t = self.take()
            right = self.sum(depth)
            node = self.mk(Cmp(t.text, node, right, t.offset), t.offset, node, right)
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
            node = self.mk(Arith(t.text, node, right, t.offset), t.offset, node, right)
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.at("*", "/", "//", "%"):
            t = self.take()
            if t.text == "%" and self.tokens[self.i].kind == "end":
                number = self.src[: t.offset].strip()
                raise ExprError(
                    "`%` at the end needs a number after it (it is the remainder operator)",
                    t.offset,
                    f"a percentage is a plain number here: write `{number}`",
                )
            right = self.unary(depth)
            node = self.mk(Arith(t.text, node, right, t.offset), t.offset, node, right)
        return node

    def unary(self, depth: int) -> Node:
        if self.at("-", "+"):
            t = self.take()
            depth = self._deeper(depth)
            inner = self.unary(depth)
            if t.text == "+":
                return inner
            if isinstance(inner, Num):
                return Num(-inner.value)
            return self.mk(Neg(inner, t.offset), t.offset, inner)
        return self.atom(depth)

    def atom(self, depth: int) -> Node:
        t = self.take()
        if t.kind == "num":
            value: int | float = float(t.text) if "." in t.text else int(t.text)
            if abs(value) > MAX_LITERAL:
                raise ExprError(
                    f"number {t.text} is too large", t.offset, f"numbers go up to {MAX_LITERAL:,}"
                )
            return Num(value)
        if t.kind == "str":
            return Str(_unquote(t.text, t.offset))
        if t.kind == "name":
            if t.text in ("true", "false"):
                return Bool(t.text == "true")
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
                return self.mk(Call(t.text, tuple(args), t.offset), t.offset, *args)
            return Name(t.text, t.offset)
        if t.kind == "op" and t.text == "(":
            node = self.expr(depth)
            self.expect(")", "to close `(`")
            return node
        if t.kind == "end":
            raise ExprError("expression ends too soon", t.offset, "a value is missing at the end")
        raise ExprError(f"unexpected `{t.text}`", t.offset, "a value is expected here")


def _in_capitals(t: Token) -> bool:
    """`AND`, `Not`: a keyword of the language written with capitals, read as a name."""
    return t.kind == "name" and t.text != t.text.lower() and t.text.lower() in KEYWORDS


@functools.lru_cache(maxsize=4096)
def parse(src: str) -> Node:
    """Parse an expression into a tree of nodes. Raises ExprError, and nothing else, on bad input.

    Stories write the same expressions again and again (`{technique}` in every scene, the same
    fragment of prose, `+5`), and a tree is immutable, so the trees of recent sources are kept
    and shared: the cost of a cold load stays that of its distinct expressions. Errors are not
    kept (a bad source is parsed again, to raise again).
    """
    try:
        return _Parser(src).parse()
    except RecursionError:  # pragma: no cover - bounded by MAX_DEPTH, kept as a last guard
        raise ExprError("expression is too deeply nested", 0, code="E045") from None
