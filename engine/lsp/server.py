"""The language server: the editor's requests wired to the story analysis (pygls over stdio).

Each story folder the editor opens a file of (the nearest folder above it with a story.yaml)
gets a `StoryState`: its analyser, its last `Analysis`, and a `Debouncer` that re-analyses it
once the author pauses. Analyses run one at a time on a worker thread, so the event loop keeps
answering requests meanwhile (from the last analysis); a request that depends on where things
are in a buffer the author has just changed (definition, references, rename, hover) first
lets the analysis of that change finish. Completion reads the buffer as it is and the names of
the last analysis, so it never waits.

Diagnostics are published for every file of the story that has any (a closed branch file too,
and the other file of a conflict), and cleared when they are gone. Nothing here prints:
standard output carries the protocol, and problems go to the client's log (`window/logMessage`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from engine.core.diagnostics import Severity
from engine.core.errors import PointeEdgeError
from engine.core.version import __version__
from engine.load.folder import MANIFEST, story_folder_of
from engine.lsp import completion, hover, navigation, symbols
from engine.lsp.analysis import Analysis, Buffer, FileState, StoryAnalyser
from engine.lsp.debounce import CallLater, Debouncer
from engine.lsp.diagnostics import SOURCE, UNUSED, Located, locate_all
from engine.lsp.positions import Encoding, Place, split_lines, to_index, to_units

NAME = "pointe-edge"
#: How long the author must pause before a change is analysed (seconds).
DEBOUNCE = 0.15

log = logging.getLogger(__name__)

_REQUEST_FAILED = -32803  # the protocol's RequestFailed: a request understood but refused


class Refused(JsonRpcException, PointeEdgeError):
    """A request the server understood and refuses, with the reason for the author (one of the
    engine's errors, and the protocol's RequestFailed to the client)."""

    CODE = _REQUEST_FAILED


@dataclass
class StoryState:
    """One story folder as the server follows it."""

    folder: Path
    analyser: StoryAnalyser
    debouncer: Debouncer = field(init=False)  # set by the server, whose analysis it runs
    analysis: Analysis | None = None
    published: set[str] = field(default_factory=set)  # uris that have diagnostics showing


class PointeEdgeServer(LanguageServer):
    """The server, with the stories it follows. Options: `debounce` in seconds (0 in the tests:
    each change is analysed at once), `call_later` the timer the debouncer uses."""

    def __init__(self, *, debounce: float = DEBOUNCE, call_later: CallLater | None = None) -> None:
        super().__init__(NAME, __version__)
        self.debounce = debounce
        self.call_later = call_later
        self.stories: dict[Path, StoryState] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pointe-edge-analysis")
        self.analysed: list[Callable[[StoryState], None]] = []  # hooks, for the benchmark
        self.completion_docs: dict[str, str] = {}  # the last list's documentation, by label

    # -- where a document belongs ----------------------------------------------------------------

    @property
    def encoding(self) -> Encoding:
        encoding = self.workspace.position_encoding or "utf-16"
        chosen = str(getattr(encoding, "value", encoding))
        return cast(Encoding, chosen if chosen in ("utf-8", "utf-16", "utf-32") else "utf-16")

    def story_of(self, uri: str) -> tuple[StoryState, str] | None:
        """The story a document belongs to and its path in the story folder, or None for a file
        of no story (or one the loader would not read: a hidden file, not YAML)."""
        path = _path(uri)
        if path is None or path.suffix not in (".yaml", ".yml"):
            return None
        folder = story_folder_of(path)
        if folder is None:
            return None
        rel = path.resolve().relative_to(folder).as_posix()
        state = self.stories.get(folder)
        if state is None:
            state = StoryState(folder, StoryAnalyser(folder))
            state.debouncer = Debouncer(
                self.debounce, functools.partial(self._analyse, state), self.call_later
            )
            self.stories[folder] = state
        return state, rel

    def buffers(self, state: StoryState) -> dict[str, Buffer]:
        """The open documents of a story, by path in its folder."""
        out = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            path = _path(uri)
            if path is None or path.suffix not in (".yaml", ".yml"):
                continue
            with contextlib.suppress(ValueError):
                rel = path.resolve().relative_to(state.folder).as_posix()
                out[rel] = Buffer(doc.source, doc.version)
        return out

    # -- analysing and publishing ------------------------------------------------------------------

    async def _analyse(self, state: StoryState) -> None:
        buffers = self.buffers(state)
        loop = asyncio.get_running_loop()
        try:
            analysis = await loop.run_in_executor(self.worker, state.analyser.analyse, buffers)
        except Exception as err:  # a bug in the engine: say so in the log, keep the last analysis
            log.exception("analysis of %s failed", state.folder)
            self.window_log_message(
                t.LogMessageParams(
                    type=t.MessageType.Error, message=f"{NAME}: checking {state.folder} failed: {err!r}"
                )
            )
            return
        state.analysis = analysis
        self.publish(state)
        if analysis.generation == 1:
            # The first index of a story is built whole (each file's, later, only when the file
            # changes): built now, behind the first diagnostics, it is ready for the first
            # request instead of making it wait.
            loop.run_in_executor(self.worker, _build_index, analysis)
        for hook in self.analysed:
            hook(state)

    def publish(self, state: StoryState) -> None:
        """Every file's problems as the editor shows them, and an empty list where they are gone."""
        analysis = state.analysis
        if analysis is None:
            return
        now: set[str] = set()
        open_uris = set(self.workspace.text_documents)
        fallback = MANIFEST if MANIFEST in analysis.files else next(iter(analysis.files), MANIFEST)
        by_file: dict[str, list[t.Diagnostic]] = {}
        for rel in analysis.diagnostics:
            shown_in = rel if rel in analysis.files else fallback
            by_file.setdefault(shown_in, []).extend(
                self.to_lsp(located, analysis, shown_in) for located in locate_all(analysis, rel)
            )
        for rel, f in analysis.files.items():
            uri = _uri(analysis.folder / rel)
            found = by_file.get(rel, [])
            if found or uri in state.published or uri in open_uris:
                self.text_document_publish_diagnostics(
                    t.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=f.version)
                )
            if found:
                now.add(uri)
        for uri in state.published - now - {_uri(analysis.folder / rel) for rel in analysis.files}:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        state.published = now

    def to_lsp(self, located: Located, analysis: Analysis, rel: str) -> t.Diagnostic:
        d = located.diagnostic
        f = analysis.file(rel)
        rng = self.range(f, located.span.start, located.span.end)
        related = []
        for r in located.related:
            other = analysis.file(r.rel)
            if other is not None:
                related.append(
                    t.DiagnosticRelatedInformation(
                        t.Location(
                            _uri(analysis.folder / r.rel), self.range(other, r.span.start, r.span.end)
                        ),
                        r.message,
                    )
                )
        data: dict[str, Any] | None = None
        if located.fix is not None and f is not None:
            row = f.text.line(located.span.start.line)
            data = {"fix": located.fix, "word": row[located.span.start.col : located.span.end.col]}
        return t.Diagnostic(
            range=rng,
            message=located.message(),
            severity=t.DiagnosticSeverity.Error
            if d.severity is Severity.ERROR
            else t.DiagnosticSeverity.Warning,
            code=d.code,
            source=SOURCE,
            related_information=related or None,
            tags=[t.DiagnosticTag.Unnecessary] if d.code in UNUSED else None,
            data=data,
        )

    def range(self, f: FileState | None, start: Place, end: Place) -> t.Range:
        if f is None:
            return t.Range(t.Position(0, 0), t.Position(0, 0))
        a, b = f.text.to_client(start, self.encoding), f.text.to_client(end, self.encoding)
        return t.Range(t.Position(*a), t.Position(*b))

    async def current(self, uri: str) -> tuple[Analysis, FileState, str] | None:
        """The analysis of a document's story that has seen the document as it is now."""
        found = self.story_of(uri)
        if found is None:
            return None
        state, rel = found
        doc = self.workspace.text_documents.get(uri)
        version = doc.version if doc is not None else None
        analysis = state.analysis
        stale = analysis is None or (
            (f := analysis.file(rel)) is None or (version is not None and f.version != version)
        )
        if stale:
            if not state.debouncer.pending:
                state.debouncer.poke()
            await state.debouncer.flush()
            analysis = state.analysis
        if analysis is None or (f := analysis.file(rel)) is None:
            return None
        return analysis, f, rel

    def place(self, f: FileState, position: t.Position) -> Place:
        return f.text.from_client(position.line, position.character, self.encoding)

    def location(self, analysis: Analysis, target: navigation.Target) -> t.Location:
        return t.Location(
            _uri(analysis.folder / target.rel),
            self.range(analysis.file(target.rel), target.start, target.end),
        )


