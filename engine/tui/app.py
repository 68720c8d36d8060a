"""The app: its screens and keys, and what it does when a screen asks for something.

Screens never call the app: they post a message (engine/tui/messages.py) and the handlers
below pass it to the part of the app it belongs to. Those parts are understandable alone:

- careers.py: the catalog of stories, and starting, resuming and replaying careers;
- save_shelf.py: the save store as the app sees it, errors said in words;
- author_mode.py: the map and warp, and in author mode the watched folder and live reload;
- crash.py: bug reports, the crash log, and the one line printed when the app stops on an
  unexpected error.

What is left here is the App itself: mounting and unmounting, the keys, help and the command
palette, and Textual's hooks (notifications, unhandled exceptions).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from engine.core.model import Story
from engine.core.paths import keymap_file
from engine.load.folder import LoadResult, freeze_once
from engine.saves.store import SaveStore
from engine.tui import textual_fixes
from engine.tui.author_mode import AuthorMode, HandOver
from engine.tui.careers import Careers, load_catalog
from engine.tui.crash import Crash, bug_report, write_crash_log
from engine.tui.keymap import binding_ids, read_keymap
from engine.tui.messages import (
    Autosave,
    BackToTitle,
    NameSave,
    OpenAuthorView,
    OpenEndings,
    OpenInEditor,
    OpenSaves,
    OpenSettings,
    PlayOn,
    QuickLoad,
    QuickSave,
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
from engine.tui.screens.author import AuthorScreen
from engine.tui.screens.author.help import AUTHOR_HELP
from engine.tui.screens.dialogs import ConfirmScreen, HelpScreen, SettingsScreen
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.replay import ReplayScreen
from engine.tui.screens.saves import SavesScreen
from engine.tui.screens.title import TitleScreen
from engine.tui.settings import Settings, default_path
from engine.tui.widgets.text import literal_markup

# bench/bench_tui.py: write the time of the first frame to this file, then exit.
FIRST_FRAME_ENV = "POINTE_EDGE_FIRST_FRAME_FILE"


def career_command(story: Story) -> str:
    """A palette command that reads as a player would say it: "Start Halima's career", or for a
    story told to "you", "Start The Club Cup"."""
    first = story.protagonist.split(",")[0].split(" ")[0] if story.protagonist else ""
    if not first or first.lower() in ("you", "your"):
        return f"Start {story.title}"
    return f"Start {first}'s career"


class PointeEdgeApp(App[int]):
    TITLE = "Pointe & Edge"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit_game", "Quit", priority=True, id="game.quit-game"),
        Binding("question_mark", "help", "Help", id="game.help"),
    ]

    def __init__(
        self,
        *,
        start_story: str | None = None,
        saves_dir: str | Path | None = None,
        seed: int | None = None,
        stories_dir: Path | None = None,
        saving: bool = True,
        settings: Settings | None = None,
        author: bool = False,
        watch_interval: float = 0.2,
        hand_over: HandOver | None = None,
    ) -> None:
        super().__init__()
        self.start_story = start_story
        self.author = author  # the author view from the start, and live reload of start_story
        self.seed = seed
        self.stories_dir = stories_dir
        self.settings = settings if settings is not None else Settings.load(default_path())
        self.catalog: dict[str, LoadResult] = {}  # filled on mount; shared with the parts below
        store = SaveStore.default(saves_dir) if saving else None
        self.shelf = SaveShelf(store, self.catalog, self.notify)
        self.careers = Careers(self, self.catalog, self.shelf, self.settings, author=author)
        # `hand_over`: how the terminal is lent to an author's editor (App.suspend unless given)
        self.author_mode = AuthorMode(
            self, self.careers, seed=seed, watch_interval=watch_interval, hand_over=hand_over
        )

    # -- starting and stopping ---------------------------------------------------------------

    def on_mount(self) -> None:
        textual_fixes.apply()  # before the first frame: see engine/tui/textual_fixes.py
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        # A theme picked anywhere (Settings, or the palette's Theme command) is remembered.
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._apply_keymap()
        self.catalog.update(load_catalog(self.stories_dir, self.start_story))
        freeze_once()  # the catalog lives as long as the app; later reloads are not frozen
        self.shelf.open(on_writer_error=self._autosave_failed, on_writer_note=self._career_forked)
        straight_in = self.start_story is not None and not self.author
        if not (straight_in and self.careers.playable(self.start_story or "")):
            self.push_screen(TitleScreen(self.catalog, self.shelf))  # else built when first needed
        if self.start_story is not None:
            if self.author:
                self.author_mode.start(self.start_story)
            else:
                self.careers.start(self.start_story, self.seed)
        self.shelf.show_notices()
        if os.environ.get(FIRST_FRAME_ENV):
            self.call_after_refresh(self._first_frame, os.environ[FIRST_FRAME_ENV])

    def _apply_keymap(self) -> None:
        """The player's own keys (engine/tui/keymap.py), if they keep a keymap file."""
        screens = (PlayScreen, TitleScreen, EndingScreen, ReplayScreen, SavesScreen, AuthorScreen)
        known = binding_ids([*type(self).BINDINGS, *(b for s in screens for b in s.BINDINGS)])
        keymap, problems = read_keymap(keymap_file(), known)
        if keymap:
            self.set_keymap(keymap)
        for line in problems:
            self.notify(line, severity="warning", timeout=10, markup=False)

    def _take_screenshot(self) -> None:
        self.set_timer(0.1, self.deliver_screenshot)  # after the palette has closed

    def _theme_changed(self, theme: Theme) -> None:
        if self.settings.theme != theme.name:
            self.settings.theme = theme.name
            self.settings.save()

    def _first_frame(self, path: str) -> None:
        Path(path).write_text(repr(time.time()))
        self.exit()

    def on_unmount(self) -> None:
        self.author_mode.stop()
        self.shelf.close()

    def _autosave_failed(self, message: str) -> None:
        """In the writer's thread: say so on the UI thread."""
        self.call_from_thread(self.notify, message, severity="error", timeout=10)

    def _career_forked(self, note: str) -> None:
        """In the writer's thread: another copy of the game saved this career too (both kept)."""
        self.call_from_thread(self.notify, note, severity="warning", timeout=15)

    # -- what the screens ask for (engine/tui/messages.py) ------------------------------------
    # One handler a message, by Textual's naming (`Message.handler_name`), so a test can check
    # that no message goes unhandled.

    def on_start_career(self, request: StartCareer) -> None:
        self.careers.start(request.story_id)

    def on_resume_save(self, request: ResumeSave) -> None:
        self.careers.resume(request.save_id)

    def on_replay_save(self, request: ReplaySave) -> None:
        self.careers.open_replay(request.save_id)

    def on_replay_career(self, request: ReplayCareer) -> None:
        self.careers.replay_recorded(request.recorder)

    def on_play_on(self, request: PlayOn) -> None:
        self.careers.play_on_from(request.replay, request.index)

    def on_open_saves(self, request: OpenSaves) -> None:
        self.careers.open_saves(request.mode)

    def on_autosave(self, request: Autosave) -> None:
        self.shelf.autosave(request.recorder)

    def on_name_save(self, request: NameSave) -> None:
        self.careers.save_named(request.recorder)

    def on_open_endings(self, request: OpenEndings) -> None:
        self.careers.open_endings(request.story_key)

    def on_quick_save(self, request: QuickSave) -> None:
        self.careers.quick_save(request.recorder)

    def on_quick_load(self, request: QuickLoad) -> None:
        self.careers.quick_load(request.story_id)

    def on_show_ending(self, request: ShowEnding) -> None:
        self.careers.show_ending(request.session, request.recorder, warped=request.warped)

    def on_back_to_title(self, request: BackToTitle) -> None:
        self.careers.to_title()

    def on_open_author_view(self, request: OpenAuthorView) -> None:
        if self.author:  # the screens offer it only then; a stray request changes nothing
            self.author_mode.open_view()

    def on_open_in_editor(self, request: OpenInEditor) -> None:
        if self.author:  # the screens offer it only then; a stray request changes nothing
            self.author_mode.open_in_editor(request.file, request.line, request.col)

    def on_warp(self, request: Warp) -> None:
        self.author_mode.warp(request.session, request.scene_id, request.stats, request.flags)

    def on_report_bug(self, request: ReportBug) -> None:
        self.push_screen(bug_report(request.error))

    def on_open_settings(self, request: OpenSettings) -> None:
        self.action_settings()

    def on_quit_game(self, request: QuitGame) -> None:
        self.action_quit_game()

    # -- keys, help, settings, the command palette ------------------------------------------

    def choices_unsaved(self) -> bool:
        """Whether quitting now would lose choices of the career on screen (or under its map).
        A warped run is never saved, so it has nothing to lose."""
        screen = self.careers.game_screen() if isinstance(self.screen, AuthorScreen) else self.screen
        return isinstance(screen, PlayScreen) and not screen.warped and self.shelf.unsaved(screen.recorder)

    def action_quit_game(self) -> None:
        if self.choices_unsaved():

            def answered(yes: bool | None) -> None:
                if yes:
                    self.exit()

            self.push_screen(
                ConfirmScreen("Some choices are not saved. Quit anyway?", "Quit", "Stay"), answered
            )
            return
        self.exit()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        stats = (
            [
                (f"{s.label} | {s.opposite_label}" if s.opposite else s.label, s.help)
                for s in screen.session.story.stats
            ]
            if isinstance(screen, PlayScreen)
            else []
        )
        if isinstance(screen, AuthorScreen):
            self.push_screen(HelpScreen(self.key_help(screen), guide=("The author view", AUTHOR_HELP)))
            return
        self.push_screen(HelpScreen(self.key_help(screen), stats))

    def key_help(self, screen: Screen) -> list[tuple[str, str]]:
        """Every key of `screen` and of the app, from their bindings."""
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        if isinstance(screen, PlayScreen):
            rows.append(("1-9", "choose that choice"))
        for binding in [*type(screen).BINDINGS, *type(self).BINDINGS]:
            if (
                not isinstance(binding, Binding)
                or not binding.description
                or binding.action.startswith("choose_")
                or screen.check_action(binding.action, ()) is False  # not offered here (the map)
            ):
                continue
            keys = " / ".join(
                self.get_key_display(Binding(k, binding.action)) for k in binding.key.split(",")
            )
            if binding.description not in seen:
                seen.add(binding.description)
                rows.append((keys, binding.description))
        rows.append(
            (self.get_key_display(Binding("ctrl+p", "command_palette")), "command palette: every action")
        )
        rows.append(("Arrows, Enter", "move and pick; the mouse works too"))
        return rows

    def action_settings(self) -> None:
        self.push_screen(SettingsScreen(sorted(self.available_themes), self.settings))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: the game's own actions, in the game's words. Of Textual's stock commands
        only Theme (remembered like a theme chosen in Settings) and Screenshot are kept; its Quit
        is the game's (which asks when choices are unsaved), and its Keys and Maximize are left
        out: Help lists every key."""
        yield SystemCommand("Help", "Every key, and how to play", self.action_help)
        yield SystemCommand("Settings", "Theme, text speed, locked choices", self.action_settings)
        if self.shelf.saving:
            yield SystemCommand(
                "Load a career", "Play on from a saved career", lambda: self.careers.open_saves("load")
            )
            yield SystemCommand(
                "Replay a career",
                "Watch a saved career step by step",
                lambda: self.careers.open_saves("replay"),
            )
        if isinstance(screen, PlayScreen | AuthorScreen) and self.author:
            what = "this scene's file" if isinstance(screen, PlayScreen) else "the highlighted scene's file"
            yield SystemCommand(
                "Edit the scene", f"Open {what} at its line in your editor", screen.action_edit
            )
        if isinstance(screen, PlayScreen):
            if self.author:
                yield SystemCommand("Map", "The chapter map: warp to any scene", screen.action_author_view)
            yield SystemCommand("Stats", "Every stat, its meaning, your career so far", screen.action_stats)
            yield SystemCommand("Undo", "Take back the last choice", screen.action_undo)
            yield SystemCommand("Save", "Save this moment under a name", screen.action_save)
            yield SystemCommand("History", "Show or hide the path so far", screen.action_toggle_history)
        # Textual's palette reads a command's title and help as markup: a story's words are made literal.
        for sid, result in self.catalog.items():
            if result.ok and result.story is not None:
                story = result.story
                start = lambda sid=sid: self.careers.start(sid)
                about = " · ".join(p for p in (story.title, story.protagonist, story.discipline) if p)
                yield SystemCommand(literal_markup(career_command(story)), literal_markup(about), start)
        yield SystemCommand("Theme", "Change the colours (remembered)", self.action_change_theme)
        yield SystemCommand("Screenshot", "Save a picture of the screen (SVG)", self._take_screenshot)
        yield SystemCommand(
            "Quit", "Leave the game (it asks first if choices are unsaved)", self.action_quit_game
        )

    # -- Textual's hooks ---------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice of the game is plain text, whatever the caller asks: notices carry save
        names, story titles, file names and a choice's `reason`, and none of them may ever be
        read as markup (a `[/]` would crash the app, an `[optional]` would vanish). Screens'
        `self.notify` comes here too."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's funnel for every unhandled exception; it has no public hook (8.2.8).

        Textual stops the app and prints a traceback, unless the exception has `__rich__`, which
        it prints instead. So the career is flushed to disk, the traceback goes to a log, and
        Textual is handed a `Crash` that prints one line saying where the log is. Textual does
        the rest as usual (the return code, the exit, the error a test harness re-raises).
        tests/tui/test_crash.py fails if an upgrade of Textual changes what this relies on.
        """
        self.shelf.flush(timeout=2)
        super()._handle_exception(Crash(error, write_crash_log(error)))
