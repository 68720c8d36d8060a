"""The authoring guide must not drift from the engine: every example in it is loaded, played,
parsed or printed here, and compared with what the engine does.

Every fenced block of docs/authoring.md has a comment on the line before it saying how it is
tested (`<!-- test: KIND ARGS -->`; the kinds are listed at the end of the guide), and a block
without one fails `test_every_block_says_how_it_is_tested`, so an example cannot be added
untested. Tables with such a comment (expressions, effects, branches, keys) are checked too.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import re
import shlex
import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

import engine.cli.check as cli_check
from engine.author.check import load_checked
from engine.author.storytest.run import run_story_tests
from engine.author.warp import warp
from engine.cli.check_watch import watch_check
from engine.cli.parser import build_parser
from engine.core import expr as ex
from engine.core import template as tpl
from engine.core.diagnostics import CODES
from engine.core.model import PHASES, TONES
from engine.load import parse as fp
from engine.load.folder import LoadResult
from engine.play.session import Session
from tests.support import BAD_STORIES, ROOT
from tests.support.cli import run_cli

GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
CORPUS = BAD_STORIES


# -- reading the guide -------------------------------------------------------------------------

MARKER = re.compile(r"<!-- test: (.+?) -->\Z")
YAML_KINDS = {"file", "same-as", "manifest", "scenes", "choices", "scene-keys"}
TEXT_KINDS = {"commands", "output", "excerpt", "mistake", "diagnostics", "tree", "reads", "keymap"}
TABLE_KINDS = {"expressions", "effects", "branches", "author-keys", "game-keys", "limits", "editors"}
# "Your editor": editors' and CI's own files (tests/docs/test_editor_guide.py tests them)
EDITOR_KINDS = {"workflow", "same-as", "modeline", "editor-config"}


@dataclass(frozen=True)
class Block:
    lang: str
    body: str
    marker: str | None  # "KIND ARGS", from the comment on the line before the fence
    line: int  # where the fence opens, 1-based

    @property
    def kind(self) -> str:
        return (self.marker or "").split(" ")[0]

    @property
    def arg(self) -> str:
        return (self.marker or "").partition(" ")[2]

    def __repr__(self) -> str:  # what pytest shows for a failing example
        return f"block at docs/authoring.md:{self.line} ({self.marker})"


def _blocks() -> list[Block]:
    lines = GUIDE.split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            lang = lines[i][3:].strip()
            end = lines.index("```", i + 1)
            found = MARKER.match(lines[i - 1]) if i else None
            body = "\n".join(lines[i + 1 : end]) + "\n"
            out.append(Block(lang, body, found.group(1) if found else None, i + 1))
            i = end
        i += 1
    return out


def _tables() -> dict[str, list[list[list[str]]]]:
    """Marked tables by kind: each a list of rows (header and rule left out) of cells."""
    lines = GUIDE.split("\n")
    out: dict[str, list[list[list[str]]]] = {}
    for i, line in enumerate(lines[:-1]):
        found = MARKER.match(line)
        if found and lines[i + 1].startswith("|"):
            rows = []
            for row in lines[i + 3 :]:
                if not row.startswith("|"):
                    break
                cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
                rows.append([c.strip().replace("\\|", "|") for c in cells])
            out.setdefault(found.group(1), []).append(rows)
    return out


BLOCKS = _blocks()
TABLES = _tables()


def blocks(kind: str) -> list[Block]:
    return [b for b in BLOCKS if b.kind == kind]


def named(kind: str, name: str) -> list[Block]:
    found = [b for b in BLOCKS if b.kind == kind and b.arg == name]
    assert found, f"no `{kind} {name}` block in the guide"
    return found


def code(cell: str) -> str:
    """The text of the one code span in a table cell."""
    found = re.fullmatch(r"`(.*)`", cell)
    assert found, f"expected one code span, got {cell!r}"
    return found.group(1)


def section(heading: str) -> str:
    """The text of a `## ` section of the guide, up to the next one."""
    start = GUIDE.index(f"\n## {heading}\n")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end != -1 else None]


# -- the guide's own structure -----------------------------------------------------------------


def test_every_block_says_how_it_is_tested() -> None:
    assert len(BLOCKS) > 60
    untested = [b for b in BLOCKS if b.marker is None]
    assert untested == [], "give each block a `<!-- test: KIND ARGS -->` line (see the end of the guide)"
    for b in BLOCKS:
        assert b.kind in (YAML_KINDS if b.lang == "yaml" else TEXT_KINDS) or b.kind in EDITOR_KINDS, b
    assert set(TABLES) <= TABLE_KINDS


def test_every_output_and_mistake_block_has_a_test() -> None:
    shown = {b.arg for b in BLOCKS if b.kind in ("output", "excerpt", "mistake")}
    assert shown == OUTPUTS_TESTED


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    documented = set(re.findall(r"^\| ([EW]\d{3}) \|", GUIDE, re.M))
    assert documented == set(CODES)


@pytest.mark.parametrize(
    "keys",
    [
        fp.MANIFEST_KEYS,
        fp.STAT_KEYS,
        fp.FLAG_KEYS,
        fp.PERSON_KEYS,
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


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_inside_the_guide_leads_to_a_heading() -> None:
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.*)$", GUIDE, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", GUIDE)
    assert len(links) > 20
    assert [link for link in links if link not in anchors] == []
    assert (ROOT / "docs" / "saves.md").exists()  # the one link to another page


def test_every_yaml_example_is_valid_yaml() -> None:
    yamls = [b for b in BLOCKS if b.lang == "yaml"]
    assert len(yamls) > 15
    for b in yamls:
        yaml.safe_load(b.body)


# -- every key is used in an example -----------------------------------------------------------

KEY_SETS = fp.KEY_TABLES


def _keys_used(b: Block) -> Iterator[tuple[str, str]]:
    """(kind of mapping, key) for every key written in an example, by where it stands."""
    data = yaml.safe_load(b.body)
    name = b.arg.rsplit("/", 1)[-1]
    if b.kind == "manifest" or (b.kind in ("file", "same-as") and name == "story.yaml"):
        yield from _manifest_keys(data)
    elif b.kind in ("file", "same-as"):
        yield from (("chapter", k) for k in data)
        for scene in data.get("scenes", {}).values():
            yield from _scene_keys(scene)
        for choices in data.get("graft", {}).values():
            for choice in choices:
                yield from _choice_keys(choice)
    elif b.kind == "scenes":
        for scene in data.get("scenes", data).values():
            yield from _scene_keys(scene)
    elif b.kind == "choices":
        for choice in data["choices"] if isinstance(data, dict) else data:
            yield from _choice_keys(choice)
    elif b.kind == "scene-keys":
        yield from _scene_keys(data)


def _manifest_keys(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in data.items():
        yield "manifest", key
        if key in ("stats", "flags") and isinstance(value, dict):
            for spec in value.values():
                if isinstance(spec, dict):
                    yield from ((key[:-1], k) for k in spec)
        if key == "cast" and isinstance(value, dict):
            for spec in value.values():
                if isinstance(spec, dict):
                    yield from (("person", k) for k in spec)


def _scene_keys(scene: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in scene.items():
        yield "scene", key
        if key == "choices":
            for choice in value:
                yield from _choice_keys(choice)
        elif key == "next" and isinstance(value, list):
            yield from (("branch", k) for branch in value for k in branch)
        elif key == "ending":
            yield from (("ending", k) for k in value)


def _choice_keys(choice: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in choice.items():
        yield "choice", key
        if key in ("success", "failure"):
            yield from (("outcome", k) for k in value)


def test_every_key_has_an_example() -> None:
    used = {(where, key) for b in BLOCKS if b.kind in YAML_KINDS for where, key in _keys_used(b)}
    missing = [
        f"{where}: {key}" for where, keys in KEY_SETS.items() for key in keys if (where, key) not in used
    ]
    assert missing == []


# -- whole files -------------------------------------------------------------------------------


def test_same_as_examples_are_the_files_themselves() -> None:
    assert blocks("same-as")
    for b in blocks("same-as"):
        assert b.body == (ROOT / b.arg).read_text(encoding="utf-8"), b


def test_the_folder_tree_lists_every_file_of_the_folder() -> None:
    for b in blocks("tree"):
        listed, parents = set(), []
        for line in b.body.splitlines()[1:]:
            name = line.split()[0]
            depth = (len(line) - len(line.lstrip())) // 2 - 1
            del parents[depth:]
            if name.endswith("/"):
                parents.append(name)
            else:
                listed.add("".join(parents) + name)
        folder = ROOT / b.arg
        real = {p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml")}
        assert listed == real, b


def _story_files() -> dict[str, dict[str, str]]:
    """The `file` examples by story folder: {folder: {path in folder: text}}."""
    stories: dict[str, dict[str, str]] = {}
    for b in blocks("file"):
        parts = b.arg.split("/")
        folder = "/".join(parts[:2]) if parts[0] == "stories" else parts[0]
        stories.setdefault(folder, {})[b.arg.removeprefix(folder + "/")] = b.body
    return stories


def build(tmp: Path, folder: str, *, edit: tuple[str, str] | None = None) -> Path:
    """The story `folder` of the guide's `file` examples under `tmp`: a bundled story
    (`stories/ID`) is copied first, and the examples added to it. `edit` replaces the first
    occurrence of a text in the examples."""
    target = tmp / folder
    if folder.startswith("stories/"):
        shutil.copytree(ROOT / folder, target)
    for rel, text in _story_files()[folder].items():
        if edit is not None and edit[0] in text:
            text = text.replace(edit[0], edit[1], 1)
            edit = None
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text, encoding="utf-8")
    assert edit is None, "the edit was not found in the examples"
    return target


def test_the_file_examples_are_the_first_story_and_the_tutorials_branch() -> None:
    stories = _story_files()
    assert stories == {
        "my-story": stories["my-story"],
        "stories/magdalena": stories["stories/magdalena"],
        "stories/demo": stories["stories/demo"],
    }
    assert set(stories["my-story"]) == {"story.yaml", "rink.yaml"}
    assert set(stories["stories/magdalena"]) == {"branches/long_track.yaml"}
    assert set(stories["stories/demo"]) == {"branches/ballet.yaml"}  # a branch with its own stat
    assert not (ROOT / "stories/demo/branches/ballet.yaml").exists(), "the guide's example stays out"
    assert not (ROOT / "stories/magdalena/branches/long_track.yaml").exists(), "the tutorial's file stays out"


@pytest.mark.parametrize("folder", sorted(_story_files()))
def test_every_whole_story_of_the_guide_loads_without_an_error_or_warning(
    tmp_path: Path, folder: str
) -> None:
    result = load_checked(build(tmp_path, folder), cache=False, ranges=True)  # as `check` loads it
    assert [d.format() for d in result.diagnostics] == []


# -- fragments, loaded into a small story ------------------------------------------------------

HARNESS_MANIFEST = """\
id: harness
title: The examples of the guide
start: main.start
stats:
  technique: {start: 54}
  artistry: {start: 41}
  nerve: {start: 62}
  stamina: {start: 30}
  confidence: {start: 40}
  wellbeing: {start: 44}
