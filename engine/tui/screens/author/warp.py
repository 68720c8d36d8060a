"""The warp dialog: choose the stats and flags to arrive with at a scene of the map.

The values are checked as they are typed, against each stat's range (engine/author/warp.py
says what a value may be); the dialog says what a scene does on arrival, and where a detour's
`return` will go, before the author commits to it.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.validation import Function
from textual.widgets import Button, Checkbox, Input, Label, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from engine.author.warp import HERE, OUTER, Arrival, arrival, stat_value
from engine.core.model import Stat
from engine.play.session import Session
from engine.tui.screens.dialogs import Dialog


def stat_input_id(stat_id: str) -> str:
    """The id of a stat's box in the warp dialog: prefixed so that no stat id (`body`, `flags`...)
    can name one of the dialog's own parts."""
    return f"warp-stat-{stat_id}"


def accepts(stat: Stat) -> Callable[[str], bool]:
    """The check an Input runs as the author types a value for `stat`."""
    return lambda text: isinstance(stat_value(stat, text), int)


class FlagList(SelectionList[str]):
    """The warp dialog's flags. Textual draws every box with an X and tells a ticked one by its
    colour alone; here an unticked box is empty, so the difference reads in any theme."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip
        try:
            value = self.get_option_at_index(self.scroll_offset.y + y).value
        except OptionDoesNotExist:
            return strip
        if value in self.selected:
            return strip
        segments[1] = Segment(" ", segments[1].style)
        return Strip(segments, strip.cell_length)


class WarpScreen(Dialog):
    """Choose the stats and flags to arrive with; dismisses with (stats, flags), or None."""

    def __init__(self, session: Session, scene_id: str) -> None:
        super().__init__()
        self.session = session
        self.scene_id = scene_id
        self.plan: Arrival = arrival(session, scene_id)

    def compose(self) -> ComposeResult:
        story = self.session.story
        state = self.session.state
        scene = story.scenes[self.scene_id]
        with Vertical(classes="dialog wide", id="warp"):
            yield Static(Text(f"Warp to “{scene.title}”", style="bold"))
            yield Static(Text(self.scene_id, style="dim"), classes="question")
            with VerticalScroll(id="warp-body"):
                notes = self.notes()
                if notes:
                    yield Static(Text("\n".join(notes)), id="warp-notes")
                yield Static(Text("Stats as you arrive", style="bold"))
                for stat in story.stats:
                    with Horizontal(classes="warp-stat"):
                        yield Label(Text(stat.label), classes="warp-label")
                        yield Input(
                            value=str(state.stats[stat.id]),
                            type="integer",
                            compact=True,
                            max_length=20,
                            id=stat_input_id(stat.id),
                            validators=[Function(accepts(stat))],
                        )
                        yield Static(Text(f"{stat.min} to {stat.max}", style="dim"), classes="warp-range")
                if story.flags:
                    yield Static(Text("Flags (space ticks one)", style="bold"), id="warp-flags-title")
                    yield FlagList(
                        *[Selection(Text(f.label), f.id, state.flags[f.id]) for f in story.flags],
                        id="warp-flags",
                    )
            yield Static("", id="warp-problem")
            with Horizontal(classes="buttons"):
                yield Button("Warp", id="go", variant="primary")
                yield Button("Cancel", id="cancel")

    def notes(self) -> list[str]:
        plan, story = self.plan, self.session.story
        notes = []
        if plan.effects:
            notes.append(f"On arrival the scene applies: {', '.join(plan.effects)}.")
        if plan.router:
            notes.append("It has no text: play passes on at once by its first branch that holds.")
        if plan.ending:
            notes.append("It is an ending: the career ends there.")
        if plan.caller is not None and plan.returns_to is not None:
            back = story.scenes[plan.returns_to].title
            if plan.called == HERE:
                notes.append(
                    f"It is inside a detour: its `return` brings you back to “{back}”, where you are now."
                )
            elif plan.called == OUTER:
                notes.append(f"It is inside a detour, as you are now: its `return` goes back to “{back}”.")
            else:
                caller = story.scenes[plan.caller].title
                notes.append(
                    f"It is inside a detour: its `return` goes on to “{back}”, as after the story's call"
                    f" from “{caller}”."
                )
        return notes

    def on_mount(self) -> None:
        self.query_one("#warp-problem").display = False
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()
        else:
            self.query_one("#go", Button).focus()

    def values(self) -> tuple[dict[str, int], dict[str, bool]] | None:
        """The chosen stats and flags, or None after showing what is wrong."""
        stats: dict[str, int] = {}
        problems: list[str] = []
        first_bad: Input | None = None
        for stat in self.session.story.stats:
            box = self.query_one(f"#{stat_input_id(stat.id)}", Input)
            value = stat_value(stat, box.value)
            if isinstance(value, str):
                problems.append(value + ".")
                first_bad = first_bad or box
            else:
                stats[stat.id] = value
        problem = self.query_one("#warp-problem", Static)
        problem.display = bool(problems)
        if problems:
            problem.update(Text("\n".join(problems), style="bold"))
            if first_bad is not None:
                first_bad.focus()
            return None
        flags: dict[str, bool] = {}
        if self.session.story.flags:
            ticked = set(self.query_one("#warp-flags", SelectionList).selected)
            flags = {f.id: f.id in ticked for f in self.session.story.flags}
        return stats, flags

    @on(SelectionList.SelectionHighlighted, "#warp-flags")
    def follow(self, event: SelectionList.SelectionHighlighted) -> None:
        """Keep the highlighted flag in view: the list is as long as it needs to be, and the
        dialog's body, not the list, scrolls."""
        flags = event.selection_list
        line = flags.virtual_region.y + event.selection_index
        self.query_one("#warp-body", VerticalScroll).scroll_to_region(Region(0, line, 1, 1), animate=False)

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def go(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)
