"""Running validation on a database engine: load reports into the SQL target's tables, run its validation view.

Engines: ``duckdb`` (in process; ``url`` a database file, default in memory), ``postgres`` (``url`` a libpq
connection string such as ``postgresql://user@host/db``), ``sqlite`` (``url`` a file, default in memory). Tables
are temporary (``gaidsl_reports``, ``gaidsl_previous``) and the validation query is run inline: nothing is left
behind and runs in parallel don't meet.

Two ways in: :func:`validate` takes :class:`~gaidsl.checking.report.Report` objects and gives one
:class:`~gaidsl.checking.evaluate.Evaluation` per report in the reference evaluator's record shape;
:func:`gaidsl.engines.wide_csv.load_wide_csv` plus :meth:`Database.rows` or :meth:`Database.failures` take a
*wide CSV* (one report per line) straight into the engine, for batches of millions;
:func:`gaidsl.engines.wide_csv.wide_csv_failures` gives the failures of such a file without a table (DuckDB: one pass
over the file).

:meth:`Database.validate` goes through :meth:`Database.validation_of`: on DuckDB a small report of a spec with open
rows or records is given to the validation query itself, not loaded (docs/open-dimensions.md#validation-time).

Statuses always come from the SQL. In an Evaluation the values shown (and the message) are read from the report
with exact decimals, as the evaluator writes them; for a single comparison the SQL's two sides are checked to agree
with them, and :class:`EngineMismatch` is raised if they don't.
"""

from __future__ import annotations

import datetime
import decimal
import importlib.util
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from gaidsl.checking.coded_checks import summed as summed_members
from gaidsl.checking.evaluate import (
    PRECISION,
    CheckResult,
    Comparison,
    Evaluation,
    Involved,
    Status,
    check_result,
    evaluate_each,
    last_years_by_name,
)
from gaidsl.checking.evaluate import (
    Env as _Env,
)
from gaidsl.checking.open_members import absent_last_year, close, new_this_year
from gaidsl.checking.records import close_records
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, Report
from gaidsl.checking.required import Absent, Presence, absent_from, absent_items
from gaidsl.engines.names import ALL_ENGINES as ALL_ENGINES
from gaidsl.engines.names import ENGINES as ENGINES
from gaidsl.language import ir
from gaidsl.language.arithmetic import REFUSING_ENGINES, first_arith_check
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.formats import full_match
from gaidsl.targets.python import open_parts as python_target
from gaidsl.targets.sql.arithmetic import has_arith, register_sqlite_functions
from gaidsl.targets.sql.dialects import RESULT_COLUMNS, Column, Dialect, dialect, layout, places
from gaidsl.targets.sql.open_parts import OpenSql, member_table
from gaidsl.targets.sql.records import RecordsSql, record_table
from gaidsl.targets.sql.required import presence_sql
from gaidsl.targets.sql.target import Branch, arith_refusal, ddl, validation_sql
from gaidsl.targets.sql.target import branches as sql_branches

REPORTS, PREVIOUS = "gaidsl_reports", "gaidsl_previous"
MASK_BITS = 62
"""Check positions per BIGINT mask (a sum of distinct powers of two below 2^62): see :func:`mask_sql`."""


def mask_words(found: Sequence[Branch]) -> list[Sequence[Branch]]:
    """The check positions in words of :data:`MASK_BITS`, one BIGINT mask each."""
    return [found[i : i + MASK_BITS] for i in range(0, len(found), MASK_BITS)]


def mask_sql(word: Sequence[Branch]) -> str:
    """SQL: the mask of a word's failing positions (a FALSE condition sets its bit; NULL, unverifiable, does not)."""
    return " + ".join(
        f"(CASE WHEN NOT ({b.condition}) THEN CAST({1 << j} AS BIGINT) ELSE 0 END)" for j, b in enumerate(word)
    )


def unmask(words: Sequence[Sequence[Branch]], masks: Iterable[int]) -> Iterator[Branch]:
    """The failing positions of a report's masks, in spec order."""
    for word, mask in zip(words, masks, strict=True):
        while mask:
            low = mask & -mask
            yield word[low.bit_length() - 1]
            mask ^= low


class EngineMismatch(AssertionError):
    """The SQL and the report's own values disagree: a bug in the SQL target, never a property of the data."""


