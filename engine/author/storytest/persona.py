"""How a persona plays: a choice it names by id when one is open, else one carrying a tag it
prefers, else any.

Ids come before tags because a player who pursues an ending leans one way in general and
decides the forks that matter by name: a persona that prefers `family` and `stay_in_moscow`
stays in Moscow even where going home is also a `family` choice.

Shared by the story tests and `simulate --persona`, so a persona plays the same careers in
both. Careers are seeded as the simulator seeds its own (`career_seed`), and the persona's
picks come from a stream of their own, so the career's rolls are the career's.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.author.simulate.run import MAX_STEPS, career_seed
from engine.core.model import Story
from engine.play.rng import SplitMix64, seed_state
from engine.play.session import Session

_PERSONA_SALT = 0x7E57_5EED_CAFE_D00D  # the picking stream, apart from the career's own RNG


class Persona:
    """A policy: take a choice `prefer` names by id if one is open, else one carrying one of its
    tags, else any; at random among equals."""

    def __init__(self, story: Story, prefer: frozenset[str]):
        self.story = story
        # (scene, choice) pairs, worked out once: the hot loop only looks them up.
        self.named = {
            (sid, c.id) for sid, scene in story.scenes.items() for c in scene.choices if c.id in prefer
        }
        self.preferred = self.named | {
            (sid, c.id)
            for sid, scene in story.scenes.items()
            for c in scene.choices
            if not prefer.isdisjoint(c.tags)
        }

    def liked(self, scene: str, open_: Sequence[str]) -> Sequence[str]:
        """The open choices this persona would pick among at `scene`."""
        return (
            [cid for cid in open_ if (scene, cid) in self.named]
            or [cid for cid in open_ if (scene, cid) in self.preferred]
            or open_
        )

    def play(self, seed: int, index: int, max_steps: int = MAX_STEPS) -> Session:
        """Career `index` of a run with seed `seed`, played to its end (or until it is stuck)."""
        own = career_seed(seed, index)
        pick = SplitMix64(seed_state(own) ^ _PERSONA_SALT)
        session = Session(self.story, own, history=False)
        for _ in range(max_steps):
            open_ = session.open_choices()
            if not open_:
                break
            liked = self.liked(session.state.scene, open_)
            session.advance(liked[pick.below(len(liked))] if len(liked) > 1 else liked[0])
        return session
