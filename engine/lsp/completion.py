"""Completion: the names a place in a story file can hold, offered as the author types.

Where the cursor is decides what is offered, read from the text of the buffer as it is now
(the author is in the middle of writing it, so it may not parse):

- after `goto:`, `call:`, `next:`, `start:`, in a graft's key or in `visits("...")`: scenes,
  a scene of the file's own chapter by its short name first, the others as `chapter.scene`;
- in an expression (`if:`, `chance:`, an effect's `"+(...)"`, a `{...}` in a text): stats and
  the other sides of opposed pairs, flags, the functions, the words of the language and the
  names that read where a detour struck;
- at a key of `effects:`: stats, `set` and `clear`; in `set: [...]` and `clear: [...]`: flags;
- the cast's `stat:`: stats; `phase:` and `tone:`: theirs;
- at a key: the keys the format allows there and the mapping does not have yet;
- in a story test file (tests/*.yaml): scenes, endings, stats and flags where its cases name
  them.

The names come from the last analysis of the story (engine/lsp/analysis.py), which lags the
buffer by at most one debounce: what was declared a moment ago is offered a moment later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.author.storytest.format import PATH_KEYS, PERSONA_KEYS, TOP_KEYS
from engine.core import expr as ex
from engine.core.model import PHASES, TONES
from engine.load import parse as fp
from engine.lsp.analysis import Analysis
from engine.lsp.index import StoryIndex
from engine.lsp.positions import Place, split_lines

# What an item is, for the editor's icon.
SCENE, STAT, FLAG, FUNCTION, KEYWORD, DETOUR, KEY, VALUE = (
    "scene",
    "stat",
    "flag",
    "function",
    "keyword",
    "detour",
    "key",
    "value",
)


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    kind: str
    detail: str = ""
    documentation: str = ""
    insert: str | None = None  # a snippet (`min($1)`) when it differs from the label
    sort: str = ""


@dataclass(frozen=True, slots=True)
class Completion:
    """What to offer, and the span of the partial word it replaces."""

    start: Place
    end: Place
    items: tuple[Item, ...]


# Every pattern here is matched from the start of a line (or of a value), never searched for,
# and none backtracks (tests/unit/test_regex_cost.py): the end of a line is read by hand.
_KEY_LINE = re.compile(r"\A(\s*)(?:-\s+)?([A-Za-z_][\w.\-]*|\"[^\"]*\"|'[^']*')\s*:(?:\s|\Z)")
_VALUE = re.compile(r"\A\s*(?:-\s+)?([A-Za-z_]\w*)\s*:\s+")
_AT_KEY = re.compile(r"\A(\s*)(-\s+)?[\w.]*\Z")
_BARE = re.compile(r"\A[\"']?[\w.]*\Z")
_AMOUNT_OPEN = re.compile(r"\A[\"']?(?:=|%?[+-])\s*\(")
_VARIATION = re.compile(r"\A\s*(?:seq|cycle|once|shuffle)\s*:")
_CHAPTER_LINE = re.compile(r"\Achapter\s*:\s*[\"']?([a-z][a-z0-9_]*)")
_INDENT = re.compile(r"\A(\s*)(-\s+)?")
_BLOCK_SCALAR = re.compile(r"\A[|>][+\-0-9]*\s*(?:#.*)?\Z")
_TEXT_KEYS = frozenset({"text", "revisit", "milestone", "about", "continue", "reason"})
_EXPRESSION_KEYS = frozenset({"if", "chance"})
_SCENE_KEYS = frozenset({"goto", "call", "next"})
_VISIT_CALLS = ("visits", "visited")

#: The keys a mapping may hold, by the key that holds it (its parent in the file).
_CHILD_KEYS: dict[str, tuple[str, ...]] = {
    "success": fp.OUTCOME_KEYS,
    "failure": fp.OUTCOME_KEYS,
    "ending": fp.ENDING_KEYS,
}


def complete(analysis: Analysis | None, rel: str, text: str, place: Place) -> Completion | None:
    """What to offer at `place` in the buffer `text` of file `rel` (a path in the story)."""
    lines = split_lines(text)
    if not 0 <= place.line < len(lines):
        return None
    prefix = lines[place.line][: place.col]
    index = analysis.index if analysis is not None else None
    chapter = index.chapter_of(rel) if index is not None else _chapter_in(lines)
    manifest = rel == "story.yaml"
    test = rel.startswith("tests/")

    def done(kind: str, items: list[Item]) -> Completion | None:
        start = place.col - len(_tail(prefix, dotted=kind == SCENE))
        return Completion(Place(place.line, start), place, tuple(items)) if items else None

    # A scene's name in quotes, in `visits("...")` or `visited("...")`: anywhere.
    if _in_visits(prefix):
        return done(SCENE, scenes(index, chapter, short=not manifest and not test))
    if _in_block_scalar(lines, place.line):  # prose: only its `{...}` holds names
        inside = _in_text_expression(lines, place.line, prefix, prose=True)
        return done(STAT, expression_items(index)) if inside else None
    value = _VALUE.match(prefix)
    if value is not None:
        key, written = value.group(1), prefix[value.end() :]
        if written[:1] in ("{", "["):
            found = _flow_items(index, key, written, chapter, manifest=manifest, test=test)
        else:
            found = _value_items(index, key, written, chapter, manifest=manifest, test=test)
        return done(*found) if found is not None else None
    if _in_text_expression(lines, place.line, prefix):
        return done(STAT, expression_items(index))
    at_key = _AT_KEY.match(prefix)
    if at_key is not None:
        path = key_path(lines, place.line, len(at_key.group(1)) + len(at_key.group(2) or ""))
        kind, items = _key_items(
            index, lines, place.line, path, bool(at_key.group(2)), manifest=manifest, test=test
        )
        return done(kind, items)
    return None


def _tail(prefix: str, *, dotted: bool) -> str:
    """The partial name that ends `prefix`: what a completion replaces."""
    i = len(prefix)
    while i > 0 and (prefix[i - 1].isalnum() or prefix[i - 1] == "_" or (dotted and prefix[i - 1] == ".")):
        i -= 1
    return prefix[i:]


def _in_visits(prefix: str) -> bool:
    """Whether the cursor is in the quoted scene of a `visits("` or `visited("`, not yet closed."""
    for name in _VISIT_CALLS:
        at = prefix.rfind(name + "(")
        while at != -1:
            before = prefix[at - 1] if at else " "
            rest = prefix[at + len(name) + 1 :].lstrip(" ")
            if not (before.isalnum() or before == "_") and rest[:1] in ('"', "'"):
                return rest[0] not in rest[1:] and _tail(rest[1:], dotted=True) == rest[1:]
            at = prefix.rfind(name + "(", 0, at)
    return False


def _flow_items(
    index: StoryIndex | None,
    key: str,
    written: str,
    chapter: str | None,
    *,
    manifest: bool,
    test: bool,
) -> tuple[str, list[Item]] | None:
    """In a flow collection (`effects: {nerve: +2, ar`, `set: [a, b`, `success: {goto: `): what
    the entry being written may be."""
    stack: list[tuple[str, str, int]] = []  # (bracket, the key that holds it, where its entry starts)
    holder, quote, entry_key = key, "", ""
    for i, ch in enumerate(written):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "{[":
            stack.append((ch, holder, i + 1))
        elif ch in "}]" and stack:
            stack.pop()
        elif ch == "," and stack:
            bracket, outer, _ = stack[-1]
            stack[-1] = (bracket, outer, i + 1)
        elif ch == ":" and stack:
            entry_key = written[stack[-1][2] : i].strip()
            holder = entry_key
    if not stack:
        return None
    bracket, outer, start = stack[-1]
    entry = written[start:]
    if ":" in entry and bracket == "{":
        name, _, value = entry.partition(":")
        return _value_items(index, name.strip(), value.lstrip(), chapter, manifest=manifest, test=test)
    if not _BARE.match(entry.strip()):
        return None
    if bracket == "[":
        if outer in ("set", "clear"):
            return FLAG, flags(index)
        if test and outer in ("visits", "avoids"):
            return SCENE, scenes(index, None, short=False)
        return None
    if outer == "effects":
        return STAT, effect_keys(index)
    allowed = _CHILD_KEYS.get(outer, ())
    return (KEY, [Item(k, KEY, "key", sort=f"{i:03}") for i, k in enumerate(allowed)]) if allowed else None


def _value_items(
    index: StoryIndex | None,
    key: str,
    written: str,
    chapter: str | None,
    *,
    manifest: bool,
    test: bool,
) -> tuple[str, list[Item]] | None:
    """What the value of `key` may be, given what is written of it so far."""
    bare = _BARE.match(written) is not None
    if test:
        return (SCENE, endings(index)) if key == "ending" and bare else None
    if key in _SCENE_KEYS and bare:
        return SCENE, scenes(index, chapter, short=True)
    if key == "start" and manifest and bare:
        return SCENE, scenes(index, None, short=False)
    if key in _EXPRESSION_KEYS:
        return (STAT, expression_items(index)) if not _in_string(written) else None
    if key == "stat" and bare:
        return STAT, stats(index)
    if key in ("set", "clear") and bare:
        return FLAG, flags(index)
    if key == "phase" and bare:
        return VALUE, [Item(p, VALUE, "phase") for p in PHASES]
    if key == "tone" and bare:
        return VALUE, [Item(t, VALUE, "ending tone") for t in TONES]
    if key in _TEXT_KEYS and _open_brace(written):
        return STAT, expression_items(index)
    if _AMOUNT_OPEN.match(written) and not _in_string(written[1:]):
        return STAT, expression_items(index)  # an effect's amount: "+(artistry // 10)"
    return None


def _key_items(
    index: StoryIndex | None,
    lines: Sequence[str],
    n: int,
    path: list[str],
    dash: bool,
    *,
    manifest: bool,
    test: bool,
) -> tuple[str, list[Item]]:
    """What a key at line `n`, held by `path`, may be."""
    parent = path[-1] if path else None
    if test:
        if parent == "at":
            return SCENE, scenes(index, None, short=False)
        if len(path) >= 3 and parent == "endings":
            return SCENE, endings(index)
        if parent == "flags":
            return FLAG, flags(index)
        if parent == "stats" or (len(path) >= 2 and path[-2] == "at"):
            return STAT, stats(index)
        allowed: Sequence[str] = TOP_KEYS if not path else ()
        if len(path) == 2:
            allowed = PATH_KEYS if path[0] == "paths" else PERSONA_KEYS if path[0] == "personas" else ()
        return KEY, _keys(allowed, lines, n)
    if parent == "effects":
        return STAT, effect_keys(index)
    if parent == "graft" and not dash:
        return SCENE, scenes(index, None, short=False)
    if dash and parent in ("set", "clear"):
        return FLAG, flags(index)
    return KEY, _keys(_allowed_keys(path, manifest=manifest), lines, n)


def _allowed_keys(path: list[str], *, manifest: bool) -> tuple[str, ...]:
    """The keys of the format at `path` (the keys above the cursor, outermost first)."""
    if not path:
        return fp.MANIFEST_KEYS if manifest else fp.CHAPTER_KEYS
    parent = path[-1]
    if parent in _CHILD_KEYS:
        return _CHILD_KEYS[parent]
    if len(path) >= 2 and path[-2] == "stats":
        return fp.STAT_KEYS
    if len(path) >= 2 and path[-2] == "flags":
        return fp.FLAG_KEYS
    if len(path) >= 2 and path[-2] == "cast":
        return fp.PERSON_KEYS
    if len(path) == 2 and path[0] == "scenes":
        return fp.SCENE_KEYS
    if parent == "-" and len(path) >= 2:
        if path[-2] == "next":
            return fp.BRANCH_KEYS
        if path[-2] == "choices" or (len(path) >= 3 and path[-3] == "graft"):
            return fp.CHOICE_KEYS
    return ()


def _keys(allowed: Sequence[str], lines: Sequence[str], n: int) -> list[Item]:
    """The allowed keys not yet written in the mapping the cursor is in."""
    here = siblings(lines, n)
    return [Item(k, KEY, "key", sort=f"{i:03}") for i, k in enumerate(allowed) if k not in here]


# -- what is offered -----------------------------------------------------------------------


def scenes(index: StoryIndex | None, chapter: str | None, *, short: bool) -> list[Item]:
    """Every scene: those of `chapter` by their short name first (when `short`), the others as
    `chapter.scene`."""
    if index is None:
        return []
    out = []
    for f in index.files.values():
        for s in f.scenes:
            mine = short and chapter is not None and s.id.startswith(chapter + ".")
            label = s.name if mine else s.id
            where = f.chapter.title if f.chapter is not None else ""
            detail = f"“{s.title}”" + (f" · ending ({s.ending[1]})" if s.ending else "")
            doc = f"{s.id}, in chapter “{where}”" + (f"\n\n{s.preview}" if s.preview else "")
            out.append(Item(label, SCENE, detail, doc, sort=("0" if mine else "1") + s.id))
    return out


def endings(index: StoryIndex | None) -> list[Item]:
    return [i for i in scenes(index, None, short=False) if "· ending" in i.detail]


def stats(index: StoryIndex | None) -> list[Item]:
    if index is None:
        return []
    out = []
    for f in index.files.values():
        for s in f.stats:
            out.append(Item(s.id, STAT, f"{s.label} · {s.low}..{s.high}", s.help, sort="0" + s.id))
            if s.opposite:
                out.append(
                    Item(
                        s.opposite,
                        STAT,
                        f"{s.opposite_label} · the other side of {s.label}",
                        f"{s.opposite} is {s.low + s.high} - {s.id}",
                        sort="0" + s.opposite,
                    )
                )
    return out


def flags(index: StoryIndex | None) -> list[Item]:
    if index is None:
        return []
    return [
        Item(f.id, FLAG, f.label, f.help, sort="1" + f.id) for fi in index.files.values() for f in fi.flags
    ]


def effect_keys(index: StoryIndex | None) -> list[Item]:
    return [
        *stats(index),
        Item("set", KEYWORD, "make flags true: set: [flag, ...]", sort="2set"),
        Item("clear", KEYWORD, "make flags false: clear: [flag, ...]", sort="2clear"),
    ]


def expression_items(index: StoryIndex | None) -> list[Item]:
    """Everything an expression may name."""
    out = [*stats(index), *flags(index)]
    for f in ex.FUNCTIONS.values():
        args = "" if not f.args else '"$1"' if f.name in ("visits", "visited") else "$1"
        out.append(
            Item(f.name, FUNCTION, f"{f.name}() → {f.result}", f.doc, f"{f.name}({args})", "3" + f.name)
        )
    for d in ex.DETOUR_NAMES.values():
        out.append(Item(d.name, DETOUR, f"where a detour struck · {d.type}", d.doc, sort="4" + d.name))
    for word in sorted(ex.KEYWORDS):
        out.append(Item(word, KEYWORD, "", sort="5" + word))
    return out


# -- reading the buffer ----------------------------------------------------------------------


def _in_string(written: str) -> bool:
    """Whether the end of an expression written so far is inside a text literal."""
    quote = None
    i = 0
    while i < len(written):
        ch = written[i]
        if quote is not None:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        i += 1
    return quote is not None


def _in_block_scalar(lines: Sequence[str], n: int) -> bool:
    """Whether line `n` is a line of a `|` or `>` block (prose, whatever it looks like): the
    nearest line above it indented less is a key whose value is the block's indicator."""
    row = lines[n]
    indent = len(row) - len(row.lstrip(" "))
    for m in range(n - 1, -1, -1):
        above = lines[m]
        if not above.strip() or len(above) - len(above.lstrip(" ")) >= indent:
            continue
        key = _KEY_LINE.match(above)
        return key is not None and _BLOCK_SCALAR.match(above[key.end() :].strip()) is not None
    return False


