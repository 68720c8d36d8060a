"""One story as the editor has it: the loader and every check run over the files on disk with
the editor's unsaved buffers in their place, and the index of every name in them.

`check` is the judge of what is wrong with a story, so the language server asks exactly what
`check` asks (the loader, the linker, the whole-story checks with the stat ranges, the story
tests' own checks) and only changes where the bytes come from: an open buffer wins over its
file (engine/load/folder.py, `read_sources`'s overlay). What makes it fast enough to run as the
author types is memory, not a second implementation: each file's parse is kept in memory by its
content (a change re-parses that file alone), and so is each file's index.

An `Analysis` is immutable: the server builds it off the event loop and swaps it in whole, and
every request reads the one it finds.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from engine.author.check import check_story
from engine.author.storytest.files import story_test_files
from engine.author.storytest.format import TestFile, parse_tests
from engine.core.diagnostics import Diagnostic, sort_key
from engine.core.model import Story
from engine.core.safe_read import FileRefused
from engine.load.cache import ParseCache, default_dir
from engine.load.collector import collector_paused
from engine.load.folder import (
    MANIFEST,
    TESTS_DIR,
    LoadResult,
    display_path,
    read_sources,
    read_story_file,
)
from engine.load.ir import FileIR
from engine.load.parse import content_hash
from engine.lsp.index import FileIndex, StoryIndex, build, build_tests
from engine.lsp.linking import MemoLinker, SceneMemory
from engine.lsp.positions import SourceText

T = TypeVar("T")


class Lazy(Generic[T]):
    """A value made the first time it is asked for, once, by whichever thread asks first.

    An index is not needed to publish diagnostics, only to answer the requests that follow, so
    it is left out of the time from a keystroke to its diagnostics and built when first used."""

    __slots__ = ("_lock", "_make", "_value")

    def __init__(self, make: Callable[[], T]):
        self._make: Callable[[], T] | None = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._make is not None:
            with self._lock:
                if self._make is not None:
                    self._value = self._make()
                    self._make = None
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Buffer:
    """An editor's open document: its text now, and the version the editor gave it."""

    text: str
    version: int | None = None


@dataclass(frozen=True)
class FileState:
    """One file of the story as it was analysed."""

    rel: str  # in the story folder, with forward slashes
    path: Path
    shown: str  # as the loader names it in a diagnostic
    text: SourceText
    indexed: Lazy[FileIndex] = field(repr=False)
    version: int | None  # the buffer's version, None when read from disk
    test: bool = False  # a story test file (tests/*.yaml)

    @property
    def index(self) -> FileIndex:
        return self.indexed.get()


@dataclass(frozen=True)
class Analysis:
    """A story's state for the editor: every file, every problem, every name."""

    folder: Path
    story: Story | None
    files: Mapping[str, FileState]
    diagnostics: Mapping[str, tuple[Diagnostic, ...]]  # by file (rel), as `check` reports them
    indexed: Lazy[StoryIndex] = field(repr=False)
    generation: int = 0

    @property
    def index(self) -> StoryIndex:
        return self.indexed.get()

    def file(self, rel: str) -> FileState | None:
        return self.files.get(rel)

    @property
    def errors(self) -> int:
        return sum(d.is_error for ds in self.diagnostics.values() for d in ds)


class MemoryParseCache(ParseCache):
    """Parsed files by content, kept in memory for the life of the server, in front of the
    user's parse cache on disk (so the first analysis of a large story is quick too).

    The linker empties a file's scene list once it has taken the scenes (engine/load/link.py),
    so each caller gets a fresh shallow copy of the IR and the original stays whole for the
    index. `prune` forgets what the last analysis did not use: old versions of edited files.
    """

    def __init__(self, disk: ParseCache | None):
        super().__init__(None)
        self.disk = disk
        self._irs: dict[str, FileIR] = {}
        self._used: set[str] = set()
        #: The contents of unsaved buffers: parsed for the editor, but never written to the
        #: cache on disk (each keystroke's version would be an entry there).
        self.unsaved: set[str] = set()

    def key(self, content_hash: str, manifest: bool) -> str | None:
        return ("M" if manifest else "C") + content_hash

    def get(self, key: str | None) -> FileIR | None:
        if key is None:
            return None
        self._used.add(key)
        ir = self._irs.get(key)
        if ir is None and self.disk is not None:
            ir = self.disk.get(self.disk.key(key[1:], key[0] == "M"))
            if ir is not None:
                self._irs[key] = ir
        if ir is None:
            self.misses += 1
            return None
        self.hits += 1
        return dict(ir)  # type: ignore[return-value]

    def put(self, key: str | None, ir: FileIR) -> None:
        if key is None:
            return
        self._used.add(key)
        self._irs[key] = dict(ir)  # type: ignore[assignment]
        if self.disk is not None and key[1:] not in self.unsaved:
            self.disk.put(self.disk.key(key[1:], key[0] == "M"), ir)

    def original(self, content_hash: str, manifest: bool) -> FileIR | None:
        """The IR of a file as parsed, scenes and all."""
        return self._irs.get(("M" if manifest else "C") + content_hash)

    def prune(self) -> None:
        for key in set(self._irs) - self._used:
            del self._irs[key]
        self._used = set()


