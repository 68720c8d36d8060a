"""Hover: what a name stands for, in a few lines of Markdown.

A scene: its title, its chapter and where it is written, its words, whether it is an ending,
and how its text begins. A stat: its label, range and start, its group and help, its other side
and the person it belongs to. A flag: its label and help. A function of the expression
language: what it takes and gives. Counts of uses come from the index, so "read in 12 places"
is what find references would list.

Everything a story wrote is escaped before it goes into the Markdown (a title such as
`*Giselle*, Act II` must not turn into emphasis, nor `[link](...)` into a link), and ids go in
code spans, which need no escaping (names hold only `[a-z0-9_.]`).
"""

from __future__ import annotations

import re

from engine.core import expr as ex
from engine.lsp.analysis import Analysis
from engine.lsp.index import CHAPTER, DETOUR, FLAG, FUNCTION, NAME, PERSON, SCENE, STAT, Occurrence
from engine.lsp.navigation import person_at, word_at
from engine.lsp.positions import Place

# What can make Markdown of plain text anywhere in a line (emphasis, code, links, HTML and
# entities, strikethrough, tables), and what can at the start of one (a heading, a quote, a
# list): the same rule as a career book's (engine/cli/book.py), which a CommonMark property test
# holds to.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"\A(?:([#>+\-=])|(\d+)([.)]))")


def escape(text: str) -> str:
    """Story text on one line, as Markdown that shows exactly that text and nothing more."""
    flat = _INLINE.sub(r"\\\1", " ".join(text.split()))

    def literal(m: re.Match[str]) -> str:
        return f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}"

    return _LINE_START.sub(literal, flat)


_MARK = re.compile(r"\\(.)|\*\*|`")


def plain(markdown: str) -> str:
    """A hover's Markdown as plain text, for a client that shows no Markdown: the marks this
    module writes (bold, code spans, a quote's `> `) taken out, and every escape undone."""
    text = "\n".join(line[2:] if line.startswith("> ") else line for line in markdown.split("\n"))
    return _MARK.sub(lambda m: m.group(1) or "", text)


def hover(analysis: Analysis, rel: str, place: Place) -> tuple[Occurrence, str] | None:
    """The occurrence under the cursor and what to show for it."""
    o = analysis.index.at(rel, place)
    if o is None:
        return _named_in_prose(analysis, rel, place)
    kind, name = analysis.index.symbol(o)
    text = {
        SCENE: _scene,
        STAT: _stat,
        FLAG: _flag,
        PERSON: _person,
        CHAPTER: _chapter,
        FUNCTION: _function,
        DETOUR: _detour,
        NAME: _unknown,
    }[kind](analysis, name)
    return (o, text) if text else None


def _uses(analysis: Analysis, symbol: tuple[str, str]) -> str:
    uses = [o for _, o in analysis.index.occurrences(symbol) if not o.definition]
    n = len(uses)
    return f"named in {n} place{'s' * (n != 1)}" if n else "never named"


def _scene(analysis: Analysis, sid: str) -> str:
    found = analysis.index.scene(sid)
    if found is None:
        return f"`{sid}`: no such scene in this story"
    rel, s = found
    chapter = analysis.index.chapter(sid.split(".", 1)[0])
    where = f"chapter “{escape(chapter[1].title)}” ({chapter[1].phase})" if chapter else "no chapter"
    lines = [f"**{escape(s.title)}** · scene `{s.id}`", "", f"{where}, `{rel}` line {s.place.line + 1}"]
    facts = [f"{s.words:,} word{'s' * (s.words != 1)}"]
    if s.ending is not None:
        facts.append(f"ending “{escape(s.ending[0])}” ({s.ending[1].replace('_', ' ')})")
    elif not s.preview:
        facts.append("passes straight on (no text)")
    facts.append(_uses(analysis, (SCENE, sid)))
    lines += ["", " · ".join(facts)]
    if s.preview:
        lines += ["", "> " + escape(s.preview)]
    return "\n".join(lines)


