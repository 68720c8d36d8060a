"""Save store benchmarks: autosave and listing with many stored careers.

Fills a save folder with N careers of S steps each (synthetic careers: the store needs no story),
then times what the game does after every choice (an autosave of a career of S steps, fsyncs
included) and what the title and load screens do (list every save). Medians and p95 of many
runs, in this process.

    uv run python bench/bench_saves.py                  # 1,000 careers of 300 steps
    uv run python bench/bench_saves.py --careers 200 --steps 100
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import fmt_ms
from engine.play.state import GameState
from engine.saves.format import Career, StepRecord, new_id, now
from engine.saves.store import SaveStore


def career(steps: int, career_id: str | None = None) -> Career:
    stats = {
        "technique": 40,
        "artistry": 35,
        "stamina": 60,
        "confidence": 50,
        "wellbeing": 70,
        "reputation": 10,
    }
    records = tuple(
        StepRecord(
            f"chapter.scene_{i}",
            f"choice_{i}",
            {"chance": 55, "roll": i % 100, "success": i % 3 > 0},
            {k: (v + i) % 100 for k, v in stats.items()},
            f"{i:020x}",
        )
        for i in range(steps)
    )
    visits = {f"chapter.scene_{i}": 1 for i in range(steps)}
    state = GameState(
        "chapter.here", stats, {"injured": False, "national_team": True}, visits, [], 12345, steps
    )
    return Career(
        career_id or new_id(),
        "bench",
        "Bench",
        "1.0",
        "f" * 32,
        7,
        None,
        True,
        now(),
        now(),
        stats,
        records,
        state,
        "Here",
    )


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--careers", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--runs", type=int, default=100)
    args = ap.parse_args()
    store = SaveStore(Path(tempfile.mkdtemp(prefix="pe-saves-")))
    t = time.perf_counter()
    template = career(args.steps)
    for _ in range(args.careers):
        store.save(career(args.steps))
    fill = time.perf_counter() - t
    mine = template
    autosaves = []
    for i in range(args.runs):
        mine = career(args.steps + i + 1, template.id)
        t = time.perf_counter()
        store.save(mine)
        autosaves.append(time.perf_counter() - t)
    listings = []
    for _ in range(max(10, args.runs // 5)):
        t = time.perf_counter()
        found = store.list()
        listings.append(time.perf_counter() - t)
    assert len(found) == args.careers + 1
    size = sum(p.stat().st_size for p in store.careers_dir.glob("*.json")) / 1e6
    print(f"{args.careers:,} careers of {args.steps} steps ({size:.0f} MB, filled in {fill:.0f} s):")
    print(
        f"  autosave of a {args.steps}-step career: median {fmt_ms(statistics.median(autosaves))},"
        f" p95 {fmt_ms(p95(autosaves))}  [{args.runs} runs]"
    )
    print(f"  list every save: median {fmt_ms(statistics.median(listings))}, p95 {fmt_ms(p95(listings))}")


if __name__ == "__main__":
    main()
