"""A save folder in any of the probe's 28 damaged states works, or says in one line what is
wrong and where; the damaged file is set aside, never written over. Each state goes through the
store's API, the `saves` commands and the app's start-up (Pilot), from a fresh copy each time.

The figures (states tried, how each ended) are printed with -s by the last test.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from engine.play.session import Session
from engine.saves.format import Career, SaveError
from engine.saves.record import Recorder
from engine.saves.store import SaveStore
from engine.tui.app import PointeEdgeApp
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.title import TitleScreen
from tests.saves.damaged import FAULTS, STATES, Damaged, fingerprint, healthy, kept, simulate_fault
from tests.support import ROOT
from tests.support.app import drive, notices
from tests.support.cli import run_cli
from tests.support.stories import story

OUTCOMES: dict[tuple[str, str], str] = {}  # (state, path) -> what happened, for the report


@pytest.fixture(scope="module")
def demo_career() -> Career:
    session = Session(story("demo"), 7)
    recorder = Recorder(session)
    for _ in range(2):
        session.choose(session.open_choices()[0])
    return recorder.career()


@pytest.fixture(scope="module")
def only_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stories folder with the demo alone: the app starts in a second, not five."""
    stories = tmp_path_factory.mktemp("stories")
    shutil.copytree(ROOT / "stories" / "demo", stories / "demo")
    return stories


def build(state: str, tmp_path: Path, career: Career) -> tuple[Damaged, object]:
    d = healthy(tmp_path / "saves", career)
    damaged = STATES[state](d)
    d = Damaged(d.saves, d.career_id, damaged)
    return d, fingerprint(damaged)


def one_line(text: str) -> bool:
    return "\n" not in text.strip() and "Traceback" not in text and "\x1b" not in text


@pytest.mark.parametrize("state", STATES)
def test_the_store_works_or_says_one_line(
    state: str, tmp_path: Path, demo_career: Career, monkeypatch: pytest.MonkeyPatch
) -> None:
    d, before = build(state, tmp_path, demo_career)
    simulate_fault(monkeypatch, d.saves, state)
    store = SaveStore(d.saves)
    said: list[str] = []
    for operation in (store.list, lambda: store.load(d.career_id), lambda: store.save(demo_career)):
        try:
            operation()
            said.append("ok")
        except SaveError as err:  # anything else fails the test: that was exit 70
            assert one_line(str(err)) and (str(d.saves) in str(err) or "save" in str(err)), str(err)
            said.append(f"error: {err}")
    for line in store.take_notices():
        assert one_line(line)
        said.append(f"note: {line}")
    assert kept(d.damaged, before), f"{state}: the damaged file was written over"
    OUTCOMES[state, "api"] = " | ".join(said)


@pytest.mark.parametrize("state", STATES)
def test_the_saves_commands_work_or_say_one_line(
    state: str, tmp_path: Path, demo_career: Career, monkeypatch: pytest.MonkeyPatch
) -> None:
    d, before = build(state, tmp_path, demo_career)
    exported = tmp_path / "shared.json"
    SaveStore(tmp_path / "other").save(demo_career)
    other = str(tmp_path / "other")
    assert run_cli("saves", "export", demo_career.id, "--out", str(exported), "--saves", other)[0] == 0
    simulate_fault(monkeypatch, d.saves, state)
    results = []
    for command in (["list"], ["show", d.career_id], ["import", str(exported)]):
        code, out = run_cli("saves", *command, "--saves", str(d.saves))
        assert code in (0, 2), (state, command, code, out)
        assert "Traceback" not in out and "\x1b" not in out and "went wrong inside" not in out, out
        errors = [line for line in out.splitlines() if line.startswith("error:")]
        assert len(errors) <= 1 and (code == 0) == (not errors), out
        said = [line.split(": ", 1)[-1] for line in out.splitlines() if line.startswith(("note:", "error:"))]
        assert len(said) == len(set(said)), out  # nothing said twice
        results.append(f"{command[0]} rc {code}" + (f" ({errors[0]})" if errors else ""))
    code, out = run_cli("replay", d.career_id, "--all", "--saves", str(d.saves))
    assert code in (0, 2) and "Traceback" not in out, out
    results.append(f"replay rc {code}")
    assert kept(d.damaged, before), f"{state}: the damaged file was written over"
    OUTCOMES[state, "cli"] = "; ".join(results)


@pytest.mark.parametrize("state", STATES)
def test_the_app_starts_and_says_one_line(
    state: str, tmp_path: Path, demo_career: Career, only_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d, before = build(state, tmp_path, demo_career)
    simulate_fault(monkeypatch, d.saves, state)
    seen: list[str] = []

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        assert isinstance(app.screen, TitleScreen)
        button = app.screen.query_one("#continue", Button)
        if not button.disabled:
            await pilot.click("#continue")
            await pilot.pause()
            seen.append("continued" if isinstance(app.screen, PlayScreen) else type(app.screen).__name__)
            if isinstance(app.screen, PlayScreen):
                app.screen.choose(app.screen.session.open_choices()[0])
                await pilot.pause()
                assert app.shelf.autosaver is not None
                app.shelf.autosaver.flush(5)
                await pilot.pause()
        else:
            seen.append("nothing to continue")

    app = drive(steps, tmp_path, stories_dir=only_demo, saves_dir=d.saves)
    said = notices(app)
    assert all(one_line(line) for line in said), said
    assert len(said) == len(set(said)), said  # each thing said once
    assert app.return_code in (None, 0)
    assert kept(d.damaged, before), f"{state}: the damaged file was written over"
    OUTCOMES[state, "app"] = "; ".join(seen + said)


def test_report_the_28_states() -> None:
    """The figures for the report: how many states were tried, and what each path said."""
    assert len(STATES) == 28 and set(FAULTS) <= set(STATES)
    if not OUTCOMES:
        pytest.skip("run with the parametrized tests above to report their outcomes")
    for state in STATES:
        print(f"\n## {state}")
        for path in ("api", "cli", "app"):
            print(f"  {path}: {OUTCOMES.get((state, path), 'not run')}")
