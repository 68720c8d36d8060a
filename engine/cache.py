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
from typing import Any

from engine.file_parser import IR_VERSION
from engine.paths import user_path

ENV = "POINTE_EDGE_CACHE"
_MAGIC = b"PECACHE1"
# The modules whose code decides what a file parses into. Their own digest is part of every
# key, so changing the parser can never serve an entry it would no longer produce.
_PARSER_MODULES = ("file_parser.py", "yaml_reader.py", "expr.py", "template.py", "textsafe.py", "model.py")
_salt: bytes | None = None


def _parser_salt() -> bytes:
    global _salt
    if _salt is None:
        h = hashlib.sha256(f"ir{IR_VERSION}-py{sys.version_info[0]}.{sys.version_info[1]}".encode())
        here = Path(__file__).resolve().parent
        for name in _PARSER_MODULES:
            try:
                h.update((here / name).read_bytes())
            except OSError:  # pragma: no cover - an installed engine always has its modules
                h.update(name.encode())
        _salt = h.digest()
    return _salt


def default_dir() -> Path | None:
    """`$POINTE_EDGE_CACHE` (or `off`), else the platform's user cache directory."""
    return user_path(ENV, "cache", "")


class ParseCache:
    """Parsed-file IR by content hash. Every failure to read or write is a silent miss."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def key(self, content_hash: str, manifest: bool) -> str:
        kind = b"M" if manifest else b"C"
        return hashlib.sha256(_parser_salt() + kind + content_hash.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / "ir" / key[:2] / f"{key}.bin"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        ir = _decode(blob)
        if ir is None:
            with contextlib.suppress(OSError):
                path.unlink()
            self.misses += 1
            return None
        self.hits += 1
        return ir

    def put(self, key: str, ir: dict[str, Any]) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        try:
            payload = marshal.dumps(ir)
        except ValueError:  # pragma: no cover - the IR is plain data by construction
            return
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
            return  # a read-only or full disk only costs speed


def _decode(blob: bytes) -> dict[str, Any] | None:
    head = len(_MAGIC) + 32
    if len(blob) < head or not blob.startswith(_MAGIC):
        return None
    payload = blob[head:]
    if hashlib.sha256(payload).digest() != blob[len(_MAGIC) : head]:
        return None
    try:
        ir = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(ir, dict) or ir.get("v") != IR_VERSION or not isinstance(ir.get("problems"), list):
        return None
    return ir
