"""`main.py lsp` as an editor starts it: its own process, JSON-RPC over stdin and stdout, from
`initialize` to `exit`; and the command's help, and the layers it keeps."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from engine.cli.parser import build_parser
from tests.support import ROOT
from tests.support.cli import run_cli


class Wire:
    """Raw JSON-RPC on a process's pipes, each read bounded by a deadline."""

    def __init__(self, proc: subprocess.Popen[bytes]):
        self.proc = proc
        self.buffer = b""

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _fill(self, deadline: float) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, "the server said nothing in time"
        chunk = os.read(fd, 65536)
        assert chunk, "the server closed its output"
        self.buffer += chunk

    def read(self, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buffer:
            self._fill(deadline)
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = next(
            int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")
        )
        while len(rest) < length:
            self.buffer = head + b"\r\n\r\n" + rest
            self._fill(deadline)
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
        self.buffer = rest[length:]
        message: dict[str, Any] = json.loads(rest[:length])
        return message

    def until(self, wanted: Any) -> dict[str, Any]:
        while True:
            message = self.read()
            if wanted(message):
                return message


def test_an_editor_talks_to_main_py_lsp_from_initialize_to_exit(demo_copy: Path, tmp_path: Path) -> None:
    training = demo_copy / "training.yaml"
    text = training.read_text(encoding="utf-8").replace("technique: +2", "tecnique: +2", 1)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "lsp", "--stdio", "--log", str(tmp_path / "lsp.log")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=demo_copy,
    )
    wire = Wire(proc)
    try:
        wire.send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": os.getpid(), "rootUri": demo_copy.as_uri(), "capabilities": {}},
            }
        )
        init = wire.until(lambda m: m.get("id") == 1)
        assert init["result"]["serverInfo"]["name"] == "pointe-edge"
        assert init["result"]["capabilities"]["definitionProvider"]
        wire.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        doc = {"uri": training.as_uri(), "languageId": "yaml", "version": 1, "text": text}
        wire.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}})
        published = wire.until(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == training.as_uri()
                and m["params"]["diagnostics"]
            )
        )
        (d,) = published["params"]["diagnostics"]
        assert d["code"] == "E031" and d["severity"] == 1 and d["source"] == "pointe-edge"
        assert d["message"] == "unknown stat `tecnique` (did you mean `technique`?)"
        assert published["params"]["version"] == 1
        line = text.split("\n")[d["range"]["start"]["line"]]
        assert line[d["range"]["start"]["character"] : d["range"]["end"]["character"]] == "tecnique"
        # Go to a scene from a `goto` in the same process.
        row = next(i for i, r in enumerate(text.split("\n")) if "goto: competition.synchro" in r)
        col = text.split("\n")[row].index("synchro")
        position = {"line": row, "character": col}
        params = {"textDocument": {"uri": training.as_uri()}, "position": position}
        wire.send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/definition", "params": params})
        (location,) = wire.until(lambda m: m.get("id") == 2)["result"]
        assert location["uri"] == (demo_copy / "competition.yaml").as_uri()
        wire.send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
        assert wire.until(lambda m: m.get("id") == 3)["result"] is None
        wire.send({"jsonrpc": "2.0", "method": "exit"})
        assert proc.wait(30) == 0
        assert "textDocument/definition" in (tmp_path / "lsp.log").read_text(encoding="utf-8")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_the_lsp_command_has_a_manual_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["lsp", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert "Language Server Protocol" in out and "--debounce MS" in out and "examples:" in out
    assert "lsp --debounce 300" in out
    args = build_parser().parse_args(["lsp", "--stdio", "--debounce", "0"])
    assert (args.command, args.debounce, args.stdio) == ("lsp", 0, True)


def test_the_lsp_command_refuses_to_serve_anything_but_the_real_standard_streams() -> None:
    code, _ = run_cli("lsp")
    assert code == 2


def test_the_server_never_loads_textual_and_other_commands_never_load_pygls() -> None:
    code = (
        "import sys\n"
        "import engine.cli.dispatch, engine.cli.parser, engine.cli.check\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))\n"
        "import engine.lsp.server\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "[]"]
