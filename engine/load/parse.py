"""One story file -> plain-data IR, with every problem the file alone can reveal.

The IR is plain data (dicts, lists, tuples, strings, numbers) so the load cache can store it
with `marshal` (its shapes are in engine/load/ir.py); it holds the file's scenes with their
texts split into pieces and their expressions parsed into trees (in their wire form), each
with an absolute line and column. Nothing here knows other files: names of stats,
flags and scenes are checked when the files are linked (engine/load/link.py).

The IR depends only on the file's bytes and on whether it is the manifest, never on its path,
so one cache entry serves any copy of the same file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from engine.core import expr as ex
from engine.core import limits
from engine.core import template as tpl
from engine.core.diagnostics import did_you_mean
from engine.core.model import PHASES, TONES
from engine.load.ir import (
    IR_VERSION,
    BranchIR,
    ChanceIR,
    ChapterIR,
    ChoiceIR,
    EffectIR,
    EndingIR,
    ExprIR,
    FileIR,
    FlagIR,
    GraftIR,
    LostIR,
    ManifestIR,
    OutcomeIR,
    ParagraphIR,
    PersonIR,
    PieceIR,
    ProblemIR,
    RefIR,
    RouteIR,
    SceneIR,
    StatIR,
    TemplateIR,
)
from engine.load.name_hints import example_name
from engine.load.yaml_reader import (
    Source,
    Value,
    key_problems,
    read,
    read_misspelt_keys_as_meant,
    surprise_message,
)

NAME = re.compile(r"\A[a-z][a-z0-9_]*\Z")
REF = re.compile(r"\A(?:[a-z][a-z0-9_]*\.)?[a-z][a-z0-9_]*\Z")
STORY_ID = re.compile(r"\A[a-z][a-z0-9_-]*\Z")
CHOICE_ID = re.compile(r"\A[a-z0-9][a-z0-9_-]*\Z")
# Names a stat or flag cannot take: effect keys, the expression language's words and functions,
# and the names that read the detour play is in (so that no stat can shadow `caller_phase`).
RESERVED = frozenset({"set", "clear", *ex.KEYWORDS, *ex.FUNCTIONS, *ex.DETOUR_NAMES})
# The sign of an effect; the amount is the rest, stripped. (`\s*(sign)\s*(.*?)\s*\Z` did the
# same in one pattern, but its lazy `.*?` retried the trailing `\s*` at every character: a
# 20,000-character value took 1.5 s.)
_EFFECT_SIGN = re.compile(r"\A\s*+(=|%\+|%-|\+|-)")
_WORD = re.compile(r"[a-z0-9]+")

MANIFEST_KEYS = (
    "id",
    "title",
    "protagonist",
    "discipline",
    "blurb",
    "version",
    "author",
    "start",
    "stats",
    "flags",
    "cast",
)
STAT_KEYS = ("label", "start", "min", "max", "help", "group", "opposite", "opposite_label")
PERSON_KEYS = ("name", "role", "about", "stat", "if")
FLAG_KEYS = ("label", "help")
#: The folder of the story's own tests, which the loader never reads as story (folder.TESTS_DIR).
TESTS_FOLDER = "tests"
CHAPTER_KEYS = ("chapter", "phase", "title", "scenes", "graft", "stats", "flags")
SCENE_KEYS = (
    "title",
    "text",
    "revisit",
    "milestone",
    "effects",
    "choices",
    "next",
    "continue",
    "return",
    "ending",
)
CHOICE_KEYS = (
    "id",
    "text",
    "if",
    "locked",
    "reason",
    "once",
    "fallback",
    "milestone",
    "effects",
    "goto",
    "call",
    "return",
    "chance",
    "success",
    "failure",
    "tags",
)
OUTCOME_KEYS = ("text", "milestone", "effects", "goto", "call", "return")
BRANCH_KEYS = ("if", "goto", "call", "return")
ENDING_KEYS = ("title", "tone", "hint")
#: Each kind of mapping in a story file, and its keys: what the schema (engine/load/schema.py)
#: and the guide's tests hold the parser to.
KEY_TABLES: dict[str, tuple[str, ...]] = {
    "manifest": MANIFEST_KEYS,
    "stat": STAT_KEYS,
    "flag": FLAG_KEYS,
    "person": PERSON_KEYS,
    "chapter": CHAPTER_KEYS,
    "scene": SCENE_KEYS,
    "choice": CHOICE_KEYS,
    "outcome": OUTCOME_KEYS,
    "branch": BRANCH_KEYS,
    "ending": ENDING_KEYS,
}
#: Every key of the format: one of these in the wrong place was moved, not misspelt, and is
#: not read as its near neighbour (`start:` in a chapter file is not `stats:`).
EVERY_KEY = frozenset(key for keys in KEY_TABLES.values() for key in keys)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slug(text: str) -> str:
    """A choice id derived from its text: stable while the text stays, whatever moves around it."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(_without_braces(folded).replace("'", ""))
    out = "-".join(words[:6])[:48].strip("-")
    if not out:  # text with no Latin letters or digits
        out = "c-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return out


