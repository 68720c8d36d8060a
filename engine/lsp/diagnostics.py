"""`check`'s problems as the editor shows them: underlined where the mistake is written, with
their code, the other places they name, and the one fix their hint names.

The engine places a problem at a line and column; the editor wants a range. The range is the
word the message is about (the misspelt `tecnique`, the target `main.bb`, the unknown key
`txt`), found where the problem points, so the underline is under exactly what to change. A
problem whose hint names a single replacement ("did you mean `technique`?", "write
`childhood.aisulu_born`", `write "No" in quotes`) carries it as its quick fix, checked against
the text so that applying it replaces the word and nothing else.

Other places a problem names (the first of two declarations, the other file of a graft
conflict, the scene a hint suggests) become its related locations, each found in the story's
index or at the line the message gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.core.diagnostics import Diagnostic, Severity, follows
from engine.lsp.analysis import Analysis, FileState
from engine.lsp.index import SCENE, Occurrence, locate
from engine.lsp.positions import Place

SOURCE = "pointe-edge"

#: Warnings about something nothing uses: shown faded, as editors show dead code.
UNUSED = frozenset({"W100", "W101", "W102", "W103"})

_TICKED = re.compile(r"`([^`\n]+)`")
_CURLY = re.compile(r"“([^“”\n]+)”")
_VISITS = re.compile(r'visit(?:s|ed)\("([^"\n]*)"\)')
# Hints that name exactly one replacement for the word the problem is about.
_MEANT = re.compile(r"did you mean `([^`]+)`\?")
_IN_FULL = re.compile(r"that scene is in another chapter: write `([^`]+)`")
_DIGITS = re.compile(r"\Awrite the number in digits: `([^`]+)`\Z")
_TRUTH = re.compile(r"\Awrite `(true|false)`\Z")
_FIXES = (_MEANT, _IN_FULL, _DIGITS, _TRUTH)
_QUOTE_IT = re.compile(r'\Awrite "(.+)" in quotes(?: for text)?\Z')
_FIRST_AT = re.compile(r"\(first at line (\d+)\)|first at line (\d+)")
_DECLARED_IN = re.compile(
    r"`([^`]+)` is declared twice: (?:a stat|a flag|the other side of `[^`]+`) in ([^:\s]+):(\d+)"
)
_CHAPTER_IN = re.compile(r"chapter `([^`]+)` is already defined in (\S+)")
_GRAFTED_TWICE = re.compile(r"is grafted onto `([^`]+)` twice \(also in (.+)\)\Z")
_CLOSED_AT = re.compile(r"closed at (\S+):(\d+)")


@dataclass(frozen=True, slots=True)
class Span:
    """Where a problem is written in its file, from `start` to `end` (places in characters)."""

    start: Place
    end: Place


@dataclass(frozen=True, slots=True)
class Related:
    rel: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Located:
    """A problem placed in its file: the span to underline, the fix its hint names (the new text
    for the span), and the other places it names."""

    diagnostic: Diagnostic
    span: Span
    fix: str | None
    related: tuple[Related, ...]

    @property
    def severity(self) -> Severity:
        return self.diagnostic.severity

    def message(self) -> str:
        """What the editor shows: the message and its hint, as `check` words them (the place,
        the code and the severity are shown by the editor itself)."""
        d = self.diagnostic
        text = d.message
        if d.hint:
            text += f" ({d.hint})"
        if d.follow_ons:
            text += f"; {follows(d.follow_ons)}"
        return text


def subject(d: Diagnostic) -> str | None:
    """The word a problem is about, as written: the misspelt name, the missing target."""
    if d.code == "E048":
        found = _CURLY.search(d.message)
        return found.group(1) if found else None
    if d.code == "E044":
        found = _VISITS.search(d.message)
        return found.group(1) if found else None
    found = _TICKED.search(d.message)
    if found is None:
        return None
    word = found.group(1)
    return word[:-2] if word.endswith("()") else word


def fix_of(d: Diagnostic) -> str | None:
    """The one replacement the hint names for the problem's subject, if it names one."""
    hint = d.hint or ""
    for pattern in _FIXES:
        found = pattern.search(hint)
        if found:
            return found.group(1)
    found = _QUOTE_IT.match(hint)
    if found and d.code in ("E007", "E008"):
        return f'"{found.group(1)}"'
    return None


def locate_problem(d: Diagnostic, f: FileState | None) -> tuple[Span, str | None]:
    """The span of a problem in its file and the fix that replaces it (when the fix's word is
    there to be replaced)."""
    if f is None:
        return Span(Place(0, 0), Place(0, 0)), None
    text = f.text
    at = text.place(d.line, d.col)
    word = subject(d)
    fix = fix_of(d)
    if d.code in ("E007", "E008") and fix is not None:
        word = fix[1:-1]
    if word and d.line > 0:
        dotted = "." in word or d.code in ("E050", "E051", "E052", "E058")
        found = locate(text, d.line, d.col, word, dotted=dotted)
        if found is None and d.code in ("E007", "E008"):
            found = _plain_at(text.line(at.line), at, word)
        if found is not None and found.line == at.line:
            return Span(found, Place(found.line, found.col + len(word))), fix
    return Span(at, _token_end(text.line(at.line), at)), None


