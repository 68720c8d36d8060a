"""The game as an installed tool: a wheel, a fresh environment, a player's own folders.

The wheel is built from this checkout and installed into a new virtual environment in a
temporary folder (uv's package cache, or the package index, supplies the dependencies), then
run from outside the checkout as a player would run it: `pointe-edge --version`, `stories`,
`check`, and a career in plain mode to an ending. Its saves must land in the user data folder
the environment names (XDG_DATA_HOME here), never inside site-packages, which a reinstall
deletes; a story the player puts in that folder is listed with the bundled ones.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from engine.core.version import SAVE_FORMAT, STORY_FORMAT, __version__
from tests.support import ROOT

DEMO_CAREER = "id:run_program,id:rest,id:save_legs,id:double_salchow,id:continue"


def _uv() -> list[str]:
    """uv itself: `uv run` names it in $UV; else the one on PATH; else none (the test skips)."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        pytest.skip("uv is not available to build and install the wheel")
    return [found]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the game's wheel installed; its `bin` (or `Scripts`) folder."""
    base = tmp_path_factory.mktemp("install")
    uv = _uv()
    quiet = {"capture_output": True, "text": True, "check": True}
    subprocess.run([*uv, "build", "--wheel", "--out-dir", str(base / "dist"), str(ROOT)], **quiet)  # type: ignore[call-overload]
    [wheel] = (base / "dist").glob("pointe_edge-*.whl")
    subprocess.run([*uv, "venv", str(base / "venv"), "--python", sys.executable], **quiet)  # type: ignore[call-overload]
    python = base / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([*uv, "pip", "install", "--python", str(python), str(wheel)], **quiet)  # type: ignore[call-overload]
    return python.parent


def _player(tmp: Path, cache: Path) -> dict[str, str]:
    """A player's environment: their own home and XDG folders, none of the test run's settings
    (the parse cache is shared by the tests of this module: parsing the careers is not what they
    test, and costs 5 s a time)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POINTE_EDGE_", "XDG_", "VIRTUAL_ENV"))}
    env |= {
        "HOME": str(tmp / "home"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_CACHE_HOME": str(cache),
        "XDG_STATE_HOME": str(tmp / "state"),
    }
    return env


def _run(bin_dir: Path, tmp: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    exe = bin_dir / ("pointe-edge.exe" if os.name == "nt" else "pointe-edge")
    env = _player(tmp, cache=bin_dir.parents[1] / "cache")
    return subprocess.run([str(exe), *argv], cwd=tmp, env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_the_installed_tool_plays_checks_and_saves_in_the_user_data_folder(
    installed: Path, tmp_path: Path
) -> None:
    version = _run(installed, tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.strip() == (
        f"Pointe & Edge {__version__} (story format {STORY_FORMAT}, save format {SAVE_FORMAT})"
    )

    listed = _run(installed, tmp_path, "stories")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    ids = [line.split()[0] for line in listed.stdout.splitlines()]
    assert ids == ["bozena", "demo", "halima", "magdalena"]

    checked = _run(installed, tmp_path, "check", "demo")
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.rstrip().endswith("0 errors, 0 warnings"), checked.stdout

    help_text = _run(installed, tmp_path, "play", "--help").stdout
    assert help_text.startswith("usage: pointe-edge play") and "  pointe-edge play demo --plain" in help_text

    played = _run(installed, tmp_path, "play", "demo", "--plain", "--seed", "2", "--choices", DEMO_CAREER)
    assert played.returncode == 0 and "The end: " in played.stdout, played.stdout[-1500:]
    saves = tmp_path / "data" / "pointe-edge" / "saves"
    assert f"in {saves} (" in played.stdout
    [career] = (saves / "careers").glob("*.json")
    saved = json.loads(career.read_text())
    assert saved["engine"] == __version__ and saved["format"] == SAVE_FORMAT and saved["ending"]
    site = installed.parent / ("Lib" if os.name == "nt" else "lib")
    inside = [p for p in site.rglob("*") if p.name in ("careers", "index.json", ".lock")]
    assert inside == [], "a save inside the environment"

    where = _run(installed, tmp_path, "paths").stdout
    assert f"saves            {saves}" in where and "installed in " in where


@pytest.mark.slow
def test_a_story_in_the_user_data_folder_is_listed_and_played(installed: Path, tmp_path: Path) -> None:
    own = tmp_path / "data" / "pointe-edge" / "stories" / "my_club"
    shutil.copytree(ROOT / "stories" / "demo", own)
    manifest = own / "story.yaml"
    manifest.write_text(manifest.read_text().replace("id: demo", "id: my_club", 1))
    listed = _run(installed, tmp_path, "stories")
    assert "my_club" in [line.split()[0] for line in listed.stdout.splitlines()], listed.stdout
    played = _run(installed, tmp_path, "play", "my_club", "--plain", "--seed", "2", "--choices", DEMO_CAREER)
    assert played.returncode == 0 and "The end: " in played.stdout, played.stdout[-1500:]


@pytest.mark.slow
def test_the_installed_tool_prints_the_schema_it_was_made_with(installed: Path, tmp_path: Path) -> None:
    """The JSON Schema of story files is package data: an author with the tool alone has it."""
    printed = _run(installed, tmp_path, "schema")
    assert printed.returncode == 0, printed.stdout + printed.stderr
    assert printed.stdout == (ROOT / "engine" / "load" / "story.schema.json").read_text(encoding="utf-8")


def test_the_package_the_changelog_and_the_formats_name_one_version() -> None:
    """pyproject.toml takes its version from engine/core/version.py, and CHANGELOG.md's newest
    release is that version and names the story and save formats it reads and writes."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "engine/core/version.py"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    newest = changelog.split("\n## ", 1)[1]
    heading, body = newest.split("\n", 1)
    assert heading.startswith(f"{__version__} ")
    assert f"story format {STORY_FORMAT}" in body.lower() and f"save format {SAVE_FORMAT}" in body.lower()
