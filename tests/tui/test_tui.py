"""The Textual app, driven with Pilot: every screen and binding, saves, replay, and failures.

The app is driven by tests/support/app.py: most steps call the screens' actions directly (a key
press costs ~60 ms); the binding tests press the real keys.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Select, Static

from engine.author.check import load_checked
from engine.play.rolls import sequential_roll
from engine.saves.format import parse_career
from engine.saves.record import resume
from engine.saves.store import SaveStore
from engine.tui.app import PointeEdgeApp
from engine.tui.messages import OpenSaves
from engine.tui.screens.dialogs import (
    ChangedStoryScreen,
    ConfirmScreen,
    HelpScreen,
    MessageScreen,
    SaveNameScreen,
    SettingsScreen,
)
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.play import PlayScreen
from engine.tui.screens.replay import ReplayScreen
from engine.tui.screens.saves import SavesScreen
from engine.tui.screens.title import TitleScreen
from engine.tui.settings import Settings
from engine.tui.widgets.chart import StatChart
from engine.tui.widgets.choices import ChoiceList
from engine.tui.widgets.prose import Prose
from tests.support import BAD_STORIES, CAREERS, DATA
from tests.support.app import choose_all, drive, notices, plain, play, saved_career, shown

BAD = BAD_STORIES
DEMO_FOURTH = ["drill_salchow", "evening_session", "save_legs", "double_salchow", "continue"]
# To the same ending without a chance on the way, so with any seed (the two jumps above need a
# seed that lands them both, or the second fall calls setback.ankle).
DEMO_FOURTH_SURE = ["run_program", "evening_session", "save_legs", "single_salchow", "continue"]


# -- the title --------------------------------------------------------------------------------


def test_the_title_shows_every_career_as_a_card(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert isinstance(app.screen, TitleScreen)
        await pilot.pause()  # the saves are read just after the first frame
        cards = {c.story_id: str(c.render()) for c in app.screen.query("StoryCard")}
        assert list(cards)[-1] == "demo"
        assert (
            "The Club Cup" in cards["demo"]
            and "You, twelve, at an Almaty rink · figure skating" in cards["demo"]
        )
        assert "Endings found: 0 of 6" in cards["demo"] and "One week before your first club" in cards["demo"]
        assert app.screen.query_one("#continue", Button).disabled  # nothing saved yet

    drive(steps, tmp_path)


def test_a_card_starts_a_career_and_the_title_counts_endings_found(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.screen.query_one("#card-demo").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert play(app).session.story.id == "demo"
        await choose_all(app, pilot, DEMO_FOURTH_SURE)  # no roll: the card's own seed will do
        assert isinstance(app.screen, EndingScreen)
        app.shelf.flush(timeout=10)
        app.screen.action_back()
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert "Endings found: 1 of 6" in str(app.screen.query_one("#card-demo").render())

    drive(steps, tmp_path)


# -- playing ----------------------------------------------------------------------------------


def test_number_keys_arrows_and_enter_choose(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("2")  # "Run the whole program to the music instead"
        await pilot.pause()
        s = play(app).session
        assert [j.choice for j in s.journal] == ["run_program"]
        await pilot.press("down", "enter")  # from "Go back for the evening session" to "Rest..."
        await pilot.pause()
        assert [j.choice for j in s.journal] == ["run_program", "rest"]

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_a_mouse_click_chooses(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.click(ChoiceList, offset=(6, 1 + 2))  # under the top border, the third option
        await pilot.pause()
        assert [j.choice for j in play(app).session.journal] == ["ask_coach"]

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_locked_choices_are_shown_dimmed_with_their_reason_and_cannot_be_chosen(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        choices = app.screen.query_one(ChoiceList)
        locked = [choices.get_option_at_index(i) for i in range(choices.option_count)]
        locked = [o for o in locked if o.disabled]
        assert [o.id for o in locked] == ["synchro_tryout", "quit_for_now"]
        assert "only when nursing a sore ankle" in plain(locked[0].prompt)
        await pilot.press("4")
        await pilot.pause()
        assert len(play(app).session.journal) == 1  # nothing chosen...
        assert any("Locked: only when nursing a sore ankle" in n for n in notices(app))

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_the_setting_can_hide_locked_choices(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        ids = [o.id for o in app.screen.query_one(ChoiceList)._options]
        assert "synchro_tryout" not in ids and "bus_to_medeu" in ids

    drive(steps, tmp_path, start_story="demo", seed=1, settings=Settings(reveal="off", show_locked=False))


def test_a_choice_updates_prose_stats_and_shows_the_roll_honestly(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        screen.choose("drill_salchow")
        await pilot.pause()
        outcome = str(screen.query_one("#outcome", Static).render())
        assert "60% chance: rolled 9 of 100, success." in outcome
        assert "★ Landed your first clean double salchow" in outcome
        assert "By nine the public session starts" in str(screen.query_one(Prose).render())
        technique = str(screen.query_one("#stat-technique").render())
        assert "46 +6" in technique and screen.query_one("#stat-technique").has_class("-up")
        where = str(screen.query_one("#where", Static).render())
        assert where == "The Club Cup  ·  Six in the Morning  ·  training"

    drive(steps, tmp_path, start_story="demo", seed=60)  # drill_salchow: rolled 9, success


def test_the_same_detour_reads_differently_at_practice_and_in_the_competition(tmp_path: Path) -> None:
    """The demo's sprain (setback.ankle) is called from a training morning and from the Club Cup:
    the player sees where it struck, and that the second time it is the same ankle."""

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        await choose_all(app, pilot, ["drill_salchow"])  # seed 1: 60%, rolled 99: the twelfth landing folds
        prose = str(screen.query_one(Prose).render())
        assert screen.session.state.scene == "setback.ankle"
        assert "In the cold room behind the snack bar" in prose and "Sprained, not broken" in prose
        labels = [plain(o.prompt) for o in screen.query_one(ChoiceList)._options]
        assert any("Tape it and skate the rest of the session" in label for label in labels)
        # seed 1: the double salchow, 46%, rolls 65 and falls
        await choose_all(app, pilot, ["tape_and_skate", "rest", "save_legs", "double_salchow"])
        prose = str(screen.query_one(Prose).render())
        assert screen.session.state.scene == "setback.ankle"  # the same scene, struck again
        assert "In the corridor under the stands" in prose and "The same ankle" in prose
        assert "In the cold room" not in prose
        labels = [plain(o.prompt) for o in screen.query_one(ChoiceList)._options]
        assert any("Tape it and skate the rest of the program" in label for label in labels)

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_u_undoes_as_far_back_as_you_like(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program", "rest"])
        await pilot.press("u", "u")
        await pilot.pause()
        s = play(app).session
        assert s.journal == () and s.state.scene == "training.early_ice"
        await pilot.press("u")
        await pilot.pause()
        assert any("Nothing to undo" in n for n in notices(app))

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_undoing_a_failed_roll_and_choosing_the_same_again_fails_again(tmp_path: Path) -> None:
    # Rolls are keyed to the career, the turn and the choice: undo cannot be used to re-roll.
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        outcomes = []
        for _ in range(3):
            await pilot.press("1")  # Drill the double salchow until it sticks (60%)
            await pilot.pause()
            outcomes.append(str(screen.query_one("#outcome", Static).render()))
            assert screen.session.state.scene == "setback.ankle"
            await pilot.press("u")
            await pilot.pause()
            assert screen.session.journal == ()
        assert "60% chance: rolled 72 of 100, failure." in outcomes[0]
        assert "The twelfth landing folds your left ankle under you." in outcomes[0]
        assert outcomes == [outcomes[0]] * 3
        # Nor can it peek: the next chance, somewhere else, rolls afresh. (Before keyed rolls,
        # the double salchow of the short program would have rolled the 72 seen here, and failed.)
        await choose_all(app, pilot, ["run_program", "rest", "save_legs", "double_salchow"])
        outcome = str(screen.query_one("#outcome", Static).render())
        assert "65% chance: rolled 18 of 100, success." in outcome

    drive(steps, tmp_path, start_story="demo", seed=6)


def test_h_toggles_the_history_of_the_path_so_far(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["drill_salchow", "rest"])
        history = app.screen.query_one("#history")
        assert not history.display
        await pilot.press("h")
        await pilot.pause()
        assert history.display and not app.screen.query_one("#stats").display
        text = plain(app.screen.query_one("#history-text", Static).content)
        assert "1. Early Ice: Drill the double salchow until it sticks (success)" in text
        assert "2. The Walk Home: Rest, stretch, and visualise the program" in text
        await pilot.press("h")
        await pilot.pause()
        assert not history.display

    drive(steps, tmp_path, start_story="demo", seed=60)  # drill_salchow: rolled 9, success


def test_text_is_revealed_and_the_first_key_shows_it_all(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TEXTUAL_ANIMATIONS")  # the tests turn animation, and so the reveal, off

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        prose = app.screen.query_one(Prose)
        assert prose.revealing
        await pilot.press("1")  # finishes the reveal; chooses nothing
        await pilot.pause()
        assert not prose.revealing and play(app).session.journal == ()

    drive(steps, tmp_path, start_story="demo", seed=1, settings=Settings(reveal="slow"))


def test_help_lists_every_binding_of_the_screen(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = shown(app.screen.query_one("#keys", Static))
        for binding in PlayScreen.BINDINGS:
            if binding.show and binding.action != "author_view":  # type: ignore[union-attr]
                assert binding.description in keys  # type: ignore[union-attr]
        assert "Map" not in keys  # the author's map: only in author mode
        assert "1-9" in keys and "choose that choice" in keys and "command palette" in keys
        assert "You live a career one scene at a time" in str(app.screen.query_one("#how-to-play").render())
        stats_help = shown(app.screen.query_one("#stats-help", Static))
        assert "Technique" in stats_help and "Jumps, spins and clean edges." in stats_help
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_quitting_asks_first_only_when_choices_are_unsaved(tmp_path: Path) -> None:
    async def unsaved(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#no")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()

    app = drive(unsaved, tmp_path, start_story="demo", seed=1, saving=False)
    assert app.return_code == 0

    async def saved(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        play(app).action_quit_game()  # everything is autosaved: it quits without asking
        await pilot.pause()
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)

    app = drive(saved, tmp_path, start_story="demo", seed=1)
    assert app.return_code == 0


@pytest.mark.parametrize("size", [(59, 30), (100, 19), (40, 10)])
def test_a_terminal_too_small_gets_a_message_not_a_broken_screen(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = app.screen
        assert screen.has_class("-too-small")
        assert "The terminal is too small: make it at least 60 × 20" in str(
            screen.query_one("#too-small").render()
        )
        await pilot.resize_terminal(100, 32)
        await pilot.pause()
        assert not screen.has_class("-too-small")
        play(app).choose("run_program")  # and the game is intact
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert screen.has_class("-too-small")

    drive(steps, tmp_path, size=size, start_story="demo", seed=1)


def test_resizing_keeps_every_screen_whole(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        for width, height in [(60, 20), (200, 60), (80, 24), (61, 21)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            screen = app.screen
            assert not screen.has_class("-too-small")
            choices = screen.query_one(ChoiceList)
            assert choices.region.height >= 2 and choices.region.right <= width
            assert screen.query_one(Prose).region.width >= 20

    drive(steps, tmp_path, start_story="demo", seed=1)


# -- failures ---------------------------------------------------------------------------------


def test_a_story_that_fails_to_load_shows_its_errors_in_the_app(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert isinstance(app.screen, MessageScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "cannot be played: 1 error" in text
        assert "extra.yaml:5: unknown stat `tecnique` (did you mean `technique`?)" in text
        await pilot.click("#ok")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)

    drive(steps, tmp_path, start_story=str(BAD / "unknown_stat"))


def test_a_game_started_straight_into_a_career_builds_its_title_when_first_needed(tmp_path: Path) -> None:
    # `play STORY` opens at the career: the title (a third of the start) is built only when the
    # player goes back to it, and is then the same title as ever, with this career's ending found.
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["PlayScreen"]
        await choose_all(app, pilot, DEMO_FOURTH_SURE)
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen) and len(app.screen_stack) == 2
        card = str(app.screen.query_one("#card-demo").render())
        assert "Endings found: 1 of 6" in card
        await pilot.press("enter")  # a new career from the title, over it as usual
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["TitleScreen", "PlayScreen"]

    drive(steps, tmp_path, start_story="demo", seed=5)


def test_an_unexpected_error_during_play_is_shown_and_the_state_kept(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        s = play(app).session
        before = s.state.to_dict()
        monkeypatch.setattr(type(s), "_apply", lambda self, effects: 1 / 0)
        play(app).choose("evening_session")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "ZeroDivisionError: division by zero" in text and "Your career is as it was" in text
        assert s.state.to_dict() == before and len(s.journal) == 1
        monkeypatch.undo()
        await pilot.click("#ok")
        await pilot.pause()
        play(app).choose("evening_session")  # and play goes on
        assert len(s.journal) == 2

    drive(steps, tmp_path, start_story="demo", seed=1)


# -- saves, load, continue, replay ------------------------------------------------------------


def test_every_choice_is_autosaved_and_continue_picks_it_up(tmp_path: Path) -> None:
    async def first(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program", "rest"])

    drive(first, tmp_path, start_story="demo", seed=1)
    (info,) = SaveStore(tmp_path / "saves").list()
    assert info.autosave and info.steps == 2 and info.scene_title == "Six-Minute Warm-Up"

    async def second(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert not app.screen.query_one("#continue", Button).disabled
        await pilot.press("c")
        await pilot.pause()
        s = play(app).session
        assert [j.choice for j in s.journal] == ["run_program", "rest"]
        await pilot.press("u")  # undo works after loading
        await pilot.pause()
        assert [j.choice for j in s.journal] == ["run_program"]

    drive(second, tmp_path)


def test_a_career_saved_before_keyed_rolls_goes_on_as_it_was_played(tmp_path: Path) -> None:
    # The file as the game wrote it before saves named their roll scheme (save format 1).
    old = DATA / "sequential_rolls"
    shutil.copytree(old / "rules", tmp_path / "stories" / "rules")
    careers = tmp_path / "saves" / "careers"
    careers.mkdir(parents=True)
    written = json.loads((old / "career-seed7.json").read_text(encoding="utf-8"))
    shutil.copy(old / "career-seed7.json", careers / f"{written['id']}.json")
    next_roll = sequential_roll(written["state"]["rng"])[0]

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("c")  # continue: the old autosave
        await pilot.pause()
        s = play(app).session
        assert s.rolls == "sequential" and len(s.journal) == len(written["steps"])
        for _ in range(2):  # undo gives the same roll here too
            await choose_all(app, pilot, ["roll"])
            assert s.journal[-1].roll is not None and s.journal[-1].roll.roll == next_roll
            await pilot.press("u")
            await pilot.pause()
        await choose_all(app, pilot, ["roll"])

    drive(steps, tmp_path, stories_dir=tmp_path / "stories")
    again = json.loads((careers / f"{written['id']}.json").read_text(encoding="utf-8"))
    assert again["format"] == 2 and again["rolls"] == "sequential"  # autosaved, its scheme named
    # The same steps, roll for roll; each digested in today's form of the state (which holds the
    # detours' `calls`), where the old file digested the form of its time.
    unhashed = [{k: v for k, v in step.items() if k != "digest"} for step in again["steps"]]
    assert unhashed[:-1] == [{k: v for k, v in step.items() if k != "digest"} for step in written["steps"]]
    assert len(again["steps"]) == len(written["steps"]) + 1
    # and the re-saved career keeps replaying, now with the story's fingerprint, so every step's
    # digest is checked
    rules = load_checked(tmp_path / "stories" / "rules", cache=False).story
    assert rules is not None and again["story"]["fingerprint"] == rules.fingerprint
    resumed = resume(rules, parse_career(again))
    assert resumed.complete and resumed.valid_steps == len(again["steps"])


def test_s_saves_to_a_named_slot(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["ask_coach"])
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveNameScreen)
        app.screen.query_one(Input).value = "after the talk"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)

    drive(steps, tmp_path, start_story="demo", seed=1)
    infos = SaveStore(tmp_path / "saves").list()
    assert sorted(i.name for i in infos) == ["after the talk", "autosave"]


def test_l_loads_a_saved_career(tmp_path: Path) -> None:
    saved_career(tmp_path / "saves", "demo", 3, ["ask_coach", "continue"])

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, SavesScreen)
        listing = app.screen.query_one("#saves", OptionList)
        assert listing.option_count == 1
        assert "The Club Cup  ·  autosave  ·  2 choices" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        s = play(app).session
        assert s.seed == 3 and [j.choice for j in s.journal] == ["ask_coach", "continue"]

    drive(steps, tmp_path)


def test_a_save_can_be_deleted_from_the_list(tmp_path: Path) -> None:
    saved_career(tmp_path / "saves", "demo", 3, ["ask_coach"])

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.post_message(OpenSaves("load"))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert app.screen.query_one("#saves", OptionList).option_count == 0
        assert app.screen.query_one("#saves-empty").display

    drive(steps, tmp_path)
    assert SaveStore(tmp_path / "saves").list() == []


def test_a_career_whose_story_changed_offers_to_go_on_or_look(tmp_path: Path) -> None:
    import shutil

    stories = tmp_path / "stories"
    shutil.copytree(Path("stories/demo"), stories / "demo")
    saved_career(tmp_path / "saves", stories / "demo", 5, DEMO_FOURTH[:4])
    comp = stories / "demo" / "competition.yaml"
    comp.write_text(comp.read_text().replace("        goto: short_program", "        goto: scores"))

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChangedStoryScreen)
        assert "step 4: the story now leads to “The Kiss and Cry”" in app.screen.problem
        await pilot.click("#read-only")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen) and len(app.screen.replay) == 4
        app.pop_screen()
        await pilot.press("c")
        await pilot.pause()
        await pilot.click("#continue")
        await pilot.pause()
        s = play(app).session
        assert len(s.journal) == 3 and s.state.scene == "competition.scores"

    drive(steps, tmp_path, stories_dir=stories)
    assert len(SaveStore(tmp_path / "saves").list()) == 2  # the old career is kept


def test_the_replay_screen_steps_through_a_career_with_its_chart(tmp_path: Path) -> None:
    saved_career(tmp_path / "saves", "demo", 218, DEMO_FOURTH)  # rolls 21 and 22

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, SavesScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen) and screen.at == 0
        assert "The start of the career." in str(screen.query_one("#replay-step").render())
        await pilot.press("right", "right", "right", "right")
        await pilot.pause()
        step = str(screen.query_one("#replay-step").render())
        assert screen.at == 4 and "You chose: Go for the double salchow" in step
        assert "74% chance: rolled 22 of 100, success." in step
        chart = str(screen.query_one(StatChart).render())
        assert "Technique" in chart and "40 → 54" in chart and "Stamina" in chart
        await pilot.press("left")
        await pilot.pause()
        assert screen.at == 3
        await pilot.press("end")
        await pilot.pause()
        assert screen.at == 5 and "Fourth" in str(screen.query_one("#replay-title").render())
        await pilot.press("home")
        await pilot.pause()
        assert screen.at == 0
        await pilot.press("o")  # play on from the start: a new career
        await pilot.pause()
        assert play(app).session.journal == ()

    drive(steps, tmp_path)


def test_the_ending_screen_reviews_the_career(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, DEMO_FOURTH)
        screen = app.screen
        assert isinstance(screen, EndingScreen)
        assert str(screen.query_one("#ending-title").render()) == "Fourth by a Point"
        assert str(screen.query_one("#ending-tone").render()) == "The Club Cup — bittersweet"
        assert "★ Landed the double salchow in competition." in str(screen.query_one("#milestones").render())
        assert "Technique       54" in str(screen.query_one("#final-stats").render())
        endings = str(screen.query_one("#endings").render())
        assert "✓ Fourth by a Point (bittersweet)  ← this career" in endings and "1 of 6 found" in endings
        assert "40 → 54" in str(screen.query_one(StatChart).render())
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen) and len(app.screen.replay) == 6
        app.pop_screen()
        await pilot.press("n")
        await pilot.pause()
        assert play(app).session.journal == ()

    drive(steps, tmp_path, start_story="demo", seed=2)  # both jumps land


# -- settings and the command palette ---------------------------------------------------------


def test_settings_change_the_theme_and_are_remembered(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("comma")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#theme", Select).value = "nord"
        app.screen.query_one("#reveal", Select).value = "slow"
        await pilot.pause()
        assert app.theme == "nord"

    drive(steps, tmp_path, settings=Settings(reveal="off", path=path))
    remembered = Settings.load(path)
    assert (remembered.theme, remembered.reveal) == ("nord", "slow")
    app = drive(lambda app, pilot: pilot.pause(), tmp_path, settings=Settings.load(path))
    assert app.theme == "nord"


def test_the_command_palette_offers_the_game_actions(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Undo", "Save", "History", "Help", "Settings", "Load a career", "Replay a career"} <= titles
        # in a player's words; Textual's Keys and Maximize are left out, its Quit is the game's
        starts = {"Start The Club Cup", "Start Halima's career", "Start Magdalena's career"}
        starts |= {"Start Bożena's career"}
        assert starts <= titles and {"Theme", "Screenshot", "Quit"} <= titles
        assert not {"Keys", "Maximize", "Minimize"} & titles
        quit_ = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
        assert quit_.callback == app.action_quit_game
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_a_theme_chosen_from_the_palette_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.theme = "dracula"  # what the palette's Theme command does when one is picked
        await pilot.pause()

    drive(steps, tmp_path, settings=Settings(reveal="off", path=path))
    assert Settings.load(path).theme == "dracula"
    assert drive(lambda app, pilot: pilot.pause(), tmp_path, settings=Settings.load(path)).theme == "dracula"


# -- a whole career -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_whole_bundled_career_plays_to_an_ending_through_the_app(tmp_path: Path) -> None:
    # The shortest of the recorded playthroughs: every scene of a real career, through the app.
    runs = [
        (len(run["choices"].split(",")), path.stem, run)
        for path in sorted(CAREERS.glob("*.yaml"))
        for run in yaml.safe_load(path.read_text())["playthroughs"]
    ]
    if not runs:
        pytest.skip("no career written yet")
    _, career, run = min(runs, key=lambda r: r[:2])

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        for token in run["choices"].split(","):
            screen = play(app)
            # A recorded choice is an id (or, in an older recording, the number shown): the app is
            # driven by the number the player would press for it.
            number = (
                int(token)
                if token.isdigit()
                else next(v.number for v in screen.session.choices if v.id == token)
            )
            screen.action_choose_number(number)
            await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert app.screen.session.state.scene == run["ending"]

    drive(steps, tmp_path, start_story=career, seed=run["seed"])


def test_the_last_choices_changes_stay_marked_until_the_next_step(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # No timer clears a highlight: a player reads the scene first, and a fade came before a long
    # scene had finished appearing. The next choice, or an undo, redraws the stats.
    from engine.tui.widgets.stats import StatsPanel

    def no_timer(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a timer would clear the highlight before the player has read it")

    monkeypatch.setattr(StatsPanel, "set_timer", no_timer)

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        technique = app.screen.query_one("#stat-technique")
        await choose_all(app, pilot, ["drill_salchow"])  # technique +6: marked
        assert technique.has_class("-up") and "+6" in str(technique.render())
        await choose_all(app, pilot, ["evening_session"])  # technique +3: the new change, marked
        assert technique.has_class("-up") and "+3" in str(technique.render())
        play(app).action_undo()  # back before it: nothing changed by a choice is marked
        await pilot.pause()
        assert not technique.has_class("-up") and "+" not in str(technique.render())

    drive(steps, tmp_path, start_story="demo", seed=60)  # drill_salchow: rolled 9, success
