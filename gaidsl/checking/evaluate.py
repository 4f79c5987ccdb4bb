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

import contextlib
import decimal
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar, assert_never

import attrs

from gaidsl.checking.explain import explain
from gaidsl.checking.open_members import absent_last_year, close, new_this_year
from gaidsl.checking.records import close_records
from gaidsl.checking.report import BLANK, FieldValue, Missing, Report, Value
from gaidsl.checking.required import absent_items
from gaidsl.checking.results import CheckResult, Comparison, Evaluation, Involved, Status, Truth, dumps
from gaidsl.language import arithmetic, ir
from gaidsl.language.diagnostics import Text
from gaidsl.language.formats import format_holds, full_match

PRECISION = 100
Exact = TypeVar("Exact", Decimal, Fraction)  # a difference and its tolerance: both Decimals, or both Fractions


# ---------------------------------------------------------------------------------------------------- public API


def last_years_by_name(
    reports: Sequence[tuple[str, Report]], previous: Report | Mapping[str, Report] | None
) -> Mapping[str, Report]:
    """Each named report's last year: one report for all of them, or each its own by name (or none)."""
    return {name: previous for name, _ in reports} if isinstance(previous, Report) else (previous or {})


def evaluate_each(
    spec: ir.Spec, reports: Sequence[tuple[str, Report]], previous: Report | Mapping[str, Report] | None = None
) -> list[Evaluation]:
    """:func:`evaluate` for each ``(name, report)``, with :func:`last_years_by_name`'s last year."""
    last_years = last_years_by_name(reports, previous)
    return [evaluate(spec, report, last_years.get(name)) for name, report in reports]


def evaluate(
    spec: ir.Spec, report: Report, previous: Report | None = None, *, explain_passes: bool = True
) -> Evaluation:
    """Evaluate every check of ``spec`` at every position over ``report`` (``previous``: last year's report), and
    find the required items it lacks (:mod:`gaidsl.checking.required`). The cyclic garbage collector is paused
    meanwhile (:func:`collector_paused`).

    ``explain_passes=False``: a passing result comes in brief (:func:`passed_in_brief`: no values, no finding), for
    callers that only count passes, such as a wide CSV's summary; most results pass, and their values and
    finding are most of an evaluation's cost (a third of the time without them, national format)."""
    with collector_paused():
        new = new_this_year(spec, report.members, previous.members) if previous is not None else {}
        spec = close_records(close(spec, report.members), report)  # open rows and lists of records of this report
        with decimal.localcontext() as ctx:
            ctx.prec = PRECISION
            results = tuple(
                evaluate_instance(spec, check, instance, report, previous, explain_pass=explain_passes or bool(new))
                for check in spec.checks
                for instance in check.instances
            )
        if new:
            results = _new_members(results, spec, new)
        return Evaluation(results, absent_items(spec, report))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs, on again after it (``finally``) if it was on.

    An evaluation makes objects in proportion to the report (a closed check and a result per position, several per
    entered member); made while the collector runs, they set off its collections, and those of the oldest generation
    scan every tracked object of the process (bench/open_rows.py: a large part of the time at 1,000 members). What
    an evaluation makes forms no reference cycle that needs the collector (reference counting frees it), and
    cyclic garbage that other threads make meanwhile is collected after. A caller that keeps the collector off
    keeps it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _new_members(results: tuple[CheckResult, ...], spec: ir.Spec, new: dict[str, str]) -> tuple[CheckResult, ...]:
    """A check across periods at a member last year's report did not have is unverifiable there, and says why."""
    across = {c.key for c in spec.checks if c.across_periods}
    return tuple(
        attrs.evolve(
            r, status="unverifiable", message=in_spec_language(spec, absent_last_year(r.position, new[r.position]))
        )
        if r.check in across and r.position in new
        else r
        for r in results
    )


def in_spec_language(spec: ir.Spec, said: Text) -> Text:
    """A finding in the spec's language: a spec in English has its findings in English in both slots (so its
    generated validators and every output hold no Chinese; docs/languages.md); a Chinese spec's as they are."""
    return said if spec.language == "zh" else Text(said.en, said.en)


