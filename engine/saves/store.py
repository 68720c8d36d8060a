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
`*.corrupt-<time>` and the player is told in one line. So is anything in the folder's place that
is not a regular file (a folder, a FIFO, a device): it is moved aside before it is ever opened.

Two games continuing one career: each store remembers the bytes of every career file it last
read or wrote. A save that finds the file changed since (another game saved the same career)
never writes over it: the career goes on under a new id, a fork, and `save` says so in one line
(see docs/saves.md, "Two games, one career"). Every step either game acknowledged stays on disk.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from engine.core.paths import SAVES_ENV, saves_folder
from engine.core.safe_read import FileRefused, read_regular
from engine.core.textsafe import clean_line, has_unsafe
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

ENV = SAVES_ENV
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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- what an index entry must be -----------------------------------------------------------------
# A hand-edited or foreign index.json can be valid JSON of any shape; each entry is checked the
# first time the index is read, and an index with one wrong entry is set aside and rebuilt from
# the career files (which are checked in full), never used half-way.

_TEXT = (str,)
_SUMMARY: dict[str, tuple[type, ...]] = {
    "id": _TEXT,
    "story_id": _TEXT,
    "story_title": _TEXT,
    "slot": (str, type(None)),
    "autosave": (bool,),
    "updated": _TEXT,
    "steps": (int,),
    "scene_title": _TEXT,
    "ending": (dict, type(None)),
}


def _scenes_read(db: TinyDB, story_id: str) -> set[str]:
    """The scenes read in a story, from the index's `read` table (an entry anyone could have
    edited: whatever in it is not a list of names is taken as nothing read)."""
    doc = db.table("read").get(Query().story == story_id)
    scenes = doc.get("scenes") if isinstance(doc, dict) else None
    return {s for s in scenes if isinstance(s, str)} if isinstance(scenes, list) else set()


def _summary_problem(key: str, doc: dict[str, Any]) -> str | None:
    """What is wrong with an index entry, or None. The usual case, a sound entry, is checked in
    one pass (a listing of 1,000 careers checks 1,000 of them); the field-by-field search for
    what to say runs only for an entry that fails it."""
    try:
        sound = (
            type(doc["id"]) is str
            and type(doc["story_id"]) is str
            and type(doc["story_title"]) is str
            and type(doc["updated"]) is str
            and type(doc["scene_title"]) is str
            and type(doc["steps"]) is int
            and type(doc["autosave"]) is bool
            and (doc["slot"] is None or type(doc["slot"]) is str)
            and (doc["ending"] is None or type(doc["ending"]) is dict)
            and type(doc.get("chapter_title", "")) is str  # both are missing from older entries
            and type(doc.get("played", 0)) is int
        )
    except KeyError:
        sound = False
    if sound:
        ending = doc["ending"] or {"scene": "", "title": "", "tone": ""}
        texts: tuple[Any, ...] = (
            doc["story_id"],
            doc["story_title"],
            doc["updated"],
            doc["scene_title"],
            doc["slot"] or "",
            doc.get("chapter_title", ""),
        )
        endings: tuple[Any, ...] = (ending.get("scene"), ending.get("title"), ending.get("tone"))
        if (
            all(type(t) is str for t in endings)
            and max(map(len, texts)) <= 1000
            and not has_unsafe("\n".join(texts + endings))
            and ID.match(doc["id"])
            and str(_doc_id(doc["id"])) == key
        ):
            return None
    return _summary_fault(key, doc)


def _summary_fault(key: str, doc: dict[str, Any]) -> str:
    """The first thing wrong with an entry that failed `_summary_problem`'s one pass."""
    for name, kinds in _SUMMARY.items():
        value = doc.get(name, ...)
        if value is ... or not isinstance(value, kinds) or (kinds == (int,) and isinstance(value, bool)):
            return f"its entry {key} has no proper {name!r}"
        if isinstance(value, str) and (len(value) > 1000 or has_unsafe(value)):
            return f"its entry {key} has a {name!r} with control characters or of more than 1,000 characters"
    chapter = doc.get("chapter_title", "")
    if not isinstance(chapter, str) or len(chapter) > 1000 or has_unsafe(chapter):
        return f"its entry {key} has no proper 'chapter_title'"
    if type(doc.get("played", 0)) is not int:
        return f"its entry {key} has no proper 'played'"
    ending = doc["ending"]
    if ending is not None and not all(
        isinstance(ending.get(k), str) and not has_unsafe(ending[k]) for k in ("scene", "title", "tone")
    ):
        return f"its entry {key} has an ending of the wrong shape"
    return f"its entry {key} does not match the career id {doc['id'][:40]!r}"


