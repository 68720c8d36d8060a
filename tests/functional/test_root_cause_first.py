"""Root cause first (issue 17): one mistake is reported once, at its place, before the rest.

A chapter that fails to load makes every reference into it "missing"; a misspelt `stats:` or a
stat with a bad start used to make every use of the stats "unknown". These tests read `check`'s
output line by line, in order, as an author (or an editor's problem matcher) reads it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core.diagnostics import Diagnostic, follows
from tests.support import BAD_STORIES
from tests.support.cli import run_cli


def _lines(case: str) -> tuple[int, list[str]]:
    code, out = run_cli("check", "--no-cache", str(BAD_STORIES / case))
    return code, [line.split("bad_stories/", 1)[-1] for line in out.splitlines()]


def test_a_chapter_that_cannot_be_read_is_one_line_that_counts_what_follows() -> None:
    assert _lines("chapter_file_unreadable") == (
        1,
        [
            "chapter_file_unreadable/training.yaml:4:21: error: E001 mapping values are not allowed in"
            " this context (a text with `: ` in it needs quotes, or a `|` block); and 3 more problems"
            " that follow from this one",
            "checked 1 story, 2 scenes: 1 error, 0 warnings",
        ],
    )


def test_the_follow_ons_are_a_number_in_json() -> None:
    case = str(BAD_STORIES / "chapter_file_unreadable")
    code, out = run_cli("check", "--no-cache", case, "--format", "json")
    (d,) = json.loads(out)["stories"][0]["diagnostics"]
    assert code == 1 and (d["code"], d["follow_ons"]) == ("E001", 3)
    _, plain = run_cli("check", str(BAD_STORIES / "unknown_stat"), "--format", "json")
    assert "follow_ons" not in json.loads(plain)["stories"][0]["diagnostics"][0]


def test_a_duplicate_chapter_blames_the_file_named_otherwise_and_hides_no_real_scene() -> None:
    code, lines = _lines("chapter_twice_blames_the_copy")
    assert code == 1 and lines == [
        "chapter_twice_blames_the_copy/gala.yaml:1:1: error: E026 chapter `meet` is already defined in"
        " meet.yaml (give this file's chapter a name of its own); and 1 more problem that follows from"
        " this one",
        "checked 1 story, 2 scenes: 1 error, 0 warnings",
    ]


def test_shape_problems_come_before_the_problems_they_may_cause_whatever_the_line() -> None:
    code, lines = _lines("fallback_target_missing")
    assert code == 1 and [line.split(": ")[2][:4] for line in lines[:-1]] == ["E024", "E050"]
    assert lines[-1] == "checked 1 story, 3 scenes: 2 errors, 0 warnings"  # no W107, no E028


def test_a_misspelt_stats_key_and_a_stat_out_of_range_are_each_one_error() -> None:
    for case, code in (("stats_key_misspelt", "E020"), ("stat_starts_above_max", "E023")):
        found = [d.code for d in load_checked(BAD_STORIES / case, cache=False).diagnostics]
        assert found == [code], case


def test_the_count_reads_in_the_singular_and_plural() -> None:
    assert follows(1) == "and 1 more problem that follows from this one"
    assert follows(84) == "and 84 more problems that follow from this one"
    assert Diagnostic("E001", "bad", "a.yaml", 1, 1).format() == "a.yaml:1:1: error: E001 bad"


@settings(max_examples=25, deadline=None)
@given(
    start=st.integers(-(10**6), 10**6),
    low=st.integers(-(10**6), 10**6),
    high=st.integers(-(10**6), 10**6),
)
def test_a_stat_with_any_bounds_never_makes_its_uses_unknown(
    tmp_path_factory: object, start: int, low: int, high: int
) -> None:
    story = Path(tmp_path_factory.mktemp("s"))  # type: ignore[attr-defined]
    shutil.copy(BAD_STORIES / "unknown_stat" / "main.yaml", story / "main.yaml")
    (story / "story.yaml").write_text(
        "id: bad\ntitle: Bad\nstart: main.a\n"
        f"stats:\n  technique: {{start: {start}, min: {low}, max: {high}}}\nflags: [injured]\n"
    )
    codes = [d.code for d in load_checked(story, cache=False).diagnostics]
    assert set(codes) <= {"E023"} and len(codes) <= 2
    assert (codes == []) == (low < high and low <= start <= high)


@settings(max_examples=25, deadline=None)
@given(key=st.sampled_from(["statistics", "statss", "sats", "Stats", "stts"]))
def test_a_stats_key_one_slip_away_still_declares_the_stats(tmp_path_factory: object, key: str) -> None:
    story = Path(tmp_path_factory.mktemp("s"))  # type: ignore[attr-defined]
    shutil.copy(BAD_STORIES / "unknown_stat" / "main.yaml", story / "main.yaml")
    (story / "story.yaml").write_text(
        f"id: bad\ntitle: Bad\nstart: main.a\n{key}:\n  technique: {{start: 50}}\nflags: [injured]\n"
    )
    assert [d.code for d in load_checked(story, cache=False).diagnostics] == ["E020"]


def test_a_scene_or_stat_left_out_for_its_name_counts_its_uses_under_it() -> None:
    for case, count in (("scene_name_invalid_used", 2), ("stat_name_invalid", 2)):
        (d,) = load_checked(BAD_STORIES / case, cache=False).diagnostics
        assert (d.code, d.follow_ons) == ("E024", count), case


def test_a_manifest_misnamed_is_named_with_its_fix() -> None:
    code, lines = _lines("manifest_misnamed")
    assert code == 1 and lines == [
        "manifest_misnamed: error: E027 no story.yaml: a story folder needs a manifest"
        " (rename `story.yml` to `story.yaml`); and 3 more problems that follow from this one",
        "checked 1 story, 0 scenes: 1 error, 0 warnings",
    ]
