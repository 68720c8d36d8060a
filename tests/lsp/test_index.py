"""The index: every name a story writes, at the place it is written, each tied to what it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.author.metrics import scene_words
from engine.load.folder import STORIES_DIR
from engine.lsp.analysis import Analysis, Buffer, StoryAnalyser
from engine.lsp.index import CHAPTER, FLAG, FUNCTION, NAME, SCENE, STAT


def written_where_indexed(a: Analysis) -> None:
    """The invariant rename stands on: each occurrence's text is in its file at its place."""
    for rel, f in a.files.items():
        for o in f.index.occurrences:
            row = f.text.line(o.place.line)
            assert row[o.place.col : o.place.col + len(o.written)] == o.written, (rel, o)


@pytest.mark.parametrize("story", ["demo", "bozena"])
def test_every_occurrence_in_the_bundled_stories_is_where_it_says(story: str) -> None:
    a = StoryAnalyser(STORIES_DIR / story).analyse({})
    written_where_indexed(a)
    assert a.story is not None
    index = a.index
    # Every scene is declared once, and every stat and flag the story has is indexed as itself.
    declared = [
        o.name for f in index.files.values() for o in f.occurrences if o.kind == SCENE and o.definition
    ]
    assert sorted(declared) == sorted(a.story.scenes)
    for s in a.story.stats:
        assert index.kind_of_name[s.id] == STAT
    for fl in a.story.flags:
        assert index.kind_of_name[fl.id] == FLAG
    # No name in an expression is left unresolved in a story that checks clean.
    assert not [k for k in index.by_symbol if k[0] == NAME]
    # The words of each scene are the words `stories` and `check --stats` count.
    counted = {s.id: s.words for f in a.files.values() for s in f.index.scenes}
    assert counted == {sid: scene_words(s) for sid, s in a.story.scenes.items()}


def test_names_in_expressions_texts_and_literals(demo_copy: Path) -> None:
    text = """chapter: extra
scenes:
  a:
    text: |
      {if caller_scene == "training.early_ice" and caller_chapter != "setback" then "Back." else "Here."}
      Your nerve: {max(nerve, caution)}. {if visited("b") then 'It\\'s you.'}
    next: b
  b:
    text: B.
    ending: {title: B, tone: triumph}
"""
    a = StoryAnalyser(demo_copy).analyse({"extra.yaml": Buffer(text)})
    written_where_indexed(a)
    found = {(o.kind, o.name, o.role) for o in a.files["extra.yaml"].index.occurrences}
    assert {
        (SCENE, "training.early_ice", "compare"),
        (CHAPTER, "setback", "compare"),
        (FUNCTION, "max", "expression"),
        (NAME, "nerve", "expression"),
        (NAME, "caution", "expression"),
        (SCENE, "extra.b", "visited"),
        (SCENE, "extra.b", "next"),
    } <= found
    index = a.index
    refs = {(rel, o.role) for rel, o in index.occurrences((SCENE, "training.early_ice"))}
    assert ("extra.yaml", "compare") in refs and ("story.yaml", "start") in refs
    # The other side of a pair is declared where `opposite:` names it.
    (decl,) = index.definitions((STAT, "caution"))
    assert decl[0] == "story.yaml" and "opposite: caution" in a.files["story.yaml"].text.line(
        decl[1].place.line
    )


def test_an_occurrence_is_found_under_the_cursor_at_its_start_and_end(demo_copy: Path) -> None:
    a = StoryAnalyser(demo_copy).analyse({})
    f = a.files["training.yaml"]
    o = next(o for o in f.index.occurrences if o.written == "competition.synchro")
    for col in (o.place.col, o.place.col + 5, o.place.col + len(o.written)):
        assert f.index.at(type(o.place)(o.place.line, col)) == o
    assert f.index.at(type(o.place)(o.place.line, o.place.col - 1)) is None
