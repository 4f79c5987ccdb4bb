"""Wide CSV: many reports in one file, one per line, for batches of millions (``gaidsl.engines``, the benchmark).

The columns: ``report_id``, optional ``previous_id`` (last year's report in the same table), then one per key: cell
keys (``requests.received.natural``), ``fields.KEY``, ``texts.KEY``. Values are written as in data files: a number
as written, empty for blank, ``unknown`` for unknown. Standard CSV: commas, double quotes, a header line.
:func:`load_wide_csv` loads such a file straight into an engine's reports table (DuckDB's CSV reader, PostgreSQL's
COPY); :func:`wide_csv_failures` finds the failing checks of such a file (on DuckDB in one pass over the file, no
table); :func:`read_wide_csv` and :func:`wide_csv_data` read it in Python (reports, or data dicts for the generated
validators); :func:`write_wide_csv` writes one. A value the reports table cannot hold (a negative count, text in a
count, too many decimals, a repeated report_id) is a :class:`WideCsvError` naming the report, the key and the value.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from gaidsl import ir
from gaidsl.data import MAX_MAGNITUDE
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


def _from_text(column: Any, source: str, cast: str = "CAST") -> str:
    """SQL turning the text ``source`` (NULL when empty) into the column's value; ``cast="TRY_CAST"`` (DuckDB) makes
    a value that is not a number (or date) NULL instead of an error, for :func:`_problems` to name it."""
    kind = column.type.kind if column.type else None
    unknown = f"{source} = '{UNKNOWN_MARKER}'"
    if column.role == "places":
        return (
            f"CASE WHEN {source} IS NULL OR {unknown} THEN NULL WHEN strpos({source}, '.') = 0 THEN 0 "
            f"ELSE length(trim({source})) - strpos(trim({source}), '.') END"
        )
    if kind in ("count", "integer", "amount", "date"):
        sql_type = column.sql_type.split(" CHECK")[0]
        return f"CASE WHEN {unknown} THEN NULL ELSE {cast}(trim({source}) AS {sql_type}) END"
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


def _wide_select(db: Database, header: Sequence[str], typed: Sequence[str], cast: str = "CAST") -> list[str]:
    """The SELECT list turning a wide CSV's columns into the reports table's, one expression per column; ``typed``
    columns were read by the CSV reader as their SQL type already (so they hold no "unknown"), the others as text."""
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
            select.append(_from_text(column, text, cast))
            if column.role != "places":
                unknown.append(_unknown_item(db.dialect, text, target.literal(key, db.dialect)))
    return select


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


SHOWN = 10
"""Problems a :class:`WideCsvError` lists (the rest are counted)."""


class WideCsvError(ValueError):
    """Values of a wide CSV that the reports table cannot hold (what its CHECK constraints and primary key refuse):
    ``problems`` holds one line per report naming the report, the key and the value, by report id."""

    def __init__(self, path: str | Path, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{path}: {count} report{'s' if count != 1 else ''} with values the reports table cannot hold:"]
        lines += [f"  {p}" for p in self.problems[:SHOWN]]
        if count > SHOWN:
            lines.append(f"  … and {count - SHOWN} more")
        super().__init__("\n".join(lines))


Failure = tuple[str, str, str | None]
_DUCKDB_CSV = "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"'"
_PROBLEMS = '"gaidsl#problems"'
_MASK_BITS = 62
"""Check positions per BIGINT mask of :func:`wide_csv_failures` (a sum of distinct powers of two below 2^62)."""


def _header(path: str | Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _native(db: Database, header: Sequence[str]) -> dict[str, str]:
    """DuckDB: the columns its CSV reader can parse as their SQL type (counts, integers, dates)."""
    by_key = {_csv_key(c): c for c in db.columns if c.role in ("field", "cell")}
    return {
        h: by_key[h].sql_type.split()[0]
        for h in header
        if h in by_key and by_key[h].type.kind in ("count", "integer", "date")
    }


def _duckdb_source(path: str | Path, header: Sequence[str], typed: dict[str, str]) -> str:
    target = sql_target()
    types = ", ".join(f"{target.literal(h, 'duckdb')}: '{typed.get(h, 'VARCHAR')}'" for h in header)
    return f"read_csv({target.literal(str(path), 'duckdb')}, {_DUCKDB_CSV}, columns = {{{types}}})"


def _raw(index: int) -> str:
    return f'"gaidsl#raw#{index}"'


def _checked(db: Database, path: str | Path, header: Sequence[str], typed: dict[str, str]) -> str:
    """DuckDB: ``WITH s AS (…), c AS (…)``: the file's lines as rows of the reports table (``s``; a value that does not
    convert is NULL) plus ``"gaidsl#problems"`` (``c``): NULL, or what the table's constraints would refuse in the
    line, with the key and value. Nothing is materialised. Dates are read as text here whatever ``typed`` says: no
    constraint reads them, and DuckDB's CSV reader does not parse a column no one reads."""
    target = sql_target()
    names = set(header)
    typed = {k: t for k, t in typed.items() if t != "DATE"}
    converted = _wide_select(db, header, list(typed), cast="TRY_CAST")
    select = [f"{sql} AS {c.quoted}" for sql, c in zip(converted, db.columns, strict=True)]
    problems: list[tuple[str, str]] = []  # (TRUE when there is a problem, never NULL; its message, a VARCHAR)
    quick: list[str] = []  # TRUE when a line has a problem: the problems' conditions, counts and integers at once
    bounded: dict[str, list[str]] = {"count": [], "integer": []}
    bound = int(MAX_MAGNITUDE)
    for index, column in enumerate(db.columns):
        key = _csv_key(column)
        if key not in names:
            continue
        q = column.quoted
        if column.role in ("format", "version"):
            problems.append((f"({q} IS NULL)", target.literal(f"{key} is blank", "duckdb")))
        if column.role not in ("field", "cell"):
            continue
        kind = column.type.kind
        args: dict[str, object] = {"key": key, "label": column.label}
        conditions: list[tuple[str, str]] = []  # the first that holds says what is wrong
        if key in typed:
            shown = f"CAST({q} AS VARCHAR)"
        else:
            raw = _raw(index)
            select.append(f"NULLIF({target.ident(key)}, '') AS {raw}")
            shown = f"(CASE WHEN length({raw}) <= 40 THEN {raw} ELSE left({raw}, 39) || '…' END)"
            if kind in ("count", "integer", "amount", "date"):
                unconverted = f"({raw} IS NOT NULL AND {raw} <> '{UNKNOWN_MARKER}' AND {q} IS NULL)"
                if kind == "date":
                    expected = {"expected_en": "an ISO date (like 2024-01-31)", "expected": ""}
                    message = _message("GAI713", {"value": shown}, **args, **expected)
                else:
                    message = (
                        f"CASE WHEN TRY_CAST(trim({raw}) AS DOUBLE) IS NULL THEN "
                        f"{_message('GAI704', {'value': shown}, **args)} "
                        f"ELSE {_message('GAI709', {'value': shown}, **args)} END"
                    )
                conditions.append((unconverted, message))
        if column.check is not None:
            refused = f"(NOT COALESCE({column.check}, TRUE))"
            generic = _message("", {"value": shown}, rule=column.check, **args)
            negative = _message("GAI705", {"value": shown}, **args)
            out_of_range = _message("GAI709", {"value": shown}, **args)
            if kind == "count":
                message = f"CASE WHEN {q} < 0 THEN {negative} ELSE {out_of_range} END"
            elif kind == "integer":
                message = out_of_range
            elif kind == "amount":
                places = db.columns[index + 1]
                assert places.role == "places"
                refused = f"({refused} OR NOT COALESCE({places.check}, TRUE))"
                shown_places = {"value": shown, "places": f"CAST({places.quoted} AS VARCHAR)"}
                too_many = _message("GAI707", shown_places, decimals=column.scale, **args)
                message = (
                    f"CASE WHEN {q} < 0 THEN {negative} WHEN {q} >= {bound} THEN {out_of_range} "
                    f"WHEN {places.quoted} > {column.scale} THEN {too_many} ELSE {generic} END"
                )
            elif kind == "choice":
                choices = "、".join(f"「{c}」" for c in column.type.choices)
                message = _message("GAI719", {"value": shown}, choices=choices, **args)
            else:
                message = generic
            conditions.append((refused, message))
        if not conditions:
            continue
        bad = " OR ".join(b for b, _ in conditions)
        whens = " ".join(f"WHEN {b} THEN {m}" for b, m in conditions)
        problems.append((f"({bad})", f"CASE {whens} END"))
        low = {"count": f"{q} >= 0", "integer": f"{q} > -{bound}"}.get(kind)
        if column.check == f"{low} AND {q} < {bound}":  # least() and greatest() of them all: far fewer operations
            bounded[kind].append(q)
            quick += [b for b, _ in conditions[:-1]]
        else:
            quick.append(f"({bad})")
    for kind, columns in bounded.items():
        if columns:
            low = "< 0" if kind == "count" else f"<= -{bound}"
            quick += [f"least({', '.join(columns)}) {low}", f"greatest({', '.join(columns)}) >= {bound}"]
    if problems:
        found = ", ".join(f"CASE WHEN {bad} THEN {message} END" for bad, message in problems)
        flagged = f"CASE WHEN {' OR '.join(quick)} THEN concat_ws('; ', {found}) END"
    else:
        flagged = "CAST(NULL AS VARCHAR)"
    source = _duckdb_source(path, header, typed)
    return f"WITH s AS (SELECT {', '.join(select)} FROM {source}), c AS (SELECT *, {flagged} AS {_PROBLEMS} FROM s)"


