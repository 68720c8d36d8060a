"""The outline of a file and the story's symbols: chapters and scenes, with their words.

A chapter file's outline is its chapter, holding its scenes (each with its title and word count)
and its grafts; the manifest's holds the stats, flags and cast. The chapter's own line says how
many scenes and words the file has, so the outline doubles as the word count an author keeps
an eye on. The workspace's symbols are every scene, stat, flag and person of the stories the
server has analysed, for jumping to a scene by its title or id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.lsp.analysis import Analysis, FileState
from engine.lsp.positions import Place

# Kinds, as the editor draws them.
CHAPTER, SCENE, ENDING, GRAFT, STAT, FLAG, PERSON, STORY = (
    "chapter",
    "scene",
    "ending",
    "graft",
    "stat",
    "flag",
    "person",
    "story",
)


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    kind: str
    detail: str
    start: Place  # the whole block
    end: Place
    select_start: Place  # its name
    select_end: Place
    children: tuple[Symbol, ...] = field(default=())


def _words(n: int) -> str:
    return f"{n:,} word{'s' * (n != 1)}"


def _block(f: FileState, at: Place, name: str, last_line: int) -> tuple[Place, Place, Place, Place]:
    end_line = max(at.line, last_line)
    return at, Place(end_line, len(f.text.line(end_line))), at, Place(at.line, at.col + len(name))


def outline(f: FileState) -> list[Symbol]:
    """The symbols of one file, nested: chapter > scenes and grafts; or the manifest's parts."""
    index = f.index
    scenes = []
    for s in index.scenes:
        kind = ENDING if s.ending is not None else SCENE
        detail = f"“{s.title}” · {_words(s.words)}" + (" · ending" if s.ending else "")
        scenes.append(Symbol(s.name, kind, detail, *_block(f, s.place, s.name, s.last_line)))
    grafts = [
        Symbol(
            f"graft onto {g.target}",
            GRAFT,
            f"{g.choices} choice{'s' * (g.choices != 1)}",
            *_block(f, g.place, g.written, g.last_line),
        )
        for g in index.grafts
    ]
    parts = [*_named(f), *scenes, *grafts]
    if index.chapter is not None:
        c = index.chapter
        last = len(f.text.lines) - 1
        n = len(index.scenes)
        detail = f"“{c.title}” ({c.phase}) · {n} scene{'s' * (n != 1)} · {_words(index.words)}"
        whole = Symbol(
            c.id,
            CHAPTER,
            detail,
            Place(0, 0),
            Place(last, len(f.text.line(last))),
            c.place,
            Place(c.place.line, c.place.col + len(c.id)),
            tuple(parts),
        )
        return [whole]
    return parts


def _named(f: FileState) -> list[Symbol]:
    index = f.index
    out = []
    for s in index.stats:
        detail = f"{s.label} · {s.low}..{s.high}" + (f" | {s.opposite_label}" if s.opposite else "")
        out.append(Symbol(s.id, STAT, detail, *_block(f, s.place, s.id, s.last_line)))
    for fl in index.flags:
        out.append(Symbol(fl.id, FLAG, fl.label, *_block(f, fl.place, fl.id, fl.last_line)))
    for p in index.people:
        detail = p.name + (f", {p.role}" if p.role else "")
        out.append(Symbol(p.id, PERSON, detail, *_block(f, p.place, p.id, p.last_line)))
    return out


@dataclass(frozen=True, slots=True)
class Found:
    """A symbol of the workspace: its name, kind, where it is, and what holds it."""

    name: str
    kind: str
    rel: str
    start: Place
    end: Place
    container: str


def search(analysis: Analysis, query: str) -> list[Found]:
    """The story's scenes, stats, flags and people whose id or title holds every character of
    `query` in order (as editors match symbol names), scenes first."""
    q = query.lower()
    out: list[Found] = []
    story = next((f.index.story_title for f in analysis.files.values() if f.index.manifest), "")

    def matches(*texts: str) -> bool:
        return any(_subsequence(q, t.lower()) for t in texts)

    for rel, f in analysis.files.items():
        chapter = f.index.chapter.title if f.index.chapter is not None else story
        for s in f.index.scenes:
            if matches(s.id, s.title):
                end = Place(s.place.line, s.place.col + len(s.name))
                out.append(
                    Found(f"{s.id} “{s.title}”", ENDING if s.ending else SCENE, rel, s.place, end, chapter)
                )
        for st in f.index.stats:
            if matches(st.id, st.label):
                out.append(
                    Found(st.id, STAT, rel, st.place, Place(st.place.line, st.place.col + len(st.id)), story)
                )
        for fl in f.index.flags:
            if matches(fl.id, fl.label):
                out.append(
                    Found(fl.id, FLAG, rel, fl.place, Place(fl.place.line, fl.place.col + len(fl.id)), story)
                )
        for p in f.index.people:
            if matches(p.id, p.name):
                out.append(
                    Found(p.name, PERSON, rel, p.place, Place(p.place.line, p.place.col + len(p.id)), story)
                )
    return out


def _subsequence(query: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in query)