@attrs.frozen
class Row:
    """One row of the validation view."""

    report_id: str
    ordinal: int
    check: str
    severity: str
    position: str | None
    status: Status
    op: str | None
    left: Decimal | float | None
    right: Decimal | float | None
    difference: Decimal | float | None
    tolerance: Decimal | float | None
    left_text: str | None
    right_text: str | None


# ---------------------------------------------------------------------------------------------------- rows of values


def _cell_value(column: Column, value: object, d: Dialect) -> object:
    if not isinstance(value, Decimal | str):
        return None
    if isinstance(value, str) and "\x00" in value and d.nul_replacement is not None:
        raise ValueError(f"{column.key}: PostgreSQL text cannot hold the NUL character")
    kind = column.cell_type.kind
    if column.role == "places":
        return places(value) if isinstance(value, Decimal) else None
    if kind in ("count", "integer"):
        return int(value)
    if kind == "amount":
        assert isinstance(value, Decimal)
        if d.amounts != "numeric" and places(value) > column.scale:
            raise ValueError(f"{column.key}: {value} has more than the {column.scale} decimal places stored")
        return int(value.scaleb(column.scale)) if d.scaled else value
    if kind == "date" and not d.dates_as_text and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def report_row(
    columns: Sequence[Column], dialect_name: str, report_id: str, report: Report, previous_id: str | None = None
) -> tuple[object, ...]:
    """The values of one report for the reports table, in column order."""
    d = dialect(dialect_name)
    out: list[object] = []
    unknown: list[str] = []
    for column in columns:
        role = column.role
        if role == "id":
            out.append(report_id)
        elif role == "previous":
            out.append(previous_id)
        elif role == "format":
            out.append(report.format)
        elif role == "version":
            out.append(report.version)
        elif role == "unknown":
            out.append(json.dumps(unknown, ensure_ascii=False) if d.unknown_as_json else unknown)
        else:
            if role == "text":
                value: object = report.texts.get(column.key, BLANK)
                name = f"texts.{column.key}"
            elif role == "field" or (role == "places" and "." not in column.key):
                value = report.fields.get(column.key, BLANK)
                name = f"fields.{column.key}"
            else:
                value = report.values.get(column.key, BLANK)
                name = column.key
            if value is UNKNOWN and role != "places":
                unknown.append(name)
            out.append(_cell_value(column, value, d))
    return tuple(out)


# ---------------------------------------------------------------------------------------------------- databases


