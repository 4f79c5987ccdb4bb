"""Every name a spec writes, as a definition or a reference of one symbol: what go-to-definition, find-references,
hover and rename read.

Built from the compiler's AST (spans on every node) — no second parser. A node's span covers its whole declaration;
the name inside it is found among the span's words (strings and comments masked, as the compiler's lexer skips
them). A member is one symbol wherever it is used: it is identified by where it is declared, so a dimension's
member read through any table that uses the dimension, an overlay's relabelled row and the base's declaration are
all the same symbol. Tables, checks, units, fields, text blocks, sections and dimensions are spec-wide names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.expressions import FUNCTIONS as CHECK_FUNCTIONS
from gaidsl.language.source import SourceFile, Span

_TOKEN = re.compile(r'(?P<string>"(?:\\["n\\]|[^"\\\n])*"?)|(?P<comment>#[^\n]*)|(?P<word>(?!\d)\w+)')

FUNCTIONS = tuple(CHECK_FUNCTIONS)  # every function a check may call (field formats added starts_with, …)


@attrs.frozen
class Symbol:
    """``kind`` is one of member, table, check, unit, field, text, section, dimension; ``declared``: for a member,
    the file and offset of its declaration (its identity)."""

    kind: str
    key: str
    declared: tuple[str, int] | None = None


@attrs.frozen
class Occurrence:
    symbol: Symbol
    span: Span  # the name as written
    definition: bool
    node: object = attrs.field(default=None, eq=False)  # the declaring AST node (definitions)
    table: str | None = attrs.field(default=None, eq=False)  # a member's table, where known
    spec: ir.Spec | None = attrs.field(default=None, eq=False)  # the version a migration's name is read in


class Words:
    """The name-like words of each source text (outside strings and comments), by offset."""

    def __init__(self, sources: Mapping[str, SourceFile]) -> None:
        self.sources = sources
        self._words: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = {}

    def of(self, file: str) -> tuple[list[int], list[tuple[int, int, str]]]:
        if file not in self._words:
            source = self.sources.get(file)
            found = [
                (m.start(), m.end(), m.group())
                for m in _TOKEN.finditer(source.text if source else "")
                if m.lastgroup == "word"
            ]
            self._words[file] = ([w[0] for w in found], found)
        return self._words[file]

    def within(self, span: Span | None) -> list[tuple[int, int, str]]:
        if span is None:
            return []
        starts, words = self.of(span.file)
        first = bisect.bisect_left(starts, span.start)
        last = bisect.bisect_left(starts, span.end)
        return words[first:last]

    def name_span(self, span: Span | None, name: str, skip: int = 0) -> Span | None:
        """Where ``name`` is written in ``span``, at or after its ``skip``-th word."""
        if span is None:
            return None
        for start, end, word in self.within(span)[skip:]:
            if word == name:
                return self.sources[span.file].span(start, end)
        return None


def _members(members: Sequence[ast.Member]) -> Iterator[ast.Member]:
    for member in members:
        yield member
        yield from _members(member.children)


def _member_symbol(member: ast.Member) -> Symbol:
    where = (member.span.file, member.span.start) if member.span else None
    return Symbol("member", member.key, where)


@attrs.define
class Index:
    """The occurrences of one document (and of the base specs it reads, for an overlay)."""

    occurrences: list[Occurrence] = attrs.field(factory=list)
    tables: dict[str, ast.Table] = attrs.field(factory=dict)
    dimensions: dict[str, ast.Dimension] = attrs.field(factory=dict)
    names: dict[str, set[str]] = attrs.field(factory=dict)  # kind → keys (for completion)
    # an overlay's base specs as written: what the overlay removes or renames is still declared there
    base_tables: dict[str, ast.Table] = attrs.field(factory=dict)
    base_dimensions: dict[str, ast.Dimension] = attrs.field(factory=dict)
    _seen: set[tuple[str, int, str]] = attrs.field(factory=set)

    def add(
        self,
        symbol: Symbol,
        span: Span | None,
        definition: bool,
        node: object = None,
        table: str | None = None,
        spec: ir.Spec | None = None,
    ) -> None:
        if span is None:
            return
        mark = (span.file, span.start, symbol.kind)
        if mark in self._seen:
            return
        self._seen.add(mark)
        self.occurrences.append(Occurrence(symbol, span, definition, node, table, spec))
        if definition:
            self.names.setdefault(symbol.kind, set()).add(symbol.key)

    def at(self, file: str, offset: int) -> Occurrence | None:
        """The occurrence under a cursor (a cursor just after a name counts, as editors place it)."""
        for occurrence in self.occurrences:
            span = occurrence.span
            if span.file == file and span.start <= offset <= span.end:
                return occurrence
        return None

    def of(self, symbol: Symbol) -> list[Occurrence]:
        return [o for o in self.occurrences if o.symbol == symbol]

    def definition(self, symbol: Symbol) -> Occurrence | None:
        return next((o for o in self.occurrences if o.symbol == symbol and o.definition), None)

    def base_members(self, table: str, axis: str) -> dict[str, ast.Member]:
        """The members of a table's rows or columns as the base specs declare them (before the overlay's changes)."""
        found = self.base_tables.get(table)
        return self.axis_members(found, axis, self.base_dimensions) if found is not None else {}

    def axis_members(
        self, table: ast.Table, axis: str, dimensions: dict[str, ast.Dimension] | None = None
    ) -> dict[str, ast.Member]:
        """The members of a table's rows (``axis="row"``) or columns, by key."""
        node = table.rows if axis == "row" else table.columns
        if isinstance(node, ast.AxisRef):
            dimension = (self.dimensions if dimensions is None else dimensions).get(node.name)
            return {m.key: m for m in _members(dimension.members)} if dimension else {}
        if isinstance(node, ast.AxisInline):
            return {m.key: m for m in _members(node.members)}
        return {}


