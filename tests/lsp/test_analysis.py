"""The analysis behind the server says what `check` says, about what the editor holds.

Its diagnostics are `check`'s, to the letter, for the bundled stories and every broken story of
tests/data/bad_stories, and for a buffer that differs from its file; a file is parsed again only
when its bytes change; the word counts are those of `stories` and `check --stats`; and no text
an author can type makes it raise.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.author.check import check_story
from engine.load.folder import STORIES_DIR, LoadResult, display_path, read_sources
from engine.load.link import Linker
from engine.lsp.analysis import Analysis, Buffer, StoryAnalyser
from engine.lsp.diagnostics import locate_all
from tests.support import BAD_STORIES


def check_lines(folder: Path, overlay: Mapping[str, bytes] | None = None) -> list[str]:
    """What `check` prints for the story, with `overlay` read in place of its files."""
    sources = read_sources(folder, None, overlay)
    linker = Linker(sources, display_path(folder))
    story = linker.link()
    checked = check_story(LoadResult(story, list(linker.diagnostics), folder), ranges=True)
    return sorted(d.format() for d in checked.diagnostics)


def analysis_lines(a: Analysis) -> list[str]:
    """The analysis's diagnostics of story files (not of story tests), as `check` prints them."""
    return sorted(d.format() for rel, ds in a.diagnostics.items() for d in ds if not a.files[rel].test)


@pytest.mark.parametrize("case", sorted(p.name for p in BAD_STORIES.iterdir() if (p / "story.yaml").exists()))
def test_every_broken_story_gets_the_diagnostics_check_gives(case: str) -> None:
    folder = BAD_STORIES / case
    a = StoryAnalyser(folder).analyse({})
    assert analysis_lines(a) == check_lines(folder)
    for rel in a.diagnostics:
        for located in locate_all(a, rel):  # and each is placed in its file, on its line
            f = a.file(rel)
            if f is not None and located.diagnostic.line > 0:
                assert located.span.start.line == min(located.diagnostic.line, len(f.text.lines)) - 1


def test_a_bundled_story_is_clean_and_every_file_is_analysed() -> None:
    folder = STORIES_DIR / "demo"
    a = StoryAnalyser(folder).analyse({})
    assert analysis_lines(a) == [] and a.story is not None
    assert {rel for rel, f in a.files.items() if not f.test} == set(a.story.files)
    assert [rel for rel, f in a.files.items() if f.test] == ["tests/endings.yaml"]


def test_an_unsaved_buffer_is_checked_in_place_of_its_file(demo_copy: Path) -> None:
    analyser = StoryAnalyser(demo_copy)
    text = (demo_copy / "training.yaml").read_text(encoding="utf-8")
    misspelt = text.replace("technique: +2", "tecnique: +2", 1)
    a = analyser.analyse({"training.yaml": Buffer(misspelt, 7)})
    lines = analysis_lines(a)
    assert lines == check_lines(demo_copy, {"training.yaml": misspelt.encode()})
    assert len(lines) == 1 and "E031 unknown stat `tecnique` (did you mean `technique`?)" in lines[0]
    assert a.files["training.yaml"].version == 7 and a.files["setback.yaml"].version is None
    # The file on disk is untouched, and without the buffer the story is clean again.
    assert (demo_copy / "training.yaml").read_text(encoding="utf-8") == text
    assert analysis_lines(analyser.analyse({})) == []


def test_a_new_file_not_yet_saved_joins_the_story(demo_copy: Path) -> None:
    branch = "chapter: pond\ntitle: The Pond\nscenes:\n  ice:\n    text: Thin ice.\n"
    branch += "    next: training.cup_morning\n"
    a = StoryAnalyser(demo_copy).analyse({"branches/pond.yaml": Buffer(branch, 1)})
    assert "branches/pond.yaml" in a.files and a.story is not None and "pond.ice" in a.story.scenes
    lines = analysis_lines(a)
    assert lines == check_lines(demo_copy, {"branches/pond.yaml": branch.encode()})
    assert any("W100" in line and "pond.yaml" in line for line in lines)  # nothing leads there yet


