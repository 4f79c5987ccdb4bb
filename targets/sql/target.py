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
reference evaluator's rules (:mod:`gaidsl.checking.evaluate`): SQL's three-valued logic with ``NULL`` as unknown *is*
Kleene logic, comparisons use the same tolerance rule, text conditions read a blank text as ``''``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, assert_never

import attrs

from gaidsl.language import ir
from gaidsl.language.formats import FORMATS, USCC_ALPHABET, USCC_WEIGHTS
from gaidsl.targets import Files, Target, environment
from gaidsl.targets.sql.arithmetic import SQLITE_FUNCTIONS, Rationals, TooLarge, has_arith, uses_sqlite_functions
from gaidsl.targets.sql.dialects import (
    DIALECTS,
    RESULT_COLUMNS,
    WHITESPACE,
    Column,
    Dialect,
    Role,
    Unsupported,
    amount_scale,
    comment,
    dialect,
    ident,
    layout,
    literal,
    places,
    transpile,
)

FOLDER = Path(__file__).resolve().parent


def ddl(spec: ir.Spec, dialect_name: str, table: str = "reports", temporary: bool = False) -> str:
    """``CREATE TABLE`` for the reports table of ``spec`` in ``dialect_name``."""
    return render("schema.sql.j2", spec, dialect_name, table=table, temporary=temporary)


# ---------------------------------------------------------------------------------------------------- expressions


@attrs.frozen
class Side:
    sql: str
    scale: int  # SQLite: the SQL is the value × 10^scale, an exact integer; elsewhere the value itself


Ref = ir.CellRef | ir.FieldRef


