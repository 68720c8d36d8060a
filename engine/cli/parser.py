"""The command line's arguments: every command, option and help line of `main.py` (and of
`pointe-edge`, the same program installed), with examples under each command's `--help`.

Kept apart from the commands so that `--help` and a mistyped option cost no import of the
engine: each command module is imported only once its command is chosen.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from engine.core.paths import SAVES_ENV, command_name, default_saves, run_prefix
from engine.core.version import SAVE_FORMAT, STORY_FORMAT, __version__

#: The command as the player typed it: `main.py` in a clone, `pointe-edge` installed.
PROG = command_name()
#: What starts it from a shell, for the commands that messages suggest: `uv run main.py`.
RUN = run_prefix()


VERSION = f"Pointe & Edge {__version__} (story format {STORY_FORMAT}, save format {SAVE_FORMAT})"

_ENVIRONMENT = """\
environment:
  POINTE_EDGE_SAVES    the save folder (as --saves)
  POINTE_EDGE_DATA     the user data folder: saves and your own stories
  POINTE_EDGE_STORIES  a folder of your own stories, listed with the bundled ones
  POINTE_EDGE_CONFIG   the settings file (off: none)
  POINTE_EDGE_CACHE    the parse cache folder (off: none)
  POINTE_EDGE_LOGS     the crash log folder (off: none)
  POINTE_EDGE_DEBUG    1: show a traceback instead of one line when the game fails
