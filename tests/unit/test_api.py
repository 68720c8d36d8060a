"""The embedding API: `engine.__all__` is pinned, its names load lazily and light, and
`load_story` gives what `check` gives but the slow range proofs."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import engine
from engine.core.diagnostics import PROVEN
from engine.core.errors import PointeEdgeError
from engine.load.folder import load_story as load_linked
from tests.support import BAD_STORIES, ROOT

# Changing this list changes what embedders may rely on: say so in docs/embedding.md.
PUBLIC = [
    "ChoiceError",
    "Diagnostic",
    "PointeEdgeError",
    "Session",
    "SnapshotError",
    "StoryNotFound",
    "__version__",
    "check",
    "load_story",
    "to_plain",
]


def test_the_public_names_are_pinned() -> None:
    assert engine.__all__ == PUBLIC


def test_every_public_name_resolves_and_nothing_else_is_public() -> None:
    # httpx's test_exported_members, for a package whose names arrive on first use
    for name in engine.__all__:
        getattr(engine, name)
    public = {
        name
        for name, value in vars(engine).items()
        if (not name.startswith("_") or name == "__version__") and not isinstance(value, types.ModuleType)
    }
    assert public == set(engine.__all__)
    assert set(engine.__all__) <= set(dir(engine))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Story'"):
        engine.Story  # noqa: B018 - the access is the test


def test_the_errors_it_exports_are_the_engines_one_family() -> None:
    assert engine.PointeEdgeError is PointeEdgeError
    for name in ("ChoiceError", "SnapshotError", "StoryNotFound"):
        assert issubclass(getattr(engine, name), PointeEdgeError)


def _modules_after(code: str) -> list[str]:
    """The engine and Textual modules a fresh interpreter has imported after running `code`."""
    probe = (
        f"import sys\n{code}\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('engine', 'textual'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_import_engine_imports_nothing_else() -> None:
    assert _modules_after("import engine") == ["engine"]


def test_playing_through_the_api_never_imports_textual_nor_the_author_tools() -> None:
    play = "import engine\ns = engine.Session(engine.load_story('demo').story, 1)\ns.snapshot()"
    loaded = _modules_after(play)
    assert not [m for m in loaded if m.startswith("textual")]
    assert "engine.play.session" in loaded and "engine.tui" not in loaded and "engine.cli" not in loaded
    assert not [m for m in loaded if m.startswith("engine.author.ranges")]  # the proofs stay unloaded


@pytest.mark.parametrize("folder", sorted(p.name for p in BAD_STORIES.iterdir() if p.is_dir()))
def test_load_story_says_all_that_check_says_but_the_range_proofs(folder: str) -> None:
    loaded, checked = engine.load_story(BAD_STORIES / folder), engine.check(BAD_STORIES / folder)
    assert loaded.diagnostics == [d for d in checked.diagnostics if d.code not in PROVEN]
    assert loaded.ranges is None


def test_the_comparison_above_is_not_vacuous() -> None:
    codes = {d.code for p in BAD_STORIES.iterdir() if p.is_dir() for d in engine.check(p).diagnostics}
    assert codes >= PROVEN  # check finds proofs that load_story leaves out...
    unreachable = BAD_STORIES / "unreachable_scene"
    assert [d.code for d in engine.load_story(unreachable).diagnostics] == ["W100"]
    assert [d.code for d in load_linked(unreachable).diagnostics] == []  # ...and whole-story ones it adds


def test_load_story_can_leave_out_the_whole_story_checks() -> None:
    unreachable = BAD_STORIES / "unreachable_scene"
    plain = engine.load_story(unreachable, analyse=False)
    assert plain.diagnostics == [] and plain.ok and plain.story is not None
    assert plain.story.scenes.keys() == engine.load_story(unreachable).story.scenes.keys()  # type: ignore[union-attr]


def test_check_proves_the_ranges_of_a_story_without_errors() -> None:
    result = engine.check("demo")
    assert result.ok and result.ranges is not None


def test_a_name_that_is_no_story() -> None:
    with pytest.raises(engine.StoryNotFound, match="no story called 'nowhere'"):
        engine.load_story("nowhere")
