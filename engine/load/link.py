"""Link the IR of a story's files into one `Story`: names, types, targets and grafts.

This is where one file meets another: scene ids are resolved (a short name means "in this
chapter"), expressions are type-checked against the manifest's stats and flags and compiled,
grafted choices join the scenes they target, and every cross-file problem is reported. A
partial story is still built when there are errors, so that `check` can go on to analyse the
rest of it in the same pass.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from engine.core import expr as ex
from engine.core import limits
from engine.core import template as tpl
from engine.core.diagnostics import Diagnostic, did_you_mean
from engine.core.model import (
    PHASES,
    Branch,
    Chance,
    Chapter,
    Choice,
    Effect,
    Ending,
    Expr,
    Flag,
    Outcome,
    Person,
    Pos,
    Route,
    Scene,
    Stat,
    Story,
)
from engine.load.ir import (
    IR_VERSION,
    ChoiceIR,
    EffectIR,
    ExprIR,
    FileIR,
    FlagIR,
    OutcomeIR,
    PersonIR,
    RefIR,
    RouteIR,
    SceneIR,
    StatIR,
    TemplateIR,
)
from engine.load.lazy_scenes import LazyScenes


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as shown to the author (relative to where the command runs, when possible)
    rel: str  # relative to the story folder, with forward slashes
    content_hash: str
    ir: FileIR


@dataclass
class _Ctx:
    file: SourceFile
    chapter: str | None
    scene: str | None = None


@dataclass
class Linker:
    files: Sequence[SourceFile]
    root: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Stat] = field(default_factory=dict)
    flags: dict[str, Flag] = field(default_factory=dict)
    #: The other side of each opposed pair: its name -> the stat it mirrors.
    mirrors: dict[str, Stat] = field(default_factory=dict)
    _declared: dict[str, str] = field(default_factory=dict)  # name -> "a flag in story.yaml:6"
    _scopes: dict[str | None, ex.Scope] = field(default_factory=dict)
    # Trees decoded from the IR's wire form, once per distinct tree...
    _trees: dict[ex.Data, ex.Node] = field(default_factory=dict)
    # ... and each tree's type, problems and closure, once per chapter it is written in.
    _compiled: dict[tuple[ex.Data, str | None], tuple[ex.Node, str, list[ex.Problem], ex.Fn | None]] = field(
        default_factory=dict
    )
    #: Files whose chapter failed to load, each with the names it may have gone by (its file
    #: name; chapters are usually named after their file) and the problem that lost it.
    _lost: list[tuple[frozenset[str], Diagnostic]] = field(default_factory=list)
    #: Scenes (by full id), stats and flags (("name", name)) a file left out because of a
    #: problem, with that problem; names are compared as `_plain` spells them.
    _lost_names: dict[tuple[str, str], Diagnostic] = field(default_factory=dict)
    #: How many problems were held back as following from each root cause (by its index).
    _follow_ons: dict[int, int] = field(default_factory=dict)
    #: Names of stats and flags the story's expressions, effects and cast refer to.
    _named: set[str] = field(default_factory=set)
    #: Each name reported as an unknown stat, flag or name: how often, and as what (E031...).
    _unknown: dict[str, list[str]] = field(default_factory=dict)

    def report(
        self,
        code: str,
        message: str,
        file: str,
        line: int,
        col: int,
        scene: str | None,
        hint: str | None = None,
        ref: str | None = None,
        name: str | None = None,
    ) -> None:
        """Report one problem. `ref`: the full scene id a missing-scene problem names; `name`:
        the stat or flag an unknown-name problem names. When that scene, its chapter or that
        name was left out because of another problem, this one follows from it and is counted
        under it, not shown (root cause first)."""
        root = self.lost_with(ref) if ref is not None else None
        if name is not None:
            root = self._root_index(self._lost_names.get(("name", _plain(name))))
        if root is not None:
            self._follow_ons[root] = self._follow_ons.get(root, 0) + 1
            return
        if name is not None and code in ("E031", "E032", "E041"):
            self._unknown.setdefault(name, []).append(code)
        self.diagnostics.append(Diagnostic(code, message, file, line, col, scene, hint))

    def lose(self, f: SourceFile, root: Diagnostic | None) -> None:
        """Note that `f`'s chapter is missing from the story because of `root`."""
        if root is not None:
            stem = f.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            self._lost.append((frozenset({stem}), root))

    def _root_index(self, root: Diagnostic | None) -> int | None:
        return None if root is None else next(i for i, d in enumerate(self.diagnostics) if d is root)

    def lost_with(self, ref: str) -> int | None:
        """The index of the problem that lost the scene `ref` or its chapter, if one did."""
        chapter = ref.split(".", 1)[0] if "." in ref else None
        if chapter is not None:
            left_out = self._lost_names.get(("scene", f"{chapter}.{_plain(ref.split('.', 1)[1])}"))
            if left_out is not None:
                return self._root_index(left_out)
        if not self._lost or chapter is None or chapter in getattr(self, "chapters", {}):
            return None
        named = [d for names, d in self._lost if chapter in names]
        if not named and len(self._lost) > 1:
            return None
        return self._root_index((named or [self._lost[0][1]])[0])

    def follow_ons_counted(self) -> None:
        """Each root cause says how many problems follow from it."""
        for i, n in self._follow_ons.items():
            self.diagnostics[i] = replace(self.diagnostics[i], follow_ons=n)

    # -- the whole story -------------------------------------------------------------------

    def link(self, *, lazy: bool = False) -> Story | None:
        """The story, with every problem in `diagnostics`. `lazy`: link each scene only when it
        is first asked for (engine/load/lazy_scenes.py), for a story already known to be
        checked: the problems of a scene linked later are not reported anywhere."""
        try:
            return self._link(lazy)
        finally:
            self.follow_ons_counted()
            if not lazy:  # a lazy story keeps its linker until its last scene is linked
                self._let_go()

    def _let_go(self) -> None:
        """Drop what linking needed: the per-chapter scopes hold lambdas that refer back to this
        linker, a cycle that would keep every file's IR alive (and, frozen by a front end, for
        good)."""
        self._scopes.clear()
        self._compiled.clear()
        self._trees.clear()

    def _link(self, lazy: bool = False) -> Story | None:
        first_error: dict[str, Diagnostic] = {}
        lost_scenes: dict[str, list[tuple[str, Diagnostic]]] = {}  # file -> (scene name, its problem)
        has_manifest = any(f.ir["manifest"] is not None for f in self.files)
        misnamed = [
            f
            for f in self.files
            if f.rel != "story.yaml" and f.rel.lower() in _MANIFEST_NAMES and not has_manifest
        ]
        for f in self.files:
            if misnamed and f is misnamed[0]:
                continue  # read as a chapter, it has only the problems of a manifest misnamed
            reported = len(self.diagnostics)
            for code, message, line, col, scene, hint in f.ir["problems"]:
                self.report(code, message, f.path, line, col, scene, hint)
                if self.diagnostics[-1].is_error:
                    first_error.setdefault(f.rel, self.diagnostics[-1])
            for kind, lost, index in f.ir.get("lost", ()):
                root = self.diagnostics[reported + index]
                if kind == "scene":
                    lost_scenes.setdefault(f.rel, []).append((lost, root))
                else:
                    self._lost_names.setdefault(("name", _plain(lost)), root)
            if f.ir["manifest"] is None and f.ir["chapter"] is None:
                self.lose(f, first_error.get(f.rel))  # the file could not be read at all
        manifests = [(f, m) for f in self.files if (m := f.ir["manifest"]) is not None]
        if not manifests:
            if not any(f.rel == "story.yaml" for f in self.files):
                hint = "see docs/authoring.md, 'The manifest'"
                if misnamed:
                    hint = f"rename `{misnamed[0].rel}` to `story.yaml`"
                self.report(
                    "E027", "no story.yaml: a story folder needs a manifest", self.root, 0, 0, None, hint
                )
                if misnamed and misnamed[0].ir["problems"]:
                    self._follow_ons[len(self.diagnostics) - 1] = len(misnamed[0].ir["problems"])
            return None
        manifest_file, m = manifests[0]
        self.declare(manifest_file, m["stats"], m["flags"])
        for f in self.files:
            if f is not manifest_file and ("stats" in f.ir or "flags" in f.ir):
                self.declare(f, f.ir.get("stats", ()), f.ir.get("flags", ()))
        self.chapters: dict[str, Chapter] = {}
        chapter_of: dict[str, SourceFile] = {}
        raw_scenes: dict[str, tuple[SourceFile, str, SceneIR]] = {}
        for f in _owners_first(self.files):
            ch = f.ir["chapter"]
            cid = ch["id"] if ch else None
            if ch and not cid:
                self.lose(f, first_error.get(f.rel))  # its chapter name is not valid
            if not ch or not cid:
                continue
            if cid in self.chapters:
                first = chapter_of[cid]
                hint = "give this file's chapter a name of its own"
                theirs = {sid.split(".", 1)[1] for sid, (g, _, _) in raw_scenes.items() if g is first}
                ours = {sc["name"] for sc in f.ir["scenes"]}
                if (
                    f.content_hash == first.content_hash
                    or _named_like_a_copy(f.rel)
                    or (ours and ours <= theirs)
                ):
                    hint = (
                        f"it looks like a copy of {first.rel}, and every .yaml file in the story folder is"
                        " read as part of the story: delete the copy, or move it out of the folder,"
                        " or rename it so that its name does not end in .yaml"
                    )
                self.report(
                    "E026",
                    f"chapter `{cid}` is already defined in {first.rel}",
                    f.path,
                    ch["line"],
                    ch["col"],
                    None,
                    hint,
                )
                self.lose(f, self.diagnostics[-1])
                continue
            self.chapters[cid] = Chapter(
                cid, ch["phase"] or "training", ch["title"], Pos(f.path, ch["line"], ch["col"])
            )
            chapter_of[cid] = f
            for lost, root in lost_scenes.get(f.rel, ()):
                self._lost_names[("scene", f"{cid}.{_plain(lost)}")] = root
            # Scene names are unique within a file (a duplicate key is E006) and chapters are
            # unique across files (E026 above), so full scene ids are unique here.
            for sc in f.ir["scenes"]:
                raw_scenes[f"{cid}.{sc['name']}"] = (f, cid, sc)
            f.ir["scenes"] = []  # from here on raw_scenes holds the only reference
        self.scene_ids = list(raw_scenes)
        self.scene_set = set(raw_scenes)
        # Each scene's chapter and its phase, for `caller_chapter` and `caller_phase`: baked
        # into their closures so that play looks the caller up in one dict, not in the story.
        self.chapter_of = {sid: cid for sid, (_, cid, _) in raw_scenes.items()}
        self.phase_of = {sid: self.chapters[cid].phase for sid, cid in self.chapter_of.items()}
        self.short_names: dict[str, list[str]] = {}
        for sid in self.scene_ids:
            self.short_names.setdefault(sid.split(".", 1)[1], []).append(sid)

        grafted = self.grafts()
        ending_ids = tuple(sid for sid in self.scene_ids if raw_scenes[sid][2].get("ending") is not None)
        scenes: dict[str, Scene]
        if lazy:

            def build(sid: str) -> Scene:
                f, cid, sc = raw_scenes[sid]
                scene = self.scene(_Ctx(f, cid, sid), sid, sc, grafted.get(sid, []))
                raw_scenes.pop(sid, None)  # after: a scene asked for twice at once is built twice, not lost
                return scene

            scenes = LazyScenes(self.scene_ids, build, self._let_go)
        else:
            scenes = {}
            for sid in self.scene_ids:
                # Each scene's IR is released as soon as the scene is built, which keeps the peak
                # memory of a large load near the size of the finished story.
                f, cid, sc = raw_scenes.pop(sid)
                scenes[sid] = self.scene(_Ctx(f, cid, sid), sid, sc, grafted.get(sid, []))
        start = m["start"]
        start_id = ""
        if start:
            start_name, start_line, start_col = start
            start_id = self.resolve(start_name, None) or ""
            if not start_id:
                hint = self.target_hint(start_name, None)
                self.report(
                    "E058",
                    f"start scene `{start_name}` does not exist",
                    manifest_file.path,
                    start_line,
                    start_col,
                    None,
                    hint,
                    ref=start_name,
                )
        cast = self.cast(manifest_file, m.get("cast", ()))
        self.renamed_in_one_place()
        return Story(
            id=m["id"] or "",
            title=m["title"],
            protagonist=m["protagonist"],
            discipline=m["discipline"],
            blurb=" ".join(m["blurb"].split()),
            version=m["version"],
            author=m["author"],
            start=start_id,
            stats=tuple(self.stats.values()),
            flags=tuple(self.flags.values()),
            chapters=MappingProxyType(self.chapters),
            scenes=MappingProxyType(scenes),
            root=self.root,
            fingerprint=fingerprint(self.files),
            files=tuple(f.rel for f in self.files),
            chapter_of=MappingProxyType(self.chapter_of),
            phase_of=MappingProxyType(self.phase_of),
            cast=cast,
            ending_ids=ending_ids,
        )

    def renamed_in_one_place(self) -> None:
        """A stat or flag renamed where it is declared but not where it is used: its uses are
        each an unknown name (the places to edit), and one line before them names the likely
        rename at the declaration, the cause: a declared name nothing uses, beside a name used
        but never declared (the only pair of them, or one whose label reads as the name)."""
        unknown = {
            n: codes for n, codes in self._unknown.items() if n not in self.stats and n not in self.flags
        }
        if not unknown:
            return
        for kind, declared, code in (("stat", self.stats, "E031"), ("flag", self.flags, "E032")):
            unused = [x for x in declared.values() if x.id not in self._named and x.id not in self.mirrors]
            if not unused:
                continue
            names = [n for n, codes in unknown.items() if any(c in (code, "E041") for c in codes)]
            for name in names:
                by_label = [x for x in unused if _plain(x.label) == name]
                if by_label:
                    old = by_label[0]
                elif len(unused) == 1 and len(names) == 1:
                    old = unused[0]
                else:
                    continue
                n = len(unknown[name])
                uses = f"{n} time{'s' * (n != 1)}"
                self.diagnostics.append(
                    Diagnostic(
                        code,
                        f"{kind} `{old.id}` is never used, and `{name}`, used {uses}, is not a {kind}:"
                        f" `{name}` looks renamed `{old.id}` here, and not where it is used",
                        old.pos.file,
                        old.pos.line,
                        old.pos.col,
                        None,
                        f"rename `{old.id}` back to `{name}`, or rename the {uses.replace('time', 'use')} of"
                        f" `{name}` below",
                        cause=True,
                    )
                )
                unused.remove(old)

    # -- stats, flags and the cast ---------------------------------------------------------

    def declare(self, f: SourceFile, stats: Sequence[StatIR], flags: Sequence[FlagIR]) -> None:
        """Add one file's stats and flags (the manifest's, or a branch's own) to the story's.

        Every name (a stat, the other side of an opposed pair, a flag) is declared once in the
        whole story: a second declaration is E029, naming both places, and is left out.
        """
        path = f.path
        for sid, label, start, low, high, help_, line, col, group, opp, opp_label in stats:
            pos = Pos(path, line, col)
            if not self.claim(sid, "a stat", f, pos):
                continue
            if len(self.stats) >= limits.STATS:  # a save holds this many (engine/core/limits.py)
                self.report(
                    "E009",
                    f"stat `{sid}` is one too many: a story may declare at most {limits.STATS:,} stats",
                    path,
                    line,
                    col,
                    None,
                    "merge some stats, or use flags for what is only true or false",
                )
                continue
            if opp and not self.claim(opp, f"the other side of `{sid}`", f, pos):
                opp = opp_label = ""
            stat = Stat(sid, label, start, low, high, help_, pos, group, opp, opp_label)
            self.stats[sid] = stat
            if opp:
                self.mirrors[opp] = stat
        for fid, label, help_, line, col in flags:
            pos = Pos(path, line, col)
            if self.claim(fid, "a flag", f, pos):
                self.flags[fid] = Flag(fid, label, help_, pos)

    def claim(self, name: str, what: str, f: SourceFile, pos: Pos) -> bool:
        """Whether `name` is still free; if not, E029 names both declarations, file and line."""
        here = f"{what} in {f.rel}:{pos.line}"
        first = self._declared.get(name)
        if first is None:
            self._declared[name] = here
            return True
        self.report(
            "E029",
            f"`{name}` is declared twice: {first}, and {here}",
            pos.file,
            pos.line,
            pos.col,
            None,
            "a name is declared once in the whole story: rename one, or remove one",
        )
        return False

    def cast(self, f: SourceFile, irs: Sequence[PersonIR]) -> tuple[Person, ...]:
        ctx = _Ctx(f, None)
        out: list[Person] = []
        for p in irs:
            stat = None
            ref = p.get("stat")
            if ref is not None:
                stat, line, col = ref
                self._named.add(stat)
                if stat not in self.stats:
                    hint = did_you_mean(stat, [*self.stats, *self.mirrors]) or _declare_hint("stats", stat)
                    if stat in self.mirrors:
                        base = self.mirrors[stat].id
                        hint = f"`{stat}` is the other side of `{base}`: name `{base}`"
                    self.report(
                        "E031", f"cast: unknown stat `{stat}`", f.path, line, col, None, hint, name=stat
                    )
                    stat = None
            if_ir = p.get("if")
            condition = self.expression(ctx, if_ir, ex.BOOL, "cast condition") if if_ir is not None else None
            about = self.template(ctx, p.get("about"), "`about`")
            pos = Pos(f.path, p["line"], p["col"])
            out.append(Person(p["id"], p["name"], p["role"], about, stat, condition, pos))
        return tuple(out)

    # -- names -----------------------------------------------------------------------------

    def resolve(self, ref: str, chapter: str | None) -> str | None:
        if "." in ref:
            return ref if ref in self.scene_set else None
        if chapter is None:
            return None
        full = f"{chapter}.{ref}"
        return full if full in self.scene_set else None

    def target_hint(self, ref: str, chapter: str | None) -> str | None:
        if "." not in ref and ref in self.short_names:
            where = self.short_names[ref][0]
            return f"that scene is in another chapter: write `{where}`"
        pool = list(self.scene_ids)
        if chapter is not None:
            pool += [s.split(".", 1)[1] for s in self.scene_ids if s.startswith(chapter + ".")]
        return did_you_mean(ref, pool)

    def scope(self, chapter: str | None) -> ex.Scope:
        scope = self._scopes.get(chapter)
        if scope is None:
            scope = self._scopes[chapter] = ex.Scope(
                # A pair's other side is rewritten away before type-checking (`unmirror`); it is
                # here so that a misspelt one gets a did-you-mean.
                stats={**self.stats, **self.mirrors},
                flags=self.flags,
                resolve_scene=lambda ref: self.resolve(ref, chapter),
                scene_ids=self.scene_ids,
                chapter_of=self.chapter_of,
                phase_of=self.phase_of,
            )
        return scope

    def expression(self, ctx: _Ctx, ir: ExprIR, want: str, what: str) -> Expr | None:
        source, line, col, data = ir[0], ir[1], ir[2], ir[3]
        # Stories repeat expressions (`{technique}`, `+5`) many times: type and closure depend
        # only on the tree and, through short scene names in visits(), on the chapter.
        key = (data, ctx.chapter)
        known = self._compiled.get(key)
        if known is None:
            tree = self._trees.get(data)
            if tree is None:
                tree = self._trees[data] = self.unmirror(ex.from_data(data))
            scope = self.scope(ctx.chapter)
            got, problems = ex.infer(tree, scope)
            self._named.update(ex.names_in(tree))
            problems += self.caller_literals(tree)
            fn = ex.compile_node(tree, scope) if not problems else None
            known = self._compiled[key] = (tree, got, problems, fn)
        tree, got, problems, fn = known
        path = ctx.file.path
        for p in problems:
            pline, pcol = placed(ir, p.offset)
            ref = name = None
            if p.code == "E044" and (m := _VISITED.search(p.message)):
                ref = _full(m[1], ctx.chapter)
            elif p.code == "E041" and (m := _UNKNOWN_NAME.search(p.message)):
                name = m[1]
            self.report(p.code, f"{what}: {p.message}", path, pline, pcol, ctx.scene, p.hint, ref, name)
        if problems or fn is None:
            return None
        if want != ex.ANY and got not in (want, ex.ANY):
            hint = "compare it, for example `technique >= 50`" if want == ex.BOOL else None
            self.report(
                "E043", f"{what} must be {want}, but `{source}` is {got}", path, line, col, ctx.scene, hint
            )
            return None
        return Expr(source, Pos(path, line, col), tree, got, fn)

    def caller_literals(self, tree: ex.Node) -> list[ex.Problem]:
        """E048: `caller_phase`, `caller_chapter` or `caller_scene` compared with a text it can
        never give (`caller_phase == "competiton"`), which would quietly never hold."""
        problems: list[ex.Problem] = []
        for node in ex.walk(tree):
            if not isinstance(node, ex.Cmp) or node.op not in ("==", "!="):
                continue
            for name, other in ((node.left, node.right), (node.right, node.left)):
                if not (isinstance(name, ex.Name) and isinstance(other, ex.Str)):
                    continue
                pool: Sequence[str]
                if name.name == "caller_phase":
                    pool, kind = PHASES, "phase"
                elif name.name == "caller_chapter":
                    pool, kind = list(self.chapters), "chapter"
                elif name.name == "caller_scene":
                    pool, kind = self.scene_ids, "scene"
                else:
                    continue
                if other.value == "" or other.value in pool:
                    continue
                hint = did_you_mean(other.value, pool)
                if kind == "phase":
                    hint = hint or "a phase is one of " + ", ".join(PHASES)
                elif kind == "scene" and "." not in other.value:
                    hint = hint or "write the scene in full, as `chapter.scene`"
                problems.append(
                    ex.Problem(
                        "E048",
                        f"`{name.name}` is never “{other.value}”: "
                        + ("there is no such phase" if kind == "phase" else f"this story has no such {kind}"),
                        node.offset,
                        hint,
                    )
                )
        return problems

    def unmirror(self, tree: ex.Node) -> ex.Node:
        """The tree with each opposite side of a pair read as `min + max - stat`.

        Done once per tree at link, so every later reader (the compiler, the reasons a choice is
        locked, the range solver, the simulator's distances) sees only real stats.
        """
        if not self.mirrors or not any(n in self.mirrors for n in ex.names_in(tree)):
            return tree
        return _replace_names(tree, self.mirrors)

    def template(self, ctx: _Ctx, ir: TemplateIR | None, what: str, first: int = 1) -> tpl.Template | None:
        if ir is None:
            return None
        found = [self.expression(ctx, piece, ex.ANY, what) for piece in tpl.expression_pieces(ir)]
        compiled = [e for e in found if e is not None]
        if len(compiled) < len(found):
            return None
        return tpl.link(ir, iter(compiled), ctx.scene or "", first)

    # -- pieces ----------------------------------------------------------------------------

    def effects(self, ctx: _Ctx, irs: Sequence[EffectIR] | None) -> tuple[Effect, ...]:
        if not irs:
            return ()
        out: list[Effect] = []
        path = ctx.file.path
        for op, target, amount_ir, value, line, col in irs:
            self._named.add(target)
            if op == "flag":
                if target not in self.flags:
                    flag_hint = did_you_mean(target, self.flags) or _declare_hint("flags", target)
                    if target in self.stats or target in self.mirrors:
                        flag_hint = f"`{target}` is a stat, not a flag: change it with `{target}: +5`"
                    self.report(
                        "E032", f"unknown flag `{target}`", path, line, col, ctx.scene, flag_hint, name=target
                    )
                    continue
                out.append(Effect("flag", target, None, value, Pos(path, line, col)))
                continue
            mirrored = self.mirrors.get(target)
            if mirrored is not None:  # the other side of a pair: the same change, mirrored
                op, amount_ir = _mirror_effect(op, amount_ir, mirrored)
                target = mirrored.id
            stat = self.stats.get(target)
            if stat is None:
                hint: str | None = did_you_mean(target, self.stats) or did_you_mean(target, self.flags)
                if target in self.flags:
                    hint = f"`{target}` is a flag: use `set: [{target}]` or `clear: [{target}]`"
                self.report(
                    "E031",
                    f"unknown stat `{target}`",
                    path,
                    line,
                    col,
                    ctx.scene,
                    hint or _declare_hint("stats", target),
                    name=target,
                )
                continue
            amount: int | float | Expr | None
            if isinstance(amount_ir, tuple):
                amount = self.expression(ctx, amount_ir, ex.NUM, f"effect on `{target}`")
                if amount is None:
                    continue
            else:  # a constant: a number (an amount is None only for a flag, above)
                amount = amount_ir
                if amount_ir is not None:
                    self.range_check(ctx, stat, op, amount_ir, line, col)
            out.append(Effect(op, target, amount, False, Pos(path, line, col)))
        return tuple(out)

    def range_check(self, ctx: _Ctx, stat: Stat, op: str, k: int | float, line: int, col: int) -> None:
        span = stat.max - stat.min
        problem = None
        if op == "set" and not stat.min <= k <= stat.max:
            problem = f"sets {stat.label} to {k}, outside its range {stat.min}..{stat.max}"
        elif op == "add" and abs(k) > span:
            whole = f"{stat.min}..{stat.max}"
            problem = f"adds {k:+} to {stat.label}, more than its whole range {whole}: it always clamps"
        elif op == "fair" and abs(k) > 100:
            problem = f"fairmath moves a share of the room left, at most 100%; {k:+}% overshoots every time"
        if problem:
            self.report("E033", problem, ctx.file.path, line, col, ctx.scene)

    def route(self, ctx: _Ctx, ir: RouteIR) -> Route | None:
        kind, target_ir, after_ir, line, col = ir
        path = ctx.file.path
        pos = Pos(path, line, col)
        if kind == "return":
            return Route("return", None, None, pos)
        if target_ir is None:
            return None
        target = self.target(ctx, target_ir, "call" if kind == "call" else "goto")
        if target is None:
            return None
        after = None
        if after_ir:
            after = self.target(ctx, after_ir, "goto")
            if after is None:
                return None
        return Route(kind, target, after, pos)

    def target(self, ctx: _Ctx, ref: RefIR, verb: str) -> str | None:
        """The scene id a `goto`/`call` names, or None after reporting that it does not exist."""
        name, line, col = ref
        found = self.resolve(name, ctx.chapter)
        if found is None:
            code = "E051" if verb == "call" else "E050"
            self.report(
                code,
                f"{verb} target `{name}` does not exist",
                ctx.file.path,
                line,
                col,
                ctx.scene,
                self.target_hint(name, ctx.chapter),
                ref=_full(name, ctx.chapter),
            )
        return found

    def choice(self, ctx: _Ctx, ir: ChoiceIR, graft: str | None = None) -> Choice | None:
        path = ctx.file.path
        text = self.template(ctx, ir["text"], "choice text")
        condition = None
        ok = text is not None
        if_ir = ir.get("if")
        if if_ir is not None:
            condition = self.expression(ctx, if_ir, ex.BOOL, "condition")
            ok = ok and condition is not None
        effects = self.effects(ctx, ir.get("effects"))
        route = chance = None
        c = ir.get("chance")
        route_ir = ir.get("route")
        if c is not None:
            expr = self.expression(ctx, c["expr"], ex.NUM, "chance")
            success, failure = self.outcome(ctx, c["success"]), self.outcome(ctx, c["failure"])
            if expr is not None and success is not None and failure is not None:
                chance = Chance(expr, success, failure)
            ok = ok and chance is not None
        elif route_ir is not None:
            route = self.route(ctx, route_ir)
            ok = ok and route is not None
        else:
            ok = False
        if not ok or text is None:
            return None
        return Choice(
            ir["id"],
            text,
            condition,
            ir.get("locked", False),
            ir.get("reason"),
            effects,
            route,
            chance,
            Pos(path, ir["line"], ir["col"]),
            graft,
            self.template(ctx, ir.get("milestone"), "milestone"),
            ir.get("once", False),
            ir.get("fallback", False),
            tuple(ir.get("tags", ())),
        )

    def outcome(self, ctx: _Ctx, ir: OutcomeIR | None) -> Outcome | None:
        if ir is None:
            return None
        route = self.route(ctx, ir["route"])
        text = self.template(ctx, ir.get("text"), "outcome text")
        effects = self.effects(ctx, ir.get("effects"))
        if route is None:
            return None
        milestone = self.template(ctx, ir.get("milestone"), "milestone")
        return Outcome(effects, route, text, Pos(ctx.file.path, ir["line"], ir["col"]), milestone)

    def grafts(self) -> dict[str, list[tuple[_Ctx, ChoiceIR]]]:
        """Grafted choices by target scene, in file order; conflicts are reported here."""
        out: dict[str, list[tuple[_Ctx, ChoiceIR]]] = {}
        owner: dict[tuple[str, str], SourceFile] = {}
        for f in self.files:
            ch = f.ir["chapter"]
            chapter = ch["id"] if ch else None
            for g in f.ir["grafts"]:
                target = self.resolve(g["scene"], chapter)
                if target is None:
                    self.report(
                        "E052",
                        f"graft onto `{g['scene']}`, which does not exist",
                        f.path,
                        g["line"],
                        g["col"],
                        None,
                        self.target_hint(g["scene"], chapter),
                        ref=_full(g["scene"], chapter),
                    )
                    continue
                for c in g["choices"]:
                    key = (target, c["id"])
                    if key in owner:
                        other = owner[key]
                        where = "that file" if other is f else other.rel
                        self.report(
                            "E053",
                            f"choice `{c['id']}` is grafted onto `{target}` twice (also in {where})",
                            f.path,
                            c["line"],
                            c["col"],
                            target,
                            "give one of them another `id`",
                        )
                        continue
                    owner[key] = f
                    out.setdefault(target, []).append((_Ctx(f, chapter, target), c))
        return out

    def scene(self, ctx: _Ctx, sid: str, ir: SceneIR, grafted: list[tuple[_Ctx, ChoiceIR]]) -> Scene:
        path = ctx.file.path
        text = self.template(ctx, ir.get("text"), "text")
        effects = self.effects(ctx, ir.get("effects"))
        choices: list[Choice] = []
        seen: set[str] = set()
        offered: list[tuple[_Ctx, ChoiceIR, str | None]] = [(ctx, c, None) for c in ir.get("choices", ())]
        offered += [(gctx, c, gctx.file.rel) for gctx, c in grafted]
        for cctx, c, graft in offered:
            if c["id"] in seen:
                if graft is None:
                    code, what, hint = (
                        "E054",
                        "two choices here have the id",
                        "give one of them an `id:` of its own",
                    )
                else:
                    code, what = "E053", "a grafted choice clashes with a choice the scene already has: id"
                    hint = "give the grafted choice another `id`"
                self.report(code, f"{what} `{c['id']}`", cctx.file.path, c["line"], c["col"], sid, hint)
                continue
            seen.add(c["id"])
            built = self.choice(cctx, c, graft=graft)
            if built is not None:
                choices.append(built)
        branches: list[Branch] = []
        for cond_ir, route_ir, line, col in ir.get("next", ()):
            route = self.route(ctx, route_ir)
            cond = self.expression(ctx, cond_ir, ex.BOOL, "condition") if cond_ir is not None else None
            if route is not None and (cond_ir is None or cond is not None):
                branches.append(Branch(cond, route, Pos(path, line, col)))
        ending = None
        e = ir.get("ending")
        if e is not None:
            ending = Ending(e["title"], e["tone"], Pos(path, e["line"], e["col"]), e.get("hint", ""))
        title = ir.get("title") or sid.split(".", 1)[1].replace("_", " ").capitalize()
        return Scene(
            sid,
            ctx.chapter or "",
            title,
            text,
            effects,
            tuple(choices),
            tuple(branches),
            ir.get("continue") or "Continue",
            ending,
            Pos(path, ir["line"], ir["col"]),
            self.template(ctx, ir.get("milestone"), "milestone"),
            self.template(ctx, ir.get("revisit"), "revisit", first=2),
        )