`{prog} paths` prints where each of them is now."""


def _examples(*lines: tuple[str, str]) -> str:
    """An `examples:` section for a command's --help: each command line, then what it does."""
    out = ["examples:"]
    for command, what in lines:
        out += [f"  {RUN} {command}", f"      {what}"]
    return "\n".join(out)


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
    examples: Sequence[tuple[str, str]],
) -> argparse.ArgumentParser:
    """A command with a one-line summary (in the list of commands) and a --help page that says
    what it does and shows how to use it, like a man page."""
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=_examples(*examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Pointe & Edge: live the career of a skater or a dancer, in your terminal.",
        epilog=(
            "With no command, the full-screen game opens. Each command has its own --help,\n"
            f"with examples: `{RUN} play --help`.\n\n" + _ENVIRONMENT.format(prog=RUN)
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=VERSION, help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = _command(
        sub,
        "play",
        "play a career (add --plain for plain text)",
        "Play a career of a story: full-screen, or in plain text for a screen reader or a pipe.\n"
        "Every choice is saved as it is made; the title screen's Continue goes on from it.",
        [
            ("play magdalena", "a career on the ice, full-screen"),
            ("play bozena --plain", "a career in plain text: type a choice's number, ? for help"),
            ("play demo --plain --seed 7 --choices 1,2,1", "replay a career exactly: its seed and choices"),
            ("play bozena --plain --continue", "go on where you stopped, in plain text"),
            ("play path/to/my-story --author", "write as you play: map, warp, and reload on every save"),
        ],
    )
    play.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    play.add_argument("--plain", action="store_true", help="plain text on stdin/stdout")
    play.add_argument("--seed", type=int, help="the career's seed (the same seed and choices replay exactly)")
    play.add_argument(
        "--choices", help="choices to make first, by number or id: 2,1,3 (id:12 for an id of digits)"
    )
    play.add_argument(
        "--continue",
        dest="go_on",
        action="store_true",
        help="with --plain: go on with this story's most recent unfinished career",
    )
    play.add_argument("--no-cache", action="store_true", help="parse the story afresh, bypassing the cache")
    play.add_argument(
        "--author",
        action="store_true",
        help="author mode: the chapter map, warp to any scene, and reload on every save",
    )

    check = _command(
        sub,
        "check",
        "check stories for errors and warnings",
        "Check stories the way the game loads them: every error and warning, each with its file,\n"
        "line and column, a code, and the fix. Exit status 1 when there are errors.",
        [
            ("check", "every bundled story"),
            ("check path/to/my-story --watch", "check again on every save, until Ctrl-C"),
            ("check demo --ranges", "also each stat's proven bounds per chapter and ending"),
            ("check demo --format json", "one JSON object per problem, for an editor or a script"),
            ("check path/to/my-story --format github", "in GitHub Actions: each problem marked at its line"),
        ],
    )
    check.add_argument(
        "stories", nargs="*", metavar="STORY", help="story ids or folders (default: all bundled)"
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text: file:line:col: severity: CODE message, for people and editors (the default);"
        " json: one document; github: GitHub Actions annotations",
    )
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

    graph = _command(
        sub,
        "graph",
        "export a story's scene graph for Graphviz or Mermaid",
        "Write a story's scene graph: scenes as nodes, choices as edges, chapters as clusters.",
        [
            ("graph demo --out demo.dot", "Graphviz DOT (then: dot -Tsvg demo.dot -o demo.svg)"),
            ("graph halima --chapter milan --format mermaid", "one chapter, as a Mermaid flowchart"),
        ],
    )
    graph.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    graph.add_argument(
        "--format",
        choices=("dot", "mermaid"),
        help="dot (Graphviz) or mermaid (default: from the --out file's name, else dot)",
    )
    graph.add_argument("--out", metavar="FILE", help="write to this file instead of standard output")
    graph.add_argument("--chapter", metavar="ID", help="only this chapter, with the scenes it connects to")
    graph.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

    sim = _command(
        sub,
        "simulate",
        "play many seeded careers and report coverage, endings, stats and stuck careers",
        "Play many careers of a story by seeded random choice (or steered to what no career has\n"
        "done yet) and report: scenes and choices never reached, endings and how often, stats at\n"
        "each ending, careers that got stuck (each with the command that replays it).",
        [
            ("simulate demo", "1000 random careers"),
            ("simulate halima --runs 5000 --jobs 0", "5000 careers on every core"),
            ("simulate bozena --strategy explore", "steer to what random play misses"),
        ],
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

    test = _command(
        sub,
        "test",
        "run a story's own tests (the files in its tests/ folder)",
        "Run the tests a story keeps in its tests/ folder: paths that must reach a scene or an\n"
        "ending, and personas whose endings must stay within their figures.",
        [("test demo", "the demo's own tests"), ("test path/to/my-story", "your story's")],
    )
    test.add_argument("story", help="a bundled story id (see `stories`) or a story folder")
    test.add_argument("--no-cache", action="store_true", help="parse every file afresh, bypassing the cache")

    _command(
        sub,
        "stories",
        "list the stories: the bundled ones and your own",
        "List every story the game can play by its id: the bundled ones, and your own (in the\n"
        "folder `paths` names), with their size.",
        [("stories", "one line each: id, title, who, scenes, endings, words")],
    )
    _command(
        sub,
        "paths",
        "say where the game keeps stories, saves, settings, caches and logs",
        "Say where this copy of the game keeps each thing, and which variable moves it.",
        [("paths", "every folder and file, and whether it exists yet")],
    )
    serve = _command(
        sub,
        "serve",
        "play in a web browser: serve the game on a local port",
        "Serve the full-screen game to a web browser (with textual-serve). Each browser tab\n"
        "plays its own game; all of them share this copy's saves and settings. It listens on\n"
        "127.0.0.1 unless told otherwise: anyone who can reach the port can play and load saves.",
        [
            ("serve", "then open http://127.0.0.1:8000"),
            ("serve --port 8765", "another port"),
        ],
    )
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=count, default=8000, help="the port (default 8000)")
    schema = _command(
        sub,
        "schema",
        "print the JSON Schema of story files, for your editor",
        "Print the JSON Schema of story files (story.yaml and chapter files): an editor with\n"
        "yaml-language-server (VS Code's YAML extension, Neovim, Helix) then completes every key,\n"
        "explains it, and underlines a misspelt one as you type. Point your editor at the file\n"
        'it writes (docs/authoring.md, "Your editor", says how).',
        [
            ("schema", "print it"),
            ("schema --out ~/stories/story.schema.json", "write it to a file (again after an upgrade)"),
            ("schema --out ~/stories", "write story.schema.json into a folder"),
        ],
    )
    schema.add_argument(
        "--out",
        metavar="FILE",
        help="write it to FILE (or into FILE/story.schema.json if a folder) and say so",
    )
    completion = _command(
        sub,
        "completion",
        "print a shell's completion script for the installed command",
        "Print the script that completes commands, options and story ids in your shell, for the\n"
        "installed `pointe-edge` command. Add the line below to your shell's start-up file.",
        [
            ("completion bash", 'bash: eval "$(pointe-edge completion bash)" in ~/.bashrc'),
            ("completion zsh", 'zsh: eval "$(pointe-edge completion zsh)" in ~/.zshrc'),
            ("completion fish", "fish: pointe-edge completion fish | source, in config.fish"),
        ],
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="your shell")
    lsp = _command(
        sub,
        "lsp",
        "the language server, for your editor (over stdio)",
        "Run the language server that an editor starts for story files: problems underlined as\n"
        "you type (with quick fixes), go to a scene from a goto, find every use of a scene, stat\n"
        "or flag, rename a scene everywhere, completion, hover, and the outline with word counts.\n"
        "It speaks the Language Server Protocol over standard input and output; you do not run it\n"
        'yourself, your editor does (docs/authoring.md, "Your editor", says how).',
        [
            ("lsp", "what an editor runs (VS Code, Neovim, Helix...)"),
            ("lsp --debounce 300", "wait 300 ms after the last keystroke before checking"),
            ("lsp --log /tmp/pointe-edge-lsp.log", "write what it does to a file, to report a problem"),
        ],
    )
    lsp.add_argument(
        "--stdio",
        action="store_true",
        help="talk over standard input and output (the default; for editors that pass it)",
    )
    lsp.add_argument(
        "--debounce",
        type=count,
        default=150,
        metavar="MS",
        help="check the story this long after the last change, in milliseconds (default 150)",
    )
    lsp.add_argument("--log", metavar="FILE", help="write a debug log to FILE")

    saves = _command(
        sub,
        "saves",
        "list, show, export, import or delete saved careers",
        "Manage saved careers: every career is autosaved as it is played, and may have named saves.",
        [
            ("saves list", "every career, most recent first"),
            ("saves show 9b13", "one career, by the start of its id"),
            ("saves export 9b13 --out ~/careers/", "one portable JSON file"),
            ("saves import ~/careers/9b1349f0.json", "store it here, under a new id"),
        ],
    )
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

    replay = _command(
        sub,
        "replay",
        "replay a saved career step by step, in plain text",
        "Step through a saved career in plain text, with a chart of every stat.",
        [
            ("replay 9b13", "step by step: Enter for the next"),
            ("replay 9b13 --all", "the whole career at once"),
            ("replay 9b13 --format html --out career.html", "the career as a book, to share or print"),
        ],
    )
    replay.add_argument("save", help="a save id (or the start of one)")
    replay.add_argument("--all", action="store_true", help="print every step and the chart, then stop")
    replay.add_argument("--story", help="the story folder, when it is not a bundled one")
    replay.add_argument(
        "--format",
        choices=("markdown", "html"),
        help="write the whole career as a book instead: scenes, choices, rolls, changes and a chart",
    )
    replay.add_argument("--out", metavar="FILE", help="with --format: write the book to FILE (else print it)")

    for parser in (p, play, saves, replay, listing, show, export, imp, delete):
        parser.add_argument(
            "--saves",
            metavar="DIR",
            default=argparse.SUPPRESS if parser is not p else None,
            help=f"the save folder (default: ${SAVES_ENV}, else {default_saves()})",
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
