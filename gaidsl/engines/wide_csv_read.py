"""The lines of a wide CSV that the SQL engines leave to gaidsl's own reader: the few lines with a value the engine's
conversion cannot be trusted with (an odd cell, a value gaidsl refuses), read by
:func:`gaidsl.checking.wide_csv.read_wide_rows` and put into the engine's table as gaidsl reads them, a refused
value as unknown (so the checks reading it are unverifiable and every other check runs, in SQL). SQLite, which reads
no CSV itself, takes every line so. Used by :mod:`gaidsl.engines.wide_csv`.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from gaidsl.checking.report import Report
from gaidsl.checking.required import Absent, Presence, absent_from
from gaidsl.checking.results import CellResult
from gaidsl.checking.wide_csv import Problem, WideCsvError, WideLine, read_wide_rows, row_reader
from gaidsl.engines.database import REPORTS, Database, report_row, unmask
from gaidsl.language import ir
from gaidsl.targets.sql.dialects import literal
from gaidsl.targets.sql.required import presence_sql
from gaidsl.targets.sql.target import branches as sql_branches

Failure = tuple[str, str, str | None]
Refused = dict[str, tuple[CellResult, ...]]
"""By report id: the values of a report that gaidsl's reader refuses, each a failing type result at its cell."""
Standing = dict[str, tuple[tuple[Absent, ...], bool]]
_CHUNK = 5000


def read_lines(db: Database, path: str | Path, ids: Collection[str]) -> dict[str, WideLine]:
    """The lines of these report ids, read by gaidsl's reader; a line with a problem of the table (no report_id, a
    wrong width) is a :class:`WideCsvError`."""
    found = {row.report_id: row for row in read_wide_rows(db.spec, path, only=set(ids))} if ids else {}
    refuse(path, found.values())
    return found


def read_raw_lines(db: Database, header: Sequence[str], texts: Iterable[str]) -> dict[str, WideLine] | None:
    """Physical lines of a wide CSV (each a whole record) read by gaidsl's reader, by report id; None when one is
    not a whole record of the header's width, has no report_id, or repeats one (the caller reads the file the
    careful way then)."""
    found: dict[str, WideLine] = {}
    for line in iter_raw_lines(db, header, texts):
        if line is None:
            return None
        found[line.report_id] = line
    return found


def iter_raw_lines(db: Database, header: Sequence[str], texts: Iterable[str]) -> Iterator[WideLine | None]:
    """:func:`read_raw_lines` one line at a time (the reports are not all held at once): None, and nothing more,
    at the first line that is not a whole record of the header's width, has no report_id, or repeats one."""
    read_row = row_reader(db.spec, header)
    seen: set[str] = set()
    for text in texts:
        rows = list(csv.reader([text]))
        if len(rows) != 1 or len(rows[0]) != len(header):
            yield None
            return
        problems, cells, report_id, report, previous_id = read_row(rows[0], 0)
        if problems or not report_id or report_id in seen:
            yield None
            return
        seen.add(report_id)
        yield WideLine(0, report_id, report, previous_id, tuple(cells))


def refuse(path: str | Path, lines: Iterable[WideLine], strict: bool = False) -> None:
    """A :class:`WideCsvError` for the lines with a problem of the table (or, ``strict``, a refused value too)."""
    said: dict[str | None, list[Problem]] = {}
    for row in lines:
        problems = row.read if not isinstance(row.read, Report) else []
        problems = problems + ([(c.code, c.message.en) for c in row.cells] if strict else [])
        if problems:
            said[row.report_id or None] = problems
    if said:
        shown = [f"report {i}: {'; '.join(m for _, m in p)}" for i, p in said.items()]
        raise WideCsvError(path, shown, said, {row.report_id: row.line for row in lines if row.line})


def insert_read(db: Database, table: str, lines: Iterable[WideLine]) -> None:
    """Insert reports read by gaidsl's reader into ``table`` (a refused value is unknown there), in chunks."""
    rows = (
        report_row(db.columns, db.dialect, row.report_id, row.read, row.previous_id)
        for row in lines
        if isinstance(row.read, Report)
    )
    while chunk := list(itertools.islice(rows, _CHUNK)):
        db.insert(table, chunk)


def evaluate_read(db: Database, lines: dict[str, WideLine], standing: Standing | None) -> list[Failure]:
    """The failing check positions of reports read by gaidsl's reader, found by the engine's SQL over its reports
    table (where they are put for the query, and taken out again); ``standing`` filled for them."""
    if not lines:
        return []
    insert_read(db, REPORTS, lines.values())
    where = f"report_id IN ({', '.join(literal(i, db.dialect) for i in lines)})"
    try:
        if standing is None:
            found = db.query(
                f"SELECT report_id, check_key, position, status FROM {db.validation} WHERE status = 'fail' AND {where}"
            )
        else:
            found = standing_of_table(db, standing, where)
    finally:
        db.script(f"DELETE FROM {REPORTS} WHERE {where}")
    return [(r[0], r[1], r[2]) for r in found if r[3] == "fail"]