def _stat(analysis: Analysis, name: str) -> str:
    s = analysis.index.stat(name)
    if s is None:
        return ""
    if name == s.opposite:
        head = f"**{escape(s.opposite_label)}** · the other side of `{s.id}` ({escape(s.label)})"
        body = [f"always {s.low + s.high} - {s.id}: {s.high}..{s.low} as {s.id} goes {s.low}..{s.high}"]
    else:
        head = f"**{escape(s.label)}** · stat `{s.id}`"
        body = [f"range {s.low}..{s.high}, starts at {s.start}"]
        if s.opposite:
            body.append(f"an opposed pair: the other side is `{s.opposite}` ({escape(s.opposite_label)})")
    if s.group:
        body.append(f"shown under “{escape(s.group)}”")
    people = analysis.index.people_of_stat(s.id)
    if people:
        body.append("how " + ", ".join(escape(p.name) for p in people) + " stands with the protagonist")
    lines = [head, "", *(f"- {b}" for b in body)]
    if s.help:
        lines += ["", escape(s.help)]
    lines += ["", _uses(analysis, (STAT, name))]
    return "\n".join(lines)


def _flag(analysis: Analysis, name: str) -> str:
    f = analysis.index.flag(name)
    if f is None:
        return ""
    lines = [f"**{escape(f.label)}** · flag `{f.id}`", "", "true or false; false when a career starts"]
    if f.help:
        lines += ["", escape(f.help)]
    lines += ["", _uses(analysis, (FLAG, name))]
    return "\n".join(lines)


def _named_in_prose(analysis: Analysis, rel: str, place: Place) -> tuple[Occurrence, str] | None:
    """A person of the cast named by a word in the prose (`Rudenko`): their card."""
    person = person_at(analysis, rel, place)
    f = analysis.file(rel)
    found = word_at(f.text.line(place.line), place.col) if f is not None else None
    if person is None or found is None:
        return None
    start, word = found
    o = Occurrence(PERSON, person.id, Place(place.line, start), word, "prose")
    return o, _person(analysis, person.id)


def _person(analysis: Analysis, pid: str) -> str:
    p = analysis.index.person(pid)
    if p is None:
        return ""
    head = f"**{escape(p.name)}** · cast `{p.id}`"
    lines = [head]
    if p.role:
        lines += ["", escape(p.role)]
    if p.about:
        lines += ["", escape(p.about)]
    if p.stat:
        s = analysis.index.stat(p.stat)
        label = f" ({escape(s.label)})" if s is not None else ""
        lines += ["", f"relationship stat `{p.stat}`{label}"]
    return "\n".join(lines)


def _chapter(analysis: Analysis, cid: str) -> str:
    found = analysis.index.chapter(cid)
    if found is None:
        return f"`{cid}`: no such chapter in this story"
    rel, c = found
    f = analysis.index.files[rel]
    n = len(f.scenes)
    return (
        f"**{escape(c.title)}** · chapter `{c.id}` ({c.phase})\n\n"
        f"`{rel}`: {n} scene{'s' * (n != 1)}, {f.words:,} words"
    )


def _function(analysis: Analysis, name: str) -> str:
    fn = ex.FUNCTIONS.get(name)
    if fn is None:
        return f"`{name}()` is not a function of the expression language"
    args = [a for a in fn.args if a != "*"]
    more = ", ..." if fn.args and fn.args[-1] == "*" else ""
    return f"`{name}({', '.join(args)}{more})` → {fn.result}\n\n{escape(fn.doc)}"


def _detour(analysis: Analysis, name: str) -> str:
    d = ex.DETOUR_NAMES[name]
    outside = '""' if d.outside == "" else str(d.outside)
    return f"`{name}` ({d.type}) · {escape(d.doc)}\n\noutside a detour: `{outside}`"


def _unknown(analysis: Analysis, name: str) -> str:
    return f"`{name}` is not a stat or flag of this story"
