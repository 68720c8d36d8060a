"""Read one YAML file safely into values that remember where they came from.

PyYAML is used only to compose a node tree (never to construct objects), with libyaml's C
parser when it is installed. The tree is then converted by hand, which is where the YAML
hazards are caught: tags that would construct objects (`!!python/...`), duplicate keys,
anchors and aliases (and with them "billion laughs"), YAML 1.1 surprises (`no` read as false,
`1:30` as 90, `012` as 10, a date), oversized text, and nesting deep enough to crash libyaml's
recursive composer (it segfaults somewhere between 20,000 and 50,000 levels, so depth is
bounded before libyaml ever sees the text).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.core import limits
from engine.core.diagnostics import did_you_mean
from engine.core.textsafe import clean, has_unsafe, visible
from engine.load.yaml_words import explain


def _yaml() -> tuple[Any, Any]:
    """PyYAML and its fastest safe loader, imported on first use: a story loaded from the parse
    cache never reads YAML, and the import costs ~40 ms of the game's start-up."""
    import yaml

    try:  # libyaml's C parser is ~5x faster and still gives line/column marks
        return yaml, yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        return yaml, yaml.SafeLoader


MAX_FILE_BYTES = limits.STORY_FILE_BYTES
MAX_SCALAR_CHARS = limits.TEXT_CHARS
MAX_NESTING = limits.NESTING
_SAFE_COMPOSE_DEPTH = 1_000  # far below the depth where libyaml's composer overflows the stack