flags: [injured, sore_ankle, national_team, coach_trust]
"""

# The scenes the examples lead to, as endings, by chapter.
STUBS = {
    "main": ["start"],
    "training": ["after_session", "family_rink"],
    "audition": ["first_tryout"],
    "competition": ["results", "podium", "fourth", "learned", "withdraw", "warmup", "free_skate_end", "gala"],
    "setback": ["season_over", "bad_fall", "physio", "sprained_ankle"],
}
# Warnings an example may give inside this small story (nothing leads to it, most stats go
# unread); the others (W106-W109) would be faults of the example itself.
ALLOWED = {"W100", "W101", "W102", "W103", "W104", "W105", "W110"}
WAYS_OUT = ("choices", "next", "return", "ending")


def _without_wrapper(body: str, key: str) -> str:
    """The block's text without a first `key:` line (comments kept), dedented."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        if line.rstrip() == f"{key}:":
            del lines[i]
        break
    return textwrap.dedent("\n".join(lines))


def _stub(name: str) -> str:
    return f"  {name}:\n    text: Stub.\n    ending: {{title: {name}, tone: farewell}}\n"


def load_fragment(tmp: Path, b: Block) -> tuple[LoadResult, list[str]]:
    """Load a fragment in the small story; the ids of the scenes it should have made."""
    folder = tmp / "harness"
    folder.mkdir()
    chapter = b.arg or "training"
    data = yaml.safe_load(b.body)
    if b.kind == "manifest":
        manifest = "id: m\ntitle: M\nstart: main.start\n" + b.body
        if "stats" not in data:
            manifest += "stats: {technique: 10}\n"
        (folder / "story.yaml").write_text(manifest)
        (folder / "main.yaml").write_text("chapter: main\nscenes:\n" + _stub("start"))
        return load_checked(folder, cache=False), ["main.start"]
    (folder / "story.yaml").write_text(HARNESS_MANIFEST)
    if b.kind == "scenes":
        scenes = textwrap.indent(_without_wrapper(b.body, "scenes"), "  ")
        names = list(data.get("scenes", data))
    elif b.kind == "choices":
        choices = textwrap.indent(_without_wrapper(b.body, "choices"), "      ")
        scenes = f"  example:\n    text: An example.\n    choices:\n{choices}"
        names = ["example"]
    else:
        assert b.kind == "scene-keys"
        scenes = "  example:\n" + textwrap.indent(b.body, "    ")
        if "text" not in data:
            scenes += "    text: An example.\n"
        if not set(data) & set(WAYS_OUT):
            scenes += "    ending: {title: Example, tone: farewell}\n"
        names = ["example"]
    for c in {*STUBS, chapter}:
        text = "".join(_stub(s) for s in STUBS.get(c, []) if c != chapter or s not in names)
        if c == chapter:
            text += scenes
        (folder / f"{c}.yaml").write_text(f"chapter: {c}\nscenes:\n{text}")
    return load_checked(folder, cache=False), [f"{chapter}.{n}" for n in names]


