"""docs/embedding.md must not drift from the engine: each example runs in a fresh interpreter and
prints exactly what the guide shows, and its tables list exactly the API and the snapshot keys."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import engine
from engine.play.session import Session
from tests.support import ROOT

GUIDE_PATH = ROOT / "docs" / "embedding.md"
GUIDE = GUIDE_PATH.read_text(encoding="utf-8")
MARKER = re.compile(r"<!-- test: (.+?) -->\Z")


def _blocks() -> list[tuple[str | None, str]]:
    """(marker, body) of every fenced block, the marker from the comment on the line before."""
    lines = GUIDE.split("\n")
    out: list[tuple[str | None, str]] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            end = lines.index("```", i + 1)
            found = MARKER.match(lines[i - 1]) if i else None
            out.append((found.group(1) if found else None, "\n".join(lines[i + 1 : end]) + "\n"))
            i = end
        i += 1
    return out


BLOCKS = _blocks()


def _examples(kind: str) -> dict[str, str]:
    """The blocks marked `KIND NAME`, by name."""
    return {m.partition(" ")[2]: body for m, body in BLOCKS if m and m.partition(" ")[0] == kind}


RUNS, OUTPUTS = _examples("run"), _examples("output")


def _table(marker: str) -> list[list[str]]:
    """The rows (header and rule left out) of the table after `<!-- test: marker -->`."""
    lines = GUIDE.split("\n")
    start = lines.index(f"<!-- test: {marker} -->") + 3
    rows = []
    for row in lines[start:]:
        if not row.startswith("|"):
            break
        rows.append([cell.strip() for cell in row.strip().split("|")[1:-1]])
    return rows


def test_every_block_is_an_example_with_its_output() -> None:
    assert [marker for marker, _ in BLOCKS if marker is None] == []
    assert set(RUNS) == set(OUTPUTS) == {"career", "snapshot"}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_example_prints_what_the_guide_shows(name: str) -> None:
    # a fresh interpreter in the project folder, as the guide tells an embedder to run it
    done = subprocess.run(
        [sys.executable, "-c", RUNS[name]], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == OUTPUTS[name]


def test_the_career_example_is_about_ten_lines() -> None:
    code = [line for line in RUNS["career"].splitlines() if line.strip()]
    assert len(code) <= 12


def test_the_names_table_lists_the_whole_public_api() -> None:
    listed = set()
    for first, _ in _table("names"):
        listed |= {name.split("(")[0].removeprefix("Session.") for name in re.findall(r"`([^`]+)`", first)}
    assert listed == set(engine.__all__) | {"snapshot", "resume"}


def test_the_snapshot_table_lists_its_keys_in_order() -> None:
    story = engine.load_story("demo").story
    assert story is not None
    keys = [re.fullmatch(r"`(\w+)`", row[0]).group(1) for row in _table("snapshot-keys")]  # type: ignore[union-attr]
    assert keys == list(Session(story, 1).snapshot())


def test_the_readme_and_the_architecture_link_here() -> None:
    assert "(docs/embedding.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(embedding.md)" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
