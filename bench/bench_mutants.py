"""Issue 16's loader probe, re-run here: mutated story files through `check` and into play.

    uv run python bench/bench_mutants.py                 # 1,000 mutants, seed 1
    uv run python bench/bench_mutants.py --mutants 5500 --seed 2

Each mutant is a copy of a bundled story (the demo or Magdalena) with one to three mutations of
one file, drawn from the kinds of damage the reliability probe used: a byte flipped, a line
deleted, doubled or indented wrongly, a key renamed (to another word, to one with ESC, OSC, BEL or
bidi controls, or to markup), a scalar replaced (by a 5,000-digit integer, a 20,000-character
effect, markup, control characters, an empty text, a YAML boolean word), the file truncated, a
story file turned into a named pipe or a link to /dev/zero. Each is loaded and checked in this
process, with the parse cache off. It counts:

- exceptions: anything but diagnostics out of `load_checked` (the probe's "exit 70");
- the slowest load (a hang would be a load that never ends: each runs under a 30 s alarm);
- unlocated errors: an error at line 0 other than the folder-level E027;
- raw output: a formatted diagnostic holding a control character other than a newline;
- and, for every mutant that loads without errors, three random careers played with undo,
  saved, parsed back and resumed: runtime exceptions and careers that do not round-trip.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.author.check import load_checked
from engine.core.textsafe import has_unsafe
from engine.load.folder import STORIES_DIR
from engine.play.session import Session
from engine.saves.format import parse_career
from engine.saves.record import Recorder, resume

ODD = ["\x1b[31m", "\x1b]0;pwned\x07", "\x07", "\u202e", "\u2066", "\x9b", "\u200f"]
MARKUP = ["[@click=app.screenshot('x.svg','/tmp')]", "[/]", "[bold]", "[$x]"]
SCALARS = [
    "9" * 5000,
    '"+' + "1" * 20_000 + '"',
    "no",
    "on",
    '""',
    "~",
    "{a: [b, c}",
    "'" + "x" * 600 + "'",
]


@dataclass
class Tally:
    mutants: int = 0
    exceptions: list[str] = field(default_factory=list)
    unlocated: int = 0
    raw: int = 0
    slowest: float = 0.0
    clean: int = 0
    careers: int = 0
    runtime_errors: list[str] = field(default_factory=list)
    round_trip_failures: int = 0
    codes: set[str] = field(default_factory=set)


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    kind = rng.randrange(9)
    i = rng.randrange(len(lines))
    if kind == 0 and text:  # flip a byte (as a character)
        j = rng.randrange(len(text))
        return text[:j] + chr(rng.randrange(1, 0x250)) + text[j + 1 :]
    if kind == 1:
        del lines[i]
    elif kind == 2:
        lines.insert(i, lines[i])
    elif kind == 3:
        lines[i] = rng.choice([" ", "\t", "   "]) + lines[i]
    elif kind == 4 and ":" in lines[i]:  # rename a key
        key, rest = lines[i].split(":", 1)
        lead = key[: len(key) - len(key.lstrip())]
        word = rng.choice([key.strip() + rng.choice(ODD), rng.choice(MARKUP), "statistics", "choises"])
        lines[i] = f"{lead}{word}:{rest}"
    elif kind == 5 and ": " in lines[i]:  # replace a scalar
        key = lines[i].split(": ", 1)[0]
        value = rng.choice([*SCALARS, rng.choice(MARKUP), "text " + rng.choice(ODD)])
        lines[i] = f"{key}: {value}"
    elif kind == 6:
        return text[: rng.randrange(len(text) + 1)]
    elif kind == 7:
        lines.insert(i, rng.choice(ODD) + rng.choice(MARKUP))
    else:
        lines[i] = lines[i].replace(" ", "", 1)
    return "\n".join(lines)


def special(path: Path, rng: random.Random) -> None:
    """Turn a story file into something that is not a file."""
    path.unlink()
    if rng.random() < 0.5:
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


def play_and_save(story: object, seed: int, tally: Tally) -> None:
    session = Session(story, seed)  # type: ignore[arg-type]
    pick = random.Random(seed)
    recorder = Recorder(session)
    steps = 0
    while not session.ended and not session.stuck and steps < 200:
        session.text  # noqa: B018 - rendered, as a front end would
        open_ = [c for c in session.choices if not c.locked]
        session.choose(pick.choice(open_).id)
        steps += 1
        if pick.random() < 0.1 and session.can_undo:
            session.undo()
    career = parse_career(recorder.career().to_json())
    if not resume(story, career).complete:  # type: ignore[arg-type]
        tally.round_trip_failures += 1


def one(source: Path, rng: random.Random, tally: Tally, work: Path) -> None:
    folder = work / f"m{tally.mutants}"
    shutil.copytree(source, folder)
    files = sorted(p for p in folder.rglob("*.yaml") if "tests" not in p.relative_to(folder).parts)
    target = rng.choice(files)
    if rng.random() < 0.02:
        special(target, rng)
    else:
        text = target.read_text(encoding="utf-8")
        for _ in range(rng.randint(1, 3)):
            text = mutate(text, rng)
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
    tally.mutants += 1
    signal.alarm(30)
    start = time.perf_counter()
    try:
        checked = load_checked(folder, cache=False)
    except Exception as err:  # counting exactly these is the point
        tally.exceptions.append(f"{type(err).__name__}: {err}"[:200])
        return
    finally:
        signal.alarm(0)
        tally.slowest = max(tally.slowest, time.perf_counter() - start)
    for d in checked.diagnostics:
        tally.codes.add(d.code)
        if d.is_error and d.line == 0 and d.code != "E027":
            tally.unlocated += 1
        if has_unsafe(d.format()):
            tally.raw += 1
    if checked.story is not None and not checked.errors:
        tally.clean += 1
        for seed in range(3):
            tally.careers += 1
            try:
                play_and_save(checked.story, seed, tally)
            except Exception as err:
                tally.runtime_errors.append(f"{type(err).__name__}: {err}"[:200])
    shutil.rmtree(folder, ignore_errors=True)


def run(mutants: int, seed: int, stories: tuple[str, ...] = ("demo", "magdalena")) -> Tally:
    """Mutate the bundled `stories` (each mutant is a copy of one of them, picked at random)."""
    rng = random.Random(seed)
    tally = Tally()
    sources = [STORIES_DIR / name for name in stories]

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("a load took more than 30 s")

    before = signal.signal(signal.SIGALRM, hung)
    try:
        with tempfile.TemporaryDirectory(prefix="pe-mutants-") as tmp:
            for _ in range(mutants):
                one(rng.choice(sources), rng, tally, Path(tmp))
    finally:
        signal.signal(signal.SIGALRM, before)
    return tally


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--story", action="append", help="a bundled story to mutate (default: demo, magdalena)")
    args = ap.parse_args()
    t = run(args.mutants, args.seed, tuple(args.story or ("demo", "magdalena")))
    print(f"{t.mutants:,} mutants (seed {args.seed}), {len(t.codes)} distinct codes reported")
    print(f"  exceptions out of check: {len(t.exceptions)}")
    for e in t.exceptions[:5]:
        print(f"    {e}")
    print(f"  slowest load: {t.slowest:.2f} s")
    print(f"  unlocated errors: {t.unlocated}")
    print(f"  diagnostics with raw control characters: {t.raw}")
    print(f"  mutants that load clean: {t.clean:,}; careers played, saved and resumed: {t.careers:,}")
    print(f"  runtime exceptions: {len(t.runtime_errors)}", end="; ")
    print(f"careers that did not round-trip: {t.round_trip_failures}")
    for e in t.runtime_errors[:5]:
        print(f"    {e}")


if __name__ == "__main__":
    main()
