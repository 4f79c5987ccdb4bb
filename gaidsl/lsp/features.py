"""The answers that need no server state: diagnostics as LSP diagnostics, completion, document symbols, formatting.

Each is a function of an analysed document (:mod:`.analysis`) and positions (:mod:`.positions`), so the server only
wires them to requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from gaidsl.language import ast
from gaidsl.language.diagnostics import Diagnostic, DiagnosticError, Lang, say
from gaidsl.language.parser import parse
from gaidsl.language.source import SourceFile, Span
from gaidsl.language.syntax_errors import unclosed_braces
from gaidsl.language.vocabulary import PREVIOUS, vocabulary
from gaidsl.lsp.analysis import Analysed
from gaidsl.lsp.index import FUNCTIONS, Index, Words
from gaidsl.lsp.positions import Positions
from gaidsl.migrations.fmt import format_document

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}

# The grammar's words that only a migration uses; every other word of the grammar (read from it by
# :mod:`gaidsl.language.vocabulary`, so a new keyword is offered without a list to keep) is a spec keyword. (``to``
# and ``rename`` are an overlay's words too: ``rename row K to K2 "…"``, docs/overlays.md.)
MIGRATION_ONLY = frozenset(
    {
        "migration", "split", "merge", "drop", "new", "transform", "exempt", "because", "allocate",
        "into", "must", "be", "entered", "unknown", "old", "rest", "cell", "cells",
    }
)  # fmt: skip


def spec_keywords() -> tuple[str, ...]:
    """The words completion offers in a spec or overlay: the grammar's, less the migration's, and ``previous``."""
    return (*(k for k in vocabulary().keywords if k not in MIGRATION_ONLY), PREVIOUS)


MIGRATION_KEYWORDS = (
    "migration", "from", "to", "version", "in", "rename", "split", "merge", "drop", "new", "transform", "exempt",
    "check", "because", "allocate", "into", "must", "be", "entered", "unknown", "old", "rest", "by", "row", "column",
    "rows", "columns", "table", "cell", "cells", "field", "text",
)  # fmt: skip
TYPES = ("count", "integer", "amount", "text", "date", "choice")

UriOf = Callable[[str], str]


def _message(diag: Diagnostic, lang: Lang) -> str:
    text = diag.message
    lines = [say(lang, text.zh, text.en, sep="\n", once=True)]
    lines.extend("help: " + h.pick(lang) for h in diag.help)
    return "\n".join(lines)


def lsp_diagnostics(
    analysed: Analysed,
    diagnostics: tuple[Diagnostic, ...],
    codec: PositionCodec,
    lang: Lang,
    uri_of: UriOf,
) -> list[types.Diagnostic]:
    """The compiler's diagnostics of one document for its client (see :func:`placed_diagnostics`)."""
    sources = dict(analysed.compilation.sources)
    return placed_diagnostics(analysed.name, analysed.text, sources, diagnostics, codec, lang, uri_of)


def placed_diagnostics(
    name: str,
    text: str,
    other_sources: Mapping[str, SourceFile],
    diagnostics: tuple[Diagnostic, ...],
    codec: PositionCodec,
    lang: Lang,
    uri_of: UriOf,
) -> list[types.Diagnostic]:
    """Diagnostics of the document ``name`` holding ``text`` for its client: ranges in the client's units; a
    diagnostic placed in another file (a base spec) is shown at the top of this one, naming its place, with a related
    location."""
    sources: dict[str, SourceFile] = {**other_sources, name: SourceFile(name, text)}
    positions: dict[str, Positions] = {}

    def located(span: Span) -> types.Location | None:
        source = sources.get(span.file)
        if source is None:
            return None
        if span.file not in positions:
            positions[span.file] = Positions(source.text, codec)
        return types.Location(uri_of(span.file), positions[span.file].span_range(span))

    here = Positions(text, codec)
    out: list[types.Diagnostic] = []
    for diag in diagnostics:
        message = _message(diag, lang)
        related = [
            types.DiagnosticRelatedInformation(location, r.text.pick(lang))
            for r in diag.related
            if (location := located(r.span)) is not None
        ]
        if diag.span is not None and diag.span.file != name:
            message = f"{diag.span}: {message}"
            if (location := located(diag.span)) is not None:
                related.insert(0, types.DiagnosticRelatedInformation(location, diag.message.pick(lang)))
            where = here.range(0, 0)
        else:
            where = here.span_range(diag.span)
        out.append(
            types.Diagnostic(
                range=where,
                message=message,
                severity=_SEVERITY[diag.severity],
                code=diag.code,
                source="gaidsl",
                related_information=related or None,
            )
        )
    return out


