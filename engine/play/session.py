"""Session: the rules of play, the same for the TUI, plain mode, replay and the simulator.

A session is a story, a seed and the choices made so far. It knows the current scene, its
rendered text and choices (locked ones with a reason), applies a choice's effects, rolls
chances from the career's key (part of the game state), follows detours, passes through
text-less scenes, and can undo any number of choices, though never to re-roll a chance
(engine/play/rolls.py says how). It never touches files or the terminal.

Given the same story, seed and choice ids it produces the same texts and states in any process:
the RNG is the engine's own, and nothing depends on Python's salted `hash()` or on set order.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.errors import PointeEdgeError
from engine.core.model import (
    CHANCE_MAX,
    CHANCE_MIN,
    CONTINUE,
    Choice,
    Effect,
    Ending,
    Expr,
    Route,
    Scene,
    Story,
)
from engine.play import offer
from engine.play import snapshot as snap
from engine.play.reasons import explain
from engine.play.rng import seed_state
from engine.play.rolls import CURRENT, KEYED, SCHEMES, RollScheme, keyed_roll, sequential_roll
from engine.play.state import GameState

MAX_STACK = 32  # detours inside detours
MAX_HOPS = 256  # text-less scenes passed through in one step


class ChoiceError(PointeEdgeError):
    """A choice that cannot be made now (unknown, locked, or the career is over)."""


class ChoiceView(NamedTuple):
    """A choice as the player sees it now.

    A named tuple rather than a frozen dataclass: every scene shown builds one per choice, and
    a tuple is built several times faster (bench/README.md), immutable all the same."""

    id: str
    number: int  # 1-based position in the list shown
    text: tpl.Rendered
    locked: bool
    reason: str | None  # why it is locked
    chance: int | None  # the percent chance it succeeds, for a choice that rolls

    @property
    def label(self) -> str:
        return tpl.to_plain(self.text)


class Roll(NamedTuple):
    chance: int  # percent, 5..95
    roll: int  # 0..99; success when roll < chance
    success: bool

    def to_dict(self) -> dict[str, object]:
        return {"chance": self.chance, "roll": self.roll, "success": self.success}

    def describe(self) -> str:
        """The roll told honestly: "62% chance: rolled 30 of 100, success"."""
        verdict = "success" if self.success else "failure"
        return f"{self.chance}% chance: rolled {self.roll + 1} of 100, {verdict}"


class Step(NamedTuple):
    """One entry of the journal: where the player was, what they chose, how the roll went."""

    scene: str
    choice: str
    roll: Roll | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "scene": self.scene,
            "choice": self.choice,
            "roll": self.roll.to_dict() if self.roll else None,
        }


class StatChange(NamedTuple):
    stat: str
    label: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class PersonView:
    """One person of the cast as the player may see them now (see `Session.people`)."""

    id: str
    name: str
    role: str
    about: str  # the one-line description, rendered for this state
    stat: str | None  # the relationship stat's label, if any
    value: int | None  # ... and its value now


class StepResult(NamedTuple):
    step: Step
    changes: tuple[StatChange, ...]
    flags: tuple[tuple[str, bool], ...]  # flags that changed, with their new value
    outcome: tpl.Rendered | None  # the text of a chance's success or failure
    scene: str  # where play is now
    milestones: tuple[str, ...] = ()  # recorded during this step: the choice's, then the scenes'
    # Of those, the ones of the scenes entered (after the choice's own, its roll's outcome's):
    # a front end shows them after the new scene's text, which they would otherwise spoil.
    arrived: tuple[str, ...] = ()

    @property
    def chosen(self) -> tuple[str, ...]:
        """The milestones of the choice itself and of its roll's outcome: what just happened."""
        return self.milestones[: len(self.milestones) - len(self.arrived)]


@dataclass(frozen=True, slots=True)
class Opening:
    """What entering the start scene did, before any choice: its effects and milestone, which a
    player should see as they see a step's (`Session.opening`)."""

    changes: tuple[StatChange, ...]
    flags: tuple[tuple[str, bool], ...]  # flags the start set, with their new value
    milestones: tuple[str, ...]


