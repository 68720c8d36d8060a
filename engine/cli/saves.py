"""`main.py saves`: list, show, export, import or delete saved careers."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

from engine.core.textsafe import VisibleWriter
from engine.load.folder import bundled_stories
from engine.saves.format import Career, SaveError
from engine.saves.store import ExportExists, SaveStore


def store_of(args: argparse.Namespace) -> SaveStore:
    return SaveStore.default(getattr(args, "saves", None))


def notices(store: SaveStore, out: TextIO, error: SaveError | None = None) -> None:
    """What the store noticed, a `note:` line each; not the one `error` says already."""
    for line in store.take_notices():
        if error is None or line != str(error):
            out.write(f"note: {line}\n")


def run(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    out = cast(TextIO, VisibleWriter(out))
    store = store_of(args)
    try:
        code = _saves_action(store, args, out, inp)
    except SaveError as err:
        notices(store, out, err)
        out.write(f"error: {err}\n")
        return 2
    notices(store, out)
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
        try:
            path = store.export(args.save, Path(args.out), replace=args.force)
        except ExportExists as err:  # never over a file without asking
            out.write(f"{err.path} already exists. Replace it? [y/N] ")
            out.flush()
            if inp.readline().strip().lower() not in ("y", "yes"):
                out.write(f"Kept {err.path}; nothing exported (pass --force to replace it).\n")
                return 1
            path = store.export(args.save, Path(args.out), replace=True)
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
    """One career in detail, in the story's words where the story is here to give them: stat
    labels and the text of each choice made (its ids only when the story cannot be read, or no
    longer holds the career's steps)."""
    words = _words_of(career)
    out.write(f"{career.label}\n")
    out.write(f"  id {career.id} · seed {career.seed} · story {career.story_id} {career.story_version}\n")
    out.write(f"  created {career.created} · updated {career.updated}\n")
    out.write(f"  saved by Pointe & Edge {career.engine or 'before 0.2.0'}\n")
    if career.ending:
        out.write(f"  ended: {career.ending['title']} ({career.ending['tone'].replace('_', ' ')})\n")
    else:
        out.write(f"  now at: {career.scene_title or career.state.scene}\n")
    stats = words.stats if words else " · ".join(f"{k} {v}" for k, v in career.state.stats.items())
    out.write(f"  stats: {stats}\n")
    for line in career.state.milestones:
        out.write(f"  ★ {line}\n")
    for n, step in enumerate(career.steps, 1):
        roll = f" ({'success' if step.roll['success'] else 'failure'})" if step.roll else ""
        if words is not None:
            where, what = words.steps[n - 1]
        else:
            where, what = step.scene, step.choice
        out.write(f"  {n:>3}. {where}: {what}{roll}\n")


@dataclass(frozen=True)
class _Words:
    """A career's steps and stats in its story's words."""

    stats: str  # "Technique 45 · ... · Daring 40 | Caution 60", in the story's order
    steps: list[tuple[str, str]]  # (scene title, the words of the choice made there)


def _words_of(career: Career) -> _Words | None:
    from engine.author.check import load_checked
    from engine.load.folder import StoryNotFound
    from engine.saves.record import resume

    try:
        loaded = load_checked(career.story_id)
    except StoryNotFound:
        return None
    story = loaded.story
    if story is None or not loaded.ok:
        return None
    resumed = resume(story, career)
    if not resumed.complete:
        return None
    session = resumed.session
    steps = [(story.scenes[s.scene].title, session.step_label(i)) for i, s in enumerate(session.journal)]
    stats = " · ".join(st.reading(career.state.stats[st.id]) for st in story.stats)
    return _Words(stats, steps)