FRAGMENTS = [b for b in BLOCKS if b.kind in ("manifest", "scenes", "choices", "scene-keys")]


@pytest.mark.parametrize("block", FRAGMENTS, ids=[f"line{b.line}" for b in FRAGMENTS])
def test_every_fragment_loads_in_a_story(tmp_path: Path, block: Block) -> None:
    result, scene_ids = load_fragment(tmp_path, block)
    problems = [d.format() for d in result.diagnostics if d.code not in ALLOWED]
    assert problems == []
    assert result.story is not None
    for sid in scene_ids:
        assert sid in result.story.scenes
    if block.kind == "choices":
        data = yaml.safe_load(block.body)
        listed = data["choices"] if isinstance(data, dict) else data
        assert len(result.story.scenes[scene_ids[0]].choices) == len(listed)


READS = blocks("reads")


def _marked(rendered: tpl.Rendered) -> str:
    """Rendered text with its styling written back as marks: `*` for italic, `**` for bold."""
    out = []
    for para in rendered:
        for text, style in para:
            mark = ("**" if style & tpl.BOLD else "") + ("*" if style & tpl.ITALIC else "")
            out.append(f"{mark}{text}{mark[::-1]}")
        out.append(" / ")
    return "".join(out[:-1])


@pytest.mark.parametrize("block", READS, ids=[f"line{b.line}" for b in READS])
def test_every_reads_block_is_what_the_scene_before_it_shows(tmp_path: Path, block: Block) -> None:
    """`reads SCENE`: what the scene of the fragment just before reads on each visit, styled
    parts between their marks (a literal asterisk would not come back as a mark pair)."""
    before = BLOCKS[BLOCKS.index(block) - 1]
    assert before.kind in ("scene-keys", "scenes"), "a `reads` block follows the scene it reads"
    result, _ = load_fragment(tmp_path, before)
    assert result.story is not None
    session = Session(result.story, 1)
    for line in block.body.strip().split("\n"):
        visit, _, text = line.partition(": ")
        session.enter(f"{before.arg or 'training'}.{block.arg}")
        assert visit == f"visit {session.state.visits[session.state.scene]}"
        assert _marked(session.text) == text


