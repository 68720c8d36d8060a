"""Problems found in a story, with stable codes an author can look up.

Every diagnostic names its file, line and column (1-based), the scene it belongs to when there
is one, and a hint where the engine can guess the fix. Codes never change meaning once
published: tools and the authoring guide (docs/authoring.md) depend on them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from engine.core.textsafe import one_line, visible


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: code -> (severity, short title). The title is what the authoring guide lists.
CODES: dict[str, tuple[Severity, str]] = {
    # reading the file
    "E001": (Severity.ERROR, "YAML syntax error"),
    "E002": (Severity.ERROR, "file is not UTF-8 text"),
    "E003": (Severity.ERROR, "empty file"),
    "E004": (Severity.ERROR, "top level is not a mapping"),
    "E005": (Severity.ERROR, "tag not allowed (for example !!python/...)"),
    "E006": (Severity.ERROR, "duplicate key"),
    "E007": (Severity.ERROR, "YAML 1.1 word read as true/false"),
    "E008": (Severity.ERROR, "YAML 1.1 number or date surprise"),
    "E009": (Severity.ERROR, "file or text too large"),
    "E010": (Severity.ERROR, "nesting too deep"),
    "E011": (Severity.ERROR, "anchors and aliases are not supported"),
    "E012": (Severity.ERROR, "control characters in text"),
    # the shape of the story
    "E020": (Severity.ERROR, "unknown key"),
    "E021": (Severity.ERROR, "missing key"),
    "E022": (Severity.ERROR, "wrong kind of value"),
    "E023": (Severity.ERROR, "invalid value"),
    "E024": (Severity.ERROR, "invalid name"),
    "E025": (Severity.ERROR, "person in the cast twice"),
    "E026": (Severity.ERROR, "chapter defined twice"),
    "E027": (Severity.ERROR, "manifest missing or misplaced"),
    "E028": (Severity.ERROR, "conflicting keys"),
    "E029": (Severity.ERROR, "stat or flag declared in two places"),
    # effects
    "E030": (Severity.ERROR, "malformed effect"),
    "E031": (Severity.ERROR, "unknown stat"),
    "E032": (Severity.ERROR, "unknown flag"),
    "E033": (Severity.ERROR, "effect always pushes a stat out of its range"),
    # expressions and text
    "E040": (Severity.ERROR, "expression syntax error"),
    "E041": (Severity.ERROR, "unknown name in expression"),
    "E042": (Severity.ERROR, "unknown function or wrong number of arguments"),
    "E043": (Severity.ERROR, "type error in expression"),
    "E044": (Severity.ERROR, "visits() of an unknown scene"),
    "E045": (Severity.ERROR, "expression too long or too deeply nested"),
    "E046": (Severity.ERROR, "malformed text template"),
    "E048": (Severity.ERROR, "a caller name compared with a phase, chapter or scene that does not exist"),
    # the graph
    "E050": (Severity.ERROR, "unknown goto target"),
    "E051": (Severity.ERROR, "unknown call target"),
    "E052": (Severity.ERROR, "graft onto a missing scene"),
    "E053": (Severity.ERROR, "graft conflict"),
    "E054": (Severity.ERROR, "duplicate choice id"),
    "E056": (Severity.ERROR, "return with no caller"),
    "E057": (Severity.ERROR, "scene with no way out"),
    "E058": (Severity.ERROR, "start scene missing"),
    "E059": (Severity.ERROR, "scenes without text loop forever"),
    # story tests (engine/author/storytest)
    "E060": (Severity.ERROR, "story test names something the story does not have"),
    # warnings: the story runs, but something is probably wrong
    "W100": (Severity.WARNING, "unreachable scene"),
    "W101": (Severity.WARNING, "ending never reachable"),
    "W102": (Severity.WARNING, "stat never used"),
    "W103": (Severity.WARNING, "flag never read"),
    "W104": (Severity.WARNING, "flag never set"),
    "W105": (Severity.WARNING, "no ending can be reached from here"),
    "W106": (Severity.WARNING, "every choice is conditional"),
    "W107": (Severity.WARNING, "no unconditional branch in next"),
    "W108": (Severity.WARNING, "chance always clamped"),
    "W109": (Severity.WARNING, "condition is constant"),
    "W110": (Severity.WARNING, "story has no endings"),
    "W111": (Severity.WARNING, "choice can never be open"),
    "W112": (Severity.WARNING, "branch of next never taken"),
    "W113": (Severity.WARNING, "chance always at its cap"),
    "W114": (Severity.WARNING, "ending out of reach of every career's stats"),
    "W115": (Severity.WARNING, "grafted branch never returns"),
    "W116": (Severity.WARNING, "detour called from several phases reads the same from each"),
    "W120": (Severity.WARNING, "asterisks an expression prints as they are"),
    "W121": (Severity.WARNING, "every choice is once-only, with no fallback"),
    "W122": (Severity.WARNING, "several fallback choices in one scene"),
    "W123": (Severity.WARNING, "revisit text never shown"),
    "W124": (Severity.WARNING, "a detour can call itself again before it returns"),
    "W125": (Severity.WARNING, "text adds to a stat its own scene's effects have changed"),
    "W126": (Severity.WARNING, "text cut short by a ` #` that YAML reads as a comment"),
    "W127": (Severity.WARNING, "a called detour that never returns"),
    "W128": (Severity.WARNING, "a detour that leaves by goto for where its call goes on"),
}

#: Codes proven from the stat ranges (engine/author/ranges/solve.py): `--format json` marks them "proof".
PROVEN = frozenset({"W111", "W112", "W113", "W114"})


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a story file."""

    code: str
    message: str
    file: str
    line: int = 0
    col: int = 0
    scene: str | None = None
    hint: str | None = None
    #: How many more problems follow from this one and are not shown: a chapter that failed
    #: to load makes every goto into it "missing", and the author should read the cause.
    follow_ons: int = 0
    #: The cause of problems printed after it (a stat renamed where it is declared, before its
    #: uses, each now unknown): sorted first, with the problems in reading and shape.
    cause: bool = False

    def __post_init__(self) -> None:
        """A message quotes keys, file names and did-you-mean words from the story, which the
        loader reports but cannot always clean first (a file's own name): any control or bidi
        character in them is written out as `<U+001B>`, so no diagnostic, wherever it is shown
        (check, play, simulate, graph, the app's dialog, JSON), can steer a terminal.

        Every line break is folded into a space first: a message that quotes wrapped text (a
        string literal in a folded `{if}`) would otherwise print one problem on two lines, and
        editors and CI parse `file:line:col: ...` one line per problem."""
        for field in ("message", "file", "scene", "hint"):
            text = getattr(self, field)
            if text is not None:
                safe = visible(one_line(text))
                if safe != text:
                    object.__setattr__(self, field, safe)

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """`file:line:col: error: CODE message (hint) [scene]`: one line, for people and editors.

        It is the form compilers print (`file:line:col: severity: message`), so the problem
        matchers of VS Code (`$gcc`, and the one in .vscode/tasks.json), Vim's quickfix list and
        Emacs's compilation mode jump from it to the place; the code, first in the message,
        names the guide's entry (docs/authoring.md, "Checking a story: every code")."""
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: {self.severity.value}: {self.code} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.scene:
            text += f" [{self.scene}]"
        if self.follow_ons:
            text += f"; {follows(self.follow_ons)}"
        return text

    def to_json(self) -> dict[str, object]:
        return (
            {
                "file": self.file,
                "line": self.line,
                "col": self.col,
                "severity": self.severity.value,
                "code": self.code,
                "message": self.message,
                "hint": self.hint,
                "scene": self.scene,
            }
            | ({"kind": "proof"} if self.code in PROVEN else {})
            | ({"follow_ons": self.follow_ons} if self.follow_ons else {})
        )


def follows(n: int) -> str:
    """`and 3 more problems that follow from this one`: what a root cause held back."""
    return f"and {n} more problem{'s' * (n != 1)} that follow{'s' * (n == 1)} from this one"


def sort_key(d: Diagnostic) -> tuple[bool, str, int, int, str]:
    """Problems in reading a file and in its shape (E001-E029), and any other that is marked as
    the cause of others, first; then the rest, each by place: a file that failed to read, or a
    stat left out, is the cause of what comes after, so the author reads it first."""
    return (not (d.cause or (d.is_error and d.code < "E030")), d.file, d.line, d.col, d.code)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest known word, or None when nothing is close."""
    pool = sorted(set(candidates) - {word})  # the word itself is never news
    if not pool:
        return None
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean `{close[0]}`?" if close else None


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    errors = warnings = 0
    for d in diagnostics:
        if d.is_error:
            errors += 1
        else:
            warnings += 1
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
