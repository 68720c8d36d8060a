"""The simulation report as an author reads it in a terminal: headline first, then each section.

Every figure comes from the `Summary` (engine/author/simulate/summary.py), which also gives the
JSON document, so the two never disagree.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping

from engine.author.simulate.run import NotableCareer
from engine.author.simulate.summary import Summary, replay_command
from engine.core.model import Choice, Scene

PERCENTILES = (10, 50, 90)  # printed between min and max; the JSON adds 25 and 75
SHOW_MISSING = 25  # never-visited scenes and never-taken choices listed in text (JSON has all)
SHOW_CHOICES = 200  # a replay command lists its choices in text only up to this many


def as_text(summary: Summary) -> str:
    """The report as an author reads it in a terminal: headline first, then each section."""
    return "\n".join(_TextReport(summary).lines()) + "\n"


def _n(value: int) -> str:
    return f"{value:,}"


def _choices(count: int) -> str:
    return "1 choice" if count == 1 else f"{_n(count)} choices"


def _span(low: int, high: int) -> str:
    """ "3 to 12 choices", or "7 choices" when every career took as many."""
    return _choices(low) if low == high else f"{_n(low)} to {_choices(high)}"


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


#: Under the chance table of an `explore` run, whose steering skews the rates (Summary.chances_biased).
BIASED = (
    "  biased: explore replays careers with their rolls and steers towards rolls that went its way;",
    "  these rates do not show whether a roll is fair (run --strategy random for that)",
)


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
        yield from self.text()
        yield from self.tags()
        yield from self.personas()
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
                f"A career takes {_span(lengths['min'], lengths['max'])} (median {lengths['p50']});"
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
        if self.s.chances_biased:
            yield from BIASED
        name_width = max(len(f"{row['scene']} › {row['choice']}") for row in rows)
        for row in rows:
            name = f"{row['scene']} › {row['choice']}"
            yield (
                f"  {name:<{name_width}}  rolled {_n(row['rolled']):>7}  won {100 * row['observed']:5.1f}%"
                f"  shown {100 * row['stated']:5.1f}% on average"
            )

    def text(self) -> Iterable[str]:
        figures = self.s.text_figures()
        yield ""
        yield "Text (as the careers standard measures it)"
        words = figures["words"]
        if words:
            span = f"{_n(words['min'])} to {_n(words['max'])}"
            yield f"  words shown in a career  {span}, median {_n(words['p50'])}"
        share = figures["text_share"]
        if share:
            yield (
                f"  share of the story's text one career shows  median {100 * share['p50']:.0f}%"
                f" ({100 * share['min']:.0f}% to {100 * share['max']:.0f}%)"
            )
        rolls = figures["rolls"]
        if rolls:
            span = f"{_n(rolls['min'])} to {_n(rolls['max'])}"
            yield f"  chance rolls in a career  {span}, median {_n(rolls['p50'])}"
        same = figures["same_next"]
        yield (
            f"  choice scenes whose options all lead to the same scene  {_n(same['scenes'])}"
            f" of {_n(same['choice_scenes'])} ({_pct(same['scenes'], same['choice_scenes'])})"
        )

    def tags(self) -> Iterable[str]:
        rows = self.s.tags()
        if not rows:
            return
        yield ""
        yield "Choices by tag (share of the choices careers made)"
        width = max(len(row["tag"]) for row in rows)
        for row in rows:
            yield f"  {row['tag']:<{width}}  {_n(row['taken']):>8}  {100 * row['share']:5.1f}%"

    def personas(self) -> Iterable[str]:
        for row in self.s.persona_rows():
            yield ""
            prefer = ", ".join(row["prefer"]) or "nothing"
            stuck = f", {_n(row['stuck'])} stuck" if row["stuck"] else ""
            yield f"Persona {row['name']} (prefers {prefer}): {_n(row['careers'])} careers{stuck}"
            width = max((len(e["title"]) for e in row["endings"]), default=0)
            for e in row["endings"]:
                share = _pct(e["careers"], row["careers"])
                yield f"  {e['title']:<{width}}  {_n(e['careers']):>8}  {share:>5}"

    def careers(self) -> Iterable[str]:
        r = self.r
        for label, career in (("Shortest career", r.shortest), ("Longest career", r.longest)):
            if career is None:
                continue
            yield ""
            ending = self.s.story.scenes[career.scene]
            title = ending.ending.title if ending.ending else ending.title
            yield f"{label}: {_choices(career.steps)}, career {career.index}, ending “{title}”"
            yield from self._replay(career)
        yield ""
        if not r.stuck_count:
            yield "Stuck careers: none."
            return
        yield f"Stuck careers: {_n(r.stuck_count)}. Each is a bug in the story; the first of them:"
        for career in r.stuck:
            yield f"  career {career.index} at {career.scene} after {_choices(career.steps)}: {career.reason}"
            yield from self._replay(career, indent=4)

    def _replay(self, career: NotableCareer, indent: int = 2) -> Iterable[str]:
        pad = " " * indent
        if len(career.choices) <= SHOW_CHOICES:
            yield f"{pad}replay: {shlex.join(replay_command(self.s.story_arg, career))}"
        else:
            start = shlex.join(replay_command(self.s.story_arg, career, choices=False))
            yield (
                f"{pad}replay: {start} --choices …"
                f" ({len(career.choices):,} choices: --format json gives the whole command)"
            )
