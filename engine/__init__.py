"""Pointe & Edge: a narrative game engine for the terminal, and a library to embed it.

    import engine

    result = engine.load_story("demo")
    session = engine.Session(result.story, seed=1)
    print(engine.to_plain(session.text))

`__all__` is the public API (docs/embedding.md); everything else is the engine's own and may
change. Each name is imported on first use (PEP 562), so `import engine` imports nothing, and
`import engine.core` or `engine.play` costs only what those packages need. The engine below the
full-screen app (everything here but `engine.tui`) never imports Textual: the game is fully
playable and testable without a screen. tests/unit/test_api.py pins `__all__`.
"""

# Only private names at the top level (`_importlib`, `_typing`): every public one is in `__all__`.
import importlib as _importlib
import typing as _typing

__all__ = [
    "ChoiceError",
    "Diagnostic",
    "PointeEdgeError",
    "Session",
    "SnapshotError",
    "StoryNotFound",
    "__version__",
    "check",
    "load_story",
    "to_plain",
]

# where each public name lives, imported when it is first used
_HOMES = {
    "check": "engine._api",
    "ChoiceError": "engine.play.session",
    "Diagnostic": "engine.core.diagnostics",
    "load_story": "engine._api",
    "PointeEdgeError": "engine.core.errors",
    "Session": "engine.play.session",
    "SnapshotError": "engine.play.snapshot",
    "StoryNotFound": "engine.load.folder",
    "to_plain": "engine.core.template",
    "__version__": "engine.core.version",  # the one number of the package and its formats
}

if _typing.TYPE_CHECKING:  # what a type checker and an editor see; at run time, `__getattr__` below
    from engine._api import check, load_story
    from engine.core.diagnostics import Diagnostic
    from engine.core.errors import PointeEdgeError
    from engine.core.template import to_plain
    from engine.core.version import __version__
    from engine.load.folder import StoryNotFound
    from engine.play.session import ChoiceError, Session
    from engine.play.snapshot import SnapshotError


def __getattr__(name: str) -> _typing.Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
