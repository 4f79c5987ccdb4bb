"""SQL: a reports table (one row per report, typed columns named by cell key) and a validation view, for DuckDB (the
embedded default), PostgreSQL and SQLite.

Representation (the same in every dialect; ``README.md`` of the built target says it to users)
    * one row per report: ``report_id``, ``previous_id`` (last year's report, a row of the same table, for checks
      across periods), ``format``, ``version``, then ``fields.<key>``, ``texts.<key>`` and one column per cell, named
      by the cell key (``requests.received.natural``), then ``unknown``;
    * blank is ``NULL``; *unknown* is ``NULL`` too, with its key (cell key, ``fields.x`` or ``texts.x``) listed in the
      ``unknown`` column (DuckDB ``VARCHAR[]``, PostgreSQL ``text[]``, SQLite a JSON array). Numbers that are blank or
      unknown behave alike in checks (both make them unverifiable); only a text block needs the list, because a blank
      text is the empty text while an unknown one is unknown;
    * counts and integers are ``BIGINT`` (exact); amounts keep their reported precision, which sets the tolerance:
      PostgreSQL ``NUMERIC`` keeps the scale as written (``scale(x)``); DuckDB stores ``DECIMAL(38, d)`` plus a
      ``<key>#places`` column with the decimal places as reported; SQLite has no decimal type and stores amounts as
      exact integers in units of 10^-d (``7730.28`` at 4 decimals is ``77302800``) plus ``<key>#places``. ``d`` is the
      cell's ``decimals`` (6 when the spec gives none; PostgreSQL is unbounded).

The validation view gives one row per (report, check, position): status ``pass``/``fail``/``unverifiable`` by the
reference evaluator's rules (:mod:`gaidsl.checking.evaluate`): SQL's three-valued logic with ``NULL`` as unknown *is* Kleene
logic, comparisons use the same tolerance rule, text conditions read a blank text as ``''``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.language import ir
from gaidsl.targets import Files, Target, environment

FOLDER = Path(__file__).resolve().parent
DIALECTS = ("duckdb", "postgres", "sqlite")
DEFAULT_DECIMALS = 6
"""Decimal places stored for an amount whose spec gives no ``decimals`` (DuckDB and SQLite)."""
PG_NAME_BYTES = 63
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


class Unsupported(ValueError):
    """A check this target cannot express (never dropped silently)."""


# ---------------------------------------------------------------------------------------------------- quoting


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def literal(text: str, dialect: str) -> str:
    """A SQL string literal for any text: quotes doubled; PostgreSQL gets an E'' literal when backslashes occur (so
    the result does not depend on ``standard_conforming_strings``). Control characters (a carriage return, say) are
    spliced in as ``chr(n)`` (``char(n)`` in SQLite) so no tool that splits or normalises lines can change them.
    PostgreSQL text cannot hold NUL, so there it becomes U+FFFD."""
    if dialect == "postgres":
        text = text.replace("\x00", "\ufffd")
    if _CONTROL.search(text):
        function = "char" if dialect == "sqlite" else "chr"
        pieces: list[str] = []
        last = 0
        for match in _CONTROL.finditer(text):
            if match.start() > last:
                pieces.append(literal(text[last : match.start()], dialect))
            pieces.append(f"{function}({ord(match.group(0))})")
            last = match.end()
        if last < len(text):
            pieces.append(literal(text[last:], dialect))
        return "(" + " || ".join(pieces) + ")"
    body = text.replace("'", "''")
    if dialect == "postgres" and "\\" in body:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def comment(text: str) -> str:
    """Text safe inside a ``--`` comment: nothing that could end the line (or hide anything) survives."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def column_name(name: str, dialect: str) -> str:
    """The column for a key: the key itself; PostgreSQL truncates names past 63 bytes, so a long key becomes its
    first bytes plus ``~`` and a hash there (stable, and distinct for distinct keys)."""
    if dialect != "postgres" or len(name.encode()) <= PG_NAME_BYTES:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    head = name.encode()[: PG_NAME_BYTES - len(digest) - 1].decode(errors="ignore")
    return f"{head}~{digest}"