def _in_text_expression(lines: Sequence[str], n: int, prefix: str, *, prose: bool = False) -> bool:
    """Whether the cursor is inside a `{expression}` of a text: on the line of a text key
    (`text:`, `milestone:`...), or on a line of its value below it (a `|` block, or plain text
    wrapped over lines)."""
    key = None if prose else _KEY_LINE.match(prefix)
    if key is not None:
        name = key.group(2).strip("\"'")
        return name in _TEXT_KEYS and _open_brace(prefix[key.end() :])
    indent = len(prefix) - len(prefix.lstrip(" "))
    before = [prefix]
    for m in range(n - 1, max(-1, n - 40), -1):
        row = lines[m]
        if not row.strip():
            before.append("")
            continue
        key = _KEY_LINE.match(row)
        if key is not None and len(row) - len(row.lstrip(" ")) < indent:
            if key.group(2).strip("\"'") not in _TEXT_KEYS:
                return False
            before.append(row[key.end() :])
            return _open_brace("\n".join(reversed(before)))
        before.append(row)
    return False


def _open_brace(written: str) -> bool:
    """Whether `written` (a text up to the cursor) ends inside an `{expression}`: an unclosed
    `{` that opens an expression (not `{{`, not a variation such as `{seq:`), and not inside a
    quoted text of that expression. A blank line ends a paragraph, and any `{` in it."""
    paragraph = written.split("\n\n")[-1]
    start = None
    i = 0
    while i < len(paragraph):
        if paragraph.startswith("{{", i) or paragraph.startswith("}}", i):
            i += 2
            continue
        if paragraph[i] == "{":
            start = i
        elif paragraph[i] == "}":
            start = None
        i += 1
    if start is None:
        return False
    inside = paragraph[start + 1 :]
    if _VARIATION.match(inside):
        return False
    return not _in_string(inside)


