"""One family for every error the engine raises on purpose, so an embedder can catch them all at once.

Each subsystem keeps its own class (a save that cannot be used, a choice that cannot be made,
a snapshot that does not fit the story...), with its own fields, but all of them derive from
`PointeEdgeError`, as every httpx error derives from `HTTPError`:

    PointeEdgeError
    ├── StoryNotFound       engine.load.folder      a name that is no story
    ├── ChoiceError         engine.play.session     unknown, locked, or the career is over
    ├── SnapshotError       engine.play.snapshot    a snapshot that cannot be resumed
    ├── StateError          engine.play.state       not a valid game state (also a ValueError)
    ├── SaveError           engine.saves.format     a save that cannot be used
    ├── UnreadableFile      engine.saves.files      a store file the store moves aside
    ├── WarpError           engine.author.warp      an impossible warp (also a ValueError)
    ├── UnknownChapter      engine.author.export    no such chapter (also a ValueError)
    ├── SimulationError     engine.author.simulate  a worker died, the story changed under it
    ├── EditorError         engine.author.editor    $VISUAL or $EDITOR is no command line (also a ValueError)
    ├── GuideError          engine.load.schema      the guide lacks a key's description (also a ValueError)
    └── ScriptError         engine.cli.plain        a `--choices` entry that cannot be played

tests/unit/test_errors.py walks the package and fails for any exception class outside the
family (`ExprError` and `TemplateError` join when the rewrite of expr.py and template.py lands).

Two kinds of failure stay outside it on purpose. Problems in a story are not errors: loading
reports them as diagnostics and never raises for them. And misuse by the calling code (asking
a session without history for its trail, `advance()` on a session with undo) is a bug in that
code, not a condition to handle, so it stays a built-in `RuntimeError` or `ValueError`, as
httpx does for a closed client.
"""

from __future__ import annotations


class PointeEdgeError(Exception):
    """The base of every error Pointe & Edge raises on purpose."""