def places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


# ---------------------------------------------------------------------------------------------------- the table


@attrs.frozen
class Column:
    """One column of the reports table. ``role``: id, previous, format, version, field, text, cell, places, unknown.
    ``key`` is the data key (cell key, field key, text key; for ``places`` the amount's key)."""

    name: str
    role: str
    key: str
    sql_type: str
    type: ir.CellType | None = None
    scale: int = 0  # decimals stored (amounts in DuckDB and SQLite)
    label: str = ""
    check: str | None = None

    @property
    def quoted(self) -> str:
        return ident(self.name)


def amount_scale(cell_type: ir.CellType) -> int:
    return cell_type.decimals if cell_type.decimals is not None else DEFAULT_DECIMALS


def _value_columns(dialect: str, role: str, key: str, name: str, cell_type: ir.CellType, label: str) -> list[Column]:
    kind = cell_type.kind
    name = column_name(name, dialect)
    q = ident(name)
    bound = int(MAX_MAGNITUDE)
    text_type = "VARCHAR" if dialect == "duckdb" else "TEXT"
    if kind in ("count", "integer"):
        sql_type = "INTEGER" if dialect == "sqlite" else "BIGINT"
        low = f"{q} >= 0" if kind == "count" else f"{q} > -{bound}"
        return [Column(name, role, key, sql_type, cell_type, 0, label, f"{low} AND {q} < {bound}")]
    if kind == "amount":
        scale = amount_scale(cell_type)
        if dialect == "postgres":
            check = f"{q} >= 0 AND {q} < {bound}"
            if cell_type.decimals is not None:
                check += f" AND scale({q}) <= {cell_type.decimals}"
            return [Column(name, role, key, "NUMERIC", cell_type, 0, label, check)]
        sql_type, limit = (f"DECIMAL(38, {scale})", bound) if dialect == "duckdb" else ("INTEGER", bound * 10**scale)
        value = Column(name, role, key, sql_type, cell_type, scale, label, f"{q} >= 0 AND {q} < {limit}")
        places_name = column_name(name + "#places", dialect)
        pq = ident(places_name)
        places_check = f"({q} IS NULL) = ({pq} IS NULL) AND {pq} BETWEEN 0 AND {scale}"
        places_type = "UTINYINT" if dialect == "duckdb" else "INTEGER"
        places_label = f"decimal places of {key} as reported"
        return [value, Column(places_name, "places", key, places_type, cell_type, scale, places_label, places_check)]
    if kind == "date":
        if dialect == "sqlite":
            return [Column(name, role, key, "TEXT", cell_type, 0, label, f"date({q}) IS {q}")]
        return [Column(name, role, key, "DATE", cell_type, 0, label)]
    if kind == "choice":
        options = ", ".join(literal(c, dialect) for c in cell_type.choices)
        return [Column(name, role, key, text_type, cell_type, 0, label, f"{q} IN ({options})")]
    return [Column(name, role, key, text_type, cell_type, 0, label)]


