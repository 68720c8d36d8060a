"""The simulator: deterministic, replayable careers, exact figures, stuck careers caught."""

from __future__ import annotations

import io
import json
import math
import os
import re
import shlex
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from engine.author.check import load_checked
from engine.author.simulate import run as sim
from engine.author.simulate.run import Player, Report, RunSettings, SimulationError, simulate
from engine.author.simulate.summary import Summary, Timing, percentile, replay_command
from engine.cli import main
from engine.cli.simulate import progress_bar
from engine.cli.simulate_text import as_text
from engine.core.model import Story
from engine.play.session import Session
from tests.support.grid import write_grid


def _load(name: str | Path) -> Story:
    story = load_checked(name, cache=False).story
    assert story is not None
    return story


def _write(folder: Path, main_yaml: str, stats: str = "technique: {start: 50}") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(
        f"id: t\ntitle: Test\nstart: main.a\nstats:\n  {stats}\nflags: [hurt]\n"
    )
    (folder / "main.yaml").write_text("chapter: main\nphase: training\nscenes:\n" + main_yaml)
    return folder


COVERAGE = """\
  a:
    text: The first scene.
    choices:
      - id: plain
        text: Go on
        goto: b
      - id: out_of_reach
        text: The impossible jump
        if: technique >= 90
        locked: true
        goto: hidden
      - id: coin
        text: Try your luck
        chance: 30
        success: {goto: b}
        failure: {effects: {technique: -1}, goto: b}
  hidden:
    title: Never Seen
    text: Nobody gets here.
    goto: b
  b:
    text: The end.
    ending: {title: The End, tone: triumph}
"""

LOOP = """\
  a:
    text: A fork.
    choices:
      - id: home
        text: Home
        goto: b
      - id: round
        text: Round and round
        goto: loop
  loop:
    text: A corridor that leads back into itself.
    choices:
      - id: again
        text: Again
        goto: loop
  b:
    text: Home.
    ending: {title: Home, tone: triumph}
"""

DEAD_END = """\
  a:
    text: A fork.
    choices:
      - id: home
        text: Home
        goto: b
      - id: wall
        text: The wall
        goto: wall
  wall:
    text: A wall.
    choices:
      - id: over
        text: Over the wall
        if: hurt
        goto: b
  b:
    text: Home.
    ending: {title: Home, tone: triumph}
"""


def _json(report: Report, story: Story) -> dict:  # type: ignore[type-arg]
    return Summary(story, report).to_json()


# -- determinism and replay ------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_report_and_the_number_of_processes_does_not_matter() -> None:
    story = _load("demo")
    one = _json(simulate(story, 300, 7), story)
    assert one == _json(simulate(story, 300, 7), story)
    assert one == _json(simulate(story, 300, 7, jobs=2), story)
    assert one != _json(simulate(story, 300, 8), story)
    assert one["careers"] == 300 and one["ended"] == 300 and not one["interrupted"]


def test_explore_is_deterministic_for_a_seed() -> None:
    story = _load("demo")
    assert _json(simulate(story, 120, 3, "explore"), story) == _json(
        simulate(story, 120, 3, "explore"), story
    )


@pytest.mark.parametrize("strategy", ["random", "explore"])
def test_the_shortest_and_longest_careers_replay_exactly_from_their_seed_and_choices(strategy: str) -> None:
    story = _load("halima")
    report = simulate(story, 150, 11, strategy)
    for career in (report.shortest, report.longest):
        assert career is not None
        session = Session.replay(story, career.seed, career.choices, history=False)
        assert session.ended and session.state.scene == career.ending
        assert len(career.choices) == career.steps
    assert report.shortest.steps <= min(report.lengths) and report.longest.steps == max(report.lengths)  # type: ignore[union-attr]


def test_the_printed_replay_command_plays_the_same_career_in_plain_mode() -> None:
    story = _load("demo")
    report = simulate(story, 100, 5)
    career = report.longest
    assert career is not None
    argv = replay_command("demo", career)
    assert argv[:4] == ["uv", "run", "main.py", "play"]
    out = io.StringIO()
    assert main(argv[3:], out=out, inp=io.StringIO("")) == 0
    ending = story.scenes[career.scene].ending
    assert ending is not None and ending.title in out.getvalue()


NUMERIC_IDS = """\
  a:
    text: You choose a jump.
    choices:
      - id: "2"
        text: The toe loop
        goto: b
      - id: "1"
        text: The salchow
        goto: c
  b:
    text: A fall.
    ending: {title: The Fall, tone: bittersweet}
  c:
    text: A clean landing.
    choices:
      - id: "10"
        text: Bow
        goto: d
  d:
    text: Applause.
    ending: {title: The Landing, tone: triumph}
"""


