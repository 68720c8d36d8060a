"""Linking again after a keystroke, without linking again what the keystroke did not touch.

Most of a story's load is the linker building its scenes: resolving every target, compiling
every expression, linking every text. When the author types in one chapter file, the scenes of
the other files come out exactly as before, so long as nothing they depend on has changed: the
story's stats, flags and opposed pairs, its chapters and the set of its scene ids (what names
resolve to), and what was left out because of a problem (which decides what is reported as
following from it). `MemoLinker` is the engine's own `Linker` with one change: it remembers
each scene it built, with the problems linking it reported and the names it used, under a key
made of the scene's file (its bytes and its path), the grafted choices it received, and that
context; a scene whose key is unchanged is taken from memory and its problems are reported
again, in the same order, through the same `report` (so what follows from a root cause is still
counted under it).

Anything else is linked as the engine links it: a change to story.yaml, or one that adds,
removes or renames a scene, a stat or a flag, changes the context, and every scene is built
afresh. tests/lsp/test_linking.py holds it to the plain linker on random edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.core.model import Scene
from engine.load.ir import ChoiceIR, SceneIR
from engine.load.link import Linker, SourceFile

#: What building one scene left behind: the scene, each report it made, and the names it used.
Built = tuple[Scene, tuple[tuple[tuple[Any, ...], dict[str, Any]], ...], frozenset[str]]


@dataclass
class SceneMemory:
    """The scenes the last link built, by key, and the context they were built in."""

    context: tuple[Any, ...] | None = None
    generation: int = 0
    scenes: dict[tuple[Any, ...], Built] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0


class _Names(set[str]):
    """The linker's set of names used, noting what each scene adds to it."""

    noted: set[str] | None = None

    def add(self, name: str) -> None:
        if self.noted is not None:
            self.noted.add(name)
        super().add(name)

    def update(self, *names: Iterable[str]) -> None:
        for group in names:
            group = list(group)
            if self.noted is not None:
                self.noted.update(group)
            super().update(group)


class MemoLinker(Linker):
    """The engine's linker, reusing each scene of the last link whose inputs are unchanged."""

    def __init__(self, files: Sequence[SourceFile], root: str, memory: SceneMemory):
        super().__init__(files, root)
        self.memory = memory
        self._context_id: int | None = None
        self._built: dict[tuple[Any, ...], Built] = {}
        self._names = _Names()
        self._named = self._names

    def link(self, *, lazy: bool = False) -> Any:
        story = super().link()
        self.memory.scenes = self._built  # only what this link used: old versions are let go
        return story

    def _context(self) -> int:
        """A number for everything a scene's linking reads besides its own file: the same number
        as last time when all of it is equal."""
        if self._context_id is None:
            context = (
                self.root,
                tuple(self.stats.items()),
                tuple(self.flags.items()),
                tuple(self.mirrors.items()),
                tuple(self.scene_ids),
                tuple(getattr(self, "chapters", {}).items()),
                tuple(sorted((k, _where(d)) for k, d in self._lost_names.items())),
                tuple((tuple(sorted(names)), _where(d)) for names, d in self._lost),
            )
            if context != self.memory.context:
                self.memory.context = context
                self.memory.generation += 1
                self.memory.scenes = {}
            self._context_id = self.memory.generation
        return self._context_id

    def scene(self, ctx: Any, sid: str, ir: SceneIR, grafted: list[tuple[Any, ChoiceIR]]) -> Scene:
        f: SourceFile = ctx.file
        key = (
            self._context(),
            f.rel,
            f.path,
            f.content_hash,
            sid,
            tuple(
                (g.file.rel, g.file.path, g.file.content_hash, c["line"], c["col"], c["id"])
                for g, c in grafted
            ),
        )
        built = self.memory.scenes.get(key)
        if built is not None:
            self.memory.hits += 1
            scene, replayed, names = built
            for args, kwargs in replayed:
                Linker.report(self, *args, **kwargs)
            self._names.update(names)
            self._built[key] = built
            return scene
        self.memory.misses += 1
        reports: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

        def report(*args: Any, **kwargs: Any) -> None:
            reports.append((args, kwargs))
            Linker.report(self, *args, **kwargs)

        noted: set[str] = set()
        self._names.noted = noted
        self.report = report  # type: ignore[method-assign]
        try:
            scene = super().scene(ctx, sid, ir, grafted)
        finally:
            del self.report
            self._names.noted = None
        built = (scene, tuple(reports), frozenset(noted))
        self._built[key] = built
        return scene


def _where(d: Any) -> tuple[str, str, int, int]:
    return (d.code, d.file, d.line, d.col)
