"""Module docstrings that describe the expression language and the IR say what the code does."""

from __future__ import annotations

import re

import pytest

from engine.core import expr as ex
from engine.core import template
from engine.core.expr import compiler, nodes, syntax, typecheck, values
from engine.load import ir, parse


def test_the_interpolations_the_text_module_shows_are_written_in_the_language() -> None:
    doc = template.__doc__ or ""
    shown = [s for s in re.findall(r"`(\{[^`]*\})`", doc) if not s.startswith("{{")]
    assert shown, doc
    for snippet in shown:
        if re.match(r"\{\s*\w+\s*:", snippet):  # a variation: text, not an expression
            assert template.parse(snippet)[1] == [], snippet
            continue
        ex.parse(snippet[1:-1])  # raises ExprError if the docs show syntax the language lacks


@pytest.mark.parametrize("module", [ex, nodes, syntax, typecheck, compiler, values, template, parse, ir])
def test_the_parsed_form_is_not_called_json(module: object) -> None:
    # The load cache stores the IR, trees included, with marshal (engine/load/cache.py).
    assert "JSON" not in (module.__doc__ or "")