_SUGGESTED = re.compile(r"'([^']+)'")
_WORD = re.compile(r"(?!\d)\w+")


def did_you_mean_fixes(
    analysed: Analysed, start: int, end: int, codec: PositionCodec, uri: str, lang: Lang
) -> list[types.CodeAction]:
    """Quick fixes from the compiler's 'did you mean' help: the misspelt name (a diagnostic's span that is one word,
    or a quoted text: a choice or member written "complete" for "completed") replaced by each suggestion, for the
    diagnostics that touch ``start``–``end``."""
    positions = Positions(analysed.text, codec)
    actions: list[types.CodeAction] = []
    for diag in analysed.diagnostics:
        span = diag.span
        if span is None or span.file != analysed.name or span.end < start or span.start > end:
            continue
        written = analysed.text[span.start : span.end]
        quoted = len(written) >= 2 and written[0] == written[-1] == '"'
        if not (quoted or _WORD.fullmatch(written)):
            continue
        for line in diag.help:
            if not line.en.startswith("did you mean "):
                continue
            for name in _SUGGESTED.findall(line.en):
                where = positions.span_range(span)
                shown = lsp_diagnostics(analysed, (diag,), codec, lang, lambda file: uri)
                actions.append(
                    types.CodeAction(
                        say(lang, f"改为「{name}」", f"Change to '{name}'"),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=shown,
                        is_preferred=True,
                        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(where, _spelt(name, quoted))]}),
                    )
                )
    return actions


def _spelt(name: str, quoted: bool) -> str:
    """A suggestion as it replaces what was written: a name as it is, a text in the spec's quotes (``\\"`` and
    ``\\\\`` the only escapes a string has besides ``\\n``)."""
    if not quoted:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _line_indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def brace_fixes(
    analysed: Analysed, start: int, end: int, codec: PositionCodec, uri: str, lang: Lang
) -> list[types.CodeAction]:
    """Quick fixes for a missing ``}``: where the compiler says one belongs at the end of a line (GAI012), that
    ``}``; where the file ends with braces still open (GAI004 with an unclosed ``{``), one ``}`` per open brace, each
    on its own line at the indentation of the line that opened it."""
    positions = Positions(analysed.text, codec)
    text = analysed.text
    actions: list[types.CodeAction] = []
    for diag in analysed.diagnostics:
        span = diag.span
        if span is None or span.file != analysed.name or span.end < start or span.start > end:
            continue
        if diag.code == "GAI012":
            edits = [types.TextEdit(positions.range(span.start, span.start), " }")]
            title = say(lang, "在此处补上「}」", "Add the missing '}' here")
        elif diag.code == "GAI004" and diag.related:
            opened = unclosed_braces(text)
            body = text.rstrip()
            closing = "".join(f"\n{_line_indent(text, brace)}}}" for brace in reversed(opened))
            edits = [types.TextEdit(positions.range(len(body), len(text)), closing + "\n")]
            title = say(lang, f"补上缺少的 {len(opened)} 个「}}」", f"Close the {len(opened)} open '{{'")
        else:
            continue
        shown = lsp_diagnostics(analysed, (diag,), codec, lang, lambda file: uri)
        edit = types.WorkspaceEdit(changes={uri: edits})
        actions.append(
            types.CodeAction(title, kind=types.CodeActionKind.QuickFix, diagnostics=shown, is_preferred=True, edit=edit)
        )
    return actions


def english_message_actions(
    analysed: Analysed, start: int, end: int, codec: PositionCodec, uri: str, lang: Lang
) -> list[types.CodeAction]:
    """For a check under the cursor that has no ``message en``: add one after the check (an empty text for the
    author to fill in, which the compiler then asks for), so an English-speaking reader gets a sentence, not a key."""
    positions = Positions(analysed.text, codec)
    actions: list[types.CodeAction] = []
    for occurrence in analysed.index.occurrences:
        check = occurrence.node
        if not (occurrence.definition and isinstance(check, ast.Check)) or check.span is None:
            continue
        span = check.span
        if span.file != analysed.name or span.end < start or span.start > end:
            continue
        if any(message.lang == "en" for message in check.messages):
            continue
        indent = _line_indent(analysed.text, span.start) + "  "
        edit = types.TextEdit(positions.range(span.end, span.end), f'\n{indent}message en ""')
        title = say(lang, f"为检查「{check.key}」添加英文提示", f"Add an English message to check '{check.key}'")
        actions.append(
            types.CodeAction(
                title, kind=types.CodeActionKind.RefactorRewrite, edit=types.WorkspaceEdit(changes={uri: [edit]})
            )
        )
    return actions


# ---------------------------------------------------------------------------------------------------- completion

