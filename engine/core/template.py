"""Scene and choice text: paragraphs, light emphasis, and `{expression}` interpolation.

Text is prose first. A blank line starts a new paragraph and single line breaks are folded into
spaces, as in Markdown, so authors can wrap lines freely. `*italic*` and `**bold**` are the only
styling; `{expr}` inserts a value and `{if cond then "a" else "b"}` chooses a fragment (its
text literals may hold emphasis too, styled once at link: `Template.styled`). `{{`, `}}`, `\\*`
and `\\|` write a literal brace, asterisk or bar.

A variation, `{seq: a | b}`, `{cycle: a | b}`, `{shuffle: a | b}` or `{once: a | b}` (ink's
sequence, cycle, shuffle and once-only alternatives), picks a fragment by how many times the
scene that owns the text has been entered. The owner is bound when the text is linked
(`link(..., scene)`), so a choice's or an outcome's text counts its scene's visits, and
rendering looks nothing up by name. An expression never starts with `word:`, so the two cannot
be confused.

A template is parsed once at load into pieces (`parse`; the loader keeps them in its cached IR)
and linked into a `Template` whose `render(state)` returns paragraphs of `(text, style)` spans:
styled runs, never markup, so nothing in a story can be mistaken for terminal or Rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias, TypeVar, cast

from engine.core import expr as ex
from engine.core.errors import PointeEdgeError
from engine.core.hashmix import MASK, mix, text_hash
from engine.core.state_view import StateView
from engine.core.textsafe import clean

if TYPE_CHECKING:  # the model holds templates; a template holds the model's compiled expressions
    from engine.core.model import Expr

PLAIN, ITALIC, BOLD = 0, 1, 2

Span = tuple[str, int]  # text, style bits
Rendered = tuple[tuple[Span, ...], ...]  # paragraphs of spans


class TemplateError(PointeEdgeError):
    """A problem in the text itself (not in an expression), at `offset` characters into it."""

    def __init__(self, message: str, offset: int, hint: str | None = None, code: str = "E046"):
        super().__init__(message)
        self.message, self.offset, self.hint, self.code = message, offset, hint, code


def _expression_end(text: str, start: int) -> int:
    """Index of the `}` closing the expression that starts at `start`, skipping quoted strings."""
    i, n = start, len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "}":
            return i
        elif ch == "{" or (ch == "\n" and text[i + 1 : i + 2] == "\n"):
            break
        i += 1
    raise TemplateError(
        "`{` is not closed", start - 1, "end the expression with `}`, or write `{{` for a brace"
    )


ExprProblem = tuple[ex.ExprError, int, str]  # the error, where its expression starts, its source


class Interpolation(NamedTuple):
    """A `{...}` in the text: its source (trimmed), where that starts in the text, its tree."""

    source: str
    offset: int
    tree: ex.Node


class Variation(NamedTuple):
    """A `{seq: a | b}` in the text: its kind, where it starts, and each fragment's pieces."""

    kind: str  # one of KINDS
    offset: int
    fragments: tuple[list[Piece], ...]


Piece: TypeAlias = tuple[int, "str | Interpolation | Variation"]  # style bits, and text or a `{...}`

#: The kinds of variation, as ink has them: a sequence stops at its last fragment, a cycle
#: starts over, a shuffle picks one by the career's RNG, and `once` shows each fragment once.
KINDS = ("seq", "cycle", "shuffle", "once")
_VARIATION = re.compile(r"\{\s*([A-Za-z_]\w*)\s*:")


def parse(text: str) -> tuple[list[list[Piece]], list[TemplateError | ExprProblem]]:
    """Parse text into paragraphs of `(style, str)`, `(style, Interpolation)` and
    `(style, Variation)` pieces.

    Returns the pieces and the problems found (all of them, not just the first). Expression
    errors come back as `(ExprError, offset of the expression in the text, its source)`.
    """
    problems: list[TemplateError | ExprProblem] = []
    return _scan(text, 0, len(text), PLAIN, problems), problems


