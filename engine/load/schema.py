"""The JSON Schema of story files, for editors: generated, never written by hand.

An editor with yaml-language-server (VS Code's YAML extension, Neovim, Helix...) given this
schema completes every key of the format, explains each on hover, and underlines a misspelt
one (`choises:`) or a value of the wrong shape as it is typed. It is draft-07, the draft
yaml-language-server supports best, and is shipped inside the package
(engine/load/story.schema.json: `main.py schema` prints it) so that an installed copy has it.

Nothing in it is a second copy to keep in step. The keys are the parser's own tables
(engine/load/parse.py: MANIFEST_KEYS, SCENE_KEYS...); the shape of each value is the one its
parser method reads (text, a name, a number, an expression, effects, where play goes), with the
engine's limits and name patterns; and every key's description is its row in the authoring
guide's reference tables (docs/authoring.md), read here. Generating raises when a key of the
parser has no shape here or no row in the guide, and tests/unit/test_schema.py fails when the
shipped file is not what generating gives now, so a key added to the parser and not to the
schema, or to the guide, fails the suite (`uv run python -m engine.load.schema` writes it anew).

One schema serves both kinds of file. yaml-language-server tells them apart by the file's name
(`filePatternAssociation`: `story.yaml` is the manifest, any other file a chapter); any other
validator reads a file with none of a chapter's own keys (`chapter`, `scenes`, `graft`,
`phase`) as a manifest. A story test file (`paths:` or `personas:`, in the `tests` folder) is
left alone: `main.py test` checks those.

The schema checks what one file alone shows, as YAML 1.2 reads it (the version editors use).
What needs the whole story (a `goto` to a scene that does not exist, an unknown stat) and the
YAML 1.1 surprises (`text: No` read as false) are `check`'s, and the language server's.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.core import expr as ex
from engine.core import limits
from engine.core.errors import PointeEdgeError
from engine.core.model import PHASES, TONES
from engine.core.paths import PACKAGE
from engine.core.version import STORY_FORMAT
from engine.load import parse as fp

#: The shipped schema, beside this module (package data in an installed copy).
SCHEMA_FILE = Path(__file__).with_name("story.schema.json")
#: The guide whose reference tables give every key its description (in a clone).
GUIDE_FILE = PACKAGE.parent / "docs" / "authoring.md"
#: The command that writes SCHEMA_FILE anew from the parser and the guide.
REGENERATE = "uv run python -m engine.load.schema"

JSON = dict[str, Any]

#: Keys the parser requires, as its `mapping(..., required)` calls name them (tests compare
#: them with what the parser reports missing).
MANIFEST_REQUIRED = ("id", "title", "start", "stats")
CHOICE_REQUIRED = ("text",)
ENDING_REQUIRED = ("title", "tone")
#: The keys only a chapter file has: a file with none of them is read as a manifest.
CHAPTER_ONLY = tuple(k for k in fp.CHAPTER_KEYS if k not in fp.MANIFEST_KEYS)
#: The keys of a story test file (engine/author/storytest), which this schema leaves alone.
STORY_TEST_KEYS = ("paths", "personas")
#: Where play goes from a choice, a side of a roll or a branch of `next`: one of these.
ROUTE_KEYS = ("goto", "call", "return")


class GuideError(PointeEdgeError, ValueError):
    """The guide lacks what the schema needs: a table, or a key's row in it."""


# -- the guide's reference tables ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    """One of the guide's reference tables: the kind of mapping its keys belong to, where it is
    (its heading, and the first cell of its header row), and the parser's keys it describes."""

    kind: str
    heading: str
    first: str
    keys: tuple[str, ...]


