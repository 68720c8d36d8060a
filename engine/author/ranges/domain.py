"""The abstract domain of the stat ranges: what a state is, and how effects, conditions and
expressions act on whole intervals at once (engine/author/ranges/solve.py runs it over a story).

A state holds, for each stat, an interval [low, high], and for each flag a mask of what it can
be (FALSE, TRUE or EITHER). Everything here mirrors the rules of play exactly, over intervals:
effects as `Session._apply` applies them (clamping, rounding halves away from zero, fairmath
from its endpoints), expressions by interval arithmetic over their trees, and conditions by
narrowing the state to where they can hold (backwards through `+`, `-` and unary minus to the
stats they read; anything else is not narrowed, which loses precision, never soundness).
`visits()`, `visited()` and `turn()` are unknown: any count, either answer.

The names that read the detour play is in (`caller_scene`, `caller_chapter`, `caller_phase`,
`strikes`) depend on where a state is, not on the state: the solver tells the domain which
scene called the detour it is working in (`caller`, "" outside any detour), and the caller's
scene, chapter and phase are then exact, and `strikes` at least 1 (0 outside any detour). The
warnings, over states joined across callers, give the set of callers a scene is reached with;
where nothing is known (`None`), they can be any caller the story has.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import or_
from typing import Any, NamedTuple

from engine.author.graph import routes
from engine.core import expr as ex
from engine.core.model import Effect, Expr, Story

# A true/false value is a bitmask of what it can be: FALSE, TRUE, or EITHER.
FALSE, TRUE, EITHER = 1, 2, 3
# A number is an interval (low, high); a text, the frozenset of texts it can be.
Interval = tuple[Any, Any]
_INF = math.inf
_LIMIT = ex.LIMIT


class State(NamedTuple):
    """The abstract state at one point: per stat its lowest and highest value, per flag a mask."""

    lo: tuple[int, ...]
    hi: tuple[int, ...]
    flags: tuple[int, ...]


def _state(lo: tuple[int, ...], hi: tuple[int, ...], flags: tuple[int, ...]) -> State:
    """`State(lo, hi, flags)` without the Python-level constructor: the solver's hottest line."""
    return tuple.__new__(State, (lo, hi, flags))


def join_all(first: State | None, more: Sequence[State]) -> State | None:
    """The join of `first` (when there is one) and every state in `more`."""
    states = [first, *more] if first is not None else list(more)
    if not states:
        return None
    if len(states) == 1:
        return states[0]
    return _state(
        tuple(map(min, *(s.lo for s in states))),
        tuple(map(max, *(s.hi for s in states))),
        tuple(map(_or_all, *(s.flags for s in states))),
    )


def _or_all(*masks: int) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def join(a: State | None, b: State | None) -> State | None:
    if a is None:
        return b
    if b is None or a == b:
        return a
    return _state(tuple(map(min, a.lo, b.lo)), tuple(map(max, a.hi, b.hi)), tuple(map(or_, a.flags, b.flags)))


@dataclass(frozen=True, slots=True)
class Bounds:
    """Proven bounds at one point of a story: no career can be outside them there.

    `stats[id]` is (lowest, highest): every value a career can have lies between them, though
    the true extremes may be narrower. `flags[id]` is "true", "false" or "either".
    """

    stats: Mapping[str, tuple[int, int]]
    flags: Mapping[str, str]


def _eps(x: float) -> float:
    return 1e-9 * max(1.0, abs(x))


def _exact(x: Any) -> bool:
    return type(x) is int or x in (_INF, -_INF)


def _join_values(a: Any, b: Any) -> Any:
    if isinstance(a, tuple):
        return (min(a[0], b[0]), max(a[1], b[1]))
    return a | b


