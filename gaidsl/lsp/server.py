"""``gaidsl lsp``: the language server over stdio (pygls), for specs, overlays and migrations (``.gai``).

Diagnostics are compiled on open and, debounced, on every change; on save the solver's findings (contradictions,
redundant checks, a migration's proof) are added, off the typing path in a worker thread. The language of messages
comes from ``initializationOptions.lang`` (``zh``, ``en`` or ``both``), else the client's locale (``zh…`` → zh, any
other → en), else zh as in ``gaidsl check``.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from gaidsl import __version__
from gaidsl.language import ast
from gaidsl.language.diagnostics import Diagnostic, Lang, error, say, warning
from gaidsl.lsp import rename as renaming
from gaidsl.lsp.analysis import Analysed, analyse, solver_findings
from gaidsl.lsp.data_files import SpecCache, check_data_file, data_kind, key_hover
from gaidsl.lsp.features import (
    brace_fixes,
    completions,
    did_you_mean_fixes,
    document_symbols,
    english_message_actions,
    formatting,
    locations,
    lsp_diagnostics,
    placed_diagnostics,
)
from gaidsl.lsp.hover import hover_text
from gaidsl.lsp.index import Index
from gaidsl.lsp.layout import LEGEND, folding_ranges, semantic_tokens
from gaidsl.lsp.positions import Positions
from gaidsl.migrations.documents import spec_path

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
        self.solver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gaidsl-solver")  # z3: one at a time
        self.renames: dict[str, list[str]] = {}  # spec file → migration statements its renames call for
        self.data_spec: str | None = None  # the spec report data files are checked against (else found by format)
        self.data_specs = SpecCache()

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
        if isinstance(options.get("dataSpec"), str) and options["dataSpec"]:
            self.data_spec = options["dataSpec"]

    def path_of(self, uri: str) -> str:
        return to_fs_path(uri) or uri

    def refresh(self, uri: str) -> Analysed:
        """Compile the document's current text and publish its diagnostics: a report data file (``.json``,
        ``.yaml``) is read and checked as ``gaidsl validate`` does; another document that is not a spec or a
        migration is refused with GAI810."""
        document = self.workspace.get_text_document(uri)
        path = self.path_of(uri)
        if data_kind(path) is not None:
            analysed = attrs.evolve(analyse(path, ""), text=document.source)  # no names to index: not compiled
            self.analysed[uri] = analysed
            found = check_data_file(path, document.source, self.data_spec, self.data_specs)
            codec = self.workspace.position_codec
            shown = placed_diagnostics(path, document.source, {}, found, codec, self.lang, uri_of)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, shown))
            return analysed
        analysed = analyse(path, document.source)
        if not path.endswith(".gai") and analysed.written is None:
            refused = (warning("GAI810", None, path=os.path.basename(self.path_of(uri))),)
            self.analysed[uri] = analysed
            self.publish(uri, analysed, refused)
            return analysed
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
    for other_uri, other in list(ls.analysed.items()):  # overlays, migrations and data files read it from disk
        spec_saved = analysed.name.endswith(".gai") and data_kind(other.name) is not None
        if other_uri != uri and (analysed.name in other.compilation.sources or spec_saved):
            ls.refresh(other_uri)
    if not ls.analyse_on_save or not analysed.compilation.ok:
        return
    findings = await asyncio.get_running_loop().run_in_executor(ls.solver, solver_findings, analysed)
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
    path = ls.path_of(params.text_document.uri)
    if data_kind(path) is not None:
        data = ls.workspace.get_text_document(params.text_document.uri).source
        positions = Positions(data, ls.workspace.position_codec)
        found = key_hover(path, data, positions.offset(params.position), ls.data_spec, ls.data_specs)
        if found is None:
            return None
        start, end, markdown = found
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, markdown), positions.range(start, end))
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
    if data_kind(ls.path_of(uri)) is not None:
        return types.CompletionList(is_incomplete=False, items=[])  # a data file: the spec's words do not apply
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


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
def tokens(ls: GaidslServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
    analysed, index = ls.index_for(params.text_document.uri)
    if index is not analysed.index:
        return types.SemanticTokens(data=[])  # the last good text's names would be placed in the wrong text
    return semantic_tokens(analysed, index, ls.workspace.position_codec)


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding(ls: GaidslServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    if data_kind(ls.path_of(params.text_document.uri)) is not None:
        return []  # a data file: the editor's own JSON or YAML folding
    return folding_ranges(ls.workspace.get_text_document(params.text_document.uri).source)


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: GaidslServer, params: types.PrepareRenameParams) -> types.Range | None:
    analysed, index, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None or occurrence.span.file != analysed.name or index is not analysed.index:
        return None
    return Positions(analysed.text, ls.workspace.position_codec).span_range(occurrence.span)


def _refuse(code: str, lang: Lang, **args: object) -> JsonRpcInvalidParams:
    message = error(code, None, (), **args).message
    return JsonRpcInvalidParams(f"{code}: {say(lang, message.zh, message.en, once=True)}")


@server.feature(types.TEXT_DOCUMENT_RENAME)
def rename(ls: GaidslServer, params: types.RenameParams) -> types.WorkspaceEdit:
    """The key renamed wherever it is written: in this document, the base specs it reads, and the open overlays
    that read it; the migration statement it calls for is offered as a code action of the spec that declares it."""
    uri = params.text_document.uri
    analysed, index, occurrence = _at(ls, uri, params.position)
    if occurrence is None or index is not analysed.index:
        raise _refuse("GAI812", ls.lang)
    if not renaming.valid_name(params.new_name):
        raise _refuse("GAI811", ls.lang, name=params.new_name)
    symbol = occurrence.symbol
    texts = ls.texts(analysed)
    spans = renaming.spans_by_file(index, symbol)
    for other in list(ls.analysed.values()):
        if other is not analysed and set(spans) & set(other.compilation.sources) - {other.name}:
            for file, found in renaming.spans_by_file(other.index, symbol, only=other.name).items():
                spans.setdefault(file, []).extend(found)
                texts[file] = other.text
    changes: dict[str, list[types.TextEdit]] = {}
    for file, found in spans.items():
        if not _current(ls, file, texts.get(file)):
            continue  # open with other text than the spans were found in: leave it
        for location in locations(found, texts, ls.workspace.position_codec, uri_of):
            changes.setdefault(location.uri, []).append(types.TextEdit(location.range, params.new_name))
    definition = index.definition(symbol)
    declared_in = definition.span.file if definition else analysed.name
    wanted = renaming.statements(index, occurrence, params.new_name)
    if wanted:
        ls.renames.setdefault(os.path.abspath(declared_in), []).extend(wanted)
        ls.window_show_message(
            types.ShowMessageParams(
                types.MessageType.Info,
                say(
                    ls.lang,
                    f"「{symbol.key}」是数据文件中的键：迁移语句可由代码操作加入迁移文件：{wanted[0]}",
                    f"'{symbol.key}' is a key of the data files: a code action adds the migration statement "
                    f"{wanted[0]}",
                ),
            )
        )
    return types.WorkspaceEdit(changes=changes)


def _current(ls: GaidslServer, file: str, text: str | None) -> bool:
    """Whether spans found in ``text`` still fit ``file``: it is not open, or open with that very text."""
    for analysed in ls.analysed.values():
        if os.path.abspath(analysed.name) == os.path.abspath(file):
            return analysed.text == text
    return text is not None


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]),
)
def code_actions(ls: GaidslServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The compiler's 'did you mean' fixes, a missing ``}`` closed, an English message added to a check; after a
    rename, the migration statements it calls for, written into an open migration whose new version is this spec
    (disabled, saying so, while none is open)."""
    analysed = ls.latest(params.text_document.uri)
    positions = Positions(analysed.text, ls.workspace.position_codec)
    start, end = positions.offset(params.range.start), positions.offset(params.range.end)
    codec, uri, lang = ls.workspace.position_codec, params.text_document.uri, ls.lang
    fixes = [
        *did_you_mean_fixes(analysed, start, end, codec, uri, lang),
        *brace_fixes(analysed, start, end, codec, uri, lang),
        *english_message_actions(analysed, start, end, codec, uri, lang),
    ]
    spec = os.path.abspath(ls.path_of(params.text_document.uri))
    migrations = {
        uri: a
        for uri, a in ls.analysed.items()
        if isinstance(a.written, ast.Migration)
        and os.path.abspath(spec_path(a.written, a.written.target, a.name)) == spec
    }
    wanted = renaming.pending(ls.renames.get(spec, []), {a.name: a.text for a in migrations.values()})
    actions: list[types.CodeAction] = fixes
    for statement in dict.fromkeys(wanted):
        title = say(ls.lang, f"在迁移中写入：{statement}", f"Add to the migration: {statement}")
        if not migrations:
            reason = say(
                ls.lang, "请先打开新版本为本格式的迁移文件", "open the migration whose new version is this spec"
            )
            disabled = types.CodeActionDisabled(reason)
            actions.append(types.CodeAction(title, kind=types.CodeActionKind.RefactorRewrite, disabled=disabled))
            continue
        uri, migration = next(iter(migrations.items()))
        assert isinstance(migration.written, ast.Migration)
        at = renaming.insertion_offset(migration.written, migration.text)
        where = Positions(migration.text, ls.workspace.position_codec).range(at, at)
        edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(where, f"  {statement}\n")]})
        actions.append(types.CodeAction(title, kind=types.CodeActionKind.RefactorRewrite, edit=edit))
    return actions


def run() -> None:
    """Serve one client over standard input and output until it exits."""
    server.start_io()
