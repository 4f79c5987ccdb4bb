"""What gaidsl knows of its SQL engines, as data: one frozen :class:`Dialect` record per engine (DuckDB, PostgreSQL,
SQLite, Spark), the way sqlglot's dialect classes hold their type mappings, plus what every user of the reports table
needs: quoting, the column layout and the result columns of the validation view.

Spark's record is DuckDB's SQL with what Spark lacks taken out (no CHECK constraints, no ``chr`` past U+00FF, no
``regexp_full_match``); its SQL is written in DuckDB's syntax, then parsed into sqlglot's expression tree and written
out as Spark SQL by sqlglot (:func:`transpile`): the dialect's own spellings are sqlglot's data, not ours.

The SQL target (:mod:`gaidsl.targets.sql.target`) and the batch engines (:mod:`gaidsl.engines`) both read this one
module, so a difference between engines is a field here, not a branch on the engine's name in each of them. Public
functions take the dialect's name (``"duckdb"``, ``"postgres"``, ``"sqlite"``), which is what users and the CLI say.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Literal

import attrs
import sqlglot
from sqlglot import expressions as exp

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.language import ir

DIALECTS = ("duckdb", "postgres", "sqlite")
"""The dialects' names, in the order the target builds them."""
ENGINE_DIALECTS = (*DIALECTS, "spark")
"""Every dialect an engine runs (Spark's SQL is written through sqlglot: :func:`transpile`)."""
DEFAULT_DECIMALS = 6
"""Decimal places stored for an amount whose spec gives no ``decimals`` (DuckDB and SQLite)."""
WHITESPACE = tuple(c for c in map(chr, range(0x3001)) if c.isspace())
"""What Python's ``str.strip()`` removes (every such code point is below U+3001): ``empty()`` uses the same set."""
RESULT_COLUMNS = (
    "report_id",
    "ordinal",
    "check_key",
    "severity",
    "position",
    "position_label",
    "section_key",
    "table_key",
    "status",
    "op",
    "left_value",
    "right_value",
    "difference",
    "tolerance",
    "left_text",
    "right_text",
    "rule_zh",
    "rule_en",
)

Amounts = Literal["numeric", "decimal", "scaled"]
"""How a dialect stores an amount: ``numeric`` keeps the scale as written (PostgreSQL ``NUMERIC``, ``scale(x)``);
``decimal`` a ``DECIMAL(38, d)`` plus a ``#places`` column (DuckDB); ``scaled`` an exact integer in units of 10^-d
plus a ``#places`` column (SQLite, which has no decimal type)."""


@attrs.frozen(kw_only=True)
class Dialect:
    """One engine's SQL. Templates are ``str.format`` patterns (their placeholders are named in each field). A default
    is what two of the three engines share, so each record below lists only where its engine differs."""

    name: str
    text_type: str = "TEXT"
    whole_type: str = "BIGINT"  # counts and integers
    amounts: Amounts
    places_type: str = "INTEGER"  # the ``#places`` column (not used by ``numeric`` amounts)
    date_type: str = "DATE"
    date_check: str | None = None  # CHECK of a date column ({q}: the quoted column)
    date_text: str  # a date as ``YYYY-MM-DD`` text ({sql})
    dates_as_text: bool = False  # a date is bound as its ISO text (else as a ``datetime.date``)
    unknown_type: str  # the ``unknown`` column: type, NOT NULL and default
    unknown_check: str | None = None
    unknown_contains: str  # TRUE when key {value} is listed in {alias}.unknown
    unknown_as_json: bool = False  # the ``unknown`` column is bound as a JSON text (else as a list)
    char_function: str = "chr"  # the character with a code point (``chr(13)``)
    char_variadic: bool = False  # it takes many code points at once (SQLite ``char(9, 10, …)``)
    nul_replacement: str | None = None  # text cannot hold NUL: it becomes this
    backslash_escape: bool = False  # a literal with a backslash is written ``E'…'`` (PostgreSQL)
    max_name_bytes: int | None = None  # longer column names are cut (PostgreSQL: 63)
    length_function: str = "length"  # characters of a text
    find_function: str = "strpos"  # 1-based position of a text in another, 0 when absent
    trim_function: str = "trim"  # takes a set of characters off both ends
    # ``empty()`` as a regular expression over the whitespace (DuckDB: far faster than trim)
    empty_by_regexp: bool = False
    regexp_full_match: str  # TRUE when {text} matches {pattern} whole (the pattern anchored by ``regexp_anchors``)
    regexp_anchors: tuple[str, str] = ("^(", ")$")
    shown_decimal: str  # the type of shown values in the validation view ({scale}: decimal places needed)
    true_false: tuple[str, str] = ("TRUE", "FALSE")
    one_scan: bool = False  # the validation view joins each report with a VALUES row per check position (PostgreSQL)
    amounts_comment: str  # how amounts are stored, for the header of ``schema.sql``
    text_array: str  # an array of texts ({items}: comma-separated literals)
    # an item of a list of unknown keys built in SQL ({condition}, {literal})
    unknown_item: str = "CASE WHEN {condition} THEN {literal} END"
    unknown_list: str  # the list of such items ({items}); ``unknown_none`` when there are none
    unknown_none: str
    variadic_concat: bool = True  # ``concat_ws`` takes any number of arguments (PostgreSQL: at most 100)
    try_cast: bool = False  # ``TRY_CAST`` exists (NULL for a text it cannot convert)
    reads_csv: bool = False  # reads a CSV file itself in a query (DuckDB's read_csv): a wide CSV is checked in one pass
    loads_wide_csv: bool = True  # gaidsl.engines.wide_csv loads a wide CSV in bulk here (its fields above serve that)
    # the SQL above is DuckDB's syntax, written out by sqlglot in this sqlglot dialect (None: used as it is)
    sqlglot_dialect: str | None = None
    # regexp_full_match(t, p) written as sqlglot's RegexpLike (a search) with ``p`` between these anchors
    full_match_anchors: tuple[str, str] = ("^(?:", ")$")

    def char(self, text: str) -> str:
        """SQL for ``text`` spelled by code points (for characters no literal should carry)."""
        codes = [str(ord(c)) for c in text]
        if self.char_variadic:
            return f"{self.char_function}({', '.join(codes)})"
        return " || ".join(f"{self.char_function}({code})" for code in codes)

    @property
    def scaled(self) -> bool:
        """Numbers in checks are exact integers times 10^scale (no exact decimal type)."""
        return self.amounts == "scaled"


