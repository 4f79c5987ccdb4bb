"""The SQL behind :mod:`gaidsl.checking.wide_csv`: a wide CSV's texts turned into the reports table's values, and the
cells
whose text needs a closer look found, on DuckDB and PostgreSQL.

A number or date cell's text is *plain* when the engine's own conversion is known to give what gaidsl's data-file
reader (:mod:`gaidsl.checking.data`) gives: at most 15 ASCII digits for counts and integers, digits with at most the
stored
decimals for amounts, ``YYYY-MM-DD`` with a month and a day every month has for dates. Anything else is *odd*:
``0.5`` (DuckDB's cast rounds it to 1), ``1_000``, ``0x10``, `` 3``, ``2.0``, ``unknown``, spaces, ``2024-1-5`` …
The engine lists a line's odd cells (index and text); the reader's own rules decide on each distinct one in Python
(:func:`judge`): refused, it is a :class:`~gaidsl.checking.wide_csv.WideCsvError` naming the report, key and value;
accepted,
the engine's conversion of the same text is checked to give the reader's value (and decimal places) before anything
computed from it is trusted. DuckDB tells plain lines from the others with one regular expression over a line's
counts put together: the common line costs one match, not one per cell. Before that, :func:`plain_whole_columns`
tries to prove, in one quick pass over the file's physical lines, that every count and integer in the file is plain:
then DuckDB's CSV reader can read those columns as numbers itself, which is twice as fast as reading text and
converting it.

The proof is a quarter of the DuckDB engine's CPU on the synthetic 2021 file (0.30–0.35 s of ~1.15 s at 100,000
reports): reading the lines costs 0.05 s, the pattern the rest, at the speed of RE2's automaton on any pattern (even
``.*`` takes 0.20 s: some 3 ns a byte of a 610-byte line). Measured and left (issue 19): ``ltrim(x, '0123456789')``
per count column (5.5 s: a call per cell), ``ltrim`` or a pattern over the counts put together (0.78–0.86 s with
the text read), ``translate`` on the line (0.37 s), Python's ``re`` on the bytes (0.5 s); ``[0-9]*`` for
``[0-9]{0,15}`` (a smaller automaton, 0.06 s less) with the bound tested on the numbers read instead: no gain end to
end. Reading the counts as text and testing them in the same query costs more than the proof saves. DuckDB's
BIGINT, DECIMAL and VARINT conversions all take ``0.5`` and ``+3`` (BIGINT ``1_000`` and ``0x10`` too), so no typed
read proves anything by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from gaidsl.checking.data import read_entry
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER
from gaidsl.engines.database import Database
from gaidsl.language.diagnostics import Diagnostic
from gaidsl.language.messages import CATALOG
from gaidsl.targets.sql.dialects import Column, dialect, literal

WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
"""What ``str.strip()`` (and so the data-file reader) takes off a value's ends."""
PLAIN = '"gaidsl#plain"'
PROBLEMS = '"gaidsl#problems"'
ODD = '"gaidsl#odd"'
_DATE = (  # every such date exists (29 February is left to the reader)
    "[1-9][0-9]{3}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
)


_CSV_FIELD = '(?:[^,"]*|"(?:[^"]|"")*")'
"""A CSV field that is whole on its physical line: unquoted without quotes, or quoted with its quotes doubled."""


class PlainWhole(NamedTuple):
    """What :func:`plain_whole_columns` proved of a wide CSV: ``keys``, its count and integer columns, hold digits
    only (or nothing) on each of its ``lines`` lines (the header and empty lines not counted)."""

    keys: tuple[str, ...]
    lines: int
    odd: tuple[str, ...] = ()
    """The physical lines (as text) that do not show digits there, when the caller allowed some."""