TABLES: tuple[Table, ...] = (
    Table("manifest", "## The manifest: story.yaml", "key", fp.MANIFEST_KEYS),
    Table("stat", "### Stats", "stat key", fp.STAT_KEYS),
    Table("flag", "### Flags", "flag key", fp.FLAG_KEYS),
    Table("person", "### Cast", "person key", fp.PERSON_KEYS),
    Table("chapter", "## Chapter files", "key", fp.CHAPTER_KEYS),
    Table("scene", "## Scenes", "key", fp.SCENE_KEYS),
    Table("choice", "## Choices", "key", fp.CHOICE_KEYS),
    Table("branch", "## Where play goes: goto, call, return, next", "branch key", fp.BRANCH_KEYS),
    Table("outcome", "## Chance rolls", "outcome key", fp.OUTCOME_KEYS),
    Table("ending", "## Endings", "ending key", fp.ENDING_KEYS),
)
#: The effects table (its first column is what an author writes: `"%+20"`, `set: [flag, ...]`).
EFFECTS = Table("effects", "## Effects", "write", ("set", "clear"))
#: The tones of an ending, each with what it is for.
TONE_TABLE = Table("tone", "## Endings", "tone", TONES)

# None of these may backtrack (tests/unit/test_regex_cost.py): no class here takes the mark
# that opens what it is inside of, so each `[`, `(` or `*` starts at most one try.
_CELL = re.compile(r"\\\||\|")  # `\|` (a `|` inside a cell), or a `|` between cells
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
_SEE = re.compile(r"see \[([^\[\]]+)\]\(#[^()]*\)")
_EMPHASIS = re.compile(r"\*\*?([^*]+)\*\*?")


def split_row(line: str) -> list[str]:
    """The cells of a Markdown table row, `\\|` read as a `|` inside a cell."""
    cells: list[str] = []
    cell: list[str] = []
    at, text = 0, line.strip()
    for found in _CELL.finditer(text):
        cell.append(text[at : found.start()])
        at = found.end()
        if found.group() == "|":
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append("|")
    return cells[1:]


def table_rows(guide: str, heading: str, first: str) -> list[dict[str, str]]:
    """The rows of the first table under `heading` (before the next heading of its level or
    above) whose header starts with `first`, each as header -> cell."""
    lines = guide.split("\n")
    starts = [i for i, line in enumerate(lines) if line == heading]
    if len(starts) != 1:
        raise GuideError(f"the guide has {len(starts)} headings `{heading}`, not one")
    level = len(heading) - len(heading.lstrip("#"))
    i, fenced = starts[0] + 1, False
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            fenced = not fenced
        stripped = line.lstrip("#")
        if (
            not fenced
            and line.startswith("#")
            and stripped.startswith(" ")
            and len(line) - len(stripped) <= level
        ):
            break
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header = split_row(line)
            if header and header[0] == first:
                rows = []
                for row in lines[i + 2 :]:
                    if not row.startswith("|"):
                        break
                    rows.append(dict(zip(header, split_row(row), strict=False)))
                return rows
        i += 1
    raise GuideError(f"no table starting `| {first} |` under `{heading}` in the guide")


def plain(markdown: str) -> str:
    """A cell as plain text, for editors that show `description` as it is."""
    text = inline(markdown)
    return _EMPHASIS.sub(r"\1", text).replace("`", "")


def inline(markdown: str) -> str:
    """A cell as Markdown for a hover, away from the guide: its links lead nowhere there, so a
    "see [Text](#text)" names the guide's section instead, and "(below)" goes."""
    text = _SEE.sub(r"see “\1” in the guide", markdown.replace(" (below)", ""))
    return _LINK.sub(r"\1", text)


@dataclass(frozen=True, slots=True)
class Described:
    """What the guide says of one key: the words of its row, in Markdown and plain."""

    markdown: str
    heading: str

    def annotate(self, schema: JSON) -> JSON:
        section = self.heading.lstrip("# ")
        return schema | {
            "description": plain(self.markdown),
            "markdownDescription": f"{self.markdown}\n\n*From the authoring guide, “{section}”.*",
        }


