"""Positions: the engine's 1-based characters and the protocol's 0-based code units agree on
any text, in each encoding a client may choose; a client's position never indexes out of range."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.lsp.positions import Place, SourceText, split_lines, to_index, to_units, units

ENCODINGS = ("utf-8", "utf-16", "utf-32")
# Story text: Kazakh and Polish names, typographic quotes, emoji beyond the BMP, and plain ASCII.
_CHARS = st.sampled_from(list("aZ _:{}\"'“”‘’—…ӘәҚқҢңӨөҰұҮүІіЖжŁłŻżБожена🥇⛸🩰\t"))
_LINE = st.text(_CHARS, max_size=30)


def _real(text: str, encoding: str) -> int:
    """Code units as the encoding itself counts them."""
    width = {"utf-8": 1, "utf-16": 2, "utf-32": 4}[encoding]
    return len(text.encode(encoding.replace("utf-16", "utf-16-le").replace("utf-32", "utf-32-le"))) // width


@settings(max_examples=200, deadline=None)
@given(_LINE, st.sampled_from(ENCODINGS))
def test_units_are_the_encodings_own(text: str, encoding: str) -> None:
    assert units(text, encoding) == _real(text, encoding)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(_LINE, st.integers(0, 40), st.sampled_from(ENCODINGS))
def test_a_character_index_goes_there_and_back(line: str, index: int, encoding: str) -> None:
    column = to_units(line, index, encoding)  # type: ignore[arg-type]
    assert to_index(line, column, encoding) == min(index, len(line))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(_LINE, st.integers(-5, 80), st.sampled_from(ENCODINGS))
def test_any_column_a_client_sends_lands_on_a_character_of_the_line(
    line: str, column: int, encoding: str
) -> None:
    index = to_index(line, column, encoding)  # type: ignore[arg-type]
    assert 0 <= index <= len(line)
    assert to_units(line, index, encoding) <= max(0, column)  # rounded down, never past it  # type: ignore[arg-type]


def test_after_an_emoji_and_kazakh_letters_the_columns_differ_by_encoding() -> None:
    line = "  - text: 🥇 Әсем “Ару” goto"
    at = line.index("goto")
    assert to_units(line, at, "utf-32") == at
    assert to_units(line, at, "utf-16") == at + 1  # the medal is two UTF-16 units
    assert to_units(line, at, "utf-8") == len(line[:at].encode("utf-8"))
    for encoding in ENCODINGS:
        assert to_index(line, to_units(line, at, encoding), encoding) == at  # type: ignore[arg-type]
    # A column inside the medal's two units is the medal itself.
    medal = line.index("🥇")
    assert to_index(line, medal + 1, "utf-16") == medal


def test_lines_break_where_the_protocol_breaks_them_only() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert split_lines("a\u2028b\x0cc\x85d") == ["a\u2028b\x0cc\x85d"]  # not where str.splitlines does
    assert split_lines("a\n") == ["a", ""]


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=5), st.integers(-3, 9), st.integers(-3, 40), st.sampled_from(ENCODINGS))
def test_source_text_clamps_every_place(lines: list[str], line: int, col: int, encoding: str) -> None:
    text = SourceText("\n".join(lines))
    place = text.from_client(line, col, encoding)  # type: ignore[arg-type]
    assert 0 <= place.line < len(text.lines) and 0 <= place.col <= len(text.lines[place.line])
    back = text.to_client(place, encoding)  # type: ignore[arg-type]
    assert text.from_client(*back, encoding) == place  # type: ignore[arg-type]
    engine = text.place(line + 1, col + 1)
    assert 0 <= engine.line < len(text.lines) and 0 <= engine.col <= len(text.lines[engine.line])


def test_the_engines_line_zero_is_the_start_of_the_file() -> None:
    assert SourceText("id: x\n").place(0, 0) == Place(0, 0)
