"""The authoring guide must not drift from the engine: codes, keys, functions, examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from engine import expr as ex
from engine import file_parser as fp
from engine.diagnostics import CODES
from engine.loader import load_story
from engine.model import PHASES, TONES

GUIDE = (Path(__file__).parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    documented = set(re.findall(r"^\| ([EW]\d{3}) \|", GUIDE, re.M))
    assert documented == set(CODES)


@pytest.mark.parametrize(
    "keys",
    [
        fp.MANIFEST_KEYS,
        fp.STAT_KEYS,
        fp.FLAG_KEYS,
        fp.CHAPTER_KEYS,
        fp.SCENE_KEYS,
        fp.CHOICE_KEYS,
        fp.OUTCOME_KEYS,
        fp.BRANCH_KEYS,
        fp.ENDING_KEYS,
    ],
)
def test_every_key_is_documented(keys: tuple[str, ...]) -> None:
    assert [k for k in keys if f"`{k}`" not in GUIDE] == []


def test_every_function_phase_and_tone_is_documented() -> None:
    assert [f for f in ex.FUNCTIONS if f"`{f}(" not in GUIDE] == []
    assert [p for p in PHASES if f"`{p}`" not in GUIDE] == []
    assert [t for t in TONES if f"`{t}`" not in GUIDE] == []


def test_every_yaml_example_is_valid_yaml() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE, re.S)
    assert len(blocks) > 15
    for block in blocks:
        yaml.safe_load(block)


def test_the_first_story_of_the_guide_checks_clean_and_its_error_example_is_exact(tmp_path: Path) -> None:
    files = dict(re.findall(r"`my-story/(\S+)`:\n\n```yaml\n(.*?)```", GUIDE, re.S))
    assert set(files) == {"story.yaml", "rink.yaml"}
    story = tmp_path / "my-story"
    story.mkdir()
    for name, body in files.items():
        (story / name).write_text(body)
    assert load_story(story, cache=False).diagnostics == []
    (story / "rink.yaml").write_text(files["rink.yaml"].replace("if: nerve >= 60", "if: nerv >= 60"))
    (d,) = load_story(story, cache=False).diagnostics
    shown = re.search(r"^my-story/rink\.yaml:.*$", GUIDE, re.M).group(0)  # type: ignore[union-attr]
    assert d.format().endswith(shown.removeprefix("my-story/"))