def layout(spec: ir.Spec, dialect: str) -> tuple[Column, ...]:
    """Every column of the reports table, in order."""
    text_type = "VARCHAR" if dialect == "duckdb" else "TEXT"
    columns = [
        Column("report_id", "id", "report_id", f"{text_type} PRIMARY KEY", label="the report's id"),
        Column("previous_id", "previous", "previous_id", text_type, label="last year's report (report_id)"),
        Column("format", "format", "format", f"{text_type} NOT NULL", label="format id"),
        Column("version", "version", "version", f"{text_type} NOT NULL", label="format version"),
    ]
    for f in spec.fields.values():
        columns += _value_columns(dialect, "field", f.key, f"fields.{f.key}", f.type, f.label)
    text = ir.CellType("text")
    for t in spec.texts.values():
        columns += _value_columns(dialect, "text", t.key, f"texts.{t.key}", text, t.label or t.key)
    for cell in spec.cells.values():
        columns += _value_columns(dialect, "cell", cell.key, cell.key, cell.type, cell.label)
    unknown = {
        "duckdb": ("VARCHAR[] NOT NULL DEFAULT []", None),
        "postgres": ("TEXT[] NOT NULL DEFAULT '{}'", None),
        "sqlite": ("TEXT NOT NULL DEFAULT '[]'", 'json_valid("unknown")'),
    }[dialect]
    label = "keys whose NULL means unknown"
    columns.append(Column("unknown", "unknown", "unknown", unknown[0], label=label, check=unknown[1]))
    names = [c.name for c in columns]
    clash = {n for n in names if names.count(n) > 1}
    if clash:
        raise Unsupported(f"two keys share the column name(s) {', '.join(sorted(clash))}")
    return tuple(columns)


def ddl(spec: ir.Spec, dialect: str, table: str = "reports", temporary: bool = False) -> str:
    """``CREATE TABLE`` for the reports table of ``spec`` in ``dialect``."""
    return render("schema.sql.j2", spec, dialect, table=table, temporary=temporary)


# ---------------------------------------------------------------------------------------------------- expressions


@attrs.frozen
class Side:
    sql: str
    scale: int  # SQLite: the SQL is the value × 10^scale, an exact integer; elsewhere the value itself


