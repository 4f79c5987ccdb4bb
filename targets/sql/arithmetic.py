"""Arithmetic between cells in SQL (docs/arithmetic.md): exact, in every dialect, or refused (GAI761).

A value computed by ``*``, ``/``, ``round``, ``abs``, ``min`` or ``max`` is a rational: it is written as a pair of
integer expressions, numerator and denominator (> 0), never as a rounded decimal or a float. A leaf (a cell, field,
constant or a sum of them without arithmetic) with ``s`` decimal places is ``(value × 10^s, 10^s)``; a quotient by
zero has a NULL numerator (unknown: the check is unverifiable, as in the reference evaluator), and so has any value
with a blank or unknown operand. ``round`` divides the scaled numerator by the denominator with integer division and
compares twice the remainder with the denominator (half up: a tie away from zero; half even: a tie to the even
neighbour). A comparison compares the numerator of the difference with its tolerance times its denominator; where
the tolerance is a decimal with ``t`` places, as the integer ``⌊T·10^t × denominator / 10^t⌋`` (exact, since the
numerator is an integer: ``n ≤ x`` exactly when ``n ≤ ⌊x⌋``).

The integers are PostgreSQL ``NUMERIC`` (unbounded), DuckDB ``HUGEINT`` (below 2^127), Spark ``DECIMAL(38, 0)``
(below 10^38; its SQL is DuckDB's written out by sqlglot) and SQLite ``INTEGER`` (below 2^63; beyond, SQLite would
turn them into floating point), or for a SQLite check that needs more, exact big integers computed by functions the
engine registers (:data:`SQLITE_FUNCTIONS`). Every intermediate value's magnitude is bounded when the SQL is written,
from the bound every stored number has (below 10^15, gaidsl's reader and the tables' CHECK constraints); a check
whose bound exceeds the dialect's integers is refused (GAI761), never computed approximately.

The comparison's shown values (``left_value``, ``right_value``, ``difference``) are NULL for such a comparison: the
status is exact; the findings of ``gaidsl validate --engine`` show the values as the reference evaluator does.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.language import ir
from gaidsl.targets.sql.dialects import Unsupported, amount_scale, places

if TYPE_CHECKING:
    from gaidsl.targets.sql.target import Expressions

LIMITS: dict[str, int | None] = {"postgres": None, "duckdb": 2**127 - 1, "sqlite": 2**63 - 1, "spark": 10**38 - 1}
"""The largest integer each dialect computes exactly (None: unbounded). SQLite's is its native INTEGER's: a check
that needs more is computed with the big-integer functions (:data:`SQLITE_FUNCTIONS`) instead."""
SPARK_QUOTIENT = 10**32 - 1
"""Spark divides two DECIMAL(38, 0) into a DECIMAL(38, 6): an integer quotient is exact below 10^32."""
INTEGER_TYPES = {"duckdb": "HUGEINT", "spark": "DECIMAL(38, 0)"}
"""The integer type of the pairs, written in DuckDB's syntax (Spark's SQL is written out from it by sqlglot)."""
MAX_LENGTH = 10**9
"""A bound of ``length(t)`` (characters of a text)."""
BOUND = int(MAX_MAGNITUDE)


class TooLarge(Unsupported):
    """GAI761: a check's exact computation needs integers larger than the dialect has."""

    def __init__(self, dialect: str, bound: int, limit: int) -> None:
        super().__init__(f"GAI761: {dialect} cannot compute this exactly (needs {len(str(bound))} digits)")
        self.dialect = dialect
        self.digits = len(str(bound))
        self.limit_digits = len(str(limit)) - 1


def has_arith(expr: ir.Expr) -> bool:
    return any(isinstance(node, ir.Arith) for node in ir.walk(expr))


@attrs.frozen
class Pair:
    """A rational as SQL: numerator ``n`` (NULL when unknown) and denominator ``d`` (> 0), with bounds of their
    magnitudes (``dmin`` ≤ d ≤ ``dmax``); ``dconst`` when the denominator is a constant."""

    n: str
    nmax: int
    d: str
    dmax: int
    dconst: int | None
    dmin: int = 1