def _plain_at(row: str, at: Place, word: str) -> Place | None:
    """`word` written exactly at `at`, whatever its neighbours (a YAML value such as `1:30`)."""
    return at if row.startswith(word, at.col) else None


def _token_end(row: str, at: Place) -> Place:
    """The end of the token at `at`: a name, a number, a quoted text; a line's end at worst."""
    i = at.col
    if i >= len(row):
        return at
    if row[i] in "\"'":
        close = row.find(row[i], i + 1)
        return Place(at.line, close + 1 if close != -1 else len(row))
    j = i
    while j < len(row) and (row[j].isalnum() or row[j] in "_.-"):
        j += 1
    return Place(at.line, j if j > i else i + 1)


def locate_all(analysis: Analysis, rel: str) -> list[Located]:
    """Every problem of one file, placed, with fixes and related places."""
    f = analysis.file(rel)
    out = []
    for d in analysis.diagnostics.get(rel, ()):
        span, fix = locate_problem(d, f)
        out.append(Located(d, span, fix, tuple(related(d, rel, analysis))))
    return out


def related(d: Diagnostic, rel: str, analysis: Analysis) -> list[Related]:
    """The other places a problem names, each found where it is written."""
    out: list[Related] = []
    message = d.message
    if (found := _FIRST_AT.search(message)) is not None and (f := analysis.file(rel)) is not None:
        line = int(found.group(1) or found.group(2))
        word = subject(d)
        place = locate(f.text, line, 1, word) if word else None
        place = place or f.text.place(line, 1)
        out.append(Related(rel, _span(place, word or ""), "first here"))
    if (found := _DECLARED_IN.search(message)) is not None:
        name, other, line = found.group(1), found.group(2), int(found.group(3))
        f = analysis.file(other)
        if f is not None:
            place = locate(f.text, line, 1, name) or f.text.place(line, 1)
            out.append(Related(other, _span(place, name), f"`{name}` first declared here"))
    if (found := _CHAPTER_IN.search(message)) is not None:
        other = found.group(2)
        f = analysis.file(other)
        if f is not None and f.index.chapter is not None:
            out.append(
                Related(other, _span(f.index.chapter.place, found.group(1)), "the chapter is defined here")
            )
    if (found := _GRAFTED_TWICE.search(message)) is not None:
        target, where = found.group(1), found.group(2)
        other = rel if where == "that file" else where
        f = analysis.file(other)
        if f is not None:
            grafts = [g for g in f.index.grafts if g.target == target]
            if other == rel:
                grafts = [g for g in grafts if g.place.line < d.line - 1] or grafts
            if grafts:
                g = grafts[0]
                out.append(Related(other, _span(g.place, g.written), f"also grafted onto `{target}` here"))
    if (found := _CLOSED_AT.search(d.hint or "")) is not None:
        by_shown = {f.shown: r for r, f in analysis.files.items()}
        other = by_shown.get(found.group(1))
        f = analysis.file(other) if other is not None else None
        if other is not None and f is not None:
            place = f.text.place(int(found.group(2)), 1)
            row = f.text.line(place.line)
            start = Place(place.line, len(row) - len(row.lstrip()))
            out.append(Related(other, Span(start, Place(place.line, len(row))), "a way in, closed"))
    named: set[str] = set()
    for word in _TICKED.findall(f"{message} {d.hint or ''}"):
        if "." in word and word != d.scene and word not in named:
            named.add(word)
            scene = _scene(analysis, word)
            if scene is not None:
                out.append(scene)
    if d.code == "E031" and d.cause:
        for word in _TICKED.findall(message)[1:2]:  # the name used but never declared
            out += [
                Related(r, _span(o.place, o.written), f"`{word}` used here")
                for r, o in _uses(analysis, word)[:20]
            ]
    return out


def _scene(analysis: Analysis, sid: str) -> Related | None:
    """Where a scene is declared, from the story when it linked (no index needed: publishing
    diagnostics never waits for one), else from the index."""
    scene = analysis.story.scenes.get(sid) if analysis.story is not None else None
    if scene is not None:
        by_shown = {f.shown: r for r, f in analysis.files.items()}
        rel = by_shown.get(scene.pos.file)
        f = analysis.file(rel) if rel is not None else None
        name = sid.split(".", 1)[1]
        place = locate(f.text, scene.pos.line, scene.pos.col, name) if f is not None else None
        if rel is None or place is None:
            return None
        return Related(rel, _span(place, name), f"scene `{sid}`: “{scene.title}”")
    found = analysis.index.scene(sid)
    if found is None:
        return None
    other, entry = found
    return Related(other, _span(entry.place, entry.name), f"scene `{sid}`: “{entry.title}”")


def _uses(analysis: Analysis, name: str) -> list[tuple[str, Occurrence]]:
    index = analysis.index
    return [
        (rel, o)
        for kind in ("name", "stat", "flag")
        for rel, o in index.occurrences((kind, name))
        if not o.definition and o.kind != SCENE
    ]


def _span(place: Place, word: str) -> Span:
    return Span(place, Place(place.line, place.col + len(word)))
