"""Two copies of the game continuing one career: nothing either acknowledged is ever lost.

The probe's repro (../shared/reviews/reliability.md, H4): two games Continue the same career and
choose in turn; the last writer won and 4 of 4 acknowledged saves of the other vanished. Here
two real processes (tests/support/career_writer.py) share one save folder and are interleaved
step by step over pipes, so every schedule is exact and repeatable: no sleeps, no timers.

A save is acknowledged when `SaveStore.save` returned. At the end, the last save each game
acknowledged under each id must be on disk exactly (every step, every digest): a game's own
later save may replace its earlier one (that is undo, or simply playing on), another game's
never may. The figures (tries, acknowledged saves, forks, steps lost) are printed with -s.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import ROOT

SCHEDULES = 12  # careers, each continued by both games with its own random interleaving
OPS = 14  # steps and undos per career, shared between the two games


@dataclass
class Ledger:
    """Every acknowledged write in the order it happened (the test serialises the games).

    A write by a game to a career it has not seen in its latest version (another game wrote it
    since this one loaded or wrote it) is a silent overwrite: the other game's acknowledged
    steps that the new file does not hold are lost. Undoing what a game has seen is not a loss.
    """

    version: dict[str, int] = field(default_factory=dict)  # career id -> writes so far
    content: dict[str, list[str]] = field(default_factory=dict)  # career id -> last acked digests
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # (game, id) -> version it saw
    acks: int = 0
    overwrites: int = 0
    lost_steps: int = 0

    def loaded(self, game: str, career_id: str) -> None:
        self.seen[game, career_id] = self.version.get(career_id, 0)

    def wrote(self, game: str, career_id: str, digests: list[str]) -> None:
        self.acks += 1
        before = self.content.get(career_id)
        if before is not None and self.seen.get((game, career_id)) != self.version[career_id]:
            self.overwrites += 1
            kept = next((i for i, (x, y) in enumerate(zip(before, digests, strict=False)) if x != y), None)
            self.lost_steps += len(before) - (min(len(before), len(digests)) if kept is None else kept)
        self.version[career_id] = self.version.get(career_id, 0) + 1
        self.seen[game, career_id] = self.version[career_id]
        self.content[career_id] = digests


@dataclass
class Game:
    """One copy of the game in its own process, driven over its pipes."""

    name: str
    proc: subprocess.Popen[str]
    ledger: Ledger

    def ask(self, line: str) -> list[str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().rstrip("\n").split(" ", 4)
        assert answer and answer[0] in ("OK", "ACK"), (self.name, line, answer)
        return answer

    def load(self, career_id: str) -> None:
        self.ask(f"load {career_id}")
        self.ledger.loaded(self.name, career_id)

    def act(self, line: str) -> str | None:
        """A step or undo; returns the fork note, if the store forked the career."""
        _, saved_id, _steps, digests, note = self.ask(line)
        self.ledger.wrote(self.name, saved_id, [] if digests == "-" else digests.split(","))
        return None if note == "-" else note


def _start(name: str, saves: Path, ledger: Ledger) -> Game:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.career_writer", str(saves), "demo"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return Game(name, proc, ledger)


def _on_disk(saves: Path, career_id: str) -> list[str]:
    data = json.loads((saves / "careers" / f"{career_id}.json").read_text())
    return [step["digest"] for step in data["steps"]]


def test_two_games_continuing_one_career_lose_no_acknowledged_step(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    ledger = Ledger()
    a, b = _start("A", saves, ledger), _start("B", saves, ledger)
    rng = random.Random(16)
    notes: list[str] = []
    try:
        for schedule in range(SCHEDULES):
            career_id = a.ask(f"new {schedule}")[1]
            a.act("step 0")  # a career on disk, as a first game left it
            for game in (b, a):  # both Continue it: the probe's repro
                game.load(career_id)
            for _ in range(OPS):
                game = rng.choice((a, b))
                note = game.act("undo" if rng.random() < 0.2 else f"step {rng.randrange(4)}")
                if note is not None:
                    notes.append(note)
    finally:
        for game in (a, b):
            assert game.proc.stdin is not None
            game.proc.stdin.close()
            game.proc.wait(timeout=60)
    on_disk_differs = sum(_on_disk(saves, cid) != digests for cid, digests in ledger.content.items())
    print(
        f"\ntwo games, one career: {SCHEDULES} careers, {ledger.acks} acknowledged saves, "
        f"{len(notes)} forks, {ledger.overwrites} silent overwrites, {ledger.lost_steps} steps lost, "
        f"{on_disk_differs} careers not as last acknowledged"
    )
    assert ledger.overwrites == 0 and ledger.lost_steps == 0 and on_disk_differs == 0
    assert len(notes) >= SCHEDULES // 2  # the games really did collide
    assert all(
        n.startswith("Another copy of the game saved this career") and "Both are kept" in n for n in notes
    )
    listed = subprocess.run(
        [sys.executable, "main.py", "saves", "list", "--saves", str(saves)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0 and listed.stderr == ""
