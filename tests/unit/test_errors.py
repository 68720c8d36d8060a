"""One error family: every exception class the engine defines derives from `PointeEdgeError`, so
an embedder can catch everything the engine raises on purpose with one `except`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import engine
from engine.core.errors import PointeEdgeError


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined (not merely imported) in a module of the `engine` package."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


CLASSES = _exception_classes()


def test_the_walk_finds_the_engines_errors() -> None:
    # a walk that found nothing would make the next test pass vacuously
    assert {
        "engine.play.session.ChoiceError",
        "engine.saves.format.SaveError",
        "engine.cli.plain.ScriptError",
        "engine.author.export.UnknownChapter",
        "engine.core.expr.syntax.ExprError",
        "engine.core.template.TemplateError",
        "engine.tui.crash.Crash",
    } <= set(CLASSES)


@pytest.mark.parametrize("qualname", sorted(CLASSES))
def test_every_engine_error_is_a_pointe_edge_error(qualname: str) -> None:
    assert issubclass(CLASSES[qualname], PointeEdgeError)


@pytest.mark.parametrize(
    "qualname",
    ["engine.play.state.StateError", "engine.author.warp.WarpError", "engine.author.export.UnknownChapter"],
)
def test_errors_that_were_value_errors_still_are(qualname: str) -> None:
    # code that caught them as ValueError before the family existed keeps working
    assert issubclass(CLASSES[qualname], ValueError)
