"""Test-wide settings, made before any test imports Textual or touches a user folder.

Textual reads TEXTUAL_ANIMATIONS from the process environment, so it is set here, at import,
rather than in a fixture. The player's own settings file, parse cache and crash logs are never
used: each run has a cache and a log folder of its own.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["POINTE_EDGE_CONFIG"] = "off"
os.environ.setdefault("POINTE_EDGE_CACHE", tempfile.mkdtemp(prefix="pe-test-cache-"))
os.environ.setdefault("POINTE_EDGE_LOGS", tempfile.mkdtemp(prefix="pe-test-logs-"))

import pytest

from engine.core.model import Story
from tests.support import STORIES
from tests.support.stories import story


@pytest.fixture(scope="session")
def demo() -> Story:
    """The bundled demo: every feature of the format in a dozen scenes."""
    return story("demo")


@pytest.fixture(scope="session")
def studio() -> Story:
    """tests/data/stories/studio: three chapters, a detour, a router and two endings (author tools)."""
    return story(STORIES / "studio")


@pytest.fixture(scope="session")
def rules() -> Story:
    """tests/data/stories/rules: every number chosen so a test can assert the rules of play exactly."""
    return story(STORIES / "rules")
