"""The simulator's `explore` strategy: steer careers to what earlier careers have not done yet.

Random play meets a choice that needs a flag *and* a low stat, at a scene one career in fifty
reaches, once in a few hundred careers. A coverage-guided fuzzer does better by remembering what
it has covered and aiming at the rest; so does this, with careers for inputs. Every career is
still played from the start by the game's `Session`, with a seed and choices that replay it.

Three kinds of careers take turns:

- *fresh* (one in four): from the career's own seed, open choices weighted by how rarely they were taken and
  how few careers entered the scenes they lead to;
- *revisit* (two in four): wherever a career rested at a scene with an open choice nobody has taken, it left
  a bookmark (its seed and choices so far). Replaying them reaches the same state, rolls
  included, and the career takes the untaken choice there. The bookmark in the scene fewest
  careers entered goes first;
- *mission* (one in four): aims at one goal not reached yet (a scene never entered, or a conditional choice
  never open), least-tried goal first. At each decision it looks one step ahead with every open
  choice and takes the one that lands nearest: fewest scenes away from the goal's scene, plus
  the branch distance (engine/author/simulate/distance.py) of the goal's condition and of the conditions that
  guard the way into its scene. A flag set, a stat nudged the right way, a roll that came out
  well: all show up as a smaller distance.

Every pick is drawn from the career's own RNG, so a run is deterministic given its seed.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.author.graph import StoryGraph
from engine.author.simulate.distance import Distance, distance
from engine.core.model import CONTINUE, Route, Story
from engine.play.rng import SplitMix64
from engine.play.session import Session
from engine.play.state import GameState

ChoiceKey = tuple[str, str]  # (scene id, choice id)
Trail = list[tuple[str, str]]  # a career's steps so far: (scene, choice)
Goal = tuple[str, str | None]  # (scene, None) to enter a scene; (scene, choice) to see a choice open
SCHEDULE = "frrm"  # fresh, revisit, mission: the order careers take turns in
PULL = 8.0  # how many scenes of detour one unit of branch distance is worth
FAR = math.inf


@dataclass(slots=True)
class Plan:
    """How an explored career goes: replay `script` from `seed`, or fly missions to goals."""

    seed: int
    script: tuple[str, ...] = ()
    goal: Goal | None = None  # the mission's goal now; the next one is chosen when it is reached


class Explorer:
    """One worker's memory of what its careers covered, and the choices that follow from it."""

    def __init__(self, story: Story):
        self.story = story
        self.careers = 0
        self.taken: dict[ChoiceKey, int] = {}
        self.entered: dict[str, int] = {}
        self.opened: set[ChoiceKey] = set()
        self.marks: dict[ChoiceKey, tuple[int, Trail, int]] = {}  # -> (seed, trail, its length then)
        self.queue: list[tuple[int, int, ChoiceKey]] = []  # a heap of (rank, order, bookmark)
        self.leads_to: dict[ChoiceKey, tuple[str, ...]] = {}
        self.conditions: dict[ChoiceKey, Distance] = {}
        self.graph = StoryGraph(story)
        self._preds: dict[str, list[str]] | None = None
        self._distances: dict[str, dict[str, int]] = {}
        self._guards: dict[str, Distance | None] = {}
        entries: dict[str, list[Distance | None]] = {}
        for sid, scene in story.scenes.items():
            scope = story.scope(_resolver(story, scene.chapter))
            for choice in scene.choices:
                key = (sid, choice.id)
                found = [choice.route]
                if choice.chance is not None:
                    found += [choice.chance.success.route, choice.chance.failure.route]
                self.leads_to[key] = _targets(found)
                guard = distance(choice.condition.tree, scope) if choice.condition else None
                if guard is not None:
                    self.conditions[key] = guard
                for target in self.leads_to[key]:
                    entries.setdefault(target, []).append(guard)
            if scene.next:
                self.leads_to[(sid, CONTINUE)] = _targets(b.route for b in scene.next)
                before: list[Distance] = []
                for branch in scene.next:
                    parts = [*before]
                    if branch.condition is not None:
                        parts.append(distance(branch.condition.tree, scope))
                    for target in _targets([branch.route]):
                        entries.setdefault(target, []).append(_all_of(parts))
                    if branch.condition is None:
                        break
                    before.append(distance(branch.condition.tree, scope, want=False))
        for sid, guards in entries.items():
            if all(g is not None for g in guards):  # every way in is guarded: the nearest counts
                self._guards[sid] = _nearest_of([g for g in guards if g is not None])
        self.goals: list[tuple[int, int, Goal]] = []  # a heap of (missions flown, order, goal)
        order = 0
        for sid, scene in story.scenes.items():
            if sid != story.start:
                self.goals.append((0, order, (sid, None)))
                order += 1
            for choice in scene.choices:
                if choice.condition is not None:
                    self.goals.append((0, order, (sid, choice.id)))
                    order += 1

    # -- what each career does -------------------------------------------------------------

    def plan(self, own_seed: int) -> Plan | None:
        """How the next career begins, or None for a fresh one."""
        turn = SCHEDULE[self.careers % len(SCHEDULE)]
        self.careers += 1
        if turn == "f":
            return None
        if turn == "r":
            return self._revisit() or self._mission(own_seed)
        return self._mission(own_seed) or self._revisit()

    def _revisit(self) -> Plan | None:
        """The bookmark in the scene fewest careers have entered (a heap, re-ranked lazily)."""
        marks, taken, entered, heap = self.marks, self.taken, self.entered, self.queue
        while heap:
            rank, order, key = heapq.heappop(heap)
            if taken.get(key):
                del marks[key]
                continue
            now = entered.get(key[0], 0)
            if now > rank:  # its scene has been entered since: rank it again
                heapq.heappush(heap, (now, order, key))
                continue
            seed, trail, n = marks.pop(key)
            return Plan(seed, (*(cid for _, cid in trail[:n]), key[1]))
        return None

    def _mission(self, seed: int) -> Plan | None:
        goal = self._next_goal(None)
        return Plan(seed, goal=goal) if goal else None

    def _next_goal(self, here: str | None, tries: int = 8) -> Goal | None:
        """The least-tried goal not reached yet (and reachable from `here`, when given)."""
        heap, found = self.goals, None
        skipped: list[tuple[int, int, Goal]] = []
        while heap and len(skipped) < tries:
            flown, order, goal = heapq.heappop(heap)
            if self._reached(goal):
                continue
            if here is not None and here not in self._distances_to(goal[0]):
                skipped.append((flown, order, goal))
                continue
            heapq.heappush(heap, (flown + 1, order, goal))
            found = goal
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found

    def _reached(self, goal: Goal) -> bool:
        sid, cid = goal
        return (sid, cid) in self.opened if cid is not None else sid in self.entered

    def notice(self, sid: str, open_: tuple[str, ...], seed: int, trail: Trail) -> None:
        """At a rest: remember what is open, and bookmark open choices nobody has taken."""
        taken, marks = self.taken, self.marks
        for cid in open_:
            key = (sid, cid)
            self.opened.add(key)
            if key not in marks and not taken.get(key):
                marks[key] = (seed, trail, len(trail))
                heapq.heappush(self.queue, (self.entered.get(sid, 0), len(marks), key))

    def choose(
        self, plan: Plan | None, session: Session, step: int, open_: tuple[str, ...], rng: SplitMix64
    ) -> str:
        """This step's choice: the plan's script while it lasts, a mission's, or a weighted pick."""
        sid = session.state.scene
        if plan is not None:
            if step < len(plan.script):
                return plan.script[step]
            if plan.goal is not None:
                target, cid = plan.goal
                if self._reached(plan.goal) or (cid is None and target in session.state.visits):
                    # on to the next goal that can be reached from here
                    plan.goal = self._next_goal(sid)
                aimed = self._aim(plan.goal, session, open_, rng) if plan.goal else None
                if aimed is not None:
                    return aimed
        return self.pick(sid, open_, rng) if len(open_) > 1 else open_[0]

    def pick(self, sid: str, open_: tuple[str, ...], rng: SplitMix64) -> str:
        """Weighted: a choice's weight falls with the square of the times it was taken and rises
        when the scenes it leads to were entered by few careers."""
        taken, entered = self.taken, self.entered
        weights: list[float] = []
        for cid in open_:
            key = (sid, cid)
            w = 1.0 / (1 + taken.get(key, 0)) ** 2
            for target in self.leads_to.get(key, ()):
                w += 1.0 / (1 + entered.get(target, 0))
            weights.append(w)
        return _draw(open_, weights, rng)

    def learn(self, sid: str, cid: str) -> None:
        key = (sid, cid)
        self.taken[key] = self.taken.get(key, 0) + 1

    def learn_career(self, visits: dict[str, int]) -> None:
        entered = self.entered
        for sid in visits:
            entered[sid] = entered.get(sid, 0) + 1

    # -- missions --------------------------------------------------------------------------

    def _aim(self, goal: Goal, session: Session, open_: tuple[str, ...], rng: SplitMix64) -> str | None:
        """The open choice that lands nearest the goal, one step ahead; None when none gets near."""
        target, cid = goal
        here = session.state.scene
        if cid is not None and here == target and cid in open_:
            return cid
        if len(open_) == 1:
            return open_[0]
        away = self._distances_to(target)
        condition = self.conditions.get((target, cid)) if cid is not None else None
        guard = self._guards.get(target)
        scores: list[float] = []
        for option in open_:
            after = _peek(session, option)
            if after is None:
                scores.append(FAR)
                continue
            arrived = after.scene == target or (cid is None and target in after.visits)
            steps = 0 if arrived else _steps_away(away, after)
            pull = 0.0
            if condition is not None:
                pull += condition(after)
            if guard is not None and steps > 0:
                pull += guard(after)
            scores.append(steps + PULL * pull)
        best = min(scores)
        if best == FAR:
            return None
        return _draw(open_, [math.exp(2.0 * (best - s)) if s < FAR else 0.0 for s in scores], rng)

    def _distances_to(self, target: str) -> dict[str, int]:
        """How many scenes away from `target` each scene is, following routes (cached)."""
        found = self._distances.get(target)
        if found is None:
            if self._preds is None:
                self._preds = self.graph.predecessors()
            preds = self._preds
            found = {target: 0}
            todo = deque([target])
            while todo:
                sid = todo.popleft()
                for p in preds.get(sid, ()):
                    if p not in found:
                        found[p] = found[sid] + 1
                        todo.append(p)
            self._distances[target] = found
        return found


