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

from collections.abc import Callable

from engine.play.session import Session
from engine.saves.format import SaveError
from engine.saves.record import Recorder
from engine.saves.store import SaveStore


class PlainSaves:
    def __init__(self, store: SaveStore, session: Session, say: Callable[[str], None]):
        self.store = store
        self.recorder = Recorder(session)
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

    def farewell(self) -> str | None:
        """Where the career is, said as play ends (None when nothing was saved)."""
        if self.saved_id is None:
            return None
        short = self.saved_id[:8]
        return f"Saved as {short} in {self.store.folder} (the full-screen game's Continue goes on from it)."