async def _register(ls: PointeEdgeServer, params: t.RegistrationParams) -> None:
    try:
        await ls.client_register_capability_async(params)
    except Exception as err:  # the client said no: files changed elsewhere wait for a save or an open
        log.info("the client did not take the file watchers: %r", err)


def _build_index(analysis: Analysis) -> None:
    try:
        analysis.index  # noqa: B018 - built for its side effect, kept by the analysis
    except Exception:  # a request that needs it will meet the same failure, and report it
        log.exception("indexing %s failed", analysis.folder)


def _path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    fs = to_fs_path(uri)
    return Path(fs) if fs else None


def _uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


# -- the features -------------------------------------------------------------------------------------

_SYMBOL_KINDS = {
    symbols.CHAPTER: t.SymbolKind.Module,
    symbols.SCENE: t.SymbolKind.Class,
    symbols.ENDING: t.SymbolKind.Event,
    symbols.GRAFT: t.SymbolKind.Interface,
    symbols.STAT: t.SymbolKind.Variable,
    symbols.FLAG: t.SymbolKind.Boolean,
    symbols.PERSON: t.SymbolKind.Object,
    symbols.STORY: t.SymbolKind.File,
}
_ITEM_KINDS = {
    completion.SCENE: t.CompletionItemKind.Module,
    completion.STAT: t.CompletionItemKind.Variable,
    completion.FLAG: t.CompletionItemKind.Constant,
    completion.FUNCTION: t.CompletionItemKind.Function,
    completion.KEYWORD: t.CompletionItemKind.Keyword,
    completion.DETOUR: t.CompletionItemKind.Variable,
    completion.KEY: t.CompletionItemKind.Property,
    completion.VALUE: t.CompletionItemKind.EnumMember,
}
TRIGGERS = [".", "{", "(", '"', "[", " "]


