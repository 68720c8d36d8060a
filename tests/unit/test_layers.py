"""The house keeps its layers: the import contracts in pyproject.toml hold, and nothing below
the app pulls Textual in at run time (a lazy import inside a function escapes a static check)."""

from __future__ import annotations

import subprocess
import sys

from importlinter.cli import lint_imports

from tests.support import ROOT


def test_every_import_contract_is_kept() -> None:
    # cli > tui > author | saves > load | play > core, and Textual only in the app
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_importing_the_engine_below_the_app_leaves_textual_out() -> None:
    code = (
        "import sys\n"
        "import engine, engine.core, engine.load, engine.play, engine.saves, engine.author, engine.cli\n"
        "import engine.cli.dispatch, engine.cli.check, engine.cli.simulate, engine.cli.play\n"
        "import engine.author.check, engine.author.simulate.run, engine.author.reload, engine.author.warp\n"
        "import engine.saves.store, engine.saves.record, engine.saves.replay, engine.saves.autosave\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
