"""Nothing a story or a save holds can hang the game or exhaust it (issue 16, "Nothing hangs").

A story file or a save file that is a named pipe, a device, a folder or a symbolic link out of
its folder is refused before it is opened; an integer too long for Python to read is a located
error; and what `check` accepts, a save holds. Each test that could hang if the refusal broke
runs under `never_blocks`, which turns a hang into a failure instead of a stuck suite (it
asserts nothing about time: a passing test never comes near it).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core import limits
from engine.core.safe_read import FileRefused, read_regular
from engine.load.folder import load_story
from engine.play.session import Session
from engine.saves.format import SaveError
from engine.saves.record import Recorder
from engine.saves.store import SaveStore
from tests.support.cli import run_cli
from tests.support.special_files import SPECIAL, make_special

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")

DEMO_PATH = ["run_program", "rest", "save_legs", "double_salchow", "continue"]


@contextlib.contextmanager
def never_blocks() -> Iterator[None]:
    """Fail, rather than hang the suite, if the code under test blocks on a pipe."""

    def stuck(signum: int, frame: object) -> None:
        raise AssertionError("blocked reading a special file")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.setitimer(signal.ITIMER_REAL, 60)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _story(folder: Path, extra: str = "", **manifest: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    head = "".join(f"{k}: {v}\n" for k, v in manifest.items())
    (folder / "story.yaml").write_text(
        f"id: tiny\ntitle: Tiny\nstart: main.a\n{head}stats:\n  nerve: {{start: 50}}\n"
    )
    (folder / "main.yaml").write_text(
        "chapter: main\nscenes:\n  a:\n    text: You wait at the boards.\n"
        "    choices:\n      - text: Skate\n        goto: b\n"
        "  b:\n    text: You bow.\n    ending: {title: Bow, tone: triumph}\n"
    )
    if extra:
        (folder / "extra.yaml").write_text(extra)
    return folder


# -- special files: the reader itself ------------------------------------------------------


@pytest.mark.parametrize("kind", SPECIAL)
def test_the_reader_refuses_special_files_without_opening_them(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    path = make_special(kind, folder / "x.yaml", tmp_path / "secret.yaml")
    with never_blocks(), pytest.raises(FileRefused) as caught:
        read_regular(path, max_bytes=1000, inside=folder)
    assert str(path) in str(caught.value)
    assert caught.value.reason.startswith("it is ")


def test_the_reader_reads_a_link_inside_its_folder_and_stops_at_the_cap(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_bytes(b"x" * 10)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert read_regular(tmp_path / "link.yaml", max_bytes=10, inside=tmp_path) == b"x" * 10
    with pytest.raises(FileRefused) as caught:
        read_regular(tmp_path / "real.yaml", max_bytes=9)
    assert caught.value.size == 10


# -- special files: a story ------------------------------------------------------------------


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_story_file_is_a_located_error_not_a_hang(kind: str, tmp_path: Path) -> None:
    folder = _story(tmp_path / "s")
    make_special(kind, folder / ("extra.yaml" if kind != "folder" else "more.yaml"), tmp_path / "secret.yml")
    with never_blocks():
        result = load_story(folder, cache=False)
    if kind == "folder":  # a folder named like a file is a folder: nothing to read, nothing wrong
        assert result.ok
        return
    (problem,) = result.errors
    assert problem.code == "E002" and (problem.line, problem.col) == (1, 1)
    assert problem.file.endswith("s/extra.yaml")  # the link's own name, never where it leads
    assert "secret" not in problem.format()


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "link_out"])
def test_a_special_manifest_or_story_test_file_never_blocks_check(kind: str, tmp_path: Path) -> None:
    folder = _story(tmp_path / "s")
    (folder / "tests").mkdir()
    make_special(kind, folder / "tests" / "t.yaml", tmp_path / "outside.yaml")
    (folder / "story.yaml").rename(tmp_path / "manifest.yaml")
    if kind == "link_out":  # the real manifest, but outside the folder
        (folder / "story.yaml").symlink_to(tmp_path / "manifest.yaml")
    else:
        make_special(kind, folder / "story.yaml", tmp_path / "unused.yaml")
    with never_blocks():
        code, out = run_cli("check", str(folder), "--no-cache")
    assert code == 1
    assert "story.yaml:1:1: error: E002 cannot read the file: it is" in out
    (folder / "story.yaml").unlink()
    (tmp_path / "manifest.yaml").rename(folder / "story.yaml")
    with never_blocks():
        code, out = run_cli("test", str(folder))
    assert "tests/t.yaml:1:1: error: E002 cannot read the file: it is" in out


def test_a_story_file_over_the_cap_is_never_read_whole(tmp_path: Path) -> None:
    folder = _story(tmp_path / "s")
    with open(folder / "extra.yaml", "wb") as f:
        f.truncate(limits.STORY_FILE_BYTES + 1)  # sparse: costs no disk
    (problem,) = load_story(folder, cache=False).errors
    assert problem.code == "E009" and "story files may be at most 2 MB" in problem.message


# -- special files: the save folder ---------------------------------------------------------


@pytest.fixture
def saved(demo, tmp_path: Path) -> tuple[SaveStore, str]:  # type: ignore[no-untyped-def]
    store = SaveStore(tmp_path / "saves")
    recorder = Recorder(Session(demo, 2))
    for cid in DEMO_PATH:
        recorder.session.choose(cid)
    career = recorder.career()
    store.save(career)
    return store, career.id


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_career_file_is_set_aside_with_a_note(kind: str, saved: tuple[SaveStore, str]) -> None:
    store, cid = saved
    path = store.career_path(cid)
    good = path.read_bytes()
    path.unlink()
    make_special(kind, path, store.folder.parent / "elsewhere.json")
    if kind == "link_out":
        (store.folder.parent / "elsewhere.json").write_bytes(good)  # a valid career, but not ours
    with never_blocks(), pytest.raises(SaveError) as caught:
        store.load(cid)
    assert "it is " in str(caught.value) and "kept aside" in str(caught.value)
    assert not os.path.lexists(path)
    with never_blocks():
        assert store.list() == []
        code, out = run_cli("saves", "show", cid, "--saves", str(store.folder))
    assert code == 2 and "no saved career" in out


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_stray_or_index_never_blocks_the_list(kind: str, saved: tuple[SaveStore, str]) -> None:
    store, cid = saved
    make_special(kind, store.careers_dir / "0123456789abcdef.json", store.folder.parent / "o.json")
    store.index_path.rename(store.folder.parent / "index.json")
    make_special(kind, store.folder / "index.json", store.folder.parent / "o2.json")
    with never_blocks():
        listed = store.list()
    assert [i.id for i in listed] == [cid]  # rebuilt from the career files
    notes = " ".join(store.take_notices())
    assert "index.json" in notes
    if kind != "folder":  # a folder named like a career is no career: left alone
        assert "0123456789abcdef.json.corrupt-" in notes


@pytest.mark.parametrize("kind", SPECIAL)
def test_importing_a_special_file_is_refused_in_one_line(kind: str, tmp_path: Path) -> None:
    path = make_special(kind, tmp_path / "career.json", tmp_path / "other.json")
    if kind == "link_out":  # a file the player names is theirs to name, link or not
        return
    with never_blocks():
        code, out = run_cli("saves", "import", str(path), "--saves", str(tmp_path / "saves"))
    assert code == 2
    assert out.count("\n") == 1 and "it is " in out


# -- integers too long to read --------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    digits=st.integers(limits.NUMBER_CHARS + 1, 6000),
    where=st.sampled_from(["stat", "effect", "chance", "choices", "key"]),
    form=st.sampled_from(["{}", "-{}", "+{}", "0x{}", "0{}", "1_{}"]),
)
def test_an_integer_too_long_is_a_located_error(  # type: ignore[no-untyped-def]
    tmp_path_factory, digits: int, where: str, form: str
) -> None:
    number = form.format("7" * digits)
    body = {
        "stat": f"stats:\n  grit: {{start: {number}}}\nscenes:\n  x:\n    text: You.\n    next: main.b\n",
        "effect": f"scenes:\n  x:\n    text: You.\n    effects: {{nerve: {number}}}\n    next: main.b\n",
        "chance": f"scenes:\n  x:\n    text: You.\n    choices:\n      - text: Go\n        chance: {number}\n"
        "        success: {goto: main.b}\n        failure: {goto: main.b}\n",
        "choices": f"scenes:\n  x:\n    text: You.\n    choices: {number}\n",
        "key": f"scenes:\n  x:\n    text: You.\n    {number}: 1\n    next: main.b\n",
    }[where]
    folder = _story(tmp_path_factory.mktemp("s"), "chapter: extra\n" + body)
    errors = load_story(folder, cache=False).errors
    assert errors and all(e.file.endswith("extra.yaml") and e.line >= 1 for e in errors)
    if where != "key":  # a key is an unknown key, too long a name (E009) or, past 1,024, bad YAML
        assert any(e.code == "E009" for e in errors)


def test_a_story_test_range_too_long_is_an_error_not_a_crash(tmp_path: Path) -> None:
    folder = _story(tmp_path / "s")
    (folder / "tests").mkdir()
    (folder / "tests" / "t.yaml").write_text(
        f'paths:\n  bow:\n    seed: 1\n    choices: [skate]\n    stats: {{nerve: "{"9" * 5000}.."}}\n'
    )
    code, out = run_cli("test", str(folder))
    assert code == 1 and "E023" in out and "is not a range" in out


def test_a_save_with_an_integer_too_long_is_set_aside_or_refused(saved: tuple[SaveStore, str]) -> None:
    store, cid = saved
    path = store.career_path(cid)
    data = json.loads(path.read_bytes())
    text = json.dumps(data).replace(f'"seed": {data["seed"]}', '"seed": ' + "9" * 5000)
    path.write_text(text)
    with pytest.raises(SaveError) as caught:
        store.load(cid)
    assert "number too long to read" in str(caught.value)
    outside = store.folder.parent / "big.json"
    outside.write_text(text)
    code, out = run_cli("saves", "import", str(outside), "--saves", str(store.folder))
    assert code == 2 and "big.json: it holds a number too long to read" in out


# -- what check accepts, a save holds --------------------------------------------------------


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    title=st.integers(1, limits.TITLE_CHARS),
    name=st.integers(1, limits.NAME_CHARS),
    stats=st.integers(1, limits.STATS),
)
def test_every_story_within_the_limits_has_saves_that_load(
    tmp_path_factory, title: int, name: int, stats: int
) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("s")
    chapter = ("c" * name)[: limits.NAME_CHARS]
    scene = ("s" * name)[: limits.NAME_CHARS]
    choice = ("k" * name)[: limits.NAME_CHARS]
    ids = [(f"s{i}_" + "t" * name)[: max(name, len(f"s{i}"))] for i in range(stats)]
    stat_lines = "".join(f"  {sid}: {{start: 1}}\n" for sid in ids)
    folder = tmp / "s"
    folder.mkdir()
    manifest = f"id: {'i' * name}\ntitle: {'T' * title}\nversion: {'v' * title}\n"
    (folder / "story.yaml").write_text(f"{manifest}start: {chapter}.{scene}\nstats:\n{stat_lines}")
    (folder / "main.yaml").write_text(
        f"chapter: {chapter}\ntitle: {'C' * title}\nscenes:\n  {scene}:\n    title: {'S' * title}\n"
        f"    text: You wait.\n    choices:\n      - id: {choice}\n        text: Skate\n        goto: end\n"
        f"  end:\n    text: You bow.\n    ending: {{title: {'E' * title}, tone: triumph}}\n"
    )
    result = load_story(folder, cache=False)
    assert result.errors == []
    assert result.story is not None
    recorder = Recorder(Session(result.story, 1))
    recorder.session.choose(choice)
    store = SaveStore(tmp / "saves")
    career = recorder.career()
    store.save(career)
    assert store.load(career.id).steps == career.steps
    assert store.take_notices() == []


def test_one_past_each_limit_is_a_located_error(tmp_path: Path) -> None:
    over = limits.NAME_CHARS + 1
    cases = {
        "title": (f"title: {'T' * (limits.TITLE_CHARS + 1)}", "`title` is 501 characters long"),
        "version": (f"version: {'v' * (limits.TITLE_CHARS + 1)}", "`version` is 501 characters long"),
        "id": (f"id: {'i' * over}", "story id is 201 characters long"),
    }
    for key, (line, message) in cases.items():
        folder = _story(tmp_path / key)
        text = (folder / "story.yaml").read_text().split("\n")
        text = [t for t in text if not t.startswith(f"{key}:")] + [line]
        (folder / "story.yaml").write_text("\n".join(text) + "\n")
        (problem,) = load_story(folder, cache=False).errors
        assert problem.code == "E009" and message in problem.message and problem.line >= 1
    folder = _story(tmp_path / "stats")
    many = "".join(f"  s{i}: {{start: 1}}\n" for i in range(limits.STATS))
    (folder / "story.yaml").write_text((folder / "story.yaml").read_text() + many)
    (problem,) = load_story(folder, cache=False).errors
    assert problem.code == "E009" and "at most 1,000 stats" in problem.message
    assert problem.file.endswith("story.yaml") and problem.line > 1000