def test_there_are_fragments_of_every_kind() -> None:
    assert {b.kind for b in FRAGMENTS} == {"manifest", "scenes", "choices", "scene-keys"}


# -- commands ----------------------------------------------------------------------------------

SAMPLES = {
    "STORY": "demo",
    "N": "1",
    "S": "1",
    "J": "1",
    "FILE": "map.dot",
    "ID": "training",
    "SAVE": "3f2a9c1d",
    "DIR": "saves",
    "FOLDER": "my-story",
}


def command_lines() -> list[str]:
    """Every `uv run main.py ...` in the guide: in blocks, and in inline code."""
    found = [line for b in blocks("commands") for line in b.body.splitlines() if line.startswith("uv run")]
    found += re.findall(r"`(uv run main\.py[^`]*)`", GUIDE)
    return found


def argv(line: str) -> list[str]:
    """A command line as arguments, with a sample for each placeholder (`STORY`), each optional
    part (`[--seed N]`) given, and the first of each set of alternatives (`dot|mermaid`)."""
    words = shlex.split(line.replace("\\|", "|").replace("[", " ").replace("]", " "))
    assert words[:3] == ["uv", "run", "main.py"], line
    out = []
    for word in words[3:]:
        if word == "...":
            continue
        word = word.split("|")[0]
        out.append(SAMPLES.get(word, word))
    return out


def strict_parser() -> Any:
    """The real parser, refusing abbreviations: `--choice` must not pass for `--choices`."""
    parser = build_parser()
    todo = [parser]
    while todo:
        p = todo.pop()
        p.allow_abbrev = False
        todo += _subparsers(p).values()
    return parser


def test_every_command_of_the_guide_is_accepted_by_the_real_parser() -> None:
    parser = strict_parser()
    lines = command_lines()
    assert len(lines) > 40
    for line in lines:
        args = argv(line)
        if "--help" in args:
            args.remove("--help")
        try:
            parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"the command line parser refuses: {line}")


def test_every_plain_game_of_the_guide_plays_its_choices(
    tutorial: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tutorial)  # where `stories/magdalena` has the tutorial's branch
    played = 0
    for line in command_lines():
        args = argv(line)
        if (
            "[" not in line
            and args[:1] == ["play"]
            and "--choices" in args
            and not args[1].startswith(("my-story", ".."))
        ):
            story = BRANCH if args[1] == "magdalena" else args[1]
            code, out = run_cli("play", story, *args[2:])
            assert code == 0 and "error" not in out, line
            played += 1
    assert played >= 3


def test_command_blocks_hold_only_commands() -> None:
    for b in blocks("commands"):
        for line in b.body.splitlines():
            assert line.startswith(("uv run main.py", "rm ")), (b, line)


def _subparsers(parser: Any) -> dict[str, Any]:
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return dict(actions[0].choices) if actions else {}


def test_every_command_and_option_is_in_the_commands_section() -> None:
    commands = section("Commands")
    top = build_parser()
    for name, sub in _subparsers(top).items():
        assert f"\n### {name}" in commands, name
        for parser in [sub, *_subparsers(sub).values()]:
            for action in parser._actions:
                for option in action.option_strings:
                    if option.startswith("--") and option != "--help":
                        assert f"`{option}" in commands, f"{name} {option}"
        for action in _subparsers(sub):
            assert f"`{action}" in commands, f"{name} {action}"


# -- the first story ---------------------------------------------------------------------------


