"""Runtime benchmarks: one step of play, and one condition.

A step is what the game does when the player picks a choice: `choose()` (effects, the roll if
any, moving on) and then rendering the next scene's text and its choices, as every front end
does. It is timed with undo history on, as in the game. Choices are picked by a seeded RNG
among the open ones; the median over all steps of many careers is reported.

A condition is the compiled closure of `technique >= 60 and not injured`, and of the plain
`technique >= 60`, evaluated against a game state.

    uv run python bench/bench_runtime.py
    uv run python bench/bench_runtime.py --scenes 1000 --careers 400
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import fmt_us, median
from engine.author.check import load_checked
from engine.core import expr as ex
from engine.play.rng import SplitMix64
from engine.play.session import Session
from engine.play.state import GameState
from gen_story import generate


def step_times(story, careers: int) -> list[float]:  # type: ignore[no-untyped-def]
    times: list[float] = []
    perf = time.perf_counter
    for seed in range(careers):
        session = Session(story, seed)
        pick = SplitMix64(seed + 1)
        while not session.ended and not session.stuck:
            open_ = [c for c in session.choices if not c.locked]
            cid = open_[pick.below(len(open_))].id
            t = perf()
            session.choose(cid)
            session.text  # noqa: B018 - rendering the next scene is part of a step
            session.choices  # noqa: B018
            times.append(perf() - t)
    return times


def condition_time(source: str, runs: int = 200_000) -> float:
    scope = ex.Scope(stats={"technique": 0}, flags={"injured": False}, resolve_scene=lambda r: None)
    fn = ex.compile_node(ex.parse(source), scope)
    state = GameState("x", {"technique": 64}, {"injured": False}, {}, [], 0)
    best = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(runs):
            fn(state)
        best.append((time.perf_counter() - t) / runs)
    return median(best)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=1000)
    ap.add_argument("--careers", type=int, default=300)
    args = ap.parse_args()
    folder = generate(args.scenes, Path(tempfile.mkdtemp(prefix="pe-bench-")) / "story")
    story = load_checked(folder, cache=False).story
    assert story is not None
    times = step_times(story, args.careers)
    times.sort()
    p90 = times[int(len(times) * 0.9)]
    print(
        f"step (choose + effects + render next scene), {args.scenes}-scene story: "
        f"median {fmt_us(median(times))}, p90 {fmt_us(p90)} over {len(times):,} steps"
    )
    for source in ("technique >= 60", "technique >= 60 and not injured"):
        print(f"condition `{source}`: median {fmt_us(condition_time(source))}")


if __name__ == "__main__":
    main()
