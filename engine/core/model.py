"""The story model: immutable, positioned, and ready to play.

Everything here is built once by the loader and shared by every session, so it is frozen.
Each piece keeps the `Pos` it was written at, so that checks, the simulator and the author
tools can point back to `file:line:col`. Expressions and texts arrive compiled: playing a story
never parses anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from engine.core import expr as ex
from engine.core.template import Template

PHASES = ("training", "audition", "competition", "performance", "setback", "finale")
TONES = ("triumph", "bittersweet", "tragic", "farewell", "new_path")
CONTINUE = "continue"  # the choice id of a scene's single "Continue"
CHANCE_MIN, CHANCE_MAX = 5, 95  # a chance is kept within these percents: nothing certain, nothing hopeless


@dataclass(frozen=True, slots=True)
class Pos:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Stat:
    id: str
    label: str
    start: int
    min: int
    max: int
    help: str
    pos: Pos
    group: str = ""  # the heading it is shown under ("" = before every group, without one)
    opposite: str = ""  # an opposed pair's other side: its id ("" = not a pair)
    opposite_label: str = ""

    def mirror(self, value: int) -> int:
        """The opposite side's value: as far above `min` as `value` is below `max`."""
        return self.min + self.max - value

    def reading(self, value: int) -> str:
        """The stat as the player reads it: "Technique 40", or a pair's "Daring 60 | Caution 40"."""
        shown = f"{self.label} {value}"
        return f"{shown} | {self.opposite_label} {self.mirror(value)}" if self.opposite else shown


@dataclass(frozen=True, slots=True)
class Person:
    """One person of the cast, shown in the People view while `condition` holds."""

    id: str
    name: str
    role: str
    about: Template | None  # one line, which may interpolate
    stat: str | None  # the relationship stat, if any
    condition: Expr | None  # None: always shown
    pos: Pos


@dataclass(frozen=True, slots=True)
class Flag:
    id: str
    label: str
    help: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled expression: `fn(state)` evaluates it; `tree` is what it was parsed into."""

    source: str
    pos: Pos
    tree: ex.Node
    type: str  # ex.NUM, ex.BOOL, ex.STR or ex.ANY
    fn: ex.Fn = field(compare=False, repr=False)

    @property
    def constant(self) -> ex.Value | None:
        """The literal value when the expression is a single literal, else None."""
        tree = self.tree
        return tree.value if isinstance(tree, ex.Num | ex.Bool | ex.Str) else None


@dataclass(frozen=True, slots=True)
class Effect:
    """One change: `add`/`set`/`fair` a stat by `amount`, or `flag` set to `value`.

    A constant amount (the usual `+5`) is stored as the number itself: no closure to call.
    """

    op: str  # add | set | fair | flag
    target: str
    amount: int | float | Expr | None
    value: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class Route:
    """Where play goes: `goto` a scene, `call` a detour (then `after`), or `return` from one."""

    kind: str  # goto | call | return
    target: str | None
    after: str | None  # for call: where play continues on return; None = back to the caller
    pos: Pos


@dataclass(frozen=True, slots=True)
class Outcome:
    """One side of a chance roll."""

    effects: tuple[Effect, ...]
    route: Route
    text: Template | None
    pos: Pos
    milestone: Template | None = None


@dataclass(frozen=True, slots=True)
class Chance:
    expr: Expr
    success: Outcome
    failure: Outcome


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: Template
    condition: Expr | None
    show_locked: bool  # shown greyed out with a reason when the condition fails (else hidden)
    reason: str | None  # the author's own words for why it is locked
    effects: tuple[Effect, ...]
    route: Route | None  # exactly one of route and chance is set
    chance: Chance | None
    pos: Pos
    graft: str | None = None  # the file that grafted this choice on, if any
    milestone: Template | None = None  # a line for the career's record when chosen
    once: bool = False  # gone once taken (else sticky: offered again on every visit)
    fallback: bool = False  # offered only when no other choice of the scene is open
    tags: tuple[str, ...] = ()  # the author's names for what kind of choice it is (story tests, simulate)


@dataclass(frozen=True, slots=True)
class Branch:
    """One line of a scene's `next`: taken when its condition holds (or always, without one)."""

    condition: Expr | None
    route: Route
    pos: Pos


