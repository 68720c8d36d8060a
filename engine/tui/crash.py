"""When something goes wrong that is neither the player's doing nor the author's: a log, and words.

There are two paths. An error inside a game action (a choice, a warp) is a bug the game
survives: the session rolled back, so the player is told in words, with the log's path, and
plays on (`bug_report`). Any other unexpected exception ends the app, as it does in every
Textual app, but the player reads one line that says where the log is, never a traceback
(`Crash`, which the app hands to Textual in place of the error).

The log goes to the platform's folder for the game's own records (engine/core/paths.py, kind
"state"), or to `$POINTE_EDGE_LOGS`: not to the parse cache, which is there to be deleted and
which `POINTE_EDGE_CACHE=off` turns off.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from rich.text import Text

from engine.core.errors import PointeEdgeError
from engine.core.paths import logs_folder
from engine.tui.screens.dialogs import MessageScreen

LOG_NAME = "crash.log"


def logs_dir() -> Path | None:
    """`$POINTE_EDGE_LOGS` (a folder, or `off`), else `logs` in the platform's state folder."""
    return logs_folder()


def write_crash_log(error: BaseException) -> Path | None:
    """The traceback in a file the player can send; its path, or None if nothing was written
    (logs turned off, or the folder cannot be written). Never raises: it runs on a crash."""
    folder = logs_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return None


def bug_report(error: BaseException) -> MessageScreen:
    """An error in a game action: logged, and told in words over the game, which goes on."""
    log = write_crash_log(error)
    return MessageScreen(
        "Something went wrong",
        [
            f"{type(error).__name__}: {error}",
            "",
            "This is a bug in the game, not your doing. Your career is as it was before that choice.",
            f"The details are in {log}." if log else "",
        ],
    )


class Crash(PointeEdgeError):
    """An unexpected error as the player reads it when the app stops: one line, no traceback.

    Textual prints an exception that has `__rich__` by rendering it, where it would print a
    traceback of any other; the app hands it this in place of the error (see
    `PointeEdgeApp._handle_exception`). The error itself is the cause, for a test to look at.
    """

    def __init__(self, error: BaseException, log: Path | None) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error
        self.log = log
        self.__cause__ = error

    def __rich__(self) -> Text:
        where = f" Details: {self.log}" if self.log else ""
        return Text(
            f"Pointe & Edge stopped on an unexpected error ({self}). "
            f"Your career was saved after your last choice.{where}"
        )