_MEMBER_OF = re.compile(r"(?:previous\.)?(\w+)\.(\w*)$")
_AXIS = re.compile(r"\b(?:rows|columns)\s+\w*$")
_UNIT = re.compile(r"\b(?:in|=\s*\d+(?:\.\d+)?)\s+\w*$")
_TYPE = re.compile(r":\s*\w*$")


def _item(label: str, kind: types.CompletionItemKind, detail: str | None = None) -> types.CompletionItem:
    return types.CompletionItem(label=label, kind=kind, detail=detail)


def _table_members(index: Index, table: ast.Table) -> list[types.CompletionItem]:
    items: dict[str, types.CompletionItem] = {}
    for axis in ("row", "column"):
        for key, member in index.axis_members(table, axis).items():
            items.setdefault(key, _item(key, types.CompletionItemKind.Field, member.label))
    return list(items.values())


def _enclosing_table(index: Index, file: str, offset: int) -> ast.Table | None:
    for table in index.tables.values():
        span = table.span
        if span is not None and span.file == file and span.start <= offset <= span.end:
            return table
    return None


def completions(analysed: Analysed, index: Index, offset: int) -> list[types.CompletionItem]:
    """What may be written at ``offset``: after ``table.`` its members; after ``previous.`` the tables, fields and
    texts; after ``rows``/``columns`` the dimensions; after ``in`` the units; after ``:`` the types; elsewhere the
    keywords, functions and the names in scope (the enclosing table's members, every table, field and text)."""
    text = analysed.text
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    kind = types.CompletionItemKind
    names = index.names
    if isinstance(analysed.written, ast.Migration):
        return [_item(k, kind.Keyword) for k in MIGRATION_KEYWORDS]
    if match := _MEMBER_OF.search(before):
        head = match.group(1)
        if head == "previous" and not before.endswith(f"previous.{head}.{match.group(2)}"):
            return [
                *(_item(t, kind.Class) for t in sorted(names.get("table", ()))),
                *(_item(f, kind.Variable) for f in sorted(names.get("field", ()))),
                *(_item(t, kind.Text) for t in sorted(names.get("text", ()))),
            ]
        if head in index.tables:
            return _table_members(index, index.tables[head])
        return []
    if _AXIS.search(before):
        return [_item(d, kind.Enum, index.dimensions[d].label) for d in sorted(index.dimensions)]
    if _UNIT.search(before):
        return [_item(u, kind.Unit) for u in sorted(names.get("unit", ()))]
    if _TYPE.search(before):
        return [_item(t, kind.TypeParameter) for t in TYPES]
    items = [_item(k, kind.Keyword) for k in spec_keywords()]
    items.extend(_item(f, kind.Function) for f in FUNCTIONS)
    table = _enclosing_table(index, analysed.name, offset)
    if table is not None:
        items.extend(_table_members(index, table))
    items.extend(_item(t, kind.Class, index.tables[t].label) for t in sorted(index.tables))
    items.extend(_item(f, kind.Variable) for f in sorted(names.get("field", ())))
    items.extend(_item(t, kind.Text) for t in sorted(names.get("text", ())))
    unique: dict[str, types.CompletionItem] = {}
    for item in items:
        unique.setdefault(item.label, item)
    return list(unique.values())


# ---------------------------------------------------------------------------------------------------- symbols

_KIND = types.SymbolKind


