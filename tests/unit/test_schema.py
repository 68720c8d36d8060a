"""The JSON Schema of story files (engine/load/schema.py): generated from the parser's key
tables and the guide's reference tables, shipped as engine/load/story.schema.json, and true to
the engine: every bundled file passes it, a misspelt key fails it at its place, and it never
refuses a value the engine accepts.

Files are read here as an editor reads them, by YAML 1.2 (tests/support/yaml12.py).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.load import parse as fp
from engine.load import schema as sc
from tests.support import ROOT
from tests.support.cli import run_cli
from tests.support.yaml12 import load as load12

SCHEMA = json.loads(sc.shipped())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
STORIES = ROOT / "stories"
GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
PLAIN_GUIDE = "\n".join(sc.plain(line) for line in GUIDE.splitlines())  # as descriptions quote it
#: Each definition that describes one of the parser's kinds of mapping, with its key table.
TABLES = fp.KEY_TABLES


def as_kind(kind: str) -> jsonschema.Draft7Validator:
    """The schema of one kind of file, as yaml-language-server picks it by the file's name."""
    return jsonschema.Draft7Validator({"$ref": f"#/definitions/{kind}", "definitions": SCHEMA["definitions"]})


def story_files(folder: Path) -> list[Path]:
    """The story files of a folder, as the loader reads them: not its tests, nothing hidden."""
    return sorted(
        p
        for p in folder.rglob("*.y*ml")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.relative_to(folder).parts[0] != fp.TESTS_FOLDER
    )


def problems(
    data: Any, validator: jsonschema.Draft7Validator = VALIDATOR
) -> list[tuple[tuple[Any, ...], str]]:
    return [(tuple(e.absolute_path), e.message) for e in validator.iter_errors(data)]


# -- generated, shipped, complete --------------------------------------------------------------


def test_the_shipped_schema_is_what_the_parser_and_the_guide_make_now() -> None:
    assert sc.shipped() == sc.generate(), (
        f"engine/load/story.schema.json is stale: the parser's keys or the guide's tables changed."
        f" Run `{sc.REGENERATE}` and commit the file."
    )


def test_it_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_every_key_of_every_parser_table_is_in_the_shipped_schema_with_the_guides_words(kind: str) -> None:
    """A key added to the parser and not to the schema (or to the guide) fails here."""
    properties = SCHEMA["definitions"][kind]["properties"]
    assert list(properties) == list(TABLES[kind])
    assert SCHEMA["definitions"][kind]["additionalProperties"] is False
    for key, spec in properties.items():
        words = spec["description"]
        row = re.split(r"\.? (?:Required|Default:|For example)", words)[0].rstrip(".")
        assert row[1:] in PLAIN_GUIDE, (kind, key, words)  # the row's words, capitalised
        assert sc.plain(spec["markdownDescription"]).startswith(words)


def test_a_description_is_a_rows_own_words() -> None:
    choice = SCHEMA["definitions"]["choice"]["properties"]
    assert choice["once"]["description"].startswith("true: gone for good once taken")
    assert choice["text"]["description"].endswith("Required.")
    stat = SCHEMA["definitions"]["stat"]["properties"]
    assert stat["min"]["description"].endswith("Default: 0.") and stat["max"]["description"].endswith(
        "Default: 100."
    )
    assert "*From the authoring guide, “Stats”.*" in stat["label"]["markdownDescription"]
    effects = SCHEMA["definitions"]["effects"]
    assert effects["properties"]["set"]["description"].startswith("Make flags true.")
    assert '"%+20": fairmath up' in effects["additionalProperties"]["description"]


def test_a_key_with_no_row_in_the_guide_stops_the_generator() -> None:
    guide = GUIDE.replace("| `once` | `true`: gone for good", "| `onse` | `true`: gone for good")
    with pytest.raises(sc.GuideError, match=r"`once` of the parser's choice keys has no row"):
        sc.build(guide)


def test_a_key_the_parser_gains_without_a_shape_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    table = next(t for t in sc.TABLES if t.kind == "ending")
    monkeypatch.setattr(
        sc,
        "TABLES",
        (*sc.TABLES[:-1], sc.Table("ending", table.heading, table.first, (*table.keys, "music"))),
    )
    guide = GUIDE.replace("| `hint` | no |", "| `music` | no | what plays |\n| `hint` | no |")
    with pytest.raises(sc.GuideError, match="music of the parser's ending keys have no shape"):
        sc.build(guide)