def output(name: str) -> str:
    (b,) = named("output", name)
    return b.body


def assert_excerpt(name: str, text: str) -> None:
    """Every line of the excerpt block `name` is a line of `text`, in order; a line `…` stands
    for any number of lines left out, and lines next to each other must be next to each other."""
    (b,) = named("excerpt", name)
    lines = text.splitlines()
    at, loose = 0, True
    for want in b.body.splitlines():
        if want == "…":
            loose = True
            continue
        if loose:
            assert want in lines[at:], f"{name}: not found (in order): {want!r}"
            at = lines.index(want, at) + 1
        else:
            got = lines[at] if at < len(lines) else "the end of the output"
            assert got == want, f"{name}: expected {want!r}, got {got!r}"
            at += 1
        loose = False


def test_an_excerpt_must_keep_its_lines_in_order() -> None:
    with pytest.raises(AssertionError):
        assert_excerpt("simulate-json", "{\n")


def test_the_first_story_checks_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, "my-story")
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", "my-story") == (0, output("first-story-check"))


def test_the_first_storys_error_example_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, "my-story", edit=("if: nerve >= 60", "if: nerv >= 60"))
    monkeypatch.chdir(tmp_path)
    code, out = run_cli("check", "my-story")
    assert code == 1
    assert out.splitlines()[0] + "\n" == output("first-story-error")


# -- the tutorial ------------------------------------------------------------------------------

BRANCH = "stories/magdalena"


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `stories/magdalena` with the tutorial's branch added."""
    tmp = tmp_path_factory.mktemp("tutorial")
    build(tmp, BRANCH)
    return tmp


def guide_command(name: str) -> list[str]:
    """The arguments of the last command shown before the output block `name`, with the
    bundled story named by its folder (the test's copy of it)."""
    return guide_command_before("output", name)


def guide_command_before(kind: str, name: str) -> list[str]:
    (b,) = named(kind, name)
    before = [
        line
        for c in blocks("commands")
        if c.line < b.line
        for line in c.body.splitlines()
        if line.startswith("uv")
    ]
    args = argv(before[-1])
    return [BRANCH if a == "magdalena" else a for a in args]


def mistake() -> tuple[str, str]:
    wrong, right = named("mistake", "tutorial-mistake")
    return wrong.body, right.body


def test_the_tutorial_checks_clean(tutorial: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tutorial)
    assert guide_command("tutorial-check") == ["check", BRANCH]
    code, out = run_cli(*guide_command("tutorial-check"))
    assert (code, out) == (0, output("tutorial-check"))
    # "The career had 95 scenes; it has 97 now", and after step 9 "`check` counts 95 scenes again".
    bundled = load_checked(ROOT / BRANCH).story
    assert bundled is not None
    text = section("Your first branch in fifteen minutes")
    counts = {int(a or b) for a, b in re.findall(r"had (\d+) scenes|counts (\d+) scenes again", text)}
    assert counts == {len(bundled.scenes)}


def test_the_tutorials_ranges_are_what_check_proves(tutorial: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tutorial)
    assert guide_command("tutorial-ranges") == ["check", BRANCH, "--ranges"]
    code, out = run_cli(*guide_command("tutorial-ranges"))
    assert code == 0
    for line in output("tutorial-ranges").splitlines():
        assert line in out.splitlines()


def test_the_tutorials_mistake_gives_exactly_the_line_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path, BRANCH, edit=mistake())
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", BRANCH) == (1, output("tutorial-mistake"))


def test_check_json_is_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, BRANCH, edit=mistake())
    monkeypatch.chdir(tmp_path)
    code, out = run_cli("check", BRANCH, "--format", "json")
    shown, real = json.loads(output("check-json")), json.loads(out)
    assert code == 1
    for doc in (shown, real):
        doc["stories"][0]["path"] = None
        doc["stories"][0]["story"] = "magdalena"  # named by its id in the guide, by its folder here
    assert real == shown


def _flowing(text: str) -> str:
    """Text as plain mode prints it, whatever the terminal's width: words and rules only."""
    return re.sub("─+", "─", " ".join(text.split()))


def test_the_tutorial_plays_in_plain_text_as_shown(tutorial: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tutorial)
    args = guide_command("tutorial-play")
    assert args[:2] == ["play", BRANCH] and "--plain" in args
    code, out = run_cli(*args)
    assert code == 0
    played, at = _flowing(out), 0
    for part in output("tutorial-play").split("\n...\n"):
        found = played.find(_flowing(part), at)
        assert found >= 0, f"not printed (after what came before): {part[:200]}"
        at = found + len(_flowing(part))