def _message(code: str, values: dict[str, str], **args: object) -> str:
    """SQL for the English text of the data-file message ``code`` (gaidsl.messages), the ``values`` spliced in as SQL
    expressions (VARCHAR); ``code=""``: a value the table's CHECK ``rule`` refuses."""
    from gaidsl.messages import CATALOG

    template = CATALOG[code].en if code else "{key} ({label}): {value} breaks the rule {rule}"
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(values)}
    pieces = template.format(**args, **marks).split("\x00")
    target = sql_target()
    sql = [
        values[list(values)[int(piece)]] if i % 2 else target.literal(piece, "duckdb")
        for i, piece in enumerate(pieces)
        if piece or i % 2
    ]
    return "(" + " || ".join(sql) + ")"


def _refusals(rows: Iterable[tuple[Any, ...]]) -> list[str]:
    """One line per report with a problem, by report id, from rows ``(report_id, copies, problems, …)``."""
    out: list[tuple[str, str]] = []
    for report_id, copies, problems, *_ in rows:
        if report_id is None:
            out.append(("", f"{copies} line{'s' if copies != 1 else ''} without a report_id"))
            continue
        said = [f"report_id is on {copies} lines"] if copies > 1 else []
        said += [problems] if problems else []
        if said:
            out.append((report_id, f"report {report_id}: {'; '.join(said)}"))
    return [line for _, line in sorted(out)]


