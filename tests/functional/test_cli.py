"""The command line and plain mode: playing, checking, and never showing a traceback."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import engine.cli as cli
from engine.cli.parser import SAVES_ENV
from engine.load.folder import bundled_stories
from engine.play.session import Session
from tests.support import BAD_STORIES, ROOT
from tests.support.cli import as_at_a_terminal, run_cli

BAD = BAD_STORIES
# A path through the demo that reaches an ending with seed 1 (see test_demo_plays_to_an_ending).
DEMO_PATH = "1,1,4"


# -- play --plain ------------------------------------------------------------------------------


def test_the_demo_plays_to_an_ending() -> None:
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", "--choices", DEMO_PATH)
    assert code == 0, out
    assert out.startswith("The Club Cup — You, twelve, at an Almaty rink\nSeed 1.")
    assert "── Six in the Morning · training ──" in out
    assert "  1. Drill the double salchow until it sticks (60% chance)" in out
    assert "60% chance: rolled" in out
    assert "The end: " in out and "Your career:" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("choices", "ending"),
    [
        ("1,1,2,2,2,1", "Fourth by a Point (bittersweet)"),
        ("2,6,1,2,2,1", "Bronze at the Club Cup (triumph)"),
        ("3,1,2,2,2,1", "A First Lesson (bittersweet)"),
    ],
)
def test_scripted_careers_reach_their_endings(choices: str, ending: str) -> None:
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", "--choices", choices)
    assert code == 0 and f"The end: {ending}." in out, out[-800:]


def test_stats_are_printed_after_each_change() -> None:
    _, out = run_cli("play", "demo", "--plain", "--seed", "1", "--choices", "2")
    assert "Artistry 35 → 45 (+10) · Stamina 40 → 32 (-8)" in out


def test_locked_choices_keep_their_number_and_say_why() -> None:
    _, out = run_cli("play", "demo", "--plain", "--seed", "1", "--choices", "2,1", stdin="1\n")
    flowing = " ".join(out.split())  # plain mode wraps long lines at the terminal's width
    assert (
        "1. Try the double axel once, in front of everyone [locked: needs Technique 48 (you have 44)]"
        in flowing
    )
    assert "That choice is locked: needs Technique 48 (you have 44)." in out


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("x\n", "“x” is not a choice."),
        ("9\n", "There is no choice 9; type a number from 1 to 4."),
        ("0\n", "There is no choice 0; type a number from 1 to 4."),
        ("-1\n", "“-1” is not a choice."),
        ("\n", "> > "),  # an empty line just asks again
        ("?\n", "Type a choice's number."),
        ("s\n", "Technique 40 · Artistry 35 · Nerve 50 · Stamina 40"),
        ("h\n", "No choices made yet."),
        ("u\n", "Nothing to undo yet."),
    ],
)
def test_anything_typed_gets_a_one_line_answer(typed: str, answer: str) -> None:
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", stdin=typed)
    assert code == 0 and answer in out
    assert out.endswith("Goodbye.\n") and "Traceback" not in out


def test_undo_and_history_in_plain_mode() -> None:
    _, out = run_cli("play", "demo", "--plain", "--seed", "1", stdin="2\nh\nu\nh\nq\n")
    assert "  1. Early Ice: Run the whole program to the music instead" in out  # words, never the id
    assert "Undone." in out and out.count("Early Ice\n\nThe ice resurfacer") == 2
    assert out.endswith("Goodbye.\n")


def test_end_of_input_is_a_clean_goodbye() -> None:
    code, out = run_cli("play", "demo", "--plain", stdin="")
    assert code == 0 and out.endswith("> \nGoodbye.\n")


def test_an_unplayable_scripted_choice_is_a_clear_error() -> None:
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", "--choices", "1,7")
    assert code == 2 and "error: --choices: There is no choice 7" in out


def test_choices_can_be_given_by_id() -> None:
    code, out = run_cli(
        "play", "demo", "--plain", "--seed", "1", "--choices", "ask_coach,continue,rest", stdin="q\n"
    )
    assert code == 0 and "» Ask Coach Saule what the judges will want" in out and "» Rest, stretch" in out


def test_an_unknown_story_lists_the_bundled_ones() -> None:
    code, out = run_cli("play", "nowhere", "--plain")
    assert code == 2 and "error: no story called 'nowhere' (bundled stories: " in out and "demo" in out


def test_a_broken_story_shows_its_errors_instead_of_playing() -> None:
    code, out = run_cli("play", str(BAD / "unknown_stat"), "--plain")
    assert code == 1
    assert out.splitlines()[0] == "This story cannot be played: it has 1 error."
    assert "extra.yaml:5:15: error: E031 unknown stat `tecnique`" in out


def test_the_full_screen_game_without_a_terminal_points_to_plain_mode() -> None:
    code, out = run_cli()  # the tests' stdin and stdout are not a terminal
    assert code == 2 and "needs a terminal" in out and "uv run main.py play demo --plain" in out
    code, out = run_cli("play", "demo")
    assert code == 2 and "uv run main.py play demo --plain" in out
    code, out = run_cli("play", "nowhere")
    assert code == 2 and out.startswith("error: no story called 'nowhere'")


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(self, choice_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("the ice cracked")

    monkeypatch.setattr(Session, "choose", boom)
    monkeypatch.delenv("POINTE_EDGE_DEBUG", raising=False)
    code, out = run_cli("play", "demo", "--plain", "--choices", "1")
    assert code == 70
    assert "Something went wrong inside the game: RuntimeError: the ice cracked" in out
    assert "Traceback" not in out


def test_ctrl_c_in_the_middle_of_a_game(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Interrupting(io.StringIO):
        def readline(self, *args):  # type: ignore[no-untyped-def]
            raise KeyboardInterrupt

    out = io.StringIO()
    code = cli.main(["play", "demo", "--plain"], out=out, inp=Interrupting())
    assert code == 130 and out.getvalue().endswith("\nInterrupted. Goodbye.\n")


# -- check -------------------------------------------------------------------------------------


def test_check_is_quiet_and_succeeds_on_a_clean_story() -> None:
    code, out = run_cli("check", "demo")
    assert code == 0
    assert out == "checked 1 story, 18 scenes: 0 errors, 0 warnings\n"


def test_check_prints_one_line_per_problem_and_fails_on_errors() -> None:
    code, out = run_cli("check", str(BAD / "unknown_name"), str(BAD / "unreachable_scene"), "--no-cache")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].endswith(
        "unknown_name/extra.yaml:7:13: error: E041 condition: unknown name `artistry`: not a stat or flag"
        " of this story [extra.x]"
    )
    assert (
        "unreachable_scene/extra.yaml:3:3: warning: W100 no path from the start reaches this scene"
        in lines[1]
    )
    assert lines[-1] == "checked 2 stories, 6 scenes: 1 error, 1 warning"


def test_check_warnings_alone_do_not_fail() -> None:
    code, _ = run_cli("check", str(BAD / "unreachable_scene"))
    assert code == 0


def test_check_json_is_one_document_for_tools() -> None:
    code, out = run_cli("check", str(BAD / "unknown_stat"), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["errors"] == 1 and doc["warnings"] == 0
    (story,) = doc["stories"]
    (d,) = story["diagnostics"]
    assert {k: d[k] for k in ("line", "col", "severity", "code", "scene")} == {
        "line": 5,
        "col": 15,
        "severity": "error",
        "code": "E031",
        "scene": "extra.x",
    }
    assert d["hint"] == "did you mean `technique`?" and d["file"].endswith("unknown_stat/extra.yaml")


def test_check_with_no_story_checks_every_bundled_one() -> None:
    _, out = run_cli("check")
    count = len(bundled_stories())
    assert count >= 1
    assert out.splitlines()[-1].startswith(f"checked {count} stor")


def test_stories_lists_the_bundled_careers() -> None:
    code, out = run_cli("stories")
    assert code == 0
    assert (
        "demo         The Club Cup — You, twelve, at an Almaty rink, figure skating"
        " (18 scenes, 6 endings, 1,826 words)" in out
    )


# -- as a real process ---------------------------------------------------------------------------


def _main(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, **kwargs
    )


def test_main_py_plays_the_demo_as_a_process() -> None:
    done = _main("play", "demo", "--plain", "--seed", "1", "--choices", DEMO_PATH)
    assert done.returncode == 0 and "The end: " in done.stdout and done.stderr == ""


def test_help_lists_every_subcommand() -> None:
    done = _main("--help")
    assert done.returncode == 0
    for name in ("play", "check", "stories"):
        assert name in done.stdout


def test_ctrl_c_at_the_prompt_exits_cleanly() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "main.py", "play", "demo", "--plain"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=as_at_a_terminal,
    )
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + 20
    while "> " not in seen and time.monotonic() < deadline:
        seen += proc.stdout.read(1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Interrupted. Goodbye." in out and "Traceback" not in err + out


def test_the_save_folder_variable_is_named_once_in_effect() -> None:
    from engine.saves.store import ENV

    assert SAVES_ENV == ENV  # written twice so that --help need not import the save store


def test_check_skips_files_that_are_not_stories_but_not_unknown_names() -> None:
    code, out = run_cli("check", "stories/README.md", "demo")
    assert code == 0
    assert out.splitlines() == [
        "note: skipped stories/README.md: a file, not a story folder",
        "checked 1 story, 18 scenes: 0 errors, 0 warnings",
    ]
    code, out = run_cli("check", "dmeo")
    assert code == 2 and out.startswith("error: no story called 'dmeo'")


TAKES = "check takes story ids, story folders, or files inside a story folder"


def test_check_of_a_story_file_checks_the_story_it_belongs_to_once() -> None:
    """An editor runs `check` on the file you are in: a chapter's names mean something only in
    its story, so the story is checked (once, however many of its files are named)."""
    code, out = run_cli("check", "stories/demo/training.yaml", "stories/demo/story.yaml", "demo")
    assert code == 0
    assert out.splitlines() == [
        "note: checking stories/demo, the story stories/demo/training.yaml belongs to",
        "checked 1 story, 18 scenes: 0 errors, 0 warnings",
    ]


def test_check_of_nothing_is_not_a_silent_success(tmp_path: Path) -> None:
    code, out = run_cli("check", "stories/README.md")
    assert code == 2
    assert out.splitlines() == [
        "note: skipped stories/README.md: a file, not a story folder",
        f"error: nothing to check: stories/README.md named no story ({TAKES})",
    ]
    stray = tmp_path / "stray.yaml"
    stray.write_text("chapter: a\n")
    code, out = run_cli("check", str(stray))
    assert code == 2
    assert out == f"error: {stray} belongs to no story: no story.yaml in its folder or above ({TAKES})\n"
    code, out = run_cli("check", "stories/README.md", "--format", "json")
    assert code == 2 and out.startswith("error: nothing to check")


def test_check_stats_gives_the_static_figures_in_text_and_json() -> None:
    """`check --stats`: the careers standard's figures that need no careers played, the same in
    text and JSON, and the same funnel figure as `simulate` reports."""
    from engine.author.metrics import same_next_scenes, shown_text_words
    from tests.support.stories import story

    demo = story("demo")
    funnels, choice_scenes = same_next_scenes(demo)
    code, out = run_cli("check", "demo", "--stats")
    assert code == 0
    assert out.splitlines()[0] == (
        f"demo: {len(demo.scenes)} scenes in {len(demo.chapters)} chapters, {len(demo.endings)} endings,"
        f" {shown_text_words(demo):,} words a player can be shown"
    )
    code, out = run_cli("check", "demo", "--stats", "--format", "json")
    (entry,) = json.loads(out)["stories"]
    assert entry["figures"]["same_next"] == {
        "scenes": funnels,
        "choice_scenes": choice_scenes,
        "share": round(funnels / choice_scenes, 4),
    }
    assert entry["figures"]["words"] == shown_text_words(demo)
    code, out = run_cli("check", "demo", "--format", "json")
    assert "figures" not in json.loads(out)["stories"][0]  # only when asked


START_WITH_EFFECTS = {
    "story.yaml": (
        "id: t\ntitle: Test\nstart: main.a\nstats:\n  nerve: {start: 50}\nflags:\n  hurt: {label: hurt}\n"
    ),
    "main.yaml": """chapter: main
