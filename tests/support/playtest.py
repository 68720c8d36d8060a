"""Seeded random play through `Session`, for the tests (the simulator's little sibling)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from engine.core.model import Story
from engine.play.rng import SplitMix64
from engine.play.session import Session

MAX_STEPS = 2_000


@dataclass
class Career:
    seed: int
    ending: str | None
    steps: int  # every step, "Continue" included
    choices: int  # real choices only: steps where two or more choices were open
    stuck: str | None
    visited: set[str]


@dataclass
class Survey:
    careers: list[Career] = field(default_factory=list)

    @property
    def endings(self) -> Counter[str]:
        return Counter(c.ending for c in self.careers if c.ending)

    @property
    def visited(self) -> set[str]:
        out: set[str] = set()
        for c in self.careers:
            out |= c.visited
        return out

    @property
    def stuck(self) -> list[Career]:
        return [c for c in self.careers if c.stuck or c.ending is None]

    @property
    def mean_choices(self) -> float:
        return sum(c.choices for c in self.careers) / len(self.careers)


def play_random(story: Story, seed: int) -> Career:
    """One career with choices picked uniformly among the open ones by a seeded RNG."""
    session = Session(story, seed, history=False)
    pick = SplitMix64(seed ^ 0xC0FFEE)
    steps = choices = 0
    # open_choices and advance apply the rules of choices and choose without rendering text:
    # the same careers, several times faster (the simulator plays the same way).
    while not session.ended and not session.stuck and steps < MAX_STEPS:
        open_ = session.open_choices()
        cid = open_[pick.below(len(open_))]
        if len(open_) > 1:  # a lone choice (or a "Continue") decides nothing
            choices += 1
        session.advance(cid)
        steps += 1
    stuck = session.stuck or (None if session.ended else f"no ending after {MAX_STEPS} steps")
    ending = session.state.scene if session.ended else None
    return Career(seed, ending, steps, choices, stuck, set(session.state.visits))


def survey(story: Story, careers: int, first_seed: int = 1) -> Survey:
    return Survey([play_random(story, first_seed + i) for i in range(careers)])
