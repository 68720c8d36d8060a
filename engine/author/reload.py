"""Live reload: carry the career being played over to a new version of its story.

The author saves a file and wants to stay where they are. So the career stays at the same scene
with the same state whenever that scene still exists; otherwise its journal is replayed on the
new version and play stops at the last step that still holds, nearest to where it was. A career
with no choice made yet simply starts again, so a new start value shows at once.

Whether the career can still be saved depends on whether it still replays. When every step
replays on the new version to the same state (text edits, or changes to scenes not played yet),
the replayed session takes over with its journal and undo, and autosave goes on. When an
earlier step now plays differently, the state is kept as it was (as asked) but no longer follows
from the journal: undo starts again from here and the run is treated like a warp, not saved. A
warped run replays from where it was warped to, and stays a warped run.

Where a pending `return` leads is not part of that comparison: it is still to come. An author
who edits the `goto` beside a `call` while inside that detour gets the new target, from the
replayed career (or, in a kept state, from the replay's detours when they are the same ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.core.model import Story
from engine.play.session import ChoiceError, Session, Step
from engine.play.state import GameState

SAME, KEPT, BACK, RESTART = "same", "kept", "back", "restart"


@dataclass(frozen=True, slots=True)
class Reloaded:
    session: Session  # the career on the new version of the story
    outcome: str  # same: same scene and state, journal kept | kept: same scene and state, undo
    # starts afresh | back: the scene is gone, replayed up to the last step that holds |
    # restart: no choice was made yet, so the career simply starts again on the new version
    warped: bool  # the run no longer replays from the start of the story: it is not saved
    message: str  # what happened, in words: "same scene, same state"
    steps: int  # the choices in the new session's journal


def problem(state: GameState, story: Story) -> str | None:
    """Why play cannot rest at `state` in this version of the story, or None when it can."""
    scene = story.scenes.get(state.scene)
    if scene is None:
        return f"scene “{state.scene}” no longer exists"
    if scene.is_router:
        return f"scene “{state.scene}” has no text now, so play passes straight through it"
    for caller, after, _ in state.stack:
        for sid in (caller, after):
            if sid is not None and sid not in story.scenes:
                return f"scene “{sid}”, where the detour you are in leads back, no longer exists"
    return None


def carry(state: GameState, story: Story) -> GameState:
    """`state` on the new version: stats and flags it no longer has are dropped, new ones start
    at their start values, values are kept within each stat's range, visits to removed scenes
    are forgotten, and so are once-only choices taken that are no longer once-only choices. Call
    only when `problem` is None."""
    stats = {s.id: min(s.max, max(s.min, state.stats.get(s.id, s.start))) for s in story.stats}
    flags = {f.id: state.flags.get(f.id, False) for f in story.flags}
    visits = {sid: n for sid, n in state.visits.items() if sid in story.scenes}
    calls = {sid: n for sid, n in state.calls.items() if sid in story.scenes}
    taken = {key: n for key, n in state.taken.items() if _once_choice(story, key)}
    stack, milestones = list(state.stack), list(state.milestones)
    return GameState(
        state.scene, stats, flags, visits, stack, state.rng, state.turn, milestones, calls, taken
    )


def _once_choice(story: Story, key: str) -> bool:
    """Whether "scene_id/choice_id" (a key of `GameState.taken`) is a once-only choice still."""
    sid, _, cid = key.partition("/")
    scene = story.scenes.get(sid)
    return scene is not None and any(c.id == cid and c.once for c in scene.choices)


def reload_session(old: Session, story: Story, *, warped: bool = False) -> Reloaded:
    """The career of `old` on `story`, a new version of its story (see the module's docstring)."""
    journal = old.journal
    trail = old.trail if journal else ()
    start = old.start_state
    origin = carry(start, story) if warped and problem(start, story) is None else None
    replayed = Session(story, old.seed, state=origin, rolls=old.rolls)  # no origin: from the start
    held, changed = _replay(replayed, story, journal, (start, *trail))
    n = len(journal)
    if changed is not None and not n and not warped:
        return Reloaded(replayed, RESTART, False, "no choice made yet, so the career starts again", 0)
    trouble = problem(old.state, story)
    if trouble is None:
        if held == n and changed is None:
            return Reloaded(replayed, SAME, warped, "same scene, same state", n)
        state = carry(old.state, story)
        if held == n and _same_callers(replayed.state, state):  # a pending `return` goes where it now says
            state.stack = [
                (caller, after, strike)
                for (caller, after, _), (_, _, strike) in zip(replayed.state.stack, state.stack, strict=True)
            ]
        kept = Session(story, old.seed, state=state, rolls=old.rolls)
        where = "the start" if not changed else f"step {changed}"
        return Reloaded(
            kept,
            KEPT,
            True,
            f"same scene, same state; {where} now plays differently, so undo starts again from here",
            0,
        )
    title = replayed.scene.title
    if held == n and n:
        message = f"{trouble}; replaying your {n} choice{'s' * (n != 1)} now leads to “{title}”"
    elif held == 0:
        message = f"back to the start, “{title}”: {trouble}"
    else:
        message = f"back to step {held}, “{title}”: {trouble}"
    return Reloaded(replayed, BACK, warped, message, held)


def _replay(
    session: Session, story: Story, journal: Sequence[Step], before: Sequence[GameState]
) -> tuple[int, int | None]:
    """Make the journal's steps while they can be made. Returns how many were made, and the
    first step (0: the start) whose state differs from the old one, or None if none does."""
    changed = None if _same(session.state, before[0], story) else 0
    held = 0
    for number, step in enumerate(journal, 1):
        if session.state.scene != step.scene:
            break
        try:
            session.choose(step.choice)
        except ChoiceError:
            break
        held = number
        if changed is None and not _same(session.state, before[number], story):
            changed = number
    if held < len(journal) and changed is None:
        changed = held + 1
    return held, changed


def _same_callers(new: GameState, old: GameState) -> bool:
    """Whether two states are inside the same detours, called from the same scenes."""
    return [(caller, strike) for caller, _, strike in new.stack] == [
        (caller, strike) for caller, _, strike in old.stack
    ]


def _same(new: GameState, old: GameState, story: Story) -> bool:
    """Whether `new` is `old` carried over; milestones aside, whose wording an author may edit,
    and where a pending `return` leads: an edited `goto` beside a `call` is a change to what is
    still to come, which the replayed career takes up, not to a step already played."""
    if problem(old, story) is not None:
        return False
    old = carry(old, story)
    return _same_callers(new, old) and (
        new.scene,
        new.stats,
        new.flags,
        new.visits,
        new.rng,
        new.turn,
        new.calls,
    ) == (old.scene, old.stats, old.flags, old.visits, old.rng, old.turn, old.calls)
