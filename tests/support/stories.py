"""Stories for the tests, loaded once per process: a loaded `Story` is immutable, so every test
can share it (tests that edit a story edit a copy in their own folder, and load that).

They load through the run's parse cache (a folder of its own, see tests/conftest.py), as a
player's do: the first worker to load a 500-scene career parses it (1.5-2 s), the other reads
what it parsed (0.5 s). The parser and the cache each have tests of their own.
"""

from __future__ import annotations

from pathlib import Path

from engine.author.check import load_checked
from engine.core.model import Story

_loaded: dict[str, Story] = {}


def story(name: str | Path) -> Story:
    """A bundled story by id, or a story folder, loaded and free of errors."""
    key = str(name)
    if key not in _loaded:
        result = load_checked(name)
        assert result.ok and result.story is not None, [d.format() for d in result.errors]
        _loaded[key] = result.story
    return _loaded[key]