def placed(ir: ExprIR, offset: int) -> tuple[int, int]:
    """Line and column in the file of character `offset` of an expression: from the last place
    at or before it where the expression's characters jump (a line break, an escape), else from
    its start, counting on along the line. (The language server places what it finds in an
    expression the same way.)"""
    line, col, at = ir[1], ir[2], 0
    anchors: tuple[int, ...] = ir[4] if len(ir) == 5 else ()
    for i in range(0, len(anchors), 3):
        if anchors[i] > offset:
            break
        at, line, col = anchors[i : i + 3]
    return line, col + offset - at


def _mirror_effect(
    op: str, amount: int | float | ExprIR | None, stat: Stat
) -> tuple[str, int | float | ExprIR | None]:
    """An effect on the other side of `stat`'s pair, as an effect on `stat` itself.

    The other side is `min + max - stat`, so adding to it subtracts from the stat, fairmath
    towards its max is fairmath towards the stat's min by the same share, and setting it sets
    the stat to `min + max - value`.
    """
    total = stat.min + stat.max
    if isinstance(amount, tuple):
        data = amount[3]
        if op == "set":
            data = ("bin", "-", ("num", total), data, 0)
        else:
            data = ("neg", data, 0)
        mirrored: ExprIR = (*amount[:3], data, *amount[4:])
        return op, mirrored
    if amount is None:  # pragma: no cover - only flag effects lack an amount
        return op, amount
    return op, (total - amount if op == "set" else -amount)


