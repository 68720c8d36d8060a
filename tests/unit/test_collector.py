"""Loading a story never freezes objects out of the cyclic collector's view: only a front end
that keeps what it loaded for its whole life does, once (`freeze_once`). Before, every load
froze, live reloads included, and whatever was alive at each freeze (screens that had just
become cyclic garbage, old versions of the story) was never collected: 200 live reloads of
Magdalena grew the app by 21 MB, and by 3 MB since (`bench/bench_reload.py --memory`)."""

from __future__ import annotations

import gc
import subprocess
import sys

from engine.author.check import load_checked
from engine.load.folder import load_story
from tests.support import ROOT


def test_loading_and_checking_freeze_nothing() -> None:
    before = gc.get_freeze_count()
    for _ in range(3):
        load_story("demo", cache=False)
        load_checked("demo", cache=False, ranges=True)
    assert gc.get_freeze_count() == before
    assert gc.isenabled()


def test_a_command_freezes_its_story_once_per_process() -> None:
    code = (
        "import gc, io\n"
        "from engine.cli import main\n"
        "main(['check', 'demo'], out=io.StringIO())\n"
        "once = gc.get_freeze_count()\n"
        "main(['check', 'demo', 'magdalena'], out=io.StringIO())\n"
        "print(once > 0, gc.get_freeze_count() <= once)\n"  # a second freeze would add thousands
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]
