"""A simulation `Report` as an author reads it: a JSON document for tools, and the same as text.

Both are built from one `Summary`, so the text never says something the JSON does not. Every
figure comes from exact counts (stat values are kept as histograms), so percentiles are exact
too: the nearest-rank percentile of every career's value, not an estimate from a sample.

Everything a simulation finds is evidence, not proof: a scene never visited in 10,000 careers
may still be reachable. `check` proves what can be proven (W111-W114); the simulator says what
careers actually did, and hands over the seed and choices that replay any career it names.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.author.chapter_map import chapter_order
from engine.author.simulate.run import Career, Histogram, Report
from engine.core import template as tpl
from engine.core.model import Choice, Scene, Story
from engine.play.session import Session

PERCENTILES = (10, 50, 90)  # printed between min and max; the JSON adds 25 and 75
JSON_PERCENTILES = (10, 25, 50, 75, 90)
SHOW_MISSING = 25  # never-visited scenes and never-taken choices listed in text (JSON has all)
SHOW_CHOICES = 200  # a replay command lists its choices in text only up to this many


def percentile(hist: Histogram, p: float) -> int:
    """The nearest-rank p-th percentile of the values counted in `hist` (p in 0..100)."""
    total = sum(hist.values())
    if total == 0:
        raise ValueError("an empty histogram has no percentiles")
    rank = max(1, math.ceil(p / 100 * total))
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable")  # pragma: no cover


def spread(hist: Histogram) -> dict[str, float | int]:
    """min, the percentiles, max and mean of a histogram, as the JSON gives them."""
    total = sum(hist.values())
    out: dict[str, float | int] = {"min": min(hist)}
    for p in JSON_PERCENTILES:
        out[f"p{p}"] = percentile(hist, p)
    out["max"] = max(hist)
    out["mean"] = round(sum(v * n for v, n in hist.items()) / total, 2)
    return out


def replay_command(story_arg: str, career: Career, *, choices: bool = True) -> list[str]:
    """The command line that plays this career again, step by step, in plain mode (without
    `choices`, only up to where its choices would go)."""
    argv = ["uv", "run", "main.py", "play", story_arg, "--plain", "--seed", str(career.seed)]
    if choices and career.choices:
        argv += ["--choices", ",".join(career.choices)]
    return argv


@dataclass(frozen=True)
class Timing:
    seconds: float
    jobs: int


class Summary:
    """What a report means for one story: coverage, endings, stats, rolls, careers to look at."""

    def __init__(
        self, story: Story, report: Report, story_arg: str | None = None, timing: Timing | None = None
    ):
        self.story = story
        self.report = report
        self.story_arg = story_arg or story.id
        self.timing = timing
        self._start = Session(story, 0, history=False).state  # to word choice texts without a career
        self._scenes: list[Scene] | None = None

    # -- coverage ------------------------------------------------------------------------------

    def scenes(self) -> list[Scene]:
        """Every scene, chapter by chapter in the order careers reach them, then as written."""
        if self._scenes is None:
            rank = {row["chapter"]: n for n, row in enumerate(self.chapters())}
            self._scenes = sorted(
                self.story.scenes.values(),
                key=lambda s: (rank.get(s.chapter, len(rank)), s.pos.file, s.pos.line),
            )
        return self._scenes

    def scenes_missing(self) -> list[Scene]:
        seen = self.report.scene_careers
        return [s for s in self.scenes() if s.id not in seen]

    def choices(self) -> list[tuple[Scene, Choice]]:
        return [(s, c) for s in self.scenes() for c in s.choices]

    def choices_missing(self) -> list[tuple[Scene, Choice]]:
        taken = self.report.choice_taken
        return [(s, c) for s, c in self.choices() if (s.id, c.id) not in taken]

    def never_unlocked(self) -> list[tuple[Scene, Choice]]:
        """Conditional choices whose condition never held when a career rested at their scene."""
        r = self.report
        return [
            (s, c)
            for s, c in self.choices()
            if c.condition is not None and s.id in r.scene_shown and (s.id, c.id) not in r.choice_open
        ]

    def full_after(self, firsts: Mapping[Any, int], total: int) -> int | None:
        """How many careers it took to cover every item, or None when some were never covered."""
        if len(firsts) < total:
            return None
        return max(firsts.values(), default=-1) + 1

    def coverage(self) -> dict[str, Any]:
        r = self.report
        choices = self.choices()
        choice_keys = {(s.id, c.id) for s, c in choices}
        firsts = {k: v for k, v in r.choice_first.items() if k in choice_keys}
        return {
            "scenes": {
                "covered": len(r.scene_careers),
                "total": len(self.story.scenes),
                "full_after": self.full_after(r.scene_first, len(self.story.scenes)),
                "missing": [self._scene_json(s) for s in self.scenes_missing()],
            },
            "choices": {
                "covered": len(firsts),
                "total": len(choices),
                "full_after": self.full_after(firsts, len(choices)),
                "missing": [self._choice_json(s, c) for s, c in self.choices_missing()],
            },
        }

    # -- figures ---------------------------------------------------------------------------------

    def endings(self) -> list[dict[str, Any]]:
        """Every ending, reached or not, most reached first."""
        r = self.report
        ended = r.ended
        rows = []
        for scene in self.story.endings:
            assert scene.ending is not None
            n = r.endings.get(scene.id, 0)
            stats = r.ending_stats.get(scene.id, {})
            rows.append(
                {
                    "scene": scene.id,
                    "title": scene.ending.title,
                    "tone": scene.ending.tone,
                    "at": str(scene.pos),
                    "careers": n,
                    "share": round(n / ended, 4) if ended else 0.0,
                    "stats": {st.id: spread(stats[st.id]) for st in self.story.stats if stats.get(st.id)},
                }
            )
        reached = self.report.endings
        order = sorted(range(len(rows)), key=lambda i: -reached.get(str(rows[i]["scene"]), 0))
        return [rows[i] for i in order]

    def chapters(self) -> list[dict[str, Any]]:
        """Each chapter with the stats careers brought into it, in the order careers reach them:
        by the average step of first entry (chapters no career entered come last, in map order)."""
        r = self.report
        rows = []
        for cid in chapter_order(self.story):
            chapter = self.story.chapters[cid]
            stats = r.chapter_stats.get(cid, {})
            careers = r.chapter_careers.get(cid, 0)
            rows.append(
                {
                    "chapter": cid,
                    "title": chapter.title,
                    "phase": chapter.phase,
                    "careers": careers,
                    "entered_at": round(r.chapter_steps.get(cid, 0) / careers, 1) if careers else None,
                    "stats": {st.id: spread(stats[st.id]) for st in self.story.stats if stats.get(st.id)},
                }
            )
        order = sorted(range(len(rows)), key=lambda i: (rows[i]["careers"] == 0, rows[i]["entered_at"] or 0))
        return [rows[i] for i in order]

    def chances(self) -> list[dict[str, Any]]:
        """Every chance roll that was rolled, with its observed and its stated success rate."""
        rows = []
        for s, c in self.choices():
            row = self.report.rolls.get((s.id, c.id))
            if c.chance is None or not row:
                continue
            rolled, won, chances = row
            rows.append(
                {
                    "scene": s.id,
                    "choice": c.id,
                    "text": self.text(c),
                    "at": str(c.pos),
                    "chance": c.chance.expr.source,
                    "rolled": rolled,
                    "successes": won,
                    "observed": round(won / rolled, 4),
                    "stated": round(chances / rolled / 100, 4),
                }
            )
        return rows

    def lengths(self) -> dict[str, Any] | None:
        hist = self.report.lengths
        if not hist:
            return None
        return spread(hist)

    def career(self, career: Career | None) -> dict[str, Any] | None:
        if career is None:
            return None
        return {
            "career": career.index,
            "seed": career.seed,
            "steps": career.steps,
            "scene": career.scene,
            "ending": career.ending,
            "reason": career.reason,
            "choices": list(career.choices),
            "command": shlex.join(replay_command(self.story_arg, career)),
        }

    def speed(self) -> dict[str, Any] | None:
        t = self.timing
        if t is None:
            return None
        r = self.report
        per = t.seconds or 1e-9
        return {
            "seconds": round(t.seconds, 3),
            "jobs": t.jobs,
            "careers_per_second": round(r.careers / per, 1),
            "steps_per_second": round(r.steps / per, 1),
        }

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return {
            "story": self.story.id,
            "title": self.story.title,
            "kind": "estimate",  # what these careers did; `check` gives proofs and bounds
            "fingerprint": r.fingerprint,
            "seed": r.seed,
            "strategy": r.strategy,
            "runs": r.planned,
            "careers": r.careers,
            "ended": r.ended,
            "interrupted": r.interrupted,
            "max_steps": r.max_steps,
            "speed": self.speed(),
            "coverage": self.coverage(),
            "endings": self.endings(),
            "chapters": self.chapters(),
            "never_unlocked": [self._choice_json(s, c) for s, c in self.never_unlocked()],
            "chances": self.chances(),
            "lengths": self.lengths(),
            "decisions": r.decisions,
            "shortest": self.career(r.shortest),
            "longest": self.career(r.longest),
            "stuck": {"count": r.stuck_count, "careers": [self.career(c) for c in r.stuck]},
        }

    # -- pieces ----------------------------------------------------------------------------------

    def text(self, choice: Choice) -> str:
        return tpl.to_plain(choice.text.render(self._start))

    def _scene_json(self, scene: Scene) -> dict[str, Any]:
        return {"scene": scene.id, "title": scene.title, "at": str(scene.pos)}

    def _choice_json(self, scene: Scene, choice: Choice) -> dict[str, Any]:
        r = self.report
        return {
            "scene": scene.id,
            "choice": choice.id,
            "text": self.text(choice),
            "at": str(choice.pos),
            "condition": choice.condition.source if choice.condition else None,
            "scene_reached": r.scene_careers.get(scene.id, 0),
            "open": r.choice_open.get((scene.id, choice.id), 0),
        }


# -- text ---------------------------------------------------------------------------------------


def as_text(summary: Summary) -> str:
    """The report as an author reads it in a terminal: headline first, then each section."""
    return "\n".join(_TextReport(summary).lines()) + "\n"


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(part: float, whole: float) -> str:
    """A share that never rounds up to 100% or down to 0% unless it is exactly that."""
    if not whole or not part:
        return "0%"
    if part >= whole:
        return "100%"
    share = min(max(100 * part / whole, 0.1), 99.9)
    return f"{share:.1f}".removesuffix(".0") + "%"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class _TextReport:
    def __init__(self, summary: Summary):
        self.s = summary
        self.r = summary.report
        self.labels = {st.id: st.label for st in summary.story.stats}
        self.label_width = max((len(label) for label in self.labels.values()), default=0)

    def lines(self) -> Iterable[str]:
        yield from self.headline()
        yield from self.coverage()
        yield from self.endings()
        yield from self.chapters()
        yield from self.never_unlocked()
        yield from self.chances()
        yield from self.careers()

    def headline(self) -> Iterable[str]:
        s, r = self.s, self.r
        played = f"{_n(r.careers)} careers" if r.careers != 1 else "1 career"
        yield f"Simulated {played} of “{s.story.title}” ({s.story.id}): strategy {r.strategy}, seed {r.seed}"
        if r.interrupted:
            yield f"Interrupted after {_n(r.careers)} of {_n(r.planned)} careers: the figures cover those."
        speed = s.speed()
        if speed:
            jobs = f", {speed['jobs']} processes" if speed["jobs"] > 1 else ""
            yield (
                f"{speed['seconds']:.2f} s{jobs}: {_n(round(speed['careers_per_second']))} careers/s,"
                f" {_n(round(speed['steps_per_second']))} steps/s"
            )
        stuck = f", {_n(r.stuck_count)} stuck" if r.stuck_count else ", none stuck"
        yield f"{_n(r.ended)} reached an ending{stuck}."
        lengths = s.lengths()
        if lengths:
            yield (
                f"A career takes {lengths['min']} to {lengths['max']} choices (median {lengths['p50']});"
                f" {_pct(r.decisions, r.steps)} of the steps offer more than one open choice."
            )

    def coverage(self) -> Iterable[str]:
        s = self.s
        cov = s.coverage()
        yield ""
        yield "Coverage (what these careers did: evidence, not proof; `check` proves what can never happen)"
        for kind in ("scenes", "choices"):
            c = cov[kind]
            full = f", all of them by career {_n(c['full_after'])}" if c["full_after"] is not None else ""
            share = _pct(c["covered"], c["total"])
            yield f"  {kind:<8} {_n(c['covered'])} of {_n(c['total'])} ({share}){full}"
        missing_scenes = s.scenes_missing()
        if missing_scenes:
            yield f"  never visited ({len(missing_scenes)}):"
            width = max(len(str(sc.pos)) for sc in missing_scenes[:SHOW_MISSING])
            for sc in missing_scenes[:SHOW_MISSING]:
                yield f"    {sc.pos!s:<{width}}  {sc.id}  “{sc.title}”"
            yield from self._more(len(missing_scenes))
        missing = s.choices_missing()
        if missing:
            yield f"  never taken ({len(missing)}):"
            width = max(len(str(c.pos)) for _, c in missing[:SHOW_MISSING])
            for sc, c in missing[:SHOW_MISSING]:
                text = _clip(s.text(c), 50)
                yield f"    {c.pos!s:<{width}}  {sc.id} › {c.id}  “{text}”  {self._why(sc, c)}"
            yield from self._more(len(missing))

    def _why(self, scene: Scene, choice: Choice) -> str:
        r = self.r
        if scene.id not in r.scene_careers:
            return "(its scene was never reached)"
        opened = r.choice_open.get((scene.id, choice.id), 0)
        if opened:
            return f"(open {_n(opened)} times, never chosen)"
        if choice.condition is not None:
            return f"(never open: {choice.condition.source})"
        return "(play never rested at its scene)"

    def _more(self, count: int) -> Iterable[str]:
        if count > SHOW_MISSING:
            yield f"    … and {_n(count - SHOW_MISSING)} more (--format json lists them all)"

    def endings(self) -> Iterable[str]:
        rows = self.s.endings()
        if not rows:
            return
        yield ""
        ended = _n(self.r.ended)
        yield f"Endings (share of the {ended} careers that ended), and the stats careers ended with"
        yield self._columns(indent=4)
        width = max(len(row["title"]) for row in rows)
        for row in rows:
            tone = row["tone"].replace("_", " ")
            yield (
                f"  {row['title']:<{width}}  {_n(row['careers']):>8}  {_pct(row['careers'], self.r.ended):>5}"
                f"  {tone}  {row['at']}"
            )
            if row["careers"]:
                yield from self._stats(row["stats"], indent=4)
            else:
                yield "    never reached"

    def chapters(self) -> Iterable[str]:
        rows = self.s.chapters()
        if not rows:
            return
        yield ""
        yield "Stats on entering each chapter (in the order careers reach them, on average)"
        yield self._columns(indent=5)
        for n, row in enumerate(rows, 1):
            if not row["careers"]:
                yield f"  {n}. {row['title']} ({row['phase']}): never entered"
                continue
            when = f", at choice {row['entered_at']:g} on average" if row["entered_at"] else ""
            yield f"  {n}. {row['title']} ({row['phase']}): {_n(row['careers'])} careers{when}"
            yield from self._stats(row["stats"], indent=5)

    def _columns(self, indent: int) -> str:
        heads = ["min", *(f"p{p}" for p in PERCENTILES), "max"]
        return " " * indent + " " * self.label_width + "  " + "  ".join(f"{h:>4}" for h in heads)

    def _stats(self, stats: Mapping[str, Mapping[str, float | int]], indent: int) -> Iterable[str]:
        pad = " " * indent
        for sid, label in self.labels.items():
            d = stats.get(sid)
            if not d:
                continue
            cells = [d["min"], *(d[f"p{p}"] for p in PERCENTILES), d["max"]]
            figures = "  ".join(f"{v:>4}" for v in cells)
            yield f"{pad}{label:<{self.label_width}}  {figures}"

    def never_unlocked(self) -> Iterable[str]:
        found = self.s.never_unlocked()
        yield ""
        if not found:
            yield "Locked choices: every one was unlocked in some career."
            return
        yield f"Locked choices never unlocked ({len(found)}), though careers reached their scene:"
        width = max(len(str(c.pos)) for _, c in found)
        for sc, c in found:
            reached = self.r.scene_careers.get(sc.id, 0)
            yield f"  {c.pos!s:<{width}}  {sc.id} › {c.id}  if: {c.condition.source if c.condition else ''}"
            text = _clip(self.s.text(c), 60)
            yield f"  {'':<{width}}  “{text}”; its scene was reached in {_n(reached)} careers"

    def chances(self) -> Iterable[str]:
        rows = self.s.chances()
        if not rows:
            return
        yield ""
        yield "Chance rolls (how often each came out, against the chance the player was shown)"
        name_width = max(len(f"{row['scene']} › {row['choice']}") for row in rows)
        for row in rows:
            name = f"{row['scene']} › {row['choice']}"
            yield (
                f"  {name:<{name_width}}  rolled {_n(row['rolled']):>7}  won {100 * row['observed']:5.1f}%"
                f"  shown {100 * row['stated']:5.1f}% on average"
            )

    def careers(self) -> Iterable[str]:
        r = self.r
        for label, career in (("Shortest career", r.shortest), ("Longest career", r.longest)):
            if career is None:
                continue
            yield ""
            ending = self.s.story.scenes[career.scene]
            title = ending.ending.title if ending.ending else ending.title
            yield f"{label}: {career.steps} choices, career {career.index}, ending “{title}”"
            yield from self._replay(career)
        yield ""
        if not r.stuck_count:
            yield "Stuck careers: none."
            return
        yield f"Stuck careers: {_n(r.stuck_count)}. Each is a bug in the story; the first of them:"
        for career in r.stuck:
            yield f"  career {career.index} at {career.scene} after {career.steps} choices: {career.reason}"
            yield from self._replay(career, indent=4)

    def _replay(self, career: Career, indent: int = 2) -> Iterable[str]:
        pad = " " * indent
        if len(career.choices) <= SHOW_CHOICES:
            yield f"{pad}replay: {shlex.join(replay_command(self.s.story_arg, career))}"
        else:
            start = shlex.join(replay_command(self.s.story_arg, career, choices=False))
            yield (
                f"{pad}replay: {start} --choices …"
                f" ({len(career.choices):,} choices: --format json gives the whole command)"
            )