def _duckdb_passes(
    db: Database, path: str | Path, run: Callable[[dict[str, str]], list[tuple[Any, ...]]]
) -> list[tuple[Any, ...]]:
    """``run(typed)`` with DuckDB's CSV reader parsing counts, integers and dates itself (fast), and when a column
    holds something else ("unknown", or a mistake) once more with every column read as text."""
    import duckdb

    native = _native(db, _header(path))
    try:
        return run(native)
    except (duckdb.ConversionException, duckdb.InvalidInputException):
        if not native:
            raise
    return run({})


def _problems(db: Database, path: str | Path) -> list[str]:
    """DuckDB: what the reports table's constraints refuse in the file (see :class:`WideCsvError`)."""
    header = _header(path)

    def run(typed: dict[str, str]) -> list[tuple[Any, ...]]:
        query = (
            f"{_checked(db, path, header, typed)} SELECT report_id, count(*), min({_PROBLEMS}) FROM c "
            f"GROUP BY report_id HAVING count(*) > 1 OR report_id IS NULL OR min({_PROBLEMS}) IS NOT NULL"
        )
        return db.query(query)

    return _refusals(_duckdb_passes(db, path, run))


def wide_csv_failures(db: Database, path: str | Path) -> list[Failure]:
    """``(report_id, check, position)`` of every failing check position of the reports in a wide CSV: what
    :func:`load_wide_csv` followed by :meth:`Database.failures` gives, in no particular order. Checks across periods
    read last year's reports from the database's previous-reports table (``previous_id``).

    DuckDB reads the file once and keeps no table: each line's conditions go into bit masks, only the reports with a
    failure (or a problem) come back. A value the reports table's constraints refuse is a :class:`WideCsvError`.
    PostgreSQL loads the file into the (empty) reports table, where it stays, and queries it."""
    if db.dialect != "duckdb":
        load_wide_csv(db, path)
        return db.failures()
    from gaidsl.engines import PREVIOUS

    header = _header(path)
    branches = sql_target().branches(db.spec, "duckdb")
    words = [branches[i : i + _MASK_BITS] for i in range(0, len(branches), _MASK_BITS)]
    masks = [
        " + ".join(f"(CASE WHEN NOT ({b.condition}) THEN CAST({1 << j} AS BIGINT) ELSE 0 END)" for j, b in enumerate(w))
        for w in words
    ]
    ors = "".join(f", bit_or({m})" for m in masks)
    any_failure = "".join(f" OR bit_or({m}) <> 0" for m in masks)

    def run(typed: dict[str, str]) -> list[tuple[Any, ...]]:
        query = (
            f"{_checked(db, path, header, typed)} SELECT r.report_id, count(*), min(r.{_PROBLEMS}){ors} "
            f"FROM c AS r LEFT JOIN {PREVIOUS} AS p ON p.report_id = r.previous_id GROUP BY r.report_id "
            f"HAVING count(*) > 1 OR r.report_id IS NULL OR min(r.{_PROBLEMS}) IS NOT NULL{any_failure}"
        )
        return db.query(query)

    rows = _duckdb_passes(db, path, run)
    refused = _refusals(rows)
    if refused:
        raise WideCsvError(path, refused)
    failures: list[Failure] = []
    for report_id, _, _, *found in rows:
        for word, mask in zip(words, found, strict=True):
            while mask:
                low = mask & -mask
                branch = word[low.bit_length() - 1]
                failures.append((report_id, branch.check.key, branch.instance.position))
                mask ^= low
    return failures


