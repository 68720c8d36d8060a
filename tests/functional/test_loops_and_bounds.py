"""Loops and bounds that used to pass `check` and fail only in play (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core import template as tpl
from engine.core.expr import LIMIT
from engine.play.session import Session
from tests.support import BAD_STORIES


@settings(max_examples=30, deadline=None)
@given(low=st.integers(-(10**20), 0), high=st.integers(1, 10**20))
def test_a_stat_range_is_an_error_exactly_when_it_passes_the_arithmetic_limit(
    tmp_path_factory: object, low: int, high: int
) -> None:
    story = Path(tmp_path_factory.mktemp("s"))  # type: ignore[attr-defined]
    shutil.copy(BAD_STORIES / "unknown_stat" / "main.yaml", story / "main.yaml")
    (story / "story.yaml").write_text(
        f"id: bad\ntitle: Bad\nstart: main.a\nstats:\n  technique: {{min: {low}, max: {high}, start: 0}}\n"
        "flags: [injured]\n"
    )
    codes = [d.code for d in load_checked(story, cache=False).errors]
    assert codes == ([] if low >= -LIMIT and high <= LIMIT else ["E023"])


def _router_story(tmp_path: Path, recheck: str) -> Path:
    """The corpus's conditional router loop, with `recheck` replaced."""
    story = tmp_path / "loop"
    shutil.copytree(BAD_STORIES / "router_loop_conditional", story)
    main = story / "main.yaml"
    main.write_text(main.read_text().replace("  recheck:\n    next: selection\n", recheck))
    (story / "expected.txt").unlink()
    return story


def test_a_router_loop_whose_conditions_nothing_changes_is_e059() -> None:
    (d,) = load_checked(BAD_STORIES / "router_loop_conditional", cache=False).diagnostics
    assert (d.code, d.scene, d.line) == ("E059", "main.selection", 11)
    assert d.message.endswith("main.selection -> main.recheck -> main.selection")


def test_a_router_loop_with_an_effect_on_what_it_reads_passes_check_and_ends_in_play(tmp_path: Path) -> None:
    story = _router_story(tmp_path, "  recheck:\n    effects: {technique: +10}\n    next: selection\n")
    result = load_checked(story, cache=False)
    assert result.errors == [] and result.story is not None
    session = Session(result.story, 1)
    session.choose("wait")  # technique 50 -> 60 on the way round: picked
    assert session.fault is None and session.state.scene == "main.picked"


def test_a_router_loop_that_counts_visits_is_not_e059(tmp_path: Path) -> None:
    counted = '  recheck:\n    next:\n      - if: visits("recheck") < 3\n        goto: selection\n'
    story = _router_story(tmp_path, counted + "      - goto: b\n")
    assert [d.code for d in load_checked(story, cache=False).errors] == []


def test_a_router_loop_is_judged_by_what_its_scenes_change(tmp_path: Path) -> None:
    story = _router_story(tmp_path, "  recheck:\n    effects: {clear: [injured]}\n    next: selection\n")
    # clearing `injured`, which `selection` reads, can change its way: not reported; a milestone
    # changes nothing a condition reads
    assert [d.code for d in load_checked(story, cache=False).errors] == []
    story = _router_story(tmp_path / "2", "  recheck:\n    milestone: Waited.\n    next: selection\n")
    assert [d.code for d in load_checked(story, cache=False).errors] == ["E059"]


BACK = "        id: back\n        goto: a\n"  # the detour's way back to the scene that calls it


def test_a_detour_that_leads_back_to_its_caller_is_w124_and_would_fault_in_play() -> None:
    result = load_checked(BAD_STORIES / "detour_calls_itself", cache=False)
    (d,) = result.diagnostics
    assert (d.code, d.scene, d.line, d.col) == ("W124", "main.a", 8, 15)
    assert result.story is not None
    session = Session(result.story, 1)
    for _ in range(32):
        session.choose("physio")
        session.choose("back")
    assert session.fault is None and len(session.state.stack) == 32
    session.choose("physio")  # what the warning foretells
    assert session.fault is not None and "detours nested more than 32 deep" in session.fault


def _detour_story(tmp_path: Path, back: str, more_scenes: str = "") -> Path:
    """The bad story `detour_calls_itself` with its choice `back` going `back` instead of to `a`
    (`return: true`, `call: ice`), and `more_scenes` added to its chapter."""
    story = tmp_path / "s"
    shutil.copytree(BAD_STORIES / "detour_calls_itself", story)
    main = story / "main.yaml"
    old, new = "        id: back\n        goto: a\n", f"        id: back\n        {back}\n"
    main.write_text(main.read_text().replace(old, new) + more_scenes)
    return story


def test_a_detour_that_returns_before_it_leads_back_is_not_w124(tmp_path: Path) -> None:
    story = _detour_story(tmp_path, "return: true")
    assert [d.code for d in load_checked(story, cache=False).diagnostics if d.code == "W124"] == []


def test_two_detours_that_call_each_other_are_one_w124(tmp_path: Path) -> None:
    story = _detour_story(
        tmp_path,
        "call: ice",
        "  ice:\n    text: Cold.\n    choices:\n      - text: Physio again\n        call: physio\n"
        "      - text: Done\n        return: true\n",
    )
    found = [d for d in load_checked(story, cache=False).diagnostics if d.code == "W124"]
    assert len(found) == 1 and "(by way of `main.ice`)" in found[0].message


def test_a_text_that_prints_a_stat_its_own_scene_changes_is_w125_and_shows_the_new_value() -> None:
    result = load_checked(BAD_STORIES / "text_after_own_effects", cache=False)
    (d,) = result.diagnostics
    assert (d.code, d.scene, d.line, d.col) == ("W125", "main.letter", 12, 46)
    assert result.story is not None
    session = Session(result.story, 1)
    session.choose("read-the-letter")
    assert "gives you 70 for technique" in tpl.to_plain(session.text)  # 50 + 10, then + 10 again


@pytest.mark.parametrize(
    "text", ['{if technique >= 60 then "a lot" else "little"}', "{technique}", "{technique * 2}"]
)
def test_the_new_value_alone_or_in_a_condition_is_not_w125(tmp_path: Path, text: str) -> None:
    story = tmp_path / "s"
    shutil.copytree(BAD_STORIES / "text_after_own_effects", story)
    main = story / "main.yaml"
    main.write_text(main.read_text().replace("{technique + 10}", text))
    assert [d.code for d in load_checked(story, cache=False).diagnostics] == []


def test_a_difference_in_a_milestone_is_w125_too(tmp_path: Path) -> None:
    story = tmp_path / "s"
    shutil.copytree(BAD_STORIES / "text_after_own_effects", story)
    main = story / "main.yaml"
    effects = "    effects: {technique: +10}\n"
    text = main.read_text().replace("{technique + 10}", "ten")
    main.write_text(text.replace(effects, effects + "    milestone: Up from {technique - 10}.\n"))
    assert [d.code for d in load_checked(story, cache=False).diagnostics] == ["W125"]
