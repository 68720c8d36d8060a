"""The command line behind `main.py`: parse arguments, call the engine, print, exit.

Exit codes: 0 done, 1 the story has errors, 2 bad usage (unknown story, bad arguments),
3 a story fault during play, 130 interrupted. No traceback reaches a player: an unexpected
error prints one line (set POINTE_EDGE_DEBUG=1 to see the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from engine.author.check import load_checked
from engine.core.diagnostics import PROVEN, Diagnostic, summary
from engine.load.folder import LoadResult, StoryNotFound, bundled_stories, find_story

if TYPE_CHECKING:
    from engine.saves.format import Career
    from engine.saves.store import SaveStore

SAVES_ENV = "POINTE_EDGE_SAVES"  # engine.saves.store.ENV, named here so --help costs no import

PROG = "main.py"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Pointe & Edge: live the career of a skater or a dancer, in your terminal.",
        epilog="With no command, the full-screen game opens.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a career (add --plain for plain text)")
    play.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    play.add_argument("--plain", action="store_true", help="plain text on stdin/stdout")
    play.add_argument("--seed", type=int, help="the career's seed (the same seed and choices replay exactly)")
    play.add_argument("--choices", help="choices to make first, by number or id: 2,1,3")
    play.add_argument("--no-cache", action="store_true", help="parse the story afresh, bypassing the cache")
    play.add_argument(
        "--author",
        action="store_true",
        help="author mode: the chapter map, warp to any scene, and reload on every save",
    )

    check = sub.add_parser("check", help="check stories for errors and warnings")
    check.add_argument(
        "stories", nargs="*", metavar="STORY", help="story ids or folders (default: all bundled)"
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")
    check.add_argument(
        "--watch", action="store_true", help="check again every time a story file is saved (Ctrl-C stops)"
    )
    check.add_argument(
        "--ranges",
        action="store_true",
        help="also print each stat's proven bounds in each chapter and at each ending",
    )

    graph = sub.add_parser("graph", help="export a story's scene graph for Graphviz or Mermaid")
    graph.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    graph.add_argument(
        "--format",
        choices=("dot", "mermaid"),
        help="dot (Graphviz) or mermaid (default: from the --out file's name, else dot)",
    )
    graph.add_argument("--out", metavar="FILE", help="write to this file instead of standard output")
    graph.add_argument("--chapter", metavar="ID", help="only this chapter, with the scenes it connects to")
    graph.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

    sim = sub.add_parser(
        "simulate",
        help="play many seeded careers and report coverage, endings, stats and stuck careers",
    )
    sim.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    sim.add_argument("--runs", type=_count, default=1000, metavar="N", help="careers to play (default 1000)")
    sim.add_argument("--seed", type=int, default=1, metavar="S", help="the run's seed (default 1)")
    sim.add_argument(
        "--strategy",
        choices=("random", "explore"),
        default="random",
        help="random: choose uniformly, like a blind player; explore: steer to what no career has done yet",
    )
    sim.add_argument(
        "--jobs", type=_count, default=1, metavar="J", help="worker processes (0: one per core; default 1)"
    )
    sim.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    sim.add_argument(
        "--max-steps",
        type=_count,
        default=5000,
        metavar="N",
        help="a career still going after this many choices is reported as stuck (default 5000)",
    )
    sim.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

    sub.add_parser("stories", help="list the bundled stories")

    saves = sub.add_parser("saves", help="list, show, export, import or delete saved careers")
    actions = saves.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="saved careers, most recent first")
    listing.add_argument("--story", help="only the careers of this story")
    show = actions.add_parser("show", help="one career in detail")
    show.add_argument("save", help="a save id (or the start of one)")
    export = actions.add_parser("export", help="write a career to one portable JSON file")
    export.add_argument("save")
    export.add_argument("--out", default=".", help="a file, or a folder to write it in (default: here)")
    imp = actions.add_parser("import", help="store a career from an exported file")
    imp.add_argument("file")
    delete = actions.add_parser("delete", help="delete a saved career")
    delete.add_argument("save")
    delete.add_argument("--yes", action="store_true", help="do not ask first")

    replay = sub.add_parser("replay", help="replay a saved career step by step, in plain text")
    replay.add_argument("save", help="a save id (or the start of one)")
    replay.add_argument("--all", action="store_true", help="print every step and the chart, then stop")
    replay.add_argument("--story", help="the story folder, when it is not a bundled one")

    for parser in (p, play, saves, replay, listing, show, export, imp, delete):
        parser.add_argument(
            "--saves",
            metavar="DIR",
            default=argparse.SUPPRESS if parser is not p else None,
            help=f"the save folder (default: ${SAVES_ENV} or saves/)",
        )
    return p


def _count(text: str) -> int:
    """A whole number of at least 0, for --runs, --jobs and --max-steps."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is below 0")
    return value


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, inp: TextIO | None = None) -> int:
    out = out or sys.stdout
    inp = inp or sys.stdin
    _tolerant(out)
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv), out, inp)
    except KeyboardInterrupt:
        out.write("\nInterrupted. Goodbye.\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # the last guard: one line, never a traceback, unless debugging
        if os.environ.get("POINTE_EDGE_DEBUG"):
            traceback.print_exc()
        out.write(f"Something went wrong inside the game: {type(err).__name__}: {err}\n")
        out.write("This is a bug. Run again with POINTE_EDGE_DEBUG=1 to see the details.\n")
        return 70


def _tolerant(stream: TextIO) -> None:
    """A terminal that cannot show some characters gets `?` instead of a UnicodeEncodeError."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # detached or odd streams keep their ways
            reconfigure(errors="replace")


def _dispatch(argv: list[str], out: TextIO, inp: TextIO) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        return _tui(out, saves=args.saves)
    if args.command == "stories":
        return _stories(out)
    if args.command == "check":
        if args.watch:
            return _check_watch(args.stories, args.format, not args.no_cache, out, show_ranges=args.ranges)
        return _check(args.stories, args.format, not args.no_cache, out, show_ranges=args.ranges)
    if args.command == "graph":
        return _graph(args, out)
    if args.command == "simulate":
        return _simulate(args, out)
    if args.command == "play":
        if args.author and args.plain:
            out.write("error: --author needs the full-screen game (the map and warp); drop --plain\n")
            return 2
        if not args.plain:
            try:
                find_story(args.story)
            except StoryNotFound as err:
                out.write(f"error: {err}\n")
                return 2
            saves = getattr(args, "saves", None)
            return _tui(out, story=args.story, saves=saves, seed=args.seed, author=args.author)
        return _play_plain(args, out, inp)
    if args.command == "saves":
        return _saves(args, out, inp)
    if args.command == "replay":
        return _replay(args, out, inp)
    raise AssertionError(args.command)  # pragma: no cover


def _tui(out: TextIO, **options: object) -> int:
    """The full-screen game. Textual is imported only here, so every other command stays light."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not os.environ.get("POINTE_EDGE_FORCE_TUI"):
        out.write("The full-screen game needs a terminal. Without one, play in plain text:\n")
        out.write(f"  uv run {PROG} play {options.get('story') or 'demo'} --plain\n")
        return 2
    from engine.tui import run

    return run(**options)  # type: ignore[arg-type]


def _stories(out: TextIO) -> int:
    for sid in bundled_stories():
        result = load_checked(sid)
        story = result.story
        if story is None:
            out.write(f"{sid:<12} (does not load: run `{PROG} check {sid}`)\n")
            continue
        who = f"{story.protagonist}, {story.discipline}".strip(", ")
        out.write(
            f"{sid:<12} {story.title} — {who} ({len(story.scenes)} scenes, {len(story.endings)} endings)\n"
        )
    return 0


def _load(name: str, cache: bool, out: TextIO, *, ranges: bool = False) -> LoadResult | None:
    try:
        return load_checked(name, cache=cache, ranges=ranges)
    except StoryNotFound as err:
        out.write(f"error: {err}\n")
        return None


def _check(names: list[str], fmt: str, cache: bool, out: TextIO, *, show_ranges: bool = False) -> int:
    names = names or bundled_stories()
    if not names:
        out.write("error: no stories to check\n")
        return 2
    reports: list[tuple[str, LoadResult]] = []
    for name in names:
        path = Path(name)
        if path.is_file() and path.name != "story.yaml":  # `check stories/*` also names a README
            if fmt == "text":
                out.write(f"note: skipped {name}: a file, not a story folder\n")
            continue
        result = _load(name, cache, out, ranges=True)  # the range warnings are part of `check`
        if result is None:
            return 2
        reports.append((name, result))
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
                for name, r in reports
            ],
            "errors": errors,
            "warnings": len(everything) - errors,
        }
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        for d in everything:
            out.write(d.format() + "\n")
        out.write(_proof_note(everything))
        if show_ranges:
            for name, r in reports:
                out.write(_ranges_text(name, r))
        scenes = sum(len(r.story.scenes) for _, r in reports if r.story)
        plural = "y" if len(reports) == 1 else "ies"
        out.write(f"checked {len(reports)} stor{plural}, {scenes} scenes: {summary(everything)}\n")
    return 1 if errors else 0


