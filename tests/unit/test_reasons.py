"""Lock reasons and expressions in the story's words (engine/play/reasons.py)."""

from __future__ import annotations

import pytest

from engine.core import expr as ex
from engine.play.reasons import explain, in_words
from engine.play.state import GameState


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("power + grace * 2", "Power + Grace * 2"),
        ("not hurt and medal", "not hurt and holding a medal"),
        ("max(power, -grace)", "max(Power, -Grace)"),
        # a conditional reads as one: the result when the condition holds, and the other one
        ("if hurt then grace else power", "(Grace if hurt, else Power)"),
        ('if power > 60 then "strong"', "(“strong” if Power > 60)"),
    ],
)
def test_expressions_read_in_the_storys_words(rules, source: str, words: str) -> None:  # type: ignore[no-untyped-def]
    assert in_words(ex.parse(source), rules, "main") == words


def test_a_failing_conditional_comparison_is_worded_as_a_conditional(rules) -> None:  # type: ignore[no-untyped-def]
    state = GameState("main.hub", {"power": 50, "grace": 10}, {"hurt": True, "medal": False}, {}, [], 0)
    reason = explain(ex.parse("(if hurt then grace else power) >= 60"), state, rules, "main")
    assert reason == "needs (Grace if hurt, else Power) 60 (you have 10)"
