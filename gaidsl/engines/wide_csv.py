"""A wide CSV (:mod:`gaidsl.checking.wide_csv`) in the SQL engines: :func:`load_wide_csv` loads one straight into an
engine's
reports table (DuckDB's CSV reader, PostgreSQL's COPY); :func:`wide_csv_check` / :func:`wide_csv_failures` find the
failing checks of one (on DuckDB in one pass over the file, no table); :func:`link_previous` makes a file its own
last year. Every value is read by the data-file rules: plain values are converted by the engine, odd ones judged by
gaidsl's reader (:mod:`gaidsl.engines.wide_csv_sql`); what it refuses is a
:class:`~gaidsl.checking.wide_csv.WideCsvError`.
"""

from __future__ import annotations

import csv
import itertools
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, Report
from gaidsl.checking.required import Absent, Presence, absent_from, absent_items
from gaidsl.checking.results import CellResult
from gaidsl.checking.wide_csv import (
    Problem,
    WideCsvError,
    WideLine,
    coded_header_problems,
    header_of,
    read_wide_rows,
)
from gaidsl.engines import wide_csv_sql as W
from gaidsl.engines.database import PREVIOUS, REPORTS, Database, mask_words, unmask
from gaidsl.engines.wide_csv_read import (
    Refused,
    evaluate_read,
    insert_read,
    iter_raw_lines,
    load_by_reader,
    read_lines,
    refuse,
    standing_of_table,
)
from gaidsl.targets.sql.dialects import Column, dialect, ident, literal
from gaidsl.targets.sql.required import presence_sql
from gaidsl.targets.sql.target import branches as sql_branches

Failure = tuple[str, str, str | None]
Standing = dict[str, tuple[tuple[Absent, ...], bool]]
"""By report id: the required items a report lacks or gives as unknown, and whether a check of it is unverifiable
for want of values (not for want of last year's report): what its verdict needs beside its failures."""
_DUCKDB_CSV = "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"'"
_BOUND = int(MAX_MAGNITUDE)
ODD_LINES = 100_000
"""Lines DuckDB's typed read leaves to gaidsl's reader (beyond that, the file is read the careful way): a million
reports with 2 % injected errors have some 16,000; the pre-pass holds them as text (some 60 MB at the most)."""
OddLine = tuple[tuple[CellResult, ...], tuple[Absent, ...]]
"""What is kept of a line read apart by gaidsl's reader: its refused values and the required items it lacks."""
SETTLE_CHUNK = 1000
"""Lines read by gaidsl's reader and evaluated in the engine at a time (a report read so holds some 30 KB)."""


def _checked_header(db: Database, path: str | Path) -> list[str]:
    header = header_of(path)
    problems = coded_header_problems(db.spec, header)
    if problems:
        raise WideCsvError(path, [f"header: {p}" for _, p in problems], {None: problems}, {None: 1})
    return header


def _item(dialect_name: str, condition: str, key: str) -> str:
    """An item of the list of unknown keys: DuckDB lists are flattened (no lambdas: their syntax is changing);
    PostgreSQL arrays drop their NULLs."""
    return dialect(dialect_name).unknown_item.format(condition=condition, literal=literal(key, dialect_name))


def _select(
    db: Database,
    header: Sequence[str],
    source: dict[str, str],
    flag: str | None,
    typed: Iterable[str] = (),
    unknown_numbers: bool = True,
) -> list[str]:
    """The SELECT list turning a wide CSV's text columns (``source``: SQL of each by its key) into the reports table's
    columns, one expression per column. ``flag``: SQL telling a plain line (DuckDB; ``"FALSE"``: none is;
    ``"TRUE"``: every line is, as PostgreSQL's plain lines are), or None to tell plain cells one by one. ``typed``:
    keys the source holds as numbers already.
    ``unknown_numbers=False``: the unknown column lists texts only (what the checks read: a number's NULL makes
    them unverifiable whether it is blank or unknown)."""
    names, typed = set(header), set(typed)
    dialect_name = db.dialect
    select: list[str] = []
    items: list[str] = []
    odd_items: list[str] = []
    amount: Column | None = None
    for column in db.columns:
        key = W.csv_key(column)
        if column.role in ("id", "previous", "format", "version"):
            default = {"format": db.spec.id, "version": db.spec.version}.get(column.role)
            if key in names:
                select.append(f"NULLIF({source[key]}, '')")
            else:
                select.append("NULL" if default is None else literal(default, dialect_name))
            continue
        if column.role == "unknown":
            sql = db.sql
            if sql.reads_csv:  # a line's odd items apart: none on a plain line (DuckDB tells plain lines at once)
                if odd_items and flag != "TRUE" and unknown_numbers:
                    rest = sql.unknown_list.format(items=", ".join(odd_items))
                    items.append(
                        rest if flag == "FALSE" else f"CASE WHEN {flag} THEN {sql.unknown_none} ELSE {rest} END"
                    )
            elif flag != "TRUE":  # PostgreSQL's plain lines: no number or date of them says unknown
                items += odd_items
            select.append(sql.unknown_list.format(items=", ".join(items)) if items else sql.unknown_none)
            continue
        if column.role in ("field", "cell"):
            amount = column
        if key not in names:
            select.append("NULL")
            continue
        text = source[key]
        found = W.kind(column) if column.role != "places" else "places"
        if found is None:
            text = f"NULLIF({text}, '')"
            select.append(f"CASE WHEN {text} = '{UNKNOWN_MARKER}' THEN NULL ELSE {text} END")
            items.append(_item(dialect_name, f"{text} = '{UNKNOWN_MARKER}'", key))
            continue
        if key in typed:
            select.append(text)
            continue
        if found == "places":
            assert amount is not None  # a places column follows its amount's
            plain, careful = W.plain_places(text), W.careful_places(dialect_name, amount, text)
            plain_test = W.is_plain(dialect_name, amount, text)
        else:
            plain, careful = W.plain_value(column, text), W.careful_value(dialect_name, column, text)
            plain_test = W.is_plain(dialect_name, column, text)
            unknown = W.unknown_test(dialect_name, column, text)
            odd_items.append(_item(dialect_name, unknown if flag else f"NOT {plain_test} AND {unknown}", key))
        condition = plain_test if flag is None else flag
        select.append(
            plain
            if condition == "TRUE"
            else careful
            if condition == "FALSE"
            else f"CASE WHEN {condition} THEN {plain} ELSE {careful} END"
        )
    return select