def _proof_note(diagnostics: list[Diagnostic]) -> str:
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


def _ranges_text(name: str, result: LoadResult) -> str:
    from engine.author.ranges.report import as_text

    if result.story is None or result.ranges is None:
        return f"{name}: no stat bounds while the story has errors; fix them first\n"
    return f"{name}: " + as_text(result.story, result.ranges)


def _ranges_json(result: LoadResult) -> dict[str, object]:
    from engine.author.ranges.report import as_json

    if result.story is None or result.ranges is None:
        return {"ranges": None}
    return {"ranges": as_json(result.story, result.ranges)}


def _check_watch(names: list[str], fmt: str, cache: bool, out: TextIO, *, show_ranges: bool = False) -> int:
    from engine.cli.check_watch import watch_check

    names = names or bundled_stories()
    folders: list[Path] = []
    watched: list[tuple[str, Path | None]] = []  # each name, with its folder (None: a file `_check` skips)
    for name in names:
        path = Path(name)
        if path.is_file() and path.name != "story.yaml":  # skipped by `_check` too, with a note
            watched.append((name, None))
            continue
        try:
            folder = find_story(name).resolve()
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
    recheck = functools.partial(_check_present, watched, fmt, cache, show_ranges=show_ranges)
    return watch_check(folders, recheck, out, json_lines=fmt == "json")


