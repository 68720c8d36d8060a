"""Starting, resuming and replaying careers: the catalog of stories, and the screens of a career.

Every rule of the game lives in the engine's Session; this only decides which screen a career
is on. A career is always played with the title underneath it, so that leaving it (Back, an
ending's "Start again") lands on the title. A story that does not load is shown with its
errors, a save that cannot be read is said in one line, and a saved career whose story has
changed is offered to go on from the last step that still holds, or to be looked at only.
Its notices name stories and saves as they are: the app shows every notice as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

from engine.author.check import load_checked
from engine.core.diagnostics import Diagnostic
from engine.core.model import Story
from engine.load.folder import LoadResult, story_folders
from engine.play.session import Session
from engine.saves.format import Career
from engine.saves.record import Recorder, resume
from engine.saves.replay import Replay
from engine.tui.messages import SavesMode
from engine.tui.save_shelf import SaveShelf
from engine.tui.screens.dialogs import (
    ChangedStoryScreen,
    ConfirmScreen,
    EndingsScreen,
    MessageScreen,
    SaveNameScreen,
    story_errors,
)
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.replay import ReplayScreen
from engine.tui.screens.saves import SavesScreen
from engine.tui.screens.title import TitleScreen
from engine.tui.settings import Settings


def load_catalog(stories_dir: Path | None, start_story: str | None) -> dict[str, LoadResult]:
    """Every listed story (the bundled ones and the player's own, or those in `stories_dir`),
    the careers first and the demo last, then `start_story` if it is not one of them (a story
    opened by its path). A story that cannot even be opened is in the catalog too, with the
    reason as its error: shown on its card, never fatal."""
    folders = story_folders(stories_dir)
    ids = sorted(folders, key=lambda sid: (sid == "demo", sid))
    if start_story is not None and start_story not in ids:
        ids.append(start_story)
    catalog: dict[str, LoadResult] = {}
    for sid in ids:
        path = folders.get(sid, Path(sid))
        try:
            catalog[sid] = load_checked(path)
        except Exception as err:  # a missing folder, an unreadable tree: shown, never fatal
            problem = Diagnostic("E027", f"cannot open the story: {err}", sid)
            catalog[sid] = LoadResult(None, [problem], None)
    return catalog


#: The name of the quick save (F5, F9): one a story, replaced by each F5.
QUICK_SAVE = "Quick save"


class Careers:
    """The careers of the catalog's stories, on the app's screen stack."""

    def __init__(
        self,
        app: App[Any],
        catalog: dict[str, LoadResult],
        shelf: SaveShelf,
        settings: Settings,
        *,
        author: bool = False,
    ) -> None:
        self.app = app
        self.author = author  # author mode: careers offer the map and warp (`m`)
        self.catalog = catalog  # shared with the app, which fills it on mount and on a reload
        self.shelf = shelf
        self.settings = settings

    # -- where a career is -------------------------------------------------------------------

    def clear(self) -> None:
        """Close every screen above the title (above the app's own, when there is no title yet)."""
        app = self.app
        while len(app.screen_stack) > 1 and not isinstance(app.screen, TitleScreen):
            app.pop_screen()

    def to_title(self) -> None:
        """Back to the title. A game started straight into a career (`play STORY`) builds it
        only now: its cards, buttons and key bar cost a third of that game's start."""
        self.clear()
        if not isinstance(self.app.screen, TitleScreen):
            self.app.push_screen(TitleScreen(self.catalog, self.shelf))

    def playable(self, story_id: str) -> bool:
        """Whether a story of the catalog can start a career now (it is here, and loads)."""
        result = self.catalog.get(story_id)
        return result is not None and result.ok and result.story is not None

    def game_screen(self) -> PlayScreen | EndingScreen | None:
        """The screen of the career being played, wherever it is in the stack."""
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, PlayScreen | EndingScreen):
                return screen
        return None

    def play(self, session: Session, recorder: Recorder, *, warped: bool = False) -> None:
        self.clear()
        read = self.shelf.read_scenes(session.story.id) if self.settings.skip_read else frozenset()
        self.app.push_screen(
            PlayScreen(
                session, recorder, settings=self.settings, warped=warped, author=self.author, read_before=read
            )
        )

    def show_ending(self, session: Session, recorder: Recorder, *, warped: bool = False) -> None:
        self.clear()
        key = self.catalog_key(session.story)
        ending = EndingScreen(
            session, recorder, shelf=self.shelf, story_key=key, warped=warped, author=self.author
        )
        self.app.push_screen(ending)

    def go_on(self, session: Session, recorder: Recorder, *, warped: bool = False) -> None:
        """The career's screen: its ending if it has ended, else the play screen."""
        if session.ended:
            self.show_ending(session, recorder, warped=warped)
        else:
            self.play(session, recorder, warped=warped)

    # -- new careers ---------------------------------------------------------------------------

    def new_session(self, story_id: str, seed: int | None) -> Session | None:
        """A new career of a story of the catalog, or None after showing why it cannot be played."""
        result = self.catalog.get(story_id)
        if result is None:
            self.app.push_screen(MessageScreen("Unknown story", [f"There is no story “{story_id}” here."]))
            return None
        if not result.ok or result.story is None:
            self.app.push_screen(story_errors(story_id, result.diagnostics))
            return None
        return Session(result.story, seed)

    def catalog_key(self, story: Story) -> str:
        """The catalog's name for a story: its id, or the path it was opened by."""
        for key, result in self.catalog.items():
            if result.story is not None and result.story.root == story.root:
                return key
        return story.id

    def start(self, story_id: str, seed: int | None = None) -> None:
        session = self.new_session(story_id, seed)
        if session is not None:
            self.play(session, Recorder(session))

    def play_on_from(self, replay: Replay, index: int) -> None:
        """A new career from a step of a replay (the replayed career is kept as it was)."""
        session = replay.branch(index)
        recorder = Recorder(session)
        self.play(session, recorder)
        self.shelf.autosave(recorder)
        self.app.notify(f"A new career, from step {index} of the replay.")

    # -- saved careers -------------------------------------------------------------------------

    def open_saves(self, mode: SavesMode) -> None:
        if not self.shelf.saving:
            self.app.notify("Saving is off: no save folder.", severity="warning")
            return
        self.app.push_screen(SavesScreen(mode, self.shelf))

    def load(self, save_id: str) -> tuple[Career, Story] | None:
        """A saved career and its story, or None after saying why not."""
        career = self.shelf.load(save_id)
        if career is None:
            return None
        result = self.catalog.get(career.story_id)
        if result is None or result.story is None or not result.ok:
            self.app.push_screen(
                MessageScreen(
                    "Cannot open this career",
                    [f"It is a career of “{career.story_id}”, which is not here or does not load."],
                )
            )
            return None
        return career, result.story

    def resume(self, save_id: str) -> None:
        loaded = self.load(save_id)
        if loaded is None:
            return
        career, story = loaded
        resumed = resume(story, career)
        if resumed.complete:
            # An autosave goes on under its own id, as it is on disk. A named save stays as it
            # is: play goes on as a new career, autosaved at once, so that Continue comes back
            # to it (the career last touched) and quitting before a choice loses nothing.
            recorder = Recorder.going_on(resumed.session, career, as_new=not career.autosave)
            if career.autosave:
                self.shelf.resumed(recorder)
            else:
                self.shelf.autosave(recorder)
            self.go_on(resumed.session, recorder)
            return

        def decided(answer: str | None) -> None:
            if answer == "continue":
                recorder = Recorder.going_on(resumed.session, career, as_new=True)
                self.play(resumed.session, recorder)
                self.shelf.autosave(recorder)
            elif answer == "read-only":
                self.app.push_screen(ReplayScreen(Replay(story, career)))

        self.app.push_screen(ChangedStoryScreen(resumed.problem or "", resumed.valid_steps), decided)

    def open_replay(self, save_id: str) -> None:
        loaded = self.load(save_id)
        if loaded is not None:
            career, story = loaded
            self.app.push_screen(ReplayScreen(Replay(story, career)))

    def replay_recorded(self, recorder: Recorder) -> None:
        """The career just played, step by step (from its ending)."""
        self.app.push_screen(ReplayScreen(Replay(recorder.session.story, recorder.career())))

    def save_named(self, recorder: Recorder) -> None:
        """Ask for a name (a title and a step number are offered), then save under it."""
        if not self.shelf.saving:
            self.app.notify("Saving is off: no save folder.", severity="warning")
            return
        suggestion = f"{recorder.session.scene.title}, choice {len(recorder.session.journal)}"

        story = recorder.session.story

        def named(name: str | None) -> None:
            if not name:
                return
            same = self.shelf.named(story.id, name)
            if not same:
                self.shelf.save_as(recorder, name)
                return

            def replace(yes: bool | None) -> None:
                if yes:
                    self.shelf.save_as(recorder, name, replacing=[i.id for i in same])

            question = f"{story.title} already has a save called “{same[0].slot}”. Replace it?"
            self.app.push_screen(ConfirmScreen(question, "Replace", "Keep it"), replace)

        self.app.push_screen(SaveNameScreen(suggestion), named)

    def open_endings(self, story_key: str) -> None:
        """The endings gallery of a story: found ones, and hints to the others once a career
        of it has ended (the endings reached are read from the saves)."""
        result = self.catalog.get(story_key)
        if result is None or result.story is None:
            self.app.notify("This story does not load: it has no endings to show.", severity="warning")
            return
        self.shelf.refresh_discoveries()
        self.app.push_screen(EndingsScreen(result.story, self.shelf.discovered(result.story.id)))

    def quick_save(self, recorder: Recorder) -> None:
        """F5: this moment as the story's quick save, in place of the last one, without a question."""
        if not self.shelf.saving:
            self.app.notify("Saving is off: no save folder.", severity="warning")
            return
        old = self.shelf.named(recorder.session.story.id, QUICK_SAVE)
        self.shelf.save_as(recorder, QUICK_SAVE, replacing=[i.id for i in old])

    def quick_load(self, story_id: str) -> None:
        """F9: back to the story's quick save (its choices since are kept in the autosave)."""
        found = self.shelf.named(story_id, QUICK_SAVE) if self.shelf.saving else []
        if not found:
            self.app.notify("No quick save of this story yet: F5 makes one.")
            return
        self.resume(found[0].id)
