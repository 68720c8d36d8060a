"""Text that varies and remembers: variations keyed to the scene's visits, `revisit`, emphasis
in printed literals, once-only and fallback choices, and old saves without `taken`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.model import Story
from engine.play.session import ChoiceError, Session
from engine.play.state import GameState
from engine.saves.format import parse_career
from engine.saves.record import resume
from tests.support import ROOT

SCOPE = ex.Scope({"nerve": 0}, {}, lambda r: None)


class _Compiled:
    def __init__(self, piece):  # type: ignore[no-untyped-def]
        self.tree = piece[2]
        self.fn = ex.compile_node(piece[2], SCOPE)


def _link(text: str, scene: str = "s") -> tpl.Template:
    paragraphs, problems = tpl.parse(text)
    assert problems == []
    return tpl.link(paragraphs, iter(_Compiled(p) for p in tpl.expression_pieces(paragraphs)), scene)


def _reads(text: str, visits: int, rng: int = 0, nerve: int = 60) -> str:
    state = SimpleNamespace(stats={"nerve": nerve}, flags={}, visits={"s": visits}, turn=0, rng=rng)
    return tpl.to_plain(_link(text).render(state))


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("{seq: a | b | c}", ["a", "b", "c", "c", "c"]),
        ("{cycle: a | b}", ["a", "b", "a", "b", "a"]),
        ("{once: a | b}", ["a", "b", "", "", ""]),
        ("x {once: | again} y.", ["x y.", "x again y.", "x y.", "x y.", "x y."]),
        ("{seq: one {nerve} | two}", ["one 60", "two", "two", "two", "two"]),
        ("{seq: a {cycle: b | c} | d}", ["a b", "d", "d", "d", "d"]),
        ("{seq: a\\|b | c}", ["a|b", "c", "c", "c", "c"]),
        ("{seq: {{x}} | y}", ["{x}", "y", "y", "y", "y"]),
    ],
)
def test_each_kind_of_variation_reads_by_the_visit(text: str, reads: list[str]) -> None:
    assert [_reads(text, n) for n in range(1, 6)] == reads


def test_a_text_read_before_any_visit_reads_as_the_first() -> None:
    assert _reads("{seq: a | b}", 0) == "a"


def test_a_fragment_keeps_and_toggles_the_style_around_it() -> None:
    state = SimpleNamespace(stats={}, flags={}, visits={"s": 1}, turn=0)
    assert _link("*x {seq: y **z**}*").render(state) == (
        (("x y ", tpl.ITALIC), ("z", tpl.ITALIC | tpl.BOLD)),
    )


def test_a_shuffle_is_the_same_for_the_same_rng_and_visit_and_differs_between_them() -> None:
    text = "{shuffle: a | b | c | d | e | f | g | h}"
    by_rng = {rng: [_reads(text, n, rng) for n in range(1, 9)] for rng in range(12)}
    assert by_rng == {rng: [_reads(text, n, rng) for n in range(1, 9)] for rng in range(12)}
    assert len({tuple(r) for r in by_rng.values()}) > 1  # careers read differently
    assert all(len(set(r)) > 1 for r in by_rng.values())  # visits read differently
    assert {x for r in by_rng.values() for x in r} == set("abcdefgh")


def test_a_shuffle_mixes_in_the_scene_so_two_scenes_shuffle_apart() -> None:
    text = "{shuffle: a | b | c | d | e | f | g | h}"
    states = [
        SimpleNamespace(stats={}, flags={}, visits={"p": n, "q": n}, turn=0, rng=7) for n in range(1, 9)
    ]
    p = [tpl.to_plain(_link(text, "p").render(s)) for s in states]
    q = [tpl.to_plain(_link(text, "q").render(s)) for s in states]
    assert p != q


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{seq: a | b", "this variation is not closed"),
        ("{seq: a\n\nb}", "this variation is not closed"),
        ("{sequence: a | b}", "`sequence:` is not a kind of variation"),
        ("{seq: *a | b}", "`*` is not closed in this fragment"),
    ],
)
def test_malformed_variations_are_reported(text: str, message: str) -> None:
    _, problems = tpl.parse(text)
    assert [p.message for p in problems if isinstance(p, tpl.TemplateError)][:1] == [message]


@given(st.text(alphabet="{}|:*\\ab seqcylonhuf\n", max_size=60))
def test_any_text_parses_to_pieces_or_problems_never_a_crash(text: str) -> None:
    paragraphs, problems = tpl.parse(text)
    if not problems:
        tpl.link(paragraphs, iter(_Compiled(p) for p in tpl.expression_pieces(paragraphs)), "s")


@pytest.mark.parametrize(
    ("literal", "spans"),
    [
        ("so *tired*", (("so ", tpl.PLAIN), ("tired", tpl.ITALIC))),
        ("**yes**.", (("yes", tpl.BOLD), (".", tpl.PLAIN))),
        (" and \\*5", ((" and *5", tpl.PLAIN),)),
        ("*open", None),
    ],
)
def test_a_printed_literal_is_styled_once_at_load(literal: str, spans: tuple[tpl.Span, ...] | None) -> None:
    assert tpl.emphasis(literal) == spans


def test_emphasis_in_an_if_fragment_renders_styled() -> None:
    text = 'A. {if nerve > 50 then "It *holds*." else "It **folds**."} B.'
    state = SimpleNamespace(stats={"nerve": 60}, flags={}, visits={}, turn=0)
    assert _link(text).render(state) == ((("A. It ", tpl.PLAIN), ("holds", tpl.ITALIC), (". B.", tpl.PLAIN)),)
    state.stats["nerve"] = 10
    assert _link(text).render(state)[0][1] == ("folds", tpl.BOLD)


def test_the_bundled_careers_print_no_literal_asterisks() -> None:
    from engine.author import walk

    for sid in ("magdalena", "bozena", "halima"):
        story = load_checked(sid, cache=False).story
        assert story is not None
        styled = [t for _, t in walk.templates(story) if t.styled]
        assert styled, sid  # each has `{if}` fragments with emphasis...
        for template in styled:
            for literal, spans in template.styled.items():
                assert "*" in literal and all("*" not in text for text, _ in spans)  # ...now styled


# -- a story -----------------------------------------------------------------------------------

MANIFEST = "id: v\ntitle: V\nstart: main.rink\nstats:\n  nerve: {start: 50}\n"
SCENES = """\
chapter: main
scenes:
  rink:
    text: "{seq: First time. | Second time.}"
    revisit: "Back {seq: again | once more}."
    choices:
      - text: "Lap {cycle: one | two}"
        id: lap
        goto: rink
      - text: Ask about the triple
        id: ask
        once: true
        goto: rink
      - text: Try it
        id: try_it
        if: nerve > 90
        locked: true
        goto: end
      - text: Leave
        id: leave
        fallback: true
        goto: end
  quiet:
    text: Quiet.
    choices:
      - text: Ask once
        id: once_a
        once: true
        goto: quiet
      - text: Ask twice
        id: once_b
        once: true
        call: detour
      - text: Go
        id: go
        fallback: true
        goto: end
  detour:
    text: "Detour {seq: one | two}."
    return: true
  end:
    text: End.
    ending: {title: End, tone: triumph}
