"""Saved careers: a crash-safe, locked store on TinyDB, and the save format.

A career is a story played from a seed by a sequence of choices. A save holds that (the seed
and the journal of steps) and, for each step, the stats after it and a digest of the whole
state after it, so a replay can prove it reproduces the career exactly.

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
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from engine.state import GameState, StateError
from engine.textsafe import clean_line

SAVE_FORMAT = 1
KIND = "pointe-edge-career"
ENV = "POINTE_EDGE_SAVES"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "saves"
LOCK_TIMEOUT = 10.0

MAX_FILE_BYTES = 20_000_000
MAX_STEPS = 100_000
_ID = re.compile(r"[0-9a-f]{16}\Z")
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,200}\Z")  # story, scene and choice ids as the engine writes them


class SaveError(Exception):
    """A save that cannot be used, said in one line a player can read."""


# -- writing files that survive a crash -------------------------------------------------------


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new, never half."""
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class UnreadableFile(Exception):
    """A store file that is not what it should be; the store moves it aside."""


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads JSON and writes it with `atomic_write`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            raise UnreadableFile(f"{self.path.name} is not valid JSON") from err
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise UnreadableFile(f"{self.path.name} is not a save index")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())

    def close(self) -> None:
        pass


# -- the save format -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step of a saved career: what was chosen, and the state it led to."""

    scene: str
    choice: str
    roll: dict[str, Any] | None  # {"chance", "roll", "success"}
    stats: dict[str, int]  # after the step
    digest: str  # of the whole game state after the step

    def to_json(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "choice": self.choice,
            "roll": self.roll,
            "stats": self.stats,
            "digest": self.digest,
        }


@dataclass(frozen=True, slots=True)
class Career:
    id: str
    story_id: str
    story_title: str
    story_version: str
    fingerprint: str  # of the story's content when saved
    seed: int
    slot: str | None  # the player's name for a manual save
    autosave: bool
    created: str  # ISO 8601, UTC
    updated: str
    start_stats: dict[str, int]
    steps: tuple[StepRecord, ...]
    state: GameState  # the state now (after the last step)
    scene_title: str = ""
    ending: dict[str, str] | None = None  # {"scene", "title", "tone"} once reached

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "format": SAVE_FORMAT,
            "id": self.id,
            "story": {
                "id": self.story_id,
                "title": self.story_title,
                "version": self.story_version,
                "fingerprint": self.fingerprint,
            },
            "seed": self.seed,
            "slot": self.slot,
            "autosave": self.autosave,
            "created": self.created,
            "updated": self.updated,
            "start_stats": self.start_stats,
            "steps": [s.to_json() for s in self.steps],
            "state": self.state.to_dict(),
            "scene_title": self.scene_title,
            "ending": self.ending,
        }

    def summary(self) -> dict[str, Any]:
        """The index entry: what a list of saves shows."""
        return {
            "id": self.id,
            "story_id": self.story_id,
            "story_title": self.story_title,
            "slot": self.slot,
            "autosave": self.autosave,
            "updated": self.updated,
            "steps": len(self.steps),
            "scene_title": self.scene_title,
            "ending": self.ending,
        }

    @property
    def label(self) -> str:
        kind = "autosave" if self.autosave else f"“{self.slot}”"
        return f"{self.story_title}: {kind}, {len(self.steps)} choices"


@dataclass(frozen=True, slots=True)
class SaveInfo:
    """An index entry, as listed."""

    id: str
    story_id: str
    story_title: str
    slot: str | None
    autosave: bool
    updated: str
    steps: int
    scene_title: str
    ending: dict[str, str] | None

    @classmethod
    def from_summary(cls, doc: dict[str, Any]) -> SaveInfo:
        return cls(**{k: doc.get(k) for k in cls.__slots__})  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        return "autosave" if self.autosave else (self.slot or "unnamed")