@dataclass
class StoryAnalyser:
    """Analyses one story folder again and again, keeping what each file's version costs to
    compute. Used from one thread at a time (the server's analysis worker)."""

    folder: Path
    cache: MemoryParseCache = field(default_factory=lambda: MemoryParseCache(_disk_cache()))
    scenes: SceneMemory = field(default_factory=SceneMemory)
    _states: dict[tuple[str, str], tuple[SourceText, Lazy[FileIndex]]] = field(default_factory=dict)
    _generation: int = 0

    def analyse(self, buffers: Mapping[str, Buffer]) -> Analysis:
        """The story with `buffers` (by path in the folder) read in place of their files."""
        overlay = {rel: b.text.encode("utf-8") for rel, b in buffers.items()}
        self.cache.unsaved = {content_hash(data) for data in overlay.values()}
        with collector_paused():
            sources = read_sources(self.folder, self.cache, overlay)
            linker = MemoLinker(sources, display_path(self.folder), self.scenes)
            story = linker.link()
            loaded = LoadResult(story, sorted(linker.diagnostics, key=sort_key), self.folder)
            checked = check_story(loaded, ranges=True)  # what `check` runs: range proofs included
            files: dict[str, FileState] = {}
            states: dict[tuple[str, str], tuple[SourceText, Lazy[FileIndex]]] = {}
            for source in sources:
                key = (source.rel, source.content_hash)
                state = self._states.get(key)
                if state is None:
                    ir = self.cache.original(source.content_hash, source.rel == MANIFEST)
                    text = self._text(source.rel, buffers)
                    state = (text, Lazy(_indexer(ir, text, manifest=source.rel == MANIFEST)))
                states[key] = state
                buffer = buffers.get(source.rel)
                files[source.rel] = FileState(
                    source.rel,
                    self.folder / source.rel,
                    source.path,
                    state[0],
                    state[1],
                    buffer.version if buffer is not None else None,
                )
            self._states = states
            self.cache.prune()
            diagnostics = list(checked.diagnostics)
            if story is not None:
                for rel, tests_state, problems in self._story_tests(
                    story, buffers, errors=bool(checked.errors)
                ):
                    files[rel] = tests_state
                    diagnostics += problems
        self._generation += 1
        indexes = {rel: f.indexed for rel, f in files.items()}
        return Analysis(
            self.folder,
            story,
            files,
            _by_file(diagnostics, files),
            Lazy(lambda: StoryIndex.of({rel: lazy.get() for rel, lazy in indexes.items()})),
            self._generation,
        )

    def _text(self, rel: str, buffers: Mapping[str, Buffer]) -> SourceText:
        """A file's text: the buffer's, or the file's as the loader decodes it."""
        buffer = buffers.get(rel)
        if buffer is not None:
            return SourceText(buffer.text)
        try:
            data = read_story_file(self.folder / rel, self.folder)
        except (FileRefused, OSError):
            return SourceText("")
        return SourceText(data.decode("utf-8-sig", errors="replace"))

    def _story_tests(
        self, story: Story, buffers: Mapping[str, Buffer], *, errors: bool
    ) -> list[tuple[str, FileState, list[Diagnostic]]]:
        """Each story test file, read against the story: its problems (only those of its own
        shape while the story has errors: a name the broken story lacks is not the test's
        fault) and the names it uses."""
        paths = {p.relative_to(self.folder).as_posix(): p for p in story_test_files(self.folder)}
        for rel in buffers:
            if rel.startswith(TESTS_DIR + "/") and rel.count("/") == 1 and rel.endswith((".yaml", ".yml")):
                paths.setdefault(rel, self.folder / rel)
        out = []
        for rel, path in sorted(paths.items()):
            buffer = buffers.get(rel)
            if buffer is not None:
                data = buffer.text.encode("utf-8")
            else:
                try:
                    data = read_story_file(path, self.folder)
                except (FileRefused, OSError):
                    continue  # `test` says why; the editor has nothing to show in it
            shown = f"{display_path(path.parent)}/{path.name}"
            with contextlib.suppress(RecursionError):
                tests = parse_tests(data, shown, story)
                text = SourceText(buffer.text if buffer is not None else data.decode("utf-8-sig", "replace"))
                problems = [d for d in tests.problems if not errors or d.code < "E030"]
                state = FileState(
                    rel,
                    path,
                    shown,
                    text,
                    Lazy(_tests_indexer(tests, text)),
                    buffer.version if buffer is not None else None,
                    test=True,
                )
                out.append((rel, state, problems))
        return out


def _indexer(ir: FileIR | None, text: SourceText, *, manifest: bool) -> Callable[[], FileIndex]:
    return lambda: build(ir, text) if ir is not None else FileIndex(manifest=manifest)


def _tests_indexer(tests: TestFile, text: SourceText) -> Callable[[], FileIndex]:
    return lambda: build_tests(tests, text)


def _disk_cache() -> ParseCache | None:
    folder = default_dir()
    return ParseCache(folder) if folder is not None else None


def _by_file(
    diagnostics: list[Diagnostic], files: Mapping[str, FileState]
) -> dict[str, tuple[Diagnostic, ...]]:
    """Diagnostics by the file they are in. One about the story as a whole (no story.yaml, no
    ending) or a file the server does not know goes to the manifest, at its first line."""
    by_shown = {f.shown: rel for rel, f in files.items()}
    out: dict[str, list[Diagnostic]] = {rel: [] for rel in files}
    for d in sorted(diagnostics, key=sort_key):
        rel = by_shown.get(d.file, MANIFEST)
        out.setdefault(rel, []).append(d)
    return {rel: tuple(ds) for rel, ds in out.items()}
