"""A cache of parsed story files, so an unchanged story loads without reading YAML again.

Entries are keyed by the SHA-256 of a file's bytes (plus the IR, engine and Python versions),
so an edited file misses and re-parses alone while the others hit. They live in the user's
cache directory, never in the story folder, and deleting them is always safe.

An entry is `marshal` data behind a SHA-256 of itself: marshal keeps tuples and is several
times faster than JSON, and like the `.pyc` files Python keeps in the same kind of place it
is only read after the checksum proves it is exactly what was written. A damaged, truncated
or foreign entry is treated as a miss and removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import cast

from engine.core.paths import CACHE_ENV, cache_folder
from engine.load.ir import IR_VERSION, FileIR

ENV = CACHE_ENV
_MAGIC = b"PECACHE1"
# The code that decides what a file parses into is every module of engine.core and engine.load
# (the reader, the parser, the expression language, the text templates, the hints of the
# diagnostics that the IR stores). Their digest is part of every key, so a changed parser can
# never be served an entry it would no longer produce. The folders are read whole, not listed
# by name, so a module added, split or moved there is covered without anyone remembering to.
_PARSER_PACKAGES = ("core", "load")


def parser_modules() -> list[Path]:
    """The source files whose digest keys the cache, in a stable order."""
    return code_modules(_PARSER_PACKAGES)


def code_modules(packages: tuple[str, ...]) -> list[Path]:
    """Every module of these packages of the engine (`core`, `load`, ...), in a stable order."""
    engine = Path(__file__).resolve().parents[1]
    found = [p for pkg in packages for p in (engine / pkg).rglob("*.py")]
    return sorted(found, key=lambda p: p.relative_to(engine).as_posix())


_digests: dict[tuple[str, ...], bytes | None] = {}


def code_digest(packages: tuple[str, ...]) -> bytes | None:
    """The digest of the code of these engine packages, with the IR and Python versions, once
    a process; None when it cannot be read (then nothing is cached: a key that left out the
    code could serve an entry that older code made)."""
    if packages not in _digests:
        h = hashlib.sha256(f"ir{IR_VERSION}-py{sys.version_info[0]}.{sys.version_info[1]}".encode())
        engine = Path(__file__).resolve().parents[1]
        try:
            for path in code_modules(packages):
                h.update(path.relative_to(engine).as_posix().encode() + b"\0")
                h.update(path.read_bytes())
        except OSError:
            _digests[packages] = None
        else:
            _digests[packages] = h.digest()
    return _digests[packages]


def _parser_salt() -> bytes | None:
    return code_digest(_PARSER_PACKAGES)


def default_dir() -> Path | None:
    """`$POINTE_EDGE_CACHE` (or `off`), else the platform's user cache directory."""
    return cache_folder()


class ParseCache:
    """Parsed-file IR by content hash. Every failure to read or write is a silent miss."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def key(self, content_hash: str, manifest: bool) -> str | None:
        """The entry's name, or None when the parser's own code cannot be read (no caching)."""
        salt = _parser_salt()
        if salt is None:
            return None
        kind = b"M" if manifest else b"C"
        return hashlib.sha256(salt + kind + content_hash.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / "ir" / key[:2] / f"{key}.bin"

    def get(self, key: str | None) -> FileIR | None:
        if self.directory is None or key is None:
            return None
        payload = read_entry(self._path(key))
        ir = _decode(payload) if payload is not None else None
        if ir is None:
            if payload is not None:
                drop_entry(self._path(key))
            self.misses += 1
            return None
        self.hits += 1
        return ir

    def put(self, key: str | None, ir: FileIR) -> None:
        if self.directory is None or key is None:
            return
        try:
            payload = marshal.dumps(cast("dict[str, object]", ir))  # a TypedDict is a plain dict
        except ValueError:  # pragma: no cover - the IR is plain data by construction
            return
        write_entry(self._path(key), payload)


def read_entry(path: Path) -> bytes | None:
    """The payload `write_entry` wrote at `path`, or None when it is missing, or damaged,
    truncated or foreign (which is removed: it can only ever miss)."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    payload, checksum = blob[head:], blob[len(_MAGIC) : head]
    if len(blob) < head or not blob.startswith(_MAGIC) or hashlib.sha256(payload).digest() != checksum:
        drop_entry(path)
        return None
    return payload


def drop_entry(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def write_entry(path: Path, payload: bytes) -> None:
    """Write a cache entry whole or not at all: behind a checksum, through a temporary file
    that replaces the old entry. A read-only or full disk only costs speed."""
    blob = _MAGIC + hashlib.sha256(payload).digest() + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return


def _decode(payload: bytes) -> FileIR | None:
    try:
        ir = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(ir, dict) or ir.get("v") != IR_VERSION or not isinstance(ir.get("problems"), list):
        return None
    # The checksum proves these are the bytes `put` wrote, and the key (which covers the
    # parser's code and IR_VERSION) that the parser that wrote them is this one.
    return cast(FileIR, ir)