def _check_present(
    watched: list[tuple[str, Path | None]], fmt: str, cache: bool, out: TextIO, *, show_ranges: bool = False
) -> int:
    """`_check` of the watched stories whose folders are there; one moved away meanwhile is named
    as gone, and checked again once it is back."""
    present = [name for name, folder in watched if folder is None or folder.is_dir()]
    gone = list(dict.fromkeys(folder for _, folder in watched if folder is not None and not folder.is_dir()))
    notes = sys.stderr if fmt == "json" and present else out  # JSON reports keep stdout to themselves
    for folder in gone:
        notes.write(
            f"note: the story folder {folder} is gone (moved, renamed or deleted); put it back to check it\n"
        )
    return _check(present, fmt, cache, out, show_ranges=show_ranges) if present else 2


def _graph(args: argparse.Namespace, out: TextIO) -> int:
    """The scene graph on stdout (kept clean for a pipe: notes go to stderr) or in --out."""
    from engine.author.export import MERMAID_LIMITS, UnknownChapter, build, guess_format, write

    result = _load(args.story, not args.no_cache, out)
    if result is None:
        return 2
    if result.story is None:
        return _cannot("mapped", args.story, result.errors, out)
    try:
        story_map = build(result.story, args.chapter)
    except UnknownChapter as err:
        out.write(f"error: {err}\n")
        return 2
    fmt = args.format or guess_format(args.out)
    text = write(story_map, fmt)
    notes = out if args.out else sys.stderr
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as err:
            out.write(f"error: cannot write {args.out}: {err.strerror or err}\n")
            return 2
        out.write(
            f"Wrote the map of {args.story} ({story_map.scene_count} scenes, {len(story_map.edges)} edges)"
            f" to {args.out} as {fmt}.\n"
        )
    else:
        out.write(text)
    size, edges = MERMAID_LIMITS
    if fmt == "mermaid" and (len(text) > size or len(story_map.edges) > edges):
        notes.write(
            f"note: this map has {len(text):,} characters and {len(story_map.edges)} edges; Mermaid draws at"
            f" most {size:,} and {edges} unless maxTextSize and maxEdges are raised where it is rendered."
            " A single --chapter is smaller.\n"
        )
    if result.errors:
        count = len(result.errors)
        notes.write(
            f"note: {args.story} has {count} error{'s' * (count != 1)}; the map shows what loaded."
            f" Run `{PROG} check {args.story}` for the details.\n"
        )
        return 1
    return 0


def _simulate(args: argparse.Namespace, out: TextIO) -> int:
    from engine.cli.simulate import run

    result = _load(args.story, not args.no_cache, out)
    if result is None:
        return 2
    if not result.ok or result.story is None:
        return _cannot("simulated", args.story, result.errors, out)
    return run(result.story, args, out)


def _cannot(verb: str, name: str, errors: list[Diagnostic], out: TextIO) -> int:
    """Say that a story with errors cannot be played, mapped or simulated, and show the first."""
    out.write(f"This story cannot be {verb}: it has {len(errors)} error{'s' * (len(errors) != 1)}.\n")
    for d in errors[:20]:
        out.write(d.format() + "\n")
    if len(errors) > 20:
        out.write(f"... and {len(errors) - 20} more: run `{PROG} check {name}`\n")
    return 1


