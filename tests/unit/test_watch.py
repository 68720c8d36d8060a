"""The folder watcher behind `check --watch` and live reload: it sees saves, once each."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from engine.author.watch import FolderWatch, WatchThread, differences, snapshot


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()  # a coarse clock could give the same mtime twice: move it on explicitly
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_snapshot_lists_story_files_only_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("id: x\n")
    (tmp_path / "notes.txt").write_text("not a story file\n")
    (tmp_path / ".draft.yaml").write_text("hidden\n")
    (tmp_path / "branches").mkdir()
    (tmp_path / "branches" / "b.yml").write_text("chapter: b\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text("no\n")
    assert sorted(snapshot(tmp_path)) == [os.path.join("branches", "b.yml"), "story.yaml"]


def test_differences_names_added_removed_and_changed_files() -> None:
    before = {"a.yaml": (1, 1), "b.yaml": (1, 1), "c.yaml": (1, 1)}
    after = {"a.yaml": (1, 1), "b.yaml": (2, 1), "d.yaml": (1, 1)}
    assert differences(before, after) == ["b.yaml", "c.yaml", "d.yaml"]


def test_poll_reports_each_change_once(tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text("id: x\n")
    watch = FolderWatch(tmp_path, interval=0.01, settle=0.01)
    assert watch.poll() == []
    _touch(story, "id: y\n")
    assert watch.poll() == ["story.yaml"]
    assert watch.poll() == []
    (tmp_path / "new.yaml").write_text("chapter: n\n")
    story.unlink()
    assert watch.poll() == ["new.yaml", "story.yaml"]


def test_wait_returns_nothing_when_stopped(tmp_path: Path) -> None:
    watch = FolderWatch(tmp_path, interval=0.01)
    calls = iter([False, False, True])
    assert watch.wait(lambda: next(calls)) == []


def test_thread_calls_back_and_stops(tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text("id: x\n")
    seen: list[list[str]] = []
    event = threading.Event()

    def changed(files: list[str]) -> None:
        seen.append(files)
        event.set()

    thread = WatchThread(tmp_path, changed, interval=0.02)
    thread.start()
    try:  # the watch took its snapshot when it was made: the change can come at once
        _touch(story, "id: y\n")
        assert event.wait(30)  # a guard against a watch that never calls; the speed is bench's
        assert seen == [["story.yaml"]]
    finally:
        thread.stop()
        thread.join(2)
    assert not thread.is_alive()


class EditorThatNeverStops:
    """A clock for `FolderWatch`: every wait, the author's editor writes the file again, so the
    files never settle; after `stop_after` waits, the watch is told to stop."""

    def __init__(self, path: Path, stop_after: int):
        self.path, self.stop_after = path, stop_after
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        assert len(self.waits) < 50, "the watch never looked at stop()"
        _touch(self.path, f"id: x{len(self.waits)}\n")

    def stopped(self) -> bool:
        return len(self.waits) >= self.stop_after


def test_a_stop_while_files_settle_ends_the_wait_at_once(tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text("id: x\n")
    editor = EditorThatNeverStops(story, stop_after=2)
    watch = FolderWatch(tmp_path, interval=1.0, settle=0.5, sleep=editor.sleep)
    _touch(story, "id: y\n")
    assert watch.wait(editor.stopped) == []
    assert editor.waits == [0.5, 0.5]  # two settles, then the stop was seen: no more waiting
    watch.sleep = lambda seconds: None  # the editor is done
    assert watch.poll() == ["story.yaml"]  # the change is not lost: the next poll reports it


def test_stopping_the_thread_while_files_settle_ends_it_promptly(tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text("id: x\n")
    thread = WatchThread(tmp_path, lambda files: None, interval=0.01, settle=600)
    settling = threading.Event()
    wait = thread.watch.sleep

    def observed(seconds: float) -> object:
        if seconds == 600:
            settling.set()
        return wait(seconds)

    thread.watch.sleep = observed
    _touch(story, "id: y\n")  # changed before the thread starts: its first poll settles
    thread.start()
    try:
        assert settling.wait(5)
        thread.stop()
        thread.join(5)  # a bound for a broken stop only: a working one ends in microseconds
        assert not thread.is_alive()
    finally:
        thread.stop()
