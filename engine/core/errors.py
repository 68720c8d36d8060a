"""One family for every error the engine raises, so an embedder can catch them all at once.

Each subsystem keeps its own class (a save that cannot be used, a choice that cannot be made,
an expression that does not parse...), with its own fields, but all of them derive from
`PointeEdgeError`, as every httpx error derives from `HTTPError`. Problems in a story are not
errors in this sense: loading reports them as diagnostics and never raises for them.
"""

from __future__ import annotations


class PointeEdgeError(Exception):
    """The base of every error Pointe & Edge raises on purpose."""