def _ending_problem(key: str, doc: dict[str, Any]) -> str | None:
    if not all(isinstance(doc.get(k), str) for k in ("story", "scene", "when")):
        return f"its ending {key} is of the wrong shape"
    return None


class IndexStorage(AtomicJSONStorage):
    """The index's storage: every entry is checked on the first read of each opening, unless
    `check` is off (a save or a delete only writes one entry, and reads none of the others)."""

    def __init__(self, path: str | Path, check: bool = True):
        super().__init__(path)
        self._checked = not check

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = super().read()
        if data is not None and not self._checked:
            for table, check in (("careers", _summary_problem), ("endings", _ending_problem)):
                for key, doc in data.get(table, {}).items():
                    problem = check(key, doc)
                    if problem is not None:
                        raise UnreadableFile(f"{self.path.name} is not a save index: {problem}")
            self._checked = True
        return data


def _os_problem(folder: Path, err: OSError) -> str:
    """One line for a file-system error: what went wrong, and where."""
    where = Path(err.filename).name if isinstance(err.filename, str) else ""
    if ".tmp-" in where:  # a temporary file: name the file it was to become
        where = where.split(".tmp-")[0].removeprefix(".")
    why = err.strerror or str(err)
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why += " (the game needs to write in its save folder)"
    elif err.errno == errno.ENOSPC:
        why += " (free some space; the saves already there are unchanged)"
    return f"cannot use the save folder {folder}: {why}" + (f" [{where}]" if where else "")


@dataclass(frozen=True, slots=True)
class Saved:
    """Where `SaveStore.save` put a career: its own id, or a fork's (see the module doc)."""

    id: str
    note: str | None = None  # one line for the player when the career was forked


# -- the store -----------------------------------------------------------------------------------