def evaluate_check(
    spec: ir.Spec, check: ir.Check | str, report: Report, previous: Report | None = None
) -> tuple[CheckResult, ...]:
    """The results of one check (given by key or object), one per position."""
    if spec.open_dimensions or spec.records:  # the check at this report's rows (a member-count check too)
        spec = close_records(close(spec, report.members), report)
        check = check if isinstance(check, str) else check.key
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
        return Env(spec, report, previous, tolerance).truth(expr)


def evaluate_instance(
    spec: ir.Spec,
    check: ir.Check,
    instance: ir.CheckInstance,
    report: Report,
    previous: Report | None = None,
    *,
    explain_pass: bool = True,
) -> CheckResult:
    env = Env(spec, report, previous, check.tolerance)
    outcome = env.truth(instance.expr)
    if outcome is True and not explain_pass:
        return passed_in_brief(check, instance)
    status: Status = "pass" if outcome is True else "fail" if outcome is False else "unverifiable"
    return check_result(spec, check, instance, status, env)


def passed_in_brief(check: ir.Check, instance: ir.CheckInstance) -> CheckResult:
    """A pass at ``instance`` without the values it read or its finding: ``involved`` and ``comparisons`` empty, the
    check's own message (its rule) as the message."""
    return CheckResult(
        check=check.key,
        severity=check.severity,
        status="pass",
        position=instance.position,
        position_labels=instance.position_labels,
        section=check.section,
        table=check.table,
        involved=(),
        comparisons=(),
        message=check.message,
        rule=check.message,
    )


def check_result(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, status: Status, env: Env) -> CheckResult:
    """The result record of a position whose ``status`` is known, its values and comparisons as ``env`` saw them
    (shared with the SQL engines, which get the status from the database)."""
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
        message=in_spec_language(spec, explain(spec, check, instance, status, involved, comparisons, env)),
        rule=check.message,
    )


# ---------------------------------------------------------------------------------------------------- evaluation


def half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last decimal place of ``value`` as written: 7730.28 → 0.005, 12 → 0.5."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal((0, (5,), exponent - 1))