def load_wide_csv(db: Database, path: str | Path, table: str = REPORTS) -> int:
    """Load a wide CSV file into ``table`` (DuckDB or PostgreSQL) in bulk; returns the number of reports.

    The file is standard CSV (comma-separated, double quotes, a header line; no sniffing). DuckDB first lets its CSV
    reader parse counts, integers and dates itself (fast); when a column holds something else ("unknown", or a
    mistake), it reads every column as text and converts in SQL. What the table's constraints refuse (a negative
    count, text in a count, a repeated report_id …) is a :class:`WideCsvError` naming the report, key and value.
    """
    target = sql_target()
    header = _header(path)
    if db.dialect == "duckdb":
        import duckdb

        [[order]] = db.query("SELECT current_setting('preserve_insertion_order')")
        db.script("SET preserve_insertion_order = false")  # lets the insert run on every thread

        def run(typed: dict[str, str]) -> list[tuple[Any, ...]]:
            select = ", ".join(_wide_select(db, header, list(typed)))
            db.script(f"INSERT INTO {table} SELECT {select} FROM {_duckdb_source(path, header, typed)}")
            return []

        try:
            _duckdb_passes(db, path, run)
        except (duckdb.ConstraintException, duckdb.ConversionException) as exc:
            problems = _problems(db, path)
            if problems:
                raise WideCsvError(path, problems) from exc
            raise
        finally:
            db.script(f"SET preserve_insertion_order = {str(order).lower()}")
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
        db.connection.execute(f"INSERT INTO {table} SELECT {', '.join(_wide_select(db, header, []))} FROM {source}")
        db.script(f"DROP TABLE {source}")
    else:
        raise ValueError("wide CSV loading is for duckdb and postgres")
    return int(db.query(f"SELECT count(*) FROM {table}")[0][0])