_T = "tag:yaml.org,2002:"
_BOOL_WORDS = {"true", "false"}
_PLAIN_INT = re.compile(r"\A[-+]?(?:0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"\A[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)\Z")


@dataclass(slots=True)
class Value:
    """A YAML value with its position (1-based line and column) and how it was written.

    `value` is a str, int, float, bool or None for scalars, a list of Values for sequences and
    a dict of key -> Value for mappings (with `key_pos` giving each key's position).
    `surprise` names a YAML 1.1 reading the author probably did not mean; `raw` is the scalar
    exactly as written, for the hint.
    """

    value: Any
    line: int
    col: int
    kind: str  # str | int | float | bool | null | seq | map | bad (already reported: stay silent)
    raw: str = ""
    surprise: str | None = None
    style: str | None = None
    start: int = 0  # character index of the node in the file text
    end: int = 0
    key_pos: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    line: int
    col: int
    hint: str | None = None


_NEWLINE = re.compile("\n")  # where each line ends, for Source.line_col


class Source:
    """The text of one file, for mapping offsets inside a scalar back to line and column."""

    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None  # where each line starts, built when first needed

    def locate(self, v: Value, offset: int) -> tuple[int, int]:
        """Line and column in the file of character `offset` of string value `v`.

        Exact for single-line scalars and for literal (`|`) and folded (`>`) blocks; for
        other multi-line forms the nearest match is used. Scalar values differ from their
        source by indentation, folding and escapes, so the value is walked against the source
        character by character, matching non-space characters.
        """
        return self.locate_all(v, (offset,))[0]

    def locate_all(self, v: Value, offsets: Sequence[int]) -> list[tuple[int, int]]:
        """`locate` for each of `offsets` (ascending), in one walk of the value."""
        if not isinstance(v.value, str):
            return [(v.line, v.col)] * len(offsets)
        return [self.line_col(at) for at in self._walk(v, offsets)]

    def _walk(self, v: Value, offsets: Sequence[int]) -> list[int]:
        """The index in the file text of each of `offsets` (ascending) of the string value `v`."""
        direct = self._direct(v, offsets)
        if direct is not None:
            return direct
        text, value = self.text, v.value
        i = v.start
        if v.style in ("|", ">"):
            nl = text.find("\n", i)
            i = nl + 1 if nl != -1 else i
        elif v.style in ("'", '"'):
            i += 1
        end = max(v.end, i)
        found: list[int] = []
        n = len(offsets)
        if n == 0:
            return found
        want, find = offsets[0], text.find
        for k, ch in enumerate(value):
            if ch.isspace():
                continue
            j = find(ch, i, end)
            if j == -1:
                break
            i = j
            while k >= want:
                found.append(i)
                if len(found) == n:
                    return found
                want = offsets[len(found)]
            i += 1
        found += [i] * (n - len(found))
        return found

    def _direct(self, v: Value, offsets: Sequence[int]) -> list[int] | None:
        """`_walk`'s answer worked out rather than walked, for the two forms nearly every text
        is written in: a scalar on one line that reads as written (a plain or quoted value with
        no escapes), and a literal `|` block, whose lines are the file's lines less their
        indentation. Each place is checked against the file; None sends the value to the walk.
        """
        text, value = self.text, v.value
        assert isinstance(value, str)
        style = v.style
        if style == "|":
            starts = self._line_starts()
            first = text.find("\n", v.start) + 1
            if first == 0:
                return None
            base = bisect.bisect_right(starts, first) - 1  # the index of the block's first line
            found: list[int] = []
            for at in offsets:
                if not 0 <= at < len(value) or value[at].isspace():
                    return None  # a space is placed where the walk places it: at what follows
                k = value.count("\n", 0, at)
                if base + k >= len(starts):
                    return None
                v_start = value.rfind("\n", 0, at) + 1
                v_end = value.find("\n", at)
                v_end = len(value) if v_end == -1 else v_end
                s_start = starts[base + k]
                s_end = text.find("\n", s_start)
                s_end = len(text) if s_end == -1 else s_end
                if s_end > s_start and text[s_end - 1] == "\r":
                    s_end -= 1
                indent = (s_end - s_start) - (v_end - v_start)
                i = s_start + indent + (at - v_start)
                if indent < 0 or text[i : i + 1] != value[at]:
                    return None
                found.append(i)
            return found
        if not style or style in ("'", '"'):
            i = v.start + (style in ("'", '"'))
            if "\n" in value or not text.startswith(value, i):
                return None
            if any(not 0 <= at < len(value) or value[at].isspace() for at in offsets):
                return None
            return [i + at for at in offsets]
        return None

    def place(self, v: Value, start: int, length: int) -> tuple[int, int, tuple[int, ...]]:
        """Where the `length` characters of `v` from `start` (an expression, which starts with
        a non-space) are in the file: the line and column of the first, and the places where
        the rest stop lying side by side on one line (a line break, an escape such as `\\"`,
        folded indentation), as a flat run of `(offset, line, col)`, empty when they never do.

        An expression keeps these in the IR, so that a problem found at link time (an unknown
        name on the second line of a condition) is reported where it is written, not at the
        expression's start plus its offset. One walk of the value finds them all."""
        value = v.value
        if not isinstance(value, str):
            return v.line, v.col, ()
        text = self.text
        wanted = [start + k for k in range(length) if not value[start + k].isspace()] or [start]
        indices = self._walk(v, wanted)
        out: list[int] = []
        last_k, last_i = wanted[0] - start, indices[0]
        for at, i in zip(wanted[1:], indices[1:], strict=True):
            k = at - start
            if i - last_i != k - last_k or "\n" in text[last_i:i]:
                out += (k, *self.line_col(i))
            last_k, last_i = k, i
        line, col = self.line_col(indices[0])
        return line, col, tuple(out)

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return self._starts

    def line_col(self, at: int) -> tuple[int, int]:
        starts = self._line_starts()
        line = bisect.bisect_right(starts, at)
        return line, at - starts[line - 1] + 1


class ReadResult:
    __slots__ = ("problems", "root", "source")

    def __init__(self, root: Value | None, problems: list[Problem], source: Source):
        self.root, self.problems, self.source = root, problems, source


def read(data: bytes) -> ReadResult:
    """Parse file bytes. Never raises: every problem comes back in `problems`."""
    problems: list[Problem] = []
    empty = Source("")
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(
                "E009",
                f"file is {len(data) / 1e6:.1f} MB; story files may be at most {MAX_FILE_BYTES / 1e6:.0f} MB",
                1,
                1,
                "split it into several chapter files",
            )
        )
        return ReadResult(None, problems, empty)
    if b"\x00" in data:
        return ReadResult(None, [Problem("E002", "this is a binary file, not YAML text", 1, 1)], empty)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return ReadResult(
            None, [Problem("E002", "file is not UTF-8 text", line, col, "save it as UTF-8")], empty
        )
    source = Source(text)
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return ReadResult(
            None, [Problem("E003", "file is empty", 1, 1, "remove it or give it content")], source
        )
    yaml, loader = _yaml()
    deep = _too_deep(text, yaml, loader)
    if deep is not None:
        return ReadResult(None, [deep], source)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(err.problem or err.context or "could not parse the YAML").split())
        if err.context and err.problem:
            message = f"{' '.join(err.context.split())}: {message}"
        plain = explain(text, err, yaml, loader)
        if plain is not None:
            return ReadResult(
                None, [Problem("E001", plain.message, plain.line, plain.col, plain.hint)], source
            )
        return ReadResult(None, [Problem("E001", message, line, col, _yaml_hint(message))], source)
    except yaml.reader.ReaderError as err:
        at = max(0, min(int(err.position), len(text)))
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        char = err.character if isinstance(err.character, int) else ord(str(err.character)[:1] or " ")
        return ReadResult(
            None,
            [
                Problem(
                    "E012", f"character U+{char:04X} is not allowed in a story file", line, col, "delete it"
                )
            ],
            source,
        )
    except yaml.YAMLError as err:
        return ReadResult(None, [Problem("E001", " ".join(str(err).split()), 1, 1)], source)
    except RecursionError:  # pragma: no cover - guarded by _too_deep
        return ReadResult(None, [Problem("E010", "YAML nests too deeply", 1, 1)], source)
    if node is None:
        return ReadResult(
            None, [Problem("E003", "file is empty", 1, 1, "remove it or give it content")], source
        )
    converter = _Converter(problems, yaml, text)
    root = converter.convert(node, 0)
    if converter.too_deep:  # the file's shape is lost: report the depth alone
        return ReadResult(None, [p for p in problems if p.code == "E010"][:1], source)
    return ReadResult(root, problems, source)