def test_the_required_keys_are_those_the_parser_says_are_missing(tmp_path: Path) -> None:
    """The parser names its required keys inside its methods; the schema's copy is checked here."""
    manifest = "id: x\ntitle: X\nstart: a.b\nstats: {s: 1}\n"
    chapter = "chapter: a\nscenes:\n  b:\n    text: B\n    ending: {title: End, tone: farewell}\n"
    for key in fp.MANIFEST_KEYS:
        lines = [line for line in manifest.splitlines() if not line.startswith(f"{key}:")]
        said = fp.parse_file("\n".join(lines).encode(), manifest=True)["problems"]
        missing = any(p[0] == "E021" and f"needs `{key}`" in p[1] for p in said)
        assert missing == (key in sc.MANIFEST_REQUIRED), key
    for key in fp.ENDING_KEYS:
        text = chapter.replace("title: End, ", "" if key == "title" else "title: End, ").replace(
            ", tone: farewell", "" if key == "tone" else ", tone: farewell"
        )
        said = fp.parse_file(text.encode(), manifest=False)["problems"]
        assert any(p[0] == "E021" for p in said) == (key in sc.ENDING_REQUIRED), key
    said = fp.parse_file(
        b"chapter: a\nscenes:\n  b:\n    text: B\n    choices:\n      - goto: b\n", manifest=False
    )
    assert [p[1] for p in said["problems"]] == ["a choice needs `text`"] and sc.CHOICE_REQUIRED == ("text",)


# -- the bundled stories, as an editor validates them --------------------------------------------

BUNDLED = [
    p.relative_to(STORIES).as_posix()
    for story in sorted(STORIES.iterdir())
    if story.is_dir()
    for p in story_files(story)
]


def test_the_bundled_stories_are_all_here() -> None:
    assert len(BUNDLED) > 40 and "demo/story.yaml" in BUNDLED and "demo/branches/medeu.yaml" in BUNDLED


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_story_file_passes(name: str) -> None:
    data = load12((STORIES / name).read_text(encoding="utf-8"))
    assert problems(data) == []
    kind = "manifest" if name.endswith("/story.yaml") else "chapter"  # as the editor picks it by name
    assert problems(data, as_kind(kind)) == []


def test_the_story_test_files_are_left_to_main_py_test() -> None:
    tests = sorted(STORIES.glob("*/tests/*.yaml"))
    assert tests
    for path in tests:
        assert problems(load12(path.read_text(encoding="utf-8"))) == []


def test_choises_in_a_copy_is_flagged_at_its_scene() -> None:
    text = (
        (STORIES / "demo" / "training.yaml")
        .read_text(encoding="utf-8")
        .replace("    choices:", "    choises:", 1)
    )
    found = problems(load12(text))
    assert (
        ("scenes", "early_ice"),
        "Additional properties are not allowed ('choises' was unexpected)",
    ) in found


def test_yaml_language_server_picks_the_manifest_by_the_files_name() -> None:
    """`filePatternAssociation` is matched as yaml-language-server matches it: the pattern, its
    `*` read as `.*`, at the end of the file's URI."""
    pattern = SCHEMA["else"]["if"]["filePatternAssociation"]
    regexp = re.compile(
        re.sub(r"[-\\{}+?|^$.,\[\]()#\s]", lambda m: "\\" + m.group(0), pattern).replace("*", ".*") + "$"
    )
    assert regexp.search("file:///home/you/stories/swan/story.yaml")
    assert not regexp.search("file:///home/you/stories/swan/my_story.yaml")
    assert not regexp.search("file:///home/you/stories/swan/story.yaml.bak")
    assert SCHEMA["else"]["then"] == {"$ref": "#/definitions/manifest"}
    assert SCHEMA["else"]["else"] == {"$ref": "#/definitions/chapter"}


# -- what it refuses, the engine refuses -------------------------------------------------------

# (file of the demo, text, what it becomes): each a mistake the schema flags as it is typed.
MISTAKES = [
    ("training.yaml", "phase: training", "phase: trainnig"),
    ("competition.yaml", "tone: triumph", "tone: glorious"),
    ("story.yaml", "start: 40", 'start: "forty"'),
    ("story.yaml", "id: demo", "id: Demo Story"),
    ("training.yaml", "    choices:", "    choises:"),
    ("training.yaml", "      - text:", "      - txt:"),
    ("setback.yaml", "return: true", "return: false"),
    ("story.yaml", "  sore_ankle:", "  set:"),
    ("training.yaml", "    effects: {", "    effects: {set: true, "),
    ("training.yaml", "effects: {stamina: -5", 'effects: {stamina: "5%"'),
    ("training.yaml", "effects: {stamina: -5", "effects: {stamina: true"),
    ("training.yaml", "  early_ice:", "  Early-Ice:"),
    ("training.yaml", "chapter: training", "chapter: Training"),
    ("training.yaml", "    text: |", '    text: ""\n    txet: |'),
    ("branches/medeu.yaml", "goto: medeu.open_air", "goto: medeu/open_air"),
    ("story.yaml", "    stat: saule", "    stat: 12"),
    ("competition.yaml", "tone: triumph", "tune: triumph"),
]


