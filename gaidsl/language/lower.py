"""AST → checked IR: units, types, fields, axes, tables and their cells, and every check expanded per position.

All errors of this stage are collected (duplicates at the same place reported once); the IR is returned only when
there are none.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from gaidsl.language import ast, derived, ir
from gaidsl.language.aggregation import of_which_checks
from gaidsl.language.axes import AxisBuilder
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, duplicate, error, has_errors, warning
from gaidsl.language.expressions import ExpressionLowerer
from gaidsl.language.format_checks import format_checks, lower_rules
from gaidsl.language.languages import check_in_language, declared_languages
from gaidsl.language.open_axes import build_open_axis, columns_refused
from gaidsl.language.printer import expr_text
from gaidsl.language.record_lists import RecordLowerer, build_records, reads_records, record_cells
from gaidsl.language.references import Scope, SkipPosition, total_crossings
from gaidsl.language.source import Span
from gaidsl.language.totals import total_checks, total_problems
from gaidsl.language.translations import guidance_translations, translation_map, translation_problems

MAX_DECIMALS = 6


class Lowerer:
    def __init__(self, document: ast.Format, file: str, extends: tuple[str, ...] = ()) -> None:
        self.doc = document
        self.file = file
        self.extends = extends
        self.diagnostics: list[Diagnostic] = []
        self.units: dict[str, ir.Unit] = {
            ir.DEFAULT_UNIT: ir.Unit(ir.DEFAULT_UNIT, ir.DEFAULT_UNIT, ir.DEFAULT_UNIT, Decimal(1))
        }
        self.fields: dict[str, ir.Field] = {}
        self.dimensions: dict[str, ir.Axis] = {}
        self.tables: dict[str, ir.Table] = {}
        self.texts: dict[str, ir.TextBlock] = {}
        self.sections: list[ir.Section] = []
        self.cells: dict[str, ir.Cell] = {}
        self.checks: list[ir.Check] = []
        self.names: dict[str, str] = {}  # key -> kind, for tables, texts and fields (one namespace)
        self.first: dict[tuple[str, str], Span | None] = {}  # (namespace, key) -> where it was first defined
        self.derived: dict[str, dict[str, ast.Member]] = {}  # axis key -> its derived members (derived.py)
        # lists of records (docs/records.md): their pattern cells and aggregates' placeholder cells, the checks that
        # read them, and the list of each check written inside a records block
        self.records: dict[str, ir.RecordList] = {}
        self.record_cells: dict[str, ir.Cell] = {}
        self.record_checks: list[ir.Check] = []
        self.record_aggregates: dict[str, ir.RecordAggregate] = {}
        self.in_records: dict[int, ir.RecordList | None] = {}
        self.lookup: Mapping[str, ir.Cell] = ChainMap(self.cells, self.record_cells)

    # -------------------------------------------------------------------------------------------- entry point
    def lower(self) -> tuple[ir.Spec | None, list[Diagnostic]]:
        items = self.doc.items
        languages, problems = declared_languages(items)
        self.diagnostics.extend(problems)
        self.diagnostics.extend(translation_problems(self.doc, languages))
        for item in items:
            if isinstance(item, ast.UnitDecl):
                self._declare_unit(item)
        self._resolve_units([i for i in items if isinstance(i, ast.UnitDecl)])
        for item in items:
            if isinstance(item, ast.Field):
                self._field(item)
            elif isinstance(item, ast.Dimension):
                self._dimension(item)
            elif isinstance(
                item,
                ast.ModifyTable
                | ast.ModifySection
                | ast.RemoveCheck
                | ast.ModifyDimension
                | ast.RemoveTable
                | ast.RenameTable
                | ast.Retype,
            ):
                self.diagnostics.append(error("GAI408", item.span))
        declared: list[tuple[ast.Check, ir.Table | None, str | None]] = []
        for item in items:
            if isinstance(item, ast.Section):
                self._unique("section", item.key, item.span, Text("章节", "section"))
                declared.extend(self._section(item))
            elif isinstance(item, ast.Check):
                declared.append((item, None, None))
        self._lower_checks(declared)
        diagnostics = _dedupe(self.diagnostics)
        if has_errors(diagnostics):
            return None, diagnostics
        spec = ir.Spec(
            id=self.doc.key,
            version=self.doc.version,
            title=self.doc.title,
            basis=tuple(i.text for i in items if isinstance(i, ast.Basis)),
            units=self.units,
            fields=self.fields,
            sections=tuple(self.sections),
            tables=self.tables,
            texts=self.texts,
            checks=tuple(check_in_language(c, languages) for c in self.checks),
            cells=self.cells,
            file=self.file,
            extends=self.extends,
            removed_checks=self._removed_checks(),
            overlay_changes=tuple(
                ir.OverlayChange(c.op, c.what, c.key, c.reason, c.new_key, c.detail, c.span) for c in self.doc.changes
            ),
            open_dimensions={d.open.dimension: d.open for d in self.dimensions.values() if d.open is not None},
            records=self.records,
            record_checks=tuple(self.record_checks),
            record_aggregates=self.record_aggregates,
            languages=languages,
            title_translations=_translations(self.doc.title_translations),
        )
        return spec, diagnostics

    def _removed_checks(self) -> tuple[ir.RemovedCheck, ...]:
        """The checks the overlays removed, except those a later overlay declared again (live ones are not removed)."""
        live = {c.key for c in self.checks}
        return tuple(
            ir.RemovedCheck(
                key=r.check.key,
                label=r.check.label,
                severity=ir.narrow(r.check.severity or "error", ir.SEVERITIES),
                reason=r.removal.reason,
                table=r.table,
                section=r.section,
                span=r.removal.span,
                origin=r.check.span,
            )
            for r in self.doc.removed
            if r.check.key not in live
        )

    # -------------------------------------------------------------------------------------------- units and types
    def _unique(self, namespace: str, key: str, span: Span | None, kind: Text) -> bool:
        """Record a definition; GAI101 (pointing back at the first) when ``key`` is already defined there."""
        if (namespace, key) in self.first:
            self.diagnostics.append(
                duplicate(span, self.first[namespace, key], name=key, kind=kind.zh, kind_en=kind.en)
            )
            return False
        self.first[namespace, key] = span
        return True

    def _declare_unit(self, decl: ast.UnitDecl) -> None:
        if decl.key == ir.DEFAULT_UNIT or not self._unique("unit", decl.key, decl.span, Text("单位", "unit")):
            return
        self.units[decl.key] = ir.Unit(decl.key, decl.label or decl.key, decl.key, Decimal(1))

    def _resolve_units(self, decls: list[ast.UnitDecl]) -> None:
        by_key = {d.key: d for d in decls}
        for decl in decls:
            factor = Decimal(1)
            key = decl.key
            seen = {key}
            current = by_key.get(key)
            if decl.per is not None or decl.percent:  # aggregation kinds: its own base, never converted
                self.units[decl.key] = self._special_unit(decl)
                continue
            while current is not None and current.base is not None:
                if current.base not in self.units:
                    self.diagnostics.append(
                        error("GAI104", current.span, did_you_mean(current.base, self.units), name=current.base)
                    )
                    break
                factor *= Decimal(current.factor or "1")
                if current.base in seen:
                    self.diagnostics.append(error("GAI211", decl.span, name=decl.key))
                    break
                seen.add(current.base)
                key = current.base
                current = by_key.get(key)
            self.units[decl.key] = ir.Unit(decl.key, decl.label or decl.key, key, factor)

    def _special_unit(self, decl: ast.UnitDecl) -> ir.Unit:
        """A percent or a rate (docs/aggregation.md): the numerator and denominator of a rate must be units."""
        label = decl.label or decl.key
        if decl.percent:
            return ir.Unit(decl.key, label, decl.key, Decimal(1), kind="percent")
        for part in (decl.base, decl.per):
            if part is not None and part not in self.units:
                self.diagnostics.append(error("GAI104", decl.span, did_you_mean(part, self.units), name=part))
        return ir.Unit(decl.key, label, decl.key, Decimal(1), kind="rate", numerator=decl.base, denominator=decl.per)

    def _type(self, node: ast.TypeExpr) -> ir.CellType | None:
        unit = node.unit
        if node.kind in ("count", "integer") and unit is None:
            unit = ir.DEFAULT_UNIT
        if unit is not None and unit not in self.units:
            self.diagnostics.append(error("GAI104", node.span, did_you_mean(unit, self.units), name=unit))
            return None
        if node.decimals is not None and not 0 <= node.decimals <= MAX_DECIMALS:
            self.diagnostics.append(error("GAI208", node.span, value=node.decimals))
            return None
        seen: set[str] = set()
        for choice in node.choices:
            if choice in seen:
                self.diagnostics.append(error("GAI210", node.span, value=choice))
            seen.add(choice)
        return ir.CellType(ir.narrow(node.kind, ir.CELL_KINDS), unit, node.decimals, node.choices, node.signed)

    # -------------------------------------------------------------------------------------------- declarations
    def _claim(self, key: str, kind: ast.Table | ast.TextBlock | ast.Field | ast.Records) -> bool:
        label = {
            ast.Table: ("表", "table"),
            ast.TextBlock: ("文本块", "text block"),
            ast.Field: ("字段", "field"),
            ast.Records: ("记录列表", "list of records"),
        }[type(kind)]
        if not self._unique("name", key, kind.span, Text(*label)):
            return False
        self.names[key] = label[1]
        return True

    def _field(self, node: ast.Field) -> None:
        cell_type = self._type(node.type)
        if cell_type is None or not self._claim(node.key, node):
            return
        rules = lower_rules(node.rules, node.key, cell_type.kind, self.diagnostics)
        self.fields[node.key] = ir.Field(
            node.key,
            node.label,
            cell_type,
            node.required,
            node.aliases,
            node.span,
            rules,
            translations=_translations(node.translations),
        )

    def _dimension(self, node: ast.Dimension) -> None:
        if not self._unique("dimension", node.key, node.span, Text("维度", "dimension")):
            return
        if node.open:
            self.dimensions[node.key] = build_open_axis(node, self.diagnostics, self._type)
            return
        self.dimensions[node.key] = AxisBuilder(node.key, node.label, self.diagnostics, self._type).build(node.members)
        self.derived[node.key] = derived.collect(node.members)

    def _section(self, node: ast.Section) -> list[tuple[ast.Check, ir.Table | None, str | None]]:
        items: list[tuple[ir.SectionItemKind, str]] = []
        checks: list[tuple[ast.Check, ir.Table | None, str | None]] = []
        if not node.items:
            self.diagnostics.append(warning("GAI313", node.span, name=node.key))
        for item in node.items:
            if isinstance(item, ast.TextBlock):
                if self._claim(item.key, item):
                    rules = lower_rules(item.rules, item.key, "text", self.diagnostics)
                    self.texts[item.key] = ir.TextBlock(
                        item.key,
                        item.label,
                        node.key,
                        item.required,
                        item.guidance,
                        item.aliases,
                        item.span,
                        rules,
                        translations=_translations(item.translations),
                        guidance_translations=guidance_translations(item),
                    )
                    items.append(("text", item.key))
            elif isinstance(item, ast.Table):
                table = self._table(item, node.key)
                if table is not None:
                    items.append(("table", table.key))
                    checks.extend((c, table, node.key) for c in item.checks)
            elif isinstance(item, ast.Records):
                if not self._claim(item.key, item):
                    continue
                records = build_records(item, node.key, self.dimensions, self._type, self.diagnostics)
                if records is not None:
                    self.records[records.key] = records
                    self.record_cells.update(record_cells(records))
                for check in item.checks:
                    self.in_records[id(check)] = records
                    checks.append((check, None, node.key))
            else:
                checks.append((item, None, node.key))
                items.append(("check", item.key))
        self.sections.append(
            ir.Section(node.key, node.label, tuple(items), node.span, translations=_translations(node.translations))
        )
        return checks

    def _axis(self, node: ast.Axis, key: str) -> ir.Axis | None:
        if isinstance(node, ast.AxisRef):
            if node.name not in self.dimensions:
                self.diagnostics.append(
                    error("GAI103", node.span, did_you_mean(node.name, self.dimensions), name=node.name)
                )
                return None
            return self.dimensions[node.name]
        self.derived[key] = derived.collect(node.members)
        return AxisBuilder(key, None, self.diagnostics, self._type).build(node.members)

    def _table(self, node: ast.Table, section: str) -> ir.Table | None:
        if not self._claim(node.key, node):
            return None
        table_type = self._type(node.type) if node.type else ir.CellType("count", ir.DEFAULT_UNIT)
        rows = self._axis(node.rows, f"{node.key}.rows") if node.rows else None
        if node.columns is None:
            self.diagnostics.append(error("GAI109", node.span, table=node.key))
            return None
        columns = self._axis(node.columns, f"{node.key}.columns")
        if columns is None or table_type is None or (node.rows is not None and rows is None):
            return None
        if columns_refused(node, columns, self.diagnostics):
            return None
        for note in node.notes:
            if note.place not in (None, "corner"):
                self.diagnostics.append(error("GAI112", note.span, name=note.place))
        absent = self._absent(node, rows, columns) | total_crossings(rows, columns)
        cells: list[str] = []
        row_members: list[ir.Member | None] = list(rows.data_members) if rows else [None]
        for row in row_members:
            for column in columns.data_members:
                if (row.key if row else None, column.key) in absent:
                    continue
                cell = self._cell(node, section, table_type, row, column)
                if cell is not None:
                    cells.append(cell.key)
                    self.cells[cell.key] = cell
        if not cells:
            self.diagnostics.append(error("GAI314", node.span, table=node.key))
        table = ir.Table(
            node.key,
            node.label,
            section,
            table_type,
            rows,
            columns,
            node.stub,
            tuple(ir.Note(n.text, n.place, _translations(n.translations)) for n in node.notes),
            frozenset(absent),
            tuple(cells),
            node.aliases,
            node.span,
            node.required,
            translations=_translations(node.translations),
            stub_translations=_translations(node.stub_translations),
        )
        self.tables[node.key] = table
        return table

    def _absent(self, node: ast.Table, rows: ir.Axis | None, columns: ir.Axis) -> set[tuple[str | None, str]]:
        found: set[tuple[str | None, str]] = set()
        row_keys: list[str | None] = [m.key for m in rows.data_members] if rows else [None]
        column_keys = [m.key for m in columns.data_members]
        for block in node.absent:
            for pattern in block.patterns:
                ok = True
                for name, axis in ((pattern.row, rows), (pattern.column, columns)):
                    if name != "*" and (axis is None or name not in axis.by_key):
                        pool = axis.by_key if axis else {}
                        self.diagnostics.append(error("GAI107", pattern.span, did_you_mean(name, pool), name=name))
                        ok = False
                if not ok:
                    continue
                matched = {
                    (r, c)
                    for r in row_keys
                    for c in column_keys
                    if pattern.row in ("*", r) and pattern.column in ("*", c)
                }
                if not matched:
                    self.diagnostics.append(
                        warning("GAI312", pattern.span, pattern=f"[{pattern.row}, {pattern.column}]")
                    )
                found |= matched
        return found

    def _cell(
        self, node: ast.Table, section: str, table_type: ir.CellType, row: ir.Member | None, column: ir.Member
    ) -> ir.Cell | None:
        cell_type = table_type
        if row is not None and row.type and column.type and row.type != column.type:
            key = f"{node.key}.{row.key}.{column.key}"
            self.diagnostics.append(
                error(
                    "GAI209",
                    row.span,
                    cell=key,
                    row_type=row.type.describe(),
                    column_type=column.type.describe(),
                )
            )
            return None
        cell_type = (row.type if row is not None else None) or column.type or table_type
        for member in (row, column):
            if member is not None and member.kind == "total" and not cell_type.numeric:
                self.diagnostics.append(error("GAI212", member.span, name=member.key))
                return None
        key = f"{node.key}.{row.key}.{column.key}" if row else f"{node.key}.{column.key}"
        header = (axis_label,) if (axis_label := self._column_header(node)) else ()
        return ir.Cell(
            key,
            node.key,
            section,
            row.key if row else None,
            column.key,
            row.labels if row else (),
            (*header, *column.labels),
            cell_type,
        )

    def _column_header(self, node: ast.Table) -> str | None:
        """The spanning header above the columns: the label of the dimension they come from, if any."""
        if isinstance(node.columns, ast.AxisRef) and node.columns.name in self.dimensions:
            return self.dimensions[node.columns.name].label
        return None

    # -------------------------------------------------------------------------------------------- checks
    def _lower_checks(self, declared: list[tuple[ast.Check, ir.Table | None, str | None]]) -> None:
        lowerer = RecordLowerer(
            self.tables,
            self.texts,
            self.fields,
            self.lookup,
            self.diagnostics,
            self.records,
            self.dimensions,
            self.record_cells,
        )
        for lowered in self.tables.values():
            self.diagnostics.extend(total_problems(lowered, self.cells))
            self.checks.extend(total_checks(lowered))
            self.checks.extend(of_which_checks(lowered))
            found, problems = derived.derived_checks(
                lowered, self.derived, lambda node, table, section: self._check(node, table, section, lowerer)
            )
            self.checks.extend(found)
            self.diagnostics.extend(problems)
        for format_check in format_checks(self.fields, self.texts):  # field formats (issue 16)
            if self._unique("check", format_check.key, format_check.span, Text("校验", "check")):
                self.checks.append(format_check)
        for node, table, section in declared:
            if not self._unique("check", node.key, node.span, Text("校验", "check")):
                continue
            check = self._check(node, table, section, lowerer)
            if check is not None and reads_records(check, self.record_cells):
                self.record_checks.append(check)
            elif check is not None:
                self.checks.append(check)
        self.record_aggregates.update(lowerer.aggregates)

    def _positions(self, node: ast.Check, table: ir.Table | None) -> list[ir.Member | None] | None:
        if node.broadcast is None:
            return [None]
        if node.broadcast == "record":  # one position, the record slot (docs/records.md)
            if id(node) not in self.in_records:
                help = Text("把校验写在 records { … } 中，或改用 for each row", "put the check inside records { … }")
                self.diagnostics.append(error("GAI372", node.span, [help]))
                return None
            return [ir.Member(ir.RECORD_SLOT, "", "leaf", (ir.RECORD_SLOT,), ())]
        if table is None:
            self.diagnostics.append(error("GAI307", node.span))
            return None
        axis = table.columns if node.broadcast == "column" else table.rows
        if axis is None:
            return [None]
        return list(axis.data_members)

    def _check(
        self, node: ast.Check, table: ir.Table | None, section: str | None, lowerer: ExpressionLowerer
    ) -> ir.Check | None:
        positions = self._positions(node, table)
        if positions is None:
            return None
        if isinstance(lowerer, RecordLowerer):
            lowerer.current = self.in_records.get(id(node)) if node.broadcast == "record" else None
            if node.broadcast == "record" and lowerer.current is None:
                return None  # the list itself has errors (reported)
        instances: list[ir.CheckInstance] = []
        for position in positions:
            key = position.key if position else None
            broadcast = node.broadcast if position is not None else None
            try:
                expr = lowerer.condition(node.expr, Scope(table, broadcast, key))
            except SkipPosition:  # a total's row (column) reading a text column it has no cell in
                continue
            if expr is None:
                return None
            instances.append(ir.CheckInstance(key, position.labels if position else (), expr))
        tolerance = self._tolerance(node, instances)
        if all(not i.cells and not _uses_data(i.expr) for i in instances):
            self.diagnostics.append(warning("GAI308", node.span, name=node.key))
        return ir.Check(
            key=node.key,
            label=node.label,
            severity=ir.narrow(node.severity or "error", ir.SEVERITIES),
            message=self._message(node),
            tolerance=tolerance,
            broadcast=ir.narrow(node.broadcast, ir.AXIS_KINDS) if node.broadcast not in (None, "record") else None,
            table=table.key if table else self._records_of(node),
            section=section,
            origin="declared",
            instances=tuple(instances),
            span=node.span,
            translations=_translations(node.translations),
        )

    def _records_of(self, node: ast.Check) -> str | None:
        """A check inside a records block belongs to the list's table (one row per record, once closed)."""
        records = self.in_records.get(id(node))
        return records.key if records is not None else None

    def _message(self, node: ast.Check) -> Text:
        given: dict[str, str] = {}
        for message in node.messages:
            if message.lang in given:
                self.diagnostics.append(error("GAI309", message.span, lang=message.lang))
            if not message.text.strip():
                help = Text("写出这句话，或删去这一行", "write the sentence, or remove the line")
                self.diagnostics.append(warning("GAI318", message.span, (help,), lang=message.lang))
            given[message.lang] = message.text
        text = expr_text(node.expr)
        zh = given.get("zh") or node.label or f"校验「{node.key}」：{text}"
        en = given.get("en") or f"check '{node.key}': {text}"
        return Text(zh, en)

    def _tolerance(self, node: ast.Check, instances: list[ir.CheckInstance]) -> Decimal | None:
        if node.tolerance is None:
            return None
        try:
            value = Decimal(node.tolerance)
        except InvalidOperation:  # pragma: no cover - the grammar only lets numbers through
            value = Decimal(-1)
        if value < 0 or value >= 1:
            why = (
                Text("必须为非负数", "it must be ≥ 0")
                if value < 0
                else Text("必须小于 1 个单位", "it must be below one unit")
            )
            self.diagnostics.append(
                error("GAI304", node.tolerance_span, value=node.tolerance, why=why.zh, why_en=why.en)
            )
            return None
        amounts = any(self.lookup[ref.cell].type.kind == "amount" for i in instances for ref in i.cells) or any(
            isinstance(n, ir.FieldRef) and self.fields[n.field].type.kind == "amount"
            for i in instances
            for n in ir.walk(i.expr)
        )
        if not amounts:
            self.diagnostics.append(warning("GAI305", node.tolerance_span))
        return value


def _translations(translations: ast.Translations) -> dict[str, str]:
    return translation_map(translations)


def _uses_data(expr: ir.Expr) -> bool:
    return any(isinstance(n, ir.FieldRef | ir.TextRef | ir.CellRef) for n in ir.walk(expr))


def _dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, object, str]] = set()
    out: list[Diagnostic] = []
    for diag in diagnostics:
        key = (diag.code, diag.span, diag.message.en)
        if key not in seen:
            seen.add(key)
            out.append(diag)
    return out


def lower(document: ast.Format, file: str, extends: tuple[str, ...] = ()) -> tuple[ir.Spec | None, list[Diagnostic]]:
    """Lower a (merged) format to IR. Returns the spec (or ``None`` on errors) and every diagnostic."""
    return Lowerer(document, file, extends).lower()
