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

The integers are PostgreSQL ``NUMERIC`` (unbounded), DuckDB ``HUGEINT`` (below 2^127) and SQLite ``INTEGER`` (below
2^63; beyond, SQLite would turn them into floating point). Every intermediate value's magnitude is bounded when the
SQL is written, from the bound every stored number has (below 10^15, gaidsl's reader and the tables' CHECK
constraints); a check whose bound exceeds the dialect's integers is refused (GAI761), never computed approximately.

The comparison's shown values (``left_value``, ``right_value``, ``difference``) are NULL for such a comparison: the
status is exact; the findings of ``gaidsl validate --engine`` show the values as the reference evaluator does.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.language import ir
from gaidsl.targets.sql.dialects import Unsupported, amount_scale, places

if TYPE_CHECKING:
    from gaidsl.targets.sql.target import Expressions

LIMITS: dict[str, int | None] = {"postgres": None, "duckdb": 2**127 - 1, "sqlite": 2**63 - 1}
"""The largest integer each dialect computes exactly (None: unbounded)."""
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

    def __init__(self, ex: Expressions) -> None:
        self.ex = ex
        self.name = ex.d.name
        self.limit = LIMITS.get(self.name)

    # ---- integers
    def fits(self, *bounds: int) -> None:
        for bound in bounds:
            if self.limit is not None and bound > self.limit:
                raise TooLarge(self.name, bound, self.limit)

    def int_lit(self, value: int) -> str:
        if self.name == "duckdb":
            return f"CAST({value} AS HUGEINT)"
        return f"({value})" if value < 0 else str(value)

    def div(self, a: str, b: str) -> str:
        """Integer division of non-negative integers."""
        if self.name == "postgres":
            return f"div({a}, {b})"
        if self.name == "duckdb":
            return f"({a} // {b})"
        return f"({a} / {b})"

    def const_pair(self, value: Fraction) -> Pair:
        d = value.denominator
        return Pair(self.int_lit(value.numerator), abs(value.numerator), str(d), d, d, d)

    # ---- pairs
    def pair(self, expr: ir.Expr) -> Pair:
        if not has_arith(expr):
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
                    return Pair(f"abs({p.n})", p.nmax, p.d, p.dmax, p.dconst, p.dmin)
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
            n = self.ex.number(expr, s)
        elif self.name == "duckdb":
            value = self.ex.number(expr)
            n = f"CAST({value} * {10**s} AS HUGEINT)" if s else f"CAST({value} AS HUGEINT)"
        else:  # PostgreSQL: NUMERIC, so that no product overflows a BIGINT
            value = self.ex.number(expr)
            n = f"(CAST({value} AS NUMERIC) * {10**s})" if s else f"CAST({value} AS NUMERIC)"
        return Pair(n, nmax, str(10**s), 10**s, 10**s, 10**s)

    def add(self, p: Pair, q: Pair, sign: int) -> Pair:
        op = "+" if sign > 0 else "-"
        if p.dconst is not None and q.dconst is not None:
            common = math.lcm(p.dconst, q.dconst)
            a, b = common // p.dconst, common // q.dconst
            nmax = p.nmax * a + q.nmax * b
            self.fits(nmax)
            n = f"({_times(p.n, a)} {op} {_times(q.n, b)})"
            return Pair(n, nmax, str(common), common, common, common)
        nmax = p.nmax * q.dmax + q.nmax * p.dmax
        dmax = p.dmax * q.dmax
        self.fits(nmax, dmax)
        return Pair(f"({p.n} * {q.d} {op} {q.n} * {p.d})", nmax, f"({p.d} * {q.d})", dmax, None, p.dmin * q.dmin)

    def mul(self, p: Pair, q: Pair) -> Pair:
        nmax, dmax = p.nmax * q.nmax, p.dmax * q.dmax
        self.fits(nmax, dmax)
        if p.dconst is not None and q.dconst is not None:
            return Pair(f"({p.n} * {q.n})", nmax, str(dmax), dmax, dmax, dmax)
        return Pair(f"({p.n} * {q.n})", nmax, f"({p.d} * {q.d})", dmax, None, p.dmin * q.dmin)

    def quotient(self, p: Pair, q: Pair) -> Pair:
        """p / q: NULL (unknown) when q is zero, as the evaluator's quotient by zero."""
        p_d, q_d, p_dmax, q_dmax, p_dmin = p.d, q.d, p.dmax, q.dmax, p.dmin
        if p.dconst is not None and q.dconst is not None:  # (a / 10^s) / (b / 10^t): the common factor cancels
            common = math.gcd(p.dconst, q.dconst)
            p_dmax = p_dmin = p.dconst // common
            q_dmax = q.dconst // common
            p_d, q_d = str(p_dmax), str(q_dmax)
        nmax, dmax = p.nmax * q_dmax, p_dmax * q.nmax
        self.fits(nmax, dmax)
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
        else:
            self.fits(p.nmax * q.dmax, q.nmax * p.dmax)
            first = f"{p.n} * {q.d} {op} {q.n} * {p.d}"
        n = f"(CASE WHEN {p.n} IS NULL OR {q.n} IS NULL THEN NULL WHEN {first} THEN {p.n} ELSE {q.n} END)"
        nmax, dmax, dmin = max(p.nmax, q.nmax), max(p.dmax, q.dmax), min(p.dmin, q.dmin)
        if p.dconst is not None and p.dconst == q.dconst:
            return Pair(n, nmax, p.d, dmax, p.dconst, p.dconst)
        return Pair(n, nmax, f"(CASE WHEN {first} THEN {p.d} ELSE {q.d} END)", dmax, None, dmin)

    def round(self, p: Pair, places_: int, even: bool) -> Pair:
        scale = 10**places_
        scaled = f"(abs({p.n}) * {scale})" if scale != 1 else f"abs({p.n})"
        self.fits(p.nmax * scale, 2 * p.dmax)
        whole = self.div(scaled, p.d)
        twice = f"(2 * ({scaled} % {p.d}))"
        tie = f"{whole} % 2 = 1" if even else "TRUE"
        step = f"(CASE WHEN {twice} > {p.d} OR ({twice} = {p.d} AND {tie}) THEN 1 ELSE 0 END)"
        n = f"(CASE WHEN {p.n} < 0 THEN -({whole} + {step}) ELSE {whole} + {step} END)"
        nmax = -(-p.nmax * scale // max(p.dmin, 1)) + 1  # |x| ≤ nmax / dmin, rounded to 1/scale
        self.fits(nmax)
        return Pair(n, nmax, str(scale), scale, scale, scale)

    # ---- comparisons
    def compare(self, expr: ir.Compare) -> str:
        """The condition (a nullable boolean) of a comparison with arithmetic between cells."""
        left, right = self.pair(expr.left), self.pair(expr.right)
        difference = self.add(left, right, -1)
        dn = difference.n
        tolerance = self.ex.tolerance
        slack = [] if tolerance is not None else [*self.ex._slack_terms(expr.left), *self.ex._slack_terms(expr.right)]
        if (tolerance is not None and tolerance == 0) or (tolerance is None and not slack):
            return f"({dn} {_SQL_OP[expr.op]} 0)"
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
        self.fits(t_max * difference.dmax, difference.nmax)
        if difference.dconst is not None and tolerance is not None:
            floor = self.int_lit(int(tolerance.scaleb(ts)) * difference.dconst // 10**ts)
        else:
            floor = self.div(f"({self.int_lit_sql(t_sql)} * {difference.d})", str(10**ts))
        return _tolerant(expr.op, dn, floor)

    def int_lit_sql(self, sql: str) -> str:
        return f"CAST({sql} AS HUGEINT)" if self.name == "duckdb" else sql

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


__all__ = ["LIMITS", "Pair", "Rationals", "TooLarge", "has_arith"]