class _Builder:
    def __init__(self, index: Index, words: Words) -> None:
        self.index = index
        self.words = words

    def name(self, node_span: Span | None, key: str, skip: int) -> Span | None:
        return self.words.name_span(node_span, key, skip)

    def define(self, kind: str, key: str, span: Span | None, skip: int, node: object) -> None:
        self.index.add(Symbol(kind, key), self.name(span, key, skip), True, node)

    def refer(self, kind: str, key: str, span: Span | None, skip: int = 0) -> None:
        self.index.add(Symbol(kind, key), self.name(span, key, skip), False)

    # ------------------------------------------------------------------------------------------ declarations

    def collect(self, doc: ast.Format) -> None:
        """Learn the tables and dimensions first (references may come before what they name)."""
        for item in doc.items:
            if isinstance(item, ast.Dimension):
                self.index.dimensions.setdefault(item.key, item)
            elif isinstance(item, ast.Section):
                for inner in item.items:
                    if isinstance(inner, ast.Table):
                        self.index.tables.setdefault(inner.key, inner)

    def collect_base(self, doc: ast.Format) -> None:
        for item in doc.items:
            if isinstance(item, ast.Dimension):
                self.index.base_dimensions.setdefault(item.key, item)
            elif isinstance(item, ast.Section):
                for inner in item.items:
                    if isinstance(inner, ast.Table):
                        self.index.base_tables.setdefault(inner.key, inner)

    def format(self, doc: ast.Format) -> None:
        for item in doc.items:
            self.item(item)
        for removed in doc.removed:
            self.check(removed.check, self.index.tables.get(removed.table or ""))

    def item(self, item: ast.FormatItem) -> None:
        match item:
            case ast.UnitDecl():
                self.define("unit", item.key, item.span, 1, item)
                if item.base is not None:
                    self.refer("unit", item.base, item.span, 2)
            case ast.Field():
                self.define("field", item.key, item.span, 1, item)
                self.type(item.type)
            case ast.Dimension():
                self.define("dimension", item.key, item.span, 1, item)
                self.members(item.members, None)
            case ast.Section():
                self.define("section", item.key, item.span, 1, item)
                for inner in item.items:
                    self.section_item(inner)
            case ast.Check():
                self.check(item, None)
            case ast.ModifyTable():
                self.refer("table", item.table, item.span, 2)
                table = self.index.tables.get(item.table)
                for op in item.items:
                    self.modify(op, table)
            case ast.ModifySection():
                self.refer("section", item.section, item.span, 2)
                for inner in item.items:
                    self.section_item(inner)
            case ast.RemoveCheck():
                self.refer("check", item.key, item.span, 2)
            case ast.ModifyDimension():  # go-to from the overlay's statements to the dimension and its members
                self.refer("dimension", item.dimension, item.span, 2)
                members = {
                    m.key: m
                    for d in (self.index.base_dimensions.get(item.dimension), self.index.dimensions.get(item.dimension))
                    if d is not None
                    for m in _members(d.members)
                }
                for op in item.items:
                    if isinstance(op, ast.AddMember):
                        self.member(op.member, {**members, op.member.key: op.member}, None)
                    elif op.key in members:
                        self.index.add(_member_symbol(members[op.key]), self.name(op.span, op.key, 2), False)
            case ast.RemoveTable() | ast.RenameTable():
                self.refer("table", item.key, item.span, 2)
            case ast.Retype():
                self.refer(item.what, item.key, item.span, 2)
            case ast.Basis() | ast.LanguageDecl():
                pass

    def section_item(self, item: ast.TextBlock | ast.Table | ast.Check | ast.Records) -> None:
        match item:
            case ast.Records():  # a list of records (docs/records.md): its fields are not indexed yet
                pass
            case ast.TextBlock():
                self.define("text", item.key, item.span, 1, item)
            case ast.Table():
                self.table(item)
            case ast.Check():
                self.check(item, None)

    def type(self, node: ast.TypeExpr | None) -> None:
        if node is not None and node.unit is not None:
            self.refer("unit", node.unit, node.span, 1)

    def members(self, members: Sequence[ast.Member], table: ast.Table | None) -> None:
        siblings = {m.key: m for m in _members(members)}
        for member in _members(members):
            self.member(member, siblings, table)

    def member(self, member: ast.Member, siblings: Mapping[str, ast.Member], table: ast.Table | None) -> None:
        skip = 0 if member.kind == "leaf" else 1
        span = self.name(member.span, member.key, skip)
        self.index.add(_member_symbol(member), span, True, member, table.key if table else None)
        self.type(member.type)
        for name, name_span in zip(member.total_of or (), member.total_of_spans, strict=False):
            if name in siblings:
                self.index.add(_member_symbol(siblings[name]), name_span, False)
        if member.after is not None and member.after in siblings:
            words = [w for w in self.words.within(member.span) if w[2] == member.after]
            if words and member.span is not None:
                start, end, _ = words[-1]
                span = self.words.sources[member.span.file].span(start, end)
                self.index.add(_member_symbol(siblings[member.after]), span, False)

    def table(self, table: ast.Table) -> None:
        self.define("table", table.key, table.span, 1, table)
        self.type(table.type)
        for node in (table.rows, table.columns):
            if isinstance(node, ast.AxisRef):
                self.refer("dimension", node.name, node.span)
            elif isinstance(node, ast.AxisInline):
                self.members(node.members, table)
        rows, columns = self.index.axis_members(table, "row"), self.index.axis_members(table, "column")
        for absent in table.absent:
            for pattern in absent.patterns:
                words = self.words.within(pattern.span)
                for (start, end, word), axis_members in zip(words, (rows, columns), strict=False):
                    if word in axis_members and pattern.span is not None:
                        span = self.words.sources[pattern.span.file].span(start, end)
                        self.index.add(_member_symbol(axis_members[word]), span, False)
        for check in table.checks:
            self.check(check, table)

    def modify(self, op: object, table: ast.Table | None) -> None:
        match op:
            case ast.AddMember():
                members = self.index.axis_members(table, op.axis) if table else {}
                self.member(op.member, {**members, op.member.key: op.member}, table)
            case ast.Relabel() | ast.Gloss() | ast.RemoveMember() | ast.RenameMember() | ast.ExcludeMember():
                members = self.index.axis_members(table, op.axis) if table else {}
                if table is not None and op.key not in members:  # removed or renamed: as the base declares it
                    members = self.index.base_members(table.key, op.axis)
                if op.key in members:
                    self.index.add(_member_symbol(members[op.key]), self.name(op.span, op.key, 2), False)
            case ast.Check():
                self.check(op, table)
            case ast.RemoveCheck():
                self.refer("check", op.key, op.span, 2)
            case ast.RetypeMember():
                members = self.index.axis_members(table, op.axis) if table else {}
                if table is not None and op.key not in members:
                    members = self.index.base_members(table.key, op.axis)
                if op.key in members:
                    self.index.add(_member_symbol(members[op.key]), self.name(op.span, op.key, 2), False)
                self.type(op.type)

    # ------------------------------------------------------------------------------------------ check expressions

    def check(self, check: ast.Check, table: ast.Table | None) -> None:
        self.define("check", check.key, check.span, 1, check)
        self.expr(check.expr, table, check.broadcast)

    def expr(self, node: object, table: ast.Table | None, broadcast: str | None) -> None:
        """Every reference of a check expression (the AST's, as written; not an IR walker)."""
        if isinstance(node, ast.Ref):
            self.ref(node, table, broadcast)
            return
        children: tuple[object, ...] = ()
        if isinstance(node, ast.Call | ast.Logic):
            children = node.args
        elif isinstance(node, ast.BinOp | ast.Compare):
            children = (node.left, node.right)
        elif isinstance(node, ast.Not | ast.Neg):
            children = (node.arg,)
        elif isinstance(node, ast.If):
            children = (node.condition, node.then)
        for child in children:
            self.expr(child, table, broadcast)

    def _on(self, table: ast.Table, name: str, order: Sequence[str]) -> tuple[str, ast.Member] | None:
        for axis in order:
            members = self.index.axis_members(table, axis)
            if name in members:
                return axis, members[name]
        return None

    def ref(self, ref: ast.Ref, scope: ast.Table | None, broadcast: str | None) -> None:
        """Resolve each part of a reference as the lowering does (:mod:`gaidsl.language.references`)."""
        if ref.span is None:
            return
        words = self.words.within(ref.span)
        if ref.previous and words and words[0][2] == "previous":
            words = words[1:]
        names = [*ref.path, *ref.selector]
        if len(words) != len(names):
            return
        source = self.words.sources[ref.span.file]
        spans = [source.span(start, end) for start, end, _ in words]
        order = ("column", "row") if broadcast == "row" else ("row", "column")
        head, rest = ref.path[0], ref.path[1:]
        found: list[tuple[Symbol, Span] | None] = []
        table: ast.Table | None = None
        axis_used: str | None = None
        if not rest and not ref.selector and head in self.index.names.get("field", set()):
            found.append((Symbol("field", head), spans[0]))
        elif not rest and not ref.selector and head in self.index.names.get("text", set()):
            found.append((Symbol("text", head), spans[0]))
        elif scope is not None and not rest and (hit := self._on(scope, head, order)):
            axis_used, member = hit
            table = scope
            found.append((_member_symbol(member), spans[0]))
        elif head in self.index.tables:
            table = self.index.tables[head]
            found.append((Symbol("table", head), spans[0]))
            if rest:
                one_row = table.rows is None
                hit = self._on(table, rest[0], ("column",) if one_row else order)
                if hit:
                    axis_used = hit[0]
                    found.append((_member_symbol(hit[1]), spans[1]))
        selector_spans = spans[len(ref.path) :]
        if table is not None:
            if axis_used is None and len(ref.selector) == 2:
                axes: Sequence[str] = ("row", "column")
            elif axis_used is None:
                axes = ("column",)
            else:
                axes = ("column",) if axis_used == "row" else ("row",)
            for name, span, axis in zip(ref.selector, selector_spans, axes, strict=False):
                members = self.index.axis_members(table, axis)
                if name in members:
                    found.append((_member_symbol(members[name]), span))
        for hit_found in found:
            if hit_found is not None:
                symbol, span = hit_found
                self.index.add(symbol, span, False, table=table.key if table and symbol.kind == "member" else None)


def build_index(
    documents: Sequence[ast.Document], sources: Mapping[str, SourceFile], bases: Sequence[ast.Format] = ()
) -> Index:
    """The index of a document: ``documents`` are the merged document (an overlay's base items with their own
    spans) and the document as written (an overlay's ``in table`` blocks, which the merge consumes); ``bases``, an
    overlay's base specs as written, declare what the overlay removes or renames (indexed last: an occurrence at a
    place already indexed is not added again)."""
    index = Index()
    builder = _Builder(index, Words(sources))
    formats = [d for d in documents if isinstance(d, ast.Format)]
    for doc in bases:
        builder.collect_base(doc)
    formats += bases
    for doc in formats:
        builder.collect(doc)
    for doc in formats:
        for item in doc.items:  # definitions of names a reference may need first
            if isinstance(item, ast.Field | ast.Section):
                index.names.setdefault("field" if isinstance(item, ast.Field) else "section", set()).add(item.key)
            if isinstance(item, ast.Section):
                index.names.setdefault("text", set()).update(t.key for t in item.items if isinstance(t, ast.TextBlock))
    for doc in formats:
        builder.format(doc)
    return index