class _Symbols:
    def __init__(self, analysed: Analysed, positions: Positions) -> None:
        self.positions = positions
        self.name = analysed.name
        self.words = Words({analysed.name: SourceFile(analysed.name, analysed.text)})

    def symbol(
        self,
        name: str,
        detail: str | None,
        kind: types.SymbolKind,
        span: Span | None,
        skip: int,
        children: list[types.DocumentSymbol] | None = None,
    ) -> types.DocumentSymbol | None:
        if span is None or span.file != self.name:
            return None
        whole = self.positions.span_range(span)
        found = self.words.name_span(span, name.split(" ")[-1], skip)
        chosen = self.positions.span_range(found) if found is not None else whole
        return types.DocumentSymbol(name, kind, whole, chosen, detail=detail, children=children or None)

    def members(self, members: tuple[ast.Member, ...]) -> list[types.DocumentSymbol]:
        out = []
        for m in members:
            kind = _KIND.Namespace if m.kind == "group" else _KIND.EnumMember
            found = self.symbol(m.key, m.label, kind, m.span, 0 if m.kind == "leaf" else 1, self.members(m.children))
            if found:
                out.append(found)
        return out

    def check(self, check: ast.Check) -> types.DocumentSymbol | None:
        return self.symbol(check.key, check.label, _KIND.Boolean, check.span, 1)

    def table(self, table: ast.Table) -> types.DocumentSymbol | None:
        children = [c for c in (self.check(c) for c in table.checks) if c]
        for name, axis in (("rows", table.rows), ("columns", table.columns)):
            if isinstance(axis, ast.AxisInline):
                inner = self.members(axis.members)
                if inner and axis.span is not None:
                    found = self.symbol(name, None, _KIND.Array, axis.span, 0, inner)
                    if found:
                        children.insert(0, found)
        return self.symbol(table.key, table.label, _KIND.Struct, table.span, 1, children)

    def section_items(
        self, items: tuple[ast.TextBlock | ast.Table | ast.Check | ast.Records, ...]
    ) -> list[types.DocumentSymbol]:
        out: list[types.DocumentSymbol | None] = []
        for item in items:
            if isinstance(item, ast.Table):
                out.append(self.table(item))
            elif isinstance(item, ast.Check):
                out.append(self.check(item))
            else:
                out.append(self.symbol(item.key, item.label, _KIND.String, item.span, 1))
        return [o for o in out if o]

    def format(self, doc: ast.Format) -> list[types.DocumentSymbol]:
        out: list[types.DocumentSymbol | None] = []
        for item in doc.items:
            match item:
                case ast.Section():
                    out.append(
                        self.symbol(item.key, item.label, _KIND.Module, item.span, 1, self.section_items(item.items))
                    )
                case ast.Dimension():
                    members = self.members(item.members)
                    out.append(self.symbol(item.key, item.label, _KIND.Enum, item.span, 1, members))
                case ast.Field():
                    out.append(self.symbol(item.key, item.label, _KIND.Field, item.span, 1))
                case ast.UnitDecl():
                    out.append(self.symbol(item.key, item.label, _KIND.Constant, item.span, 1))
                case ast.Check():
                    out.append(self.check(item))
                case ast.ModifyTable():
                    checks = [c for c in (self.check(op) for op in item.items if isinstance(op, ast.Check)) if c]
                    out.append(self.symbol(f"in table {item.table}", None, _KIND.Object, item.span, 2, checks))
                case ast.ModifySection():
                    inner = self.section_items(item.items)
                    out.append(self.symbol(f"in section {item.section}", None, _KIND.Object, item.span, 2, inner))
                case ast.ModifyDimension():
                    out.append(self.symbol(f"in dimension {item.dimension}", None, _KIND.Object, item.span, 2))
        return [o for o in out if o]

    def migration(self, doc: ast.Migration) -> list[types.DocumentSymbol]:
        out = []
        for item in doc.items:
            paths = [p for p in (getattr(item, "old", None), getattr(item, "new", None)) if isinstance(p, ast.ItemPath)]
            olds = getattr(item, "old", ())
            if isinstance(olds, tuple):
                paths.extend(p for p in olds if isinstance(p, ast.ItemPath))
            name = (
                type(item).__name__.lower() + " " + (paths[0].text if paths else ", ".join(getattr(item, "checks", ())))
            )
            if item.span is not None:
                whole = self.positions.span_range(item.span)
                out.append(types.DocumentSymbol(name, _KIND.Event, whole, whole, detail=item.reason))
        return out


def document_symbols(analysed: Analysed, codec: PositionCodec) -> list[types.DocumentSymbol]:
    """The document's outline as written: sections with their tables, texts and checks; dimensions with their
    members; fields and units; an overlay's ``in table``/``in section`` blocks; a migration's statements."""
    symbols = _Symbols(analysed, Positions(analysed.text, codec))
    if isinstance(analysed.written, ast.Format):
        return symbols.format(analysed.written)
    if isinstance(analysed.written, ast.Migration):
        return symbols.migration(analysed.written)
    return []


# ---------------------------------------------------------------------------------------------------- formatting


def formatting(name: str, text: str, codec: PositionCodec) -> list[types.TextEdit] | None:
    """``gaidsl fmt``'s layout as one edit of the whole text; none when it is laid out already, None when the text
    does not parse (there is no layout to give)."""
    try:
        formatted = format_document(parse(SourceFile(name, text)), text)
    except DiagnosticError:
        return None
    if formatted == text:
        return []
    return [types.TextEdit(Positions(text, codec).range(0, len(text)), formatted)]


def locations(spans: list[Span], texts: Mapping[str, str], codec: PositionCodec, uri_of: UriOf) -> list[types.Location]:
    """Spans as client locations (spans of a file whose text is unknown are left out)."""
    cache: dict[str, Positions] = {}
    out = []
    for span in spans:
        text = texts.get(span.file)
        if text is None:
            continue
        positions = cache.setdefault(span.file, Positions(text, codec))
        out.append(types.Location(uri_of(span.file), positions.span_range(span)))
    return out
