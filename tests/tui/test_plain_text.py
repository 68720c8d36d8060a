"""Nothing from a story, a save or a player is ever read as markup.

A story's title, a flag's label (in a locked choice's reason), a stat's help and a save's name
all reach the screen; each carries `[/]` (which would crash the app if read as markup) and
`[optional]` (which would vanish). Notifications are on, as for a player, so a toast that
reads markup fails the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import rich.markup
import rich.text
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from engine.core.textsafe import has_unsafe
from engine.tui.app import PointeEdgeApp
from engine.tui.messages import NameSave, OpenAuthorView, OpenSaves, StartCareer
from engine.tui.screens.dialogs import ConfirmScreen, MessageScreen
from engine.tui.screens.ending import EndingScreen
from engine.tui.screens.saves import SavesScreen
from engine.tui.screens.title import card_id
from engine.tui.widgets.text import literal_markup
from tests.support import ROOT
from tests.support.app import choose_all, copy_story, drive, edit, notices, play, shown

TITLE = "The Club Cup [/] [optional]"


async def name_a_save_and_ask_to_delete_it(app: PointeEdgeApp, pilot: Pilot, name: str) -> str:  # type: ignore[type-arg]
    """Save the career under `name` as a player types it, then ask to delete that save from the
    saves screen: what the notice said (checked by the caller) and the question asked."""
    app.post_message(NameSave(play(app).recorder))
    await pilot.pause()
    app.screen.query_one(Input).value = name
    await pilot.press("enter")
    await pilot.pause()
    app.post_message(OpenSaves("load"))
    await pilot.pause()
    saves = app.screen
    assert isinstance(saves, SavesScreen)
    named = next(i for i, info in enumerate(saves.infos) if not info.autosave)
    saves.query_one(OptionList).highlighted = named
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    return shown(app.screen.query_one(".question", Static))


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
        question = await name_a_save_and_ask_to_delete_it(app, pilot, "[/] mine [optional]")
        assert "Saved as “[/] mine [optional]”." in notices(app)
        assert question == f"Delete {TITLE}: [/] mine [optional], 1 choice?"

    drive(steps, tmp_path, stories_dir=stories)


# -- every place, with markup that acts ----------------------------------------------------------

MARK = "ZQX"  # found in every probe, so a markup parser that meets a story's words is seen


def probe(folder: Path) -> str:
    """Markup that would write a file when clicked, close a tag that is not open (a crash), and
    style a word: shown as written, it does none of these."""
    return f"[@click=app.screenshot('x.svg','{folder}')]{MARK}[/] [bold]b[/bold] [/] [optional] [$x]"


class MarkupSeen:
    """Every string a markup parser (Textual's or Rich's) was given that carries a story's words:
    each must come out as exactly those words, with no action in any span."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
        self.text, self.wrong, self.parsed = text, list[str](), 0
        parse_content, parse_rich = Content.from_markup.__func__, rich.markup.render  # type: ignore[attr-defined]

        def content(cls: type[Content], markup: str | Content, **variables: object) -> Content:
            if isinstance(markup, str) and MARK in markup:
                self.parsed += 1
                try:
                    result = parse_content(cls, markup, **variables)
                except Exception as err:
                    self.wrong.append(f"{markup!r}: {err}")
                    raise
                self.check(markup, result.plain, [str(span.style) for span in result.spans])
                return result
            return parse_content(cls, markup, **variables)

        def rich_render(markup: str, *args: Any, **kwargs: Any) -> Text:
            if MARK in markup:
                self.wrong.append(f"Rich markup parsed: {markup!r}")
            return parse_rich(markup, *args, **kwargs)

        monkeypatch.setattr(Content, "from_markup", classmethod(content))
        monkeypatch.setattr(rich.markup, "render", rich_render)
        monkeypatch.setattr(rich.text, "render", rich_render, raising=False)

    def check(self, markup: str, plain: str, styles: list[str]) -> None:
        if self.text not in plain or any("@click" in s or "screenshot" in s for s in styles):
            self.wrong.append(f"{markup!r} read as {plain!r}")


def quote(text: str) -> str:
    return '"' + text + '"'


def probed_demo(stories: Path, text: str) -> Path:
    """The demo with `text` after every title, label, help, name, role and milestone."""
    demo = copy_story(ROOT / "stories" / "demo", stories)
    field = re.compile(
        r"^(\s*(?:title|label|help|name|role|milestone|protagonist|group): )(?![{\[>|])(.+?)\s*$"
    )
    for path in demo.rglob("*.yaml"):
        if path.parent.name == "tests":
            continue
        lines = []
        for line in path.read_text().splitlines():
            m = field.match(line)
            if m:
                value = m.group(2).split("  #")[0].strip().strip('"')
                line = m.group(1) + quote(f"{value} {text}")
            lines.append(line)
        path.write_text("\n".join(lines) + "\n")
    edit(
        demo / "story.yaml",
        "{label: nursing a sore ankle}",
        "{label: " + quote(f"nursing a sore ankle {text}") + "}",
    )
    edit(demo / "story.yaml", '"Jumps, spins and clean edges."', quote(f"Jumps {text}"))
    edit(demo / "story.yaml", "{label: Technique,", "{label: " + quote(f"Technique {text}") + ",")
    edit(demo / "story.yaml", "{label: Coach Saule,", "{label: " + quote(f"Coach Saule {text}") + ",")
    return demo


