"""Saved careers: a crash-safe, locked store on TinyDB (the format is engine/saves/format.py).

Layout of a save folder (see docs/saves.md):

    saves/
      index.json           TinyDB: one small entry per career, for listing; endings discovered
      careers/<id>.json    one file per career: everything needed to load or replay it
      .lock                held during every read and write (two games can share a folder)

Every write goes to a temporary file that is flushed, fsynced and renamed over the old one, so
a crash leaves either the old file or the new one, never half of one (stock TinyDB rewrites in
place). TinyDB instances are opened inside the lock for each operation and never cached, so a
second process's writes are always seen. A file that cannot be read as a save (corrupt,
truncated, foreign, or from a newer version) is never overwritten: it is renamed to
`*.corrupt-<time>` and the player is told in one line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from engine.core.safe_read import FileRefused, read_regular
from engine.saves.files import AtomicJSONStorage, UnreadableFile, atomic_write
from engine.saves.format import (
    ID,
    MAX_FILE_BYTES,
    Career,
    SaveError,
    SaveInfo,
    json_trouble,
    new_id,
    now,
    parse_career,
)

ENV = "POINTE_EDGE_SAVES"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "saves"
LOCK_TIMEOUT = 10.0
_PREFIX = re.compile(r"\A[0-9a-f]{1,16}\Z")  # the start of a career id, as a player types it


def _doc_id(career_id: str) -> int:
    """The index document of a career is keyed by its id, so updates need no search."""
    return int(career_id, 16)


def _remove(table: Any, career_ids: list[str]) -> None:
    ids = [_doc_id(c) for c in career_ids if ID.match(c)]
    present = [i for i in ids if table.contains(doc_id=i)]
    if present:
        table.remove(doc_ids=present)


# -- the store -----------------------------------------------------------------------------------


@dataclass
class SaveStore:
    """All saved careers in one folder. Safe to share between processes; see the module doc."""

    folder: Path
    notices: list[str] = field(default_factory=list)  # one-line reports of files set aside
    _swept: bool = field(default=False, repr=False)

    @classmethod
    def default(cls, folder: str | Path | None = None) -> SaveStore:
        """The store in `folder`, else `$POINTE_EDGE_SAVES`, else `saves/` in the project."""
        chosen = folder or os.environ.get(ENV) or DEFAULT_DIR
        return cls(Path(chosen).expanduser())

    # -- the folder, the lock and the index -------------------------------------------------

    @property
    def careers_dir(self) -> Path:
        return self.folder / "careers"

    @property
    def index_path(self) -> Path:
        return self.folder / "index.json"

    def career_path(self, career_id: str) -> Path:
        if not ID.match(career_id):  # never a path from outside: only our own hex ids
            raise SaveError(f"no saved career {career_id!r}")
        return self.careers_dir / f"{career_id}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout  # imported on first use: ~25 ms of start-up

        try:
            self.careers_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise SaveError(f"cannot use the save folder {self.folder}: {err.strerror or err}") from None
        lock = FileLock(str(self.folder / ".lock"), timeout=LOCK_TIMEOUT)
        try:
            with lock:
                if not self._swept:  # leftovers of a writer that died; once per store is enough
                    self._sweep_temporaries()
                    self._swept = True
                yield
        except Timeout:
            raise SaveError("the save folder is busy: is another copy of the game stuck?") from None

    def _sweep_temporaries(self) -> None:
        """Remove temporary files left by a writer that died mid-write (we hold the lock)."""
        for folder in (self.folder, self.careers_dir):
            for tmp in folder.glob(".*.tmp-*"):
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def take_notices(self) -> list[str]:
        """The one-line reports of files set aside since the last call."""
        taken, self.notices = self.notices, []
        return taken

    def _set_aside(self, path: Path, why: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(path, target)
        except OSError:
            return
        self.notices.append(f"A save file could not be read ({why}); it was kept aside as {target.name}.")

    @contextlib.contextmanager
    def _index(self) -> Iterator[TinyDB]:
        """The index, opened afresh inside the lock; rebuilt from the career files if unreadable."""
        try:
            db = TinyDB(self.index_path, storage=AtomicJSONStorage)
            db.tables()  # read it now, so a damaged index is found here
        except UnreadableFile as err:
            self._set_aside(self.index_path, str(err))
            db = TinyDB(self.index_path, storage=AtomicJSONStorage)
            self._rebuild(db)
        try:
            yield db
        finally:
            db.close()

    def _rebuild(self, db: TinyDB) -> None:
        careers = db.table("careers")
        for path in sorted(self.careers_dir.glob("*.json")):
            career = self._read_career(path)
            if career is not None:
                careers.upsert(Document(career.summary(), doc_id=_doc_id(career.id)))

    def _read_career(self, path: Path) -> Career | None:
        try:
            raw = read_regular(path, max_bytes=MAX_FILE_BYTES, inside=self.folder)
        except FileRefused as err:
            self._set_aside(path, err.reason)
            return None
        except OSError:
            return None
        try:
            career = parse_career(json.loads(raw))
            if path.stem != career.id:
                raise SaveError("the file's name does not match the career inside")
            return career
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            self._set_aside(path, json_trouble(err))
        except SaveError as err:
            self._set_aside(path, str(err))
        return None

    # -- operations ------------------------------------------------------------------------

    def save(self, career: Career) -> None:
        """Write a career and its index entry. When this returns, the save survives a crash."""
        data = json.dumps(career.to_json(), ensure_ascii=False, separators=(",", ":")).encode()
        with self._locked():
            atomic_write(self.career_path(career.id), data)
            with self._index() as db:
                db.table("careers").upsert(Document(career.summary(), doc_id=_doc_id(career.id)))
                if career.ending is not None:
                    self._discover(db, career.story_id, career.ending["scene"])

    def load(self, career_id: str) -> Career:
        with self._locked():
            path = self.career_path(self.resolve_locked(career_id))
            career = self._read_career(path)
            if career is None:
                with self._index() as db:
                    _remove(db.table("careers"), [path.stem])
                raise SaveError(self.notices[-1] if self.notices else f"no saved career {career_id!r}")
            return career

    def list(self, story_id: str | None = None) -> list[SaveInfo]:
        """Saved careers, most recently played first.

        The index is reconciled with the files on the way: a career file the index lacks (its
        writer died between the two writes) is added, an entry whose file is gone is dropped.
        """
        with self._locked(), self._index() as db:
            table = db.table("careers")
            docs = table.all()
            on_disk = {p.stem for p in self.careers_dir.glob("*.json") if ID.match(p.stem)}
            indexed = {d.get("id") for d in docs}
            for stray in sorted(on_disk - indexed):
                career = self._read_career(self.career_path(stray))
                if career is not None:
                    table.upsert(Document(career.summary(), doc_id=_doc_id(career.id)))
            gone = indexed - on_disk
            if gone:
                _remove(table, [g for g in gone if isinstance(g, str)])
            if gone or on_disk - indexed:
                docs = table.all()
        infos = [SaveInfo.from_summary(d) for d in docs]
        if story_id is not None:
            infos = [i for i in infos if i.story_id == story_id]
        return sorted(infos, key=lambda i: i.updated, reverse=True)

    def latest_autosave(self, stories: Collection[str] | None = None) -> SaveInfo | None:
        """The most recent unfinished autosave (of one of `stories`, when given)."""
        autos = [i for i in self.list() if i.autosave and i.ending is None]
        if stories is not None:
            autos = [i for i in autos if i.story_id in stories]
        return autos[0] if autos else None

    def delete(self, career_id: str) -> None:
        with self._locked():
            cid = self.resolve_locked(career_id)
            with contextlib.suppress(FileNotFoundError):
                self.career_path(cid).unlink()
            with self._index() as db:
                _remove(db.table("careers"), [cid])

    def resolve_locked(self, prefix: str) -> str:
        """The full id of the one career whose id starts with `prefix` (hold the lock)."""
        prefix = prefix.strip().lower()
        if ID.match(prefix):
            return prefix
        if not _PREFIX.match(prefix):
            raise SaveError(f"no saved career {prefix!r}")
        with self._index() as db:
            ids = [d["id"] for d in db.table("careers").all() if str(d.get("id", "")).startswith(prefix)]
        if not ids:
            raise SaveError(f"no saved career starting with {prefix!r}")
        if len(ids) > 1:
            raise SaveError(f"{len(ids)} saved careers start with {prefix!r}: give more of the id")
        return ids[0]

    # -- endings discovered ----------------------------------------------------------------

    def _discover(self, db: TinyDB, story_id: str, scene: str) -> None:
        table = db.table("endings")
        if not table.contains((Query().story == story_id) & (Query().scene == scene)):
            table.insert({"story": story_id, "scene": scene, "when": now()})

    def discovered_all(self) -> dict[str, set[str]]:
        """The endings discovered here, by story: one read for a whole title screen."""
        found: dict[str, set[str]] = {}
        with self._locked(), self._index() as db:
            for doc in db.table("endings").all():
                found.setdefault(doc["story"], set()).add(doc["scene"])
        return found

    def discovered(self, story_id: str) -> set[str]:
        """The ending scenes of a story reached in any career saved here, even deleted ones."""
        return self.discovered_all().get(story_id, set())

    # -- export and import ------------------------------------------------------------------

    def export(self, career_id: str, target: Path) -> Path:
        """Write one career as a portable JSON file (a file, or a folder to put it in)."""
        career = self.load(career_id)
        if target.is_dir():
            target = target / f"{career.story_id}-{career.id[:8]}.json"
        data = json.dumps({"pointe_edge_export": 1, **career.to_json()}, ensure_ascii=False, indent=1)
        target.write_text(data + "\n", encoding="utf-8")
        return target

    def import_(self, source: Path, known_story: Any = None) -> Career:
        """Store a career from an exported file, checked in full; it gets a new id.

        `known_story(story_id) -> bool` says whether the story exists here; a career of an unknown
        story is refused.
        """
        try:
            raw = read_regular(source, max_bytes=MAX_FILE_BYTES)
        except FileRefused as err:
            if err.size is not None:
                raise SaveError(f"{source.name} is {err.size / 1e6:.1f} MB, more than any career") from None
            raise SaveError(f"cannot read {source}: {err.reason}") from None
        except OSError as err:
            raise SaveError(f"cannot read {source}: {err.strerror or err}") from None
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            raise SaveError(f"{source.name}: {json_trouble(err)}") from None
        except OSError as err:
            raise SaveError(f"cannot read {source}: {err.strerror or err}") from None
        if isinstance(data, dict):
            data.pop("pointe_edge_export", None)
        career = parse_career(data)
        if known_story is not None and not known_story(career.story_id):
            raise SaveError(
                f"{source.name} is a career of “{career.story_id}”, a story this game does not have"
            )
        fresh = dataclasses.replace(career, id=new_id(), autosave=False, slot=career.slot or "imported")
        self.save(fresh)
        return fresh
