"""Smoke runs of the benchmarks, so they keep working; the timed runs are in bench/README.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support import ROOT

BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def bench_modules():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import bench_runtime

        import gen_story

        yield gen_story, bench_runtime
    finally:
        sys.path.remove(str(BENCH))


def test_the_generated_story_has_the_benchmark_shape(tmp_path: Path, bench_modules) -> None:  # type: ignore[no-untyped-def]
    from engine.author.check import load_checked
    from engine.author.graph import StoryGraph

    gen_story, _ = bench_modules
    folder = gen_story.generate(300, tmp_path / "story")
    result = load_checked(folder, cache=False)
    assert result.errors == []
    story = result.story
    assert len(story.scenes) == 300 and len(story.stats) == 6 and len(story.endings) == 10
    choices = [c for s in story.scenes.values() for c in s.choices]
    assert len(choices) == 3 * (300 - 10)
    assert round(sum(c.condition is not None for c in choices) / len(choices), 2) == 0.33
    assert sum(c.chance is not None for c in choices) == 29  # one roll in ten scenes
    assert all(len(s.text.expressions) == 2 for s in story.scenes.values())  # type: ignore[union-attr]
    assert len(StoryGraph(story).reachable()) > 200


def test_the_runtime_benchmark_runs(tmp_path: Path, bench_modules) -> None:  # type: ignore[no-untyped-def]
    from engine.author.check import load_checked

    gen_story, bench_runtime = bench_modules
    story = load_checked(gen_story.generate(100, tmp_path / "story"), cache=False).story
    times = bench_runtime.step_times(story, careers=5)
    assert len(times) >= 5 * 10 and all(t > 0 for t in times)
    assert bench_runtime.condition_time("technique >= 60 and not injured", runs=100) > 0


def test_the_save_and_replay_benchmarks_run(bench_modules, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import bench_saves

    import bench_replay

    monkeypatch.setattr("sys.argv", ["bench_saves.py", "--careers", "5", "--steps", "20", "--runs", "5"])
    bench_saves.main()
    monkeypatch.setattr("sys.argv", ["bench_replay.py", "--steps", "50"])
    bench_replay.main()
    out = capsys.readouterr().out
    assert "autosave of a 20-step career" in out and "a 50-step career: open the replay" in out


@pytest.mark.slow
def test_the_app_starts_in_a_real_terminal_and_the_tui_benchmark_runs(bench_modules) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    import bench_tui

    starts = bench_tui.first_frame(1, warm_up=False)  # `python main.py` in a pseudo-terminal
    assert len(starts) == 1 and 0 < starts[0] < 30
    bare = bench_tui.first_frame(1, script=bench_tui.BARE, warm_up=False)  # the baseline it is held to
    assert len(bare) == 1 and 0 < bare[0] < 30
    assert len(asyncio.run(bench_tui.choice_frames(1))) == 4
    assert asyncio.run(bench_tui.long_career(5)) > 0


@pytest.mark.slow
def test_the_reload_benchmark_runs(bench_modules) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    import bench_reload

    (latency,) = asyncio.run(bench_reload.latencies("demo", 1))
    assert 0 < latency < 5


def test_the_simulate_benchmark_runs(tmp_path: Path, bench_modules) -> None:  # type: ignore[no-untyped-def]
    import bench_simulate

    from engine.author.check import load_checked

    gen_story, _ = bench_modules
    story = load_checked(gen_story.generate(100, tmp_path / "s100"), cache=False).story
    careers, steps = bench_simulate.throughput(story, 20, 1)
    assert careers > 0 and steps > careers
    with bench_simulate.describing_every_step():
        assert bench_simulate.throughput(story, 20, 1)[0] > 0
    demo = load_checked("demo").story
    (needed,) = bench_simulate.careers_to_full_coverage(demo, "explore", 1, 200)
    assert needed is not None and needed < 200


def test_the_mutation_probe_runs_and_finds_nothing(bench_modules) -> None:  # type: ignore[no-untyped-def]
    """A small run of issue 16's loader probe (bench/bench_mutants.py): mutated stories give
    diagnostics only, located and without raw control characters, and the ones that load clean
    play, save and resume. The demo is mutated here (the bench run mutates the careers too: a
    mutant of a 500-scene career costs a second a load)."""
    import bench_mutants

    tally = bench_mutants.run(40, 3, ("demo",))
    assert tally.mutants == 40 and tally.exceptions == [] and tally.runtime_errors == []
    assert tally.unlocated == 0 and tally.raw == 0 and tally.round_trip_failures == 0
    assert len(tally.codes) > 5  # the mutations reach many kinds of mistake


def test_the_language_server_benchmark_runs(tmp_path: Path, bench_modules) -> None:  # type: ignore[no-untyped-def]
    """bench/bench_lsp.py: `main.py lsp` in its own process, a change to its diagnostics."""
    import bench_lsp

    first, times, errors = bench_lsp.latencies(100, 2, tmp_path / "story")
    assert first > 0 and len(times) == 2 and all(t > 0 for t in times)
    assert errors == 0  # the last change put the misspelt stat right again