class Expressions:
    """Compiles IR expressions to SQL over ``r`` (this report) and ``p`` (last year's, LEFT JOINed: all NULL when
    absent)."""

    def __init__(self, spec: ir.Spec, dialect: str, columns: Sequence[Column], tolerance: Decimal | None) -> None:
        self.spec = spec
        self.dialect = dialect
        self.tolerance = tolerance
        self.by_key = {(c.role, c.key): c for c in columns}
        self.uses_previous = False
        self.scale = 0  # the most decimal places a compared side or tolerance needs

    # ---- references
    def _column(self, role: str, key: str, previous: bool) -> str:
        if previous:
            self.uses_previous = True
        return f"{'p' if previous else 'r'}.{self.by_key[(role, key)].quoted}"

    def _ref(self, expr: ir.CellRef | ir.FieldRef) -> tuple[str, ir.CellType]:
        if isinstance(expr, ir.CellRef):
            return self._column("cell", expr.cell, expr.previous), self.spec.cells[expr.cell].type
        return self._column("field", expr.field, expr.previous), self.spec.fields[expr.field].type

    def _unknown(self, alias: str, key: str) -> str:
        value = literal(key, self.dialect)
        if self.dialect == "duckdb":
            return f"list_contains({alias}.unknown, {value})"
        if self.dialect == "postgres":
            return f"{value} = ANY({alias}.unknown)"
        return f"EXISTS (SELECT 1 FROM json_each({alias}.unknown) WHERE json_each.value = {value})"

    def text(self, ref: ir.TextRef) -> str:
        """A text block's content: '' when blank, NULL when unknown (or last year's without a previous report)."""
        column = self._column("text", ref.block, ref.previous)
        alias = "p" if ref.previous else "r"
        unknown = self._unknown(alias, f"texts.{ref.block}")
        if ref.previous:
            unknown = f"p.report_id IS NULL OR {unknown}"
        return f"(CASE WHEN {unknown} THEN NULL ELSE COALESCE({column}, '') END)"

    # ---- numbers
    def need(self, expr: ir.Expr) -> int:
        """Decimal places an exact value of ``expr`` needs."""
        if isinstance(expr, ir.CellRef | ir.FieldRef):
            cell_type = self._ref(expr)[1]
            return amount_scale(cell_type) if cell_type.kind == "amount" else 0
        if isinstance(expr, ir.Const):
            return places(expr.value)
        if isinstance(expr, ir.Scale):
            return places(expr.factor) + self.need(expr.arg)
        if isinstance(expr, ir.Sum):
            return max((self.need(t) for _, t in expr.terms), default=0)
        return 0

    def number(self, expr: ir.Expr, scale: int = 0) -> str:
        """SQL for a number; in SQLite for the number × 10^scale (an exact integer; ``scale ≥ need(expr)``)."""
        sqlite = self.dialect == "sqlite"
        if isinstance(expr, ir.Const):
            return _number_literal(expr.value.scaleb(scale) if sqlite else expr.value, self.dialect)
        if isinstance(expr, ir.CellRef | ir.FieldRef):
            sql, cell_type = self._ref(expr)
            stored = amount_scale(cell_type) if sqlite and cell_type.kind == "amount" else 0
            return _times(sql, 10 ** (scale - stored)) if sqlite else sql
        if isinstance(expr, ir.Sum):
            parts = []
            for index, (sign, term) in enumerate(expr.terms):
                sql = self.number(term, scale)
                parts.append(("- " if sign < 0 else "") + sql if index == 0 else ("- " if sign < 0 else "+ ") + sql)
            return "(" + " ".join(parts) + ")" if parts else "0"
        if isinstance(expr, ir.Scale):
            if sqlite:
                factor_places = places(expr.factor)
                factor = int(expr.factor.scaleb(factor_places))
                return f"({factor} * {self.number(expr.arg, scale - factor_places)})"
            return f"({_number_literal(expr.factor, self.dialect)} * {self.number(expr.arg)})"
        if isinstance(expr, ir.Length):
            length = "char_length" if self.dialect == "postgres" else "length"
            return _times(f"{length}({self.text(expr.arg)})", 10**scale)
        raise Unsupported(f"not a number expression: {expr!r}")

    def _slack_terms(self, expr: ir.Expr, coefficient: Decimal = Decimal(1)) -> Iterable[tuple[Decimal, ir.Expr]]:
        if isinstance(expr, ir.Sum):
            for _, term in expr.terms:
                yield from self._slack_terms(term, coefficient)
        elif isinstance(expr, ir.Scale):
            yield from self._slack_terms(expr.arg, coefficient * abs(expr.factor))
        elif isinstance(expr, ir.CellRef | ir.FieldRef) and self._ref(expr)[1].kind == "amount":
            yield coefficient, expr

    def _half_unit(self, ref: ir.CellRef | ir.FieldRef, scale: int) -> str:
        """Half a unit in the last reported place of ``ref`` (0 when blank); SQLite: × 10^scale."""
        sql, cell_type = self._ref(ref)
        if self.dialect == "postgres":
            return f"COALESCE(0.5 * power(10::numeric, -scale({sql})), 0)"
        key = ref.cell if isinstance(ref, ir.CellRef) else ref.field
        places_column = self._column("places", key, ref.previous)
        stored = amount_scale(cell_type)
        if self.dialect == "sqlite":
            branches = " ".join(f"WHEN {p} THEN {5 * 10 ** (scale - p - 1)}" for p in range(stored + 1))
            return f"COALESCE(CASE {places_column} {branches} END, 0)"
        # every branch of the same type: DuckDB unifies DECIMAL(38, 1) and DECIMAL(38, 2) to DECIMAL(38, 1), rounding
        decimal_type = f"DECIMAL(38, {stored + 1})"
        branches = " ".join(
            f"WHEN {p} THEN CAST('{Decimal((0, (5,), -p - 1)):f}' AS {decimal_type})" for p in range(stored + 1)
        )
        return f"COALESCE(CASE {places_column} {branches} END, CAST(0 AS {decimal_type}))"

    def compare(self, expr: ir.Compare) -> tuple[str, dict[str, str]]:
        """The condition (a nullable boolean) and the comparison's output columns."""
        if ir.is_text(self.spec, expr.left) or ir.is_text(self.spec, expr.right):
            left, right = self.string(expr.left), self.string(expr.right)
            if expr.op not in ("==", "!="):
                raise Unsupported(f"text comparison {expr.op!r}")
            op = "=" if expr.op == "==" else "<>"
            return f"({left} {op} {right})", {"left_text": left, "right_text": right}
        slack = [] if self.tolerance is not None else [*self._slack_terms(expr.left), *self._slack_terms(expr.right)]
        explicit = self.tolerance if self.tolerance is not None and self.tolerance != 0 else None
        exact = not slack and explicit is None
        scale = max(self.need(expr.left), self.need(expr.right))
        tolerance_scale = scale
        if not exact:
            coefficient_places = max((places(c.normalize()) for c, _ in slack), default=0)
            tolerance_scale = max(scale + 1 + coefficient_places, places(explicit) if explicit is not None else 0)
        self.scale = max(self.scale, scale, tolerance_scale)
        left, right = self.number(expr.left, scale), self.number(expr.right, scale)
        difference = f"({left} - {right})"
        if exact:
            condition = f"({left} {_SQL_OP[expr.op]} {right})"
            tolerance = "0"
        else:
            if explicit is not None:
                value = explicit.scaleb(tolerance_scale) if self.dialect == "sqlite" else explicit
                tolerance = _number_literal(value, self.dialect)
            else:
                parts = []
                for coefficient, ref in slack:
                    c = coefficient.normalize()
                    half = self._half_unit(ref, tolerance_scale - places(c))
                    factor = Decimal(int(c.scaleb(places(c)))) if self.dialect == "sqlite" else c
                    parts.append(half if c == 1 else f"{_number_literal(factor, self.dialect)} * {half}")
                tolerance = "(" + " + ".join(parts) + ")"
            d = _times(difference, 10 ** (tolerance_scale - scale)) if self.dialect == "sqlite" else difference
            condition = _tolerant(expr.op, d, tolerance)
        columns = {
            "left_value": self.display(left, scale),
            "right_value": self.display(right, scale),
            "difference": self.display(difference, scale),
            "tolerance": self.display(tolerance, tolerance_scale) if not exact else "0",
        }
        return condition, columns

    def display(self, sql: str, scale: int) -> str:
        if self.dialect == "sqlite" and scale:
            return f"(CAST({sql} AS REAL) / {10**scale})"
        return sql

    def string(self, expr: ir.Expr) -> str:
        if isinstance(expr, ir.TextConst):
            return literal(expr.value, self.dialect)
        if isinstance(expr, ir.TextRef):
            return self.text(expr)
        if isinstance(expr, ir.CellRef | ir.FieldRef):
            sql, cell_type = self._ref(expr)
            if cell_type.kind == "date" and self.dialect == "postgres":
                return f"to_char({sql}, 'YYYY-MM-DD')"
            if cell_type.kind == "date" and self.dialect == "duckdb":
                return f"CAST({sql} AS VARCHAR)"
            return sql
        raise Unsupported(f"not a text expression: {expr!r}")

    # ---- conditions
    def condition(self, expr: ir.Expr, outputs: list[dict[str, str]]) -> str:
        if isinstance(expr, ir.Compare):
            condition, columns = self.compare(expr)
            outputs.append({"op": literal(expr.op, self.dialect), **columns})
            return condition
        if isinstance(expr, ir.And | ir.Or):
            joiner = " AND " if isinstance(expr, ir.And) else " OR "
            return "(" + joiner.join(self.condition(a, outputs) for a in expr.args) + ")"
        if isinstance(expr, ir.Not):
            return f"(NOT {self.condition(expr.arg, outputs)})"
        if isinstance(expr, ir.Implies):
            condition = self.condition(expr.condition, outputs)
            return f"((NOT {condition}) OR {self.condition(expr.then, outputs)})"
        if isinstance(expr, ir.Mentions):
            content = self.text(expr.arg)
            find = "instr" if self.dialect == "sqlite" else "strpos"
            tests = [
                f"({find}({content}, {literal(word, self.dialect)}) > 0)"
                if word
                else f"({content} IS NOT NULL OR NULL)"
                for word in expr.words
            ]
            return "(" + " OR ".join(tests) + ")"
        if isinstance(expr, ir.Empty):
            if self.dialect == "duckdb":  # what trim() with a character set does, some twenty times as fast
                return f"regexp_full_match({self.text(expr.arg)}, '[{self.whitespace_class()}]*')"
            trim = "btrim" if self.dialect == "postgres" else "trim"
            return f"({trim}({self.text(expr.arg)}, {self.whitespace()}) = '')"
        raise Unsupported(f"not a condition: {expr!r}")

    def whitespace_class(self) -> str:
        """The characters of ``WHITESPACE`` in a regular expression's character class (RE2: ``\\x{hex}``)."""
        return "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE)

    def whitespace(self) -> str:
        if self.dialect == "sqlite":
            return "char(" + ", ".join(str(ord(c)) for c in WHITESPACE) + ")"
        return " || ".join(f"chr({ord(c)})" for c in WHITESPACE)


