"""Lists of records in SQL (docs/records.md): each list's records in a child table keyed by (report, record number),
and every check over them as a set-based query, for DuckDB, PostgreSQL and SQLite — beside open dimensions too.

Tables: the reports table of the spec's *stand-in* (its cells — with open dimensions, those of the spec closed with
each slot as its one member (targets/sql/open_parts.py) — each record field's pattern cell ``LIST.<#>.FIELD`` and
a cell per aggregate at each of its positions: these columns stay NULL there), the member tables of the open
dimensions (open_parts.py), and per list ``<reports>_r<i>``: ``report_id``, ``record_number`` (1, 2, …),
``unknown`` (the report's unknown keys and the record's unknown fields as ``LIST.<#>.FIELD``), then a column per
field named as its pattern cell.

The checks, one ``SELECT`` each, joined by ``UNION ALL`` (no query per report, member or record):

- the checks that read no records as open_parts.py (or the sql target) has them;
- a ``for each record`` check reads each record's row: the report's (with its aggregates, its sums over members
  where it reads them) joined with the list's table, its fields the pattern cells; last year's report joined as
  for any check;
- a check with aggregates (``sum(projects.amount where fund == row)``) reads the report's row, or at an open
  dimension's slot each entered member's, joined with one grouped query over the list's table per aggregate (its
  ``where`` decided in SQL: ``== row`` at a member as the record's field equal to the member's key — the join's
  key —, at a fixed member as the members the position stands for: a total's members at a total, among them the
  entered members a total adds up) and one per report counting the records whose filtered fields are blank or
  unknown. As the reference evaluator (:func:`gaidsl.checking.records.close_records`) has it: unknown when a
  filtered field of some record is blank or unknown; a sum blank when a kept record's field is, 0 over no records;
  a count the records kept; ``min``/``max`` over no records have no position (the row is left out), and their
  tolerance is the one record's half unit when exactly one is kept (the reference compares that record's cell),
  else none (computed values are exact);
- ``at least`` / ``at most`` compare the number of the report's records.

Records come after the open parts' checks and coded hierarchies in ``ordinal``, as the reference evaluator orders
them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from gaidsl.checking.records import count_checks
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.targets import Files, Unrenderable
from gaidsl.targets.sql import open_parts
from gaidsl.targets.sql.dialects import (
    Column,
    Unsupported,
    amount_scale,
    dialect,
    ident,
    layout,
    literal,
    places,
)
from gaidsl.targets.sql.open_parts import (
    OpenSql,
    SlackExpressions,
    child_ddl,
    count_values,
    dialect_files,
    half_unit,
    member_table,
    readme,
    select,
)
from gaidsl.targets.sql.target import Expressions, branches, ddl

RECORD_SHIFT = 1 << 20  # ordinal = check position × 2^20 + the record's number (the member's place)
AGGREGATE = "#agg"


def record_table(reports: str, index: int) -> str:
    return f"{reports}_r{index}"


@attrs.frozen
class Occurrence:
    """An aggregate at one position of its check: the fixed members ``== row`` stands for there (empty: no row
    term, or none), the open dimension whose entered member the position is (None: a fixed position), and the open
    dimensions whose summed members a total there adds up."""

    key: str  # the stand-in cell
    aggregate: ir.RecordAggregate
    wanted: frozenset[str]
    member: str | None = None
    summed: tuple[str, ...] = ()


class RecordsSql:
    """The tables and the validation query of ``spec`` (with lists of records, and open dimensions or not) in
    ``dialect_name``."""

    def __init__(self, spec: ir.Spec, dialect_name: str) -> None:
        self.spec = spec
        self.d = dialect(dialect_name)
        self.open = OpenSql(spec, dialect_name) if spec.open_dimensions else None
        base = self.open.stand if self.open is not None else spec  # each slot as its one member
        self.base = base
        self.slots = self.open.slots if self.open is not None else {}
        self.lists = list(spec.records)
        self.occurrences: dict[str, Occurrence] = {}
        cells = dict(base.cells)
        for records in spec.records.values():
            for field in records.fields:
                cell = records.pattern_cell(field)
                cells[cell.key] = cell
        self.record_checks: list[ir.Check] = []
        for check in base.record_checks:
            instances = tuple(self._instance(check, i, cells) for i in check.instances)
            self.record_checks.append(attrs.evolve(check, instances=instances))
        self.count_checks = count_checks(spec, {key: 0 for key in spec.records})  # the counts are SQL's
        checks = (*base.checks, *self.record_checks, *self.count_checks)
        self.stand = attrs.evolve(base, cells=cells, checks=checks, records={}, record_checks=(), record_aggregates={})
        self.columns = layout(self.stand, dialect_name)
        self.patterns = {
            key: [
                c for c in self.columns if c.role in ("cell", "places") and c.key.startswith(f"{key}.{ir.RECORD_SLOT}.")
            ]
            for key in self.lists
        }
        left_out = {c.name for c in self.columns if c.key in self.occurrences}
        left_out |= {c.name for found in self.patterns.values() for c in found}
        if self.open is not None:
            left_out |= {c.name for c in self.columns if c.role in ("cell", "places") and c.key in self.open.slot_of}
        self.fixed = [c for c in self.columns if c.name not in left_out]
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
        renamed: dict[str, str] = {}
        for ref in found:
            if ref.cell in renamed:
                continue
            aggregate = self.spec.record_aggregates[ref.cell]
            key = f"{AGGREGATE}{len(self.occurrences) + 1}"
            renamed[ref.cell] = key
            self.occurrences[key] = self._occurrence(key, aggregate, check, instance.position)
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

    def _occurrence(self, key: str, aggregate: ir.RecordAggregate, check: ir.Check, position: str | None) -> Occurrence:
        """What ``== row`` keeps at ``position``: the member, or a total's members (as the reference evaluator) —
        an open dimension's slot there standing for its entered members."""
        if position is None or position == ir.RECORD_SLOT:
            return Occurrence(key, aggregate, frozenset())
        if position in self.slots:
            return Occurrence(key, aggregate, frozenset(), member=self.slots[position])
        table = self.base.tables.get(check.table) if check.table is not None else None
        axis = table.axis(check.broadcast) if table is not None and check.broadcast is not None else None
        member = axis.by_key.get(position) if axis is not None else None
        wanted = frozenset(member.sums) if member is not None and member.kind == "total" else frozenset({position})
        summed = tuple(dict.fromkeys(self.slots[w] for w in sorted(wanted) if w in self.slots))
        return Occurrence(key, aggregate, frozenset(w for w in wanted if w not in self.slots), summed=summed)

    def record_columns(self, key: str) -> list[Column]:
        return [*self.head, *self.patterns[key]]

    def ddl(self, reports: str, temporary: bool) -> list[str]:
        """``CREATE TABLE`` of each member table and each list's table (the reports table is the stand-in spec's)."""
        members = self.open.ddl(reports, temporary) if self.open is not None else []
        return [
            *members,
            *(
                child_ddl(record_table(reports, index), self.record_columns(key), temporary)
                for index, key in enumerate(self.lists)
            ),
        ]

    # ---- relations
    def _report(self, reports: str, sums: bool, unknown: bool = True) -> str:
        """Each report's fixed columns (``unknown``: with its unknown keys), with the sums over its members if
        ``sums`` (open_parts.py)."""
        if sums:
            assert self.open is not None
            return self.open.shared(self.open.sums(reports, unknown))
        fixed = ", ".join(f"r0.{c.quoted}" for c in self.fixed if unknown or c.role != "unknown")
        return f"(SELECT {fixed} FROM {reports} AS r0)"

    def _records(self, base: str, reports: str, index: int) -> str:
        """Each record of each report with the columns of the report's row ``base`` (which has no ``unknown``: the
        record's list holds the report's unknown keys too)."""
        key = self.lists[index]
        fields = ", ".join(f"m.{c.quoted}" for c in self.patterns[key])
        return (
            f"(SELECT r0.*, {fields}, m.unknown AS unknown, m.record_number AS {ident('#record')} "
            f"FROM {base} AS r0 JOIN {record_table(reports, index)} AS m ON m.report_id = r0.report_id)"
        )

    def _aggregated(self, base: str, reports: str, keys: list[str]) -> tuple[str, str | None]:
        """The rows of ``base`` with the aggregates ``keys`` computed (at a member's row for that member); and the
        condition a row needs to have a position (min/max over no records have none), if any."""
        parts = ["r0.*"]
        joins: list[str] = []
        dropped: list[str] = []
        for number, key in enumerate(keys):
            column = next(c for c in self.columns if c.role == "cell" and c.key == key)
            value, slack, none = self._aggregate(self.occurrences[key], reports, f"a{number}", joins)
            parts.append(f"{value} AS {column.quoted}")
            if slack is not None:
                parts.append(f"{slack} AS {ident(column.name + '#slack')}")
            if none is not None:
                name = ident(f"#none{len(dropped)}")
                parts.append(f"{none} AS {name}")
                dropped.append(f"r.{name} = 0")
        where = " AND ".join(dropped) if dropped else None
        return f"(SELECT {', '.join(parts)} FROM {base} AS r0 {' '.join(joins)})", where

    def _aggregate(
        self, occurrence: Occurrence, reports: str, a: str, joins: list[str]
    ) -> tuple[str, str | None, str | None]:
        """(the aggregate's value, its half units or None, 1 when it has no position there or None) over the row
        ``r0``, adding to ``joins`` the grouped queries ``a`` (the kept records' count, sum, blanks…, per report,
        or per report and member at a member) and ``a``u (per report, the records whose filtered fields are blank
        or unknown)."""
        aggregate = occurrence.aggregate
        records = self.spec.records[aggregate.records]
        table = record_table(reports, self.lists.index(aggregate.records))
        true, false = self.d.true_false
        nulls = [f"m.{self._pattern(records, t.field).quoted} IS NULL" for t in aggregate.where]
        unknown = f"{false} = {true}"
        if nulls:
            joins.append(
                f"LEFT JOIN (SELECT report_id, count(*) AS n FROM {table} AS m WHERE {' OR '.join(nulls)} "
                f"GROUP BY report_id) AS {a}u ON {a}u.report_id = r0.report_id"
            )
            unknown = f"COALESCE({a}u.n, 0) > 0"
        source = f"{table} AS m"
        keys = ["m.report_id"]
        on = f"{a}.report_id = r0.report_id"
        member: str | None = None  # the SQL of the member's key a row term compares with
        where = ""
        terms = list(aggregate.where)
        if occurrence.member is not None:
            assert self.open is not None
            by_key = next(
                (t for t in terms if t.value is None and t.op == "==" and not self._numeric(records, t.field)), None
            )
            if by_key is not None:  # grouped by the field: joined with the member's row on its key
                member = f"m.{self._pattern(records, by_key.field).quoted}"
                terms.remove(by_key)
                where = f" WHERE {member} IS NOT NULL"
            else:  # each record beside each member of its report (a row term `!=` only, or on numbers)
                members = member_table(reports, self.open.dims.index(occurrence.member))
                source = (
                    f"(SELECT report_id, member_key FROM {members}) AS o JOIN {table} AS m ON m.report_id = o.report_id"
                )
                member = "o.member_key"
            keys = ["m.report_id", member]
            on += f" AND {a}.k = r0.{ident('#member')}"
        summed: list[str] = []  # the joins that say a record's member is one a total adds up
        kept_terms = [self._term(t, records, occurrence, member, (reports, f"{a}s", summed)) for t in terms]
        source += "".join(summed)
        kept = " AND ".join(f"({t})" for t in kept_terms) if kept_terms else f"{true} = {true}"
        inner = [f"{keys[0]} AS report_id", *(f"{k} AS k" for k in keys[1:])]
        inner.append(f"sum(CASE WHEN {kept} THEN 1 ELSE 0 END) AS n")
        count = f"COALESCE({a}.n, 0)"
        field = self._pattern(records, aggregate.field) if aggregate.field is not None else None
        if field is not None:
            value = f"m.{field.quoted}"
            op = {"sum": "sum", "min": "min", "max": "max"}[aggregate.op]
            inner.append(f"sum(CASE WHEN {kept} AND {value} IS NULL THEN 1 ELSE 0 END) AS b")
            inner.append(f"{op}(CASE WHEN {kept} THEN {value} END) AS v")
            if field.cell_type.kind == "amount":
                kept_places = [f"m.{c.quoted}" for c in self.columns if c.role == "places" and c.key == field.key]
                half = half_unit(self.d, value, kept_places[0] if kept_places else None, field.cell_type)
                inner.append(f"sum(CASE WHEN {kept} THEN {half} END) AS h")
        joins.append(
            f"LEFT JOIN (SELECT {', '.join(inner)} FROM {source}{where} GROUP BY {', '.join(keys)}) AS {a} ON {on}"
        )
        if field is None:
            return f"CASE WHEN {unknown} THEN NULL ELSE {count} END", None, None
        amount = field.cell_type.kind == "amount"
        blank = f"{unknown} OR COALESCE({a}.b, 0) > 0"
        if aggregate.op == "sum":
            return f"CASE WHEN {blank} THEN NULL ELSE COALESCE({a}.v, 0) END", f"{a}.h" if amount else None, None
        slack = f"CASE WHEN {count} = 1 THEN {a}.h END" if amount else None
        none = f"CASE WHEN NOT ({unknown}) AND {count} = 0 THEN 1 ELSE 0 END"
        return f"CASE WHEN {blank} THEN NULL ELSE {a}.v END", slack, none

    def _pattern(self, records: ir.RecordList, field: str) -> Column:
        key = records.cell_key(ir.RECORD_SLOT, field)
        return next(c for c in self.columns if c.role == "cell" and c.key == key)

    def _numeric(self, records: ir.RecordList, field: str) -> bool:
        return self._pattern(records, field).cell_type.numeric

    def _term(
        self,
        term: ir.FilterTerm,
        records: ir.RecordList,
        occurrence: Occurrence,
        member: str | None,
        summing: tuple[str, str, list[str]],
    ) -> str:
        """A ``where`` term on the record ``m`` (its NULLs are dealt with before: the aggregate is then unknown);
        ``member``: the SQL of the member's key at a member's row; ``summing``: (the reports table, an alias, the
        joins) — where a total adds up entered members, a join (the alias and a number) saying whether the record's
        member is one of them is added to the joins."""
        reports, alias, joins = summing
        true, false = self.d.true_false
        column = self._pattern(records, term.field)
        value = f"m.{column.quoted}"
        numeric = column.cell_type.numeric
        if term.value is None:  # the position's members: a number is never one
            found = []
            if not numeric and member is not None:
                found.append(f"{value} = {member}")
            if not numeric and occurrence.wanted:
                found.append(f"{value} IN ({', '.join(literal(w, self.d.name) for w in sorted(occurrence.wanted))})")
            for dimension in occurrence.summed if not numeric else ():
                assert self.open is not None
                members = member_table(reports, self.open.dims.index(dimension))
                s = f"{alias}{len(joins)}"
                joins.append(
                    f" LEFT JOIN (SELECT DISTINCT report_id, member_key FROM {members} WHERE summed = 1) AS {s}"
                    f" ON {s}.report_id = m.report_id AND {s}.member_key = {value}"
                )
                found.append(f"{s}.member_key IS NOT NULL")
            inside = " OR ".join(found) if found else f"{false} = {true}"
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

    # ---- the query
    def compiler(self) -> Callable[[ir.Check, ir.CheckInstance], Expressions]:
        """The compiler of each position of the stand-in spec: aggregates' half units computed, and with open
        dimensions as open_parts.py has them."""
        computed = frozenset(self.occurrences)
        if self.open is not None:
            return self.open.compiler(self.stand, self.columns, computed)

        def make(check: ir.Check, instance: ir.CheckInstance) -> Expressions:
            return SlackExpressions(self.stand, self.d, self.columns, check.tolerance, computed)

        return make

    def validation(self, reports: str, previous: str) -> str:
        compiled = {id(b.instance): b for b in branches(self.stand, self.d.name, self.compiler())}
        shown = self.d.shown_decimal.format(scale=20)
        selects: list[str] = []
        offset = 0
        number = 0
        if self.open is not None:  # the checks that read no records, then the coded hierarchies' checks
            selects, offset = self.open.selects(reports, previous, compiled)
            number = sum(len(c.instances) for c in self.base.checks)
        counted = {id(c) for c in self.count_checks}
        for check in self.stand.checks[len(self.base.checks) if self.open is not None else 0 :]:
            for instance in check.instances:
                number += 1
                b = compiled[id(instance)]
                values = dict(b.values)
                values["ordinal"] = str(offset + number * RECORD_SHIFT)
                where = None
                if id(check) in counted:
                    records = check.key.split(".")[1]
                    table = record_table(reports, self.lists.index(records))
                    count_values(self.d, instance, values, "COALESCE(c.n, 0)", shown)
                    source = (
                        f"{reports} AS r LEFT JOIN (SELECT report_id, count(*) AS n FROM {table} GROUP BY report_id)"
                        " AS c ON c.report_id = r.report_id"
                    )
                else:
                    source, where = self._source(check, instance, b.previous, (reports, previous), values)
                selects.append(select(values, source, where))
        return self.open.query(selects) if self.open is not None else "\nUNION ALL\n".join(selects)

    def _source(
        self,
        check: ir.Check,
        instance: ir.CheckInstance,
        last_year: bool,
        tables: tuple[str, str],
        values: dict[str, str],
    ) -> tuple[str, str | None]:
        """What a check over records reads at ``instance`` (``tables``: this year's reports table and last year's),
        and the condition its rows need, if any; its record's or member's ordinal and position put in ``values``."""
        reports, previous = tables
        used = list(
            dict.fromkeys(
                n.cell for n in ir.walk(instance.expr) if isinstance(n, ir.CellRef) and n.cell in self.occurrences
            )
        )
        sums = self.open is not None and bool(self.open.slots_read(instance.expr))
        at_member = self.open is not None and instance.position in self.slots
        if at_member:
            assert self.open is not None
            index = self.open.member_index(check, instance)
            base = self.open.shared(self.open.rows(reports, index))
        elif instance.position == ir.RECORD_SLOT:
            base = self._report(reports, sums, unknown=False)  # the record's unknown keys hold the report's
        else:
            base = self._report(reports, sums) if used or sums else reports
        where = None
        if used:
            base, where = self._aggregated(base, reports, used)
        if instance.position == ir.RECORD_SLOT:
            assert check.table is not None
            base = self._records(base, reports, self.lists.index(check.table))
            number = f"r.{ident('#record')}"
            values["ordinal"] = f"{values['ordinal']} + {number}"
            values["position"] = f"CAST({number} AS {self.d.text_type})"
            values["position_label"] = f"'#' || CAST({number} AS {self.d.text_type})"
        elif at_member:
            values["ordinal"] = f"{values['ordinal']} + r.{ident('#ordinal')}"
            values["position"] = f"r.{ident('#member')}"
        source = f"{base} AS r"
        if last_year and at_member:
            assert self.open is not None
            source += self.open.previous_rows(previous, self.open.member_index(check, instance))
        elif last_year:
            last = self._report(previous, sums) if sums else previous
            source += f" LEFT JOIN {last} AS p ON p.report_id = r.previous_id"
        return source, where


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
    """``gaidsl build -t sql``: for a spec with lists of records, per dialect the reports table, the member tables of
    its open dimensions and a table per list (``schema.sql``) and ``CREATE VIEW validation`` over them
    (``validation.sql``); any other spec as :func:`gaidsl.targets.sql.open_parts.emit` makes it."""
    if not spec.records:
        return open_parts.emit(spec)

    def made(name: str) -> tuple[list[str], str]:
        try:
            found = RecordsSql(spec, name)
            view = found.validation("reports", "reports")
        except Unsupported as exc:  # GAI611: a check at each member reading a sum over another's members, say
            raise Unrenderable(
                Text(f"sql 目标尚不支持：{exc}", f"the sql target does not support this yet: {exc}")
            ) from exc
        return [ddl(found.stand, name), *(f"{s};\n" for s in found.ddl("reports", temporary=False))], view

    members = " and the member tables reports_m<i> (open rows)" if spec.open_dimensions else ""
    files = dialect_files(spec, made, f"the reports table{members} and the tables of records reports_r<i>")
    files["README.md"] = readme(
        spec,
        "a format with lists of records",
        (
            "Generated by gaidsl. Per engine (duckdb, postgres, sqlite): `schema.sql` creates `reports` (one row "
            "per report: its cells; the columns of record fields, aggregates and open rows stay NULL there), one "
            "member table per open dimension (as for a format with open rows) and one table per list of records; "
            "`validation.sql` creates the view `validation` (one row per report, check and position, as for any "
            "spec). Tables of records: `report_id`, `record_number` (from 1), `unknown` (the report's unknown "
            "keys and the record's unknown fields as `LIST.<#>.FIELD`), then a column per field named "
            "`LIST.<#>.FIELD` (a member field holds the member's key)."
        ),
        [
            *(f"- `reports_m{i}`: open dimension `{d}`" for i, d in enumerate(spec.open_dimensions)),
            *(f"- `reports_r{i}`: list of records `{key}`" for i, key in enumerate(spec.records)),
        ],
    )
    return files


TARGET = attrs.evolve(open_parts.TARGET, emit=emit, records=True)
"""The sql target as the registry lists it (targets/registry.py): open rows and lists of records, apart or together."""


__all__ = ["RECORD_SHIFT", "TARGET", "RecordsSql", "emit", "record_table"]
