"""A migration's names resolved in the two versions it joins: each statement's old items in the old spec, its new
items in the new one (a row or column renamed, split or merged keeps its table), its exempted checks in the new one.

The checked migration holds both specs' IR, whose tables, members, fields, texts and checks carry the span of their
declaration; the names are found in those spans as :mod:`.index` finds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from gaidsl.language import ast, ir
from gaidsl.language.source import Span
from gaidsl.lsp.index import Index, Symbol, Words
from gaidsl.migrations.migration import Migration


def _declared(span: Span | None) -> tuple[str, int] | None:
    return (span.file, span.start) if span else None


class _Paths:
    def __init__(self, index: Index, words: Words) -> None:
        self.index = index
        self.words = words

    def pair(self, symbol: Symbol, declared: Span | None, skip: int, written: Span, spec: ir.Spec) -> None:
        """One name of a statement and, once, the declaration it names."""
        name = self.words.name_span(declared, symbol.key, skip)
        if name is not None:
            self.index.add(symbol, name, True, spec=spec)
        self.index.add(symbol, written, False, spec=spec)

    def member(self, spec: ir.Spec, table: ir.Table, axes: Sequence[str], key: str, written: Span) -> bool:
        for axis_kind in axes:
            axis = table.axis(axis_kind)
            if axis is not None and key in axis.by_key:
                member = axis.by_key[key]
                skip = 0 if member.kind == "leaf" else 1
                self.pair(Symbol("member", key, _declared(member.span)), member.span, skip, written, spec)
                return True
        return False

    def path(self, path: ast.ItemPath, spec: ir.Spec, kind: str | None, table_of: ir.Table | None) -> ir.Table | None:
        """Index one dotted name; returns the table it is in (for the new side of a row's statement)."""
        if path.span is None:
            return None
        source = self.words.sources[path.span.file]
        words = self.words.within(path.span)
        if len(words) != len(path.parts):
            return None
        spans = [source.span(start, end) for start, end, _ in words]
        parts = path.parts
        axes = ("column", "row") if kind in ("column", "columns") else ("row", "column")
        if len(parts) == 1:
            key = parts[0]
            if table_of is not None and self.member(spec, table_of, axes, key, spans[0]):
                return table_of
            if key in spec.tables:
                table = spec.tables[key]
                self.pair(Symbol("table", key, _declared(table.span)), table.span, 1, spans[0], spec)
                return table
            if key in spec.fields:
                self.pair(Symbol("field", key), spec.fields[key].span, 1, spans[0], spec)
            elif key in spec.texts:
                self.pair(Symbol("text", key), spec.texts[key].span, 1, spans[0], spec)
            return None
        found = spec.tables.get(parts[0])
        if found is None:
            return None
        self.pair(Symbol("table", parts[0], _declared(found.span)), found.span, 1, spans[0], spec)
        self.member(spec, found, axes, parts[1], spans[1])
        if len(parts) > 2:
            self.member(spec, found, ("column",), parts[2], spans[2])
        return found

    def statement(self, item: ast.MigrationItem, migration: Migration) -> None:
        old, new = migration.old, migration.new
        match item:
            case ast.Rename():
                table = self.path(item.old, old, item.kind, None)
                self.path(item.new, new, item.kind, _same(new, table))
            case ast.Split():
                table = self.path(item.old, old, item.kind, None)
                for into in item.into:
                    self.path(into, new, item.kind, _same(new, table))
                for allocation in item.allocations or ():
                    self.path(allocation.target, new, item.kind, _same(new, table))
            case ast.Merge():
                tables = [self.path(p, old, item.kind, None) for p in item.old]
                self.path(item.into, new, item.kind, _same(new, tables[0] if tables else None))
            case ast.Drop() | ast.Transform():
                for path in item.old if isinstance(item.old, tuple) else (item.old,):
                    self.path(path, old, item.kind, None)
            case ast.New():
                for path in item.new:
                    self.path(path, new, item.kind, None)
            case ast.Exempt():
                for key, span in zip(item.checks, item.check_spans, strict=False):
                    check = next((c for c in new.checks if c.key == key), None)
                    if check is not None and span is not None:
                        self.pair(Symbol("check", key), check.span, 1, span, new)


def _same(spec: ir.Spec, table: ir.Table | None) -> ir.Table | None:
    """The table of the same key in the other version (a row keeps its table)."""
    return spec.tables.get(table.key) if table is not None else None


def index_migration(index: Index, doc: ast.Migration, migration: Migration, words: Words) -> None:
    """Add a checked migration's names, resolved in both versions, to ``index``."""
    paths = _Paths(index, words)
    for item in doc.items:
        paths.statement(item, migration)
