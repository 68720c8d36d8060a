"""The app's side of stats people can read: the stat panel by group, an opposed pair on one row,
and the People view (`p`), driven with Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from engine.tui.app import PointeEdgeApp
from engine.tui.messages import StartCareer
from engine.tui.screens.dialogs import HelpScreen, PeopleScreen
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.widgets.chart import StatChart
from engine.tui.widgets.keybar import KeyBar
from engine.tui.widgets.stats import StatRow, StatsPanel
from tests.support import ROOT, STORIES
from tests.support.app import choose_all, copy_story, drive, edit, play, shown
from tests.support.cli import run_cli


def test_the_panel_shows_the_stats_under_their_group_headings(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        panel = play(app).query_one(StatsPanel)
        order = [
            shown(w) if w.has_class("stat-group") else w.id
            for w in panel.children
            if isinstance(w, StatRow) or w.has_class("stat-group")
        ]
        assert order == [
            "On the ice",
            "stat-technique",
            "stat-artistry",
            "stat-nerve",
            "stat-stamina",
            "Off the ice",
            "stat-daring",
            "stat-saule",
        ]

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_an_opposed_pair_shows_both_sides_and_moves_as_one(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        row = play(app).query_one("#stat-daring", StatRow)
        assert shown(row).splitlines()[0] == "Daring 50 | Caution 50"
        await choose_all(app, pilot, ["drill_salchow"])  # daring +5
        head, bar = shown(row).splitlines()
        assert head == "Daring 55 | Caution 45" and bar.endswith(" +5")  # the change: after the bar

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_p_opens_the_people_you_have_met_and_no_one_else(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        assert "p People" in str(app.screen.query_one(KeyBar).render())
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        listed = shown(app.screen.query_one("#people-list", Static))
        assert "Saule Abenova, your coach   Coach Saule 30" in listed
        assert "she says little, and all of it about edges." in listed
        assert "Grandmother, in Shymkent, on the telephone" in listed
        assert "Medeu" not in listed  # the sweeper: not met yet
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        await choose_all(app, pilot, ["run_program", "bus_to_medeu"])
        await pilot.press("p")
        await pilot.pause()
        listed = shown(app.screen.query_one("#people-list", Static))
        assert "The sweeper at Medeu, keeps the ice at the open-air rink" in listed
        await pilot.press("p")  # the same key closes it
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_help_lists_the_people_key_and_names_both_sides_of_a_pair(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "People" in shown(app.screen.query_one("#keys", Static))
        assert "Daring | Caution" in shown(app.screen.query_one("#stats-help", Static))

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_a_story_without_a_cast_says_so(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        await pilot.press("p")
        await pilot.pause()
        assert "This story has no cast." in shown(app.screen.query_one("#people-list", Static))

    drive(steps, tmp_path, start_story=str(STORIES / "studio"), seed=1)


def test_people_in_plain_mode_and_the_stats_a_line_per_group() -> None:
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", stdin="p\n3\n1\n6\np\ns\nq\n")
    assert code == 0
    assert out.count("  Saule Abenova, your coach (Coach Saule 30)") == 1
    assert "  Saule Abenova, your coach (Coach Saule 45)" in out  # after asking her
    assert out.count("The sweeper at Medeu") == 1  # only after the bus up to Medeu
    assert "On the ice: Technique 40 · Artistry 35 · Nerve 50 · Stamina 40\n" in out
    assert "Off the ice: Daring 50 | Caution 50 · Coach Saule 30\n" in out


def test_a_cast_is_never_read_as_markup(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    demo = copy_story(ROOT / "stories" / "demo", stories)
    edit(demo / "story.yaml", "name: Saule Abenova", 'name: "Saule [/] [optional]"')

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        app.post_message(StartCareer("demo"))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert "Saule [/] [optional], your coach" in shown(app.screen.query_one("#people-list", Static))

    drive(steps, tmp_path, stories_dir=stories)


def test_the_ending_chart_reads_both_sides_of_a_pair(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        # save_legs: caution %+20, so daring 55 -> 44 (fairmath down, by the same rule)
        await choose_all(
            app, pilot, ["drill_salchow", "evening_session", "save_legs", "double_salchow", "continue"]
        )
        assert isinstance(app.screen, EndingScreen)
        chart = shown(app.screen.query_one(StatChart))
        daring = next(line for line in chart.splitlines() if "Daring" in line)
        assert daring.endswith("50 → 44 (Caution 56)")
        final = shown(app.screen.query_one("#final-stats")).splitlines()
        assert "Daring 44 | Caution 56" in final and "Technique" in final[0]  # one line, both sides

    drive(steps, tmp_path, start_story="demo", seed=2)  # both jumps land: 60%, rolled 39; 74%, rolled 23