def _duckdb_source(path: str | Path, header: Sequence[str], typed: Iterable[str] = (), skip: bool = False) -> str:
    """DuckDB's reader of the file (``typed`` columns as BIGINT). ``skip``: lines whose numbers do not convert are
    left out (the odd lines, judged apart: see :func:`_excluding`)."""
    typed = set(typed)
    types = ", ".join(f"{literal(h, 'duckdb')}: '{'BIGINT' if h in typed else 'VARCHAR'}'" for h in header)
    ignore = ", ignore_errors = true" if skip else ""
    return f"read_csv({literal(str(path), 'duckdb')}, {_DUCKDB_CSV}{ignore}, columns = {{{types}}})"


def _excluding(ids: Collection[str]) -> str:
    """SQL: `` WHERE`` leaving out the lines of these report ids (read by gaidsl's reader instead), or nothing."""
    if not ids:
        return ""
    listed = ", ".join(literal(i, "duckdb") for i in sorted(ids))
    return f" WHERE COALESCE({ident('report_id')} NOT IN ({listed}), TRUE)"


def _by_kind(
    db: Database, header: Sequence[str], typed: Iterable[str] = ()
) -> tuple[list[tuple[int, Column]], list[tuple[int, Column]]]:
    """The (index, column) of the counts and integers in the file, and of its other odd-prone columns."""
    names = set(header) - set(typed)
    whole: list[tuple[int, Column]] = []
    others: list[tuple[int, Column]] = []
    for index, column in enumerate(db.columns):
        found = W.kind(column)
        if found is not None and W.csv_key(column) in names:
            (whole if found == "whole" else others).append((index, column))
    return whole, others


def _plain_flag(db: Database, header: Sequence[str], typed: Iterable[str] = ()) -> str:
    """DuckDB: SQL telling a plain line: its counts and integers put together are digits (one regular expression per
    line; a 16-digit count is caught by the bounds), and each amount and date is plain."""
    whole, others = _by_kind(db, header, typed)
    tests = []
    if whole:
        texts = ", ".join(ident(W.csv_key(c)) for _, c in whole)
        tests.append(f"regexp_full_match(concat({texts}), '[0-9]*')")
    tests += [f"COALESCE({W.is_plain('duckdb', c, ident(W.csv_key(c)))}, TRUE)" for _, c in others]
    return " AND ".join(tests) or "TRUE"


ROW_COLUMNS = 1000
"""PostgreSQL: the columns put in one row value at the most (a row holds up to 1,664)."""
_DIGIT_ROW = "^[(]([0-9]{0,15},)*[0-9]{0,15}[)]$"
"""PostgreSQL: the text of a row value whose every field is blank or 1 to 15 ASCII digits. A row's text shows a field
bare only when it needs no quotes (a NULL as nothing, a value with no comma, quote, parenthesis, backslash or space,
and not empty): a field of digits and nothing else cannot be faked by a value with a comma in it."""


def _digit_rows(texts: Sequence[str]) -> str:
    """PostgreSQL: SQL telling that each of the texts (columns of the row) is NULL or 1 to 15 ASCII digits: one
    pattern over the text of the row value they make (``ROW(…)::text``, one call that writes every field), not one
    per cell, and no text put together by ``concat_ws`` (which writes each argument through its output function,
    and needed a second pattern for the length)."""
    rows = [texts[i : i + ROW_COLUMNS] for i in range(0, len(texts), ROW_COLUMNS)]
    return " AND ".join(f"ROW({', '.join(row)})::text ~ '{_DIGIT_ROW}'" for row in rows)


