"""The chapter map of the author view: layers, where the career is and has been, every way out."""

from __future__ import annotations

from pathlib import Path

from engine.author.chapter_map import (
    CURRENT,
    ENDING,
    ROUTER,
    SCENE,
    UNVISITED,
    VISITED,
    chapter_map,
    effect_words,
)
from engine.author.check import load_checked
from engine.author.graph import chapter_order, detour_scenes
from engine.core.model import Story
from engine.play.session import Session
from engine.tui.screens.author import exit_text
from tests.support import STORIES

STUDIO = STORIES / "studio"


def ids(layer) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in layer]


def test_chapters_come_in_the_order_play_reaches_them(studio: Story, demo: Story) -> None:
    assert chapter_order(studio) == ["class", "rest", "stage"]
    # the demo's files sort as branches/medeu, competition, setback, training: play order differs
    assert chapter_order(demo) == ["training", "setback", "competition", "medeu"]


def test_scenes_are_layered_by_distance_from_where_the_chapter_is_entered(studio: Story) -> None:
    m = chapter_map(studio, "class", Session(studio, 1).state)
    assert [ids(layer) for layer in m.layers] == [["class.barre"], ["class.centre"], ["class.after"]]
    assert (m.title, m.phase, m.number, m.count) == ("Morning Class", "training", 1, 3)
    assert m.elsewhere == ()
    stage = chapter_map(studio, "stage", Session(studio, 1).state)
    assert [ids(layer) for layer in stage.layers] == [["stage.show", "stage.home"]]
    assert stage.find("stage.show").entered_from == ("class.centre", "class.after")  # type: ignore[union-attr]


def test_a_second_way_into_a_chapter_does_not_pull_its_scene_to_the_top(demo: Story) -> None:
    m = chapter_map(demo, "training", Session(demo, 1).state)
    # Medeu leads back into training at cup_morning, which play otherwise reaches two steps in
    assert [ids(layer) for layer in m.layers] == [
        ["training.early_ice"],
        ["training.triple_talk", "training.coach_talk", "training.after_session"],
        ["training.cup_morning"],
    ]
    assert m.find("training.cup_morning").entered_from == ("medeu.open_air",)  # type: ignore[union-attr]


