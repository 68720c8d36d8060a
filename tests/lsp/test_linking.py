"""Linking again with the scenes of the last link remembered gives the story the engine's own
linker gives, problems and all, edit after edit (engine/lsp/linking.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core.model import Story
from engine.load.folder import STORIES_DIR, display_path, read_sources
from engine.load.link import Linker
from engine.lsp.analysis import Buffer, StoryAnalyser
from tests.lsp.test_analysis import analysis_lines, check_lines

FILES = ("training.yaml", "competition.yaml", "setback.yaml", "branches/medeu.yaml", "story.yaml")

# Edits an author makes, each a (old, new) on one file's text: typos, renames, new lines.
EDITS = [
    ("technique", "tecnique"),
    ("goto: after_session", "goto: after_sesion"),
    ("goto: results", "goto: training.early_ice"),
    ("  after_session:", "  after_practice:"),
    ("  ankle:", "  ankle2:"),
    ("sore_ankle", "sore_ankel"),
    ("stamina: -4", "stamina: -400"),
    ("text: |", "text: >"),
    ("choices:", "choises:"),
    ("\n", "\n# a note\n"),
    ("if: ", "if: not "),
    ("chapter: medeu", "chapter: training"),
    ("saule: {label", "trust: {label"),
    ("flags:", "flags:\n  brave: {label: brave}"),
]


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("linking") / "demo"
    shutil.copytree(STORIES_DIR / "demo", folder)
    return folder, {rel: (folder / rel).read_text(encoding="utf-8") for rel in FILES}


def _shape(story: Story | None) -> object:
    """What a story is made of, comparable: scenes, their exits and texts' expressions."""
    if story is None:
        return None
    return [
        (
            sid,
            s.title,
            s.pos,
            [(c.id, c.route, c.pos, c.condition.source if c.condition else None) for c in s.choices],
            [(b.route, b.pos) for b in s.next],
            [e.source for e in s.text.expressions] if s.text else None,
            s.effects,
        )
        for sid, s in story.scenes.items()
    ]


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(FILES), st.sampled_from(EDITS), st.booleans()), min_size=1, max_size=6)
)
def test_edit_after_edit_the_remembered_link_is_the_engines(
    demo_files: tuple[Path, dict[str, str]], edits: list[tuple[str, tuple[str, str], bool]]
) -> None:
    folder, originals = demo_files
    analyser = StoryAnalyser(folder)
    analyser.analyse({})
    texts = dict(originals)
    for rel, (old, new), undo in edits:
        texts[rel] = originals[rel] if undo else texts[rel].replace(old, new, 1)
        buffers = {r: Buffer(t, 1) for r, t in texts.items() if t != originals[r]}
        a = analyser.analyse(buffers)
        overlay = {r: b.text.encode() for r, b in buffers.items()}
        assert analysis_lines(a) == check_lines(folder, overlay)
        plain = Linker(read_sources(folder, None, overlay), display_path(folder)).link()
        assert _shape(a.story) == _shape(plain)
