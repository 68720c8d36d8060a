"""A career on the title screen: who, what, the blurb, and how many endings are found."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static


class StoryCard(Static, can_focus=True):
    BINDINGS = [Binding("enter", "choose", "Start", show=False)]

    class Chosen(Message):
        def __init__(self, story_id: str) -> None:
            super().__init__()
            self.story_id = story_id

    def __init__(self, story_id: str, content: Text, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.story_id = story_id

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.story_id))

    def on_click(self) -> None:
        self.action_choose()