def _checked(
    db: Database,
    path: str | Path,
    header: Sequence[str],
    fast: bool,
    typed: Sequence[str] = (),
    excluded: Collection[str] = (),
    extra: Path | None = None,
) -> str:
    """DuckDB: ``WITH s0 AS (…), s AS (…), c AS (…)``: the file's lines (``s0``, every column text, plus whether the
    line is plain), as rows of the reports table (``s``) plus ``"gaidsl#problems"`` (NULL, or what the table refuses
    beside odd cells) and ``"gaidsl#odd"`` (NULL, or the line's odd cells, for :func:`wide_csv_sql.judge`) (``c``).
    Nothing is materialised. ``fast=False``: no line is taken as plain (when a plain cast overflowed). ``typed``:
    count and integer columns proven digits on every line (:func:`wide_csv_sql.plain_whole_columns`), read as BIGINT
    by the CSV reader (no bound to test: the proof allows at most 15 digits, every value below 10^15).
    ``excluded``: report ids whose lines are left out (and lines whose numbers do not convert with them); ``extra``:
    a file of the same header read beside it (those lines as gaidsl's reader read them)."""
    source = {h: f"s0.{ident(h)}" for h in header}
    flag = W.PLAIN if fast else "FALSE"
    converted = _select(db, header, source, flag, typed, unknown_numbers=False)
    select = [f"{sql} AS {c.quoted}" for sql, c in zip(converted, db.columns, strict=True)]
    whole, others = _by_kind(db, header, typed)
    raw = {i: f'"gaidsl#raw#{i}"' for i, _ in [*whole, *others]}
    select += [f"{source[W.csv_key(c)]} AS {raw[i]}" for i, c in [*whole, *others]]
    select.append(f"s0.{W.PLAIN}")
    problems = W.sql_problems(db, header, {W.csv_key(c): c.quoted for c in db.columns})
    if problems:
        found = ", ".join(f"CASE WHEN {bad} THEN {message} END" for bad, message in problems)
        quick = " OR ".join(bad for bad, _ in problems)
        flagged = f"CASE WHEN {quick} THEN NULLIF(concat_ws('; ', {found}), '') END"
    else:
        flagged = "CAST(NULL AS VARCHAR)"
    odd = W.odd_list("duckdb", [W.odd_item("duckdb", i, c, raw[i]) for i, c in [*whole, *others]])
    if fast:
        bounds = [f"greatest({', '.join(c.quoted for _, c in whole)}) >= {_BOUND}"] if whole else []
        odd = f"CASE WHEN {' OR '.join([f'NOT {W.PLAIN}', *bounds])} THEN {odd} END"
    plain_flag = _plain_flag(db, header, typed) if fast else "FALSE"
    reader = f"{_duckdb_source(path, header, typed, bool(excluded))}{_excluding(excluded)}"
    if extra is not None:
        reader = f"(SELECT * FROM {reader} UNION ALL SELECT * FROM {_duckdb_source(extra, header, typed)})"
    s0 = f"SELECT *, {plain_flag} AS {W.PLAIN} FROM {reader}"
    return (
        f"WITH s0 AS ({s0}), s AS (SELECT {', '.join(select)} FROM s0), "
        f"c AS (SELECT *, {flagged} AS {W.PROBLEMS}, {odd} AS {W.ODD} FROM s)"
    )


def _refusals(
    db: Database, rows: Iterable[tuple[Any, ...]], verify: bool = True
) -> tuple[list[str], dict[str | None, list[Problem]]]:
    """One line per report with a problem, by report id, from rows ``(report_id, copies, problems, odd, …)``; and
    the problems by report id. ``verify=False``: an accepted odd text is not checked against the engine's conversion
    (the line is read by gaidsl's reader and put in the table as it reads it)."""
    rows = list(rows)
    judged = W.judge(db, ((row[0], row[3]) for row in rows if row[3]), verify)
    out: list[tuple[str, str]] = []
    by_report: dict[str | None, list[Problem]] = {}
    for report_id, copies, problems, *_ in rows:
        if report_id is None:
            said: list[Problem] = [("", f"{copies} line{'s' if copies != 1 else ''} without a report_id")]
            out.append(("", said[0][1]))
            by_report[None] = said
            continue
        said = [("GAI715", f"report_id is on {copies} lines")] if copies > 1 else []
        said += [("", p) for p in problems.split("; ")] if problems else []
        said += judged.get(report_id, [])
        if said:
            out.append((report_id, f"report {report_id}: {'; '.join(m for _, m in said)}"))
            by_report[report_id] = said
    return [line for _, line in sorted(out)], by_report


def _raise_refusals(db: Database, path: str | Path, rows: Iterable[tuple[Any, ...]]) -> None:
    refused, by_report = _refusals(db, rows)
    if refused:
        raise WideCsvError(path, refused, by_report)


def _settle(
    db: Database, path: str | Path, rows: Iterable[tuple[Any, ...]], refused: Refused | None
) -> dict[str, WideLine]:
    """The reports of rows ``(report_id, copies, problems, odd, …)`` with something to say, read by gaidsl's reader
    (to be put in the table as it reads them: a refused value as unknown). A repeated or missing report_id, or
    (``refused`` None) any refusal, is a :class:`WideCsvError`."""
    said, by_report = _refusals(db, rows)
    if not said:
        return {}
    if refused is None:
        raise WideCsvError(path, said, by_report)
    return read_lines(db, path, _settled_ids(path, said, by_report))


