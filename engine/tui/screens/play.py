"""The play screen: the scene, its choices, the stats, the path so far.

No rule of the game lives here: the screen shows what the Session says and hands it the choices.
After every choice it asks the app to autosave the career (an `Autosave` message, before the
`ShowEnding` of a last choice), unless it is a warped run (see engine/author/warp.py), which does
not replay from the start and so is never saved.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static

from engine.core import expr as ex
from engine.play.changes import change_words
from engine.play.session import ChoiceError, Session, StepResult
from engine.saves.record import Recorder
from engine.tui.messages import (
    Autosave,
    NameSave,
    OpenAuthorView,
    OpenInEditor,
    OpenSaves,
    QuickLoad,
    QuickSave,
    QuitGame,
    ReportBug,
    ShowEnding,
)
from engine.tui.screens.dialogs import PeopleScreen, StatsScreen
from engine.tui.settings import Settings
from engine.tui.widgets.choices import ChoiceList
from engine.tui.widgets.guard import GuardedScreen
from engine.tui.widgets.keybar import KeyBar
from engine.tui.widgets.prose import Prose
from engine.tui.widgets.stats import StatsPanel
from engine.tui.widgets.text import rendered_text
from engine.tui.widgets.warped import warped_first


class PlayScreen(GuardedScreen):
    BINDINGS = [
        *[Binding(str(n), f"choose_number({n})", f"Choose {n}", show=False) for n in range(1, 10)],
        Binding("u", "undo", "Undo", id="play.undo"),
        Binding("s", "save", "Save", id="play.save"),
        # Load is in help and the palette: the key bar fits 80 columns without it.
        Binding("l", "load", "Load", show=False, id="play.load"),
        Binding("h", "toggle_history", "History", id="play.toggle-history"),
        Binding("f5", "quick_save", "Quick save", show=False, id="play.quick-save"),
        Binding("f9", "quick_load", "Quick load", show=False, id="play.quick-load"),
        Binding("t", "stats", "Stats", id="play.stats"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="play.toggle-sidebar"),
        Binding("p", "people", "People", id="play.people"),
        Binding("m", "author_view", "Map", id="play.author-view"),
        Binding(
            "e",
            "edit",
            "Edit",
            show=False,
            tooltip="Open this scene's file at its line in your editor ($VISUAL or $EDITOR)",
            id="play.edit",
        ),
        Binding("q", "quit_game", "Quit", id="play.quit-game"),
        Binding("space", "finish_text", "Show all text", show=False, id="play.finish-text"),
        # The choices have the focus; a long scene still scrolls from the keyboard, no Tab first.
        Binding(
            "pageup",
            "scroll_prose(-1)",
            "Scroll the scene up",
            show=False,
            priority=True,
            id="play.scroll-up",
        ),
        Binding(
            "pagedown",
            "scroll_prose(1)",
            "Scroll the scene down",
            show=False,
            priority=True,
            id="play.scroll-down",
        ),
    ]

    def __init__(
        self,
        session: Session,
        recorder: Recorder,
        *,
        settings: Settings,
        warped: bool = False,
        author: bool = False,
        read_before: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.session = session
        self.recorder = recorder
        self.settings = settings  # the app's own, read at every scene: a change applies at once
        self.warped = warped  # a warped run: marked on screen, never saved
        # The map and warp (`m`) show future scenes, endings, files and formulas, and set any
        # stat: an author's tools, offered only in author mode (`play STORY --author`).
        self.author = author
        # Scenes read in earlier careers (engine/saves/store.py keeps them): with Settings' "show
        # a scene you have read before all at once", they appear without the reveal.
        self.read_before = read_before
        self.last: StepResult | None = None

    def compose(self) -> ComposeResult:
        story = self.session.story
        yield Static("", id="where")
        with Horizontal(id="main"):
            # What the last choice did scrolls with the scene, so however long it is, none of it
            # is cut off on a small terminal.
            with Vertical(id="story-pane"), VerticalScroll(id="prose-scroll"):
                yield Static("", id="outcome")
                yield Static("", id="scene-title")
                yield Prose(id="prose")
            with Vertical(id="sidebar"):
                yield StatsPanel(story, id="stats")
                with VerticalScroll(id="history"):
                    yield Static("", id="history-text")
        yield ChoiceList(id="choices")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history").display = False
        self.query_one("#sidebar").display = self.settings.sidebar
        self.show_scene()

    def switch_to(self, session: Session, recorder: Recorder, *, warped: bool) -> None:
        """Go on with another session in place (a live reload): redrawing this screen is much
        faster than building a new one, and the author stays where they were looking."""
        rows = [(st.id, st.help, st.group, st.opposite_label) for st in session.story.stats]
        same_rows = rows == [(st.id, st.help, st.group, st.opposite_label) for st in self.session.story.stats]
        self.session, self.recorder, self.warped = session, recorder, warped
        panel = self.query_one(StatsPanel)
        panel.set_story(session.story)
        if same_rows:
            self.show_scene()
        else:  # the manifest's stats changed: new rows in the sidebar, then the scene
            self.call_later(self._rebuild_stats, panel)

    async def _rebuild_stats(self, panel: StatsPanel) -> None:
        await panel.recompose()
        self.show_scene()

    # -- showing ------------------------------------------------------------------------------

    def show_scene(self, result: StepResult | None = None, picked: str = "") -> None:
        """The scene play is at; after a choice (`result`, and the label of the choice `picked`),
        what it did above it, until the next choice."""
        with self.app.batch_update():  # one refresh for the whole scene, not one a widget
            self._show_scene(result, picked)

    def _show_scene(self, result: StepResult | None, picked: str) -> None:
        s = self.session
        story = s.story
        self.last = result
        where = Text.assemble((story.title, "bold"), f"  ·  {s.chapter_title}  ·  {s.phase}")
        self.query_one("#where", Static).update(warped_first(where, self.warped))
        self.query_one("#scene-title", Static).update(Text(s.scene.title, style="bold"))
        outcome = self.outcome_text(result, picked)
        self.query_one("#outcome", Static).update(outcome)
        self.query_one("#outcome").display = bool(outcome)
        self.query_one(Prose).show(self.scene_text(result), self.reveal_speed())
        self.query_one("#prose-scroll", VerticalScroll).scroll_home(animate=False)
        panel = self.query_one(StatsPanel)
        panel.show(s.state, result.changes if result else ())
        panel.reveal(self.needed_stats())
        choices = self.query_one(ChoiceList)
        choices.set_choices(s.choices, self.settings.show_locked)
        choices.focus()
        if self.query_one("#history").display:
            self.show_history()
        if s.stuck:
            self.notify(
                f"The story cannot go on here ({s.stuck}). Undo, or report it to its author.",
                severity="error",
                timeout=10,
            )

    def reveal_speed(self) -> int:
        """Characters a second for this scene: at once (0) for a scene read before, in an earlier
        career or earlier in this one, when the player skips read text; else their setting."""
        s = self.session
        read = s.scene.id in self.read_before or s.state.visits.get(s.scene.id, 0) > 1
        return 0 if self.settings.skip_read and read else self.settings.reveal_cps

    def scene_text(self, result: StepResult | None) -> Text:
        """The scene's prose, then the milestones of arriving in it: revealed after the text they
        would spoil if they stood above it ("★ Taken into the academy" over the list she is not
        on yet)."""
        text = rendered_text(self.session.text)
        for line in result.arrived if result else ():
            text.append("\n\n" if not text.plain.endswith("\n") else "\n")
            text.append(f"★ {line}", style="bold")
        return text

    def outcome_text(self, result: StepResult | None, picked: str = "") -> Text:
        """What the last choice did, in words: the choice, its roll, its outcome, its milestones
        and every stat and flag it changed. Shown until the next choice, so a choice whose
        outcome has no text of its own still says what changed."""
        if result is None:
            return Text()
        text = Text()
        if picked:
            text.append(f"» {picked}", style="italic")
        roll = result.step.roll
        if roll is not None:
            if text:
                text.append("\n")
            text.append(roll.describe() + ".", style="bold green" if roll.success else "bold red")
        if result.outcome:
            if text:
                text.append("\n")
            text.append_text(rendered_text(result.outcome))
        for line in result.chosen:  # the choice's and its roll's: what just happened
            if text:
                text.append("\n")
            text.append(f"★ {line}", style="bold")
        words = change_words(self.session.story, result.changes, result.flags)
        if words:
            if text:
                text.append("\n")
            text.append(" · ".join(words), style="dim")
        return text

    def show_history(self) -> None:
        """The path so far, a step a row: its number in a column of its own, so a long step
        wraps under its words."""
        s = self.session
        history = self.query_one("#history-text", Static)
        if not s.journal:
            history.update(Text("No choices made yet.", style="italic"))
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True, style="dim")
        grid.add_column(ratio=1)
        for i, step in enumerate(s.journal, 1):
            line = Text.assemble((f"{s.story.scenes[step.scene].title}: ", "bold"), s.step_label(i - 1))
            if step.roll is not None:
                line.append(" (success)" if step.roll.success else " (failure)", style="italic")
            grid.add_row(f"{i}.", line)
        history.update(grid)

    # -- choosing ----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.choose(event.option.id)

    def action_choose_number(self, number: int) -> None:
        for view in self.session.choices:
            if view.number == number:
                if view.locked:
                    self.notify(f"Locked: {view.reason}.", severity="warning")
                else:
                    self.choose(view.id)
                return

    def choose(self, choice_id: str) -> None:
        if self.query_one(Prose).finish():
            return  # the first key only finishes the reveal, so nothing is chosen unread
        s = self.session
        picked = next((v.label for v in s.choices if v.id == choice_id), "")
        try:
            result = s.choose(choice_id)
        except ChoiceError as err:
            self.notify(str(err).capitalize() + ".", severity="warning")
            return
        except Exception as err:  # a bug, not the player's doing: the session rolled back
            self.app.post_message(ReportBug(err))
            return
        self.keep()
        if s.ended:
            self.app.post_message(ShowEnding(s, self.recorder, self.warped))
            return
        self.show_scene(result, picked)

    def keep(self) -> None:
        """Autosave the career; a warped run is not saved."""
        if not self.warped:
            self.app.post_message(Autosave(self.recorder))

    def action_scroll_prose(self, pages: int) -> None:
        scroll = self.query_one("#prose-scroll", VerticalScroll)
        if pages < 0:
            scroll.scroll_page_up(animate=False)
        else:
            scroll.scroll_page_down(animate=False)

    def action_finish_text(self) -> None:
        self.query_one(Prose).finish()

    def action_undo(self) -> None:
        if not self.session.undo():
            self.notify("Nothing to undo yet.")
            return
        self.keep()
        self.show_scene()
        self.notify("Undone.", timeout=2)

    def action_save(self) -> None:
        if self.warped:
            self.notify(
                "A warped run cannot be saved: it does not replay from the start of the story.",
                severity="warning",
            )
            return
        self.app.post_message(NameSave(self.recorder))

    def action_quick_save(self) -> None:
        if self.warped:
            self.action_save()  # says why a warped run cannot be saved
            return
        self.app.post_message(QuickSave(self.recorder))

    def action_quick_load(self) -> None:
        self.app.post_message(QuickLoad(self.session.story.id))

    def action_load(self) -> None:
        self.app.post_message(OpenSaves("load"))

    def action_toggle_history(self) -> None:
        history = self.query_one("#history")
        history.display = not history.display
        self.query_one(StatsPanel).display = not history.display
        if history.display:
            self.show_history()

    def needed_stats(self) -> list[str]:
        """The stats that the locked choices on screen ask for, in the order they are shown."""
        s = self.session
        by_id = {c.id: c for c in s.scene.choices}
        stats = {st.id for st in s.story.stats}
        needed: list[str] = []
        for view in s.choices:
            choice = by_id.get(view.id)
            if view.locked and choice is not None and choice.condition is not None:
                needed += [n for n in ex.names_in(choice.condition.tree) if n in stats and n not in needed]
        return needed

    def action_toggle_sidebar(self) -> None:
        """Hide or show the stats beside the scene (a narrow terminal's reading column), remembered;
        `t` shows every stat either way."""
        sidebar = self.query_one("#sidebar")
        sidebar.display = self.settings.sidebar = not sidebar.display
        self.settings.save()
        shown = sidebar.display
        self.notify("Sidebar shown." if shown else "Sidebar hidden: b shows it, t shows every stat.")

    def action_stats(self) -> None:
        s = self.session
        self.app.push_screen(StatsScreen(s.story, s.state, s.milestones))

    def action_people(self) -> None:
        self.app.push_screen(PeopleScreen(self.session.people(), bool(self.session.story.cast)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Outside author mode the map's and the editor's keys are neither shown nor taken."""
        return self.author if action in ("author_view", "edit") else True

    def action_author_view(self) -> None:
        if self.author:
            self.app.post_message(OpenAuthorView())

    def action_edit(self) -> None:
        """The scene being played, in the author's own editor (author mode only)."""
        if self.author:
            pos = self.session.scene.pos
            self.app.post_message(OpenInEditor(pos.file, pos.line, pos.col))

    def action_quit_game(self) -> None:
        self.app.post_message(QuitGame())