def test_scenes_no_path_in_the_chapter_reaches_are_listed_apart(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(STUDIO, tmp_path / "s")
    rest = tmp_path / "s" / "rest.yaml"
    rest.write_text(
        rest.read_text()
        + "  nap:\n    title: A Nap\n    text: Nobody comes here.\n    continue: Up\n    return: true\n"
    )
    story = load_checked(tmp_path / "s", cache=False).story
    assert story is not None
    m = chapter_map(story, "rest", Session(story, 1).state)
    assert ids(m.elsewhere) == ["rest.nap"] and m.find("rest.nap").depth is None  # type: ignore[union-attr]


def test_each_scene_says_where_play_is_where_it_has_been_and_what_kind_it_is(studio: Story) -> None:
    s = Session(studio, 1)
    s.choose("centre")
    m = chapter_map(studio, "class", s.state)
    barre, centre, after = m.scenes
    assert (barre.status, barre.visits, barre.kind) == (VISITED, 1, SCENE)
    assert (centre.status, centre.kind) == (CURRENT, SCENE)
    assert (after.status, after.kind) == (UNVISITED, ROUTER)
    assert barre.where.endswith("class.yaml:5") and barre.effects == ("strength +1",)
    show = chapter_map(studio, "stage", s.state).find("stage.show")
    assert show is not None and show.kind == ENDING and show.ending == "On Stage (triumph)"


def test_every_way_out_has_its_condition_whether_it_holds_and_where_it_leads(studio: Story) -> None:
    s = Session(studio, 1)
    centre = chapter_map(studio, "class", s.state).find("class.centre")
    assert centre is not None
    jete, finish = centre.exits
    assert (jete.label, jete.condition, jete.holds, jete.hidden) == (
        "Try the grand jeté",
        "strength >= 55",
        False,
        False,
    )
    assert [w.words for w in jete.ways] == ["The Show (stage.show)"]
    assert finish.condition is None and finish.holds is None
    assert [(w.kind, w.target, w.words) for w in finish.ways] == [("goto", "class.after", "After (after)")]
    barre = chapter_map(studio, "class", s.state).find("class.barre")
    assert barre is not None
    assert barre.exits[1].ways[0].words == "detour to On the Bench (rest.bench), then In the Centre (centre)"
    after = chapter_map(studio, "class", s.state).find("class.after")
    assert after is not None
    assert [(e.label, e.condition, e.holds) for e in after.exits] == [
        ("passes on", "tired", False),
        ("passes on", None, None),
    ]
    bench = chapter_map(studio, "rest", s.state).find("rest.bench")
    assert bench is not None and bench.detour
    assert bench.exits[0].label == "Back to class" and bench.exits[0].ways[0].kind == "return"


def test_a_chance_shows_its_percent_now_and_both_outcomes(demo: Story) -> None:
    early = chapter_map(demo, "training", Session(demo, 1).state).find("training.early_ice")
    assert early is not None
    drill = early.exits[0]
    assert drill.chance == "technique + 20: 60% now"
    assert [(w.when, w.kind, w.target) for w in drill.ways] == [
        ("on success", "goto", "training.after_session"),
        ("on failure", "call", "setback.ankle"),
    ]
    walk = chapter_map(demo, "training", Session(demo, 1).state).find("training.after_session")
    assert walk is not None
    grandmother = next(e for e in walk.exits if e.label.startswith("Call your grandmother"))
    assert grandmother.hidden and grandmother.holds  # hidden only while it fails
    assert grandmother.graft is None
    (medeu,) = [e for e in walk.exits if e.graft is not None]
    assert medeu.label == "Take the bus up to Medeu instead" and medeu.graft == "branches/medeu.yaml"
    assert "grafted on by branches/medeu.yaml" in exit_text(medeu).plain


def test_detour_scenes_are_those_a_call_leads_into(demo: Story, studio: Story) -> None:
    assert detour_scenes(demo) == {"setback.ankle", "setback.boards", "setback.grandmother"}
    assert detour_scenes(studio) == {"rest.bench"}


def test_effects_read_as_an_author_writes_them(demo: Story) -> None:
    words = {
        sid: [effect_words(e) for c in demo.scenes[sid].choices for e in c.effects]
        for sid in ("training.after_session", "training.early_ice")
    }
    assert words["training.after_session"] == [
        "technique +(artistry // 10)",
        "stamina -12",
        "stamina =60",
        "nerve +5",
    ]
    # `daring +5` and `saule +15` are the demo's pair and relationship stat
    assert words["training.early_ice"] == [
        "daring +5",
        "artistry %+15",
        "stamina -8",
        "set coach_trust",
        "saule +15",
    ]
    ankle = demo.scenes["setback.ankle"]
    assert [effect_words(e) for e in ankle.effects] == ["set sore_ankle", "stamina -10"]
    assert "clear sore_ankle" in [effect_words(e) for e in ankle.choices[1].effects]


def test_once_only_and_fallback_choices_say_how_play_offers_them_now(demo: Story) -> None:
    s = Session(demo, 1)
    talk = chapter_map(demo, "training", s.state).find("training.triple_talk")
    assert talk is not None
    assert [e.offer for e in talk.exits] == [
        "once-only: offered until taken",
        "fallback: not offered while another is open",
    ]
    s.choose("ask_triple")
    s.choose("ask_how_long")
    m = chapter_map(demo, "training", s.state)
    talk, early = m.find("training.triple_talk"), m.find("training.early_ice")
    assert talk is not None and early is not None
    taken = "once-only: taken, so no longer offered"
    assert [e.offer for e in talk.exits] == [taken, "fallback: offered now"]
    assert early.exits[3].offer == "once-only: taken, so no longer offered"
    assert "fallback: offered now" in exit_text(talk.exits[1]).plain
