"""Stories for the tests, loaded once per process: a loaded `Story` is immutable, so every test
can share it (tests that edit a story edit a copy in their own folder, and load that)."""

from __future__ import annotations

from pathlib import Path

from engine.author.check import load_checked
from engine.core.model import Story

_loaded: dict[str, Story] = {}


def story(name: str | Path) -> Story:
    """A bundled story by id, or a story folder, loaded (parsed afresh) and free of errors."""
    key = str(name)
    if key not in _loaded:
        result = load_checked(name, cache=False)
        assert result.ok and result.story is not None, [d.format() for d in result.errors]
        _loaded[key] = result.story
    return _loaded[key]