class Database:
    """A connection with the spec's temporary tables and validation view."""

    dialect = ""
    """The engine's SQL dialect by name (each subclass sets it); :attr:`sql` is its record."""

    def __init__(self, spec: ir.Spec, connection: Any) -> None:
        self.spec = spec
        self.connection = connection
        # lists of records: a table per list, beside the member tables of open rows (targets/sql/records.py)
        self.records = RecordsSql(spec, self.dialect) if spec.records else None
        # open rows: a member table per open dimension (targets/sql/open_parts.py)
        self.open = self.records.open if self.records is not None else None
        if spec.open_dimensions and self.records is None:
            self.open = OpenSql(spec, self.dialect)
        tabled = self.records.stand if self.records is not None else self.open.stand if self.open is not None else spec
        self.columns = layout(tabled, self.dialect)
        for table in (REPORTS, PREVIOUS):
            self.script(ddl(tabled, self.dialect, table=table, temporary=True))
            if self.records is not None:
                children = self.records.ddl(table, temporary=True)  # the member tables too
            else:
                children = self.open.ddl(table, temporary=True) if self.open is not None else []
            for statement in children:
                self.script(statement)
        # queried inline, not through a view: DuckDB binds a view of many checks when it is created *and* when it
        # is read, and the binding is most of the time a small batch takes
        if self.records is not None:
            query = self.records.validation(REPORTS, PREVIOUS)
        elif self.open is not None:
            query = self.open.validation(REPORTS, PREVIOUS)
        else:
            query = validation_sql(spec, self.dialect, REPORTS, PREVIOUS, view=None)
        self.validation = "(" + query + ") AS v"

    @property
    def sql(self) -> Dialect:
        """What the engine's SQL dialect is like (:mod:`gaidsl.targets.sql.dialects`)."""
        return dialect(self.dialect)

    def script(self, sql: str) -> None:
        self.connection.execute(sql)

    def insert(self, table: str, rows: Iterable[tuple[object, ...]], columns: Sequence[Column] | None = None) -> None:
        columns = self.columns if columns is None else columns
        names = ", ".join(c.quoted for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))

    def load(
        self, reports: Iterable[tuple[str, Report, str | None]], previous: Iterable[tuple[str, Report]] = ()
    ) -> None:
        """Insert ``(report_id, report, previous_id)`` and last year's reports ``(report_id, report)``."""
        for table, rows, columns in self.table_rows(reports, previous):
            self.insert(table, rows, columns)

    def table_rows(
        self, reports: Iterable[tuple[str, Report, str | None]], previous: Iterable[tuple[str, Report]] = ()
    ) -> list[tuple[str, list[tuple[object, ...]], Sequence[Column]]]:
        """What :meth:`load` inserts: ``(table, rows, columns)`` for every table, member and record tables first."""
        reports, previous = list(reports), list(previous)
        out: list[tuple[str, list[tuple[object, ...]], Sequence[Column]]] = []
        if self.open is not None:
            out += self._members(PREVIOUS, previous)
            out += self._members(REPORTS, [(i, r) for i, r, _ in reports])
        if self.records is not None:
            out += self._records(PREVIOUS, previous)
            out += self._records(REPORTS, [(i, r) for i, r, _ in reports])
        out.append((PREVIOUS, [report_row(self.columns, self.dialect, i, r) for i, r in previous], self.columns))
        out.append((REPORTS, [report_row(self.columns, self.dialect, i, r, p) for i, r, p in reports], self.columns))
        return out

    def validation_of(
        self,
        reports: Iterable[tuple[str, Report, str | None]],
        previous: Iterable[tuple[str, Report]] = (),
        status: str | None = None,
    ) -> list[Row]:
        """The rows of the validation of ``reports`` (as :meth:`load` takes them; ``status``: as :meth:`rows`): the
        tables cleared and loaded with them, then read (:class:`DuckDB` reads them without the tables, for a spec
        with open rows or records)."""
        self.clear()
        self.load(reports, previous)
        return self.rows(status)

    def _members(
        self, table: str, reports: Sequence[tuple[str, Report]]
    ) -> list[tuple[str, list[tuple[object, ...]], Sequence[Column]]]:
        """The member tables of open dimensions (targets/sql/open_parts.py): a row per (report, member)."""
        assert self.open is not None
        d = dialect(self.dialect)
        out: list[tuple[str, list[tuple[object, ...]], Sequence[Column]]] = []
        for index, dimension in enumerate(self.open.dims):
            opened = self.spec.open_dimensions[dimension]
            columns = self.open.member_columns(dimension)
            rows = []
            for report_id, report in reports:
                entered = report.members.get(dimension, ())
                keys = {m.key for m in entered}
                summed = {m.key for m in summed_members(opened, entered)}
                for ordinal, member in enumerate(entered):
                    parent = opened.coded.parent_of(member.key) if opened.coded is not None else None
                    row: list[object] = [
                        report_id,
                        member.key,
                        ordinal,
                        parent if parent in keys else None,
                        int(member.key in summed),
                    ]
                    for column in columns[len(row) :]:
                        cell = self.spec.cells[column.key]
                        value = report.values.get(f"{cell.table}.{member.key}.{cell.column}", BLANK)
                        row.append(_cell_value(column, value, d))
                    rows.append(tuple(row))
            out.append((member_table(table, index), rows, columns))
        return out

    def _records(
        self, table: str, reports: Sequence[tuple[str, Report]]
    ) -> list[tuple[str, list[tuple[object, ...]], Sequence[Column]]]:
        """The tables of lists of records (targets/sql/records.py): a row per (report, record)."""
        assert self.records is not None
        return [
            (
                record_table(table, index),
                record_rows(self.records, key, self.dialect, reports),
                self.records.record_columns(key),
            )
            for index, key in enumerate(self.records.lists)
        ]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql).fetchall())

    def rows(self, status: str | None = None) -> list[Row]:
        """Every row of the validation view (or those of one status), by report and spec order."""
        where = f" WHERE status = '{status}'" if status in ("pass", "fail", "unverifiable") else ""
        columns = ", ".join(n for n in RESULT_COLUMNS[:16])
        found = self.validation_rows(f"SELECT {columns} FROM {self.validation}{where} ORDER BY report_id, ordinal")
        return [Row(r[0], r[1], r[2], r[3], r[4], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]) for r in found]

    def validation_rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of a query of the validation (:meth:`rows`)."""
        return self.query(sql)

    def clear(self) -> None:
        for table in (REPORTS, PREVIOUS):
            self.connection.execute(f"DELETE FROM {table}")
            for index in range(len(self.open.dims) if self.open is not None else 0):
                self.connection.execute(f"DELETE FROM {member_table(table, index)}")
            for index in range(len(self.records.lists) if self.records is not None else 0):
                self.connection.execute(f"DELETE FROM {record_table(table, index)}")

    def validate(
        self, reports: Sequence[Report] | Mapping[str, Report], previous: Report | Mapping[str, Report] | None = None
    ) -> list[Evaluation]:
        """Replace the tables' contents by ``reports`` (and last year's) and validate: see :func:`validate`."""
        items = list(reports.items()) if isinstance(reports, Mapping) else [(str(i), r) for i, r in enumerate(reports)]
        if isinstance(previous, Report):
            last_years: dict[str, Report] = {"previous": previous}
            links = {i: "previous" for i, _ in items}
        else:
            last_years = {f"previous:{i}": r for i, r in (previous or {}).items()}
            links = {i: f"previous:{i}" for i, _ in items if f"previous:{i}" in last_years}
        by_report: dict[str, list[Row]] = {}
        for row in self.validation_of(((i, r, links.get(i)) for i, r in items), last_years.items()):
            by_report.setdefault(row.report_id, []).append(row)
        exact = not self.sql.scaled  # SQLite shows REAL values: the sides are not compared
        if self.open is not None or self.records is not None:  # each report's own closed spec: its members as
            out = []  # rows, its records as rows and its aggregates decided; members new this year said so
            for i, report in items:
                last = last_years.get(links.get(i, ""))
                closed = close_records(close(self.spec, report.members), report)
                lacking = absent_items(closed, report)
                found = evaluation(closed, report, last, by_report.get(i, []), exact, lacking)
                new = new_this_year(self.spec, report.members, last.members) if last is not None else {}
                out.append(attrs.evolve(found, results=_new_members(found.results, closed, new)) if new else found)
            return out
        absent = self.absent()
        return [
            evaluation(self.spec, report, last_years.get(links.get(i, "")), by_report.get(i, []), exact, absent[i])
            for i, report in items
        ]

    def absent(self, table: str = REPORTS) -> dict[str, tuple[Absent, ...]]:
        """The required items each report of ``table`` lacks or gives as unknown, by report id (the SQL of
        :func:`gaidsl.targets.sql.required.presence_sql`)."""
        found = presence_sql(self.spec, self.dialect)
        select = "".join(f", {sql}" for _, sql in found)
        out: dict[str, tuple[Absent, ...]] = {}
        for report_id, *statuses in self.query(f"SELECT r.report_id{select} FROM {table} AS r"):
            said: list[Presence] = list(statuses)
            out[report_id] = absent_from((r for r, _ in found), said, self.spec.language)
        return out

    def count(self, status: str) -> int:
        return int(self.query(f"SELECT count(*) FROM {self.validation} WHERE status = '{status}'")[0][0])

    def failures(self) -> list[tuple[str, str, str | None]]:
        """``(report_id, check, position)`` of every failing check position."""
        if not self.plain:
            found = self.query(f"SELECT report_id, check_key, position FROM {self.validation} WHERE status = 'fail'")
            return [(r[0], r[1], r[2]) for r in found]
        words, query = self.findings()
        return [(row[0], b.check.key, b.instance.position) for row in self.query(query) for b in unmask(words, row[1:])]

    @property
    def plain(self) -> bool:
        """The spec has neither open dimensions nor lists of records: a report is one row of the reports table."""
        return self.open is None and self.records is None

    def findings(
        self, where: str = "TRUE", extra: Sequence[tuple[str, str]] = ()
    ) -> tuple[list[Sequence[Branch]], str]:
        """A plain spec's (:attr:`plain`) check positions in words (:func:`mask_words`) and the SQL of one row per
        report of the reports table (those ``where`` says, of its columns) with a failing position or with any of
        the ``extra`` findings: its report_id, a mask per word (:func:`unmask`), then each extra's value. ``extra``:
        (SQL over the report ``r`` and last year's ``p``, the condition keeping a row with ``{}`` for its value).
        One pass over the table, one condition per position; only those reports come back (the validation view
        makes a row per report and position)."""
        found = sql_branches(self.spec, self.dialect)
        words = mask_words(found)
        select = [f"{mask_sql(w)} AS m{i}" for i, w in enumerate(words)]
        select += [f"{sql} AS x{i}" for i, (sql, _) in enumerate(extra)]
        keep = [f"m{i} <> 0" for i in range(len(words))] + [test.format(f"x{i}") for i, (_, test) in enumerate(extra)]
        names = ", ".join([f"m{i}" for i in range(len(words))] + [f"x{i}" for i in range(len(extra))]) or "NULL"
        rows = (
            f"SELECT r.report_id, {', '.join(select) or 'NULL AS nothing'} FROM (SELECT * FROM {REPORTS} "
            f"WHERE {where}) AS r LEFT JOIN {PREVIOUS} AS p ON p.report_id = r.previous_id"
        )
        return words, f"SELECT report_id, {names} FROM ({rows}) AS f WHERE {' OR '.join(keep) or 'FALSE'}"

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuckDB(Database):
    dialect = "duckdb"

    def __init__(self, spec: ir.Spec, connection: Any) -> None:
        super().__init__(spec, connection)
        # a query of the validation, or ("over data", status) for validation_of → its prepared statement's name
        self.prepared: dict[str | tuple[str, str | None], str] = {}

    def validation_rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The query prepared once (PREPARE) and executed (EXECUTE) for each load of the tables: parsing, binding
        and planning the validation's many checks is a large part of the time a small batch takes."""
        name = self.prepared.get(sql)
        if name is None:
            name = f"gaidsl_validation_{len(self.prepared)}"
            self.connection.execute(f"PREPARE {name} AS {sql}")
            self.prepared[sql] = name
        return list(self.connection.execute(f"EXECUTE {name}").fetchall())

    def validation_of(
        self,
        reports: Iterable[tuple[str, Report, str | None]],
        previous: Iterable[tuple[str, Report]] = (),
        status: str | None = None,
    ) -> list[Row]:
        """For a spec with open rows or records and a few rows, the reports' rows given to the validation query
        itself, the tables untouched: the query is prepared once with each table a relation of the same name in
        its ``WITH`` that unnests one list per column (``$1``, ``$2`` …), and ``EXECUTE`` is given those lists.
        Clearing the tables and loading them took 8 statements, each bound (docs/open-dimensions.md#validation-time).
        More rows, or a text the SQL literal cannot hold: the tables. A spec with neither: the tables, which
        :meth:`absent` reads."""
        if self.plain:
            return super().validation_of(reports, previous, status)
        tables = self.table_rows(reports, previous)
        try:
            if sum(len(rows) * len(columns) for _, rows, columns in tables) > _LITERAL_VALUES:
                raise _Unwritten
            # each list cast to its parameter's type: a list of another type (`[0]` is INTEGER[], `[NULL]` has
            # none) makes DuckDB bind and plan the whole query again at each EXECUTE (13.9 → 4.3 ms at 1 member)
            lists = [
                f"{_literal([row[place] for row in rows])}::{_base_type(column)}[]"
                for _, rows, columns in tables
                for place, column in enumerate(columns)
            ]
        except _Unwritten:
            self.clear()
            for table, rows, columns in tables:
                self.insert(table, rows, columns)
            return self.rows(status)
        key = ("over data", status)
        name = self.prepared.get(key)
        if name is None:
            relations, number = [], 0
            for table, _, columns in tables:
                listed = []
                for column in columns:
                    number += 1
                    listed.append(f"unnest(${number}::{_base_type(column)}[]) AS {column.quoted}")
                # MATERIALIZED: bound once, however many times the query names the table
                relations.append(f"{table} AS MATERIALIZED (SELECT {', '.join(listed)})")
            where = f" WHERE status = '{status}'" if status in ("pass", "fail", "unverifiable") else ""
            columns_sql = ", ".join(n for n in RESULT_COLUMNS[:16])
            select = f"SELECT {columns_sql} FROM {self.validation}{where} ORDER BY report_id, ordinal"
            query = f"WITH {', '.join(relations)} {select}"
            name = f"gaidsl_validation_{len(self.prepared)}"
            self.connection.execute(f"PREPARE {name} AS {query}")
            self.prepared[key] = name
        found = self.connection.execute(f"EXECUTE {name}({', '.join(lists)})").fetchall()
        return [Row(r[0], r[1], r[2], r[3], r[4], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]) for r in found]

    def insert(self, table: str, rows: Iterable[tuple[object, ...]], columns: Sequence[Column] | None = None) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]

        columns = self.columns if columns is None else columns
        data = list(rows)
        if not data:
            return
        if len(data) <= _FEW_ROWS:  # one statement with the values as parameters: no Arrow table to register
            names = ", ".join(c.quoted for c in columns)
            marks = "(" + ", ".join("?" for _ in columns) + ")"
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([marks] * len(data))
            self.connection.execute(sql, [x for row in data for x in row])
            return
        arrays = [pa.array([row[i] for row in data], type=_arrow_type(c)) for i, c in enumerate(columns)]
        self.connection.register("gaidsl_incoming", pa.Table.from_arrays(arrays, names=[c.name for c in columns]))
        try:
            self.connection.execute(f"INSERT INTO {table} SELECT * FROM gaidsl_incoming")
        finally:
            self.connection.unregister("gaidsl_incoming")


