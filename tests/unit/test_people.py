"""Stats people can read: groups, opposed pairs, the cast, and a branch's own stats and flags.

Played through `Session`, as the app, plain mode and the simulator play; the app's side (the
grouped panel, the People view) is in tests/tui/test_people_view.py.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core.model import Story
from engine.load.folder import bundled_stories
from engine.play.session import Session
from engine.saves.record import Recorder, resume
from engine.saves.store import SaveStore

PAIR_MANIFEST = """\
id: pairs
title: Pairs
start: main.a
stats:
  daring: {label: Daring, opposite: caution, start: 50, min: 10, max: 90, group: Who you are}
  k: {start: 0, min: -100, max: 100, group: Who you are}
"""

PAIR_CHAPTER = """\
chapter: main
scenes:
  a:
    text: "Daring {daring}, caution {caution}."
    choices:
      - {id: fair_caution, text: Fair caution, effects: {caution: "%+k"}, goto: b}
      - {id: fair_daring_down, text: Fair daring down, effects: {daring: "%-k"}, goto: b}
      - {id: add_caution, text: Add caution, effects: {caution: "+k"}, goto: b}
      - {id: sub_daring, text: Sub daring, effects: {daring: "-k"}, goto: b}
      - {id: set_caution, text: Set caution, effects: {caution: "=70"}, goto: b}
      - {id: careful, text: Careful, if: caution >= 60, locked: true, goto: b}
  b:
    text: "Done: {if caution > daring then 'careful' else 'bold'} {k}."
    ending: {title: Done, tone: farewell}
"""

PAIR_FILES = {"story.yaml": PAIR_MANIFEST, "main.yaml": PAIR_CHAPTER}


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def loaded(folder: Path) -> Story:
    result = load_checked(folder, cache=False)
    errors = [d.format() for d in result.diagnostics if d.is_error]
    assert result.story is not None and errors == [], errors
    return result.story


def pair_story(tmp_path: Path) -> Story:
    return loaded(write(tmp_path / "pairs", PAIR_FILES))


def demo() -> Story:
    result = load_checked("demo", cache=False)
    assert result.story is not None and result.diagnostics == []
    return result.story


# -- groups and pairs ------------------------------------------------------------------------


def test_the_demo_shows_its_stats_in_two_groups_in_the_order_written() -> None:
    groups = [(g, [s.id for s in stats]) for g, stats in demo().stat_groups]
    assert groups == [
        ("On the ice", ["technique", "artistry", "nerve", "stamina"]),
        ("Off the ice", ["daring", "saule"]),
    ]


def test_ungrouped_stats_come_first_without_a_heading(tmp_path: Path) -> None:
    manifest = PAIR_MANIFEST.replace("  k: {start: 0, min: -100, max: 100, group: Who you are}", "  k: 0")
    story = loaded(write(tmp_path / "s", {"story.yaml": manifest, "main.yaml": PAIR_CHAPTER}))
    assert [(g, [s.id for s in stats]) for g, stats in story.stat_groups] == [
        ("", ["k"]),
        ("Who you are", ["daring"]),
    ]


def test_a_pair_reads_both_sides() -> None:
    daring = demo().stat("daring")
    assert (daring.opposite, daring.opposite_label) == ("caution", "Caution")
    assert daring.reading(60) == "Daring 60 | Caution 40"
    assert demo().stat("technique").reading(40) == "Technique 40"


def _after(story: Story, choice: str, daring: int, k: int) -> int:
    s = Session(story, 1)
    state = s.state.copy()
    state.stats.update(daring=daring, k=k)
    s.restore(state)
    s.choose(choice)
    return s.state.stats["daring"]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return pair_story(tmp_path_factory.mktemp("pairs"))


@settings(max_examples=200, deadline=None)
@given(daring=st.integers(10, 90), k=st.integers(0, 100))
def test_fairmath_on_the_other_side_moves_the_stat_towards_its_min_by_the_same_rule(
    pairs: Story, daring: int, k: int
) -> None:
    story = pairs
    mirrored = _after(story, "fair_caution", daring, k)
    assert mirrored == _after(story, "fair_daring_down", daring, k)
    assert 10 <= mirrored <= daring  # towards the min, never past it
    assert _after(story, "add_caution", daring, k) == _after(story, "sub_daring", daring, k)


def test_setting_the_other_side_sets_the_stat_to_its_mirror(tmp_path: Path) -> None:
    story = pair_story(tmp_path)
    assert _after(story, "set_caution", 50, 0) == 30  # caution 70 = 10 + 90 - 30


def test_the_other_side_reads_in_texts_conditions_and_lock_reasons(tmp_path: Path) -> None:
    story = pair_story(tmp_path)
    s = Session(story, 1)
    assert s.text[0][0][0] == "Daring 50, caution 50."
    careful = next(c for c in s.choices if c.id == "careful")
    assert careful.locked and careful.reason == "needs Caution 60 (you have 50)"
    state = s.state.copy()
    state.stats["daring"] = 30
    s.restore(state)
    assert not next(c for c in s.choices if c.id == "careful").locked
    s.choose("careful")
    assert "Done: careful 0." in s.text[0][0][0]


def test_a_misspelt_other_side_gets_a_did_you_mean(tmp_path: Path) -> None:
    chapter = PAIR_CHAPTER.replace("if: caution >= 60", "if: cautoin >= 60")
    folder = write(tmp_path / "s", {"story.yaml": PAIR_MANIFEST, "main.yaml": chapter})
    (problem,) = load_checked(folder, cache=False).diagnostics
    assert problem.code == "E041" and problem.hint == "did you mean `caution`?"


def test_the_range_solver_and_the_effects_see_only_the_real_stat(tmp_path: Path) -> None:
    story = pair_story(tmp_path)
    targets = {e.target for c in story.scenes["main.a"].choices for e in c.effects}
    assert targets == {"daring"}
    assert load_checked(tmp_path / "pairs", cache=False, ranges=True).ranges is not None


# -- the cast --------------------------------------------------------------------------------


def test_the_cast_hides_whoever_has_not_been_met_yet() -> None:
    s = Session(demo(), 1)
    people = s.people()
    assert [p.id for p in people] == ["saule", "grandmother"]
    saule = people[0]
    assert (saule.name, saule.role, saule.stat, saule.value) == (
        "Saule Abenova",
        "your coach",
        "Coach Saule",
        30,
    )
    assert saule.about.endswith("she says little, and all of it about edges.")
    s.choose("ask_coach")  # trust +15: the line about her changes with it
    saule = s.people()[0]
    assert saule.value == 45 and saule.about.endswith("she answers your questions now.")
    s.choose("continue")
    s.choose("bus_to_medeu")
    assert [p.id for p in s.people()] == ["saule", "grandmother", "sweeper"]
    assert s.people()[2].stat is None and s.people()[2].value is None


def test_people_is_asked_for_and_changes_no_state() -> None:
    s = Session(demo(), 1)
    before = s.state.copy()
    s.people()
    assert s.state == before


def test_no_two_bundled_stories_share_a_person() -> None:
    """The careers standard: no shared cast across the careers, checkable because each story
    lists its people once in `cast`."""
    seen: dict[str, str] = {}
    for path in bundled_stories():
        story = load_checked(path).story
        assert story is not None
        for person in story.cast:
            assert person.name not in seen, f"{person.name} is in {seen.get(person.name)} and {story.id}"
            seen[person.name] = story.id
    assert "Saule Abenova" in seen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
    about=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60),
)
def test_any_cast_text_loads_or_is_reported_and_is_never_markup(
    tmp_path_factory, name: str, about: str
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("cast")
    manifest = PAIR_MANIFEST + f"cast:\n  someone: {{name: {json.dumps(name)}, about: {json.dumps(about)}}}\n"
    write(folder, {"story.yaml": manifest, "main.yaml": PAIR_CHAPTER})
    result = load_checked(folder, cache=False)  # never raises
    if result.ok and result.story is not None and result.story.cast:
        (person,) = Session(result.story, 1).people()
        assert person.name == (name if name.strip() else "Someone")
        if "{" not in about and "*" not in about and "\\" not in about:
            assert person.about == " ".join(about.split()) or person.about == about


# -- a branch's own stats and flags ------------------------------------------------------------


def test_the_demo_branch_declares_its_own_flag() -> None:
    flag = demo().flag("saw_medeu")
    assert flag.pos.file.endswith("branches/medeu.yaml") and flag.label == "you have skated at Medeu"


BRANCH = """\
chapter: side
stats:
  courage: {start: 5, group: Side}