def key_descriptions(guide: str, table: Table, required: Sequence[str] = ()) -> dict[str, Described]:
    """Each key of `table`, described by its row in the guide: what it is, then whether it is
    required and what it is when left out, where the table says so."""
    rows = table_rows(guide, table.heading, table.first)
    found: dict[str, Described] = {}
    for row in rows:
        cells = list(row.values())
        keys = [k.split(":")[0].strip() for k in _CODE.findall(cells[0])]
        keys = [k for k in keys if k in table.keys]
        what = inline(row.get("what it is") or row.get("meaning") or cells[-1])
        defaults = row.get("default", "")
        parts = [d.strip() for d in defaults.split(",")] if len(keys) > 1 else [defaults]
        for n, key in enumerate(keys):
            words = what[0].upper() + what[1:] if what[:1].islower() else what
            words = words.rstrip(".") + "."
            needed = row.get("required", "")
            if needed == "yes" or (not needed and key in required):
                words += " Required."
            elif needed not in ("", "no"):
                words += f" Required: {inline(needed)}."
            default = parts[n] if len(parts) == len(keys) else defaults
            if default not in ("", "none"):
                words += f" Default: {inline(default)}."
            example = row.get("example", "")
            if example:
                words += f" For example {inline(example)}."
            found[key] = Described(words, table.heading)
    missing = [k for k in table.keys if k not in found]
    if missing:
        raise GuideError(
            f"{', '.join(f'`{k}`' for k in missing)} of the parser's {table.kind} keys"
            f" {'has' if len(missing) == 1 else 'have'} no row in the guide's table under `{table.heading}`"
        )
    return found


def amount_description(guide: str) -> Described:
    """An effect on a stat: the forms the guide's effects table lists, each with its meaning."""
    forms = [
        f"{inline(row['write'])}: {row['meaning']}"
        for row in table_rows(guide, EFFECTS.heading, EFFECTS.first)
        if not row["write"].startswith(("`set", "`clear"))
    ]
    return Described("A change to the stat: " + "; ".join(forms) + ".", EFFECTS.heading)


# -- the shapes of values, as the parser reads them ----------------------------------------------


def _pattern(compiled: re.Pattern[str]) -> str:
    r"""A parser's pattern for JSON Schema: `\A...\Z` anchors as `^...$`."""
    return compiled.pattern.replace(r"\A", "^").replace(r"\Z", "$")


_NAME_RULE = "lower-case letters, digits and _, starting with a letter"
_STORY_ID_RULE = "a story id: lower-case letters, digits, _ and -, starting with a letter"
#: A stat's or a flag's name: a name that is none of the words the expressions and effects use.
_FREE_NAME = "^(?!(?:" + "|".join(sorted(re.escape(w) for w in fp.RESERVED)) + ")$)" + _pattern(fp.NAME)[1:]


def _ref(name: str) -> JSON:
    return {"$ref": f"#/definitions/{name}"}


def _with(ref: JSON) -> JSON:
    """A reference that can carry a description beside it (draft-07 ignores `$ref`'s siblings)."""
    return {"allOf": [ref]}


def text(most: int = limits.TEXT_CHARS) -> JSON:
    """Words: `text()` reads a number as the words it is written with (`title: 1984`)."""
    return {"type": ["string", "number"], "maxLength": most}


def name(what: str, pattern: str = _pattern(fp.NAME), most: int = limits.NAME_CHARS) -> JSON:
    return {
        "type": "string",
        "pattern": pattern,
        "maxLength": most,
        "patternErrorMessage": f"{what}: {_NAME_RULE}",
    }


def free_name(what: str) -> JSON:
    return name(what, _FREE_NAME) | {
        "patternErrorMessage": f"{what}: {_NAME_RULE}, and not a word the expressions or effects use"
        f" ({', '.join(sorted(fp.RESERVED)[:6])}...)"
    }


def scene_ref() -> JSON:
    return name("a scene", _pattern(fp.REF), limits.SCENE_REF_CHARS) | {
        "patternErrorMessage": f"a scene: its name in this chapter, or `chapter.scene` ({_NAME_RULE})"
    }


