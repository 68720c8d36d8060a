"""Small modal screens: confirmations, naming a save, errors, help, settings, a changed story.

The one screen module every other screen and part of the app may import (see the import
contracts in pyproject.toml): a dialog answers whoever opened it, through `dismiss`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, Switch

from engine.core.diagnostics import Diagnostic
from engine.core.model import Story
from engine.core.paths import run_prefix
from engine.core.textsafe import visible
from engine.play.session import PersonView
from engine.play.state import GameState
from engine.tui.settings import REVEAL_SPEEDS, Settings
from engine.tui.widgets.stats import stat_bar

HOW_TO_PLAY = (
    "You live a career one scene at a time. Read the scene, then choose what to do: pick a choice "
    "with its number, with the arrows and Enter, or with the mouse.\n\n"
    "Your stats rise and fall with every choice, and they open or close what you can do next. A "
    "dimmed choice is locked, and says what it needs. A choice with a chance rolls the dice: the "
    "percent you see is the chance you get. Setbacks can strike at any time; they pass, and the "
    "career goes on.\n\n"
    "What your last choice did stays above the scene until your next one, with every stat it "
    "changed; a milestone of your career shows after the scene it happens in.\n\n"
    "The game saves itself after every choice. Undo as far back as you like, save a moment under "
    "a name of its own, and replay any finished career step by step. Undo takes back a choice, "
    "not its luck: the same choice at the same moment rolls the same, so undoing a failed roll "
    "and choosing it again fails again, and another choice's roll tells nothing of it.\n\n"
    "Reading: the first key while a scene is still appearing shows all of it (Space does only "
    "that), so no choice is made unread; PgUp, PgDn and the mouse wheel scroll a long scene."
)


class Dialog(ModalScreen):
    """A modal box; Escape closes it (with None)."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmScreen(Dialog):
    """A yes/no question; dismisses with True or False."""

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="question")  # it may name a save: never markup
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_dismiss_none(self) -> None:
        self.dismiss(False)


class SaveNameScreen(Dialog):
    """Ask for a save's name; dismisses with the name, or None."""

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save this moment of your career as:", classes="question")
            yield Input(value=self.suggestion, max_length=60, id="name")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        self.dismiss(name or self.suggestion)

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)


