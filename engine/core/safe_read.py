"""Reading a file that a story or a save names, without letting the file choose what happens.

A path can be a named pipe (reading it blocks until some other program writes, forever if none
does), a device (`/dev/zero` never ends, so reading it fills the memory), a folder, or a
symbolic link to anything the player can read. The probe found each of these hanging `check`,
`saves show`, `saves import` and the app's Continue. So every story file and save file is read
here: the path is looked at with `stat` first, which never blocks, and opened only if it is a
regular file; it is then opened without blocking and checked again on the open file (the path
could have been swapped in between), and read up to a cap, never further.

The standard library only, like the rest of engine/core: the loader and the save store both
use it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.core.errors import PointeEdgeError

_CHUNK = 1 << 20
# O_NONBLOCK: a pipe swapped in after the stat opens at once instead of waiting for a writer.
_FLAGS = os.O_RDONLY
for _name in ("O_NONBLOCK", "O_CLOEXEC", "O_NOCTTY", "O_BINARY"):
    _FLAGS |= getattr(os, _name, 0)


class FileRefused(PointeEdgeError):
    """A path that is not a regular file within its folder, or too large; `reason` says which,
    in words that follow "cannot read FILE: "."""

    def __init__(self, path: Path, reason: str, size: int | None = None):
        super().__init__(f"cannot read {path}: {reason}")
        self.path, self.reason, self.size = path, reason, size


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in a player's words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a file"
    return "it is not a regular file"


def outside(path: Path, folder: Path) -> bool:
    """True when `path`, its symbolic links followed, is not inside `folder` (also resolved)."""
    real = Path(os.path.realpath(path))
    root = Path(os.path.realpath(folder))
    return real != root and root not in real.parents


def check_regular(path: Path, *, inside: Path | None = None) -> os.stat_result:
    """The path's status if it is a regular file (inside `inside`, when given), without opening
    it; else `FileRefused`. An `OSError` (missing, no permission) passes through."""
    if inside is not None and outside(path, inside):
        raise FileRefused(path, "it is a symbolic link that leads outside its folder")
    st = os.stat(path)
    kind = _kind(st.st_mode)
    if kind is not None:
        raise FileRefused(path, kind)
    return st


def read_regular(path: Path, *, max_bytes: int, inside: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, or `FileRefused` (an `OSError`, such as
    a missing file, passes through). Never blocks on a pipe, never reads past the cap."""
    before = check_regular(path, inside=inside)
    if before.st_size > max_bytes:
        raise FileRefused(path, f"it is {before.st_size:,} bytes, more than {max_bytes:,}", before.st_size)
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        kind = _kind(st.st_mode)
        if kind is not None or (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
            raise FileRefused(path, kind or "it changed while it was being opened")
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise FileRefused(path, f"it is more than {max_bytes:,} bytes", total)
        return b"".join(chunks)
    finally:
        os.close(fd)
