"""The author view in the app: the map, warp, and live reload, driven with Pilot.

The app is driven by tests/support/app.py: most steps call the screens' actions directly (a key
press costs ~60 ms); the binding tests press the real keys. Reloads are handed to the app the way
the watcher hands them over (`story_reloaded`), except in the one test of the watcher itself.
"""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, SelectionList, Static

import engine.cli as cli
from engine.author.check import load_checked
from engine.play.session import Session
from engine.saves.store import SaveStore
from engine.tui.app import PointeEdgeApp
from engine.tui.author_mode import changed_names
from engine.tui.messages import OpenAuthorView, Warp
from engine.tui.screens.author import AuthorScreen, FlagList, WarpScreen, stat_input_id
from engine.tui.screens.dialogs import HelpScreen, StoryErrorsScreen
from engine.tui.screens.ending import EndingScreen
from engine.tui.settings import Settings
from tests.support import STORIES
from tests.support import app as driver
from tests.support.app import Steps, author, copy_story, edit, notices, play, shown

STUDIO = STORIES / "studio"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_story(STUDIO, tmp_path)


def drive(steps: Steps, tmp_path: Path, folder: Path, **options: Any) -> PointeEdgeApp:
    """The app in author mode on the studio story (seed 7); the watcher waits 30 s unless the
    test sets it short."""
    options.setdefault("author", True)
    options.setdefault("watch_interval", 30)
    return driver.drive(
        steps, tmp_path, start_story=str(folder), seed=7, settings=Settings(reveal="off"), **options
    )


async def reload(app: PointeEdgeApp, pilot: Pilot, folder: Path, *files: str) -> None:
    app.author_mode.story_reloaded(list(files), load_checked(folder))
    await pilot.pause()


def play_session(app: PointeEdgeApp) -> Session:
    game = app.careers.game_screen()
    assert game is not None
    return game.session


