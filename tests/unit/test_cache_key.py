"""The parse cache is keyed on every line of code that decides what a file parses into.

An entry stores a file's IR, and the IR holds the parser's own output: messages and hints of
diagnostics, expression trees, text pieces. A key that left out any module the parser runs
could serve an entry that today's code would no longer produce (the review found
diagnostics.py left out, and a missing module hashed by its *name*).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import engine.load.cache as cache_module
from engine.load.cache import ParseCache, parser_modules
from tests.support import ROOT

ENGINE = ROOT / "engine"


def test_every_engine_module_the_parser_runs_is_in_the_key() -> None:
    # Import the parser alone in a fresh interpreter and list what of the engine it pulled in:
    # each of those modules must be one whose code is hashed into the key.
    code = (
        "import sys, engine.load.parse, engine.load.yaml_reader\n"
        "print('\\n'.join(sorted(m.__file__ for n, m in sys.modules.items()"
        " if n.startswith('engine.') and getattr(m, '__file__', None))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    ran = {Path(line).resolve() for line in done.stdout.split()}
    keyed = {p.resolve() for p in parser_modules()}
    assert ran, "the parser imported nothing of the engine?"
    assert ran - keyed == set()
    assert ENGINE / "core" / "diagnostics.py" in keyed  # hints live in the IR


def test_a_change_to_any_keyed_module_changes_every_key(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A copy of the engine's core and load folders, so a module can be changed without touching
    # the real one: the key follows the bytes of every module, diagnostics.py included.
    copy = tmp_path / "engine"
    for pkg in ("core", "load"):
        for path in (ENGINE / pkg).rglob("*.py"):
            target = copy / path.relative_to(ENGINE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    fake = copy / "load" / "cache.py"
    monkeypatch.setattr(cache_module, "__file__", str(fake))
    monkeypatch.setattr(cache_module, "_digests", {})
    cache = ParseCache(tmp_path / "entries")
    first = cache.key("abc", manifest=False)
    diagnostics = copy / "core" / "diagnostics.py"
    diagnostics.write_text(diagnostics.read_text() + "\n# a new hint\n")
    monkeypatch.setattr(cache_module, "_digests", {})
    assert cache.key("abc", manifest=False) != first


def test_unreadable_parser_code_means_no_cache_not_a_key_without_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The old fallback hashed a missing module's name: a key that could serve stale entries.
    monkeypatch.setattr(cache_module, "_digests", {})

    def unreadable(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    cache = ParseCache(tmp_path / "entries")
    assert cache.key("abc", manifest=True) is None
    cache.put(None, {"v": 1, "problems": []})
    assert cache.get(None) is None
    assert not (tmp_path / "entries").exists()