class Session:
    def __init__(
        self,
        story: Story,
        seed: int | None = None,
        *,
        history: bool = True,
        state: GameState | None = None,
        rolls: RollScheme = CURRENT,
    ):
        """Start a career at the story's start scene, or go on from `state` (a replay's frame).

        `history=False` disables undo and the trail (faster: the simulator plays that way).
        `rolls` is how chances are rolled (engine/play/rolls.py): a new career rolls `keyed`; a
        career saved before that scheme goes on `sequential`, as it was played.
        """
        self.story = story
        self.seed = secrets.randbits(63) if seed is None else seed
        self.keep_history = history
        if rolls not in SCHEMES:
            raise ValueError(f"no roll scheme {rolls!r}: one of {', '.join(SCHEMES)}")
        self.rolls: RollScheme = rolls
        self._stat_defs = {s.id: s for s in story.stats}
        self.state = GameState(
            scene=story.start,
            stats={s.id: s.start for s in story.stats},
            flags={f.id: False for f in story.flags},
            visits={},
            stack=[],
            rng=seed_state(self.seed),
        )
        self._journal: list[Step] = []
        self._history: list[tuple[GameState, str | None]] = []
        self.fault: str | None = None  # why play cannot go on, when the story itself is at fault
        self._cache: tuple[tpl.Rendered, tuple[ChoiceView, ...]] | None = None
        self._moved_at = 0  # milestones recorded before the last step left its scene (see _play)
        if state is None:
            self._start()
        else:
            self.state = state.copy()

    @classmethod
    def replay(
        cls,
        story: Story,
        seed: int,
        choices: Iterable[str],
        *,
        history: bool = True,
        rolls: RollScheme = CURRENT,
    ) -> Session:
        """A session that has made the given choices from the start (raises ChoiceError if one fails)."""
        session = cls(story, seed, history=history, rolls=rolls)
        for cid in choices:
            session.choose(cid)
        return session

    # -- what the player sees --------------------------------------------------------------

    @property
    def scene(self) -> Scene:
        return self.story.scenes[self.state.scene]

    @property
    def chapter_title(self) -> str:
        chapter = self.story.chapters.get(self.scene.chapter)
        return chapter.title if chapter else ""

    @property
    def phase(self) -> str:
        chapter = self.story.chapters.get(self.scene.chapter)
        return chapter.phase if chapter else ""

    @property
    def text(self) -> tpl.Rendered:
        return self._view()[0]

    @property
    def choices(self) -> tuple[ChoiceView, ...]:
        """Choices to show: open ones, and locked ones whose author chose to show them."""
        return self._view()[1]

    @property
    def ending(self) -> Ending | None:
        return self.scene.ending

    @property
    def ended(self) -> bool:
        return self.scene.ending is not None

    @property
    def stuck(self) -> str | None:
        """Why play cannot go on, when it cannot and the career has not ended (a story bug)."""
        if self.ended:
            return None
        if self.fault:
            return self.fault
        if not self.open_choices():
            return "no choice is open here"
        return None

    def open_choices(self) -> tuple[str, ...]:
        """The ids of the choices that can be made now, in order, without rendering any text.

        The simulator's fast path; the same rule as `choices` (a `Continue`, or every choice that
        engine/play/offer.py calls open), so a career played through either takes the same steps.
        """
        scene = self.scene
        if scene.ending is not None or self.fault:
            return ()
        if scene.next:
            return (CONTINUE,)
        return offer.open_ids(scene, self.state)

    @property
    def journal(self) -> tuple[Step, ...]:
        return tuple(self._journal)

    @property
    def milestones(self) -> tuple[str, ...]:
        """The career's record so far: the milestones of the scenes, choices and rolls played."""
        return tuple(self.state.milestones)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    def step_label(self, index: int) -> str:
        """The words of the choice made at step `index` of the journal, as they read then."""
        step = self._journal[index]
        scene = self.story.scenes[step.scene]
        if step.choice == CONTINUE:
            return scene.continue_label
        choice = next((c for c in scene.choices if c.id == step.choice), None)
        if choice is None:  # pragma: no cover - the journal only holds choices that were made
            return step.choice
        before = self._history[index][0] if self.keep_history else self.state
        return tpl.to_plain(choice.text.render(before))

    @property
    def start_state(self) -> GameState:
        """The state before the first choice of the journal."""
        return self._history[0][0] if self._history else self.state

    def opening(self) -> Opening:
        """What the start scene (and any text-less scenes it passes on through) did on the way
        in, measured against the story's declared starting values: computed when asked, so a
        session that never shows it (the simulator's) pays nothing."""
        state = self.start_state
        changes = tuple(
            StatChange(s.id, s.label, s.start, state.stats[s.id])
            for s in self.story.stats
            if state.stats[s.id] != s.start
        )
        flags = tuple((f.id, True) for f in self.story.flags if state.flags[f.id])
        return Opening(changes, flags, tuple(state.milestones))

    @property
    def trail(self) -> tuple[GameState, ...]:
        """The state after each step of the journal, oldest first (needs `history=True`).

        The undo history holds the state before each step, so the state after step i is the
        one saved before step i + 1, and the live state for the last. Read them; do not change
        them.
        """
        if not self.keep_history:
            raise RuntimeError("a session without history keeps no trail")
        if not self._journal:
            return ()
        return (*(state for state, _ in self._history[1:]), self.state)

    def stat(self, stat_id: str) -> int:
        return self.state.stats[stat_id]

    def people(self) -> tuple[PersonView, ...]:
        """The cast the player has met: each person whose `if` holds now, in the story's order.

        Computed when asked (the People view), never on a step: it costs play nothing.
        """
        state = self.state
        out: list[PersonView] = []
        for p in self.story.cast:
            if p.condition is not None and not p.condition.fn(state):
                continue
            about = tpl.to_plain(p.about.render(state)) if p.about is not None else ""
            stat = self._stat_defs.get(p.stat) if p.stat is not None else None
            label, value = (stat.label, state.stats[stat.id]) if stat is not None else (None, None)
            out.append(PersonView(p.id, p.name, p.role, about, label, value))
        return tuple(out)

    def _view(self) -> tuple[tpl.Rendered, tuple[ChoiceView, ...]]:
        cache = self._cache
        if cache is None:
            state = self.state
            scene = self.story.scenes[state.scene]
            template = scene.text_for(state.visits.get(scene.id, 0))
            text = template.render(state) if template is not None else ()
            cache = self._cache = (text, self._build_choices(scene))
        return cache

    def _build_choices(self, scene: Scene) -> tuple[ChoiceView, ...]:
        if scene.ending is not None or self.fault:
            return ()
        state = self.state
        if scene.next:
            label: tpl.Rendered = (((scene.continue_label, tpl.PLAIN),),)
            return (ChoiceView(CONTINUE, 1, label, False, None, None),)
        views: list[ChoiceView] = []
        for choice, is_open in offer.offered(scene, state):
            locked = not is_open
            reason = self._lock_reason(scene, choice) if locked else None
            chance = self._chance(choice) if choice.chance is not None else None
            views.append(
                ChoiceView(choice.id, len(views) + 1, choice.text.render(state), locked, reason, chance)
            )
        return tuple(views)

    def _lock_reason(self, scene: Scene, choice: Choice) -> str:
        """Why a locked choice is locked: the author's `reason`, or its condition in words."""
        assert choice.condition is not None
        return choice.reason or explain(choice.condition.tree, self.state, self.story, scene.chapter)

    def _chance(self, choice: Choice) -> int:
        assert choice.chance is not None
        value = cast(float, choice.chance.expr.fn(self.state))  # a number: checked at load
        return min(CHANCE_MAX, max(CHANCE_MIN, ex.round_half_away(value)))

    # -- making choices --------------------------------------------------------------------

    def choose(self, choice_id: str) -> StepResult:
        """Make a choice by id. Raises ChoiceError if it is unknown, locked or the career is over.

        With history on (the game), a step is a transaction: if anything raises while it is made,
        the session is left exactly as it was before the choice.
        """
        scene = self.scene
        choice = self._check_choice(scene, choice_id)
        if not self.keep_history:
            return self._make(scene, choice, choice_id, self.state.copy())
        before, fault, steps = self.state.copy(), self.fault, len(self._journal)
        try:
            result = self._make(scene, choice, choice_id, before)
        except BaseException:
            self.state, self.fault = before, fault
            del self._journal[steps:]
            self._cache = None
            raise
        self._history.append((before, fault))
        return result

    def advance(self, choice_id: str) -> None:
        """Make a choice by the same rules as `choose`, without describing what changed.

        The simulator's step: the state, journal and rolls come out exactly as with `choose`,
        but no stat changes are listed and no outcome text is rendered. Needs `history=False`:
        with undo on, the step would join the journal without its undo entry, and a later undo
        would pair the wrong states with the wrong steps. A real error, not an `assert`, so that
        `python -O` cannot turn the guard off.
        """
        if self.keep_history:
            raise RuntimeError("advance() is for sessions without undo history: use choose()")
        scene = self.scene
        self._play(scene, self._check_choice(scene, choice_id), choice_id, render=False)

    def _check_choice(self, scene: Scene, choice_id: str) -> Choice | None:
        """The choice `choice_id` names (None for a `Continue`), or ChoiceError unless it can be
        made now: the rule of `choices`, without rendering any text."""
        if scene.ending is not None:
            raise ChoiceError("the career has ended")
        if self.fault:
            raise ChoiceError(self.fault)
        if scene.next:
            if choice_id == CONTINUE:
                return None
            raise ChoiceError(f"no choice {choice_id!r} here")
        for choice in scene.choices:
            if choice.id == choice_id:
                if offer.is_open(scene, choice, self.state):
                    return choice
                if choice.show_locked and not offer.gone(scene, choice, self.state) and not choice.fallback:
                    raise ChoiceError(f"that choice is locked: {self._lock_reason(scene, choice)}")
                break  # a hidden choice, a fallback not offered, or a once-only one taken: not there
        raise ChoiceError(f"no choice {choice_id!r} here")

    def _make(self, scene: Scene, choice: Choice | None, choice_id: str, before: GameState) -> StepResult:
        """The step, described against `before`: a copy of the state as it was (never changed)."""
        state = self.state
        step, outcome_text = self._play(scene, choice, choice_id, render=True)
        stats, flags = state.stats, state.flags
        changes = tuple(
            [
                StatChange(sid, self._stat_defs[sid].label, old, stats[sid])
                for sid, old in before.stats.items()
                if stats[sid] != old
            ]
        )
        flipped = tuple([(fid, flags[fid]) for fid, old in before.flags.items() if flags[fid] != old])
        milestones = state.milestones
        new = tuple(milestones[len(before.milestones) :]) if len(milestones) > len(before.milestones) else ()
        arrived = tuple(milestones[self._moved_at :]) if len(milestones) > self._moved_at else ()
        return StepResult(step, changes, flipped, outcome_text, state.scene, new, arrived)

    def _play(
        self, scene: Scene, choice: Choice | None, choice_id: str, render: bool
    ) -> tuple[Step, tpl.Rendered | None]:
        """The step itself: effects, the roll, the journal, and on to the next scene. With
        `render`, also the chance outcome's text, as it reads before play moves on."""
        state = self.state
        roll: Roll | None = None
        outcome_text: tpl.Rendered | None = None
        state.turn += 1
        if choice is None:  # a `Continue`
            route = self._branch(scene)
        else:
            if choice.once:
                key = offer.taken_key(scene, choice)
                state.taken[key] = state.taken.get(key, 0) + 1
            if choice.chance is not None:
                percent = self._chance(choice)
                if self.rolls == KEYED:  # the career's key is never advanced
                    rolled = keyed_roll(state.rng, state.turn, scene.id, choice_id)
                else:
                    rolled, state.rng = sequential_roll(state.rng)
                roll = Roll(percent, rolled, rolled < percent)
                self._apply(choice.effects)
                self._record(choice.milestone)
                outcome = choice.chance.success if roll.success else choice.chance.failure
                self._apply(outcome.effects)
                self._record(outcome.milestone)
                if outcome.text is not None and render:
                    outcome_text = outcome.text.render(state)
                route = outcome.route
            else:
                self._apply(choice.effects)
                self._record(choice.milestone)
                route = choice.route
        step = Step(scene.id, choice_id, roll)
        self._journal.append(step)
        self._cache = None
        self._moved_at = len(state.milestones)  # what follows is the scenes' (StepResult.arrived)
        if route is None:
            self.fault = f"no branch of `next` applies in {scene.id}"
        else:
            self._follow(route, scene.id)
        return step, outcome_text

    def restore(self, state: GameState) -> None:
        """Go on from the given state (an author's warp, a test). The journal and undo start
        afresh; to resume a saved career with its journal, use `Session.replay`."""
        self.state = state.copy()
        self._journal = []
        self._history = []
        self.fault = None
        self._cache = None

    def enter(self, scene_id: str) -> None:
        """Go to a scene from the current state as a `goto` would (an author's warp): it counts a
        visit, applies its effects and milestone, and a scene without text passes straight on.
        The journal and undo start afresh, as after `restore`."""
        here = self.state.scene
        self.restore(self.state)
        self._follow(Route("goto", scene_id, None, self.story.scenes[scene_id].pos), here)

    def undo(self, steps: int = 1) -> int:
        """Step back up to `steps` choices; returns how many were undone."""
        done = 0
        while done < steps and self._history:
            self.state, self.fault = self._history.pop()
            self._journal.pop()
            done += 1
        if done:
            self._cache = None
        return done

    # -- snapshots: the session as plain JSON data and back (engine/play/snapshot.py) ------------

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to go on exactly, as plain JSON data (`json.dumps` takes it as is):
        the state, the journal and, with undo, the state the journal starts from. Like ink's
        `state.ToJson()`; `Session.resume` takes it back."""
        return snap.write(
            self.story,
            self.seed,
            self.start_state if self.keep_history else None,
            [step.to_dict() for step in self._journal],
            self.state,
            self.fault,
            self.rolls,
        )

    @classmethod
    def resume(cls, story: Story, snapshot: Any) -> Session:
        """The session a `snapshot()` was taken of, going on exactly: same state, text, choices,
        journal and undo (which comes back by replaying the journal from its start state).

        Raises `SnapshotError` for data that is damaged or inconsistent, of another story, of an
        edited version of this one, or of another snapshot format; never a session half made.
        """
        saved = snap.read(story, snapshot)
        journal = [Step(e.scene, e.choice, Roll(*e.roll) if e.roll else None) for e in saved.journal]
        if saved.start is None:
            session = cls(story, saved.seed, history=False, state=saved.state, rolls=saved.rolls)
            session._journal = journal
            session.fault = saved.fault
            return session
        session = cls(story, saved.seed, state=saved.start, rolls=saved.rolls)
        if not journal:
            session.fault = saved.fault  # why play could not go on from the start (a warp, a bug)
        for number, step in enumerate(journal, 1):
            try:
                made = session.choose(step.choice).step if session.state.scene == step.scene else None
            except ChoiceError:
                made = None
            if made != step:
                raise snap.SnapshotError(f"the snapshot's journal does not replay: step {number} differs")
        same = session.state == saved.state or (
            saved.before_strikes and session.state.legacy_dict() == saved.state.legacy_dict()
        )
        if not same or session.fault != saved.fault:
            raise snap.SnapshotError("the snapshot's journal does not lead to the state it holds")
        return session

    # -- the rules -------------------------------------------------------------------------

    def _branch(self, scene: Scene) -> Route | None:
        for branch in scene.next:
            if branch.condition is None or branch.condition.fn(self.state):
                return branch.route
        return None

    def _follow(self, route: Route, here: str) -> None:
        """Move along a route, then through any text-less scenes, until play rests somewhere."""
        state = self.state
        for _ in range(MAX_HOPS):
            kind = route.kind
            if kind == "goto":
                target = route.target
            elif kind == "call":
                if len(state.stack) >= MAX_STACK:
                    self.fault = f"detours nested more than {MAX_STACK} deep at {here}"
                    return
                target = route.target
                assert target is not None
                strike = state.calls.get(target, 0) + 1
                state.calls[target] = strike
                state.stack.append((here, route.after, strike))
            else:
                if not state.stack:
                    self.fault = f"`return` with no detour to return from, in {here}"
                    return
                caller, after, _ = state.stack.pop()
                if after is None:
                    state.scene = caller  # resume the calling scene: no new visit, no effects
                    return
                target = after
            assert target is not None
            scene = self._enter(target)
            if not scene.is_router:
                return
            nxt = self._branch(scene)
            if nxt is None:
                self.fault = f"no branch of `next` applies in {scene.id}"
                return
            route, here = nxt, scene.id
        self.fault = f"more than {MAX_HOPS} scenes without text in a row, last at {here}"

    def _start(self) -> None:
        scene = self._enter(self.story.start)
        if scene.is_router:  # the start itself may pass straight on
            route = self._branch(scene)
            if route is None:
                self.fault = f"no branch of `next` applies in {scene.id}"
            else:
                self._follow(route, scene.id)

    def _enter(self, scene_id: str) -> Scene:
        state = self.state
        scene = self.story.scenes[scene_id]
        state.scene = scene_id
        state.visits[scene_id] = state.visits.get(scene_id, 0) + 1
        if scene.effects:
            self._apply(scene.effects)
        if scene.milestone is not None:
            self._record(scene.milestone)
        return scene

    def _record(self, milestone: tpl.Template | None) -> None:
        if milestone is not None:
            self.state.milestones.append(tpl.to_plain(milestone.render(self.state)))

    def _apply(self, effects: Sequence[Effect]) -> None:
        state = self.state
        stats = state.stats
        for e in effects:
            if e.op == "flag":
                state.flags[e.target] = e.value
                continue
            d = self._stat_defs[e.target]
            # An amount's expression is a number: the loader checked it.
            amount = cast(float, e.amount.fn(state)) if isinstance(e.amount, Expr) else e.amount
            if amount is None:  # pragma: no cover - only flag effects lack an amount
                continue
            old = stats[e.target]
            if e.op == "add":
                new = old + amount
            elif e.op == "set":
                new = amount
            elif amount >= 0:  # fairmath: a share of the room left to the max
                new = old + (d.max - old) * amount / 100
            else:  # ... or to the min
                new = old + (old - d.min) * amount / 100
            if type(new) is not int:
                new = ex.round_half_away(new)
            stats[e.target] = d.min if new < d.min else d.max if new > d.max else new
