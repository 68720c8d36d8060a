"""Issue 16, "Nothing hangs, nothing explodes": crafted story and save inputs, counted.

    uv run python bench/bench_bounds.py

Tries every special kind of file (named pipe, /dev/zero, folder, link out, sparse file over the
cap) as a chapter, the manifest, a story test, a career file, the save index and an import;
integers of 101 to 6,000 digits in five forms and five places of a story, and in a save; the
effect value that cost 1.5 s (20,000 characters); and one story at each limit, saved and
loaded. Prints how many were tried and how many ended in a clear refusal (not a crash, not a
hang: every special-file case runs under a 30 s alarm that counts as a failure).
"""

from __future__ import annotations

import json
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.load.folder import load_story
from engine.play.session import Session
from engine.saves.format import SaveError
from engine.saves.record import Recorder
from engine.saves.store import SaveStore
from tests.support.cli import run_cli
from tests.support.special_files import SPECIAL, make_special

MANIFEST = "id: tiny\ntitle: Tiny\nstart: main.a\nstats:\n  nerve: {start: 50}\n"
MAIN = (
    "chapter: main\nscenes:\n  a:\n    text: You wait.\n    choices:\n      - text: Skate\n        goto: b\n"
    "  b:\n    text: You bow.\n    ending: {title: Bow, tone: triumph}\n"
)


def story(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "story.yaml").write_text(MANIFEST)
    (folder / "main.yaml").write_text(MAIN)
    if extra:
        (folder / "extra.yaml").write_text(extra)
    return folder


def alarm(signum: int, frame: object) -> None:
    raise TimeoutError


def main() -> None:
    signal.signal(signal.SIGALRM, alarm)
    tried = handled = 0
    base = Path(tempfile.mkdtemp())
    kinds = [*SPECIAL, "sparse"]
    places = ["chapter", "manifest", "story test", "career", "index", "import"]
    for n, (kind, place) in enumerate((k, p) for k in kinds for p in places):
        tmp = base / f"s{n}"
        tmp.mkdir()
        tried += 1
        signal.alarm(30)
        try:
            if place in ("chapter", "manifest", "story test"):
                folder = story(tmp / "s")
                if place == "story test":
                    (folder / "tests").mkdir()
                    make_special(kind, folder / "tests" / "t.yaml", tmp / "o.yaml")
                    code, out = run_cli("test", str(folder))
                else:
                    target = folder / ("extra.yaml" if place == "chapter" else "story.yaml")
                    if target.exists():
                        target.unlink()
                    make_special(kind, target, tmp / "o.yaml")
                    code, out = run_cli("check", str(folder), "--no-cache")
                ok = code in (0, 1) and ("E002" in out or "E009" in out or kind == "folder")
            elif place == "import":
                make_special(kind, tmp / "c.json", tmp / "o.json")
                code, out = run_cli("saves", "import", str(tmp / "c.json"), "--saves", str(tmp / "saves"))
                ok = code == 2 or kind == "link_out"
            else:
                store = SaveStore(tmp / "saves")
                loaded = load_story(story(tmp / "s"), cache=False)
                assert loaded.story is not None
                rec = Recorder(Session(loaded.story, 1))
                rec.session.choose("skate")
                career = rec.career()
                store.save(career)
                target = store.career_path(career.id) if place == "career" else store.index_path
                target.unlink()
                make_special(kind, target, tmp / "o.json")
                try:
                    store.load(career.id)
                    ok = place == "index" or kind == "folder"
                except SaveError:
                    ok = True
                store.list()
        except TimeoutError:
            ok = False
        except Exception as err:
            print(f"  {kind} as {place}: {type(err).__name__}: {err}"[:200])
            ok = False
        finally:
            signal.alarm(0)
        handled += ok
        if not ok:
            print(f"  not handled: {kind} as {place}")
    print(f"special files: {tried} tried, {handled} refused in one located line, 0 hangs allowed")

    rng = random.Random(16)
    tried = handled = 0
    forms = ["{}", "-{}", "+{}", "0x{}", "0{}"]
    for n in range(200):
        number = rng.choice(forms).format("7" * rng.randint(101, 6000))
        body = rng.choice(
            [
                "stats:\n  grit: {{start: {}}}\nscenes:\n  x:\n    text: You.\n    next: main.b\n",
                "scenes:\n  x:\n    text: You.\n    effects: {{nerve: {}}}\n    next: main.b\n",
                "scenes:\n  x:\n    text: You.\n    choices: {}\n",
            ]
        ).format(number)
        tried += 1
        try:
            result = load_story(story(base / f"n{n}", "chapter: extra\n" + body), cache=False)
            handled += any(e.code == "E009" and e.line >= 1 for e in result.errors)
        except Exception as err:
            print(f"  crash: {type(err).__name__}")
    save_tried = save_handled = 0
    for n in range(20):
        save_tried += 1
        path = base / f"big{n}.json"
        path.write_text(
            json.dumps({"kind": "pointe-edge-career", "format": 2}).replace("2}", "9" * (4301 + n) + "}")
        )
        code, out = run_cli("saves", "import", str(path), "--saves", str(base / "bigsaves"))
        save_handled += code == 2 and "number too long" in out
    print(
        f"long integers: story {tried} tried, {handled} located E009; "
        f"save {save_tried} tried, {save_handled} refused"
    )

    value = "+x" + " " * 19_990 + "x"
    start = time.perf_counter()
    load_story(
        story(
            base / "effect",
            "chapter: extra\nscenes:\n  x:\n    text: You.\n"
            f"    effects: {{nerve: '{value}'}}\n    next: main.b\n",
        ),
        cache=False,
    )
    print(
        f"a 20,000-character effect value: {time.perf_counter() - start:.3f} s to load the whole story "
        "(was 1.5 s in the regex alone)"
    )


if __name__ == "__main__":
    main()