class Expressions:
    """Compiles IR expressions to SQL over ``r`` (this report) and ``p`` (last year's, LEFT JOINed: all NULL when
    absent)."""

    def __init__(self, spec: ir.Spec, d: Dialect, columns: Sequence[Column], tolerance: Decimal | None) -> None:
        self.spec = spec
        self.d = d
        self.tolerance = tolerance
        self.by_key = {(c.role, c.key): c for c in columns}
        self.uses_previous = False
        self.scale = 0  # the most decimal places a compared side or tolerance needs

    # ---- references
    def _column(self, role: Role, key: str, previous: bool) -> str:
        if previous:
            self.uses_previous = True
        return f"{'p' if previous else 'r'}.{self.by_key[(role, key)].quoted}"

    def _ref(self, expr: Ref) -> tuple[str, ir.CellType]:
        match expr:
            case ir.CellRef():
                return self._column("cell", expr.cell, expr.previous), self.spec.cells[expr.cell].type
            case ir.FieldRef():
                return self._column("field", expr.field, expr.previous), self.spec.fields[expr.field].type
            case _:
                assert_never(expr)

    def _unknown(self, alias: str, key: str) -> str:
        return self.d.unknown_contains.format(alias=alias, value=literal(key, self.d.name))

    def text(self, ref: ir.TextOperand) -> str:
        """A text block's or text cell's content: '' when blank, NULL when unknown (or last year's without a previous
        report)."""
        alias = "p" if ref.previous else "r"
        if isinstance(ref, ir.CellRef):
            column, unknown = self._column("cell", ref.cell, ref.previous), self._unknown(alias, ref.cell)
        elif isinstance(ref, ir.FieldRef):  # a text field (field formats, issue 16)
            column = self._column("field", ref.field, ref.previous)
            unknown = self._unknown(alias, f"fields.{ref.field}")
        else:
            column = self._column("text", ref.block, ref.previous)
            unknown = self._unknown(alias, f"texts.{ref.block}")
        if ref.previous:
            unknown = f"p.report_id IS NULL OR {unknown}"
        return f"(CASE WHEN {unknown} THEN NULL ELSE COALESCE({column}, '') END)"

    # ---- numbers
    def need(self, expr: ir.Expr) -> int:
        """Decimal places an exact value of ``expr`` needs."""
        match expr:
            case ir.CellRef() | ir.FieldRef():
                cell_type = self._ref(expr)[1]
                return amount_scale(cell_type) if cell_type.kind == "amount" else 0
            case ir.Const():
                return places(expr.value)
            case ir.Scale():
                return places(expr.factor) + self.need(expr.arg)
            case ir.Sum():
                return max((self.need(t) for _, t in expr.terms), default=0)
            case ir.Length() | ir.TextConst() | ir.TextRef():
                return 0
            case ir.Arith():
                raise Unsupported("arithmetic between cells is computed by targets/sql/arithmetic.py")
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                return 0
            case ir.TextTest():
                return 0
            case _:
                assert_never(expr)

    def number(self, expr: ir.Expr, scale: int = 0) -> str:
        """SQL for a number; in SQLite for the number × 10^scale (an exact integer; ``scale ≥ need(expr)``)."""
        scaled = self.d.scaled
        match expr:
            case ir.Const():
                return _number_literal(expr.value.scaleb(scale) if scaled else expr.value, self.d)
            case ir.CellRef() | ir.FieldRef():
                sql, cell_type = self._ref(expr)
                stored = amount_scale(cell_type) if scaled and cell_type.kind == "amount" else 0
                return _times(sql, 10 ** (scale - stored)) if scaled else sql
            case ir.Sum():
                parts = []
                for index, (sign, term) in enumerate(expr.terms):
                    sql = self.number(term, scale)
                    parts.append(("- " if sign < 0 else "") + sql if index == 0 else ("- " if sign < 0 else "+ ") + sql)
                return "(" + " ".join(parts) + ")" if parts else "0"
            case ir.Scale():
                if scaled:
                    factor_places = places(expr.factor)
                    factor = int(expr.factor.scaleb(factor_places))
                    return f"({factor} * {self.number(expr.arg, scale - factor_places)})"
                return f"({_number_literal(expr.factor, self.d)} * {self.number(expr.arg)})"
            case ir.Length():
                return _times(f"{self.d.length_function}({self.text(expr.arg)})", 10**scale)
            case ir.TextConst() | ir.TextRef():
                raise Unsupported(f"not a number expression: {expr!r}")
            case ir.Arith():
                raise Unsupported("arithmetic between cells is computed by targets/sql/arithmetic.py")
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                raise Unsupported(f"not a number expression: {expr!r}")
            case ir.TextTest():
                raise Unsupported(f"not a number expression: {expr!r}")
            case _:
                assert_never(expr)

    def _slack_terms(self, expr: ir.Expr, coefficient: Decimal = Decimal(1)) -> Iterable[tuple[Decimal, Ref]]:
        match expr:
            case ir.Sum():
                for _, term in expr.terms:
                    yield from self._slack_terms(term, coefficient)
            case ir.Scale():
                yield from self._slack_terms(expr.arg, coefficient * abs(expr.factor))
            case ir.CellRef() | ir.FieldRef():
                if self._ref(expr)[1].kind == "amount":
                    yield coefficient, expr
            case ir.Const() | ir.Length() | ir.TextConst() | ir.TextRef():
                pass
            case ir.Arith():  # the operands of arithmetic between cells are taken exactly as reported
                pass
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                pass
            case ir.TextTest():
                pass
            case _:
                assert_never(expr)

    def _half_unit(self, ref: Ref, scale: int) -> str:
        """Half a unit in the last reported place of ``ref`` (0 when blank); SQLite: × 10^scale."""
        sql, cell_type = self._ref(ref)
        if self.d.amounts == "numeric":
            return f"COALESCE(0.5 * power(10::numeric, -scale({sql})), 0)"
        key = ref.cell if isinstance(ref, ir.CellRef) else ref.field
        places_column = self._column("places", key, ref.previous)
        stored = amount_scale(cell_type)
        if self.d.amounts == "scaled":
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
        if has_arith(expr.left) or has_arith(expr.right):  # exact rationals (docs/arithmetic.md); values not shown
            try:
                return Rationals(self).compare(expr), {}
            except TooLarge:
                if not self.d.scaled:
                    raise
                return Rationals(self, big=True).compare(expr), {}  # SQLite's big-integer functions
        scaled = self.d.scaled
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
                value = explicit.scaleb(tolerance_scale) if scaled else explicit
                tolerance = _number_literal(value, self.d)
            else:
                parts = []
                for coefficient, ref in slack:
                    c = coefficient.normalize()
                    half = self._half_unit(ref, tolerance_scale - places(c))
                    factor = Decimal(int(c.scaleb(places(c)))) if scaled else c
                    parts.append(half if c == 1 else f"{_number_literal(factor, self.d)} * {half}")
                tolerance = "(" + " + ".join(parts) + ")"
            d = _times(difference, 10 ** (tolerance_scale - scale)) if scaled else difference
            condition = _tolerant(expr.op, d, tolerance)
        columns = {
            "left_value": self.display(left, scale),
            "right_value": self.display(right, scale),
            "difference": self.display(difference, scale),
            "tolerance": self.display(tolerance, tolerance_scale) if not exact else "0",
        }
        return condition, columns

    def display(self, sql: str, scale: int) -> str:
        if self.d.scaled and scale:
            return f"(CAST({sql} AS REAL) / {10**scale})"
        return sql

    def string(self, expr: ir.Expr) -> str:
        match expr:
            case ir.TextConst():
                return literal(expr.value, self.d.name)
            case ir.TextRef():
                return self.text(expr)
            case ir.CellRef() | ir.FieldRef():
                sql, cell_type = self._ref(expr)
                return self.d.date_text.format(sql=sql) if cell_type.kind == "date" else sql
            case ir.Const() | ir.Sum() | ir.Scale() | ir.Length() | ir.Arith():
                raise Unsupported(f"not a text expression: {expr!r}")
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                raise Unsupported(f"not a text expression: {expr!r}")
            case ir.TextTest():
                raise Unsupported(f"not a text expression: {expr!r}")
            case _:
                assert_never(expr)

    # ---- conditions
    def condition(self, expr: ir.Expr, outputs: list[dict[str, str]]) -> str:
        match expr:
            case ir.Compare():
                condition, columns = self.compare(expr)
                outputs.append({"op": literal(expr.op, self.d.name), **columns})
                return condition
            case ir.And() | ir.Or():
                joiner = " AND " if isinstance(expr, ir.And) else " OR "
                return "(" + joiner.join(self.condition(a, outputs) for a in expr.args) + ")"
            case ir.Not():
                return f"(NOT {self.condition(expr.arg, outputs)})"
            case ir.Implies():
                condition = self.condition(expr.condition, outputs)
                return f"((NOT {condition}) OR {self.condition(expr.then, outputs)})"
            case ir.Mentions():
                content = self.text(expr.arg)
                find = self.d.find_function
                tests = [
                    f"({find}({content}, {literal(word, self.d.name)}) > 0)"
                    if word
                    else f"({content} IS NOT NULL OR NULL)"
                    for word in expr.words
                ]
                return "(" + " OR ".join(tests) + ")"
            case ir.Empty():
                if self.d.empty_by_regexp:  # what trim() with a character set does, some twenty times as fast
                    return f"regexp_full_match({self.text(expr.arg)}, '[{self.whitespace_class()}]*')"
                return f"({self.d.trim_function}({self.text(expr.arg)}, {self.whitespace()}) = '')"
            case ir.TextTest():
                return self.text_test(expr)
            case ir.Const() | ir.CellRef() | ir.FieldRef() | ir.Sum() | ir.Scale() | ir.Length() | ir.Arith():
                raise Unsupported(f"not a condition: {expr!r}")
            case ir.TextConst() | ir.TextRef():
                raise Unsupported(f"not a condition: {expr!r}")
            case _:
                assert_never(expr)

    # ---- field formats (issue 16)
    def text_test(self, test: ir.TextTest) -> str:
        """``starts_with``/``ends_with`` by characters, ``matches`` and formats by the dialect's regular expressions
        (``(?s)`` first: a dot matches a newline, as in the evaluator); a 统一社会信用代码's check digit and a date
        range's order in plain SQL. NULL (unknown) when the text is."""
        content = self.text(test.arg)
        length = self.d.length_function
        match test.kind:
            case "starts_with":
                return f"(substr({content}, 1, {len(test.value)}) = {literal(test.value, self.d.name)})"
            case "ends_with":
                size = len(test.value)
                tail = f"substr({content}, {length}({content}) - {size - 1})" if size else "''"
                return f"({length}({content}) >= {size} AND {tail} = {literal(test.value, self.d.name)})"
            case "matches":
                return self.full_match(content, test.value)
            case "format":
                builtin = FORMATS[test.value]
                parts = [self.full_match(content, builtin.regex)]
                if builtin.extra == "uscc":
                    parts.append(self.uscc_check_digit(content))
                elif builtin.extra == "date_range":
                    parts.append(f"(substr({content}, 1, 10) <= substr({content}, 12, 10))")
                return "(" + " AND ".join(parts) + ")"
            case _:
                assert_never(test.kind)

    def full_match(self, content: str, regex: str) -> str:
        head, tail = self.d.regexp_anchors
        pattern = literal(f"(?s){head}{regex}{tail}", self.d.name)
        return "(" + self.d.regexp_full_match.format(text=content, pattern=pattern) + ")"

    def uscc_check_digit(self, content: str) -> str:
        """GB 32100-2015: the 18th character is the alphabet's character at (31 − Σ value × weight mod 31) mod 31."""
        alphabet = literal(USCC_ALPHABET, self.d.name)
        find = self.d.find_function
        terms = " + ".join(
            f"({find}({alphabet}, substr({content}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(USCC_WEIGHTS)
        )
        return f"(substr({alphabet}, ((31 - ({terms}) % 31) % 31) + 1, 1) = substr({content}, 18, 1))"

    def whitespace_class(self) -> str:
        """The characters of ``WHITESPACE`` in a regular expression's character class (RE2: ``\\x{hex}``)."""
        return "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE)

    def whitespace(self) -> str:
        return self.d.char("".join(WHITESPACE))


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