def map_lines(screen: AuthorScreen) -> list[str]:
    listing = screen.query_one("#map", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


# -- the map ----------------------------------------------------------------------------------


def test_m_opens_the_map_of_the_chapter_which_switches_chapters_and_goes_back(
    tmp_path: Path, folder: Path
) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.pop_screen()  # author mode opens on the map
        play(app).choose("centre")
        await pilot.press("m")
        await pilot.pause()
        screen = author(app)
        assert map_lines(screen) == [
            "── entered here ──",
            "✓ At the Barre",
            "── 1 step in ──",
            "▶ In the Centre  (here)",
            "── 2 steps in ──",
            "· After ⇢",
        ]
        assert screen.highlighted == "class.centre"  # where play is
        detail = shown(screen.query_one("#scene-detail", Static))
        assert "class.centre · " in detail and "class.yaml:19" in detail and "▶ you are here" in detail
        assert "if strength >= 55 (fails now)" in detail and "→ The Show (stage.show)" in detail
        where = str(screen.query_one("#author-where", Static).render())
        assert "chapter 1 of 3: Morning Class (training)" in where
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.chapter == "rest" and screen.query_one("#chapter", Select).value == "rest"
        assert map_lines(screen) == ["── entered here ──", "· On the Bench"]
        assert "Inside a detour" in shown(screen.query_one("#scene-detail", Static))
        screen.query_one("#chapter", Select).value = "stage"
        await pilot.pause()
        assert map_lines(screen) == ["── entered here ──", "· The Show ◆", "· Home Early ◆"]
        await pilot.press("full_stop")  # back to where play is
        await pilot.pause()
        assert screen.chapter == "class" and screen.highlighted == "class.centre"
        await pilot.press("question_mark")  # help tells the map's keys and how the author view works
        await pilot.pause()
        help_ = app.screen
        assert isinstance(help_, HelpScreen)
        keys = shown(help_.query_one("#keys", Static))
        assert "Warp" in keys and "Next chapter" in keys and "Where I am" in keys
        guide = str(help_.query_one("#how-to-play", Static).render())
        assert "▶ where play is" in guide and "never saved" in guide and "--author" in guide
        app.pop_screen()
        await pilot.press("escape")
        await pilot.pause()
        assert play(app).session.state.scene == "class.centre"

    drive(steps, tmp_path, folder)


def test_outside_author_mode_no_key_command_or_help_line_opens_the_map(tmp_path: Path, folder: Path) -> None:
    """The map shows scenes and endings not reached yet, files and formulas, and warp sets any
    stat: a player's career offers none of it, from play or from the ending."""

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        assert not screen.author
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is screen  # nothing opened
        app.post_message(OpenAuthorView())  # nor by a request that reaches the app some other way
        await pilot.pause()
        assert app.screen is screen
        assert "Map" not in [b.binding.description for b in app.active_bindings.values() if b.binding.show]
        assert "Map" not in [command.title for command in app.get_system_commands(screen)]
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Map" not in shown(app.screen.query_one("#keys", Static))
        app.pop_screen()
        while not screen.session.ended:  # the last choice each time reaches an ending in 3 steps
            screen.choose(screen.session.open_choices()[-1])
            await pilot.pause()
        ending = app.screen
        assert isinstance(ending, EndingScreen)
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is ending
        assert "Map" not in [b.binding.description for b in app.active_bindings.values() if b.binding.show]

    drive(steps, tmp_path, folder, author=False)


# -- warp -------------------------------------------------------------------------------------


def test_warp_plays_on_at_the_scene_with_the_chosen_stats_and_is_never_saved(
    tmp_path: Path, folder: Path
) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert [type(s).__name__ for s in app.screen_stack[-2:]] == ["PlayScreen", "AuthorScreen"]
        app.pop_screen()  # author mode opens on the map
        play(app).choose("centre")  # the career: autosaved
        await pilot.pause()
        app.post_message(OpenAuthorView())
        await pilot.pause()
        author(app).warp_to("class.barre")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, WarpScreen)
        assert "On arrival the scene applies: strength +1." in str(dialog.query_one("#warp-notes").render())
        strength = dialog.query_one("#warp-stat-strength", Input)
        assert strength.value == "51"  # pre-filled with the career's
        dialog.query_one("#warp-stat-poise", Input).value = "75"
        await pilot.pause()
        dialog.go()
        await pilot.pause()
        poise = dialog.query_one("#warp-stat-poise", Input)
        assert app.screen is dialog and dialog.focused is poise and poise.has_class("-invalid")
        assert "Poise must be from 0 to 60 (not 75)." in str(dialog.query_one("#warp-problem").render())
        strength.value, poise.value = "54", "12"
        dialog.query_one("#warp-flags", SelectionList).select("tired")
        await pilot.click("#go")
        await pilot.pause()
        screen = play(app)
        s = screen.session
        assert s.state.scene == "class.barre" and s.state.stats == {"strength": 55, "poise": 12}
        assert s.state.flags == {"tired": True} and screen.warped
        # first on the line, which a narrow terminal cuts at the right
        assert str(screen.query_one("#where", Static).render()).startswith("WARPED: not saved  ·  ")
        assert "Warped to “At the Barre”. A warped run is not saved." in notices(app)
        screen.choose("centre")
        assert any(v.id == "jete" and not v.locked for v in s.choices)  # open with the warped strength
        screen.action_save()
        await pilot.pause()
        assert "A warped run cannot be saved" in notices(app)[-1]
        assert not app.choices_unsaved()  # quitting does not ask
        # a router passes straight on; an ending is shown, marked, with no replay
        app.post_message(Warp(s, "class.after", {}, {"tired": True}))
        await pilot.pause()
        ending = app.screen
        assert isinstance(ending, EndingScreen) and ending.session.state.scene == "stage.home"
        assert "WARPED: not saved" in str(ending.query_one("#ending-tone", Static).render())
        assert ending.query_one("#replay").disabled
        assert "Warped to “After”, which passed on to “Home Early”. A warped run is not saved." in notices(
            app
        )
        await pilot.press("m")  # the map, from the ending too
        await pilot.pause()
        assert author(app).chapter == "stage" and author(app).warped
        where = str(author(app).query_one("#author-where", Static).render())
        assert where.startswith("WARPED: not saved  ·  Author view  ·  chapter 3 of 3: ")
        app.shelf.flush(timeout=10)

    drive(steps, tmp_path, folder)
    (saved,) = SaveStore(tmp_path / "saves").list()
    assert saved.steps == 1 and saved.scene_title == "In the Centre"  # the career, as before the warp


