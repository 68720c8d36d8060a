"""Replay benchmark: open a 1,000-step career and jump around it.

A small looping story (a training week repeated, with a chance roll each time) is played for N
steps with seeded choices, saved, and replayed: opening the replay re-executes and verifies the
whole journal once; a jump shows any step (its scene text rendered as the player saw it).

    uv run python bench/bench_replay.py            # 1,000 steps
    uv run python bench/bench_replay.py --steps 3000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import fmt_ms, fmt_us
from engine.author.check import load_checked
from engine.play.rng import SplitMix64
from engine.play.session import Session
from engine.saves.record import Recorder
from engine.saves.replay import Replay

STORY = {
    "story.yaml": """id: loop
title: Loop
start: week.monday
stats:
  technique: {start: 30}
  stamina: {start: 60}
flags: [tired]
""",
    "week.yaml": """chapter: week
scenes:
  monday:
    text: |
      Monday. Technique {technique}, stamina {stamina}.
      {if tired then "You are tired." else "You are fresh."}
    choices:
      - text: Drill jumps
        chance: technique + 20
        success: {effects: {technique: +3, stamina: -4}, goto: friday}
        failure: {effects: {stamina: -6, set: [tired]}, goto: friday}
      - text: Run the program
        effects: {technique: "%+5", stamina: -3}
        goto: friday
      - text: Rest
        if: stamina < 70
        effects: {stamina: +15, clear: [tired]}
        goto: friday
  friday:
    text: Friday. The week is done, and technique reads {technique}.
    effects: {stamina: +2}
    next: monday
""",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1000)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pe-replay-"))
    for name, text in STORY.items():
        (folder / name).write_text(text)
    result = load_checked(folder, cache=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    story = result.story
    recorder = Recorder(Session(story, 1))
    pick = SplitMix64(99)
    for _ in range(args.steps):
        open_ = [c for c in recorder.session.choices if not c.locked]
        recorder.session.choose(open_[pick.below(len(open_))].id)
    career = recorder.career()
    opens = []
    for _ in range(5):
        t = time.perf_counter()
        replay = Replay(story, career)
        opens.append(time.perf_counter() - t)
    assert replay.complete and len(replay) == args.steps + 1
    jumps = []
    rng = SplitMix64(7)
    for _ in range(500):
        index = rng.below(len(replay))
        t = time.perf_counter()
        replay.view(index)
        jumps.append(time.perf_counter() - t)
    print(
        f"a {args.steps:,}-step career: open the replay (re-execute and verify every step) median"
        f" {fmt_ms(statistics.median(opens))}; jump to any step median {fmt_us(statistics.median(jumps))},"
        f" max {fmt_us(max(jumps))}"
    )


if __name__ == "__main__":
    main()