_SQL_OP = {"==": "=", "!=": "<>", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}


def _tolerant(op: str, d: str, t: str) -> str:
    """The tolerance rule of :func:`gaidsl.checking.evaluate.compare_numbers`."""
    return {
        "==": f"(abs({d}) <= {t})",
        "!=": f"(abs({d}) > {t})",
        "<=": f"({d} <= {t})",
        ">=": f"({d} >= -{t})",
        "<": f"({d} < -{t})",
        ">": f"({d} > {t})",
    }[op]


def _times(sql: str, factor: int) -> str:
    return sql if factor == 1 else f"({sql} * {factor})"


def _number_literal(value: Decimal, dialect: str) -> str:
    text = f"{value:f}"
    if dialect == "duckdb" and (places(value) or abs(value) >= 10**18):
        return f"CAST('{text}' AS DECIMAL(38, {places(value)}))"
    if dialect == "sqlite" and places(value):
        raise Unsupported(f"SQLite needs whole numbers here, got {text}")
    return f"({text})" if value < 0 else text


# ---------------------------------------------------------------------------------------------------- the view


@attrs.frozen
class Branch:
    """One (check, position): its output columns as SQL, whether it reads last year's report, and the condition
    itself (a nullable boolean: FALSE is ``fail``, NULL ``unverifiable``)."""

    check: ir.Check
    instance: ir.CheckInstance
    ordinal: int
    values: dict[str, str]
    previous: bool
    condition: str