scenes:
  a:
    text: Your first morning at the rink.
    milestone: Joined the club at {nerve} nerve.
    effects: {nerve: +5, set: [hurt]}
    choices:
      - id: go
        text: Go
        goto: b
  b:
    text: Done.
    ending: {title: End, tone: triumph}
""",
}


def test_plain_play_shows_what_the_start_scene_did(tmp_path: Path) -> None:
    """The start scene's milestone and effects are shown as a step's are, once, under its text."""
    for name, text in START_WITH_EFFECTS.items():
        (tmp_path / name).write_text(text)
    code, out = run_cli("play", str(tmp_path), "--plain", "--seed", "1", "--saves", str(tmp_path / "saves"))
    assert code == 0
    lines = out.splitlines()
    at = lines.index("Your first morning at the rink.")
    assert lines[at + 1 : at + 6] == [
        "",
        "  ★ Joined the club at 55 nerve.",
        "  Nerve 50 → 55 (+5) · now hurt",
        "",
        "  1. Go",
    ]
    assert out.count("Joined the club") == 1


def test_the_session_reports_the_opening_and_nothing_for_a_quiet_start(tmp_path: Path) -> None:
    from engine.play.session import Session
    from tests.support.stories import story

    for name, text in START_WITH_EFFECTS.items():
        (tmp_path / name).write_text(text)
    opening = Session(story(tmp_path), 1).opening()
    assert [(c.stat, c.before, c.after) for c in opening.changes] == [("nerve", 50, 55)]
    assert opening.flags == (("hurt", True),) and opening.milestones == ("Joined the club at 55 nerve.",)
    demo = Session(story("demo"), 1).opening()  # the demo's early ice costs stamina
    assert [(c.label, c.before, c.after) for c in demo.changes] == [("Stamina", 45, 40)]
    assert demo.flags == demo.milestones == ()
