"""Story folder -> `Story`, with every problem of every file collected in one pass.

A story is a folder: `story.yaml` at its top is the manifest, and every other `*.yaml` file
under it (sub-folders too) is a chapter or a branch. Files are read in sorted order so the
result never depends on the file system. Each file is parsed on its own (or taken from the
parse cache when its bytes are unchanged), then all are linked and the story is analysed.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cache import ParseCache, default_dir
from engine.diagnostics import Diagnostic, sort_key
from engine.file_parser import content_hash, parse_file
from engine.linker import Linker, SourceFile
from engine.model import Story

if TYPE_CHECKING:
    from engine.ranges import Ranges

MANIFEST = "story.yaml"
STORIES_DIR = Path(__file__).resolve().parent.parent / "stories"


@dataclass
class LoadResult:
    story: Story | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    path: Path | None = None
    ranges: Ranges | None = None  # the proven stat ranges, when asked for and there are no errors

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        """True when the story can be played: it loaded and has no errors."""
        return self.story is not None and not self.errors


class StoryNotFound(Exception):
    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        listing = ", ".join(known) if known else "none"
        super().__init__(f"no story called {name!r} (bundled stories: {listing})")


def bundled_stories(base: Path = STORIES_DIR) -> list[str]:
    """The ids (folder names) of the stories that ship with the game, sorted."""
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / MANIFEST).is_file())


def find_story(name: str, base: Path = STORIES_DIR) -> Path:
    """A story folder from a bundled id (`demo`) or a path to a folder or its story.yaml."""
    path = Path(name).expanduser()
    if path.is_file() and path.name == MANIFEST:
        return path.parent
    if path.is_dir():
        return path
    if os.sep not in name and "/" not in name and (base / name).is_dir():
        return base / name
    raise StoryNotFound(name, bundled_stories(base))


def story_files(folder: Path) -> list[Path]:
    """Every `*.yaml`/`*.yml` file under the folder, skipping hidden ones, in a stable order."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it, else absolute."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def read_sources(folder: Path, cache: ParseCache | None) -> list[SourceFile]:
    sources: list[SourceFile] = []
    for path in story_files(folder):
        rel = path.relative_to(folder).as_posix()
        manifest = rel == MANIFEST
        shown = display_path(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            problem = f"cannot read the file: {err.strerror or err}"
            sources.append(SourceFile(shown, rel, "", _one_problem("E002", problem, None)))
            continue
        digest = content_hash(data)
        if path.name == MANIFEST and not manifest:
            problem = "story.yaml belongs at the top of the story folder, not in a sub-folder"
            sources.append(
                SourceFile(
                    shown, rel, digest, _one_problem("E027", problem, "rename this file, or move it up")
                )
            )
            continue
        ir: dict[str, Any] | None = None
        if cache is not None:
            key = cache.key(digest, manifest)
            ir = cache.get(key)
        if ir is None:
            ir = parse_file(data, manifest)
            if cache is not None:
                cache.put(key, ir)
        sources.append(SourceFile(shown, rel, digest, ir))
    return sources


def _one_problem(code: str, message: str, hint: str | None) -> dict[str, Any]:
    """The IR of a file that could not be read at all: nothing but its problem."""
    return {
        "v": 0,
        "manifest": None,
        "chapter": None,
        "scenes": [],
        "grafts": [],
        "problems": [[code, message, 1, 1, None, hint]],
    }


def load_story(
    name: str | Path,
    *,
    cache: ParseCache | bool | None = True,
    analyse: bool = True,
    ranges: bool = False,
) -> LoadResult:
    """Load a story folder (or bundled id). Never raises for problems in the story itself.

    `cache=True` uses the user cache directory, `False`/`None` parses everything afresh, and a
    `ParseCache` uses that one. With `analyse`, the graph checks of engine/check.py run too;
    with `ranges` as well, so does the stat-range analysis (`check` wants it; play does not).
    """
    folder = find_story(str(name))
    if cache is True:
        cache = ParseCache(default_dir())
    elif cache is False:
        cache = None
    # Loading allocates hundreds of thousands of small objects and frees almost none, which
    # makes the cyclic collector rescan a growing heap again and again: pausing it makes a
    # large story load several times faster. Afterwards the objects are frozen out of the
    # collector's view (the story is long-lived and acyclic; reference counting still frees
    # it), or the first collection after loading would scan them all: 0.4 s at 10,000 scenes.
    collecting = gc.isenabled()
    gc.disable()
    try:
        sources = read_sources(folder, cache)
        linker = Linker(sources, display_path(folder))
        story = linker.link()
        diagnostics = linker.diagnostics
        proven = None
        if story is not None and analyse:
            from engine.check import examine

            findings = examine(story, has_errors=any(d.is_error for d in diagnostics), ranges=ranges)
            diagnostics += findings.diagnostics
            proven = findings.ranges
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    diagnostics.sort(key=sort_key)
    return LoadResult(story, diagnostics, folder, proven)
