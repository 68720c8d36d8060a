"""Story folder -> `Story`, with every problem of every file collected in one pass.

A story is a folder: `story.yaml` at its top is the manifest, and every other `*.yaml` file
under it (sub-folders too) is a chapter or a branch. Files are read in sorted order so the
result never depends on the file system. Each file is parsed on its own (or taken from the
parse cache when its bytes are unchanged), then all are linked. What the story does as a whole
(reachability, traps, stat ranges) is for the author tools to say: engine/author/check.py.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.core.diagnostics import Diagnostic, sort_key
from engine.core.errors import PointeEdgeError
from engine.core.limits import STORY_FILE_BYTES
from engine.core.model import Story
from engine.core.paths import BUNDLED_STORIES, own_stories
from engine.core.safe_read import FileRefused, read_regular
from engine.core.textsafe import has_unsafe
from engine.load.cache import ParseCache, default_dir
from engine.load.collector import collector_paused
from engine.load.ir import FileIR
from engine.load.link import Linker, SourceFile
from engine.load.parse import TESTS_FOLDER, content_hash, parse_file

MANIFEST = "story.yaml"
#: The story's own tests (engine/author/storytest): a folder at the top, never read as story.
TESTS_DIR = TESTS_FOLDER
#: The stories that ship with the game: `stories/` in a clone, package data when installed.
STORIES_DIR = BUNDLED_STORIES


@dataclass(frozen=True)
class LoadResult:
    """A story as loaded, with every problem found in it (sorted by file, line and column)."""

    story: Story | None  # None only when there is no manifest to build one from
    diagnostics: list[Diagnostic] = field(default_factory=list)
    path: Path | None = None

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


class StoryNotFound(PointeEdgeError):
    """A name that is neither a bundled story nor a story folder; `known` lists the bundled ones."""

    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        listing = ", ".join(known) if known else "none"
        super().__init__(f"no story called {name!r} (bundled stories: {listing})")


def story_folders(base: Path | None = None) -> dict[str, Path]:
    """Each story id (folder name) and its folder, sorted by id: those in `base`, or by default
    the bundled stories and then the player's own (engine/core/paths.py). A bundled id wins: a
    story of the player's with the same id is found by its path only."""
    found: dict[str, Path] = {}
    for folder in [base] if base is not None else [STORIES_DIR, own_stories()]:
        if folder is None or not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            if p.name not in found and (p / MANIFEST).is_file():
                found[p.name] = p
    return dict(sorted(found.items()))


def bundled_stories(base: Path | None = None) -> list[str]:
    """The ids of the stories the game lists (the bundled ones and the player's own), sorted."""
    return list(story_folders(base))


def find_story(name: str, base: Path | None = None) -> Path:
    """A story folder from a listed id (`demo`) or a path to a folder or its story.yaml."""
    path = Path(name).expanduser()
    if path.is_file() and path.name == MANIFEST:
        return path.parent
    if path.is_dir():
        return path
    folders = story_folders(base)
    if os.sep not in name and "/" not in name and name in folders:
        return folders[name]
    raise StoryNotFound(name, list(folders))


def story_folder_of(file: Path) -> Path | None:
    """The story folder a file belongs to: the nearest folder at or above it with a story.yaml,
    so that `check training.yaml` checks the story the author is editing (a chapter is checked
    only with its story: its names are the story's). None when no folder above has one."""
    for folder in file.resolve().parents:
        if (folder / MANIFEST).is_file():
            return folder
    return None