def test_warp_takes_stats_named_like_the_dialogs_parts_and_ticks_flags_visibly(
    tmp_path: Path, folder: Path
) -> None:
    edit(folder / "story.yaml", "  poise:", "  body: 5\n  problem: 6\n  notes: 7\n  flags: 8\n  poise:")

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        author(app).warp_to("class.centre")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, WarpScreen)
        dialog.query_one(f"#{stat_input_id('body')}", Input).value = "50"
        flags = dialog.query_one("#warp-flags", FlagList)
        assert flags.render_line(0).text.startswith("▐ ▌ tired")  # unticked: an empty box
        flags.select("tired")
        await pilot.pause()
        assert flags.render_line(0).text.startswith("▐X▌ tired")
        dialog.go()
        await pilot.pause()
        s = play(app).session
        assert s.state.stats["body"] == 50 and s.state.stats["flags"] == 8 and s.state.flags["tired"]

    drive(steps, tmp_path, folder)


def test_the_warp_dialog_says_where_a_detours_return_goes(folder: Path) -> None:
    story = load_checked(folder).story
    assert story is not None
    s = Session(story, 3)
    s.choose("centre")
    assert WarpScreen(s, "rest.bench").notes()[-1] == (
        "It is inside a detour: its `return` brings you back to “In the Centre”, where you are now."
    )
    s.choose("finish")  # an ending: nowhere to come back to
    assert WarpScreen(s, "rest.bench").notes()[-1] == (
        "It is inside a detour: its `return` goes on to “In the Centre”, as after the story's call"
        " from “At the Barre”."
    )
    inside = Session(story, 3)
    inside.choose("sit")
    assert WarpScreen(inside, "rest.bench").notes()[-1] == (
        "It is inside a detour, as you are now: its `return` goes back to “In the Centre”."
    )


# -- live reload ------------------------------------------------------------------------------