class Env:
    def __init__(self, spec: ir.Spec, report: Report, previous: Report | None, tolerance: Decimal | None) -> None:
        self.spec = spec
        self.report = report
        self.previous = previous
        self.tolerance = tolerance
        self.comparisons: list[Comparison] = []
        self.divided_by_zero = False  # a quotient by zero made a value unknown (said in the finding)

    # ---- reading values
    def _source(self, previous: bool) -> Report | None:
        return self.previous if previous else self.report

    def cell(self, ref: ir.CellRef) -> Value | None:
        source = self._source(ref.previous)
        return None if source is None else source.value(ref.cell)

    def field(self, ref: ir.FieldRef) -> FieldValue | None:
        source = self._source(ref.previous)
        return None if source is None else source.fields.get(ref.field, BLANK)

    def text(self, ref: ir.TextRef) -> str | Missing | None:
        source = self._source(ref.previous)
        return None if source is None else source.texts.get(ref.block, BLANK)

    def text_content(self, ref: ir.TextOperand) -> str | None:
        """The text of a block or a text cell (blank → ""), or None when unknown."""
        value: object
        if isinstance(ref, ir.TextRef):
            value = self.text(ref)
        elif isinstance(ref, ir.FieldRef):
            value = self.field(ref)
        else:
            value = self.cell(ref)
        if value is BLANK:
            return ""
        return value if isinstance(value, str) else None

    # ---- numbers
    def number(self, expr: ir.Expr) -> Decimal | Fraction | None:
        """The exact value: a Decimal, or a Fraction once arithmetic between cells is involved (docs/arithmetic.md);
        None when unknown."""
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
                parts = [
                    self._cell_number(term) if type(term) is ir.CellRef else self.number(term) for _, term in terms
                ]
                if any(p is None for p in parts):
                    return None
                if any(isinstance(p, Fraction) for p in parts):
                    return sum(
                        (sign * Fraction(p) for (sign, _), p in zip(terms, parts, strict=True) if p is not None),
                        Fraction(0),
                    )
                return sum(
                    (sign * p for (sign, _), p in zip(terms, parts, strict=True) if isinstance(p, Decimal)), Decimal(0)
                )
            case ir.Scale(factor=factor, arg=arg):
                inner = self.number(arg)
                if isinstance(inner, Fraction):
                    return Fraction(factor) * inner
                return None if inner is None else factor * inner
            case ir.Arith(op=op, args=args, places=places, rounding=rounding):
                values = [self.number(arg) for arg in args]
                if any(v is None for v in values):
                    return None
                result = arithmetic.apply(op, [Fraction(v) for v in values if v is not None], places, rounding)
                if result is None:
                    self.divided_by_zero = True
                return result
            case ir.Length(arg=ref):
                content = self.text_content(ref)
                return None if content is None else Decimal(len(content))
            case _:
                ir.not_a_number(expr)

    def _cell_number(self, ref: ir.CellRef) -> Decimal | None:
        """A cell's number (as :meth:`number` reads a cell: the common term of a sum, read without the dispatch)."""
        source = self.previous if ref.previous else self.report
        if source is None:
            return None
        cell = source.values.get(ref.cell, BLANK)
        return cell if isinstance(cell, Decimal) else None

    def slack(self, expr: ir.Expr) -> Decimal:
        """The reported-precision allowance of an expression: Σ |coefficient| × half a unit per amount term."""
        match expr:
            case ir.Sum(terms=terms):
                cells = self.spec.cells
                if all(type(t) is ir.CellRef and cells[t.cell].type.kind != "amount" for _, t in terms):
                    return Decimal(0)  # whole numbers only: no allowance (the common sum, read once)
                return sum((self.slack(term) for _, term in terms), Decimal(0))
            case ir.Scale(factor=factor, arg=arg):
                return abs(factor) * self.slack(arg)
            case ir.CellRef(cell=key) if self.spec.cells[key].type.kind == "amount":
                value = self.cell(expr)
                return half_unit(value) if isinstance(value, Decimal) else Decimal(0)
            case ir.FieldRef(field=key) if self.spec.fields[key].type.kind == "amount":
                field = self.field(expr)
                return half_unit(field) if isinstance(field, Decimal) else Decimal(0)
            case ir.Const() | ir.CellRef() | ir.FieldRef() | ir.Length() | ir.Arith():
                return Decimal(0)  # the operands of arithmetic between cells are taken exactly as reported
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
            case ir.CellRef():  # a text cell: a value like a field's (blank is unknown here)
                cell = self.cell(expr)
                return cell if isinstance(cell, str) else None
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
            case ir.Mentions(arg=ref) | ir.Empty(arg=ref) | ir.TextTest(arg=ref):
                content = self.text_content(ref)
                return None if content is None else text_condition_holds(expr, content)
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
            self.comparisons.append(Comparison(expr.op, _shown(left), _shown(right), None, tolerance, None))
            return None
        if isinstance(left, Fraction) or isinstance(right, Fraction):
            exact = Fraction(left) - Fraction(right)
            outcome = compare_numbers(expr.op, exact, Fraction(tolerance))
            shown = (_shown(left), _shown(right), _shown(exact))
            self.comparisons.append(Comparison(expr.op, *shown, tolerance, outcome))
            return outcome
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


def text_condition_holds(condition: ir.Mentions | ir.Empty | ir.TextTest, content: str) -> bool:
    """Whether a text function's condition holds of a text (blank: "")."""
    match condition:
        case ir.Mentions(words=words):
            return any(word in content for word in words)
        case ir.Empty():
            return not content.strip()
        case ir.TextTest():
            return text_test_holds(condition, content)
        case _:
            assert_never(condition)


def text_test_holds(test: ir.TextTest, content: str) -> bool:
    """``starts_with``, ``ends_with``, ``matches`` (the whole text) or a built-in format (field formats, issue 16)."""
    match test.kind:
        case "starts_with":
            return content.startswith(test.value)
        case "ends_with":
            return content.endswith(test.value)
        case "matches":
            return full_match(test.value, content)
        case "format":
            return format_holds(test.value, content)
        case _:
            assert_never(test.kind)


def _shown(value: Decimal | Fraction | None) -> Decimal | None:
    """A value as a finding shows it: a computed (rational) value by :func:`arithmetic.shown`."""
    return arithmetic.shown(value) if isinstance(value, Fraction) else value


def compare_numbers(op: str, difference: Exact, tolerance: Exact) -> bool:
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
    "Env",
    "Evaluation",
    "Involved",
    "Status",
    "cell_label",
    "cell_labels",
    "compare_numbers",
    "dumps",
    "evaluate",
    "evaluate_check",
    "evaluate_instance",
    "half_unit",
    "text_test_holds",
    "truth",
]
