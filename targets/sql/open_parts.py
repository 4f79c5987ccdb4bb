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

import textwrap
from collections.abc import Callable, Sequence
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
    Dialect,
    Unsupported,
    amount_scale,
    comment,
    dialect,
    ident,
    layout,
    literal,
)
from gaidsl.targets.sql.target import Branch, Expressions, branches, ddl

MEMBER_SHIFT = 1 << 20  # ordinal = check position × 2^20 + the member's place in the report
TABLE_SHIFT = 1 << 40  # a coded hierarchy's rows: after every check, per table


def member_table(reports: str, index: int) -> str:
    return f"{reports}_m{index}"


def stand_in_spec(spec: ir.Spec) -> ir.Spec:
    """``spec`` closed with each slot as its one member: its cells are the fixed cells and the slot cells."""
    return close(spec, {d: (EnteredMember(o.slot, o.slot),) for d, o in spec.open_dimensions.items()})


class SlackExpressions(Expressions):
    """Expressions over a row whose ``slack_keys`` cells are computed (a sum over members, an aggregate over
    records): their half units come computed too, in a column ``<cell>#slack`` of the same row."""

    def __init__(
        self,
        spec: ir.Spec,
        d: Dialect,
        columns: Sequence[Column],
        tolerance: Decimal | None,
        slack_keys: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(spec, d, columns, tolerance)
        self.slack_keys = slack_keys

    def _half_unit(self, ref: ir.CellRef | ir.FieldRef, scale: int) -> str:
        if not isinstance(ref, ir.CellRef) or ref.cell not in self.slack_keys:
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


# ---- what the child tables of open rows and of lists of records share (targets/sql/records.py uses them too)


def child_ddl(table: str, columns: Sequence[Column], temporary: bool) -> str:
    """``CREATE TABLE`` of a child table (members or records) with ``columns``."""
    listed = ",\n  ".join(f"{c.quoted} {c.sql_type}" + (f" CHECK ({c.check})" if c.check else "") for c in columns)
    return f"CREATE {'TEMPORARY ' if temporary else ''}TABLE {table} (\n  {listed}\n)"


def half_unit(d: Dialect, sql: str, places_sql: str | None, cell_type: ir.CellType) -> str:
    """Half a unit in the last reported place of the amount ``sql`` (at the stored scale + 1 where amounts are
    scaled); 0 if blank. ``places_sql``: its places column, where the dialect keeps one."""
    stored = amount_scale(cell_type)
    if d.amounts == "numeric":
        return f"COALESCE(0.5 * power(10::numeric, -scale({sql})), 0)"
    assert places_sql is not None
    if d.amounts == "scaled":
        whens = " ".join(f"WHEN {p} THEN {5 * 10 ** (stored - p)}" for p in range(stored + 1))
        return f"COALESCE(CASE {places_sql} {whens} END, 0)"
    typed = f"DECIMAL(38, {stored + 1})"
    whens = " ".join(f"WHEN {p} THEN CAST('{Decimal((0, (5,), -p - 1)):f}' AS {typed})" for p in range(stored + 1))
    return f"COALESCE(CASE {places_sql} {whens} END, CAST(0 AS {typed}))"


def shown_value(d: Dialect, sql: str, shown: str, scale: int = 0) -> str:
    """A value as the view shows it: SQLite's scaled integers as REAL, elsewhere cast to the shown decimal type."""
    if d.scaled:
        return f"(CAST({sql} AS REAL) / {10**scale})" if scale else sql
    return f"CAST({sql} AS {shown})"


def status(condition: str, d: Dialect) -> str:
    true, false = d.true_false
    return f"CASE {condition} WHEN {true} THEN 'pass' WHEN {false} THEN 'fail' ELSE 'unverifiable' END"


def count_values(d: Dialect, instance: ir.CheckInstance, values: dict[str, str], count: str, shown: str) -> None:
    """``values`` of a rule on how many members or records a report has (``count``: their number in SQL)."""
    expr = instance.expr
    assert isinstance(expr, ir.Compare) and isinstance(expr.right, ir.Const)
    bound = int(expr.right.value)
    op = {"==": "=", "!=": "<>"}.get(expr.op, expr.op)
    values["status"] = status(f"({count} {op} {bound})", d)
    values["left_value"] = shown_value(d, count, shown)
    values["right_value"] = shown_value(d, str(bound), shown)
    values["difference"] = shown_value(d, f"({count} - {bound})", shown)
    values["tolerance"] = shown_value(d, "0", shown)


def select(values: dict[str, str], source: str, where: str | None = None, alias: str = "r") -> str:
    """One ``SELECT`` of the view: a row per row of ``source`` (kept by ``where``), its columns ``values``."""
    listed = ", ".join(f"{values[n]} AS {n}" for n in RESULT_COLUMNS[1:])
    return f"SELECT {alias}.report_id AS report_id, {listed} FROM {source}" + (f" WHERE {where}" if where else "")


def dialect_files(spec: ir.Spec, made: Callable[[str], tuple[list[str], str]], over: str) -> dict[str, str | bytes]:
    """``schema.sql`` and ``validation.sql`` per dialect: ``made(dialect)`` gives the ``CREATE TABLE`` statements
    and the validation query; ``over`` says what the view reads."""
    files: dict[str, str | bytes] = {}
    for name in DIALECTS:
        tables, view = made(name)
        files[f"{name}/schema.sql"] = "\n".join(tables)
        head = (
            f"-- {comment(spec.id)} version {comment(spec.version)}: every check at every position, one row per "
            f"(report, check, position), over {over}.\n"
            "-- Generated by gaidsl; do not edit. Order by report_id, ordinal for the evaluator's order.\n"
        )
        files[f"{name}/validation.sql"] = f"{head}CREATE VIEW validation AS\n{view};\n"
    return files


def readme(spec: ir.Spec, what: str, body: str, tables: Sequence[str]) -> str:
    """The README.md of the built SQL: a title saying ``what`` the format has, the paragraph ``body``, then a line
    per table."""
    title = f"# SQL for {spec.title or spec.id} ({spec.id} version {spec.version}), {what}"
    wrapped = textwrap.wrap(body, 112, break_long_words=False, break_on_hyphens=False)
    return "\n".join([title, "", *wrapped, "", *tables, ""])


class OpenSql:
    """The tables and the validation query of ``spec`` (with open dimensions) in ``dialect_name``."""

    def __init__(self, spec: ir.Spec, dialect_name: str) -> None:
        self.spec = spec
        self.d = dialect(dialect_name)
        self.dims = list(spec.open_dimensions)
        self.stand = stand_in_spec(spec)
        self.columns = layout(self.stand, dialect_name)
        self.slots = {o.slot: d for d, o in spec.open_dimensions.items()}  # slot → dimension
        self.slot_of: dict[str, str] = {}  # slot cell key → dimension
        for key, cell in spec.cells.items():
            if cell.row is not None and cell.row in self.slots:
                self.slot_of[key] = self.slots[cell.row]
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
        self.named: dict[str, str] = {}  # the relations the query's SELECTs share (:meth:`shared`): SQL → name

    def shared(self, relation: str) -> str:
        """The name by which the query's SELECTs read ``relation`` (a parenthesized ``SELECT``): one ``WITH`` of
        :meth:`query`, which the engine binds once, not once per check position that reads it (the member rows,
        the sums over them: DuckDB binds and plans a prepared query again at each execution)."""
        return self.named.setdefault(relation, f"gaidsl_with{len(self.named)}")

    def query(self, selects: Sequence[str]) -> str:
        """The validation query: the shared relations (:meth:`shared`) in a ``WITH``, then ``selects`` joined by
        ``UNION ALL``; the shared relations are forgotten (the next query names its own)."""
        named, self.named = self.named, {}
        body = "\nUNION ALL\n".join(selects)
        if not named:
            return body
        listed = ",\n".join(f"{name} AS {relation}" for relation, name in named.items())
        return f"WITH {listed}\n{body}"

    def member_columns(self, dimension: str) -> list[Column]:
        return [*self.head, *(c for c in self.slot_columns[dimension] if c.role in ("cell", "places"))]

    def ddl(self, reports: str, temporary: bool) -> list[str]:
        """``CREATE TABLE`` of each member table (the reports table is the stand-in spec's)."""
        return [
            child_ddl(member_table(reports, index), self.member_columns(d), temporary)
            for index, d in enumerate(self.dims)
        ]

    def compiler(
        self, spec: ir.Spec, columns: Sequence[Column], computed: frozenset[str] = frozenset()
    ) -> Callable[[ir.Check, ir.CheckInstance], Expressions]:
        """The compiler of each position of ``spec`` (the stand-in spec, or one with more cells over the same
        reports): a slot cell is the member's own at a member's position, else the sum over the members (its half
        units summed); ``computed`` cells have their half units computed everywhere."""
        slot_keys = frozenset(self.slot_of)

        def make(check: ir.Check, instance: ir.CheckInstance) -> Expressions:
            summed = computed if instance.position in self.slots else computed | slot_keys
            return SlackExpressions(spec, self.d, columns, check.tolerance, summed)

        return make

    # ---- relations
    def rows(self, reports: str, index: int) -> str:
        """Each member of each report with the report's fixed columns."""
        d = self.dims[index]
        fixed = ", ".join(f"r0.{c.quoted}" for c in self.fixed)
        slot = ", ".join(f"m.{c.quoted}" for c in self.slot_columns[d])
        return (
            f"(SELECT {fixed}, {slot}, m.member_key AS {ident('#member')}, m.ordinal AS {ident('#ordinal')} "
            f"FROM {reports} AS r0 JOIN {member_table(reports, index)} AS m ON m.report_id = r0.report_id)"
        )

    def _places(self, alias: str, key: str) -> str | None:
        found = [c for c in self.columns if c.role == "places" and c.key == key]
        return f"{alias}.{found[0].quoted}" if found else None

    def sums(self, reports: str, unknown: bool = True) -> str:
        """Each report's fixed columns (``unknown``: with its unknown keys) with the sums over its members (and their
        counts)."""
        parts = [f"r0.{c.quoted}" for c in self.fixed if unknown or c.role != "unknown"]
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
                    half = half_unit(self.d, f"m.{c.quoted}", self._places("m", c.key), c.cell_type)
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
        compiled = {
            id(b.instance): b for b in branches(self.stand, self.d.name, self.compiler(self.stand, self.columns))
        }
        return self.query(self.selects(reports, previous, compiled)[0])

    def selects(self, reports: str, previous: str, compiled: dict[int, Branch]) -> tuple[list[str], int]:
        """The ``SELECT`` of each check of the stand-in spec and of each coded hierarchy's check (``compiled``: the
        stand-in's checks as :meth:`compiler` makes them, by ``id`` of the instance); and the first ordinal after
        theirs."""
        shown = self.d.shown_decimal.format(scale=20)
        selects: list[str] = []
        number = 0
        for check in self.stand.checks:
            for instance in check.instances:
                number += 1
                b = compiled[id(instance)]
                values = dict(b.values)
                ordinal = str(number * MEMBER_SHIFT)
                if check.origin == "members":
                    index = self.dims.index(check.key.split(".")[1])
                    count_values(self.d, instance, values, f"r.{ident(f'#count{index}')}", shown)
                    source = f"{self.shared(self.sums(reports))} AS r"
                elif instance.position is not None and instance.position in self.slots:
                    index = self.member_index(check, instance)
                    source = f"{self.shared(self.rows(reports, index))} AS r"
                    if b.previous:
                        source += self.previous_rows(previous, index)
                    ordinal = f"{ordinal} + r.{ident('#ordinal')}"
                    values["position"] = f"r.{ident('#member')}"
                elif self.slots_read(instance.expr):
                    source = f"{self.shared(self.sums(reports))} AS r"
                    if b.previous:
                        source += f" LEFT JOIN {self.shared(self.sums(previous))} AS p ON p.report_id = r.previous_id"
                else:
                    source = f"{reports} AS r"
                    if b.previous:
                        source += f" LEFT JOIN {previous} AS p ON p.report_id = r.previous_id"
                values["ordinal"] = ordinal
                selects.append(select(values, source))
        selects.extend(self._hierarchies(reports, number, shown))
        return selects, (number + 1 + len(self.spec.tables)) * TABLE_SHIFT

    def member_index(self, check: ir.Check, instance: ir.CheckInstance) -> int:
        """The open dimension whose members ``instance`` (at the slot) stands for; GAI611 if it reads a sum over
        members of another at each member."""
        assert instance.position is not None
        index = self.dims.index(self.slots[instance.position])
        if self.slots_read(instance.expr) - {self.dims[index]}:
            raise Unsupported(f"GAI611: check {check.key!r} reads a sum over members at each member")
        return index

    def previous_rows(self, previous: str, index: int) -> str:
        """The join of each member's row with the same member's row in last year's report."""
        return (
            f" LEFT JOIN {self.shared(self.rows(previous, index))} AS p ON p.report_id = r.previous_id"
            f" AND p.{ident('#member')} = r.{ident('#member')}"
        )

    def slots_read(self, expr: ir.BoolExpr) -> set[str]:
        return {self.slot_of[n.cell] for n in ir.walk(expr) if isinstance(n, ir.CellRef) and n.cell in self.slot_of}

    def _hierarchies(self, reports: str, checks: int, shown: str) -> list[str]:
        out = []
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
                    inner += f", sum({half_unit(self.d, f'm.{col}', self._places('m', key), cell_type)}) AS h"
                children = (
                    f"(SELECT report_id, parent_key, {inner} FROM {members} AS m WHERE parent_key IS NOT NULL "
                    "GROUP BY report_id, parent_key)"
                )
                left, right = f"pr.{col}", "(CASE WHEN ch.n = ch.nc THEN ch.s END)"
                if amount:
                    tolerance = f"({half_unit(self.d, left, self._places('pr', key), cell_type)} + ch.h)"
                    difference = f"({left} - {right})"
                    scaled_difference = f"({difference} * 10)" if self.d.scaled else difference
                    condition = f"(abs({scaled_difference}) <= {tolerance})"
                    tolerance_shown = shown_value(self.d, tolerance, shown, stored + 1)
                else:
                    difference = f"({left} - {right})"
                    condition = f"({left} = {right})"
                    tolerance_shown = shown_value(self.d, "0", shown)
                values = {
                    "ordinal": f"{base} + ch.first * 64 + {column_number}",
                    "check_key": f"{literal(f'hierarchy.{table.key}.', self.d.name)} || ch.parent_key",
                    "severity": "'error'",
                    "position": f"CAST({literal(column.key, self.d.name)} AS {self.d.text_type})",
                    "position_label": literal(" / ".join(column.labels), self.d.name),
                    "section_key": literal(table.section, self.d.name) if table.section else "NULL",
                    "table_key": literal(table.key, self.d.name),
                    "status": status(condition, self.d),
                    "op": "'=='",
                    "left_value": shown_value(self.d, left, shown, stored),
                    "right_value": shown_value(self.d, right, shown, stored),
                    "difference": shown_value(self.d, difference, shown, stored),
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
                out.append(select(values, source, alias="ch"))
        return out


def emit(spec: ir.Spec) -> Files:
    """``gaidsl build -t sql``: for a spec with open dimensions, per dialect the reports table and the member tables
    (``schema.sql``) and ``CREATE VIEW validation`` over them (``validation.sql``); any other spec as before."""
    if not spec.open_dimensions:
        return T.emit(spec)

    def made(name: str) -> tuple[list[str], str]:
        found = OpenSql(spec, name)
        tables = [ddl(found.stand, name), *(f"{s};\n" for s in found.ddl("reports", temporary=False))]
        return tables, found.validation("reports", "reports")

    files = dialect_files(spec, made, "the reports table and the member tables reports_m<i> (open rows)")
    files["README.md"] = readme(
        spec,
        "a format with open rows",
        (
            "Generated by gaidsl. Per engine (duckdb, postgres, sqlite): `schema.sql` creates `reports` (one row "
            "per report: its fixed cells; the columns of the open rows' cells stay NULL there) and one member "
            "table per open dimension; `validation.sql` creates the view `validation` (one row per report, check "
            "and position, as for any spec). Member tables: `report_id`, `member_key`, `ordinal` (the report's "
            "order, from 0), `parent_key` (a coded hierarchy's entered parent, else NULL), `summed` (1 when a "
            "total over the rows adds the member: every member, or in a coded hierarchy those without an entered "
            "parent), then a column per cell of the open row, named by the cell's key with the dimension in angle "
            "brackets (`requests.<component>.received`)."
        ),
        [f"- `reports_m{i}`: open dimension `{d}`" for i, d in enumerate(spec.open_dimensions)],
    )
    return files


TARGET = attrs.evolve(T.TARGET, emit=emit, open_dimensions=True)
"""The sql target as the registry lists it (targets/registry.py)."""
