"""Lists of records in SQL (docs/records.md): each list's records in a child table keyed by (report, record number),
and every check over them as a set-based query, for DuckDB, PostgreSQL and SQLite.

Tables: the reports table of the spec's *stand-in* (its cells, each record field's pattern cell ``LIST.<#>.FIELD``
and a cell per aggregate at each of its positions — these columns stay NULL there), and per list ``<reports>_r<i>``:
``report_id``, ``record_number`` (1, 2, …), ``unknown`` (the report's unknown keys and the record's unknown fields
as ``LIST.<#>.FIELD``), then a column per field named as its pattern cell.

The checks, one ``SELECT`` each, joined by ``UNION ALL``:

- a ``for each record`` check reads the reports table joined with the list's table: one row per record, its fields
  the pattern cells;
- a check with aggregates (``sum(projects.amount where fund == row)``) reads the reports table with one computed
  column per aggregate at that position: a correlated aggregate over the list's table, its ``where`` decided in SQL
  (``== row`` as the members the position stands for: a total's members at a total). As the reference evaluator
  (:func:`gaidsl.checking.records.close_records`) has it: unknown when a filtered field of some record is blank or
  unknown; a sum blank when a kept record's field is, 0 over no records; a count the records kept; ``min``/``max``
  over no records have no position (the row is left out), and their tolerance is the one record's half unit when
  exactly one is kept (the reference compares that record's cell), else none (computed values are exact);
- ``at least`` / ``at most`` compare the number of the report's records.

Not supported (GAI770 names it): a spec with open dimensions as well, an aggregate or last year's values in a
``for each record`` check.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from gaidsl.checking.open_members import count_rule_checks
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.targets import Files, Unrenderable
from gaidsl.targets.sql import open_parts
from gaidsl.targets.sql.dialects import (
    DIALECTS,
    RESULT_COLUMNS,
    Column,
    Unsupported,
    amount_scale,
    comment,
    dialect,
    ident,
    layout,
    literal,
    places,
)
from gaidsl.targets.sql.target import Expressions, branches, ddl

RECORD_SHIFT = 1 << 20  # ordinal = check position × 2^20 + the record's number
AGGREGATE = "#agg"


def record_table(reports: str, index: int) -> str:
    return f"{reports}_r{index}"


@attrs.frozen
class Occurrence:
    """An aggregate at one position of its check: the members ``== row`` stands for there (None: no row term)."""

    key: str  # the stand-in cell
    aggregate: ir.RecordAggregate
    wanted: frozenset[str]


class _Aggregated(Expressions):
    """Expressions where an aggregate's half units come computed (``<cell>#slack``)."""

    aggregate_keys: frozenset[str] = frozenset()

    def _half_unit(self, ref: ir.CellRef | ir.FieldRef, scale: int) -> str:
        if not isinstance(ref, ir.CellRef) or ref.cell not in self.aggregate_keys:
            return super()._half_unit(ref, scale)
        slack = f"r.{ident(self.by_key[('cell', ref.cell)].name + '#slack')}"
        stored = amount_scale(self.spec.cells[ref.cell].type)
        if self.d.amounts == "numeric":
            return f"COALESCE({slack}, 0)"
        if self.d.amounts == "scaled":
            return f"(COALESCE({slack}, 0) * {10 ** (scale - stored - 1)})"
        return f"COALESCE({slack}, CAST(0 AS DECIMAL(38, {stored + 1})))"