class _Unwritten(Exception):
    """A value :func:`_literal` does not write (a text holding NUL, which ends the SQL text for the parser)."""


def _literal(value: object) -> str:
    """A value of a table row, or a list of them, as a DuckDB SQL literal: a text quoted with its quotes doubled (a
    backslash is itself in DuckDB's strings), a number as its digits (a Decimal digit for digit, exact), a date
    as its ISO text (each cast in the query to the column's type)."""
    if value is None:
        return "NULL"
    if isinstance(value, list | tuple):
        return "[" + ", ".join([_literal(x) for x in value]) + "]"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    raise _Unwritten


def _base_type(column: Column) -> str:
    """A column's type without its constraints (``VARCHAR PRIMARY KEY`` → ``VARCHAR``)."""
    found = re.match(r"[A-Z]+[0-9]*(?:\([0-9, ]+\))?(?:\[\])*", column.sql_type)
    assert found is not None, column.sql_type
    return found.group(0)


_FEW_ROWS = 16
"""Rows DuckDB.insert writes with one INSERT … VALUES and parameters; more go through an Arrow table."""

_LITERAL_VALUES = 4000
"""Values (rows × columns over all tables) DuckDB.validation_of gives the query as literals; more are loaded into
the tables (bench/open_rows.py's report with last year's, CPU ms: 50 members, 1,138 values, 9.4
as literals against 22.9 through the tables; 100 members 12.8 against 25.2; 300 members, 6,638 values, 30.8
against 28.7; 1,000 members 95.8 against 46.4)."""