def _number_literal(value: Decimal, d: Dialect) -> str:
    text = f"{value:f}"
    if d.amounts == "decimal" and (places(value) or abs(value) >= 10**18):
        return f"CAST('{text}' AS DECIMAL(38, {places(value)}))"
    if d.scaled and places(value):
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


def branches(
    spec: ir.Spec,
    dialect_name: str,
    make: Callable[[ir.Check, ir.CheckInstance], Expressions] | None = None,
) -> list[Branch]:
    """``make``: the compiler of a position (open dimensions: targets/sql/open_parts.py), else :class:`Expressions`."""
    d = dialect(dialect_name)
    columns = layout(spec, dialect_name)
    compiled = []
    scale = 0  # the decimal places every shown value needs (DuckDB casts them all to one DECIMAL type)
    for check in spec.checks:
        for instance in check.instances:
            compiler = Expressions(spec, d, columns, check.tolerance) if make is None else make(check, instance)
            outputs: list[dict[str, str]] = []
            condition = compiler.condition(instance.expr, outputs)
            compiled.append((check, instance, condition, outputs, compiler.uses_previous))
            scale = max(scale, compiler.scale)
    decimal_type = d.shown_decimal.format(scale=min(scale, 20))
    text_type = d.text_type
    true, false = d.true_false
    out: list[Branch] = []
    for check, instance, condition, outputs, uses_previous in compiled:
        single = outputs[0] if len(outputs) == 1 else {}

        def typed(name: str, kind: str, single: dict[str, str] = single) -> str:
            sql = single.get(name)
            target = decimal_type if kind == "number" else text_type
            if sql is None:
                return f"CAST(NULL AS {target})"
            return f"CAST({sql} AS {target})" if not d.scaled or kind != "number" else sql

        def lit(text: str | None) -> str:
            return "NULL" if text is None else literal(text, dialect_name)

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


