"""The touches of an installed tool, in a clone: --version, a --help page with examples for
every command, `paths`, shell completion, and the full-screen game starting under a Textual
driver that is not a terminal (what `serve` and `textual serve` give it)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine.cli.play as play
from engine.cli.parser import build_parser
from engine.core import paths
from engine.core.version import SAVE_FORMAT, STORY_FORMAT, __version__
from tests.support import ROOT
from tests.support.cli import run_cli


def _commands() -> dict[str, argparse.ArgumentParser]:
    [sub] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_version_names_the_game_and_both_formats() -> None:
    with pytest.raises(SystemExit) as done:
        run_cli("--version")
    assert done.value.code == 0
    shown = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT, capture_output=True, text=True)
    expected = f"Pointe & Edge {__version__} (story format {STORY_FORMAT}, save format {SAVE_FORMAT})\n"
    assert shown.stdout == expected


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_has_a_help_page_with_examples_that_run_as_written(command: str) -> None:
    page = _commands()[command].format_help()
    assert page.startswith(f"usage: main.py {command}")
    examples = page.split("\nexamples:\n", 1)[1].splitlines()
    commands = [line.strip() for line in examples if line.startswith("  uv run main.py ")]
    assert commands and all(line.split()[3] == command for line in commands), examples
    for line in commands:  # each example parses: no option that does not exist, no missing argument
        build_parser().parse_args(line.split()[3:])


def test_the_main_help_names_every_variable_that_moves_a_folder() -> None:
    page = build_parser().format_help()
    for name in ("SAVES", "DATA", "STORIES", "CONFIG", "CACHE", "LOGS", "DEBUG"):
        assert f"POINTE_EDGE_{name}" in page
    assert "uv run main.py paths" in page and "--version" in page


def test_paths_says_where_each_thing_lives_in_a_clone(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("POINTE_EDGE_SAVES", raising=False)
    monkeypatch.setenv("POINTE_EDGE_CACHE", "off")
    code, out = run_cli("paths")
    assert code == 0 and out.startswith(f"Pointe & Edge {__version__}, a clone at {ROOT}\n")
    assert f"bundled stories  {ROOT / 'stories'}\n" in out and f"saves            {ROOT / 'saves'}\n" in out
    assert "your stories     none (in a clone, put them in its stories/ folder)" in out
    assert "parse cache      none (off: parse every time)" in out
    monkeypatch.setenv("POINTE_EDGE_DATA", str(tmp_path))  # a data folder moves saves, even in a clone
    code, out = run_cli("paths")
    assert f"saves            {tmp_path / 'saves'} (not made yet)\n" in out
    assert f"your stories     {tmp_path / 'stories'} (not made yet)\n" in out


def test_an_installed_copy_keeps_saves_and_stories_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paths, "FROM_CHECKOUT", False)
    for name in ("POINTE_EDGE_SAVES", "POINTE_EDGE_DATA", "POINTE_EDGE_STORIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if sys.platform in ("win32", "darwin"):
        pytest.skip("XDG folders are Linux's")
    assert paths.saves_folder() == tmp_path / "pointe-edge" / "saves"
    assert paths.own_stories() == tmp_path / "pointe-edge" / "stories"
    assert paths.saves_folder("elsewhere") == Path("elsewhere")
    monkeypatch.setenv("POINTE_EDGE_SAVES", str(tmp_path / "mine"))
    assert paths.saves_folder() == tmp_path / "mine"
    assert paths.command_name() == "pointe-edge" and paths.run_prefix() == "pointe-edge"


def test_completion_prints_a_script_for_the_installed_command() -> None:
    for shell in ("bash", "zsh", "fish"):
        code, out = run_cli("completion", shell)
        assert code == 0 and "pointe-edge" in out and "_ARGCOMPLETE" in out, shell


def test_completion_offers_commands_options_and_story_ids(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The shell's request, made as bash's completion function makes it (argcomplete's protocol:
    the line and the cursor in the environment; the answer to a file instead of descriptor 8)."""

    def complete(line: str) -> list[str]:
        answer = tmp_path / "answer"
        env = {
            **os.environ,
            "_ARGCOMPLETE": "1",
            "_ARGCOMPLETE_SHELL": "bash",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_IFS": "\n",
            "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        }
        subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, check=True)
        return sorted(answer.read_text().split())

    assert complete("main.py si") == ["simulate"]
    assert complete("main.py play ") == ["bozena", "demo", "halima", "magdalena"]
    assert complete("main.py play de") == ["demo"]
    assert "--plain" in complete("main.py play demo --p")


def test_the_full_screen_game_starts_under_a_textual_driver_without_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("POINTE_EDGE_FORCE_TUI", raising=False)
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert not play._has_screen()  # pytest's stdin is not a terminal
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert play._has_screen()
