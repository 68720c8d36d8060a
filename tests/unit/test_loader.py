"""Loading story folders: positions, discovery, one-pass errors, and the parse cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.load.folder as loader_module
from engine.author.check import load_checked
from engine.core.model import Expr
from engine.load.cache import ParseCache, default_dir
from engine.load.folder import StoryNotFound, find_story, story_files
from engine.load.parse import parse_file, slug
from engine.load.yaml_reader import read
from tests.support import BAD_STORIES, ROOT

DEMO = ROOT / "stories" / "demo"


def copy_demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target)
    return target


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


# -- the model and its positions ---------------------------------------------------------------


def test_the_demo_loads_into_frozen_positioned_objects() -> None:
    result = load_checked("demo", cache=False)
    assert result.ok and result.diagnostics == []
    story = result.story
    assert story.id == "demo" and story.start == "training.early_ice"
    assert [s.id for s in story.stats] == ["technique", "artistry", "nerve", "stamina", "daring", "saule"]
    assert story.stat("stamina").label == "Stamina" and story.stat("stamina").max == 100
    scene = story.scenes["training.early_ice"]
    training = DEMO / "training.yaml"
    assert (scene.pos.line, scene.pos.col) == (line_of(training, "  early_ice:"), 3)
    choice = scene.choices[0]
    assert choice.id == "drill_salchow"
    assert choice.pos.line == line_of(training, "- text: Drill the double salchow")
    assert choice.chance.expr.pos.line == line_of(training, "chance: technique + 20")  # type: ignore[union-attr]
    assert choice.chance.expr.pos.col == 17  # type: ignore[union-attr]
    assert scene.effects[0].pos.line == line_of(training, "effects: {stamina: -5}")
    with pytest.raises(AttributeError):
        scene.title = "changed"  # type: ignore[misc]


def test_an_expression_inside_a_text_block_knows_its_exact_line_and_column() -> None:
    story = load_checked("demo", cache=False).story
    text = story.scenes["training.coach_talk"].text
    (e,) = [x for x in text.expressions if isinstance(x, Expr)]  # type: ignore[union-attr]
    path = DEMO / "training.yaml"
    line = line_of(path, '{if visits("coach_talk") == 1')
    assert (e.pos.line, e.pos.col) == (line, path.read_text().splitlines()[line - 1].index("if visits") + 1)


def test_every_yaml_file_under_the_folder_is_part_of_the_story(tmp_path: Path) -> None:
    story = copy_demo(tmp_path)
    (story / ".hidden").mkdir()
    (story / ".hidden" / "ignored.yaml").write_text("not: [valid")
    (story / ".swap.yaml").write_text("not: [valid")
    (story / "notes.txt").write_text("not a story file")
    names = [p.relative_to(story).as_posix() for p in story_files(story)]
    assert names == sorted(names)
    assert "branches/medeu.yaml" in names and ".swap.yaml" not in names
    assert all(not n.startswith(".hidden") for n in names)
    result = load_checked(story, cache=False)
    assert result.ok
    assert "medeu.open_air" in result.story.scenes  # type: ignore[union-attr]
    grafted = [c for c in result.story.scenes["training.after_session"].choices if c.graft]  # type: ignore[union-attr]
    assert [(c.id, c.graft) for c in grafted] == [("bus_to_medeu", "branches/medeu.yaml")]


def test_find_story_by_id_folder_or_manifest(tmp_path: Path) -> None:
    assert find_story("demo") == loader_module.STORIES_DIR / "demo"
    assert find_story(str(DEMO)) == DEMO
    assert find_story(str(DEMO / "story.yaml")) == DEMO
    with pytest.raises(StoryNotFound, match=r"bundled stories: .*demo"):
        find_story("no-such-story")


def test_all_problems_of_all_files_come_in_one_pass(tmp_path: Path) -> None:
    story = copy_demo(tmp_path)
    t = story / "training.yaml"
    t.write_text(t.read_text().replace("effects: {stamina: -5}", "effects: {stamnia: -5}"))
    c = story / "competition.yaml"
    c.write_text(c.read_text().replace("goto: short_program", "goto: short_progam", 1))
    (story / "broken.yaml").write_text("chapter: broken\nscenes: [unclosed\n")
    codes = sorted(d.code for d in load_checked(story, cache=False).diagnostics)
    assert codes == ["E001", "E031", "E050"]


def test_hints_for_near_misses() -> None:
    result = load_checked(BAD_STORIES / "unknown_stat", cache=False)
    (d,) = result.diagnostics
    assert d.hint == "did you mean `technique`?"
    assert d.format().endswith("(did you mean `technique`?) [extra.x]")


def test_derived_choice_ids_are_stable_slugs() -> None:
    assert slug("Hold your father's hand") == "hold-your-fathers-hand"
    assert slug("Bożena's first Giselle!") == "bozenas-first-giselle"
    assert slug("Go to {city} at once, before the lights go down") == "go-to-at-once-before-the"
    assert slug("Ехать в Москву").startswith("c-") and slug("Ехать в Москву") == slug("Ехать в Москву")


def test_the_fingerprint_changes_with_any_file_and_only_then(tmp_path: Path) -> None:
    story = copy_demo(tmp_path)
    first = load_checked(story, cache=False).story.fingerprint  # type: ignore[union-attr]
    assert load_checked(story, cache=False).story.fingerprint == first  # type: ignore[union-attr]
    medeu = story / "branches" / "medeu.yaml"
    medeu.write_text(medeu.read_text() + "\n# a comment\n")
    assert load_checked(story, cache=False).story.fingerprint != first  # type: ignore[union-attr]


# -- the cache ---------------------------------------------------------------------------------


def test_an_unchanged_story_loads_from_the_cache_without_reading_yaml(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    story = copy_demo(tmp_path)
    cache = ParseCache(tmp_path / "cache")
    cold = load_checked(story, cache=cache)
    assert (cache.hits, cache.misses) == (0, 5)

    def no_yaml(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("YAML was parsed although every file was cached")

    monkeypatch.setattr(loader_module, "parse_file", no_yaml)
    warm_cache = ParseCache(tmp_path / "cache")
    warm = load_checked(story, cache=warm_cache)
    assert (warm_cache.hits, warm_cache.misses) == (5, 0)
    assert warm.story.fingerprint == cold.story.fingerprint  # type: ignore[union-attr]
    assert list(warm.story.scenes) == list(cold.story.scenes)  # type: ignore[union-attr]


def test_a_changed_file_re_parses_alone(tmp_path: Path) -> None:
    story = copy_demo(tmp_path)
    load_checked(story, cache=ParseCache(tmp_path / "cache"))
    setback = story / "setback.yaml"
    setback.write_text(setback.read_text().replace("Ice and Tape", "Ice, Tape and Tears"))
    cache = ParseCache(tmp_path / "cache")
    result = load_checked(story, cache=cache)
    assert (cache.hits, cache.misses) == (4, 1)
    assert result.story.scenes["setback.ankle"].title == "Ice, Tape and Tears"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # one bit flipped in the payload
        lambda b: b"PECACHE1" + b"\0" * 32 + b"garbage",  # a forged checksum
        lambda b: b"",  # empty
        lambda b: b"not a cache entry at all",
    ],
)
def test_a_damaged_cache_entry_is_ignored_and_replaced(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    story = copy_demo(tmp_path)
    full = load_checked(story, cache=ParseCache(tmp_path / "cache"))
    entries = sorted((tmp_path / "cache").rglob("*.bin"))
    assert len(entries) == 6  # a parse of each of the 5 files, and what the checks found (ready.py)
    for entry in entries:
        entry.write_bytes(damage(entry.read_bytes()))
    cache = ParseCache(tmp_path / "cache")
    result = load_checked(story, cache=cache)
    assert result.ok and (cache.hits, cache.misses) == (0, 5)
    assert result.diagnostics == full.diagnostics
    again = ParseCache(tmp_path / "cache")
    ready = load_checked(story, cache=again)
    assert again.hits == 5  # the damaged entries were replaced by good ones
    assert ready.diagnostics == full.diagnostics and ready.ready_made and not full.ready_made


def test_the_cache_lives_outside_the_story_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    story = copy_demo(tmp_path)
    before = sorted(p.relative_to(story) for p in story.rglob("*"))
    monkeypatch.setenv("POINTE_EDGE_CACHE", str(tmp_path / "user-cache"))
    assert default_dir() == tmp_path / "user-cache"
    load_checked(story)
    assert sorted(p.relative_to(story) for p in story.rglob("*")) == before
    assert list((tmp_path / "user-cache").rglob("*.bin"))


def test_the_cache_can_be_turned_off_or_be_unwritable(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("POINTE_EDGE_CACHE", "off")
    assert default_dir() is None
    monkeypatch.delenv("POINTE_EDGE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_dir() == tmp_path / "xdg" / "pointe-edge"
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    assert load_checked(copy_demo(tmp_path), cache=ParseCache(blocked)).ok


# -- reading YAML: nothing may escape as an exception ------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_problems_never_exceptions(data: bytes) -> None:
    read(data)
    parse_file(data, manifest=True)
    parse_file(data, manifest=False)


_YAMLISH = st.lists(
    st.sampled_from(
        [
            "chapter: c\n",
            "scenes:\n",
            "  a:\n",
            "    text: hi {x}\n",
            "    choices:\n",
            "      - text: go\n",
            "        goto: b\n",
            "        if: x >= 1\n",
            "    next: a\n",
            "    ending: {title: t, tone: triumph}\n",
            "graft:\n",
            "  c.a:\n",
            "- ",
            "{",
            "}",
            "[",
            "]",
            ": ",
            "&a ",
            "*a ",
            "!!python/name:os.system ",
            "yes",
            "1:30",
            "012",
            "2020-01-01",
            '"\\x1b"',
            "\t",
            "%+5",
            "\n",
            "    effects: {x: +5, set: [f]}\n",
        ]
    ),
    max_size=30,
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(_YAMLISH)
def test_yaml_shaped_noise_gives_problems_never_exceptions(parts: list[str]) -> None:
    data = "".join(parts).encode()
    parse_file(data, manifest=False)
    parse_file(data, manifest=True)


def test_an_expression_error_names_its_column_inside_the_expression_and_in_the_file() -> None:
    bad = BAD_STORIES
    (d,) = load_checked(bad / "expression_syntax", cache=False).diagnostics
    assert (d.line, d.col) == (7, 25)  # `if: technique >=` : the end of the expression
    assert d.message == "condition: expression ends too soon, at column 13 of `technique >=`"
    (d,) = load_checked(bad / "old_ternary", cache=False).diagnostics
    assert (d.line, d.col) == (5, 32)  # the `?` inside the text block
    assert d.message.endswith('at column 16 of `technique > 50 ? "ready" : "small"`')


@pytest.mark.parametrize(
    ("name", "copy"),
    [
        ("bout copy.yaml", True),
        ("bout (2).yaml", True),
        ("branches/bout-backup.yaml", True),
        ("bout.old.yaml", True),
        ("bout~.yaml", True),
        ("golden.yaml", False),  # `old` only as a word of the name
        ("copying.yaml", False),
        ("gala.yaml", False),
    ],
)
def test_a_second_file_of_a_chapter_named_like_a_backup_copy_is_told_to_go(
    tmp_path: Path, name: str, copy: bool
) -> None:
    story = tmp_path / "story"
    shutil.copytree(BAD_STORIES / "chapter_twice_blames_the_copy", story)
    (story / "gala.yaml").unlink()
    meet = (story / "meet.yaml").read_text()
    (story / name).parent.mkdir(parents=True, exist_ok=True)
    (story / name).write_text(meet.replace("  home:", "  away:").replace("goto: home", "goto: away"))
    (e026,) = [d for d in load_checked(story, cache=False).diagnostics if d.code == "E026"]
    assert ("delete the copy" in (e026.hint or "")) is copy


def _renamed(tmp_path: Path, story: str, chapter: str) -> list[str]:
    folder = tmp_path / "renamed"
    folder.mkdir()
    (folder / "story.yaml").write_text("id: r\ntitle: R\nstart: main.a\n" + story)
    (folder / "main.yaml").write_text(chapter)
    return [d.format() for d in load_checked(folder, cache=False).diagnostics]


_FLAG_USES = """chapter: main
scenes:
  a:
    text: Warm-up.
    choices:
      - text: Fall
        effects: {set: [injured]}
        goto: b
      - text: Skate
        if: not injured
        goto: b
  b:
    text: End {technique}.
    ending: {title: End, tone: triumph}
"""


def test_a_flag_renamed_where_it_is_declared_is_named_first_when_it_is_the_only_pair(tmp_path: Path) -> None:
    lines = _renamed(tmp_path, "stats:\n  technique: 50\nflags: [hurt]\n", _FLAG_USES)
    assert lines[0].endswith(
        "renamed/story.yaml:6:9: error: E032 flag `hurt` is never used, and `injured`, used 2 times, is"
        " not a flag: `injured` looks renamed `hurt` here, and not where it is used (rename `hurt` back"
        " to `injured`, or rename the 2 uses of `injured` below)"
    ), lines
    assert [line.split(": error: ")[1][:4] for line in lines] == ["E032", "E032", "E041"]


def test_no_rename_is_guessed_between_several_unused_names_and_an_unrelated_unknown_one(
    tmp_path: Path,
) -> None:
    lines = _renamed(tmp_path, "stats:\n  technique: 50\nflags: [hurt, tired]\n", _FLAG_USES)
    assert not any("never used" in line for line in lines), lines
