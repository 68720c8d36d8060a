"""Loops and bounds that used to pass `check` and fail only in play (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core.expr import LIMIT
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
