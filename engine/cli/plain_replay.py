"""Replay a saved career in plain text: step forward and back, jump, and chart the stats."""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

from engine.core import template as tpl
from engine.core.sparkline import sparkline
from engine.saves.replay import Replay

HELP = "Enter or n: next step · p: previous · a number: jump there · c: chart · q: quit"


class PlainReplay:
    def __init__(self, replay: Replay, out: TextIO, inp: TextIO, width: int | None = None):
        self.replay = replay
        self.out = out
        self.inp = inp
        self.width = max(40, min(width or shutil.get_terminal_size((80, 24)).columns, 100))

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def header(self) -> None:
        r = self.replay
        c = r.career
        self.say(
            f"Replay of “{c.story_title}”: {c.slot or 'autosave'}, seed {c.seed}, {len(c.steps)} choices"
        )
        if c.ending:
            self.say(f"It ended: {c.ending['title']} ({c.ending['tone'].replace('_', ' ')}).")
        if r.problem:
            self.say(f"The story has changed since this career was saved: {r.problem}.")
            self.say(f"The replay shows the {len(r) - 1} steps before that.")

    def show(self, index: int) -> None:
        view = self.replay.view(index)
        frame = view.frame
        last = len(self.replay) - 1
        self.say()
        self.say(f"── step {index} of {last} · {view.chapter_title} · {view.phase} ".ljust(self.width, "─"))
        if frame.result is not None:
            self.say(f"» {frame.choice_label}")
            roll = frame.result.step.roll
            if roll is not None:
                self.say(f"  {roll.describe()}.")
            if frame.result.outcome:
                self.say(textwrap.indent(tpl.to_plain(frame.result.outcome), "  "))
            for line in frame.result.milestones:
                self.say(f"  ★ {line}")
        self.say(view.scene_title)
        self.say()
        for i, para in enumerate(tpl.to_plain(view.text).split("\n\n")):
            if i:
                self.say()
            self.say(textwrap.fill(para, self.width))
        stats = self.replay.story.stats
        self.say()
        self.say(" · ".join(s.reading(frame.state.stats[s.id]) for s in stats))
        if view.next_choice:
            self.say(f"Next, you chose: {view.next_choice}")

    def chart(self) -> None:
        r = self.replay
        width = min(60, self.width - 20)
        self.say()
        for s in r.story.stats:
            values = r.saved_series(s.id)
            other = f" ({s.opposite_label} {s.mirror(values[-1])})" if s.opposite else ""
            self.say(
                f"{s.label:>12} {sparkline(values, width, s.min, s.max)} {values[0]} → {values[-1]}{other}"
            )

    def run(self, show_all: bool = False) -> int:
        self.header()
        if show_all:
            for i in range(len(self.replay)):
                self.show(i)
            self.chart()
            return 0
        self.say(HELP)
        at = 0
        self.show(at)
        last = len(self.replay) - 1
        while True:
            self.out.write("> ")
            self.out.flush()
            line = self.inp.readline()
            if line == "":
                self.say()
                return 0
            answer = line.strip().lower()
            if answer in ("q", "quit"):
                return 0
            if answer in ("", "n", "next"):
                if at == last:
                    self.say("That was the last step. p goes back, q quits.")
                    continue
                at += 1
            elif answer in ("p", "prev", "previous"):
                if at == 0:
                    self.say("This is the start.")
                    continue
                at -= 1
            elif answer.isdigit() and int(answer) <= last:
                at = int(answer)
            elif answer in ("c", "chart"):
                self.chart()
                continue
            else:
                self.say(f"Type a step from 0 to {last}, or: {HELP}")
                continue
            self.show(at)
