"""``gaidsl lsp``: the language server over stdio (pygls), for specs, overlays and migrations (``.gai``).

Diagnostics are compiled on open and, debounced, on every change; on save the solver's findings (contradictions,
redundant checks, a migration's proof) are added, off the typing path in a worker thread. The language of messages
comes from ``initializationOptions.lang`` (``zh``, ``en`` or ``both``), else the client's locale (``zh…`` → zh, any
other → en), else zh as in ``gaidsl check``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from gaidsl import __version__
from gaidsl.language.diagnostics import Diagnostic, Lang
from gaidsl.lsp.analysis import Analysed, analyse, solver_findings
from gaidsl.lsp.features import completions, document_symbols, formatting, locations, lsp_diagnostics
from gaidsl.lsp.hover import hover_text
from gaidsl.lsp.index import Index
from gaidsl.lsp.positions import Positions

DEBOUNCE_SECONDS = 0.15


def uri_of(path: str) -> str:
    return from_fs_path(os.path.abspath(path)) or path


class GaidslServer(LanguageServer):
    """The server's state: each open document's latest analysis and the last one whose spec compiled."""

    def __init__(self) -> None:
        super().__init__("gaidsl", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.lang: Lang = "zh"
        self.debounce = DEBOUNCE_SECONDS
        self.analyse_on_save = True
        self.analysed: dict[str, Analysed] = {}
        self.good: dict[str, Analysed] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}

    def configure(self, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        lang = options.get("lang")
        if lang in ("zh", "en", "both"):
            self.lang = lang
        elif params.locale:
            self.lang = "zh" if params.locale.lower().startswith("zh") else "en"
        if isinstance(options.get("debounceMs"), int | float):
            self.debounce = max(0.0, float(options["debounceMs"]) / 1000)
        if isinstance(options.get("analyzeOnSave"), bool):
            self.analyse_on_save = options["analyzeOnSave"]

    def path_of(self, uri: str) -> str:
        return to_fs_path(uri) or uri

    def refresh(self, uri: str) -> Analysed:
        """Compile the document's current text and publish its diagnostics."""
        document = self.workspace.get_text_document(uri)
        analysed = analyse(self.path_of(uri), document.source)
        self.analysed[uri] = analysed
        if analysed.spec is not None or analysed.compilation.migration is not None:
            self.good[uri] = analysed
        self.publish(uri, analysed, analysed.diagnostics)
        return analysed

    def publish(self, uri: str, analysed: Analysed, diagnostics: tuple[Diagnostic, ...]) -> None:
        codec = self.workspace.position_codec
        found = lsp_diagnostics(analysed, diagnostics, codec, self.lang, uri_of)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, found))

    def latest(self, uri: str) -> Analysed:
        """The analysis of the document's text now (compiled here if a debounced change is still waiting)."""
        current = self.analysed.get(uri)
        if current is None or current.text != self.workspace.get_text_document(uri).source:
            current = self.refresh(uri)
        return current

    def index_for(self, uri: str) -> tuple[Analysed, Index]:
        """The latest analysis, and the index to answer from: the latest one unless it lost its names to an error
        (a text that does not parse), then the last good one's."""
        current = self.latest(uri)
        good = self.good.get(uri)
        if not current.index.occurrences and good is not None:
            return current, good.index
        return current, current.index

    def texts(self, analysed: Analysed) -> dict[str, str]:
        return {name: source.text for name, source in analysed.compilation.sources.items()} | {
            analysed.name: analysed.text
        }


server = GaidslServer()


@server.feature(types.INITIALIZE)
def initialize(ls: GaidslServer, params: types.InitializeParams) -> None:
    ls.configure(params)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: GaidslServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.refresh(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: GaidslServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()

    async def later() -> None:
        await asyncio.sleep(ls.debounce)
        ls.pending.pop(uri, None)
        ls.refresh(uri)

    ls.pending[uri] = asyncio.ensure_future(later())


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: GaidslServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    analysed = ls.latest(uri)
    if not ls.analyse_on_save or not analysed.compilation.ok:
        return
    findings = await asyncio.get_running_loop().run_in_executor(None, solver_findings, analysed)
    if findings and ls.analysed.get(uri) is analysed:
        ls.publish(uri, analysed, (*analysed.diagnostics, *findings))


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: GaidslServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.analysed.pop(uri, None)
    ls.good.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


def _at(ls: GaidslServer, uri: str, position: types.Position) -> tuple[Analysed, Index, Any]:
    analysed, index = ls.index_for(uri)
    offset = Positions(analysed.text, ls.workspace.position_codec).offset(position)
    return analysed, index, index.at(analysed.name, offset)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: GaidslServer, params: types.HoverParams) -> types.Hover | None:
    analysed, index, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None:
        return None
    good = ls.good.get(params.text_document.uri)
    spec = analysed.spec or (good.spec if good else None)
    text = hover_text(index, occurrence, spec, ls.lang)
    if text is None:
        return None
    where = Positions(analysed.text, ls.workspace.position_codec).span_range(occurrence.span)
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), where)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: GaidslServer, params: types.DefinitionParams) -> list[types.Location] | None:
    analysed, index, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None:
        return None
    found = index.definition(occurrence.symbol)
    if found is None:
        return None
    return locations([found.span], ls.texts(analysed), ls.workspace.position_codec, uri_of)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: GaidslServer, params: types.ReferenceParams) -> list[types.Location] | None:
    analysed, index, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None:
        return None
    include = params.context.include_declaration
    spans = [o.span for o in index.of(occurrence.symbol) if include or not o.definition]
    return locations(spans, ls.texts(analysed), ls.workspace.position_codec, uri_of)


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", " "], resolve_provider=False)
)
def completion(ls: GaidslServer, params: types.CompletionParams) -> types.CompletionList:
    uri = params.text_document.uri
    analysed, index = ls.index_for(uri)
    good = ls.good.get(uri)
    if good is not None and len(good.index.occurrences) > len(index.occurrences):
        index = good.index  # while a name is half typed, the last good text knows more names
    offset = Positions(analysed.text, ls.workspace.position_codec).offset(params.position)
    return types.CompletionList(is_incomplete=False, items=completions(analysed, index, offset))


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def format_document(ls: GaidslServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    uri = params.text_document.uri
    return formatting(ls.path_of(uri), ls.workspace.get_text_document(uri).source, ls.workspace.position_codec)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: GaidslServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    return document_symbols(ls.latest(params.text_document.uri), ls.workspace.position_codec)


def run() -> None:
    """Serve one client over standard input and output until it exits."""
    server.start_io()
