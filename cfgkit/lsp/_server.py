"""The protocol side: a pygls server that turns requests into :class:`Workspace` questions.

Requests and document notifications are answered in order on the server's event loop; a
static index is built in one background thread (reported with ``$/progress``), so
``initialize`` and every request answer at once. When an index is ready, the diagnostics of
every open config are published again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from cfgkit import __version__
from cfgkit.config._load.files import SUPPORTED_EXTENSIONS
from cfgkit.lsp._document import Span
from cfgkit.lsp._workspace import Settings, Workspace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional

    from cfgkit.lsp._workspace import Completion, Symbol

__all__ = ["create_server"]

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "note": types.DiagnosticSeverity.Information,
}
_COMPLETION_KIND = {
    "class": types.CompletionItemKind.Class,
    "function": types.CompletionItemKind.Function,
    "keyword": types.CompletionItemKind.Property,
    "key": types.CompletionItemKind.Field,
    "file": types.CompletionItemKind.File,
    "folder": types.CompletionItemKind.Folder,
}
SOURCE = "cfgkit"
DEBOUNCE = 0.02  # seconds between an edit and checking it


def _range(span: Span) -> types.Range:
    return types.Range(
        types.Position(span.line, span.column), types.Position(span.end_line, span.end_column)
    )


class CfgkitServer(LanguageServer):
    """pygls' server with cfgkit's workspace and its background indexer."""

    def __init__(self) -> None:
        super().__init__("cfgkit", __version__)
        self.analysis = Workspace(Settings())
        self.indexer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="cfgkit-index")
        self.tokens = itertools.count(1)
        self.building: set[asyncio.Future[None]] = set()
        self.pending: Optional[asyncio.TimerHandle] = None

    def configure(self, options: Any, roots: list[str]) -> None:
        """Settings from the client's ``initializationOptions``: ``trusted`` (bool),
        ``path`` (folders where packages are found), ``maxConfigs`` (int)."""
        options = options if isinstance(options, dict) else {}
        extra = options.get("path")
        folders = [str(p) for p in extra] if isinstance(extra, list) else []
        limit = options.get("maxConfigs")
        settings = Settings(
            trusted=options.get("trusted") is True,
            path=tuple(os.path.abspath(os.path.expanduser(p)) for p in [*folders, *roots]),
            max_configs=limit if isinstance(limit, int) and limit > 0 else 64,
        )
        self.analysis = Workspace(settings, schedule=self.schedule)

    def schedule(self, build: Callable[[], None]) -> None:
        """Build an index in the background, with progress, then publish diagnostics."""
        task = asyncio.ensure_future(self._build(build))
        self.building.add(task)  # kept until done: the loop holds tasks only weakly
        task.add_done_callback(self.building.discard)

    async def _build(self, build: Callable[[], None]) -> None:
        token = f"cfgkit-index-{next(self.tokens)}"
        window = self.client_capabilities.window
        progress = bool(window and window.work_done_progress)
        if progress:
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(
                    token,
                    types.WorkDoneProgressBegin(
                        title="cfgkit", message="reading registries from source"
                    ),
                )
            except Exception:  # a client that refuses progress still gets the index
                progress = False
        await asyncio.get_running_loop().run_in_executor(self.indexer, build)
        if progress:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="index ready"))
        self.publish_all()

    def publish(self, filename: str) -> None:
        found = self.analysis.diagnostics(filename)
        if found is None:
            return  # an index is being built: published when it is ready
        diagnostics = [
            types.Diagnostic(
                range=_range(d.span),
                message=d.message,
                severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Information),
                source=SOURCE,
                code=d.key or None,
                data={"replacements": list(d.replacements)} if d.replacements else None,
            )
            for d in found
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=from_fs_path(filename) or "", diagnostics=diagnostics
            )
        )

    def publish_all(self) -> None:
        self.pending = None
        publish = _guarded(self, None)(self.publish)  # one config must not hide the others'
        for filename in list(self.analysis.texts):
            publish(filename)

    def publish_soon(self) -> None:
        """Publish after the requests already sent (a completion typed right after an
        edit is answered first); edits in a burst are checked once."""
        if self.pending is not None:
            self.pending.cancel()
        self.pending = asyncio.get_running_loop().call_later(DEBOUNCE, self.publish_all)


def _path(uri: str) -> Optional[str]:
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def _guarded(server: CfgkitServer, default: Any) -> Callable[[Any], Any]:
    """Answer ``default`` when a handler fails: one bad config must not stop the server."""

    def wrap(handler: Any) -> Any:
        def guarded(params: Any) -> Any:
            try:
                return handler(params)
            except Exception as error:
                server.window_log_message(
                    types.LogMessageParams(types.MessageType.Error, f"cfgkit: {error!r}")
                )
                return default

        guarded.__name__ = handler.__name__
        guarded.__doc__ = handler.__doc__
        return guarded

    return wrap


def create_server() -> CfgkitServer:
    """The cfgkit language server, its features registered (start it with ``start_io()``)."""
    server = CfgkitServer()

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        roots = [path for folder in params.workspace_folders or [] if (path := _path(folder.uri))]
        if not roots and params.root_uri and (root := _path(params.root_uri)):
            roots = [root]
        server.configure(params.initialization_options, roots)

    def about_file(feature: str, options: Any = None) -> Callable[[Any], Any]:
        """Register a handler of a notification or request about one file, called with its
        path and the params (None is the answer when the URI names no file, or it fails)."""

        def register(handler: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
            def answer(params: Any) -> Any:
                filename = _path(params.text_document.uri)
                return None if filename is None else handler(filename, params)

            answer.__name__ = handler.__name__
            server.feature(feature, options)(_guarded(server, None)(answer))
            return handler

        return register

    @about_file(types.TEXT_DOCUMENT_DID_OPEN)
    @about_file(types.TEXT_DOCUMENT_DID_CHANGE)
    @about_file(types.TEXT_DOCUMENT_DID_SAVE)
    def changed(filename: str, params: Any) -> None:
        if not filename.endswith(SUPPORTED_EXTENSIONS):
            return
        server.analysis.open(
            filename, server.workspace.get_text_document(params.text_document.uri).source
        )
        server.publish_soon()

    @about_file(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(filename: str, params: types.DidCloseTextDocumentParams) -> None:
        server.analysis.close(filename)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )
        server.publish_soon()

    @about_file(types.TEXT_DOCUMENT_DEFINITION)
    def definition(filename: str, params: types.DefinitionParams) -> Optional[list[types.Location]]:
        position = params.position
        found = server.analysis.definition(filename, position.line, position.character)
        return [
            types.Location(uri=from_fs_path(f.filename) or "", range=_range(f.span)) for f in found
        ] or None

    @about_file(types.TEXT_DOCUMENT_HOVER)
    def hover(filename: str, params: types.HoverParams) -> Optional[types.Hover]:
        found = server.analysis.hover(filename, params.position.line, params.position.character)
        if found is None:
            return None
        text, span = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=_range(span),
        )

    @about_file(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["'", '"', "/", ":", "(", ",", "="]),
    )
    def completion(filename: str, params: types.CompletionParams) -> types.CompletionList:
        position = params.position
        found = server.analysis.completion(filename, position.line, position.character)
        return types.CompletionList(is_incomplete=False, items=[_item(c) for c in found])

    @about_file(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(filename: str, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        return [_symbol(s) for s in server.analysis.symbols(filename)]

    @about_file(types.TEXT_DOCUMENT_INLAY_HINT)
    def inlay_hints(filename: str, params: types.InlayHintParams) -> list[types.InlayHint]:
        found = server.analysis.hints(filename, params.range.start.line, params.range.end.line)
        return [
            types.InlayHint(
                position=types.Position(h.line, h.column),
                label=h.label,
                kind=types.InlayHintKind.Parameter,
                tooltip=h.tooltip,
                padding_left=True,
            )
            for h in found
        ]

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @_guarded(server, None)
    def code_actions(params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        actions = []
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            for replacement in data.get("replacements") or ():
                if not isinstance(replacement, str):
                    continue
                edit = types.TextEdit(range=diagnostic.range, new_text=replacement)
                actions.append(
                    types.CodeAction(
                        title=f"Replace with {replacement!r}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={params.text_document.uri: [edit]}),
                    )
                )
        return actions

    @server.feature(types.SHUTDOWN)
    def shutdown(params: Any) -> None:
        server.indexer.shutdown(wait=False, cancel_futures=True)

    return server


def _item(completion: Completion) -> types.CompletionItem:
    edit = None
    if completion.replace is not None:
        edit = types.TextEdit(range=_range(completion.replace), new_text=completion.label)
    return types.CompletionItem(
        label=completion.label,
        kind=_COMPLETION_KIND.get(completion.kind),
        detail=completion.detail or None,
        documentation=completion.documentation or None,
        insert_text=completion.insert or None,
        text_edit=edit,
    )


def _symbol(symbol: Symbol) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        detail=symbol.detail or None,
        kind=types.SymbolKind.Object if symbol.children else types.SymbolKind.Field,
        range=_range(symbol.span),
        selection_range=_range(symbol.selection),
        children=[_symbol(c) for c in symbol.children] or None,
    )
