"""The linear part of a spec's checks, solved exactly: what lets the sampler compute values instead of searching.

Every equality a check asserts (``==``, also inside ``and``) between linear forms of numeric variables is a row;
exact sparse elimination over :class:`~fractions.Fraction` turns independent rows into pivots (one dependent
variable each, in integer arithmetic over the free ones), and single linear inequalities into bounds over the free
variables. Variables are slots: indexes into the sampler's list of keys.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, assert_never

import attrs

from gaidsl.analysis.encoding import Encoder, VarKey
from gaidsl.language import ir

Form = dict[int, Fraction]  # slot → coefficient
Row = tuple[Form, Fraction]  # Σ coefficient·x[slot] + constant
Terms = tuple[tuple[int, int], ...]  # (slot, integer coefficient), by slot


class Contradiction(Exception):
    """The equalities have no solution."""


@attrs.frozen
class Pivot:
    """A dependent variable: value·divisor = constant + Σ coefficient·x[free] (values in the sampler's units)."""

    slot: int
    constant: int
    divisor: int
    terms: Terms


@attrs.frozen
class Bound:
    """A linear condition over the free variables: constant + Σ coefficient·x[free] ≥ margin."""

    constant: int
    terms: Terms
    margin: int = 0

    def shortfall(self, x: list[int]) -> int:
        """How far ``x`` is from meeting the bound (≤ 0: met)."""
        total = self.constant
        for slot, coefficient in self.terms:
            total += coefficient * x[slot]
        return self.margin - total


def conjuncts(expr: ir.BoolExpr) -> list[ir.BoolExpr]:
    if isinstance(expr, ir.And):
        return [part for arg in expr.args for part in conjuncts(arg)]
    return [expr]


def linear(expr: ir.Expr, index: Mapping[VarKey, int]) -> Row | None:
    """``expr`` as Σ coefficient·variable + constant, or None when it is not linear in numeric variables."""
    coefficients: Form = {}
    constant = Fraction(0)

    def walk(node: ir.Expr, factor: Fraction) -> bool:
        nonlocal constant
        match node:
            case ir.Const(value=value):
                constant += factor * Fraction(value)
                return True
            case ir.CellRef() | ir.FieldRef():
                key = Encoder.key_of(node)
                if key not in index:
                    return False
                slot = index[key]
                coefficients[slot] = coefficients.get(slot, Fraction(0)) + factor
                return True
            case ir.Sum(terms=terms):
                return all(walk(term, factor * sign) for sign, term in terms)
            case ir.Scale(factor=scale, arg=arg):
                return walk(arg, factor * Fraction(scale))
            case ir.Length() | ir.TextConst() | ir.TextRef():  # a text length or a text: not a linear variable
                return False
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                return False
            case ir.TextTest():
                return False
            case _:
                assert_never(node)

    if not walk(expr, Fraction(1)):
        return None
    return {k: v for k, v in coefficients.items() if v}, constant


def difference(left: ir.Expr, right: ir.Expr, index: Mapping[VarKey, int]) -> Row | None:
    """``left − right`` as a row, or None when either side is not linear."""
    found_left, found_right = linear(left, index), linear(right, index)
    if found_left is None or found_right is None:
        return None
    row = dict(found_left[0])
    for slot, coefficient in found_right[0].items():
        row[slot] = row.get(slot, Fraction(0)) - coefficient
    return {k: v for k, v in row.items() if v}, found_left[1] - found_right[1]


def substitute(row: Row, pivots: Mapping[int, Row]) -> Row:
    """``row`` with every pivot's slot replaced by its expression over the free variables."""
    coefficients, offset = row
    form: Form = {}
    for slot, a in coefficients.items():
        if slot in pivots:
            expression, k = pivots[slot]
            offset += a * k
            for other, b in expression.items():
                form[other] = form.get(other, Fraction(0)) + a * b
        else:
            form[slot] = form.get(slot, Fraction(0)) + a
    return {k: v for k, v in form.items() if v}, offset


def equalities(spec: ir.Spec, index: Mapping[VarKey, int]) -> tuple[list[Row], list[tuple[ir.Check, ir.CheckInstance]]]:
    """The rows of every check's numeric equalities, and the check instances with any other part (the residual)."""
    rows: list[Row] = []
    residual: list[tuple[ir.Check, ir.CheckInstance]] = []
    for check in spec.checks:
        for instance in check.instances:
            parts = conjuncts(instance.expr)
            found = 0
            for part in parts:
                if isinstance(part, ir.Compare) and part.op == "==" and not ir.is_text(spec, part.left):
                    row = difference(part.left, part.right, index)
                    if row is not None:
                        rows.append(row)
                        found += 1
            if found < len(parts):
                residual.append((check, instance))
    return rows, residual


def eliminate(rows: list[Row], rank: Sequence[tuple[int, int]]) -> dict[int, Row]:
    """Exact sparse elimination: each independent row defines its variable of lowest ``rank`` in terms of free
    ones. The result, in the order the rows define them, maps each dependent slot to its expression."""
    pivots: dict[int, Row] = {}
    users: dict[int, set[int]] = {}
    for original in rows:
        row, offset = substitute(original, pivots)
        if not row:
            if offset != 0:
                raise Contradiction("the checks' equations contradict each other")
            continue
        pivot = min(row, key=lambda s: rank[s])
        a_p = row.pop(pivot)
        expression = {k: -v / a_p for k, v in row.items()}
        k_p = -offset / a_p
        for user in users.pop(pivot, set()):
            old, old_k = pivots[user]
            factor = old.pop(pivot)
            for other, b in expression.items():
                value = old.get(other, Fraction(0)) + factor * b
                if value:
                    old[other] = value
                else:
                    old.pop(other, None)
                    users.get(other, set()).discard(user)
                if value:
                    users.setdefault(other, set()).add(user)
            pivots[user] = (old, old_k + factor * k_p)
        pivots[pivot] = (expression, k_p)
        for other in expression:
            users.setdefault(other, set()).add(pivot)
    return pivots


def _integral(form: Form, constant: Fraction) -> tuple[int, int, Terms]:
    """``form`` and ``constant`` times their common denominator: (constant, denominator, terms)."""
    divisor = math.lcm(constant.denominator, *(v.denominator for v in form.values()))
    return int(constant * divisor), divisor, tuple((s, int(v * divisor)) for s, v in sorted(form.items()) if v)


def pivots(expressions: Mapping[int, Row], scale: int) -> list[Pivot]:
    """The dependent variables in integer arithmetic, values in units of 1/``scale``."""
    found = []
    for slot, (expression, k) in expressions.items():
        constant, divisor, terms = _integral(expression, k * scale)
        found.append(Pivot(slot, constant, divisor, terms))
    return found


def bounds(
    spec: ir.Spec,
    residual: Sequence[tuple[ir.Check, ir.CheckInstance]],
    index: Mapping[VarKey, int],
    expressions: Mapping[int, Row],
    scale: int,
) -> list[Bound]:
    """The residual checks that are one linear inequality, as bounds over the free variables."""
    found = []
    for check, instance in residual:
        expr = instance.expr
        if not (isinstance(expr, ir.Compare) and expr.op in ("<", "<=", ">", ">=")):
            continue
        if ir.is_text(spec, expr.left):
            continue
        row = difference(expr.left, expr.right, index)
        if row is None:
            continue
        form, constant = substitute(row, expressions)
        sign = 1 if expr.op in (">", ">=") else -1
        margin = Fraction(0)
        if expr.op in ("<", ">"):  # one unit beyond the tolerance
            extra = Fraction(check.tolerance) * scale if check.tolerance is not None else Fraction(0)
            margin = 1 + extra
        constant_int, divisor, terms = _integral({s: sign * v for s, v in form.items()}, sign * constant * scale)
        found.append(Bound(constant_int, terms, math.ceil(margin * divisor)))
    return found


def compile_pivots(pivots: Sequence[Pivot], step: Sequence[int]) -> Callable[[list[int]], bool]:
    """A function filling every pivot's slot of ``x`` from the free ones, False when one is not a whole number of
    its ``step``: straight-line code, several times faster than looping over the terms. The generated source holds
    only integers and list indexes."""
    lines = ["def compute(x):", "    ok = True"]
    for pivot in pivots:
        terms = " ".join(
            f"{'+' if c > 0 else '-'} {abs(c)} * x[{s}]" if abs(c) != 1 else f"{'+' if c > 0 else '-'} x[{s}]"
            for s, c in pivot.terms
        )
        lines.append(f"    t = {pivot.constant} {terms}")
        if pivot.divisor == 1:
            lines.append(f"    x[{pivot.slot}] = t")
        else:
            lines.append(f"    v, r = divmod(t, {pivot.divisor})")
            lines.append(f"    x[{pivot.slot}] = v")
            lines.append("    if r: ok = False")
        if step[pivot.slot] != 1:
            lines.append(f"    if x[{pivot.slot}] % {step[pivot.slot]}: ok = False")
    lines.append("    return ok")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<gaidsl.sampling.samples dependents>", "exec"), namespace)
    compute: Callable[[list[int]], bool] = namespace["compute"]
    return compute
