"""Files that are not story or save files, put where one should be (issue 16): the same kinds
for the tests (tests/unit/test_bounds.py) and the probe that counts them (bench/bench_bounds.py)."""

from __future__ import annotations

import os
from pathlib import Path

#: What a test puts in a file's place; bench/bench_bounds.py adds "sparse", a file over the cap.
SPECIAL = ["fifo", "dev_zero", "folder", "link_out"]


def make_special(kind: str, path: Path, outside: Path) -> Path:
    """Put a `kind` at `path`: a named pipe, a link to /dev/zero, a folder, a link to the file
    `outside` (written here, outside the folder), or a sparse 25 MB file."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "link_out":
        outside.write_text("token: secret\n")
        path.symlink_to(outside)
    elif kind == "sparse":
        with open(path, "wb") as f:
            f.truncate(25_000_001)
    else:
        raise ValueError(f"no special file of kind {kind!r}")
    return path