def _scan(
    text: str, i: int, n: int, style: int, problems: list[TemplateError | ExprProblem], fragment: bool = False
) -> list[list[Piece]]:
    """Paragraphs of pieces for `text[i:n]`, starting in `style`. A variation's fragment is
    scanned the same way (`fragment`): there `\\|` writes a `|`, and its ends are trimmed."""
    paragraphs: list[list[Piece]] = []
    pieces: list[Piece] = []
    buf: list[str] = []
    opened = {ITALIC: -1, BOLD: -1}
    first_style = style

    def flush() -> None:
        if buf:
            chunk = "".join(buf)
            last = pieces[-1][1] if pieces and pieces[-1][0] == style else None
            if isinstance(last, str):
                pieces[-1] = (style, last + chunk)
            else:
                pieces.append((style, chunk))
            buf.clear()

    def end_paragraph(at: int) -> None:
        nonlocal style, pieces
        flush()
        for bit, where in opened.items():
            if (style ^ first_style) & bit:
                mark = "**" if bit == BOLD else "*"
                where_ = "fragment" if fragment else "paragraph"
                problems.append(TemplateError(f"`{mark}` is not closed in this {where_}", where, _STAR_HINT))
        style = first_style
        tidy = _tidy(pieces)
        if tidy or fragment:
            paragraphs.append(tidy)
        pieces = []

    search = _SPECIAL.search
    while i < n:
        ch = text[i]
        if ch not in _SPECIAL_CHARS:  # a run of ordinary text, taken whole
            m = search(text, i, n)
            j = m.start() if m is not None else n
            buf.append(text[i:j])
            i = j
            continue
        if ch == "\n":
            j = i
            while j < n and text[j] in " \t\n":
                j += 1
            if text.count("\n", i, j) >= 2:
                end_paragraph(i)
            elif buf and buf[-1][-1:] == "-" and text[i - 2 : i - 1].isalpha() and text[j : j + 1].isalpha():
                pass  # a word hyphenated at the end of a line ("twenty-\nfour") stays one word
            else:
                buf.append(" ")
            i = j
        elif ch == "{":
            if text.startswith("{{", i):
                buf.append("{")
                i += 2
                continue
            if (m := _VARIATION.match(text, i)) is not None:
                flush()
                i = _variation(text, i, m, style, pieces, problems)
                continue
            try:
                end = _expression_end(text, i + 1)
            except TemplateError as err:
                problems.append(err)
                i += 1
                continue
            source = text[i + 1 : end]
            flush()
            lead = len(source) - len(source.lstrip())
            try:
                tree = ex.parse(source.strip())
            except ex.ExprError as err:
                problems.append((err, i + 1 + lead, source.strip()))
            else:
                pieces.append((style, Interpolation(source.strip(), i + 1 + lead, tree)))
            i = end + 1
        elif ch == "}":
            if text.startswith("}}", i):
                buf.append("}")
                i += 2
            else:
                problems.append(TemplateError("`}` without `{`", i, "write `}}` for a literal brace"))
                i += 1
        elif ch == "\\" and text.startswith("\\*", i):
            buf.append("*")
            i += 2
        elif ch == "\\" and text.startswith("\\|", i):
            buf.append("|")
            i += 2
        elif ch == "*":
            bit = BOLD if text.startswith("**", i) else ITALIC
            flush()
            style ^= bit
            opened[bit] = i
            i += 2 if bit == BOLD else 1
        else:  # a backslash that escapes nothing: itself
            buf.append(ch)
            i += 1
    end_paragraph(n)
    return paragraphs


_SPECIAL_CHARS = "\n{}\\*"  # what `_scan` looks at one by one; all else is taken in runs
_SPECIAL = re.compile(r"[\n{}\\*]")