def test_the_tutorials_branch_is_reached_and_leads_back(tutorial: Path) -> None:
    story = load_checked(tutorial / BRANCH, cache=False).story
    assert story is not None
    args = guide_command("tutorial-play")
    choices, seed = args[-1].split(","), int(args[args.index("--seed") + 1])
    session = Session(story, seed)
    for cid in choices:
        session.choose(cid)
    assert session.state.scene == "long_track.the_board"
    assert "long_track.long_blades" in session.state.visits
    session.choose("turn_not_race")
    assert session.state.scene == "childhood.aisulu_born"
    # Step 6: warped with Nerve 50, the race against Mama opens, and the stopwatch is 60%.
    warped = warp(Session(story, 1), "long_track.long_blades", {"nerve": 50}, {})
    views = {c.id: c for c in warped.choices}
    assert not views["race_mama"].locked
    assert views["race_the_watch"].chance == 60 and "60% chance" in section(
        "Your first branch in fifteen minutes"
    )


def test_the_tutorials_simulation_is_as_shown(tutorial: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tutorial)
    args = guide_command_before("excerpt", "tutorial-simulate")
    assert args[:2] == ["simulate", BRANCH] and "explore" in args
    code, text = run_cli(*args)
    assert code == 0
    assert_excerpt("tutorial-simulate", text)


def test_the_simulate_reference_json_is_as_shown() -> None:
    args = guide_command_before("excerpt", "simulate-json")
    assert args[:2] == ["simulate", "demo"]
    code, text = run_cli(*args)
    assert code == 0
    assert_excerpt("simulate-json", text)
    assert json.loads(text)["kind"] == "estimate"


def test_undo_then_the_same_chance_rolls_the_same_as_shown() -> None:
    args = guide_command_before("excerpt", "chance-undo")
    assert args[:2] == ["play", "demo"] and "--plain" in args
    code, text = run_cli(*args, stdin="u\n1\nq\n")  # undo, the same choice again, quit
    assert code == 0 and "Undone." in text
    assert_excerpt("chance-undo", text)


def test_the_story_tests_print_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = guide_command_before("output", "story-tests")
    assert args == ["test", "demo"]
    code, text = run_cli(*args)
    assert code == 0 and text == output("story-tests")
    copy = tmp_path / "stories" / "demo"
    shutil.copytree(ROOT / "stories" / "demo", copy)
    tests = copy / "tests" / "endings.yaml"
    tests.write_text(tests.read_text().replace("at least 60%", "at least 90%"))
    monkeypatch.chdir(tmp_path)
    code, text = run_cli("test", "stories/demo")
    assert code == 1 and text == output("story-test-failure")


def test_simulate_s_careers_standard_figures_are_as_shown() -> None:
    args = guide_command_before("excerpt", "simulate-standard")
    assert args[:2] == ["simulate", "demo"] and "--persona" in args
    code, text = run_cli(*args)
    assert code == 0
    assert_excerpt("simulate-standard", text)


def test_the_tutorials_graph_is_as_shown(tutorial: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tutorial)
    args = guide_command("tutorial-graph")
    assert args[:2] == ["graph", BRANCH]
    assert run_cli(*args) == (0, output("tutorial-graph"))


def test_the_author_view_shows_what_the_tutorial_says(tutorial: Path, tmp_path: Path) -> None:
    from rich.console import Console
    from textual.widgets import Input, OptionList, Static

    from engine.tui.app import PointeEdgeApp
    from engine.tui.screens.author import AuthorScreen, WarpScreen
    from engine.tui.screens.play import PlayScreen
    from engine.tui.settings import Settings

    tutorial_text = " ".join(section("Your first branch in fifteen minutes").split())
    seen: dict[str, str] = {}
    app = PointeEdgeApp(
        start_story="magdalena",
        stories_dir=tutorial / "stories",
        saves_dir=tmp_path / "saves",
        seed=1,
        settings=Settings(reveal="off"),
        author=True,
        watch_interval=30,
    )

    def words(widget: Static) -> str:
        console = Console(width=300, file=io.StringIO(), record=True)
        console.print(widget.content)
        return " ".join(console.export_text().split())

    async def steps() -> None:
        async with app.run_test(size=(110, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, AuthorScreen)
            seen["first"] = words(app.screen.query_one("#author-where", Static))
            await pilot.press("right_square_bracket")
            screen = app.screen
            seen["branch"] = words(screen.query_one("#author-where", Static))
            listing = screen.query_one("#map", OptionList)
            seen["map"] = " ".join(
                str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
            )
            seen["pane"] = words(screen.query_one("#scene-detail", Static))
            await pilot.press("w")
            assert isinstance(app.screen, WarpScreen)
            app.screen.query_one("#warp-stat-nerve", Input).value = "50"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PlayScreen)
            seen["warped"] = app.screen.session.state.scene
            seen["open"] = " ".join(c.id for c in app.screen.session.choices if not c.locked)

    asyncio.run(steps())
    for shown in (
        "Author view · chapter 1 of 14: First Ice (training) · The Kui and the Count",
        "chapter 2 of 14: The Long Track (training)",
        "Entered from: childhood.ride_home",
        "if nerve >= 32 (fails now)",
    ):
        assert shown in tutorial_text
        assert any(shown in v for v in seen.values()), (shown, seen)
    assert "· Mama's Blades" in seen["map"] and "· Under 1997" in seen["map"]
    assert seen["warped"] == "long_track.long_blades"
    assert "race_mama" in seen["open"].split()


