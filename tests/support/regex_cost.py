"""The cost of a regular expression on a text, counted in steps instead of timed.

`cost(pattern, text)` runs the pattern the way Python's backtracking engine does (the same
parse tree, `re._parser`, tried left to right, greedy repeats longest first, lazy ones
shortest first, possessive and atomic ones never giving back) and counts every position tried.
That count is what a slow pattern spends its time on, and it is exact and repeatable where a
timing is neither: `\\s*(.*?)\\s*\\Z` costs about n²/2 steps on n spaces, and a linear pattern
never more than a small multiple of n. Only the constructs the engine's patterns use are
modelled; any other raises, so a new construct cannot slip through unmeasured.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from re import _constants as C
from re import _parser as P
from typing import Any

Cont = Callable[[int], bool]


class _Counter:
    def __init__(self, text: str, flags: int):
        self.text = text
        self.n = len(text)
        self.steps = 0
        self.dotall = bool(flags & re.DOTALL)
        if flags & (re.IGNORECASE | re.MULTILINE):
            raise NotImplementedError("flags not modelled")

    # -- one character ---------------------------------------------------------------------

    def _category(self, cat: Any, ch: str) -> bool:
        if cat is C.CATEGORY_DIGIT:
            return ch.isdecimal()
        if cat is C.CATEGORY_NOT_DIGIT:
            return not ch.isdecimal()
        if cat is C.CATEGORY_SPACE:
            return ch.isspace()
        if cat is C.CATEGORY_NOT_SPACE:
            return not ch.isspace()
        if cat is C.CATEGORY_WORD:
            return ch.isalnum() or ch == "_"
        if cat is C.CATEGORY_NOT_WORD:
            return not (ch.isalnum() or ch == "_")
        raise NotImplementedError(cat)

    def _in(self, items: list[Any], ch: str) -> bool:
        negate = False
        hit = False
        for op, av in items:
            if op is C.NEGATE:
                negate = True
            elif op is C.LITERAL:
                hit = hit or ord(ch) == av
            elif op is C.RANGE:
                hit = hit or av[0] <= ord(ch) <= av[1]
            elif op is C.CATEGORY:
                hit = hit or self._category(av, ch)
            else:
                raise NotImplementedError(op)
        return hit != negate

    def _one(self, item: Any, i: int) -> bool:
        """Whether a single-character item matches at i (one step)."""
        self.steps += 1
        if i >= self.n:
            return False
        op, av = item
        ch = self.text[i]
        if op is C.LITERAL:
            return ord(ch) == av
        if op is C.NOT_LITERAL:
            return ord(ch) != av
        if op is C.ANY:
            return self.dotall or ch != "\n"
        if op is C.IN:
            return self._in(av, ch)
        raise NotImplementedError(op)

    # -- sequences -------------------------------------------------------------------------

    def seq(self, items: list[Any], k: int, i: int, cont: Cont) -> bool:
        self.steps += 1
        if k == len(items):
            return cont(i)
        op, av = items[k]
        nxt: Cont = lambda j: self.seq(items, k + 1, j, cont)
        if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
            return self._one(items[k], i) and nxt(i + 1)
        if op is C.AT:
            return self._at(av, i) and nxt(i)
        if op is C.SUBPATTERN:
            return self.seq(list(av[3]), 0, i, nxt)
        if op is C.BRANCH:
            return any(self.seq(list(alt), 0, i, nxt) for alt in av[1])
        if op is C.ATOMIC_GROUP:
            end = self._first_end(list(av), i)
            return end is not None and nxt(end)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            return self._repeat(op, av, i, nxt)
        raise NotImplementedError(op)

    def _at(self, where: Any, i: int) -> bool:
        self.steps += 1
        if where in (C.AT_BEGINNING_STRING, C.AT_BEGINNING):
            return i == 0
        if where is C.AT_END_STRING:
            return i == self.n
        if where is C.AT_END:
            return i == self.n or (i == self.n - 1 and self.text[i] == "\n")
        raise NotImplementedError(where)

    def _first_end(self, items: list[Any], i: int) -> int | None:
        found: list[int] = []

        def take(j: int) -> bool:
            found.append(j)
            return True

        return found[0] if self.seq(items, 0, i, take) else None

    def _repeat(self, op: Any, av: Any, i: int, cont: Cont) -> bool:
        low, high, body = av[0], av[1], list(av[2])
        high = self.n + 1 if high is C.MAXREPEAT else high
        if len(body) == 1 and body[0][0] in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN) and op is C.MIN_REPEAT:
            count = 0  # lazy: the rest first, one more character only when it fails
            while count < low:
                if not self._one(body[0], i + count):
                    return False
                count += 1
            while not cont(i + count):
                if count >= high or not self._one(body[0], i + count):
                    return False
                count += 1
            return True
        if len(body) == 1 and body[0][0] in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
            count = 0  # a single-character repeat: how far it can go, then try the rest
            while count < high and self._one(body[0], i + count):
                count += 1
            if count < low:
                return False
            if op is C.POSSESSIVE_REPEAT:
                return cont(i + count)
            return any(cont(i + c) for c in range(count, low - 1, -1))
        if op is C.POSSESSIVE_REPEAT:
            count, j = 0, i
            while count < high and (end := self._first_end(body, j)) is not None and end != j:
                count, j = count + 1, end
            return count >= low and cont(j)

        def more(j: int, count: int) -> bool:
            again: Cont = lambda e: e != j and more(e, count + 1)
            if op is C.MAX_REPEAT:
                if count < high and self.seq(body, 0, j, again):
                    return True
                return count >= low and cont(j)
            if count >= low and cont(j):
                return True
            return count < high and self.seq(body, 0, j, again)

        return more(i, 0)


def run(pattern: re.Pattern[str], text: str) -> tuple[int, list[tuple[int, int]]]:
    """Steps to run `pattern` over `text` everywhere `finditer`, `sub` or `search` would try it,
    plus the steps of a `fullmatch` at the start (the dearest way any caller can use it), and
    the spans `finditer` finds (so a test can hold the model to the real engine)."""
    tree = list(P.parse(pattern.pattern, pattern.flags))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        counter = _Counter(text, pattern.flags)
        spans: list[tuple[int, int]] = []
        pos = 0
        while pos <= counter.n:
            ends: list[int] = []

            def take(j: int, ends: list[int] = ends) -> bool:
                ends.append(j)
                return True

            if counter.seq(tree, 0, pos, take):
                spans.append((pos, ends[0]))
                pos = ends[0] if ends[0] > pos else pos + 1
            else:
                pos += 1
        whole = _Counter(text, pattern.flags)
        whole.seq(tree, 0, 0, lambda j: j == whole.n)
        return counter.steps + whole.steps, spans
    finally:
        sys.setrecursionlimit(limit)


def token_cost(pattern: re.Pattern[str], text: str) -> int:
    """Steps of a tokenizer's loop: `match` at 0, then where each token ends, until one fails."""
    tree = list(P.parse(pattern.pattern, pattern.flags))
    counter = _Counter(text, pattern.flags)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # a repeated group recurses once per repetition
    try:
        pos = 0
        while pos < counter.n:
            ends: list[int] = []

            def take(j: int, ends: list[int] = ends) -> bool:
                ends.append(j)
                return True

            if not counter.seq(tree, 0, pos, take) or ends[0] == pos:
                break
            pos = ends[0]
    finally:
        sys.setrecursionlimit(limit)
    return counter.steps


def cost(pattern: re.Pattern[str], text: str) -> int:
    """The steps of `run`."""
    return run(pattern, text)[0]


def alphabet(pattern: re.Pattern[str]) -> str:
    """The characters a pattern cares about, with a sample of each class it names."""
    chars = set(" \t\nax0Z_.-{}:%+=\"'\\\x1b[]\x07")

    def walk(items: Any) -> None:
        for op, av in items:
            if op in (C.LITERAL, C.NOT_LITERAL):
                chars.add(chr(av))
            elif op is C.IN:
                for sub_op, sub_av in av:
                    if sub_op is C.LITERAL:
                        chars.add(chr(sub_av))
                    elif sub_op is C.RANGE:
                        chars.update((chr(sub_av[0]), chr(sub_av[1])))
            elif op is C.SUBPATTERN:
                walk(av[3])
            elif op is C.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                walk(av[2])
            elif op is C.ATOMIC_GROUP:
                walk(av)

    walk(P.parse(pattern.pattern, pattern.flags))
    return "".join(sorted(chars))