def _variation(
    text: str,
    start: int,
    m: re.Match[str],
    style: int,
    pieces: list[Piece],
    problems: list[TemplateError | ExprProblem],
) -> int:
    """Parse the variation `{kind: a | b}` at `start` into `pieces`; returns where to go on."""
    kind = m.group(1)
    try:
        bars, end = _variation_end(text, m.end(), start)
    except TemplateError as err:
        problems.append(err)
        return m.end()
    if kind not in KINDS:
        problems.append(
            TemplateError(
                f"`{kind}:` is not a kind of variation",
                start + 1,
                "write `{seq: ...}`, `{cycle: ...}`, `{shuffle: ...}` or `{once: ...}`",
            )
        )
        return end + 1
    bounds = [m.end(), *(b + 1 for b in bars)]
    stops = [*bars, end]
    fragments = tuple(
        (_scan(text, a, b, style, problems, fragment=True) or [[]])[0]
        for a, b in zip(bounds, stops, strict=True)
    )
    pieces.append((style, Variation(kind, start, fragments)))
    return end + 1


def _variation_end(text: str, i: int, opened: int) -> tuple[list[int], int]:
    """The `|`s between the fragments of a variation whose body starts at `i`, and its `}`."""
    bars: list[int] = []
    n = len(text)
    while i < n:
        ch = text[i]
        if (ch == "\\" and i + 1 < n and text[i + 1] in "*|") or (ch == "{" and text.startswith("{{", i)):
            i += 2
        elif ch == "{":
            if (m := _VARIATION.match(text, i)) is not None:
                i = _variation_end(text, m.end(), i)[1] + 1
            else:
                i = _expression_end(text, i + 1) + 1
        elif ch == "}" and text.startswith("}}", i):
            i += 2
        elif ch == "}":
            return bars, i
        elif ch == "|":
            bars.append(i)
            i += 1
        elif ch == "\n":
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            if j == n or text[j] == "\n":
                break  # a blank line: a variation stays inside its paragraph
            i = j
        else:
            i += 1
    raise TemplateError(
        "this variation is not closed",
        opened,
        "end it with `}` in the same paragraph; write `\\|` for a literal bar",
    )


_STAR_HINT = "close it with the same mark, or write \\* for a literal asterisk"


def _tidy(pieces: list[Piece]) -> list[Piece]:
    """Collapse runs of spaces and trim the paragraph's ends."""
    out: list[Piece] = []
    for style, value in pieces:
        if isinstance(value, str):
            if "  " in value:
                value = _squash(value)
            if not value:
                continue
        out.append((style, value))
    if out and isinstance(first := out[0][1], str):
        out[0] = (out[0][0], first.lstrip())
    if out and isinstance(last := out[-1][1], str):
        out[-1] = (out[-1][0], last.rstrip())
    return [p for p in out if p[1] != ""]


def _squash(value: str) -> str:
    lead = " " if value.startswith(" ") else ""
    tail = " " if value.endswith(" ") and value.strip() else ""
    return lead + " ".join(value.split()) + tail


LinkedPiece: TypeAlias = tuple[
    int, "str | Expr | Varied"
]  # style bits, and text, an expression or a variation


@dataclass(frozen=True, slots=True)
class Varied:
    """A linked variation: its fragments, and the scene whose visits choose between them.

    The scene is bound when the text is linked (a choice's or outcome's text belongs to its
    scene), so rendering reads one visit count and does no lookup by name. `key` mixes the
    scene id with the variation's place in its file: each shuffle draws its own stream.
    """

    kind: str
    fragments: tuple[tuple[LinkedPiece, ...], ...]
    scene: str
    key: int
    first: int = 1  # the visit its text is first shown on: 2 for a scene's `revisit`

    def pick(self, state: StateView) -> tuple[LinkedPiece, ...] | None:
        """The fragment shown on the scene's current visit (None: `once`, used up)."""
        fragments = self.fragments
        k = len(fragments)
        n = max(1, state.visits.get(self.scene, 0) - self.first + 1)  # 1 when its text first shows
        kind = self.kind
        if kind == "seq":
            return fragments[min(n, k) - 1]
        if kind == "cycle":
            return fragments[(n - 1) % k]
        if kind == "once":
            return fragments[n - 1] if n <= k else None
        # A shuffle: the career's RNG state (part of the game state; a state without one, an
        # analysis's, counts as 0), this variation's own stream, and the visit number.
        rng = getattr(state, "rng", 0)
        z = mix((rng ^ mix((self.key + n) & MASK)) & MASK)
        return fragments[(z * k) >> 64]