def test_the_printed_replay_command_replays_a_career_whose_choice_ids_are_numbers(tmp_path: Path) -> None:
    """`--choices 1` is the first choice, so the command names an all-digit id as `id:1`: read as
    a number, the longest career's `1,10` would take the toe loop and end in the fall."""
    folder = _write(tmp_path / "numbers", NUMERIC_IDS)
    out = io.StringIO()
    assert main(["simulate", str(folder), "--runs", "20", "--seed", "2"], out=out) == 0
    commands = [line.split("replay: ", 1)[1] for line in out.getvalue().splitlines() if "replay: " in line]
    longest = [c for c in commands if "--choices" in c]
    assert longest and longest[-1].endswith("--choices id:1,id:10"), out.getvalue()
    played = io.StringIO()
    assert main(shlex.split(longest[-1])[3:], out=played, inp=io.StringIO("")) == 0
    assert "The salchow" in played.getvalue() and "The Landing" in played.getvalue()
    assert "The Fall" not in played.getvalue()


def test_an_id_answer_names_a_choice_by_its_id_only() -> None:
    from engine.cli.plain import PlainGame

    story = _load("demo")
    game = PlainGame(Session(story, 1), io.StringIO(), io.StringIO())
    choices = game.session.choices
    first = choices[0]
    assert game.pick(f"id:{first.id}", choices) is first
    assert game.pick("id:1", choices) == (
        "There is no choice with the id “1” here. Type a choice's number. Other keys: u undo, s stats,"
        " p people, h history, save NAME, q quit, ? help."
    )


# -- stuck careers ----------------------------------------------------------------------------------


def test_a_career_caught_in_a_loop_is_reported_stuck_with_what_replays_it(tmp_path: Path) -> None:
    story = _load(_write(tmp_path / "loop", LOOP))
    report = simulate(story, 40, 1, max_steps=50)
    assert 0 < report.stuck_count < 40 and report.ended == 40 - report.stuck_count
    career = report.stuck[0]
    assert career.reason == "no ending after 50 steps" and career.scene == "main.loop"
    assert Session.replay(story, career.seed, career.choices).state.scene == "main.loop"
    assert [c.index for c in report.stuck] == sorted(c.index for c in report.stuck)


def test_a_dead_end_is_reported_stuck_and_the_command_exits_1(tmp_path: Path) -> None:
    folder = _write(tmp_path / "dead", DEAD_END)
    story = _load(folder)
    report = simulate(story, 30, 1)
    assert report.stuck_count and report.stuck[0].reason == "no choice is open here"
    out = io.StringIO()
    assert main(["simulate", str(folder), "--runs", "30"], out=out) == 1
    text = out.getvalue()
    assert re.search(r"Stuck careers: \d+\. Each is a bug in the story", text)
    assert "at main.wall after 1 choice: no choice is open here" in text  # "1 choices" before
    assert f"play {folder} --plain --seed" in text and "--choices wall" in text


def test_an_engine_failure_in_one_career_is_reported_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    story = _load("demo")
    original = Session.advance

    def flaky(self: Session, cid: str) -> None:
        if cid == "coach_talk" or self.state.scene == "training.coach_talk":
            raise RuntimeError("boom")
        original(self, cid)

    monkeypatch.setattr(Session, "advance", flaky)
    report = simulate(story, 100, 1)
    assert report.careers == 100 and report.stuck_count > 0
    assert report.stuck[0].reason == "the engine failed: RuntimeError: boom"


def test_a_worker_that_dies_stops_the_run_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def die(*args: object) -> None:
        os._exit(3)

    monkeypatch.setattr(sim, "_play_share", die)
    with pytest.raises(SimulationError, match="worker process died"):
        simulate(_load("demo"), 50, 1, jobs=2)


# -- coverage and figures -----------------------------------------------------------------------------


def test_never_unlocked_choices_and_never_visited_scenes_are_listed_with_their_position(
    tmp_path: Path,
) -> None:
    folder = _write(tmp_path / "cov", COVERAGE)
    story = _load(folder)
    summary = Summary(story, simulate(story, 400, 1))
    doc = summary.to_json()
    assert doc["coverage"]["scenes"]["covered"] == 2 and doc["coverage"]["scenes"]["full_after"] is None
    (missing_scene,) = doc["coverage"]["scenes"]["missing"]
    assert missing_scene["scene"] == "main.hidden" and missing_scene["at"].endswith("main.yaml:20:3")
    (locked,) = doc["never_unlocked"]
    assert locked["choice"] == "out_of_reach" and locked["condition"] == "technique >= 90"
    assert locked["at"].endswith("main.yaml:10:9") and locked["scene_reached"] == 400
    assert [m["choice"] for m in doc["coverage"]["choices"]["missing"]] == ["out_of_reach"]
    text = as_text(summary)
    assert "main.yaml:20:3  main.hidden  “Never Seen”" in text
    assert "main.a › out_of_reach  “The impossible jump”  (never open: technique >= 90)" in text
    assert "Locked choices never unlocked (1)" in text


