"""Names and types: what an expression may use, and what kind of value it gives.

Every expression is checked at load against the story's stats and flags (a `Scope`), so a
typo or a number used as a condition is an author's diagnostic with a hint, never an error in
play. Types are the three kinds of value the language has (number, true/false, text) and `ANY`
for a part already reported, so one mistake is not reported again by everything around it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import assert_never

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

NUM, BOOL, STR, ANY = "number", "true/false", "text", "any"


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
class DetourName:
    """A name that reads the detour play is in: who called it, and how often it has struck.

    A setback struck in a final and one struck at a Tuesday practice are the same scenes; these
    names let their text and choices tell the two apart. They read the innermost `call` (the
    top of the detour stack), and give `outside` when play is in no detour.
    """

    name: str
    type: str
    outside: str | int
    doc: str


DETOUR_NAMES: dict[str, DetourName] = {
    d.name: d
    for d in (
        DetourName("caller_scene", STR, "", "the scene that called this detour, as `chapter.scene`"),
        DetourName("caller_chapter", STR, "", "the chapter of the scene that called this detour"),
        DetourName("caller_phase", STR, "", "the phase of that chapter: training, competition, ..."),
        DetourName("strikes", NUM, 0, "how many times play has called into this detour, this time included"),
    )
}


@dataclass(frozen=True, slots=True)
class Scope:
    """What names an expression may use: the story's stats and flags, and its scenes.

    `chapter_of` and `phase_of` map each scene id to its chapter and that chapter's phase: the
    caller's chapter and phase are known when the story is linked, so the compiled closure
    looks them up in a dict of its own instead of asking the story on every step.
    """

    stats: Collection[str]
    flags: Collection[str]
    resolve_scene: Callable[[str], str | None]
    scene_ids: Collection[str] = ()
    chapter_of: Mapping[str, str] = field(default_factory=dict)
    phase_of: Mapping[str, str] = field(default_factory=dict)


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
    """Where a node is reported: literals carry no offset, and are reported at 0."""
    return 0 if isinstance(node, Num | Str | Bool) else node.offset


#: Numbers written as words (`+five`), and the digits to write instead.
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}


def _flag_as_text(op: str, left: Node, right: Node) -> str | None:
    """`injured == "true"`: a flag is already true or false, so say how to test it."""
    for flag, text in ((left, right), (right, left)):
        if isinstance(flag, Name) and isinstance(text, Str) and text.value.lower() in ("true", "false"):
            holds = (text.value.lower() == "true") == (op == "==")
            return f"a flag is true or false already: write `{'' if holds else 'not '}{flag.name}`"
    return None


def _want(node: Node, want: str, got: str, what: str, problems: list[Problem]) -> None:
    if got in (want, ANY):
        return
    hint = None
    if want == BOOL and got == NUM:
        hint = "compare it, for example `technique >= 50`"
    elif want == NUM and got == BOOL:
        hint = "a flag is true or false, not a number; use `if flag then 1 else 0` if you need a number"
    problems.append(Problem("E043", f"{what} needs {want}, but this is {got}", _offset(node), hint))


def _infer(node: Node, scope: Scope, problems: list[Problem], words: bool = False) -> str:
    """The type of `node`; `words` when it is what an `if` gives, where a bare word was
    probably meant as text to show."""
    match node:
        case Num():
            return NUM
        case Str():
            return STR
        case Bool():
            return BOOL
        case Name():
            name = node.name
            if name in scope.stats:
                return NUM
            if name in scope.flags:
                return BOOL
            if name in DETOUR_NAMES:
                return DETOUR_NAMES[name].type
            hint = _hint(name, [*scope.stats, *scope.flags, *DETOUR_NAMES])
            if hint is None and name in FUNCTIONS:
                hint = f"call it: `{name}(...)`"
            elif hint is None and name.lower() in ("true", "false"):
                hint = f"write `{name.lower()}`"
            elif hint is None and name.lower() in _NUMBER_WORDS:
                hint = f"write the number in digits: `{_NUMBER_WORDS[name.lower()]}`"
            elif hint is None and words:
                hint = f'words to show go in quotes: write `"{name}"`'
            problems.append(
                Problem("E041", f"unknown name `{name}`: not a stat or flag of this story", node.offset, hint)
            )
            return ANY
        case Neg():
            _want(node.operand, NUM, _infer(node.operand, scope, problems), "`-`", problems)
            return NUM
        case Not():
            _want(node.operand, BOOL, _infer(node.operand, scope, problems), "`not`", problems)
            return BOOL
        case And() | Or():
            word = "`and`" if isinstance(node, And) else "`or`"
            for side in (node.left, node.right):
                _want(side, BOOL, _infer(side, scope, problems), word, problems)
            return BOOL
        case Arith():
            for side in (node.left, node.right):
                _want(side, NUM, _infer(side, scope, problems), f"`{node.op}`", problems)
            return NUM
        case Cmp():
            op, left, right = node.op, node.left, node.right
            lt, rt = _infer(left, scope, problems), _infer(right, scope, problems)
            if op in ("==", "!="):
                if ANY not in (lt, rt) and lt != rt:
                    problems.append(
                        Problem(
                            "E043",
                            f"`{op}` compares {lt} with {rt}; they can never be equal",
                            node.offset,
                            _flag_as_text(op, left, right),
                        )
                    )
            else:
                _want(left, NUM, lt, f"`{op}`", problems)
                _want(right, NUM, rt, f"`{op}`", problems)
            return BOOL
        case Cond():
            _want(node.test, BOOL, _infer(node.test, scope, problems), "the condition of `if`", problems)
            yes, no = _infer(node.yes, scope, problems, True), _infer(node.no, scope, problems, True)
            if ANY in (yes, no):
                return yes if no == ANY else no
            if yes != no:
                problems.append(
                    Problem(
                        "E043",
                        f"`then` gives {yes} but `else` gives {no}",
                        node.offset,
                        "both results must be of one kind; without `else` the result is empty text",
                    )
                )
                return ANY
            return yes
        case Call():
            return _infer_call(node, scope, problems)
        case _:  # pragma: no cover - every kind of node is above
            assert_never(node)


def _infer_call(node: Call, scope: Scope, problems: list[Problem]) -> str:
    name, args, offset = node.name, node.args, node.offset
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
            if not isinstance(a, Str):
                problems.append(
                    Problem("E043", f'{name}() takes a scene id in quotes: {name}("scene")', offset)
                )
                continue
            if scope.resolve_scene(a.value) is None:
                problems.append(
                    Problem(
                        "E044",
                        f'{name}("{a.value}"): no such scene',
                        offset,
                        _hint(a.value, scope.scene_ids),
                    )
                )
            continue
        _want(a, want, _infer(a, scope, problems), f"{name}()", problems)
    return fn.result
