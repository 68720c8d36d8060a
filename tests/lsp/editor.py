"""An editor for the language server's tests: pygls's own client, talking real JSON-RPC (headers,
JSON, the protocol's types) to the server in the same event loop over in-memory pipes.

In one process, so a test costs milliseconds rather than a process start; the bytes on the
pipes are exactly what stdio would carry (tests/lsp/test_stdio.py runs `main.py lsp` for real).
The server analyses each change at once (no debounce), and a test waits for the diagnostics it
expects by awaiting their notification: nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.io_ import run_async
from pygls.lsp.client import LanguageClient

from engine.lsp.server import PointeEdgeServer, build_server


class _Pipe:
    """One direction of a connection: what one side writes, the other reads."""

    def __init__(self) -> None:
        self.reader = asyncio.StreamReader()

    def write(self, data: bytes) -> None:
        self.reader.feed_data(data)

    def close(self) -> None:
        self.reader.feed_eof()


def uri(path: Path) -> str:
    return path.resolve().as_uri()


class Editor:
    """A client with a server: open, change and ask, as an editor would."""

    def __init__(self, server: PointeEdgeServer, client: LanguageClient):
        self.server = server
        self.client = client
        self.diagnostics: dict[str, list[t.Diagnostic]] = {}
        self.versions: dict[str, int | None] = {}
        self._published = asyncio.Condition()
        self._docs: dict[str, tuple[int, str]] = {}
        self.logged: list[str] = []
        self.registrations: list[t.Registration] = []

        @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def published(params: t.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.versions[params.uri] = params.version
            async with self._published:
                self._published.notify_all()

        @client.feature(t.WINDOW_LOG_MESSAGE)
        def logged(params: t.LogMessageParams) -> None:
            self.logged.append(params.message)

        @client.feature(t.CLIENT_REGISTER_CAPABILITY)
        def register(params: t.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    async def initialize(
        self, root: Path | None, capabilities: t.ClientCapabilities | None = None
    ) -> t.InitializeResult:
        caps = capabilities or t.ClientCapabilities(
            text_document=t.TextDocumentClientCapabilities(
                completion=t.CompletionClientCapabilities(
                    completion_item=t.ClientCompletionItemOptions(snippet_support=True)
                ),
                publish_diagnostics=t.PublishDiagnosticsClientCapabilities(related_information=True),
                rename=t.RenameClientCapabilities(prepare_support=True),
            ),
            workspace=t.WorkspaceClientCapabilities(
                did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
            ),
        )
        folders = [t.WorkspaceFolder(uri=uri(root), name=root.name)] if root is not None else None
        result = await self.client.initialize_async(
            t.InitializeParams(
                capabilities=caps,
                root_uri=uri(root) if root is not None else None,
                workspace_folders=folders,
            )
        )
        self.client.initialized(t.InitializedParams())
        return result

    # -- documents ---------------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None) -> str:
        text = path.read_text(encoding="utf-8") if text is None else text
        u = uri(path)
        self._docs[u] = (1, text)
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=u, language_id="yaml", version=1, text=text))
        )
        return u

    def text(self, path: Path) -> str:
        return self._docs[uri(path)][1]

    def replace_all(self, path: Path, text: str) -> int:
        """The whole buffer replaced (a full change), as an editor may send it."""
        u = uri(path)
        version = self._docs[u][0] + 1
        self._docs[u] = (version, text)
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=u, version=version),
                [t.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return version

    def edit(self, path: Path, old: str, new: str) -> int:
        """Change the first `old` to `new` with an incremental change (a range in UTF-16), as
        VS Code sends a keystroke."""
        u = uri(path)
        version, text = self._docs[u]
        at = text.index(old)
        start = self.position(text, at)
        end = self.position(text, at + len(old))
        version += 1
        self._docs[u] = (version, text[:at] + new + text[at + len(old) :])
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=u, version=version),
                [t.TextDocumentContentChangePartial(range=t.Range(start=start, end=end), text=new)],
            )
        )
        return version

    def close(self, path: Path) -> None:
        u = uri(path)
        self._docs.pop(u, None)
        self.client.text_document_did_close(
            t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=u))
        )

    @staticmethod
    def position(text: str, offset: int) -> t.Position:
        """The protocol's position (UTF-16) of character `offset` of `text`."""
        before = text[:offset]
        line = before.count("\n")
        column = before[before.rfind("\n") + 1 :]
        return t.Position(line=line, character=len(column.encode("utf-16-le")) // 2)

    def at(self, path: Path, needle: str, *, nth: int = 0, offset: int = 0) -> t.Position:
        """The position of the `nth` `needle` in the buffer (plus `offset` characters)."""
        text = self._docs[uri(path)][1] if uri(path) in self._docs else path.read_text(encoding="utf-8")
        at = -1
        for _ in range(nth + 1):
            at = text.index(needle, at + 1)
        return self.position(text, at + offset)

    # -- waiting for what the server publishes -------------------------------------------------

    async def diagnostics_for(
        self,
        path: Path,
        until: Callable[[list[t.Diagnostic]], bool] = lambda ds: True,
        version: int | None = None,
    ) -> list[t.Diagnostic]:
        """The diagnostics of a file once the server has published some that satisfy `until`
        (for the buffer's `version`, when given)."""
        u = uri(path)

        def ready() -> bool:
            if u not in self.diagnostics:
                return False
            if version is not None and self.versions.get(u) != version:
                return False
            return until(self.diagnostics[u])

        async with self._published:
            await asyncio.wait_for(self._published.wait_for(ready), 20)
        return self.diagnostics[u]

    # -- asking ------------------------------------------------------------------------------

    def doc(self, path: Path) -> t.TextDocumentIdentifier:
        return t.TextDocumentIdentifier(uri=uri(path))

    async def definition(self, path: Path, position: t.Position) -> Any:
        return await self.client.text_document_definition_async(
            t.DefinitionParams(text_document=self.doc(path), position=position)
        )

    async def references(
        self, path: Path, position: t.Position, declaration: bool = True
    ) -> list[t.Location]:
        found = await self.client.text_document_references_async(
            t.ReferenceParams(
                text_document=self.doc(path),
                position=position,
                context=t.ReferenceContext(include_declaration=declaration),
            )
        )
        return found or []

    async def rename(self, path: Path, position: t.Position, new_name: str) -> t.WorkspaceEdit | None:
        return await self.client.text_document_rename_async(
            t.RenameParams(text_document=self.doc(path), position=position, new_name=new_name)
        )

    async def prepare_rename(self, path: Path, position: t.Position) -> Any:
        return await self.client.text_document_prepare_rename_async(
            t.PrepareRenameParams(text_document=self.doc(path), position=position)
        )

    async def completion(self, path: Path, position: t.Position) -> list[t.CompletionItem]:
        found = await self.client.text_document_completion_async(
            t.CompletionParams(text_document=self.doc(path), position=position)
        )
        if found is None:
            return []
        return found.items if isinstance(found, t.CompletionList) else list(found)

    async def hover(self, path: Path, position: t.Position) -> t.Hover | None:
        return await self.client.text_document_hover_async(
            t.HoverParams(text_document=self.doc(path), position=position)
        )

    async def symbols(self, path: Path) -> list[t.DocumentSymbol]:
        found = await self.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=self.doc(path))
        )
        return list(found or [])

    async def code_actions(self, path: Path, diagnostics: list[t.Diagnostic]) -> list[t.CodeAction]:
        rng = (
            diagnostics[0].range
            if diagnostics
            else t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0))
        )
        found = await self.client.text_document_code_action_async(
            t.CodeActionParams(
                text_document=self.doc(path), range=rng, context=t.CodeActionContext(diagnostics=diagnostics)
            )
        )
        return [a for a in found or [] if isinstance(a, t.CodeAction)]

    async def workspace_symbols(self, query: str) -> list[Any]:
        return list(await self.client.workspace_symbol_async(t.WorkspaceSymbolParams(query=query)) or [])


async def connect(debounce: float = 0.0, **options: Any) -> tuple[Editor, Callable[[], Any]]:
    """A server and a client joined by two pipes, each reading on the running loop."""
    server = build_server(debounce=debounce, **options)
    client = LanguageClient("pointe-edge-tests", "1")
    to_server, to_client = _Pipe(), _Pipe()
    server.protocol.set_writer(to_client)
    client.protocol.set_writer(to_server)
    stop = threading.Event()
    editor = Editor(server, client)
    tasks = [
        asyncio.create_task(run_async(stop, to_server.reader, server.protocol)),  # type: ignore[arg-type]
        asyncio.create_task(run_async(stop, to_client.reader, client.protocol)),  # type: ignore[arg-type]
    ]

    async def close() -> None:
        stop.set()
        to_server.close()
        to_client.close()
        for task in tasks:
            task.cancel()
        server.worker.shutdown(wait=True)

    return editor, close