# -- what commands print -----------------------------------------------------------------------


def test_check_ranges_prints_as_shown() -> None:
    assert guide_command("check-ranges") == ["check", "demo", "--ranges"]
    assert run_cli("check", "demo", "--ranges") == (0, output("check-ranges"))


def test_check_stats_prints_as_shown() -> None:
    assert guide_command("check-stats") == ["check", "demo", "--stats"]
    assert run_cli("check", "demo", "--stats") == (0, output("check-stats"))


def test_check_watch_prints_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, "my-story")
    monkeypatch.chdir(tmp_path)
    assert guide_command("check-watch") == ["check", "my-story", "--watch"]
    out = io.StringIO()
    calls = []

    def stop() -> bool:
        calls.append(1)
        if len(calls) == 1:  # save a change, as an author would
            rink = Path("my-story/rink.yaml")
            rink.write_text(rink.read_text() + "# saved again\n")
        return out.getvalue().count("checked") == 2

    check = functools.partial(cli_check.check, ["my-story"], "text", True)
    assert watch_check([Path("my-story")], check, out, stop=stop, interval=0.02, settle=0.02) == 0
    times = re.compile(r"^\[\d\d:\d\d:\d\d\]", re.M)
    assert times.sub("[time]", out.getvalue()) == times.sub("[time]", output("check-watch"))


def test_stories_prints_as_shown() -> None:
    counts = re.compile(r"\(\d+ scenes, \d+ endings, [\d,]+ words\)")
    code, out = run_cli("stories")
    assert code == 0
    assert counts.sub("(...)", out) == counts.sub("(...)", output("stories"))


def test_every_diagnostic_line_is_what_check_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)  # the lines name files as `check` does from there
    printed: dict[str, set[str]] = {}
    codes = set()
    for b in blocks("diagnostics"):
        for line in b.body.splitlines():
            case = re.split(r"[/:]", line, maxsplit=1)[0]
            if case not in printed:
                result = load_checked(Path(case), cache=False, ranges=True)
                diagnostics = list(result.diagnostics)
                if result.ok and result.story is not None:  # and as `test` reads its test files
                    diagnostics += run_story_tests(result.story, Path(case), case).problems
                printed[case] = {d.format() for d in diagnostics}
            assert line in printed[case], line
            codes.add(re.search(r": (?:error|warning): ([EW]\d{3}) ", line).group(1))  # type: ignore[union-attr]
    assert codes == set(CODES), "every code has an example line"


# -- tables: expressions, effects, branches, keys ----------------------------------------------


def test_the_limits_table_is_the_engines() -> None:
    """The guide's limits are the ones the loader and the save format read (issue 16)."""
    from engine.core.limits import LIMITS

    (rows,) = TABLES["limits"]
    assert rows == [[limit.what, limit.limit] for limit in LIMITS]


EXAMPLE_STATE = SimpleNamespace(
    stats={"technique": 54, "artistry": 41, "nerve": 62, "stamina": 30},
    flags={"sore_ankle": True, "injured": False},
    visits={"main.gala": 2},
    turn=5,
    stack=[("nationals.final", None, 2)],
)
EXAMPLE_SCENES = {"main.gala", "main.audition"}


def _resolve(name: str) -> str | None:
    sid = name if "." in name else f"main.{name}"
    return sid if sid in EXAMPLE_SCENES else None


def test_every_expression_example_parses_type_checks_and_gives_what_is_shown() -> None:
    scope = ex.Scope(
        EXAMPLE_STATE.stats,
        EXAMPLE_STATE.flags,
        _resolve,
        EXAMPLE_SCENES,
        chapter_of={"nationals.final": "nationals"},
        phase_of={"nationals.final": "competition"},
    )
    rows = [row for table in TABLES["expressions"] for row in table]
    assert len(rows) > 30
    for row in rows:
        source, shown = code(row[-2]), code(row[-1])
        tree = ex.parse(source)
        _, problems = ex.infer(tree, scope)
        assert problems == [], source
        value = ex.compile_node(tree, scope)(EXAMPLE_STATE)
        assert (f'"{value}"' if isinstance(value, str) else ex.format_value(value)) == shown, source
    used = {name for row in rows for name in re.findall(r"`(\w+)\(", row[-2])}
    assert used == set(ex.FUNCTIONS), "an example for every function"
    read = {name for row in rows for name in re.findall(r"\w+", code(row[-2]))}
    assert {"caller_phase", "caller_scene", "strikes"} <= read, "the detour names have examples"


def test_the_expression_state_is_the_one_the_guide_states() -> None:
    words = " ".join(section("Expressions").split())
    assert "Technique is 54, Artistry 41, Nerve 62 and Stamina 30" in words
    assert "`sore_ankle` is true and `injured` false" in words
    assert "made 5 choices and has entered the scene `gala` twice and never the scene `audition`" in words
    detour = "called from the scene `final` of the chapter `nationals` (a competition), which has struck"
    assert detour in words


