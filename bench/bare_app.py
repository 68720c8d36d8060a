"""A bare Textual app: the baseline that the game's start-up is measured against (bench_tui.py).

It does what the game's first frame needs of Textual and nothing else: one screen with one line
of text. Started the same way as the game (`python bench/bare_app.py` in a pseudo-terminal),
right after its first frame it writes the time into $POINTE_EDGE_FIRST_FRAME_FILE and exits,
exactly as engine/tui/app.py does, so the two figures differ only by what the game adds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Pointe & Edge", markup=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_frame, os.environ["POINTE_EDGE_FIRST_FRAME_FILE"])

    def _first_frame(self, path: str) -> None:
        Path(path).write_text(repr(time.time()))
        self.exit()


if __name__ == "__main__":
    BareApp().run()