def standing_of_table(db: Database, standing: Standing, where: str = "TRUE") -> list[tuple[Any, ...]]:
    """:data:`Standing` of the reports in the reports table (those ``where`` says) and their failing rows
    ``(report_id, check, position, "fail")``: :func:`standing_by_masks` for a plain spec, else
    :func:`standing_by_view`."""
    return standing_by_masks(db, standing, where) if db.plain else standing_by_view(db, standing, where)


def standing_by_view(db: Database, standing: Standing, where: str = "TRUE") -> list[tuple[Any, ...]]:
    """:func:`standing_of_table` from the validation view (one pass over it: its failing rows are returned, and the
    incomplete reports told in SQL, one row each) and the required items' SQL."""
    reads_previous = {
        (c.key, i.position)
        for c in db.spec.checks
        for i in c.instances
        if any(isinstance(n, ir.CellRef | ir.FieldRef | ir.TextRef) and n.previous for n in ir.walk(i.expr))
    }
    # unverifiable, and not for want of last year's report: told in SQL (one row per report, not per result)
    previous = " OR ".join(
        f"(check_key = {literal(c, db.dialect)} AND "
        + ("position IS NULL" if p is None else f"position = {literal(p, db.dialect)}")
        + ")"
        for c, p in sorted(reads_previous, key=lambda pair: (pair[0], pair[1] or ""))
    )
    linked = f"SELECT report_id FROM {REPORTS} WHERE previous_id IS NOT NULL"
    open_ = f" AND (NOT ({previous}) OR report_id IN ({linked}))" if previous else ""
    found = db.query(
        f"WITH x AS MATERIALIZED (SELECT report_id, check_key, position, status FROM {db.validation} "
        f"WHERE status <> 'pass' AND {where}) "
        "SELECT report_id, check_key, position, status FROM x WHERE status = 'fail' UNION ALL "
        f"SELECT DISTINCT report_id, NULL, NULL, 'unverifiable' FROM x WHERE status = 'unverifiable'{open_}"
    )
    incomplete = {r[0] for r in found if r[3] == "unverifiable"}
    found = [r for r in found if r[3] == "fail"]
    required = presence_sql(db.spec, db.dialect)
    select = "".join(f", {sql}" for _, sql in required)
    absent: dict[str, tuple[Absent, ...]] = {}
    lacking = " OR ".join(f"{sql} <> 'present'" for _, sql in required)  # only the reports lacking an item
    rows = f"SELECT r.report_id{select} FROM {REPORTS} AS r WHERE {where}{f' AND ({lacking})' if lacking else ''}"
    for report_id, *statuses in db.query(rows) if required else []:
        said: list[Presence] = list(statuses)
        absent[report_id] = absent_from((r for r, _ in required), said, db.spec.language)
    for report_id in set(incomplete) | {r for r, a in absent.items() if a}:
        standing[report_id] = (absent.get(report_id, ()), report_id in incomplete)
    return found


def standing_by_masks(db: Database, standing: Standing, where: str = "TRUE") -> list[tuple[Any, ...]]:
    """:func:`standing_of_table` for a plain spec in one pass over the reports table (:meth:`Database.findings`): a
    row per report with a failing position, a required item it lacks, or a position unverifiable for want of values
    (a check across periods of a report without a previous_id is not)."""
    found = sql_branches(db.spec, db.dialect)
    open_ = [f"(({b.condition}) IS NULL{' AND r.previous_id IS NOT NULL' if b.previous else ''})" for b in found]
    required = presence_sql(db.spec, db.dialect)
    extra = [(sql, "{} <> 'present'") for _, sql in required]
    extra.append((f"CASE WHEN {' OR '.join(open_) or 'FALSE'} THEN 1 ELSE 0 END", "{} = 1"))
    words, query = db.findings(where, extra)
    out: list[tuple[Any, ...]] = []
    for report_id, *values in db.query(query):
        masks, statuses, incomplete = values[: len(words)], values[len(words) : -1], values[-1] == 1
        out += [(report_id, b.check.key, b.instance.position, "fail") for b in unmask(words, masks)]
        said: list[Presence] = list(statuses)
        absent = absent_from((r for r, _ in required), said, db.spec.language) if required else ()
        if absent or incomplete:
            standing[report_id] = (absent, incomplete)
    return out


def load_by_reader(db: Database, path: str | Path, table: str, refused: Refused | None) -> int:
    """SQLite (no CSV reader of its own): every line read by gaidsl's reader into ``table``; a refused value is a
    :class:`WideCsvError` unless ``refused`` takes it. Returns the number of reports."""
    count = 0

    def lines() -> Iterable[WideLine]:
        nonlocal count
        for row in read_wide_rows(db.spec, path):
            refuse(path, [row], strict=refused is None)
            if row.cells and refused is not None:
                refused[row.report_id] = row.cells
            count += 1
            yield row

    insert_read(db, table, lines())
    return count


__all__ = [
    "Refused",
    "evaluate_read",
    "insert_read",
    "iter_raw_lines",
    "load_by_reader",
    "read_lines",
    "read_raw_lines",
    "refuse",
]
