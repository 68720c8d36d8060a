"""`simulate` reports what the careers standard measures: words shown, the share of the story's
text one career shows, choice scenes that all lead to one scene, choice shares by tag, personas."""

from __future__ import annotations

import json
from pathlib import Path

from engine.author.metrics import outcome_words, same_next_scenes, scene_words, shown_text_words
from engine.author.simulate.run import simulate
from engine.author.simulate.summary import Summary, percentile
from engine.author.storytest.run import play_persona
from engine.cli.simulate_text import as_text
from engine.core.model import CONTINUE
from engine.load.folder import STORIES_DIR
from engine.play.session import Session
from tests.support.cli import run_cli
from tests.support.stories import story

DEMO_TESTS = STORIES_DIR / "demo" / "tests" / "endings.yaml"


def test_choice_scenes_that_all_lead_to_one_scene_are_counted_statically() -> None:
    # The warm-up's three choices all go on to the short program; every other choice scene
    # forks (the short program's failed double salchow calls the sprain detour).
    assert same_next_scenes(story("demo")) == (1, 6)


def _words_of_one_career(seed: int, choices: tuple[str, ...]) -> tuple[int, float]:
    """Words shown and share of the text, counted independently by replaying with `choose`."""
    demo = story("demo")
    session = Session(demo, seed)
    words, seen, outcomes = scene_words(session.scene), {session.state.scene}, set()
    said = outcome_words(demo)
    for cid in choices:
        here = session.state.scene
        result = session.choose(cid)
        if result.step.roll is not None:
            side = 0 if result.step.roll.success else 1
            words += said[here, cid][side]
            outcomes.add((here, cid, side))
        words += scene_words(session.scene)
        seen.add(session.state.scene)
    distinct = sum(scene_words(demo.scenes[s]) for s in session.state.visits)
    distinct += sum(said[s, c][side] for s, c, side in outcomes)
    return words, distinct / shown_text_words(demo)


def test_words_shown_and_the_share_of_text_match_a_career_replayed_by_hand() -> None:
    demo = story("demo")
    report = simulate(demo, 1, 5)
    assert report.shortest is not None and report.careers == 1
    words, share = _words_of_one_career(report.shortest.seed, report.shortest.choices)
    assert report.words == {words: 1}
    assert report.text_share == {round(1000 * share): 1}


def test_rolls_per_career_count_the_rolls_each_career_made() -> None:
    """The careers standard wants at most 12 chance rolls on a median career: simulate counts
    each career's rolls, and the count agrees with the rolls in the careers' journals."""
    demo = story("demo")
    report = simulate(demo, 1, 5)
    assert report.shortest is not None
    session = Session(demo, report.shortest.seed)
    for cid in report.shortest.choices:
        session.choose(cid)
    assert report.roll_counts == {sum(step.roll is not None for step in session.journal): 1}
    many = simulate(demo, 300, 3)
    assert sum(many.roll_counts.values()) == many.ended
    assert sum(k * n for k, n in many.roll_counts.items()) == sum(row[0] for row in many.rolls.values())
    rolls = Summary(demo, many).to_json()["text"]["rolls"]
    assert rolls["min"] <= rolls["p50"] <= rolls["max"]
    assert f"chance rolls in a career  {rolls['min']} to {rolls['max']}, median {rolls['p50']}" in as_text(
        Summary(demo, many)
    )


def test_the_figures_are_in_the_json_and_the_text() -> None:
    demo = story("demo")
    summary = Summary(demo, simulate(demo, 300, 3))
    doc = summary.to_json()
    words = doc["text"]["words"]
    assert words["min"] <= words["p50"] <= words["max"] and words["min"] > 100
    assert 0 < doc["text"]["text_share"]["min"] <= doc["text"]["text_share"]["p50"] <= 1
    assert doc["text"]["same_next"] == {"scenes": 1, "choice_scenes": 6, "share": 0.1667}
    text = as_text(summary)
    assert f"words shown in a career  {words['min']:,} to {words['max']:,}, median {words['p50']:,}" in text
    assert "choice scenes whose options all lead to the same scene  1 of 6 (16.7%)" in text
    assert doc["personas"] == []


def test_tag_shares_count_the_choices_made_that_carry_each_tag() -> None:
    demo = story("demo")
    report = simulate(demo, 300, 3)
    rows = {row["tag"]: row for row in Summary(demo, report).tags()}
    assert set(rows) == {"ambitious", "art", "cautious", "family"}
    made = sum(n for (_, cid), n in report.choice_taken.items() if cid != CONTINUE)
    cautious = sum(n for (sid, cid), n in report.choice_taken.items() if _tagged(sid, cid, "cautious"))
    assert rows["cautious"]["taken"] == cautious and rows["cautious"]["share"] == round(cautious / made, 4)


def _tagged(sid: str, cid: str, tag: str) -> bool:
    return any(c.id == cid and tag in c.tags for c in story("demo").scenes[sid].choices)


def test_the_median_share_is_the_nearest_rank_of_every_career() -> None:
    demo = story("demo")
    report = simulate(demo, 200, 9)
    doc = Summary(demo, report).to_json()
    assert doc["text"]["text_share"]["p50"] == round(percentile(report.text_share, 50) / 1000, 3)
    assert sum(report.words.values()) == report.ended == 200


def test_simulate_plays_the_personas_of_a_story_test_file() -> None:
    code, out = run_cli("simulate", "demo", "--runs", "120", "--seed", "2", "--persona", str(DEMO_TESTS))
    assert code == 0
    artist = play_persona(story("demo"), frozenset({"art", "bus_to_medeu"}), 120, 2)
    podium = artist.endings["competition.podium"]
    assert "Persona artist (prefers art, bus_to_medeu): 120 careers" in out
    assert f"  Bronze at the Club Cup  {podium:>8}" in out
    code, out = run_cli(
        "simulate", "demo", "--runs", "120", "--seed", "2", "--persona", str(DEMO_TESTS), "--format", "json"
    )
    doc = json.loads(out)
    assert [p["name"] for p in doc["personas"]] == ["bold", "artist"]
    assert doc["personas"][1]["endings"][0] == {
        "scene": "competition.podium",
        "title": "Bronze at the Club Cup",
        "careers": podium,
        "share": round(podium / 120, 4),
    }


def test_a_bad_persona_file_is_reported_where_it_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("personas:\n  p:\n    prefer: [ambitous]\n")
    code, out = run_cli("simulate", "demo", "--runs", "5", "--persona", str(bad))
    assert code == 1 and "p.yaml:3:14: error: E060 tag or choice `ambitous` is not in the story" in out
    code, out = run_cli("simulate", "demo", "--runs", "5", "--persona", str(tmp_path / "none.yaml"))
    assert code == 2 and out.startswith("error: cannot read")
