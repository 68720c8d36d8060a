"""The language server as an editor meets it: a keystroke in a large story to its diagnostics.

Starts `main.py lsp --debounce 0` as an editor would (its own process, JSON-RPC over stdin and
stdout), opens one chapter file of a generated story, and changes it again and again: each
change alternately misspells a stat and puts it right, so every change changes the diagnostics.
Each figure is the time from writing `didChange` to reading the `publishDiagnostics` for that
version of the file: the analysis of the whole story (parse of the changed file, link, every
check `check` runs, the story's index) and the protocol both ways. The debounce, which waits
for the author to pause, is off: it adds its own delay (150 ms by default) on top.

    uv run python bench_lsp.py               # 1,000 scenes, 30 changes
    uv run python bench_lsp.py 1000 --changes 50
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, BinaryIO

import gen_story
from _common import ROOT


def _send(stdin: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stdin.flush()


def _read(stdout: BinaryIO) -> dict[str, Any]:
    length = 0
    while True:
        line = stdout.readline()
        if not line:
            raise EOFError("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(stdout.read(length))
    return message


class Server:
    """`main.py lsp` in its own process, spoken to in raw JSON-RPC."""

    def __init__(self, root: Path):
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "lsp", "--debounce", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.ids = 0
        params = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}}
        self.request("initialize", params)
        self.notify("initialized", {})

    def notify(self, method: str, params: Any) -> None:
        _send(self.stdin, {"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.ids += 1
        _send(self.stdin, {"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params})
        while True:
            message = _read(self.stdout)
            if message.get("id") == self.ids and "method" not in message:
                return message.get("result")

    def diagnostics(self, uri: str, version: int) -> list[Any]:
        """Read until the server publishes the diagnostics of `uri` at `version`."""
        while True:
            message = _read(self.stdout)
            params = message.get("params") or {}
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version") == version
            ):
                return list(params["diagnostics"])

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(30)


def latencies(scenes: int, changes: int, folder: Path) -> tuple[float, list[float], int]:
    """The first analysis (opening the file) and each change's time to its diagnostics, in
    seconds, and the errors the last change left (0: it put the stat right again)."""
    story = gen_story.generate(scenes, folder)
    path = story / f"c{min(3, (scenes - 1) // gen_story.SCENES_PER_FILE)}.yaml"
    uri = path.resolve().as_uri()
    good = path.read_text(encoding="utf-8")
    stat = next(s for s in gen_story.STATS if f"{s}:" in good)
    bad = good.replace(f"{stat}:", f"{stat[:-1]}:", 1)  # one effect on a misspelt stat
    server = Server(story)
    try:
        started = time.perf_counter()
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": good}},
        )
        server.diagnostics(uri, 1)
        first = time.perf_counter() - started
        times: list[float] = []
        errors = 0
        token = random.randrange(10**9)  # every change is new to every cache, as typing is
        for version in range(2, changes + 2):
            text = f"# edit {token}-{version}\n" + (bad if version % 2 == 0 else good)
            started = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            )
            found = server.diagnostics(uri, version)
            times.append(time.perf_counter() - started)
            errors = sum(d.get("severity") == 1 for d in found)
            assert (errors > 0) == (version % 2 == 0), (version, found[:2])
        return first, times, errors
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenes", nargs="?", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="pe-bench-lsp-") as tmp:
        first, times, _ = latencies(args.scenes, args.changes, Path(tmp) / "story")
    load_after = os.getloadavg()
    ms = sorted(x * 1000 for x in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    print(
        f"{args.scenes:,} scenes: a change to its diagnostics, median {statistics.median(ms):.1f} ms, "
        f"p90 {p90:.1f} ms, max {ms[-1]:.1f} ms ({len(ms)} changes); opening the first file "
        f"{first * 1000:.0f} ms; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )


if __name__ == "__main__":
    main()
