"""A diagnostic never spans two lines (issue 17): editors and CI read `file:line:col: ...` one
problem per line, yet a message may quote story text that wraps (a string literal in a `|`
block's `{if}`). `Diagnostic` folds every line break into a space, whatever it is given."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.core.diagnostics import Diagnostic

STORY = "id: x\ntitle: T\nstart: a.one\nstats:\n  nerve: 50\n"
CHAPTER = """chapter: a
scenes:
  one:
    text: |
      You stand. {{if nerve >= 50 then "{first}" else 0 "{second}"}}
    choices:
      - id: go
        text: Go
        goto: two
  two:
    text: Bye.
    ending: {{title: End, tone: triumph}}
"""

words = st.text(alphabet="abcxyz ,.", min_size=1, max_size=8)
breaks = st.sampled_from(["\n", "\r\n", "\r", " \n  ", "\n\n"])
texts = st.lists(st.tuples(words, breaks), min_size=1, max_size=4).map(
    lambda ps: "".join(w + b for w, b in ps)
)


@given(message=st.text(), hint=st.none() | st.text(), scene=st.none() | st.text(), file=st.text())
def test_a_diagnostic_is_one_line_whatever_it_quotes(
    message: str, hint: str | None, scene: str | None, file: str
) -> None:
    d = Diagnostic("E040", message, file, 3, 4, scene, hint)
    assert len(d.format().splitlines()) == 1 or d.format() == ""
    for field in (d.message, d.hint, d.scene, d.file):
        assert field is None or ("\n" not in field and "\r" not in field)


def test_a_line_break_becomes_one_space() -> None:
    d = Diagnostic("E040", 'unexpected `"You look down, and the\n      mat"`', "a.yaml")
    assert d.message == 'unexpected `"You look down, and the mat"`'


def indented(text: str) -> str:
    """Story text continued inside the `|` block (six spaces deep), each break kept."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\n      ")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=texts, second=texts)
def test_a_wrapped_literal_in_an_error_prints_on_one_line(first: str, second: str, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir(exist_ok=True)
    (folder / "story.yaml").write_text(STORY)
    (folder / "a.yaml").write_text(CHAPTER.format(first=indented(first), second=indented(second)))
    result = load_checked(folder, cache=False)
    assert [d.code for d in result.errors] == ["E040"]
    for d in result.diagnostics:
        assert len(d.format().splitlines()) == 1, d.format()
