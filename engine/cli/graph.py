"""`main.py graph`: a story's scene graph for Graphviz or Mermaid."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from engine.cli.common import cannot, load
from engine.cli.parser import PROG


def run(args: argparse.Namespace, out: TextIO) -> int:
    """The scene graph on stdout (kept clean for a pipe: notes go to stderr) or in --out."""
    from engine.author.export import MERMAID_LIMITS, UnknownChapter, build, guess_format, write

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
