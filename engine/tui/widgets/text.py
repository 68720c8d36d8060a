"""Story text to Rich Text: styled spans only, never markup, so a story cannot inject any."""

from __future__ import annotations

from rich.text import Text

from engine.core import template as tpl


def rendered_text(rendered: tpl.Rendered, base_style: str = "") -> Text:
    """Paragraphs of spans as one Text, a blank line between paragraphs."""
    text = Text(style=base_style)
    for i, para in enumerate(rendered):
        if i:
            text.append("\n\n")
        for chunk, style in para:
            parts = []
            if style & tpl.BOLD:
                parts.append("bold")
            if style & tpl.ITALIC:
                parts.append("italic")
            text.append(chunk, style=" ".join(parts) or None)
    return text


def literal_markup(text: str) -> str:
    """Markup that Textual reads back as exactly `text`, for the few places that take only markup
    (the command palette's titles and help, which it parses to highlight a search).

    Textual's own `escape` is lossy: it leaves `[X]`, `[ x]` and `[$x]` alone (they vanish when
    parsed) and doubles a backslash before a bracket. Here every `[` gets one more backslash than
    it has before it, which Textual's parser reads as that many backslashes and a literal `[`.
    tests/tui/test_plain_text.py checks the round trip with hypothesis."""
    return text.replace("[", "\\[")  # the backslashes before it stay, and one more goes in
