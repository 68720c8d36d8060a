"""A problem that only linking finds in an expression (an unknown name, a type error) is
reported where it is written, however the expression is written (issue 17): on the second line
of a wrapped condition, after an escape in a quoted one, inside a `{...}` that wraps in a text.
It used to be the expression's start plus the offset, as if it were all on one line (a name on
9:11 reported at 8:31).

The oracle: the misspelt name `powr` appears once in the file, so where it is, is plain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked

STORY = "id: x\ntitle: T\nstart: a.one\nstats:\n  nerve: 50\n"
CHAPTER = """chapter: a
scenes:
  one:
{field}
    choices:
      - id: go
        text: Go
{choice}
        goto: two
  two:
    text: Bye.
    ending: {{title: End, tone: triumph}}
"""

HI = "    text: Hi."
FIELDS = {  # (the scene's field, the choice's field)
    "plain, wrapped": (HI, "        if: nerve >= 10 and nerve <= 90 and\n          powr > 3"),
    "folded block": (HI, "        if: >-\n          nerve >= 10 and\n          powr > 3"),
    "literal block": (HI, "        if: |\n          nerve >= 10 and\n             powr > 3"),
    "double quotes, escapes": (HI, '        if: "nerve >= 10 and \\"a\\" == \\"a\\" and powr > 3"'),
    "single quotes, escapes": (HI, "        if: 'nerve >= 10 and ''a'' == ''a'' and powr > 3'"),
    "double quotes, wrapped": (HI, '        if: "nerve > 1 and\n          \\"a\\" == \\"a\\" and powr > 3"'),
    "text, wrapped {if}": (
        '    text: |\n      You stand. {if nerve > 3 then "a" else\n        "b" + powr}',
        "",
    ),
    "text, escaped": ('    text: "You \\"stand\\". {\\"b\\" + powr}"', ""),
    "effect, wrapped": (HI + '\n    effects:\n      nerve: "+ 2 *\n        powr"', ""),
    "one line": (HI, "        if: nerve >= 10 and powr > 3"),
}


def where_checked(tmp_path: Path, field: str, choice: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where `check` reports the unknown name, and where it is in the file."""
    (tmp_path / "story.yaml").write_text(STORY)
    text = CHAPTER.format(field=field, choice=choice).replace("\n\n", "\n")
    (tmp_path / "a.yaml").write_text(text)
    result = load_checked(tmp_path, cache=False)
    found = [d for d in result.errors if d.code == "E041"]
    assert len(found) == 1, [d.format() for d in result.diagnostics]
    at = text.index("powr")
    line = text.count("\n", 0, at) + 1
    return (found[0].line, found[0].col), (line, at - text.rfind("\n", 0, at))


@pytest.mark.parametrize("form", FIELDS)
def test_an_unknown_name_is_reported_where_it_is_written(form: str, tmp_path: Path) -> None:
    reported, written = where_checked(tmp_path, *FIELDS[form])
    assert reported == written


words = st.sampled_from(["nerve >= 1", "nerve < 90", '"a" == "a"', "not (nerve == 3)", "nerve + 2 > 1"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(words, min_size=0, max_size=4),
    breaks=st.lists(st.booleans(), min_size=5, max_size=5),
    indent=st.integers(min_value=6, max_value=12),
    quoted=st.booleans(),
)
def test_a_wrapped_or_escaped_condition_points_at_the_name(
    parts: list[str], breaks: list[bool], indent: int, quoted: bool, tmp_path: Path
) -> None:
    """Any condition, wrapped at any `and` with any indentation, plain or double-quoted."""
    terms = [*parts, "powr > 3"]
    joint = [" and" + ("\n" + " " * (indent + 4) if brk else " ") for brk in breaks]
    written = terms[0] + "".join(j + t for j, t in zip(joint, terms[1:], strict=False))
    if quoted:
        written = '"' + written.replace('"', '\\"') + '"'
    elif '"' in written:
        written = "'" + written.replace("'", "''") + "'"
    reported, actual = where_checked(tmp_path, HI, f"        if: {written}")
    assert reported == actual, written
