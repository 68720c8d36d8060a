"""The app's tests share one catalog of the bundled stories per worker process.

Every app loads and checks all four bundled stories when it starts (0.14 s), and the app's
tests start about a hundred apps. The bundled stories never change while the tests run (a test
that edits a story edits a copy in its own folder, which is loaded afresh), and a loaded story
is immutable, so each worker loads them once. Only the catalog is shared: live reloads, and
every story outside stories/, load as they would for a player.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import engine.tui.careers as careers
from engine.author.check import CheckedStory, load_checked
from engine.load.folder import STORIES_DIR

_loaded: dict[Path, CheckedStory] = {}


def _shared(path: str | Path, **options: object) -> CheckedStory:
    folder = Path(path).resolve()
    if options or folder.parent != STORIES_DIR.resolve():
        return load_checked(path, **options)  # type: ignore[arg-type]
    if folder not in _loaded:
        _loaded[folder] = load_checked(folder)
    return _loaded[folder]


@pytest.fixture(autouse=True, scope="session")
def bundled_catalog_loaded_once() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(careers, "load_checked", _shared)
        yield