def _yaml_hint(message: str) -> str | None:
    if "mapping values are not allowed" in message:
        return "a text with `: ` in it needs quotes, or a `|` block"
    if "found character '\\t'" in message or "tab" in message:
        return "indent with spaces, not tabs"
    if "expected a single document" in message:
        return "a story file holds one document; remove the extra `---`"
    if "found undefined alias" in message or "found unhashable key" in message:
        return None
    if "could not find expected ':'" in message:
        return "check the indentation of the line above, or quote the text"
    return None


_INNERMOST = re.compile(r"\{[^{}\[\]]*\}|\[[^{}\[\]]*\]")  # a bracketed run with no bracket inside


def _flow_depth_bound(text: str) -> int:
    """An upper bound of how deep brackets nest in the text: how many rounds of removing the
    innermost bracketed runs it takes until none is left, plus every bracket left unmatched.
    Story text is full of brackets that never nest (`{technique}`, `effects: {grace: +2}`), so
    this is a few rounds of a regex, where counting every bracket would send most files to the
    exact (and much slower) measure. After a few rounds it gives up and counts them all."""
    for rounds in range(4):
        text, removed = _INNERMOST.subn("", text)
        if not removed:
            return rounds + text.count("[") + text.count("{")
    return 4 + text.count("[") + text.count("{")


def _too_deep(text: str, yaml: Any, loader: Any) -> Problem | None:
    """A Problem if the text nests deeper than MAX_NESTING, checked without libyaml's composer.

    A cheap upper bound settles almost every file: nesting needs a bracket, or indentation, or a
    `- `/`? `/`: ` indicator on the same line. Only when that bound is high is the depth measured
    exactly, from libyaml's event stream, stopping as soon as the limit is passed.
    """
    flow = _flow_depth_bound(text)
    if flow < _SAFE_COMPOSE_DEPTH // 2:
        widest = 0
        for line in text.splitlines():
            stripped = line.lstrip(" ")
            bound = 2 * (len(line) - len(stripped) + 1) + stripped.count("- ") + stripped.count("? ")
            bound += stripped.count(": ")
            widest = max(widest, bound)
        if flow + widest < _SAFE_COMPOSE_DEPTH:
            return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    mark = event.start_mark
                    return Problem(
                        "E010",
                        f"YAML nests more than {MAX_NESTING} levels deep",
                        mark.line + 1,
                        mark.column + 1,
                        "a story file needs only a few levels; flatten it",
                    )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # compose will report the syntax error with its position
    return None


