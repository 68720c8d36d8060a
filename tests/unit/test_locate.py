"""Placing a character of a value in its file (yaml_reader.Source).

Most values are placed by arithmetic (`Source._direct`: a one-line value that reads as written,
or a literal `|` block); the rest are walked character by character. Both must agree wherever
the arithmetic answers, or a diagnostic's column would depend on which way it was found.
"""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from engine.load import yaml_reader as yr
from tests.support import ROOT


def _strings(v: yr.Value) -> Iterator[yr.Value]:
    stack = [v]
    while stack:
        v = stack.pop()
        if isinstance(v.value, dict):
            stack.extend(v.value.values())
        elif isinstance(v.value, list):
            stack.extend(v.value)
        elif isinstance(v.value, str) and v.value.strip():
            yield v


def _both(source: yr.Source, v: yr.Value) -> tuple[list[int] | None, list[int]]:
    assert isinstance(v.value, str)
    offsets = [k for k, ch in enumerate(v.value) if not ch.isspace()]
    direct = source._direct(v, offsets)
    walked = yr.Source(source.text)
    walked._direct = lambda *_: None  # type: ignore[method-assign]
    return direct, walked._walk(v, offsets)


def test_every_bundled_value_is_placed_alike_either_way() -> None:
    answered = 0
    for path in sorted((ROOT / "stories").rglob("*.yaml")):
        read = yr.read(path.read_bytes())
        assert read.root is not None
        for v in _strings(read.root):
            direct, walked = _both(read.source, v)
            if direct is not None:
                answered += 1
                assert direct == walked, (path, v.line)
    assert answered > 1000  # nearly every value: the arithmetic is the usual way


_LINE = st.text(alphabet="ab c{}*-:'\"\\#é—", max_size=12)


@given(
    lines=st.lists(_LINE, min_size=1, max_size=5),
    indent=st.integers(2, 6),
    style=st.sampled_from(["|", "|-", ">"]),
)
def test_a_block_of_any_lines_is_placed_alike_either_way(lines: list[str], indent: int, style: str) -> None:
    body = "".join(" " * indent + line.rstrip() + "\n" for line in lines)
    read = yr.read(f"text: {style}\n{body}".encode())
    if read.root is None or not isinstance(read.root.value, dict):
        return
    for v in _strings(read.root):
        direct, walked = _both(read.source, v)
        assert direct is None or direct == walked


@given(
    value=st.text(alphabet="ab c{}*-:'\"é", min_size=1, max_size=20), quote=st.sampled_from(["", "'", '"'])
)
def test_a_one_line_value_is_placed_alike_either_way(value: str, quote: str) -> None:
    read = yr.read(f"text: {quote}{value}{quote}\n".encode())
    if read.root is None or not isinstance(read.root.value, dict):
        return
    for v in _strings(read.root):
        direct, walked = _both(read.source, v)
        assert direct is None or direct == walked
