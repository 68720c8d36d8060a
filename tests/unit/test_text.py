"""Text: paragraphs, emphasis, interpolation, escapes, and that nothing can steer the terminal."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.textsafe import clean, clean_line, has_unsafe
from engine.play.session import Session

SCOPE = ex.Scope({"nerve": 0}, {"hurt": False}, lambda r: None)


class _Compiled:
    def __init__(self, piece):  # type: ignore[no-untyped-def]
        self.tree = piece[2]
        self.fn = ex.compile_node(piece[2], SCOPE)


def render(text: str, nerve: int = 60, hurt: bool = False) -> tpl.Rendered:
    paragraphs, problems = tpl.parse(text)
    assert problems == []
    # tpl.parse gives [style, str] or [style, [source, offset, tree]]: link as the linker does
    linked = tpl.link(paragraphs, iter(_Compiled(p) for p in tpl.expression_pieces(paragraphs)))
    return linked.render(SimpleNamespace(stats={"nerve": nerve}, flags={"hurt": hurt}, visits={}, turn=0))


def test_single_line_breaks_fold_and_blank_lines_make_paragraphs() -> None:
    out = render("The ice steams\nunder the lights.\n\n\nCoach Saule   waits.\n")
    assert tpl.to_plain(out) == "The ice steams under the lights.\n\nCoach Saule waits."


def test_emphasis_becomes_styled_spans_not_markup() -> None:
    out = render("You feel *light* and **sure**, ***both***.")
    assert out == (
        (
            ("You feel ", tpl.PLAIN),
            ("light", tpl.ITALIC),
            (" and ", tpl.PLAIN),
            ("sure", tpl.BOLD),
            (", ", tpl.PLAIN),
            ("both", tpl.BOLD | tpl.ITALIC),
            (".", tpl.PLAIN),
        ),
    )


def test_interpolation_and_conditional_fragments() -> None:
    text = 'Nerve {nerve}. You feel {if nerve > 50 then "calm" else "tense"}.{if hurt then " It hurts."}'
    assert tpl.to_plain(render(text)) == "Nerve 60. You feel calm."
    assert tpl.to_plain(render(text, nerve=10, hurt=True)) == "Nerve 10. You feel tense. It hurts."


def test_interpolation_keeps_the_surrounding_style() -> None:
    assert render("*now {nerve}*") == ((("now 60", tpl.ITALIC),),)


def test_escapes_for_braces_and_asterisks() -> None:
    assert tpl.to_plain(render("{{literal}} and 5 \\* 3")) == "{literal} and 5 * 3"


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("You have {nerve points.", 9, "`{` is not closed"),
        ("a } b", 2, "`}` without `{`"),
        ("You feel *so tired.", 9, "`*` is not closed in this paragraph"),
        ("**bold\n\nnext", 0, "`**` is not closed in this paragraph"),
    ],
)
def test_template_errors_have_offsets(text: str, offset: int, message: str) -> None:
    _, problems = tpl.parse(text)
    assert len(problems) == 1
    (err,) = problems
    assert isinstance(err, tpl.TemplateError)
    assert (err.offset, err.message) == (offset, message)


def test_expression_errors_inside_text_are_located() -> None:
    _, problems = tpl.parse("Start {nerve >} end")
    ((err, start, source),) = problems
    assert isinstance(err, ex.ExprError) and source == "nerve >"
    assert start + err.offset == len("Start {nerve >")


@given(st.text(max_size=200))
def test_parsing_any_text_never_raises(text: str) -> None:
    paragraphs, problems = tpl.parse(text)
    assert isinstance(paragraphs, list)
    for p in problems:
        offset = p.offset if isinstance(p, tpl.TemplateError) else p[1] + p[0].offset
        assert 0 <= offset <= len(text)


# -- terminal safety ------------------------------------------------------------------------------

ATTACKS = [
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;pwned\x07",  # set the window title
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # a hyperlink
    "\x9b31m",  # a C1 control sequence introducer
    "\u202eevil\u202c",  # right-to-left override
    "bell\x07 and backspace\x08",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_control_sequences_are_removed(attack: str) -> None:
    out = clean("before " + attack + " after")
    assert not has_unsafe(out)
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert out.startswith("before ") and out.endswith(" after")


def test_clean_keeps_ordinary_text_untouched() -> None:
    text = "Bożena's first Giselle — «браво!» 🩰\nNext line."
    assert clean(text) == text


@given(st.text())
def test_cleaned_text_is_always_safe(text: str) -> None:
    assert not has_unsafe(clean(text))
    line = clean_line(text)
    assert "\n" not in line and len(line) <= 200 and not has_unsafe(line)


def test_a_story_cannot_inject_escape_sequences_or_markup(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("id: x\ntitle: T\nstart: a.one\nstats:\n  nerve: 50\n")
    (tmp_path / "a.yaml").write_text(
        "chapter: a\nscenes:\n  one:\n"
        '    text: "Clear \\e[2J the screen, [bold red]markup[/] and {nerve}"\n'
        '    ending: {title: "End \\e]0;title\\a", tone: triumph}\n'
    )
    result = load_checked(tmp_path, cache=False)
    assert {d.code for d in result.diagnostics} == {"E012"}  # reported to the author...
    session = Session(result.story, 1)  # type: ignore[arg-type]
    text = tpl.to_plain(session.text)
    assert "\x1b" not in text and "\x1b" not in session.ending.title  # type: ignore[union-attr]
    assert "[bold red]markup[/]" in text  # ...and shown literally, never interpreted as markup


def test_an_empty_fragment_leaves_no_double_space_and_no_stray_edge() -> None:
    text = 'A. {if hurt then "B."} C. {if hurt then "D."}\n\n{if hurt then "E."} F.'
    assert tpl.to_plain(render(text)) == "A. C.\n\nF."
    assert tpl.to_plain(render(text, hurt=True)) == "A. B. C. D.\n\nE. F."
    assert render('*{if hurt then "x"}* y') == ((("y", tpl.PLAIN),),)


def test_a_word_hyphenated_at_a_line_break_stays_one_word() -> None:
    assert tpl.to_plain(render("twenty-\nfour skaters, a half -\ndozen coaches")) == (
        "twenty-four skaters, a half - dozen coaches"
    )


_TOKENS = st.sampled_from(
    [
        "You ",
        "skate",
        " ",
        "  ",
        ".",
        "*",
        "**",
        "\n",
        "\n\n",
        "{nerve}",
        "{nerve / 3}",
        "{-nerve}",
        '{if nerve > 50 then "calm" else "tense"}',
        '{if nerve > 50 then "calm" else "two words"}',
        '{if hurt then " It hurts."}',
        '{if hurt then "sore" else ""}',
        '{if hurt then "*sore*" else "fine"}',
        "{seq: a | b}",
    ]
)


@given(
    tokens=st.lists(_TOKENS, max_size=14),
    nerve=st.integers(min_value=-5, max_value=120),
    hurt=st.booleans(),
)
def test_the_fast_way_of_rendering_gives_exactly_what_the_general_way_does(
    tokens: list[str], nerve: int, hurt: bool
) -> None:
    # Template.plan renders most texts without tidying: it must never change a single span.
    import dataclasses

    paragraphs, problems = tpl.parse("".join(tokens))
    if problems:
        return
    compiled = []
    for piece in tpl.expression_pieces(paragraphs):
        e = _Compiled(piece)
        e.type = ex.infer(piece[2], SCOPE)[0]  # type: ignore[attr-defined]
        compiled.append(e)
    linked = tpl.link(paragraphs, iter(compiled))  # type: ignore[arg-type]
    state = SimpleNamespace(stats={"nerve": nerve}, flags={"hurt": hurt}, visits={}, turn=0)
    general = dataclasses.replace(linked, plan=None)
    assert linked.render(state) == general.render(state)  # type: ignore[arg-type]


def test_an_ordinary_interpolating_text_takes_the_fast_way() -> None:
    story = load_checked("demo").story
    assert story is not None
    texts = [s.text for s in story.scenes.values() if s.text is not None and s.text.constant is None]
    assert texts and sum(t.plan is not None for t in texts) >= len(texts) // 2


@given(st.lists(st.text(max_size=12), max_size=4))
def test_plain_paragraphs_link_as_the_general_way_links_them(paragraphs: list[str]) -> None:
    # tpl.link takes a shortcut for text without a single expression: it must change nothing.
    shortcut = tpl.link(paragraphs, iter(()))
    general = tpl.link(iter(paragraphs), iter(()))  # an iterator takes the general way
    assert shortcut == general