def names(what: str) -> JSON:
    """One name, or a list of them (`set: injured` or `set: [injured, tired]`)."""
    one = name(what)
    return {
        "type": ["string", "array"],
        "pattern": one["pattern"],
        "patternErrorMessage": one["patternErrorMessage"],
        "items": one,
    }


def condition() -> JSON:
    """An expression that is true or false: YAML's own `true` reads as one."""
    return {"type": ["string", "boolean"], "maxLength": ex.MAX_LENGTH}


def percent() -> JSON:
    """An expression that is a number: a constant is written as one."""
    return {"type": ["string", "number"], "maxLength": ex.MAX_LENGTH}


def true_only() -> JSON:
    """`return: true`, the one value that means something (`return: false` is E023)."""
    return {"enum": [True]}


def routes(keys: Sequence[str]) -> JSON:
    """One of `keys` must be there (E021 names it missing)."""
    return {"anyOf": [{"required": [k]} for k in keys]}


def shapes() -> dict[str, dict[str, JSON]]:
    """The shape of each key's value, by the kind of mapping it is a key of."""
    stat_map = _with(_ref("stats"))
    flag_map = _with(_ref("flags"))
    return {
        "manifest": {
            "id": name("a story id", _pattern(fp.STORY_ID)) | {"patternErrorMessage": _STORY_ID_RULE},
            "title": text(limits.TITLE_CHARS),
            "protagonist": text(),
            "discipline": text(),
            "blurb": text(),
            "version": text(limits.TITLE_CHARS),
            "author": text(),
            "start": scene_ref(),
            "stats": stat_map,
            "flags": flag_map,
            "cast": _with(_ref("cast")),
        },
        "stat": {
            "label": text(),
            "start": {"type": "integer"},
            "min": {"type": "integer", "minimum": -ex.LIMIT, "maximum": ex.LIMIT},
            "max": {"type": "integer", "minimum": -ex.LIMIT, "maximum": ex.LIMIT},
            "help": text(),
            "group": text(),
            "opposite": free_name("the other side's name"),
            "opposite_label": text(),
        },
        "flag": {"label": text(), "help": text()},
        "person": {
            "name": text(),
            "role": text(),
            "about": text(),
            "stat": scene_ref() | {"patternErrorMessage": f"a stat's name: {_NAME_RULE}"},
            "if": condition(),
        },
        "chapter": {
            "chapter": name("a chapter's name"),
            "phase": {"enum": list(PHASES)},
            "title": text(limits.TITLE_CHARS),
            "scenes": _with(_ref("scenes")),
            "graft": _with(_ref("graft")),
            "stats": stat_map,
            "flags": flag_map,
        },
        "scene": {
            "title": text(limits.TITLE_CHARS),
            "text": text(),
            "revisit": text(),
            "milestone": text(),
            "effects": _with(_ref("effects")),
            "choices": _with(_ref("choices")),
            "next": _with(_ref("next")),
            "continue": text(),
            "return": true_only(),
            "ending": _with(_ref("ending")),
        },
        "choice": {
            "id": {
                "type": ["string", "integer"],
                "pattern": _pattern(fp.CHOICE_ID),
                "minimum": 0,
                "maxLength": limits.NAME_CHARS,
                "patternErrorMessage": "a choice id: lower-case letters, digits, _ and -",
            },
            "text": text(),
            "if": condition(),
            "locked": {"type": "boolean"},
            "reason": text(),
            "once": {"type": "boolean"},
            "fallback": {"type": "boolean"},
            "milestone": text(),
            "effects": _with(_ref("effects")),
            "goto": scene_ref(),
            "call": scene_ref(),
            "return": true_only(),
            "chance": percent(),
            "success": _with(_ref("outcome")),
            "failure": _with(_ref("outcome")),
            "tags": names("a tag"),
        },
        "outcome": {
            "text": text(),
            "milestone": text(),
            "effects": _with(_ref("effects")),
            "goto": scene_ref(),
            "call": scene_ref(),
            "return": true_only(),
        },
        "branch": {"if": condition(), "goto": scene_ref(), "call": scene_ref(), "return": true_only()},
        "ending": {
            "title": text(limits.TITLE_CHARS),
            "tone": {"enum": list(TONES)},
            "hint": text(limits.TITLE_CHARS),
        },
    }


