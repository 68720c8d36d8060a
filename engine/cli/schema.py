"""`main.py schema`: the JSON Schema of story files, for an editor (engine/load/schema.py).

It prints the schema shipped with this copy of the game, the one its loader agrees with; an
author points their editor at the file `--out` writes, and writes it again after an upgrade.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from engine.core.version import STORY_FORMAT
from engine.load.schema import SCHEMA_FILE, shipped


def run(args: argparse.Namespace, out: TextIO) -> int:
    text = shipped()
    if args.out is None:
        out.write(text)
        return 0
    target = Path(args.out).expanduser()
    if target.is_dir():
        target = target / SCHEMA_FILE.name
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as err:
        out.write(f"error: cannot write {target}: {err.strerror or err}\n")
        return 2
    out.write(
        f"wrote {target}: the JSON Schema of story files (story format {STORY_FORMAT});"
        " docs/authoring.md, 'Your editor', says how to point your editor at it\n"
    )
    return 0