@dataclass
class SaveStore:
    """All saved careers in one folder. Safe to share between processes; see the module doc."""

    folder: Path
    notices: list[str] = field(default_factory=list)  # one-line reports of files set aside
    _swept: bool = field(default=False, repr=False)
    # The career files as this store last read or wrote them (by sha256), and the careers whose
    # saves go to a fork because another game saved them meanwhile: see `save`.
    _seen: dict[str, str] = field(default_factory=dict, repr=False)
    _forks: dict[str, str] = field(default_factory=dict, repr=False)
    _read: dict[str, set[str]] = field(default_factory=dict, repr=False)  # scenes read, by story

    @classmethod
    def default(cls, folder: str | Path | None = None) -> SaveStore:
        """The store in `folder`, else `$POINTE_EDGE_SAVES`, else `saves/` in a clone or the user
        data folder's `saves` for an installed copy (engine/core/paths.py)."""
        return cls(saves_folder(folder))

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
        """Hold the folder's lock. Any file-system error inside becomes one `SaveError` line."""
        from filelock import FileLock, Timeout  # imported on first use: ~25 ms of start-up

        try:
            if self.folder.exists() and not self.folder.is_dir():
                raise SaveError(f"cannot use the save folder {self.folder}: it is a file, not a folder")
            if self.careers_dir.exists() and not self.careers_dir.is_dir():
                raise SaveError(f"cannot use the save folder {self.folder}: careers is a file, not a folder")
            self.careers_dir.mkdir(parents=True, exist_ok=True)
            lock_path = self.folder / ".lock"
            with contextlib.suppress(FileNotFoundError):
                if not stat.S_ISREG(os.lstat(lock_path).st_mode):  # a folder (or worse) in its place
                    self._set_aside(lock_path, "the lock file is not a regular file", must=True)
            lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT)
            with lock:
                if not self._swept:  # leftovers of a writer that died; once per store is enough
                    self._sweep_temporaries()
                    self._swept = True
                yield
        except Timeout:
            raise SaveError("the save folder is busy: is another copy of the game stuck?") from None
        except OSError as err:
            raise SaveError(_os_problem(self.folder, err)) from None

    def _sweep_temporaries(self) -> None:
        """Remove temporary files left by a writer that died mid-write (we hold the lock)."""
        for folder in (self.folder, self.careers_dir):
            for tmp in folder.glob(".*.tmp-*"):
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def take_notices(self) -> list[str]:
        """The one-line reports of files set aside since the last call (each said once)."""
        taken, self.notices = self.notices, []
        return list(dict.fromkeys(taken))

    def _set_aside(self, path: Path, why: str, *, must: bool = False) -> bool:
        """Rename a damaged file (or folder) aside, never over anything; say so in one line.
        When it cannot be moved, say that instead; with `must`, stop (it would be written over)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while os.path.lexists(target):
            n += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return True  # another game moved it first
        except OSError as err:
            line = f"{path} could not be read ({why}) nor moved aside: {err.strerror or err}"
            if must:
                raise SaveError(line) from None
            self.notices.append(line + "; it was left as it is.")
            return False
        self.notices.append(f"A save file could not be read ({why}); it was kept aside as {target}.")
        return True

    @contextlib.contextmanager
    def _index(self, check: bool = True) -> Iterator[TinyDB]:
        """The index, opened afresh inside the lock; rebuilt from the career files if unreadable.
        With `check`, every entry is checked first (see `IndexStorage`)."""
        try:
            db = TinyDB(self.index_path, storage=IndexStorage, check=check)
            db.tables()  # read it now, so a damaged index is found here
        except UnreadableFile as err:
            self._set_aside(self.index_path, str(err), must=True)
            db = TinyDB(self.index_path, storage=IndexStorage)
            self._rebuild(db)
        try:
            yield db
        finally:
            db.close()

    def _rebuild(self, db: TinyDB) -> None:
        """The index from the career files; the endings they reached are found again too
        (an ending reached only by a career since deleted is lost with the old index)."""
        careers = db.table("careers")
        for path in sorted(self.careers_dir.glob("*.json")):
            if not ID.match(path.stem):
                continue
            career = self._read_career(path)
            if career is not None:
                careers.upsert(Document(career.summary(), doc_id=_doc_id(career.id)))
                if career.ending is not None:
                    self._discover(db, career.story_id, career.ending["scene"])
                self._mark_read(db, career.story_id, career.state.visits)

    def _read_career(self, path: Path) -> Career | None:
        """The career in `path`, or None (a damaged file is set aside and said in a notice)."""
        try:
            raw = read_regular(path, max_bytes=MAX_FILE_BYTES, inside=self.folder)
        except FileNotFoundError:
            return None
        except FileRefused as err:
            self._set_aside(path, err.reason)
            return None
        except OSError as err:
            self.notices.append(f"Cannot read the save file {path}: {err.strerror or err}.")
            return None
        try:
            career = parse_career(json.loads(raw))
            if path.stem != career.id:
                raise SaveError("the file's name does not match the career inside")
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            self._set_aside(path, json_trouble(err))
            return None
        except SaveError as err:
            self._set_aside(path, str(err))
            return None
        self._seen[career.id] = _sha(raw)
        return career

    def _on_disk(self, path: Path) -> str | None:
        """The sha256 of a career file as it is now, or None when there is none (a damaged
        file in its place is set aside first, so it is never written over)."""
        try:
            return _sha(read_regular(path, max_bytes=MAX_FILE_BYTES, inside=self.folder))
        except FileNotFoundError:
            return None
        except FileRefused as err:
            self._set_aside(path, err.reason, must=True)
            return None

    # -- operations ------------------------------------------------------------------------

    def save(self, career: Career) -> Saved:
        """Write a career and its index entry. When this returns, the save survives a crash.

        If the career's file changed since this store last read or wrote it, another game saved
        the same career meanwhile: its file is left as it is, and this career goes on under a
        new id (a fork) from now on, said in `Saved.note`. No step either game saved is lost.
        """
        note = None
        with self._locked():
            career_id = self._forks.get(career.id, career.id)
            path = self.career_path(career_id)
            on_disk = self._on_disk(path)
            if on_disk is not None and on_disk != self._seen.get(career_id):
                fork = new_id()
                note = (
                    f"Another copy of the game saved this career ({career_id[:8]}) while you played it. "
                    f"Both are kept: yours goes on as a new save, {fork[:8]}."
                )
                self._forks[career.id] = career_id = fork
                path = self.career_path(fork)
            if career_id != career.id:
                career = dataclasses.replace(career, id=career_id)
            data = json.dumps(career.to_json(), ensure_ascii=False, separators=(",", ":")).encode()
            atomic_write(path, data)
            self._seen[career_id] = _sha(data)
            with self._index(check=False) as db:
                db.table("careers").upsert(Document(career.summary(), doc_id=_doc_id(career_id)))
                if career.ending is not None:
                    self._discover(db, career.story_id, career.ending["scene"])
                self._mark_read(db, career.story_id, career.state.visits)
        return Saved(career_id, note)

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

    def named(self, story_id: str, name: str) -> Sequence[SaveInfo]:
        """A story's named saves called `name` (as it would be stored, cleaned), newest first:
        what saving under that name again would replace."""
        name = clean_line(name)
        return [i for i in self.list(story_id) if not i.autosave and i.slot == name]

    def latest_autosave(self, stories: Collection[str] | None = None) -> SaveInfo | None:
        """The most recent unfinished autosave (of one of `stories`, when given)."""
        autos = [i for i in self.list() if i.autosave and i.ending is None]
        if stories is not None:
            autos = [i for i in autos if i.story_id in stories]
        return autos[0] if autos else None

    def delete(self, career_id: str) -> None:
        with self._locked():
            cid = self.resolve_locked(career_id)
            path = self.career_path(cid)
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISREG(os.lstat(path).st_mode):
                    path.unlink()
                else:  # not a save at all: moved aside, never deleted
                    self._set_aside(path, "it is not a regular file", must=True)
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

    # -- scenes read -------------------------------------------------------------------------

    def _mark_read(self, db: TinyDB, story_id: str, scenes: Iterable[str]) -> None:
        """Add the scenes a career has been in to those read in its story (for skipping text
        already read). Written only when a scene is new, so most saves add nothing."""
        known = self._read.get(story_id)
        if known is None:
            known = self._read[story_id] = _scenes_read(db, story_id)
        new = set(scenes) - known
        if new:  # merged with what is on disk now: another copy of the game may have added some
            known |= new | _scenes_read(db, story_id)
            db.table("read").upsert({"story": story_id, "scenes": sorted(known)}, Query().story == story_id)

    def read_scenes(self, story_id: str) -> set[str]:
        """Every scene of a story that a career saved here has been in, deleted careers too."""
        with self._locked(), self._index() as db:
            return _scenes_read(db, story_id)

    # -- export and import ------------------------------------------------------------------

    def export(self, career_id: str, target: Path, *, replace: bool = False) -> Path:
        """Write one career as a portable JSON file (a file, or a folder to put it in).

        Never inside the save folder (it could take a career's place), and never over an
        existing file unless `replace`: that is `ExportExists`, so a front end can ask first.
        """
        career = self.load(career_id)
        if target.is_dir():
            target = target / f"{career.story_id}-{career.id[:8]}.json"
        if target.resolve().is_relative_to(self.folder.resolve()):
            raise SaveError(f"{target} is inside the save folder {self.folder}: export to a file outside it")
        data = (
            json.dumps({"pointe_edge_export": 1, **career.to_json()}, ensure_ascii=False, indent=1) + "\n"
        ).encode()
        try:
            if replace:
                atomic_write(target, data)
            else:
                _write_new(target, data)
        except FileExistsError:
            raise ExportExists(target) from None
        except OSError as err:
            raise SaveError(f"cannot write {target}: {err.strerror or err}") from None
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


class ExportExists(SaveError):
    """`export` would write over a file that is already there."""

    def __init__(self, path: Path):
        super().__init__(f"{path} already exists: pass --force to replace it")
        self.path = path


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; `FileExistsError` if anything is there already."""
    with open(path, "xb") as f:
        try:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
