"""How a persona plays: among the open choices, those it prefers (by tag or id), else any.

Shared by the story tests and `simulate --persona`, so a persona plays the same careers in
both. Careers are seeded as the simulator seeds its own (`career_seed`), and the persona's
picks come from a stream of their own, so the career's rolls are the career's.
"""

from __future__ import annotations

from engine.author.simulate.run import MAX_STEPS, career_seed
from engine.core.model import Story
from engine.play.rng import SplitMix64, seed_state
from engine.play.session import Session

_PERSONA_SALT = 0x7E57_5EED_CAFE_D00D  # the picking stream, apart from the career's own RNG


class Persona:
    """A policy: prefer choices carrying one of `prefer`'s tags or ids, else choose at random."""

    def __init__(self, story: Story, prefer: frozenset[str]):
        self.story = story
        # (scene, choice) -> preferred, worked out once: the hot loop only looks it up.
        self.preferred = {
            (sid, c.id)
            for sid, scene in story.scenes.items()
            for c in scene.choices
            if c.id in prefer or not prefer.isdisjoint(c.tags)
        }

    def play(self, seed: int, index: int, max_steps: int = MAX_STEPS) -> Session:
        """Career `index` of a run with seed `seed`, played to its end (or until it is stuck)."""
        own = career_seed(seed, index)
        pick = SplitMix64(seed_state(own) ^ _PERSONA_SALT)
        session = Session(self.story, own, history=False)
        preferred = self.preferred
        for _ in range(max_steps):
            open_ = session.open_choices()
            if not open_:
                break
            sid = session.state.scene
            liked = [cid for cid in open_ if (sid, cid) in preferred] or open_
            session.advance(liked[pick.below(len(liked))] if len(liked) > 1 else liked[0])
        return session
