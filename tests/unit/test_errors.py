"""One error family: every exception class the engine defines derives from `PointeEdgeError`, so
an embedder can catch everything the engine raises on purpose with one `except`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import engine
from engine.core.errors import PointeEdgeError

# NOT YET IN THE FAMILY: engine/core/expr.py and engine/core/template.py are being rewritten on
# another branch, which re-bases these two. Remove this exemption when that branch lands.
AWAITING_REWRITE = {"engine.core.expr.ExprError", "engine.core.template.TemplateError"}


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
    # a walk that found nothing would make the next test pass vacuously; and when the rewrite
    # renames or re-bases an exempt error, the exemption fails here instead of going stale
    assert {
        "engine.play.session.ChoiceError",
        "engine.saves.format.SaveError",
        "engine.cli.plain.ScriptError",
        "engine.author.export.UnknownChapter",
        *AWAITING_REWRITE,
    } <= set(CLASSES)


@pytest.mark.parametrize("qualname", sorted(set(CLASSES) - AWAITING_REWRITE))
def test_every_engine_error_is_a_pointe_edge_error(qualname: str) -> None:
    assert issubclass(CLASSES[qualname], PointeEdgeError)


@pytest.mark.parametrize(
    "qualname",
    ["engine.play.state.StateError", "engine.author.warp.WarpError", "engine.author.export.UnknownChapter"],
)
def test_errors_that_were_value_errors_still_are(qualname: str) -> None:
    # code that caught them as ValueError before the family existed keeps working
    assert issubclass(CLASSES[qualname], ValueError)
