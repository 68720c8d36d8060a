"""The app: its screens, the stories, the saves, settings, and what happens when things go wrong.

Every rule of the game lives in the engine's Session; the app only moves between screens and
hands careers to the save store. Stories that fail to load are shown with their errors, a save
that cannot be read is reported in one line, and an unexpected error never becomes a traceback
on the player's screen: it is written to a log, and the career is kept as it was. In author
mode (`play STORY --author`) the story folder is watched, and each save reloads the story
without leaving the game (engine/author/reload.py decides where the career goes on).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from engine.author.check import load_checked
from engine.author.reload import reload_session
from engine.author.warp import WarpError, warp
from engine.author.watch import WatchThread
from engine.core.diagnostics import Diagnostic
from engine.core.model import Story
from engine.load.folder import STORIES_DIR, LoadResult, bundled_stories, freeze_once
from engine.play.session import Session
from engine.saves.autosave import Autosaver
from engine.saves.format import Career, SaveError, SaveInfo
from engine.saves.record import Recorder, resume
from engine.saves.replay import Replay
from engine.saves.store import SaveStore
from engine.tui.screens.author import AUTHOR_HELP, AuthorScreen
from engine.tui.screens.dialogs import (
    ChangedStoryScreen,
    ConfirmScreen,
    HelpScreen,
    MessageScreen,
    SaveNameScreen,
    SettingsScreen,
    StoryErrorsScreen,
    story_errors,
)
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.replay import ReplayScreen
from engine.tui.screens.saves import SavesScreen
from engine.tui.screens.title import TitleScreen
from engine.tui.settings import Settings, default_path

# bench/bench_tui.py: write the time of the first frame to this file, then exit.
FIRST_FRAME_ENV = "POINTE_EDGE_FIRST_FRAME_FILE"


class PointeEdgeApp(App[int]):
    TITLE = "Pointe & Edge"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit_game", "Quit", priority=True),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        *,
        start_story: str | None = None,
        saves_dir: str | Path | None = None,
        seed: int | None = None,
        stories_dir: Path = STORIES_DIR,
        saving: bool = True,
        settings: Settings | None = None,
        author: bool = False,
        watch_interval: float = 0.2,
    ) -> None:
        super().__init__()
        self.start_story = start_story
        self.author = author  # the author view from the start, and live reload of start_story
        self.watch_interval = watch_interval
        self.watcher: WatchThread | None = None
        self.pending_reload: tuple[list[str], LoadResult] | None = None  # waiting for the game screen
        self.errors_screen: StoryErrorsScreen | None = None  # the watched story's errors, while shown
        self.awaiting_career = False  # author mode: the story had errors at start, no career yet
        self.seed = seed
        self.stories_dir = stories_dir
        self.settings = settings if settings is not None else Settings.load(default_path())
        self.store: SaveStore | None = SaveStore.default(saves_dir) if saving else None
        self.autosaver: Autosaver | None = None
        self.catalog: dict[str, LoadResult] = {}
        self.discoveries: dict[str, set[str]] | None = None  # endings found, by story, once read

    # -- starting and stopping ---------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.catalog = self.load_catalog()
        freeze_once()  # the catalog lives as long as the app; later reloads are not frozen
        if self.store is not None:
            self.autosaver = Autosaver(self.store, on_error=self.autosave_failed)
        self.push_screen(TitleScreen())
        if self.start_story is not None:
            if self.author:
                self.start_authoring(self.start_story)
            else:
                self.start_career(self.start_story, self.seed)
        self.show_notices()
        if os.environ.get(FIRST_FRAME_ENV):
            self.call_after_refresh(self._first_frame, os.environ[FIRST_FRAME_ENV])

    def _first_frame(self, path: str) -> None:
        Path(path).write_text(repr(time.time()))
        self.exit()

    def load_catalog(self) -> dict[str, LoadResult]:
        """Every bundled story, the careers first and the demo last."""
        ids = bundled_stories(self.stories_dir)
        ids = sorted(ids, key=lambda sid: (sid == "demo", sid))
        if self.start_story is not None and self.start_story not in ids:
            ids.append(self.start_story)
        catalog: dict[str, LoadResult] = {}
        for sid in ids:
            path = self.stories_dir / sid if (self.stories_dir / sid).is_dir() else Path(sid)
            try:
                catalog[sid] = load_checked(path)
            except Exception as err:  # a missing folder, an unreadable tree: shown, never fatal
                problem = Diagnostic("E027", f"cannot open the story: {err}", sid)
                catalog[sid] = LoadResult(None, [problem], None)
        return catalog

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        if self.autosaver is not None:
            self.autosaver.close()

    # -- the saves ---------------------------------------------------------------------------

    def show_notices(self) -> None:
        if self.store is not None:
            for line in self.store.take_notices():
                self.notify(line, severity="warning", timeout=12)

    def refresh_saves_info(self) -> None:
        """Read the endings found from the store (once for every card of the title screen)."""
        if self.store is None:
            self.discoveries = {}
            return
        try:
            self.discoveries = self.store.discovered_all()
        except SaveError as err:
            self.discoveries = {}
            self.notify(str(err), severity="error")

    def discovered(self, story_id: str) -> set[str]:
        if self.discoveries is None:
            self.refresh_saves_info()
        return (self.discoveries or {}).get(story_id, set())

    def list_saves(self) -> list[SaveInfo]:
        if self.store is None:
            return []
        try:
            return self.store.list()
        except SaveError as err:
            self.notify(str(err), severity="error")
            return []
        finally:
            self.show_notices()

    def latest_autosave(self) -> SaveInfo | None:
        """The career Continue resumes: the latest unfinished autosave of a story that is here."""
        if self.store is None:
            return None
        try:
            return self.store.latest_autosave(self.catalog)
        except SaveError as err:
            self.notify(str(err), severity="error")
            return None
        finally:
            self.show_notices()

    def delete_save(self, save_id: str) -> None:
        if self.store is None:
            return
        try:
            self.store.delete(save_id)
        except SaveError as err:
            self.notify(str(err), severity="error")

    def autosave(self, recorder: Recorder) -> None:
        if self.autosaver is not None:
            career = recorder.career()
            self.autosaver.submit(career)
            if career.ending is not None and self.discoveries is not None:  # found now, saved in a moment
                self.discoveries.setdefault(career.story_id, set()).add(career.ending["scene"])

    def autosave_failed(self, message: str) -> None:
        self.call_from_thread(self.notify, message, severity="error", timeout=10)

    def unsaved(self, recorder: Recorder) -> bool:
        """Whether choices of this career would be lost by quitting now."""
        steps = len(recorder.session.journal)
        if self.autosaver is None:
            return steps > 0
        self.autosaver.flush(timeout=2)
        return not self.autosaver.saved(recorder.id, steps) and steps > 0

    def save_named(self, recorder: Recorder) -> None:
        if self.store is None:
            self.notify("Saving is off: no save folder.", severity="warning")
            return
        store = self.store
        suggestion = f"{recorder.session.scene.title}, choice {len(recorder.session.journal)}"

        def named(name: str | None) -> None:
            if not name:
                return
            try:
                store.save(recorder.career(slot=name, autosave=False))
            except SaveError as err:
                self.notify(f"Could not save: {err}", severity="error")
                return
            self.notify(f"Saved as “{name}”.")

        self.push_screen(SaveNameScreen(suggestion), named)

    # -- moving between screens -----------------------------------------------------------------

    def to_title(self) -> None:
        while len(self.screen_stack) > 2:  # the default screen, then the title
            self.pop_screen()

    def new_session(self, story_id: str, seed: int | None) -> Session | None:
        """A new career of a story of the catalog, or None after showing why it cannot be played."""
        result = self.catalog.get(story_id)
        if result is None:
            self.push_screen(MessageScreen("Unknown story", [f"There is no story “{story_id}” here."]))
            return None
        if not result.ok or result.story is None:
            self.push_screen(story_errors(story_id, result.diagnostics))
            return None
        return Session(result.story, seed)

    def catalog_key(self, story: Story) -> str:
        """The catalog's name for a story: its id, or the path it was opened by."""
        for key, result in self.catalog.items():
            if result.story is not None and result.story.root == story.root:
                return key
        return story.id

    def start_career(self, story_id: str, seed: int | None = None) -> None:
        session = self.new_session(story_id, seed)
        if session is not None:
            self.play(session, Recorder(session))

    def play(self, session: Session, recorder: Recorder, *, warped: bool = False) -> None:
        self.to_title()
        self.push_screen(PlayScreen(session, recorder, warped=warped))

    def show_ending(self, session: Session, recorder: Recorder, *, warped: bool = False) -> None:
        self.to_title()
        self.push_screen(EndingScreen(session, recorder, warped=warped))

    def open_saves(self, mode: str) -> None:
        if self.store is None:
            self.notify("Saving is off: no save folder.", severity="warning")
            return
        self.push_screen(SavesScreen(mode))

    def load_career(self, save_id: str) -> tuple[Career, Story] | None:
        """A saved career and its story, or None after saying why not."""
        if self.store is None:
            return None
        try:
            career = self.store.load(save_id)
        except SaveError as err:
            self.show_notices()
            self.notify(str(err), severity="error", timeout=10)
            return None
        result = self.catalog.get(career.story_id)
        if result is None or result.story is None or not result.ok:
            self.push_screen(
                MessageScreen(
                    "Cannot open this career",
                    [f"It is a career of “{career.story_id}”, which is not here or does not load."],
                )
            )
            return None
        return career, result.story

    def resume_career(self, save_id: str) -> None:
        loaded = self.load_career(save_id)
        if loaded is None:
            return
        career, story = loaded
        resumed = resume(story, career)
        if resumed.complete:
            # An autosave goes on under its own id; a named save stays as it is: play on as new.
            recorder = Recorder(resumed.session, career.id, career.created) if career.autosave else None
            session = resumed.session
            if session.ended:
                self.show_ending(session, recorder or Recorder(session))
            else:
                self.play(session, recorder or Recorder(session))
            return

        def decided(answer: str | None) -> None:
            if answer == "continue":
                recorder = Recorder(resumed.session)
                self.play(resumed.session, recorder)
                self.autosave(recorder)
            elif answer == "read-only":
                self.push_screen(ReplayScreen(Replay(story, career)))

        self.push_screen(ChangedStoryScreen(resumed.problem or "", resumed.valid_steps), decided)

    def open_replay(self, save_id: str) -> None:
        loaded = self.load_career(save_id)
        if loaded is not None:
            career, story = loaded
            self.push_screen(ReplayScreen(Replay(story, career)))

    def replay_recorded(self, recorder: Recorder) -> None:
        self.push_screen(ReplayScreen(Replay(recorder.session.story, recorder.career())))

    def play_on_from(self, replay: Replay, index: int) -> None:
        session = replay.branch(index)
        recorder = Recorder(session)
        self.play(session, recorder)
        self.autosave(recorder)
        self.notify(f"A new career, from step {index} of the replay.")

    # -- author mode: the map, warp, and live reload -------------------------------------------

    def start_authoring(self, story_id: str) -> None:
        """`play STORY --author`: a career with its map on top, and the story folder watched."""
        result = self.catalog[story_id]
        if result.path is not None:
            self.watcher = WatchThread(result.path, self._story_changed, self.watch_interval)
            self.watcher.start()
            self.screen_change_signal.subscribe(self, lambda _: self.apply_pending_reload())
        if result.ok and result.story is not None:
            self.start_career(story_id, self.seed)
            self.open_author_view()
        else:
            self.awaiting_career = True  # started by the first version that loads, dialog closed or not
            self.show_story_errors(f"“{story_id}” cannot be played yet", result.diagnostics)

    def game_screen(self) -> PlayScreen | EndingScreen | None:
        """The screen of the career being played, wherever it is in the stack."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, PlayScreen | EndingScreen):
                return screen
        return None

    def open_author_view(self) -> None:
        game = self.game_screen()
        if game is None:
            self.notify("Start a career first: the map shows where it is.", severity="warning")
            return
        self.push_screen(AuthorScreen(game.session, game.warped))

    def warp(self, session: Session, scene_id: str, stats: dict[str, int], flags: dict[str, bool]) -> None:
        """Play on from `scene_id` with these stats and flags, as a warped run that is never saved."""
        try:
            warped = warp(session, scene_id, stats, flags)
        except WarpError as err:
            self.notify(f"Cannot warp: {err}.", severity="error", markup=False)
            return
        except Exception as err:  # a bug, not the author's doing: the career is as it was
            self.report_bug(err)
            return
        recorder = Recorder(warped)
        if warped.ended:
            self.show_ending(warped, recorder, warped=True)
        else:
            self.play(warped, recorder, warped=True)
        title = session.story.scenes[scene_id].title
        where = f"“{title}”"
        if warped.state.scene != scene_id:
            where += f", which passed on to “{warped.scene.title}”"
        self.notify(f"Warped to {where}. A warped run is not saved.", timeout=6, markup=False)

    def show_story_errors(self, title: str, diagnostics: list[Diagnostic]) -> None:
        """The watched story's errors, over the game; a newer list replaces the one shown."""
        if self.errors_screen is not None and self.screen is self.errors_screen:
            self.pop_screen()
        errors = sum(d.is_error for d in diagnostics)
        self.errors_screen = StoryErrorsScreen(f"{title}: {errors} error{'s' * (errors != 1)}", diagnostics)
        self.push_screen(self.errors_screen)

    def _story_changed(self, files: list[str]) -> None:
        """In the watcher's thread: load the new version off the UI thread, then hand it over."""
        assert self.watcher is not None
        folder = self.watcher.watch.folder
        result: LoadResult
        try:
            result = load_checked(folder)
        except Exception as err:  # the folder vanished or cannot be read: shown like an error
            if folder.is_dir():
                problem = Diagnostic("E027", f"cannot open the story: {err}", str(folder))
            else:
                problem = Diagnostic(
                    "E027",
                    "the story folder is gone (moved, renamed or deleted)",
                    str(folder),
                    hint="put it back, and the story reloads by itself",
                )
            result = LoadResult(None, [problem], folder)
        with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
            self.call_from_thread(self.story_reloaded, files, result)

    def story_reloaded(self, files: list[str], result: LoadResult) -> None:
        """A new version of the watched story: swap it in, or show its errors and play on."""
        if not result.ok or result.story is None:
            names = changed_names(files)
            self.show_story_errors(f"After your change to {names}, the story has", result.diagnostics)
            self.notify("Still playing the last version that loaded.", severity="warning")
            return
        assert self.start_story is not None
        self.catalog[self.start_story] = result
        earlier = self.pending_reload[0] if self.pending_reload is not None else []
        self.pending_reload = (sorted({*earlier, *files}), result)
        self.apply_pending_reload()

    def apply_pending_reload(self) -> None:
        """Swap the new version in once the game, its map or the story's errors are on top, so a
        reload never pulls the author out of a menu or a dialog."""
        if self.pending_reload is None or not isinstance(
            self.screen, PlayScreen | EndingScreen | AuthorScreen | TitleScreen | StoryErrorsScreen
        ):
            return
        files, result = self.pending_reload
        self.pending_reload = None
        story = result.story
        assert story is not None
        names = changed_names(files)
        warnings = len(result.warnings)
        also = f" {warnings} warning{'s' * (warnings != 1)}: `check` lists them." if warnings else ""
        errors_shown = self.errors_screen is not None and self.errors_screen in self.screen_stack
        self.errors_screen = None
        game = self.game_screen()
        if game is None or game.session.story.root != story.root:
            if game is None and self.start_story is not None and (errors_shown or self.awaiting_career):
                self.awaiting_career = False
                self.to_title()
                self.start_career(self.start_story, self.seed)
                self.open_author_view()
                self.notify(f"Reloaded {names}: the story loads now.{also}", timeout=6, markup=False)
                return
            while errors_shown and isinstance(self.screen, StoryErrorsScreen):
                self.pop_screen()
            if isinstance(self.screen, TitleScreen):
                self.screen.refresh_from_saves()
            self.notify(f"Reloaded {names}.{also}", markup=False)
            return
        author = next((s for s in reversed(self.screen_stack) if isinstance(s, AuthorScreen)), None)
        place = (author.chapter, author.highlighted) if author is not None else None  # before any pop
        was_warped = game.warped
        reloaded = reload_session(game.session, story, warped=was_warped)
        session, old, warped = reloaded.session, game.recorder, reloaded.warped
        recorder = Recorder(session) if warped else Recorder(session, old.id, old.created)
        if isinstance(game, PlayScreen) and not session.ended:
            while self.screen is not game and self.screen is not author:  # the errors, if shown
                self.pop_screen()
            game.switch_to(session, recorder, warped=warped)
            if author is not None:
                author.switch_to(session, warped)
        else:
            if session.ended:
                self.show_ending(session, recorder, warped=warped)
            else:
                self.play(session, recorder, warped=warped)
            if place is not None:
                self.push_screen(AuthorScreen(session, warped, *place))
        if not warped and session.journal:
            self.autosave(recorder)
        message = f"Reloaded {names}: {reloaded.message}."
        if warped and not was_warped:
            message += " This run is now marked warped, and is not saved."
        message += also
        self.notify(message, timeout=8, markup=False)

    # -- keys, help, settings, the command palette ------------------------------------------

    def action_quit_game(self) -> None:
        screen = self.game_screen() if isinstance(self.screen, AuthorScreen) else self.screen
        if isinstance(screen, PlayScreen) and screen.unsaved:

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
            [(s.label, s.help) for s in screen.session.story.stats] if isinstance(screen, PlayScreen) else []
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
        self.push_screen(SettingsScreen(sorted(self.available_themes)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Every key, and how to play", self.action_help)
        yield SystemCommand("Settings", "Theme, text speed, locked choices", self.action_settings)
        if self.store is not None:
            yield SystemCommand(
                "Load a career", "Play on from a saved career", lambda: self.open_saves("load")
            )
            yield SystemCommand(
                "Replay a career", "Watch a saved career step by step", lambda: self.open_saves("replay")
            )
        if isinstance(screen, PlayScreen):
            yield SystemCommand("Map", "The chapter map: warp to any scene", screen.action_author_view)
            yield SystemCommand("Undo", "Take back the last choice", screen.action_undo)
            yield SystemCommand("Save", "Save this moment under a name", screen.action_save)
            yield SystemCommand("History", "Show or hide the path so far", screen.action_toggle_history)
        for sid, result in self.catalog.items():
            if result.ok and result.story is not None:
                who = result.story.protagonist or sid
                start = lambda sid=sid: self.start_career(sid)
                yield SystemCommand(f"New career: {result.story.title}", f"Start {who}'s career", start)

    # -- when things go wrong ---------------------------------------------------------------

    def report_bug(self, error: BaseException) -> None:
        """An error in a game action: logged, shown in words, and play goes on from where it was."""
        log = write_crash_log(error)
        self.push_screen(
            MessageScreen(
                "Something went wrong",
                [
                    f"{type(error).__name__}: {error}",
                    "",
                    "This is a bug in the game, not your doing. Your career is as it was before that choice.",
                    f"The details are in {log}." if log else "",
                ],
            )
        )

    def _handle_exception(self, error: Exception) -> None:
        # Textual would print a full traceback on exit; a player gets one line and a log instead.
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        if self.autosaver is not None:
            self.autosaver.flush(timeout=2)
        log = write_crash_log(error)
        where = f" Details: {log}" if log else ""
        self.panic(
            Text(
                f"Pointe & Edge stopped on an unexpected error ({type(error).__name__}: {error}). "
                f"Your career was saved after your last choice.{where}"
            )
        )


def changed_names(files: list[str]) -> str:
    """The files an author saved, for a notice: "training.yaml", "a.yaml and 2 more files"."""
    names = [Path(f).as_posix() for f in files] or ["the story folder"]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]} and {len(names) - 1} more files"


def write_crash_log(error: BaseException) -> str | None:
    """The traceback in a file the player can send; its path, or None if nothing could be written."""
    from engine.load.cache import default_dir

    folder = default_dir() or Path(tempfile.gettempdir()) / "pointe-edge"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        path.write_text(text, encoding="utf-8")
        return str(path)
    except OSError:
        return None