class Domain:
    """The abstract operations for one story: evaluating, narrowing and applying effects."""

    def __init__(self, story: Story):
        self.story = story
        self.stat_index = {s.id: i for i, s in enumerate(story.stats)}
        self.flag_index = {f.id: i for i, f in enumerate(story.flags)}
        self.mins = tuple(s.min for s in story.stats)
        self.maxs = tuple(s.max for s in story.stats)
        # The scenes that may have called the detour being worked in ("" for none), or None: any.
        self.caller: frozenset[str] | None = None
        self._any_caller: dict[str, frozenset[str]] | None = None

    def initial(self) -> State:
        starts = tuple(s.start for s in self.story.stats)
        return State(starts, starts, (FALSE,) * len(self.story.flags))

    def widen(self, old: State, new: State) -> State:
        """`new`, with every bound that moved since `old` pushed to the stat's own limit."""
        lo = tuple(m if n < o else n for o, n, m in zip(old.lo, new.lo, self.mins, strict=True))
        hi = tuple(m if n > o else n for o, n, m in zip(old.hi, new.hi, self.maxs, strict=True))
        return State(lo, hi, new.flags)

    def bounds(self, st: State) -> Bounds:
        names = {FALSE: "false", TRUE: "true", EITHER: "either"}
        return Bounds(
            {s.id: (st.lo[i], st.hi[i]) for i, s in enumerate(self.story.stats)},
            {f.id: names[st.flags[i]] for i, f in enumerate(self.story.flags)},
        )

    # -- values ----------------------------------------------------------------------------

    def value(self, node: ex.Node, st: State) -> Any:
        """What an expression can be in `st`: an interval, a true/false mask, or a set of texts."""
        # Class patterns without sub-patterns: capturing fields costs several isinstance checks.
        match node:
            case ex.Num():
                return (node.value, node.value)
            case ex.Name():
                i = self.stat_index.get(node.name)
                if i is not None:
                    return (st.lo[i], st.hi[i])
                j = self.flag_index.get(node.name)
                if j is not None:
                    return st.flags[j]
                return self._detour(node.name)
            case ex.Cmp():
                return self._compare(node.op, self.value(node.left, st), self.value(node.right, st))
            case ex.Arith():
                return _arith(node.op, self.value(node.left, st), self.value(node.right, st))
            case ex.And():
                a = self.value(node.left, st)
                if a == FALSE:
                    return FALSE
                b = self.value(node.right, st)
                return (TRUE if a & TRUE and b & TRUE else 0) | (FALSE if a & FALSE or b & FALSE else 0)
            case ex.Or():
                a = self.value(node.left, st)
                if a == TRUE:
                    return TRUE
                b = self.value(node.right, st)
                return (TRUE if a & TRUE or b & TRUE else 0) | (FALSE if a & FALSE and b & FALSE else 0)
            case ex.Not():
                m = self.value(node.operand, st)
                return ((m & FALSE) << 1) | ((m & TRUE) >> 1)
            case ex.Neg():
                lo, hi = self.value(node.operand, st)
                return (-hi, -lo)
            case ex.Str():
                return frozenset((node.value,))
            case ex.Bool():
                return TRUE if node.value else FALSE
            case ex.Cond():
                test = node.test
                c = self.value(test, st)
                result = None
                if c & TRUE:
                    yes = self.refine(st, test, True)
                    if yes is not None:
                        result = self.value(node.yes, yes)
                if c & FALSE:
                    no = self.refine(st, test, False)
                    if no is not None:
                        other = self.value(node.no, no)
                        result = other if result is None else _join_values(result, other)
                if result is None:  # the condition narrowed to nothing either way: unreachable
                    return self.value(node.yes, st)
                return result
            case ex.Call():
                return self._call(node.name, node.args, st)

    def _detour(self, name: str) -> Any:
        """`caller_scene`, `caller_chapter`, `caller_phase` or `strikes` where the solver is."""
        callers = self.caller
        if name == "strikes":
            if callers is None or (callers and "" in callers and len(callers) > 1):
                return (0, _LIMIT)
            return (0, 0) if "" in callers else (1, _LIMIT)
        if callers is None:
            return self._every_caller()[name]
        return frozenset(self._describe(c)[name] for c in callers)

    def _describe(self, caller: str) -> dict[str, str]:
        scene = self.story.scenes.get(caller)
        chapter = scene.chapter if scene is not None else ""
        phase = self.story.chapters[chapter].phase if chapter in self.story.chapters else ""
        return {"caller_scene": caller, "caller_chapter": chapter, "caller_phase": phase}

    def _every_caller(self) -> dict[str, frozenset[str]]:
        """What each caller name can be anywhere: "" (no detour) or any scene with a `call`."""
        if self._any_caller is None:
            callers = [""] + [
                sid
                for sid, scene in self.story.scenes.items()
                if any(r.kind == "call" for r in routes(scene))
            ]
            described = [self._describe(c) for c in callers]
            self._any_caller = {
                name: frozenset(d[name] for d in described)
                for name in ("caller_scene", "caller_chapter", "caller_phase")
            }
        return self._any_caller

    def _compare(self, op: str, a: Any, b: Any) -> int:
        if isinstance(a, tuple):
            (alo, ahi), (blo, bhi) = a, b
            if op == "<":
                op, alo, ahi, blo, bhi = ">", blo, bhi, alo, ahi
            elif op == "<=":
                op, alo, ahi, blo, bhi = ">=", blo, bhi, alo, ahi
            if op == ">=":
                return (TRUE if ahi >= blo else 0) | (FALSE if alo < bhi else 0)
            if op == ">":
                return (TRUE if ahi > blo else 0) | (FALSE if alo <= bhi else 0)
            can_equal = alo <= bhi and blo <= ahi
            can_differ = not (alo == ahi == blo == bhi)
        elif isinstance(a, frozenset):
            can_equal = bool(a & b)
            can_differ = not (len(a) == 1 and a == b)
        else:  # true/false masks
            can_equal = bool(a & b)
            can_differ = not (a == b and a != EITHER)
        if op == "!=":
            can_equal, can_differ = can_differ, can_equal
        return (TRUE if can_equal else 0) | (FALSE if can_differ else 0)

    def _call(self, name: str, args: Sequence[ex.Node], st: State) -> Any:
        if name == "visits" or name == "turn":
            return (0, _LIMIT)
        if name == "visited":
            return EITHER
        vals = [self.value(a, st) for a in args]
        if name == "min":
            return (min(v[0] for v in vals), min(v[1] for v in vals))
        if name == "max":
            return (max(v[0] for v in vals), max(v[1] for v in vals))
        lo, hi = vals[0]
        if name == "abs":
            if lo >= 0:
                return (lo, hi)
            if hi <= 0:
                return (-hi, -lo)
            return (0, max(-lo, hi))
        if name == "round":
            return (ex.round_half_away(lo), ex.round_half_away(hi))
        if name == "floor":
            return (math.floor(lo), math.floor(hi))
        if name == "ceil":
            return (math.ceil(lo), math.ceil(hi))
        if name == "clamp":  # min(max(x, low), high): monotone in all three
            (llo, lhi), (hlo, hhi) = vals[1], vals[2]
            return (min(max(lo, llo), hlo), min(max(hi, lhi), hhi))
        raise ValueError(f"no such function: {name}")  # pragma: no cover - rejected at load

    # -- narrowing by a condition ------------------------------------------------------------

    def refine(self, st: State, node: ex.Node, want: bool) -> State | None:
        """`st` narrowed to where the condition `node` is `want`; None where it never is."""
        if isinstance(node, ex.Not):
            return self.refine(st, node.operand, not want)
        if isinstance(node, ex.And | ex.Or):
            left, right = node.left, node.right
            if isinstance(node, ex.And) == want:  # both sides must be `want`
                first = self.refine(st, left, want)
                return None if first is None else self.refine(first, right, want)
            decided = self.refine(st, left, want)  # the left side alone decides...
            rest = self.refine(st, left, not want)  # ... or the right side does
            if rest is not None:
                rest = self.refine(rest, right, want)
            return join(decided, rest)
        if isinstance(node, ex.Bool):
            return st if node.value == want else None
        if isinstance(node, ex.Name) and node.name in self.flag_index:
            return self._set_flag(st, self.flag_index[node.name], TRUE if want else FALSE)
        if isinstance(node, ex.Cmp):
            op, left, right = node.op if want else ex.NEGATED[node.op], node.left, node.right
            if (
                isinstance(left, ex.Name)
                and isinstance(right, ex.Num)
                and op != "!="
                and left.name in self.stat_index
            ):
                # `technique >= 60`, the commonest condition by far: narrowing it is exact
                lo, hi = right.value, right.value
                return self._narrow(
                    st,
                    left,
                    lo if op[0] in ">=" else -_INF,
                    op == ">",
                    hi if op[0] in "<=" else _INF,
                    op == "<",
                )
            narrowed = self._refine_cmp(st, op, left, right)
            if narrowed is None:
                return None
            st = narrowed
        if not self.value(node, st) & (TRUE if want else FALSE):
            return None
        return st

    def _set_flag(self, st: State, i: int, mask: int) -> State | None:
        have = st.flags[i]
        if not have & mask:
            return None
        if have == mask:
            return st
        return st._replace(flags=(*st.flags[:i], mask, *st.flags[i + 1 :]))

    def _refine_cmp(self, st: State, op: str, left: ex.Node, right: ex.Node) -> State | None:
        a, b = self.value(left, st), self.value(right, st)
        if not isinstance(a, tuple):
            if op in ("==", "!=") and isinstance(a, int):  # flags compared with true/false
                for flag, other in ((left, b), (right, a)):
                    if isinstance(flag, ex.Name) and flag.name in self.flag_index and other in (TRUE, FALSE):
                        mask = other if op == "==" else other ^ EITHER
                        got = self._set_flag(st, self.flag_index[flag.name], mask)
                        if got is None:
                            return None
                        st = got
            return st
        narrowed = self._narrow_by(st, op, left, b)
        if narrowed is None:
            return None
        return self._narrow_by(narrowed, ex.MIRRORED[op], right, self.value(left, narrowed))

    def _narrow_by(self, st: State, op: str, node: ex.Node, other: Interval) -> State | None:
        """`st` narrowed so that `node OP x` can hold for some x in `other`."""
        olo, ohi = other
        if op == ">=":
            return self._narrow(st, node, olo, False, _INF, False)
        if op == ">":
            return self._narrow(st, node, olo, True, _INF, False)
        if op == "<=":
            return self._narrow(st, node, -_INF, False, ohi, False)
        if op == "<":
            return self._narrow(st, node, -_INF, False, ohi, True)
        if op == "==":
            return self._narrow(st, node, olo, False, ohi, False)
        if olo == ohi and isinstance(node, ex.Name) and node.name in self.stat_index:  # != one value
            i = self.stat_index[node.name]
            lo, hi = st.lo[i], st.hi[i]
            if lo == olo:
                lo += 1
            if hi == olo:
                hi -= 1
            return self._set_stat(st, i, lo, hi)
        return st

    def _narrow(
        self, st: State, node: ex.Node, lo: Any, lo_open: bool, hi: Any, hi_open: bool
    ) -> State | None:
        """`st` narrowed so that the number `node` can lie within the given bounds.

        Bounds may be open (strict), and infinite. Only stats are narrowed, reached backwards
        through `+`, `-` and unary minus; a bound computed with floats is widened by a hair
        and closed, so float rounding can never cut off a value play could have.
        """
        if isinstance(node, ex.Name):
            i = self.stat_index.get(node.name)
            if i is None:
                return st
            new_lo, new_hi = st.lo[i], st.hi[i]
            if lo != -_INF:
                new_lo = max(new_lo, math.floor(lo) + 1 if lo_open else math.ceil(lo))
            if hi != _INF:
                new_hi = min(new_hi, math.ceil(hi) - 1 if hi_open else math.floor(hi))
            return self._set_stat(st, i, new_lo, new_hi)
        if isinstance(node, ex.Neg):
            return self._narrow(st, node.operand, -hi, hi_open, -lo, lo_open)
        if isinstance(node, ex.Arith) and node.op in ("+", "-"):
            # The result saturates at +-LIMIT: a bound at the limit says nothing beyond it.
            if lo <= -_LIMIT:
                lo, lo_open = -_INF, False
            if hi >= _LIMIT:
                hi, hi_open = _INF, False
            left, right = node.left, node.right
            if node.op == "+":  # left in [lo - right, hi - right], then right likewise
                rlo, rhi = self.value(right, st)
                got = self._narrow(st, left, *_lower(lo - rhi, lo_open), *_upper(hi - rlo, hi_open))
                if got is None:
                    return None
                llo, lhi = self.value(left, got)
                return self._narrow(got, right, *_lower(lo - lhi, lo_open), *_upper(hi - llo, hi_open))
            rlo, rhi = self.value(right, st)  # left - right: left in [lo + right, hi + right]
            got = self._narrow(st, left, *_lower(lo + rlo, lo_open), *_upper(hi + rhi, hi_open))
            if got is None:
                return None
            llo, lhi = self.value(left, got)  # right in [left - hi, left - lo]
            return self._narrow(got, right, *_lower(llo - hi, hi_open), *_upper(lhi - lo, lo_open))
        return st

    def _set_stat(self, st: State, i: int, lo: int, hi: int) -> State | None:
        if lo > hi:
            return None
        if lo == st.lo[i] and hi == st.hi[i]:
            return st
        return _state((*st.lo[:i], lo, *st.lo[i + 1 :]), (*st.hi[:i], hi, *st.hi[i + 1 :]), st.flags)

    # -- effects -----------------------------------------------------------------------------

    def apply(self, effects: Sequence[Effect], st: State) -> State:
        """The state after effects run in order, as `Session._apply` runs them."""
        los, his = list(st.lo), list(st.hi)
        flags = st.flags
        for e in effects:
            op = e.op
            if op == "flag":
                i = self.flag_index[e.target]
                flags = (*flags[:i], TRUE if e.value else FALSE, *flags[i + 1 :])
                continue
            i = self.stat_index[e.target]
            smin, smax = self.mins[i], self.maxs[i]
            amount = e.amount
            if op == "add" and type(amount) is int:  # by far the commonest: exact, no rounding
                lo, hi = los[i] + amount, his[i] + amount
            else:
                lo, hi = self._change(e, los[i], his[i], smin, smax, _state(tuple(los), tuple(his), flags))
            los[i] = smin if lo < smin else smax if lo > smax else lo
            his[i] = smin if hi < smin else smax if hi > smax else hi
        return _state(tuple(los), tuple(his), flags)

    def _change(self, e: Effect, old_lo: int, old_hi: int, smin: int, smax: int, st: State) -> Interval:
        """The new bounds of one stat after an effect, rounded as play rounds them (not clamped)."""
        amount = e.amount
        if isinstance(amount, Expr):
            alo, ahi = self.value(amount.tree, st)
        else:
            alo = ahi = amount
        if e.op == "add":
            lo, hi = old_lo + alo, old_hi + ahi
        elif e.op == "set":
            lo, hi = alo, ahi
        else:
            values = []
            if ahi >= 0:  # a share of the room left to the max
                for a in (max(alo, 0), ahi):
                    values += [o + (smax - o) * a / 100 for o in (old_lo, old_hi)]
            if alo < 0:  # ... or down to the min
                for a in (alo, min(ahi, 0)):
                    values += [o + (o - smin) * a / 100 for o in (old_lo, old_hi)]
            lo, hi = min(values), max(values)
            if alo != ahi:  # corners of a bilinear form: widen against float rounding
                lo, hi = lo - _eps(lo), hi + _eps(hi)
        if type(lo) is not int:
            lo = ex.round_half_away(lo)
        if type(hi) is not int:
            hi = ex.round_half_away(hi)
        return lo, hi