def test_a_chance_comes_out_as_often_as_it_says(tmp_path: Path) -> None:
    story = _load(_write(tmp_path / "chance", COVERAGE))
    doc = _json(simulate(story, 4000, 2), story)
    (coin,) = doc["chances"]
    assert coin["stated"] == 0.30
    rolled = coin["rolled"]
    assert rolled > 1000
    assert abs(coin["observed"] - 0.30) < 4 * math.sqrt(0.3 * 0.7 / rolled)


def test_stat_figures_at_endings_and_chapters_add_up_and_stay_inside_the_proven_bounds() -> None:
    result = load_checked("bozena", cache=False, ranges=True)
    story, ranges = result.story, result.ranges
    assert story is not None and ranges is not None
    report = simulate(story, 400, 4)
    assert sum(report.endings.values()) == report.ended == 400
    for ending, stats in report.ending_stats.items():
        bounds = ranges.bounds(ending)
        assert bounds is not None
        for stat, hist in stats.items():
            assert sum(hist.values()) == report.endings[ending]
            lo, hi = bounds.stats[stat]
            assert lo <= min(hist) and max(hist) <= hi, (ending, stat)
    assert report.chapter_careers[story.scenes[story.start].chapter] == 400


@given(st.lists(st.integers(-100, 100), min_size=1, max_size=60), st.floats(0, 100))
def test_percentiles_are_the_exact_nearest_rank_of_every_value(values: list[int], p: float) -> None:
    hist: dict[int, int] = {}
    for v in values:
        hist[v] = hist.get(v, 0) + 1
    ordered = sorted(values)
    assert percentile(hist, p) == ordered[max(1, math.ceil(p / 100 * len(values))) - 1]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40))
def test_partial_reports_merge_into_the_same_report_in_any_order(split: int, other: int) -> None:
    story = _DEMO
    player = Player(story, RunSettings(seed=9, runs=40))
    whole = player.new_report()
    for i in range(40):
        player.play(i, whole)
    cuts = sorted({split, other})
    parts = []
    for lo, hi in zip([0, *cuts], [*cuts, 40], strict=True):
        part = player.new_report()
        for i in range(lo, hi):
            player.play(i, part)
        parts.append(part)
    merged = player.new_report()
    for part in reversed(parts):
        merged.merge(part)
    assert _json(merged, story) == _json(whole, story)


_DEMO = _load("demo")


def test_progress_is_reported_and_a_stop_request_ends_the_run_with_what_was_played() -> None:
    seen: list[int] = []
    report = simulate(_DEMO, 200, 1, progress=lambda done, planned: seen.append(done))
    assert seen == sorted(seen) and seen[-1] == 200
    stopped = simulate(_DEMO, 10**6, 1, stop=lambda: True)
    assert stopped.interrupted and stopped.careers < 10**6
    assert report.careers == 200 and not report.interrupted


@pytest.mark.slow
def test_explore_covers_every_scene_and_choice_in_far_fewer_careers_than_random(tmp_path: Path) -> None:
    grid = load_checked(write_grid(tmp_path / "grid"), cache=False).story
    assert grid is not None
    for story in (_load("demo"), grid):

        def careers_needed(strategy: str, seed: int, cap: int, story: Story = story) -> int:
            coverage = Summary(story, simulate(story, cap, seed, strategy)).coverage()
            a, b = coverage["scenes"]["full_after"], coverage["choices"]["full_after"]
            return max(a or 10**6, b or 10**6)

        explore = [careers_needed("explore", seed, 150) for seed in (1, 2, 3)]
        assert max(explore) < 150
        # Random play is only played as far as the claim needs: a median of at least three times
        # as many careers (one that never covers everything counts as a million).
        enough = sorted(explore)[1] * 3
        random = [careers_needed("random", seed, enough) for seed in (1, 2, 3)]
        assert enough <= sorted(random)[1], (story.id, explore, random)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        simulate(_DEMO, 10, 1, "greedy")
    with pytest.raises(ValueError):
        simulate(_DEMO, -1, 1)


# -- the command ----------------------------------------------------------------------------------------


def test_the_text_report_has_every_section() -> None:
    out = io.StringIO()
    assert main(["simulate", "demo", "--runs", "300", "--seed", "3"], out=out) == 0
    text = out.getvalue()
    assert text.startswith("Simulated 300 careers of “The Club Cup” (demo): strategy random, seed 3\n")
    for heading in (
        "Coverage (what these careers did: evidence, not proof; `check` proves what can never happen)\n"
        "  scenes   18 of 18 (100%), all of them by career",
        "Endings (share of the 300 careers that ended)",
        "Stats on entering each chapter",
        "Locked choices: every one was unlocked in some career.",
        "Chance rolls",
        "Shortest career: ",
        "Longest career: ",
        "Stuck careers: none.",
    ):
        assert heading in text
    assert re.search(r"\d[\d,]* careers/s, [\d,]+ steps/s", text)
    chapters = re.findall(r"^  \d\. (.*?) \(", text, re.M)
    assert chapters == ["Six in the Morning", "Setbacks", "Above the City", "The Club Cup"]  # as met
    assert "  4. The Club Cup (competition): 300 careers, at choice 3.9 on average" in text


