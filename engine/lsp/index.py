"""Every name a story file writes, with where it is written: the map behind go to definition,
find references, rename, hover and the outline.

One file's index depends only on its parse (the IR, engine/load/ir.py) and its text, so it is
built once per version of the file and kept while the file is unchanged; a change re-indexes
that file alone. The IR already knows where each scene, stat, flag and person is declared and
where each `goto`, `call`, `next`, `start`, graft and effect names one. Names inside an
expression are found by tokenizing its source (the expression language's own tokenizer) and
placing each token with the IR's record of where the expression's characters lie. Every place
is checked against the text before it is kept: an index that pointed one column off would make
rename corrupt a story, so a name that cannot be found where the IR says is left out instead.

A name in an expression may be a stat or a flag; which one is the story's business (a file can
use a flag another declares), so it is indexed as a `name` and told apart by `StoryIndex`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.author.storytest.format import TestFile
from engine.core import expr as ex
from engine.core import template as tpl
from engine.load.ir import (
    ChoiceIR,
    EffectIR,
    ExprIR,
    FileIR,
    OutcomeIR,
    RefIR,
    RouteIR,
    SceneIR,
    TemplateIR,
)
from engine.load.link import placed
from engine.lsp.positions import Place, SourceText

# What an occurrence names.
SCENE, STAT, FLAG, NAME, PERSON, CHAPTER, FUNCTION, DETOUR = (
    "scene",
    "stat",
    "flag",
    "name",
    "person",
    "chapter",
    "function",
    "detour",
)

_NAME_CHAR = re.compile(r"[A-Za-z0-9_]")
#: Capitalised words of a person's `name` that are no name of theirs.
_NOT_NAMES = frozenset(
    {"The", "And", "Her", "His", "Our", "Your", "Old", "Young", "Little", "Big", "Mr", "Mrs", "Ms"}
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # a word of letters, in any script
_REF_CHAR = re.compile(r"[A-Za-z0-9_.]")
_OPPOSITE = re.compile(r"opposite\s*:\s*[\"']?([a-z][a-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place where a file writes a name.

    `name` is what it refers to (a scene's full id even where a short name is written),
    `written` the characters at `place` (what a rename replaces), `role` what writes it:
    goto, call, next, start, graft, visits, effect, expression, test, declaration.
    """

    kind: str
    name: str
    place: Place
    written: str
    role: str
    definition: bool = False

    @property
    def end(self) -> Place:
        return Place(self.place.line, self.place.col + len(self.written))

    def covers(self, place: Place) -> bool:
        """Whether the cursor at `place` is on this name (its end included, where a cursor that
        has just typed it stands)."""
        return place.line == self.place.line and self.place.col <= place.col <= self.place.col + len(
            self.written
        )


@dataclass(frozen=True, slots=True)
class SceneEntry:
    id: str  # chapter.name
    name: str
    title: str
    place: Place  # the scene's key
    last_line: int  # the last line of its block, for the outline
    words: int  # of its text and revisit text, as `stories` and `check --stats` count them
    ending: tuple[str, str] | None  # (title, tone)
    preview: str  # the first words of its text, plain


@dataclass(frozen=True, slots=True)
class StatEntry:
    id: str
    label: str
    start: int
    low: int
    high: int
    help: str
    group: str
    opposite: str
    opposite_label: str
    place: Place
    last_line: int


@dataclass(frozen=True, slots=True)
class FlagEntry:
    id: str
    label: str
    help: str
    place: Place
    last_line: int


@dataclass(frozen=True, slots=True)
class PersonEntry:
    id: str
    name: str
    role: str
    stat: str | None
    place: Place
    last_line: int
    about: str = ""  # plain, its expressions as written


@dataclass(frozen=True, slots=True)
class ChapterEntry:
    id: str
    title: str
    phase: str
    place: Place  # where its id is written, after `chapter:`


@dataclass(frozen=True, slots=True)
class GraftEntry:
    target: str  # the scene's full id
    written: str
    place: Place
    last_line: int
    choices: int


@dataclass(frozen=True)
class FileIndex:
    """What one file declares and every name it writes, sorted by place."""

    manifest: bool
    occurrences: tuple[Occurrence, ...] = ()
    chapter: ChapterEntry | None = None
    scenes: tuple[SceneEntry, ...] = ()
    grafts: tuple[GraftEntry, ...] = ()
    stats: tuple[StatEntry, ...] = ()
    flags: tuple[FlagEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    story_title: str = ""
    _starts: list[tuple[int, int]] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._starts.extend((o.place.line, o.place.col) for o in self.occurrences)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.scenes)

    def at(self, place: Place) -> Occurrence | None:
        """The occurrence under the cursor, if any."""
        i = bisect.bisect_right(self._starts, (place.line, place.col))
        for o in self.occurrences[max(0, i - 2) : i]:
            if o.covers(place):
                return o
        return None


