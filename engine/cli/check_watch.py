"""`check --watch`: the same check again, every time an author saves a story file.

The check itself is passed in (`run`), so watching changes nothing about what is checked or
how it is reported. Re-checking keeps the parse cache: it is keyed by each file's content, so a
saved file is parsed afresh and the others are not. Each report is headed by the time and the
files that changed; with `--format json` every report is instead one JSON document on one line
(JSON Lines), with `time` and `changed` added, so a tool can read them as they come.
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from engine.author.watch import FolderWatch
from engine.load.folder import display_path


def watch_check(
    folders: list[Path],
    run: Callable[[TextIO], int],
    out: TextIO,
    *,
    json_lines: bool = False,
    stop: Callable[[], bool] = lambda: False,
    interval: float = 0.2,
    settle: float = 0.1,
) -> int:
    """Check, then check again after each change in `folders`, until `stop()` or Ctrl-C.

    `run(stream)` writes one report to `stream`. Returns 0: a watch ends when it is told to,
    whatever the last report said.
    """
    notes = sys.stderr if json_lines else out  # in JSON mode stdout carries JSON and nothing else
    try:
        watches = [FolderWatch(folder, interval, settle) for folder in folders]
        where = _folders(folders)
        notes.write(f"[{_now()}] watching {where} for saves (Ctrl-C to stop)\n")
        _report(run, out, json_lines, [])
        while True:
            changed = _wait(watches, stop, interval)
            if not changed:
                return 0
            if not json_lines:
                out.write(f"\n[{_now()}] changed: {', '.join(changed)}\n")
            _report(run, out, json_lines, changed)
    except KeyboardInterrupt:
        notes.write("\nStopped watching.\n")
        return 0


def _wait(watches: list[FolderWatch], stop: Callable[[], bool], interval: float) -> list[str]:
    """The files changed in any folder (shown as paths), or [] once `stop()` says so."""
    while not stop():
        changed = [display_path(w.folder / rel) for w in watches for rel in w.poll(stop)]
        if changed:
            return changed
        time.sleep(interval)
    return []


def _report(run: Callable[[TextIO], int], out: TextIO, json_lines: bool, changed: list[str]) -> None:
    if not json_lines:
        run(out)
    else:
        buffer = io.StringIO()
        run(buffer)
        try:
            doc = json.loads(buffer.getvalue())
        except ValueError:  # not a report (a story folder vanished): pass the words on as they are
            doc = {"message": buffer.getvalue().strip()}
        doc = {"time": datetime.now().isoformat(timespec="seconds"), "changed": changed, **doc}
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    out.flush()


def _folders(folders: list[Path]) -> str:
    if len(folders) == 1:
        return display_path(folders[0])
    return f"{len(folders)} story folders"


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")
