"""From a playing Session to a saved Career, and from a Career back to a Session.

Saving records, for every step, the stats after it and a digest of the whole state after it.
Resuming replays the journal from the seed through the same rules, so the player's undo history
comes back too, and checks each step on the way: a step whose scene or choice no longer exists
in the story (it was edited since) is reported at its exact number, and a step whose state
differs from the saved one is reported rather than hidden.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.core.model import Story
from engine.play.session import ChoiceError, Session, Step, StepResult
from engine.saves.format import Career, StepRecord, digest, legacy_digest, new_id, now


class Recorder:
    """Turns one run of play into Careers, digesting each step's state only once."""

    def __init__(
        self,
        session: Session,
        career_id: str | None = None,
        created: str | None = None,
        played: int = 0,
    ):
        if not session.keep_history:
            raise ValueError("recording needs a session with history")
        self.session = session
        self.id = career_id or new_id()
        self.created = created or now()
        self.played_before = played  # seconds of earlier sittings (a career resumed from a save)
        self._since = time.monotonic()
        self._done: list[tuple[Step, StepRecord]] = []  # keyed by the Step object itself

    @classmethod
    def going_on(cls, session: Session, career: Career, *, as_new: bool = False) -> Recorder:
        """A recorder for `session`, resumed from the saved `career`: the same career (its id and
        creation time), or with `as_new` a new career going on from it (a named save loaded, a
        career whose story changed). Either way its play time goes on from the save's."""
        if as_new:
            return cls(session, played=career.played)
        return cls(session, career.id, career.created, played=career.played)

    def records(self) -> tuple[StepRecord, ...]:
        journal, trail = self.session.journal, self.session.trail
        done = self._done
        for i, (step, state) in enumerate(zip(journal, trail, strict=True)):
            if i < len(done) and done[i][0] is step:
                continue
            del done[i:]  # an undo, then other choices: recompute from here
            roll = step.roll.to_dict() if step.roll else None
            done.append((step, StepRecord(step.scene, step.choice, roll, dict(state.stats), digest(state))))
        del done[len(journal) :]
        return tuple(record for _, record in done)

    def career(self, *, slot: str | None = None, autosave: bool = True) -> Career:
        """The career so far: as this run's autosave, or as a new named save (a new id)."""
        s = self.session
        story = s.story
        ending = None
        if s.ended and s.ending is not None:
            ending = {"scene": s.state.scene, "title": s.ending.title, "tone": s.ending.tone}
        return Career(
            id=self.id if autosave else new_id(),
            story_id=story.id,
            story_title=story.title,
            story_version=story.version,
            fingerprint=story.fingerprint,
            seed=s.seed,
            slot=None if autosave else slot,
            autosave=autosave,
            created=self.created if autosave else now(),
            updated=now(),
            start_stats=dict(s.start_state.stats),
            steps=self.records(),
            state=s.state.copy(),
            scene_title=s.scene.title,
            ending=ending,
            rolls=s.rolls,
            chapter_title=s.chapter_title,
            played=self.played_before + int(time.monotonic() - self._since),
        )


@dataclass(frozen=True, slots=True)
class Resumed:
    session: Session  # at the saved step, or at the last step that still holds
    valid_steps: int  # how many saved steps were replayed
    problem: str | None  # why the replay stopped early, or None when every step held

    @property
    def complete(self) -> bool:
        return self.problem is None


def resume(story: Story, career: Career) -> Resumed:
    """Replay a saved career on `story` (the story as it is now)."""
    same_story = story.fingerprint == career.fingerprint
    session = Session(story, career.seed, rolls=career.rolls)
    for number, record in enumerate(career.steps, 1):
        problem = replay_step(session, record, number, check_state=same_story).problem
        if problem is not None:
            if len(session.journal) == number:  # the step was made but did not match: undo it
                session.undo()
            return Resumed(session, number - 1, problem)
    return Resumed(session, len(career.steps), None)


def replay_step(session: Session, record: StepRecord, number: int, *, check_state: bool) -> Replayed:
    """Make one saved step in the session, checking it against the save."""
    if record.scene not in session.story.scenes:
        return Replayed(None, f"step {number}: the scene “{record.scene}” is no longer in the story")
    if session.state.scene != record.scene:
        here = session.scene.title
        return Replayed(None, f"step {number}: the story now leads to “{here}” instead of “{record.scene}”")
    try:
        result = session.choose(record.choice)
    except ChoiceError as err:
        return Replayed(
            None, f"step {number}: in “{session.scene.title}”, the choice “{record.choice}” is gone ({err})"
        )
    roll = result.step.roll.to_dict() if result.step.roll else None
    if roll != record.roll:
        return Replayed(result, f"step {number}: the roll came out differently than when it was saved")
    # A save made before detours counted their strikes digested the older form of the state.
    if check_state and digest(session.state) != record.digest != legacy_digest(session.state):
        return Replayed(result, f"step {number}: the game state differs from the one saved")
    return Replayed(result, None)


@dataclass(frozen=True, slots=True)
class Replayed:
    result: StepResult | None  # the step as made now (None when it could not be made)
    problem: str | None  # None when it held