def _arrow_type(column: Column) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    sql_type = _base_type(column)
    if sql_type.startswith("DECIMAL"):
        return pa.decimal128(38, column.scale)
    return {
        "BIGINT": pa.int64(),
        "UTINYINT": pa.uint8(),
        "DATE": pa.date32(),
        "VARCHAR[]": pa.list_(pa.string()),
    }.get(sql_type, pa.string())


class Postgres(Database):
    dialect = "postgres"

    def insert(self, table: str, rows: Iterable[tuple[object, ...]], columns: Sequence[Column] | None = None) -> None:
        names = ", ".join(c.quoted for c in (self.columns if columns is None else columns))
        with self.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def script(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql.encode())  # bytes: no placeholders, so a '%' in a label is only a character


class SQLite(Database):
    dialect = "sqlite"

    def script(self, sql: str) -> None:
        self.connection.executescript(sql)


def sqlite_regexp(pattern: str | None, text: str | None) -> bool | None:
    """SQLite's ``text REGEXP pattern``: the evaluator's reading of a regular expression (the pattern is anchored)."""
    if pattern is None or text is None:
        return None
    return full_match(pattern, text)


def connect(spec: ir.Spec, engine: str = "duckdb", url: str | None = None) -> Database:
    """A fresh :class:`Database` for ``spec`` on ``engine``."""
    if engine == "duckdb":
        import duckdb

        return DuckDB(spec, duckdb.connect(url or ":memory:"))
    if engine == "postgres":
        import psycopg

        if not url:
            raise ValueError("the postgres engine needs a connection URL (postgresql://…)")
        return Postgres(spec, psycopg.connect(url, autocommit=True))
    if engine == "sqlite":
        import sqlite3

        connection = sqlite3.connect(url or ":memory:")
        # SQLite has no regular expressions of its own: ``X REGEXP P`` calls regexp(P, X) (field formats, issue 16)
        connection.create_function("regexp", 2, sqlite_regexp, deterministic=True)
        register_sqlite_functions(connection)  # exact big integers for arithmetic between cells (docs/arithmetic.md)
        return SQLite(spec, connection)
    raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")