# -- building one file's index -----------------------------------------------------------------


def locate(text: SourceText, line: int, col: int, word: str, *, dotted: bool = False) -> Place | None:
    """Where `word` is written at or near the engine's 1-based `line`:`col`: exactly there when
    it is (the usual case), else the nearest whole-word match on that line (a quoted key or value
    starts at its quote), else on the next two lines (a value written under its key). None when
    it is not there at all: better no occurrence than a wrong one."""
    if not word or line <= 0:
        return None
    boundary = _REF_CHAR if dotted else _NAME_CHAR
    row = text.line(line - 1)
    start, end = col - 1, col - 1 + len(word)
    if (
        row.startswith(word, start)
        and start >= 0
        and (start == 0 or not boundary.match(row[start - 1]))
        and (end == len(row) or not boundary.match(row[end]))
    ):
        return Place(line - 1, start)  # where the IR says: nearly always
    for n in range(line - 1, min(line + 2, len(text.lines))):
        row = text.line(n)
        want = col - 1 if n == line - 1 else 0
        best: int | None = None
        start = row.find(word)
        while start != -1:
            end = start + len(word)
            whole = (start == 0 or not boundary.match(row[start - 1])) and (
                end == len(row) or not boundary.match(row[end])
            )
            if whole and (best is None or abs(start - want) < abs(best - want)):
                best = start
            start = row.find(word, start + 1)
        if best is not None:
            return Place(n, best)
    return None


def full_id(ref: str, chapter: str | None) -> str:
    """The scene id `ref` names when written in `chapter`: a short name is in the same chapter."""
    return ref if "." in ref or chapter is None else f"{chapter}.{ref}"


_COMPARED = frozenset({"caller_scene", "caller_chapter"})