EFFECT_STORY = """\
chapter: main
scenes:
  a:
    text: Technique {technique}, artistry {artistry}.
    effects: {set: [injured]}
    choices:
      - text: Go
        id: go
        effects: EFFECT
        goto: b
  b:
    text: "{if injured or national_team or sore_ankle then 'Flags.'}"
    ending: {title: B, tone: farewell}
"""


def test_every_effect_example_does_what_is_shown(tmp_path: Path) -> None:
    rows = [row for table in TABLES["effects"] for row in table]
    assert len(rows) >= 8
    for n, (_, _, example, result) in enumerate(rows):
        folder = tmp_path / f"effect{n}"
        folder.mkdir()
        (folder / "story.yaml").write_text(
            "id: e\ntitle: E\nstart: main.a\nstats:\n  technique: {start: 60}\n  artistry: {start: 45}\n"
            "flags: [injured, national_team, sore_ankle]\n"
        )
        (folder / "main.yaml").write_text(EFFECT_STORY.replace("EFFECT", code(example)))
        loaded = load_checked(folder, cache=False)
        assert [d.format() for d in loaded.errors] == [], example
        assert loaded.story is not None
        session = Session(loaded.story, 1)
        session.choose("go")
        stat = re.fullmatch(r"(\w+) (\d+) → (\d+)", result)
        if stat:
            assert loaded.story.stats[0].start == int(stat.group(2)), example
            assert session.state.stats[stat.group(1)] == int(stat.group(3)), example
        else:
            flag = re.fullmatch(r"(\w+) → (true|false)", result)
            assert flag, result
            assert session.state.flags[flag.group(1)] == (flag.group(2) == "true"), example


def test_the_bundled_branches_are_as_the_table_says() -> None:
    (rows,) = TABLES["branches"]
    assert {code(r[0]) for r in rows} == {
        p.relative_to(ROOT).as_posix() for p in ROOT.glob("stories/*/branches/*.yaml")
    }
    for path, onto, back in rows:
        text = (ROOT / code(path)).read_text(encoding="utf-8")
        branch = yaml.safe_load(text)
        assert set(branch["graft"]) == set(re.findall(r"`([^`]+)`", onto)), path
        for way in re.findall(r"`([^`]+)`", back):
            assert way in text, (path, way)
        titles = {s["ending"]["title"] for s in branch["scenes"].values() if "ending" in s}
        for title in re.findall(r"“([^”]+)”", back):
            assert title in titles, (path, title)


KEY_NAMES = {
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "full_stop": ".",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "f5": "F5",
    "f9": "F9",
    "escape": "Esc",
    "space": "Space",
    "question_mark": "?",
    "ctrl+q": "Ctrl+Q",
}


def _keys_in(rows: list[list[str]]) -> set[str]:
    return {k for row in rows for k in re.findall(r"`([^`]+)`", row[0])}


def test_every_key_of_the_author_view_is_listed() -> None:
    from engine.tui.screens.author import AuthorScreen

    (rows,) = TABLES["author-keys"]
    listed = _keys_in(rows)
    for binding in AuthorScreen.BINDINGS:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            assert KEY_NAMES.get(key, key) in listed, key
    assert "Enter" in listed  # picking a scene on the map warps too


def test_every_key_of_the_game_is_listed() -> None:
    from engine.tui.app import PointeEdgeApp
    from engine.tui.screens.play import PlayScreen

    (rows,) = TABLES["game-keys"]
    listed = _keys_in(rows)
    for binding in [*PlayScreen.BINDINGS, *PointeEdgeApp.BINDINGS]:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            if key.isdigit():
                assert {"1", "9"} <= listed, key
            else:
                assert KEY_NAMES.get(key, key) in listed, key


OUTPUTS_TESTED = {
    "first-story-check",
    "first-story-error",
    "tutorial-check",
    "tutorial-ranges",
    "tutorial-mistake",
    "tutorial-play",
    "tutorial-graph",
    "tutorial-simulate",
    "simulate-json",
    "chance-undo",
    "check-json",
    "check-github",
    "check-ranges",
    "check-stats",
    "check-watch",
    "stories",
    "story-tests",
    "story-test-failure",
    "simulate-standard",
}


def test_the_keymap_example_remaps_real_actions(tmp_path: Path) -> None:
    from engine.tui.app import PointeEdgeApp
    from engine.tui.keymap import binding_ids, read_keymap
    from engine.tui.screens.play import PlayScreen

    (block,) = blocks("keymap")
    path = tmp_path / "keymap.json"
    path.write_text(block.body)
    keymap, problems = read_keymap(path, binding_ids([*PointeEdgeApp.BINDINGS, *PlayScreen.BINDINGS]))
    assert problems == [] and keymap == {"play.undo": "z", "play.quick-save": "f6", "play.stats": "t,ctrl+s"}
