"""Scene and choice text: paragraphs, light emphasis, and `{expression}` interpolation.

Text is prose first. A blank line starts a new paragraph and single line breaks are folded into
spaces, as in Markdown, so authors can wrap lines freely. `*italic*` and `**bold**` are the only
styling; `{expr}` inserts a value and `{if cond then "a" else "b"}` chooses a fragment. `{{`,
`}}` and `\\*` write a literal brace or asterisk.

A template is parsed once at load into pieces (`parse`; the loader keeps them in its cached IR)
and linked into a `Template` whose `render(state)` returns paragraphs of `(text, style)` spans:
styled runs, never markup, so nothing in a story can be mistaken for terminal or Rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, TypeVar, cast

from engine.core import expr as ex
from engine.core.errors import PointeEdgeError
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


Piece: TypeAlias = tuple[int, "str | Interpolation"]  # style bits, and literal text or an expression


def parse(text: str) -> tuple[list[list[Piece]], list[TemplateError | ExprProblem]]:
    """Parse text into paragraphs of `(style, str)` and `(style, Interpolation)` pieces.

    Returns the pieces and the problems found (all of them, not just the first). Expression
    errors come back as `(ExprError, offset of the expression in the text, its source)`.
    """
    problems: list[TemplateError | ExprProblem] = []
    paragraphs: list[list[Piece]] = []
    pieces: list[Piece] = []
    buf: list[str] = []
    style = PLAIN
    opened = {ITALIC: -1, BOLD: -1}
    i, n = 0, len(text)

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
            if style & bit:
                mark = "**" if bit == BOLD else "*"
                problems.append(TemplateError(f"`{mark}` is not closed in this paragraph", where, _STAR_HINT))
        style = PLAIN
        tidy = _tidy(pieces)
        if tidy:
            paragraphs.append(tidy)
        pieces = []

    while i < n:
        ch = text[i]
        if ch == "\n":
            j = i
            while j < n and text[j] in " \t\n":
                j += 1
            if text.count("\n", i, j) >= 2:
                end_paragraph(i)
            elif buf and buf[-1] == "-" and i >= 2 and text[i - 2].isalpha() and j < n and text[j].isalpha():
                pass  # a word hyphenated at the end of a line ("twenty-\nfour") stays one word
            else:
                buf.append(" ")
            i = j
        elif ch == "{":
            if text.startswith("{{", i):
                buf.append("{")
                i += 2
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
        elif ch == "*":
            bit = BOLD if text.startswith("**", i) else ITALIC
            flush()
            style ^= bit
            opened[bit] = i
            i += 2 if bit == BOLD else 1
        else:
            buf.append(ch)
            i += 1
    end_paragraph(n)
    return paragraphs, problems


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


@dataclass(frozen=True, slots=True)
class Template:
    """Linked text: constant spans and compiled expressions, rendered against game state."""

    paragraphs: tuple[tuple[tuple[int, str | Expr], ...], ...]  # (style, str or compiled expression)
    constant: Rendered | None = None
    expressions: tuple[Expr, ...] = field(default=())  # the compiled expressions, in order

    def render(self, state: StateView) -> Rendered:
        if self.constant is not None:
            return self.constant
        out: list[tuple[Span, ...]] = []
        for para in self.paragraphs:
            spans: list[Span] = []
            for style, value in para:
                text = value if isinstance(value, str) else _value_text(value.fn(state))
                if not text:
                    continue
                if spans and spans[-1][1] == style:
                    spans[-1] = (spans[-1][0] + text, style)
                else:
                    spans.append((text, style))
            spans = _close_gaps(spans)
            if spans:
                out.append(tuple(spans))
        return tuple(out)


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


def _value_text(value: ex.Value) -> str:
    if isinstance(value, str):
        return clean(value)
    return ex.format_value(value)


_X = TypeVar("_X")  # how a paragraph holds an expression: `Interpolation`, or the IR's record


def expression_pieces(paragraphs: Iterable[str | Iterable[tuple[int, str | _X]]]) -> Iterator[_X]:
    """The expressions of parsed paragraphs (each a plain str or `(style, piece)` pairs), in order."""
    for para in paragraphs:
        if not isinstance(para, str):
            for _, value in para:
                if not isinstance(value, str):
                    yield value


def link(paragraphs: Iterable[str | Iterable[tuple[int, object]]], compiled: Iterator[Expr]) -> Template:
    """A Template from parsed paragraphs and their compiled expressions, in the same order.

    A paragraph is a plain str or a sequence of `(style, str or expression)` pieces; the
    expressions are replaced, in order, by the compiled ones (`model.Expr`).
    """
    linked: list[tuple[tuple[int, str | Expr], ...]] = []
    exprs: list[Expr] = []
    for para in paragraphs:
        if isinstance(para, str):
            linked.append(((PLAIN, para),))
            continue
        row: list[tuple[int, str | Expr]] = []
        for style, value in para:
            if isinstance(value, str):
                row.append((style, value))
            else:
                e = next(compiled)
                row.append((style, e))
                exprs.append(e)
        linked.append(tuple(row))
    frozen = tuple(linked)
    constant = None
    if not exprs:  # then every piece is text
        constant = cast(Rendered, tuple(tuple((v, s) for s, v in para) for para in frozen if para))
    return Template(frozen, constant, tuple(exprs))


def to_plain(rendered: Rendered) -> str:
    """Rendered text without styling: paragraphs separated by a blank line."""
    return "\n\n".join("".join(text for text, _ in para) for para in rendered)
