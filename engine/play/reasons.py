"""Why a choice is locked, in words built from its condition and the player's numbers.

"needs Technique 60 (you have 54)" tells a player what to work on; "technique >= 60" does
not. Only the parts of a condition that fail are explained, with the story's own labels.
An author can always replace the result with `reason:` on the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.core import expr as ex
from engine.core.model import Story


def explain(tree: Sequence[Any], state: Any, story: Story, chapter: str) -> str:
    """A short reason the condition `tree` (written in `chapter`) is false in `state`."""
    return _Explainer(story, state, chapter).failing(tree, want=True) or "not available yet"


def in_words(tree: Sequence[Any], story: Story, chapter: str) -> str:
    """An expression written with the story's labels: `technique + artistry` -> Technique + Artistry."""
    return _Explainer(story, None, chapter).words(tree)


class _Explainer:
    def __init__(self, story: Story, state: Any, chapter: str):
        self.story = story
        self.state = state
        self.stats = {s.id: s for s in story.stats}
        self.flags = {f.id: f for f in story.flags}
        self.chapter = chapter
        self.scope = ex.Scope(self.stats, self.flags, self.resolve)

    def resolve(self, ref: str) -> str | None:
        full = ref if "." in ref else f"{self.chapter}.{ref}"
        return full if full in self.story.scenes else None

    def value(self, tree: Sequence[Any]) -> Any:
        return ex.compile_node(tree, self.scope)(self.state)

    def failing(self, tree: Sequence[Any], want: bool) -> str:
        """Explain why `tree` is not `want`."""
        kind = tree[0]
        if kind == "not":
            return self.failing(tree[1], not want)
        if kind in ("and", "or"):
            conjunction = (kind == "and") == want  # "a and b" must hold / "a or b" must fail: all parts
            parts = [tree[1], tree[2]]
            if conjunction:
                bad = [self.failing(p, want) for p in parts if bool(self.value(p)) != want]
                return ", and ".join(b for b in bad if b)
            return " or ".join(b for b in (self.failing(p, want) for p in parts) if b)
        if kind == "name" and tree[1] in self.flags:
            label = self.flags[tree[1]].label
            return f"only when {label}" if want else f"not when {label}"
        if kind == "call" and tree[1] == "visited":
            title = self.scene_title(tree[2][0])
            return f"only after “{title}”" if want else f"only before “{title}”"
        if kind == "cmp":
            return self.comparison(tree, want)
        return f"needs {self.words(tree)}" if want else f"not when {self.words(tree)}"

    def comparison(self, tree: Sequence[Any], want: bool) -> str:
        op, left, right = tree[1], tree[2], tree[3]
        if not want:
            op = ex.NEGATED[op]
        if left[0] == "num" and right[0] != "num":
            op, left, right = ex.MIRRORED[op], right, left
        if right[0] != "num":
            return f"needs {self.words(left)} {op} {self.words(right)}"
        k = ex.format_value(right[1])
        have = self.value(left)
        if left[0] == "call" and left[1] == "visits":
            title = self.scene_title(left[2][0])
            return f"needs {self.count_phrase(op, right[1])} at “{title}” (so far {ex.format_value(have)})"
        what = self.words(left)
        phrase = {
            ">=": f"{what} {k}",
            ">": f"{what} above {k}",
            "<=": f"{what} {k} or less",
            "<": f"{what} below {k}",
            "==": f"{what} of exactly {k}",
            "!=": f"{what} other than {k}",
        }[op]
        if have is None:
            return f"needs {phrase}"
        return f"needs {phrase} (you have {ex.format_value(have)})"

    def count_phrase(self, op: str, k: Any) -> str:
        n = ex.format_value(k)
        return {
            ">=": f"{n} visits",
            ">": f"more than {n} visits",
            "<=": f"at most {n} visits",
            "<": f"fewer than {n} visits",
            "==": f"exactly {n} visits",
            "!=": f"other than {n} visits",
        }[op]

    def scene_title(self, arg: Sequence[Any]) -> str:
        ref = arg[1] if arg[0] == "str" else "?"
        sid = self.resolve(ref)
        return self.story.scenes[sid].title if sid else ref

    def words(self, tree: Sequence[Any]) -> str:
        """An expression written with the story's labels: `technique + artistry` -> Technique + Artistry."""
        kind = tree[0]
        if kind == "name":
            name = tree[1]
            if name in self.stats:
                return self.stats[name].label
            if name in self.flags:
                return self.flags[name].label
            return name
        if kind == "num":
            return ex.format_value(tree[1])
        if kind == "str":
            return f"“{tree[1]}”"
        if kind == "bool":
            return "yes" if tree[1] else "no"
        if kind == "neg":
            return f"-{self.words(tree[1])}"
        if kind == "not":
            return f"not {self.words(tree[1])}"
        if kind in ("and", "or"):
            return f"{self.words(tree[1])} {kind} {self.words(tree[2])}"
        if kind in ("bin", "cmp"):
            return f"{self.words(tree[2])} {tree[1]} {self.words(tree[3])}"
        if kind == "cond":
            return f"({self.words(tree[2])} or {self.words(tree[3])})"
        if kind == "call":
            if tree[1] in ("visits", "visited"):
                return f"{tree[1]} “{self.scene_title(tree[2][0])}”"
            return f"{tree[1]}({', '.join(self.words(a) for a in tree[2])})"
        return "?"  # pragma: no cover