class _Builder:
    """Walks one file's IR, collecting occurrences and entries."""

    def __init__(self, text: SourceText, chapter: str | None):
        self.text = text
        self.chapter = chapter
        self.found: list[Occurrence] = []

    def add(
        self,
        kind: str,
        name: str,
        written: str,
        line: int,
        col: int,
        role: str,
        *,
        definition: bool = False,
        dotted: bool = False,
    ) -> Place | None:
        at = locate(self.text, line, col, written, dotted=dotted)
        if at is not None:
            self.found.append(Occurrence(kind, name, at, written, role, definition))
        return at

    def ref(self, ref: RefIR | None, role: str) -> None:
        if ref is not None:
            name, line, col = ref
            self.add(SCENE, full_id(name, self.chapter), name, line, col, role, dotted=True)

    def route(self, route: RouteIR | None, role: str | None = None) -> None:
        if route is None:
            return
        kind, target, after, _, _ = route
        self.ref(target, role or kind)
        self.ref(after, "goto")

    def expression(self, ir: ExprIR | None) -> None:
        if ir is None:
            return
        try:
            tokens = ex.tokenize(ir[0])
        except ex.ExprError:  # pragma: no cover - only expressions that parsed reach the IR
            return
        for i, tok in enumerate(tokens):
            if tok.kind == "name" and tok.text not in ex.KEYWORDS:
                line, col = placed(ir, tok.offset)
                called = i + 1 < len(tokens) and tokens[i + 1].text == "("
                if called:
                    self.add(FUNCTION, tok.text, tok.text, line, col, "expression")
                elif tok.text in ex.DETOUR_NAMES:
                    self.add(DETOUR, tok.text, tok.text, line, col, "expression")
                else:
                    self.add(NAME, tok.text, tok.text, line, col, "expression")
            elif tok.kind == "str" and len(tok.text) >= 2:
                self.literal(ir, tokens, i)

    def literal(self, ir: ExprIR, tokens: Sequence[ex.Token], i: int) -> None:
        """A text literal that names a scene or chapter: `visits("gala")`, `visited("x.y")`,
        `caller_scene == "nationals.final"`, `caller_chapter != "setback"`."""
        value = tokens[i].text[1:-1]
        kind = role = None
        if i >= 2 and tokens[i - 1].text == "(" and tokens[i - 2].text in ("visits", "visited"):
            kind, role, value = SCENE, tokens[i - 2].text, value
        else:
            for j in (i - 2, i + 2):
                if (
                    0 <= j < len(tokens)
                    and tokens[j].text in _COMPARED
                    and tokens[(i + j) // 2].text in ("==", "!=")
                ):
                    kind = SCENE if tokens[j].text == "caller_scene" else CHAPTER
                    role = "compare"
        if kind is None or role is None or not value or "\\" in value:
            return
        line, col = placed(ir, tokens[i].offset + 1)
        name = full_id(value, self.chapter) if kind == SCENE else value
        self.add(kind, name, value, line, col, role, dotted=True)

    def template(self, ir: TemplateIR | None) -> None:
        if ir:
            for piece in tpl.expression_pieces(ir):
                self.expression(piece)

    def effects(self, irs: Iterable[EffectIR] | None) -> None:
        for op, target, amount, _, line, col in irs or ():
            self.add(FLAG if op == "flag" else STAT, target, target, line, col, "effect")
            if isinstance(amount, tuple):
                self.expression(amount)

    def outcome(self, ir: OutcomeIR | None) -> None:
        if ir is None:
            return
        self.template(ir["text"])
        self.template(ir["milestone"])
        self.effects(ir["effects"])
        self.route(ir["route"])

    def choice(self, c: ChoiceIR) -> None:
        self.template(c["text"])
        self.expression(c.get("if"))
        self.template(c.get("milestone"))
        self.effects(c.get("effects"))
        self.route(c.get("route"))
        chance = c.get("chance")
        if chance is not None:
            self.expression(chance["expr"])
            self.outcome(chance["success"])
            self.outcome(chance["failure"])

    def scene(self, sc: SceneIR) -> None:
        for key in ("text", "revisit", "milestone"):
            self.template(sc.get(key))  # type: ignore[arg-type]
        self.effects(sc.get("effects"))
        for c in sc.get("choices", ()):
            self.choice(c)
        for cond, route, _, _ in sc.get("next", ()):
            self.expression(cond)
            self.route(route, "next" if route[0] == "goto" else None)


def build(ir: FileIR, text: SourceText) -> FileIndex:
    """The index of one story file from its IR and the text it was parsed from."""
    manifest = ir["manifest"]
    ch = ir["chapter"]
    chapter_id = ch["id"] if ch else None
    b = _Builder(text, chapter_id)
    chapter = None
    if ch and chapter_id:
        at = b.add(CHAPTER, chapter_id, chapter_id, ch["line"], ch["col"], "declaration", definition=True)
        if at is not None:
            chapter = ChapterEntry(chapter_id, ch["title"], ch["phase"] or "training", at)
    scenes: list[SceneEntry] = []
    for sc in ir["scenes"]:
        sid = full_id(sc["name"], chapter_id)
        at = b.add(SCENE, sid, sc["name"], sc["line"], sc["col"], "declaration", definition=True)
        b.scene(sc)
        if at is None:
            continue
        ending = sc.get("ending")
        scenes.append(
            SceneEntry(
                sid,
                sc["name"],
                sc.get("title") or sc["name"].replace("_", " ").capitalize(),
                at,
                block_end(text, at),
                template_words(sc.get("text")) + template_words(sc.get("revisit")),
                (ending["title"], ending["tone"]) if ending else None,
                preview(sc.get("text")),
            )
        )
    grafts: list[GraftEntry] = []
    for g in ir["grafts"]:
        target = full_id(g["scene"], chapter_id)
        at = b.add(SCENE, target, g["scene"], g["line"], g["col"], "graft", dotted=True)
        for c in g["choices"]:
            b.choice(c)
        if at is not None:
            grafts.append(GraftEntry(target, g["scene"], at, block_end(text, at), len(g["choices"])))
    stat_irs = list(manifest["stats"] if manifest else ir.get("stats", ()))
    flag_irs = list(manifest["flags"] if manifest else ir.get("flags", ()))
    stats: list[StatEntry] = []
    for sid, label, start, low, high, help_, line, col, group, opp, opp_label in stat_irs:
        at = b.add(STAT, sid, sid, line, col, "declaration", definition=True)
        if at is None:
            continue
        last = block_end(text, at)
        if opp:
            other = _opposite_place(text, at, last, opp)
            if other is not None:
                b.found.append(Occurrence(STAT, opp, other, opp, "declaration", True))
        stats.append(StatEntry(sid, label, start, low, high, help_, group, opp, opp_label, at, last))
    flags: list[FlagEntry] = []
    for fid, label, help_, line, col in flag_irs:
        at = b.add(FLAG, fid, fid, line, col, "declaration", definition=True)
        if at is not None:
            flags.append(FlagEntry(fid, label, help_, at, block_end(text, at)))
    people: list[PersonEntry] = []
    if manifest is not None:
        b.ref(manifest["start"], "start")
        for p in manifest.get("cast", ()):
            at = b.add(PERSON, p["id"], p["id"], p["line"], p["col"], "declaration", definition=True)
            stat_ref = p.get("stat")
            if stat_ref is not None:
                b.add(STAT, stat_ref[0], stat_ref[0], stat_ref[1], stat_ref[2], "cast")
            b.expression(p.get("if"))
            b.template(p.get("about"))
            if at is not None:
                people.append(
                    PersonEntry(
                        p["id"],
                        p["name"],
                        p["role"],
                        stat_ref[0] if stat_ref else None,
                        at,
                        block_end(text, at),
                        preview(p.get("about"), 60),
                    )
                )
    return FileIndex(
        manifest=manifest is not None,
        occurrences=tuple(sorted(set(b.found), key=lambda o: (o.place.line, o.place.col))),
        chapter=chapter,
        scenes=tuple(scenes),
        grafts=tuple(grafts),
        stats=tuple(stats),
        flags=tuple(flags),
        people=tuple(people),
        story_title=manifest["title"] if manifest else "",
    )


def build_tests(tests: TestFile, text: SourceText) -> FileIndex:
    """The index of a story test file (tests/*.yaml): the scenes, stats and flags its cases
    name, so that find references and rename reach the author's tests too."""
    b = _Builder(text, None)
    for case in tests.paths:
        for sid, at in [*filter(None, [case.ending]), *case.visits, *case.avoids]:
            b.add(SCENE, sid, sid, at.line, at.col, "test", dotted=True)
        for fid, _, at in case.flags:
            b.add(FLAG, fid, fid, at.line, at.col, "test")
        for sid, at, bounds in case.stats_at:
            b.add(SCENE, sid, sid, at.line, at.col, "test", dotted=True)
            for bound in bounds:
                b.add(STAT, bound.stat, bound.stat, bound.at.line, bound.at.col, "test")
        for bound in case.stats:
            b.add(STAT, bound.stat, bound.stat, bound.at.line, bound.at.col, "test")
    for persona in tests.personas:
        for share in persona.endings:
            b.add(SCENE, share.ending, share.ending, share.at.line, share.at.col, "test", dotted=True)
    occurrences = tuple(sorted(set(b.found), key=lambda o: (o.place.line, o.place.col)))
    return FileIndex(manifest=False, occurrences=occurrences)


def _opposite_place(text: SourceText, at: Place, last: int, opposite: str) -> Place | None:
    """Where an opposed pair's other side is named (`opposite: caution`) in its stat's block."""
    for n in range(at.line, last + 1):
        for found in _OPPOSITE.finditer(text.line(n), at.col if n == at.line else 0):
            if found.group(1) == opposite:
                return Place(n, found.start(1))
    return None


def block_end(text: SourceText, at: Place) -> int:
    """The last line of the block a key starts at `at`: the lines after it indented deeper (or
    blank, or comments), up to the next line at its own indentation or less. A key in a flow
    mapping (`{...}` on one line) ends on its own line."""
    row = text.line(at.line)
    if "{" in row[: at.col] or "[" in row[: at.col]:
        return at.line
    indent = len(row) - len(row.lstrip(" "))
    last = at.line
    for n in range(at.line + 1, len(text.lines)):
        line = text.lines[n]
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if len(line) - len(stripped) <= indent and not (
            stripped.startswith("- ") and len(line) - len(stripped) == indent and indent > 0
        ):
            break
        last = n
    return last


# -- words ---------------------------------------------------------------------------------------


def template_words(paragraphs: TemplateIR | None) -> int:
    """Words of a text as engine/author/metrics.py counts them (the prose, and every fragment an
    `{if}` or a variation can show), from the IR: a file that does not link is still counted."""
    if not paragraphs:
        return 0
    return sum(_piece_words(p) for p in _pieces(paragraphs))


def _pieces(paragraphs: Iterable[Any]) -> Iterator[Any]:
    for para in paragraphs:
        if isinstance(para, str):
            yield para
            continue
        for _, value in para:
            fragments = tpl.fragments_of(value)
            if fragments is None:
                yield value
            else:
                yield from _pieces(fragments)


def _piece_words(piece: Any) -> int:
    if isinstance(piece, str):
        return len(piece.split())
    tree = ex.from_data(piece[3])
    return sum(len(n.value.split()) for n in ex.walk(tree) if isinstance(n, ex.Str))


def preview(paragraphs: TemplateIR | None, words: int = 40) -> str:
    """The first words of a text, its expressions shown as written, for a hover."""
    if not paragraphs:
        return ""
    out: list[str] = []
    for para in paragraphs:
        if isinstance(para, str):
            out += para.split()
        else:
            for _, value in para:
                if isinstance(value, str):
                    out += value.split()
                elif tpl.fragments_of(value) is None:
                    out.append("{" + value[0] + "}")
                else:
                    out.append("{…}")
        if len(out) >= words:
            return " ".join(out[:words]) + " …"
    return " ".join(out)


# -- the story's index -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryIndex:
    """Every file's index together: each symbol's declarations and uses across the story.

    A symbol is `(kind, name)`: a scene by its full id, a stat (the other side of an opposed pair
    is a stat of its own name), a flag, a person, a chapter. A `name` written in an expression is
    a stat or a flag by what the story declares.
    """

    files: Mapping[str, FileIndex]
    by_symbol: Mapping[tuple[str, str], tuple[tuple[str, Occurrence], ...]]
    kind_of_name: Mapping[str, str]

    @classmethod
    def of(cls, files: Mapping[str, FileIndex]) -> StoryIndex:
        kind_of_name: dict[str, str] = {}
        for f in files.values():
            for o in f.occurrences:
                if o.definition and o.kind in (STAT, FLAG):
                    kind_of_name.setdefault(o.name, o.kind)
        by_symbol: dict[tuple[str, str], list[tuple[str, Occurrence]]] = {}
        for rel, f in files.items():
            for o in f.occurrences:
                kind = kind_of_name.get(o.name, NAME) if o.kind == NAME else o.kind
                by_symbol.setdefault((kind, o.name), []).append((rel, o))
        return cls(files, {k: tuple(v) for k, v in by_symbol.items()}, kind_of_name)

    def symbol(self, o: Occurrence) -> tuple[str, str]:
        """What an occurrence refers to, a `name` resolved to a stat or a flag."""
        return (self.kind_of_name.get(o.name, NAME), o.name) if o.kind == NAME else (o.kind, o.name)

    def at(self, rel: str, place: Place) -> Occurrence | None:
        f = self.files.get(rel)
        return f.at(place) if f is not None else None

    def occurrences(self, symbol: tuple[str, str]) -> tuple[tuple[str, Occurrence], ...]:
        return self.by_symbol.get(symbol, ())

    def definitions(self, symbol: tuple[str, str]) -> list[tuple[str, Occurrence]]:
        return [(rel, o) for rel, o in self.occurrences(symbol) if o.definition]

    def scene(self, sid: str) -> tuple[str, SceneEntry] | None:
        for rel, _ in self.definitions((SCENE, sid)):
            for s in self.files[rel].scenes:
                if s.id == sid:
                    return rel, s
        return None

    def chapter(self, cid: str) -> tuple[str, ChapterEntry] | None:
        for rel, f in self.files.items():
            if f.chapter is not None and f.chapter.id == cid:
                return rel, f.chapter
        return None

    def stat(self, name: str) -> StatEntry | None:
        """A stat by its id, or by the name of its other side."""
        for f in self.files.values():
            for s in f.stats:
                if name in (s.id, s.opposite):
                    return s
        return None

    def flag(self, name: str) -> FlagEntry | None:
        for f in self.files.values():
            for fl in f.flags:
                if fl.id == name:
                    return fl
        return None

    def person(self, pid: str) -> PersonEntry | None:
        for f in self.files.values():
            for p in f.people:
                if p.id == pid:
                    return p
        return None

    def people_by_word(self) -> dict[str, PersonEntry]:
        """Each word that names one person of the cast alone (`Rudenko`, `Tamara`), for finding
        them in the prose: a capitalised word of three letters or more of their `name`, that no
        other person's name has."""
        found: dict[str, list[PersonEntry]] = {}
        for f in self.files.values():
            for p in f.people:
                words = _NAME_WORD.findall(p.name)
                if not words or words[0] in _NOT_NAMES:
                    continue  # "The sweeper at Medeu" is a description: its words name others too
                for word in set(words):
                    if word[0].isupper() and len(word) >= 3 and word not in _NOT_NAMES:
                        found.setdefault(word, []).append(p)
        return {word: ps[0] for word, ps in found.items() if len(ps) == 1}

    def person_of_word(self, word: str) -> PersonEntry | None:
        return self.people_by_word().get(word)

    def people_of_stat(self, stat: str) -> list[PersonEntry]:
        return [p for f in self.files.values() for p in f.people if p.stat == stat]

    def scene_ids(self) -> list[str]:
        return [s.id for f in self.files.values() for s in f.scenes]

    def chapter_of(self, rel: str) -> str | None:
        f = self.files.get(rel)
        return f.chapter.id if f is not None and f.chapter is not None else None
