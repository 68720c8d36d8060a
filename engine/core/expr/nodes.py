"""The parsed expression: one small frozen class per kind of node, and its wire form.

Every module that reads a tree (the type checker, the compiler, the reasons a choice is
locked, the stat ranges, the simulator's distances) matches on these classes and reads their
fields by name, so a change of shape is a type error rather than a wrong `tree[2]` somewhere.
Nodes are frozen, slotted and hashable: the linker shares one closure between identical trees
by using the tree as a dictionary key, and the checks collect trees in sets.

`offset` is where the node's operator or name starts in the expression's source (0-based), for
messages. Literals carry none: a problem is never reported at a literal alone.

The load cache stores the parsed IR with `marshal`, which holds only plain data, so the IR
keeps expressions in a *wire form* of nested tuples (`to_data`) and the linker turns each
distinct tree back into nodes once (`from_data`). The two are exact inverses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias, assert_never

#: The wire form of a node: `("num", 5)`, `("name", "technique", 7)`,
#: `("cmp", ">=", left, right, 10)`... (see `to_data`). Nested tuples, so `marshal` can store it;
#: plain data at the cache's boundary, given shape again by `from_data`.
Data: TypeAlias = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Num:
    """A number literal: an int, or a float when written with a decimal point."""

    value: int | float

    def _data(self) -> Data:
        return ("num", self.value)


@dataclass(frozen=True, slots=True)
class Str:
    """A text literal, already unquoted (escapes resolved, wrapped lines joined)."""

    value: str

    def _data(self) -> Data:
        return ("str", self.value)


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool

    def _data(self) -> Data:
        return ("bool", self.value)


@dataclass(frozen=True, slots=True)
class Name:
    """A stat or flag of the story (which one is known only against a `Scope`)."""

    name: str
    offset: int

    def _data(self) -> Data:
        return ("name", self.name, self.offset)


@dataclass(frozen=True, slots=True)
class Neg:
    """`-operand`."""

    operand: Node
    offset: int

    def _data(self) -> Data:
        return ("neg", self.operand._data(), self.offset)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    offset: int

    def _data(self) -> Data:
        return ("not", self.operand._data(), self.offset)


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node
    offset: int

    def _data(self) -> Data:
        return ("and", self.left._data(), self.right._data(), self.offset)


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node
    offset: int

    def _data(self) -> Data:
        return ("or", self.left._data(), self.right._data(), self.offset)


@dataclass(frozen=True, slots=True)
class Arith:
    """`left op right` for op in + - * / // %."""

    op: str
    left: Node
    right: Node
    offset: int

    def _data(self) -> Data:
        return ("bin", self.op, self.left._data(), self.right._data(), self.offset)


@dataclass(frozen=True, slots=True)
class Cmp:
    """`left op right` for op in == != < <= > >= (never chained)."""

    op: str
    left: Node
    right: Node
    offset: int

    def _data(self) -> Data:
        return ("cmp", self.op, self.left._data(), self.right._data(), self.offset)


@dataclass(frozen=True, slots=True)
class Cond:
    """`if test then yes else no`; without `else`, `no` is the empty text."""

    test: Node
    yes: Node
    no: Node
    offset: int

    def _data(self) -> Data:
        return ("cond", self.test._data(), self.yes._data(), self.no._data(), self.offset)


@dataclass(frozen=True, slots=True)
class Call:
    """`name(args...)`: one of the language's functions (checked against `FUNCTIONS`)."""

    name: str
    args: tuple[Node, ...]
    offset: int

    def _data(self) -> Data:
        return ("call", self.name, tuple(a._data() for a in self.args), self.offset)


Node: TypeAlias = Num | Str | Bool | Name | Neg | Not | And | Or | Arith | Cmp | Cond | Call


def children(node: Node) -> tuple[Node, ...]:
    """The node's sub-expressions, left to right as written."""
    match node:
        case Num() | Str() | Bool() | Name():
            return ()
        case Neg() | Not():
            return (node.operand,)
        case And() | Or() | Arith() | Cmp():
            return (node.left, node.right)
        case Cond():
            return (node.test, node.yes, node.no)
        case Call():
            return node.args
        case _:  # pragma: no cover - every kind of node is above
            assert_never(node)


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children, left to right as written."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def names_in(node: Node) -> list[str]:
    """Every stat or flag name an expression reads, in order of appearance."""
    return [n.name for n in walk(node) if isinstance(n, Name)]


def to_data(node: Node) -> Data:
    """The wire form of a tree: nested tuples of strings, numbers and booleans.

    Each class writes its own form (`_data`): a method call per node is several times faster
    than matching on the classes, and every expression of a file being parsed comes through here.
    """
    return node._data()


def from_data(data: Data) -> Node:
    """The tree a wire form stands for: `from_data(to_data(node)) == node`, field for field.

    Raises ValueError for anything `to_data` cannot have written (the cache checks entries with
    a checksum, so that means a bug, never a damaged file).
    """
    decode = _DECODERS.get(data[0])
    if decode is None:
        raise ValueError(f"not an expression node: {data[0]!r}")
    return decode(data)


# One decoder per tag, looked up in a dict: decoding is on the path of every load from the cache.
_DECODERS: dict[str, Callable[[Data], Node]] = {
    "num": lambda d: Num(d[1]),
    "str": lambda d: Str(d[1]),
    "bool": lambda d: Bool(d[1]),
    "name": lambda d: Name(d[1], d[2]),
    "neg": lambda d: Neg(from_data(d[1]), d[2]),
    "not": lambda d: Not(from_data(d[1]), d[2]),
    "and": lambda d: And(from_data(d[1]), from_data(d[2]), d[3]),
    "or": lambda d: Or(from_data(d[1]), from_data(d[2]), d[3]),
    "bin": lambda d: Arith(d[1], from_data(d[2]), from_data(d[3]), d[4]),
    "cmp": lambda d: Cmp(d[1], from_data(d[2]), from_data(d[3]), d[4]),
    "cond": lambda d: Cond(from_data(d[1]), from_data(d[2]), from_data(d[3]), d[4]),
    "call": lambda d: Call(d[1], tuple(from_data(a) for a in d[2]), d[3]),
}