@dataclass(frozen=True, slots=True)
class Template:
    """Linked text: constant spans and compiled expressions, rendered against game state."""

    paragraphs: tuple[tuple[LinkedPiece, ...], ...]  # (style, str, compiled expression or variation)
    constant: Rendered | None = None
    expressions: tuple[Expr, ...] = field(default=())  # the compiled expressions, in order
    #: Text literals an expression can print (`{if x then "*so* tired"}`), as styled spans:
    #: styled once at load, looked up by the value the expression gives.
    styled: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    #: How to render it without tidying anything, when nothing in it can come out empty or
    #: spaced oddly (see `_plan`): most interpolating texts. None: the general way.
    plan: Plan | None = field(default=None, compare=False, repr=False)

    def render(self, state: StateView) -> Rendered:
        if self.constant is not None:
            return self.constant
        plan = self.plan
        if plan is not None:  # the hot path of every scene shown: no tidying, no merging
            rendered: list[tuple[Span, ...]] = []
            for runs in plan:
                if len(runs) == 1:
                    style, parts = runs[0]
                    rendered.append(((_join(parts, state), style),))
                else:
                    rendered.append(tuple([(_join(parts, state), style) for style, parts in runs]))
            return tuple(rendered)
        out: list[tuple[Span, ...]] = []
        for para in self.paragraphs:
            spans: list[Span] = []
            self._emit(para, state, spans)
            spans = _close_gaps(spans)
            if spans:
                out.append(tuple(spans))
        return tuple(out)

    def _emit(self, pieces: tuple[LinkedPiece, ...], state: StateView, spans: list[Span]) -> None:
        styled = self.styled
        for style, value in pieces:
            if isinstance(value, str):
                text = value
            elif isinstance(value, Varied):
                chosen = value.pick(state)
                if chosen:
                    self._emit(chosen, state, spans)  # a fragment's pieces carry their own style
                continue
            else:
                result = value.fn(state)
                if styled and isinstance(result, str) and result in styled:
                    for part, bits in styled[result]:
                        _add(spans, part, style ^ bits)
                    continue
                text = _value_text(result)
            if not text:  # inline, as `_add`: this is the loop every scene's text goes through
                continue
            if spans and spans[-1][1] == style:
                spans[-1] = (spans[-1][0] + text, style)
            else:
                spans.append((text, style))


def _add(spans: list[Span], text: str, style: int) -> None:
    if not text:
        return
    if spans and spans[-1][1] == style:
        spans[-1] = (spans[-1][0] + text, style)
    else:
        spans.append((text, style))


def _close_gaps(spans: list[Span]) -> list[Span]:
    """Spaces the way prose wants them after an interpolation came out empty.

    `A. {if x then "B."} C.` is written with a space on each side of the fragment; when it
    renders empty, those become two spaces (or a space at the start or end of the paragraph).
    """
    out: list[Span] = []
    for text, style in spans:
        if "  " in text:
            text = _SPACES.sub(" ", text)
        if out and out[-1][0].endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not out:
            text = text.lstrip(" ")
        if text:
            out.append((text, style))
    if out:
        last, style = out[-1]
        last = last.rstrip(" ")
        out[-1:] = [(last, style)] if last else []
    return out


_SPACES = re.compile(" {2,}")


def _join(parts: tuple[str | ex.Fn, ...], state: StateView) -> str:
    """One run of a `Plan` as text: its texts, and what its expressions give, in order."""
    out: list[str] = []
    for part in parts:
        if part.__class__ is str:
            out.append(part)
        else:
            value = part(state)  # type: ignore[operator]
            out.append(value if value.__class__ is str else _number_text(value))
    return "".join(out)


def _number_text(value: ex.Value) -> str:
    return str(value) if value.__class__ is int else ex.format_value(value)


#: A template's paragraphs as runs of one style, each run's parts in order: text, or the
#: compiled function of an expression that gives a number or a text literal (`Template.plan`).
Plan: TypeAlias = tuple[tuple[tuple[int, tuple["str | ex.Fn", ...]], ...], ...]


