"""Shell completion for the installed command (argcomplete): commands, options and story ids.

`pointe-edge completion bash` prints the script a shell sources; from then on the shell runs
`pointe-edge` with `_ARGCOMPLETE` set to ask for completions, and `complete` answers and exits
before anything else runs. argcomplete is imported only then, so it costs a normal start nothing.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from engine.load.folder import bundled_stories

COMMAND = "pointe-edge"
_STORY_ARGS = {"story", "stories"}


def _story_ids(**_: Any) -> list[str]:
    return bundled_stories()


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's request for completions (exits the process when there is one)."""
    import argcomplete

    for action in _actions(parser):
        if action.dest in _STORY_ARGS:
            action.completer = _story_ids  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser, always_complete_options=False)  # options once a "-" is typed


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += _actions(child)
    return found


def run(args: argparse.Namespace, out: TextIO) -> int:
    import argcomplete

    out.write(argcomplete.shellcode([COMMAND], shell=args.shell))
    return 0
