"""Saved careers: the format, crash safety, two processes, bad files, import and export."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import engine
from engine.author.check import load_checked
from engine.core.textsafe import clean_line, has_unsafe
from engine.play.session import Session
from engine.play.state import GameState
from engine.saves.format import SAVE_FORMAT, Career, SaveError, StepRecord, new_id, now, parse_career
from engine.saves.record import Recorder, resume
from engine.saves.store import SaveStore
from tests.support.cli import run_cli

DEMO_PATH = ["run_program", "rest", "save_legs", "double_salchow", "continue"]


@pytest.fixture
def store(tmp_path: Path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


def played(demo, seed: int = 2, path: list[str] = DEMO_PATH) -> Recorder:  # type: ignore[no-untyped-def]
    recorder = Recorder(Session(demo, seed))
    for cid in path:
        recorder.session.choose(cid)
    return recorder


def synthetic(steps: int, career_id: str | None = None) -> Career:
    """A career of any length without a story behind it (the store does not need one)."""
    records = tuple(
        StepRecord(
            f"c.s{i}",
            f"choice-{i}",
            {"chance": 50, "roll": i % 100, "success": i % 2 == 0},
            {"technique": i % 100, "artistry": 50},
            f"{i:020x}",
        )
        for i in range(steps)
    )
    state = GameState(
        f"c.s{steps}", {"technique": 1, "artistry": 50}, {"injured": False}, {"c.s0": 1}, [], 7, steps
    )
    return Career(
        career_id or new_id(),
        "bench",
        "Bench",
        "1",
        "f" * 32,
        42,
        None,
        True,
        now(),
        now(),
        {"technique": 0, "artistry": 50},
        records,
        state,
        "Somewhere",
    )


# -- the format ----------------------------------------------------------------------------


def test_every_field_of_a_save_round_trips(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    recorder = played(demo)
    autosave = recorder.career()
    named = recorder.career(slot="before the scores", autosave=False)
    store.save(autosave)
    store.save(named)
    for career in (autosave, named):
        loaded = store.load(career.id)
        assert loaded == career
        for field in Career.__slots__:
            assert getattr(loaded, field) == getattr(career, field), field
    assert autosave.ending == {
        "scene": "competition.fourth",
        "title": "Fourth by a Point",
        "tone": "bittersweet",
    }
    assert named.slot == "before the scores" and not named.autosave and named.id != autosave.id
    assert [s.choice for s in autosave.steps] == DEMO_PATH
    assert autosave.steps[3].roll == {"chance": 65, "roll": 23, "success": True}
    assert autosave.rolls == "keyed"
    assert autosave.start_stats == {
        "technique": 40,
        "artistry": 35,
        "nerve": 50,
        "stamina": 40,
        "daring": 50,
        "saule": 30,
    }
    assert autosave.state.milestones == ["Landed the double salchow in competition."]


def test_the_save_file_is_plain_versioned_json(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    store.save(career)
    data = json.loads((store.careers_dir / f"{career.id}.json").read_text())
    assert data["kind"] == "pointe-edge-career" and data["format"] == SAVE_FORMAT
    assert data["story"] == {
        "id": "demo",
        "title": "The Club Cup",
        "version": "1.0.0",
        "fingerprint": demo.fingerprint,
    }
    assert data["seed"] == 2 and data["steps"][0]["scene"] == "training.early_ice"


def test_an_autosave_overwrites_its_own_record_and_nothing_else(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    recorder = Recorder(Session(demo, 2))
    for cid in DEMO_PATH:
        recorder.session.choose(cid)
        store.save(recorder.career())
    (info,) = store.list()
    assert info.steps == 5 and info.autosave and info.ending is not None
    assert store.discovered("demo") == {"competition.fourth"}


def test_undo_then_other_choices_recompute_the_steps(demo) -> None:  # type: ignore[no-untyped-def]
    recorder = played(demo)
    first = recorder.career()
    recorder.session.undo(2)
    recorder.session.choose("single_salchow")
    recorder.session.choose("continue")
    second = recorder.career()
    assert [s.choice for s in second.steps] == [*DEMO_PATH[:3], "single_salchow", "continue"]
    assert second.steps[:3] == first.steps[:3] and second.steps[3] != first.steps[3]
    assert second.steps[-1].stats == second.state.stats


def test_latest_autosave_is_the_most_recent_unfinished_one(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    finished = played(demo).career()
    store.save(finished)
    assert store.latest_autosave() is None
    ongoing = played(demo, 7, DEMO_PATH[:2]).career()
    store.save(ongoing)
    assert store.latest_autosave().id == ongoing.id  # type: ignore[union-attr]


# -- load, resume, undo ----------------------------------------------------------------------------


def test_loading_restores_the_exact_state_and_undo_still_works(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    recorder = played(demo, 5, DEMO_PATH[:4])
    store.save(recorder.career())
    resumed = resume(demo, store.load(recorder.id))
    assert resumed.complete and resumed.valid_steps == 4
    assert resumed.session.state == recorder.session.state
    assert resumed.session.journal == recorder.session.journal
    assert resumed.session.undo(4) == 4
    assert resumed.session.state == Session(demo, 5).state


def test_an_edit_off_the_path_still_resumes(demo, store: SaveStore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    folder = tmp_path / "story"
    shutil.copytree(Path("stories/demo"), folder)
    original = load_checked(folder, cache=False).story
    recorder = played(original)
    career = recorder.career()
    setback = folder / "setback.yaml"
    setback.write_text(setback.read_text().replace("Ice and Tape", "Ice, Tape and Tears"))
    edited = load_checked(folder, cache=False).story
    assert edited.fingerprint != career.fingerprint
    resumed = resume(edited, career)
    assert resumed.complete and resumed.session.state.scene == "competition.fourth"


def test_an_edit_that_removes_a_visited_scene_is_reported_at_its_step(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "story"
    shutil.copytree(Path("stories/demo"), folder)
    career = played(load_checked(folder, cache=False).story).career()
    comp = folder / "competition.yaml"
    comp.write_text(
        comp.read_text().replace(
            "goto: short_program\n      - text: Find Coach", "goto: scores\n      - text: Find Coach"
        )
    )
    text = comp.read_text()
    comp.write_text(text.replace("        goto: short_program", "        goto: scores"))
    edited = load_checked(folder, cache=False)
    assert edited.ok, [d.format() for d in edited.diagnostics if d.is_error]
    resumed = resume(edited.story, career)  # type: ignore[arg-type]
    assert resumed.valid_steps == 3
    assert (
        resumed.problem
        == "step 4: the story now leads to “The Kiss and Cry” instead of “competition.short_program”"
    )
    assert resumed.session.state.scene == "competition.scores"


def test_a_tampered_step_is_reported_not_hidden(demo) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    steps = list(career.steps)
    steps[2] = replace(steps[2], digest="0" * 20)
    resumed = resume(demo, replace(career, steps=tuple(steps)))
    assert resumed.valid_steps == 2 and resumed.problem == "step 3: the game state differs from the one saved"
    assert len(resumed.session.journal) == 2


# -- crash safety ------------------------------------------------------------------------------------


def _writer(folder: Path, ack_fd: int, seed: int, lengths: tuple[int, int] = (200, 300)) -> None:
    """Save as fast as possible: one career growing step by step, and new ones now and then.
    After each save returns, report it on the pipe."""
    store = SaveStore(folder)
    rng = random.Random(seed)
    career_id = new_id()
    steps = rng.randint(*lengths)
    while True:
        if rng.random() < 0.2:
            career_id, steps = new_id(), rng.randint(*lengths)
        steps += 1
        store.save(synthetic(steps, career_id))
        os.write(ack_fd, f"{career_id} {steps}\n".encode())


def _dying_writer(folder: Path, ack_fd: int, seed: int, die_at: int) -> None:
    """`_writer`, killed by SIGKILL at its `die_at`-th step of making a write durable.

    Every save goes through atomic_write twice (the career, then the index), and each write
    is a temporary file, `fsync`, `replace`, then an `fsync` of the folder. Dying at each of
    those calls in turn lands the kill at every point of the protocol, whatever the machine's
    load: written but not synced, synced but not renamed, renamed but not durable, the career
    saved but not yet the index.
    """
    calls = 0

    def dying(real):  # type: ignore[no-untyped-def]
        def call(*args):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            if calls == die_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args)

        return call

    os.fsync = dying(os.fsync)  # this forked child's own os module: the parent is untouched
    os.replace = dying(os.replace)
    _writer(folder, ack_fd, seed, lengths=(5, 30))


def _reap(pid: int, patience: float) -> int:
    """The child's exit status. A writer that never reaches its fatal step (saves that skip
    fsync or rename) would write forever: it is stopped, and the test fails saying why."""
    deadline = time.monotonic() + patience
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the writer never reached its fatal step: are saves made durable (fsync, rename)?")
        time.sleep(0.01)


def _acks(read_fd: int, acked: dict[str, int]) -> None:
    with os.fdopen(read_fd) as pipe:
        for line in pipe.read().splitlines():
            parts = line.split()
            if len(parts) == 2:
                acked[parts[0]] = max(acked.get(parts[0], 0), int(parts[1]))


def _strays(folder: Path) -> list[Path]:
    return list(folder.glob(".*.tmp-*")) + list((folder / "careers").glob(".*.tmp-*"))


def _assert_every_ack_survived(folder: Path, acked: dict[str, int]) -> None:
    store = SaveStore(folder)
    listed = {i.id: i.steps for i in store.list()}
    for career_id, steps in acked.items():
        assert listed.get(career_id, 0) >= steps, career_id
        assert len(store.load(career_id).steps) >= steps
    assert store.take_notices() == []  # nothing was ever unreadable
    assert _strays(folder) == []  # the leftovers of the killed writers were swept


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer mid-write")
def test_every_acknowledged_save_survives_sigkill_at_every_step_of_a_write(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    SaveStore(folder).save(synthetic(250))
    rng = random.Random(2026)
    acked: dict[str, int] = {}
    interrupted = 0
    points: set[int] = set()
    for round_ in range(60):
        die_at = rng.randint(1, 18)  # up to three saves in, at any of their six steps
        points.add(die_at % 6)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write until it kills itself
            os.close(read_fd)
            try:
                _dying_writer(folder, write_fd, round_, die_at)
            finally:
                os._exit(0)
        os.close(write_fd)
        status = _reap(pid, patience=60.0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        _acks(read_fd, acked)
        interrupted += bool(_strays(folder))
    _assert_every_ack_survived(folder, acked)
    assert points == set(range(6)) and len(acked) > 10
    # Killed before a rename, a writer leaves its temporary file: proof that kills landed mid-write.
    assert interrupted > 15


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer mid-write")
def test_every_acknowledged_save_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    # The same promise against kills that land wherever the scheduler puts them (in the middle
    # of a write() too). Each round waits for the writer's first save before the random wait,
    # so the test makes progress however loaded the machine is; where the kills land is the
    # test above's to guarantee.
    folder = tmp_path / "saves"
    SaveStore(folder).save(synthetic(250))
    rng = random.Random(2026)
    acked: dict[str, int] = {}
    for round_ in range(60):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write until killed
            os.close(read_fd)
            try:
                _writer(folder, write_fd, round_)
            finally:
                os._exit(0)
        os.close(write_fd)
        first = b""
        while not first.endswith(b"\n"):  # the first save is done: the writer is under way
            chunk = os.read(read_fd, 1)
            if not chunk:
                break
            first += chunk
        time.sleep(rng.uniform(0, 0.02))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        _acks(read_fd, acked)
        line = first.decode().split()
        if len(line) == 2:
            acked[line[0]] = max(acked.get(line[0], 0), int(line[1]))
    _assert_every_ack_survived(folder, acked)
    assert len(acked) >= 1


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork for two writers")
def test_two_processes_on_one_folder_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    per_process = 30
    pids = []
    for writer in range(2):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                store = SaveStore(folder)
                for i in range(per_process):
                    store.save(synthetic(20 + i, f"{writer:02x}{i:014x}"))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    infos = SaveStore(folder).list()
    assert len(infos) == 2 * per_process
    assert {i.id for i in infos} == {f"{w:02x}{i:014x}" for w in range(2) for i in range(per_process)}


# -- bad files ---------------------------------------------------------------------------------------


def test_a_corrupt_index_is_set_aside_and_rebuilt_from_the_careers(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    store.save(career)
    store.index_path.write_text('{"careers": {"1": {"id": ')
    (info,) = store.list()
    assert info.id == career.id
    (notice,) = store.take_notices()
    assert notice.startswith(
        "A save file could not be read (index.json is not valid JSON); it was kept aside as"
    )
    (aside,) = store.folder.glob("index.json.corrupt-*")
    assert aside.read_text() == '{"careers": {"1": {"id": '  # kept as it was, never overwritten


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda b: b[: len(b) // 2], "it is not valid JSON"),
        (lambda b: b"", "it is not valid JSON"),
        (lambda b: b"\xff\xfe\x00garbage", "it is not valid JSON"),
        (lambda b: b"[" * 100_000, "it is not valid JSON"),
        (lambda b: b'{"hello": "world"}', "not a Pointe & Edge career"),
        (lambda b: b.replace(b'"format":2', b'"format":99'), "saved by a newer version of the game"),
        (lambda b: b.replace(b'"rolls":"keyed"', b'"rolls":"dice"'), "`rolls` does not fit its format"),
        (lambda b: b.replace(b'"seed":2', b'"seed":"five"'), "the save's seed is malformed"),
        (lambda b: b.replace(b'"turn":5', b'"turn":4'), "the save's state turn is malformed"),
    ],
)
def test_a_bad_career_file_is_set_aside_and_reported_in_one_line(demo, store: SaveStore, damage, why) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    other = played(demo, 9, DEMO_PATH[:1]).career()
    store.save(career)
    store.save(other)
    path = store.careers_dir / f"{career.id}.json"
    bad = damage(path.read_bytes())
    path.write_bytes(bad)
    with pytest.raises(SaveError, match="could not be read"):
        store.load(career.id)
    (notice,) = store.take_notices()
    assert why in notice and "\n" not in notice
    (aside,) = store.careers_dir.glob(f"{career.id}.json.corrupt-*")
    assert aside.read_bytes() == bad
    assert [i.id for i in store.list()] == [other.id]  # the game goes on with the rest


def test_a_career_under_the_wrong_file_name_is_set_aside(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    store.save(career)
    stranger = new_id()
    os.replace(store.careers_dir / f"{career.id}.json", store.careers_dir / f"{stranger}.json")
    assert store.list() == []
    assert "does not match the career inside" in store.take_notices()[0]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_is_a_career_or_a_save_error(data) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(SaveError):
        parse_career(data)


def _allowed(field: str, value: object) -> bool:
    """Whether the save format accepts `value` as `field` (docs/saves.md): the test's oracle."""
    if field == "seed":
        return type(value) is int and -(2**63) <= value < 2**64
    if field == "slot":
        return value is None or (isinstance(value, str) and len(value) <= 200)
    if field == "autosave":
        return type(value) is bool
    if field == "created":  # and, like every field but the cleaned texts, no control character
        return isinstance(value, str) and len(value) <= 40 and not has_unsafe(value)
    if field == "rolls":
        return value in ("sequential", "keyed")
    # no value drawn below is an id (16 hex digits), a story, stats, a list of steps or a state
    return False


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        ["seed", "slot", "autosave", "created", "rolls", "start_stats", "steps", "state", "id", "story"]
    ),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=3),
    ),
)
@example("seed", True).via("a bool is not a seed")
@example("seed", 2**64).via("a seed out of range")
@example("autosave", 1).via("1 is not true")
@example("slot", None).via("no slot is fine")
@example("steps", []).via("steps that disagree with the state's turn")
@example("rolls", "sequential").via("the scheme of saves before the field")
@example("rolls", None).via("null is no scheme")
def test_a_damaged_field_is_a_save_error(field: str, value: object) -> None:
    data = synthetic(3).to_json()
    data[field] = value
    if not _allowed(field, value):
        with pytest.raises(SaveError):
            parse_career(data)
    else:  # not damaged, only different: read back as written
        expected = clean_line(value) if field == "slot" and isinstance(value, str) else value
        assert parse_career(data).to_json()[field] == expected