def _plan(frozen: tuple[tuple[LinkedPiece, ...], ...], styled: Mapping[str, tuple[Span, ...]]) -> Plan | None:
    """The paragraphs as a `Plan`, when rendering them needs no tidying: no variation, every
    expression a number or a choice of plain text literals that are never empty, never
    spaced at their ends and never styled, and no two spaces meeting anywhere. Then what
    `render` tidies (`_close_gaps`) can never happen, and joining the parts of each run gives
    exactly the same spans. None when any of it may not hold."""
    plan: list[tuple[tuple[int, tuple[str | ex.Fn, ...]], ...]] = []
    for para in frozen:
        runs: list[tuple[int, list[str | ex.Fn]]] = []
        last: str | None = None  # the text of the part before, when it was text
        for style, value in para:
            if isinstance(value, Varied):
                return None
            if isinstance(value, str):
                meets = last is not None and last.endswith(" ") and value.startswith(" ")
                if not value or "  " in value or meets:
                    return None
                part: str | ex.Fn = value
                last = value
            else:
                if not _solid(value, styled):
                    return None
                part, last = value.fn, None
            if runs and runs[-1][0] == style:
                runs[-1][1].append(part)
            else:
                runs.append((style, [part]))
        if not runs:
            return None
        first, end = runs[0][1][0], runs[-1][1][-1]
        if (isinstance(first, str) and first.startswith(" ")) or (isinstance(end, str) and end.endswith(" ")):
            return None
        plan.append(tuple((style, tuple(parts)) for style, parts in runs))
    return tuple(plan)


def _solid(expr: Expr, styled: Mapping[str, tuple[Span, ...]]) -> bool:
    """Whether an expression always prints something with no space at either end and no two
    spaces: a number, or one of some plain text literals (never empty, clean, not styled)."""
    if getattr(expr, "type", None) == ex.NUM:
        return True
    literals = _literal_leaves(expr.tree)
    return literals is not None and all(
        lit and lit == clean(lit) == lit.strip() and "  " not in lit and "*" not in lit and lit not in styled
        for lit in literals
    )


def _literal_leaves(tree: ex.Node) -> list[str] | None:
    """The text literals an expression gives, when every way through it ends in one."""
    if isinstance(tree, ex.Str):
        return [tree.value]
    if isinstance(tree, ex.Cond):
        yes, no = _literal_leaves(tree.yes), _literal_leaves(tree.no)
        return None if yes is None or no is None else yes + no
    return None


def _value_text(value: ex.Value) -> str:
    if isinstance(value, str):
        return clean(value)
    return ex.format_value(value)


_X = TypeVar("_X")  # how a paragraph holds an expression: `Interpolation`, or the IR's record

#: The IR's form of a variation: `(VARIATION_TAG, kind, line, col, fragments)`, each fragment
#: a paragraph's pieces (an expression there is in the IR's form too).
VARIATION_TAG = "~"


def fragments_of(value: object) -> tuple[Any, ...] | None:
    """The fragments of a variation (parsed, or in the IR's form); None for an expression."""
    if isinstance(value, Variation):
        return value.fragments
    if isinstance(value, tuple) and len(value) == 5 and value[0] == VARIATION_TAG:
        return cast(tuple[Any, ...], value[4])
    return None


def expression_pieces(paragraphs: Iterable[str | Iterable[tuple[int, Any]]]) -> Iterator[Any]:
    """The expressions of parsed paragraphs (each a plain str or `(style, piece)` pairs), in
    order, those in variations' fragments included (where they are written)."""
    for para in paragraphs:
        if not isinstance(para, str):
            for _, value in para:
                if isinstance(value, str):
                    continue
                fragments = fragments_of(value)
                if fragments is None:
                    yield value
                else:
                    yield from expression_pieces(fragments)


