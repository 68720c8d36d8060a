"""The author view: a map of each chapter, and warp to any scene with chosen stats and flags.

The map marks where play is, where it has been and where it has not, with symbols (never colour
alone), layered by distance from where the chapter is entered. The pane beside it tells the
highlighted scene's file and line, its effects, and every way out with its condition and
whether that condition holds now. Enter (or `w`) on a scene opens the warp dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.validation import Function
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.widgets.selection_list import Selection

from engine.author.chapter_map import (
    CURRENT,
    ENDING,
    ROUTER,
    VISITED,
    ChapterMap,
    Exit,
    MapScene,
    chapter_map,
)
from engine.author.graph import StoryGraph, chapter_order
from engine.author.warp import HERE, OUTER, Arrival, arrival, stat_value
from engine.core.model import Stat
from engine.play.session import Session
from engine.tui.screens.dialogs import Dialog
from engine.tui.widgets.guard import GuardedScreen

MARKS = {CURRENT: "▶", VISITED: "✓"}
KIND_MARKS = {ENDING: " ◆", ROUTER: " ⇢"}
LEGEND = "▶ here  ✓ visited  · not yet  ◆ ending  ⇢ passes on"
WARPED = "WARPED: not saved"
AUTHOR_HELP = (
    "The map shows one chapter, its scenes in layers by how many steps they are from where the "
    "chapter is entered: ▶ where play is, ✓ visited, · not visited yet, ◆ an ending, ⇢ a scene "
    "without text that passes straight on. The pane beside it tells the highlighted scene's file "
    "and line, what it does on arrival, and every way out with its condition and whether that "
    "holds now.\n\n"
    "Warp (Enter or w) goes to the highlighted scene with the stats and flags you choose, to try "
    "it without playing up to it. A warped run is marked WARPED and is never saved: your career "
    "stays as it was last saved.\n\n"
    "Started with `play STORY --author`, the game reloads the story each time you save one of its "
    "files: you stay at the same scene with the same state when it still exists, or go back to "
    "the last step of your path that still holds. Errors are shown here, and play goes on with "
    "the last version that loaded until you fix them."
)


def warped_first(line: Text, warped: bool) -> Text:
    """A heading line, led by the warped mark when the run is warped: the line is cut at the
    right edge of a narrow terminal, and the mark must never be what is cut."""
    if not warped:
        return line
    return Text.assemble((WARPED, "bold reverse"), "  ·  ", line)


def scene_line(scene: MapScene) -> Text:
    """One scene on the map: its mark, its title, and what kind of scene it is."""
    mark = MARKS.get(scene.status, "·")
    style = "bold" if scene.status == CURRENT else "" if scene.status == VISITED else "dim"
    line = Text.assemble((f"{mark} ", style), (scene.title, style))
    if scene.status == CURRENT:
        line.append("  (here)", style="bold")
    if scene.visits > 1:
        line.append(f" ×{scene.visits}", style="dim")
    line.append(KIND_MARKS.get(scene.kind, ""))
    return line


def layer_heading(depth: int | None) -> Text:
    if depth is None:
        words = "no way in from this chapter"
    elif depth == 0:
        words = "entered here"
    else:
        words = f"{depth} step{'s' * (depth != 1)} in"
    return Text(f"── {words} ──", style="dim italic")


def scene_details(scene: MapScene) -> Group:
    """Everything the map knows about one scene, for the pane beside it."""
    head = Text()
    head.append(scene.title, style="bold")
    head.append(f"\n{scene.id} · {scene.where}", style="dim")
    if scene.status == CURRENT:
        status = f"▶ you are here (visit {scene.visits})"
    elif scene.status == VISITED:
        status = f"✓ visited {'once' if scene.visits == 1 else f'{scene.visits} times'}"
    else:
        status = "· not visited yet"
    head.append(f"\n{status}")
    if scene.ending:
        head.append(f"\n◆ Ending: {scene.ending}")
    if scene.kind == ROUTER:
        head.append("\n⇢ No text: play passes on by the first branch that holds.")
    if scene.detour:
        head.append("\nInside a detour: its `return` goes back to the scene that called it.")
    if scene.entered_from:
        head.append(f"\nEntered from: {', '.join(scene.entered_from)}")
    if scene.effects:
        head.append(f"\nOn arrival: {', '.join(scene.effects)}")
    parts: list[Text | Table] = [head]
    if scene.exits:
        parts.append(Text("\nWays out", style="bold"))
        ways = Table.grid(padding=(0, 1))
        ways.add_column(no_wrap=True)
        ways.add_column(ratio=1)
        for number, exit_ in enumerate(scene.exits, 1):
            ways.add_row(Text(f"{number}.", style="bold"), exit_text(exit_))
        parts.append(ways)
    return Group(*parts)


def exit_text(exit_: Exit) -> Text:
    """A way out: its words, its condition and whether it holds now, its chance, where it leads."""
    text = Text(exit_.label)
    if exit_.condition is not None:
        verdict = "holds now" if exit_.holds else "fails now"
        if exit_.hidden and not exit_.holds:
            verdict += ", so it is hidden"
        text.append(f"\nif {exit_.condition}", style="italic")
        text.append(f" ({verdict})", style="" if exit_.holds else "dim")
    if exit_.chance is not None:
        text.append(f"\nchance {exit_.chance}", style="italic")
    for way in exit_.ways:
        text.append(f"\n{way.when + ' ' if way.when else ''}→ {way.words}")
    if exit_.graft is not None:
        text.append(f"\ngrafted on by {exit_.graft}", style="dim")
    return text


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


class AuthorScreen(GuardedScreen):
    """The chapter map of the career being played, and warp."""

    BINDINGS = [
        Binding("w", "warp", "Warp"),
        Binding("right_square_bracket", "chapter(1)", "Next chapter"),
        Binding("left_square_bracket", "chapter(-1)", "Previous chapter", show=False),
        Binding("full_stop", "here", "Where I am", show=False),
        Binding("escape,m", "back", "Back"),
    ]

    def __init__(
        self, session: Session, warped: bool = False, chapter: str | None = None, scene: str | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.warped = warped
        story = session.story
        self.graph = StoryGraph(story)
        self.order = chapter_order(story, self.graph)
        self.chapter: str = (
            chapter if chapter is not None and chapter in story.chapters else session.scene.chapter
        )
        self.focus_scene = scene if scene in story.scenes else session.state.scene
        self.map: ChapterMap | None = None

    def chapter_options(self) -> list[tuple[Text, str]]:
        chapters = self.session.story.chapters
        return [(Text(f"{n}. {chapters[c].title}"), c) for n, c in enumerate(self.order, 1)]

    def compose(self) -> ComposeResult:
        yield Static("", id="author-where")
        with Horizontal(id="author-main"):
            with Vertical(id="map-pane"):
                yield Select(
                    self.chapter_options(), value=self.chapter, allow_blank=False, compact=True, id="chapter"
                )
                yield OptionList(id="map")
                yield Static(Text(LEGEND, style="dim"), id="legend")
            with VerticalScroll(id="scene-pane"):
                yield Static("", id="scene-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.show_chapter(self.chapter, self.focus_scene)

    def switch_to(self, session: Session, warped: bool) -> None:
        """Show another session in place (a live reload), at the same chapter and scene if they
        still exist."""
        chapter, scene = self.chapter, self.highlighted
        self.session, self.warped = session, warped
        story = session.story
        self.graph = StoryGraph(story)
        self.order = chapter_order(story, self.graph)
        select = self.query_one("#chapter", Select)
        with select.prevent(Select.Changed):
            select.set_options(self.chapter_options())
        if chapter not in story.chapters:
            chapter, scene = session.scene.chapter, session.state.scene
        self.show_chapter(chapter, scene)

    @property
    def highlighted(self) -> str | None:
        """The id of the scene highlighted on the map."""
        option = self.query_one("#map", OptionList).highlighted_option
        return option.id if option is not None else None

    def show_chapter(self, chapter: str, scene: str | None = None) -> None:
        story = self.session.story
        self.chapter = chapter
        self.map = chapter_map(story, chapter, self.session.state, graph=self.graph)
        m = self.map
        where = Text.assemble(
            ("Author view", "bold"),
            f"  ·  chapter {m.number} of {m.count}: {m.title} ({m.phase})  ·  {story.title}",
        )
        self.query_one("#author-where", Static).update(warped_first(where, self.warped))
        select = self.query_one("#chapter", Select)
        if select.value != chapter:
            with select.prevent(Select.Changed):
                select.value = chapter
        listing = self.query_one("#map", OptionList)
        listing.clear_options()
        options: list[Option] = []
        for depth, layer in enumerate(m.layers):
            options.append(Option(layer_heading(depth), disabled=True))
            options += [Option(scene_line(s), id=s.id) for s in layer]
        if m.elsewhere:
            options.append(Option(layer_heading(None), disabled=True))
            options += [Option(scene_line(s), id=s.id) for s in m.elsewhere]
        listing.add_options(options)
        target = scene if scene is not None and m.find(scene) is not None else None
        first = m.scenes[0].id if m.scenes else None
        chosen = target or first
        if chosen is not None:
            listing.highlighted = listing.get_option_index(chosen)
        self.show_details()
        listing.focus()

    def show_details(self) -> None:
        sid = self.highlighted
        scene = self.map.find(sid) if self.map is not None and sid is not None else None
        if scene is None:
            detail: Group | Text = Text("This chapter has no scenes.")
        else:
            hint = Text("\nEnter or w: warp here, with the stats you choose.", style="dim")
            detail = Group(scene_details(scene), hint)
        self.query_one("#scene-detail", Static).update(detail)
        self.query_one("#scene-pane", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#map")
    def highlighted_changed(self) -> None:
        self.show_details()

    @on(OptionList.OptionSelected, "#map")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.warp_to(event.option.id)

    @on(Select.Changed, "#chapter")
    def chapter_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.chapter:
            self.show_chapter(event.value)

    def action_chapter(self, delta: int) -> None:
        at = self.order.index(self.chapter)
        self.show_chapter(self.order[(at + delta) % len(self.order)])

    def action_here(self) -> None:
        self.show_chapter(self.session.scene.chapter, self.session.state.scene)

    def action_warp(self) -> None:
        sid = self.highlighted
        if sid is None:
            self.notify("Pick a scene on the map first.", severity="warning")
            return
        self.warp_to(sid)

    def warp_to(self, scene_id: str) -> None:
        session = self.session

        def chosen(values: tuple[dict[str, int], dict[str, bool]] | None) -> None:
            if values is not None:
                self.game.warp(session, scene_id, *values)

        self.app.push_screen(WarpScreen(session, scene_id), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()


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
