"""What the screens ask of the app: start a career, open the saves, show the ending, warp...

A screen never calls the app. It posts one of these to it (`self.app.post_message(...)`), and
the app, which owns the screen stack, the catalog and the saves, decides what happens: a screen
can then be read, built and tested without the app, and everything a screen can make the app do
is listed here. What a screen only reads (the settings, the catalog, the endings found, the list
of saves) it is given when it is built.

A message is posted to the app itself rather than bubbled up from the screen: a screen that is
closed before its queue is read (a dialog dismissed, a screen replaced) would lose it.

They are dataclasses but not frozen: Textual's `Message` sets its own fields after `__init__`.
`eq=False` keeps Textual's identity semantics: two requests are never the same request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from engine.play.session import Session
from engine.saves.record import Recorder
from engine.saves.replay import Replay

SavesMode = Literal["load", "replay"]


@dataclass(eq=False)
class StartCareer(Message):
    """A new career of a story of the catalog: a card of the title, "Start again" on the ending."""

    story_id: str


@dataclass(eq=False)
class ResumeSave(Message):
    """Play on from a saved career (Continue, or a pick in the list of saves)."""

    save_id: str


@dataclass(eq=False)
class ReplaySave(Message):
    """Watch a saved career again, step by step."""

    save_id: str


@dataclass(eq=False)
class ReplayCareer(Message):
    """Watch the career just played again (from its ending)."""

    recorder: Recorder


@dataclass(eq=False)
class PlayOn(Message):
    """A new career that goes on from step `index` of a replay."""

    replay: Replay
    index: int


@dataclass(eq=False)
class OpenSaves(Message):
    """The list of saved careers, to load one or to replay one."""

    mode: SavesMode


@dataclass(eq=False)
class Autosave(Message):
    """The career after a choice or an undo: hand it to the background writer."""

    recorder: Recorder


@dataclass(eq=False)
class NameSave(Message):
    """Ask for a name, and save this moment of the career under it."""

    recorder: Recorder


@dataclass(eq=False)
class OpenEndings(Message):
    """Show the endings gallery of a story of the catalog (by its catalog key)."""

    story_key: str


@dataclass(eq=False)
class QuickSave(Message):
    """Save this moment as the story's quick save, in place of the last one (no question)."""

    recorder: Recorder


@dataclass(eq=False)
class QuickLoad(Message):
    """Go back to this story's quick save."""

    story_id: str


@dataclass(eq=False)
class ShowEnding(Message):
    """The career has reached an ending: show it in place of the play screen."""

    session: Session
    recorder: Recorder
    warped: bool = False


@dataclass(eq=False)
class BackToTitle(Message):
    """Close every screen above the title."""


@dataclass(eq=False)
class OpenAuthorView(Message):
    """The chapter map of the career being played, wherever it is in the stack."""


@dataclass(eq=False)
class OpenInEditor(Message):
    """Open a story file at a line in the author's own editor (author mode only): the scene shown
    on the map, or the scene being played."""

    file: str  # as the story names it (Pos.file): relative to the working folder, or absolute
    line: int
    col: int


@dataclass(eq=False)
class Warp(Message):
    """Play on from `scene_id` with these stats and flags, as a warped run that is never saved."""

    session: Session
    scene_id: str
    stats: dict[str, int]
    flags: dict[str, bool]


@dataclass(eq=False)
class ReportBug(Message):
    """An error in a game action that is a bug of the game: logged, told in words, play goes on."""

    error: Exception


@dataclass(eq=False)
class OpenSettings(Message):
    """The settings dialog."""


@dataclass(eq=False)
class QuitGame(Message):
    """Quit, asking first if choices of the career being played would be lost."""