class FileParser:
    def __init__(self, source: Source):
        self.source = source
        self.problems: list[ProblemIR] = []
        self.lost: list[LostIR] = []
        self.scene: str | None = None  # the scene being read, for messages

    # -- reporting ------------------------------------------------------------------------

    def problem(self, code: str, message: str, at: Value | tuple[int, int], hint: str | None = None) -> None:
        line, col = (at.line, at.col) if isinstance(at, Value) else at
        self.problems.append((code, message, line, col, self.scene, hint))

    def left_out(self, kind: str, name: str) -> None:
        """Note that the scene, stat or flag `name` is left out because of the last problem."""
        self.lost.append((kind, name, len(self.problems) - 1))

    def key_at(self, m: Value, key: str) -> tuple[int, int]:
        return m.key_pos.get(key, (m.line, m.col))

    # -- typed getters ---------------------------------------------------------------------

    def mapping(self, v: Value, what: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> bool:
        """True when `v` is a mapping; unknown and missing keys are reported."""
        if v.kind == "bad":
            return False
        if v.kind != "map":
            self.problem("E022", f"{what} must be a mapping of `key: value` lines, not {_kind(v)}", v)
            return False
        read_misspelt_keys_as_meant(v, allowed, EVERY_KEY)
        for code, message, at, hint in key_problems(v, what, allowed, required):
            self.problem(code, message, at, hint)
        return True

    def text(self, v: Value | None, what: str, allow_empty: bool = False) -> str | None:
        if v is None or v.kind == "bad":
            return None
        if v.surprise:
            code, message, hint = surprise_message(v, "text")
            self.problem(code, f"{what}: {message}", v, hint)
            return v.raw
        if v.kind == "str":
            value: str = v.value
            if not allow_empty and not value.strip():
                self.problem("E023", f"{what} is empty", v)
            return value
        if v.kind in ("int", "float"):
            return v.raw
        self.problem("E022", f"{what} must be text, not {_kind(v)}", v, 'put the text in quotes: "..."')
        return None

    def number(self, v: Value | None, what: str) -> int | None:
        if v is None or v.kind == "bad":
            return None
        if v.surprise:
            code, message, hint = surprise_message(v, "number")
            self.problem(code, f"{what}: {message}", v, hint)
            return None
        if v.kind == "int":
            number: int = v.value
            return number
        if v.kind == "float" and float(v.value).is_integer():
            return int(v.value)
        self.problem("E022", f"{what} must be a whole number, not {_kind(v)}", v)
        return None

    def flag(self, v: Value | None, what: str) -> bool:
        if v is None or v.kind == "bad":
            return False
        if v.kind == "bool":
            return bool(v.value)
        self.problem("E022", f"{what} must be true or false, not {_kind(v)}", v)
        return False

    def prose(self, v: Value | None, what: str) -> str | None:
        """`text` for words the player reads, warned (W126) when YAML cut them short at a ` #`."""
        value = self.text(v, what)
        if value is not None and v is not None:
            self.comment_cut(v, what)
        return value

    def comment_cut(self, v: Value, what: str) -> None:
        """W126: plain text (no quotes, no `|`) followed on its line by ` #` and a word: YAML
        reads `text: Drill #2 again` as the text `Drill` and a comment, and the player reads
        "Drill". A comment written as a comment (`# like this`, a space after the `#`) is left
        alone."""
        if v.style or v.kind != "str":
            return
        text = self.source.text
        eol = text.find("\n", v.end)
        rest = text[v.end : eol if eol != -1 else len(text)]
        comment = rest.lstrip(" \t")
        # A space, then `#` and at once a character that is not a space (`#2 again`): `# a note`
        # is a comment meant as one.
        if (
            comment == rest
            or len(comment) < 2
            or comment[0] != "#"
            or comment[1].isspace()
            or comment[1] == "#"
        ):
            return
        hash_at = v.end + len(rest) - len(comment)
        whole = (v.value + rest).rstrip()
        quoted = f'"{whole}"' if '"' not in whole else "'" + whole.replace("'", "''") + "'"
        self.problem(
            "W126",
            f"{what}: YAML reads `{comment.rstrip()}` as a comment, so the text ends at “{v.value}”",
            self.source.line_col(hash_at),
            f"put the whole text in quotes: write {quoted}, or put it in a `|` block",
        )

    def title(self, v: Value | None, what: str) -> str | None:
        """A text that a save keeps (a title, the version), so no longer than a save holds."""
        value = self.prose(v, what)
        if value is not None and v is not None and len(value) > limits.TITLE_CHARS:
            self.problem(
                "E009",
                f"{what} is {len(value):,} characters long; the limit is {limits.TITLE_CHARS}",
                v,
                "shorten it; the text of a scene is the place for more",
            )
            return value[: limits.TITLE_CHARS]
        return value

    def name(self, v: Value | None, what: str, pattern: re.Pattern[str] = NAME) -> str | None:
        raw = self.text(v, what)
        if raw is None or v is None:
            return None
        most = limits.SCENE_REF_CHARS if pattern is REF else limits.NAME_CHARS
        if len(raw) > most:  # a save must be able to hold it (engine/core/limits.py)
            self.problem(
                "E009",
                f"{what} is {len(raw):,} characters long; the limit is {most}",
                v,
                "choose a shorter name",
            )
            return None
        if not pattern.match(raw):
            self.problem("E024", f"{what} `{raw}` is not a valid name", v, _name_hint(raw, pattern))
            return None
        return raw

    def ref(self, v: Value | None, what: str) -> RefIR | None:
        raw = self.name(v, what, REF)
        return None if raw is None or v is None else (raw, v.line, v.col)

    # -- expressions and texts -------------------------------------------------------------

    def expression(self, v: Value | None, what: str) -> ExprIR | None:
        """`(source, line, col, tree)` for an expression written as a YAML scalar."""
        if v is None or v.kind == "bad":
            return None
        if v.kind in ("int", "float", "bool") and not v.surprise:
            literal = ex.Bool(v.value) if v.kind == "bool" else ex.Num(v.value)
            return (v.raw, v.line, v.col, ex.to_data(literal))
        written = self.text(v, what)
        found = None if written is None else self.expression_at(written, v, 0, what)
        if found is None:
            return None
        source, start, tree = found
        return self.expr_ir(v, start, source, ex.to_data(tree))

    def expression_at(self, source: str, v: Value, offset: int, what: str) -> tuple[str, int, ex.Node] | None:
        """`(source, start, tree)` for an expression at `offset` in the string value `v`, `start`
        being where its trimmed source starts in the value (for `expr_ir`)."""
        lead = len(source) - len(source.lstrip())
        try:
            tree = ex.parse(source.strip())
        except ex.ExprError as err:
            eline, ecol = self.source.locate(v, offset + lead + err.offset)
            self.problem(err.code, _at_column(what, err, source.strip()), (eline, ecol), err.hint)
            return None
        return (source.strip(), offset + lead, tree)

    def expr_ir(self, v: Value, start: int, source: str, data: ex.Data) -> ExprIR:
        """An expression's IR: where it starts in the file and, when its characters do not lie
        side by side from there, where they jump (see `Source.place`), found in one walk."""
        line, col, anchors = self.source.place(v, start, len(source))
        return (source, line, col, data, anchors) if anchors else (source, line, col, data)

    def template(self, v: Value | None, what: str) -> TemplateIR | None:
        """Paragraphs: a plain str each when unstyled and constant (the usual case, kept small
        for the cache), else a tuple of `(style, str)` and `(style, (source, line, col, tree))`."""
        raw = self.prose(v, what)
        if raw is None or v is None:
            return None
        pieces, problems = tpl.parse(raw)
        for p in problems:
            if isinstance(p, tpl.TemplateError):
                self.problem(p.code, f"{what}: {p.message}", self.source.locate(v, p.offset), p.hint)
            else:
                err, start, source = p
                where = self.source.locate(v, start + err.offset)
                self.problem(err.code, _at_column(what, err, source), where, err.hint)
        out: list[ParagraphIR] = []
        for para in pieces:
            if len(para) == 1 and para[0][0] == tpl.PLAIN and isinstance(para[0][1], str):
                out.append(para[0][1])
                continue
            out.append(self.pieces(para, v))
        return tuple(out)

    def pieces(self, para: list[tpl.Piece], v: Value) -> tuple[PieceIR, ...]:
        """A paragraph's (or a variation's fragment's) pieces, positions made absolute."""
        row: list[PieceIR] = []
        for style, value in para:
            if isinstance(value, str):
                row.append((style, value))
            elif isinstance(value, tpl.Variation):
                line, col = self.source.locate(v, value.offset)
                fragments = tuple(self.pieces(f, v) for f in value.fragments)
                row.append((style, (tpl.VARIATION_TAG, value.kind, line, col, fragments)))
            else:
                row.append((style, self.expr_ir(v, value.offset, value.source, ex.to_data(value.tree))))
        return tuple(row)

    # -- effects and routes ----------------------------------------------------------------

    def effects(self, v: Value | None) -> list[EffectIR]:
        """`(op, target, amount, flag value, line, col)` each; a constant amount is the number."""
        if v is None or v.kind == "bad":
            return []
        if v.kind != "map":
            self.problem("E022", f"effects must be a mapping such as `{{technique: +5}}`, not {_kind(v)}", v)
            return []
        out: list[EffectIR] = []
        for key, val in v.value.items():
            line, col = self.key_at(v, key)
            if key in ("set", "clear"):
                items = val.value if val.kind == "seq" else [val]
                for item in items:
                    flag = self.name(item, f"flag in `{key}`")
                    if flag is not None:
                        out.append(("flag", flag, None, key == "set", item.line, item.col))
                continue
            if not NAME.match(key):
                self.problem("E024", f"`{key}` is not a valid stat name", (line, col), _name_hint(key, NAME))
                continue
            if val.kind in ("bool", "null") and not val.surprise:
                self.flag_as_stat(v, key, val)
                continue
            effect = self.effect_amount(key, val)
            if effect is not None:
                op, amount = effect
                out.append((op, key, amount, False, line, col))
        return out

    def flag_as_stat(self, effects: Value, key: str, v: Value) -> None:
        """`{injured: true}`, or `{set: injured, tired}` (a list without brackets, which YAML
        reads as a key `tired` with no value): an effect that was meant for flags."""
        listed = next(
            (
                (word, other)
                for word in ("set", "clear")
                if (other := effects.value.get(word)) is not None and other.kind == "str"
            ),
            None,
        )
        if v.kind == "null" and listed is not None:
            word, other = listed
            hint = f"several flags make a list: write `{word}: [{other.value}, {key}]`"
        elif v.kind == "null":
            hint = f"give it a change such as +5; if `{key}` is a flag, write `set: [{key}]`"
        else:
            word = "set" if v.value else "clear"
            hint = f"a flag is made {str(bool(v.value)).lower()} with `{word}: [{key}]`"
        self.problem("E030", f'effect on `{key}` must be a number or text like "+5"', v, hint)

    def effect_amount(self, stat: str, v: Value) -> tuple[str, int | float | ExprIR] | None:
        """The op and amount of an effect on a stat: a number when constant, else an expression."""
        if v.kind == "bad":
            return None
        if v.kind in ("int", "float") and not v.surprise:
            return ("add", v.value)
        if v.kind != "str":
            if v.surprise:
                code, message, hint = surprise_message(v, "number")
                self.problem(code, f"effect on `{stat}`: {message}", v, hint)
            else:
                self.problem(
                    "E030", f'effect on `{stat}` must be a number or text like "+5"', v, _EFFECT_HINT
                )
            return None
        m = _EFFECT_SIGN.match(v.value)
        rest = v.value[m.end() :] if m is not None else ""
        body = rest.strip()
        if m is None or not body:
            self.problem(
                "E030", f'effect on `{stat}` is "{v.value}", which is not an effect', v, _EFFECT_HINT
            )
            return None
        sign = m.group(1)
        if body.endswith("%") and sign in ("+", "-"):
            amount = body[:-1].strip()
            self.problem(
                "E030",
                f'effect on `{stat}` is "{v.value}": a percentage is written before the sign',
                v,
                f'write "{sign}{amount}" to change it by {amount}, or "%{sign}{amount}" to move it {amount}% '
                f"of the room left to its limit",
            )
            return None
        op = {"=": "set", "+": "add", "-": "add", "%+": "fair", "%-": "fair"}[sign]
        start = m.end() + len(rest) - len(rest.lstrip())
        amount = self.expression_at(body, v, start, f"effect on `{stat}`")
        if amount is None:
            return None
        source, at, tree = amount
        if sign in ("-", "%-"):
            tree = ex.Num(-tree.value) if isinstance(tree, ex.Num) else ex.Neg(tree, 0)
        if isinstance(tree, ex.Num):
            return (op, tree.value)
        return (op, self.expr_ir(v, at, source, ex.to_data(tree)))

    def route(self, m: Value, what: str, *, allow_none: bool = False) -> RouteIR | None:
        """`(kind, target, after, line, col)`: the goto/call/return of a choice, outcome or branch."""
        keys = m.value
        goto, call, ret = keys.get("goto"), keys.get("call"), keys.get("return")
        if ret is not None:
            self.flag(ret, "`return`")
            if goto is not None or call is not None:
                other = "goto" if goto is not None else "call"
                self.problem("E028", f"{what} has both `return` and `{other}`", ret, "keep one of them")
            if ret.kind == "bool" and not ret.value:
                self.problem("E023", "`return: false` means nothing", ret, "remove it")
                return None
            return ("return", None, None, ret.line, ret.col)
        if call is not None:
            after = self.ref(goto, "`goto` target") if goto is not None else None
            return ("call", self.ref(call, "`call` target"), after, call.line, call.col)
        if goto is not None:
            return ("goto", self.ref(goto, "`goto` target"), None, goto.line, goto.col)
        if not allow_none:
            self.problem(
                "E021", f"{what} needs `goto`, `call` or `return`", m, "say where the story goes next"
            )
        return None

    # -- the file kinds --------------------------------------------------------------------

    def manifest(self, root: Value) -> ManifestIR | None:
        """The manifest's IR; None only when `root` is not a mapping (reported)."""
        if not self.mapping(
            root, "the manifest (story.yaml)", MANIFEST_KEYS, ("id", "title", "start", "stats")
        ):
            return None
        m = root.value

        def text(key: str) -> str:
            return self.text(m.get(key), f"`{key}`") or ""

        story_id = self.name(m.get("id"), "story id", STORY_ID)
        title = self.title(m.get("title"), "`title`") or ""
        protagonist, discipline = text("protagonist"), text("discipline")
        blurb, version, author = (
            text("blurb"),
            self.title(m.get("version"), "`version`") or "",
            text("author"),
        )
        manifest: ManifestIR = {
            "id": story_id,
            "title": title,
            "protagonist": protagonist,
            "discipline": discipline,
            "blurb": blurb,
            "version": version,
            "author": author,
            "start": self.ref(m.get("start"), "`start`"),
            "stats": self.stat_defs(m.get("stats")),
            "flags": self.flag_defs(m.get("flags")),
            "line": root.line,
            "col": root.col,
        }
        cast = self.cast(m.get("cast"))
        if cast:
            manifest["cast"] = cast
        return manifest

    def cast(self, v: Value | None) -> list[PersonIR]:
        """The people of the story, by id; the same `name` twice is reported here."""
        if v is None or v.kind == "bad":
            return []
        if v.kind != "map":
            self.problem("E022", f"`cast` must map each person's id to who they are, not {_kind(v)}", v)
            return []
        out: list[PersonIR] = []
        named: dict[str, int] = {}
        for pid, spec in v.value.items():
            at = self.key_at(v, pid)
            if not NAME.match(pid):
                self.problem("E024", f"person `{pid}` is not a valid name", at, _name_hint(pid, NAME))
                continue
            person: PersonIR = {
                "id": pid,
                "name": pid.replace("_", " ").title(),
                "role": "",
                "line": at[0],
                "col": at[1],
            }
            if spec.kind == "null":
                out.append(person)
                continue
            if not self.mapping(spec, f"person `{pid}`", PERSON_KEYS):
                continue
            p = spec.value
            person["name"] = self.text(p.get("name"), "`name`") or person["name"]
            person["role"] = self.text(p.get("role"), "`role`") or ""
            about = self.template(p.get("about"), "`about`")
            if about:
                person["about"] = about
            stat = self.ref(p.get("stat"), "relationship `stat`") if "stat" in p else None
            if stat is not None:
                person["stat"] = stat
            condition = self.expression(p.get("if"), "condition") if "if" in p else None
            if condition is not None:
                person["if"] = condition
            key = person["name"].casefold()
            if key in named:
                self.problem(
                    "E025",
                    f"`{person['name']}` is in the cast twice (first at line {named[key]})",
                    at,
                    "each person appears once: merge the two entries",
                )
                continue
            named[key] = at[0]
            out.append(person)
        return out

    def stat_defs(self, v: Value | None) -> list[StatIR]:
        if v is None:
            return []
        specs: list[tuple[str, Value, tuple[int, int]]]
        if v.kind == "seq" and v.value:
            # `stats: [technique, nerve]`, written like a list of flags: reported once, and each
            # name kept as a stat with the defaults, so that its uses are not "unknown" too.
            first = v.value[0].value if v.value[0].kind == "str" else "technique"
            self.problem(
                "E022",
                "`stats` must map each stat to its settings, not a list",
                v,
                f"write each stat on a line of its own with its start, such as `{first}: {{start: 30}}`"
                f" or just `{first}: 30`",
            )
            named = [(item, self.name(item, "stat")) for item in v.value]
            specs = [(sid, Value(0, i.line, i.col, "int"), (i.line, i.col)) for i, sid in named if sid]
        elif v.kind != "map":
            self.problem("E022", f"`stats` must map each stat to its settings, not {_kind(v)}", v)
            return []
        else:
            specs = [(sid, spec, self.key_at(v, sid)) for sid, spec in v.value.items()]
        out: list[StatIR] = []
        for sid, spec, at in specs:
            if not NAME.match(sid) or sid in RESERVED:
                self.problem("E024", f"stat `{sid}` {_name_trouble(sid)}", at, _name_hint(sid, NAME))
                self.left_out("stat", sid)
                continue
            label, help_ = sid.replace("_", " ").capitalize(), ""
            group = opposite = opposite_label = ""
            start: int | None = 0
            low, high = 0, 100
            if spec.kind == "map":
                self.mapping(spec, f"stat `{sid}`", STAT_KEYS)
                s = spec.value
                label = self.text(s.get("label"), "`label`") or label
                help_ = self.text(s.get("help"), "`help`") or ""
                group = self.text(s.get("group"), "`group`") or ""
                opposite, opposite_label = self.opposite(sid, s)
                start = self.number(s.get("start"), "`start`") if "start" in s else 0
                low = _or(self.number(s.get("min"), "`min`"), 0)
                high = _or(self.number(s.get("max"), "`max`"), 100)
            else:
                start = self.number(spec, f"stat `{sid}`")
            # A stat with a bad start or range is reported and kept (with a range and start that
            # make sense), so that its uses do not cascade into "unknown stat" errors.
            if start is None:
                start = low
            if not (low >= -ex.LIMIT and high <= ex.LIMIT):
                # Arithmetic saturates at +-LIMIT, so a larger value would be shown but never
                # computed with: `{big / 3}` of 10^21 would print 10^15.
                self.problem(
                    "E023",
                    f"stat `{sid}`: its range {low}..{high} goes beyond the arithmetic limit of"
                    f" ±{ex.LIMIT:,}",
                    spec,
                    f"keep `min` and `max` within ±{ex.LIMIT:,}, or count in larger units",
                )
                low, high = max(low, -ex.LIMIT), min(high, ex.LIMIT)
                start = min(max(start, low), high)
            if low >= high:
                self.problem("E023", f"stat `{sid}`: min {low} is not below max {high}", spec)
                low, high = min(low, high), max(low, high) + (low == high)
            if not low <= start <= high:
                self.problem("E023", f"stat `{sid}` starts at {start}, outside {low}..{high}", spec)
                start = min(max(start, low), high)
            out.append((sid, label, start, low, high, help_, at[0], at[1], group, opposite, opposite_label))
        return out

    def opposite(self, sid: str, s: dict[str, Value]) -> tuple[str, str]:
        """An opposed pair's other side: its id and label, or ("", "")."""
        v = s.get("opposite")
        if v is None:
            if "opposite_label" in s:
                self.problem(
                    "E028", "`opposite_label` only means something with `opposite`", s["opposite_label"]
                )
            return "", ""
        other = self.name(v, "`opposite`")
        if other is None:
            return "", ""
        if other in RESERVED or other == sid:
            why = "is reserved" if other in RESERVED else "is the stat itself"
            self.problem(
                "E024", f"opposite `{other}` {why}", v, "name the other side of the pair, e.g. `caution`"
            )
            return "", ""
        label = self.text(s.get("opposite_label"), "`opposite_label`") or other.replace("_", " ").capitalize()
        return other, label

    def flag_defs(self, v: Value | None) -> list[FlagIR]:
        if v is None:
            return []
        entries: list[tuple[str, Value | None, tuple[int, int]]] = []
        if v.kind == "seq":
            for item in v.value:
                fid = self.name(item, "flag")
                if fid is not None:
                    entries.append((fid, None, (item.line, item.col)))
        elif v.kind == "map":
            entries = [(k, spec, self.key_at(v, k)) for k, spec in v.value.items()]
        else:
            self.problem("E022", f"`flags` must be a list of names, not {_kind(v)}", v)
        out: list[FlagIR] = []
        for fid, spec, at in entries:
            if not NAME.match(fid) or fid in RESERVED:
                self.problem("E024", f"flag `{fid}` {_name_trouble(fid)}", at, _name_hint(fid, NAME))
                self.left_out("flag", fid)
                continue
            label, help_ = fid.replace("_", " "), ""
            if spec is not None:
                if spec.kind == "map":
                    self.mapping(spec, f"flag `{fid}`", FLAG_KEYS)
                    label = self.text(spec.value.get("label"), "`label`") or label
                    help_ = self.text(spec.value.get("help"), "`help`") or ""
                elif spec.kind != "null":
                    label = self.text(spec, f"flag `{fid}`") or label
            out.append((fid, label, help_, at[0], at[1]))
        return out

    def chapter_file(self, root: Value, out: FileIR) -> None:
        """Fill in a chapter file's chapter, scenes and grafts."""
        tests = [k for k in ("paths", "personas") if root.kind == "map" and k in root.value]
        if tests and not any(k in root.value for k in CHAPTER_KEYS):
            # A story test file outside `tests/` (`test/paths.yaml`): said once, not read as a
            # chapter whose `paths:` is a misspelt `stats:`.
            self.problem(
                "E020",
                f"`{tests[0]}:` belongs in a story test file, which the loader reads only in the"
                f" `{TESTS_FOLDER}` folder",
                self.key_at(root, tests[0]),
                f"move this file into the `{TESTS_FOLDER}` folder at the top of the story folder",
            )
            return
        self.scenes_outside_scenes(root)
        if not self.mapping(root, "a chapter file", CHAPTER_KEYS):
            return
        m = root.value
        scenes = m.get("scenes")
        if scenes is not None or "chapter" in m:
            cid = self.name(m.get("chapter"), "chapter name") if "chapter" in m else None
            if "chapter" not in m:
                self.problem(
                    "E021", "a file with scenes needs `chapter: name`", root, "scene ids are chapter.scene"
                )
            phase_v = m.get("phase")
            phase = self.text(phase_v, "`phase`") if phase_v is not None else "training"
            if phase_v is not None and phase is not None and phase not in PHASES:
                self.problem(
                    "E023",
                    f"phase `{phase}` is not one of {', '.join(PHASES)}",
                    phase_v,
                    did_you_mean(phase, PHASES),
                )
            title = self.title(m.get("title"), "chapter `title`") or (cid or "").replace("_", " ").title()
            at = self.key_at(root, "chapter")
            chapter: ChapterIR = {"id": cid, "phase": phase, "title": title, "line": at[0], "col": at[1]}
            out["chapter"] = chapter
        if scenes is not None:
            if scenes.kind != "map":
                self.problem("E022", f"`scenes` must map scene names to scenes, not {_kind(scenes)}", scenes)
            else:
                self.scenes_indented_under_others(scenes)
                for name, body in scenes.value.items():
                    at = self.key_at(scenes, name)
                    self.scene = f"{out['chapter']['id']}.{name}" if out["chapter"] is not None else name
                    if not NAME.match(name):
                        self.problem(
                            "E024", f"scene name `{name}` is not a valid name", at, _name_hint(name, NAME)
                        )
                        self.left_out("scene", name)
                    else:
                        out["scenes"].append(self.scene_body(name, body, at))
                    self.scene = None
        graft = m.get("graft")
        if graft is not None:
            out["grafts"] = self.grafts(graft)
        # A branch remembers its own choices: its stats and flags join the story's at link.
        stats, flags = self.stat_defs(m.get("stats")), self.flag_defs(m.get("flags"))
        if stats:
            out["stats"] = stats
        if flags:
            out["flags"] = flags
        if scenes is None and graft is None:
            self.problem("E021", "a chapter file needs `scenes` (or `graft` for a branch)", root)

    def scenes_outside_scenes(self, root: Value) -> None:
        """A scene indented as little as `scenes:` itself is a key of the file, after the scenes:
        said once (E020), and read as the scene it was meant to be."""
        scenes = root.value.get("scenes") if root.kind == "map" else None
        if scenes is None or scenes.kind != "map" or not scenes.value:
            return
        indent = min(col for _, col in scenes.key_pos.values()) - 1
        for key in [k for k in root.value if k not in CHAPTER_KEYS]:
            body = root.value[key]
            if not _looks_like_a_scene(key, body) or key in scenes.value:
                continue
            at = self.key_at(root, key)
            self.problem(
                "E020",
                f"scene `{key}` is not indented under `scenes:`, so YAML reads it as a key of the file",
                at,
                f"indent `{key}` and its lines {indent} spaces, like the scenes above it",
            )
            del root.value[key]
            scenes.value[key] = body
            scenes.key_pos[key] = at

    def scenes_indented_under_others(self, scenes: Value) -> None:
        """A scene indented further than its neighbours is read by YAML as a key of the scene
        above it. Said once (E020, with the indentation to write), and read as the scene it was
        meant to be, so that a `goto` to it is not "missing" too."""
        out: dict[str, Value] = {}
        key_pos = dict(scenes.key_pos)
        for name, body in scenes.value.items():
            out.setdefault(name, body)
            if body.kind != "map":
                continue
            for key in [k for k in body.value if k not in SCENE_KEYS]:
                inner = body.value[key]
                if not _looks_like_a_scene(key, inner) or key in out or key in scenes.value:
                    continue
                line, col = self.key_at(body, key)
                outer = self.key_at(scenes, name)[1]
                self.problem(
                    "E020",
                    f"scene `{key}` is indented under scene `{name}`, so YAML reads it as a key of `{name}`",
                    (line, col),
                    f"a scene's name is indented {outer - 1} spaces, like `{name}`: move `{key}` and"
                    f" its lines {col - outer} spaces to the left",
                )
                del body.value[key]
                body.key_pos.pop(key, None)
                out[key] = inner
                key_pos[key] = (line, col)
        if len(out) != len(scenes.value):
            scenes.value = out
            scenes.key_pos = key_pos

    def scene_body(self, name: str, v: Value, at: tuple[int, int]) -> SceneIR:
        """A scene's IR. Keys left at their default (no title, no effects...) are omitted."""
        scene: SceneIR = {"name": name, "line": at[0], "col": at[1]}
        if not self.mapping(v, f"scene `{name}`", SCENE_KEYS):
            return scene
        m = v.value
        title = self.title(m.get("title"), "scene `title`")
        text = self.template(m.get("text"), "text")
        revisit = self.template(m.get("revisit"), "revisit")
        milestone = self.template(m.get("milestone"), "milestone")
        effects = self.effects(m.get("effects"))
        label = self.prose(m.get("continue"), "`continue`")
        if title:
            scene["title"] = title
        if text:
            scene["text"] = text
        if revisit:
            scene["revisit"] = revisit
            if "text" not in m:
                self.problem(
                    "E028",
                    "`revisit` is the text of a return visit; this scene has no `text`",
                    self.key_at(v, "revisit"),
                    "give the scene a `text` for its first visit",
                )
        if milestone:
            scene["milestone"] = milestone
        if effects:
            scene["effects"] = effects
        if label:
            scene["continue"] = label
        exits = [k for k in ("choices", "next", "return", "ending") if k in m]
        if len(exits) > 1:
            self.problem(
                "E028",
                f"scene has both `{exits[0]}` and `{exits[1]}`",
                self.key_at(v, exits[1]),
                "a scene ends in exactly one way: choices, next, return or ending",
            )
        elif not exits:
            self.problem(
                "E057",
                f"scene `{name}` has no way out",
                at,
                "give it `choices`, `next`, `return: true` or an `ending`",
            )
        if "choices" in m:
            scene["choices"] = self.choices(m["choices"])
        if "next" in m:
            scene["next"] = self.next_(m["next"])
        if "return" in m and self.flag(m["return"], "`return`"):
            r = m["return"]
            scene["next"] = [(None, ("return", None, None, r.line, r.col), r.line, r.col)]
        if "ending" in m:
            scene["ending"] = self.ending(m["ending"])
        if "text" not in m and ("choices" in m or "ending" in m):
            self.problem(
                "E021", f"scene `{name}` needs `text`", at, "only a scene that passes straight on may skip it"
            )
        if "continue" in m and "next" not in m and "return" not in m:  # a `next` that failed is reported
            self.problem(
                "E028",
                "`continue` labels the button of `next`; this scene has no `next`",
                self.key_at(v, "continue"),
            )
        return scene

    def ending(self, v: Value) -> EndingIR | None:
        if not self.mapping(v, "`ending`", ENDING_KEYS, ("title", "tone")):
            return None
        title = self.title(v.value.get("title"), "ending `title`")
        tone_v = v.value.get("tone")
        tone = self.text(tone_v, "ending `tone`")
        if tone_v is not None and tone is not None and tone not in TONES:
            self.problem(
                "E023", f"tone `{tone}` is not one of {', '.join(TONES)}", tone_v, did_you_mean(tone, TONES)
            )
        ending: EndingIR = {"title": title or "", "tone": tone or "", "line": v.line, "col": v.col}
        hint = self.title(v.value.get("hint"), "ending `hint`")
        if hint:
            ending["hint"] = hint
        return ending

    def choices(self, v: Value) -> list[ChoiceIR]:
        if v.kind == "bad":
            return []
        if v.kind != "seq":
            self.problem("E022", f"`choices` must be a list (lines starting with `- `), not {_kind(v)}", v)
            return []
        if not v.value:
            self.problem("E023", "`choices` is empty", v, "give at least one choice, or use `next`")
        return [c for c in (self.choice(item) for item in v.value) if c is not None]

    def choice(self, v: Value) -> ChoiceIR | None:
        if not self.mapping(v, "a choice", CHOICE_KEYS, ("text",)):
            return None
        m = v.value
        written = m.get("text")
        text = self.template(written, "choice text")
        explicit = m.get("id")
        cid = self.name(explicit, "choice id", CHOICE_ID) if explicit is not None else None
        if cid is None and text is not None and written is not None:
            cid = slug(written.value if written.kind == "str" else written.raw)
        choice: ChoiceIR = {"id": cid or "", "line": v.line, "col": v.col, "text": text}
        # Defaults are left out of the IR: most choices have no `if`, `chance` or `reason`.
        condition = self.expression(m.get("if"), "condition") if "if" in m else None
        locked = self.flag(m.get("locked"), "`locked`")
        reason = self.prose(m.get("reason"), "`reason`")
        milestone = self.template(m.get("milestone"), "milestone")
        effects = self.effects(m.get("effects"))
        if condition:
            choice["if"] = condition
        if locked:
            choice["locked"] = locked
        if reason:
            choice["reason"] = reason
        if milestone:
            choice["milestone"] = milestone
        if effects:
            choice["effects"] = effects
        if "once" in m and self.flag(m["once"], "`once`"):
            choice["once"] = True
        if "fallback" in m and self.flag(m["fallback"], "`fallback`"):
            choice["fallback"] = True
            if "if" in m:
                self.problem(
                    "E028",
                    "a `fallback` choice appears when no other choice is open; it cannot have an `if`",
                    self.key_at(v, "if"),
                    "remove the `if`, or make this an ordinary choice without `fallback: true`",
                )
        tags = self.tags(m.get("tags"))
        if tags:
            choice["tags"] = tags
        for key in ("locked", "reason"):
            if key in m and "if" not in m:
                self.problem("E028", f"`{key}` only means something with an `if`", self.key_at(v, key))
        if "chance" in m:
            for key in ("goto", "call", "return"):
                if key in m:
                    self.problem(
                        "E028",
                        f"a chance choice goes on from `success` and `failure`, not `{key}`",
                        self.key_at(v, key),
                    )
            sides: dict[str, OutcomeIR | None] = {}
            for side in ("success", "failure"):
                if side not in m:
                    self.problem("E021", f"a choice with `chance` needs `{side}`", v)
                else:
                    sides[side] = self.outcome(m[side], side)
            expr = self.expression(m["chance"], "chance")
            success, failure = sides.get("success"), sides.get("failure")
            if expr is not None and success and failure:
                chance: ChanceIR = {"expr": expr, "success": success, "failure": failure}
                choice["chance"] = chance
        elif sides_written := [side for side in ("success", "failure") if side in m]:
            # One omission, one problem: the choice's way on is in its sides, so no "needs `goto`".
            named = " and ".join(f"`{side}`" for side in sides_written)
            self.problem(
                "E028",
                f"{named} need{'s' * (len(sides_written) == 1)} a `chance`",
                self.key_at(v, sides_written[0]),
                "add `chance:` with the percent chance of success, for example `chance: 50`",
            )
        else:
            route = self.route(v, "a choice")
            if route:
                choice["route"] = route
        return choice

    def tags(self, v: Value | None) -> list[str]:
        """A choice's `tags`: names for story tests' personas and `simulate`'s report, in order,
        each once. One name alone is read as a list of one, as `set:` reads its flags."""
        if v is None or v.kind == "bad":
            return []
        if v.kind not in ("seq", "str"):
            self.problem(
                "E022", f"`tags` must be a list of names such as `[ambitious, family]`, not {_kind(v)}", v
            )
            return []
        out: list[str] = []
        for item in v.value if v.kind == "seq" else [v]:
            tag = self.name(item, "tag")
            if tag is not None and tag not in out:
                out.append(tag)
        return out

    def outcome(self, v: Value, side: str) -> OutcomeIR | None:
        if not self.mapping(v, f"`{side}`", OUTCOME_KEYS):
            return None
        route = self.route(v, f"`{side}`")
        if route is None:
            return None
        return {
            "text": self.template(v.value.get("text"), f"{side} text"),
            "milestone": self.template(v.value.get("milestone"), "milestone"),
            "effects": self.effects(v.value.get("effects")),
            "route": route,
            "line": v.line,
            "col": v.col,
        }

    def next_(self, v: Value) -> list[BranchIR]:
        """`(condition, route, line, col)` for each branch, in order."""
        if v.kind == "bad":
            return []
        if v.kind in ("str", "int", "float") or v.surprise:
            target = self.ref(v, "`next`")
            if target is None:
                return []
            return [(None, ("goto", target, None, v.line, v.col), v.line, v.col)]
        items = v.value if v.kind == "seq" else [v]
        out: list[BranchIR] = []
        for item in items:
            if not self.mapping(item, "a `next` branch", BRANCH_KEYS):
                continue
            route = self.route(item, "a `next` branch")
            if route is not None:
                cond = self.expression(item.value.get("if"), "condition") if "if" in item.value else None
                out.append((cond, route, item.line, item.col))
        return out

    def grafts(self, v: Value) -> list[GraftIR]:
        if v.kind != "map":
            self.problem("E022", f"`graft` must map scene ids to lists of choices, not {_kind(v)}", v)
            return []
        out: list[GraftIR] = []
        for ref, body in v.value.items():
            at = self.key_at(v, ref)
            if not REF.match(ref):
                self.problem("E024", f"graft target `{ref}` is not a scene id", at, "write chapter.scene")
                continue
            self.scene = ref
            out.append({"scene": ref, "line": at[0], "col": at[1], "choices": self.choices(body)})
            self.scene = None
        return out


def _looks_like_a_scene(key: str, v: Value) -> bool:
    """A key that names a scene, not one of the format's, with a scene's way on under it."""
    return (
        key not in EVERY_KEY
        and bool(NAME.match(key))
        and v.kind == "map"
        and any(k in v.value for k in ("text", "choices", "next", "ending", "return"))
    )


def _at_column(what: str, err: ex.ExprError, source: str) -> str:
    """`what`: message, at column N of `the expression` (shortened when long)."""
    shown = source if len(source) <= 48 else source[:45] + "..."
    return f"{what}: {err.message}, at column {err.offset + 1} of `{shown}`"


_EFFECT_HINT = 'write +5, -5, "=50" (set), "%+20" or "%-20" (fairmath)'


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _kind(v: Value) -> str:
    return {
        "seq": "a list",
        "map": "a mapping",
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "null": "nothing",
        "bad": "an invalid value",
    }[v.kind]


def _name_trouble(name: str) -> str:
    """Why a stat or flag cannot have this name."""
    if name not in RESERVED:
        return "is not a valid name"
    detour = ex.DETOUR_NAMES.get(name)
    if detour is not None:
        return f"is reserved: expressions read it as {detour.doc}"
    return "is reserved"


def _without_braces(text: str) -> str:
    """`text` with each `{...}` replaced by a space, as `re.sub(r"\\{[^}]*\\}", " ", text)` did,
    but in one pass: that pattern rescanned the rest of the text from every `{` without a `}`."""
    out: list[str] = []
    i = 0
    while (start := text.find("{", i)) != -1 and (end := text.find("}", start)) != -1:
        out += (text[i:start], " ")
        i = end + 1
    out.append(text[i:])
    return "".join(out)


def _name_hint(raw: str, pattern: re.Pattern[str]) -> str:
    """The naming rule, with an example only when it is valid, new, and keeps every letter the
    author wrote (engine/load/name_hints.py says why)."""
    if raw in RESERVED and pattern.match(raw):
        return f"choose another name, for example `my_{raw}`"
    names = [part.strip() for part in raw.split(",")]
    if len(names) > 1 and all(NAME.match(n) for n in names):
        return f"several names make a list: write `[{', '.join(names)}]`"
    rule = "lower-case letters, digits and `_`, starting with a letter"
    suggestion = example_name(raw, dotted=pattern is REF)
    if suggestion is None or not pattern.match(suggestion):
        return rule
    return f"{rule}; for example `{suggestion}`"


def parse_file(data: bytes, manifest: bool) -> FileIR:
    """The IR of one file. Never raises: problems are in `ir["problems"]`."""
    result = read(data)
    parser = FileParser(result.source)
    for p in result.problems:
        parser.problems.append((p.code, p.message, p.line, p.col, None, p.hint))
    ir: FileIR = {
        "v": IR_VERSION,
        "manifest": None,
        "chapter": None,
        "scenes": [],
        "grafts": [],
        "problems": parser.problems,
    }
    root = result.root
    if root is not None and root.kind != "bad":  # a bad root was reported when it was read
        if root.kind != "map":
            parser.problem(
                "E004", f"the top level must be a mapping of `key: value` lines, not {_kind(root)}", root
            )
        elif manifest:
            ir["manifest"] = parser.manifest(root)
        else:
            parser.chapter_file(root, ir)
    if parser.lost:
        ir["lost"] = parser.lost
    return ir
