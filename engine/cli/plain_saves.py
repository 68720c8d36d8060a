"""Plain mode's autosave: the career is saved after every choice and undo, like the app's.

(The steps of `--choices` are saved together when the script runs out: engine/cli/plain.py.)

A plain-mode career (a screen reader's, a pipe's) is worth as much as one played full-screen, so
it goes to the same save folder (`--saves DIR`, `$POINTE_EDGE_SAVES`, or `saves/`) as an
autosave that the app's Continue takes up. Plain mode waits for nothing else, so it saves
synchronously: when the next prompt appears, the choice is on disk. A save that fails is said
in one line (once, until saving works again) and play goes on; so is a career forked because
another copy of the game saved it too (engine/saves/store.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine.core.textsafe import clean_line
from engine.play.session import Session
from engine.saves.format import SaveError, SaveInfo
from engine.saves.record import Recorder
from engine.saves.store import SaveStore


class PlainSaves:
    def __init__(
        self,
        store: SaveStore,
        session: Session,
        say: Callable[[str], None],
        recorder: Recorder | None = None,
    ):
        self.store = store
        self.recorder = recorder or Recorder(session)  # a resumed career brings its own
        self.say = say
        self.saved_id: str | None = None
        self._failing = False

    def keep(self) -> None:
        """Save the career as it is now (after a choice or an undo)."""
        try:
            saved = self.store.save(self.recorder.career())
        except (SaveError, UnicodeError) as err:
            if not self._failing:
                self.say(f"note: Could not save: {err}")
            self._failing = True
            return
        finally:
            for line in self.store.take_notices():
                self.say(f"note: {line}")
        self._failing = False
        self.saved_id = saved.id
        if saved.note is not None:
            self.say(f"note: {saved.note}")

    def named(self, name: str) -> Sequence[SaveInfo]:
        """This story's named saves called `name`, as it would be stored."""
        try:
            return self.store.named(self.recorder.session.story.id, name)
        except SaveError:
            return []

    def save_as(self, name: str, replacing: Sequence[SaveInfo]) -> None:
        """This moment under a name of its own, then the saves it replaces deleted (after, so a
        failure loses neither). Said in one line either way."""
        name = clean_line(name)
        try:
            saved = self.store.save(self.recorder.career(slot=name, autosave=False))
            for old in replacing:
                self.store.delete(old.id)
        except (SaveError, UnicodeError) as err:
            self.say(f"note: Could not save: {err}")
            return
        self.say(f"Saved “{name}” as {saved.id[:8]}.")

    def farewell(self) -> str | None:
        """Where the career is, said as play ends (None when nothing was saved)."""
        if self.saved_id is None:
            return None
        short = self.saved_id[:8]
        return f"Saved as {short} in {self.store.folder} (the full-screen game's Continue goes on from it)."
