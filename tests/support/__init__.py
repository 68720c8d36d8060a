"""What the tests share: where things are, so a test file can move between tiers freely."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent  # the project: main.py, stories/, bench/, docs/
DATA = TESTS / "data"
BAD_STORIES = DATA / "bad_stories"  # one folder per check code: the story that makes it
STORIES = DATA / "stories"  # small stories made for the tests (rules, studio, ...)
CAREERS = DATA / "careers"  # playthroughs of the bundled careers, one file a story
