"""Test-wide settings, made before any test imports Textual or touches a user folder.

Textual reads TEXTUAL_ANIMATIONS from the process environment, so it is set here, at import,
rather than in a fixture. The player's own settings file, parse cache and crash logs are never
used: each run has a cache and a log folder of its own.
"""

from __future__ import annotations

import gc
import os
import tempfile

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["POINTE_EDGE_CONFIG"] = "off"
os.environ.setdefault("POINTE_EDGE_CACHE", tempfile.mkdtemp(prefix="pe-test-cache-"))
os.environ.setdefault("POINTE_EDGE_LOGS", tempfile.mkdtemp(prefix="pe-test-logs-"))
os.environ.setdefault("POINTE_EDGE_SAVES", tempfile.mkdtemp(prefix="pe-test-saves-"))  # plain mode saves

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


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collecting the tests imported (Textual, Hypothesis, the engine, every test
    module) out of the cyclic collector's view, once per process.

    None of it is ever garbage, but each of a worker's 40-odd full collections scanned all of it
    again: freezing cut a worker's time in the collector from 9.1 to 7.7 s (measured with
    gc.callbacks). The engine does the same for a front end's own stories
    (engine/load/folder.py, `freeze_once`).
    """
    gc.collect()
    gc.freeze()