class MessageScreen(Dialog):
    """A title, lines of text (never read as markup), and an OK button."""

    def __init__(self, title: str, lines: Iterable[str], button: str = "OK") -> None:
        super().__init__()
        # A message may quote a folder's name or a bug's words: no control character reaches the
        # terminal through it (each is written out as <U+001B>).
        self.title_text, self.lines, self.button = visible(title), [visible(x) for x in lines], button

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Text(self.title_text, style="bold"), classes="question")
            with VerticalScroll(classes="lines"):
                yield Static(Text("\n".join(self.lines)))
            with Horizontal(classes="buttons"):
                yield Button(self.button, id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        self.dismiss(None)


def story_errors(story: str, diagnostics: Sequence[Diagnostic]) -> MessageScreen:
    errors = [d for d in diagnostics if d.is_error]
    lines = [f"{d.file}:{d.line}: {d.message}" + (f" ({d.hint})" if d.hint else "") for d in errors[:200]]
    if len(errors) > 200:
        lines.append(f"... and {len(errors) - 200} more")
    lines += ["", f"Fix them, then run `{run_prefix()} check {story}` to be sure."]
    return MessageScreen(f"“{story}” cannot be played: {len(errors)} error{'s' * (len(errors) != 1)}", lines)


class StoryErrorsScreen(MessageScreen):
    """Errors of the story an author is working on: shown over the game, which goes on with the
    last version that loaded; the next save that fixes them closes this by itself."""

    def __init__(self, title: str, diagnostics: Sequence[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.is_error]
        lines = [d.format() for d in errors[:200]]
        if len(errors) > 200:
            lines.append(f"... and {len(errors) - 200} more")
        lines += ["", "Fix them and save the file: the story reloads by itself."]
        super().__init__(title, lines, button="Close")


class ChangedStoryScreen(Dialog):
    """A saved career whose story changed: continue from the last step that holds, or look only."""

    def __init__(self, problem: str, valid_steps: int) -> None:
        super().__init__()
        self.problem, self.valid_steps = problem, valid_steps

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(
                Text("The story has changed since this career was saved", style="bold"), classes="question"
            )
            yield Static(Text(f"It no longer replays at {self.problem}."))
            yield Static(
                Text(
                    f"You can go on from step {self.valid_steps}, the last that still holds, as a new save "
                    "(the old one is kept), or look at the career without playing it."
                )
            )
            with Horizontal(classes="buttons"):
                yield Button(f"Go on from step {self.valid_steps}", id="continue", variant="primary")
                yield Button("Look only", id="read-only")
                yield Button("Back", id="back")

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "back" else event.button.id)


class StatsScreen(Dialog):
    """Every stat of the career at once, like ChoiceScript's "Show Stats": by group, each with
    its bar and what it means; an opposed pair read as both its sides; a relationship named by
    its person; the flags that hold, in words; and the career's record so far. The sidebar is
    a glance; this is the whole sheet, on any terminal."""

    BINDINGS = [Binding("escape,t", "dismiss_none", "Close")]

    def __init__(self, story: Story, state: GameState, record: Sequence[str]) -> None:
        super().__init__()
        self.story = story
        self.state = state
        self.record = record

    def sheet(self) -> Text:
        story, state = self.story, self.state
        people = {p.stat: p for p in story.cast if p.stat}
        out = Text()  # the story's words, appended as text: never read as markup
        for group, stats in story.stat_groups:
            if out:
                out.append("\n")
            out.append(group or "Stats", style="bold underline")
            out.append("\n")
            for st in stats:
                value = state.stats[st.id]
                out.append(f"{st.reading(value)}\n", style="bold")
                out.append(f"  {stat_bar(value, st.min, st.max)}  {st.min} to {st.max}\n", style="dim")
                person = people.get(st.id)
                if person is not None:
                    role = f", {person.role}" if person.role else ""
                    out.append(f"  How you stand with {person.name}{role}.\n", style="italic")
                if st.help:
                    out.append(f"  {st.help}\n", style="italic")
        held = [f.label for f in story.flags if state.flags.get(f.id)]
        out.append("\nNow\n", style="bold underline")
        out.append("\n".join(f"• {label}" for label in held) if held else "Nothing in particular.")
        out.append("\n\nYour career so far\n", style="bold underline")
        out.append("\n".join(f"★ {line}" for line in self.record) if self.record else "Nothing yet.")
        return out

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="stats-sheet"):
            who = self.story.protagonist or self.story.title
            yield Static(Text(f"{who}: stats", style="bold"), classes="question")
            with VerticalScroll(classes="lines"):
                yield Static(self.sheet(), id="stats-list")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        self.dismiss(None)


class EndingsScreen(Dialog):
    """The endings gallery of one story: each ending found, with its tone, and each one not
    found yet, with the author's hint once the player has finished a career of the story
    (before that, hints would only be spoilers of a story not yet read)."""

    BINDINGS = [Binding("escape,e", "dismiss_none", "Close")]

    def __init__(self, story: Story, found: Collection[str]) -> None:
        super().__init__()
        self.story = story
        self.found = set(found)

    def gallery(self) -> Table:
        """A row an ending, its mark in a column of its own so that a long hint wraps under
        itself; the story's words are appended as text, never read as markup."""
        endings = self.story.endings
        found = [s for s in endings if s.id in self.found]
        hints = bool(found)  # a career of this story finished: its hints may help now
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row("", Text(f"{len(found)} of {len(endings)} found\n", style="bold"))
        for scene in endings:
            ending = scene.ending
            assert ending is not None
            if scene.id in self.found:
                tone = f"  ({ending.tone.replace('_', ' ')})"
                line = Text.assemble((ending.title, "bold"), (tone, "italic"))
                grid.add_row(Text("✓", style="bold"), line)
            else:
                line = Text("not yet found", style="dim")
                if hints and ending.hint:
                    line.append(f"\n{ending.hint}", style="italic")
                grid.add_row(Text("·", style="dim"), line)
        if not hints:
            later = "\nHints to the others appear once you have finished a career of this story."
            grid.add_row("", Text(later, style="dim"))
        return grid

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="endings"):
            yield Static(Text(f"Endings of {self.story.title}", style="bold"), classes="question")
            with VerticalScroll(classes="lines"):
                yield Static(self.gallery(), id="endings-list")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        self.dismiss(None)