def _lower(x: Any, is_open: bool) -> tuple[Any, bool]:
    """A lower bound from arithmetic: kept exact for whole numbers, else lowered a hair."""
    if _exact(x):
        return x, is_open
    return x - _eps(x), False


def _upper(x: Any, is_open: bool) -> tuple[Any, bool]:
    if _exact(x):
        return x, is_open
    return x + _eps(x), False


def _sat(x: Any) -> Any:
    return x if -_LIMIT <= x <= _LIMIT else (_LIMIT if x > 0 else -_LIMIT)


def _arith(op: str, a: Interval, b: Interval) -> Interval:
    """Interval arithmetic with the runtime's own operations (and its saturation)."""
    (alo, ahi), (blo, bhi) = a, b
    if op == "+":
        return (_sat(alo + blo), _sat(ahi + bhi))
    if op == "-":
        return (_sat(alo - bhi), _sat(ahi - blo))
    if op == "*":
        corners = (alo * blo, alo * bhi, ahi * blo, ahi * bhi)
        return (_sat(min(corners)), _sat(max(corners)))
    if op == "%":
        return _mod(alo, ahi, blo, bhi)
    # / and //: zero gives 0; a divisor range around zero can give anything
    if blo == bhi == 0:
        return (0, 0)
    if blo <= 0 <= bhi:
        return (-_LIMIT, _LIMIT)
    if op == "/":
        corners = (alo / blo, alo / bhi, ahi / blo, ahi / bhi)
    else:
        corners = (alo // blo, alo // bhi, ahi // blo, ahi // bhi)
    return (_sat(min(corners)), _sat(max(corners)))


def _mod(alo: Any, ahi: Any, blo: Any, bhi: Any) -> Interval:
    """`a % b` as Python computes it: the sign of b, smaller than b; 0 when b is 0."""
    if blo == bhi == 0:
        return (0, 0)
    if blo > 0 and alo >= 0 and ahi < blo:
        return (alo, ahi)  # never wraps
    parts: list[Interval] = []
    if bhi > 0:
        parts.append((0, min(bhi, ahi) if alo >= 0 else bhi))
    if blo < 0:
        parts.append((max(blo, alo) if ahi <= 0 else blo, 0))
    if blo <= 0 <= bhi:
        parts.append((0, 0))
    return (min(p[0] for p in parts), max(p[1] for p in parts))