DUCKDB = Dialect(
    name="duckdb",
    text_type="VARCHAR",
    amounts="decimal",
    places_type="UTINYINT",
    date_text="CAST({sql} AS VARCHAR)",
    unknown_type="VARCHAR[] NOT NULL DEFAULT []",
    unknown_contains="list_contains({alias}.unknown, {value})",
    empty_by_regexp=True,
    regexp_full_match="regexp_full_match({text}, {pattern})",
    regexp_anchors=("", ""),
    shown_decimal="DECIMAL(38, {scale})",
    amounts_comment=(
        '-- Amounts are DECIMAL at the format\'s decimals; "<key>#places" holds the decimal places as reported, '
        "which set the\n-- tolerance of checks (half a unit in the last reported place)."
    ),
    text_array="[{items}]",
    unknown_item="CASE WHEN {condition} THEN [{literal}] ELSE [] END",
    unknown_list="flatten([{items}])",
    unknown_none="[]",
    try_cast=True,
    reads_csv=True,
)
POSTGRES = Dialect(
    name="postgres",
    amounts="numeric",
    date_text="to_char({sql}, 'YYYY-MM-DD')",
    unknown_type="TEXT[] NOT NULL DEFAULT '{}'",
    unknown_contains="{value} = ANY({alias}.unknown)",
    nul_replacement="\ufffd",
    backslash_escape=True,
    max_name_bytes=63,
    length_function="char_length",
    trim_function="btrim",
    regexp_full_match="{text} ~ {pattern}",
    shown_decimal="NUMERIC",
    one_scan=True,
    amounts_comment=(
        "-- Amounts are NUMERIC and keep the scale as reported (scale(x)), which sets the tolerance of checks."
    ),
    text_array="ARRAY[{items}]::text[]",
    unknown_list="array_remove(ARRAY[{items}]::text[], NULL)",
    unknown_none="'{}'",
    variadic_concat=False,
)
SQLITE = Dialect(
    name="sqlite",
    whole_type="INTEGER",
    amounts="scaled",
    date_type="TEXT",
    date_check="date({q}) IS {q}",
    date_text="{sql}",
    dates_as_text=True,
    unknown_type="TEXT NOT NULL DEFAULT '[]'",
    unknown_check='json_valid("unknown")',
    unknown_contains="EXISTS (SELECT 1 FROM json_each({alias}.unknown) WHERE json_each.value = {value})",
    unknown_as_json=True,
    char_function="char",
    char_variadic=True,
    find_function="instr",
    regexp_full_match="{text} REGEXP {pattern}",  # needs a regexp() function: SQLite has none built in
    shown_decimal="REAL",
    true_false=("1", "0"),
    amounts_comment=(
        "-- SQLite has no exact decimal type: an amount is an INTEGER in units of 10^-decimals (7730.28 at 4 "
        'decimals is\n-- 77302800) and "<key>#places" holds the decimal places as reported, which set the '
        "tolerance of checks."
    ),
    text_array="json_array({items})",
    unknown_list="json_array({items})",
    unknown_none="'[]'",
    loads_wide_csv=False,
)
SPARK = attrs.evolve(
    DUCKDB,
    name="spark",
    places_type="INTEGER",
    # Java's regular expressions: ``$`` also matches before a final line break, ``\z`` only at the very end
    full_match_anchors=("^(?:", ")\\z"),
    amounts_comment='-- Amounts are DECIMAL(38, d) plus a "<key>#places" column, as in DuckDB.',
    try_cast=False,
    reads_csv=False,
    loads_wide_csv=False,
    sqlglot_dialect="spark",
)
BY_NAME: dict[str, Dialect] = {d.name: d for d in (DUCKDB, POSTGRES, SQLITE, SPARK)}


