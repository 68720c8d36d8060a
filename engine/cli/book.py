"""A saved career as a book: `replay SAVE --format markdown|html`, to share or to print.

The whole career as it was read: each chapter and scene with its text, the choice made there,
its roll, its outcome, its milestones and every stat it changed, the ending, then the career's
record and a chart of every stat (an inline SVG in HTML, a sparkline table in Markdown). It is
built from the same replay the `replay` command steps through, so it is the career exactly.
Every word comes from a story or a save: Markdown's special characters are escaped, and HTML
is escaped whole, so nothing a story holds can become a link, a tag or a script.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

from engine.core import template as tpl
from engine.core.sparkline import sparkline
from engine.core.version import __version__
from engine.play.changes import change_words
from engine.saves.replay import FrameView, Replay

FORMATS = ("markdown", "html")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")  # what acts anywhere in a line
_MD_LINE_START = re.compile(r"^(\s*)(?:([#>+\-=])|(\d+)([.)]))")  # what acts at a line's start


def career_book(replay: Replay, fmt: str) -> str:
    """The career in `replay` as a Markdown or an HTML document."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return _Markdown(replay).book() if fmt == "markdown" else _Html(replay).book()


class _Book:
    def __init__(self, replay: Replay):
        self.replay = replay
        self.story = replay.story
        self.career = replay.career

    def heading(self) -> tuple[str, str]:
        c, story = self.career, self.story
        title = f"{story.title}: {story.protagonist}" if story.protagonist else story.title
        n = len(c.steps)
        choices = f"{n} choice{'s' * (n != 1)}"
        about = f"A career played with Pointe & Edge {__version__}: {choices}, seed {c.seed}."
        if c.ending:
            about += f" It ended: {c.ending['title']} ({c.ending['tone'].replace('_', ' ')})."
        if self.replay.problem:
            about += (
                " The story has changed since; this book stops where the career no longer replays"
                f" ({self.replay.problem})."
            )
        return title, about

    def steps(self) -> Iterator[tuple[str | None, FrameView]]:
        """(the chapter's title where a new one begins, else None; the frame's view), in order."""
        chapter = None
        for i in range(len(self.replay)):
            view = self.replay.view(i)
            new_chapter = view.chapter_title if view.chapter_title != chapter else None
            chapter = view.chapter_title
            yield new_chapter, view

    def changes(self, view: FrameView) -> str:
        result = view.frame.result
        return " · ".join(change_words(self.story, result.changes, result.flags)) if result else ""


class _Markdown(_Book):
    def book(self) -> str:
        title, about = self.heading()
        out = [f"# {md(title)}", "", f"*{md(about)}*", ""]
        for chapter, view in self.steps():
            result = view.frame.result
            if result is not None:
                out += [f"> **You chose:** {md(view.frame.choice_label)}  "]
                if result.step.roll is not None:
                    out += [f"> *{md(result.step.roll.describe())}.*  "]
                if result.outcome:
                    out += [f"> {md_text(result.outcome)}  "]
                out += [f"> ★ {md(line)}  " for line in result.chosen]
                if self.changes(view):
                    out += [f"> {md(self.changes(view))}"]
                out += [""]
            if chapter is not None:
                out += [f"## {md(chapter)}", ""]
            out += [f"### {md(view.scene_title)}", "", md_text(view.text), ""]
            if result is not None:
                out += [f"★ {md(line)}" + "  " for line in result.arrived] + ([""] if result.arrived else [])
        out += self.record()
        return "\n".join(out).rstrip() + "\n"

    def record(self) -> list[str]:
        out = ["## The career", ""]
        out += [f"- ★ {md(line)}" for line in self.career.state.milestones] or ["Nothing recorded."]
        out += ["", "| stat | start | end | the career |", "|---|---:|---:|---|"]
        for s in self.story.stats:
            values = self.replay.saved_series(s.id)
            line = sparkline(values, 40, s.min, s.max)
            label = f"{s.label} / {s.opposite_label}" if s.opposite else s.label
            out += [f"| {md(label)} | {values[0]} | {values[-1]} | `{line}` |"]
        return out


