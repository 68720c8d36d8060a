"""A story test file: its YAML read with positions, checked against the story it tests.

A file holds two kinds of case, each keyed by its name:

    paths:                        # a seed and choice ids, and what the career must meet
      bronze:
        seed: 3
        choices: [ask_coach, rest, find_coach, double_salchow]
        ending: competition.podium
    personas:                     # a kind of player, over many careers
      bold:
        prefer: [ambitious]
        endings: {competition.podium: at least 20%}

Every name a case uses (scenes, choices, flags, stats, tags) is checked against the story
before anything is played, so a typo is a located diagnostic with a "did you mean" rather than
a failure that reads like the story's fault. Problems are `Diagnostic`s with the story's own
codes (E001-E024 for the file's shape), and E060 for a name the story does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.core.diagnostics import Diagnostic, did_you_mean
from engine.core.model import CONTINUE, Story
from engine.load.yaml_reader import Value, key_problems, read, read_misspelt_keys_as_meant

TOP_KEYS = ("paths", "personas")
PATH_KEYS = ("seed", "choices", "ending", "visits", "avoids", "flags", "stats", "at", "shows", "hides")
PERSONA_KEYS = ("prefer", "careers", "seed", "endings")
_EVERY_KEY = frozenset((*TOP_KEYS, *PATH_KEYS, *PERSONA_KEYS))
DEFAULT_CAREERS = 200
MAX_CAREERS = 100_000
CASE_NAME = re.compile(r"\A[a-z0-9][a-z0-9_-]*\Z")
# One end of a range: few enough digits that reading it is cheap and never out of Python's reach.
_END = re.compile(r"\A-?[0-9]{1,18}\Z")
_SHARE = re.compile(r"\A\s*+(at least|at most)\s++([0-9]{1,18}(?:\.[0-9]{1,18})?)\s*+%\s*+\Z")


def _range(text: str) -> tuple[int | None, int | None] | None:
    """`45..60`, `50..` or `..70` (spaces allowed around each part) as its two ends; None when
    it is no range. By hand: `\\s*(-?\\d+)?\\s*\\.\\.` backtracked between its two `\\s*`."""
    parts = text.split("..")
    if len(parts) != 2:
        return None
    low, high = (p.strip() for p in parts)
    if not (low or high) or any(p and not _END.match(p) for p in (low, high)):
        return None
    return (int(low) if low else None, int(high) if high else None)


@dataclass(frozen=True, slots=True)
class At:
    """Where in the test file something was written, for the failure that names it."""

    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Bound:
    """A stat's expected range, both ends included; None is open."""

    stat: str
    low: int | None
    high: int | None
    at: At

    def holds(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low}..{self.high}" if self.low != self.high else str(self.low)
        return f"at least {self.low}" if self.low is not None else f"at most {self.high}"


@dataclass(frozen=True, slots=True)
class PathCase:
    name: str
    at: At
    seed: int
    choices: tuple[tuple[str, At], ...]
    ending: tuple[str, At] | None = None
    visits: tuple[tuple[str, At], ...] = ()
    avoids: tuple[tuple[str, At], ...] = ()
    flags: tuple[tuple[str, bool, At], ...] = ()
    stats: tuple[Bound, ...] = ()  # at the end
    stats_at: tuple[tuple[str, At, tuple[Bound, ...]], ...] = ()  # scene -> bounds each time there
    shows: tuple[tuple[str, At], ...] = ()
    hides: tuple[tuple[str, At], ...] = ()


@dataclass(frozen=True, slots=True)
class Share:
    """ "at least 40%" or "at most 10%" of the careers end at `ending`."""

    ending: str
    least: bool
    percent: float
    at: At

    def holds(self, share: float) -> bool:
        return share * 100 >= self.percent if self.least else share * 100 <= self.percent

    def describe(self) -> str:
        return f"{'at least' if self.least else 'at most'} {self.percent:g}%"


@dataclass(frozen=True, slots=True)
class PersonaCase:
    name: str
    at: At
    prefer: frozenset[str]  # tags and choice ids
    careers: int = DEFAULT_CAREERS
    seed: int = 1
    endings: tuple[Share, ...] = ()


@dataclass
class TestFile:
    """One file's cases, and every problem found in it (root causes first, by position)."""

    path: str
    paths: list[PathCase] = field(default_factory=list)
    personas: list[PersonaCase] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def parse_tests(data: bytes, path: str, story: Story) -> TestFile:
    """The cases of one test file. Never raises: every problem is a located `Diagnostic`."""
    reader = _Reader(path, story)
    result = read(data)
    out = TestFile(path)
    for p in result.problems:
        reader.problems.append(Diagnostic(p.code, p.message, path, p.line, p.col, None, p.hint))
    root = result.root
    if root is not None and root.kind != "bad":
        if root.kind != "map":
            reader.problem(
                "E004",
                f"a story test file is a mapping with `paths:` and `personas:`, not {_kind(root)}",
                root,
            )
        elif reader.keys(root, "a story test file", TOP_KEYS):
            for name, case in reader.cases(root, "paths"):
                found = reader.path_case(name, case)
                if found is not None:
                    out.paths.append(found)
            for name, case in reader.cases(root, "personas"):
                persona = reader.persona_case(name, case)
                if persona is not None:
                    out.personas.append(persona)
    out.problems = sorted(reader.problems, key=lambda d: (d.line, d.col, d.code))
    return out