class RecordsSql:
    """The tables and the validation query of ``spec`` (with lists of records) in ``dialect_name``."""

    def __init__(self, spec: ir.Spec, dialect_name: str) -> None:
        if spec.open_dimensions:
            raise Unsupported("GAI770: lists of records with open dimensions are not run in SQL yet")
        self.spec = spec
        self.d = dialect(dialect_name)
        self.lists = list(spec.records)
        self.occurrences: dict[str, Occurrence] = {}
        cells = dict(spec.cells)
        for records in spec.records.values():
            for field in records.fields:
                cell = records.pattern_cell(field)
                cells[cell.key] = cell
        checks: list[ir.Check] = list(spec.checks)
        self.record_checks: list[ir.Check] = []
        for check in spec.record_checks:
            instances = tuple(self._instance(check, i, cells) for i in check.instances)
            self.record_checks.append(attrs.evolve(check, instances=instances))
        self.count_checks = [
            c
            for records in spec.records.values()
            for c in count_rule_checks(
                f"records.{records.key}",
                0,
                (records.at_least, records.at_most),
                (f"记录列表「{records.label}」", "条记录"),
                (f"the list of records '{records.key}'", "records"),
                records.section,
                records.span,
                spec.language,
            )
        ]
        checks += self.record_checks + self.count_checks
        self.stand = attrs.evolve(
            spec, cells=cells, checks=tuple(checks), records={}, record_checks=(), record_aggregates={}
        )
        self.columns = layout(self.stand, dialect_name)
        self.patterns = {
            key: [
                c for c in self.columns if c.role in ("cell", "places") and c.key.startswith(f"{key}.{ir.RECORD_SLOT}.")
            ]
            for key in self.lists
        }
        synthetic = {c.name for c in self.columns if c.key in self.occurrences}
        pattern_names = {c.name for found in self.patterns.values() for c in found}
        self.fixed = [c for c in self.columns if c.name not in synthetic | pattern_names]
        text, whole = self.d.text_type, self.d.whole_type
        self.head = [
            Column("report_id", "id", "report_id", f"{text} NOT NULL", label="the report's id"),
            Column("record_number", "version", "record_number", f"{whole} NOT NULL", label="the record's number"),
            Column("unknown", "unknown", "unknown", self.d.unknown_type, label="keys whose NULL means unknown"),
        ]

    # ---- the stand-in spec
    def _instance(self, check: ir.Check, instance: ir.CheckInstance, cells: dict[str, ir.Cell]) -> ir.CheckInstance:
        """The instance with each aggregate replaced by a cell of its own (one per position)."""
        found = [
            n for n in ir.walk(instance.expr) if isinstance(n, ir.CellRef) and n.cell in self.spec.record_aggregates
        ]
        if not found:
            return instance
        if instance.position == ir.RECORD_SLOT:
            raise Unsupported(f"GAI770: check {check.key!r} has an aggregate in a check for each record")
        renamed: dict[str, str] = {}
        for ref in found:
            if ref.cell in renamed:
                continue
            aggregate = self.spec.record_aggregates[ref.cell]
            key = f"{AGGREGATE}{len(self.occurrences) + 1}"
            renamed[ref.cell] = key
            self.occurrences[key] = Occurrence(key, aggregate, self._wanted(check, instance.position))
            cell_type = ir.CellType("count") if aggregate.op == "count" else self._field(aggregate).type
            cells[key] = ir.Cell(
                key, aggregate.records, check.section or "", None, key, (), (aggregate.text,), cell_type
            )
        return attrs.evolve(instance, expr=_renamed(instance.expr, renamed))

    def _field(self, aggregate: ir.RecordAggregate) -> ir.RecordField:
        assert aggregate.field is not None
        found = self.spec.records[aggregate.records].field(aggregate.field)
        assert found is not None
        return found

    def _wanted(self, check: ir.Check, position: str | None) -> frozenset[str]:
        """What ``== row`` keeps at ``position``: the member, or a total's members (as the reference evaluator)."""
        if position is None:
            return frozenset()
        table = self.spec.tables.get(check.table) if check.table is not None else None
        axis = table.axis(check.broadcast) if table is not None and check.broadcast is not None else None
        member = axis.by_key.get(position) if axis is not None else None
        if member is not None and member.kind == "total":
            return frozenset(member.sums)
        return frozenset({position})

    def record_columns(self, key: str) -> list[Column]:
        return [*self.head, *self.patterns[key]]

    def ddl(self, reports: str, temporary: bool) -> list[str]:
        """``CREATE TABLE`` of each list's table (the reports table is the stand-in spec's)."""
        out = []
        for index, key in enumerate(self.lists):
            columns = ",\n  ".join(
                f"{c.quoted} {c.sql_type}" + (f" CHECK ({c.check})" if c.check else "")
                for c in self.record_columns(key)
            )
            out.append(
                f"CREATE {'TEMPORARY ' if temporary else ''}TABLE {record_table(reports, index)} (\n  {columns}\n)"
            )
        return out

    # ---- relations
    def _records(self, reports: str, index: int) -> str:
        """Each record of each report with the report's fixed columns (its unknown keys: the record's list)."""
        key = self.lists[index]
        fixed = ", ".join(f"r0.{c.quoted}" for c in self.fixed if c.role != "unknown")
        fields = ", ".join(f"m.{c.quoted}" for c in self.patterns[key])
        return (
            f"(SELECT {fixed}, {fields}, m.unknown AS unknown, m.record_number AS {ident('#record')} "
            f"FROM {reports} AS r0 JOIN {record_table(reports, index)} AS m ON m.report_id = r0.report_id)"
        )

    def _aggregated(self, reports: str, keys: Sequence[str]) -> tuple[str, str | None]:
        """Each report's fixed columns with the aggregates ``keys`` computed; and the condition a row needs to have
        a position (min/max over no records have none), if any."""
        parts = [f"r0.{c.quoted}" for c in self.fixed]
        dropped: list[str] = []
        for key in keys:
            occurrence = self.occurrences[key]
            column = next(c for c in self.columns if c.role == "cell" and c.key == key)
            table = record_table(reports, self.lists.index(occurrence.aggregate.records))
            value, slack, kept_none = self._aggregate(occurrence)
            source = f"FROM {table} AS m WHERE m.report_id = r0.report_id"
            parts.append(f"(SELECT {value} {source}) AS {column.quoted}")
            if slack is not None:
                parts.append(f"(SELECT {slack} {source}) AS {ident(column.name + '#slack')}")
            if kept_none is not None:
                name = ident(f"#none{len(dropped)}")
                parts.append(f"(SELECT {kept_none} {source}) AS {name}")
                dropped.append(f"r.{name} = 0")
        where = " AND ".join(dropped) if dropped else None
        return f"(SELECT {', '.join(parts)} FROM {reports} AS r0)", where

    def _aggregate(self, occurrence: Occurrence) -> tuple[str, str | None, str | None]:
        """(the aggregate's value, its half units or None, 1 when it has no position there or None)."""
        aggregate = occurrence.aggregate
        records = self.spec.records[aggregate.records]
        true = self.d.true_false[0]
        terms = [self._term(t, records, occurrence.wanted) for t in aggregate.where]
        kept = " AND ".join(f"({t})" for t in terms) if terms else f"{true} = {true}"
        nulls = [f"m.{self._pattern(records, t.field).quoted} IS NULL" for t in aggregate.where]
        unknown = f"COALESCE(sum(CASE WHEN {' OR '.join(nulls)} THEN 1 ELSE 0 END), 0)" if nulls else "0"
        count = f"COALESCE(sum(CASE WHEN {kept} THEN 1 ELSE 0 END), 0)"
        if aggregate.op == "count":
            return f"CASE WHEN {unknown} > 0 THEN NULL ELSE {count} END", None, None
        field = self._pattern(records, aggregate.field or "")
        value = f"m.{field.quoted}"
        blank = f"COALESCE(sum(CASE WHEN {kept} AND {value} IS NULL THEN 1 ELSE 0 END), 0)"
        amount = field.cell_type.kind == "amount"
        half = self._half(value, field) if amount else None
        if aggregate.op == "sum":
            total = f"COALESCE(sum(CASE WHEN {kept} THEN {value} END), 0)"
            sql = f"CASE WHEN {unknown} > 0 OR {blank} > 0 THEN NULL ELSE {total} END"
            slack = f"sum(CASE WHEN {kept} THEN {half} END)" if half is not None else None
            return sql, slack, None
        op = {"min": "min", "max": "max"}[aggregate.op]
        sql = f"CASE WHEN {unknown} > 0 OR {blank} > 0 THEN NULL ELSE {op}(CASE WHEN {kept} THEN {value} END) END"
        slack = f"CASE WHEN {count} = 1 THEN sum(CASE WHEN {kept} THEN {half} END) END" if half is not None else None
        return sql, slack, f"CASE WHEN {unknown} = 0 AND {count} = 0 THEN 1 ELSE 0 END"

    def _pattern(self, records: ir.RecordList, field: str) -> Column:
        key = records.cell_key(ir.RECORD_SLOT, field)
        return next(c for c in self.columns if c.role == "cell" and c.key == key)

    def _term(self, term: ir.FilterTerm, records: ir.RecordList, wanted: frozenset[str]) -> str:
        """A ``where`` term on the record ``m`` (its NULLs are dealt with before: the aggregate is then unknown)."""
        true, false = self.d.true_false
        column = self._pattern(records, term.field)
        value = f"m.{column.quoted}"
        numeric = column.cell_type.numeric
        if term.value is None:  # the position's members: a number is never one
            if numeric or not wanted:
                inside = f"{false} = {true}"
            else:
                inside = f"{value} IN ({', '.join(literal(w, self.d.name) for w in sorted(wanted))})"
            return inside if term.op == "==" else f"NOT ({inside})"
        if isinstance(term.value, str) != (not numeric):  # a number against a text: never equal
            return f"{true} = {true}" if term.op == "!=" else f"{false} = {true}"
        op = {"==": "=", "!=": "<>"}.get(term.op, term.op)
        if isinstance(term.value, str):
            return f"{value} {'=' if term.op == '==' else '<>'} {literal(term.value, self.d.name)}"
        number = term.value
        if self.d.scaled:
            stored = amount_scale(column.cell_type) if column.cell_type.kind == "amount" else 0
            scale = max(stored, places(number))
            return f"({value} * {10 ** (scale - stored)}) {op} {int(number.scaleb(scale))}"
        return f"{value} {op} CAST('{number:f}' AS DECIMAL(38, {places(number)}))"

    def _half(self, sql: str, column: Column) -> str:
        """Half a unit in the last reported place of a record's amount (at the stored scale + 1 where scaled)."""
        stored = amount_scale(column.cell_type)
        if self.d.amounts == "numeric":
            return f"COALESCE(0.5 * power(10::numeric, -scale({sql})), 0)"
        places_column = next(c for c in self.columns if c.role == "places" and c.key == column.key)
        places_sql = f"m.{places_column.quoted}"
        if self.d.amounts == "scaled":
            whens = " ".join(f"WHEN {p} THEN {5 * 10 ** (stored - p)}" for p in range(stored + 1))
            return f"COALESCE(CASE {places_sql} {whens} END, 0)"
        typed = f"DECIMAL(38, {stored + 1})"
        whens = " ".join(f"WHEN {p} THEN CAST('{Decimal((0, (5,), -p - 1)):f}' AS {typed})" for p in range(stored + 1))
        return f"COALESCE(CASE {places_sql} {whens} END, CAST(0 AS {typed}))"

    # ---- the query
    def validation(self, reports: str, previous: str) -> str:
        stand = self.stand
        aggregate_keys = frozenset(self.occurrences)

        def aggregated(check: ir.Check, instance: ir.CheckInstance) -> Expressions:
            found = _Aggregated(stand, self.d, self.columns, check.tolerance)
            found.aggregate_keys = aggregate_keys
            return found

        compiled = {id(b.instance): b for b in branches(stand, self.d.name, aggregated)}
        shown = self.d.shown_decimal.format(scale=20)
        counted = {id(c) for c in self.count_checks}
        selects: list[str] = []
        number = 0
        for check in stand.checks:
            for instance in check.instances:
                number += 1
                b = compiled[id(instance)]
                values = dict(b.values)
                values["ordinal"] = str(number * RECORD_SHIFT)
                where = None
                used = [
                    n.cell for n in ir.walk(instance.expr) if isinstance(n, ir.CellRef) and n.cell in aggregate_keys
                ]
                if id(check) in counted:
                    records = check.key.split(".")[1]
                    table = record_table(reports, self.lists.index(records))
                    count = f"(SELECT count(*) FROM {table} AS m WHERE m.report_id = r.report_id)"
                    self._count(instance, values, count, shown)
                    source = f"{reports} AS r"
                elif instance.position == ir.RECORD_SLOT:
                    assert check.table is not None
                    if b.previous:
                        raise Unsupported(f"GAI770: check {check.key!r} reads last year's report for each record")
                    source = f"{self._records(reports, self.lists.index(check.table))} AS r"
                    values["ordinal"] = f"{number * RECORD_SHIFT} + r.{ident('#record')}"
                    values["position"] = f"CAST(r.{ident('#record')} AS {self.d.text_type})"
                    values["position_label"] = f"'#' || CAST(r.{ident('#record')} AS {self.d.text_type})"
                elif used:
                    relation, where = self._aggregated(reports, list(dict.fromkeys(used)))
                    source = f"{relation} AS r"
                    if b.previous:
                        source += f" LEFT JOIN {previous} AS p ON p.report_id = r.previous_id"
                else:
                    source = f"{reports} AS r"
                    if b.previous:
                        source += f" LEFT JOIN {previous} AS p ON p.report_id = r.previous_id"
                selects.append(_select(values, source, where))
        return "\nUNION ALL\n".join(selects)

    def _count(self, instance: ir.CheckInstance, values: dict[str, str], count: str, shown: str) -> None:
        expr = instance.expr
        assert isinstance(expr, ir.Compare) and isinstance(expr.right, ir.Const)
        bound = int(expr.right.value)
        op = {"==": "=", "!=": "<>"}.get(expr.op, expr.op)
        true, false = self.d.true_false
        values["status"] = (
            f"CASE ({count} {op} {bound}) WHEN {true} THEN 'pass' WHEN {false} THEN 'fail' ELSE 'unverifiable' END"
        )
        values["left_value"] = self._shown(count, shown)
        values["right_value"] = self._shown(str(bound), shown)
        values["difference"] = self._shown(f"({count} - {bound})", shown)
        values["tolerance"] = self._shown("0", shown)

    def _shown(self, sql: str, shown: str) -> str:
        return sql if self.d.scaled else f"CAST({sql} AS {shown})"


