"""The reference evaluator: every check of a spec, at every position, over one report (and last year's).

This is the one definition of what a check means; every generated validator is tested against it.

Values
    A cell or field value is a :class:`~decimal.Decimal`, *blank* or *unknown* (:mod:`gaidsl.checking.report`).
    Arithmetic is
    exact (``Decimal`` with 100 significant digits, never float). A blank or unknown operand makes a sum, and any
    comparison it takes part in, *unknown*. ``previous.x`` reads the previous report given as ``previous=``; without
    one it is unknown too.

Text blocks
    A text block left out (blank) is the empty text: ``empty(t)`` is true, ``mentions(t, …)`` is false and
    ``length(t)`` is 0, because a missing part of a report is itself the finding. Only a text marked *unknown* (or a
    ``previous`` text without a previous report) is unknown. ``empty`` is true for blank or whitespace-only text;
    ``mentions(t, w1, w2, …)`` is true when any of the words occurs in ``t``; ``length`` counts characters
    (code points) of the text as stored. Text comparisons (``==``, ``!=``) are exact string comparisons; a blank
    text *field* is unknown there (fields are values, like cells).

Comparisons and tolerance
    Two numbers within the tolerance ``t`` of each other count as equal: with ``d = left − right``,
    ``==`` is ``|d| ≤ t``, ``!=`` is ``|d| > t``, ``<=`` is ``d ≤ t``, ``>=`` is ``d ≥ −t``, ``<`` is ``d < −t``
    and ``>`` is ``d > t`` (so ``not (a <= b)`` is exactly ``a > b``). ``t`` is the check's explicit ``tolerance``
    when it has one; otherwise it is the sum, over every *amount* term on either side, of |coefficient| × half a
    unit in the last decimal place of the value as reported (``7730.28`` contributes 0.005, ``96171.6`` 0.05,
    ``12`` 0.5). Counts, integers and constants contribute nothing, so checks over counts are exact.

Logic (three-valued, Kleene)
    Each condition is true, false or unknown. ``and`` is false if any part is false, else unknown if any part is
    unknown, else true. ``or`` is true if any part is true, else unknown if any is unknown, else false.
    ``not unknown`` is unknown. ``if c then t`` is ``(not c) or t``. A check is *pass* when its condition is true,
    *fail* when false and *unverifiable* when unknown. A pass or fail therefore never depends on a blank or unknown
    value: whatever numbers the blanks held, the verdict would be the same. In particular a plain comparison that
    touches a blank is always unverifiable.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

import attrs

from gaidsl.checking.report import BLANK, UNKNOWN, FieldValue, Missing, Report
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

Status = Literal["pass", "fail", "unverifiable"]
Truth = bool | None

PRECISION = 100
NO_PREVIOUS = "no_previous"


# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Involved:
    """A cell, field or text block a check read, with its labels and the value it had."""

    kind: str  # "cell" | "field" | "text"
    key: str
    labels: tuple[str, ...]
    value: Decimal | str | Missing | None  # None: previous report not given
    previous: bool = False

    @property
    def ref(self) -> str:
        """``key``, or ``previous.key`` for last year's value."""
        return f"previous.{self.key}" if self.previous else self.key

    @property
    def label(self) -> str:
        return " · ".join(self.labels)

    @property
    def missing(self) -> str | None:
        """Why this value is not usable: ``"blank"``, ``"unknown"``, ``"no_previous"`` or ``None``."""
        if self.value is None:
            return NO_PREVIOUS
        if self.kind == "text" and self.value is BLANK:
            return None  # a text block left out is the empty text, a known value
        if isinstance(self.value, Missing):
            return self.value.value
        return None


@attrs.frozen
class Comparison:
    """One comparison as evaluated: both sides, their difference, the tolerance used, the outcome."""

    op: str
    left: Decimal | str | None
    right: Decimal | str | None
    difference: Decimal | None
    tolerance: Decimal
    outcome: Truth