def _settled_ids(path: str | Path, said: list[str], by_report: dict[str | None, list[Problem]]) -> set[str]:
    """The report ids whose lines gaidsl's reader is to read; a repeated or missing report_id is a WideCsvError."""
    table = {i: p for i, p in by_report.items() if i is None or any(code == "GAI715" for code, _ in p)}
    if table:
        raise WideCsvError(path, [line for line in said if any(line.startswith(f"report {i}:") for i in table)], table)
    return {i for i in by_report if i is not None}


def _settle_in_chunks(
    db: Database,
    path: str | Path,
    rows: Iterable[tuple[Any, ...]],
    refused: Refused | None,
    standing: Standing | None,
) -> tuple[set[str], list[Failure]]:
    """:func:`_settle` then :func:`evaluate_read` of the lines, :data:`SETTLE_CHUNK` reports at a time (their reports
    are not all held at once): the settled report ids and their failures; their refused values put in ``refused``."""
    said, by_report = _refusals(db, rows)
    if not said:
        return set(), []
    if refused is None:
        raise WideCsvError(path, said, by_report)
    ids = _settled_ids(path, said, by_report)
    failures: list[Failure] = []
    lines = read_wide_rows(db.spec, path, only=ids)
    while chunk := list(itertools.islice(lines, SETTLE_CHUNK)):
        refuse(path, chunk)
        refused.update({line.report_id: line.cells for line in chunk if line.cells})
        failures += evaluate_read(db, {line.report_id: line for line in chunk}, standing)
    return ids, failures


