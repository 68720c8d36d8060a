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
