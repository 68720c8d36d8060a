"""The corpus of broken stories: each must give exactly its expected diagnostics, never crash.

Every folder under tests/data/bad_stories/ is a small story with one thing wrong and an
`expected.txt` listing each diagnostic it must produce as `CODE file:line` (file relative to
the story folder; `.:0` for the folder itself). The set must match exactly: a broken story
says what is wrong once, without a cascade of follow-on noise. Cases too large to commit (a
10 MB text, nesting 100,000 levels deep) are generated here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.author.check import load_checked
from engine.author.storytest.run import run_story_tests
from engine.core.diagnostics import CODES
from tests.support import BAD_STORIES, ROOT

CORPUS = BAD_STORIES
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
BASE = CORPUS / "unknown_stat"  # a clean manifest and main chapter to build generated cases on


def diagnostics_of(folder: Path) -> set[str]:
    """As `check` loads the story, and for a story that loads, as `test` reads its test files."""
    result = load_checked(folder, cache=False, ranges=True)
    found = list(result.diagnostics)
    if result.ok and result.story is not None:
        found += run_story_tests(result.story, folder, str(folder)).problems
    out = set()
    for d in found:
        rel = "." if d.line == 0 else Path(d.file).resolve().relative_to(folder.resolve()).as_posix()
        out.add(f"{d.code} {rel}:{d.line}")
    return out


def test_the_corpus_is_large_and_covers_every_code() -> None:
    assert len(CASES) >= 30
    covered = {
        line.split()[0]
        for case in CASES
        for line in (CORPUS / case / "expected.txt").read_text().split("\n")
        if line
    }
    assert set(CODES) - covered == set()


@pytest.mark.parametrize("case", CASES)
def test_broken_story_gives_exactly_its_diagnostics(case: str) -> None:
    folder = CORPUS / case
    expected = {line.strip() for line in (folder / "expected.txt").read_text().splitlines() if line.strip()}
    assert diagnostics_of(folder) == expected


WORDED = [case for case in CASES if (CORPUS / case / "output.txt").exists()]


@pytest.mark.parametrize("case", WORDED)
def test_broken_story_says_exactly_its_words_in_order(case: str) -> None:
    """Where a case's wording is the point (a YAML slip named on its own line, a hint that says
    what to write), `output.txt` holds `check`'s lines exactly, paths relative to the story."""
    folder = CORPUS / case
    lines = [
        Path(d.file).resolve().relative_to(folder.resolve()).as_posix() + d.format()[len(d.file) :]
        for d in load_checked(folder, cache=False, ranges=True).diagnostics
    ]
    assert lines == (folder / "output.txt").read_text().splitlines()


@pytest.mark.parametrize("case", CASES)
def test_every_diagnostic_names_file_line_column_and_a_known_code(case: str) -> None:
    for d in load_checked(CORPUS / case, cache=False, ranges=True).diagnostics:
        assert d.code in CODES
        assert d.file
        assert (d.line >= 1 and d.col >= 1) or d.code in ("E027", "W110")
        assert d.format().startswith(d.file)


def _copy_base(tmp_path: Path) -> Path:
    story = tmp_path / "story"
    story.mkdir()
    for name in ("story.yaml", "main.yaml"):
        (story / name).write_text((BASE / name).read_text())
    return story


def test_a_ten_megabyte_text_is_refused_not_loaded(tmp_path: Path) -> None:
    story = _copy_base(tmp_path)
    (story / "huge.yaml").write_text(
        "chapter: huge\nscenes:\n  x:\n    text: " + "a" * 10_000_000 + "\n    next: main.b\n"
    )
    assert diagnostics_of(story) == {"E009 huge.yaml:1"}


def test_a_long_text_inside_the_file_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    story = _copy_base(tmp_path)
    (story / "long.yaml").write_text(
        "chapter: long\nscenes:\n  x:\n    text: " + "word " * 5000 + "\n    next: main.b\n"
    )
    assert diagnostics_of(story) == {"E009 long.yaml:4"}


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, "- " * 100_000 + "x", "{a: " * 50_000 + "1" + "}" * 50_000],
    ids=["flow-lists", "block-lists", "flow-maps"],
)
def test_nesting_that_would_crash_libyaml_is_refused_in_a_child_process(tmp_path: Path, body: str) -> None:
    # libyaml's composer recurses per level and overflows the C stack (SIGSEGV) somewhere
    # between 20,000 and 50,000 levels, so this runs in a child: a regression fails this test
    # instead of killing the test run.
    story = _copy_base(tmp_path)
    (story / "deep.yaml").write_text(body)
    code = (
        "import sys; from pathlib import Path; from engine.load.folder import load_story\n"
        f"r = load_story(Path({str(story)!r}), cache=False)\n"
        "print(sorted({d.code for d in r.diagnostics}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "['E010']"
