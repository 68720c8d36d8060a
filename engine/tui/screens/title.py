"""The title screen: the careers as cards, and Continue, Load, Replay, Settings, Quit."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Static

from engine.core.textsafe import visible
from engine.load.folder import LoadResult
from engine.tui.messages import OpenEndings, OpenSaves, OpenSettings, ResumeSave, StartCareer
from engine.tui.save_shelf import SaveShelf
from engine.tui.widgets.cards import StoryCard
from engine.tui.widgets.guard import GuardedScreen
from engine.tui.widgets.keybar import KeyBar

LOGO = "P O I N T E   &   E D G E"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def card_id(story_id: str) -> str:
    """A widget id for a story's card (a story opened by path has slashes in its name)."""
    return "card-" + _ID_UNSAFE.sub("-", story_id)


TAGLINE = "careers on the ice and on the stage"


class TitleScreen(GuardedScreen):
    BINDINGS = [
        Binding("c", "continue_career", "Continue", id="title.continue-career"),
        Binding("l", "load", "Load", id="title.load"),
        Binding("r", "replay", "Replay", id="title.replay"),
        # The cards say "e: the gallery"; the key bar keeps to 80 columns without it.
        Binding("e", "endings", "Endings", show=False, id="title.endings"),
        Binding("comma", "settings", "Settings", id="title.settings"),
        Binding("q", "quit_game", "Quit", id="title.quit-game"),
        Binding("down,right", "app.focus_next", "Next", show=False, id="title.focus-next"),
        Binding("up,left", "app.focus_previous", "Previous", show=False, id="title.focus-previous"),
    ]

    def __init__(self, catalog: Mapping[str, LoadResult], shelf: SaveShelf) -> None:
        super().__init__()
        self.catalog = catalog  # every story here, as it loaded: a card each
        self.shelf = shelf  # read only: the endings found, and a career to continue

    def compose(self) -> ComposeResult:
        with Vertical(id="title-page"):
            yield Static(Text(LOGO, style="bold"), id="logo")
            yield Static(Text(TAGLINE, style="italic"), id="tagline")
            with Grid(id="cards"):
                for story_id in self.catalog:
                    yield StoryCard(story_id, self.card_text(story_id), id=card_id(story_id), classes="card")
            with Horizontal(id="menu"):
                yield Button("Continue", id="continue", variant="primary")
                yield Button("Load", id="load")
                yield Button("Replay", id="replay")
                yield Button("Settings", id="settings")
                yield Button("Quit", id="quit")
        yield KeyBar()

    def card_text(self, story_id: str) -> Text:
        result = self.catalog[story_id]
        story = result.story
        if story is None or not result.ok:
            errors = len(result.errors)
            return Text.assemble(
                (visible(story_id), "bold"),
                "\n",
                (f"does not load: {errors} error{'s' * (errors != 1)}", "red"),
            )
        discoveries = self.shelf.discoveries
        known = discoveries.get(story_id, set()) if discoveries is not None else None
        found = "…" if known is None else str(len(known & {e.id for e in story.endings}))
        who = " · ".join(x for x in (story.protagonist, story.discipline) if x)
        return Text.assemble(
            (story.title, "bold"),
            "\n",
            (who, "italic"),
            "\n",
            (f"Endings found: {found} of {len(story.endings)} (e: the gallery)", "dim"),
            "\n\n",
            story.blurb,
        )

    def on_mount(self) -> None:
        has_store = self.shelf.saving
        self.query_one("#continue", Button).disabled = True
        self.query_one("#load", Button).disabled = not has_store
        self.query_one("#replay", Button).disabled = not has_store
        cards = list(self.query(StoryCard))
        if cards:
            cards[0].focus()
        # What the saves say (endings found, a career to continue) is read after the first
        # frame: the title appears at once, and the numbers a moment later.
        self.call_after_refresh(self.refresh_from_saves)

    def on_screen_resume(self) -> None:
        self.refresh_from_saves()

    def refresh_from_saves(self) -> None:
        self.shelf.refresh_discoveries()
        self.query_one("#continue", Button).disabled = self.shelf.latest_autosave() is None
        for card in self.query(StoryCard):
            card.update(self.card_text(card.story_id))

    def action_endings(self) -> None:
        """The endings gallery of the story whose card has the focus (the first one otherwise)."""
        focused = self.focused if isinstance(self.focused, StoryCard) else None
        card = focused or next(iter(self.query(StoryCard)), None)
        if card is not None:
            self.app.post_message(OpenEndings(card.story_id))

    @on(StoryCard.Chosen)
    def start(self, event: StoryCard.Chosen) -> None:
        self.app.post_message(StartCareer(event.story_id))

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        actions = {
            "continue": self.action_continue_career,
            "load": self.action_load,
            "replay": self.action_replay,
            "settings": self.action_settings,
            "quit": self.action_quit_game,
        }
        actions[event.button.id or ""]()

    def action_continue_career(self) -> None:
        info = self.shelf.latest_autosave()
        if info is None:
            self.notify("No career to continue yet: choose one to start.")
            return
        self.app.post_message(ResumeSave(info.id))

    def action_load(self) -> None:
        self.app.post_message(OpenSaves("load"))

    def action_replay(self) -> None:
        self.app.post_message(OpenSaves("replay"))

    def action_settings(self) -> None:
        self.app.post_message(OpenSettings())

    def action_quit_game(self) -> None:
        self.app.exit()
