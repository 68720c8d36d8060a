"""The choices of a scene: numbered, open ones selectable, locked ones dimmed with their reason."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.play.session import ChoiceView
from engine.tui.widgets.text import rendered_text


def choice_prompt(view: ChoiceView) -> Text:
    label = rendered_text(view.text)
    if view.locked:
        return Text.assemble(
            (f"{view.number}  ", "dim"), (label.plain, "dim"), (f"  · {view.reason}", "dim italic")
        )
    prompt = Text.assemble((f"{view.number}  ", "bold"), label)
    if view.chance is not None:
        prompt.append(f"  ({view.chance}% chance)", style="italic")
    return prompt


class ChoiceList(OptionList):
    """Pick with the arrows and Enter, the mouse, or (on the play screen) the number keys."""

    def set_choices(self, views: Sequence[ChoiceView], show_locked: bool) -> None:
        shown = [v for v in views if show_locked or not v.locked]
        self.clear_options()
        self.add_options(Option(choice_prompt(v), id=v.id, disabled=v.locked) for v in shown)
        first_open = next((i for i, v in enumerate(shown) if not v.locked), None)
        self.highlighted = first_open