def plain_whole_columns(
    db: Database, path: str | Path, header: Sequence[str], odd_allowed: int = 0
) -> PlainWhole | None:
    """DuckDB: proof, from one pass over the file's physical lines, that every count and integer column of a wide CSV
    holds only digits or nothing, so that the CSV reader may read them as BIGINT; None when that cannot be shown (a
    line with an odd cell, a text with a line break in it, a byte the line reader splits on …) or the file has no
    such column. Each line must match one regular expression made from the header: digits for those columns, any
    CSV field that ends on the same line for the others. The CSV reader's records are the physical lines only when
    it reads as many records as this found lines (a record spanning two lines has two non-empty lines); the caller
    checks that, and that no number read reaches the bound (digits alone say nothing of the length).
    ``odd_allowed``: up to that many lines may fail the pattern (a count of 16 digits or more does too): they come
    back as text, for gaidsl's reader, and the proof holds for the others."""
    keys = {csv_key(c) for c in db.columns if kind(c) == "whole"} & set(header)
    if not db.sql.reads_csv or not keys:
        return None
    import duckdb  # imported here: only the wide CSV engine needs it

    fields = {name: _CSV_FIELD for name in header} | {name: "[0-9]{0,15}" for name in keys}
    if odd_allowed:  # amounts and dates plain too: a line with an odd one is read by gaidsl's reader alone
        for column in db.columns:
            if kind(column) in ("amount", "date") and csv_key(column) in fields:
                fields[csv_key(column)] = f"(?:{_pattern(column, 'duckdb')})?"
    pattern = ",".join(fields[name] for name in header)
    lines = (
        f"read_csv({literal(str(path), 'duckdb')}, columns = {{'l': 'VARCHAR'}}, delim = '\x01', "
        "quote = '', escape = '', header = true, auto_detect = false)"
    )
    bad = f"NOT regexp_full_match(l, {literal(pattern, 'duckdb')})"
    # and the odd lines themselves when some are allowed, up to one more than that (memory stays bounded)
    some = f", min_by(l, 0, {odd_allowed + 1}) FILTER (WHERE {bad})" if odd_allowed else ""
    query = f"SELECT count(l), count(l) FILTER (WHERE {bad}){some} FROM {lines}"
    try:
        found = db.query(query)[0]
    except duckdb.Error:  # a line the line reader cannot take (a \x01 in a text): the file is read the careful way
        return None
    count, odd = found[0], found[1]
    keys_found = tuple(name for name in header if name in keys)
    if odd == 0:
        return PlainWhole(keys_found, count)
    if odd > odd_allowed:
        return None
    return PlainWhole(keys_found, count, tuple(found[2]))


def csv_key(column: Column) -> str:
    """The wide-CSV column a table column is read from."""
    if column.role in ("field", "text"):
        return f"{column.role}s.{column.key}"
    if column.role == "places" and "." not in column.key:
        return f"fields.{column.key}"
    return str(column.key)


def kind(column: Column) -> str | None:
    """``whole`` (counts, integers), ``amount`` or ``date`` for the columns whose text is converted, else None."""
    if column.role not in ("field", "cell") or column.type is None:
        return None
    found = column.type.kind
    return "whole" if found in ("count", "integer") else found if found in ("amount", "date") else None


def _pattern(column: Column, dialect_name: str) -> str:
    """The regular expression (whole text) of a plain text of ``column``."""
    found = kind(column)
    if found == "whole":
        return "[0-9]{1,15}"
    if found == "date":
        return _DATE
    decimals = column.cell_type.decimals
    places = column.scale if dialect(dialect_name).amounts == "decimal" else decimals
    fraction = "" if places == 0 else "(\\.[0-9]+)?" if places is None else f"(\\.[0-9]{{1,{places}}})?"
    return f"[0-9]{{1,15}}{fraction}"


def is_plain(dialect_name: str, column: Column, text: str) -> str:
    """SQL: TRUE when ``text`` (not NULL) is plain."""
    d = dialect(dialect_name)
    head, tail = d.regexp_anchors
    pattern = literal(f"{head}{_pattern(column, dialect_name)}{tail}", dialect_name)
    return d.regexp_full_match.format(text=text, pattern=pattern)


def stripped(dialect_name: str, text: str) -> str:
    return f"{dialect(dialect_name).trim_function}({text}, {literal(WHITESPACE, dialect_name)})"


def _sql_type(column: Column) -> str:
    return str(column.sql_type.split(" CHECK")[0])


def plain_value(column: Column, text: str) -> str:
    """SQL: the value of a plain ``text`` (NULL stays NULL)."""
    return f"CAST({text} AS {_sql_type(column)})"