def arith_refusal(spec: ir.Spec, dialect_name: str) -> tuple[ir.Check, TooLarge] | None:
    """The first check of ``spec`` computing arithmetic between cells that ``dialect_name`` cannot compute exactly
    (GAI761: its integers are too small for the values a report may hold), with the reason; None if there is none."""
    d = dialect(dialect_name)
    columns = layout(spec, dialect_name)
    for check in spec.checks:
        for instance in check.instances:
            if has_arith(instance.expr):
                try:
                    Expressions(spec, d, columns, check.tolerance).condition(instance.expr, [])
                except TooLarge as exc:
                    return check, exc
    return None


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
    dialect_name: str,
    table: str = "reports",
    previous: str | None = None,
    view: str | None = "validation",
    temporary: bool = False,
) -> str:
    """The validation query (``view=None``) or ``CREATE VIEW view AS`` it, over the reports ``table`` and last year's
    reports in ``previous`` (default: the same table, joined on ``previous_id``). Spark's is DuckDB's query written
    out by sqlglot (:func:`gaidsl.targets.sql.dialects.transpile`)."""
    sql = render(
        "validation.sql.j2", spec, dialect_name, table=table, previous=previous or table, view=view, temporary=temporary
    )
    return transpile(sql, dialect_name)


# ---------------------------------------------------------------------------------------------------- files


