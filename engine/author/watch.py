"""Notice when an author saves a story file: the engine behind `check --watch` and `play --author`.

It polls: every `interval` it lists the folder's YAML files with their size and modification
time. Polling needs no extra dependency, behaves the same on every platform and filesystem
(network drives and editors that save by renaming included), and a story's few dozen files cost
well under a millisecond to list. A change is reported once the files have stopped changing for
`settle` seconds, so an editor that writes in several steps gives one reload, not three.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

PATTERNS = (".yaml", ".yml")

Snapshot = dict[str, tuple[int, int]]  # relative path -> (mtime_ns, size)


def snapshot(folder: Path) -> Snapshot:
    """The story files under `folder` (sub-folders included; hidden ones skipped)."""
    found: Snapshot = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in files:
            if name.startswith(".") or not name.endswith(PATTERNS):
                continue
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:  # deleted between the listing and the stat: it is gone
                continue
            found[os.path.relpath(path, folder)] = (st.st_mtime_ns, st.st_size)
    return found


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, removed or changed between two snapshots, sorted."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class FolderWatch:
    """Polls one story folder. `poll()` says which files changed since the last call.

    `sleep` is how it waits for a save to settle, and `idle` how it waits between two polls
    (both `time.sleep` unless given: a thread passes its events' `wait`, so that a stop, or a
    request to look now, wakes it at once; a test passes a clock of its own).
    """

    def __init__(
        self,
        folder: Path | str,
        interval: float = 0.2,
        settle: float = 0.1,
        *,
        sleep: Callable[[float], object] = time.sleep,
        idle: Callable[[float], object] | None = None,
    ):
        self.folder = Path(folder)
        self.interval = interval
        self.settle = settle
        self.sleep = sleep
        self.idle = idle or sleep
        self._last = snapshot(self.folder)

    def poll(self, stop: Callable[[], bool] = lambda: False) -> list[str]:
        """The files that changed since the last poll (waiting for them to settle), or [].

        Also [] when `stop()` becomes true while they settle: an editor that keeps writing
        must not keep a stopped watch alive. The change is not lost; the next poll reports it.
        """
        now = snapshot(self.folder)
        if now == self._last:
            return []
        while True:  # let a multi-step save finish before reporting it
            self.sleep(self.settle)
            if stop():
                return []
            later = snapshot(self.folder)
            if later == now:
                break
            now = later
        changed = differences(self._last, now)
        self._last = now
        return changed

    def wait(self, stop: Callable[[], bool] = lambda: False) -> list[str]:
        """Block until something changes (returns the files) or `stop()` is true (returns [])."""
        while not stop():
            changed = self.poll(stop)
            if changed or stop():  # stopped while settling: no interval's wait on top
                return changed
            self.idle(self.interval)
        return []


class WatchThread(threading.Thread):
    """Calls `on_change(files)` from a daemon thread whenever the folder changes, until `stop()`.

    It waits on its stop event rather than sleeping, so `stop()` ends it promptly, even in the
    middle of a settle. Between two polls it also wakes when asked to look now (`check_now()`):
    the app asks when the author's editor exits, so that a saved edit reloads at once whatever
    the interval, and the same watch (with its snapshot) reports it once.
    """

    def __init__(
        self,
        folder: Path | str,
        on_change: Callable[[list[str]], None],
        interval: float = 0.2,
        settle: float = 0.1,
    ):
        super().__init__(name="story-watch", daemon=True)
        self._stopped = threading.Event()
        self._nudged = threading.Event()
        self.watch = FolderWatch(folder, interval, settle, sleep=self._stopped.wait, idle=self._idle)
        self.on_change = on_change

    def _idle(self, seconds: float) -> None:
        """Wait between two polls: the interval, or less if stopped or asked to look now. A
        request that comes while a poll runs is kept, so the next wait ends at once."""
        self._nudged.wait(seconds)
        self._nudged.clear()

    def check_now(self) -> None:
        """Poll now rather than at the end of the interval (from any thread)."""
        self._nudged.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            changed = self.watch.wait(self._stopped.is_set)
            if changed and not self._stopped.is_set():
                self.on_change(changed)

    def stop(self) -> None:
        self._stopped.set()
        self._nudged.set()
