"""Playing story tests through `Session`, and saying what each expected and what it found.

A path plays its choices in order with the game's own `Session.choose` (a scene's single
"Continue" is taken for the author, so a path lists only real choices), then goes on through
any "Continue" up to the next real choice or an ending. What it reads (texts, stats at a scene)
is what the player would see at each stop. A persona plays its careers by engine/author/
storytest/persona.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine.author.storytest.files import story_test_files
from engine.author.storytest.format import At, PathCase, PersonaCase, TestFile, parse_tests
from engine.author.storytest.persona import Persona
from engine.core import template as tpl
from engine.core.diagnostics import Diagnostic
from engine.core.model import CONTINUE, Story
from engine.core.safe_read import FileRefused
from engine.load.folder import read_story_file
from engine.play.session import ChoiceError, Session

MAX_CONTINUES = 1_000  # "Continue"s followed after the last choice before giving up (a loop)


@dataclass(frozen=True, slots=True)
class Failure:
    """One expectation that did not hold: where it is written, and what was found instead."""

    file: str
    at: At
    case: str
    message: str

    def format(self) -> str:
        return f"{self.file}:{self.at.line}:{self.at.col}: {self.case}: {self.message}"


@dataclass
class Outcome:
    """What running a story's tests gave: cases run, failures, and problems in the files."""

    cases: int = 0
    failures: list[Failure] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures and not any(p.is_error for p in self.problems)


def run_story_tests(story: Story, folder: Path, display: str) -> Outcome:
    """Read and run every test file of the story in `folder`; `display` is how paths are shown."""
    outcome = Outcome()
    for path in story_test_files(folder):
        shown = f"{display.rstrip('/')}/{path.relative_to(folder).as_posix()}"
        outcome.files += 1
        try:
            data = read_story_file(path, folder)
        except (FileRefused, OSError) as err:
            reason = err.reason if isinstance(err, FileRefused) else err.strerror or str(err)
            outcome.problems.append(Diagnostic("E002", f"cannot read the file: {reason}", shown, 1, 1))
            continue
        run_file(story, parse_tests(data, shown, story), outcome)
    outcome.failures.sort(key=lambda f: (f.file, f.at.line, f.at.col))
    return outcome


def run_file(story: Story, tests: TestFile, outcome: Outcome) -> None:
    """Run one parsed file's cases into `outcome`. A file with errors runs nothing."""
    outcome.problems.extend(tests.problems)
    if any(p.is_error for p in tests.problems):
        return
    for case in tests.paths:
        outcome.cases += 1
        outcome.failures.extend(
            Failure(tests.path, at, case.name, msg) for at, msg in check_path(story, case)
        )
    for persona in tests.personas:
        outcome.cases += 1
        outcome.failures.extend(
            Failure(tests.path, at, persona.name, msg) for at, msg in check_persona(story, persona)
        )


def check_path(story: Story, case: PathCase) -> list[tuple[At, str]]:
    """Play the path and return each expectation that failed, as (where written, what was found)."""
    session = Session(story, case.seed, history=False)
    shown: list[str] = []
    bounds_at = {sid: bounds for sid, _, bounds in case.stats_at}
    stood: set[str] = set()
    failures: list[tuple[At, str]] = []

    def stop() -> None:
        """Read what the player sees where play now rests."""
        sid = session.state.scene
        shown.append(tpl.to_plain(session.text))
        shown.extend(view.label for view in session.choices)
        if sid in bounds_at:
            stood.add(sid)
            for b in bounds_at[sid]:
                value = session.state.stats[b.stat]
                if not b.holds(value):
                    failures.append((b.at, f"at {sid}: expected {b.stat} {b.describe()}, found {value}"))

    def go(cid: str) -> None:
        result = session.choose(cid)
        if result.outcome is not None:
            shown.append(tpl.to_plain(result.outcome))
        stop()

    stop()
    for cid, at in case.choices:
        while cid != CONTINUE and session.open_choices() == (CONTINUE,):
            go(CONTINUE)
        try:
            go(cid)
        except ChoiceError as err:
            open_ = ", ".join(session.open_choices()) or "none"
            failures.append((at, f"cannot choose `{cid}` at {session.state.scene}: {err} (open: {open_})"))
            return failures
    for _ in range(MAX_CONTINUES):
        if session.open_choices() != (CONTINUE,):
            break
        go(CONTINUE)
    state = session.state
    if case.ending is not None:
        expected, at = case.ending
        if not session.ended:
            failures.append(
                (at, f"expected the ending {expected}, found no ending: the career is at {state.scene}")
            )
        elif state.scene != expected:
            failures.append((at, f"expected the ending {expected}, found the ending {state.scene}"))
    for sid, at in case.visits:
        if not state.visits.get(sid):
            failures.append((at, f"expected a visit to {sid}, found none"))
    for sid, at in case.avoids:
        if state.visits.get(sid):
            failures.append((at, f"expected no visit to {sid}, found {state.visits[sid]}"))
    for fid, value, at in case.flags:
        if state.flags[fid] != value:
            failures.append(
                (at, f"expected flag {fid} {str(value).lower()}, found {str(state.flags[fid]).lower()}")
            )
    for b in case.stats:
        if not b.holds(state.stats[b.stat]):
            failures.append(
                (b.at, f"expected {b.stat} {b.describe()} at the end, found {state.stats[b.stat]}")
            )
    for sid, at, _ in case.stats_at:
        if sid not in stood:
            failures.append((at, f"expected to stop at {sid} to read its stats, but the career never did"))
    text = "\n".join(shown)
    for words, at in case.shows:
        if words not in text:
            failures.append((at, f"expected the text {words!r} to be shown, found it nowhere"))
    for words, at in case.hides:
        if words in text:
            failures.append((at, f"expected the text {words!r} never to be shown, found it"))
    return failures


@dataclass(frozen=True, slots=True)
class PersonaRun:
    """What a persona's careers did: how many reached each ending, and how many got stuck."""

    careers: int
    endings: dict[str, int]
    stuck: int

    def share(self, ending: str) -> float:
        return self.endings.get(ending, 0) / self.careers if self.careers else 0.0


def play_persona(story: Story, prefer: frozenset[str], careers: int, seed: int) -> PersonaRun:
    persona = Persona(story, prefer)
    endings: Counter[str] = Counter()
    stuck = 0
    for index in range(careers):
        session = persona.play(seed, index)
        if session.ended:
            endings[session.state.scene] += 1
        else:
            stuck += 1
    return PersonaRun(careers, dict(endings), stuck)


def check_persona(story: Story, case: PersonaCase) -> list[tuple[At, str]]:
    result = play_persona(story, case.prefer, case.careers, case.seed)
    failures: list[tuple[At, str]] = []
    for share in case.endings:
        found = result.share(share.ending)
        if not share.holds(found):
            failures.append(
                (
                    share.at,
                    f"expected {share.ending} in {share.describe()} of {case.careers:,} careers, "
                    f"found {found:.1%} ({result.endings.get(share.ending, 0):,})",
                )
            )
    if result.stuck:
        failures.append((case.at, f"expected every career to end, found {result.stuck:,} stuck"))
    return failures
