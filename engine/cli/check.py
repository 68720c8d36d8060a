"""`main.py check`: every error and warning of the stories named, once or on every save.

Exit codes: 0 no errors (warnings allowed), 1 errors, 2 no such story or nothing to check.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import TextIO

from engine.author.check import CheckedStory
from engine.author.metrics import figures
from engine.cli.common import load
from engine.core.diagnostics import CODES, PROVEN, Diagnostic, follows, summary
from engine.load.folder import (
    MANIFEST,
    StoryNotFound,
    bundled_stories,
    display_path,
    find_story,
    story_folder_of,
)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.watch and args.format == "github":
        out.write(
            "error: --format github is for a run in GitHub Actions, not for --watch (use text or json)\n"
        )
        return 2
    if args.watch:
        return watch(args.stories, args.format, not args.no_cache, out, show_ranges=args.ranges)
    return check(
        args.stories, args.format, not args.no_cache, out, show_ranges=args.ranges, show_stats=args.stats
    )


def check(
    names: list[str],
    fmt: str,
    cache: bool,
    out: TextIO,
    *,
    show_ranges: bool = False,
    show_stats: bool = False,
) -> int:
    names = names or bundled_stories()
    if not names:
        out.write("error: no stories to check\n")
        return 2
    reports: list[tuple[str, CheckedStory]] = []
    seen: set[Path] = set()
    for given in names:
        name = _story_name(given, fmt, out)
        if name is None:
            continue
        if name == "":
            return 2
        result = load(name, cache, out, ranges=True)  # the range warnings are part of `check`
        if result is None:
            return 2
        where = result.path.resolve() if result.path else None
        if where in seen:  # `check stories/demo/*.yaml` checks the story once
            continue
        if where is not None:
            seen.add(where)
        reports.append((name, result))
    if not reports:
        out.write(f"error: nothing to check: {', '.join(names)} named no story ({TAKES})\n")
        return 2
    everything: list[Diagnostic] = [d for _, r in reports for d in r.diagnostics]
    errors = sum(d.is_error for d in everything)
    if fmt == "json":
        doc = {
            "stories": [
                {
                    "story": name,
                    "path": str(r.path),
                    "scenes": len(r.story.scenes) if r.story else 0,
                    "errors": len(r.errors),
                    "warnings": len(r.warnings),
                    "diagnostics": [d.to_json() for d in r.diagnostics],
                }
                | (_ranges_json(r) if show_ranges else {})
                | ({"figures": figures(r.story).to_json() if r.story else None} if show_stats else {})
                for name, r in reports
            ],
            "errors": errors,
            "warnings": len(everything) - errors,
        }
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        line = github_annotation if fmt == "github" else Diagnostic.format
        for d in everything:
            out.write(line(d) + "\n")
        out.write(proof_note(everything))
        if show_ranges:
            for name, r in reports:
                out.write(_ranges_text(name, r))
        if show_stats:
            for name, r in reports:
                out.write(_figures_text(name, r))
        scenes = sum(len(r.story.scenes) for _, r in reports if r.story)
        plural = "y" if len(reports) == 1 else "ies"
        out.write(f"checked {len(reports)} stor{plural}, {scenes} scenes: {summary(everything)}\n")
    return 1 if errors else 0


TAKES = "check takes story ids, story folders, or files inside a story folder"


def github_annotation(d: Diagnostic) -> str:
    """One problem as a GitHub Actions workflow command, which the run's summary and the pull
    request's changed files show at its line: `::error file=F,line=L,col=C,title=E020: unknown
    key::message`. The hint goes on a line of its own under the message, as GitHub shows it.

    Workflow commands have their own escapes: `%`, CR and LF in the message; those and `:` and
    `,` in a property, where they would end the value."""
    level = "error" if d.is_error else "warning"
    place = [] if _folder(d.file) else [f"file={_property(d.file)}"]
    if d.line:
        place += [f"line={d.line}", f"col={d.col}"]
    title = f"{d.code}: {CODES[d.code][1]}"
    message = d.message + (f" [{d.scene}]" if d.scene else "")
    if d.follow_ons:
        message += f"; {follows(d.follow_ons)}"
    if d.hint:
        message += f"\n{d.hint}"
    return f"::{level} {','.join([*place, f'title={_property(title)}'])}::{_data(message)}"


def _folder(path: str) -> bool:
    """Whether a problem is about a story folder (no story.yaml in it), which is no file to mark."""
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):  # a name too long for the system, say: not a folder
        return False


def _data(text: str) -> str:
    """A workflow command's message, escaped so that it stays one command on one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value: a `:` or `,` in it would end it."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _story_name(given: str, fmt: str, out: TextIO) -> str | None:
    """What to load for one name `check` was given: the name itself (an id or a folder), the
    story folder a story file belongs to, None to skip a file that is not a story's (`check
    stories/*` also names a README), or "" after saying that a YAML file belongs to no story."""
    path = Path(given)
    if not path.is_file() or path.name == MANIFEST:
        return given
    if path.suffix not in (".yaml", ".yml"):
        if fmt != "json":
            out.write(f"note: skipped {given}: a file, not a story folder\n")
        return None
    folder = story_folder_of(path)
    if folder is None:
        out.write(f"error: {given} belongs to no story: no {MANIFEST} in its folder or above ({TAKES})\n")
        return ""
    shown = display_path(folder)
    if fmt != "json":
        out.write(f"note: checking {shown}, the story {given} belongs to\n")
    return shown


def proof_note(diagnostics: list[Diagnostic]) -> str:
    """What the range warnings are, said once under them: proofs, quoting limits (not estimates)."""
    codes = sorted({d.code for d in diagnostics if d.code in PROVEN})
    if not codes:
        return ""
    if len(codes) == 1:
        named, it, rules, quotes = f"{codes[0]} is a proof", "it", "rules", "quotes"
    else:
        named = f"{', '.join(codes[:-1])} and {codes[-1]} are proofs"
        it, rules, quotes = "they", "rule", "quote"
    return (
        f"note: {named}, over every path from the start: what {it} {rules} out never happens in any"
        f" career. The limits {it} {quotes} are never passed, though a career may stop short of them.\n"
    )


def _ranges_text(name: str, result: CheckedStory) -> str:
    from engine.author.ranges.report import as_text

    if result.story is None or result.ranges is None:
        return f"{name}: no stat bounds while the story has errors; fix them first\n"
    return f"{name}: " + as_text(result.story, result.ranges)


def _figures_text(name: str, result: CheckedStory) -> str:
    """The static figures the careers standard sets targets for (docs/authoring.md, `check`)."""
    if result.story is None:
        return f"{name}: no figures while the story has errors; fix them first\n"
    f = figures(result.story)
    return (
        f"{name}: {f.scenes} scenes in {f.chapters} chapters, {f.endings} endings,"
        f" {f.words:,} words a player can be shown\n"
        f"  choice scenes whose options all lead to the same scene  {f.funnels} of {f.choice_scenes}"
        f" ({f.funnel_share:.1%})\n"
    )


def _ranges_json(result: CheckedStory) -> dict[str, object]:
    from engine.author.ranges.report import as_json

    if result.story is None or result.ranges is None:
        return {"ranges": None}
    return {"ranges": as_json(result.story, result.ranges)}


def watch(names: list[str], fmt: str, cache: bool, out: TextIO, *, show_ranges: bool = False) -> int:
    from engine.cli.check_watch import watch_check

    names = names or bundled_stories()
    folders: list[Path] = []
    watched: list[tuple[str, Path | None]] = []  # each name, with its folder (None: a file `check` skips)
    for name in names:
        path = Path(name)
        if path.is_file() and path.name != MANIFEST and path.suffix not in (".yaml", ".yml"):
            watched.append((name, None))  # skipped by `check` too, with a note
            continue
        try:
            owner = story_folder_of(path) if path.is_file() else None
            folder = owner or find_story(name).resolve()
        except StoryNotFound as err:
            out.write(f"error: {err}\n")
            return 2
        watched.append((name, folder))
        if folder not in folders:
            folders.append(folder)
    if not folders:
        out.write("error: no stories to check\n")
        return 2
    # called with the stream to report to
    recheck = functools.partial(check_present, watched, fmt, cache, show_ranges=show_ranges)
    return watch_check(folders, recheck, out, json_lines=fmt == "json")


def check_present(
    watched: list[tuple[str, Path | None]], fmt: str, cache: bool, out: TextIO, *, show_ranges: bool = False
) -> int:
    """`check` of the watched stories whose folders are there; one moved away meanwhile is named
    as gone, and checked again once it is back."""
    present = [name for name, folder in watched if folder is None or folder.is_dir()]
    gone = list(dict.fromkeys(folder for _, folder in watched if folder is not None and not folder.is_dir()))
    notes = sys.stderr if fmt == "json" and present else out  # JSON reports keep stdout to themselves
    for folder in gone:
        notes.write(
            f"note: the story folder {folder} is gone (moved, renamed or deleted); put it back to check it\n"
        )
    return check(present, fmt, cache, out, show_ranges=show_ranges) if present else 2
