"""Fixtures of the language server's tests: a copy of a bundled story to edit, and an editor
(tests/lsp/editor.py) connected to a server, both in the test's own event loop."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.load.folder import STORIES_DIR
from tests.lsp.editor import Editor, connect


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """The bundled demo, copied: the tests change its files."""
    folder = tmp_path / "demo"
    shutil.copytree(STORIES_DIR / "demo", folder)
    return folder


Scenario = Callable[[Editor], Awaitable[Any]]


@pytest.fixture
def editor() -> Iterator[Callable[..., Any]]:
    """`editor(root, scenario)`: runs `await scenario(ed)` with an initialized editor on `root`."""

    def run(root: Path | None, scenario: Scenario, **options: Any) -> Any:
        async def main() -> Any:
            ed, close = await connect(**options)
            try:
                await ed.initialize(root)
                return await scenario(ed)
            finally:
                await close()

        return asyncio.run(main())

    yield run
