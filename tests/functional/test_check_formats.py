"""`check`'s output as editors and CI read it: the text lines in the compilers' form, which the
problem matchers shipped in .vscode/tasks.json parse, and `--format github`, GitHub Actions'
workflow commands.

The matchers are read from tasks.json itself and applied to what `check` really prints, so an
edit to either that breaks the other fails here.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.cli.check import check_present, github_annotation
from engine.cli.check_watch import watch_check
from engine.core.diagnostics import CODES, Diagnostic
from tests.support import BAD_STORIES, ROOT
from tests.support.cli import run_cli

TASKS = json.loads((ROOT / ".vscode" / "tasks.json").read_text(encoding="utf-8"))
# Stories with problems of every shape: a hint and a scene, a warning, follow-ons, no line at all.
BROKEN = (
    "unknown_key",
    "unreachable_scene",
    "chapter_file_unreadable",
    "no_manifest",
    "stat_renamed_in_the_manifest_only",
)


def matchers(task: str) -> list[dict[str, Any]]:
    (found,) = [t for t in TASKS["tasks"] if t["label"] == task]
    return list(found["problemMatcher"])


def parse(line: str, task: str = "check this story") -> list[dict[str, str]]:
    """What VS Code's matchers of `task` make of one line: a problem for each that matches."""
    found = []
    for matcher in matchers(task):
        pattern = matcher["pattern"]
        m = re.match(pattern["regexp"], line)  # VS Code's regexps are JavaScript's; these read alike
        if m:
            fields = ("file", "line", "column", "severity", "code", "message")
            found.append(
                {f: m.group(pattern[f]) for f in fields if f in pattern} | {"kind": pattern.get("kind", "")}
            )
    return found


def checked() -> tuple[list[str], list[Diagnostic]]:
    code, out = run_cli("check", *(str(BAD_STORIES / case) for case in BROKEN), "--no-cache")
    assert code == 1
    problems = [
        d for case in BROKEN for d in load_checked(BAD_STORIES / case, cache=False, ranges=True).diagnostics
    ]
    return out.splitlines(), problems


def test_every_line_check_prints_for_a_problem_is_one_problem_to_vs_code_at_its_place() -> None:
    lines, problems = checked()
    assert len(problems) == len(lines) - 1  # and the summary
    assert any(d.hint for d in problems) and any(not d.line for d in problems)
    assert any(not d.is_error for d in problems) and any(d.follow_ons for d in problems)
    for line, d in zip(lines, problems, strict=False):
        (problem,) = parse(line)
        assert problem["file"].endswith(Path(d.file).name)
        assert problem["severity"] == d.severity.value and problem["code"] == d.code
        assert problem["message"].startswith(d.message)
        if d.hint:
            assert f"({d.hint})" in problem["message"]  # the fix is in the Problems view too
        if d.line:
            assert (problem["line"], problem["column"], problem["kind"]) == (str(d.line), str(d.col), "")
        else:
            assert problem["kind"] == "file"  # no line: a problem of the whole file
    assert parse(lines[-1]) == []  # the summary is no problem


def test_the_text_line_is_the_compilers_form() -> None:
    d = Diagnostic("E020", "unknown key `txt` in scene `x`", "a.yaml", 4, 5, "main.x", "did you mean `text`?")
    assert (
        d.format() == "a.yaml:4:5: error: E020 unknown key `txt` in scene `x` (did you mean `text`?) [main.x]"
    )
    # VS Code's stock `$gcc` matcher reads it too, code and all
    gcc = r"^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$"
    m = re.match(gcc, d.format())
    assert (
        m is not None and m.groups()[:4] == ("a.yaml", "4", "5", "error") and m.group(5).startswith("E020 ")
    )


def test_notes_and_command_errors_are_no_problems() -> None:
    for line in (
        "note: checking stories/demo, the story stories/demo/training.yaml belongs to",
        "note: skipped README.md: a file, not a story folder",
        "error: nothing to check: README.md named no story (check takes story ids)",
        "checked 4 stories, 1,636 scenes: 0 errors, 0 warnings",
        "note: W111 is a proof, over every path from the start: what it rules out never happens",
    ):
        assert parse(line) == [], line