@attrs.frozen
class CheckResult:
    check: str
    severity: str
    status: Status
    position: str | None
    position_labels: tuple[str, ...]
    section: str | None
    table: str | None
    involved: tuple[Involved, ...]
    comparisons: tuple[Comparison, ...]
    message: Text  # this position's finding, e.g. 「… · 列「自然人」: 一 + 二 = 21 + 0 = 21, 但 …」
    rule: Text  # the check's own message (its label quoting the regulation)

    @property
    def comparison(self) -> Comparison | None:
        """The check's comparison when the check is one comparison (or its negation)."""
        return self.comparisons[0] if len(self.comparisons) == 1 else None

    @property
    def left(self) -> Decimal | str | None:
        return self.comparison.left if self.comparison else None

    @property
    def right(self) -> Decimal | str | None:
        return self.comparison.right if self.comparison else None

    @property
    def difference(self) -> Decimal | None:
        return self.comparison.difference if self.comparison else None

    @property
    def cells(self) -> tuple[Involved, ...]:
        return tuple(i for i in self.involved if i.kind == "cell")

    @property
    def blank(self) -> tuple[str, ...]:
        return tuple(i.ref for i in self.involved if i.missing == "blank")

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(i.ref for i in self.involved if i.missing in ("unknown", NO_PREVIOUS))

    @property
    def reasons(self) -> tuple[str, ...]:
        """For an unverifiable result: which kinds of missing values it read (blank, unknown, no_previous)."""
        seen = dict.fromkeys(i.missing for i in self.involved if i.missing)
        return tuple(r for r in seen if r is not None)

    def to_json_dict(self) -> dict[str, Any]:
        comparison = self.comparison
        return {
            "check": self.check,
            "severity": self.severity,
            "status": self.status,
            "position": self.position,
            "position_labels": list(self.position_labels),
            "section": self.section,
            "table": self.table,
            "cells": [
                {"kind": i.kind, "key": i.key, "previous": i.previous, "labels": list(i.labels), "value": _jv(i.value)}
                for i in self.involved
            ],
            "values": {i.ref: _jv(i.value) for i in self.involved},
            "blank": list(self.blank),
            "unknown": list(self.unknown),
            "op": comparison.op if comparison else None,
            "left": _jv(self.left),
            "right": _jv(self.right),
            "difference": _jv(self.difference),
            "tolerance": _jv(comparison.tolerance) if comparison else None,
            "message": {"zh": self.message.zh, "en": self.message.en},
            "rule": {"zh": self.rule.zh, "en": self.rule.en},
        }


@attrs.frozen
class Evaluation:
    """Every result of one report, in spec order (check by check, position by position)."""

    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """True when no error-severity check fails (warnings and unverifiable checks don't count)."""
        return not any(r.status == "fail" and r.severity == "error" for r in self.results)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == "fail")

    def by_status(self, status: Status) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == status)

    def statuses(self) -> dict[tuple[str, str | None], Status]:
        """``{(check key, position): status}`` — handy for tests and samplers."""
        return {(r.check, r.position): r.status for r in self.results}

    def summary(self) -> dict[str, int]:
        fails = self.failures
        return {
            "results": len(self.results),
            "pass": sum(1 for r in self.results if r.status == "pass"),
            "fail": len(fails),
            "unverifiable": sum(1 for r in self.results if r.status == "unverifiable"),
            "errors": sum(1 for r in fails if r.severity == "error"),
            "warnings": sum(1 for r in fails if r.severity == "warning"),
        }

    def to_json_dict(self) -> dict[str, Any]:
        return {"results": [r.to_json_dict() for r in self.results], "summary": self.summary()}

    def to_json(self) -> str:
        return dumps(self.to_json_dict())


def dumps(data: object) -> str:
    """JSON text with every Decimal written digit for digit as a JSON number (never through float)."""
    from gaidsl.checking.report import _DECIMAL_RE, _default

    text = json.dumps(_marked(data), ensure_ascii=False, indent=2, default=_default)
    return _DECIMAL_RE.sub(lambda m: m.group(1), text)


