"""The 28 damaged save folders of the reliability probe (../shared/reviews/reliability.md, 3b-3d),
built on demand, and the file-system faults (read-only, unwritable, full) simulated in-process.

Each state starts from a healthy folder (one autosaved demo career, its index) and damages one
thing. `damaged` is what must never be written over: it stays where it is, or is moved aside as
`<name>.corrupt-<time>` with the same bytes (or the same kind of thing: a folder, a FIFO, a link).
Faults are simulated by monkeypatching the calls that write (no root, no mounts): every write
under the folder raises the errno a real read-only, unwritable or full file system gives.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.saves import files
from engine.saves.format import Career, new_id
from engine.saves.store import SaveStore


@dataclass(frozen=True)
class Damaged:
    saves: Path
    career_id: str  # the healthy career's id (for `show`)
    damaged: Path | None  # what must never be written over


def healthy(saves: Path, career: Career) -> Damaged:
    SaveStore(saves).save(career)
    return Damaged(saves, career.id, None)


def _career_file(d: Damaged) -> Path:
    return d.saves / "careers" / f"{d.career_id}.json"


def _index(d: Damaged) -> Path:
    return d.saves / "index.json"


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _index_doc(d: Damaged, change: Callable[[dict], dict]) -> Path:
    data = json.loads(_index(d).read_text())
    return _write(_index(d), json.dumps(change(data)))


def _entry(d: Damaged, change: Callable[[dict], None]) -> Callable[[dict], dict]:
    def apply(data: dict) -> dict:
        for doc in data["careers"].values():
            change(doc)
        return data

    return apply


def _career_json(d: Damaged, change: Callable[[dict], None]) -> Path:
    data = json.loads(_career_file(d).read_text())
    change(data)
    return _write(_career_file(d), json.dumps(data))


def _replace_with_dir(path: Path) -> Path:
    path.unlink()
    path.mkdir()
    (path / "inside").write_text("x")
    return path


def _replace_with_fifo(path: Path) -> Path:
    path.unlink()
    os.mkfifo(path)
    return path


def _replace_with_link(path: Path, target: str = "/dev/zero") -> Path:
    path.unlink(missing_ok=True)
    path.symlink_to(target)
    return path


def _renamed(d: Damaged) -> Path:
    other = d.saves / "careers" / f"{new_id()}.json"
    _career_file(d).rename(other)
    return other


def _stray_device(d: Damaged) -> Path:
    return _replace_with_link(d.saves / "careers" / f"{new_id()}.json")


def _folder_is_file(d: Damaged) -> Path:
    shutil.rmtree(d.saves)
    return _write(d.saves, "not a folder")


def _careers_is_file(d: Damaged) -> Path:
    shutil.rmtree(d.saves / "careers")
    return _write(d.saves / "careers", "not a folder")


def _lock_is_dir(d: Damaged) -> Path:
    lock = d.saves / ".lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    return lock


def _leftover_temporary(d: Damaged) -> None:
    _write(d.saves / "careers" / f".{d.career_id}.json.tmp-99999-dead", b'{"kind": "pointe-edge-car')


# name -> what to do to a healthy folder (returns the damaged path, or None); faults are below
STATES: dict[str, Callable[[Damaged], Path | None]] = {
    "index truncated": lambda d: _write(_index(d), _index(d).read_bytes()[:40]),
    "index empty": lambda d: _write(_index(d), b""),
    "index binary": lambda d: _write(_index(d), bytes(range(256))),
    "index a list": lambda d: _write(_index(d), "[1, 2, 3]"),
    "index a folder": lambda d: _replace_with_dir(_index(d)),
    "index docs are strings": lambda d: _write(_index(d), '{"careers": {"1": "x"}}'),
    "index doc id not a number": lambda d: _index_doc(
        d, lambda data: {"careers": {"abc": next(iter(data["careers"].values()))}}
    ),
    "index fields of the wrong type": lambda d: _index_doc(
        d, _entry(d, lambda doc: doc.update(steps="many", updated=5))
    ),
    "index fields missing": lambda d: _index_doc(d, _entry(d, lambda doc: doc.pop("updated"))),
    "index entry with escapes": lambda d: _index_doc(
        d, _entry(d, lambda doc: doc.update(updated="\x1b]0;PWNED\x07", slot="\x1b[2J"))
    ),
    "career truncated": lambda d: _write(_career_file(d), _career_file(d).read_bytes()[:100]),
    "career empty": lambda d: _write(_career_file(d), b""),
    "career binary": lambda d: _write(_career_file(d), bytes(range(256)) * 4),
    "career renamed": _renamed,
    "career of a newer format": lambda d: _career_json(d, lambda data: data.update(format=99)),
    "career a folder": lambda d: _replace_with_dir(_career_file(d)),
    "career a FIFO": lambda d: _replace_with_fifo(_career_file(d)),
    "career a link to /dev/zero": lambda d: _replace_with_link(_career_file(d)),
    "stray career a link to /dev/zero": _stray_device,
    "careers a file": _careers_is_file,
    "save folder a file": _folder_is_file,
    "save folder missing": lambda d: shutil.rmtree(d.saves),
    "foreign notes.json in careers": lambda d: _write(d.saves / "careers" / "notes.json", '{"mine": 1}'),
    ".lock a folder": _lock_is_dir,
    "temporary file of a killed writer": _leftover_temporary,
    "read-only file system": lambda d: None,
    "folder the player cannot write": lambda d: None,
    "full disk": lambda d: None,
}

FAULTS = {
    "read-only file system": (errno.EROFS, "all"),
    "folder the player cannot write": (errno.EACCES, "all"),
    "full disk": (errno.ENOSPC, "data"),
}

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def simulate_fault(monkeypatch: pytest.MonkeyPatch, saves: Path, state: str) -> None:
    """Make every write under `saves` fail as the file system of `state` would."""
    if state not in FAULTS:
        return
    code, scope = FAULTS[state]
    root = str(saves.resolve())

    def under(path: object) -> bool:
        return isinstance(path, str | os.PathLike) and os.path.abspath(os.fspath(path)).startswith(root)

    def fail(path: Any) -> OSError:
        return OSError(code, os.strerror(code), os.fspath(path))

    real_open = builtins.open

    def data_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if under(path) and any(m in mode for m in "wxa+"):
            raise fail(path)
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(files, "open", data_open, raising=False)  # atomic_write's temporary file
    monkeypatch.setattr("engine.saves.store.open", data_open, raising=False)
    if scope != "all":
        return
    real_os_open, real_mkdir = os.open, os.mkdir

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if under(path) and flags & _WRITE_FLAGS:
            raise fail(path)
        return real_os_open(path, flags, *args, **kwargs)

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if under(path) and not os.path.exists(path):
            raise fail(path)
        return real_mkdir(path, *args, **kwargs)

    def refuse(real: Callable[..., object]) -> Callable[..., object]:
        def call(path: Any, *args: Any, **kwargs: Any) -> object:
            if under(path):
                raise fail(path)
            return real(path, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", mkdir)
    for name in ("replace", "rename", "unlink", "rmdir"):
        monkeypatch.setattr(os, name, refuse(getattr(os, name)))


def kept(damaged: Path | None, before: object) -> bool:
    """Whether the damaged thing is still there, in place or moved aside, as it was."""
    if damaged is None:
        return True
    aside = list(damaged.parent.glob(f"{damaged.name}.corrupt-*")) if damaged.parent.exists() else []
    candidates = [damaged, *aside]
    return any(fingerprint(c) == before for c in candidates if os.path.lexists(c))


def fingerprint(path: Path | None) -> object:
    """What a damaged thing is: its bytes, or its kind (a folder, a FIFO, a link and its target)."""
    if path is None or not os.path.lexists(path):
        return None
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_dir():
        return ("folder", sorted(p.name for p in path.iterdir()))
    if not path.is_file():
        return ("special", path.stat().st_mode & 0o170000)
    return path.read_bytes()
