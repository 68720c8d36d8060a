"""Hints are right or absent: a suggestion is never the input itself, never drops a letter the
author wrote, and a YAML slip is named on the line where it is."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core.diagnostics import did_you_mean
from engine.load.name_hints import ascii_letters, example_name
from engine.load.parse import NAME, REF, RESERVED, _name_hint
from engine.load.yaml_reader import read

names = st.from_regex(NAME, fullmatch=True).filter(lambda s: len(s) < 20)
raw_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
)


def _letters(raw: str) -> str:
    """The letters and digits of `raw` as an example must keep them, accents dropped."""
    out = []
    for ch in raw.lower():
        if ch.isalnum():
            spelled = ascii_letters(ch)
            assert spelled is not None
            out.append(spelled)
    return "".join(out)


@given(word=names, pool=st.lists(names, max_size=8))
def test_did_you_mean_never_suggests_the_word_itself(word: str, pool: list[str]) -> None:
    hint = did_you_mean(word, [*pool, word])
    assert hint is None or f"`{word}`" not in hint


@given(raw=raw_names, dotted=st.booleans())
def test_an_example_name_is_valid_new_and_keeps_every_letter(raw: str, dotted: bool) -> None:
    example = example_name(raw, dotted)
    if example is None:
        return
    assert example != raw
    assert (REF if dotted else NAME).match(example)
    parts = raw.strip().split(".") if dotted else [raw.strip()]
    if dotted:  # a file name written as the chapter (`gym.yaml.x`) loses only its extension
        parts = [p for p in parts if p.strip() and p.strip().lower() not in ("yaml", "yml")] or parts
    words = example.split(".")
    assert len(words) == len(parts)
    for word, part in zip(words, parts, strict=True):
        letters = _letters(part)
        assert _letters(word.removeprefix("s_") if letters[:1].isdigit() else word) == letters


@given(raw=raw_names)
def test_a_name_hint_never_suggests_the_input(raw: str) -> None:
    for pattern in (NAME, REF):
        hint = _name_hint(raw, pattern)
        assert f"for example `{raw}`" not in hint  # the rule itself quotes `_`, which is no example


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("übung", "lower-case letters, digits and `_`, starting with a letter; for example `ubung`"),
        ("Straße", "lower-case letters, digits and `_`, starting with a letter; for example `strasse`"),
        ("жук", "lower-case letters, digits and `_`, starting with a letter"),
        ("set", "choose another name, for example `my_set`"),
        ("wrist_taped, team", "several names make a list: write `[wrist_taped, team]`"),
        ("2019", "lower-case letters, digits and `_`, starting with a letter; for example `s_2019`"),
    ],
)
def test_name_hints_for_the_names_authors_write(raw: str, hint: str) -> None:
    assert _name_hint(raw, NAME) == hint


def test_a_file_name_written_as_the_chapter_loses_only_its_extension() -> None:
    assert _name_hint("gym.yaml.beam_lesson", REF).endswith("for example `gym.beam_lesson`")


def test_reserved_words_are_all_offered_a_different_name() -> None:
    for word in RESERVED:
        if NAME.match(word):
            assert _name_hint(word, NAME) == f"choose another name, for example `my_{word}`"


def _problem(text: str) -> tuple[str, int, int, str | None]:
    result = read(text.encode())
    assert result.root is None and len(result.problems) == 1
    p = result.problems[0]
    return (p.message, p.line, p.col, p.hint)


@given(
    key=names,
    value=st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool),
    listed=st.booleans(),
)
def test_a_missing_colon_is_named_on_its_own_line(key: str, value: str, listed: bool) -> None:
    dash = "- " if listed else ""
    text = f"scenes:\n  x:\n    {dash}{key} {value}\n    {'  ' * listed}next: b\n"
    message, line, col, hint = _problem(text)
    assert (message, line, col) == (f"`{key}` has no `:` after it", 3, 5 + len(dash))
    assert hint == f"write `{key}: {' '.join(value.split())}`"


@given(lead=st.integers(0, 8), before=st.integers(0, 3))
def test_a_tab_in_the_indentation_says_tab_on_its_line(lead: int, before: int) -> None:
    text = "a:\n" + "  b: 1\n" * before + " " * lead + "\tc: 2\n"
    message, line, col, hint = _problem(text)
    assert (message, line, col) == ("a tab in the indentation", before + 2, lead + 1)
    assert hint is not None and "tab" in hint


@given(value=st.sampled_from(["%+20", "%-5", "@coach", "`x`"]), flow=st.booleans())
def test_a_value_starting_with_a_reserved_character_says_quote_it(value: str, flow: bool) -> None:
    text = f"x:\n  effects: {{grace: {value}}}\n" if flow else f"x:\n  effects:\n    grace: {value}\n"
    message, line, col, hint = _problem(text)
    assert message.startswith("a value cannot start with")
    assert text.splitlines()[line - 1][col - 1] == value[0]
    assert hint == f'put it in quotes: write "{value}"'


def test_a_dash_without_its_space_is_named_on_its_line() -> None:
    text = "x:\n  choices:\n    - text: a\n      goto: b\n    -id: c\n      goto: d\n"
    assert _problem(text) == ("a list dash needs a space after it", 5, 5, "write `- id: c`")


@pytest.mark.parametrize("after", ["      more\n    next: b\n", "    next: b\n  y: 1\n"])
def test_a_dedented_block_line_is_named_where_it_is(after: str) -> None:
    text = "x:\n  y:\n    text: |\n      one\n      two\n    three\n" + after
    message, line, col, hint = _problem(text)
    assert message.startswith("this line is indented less than the `|` text")
    assert (line, col) == (6, 5)
    assert hint == "indent it 6 spaces, like the text's first line"


def test_ascii_letters_spell_accents_off_and_refuse_scripts_without_a_spelling() -> None:
    assert ascii_letters("é") == "e"
    assert ascii_letters("ß") == "ss"
    assert ascii_letters("ж") is None
    assert unicodedata.normalize("NFKD", "ü")[0] == "u"
