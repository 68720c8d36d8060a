"""What a simulation `Report` means for one story: the figures an author reads, as JSON data.

The JSON document for tools comes from here, and the text report (engine/cli/simulate_text.py)
is written from the same `Summary`, so the text never says something the JSON does not. Every
figure comes from exact counts (stat values are kept as histograms), so percentiles are exact
too: the nearest-rank percentile of every career's value, not an estimate from a sample.

Everything a simulation finds is evidence, not proof: a scene never visited in 10,000 careers
may still be reachable. `check` proves what can be proven (W111-W114); the simulator says what
careers actually did, and hands over the seed and choices that replay any career it names.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.author.graph import chapter_order
from engine.author.metrics import same_next_scenes
from engine.author.simulate.run import Histogram, NotableCareer, Report
from engine.core import template as tpl
from engine.core.model import CONTINUE, Choice, Scene, Story
from engine.core.paths import run_prefix
from engine.play.session import Session

JSON_PERCENTILES = (10, 25, 50, 75, 90)


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


def choice_answer(choice_id: str) -> str:
    """A choice id as `play --choices` reads it: an all-digit id is written `id:12`, for `12`
    alone is the twelfth choice (engine/cli/plain.py, ID_PREFIX)."""
    return f"id:{choice_id}" if choice_id.isdigit() else choice_id


def replay_command(story_arg: str, career: NotableCareer, *, choices: bool = True) -> list[str]:
    """The command line that plays this career again, step by step, in plain mode (without
    `choices`, only up to where its choices would go)."""
    argv = [*run_prefix().split(), "play", story_arg, "--plain", "--seed", str(career.seed)]
    if choices and career.choices:
        argv += ["--choices", ",".join(choice_answer(c) for c in career.choices)]
    return argv


@dataclass(frozen=True)
class PersonaResult:
    """A persona's careers (`simulate --persona`): which endings they reached, how many stuck."""

    name: str
    prefer: tuple[str, ...]
    careers: int
    endings: Mapping[str, int]
    stuck: int


@dataclass(frozen=True)
class Timing:
    seconds: float
    jobs: int


class Summary:
    """What a report means for one story: coverage, endings, stats, rolls, careers to look at."""

    def __init__(
        self,
        story: Story,
        report: Report,
        story_arg: str | None = None,
        timing: Timing | None = None,
        personas: Sequence[PersonaResult] = (),
    ):
        self.story = story
        self.personas = personas
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

    def text_figures(self) -> dict[str, Any]:
        """What the careers standard measures: words shown per career (each rest at a scene
        counts its text again), the share of the story's text one career shows (each text
        once), the chance rolls a career makes (the standard wants at most 12 on a median
        career), and the share of choice scenes whose options all lead to the same scene."""
        r = self.report
        funnels, choice_scenes = same_next_scenes(self.story)
        share = None
        if r.text_share:
            share = {k: round(percentile(r.text_share, p) / 1000, 3) for k, p in (("min", 0), ("p50", 50))}
            share["max"] = round(max(r.text_share) / 1000, 3)
        return {
            "words": spread(r.words) if r.words else None,
            "text_share": share,
            "rolls": spread(r.roll_counts) if r.roll_counts else None,
            "same_next": {
                "scenes": funnels,
                "choice_scenes": choice_scenes,
                "share": round(funnels / choice_scenes, 4) if choice_scenes else 0.0,
            },
        }

    def tags(self) -> list[dict[str, Any]]:
        """Each tag's share of the choices careers made (a "Continue" is not a choice), most first."""
        tags_of = {(s.id, c.id): c.tags for s in self.story.scenes.values() for c in s.choices if c.tags}
        made = sum(n for (_, cid), n in self.report.choice_taken.items() if cid != CONTINUE)
        counts: dict[str, int] = {}
        for key, n in self.report.choice_taken.items():
            for tag in tags_of.get(key, ()):
                counts[tag] = counts.get(tag, 0) + n
        every = sorted({t for tags in tags_of.values() for t in tags})
        rows = [
            {"tag": t, "taken": counts.get(t, 0), "share": round(counts.get(t, 0) / made, 4) if made else 0.0}
            for t in every
        ]
        return sorted(rows, key=lambda row: (-row["taken"], row["tag"]))

    def persona_rows(self) -> list[dict[str, Any]]:
        titles = {s.id: s.ending.title for s in self.story.endings if s.ending is not None}
        rows = []
        for p in self.personas:
            endings = sorted(p.endings.items(), key=lambda kv: (-kv[1], kv[0]))
            rows.append(
                {
                    "name": p.name,
                    "prefer": list(p.prefer),
                    "careers": p.careers,
                    "stuck": p.stuck,
                    "endings": [
                        {
                            "scene": sid,
                            "title": titles.get(sid, sid),
                            "careers": n,
                            "share": round(n / p.careers, 4) if p.careers else 0.0,
                        }
                        for sid, n in endings
                    ],
                }
            )
        return rows

    @property
    def chances_biased(self) -> bool:
        """Whether the chance table says nothing about fairness: `explore` replays bookmarked
        careers with their rolls, and its missions look one step ahead and keep the choice whose
        roll came out nearer the goal, so the rolls it reports are the ones it steered towards."""
        return self.report.strategy == "explore"

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

    def career(self, career: NotableCareer | None) -> dict[str, Any] | None:
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
            "chances_biased": self.chances_biased,
            "lengths": self.lengths(),
            "decisions": r.decisions,
            "text": self.text_figures(),
            "tags": self.tags(),
            "personas": self.persona_rows(),
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
