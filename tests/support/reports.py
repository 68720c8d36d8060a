"""Simulated careers of a bundled story, played once per test run and shared by every worker.

Several gates read the same 2,000 random careers of a career (tests/careers: coverage, endings,
choices per career, reachable facts, words and rolls per career, the seed's endings). Playing
them takes 5-7 s a story, and pytest-xdist runs those gates on both workers, each with its own
memory. So the first worker to ask plays them under a file lock and pickles the report in the
run's shared temporary folder, and every other asker reads it (the pattern pytest-xdist's
documentation gives for session-scoped data). A run without xdist keeps it in memory all the
same.
"""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path

from filelock import FileLock

from engine.author.simulate.run import Report, simulate
from tests.support.stories import story

#: Random careers a gate reads, and their first seed: the same figures `simulate --runs 2000`
#: prints for the story.
RANDOM_CAREERS = 2000
SEED = 1

_shared: Path | None = None


def share_in(folder: Path) -> None:
    """Where the workers of this run keep reports (set once, by tests/careers/conftest.py)."""
    global _shared
    _shared = folder
    folder.mkdir(parents=True, exist_ok=True)


@cache
def report(career: str, strategy: str = "random", runs: int = RANDOM_CAREERS) -> Report:
    """`simulate(career, runs, seed=1, strategy)`, played once per test run."""
    if _shared is None:
        return simulate(story(career), runs, seed=SEED, strategy=strategy)
    path = _shared / f"{career}-{strategy}-{runs}-{SEED}.pickle"
    with FileLock(path.with_suffix(".lock")):
        if path.is_file():
            loaded: Report = pickle.loads(path.read_bytes())
            return loaded
        made = simulate(story(career), runs, seed=SEED, strategy=strategy)
        path.with_suffix(".tmp").write_bytes(pickle.dumps(made))
        path.with_suffix(".tmp").replace(path)
        return made
