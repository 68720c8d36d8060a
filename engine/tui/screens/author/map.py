"""The author view: a map of each chapter of the career being played, and warp from it.

The map marks where play is, where it has been and where it has not, layered by distance from
where the chapter is entered (render.py draws it). The pane beside it tells the highlighted
scene's file and line, its effects, and every way out with its condition and whether that
condition holds now. Enter (or `w`) on a scene opens the warp dialog (warp.py); the warp itself
is the app's to make, asked for with a `Warp` message. `e` asks the app to open the scene's file
at its line in the author's own editor (`OpenInEditor`).
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from engine.author.chapter_map import ChapterMap, chapter_map
from engine.author.graph import StoryGraph, chapter_order
from engine.play.session import Session
from engine.tui.messages import OpenInEditor, Warp
from engine.tui.screens.author.render import LEGEND, layer_heading, scene_details, scene_line
from engine.tui.screens.author.warp import WarpScreen
from engine.tui.widgets.guard import GuardedScreen
from engine.tui.widgets.keybar import KeyBar
from engine.tui.widgets.warped import warped_first


class AuthorScreen(GuardedScreen):
    """The chapter map of the career being played, and warp."""

    BINDINGS = [
        Binding("w", "warp", "Warp", id="author.warp"),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Open the highlighted scene's file at its line in your editor ($VISUAL or $EDITOR)",
            id="author.edit",
        ),
        Binding("right_square_bracket", "chapter(1)", "Next chapter", id="author.next-chapter"),
        Binding(
            "left_square_bracket", "chapter(-1)", "Previous chapter", show=False, id="author.previous-chapter"
        ),
        Binding("full_stop", "here", "Where I am", show=False, id="author.here"),
        Binding("escape,m", "back", "Back", id="author.back"),
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
        yield KeyBar()

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
            hint = Text(
                "\nEnter or w: warp here, with the stats you choose."
                f"\ne: edit it in your editor, at {scene.where}.",
                style="dim",
            )
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

    def action_edit(self) -> None:
        sid = self.highlighted
        if sid is None:
            self.notify("Pick a scene on the map first.", severity="warning", markup=False)
            return
        pos = self.session.story.scenes[sid].pos
        self.app.post_message(OpenInEditor(pos.file, pos.line, pos.col))

    def warp_to(self, scene_id: str) -> None:
        session = self.session

        def chosen(values: tuple[dict[str, int], dict[str, bool]] | None) -> None:
            if values is not None:
                self.app.post_message(Warp(session, scene_id, *values))

        self.app.push_screen(WarpScreen(session, scene_id), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()