def key_path(lines: Sequence[str], n: int, column: int) -> list[str]:
    """The keys that hold line `n`'s key at `column`, outermost first; `-` for a list item."""
    path: list[str] = []
    current = column
    for m in range(n - 1, -1, -1):
        row = lines[m]
        stripped = row.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(row) - len(stripped)
        if stripped.startswith("- ") or stripped == "-":
            if indent < current:
                path.append("-")
                current = indent
            continue
        if indent < current:
            key = _KEY_LINE.match(row)
            if key is None:
                continue
            path.append(key.group(2).strip("\"'"))
            current = indent
            if indent == 0:
                break
    return list(reversed(path))


def siblings(lines: Sequence[str], n: int) -> set[str]:
    """The keys of the mapping line `n` is in, written at its column above and below it."""
    row = lines[n]
    at_key = _INDENT.match(row)
    column = len(at_key.group(1)) + len(at_key.group(2) or "") if at_key else 0
    found: set[str] = set()
    new_item = row.lstrip(" ").startswith("- ") or row.strip() == "-"
    for step in (1,) if new_item else (-1, 1):
        m = n + step
        while 0 <= m < len(lines):
            other = lines[m]
            stripped = other.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                m += step
                continue
            indent = len(other) - len(stripped)
            key_col = indent + 2 if stripped.startswith("- ") else indent
            if key_col < column or (step == -1 and stripped.startswith("- ") and key_col == column):
                if key_col == column and (key := _KEY_LINE.match(other)) is not None:
                    found.add(key.group(2))
                break
            if step == 1 and stripped.startswith("- ") and key_col == column:
                break
            if key_col == column and (key := _KEY_LINE.match(other)) is not None:
                found.add(key.group(2))
            m += step
    return found


def _chapter_in(lines: Sequence[str]) -> str | None:
    for row in lines:
        found = _CHAPTER_LINE.match(row)
        if found:
            return found.group(1)
    return None
