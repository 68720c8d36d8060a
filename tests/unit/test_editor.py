"""The author's editor opened at a line (engine/author/editor.py), and the watcher that is asked
to look at once when it exits (engine/author/watch.py)."""

from __future__ import annotations

import shlex
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.author.editor import EditorError, command_for, editor_command, program
from engine.author.watch import FolderWatch, WatchThread

FILE = "/home/you/stories/swan/act one.yaml"


@pytest.mark.parametrize(
    ("value", "argv", "window"),
    [
        ("vim", ["vim", "+12", FILE], False),
        ("nvim -u NONE", ["nvim", "-u", "NONE", "+12", FILE], False),
        ("/usr/local/bin/nano", ["/usr/local/bin/nano", "+12", FILE], False),
        ("emacs -nw", ["emacs", "-nw", "+12", FILE], False),
        ("emacsclient -t", ["emacsclient", "-t", "+12", FILE], False),
        ("micro", ["micro", "+12:3", FILE], False),
        ("kak", ["kak", "+12:3", FILE], False),
        ("hx", ["hx", f"{FILE}:12:3"], False),
        ("helix", ["helix", f"{FILE}:12:3"], False),
        ("code --wait", ["code", "--wait", "--goto", f"{FILE}:12:3"], True),
        ("codium", ["codium", "--goto", f"{FILE}:12:3"], True),
        ("subl -w", ["subl", "-w", f"{FILE}:12:3"], True),
        ("zed", ["zed", f"{FILE}:12:3"], True),
        ("gvim -f", ["gvim", "-f", "+12", FILE], True),
        (
            "'/Applications/Sublime Text.app/Contents/SharedSupport/bin/subl'",
            ["/Applications/Sublime Text.app/Contents/SharedSupport/bin/subl", f"{FILE}:12:3"],
            True,
        ),
    ],
)
def test_each_editor_is_told_the_line_its_own_way(value: str, argv: list[str], window: bool) -> None:
    command = command_for(value, "EDITOR", FILE, 12, 3)
    assert list(command.argv) == argv
    assert command.window is window and command.at_line and command.variable == "EDITOR"


def test_an_editor_not_known_here_is_given_the_file_alone() -> None:
    command = command_for("mousepad --new-window", "VISUAL", FILE, 12, 3)
    assert command.argv == ("mousepad", "--new-window", FILE)
    assert not command.at_line and not command.window and command.name == "mousepad"


def test_the_program_is_named_whatever_its_path_or_its_suffix() -> None:
    assert program("/usr/bin/nvim") == "nvim"
    assert program("C:\\Program Files\\Notepad++\\notepad++.exe") == "notepad++"
    assert program("Code.exe") == "code"
    assert program("vim.basic") == "vim.basic"


def test_visual_comes_first_then_editor_and_a_blank_one_is_not_set() -> None:
    both = {"VISUAL": "nvim", "EDITOR": "nano"}
    found = editor_command(FILE, 4, env=both)
    assert found is not None and found.name == "nvim" and found.variable == "VISUAL"
    found = editor_command(FILE, 4, env={"VISUAL": "  ", "EDITOR": "nano"})
    assert found is not None and found.argv == ("nano", "+4", FILE) and found.variable == "EDITOR"
    assert editor_command(FILE, 4, env={}) is None
    assert editor_command(FILE, 4, env={"EDITOR": ""}) is None


def test_a_setting_that_is_not_a_command_line_is_said_so() -> None:
    with pytest.raises(EditorError, match=r"\$EDITOR is not a command line \(No closing quotation\)"):
        editor_command(FILE, 1, env={"EDITOR": "'/opt/my editor/bin/ed"})


def test_a_line_or_column_below_one_is_read_as_one() -> None:
    assert command_for("micro", "EDITOR", FILE, 0, -3).argv == ("micro", "+1:1", FILE)


PATHS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00/", exclude_categories=("Cs",)),
    min_size=1,
    max_size=20,
)


@given(
    st.lists(PATHS, min_size=1, max_size=3),
    st.sampled_from(["vim", "hx", "code", "micro", "subl", "mousepad", "nano"]),
    st.lists(st.text(alphabet="abc-=' \"x", max_size=6), max_size=2),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=500),
)
def test_any_path_and_any_arguments_reach_the_editor_whole(
    parts: list[str], editor: str, extra: list[str], line: int, col: int
) -> None:
    """Outside input: a story folder's path and an author's $EDITOR may hold spaces, quotes, `$`,
    `;` or any other character; each is one argument, never read by a shell."""
    folder = "/" + "/".join(parts)
    file = f"{folder}/chapter one.yaml"
    where = f"/opt/{parts[0]}/bin/{editor}"  # the program by a path of its own, with whatever it holds
    value = shlex.join([where, *extra])
    command = command_for(value, "EDITOR", file, line, col)
    assert command.argv[0] == where and command.name == editor
    assert list(command.argv[1 : 1 + len(extra)]) == extra
    told = command.argv[1 + len(extra) :]
    assert file in told or f"{file}:{line}:{col}" in told
    assert any(str(line) in word for word in told) == command.at_line


# -- the watcher, asked to look now ---------------------------------------------------------------


def test_a_watch_waits_between_polls_by_its_idle_and_for_a_save_to_settle_by_its_sleep(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    idled: list[float] = []
    settled: list[float] = []
    polls = iter([False, False, False, False, True])  # asked before and after each poll
    watch = FolderWatch(tmp_path, interval=7, settle=0.5, sleep=settled.append, idle=idled.append)
    assert watch.wait(stop=lambda: next(polls)) == []
    assert idled == [7, 7] and settled == []
    (tmp_path / "a.yaml").write_text("x: 22\n")
    assert watch.poll() == ["a.yaml"] and settled == [0.5]


def test_check_now_makes_the_thread_look_at_once_whatever_its_interval(tmp_path: Path) -> None:
    story = tmp_path / "a.yaml"
    story.write_text("x: 1\n")
    seen: list[list[str]] = []
    changed = threading.Event()

    def report(files: list[str]) -> None:
        seen.append(files)
        changed.set()

    thread = WatchThread(tmp_path, report, interval=3600, settle=0)
    thread.start()
    try:
        story.write_text("x: 2 and more\n")
        thread.check_now()
        assert changed.wait(30), "the watcher did not look when asked"  # not an interval's wait
        assert seen == [["a.yaml"]]
    finally:
        thread.stop()
        thread.join(10)
    assert not thread.is_alive()