def story_files(folder: Path) -> list[Path]:
    """Every `*.yaml`/`*.yml` file under the folder, in a stable order, skipping hidden ones and
    the story's tests (the `tests` folder at the top)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        top = Path(dirpath) == folder
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (top and d == TESTS_DIR))
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


_REFUSED_HINT = "a story is made of plain files inside its folder: copy the file in, or remove it"


def read_story_file(path: Path, folder: Path) -> bytes:
    """The bytes of one file of a story: a regular file inside the story folder, at most
    `STORY_FILE_BYTES` (engine/core/safe_read.py says why). Raises `FileRefused` or `OSError`."""
    return read_regular(path, max_bytes=STORY_FILE_BYTES, inside=folder)


def is_story_file(rel: str) -> bool:
    """Whether a path relative to a story folder (forward slashes) is read as part of the story,
    by the rules of `story_files`: a `*.yaml`/`*.yml` file, nothing hidden on the way to it, and
    not in the `tests` folder at the top."""
    parts = rel.split("/")
    return (
        rel.endswith((".yaml", ".yml"))
        and not any(part.startswith(".") or not part for part in parts)
        and not (len(parts) > 1 and parts[0] == TESTS_DIR)
    )


def read_sources(
    folder: Path, cache: ParseCache | None, overlay: Mapping[str, bytes] | None = None
) -> list[SourceFile]:
    """Each file of the story as a `SourceFile`, parsed or from the cache.

    `overlay` maps paths relative to the folder (forward slashes) to the bytes to read instead of
    the file's: an editor's unsaved buffers, so that the language server checks what the author
    sees, not what was last saved. A buffer whose file is not on disk yet is read too."""
    sources: list[SourceFile] = []
    paths = story_files(folder)
    if overlay:
        on_disk = {p.relative_to(folder).as_posix() for p in paths}
        paths += [folder / rel for rel in overlay if rel not in on_disk and is_story_file(rel)]
        paths.sort(key=lambda p: p.relative_to(folder).as_posix())
    for path in paths:
        rel = path.relative_to(folder).as_posix()
        manifest = rel == MANIFEST
        shown = f"{display_path(path.parent)}/{path.name}"  # a link's own name, not its target's
        if has_unsafe(rel):
            problem = "the file name has control characters (such as ESC), which could steer the terminal"
            sources.append(SourceFile(shown, rel, "", _one_problem("E012", problem, "rename the file")))
            continue
        try:
            data = overlay[rel] if overlay is not None and rel in overlay else read_story_file(path, folder)
        except FileRefused as err:
            if err.size is not None:
                most = STORY_FILE_BYTES / 1e6
                problem = f"file is {err.size / 1e6:.1f} MB; story files may be at most {most:.0f} MB"
                sources.append(SourceFile(shown, rel, "", _one_problem("E009", problem, "split it")))
            else:
                problem = f"cannot read the file: {err.reason}"
                sources.append(SourceFile(shown, rel, "", _one_problem("E002", problem, _REFUSED_HINT)))
            continue
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
        key = cache.key(digest, manifest) if cache is not None else None
        ir = cache.get(key) if cache is not None else None
        if ir is None:
            ir = parse_file(data, manifest)
            if cache is not None:
                cache.put(key, ir)
        sources.append(SourceFile(shown, rel, digest, ir))
    return sources


def _one_problem(code: str, message: str, hint: str | None) -> FileIR:
    """The IR of a file that could not be read at all: nothing but its problem."""
    return {
        "v": 0,
        "manifest": None,
        "chapter": None,
        "scenes": [],
        "grafts": [],
        "problems": [(code, message, 1, 1, None, hint)],
    }


_frozen = False


def freeze_once() -> None:
    """Freeze what is alive now out of the cyclic collector's view, the first time only.

    For a front end that has just loaded the stories it keeps for its whole life: the first
    collection afterwards would otherwise scan every object of them (0.4 s at 10,000 scenes)
    for nothing. Only the first time: a process that loads again and again (live reload, the
    tests) must not pin everything it ever loaded, screens and stories that have become
    garbage included.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


def load_story(
    name: str | Path,
    *,
    cache: ParseCache | bool | None = True,
    overlay: Mapping[str, bytes] | None = None,
) -> LoadResult:
    """Read, parse and link a story folder (or bundled id). Never raises for problems in the
    story itself: they are in `diagnostics`. Raises `StoryNotFound` for a name that is no story.

    `cache=True` uses the user cache directory, `False`/`None` parses everything afresh, and a
    `ParseCache` uses that one. The whole-story checks (reachability, traps, the stat ranges)
    are not run here: they belong to the author tools (`engine.author.check.check_story`).
    `overlay` gives bytes to read in place of some files (see `read_sources`).
    """
    folder = find_story(str(name))
    with collector_paused():
        sources = read_sources(folder, parse_cache(cache), overlay)
    return link_sources(folder, sources)


def parse_cache(cache: ParseCache | bool | None) -> ParseCache | None:
    """The parse cache `load_story`'s `cache` argument names: True the user's, False/None none."""
    if cache is True:
        return ParseCache(default_dir())
    return cache or None


def link_sources(folder: Path, sources: list[SourceFile], *, lazy: bool = False) -> LoadResult:
    """The story that `read_sources` read, linked, with every problem the linker found.
    `lazy`: for a story already checked (engine/author/ready.py), each scene is linked when it
    is first used (engine/load/lazy_scenes.py)."""
    with collector_paused():
        linker = Linker(sources, display_path(folder))
        story = linker.link(lazy=lazy)
    return LoadResult(story, sorted(linker.diagnostics, key=sort_key), folder)