def careful_value(dialect_name: str, column: Column, text: str) -> str:
    """SQL: the value of any text the reader accepts (blank and unknown give NULL). On DuckDB a text it refuses gives
    NULL or some value; on PostgreSQL an error: there it is only used once every odd text was judged."""
    s = stripped(dialect_name, text)
    target = _sql_type(column)
    if dialect(dialect_name).try_cast:
        return f"TRY_CAST({s} AS {target})"
    through = "NUMERIC" if kind(column) == "whole" else target
    value = f"CAST({s} AS {through})" if through == target else f"CAST(CAST({s} AS {through}) AS {target})"
    return f"(CASE WHEN {s} IN ('', '{UNKNOWN_MARKER}') THEN NULL ELSE {value} END)"


def plain_places(text: str) -> str:
    """DuckDB: the decimal places of a plain amount ``text``."""
    return f"(CASE WHEN strpos({text}, '.') = 0 THEN 0 ELSE length({text}) - strpos({text}, '.') END)"


def careful_places(dialect_name: str, column: Column, text: str) -> str:
    """DuckDB: the decimal places of any amount the reader accepts (``1.5e2``: 0, ``1e-1``: 1), as it counts them."""
    s = stripped(dialect_name, text)
    mantissa = f"regexp_extract({s}, '^[^eE]*')"
    exponent = f"COALESCE(TRY_CAST(regexp_extract({s}, '[eE]([+-]?[0-9]+)$', 1) AS INTEGER), 0)"
    fraction = f"(CASE WHEN strpos({mantissa}, '.') = 0 THEN 0 ELSE length({mantissa}) - strpos({mantissa}, '.') END)"
    value = careful_value(dialect_name, column, text)
    return f"(CASE WHEN {value} IS NULL THEN NULL ELSE greatest(0, {fraction} - {exponent}) END)"


def unknown_test(dialect_name: str, column: Column, text: str) -> str:
    """SQL: TRUE when ``text`` says unknown (for numbers and dates the reader takes spaces off first)."""
    if kind(column) is None:
        return f"{text} = '{UNKNOWN_MARKER}'"
    return f"{stripped(dialect_name, text)} = '{UNKNOWN_MARKER}'"


def odd_item(dialect_name: str, index: int, column: Column, text: str) -> str:
    """SQL: NULL, or ``index:length:text`` when ``text`` is odd (for :func:`odd_cells` to read back)."""
    return (
        f"CASE WHEN NOT COALESCE({is_plain(dialect_name, column, text)}, TRUE) "
        f"THEN '{index}:' || CAST(length({text}) AS VARCHAR) || ':' || {text} END"
    )


def odd_list(dialect_name: str, items: Sequence[str]) -> str:
    """SQL: the odd items put together (NULL when there are none); PostgreSQL functions take at most 100 arguments."""
    if not items:
        return "CAST(NULL AS VARCHAR)"
    if dialect(dialect_name).variadic_concat:
        return f"NULLIF(concat_ws('', {', '.join(items)}), '')"
    return "NULLIF(" + " || ".join(f"COALESCE({item}, '')" for item in items) + ", '')"


def odd_cells(found: str) -> Iterable[tuple[int, str]]:
    """The ``(column index, text)`` pairs of an odd list the SQL put together."""
    at = 0
    while at < len(found):
        index, length, rest = found[at:].split(":", 2)
        size = int(length)
        yield int(index), rest[:size]
        at += len(index) + len(length) + 2 + size


def message(dialect_name: str, code: str, values: dict[str, str], **args: object) -> str:
    """SQL for the English text of the data-file message ``code`` (gaidsl.language.messages), the ``values`` spliced in
    as SQL
    expressions (text); ``code=""``: a value the table's CHECK ``rule`` refuses."""

    template = CATALOG[code].en if code else "{key} ({label}): {value} breaks the rule {rule}"
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(values)}
    pieces = template.format(**args, **marks).split("\x00")
    sql = [
        values[list(values)[int(piece)]] if i % 2 else literal(piece, dialect_name)
        for i, piece in enumerate(pieces)
        if piece or i % 2
    ]
    return "(" + " || ".join(sql) + ")"


def shown(text: str) -> str:
    return f"(CASE WHEN length({text}) <= 40 THEN {text} ELSE left({text}, 39) || '…' END)"