def dialect(name: str) -> Dialect:
    """The record of a dialect by its name."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown SQL dialect {name!r} (known: {', '.join(ENGINE_DIALECTS)})") from None


def transpile(sql: str, dialect_name: str) -> str:
    """``sql``, written for ``dialect_name`` in DuckDB's syntax, as that dialect's own SQL: parsed into sqlglot's
    expression tree and written out by sqlglot's generator for the dialect. Two rewrites on the tree first, for what
    the target dialect cannot say the DuckDB way: ``chr(n)`` of a constant becomes the character itself (Spark's
    ``chr`` stops at U+00FF), and ``regexp_full_match(text, pattern)`` becomes a search for the anchored pattern.
    Dialects without a :attr:`Dialect.sqlglot_dialect` get ``sql`` back unchanged (their outputs stay as they are)."""
    d = dialect(dialect_name)
    if d.sqlglot_dialect is None:
        return sql
    head, tail = d.full_match_anchors

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Chr) and len(node.expressions) == 1 and node.expressions[0].is_int:
            return exp.Literal.string(chr(int(node.expressions[0].name)))
        if isinstance(node, exp.RegexpFullMatch):
            text, pattern = node.this, node.expression
            if not (isinstance(pattern, exp.Literal) and pattern.is_string):
                raise Unsupported(f"regexp_full_match needs a constant pattern in {dialect_name}")
            return exp.RegexpLike(this=text, expression=exp.Literal.string(f"{head}{pattern.name}{tail}"))
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(rewrite)
    return tree.sql(dialect=d.sqlglot_dialect)


class Unsupported(ValueError):
    """A check this target cannot express (never dropped silently)."""


# ---------------------------------------------------------------------------------------------------- quoting


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def literal(text: str, dialect_name: str) -> str:
    """A SQL string literal for any text: quotes doubled; PostgreSQL gets an E'' literal when backslashes occur (so
    the result does not depend on ``standard_conforming_strings``). Control characters (a carriage return, say) are
    spliced in as ``chr(n)`` (``char(n)`` in SQLite) so no tool that splits or normalises lines can change them.
    PostgreSQL text cannot hold NUL, so there it becomes U+FFFD."""
    d = dialect(dialect_name)
    if d.nul_replacement is not None:
        text = text.replace("\x00", d.nul_replacement)
    if _CONTROL.search(text):
        pieces: list[str] = []
        last = 0
        for match in _CONTROL.finditer(text):
            if match.start() > last:
                pieces.append(literal(text[last : match.start()], dialect_name))
            pieces.append(f"{d.char_function}({ord(match.group(0))})")
            last = match.end()
        if last < len(text):
            pieces.append(literal(text[last:], dialect_name))
        return "(" + " || ".join(pieces) + ")"
    body = text.replace("'", "''")
    if d.backslash_escape and "\\" in body:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def comment(text: str) -> str:
    """Text safe inside a ``--`` comment: nothing that could end the line (or hide anything) survives."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def column_name(name: str, dialect_name: str) -> str:
    """The column for a key: the key itself; PostgreSQL truncates names past 63 bytes, so a long key becomes its
    first bytes plus ``~`` and a hash there (stable, and distinct for distinct keys)."""
    limit = dialect(dialect_name).max_name_bytes
    if limit is None or len(name.encode()) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    head = name.encode()[: limit - len(digest) - 1].decode(errors="ignore")
    return f"{head}~{digest}"


