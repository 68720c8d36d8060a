"""`main.py serve` end to end: a real server, a real websocket, the real game behind it.

The other tests drive the game through Textual's pilot, in this process. This one proves what
only a running server can: that `serve` listens on the port it was given, that a websocket
spoken to the way textual-serve's page (static/js/textual.js) speaks starts one game under
Textual's web driver, that the game draws its title screen down that socket, and that a key
typed in the page reaches the game (`?` opens the help screen, and nothing else draws its key
list and "How to play"). It also proves the server stops cleanly: stopping its process group
leaves no game running.

The browser's side of the protocol, as textual.js speaks it: it opens `/ws?width=W&height=H`,
sends `["resize", {"width": W, "height": H}]` as soon as the socket is open and then
`["ping", "<milliseconds>"]` (answered by `["pong", ...]`), and every key as
`["stdin", "<the characters>"]`. The server sends the game's terminal output as binary
messages, and its own news (the pong) as JSON text.

Every wait polls a condition against a deadline; none sleeps for a set time, so a loaded
machine makes the test slower, never wrong.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.support import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="process groups and killpg are POSIX"),
]

WIDTH, HEIGHT = 80, 24
# Upper bounds only: each wait ends as soon as its condition holds.
START_DEADLINE = 30.0  # the server listens
SCREEN_DEADLINE = 60.0  # a screen arrives (the game starts in a fresh interpreter)
STOP_DEADLINE = 10.0  # the server and its games are gone after SIGTERM
POLL = 0.05

TITLE_TEXT = ("careers on the ice and on the stage", "The Club Cup")
HELP_TEXT = ("How to play", "command palette: every action")

# Terminal escapes: CSI (colours, cursor moves, modes), OSC, DCS/APC strings, and the short ones.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_].*?\x1b\\"
    r"|\x1b[ -/]*[0-~]",
    re.DOTALL,
)


def visible(output: str) -> str:
    """The text the terminal output draws, without its escape sequences."""
    return _ESCAPE.sub("", output)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def server_log(log: Path) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return f"\n--- server output ---\n{text[-4000:]}"


def wait_for_port(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while True:
        assert server.poll() is None, f"the server exited ({server.returncode}) before listening" + (
            server_log(log)
        )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"nothing listens on port {port}" + server_log(log)
        time.sleep(POLL)  # between two polls of the port, not a wait for a timer


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes in process group `pgid`, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def games(pgid: int) -> list[int]:
    """The games (`python -m engine`) running in process group `pgid`."""
    found = []
    for pid in group_members(pgid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"-m" in argv and b"engine" in argv:
            found.append(pid)
    return found


def stop(server: subprocess.Popen[bytes], pgid: int) -> list[int]:
    """Stop the server's whole process group: SIGTERM, then SIGKILL past the deadline. Returns the
    processes of the group that outlived SIGTERM (killed since), for the test to complain about."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=STOP_DEADLINE)
    survivors: list[int] = []
    if Path("/proc/self/stat").exists():
        deadline = time.monotonic() + STOP_DEADLINE
        while (survivors := group_members(pgid)) and time.monotonic() < deadline:
            time.sleep(POLL)  # polling for the group to empty
    if survivors or server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        server.wait()
    return survivors


class Page:
    """The browser page's end of the websocket: what it sends, and the screen it is sent."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.output = ""  # every byte of terminal output so far, decoded
        self.texts: list[object] = []  # the JSON text messages (the pong)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    async def send(self, *message: object) -> None:
        await self.ws.send_str(json.dumps(list(message)))

    async def read_until(self, wanted: tuple[str, ...], since: int = 0, what: str = "") -> None:
        """Read messages until every string of `wanted` is on the screen drawn after `since`."""
        deadline = time.monotonic() + SCREEN_DEADLINE
        while not all(w in visible(self.output[since:]) for w in wanted):
            remaining = deadline - time.monotonic()
            assert remaining > 0, (
                f"no {what} within {SCREEN_DEADLINE:.0f} s: {wanted} not seen in\n"
                + (visible(self.output[since:])[-3000:])
            )
            try:
                message = await self.ws.receive(timeout=remaining)
            except TimeoutError:
                continue  # the deadline assertion above says what was missing
            if message.type == aiohttp.WSMsgType.BINARY:
                self.output += self._decoder.decode(message.data)
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.texts.append(json.loads(message.data))
            else:
                raise AssertionError(f"the websocket ended ({message.type.name}) before the {what}")


async def play_in_page(port: int, pgid: int) -> list[int]:
    """Play in the page until `?` has opened the help screen; returns the game's process ids."""
    url = f"http://127.0.0.1:{port}/ws?width={WIDTH}&height={HEIGHT}"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        page = Page(ws)
        # What textual.js sends once the socket is open: its size, then a ping.
        await page.send("resize", {"width": WIDTH, "height": HEIGHT})
        await page.send("ping", str(int(time.time() * 1000)))
        await page.read_until(TITLE_TEXT, what="title screen")
        started = games(pgid) if Path("/proc/self/stat").exists() else []
        assert any(isinstance(t, list) and t and t[0] == "pong" for t in page.texts), page.texts

        title = visible(page.output)
        assert not any(h in title for h in HELP_TEXT), "the help screen showed before `?` was typed"

        # A key typed in the page: xterm.js hands it to the page as data, sent as stdin.
        mark = len(page.output)
        await page.send("stdin", "?")
        await page.read_until(HELP_TEXT, since=mark, what="help screen after `?`")
        return started


def test_serve_plays_the_game_over_a_websocket(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ)
    env.update(
        POINTE_EDGE_SAVES=str(tmp_path / "saves"),
        POINTE_EDGE_CONFIG="off",
        TEXTUAL_ANIMATIONS="none",
    )
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pgid = server.pid  # its own session, so its own process group: the games it starts join it
    try:
        wait_for_port(port, server, log)
        started = asyncio.run(play_in_page(port, pgid))
    except AssertionError as err:
        raise AssertionError(f"{err}{server_log(log)}") from None
    finally:
        survivors = stop(server, pgid)
    if Path("/proc/self/stat").exists():
        assert started, "no `python -m engine` ran in the server's process group" + server_log(log)
    assert not survivors, f"still running after SIGTERM to the server's group: {survivors}" + (
        server_log(log)
    )
