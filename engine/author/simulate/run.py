"""Simulated careers: many seeded playthroughs through the game's own `Session`, summed up.

Every career is played by the same `Session` the game uses (without undo history, and without
rendering text: `Session.open_choices` and `Session.advance` are the fast path), so what the
simulator reports is what players will meet. Career `i` of a run with seed `S` has its own seed
derived from `(S, i)` alone, so a career can be replayed exactly on its own (`play --plain --seed
... --choices ...`) and the random strategy gives the same report whatever the number of worker
processes.

A `Report` holds counts only (histograms as value -> count maps, so percentiles stay exact) and is
mergeable: each worker sends partial reports of the careers it has played, and the parent adds
them up. engine/author/simulate/summary.py turns a report into the JSON document and the text an author
reads, and engine/cli/simulate.py runs it for `main.py simulate`.

Two strategies pick among the open choices:

- `random`: uniformly, from a per-career RNG. What players who choose blindly would meet; the
  figures (endings, stats) are read from this one.
- `explore`: like a coverage-guided fuzzer, each worker remembers what its earlier careers did
  and weights open choices by how rarely they, and the scenes they lead to, were taken. It
  reaches full coverage in far fewer careers, at the price of skewed figures.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_module
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.author.metrics import outcome_words, scene_words
from engine.author.simulate.explore import Explorer, Trail
from engine.core.errors import PointeEdgeError
from engine.core.model import Story
from engine.play.rng import SplitMix64, mix, seed_state
from engine.play.session import Session

STRATEGIES = ("random", "explore")
MAX_STEPS = 5_000  # a career still going after this many steps is reported as stuck in a loop
KEEP_STUCK = 10  # stuck careers kept with their choices (the lowest-numbered ones); all are counted
PROGRESS_SECONDS = 0.1  # how often the progress bar hears how many careers are done
#: How often a worker process hands over what it has played so far: each hand-over is a report
#: merged into the run's (at 10,000 scenes, thousands of keys), on a core the workers need.
FLUSH_SECONDS = 0.5
_PICK_SALT = 0x51A7_C0DE_F00D_BEEF  # separates the choice-picking stream from the career's own RNG

ChoiceKey = tuple[str, str]  # (scene id, choice id)
Histogram = dict[int, int]  # value -> how many careers had it
Progress = Callable[[int, int], None]  # (careers played, careers planned)


class SimulationError(PointeEdgeError):
    """The simulation itself failed (a worker process died, the story changed under it)."""


def career_seed(seed: int, index: int) -> int:
    """The seed of career `index` in a run with seed `seed`: 53 bits (exact as a JSON number)."""
    return mix(seed_state(seed) ^ index) >> 11


@dataclass
class NotableCareer:
    """A simulated career worth pointing at (stuck, shortest, longest), with what replays it.

    Not a saved career (`engine.saves.format.Career`): only its number, seed and choices.
    """

    index: int  # its number in the run, from 0
    seed: int
    steps: int
    choices: tuple[str, ...]  # the choice ids made, in order
    scene: str  # where it finished
    ending: str | None = None  # the ending scene, when it reached one
    reason: str | None = None  # why it could not go on, when it got stuck


@dataclass
class Report:
    """What a number of careers did: counts only, so partial reports add up exactly.

    Scene and choice counts are per career (`scene_careers`) or per time (`choice_taken`,
    `scene_shown`: how often play rested at the scene, a detour's return included). The
    `*_first` maps hold the number of the first career that covered each item, which tells
    how many careers full coverage took.
    """

    story: str
    fingerprint: str
    seed: int
    strategy: str
    planned: int
    max_steps: int = MAX_STEPS
    careers: int = 0
    steps: int = 0  # steps of the careers that reached an ending
    decisions: int = 0  # of those, steps with more than one open choice
    interrupted: bool = False
    scene_careers: dict[str, int] = field(default_factory=dict)
    scene_first: dict[str, int] = field(default_factory=dict)
    scene_shown: dict[str, int] = field(default_factory=dict)
    choice_taken: dict[ChoiceKey, int] = field(default_factory=dict)
    choice_first: dict[ChoiceKey, int] = field(default_factory=dict)
    choice_open: dict[ChoiceKey, int] = field(default_factory=dict)
    endings: dict[str, int] = field(default_factory=dict)
    ending_stats: dict[str, dict[str, Histogram]] = field(default_factory=dict)
    chapter_careers: dict[str, int] = field(default_factory=dict)
    chapter_stats: dict[str, dict[str, Histogram]] = field(default_factory=dict)
    chapter_steps: dict[str, int] = field(default_factory=dict)  # sum of the steps at first entry
    rolls: dict[ChoiceKey, list[int]] = field(default_factory=dict)  # [rolled, successes, sum of chances]
    lengths: Histogram = field(default_factory=dict)  # steps -> careers, for those that ended
    words: Histogram = field(default_factory=dict)  # words shown -> careers, for those that ended
    text_share: Histogram = field(default_factory=dict)  # per mille of the story's text -> careers
    roll_counts: Histogram = field(default_factory=dict)  # chance rolls made -> careers, for those that ended
    shortest: NotableCareer | None = None
    longest: NotableCareer | None = None
    stuck: list[NotableCareer] = field(default_factory=list)  # the first KEEP_STUCK, by career number
    stuck_count: int = 0

    def empty(self) -> Report:
        """A report with the same settings and nothing played yet."""
        return Report(self.story, self.fingerprint, self.seed, self.strategy, self.planned, self.max_steps)

    def merge(self, other: Report) -> Report:
        """Add `other`'s careers to this report (in place; returns self). Order does not matter."""
        if other.fingerprint != self.fingerprint:
            raise ValueError("cannot merge reports of different stories")
        self.careers += other.careers
        self.steps += other.steps
        self.decisions += other.decisions
        self.interrupted = self.interrupted or other.interrupted
        for mine, theirs in (
            (self.scene_careers, other.scene_careers),
            (self.scene_shown, other.scene_shown),
            (self.choice_taken, other.choice_taken),
            (self.choice_open, other.choice_open),
            (self.endings, other.endings),
            (self.chapter_careers, other.chapter_careers),
            (self.chapter_steps, other.chapter_steps),
            (self.lengths, other.lengths),
            (self.words, other.words),
            (self.text_share, other.text_share),
            (self.roll_counts, other.roll_counts),
        ):
            _add(mine, theirs)
        _first(self.scene_first, other.scene_first)
        _first(self.choice_first, other.choice_first)
        _add_stats(self.ending_stats, other.ending_stats)
        _add_stats(self.chapter_stats, other.chapter_stats)
        for key, (rolled, won, chances) in other.rolls.items():
            row = self.rolls.setdefault(key, [0, 0, 0])
            row[0] += rolled
            row[1] += won
            row[2] += chances
        if other.shortest and (not self.shortest or _shorter(other.shortest, self.shortest)):
            self.shortest = other.shortest
        if other.longest and (not self.longest or _longer(other.longest, self.longest)):
            self.longest = other.longest
        self.stuck = sorted(self.stuck + other.stuck, key=lambda c: c.index)[:KEEP_STUCK]
        self.stuck_count += other.stuck_count
        return self

    @property
    def ended(self) -> int:
        return self.careers - self.stuck_count


def _add(mine: dict[Any, int], theirs: dict[Any, int]) -> None:
    for key, n in theirs.items():
        mine[key] = mine.get(key, 0) + n


def _first(mine: dict[Any, int], theirs: dict[Any, int]) -> None:
    for key, index in theirs.items():
        if key not in mine or index < mine[key]:
            mine[key] = index


def _add_stats(mine: dict[str, dict[str, Histogram]], theirs: dict[str, dict[str, Histogram]]) -> None:
    for where, stats in theirs.items():
        into = mine.setdefault(where, {})
        for stat, hist in stats.items():
            _add(into.setdefault(stat, {}), hist)


def _shorter(a: NotableCareer, b: NotableCareer) -> bool:
    return (a.steps, a.index) < (b.steps, b.index)


def _longer(a: NotableCareer, b: NotableCareer) -> bool:
    return (a.steps, -a.index) > (b.steps, -b.index)


# -- playing careers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSettings:
    """What a run is asked to do (not the player's settings, `engine.tui.settings.Settings`)."""

    seed: int
    runs: int
    strategy: str = "random"
    max_steps: int = MAX_STEPS


WordCounts = tuple[dict[str, int], dict[ChoiceKey, tuple[int, int]], int]
_word_counts: dict[str, WordCounts] = {}  # by story fingerprint: counted once per process


def _words(story: Story) -> WordCounts:
    """Each scene's words, each roll's outcome words, and all of them (`metrics.shown_text_words`).

    Counted once per text, as `stories` counts them (every fragment an interpolation can
    choose), so a career's words cost a lookup per rest, not a render. Counting walks every
    text of the story (about 0.2 s at 10,000 scenes), so it is kept for the next run of the
    same story in this process; the last few stories only.
    """
    found = _word_counts.get(story.fingerprint)
    if found is None:
        scenes = {sid: scene_words(scene) for sid, scene in story.scenes.items()}
        outcomes = outcome_words(story)
        total = sum(scenes.values()) + sum(a + b for a, b in outcomes.values())
        if len(_word_counts) >= 4:
            _word_counts.pop(next(iter(_word_counts)))
        found = _word_counts[story.fingerprint] = (scenes, outcomes, total)
    return found


class Player:
    """Plays careers one at a time into a report; an explorer's memory lives as long as it does."""

    def __init__(self, story: Story, settings: RunSettings):
        self.story = story
        self.settings = settings
        self.chapter_of = {sid: scene.chapter for sid, scene in story.scenes.items()}
        self.stat_ids = tuple(s.id for s in story.stats)
        self.explorer = Explorer(story) if settings.strategy == "explore" else None
        self.scene_words, self.outcome_words, self.all_words = _words(story)

    def new_report(self) -> Report:
        s = self.settings
        return Report(self.story.id, self.story.fingerprint, s.seed, s.strategy, s.runs, s.max_steps)

    def play(self, index: int, report: Report) -> None:
        """Play career `index` to its end (or until it is stuck) and add it to `report`."""
        own_seed = career_seed(self.settings.seed, index)
        pick = SplitMix64(seed_state(own_seed) ^ _PICK_SALT)
        explorer = self.explorer
        plan = explorer.plan(own_seed) if explorer else None
        seed = plan.seed if plan else own_seed
        session = Session(self.story, seed, history=False)
        chapter_of = self.chapter_of
        max_steps = self.settings.max_steps
        rests: dict[tuple[str, tuple[str, ...]], int] = {}
        arrivals: dict[str, tuple[int, tuple[int, ...]]] = {}  # chapter -> (step, stats) at first entry
        trail: Trail = []  # the explorer's record of this career
        chapter = None
        steps = decisions = 0
        failure: str | None = None
        try:
            while True:
                open_ = session.open_choices()
                state = session.state
                sid = state.scene
                key = (sid, open_)
                rests[key] = rests.get(key, 0) + 1
                here = chapter_of[sid]
                if here is not chapter:
                    chapter = here
                    if here not in arrivals:
                        arrivals[here] = (steps, tuple(state.stats.values()))
                if not open_ or steps >= max_steps:
                    break
                n = len(open_)
                if n > 1:
                    decisions += 1
                if explorer is None:
                    cid = open_[pick.below(n)] if n > 1 else open_[0]
                else:
                    explorer.notice(sid, open_, seed, trail)
                    cid = explorer.choose(plan, session, steps, open_, pick)
                    explorer.learn(sid, cid)
                    trail.append((sid, cid))
                session.advance(cid)
                steps += 1
        except Exception as err:  # an engine bug: report the career rather than lose the run
            failure = f"the engine failed: {type(err).__name__}: {err}"
        self._record(report, index, seed, session, steps, decisions, rests, arrivals, failure)

    def _record(
        self,
        report: Report,
        index: int,
        seed: int,
        session: Session,
        steps: int,
        decisions: int,
        rests: dict[tuple[str, tuple[str, ...]], int],
        arrivals: dict[str, tuple[int, tuple[int, ...]]],
        failure: str | None,
    ) -> None:
        state = session.state
        report.careers += 1
        visits = state.visits
        scene_careers, scene_first = report.scene_careers, report.scene_first
        for sid in visits:
            scene_careers[sid] = scene_careers.get(sid, 0) + 1
            if sid not in scene_first:
                scene_first[sid] = index
        if self.explorer:
            self.explorer.learn_career(visits)
        shown, opened = report.scene_shown, report.choice_open
        words_of = self.scene_words
        words = 0
        for (sid, open_), n in rests.items():
            words += n * words_of[sid]
            shown[sid] = shown.get(sid, 0) + n
            for cid in open_:
                k = (sid, cid)
                opened[k] = opened.get(k, 0) + n
        taken, choice_first, rolls = report.choice_taken, report.choice_first, report.rolls
        journal = session.journal
        outcomes: dict[tuple[ChoiceKey, bool], int] = {}
        made = 0  # chance rolls this career made
        for step in journal:
            k = (step.scene, step.choice)
            taken[k] = taken.get(k, 0) + 1
            if k not in choice_first:
                choice_first[k] = index
            roll = step.roll
            if roll is not None:
                made += 1
                said = self.outcome_words[k][0 if roll.success else 1]
                words += said
                outcomes[k, roll.success] = said
                row = rolls.get(k)
                if row is None:
                    row = rolls[k] = [0, 0, 0]
                row[0] += 1
                row[1] += roll.success
                row[2] += roll.chance
        stat_ids = self.stat_ids
        for chapter, (entered, values) in arrivals.items():
            report.chapter_careers[chapter] = report.chapter_careers.get(chapter, 0) + 1
            report.chapter_steps[chapter] = report.chapter_steps.get(chapter, 0) + entered
            _count(report.chapter_stats.setdefault(chapter, {}), stat_ids, values)
        ended = failure is None and session.ended
        choices = None
        if ended:
            ending = state.scene
            report.endings[ending] = report.endings.get(ending, 0) + 1
            _count(report.ending_stats.setdefault(ending, {}), stat_ids, tuple(state.stats.values()))
            report.steps += steps
            report.decisions += decisions
            report.lengths[steps] = report.lengths.get(steps, 0) + 1
            report.words[words] = report.words.get(words, 0) + 1
            distinct = sum(words_of[sid] for sid in visits) + sum(outcomes.values())
            share = round(1000 * distinct / self.all_words) if self.all_words else 0
            report.text_share[share] = report.text_share.get(share, 0) + 1
            report.roll_counts[made] = report.roll_counts.get(made, 0) + 1
            if report.shortest is None or steps < report.shortest.steps:
                choices = tuple(s.choice for s in journal)
                report.shortest = NotableCareer(index, seed, steps, choices, ending, ending)
            if report.longest is None or steps > report.longest.steps:
                choices = choices or tuple(s.choice for s in journal)
                report.longest = NotableCareer(index, seed, steps, choices, ending, ending)
            return
        reason = failure or session.stuck or f"no ending after {steps:,} steps"
        report.stuck_count += 1
        if len(report.stuck) < KEEP_STUCK:
            choices = tuple(s.choice for s in journal)
            report.stuck.append(NotableCareer(index, seed, steps, choices, state.scene, None, reason))


def _count(into: dict[str, Histogram], stat_ids: tuple[str, ...], values: tuple[int, ...]) -> None:
    for sid, value in zip(stat_ids, values, strict=True):
        hist = into.get(sid)
        if hist is None:
            hist = into[sid] = {}
        hist[value] = hist.get(value, 0) + 1


# -- running: one process or several -----------------------------------------------------------


def simulate(
    story: Story,
    runs: int,
    seed: int,
    strategy: str = "random",
    jobs: int = 1,
    *,
    max_steps: int = MAX_STEPS,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Report:
    """Play `runs` careers of `story` and report on them.

    `jobs` worker processes share the careers (career i goes to worker i mod jobs); with the
    random strategy the report is the same for any `jobs`. `progress(done, planned)` is called
    from this thread as careers finish; when `stop()` turns true, play stops after the careers
    under way and the report of those played so far comes back marked `interrupted`.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}")
    if runs < 0 or jobs < 1 or max_steps < 1:
        raise ValueError("runs must be at least 0, jobs and max_steps at least 1")
    settings = RunSettings(seed, runs, strategy, max_steps)
    total = Player(story, settings).new_report()
    jobs = min(jobs, max(runs, 1))

    def take(partial: Report) -> None:
        total.merge(partial)
        if progress:
            progress(total.careers, runs)

    if jobs == 1:
        _play_alone(story, settings, total, progress, stop or (lambda: False))
    else:
        _in_processes(story, settings, jobs, take, stop or (lambda: False))
    if total.careers < runs:
        total.interrupted = True
    return total


def _play_alone(
    story: Story,
    settings: RunSettings,
    total: Report,
    progress: Progress | None,
    stopped: Callable[[], bool],
) -> None:
    """Every career in this process, straight into the run's report: with no other worker
    there is nothing to hand over, so no partial report is built or merged (at 10,000 scenes
    merging was a sixth of a run)."""
    player = Player(story, settings)
    clock = time.monotonic
    last = clock()
    for index in range(settings.runs):
        if stopped():
            break
        player.play(index, total)
        if progress and clock() - last >= PROGRESS_SECONDS:
            progress(total.careers, settings.runs)
            last = clock()
    if progress:
        progress(total.careers, settings.runs)


def _play_share(
    story: Story,
    settings: RunSettings,
    worker: int,
    jobs: int,
    emit: Callable[[Report], None],
    stopped: Callable[[], bool],
) -> None:
    """Play careers worker, worker + jobs, ..., handing over a partial report every so often."""
    player = Player(story, settings)
    partial = player.new_report()
    clock = time.monotonic
    last = clock()
    for index in range(worker, settings.runs, jobs):
        if stopped():
            break
        player.play(index, partial)
        if clock() - last >= FLUSH_SECONDS:
            emit(partial)
            partial = player.new_report()
            last = clock()
    emit(partial)


# The story a forked worker inherits (compiled expressions are closures: they do not pickle).
_inherited: Story | None = None


def _in_processes(
    story: Story,
    settings: RunSettings,
    jobs: int,
    take: Callable[[Report], None],
    stop: Callable[[], bool],
) -> None:
    global _inherited
    # fork hands each worker the compiled story as it is; elsewhere, workers load it again
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    results = ctx.Queue()
    halt = ctx.Event()
    _inherited = story
    workers = [
        ctx.Process(
            target=_worker,
            args=(story.root, story.fingerprint, settings, w, jobs, results, halt),
            daemon=True,
        )
        for w in range(jobs)
    ]
    try:
        for w in workers:
            w.start()
        running = jobs
        while running:
            if stop() and not halt.is_set():
                halt.set()
            try:
                kind, payload = results.get(timeout=0.05)
            except queue_module.Empty:
                dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
                if dead:
                    raise SimulationError(f"a worker process died (exit code {dead[0]})") from None
                continue
            if kind == "report":
                take(payload)
            elif kind == "done":
                running -= 1
            else:
                raise SimulationError(payload)
    finally:
        _inherited = None
        halt.set()
        for w in workers:
            w.join(timeout=2)
            if w.is_alive():
                w.terminate()
                w.join()


def _worker(
    root: str,
    fingerprint: str,
    settings: RunSettings,
    worker: int,
    jobs: int,
    results: Any,
    halt: Any,
) -> None:
    """A worker process: plays its share and sends partial reports; Ctrl-C is the parent's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        story = _inherited
        if story is None or story.fingerprint != fingerprint:  # spawned, not forked: load it
            from engine.load.folder import load_story

            story = load_story(root).story
            if story is None or story.fingerprint != fingerprint:
                raise SimulationError("the story changed on disk while it was being simulated")
        _play_share(story, settings, worker, jobs, lambda r: results.put(("report", r)), halt.is_set)
        results.put(("done", worker))
    except Exception as err:
        results.put(("error", f"{type(err).__name__}: {err}"))
    finally:
        results.close()
        results.join_thread()


def cpu_count() -> int:
    """The cores this process may run on (for `--jobs 0`)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
