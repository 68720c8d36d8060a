"""`e` in author mode: the scene shown, opened in the author's own editor at its line, and the
story reloaded with the edit when the editor exits.

The editor is a small Python script written for each test, named as the editor it stands in for
(`nvim`, `code`): it writes the arguments it was given to a file, and edits the story as an author
would. The app is driven with Pilot (tests/support/app.py), whose headless terminal cannot be
suspended: the tests that run a terminal editor hand the app a `hand_over` that lends nothing
(PointeEdgeApp's parameter for it), and one test keeps Textual's own suspend, to see what an
author is told where the terminal cannot be lent. The watcher keeps its 30-second interval:
the app asks it to look when the editor exits, which is what is tested.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from engine.tui.app import PointeEdgeApp
from engine.tui.messages import OpenInEditor
from engine.tui.settings import Settings
from tests.support import STORIES
from tests.support import app as driver
from tests.support.app import Steps, author, copy_story, notices, play, requests, shown

FAKE_EDITOR = """#!{python}
# A stand-in for the author's editor: say how it was called, then edit as an author would.
import json, sys
from pathlib import Path
Path({record!r}).write_text(json.dumps(sys.argv[1:]))
story = Path({story!r}) / "class.yaml"
story.write_text(story.read_text().replace("title: In the Centre", "title: In the Middle of the Room"))
sys.exit({status})
"""


def fake_editor(tmp_path: Path, name: str, story: Path, status: int = 0) -> Path:
    """An executable called `name` (in a folder of its own), and the file it records its arguments in."""
    folder = tmp_path / f"bin-{name}"
    folder.mkdir()
    script = folder / name
    record = tmp_path / f"{name}-argv.json"
    script.write_text(
        FAKE_EDITOR.format(python=sys.executable, record=str(record), story=str(story), status=status)
    )
    script.chmod(0o755)
    return record


def drive(steps: Steps, tmp_path: Path, folder: Path, **options: Any) -> PointeEdgeApp:
    """The app in author mode on a copy of the studio story; the watcher waits 30 s between polls."""
    options.setdefault("author", True)
    options.setdefault("watch_interval", 30)
    options.setdefault("hand_over", contextlib.nullcontext)
    return driver.drive(
        steps, tmp_path, start_story=str(folder), seed=7, settings=Settings(reveal="off"), **options
    )


async def until(pilot: Pilot[Any], done: Any, what: str) -> None:
    """Let the app run until `done()`; the deadline only guards against a hang."""
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, f"never: {what}"
        await pilot.pause()


def map_lines(app: PointeEdgeApp) -> list[str]:
    listing = author(app).query_one("#map", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_story(STORIES / "studio", tmp_path)


@pytest.fixture
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def use(monkeypatch: pytest.MonkeyPatch, variable: str, command: str) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv(variable, command)


def test_e_on_the_map_opens_the_highlighted_scene_at_its_line_and_the_edit_reloads(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_editor(tmp_path, "nvim", folder)
    use(monkeypatch, "EDITOR", str(tmp_path / "bin-nvim" / "nvim"))

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        screen = author(app)  # author mode opens on the map
        screen.show_chapter("class", "class.centre")
        await pilot.pause()
        detail = shown(screen.query_one("#scene-detail", Static))
        assert "e: edit it in your editor, at " in detail and "class.yaml:19." in detail
        assert "e Edit " in str(screen.query_one("KeyBar").render())
        await pilot.press("e")
        await until(pilot, lambda: any(n.startswith("Reloaded class.yaml") for n in notices(app)), "reloaded")
        assert json.loads(record.read_text()) == ["+19", str((folder / "class.yaml").resolve())]
        assert "Reloaded class.yaml: same scene, same state." in notices(app)
        assert "· In the Middle of the Room" in map_lines(app)  # the map shows the edit at once
        assert author(app).highlighted == "class.centre"

    drive(steps, tmp_path, folder)


def test_e_in_the_game_opens_the_scene_being_played(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_editor(tmp_path, "hx", folder)
    use(monkeypatch, "VISUAL", str(tmp_path / "bin-hx" / "hx"))
    monkeypatch.setenv("EDITOR", "nano")  # VISUAL comes first

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        app.pop_screen()
        play(app).choose("centre")
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: any(n.startswith("Reloaded class.yaml") for n in notices(app)), "reloaded")
        assert json.loads(record.read_text()) == [f"{(folder / 'class.yaml').resolve()}:19:3"]
        assert shown(play(app).query_one("#scene-title", Static)) == "In the Middle of the Room"

    drive(steps, tmp_path, folder)


def test_an_editor_with_a_window_opens_beside_the_game(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_editor(tmp_path, "code", folder)
    use(monkeypatch, "EDITOR", f"{tmp_path / 'bin-code' / 'code'} --wait")

    def never(*_: object) -> Any:
        raise AssertionError("the terminal was handed over to an editor with a window of its own")

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        author(app).show_chapter("class", "class.barre")
        await pilot.press("e")
        await pilot.pause()
        file = (folder / "class.yaml").resolve()
        assert (
            f"Opened {folder / 'class.yaml'} at line 5 in code: save it, and the story reloads."
            in notices(app)
        )
        await until(pilot, record.exists, "the editor ran")
        await until(pilot, lambda: record.read_text() != "", "the editor said how it was called")
        assert json.loads(record.read_text()) == ["--wait", "--goto", f"{file}:5:3"]

    drive(steps, tmp_path, folder, hand_over=never)


def test_no_editor_set_is_said_with_what_to_do(tmp_path: Path, folder: Path, no_editor: None) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        (edit,) = [c for c in app.get_system_commands(app.screen) if c.title == "Edit the scene"]
        assert edit.help == "Open the highlighted scene's file at its line in your editor"
        edit.callback()  # as the command palette runs it
        await pilot.pause()
        (said,) = [n for n in notices(app) if n.startswith("No editor")]
        assert said == (
            "No editor is set: set $VISUAL or $EDITOR (for example `export EDITOR=nano`) and start the"
            f" game again, or open {folder / 'class.yaml'} at line 5 yourself. Saving it reloads the story."
        )

    drive(steps, tmp_path, folder)


def test_an_editor_that_cannot_be_found_or_read_is_said_so(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        use(monkeypatch, "EDITOR", "no-such-editor --flag")
        await pilot.press("e")
        await pilot.pause()
        assert any(
            n.startswith(
                "Cannot start your editor: $EDITOR names `no-such-editor`, and there is no such program"
            )
            for n in notices(app)
        )
        use(monkeypatch, "VISUAL", "'/opt/my editor/bin/ed")
        await pilot.press("e")
        await pilot.pause()
        assert any(
            n.startswith("Cannot open your editor: $VISUAL is not a command line (No closing quotation)")
            for n in notices(app)
        )

    drive(steps, tmp_path, folder)


def test_where_the_terminal_cannot_be_lent_the_author_is_told_where_to_look(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's own suspend, in a terminal it cannot suspend (here Pilot's; a browser's too)."""
    record = fake_editor(tmp_path, "vim", folder)
    use(monkeypatch, "EDITOR", str(tmp_path / "bin-vim" / "vim"))

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        await pilot.press("e")
        await pilot.pause()
        assert (
            "This terminal cannot be handed to vim (the game is not in a terminal of its own, as in a"
            f" browser): open {folder / 'class.yaml'} at line 5 yourself. Saving it reloads the story."
        ) in notices(app)
        assert not record.exists()
        assert isinstance(app.screen, type(author(app)))  # and the game goes on

    drive(steps, tmp_path, folder, hand_over=None)


def test_an_editor_that_fails_is_said_and_the_game_goes_on(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_editor(tmp_path, "nano", folder, status=3)
    use(monkeypatch, "EDITOR", str(tmp_path / "bin-nano" / "nano"))

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        await pilot.press("e")
        await until(pilot, lambda: "nano exited with status 3." in notices(app), "said")
        await until(pilot, lambda: any(n.startswith("Reloaded class.yaml") for n in notices(app)), "reloaded")

    drive(steps, tmp_path, folder)


def test_outside_author_mode_e_opens_nothing(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_editor(tmp_path, "vi", folder)
    use(monkeypatch, "EDITOR", str(tmp_path / "bin-vi" / "vi"))

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        screen = play(app)
        assert not screen.author
        await pilot.press("e")
        await pilot.pause()
        assert not any(isinstance(r, OpenInEditor) for r in requests(app))
        app.post_message(OpenInEditor(str(folder / "class.yaml"), 5, 3))  # a stray request changes nothing
        await pilot.pause()
        assert not record.exists() and notices(app) == []
        assert "Edit" not in [d for _, d in app.key_help(screen)]
        assert "Edit the scene" not in [c.title for c in app.get_system_commands(screen)]

    drive(steps, tmp_path, folder, author=False)