def places(value: Decimal) -> int:
    """Decimal places of a value as written (``1.50``: 2; ``1E+2``: 0)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


# ---------------------------------------------------------------------------------------------------- the table

Role = Literal["id", "previous", "format", "version", "field", "text", "cell", "places", "unknown"]


@attrs.frozen
class Column:
    """One column of the reports table. ``role``: id, previous, format, version, field, text, cell, places, unknown.
    ``key`` is the data key (cell key, field key, text key; for ``places`` the amount's key)."""

    name: str
    role: Role
    key: str
    sql_type: str
    type: ir.CellType | None = None
    scale: int = 0  # decimals stored (amounts in DuckDB and SQLite)
    label: str = ""
    check: str | None = None

    @property
    def quoted(self) -> str:
        return ident(self.name)

    @property
    def cell_type(self) -> ir.CellType:
        """The type of a value column (field, text, cell, places); the others have none."""
        assert self.type is not None, f"{self.name} holds no report value"
        return self.type


def amount_scale(cell_type: ir.CellType) -> int:
    return cell_type.decimals if cell_type.decimals is not None else DEFAULT_DECIMALS


def _value_columns(d: Dialect, role: Role, key: str, name: str, cell_type: ir.CellType, label: str) -> list[Column]:
    kind = cell_type.kind
    name = column_name(name, d.name)
    q = ident(name)
    bound = int(MAX_MAGNITUDE)
    if kind in ("count", "integer"):
        low = f"{q} >= 0" if kind == "count" else f"{q} > -{bound}"
        return [Column(name, role, key, d.whole_type, cell_type, 0, label, f"{low} AND {q} < {bound}")]
    if kind == "amount":
        scale = amount_scale(cell_type)
        low = f"{q} >= 0" if cell_type.floored else f"{q} > -{bound}"  # a signed amount: no floor
        if d.amounts == "numeric":
            check = f"{low} AND {q} < {bound}"
            if cell_type.decimals is not None:
                check += f" AND scale({q}) <= {cell_type.decimals}"
            return [Column(name, role, key, "NUMERIC", cell_type, 0, label, check)]
        sql_type, limit = (f"DECIMAL(38, {scale})", bound) if d.amounts == "decimal" else ("INTEGER", bound * 10**scale)
        low = low if cell_type.floored else f"{q} > -{limit}"
        value = Column(name, role, key, sql_type, cell_type, scale, label, f"{low} AND {q} < {limit}")
        places_name = column_name(name + "#places", d.name)
        pq = ident(places_name)
        places_check = f"({q} IS NULL) = ({pq} IS NULL) AND {pq} BETWEEN 0 AND {scale}"
        places_label = f"decimal places of {key} as reported"
        return [value, Column(places_name, "places", key, d.places_type, cell_type, scale, places_label, places_check)]
    if kind == "date":
        date_check = None if d.date_check is None else d.date_check.format(q=q)
        return [Column(name, role, key, d.date_type, cell_type, 0, label, date_check)]
    if kind == "choice":
        options = ", ".join(literal(c, d.name) for c in cell_type.choices)
        return [Column(name, role, key, d.text_type, cell_type, 0, label, f"{q} IN ({options})")]
    return [Column(name, role, key, d.text_type, cell_type, 0, label)]


def layout(spec: ir.Spec, dialect_name: str) -> tuple[Column, ...]:
    """Every column of the reports table, in order."""
    d = dialect(dialect_name)
    text_type = d.text_type
    columns = [
        Column("report_id", "id", "report_id", f"{text_type} PRIMARY KEY", label="the report's id"),
        Column("previous_id", "previous", "previous_id", text_type, label="last year's report (report_id)"),
        Column("format", "format", "format", f"{text_type} NOT NULL", label="format id"),
        Column("version", "version", "version", f"{text_type} NOT NULL", label="format version"),
    ]
    for f in spec.fields.values():
        columns += _value_columns(d, "field", f.key, f"fields.{f.key}", f.type, f.label)
    text = ir.CellType("text")
    for t in spec.texts.values():
        columns += _value_columns(d, "text", t.key, f"texts.{t.key}", text, t.label or t.key)
    for cell in spec.cells.values():
        columns += _value_columns(d, "cell", cell.key, cell.key, cell.type, cell.label)
    label = "keys whose NULL means unknown"
    columns.append(Column("unknown", "unknown", "unknown", d.unknown_type, label=label, check=d.unknown_check))
    names = [c.name for c in columns]
    clash = {n for n in names if names.count(n) > 1}
    if clash:
        raise Unsupported(f"two keys share the column name(s) {', '.join(sorted(clash))}")
    return tuple(columns)
