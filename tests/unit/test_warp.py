"""Warp: any scene, with the stats and flags an author chooses, entered the way a goto would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.author.warp import OUTER, STORY, WarpError, arrival, stat_value, warp
from engine.core.model import Pos, Stat, Story
from engine.play.session import Session
from tests.support import STORIES

STUDIO = STORIES / "studio"
POISE = Stat("poise", "Poise", 40, 0, 60, "", Pos("story.yaml", 1, 1))
GRACE = Stat("grace", "Grace", 0, -20, 20, "", Pos("story.yaml", 1, 1))


def test_a_typed_value_is_read_within_the_stat_range() -> None:
    assert stat_value(POISE, " 42 ") == 42
    assert stat_value(POISE, "+7") == 7
    assert stat_value(GRACE, "-20") == -20 and stat_value(GRACE, "\u221215") == -15
    assert stat_value(POISE, "61") == "Poise must be from 0 to 60 (not 61)"
    assert stat_value(POISE, "") == "Poise must be a whole number from 0 to 60"
    assert stat_value(POISE, "4.5") == "Poise must be a whole number from 0 to 60"
    assert stat_value(POISE, "١٢") == "Poise must be a whole number from 0 to 60"  # Arabic-Indic digits
    assert stat_value(POISE, "9" * 400) == "Poise must be from 0 to 60"


@given(st.text(max_size=30))
def test_any_text_gives_a_value_in_range_or_says_what_is_wrong(text: str) -> None:
    value = stat_value(GRACE, text)
    if isinstance(value, int):
        assert -20 <= value <= 20
    else:
        assert value.startswith("Grace must be") and "from -20 to 20" in value


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_every_whole_number_in_range_is_accepted_and_no_other(n: int) -> None:
    value = stat_value(GRACE, str(n))
    assert value == n if -20 <= n <= 20 else isinstance(value, str)


def test_a_warp_arrives_with_the_chosen_stats_and_flags_then_the_scene_applies_its_effects(
    studio: Story,
) -> None:
    s = Session(studio, 3)
    s.choose("centre")
    w = warp(s, "class.barre", {"strength": 70, "poise": 10}, {"tired": True})
    assert w.state.scene == "class.barre"
    assert w.state.stats == {"strength": 71, "poise": 10}  # +1 strength on arrival at the barre
    assert w.state.flags == {"tired": True}
    assert w.state.visits["class.barre"] == 2 and w.state.turn == s.state.turn  # the career's own record
    assert w.journal == () and not w.can_undo and w.seed == s.seed
    assert s.state.scene == "class.centre" and s.state.stats["strength"] == 51  # the career is untouched
    w.choose("centre")
    assert w.state.scene == "class.centre" and w.undo() == 1


def test_stats_and_flags_not_given_stay_as_they_are(studio: Story) -> None:
    s = Session(studio, 3)
    w = warp(s, "class.centre", {}, {})
    assert w.state.stats == s.state.stats and w.state.flags == s.state.flags


def test_a_scene_without_text_passes_straight_on_as_in_play(studio: Story) -> None:
    s = Session(studio, 3)
    assert arrival(s, "class.after").router
    assert warp(s, "class.after", {}, {"tired": True}).state.scene == "stage.home"
    untired = warp(s, "class.after", {}, {"tired": False})
    assert untired.state.scene == "stage.show" and untired.ended


def test_warping_into_a_detour_returns_to_where_you_warped_from(studio: Story) -> None:
    s = Session(studio, 3)
    s.choose("centre")
    plan = arrival(s, "rest.bench")
    assert plan.caller == "class.centre" and plan.effects == ("set tired", "poise -5", "strength +5")
    w = warp(s, "rest.bench", {}, {})
    assert w.state.stack == [("class.centre", None, 1)] and w.state.flags["tired"]
    w.choose("continue")
    assert w.state.scene == "class.centre" and w.stuck is None


def test_a_detour_warped_into_from_an_ending_returns_as_after_the_storys_call(studio: Story) -> None:
    ended = warp(Session(studio, 3), "stage.home", {}, {})
    plan = arrival(ended, "rest.bench")  # an ending is nowhere to come back to
    assert (plan.caller, plan.after, plan.called, plan.returns_to) == (
        "class.barre",
        "class.centre",
        STORY,
        "class.centre",
    )
    w = warp(ended, "rest.bench", {}, {})
    assert w.state.stack == [("class.barre", "class.centre", 1)]
    w.choose("continue")
    assert w.state.scene == "class.centre" and w.stuck is None  # not stuck on a `return` with no caller


def test_a_detour_warped_into_from_inside_a_detour_returns_where_that_one_would(studio: Story) -> None:
    s = Session(studio, 3)
    s.choose("sit")  # on the bench, called from the barre: back to the centre after it
    plan = arrival(s, "rest.bench")
    assert (plan.called, plan.returns_to) == (OUTER, "class.centre")
    w = warp(s, "rest.bench", {}, {})
    assert w.state.stack == s.state.stack
    w.choose("continue")
    assert w.state.scene == "class.centre"


def test_an_ending_can_be_warped_to(studio: Story) -> None:
    s = Session(studio, 3)
    plan = arrival(s, "stage.home")
    assert plan.ending and plan.caller is None
    assert warp(s, "stage.home", {}, {}).ended


@pytest.mark.parametrize(
    ("scene", "stats", "flags", "message"),
    [
        ("class.nowhere", {}, {}, "there is no scene “class.nowhere” in this story"),
        ("class.barre", {"strenght": 5}, {}, "there is no stat “strenght” in this story"),
        ("class.barre", {"poise": 61}, {}, "Poise must be a whole number from 0 to 60"),
        ("class.barre", {"poise": True}, {}, "Poise must be a whole number from 0 to 60"),
        ("class.barre", {}, {"sleepy": True}, "there is no flag “sleepy” in this story"),
        ("class.barre", {}, {"tired": 1}, "the flag “tired” must be true or false"),
    ],
)
def test_a_warp_that_cannot_be_made_says_why(studio: Story, scene, stats, flags, message) -> None:  # type: ignore[no-untyped-def]
    s = Session(studio, 3)
    with pytest.raises(WarpError) as err:
        warp(s, scene, stats, flags)
    assert str(err.value) == message
