"""Every bundled story's own tests (its `tests/*.yaml`) pass, as `main.py test STORY` would say.

A story that gains a tests folder is picked up here without editing this file.
"""

from __future__ import annotations

import pytest

from engine.author.storytest.files import story_test_files
from engine.author.storytest.run import run_story_tests
from engine.load.folder import STORIES_DIR, bundled_stories
from tests.support.stories import story

TESTED = [s for s in bundled_stories() if story_test_files(STORIES_DIR / s)]


def test_the_demo_has_story_tests() -> None:
    assert "demo" in TESTED


@pytest.mark.parametrize("name", TESTED)
def test_a_bundled_story_passes_its_own_tests(name: str) -> None:
    outcome = run_story_tests(story(name), STORIES_DIR / name, f"stories/{name}")
    assert [p.format() for p in outcome.problems] == []
    assert [f.format() for f in outcome.failures] == []
    assert outcome.cases > 0