flags: [went_side]
graft:
  main.a:
    - text: Go aside
      id: aside
      effects: {set: [went_side], courage: +1}
      goto: side.x
scenes:
  x:
    text: "Courage {courage}."
    next: main.b
"""


def test_a_branch_stat_and_flag_join_the_story(tmp_path: Path) -> None:
    story = loaded(
        write(
            tmp_path / "s",
            {"story.yaml": PAIR_MANIFEST, "main.yaml": PAIR_CHAPTER, "branches/side.yaml": BRANCH},
        )
    )
    assert [s.id for s in story.stats] == ["daring", "k", "courage"]
    s = Session(story, 1)
    s.choose("aside")
    assert s.state.flags["went_side"] and s.state.stats["courage"] == 6
    assert s.text[0][0][0] == "Courage 6."


def test_a_name_declared_twice_names_both_files_and_lines(tmp_path: Path) -> None:
    twice = BRANCH.replace("courage: {start: 5, group: Side}", "daring: 5").replace("courage", "daring")
    twice = twice.replace("flags: [went_side]", "flags: [went_side, caution]")
    folder = write(
        tmp_path / "s", {"story.yaml": PAIR_MANIFEST, "main.yaml": PAIR_CHAPTER, "branches/side.yaml": twice}
    )
    found = [d for d in load_checked(folder, cache=False).diagnostics if d.code == "E029"]
    assert [(Path(d.file).name, d.line) for d in found] == [("side.yaml", 3), ("side.yaml", 4)]
    assert (
        found[0].message
        == "`daring` is declared twice: a stat in story.yaml:5, and a stat in branches/side.yaml:3"
    )
    assert "the other side of `daring` in story.yaml:5" in found[1].message


# -- old saves --------------------------------------------------------------------------------


def test_a_save_from_before_the_demo_had_these_stats_still_resumes(tmp_path: Path) -> None:
    s = Session(demo(), 1)
    recorder = Recorder(s)
    for cid in ("ask_coach", "continue", "rest"):
        s.choose(cid)
    career = recorder.career()

    def old(stats: dict[str, int]) -> dict[str, int]:
        return {k: v for k, v in stats.items() if k not in ("daring", "saule")}

    # As the demo saved it before: no `daring`, no `saule` anywhere, another fingerprint.
    before = dataclasses.replace(
        career,
        fingerprint="0" * 32,
        start_stats=old(career.start_stats),
        steps=[dataclasses.replace(step, stats=old(step.stats)) for step in career.steps],
    )
    store = SaveStore(tmp_path)
    store.save(before)
    loaded_back = store.load(before.id)
    assert "saule" not in loaded_back.start_stats
    resumed = resume(demo(), loaded_back)
    assert resumed.complete and resumed.session.state.stats["saule"] == 45