def test_a_reload_keeps_scene_and_state_or_falls_back_and_says_which(tmp_path: Path, folder: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.pop_screen()
        for choice in ("sit", "continue"):  # into the detour and back: at the centre
            play(app).choose(choice)
        app.post_message(OpenAuthorView())
        await pilot.pause()
        author(app).show_chapter("stage", "stage.home")
        before = play_session(app).state.to_dict()
        # 1. a text edit and a new stat: same scene, same state, same journal; the map stays put
        edit(folder / "class.yaml", "Adagio, then jumps.", "Adagio, then petit allegro.")
        edit(folder / "story.yaml", "  poise:", "  line: {label: Line, start: 12}\n  poise:")
        await reload(app, pilot, folder, "class.yaml", "story.yaml")  # `line` is never used: W102
        assert (
            "Reloaded class.yaml and story.yaml: same scene, same state. 1 warning: `check` lists them."
            in notices(app)
        )
        s = play_session(app)
        assert s.state.stats == {**before["stats"], "line": 12} and len(s.journal) == 2
        assert "Line" in str(app.screen_stack[-2].query_one("#stat-line").render())  # a new sidebar row
        assert author(app).session is s and (author(app).chapter, author(app).highlighted) == (
            "stage",
            "stage.home",
        )
        assert "petit allegro" in str(app.screen_stack[-2].query_one("#prose").render())
        # 2. the scene is gone: back to the last step that holds (here an ending, with the map)
        edit(folder / "story.yaml", "  line: {label: Line, start: 12}\n", "")
        edit(
            folder / "rest.yaml",
            "    continue: Back to class\n    return: true",
            "    ending: {title: Asleep, tone: farewell}",
        )
        edit(
            folder / "class.yaml",
            "  centre:\n    title: In the Centre",
            "  middle:\n    title: In the Middle",
        )
        edit(folder / "class.yaml", "goto: centre", "goto: middle")
        await reload(app, pilot, folder, "class.yaml", "rest.yaml")  # the detour never returns: W127
        assert (
            "Reloaded class.yaml and rest.yaml: back to step 1, “On the Bench”: "
            "scene “class.centre” no longer exists. 1 warning: `check` lists them." in notices(app)
        )
        ending = app.screen_stack[-2]
        assert isinstance(ending, EndingScreen) and not ending.warped and len(ending.session.journal) == 1
        assert author(app).chapter == "stage" and author(app).session is ending.session
        # 3. an earlier step now plays differently: the state is kept, the run is marked warped
        edit(folder / "rest.yaml", "poise: -5", "poise: -6")
        await reload(app, pilot, folder, "rest.yaml")
        ending = app.screen_stack[-2]
        assert (
            isinstance(ending, EndingScreen) and ending.warped and ending.session.state.stats["poise"] == 35
        )
        assert notices(app)[-1].endswith(
            "This run is now marked warped, and is not saved. 1 warning: `check` lists them."
        )
        app.shelf.flush(timeout=10)

    drive(steps, tmp_path, folder)
    (saved,) = SaveStore(tmp_path / "saves").list()  # the one career, as the last faithful reload left it
    assert saved.steps == 1 and saved.scene_title == "On the Bench"


def test_errors_are_shown_in_the_app_and_play_goes_on_until_they_are_fixed(
    tmp_path: Path, folder: Path
) -> None:
    edit(folder / "class.yaml", "goto: centre", "goto: centr")

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        # a story with errors from the start: shown, then started once they are fixed
        assert isinstance(app.screen, StoryErrorsScreen)
        assert "cannot be played yet: 2 errors" in "\n".join(
            str(w.render()) for w in app.screen.query(Static)
        )
        edit(folder / "class.yaml", "goto: centr", "goto: centre")
        await reload(app, pilot, folder, "class.yaml")
        assert author(app).session.state.scene == "class.barre"
        assert not any(isinstance(s, StoryErrorsScreen) for s in app.screen_stack)
        app.pop_screen()
        # errors during play: shown over the game, a newer list replaces the one shown
        good = (folder / "class.yaml").read_text()
        edit(folder / "class.yaml", "effects: {poise: +5}", "effects: {poyse: +5}")
        await reload(app, pilot, folder, "class.yaml")
        dialog = app.screen
        assert isinstance(dialog, StoryErrorsScreen)
        text = "\n".join(str(w.render()) for w in dialog.query(Static))
        assert "After your change to class.yaml, the story has: 1 error" in text
        assert "class.yaml:12:19: error: E031 unknown stat `poyse` (did you mean `poise`?)" in text
        assert "Fix them and save the file: the story reloads by itself." in text
        assert "Still playing the last version that loaded." in notices(app)
        edit(folder / "class.yaml", "{poyse: +5}", "{poyse: +5, strength: nine}")
        await reload(app, pilot, folder, "class.yaml")
        assert isinstance(app.screen, StoryErrorsScreen) and app.screen is not dialog
        assert not any(isinstance(s, StoryErrorsScreen) for s in app.screen_stack[:-1])
        app.clear_notifications()  # a toast lies over the button at this size
        await pilot.click("#ok")  # closed: play goes on with the last good version
        await pilot.pause()
        play(app).choose("centre")
        assert play(app).session.state.stats["poise"] == 45
        # the fix arrives while a dialog is open: it waits until the author is back in the game
        app.action_help()
        await pilot.pause()
        (folder / "class.yaml").write_text(good.replace("Adagio", "Adagio at last"))
        await reload(app, pilot, folder, "class.yaml")
        assert isinstance(app.screen, HelpScreen) and app.author_mode.pending_reload is not None
        app.pop_screen()
        await pilot.pause()
        assert app.author_mode.pending_reload is None
        assert "Adagio at last" in str(play(app).query_one("#prose").render())

    drive(steps, tmp_path, folder)


def test_a_story_broken_at_start_starts_once_fixed_even_after_its_errors_were_closed(
    tmp_path: Path, folder: Path
) -> None:
    edit(folder / "class.yaml", "goto: centre", "goto: centr")

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert isinstance(app.screen, StoryErrorsScreen)
        app.pop_screen()  # the author closes the errors and goes to the editor
        edit(folder / "class.yaml", "goto: centr", "goto: centre")
        await reload(app, pilot, folder, "class.yaml")
        assert author(app).session.state.scene == "class.barre"
        assert "Reloaded class.yaml: the story loads now." in notices(app)

    drive(steps, tmp_path, folder)


def test_a_story_folder_moved_away_is_said_so_and_play_goes_on_when_it_is_back(
    tmp_path: Path, folder: Path
) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        away = folder.rename(tmp_path / "away")
        # as the watcher's thread calls it
        await asyncio.to_thread(app.author_mode._story_changed, ["class.yaml"])
        await pilot.pause()
        assert isinstance(app.screen, StoryErrorsScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "error: E027 the story folder is gone (moved, renamed or deleted)" in text
        assert "put it back, and the story reloads by itself" in text
        away.rename(folder)
        await asyncio.to_thread(app.author_mode._story_changed, ["class.yaml"])
        await pilot.pause()
        assert author(app).session.state.scene == "class.barre"
        assert "Reloaded class.yaml: same scene, same state." in notices(app)

    drive(steps, tmp_path, folder)


def test_the_watcher_reloads_a_saved_file_and_stops_on_exit(tmp_path: Path, folder: Path) -> None:
    # The watcher took its snapshot of the folder when it started, so the edit can come at once;
    # how soon the reload follows is bench/bench_reload.py's to measure, not a test's to time.
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert app.author_mode.watcher is not None and app.author_mode.watcher.is_alive()
        edit(folder / "class.yaml", "Pliés, tendus,", "Pliés, tendus, ronds de jambe,")
        deadline = time.monotonic() + 30  # only a guard against a watcher that never reloads
        while not any(n.startswith("Reloaded class.yaml") for n in notices(app)):
            assert time.monotonic() < deadline, "never reloaded"
            await pilot.pause()
        assert "ronds de jambe" in str(app.screen_stack[-2].query_one("#prose").render())

    app = drive(steps, tmp_path, folder, watch_interval=0.05)
    assert app.author_mode.watcher is not None
    app.author_mode.watcher.join(1)
    assert not app.author_mode.watcher.is_alive()


def test_changed_files_are_named_briefly() -> None:
    assert changed_names(["class.yaml"]) == "class.yaml"
    assert changed_names(["a.yaml", "branches/b.yaml"]) == "a.yaml and branches/b.yaml"
    assert changed_names(["a.yaml", "b.yaml", "c.yaml"]) == "a.yaml and 2 more files"
    assert changed_names([]) == "the story folder"


def test_author_mode_needs_the_full_screen_game() -> None:
    out = io.StringIO()
    assert cli.main(["play", "demo", "--author", "--plain"], out=out) == 2
    assert out.getvalue() == "error: --author needs the full-screen game (the map and warp); drop --plain\n"


def test_play_author_opens_the_game_in_author_mode(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import engine.tui

    opened: dict[str, object] = {}
    monkeypatch.setenv("POINTE_EDGE_FORCE_TUI", "1")
    monkeypatch.setattr(engine.tui, "run", lambda **options: opened.update(options) or 0)
    assert cli.main(["play", "demo", "--author", "--seed", "4"], out=io.StringIO()) == 0
    assert opened == {"story": "demo", "saves": None, "seed": 4, "author": True}


def test_an_edit_to_a_step_already_played_marks_the_header_as_an_unsaved_warp(
    tmp_path: Path, folder: Path
) -> None:
    """Not only a toast: the play screen's header says the run is now warped and not saved."""

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.pop_screen()  # the author view opens on top: play first
        play(app).choose("centre")
        await pilot.pause()
        header = str(play(app).query_one("#where", Static).render())
        assert not header.startswith("WARPED")
        edit(folder / "class.yaml", "effects: {poise: +5}", "effects: {poise: +9}")
        await reload(app, pilot, folder, "class.yaml")
        assert play(app).warped
        header = str(play(app).query_one("#where", Static).render())
        assert header.startswith("WARPED: not saved  ·  "), header
        assert notices(app)[-1].endswith("This run is now marked warped, and is not saved.")

    drive(steps, tmp_path, folder)