def branches(spec: ir.Spec, dialect: str) -> list[Branch]:
    columns = layout(spec, dialect)
    compiled = []
    scale = 0  # the decimal places every shown value needs (DuckDB casts them all to one DECIMAL type)
    for check in spec.checks:
        for instance in check.instances:
            compiler = Expressions(spec, dialect, columns, check.tolerance)
            outputs: list[dict[str, str]] = []
            condition = compiler.condition(instance.expr, outputs)
            compiled.append((check, instance, condition, outputs, compiler.uses_previous))
            scale = max(scale, compiler.scale)
    decimal_type = {"postgres": "NUMERIC", "sqlite": "REAL"}.get(dialect, f"DECIMAL(38, {min(scale, 20)})")
    text_type = "VARCHAR" if dialect == "duckdb" else "TEXT"
    true, false = ("1", "0") if dialect == "sqlite" else ("TRUE", "FALSE")
    out: list[Branch] = []
    for check, instance, condition, outputs, uses_previous in compiled:
        single = outputs[0] if len(outputs) == 1 else {}

        def typed(name: str, kind: str, single: dict[str, str] = single) -> str:
            sql = single.get(name)
            target = decimal_type if kind == "number" else text_type
            if sql is None:
                return f"CAST(NULL AS {target})"
            return f"CAST({sql} AS {target})" if dialect != "sqlite" or kind != "number" else sql

        def lit(text: str | None) -> str:
            return "NULL" if text is None else literal(text, dialect)

        values = {
            "ordinal": str(len(out) + 1),
            "check_key": lit(check.key),
            "severity": lit(check.severity),
            "position": f"CAST({lit(instance.position)} AS {text_type})",
            "position_label": lit(" / ".join(instance.position_labels) or None),
            "section_key": lit(check.section),
            "table_key": lit(check.table),
            "status": f"CASE {condition} WHEN {true} THEN 'pass' WHEN {false} THEN 'fail' ELSE 'unverifiable' END",
            "op": single.get("op", "NULL"),
            "left_value": typed("left_value", "number"),
            "right_value": typed("right_value", "number"),
            "difference": typed("difference", "number"),
            "tolerance": typed("tolerance", "number"),
            "left_text": typed("left_text", "text"),
            "right_text": typed("right_text", "text"),
            "rule_zh": lit(check.message.zh),
            "rule_en": lit(check.message.en),
        }
        out.append(Branch(check, instance, len(out) + 1, values, uses_previous, condition))
    return out