def digest(state: GameState) -> str:
    """A short fingerprint of a whole game state (same state, same digest, in any process)."""
    text = json.dumps(state.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_id() -> str:
    return secrets.token_hex(8)


def parse_career(data: Any) -> Career:
    """A Career from its JSON form, every field checked. Raises SaveError naming the first problem."""
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise SaveError("not a Pointe & Edge career")
    fmt = data.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        raise SaveError("the save has no format version")
    if fmt > SAVE_FORMAT:
        raise SaveError(f"saved by a newer version of the game (format {fmt}; this one reads {SAVE_FORMAT})")
    try:
        story = data["story"]
        _need(isinstance(story, dict), "story")
        cid = data["id"]
        _need(isinstance(cid, str) and _ID.match(cid) is not None, "id")
        for key in ("id", "title", "version", "fingerprint"):
            _need(isinstance(story[key], str) and len(story[key]) <= 500, f"story {key}")
        _need(_NAME.match(story["id"]) is not None, "story id")
        seed = data["seed"]
        _need(type(seed) is int and -(2**63) <= seed < 2**64, "seed")
        slot = data["slot"]
        _need(slot is None or (isinstance(slot, str) and len(slot) <= 200), "slot")
        _need(type(data["autosave"]) is bool, "autosave")
        for key in ("created", "updated"):
            _need(isinstance(data[key], str) and len(data[key]) <= 40, key)
        start_stats = data["start_stats"]
        _need(_int_map(start_stats), "start_stats")
        raw_steps = data["steps"]
        _need(isinstance(raw_steps, list) and len(raw_steps) <= MAX_STEPS, "steps")
        steps = tuple(_parse_step(s) for s in raw_steps)
        state = GameState.from_dict(data["state"])
        _need(state.turn == len(steps), "state turn")
        scene_title = data.get("scene_title", "")
        _need(isinstance(scene_title, str) and len(scene_title) <= 500, "scene_title")
        ending = data.get("ending")
        _need(
            ending is None
            or (
                isinstance(ending, dict)
                and all(
                    isinstance(ending.get(k), str) and len(ending[k]) <= 500
                    for k in ("scene", "title", "tone")
                )
            ),
            "ending",
        )
    except (KeyError, TypeError) as err:
        raise SaveError(f"the save is missing {err}") from None
    except StateError as err:
        raise SaveError(f"the saved game state is damaged: {err}") from None
    return Career(
        id=cid,
        story_id=story["id"],
        story_title=clean_line(story["title"]),
        story_version=clean_line(story["version"]),
        fingerprint=story["fingerprint"],
        seed=seed,
        slot=clean_line(slot) if slot is not None else None,
        autosave=data["autosave"],
        created=data["created"],
        updated=data["updated"],
        start_stats=dict(start_stats),
        steps=steps,
        state=state,
        scene_title=clean_line(scene_title),
        ending={k: clean_line(ending[k]) for k in ("scene", "title", "tone")} if ending else None,
    )


def _parse_step(s: Any) -> StepRecord:
    _need(isinstance(s, dict), "a step")
    _need(isinstance(s["scene"], str) and _NAME.match(s["scene"]) is not None, "a step's scene")
    _need(isinstance(s["choice"], str) and len(s["choice"]) <= 200, "a step's choice")
    roll = s["roll"]
    if roll is not None:
        _need(isinstance(roll, dict), "a step's roll")
        _need(
            type(roll["chance"]) is int and type(roll["roll"]) is int and type(roll["success"]) is bool,
            "a step's roll",
        )
        roll = {"chance": roll["chance"], "roll": roll["roll"], "success": roll["success"]}
    _need(_int_map(s["stats"]), "a step's stats")
    _need(isinstance(s["digest"], str) and len(s["digest"]) <= 64, "a step's digest")
    return StepRecord(s["scene"], s["choice"], roll, dict(s["stats"]), s["digest"])


def _doc_id(career_id: str) -> int:
    """The index document of a career is keyed by its id, so updates need no search."""
    return int(career_id, 16)


def _remove(table: Any, career_ids: list[str]) -> None:
    ids = [_doc_id(c) for c in career_ids if _ID.match(c)]
    present = [i for i in ids if table.contains(doc_id=i)]
    if present:
        table.remove(doc_ids=present)


def _int_map(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) <= 1000
        and all(isinstance(k, str) and len(k) <= 200 and type(v) is int for k, v in value.items())
    )


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise SaveError(f"the save's {what} is malformed")


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
        if not _ID.match(career_id):  # never a path from outside: only our own hex ids
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
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            if len(raw) > MAX_FILE_BYTES:
                raise SaveError("the file is too large")
            career = parse_career(json.loads(raw))
            if path.stem != career.id:
                raise SaveError("the file's name does not match the career inside")
            return career
        except (ValueError, UnicodeDecodeError, RecursionError):
            self._set_aside(path, "it is not valid JSON")
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
            on_disk = {p.stem for p in self.careers_dir.glob("*.json") if _ID.match(p.stem)}
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
        if _ID.match(prefix):
            return prefix
        if not prefix or not re.fullmatch(r"[0-9a-f]{1,16}", prefix):
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
            size = source.stat().st_size
        except OSError as err:
            raise SaveError(f"cannot read {source}: {err.strerror or err}") from None
        if size > MAX_FILE_BYTES:
            raise SaveError(f"{source.name} is {size / 1e6:.1f} MB, more than any career")
        try:
            data = json.loads(source.read_bytes())
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise SaveError(f"{source.name} is not valid JSON") from None
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