@pytest.mark.parametrize(
    "path", ["C:\\stories\\demo\\training.yaml", "my story, draft 2/a.yaml", "a:b/c.yaml"]
)
def test_a_file_name_with_colons_commas_or_a_drive_is_found_whole(path: str) -> None:
    line = Diagnostic("W100", "no path from the start reaches this scene", path, 3, 1).format()
    (problem,) = parse(line)
    assert (problem["file"], problem["line"], problem["code"]) == (path, "3", "W100")


def test_the_watch_task_knows_where_each_check_begins_and_ends(tmp_path: Path) -> None:
    """The background task clears the Problems view when a check begins and fills it by the end."""
    out = io.StringIO()
    folder = BAD_STORIES / "unknown_key"
    watched = [(str(folder), folder)]
    watch_check(
        [folder], lambda stream: check_present(watched, "text", False, stream), out, stop=lambda: True
    )
    lines = out.getvalue().splitlines()
    for matcher in matchers("check this story on every save"):
        background = matcher["background"]
        assert re.match(background["beginsPattern"], lines[0])
        assert re.match(background["endsPattern"], lines[-1])
        assert not any(re.match(background["endsPattern"], line) for line in lines[:-1])
    assert [p["code"] for line in lines for p in parse(line, "check this story on every save")] == ["E020"]
    # and a later check, headed by the files that changed
    assert re.match(
        matchers("check this story on every save")[0]["background"]["beginsPattern"],
        "[14:03:41] changed: a.yaml",
    )


def test_every_task_checks_with_the_matchers_of_the_text_format() -> None:
    for task in TASKS["tasks"]:
        assert task["command"].startswith("uv run main.py check")
        assert "--format" not in task["command"]
        patterns = [m["pattern"]["regexp"] for m in task["problemMatcher"]]
        assert patterns == [m["pattern"]["regexp"] for m in matchers("check this story")]
        for matcher in task["problemMatcher"]:
            assert matcher["fileLocation"] == ["autoDetect", "${workspaceFolder}"]


# -- --format github ---------------------------------------------------------------------------

COMMAND = re.compile(r"\A::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)\Z")


def unescape(text: str) -> str:
    return re.sub(
        r"%(25|0D|0A|3A|2C)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)],
        text,
    )


def annotation(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as GitHub reads it: its level, its properties, its message."""
    m = COMMAND.match(line)
    assert m is not None, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))


def test_check_format_github_marks_each_problem_at_its_line() -> None:
    code, out = run_cli(
        "check", *(str(BAD_STORIES / case) for case in BROKEN), "--format", "github", "--no-cache"
    )
    lines = out.splitlines()
    _, problems = checked()
    assert code == 1 and len(lines) == len(problems) + 1 and lines[-1].startswith("checked 5 stories")
    for line, d in zip(lines, problems, strict=False):
        level, props, message = annotation(line)
        assert level == d.severity.value
        assert props["title"] == f"{d.code}: {CODES[d.code][1]}"
        if d.line:
            assert props["file"] == d.file and (props["line"], props["col"]) == (str(d.line), str(d.col))
        else:
            assert "line" not in props
        first, _, rest = message.partition("\n")
        assert first.startswith(d.message) and (
            d.scene is None or first.endswith(f"[{d.scene}]") or "follow" in first
        )
        assert rest == (d.hint or "")


def test_a_folder_is_no_file_to_annotate() -> None:
    level, props, message = annotation(
        github_annotation(load_checked(BAD_STORIES / "no_manifest").diagnostics[0])
    )
    assert level == "error" and "file" not in props and message.startswith("no story.yaml")


@given(
    st.text(min_size=1, max_size=40),
    st.text(max_size=80),
    st.one_of(st.none(), st.text(max_size=40)),
    st.one_of(st.none(), st.text(max_size=40)),
)
def test_whatever_a_story_holds_an_annotation_is_one_command_that_reads_back(
    file: str, message: str, hint: str | None, scene: str | None
) -> None:
    """Outside input: file names, quoted keys and scene ids come from the author's folder."""
    d = Diagnostic("W126", message, file, 2, 9, scene, hint)
    line = github_annotation(d)
    assert "\n" not in line and "\r" not in line
    level, props, said = annotation(line)
    assert level == "warning" and said.partition("\n")[0].startswith(d.message)
    if not Path(d.file).is_dir():
        assert props["file"] == d.file


def test_watching_refuses_the_github_format() -> None:
    code, out = run_cli("check", "demo", "--watch", "--format", "github")
    assert code == 2 and "--format github is for a run in GitHub Actions" in out
