"""The scenes of a ready-made story, each linked the first time play or a tool asks for it.

A story whose every file, and the engine's own code, are unchanged since it was last loaded
and checked (engine/author/ready.py) has nothing left to find: its diagnostics are known. Then
building all of its scenes up front is work that play mostly never uses: a career at 10,000
scenes visits a few hundred of them, and linking the rest is most of the cost of loading it.
So the linker hands the story this mapping, which holds each scene's IR and links the scene on
first use with the same linker, to the same `Scene` an eager load builds.

It is a `dict` so that a hit is the C lookup play already pays (`story.scenes[id]`, behind the
story's `MappingProxyType`): only a miss comes here, through `__missing__`. Everything that
looks at the scenes as a whole (iteration, `values`, `items`, `len`, `in`) answers for every
scene of the story, in the story's order, linking what it hands out.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, ValuesView
from typing import Any

from engine.core.model import Scene
from engine.load.collector import collector_paused


class LazyScenes(dict[str, Scene]):
    """Every scene id of a story, each linked by `build` on first use (see the module)."""

    __slots__ = ("_build", "_complete", "_ids", "_known", "_release")

    def __init__(self, ids: list[str], build: Callable[[str], Scene], release: Callable[[], None]):
        """`build` links one scene; `release` is called once every scene is linked, to let go
        of what linking needed (the linker's caches, which refer back to it: a cycle that
        would keep every file's IR alive)."""
        super().__init__()
        self._ids = ids  # the story's order
        self._known = frozenset(ids)
        self._build: Callable[[str], Scene] | None = build
        self._release: Callable[[], None] | None = release
        self._complete = not ids
        if not ids:
            self._let_go()

    def __missing__(self, sid: str) -> Scene:
        if sid not in self._known or self._build is None:
            raise KeyError(sid)
        # Built as the loader builds: the collector paused, and what was built moved straight
        # to its oldest generation. Left to the collector, the scenes linked during play (long
        # lived, hundreds of objects each) set off full collections of the whole story again
        # and again: at 10,000 scenes that cost play more than the linking itself.
        with collector_paused():
            scene = self._build(sid)
        dict.__setitem__(self, sid, scene)
        if dict.__len__(self) == len(self._ids):
            self._finish()
        return scene

    def _finish(self) -> None:
        """Every scene is linked: put them in the story's order and let the linker go."""
        if dict.__len__(self) != len(self._ids) or list(dict.keys(self)) != self._ids:
            ordered = {sid: self[sid] for sid in self._ids}
            dict.clear(self)
            dict.update(self, ordered)
        self._complete = True
        self._let_go()

    def _let_go(self) -> None:
        release, self._release, self._build = self._release, None, None
        if release is not None:
            release()

    def linked(self) -> int:
        """How many scenes have been linked so far (for tests and benchmarks)."""
        return dict.__len__(self)

    def _all(self) -> None:
        """Link every scene not linked yet (the last one linked puts them in order)."""
        if not self._complete:
            for sid in self._ids:
                if not dict.__contains__(self, sid):
                    self.__missing__(sid)

    # -- the mapping, as the whole story --------------------------------------------------

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, sid: object) -> bool:
        return sid in self._known

    def __eq__(self, other: object) -> bool:
        self._all()
        return dict.__eq__(self, other)

    __hash__ = None  # a dict is unhashable; say so again after defining __eq__

    def __repr__(self) -> str:
        return f"LazyScenes({len(self._ids)} scenes, {self.linked()} linked)"

    def get(self, sid: str, default: Any = None) -> Any:
        try:
            return self[sid]
        except KeyError:
            return default

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return KeysView(self)

    def values(self) -> ValuesView[Scene]:  # type: ignore[override]
        self._all()
        return dict.values(self)

    def items(self) -> ItemsView[str, Scene]:  # type: ignore[override]
        self._all()
        return dict.items(self)

    def copy(self) -> dict[str, Scene]:
        self._all()
        return dict(dict.items(self))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (a process pool's worker) as the plain dict of every scene."""
        return (dict, (self.copy(),))
