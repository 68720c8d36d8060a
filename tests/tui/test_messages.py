"""Screens talk to the app through Messages (engine/tui/messages.py).

Each screen is run alone, in a bare app that handles nothing (tests/support/app.py `host`), and
must ask for what it should, in the order it should: an autosave after every choice and before
the ending, nothing saved of a warped run, a bug reported rather than raised. And the app must
handle every message: one that nothing handles would be dropped without a word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from engine.author.check import load_checked
from engine.core.model import Story
from engine.play.session import Session
from engine.saves.record import Recorder
from engine.saves.replay import Replay
from engine.saves.store import SaveStore
from engine.tui.app import PointeEdgeApp
from engine.tui.messages import (
    Autosave,
    BackToTitle,
    NameSave,
    OpenAuthorView,
    OpenSaves,
    OpenSettings,
    PlayOn,
    QuitGame,
    ReplayCareer,
    ReplaySave,
    ReportBug,
    ResumeSave,
    ShowEnding,
    StartCareer,
    Warp,
)
from engine.tui.save_shelf import SaveShelf
from engine.tui.screens.author import AuthorScreen, WarpScreen
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.replay import ReplayScreen
from engine.tui.screens.saves import SavesScreen
from engine.tui.screens.title import TitleScreen
from engine.tui.settings import Settings
from tests.support import STORIES
from tests.support.app import REQUESTS, Host, host, notices, requests

# To the Fourth ending in five choices, none of them a chance: the same steps with any seed.
DEMO_FOURTH = ["run_program", "evening_session", "save_legs", "single_salchow", "continue"]


def shelf(tmp_path: Path, story: Story | None = None) -> SaveShelf:
    catalog = {} if story is None else {"demo": load_checked(story.root)}
    return SaveShelf(SaveStore(tmp_path / "saves"), catalog, lambda message, **_: None)


def kinds(app: Host) -> list[type]:
    return [type(m) for m in requests(app)]


def test_the_app_handles_every_message() -> None:
    assert len(REQUESTS) == 19  # QuickSave, QuickLoad (F5, F9), OpenEndings (e) since 0.2.0; OpenInEditor
    for message in REQUESTS:
        assert callable(getattr(PointeEdgeApp, message.handler_name, None)), message.__name__


def test_every_choice_asks_for_an_autosave_and_the_last_one_for_the_ending_after_it(demo: Story) -> None:
    session = Session(demo, 5)
    recorder = Recorder(session)
    screen = PlayScreen(session, recorder, settings=Settings(reveal="off"))

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        for cid in DEMO_FOURTH:
            screen.choose(cid)
            await pilot.pause()
        screen.action_undo()  # an undo is saved too
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [Autosave] * 5 + [ShowEnding, Autosave]
    ending = requests(app)[5]
    assert isinstance(ending, ShowEnding)
    assert ending.session is session and ending.recorder is recorder and not ending.warped
    assert all(m.recorder is recorder for m in requests(app) if isinstance(m, Autosave))


def test_a_warped_run_asks_for_no_save(demo: Story) -> None:
    screen = PlayScreen(Session(demo, 5), Recorder(Session(demo, 5)), settings=Settings(), warped=True)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        for cid in DEMO_FOURTH:
            screen.choose(cid)
            await pilot.pause()
        screen.action_save()
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [ShowEnding]
    assert requests(app)[0].warped  # type: ignore[attr-defined]
    assert any(n.startswith("A warped run cannot be saved") for n in notices(app))


def test_a_bug_in_a_choice_is_reported_and_nothing_saved(
    demo: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(demo, 1)
    screen = PlayScreen(session, Recorder(session), settings=Settings(reveal="off"))
    monkeypatch.setattr(Session, "_apply", lambda self, effects: 1 / 0)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        screen.choose("run_program")
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [ReportBug]
    assert isinstance(requests(app)[0].error, ZeroDivisionError)  # type: ignore[attr-defined]
    assert session.journal == ()


@pytest.mark.parametrize("author", [False, True])
def test_the_play_screens_keys_ask_the_app(demo: Story, author: bool) -> None:
    session = Session(demo, 1)
    recorder = Recorder(session)
    screen = PlayScreen(session, recorder, settings=Settings(reveal="off"), author=author)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        await pilot.press("s", "l", "m", "q")
        await pilot.pause()

    app = host(screen, steps)
    # the map (`m`) only in author mode
    assert kinds(app) == [NameSave, OpenSaves, *([OpenAuthorView] if author else []), QuitGame]
    name, saves = requests(app)[:2]
    assert name.recorder is recorder and saves.mode == "load"  # type: ignore[attr-defined]


def test_the_ending_asks_to_replay_start_again_go_back_or_map(demo: Story, tmp_path: Path) -> None:
    session = Session(demo, 5)
    for cid in DEMO_FOURTH:
        session.choose(cid)
    recorder = Recorder(session)
    screen = EndingScreen(session, recorder, shelf=shelf(tmp_path), story_key="stories/demo", author=True)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        screen.action_replay()
        screen.action_again()
        screen.action_author_view()
        screen.action_back()
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [ReplayCareer, StartCareer, OpenAuthorView, BackToTitle]
    replay, again = requests(app)[:2]
    assert replay.recorder is recorder and again.story_id == "stories/demo"  # type: ignore[attr-defined]


def test_the_title_asks_to_start_load_replay_or_change_the_settings(demo: Story, tmp_path: Path) -> None:
    saves = shelf(tmp_path, demo)
    screen = TitleScreen(saves.catalog, saves)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        await pilot.press("enter")  # the first card has the focus
        screen.action_continue_career()  # nothing to continue: said, not asked
        screen.action_load()
        screen.action_replay()
        screen.action_settings()
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [StartCareer, OpenSaves, OpenSaves, OpenSettings]
    start, load, replay = requests(app)[:3]
    assert start.story_id == "demo"  # type: ignore[attr-defined]
    assert (load.mode, replay.mode) == ("load", "replay")  # type: ignore[attr-defined]
    assert "No career to continue yet: choose one to start." in notices(app)


@pytest.mark.parametrize(("mode", "asked"), [("load", ResumeSave), ("replay", ReplaySave)])
def test_the_saves_list_asks_to_resume_or_replay_the_pick(
    demo: Story, tmp_path: Path, mode: str, asked: type
) -> None:
    saves = shelf(tmp_path, demo)
    session = Session(demo, 1)
    session.choose("run_program")
    career = Recorder(session).career()
    assert saves.store is not None
    saves.store.save(career)
    screen = SavesScreen(mode, saves)  # type: ignore[arg-type]

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        screen.query_one(OptionList).action_select()
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [asked] and requests(app)[0].save_id == career.id  # type: ignore[attr-defined]


def test_the_replay_asks_to_play_on_from_its_step(demo: Story) -> None:
    session = Session(demo, 5)
    for cid in DEMO_FOURTH[:3]:
        session.choose(cid)
    replay = Replay(demo, Recorder(session).career())
    screen = ReplayScreen(replay)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        screen.action_step(2)
        screen.action_play_on()
        await pilot.pause()

    app = host(screen, steps)
    assert kinds(app) == [PlayOn]
    assert requests(app)[0].replay is replay and requests(app)[0].index == 2  # type: ignore[attr-defined]


def test_the_map_asks_to_warp_once_the_dialog_closes() -> None:
    story = load_checked(STORIES / "studio").story
    assert story is not None
    session = Session(story, 7)
    screen = AuthorScreen(session)

    async def steps(app: Host, pilot: Pilot[Any]) -> None:
        screen.warp_to("class.centre")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, WarpScreen)
        dialog.go()
        await pilot.pause()

    app = host(screen, steps)
    (warp,) = requests(app)
    assert isinstance(warp, Warp) and warp.session is session and warp.scene_id == "class.centre"
    assert warp.stats == session.state.stats and warp.flags == session.state.flags