class Rationals:
    """The pair algebra over one check position's :class:`Expressions`."""

    def __init__(self, ex: Expressions, big: bool = False) -> None:
        self.ex = ex
        self.name = ex.d.name
        self.big = big  # SQLite: every operation on the pairs by the big-integer functions (SQLITE_FUNCTIONS)
        self.limit = None if big else LIMITS.get(self.name)
        self.integer = INTEGER_TYPES.get(self.name)

    # ---- integers
    def fits(self, *bounds: int) -> None:
        for bound in bounds:
            if self.limit is not None and bound > self.limit:
                raise TooLarge(self.name, bound, self.limit)

    def int_lit(self, value: int) -> str:
        if self.integer is not None:
            return f"CAST({value} AS {self.integer})"
        if self.big and abs(value) > 2**63 - 1:  # a decimal text, which the big-integer functions read
            return f"'{value}'"
        return f"({value})" if value < 0 else str(value)

    def const(self, value: int) -> str:
        """A constant operand: big-integer mode writes one beyond 64 bits as a decimal text (:meth:`int_lit`)."""
        return self.int_lit(value) if self.big else str(value)

    def div(self, a: str, b: str, bound: int) -> str:
        """Integer division of non-negative integers (``bound``: of the dividend)."""
        if self.big:
            return f"gaidsl_div({a}, {b})"
        if self.name == "postgres":
            return f"div({a}, {b})"
        if self.name == "duckdb":
            return f"({a} // {b})"
        if self.name == "spark":  # Spark's DIV gives a BIGINT: the exact quotient of the remainder-free dividend
            if bound > SPARK_QUOTIENT:
                raise TooLarge(self.name, bound, SPARK_QUOTIENT)
            return f"CAST((({a}) - ({a}) % ({b})) / ({b}) AS DECIMAL(38, 0))"
        return f"({a} / {b})"

    # ---- integer operations: the dialect's operators, or SQLite's big-integer functions
    def times(self, a: str, b: str) -> str:
        return f"gaidsl_mul({a}, {b})" if self.big else f"({a} * {b})"

    def plus(self, a: str, b: str, op: str = "+") -> str:
        if self.big:
            return f"gaidsl_{'add' if op == '+' else 'sub'}({a}, {b})"
        return f"({a} {op} {b})"

    def cmp(self, a: str, op: str, b: str) -> str:
        """``a op b`` (``op`` an SQL comparison); ``b`` "0" compares the sign."""
        if self.big:
            return f"(gaidsl_sign({a}) {op} 0)" if b == "0" else f"(gaidsl_cmp({a}, {b}) {op} 0)"
        return f"({a} {op} {b})"

    def absolute(self, a: str) -> str:
        return f"gaidsl_abs({a})" if self.big else f"abs({a})"

    def negative(self, a: str) -> str:
        return f"gaidsl_neg({a})" if self.big else f"-({a})"

    def const_pair(self, value: Fraction) -> Pair:
        d = value.denominator
        return Pair(self.int_lit(value.numerator), abs(value.numerator), self.const(d), d, d, d)

    # ---- pairs
    def pair(self, expr: ir.Expr) -> Pair:
        if not has_arith(expr) and not (self.big and isinstance(expr, ir.Sum | ir.Scale)):
            return self.leaf(expr)
        match expr:
            case ir.Sum(terms=terms):
                total = self.const_pair(Fraction(0))
                for sign, term in terms:
                    total = self.add(total, self.pair(term), sign)
                return total
            case ir.Scale(factor=factor, arg=arg):
                return self.mul(self.const_pair(Fraction(factor)), self.pair(arg))
            case ir.Arith(op=op, args=args, places=places_, rounding=rounding):
                pairs = [self.pair(arg) for arg in args]
                if op == "*":
                    return self.mul(pairs[0], pairs[1])
                if op == "/":
                    return self.quotient(pairs[0], pairs[1])
                if op == "abs":
                    p = pairs[0]
                    return Pair(self.absolute(p.n), p.nmax, p.d, p.dmax, p.dconst, p.dmin)
                if op == "round":
                    return self.round(pairs[0], places_, rounding == "half_even")
                result = pairs[0]
                for other in pairs[1:]:
                    result = self.extreme(result, other, op == "min")
                return result
            case _:
                raise Unsupported(f"not a number expression: {expr!r}")

    def leaf(self, expr: ir.Expr) -> Pair:
        """A number without arithmetic between cells: (value × 10^s, 10^s) with ``s`` its decimal places."""
        s = self.ex.need(expr)
        bound = _bound(self.ex, expr) * 10**s
        nmax = math.ceil(bound)
        self.fits(nmax)
        if self.ex.d.scaled:  # SQLite: already the exact integer value × 10^s
            if self.big and nmax > 2**63 - 1:
                raise TooLarge(self.name, nmax, 2**63 - 1)
            n = self.ex.number(expr, s)
        elif self.integer is not None:  # DuckDB HUGEINT, Spark DECIMAL(38, 0)
            if self.name == "spark" and s > 17:  # value × 10^s is computed as a DECIMAL(38, ≥ 6)
                raise Unsupported("Spark computes arithmetic of amounts with at most 17 decimals")
            value = self.ex.number(expr)
            n = f"CAST({value} * {10**s} AS {self.integer})" if s else f"CAST({value} AS {self.integer})"
        else:  # PostgreSQL: NUMERIC, so that no product overflows a BIGINT
            value = self.ex.number(expr)
            n = f"(CAST({value} AS NUMERIC) * {10**s})" if s else f"CAST({value} AS NUMERIC)"
        return Pair(n, nmax, self.const(10**s), 10**s, 10**s, 10**s)

    def add(self, p: Pair, q: Pair, sign: int) -> Pair:
        op = "+" if sign > 0 else "-"
        if p.dconst is not None and q.dconst is not None:
            common = math.lcm(p.dconst, q.dconst)
            a, b = common // p.dconst, common // q.dconst
            nmax = p.nmax * a + q.nmax * b
            self.fits(nmax)
            if self.big:
                return Pair(
                    self.plus(self.scaled(p.n, a), self.scaled(q.n, b), op),
                    nmax,
                    self.const(common),
                    common,
                    common,
                    common,
                )
            n = f"({_times(p.n, a)} {op} {_times(q.n, b)})"
            return Pair(n, nmax, str(common), common, common, common)
        nmax = p.nmax * q.dmax + q.nmax * p.dmax
        dmax = p.dmax * q.dmax
        self.fits(nmax, dmax)
        if self.big:
            n = self.plus(self.times(p.n, q.d), self.times(q.n, p.d), op)
            return Pair(n, nmax, self.times(p.d, q.d), dmax, None, p.dmin * q.dmin)
        return Pair(f"({p.n} * {q.d} {op} {q.n} * {p.d})", nmax, f"({p.d} * {q.d})", dmax, None, p.dmin * q.dmin)

    def scaled(self, sql: str, factor: int) -> str:
        """``sql × factor`` (a constant)."""
        if factor == 1:
            return sql
        return self.times(sql, self.int_lit(factor) if self.big else str(factor))

    def mul(self, p: Pair, q: Pair) -> Pair:
        nmax, dmax = p.nmax * q.nmax, p.dmax * q.dmax
        self.fits(nmax, dmax)
        if p.dconst is not None and q.dconst is not None:
            return Pair(self.times(p.n, q.n), nmax, self.const(dmax), dmax, dmax, dmax)
        return Pair(self.times(p.n, q.n), nmax, self.times(p.d, q.d), dmax, None, p.dmin * q.dmin)

    def quotient(self, p: Pair, q: Pair) -> Pair:
        """p / q: NULL (unknown) when q is zero, as the evaluator's quotient by zero."""
        p_d, q_d, p_dmax, q_dmax, p_dmin = p.d, q.d, p.dmax, q.dmax, p.dmin
        if p.dconst is not None and q.dconst is not None:  # (a / 10^s) / (b / 10^t): the common factor cancels
            common = math.gcd(p.dconst, q.dconst)
            p_dmax = p_dmin = p.dconst // common
            q_dmax = q.dconst // common
            p_d, q_d = self.const(p_dmax), self.const(q_dmax)
        nmax, dmax = p.nmax * q_dmax, p_dmax * q.nmax
        self.fits(nmax, dmax)
        if self.big:
            top = self.scaled(p.n, q_dmax) if q.dconst is not None and p.dconst is not None else self.times(p.n, q_d)
            below, above = self.cmp(q.n, "<", "0"), self.cmp(q.n, ">", "0")
            n = f"(CASE WHEN {below} THEN {self.negative(top)} WHEN {above} THEN {top} END)"
            d = self.absolute(q.n) if p_d == "1" else self.times(p_d, self.absolute(q.n))
            return Pair(n, nmax, d, max(dmax, 1), None, p_dmin)
        top = _times(p.n, q_dmax) if q.dconst is not None and p.dconst is not None else f"{p.n} * {q_d}"
        n = f"(CASE WHEN {q.n} < 0 THEN -({top}) WHEN {q.n} > 0 THEN {top} END)"
        d = f"abs({q.n})" if p_d == "1" else f"({p_d} * abs({q.n}))"
        return Pair(n, nmax, d, max(dmax, 1), None, p_dmin)

    def extreme(self, p: Pair, q: Pair, smallest: bool) -> Pair:
        op = "<=" if smallest else ">="
        if p.dconst is not None and q.dconst is not None:  # over the common denominator
            common = math.lcm(p.dconst, q.dconst)
            a, b = common // p.dconst, common // q.dconst
            self.fits(p.nmax * a, q.nmax * b)
            first = f"{_times(p.n, a)} {op} {_times(q.n, b)}"
            if self.big:
                first = self.cmp(self.scaled(p.n, a), op, self.scaled(q.n, b))
        else:
            self.fits(p.nmax * q.dmax, q.nmax * p.dmax)
            first = f"{p.n} * {q.d} {op} {q.n} * {p.d}"
            if self.big:
                first = self.cmp(self.times(p.n, q.d), op, self.times(q.n, p.d))
        n = f"(CASE WHEN {p.n} IS NULL OR {q.n} IS NULL THEN NULL WHEN {first} THEN {p.n} ELSE {q.n} END)"
        nmax, dmax, dmin = max(p.nmax, q.nmax), max(p.dmax, q.dmax), min(p.dmin, q.dmin)
        if p.dconst is not None and p.dconst == q.dconst:
            return Pair(n, nmax, p.d, dmax, p.dconst, p.dconst)
        return Pair(n, nmax, f"(CASE WHEN {first} THEN {p.d} ELSE {q.d} END)", dmax, None, dmin)

    def round(self, p: Pair, places_: int, even: bool) -> Pair:
        scale = 10**places_
        self.fits(p.nmax * scale, 2 * p.dmax)
        if self.big:
            scaled = self.scaled(self.absolute(p.n), scale)
            whole = self.div(scaled, p.d, p.nmax * scale)
            twice = self.times("2", f"gaidsl_mod({scaled}, {p.d})")
            tie = self.cmp(f"gaidsl_mod({whole}, 2)", "=", "1") if even else "TRUE"
            step = (
                f"(CASE WHEN {self.cmp(twice, '>', p.d)} OR ({self.cmp(twice, '=', p.d)} AND {tie}) THEN 1 ELSE 0 END)"
            )
            rounded = self.plus(whole, step)
            n = f"(CASE WHEN {self.cmp(p.n, '<', '0')} THEN {self.negative(rounded)} ELSE {rounded} END)"
        else:
            scaled = f"(abs({p.n}) * {scale})" if scale != 1 else f"abs({p.n})"
            whole = self.div(scaled, p.d, p.nmax * scale)
            twice = f"(2 * ({scaled} % {p.d}))"
            tie = f"{whole} % 2 = 1" if even else "TRUE"
            step = f"(CASE WHEN {twice} > {p.d} OR ({twice} = {p.d} AND {tie}) THEN 1 ELSE 0 END)"
            n = f"(CASE WHEN {p.n} < 0 THEN -({whole} + {step}) ELSE {whole} + {step} END)"
        nmax = -(-p.nmax * scale // max(p.dmin, 1)) + 1  # |x| ≤ nmax / dmin, rounded to 1/scale
        self.fits(nmax)
        return Pair(n, nmax, self.const(scale), scale, scale, scale)

    # ---- comparisons
    def compare(self, expr: ir.Compare) -> str:
        """The condition (a nullable boolean) of a comparison with arithmetic between cells."""
        left, right = self.pair(expr.left), self.pair(expr.right)
        difference = self.add(left, right, -1)
        dn = difference.n
        tolerance = self.ex.tolerance
        slack = [] if tolerance is not None else [*self.ex._slack_terms(expr.left), *self.ex._slack_terms(expr.right)]
        if (tolerance is not None and tolerance == 0) or (tolerance is None and not slack):
            return self.cmp(dn, _SQL_OP[expr.op], "0") if self.big else f"({dn} {_SQL_OP[expr.op]} 0)"
        if self.name == "postgres":  # NUMERIC: the tolerance itself, times the (positive) denominator
            if tolerance is not None:
                t = f"{tolerance:f}"
            else:
                t = "(" + " + ".join(f"{c:f} * {self.ex._half_unit(ref, 0)}" for c, ref in slack) + ")"
            return _tolerant(expr.op, dn, f"({t} * {difference.d})")
        # integers: T × 10^ts, then ⌊T × 10^ts × d / 10^ts⌋
        if tolerance is not None:
            ts = places(tolerance)
            t_sql, t_max = str(int(tolerance.scaleb(ts))), int(tolerance.scaleb(ts))
        else:
            ts = max(amount_scale(self.ex._ref(ref)[1]) + 1 + places(c.normalize()) for c, ref in slack)
            parts, t_max = [], 0
            for c, ref in slack:
                cp = places(c.normalize())
                factor = int(c.normalize().scaleb(cp))
                half, half_max = self.half_unit(ref, ts - cp)
                parts.append(half if factor == 1 else f"{factor} * {half}")
                t_max += factor * half_max
            t_sql = "(" + " + ".join(parts) + ")"
            if self.big and t_max > 2**63 - 1:  # the tolerance's own sum is SQLite's native arithmetic
                raise TooLarge(self.name, t_max, 2**63 - 1)
        self.fits(t_max * difference.dmax, difference.nmax)
        if difference.dconst is not None and tolerance is not None:
            floor = self.int_lit(int(tolerance.scaleb(ts)) * difference.dconst // 10**ts)
        elif self.big:
            floor = self.div(self.times(t_sql, difference.d), self.const(10**ts), t_max * difference.dmax)
        else:
            product = f"({self.int_lit_sql(t_sql)} * {difference.d})"
            floor = self.div(product, str(10**ts), t_max * difference.dmax)
        if self.big:
            return self.tolerant(expr.op, dn, floor)
        return _tolerant(expr.op, dn, floor)

    def tolerant(self, op: str, d: str, t: str) -> str:
        """:func:`_tolerant` by the big-integer functions."""
        size, minus = self.absolute(d), self.negative(t)
        return {
            "==": self.cmp(size, "<=", t),
            "!=": self.cmp(size, ">", t),
            "<=": self.cmp(d, "<=", t),
            ">=": self.cmp(d, ">=", minus),
            "<": self.cmp(d, "<", minus),
            ">": self.cmp(d, ">", t),
        }[op]

    def int_lit_sql(self, sql: str) -> str:
        return f"CAST({sql} AS {self.integer})" if self.integer is not None else sql

    def half_unit(self, ref: ir.CellRef | ir.FieldRef, scale: int) -> tuple[str, int]:
        """Half a unit in the last reported place of ``ref`` in units of 10^-scale (0 when blank), an integer."""
        cell_type = self.ex._ref(ref)[1]
        key = ref.cell if isinstance(ref, ir.CellRef) else ref.field
        places_column = self.ex._column("places", key, ref.previous)
        stored = amount_scale(cell_type)
        branches = " ".join(f"WHEN {p} THEN {5 * 10 ** (scale - p - 1)}" for p in range(stored + 1))
        return f"COALESCE(CASE {places_column} {branches} END, 0)", 5 * 10 ** (scale - 1)


def _bound(ex: Expressions, expr: ir.Expr) -> Fraction:
    """An upper bound of the magnitude of a number expression without arithmetic between cells."""
    match expr:
        case ir.Const(value=value):
            return Fraction(abs(value))
        case ir.CellRef() | ir.FieldRef():
            return Fraction(BOUND)
        case ir.Length():
            return Fraction(MAX_LENGTH)
        case ir.Sum(terms=terms):
            return sum((_bound(ex, term) for _, term in terms), Fraction(0))
        case ir.Scale(factor=factor, arg=arg):
            return abs(Fraction(factor)) * _bound(ex, arg)
        case _:
            raise Unsupported(f"not a number expression: {expr!r}")


def _times(sql: str, factor: int) -> str:
    return sql if factor == 1 else f"({sql} * {factor})"


_SQL_OP = {"==": "=", "!=": "<>", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}


def _tolerant(op: str, d: str, t: str) -> str:
    return {
        "==": f"(abs({d}) <= {t})",
        "!=": f"(abs({d}) > {t})",
        "<=": f"({d} <= {t})",
        ">=": f"({d} >= -{t})",
        "<": f"({d} < -{t})",
        ">": f"({d} > {t})",
    }[op]


# ---------------------------------------------------------------------------------------------------- SQLite

BigInt = int | str | None
"""What SQLite hands a big-integer function: an INTEGER, a decimal TEXT (what the functions return), or NULL."""


def _int(value: int | str | bytes | float) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"not an exact integer: {value!r}")  # a REAL would be approximate: never taken


def _text(function: Callable[..., int]) -> Callable[..., str | None]:
    def wrapped(*args: BigInt) -> str | None:
        if any(a is None for a in args):
            return None
        return str(function(*(_int(a) for a in args if a is not None)))

    return wrapped


def _sign(a: BigInt) -> int | None:
    return None if a is None else (_int(a) > 0) - (_int(a) < 0)


def _cmp(a: BigInt, b: BigInt) -> int | None:
    if a is None or b is None:
        return None
    x, y = _int(a), _int(b)
    return (x > y) - (x < y)


SQLITE_FUNCTIONS: dict[str, tuple[int, Callable[..., str | int | None]]] = {
    "gaidsl_add": (2, _text(lambda a, b: a + b)),
    "gaidsl_sub": (2, _text(lambda a, b: a - b)),
    "gaidsl_mul": (2, _text(lambda a, b: a * b)),
    "gaidsl_div": (2, _text(lambda a, b: a // b)),
    "gaidsl_mod": (2, _text(lambda a, b: a % b)),
    "gaidsl_neg": (1, _text(lambda a: -a)),
    "gaidsl_abs": (1, _text(abs)),
    "gaidsl_sign": (1, _sign),
    "gaidsl_cmp": (2, _cmp),
}
"""SQLite's exact big integers: where a check's values need more than SQLite's 64-bit INTEGER (a quotient between
amounts, say), its SQL computes the numerator/denominator pairs with these functions, which the engine registers
(``sqlite3.Connection.create_function``) and any other SQLite user must register too (the built SQL's README says
so). Arguments are INTEGERs or decimal TEXTs; results are decimal TEXTs (``gaidsl_sign`` and ``gaidsl_cmp``: −1, 0
or 1); NULL in, NULL out. ``gaidsl_div`` and ``gaidsl_mod`` are called with non-negative operands and a positive
divisor only."""


def register_sqlite_functions(connection: sqlite3.Connection) -> None:
    """Register :data:`SQLITE_FUNCTIONS` on ``connection``."""
    for name, (count, function) in SQLITE_FUNCTIONS.items():
        connection.create_function(name, count, function, deterministic=True)


def uses_sqlite_functions(sql: str) -> bool:
    """Whether SQLite's ``sql`` calls the big-integer functions."""
    return "gaidsl_" in sql and any(f"{name}(" in sql for name in SQLITE_FUNCTIONS)


__all__ = [
    "LIMITS",
    "SQLITE_FUNCTIONS",
    "Pair",
    "Rationals",
    "TooLarge",
    "has_arith",
    "register_sqlite_functions",
    "uses_sqlite_functions",
]
