"""A game that respects its player (issue 18): nothing spoils the prose it stands above.

A milestone recorded on entering a scene ("★ Taken into the academy") is shown after that
scene's text, in the app and in plain mode, never above it; a choice's own milestone (and its
roll's outcome's) stays with the outcome it reports, above the new scene.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from engine.play.session import Session
from engine.tui.app import PointeEdgeApp
from engine.tui.widgets.prose import Prose
from tests.support import ROOT, STORIES
from tests.support.app import choose_all, drive, play
from tests.support.cli import run_cli
from tests.support.stories import story

DEMO_FOURTH = ["drill_salchow", "evening_session", "save_legs", "double_salchow", "continue"]


def test_a_step_tells_the_choices_milestones_from_the_scenes_it_arrives_in() -> None:
    session = Session(story(STORIES / "rules"), 1)
    first = session.choose("set_clamp")  # power 100: the roll below cannot fail
    assert first.chosen == () and first.arrived == ("Came to the hub at turn 1.",)
    won = session.choose("roll")
    assert won.chosen == ("Won a roll.",) and won.arrived == ("Came to the hub at turn 2.",)
    assert won.milestones == won.chosen + won.arrived


def test_the_app_shows_a_scenes_milestone_after_its_text_and_the_choices_above(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["set_clamp", "roll"])
        screen = play(app)
        prose = str(screen.query_one(Prose).render())
        outcome = str(screen.query_one("#outcome", Static).render())
        assert prose.startswith("Power 100, grace ") and prose.endswith("\n\n★ Came to the hub at turn 2.")
        assert "★ Won a roll." in outcome and "Came to the hub" not in outcome

    drive(steps, tmp_path, start_story=str(STORIES / "rules"), seed=1)


def test_plain_mode_prints_a_scenes_milestone_after_its_text() -> None:
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", "--choices", "1,1,4")
    assert code == 0
    text_ends = out.index("you share.")
    milestone = out.index("★ Joined the club's synchronized skating team.")
    assert text_ends < milestone < out.index("The end: Sixteen in a Line")
    assert out.index("» Try out for the club's synchronized team instead") < text_ends


def test_a_choice_without_outcome_text_still_says_what_it_changed_until_the_next(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        label = next(v.label for v in screen.session.choices if v.id == "run_program")
        await choose_all(app, pilot, ["run_program"])  # no roll, no outcome text of its own
        last = screen.session.journal[-1]
        assert last.choice == "run_program" and last.roll is None
        outcome = str(screen.query_one("#outcome", Static).render())
        assert outcome.startswith(f"» {label}\n")
        assert "Artistry 35 → " in outcome and "Stamina 40 → " in outcome  # every change, in words
        prose_scroll = screen.query_one("#prose-scroll")
        assert screen.query_one("#outcome") in prose_scroll.children  # it scrolls: never cut off
        await pilot.press("h")  # other keys leave it as it is
        await pilot.press("h")
        assert str(screen.query_one("#outcome", Static).render()) == outcome

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_page_keys_scroll_a_long_scene_while_the_choices_keep_the_focus(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        await choose_all(app, pilot, ["drill_salchow"])  # an outcome above a scene: taller than 80x24
        scroll = screen.query_one("#prose-scroll")
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0 and screen.focused is screen.query_one("#choices")
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("question_mark")
        await pilot.pause()
        guide = str(app.screen.query_one("#how-to-play", Static).render())
        assert "PgUp, PgDn" in guide and "Undo takes back a choice, not its luck" in guide

    drive(steps, tmp_path, start_story="demo", seed=60, size=(80, 24))


def test_the_stats_screen_shows_every_stat_flag_person_and_the_record(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["drill_salchow"])  # seed 1: the roll fails, the ankle is sore
        assert "Stats" in {c.title for c in app.get_system_commands(app.screen)}
        await pilot.press("t")
        await pilot.pause()
        sheet = str(app.screen.query_one("#stats-list", Static).render())
        for line in ("On the ice", "Technique 42", "Jumps, spins and clean edges.", "Off the ice"):
            assert line in sheet
        assert "Daring 55 | Caution 45" in sheet  # an opposed pair, both sides
        assert "Coach Saule 30" in sheet and "How you stand with Saule Abenova, your coach." in sheet
        assert "Now\n• nursing a sore ankle" in sheet and "Your career so far\nNothing yet." in sheet
        await pilot.press("t")  # the same key closes it
        await pilot.pause()
        assert app.screen is play(app)

    drive(steps, tmp_path, start_story="demo", seed=1, size=(120, 40))


# -- saves a player can trust -------------------------------------------------------------------


def test_quitting_right_after_continue_or_a_load_does_not_claim_choices_are_unsaved(tmp_path: Path) -> None:
    from engine.saves.store import SaveStore
    from engine.tui.screens.dialogs import ConfirmScreen
    from tests.support.app import saved_career

    saves = tmp_path / "saves"
    autosave = saved_career(saves, "demo", 1, ["run_program", "rest"])
    store = SaveStore(saves)
    named = store.load(autosave.id)
    store.save(dataclasses.replace(named, id="ab" * 8, slot="before the warm-up", autosave=False))

    async def after_continue(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("c")
        await pilot.pause()
        assert len(play(app).session.journal) == 2 and not app.choices_unsaved()
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)  # it quit without asking

    drive(after_continue, tmp_path)

    async def after_a_load(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.careers.resume("ab" * 8)  # the named save: play goes on as a new career
        await pilot.pause()
        app.shelf.flush(timeout=10)
        assert len(play(app).session.journal) == 2 and not app.choices_unsaved()

    drive(after_a_load, tmp_path)
    # Continue now comes back to the career last touched: the one loaded from the named save
    latest = SaveStore(saves).latest_autosave()
    assert latest is not None and latest.id not in (autosave.id, "ab" * 8) and latest.steps == 2
    assert {i.slot for i in SaveStore(saves).list()} == {None, "before the warm-up"}


def test_saving_under_a_name_already_used_asks_before_it_replaces(tmp_path: Path) -> None:
    from engine.saves.store import SaveStore
    from engine.tui.screens.dialogs import ConfirmScreen, SaveNameScreen

    async def name_it(app: PointeEdgeApp, pilot: Pilot, name: str) -> None:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveNameScreen)
        app.screen.dismiss(name)
        await pilot.pause()

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        await name_it(app, pilot, "before the warm-up")
        await choose_all(app, pilot, ["rest"])
        await name_it(app, pilot, "before the warm-up")
        assert isinstance(app.screen, ConfirmScreen)  # the name is taken: asked first
        await pilot.click("#no")  # keep it
        await pilot.pause()
        [kept] = [i for i in SaveStore(tmp_path / "saves").list() if i.slot]
        assert kept.steps == 1
        await name_it(app, pilot, "before the warm-up")
        await pilot.click("#yes")  # replace it
        await pilot.pause()
        [replaced] = [i for i in SaveStore(tmp_path / "saves").list() if i.slot]
        assert replaced.steps == 2 and replaced.id != kept.id

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_f5_quick_saves_in_place_of_the_last_and_f9_goes_back_to_it(tmp_path: Path) -> None:
    from engine.saves.store import SaveStore

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        await pilot.press("f5")
        await pilot.pause()
        await choose_all(app, pilot, ["rest"])
        await pilot.press("f5")  # no question: the quick save moves on
        await pilot.pause()
        quick = [i for i in SaveStore(tmp_path / "saves").list() if i.slot == "Quick save"]
        assert [i.steps for i in quick] == [2]
        await choose_all(app, pilot, [play(app).session.open_choices()[0]])
        assert len(play(app).session.journal) == 3
        await pilot.press("f9")
        await pilot.pause()
        assert len(play(app).session.journal) == 2  # back at the quick save

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_the_saves_list_marks_the_newest_and_says_where_how_long_and_when(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from tests.support.app import saved_career

    saves = tmp_path / "saves"
    saved_career(saves, "demo", 1, ["run_program"])
    saved_career(saves, "demo", 2, ["run_program", "rest"])

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.careers.open_saves("load")
        await pilot.pause()
        listing = app.screen.query_one("#saves", OptionList)
        first, second = (str(listing.get_option_at_index(i).prompt) for i in range(2))
        assert "2 choices  ·  newest" in first and "newest" not in second
        assert "The Club Cup: Six-Minute Warm-Up  ·  played under a minute  ·  20" in first  # chapter: scene

    drive(steps, tmp_path)


# -- plain mode's saves, for a screen-reader player ------------------------------------------------


def test_plain_mode_continues_saves_by_name_and_tells_history_in_words(tmp_path: Path) -> None:
    from engine.saves.store import SaveStore

    saves = str(tmp_path / "saves")
    code, out = run_cli("play", "demo", "--plain", "--seed", "1", "--saves", saves, stdin="2\nq\n")
    assert code == 0 and "Saved as " in out
    code, out = run_cli(
        "play", "demo", "--plain", "--continue", "--saves", saves,
        stdin="h\nsave before the warm-up\n1\nsave\nbefore the warm-up\ny\nq\n",
    )  # fmt: skip
    assert code == 0, out
    assert "Going on with your career (1 choice so far)." in out
    assert "  1. Early Ice: Run the whole program to the music instead" in out  # words, not ids
    assert "run_program" not in out
    assert "Saved “before the warm-up” as " in out
    assert "There is already a save called “before the warm-up”. Replace it? [y/N] " in out
    named = [i for i in SaveStore(tmp_path / "saves").list() if i.slot == "before the warm-up"]
    assert [i.steps for i in named] == [2]  # replaced, after a question
    [auto] = [i for i in SaveStore(tmp_path / "saves").list() if i.autosave]
    assert auto.steps == 2  # the same career went on: one autosave


def test_plain_continue_with_nothing_to_continue_starts_a_new_career(tmp_path: Path) -> None:
    code, out = run_cli("play", "demo", "--plain", "--continue", "--saves", str(tmp_path), stdin="q\n")
    assert code == 0 and "No unfinished career of The Club Cup to continue: a new one starts." in out
    code, out = run_cli("play", "demo", "--continue")
    assert code == 2 and "--continue is for --plain" in out


# -- replays -------------------------------------------------------------------------------------


def test_replay_keys_move_the_timeline_while_a_tall_scene_has_the_focus(tmp_path: Path) -> None:
    from engine.tui.screens.replay import ReplayScreen
    from tests.support.app import saved_career

    career = saved_career(tmp_path / "saves", "demo", 218, DEMO_FOURTH)

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.careers.open_replay(career.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await pilot.press("right")
        await pilot.pause()
        scroll = screen.query_one("#replay-scroll")
        assert scroll.max_scroll_y > 0  # the scene is taller than the screen
        scroll.focus()
        await pilot.pause()
        for key, at in (("end", 5), ("home", 0), ("pagedown", 5), ("pageup", 0), ("right", 1)):
            await pilot.press(key)
            await pilot.pause()
            assert screen.at == at, key

    drive(steps, tmp_path, size=(60, 20))


# -- stats you can always see --------------------------------------------------------------------


# Bożena, seed 1: after these choices a locked choice asks for Money, the last of twelve stats.
TO_A_MONEY_LOCK = (
    "count_posts,count_lines,sleep_sleeve,learn_dish,write_kultura,continue,own_way,continue,ask_dance,"
    "continue,go_kokshetau,screw_feet,continue,go_to_bed,write_to_her,continue,want_near,etude_music,"
    "continue,clap_back,go_south,continue,go_almaty,name_bozena,remade,continue,letters"
).split(",")


def test_at_80x24_a_stat_a_locked_choice_asks_for_is_in_sight_and_the_rest_counted(tmp_path: Path) -> None:
    from engine.tui.widgets.stats import StatsPanel

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        screen = play(app)
        panel = screen.query_one(StatsPanel)
        await choose_all(app, pilot, TO_A_MONEY_LOCK)
        await pilot.pause()
        assert "money" in screen.needed_stats()
        top, height = panel.scroll_y, panel.scrollable_content_region.height
        for sid in screen.needed_stats():
            row = screen.query_one(f"#stat-{sid}").virtual_region
            assert top <= row.y and row.bottom <= top + height, sid  # in sight, Money though it is last
        regions = [screen.query_one(f"#stat-{st.id}").virtual_region for st in screen.session.story.stats]
        hidden = sum(1 for r in regions if r.y < top or r.bottom > top + height)
        title = str(panel.query_one("#panel-title", Static).render())
        assert panel.compact  # a line a stat: twelve stats do not fit with their bars
        for st in screen.session.story.stats:  # each line ends with its number, never cut off
            row = screen.query_one(f"#stat-{st.id}")
            line = str(row.render()).rstrip()
            value = screen.session.state.stats[st.id]
            assert f" {value}" in line and len(line) <= row.size.width, line
        assert ("more" in title) == (hidden > 0)  # anything out of sight is said

    drive(steps, tmp_path, start_story="bozena", seed=1, size=(80, 24))


def test_b_hides_the_sidebar_and_it_stays_hidden_next_time(tmp_path: Path) -> None:
    from engine.tui.settings import Settings

    path = tmp_path / "settings.json"

    async def hide(app: PointeEdgeApp, pilot: Pilot) -> None:
        await pilot.press("b")
        await pilot.pause()
        assert not play(app).query_one("#sidebar").display

    drive(hide, tmp_path, start_story="demo", seed=1, settings=Settings(reveal="off", path=path))
    assert Settings.load(path).sidebar is False

    async def still_hidden(app: PointeEdgeApp, pilot: Pilot) -> None:
        assert not play(app).query_one("#sidebar").display
        await pilot.press("b")
        await pilot.pause()
        assert play(app).query_one("#sidebar").display

    drive(still_hidden, tmp_path, start_story="demo", seed=1, settings=Settings.load(path))


# -- reading comfort -------------------------------------------------------------------------------


def test_a_long_lock_reason_wraps_under_its_choice_not_under_the_number() -> None:
    from engine.play.session import ChoiceView
    from engine.tui.widgets.choices import choice_prompt
    from tests.support.app import plain

    label = ((("Try out for the club's synchronized team instead", 0),),)
    view = ChoiceView("x", 4, label, True, "only when nursing a sore ankle", None)
    lines = plain(choice_prompt(view), width=50).splitlines()
    assert lines[0].startswith("4  Try out for the club's") and len(lines) > 1
    assert all(line.startswith("   ") for line in lines[1:]), lines  # under the words


# -- the app's own edges ---------------------------------------------------------------------------


def test_a_keymap_file_remaps_the_games_keys_and_says_what_it_cannot_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from tests.support.app import notices

    keymap = tmp_path / "keymap.json"
    keymap.write_text(json.dumps({"play.undo": "z", "play.stats": "x", "no.such": "y", "play.save": 5}))
    monkeypatch.setenv("POINTE_EDGE_KEYMAP", str(keymap))

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
        await choose_all(app, pilot, ["run_program"])
        await pilot.press("z")  # undo, on the player's key
        await pilot.pause()
        assert play(app).session.journal == ()
        await pilot.press("x")
        await pilot.pause()
        assert type(app.screen).__name__ == "StatsScreen"
        said = notices(app)
        assert "Your keymap names no action of the game: “no.such”." in said
        assert any("gives “play.save” no keys" in line for line in said)

    drive(steps, tmp_path, start_story="demo", seed=1)


def test_every_binding_of_the_game_has_an_id_and_the_guide_lists_them() -> None:
    from engine.tui.app import PointeEdgeApp as App
    from engine.tui.screens.ending import EndingScreen
    from engine.tui.screens.play import PlayScreen
    from engine.tui.screens.replay import ReplayScreen
    from engine.tui.screens.saves import SavesScreen
    from engine.tui.screens.title import TitleScreen

    guide = (ROOT / "docs" / "authoring.md").read_text()
    for owner in (App, PlayScreen, TitleScreen, EndingScreen, ReplayScreen, SavesScreen):
        for binding in owner.BINDINGS:
            if binding.action.startswith("choose_number"):  # type: ignore[union-attr]
                continue
            assert binding.id, (owner.__name__, binding)  # type: ignore[union-attr]
            assert f"`{binding.id}`" in guide, binding.id  # type: ignore[union-attr]


def test_a_scene_read_in_an_earlier_career_appears_at_once_when_skipping_is_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.saves.store import SaveStore
    from engine.tui.settings import Settings
    from tests.support.app import saved_career

    saves = tmp_path / "saves"
    saved_career(saves, "demo", 1, ["run_program"])  # read: Early Ice, The Walk Home
    assert {"training.early_ice", "training.after_session"} <= SaveStore(saves).read_scenes("demo")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "full")  # the reveal runs, as for a player

    def career(skip: bool):  # type: ignore[no-untyped-def]
        async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:
            prose = play(app).query_one(Prose)
            assert prose.revealing is not skip  # Early Ice: read before
            play(app).action_finish_text()
            await choose_all(app, pilot, ["drill_salchow"])  # seed 1: a sprain, never read before
            assert prose.revealing

        return steps

    for skip in (True, False):
        settings = Settings(reveal="fast", skip_read=skip)
        drive(career(skip), tmp_path, start_story="demo", seed=1, settings=settings)


# -- the endings gallery ---------------------------------------------------------------------------


def test_the_endings_gallery_shows_hints_only_after_a_finished_career(tmp_path: Path) -> None:
    from textual.widgets import Static as S

    from engine.tui.screens.dialogs import EndingsScreen
    from tests.support.app import plain, saved_career

    endings = {s.id: s.ending for s in story("demo").endings}
    assert all(e is not None and e.hint for e in endings.values())  # every ending has its hint

    async def before(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.screen.query_one("#card-demo").focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EndingsScreen)
        shown = plain(app.screen.query_one("#endings-list", S).content)
        assert shown.lstrip().startswith("0 of 6 found")
        assert not any(e.hint in shown for e in endings.values() if e is not None)
        assert "Hints to the others appear once you have finished a career of this story." in shown

    drive(before, tmp_path)
    saved_career(tmp_path / "saves", "demo", 218, DEMO_FOURTH)  # an ending: Fourth by a Point

    async def after(app: PointeEdgeApp, pilot: Pilot) -> None:
        app.screen.query_one("#card-demo").focus()
        await pilot.press("e")
        await pilot.pause()
        shown = plain(app.screen.query_one("#endings-list", S).content)
        assert shown.lstrip().startswith("1 of 6 found") and "✓ Fourth by a Point  (bittersweet)" in shown
        for sid, ending in endings.items():
            assert ending is not None
            if sid != "competition.fourth":  # not found: its hint, never its title
                assert f"· not yet found\n  {ending.hint}" in shown and ending.title not in shown

    drive(after, tmp_path)