@dataclass(frozen=True, slots=True)
class Ending:
    title: str
    tone: str
    pos: Pos
    hint: str = ""  # the endings gallery's clue to an ending not found yet ("" when none)


@dataclass(frozen=True, slots=True)
class Scene:
    id: str  # chapter.name
    chapter: str
    title: str
    text: Template | None  # None only for a router: a scene that passes straight on
    effects: tuple[Effect, ...]  # applied each time the scene is entered
    choices: tuple[Choice, ...]
    next: tuple[Branch, ...]  # a "Continue" (with text) or an automatic step (without)
    continue_label: str
    ending: Ending | None
    pos: Pos
    milestone: Template | None = None  # a line for the career's record, on each entry
    revisit: Template | None = None  # the text from the second visit on (None: `text` again)
    #: No choice here is `once` or `fallback`: the offer rule is the plain one (each choice's
    #: `if`), which the hot path of play takes without looking further. Derived, not passed.
    plain_choices: bool = field(init=False, default=True)

    def __post_init__(self) -> None:
        plain = not any(c.once or c.fallback for c in self.choices)
        object.__setattr__(self, "plain_choices", plain)

    def text_for(self, visits: int) -> Template | None:
        """The text shown on a scene's `visits`-th visit: `revisit` from the second on."""
        return self.revisit if visits > 1 and self.revisit is not None else self.text

    @property
    def is_router(self) -> bool:
        return self.text is None and bool(self.next)

    @property
    def returns(self) -> bool:
        return any(b.route.kind == "return" for b in self.next)


@dataclass(frozen=True, slots=True)
class Chapter:
    id: str
    phase: str
    title: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    protagonist: str
    discipline: str
    blurb: str
    version: str
    author: str
    start: str
    stats: tuple[Stat, ...]
    flags: tuple[Flag, ...]
    chapters: Mapping[str, Chapter]
    scenes: Mapping[str, Scene]
    root: str  # the story folder
    fingerprint: str  # changes whenever any file's content changes
    files: tuple[str, ...] = ()
    # Each scene's chapter, and that chapter's phase: what `caller_chapter` and `caller_phase`
    # read, shared with the closures the linker compiled (see `scope`).
    chapter_of: Mapping[str, str] = field(default_factory=dict)
    phase_of: Mapping[str, str] = field(default_factory=dict)
    cast: tuple[Person, ...] = ()
    #: The endings' ids, in the story's order, when the loader knows them without building
    #: every scene (a ready-made story's scenes are linked when first used: the title screen
    #: counts endings without linking the rest). None: found by looking at every scene.
    ending_ids: tuple[str, ...] | None = None

    def stat(self, stat_id: str) -> Stat:
        for s in self.stats:
            if s.id == stat_id:
                return s
        raise KeyError(stat_id)

    @property
    def stat_groups(self) -> tuple[tuple[str, tuple[Stat, ...]], ...]:
        """The stats by group, in the order each group first appears (ungrouped stats first)."""
        order: dict[str, list[Stat]] = {"": []}
        for s in self.stats:
            order.setdefault(s.group, []).append(s)
        return tuple((g, tuple(rows)) for g, rows in order.items() if rows)

    def flag(self, flag_id: str) -> Flag:
        for f in self.flags:
            if f.id == flag_id:
                return f
        raise KeyError(flag_id)

    def scope(self, resolve_scene: Callable[[str], str | None]) -> ex.Scope:
        """The names an expression of this story may read, for an analysis that compiles one
        again (the reasons a choice is locked, the simulator's distances)."""
        return ex.Scope(
            [s.id for s in self.stats],
            [f.id for f in self.flags],
            resolve_scene,
            chapter_of=self.chapter_of,
            phase_of=self.phase_of,
        )

    @property
    def endings(self) -> list[Scene]:
        if self.ending_ids is not None:
            return [self.scenes[sid] for sid in self.ending_ids]
        return [s for s in self.scenes.values() if s.ending is not None]