def test_the_json_report_is_complete_and_the_same_with_two_processes() -> None:
    docs = []
    for jobs in ("1", "2"):
        out = io.StringIO()
        argv = [
            "simulate",
            "demo",
            "--runs",
            "200",
            "--format",
            "json",
            "--jobs",
            jobs,
            "--strategy",
            "random",
        ]
        assert main(argv, out=out) == 0
        docs.append(json.loads(out.getvalue()))
    one, two = docs
    assert one["speed"]["jobs"] == 1 and two["speed"]["jobs"] == 2
    del one["speed"], two["speed"]
    assert one == two
    assert set(one) >= {
        "coverage",
        "endings",
        "chapters",
        "never_unlocked",
        "chances",
        "shortest",
        "longest",
        "stuck",
    }
    ending = one["endings"][0]
    assert set(ending["stats"]["technique"]) == {"min", "p10", "p25", "p50", "p75", "p90", "max", "mean"}
    assert one["shortest"]["command"].startswith("uv run main.py play demo --plain --seed ")


def test_the_chance_table_of_an_explore_run_says_it_is_biased() -> None:
    """`explore` replays careers with their rolls and steers towards rolls that go its way, so
    its rates are no evidence of fairness: the text and the JSON say so; a random run's do not."""
    shown = {}
    for strategy in ("random", "explore"):
        out = io.StringIO()
        assert main(["simulate", "demo", "--runs", "100", "--strategy", strategy], out=out) == 0
        lines = out.getvalue().splitlines()
        at = lines.index("Chance rolls (how often each came out, against the chance the player was shown)")
        shown[strategy] = lines[at + 1 : at + 3]
        out = io.StringIO()
        assert (
            main(["simulate", "demo", "--runs", "20", "--strategy", strategy, "--format", "json"], out=out)
            == 0
        )
        assert json.loads(out.getvalue())["chances_biased"] is (strategy == "explore")
    assert shown["explore"] == [
        "  biased: explore replays careers with their rolls and steers towards rolls that went its way;",
        "  these rates do not show whether a roll is fair (run --strategy random for that)",
    ]
    assert all(" rolled " in line for line in shown["random"])


def test_the_command_refuses_bad_options_and_broken_stories(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["simulate", "demo", "--max-steps", "0"], out=out) == 2
    assert "--max-steps must be at least 1" in out.getvalue()
    with pytest.raises(SystemExit) as exit_:
        main(["simulate", "demo", "--runs", "-5"], out=io.StringIO())
    assert exit_.value.code == 2
    broken = _write(tmp_path / "broken", COVERAGE.replace("goto: b\n", "goto: nowhere\n", 1))
    out = io.StringIO()
    assert main(["simulate", str(broken)], out=out) == 1
    assert "cannot be simulated" in out.getvalue() and "E050" in out.getvalue()
    out = io.StringIO()
    assert main(["simulate", "no-such-story"], out=out) == 2


def test_zero_runs_is_refused_and_a_report_with_timing() -> None:
    """`--runs 0` used to print an empty report and exit 0, which reads like a story that passed."""
    out = io.StringIO()
    assert main(["simulate", "demo", "--runs", "0", "--jobs", "0"], out=out) == 2
    assert out.getvalue() == (
        "error: --runs must be at least 1 (0 careers report nothing, not a story that passed)\n"
    )
    out = io.StringIO()
    assert main(["simulate", "demo", "--runs", "1", "--jobs", "0"], out=out) == 0
    assert "Simulated 1 career" in out.getvalue()
    summary = Summary(_DEMO, simulate(_DEMO, 10, 1), "demo", Timing(0.5, 1))
    assert summary.to_json()["speed"]["careers_per_second"] == 20.0


def test_the_progress_bar_shows_a_story_title_as_written() -> None:
    """A title with markup that acts, a tag that closes nothing, and a format field."""
    title = "[@click=app.screenshot('x.svg','/tmp')]Cup[/] [bold]b[/bold] [/] {task} {0}"
    console = Console(file=io.StringIO(), width=400, record=True, color_system=None)
    bar = progress_bar(title, 2, console)
    bar.add_task("careers", total=10, rate="5/s", title=title)
    console.print(bar.get_renderable())
    shown = console.export_text()
    assert title + " on 2 processes" in shown
