"""No control or bidi character from a story's keys or file names, or from a save, ever reaches
the terminal raw (issue 16): the loader reports such a name with a located E012 and every
diagnostic writes it out as `<U+001B>`; the save commands clean what an imported file carries.

Hypothesis writes the characters into every kind of name a story has (a stat, a flag, a scene,
a chapter, a choice id, a cast key, an unknown key, a file name) and runs `check`, `play`,
`simulate`, `graph`, `stories` and `check --format json`.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import cli
from engine.core.textsafe import has_unsafe
from engine.saves.store import SaveStore
from tests.support.app import saved_career

# What a terminal could act on: every C0 control but newline, DEL, C1, and the bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

ATTACKS = [
    "\x1b]0;PWNED\x07",
    "\x1b[2J",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b]8;;http://x\x1b\\",
    "\x9b31m",
    "\x07",
    "\u202e",
    "\u2066",
    "\u200f",
    "\x00",
    "\x85",
]

controls = st.sampled_from(ATTACKS) | st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x9F).filter(lambda c: c != "\n" and has_unsafe(c)),
    min_size=1,
    max_size=3,
)
words = st.text(alphabet="abcxyz_", min_size=1, max_size=6)

STORY = """id: x
title: T
start: a.one
stats:
  {stat}: 50
flags:
  {flag}: {{label: a flag}}
cast:
  {cast}: {{name: Ana}}
{unknown}: 1
"""
CHAPTER = """chapter: {chapter}
scenes:
  {scene}:
    text: Hello.
    choices:
      - id: "{choice}"
        text: Go
        goto: two
  two:
    text: Bye.
    ending: {{title: End, tone: triumph}}
"""

KINDS = ("stat", "flag", "cast", "unknown", "chapter", "scene", "choice", "file")
COMMANDS = (
    ["check"],
    ["check", "--format", "json"],
    ["play", "--plain"],
    ["simulate", "--runs", "2"],
    ["graph"],
)


def yaml_key(text: str) -> str:
    """`text` as a double-quoted YAML scalar, controls written as YAML escapes."""
    return '"' + "".join(f"\\u{ord(c):04x}" if has_unsafe(c) or c in '"\\' else c for c in text) + '"'


def write_story(folder: Path, kind: str, name: str) -> None:
    parts = {k: k for k in KINDS} | {"unknown": "unknown_key", "chapter": "a", "scene": "one"}
    parts["choice"] = "go"
    parts[kind] = name
    quoted = {k: (yaml_key(v) if k == kind and k != "choice" else v) for k, v in parts.items()}
    quoted["choice"] = yaml_key(parts["choice"])[1:-1]
    folder.mkdir(parents=True)
    (folder / "story.yaml").write_text(STORY.format(**quoted))
    file = f"{name}.yaml" if kind == "file" else "a.yaml"
    (folder / file).write_text(CHAPTER.format(**quoted))


def run(*args: str) -> str:
    out = io.StringIO()
    cli.main(list(args), out=out, inp=io.StringIO("q\n"))
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), before=words, attack=controls, after=words)
def test_no_name_from_a_story_reaches_the_terminal_raw(
    kind: str, before: str, attack: str, after: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "file" and ("/" in attack or "\x00" in attack):
        attack = attack.replace("/", "").replace("\x00", "") or "\x1b"
    folder = tmp_path / "stories" / "x"
    shutil.rmtree(tmp_path / "stories", ignore_errors=True)
    write_story(folder, kind, before + attack + after)
    for command in COMMANDS:
        shown = (
            run(*command, str(folder), "--no-cache") if command[0] == "check" else run(*command, str(folder))
        )
        captured = capsys.readouterr()
        for text in (shown, captured.out, captured.err):
            assert not RAW.search(text), (command, text)
        assert "E012" in shown + captured.out + captured.err or command[0] == "graph"


# -- saves ---------------------------------------------------------------------------------------

KEY = object()  # in a path: put the attack into the first key of that mapping, not its value
SAVE_FIELDS: list[tuple[object, ...]] = [
    ("created",),
    ("updated",),
    ("story", "fingerprint"),
    ("story", "title"),
    ("story", "version"),
    ("slot",),
    ("scene_title",),
    ("steps", 0, "choice"),
    ("steps", 0, "digest"),
    ("steps", 0, "stats", KEY),
    ("state", "scene"),
    ("state", "stats", KEY),
    ("state", "flags", KEY),
    ("state", "visits", KEY),
    ("state", "milestones", 0),
    ("start_stats", KEY),
    ("ending",),
]
CHOICES = ["run_program", "evening_session", "save_legs", "single_salchow", "continue"]


def put(data: dict[str, Any], path: tuple[object, ...], attack: str) -> None:
    if path == ("state", "milestones", 0):
        data["state"]["milestones"] = ["Won" + attack]
        return
    *parents, last = path
    for step in parents:
        data = data[step]  # type: ignore[index]
    if last is KEY:
        first = next(iter(data))
        data[first + attack] = data.pop(first)
    elif path == ("ending",):
        data["ending"] = {"scene": "x" + attack, "title": "End" + attack, "tone": "triumph" + attack}
    else:
        data[last] = f"{data[last]}{attack}"  # type: ignore[index]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("source")
    career = saved_career(folder, "demo", 1, CHOICES)
    out = tmp_path_factory.mktemp("exported") / "career.json"  # never inside the save folder
    return json.loads(SaveStore(folder).export(career.id, out).read_text())


def saves_output(saves: Path, *commands: list[str]) -> str:
    shown = ""
    for command in commands:
        shown += run(*command, "--saves", str(saves))
    return shown


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(SAVE_FIELDS), attack=controls)
def test_no_field_of_an_imported_save_reaches_the_terminal_raw(
    path: tuple[object, ...],
    attack: str,
    exported: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A crafted import is refused, or stored with its texts cleaned: `saves import`, `list`,
    `show` and `replay` print no control character either way."""
    saves = tmp_path / "saves"
    shutil.rmtree(saves, ignore_errors=True)
    data = copy.deepcopy(exported)
    put(data, path, attack)
    source = tmp_path / "crafted.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    shown = run("saves", "import", str(source), "--saves", str(saves))
    ids = [c.id for c in SaveStore(saves).list()]
    for cid in ids:
        shown += saves_output(saves, ["saves", "list"], ["saves", "show", cid], ["replay", cid, "--all"])
    captured = capsys.readouterr()
    for text in (shown, captured.out, captured.err):
        assert not RAW.search(text), (path, text)
    assert ids or "control characters" in shown


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["updated", "slot", "story_title", "scene_title", "story_id"]), attack=controls)
def test_no_field_of_the_save_index_reaches_the_terminal_raw(
    field: str, attack: str, exported: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`index.json` is a file anyone can edit (and older games stored a typed slot as typed)."""
    saves = tmp_path / "saves"
    shutil.rmtree(saves, ignore_errors=True)
    source = tmp_path / "career.json"
    source.write_text(json.dumps(exported))
    run("saves", "import", str(source), "--saves", str(saves))
    index = saves / "index.json"
    data = json.loads(index.read_text())
    for doc in data["careers"].values():
        doc[field] = f"{doc.get(field) or ''}{attack}"
    index.write_text(json.dumps(data, ensure_ascii=False))
    shown = saves_output(saves, ["saves", "list"])
    captured = capsys.readouterr()
    for text in (shown, captured.out, captured.err):
        assert not RAW.search(text), (field, text)
