"""Where a story's tests live: `tests/*.yaml` at the top of the story folder.

The loader skips that folder (engine/load/folder.py `TESTS_DIR`), so a test file is never read
as a chapter, and a story without tests needs nothing.
"""

from __future__ import annotations

from pathlib import Path

from engine.load.folder import TESTS_DIR


def story_test_files(story_folder: Path) -> list[Path]:
    """The story's test files, in sorted order (hidden ones skipped, as the loader does). Pipes,
    devices and links out are listed too, so that reading them says what is wrong with them."""
    folder = story_folder / TESTS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if not p.is_dir() and p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
    )
