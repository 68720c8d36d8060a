"""The replay screen: step through a saved career, with a timeline and a chart of every stat."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from engine.saves.replay import Replay
from engine.tui.messages import PlayOn
from engine.tui.widgets.chart import StatChart
from engine.tui.widgets.guard import GuardedScreen
from engine.tui.widgets.keybar import KeyBar
from engine.tui.widgets.stats import StatsPanel
from engine.tui.widgets.text import rendered_text


def timeline(at: int, last: int, width: int) -> Text:
    """A track with the current step marked: ━━━━●────────"""
    width = max(10, width)
    pos = round(at / last * (width - 1)) if last else 0
    return Text.assemble(("━" * pos, "bold"), ("●", "bold reverse"), ("─" * (width - 1 - pos), "dim"))


class ReplayScreen(GuardedScreen):
    BINDINGS = [
        # The timeline's keys come first: a scene taller than the screen makes its text
        # scrollable, and a focused scroll area would take Home, End and the page keys for itself
        # (the arrow keys and the mouse wheel still scroll the text).
        Binding("right,n", "step(1)", "Next", priority=True, id="replay.next"),
        Binding("left,p", "step(-1)", "Previous", priority=True, id="replay.previous"),
        Binding("pagedown", "step(10)", "+10", show=False, priority=True, id="replay.forward-10"),
        Binding("pageup", "step(-10)", "-10", show=False, priority=True, id="replay.back-10"),
        Binding("home", "jump(0)", "Start", show=False, priority=True, id="replay.start"),
        Binding("end", "jump(-1)", "End", show=False, priority=True, id="replay.end"),
        Binding("o", "play_on", "Play on from here", id="replay.play-on"),
        Binding("escape,b", "back", "Back", id="replay.back"),
    ]

    def __init__(self, replay: Replay) -> None:
        super().__init__()
        self.replay = replay
        self.at = 0

    def compose(self) -> ComposeResult:
        story = self.replay.story
        yield Static("", id="replay-where")
        yield Static("", id="replay-problem")
        with Horizontal(id="replay-main"):
            with Vertical(id="replay-pane"):
                yield Static("", id="replay-step")
                with VerticalScroll(id="replay-scroll"):
                    yield Static("", id="replay-title")
                    yield Static("", id="replay-text")
            with Vertical(id="replay-side"):
                yield StatsPanel(story, id="replay-stats")
        yield StatChart(id="replay-chart")
        yield Static("", id="timeline")
        yield KeyBar()

    def on_mount(self) -> None:
        problem = self.replay.problem
        self.query_one("#replay-problem").display = problem is not None
        if problem:
            self.query_one("#replay-problem", Static).update(
                Text(
                    f"The story has changed since this career was saved: {problem}. The replay stops there.",
                    style="bold",
                )
            )
        self.show()

    @property
    def last(self) -> int:
        return len(self.replay) - 1

    def show(self) -> None:
        r = self.replay
        view = r.view(self.at)
        frame = view.frame
        career = r.career
        self.query_one("#replay-where", Static).update(
            Text.assemble(
                ("Replay", "bold"),
                f"  ·  {career.story_title}  ·  {career.slot or 'autosave'}"
                f"  ·  step {self.at} of {self.last}  ·  {view.chapter_title}",
            )
        )
        step = Text()
        if frame.result is not None:
            step.append("You chose: ", style="dim")
            step.append(frame.choice_label, style="bold")
            roll = frame.result.step.roll
            if roll is not None:
                step.append(f"\n{roll.describe()}.", style="bold green" if roll.success else "bold red")
            if frame.result.outcome:
                step.append("\n")
                step.append_text(rendered_text(frame.result.outcome))
            for line in frame.result.milestones:
                step.append(f"\n★ {line}", style="bold")
        else:
            step.append("The start of the career.", style="italic")
        if view.next_choice:
            step.append("\nNext: ", style="dim")
            step.append(view.next_choice)
        self.query_one("#replay-step", Static).update(step)
        self.query_one("#replay-title", Static).update(Text(view.scene_title, style="bold"))
        self.query_one("#replay-text", Static).update(rendered_text(view.text))
        self.query_one("#replay-scroll", VerticalScroll).scroll_home(animate=False)
        self.query_one(StatsPanel).show(frame.state, frame.result.changes if frame.result else ())
        series = {s.id: r.series(s.id) for s in r.story.stats}
        width = max(10, min(60, self.size.width - 30))
        self.query_one(StatChart).show(r.story, series, at=self.at, width=width)
        self.query_one("#timeline", Static).update(timeline(self.at, self.last, self.size.width - 2))

    def action_step(self, delta: int) -> None:
        self.action_jump(max(0, min(self.last, self.at + delta)))

    def action_jump(self, index: int) -> None:
        self.at = self.last if index < 0 else max(0, min(self.last, index))
        self.show()

    def action_play_on(self) -> None:
        self.app.post_message(PlayOn(self.replay, self.at))

    def action_back(self) -> None:
        self.app.pop_screen()
