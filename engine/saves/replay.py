"""Replay a saved career step by step, through the same Session the game uses.

Opening a replay re-executes the whole journal once, checking every step against the save (the
scene, the choice, the roll, and, while the story is unchanged, a digest of the whole state) and
keeping the state after each step. After that, showing any step is a lookup plus rendering one
scene: jumping around a 1,000-step career costs well under a millisecond a jump. A step that no
longer replays is reported with its number, and the replay stops there.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.core import template as tpl
from engine.core.model import Story
from engine.play.session import Session, StepResult
from engine.play.state import GameState
from engine.saves.format import Career
from engine.saves.record import replay_step


@dataclass(frozen=True, slots=True)
class Frame:
    """The career after `index` steps (0: before the first choice)."""

    index: int
    state: GameState
    choice_label: str  # the choice made to get here ("" for the start)
    result: StepResult | None  # rolls, changes, outcome text and milestones of that step


@dataclass(frozen=True, slots=True)
class FrameView:
    """What a replay shows for one frame: the scene as the player saw it."""

    frame: Frame
    scene_title: str
    chapter_title: str
    phase: str
    text: tpl.Rendered
    next_choice: str | None  # what the player chose here, if they went on


class Replay:
    def __init__(self, story: Story, career: Career):
        self.story = story
        self.career = career
        self.problem: str | None = None
        same_story = story.fingerprint == career.fingerprint
        session = Session(story, career.seed, history=False, rolls=career.rolls)
        self.frames: list[Frame] = [Frame(0, session.state.copy(), "", None)]
        for number, record in enumerate(career.steps, 1):
            view = next((c for c in session.choices if c.id == record.choice), None)
            label = view.label if view is not None else record.choice
            replayed = replay_step(session, record, number, check_state=same_story)
            if replayed.problem is not None:
                self.problem = replayed.problem
                break
            self.frames.append(Frame(number, session.state.copy(), label, replayed.result))

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def complete(self) -> bool:
        return self.problem is None

    def view(self, index: int) -> FrameView:
        frame = self.frames[index]
        at = Session(self.story, self.career.seed, history=False, state=frame.state, rolls=self.career.rolls)
        nxt = self.frames[index + 1].choice_label if index + 1 < len(self.frames) else None
        return FrameView(frame, at.scene.title, at.chapter_title, at.phase, at.text, nxt)

    def series(self, stat: str) -> list[int]:
        """A stat's value at every frame: the chart of the career."""
        return [f.state.stats[stat] for f in self.frames]

    def saved_series(self, stat: str) -> list[int]:
        """A stat over the whole saved career, from the save alone (steps past a problem too)."""
        return [self.career.start_stats.get(stat, 0)] + [s.stats.get(stat, 0) for s in self.career.steps]

    def branch(self, index: int) -> Session:
        """A new session at frame `index`, with its undo history: "play on from here"."""
        choices = [s.choice for s in self.career.steps[:index]]
        return Session.replay(self.story, self.career.seed, choices, rolls=self.career.rolls)
