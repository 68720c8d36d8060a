"""Go to definition, find references and rename, over the story's index.

A scene is named in many ways: `goto: after_session` in its own chapter, `goto:
training.after_session` from another, `visits("after_session")`, `caller_scene ==
"training.after_session"`, a graft's key, `start:`, a story test's `ending:`. All of them are
one symbol, the scene's full id, so a rename writes each in the form it was written: a short
name stays short where it still means the scene (its own chapter), a full id stays full.

Stats and flags rename the same way, in effects, expressions, the cast's `stat:`, a branch's
own declarations and the story tests. The other side of an opposed pair (`opposite: caution`)
is a name of its own, renamed on its own.

Every function here returns places in characters (`Place`); the server converts them to the
client's units with each file's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.core import expr as ex
from engine.core.errors import PointeEdgeError
from engine.load.parse import NAME, RESERVED
from engine.lsp.analysis import Analysis
from engine.lsp.index import CHAPTER, FLAG, PERSON, SCENE, STAT, Occurrence, PersonEntry
from engine.lsp.positions import Place

_RULE = "lower-case letters, digits and `_`, starting with a letter"
#: What can be renamed, and what it is called in a message.
RENAMES = {SCENE: "scene", STAT: "stat", FLAG: "flag"}


@dataclass(frozen=True, slots=True)
class Target:
    """A place in a file: where to jump, or one reference."""

    rel: str
    start: Place
    end: Place


@dataclass(frozen=True, slots=True)
class Edit:
    rel: str
    start: Place
    end: Place
    new_text: str


class RenameRefused(PointeEdgeError):
    """A rename that would break the story, with the reason in words for the editor."""


def symbol_at(analysis: Analysis, rel: str, place: Place) -> tuple[Occurrence, tuple[str, str]] | None:
    """The occurrence under the cursor and the symbol it refers to."""
    o = analysis.index.at(rel, place)
    if o is None:
        return None
    return o, analysis.index.symbol(o)


def _target(rel: str, o: Occurrence) -> Target:
    return Target(rel, o.place, o.end)


def definition(analysis: Analysis, rel: str, place: Place) -> list[Target]:
    """Where the name under the cursor is declared: a scene's key, a stat's or flag's entry (the
    `opposite:` of a pair's other side), a chapter's `chapter:`, a person's entry in the cast;
    and from a person's name in the prose (`Rudenko`), their entry in the cast too."""
    found = symbol_at(analysis, rel, place)
    if found is None:
        person = person_at(analysis, rel, place)
        return [] if person is None else [_person_target(analysis, person)]
    _, symbol = found
    return [_target(r, d) for r, d in analysis.index.definitions(symbol)]


def references(
    analysis: Analysis, rel: str, place: Place, *, include_declaration: bool = True
) -> list[Target]:
    """Every place the story (and its tests) names the symbol under the cursor; for a person of
    the cast, every place the prose names them (by a word of their name only they have)."""
    found = symbol_at(analysis, rel, place)
    person = person_at(analysis, rel, place) if found is None else None
    if found is not None and found[1][0] == PERSON:
        person = analysis.index.person(found[1][1])
    if person is not None:
        declared = [_person_target(analysis, person)] if include_declaration else []
        return declared + mentions(analysis, person)
    if found is None:
        return []
    _, symbol = found
    return [
        _target(r, o)
        for r, o in analysis.index.occurrences(symbol)
        if include_declaration or not o.definition
    ]


_LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def word_at(text: str, col: int) -> tuple[int, str] | None:
    """The word of letters under the cursor in a line (its end included), and where it starts."""
    for m in _LETTERS.finditer(text):
        if m.start() <= col <= m.end():
            return m.start(), m.group(0)
    return None


def person_at(analysis: Analysis, rel: str, place: Place) -> PersonEntry | None:
    """The person of the cast a word under the cursor names, if it names one alone."""
    f = analysis.file(rel)
    found = word_at(f.text.line(place.line), place.col) if f is not None else None
    return analysis.index.person_of_word(found[1]) if found else None


