"""The author's tools in the app: the chapter map and warp, and, in author mode, live reload.

The map and warp (`m`) are an author's: they show scenes and endings not yet reached, files,
formulas, and set any stat, so only author mode (`play STORY --author`) offers them. It also
watches the story folder: each save loads the story again off the UI thread, and the career
goes on in the new version (engine/author/reload.py decides where). A version with errors is
shown with its errors over the game, which goes on with the last version that loaded. A new
version waits while a menu or a dialog is open, so a reload never pulls the author out of one.
Its notices name files and scenes as they are: the app shows every notice as plain text.

From the map or the game, `e` opens the scene shown in the author's own editor at its line
(engine/author/editor.py builds the command). A terminal editor needs the terminal: the app is
suspended while it runs (Textual's `App.suspend`), and when it exits the watcher is asked to
look at once, so a saved edit reloads as the author comes back. An editor with a window of its
own is started beside the game, whose watcher reloads each save as usual.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported
from textual.notifications import SeverityLevel

from engine.author.check import load_checked
from engine.author.editor import EditorCommand, EditorError, editor_command
from engine.author.reload import reload_session
from engine.author.warp import WarpError, warp
from engine.author.watch import WatchThread
from engine.core.diagnostics import Diagnostic
from engine.load.folder import LoadResult
from engine.play.session import Session
from engine.saves.record import Recorder
from engine.tui.careers import Careers
from engine.tui.messages import ReportBug
from engine.tui.screens.author import AuthorScreen
from engine.tui.screens.dialogs import StoryErrorsScreen
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.title import TitleScreen


def changed_names(files: list[str]) -> str:
    """The files an author saved, for a notice: "training.yaml", "a.yaml and 2 more files"."""
    names = [Path(f).as_posix() for f in files] or ["the story folder"]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]} and {len(names) - 1} more files"


#: How the app hands the terminal to an editor and takes it back: a context manager, the app's
#: `suspend` unless one is given (a test's headless terminal cannot be suspended).
HandOver = Callable[[], AbstractContextManager[None]]


class AuthorMode:
    """The map and warp for any career; the watcher and live reload once `start` is called."""

    def __init__(
        self,
        app: App[Any],
        careers: Careers,
        *,
        seed: int | None = None,
        watch_interval: float = 0.2,
        hand_over: HandOver | None = None,
    ) -> None:
        self.app = app
        self.careers = careers
        self.seed = seed
        self.watch_interval = watch_interval
        self.hand_over: HandOver = hand_over or app.suspend
        self.story_id: str | None = None  # the watched story's name in the catalog, once started
        self.watcher: WatchThread | None = None
        self.pending_reload: tuple[list[str], LoadResult] | None = None  # waiting for the game screen
        self.errors_screen: StoryErrorsScreen | None = None  # the watched story's errors, while shown
        self.awaiting_career = False  # the story had errors at start: no career yet

    # -- the map and warp ----------------------------------------------------------------------

    def open_view(self) -> None:
        game = self.careers.game_screen()
        if game is None:
            self.app.notify("Start a career first: the map shows where it is.", severity="warning")
            return
        self.app.push_screen(AuthorScreen(game.session, game.warped))

    def warp(self, session: Session, scene_id: str, stats: dict[str, int], flags: dict[str, bool]) -> None:
        """Play on from `scene_id` with these stats and flags, as a warped run that is never saved."""
        try:
            warped = warp(session, scene_id, stats, flags)
        except WarpError as err:
            self.app.notify(f"Cannot warp: {err}.", severity="error")
            return
        except Exception as err:  # a bug, not the author's doing: the career is as it was
            self.app.post_message(ReportBug(err))
            return
        self.careers.go_on(warped, Recorder(warped), warped=True)
        title = session.story.scenes[scene_id].title
        where = f"“{title}”"
        if warped.state.scene != scene_id:
            where += f", which passed on to “{warped.scene.title}”"
        self.app.notify(f"Warped to {where}. A warped run is not saved.", timeout=6)

    # -- the author's own editor -----------------------------------------------------------------

    def open_in_editor(self, file: str, line: int, col: int) -> None:
        """Open `file` at `line` in the editor of $VISUAL or $EDITOR; say plainly what went wrong."""
        where = f"{file} at line {line}"
        try:
            command = editor_command(Path(file).resolve(), line, col)
        except EditorError as err:
            self._say(f"Cannot open your editor: {err}. Open {where} yourself.", "error")
            return
        if command is None:
            self._say(
                f"No editor is set: set $VISUAL or $EDITOR (for example `export EDITOR=nano`) and start"
                f" the game again, or open {where} yourself. Saving it reloads the story.",
                "warning",
                timeout=12,
            )
            return
        if shutil.which(command.argv[0]) is None:
            self._say(
                f"Cannot start your editor: ${command.variable} names `{command.argv[0]}`, and there is no"
                f" such program (on your PATH, or where it says). Open {where} yourself.",
                "error",
                timeout=12,
            )
            return
        if command.window:
            self._beside(command, where)
        else:
            self._in_terminal(command, where, line)

    def _beside(self, command: EditorCommand, where: str) -> None:
        """An editor with a window of its own: started apart from the game, which goes on."""
        try:
            child = subprocess.Popen(
                command.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own session: a Ctrl-C in the game never reaches it
            )
        except OSError as err:
            self._say(f"Cannot start {command.name} (${command.variable}): {err.strerror or err}.", "error")
            return
        threading.Thread(target=child.wait, name="editor", daemon=True).start()  # reaped when it exits
        self._say(f"Opened {where} in {command.name}: save it, and the story reloads.")

    def _in_terminal(self, command: EditorCommand, where: str, line: int) -> None:
        """An editor in the terminal: the app steps aside until it exits, then looks for the edit."""
        failure: OSError | None = None
        status = 0
        try:
            with self.hand_over():
                try:  # inside: Textual's suspend resumes the app only when its block ends normally
                    status = subprocess.run(command.argv, check=False).returncode
                except OSError as err:
                    failure = err
        except SuspendNotSupported:
            self._say(
                f"This terminal cannot be handed to {command.name} (the game is not in a terminal of"
                f" its own, as in a browser): open {where} yourself. Saving it reloads the story.",
                "warning",
                timeout=12,
            )
            return
        if failure is not None:
            self._say(
                f"Cannot start {command.name} (${command.variable}): {failure.strerror or failure}.", "error"
            )
            return
        if self.watcher is not None:
            self.watcher.check_now()  # a saved edit reloads now, whatever the interval
        if status != 0:
            self._say(f"{command.name} exited with status {status}.", "warning")
        elif not command.at_line:
            self._say(
                f"The game does not know how to open {command.name} at a line, so it opened the file at"
                f" its top: the scene is at line {line}."
            )

    def _say(self, message: str, severity: SeverityLevel = "information", timeout: float = 8) -> None:
        """A notice in plain text: it names files and commands as they are."""
        self.app.notify(message, severity=severity, timeout=timeout, markup=False)

    # -- author mode: watching the story -------------------------------------------------------

    def start(self, story_id: str) -> None:
        """`play STORY --author`: a career with its map on top, and the story folder watched."""
        self.story_id = story_id
        result = self.careers.catalog[story_id]
        if result.path is not None:
            self.watcher = WatchThread(result.path, self._story_changed, self.watch_interval)
            self.watcher.start()
            self.app.screen_change_signal.subscribe(self.app, lambda _: self.apply_pending_reload())
        if result.ok and result.story is not None:
            self.careers.start(story_id, self.seed)
            self.open_view()
        else:
            self.awaiting_career = True  # started by the first version that loads, dialog closed or not
            self.show_story_errors(f"“{story_id}” cannot be played yet", result.diagnostics)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def show_story_errors(self, title: str, diagnostics: list[Diagnostic]) -> None:
        """The watched story's errors, over the game; a newer list replaces the one shown."""
        if self.errors_screen is not None and self.app.screen is self.errors_screen:
            self.app.pop_screen()
        errors = sum(d.is_error for d in diagnostics)
        self.errors_screen = StoryErrorsScreen(f"{title}: {errors} error{'s' * (errors != 1)}", diagnostics)
        self.app.push_screen(self.errors_screen)

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
            self.app.call_from_thread(self.story_reloaded, files, result)

    def story_reloaded(self, files: list[str], result: LoadResult) -> None:
        """A new version of the watched story: swap it in, or show its errors and play on."""
        if not result.ok or result.story is None:
            names = changed_names(files)
            self.show_story_errors(f"After your change to {names}, the story has", result.diagnostics)
            self.app.notify("Still playing the last version that loaded.", severity="warning")
            return
        assert self.story_id is not None
        self.careers.catalog[self.story_id] = result
        earlier = self.pending_reload[0] if self.pending_reload is not None else []
        self.pending_reload = (sorted({*earlier, *files}), result)
        self.apply_pending_reload()

    def apply_pending_reload(self) -> None:
        """Swap the new version in once the game, its map or the story's errors are on top, so a
        reload never pulls the author out of a menu or a dialog."""
        app = self.app
        if self.pending_reload is None or not isinstance(
            app.screen, PlayScreen | EndingScreen | AuthorScreen | TitleScreen | StoryErrorsScreen
        ):
            return
        files, result = self.pending_reload
        self.pending_reload = None
        story = result.story
        assert story is not None
        names = changed_names(files)
        warnings = len(result.warnings)
        also = f" {warnings} warning{'s' * (warnings != 1)}: `check` lists them." if warnings else ""
        errors_shown = self.errors_screen is not None and self.errors_screen in app.screen_stack
        self.errors_screen = None
        game = self.careers.game_screen()
        if game is None or game.session.story.root != story.root:
            if game is None and self.story_id is not None and (errors_shown or self.awaiting_career):
                self.awaiting_career = False
                self.careers.to_title()
                self.careers.start(self.story_id, self.seed)
                self.open_view()
                app.notify(f"Reloaded {names}: the story loads now.{also}", timeout=6)
                return
            while errors_shown and isinstance(app.screen, StoryErrorsScreen):
                app.pop_screen()
            if isinstance(app.screen, TitleScreen):
                app.screen.refresh_from_saves()
            app.notify(f"Reloaded {names}.{also}")
            return
        author = next((s for s in reversed(app.screen_stack) if isinstance(s, AuthorScreen)), None)
        place = (author.chapter, author.highlighted) if author is not None else None  # before any pop
        was_warped = game.warped
        reloaded = reload_session(game.session, story, warped=was_warped)
        session, old, warped = reloaded.session, game.recorder, reloaded.warped
        recorder = Recorder(session) if warped else Recorder(session, old.id, old.created)
        if isinstance(game, PlayScreen) and not session.ended:
            while app.screen is not game and app.screen is not author:  # the errors, if shown
                app.pop_screen()
            game.switch_to(session, recorder, warped=warped)
            if author is not None:
                author.switch_to(session, warped)
        else:
            self.careers.go_on(session, recorder, warped=warped)
            if place is not None:
                app.push_screen(AuthorScreen(session, warped, *place))
        if not warped and session.journal:
            self.careers.shelf.autosave(recorder)
        message = f"Reloaded {names}: {reloaded.message}."
        if warped and not was_warped:
            message += " This run is now marked warped, and is not saved."
        message += also
        app.notify(message, timeout=8)
