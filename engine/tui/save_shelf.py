"""The save store as the app sees it: every error said in words, the endings found, the writer.

The store (engine/saves) raises `SaveError` and knows nothing of screens. The game must never
stop on a damaged or unreadable save, so everything here tells what went wrong through
`notify` and hands back what a screen can show anyway: an empty list, no career to continue.
With saving off (no save folder) there is no store, and everything here is empty.

The endings found are read once for every card of the title screen and kept here, and a
career that reaches an ending adds it at once: the writer saves it a moment later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from textual.notifications import SeverityLevel

from engine.core.textsafe import clean_line
from engine.load.folder import LoadResult
from engine.saves.autosave import Autosaver
from engine.saves.format import Career, SaveError, SaveInfo
from engine.saves.record import Recorder
from engine.saves.store import SaveStore


class Notify(Protocol):
    """How the shelf tells the player something: the app's `notify`."""

    def __call__(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float | None = None
    ) -> None: ...


class SaveShelf:
    """The saved careers, for the screens (read) and the app (write)."""

    def __init__(self, store: SaveStore | None, catalog: Mapping[str, LoadResult], notify: Notify) -> None:
        self.store = store
        self.catalog = catalog  # the stories here: Continue only offers a career of one of them
        self.notify = notify
        self.autosaver: Autosaver | None = None
        self.discoveries: dict[str, set[str]] | None = None  # endings found, by story, once read
        self._said: str | None = None  # the last error said, so a broken folder is said once

    def _error(self, message: str, timeout: float | None = None) -> None:
        """Say an error of the store, unless it is the one just said (a folder that cannot be
        used fails every read of the title screen with the same line)."""
        if message != self._said:
            self._said = message
            self.notify(message, severity="error", timeout=timeout)

    @property
    def saving(self) -> bool:
        """Whether careers are saved at all (there is a save folder)."""
        return self.store is not None

    # -- opening and closing -------------------------------------------------------------------

    def open(
        self, on_writer_error: Callable[[str], None], on_writer_note: Callable[[str], None] | None = None
    ) -> None:
        """Start the background writer; `on_writer_error` (a save failed) and `on_writer_note`
        (the career was forked: another copy of the game saved it too) are called in the
        writer's thread."""
        if self.store is not None:
            self.autosaver = Autosaver(self.store, on_error=on_writer_error, on_note=on_writer_note)

    def close(self) -> None:
        if self.autosaver is not None:
            self.autosaver.close()

    def flush(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until every career handed over is on disk."""
        if self.autosaver is not None:
            self.autosaver.flush(timeout=timeout)

    # -- reading -----------------------------------------------------------------------------

    def show_notices(self) -> None:
        """What the store noticed while reading (a damaged save set aside...), as warnings."""
        if self.store is not None:
            for line in self.store.take_notices():
                self.notify(line, severity="warning", timeout=12)

    def refresh_discoveries(self) -> None:
        """Read the endings found from the store (once for every card of the title screen)."""
        if self.store is None:
            self.discoveries = {}
            return
        try:
            self.discoveries = self.store.discovered_all()
        except SaveError as err:
            self.discoveries = {}
            self._error(str(err))

    def discovered(self, story_id: str) -> set[str]:
        if self.discoveries is None:
            self.refresh_discoveries()
        return (self.discoveries or {}).get(story_id, set())

    def read_scenes(self, story_id: str) -> frozenset[str]:
        """The scenes of a story read in any career saved here (for skipping text already read)."""
        if self.store is None:
            return frozenset()
        try:
            return frozenset(self.store.read_scenes(story_id))
        except SaveError:
            return frozenset()  # a comfort only: the list of saves says what is wrong

    def list(self) -> list[SaveInfo]:
        if self.store is None:
            return []
        try:
            infos = self.store.list()
        except SaveError as err:
            self._error(str(err))
            return []
        else:
            self._said = None  # the folder works again: a new failure will be said
            return infos
        finally:
            self.show_notices()

    def latest_autosave(self) -> SaveInfo | None:
        """The career Continue resumes: the latest unfinished autosave of a story that is here."""
        if self.store is None:
            return None
        try:
            return self.store.latest_autosave(self.catalog)
        except SaveError as err:
            self._error(str(err))
            return None
        finally:
            self.show_notices()

    def load(self, save_id: str) -> Career | None:
        """A saved career, or None after saying why not."""
        if self.store is None:
            return None
        try:
            return self.store.load(save_id)
        except SaveError as err:  # said once: the notice it repeats is not shown again
            for line in self.store.take_notices():
                if line != str(err):
                    self.notify(line, severity="warning", timeout=12)
            self.notify(str(err), severity="error", timeout=10)
            return None

    def unsaved(self, recorder: Recorder) -> bool:
        """Whether choices of this career would be lost by quitting now."""
        steps = len(recorder.session.journal)
        if self.autosaver is None:
            return steps > 0
        self.autosaver.flush(timeout=2)
        return not self.autosaver.saved(recorder.id, steps) and steps > 0

    # -- writing -----------------------------------------------------------------------------

    def resumed(self, recorder: Recorder) -> None:
        """A career just read from its autosave, as it is on disk: quitting loses nothing."""
        if self.autosaver is not None:
            self.autosaver.on_disk(recorder.id, len(recorder.session.journal))

    def autosave(self, recorder: Recorder) -> None:
        if self.autosaver is not None:
            career = recorder.career()
            self.autosaver.submit(career)
            if career.ending is not None and self.discoveries is not None:  # found now, saved in a moment
                self.discoveries.setdefault(career.story_id, set()).add(career.ending["scene"])

    def save_as(self, recorder: Recorder, name: str, replacing: Sequence[str] = ()) -> bool:
        """This moment of the career, under a name of its own (the autosave goes on as it was);
        then the saves `replacing` are deleted (after, so a failure loses neither)."""
        if self.store is None:
            return False
        name = clean_line(name)  # a pasted name may carry ESC or a bidi override: stored clean
        try:
            self.store.save(recorder.career(slot=name, autosave=False))
        except (SaveError, UnicodeError) as err:
            self.notify(f"Could not save: {err}", severity="error")
            return False
        for old in replacing:
            self.delete(old)
        self.notify(f"Saved as “{name}”." if not replacing else f"Saved as “{name}”, in place of the last.")
        return True

    def named(self, story_id: str, name: str) -> Sequence[SaveInfo]:
        """The named saves of a story called `name` (SaveStore.named), or none after saying why."""
        if self.store is None:
            return []
        try:
            return self.store.named(story_id, name)
        except SaveError as err:
            self._error(str(err))
            return []
        finally:
            self.show_notices()

    def delete(self, save_id: str) -> None:
        if self.store is None:
            return
        try:
            self.store.delete(save_id)
        except SaveError as err:
            self._error(str(err))
