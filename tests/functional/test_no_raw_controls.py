"""No control or bidi character from a story's keys or file names, or from a save, ever reaches
the terminal raw (issue 16): the loader reports such a name with a located E012 and every
diagnostic writes it out as `<U+001B>`; the save commands clean what an imported file carries.

Hypothesis writes the characters into every kind of name a story has (a stat, a flag, a scene,
a chapter, a choice id, a cast key, an unknown key, a file name) and runs `check`, `play`,
`simulate`, `graph`, `stories` and `check --format json`.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import cli
from engine.core.textsafe import has_unsafe

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
