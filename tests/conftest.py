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

from collections.abc import Iterator
from pathlib import Path

import pytest

import engine.tui.careers as careers
from engine.author.check import CheckedStory, load_checked
from engine.core.model import Story
from engine.load.folder import STORIES_DIR
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


# The app's catalog of the bundled stories, loaded once per worker process.
#
# Every app loads and checks all four bundled stories when it starts (0.14 s from the parse
# cache; a second with the careers at 500 scenes), and the tests start about 150 apps (the
# app's own, and those of the saves and docs tests). The bundled stories never change while the
# tests run (a test that edits a story edits a copy in its own folder, which is loaded afresh),
# and a loaded story is immutable, so each worker loads them once. Only the catalog is shared:
# live reloads, and every story outside stories/, load as they would for a player.

_catalog: dict[Path, CheckedStory] = {}


def _shared(path: str | Path, **options: object) -> CheckedStory:
    folder = Path(path).resolve()
    if options or folder.parent != STORIES_DIR.resolve():
        return load_checked(path, **options)  # type: ignore[arg-type]
    if folder not in _catalog:
        _catalog[folder] = load_checked(folder)
    return _catalog[folder]


@pytest.fixture(autouse=True, scope="session")
def bundled_catalog_loaded_once() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(careers, "load_checked", _shared)
        yield


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
