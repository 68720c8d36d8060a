"""The IR: what one story file parses into, before the files are linked into a `Story`.

It is plain data (dicts, lists, tuples, strings, numbers) because the load cache stores it with
`marshal`. `IR_VERSION` names its shape: it is part of every cache key and of every story's
fingerprint, so changing the shape without changing the number could serve stale entries.

The shapes are declared here once: the parser (engine/load/parse.py) builds them and the linker
(engine/load/link.py) reads them, both by name. Mappings are TypedDicts; the small records are
tuples, which marshal keeps compactly, each unpacked into names in one place of the linker.
Keys marked `NotRequired` are left out when they hold their default, which keeps entries small.
Expressions are in the wire form of `engine.core.expr.to_data`.
"""

from typing import NotRequired, TypeAlias, TypedDict

from engine.core.expr import Data

IR_VERSION = 6  # 6: an ending's `hint`
# 5: `lost`, what a file left out because of a problem; 4: an expression may end
# with where its characters jump lines (anchors)
# 3: stats have a group and an opposite side; a cast; chapter files' own stats
# and flags; variations in texts, `revisit`, `once`, `fallback` and `tags` on choices
# (2: stat and flag definitions and problems are tuples, were lists)

#: A problem the file alone reveals: code, message, line, col, scene id (or None), hint.
ProblemIR: TypeAlias = tuple[str, str, int, int, str | None, str | None]
#: (kind, name, index of its problem): a scene, stat or flag a file declares but left out
#: because of a problem, so that the linker counts its uses under that problem, not as unknown.
LostIR: TypeAlias = tuple[str, str, int]
#: A scene named in a `goto`, `call` or `start`: the name as written, line, col.
RefIR: TypeAlias = tuple[str, int, int]
#: An expression: its source (trimmed), line, col, and its tree's wire form; then, only when its
#: characters do not lie side by side from line:col (it wraps, or holds an escape), a flat run of
#: `(offset, line, col)` where each such jump lands (yaml_reader.Source.anchors).
ExprIR: TypeAlias = tuple[str, int, int, Data] | tuple[str, int, int, Data, tuple[int, ...]]
#: goto/call/return: kind, target (None for return, or when not a valid name), after (call's
#: `goto`), line, col.
RouteIR: TypeAlias = tuple[str, RefIR | None, RefIR | None, int, int]
#: add/set/fair/flag: op, target, amount (a number when constant, else an expression; None for
#: a flag), the flag's new value (False for a stat), line, col.
EffectIR: TypeAlias = tuple[str, str, int | float | ExprIR | None, bool, int, int]
#: One line of `next`: its condition (None: always), route, line, col.
BranchIR: TypeAlias = tuple[ExprIR | None, RouteIR, int, int]
#: id, label, start, min, max, help, line, col, group ("" = none), the opposite side's id and
#: label ("" = not an opposed pair).
StatIR: TypeAlias = tuple[str, str, int, int, int, str, int, int, str, str, str]
#: id, label, help, line, col.
FlagIR: TypeAlias = tuple[str, str, str, int, int]
#: A variation (`{seq: a | b}`): the tag "~", its kind, line, col, and each fragment's pieces.
VariationIR: TypeAlias = tuple[str, str, int, int, tuple[tuple["PieceIR", ...], ...]]
#: One piece of a paragraph: its style bits, and text, an expression or a variation.
PieceIR: TypeAlias = tuple[int, str | ExprIR | VariationIR]
#: A paragraph of text: a plain str when unstyled and constant (the usual case), else pieces.
ParagraphIR: TypeAlias = str | tuple[PieceIR, ...]
TemplateIR: TypeAlias = tuple[ParagraphIR, ...]


PersonIR = TypedDict(
    "PersonIR",
    {
        "id": str,
        "name": str,
        "role": str,
        "line": int,
        "col": int,
        "about": NotRequired[TemplateIR],
        "stat": NotRequired[RefIR],  # the relationship stat, as written
        "if": NotRequired[ExprIR],
    },
)


class ManifestIR(TypedDict):
    id: str | None  # None when missing or not a valid name (reported)
    title: str
    protagonist: str
    discipline: str
    blurb: str
    version: str
    author: str
    start: RefIR | None
    stats: list[StatIR]
    flags: list[FlagIR]
    line: int
    col: int
    cast: NotRequired[list[PersonIR]]  # left out when there is no cast


class ChapterIR(TypedDict):
    id: str | None
    phase: str | None
    title: str
    line: int
    col: int


class EndingIR(TypedDict):
    title: str
    tone: str
    line: int
    col: int
    hint: NotRequired[str]  # for the endings gallery: how to find it, without giving it away


class OutcomeIR(TypedDict):
    text: TemplateIR | None
    milestone: TemplateIR | None
    effects: list[EffectIR]
    route: RouteIR
    line: int
    col: int


class ChanceIR(TypedDict):
    expr: ExprIR
    success: OutcomeIR
    failure: OutcomeIR


# `if` and `continue` are Python keywords, so these two are declared in the functional form.

ChoiceIR = TypedDict(
    "ChoiceIR",
    {
        "id": str,  # "" when it could have none (reported)
        "line": int,
        "col": int,
        "text": TemplateIR | None,
        # Most choices have no `if`, chance or reason: each is present only when set. Exactly
        # one of `route` and `chance` is present when the choice is whole.
        "if": NotRequired[ExprIR],
        "locked": NotRequired[bool],
        "reason": NotRequired[str],
        "once": NotRequired[bool],  # gone once taken
        "fallback": NotRequired[bool],  # shown only when no other choice is open
        "milestone": NotRequired[TemplateIR],
        "effects": NotRequired[list[EffectIR]],
        "route": NotRequired[RouteIR],
        "chance": NotRequired[ChanceIR],
        "tags": NotRequired[list[str]],  # left out when the choice has none
    },
)

SceneIR = TypedDict(
    "SceneIR",
    {
        "name": str,  # without the chapter
        "line": int,
        "col": int,
        # Present only when written (and, but for `ending`, not empty).
        "title": NotRequired[str],
        "text": NotRequired[TemplateIR],
        "revisit": NotRequired[TemplateIR],  # the text from the second visit on
        "milestone": NotRequired[TemplateIR],
        "effects": NotRequired[list[EffectIR]],
        "continue": NotRequired[str],
        "choices": NotRequired[list[ChoiceIR]],
        "next": NotRequired[list[BranchIR]],
        "ending": NotRequired[EndingIR | None],  # None: written, but not valid (reported)
    },
)


class GraftIR(TypedDict):
    scene: str  # the target, as written
    line: int
    col: int
    choices: list[ChoiceIR]


class FileIR(TypedDict):
    v: int  # IR_VERSION, or 0 for a file that could not be read
    manifest: ManifestIR | None
    chapter: ChapterIR | None
    scenes: list[SceneIR]
    grafts: list[GraftIR]
    problems: list[ProblemIR]
    # A chapter file's own stats and flags (a branch's memory), left out when it has none.
    stats: NotRequired[list[StatIR]]
    flags: NotRequired[list[FlagIR]]
    lost: NotRequired[list[LostIR]]  # left out when nothing was