def _computed(found: Sequence[Branch]) -> dict[str, str]:
    """PostgreSQL: the shown values as ``CASE v.ordinal WHEN … END`` (evaluated only for the rows a query keeps)."""
    out = {}
    for name in ("op", "left_value", "right_value", "difference", "tolerance", "left_text", "right_text"):
        null = "CAST(NULL AS TEXT)" if name in ("op", "left_text", "right_text") else "CAST(NULL AS NUMERIC)"
        whens = [f"WHEN {b.ordinal} THEN {b.values[name]}" for b in found if b.values[name] not in ("NULL", null)]
        out[name] = f"CASE v.ordinal {' '.join(whens)} ELSE {null} END" if whens else null
    return out


def validation_sql(
    spec: ir.Spec,
    dialect: str,
    table: str = "reports",
    previous: str | None = None,
    view: str | None = "validation",
    temporary: bool = False,
) -> str:
    """The validation query (``view=None``) or ``CREATE VIEW view AS`` it, over the reports ``table`` and last year's
    reports in ``previous`` (default: the same table, joined on ``previous_id``)."""
    return render(
        "validation.sql.j2", spec, dialect, table=table, previous=previous or table, view=view, temporary=temporary
    )


# ---------------------------------------------------------------------------------------------------- files


def render(template: str, spec: ir.Spec, dialect: str, **extra: Any) -> str:
    env = environment(FOLDER)
    env.filters["ident"] = ident
    env.filters["comment"] = comment
    env.filters["literal"] = lambda text: literal(text, dialect)
    context = {
        "spec": spec,
        "dialect": dialect,
        "columns": layout(spec, dialect),
        "result_columns": RESULT_COLUMNS,
        "source": Path(spec.file).name,
        **extra,
    }
    if template.startswith("validation"):
        context["branches"] = found = branches(spec, dialect)
        context["computed"] = _computed(found)
    return env.get_template(template).render(context)


def emit(spec: ir.Spec) -> Files:
    files: dict[str, str] = {}
    for dialect in DIALECTS:
        files[f"{dialect}/schema.sql"] = ddl(spec, dialect)
        files[f"{dialect}/validation.sql"] = validation_sql(spec, dialect)
    files["README.md"] = render("README.md.j2", spec, "duckdb", dialects=DIALECTS)
    return files


TARGET = Target(
    "sql",
    "SQL for DuckDB, PostgreSQL and SQLite: a typed reports table with CHECK constraints and a validation view",
    emit,
)