def _select(values: dict[str, str], source: str, where: str | None) -> str:
    listed = ", ".join(f"{values[n]} AS {n}" for n in RESULT_COLUMNS[1:])
    return f"SELECT r.report_id AS report_id, {listed} FROM {source}" + (f" WHERE {where}" if where else "")


def _renamed(expr: ir.BoolExpr, renamed: dict[str, str]) -> ir.BoolExpr:
    """``expr`` with the cells ``renamed`` maps replaced (every IR node is an attrs class; tuples hold terms)."""

    def swap(node: Any) -> Any:
        if isinstance(node, ir.CellRef):
            return attrs.evolve(node, cell=renamed[node.cell]) if node.cell in renamed else node
        if isinstance(node, tuple):
            return tuple(swap(v) for v in node)
        if attrs.has(type(node)):
            changes = {f.name: swap(getattr(node, f.name)) for f in attrs.fields(type(node)) if f.init}
            return attrs.evolve(node, **changes)
        return node

    found: ir.BoolExpr = swap(expr)
    return found


def emit(spec: ir.Spec) -> Files:
    """``gaidsl build -t sql``: for a spec with lists of records, per dialect the reports table and a table per list
    (``schema.sql``) and ``CREATE VIEW validation`` over them (``validation.sql``); any other spec as
    :func:`gaidsl.targets.sql.open_parts.emit` makes it."""
    if not spec.records:
        return open_parts.emit(spec)
    if spec.open_dimensions:
        records = next(iter(spec.records))
        raise Unrenderable(
            Text(
                f"GAI770：sql 目标尚不支持同时有开放维度的记录列表（「{records}」）",
                f"GAI770: the sql target does not support lists of records with open dimensions yet ('{records}')",
            )
        )
    files: dict[str, str] = {}
    for name in DIALECTS:
        try:
            found = RecordsSql(spec, name)
            view = found.validation("reports", "reports")
        except Unsupported as exc:  # an aggregate in a check for each record, say (GAI770)
            raise Unrenderable(
                Text(f"sql 目标尚不支持：{exc}", f"the sql target does not support this yet: {exc}")
            ) from exc
        tables = [ddl(found.stand, name), *(f"{s};\n" for s in found.ddl("reports", temporary=False))]
        files[f"{name}/schema.sql"] = "\n".join(tables)
        head = (
            f"-- {comment(spec.id)} version {comment(spec.version)}: every check at every position, one row per "
            "(report, check, position), over the reports table and the tables of records reports_r<i>.\n"
            "-- Generated by gaidsl; do not edit. Order by report_id, ordinal for the evaluator's order.\n"
        )
        files[f"{name}/validation.sql"] = f"{head}CREATE VIEW validation AS\n{view};\n"
    lists = RecordsSql(spec, "duckdb").lists
    lines = [
        f"# SQL for {spec.title or spec.id} ({spec.id} version {spec.version}), a format with lists of records",
        "",
        "Generated by gaidsl. Per engine (duckdb, postgres, sqlite): `schema.sql` creates `reports` (one row per",
        "report: its cells; the columns of record fields and aggregates stay NULL there) and one table per list of",
        "records; `validation.sql` creates the view `validation` (one row per report, check and position, as for any",
        "spec). Tables of records: `report_id`, `record_number` (from 1), `unknown` (the report's unknown keys and the",
        "record's unknown fields as `LIST.<#>.FIELD`), then a column per field named `LIST.<#>.FIELD`.",
        "",
        *(f"- `reports_r{i}`: list of records `{key}`" for i, key in enumerate(lists)),
        "",
    ]
    files["README.md"] = "\n".join(lines)
    return files


TARGET = attrs.evolve(open_parts.TARGET, emit=emit, records=True, records_with_open_dimensions=False)
"""The sql target as the registry lists it (targets/registry.py): open rows and lists of records."""


__all__ = ["RECORD_SHIFT", "TARGET", "RecordsSql", "emit", "record_table"]