# ---------------------------------------------------------------------------------------------------- evaluations


def evaluate_all(
    spec: ir.Spec,
    reports: Sequence[tuple[str, Report]],
    engine: str = "reference",
    url: str | None = None,
    previous: Report | Mapping[str, Report] | None = None,
) -> list[Evaluation]:
    """One Evaluation per ``(name, report)`` on any engine of :data:`ALL_ENGINES` (what `gaidsl validate --engine`
    runs); every engine gives the reference evaluator's records. ``previous``: last year's report for all of them,
    or each report's own by its name (a report missing from the mapping has none)."""
    if spec.records and engine not in ("reference", "python", *ENGINES):  # SQL: targets/sql/records.py
        raise ValueError(f"GAI770: the {engine} engine does not support lists of records yet (docs/records.md)")
    if engine in REFUSING_ENGINES and first_arith_check(spec) is not None:
        raise ValueError(
            f"GAI760: the {engine} engine cannot compute arithmetic between cells yet (docs/arithmetic.md)"
        )
    if (refusal := exactness_refusal(spec, engine)) is not None:
        raise ValueError(f"{refusal.code}: {refusal.message.en}")
    if engine not in ("reference", "python"):
        return validate(spec, dict(reports), engine, url, previous)
    if engine == "reference":
        return evaluate_each(spec, reports, previous)
    last_years = last_years_by_name(reports, previous)
    # python: the generated module
    module = python_module(spec)
    loaded = {id(r): module.loads(r.to_json()) for r in last_years.values()}  # a shared one converted once
    out = []
    for name, report in reports:
        last = last_years.get(name)
        data = module.loads(report.to_json())
        records = module.validate(data, None if last is None else loaded[id(last)])
        lacking = tuple(absent_from_record(r) for r in module.missing(data))
        out.append(Evaluation(tuple(result_from_record(r) for r in records), lacking))
    return out