def _steps_away(away: dict[str, int], state: GameState) -> float:
    """Scenes from here to the target; inside a detour, from where play resumes when it returns
    (a detour's `return` is no route in the graph: where it goes depends on who called)."""
    steps = away.get(state.scene)
    if steps is not None:
        return steps
    for depth, (caller, after, _) in enumerate(reversed(state.stack), 1):
        steps = away.get(after or caller)
        if steps is not None:
            return steps + depth
    return FAR


def _peek(session: Session, cid: str) -> GameState | None:
    """The state one step ahead if `cid` were chosen now (the session itself is untouched)."""
    ahead = Session(session.story, session.seed, history=False, state=session.state, rolls=session.rolls)
    try:
        ahead.choose(cid)
    except Exception:
        return None
    return ahead.state


def _draw(options: tuple[str, ...], weights: list[float], rng: SplitMix64) -> str:
    point = rng.next() / 2.0**64 * sum(weights)
    for option, w in zip(options, weights, strict=True):
        point -= w
        if point < 0:
            return option
    return next(o for o, w in zip(reversed(options), reversed(weights), strict=True) if w > 0)


def _targets(found: Iterable[Route | None]) -> tuple[str, ...]:
    """The scenes routes lead into (a `return` goes back to wherever the detour began)."""
    return tuple(r.target for r in found if r is not None and r.kind != "return" and r.target)


def _all_of(parts: list[Distance]) -> Distance:
    if not parts:
        return lambda s: 0.0
    if len(parts) == 1:
        return parts[0]
    return lambda s: sum(d(s) for d in parts)


def _nearest_of(parts: list[Distance]) -> Distance:
    if len(parts) == 1:
        return parts[0]
    return lambda s: min(d(s) for d in parts)


def _resolver(story: Story, chapter: str) -> Callable[[str], str | None]:
    def resolve(ref: str) -> str | None:
        full = ref if "." in ref else f"{chapter}.{ref}"
        return full if full in story.scenes else None

    return resolve
