"""The guide's "Your editor": what it shows of editors' and CI's files is what they get.

The blocks are read as tests/docs/test_docs.py reads every block of the guide (each has its
`<!-- test: KIND -->` line); the kinds tested here are that file's EDITOR_KINDS.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml
from textual.binding import Binding

from engine.author.check import load_checked
from engine.author.editor import command_for
from engine.load.schema import SCHEMA_FILE
from tests.docs.test_docs import TABLES, argv, blocks, named, section, strict_parser
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


# -- the schema in an editor ---------------------------------------------------------------------

SETTINGS = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
MODELINE = re.compile(
    r"\A#\s*yaml-language-server\s*:\s*\$schema=(\S+)\s*\Z"
)  # as yaml-language-server reads it


def test_vs_codes_settings_give_the_schema_to_the_story_files_but_their_tests() -> None:
    (schema, globs), *others = SETTINGS["yaml.schemas"].items()
    assert others == [] and (ROOT / schema).resolve() == SCHEMA_FILE
    assert "stories/**/*.yaml" in globs and "!stories/*/tests/**" in globs
    assert json.loads((ROOT / ".vscode" / "extensions.json").read_text())["recommendations"] == [
        "redhat.vscode-yaml"
    ]


def test_the_modeline_leads_from_a_story_to_the_schema_main_py_schema_writes(tmp_path: Path) -> None:
    (b,) = blocks("modeline")
    (line,) = b.body.splitlines()
    found = MODELINE.match(line)
    assert found is not None
    stories = tmp_path / "stories"
    (stories / "swan").mkdir(parents=True)
    code, _ = run_cli("schema", "--out", str(stories))
    assert code == 0
    assert (stories / "swan" / found.group(1)).resolve() == (stories / "story.schema.json").resolve()
    # and in this project, from a bundled story
    assert (ROOT / "stories" / "demo" / "../../engine/load/story.schema.json").resolve() == SCHEMA_FILE


def test_the_neovim_and_helix_settings_give_the_schema_to_the_same_files() -> None:
    expected = SETTINGS["yaml.schemas"]
    (helix,) = named("editor-config", "helix")
    assert (
        tomllib.loads(helix.body)["language-server"]["yaml-language-server"]["config"]["yaml"]["schemas"]
        == expected
    )
    (neovim,) = named("editor-config", "neovim")
    schema, globs = next(iter(expected.items()))
    lua_globs = "{ " + ", ".join(f'"{g}"' for g in globs) + " }"
    assert f'["{schema}"] = {lua_globs},' in neovim.body
    assert 'vim.lsp.config("yamlls"' in neovim.body and 'vim.lsp.enable("yamlls")' in neovim.body


def test_a_story_file_with_the_modeline_still_loads_clean(tmp_path: Path) -> None:
    (b,) = blocks("modeline")
    story = tmp_path / "demo"
    shutil.copytree(ROOT / "stories" / "demo", story)
    for path in story.rglob("*.yaml"):
        path.write_text(b.body + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = load_checked(story, cache=False)
    assert result.ok and result.diagnostics == []


# -- the editor key ---------------------------------------------------------------------------------


def test_the_editors_table_is_what_e_runs() -> None:
    (rows,) = TABLES["editors"]
    assert len(rows) >= 6
    for setting, runs in rows:
        value, *also = re.findall(r"`([^`]+)`", setting)  # the editor, then those told the line alike
        shown = re.match(r"`([^`]+)`", runs)
        assert shown is not None, runs
        beside, at_top = "beside the game" in runs, "at its top" in runs
        command = command_for(value, "EDITOR", "class.yaml", 19, 3)
        assert list(command.argv) == shlex.split(shown.group(1)), setting
        assert (command.window, command.at_line) == (beside, not at_top), setting
        for other in also:
            alike = command_for(other, "EDITOR", "class.yaml", 19, 3)
            assert (alike.window, alike.at_line) == (beside, not at_top), other
            told = command.argv[len(shlex.split(value)) :]  # how the line is said, whatever the options
            assert alike.argv[1:] == told, other


def test_a_quoted_path_in_the_variable_is_one_program() -> None:
    found = re.search(r"`export EDITOR=\"('[^`]+')\"`", section("Your editor"))
    assert found is not None
    command = command_for(found.group(1), "EDITOR", "class.yaml", 19, 3)
    assert (
        command.argv[0] == "/Applications/Sublime Text.app/Contents/SharedSupport/bin/subl" and command.window
    )


def test_the_keymap_table_lists_every_key_of_the_game_by_its_id() -> None:
    from engine.tui.app import PointeEdgeApp
    from engine.tui.screens.author import AuthorScreen
    from engine.tui.screens.ending import EndingScreen
    from engine.tui.screens.play import PlayScreen
    from engine.tui.screens.replay import ReplayScreen
    from engine.tui.screens.saves import SavesScreen
    from engine.tui.screens.title import TitleScreen

    table = section("Commands").split("| id | default keys | what it does |")[1].split("\n\n")[0]
    listed = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `([a-z0-9.-]+)` \| ((?:`[^`]+` ?)+) \|", table, re.M)
    }
    screens = (PointeEdgeApp, PlayScreen, TitleScreen, EndingScreen, ReplayScreen, SavesScreen, AuthorScreen)
    for screen in screens:
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                keys = " ".join(f"`{k}`" for k in binding.key.split(","))
                assert listed.get(binding.id, "").strip() == keys, binding.id
    assert {"author.edit", "play.edit"} <= set(listed)
