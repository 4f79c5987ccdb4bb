"""Wide CSV: many reports in one file, one per line, for batches of millions (``gaidsl.engines``, the benchmark).

The columns: ``report_id``, optional ``previous_id`` (last year's report in the same table), then one per key: cell
keys (``requests.received.natural``), ``fields.KEY``, ``texts.KEY``. Values are written as in data files: a number
as written, empty for blank, ``unknown`` for unknown. Standard CSV: commas, double quotes, a header line.
:func:`load_wide_csv` loads such a file straight into an engine's reports table (DuckDB's CSV reader, PostgreSQL's
COPY); :func:`read_wide_csv` and :func:`wide_csv_data` read it in Python (reports, or data dicts for the generated
validators); :func:`write_wide_csv` writes one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from gaidsl import ir
from gaidsl.engines import REPORTS, Database, sql_target
from gaidsl.report import BLANK, UNKNOWN, UNKNOWN_MARKER, Report


def wide_header(spec: ir.Spec) -> list[str]:
    """The columns of a wide CSV: report_id, previous_id, fields.KEY…, texts.KEY…, cell keys (numeric cells)."""
    return [
        "report_id",
        "previous_id",
        *(f"fields.{k}" for k in spec.fields),
        *(f"texts.{k}" for k in spec.texts),
        *(k for k, c in spec.cells.items() if c.type.numeric),
    ]


def _csv_text(value: object) -> str:
    if value is BLANK or value is None:
        return ""
    if value is UNKNOWN:
        return UNKNOWN_MARKER
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def write_wide_csv(spec: ir.Spec, reports: Iterable[tuple[str, Report, str | None]], path: str | Path) -> None:
    header = wide_header(spec)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for report_id, report, previous_id in reports:
            row = [report_id, previous_id or ""]
            row += [_csv_text(report.fields.get(k, BLANK)) for k in spec.fields]
            row += [_csv_text(report.texts.get(k, BLANK)) for k in spec.texts]
            row += [_csv_text(report.values.get(k, BLANK)) for k in header[len(row) :]]
            writer.writerow(row)


def read_wide_csv(spec: ir.Spec, path: str | Path) -> Iterator[tuple[str, Report, str | None]]:
    """The reports of a wide CSV (for the evaluator and Python validators)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for line in reader:
            fields: dict[str, Any] = {}
            texts: dict[str, Any] = {}
            values: dict[str, Any] = {}
            report_id, previous_id = "", None
            for name, text in zip(header, line, strict=True):
                if name == "report_id":
                    report_id = text
                elif name == "previous_id":
                    previous_id = text or None
                elif text == "":
                    continue
                elif name.startswith("texts."):
                    texts[name[6:]] = UNKNOWN if text == UNKNOWN_MARKER else text
                elif name.startswith("fields."):
                    key = name[7:]
                    numeric = spec.fields[key].type.numeric
                    fields[key] = UNKNOWN if text == UNKNOWN_MARKER else Decimal(text) if numeric else text
                else:
                    values[name] = UNKNOWN if text == UNKNOWN_MARKER else Decimal(text)
            yield report_id, Report(spec.id, spec.version, fields, texts, values), previous_id


def wide_csv_data(spec: ir.Spec, path: str | Path) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """The reports of a wide CSV as data dicts (values as written, blanks left out), the shape data files have and
    the generated validators take: ``(report_id, data, previous_id)``."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = {name: i for i, name in enumerate(header)}
        fields = [(i, h[7:]) for i, h in enumerate(header) if h.startswith("fields.")]
        texts = [(i, h[6:]) for i, h in enumerate(header) if h.startswith("texts.")]
        cells = [(i, h) for i, h in enumerate(header) if h in spec.cells]
        previous = at.get("previous_id")
        for line in reader:
            data = {
                "format": spec.id,
                "version": spec.version,
                "fields": {k: line[i] for i, k in fields if line[i]},
                "texts": {k: line[i] for i, k in texts if line[i]},
                "values": {k: line[i] for i, k in cells if line[i]},
            }
            yield line[at["report_id"]], data, (line[previous] or None) if previous is not None else None


def _from_text(column: Any, source: str) -> str:
    """SQL turning the text ``source`` (NULL when empty) into the column's value."""
    kind = column.type.kind if column.type else None
    unknown = f"{source} = '{UNKNOWN_MARKER}'"
    if column.role == "places":
        return (
            f"CASE WHEN {source} IS NULL OR {unknown} THEN NULL WHEN strpos({source}, '.') = 0 THEN 0 "
            f"ELSE length(trim({source})) - strpos(trim({source}), '.') END"
        )
    if kind in ("count", "integer", "amount", "date"):
        sql_type = column.sql_type.split(" CHECK")[0]
        return f"CASE WHEN {unknown} THEN NULL ELSE CAST(trim({source}) AS {sql_type}) END"
    return f"CASE WHEN {unknown} THEN NULL ELSE {source} END"


def _unknown_item(dialect: str, text: str, key: str) -> str:
    """An item of the list of unknown keys: DuckDB lists are flattened (no lambdas: their syntax is changing);
    PostgreSQL arrays drop their NULLs."""
    if dialect == "duckdb":
        return f"CASE WHEN {text} = '{UNKNOWN_MARKER}' THEN [{key}] ELSE [] END"
    return f"CASE WHEN {text} = '{UNKNOWN_MARKER}' THEN {key} END"


