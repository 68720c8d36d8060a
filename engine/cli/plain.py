"""Plain mode: play on stdin/stdout, for screen readers, pipes and scripted tests.

Text only, no colours and no cursor movement; every line makes sense read aloud. Choices are
numbered; locked ones keep their number and say why they are locked. After each choice the
changed stats are printed on one line. Anything the player types that is not a choice gets a
one-line answer, and Ctrl-D or Ctrl-C end the game cleanly.
"""

from __future__ import annotations

import shutil
import textwrap
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from engine.core import template as tpl
from engine.core.errors import PointeEdgeError
from engine.play.changes import change_words
from engine.play.session import ChoiceError, ChoiceView, Session, StatChange, StepResult

if TYPE_CHECKING:
    from engine.cli.plain_saves import PlainSaves

#: Before a choice id in an answer or in `--choices`: `id:3` is the choice whose id is `3`, not
#: the third one. A choice id never holds a colon, so this can name nothing else.
ID_PREFIX = "id:"
HELP = "Type a choice's number. Other keys: u undo, s stats, p people, h history, save NAME, q quit, ? help."


class ScriptError(PointeEdgeError):
    """A `--choices` entry that cannot be played."""


class PlainGame:
    def __init__(self, session: Session, out: TextIO, inp: TextIO, *, width: int | None = None,
                 script: Sequence[str] = (), saves: PlainSaves | None = None):  # fmt: skip
        self.session = session
        self.saves = saves  # the autosave (engine/cli/plain_saves.py), or None: not saved
        self.out = out
        self.inp = inp
        cols = width or shutil.get_terminal_size((80, 24)).columns
        self.width = max(40, min(cols, 100))
        self.script: deque[str] = deque(script)
        self.scripted = bool(script)
        self._unsaved = False  # a scripted step not yet saved (see keep)

    # -- output ------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def wrap(self, text: str, indent: str = "") -> None:
        for i, para in enumerate(text.split("\n\n")):
            if i:
                self.say()
            self.say(textwrap.fill(para, self.width, initial_indent=indent, subsequent_indent=indent))

    def stats_line(self) -> str:
        """The stats, a line per group ("On the ice: Technique 40 · ..."); a pair reads both sides."""
        s = self.session
        lines = []
        for group, stats in s.story.stat_groups:
            row = " · ".join(st.reading(s.state.stats[st.id]) for st in stats)
            lines.append(f"{group}: {row}" if group else row)
        return "\n".join(lines)

    def people(self) -> None:
        """Who the player has met, from the story's cast: name, role, the line about them."""
        if not self.session.story.cast:
            self.say("This story has no cast.")
            return
        people = self.session.people()
        if not people:
            self.say("No one to show yet.")
            return
        for p in people:
            head = f"{p.name}, {p.role}" if p.role else p.name
            if p.stat is not None:
                head += f" ({p.stat} {p.value})"
            self.say(f"  {head}")
            if p.about:
                self.wrap(p.about, indent="    ")

    def show_scene(self) -> None:
        s = self.session
        scene = s.scene
        head = f"── {s.chapter_title} · {s.phase} "
        self.say()
        self.say(head + "─" * max(3, self.width - len(head)))
        self.say(scene.title)
        self.say()
        self.wrap(tpl.to_plain(s.text))
        self.say()

    def show_choices(self, choices: Sequence[ChoiceView]) -> None:
        for c in choices:
            line = f"{c.number}. {c.label}"
            if c.chance is not None:
                line += f" ({c.chance}% chance)"
            if c.locked:
                line += f" [locked: {c.reason}]"
            self.say(textwrap.fill(line, self.width, initial_indent="  ", subsequent_indent="     "))

    def show_result(self, view: ChoiceView, result: StepResult) -> None:
        self.say(f"» {view.label}")
        roll = result.step.roll
        if roll is not None:
            self.say(f"  {roll.describe()}.")
        if result.outcome:
            self.wrap(tpl.to_plain(result.outcome), indent="  ")
        self.show_changes(result.changes, result.flags, result.chosen)

    def show_arrived(self, result: StepResult) -> None:
        """The milestones of the scenes just entered, after their text, which they would spoil
        if they came first."""
        for line in result.arrived:
            self.say(f"★ {line}")
        if result.arrived:
            self.say()

    def show_changes(
        self, changes: Sequence[StatChange], flags: Sequence[tuple[str, bool]], milestones: Sequence[str]
    ) -> None:
        """A step's milestones, then its stat and flag changes on one line."""
        for line in milestones:
            self.say(f"  ★ {line}")
        words = change_words(self.session.story, changes, flags)
        if words:
            self.say("  " + " · ".join(words))

    # -- input -------------------------------------------------------------------------------

    def ask(self) -> str | None:
        """The next answer: from the script while it lasts, then from the input stream."""
        if self.script:
            entry = self.script.popleft()
            self.say(f"> {entry}")
            return entry
        self.keep_pending()
        self.scripted = False
        self.out.write("> ")
        self.out.flush()
        line = self.inp.readline()
        if line == "":
            return None
        return line.strip()

    def pick(self, answer: str, choices: Sequence[ChoiceView]) -> ChoiceView | str:
        """The choice an answer names, or a one-line explanation of why it names none.

        A number is a choice's number; `id:12` names the choice whose id is `12` (a choice id
        may be all digits, and `simulate` prints replay commands in this form so that they
        replay the same career); anything else is an id."""
        if answer.startswith(ID_PREFIX):
            wanted = answer[len(ID_PREFIX) :]
            for c in choices:
                if c.id == wanted:
                    return f"That choice is locked: {c.reason}." if c.locked else c
            return f"There is no choice with the id “{wanted[:40]}” here. {HELP}"
        if answer.isdigit():
            n = int(answer)
            for c in choices:
                if c.number == n:
                    return f"That choice is locked: {c.reason}." if c.locked else c
            return f"There is no choice {n}; type a number from 1 to {len(choices)}."
        for c in choices:
            if c.id == answer:
                return f"That choice is locked: {c.reason}." if c.locked else c
        return f"“{answer[:40]}” is not a choice. {HELP}"

    # -- the loop ----------------------------------------------------------------------------

    def keep(self) -> None:
        """Autosave after a step. Steps played from `--choices` are saved once, when the script
        runs out or play stops (a 185-step script spent 60% of its time writing 185 saves);
        the player's own steps are saved as they are made."""
        if self.saves is None:
            return
        if self.script:
            self._unsaved = True
            return
        self._unsaved = False
        self.saves.keep()

    def keep_pending(self) -> None:
        """Save the scripted steps that keep() put off, if any."""
        if self._unsaved:
            self.script.clear()
            self.keep()

    def farewell(self) -> None:
        self.keep_pending()
        line = self.saves.farewell() if self.saves is not None else None
        if line is not None:
            self.say(line)

    def run(self) -> int:
        """Play until the career ends or the player leaves; returns the process exit code."""
        try:
            return self._run()
        finally:
            self.keep_pending()

    def _run(self) -> int:
        s = self.session
        self.say(f"{s.story.title} — {s.story.protagonist}".rstrip(" —"))
        self.say(f"Seed {s.seed}. {HELP}")
        self.say(self.stats_line())
        shown = True
        self.show_scene()
        if not s.journal:  # a new career: what the start scene did, as a step's changes are shown
            opening = s.opening()
            if opening.changes or opening.flags or opening.milestones:
                self.show_changes(opening.changes, opening.flags, opening.milestones)
                self.say()
        while True:
            if s.ended:
                ending = s.ending
                assert ending is not None
                self.say(f"The end: {ending.title} ({ending.tone.replace('_', ' ')}).")
                self.say(self.stats_line())
                if s.milestones:
                    self.say("Your career:")
                    for line in s.milestones:
                        self.say(f"  ★ {line}")
                self.farewell()
                return 0
            if s.stuck:
                self.say(f"The story cannot go on here ({s.stuck}). This is a fault in the story, not yours.")
                return 3
            choices = s.choices
            if shown:
                self.show_choices(choices)
                shown = False
            answer = self.ask()
            if answer is None:
                self.say()
                self.farewell()
                self.say("Goodbye.")
                return 0
            if answer in ("q", "quit", "exit"):
                self.farewell()
                self.say("Goodbye.")
                return 0
            if answer in ("?", "help"):
                self.say(HELP)
                continue
            if answer in ("s", "stats"):
                self.say(self.stats_line())
                continue
            if answer in ("p", "people"):
                self.people()
                continue
            if answer in ("h", "history"):
                self.history()
                continue
            if answer == "save" or answer.startswith("save "):
                self.save_named(answer.removeprefix("save").strip())
                continue
            if answer in ("u", "undo"):
                if s.undo():
                    self.keep()
                    self.say("Undone.")
                    self.show_scene()
                    shown = True
                else:
                    self.say("Nothing to undo yet.")
                continue
            if answer == "":
                continue
            picked = self.pick(answer, choices)
            if isinstance(picked, str):
                if not self.scripted:
                    self.say(picked)
                    continue
                raise ScriptError(picked)
            try:
                result = s.choose(picked.id)
            except ChoiceError as err:  # pragma: no cover - choices come from the session itself
                self.say(str(err))
                continue
            self.keep()
            self.show_result(picked, result)
            self.show_scene()
            self.show_arrived(result)
            shown = True

    def history(self) -> None:
        """The path so far: each scene and the words of the choice made there (never an id)."""
        steps = self.session.journal
        if not steps:
            self.say("No choices made yet.")
            return
        for i, step in enumerate(steps, 1):
            title = self.session.story.scenes[step.scene].title
            roll = f" ({'success' if step.roll.success else 'failure'})" if step.roll else ""
            line = f"{i}. {title}: {self.session.step_label(i - 1)}{roll}"
            self.say(textwrap.fill(line, self.width, initial_indent="  ", subsequent_indent="     "))

    def save_named(self, name: str) -> None:
        """`save NAME`: this moment under a name (asked for when not given), asking before it
        replaces a save of this story with the same name."""
        if self.saves is None:
            self.say("Saving is off here.")
            return
        if not name:
            self.out.write("Name for this save: ")
            self.out.flush()
            name = self.inp.readline().strip()
            if not name:
                self.say("Not saved.")
                return
        same = self.saves.named(name)
        if same:
            self.out.write(f"There is already a save called “{same[0].slot}”. Replace it? [y/N] ")
            self.out.flush()
            if self.inp.readline().strip().lower() not in ("y", "yes"):
                self.say("Kept it; not saved.")
                return
        self.saves.save_as(name, same)
