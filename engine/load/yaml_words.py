"""Plain words for YAML syntax errors, on the line where the mistake is.

libyaml reports where its scanner gave up, in its own vocabulary ("found character that cannot
start any token"), and that is often a line or more after the slip: a key without its colon is
read as the start of a text that runs on into the next line, so the complaint lands on the
next line's colon. New authors read the message literally and edit the wrong line. This module
looks at the text around the failure (and at the tokens scanned before it) to name the usual
slips: a tab in the indentation, a missing `:` or the space after it, `-id:` without a space, a
line of a `|` block indented less than the rest or more than its mapping, text on the line of
its `|`, a value that starts with a character YAML reserves (`%+20`), a quoted text that its own
quote mark closes early (`'Nino's'`), and a text that starts with `{` or `[`.
It runs only after a parse has failed, so it costs nothing on a good file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Characters that cannot start a plain YAML value, and why an author typed them.
_RESERVED_STARTS = {"%": "`%`", "@": "`@`", "`": "a backquote"}
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _is_key_word(word: str) -> bool:
    """A word that can be a key of a story file (the names `check` accepts)."""
    return bool(word) and word[0].isascii() and word[0].isalpha() and set(word.lower()) <= _KEY_CHARS


@dataclass(frozen=True, slots=True)
class Explained:
    """A YAML syntax error, said plainly: what is wrong, where (1-based), and what to write."""

    message: str
    line: int
    col: int
    hint: str


def explain(text: str, err: Any, yaml: Any, loader: Any) -> Explained | None:
    """The plain-words reading of the MarkedYAMLError `err` in `text`, or None when it is not
    one of the slips this module knows (the caller then keeps libyaml's own words)."""
    lines = text.splitlines()
    problem = err.problem_mark or err.context_mark
    if problem is None:
        return None
    line, col = problem.line + 1, problem.column + 1
    context = err.context_mark
    for at in (line, context.line + 1 if context else None):
        found = _tab(lines, at) if at else None
        if found:
            return found
    found = _reserved_start(lines, line, col)
    if found:
        return found
    found = _text_after_block_mark(err, line, col)
    if found:
        return found
    tokens = _tokens_before_error(text, yaml, loader)
    if err.problem == "did not find expected key" and err.context == "while parsing a block mapping":
        before = [t for t in tokens if (t.start_mark.line + 1, t.start_mark.column + 1) < (line, col)]
        found = _closed_early(lines, before, line, col) or _indented_more(lines, err, line, col)
        if found:
            return found
    start = _start_of_failed_value(err, tokens)
    if start is None:  # a dedented last line of a `|` text fails where it stands
        return _dedent(lines, (line, col), tokens)
    return (
        _dash(lines, start[0], line)
        or _dedent(lines, start, tokens)
        or _no_space(lines, start)
        or _no_colon(lines, start)
    )


def _line(lines: list[str], at: int) -> str:
    return lines[at - 1] if 1 <= at <= len(lines) else ""


def _tab(lines: list[str], at: int) -> Explained | None:
    text = _line(lines, at)
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    if "\t" not in indent:
        return None
    return Explained(
        "a tab in the indentation",
        at,
        indent.index("\t") + 1,
        "YAML counts spaces only: indent with spaces, not tabs",
    )


def _reserved_start(lines: list[str], line: int, col: int) -> Explained | None:
    text = _line(lines, line)
    ch = text[col - 1 : col]
    if ch not in _RESERVED_STARTS:
        return None
    value = text[col - 1 :]
    for end in ",}]#":
        value = value.split(end, 1)[0]
    value = value.strip()
    quote = "'" if '"' in value else '"'
    return Explained(
        f"a value cannot start with {_RESERVED_STARTS[ch]} in YAML",
        line,
        col,
        f"put it in quotes: write {quote}{value}{quote}",
    )


def _tokens_before_error(text: str, yaml: Any, loader: Any) -> list[Any]:
    tokens: list[Any] = []
    try:
        for token in yaml.scan(text, Loader=loader):
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _start_of_failed_value(err: Any, tokens: list[Any]) -> tuple[int, int] | None:
    """(line, col) where the plain value that libyaml could not finish began: the simple key it
    was scanning, or the last plain scalar when that one ran over several lines."""
    if err.context == "while scanning a simple key" and err.context_mark is not None:
        return (err.context_mark.line + 1, err.context_mark.column + 1)
    if tokens and type(tokens[-1]).__name__ == "ScalarToken" and not tokens[-1].style:
        last = tokens[-1]
        if last.end_mark.line > last.start_mark.line:
            return (last.start_mark.line + 1, last.start_mark.column + 1)
    return None


def _dash(lines: list[str], first: int, last: int) -> Explained | None:
    """`-id: go` (no space after the dash) is read as a key `-id`, so the list never starts."""
    for at in range(first, last + 1):
        text = _line(lines, at)
        body = text.lstrip(" ")
        indent = text[: len(text) - len(body)]
        key, colon, rest = body[1:].partition(":")
        if body.startswith("-") and colon and _is_key_word(key):
            return Explained(
                "a list dash needs a space after it",
                at,
                len(indent) + 1,
                f"write `- {key}:{rest}`",
            )
    return None


def _dedent(lines: list[str], start: tuple[int, int], tokens: list[Any]) -> Explained | None:
    """A line of a `|` text indented less than its first line ends the text there; YAML then
    reads that line as a key, and fails at the next real key."""
    at, col = start
    blocks = [
        t
        for t in tokens
        if type(t).__name__ == "ScalarToken" and t.style in ("|", ">") and t.end_mark.line + 1 <= at
    ]
    if not blocks:
        return None
    block = blocks[-1]
    if any(_line(lines, n).strip() for n in range(block.end_mark.line + 1, at)):
        return None  # something else stands between the text and the failing line
    first = next(
        (_line(lines, n) for n in range(block.start_mark.line + 2, at) if _line(lines, n).strip()), ""
    )
    depth = len(first) - len(first.lstrip(" "))
    mark = block.style
    return Explained(
        f"this line is indented less than the `{mark}` text above it, so the text ends before it",
        at,
        col,
        f"indent it {depth} spaces, like the text's first line",
    )


def _no_colon(lines: list[str], start: tuple[int, int]) -> Explained | None:
    """`title The Runway` (no colon) on its own line runs on into the next line as one text,
    and the next line's `:` is where libyaml stops."""
    at, col = start
    text = _line(lines, at)
    if text[: col - 1].strip() not in ("", "-"):  # it starts after `key:`: a text, not a key
        return None
    words = text[col - 1 :].split("#", 1)[0].split()
    if not words or not _is_key_word(words[0]):
        return None
    key, rest = words[0], " ".join(words[1:])
    fix = f"{key}: {rest}" if rest else f"{key}:"
    return Explained(f"`{key}` has no `:` after it", at, col, f"write `{fix}`")


def _text_after_block_mark(err: Any, line: int, col: int) -> Explained | None:
    """`text: | The physio...`: a `|` (or `>`) ends its line; the text starts on the next."""
    if err.context != "while scanning a block scalar" or "expected comment or line break" not in str(
        err.problem
    ):
        return None
    return Explained(
        "a `|` text starts on the line below the `|`, not on its line",
        line,
        col,
        "leave `|` alone at the end of the line and write the text on the lines below it, indented",
    )


def _closed_early(lines: list[str], before: list[Any], line: int, col: int) -> Explained | None:
    """A value that YAML finished before the end of its line: a quoted text closed by a quote
    mark inside it (`'Nino's'`), or a text that starts with `{` or `[`, read as a mapping or a
    list that ends at its bracket, with the rest of the line left over."""
    if not before or before[-1].end_mark.line + 1 != line:
        return None
    last = before[-1]
    kind = type(last).__name__
    text = _line(lines, line)
    if kind == "ScalarToken" and last.style in ("'", '"') and last.start_mark.line == last.end_mark.line:
        quote = last.style
        opened = last.start_mark.column
        inner = text[opened + 1 :].rstrip()
        inner = inner[:-1] if inner.endswith(quote) else inner
        if quote == "'":
            fix = "'" + inner.replace("'", "''") + "'"
            how = "inside single quotes an apostrophe is written twice"
        elif "'" not in inner:
            fix = "'" + inner + "'"
            how = 'put a text with `"` in it in single quotes'
        else:
            fix = '"' + inner.replace('"', '\\"') + '"'
            how = 'inside double quotes a quote mark is written `\\"`'
        return Explained(
            f"this `{quote}` ends the quoted text, and the rest of the line cannot follow it",
            line,
            last.end_mark.column,
            f"{how}: write {fix}, or leave out the quotes around the text",
        )
    if kind in ("FlowMappingEndToken", "FlowSequenceEndToken"):
        opener = "FlowMappingStartToken" if kind == "FlowMappingEndToken" else "FlowSequenceStartToken"
        depth, start = 0, None
        for t in reversed(before):
            name = type(t).__name__
            if name == kind:
                depth += 1
            elif name == opener:
                depth -= 1
                if depth == 0:
                    start = t
                    break
        if start is None or start.start_mark.line + 1 != line:
            return None
        mapping = opener.startswith("FlowMapping")
        bracket, what = ("{", "a `{key: value}` mapping") if mapping else ("[", "a list")
        return Explained(
            f"a value that starts with `{bracket}` is {what} in YAML, so nothing can follow its end",
            line,
            start.start_mark.column + 1,
            "if this is text, put the whole text in quotes, or in a `|` block on the lines below",
        )
    return None


def _indented_more(lines: list[str], err: Any, line: int, col: int) -> Explained | None:
    """A key indented more than the keys beside it, after a complete `key: value` line."""
    mapping = err.context_mark
    text = _line(lines, line)
    indent = len(text) - len(text.lstrip(" "))
    if mapping is None or col != indent + 1 or indent <= mapping.column:
        return None
    above = next((n for n in range(line - 1, 0, -1) if _line(lines, n).strip()), 0)
    above_text = _line(lines, above)
    if above_text.rstrip().endswith(":") or above_text.rstrip().endswith("|"):
        return None  # a nested block may start here: not this slip
    width = mapping.column
    if above_text.lstrip(" ").startswith("- "):
        width = len(above_text) - len(above_text.lstrip(" ")) + 2
    key = text.strip().split(":", 1)[0]
    return Explained(
        f"`{key}` is indented more than the key above it",
        line,
        width + 1,
        f"indent it {width} spaces, like the other keys beside it",
    )


def _no_space(lines: list[str], start: tuple[int, int]) -> Explained | None:
    """`text:Watch the girls` (no space after the colon) is one plain text, not a key and value."""
    at, col = start
    text = _line(lines, at)
    if text[: col - 1].strip() not in ("", "-"):
        return None
    key, colon, rest = text[col - 1 :].partition(":")
    if not colon or not _is_key_word(key) or not rest[:1].strip():
        return None
    return Explained(
        f"`{key}:` needs a space after the `:`",
        at,
        col + len(key),
        f"write `{key}: {rest.split(' #', 1)[0].strip()}`",
    )
