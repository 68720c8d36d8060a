"""The author's own editor, opened at a line of a story file: the command line that does it.

The editor is the one the author has named for every program, `$VISUAL` (a full-screen editor)
or else `$EDITOR`, written as a command line (`code --wait`, `emacs -nw`, a path with spaces in
quotes), which is split as a shell splits it, never run through one. Each editor is told the
line its own way: `+12 file` (vi, Vim, Neovim, nano, Emacs, micro, Kakoune...), `file:12:3`
(Helix, Sublime Text, Zed), `--goto file:12:3` (VS Code and its kin); an editor not known here
is given the file alone, which it opens at its top.

Editors that open a window of their own (VS Code, Sublime Text, Zed, gVim...) are started beside
the game, which goes on, and every save reloads it. An editor in the terminal needs the terminal:
the app hands it over and takes it back when the editor exits (engine/tui/author_mode.py).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.core.errors import PointeEdgeError

#: The variables, in the order they are read.
VARIABLES = ("VISUAL", "EDITOR")

Place = Callable[[str, int, int], list[str]]  # (file, line, column) -> the arguments that say it


def _plus_line(file: str, line: int, col: int) -> list[str]:
    return [f"+{line}", file]


def _plus_line_col(file: str, line: int, col: int) -> list[str]:
    return [f"+{line}:{col}", file]


def _suffix(file: str, line: int, col: int) -> list[str]:
    return [f"{file}:{line}:{col}"]


def _goto(file: str, line: int, col: int) -> list[str]:
    return ["--goto", f"{file}:{line}:{col}"]


def _line_option(file: str, line: int, col: int) -> list[str]:
    return ["--line", str(line), file]


def _notepad_plus_plus(file: str, line: int, col: int) -> list[str]:
    return [f"-n{line}", f"-c{col}", file]


def _file_only(file: str, line: int, col: int) -> list[str]:
    return [file]


#: Each editor known here by its program's name: how it is told the place, and whether it opens
#: a window of its own.
EDITORS: dict[str, tuple[Place, bool]] = {
    **dict.fromkeys(
        ("vi", "vim", "nvim", "view", "vim.basic", "vim.tiny", "vim.nox", "nano", "rnano", "pico"),
        (_plus_line, False),
    ),
    **dict.fromkeys(
        ("emacs", "emacs-nox", "emacsclient", "joe", "jed", "mg", "ne", "mcedit"), (_plus_line, False)
    ),
    **dict.fromkeys(("micro", "kak"), (_plus_line_col, False)),
    **dict.fromkeys(("hx", "helix"), (_suffix, False)),
    **dict.fromkeys(("gvim", "mvim", "gedit"), (_plus_line, True)),
    **dict.fromkeys(("code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"), (_goto, True)),
    **dict.fromkeys(("subl", "sublime_text", "zed", "zeditor"), (_suffix, True)),
    **dict.fromkeys(("idea", "pycharm", "charm"), (_line_option, True)),
    "notepad++": (_notepad_plus_plus, True),
}


class EditorError(PointeEdgeError, ValueError):
    """The editor cannot be started as set; the message says why, in words."""


@dataclass(frozen=True, slots=True)
class EditorCommand:
    """The command line that opens a file at a line, and what the app needs to know to run it."""

    argv: tuple[str, ...]
    name: str  # the editor's program, as the author named it: "nvim", "code"
    variable: str  # where it was set: "VISUAL" or "EDITOR"
    window: bool  # it opens a window of its own: started beside the game, which goes on
    at_line: bool  # it was told the line (an editor not known here opens the file at its top)


def program(word: str) -> str:
    """The editor's name from the first word of its command: `/usr/bin/nvim` and `nvim.exe` are
    `nvim`, `Code.exe` is `code`."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix in (".exe", ".cmd", ".bat", ".com"):
        name = name.removesuffix(suffix)
    return name


def setting(env: Mapping[str, str]) -> tuple[str, str] | None:
    """(variable, command line) of the editor the author set, or None: `$VISUAL`, else `$EDITOR`;
    one set to nothing but spaces counts as not set."""
    for variable in VARIABLES:
        value = env.get(variable, "")
        if value.strip():
            return variable, value
    return None


def command_for(value: str, variable: str, file: Path | str, line: int, col: int = 1) -> EditorCommand:
    """The command that opens `file` at `line` and `col` in the editor `value` names."""
    try:
        words = shlex.split(value, posix=os.name != "nt")
    except ValueError as err:  # an unclosed quote
        raise EditorError(f"${variable} is not a command line ({err}): {value.strip()}") from None
    if not words:
        raise EditorError(f"${variable} names no program")
    name = program(words[0])
    place, window = EDITORS.get(name, (_file_only, False))
    where = place(str(file), max(line, 1), max(col, 1))
    return EditorCommand((*words, *where), name, variable, window, place is not _file_only)


def editor_command(
    file: Path | str, line: int, col: int = 1, env: Mapping[str, str] | None = None
) -> EditorCommand | None:
    """The command that opens `file` at `line` in the author's editor, or None when none is set.
    Raises EditorError when the one set cannot be read as a command line."""
    found = setting(os.environ if env is None else env)
    if found is None:
        return None
    variable, value = found
    return command_for(value, variable, file, line, col)
