"""Choice tags and story tests: the format, the runner's verdicts, and that no file can crash it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.author.export import build, write
from engine.author.storytest.format import parse_tests
from engine.author.storytest.persona import Persona
from engine.author.storytest.run import Outcome, play_persona, run_file, run_story_tests
from engine.core.model import Story
from engine.load.folder import STORIES_DIR, story_files
from engine.load.parse import parse_file
from tests.support.cli import run_cli
from tests.support.stories import story

DEMO = STORIES_DIR / "demo"


def run_text(text: str, demo: Story | None = None) -> Outcome:
    outcome = Outcome()
    run_file(demo or story("demo"), parse_tests(text.encode(), "t.yaml", demo or story("demo")), outcome)
    return outcome


CHOICE = "chapter: c\nscenes:\n  a:\n    text: t\n    choices:\n      - text: go\n{tags}        goto: a\n"


# -- tags ---------------------------------------------------------------------------------------


def test_tags_reach_the_model_in_order_and_once() -> None:
    demo = story("demo")
    choices = {c.id: c for s in demo.scenes.values() for c in s.choices}
    assert choices["drill_salchow"].tags == ("ambitious",)
    assert choices["call_grandmother"].tags == ("family",)
    assert choices["bus_to_medeu"].tags == ()  # a choice without tags keeps the default


def test_tags_stay_out_of_the_ir_when_there_are_none() -> None:
    ir = parse_file(CHOICE.format(tags="").encode(), False)
    assert "tags" not in ir["scenes"][0]["choices"][0]
    tagged = CHOICE.format(tags="        tags: [b, a, b]\n").encode()
    assert parse_file(tagged, False)["scenes"][0]["choices"][0]["tags"] == ["b", "a"]


@pytest.mark.parametrize(
    ("written", "code", "col"),
    [("[Ambitious]", "E024", 16), ("{a: 1}", "E022", 15), ("[a, 3]", "E024", 19)],
)
def test_a_bad_tag_is_located_with_a_hint(written: str, code: str, col: int) -> None:
    data = CHOICE.format(tags=f"        tags: {written}\n")
    problems = parse_file(data.encode(), False)["problems"]
    assert [(p[0], p[2], p[3]) for p in problems] == [(code, 7, col)]
    if written == "[Ambitious]":
        assert "ambitious" in (problems[0][5] or "")  # the hint writes the name as it must be


def test_the_graph_shows_a_choice_s_tags() -> None:
    drawn = write(build(story("demo"), "training"), "dot")
    assert "#ambitious" in drawn and "#family" in drawn


# -- the folder ---------------------------------------------------------------------------------


def test_the_loader_never_reads_the_tests_folder_as_story(tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    (copy / "tests" / "broken.yaml").write_text("this: [is not, a chapter")
    (copy / "more").mkdir()
    (copy / "more" / "tests").mkdir()
    nested = copy / "more" / "tests" / "extra.yaml"  # only the top-level tests folder is skipped
    nested.write_text("chapter: extra\nscenes:\n  a:\n    text: t\n    ending: {title: E, tone: triumph}\n")
    files = story_files(copy)
    assert all("tests/broken" not in p.as_posix() for p in files) and nested in files
    assert load_checked(copy, cache=False).errors == []


# -- paths --------------------------------------------------------------------------------------


def test_the_demo_s_own_tests_pass() -> None:
    outcome = run_story_tests(story("demo"), DEMO, "stories/demo")
    assert outcome.ok and outcome.cases == 4 and outcome.files == 1


PATH = """\
paths:
  p:
    seed: 11
    choices: [run_program, bus_to_medeu, save_legs, single_salchow]
{expect}
"""


@pytest.mark.parametrize(
    ("expect", "found"),
    [
        (
            "    ending: competition.fourth",
            "5:13: p: expected the ending competition.fourth, found the ending",
        ),
        ("    visits: [setback.ankle]", "5:14: p: expected a visit to setback.ankle, found none"),
        ("    avoids: [medeu.open_air]", "5:14: p: expected no visit to medeu.open_air, found 1"),
        ("    flags: {saw_medeu: false}", "5:13: p: expected flag saw_medeu false, found true"),
        ("    stats: {technique: 60..}", "5:13: p: expected technique at least 60 at the end, found"),
        (
            "    at: {competition.scores: {artistry: ..10}}",
            "5:31: p: at competition.scores: expected artistry at most 10",
        ),
        (
            "    at: {setback.ankle: {nerve: 1}}",
            "5:10: p: expected to stop at setback.ankle",
        ),
        (
            '    shows: ["a drum that is not there"]',
            "5:13: p: expected the text 'a drum that is not there'",
        ),
        (
            '    hides: ["wind at Medeu"]',
            "5:13: p: expected the text 'wind at Medeu' never",
        ),
    ],
)
def test_each_failed_expectation_says_where_what_and_what_was_found(expect: str, found: str) -> None:
    outcome = run_text(PATH.format(expect=expect))
    assert outcome.problems == [] and outcome.cases == 1
    assert outcome.failures[0].format().startswith("t.yaml:" + found)


def test_the_same_expectations_pass_when_they_hold() -> None:
    expect = (
        "    ending: competition.podium\n    visits: [medeu.open_air]\n    avoids: [setback.ankle]\n"
        "    flags: {saw_medeu: true}\n    stats: {stamina: 0..100, nerve: ..100}\n"
        "    at: {competition.scores: {artistry: 50..}}\n"
        '    shows: ["wind at Medeu", "Go for the double salchow", "brought a drum"]\n'
        '    hides: ["tape on your left ankle"]'
    )
    outcome = run_text(PATH.format(expect=expect))
    assert outcome.ok and outcome.failures == []


def test_a_choice_that_is_not_open_stops_the_path_and_says_what_was() -> None:
    text = "paths:\n  p:\n    seed: 1\n    choices: [rest, axel_in_warmup]\n    ending: competition.podium\n"
    (failure,) = run_text(text).failures
    assert (failure.at.line, failure.at.col) == (4, 15)
    assert "cannot choose `rest` at training.early_ice" in failure.message
    assert "open: drill_salchow, run_program, ask_coach" in failure.message


def test_a_path_that_runs_out_before_an_ending_says_where_it_is() -> None:
    text = "paths:\n  p:\n    seed: 1\n    choices: [ask_coach]\n    ending: competition.podium\n"
    (failure,) = run_text(text).failures
    assert "found no ending: the career is at training.after_session" in failure.message


# -- personas -----------------------------------------------------------------------------------


def test_a_persona_plays_its_preferences_and_the_same_careers_each_time() -> None:
    demo = story("demo")
    cautious = play_persona(demo, frozenset({"cautious"}), 50, 1)
    assert cautious.endings == {"competition.learned": 50}  # every cautious choice: a first lesson
    artist = play_persona(demo, frozenset({"art", "bus_to_medeu"}), 200, 1)
    assert artist == play_persona(demo, frozenset({"art", "bus_to_medeu"}), 200, 1)
    assert artist.share("competition.podium") > play_persona(demo, frozenset(), 200, 1).share(
        "competition.podium"
    )


def test_a_persona_takes_a_choice_it_names_before_one_that_only_carries_its_tag() -> None:
    """A pursuer leans one way and decides its forks by name: where the choice it names is open
    it takes that one, even beside choices that carry the tags it prefers."""
    demo = story("demo")
    scene, tagged, named = next(
        (sid, a.id, b.id)
        for sid, sc in demo.scenes.items()
        for a in sc.choices
        for b in sc.choices
        if a.id != b.id and a.tags and not set(a.tags) & set(b.tags)
    )
    tag = next(iter(next(c for c in demo.scenes[scene].choices if c.id == tagged).tags))
    persona = Persona(demo, frozenset({tag, named}))
    both = [c.id for c in demo.scenes[scene].choices]
    assert persona.liked(scene, both) == [named]
    assert tagged in persona.liked(scene, [c for c in both if c != named])
    assert Persona(demo, frozenset()).liked(scene, both) == both


def test_a_persona_share_that_fails_names_the_share_found() -> None:
    text = "personas:\n  shy:\n    prefer: [cautious]\n    careers: 20\n"
    text += "    endings: {competition.podium: at least 5%}\n"
    (failure,) = run_text(text).failures
    assert (failure.at.line, failure.at.col) == (5, 15)
    assert failure.message == "expected competition.podium in at least 5% of 20 careers, found 0.0% (0)"


# -- bad files ----------------------------------------------------------------------------------


def test_bad_test_files_get_located_diagnostics_with_hints() -> None:
    text = (
        "paths:\n  x:\n    seed: 1\n    choices: [drill_salchw]\n    endng: a\n"
        "personas:\n  p:\n    prefer: [ambitous]\n    endings: {competition.podium: lots}\n"
        "  q:\n    prefer: []\n    careers: 0\n    endings: {finale.gold: at most 5%}\n"
    )
    outcome = run_text(text)
    assert outcome.cases == 0 and not outcome.ok  # a file with errors runs nothing
    assert [p.format() for p in outcome.problems] == [
        "t.yaml:4:15: error: E060 choice `drill_salchw` is not in the story (did you mean `drill_salchow`?)",
        "t.yaml:5:5: error: E020 unknown key `endng` in path `x` (did you mean `ending`?)",
        # `endng` is read as the `ending` it was meant to be, so its value is checked too
        "t.yaml:5:12: error: E060 ending `a` is not in the story"
        " (an ending is the id of a scene with `ending:`)",
        "t.yaml:8:14: error: E060 tag or choice `ambitous` is not in the story (did you mean `ambitious`?)",
        "t.yaml:9:35: error: E023 ending `competition.podium`: `lots` is not a share"
        " (write `at least 40%` or `at most 10%`)",
        "t.yaml:12:14: error: E023 `careers` 0 is outside 1..100,000",
        "t.yaml:13:15: error: E060 ending `finale.gold` is not in the story"
        " (an ending is the id of a scene with `ending:`)",
    ]


def test_a_yaml_error_in_a_test_file_comes_first_and_alone() -> None:
    outcome = run_text("paths:\n  p:\n    seed: 1\n   choices: [a\n")
    assert outcome.problems and outcome.problems[0].code == "E001" and outcome.problems[0].line >= 3


_NOISE = st.lists(
    st.sampled_from(
        [
            "paths:\n",
            "personas:\n",
            "  p:\n",
            "  - ",
            "    seed: 3\n",
            "    seed: yes\n",
            "    choices: [rest, ask_coach]\n",
            "    choices: {a: 1}\n",
            "    ending: competition.podium\n",
            "    at: {competition.scores: {nerve: 1..}}\n",
            "    at: [1]\n",
            "    stats: {nerve: ..}\n",
            "    flags: {sore_ankle: 1}\n",
            '    shows: [""]\n',
            "    prefer: [ambitious]\n",
            "    prefer: 3\n",
            "    careers: 2\n",
            "    endings: {competition.podium: at most 101%}\n",
            "{",
            "]",
            ": ",
            "&a ",
            "*a ",
            "!!python/name:os.system ",
            "\t",
            "\n",
            "    hides: hi\n",
            "    visits: [[x]]\n",
        ]
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_NOISE.map("".join), st.text(max_size=200)))
def test_any_test_file_gives_problems_or_verdicts_never_exceptions(text: str) -> None:
    outcome = run_text(text)
    assert all(p.line >= 0 and p.code for p in outcome.problems)


# -- the command --------------------------------------------------------------------------------


def test_the_command_passes_the_demo_and_says_so_in_one_line() -> None:
    code, out = run_cli("test", "demo")
    assert code == 0 and out == "The Club Cup: 4 tests in 1 file, all passed\n"


def test_the_command_fails_with_each_failure_where_it_is_written(tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    tests = copy / "tests" / "endings.yaml"
    tests.write_text(tests.read_text().replace("at least 60%", "at least 95%"))
    code, out = run_cli("test", str(copy))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0].endswith(
        "tests/endings.yaml:34:7: artist: expected competition.podium in at least 95% of 300"
        " careers, found 81.3% (244)"
    )
    assert lines[1] == "The Club Cup: 4 tests in 1 file, 1 failed, 3 passed"


def test_the_command_reports_a_bad_test_file_and_exits_1(tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    (copy / "tests" / "bad.yaml").write_text("paths: [1]\n")
    code, out = run_cli("test", str(copy))
    assert code == 1
    assert (
        "tests/bad.yaml:1:8: error: E022 `paths` must be a mapping of test names to tests, not a list" in out
    )
    assert out.endswith("; 1 problem in the test files (a file with problems runs nothing)\n")


def test_a_story_without_tests_passes_and_says_where_tests_go(tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    shutil.rmtree(copy / "tests")
    code, out = run_cli("test", str(copy))
    assert code == 0 and out.startswith("The Club Cup: no tests (write them in ")
