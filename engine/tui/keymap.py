"""The player's own keys: `keymap.json` in the config folder maps a binding's id to keys.

    {"play.undo": "z", "play.quick-save": "f6", "play.stats": "t,ctrl+s"}

Every binding of the game has an id (`play.undo`, `replay.next`, `title.continue-career`: the
guide lists them), and Textual's keymap puts the player's keys in place of the default ones,
in the key bar and in help too. A file that cannot be read, an id the game does not have or a
key that is not text is said in one line and left out; the rest applies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from textual.binding import Binding

from engine.core.textsafe import visible


def binding_ids(bindings: Iterable[Binding | tuple[str, ...]]) -> set[str]:
    return {b.id for b in bindings if isinstance(b, Binding) and b.id}


def read_keymap(path: Path | None, known: set[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap in `path` (only ids in `known`, keys as text), and what was wrong with it."""
    if path is None or not path.is_file():
        return {}, []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as err:
        return {}, [f"Your keymap ({path}) cannot be read: {visible(str(err))[:120]}. Default keys apply."]
    if not isinstance(data, dict):
        return {}, [f"Your keymap ({path}) is not a JSON object of binding ids and keys. Default keys apply."]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for bid, keys in data.items():
        if bid not in known:
            problems.append(f"Your keymap names no action of the game: “{visible(str(bid))[:40]}”.")
        elif not isinstance(keys, str) or not keys.strip() or len(keys) > 100:
            problems.append(f'Your keymap gives “{bid}” no keys (a text such as "z" or "f6,ctrl+s").')
        else:
            keymap[bid] = keys.replace(" ", "")
    return keymap, problems
