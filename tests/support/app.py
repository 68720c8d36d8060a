"""One driver of the app for every test of it: build it, run it headless with Pilot, read it.

`drive(steps, tmp_path, ...)` runs the whole app (saves in `tmp_path`, text shown at once) and
calls `steps(app, pilot)` once it is up. Notifications are on, as for a player: a notice that
would crash the toast (markup, say) crashes the test. What the app said is read from Textual's
public `message_hook` (every `Notify` it handled), and so are the requests the screens posted
(engine/tui/messages.py): no test reads the app's private state.

Most steps call a screen's actions directly (a key press costs ~60 ms); the binding tests press
the real keys.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from engine.author.check import load_checked
from engine.play.session import Session
from engine.saves.format import Career
from engine.saves.record import Recorder
from engine.saves.store import SaveStore
from engine.tui import messages
from engine.tui.app import PointeEdgeApp
from engine.tui.screens.author import AuthorScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.settings import Settings

Steps = Callable[[PointeEdgeApp, Pilot[Any]], Awaitable[None]]
SIZE = (100, 32)


class _Heard:
    """What an app running under `drive` (or `host`) said and was asked, in order. It is kept on
    the app itself: a table beside it would hold the requests, whose senders hold the app, and
    every app a test ever ran would stay alive (4,000 cached strips each) to the end of the run.
    """

    def __init__(self) -> None:
        self.notices: list[str] = []
        self.requests: list[Message] = []


def _heard(app: App[Any]) -> _Heard:
    heard = app.__dict__.get("_tests_heard")
    if heard is None:
        heard = app.__dict__["_tests_heard"] = _Heard()
    return heard


REQUESTS = tuple(  # every message class of engine/tui/messages.py
    c for c in vars(messages).values() if isinstance(c, type) and issubclass(c, Message) and c is not Message
)


def _hook(app: App[Any]) -> Callable[[Message], None]:
    heard = _heard(app)
    notices, requests = heard.notices, heard.requests

    def seen(message: Message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification.message)
        elif isinstance(message, REQUESTS):
            requests.append(message)

    return seen


def drive(steps: Steps, tmp_path: Path, *, size: tuple[int, int] = SIZE, **options: Any) -> PointeEdgeApp:
    """Run the app with `options` (PointeEdgeApp's), do `steps`, and return it, closed."""
    options.setdefault("settings", Settings(reveal="off"))
    options.setdefault("saves_dir", tmp_path / "saves")
    app = PointeEdgeApp(**options)

    async def main() -> None:
        async with app.run_test(size=size, notifications=True, message_hook=_hook(app)) as pilot:
            await pilot.pause()
            await steps(app, pilot)

    asyncio.run(main())
    return app


class Host(App[None]):
    """A bare app that shows one screen and handles none of its requests: a screen, alone."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.shown = screen

    def on_mount(self) -> None:
        self.push_screen(self.shown)


def host(screen: Screen[Any], steps: Callable[[Host, Pilot[Any]], Awaitable[None]]) -> Host:
    """Run `screen` alone in a `Host`, do `steps`; `requests(app)` is what it asked for."""
    app = Host(screen)

    async def main() -> None:
        async with app.run_test(size=SIZE, notifications=True, message_hook=_hook(app)) as pilot:
            await pilot.pause()
            await steps(app, pilot)

    asyncio.run(main())
    return app


def notices(app: App[Any]) -> list[str]:
    """Every notification the app has shown so far, oldest first."""
    return list(_heard(app).notices)


def requests(app: App[Any]) -> list[Message]:
    """Every request (engine/tui/messages.py) posted to the app so far, oldest first."""
    return list(_heard(app).requests)


def play(app: App[Any]) -> PlayScreen:
    screen = app.screen
    assert isinstance(screen, PlayScreen), type(screen).__name__
    return screen


def author(app: App[Any]) -> AuthorScreen:
    screen = app.screen
    assert isinstance(screen, AuthorScreen), type(screen).__name__
    return screen


async def choose_all(app: App[Any], pilot: Pilot[Any], ids: list[str]) -> None:
    for cid in ids:
        play(app).choose(cid)
        await pilot.pause()


def saved_career(saves: Path, story: str | Path, seed: int, choices: list[str]) -> Career:
    """A career saved exactly as the app autosaves one after each choice (the same Recorder and
    store), made without starting an app: for tests whose subject is what a save opens into."""
    loaded = load_checked(story)
    assert loaded.ok and loaded.story is not None
    session = Session(loaded.story, seed)
    recorder = Recorder(session)
    for cid in choices:
        session.choose(cid)
    career = recorder.career()
    SaveStore(saves).save(career)
    return career


def copy_story(story: Path, tmp_path: Path) -> Path:
    """A copy of a story folder to edit."""
    shutil.copytree(story, tmp_path / story.name)
    return tmp_path / story.name


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def shown(widget: Static) -> str:
    """The text of a Static, whatever Rich renderable it holds, on one long line per line."""
    return plain(widget.content)


def plain(renderable: Any, width: int = 300) -> str:
    """Any Rich renderable (a choice's prompt is a grid) as text, `width` columns wide."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())