def _kind(v: Value) -> str:
    return {"seq": "a list", "map": "a mapping", "null": "nothing"}.get(v.kind, f"`{v.raw or v.value}`")


class _Reader:
    def __init__(self, path: str, story: Story):
        self.path = path
        self.story = story
        self.problems: list[Diagnostic] = []
        self.choice_ids = {c.id for s in story.scenes.values() for c in s.choices} | {CONTINUE}
        self.tags = {t for s in story.scenes.values() for c in s.choices for t in c.tags}
        self.flag_ids = {f.id for f in story.flags}
        self.stat_ids = {s.id for s in story.stats}
        self.endings = {sid for sid, s in story.scenes.items() if s.ending is not None}

    def problem(self, code: str, message: str, where: Value | At, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(code, message, self.path, where.line, where.col, None, hint))

    def keys(self, v: Value, what: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> bool:
        """True when `v` is a mapping; unknown and missing keys are reported."""
        if v.kind == "bad":
            return False
        if v.kind != "map":
            self.problem("E022", f"{what} must be a mapping of `key: value` lines, not {_kind(v)}", v)
            return False
        read_misspelt_keys_as_meant(v, allowed, _EVERY_KEY)
        for code, message, (line, col), hint in key_problems(v, what, allowed, required):
            self.problem(code, message, At(line, col), hint)
        return True

    def key_at(self, v: Value, key: str) -> At:
        line, col = v.key_pos.get(key, (v.line, v.col))
        return At(line, col)

    def cases(self, root: Value, key: str) -> list[tuple[str, Value]]:
        v = root.value.get(key)
        if v is None or v.kind in ("bad", "null"):
            return []
        if v.kind != "map":
            self.problem("E022", f"`{key}` must be a mapping of test names to tests, not {_kind(v)}", v)
            return []
        out = []
        for name, case in v.value.items():
            if not CASE_NAME.match(name):
                self.problem(
                    "E024",
                    f"test name `{name}` is not a valid name",
                    self.key_at(v, name),
                    "use lower-case letters, digits, `_` and `-`",
                )
                continue
            out.append((name, case))
        return out

    # -- scalars -----------------------------------------------------------------------------

    def int_(self, v: Value | None, what: str, low: int, high: int) -> int | None:
        if v is None or v.kind == "bad":
            return None
        if v.kind != "int" or v.surprise:
            self.problem("E022", f"{what} must be a whole number, not {_kind(v)}", v)
            return None
        if not low <= v.value <= high:
            self.problem("E023", f"{what} {v.value} is outside {low:,}..{high:,}", v)
            return None
        return int(v.value)

    def text(self, v: Value, what: str) -> str | None:
        if v.kind == "bad":
            return None
        if v.kind != "str" or v.surprise:
            self.problem("E022", f"{what} must be text, not {_kind(v)}", v, 'put it in quotes: "..."')
            return None
        return str(v.value)

    def names(self, v: Value | None, what: str) -> list[Value]:
        """The items of a list (one item alone is a list of one)."""
        if v is None or v.kind in ("bad", "null"):
            return []
        if v.kind == "map":
            self.problem("E022", f"{what} must be a list such as `[a, b]`, not a mapping", v)
            return []
        return list(v.value) if v.kind == "seq" else [v]

    def known(self, v: Value, what: str, pool: set[str], hint: str | None = None) -> str | None:
        """A name the story has, else E060 with the closest one it does have."""
        raw = self.text(v, what)
        if raw is None:
            return None
        if raw not in pool:
            self.problem("E060", f"{what} `{raw}` is not in the story", v, did_you_mean(raw, pool) or hint)
            return None
        return raw

    def scene(self, v: Value, what: str = "scene") -> str | None:
        return self.known(v, what, set(self.story.scenes), "write scenes as `chapter.scene`")

    # -- cases -------------------------------------------------------------------------------

    def path_case(self, name: str, v: Value) -> PathCase | None:
        if not self.keys(v, f"path `{name}`", PATH_KEYS, ("seed", "choices")):
            return None
        m = v.value
        seed = self.int_(m.get("seed"), "`seed`", 0, 2**63 - 1)
        choices = [
            (cid, At(item.line, item.col))
            for item in self.names(m.get("choices"), "`choices`")
            if (cid := self.known(item, "choice", self.choice_ids)) is not None
        ]
        ending = None
        if "ending" in m:
            found = self.known(
                m["ending"], "ending", self.endings, "an ending is the id of a scene with `ending:`"
            )
            ending = None if found is None else (found, At(m["ending"].line, m["ending"].col))
        visits = self.scenes(m.get("visits"), "`visits`")
        avoids = self.scenes(m.get("avoids"), "`avoids`")
        flags = self.flags(m.get("flags"))
        stats = self.bounds(m.get("stats"), "`stats`")
        stats_at: list[tuple[str, At, tuple[Bound, ...]]] = []
        at_v = m.get("at")
        if at_v is not None and self.keys(at_v, "`at`", tuple(at_v.value) if at_v.kind == "map" else ()):
            for key, bounds_v in at_v.value.items():
                where = self.key_at(at_v, key)
                if key not in self.story.scenes:
                    self.problem(
                        "E060",
                        f"scene `{key}` is not in the story",
                        where,
                        did_you_mean(key, self.story.scenes) or "write scenes as `chapter.scene`",
                    )
                    continue
                stats_at.append((key, where, tuple(self.bounds(bounds_v, f"`at: {key}`"))))
        shows = self.texts(m.get("shows"), "`shows`")
        hides = self.texts(m.get("hides"), "`hides`")
        if seed is None or "choices" not in m:
            return None
        return PathCase(
            name,
            At(v.line, v.col),
            seed,
            tuple(choices),
            ending,
            tuple(visits),
            tuple(avoids),
            tuple(flags),
            tuple(stats),
            tuple(stats_at),
            tuple(shows),
            tuple(hides),
        )

    def scenes(self, v: Value | None, what: str) -> list[tuple[str, At]]:
        return [
            (sid, At(item.line, item.col))
            for item in self.names(v, what)
            if (sid := self.scene(item)) is not None
        ]

    def texts(self, v: Value | None, what: str) -> list[tuple[str, At]]:
        out = []
        for item in self.names(v, what):
            text = self.text(item, f"each of {what}")
            if text is not None and text.strip():
                out.append((text, At(item.line, item.col)))
            elif text is not None:
                self.problem("E023", f"{what} holds an empty text", item)
        return out

    def flags(self, v: Value | None) -> list[tuple[str, bool, At]]:
        if v is None or not self.keys(v, "`flags`", tuple(v.value) if v.kind == "map" else ()):
            return []
        out = []
        for fid, value in v.value.items():
            where = self.key_at(v, fid)
            if fid not in self.flag_ids:
                self.problem(
                    "E060", f"flag `{fid}` is not in the story", where, did_you_mean(fid, self.flag_ids)
                )
            elif value.kind != "bool" or value.surprise:
                self.problem("E022", f"flag `{fid}` must be `true` or `false`, not {_kind(value)}", value)
            else:
                out.append((fid, bool(value.value), where))
        return out

    def bounds(self, v: Value | None, what: str) -> list[Bound]:
        if v is None or not self.keys(v, what, tuple(v.value) if v.kind == "map" else ()):
            return []
        out = []
        for sid, value in v.value.items():
            where = self.key_at(v, sid)
            if sid not in self.stat_ids:
                self.problem(
                    "E060", f"stat `{sid}` is not in the story", where, did_you_mean(sid, self.stat_ids)
                )
                continue
            if value.kind == "int" and not value.surprise:
                out.append(Bound(sid, value.value, value.value, where))
                continue
            ends = _range(str(value.value)) if value.kind == "str" else None
            if ends is None:
                self.problem(
                    "E023",
                    f"stat `{sid}`: {_kind(value)} is not a range",
                    value,
                    "write `45..60`, `50..` (at least) or `..70` (at most), or one number",
                )
                continue
            out.append(Bound(sid, *ends, where))
        return out

    def persona_case(self, name: str, v: Value) -> PersonaCase | None:
        if not self.keys(v, f"persona `{name}`", PERSONA_KEYS, ("prefer",)):
            return None
        m = v.value
        prefer = {
            p
            for item in self.names(m.get("prefer"), "`prefer`")
            if (
                p := self.known(
                    item,
                    "tag or choice",
                    self.tags | self.choice_ids - {CONTINUE},
                    "`prefer` lists tags and choice ids",
                )
            )
            is not None
        }
        careers = (
            self.int_(m.get("careers"), "`careers`", 1, MAX_CAREERS) if "careers" in m else DEFAULT_CAREERS
        )
        seed = self.int_(m.get("seed"), "`seed`", 0, 2**63 - 1) if "seed" in m else 1
        endings: list[Share] = []
        ends = m.get("endings")
        if ends is not None and self.keys(ends, "`endings`", tuple(ends.value) if ends.kind == "map" else ()):
            for key, value in ends.value.items():
                where = self.key_at(ends, key)
                if key not in self.endings:
                    self.problem(
                        "E060",
                        f"ending `{key}` is not in the story",
                        where,
                        did_you_mean(key, self.endings) or "an ending is the id of a scene with `ending:`",
                    )
                    continue
                match = _SHARE.match(str(value.value)) if value.kind == "str" else None
                if match is None or float(match.group(2)) > 100:
                    self.problem(
                        "E023",
                        f"ending `{key}`: {_kind(value)} is not a share",
                        value,
                        "write `at least 40%` or `at most 10%`",
                    )
                    continue
                endings.append(Share(key, match.group(1) == "at least", float(match.group(2)), where))
        if careers is None or seed is None:
            return None
        return PersonaCase(name, At(v.line, v.col), frozenset(prefer), careers, seed, tuple(endings))