def _replace_names(tree: ex.Node, mirrors: dict[str, Stat]) -> ex.Node:
    """`tree` with every name of `mirrors` replaced by `min + max - stat`."""
    import dataclasses

    if isinstance(tree, ex.Name):
        stat = mirrors.get(tree.name)
        if stat is None:
            return tree
        return ex.Arith("-", ex.Num(stat.min + stat.max), ex.Name(stat.id, tree.offset), tree.offset)
    changes: dict[str, object] = {}
    for f in dataclasses.fields(tree):
        value = getattr(tree, f.name)
        if isinstance(value, tuple):
            changes[f.name] = tuple(_replace_names(v, mirrors) for v in value)
        elif not isinstance(value, str | int | float | bool):
            changes[f.name] = _replace_names(value, mirrors)
    return dataclasses.replace(tree, **changes) if changes else tree  # type: ignore[arg-type]


def _named_like_a_copy(rel: str) -> bool:
    """A file name a backup copy gets from a file manager or an editor: `bout copy.yaml`,
    `bout (2).yaml`, `bout-backup.yaml`, `bout.old.yaml`, `bout~.yaml`."""
    stem = rel.rsplit("/", 1)[-1].lower().rsplit(".", 1)[0]
    words = "".join(c if c.isalnum() else " " for c in stem).split()
    return bool({"copy", "backup", "bak", "old"}.intersection(words)) or "~" in stem or stem.endswith(")")