def test_markup_that_acts_is_shown_as_written_wherever_a_story_or_a_player_puts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    text = probe(tmp_path)
    probed_demo(stories, text)
    seen = MarkupSeen(monkeypatch, text)
    screenshots: list[object] = []
    monkeypatch.setattr(PointeEdgeApp, "action_screenshot", lambda *a, **k: screenshots.append(a))
    monkeypatch.setattr(PointeEdgeApp, "save_screenshot", lambda *a, **k: screenshots.append(a))

    async def steps(app: PointeEdgeApp, pilot: Pilot[int]) -> None:
        assert text in str(app.screen.query_one("#card-demo").render())
        app.action_command_palette()
        await pilot.pause()
        await pilot.press(*MARK.lower())  # the story's command found by a search on its words
        await pilot.pause()
        await pilot.press("escape")
        app.post_message(StartCareer("demo"))
        await pilot.pause()
        for row in play(app).query(".stat-row"):
            assert row.tooltip is None or isinstance(row.tooltip, Text)
        assert text in shown(play(app).query_one("#scene-title", Static))
        await pilot.press("p")  # people: names, roles
        await pilot.pause()
        await pilot.press("escape")
        app.action_help()  # help: every stat's label and help
        await pilot.pause()
        await pilot.press("escape")
        play(app).choose("run_program")
        await pilot.pause()
        await pilot.press("4")  # locked: the reason (a flag's label) is told in a toast
        await pilot.pause()
        assert f"Locked: only when nursing a sore ankle {text}." in notices(app)
        app.post_message(OpenAuthorView())  # the map: chapter and scene titles, ways out
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        question = await name_a_save_and_ask_to_delete_it(app, pilot, f"mine {text}")
        assert f"Saved as “mine {text}”." in notices(app)
        assert question.startswith(f"Delete The Club Cup {text}: mine [@click=")  # a long name is cut
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        app.post_message(StartCareer("demo"))
        await pilot.pause()
        await choose_all(
            app, pilot, ["run_program", "evening_session", "save_legs", "single_salchow", "continue"]
        )
        assert isinstance(app.screen, EndingScreen)  # ending title, milestones, stat labels
        app.shelf.flush(timeout=10)
        app.screen.action_replay()  # the replay: scene titles, where-line
        await pilot.pause()
        for _ in range(3):
            await pilot.press("right")
            await pilot.pause()

    drive(steps, tmp_path, stories_dir=stories)
    assert seen.wrong == [] and screenshots == []
    assert not (tmp_path / "x.svg").exists()
    assert seen.parsed > 0  # the palette parses its (literal) titles: the check did look


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from([*"[]\\/@=$#:;,.'() aX"]), max_size=40)
    | st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=40)
)
def test_literal_markup_reads_back_as_exactly_the_text(text: str) -> None:
    """Whatever a story's title says (it holds no control character: the loader refuses them)."""
    assert Content.from_markup(literal_markup(text)).plain == text


def test_a_story_whose_names_carry_escapes_is_refused_with_the_escapes_written_out(tmp_path: Path) -> None:
    """A key and a folder name with OSC 0 (retitle the window) and a bidi override: the card and
    the "cannot be played" dialog show `<U+001B>`, never the character."""
    attack = "\x1b]0;PWNED\x07\u202e"
    stories = tmp_path / "stories"
    stories.mkdir()
    demo = copy_story(ROOT / "stories" / "demo", stories)
    story = demo.rename(stories / f"demo{attack}")
    edit(story / "story.yaml", "flags:\n", 'flags:\n  "sore\\e]0;PWNED\\a\\u202e": {label: x}\n')
    raw = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

    async def steps(app: PointeEdgeApp, pilot: Pilot[int]) -> None:
        card = str(app.screen.query_one(f"#{card_id(story.name)}").render())
        assert "demo<U+001B>]0;PWNED<U+0007><U+202E>" in card and not raw.search(card)
        app.post_message(StartCareer(story.name))
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        text = "\n".join(shown(s) for s in app.screen.query(Static))
        assert "E012" in text or "control characters" in text
        assert "sore<U+001B>]0;PWNED<U+0007><U+202E>" in text and not raw.search(text)

    drive(steps, tmp_path, stories_dir=stories)


def test_a_pasted_save_name_is_stored_and_shown_without_its_escapes(tmp_path: Path) -> None:
    async def steps(app: PointeEdgeApp, pilot: Pilot[int]) -> None:
        app.post_message(StartCareer("demo"))
        await pilot.pause()
        app.post_message(NameSave(play(app).recorder))
        await pilot.pause()
        app.screen.query_one(Input).value = "mine\x1b]0;PWNED\x07\u202e [/]"
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved as “mine [/]”." in notices(app)
        app.shelf.flush(timeout=10)

    drive(steps, tmp_path)
    index = (tmp_path / "saves" / "index.json").read_text()
    assert "mine [/]" in index
    stored = json.dumps(json.loads(index), ensure_ascii=False)
    assert not has_unsafe(stored) and "\\u001b" not in stored.lower()