def mentions(analysis: Analysis, person: PersonEntry) -> list[Target]:
    """Every place a file of the story names a person, by the words of their name only they
    have (`Rudenko`, and `Rudenko's`)."""
    words = {w for w, p in analysis.index.people_by_word().items() if p.id == person.id}
    if not words:
        return []
    out = []
    for rel, f in analysis.files.items():
        for n, line in enumerate(f.text.lines):
            for m in _LETTERS.finditer(line):
                word = m.group(0)
                if word not in words:
                    word = word.split("'")[0].split("’")[0]  # a possessive: `Rudenko's`
                if word in words:
                    out.append(Target(rel, Place(n, m.start()), Place(n, m.start() + len(word))))
    return out


def _person_target(analysis: Analysis, person: PersonEntry) -> Target:
    for rel, f in analysis.files.items():
        if person in f.index.people:
            end = Place(person.place.line, person.place.col + len(person.id))
            return Target(rel, person.place, end)
    raise LookupError(person.id)  # pragma: no cover - a person comes from the index's own files


def prepare_rename(analysis: Analysis, rel: str, place: Place) -> tuple[Target, str]:
    """The name under the cursor and the text to offer for its new name (a scene's name without
    its chapter), or `RenameRefused` saying why it cannot be renamed."""
    found = symbol_at(analysis, rel, place)
    if found is None:
        raise RenameRefused("Only a scene, a stat or a flag can be renamed: put the cursor on its name.")
    o, (kind, name) = found
    if kind not in RENAMES:
        what = {PERSON: "a person", CHAPTER: "a chapter"}.get(kind, "this name")
        raise RenameRefused(f"Renaming {what} is not supported: only scenes, stats and flags.")
    if not analysis.index.definitions((kind, name)):
        raise RenameRefused(
            f"`{name}` is not declared anywhere in this story, so there is nothing to rename."
        )
    placeholder = name.split(".", 1)[1] if kind == SCENE else name
    return _target(rel, o), placeholder


def rename(analysis: Analysis, rel: str, place: Place, new_name: str) -> list[Edit]:
    """Every edit that renames the symbol under the cursor to `new_name`, across the story's
    files and its tests; `RenameRefused` when the new name is not valid or is taken."""
    prepare_rename(analysis, rel, place)  # refuses what cannot be renamed
    found = symbol_at(analysis, rel, place)
    assert found is not None
    _, (kind, old) = found
    new_name = new_name.strip()
    if kind == SCENE:
        return _rename_scene(analysis, old, new_name)
    return _rename_name(analysis, kind, old, new_name)


def _rename_scene(analysis: Analysis, old: str, new_name: str) -> list[Edit]:
    chapter = old.split(".", 1)[0]
    if "." in new_name:
        new_chapter, _, new_short = new_name.partition(".")
        if new_chapter != chapter:
            raise RenameRefused(
                f"A scene's chapter is its file's (`{chapter}`): rename it to a name in `{chapter}`, "
                "or move it to another file."
            )
    else:
        new_short = new_name
    if not NAME.match(new_short):
        raise RenameRefused(f"`{new_short}` is not a valid scene name: {_RULE}.")
    new = f"{chapter}.{new_short}"
    if new == old:
        return []
    if analysis.index.definitions((SCENE, new)):
        raise RenameRefused(f"There is already a scene `{new}`.")
    edits = []
    for rel, o in analysis.index.occurrences((SCENE, old)):
        if o.definition:
            text = new_short
        elif "." in o.written:
            text = new
        else:
            text = new_short  # a short name is in the chapter of its file, which is the scene's
        edits.append(Edit(rel, o.place, o.end, text))
    return edits


def _rename_name(analysis: Analysis, kind: str, old: str, new: str) -> list[Edit]:
    if not NAME.match(new):
        raise RenameRefused(f"`{new}` is not a valid {RENAMES[kind]} name: {_RULE}.")
    if new in RESERVED:
        raise RenameRefused(f"`{new}` is reserved (a word or function of the expression language).")
    if new == old:
        return []
    taken = analysis.index.kind_of_name.get(new)
    if taken is not None:
        raise RenameRefused(f"There is already a {taken} `{new}`.")
    if new in ex.DETOUR_NAMES:  # pragma: no cover - RESERVED holds them
        raise RenameRefused(f"`{new}` is reserved.")
    return [Edit(rel, o.place, o.end, new) for rel, o in analysis.index.occurrences((kind, old))]
