"""Open dimensions in SQL (docs/open-dimensions.md): the entered rows of each open dimension in a child table keyed
by (report, member key), and every check as a set-based query over it, for DuckDB, PostgreSQL and SQLite.

Tables: the reports table of the spec closed with the slot as its one member (so the slot cells have columns, which
stay NULL there), and per open dimension ``<reports>_m<i>``: ``report_id``, ``member_key``, ``ordinal`` (the
report's order), ``parent_key`` (a coded hierarchy's entered parent, else NULL), ``summed`` (1 when a sum over the
slot adds the member: all members, or a coded hierarchy's members without an entered parent), and a column per slot
cell named by the slot cell's key (``requests.<component>.received``, with ``#places`` for amounts where the
dialect keeps them).

The checks, one ``SELECT`` each, joined by ``UNION ALL`` (no query per member):

- a position at the slot reads the reports table joined with the member table (one row per member), last year's
  the same join matched by ``previous_id`` and member key;
- a position elsewhere that reads a slot cell reads the reports table joined with the member table grouped by
  report: the sum of the summed members (NULL when one of them is blank, 0 when there are none) and the sum of
  their half units (the tolerance of a sum of amounts);
- a rule on the number of members compares ``count(*)``;
- a coded hierarchy's check joins each parent row with its children grouped by (report, parent).

``ordinal`` orders each report's rows as the reference evaluator's results for that report's members.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.open_members import close
from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.targets import Files
from gaidsl.targets.sql import target as T
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
)
from gaidsl.targets.sql.target import Expressions, branches, ddl

MEMBER_SHIFT = 1 << 20  # ordinal = check position × 2^20 + the member's place in the report
TABLE_SHIFT = 1 << 40  # a coded hierarchy's rows: after every check, per table


def member_table(reports: str, index: int) -> str:
    return f"{reports}_m{index}"


def stand_in_spec(spec: ir.Spec) -> ir.Spec:
    """``spec`` closed with each slot as its one member: its cells are the fixed cells and the slot cells."""
    return close(spec, {d: (EnteredMember(o.slot, o.slot),) for d, o in spec.open_dimensions.items()})


class _Summed(Expressions):
    """Expressions over a report's row joined with its members' sums: half units of a slot cell come summed."""

    slot_keys: frozenset[str] = frozenset()

    def _half_unit(self, ref: ir.CellRef | ir.FieldRef, scale: int) -> str:
        if not isinstance(ref, ir.CellRef) or ref.cell not in self.slot_keys:
            return super()._half_unit(ref, scale)
        alias = "p" if ref.previous else "r"
        if ref.previous:
            self.uses_previous = True
        slack = f"{alias}.{ident(self.by_key[('cell', ref.cell)].name + '#slack')}"
        stored = amount_scale(self.spec.cells[ref.cell].type)
        if self.d.amounts == "numeric":
            return f"COALESCE({slack}, 0)"
        if self.d.amounts == "scaled":
            return f"(COALESCE({slack}, 0) * {10 ** (scale - stored - 1)})"
        return f"COALESCE({slack}, CAST(0 AS DECIMAL(38, {stored + 1})))"


class OpenSql:
    """The tables and the validation query of ``spec`` (with open dimensions) in ``dialect_name``."""

    def __init__(self, spec: ir.Spec, dialect_name: str) -> None:
        self.spec = spec
        self.d = dialect(dialect_name)
        self.dims = list(spec.open_dimensions)
        self.stand = stand_in_spec(spec)
        self.columns = layout(self.stand, dialect_name)
        slots = {o.slot: d for d, o in spec.open_dimensions.items()}
        self.slot_of: dict[str, str] = {}  # slot cell key → dimension
        for key, cell in spec.cells.items():
            if cell.row is not None and cell.row in slots:
                self.slot_of[key] = slots[cell.row]
        self.fixed = [c for c in self.columns if not (c.role in ("cell", "places") and c.key in self.slot_of)]
        self.slot_columns = {
            d: [c for c in self.columns if c.role in ("cell", "places") and self.slot_of.get(c.key) == d]
            for d in self.dims
        }
        text, whole = self.d.text_type, self.d.whole_type
        self.head = [
            Column("report_id", "id", "report_id", f"{text} NOT NULL", label="the report's id"),
            Column("member_key", "format", "member_key", f"{text} NOT NULL", label="the member's key"),
            Column("ordinal", "version", "ordinal", f"{whole} NOT NULL", label="its place in the report's list"),
            Column("parent_key", "previous", "parent_key", text, label="its entered parent (coded hierarchies)"),
            Column("summed", "previous", "summed", f"{whole} NOT NULL", label="1: a sum over the slot adds it"),
        ]

    def member_columns(self, dimension: str) -> list[Column]:
        return [*self.head, *(c for c in self.slot_columns[dimension] if c.role in ("cell", "places"))]

    def ddl(self, reports: str, temporary: bool) -> list[str]:
        """``CREATE TABLE`` of each member table (the reports table is the stand-in spec's)."""
        out = []
        for index, d in enumerate(self.dims):
            columns = ",\n  ".join(
                f"{c.quoted} {c.sql_type}" + (f" CHECK ({c.check})" if c.check else "") for c in self.member_columns(d)
            )
            table = member_table(reports, index)
            out.append(f"CREATE {'TEMPORARY ' if temporary else ''}TABLE {table} (\n  {columns}\n)")
        return out

    # ---- relations
    def _rows(self, reports: str, index: int) -> str:
        """Each member of each report with the report's fixed columns."""
        d = self.dims[index]
        fixed = ", ".join(f"r0.{c.quoted}" for c in self.fixed)
        slot = ", ".join(f"m.{c.quoted}" for c in self.slot_columns[d])
        return (
            f"(SELECT {fixed}, {slot}, m.member_key AS {ident('#member')}, m.ordinal AS {ident('#ordinal')} "
            f"FROM {reports} AS r0 JOIN {member_table(reports, index)} AS m ON m.report_id = r0.report_id)"
        )

    def _half(self, sql: str, places_sql: str | None, cell_type: ir.CellType) -> str:
        """Half a unit in the last reported place (at the stored scale + 1 where amounts are scaled); 0 if blank."""
        stored = amount_scale(cell_type)
        if self.d.amounts == "numeric":
            return f"COALESCE(0.5 * power(10::numeric, -scale({sql})), 0)"
        assert places_sql is not None
        if self.d.amounts == "scaled":
            branches_ = " ".join(f"WHEN {p} THEN {5 * 10 ** (stored - p)}" for p in range(stored + 1))
            return f"COALESCE(CASE {places_sql} {branches_} END, 0)"
        typed = f"DECIMAL(38, {stored + 1})"
        branches_ = " ".join(
            f"WHEN {p} THEN CAST('{Decimal((0, (5,), -p - 1)):f}' AS {typed})" for p in range(stored + 1)
        )
        return f"COALESCE(CASE {places_sql} {branches_} END, CAST(0 AS {typed}))"

    def _places(self, alias: str, key: str) -> str | None:
        found = [c for c in self.columns if c.role == "places" and c.key == key]
        return f"{alias}.{found[0].quoted}" if found else None

    def _sums(self, reports: str) -> str:
        """Each report's fixed columns with the sums over its members (and their counts)."""
        parts = [f"r0.{c.quoted}" for c in self.fixed]
        joins = []
        for index, d in enumerate(self.dims):
            a = f"a{index}"
            inner = ["report_id", "count(*) AS n", "sum(summed) AS ns"]
            for number, c in enumerate(c for c in self.slot_columns[d] if c.role == "cell"):
                value = f"CASE WHEN summed = 1 THEN m.{c.quoted} END"
                inner.append(f"count({value}) AS c{number}")
                inner.append(f"sum({value}) AS s{number}")
                parts.append(
                    f"CASE WHEN {a}.report_id IS NULL OR {a}.ns = 0 THEN 0 "
                    f"WHEN {a}.ns = {a}.c{number} THEN {a}.s{number} END AS {c.quoted}"
                )
                if c.cell_type.kind == "amount":
                    half = self._half(f"m.{c.quoted}", self._places("m", c.key), c.cell_type)
                    inner.append(f"sum(CASE WHEN summed = 1 THEN {half} END) AS h{number}")
                    parts.append(f"{a}.h{number} AS {ident(c.name + '#slack')}")
            parts.append(f"COALESCE({a}.n, 0) AS {ident(f'#count{index}')}")
            joins.append(
                f"LEFT JOIN (SELECT {', '.join(inner)} FROM {member_table(reports, index)} AS m GROUP BY report_id) "
                f"AS {a} ON {a}.report_id = r0.report_id"
            )
        return f"(SELECT {', '.join(parts)} FROM {reports} AS r0 {' '.join(joins)})"

    # ---- the query
    def validation(self, reports: str, previous: str) -> str:
        stand = self.stand
        slot_keys = frozenset(self.slot_of)
        compiled = {id(b.instance): b for b in branches(stand, self.d.name)}

        def summed(check: ir.Check, instance: ir.CheckInstance) -> Expressions:
            found = _Summed(stand, self.d, self.columns, check.tolerance)
            found.slot_keys = slot_keys
            return found

        sums = {id(b.instance): b for b in branches(stand, self.d.name, summed)}
        shown = self.d.shown_decimal.format(scale=20)
        slots = {o.slot: d for d, o in self.spec.open_dimensions.items()}
        selects: list[str] = []
        number = 0
        for check in stand.checks:
            for instance in check.instances:
                number += 1
                b = compiled[id(instance)]
                values = dict(b.values)
                ordinal = str(number * MEMBER_SHIFT)
                if check.origin == "members":
                    self._count(check, instance, values, shown)
                    source = f"{self._sums(reports)} AS r"
                elif instance.position is not None and instance.position in slots:
                    index = self.dims.index(slots[instance.position])
                    read = self._slots_read(instance.expr)
                    if read - {self.dims[index]}:
                        raise Unsupported(f"GAI611: check {check.key!r} reads a sum over members at each member")
                    source = f"{self._rows(reports, index)} AS r"
                    if b.previous:
                        source += (
                            f" LEFT JOIN {self._rows(previous, index)} AS p ON p.report_id = r.previous_id"
                            f" AND p.{ident('#member')} = r.{ident('#member')}"
                        )
                    ordinal = f"{ordinal} + r.{ident('#ordinal')}"
                    values["position"] = f"r.{ident('#member')}"
                elif self._slots_read(instance.expr):
                    b = sums[id(instance)]
                    values = dict(b.values)
                    source = f"{self._sums(reports)} AS r"
                    if b.previous:
                        source += f" LEFT JOIN {self._sums(previous)} AS p ON p.report_id = r.previous_id"
                else:
                    source = f"{reports} AS r"
                    if b.previous:
                        source += f" LEFT JOIN {previous} AS p ON p.report_id = r.previous_id"
                values["ordinal"] = ordinal
                selects.append(self._select(values, source))
        selects.extend(self._hierarchies(reports, number, shown))
        return "\nUNION ALL\n".join(selects)

    def _select(self, values: dict[str, str], source: str) -> str:
        listed = ", ".join(f"{values[n]} AS {n}" for n in RESULT_COLUMNS[1:])
        return f"SELECT r.report_id AS report_id, {listed} FROM {source}"

    def _slots_read(self, expr: ir.BoolExpr) -> set[str]:
        return {self.slot_of[n.cell] for n in ir.walk(expr) if isinstance(n, ir.CellRef) and n.cell in self.slot_of}

    def _count(self, check: ir.Check, instance: ir.CheckInstance, values: dict[str, str], shown: str) -> None:
        expr = instance.expr
        assert isinstance(expr, ir.Compare) and isinstance(expr.right, ir.Const)
        index = self.dims.index(check.key.split(".")[1])
        count = f"r.{ident(f'#count{index}')}"
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

    def _shown(self, sql: str, shown: str, scale: int = 0) -> str:
        if self.d.scaled:
            return f"(CAST({sql} AS REAL) / {10**scale})" if scale else sql
        return f"CAST({sql} AS {shown})"

    def _hierarchies(self, reports: str, checks: int, shown: str) -> list[str]:
        out = []
        true, false = self.d.true_false
        for table_number, table in enumerate(self.spec.tables.values()):
            opened = table.rows.open if table.rows is not None else None
            if opened is None or opened.coded is None or not opened.coded.levels:
                continue
            index = self.dims.index(opened.dimension)
            members = member_table(reports, index)
            numeric = [
                c
                for c in table.columns.data_members
                if (cell := self.spec.cells.get(table.cell_key(opened.slot, c.key))) is not None and cell.type.numeric
            ]
            base = (checks + 1 + table_number) * TABLE_SHIFT
            for column_number, column in enumerate(numeric):
                key = table.cell_key(opened.slot, column.key)
                cell_type = self.spec.cells[key].type
                col = next(c for c in self.columns if c.role == "cell" and c.key == key).quoted
                amount = cell_type.kind == "amount"
                stored = amount_scale(cell_type) if amount else 0
                inner = f"min(ordinal) AS first, count(*) AS n, count(m.{col}) AS nc, sum(m.{col}) AS s"
                if amount:
                    inner += f", sum({self._half(f'm.{col}', self._places('m', key), cell_type)}) AS h"
                children = (
                    f"(SELECT report_id, parent_key, {inner} FROM {members} AS m WHERE parent_key IS NOT NULL "
                    "GROUP BY report_id, parent_key)"
                )
                left, right = f"pr.{col}", "(CASE WHEN ch.n = ch.nc THEN ch.s END)"
                if amount:
                    tolerance = f"({self._half(left, self._places('pr', key), cell_type)} + ch.h)"
                    difference = f"({left} - {right})"
                    scaled_difference = f"({difference} * 10)" if self.d.scaled else difference
                    condition = f"(abs({scaled_difference}) <= {tolerance})"
                    tolerance_shown = self._shown(tolerance, shown, stored + 1)
                else:
                    difference = f"({left} - {right})"
                    condition = f"({left} = {right})"
                    tolerance_shown = self._shown("0", shown)
                values = {
                    "ordinal": f"{base} + ch.first * 64 + {column_number}",
                    "check_key": f"{literal(f'hierarchy.{table.key}.', self.d.name)} || ch.parent_key",
                    "severity": "'error'",
                    "position": f"CAST({literal(column.key, self.d.name)} AS {self.d.text_type})",
                    "position_label": literal(" / ".join(column.labels), self.d.name),
                    "section_key": literal(table.section, self.d.name) if table.section else "NULL",
                    "table_key": literal(table.key, self.d.name),
                    "status": _status(condition, true, false),
                    "op": "'=='",
                    "left_value": self._shown(left, shown, stored),
                    "right_value": self._shown(right, shown, stored),
                    "difference": self._shown(difference, shown, stored),
                    "tolerance": tolerance_shown,
                    "left_text": f"CAST(NULL AS {self.d.text_type})",
                    "right_text": f"CAST(NULL AS {self.d.text_type})",
                    "rule_zh": "NULL",
                    "rule_en": "NULL",
                }
                source = (
                    f"{children} AS ch JOIN {members} AS pr"
                    " ON pr.report_id = ch.report_id AND pr.member_key = ch.parent_key"
                )
                listed = ", ".join(f"{values[n]} AS {n}" for n in _result_names())
                out.append(f"SELECT ch.report_id AS report_id, {listed} FROM {source}")
        return out


def _status(condition: str, true: str, false: str) -> str:
    return f"CASE {condition} WHEN {true} THEN 'pass' WHEN {false} THEN 'fail' ELSE 'unverifiable' END"


def _result_names() -> Sequence[str]:
    return RESULT_COLUMNS[1:]


def emit(spec: ir.Spec) -> Files:
    """``gaidsl build -t sql``: for a spec with open dimensions, per dialect the reports table and the member tables
    (``schema.sql``) and ``CREATE VIEW validation`` over them (``validation.sql``); any other spec as before."""
    if not spec.open_dimensions:
        return T.emit(spec)
    files: dict[str, str] = {}
    for name in DIALECTS:
        found = OpenSql(spec, name)
        tables = [ddl(found.stand, name), *(f"{s};\n" for s in found.ddl("reports", temporary=False))]
        files[f"{name}/schema.sql"] = "\n".join(tables)
        head = (
            f"-- {comment(spec.id)} version {comment(spec.version)}: every check at every position, one row per "
            "(report, check, position), over the reports table and the member tables reports_m<i> (open rows).\n"
            "-- Generated by gaidsl; do not edit. Order by report_id, ordinal for the evaluator's order.\n"
        )
        files[f"{name}/validation.sql"] = (
            f"{head}CREATE VIEW validation AS\n{found.validation('reports', 'reports')};\n"
        )
    dims = OpenSql(spec, "duckdb")
    lines = [
        f"# SQL for {spec.title or spec.id} ({spec.id} version {spec.version}), a format with open rows",
        "",
        "Generated by gaidsl. Per engine (duckdb, postgres, sqlite): `schema.sql` creates `reports` (one row per",
        "report: its fixed cells; the columns of the open rows' cells stay NULL there) and one member table per open",
        "dimension; `validation.sql` creates the view `validation` (one row per report, check and position, as for",
        "any spec). Member tables: `report_id`, `member_key`, `ordinal` (the report's order, from 0), `parent_key`",
        "(a coded hierarchy's entered parent, else NULL), `summed` (1 when a total over the rows adds the member:",
        "every member, or in a coded hierarchy those without an entered parent), then a column per cell of the open",
        "row, named by the cell's key with the dimension in angle brackets (`requests.<component>.received`).",
        "",
        *(f"- `reports_m{i}`: open dimension `{d}`" for i, d in enumerate(dims.dims)),
        "",
    ]
    files["README.md"] = "\n".join(lines)
    return files


TARGET = attrs.evolve(T.TARGET, emit=emit, open_dimensions=True)
"""The sql target as the registry lists it (targets/registry.py)."""