class _Converter:
    def __init__(self, problems: list[Problem], yaml: Any, text: str = ""):
        self.problems = problems
        self.yaml = yaml
        self.text = text
        self.seen: set[int] = set()
        self.too_deep = False

    def problem(self, code: str, message: str, node: Any, hint: str | None = None) -> None:
        mark = node.start_mark
        self.problems.append(Problem(code, message, mark.line + 1, mark.column + 1, hint))

    def convert(self, node: Any, depth: int, user: Any = None) -> Value:
        """Convert a node; `user` is the key or sequence that holds it (where an alias is written)."""
        mark = node.start_mark
        line, col = mark.line + 1, mark.column + 1
        if id(node) in self.seen:
            at = user or node
            self.problem(
                "E011", "anchors and aliases (`&name`, `*name`) are not supported", at, "write it out"
            )
            return Value(None, at.start_mark.line + 1, at.start_mark.column + 1, "bad")
        self.seen.add(id(node))
        if depth > MAX_NESTING:
            self.problem("E010", f"YAML nests more than {MAX_NESTING} levels deep", node)
            self.too_deep = True
            return Value(None, line, col, "bad")
        tag = node.tag
        if isinstance(node, self.yaml.ScalarNode):
            return self.scalar(node, line, col)
        if isinstance(node, self.yaml.SequenceNode):
            if tag != _T + "seq":
                self.bad_tag(node)
                return Value(None, line, col, "bad")
            items = [
                self.convert(part, depth + 1, node) for child in node.value for part in self.items(child)
            ]
            return Value(items, line, col, "seq", start=mark.index, end=node.end_mark.index)
        if tag != _T + "map":
            self.bad_tag(node)
            return Value(None, line, col, "bad")
        mapping: dict[str, Value] = {}
        key_pos: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            value = self.convert(value_node, depth + 1, key_node)
            if key is None:
                continue
            if key in mapping:
                first = key_pos[key]
                self.problem("E006", f"duplicate key `{key}` (first at line {first[0]})", key_node)
                continue
            mapping[key] = value
            key_pos[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return Value(mapping, line, col, "map", start=mark.index, end=node.end_mark.index, key_pos=key_pos)

    def items(self, node: Any) -> list[Any]:
        """An item of a block list, split where a key comes again at the column of its first key
        and the item's first key comes again from there on: a second choice written without its
        `- ` merges into the one above it, and YAML sees `text` twice. Said once (E006, with the
        `- ` to write); each part is then read as an item of its own, so the second choice's
        keys are not duplicates too. (`effects` twice in one choice has no second `text`: it is
        a plain duplicate key.)"""
        if not isinstance(node, self.yaml.MappingNode) or node.flow_style or not node.value:
            return [node]
        column = node.value[0][0].start_mark.column
        seen: set[object] = set()
        for i, (key_node, _) in enumerate(node.value):
            key = key_node.value if isinstance(key_node, self.yaml.ScalarNode) else None
            if key is None or not isinstance(key, str):
                return [node]
            if (
                key in seen
                and key_node.start_mark.column == column
                and any(k.value == node.value[0][0].value for k, _ in node.value[i:])
            ):
                mark = key_node.start_mark
                eol = self.text.find("\n", mark.index)
                written = self.text[mark.index : eol if eol != -1 else len(self.text)].split(" #")[0].rstrip()
                first = next(k for k, _ in node.value if k.value == key).start_mark.line + 1
                self.problem(
                    "E006",
                    f"duplicate key `{key}` in one item of the list (first at line {first}): the item"
                    " from here on has no `- ` of its own",
                    key_node,
                    f"if a new item starts here, it needs its `- `: write `- {written}`, the `- ` under"
                    " the one above",
                )
                head = self.yaml.MappingNode(
                    node.tag, node.value[:i], node.start_mark, node.value[i - 1][1].end_mark
                )
                tail = self.yaml.MappingNode(node.tag, node.value[i:], mark, node.end_mark)
                return [head, *self.items(tail)]
            seen.add(key)
        return [node]

    def bad_tag(self, node: Any) -> None:
        tag = node.tag.replace(_T, "!!")
        hint = "remove the tag"
        word = tag[1:]
        if not tag.startswith("!!") and word and word.replace("_", "a").isalnum():
            # `if: !injured`: a `!` meant as "not", which YAML reads as a tag
            hint = f"a value that starts with `!` is a YAML tag: to say not, write `not {word}`"
        self.problem("E005", f"tag `{tag}` is not allowed in a story file", node, hint)

    def key(self, node: Any) -> str | None:
        if not isinstance(node, self.yaml.ScalarNode):
            self.problem("E022", "a key must be a plain word, not a list or mapping", node)
            return None
        if id(node) in self.seen:
            self.problem(
                "E011", "anchors and aliases (`&name`, `*name`) are not supported", node, "write it out"
            )
            return None
        self.seen.add(id(node))
        raw: str = node.value
        if has_unsafe(raw):
            self.problem(
                "E012",
                f"key `{visible(raw)}` contains control characters (such as ESC), which could steer "
                "the terminal",
                node,
                "remove them",
            )
            raw = clean(raw)
            if not raw:  # nothing left to name: the entry is dropped, not reported again as ``
                return None
        if len(raw) > limits.NAME_CHARS:  # every key is a word of the format or a name
            self.problem(
                "E009",
                f"this key is {len(raw):,} characters long; a name may be at most {limits.NAME_CHARS}",
                node,
                "choose a shorter name",
            )
            return None
        if not node.style and node.tag == _T + "bool" and raw.lower() not in _BOOL_WORDS:
            self.problem("E007", f"key `{raw}` is read by YAML as true/false", node, f'quote it: "{raw}":')
            return raw
        if node.tag not in (_T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"):
            self.bad_tag(node)
        if node.tag == _T + "null":
            self.problem("E022", "a key is missing before `:`", node)
            return None
        return raw

    def scalar(self, node: Any, line: int, col: int) -> Value:
        raw: str = node.value
        tag: str = node.tag
        style = node.style
        mark = node.start_mark
        common = {"raw": raw, "style": style, "start": mark.index, "end": node.end_mark.index}
        if len(raw) > MAX_SCALAR_CHARS:
            self.problem(
                "E009",
                f"this text is {len(raw):,} characters long; the limit is {MAX_SCALAR_CHARS:,}",
                node,
                "split it into several scenes",
            )
            return Value(None, line, col, "bad")
        if tag == _T + "str" or tag == _T + "value" or tag == _T + "merge":
            text = raw
            if has_unsafe(text):
                self.problem(
                    "E012",
                    "text contains control characters (such as ESC), which could steer the terminal",
                    node,
                    "remove them; they are stripped from what players see",
                )
                text = clean(text)
            if "\t" in text:
                text = text.replace("\t", " ")
            return Value(text, line, col, "str", **common)
        if tag == _T + "null":
            return Value(None, line, col, "null", **common)
        if tag == _T + "bool":
            value = raw.lower() in ("true", "yes", "on", "y")
            surprise = None if raw.lower() in _BOOL_WORDS else "bool"
            return Value(value, line, col, "bool", surprise=surprise, **common)
        if tag == _T + "int":
            if len(raw) > limits.NUMBER_CHARS:  # int() refuses past 4,300 digits: never get there
                self.problem(
                    "E009",
                    f"this number is {len(raw):,} characters long; the limit is {limits.NUMBER_CHARS}",
                    node,
                    "write a smaller number, or put it in quotes if it is text",
                )
                return Value(None, line, col, "bad")
            if _PLAIN_INT.match(raw):
                return Value(int(raw), line, col, "int", **common)
            return Value(_yaml11_int(raw), line, col, "int", surprise=_int_surprise(raw), **common)
        if tag == _T + "float":
            if _PLAIN_FLOAT.match(raw):
                return Value(float(raw), line, col, "float", **common)
            return Value(raw, line, col, "float", surprise="number", **common)
        if tag == _T + "timestamp":
            return Value(raw, line, col, "str", surprise="date", **common)
        self.bad_tag(node)
        return Value(None, line, col, "bad")


def _int_surprise(raw: str) -> str:
    if ":" in raw:
        return "sexagesimal"
    body = raw.lstrip("+-")
    if body.startswith("0") and len(body) > 1 and body[1] not in "xXbBoO":
        return "octal"
    return "number"


def _yaml11_int(raw: str) -> int:
    """What YAML 1.1 makes of an integer-looking scalar, for the message only."""
    text = raw.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    try:
        if ":" in body:
            total = 0
            for part in body.split(":"):
                total = total * 60 + int(part)
            return sign * total
        if body.startswith(("0x", "0X")):
            return sign * int(body, 16)
        if body.startswith(("0b", "0B")):
            return sign * int(body[2:], 2)
        if body.startswith("0") and len(body) > 1:
            return sign * int(body, 8)
        return sign * int(body)
    except ValueError:
        return 0


#: An unknown or missing key: code, message, (line, col), hint.
KeyProblem = tuple[str, str, tuple[int, int], str | None]


def key_problems(
    v: Value, what: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> list[KeyProblem]:
    """The unknown and missing keys of the mapping `v`, called `what` in messages.

    Story files and story test files both use it, so a mistyped key reads the same in both.
    """
    out: list[KeyProblem] = []
    for key in v.value:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or "allowed here: " + ", ".join(allowed)
            if " " in key.strip() and v.style == "flow":
                hint = "a comma inside `{...}` starts a new key: put text with commas in quotes"
            out.append(("E020", f"unknown key `{key}` in {what}", v.key_pos.get(key, (v.line, v.col)), hint))
    for key in required:
        if key not in v.value:
            out.append(("E021", f"{what} needs `{key}`", (v.line, v.col), None))
    return out


def read_misspelt_keys_as_meant(v: Value, allowed: tuple[str, ...], every_key: Collection[str]) -> None:
    """Read each unknown key of the mapping `v` as the allowed key it is one slip away from,
    when that key is not also written and the unknown one is not a key of the format put in the
    wrong place (`every_key`): `statistics:` for `stats:` is one mistake (E020), not the errors
    that leaving the stats out would give, nor a missing `stats` (E021). `v` keeps the misspelt
    key too, so that E020 still names it. Story files and story test files both use it."""
    import difflib

    for key in [k for k in v.value if k not in allowed]:
        if key in every_key:
            continue
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close and close[0] not in v.value:
            v.value[close[0]] = v.value[key]
            v.key_pos[close[0]] = v.key_pos.get(key, (v.line, v.col))


def surprise_message(v: Value, wanted: str) -> tuple[str, str, str]:
    """(code, message, hint) for a value YAML 1.1 read differently from what was probably meant."""
    raw = v.raw
    if v.surprise == "bool":
        return (
            "E007",
            f"`{raw}` is read by YAML as {str(v.value).lower()}, not as the word {raw!r}",
            f'write "{raw}" in quotes' + (f", or {str(v.value).lower()}" if wanted == "true/false" else ""),
        )
    if v.surprise == "sexagesimal":
        return (
            "E008",
            f"`{raw}` is read by YAML 1.1 as the number {_yaml11_int(raw)} (base 60)",
            f'write "{raw}" in quotes for text',
        )
    if v.surprise == "octal":
        plain = int(raw.replace("_", "")) if raw.lstrip("+-").isdigit() else raw
        return (
            "E008",
            f"`{raw}` is read by YAML 1.1 as the octal number {_yaml11_int(raw)}",
            f'write {plain} without the leading zero, or "{raw}" in quotes',
        )
    if v.surprise == "date":
        return ("E008", f"`{raw}` is read by YAML as a date", f'write "{raw}" in quotes')
    return (
        "E008",
        f"`{raw}` is read by YAML 1.1 as a special number",
        f'write a plain number, or "{raw}" in quotes',
    )
