"""`main.py stories`: the bundled stories, one line each."""

from __future__ import annotations

from typing import TextIO

from engine.author.check import load_checked
from engine.cli.parser import PROG
from engine.load.folder import bundled_stories


def run(out: TextIO) -> int:
    for sid in bundled_stories():
        result = load_checked(sid)
        story = result.story
        if story is None:
            out.write(f"{sid:<12} (does not load: run `{PROG} check {sid}`)\n")
            continue
        who = f"{story.protagonist}, {story.discipline}".strip(", ")
        out.write(
            f"{sid:<12} {story.title} — {who} ({len(story.scenes)} scenes, {len(story.endings)} endings)\n"
        )
    return 0