class PeopleScreen(Dialog):
    """The People view: who the player has met (the story's cast whose `if` holds now), each
    with a role, the line about them and, where the story keeps one, the relationship stat."""

    BINDINGS = [Binding("escape,p", "dismiss_none", "Close")]

    def __init__(self, people: Sequence[PersonView], has_cast: bool = True) -> None:
        super().__init__()
        self.people = people
        self.has_cast = has_cast

    def compose(self) -> ComposeResult:
        rows = Text()  # the story's words, appended as text: never read as markup
        for i, p in enumerate(self.people):
            if i:
                rows.append("\n\n")
            rows.append(p.name, style="bold")
            if p.role:
                rows.append(f", {p.role}")
            if p.stat is not None:
                rows.append(f"   {p.stat} {p.value}", style="bold")
            if p.about:
                rows.append(f"\n{p.about}", style="italic")
        if not self.people:
            rows.append("No one to show yet." if self.has_cast else "This story has no cast.")
        with Vertical(classes="dialog wide", id="people"):
            yield Static(Text("People", style="bold"), classes="question")
            with VerticalScroll(classes="lines"):
                yield Static(rows, id="people-list")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        self.dismiss(None)


class HelpScreen(Dialog):
    """Every key of the screen underneath, generated from its bindings, and how to play."""

    def __init__(
        self,
        bindings: Sequence[tuple[str, str]],
        stats: Sequence[tuple[str, str]] = (),
        guide: tuple[str, str] = ("How to play", HOW_TO_PLAY),
    ) -> None:
        super().__init__()
        self.bindings_shown = bindings
        self.stats = stats  # (label, help) of the career being played
        self.guide = guide  # (heading, text): how to use the screen underneath

    @staticmethod
    def glossary(rows: Iterable[tuple[str, str]]) -> Table:
        """Two columns, a term and what it means: a long meaning wraps under itself, never
        under the term (a stat's help on a narrow terminal)."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True, min_width=15)
        grid.add_column(ratio=1)
        for term, meaning in rows:
            grid.add_row(Text(term), Text(meaning))  # the story's words: never markup
        return grid

    def compose(self) -> ComposeResult:
        keys = self.glossary(self.bindings_shown)
        with Vertical(classes="dialog wide", id="help"):
            yield Static(Text("Help", style="bold"), classes="question")
            with VerticalScroll(classes="lines"):
                yield Static(keys, id="keys")
                if self.stats:
                    yield Static(Text("\nYour stats", style="bold"))
                    yield Static(self.glossary(self.stats), id="stats-help")
                yield Static(Text(f"\n{self.guide[0]}", style="bold"))
                yield Static(Text(self.guide[1]), id="how-to-play")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        self.dismiss(None)


class SettingsScreen(Dialog):
    """Theme, text speed and locked choices; every change applies at once and is remembered."""

    def __init__(self, themes: Sequence[str], settings: Settings) -> None:
        super().__init__()
        self.themes = themes
        self.settings = settings  # the app's own: a change is seen at once everywhere

    def compose(self) -> ComposeResult:
        settings = self.settings
        with Vertical(classes="dialog wide", id="settings"):
            yield Static(Text("Settings", style="bold"), classes="question")
            yield Label("Theme")
            yield Select([(t, t) for t in self.themes], value=settings.theme, allow_blank=False, id="theme")
            yield Label("Text appears")
            yield Select(
                [
                    ("all at once", "off"),
                    ("quickly, letter by letter", "fast"),
                    ("slowly, letter by letter", "slow"),
                ],
                value=settings.reveal,
                allow_blank=False,
                id="reveal",
            )
            with Horizontal(classes="switch-row"):
                yield Switch(value=settings.show_locked, id="show-locked")
                yield Label("Show locked choices, with what they need")
            with Horizontal(classes="switch-row"):
                yield Switch(value=settings.skip_read, id="skip-read")
                yield Label("Show a scene you have read before all at once")
            with Horizontal(classes="buttons"):
                yield Button("Done", id="ok", variant="primary")

    @on(Select.Changed, "#theme")
    def theme(self, event: Select.Changed) -> None:
        self.app.theme = str(event.value)
        self._remember("theme", str(event.value))

    @on(Select.Changed, "#reveal")
    def reveal(self, event: Select.Changed) -> None:
        if event.value in REVEAL_SPEEDS:
            self._remember("reveal", str(event.value))

    @on(Switch.Changed, "#show-locked")
    def show_locked(self, event: Switch.Changed) -> None:
        self._remember("show_locked", event.value)

    @on(Switch.Changed, "#skip-read")
    def skip_read(self, event: Switch.Changed) -> None:
        self._remember("skip_read", event.value)

    def _remember(self, name: str, value: object) -> None:
        setattr(self.settings, name, value)
        self.settings.save()

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        self.dismiss(None)
