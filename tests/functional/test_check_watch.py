"""`check --watch`: a saved file is checked again within a second, and Ctrl-C ends it cleanly."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import engine.cli as cli
import engine.cli.check as cli_check
from engine.cli.check_watch import watch_check
from tests.support import ROOT, STORIES
from tests.support.cli import as_at_a_terminal

RULES = STORIES / "rules"


class Output(io.StringIO):
    """What the watch printed, readable from the test while the watch writes from its thread."""

    def wait_for(self, text: str, count: int, timeout: float = 30) -> float:
        """Seconds until `text` has appeared `count` times (fails the test after `timeout`, which
        is there to stop a hung watch, not to time it)."""
        start = time.perf_counter()
        while self.getvalue().count(text) < count:
            assert time.perf_counter() - start < timeout, f"waited for {text!r} x{count}:\n{self.getvalue()}"
            time.sleep(0.005)
        return time.perf_counter() - start


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()  # a coarse clock could give the same mtime twice: move it on explicitly
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def _start(story: Path, fmt: str, out: Output) -> tuple[threading.Thread, threading.Event, list[int]]:
    stopped = threading.Event()
    result: list[int] = []

    def run(stream: io.StringIO) -> int:
        return cli_check.check([str(story)], fmt, True, stream)

    def watch() -> None:
        result.append(
            watch_check(
                [story], run, out, json_lines=fmt == "json", stop=stopped.is_set, interval=0.05, settle=0.05
            )
        )

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread, stopped, result


def test_every_save_is_checked_again(story: Path) -> None:
    # How soon is a figure for bench/bench_reload.py, not a test: on a loaded machine any limit
    # would fail at random. `wait_for` only guards against a watch that never reports.
    out = Output()
    thread, stopped, result = _start(story, "text", out)
    try:
        out.wait_for("checked 1 story", 1)
        main = story / "main.yaml"
        good = main.read_text(encoding="utf-8")
        _save(main, good.replace("effects: {grace: +1}", "effects: {grce: +1}"))
        out.wait_for("checked 1 story", 2)
        assert "unknown stat `grce`" in out.getvalue()
        _save(main, good)
        out.wait_for("checked 1 story", 3)
    finally:
        stopped.set()
        thread.join(5)
    assert result == [0]
    first, second, third = out.getvalue().split("\n\n")
    assert first.startswith("[") and f"] watching {story}" in first.splitlines()[0]
    assert first.endswith("checked 1 story, 5 scenes: 0 errors, 0 warnings")
    header, *problems, total = second.splitlines()
    assert header.endswith(f"] changed: {main}")
    assert len(problems) == 1 and "main.yaml:9:15: error: E031 unknown stat `grce`" in problems[0]
    assert total == "checked 1 story, 5 scenes: 1 error, 0 warnings"
    assert third.endswith("checked 1 story, 5 scenes: 0 errors, 0 warnings\n")


def test_json_reports_are_one_line_each_with_the_change(
    story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Output()
    thread, stopped, _ = _start(story, "json", out)
    try:
        out.wait_for("\n", 1)
        (story / "extra.yaml").write_text("chapter: extra\nscenes: {}\n", encoding="utf-8")
        out.wait_for("\n", 2)
    finally:
        stopped.set()
        thread.join(5)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["changed"] == [] and first["errors"] == 0 and "time" in first
    assert second["changed"] == [str(story / "extra.yaml")] and second["stories"][0]["scenes"] == 5
    assert "watching" in capsys.readouterr().err  # the words stay off stdout, which carries JSON


def test_ctrl_c_stops_the_watch_with_success(story: Path) -> None:
    out = io.StringIO()

    def interrupted() -> bool:
        raise KeyboardInterrupt

    stop: Callable[[], bool] = interrupted
    assert watch_check([story], lambda s: cli_check.check([str(story)], "text", True, s), out, stop=stop) == 0
    assert out.getvalue().endswith("checked 1 story, 5 scenes: 0 errors, 0 warnings\n\nStopped watching.\n")


def test_a_story_folder_moved_away_is_named_and_the_others_are_still_checked(
    story: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    shutil.copytree(RULES, other)
    watched: list[tuple[str, Path | None]] = [(str(story), story), (str(other), other)]
    away = story.rename(tmp_path / "away")
    out = io.StringIO()
    assert cli_check.check_present(watched, "text", True, out) == 0
    note, *_, total = out.getvalue().splitlines()
    assert (
        note == f"note: the story folder {story} is gone (moved, renamed or deleted); put it back to check it"
    )
    assert total == "checked 1 story, 5 scenes: 0 errors, 0 warnings"
    out = io.StringIO()
    assert cli_check.check_present(watched, "json", True, out) == 0
    assert json.loads(out.getvalue())["stories"][0]["story"] == str(other)  # the note went to stderr
    assert "is gone" in capsys.readouterr().err
    other.rename(tmp_path / "also_away")
    out = io.StringIO()
    assert cli_check.check_present(watched, "json", True, out) == 2  # nothing left: the notes are the report
    assert out.getvalue().count("is gone") == 2
    away.rename(story)
    out = io.StringIO()
    assert cli_check.check_present(watched[:1], "text", True, out) == 0
    assert out.getvalue() == "checked 1 story, 5 scenes: 0 errors, 0 warnings\n"
    out = io.StringIO()
    assert cli_check.check_present(watched[:1], "text", True, out, show_ranges=True) == 0  # --watch --ranges
    assert f"{story}: stat bounds, proven over every path" in out.getvalue()


def test_watch_refuses_an_unknown_story() -> None:
    out = io.StringIO()
    assert cli.main(["check", "--watch", "nowhere"], out=out) == 2
    assert out.getvalue().startswith("error: no story called 'nowhere'")


def test_watch_of_a_story_file_watches_and_checks_its_story(
    story: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.cli.check_watch as check_watch

    seen: list[list[Path]] = []

    def once(
        folders: list[Path], recheck: Callable[[io.StringIO], int], out: io.StringIO, **_: object
    ) -> int:
        seen.append(folders)
        return recheck(out)

    monkeypatch.setattr(check_watch, "watch_check", once)
    chapter = next(p for p in sorted(story.glob("*.yaml")) if p.name != "story.yaml")
    out = io.StringIO()
    assert cli.main(["check", "--watch", str(chapter)], out=out) == 0
    assert seen == [[story.resolve()]]
    assert out.getvalue().endswith("checked 1 story, 5 scenes: 0 errors, 0 warnings\n")


def test_watch_as_a_process_ends_on_ctrl_c(story: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "main.py", "check", str(story), "--watch"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_at_a_terminal,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    deadline = time.monotonic() + 20
    while not any(line.startswith("checked ") for line in lines) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    finally:
        proc.kill()
    reader.join(5)
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 0, err
    assert "".join(lines).endswith("0 errors, 0 warnings\n\nStopped watching.\n") and err == ""
