"""The choices of a scene: numbered, open ones selectable, locked ones dimmed with their reason."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.play.session import ChoiceView
from engine.tui.widgets.text import rendered_text


def choice_text(view: ChoiceView) -> Text:
    """A choice's words: its label, then its chance or why it is locked."""
    label = rendered_text(view.text)
    if view.locked:
        return Text.assemble((label.plain, "dim"), (f"  · {view.reason}", "dim italic"))
    if view.chance is not None:
        label.append(f"  ({view.chance}% chance)", style="italic")
    return label


def choice_prompt(view: ChoiceView) -> Table:
    """The number in a column of its own and the words beside it, so that a long choice or a
    lock reason wraps under its own words, not under the number."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(str(view.number), style="dim" if view.locked else "bold"), choice_text(view))
    return grid


class ChoiceList(OptionList):
    """Pick with the arrows and Enter, the mouse, or (on the play screen) the number keys."""

    def set_choices(self, views: Sequence[ChoiceView], show_locked: bool) -> None:
        shown = [v for v in views if show_locked or not v.locked]
        self.clear_options()
        self.add_options(Option(choice_prompt(v), id=v.id, disabled=v.locked) for v in shown)
        first_open = next((i for i, v in enumerate(shown) if not v.locked), None)
        self.highlighted = first_open