def test_only_the_changed_file_is_parsed_again_and_unchanged_scenes_are_not_linked_again(
    demo_copy: Path,
) -> None:
    analyser = StoryAnalyser(demo_copy)
    analyser.analyse({})
    parsed, linked = analyser.cache.misses, analyser.scenes.misses
    text = (demo_copy / "setback.yaml").read_text(encoding="utf-8") + "\n# a note\n"
    analyser.analyse({"setback.yaml": Buffer(text, 2)})
    assert analyser.cache.misses == parsed + 1  # setback.yaml alone
    setback = sum(1 for line in text.splitlines() if line.startswith("  ") and not line.startswith("   "))
    assert analyser.scenes.misses - linked <= setback  # its scenes, no one else's


def test_a_story_tests_file_is_indexed_and_checked_against_the_story(demo_copy: Path) -> None:
    tests = demo_copy / "tests" / "endings.yaml"
    text = tests.read_text(encoding="utf-8").replace(
        "ending: competition.podium", "ending: competition.podum", 1
    )
    a = StoryAnalyser(demo_copy).analyse({"tests/endings.yaml": Buffer(text, 3)})
    (problem,) = a.diagnostics["tests/endings.yaml"]
    assert problem.code == "E060" and problem.hint == "did you mean `competition.podium`?"
    assert a.files["tests/endings.yaml"].test
    named = {o.name for o in a.files["tests/endings.yaml"].index.occurrences}
    assert {"medeu.open_air", "setback.ankle", "coach_trust", "technique"} <= named


def test_buffers_are_never_written_to_the_parse_cache_on_disk(demo_copy: Path, tmp_path: Path) -> None:
    from engine.load.cache import ParseCache
    from engine.lsp.analysis import MemoryParseCache

    disk = ParseCache(tmp_path / "cache")
    analyser = StoryAnalyser(demo_copy, MemoryParseCache(disk))
    analyser.analyse({})
    entries = sorted((tmp_path / "cache").rglob("*.bin"))
    assert len(entries) == 5  # the story's files, as `check` would have cached them
    text = (demo_copy / "training.yaml").read_text(encoding="utf-8")
    for n in range(3):
        analyser.analyse({"training.yaml": Buffer(text + f"\n# keystroke {n}\n", n)})
    assert sorted((tmp_path / "cache").rglob("*.bin")) == entries


_PIECES = [
    *"abc:- \n{}[]\"'|>#*&!%=+.\tč“”🥇",
    "  ",
    "scenes:",
    "chapter: training",
    "goto: ",
    "if: ",
    "{if ",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo that no test here writes to (buffers never reach the disk)."""
    folder = tmp_path_factory.mktemp("story") / "demo"
    shutil.copytree(STORIES_DIR / "demo", folder)
    return folder


@settings(max_examples=40, deadline=None)
@given(text=_TEXT, rel=st.sampled_from(["training.yaml", "story.yaml", "tests/endings.yaml", "new.yaml"]))
def test_any_buffer_text_is_analysed_without_raising(demo_once: Path, text: str, rel: str) -> None:
    a = StoryAnalyser(demo_once).analyse({rel: Buffer(text, 1)})
    for name in a.diagnostics:
        locate_all(a, name)
    assert a.index is not None and all(f.index is not None for f in a.files.values())


def test_a_buffer_with_windows_line_ends_is_placed_line_for_line(demo_copy: Path) -> None:
    text = (
        (demo_copy / "training.yaml").read_text(encoding="utf-8").replace("technique: +2", "tecnique: +2", 1)
    )
    a = StoryAnalyser(demo_copy).analyse({"training.yaml": Buffer(text.replace("\n", "\r\n"), 1)})
    (located,) = locate_all(a, "training.yaml")
    row = text.split("\n")[located.span.start.line]
    assert row[located.span.start.col : located.span.end.col] == "tecnique" and located.fix == "technique"
    names = a.files["training.yaml"].index.occurrences
    assert all(
        a.files["training.yaml"].text.line(o.place.line)[o.place.col :].startswith(o.written) for o in names
    )
