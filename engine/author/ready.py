"""Ready-made stories: an unchanged story loads without linking or checking it again.

Loading a story to play it (`engine.load_story`, the game, `simulate`) links every scene and
runs the whole-story checks, and for a story nobody has touched since the last load, all of
that finds what it found before. So the first load keeps what it found (every diagnostic, in
order) in the cache folder, keyed by every file's path and content hash, where each file is
shown from, and the code of the engine that decides what is found (engine/core, load and
author). A later load with the same key reads the files (their parsed form comes from the
parse cache), builds the story with each scene linked when it is first used
(engine/load/lazy_scenes.py), and hands back the diagnostics it kept: the same result, without
the work. Any change to any file, or to that code, is another key: today's full path.

Only a story without errors is kept (a story with errors is for fixing, not playing), and only
the diagnostics are: `check` (which proves stat ranges) and an editor's unsaved buffers always
take the full path. An entry is written whole or not at all, behind a checksum
(engine/load/cache.py); a damaged one is a miss.
"""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import astuple, fields
from pathlib import Path
from typing import TYPE_CHECKING

from engine.core.diagnostics import Diagnostic
from engine.load.cache import ParseCache, code_digest, read_entry, write_entry
from engine.load.collector import collector_paused
from engine.load.folder import find_story, link_sources, read_sources
from engine.load.link import SourceFile

if TYPE_CHECKING:
    from engine.author.check import CheckedStory

#: The code whose findings an entry holds: the reader and linker, and the whole-story checks.
CHECKING_PACKAGES = ("core", "load", "author")
_FORMAT = 1
_FIELDS = tuple(f.name for f in fields(Diagnostic))


def ready_key(folder: Path, sources: list[SourceFile]) -> str | None:
    """The entry's name for this story as read now, or None when the engine's code cannot be
    read (then nothing is kept)."""
    salt = code_digest(CHECKING_PACKAGES)
    if salt is None:
        return None
    h = hashlib.sha256(salt + f"ready{_FORMAT}\0{folder.resolve().as_posix()}\0".encode())
    for f in sources:  # in the story's order; `path` is how each file is shown in a diagnostic
        h.update(f"{f.rel}\0{f.path}\0{f.content_hash}\n".encode())
    return h.hexdigest()


def _entry(cache: ParseCache, key: str) -> Path:
    assert cache.directory is not None
    return cache.directory / "ready" / key[:2] / f"{key}.bin"


def known_diagnostics(cache: ParseCache, key: str) -> list[Diagnostic] | None:
    """What the story's last full load found, or None when it is not kept (or damaged)."""
    payload = read_entry(_entry(cache, key))
    if payload is None:
        return None
    try:
        kept = marshal.loads(payload)
        if kept[0] != _FIELDS:
            return None
        return [Diagnostic(*row) for row in kept[1]]
    except (EOFError, ValueError, TypeError, IndexError):
        return None


def keep_diagnostics(cache: ParseCache, key: str, diagnostics: list[Diagnostic]) -> None:
    try:
        payload = marshal.dumps((_FIELDS, [astuple(d) for d in diagnostics]))
    except ValueError:  # a field that is not plain data: not kept, only slower next time
        return
    write_entry(_entry(cache, key), payload)


def load_ready(name: str | Path, cache: ParseCache) -> CheckedStory:
    """`load_checked(name)` for play (no ranges, no overlay), ready-made when it can be."""
    from engine.author.check import CheckedStory, check_story  # check imports this module

    folder = find_story(str(name))
    with collector_paused():
        sources = read_sources(folder, cache)
    key = ready_key(folder, sources) if cache.directory is not None else None
    if key is not None:
        known = known_diagnostics(cache, key)
        if known is not None:
            loaded = link_sources(folder, sources, lazy=True)
            return CheckedStory(loaded.story, known, folder, ready_made=True)
    checked = check_story(link_sources(folder, sources))
    if key is not None and checked.story is not None and not checked.errors:
        keep_diagnostics(cache, key, checked.diagnostics)
    return checked