# -- export and import ---------------------------------------------------------------------------


def test_export_then_import_gives_the_same_career_under_a_new_id(
    demo, store: SaveStore, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    store.save(career)
    exported = store.export(career.id, tmp_path)
    assert exported.parent == tmp_path and json.loads(exported.read_text())["pointe_edge_export"] == 1
    other = SaveStore(tmp_path / "elsewhere")
    imported = other.import_(exported, known_story=lambda sid: sid == "demo")
    assert imported.id != career.id and imported.slot == "imported" and not imported.autosave
    assert replace(imported, id=career.id, slot=None, autosave=True) == career
    assert resume(demo, other.load(imported.id)).complete


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda c: "not json", "is not valid JSON"),
        (lambda c: "[" * 200_000, "is not valid JSON"),
        (lambda c: {**c, "id": "../../../../tmp/pwned"}, "the save's id is malformed"),
        (lambda c: {**c, "story": {**c["story"], "id": "../../etc"}}, "the save's story id is malformed"),
        (lambda c: {**c, "story": {**c["story"], "id": "elsewhere"}}, "a story this game does not have"),
        (
            lambda c: {
                **c,
                "steps": [{"scene": "x/../../y", "choice": "a", "roll": None, "stats": {}, "digest": ""}],
            },
            "the save's a step's scene is malformed",
        ),
        (lambda c: {**c, "slot": "x" * 300}, "the save's slot is malformed"),
    ],
)
def test_a_crafted_import_is_refused_and_writes_nothing(
    demo, store: SaveStore, tmp_path: Path, make, message
) -> None:  # type: ignore[no-untyped-def]
    good = played(demo).career().to_json()
    source = _write(tmp_path / "crafted.json", make(good))
    before = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(SaveError, match=message):
        store.import_(source, known_story=lambda sid: sid == "demo")
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file() and ".lock" not in p.name) == before
    assert store.list() == []