def build_server(*, debounce: float = DEBOUNCE, call_later: CallLater | None = None) -> PointeEdgeServer:
    """The language server with every feature registered."""
    server = PointeEdgeServer(debounce=debounce, call_later=call_later)

    @server.feature(t.INITIALIZED)
    async def initialized(ls: PointeEdgeServer, params: t.InitializedParams) -> None:
        # A workspace that is a story folder is checked at once: its problems are in the
        # editor's problem list before any file is opened.
        roots = [f.uri for f in ls.workspace.folders.values()] or [ls.workspace.root_uri or ""]
        for uri in roots:
            root = _path(uri)
            if root is not None and (root / MANIFEST).is_file():
                found = ls.story_of(_uri(root / MANIFEST))
                if found is not None:
                    found[0].debouncer.poke()
        # Files changed on disk behind the editor's back (a checkout, another program) are
        # watched by the client, when it can, and reported here. Asked for without waiting: a
        # client slow to answer delays nothing.
        caps = ls.client_capabilities.workspace
        watching = caps.did_change_watched_files if caps is not None else None
        if watching is not None and watching.dynamic_registration:
            watchers = [t.FileSystemWatcher(glob_pattern="**/*.{yaml,yml}")]
            options = t.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
            registration = t.Registration("pe-watch", t.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
            asyncio.get_running_loop().create_task(_register(ls, t.RegistrationParams([registration])))

    def changed(ls: PointeEdgeServer, uri: str, *, at_once: bool = False) -> None:
        found = ls.story_of(uri)
        if found is None:
            return
        state = found[0]
        state.debouncer.poke()
        if at_once:
            asyncio.get_running_loop().create_task(state.debouncer.flush())

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PointeEdgeServer, params: t.DidOpenTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, at_once=True)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PointeEdgeServer, params: t.DidChangeTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PointeEdgeServer, params: t.DidSaveTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, at_once=True)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PointeEdgeServer, params: t.DidCloseTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, at_once=True)  # back to the file on disk

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: PointeEdgeServer, params: t.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = _path(change.uri)
            if path is None:
                continue
            known = next((s for f, s in ls.stories.items() if path.resolve().is_relative_to(f)), None)
            if known is not None:
                known.debouncer.poke()
            else:
                changed(ls, change.uri)

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: PointeEdgeServer, params: t.DefinitionParams) -> list[t.Location] | None:
        found = await ls.current(params.text_document.uri)
        if found is None:
            return None
        analysis, f, rel = found
        targets = navigation.definition(analysis, rel, ls.place(f, params.position))
        return [ls.location(analysis, x) for x in targets] or None

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: PointeEdgeServer, params: t.ReferenceParams) -> list[t.Location] | None:
        found = await ls.current(params.text_document.uri)
        if found is None:
            return None
        analysis, f, rel = found
        targets = navigation.references(
            analysis,
            rel,
            ls.place(f, params.position),
            include_declaration=params.context.include_declaration,
        )
        return [ls.location(analysis, x) for x in targets] or None

    @server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(
        ls: PointeEdgeServer, params: t.PrepareRenameParams
    ) -> t.PrepareRenameResult | None:
        found = await ls.current(params.text_document.uri)
        if found is None:
            return None
        analysis, f, rel = found
        try:
            target, placeholder = navigation.prepare_rename(analysis, rel, ls.place(f, params.position))
        except navigation.RenameRefused as err:
            raise Refused(str(err)) from None
        return t.PrepareRenamePlaceholder(ls.range(f, target.start, target.end), placeholder)

    @server.feature(t.TEXT_DOCUMENT_RENAME, t.RenameOptions(prepare_provider=True))
    async def rename(ls: PointeEdgeServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
        found = await ls.current(params.text_document.uri)
        if found is None:
            return None
        analysis, f, rel = found
        try:
            edits = navigation.rename(analysis, rel, ls.place(f, params.position), params.new_name)
        except navigation.RenameRefused as err:
            raise Refused(str(err)) from None
        changes: dict[str, list[t.TextEdit]] = {}
        for e in edits:
            where = ls.range(analysis.file(e.rel), e.start, e.end)
            changes.setdefault(_uri(analysis.folder / e.rel), []).append(t.TextEdit(where, e.new_text))
        return t.WorkspaceEdit(changes=changes)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: PointeEdgeServer, params: t.HoverParams) -> t.Hover | None:
        found = await ls.current(params.text_document.uri)
        if found is None:
            return None
        analysis, f, rel = found
        shown = hover.hover(analysis, rel, ls.place(f, params.position))
        if shown is None:
            return None
        o, text = shown
        if _markdown_hovers(ls):
            content = t.MarkupContent(t.MarkupKind.Markdown, text)
        else:
            content = t.MarkupContent(t.MarkupKind.PlainText, hover.plain(text))
        return t.Hover(content, ls.range(f, o.place, o.end))

    @server.feature(
        t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=TRIGGERS, resolve_provider=True)
    )
    async def on_completion(ls: PointeEdgeServer, params: t.CompletionParams) -> t.CompletionList | None:
        uri = params.text_document.uri
        found = ls.story_of(uri)
        doc = ls.workspace.text_documents.get(uri)
        if found is None or doc is None:
            return None
        state, rel = found
        if state.analysis is None:
            await ls.current(uri)
        text = doc.source
        lines = split_lines(text)
        line = lines[params.position.line] if params.position.line < len(lines) else ""
        col = to_index(line, params.position.character, ls.encoding)
        offered = completion.complete(state.analysis, rel, text, Place(params.position.line, col))
        if offered is None:
            return None
        start = t.Position(params.position.line, to_units(line, offered.start.col, ls.encoding))
        rng = t.Range(start, params.position)
        snippets, defaults = _completion_support(ls)
        # The documentation waits for completionItem/resolve: a list of every scene of a large
        # story goes out in a few kilobytes, and each item's words only when it is chosen.
        ls.completion_docs = {item.label: item.documentation for item in offered.items if item.documentation}
        items = []
        for item in offered.items:
            snippet = item.insert is not None and snippets
            text = item.insert if snippet and item.insert else item.label
            items.append(
                t.CompletionItem(
                    label=item.label,
                    kind=_ITEM_KINDS.get(item.kind),
                    detail=item.detail or None,
                    sort_text=item.sort or None,
                    text_edit=None if defaults else t.TextEdit(rng, text),
                    text_edit_text=text if defaults and text != item.label else None,
                    insert_text_format=t.InsertTextFormat.Snippet if snippet else None,
                    data=item.label if item.documentation else None,
                )
            )
        item_defaults = t.CompletionItemDefaults(edit_range=rng) if defaults else None
        return t.CompletionList(is_incomplete=False, items=items, item_defaults=item_defaults)

    @server.feature(t.COMPLETION_ITEM_RESOLVE)
    def on_completion_resolve(ls: PointeEdgeServer, item: t.CompletionItem) -> t.CompletionItem:
        doc = ls.completion_docs.get(item.data) if isinstance(item.data, str) else None
        if doc:
            item.documentation = t.MarkupContent(t.MarkupKind.PlainText, doc)
        return item

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(
        ls: PointeEdgeServer, params: t.DocumentSymbolParams
    ) -> list[t.DocumentSymbol] | None:
        found = await ls.current(params.text_document.uri)
        if found is None:
            return None
        _, f, _ = found

        def convert(s: symbols.Symbol) -> t.DocumentSymbol:
            return t.DocumentSymbol(
                name=s.name,
                kind=_SYMBOL_KINDS[s.kind],
                range=ls.range(f, s.start, s.end),
                selection_range=ls.range(f, s.select_start, s.select_end),
                detail=s.detail,
                children=[convert(c) for c in s.children] or None,
            )

        return [convert(s) for s in symbols.outline(f)]

    @server.feature(t.WORKSPACE_SYMBOL)
    def workspace_symbols(ls: PointeEdgeServer, params: t.WorkspaceSymbolParams) -> list[t.WorkspaceSymbol]:
        out = []
        for state in ls.stories.values():
            if state.analysis is None:
                continue
            analysis = state.analysis
            for found in symbols.search(analysis, params.query)[:500]:
                where = ls.range(analysis.file(found.rel), found.start, found.end)
                out.append(
                    t.WorkspaceSymbol(
                        name=found.name,
                        kind=_SYMBOL_KINDS[found.kind],
                        location=t.Location(_uri(analysis.folder / found.rel), where),
                        container_name=found.container,
                    )
                )
        return out

    @server.feature(
        t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix])
    )
    def code_actions(ls: PointeEdgeServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
        uri = params.text_document.uri
        doc = ls.workspace.text_documents.get(uri)
        actions = []
        for d in params.context.diagnostics:
            data = d.data if isinstance(d.data, dict) else None
            if d.source != SOURCE or data is None or not isinstance(data.get("fix"), str):
                continue
            fix, word = data["fix"], str(data.get("word", ""))
            if doc is not None and _text_in(split_lines(doc.source), d.range, ls.encoding) != word:
                continue  # the text has moved on since: the fix would land in the wrong place
            actions.append(
                t.CodeAction(
                    title=f"Change `{word}` to `{fix}`" if word else f"Write `{fix}`",
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[d],
                    is_preferred=True,
                    edit=t.WorkspaceEdit(changes={uri: [t.TextEdit(d.range, fix)]}),
                )
            )
        return actions or None

    @server.feature(t.SHUTDOWN)
    def shutdown(ls: PointeEdgeServer, params: None) -> None:
        ls.worker.shutdown(wait=False, cancel_futures=True)

    return server


def _markdown_hovers(ls: PointeEdgeServer) -> bool:
    """Whether the client shows Markdown in a hover (it says so, or says nothing)."""
    doc = ls.client_capabilities.text_document
    formats = doc.hover.content_format if doc is not None and doc.hover is not None else None
    return formats is None or t.MarkupKind.Markdown in formats


def _completion_support(ls: PointeEdgeServer) -> tuple[bool, bool]:
    """Whether the client takes snippets, and a default range for every item's edit."""
    doc = ls.client_capabilities.text_document
    completion = doc.completion if doc is not None else None
    item = completion.completion_item if completion is not None else None
    listing = completion.completion_list if completion is not None else None
    defaults = listing.item_defaults if listing is not None else None
    return bool(item is not None and item.snippet_support), bool(defaults and "editRange" in defaults)


def _text_in(lines: list[str], rng: t.Range, encoding: Encoding) -> str:
    """The text of a one-line range in the buffer now."""
    if rng.start.line != rng.end.line or not 0 <= rng.start.line < len(lines):
        return ""
    line = lines[rng.start.line]
    return line[to_index(line, rng.start.character, encoding) : to_index(line, rng.end.character, encoding)]


def serve_stdio(*, debounce: float = DEBOUNCE) -> None:
    """Serve one editor over standard input and output until it says exit."""
    build_server(debounce=debounce).start_io()