def sql_problems(db: Database, header: Sequence[str], source: dict[str, str]) -> list[tuple[str, str]]:
    """``(condition, message)`` of what the reports table refuses that the odd cells do not cover: a blank format or
    version column, a choice that is not one of the choices. ``source``: a column's text by its csv key."""
    out: list[tuple[str, str]] = []
    names = set(header)
    for column in db.columns:
        key = csv_key(column)
        if key not in names:
            continue
        text = f"NULLIF({source[key]}, '')"
        if column.role in ("format", "version"):
            out.append((f"({text} IS NULL)", literal(f"{key} is blank", db.dialect)))
        elif column.role == "field" and column.cell_type.kind == "choice":
            options = ", ".join(literal(c, db.dialect) for c in column.cell_type.choices)
            choices = "、".join(f"「{c}」" for c in column.cell_type.choices)
            bad = f"COALESCE({text} NOT IN ({options}) AND {text} <> '{UNKNOWN_MARKER}', FALSE)"
            args: dict[str, object] = {"key": key, "label": column.label, "choices": choices}
            out.append((bad, message(db.dialect, "GAI719", {"value": shown(text)}, **args)))
    return out


# ---------------------------------------------------------------------------------------------------- judging


def judge(
    db: Database, found: Iterable[tuple[str | None, str]], verify: bool = True
) -> dict[str | None, list[tuple[str, str]]]:
    """What is wrong with the odd cells ``(report_id, odd list)``, by report: the data-file reader's message for a
    text it refuses; for a text it accepts, a message when the engine's conversion of it does not give the reader's
    value (a mantissa of 30 digits, say; not with ``verify=False``, when the reader's value is what is stored).
    Each distinct (column, text) is judged once."""

    verdicts: dict[tuple[int, str], tuple[str, str] | None] = {}
    accepted: dict[int, dict[str, object]] = {}
    by_report: list[tuple[str | None, list[tuple[int, str]]]] = []
    for report_id, odd in found:
        cells = list(odd_cells(odd))
        by_report.append((report_id, cells))
        for index, text in cells:
            if (index, text) in verdicts:
                continue
            column = db.columns[index]
            value, diagnostics = read_entry(db.spec, csv_key(column), text)
            verdicts[index, text] = None
            if diagnostics:
                diagnostic = diagnostics[0]
                args = {**diagnostic.args, "key": csv_key(column), "label": column.label}
                verdicts[index, text] = diagnostic.code, Diagnostic(diagnostic.code, "error", None, args).message.en
            else:
                accepted.setdefault(index, {})[text] = value
    for index, texts in accepted.items() if verify else ():
        for text, problem in _verify(db, db.columns[index], texts).items():
            verdicts[index, text] = "", problem
    out: dict[str | None, list[tuple[str, str]]] = {}
    for report_id, cells in by_report:
        said = [verdict for cell in cells if (verdict := verdicts[cell]) is not None]
        if said:
            out.setdefault(report_id, []).extend(said)
    return out


def _verify(db: Database, column: Column, texts: dict[str, object]) -> dict[str, str]:
    """The accepted odd ``texts`` (and the reader's values) whose conversion by the engine differs, with a message."""
    items = [literal(t, db.dialect) for t in texts]
    rows = f"unnest({db.sql.text_array.format(items=', '.join(items))})"
    places = "NULL"
    if db.sql.amounts == "decimal" and kind(column) == "amount":  # NUMERIC keeps the places itself
        places = careful_places(db.dialect, column, "t")
    query = f"SELECT t, {careful_value(db.dialect, column, 't')}, {places} FROM (SELECT {rows} AS t) AS x"
    out: dict[str, str] = {}
    for text, got, got_places in db.query(query):
        expected = texts[text]
        if expected is BLANK or expected is UNKNOWN:
            ok = got is None
        elif isinstance(expected, Decimal):
            exponent = expected.as_tuple().exponent
            assert isinstance(exponent, int)
            want_places = max(0, -exponent)
            if isinstance(got, Decimal) and got_places is None and kind(column) == "amount":
                got_places = max(0, -int(got.as_tuple().exponent))
            ok = got is not None and Decimal(got) == expected
            ok = ok and (kind(column) != "amount" or got_places == want_places)
        else:
            ok = isinstance(got, date) and got.isoformat() == expected
        if not ok:
            written = f"{expected:f}" if isinstance(expected, Decimal) else str(expected)
            out[text] = (
                f"{csv_key(column)} ({column.label}): '{text}' cannot be stored as written "
                f"(the {db.dialect} table would hold {got!r}); write it as {written}"
            )
    return out
