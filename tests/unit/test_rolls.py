"""Chance rolls that undo cannot peek at (engine/play/rolls.py).

A keyed roll is a function of the career's key, the turn, the scene and the choice: undo then
the same choice rolls the same, another choice at the same moment rolls afresh. Careers and
snapshots written before keyed rolls (tests/data/sequential_rolls, by the engine of 9def0ae)
still load and replay, roll for roll, by the sequential scheme they were played by.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.model import Story
from engine.play.rng import mix, seed_state
from engine.play.rolls import KEYED, SEQUENTIAL, choice_word, keyed_roll, sequential_roll
from engine.play.session import Session
from engine.play.snapshot import SNAPSHOT_FORMAT
from engine.play.state import GameState
from engine.saves.format import SAVE_FORMAT, SaveError, parse_career
from engine.saves.record import Recorder, resume
from engine.saves.replay import Replay
from tests.support import DATA, STORIES
from tests.support.stories import story

OLD = DATA / "sequential_rolls"  # written by the engine before keyed rolls; never rewrite them
OLD_CAREERS = sorted(OLD.glob("career-*.json"))
OLD_SNAPSHOTS = sorted(OLD.glob("snapshot-*.json"))
DATA_STORIES = sorted(p.name for p in STORIES.iterdir() if (p / "story.yaml").is_file())


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _chance_ids(s: Session) -> set[str]:
    return {c.id for c in s.scene.choices if c.chance is not None} if not s.scene.next else set()


# -- the scheme itself -----------------------------------------------------------------------------


def test_keyed_rolls_of_a_seed_are_fixed_forever() -> None:
    # If these change, every keyed career replays differently: never change them.
    key = seed_state(42)
    assert choice_word("main.hub", "roll") == 0x03C96908E653DF83
    rolls = [keyed_roll(key, turn, "main.hub", "roll") for turn in range(1, 9)]
    assert rolls == [94, 79, 11, 52, 28, 37, 18, 52]
    assert keyed_roll(key, 1, "rink.practice", "lutz") == 31
    assert keyed_roll(key, 1, "rink.practice", "flip") == 35
    assert keyed_roll(key, 1, "rink.gala", "lutz") == 76  # the same id in another scene


def test_keyed_rolls_are_what_docs_saves_md_says() -> None:
    # The formula as docs/saves.md writes it, step by step, against the engine's.
    golden, mask = 0x9E3779B97F4A7C15, (1 << 64) - 1

    def documented(key: int, turn: int, scene: str, choice: str) -> int:
        digest = hashlib.blake2b(scene.encode() + b"\0" + choice.encode(), digest_size=8, person=b"pe-roll")
        word = int.from_bytes(digest.digest(), "little")
        stream = mix(key ^ word)
        return (mix((stream + turn * golden) & mask) * 100) >> 64

    for seed in range(50):
        for turn, scene, choice in [(1, "rink.practice", "lutz"), (7, "main.hub", "roll"), (300, "a.b", "c")]:
            key = seed_state(seed)
            assert keyed_roll(key, turn, scene, choice) == documented(key, turn, scene, choice)
            state = (key + golden) & mask
            assert sequential_roll(key) == ((mix(state) * 100) >> 64, state)


def test_keyed_rolls_are_spread_evenly() -> None:
    # 20,000 rolls of one choice over keys and turns: each tenth of 0..99 within 10% of its share
    tenths = [0] * 10
    for seed in range(2000):
        key = seed_state(seed)
        for turn in range(1, 11):
            tenths[keyed_roll(key, turn, "rink.practice", "lutz") // 10] += 1
    assert all(1800 <= n <= 2200 for n in tenths), tenths


# -- undo cannot re-roll, another choice rolls afresh (played through Session) ------------------------

_path = st.lists(st.tuples(st.booleans(), st.integers(0, 99)), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["demo", *DATA_STORIES]), st.integers(0, 2**63), _path)
def test_undo_then_the_same_choice_rolls_the_same(name: str, seed: int, path: list[tuple[bool, int]]) -> None:
    """Any story, any path: at every step, undoing and making the same choice again gives the same
    roll and the same state, and the roll is the pure function of the key, turn, scene and choice."""
    played = story(name if name == "demo" else STORIES / name)
    s = Session(played, seed)
    for undo_first, pick in path:
        if undo_first and s.can_undo:
            s.undo()
        options = s.open_choices()
        if not options:
            break
        cid = options[pick % len(options)]
        scene, turn = s.state.scene, s.state.turn + 1
        first = s.choose(cid)
        after = s.state.copy()
        s.undo()
        again = s.choose(cid)
        assert again.step == first.step and s.state == after
        if first.step.roll is not None:
            assert first.step.roll.roll == keyed_roll(seed_state(seed), turn, scene, cid)
        assert s.state.rng == seed_state(seed)  # the key is never advanced


def test_the_stories_of_the_property_test_have_chances() -> None:
    assert any(
        c.chance is not None
        for name in DATA_STORIES
        for scene in story(STORIES / name).scenes.values()
        for c in scene.choices
    )


def _rolls_at_the_start(dice: Story, seed: int, rolls: str) -> tuple[int, int]:
    s = Session(dice, seed, rolls=rolls)  # type: ignore[arg-type]
    lutz = s.choose("lutz").step.roll
    s.undo()
    flip = s.choose("flip").step.roll
    assert lutz is not None and flip is not None
    return lutz.roll, flip.roll


def test_another_choice_at_the_same_moment_rolls_afresh() -> None:
    dice = story(STORIES / "dice")
    seeds = range(200)  # fixed seeds: the same figures every run
    keyed = [_rolls_at_the_start(dice, seed, KEYED) for seed in seeds]
    # two choices at 50%: independent rolls differ 99 times in 100 and decide differently about
    # half the time; seeing one tells the player nothing about the other
    assert sum(a != b for a, b in keyed) >= 190
    assert 70 <= sum((a < 50) != (b < 50) for a, b in keyed) <= 130
    # the sequential scheme gave both the same number: the peek that keyed rolls close
    assert all(a == b for a, b in (_rolls_at_the_start(dice, seed, SEQUENTIAL) for seed in seeds))


def test_the_same_choice_at_another_turn_or_in_another_scene_rolls_afresh() -> None:
    dice = story(STORIES / "dice")
    s = Session(dice, 3)
    rolled = [s.choose("lutz").step.roll.roll for _ in range(40)]  # type: ignore[union-attr]
    assert len(set(rolled)) > 20  # forty turns, not one number
    # the same id in another scene is another choice: another word, other rolls
    assert choice_word("rink.practice", "lutz") != choice_word("rink.gala", "lutz")
    key = seed_state(3)
    assert [keyed_roll(key, t, "rink.practice", "lutz") for t in range(1, 41)] == rolled
    assert [keyed_roll(key, t, "rink.gala", "lutz") for t in range(1, 41)] != rolled


def test_a_sequential_career_rolls_one_sequence_whatever_is_chosen() -> None:
    # What undo let a player do before keyed rolls: see a roll, undo, and know the next one.
    dice = story(STORIES / "dice")
    s = Session(dice, 11, rolls=SEQUENTIAL)
    seen = s.choose("lutz").step.roll
    s.undo()
    s.choose("glide")
    later = s.choose("flip").step.roll
    assert seen is not None and later is not None and seen.roll == later.roll
    assert seen.roll == sequential_roll(seed_state(11))[0]


# -- old careers and snapshots (written by the engine before keyed rolls) --------------------------------


def _old_story() -> Story:
    return story(OLD / "rules")


@pytest.mark.parametrize("path", OLD_CAREERS, ids=lambda p: p.name)
def test_an_old_save_replays_roll_for_roll_by_the_sequential_scheme(path: Path) -> None:
    data = _read(path)
    assert data["format"] == 1 and "rolls" not in data  # as written then
    rules = _old_story()
    # The fingerprint digests the loader's IR version too, which other work may raise: make it
    # this story's, so that every step's digest of the whole state is checked as well.
    career = replace(parse_career(data), fingerprint=rules.fingerprint)
    assert career.rolls == SEQUENTIAL
    resumed = resume(rules, career)
    assert resumed.complete and resumed.valid_steps == len(data["steps"]) == 21
    session = resumed.session
    assert session.rolls == SEQUENTIAL
    assert [s.to_dict()["roll"] for s in session.journal] == [s["roll"] for s in data["steps"]]
    # compared in the form it was written in: it predates the detours' strike counts
    assert session.state.legacy_dict() == GameState.from_dict(data["state"]).legacy_dict()
    replay = Replay(rules, career)
    assert replay.complete and len(replay) == 22
    # go on playing: the career keeps its scheme, and its next save says so
    recorder = Recorder(session, career.id, career.created)
    nxt = session.choose("roll").step.roll
    assert nxt is not None and nxt.roll == sequential_roll(data["state"]["rng"])[0]
    again = recorder.career().to_json()
    assert again["format"] == SAVE_FORMAT and again["rolls"] == SEQUENTIAL
    assert resume(rules, parse_career(again)).complete
    branched = replay.branch(5)
    assert branched.rolls == SEQUENTIAL and branched.state == replay.frames[5].state


@pytest.mark.parametrize("path", OLD_SNAPSHOTS, ids=lambda p: p.name)
def test_an_old_snapshot_resumes_by_the_sequential_scheme(path: Path) -> None:
    data = _read(path)
    assert data["format"] == 1 and "rolls" not in data  # as written then
    rules = _old_story()
    data["story"]["fingerprint"] = rules.fingerprint  # see the save's test: the IR version may change
    session = Session.resume(rules, data)
    assert session.rolls == SEQUENTIAL
    assert [s.to_dict() for s in session.journal] == data["journal"]
    # compared in the form it was written in: it predates the detours' strike counts
    assert session.state.legacy_dict() == GameState.from_dict(data["state"]).legacy_dict()
    nxt = session.choose("roll") if session.keep_history else None
    if nxt is not None:
        assert nxt.step.roll is not None and nxt.step.roll.roll == sequential_roll(data["state"]["rng"])[0]
    taken = session.snapshot()
    assert taken["format"] == SNAPSHOT_FORMAT and taken["rolls"] == SEQUENTIAL
    assert Session.resume(rules, json.loads(json.dumps(taken))).journal == session.journal


def test_the_old_files_were_all_kept() -> None:
    assert len(OLD_CAREERS) == 2 and len(OLD_SNAPSHOTS) == 4


# -- new careers and snapshots name their scheme --------------------------------------------------------


def test_a_new_save_and_snapshot_record_keyed_rolls() -> None:
    dice = story(STORIES / "dice")
    s = Session(dice, 8)
    recorder = Recorder(s)
    for cid in ["lutz", "flip", "glide", "lutz", "gala", "lutz"]:
        s.choose(cid)
    saved = recorder.career().to_json()
    assert saved["format"] == SAVE_FORMAT == 2 and saved["rolls"] == KEYED
    career = parse_career(json.loads(json.dumps(saved)))
    assert career.rolls == KEYED
    back = resume(dice, career)
    assert back.complete and back.session.rolls == KEYED and back.session.state == s.state
    assert Replay(dice, career).complete
    taken = s.snapshot()
    assert taken["format"] == SNAPSHOT_FORMAT == 2 and taken["rolls"] == KEYED
    assert Session.resume(dice, json.loads(json.dumps(taken))).journal == s.journal


def test_a_keyed_save_read_as_sequential_does_not_replay() -> None:
    # the field matters: without it the rolls of a keyed career come out differently
    dice = story(STORIES / "dice")
    s = Session(dice, 8)
    recorder = Recorder(s)
    for _ in range(6):
        s.choose("lutz")
    saved = recorder.career().to_json()
    del saved["rolls"]
    with pytest.raises(SaveError, match="does not fit its format"):  # format 2 always names it
        parse_career(saved)
    saved["format"] = 1  # as a save from before keyed rolls would read
    back = resume(dice, parse_career(saved))
    assert not back.complete and "the roll came out differently" in (back.problem or "")


def test_a_session_refuses_a_scheme_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="no roll scheme 'dice'"):
        Session(story(STORIES / "dice"), 1, rolls="dice")  # type: ignore[arg-type]
