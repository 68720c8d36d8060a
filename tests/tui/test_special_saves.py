"""The app's Continue on a career file that is a named pipe or a link to /dev/zero (issue 16).

It used to block the whole interface for as long as no program wrote to the pipe (590 s in
the probe) or read until the memory ran out. Now the file is set aside and the player told.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.pilot import Pilot

from engine.tui.app import PointeEdgeApp
from engine.tui.screens.title import TitleScreen
from tests.support.app import drive, notices, saved_career
from tests.unit.test_bounds import never_blocks


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_continue_on_a_special_career_file_says_so_and_never_blocks(kind: str, tmp_path: Path) -> None:
    career = saved_career(tmp_path / "saves", "demo", 3, ["ask_coach"])
    path = tmp_path / "saves" / "careers" / f"{career.id}.json"
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)

    with never_blocks():
        app = drive(steps, tmp_path)
    said = " ".join(notices(app))
    assert "kept aside" in said and "it is " in said
    assert not os.path.lexists(path)
