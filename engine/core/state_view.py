"""What an expression may read of a game state: the `StateView` protocol.

Expressions and texts are compiled in engine.core, but the game state is engine.play's
`GameState`, a layer above. The compiled closures, `Template.render` and the analyses that
evaluate expressions need only these five things, read-only, so they take any object that has
them: the real state, a simulator's, or a test's `SimpleNamespace`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class StateView(Protocol):
    """The parts of a game state an expression can read (it never writes any)."""

    @property
    def stats(self) -> Mapping[str, int]:
        """Each stat's value, by stat id."""
        ...

    @property
    def flags(self) -> Mapping[str, bool]:
        """Each flag's value, by flag id."""
        ...

    @property
    def visits(self) -> Mapping[str, int]:
        """How many times each scene was entered, by scene id (absent: never)."""
        ...

    @property
    def turn(self) -> int:
        """How many choices the player has made so far."""
        ...

    @property
    def stack(self) -> Sequence[tuple[str, str | None, int]]:
        """The detours play is in, innermost last: (calling scene, where to go on, strike)."""
        ...
