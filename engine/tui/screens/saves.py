"""The saved careers: pick one to load or replay, or delete one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine.saves.format import SaveInfo, play_time
from engine.tui.messages import ReplaySave, ResumeSave, SavesMode
from engine.tui.save_shelf import SaveShelf
from engine.tui.screens.dialogs import ConfirmScreen
from engine.tui.widgets.guard import GuardedScreen
from engine.tui.widgets.keybar import KeyBar


def save_line(info: SaveInfo, newest: bool = False) -> Text:
    """A save as the list shows it: the story, the save's name, choices made, the newest
    marked; then where it is (chapter and scene, or its ending), the play time and the date."""
    if info.ending:
        where = f"ended: {info.ending['title']}"
    else:
        where = f"{info.chapter_title}: {info.scene_title}" if info.chapter_title else info.scene_title
    played = f"played {play_time(info.played)}" if info.played is not None else ""
    details = [where, played, when(info.updated)]
    return Text.assemble(
        (f"{info.story_title}", "bold"),
        f"  ·  {info.name}  ·  {info.steps} choice{'s' * (info.steps != 1)}",
        ("  ·  newest" if newest else "", "bold"),
        "\n",
        ("   " + "  ·  ".join(d for d in details if d), "italic"),
    )


def when(updated: str) -> str:
    """An ISO time as a list shows it: "2026-12-07 13:45" (UTC, as saves store it)."""
    return updated[:16].replace("T", " ")


class SavesScreen(GuardedScreen):
    """`mode` is "load" (play on) or "replay" (watch again)."""

    BINDINGS = [
        Binding("d,delete", "delete", "Delete", id="saves.delete"),
        Binding("escape,b", "back", "Back", id="saves.back"),
    ]

    def __init__(self, mode: SavesMode, shelf: SaveShelf) -> None:
        super().__init__()
        self.mode = mode
        self.shelf = shelf  # the saved careers: listed here, and deleted from here
        self.infos: list[SaveInfo] = []

    def compose(self) -> ComposeResult:
        heading = "Load a career" if self.mode == "load" else "Replay a career"
        with Vertical(id="saves-page"):
            yield Static(Text(heading, style="bold"), id="saves-title")
            yield Static("", id="saves-empty")
            yield OptionList(id="saves")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        self.infos = self.shelf.list()
        if self.mode == "replay":
            self.infos = [i for i in self.infos if i.steps > 0]
        listing = self.query_one("#saves", OptionList)
        listing.clear_options()
        listing.add_options(Option(save_line(i, newest=n == 0), id=i.id) for n, i in enumerate(self.infos))
        empty = self.query_one("#saves-empty", Static)
        empty.update(
            Text("No saved careers yet: play one, and it is saved after every choice.", style="italic")
        )
        empty.display = not self.infos
        if self.infos:
            listing.highlighted = 0
            listing.focus()

    @on(OptionList.OptionSelected, "#saves")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        if self.mode == "load":
            self.app.post_message(ResumeSave(event.option.id))
        else:
            self.app.post_message(ReplaySave(event.option.id))

    def action_delete(self) -> None:
        listing = self.query_one("#saves", OptionList)
        if listing.highlighted is None or not self.infos:
            return
        info = self.infos[listing.highlighted]

        def done(yes: bool | None) -> None:
            if yes:
                self.shelf.delete(info.id)
                self.refresh_list()

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {info.story_title}: {info.name}, {info.steps} choice{'s' * (info.steps != 1)}?",
                yes="Delete",
                no="Keep",
            ),
            done,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