"""


@pytest.fixture
def story(tmp_path: Path) -> Story:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "main.yaml").write_text(SCENES)
    loaded = load_checked(tmp_path, cache=False)
    assert [d.format() for d in loaded.diagnostics if d.is_error] == []
    assert loaded.story is not None
    return loaded.story


def _ids(s: Session) -> list[tuple[str, bool]]:
    return [(c.id, c.locked) for c in s.choices]


def test_revisit_replaces_the_text_from_the_second_visit_and_counts_from_there(story: Story) -> None:
    s = Session(story, 1)
    assert tpl.to_plain(s.text) == "First time."
    s.choose("lap")
    assert tpl.to_plain(s.text) == "Back again."
    s.choose("lap")
    assert tpl.to_plain(s.text) == "Back once more."


def test_a_choice_text_counts_the_visits_of_its_scene(story: Story) -> None:
    s = Session(story, 1)
    assert s.choices[0].label == "Lap one"
    s.choose("lap")
    assert s.choices[0].label == "Lap two"


def test_once_only_is_gone_when_taken_and_the_fallback_waits_for_every_other_to_close(story: Story) -> None:
    s = Session(story, 1)
    assert _ids(s) == [("lap", False), ("ask", False), ("try_it", True)]
    s.choose("ask")
    assert _ids(s) == [("lap", False), ("try_it", True)]
    assert s.state.taken == {"main.rink/ask": 1}
    with pytest.raises(ChoiceError, match="no choice 'ask' here"):
        s.choose("ask")
    with pytest.raises(ChoiceError, match="no choice 'leave' here"):
        s.choose("leave")  # the fallback is not offered while `lap` is open


def test_the_fallback_appears_when_the_others_are_taken_and_the_fast_path_agrees(story: Story) -> None:
    s = Session(story, 1)
    s.enter("main.quiet")
    assert _ids(s) == [("once_a", False), ("once_b", False)]
    s.choose("once_a")
    assert s.open_choices() == ("once_b",)
    s.choose("once_b")  # a detour...
    assert tpl.to_plain(s.text) == "Detour one."
    s.choose("continue")  # ...returns to the scene without a new visit: both questions gone
    assert s.state.scene == "main.quiet" and _ids(s) == [("go", False)]
    assert s.open_choices() == ("go",)
    s.choose("go")
    assert s.ended


def test_fast_path_and_view_agree_along_random_careers(story: Story) -> None:
    import random

    for seed in range(40):
        s = Session(story, seed, history=False)
        pick = random.Random(seed)
        if seed % 2:
            s.enter("main.quiet")
        for _ in range(12):
            if s.ended:
                break
            shown_open = tuple(c.id for c in s.choices if not c.locked)
            assert s.open_choices() == shown_open
            s.advance(pick.choice(shown_open))


def test_undo_and_a_snapshot_keep_what_was_taken(story: Story) -> None:
    s = Session(story, 1)
    s.choose("ask")
    again = Session.resume(story, json.loads(json.dumps(s.snapshot())))
    assert again.state.taken == {"main.rink/ask": 1} and "ask" not in [c.id for c in again.choices]
    s.undo()
    assert s.state.taken == {} and "ask" in [c.id for c in s.choices]


def test_a_state_without_taken_loads_and_serialises_as_before() -> None:
    state = GameState("a.b", {}, {}, {"a.b": 1}, [], 5)
    data = state.to_dict()
    assert "taken" not in data  # a career without once-only choices writes the same bytes
    assert GameState.from_dict(data) == state
    state.taken["a.b/c"] = 1
    assert GameState.from_dict(state.to_dict()) == state
    with pytest.raises(ValueError, match="taken must be counts"):
        GameState.from_dict({**state.to_dict(), "taken": {"a.b/c": 0}})


def test_a_save_written_before_once_only_choices_loads_and_replays() -> None:
    """tests/data/saves/demo_before_once.json: the demo played 6 steps and saved by the code
    before `taken` existed (its state has no `taken`). The demo has changed since (its failed
    double salchow now calls the sprain detour), so the save replays up to that step and says
    why it stops there, as any save of an edited story does; the saves of the frozen rules story
    (tests/unit/test_rolls.py, test_detours.py) replay whole."""
    data = json.loads((ROOT / "tests" / "data" / "saves" / "demo_before_once.json").read_text())
    assert "taken" not in data["state"]
    career = parse_career(data)
    assert GameState.from_dict(data["state"]).taken == {}
    demo = load_checked("demo", cache=False).story
    assert demo is not None
    resumed = resume(demo, career)
    assert len(career.steps) == 6 and resumed.valid_steps == 5
    assert resumed.problem == "step 6: the story now leads to “Ice and Tape” instead of “competition.scores”"
    assert resumed.session.state.taken == {}


def test_check_refuses_a_fallback_with_an_if(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    scenes = SCENES.replace(
        "        id: go\n        fallback: true\n",
        "        id: go\n        fallback: true\n        if: nerve > 1\n",
    )
    (tmp_path / "main.yaml").write_text(scenes)
    found = [d for d in load_checked(tmp_path, cache=False).diagnostics if d.code == "E028"]
    assert len(found) == 1 and "cannot have an `if`" in found[0].message
    assert found[0].hint and "remove the `if`" in found[0].hint


def test_a_text_in_yaml_is_parsed_with_variations_at_their_places(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    text = textwrap.dedent(
        """\
        chapter: main
        scenes:
          rink:
            text: |
              Hello {seq: a | b
              and c}.
            ending: {title: E, tone: triumph}
        """
    )
    (tmp_path / "main.yaml").write_text(text)
    loaded = load_checked(tmp_path, cache=False)
    assert loaded.story is not None
    assert [d.code for d in loaded.diagnostics if d.is_error] == []
    s = Session(loaded.story, 1)
    assert tpl.to_plain(s.text) == "Hello a."
    (tmp_path / "main.yaml").write_text(text.replace("and c}", "and c"))
    bad = [d for d in load_checked(tmp_path, cache=False).diagnostics if d.code == "E046"]
    assert [(d.line, d.col) for d in bad] == [(5, 13)]


@given(st.text(alphabet='{}|:*\\ab seqcylonhuf\n"', max_size=50))
def test_any_text_in_a_story_file_loads_or_is_reported_where_it_is(text: str) -> None:
    import tempfile

    body = textwrap.indent(text, "      ") if text.strip() else "      x"
    ending = "    ending: {title: E, tone: triumph}\n"
    scenes = f"chapter: main\nscenes:\n  rink:\n    text: |\n{body}\n{ending}"
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "story.yaml").write_text(MANIFEST)
        (Path(folder) / "main.yaml").write_text(scenes)
        loaded = load_checked(folder, cache=False)
    lines = scenes.count("\n")
    for d in loaded.diagnostics:
        assert d.code != "E046" or 4 <= d.line <= lines, d.format()
    if loaded.story is not None and not any(d.is_error for d in loaded.diagnostics):
        s = Session(loaded.story, 1)
        for _ in range(3):
            tpl.to_plain(s.text)
            s.enter("main.rink")
