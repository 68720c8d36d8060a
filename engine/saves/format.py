"""The save format: a career as JSON, every field checked when it is read back.

A career is a story played from a seed by a sequence of choices. A save holds that (the seed
and the journal of steps) and, for each step, the stats after it and a digest of the whole
state after it, so a replay can prove it reproduces the career exactly. `parse_career` is the
only way in from a file: a damaged or foreign save is a `SaveError` naming the first problem,
never a half-built career. The format is described for people in docs/saves.md.

Format 2 adds `rolls`, how the career rolls chances (engine/play/rolls.py). A format 1 save has
no such field and rolled `sequential`; it is read that way and goes on that way. A format 2 save
is refused by an engine that reads format 1 only, which would replay its rolls wrong.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.core import limits
from engine.core.errors import PointeEdgeError
from engine.core.textsafe import clean_line, has_unsafe
from engine.core.version import SAVE_FORMAT
from engine.core.version import __version__ as ENGINE_VERSION
from engine.play.rolls import SEQUENTIAL, RollScheme, scheme_of
from engine.play.state import GameState, StateError

KIND = "pointe-edge-career"
MAX_FILE_BYTES = limits.SAVE_FILE_BYTES
MAX_STEPS = limits.SAVE_STEPS
ID = re.compile(r"\A[0-9a-f]{16}\Z")  # a career id: the only names the store ever makes paths of
# What a save may hold is what a story may declare (engine/core/limits.py): a story that `check`
# accepts must never have a save that is thrown away as malformed on its first load.
_NAME = re.compile(rf"\A[A-Za-z0-9_.-]{{1,{limits.NAME_CHARS}}}\Z")  # a story id as the engine writes it
_SCENE = re.compile(rf"\A[A-Za-z0-9_.-]{{1,{limits.SCENE_REF_CHARS}}}\Z")  # `chapter.scene`


class SaveError(PointeEdgeError):
    """A save that cannot be used, said in one line a player can read."""


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
    chapter_title: str = ""  # where the career is, for a list of saves ("" in saves before 0.2.0)
    played: int = 0  # seconds of play, over every sitting (0 in saves before 0.2.0)
    ending: dict[str, str] | None = None  # {"scene", "title", "tone"} once reached
    rolls: RollScheme = SEQUENTIAL  # how its chances roll; a save without the field rolled this way
    # The version of the game that made it: this one, or for a career read from a file, the one
    # that wrote the file ("" for a file written before 0.2.0, which did not record it).
    engine: str = ENGINE_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "format": SAVE_FORMAT,
            "engine": ENGINE_VERSION,  # the game that writes this file
            "id": self.id,
            "story": {
                "id": self.story_id,
                "title": self.story_title,
                "version": self.story_version,
                "fingerprint": self.fingerprint,
            },
            "seed": self.seed,
            "rolls": self.rolls,
            "slot": self.slot,
            "autosave": self.autosave,
            "created": self.created,
            "updated": self.updated,
            "start_stats": self.start_stats,
            "steps": [s.to_json() for s in self.steps],
            "state": self.state.to_dict(),
            "scene_title": self.scene_title,
            "chapter_title": self.chapter_title,
            "played": self.played,
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
            "chapter_title": self.chapter_title,
            "played": self.played,
            "ending": self.ending,
        }

    @property
    def label(self) -> str:
        kind = "autosave" if self.autosave else f"“{self.slot}”"
        return f"{self.story_title}: {kind}, {len(self.steps)} choices"


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_line(value, 500)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    return value


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
    chapter_title: str | None = None  # None: an entry written before 0.2.0
    played: int | None = None

    @classmethod
    def from_summary(cls, doc: dict[str, Any]) -> SaveInfo:
        """An entry of `index.json`, its texts cleaned: the index is a file anyone can edit, and a
        slot name typed before names were cleaned is stored as typed."""
        return cls(**{k: _cleaned(doc.get(k)) for k in cls.__slots__})

    @property
    def name(self) -> str:
        return "autosave" if self.autosave else (self.slot or "unnamed")


def play_time(seconds: int | None) -> str:
    """Seconds of play as a list of saves says it: "under a minute", "12 min", "2 h 05 min"."""
    if seconds is None:
        return ""
    minutes = seconds // 60
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def digest(state: GameState) -> str:
    """A short fingerprint of a whole game state (same state, same digest, in any process)."""
    text = json.dumps(state.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def legacy_digest(state: GameState) -> str:
    """The digest a save made before detours counted their strikes recorded for this state."""
    text = json.dumps(state.legacy_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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
    where = _unsafe_at(data, "")
    if where is not None:
        raise SaveError(
            f"the save's {where} has control characters (such as ESC), which could steer the terminal"
        )
    try:
        story = data["story"]
        _need(isinstance(story, dict), "story")
        cid = data["id"]
        _need(isinstance(cid, str) and ID.match(cid) is not None, "id")
        for key in ("id", "title", "version", "fingerprint"):
            _need(isinstance(story[key], str) and len(story[key]) <= limits.TITLE_CHARS, f"story {key}")
        _need(_NAME.match(story["id"]) is not None, "story id")
        seed = data["seed"]
        _need(type(seed) is int and -(2**63) <= seed < 2**64, "seed")
        rolls = scheme_of(data, fmt)
        if rolls is None:
            raise SaveError(
                "the save's `rolls` does not fit its format: format 1 has none, later ones name "
                "sequential or keyed"
            )
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
        _need(isinstance(scene_title, str) and len(scene_title) <= limits.TITLE_CHARS, "scene_title")
        chapter_title = data.get("chapter_title", "")
        _need(isinstance(chapter_title, str) and len(chapter_title) <= limits.TITLE_CHARS, "chapter_title")
        played = data.get("played", 0)
        _need(type(played) is int and 0 <= played < 10**9, "played")
        engine = data.get("engine", "")
        _need(isinstance(engine, str) and len(engine) <= 40, "engine")
        ending = data.get("ending")
        _need(
            ending is None
            or (
                isinstance(ending, dict)
                and all(
                    isinstance(ending.get(k), str) and len(ending[k]) <= limits.TITLE_CHARS
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
        rolls=rolls,
        engine=clean_line(engine),
        chapter_title=clean_line(chapter_title),
        played=played,
    )


def _parse_step(s: Any) -> StepRecord:
    _need(isinstance(s, dict), "a step")
    _need(isinstance(s["scene"], str) and _SCENE.match(s["scene"]) is not None, "a step's scene")
    _need(isinstance(s["choice"], str) and len(s["choice"]) <= limits.NAME_CHARS, "a step's choice")
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


def json_trouble(err: Exception) -> str:
    """Why `json.loads` refused a save, in a player's words. Python reads no integer of more than
    4,300 digits (a plain ValueError, unlike a syntax error), and the one place such a number
    comes from is a crafted or damaged file."""
    if isinstance(err, ValueError) and not isinstance(err, (json.JSONDecodeError, UnicodeDecodeError)):
        return "it holds a number too long to read"
    return "it is not valid JSON"


_NAME_CHARS = limits.NAME_CHARS


# Texts a save shows that a player typed (the slot) or that older versions stored uncleaned: they
# are cleaned on reading, never refused, so no career is lost for them.
_CLEANED = frozenset(
    {
        "story.title",
        "story.version",
        "slot",
        "scene_title",
        "chapter_title",
        "ending.scene",
        "ending.title",
        "ending.tone",
    }
)


def _unsafe_at(value: Any, path: str) -> str | None:
    """The first field (`steps[3].choice`, a key of `state.stats`...) holding a control or bidi
    character, outside the texts that are cleaned. Nothing the game writes holds one (story
    names and texts are refused or cleaned at load), so only a crafted file is refused here,
    and `saves show`, `saves list` and `replay` never print one."""
    stack = [(value, path)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if at not in _CLEANED and has_unsafe(item):
                return at
        elif isinstance(item, dict):
            for k, v in item.items():
                sub = f"{at}.{k}" if at else str(k)
                if isinstance(k, str) and has_unsafe(k):
                    return f"key in {at or 'the top level'}"
                stack.append((v, sub))
        elif isinstance(item, list):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(item))
    return None


def _int_map(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) <= limits.STATS
        and all(type(v) is int and isinstance(k, str) and len(k) <= _NAME_CHARS for k, v in value.items())
    )


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise SaveError(f"the save's {what} is malformed")