def _properties(kind: str, shapes_: dict[str, JSON], described: dict[str, Described]) -> JSON:
    keys = next(t.keys for t in TABLES if t.kind == kind)
    missing = [k for k in keys if k not in shapes_]
    if missing:
        raise GuideError(f"{', '.join(missing)} of the parser's {kind} keys have no shape in {__name__}")
    return {key: described[key].annotate(shapes_[key]) for key in keys}


def build(guide: str) -> JSON:
    """The schema, from the parser's tables and `guide` (the text of docs/authoring.md)."""
    required = {"manifest": MANIFEST_REQUIRED, "choice": CHOICE_REQUIRED, "ending": ENDING_REQUIRED}
    described = {t.kind: key_descriptions(guide, t, required.get(t.kind, ())) for t in TABLES}
    effects = key_descriptions(guide, EFFECTS)
    tones = {row["tone"].strip("`"): row["for"] for row in table_rows(guide, TONE_TABLE.heading, "tone")}
    if sorted(tones) != sorted(TONES):
        raise GuideError(f"the guide's tones are {sorted(tones)}, the engine's {sorted(TONES)}")
    value_shapes = shapes()
    value_shapes["ending"]["tone"] |= {
        "enumDescriptions": [plain(tones[t]) for t in TONES],
        "markdownEnumDescriptions": [inline(tones[t]) for t in TONES],
    }
    props = {t.kind: _properties(t.kind, value_shapes[t.kind], described[t.kind]) for t in TABLES}

    def mapping(kind: str, title: str, **more: Any) -> JSON:
        return {
            "title": title,
            "type": "object",
            "properties": props[kind],
            "additionalProperties": False,
        } | more

    amount = amount_description(guide).annotate(
        {
            "type": ["number", "string"],
            "pattern": r"^\s*(?:=|%[+-]|[+-])(?!.*%\s*$)\s*\S",
            "maxLength": limits.TEXT_CHARS,
            "errorMessage": 'an effect on a stat: +5, -5, "=50" (set), "%+20" or "%-20" (fairmath), or a'
            " sign and an expression in quotes; a flag is made true with `set: [name]`",
        }
    )
    definitions: JSON = {
        "manifest": mapping("manifest", "story.yaml: the manifest", required=list(MANIFEST_REQUIRED)),
        "chapter": mapping(
            "chapter",
            "a chapter file",
            anyOf=[{"required": ["scenes"]}, {"required": ["graft"]}],
            dependencies={"scenes": ["chapter"]},
        ),
        "stats": {
            "title": "stats",
            "type": "object",
            "propertyNames": free_name("a stat's name"),
            "additionalProperties": _ref("stat"),
            "maxProperties": limits.STATS,
        },
        "stat": {
            "title": "a stat: its settings, or just its start",
            "type": ["integer", "object"],
            "properties": props["stat"],
            "additionalProperties": False,
        },
        "flags": {
            "title": "flags: a list of names, or each with its label",
            "type": ["array", "object"],
            "items": free_name("a flag's name"),
            "propertyNames": free_name("a flag's name"),
            "additionalProperties": _ref("flag"),
        },
        "flag": {
            "title": "a flag: its label, or its settings",
            "type": ["null", "string", "number", "object"],
            "maxLength": limits.TEXT_CHARS,
            "properties": props["flag"],
            "additionalProperties": False,
        },
        "cast": {
            "title": "the cast",
            "type": "object",
            "propertyNames": name("a person's id"),
            "additionalProperties": _ref("person"),
        },
        "person": {
            "title": "a person of the story",
            "type": ["null", "object"],
            "properties": props["person"],
            "additionalProperties": False,
        },
        "scenes": {
            "title": "the scenes, by name",
            "type": "object",
            "propertyNames": name("a scene's name"),
            "additionalProperties": _ref("scene"),
        },
        "scene": mapping(
            "scene",
            "a scene",
            anyOf=routes(("choices", "next", "return", "ending"))["anyOf"],
            dependencies={
                "choices": ["text"],
                "ending": ["text"],
                "revisit": ["text"],
                "continue": routes(("next", "return")),
            },
        ),
        "graft": {
            "title": "choices grafted onto scenes of other files",
            "type": "object",
            "propertyNames": scene_ref(),
            "additionalProperties": _ref("choices"),
        },
        "choices": {"title": "the choices", "type": "array", "minItems": 1, "items": _ref("choice")},
        "choice": mapping(
            "choice",
            "a choice",
            required=list(CHOICE_REQUIRED),
            anyOf=routes((*ROUTE_KEYS, "chance"))["anyOf"],
            dependencies={
                "locked": ["if"],
                "reason": ["if"],
                "chance": ["success", "failure"],
                "success": ["chance"],
                "failure": ["chance"],
            },
        ),
        "outcome": mapping("outcome", "one side of a chance roll", anyOf=routes(ROUTE_KEYS)["anyOf"]),
        "next": {
            "title": "where play goes on",
            "anyOf": [
                scene_ref(),
                _ref("branch"),
                {"type": "array", "minItems": 1, "items": _ref("branch")},
            ],
        },
        "branch": mapping("branch", "a branch of `next`", anyOf=routes(ROUTE_KEYS)["anyOf"]),
        "ending": mapping("ending", "an ending", required=list(ENDING_REQUIRED)),
        "effects": {
            "title": "effects",
            "type": "object",
            "properties": {key: effects[key].annotate(names("a flag's name")) for key in EFFECTS.keys},
            "propertyNames": name("a stat's name"),
            "additionalProperties": amount,
        },
    }
    chapter_keys = {"anyOf": [{"required": [k]} for k in CHAPTER_ONLY]}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": f"Generated by engine/load/schema.py from the parser's keys and docs/authoring.md:"
        f" do not edit, run `{REGENERATE}`.",
        "title": "Pointe & Edge story file",
        "description": f"A file of a Pointe & Edge story (story format {STORY_FORMAT}): story.yaml,"
        " the manifest, or a chapter file. docs/authoring.md is the whole of the format.",
        "type": "object",
        "if": {"anyOf": [{"required": [k]} for k in STORY_TEST_KEYS], "not": chapter_keys},
        "then": {"$comment": "a story test file: `main.py test` checks it"},
        "else": {
            "if": {"filePatternAssociation": "/story.yaml", "not": chapter_keys},
            "then": _ref("manifest"),
            "else": _ref("chapter"),
        },
        "definitions": definitions,
    }


def render(schema: JSON) -> str:
    """The schema as it is shipped: stable, readable, one key a line."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate() -> str:
    """The schema as the parser and the guide make it now (in a clone: the guide is not shipped)."""
    return render(build(GUIDE_FILE.read_text(encoding="utf-8")))


def shipped() -> str:
    """The schema shipped with this copy of the game."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


def walk_properties(schema: JSON) -> Iterator[tuple[str, str, JSON]]:
    """(definition, key, its schema) for every key of every mapping the schema describes."""
    for definition, body in schema["definitions"].items():
        for key, value in body.get("properties", {}).items():
            yield definition, key, value


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m engine.load.schema`: write the schema anew (`--check`: only say if it is stale)."""
    args = list(sys.argv[1:] if argv is None else argv)
    fresh = generate()
    if args == ["--check"]:
        stale = fresh != shipped()
        print(f"{SCHEMA_FILE} is {'stale: run `' + REGENERATE + '`' if stale else 'up to date'}")
        return int(stale)
    if args:
        print("usage: python -m engine.load.schema [--check]")
        return 2
    SCHEMA_FILE.write_text(fresh, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
