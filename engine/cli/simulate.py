"""`main.py simulate`: run the simulator with a progress bar, then print its report.

The bar goes to standard error, and only when that is a terminal, so the report on standard
output stays clean for a pipe or a file. Ctrl-C stops the run after the careers under way and
still prints the report of what was played (marked interrupted); a second Ctrl-C stops at once.

Exit codes: 0 done, 1 some career got stuck (a bug in the story: the report says how to replay
it), 2 bad options, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from engine.author.simulate.run import SimulationError, cpu_count, simulate
from engine.author.simulate.summary import PersonaResult, Summary, Timing
from engine.author.storytest.format import parse_tests
from engine.author.storytest.run import play_persona
from engine.cli.common import usable
from engine.cli.simulate_text import as_text
from engine.core.limits import STORY_FILE_BYTES
from engine.core.model import Story
from engine.core.safe_read import FileRefused, read_regular

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def run(args: argparse.Namespace, out: TextIO) -> int:
    story = usable(args, "simulated", out)
    return story if isinstance(story, int) else simulate_story(story, args, out)


def simulate_story(story: Story, args: argparse.Namespace, out: TextIO) -> int:
    if args.runs < 1:
        out.write("error: --runs must be at least 1 (0 careers report nothing, not a story that passed)\n")
        return 2
    if args.max_steps < 1:
        out.write("error: --max-steps must be at least 1\n")
        return 2
    personas = None
    if getattr(args, "persona", None):
        personas = _personas(story, args, out)
        if personas is None:
            return 1 if Path(args.persona).is_file() else 2
    jobs = args.jobs or cpu_count()
    stop = _Stop()
    started = time.perf_counter()
    with stop.on_ctrl_c(), _progress(story, args.runs, jobs) as progress:
        try:
            report = simulate(
                story,
                args.runs,
                args.seed,
                args.strategy,
                jobs,
                max_steps=args.max_steps,
                progress=progress,
                stop=stop,
            )
        except SimulationError as err:
            out.write(f"error: the simulation failed: {err}\n")
            return 70
    timing = Timing(time.perf_counter() - started, min(jobs, max(args.runs, 1)))
    summary = Summary(story, report, args.story, timing, personas or ())
    if args.format == "json":
        # Written as it is encoded: a report of few careers on a big story lists every scene and
        # choice none of them reached, megabytes that need not be held twice over as one string.
        json.dump(summary.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(as_text(summary))
    if stop.asked:
        return 130
    return 1 if report.stuck_count else 0


def _personas(story: Story, args: argparse.Namespace, out: TextIO) -> list[PersonaResult] | None:
    """The personas of a story test file, each played `--runs` careers from `--seed` (the
    file's own `careers` and `seed` are for `main.py test`). None after saying what is wrong."""
    path = Path(args.persona)
    try:
        data = read_regular(path, max_bytes=STORY_FILE_BYTES)
    except FileRefused as err:
        out.write(f"error: cannot read {args.persona}: {err.reason}\n")
        return None
    except OSError as err:
        out.write(f"error: cannot read {args.persona}: {err.strerror or err}\n")
        return None
    tests = parse_tests(data, args.persona, story)
    for problem in tests.problems:
        out.write(problem.format() + "\n")
    if any(p.is_error for p in tests.problems):
        return None
    if not tests.personas:
        out.write(f"{args.persona}: no `personas:` in this file\n")
        return None
    results = []
    for p in tests.personas:
        run = play_persona(story, p.prefer, args.runs, args.seed)
        results.append(PersonaResult(p.name, tuple(sorted(p.prefer)), run.careers, run.endings, run.stuck))
    return results


class _Stop:
    """The first Ctrl-C asks the run to stop and report; the second interrupts outright."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self) -> bool:
        return self.asked

    @contextmanager
    def on_ctrl_c(self) -> Iterator[None]:
        def handler(signum: int, frame: FrameType | None) -> None:
            if self.asked:
                raise KeyboardInterrupt
            self.asked = True
            sys.stderr.write("\nStopping after the careers under way (Ctrl-C again to quit at once)…\n")

        try:
            previous = signal.signal(signal.SIGINT, handler)
        except ValueError:  # not the main thread (tests): no handler, nothing to restore
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


@contextmanager
def _progress(story: Story, runs: int, jobs: int) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on a terminal's standard error; elsewhere, nothing at all."""
    if not sys.stderr.isatty() or runs == 0:
        yield None
        return
    from rich.console import Console

    bar = progress_bar(story.title, jobs, Console(stderr=True))
    task = bar.add_task("careers", total=runs, rate="", title=story.title)
    started = time.perf_counter()

    def advance(done: int, planned: int) -> None:
        elapsed = time.perf_counter() - started
        rate = f"{done / elapsed:,.0f}/s" if elapsed > 0 else ""
        bar.update(task, completed=done, rate=rate)

    with bar:
        yield advance


def progress_bar(title: str, jobs: int, console: Console) -> Progress:
    """The bar's columns. The story's title is a field, shown as plain text: in a column's format
    it would be read as Rich markup (`[/]` stops the run) and as a format string (`{x}`)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    processes = [TextColumn(f"on {jobs} processes", markup=False)] if jobs > 1 else []
    return Progress(
        TextColumn("{task.fields[title]}", style="bold", markup=False),
        *processes,
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}", markup=False),
        TimeElapsedColumn(),
        TextColumn("left", markup=False),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