def _csv_key(column: Any) -> str:
    """The wide-CSV column a table column is read from."""
    if column.role in ("field", "text"):
        return f"{column.role}s.{column.key}"
    if column.role == "places" and "." not in column.key:
        return f"fields.{column.key}"
    return str(column.key)


def _wide_select(db: Database, header: Sequence[str], typed: Sequence[str]) -> str:
    """The SELECT list turning a wide CSV's columns into the reports table's; ``typed`` columns were read by the CSV
    reader as their SQL type already (so they hold no "unknown"), the others as text."""
    target = sql_target()
    names, typed_names = set(header), set(typed)
    select: list[str] = []
    unknown: list[str] = []
    for column in db.columns:
        key = _csv_key(column)
        quoted = target.ident(key)
        if column.role in ("id", "previous", "format", "version"):
            default = {"format": db.spec.id, "version": db.spec.version}.get(column.role)
            if key in names:
                select.append(f"NULLIF({quoted}, '')")
            else:
                select.append("NULL" if default is None else target.literal(default, db.dialect))
        elif column.role == "unknown":
            items = ", ".join(unknown)
            if db.dialect == "duckdb":
                select.append(f"flatten([{items}])" if unknown else "[]")
            else:
                select.append(f"array_remove(ARRAY[{items}]::text[], NULL)" if unknown else "'{}'")
        elif key not in names:
            select.append("NULL")
        elif key in typed_names and column.role != "places":
            select.append(quoted)
        else:
            text = f"NULLIF({quoted}, '')"
            select.append(_from_text(column, text))
            if column.role != "places":
                unknown.append(_unknown_item(db.dialect, text, target.literal(key, db.dialect)))
    return ", ".join(select)


def _copy_typed(db: Database, path: str | Path, header: Sequence[str], table: str) -> bool:
    """PostgreSQL: COPY the file straight into the typed table (it parses numbers, dates and blanks itself); False
    when it can't (an "unknown", a column of another name), leaving the table as it was."""
    import psycopg

    by_key = {_csv_key(c): c for c in db.columns if c.role not in ("places", "unknown")}
    if any(h not in by_key for h in header) or "report_id" not in header:
        return False
    names = ", ".join(by_key[h].quoted for h in header)
    target = sql_target()
    for column, value in (("format", db.spec.id), ("version", db.spec.version)):
        db.script(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {target.literal(value, 'postgres')}")
    copy_sql = f"COPY {table} ({names}) FROM STDIN (FORMAT csv, HEADER true)"
    try:
        with db.connection.transaction(), db.connection.cursor() as cursor, open(path, "rb") as data:
            copy = cursor.copy(copy_sql)
            with copy as stream:
                while chunk := data.read(1 << 20):
                    stream.write(chunk)
    except (psycopg.errors.DataError, psycopg.errors.IntegrityError):
        return False
    return True


def load_wide_csv(db: Database, path: str | Path, table: str = REPORTS) -> int:
    """Load a wide CSV file into ``table`` (DuckDB or PostgreSQL) in bulk; returns the number of reports.

    The file is standard CSV (comma-separated, double quotes, a header line; no sniffing). DuckDB first lets its CSV
    reader parse counts, integers and dates itself (fast); when a column holds something else ("unknown", or a
    mistake), it reads every column as text and converts in SQL, so the error names the value.
    """
    target = sql_target()
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    if db.dialect == "duckdb":
        import duckdb

        by_key = {_csv_key(c): c for c in db.columns if c.role in ("field", "cell")}
        native = {
            h: by_key[h].sql_type.split()[0]
            for h in header
            if h in by_key and by_key[h].type.kind in ("count", "integer", "date")
        }
        file = target.literal(str(path), "duckdb")
        for typed in (native, {}):
            types = ", ".join(f"{target.literal(h, 'duckdb')}: '{typed.get(h, 'VARCHAR')}'" for h in header)
            dialect = "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"'"
            source = f"read_csv({file}, {dialect}, columns = {{{types}}})"
            try:
                db.connection.execute(
                    f"INSERT INTO {table} SELECT {_wide_select(db, header, list(typed))} FROM {source}"
                )
                break
            except (duckdb.ConversionException, duckdb.InvalidInputException):
                if not typed:
                    raise
    elif db.dialect == "postgres" and _copy_typed(db, path, header, table):
        pass
    elif db.dialect == "postgres":
        source = "gaidsl_staging"
        columns = ", ".join(f"{target.ident(h)} TEXT" for h in header)
        db.script(f"DROP TABLE IF EXISTS {source}; CREATE TEMPORARY TABLE {source} ({columns})")
        copy_sql = f"COPY {source} FROM STDIN (FORMAT csv, HEADER true)"
        with db.connection.cursor() as cursor, open(path, "rb") as data, cursor.copy(copy_sql) as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        db.connection.execute(f"INSERT INTO {table} SELECT {_wide_select(db, header, [])} FROM {source}")
        db.script(f"DROP TABLE {source}")
    else:
        raise ValueError("wide CSV loading is for duckdb and postgres")
    return int(db.query(f"SELECT count(*) FROM {table}")[0][0])
