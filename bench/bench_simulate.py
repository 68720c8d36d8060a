"""Simulator benchmarks: careers a second, steps a second, and coverage by strategy.

Throughput is measured on the bench story shape (gen_story.py) with `simulate()` itself, one
process, random strategy: the same `Session` rules the game plays by, and the report's whole
bookkeeping included. Each figure is the median of several runs in this process, after one
warm-up run; loading the story is outside the timed part.

- careers/s on a 100-scene story (a career is about 19 choices);
- steps/s on a 10,000-scene story (a career is about 199 choices);
- the same with `Session.choose()` in place of `Session.advance()`, i.e. describing every
  step's changes and rendering outcome text as the game does (what the simulator first did);
- `--jobs 2` on the 100-scene story, for the gain from a second process.

Coverage: for each bundled career, how many careers each strategy needed before every scene
was visited and every choice taken, median over several seeds.

    uv run python bench/bench_simulate.py
    uv run python bench/bench_simulate.py --repeats 9 --coverage-seeds 9
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import median
from engine.author.check import load_checked
from engine.author.simulate.run import simulate
from engine.author.simulate.summary import Summary
from engine.core.model import Story
from engine.play.session import Session
from gen_story import generate

TARGETS = {"careers": 3_800, "steps": 37_000}  # careers/s at 100 scenes, steps/s at 10,000


def throughput(story: Story, runs: int, repeats: int, jobs: int = 1) -> tuple[float, float]:
    """Median careers/s and steps/s of `repeats` timed runs (after a warm-up run)."""
    simulate(story, max(1, runs // 10), 99, jobs=jobs)
    careers, steps = [], []
    for seed in range(1, repeats + 1):
        t = time.perf_counter()
        report = simulate(story, runs, seed, jobs=jobs)
        dt = time.perf_counter() - t
        careers.append(report.careers / dt)
        steps.append(report.steps / dt)
    return median(careers), median(steps)


@contextlib.contextmanager
def describing_every_step() -> Iterator[None]:
    """Play with `choose()` (stat changes listed, outcome text rendered) instead of `advance()`."""
    original = Session.advance
    Session.advance = lambda self, cid: self.choose(cid)  # type: ignore[method-assign, assignment, return-value]
    try:
        yield
    finally:
        Session.advance = original  # type: ignore[method-assign]


def careers_to_full_coverage(story: Story, strategy: str, seeds: int, cap: int) -> list[int | None]:
    """For each seed, the careers it took to visit every scene and take every choice (None: not
    within `cap` careers)."""
    out: list[int | None] = []
    for seed in range(1, seeds + 1):
        coverage = Summary(story, simulate(story, cap, seed, strategy)).coverage()
        a, b = coverage["scenes"]["full_after"], coverage["choices"]["full_after"]
        out.append(None if a is None or b is None else max(a, b))
    return out


def _median_or_none(values: list[int | None]) -> str:
    known = sorted(v if v is not None else 10**9 for v in values)
    mid = statistics.median_low(known)
    return "not reached" if mid >= 10**9 else f"{mid:,}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per figure (median)")
    ap.add_argument("--careers", type=int, default=5_000, help="careers per run on the 100-scene story")
    ap.add_argument("--big-careers", type=int, default=300, help="careers per run on the 10,000-scene story")
    ap.add_argument("--coverage-seeds", type=int, default=7, help="seeds per strategy for coverage")
    ap.add_argument("--coverage-cap", type=int, default=3_000, help="careers per coverage run")
    ap.add_argument("--skip-big", action="store_true", help="skip the 10,000-scene story")
    ap.add_argument("--skip-coverage", action="store_true", help="skip the bundled careers' coverage")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        small = load_checked(generate(100, Path(tmp) / "s100"), cache=False).story
        assert small is not None
        per_s, steps_s = throughput(small, args.careers, args.repeats)
        print(f"100 scenes: {per_s:,.0f} careers/s ({steps_s:,.0f} steps/s)  target {TARGETS['careers']:,}")
        with describing_every_step():
            per_s, _ = throughput(small, args.careers, args.repeats)
        print(f"100 scenes, describing every step (choose): {per_s:,.0f} careers/s")
        per_s, _ = throughput(small, args.careers * 4, args.repeats, jobs=2)
        print(f"100 scenes, --jobs 2: {per_s:,.0f} careers/s")
        if not args.skip_big:
            big = load_checked(generate(10_000, Path(tmp) / "s10k"), cache=False).story
            assert big is not None
            per_s, steps_s = throughput(big, args.big_careers, args.repeats)
            print(
                f"10,000 scenes: {steps_s:,.0f} steps/s ({per_s:,.0f} careers/s)  target {TARGETS['steps']:,}"
            )
            with describing_every_step():
                _, steps_s = throughput(big, args.big_careers, args.repeats)
            print(f"10,000 scenes, describing every step (choose): {steps_s:,.0f} steps/s")

    if args.skip_coverage:
        return
    print(f"careers to full coverage (median of {args.coverage_seeds} seeds; cap {args.coverage_cap:,}):")
    for name in ("demo", "magdalena", "halima", "bozena"):
        story = load_checked(name).story
        assert story is not None
        found = {
            strategy: careers_to_full_coverage(story, strategy, args.coverage_seeds, args.coverage_cap)
            for strategy in ("random", "explore")
        }
        random, explore = _median_or_none(found["random"]), _median_or_none(found["explore"])
        print(
            f"  {name:<10} random {random:>11}   explore {explore:>6}"
            f"   (random {found['random']}, explore {found['explore']})"
        )


if __name__ == "__main__":
    main()
