"""The ending: its title and tone, the career in review, and where to go next."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from engine.play.session import Session
from engine.saves.record import Recorder
from engine.tui.messages import BackToTitle, OpenAuthorView, OpenEndings, ReplayCareer, StartCareer
from engine.tui.save_shelf import SaveShelf
from engine.tui.widgets.chart import StatChart
from engine.tui.widgets.guard import GuardedScreen
from engine.tui.widgets.keybar import KeyBar
from engine.tui.widgets.text import rendered_text
from engine.tui.widgets.warped import WARPED

TONE_WORDS = {
    "triumph": "a triumph",
    "bittersweet": "bittersweet",
    "tragic": "a career cut short",
    "farewell": "a farewell",
    "new_path": "a new path",
}


class EndingScreen(GuardedScreen):
    BINDINGS = [
        Binding("r", "replay", "Replay", id="ending.replay"),
        Binding("n", "again", "Start again", id="ending.again"),
        Binding("e", "endings", "Endings", id="ending.endings"),
        Binding("m", "author_view", "Map", id="ending.author-view"),
        Binding("escape,b", "back", "Title", id="ending.back"),
    ]

    def __init__(
        self,
        session: Session,
        recorder: Recorder,
        *,
        shelf: SaveShelf,
        story_key: str,
        warped: bool = False,
        author: bool = False,
    ) -> None:
        super().__init__()
        self.author = author  # the map (`m`) only in author mode: it shows every ending's title
        self.session = session
        self.recorder = recorder
        self.shelf = shelf  # read only: the endings found, and whether there are saves to replay
        self.story_key = story_key  # the catalog's name for the story, to start it again
        self.warped = warped  # a warped run: it does not replay from the start, so no replay

    def compose(self) -> ComposeResult:
        s = self.session
        ending = s.ending
        assert ending is not None
        with VerticalScroll(id="ending-page"):
            yield Static(Text(ending.title, style="bold"), id="ending-title")
            tone = TONE_WORDS.get(ending.tone, ending.tone)
            tone_line = Text(f"{s.story.title} — {tone}", style="italic")
            if self.warped:
                tone_line.append("  ·  ")
                tone_line.append(WARPED, style="bold reverse not italic")
            yield Static(tone_line, id="ending-tone")
            yield Static(rendered_text(s.text), id="ending-text")
            with Horizontal(id="ending-review"):
                with Vertical(id="record"):
                    yield Static(Text("Your career", style="bold"))
                    yield Static(self.record_text(), id="milestones")
                with Vertical(id="final"):
                    yield Static(Text("Final stats", style="bold"))
                    yield Static(self.stats_text(), id="final-stats")
            yield Static(Text("Over the career", style="bold"))
            yield StatChart(id="chart")
            yield Static(Text("Endings of this story", style="bold"))
            yield Static(self.endings_text(), id="endings")
            with Horizontal(classes="buttons"):
                yield Button("Replay this career", id="replay", variant="primary")
                yield Button("Start again", id="again")
                yield Button("Back", id="back")
        yield KeyBar()

    def on_mount(self) -> None:
        steps = self.recorder.records()
        start = self.session.start_state.stats
        series = {st.id: [start[st.id]] + [r.stats[st.id] for r in steps] for st in self.session.story.stats}
        self.query_one(StatChart).show(
            self.session.story, series, width=min(50, max(10, self.size.width - 30))
        )
        self.query_one("#replay", Button).disabled = not self.shelf.saving or self.warped

    def record_text(self) -> Text:
        lines = self.session.milestones
        if not lines:
            return Text(
                f"{len(self.session.journal)} choices, and no milestone written down.", style="italic"
            )
        return Text("\n".join(f"★ {line}" for line in lines))

    def stats_text(self) -> Text:
        state = self.session.state
        lines = []
        for st in self.session.story.stats:
            value = state.stats[st.id]
            # a pair shows both its sides on one line, as the stat panel does
            lines.append(st.reading(value) if st.opposite else f"{st.label:<14}{value:>4}")
        return Text("\n".join(lines))

    def endings_text(self) -> Text:
        story = self.session.story
        found = self.shelf.discovered(story.id) | {self.session.state.scene}
        text = Text()
        for i, scene in enumerate(story.endings):
            if i:
                text.append("\n")
            assert scene.ending is not None
            if scene.id in found:
                here = "  ← this career" if scene.id == self.session.state.scene else ""
                text.append(f"✓ {scene.ending.title}", style="bold")
                text.append(
                    f" ({TONE_WORDS.get(scene.ending.tone, scene.ending.tone)}){here}", style="italic"
                )
            else:
                text.append("· not yet found", style="dim")
        count = sum(1 for e in story.endings if e.id in found)
        text.append(f"\n{count} of {len(story.endings)} found", style="dim")
        return text

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        {"replay": self.action_replay, "again": self.action_again, "back": self.action_back}[
            event.button.id or ""
        ]()

    def action_replay(self) -> None:
        if self.warped:
            self.notify("A warped run has no replay: it does not start at the start of the story.")
        elif self.shelf.saving:
            self.app.post_message(ReplayCareer(self.recorder))

    def action_endings(self) -> None:
        self.app.post_message(OpenEndings(self.story_key))

    def action_again(self) -> None:
        self.app.post_message(StartCareer(self.story_key))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Outside author mode the map's key is neither shown nor taken."""
        return self.author if action == "author_view" else True

    def action_author_view(self) -> None:
        if self.author:
            self.app.post_message(OpenAuthorView())

    def action_back(self) -> None:
        self.app.post_message(BackToTitle())