@pytest.mark.parametrize(("name", "old", "new"), MISTAKES)
def test_a_mistake_the_schema_flags_is_one_check_reports(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(STORIES / "demo", folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert problems(load12(path.read_text(encoding="utf-8"))) != []
    assert not load_checked(folder, cache=False).ok


# -- what the engine accepts, the schema accepts ---------------------------------------------------

MANIFEST = {"id": "s", "title": "S", "start": "main.a", "stats": {"technique": 50}, "flags": ["hurt"]}
CHAPTER: dict[str, Any] = {
    "chapter": "main",
    "scenes": {
        "a": {"text": "A.", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
        "b": {"text": "B.", "ending": {"title": "End", "tone": "farewell"}},
    },
}
# Where a generated value is put, in the manifest or the chapter (a path of keys and indexes),
# with values that fit it, so that many examples are ones the engine accepts.
SLOTS: dict[tuple[str, tuple[Any, ...]], list[Any]] = {
    ("manifest", ("title",)): ["The Club Cup", 1984, "Dance: the Years"],
    ("manifest", ("version",)): ["1.0.0", 2, 1.5],
    ("manifest", ("stats", "technique")): [
        40,
        {"start": 20, "max": 50},
        {"label": "Tech", "opposite": "caution"},
    ],
    ("manifest", ("flags",)): [
        ["hurt", "tired"],
        {"hurt": "nursing a sore ankle"},
        {"hurt": {"label": "hurt"}},
    ],
    ("chapter", ("phase",)): ["training", "finale", "setback"],
    ("chapter", ("title",)): ["Morning", 7],
    ("chapter", ("scenes", "a", "title")): ["At the Barre", 12],
    ("chapter", ("scenes", "a", "choices", 0, "id")): ["go_on", "12", 7, "a-b"],
    ("chapter", ("scenes", "a", "choices", 0, "tags")): ["ambitious", ["ambitious", "family"]],
    ("chapter", ("scenes", "a", "choices", 0, "once")): [True, False],
    ("chapter", ("scenes", "a", "choices", 0, "if")): ["technique >= 40", "not hurt", True],
    ("chapter", ("scenes", "a", "effects")): [{"technique": 5}, {"technique": "%+20"}, {"set": "hurt"}],
    ("chapter", ("scenes", "b", "ending", "tone")): ["triumph", "new_path"],
    ("chapter", ("scenes", "b", "ending", "hint")): ["Go for the jump.", 3],
}
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(
        ["no", "on", "1:30", "012", "+5", "%-20", "=50", "technique >= 40", "hurt", "farewell", "x y"]
    ),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["technique", "set", "clear", "hurt", "Technique"]), SCALARS, max_size=2),
)


def _put(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    here: Any = out
    for step in path[:-1]:
        here = here[step]
    here[path[-1]] = value
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_schema_never_refuses_what_the_engine_accepts(data: st.DataObject) -> None:
    """Outside input: any value an author may write in these places. Written out by PyYAML, which
    quotes whatever YAML 1.1 would read otherwise, so the engine and an editor read the same."""
    slot = data.draw(st.sampled_from(sorted(SLOTS, key=repr)))
    value = data.draw(st.one_of(st.sampled_from(SLOTS[slot]), VALUES))
    kind, path = slot
    docs = {"manifest": MANIFEST, "chapter": CHAPTER}
    docs = docs | {kind: _put(docs[kind], path, value)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = {"story.yaml": yaml.safe_dump(docs["manifest"]), "main.yaml": yaml.safe_dump(docs["chapter"])}
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        result = load_checked(folder, cache=False)
    if result.errors:
        return
    for name, text in texts.items():
        assert problems(load12(text)) == [], (name, value)


# -- main.py schema -----------------------------------------------------------------------------


def test_main_py_schema_prints_the_shipped_schema_and_writes_it(tmp_path: Path) -> None:
    code, out = run_cli("schema")
    assert code == 0 and out == sc.shipped()
    code, out = run_cli("schema", "--out", str(tmp_path))
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'story.schema.json'}: the JSON Schema")
    assert (tmp_path / "story.schema.json").read_text(encoding="utf-8") == sc.shipped()
    code, out = run_cli("schema", "--out", str(tmp_path / "no" / "such" / "folder.json"))
    assert code == 2 and out.startswith("error: cannot write ")


def test_python_m_engine_load_schema_says_whether_the_file_is_stale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert sc.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert sc.main(["--nonsense"]) == 2


CELL = st.text(alphabet=st.characters(exclude_characters="\n\r\\", codec="utf-8"), max_size=12)


@given(st.lists(CELL, min_size=1, max_size=5))
def test_a_table_row_reads_back_its_cells_whatever_they_hold(cells: list[str]) -> None:
    """Outside input: the guide's cells, a `|` inside one written `\\|`."""
    row = "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    assert sc.split_row(row) == [c.strip() for c in cells]
