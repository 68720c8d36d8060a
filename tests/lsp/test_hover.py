"""Hover text: a story's words in it read as themselves, as Markdown and as plain text."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from engine.lsp.hover import escape, plain

_LINE = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@settings(max_examples=300, deadline=None)
@given(_LINE)
def test_story_text_in_a_hover_is_one_paragraph_of_itself_to_a_commonmark_reader(text: str) -> None:
    rendered = MarkdownIt("commonmark").render(escape(text))
    words = html.escape(text, quote=False).replace('"', "&quot;")  # as markdown-it writes a quote
    assert rendered == f"<p>{words}</p>\n"


@settings(max_examples=300, deadline=None)
@given(_LINE)
def test_the_plain_text_of_a_hover_is_the_story_text_itself(text: str) -> None:
    assert plain(escape(text)) == text
    assert plain(f"**{escape(text)}** · scene `a.b`\n\n> {escape(text)}") == f"{text} · scene a.b\n\n{text}"