def exactness_refusal(spec: ir.Spec, engine: str) -> Diagnostic | None:
    """GAI761 when ``engine`` (a SQL dialect) cannot compute a check's arithmetic between cells exactly: the values
    a report may hold need larger integers than it has (targets/sql/arithmetic.py); None otherwise."""
    if engine not in (*ENGINES, "spark") or engine in REFUSING_ENGINES or first_arith_check(spec) is None:
        return None
    found = arith_refusal(spec, engine)
    if found is None:
        return None
    check, reason = found
    return error("GAI761", check.span, engine=engine, check=check.key, digits=reason.digits, limit=reason.limit_digits)


def _new_members(results: tuple[CheckResult, ...], spec: ir.Spec, new: dict[str, str]) -> tuple[CheckResult, ...]:
    """A check across periods at a member last year's report did not have is unverifiable there (as evaluate says)."""
    across = {c.key for c in spec.checks if c.across_periods}
    return tuple(
        attrs.evolve(r, status="unverifiable", message=absent_last_year(r.position, new[r.position]))
        if r.check in across and r.position in new
        else r
        for r in results
    )


def python_module(spec: ir.Spec) -> ModuleType:
    """The generated Python validator of ``spec`` (targets/python), imported from a temporary folder."""
    [(name, text)] = python_target.emit(spec).items()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(str(text), encoding="utf-8")
        module_spec = importlib.util.spec_from_file_location(f"gaidsl_generated_{abs(hash(str(text)))}", path)
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    return module


def absent_from_record(record: Mapping[str, Any]) -> Absent:
    """An :class:`Absent` from its JSON record (as the generated validators' ``missing()`` give them)."""
    return Absent(record["kind"], record["key"], record["label"], record["status"], record.get("part", ""))


def result_from_record(record: Mapping[str, Any]) -> CheckResult:
    """A :class:`CheckResult` from its JSON record (``CheckResult.to_json_dict()``, as the generated validators give
    them): the inverse of ``to_json_dict``."""
    blank, unknown = set(record["blank"]), set(record["unknown"])
    involved = []
    for cell in record["cells"]:
        ref = f"previous.{cell['key']}" if cell["previous"] else cell["key"]
        value: Any = cell["value"]
        if ref in blank:
            value = BLANK
        elif ref in unknown:
            value = UNKNOWN if value == UNKNOWN_MARKER else None
        elif isinstance(value, int | float):
            value = Decimal(str(value))
        involved.append(Involved(cell["kind"], cell["key"], tuple(cell["labels"]), value, cell["previous"]))
    comparisons: tuple[Comparison, ...] = ()
    if record["op"] is not None:
        comparisons = (
            Comparison(record["op"], record["left"], record["right"], record["difference"], record["tolerance"], None),
        )
    return CheckResult(
        check=record["check"],
        severity=record["severity"],
        status=record["status"],
        position=record["position"],
        position_labels=tuple(record["position_labels"]),
        section=record["section"],
        table=record["table"],
        involved=tuple(involved),
        comparisons=comparisons,
        message=Text(record["message"]["zh"], record["message"]["en"]),
        rule=Text(record["rule"]["zh"], record["rule"]["en"]),
    )


