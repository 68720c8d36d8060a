"""Completion offers what the place can hold, read from the buffer as it is being typed (it
need not parse), with the names of the story's last analysis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.load import parse as fp
from engine.load.folder import STORIES_DIR
from engine.lsp.analysis import Analysis, StoryAnalyser
from engine.lsp.completion import complete
from engine.lsp.positions import Place


@pytest.fixture(scope="module")
def demo() -> Analysis:
    return StoryAnalyser(STORIES_DIR / "demo").analyse({})


def offered(analysis: Analysis | None, rel: str, text: str) -> list[str]:
    """The labels offered at the `^` in `text` (which is taken out)."""
    at = text.index("^")
    text = text[:at] + text[at + 1 :]
    line = text[:at].count("\n")
    col = at - (text.rfind("\n", 0, at) + 1)
    found = complete(analysis, rel, text, Place(line, col))
    return [] if found is None else [i.label for i in found.items]


CHAPTER = """chapter: training
scenes:
  early_ice:
    text: |
      The ice.
    choices:
      - text: Go
        effects: {nerve: +2}
        goto: {at}
"""


def test_a_goto_offers_the_chapters_scenes_by_short_name_and_the_others_in_full(demo: Analysis) -> None:
    labels = offered(demo, "training.yaml", CHAPTER.replace("{at}", "co^"))
    assert "coach_talk" in labels and "competition.warmup" in labels and "medeu.open_air" in labels
    assert "training.coach_talk" not in labels and "warmup" not in labels
    quoted = offered(demo, "training.yaml", CHAPTER.replace("{at}", '"co^'))
    assert "coach_talk" in quoted


def test_the_manifests_start_and_a_grafts_key_want_full_ids(demo: Analysis) -> None:
    assert "training.early_ice" in offered(demo, "story.yaml", "id: demo\nstart: tr^\n")
    graft = "chapter: mine\ngraft:\n  tr^\n"
    labels = offered(demo, "branches/mine.yaml", graft)
    assert "training.after_session" in labels and "after_session" not in labels


def test_expressions_offer_stats_flags_functions_and_words(demo: Analysis) -> None:
    for where in ("        if: ne^", "        chance: 50 + ne^", '        effects: {nerve: "+(ar^'):
        labels = offered(demo, "training.yaml", CHAPTER.replace("        goto: {at}", where))
        assert {"nerve", "artistry", "caution", "sore_ankle", "visits", "clamp", "strikes", "not"} <= set(
            labels
        ), where


def test_a_text_offers_expressions_only_inside_braces(demo: Analysis) -> None:
    def at(text: str) -> list[str]:
        return offered(demo, "training.yaml", CHAPTER.replace("      The ice.", text))

    assert "technique" in at("      Your technique reads {tec^")
    assert "technique" in at("      {if sore_ankle and\n      tec^")  # an expression wrapped over lines
    assert at("      Your technique reads tec^") == []
    assert at("      Braces: {{tec^") == []
    assert at('      {if nerve > 50 then "calm and tec^') == []  # inside the expression's own text
    assert at("      {seq: once | tw^") == []  # a variation's fragments are prose
    assert "nerve" in at("    text: A {ne^")  # a one-line text


def test_visits_offers_scenes_in_quotes(demo: Analysis) -> None:
    labels = offered(demo, "training.yaml", CHAPTER.replace("        goto: {at}", '        if: visited("se^'))
    assert "setback.ankle" in labels and "coach_talk" in labels


def test_effects_offer_stats_as_keys_and_flags_to_set(demo: Analysis) -> None:
    flow = CHAPTER.replace("{nerve: +2}", "{nerve: +2, art^")
    assert {"artistry", "set", "clear"} <= set(offered(demo, "training.yaml", flow))
    assert "nerve" not in offered(demo, "training.yaml", CHAPTER.replace("{nerve: +2}", "{nerve: +^"))
    block = CHAPTER.replace(
        "        effects: {nerve: +2}", "        effects:\n          nerve: +2\n          st^"
    )
    assert "stamina" in offered(demo, "training.yaml", block)
    assert set(offered(demo, "training.yaml", CHAPTER.replace("{nerve: +2}", "{set: [sore_ankle, co^"))) == {
        "sore_ankle",
        "coach_trust",
        "saw_medeu",
    }


def test_keys_offer_what_the_format_allows_there_and_is_not_written_yet(demo: Analysis) -> None:
    choice = offered(
        demo, "training.yaml", CHAPTER.replace("        goto: {at}", "        goto: x\n        ^")
    )
    assert set(choice) == set(fp.CHOICE_KEYS) - {"text", "effects", "goto"}
    scene = offered(demo, "training.yaml", CHAPTER + "    ^")
    assert set(scene) == set(fp.SCENE_KEYS) - {"text", "choices"}
    top = offered(demo, "training.yaml", CHAPTER + "^")
    assert set(top) == set(fp.CHAPTER_KEYS) - {"chapter", "scenes"}
    manifest = offered(demo, "story.yaml", "id: demo\ntitle: The Club Cup\n^")
    assert "protagonist" in manifest and "id" not in manifest
    stat = offered(demo, "story.yaml", "stats:\n  grace:\n    label: Grace\n    ^")
    assert set(stat) == set(fp.STAT_KEYS) - {"label"}
    new_item = offered(demo, "training.yaml", CHAPTER + "      - ^")
    assert "text" in new_item and "goto" in new_item


def test_the_values_the_format_names(demo: Analysis) -> None:
    assert "competition" in offered(demo, "training.yaml", "chapter: x\nphase: comp^\n")
    assert "new_path" in offered(demo, "training.yaml", CHAPTER + "    ending: {title: End, tone: ^")
    assert "saule" in offered(demo, "story.yaml", "cast:\n  saule:\n    stat: sa^\n")


def test_a_story_test_file_offers_the_stories_endings_scenes_stats_and_flags(demo: Analysis) -> None:
    case = "paths:\n  bronze:\n    seed: 1\n    choices: [x]\n"
    assert "competition.podium" in offered(demo, "tests/mine.yaml", case + "    ending: comp^\n")
    assert "competition.warmup" not in offered(demo, "tests/mine.yaml", case + "    ending: comp^\n")
    assert "setback.ankle" in offered(demo, "tests/mine.yaml", case + "    visits: [set^\n")
    assert "coach_trust" in offered(demo, "tests/mine.yaml", case + "    flags:\n      co^\n")
    assert "nerve" in offered(demo, "tests/mine.yaml", case + "    stats:\n      ne^\n")
    assert "competition.scores" in offered(demo, "tests/mine.yaml", case + "    at:\n      comp^\n")


def test_without_an_analysis_yet_keys_are_still_offered() -> None:
    assert "scenes" in offered(None, "main.yaml", "chapter: main\n^")
    assert offered(None, "main.yaml", "chapter: main\nscenes:\n  a:\n    next: ^") == []


_PIECES = [
    *"ab:- \n{}[]\"'(|>#*.,\t“🥇",
    "  ",
    "goto: ",
    "if: ",
    "effects: {",
    "set: [",
    'visits("',
    "text: |",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.integers(0, 12), st.integers(0, 40))
def test_completion_anywhere_in_any_text_never_raises(demo: Analysis, text: str, line: int, col: int) -> None:
    rel = ("training.yaml", "story.yaml", "tests/x.yaml")[(line + col) % 3]
    lines = text.split("\n")
    line = min(line, len(lines) - 1)
    found = complete(demo, rel, text, Place(line, min(col, len(lines[line]))))
    assert found is None or (found.start.line == line and found.start.col <= found.end.col)


def test_prose_that_looks_like_a_key_is_still_prose(demo: Analysis) -> None:
    block = CHAPTER.replace("      The ice.", "      The ice.\n      Coach: {ne^")
    assert "nerve" in offered(demo, "training.yaml", block)
    assert (
        offered(demo, "training.yaml", CHAPTER.replace("      The ice.", "      The ice.\n      Coach: ne^"))
        == []
    )
