"""No pattern the engine runs over story or save text backtracks (issue 16).

Every regular expression of the engine is a module-level constant (a test below holds the
source to that), so importing every module finds them all. Each is run by a step-counting
model of Python's backtracking engine (tests/support/regex_cost.py) on texts Hypothesis builds
from the characters the pattern cares about, in long runs, steered towards the dearest ones;
its cost must stay within a fixed multiple of the text's length. Nothing is timed. The model is
held to the real engine (same matches), and shown to catch the patterns that were quadratic.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

import engine
from tests.support.regex_cost import alphabet, cost, run, token_cost

ROOT = Path(engine.__file__).parent
#: Steps per character (plus one) that no pattern may pass. The dearest linear one, the
#: expression tokenizer, spends about 36 on `<<<<`; a quadratic one passes it within 200.
STEPS_PER_CHAR = 40
#: Patterns run as a tokenizer (match where the last token ended, stop at the first failure).
TOKENIZERS = {"engine.core.expr.syntax._TOKEN"}


def engine_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        module = importlib.import_module(info.name)
        source = Path(module.__file__ or "").read_text()
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and f"{name} = re.compile" in source:
                found[f"{info.name}.{name}"] = value
    return found


PATTERNS = engine_patterns()


def test_every_pattern_is_a_module_constant() -> None:
    """A pattern written inline (`re.sub(r"...", ...)`) or compiled inside a function would
    escape the audit below, so neither is allowed in engine/."""
    calls = ("compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer")
    wrong: list[str] = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        top = {id(n.value) for n in tree.body if isinstance(n, ast.Assign)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in calls
                and not (node.func.attr == "compile" and id(node) in top)
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []
    assert len(PATTERNS) >= 20, sorted(PATTERNS)


def _texts(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    """Texts of up to ~600 characters made of runs of short chunks of the pattern's alphabet:
    the shape (long runs of one kind, then something else) that makes a pattern backtrack."""
    chunk = st.text(st.sampled_from(alphabet(pattern)), min_size=1, max_size=3)
    runs = st.lists(st.tuples(chunk, st.integers(1, 200)), min_size=1, max_size=4)
    return runs.map(lambda rs: "".join(c * k for c, k in rs)[:600])


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_costs_more_than_linear(name: str) -> None:
    pattern = PATTERNS[name]
    measure = token_cost if name in TOKENIZERS else cost

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_texts(pattern))
    def check(text: str) -> None:
        steps = measure(pattern, text)
        target(steps / (len(text) + 1))
        assert steps <= STEPS_PER_CHAR * (len(text) + 1), (name, len(text), steps)

    check()


@pytest.mark.parametrize("name", sorted(PATTERNS))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_model_finds_what_the_real_engine_finds(name: str, data: st.DataObject) -> None:
    pattern = PATTERNS[name]
    text = data.draw(st.text(st.sampled_from(alphabet(pattern)), max_size=40))
    _, spans = run(pattern, text)
    real = pattern.search(text)
    assert (spans[0] if spans else None) == (real.span() if real else None)
    if all(a < b for a, b in spans):
        assert spans == [m.span() for m in pattern.finditer(text)]


#: The patterns that were quadratic before issue 16, with a text that shows it.
BEFORE = [
    (r"\s*(=|%\+|%-|\+|-)\s*(.*?)\s*\Z", "+x{}x", " "),  # engine/load/parse.py, an effect
    (r"\{[^}]*\}", "{}", "{"),  # parse.py slug: a choice text full of `{`
    (r"[ \t]*\n\s*", "{}", " "),  # expr/syntax.py: a string literal wrapped across lines
    (r"\s*(-?\d+)?\s*\.\.\s*(-?\d+)?\s*\Z", "{}x", " "),  # a story test's range
]


@pytest.mark.parametrize(("source", "shape", "unit"), BEFORE)
def test_the_model_catches_the_patterns_that_were_quadratic(source: str, shape: str, unit: str) -> None:
    pattern = re.compile(source, re.S)
    small, large = (cost(pattern, shape.format(unit * n)) for n in (60, 120))
    assert large > 3.5 * small  # doubling the text quadruples the cost
    assert large > STEPS_PER_CHAR * (len(shape) + 120)
