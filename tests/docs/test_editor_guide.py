"""The guide's "Your editor": what it shows of editors' and CI's files is what they get.

The blocks are read as tests/docs/test_docs.py reads every block of the guide (each has its
`<!-- test: KIND -->` line); the kinds tested here are that file's EDITOR_KINDS.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.docs.test_docs import argv, blocks, named, strict_parser
from tests.support import ROOT
from tests.support.cli import run_cli


def test_the_workflow_checks_every_story_with_annotations() -> None:
    (b,) = blocks("workflow")
    workflow = yaml.safe_load(b.body)
    assert workflow.get("on", workflow.get(True)) == ["push", "pull_request"]  # `on` is true to YAML 1.1
    (job,) = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["uv run main.py check --format github"]
    assert any(step.get("uses", "").startswith("astral-sh/setup-uv@") for step in job["steps"])
    strict_parser().parse_args(argv(runs[0]))


def test_the_github_annotations_are_what_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = tmp_path / "stories" / "demo"
    shutil.copytree(ROOT / "stories" / "demo", story)
    chapter = story / "training.yaml"
    chapter.write_text(chapter.read_text().replace("    choices:", "    choises:", 1))
    monkeypatch.chdir(tmp_path)
    code, out = run_cli("check", "stories/demo", "--format", "github")
    (b,) = named("output", "check-github")
    assert code == 1 and out == b.body
