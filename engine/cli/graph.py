"""`main.py graph`: a story's scene graph for Graphviz or Mermaid."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from engine.cli.common import cannot, load
from engine.cli.parser import PROG


def run(args: argparse.Namespace, out: TextIO) -> int:
    """The scene graph on stdout (kept clean for a pipe: notes go to stderr) or in --out."""
    from engine.author.export import MERMAID_LIMITS, UnknownChapter, build, guess_format, write

    picture = _picture_kind(args.out)
    if picture is not None:
        refusal = _cannot_draw(args.out, args.format)
        if refusal:
            out.write(f"error: {refusal}\n")
            return 2
    result = load(args.story, not args.no_cache, out)
    if result is None:
        return 2
    if result.story is None:
        return cannot("mapped", args.story, result.errors, out)
    try:
        story_map = build(result.story, args.chapter)
    except UnknownChapter as err:
        out.write(f"error: {err}\n")
        return 2
    fmt = args.format or guess_format(args.out)
    text = write(story_map, fmt)
    notes = out if args.out else sys.stderr
    if args.out:
        if picture is not None:
            failure = _draw(text, picture, args.out)
            if failure:
                out.write(f"error: Graphviz could not draw {args.out}: {failure}\n")
                return 2
            fmt = f"{picture}, drawn by Graphviz"
        else:
            try:
                Path(args.out).write_text(text, encoding="utf-8")
            except OSError as err:
                out.write(f"error: cannot write {args.out}: {err.strerror or err}\n")
                return 2
        out.write(
            f"Wrote the map of {args.story} ({story_map.scene_count} scenes, {len(story_map.edges)} edges)"
            f" to {args.out} as {fmt}.\n"
        )
    else:
        out.write(text)
    size, edges = MERMAID_LIMITS
    if fmt == "mermaid" and (len(text) > size or len(story_map.edges) > edges):
        notes.write(
            f"note: this map has {len(text):,} characters and {len(story_map.edges)} edges; Mermaid draws at"
            f" most {size:,} and {edges} unless maxTextSize and maxEdges are raised where it is rendered."
            " A single --chapter is smaller.\n"
        )
    if result.errors:
        count = len(result.errors)
        notes.write(
            f"note: {args.story} has {count} error{'s' * (count != 1)}; the map shows what loaded."
            f" Run `{PROG} check {args.story}` for the details.\n"
        )
        return 1
    return 0


#: The picture files `--out` draws with Graphviz's `dot`, by their ending: a `.svg` must never
#: hold DOT text, which no browser or editor would show as the map.
PICTURES = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def _picture_kind(out: str | None) -> str | None:
    return PICTURES.get(Path(out).suffix.lower()) if out else None


def _cannot_draw(out: str, fmt: str | None) -> str | None:
    """Why `--out` names a picture that cannot be drawn here, or None when it can."""
    if fmt == "mermaid":
        return (
            f"{out} is a picture, and graph draws pictures with Graphviz only:"
            " write a Mermaid map to a .mmd file"
        )
    if shutil.which("dot") is None:
        return (
            f"{out} is a picture, and drawing one needs Graphviz's `dot`, which is not installed:"
            " install Graphviz, or write `--out map.dot` and draw it elsewhere"
            " with `dot -Tsvg map.dot -o map.svg`"
        )
    return None


def _draw(dot_text: str, kind: str, out: str) -> str | None:
    """Graphviz draws the DOT map into `out`; its first complaint, or None when it drew it."""
    dot = shutil.which("dot")
    if dot is None:  # checked before the story was loaded; gone since
        return "Graphviz's `dot` is not installed"
    try:
        done = subprocess.run(
            [dot, f"-T{kind}", "-o", out], input=dot_text, capture_output=True, text=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return lines[0] if lines else f"dot exited with {done.returncode}"
    return None
