"""The terminal app: start-up, a choice to the next frame, and memory after a long career.

- Start-up: `python main.py` is started in a pseudo-terminal (a real terminal for Textual) with
  POINTE_EDGE_FIRST_FRAME_FILE set: right after its first frame is drawn, the app writes the
  time into that file and exits. The figure is that time minus the moment the process was
  spawned. Median of several runs, with the parse cache warm as it is for a player.
- A choice to the next frame: headless, the time from `choose()` to the next frame (the new
  scene laid out, rendered, and handed to Textual's driver), over the demo's path, many times.
- Memory: the peak resident set size of a fresh process that opens the app and plays a 300-step
  career in it (interpreter, Textual and every bundled story included).

    uv run python bench/bench_tui.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, fmt_ms, in_fresh_process, peak_rss_mb
from bench_replay import STORY
from engine.play.rng import SplitMix64
from engine.tui.app import FIRST_FRAME_ENV, PointeEdgeApp
from engine.tui.settings import Settings

_PYCACHE = Path(tempfile.gettempdir()) / "pointe-edge-bench-pycache"

#: What is started for the game's first frame, and for the bare Textual app it is measured against.
GAME, BARE = ["main.py"], ["bench/bare_app.py"]


def first_frames(runs: int) -> tuple[list[float], list[float]]:
    """The game's start-up and the bare Textual app's, launched in turn, run by run (so that
    whatever else the machine does falls on both alike): `first_frame` of each."""
    game: list[float] = []
    bare: list[float] = []
    first_frame(1, script=GAME, warm_up=False)  # warms the parse cache and the OS's file cache
    first_frame(1, script=BARE, warm_up=False)
    for _ in range(runs):
        game += first_frame(1, script=GAME, warm_up=False)
        bare += first_frame(1, script=BARE, warm_up=False)
    return game, bare


def first_frame(runs: int, *, script: list[str] = GAME, warm_up: bool = True) -> list[float]:
    """Wall-clock seconds from spawning `python main.py` (or `script`) in a pseudo-terminal to
    its first frame (after one run more, not counted, that warms the parse cache and the OS's
    file cache)."""
    times = []
    stamp = Path(tempfile.mkdtemp()) / "first-frame"
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        FIRST_FRAME_ENV: str(stamp),
        "POINTE_EDGE_SAVES": tempfile.mkdtemp(),
        "TERM": "xterm-256color",
        # Compiled modules are kept, as a player's Python keeps them, but out of the checkout.
        "PYTHONPYCACHEPREFIX": str(_PYCACHE),
    }
    for _ in range(runs + warm_up):
        stamp.unlink(missing_ok=True)
        spawned = time.time()
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, *script], env)
        while True:  # drain the terminal so the app never blocks on a full pty buffer
            ready, _, _ = select.select([fd], [], [], 5)
            if not ready:
                break
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        assert os.waitstatus_to_exitcode(status) == 0, status
        times.append(float(stamp.read_text()) - spawned)
    return times[1:] if warm_up else times


async def choice_frames(rounds: int) -> list[float]:
    """Seconds from `choose()` to the next frame Textual hands to its driver."""
    times: list[float] = []
    path = ["drill_salchow", "evening_session", "save_legs", "double_salchow"]
    for _ in range(rounds):
        app = PointeEdgeApp(
            start_story="demo", seed=5, saves_dir=tempfile.mkdtemp(), settings=Settings(reveal="off")
        )
        frame = asyncio.Event()
        display = app._display

        def spy(screen, renderable, display=display, frame=frame):  # type: ignore[no-untyped-def]
            if renderable is not None:
                frame.set()
            display(screen, renderable)

        app._display = spy  # type: ignore[method-assign]
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for cid in path:
                frame.clear()
                t = time.perf_counter()
                app.screen.choose(cid)  # type: ignore[attr-defined]
                await frame.wait()
                times.append(time.perf_counter() - t)
                await pilot.pause()
    return times


async def long_career(steps: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="pe-tui-")) / "loop"
    folder.mkdir()
    for name, text in STORY.items():
        (folder / name).write_text(text)
    app = PointeEdgeApp(
        start_story=str(folder), seed=1, saves_dir=tempfile.mkdtemp(), settings=Settings(reveal="off")
    )
    pick = SplitMix64(3)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(steps):
            screen = app.screen
            open_ = [c for c in screen.session.choices if not c.locked]  # type: ignore[attr-defined]
            screen.choose(open_[pick.below(len(open_))].id)  # type: ignore[attr-defined]
            await pilot.pause()
        assert len(app.screen.session.journal) == steps  # type: ignore[attr-defined]
    return peak_rss_mb()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    starts, bare = first_frames(args.runs)
    print(
        f"process start to first frame: median {fmt_ms(statistics.median(starts))},"
        f" min {fmt_ms(min(starts))}, max {fmt_ms(max(starts))}  [{args.runs} runs]"
    )
    print(
        f"a bare Textual app, in turn with it: median {fmt_ms(statistics.median(bare))},"
        f" min {fmt_ms(min(bare))}, max {fmt_ms(max(bare))};"
        f" the game / the bare app: {statistics.median(starts) / statistics.median(bare):.2f}x"
        f"  [load average {os.getloadavg()[0]:.2f}]"
    )
    frames = asyncio.run(choice_frames(5))
    frames.sort()
    print(
        f"a choice to the next frame: median {fmt_ms(statistics.median(frames))},"
        f" p90 {fmt_ms(frames[int(len(frames) * 0.9)])}, max {fmt_ms(frames[-1])}  [{len(frames)} choices]"
    )
    probe = (
        "import asyncio, sys; sys.path.insert(0, 'bench'); import json; from bench_tui import long_career; "
        f"print(json.dumps({{'rss': asyncio.run(long_career({args.steps}))}}))"
    )
    rss = in_fresh_process(probe, {**os.environ, "TEXTUAL_ANIMATIONS": "none"})["rss"]
    print(f"peak memory of a fresh process that plays a {args.steps}-step career in the app: {rss:.0f} MB")


if __name__ == "__main__":
    main()
