"""`main.py stories`: the bundled stories, one line each, with how big each is (scenes, endings,
and the words of its scene text, as engine/author/metrics.py counts them)."""

from __future__ import annotations

from typing import TextIO

from engine.author.check import load_checked
from engine.author.metrics import story_words
from engine.cli.parser import PROG
from engine.core.textsafe import visible
from engine.load.folder import bundled_stories


def run(out: TextIO) -> int:
    for folder in bundled_stories():
        result = load_checked(folder)
        sid = visible(folder)  # a folder's name is the one name the loader cannot refuse
        story = result.story
        if story is None:
            out.write(f"{sid:<12} (does not load: run `{PROG} check {sid}`)\n")
            continue
        who = f"{story.protagonist}, {story.discipline}".strip(", ")
        size = f"{len(story.scenes)} scenes, {len(story.endings)} endings, {story_words(story):,} words"
        out.write(f"{sid:<12} {story.title} — {who} ({size})\n")
    return 0