def test_import_cleans_control_characters_from_names(demo, store: SaveStore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = played(demo).career().to_json()
    data["slot"] = "evil\x1b[2J\x1b]0;title\x07 name"
    imported = store.import_(_write(tmp_path / "x.json", data), known_story=lambda sid: True)
    assert imported.slot == "evil name"


# -- the commands ----------------------------------------------------------------------------------


def test_saves_commands_list_show_export_import_delete(demo, store: SaveStore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = str(store.folder)
    code, out = run_cli("saves", "list", "--saves", d)
    assert code == 0 and out == f"No saved careers in {store.folder}.\n"
    career = played(demo).career()
    store.save(career)
    code, out = run_cli("saves", "list", "--saves", d)
    assert code == 0 and career.id[:8] in out and "ended: Fourth by a Point" in out
    code, out = run_cli("saves", "show", career.id[:4], "--saves", d)
    # in the story's words: scene titles, the text of each choice, stat labels (never ids)
    assert code == 0 and "4. Your Name Over the Speakers: Go for the double salchow (success)" in out
    assert "stats: Technique " in out and "double_salchow" not in out
    assert f"  saved by Pointe & Edge {engine.__version__}\n" in out  # the version that wrote it
    code, out = run_cli("saves", "export", career.id[:6], "--out", str(tmp_path), "--saves", d)
    exported = Path(out.split("Exported to ", 1)[1].strip())
    assert code == 0 and exported.is_file()
    code, out = run_cli("saves", "import", str(exported), "--saves", d)
    assert code == 0 and out.startswith("Imported The Club Cup: “imported”, 5 choices as ")
    code, out = run_cli("saves", "delete", career.id[:6], "--saves", d, stdin="n\n")
    assert "Kept." in out and len(store.list()) == 2
    code, out = run_cli("saves", "delete", career.id[:6], "--saves", d, stdin="y\n")
    assert code == 0 and f"Deleted {career.id[:8]}." in out and len(store.list()) == 1


def test_saves_commands_explain_problems_in_one_line(store: SaveStore) -> None:
    code, out = run_cli("saves", "show", "nothing-like-an-id", "--saves", str(store.folder))
    assert code == 2 and out == "error: no saved career 'nothing-like-an-id'\n"
    store.save(synthetic(3, "ab" + "0" * 14))
    store.save(synthetic(3, "ab" + "1" * 14))
    code, out = run_cli("saves", "show", "ab", "--saves", str(store.folder))
    assert code == 2 and out == "error: 2 saved careers start with 'ab': give more of the id\n"


def test_the_save_folder_comes_from_the_environment(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("POINTE_EDGE_SAVES", str(tmp_path / "from-env"))
    assert SaveStore.default().folder == tmp_path / "from-env"
    assert SaveStore.default(tmp_path / "flag").folder == tmp_path / "flag"
    SaveStore.default().list()
    assert (tmp_path / "from-env" / "careers").is_dir()  # created on first use


# -- replay ------------------------------------------------------------------------------------


def test_a_replay_shows_exactly_the_texts_and_states_of_the_original_career(demo) -> None:  # type: ignore[no-untyped-def]
    from engine.core.template import to_plain
    from engine.saves.replay import Replay

    session = Session(demo, 11)
    recorder = Recorder(session)
    seen = [(to_plain(session.text), session.state.to_dict(), None)]
    for cid in ["drill_salchow", "rest", "save_legs", "double_salchow", "continue"]:
        label = next(c.label for c in session.choices if c.id == cid)
        result = session.choose(cid)
        seen.append((to_plain(session.text), session.state.to_dict(), (label, result)))
    replay = Replay(demo, recorder.career())
    assert replay.complete and len(replay) == len(seen)
    for i, (text, state, step) in enumerate(seen):
        view = replay.view(i)
        assert to_plain(view.text) == text
        assert view.frame.state.to_dict() == state
        if step is not None:
            label, result = step
            assert view.frame.choice_label == label
            assert view.frame.result == result
    assert replay.series("technique") == replay.saved_series("technique")


def test_a_replay_after_an_edit_off_the_path_is_complete(tmp_path: Path) -> None:
    import shutil

    from engine.saves.replay import Replay

    folder = tmp_path / "story"
    shutil.copytree(Path("stories/demo"), folder)
    career = played(load_checked(folder, cache=False).story).career()
    medeu = folder / "branches" / "medeu.yaml"
    medeu.write_text(medeu.read_text().replace("The number 12 bus", "The number 12 bus, late as ever,"))
    replay = Replay(load_checked(folder, cache=False).story, career)  # type: ignore[arg-type]
    assert replay.complete and len(replay) == len(career.steps) + 1


def test_a_replay_after_a_visited_scene_is_removed_stops_at_that_step(tmp_path: Path) -> None:
    import shutil

    from engine.saves.replay import Replay

    folder = tmp_path / "story"
    shutil.copytree(Path("stories/demo"), folder)
    career = played(load_checked(folder, cache=False).story).career()  # its 3rd step is in the warm-up
    comp = folder / "competition.yaml"
    text = comp.read_text()
    start = text.index("  warmup:")
    rest = text[text.index("  short_program:") :].replace('visits("warmup")', 'visits("short_program")')
    comp.write_text(text[:start] + rest)
    training = folder / "training.yaml"
    training.write_text(
        training.read_text().replace("goto: competition.warmup", "goto: competition.short_program")
    )
    edited = load_checked(folder, cache=False)
    assert edited.ok, [d.format() for d in edited.errors]
    replay = Replay(edited.story, career)  # type: ignore[arg-type]
    assert replay.problem == "step 3: the scene “competition.warmup” is no longer in the story"
    assert len(replay) == 3  # the start and the two steps before it


def test_replay_in_plain_text_steps_forward_and_back(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    store.save(career)
    keys = "n\nn\np\n4\nc\nx\n9\nq\n"
    code, out = run_cli("replay", career.id[:6], "--saves", str(store.folder), stdin=keys)
    assert code == 0
    assert out.startswith(
        "Replay of “The Club Cup”: autosave, seed 2, 5 choices\nIt ended: Fourth by a Point (bittersweet)."
    )
    assert "── step 0 of 5 · Six in the Morning · training" in out
    assert "── step 2 of 5" in out and out.count("── step 1 of 5") == 2  # n, n, then p
    assert "» Go for the double salchow" in out and "65% chance: rolled 24 of 100, success." in out
    assert "   Technique " in out and "40 → 45" in out  # the chart
    assert "Type a step from 0 to 5" in out  # x and 9 are not steps


def test_replay_all_prints_every_step_and_the_chart(demo, store: SaveStore) -> None:  # type: ignore[no-untyped-def]
    career = played(demo).career()
    store.save(career)
    code, out = run_cli("replay", career.id, "--all", "--saves", str(store.folder))
    assert code == 0 and all(f"── step {i} of 5" in out for i in range(6))
    chart = out.rstrip().splitlines()[-3:]  # the chart's last lines: Stamina, the pair, Coach Saule
    assert chart[0].endswith("40 → 65") and chart[1].endswith("50 → 40 (Caution 60)")