def validate(
    spec: ir.Spec,
    reports: Sequence[Report] | Mapping[str, Report],
    engine: str = "duckdb",
    url: str | None = None,
    previous: Report | Mapping[str, Report] | None = None,
) -> list[Evaluation]:
    """Validate reports on ``engine``: one Evaluation per report (in order), as
    :func:`gaidsl.checking.evaluate.evaluate`
    gives. ``previous``: last year's report for all of them, or by report id (a mapping's keys are report ids)."""
    with connect(spec, engine, url) as db:
        return db.validate(reports, previous)


def evaluation(
    spec: ir.Spec,
    report: Report,
    previous: Report | None,
    rows: Sequence[Row],
    exact: bool = True,
    absent: tuple[Absent, ...] = (),
) -> Evaluation:
    """The evaluator's records for one report from its rows of the validation view (statuses from SQL)."""
    instances = [(c, i) for c in spec.checks for i in c.instances]
    if len(rows) != len(instances):
        raise EngineMismatch(f"{len(rows)} result rows for {len(instances)} check positions")
    results = []
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        for row, (check, instance) in zip(sorted(rows, key=lambda r: r.ordinal), instances, strict=True):
            if (row.check, row.position) != (check.key, instance.position):
                raise EngineMismatch(f"row {row.ordinal} is {row.check}@{row.position}, expected {check.key}")
            results.append(_result(spec, check, instance, report, previous, row, exact))
    return Evaluation(tuple(results), absent)


def _result(
    spec: ir.Spec,
    check: ir.Check,
    instance: ir.CheckInstance,
    report: Report,
    previous: Report | None,
    row: Row,
    exact: bool,
) -> CheckResult:
    env = _Env(spec, report, previous, check.tolerance)
    for node in ir.walk(instance.expr):
        if isinstance(node, ir.Compare):
            env.compare(node)  # the sides' values as the report has them, for display
    comparisons = tuple(env.comparisons)
    if len(comparisons) == 1 and exact and not has_arith(instance.expr):  # computed values: not shown by SQL
        shown = comparisons[0]
        sql_sides = (
            (row.left, row.right)
            if row.left_text is None and row.right_text is None
            else (row.left_text, row.right_text)
        )
        if (shown.left, shown.right) != sql_sides and not (shown.left is None or shown.right is None):
            raise EngineMismatch(
                f"{check.key}@{instance.position}: SQL sides {sql_sides}, report {shown.left, shown.right}"
            )
    return check_result(spec, check, instance, row.status, env)


def record_rows(
    records: RecordsSql, key: str, dialect_name: str, reports: Sequence[tuple[str, Report]]
) -> list[tuple[object, ...]]:
    """The rows of the table of the list ``key`` (:meth:`RecordsSql.record_columns` order) for ``reports``."""
    d = dialect(dialect_name)
    columns = records.record_columns(key)
    rows = []
    for report_id, report in reports:
        fixed = [name for name, value in _named_values(report) if value is UNKNOWN]
        for number in range(1, report.records.get(key, 0) + 1):
            row: list[object] = [report_id, number]
            unknown = list(fixed)
            for column in columns[3:]:
                field = column.key.rsplit(".", 1)[1]
                value = report.values.get(f"{key}.{number}.{field}", BLANK)
                if value is UNKNOWN and column.role == "cell":
                    unknown.append(column.key)
                row.append(_cell_value(column, value, d))
            row.insert(2, json.dumps(unknown, ensure_ascii=False) if d.unknown_as_json else unknown)
            rows.append(tuple(row))
    return rows


def _named_values(report: Report) -> list[tuple[str, object]]:
    """Every value of a report under the name the ``unknown`` column lists it by (``fields.KEY``, ``texts.KEY``, a
    cell key)."""
    return [
        *((f"fields.{k}", v) for k, v in report.fields.items()),
        *((f"texts.{k}", v) for k, v in report.texts.items()),
        *report.values.items(),
    ]