def _duckdb_passes(run: Callable[[bool], list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """``run(True)`` (plain lines converted by plain casts), and when such a cast overflows (a count of 20 digits) once
    more with ``run(False)`` (every line converted with care)."""
    import duckdb

    try:
        return run(True)
    except duckdb.ConversionException:
        return run(False)


def _problem_rows(db: Database, path: str | Path, header: Sequence[str]) -> list[tuple[Any, ...]]:
    """DuckDB: ``(report_id, copies, problems, odd)`` of every report with something to say (see :func:`_checked`)."""

    def run(fast: bool) -> list[tuple[Any, ...]]:
        query = (
            f"{_checked(db, path, header, fast)} SELECT report_id, count(*), min({W.PROBLEMS}), min({W.ODD}) FROM c "
            f"GROUP BY report_id HAVING count(*) > 1 OR report_id IS NULL OR min({W.PROBLEMS}) IS NOT NULL "
            f"OR min({W.ODD}) IS NOT NULL"
        )
        return db.query(query)

    return _duckdb_passes(run)


def _lines_read(found: list[tuple[Any, ...]]) -> int:
    """The lines the check query read: its grand-total row (``grouping(…) <> 0``)."""
    return int(next((row[2] for row in found if row[0] != 0), 0))


def _repeated_ids(db: Database, path: str | Path, header: Sequence[str]) -> list[tuple[str, int]]:
    """DuckDB: the report ids on more than one line of the file, and on how many."""
    return db.query(
        f"SELECT report_id, count(*) FROM {_duckdb_source(path, header)} WHERE report_id IS NOT NULL "
        "GROUP BY report_id HAVING count(*) > 1"
    )


def _typed_pass(
    db: Database,
    path: str | Path,
    header: Sequence[str],
    run: Callable[[bool, Sequence[str], Collection[str], Path | None], list[tuple[Any, ...]]],
    odd_allowed: int = 0,
) -> tuple[list[tuple[Any, ...]], dict[str, OddLine]] | None:
    """DuckDB: ``run(True, keys, excluded)`` with the counts and integers read as numbers by the CSV reader, when every
    line is shown to hold digits there (:func:`wide_csv_sql.plain_whole_columns`), but for up to ``odd_allowed``
    odd lines: those are read by gaidsl's reader and left out of the query (returned beside its rows). None when
    that cannot be shown, when a number read so is too long to trust (the query stops), or when the reader's
    records are not the file's physical lines."""
    import duckdb

    proven = W.plain_whole_columns(db, path, header, odd_allowed)
    if proven is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="gaidsl-") as folder:
            read: dict[str, OddLine] = {}
            again = None
            if proven.odd:
                lines = iter_raw_lines(db, header, proven.odd)
                found_read = _write_read(db, header, lines, Path(folder) / "read.csv", proven.keys)
                if found_read is None:
                    return None
                read, again = found_read, Path(folder) / "read.csv"
            found = run(True, proven.keys, read.keys(), again)
    except duckdb.Error:  # 16 digits or more, or a text the line pattern let through: read the careful way
        return None
    return (found, read) if _lines_read(found) == proven.lines else None


def _write_read(
    db: Database,
    header: Sequence[str],
    read: Iterable[WideLine | None],
    path: Path,
    typed: Collection[str] = (),
) -> dict[str, OddLine] | None:
    """The lines gaidsl's reader read, written as it read them (the file's header; a refused value unknown, and
    unknown written blank in the ``typed`` columns, read as numbers: the checks take both as missing), for the
    query to read beside the file, one at a time; what is kept of each (:data:`OddLine`), or None at a None line."""
    typed = set(typed)
    kept: dict[str, OddLine] = {}
    places = [_place(name) for name in header]  # where each column's value is in a report, told once per file
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for line in read:
            if line is None:
                return None
            report_id, report = line.report_id, line.read
            assert isinstance(report, Report)
            kept[report_id] = (line.cells, absent_items(db.spec, report))
            row: list[str] = []
            for part, key, name in places:
                if part == "report_id":
                    row.append(report_id)
                    continue
                if part == "previous_id":
                    row.append(line.previous_id or "")
                    continue
                value = getattr(report, part).get(key, BLANK)
                if value is BLANK or (value is UNKNOWN and name in typed):
                    row.append("")
                elif value is UNKNOWN:
                    row.append(UNKNOWN_MARKER)
                else:
                    row.append(f"{value:f}" if isinstance(value, Decimal) else str(value))
            writer.writerow(row)
    return kept


def _place(name: str) -> tuple[str, str, str]:
    """(part of the report, key in it, the column's name) of a wide-CSV column: ``fields``, ``texts`` or ``values``,
    or ``report_id`` / ``previous_id`` for those columns."""
    if name in ("report_id", "previous_id"):
        return name, name, name
    if name.startswith("fields."):
        return "fields", name[7:], name
    if name.startswith("texts."):
        return "texts", name[6:], name
    return "values", name, name


def wide_csv_failures(db: Database, path: str | Path) -> list[Failure]:
    """See :func:`wide_csv_check`: its failures."""
    return wide_csv_check(db, path)[1]


def wide_csv_check(
    db: Database, path: str | Path, standing: Standing | None = None, refused: Refused | None = None
) -> tuple[int, list[Failure]]:
    """``(report_id, check, position)`` of every failing check position of the reports in a wide CSV: what
    :func:`load_wide_csv` followed by :meth:`Database.failures` gives, in no particular order. Checks across periods
    read last year's reports from the database's previous-reports table (``previous_id``; see :func:`link_previous`).
    Returns the number of reports (lines) too.

    DuckDB reads the file once and keeps no table: each line's conditions go into bit masks, only the reports with a
    failure (or an odd cell, or a problem) come back. When a first quick pass over the lines shows digits in every
    count (:func:`wide_csv_sql.plain_whole_columns`), DuckDB's reader reads the counts as numbers (twice as fast);
    otherwise they are read as text and each odd one judged. A value gaidsl's data-file reader refuses, or the
    reports table cannot hold, is a :class:`WideCsvError`. PostgreSQL loads the file into the (empty) reports
    table, where it stays, and queries it; SQLite too, every line read by gaidsl's reader. ``standing``: filled with
    what the verdicts need of the reports that lack a required item or are incomplete (the others are absent from it).

    ``refused``: a value gaidsl's reader refuses is not a WideCsvError but a failing type result at its cell, put in
    ``refused`` by report id; the report is checked with that value taken as unknown (its line read by gaidsl's
    reader and put in the reports table for the query). DuckDB then also reads the counts as numbers when a few
    lines (up to :data:`ODD_LINES`) do not show digits there: those lines are read by gaidsl's reader alone."""
    if not db.sql.reads_csv:
        count = load_wide_csv(db, path, REPORTS, refused)
        if standing is None:
            return count, db.failures()
        return count, [(r[0], r[1], r[2]) for r in standing_of_table(db, standing)]  # one pass over the view

    header = _checked_header(db, path)
    branches = sql_branches(db.spec, db.dialect)
    words = mask_words(branches)
    # each condition once (a column k<n> of the inner projection), read by the masks and the open flag
    bit = {b.ordinal: f"k{n}" for n, b in enumerate(branches)}
    masks = [
        " + ".join(
            f"(CASE WHEN NOT {bit[b.ordinal]} THEN CAST({1 << j} AS BIGINT) ELSE 0 END)" for j, b in enumerate(w)
        )
        for w in words
    ]
    required = presence_sql(db.spec, db.dialect)
    inner = [f"r.{W.PROBLEMS} AS pr", f"r.{W.ODD} AS od"] + [f"({b.condition}) AS {bit[b.ordinal]}" for b in branches]
    # each line's findings (one column each), then whether the line has any: only those lines get a group of their
    # own (the others share one), so the grouping holds some thousands of groups, not one per report
    line = ["id", "pr", "od"] + [f"{m} AS m{i}" for i, m in enumerate(masks)]
    keep = ["id IS NULL", "pr IS NOT NULL", "od IS NOT NULL"] + [f"m{i} <> 0" for i in range(len(masks))]
    ors = "".join(f", bit_or(m{i}) FILTER (WHERE keep)" for i in range(len(masks)))
    if standing is not None:
        open_ = [_open(bit[b.ordinal], b.previous) for b in branches]
        inner += [f"{sql} AS s{i}" for i, (_, sql) in enumerate(required)]
        inner.append("p.report_id IS NOT NULL AS hp")
        line += [f"s{i}" for i in range(len(required))]
        line.append(f"{' OR '.join(open_) if open_ else 'FALSE'} AS o")
        keep += [f"s{i} <> 'present'" for i in range(len(required))] + ["o"]
        ors += "".join(f", min(s{i}) FILTER (WHERE keep)" for i in range(len(required)))
        ors += ", bool_or(o) FILTER (WHERE keep)"

    def run(
        fast: bool,
        typed: Sequence[str] = (),
        excluded: Collection[str] = (),
        extra: Path | None = None,
    ) -> list[tuple[Any, ...]]:
        conditions = (
            f"SELECT r.report_id AS id, {', '.join(inner)} FROM c AS r LEFT JOIN {PREVIOUS} AS p "
            "ON p.report_id = r.previous_id"
        )
        lines = f"SELECT {', '.join(line)} FROM ({conditions}) AS n"
        kept = f"SELECT *, COALESCE({' OR '.join(keep)}, TRUE) AS keep FROM ({lines}) AS l"
        # the grand total (grouping 1) counts the lines, their report ids and the distinct ones (a repeat among
        # the lines with nothing to say is found so)
        query = (
            f"{_checked(db, path, header, fast, typed, excluded, extra)} SELECT grouping(keep, k), k, count(*), "
            f"min(pr) FILTER (WHERE keep), min(od) FILTER (WHERE keep){ors}, count(id), count(DISTINCT id) FROM "
            f"(SELECT *, CASE WHEN keep THEN id END AS k FROM ({kept}) AS x) AS g "
            "GROUP BY GROUPING SETS ((keep, k), ()) HAVING grouping(keep, k) <> 0 OR keep"
        )
        return db.query(query)

    typed = _typed_pass(db, path, header, run, ODD_LINES if refused is not None else 0)
    found, read = typed if typed is not None else (_duckdb_passes(run), {})
    count = _lines_read(found)  # the typed pass reads the odd lines as gaidsl's reader read them, beside the file
    rows = [row[1:-2] for row in found if row[0] == 0]
    [(ids, distinct)] = [row[-2:] for row in found if row[0] != 0]
    if ids != distinct:  # a report_id on several lines (not all of them with something to say): said as any other
        repeated = dict(_repeated_ids(db, path, header))
        rows = [(row[0], repeated.pop(row[0], row[1]), *row[2:]) for row in rows]
        rows += [(i, n, None, None) for i, n in repeated.items()]
    # values judged in the query that gaidsl's reader refuses: those lines read and evaluated by gaidsl's reader
    settled, failures = _settle_in_chunks(db, path, rows, refused, standing)
    rows = [row for row in rows if row[0] not in settled]
    if read:
        assert refused is not None  # without it, odd lines are not read apart
        refused.update({i: cells for i, (cells, _) in read.items() if cells})
    for report_id, _, _, _, *masks_found in rows:
        if standing is not None:
            *masks_found, incomplete = masks_found
            statuses: list[Presence] = masks_found[len(words) :]
            masks_found = masks_found[: len(words)]
            absent = absent_from((r for r, _ in required), statuses, db.spec.language)
            odd = read.get(report_id)
            if odd is not None:  # an unknown count was read blank
                absent = odd[1]
            if absent or incomplete:
                standing[report_id] = (absent, bool(incomplete))
        failures += [(report_id, b.check.key, b.instance.position) for b in unmask(words, masks_found)]
    return int(count), failures


def _open(condition: str, previous: bool) -> str:
    """SQL: the condition is unverifiable (NULL), and not for want of last year's report (``hp``: it was found)."""
    return f"(({condition}) IS NULL{' AND hp' if previous else ''})"


def link_previous(db: Database, path: str | Path, refused: Refused | None = None) -> None:
    """Make the reports of a wide CSV last year's reports too (the previous-reports table), so that a line's
    ``previous_id`` finds last year's report in the same file; a previous_id no line has is a :class:`WideCsvError`.
    Nothing is done when the file has no previous_id column. ``refused``: see :func:`load_wide_csv`."""

    if "previous_id" not in _checked_header(db, path):
        return
    load_wide_csv(db, path, PREVIOUS, refused)
    dangling = db.query(
        f"SELECT r.report_id, r.previous_id FROM {PREVIOUS} AS r LEFT JOIN {PREVIOUS} AS p "
        f"ON p.report_id = r.previous_id WHERE r.previous_id IS NOT NULL AND p.report_id IS NULL ORDER BY 1"
    )
    if dangling:
        said = {i: [("GAI703", f"previous_id {p!r} is no report_id of the file")] for i, p in dangling}
        raise WideCsvError(path, [f"report {i}: {m}" for i, [(_, m)] in said.items()], dict(said))


def load_wide_csv(db: Database, path: str | Path, table: str = REPORTS, refused: Refused | None = None) -> int:
    """Load a wide CSV file into ``table`` (DuckDB or PostgreSQL in bulk; SQLite line by line through gaidsl's
    reader); returns the number of reports.

    The file is standard CSV (comma-separated, double quotes, a header line; no sniffing). Plain values (digits,
    ISO dates) are converted by the engine; odd ones ("unknown", ``2.0``, ``0.5`` …) are judged by gaidsl's data-file
    reader first (see :mod:`gaidsl.engines.wide_csv_sql`). What it refuses or the table's constraints refuse (a negative
    count, text in a count, a repeated report_id …) is a :class:`WideCsvError` naming the report, key and value, and
    nothing is loaded. ``refused``: a value gaidsl's reader refuses is put there instead, as a failing type result
    at its cell by report id, and the report loaded as gaidsl's reader reads it (that value unknown).
    """
    header = _checked_header(db, path)
    if not db.sql.loads_wide_csv:
        return load_by_reader(db, path, table, refused)
    if db.sql.reads_csv:
        _load_duckdb(db, path, header, table, refused)
    else:
        _load_postgres(db, path, header, table, refused)
    return int(db.query(f"SELECT count(*) FROM {table}")[0][0])


def _load_duckdb(db: Database, path: str | Path, header: Sequence[str], table: str, refused: Refused | None) -> None:
    """Plain lines straight in (the counts read as numbers by the CSV reader when every line shows digits there); at
    the first odd one (or a refusal) the file is judged, then loaded with care."""
    import duckdb

    source = {h: f"s0.{ident(h)}" for h in header}
    [[order]] = db.query("SELECT current_setting('preserve_insertion_order')")
    db.script("SET preserve_insertion_order = false")  # lets the insert run on every thread

    def insert(
        fast: bool, guard: bool, typed: Sequence[str] = (), excluded: Collection[str] = ()
    ) -> list[tuple[Any, ...]]:
        select = _select(db, header, source, W.PLAIN if fast else "FALSE", typed)
        if guard:  # a line with an odd cell (or a long number read as one) stops the insert: the reader judges it
            plain = W.PLAIN
            if typed:
                plain += f" AND COALESCE(greatest({', '.join(source[k] for k in typed)}) < {_BOUND}, TRUE)"
            select[0] = f"CASE WHEN {plain} THEN {select[0]} ELSE error('gaidsl: a value to judge') END"
        flag = _plain_flag(db, header, typed) if fast else "FALSE"
        reader = _duckdb_source(path, header, typed, bool(excluded))
        source_sql = f"(SELECT *, {flag} AS {W.PLAIN} FROM {reader}{_excluding(excluded)}) AS s0"
        db.script(f"INSERT INTO {table} SELECT {', '.join(select)} FROM {source_sql}")
        return []

    try:
        if not _typed_insert(db, path, header, table, insert):
            insert(True, True)
    except (duckdb.ConstraintException, duckdb.ConversionException, duckdb.InvalidInputException) as exc:
        try:
            read = _settle(db, path, _problem_rows(db, path, header), refused)
        except WideCsvError as said:
            raise said from exc
        _duckdb_passes(lambda fast: insert(fast, False, (), read.keys()))
        _put_read(db, table, read, refused)
    finally:
        db.script(f"SET preserve_insertion_order = {str(order).lower()}")


def _typed_insert(
    db: Database,
    path: str | Path,
    header: Sequence[str],
    table: str,
    insert: Callable[[bool, bool, Sequence[str]], object],
) -> bool:
    """DuckDB: the file inserted with its counts and integers read as numbers by the CSV reader, when every line shows
    digits there (:func:`wide_csv_sql.plain_whole_columns`); False (and nothing inserted) when it does not, when the
    insert stops (one statement: nothing of it stays), or when it inserted other than one row per line (then its
    rows are taken out again: their ids are the file's, new to the table, whose report_id is its primary key)."""
    import duckdb

    proven = W.plain_whole_columns(db, path, header)
    if proven is None:
        return False
    [[before]] = db.query(f"SELECT count(*) FROM {table}")
    try:
        insert(True, True, proven.keys)
    except duckdb.Error:
        return False
    [[after]] = db.query(f"SELECT count(*) FROM {table}")
    if after - before == proven.lines:
        return True
    ids = f"SELECT report_id FROM {_duckdb_source(path, header, proven.keys)}"
    db.script(f"DELETE FROM {table} WHERE report_id IN ({ids})")
    return False


def _put_read(db: Database, table: str, read: dict[str, WideLine], refused: Refused | None) -> None:
    """Insert the reports read by gaidsl's reader, and say their refused values in ``refused``."""
    insert_read(db, table, read.values())
    if refused is not None:
        refused.update({i: line.cells for i, line in read.items() if line.cells})


def _load_postgres(db: Database, path: str | Path, header: Sequence[str], table: str, refused: Refused | None) -> None:
    """The file COPYed once into a staging table of texts (any CSV of the header's width goes in: there is no second
    COPY), its odd lines found in one set-based query (:func:`_postgres_plain`: a line is plain when each of its
    counts and integers is blank or 1 to 15 digits, and its amounts and dates match their plain patterns),
    their odd cells judged by gaidsl's reader; then the plain lines inserted with plain casts, where every value
    converts (no CASE per cell), and the odd lines read by gaidsl's reader :data:`SETTLE_CHUNK` at a time and
    inserted as it reads them (a refused value unknown, said in ``refused``; without ``refused``, a refusal is a
    :class:`WideCsvError` and nothing is loaded). The cast of a plain text gives what gaidsl's reader gives on every
    PostgreSQL version (16 takes ``0x10`` and ``1_000`` in a BIGINT: those are odd, read by gaidsl's reader)."""
    staging, odd_ids = "gaidsl_staging", "gaidsl_odd_ids"
    raw = {h: f"c{i}" for i, h in enumerate(header)}
    columns = ", ".join(f"{raw[h]} TEXT" for h in header)
    db.script(
        f"DROP TABLE IF EXISTS {staging}; DROP TABLE IF EXISTS {odd_ids}; "
        f"CREATE TEMPORARY TABLE {staging} ({columns}); CREATE TEMPORARY TABLE {odd_ids} (report_id TEXT PRIMARY KEY)"
    )
    try:
        copy_sql = f"COPY {staging} FROM STDIN (FORMAT csv, HEADER true)"
        with db.connection.cursor() as cursor, open(path, "rb") as data, cursor.copy(copy_sql) as copy:
            while block := data.read(1 << 20):
                copy.write(block)
        rows = _postgres_problem_rows(db, header, raw, staging)
        said, by_report = _refusals(db, rows, verify=False)
        if said and refused is None:
            raise WideCsvError(path, said, by_report)
        ids = _settled_ids(path, said, by_report) | {row[0] for row in rows}  # every line with an odd cell
        with db.connection.cursor() as cursor, cursor.copy(f"COPY {odd_ids} (report_id) FROM STDIN") as copy:
            for report_id in ids:
                copy.write_row((report_id,))
        source = {h: f"NULLIF(s.{raw[h]}, '')" for h in header}  # a quoted "" is blank, as an unquoted empty
        select = ", ".join(_select(db, header, source, "TRUE"))
        db.script(
            f"INSERT INTO {table} SELECT {select} FROM {staging} AS s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {odd_ids} AS o WHERE o.report_id = s.{raw['report_id']})"
        )
    finally:
        db.script(f"DROP TABLE IF EXISTS {staging}; DROP TABLE IF EXISTS {odd_ids}")
    lines = read_wide_rows(db.spec, path, only=ids) if ids else iter(())
    while chunk := list(itertools.islice(lines, SETTLE_CHUNK)):
        refuse(path, chunk)
        _put_read(db, table, {line.report_id: line for line in chunk}, refused)


def _postgres_plain(db: Database, header: Sequence[str], source: dict[str, str]) -> str:
    """PostgreSQL: SQL telling a plain line of the staging table (every value's plain cast gives what gaidsl's reader
    gives): each of its counts and integers is blank or 1 to 15 digits (one pattern per line over the row of them,
    :func:`_digit_rows`; a quoted empty value is odd, for gaidsl's reader), and each amount and date is blank or
    plain."""
    whole, others = _by_kind(db, header)
    tests = []
    if whole:
        tests.append(_digit_rows([source[W.csv_key(c)] for _, c in whole]))
    for _, column in others:
        text = source[W.csv_key(column)]
        tests.append(f"({text} IS NULL OR {W.is_plain('postgres', column, text)})")
    return " AND ".join(tests) or "TRUE"


def _postgres_problem_rows(
    db: Database, header: Sequence[str], source: dict[str, str], staging: str
) -> list[tuple[Any, ...]]:
    """``(report_id, copies, problems, odd)`` of every report of the staging table with something to say: a repeated
    or missing report_id, a problem of the table (:func:`wide_csv_sql.sql_problems`), odd cells (only on the lines
    :func:`_postgres_plain` does not find plain: one test per line, the cells' tests on the few others). Only the
    lines with something to say are grouped (the repeated report ids found by a grouping of the ids alone): a
    grouping of every line by its report id, each group holding the texts found, outgrew the server's working memory
    and took as long again as the tests."""
    problems = W.sql_problems(db, header, source)
    found = ", ".join(f"CASE WHEN {bad} THEN {message} END" for bad, message in problems)
    flagged = f"NULLIF(concat_ws('; ', {found}), '')" if problems else "CAST(NULL AS TEXT)"
    names = set(header)
    odd = W.odd_list(
        "postgres",
        [
            W.odd_item("postgres", i, c, source[W.csv_key(c)])
            for i, c in enumerate(db.columns)
            if W.kind(c) is not None and W.csv_key(c) in names
        ],
    )
    plain = _postgres_plain(db, header, source)
    report_id = f"NULLIF({source['report_id']}, '')"
    rows = (
        f"SELECT {report_id} AS report_id, {flagged} AS problems, "
        f"CASE WHEN NOT ({plain}) THEN {odd} END AS odd FROM {staging}"
    )
    repeated = f"SELECT {report_id} FROM {staging} GROUP BY 1 HAVING count(*) > 1"
    return db.query(
        f"SELECT report_id, count(*), min(problems), min(odd) FROM ({rows}) AS x WHERE report_id IS NULL "
        f"OR problems IS NOT NULL OR odd IS NOT NULL OR report_id IN ({repeated}) GROUP BY report_id"
    )
