"""Ready-made stories (engine/author/ready.py, engine/load/lazy_scenes.py).

A story unchanged since a full load comes back with the same findings, and with scenes that are
linked when first used into exactly the scenes an eager load builds; any change to a file, or
to the engine's checking code, takes the full path again; a story with errors is never kept.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.author.ready as ready_module
from engine.author.check import load_checked
from engine.core.model import Story
from engine.load.cache import ParseCache
from engine.load.folder import load_story
from engine.load.lazy_scenes import LazyScenes
from engine.play.session import Session
from tests.support import ROOT

MAGDALENA = ROOT / "stories" / "magdalena"


def lazy_of(story: Story) -> LazyScenes:
    """The mapping behind the story's read-only view of its scenes."""
    (inner,) = gc.get_referents(story.scenes)
    assert isinstance(inner, LazyScenes)
    return inner


def copy_story(tmp_path: Path, source: Path = MAGDALENA) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("tests"))
    return target


def test_an_unchanged_story_loads_ready_made_with_the_same_findings(tmp_path: Path) -> None:
    story = copy_story(tmp_path)
    unreachable = story / "zz_unreachable.yaml"
    unreachable.write_text(
        "chapter: zz\nscenes:\n  lost:\n    text: Nobody comes here.\n"
        "    ending: {title: Lost, tone: bittersweet}\n"
    )
    first = load_checked(story, cache=ParseCache(tmp_path / "cache"))
    assert not first.ready_made and first.ok and first.warnings  # W100 for the scene nobody reaches
    second = load_checked(story, cache=ParseCache(tmp_path / "cache"))
    assert second.ready_made
    assert second.diagnostics == first.diagnostics
    assert second.story is not None and first.story is not None
    lazy = lazy_of(second.story)
    assert lazy.linked() == 0  # nothing linked until asked for
    assert len(second.story.scenes) == len(first.story.scenes)
    assert list(second.story.scenes) == list(first.story.scenes)  # ids, in the story's order
    start = second.story.start
    assert start in second.story.scenes and "no.such.scene" not in second.story.scenes
    assert second.story.scenes[start] == first.story.scenes[start]
    assert lazy.linked() == 1
    assert second.story.scenes.get("no.such.scene") is None
    assert list(second.story.scenes.values()) == list(first.story.scenes.values())
    assert lazy.linked() == len(first.story.scenes)


def test_a_ready_made_story_plays_the_same_careers(tmp_path: Path) -> None:
    story = copy_story(tmp_path)
    eager = load_story(story, cache=False).story
    load_checked(story, cache=ParseCache(tmp_path / "cache"))
    ready = load_checked(story, cache=ParseCache(tmp_path / "cache"))
    assert ready.ready_made and eager is not None and ready.story is not None
    for seed in range(5):
        a, b = Session(eager, seed), Session(ready.story, seed)
        while not a.ended:
            assert a.text == b.text and a.choices == b.choices
            open_ = [c.id for c in a.choices if not c.locked]
            pick = open_[(seed + len(a.journal)) % len(open_)]
            ra, rb = a.choose(pick), b.choose(pick)
            assert ra == rb
        assert b.ended and a.state == b.state


def test_any_change_to_a_file_or_to_the_checking_code_is_a_full_load(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    story = copy_story(tmp_path)
    cache = tmp_path / "cache"
    load_checked(story, cache=ParseCache(cache))
    assert load_checked(story, cache=ParseCache(cache)).ready_made
    chapter = next(p for p in sorted(story.glob("*.yaml")) if p.name != "story.yaml")
    chapter.write_text(chapter.read_text() + "\n# a comment is a change too\n")
    assert not load_checked(story, cache=ParseCache(cache)).ready_made
    assert load_checked(story, cache=ParseCache(cache)).ready_made
    real = ready_module.code_digest
    monkeypatch.setattr(ready_module, "code_digest", lambda packages: b"other code" + (real(packages) or b""))
    assert not load_checked(story, cache=ParseCache(cache)).ready_made
    monkeypatch.setattr(ready_module, "code_digest", lambda packages: None)  # code unreadable: keep nothing
    assert not load_checked(story, cache=ParseCache(cache)).ready_made
    assert not load_checked(story, cache=ParseCache(cache)).ready_made


def test_ranges_or_no_cache_always_take_the_full_path(tmp_path: Path) -> None:
    story = copy_story(tmp_path, ROOT / "stories" / "demo")
    load_checked(story, cache=ParseCache(tmp_path / "cache"))
    assert not load_checked(story, cache=ParseCache(tmp_path / "cache"), ranges=True).ready_made
    assert not load_checked(story, cache=False).ready_made
    assert not load_checked(story, cache=ParseCache(None)).ready_made


def test_a_story_with_errors_is_never_kept(tmp_path: Path) -> None:
    story = copy_story(tmp_path)
    manifest = story / "story.yaml"
    manifest.write_text(manifest.read_text().replace("start:", "start: no_such_scene\nold_start:", 1))
    for _ in range(2):
        result = load_checked(story, cache=ParseCache(tmp_path / "cache"))
        assert result.errors and not result.ready_made
    assert not list((tmp_path / "cache").glob("ready/*/*.bin"))


def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    story = copy_story(tmp_path)
    full = load_checked(story, cache=ParseCache(tmp_path / "cache"))
    (entry,) = (tmp_path / "cache").glob("ready/*/*.bin")
    entry.write_bytes(entry.read_bytes()[:-3])
    again = load_checked(story, cache=ParseCache(tmp_path / "cache"))
    assert not again.ready_made and again.diagnostics == full.diagnostics
    assert load_checked(story, cache=ParseCache(tmp_path / "cache")).ready_made


@pytest.fixture(scope="module")
def kept_story(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Story]:
    """A copy of the demo whose findings are kept, its cache, and the story loaded eagerly."""
    base = tmp_path_factory.mktemp("ready")
    story = copy_story(base, ROOT / "stories" / "demo")
    eager = load_story(story, cache=False).story
    assert eager is not None
    load_checked(story, cache=ParseCache(base / "cache"))
    return story, base / "cache", eager


@settings(max_examples=30, deadline=None)
@given(order=st.lists(st.integers(min_value=0, max_value=10_000), max_size=40))
def test_scenes_asked_for_in_any_order_are_the_eager_scenes_in_the_story_order(
    kept_story: tuple[Path, Path, Story], order: list[int]
) -> None:
    story, cache, eager = kept_story
    loaded = load_checked(story, cache=ParseCache(cache))
    ready = loaded.story
    assert loaded.ready_made and ready is not None
    ids = list(eager.scenes)
    for k in order:
        sid = ids[k % len(ids)]
        assert ready.scenes[sid] == eager.scenes[sid]
    assert list(ready.scenes.items()) == list(eager.scenes.items())
    assert dict(ready.scenes) == dict(eager.scenes)
