"""When the game itself goes wrong: a crash prints one line and writes a log, never a traceback;
a bug in a game action is told in words; and the log has a folder of its own.

PointeEdgeApp overrides Textual's private `App._handle_exception`: Textual 8.2.8 has no public
hook for an unhandled exception (Textualize/textual#2818 and #5325 ask for one). The override
hands Textual a `Crash`, which Textual prints through `__rich__` instead of a traceback. The
first two tests fail if an upgrade of Textual changes either: read engine/tui/app.py before
moving the pin in pyproject.toml.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from engine.saves.store import SaveStore
from engine.tui.app import PointeEdgeApp
from engine.tui.crash import Crash, bug_report, logs_dir
from engine.tui.screens.play import PlayScreen
from engine.tui.settings import Settings
from tests.support.app import play


def test_textual_still_has_the_hook_the_app_overrides() -> None:
    hook = App._handle_exception
    assert list(inspect.signature(hook).parameters) == ["self", "error"]
    assert PointeEdgeApp._handle_exception is not hook
    # what the override hands over is printed by its __rich__, if Textual still looks for one
    assert "__rich__" in inspect.getsource(hook)


def test_an_unexpected_error_stops_the_app_with_one_line_and_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("POINTE_EDGE_LOGS", str(logs))
    monkeypatch.setenv("POINTE_EDGE_CACHE", "off")  # the log no longer depends on the cache

    def broken(screen: PlayScreen) -> None:
        raise RuntimeError("the barre [/] broke")

    monkeypatch.setattr(PlayScreen, "action_toggle_history", broken)
    app = PointeEdgeApp(
        start_story="demo", seed=1, saves_dir=tmp_path / "saves", settings=Settings(reveal="off")
    )

    async def player(pilot: Pilot[int]) -> None:
        await pilot.pause()
        play(app).choose("run_program")
        await pilot.pause()
        await pilot.press("h")  # a key whose handler raises, as a bug would

    app.run(headless=True, size=(100, 32), auto_pilot=player)  # as a player runs it, not run_test
    printed = capsys.readouterr().err
    log = logs / "crash.log"
    expected = (
        "Pointe & Edge stopped on an unexpected error (RuntimeError: the barre [/] broke). "
        f"Your career was saved after your last choice. Details: {log}"
    )
    assert "".join(printed.split()) == "".join(expected.split())  # wrapped at the terminal's width
    assert "Traceback" not in printed and app.return_code == 1
    text = log.read_text()
    assert "Traceback" in text and "RuntimeError: the barre [/] broke" in text and "broken" in text
    (saved,) = SaveStore(tmp_path / "saves").list()
    assert saved.steps == 1  # the career, flushed before the app stopped


def test_a_crash_keeps_the_error_it_stands_for() -> None:
    error = KeyError("scene")
    crash = Crash(error, None)
    assert crash.error is error and crash.__cause__ is error
    assert str(crash.__rich__()) == (
        "Pointe & Edge stopped on an unexpected error (KeyError: 'scene'). "
        "Your career was saved after your last choice."
    )


def test_a_bug_report_says_where_the_log_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POINTE_EDGE_LOGS", str(tmp_path / "logs"))
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError as err:
        screen = bug_report(err)
    assert screen.lines[0] == "ZeroDivisionError: division by zero"
    assert screen.lines[-1] == f"The details are in {tmp_path / 'logs' / 'crash.log'}."
    assert "ZeroDivisionError" in (tmp_path / "logs" / "crash.log").read_text()
    monkeypatch.setenv("POINTE_EDGE_LOGS", "off")  # no log: nothing said about one
    assert bug_report(ValueError("x")).lines[-1] == ""


@pytest.mark.parametrize(
    ("platform", "env", "folder"),
    [
        ("linux", {}, "/home/p/.local/state/pointe-edge/logs"),
        ("linux", {"XDG_STATE_HOME": "/x/state"}, "/x/state/pointe-edge/logs"),
        ("darwin", {}, "/home/p/Library/Logs/pointe-edge/logs"),
        ("win32", {"LOCALAPPDATA": "/c/Local"}, "/c/Local/pointe-edge/logs"),
        ("win32", {}, "/home/p/AppData/Local/pointe-edge/logs"),
        ("linux", {"POINTE_EDGE_LOGS": "/var/pe"}, "/var/pe"),
        ("linux", {"POINTE_EDGE_LOGS": "off"}, None),
    ],
)
def test_logs_go_to_the_platforms_state_folder_or_where_told(
    monkeypatch: pytest.MonkeyPatch, platform: str, env: dict[str, str], folder: str | None
) -> None:
    for name in ("POINTE_EDGE_LOGS", "XDG_STATE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(Path, "home", lambda: Path("/home/p"))
    assert logs_dir() == (Path(folder) if folder else None)
