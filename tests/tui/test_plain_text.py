"""Nothing from a story, a save or a player is ever read as markup.

A story's title, a flag's label (in a locked choice's reason), a stat's help and a save's name
all reach the screen; each carries `[/]` (which would crash the app if read as markup) and
`[optional]` (which would vanish). Notifications are on, as for a player, so a toast that
reads markup fails the test.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from engine.tui.app import PointeEdgeApp
from engine.tui.messages import NameSave, OpenSaves, StartCareer
from engine.tui.screens.dialogs import ConfirmScreen
from engine.tui.screens.saves import SavesScreen
from tests.support import ROOT
from tests.support.app import copy_story, drive, edit, notices, play, shown

TITLE = "The Club Cup [/] [optional]"


def test_nothing_from_a_story_a_save_or_a_player_is_read_as_markup(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    demo = copy_story(ROOT / "stories" / "demo", stories)
    edit(demo / "story.yaml", "title: The Club Cup", f'title: "{TITLE}"')
    edit(demo / "story.yaml", "{label: nursing a sore ankle}", '{label: "nursing a sore ankle [/i]"}')
    edit(demo / "story.yaml", '"Jumps, spins and clean edges."', '"Jumps [/] and [optional] edges."')

    async def steps(app: PointeEdgeApp, pilot: Pilot[int]) -> None:
        assert TITLE in str(app.screen.query_one("#card-demo").render())
        app.action_command_palette()  # "New career: The Club Cup [/] [optional]" among the commands
        await pilot.pause()
        await pilot.press("c", "u", "p")  # and found by a search
        await pilot.pause()
        await pilot.press("escape")
        app.post_message(StartCareer("demo"))
        await pilot.pause()
        tooltip = play(app).query_one("#stat-technique").tooltip
        assert isinstance(tooltip, Text) and tooltip.plain == "Jumps [/] and [optional] edges."
        play(app).choose("run_program")
        await pilot.pause()
        await pilot.press("4")  # locked: the reason is told in a toast
        await pilot.pause()
        assert "Locked: only when nursing a sore ankle [/i]." in notices(app)
        app.post_message(NameSave(play(app).recorder))
        await pilot.pause()
        app.screen.query_one(Input).value = "[/] mine [optional]"
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved as “[/] mine [optional]”." in notices(app)
        app.post_message(OpenSaves("load"))
        await pilot.pause()
        saves = app.screen
        assert isinstance(saves, SavesScreen)
        named = next(i for i, info in enumerate(saves.infos) if not info.autosave)
        saves.query_one(OptionList).highlighted = named
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = shown(app.screen.query_one(".question", Static))
        assert question == f"Delete {TITLE}: [/] mine [optional], 1 choices?"

    drive(steps, tmp_path, stories_dir=stories)