def render(template: str, spec: ir.Spec, dialect_name: str, **extra: object) -> str:
    """One of the target's templates for ``spec`` in a dialect (``sql`` in the template: its :class:`Dialect`)."""
    env = environment(FOLDER)
    env.filters["ident"] = ident
    env.filters["comment"] = comment
    env.filters["literal"] = lambda text: literal(text, dialect_name)
    context: dict[str, Any] = {
        "spec": spec,
        "sql": dialect(dialect_name),
        "columns": layout(spec, dialect_name),
        "result_columns": RESULT_COLUMNS,
        "source": Path(spec.file).name,
        **extra,
    }
    if template.startswith("validation"):
        context["branches"] = found = branches(spec, dialect_name)
        context["computed"] = _computed(found)
    return env.get_template(template).render(context)


SQLITE_FUNCTIONS_NOTE = (
    "-- This view computes arithmetic between cells exactly with big integers: it calls the functions "
    + ", ".join(SQLITE_FUNCTIONS)
    + ",\n-- which SQLite does not have. Register them on the connection first: from Python, "
    "gaidsl.targets.sql.arithmetic.register_sqlite_functions(connection)\n-- (see README.md); "
    "`gaidsl validate --engine sqlite` does.\n"
)


def emit(spec: ir.Spec) -> Files:
    files: dict[str, str] = {}
    refused: dict[str, str] = {}
    big: list[str] = []  # the dialects whose view calls the big-integer functions
    arith = any(has_arith(i.expr) for c in spec.checks for i in c.instances)
    for name in DIALECTS:
        files[f"{name}/schema.sql"] = ddl(spec, name)
        found = arith_refusal(spec, name) if arith else None
        if found is None:
            sql = validation_sql(spec, name)
            if name == "sqlite" and uses_sqlite_functions(sql):  # docs/arithmetic.md
                big.append(name)
                sql = SQLITE_FUNCTIONS_NOTE + sql
            files[f"{name}/validation.sql"] = sql
        else:  # GAI761: no view rather than one that is not exact (docs/arithmetic.md)
            check, reason = found
            refused[name] = (
                f"GAI761: {name} cannot compute the arithmetic of check '{check.key}' exactly: the values a report "
                f"may hold need {reason.digits}-digit integers and {name}'s have {reason.limit_digits}"
            )
            files[f"{name}/validation.sql"] = f"-- {comment(refused[name])}\n-- No validation view for {name}.\n"
    files["README.md"] = render(
        "README.md.j2", spec, "duckdb", dialects=DIALECTS, refused=refused, arith=arith, big=big
    )
    return files


TARGET = Target(
    "sql",
    "SQL for DuckDB, PostgreSQL and SQLite: a typed reports table with CHECK constraints and a validation view",
    emit,
)
