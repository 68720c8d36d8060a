"""Autosave in the background: the game never waits for the disk, and never saves out of order.

After every choice the front end hands the career to `Autosaver.submit`, which returns at once.
One writer thread saves whatever was submitted last (a newer career simply replaces an older one
still waiting), so saves land in order and a slow disk never stacks up work. `flush()` waits until
everything submitted is on disk; the front ends call it before they exit.

Whatever a save raises, the writer reports it (`error`, `on_error`) and goes on: a thread that
died would leave `flush()` waiting out its whole timeout and every later career unwritten.

When another copy of the game saved the same career meanwhile, the store forks it rather than
write over the other copy's steps (engine/saves/store.py); the writer hands the store's one-line
note to `on_note`, and keeps it in `note`, so the player is told.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from engine.saves.format import Career, SaveError
from engine.saves.store import SaveStore


class Autosaver:
    def __init__(
        self,
        store: SaveStore,
        on_error: Callable[[str], None] | None = None,
        on_note: Callable[[str], None] | None = None,
    ):
        self.store = store
        self.on_error = on_error
        self.on_note = on_note
        self.error: str | None = None  # the last failure, until a later save succeeds
        self.note: str | None = None  # the last fork, said once to `on_note`
        self._pending: Career | None = None
        self._busy = False
        self._written: dict[str, int] = {}  # career id -> steps known to be on disk
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="autosave", daemon=True)
        self._thread.start()

    def submit(self, career: Career) -> None:
        with self._cond:
            if self._closed:
                raise RuntimeError("the autosaver is closed")
            self._pending = career
            self._cond.notify_all()

    def on_disk(self, career_id: str, steps: int) -> None:
        """Note a career read from disk as it is there (a Continue): nothing of it is unsaved."""
        with self._cond:
            self._written[career_id] = steps

    def saved(self, career_id: str, steps: int) -> bool:
        """Whether the career is on disk with at least `steps` steps."""
        with self._cond:
            return self._written.get(career_id, -1) == steps and self._pending is None and not self._busy

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted has been written (or has failed)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def close(self, timeout: float = 10.0) -> bool:
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        return done

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                career, self._pending, self._busy = self._pending, None, True
            message: str | None = "Could not autosave: the writer was interrupted"
            note: str | None = None
            try:
                note = self.store.save(career).note
                message = None
            except (SaveError, OSError) as err:
                message = f"Could not autosave: {err}"
            except Exception as err:  # a bug, not the disk: still only this save is lost
                message = f"Could not autosave ({type(err).__name__}): {err}"
            finally:
                with self._cond:
                    self._busy = False
                    if message is None:
                        self._written[career.id] = len(career.steps)
                        self.error = None
                    else:
                        self.error = message
                    if note is not None:
                        self.note = note
                    self._cond.notify_all()
            if message is not None and self.on_error is not None:
                with contextlib.suppress(Exception):  # a failed report: `error` still holds it
                    self.on_error(message)
            if note is not None and self.on_note is not None:
                with contextlib.suppress(Exception):  # a failed report: `note` still holds it
                    self.on_note(note)