class _Html(_Book):
    def book(self) -> str:
        title, about = self.heading()
        e = html.escape
        body = [f"<h1>{e(title)}</h1>", f'<p class="about">{e(about)}</p>']
        for chapter, view in self.steps():
            result = view.frame.result
            if result is not None:
                parts = [f"<p><strong>You chose:</strong> {e(view.frame.choice_label)}</p>"]
                if result.step.roll is not None:
                    parts.append(f'<p class="roll">{e(result.step.roll.describe())}.</p>')
                if result.outcome:
                    parts.append(html_text(result.outcome))
                parts += [f'<p class="milestone">★ {e(line)}</p>' for line in result.chosen]
                if self.changes(view):
                    parts.append(f'<p class="changes">{e(self.changes(view))}</p>')
                body.append(f'<aside class="choice">{"".join(parts)}</aside>')
            if chapter is not None:
                body.append(f"<h2>{e(chapter)}</h2>")
            body.append(f"<h3>{e(view.scene_title)}</h3>")
            body.append(html_text(view.text))
            if result is not None:
                body += [f'<p class="milestone">★ {e(line)}</p>' for line in result.arrived]
        body.append("<h2>The career</h2>")
        milestones = self.career.state.milestones
        items = "".join(f"<li>★ {e(m)}</li>" for m in milestones)
        body.append(f"<ul>{items}</ul>" if milestones else "<p>Nothing recorded.</p>")
        body.append(self.chart())
        return PAGE.format(title=e(title), body="\n".join(body))

    def chart(self) -> str:
        """Every stat over the career: one line each on a shared axis of steps, as inline SVG."""
        e = html.escape
        rows = []
        width, height = 600, 60
        for s in self.story.stats:
            values = self.replay.saved_series(s.id)
            span = max(1, s.max - s.min)
            n = max(1, len(values) - 1)
            points = " ".join(
                f"{i * width / n:.1f},{height - (v - s.min) * height / span:.1f}"
                for i, v in enumerate(values)
            )
            label = f"{s.label} / {s.opposite_label}" if s.opposite else s.label
            rows.append(
                f"<figure><figcaption>{e(label)}: {values[0]} → {values[-1]}</figcaption>"
                f'<svg viewBox="0 -2 {width} {height + 4}" width="100%" height="{height}" role="img" '
                f'aria-label="{e(label)} from {values[0]} to {values[-1]}">'
                f'<polyline fill="none" stroke="currentColor" stroke-width="2" points="{points}"/>'
                "</svg></figure>"
            )
        return '<section class="chart">' + "".join(rows) + "</section>"


def md(text: str) -> str:
    """Text as Markdown shows it literally: every character Markdown could act on, escaped."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)

    def literal(m: re.Match[str]) -> str:
        if m.group(2):  # "# ", "> ", "- ": the mark itself is escaped
            return f"{m.group(1)}\\{m.group(2)}"
        return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"  # "1. ": the dot, a digit cannot be

    return _MD_LINE_START.sub(literal, escaped)


def md_text(rendered: tpl.Rendered) -> str:
    """Rendered story text as Markdown paragraphs, its italics and bold kept."""
    return "\n\n".join(_paragraphs(rendered, md, ("**", "**"), ("*", "*")))


def html_text(rendered: tpl.Rendered) -> str:
    """Rendered story text as HTML paragraphs, escaped, its italics and bold kept."""
    paragraphs = _paragraphs(rendered, html.escape, ("<strong>", "</strong>"), ("<em>", "</em>"))
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _paragraphs(
    rendered: tpl.Rendered, escape: Callable[[str], str], bold: tuple[str, str], italic: tuple[str, str]
) -> list[str]:
    """Each paragraph's spans escaped and wrapped in the format's marks for their style (none
    around a span of only spaces, which Markdown would not read as emphasis)."""
    paragraphs = []
    for para in rendered:
        out = []
        for text, style in para:
            piece = escape(text)
            if piece.strip():
                if style & tpl.BOLD:
                    piece = f"{bold[0]}{piece}{bold[1]}"
                if style & tpl.ITALIC:
                    piece = f"{italic[0]}{piece}{italic[1]}"
            out.append(piece)
        paragraphs.append("".join(out))
    return paragraphs


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ max-width: 42em; margin: 2em auto; padding: 0 1em; font: 1.05em/1.6 Georgia, serif; color: #222; }}
h1 {{ font-size: 1.8em; }} h2 {{ margin-top: 2em; border-bottom: 1px solid #ccc; }}
.about {{ font-style: italic; color: #555; }}
aside.choice {{ border-left: 3px solid #999; padding: 0 1em; margin: 1.5em 0; color: #444; }}
.milestone {{ font-weight: bold; }} .changes, .roll {{ color: #666; font-size: 0.9em; }}
figure {{ margin: 1em 0; }} figcaption {{ font-size: 0.9em; }}
@media print {{ aside.choice {{ break-inside: avoid; }} }}
</style>
</head>
<body>
{body}
</body>
</html>
"""
