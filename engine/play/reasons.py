"""Why a choice is locked, in words built from its condition and the player's numbers.

"needs Technique 60 (you have 54)" tells a player what to work on; "technique >= 60" does
not. Only the parts of a condition that fail are explained, with the story's own labels.
An author can always replace the result with `reason:` on the choice.
"""

from __future__ import annotations

from typing import assert_never

from engine.core import expr as ex
from engine.core.model import Story
from engine.core.state_view import StateView


def explain(tree: ex.Node, state: StateView, story: Story, chapter: str) -> str:
    """A short reason the condition `tree` (written in `chapter`) is false in `state`."""
    return _Explainer(story, chapter, state).failing(tree, want=True) or "not available yet"


def in_words(tree: ex.Node, story: Story, chapter: str) -> str:
    """An expression written with the story's labels: `technique + artistry` -> Technique + Artistry."""
    return _Explainer(story, chapter).words(tree)


class _Explainer:
    """Expressions in the story's own words, and (given a state) why a condition fails in it.

    Built for every locked choice shown, so the commonest shapes (a comparison of a stat with a
    number) are tried first and only the words that are used are formatted.
    """

    def __init__(self, story: Story, chapter: str, state: StateView | None = None):
        self.story = story
        self.stats = {s.id: s for s in story.stats}
        self.flags = {f.id: f for f in story.flags}
        self.chapter = chapter
        self.state = state
        self.scope = ex.Scope(
            self.stats, self.flags, self.resolve, chapter_of=story.chapter_of, phase_of=story.phase_of
        )

    def resolve(self, ref: str) -> str | None:
        full = ref if "." in ref else f"{self.chapter}.{ref}"
        return full if full in self.story.scenes else None

    def scene_title(self, arg: ex.Node) -> str:
        ref = arg.value if isinstance(arg, ex.Str) else "?"
        sid = self.resolve(ref)
        return self.story.scenes[sid].title if sid else ref

    def value(self, tree: ex.Node) -> ex.Value:
        if self.state is None:  # pragma: no cover - only `explain` asks, and it gives a state
            raise ValueError("a value needs a game state")
        return ex.compile_node(tree, self.scope)(self.state)

    def failing(self, tree: ex.Node, want: bool) -> str:
        """Explain why `tree` is not `want`."""
        if isinstance(tree, ex.Cmp):
            return self.comparison(tree, want)
        if isinstance(tree, ex.And | ex.Or):
            # "a and b" must hold / "a or b" must fail: all parts
            conjunction = isinstance(tree, ex.And) == want
            parts = [tree.left, tree.right]
            if conjunction:
                bad = [self.failing(p, want) for p in parts if bool(self.value(p)) != want]
                return ", and ".join(b for b in bad if b)
            return " or ".join(b for b in (self.failing(p, want) for p in parts) if b)
        if isinstance(tree, ex.Not):
            return self.failing(tree.operand, not want)
        if isinstance(tree, ex.Name) and tree.name in self.flags:
            label = self.flags[tree.name].label
            return f"only when {label}" if want else f"not when {label}"
        if isinstance(tree, ex.Call) and tree.name == "visited":
            title = self.scene_title(tree.args[0])
            return f"only after “{title}”" if want else f"only before “{title}”"
        return f"needs {self.words(tree)}" if want else f"not when {self.words(tree)}"

    def comparison(self, tree: ex.Cmp, want: bool) -> str:
        op, left, right = tree.op, tree.left, tree.right
        if not want:
            op = ex.NEGATED[op]
        if isinstance(left, ex.Num | ex.Str) and not isinstance(right, ex.Num | ex.Str):
            op, left, right = ex.MIRRORED[op], right, left
        detour = isinstance(left, ex.Name) and left.name in ex.DETOUR_NAMES
        if detour and isinstance(left, ex.Name) and isinstance(right, ex.Str) and op in ("==", "!="):
            return self.called_from(left.name, right.value, op == "==")
        if not isinstance(right, ex.Num):
            return f"needs {self.words(left)} {op} {self.words(right)}"
        k = ex.format_value(right.value)
        have = self.value(left)
        if isinstance(left, ex.Call) and left.name == "visits":
            title = self.scene_title(left.args[0])
            return f"needs {_count_phrase(op, k)} at “{title}” (so far {ex.format_value(have)})"
        if isinstance(left, ex.Name) and left.name == "strikes":
            if not have:
                return "only inside a detour"
            return f"needs {_count_phrase(op, k, 'strikes')} of this detour (this is strike {have})"
        what = self.words(left)
        if op == ">=":
            phrase = f"{what} {k}"
        elif op == ">":
            phrase = f"{what} above {k}"
        elif op == "<=":
            phrase = f"{what} {k} or less"
        elif op == "<":
            phrase = f"{what} below {k}"
        elif op == "==":
            phrase = f"{what} of exactly {k}"
        else:
            phrase = f"{what} other than {k}"
        return f"needs {phrase} (you have {ex.format_value(have)})"

    def called_from(self, name: str, value: str, want: bool) -> str:
        """`caller_phase == "competition"` in words: "only when called from a competition"."""
        if value == "":  # what every caller name gives outside a detour
            return "only outside a detour" if want else "only inside a detour"
        if name == "caller_phase":
            place = f"{'an' if value[0] in 'aeiou' else 'a'} {value}"
        elif name == "caller_chapter":
            chapter = self.story.chapters.get(value)
            place = f"“{chapter.title if chapter else value}”"
        else:
            scene = self.story.scenes.get(value)
            place = f"“{scene.title if scene and scene.title else value}”"
        return f"only when called from {place}" if want else f"not when called from {place}"

    def words(self, tree: ex.Node) -> str:
        """An expression written with the story's labels: `technique + artistry` -> Technique + Artistry."""
        match tree:
            case ex.Name():
                name = tree.name
                if name in self.stats:
                    return self.stats[name].label
                if name in self.flags:
                    return self.flags[name].label
                return _DETOUR_WORDS.get(name, name)
            case ex.Num():
                return ex.format_value(tree.value)
            case ex.Str():
                return f"“{tree.value}”"
            case ex.Bool():
                return "yes" if tree.value else "no"
            case ex.Neg():
                return f"-{self.words(tree.operand)}"
            case ex.Not():
                return f"not {self.words(tree.operand)}"
            case ex.And():
                return f"{self.words(tree.left)} and {self.words(tree.right)}"
            case ex.Or():
                return f"{self.words(tree.left)} or {self.words(tree.right)}"
            case ex.Arith() | ex.Cmp():
                other = self.other_side(tree)
                if other is not None:
                    return other
                return f"{self.words(tree.left)} {tree.op} {self.words(tree.right)}"
            case ex.Cond():
                # Without `else` the result is the empty text: then there is nothing to say.
                no = tree.no
                otherwise = "" if no == ex.Str("") else f", else {self.words(no)}"
                return f"({self.words(tree.yes)} if {self.words(tree.test)}{otherwise})"
            case ex.Call():
                name, args = tree.name, tree.args
                if name in ("visits", "visited"):
                    return f"{name} “{self.scene_title(args[0])}”"
                return f"{name}({', '.join(self.words(a) for a in args)})"
            case _:  # pragma: no cover - every kind of node is above
                assert_never(tree)

    def other_side(self, tree: ex.Arith | ex.Cmp) -> str | None:
        """The label of a pair's other side, which the linker wrote as `min + max - stat`."""
        left, right = tree.left, tree.right
        if tree.op != "-" or not isinstance(left, ex.Num) or not isinstance(right, ex.Name):
            return None
        stat = self.stats.get(right.name)
        if stat is None or not stat.opposite or left.value != stat.min + stat.max:
            return None
        return stat.opposite_label


_DETOUR_WORDS = {
    "caller_scene": "the calling scene",
    "caller_chapter": "the calling chapter",
    "caller_phase": "the calling phase",
    "strikes": "the strikes of this detour",
}


def _count_phrase(op: str, n: str, noun: str = "visits") -> str:
    """`n` visits, as `op` wants them: "more than 2 visits"."""
    if op == ">=":
        return f"{n} {noun}"
    if op == ">":
        return f"more than {n} {noun}"
    if op == "<=":
        return f"at most {n} {noun}"
    if op == "<":
        return f"fewer than {n} {noun}"
    if op == "==":
        return f"exactly {n} {noun}"
    return f"other than {n} {noun}"