def _play_plain(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    from engine.cli.plain import PlainGame, ScriptError
    from engine.play.session import Session

    result = _load(args.story, not args.no_cache, out)
    if result is None:
        return 2
    if not result.ok or result.story is None:
        return _cannot("played", args.story, result.errors, out)
    script = [c.strip() for c in args.choices.split(",") if c.strip()] if args.choices else []
    game = PlainGame(Session(result.story, args.seed), out, inp, script=script)
    try:
        return game.run()
    except ScriptError as err:
        out.write(f"error: --choices: {err}\n")
        return 2


# -- saved careers -----------------------------------------------------------------------------


def _store(args: argparse.Namespace) -> SaveStore:
    from engine.saves.store import SaveStore

    return SaveStore.default(getattr(args, "saves", None))


def _notices(store: SaveStore, out: TextIO) -> None:
    for line in store.take_notices():
        out.write(f"note: {line}\n")


def _saves(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    from engine.saves.format import SaveError

    store = _store(args)
    try:
        code = _saves_action(store, args, out, inp)
    except SaveError as err:
        _notices(store, out)
        out.write(f"error: {err}\n")
        return 2
    _notices(store, out)
    return code


def _saves_action(store: SaveStore, args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    if args.action == "list":
        infos = store.list(args.story)
        if not infos:
            out.write(f"No saved careers in {store.folder}.\n")
            return 0
        out.write(f"{'id':<10} {'story':<14} {'save':<16} {'choices':>7}  {'where':<28} updated\n")
        for i in infos:
            where = f"ended: {i.ending['title']}" if i.ending else i.scene_title
            out.write(
                f"{i.id[:8]:<10} {i.story_id[:14]:<14} {i.name[:16]:<16} {i.steps:>7}  "
                f"{where[:28]:<28} {i.updated[:16].replace('T', ' ')}\n"
            )
        return 0
    if args.action == "show":
        _show(store.load(args.save), out)
        return 0
    if args.action == "export":
        path = store.export(args.save, Path(args.out))
        out.write(f"Exported to {path}\n")
        return 0
    if args.action == "import":
        career = store.import_(Path(args.file), known_story=lambda sid: sid in bundled_stories())
        out.write(f"Imported {career.label} as {career.id[:8]}.\n")
        return 0
    if args.action == "delete":
        career = store.load(args.save)
        if not args.yes:
            out.write(f"Delete {career.label} ({career.id[:8]})? [y/N] ")
            out.flush()
            if inp.readline().strip().lower() not in ("y", "yes"):
                out.write("Kept.\n")
                return 0
        store.delete(career.id)
        out.write(f"Deleted {career.id[:8]}.\n")
        return 0
    raise AssertionError(args.action)  # pragma: no cover


def _show(career: Career, out: TextIO) -> None:
    out.write(f"{career.label}\n")
    out.write(f"  id {career.id} · seed {career.seed} · story {career.story_id} {career.story_version}\n")
    out.write(f"  created {career.created} · updated {career.updated}\n")
    if career.ending:
        out.write(f"  ended: {career.ending['title']} ({career.ending['tone'].replace('_', ' ')})\n")
    else:
        out.write(f"  now at: {career.scene_title or career.state.scene}\n")
    out.write("  stats: " + " · ".join(f"{k} {v}" for k, v in career.state.stats.items()) + "\n")
    for line in career.state.milestones:
        out.write(f"  ★ {line}\n")
    for n, step in enumerate(career.steps, 1):
        roll = f" ({'success' if step.roll['success'] else 'failure'})" if step.roll else ""
        out.write(f"  {n:>3}. {step.scene}: {step.choice}{roll}\n")


def _replay(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    from engine.cli.plain_replay import PlainReplay
    from engine.saves.format import SaveError
    from engine.saves.replay import Replay

    store = _store(args)
    try:
        career = store.load(args.save)
    except SaveError as err:
        _notices(store, out)
        out.write(f"error: {err}\n")
        return 2
    try:
        folder = find_story(args.story or career.story_id)
    except StoryNotFound:
        out.write(f"error: the story “{career.story_id}” of this career is not here; pass --story FOLDER\n")
        return 2
    result = load_checked(folder)
    if not result.ok or result.story is None:
        out.write(f"error: the story “{career.story_id}” has errors: run `{PROG} check {career.story_id}`\n")
        return 1
    return PlainReplay(Replay(result.story, career), out, inp).run(show_all=args.all)