def _marked(data: object) -> object:
    from gaidsl.checking.report import _json_value

    if isinstance(data, dict):
        return {k: _marked(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_marked(v) for v in data]
    if isinstance(data, Decimal):
        return _json_value(data)
    return data


def _jv(value: object) -> object:
    if value is BLANK:
        return None
    if value is UNKNOWN:
        return "unknown"
    return value


# ---------------------------------------------------------------------------------------------------- public API


def evaluate(spec: ir.Spec, report: Report, previous: Report | None = None) -> Evaluation:
    """Evaluate every check of ``spec`` at every position over ``report`` (``previous``: last year's report)."""
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        results = tuple(
            evaluate_instance(spec, check, instance, report, previous)
            for check in spec.checks
            for instance in check.instances
        )
    return Evaluation(results)


def evaluate_check(
    spec: ir.Spec, check: ir.Check | str, report: Report, previous: Report | None = None
) -> tuple[CheckResult, ...]:
    """The results of one check (given by key or object), one per position."""
    found = spec.check(check) if isinstance(check, str) else check
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        return tuple(evaluate_instance(spec, found, i, report, previous) for i in found.instances)


def truth(
    spec: ir.Spec,
    expr: ir.BoolExpr,
    report: Report,
    previous: Report | None = None,
    tolerance: Decimal | None = None,
) -> Truth:
    """The three-valued truth of one condition: True, False or None (unknown). ``tolerance``: the check's explicit
    tolerance, if it has one (otherwise the reported-precision rule applies)."""
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        return _Env(spec, report, previous, tolerance).truth(expr)


def evaluate_instance(
    spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, report: Report, previous: Report | None = None
) -> CheckResult:
    env = _Env(spec, report, previous, check.tolerance)
    outcome = env.truth(instance.expr)
    status: Status = "pass" if outcome is True else "fail" if outcome is False else "unverifiable"
    return check_result(spec, check, instance, status, env)


def check_result(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, status: Status, env: _Env) -> CheckResult:
    """The result record of a position whose ``status`` is known, its values and comparisons as ``env`` saw them
    (shared with the SQL engines, which get the status from the database)."""
    from gaidsl.checking.explain import explain

    involved = tuple(env.involved(instance.expr))
    comparisons = tuple(env.comparisons)
    return CheckResult(
        check=check.key,
        severity=check.severity,
        status=status,
        position=instance.position,
        position_labels=instance.position_labels,
        section=check.section,
        table=check.table,
        involved=involved,
        comparisons=comparisons,
        message=explain(spec, check, instance, status, involved, comparisons, env),
        rule=check.message,
    )


# ---------------------------------------------------------------------------------------------------- evaluation


def half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last decimal place of ``value`` as written: 7730.28 → 0.005, 12 → 0.5."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal((0, (5,), exponent - 1))


class _Env:
    def __init__(self, spec: ir.Spec, report: Report, previous: Report | None, tolerance: Decimal | None) -> None:
        self.spec = spec
        self.report = report
        self.previous = previous
        self.tolerance = tolerance
        self.comparisons: list[Comparison] = []

    # ---- reading values
    def _source(self, previous: bool) -> Report | None:
        return self.previous if previous else self.report

    def cell(self, ref: ir.CellRef) -> Decimal | Missing | None:
        source = self._source(ref.previous)
        return None if source is None else source.value(ref.cell)

    def field(self, ref: ir.FieldRef) -> FieldValue | None:
        source = self._source(ref.previous)
        return None if source is None else source.fields.get(ref.field, BLANK)

    def text(self, ref: ir.TextRef) -> str | Missing | None:
        source = self._source(ref.previous)
        return None if source is None else source.texts.get(ref.block, BLANK)

    def text_content(self, ref: ir.TextRef) -> str | None:
        """The text of a block (blank → ""), or None when unknown."""
        value = self.text(ref)
        if value is BLANK:
            return ""
        return value if isinstance(value, str) else None

    # ---- numbers
    def number(self, expr: ir.Expr) -> Decimal | None:
        match expr:
            case ir.Const(value=value):
                return value
            case ir.CellRef():
                cell = self.cell(expr)
                return cell if isinstance(cell, Decimal) else None
            case ir.FieldRef():
                field = self.field(expr)
                return field if isinstance(field, Decimal) else None
            case ir.Sum(terms=terms):
                parts = [self.number(term) for _, term in terms]
                if any(p is None for p in parts):
                    return None
                return sum((sign * p for (sign, _), p in zip(terms, parts, strict=True) if p is not None), Decimal(0))
            case ir.Scale(factor=factor, arg=arg):
                inner = self.number(arg)
                return None if inner is None else factor * inner
            case ir.Length(arg=ref):
                content = self.text_content(ref)
                return None if content is None else Decimal(len(content))
            case _:
                ir.not_a_number(expr)

    def slack(self, expr: ir.Expr) -> Decimal:
        """The reported-precision allowance of an expression: Σ |coefficient| × half a unit per amount term."""
        match expr:
            case ir.Sum(terms=terms):
                return sum((self.slack(term) for _, term in terms), Decimal(0))
            case ir.Scale(factor=factor, arg=arg):
                return abs(factor) * self.slack(arg)
            case ir.CellRef(cell=key) if self.spec.cells[key].type.kind == "amount":
                value = self.cell(expr)
                return half_unit(value) if isinstance(value, Decimal) else Decimal(0)
            case ir.FieldRef(field=key) if self.spec.fields[key].type.kind == "amount":
                field = self.field(expr)
                return half_unit(field) if isinstance(field, Decimal) else Decimal(0)
            case ir.Const() | ir.CellRef() | ir.FieldRef() | ir.Length():
                return Decimal(0)
            case _:
                ir.not_a_number(expr)

    def string(self, expr: ir.Expr) -> str | None:
        match expr:
            case ir.TextConst(value=value):
                return value
            case ir.TextRef():
                return self.text_content(expr)
            case ir.FieldRef():
                field = self.field(expr)
                return field if isinstance(field, str) else None
            case ir.CellRef():  # non-numeric cells are not carried by reports yet: unknown
                return None
            case _:
                ir.not_a_text(expr)

    # ---- conditions
    def truth(self, expr: ir.Expr) -> Truth:
        match expr:
            case ir.Compare():
                return self.compare(expr)
            case ir.And(args=args):
                parts = [self.truth(a) for a in args]
                return False if False in parts else None if None in parts else True
            case ir.Or(args=args):
                parts = [self.truth(a) for a in args]
                return True if True in parts else None if None in parts else False
            case ir.Not(arg=arg):
                inner = self.truth(arg)
                return None if inner is None else not inner
            case ir.Implies(condition=condition_expr, then=then_expr):
                condition, then = self.truth(condition_expr), self.truth(then_expr)
                if condition is False or then is True:
                    return True
                if condition is True and then is False:
                    return False
                return None
            case ir.Mentions(arg=ref, words=words):
                content = self.text_content(ref)
                return None if content is None else any(word in content for word in words)
            case ir.Empty(arg=ref):
                content = self.text_content(ref)
                return None if content is None else not content.strip()
            case _:
                ir.not_a_condition(expr)

    def compare(self, expr: ir.Compare) -> Truth:
        if ir.is_text(self.spec, expr.left) or ir.is_text(self.spec, expr.right):
            ls, rs = self.string(expr.left), self.string(expr.right)
            outcome: Truth = None
            if ls is not None and rs is not None:
                outcome = (ls == rs) if expr.op == "==" else (ls != rs)
            self.comparisons.append(Comparison(expr.op, ls, rs, None, Decimal(0), outcome))
            return outcome
        left, right = self.number(expr.left), self.number(expr.right)
        tolerance = self.tolerance if self.tolerance is not None else self.slack(expr.left) + self.slack(expr.right)
        if left is None or right is None:
            self.comparisons.append(Comparison(expr.op, left, right, None, tolerance, None))
            return None
        difference = left - right
        outcome = compare_numbers(expr.op, difference, tolerance)
        self.comparisons.append(Comparison(expr.op, left, right, difference, tolerance, outcome))
        return outcome

    # ---- what a check read
    def involved(self, expr: ir.Expr) -> Iterable[Involved]:
        seen: set[tuple[str, str, bool]] = set()
        for node in ir.walk(expr):
            item: Involved | None = None
            if isinstance(node, ir.CellRef):
                cell = self.spec.cells[node.cell]
                item = Involved("cell", node.cell, cell_labels(self.spec, cell), self.cell(node), node.previous)
            elif isinstance(node, ir.FieldRef):
                field = self.spec.fields[node.field]
                item = Involved("field", node.field, (field.label,), self.field(node), node.previous)
            elif isinstance(node, ir.TextRef):
                block = self.spec.texts[node.block]
                item = Involved("text", node.block, (block.label or node.block,), self.text(node), node.previous)
            if item is not None and (item.kind, item.key, item.previous) not in seen:
                seen.add((item.kind, item.key, item.previous))
                yield item


def compare_numbers(op: str, difference: Decimal, tolerance: Decimal) -> bool:
    """The tolerance rule: values within ``tolerance`` of each other count as equal."""
    if op == "==":
        return abs(difference) <= tolerance
    if op == "!=":
        return abs(difference) > tolerance
    if op == "<=":
        return difference <= tolerance
    if op == ">=":
        return difference >= -tolerance
    if op == "<":
        return difference < -tolerance
    if op == ">":
        return difference > tolerance
    raise ValueError(f"unknown comparison {op!r}")


def cell_labels(spec: ir.Spec, cell: ir.Cell) -> tuple[str, ...]:
    """A cell's labels as people name it: its row path, then its column path without the dimension's own label
    (「一、本年新收政府信息公开申请数量 · 自然人」)."""
    table = spec.tables[cell.table]
    columns = table.columns.by_key[cell.column].labels
    rows = table.rows.by_key[cell.row].labels if table.rows is not None and cell.row is not None else ()
    return (*rows, *columns)


def cell_label(spec: ir.Spec, key: str) -> str:
    return " · ".join(cell_labels(spec, spec.cells[key]))


__all__ = [
    "CheckResult",
    "Comparison",
    "Evaluation",
    "Involved",
    "Status",
    "cell_label",
    "cell_labels",
    "compare_numbers",
    "evaluate",
    "evaluate_check",
    "evaluate_instance",
    "half_unit",
    "truth",
]
