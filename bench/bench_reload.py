"""Live reload in author mode: from saving a story file to the new text on the screen.

The app runs headless in author mode on a copy of a bundled story, with the watcher's default
interval, a career a few choices in. Each run adds a word to the current scene's title, writes
the file, and times until the play screen shows the new title: the
watcher's polling and settling, loading the story off the UI thread (the changed file parsed,
the others from the cache), carrying the career over, and redrawing the screen. The median and
the slowest of the runs are printed, for each story.

With `--memory`, the same edits are made many times (200 by default) with a fast watcher, and
what the process holds afterwards is printed: resident memory, the objects the cyclic collector
tracks after a full collection, and the objects frozen out of its view. Live reload must not
grow these without bound: an author keeps the game open all day.

    uv run python bench/bench_reload.py
    uv run python bench/bench_reload.py --runs 5 --story demo
    uv run python bench/bench_reload.py --memory --runs 200 --story magdalena
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _common import ROOT, fmt_ms
from engine.tui.app import PointeEdgeApp
from engine.tui.screens.play import PlayScreen
from engine.tui.settings import Settings

CHOICES = 3  # made before the first save, so the reload carries a journal over


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux; 0 where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def held() -> dict[str, float]:
    gc.collect()
    return {"rss_mb": rss_mb(), "tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count()}


async def latencies(
    story: str, runs: int, interval: float = 0.2, memory: dict[str, dict[str, float]] | None = None
) -> list[float]:
    """Seconds from each save to the frame that shows it (and, given `memory`, what the process
    holds before the first save and after the last)."""
    folder = Path(tempfile.mkdtemp()) / story
    shutil.copytree(ROOT / "stories" / story, folder)
    app = PointeEdgeApp(
        start_story=str(folder),
        saves_dir=folder.parent / "saves",
        seed=1,
        settings=Settings(reveal="off"),
        saving=False,
        author=True,
        watch_interval=interval,
    )
    times: list[float] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.pop_screen()  # from the map to the game
        for _ in range(CHOICES):
            screen = app.screen
            assert isinstance(screen, PlayScreen)
            screen.choose(next(c.id for c in screen.session.choices if not c.locked))
        await pilot.pause()
        if memory is not None:
            memory["before"] = held()
        for run in range(runs):
            screen = app.screen
            assert isinstance(screen, PlayScreen)
            scene = screen.session.scene
            path = Path(scene.pos.file)
            path = path if path.is_absolute() else Path.cwd() / path
            text = path.read_text(encoding="utf-8")
            old, new = f"title: {scene.title}\n", f"title: {scene.title} {run}\n"
            if old not in text:
                raise SystemExit(f"cannot find the title of {scene.id} in {path}")
            path.write_text(text.replace(old, new, 1), encoding="utf-8")  # an edit made all day
            saved = time.perf_counter()
            while str(app.screen.query_one("#scene-title").render()) != f"{scene.title} {run}":
                if time.perf_counter() - saved > 5:
                    raise SystemExit(f"no reload 5 s after saving {path.name}")
                await pilot.pause(0.005)
            times.append(time.perf_counter() - saved)
            await pilot.pause(0.05)
        if memory is not None:
            memory["after"] = held()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--story", action="append", help="a bundled story (default: demo and magdalena)")
    parser.add_argument("--memory", action="store_true", help="what many reloads leave behind")
    args = parser.parse_args()
    if args.memory:
        for story in args.story or ["magdalena"]:
            memory: dict[str, dict[str, float]] = {}
            asyncio.run(latencies(story, args.runs, interval=0.02, memory=memory))
            before, after = memory["before"], memory["after"]
            print(
                f"{story}: {args.runs} reloads: resident {before['rss_mb']:.1f} -> {after['rss_mb']:.1f} MB,"
                f" tracked objects {before['tracked']:,.0f} -> {after['tracked']:,.0f},"
                f" frozen {before['frozen']:,.0f} -> {after['frozen']:,.0f}"
            )
        return
    for story in args.story or ["demo", "magdalena"]:
        times = asyncio.run(latencies(story, args.runs))
        print(
            f"{story}: save to reloaded on screen, median {fmt_ms(statistics.median(times))}, "
            f"slowest {fmt_ms(max(times))} ({len(times)} saves)"
        )


if __name__ == "__main__":
    main()