#: What a manifest is called by an author who missed its name by case or extension.
_MANIFEST_NAMES = frozenset({"story.yaml", "story.yml"})

#: The scene a visits()/visited() problem (E044) names, as engine/core/expr/typecheck.py words it.
_VISITED = re.compile(r'^visit(?:s|ed)\("([^"]*)"\)')
#: The name an unknown-name problem (E041) names, as engine/core/expr/typecheck.py words it.
_UNKNOWN_NAME = re.compile(r"^unknown name `([^`]*)`")


def _full(ref: str, chapter: str | None) -> str:
    """The scene id `ref` would be, written in `chapter`: a short name is in the same chapter."""
    return ref if "." in ref or chapter is None else f"{chapter}.{ref}"


_NOT_IN_A_NAME = re.compile(r"[^a-z0-9_]")


def _plain(name: str) -> str:
    """A name as its uses most likely spell it: `Nerve` and `cup-morning`, left out as invalid
    names, are most likely used as `nerve` and `cup_morning`."""
    return _NOT_IN_A_NAME.sub("_", name.lower())


def _owners_first(files: Sequence[SourceFile]) -> list[SourceFile]:
    """The files in order, except that a file named after its chapter comes before the others
    that claim the same chapter: when an author copies `chapter: meet` into gala.yaml, the
    duplicate (E026) is blamed on gala.yaml, the file that changed, not on meet.yaml."""

    claimed = Counter(ch["id"] for f in files if (ch := f.ir["chapter"]) and ch["id"])
    twice = {cid for cid, n in claimed.items() if n > 1}

    def owns_a_shared_chapter(f: SourceFile) -> bool:
        ch = f.ir["chapter"]
        cid = ch["id"] if ch else None
        return cid in twice and f.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0] == cid

    return sorted(files, key=lambda f: not owns_a_shared_chapter(f)) if twice else list(files)


def _declare_hint(kind: str, name: str) -> str:
    return f"declare it under `{kind}:` in story.yaml"


def fingerprint(files: Sequence[SourceFile]) -> str:
    """A digest of every file's path and content: it changes whenever the story does."""
    h = hashlib.sha256(f"pointe-edge/ir{IR_VERSION}".encode())
    for f in sorted(files, key=lambda f: f.rel):
        h.update(f.rel.encode() + b"\0" + f.content_hash.encode() + b"\n")
    return h.hexdigest()[:32]


__all__ = ["Linker", "SourceFile", "fingerprint", "placed"]
