"""A saved career as a book (`replay SAVE --format markdown|html`): the whole career as read,
and nothing a story or a save holds ever acting as Markdown or HTML."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from engine.cli.book import md
from tests.support.app import saved_career
from tests.support.cli import run_cli

DEMO_FOURTH = ["drill_salchow", "evening_session", "save_legs", "double_salchow", "continue"]


def _career(tmp_path: Path) -> tuple[str, str]:
    saves = tmp_path / "saves"
    career = saved_career(saves, "demo", 218, DEMO_FOURTH)
    return career.id[:8], str(saves)


def test_the_markdown_book_tells_the_whole_career(tmp_path: Path) -> None:
    cid, saves = _career(tmp_path)
    code, book = run_cli("replay", cid, "--saves", saves, "--format", "markdown")
    assert code == 0
    assert book.startswith("# The Club Cup: You, twelve, at an Almaty rink\n")
    assert "It ended: Fourth by a Point (bittersweet)." in book
    for scene in ("### Early Ice", "### The Walk Home", "### Six-Minute Warm-Up", "### Fourth"):
        assert scene.replace("-", "\\-") in book or scene in book
    assert "> **You chose:** Drill the double salchow until it sticks" in book
    assert "> *60% chance: rolled 21 of 100, success.*" in book
    assert "> Technique 40 → 46 (+6) · Nerve 50 → 54 (+4) · Daring 50 → 55 (+5)" in book
    assert "- ★ Landed the double salchow in competition." in book
    assert "| Technique | 40 | 54 |" in book
    assert book.index("## Six in the Morning") < book.index("## The Club Cup")  # chapters in order


class _Balanced(HTMLParser):
    VOID = {"meta", "br", "img", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag


def test_the_html_book_is_one_well_formed_page_with_a_chart_of_every_stat(tmp_path: Path) -> None:
    cid, saves = _career(tmp_path)
    out = tmp_path / "career.html"
    code, said = run_cli("replay", cid, "--saves", saves, "--format", "html", "--out", str(out))
    assert code == 0 and said == f"Wrote the career to {out} (5 choices).\n"
    page = out.read_text(encoding="utf-8")
    parser = _Balanced()
    parser.feed(page)
    assert parser.open == [] and parser.tags.count("polyline") == 6  # one line a stat
    assert "<strong>You chose:</strong> Drill the double salchow until it sticks" in page
    assert "<em>you</em>" in page and "<strong>40</strong>" in page  # the story's own emphasis
    assert "<script" not in page
    code, said = run_cli("replay", cid, "--saves", saves, "--format", "html", "--out", str(out))
    assert code == 2 and "already exists" in said  # never over a file
    code, said = run_cli("replay", cid, "--saves", saves, "--out", str(tmp_path / "x.md"))
    assert code == 2 and "--out goes with --format" in said


_LINE = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)
    .map(lambda s: s.strip())
    .filter(bool)
)


@settings(max_examples=300, deadline=None)
@given(_LINE)
def test_a_story_line_in_markdown_reads_as_itself_and_nothing_more(text: str) -> None:
    """Escaped, any line of a story is one paragraph of exactly its own text to a CommonMark
    reader: no emphasis, link, heading, list, quote, code or HTML it did not write as words."""
    rendered = MarkdownIt("commonmark").render(md(text))
    words = html.escape(text, quote=False).replace('"', "&quot;")  # as markdown-it writes a quote
    assert rendered == f"<p>{words}</p>\n"