def link(
    paragraphs: Iterable[str | Iterable[tuple[int, object]]],
    compiled: Iterator[Expr],
    scene: str = "",
    first: int = 1,
) -> Template:
    """A Template from parsed paragraphs and their compiled expressions, in the same order.

    A paragraph is a plain str or a sequence of `(style, str, expression or variation)` pieces;
    the expressions are replaced, in order, by the compiled ones (`model.Expr`). `scene` is the
    scene the text belongs to: its visits choose a variation's fragment, counted from `first`
    (2 for a `revisit` text, which the second visit shows first).
    """
    if isinstance(paragraphs, list | tuple) and all(isinstance(p, str) for p in paragraphs):
        # Plain text (most choices' words): what the general way below makes of it, directly.
        plain = cast(list[str] | tuple[str, ...], paragraphs)
        return Template(tuple(((PLAIN, p),) for p in plain), tuple(((p, PLAIN),) for p in plain))
    exprs: list[Expr] = []
    counts = [0]  # variations linked

    def row(para: Iterable[tuple[int, object]]) -> tuple[LinkedPiece, ...]:
        out: list[LinkedPiece] = []
        for style, value in para:
            if isinstance(value, str):
                out.append((style, value))
                continue
            fragments = fragments_of(value)
            if fragments is None:
                e = next(compiled)
                out.append((style, e))
                exprs.append(e)
                continue
            counts[0] += 1
            kind, line, col = _where(value)
            key = mix(text_hash(scene) ^ mix((line << 24) ^ col))
            out.append((style, Varied(kind, tuple(row(f) for f in fragments), scene, key, first)))
        return tuple(out)

    frozen = tuple(((PLAIN, para),) if isinstance(para, str) else row(para) for para in paragraphs)
    constant = None
    if not exprs and not counts[0]:  # then every piece is text
        constant = cast(Rendered, tuple(tuple((v, s) for s, v in para) for para in frozen if para))
    styled: dict[str, tuple[Span, ...]] = {}
    for e in exprs:
        for literal in printed_literals(e.tree):
            spans = emphasis(literal)
            if spans is not None and spans != ((clean(literal), PLAIN),):
                styled[literal] = spans
    plan = _plan(frozen, styled) if constant is None else None
    return Template(frozen, constant, tuple(exprs), styled, plan)


def _where(value: object) -> tuple[str, int, int]:
    """A variation's kind and place: line and column in the IR, the offset when just parsed."""
    if isinstance(value, Variation):
        return value.kind, value.offset, 0
    _, kind, line, col, _ = cast(tuple[str, str, int, int, object], value)
    return kind, line, col


def printed_literals(tree: ex.Node) -> Iterator[str]:
    """The text literals an expression can give as its value: what a text prints of it."""
    if isinstance(tree, ex.Str):
        yield tree.value
    elif isinstance(tree, ex.Cond):
        yield from printed_literals(tree.yes)
        yield from printed_literals(tree.no)


def emphasis(literal: str) -> tuple[Span, ...] | None:
    """A text literal's `*italic*`, `**bold**` and `\\*`, as spans (None when a mark is not
    closed: then the literal prints as it is, and `check` says so, W120)."""
    if "*" not in literal:
        return ((clean(literal), PLAIN),)
    spans: list[Span] = []
    buf: list[str] = []
    style = PLAIN
    i, n = 0, len(literal)
    while i < n:
        if literal.startswith("\\*", i):
            buf.append("*")
            i += 2
        elif literal[i] == "*":
            bit = BOLD if literal.startswith("**", i) else ITALIC
            _add(spans, clean("".join(buf)), style)
            buf.clear()
            style ^= bit
            i += 2 if bit == BOLD else 1
        else:
            buf.append(literal[i])
            i += 1
    _add(spans, clean("".join(buf)), style)
    return tuple(spans) if style == PLAIN else None


def walk_pieces(paragraphs: Iterable[tuple[LinkedPiece, ...]]) -> Iterator[tuple[int, str | Expr]]:
    """Every text and expression of linked paragraphs, every fragment of a variation included."""
    for para in paragraphs:
        for style, value in para:
            if isinstance(value, Varied):
                yield from walk_pieces(value.fragments)
            else:
                yield style, value


def to_plain(rendered: Rendered) -> str:
    """Rendered text without styling: paragraphs separated by a blank line."""
    return "\n\n".join([para[0][0] if len(para) == 1 else "".join([t for t, _ in para]) for para in rendered])
