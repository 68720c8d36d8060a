"""The command line's arguments: every command, option and help line of `main.py`.

Kept apart from the commands so that `--help` and a mistyped option cost no import of the
engine: each command module is imported only once its command is chosen.
"""

from __future__ import annotations

import argparse

from engine.core.paths import SAVES_ENV, command_name, run_prefix

#: The command as the player typed it: `main.py` in a clone, `pointe-edge` installed.
PROG = command_name()
#: What starts it from a shell, for the commands that messages suggest: `uv run main.py`.
RUN = run_prefix()


def build_parser() -> argparse.ArgumentParser:
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
    play.add_argument(
        "--choices", help="choices to make first, by number or id: 2,1,3 (id:12 for an id of digits)"
    )
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
    check.add_argument(
        "--stats",
        action="store_true",
        help="also print the careers standard's static figures: words, chapters, endings, funnels",
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
    sim.add_argument("--runs", type=count, default=1000, metavar="N", help="careers to play (default 1000)")
    sim.add_argument("--seed", type=int, default=1, metavar="S", help="the run's seed (default 1)")
    sim.add_argument(
        "--strategy",
        choices=("random", "explore"),
        default="random",
        help="random: choose uniformly, like a blind player; explore: steer to what no career has done yet",
    )
    sim.add_argument(
        "--jobs", type=count, default=1, metavar="J", help="worker processes (0: one per core; default 1)"
    )
    sim.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    sim.add_argument(
        "--max-steps",
        type=count,
        default=5000,
        metavar="N",
        help="a career still going after this many choices is reported as stuck (default 5000)",
    )
    sim.add_argument(
        "--persona",
        metavar="FILE",
        help="also play the personas of this story test file, --runs careers each, and report their endings",
    )
    sim.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

    test = sub.add_parser("test", help="run a story's own tests (the files in its tests/ folder)")
    test.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    test.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

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
    export.add_argument("--force", action="store_true", help="replace the file if it exists (else ask first)")
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


def count(text: str) -> int:
    """A whole number of at least 0, for --runs, --jobs and --max-steps."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is below 0")
    return value
