"""The reference evaluator: blank and unknown, three-valued logic, exact decimals, the tolerance rule, results."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl import load_spec
from gaidsl.checking.data import load_report
from gaidsl.checking.evaluate import compare_numbers, evaluate, evaluate_check, half_unit, truth
from gaidsl.checking.report import BLANK, UNKNOWN, FieldValue, Missing, Report, Value
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_text
from gaidsl.sampling.samples import valid_samples
from tests.support import SPEC_2021, SPECS, examples

DATA = Path(__file__).parent / "data"

MINI = """
format mini version 1 "测试" {
  unit 万元 "万元"
  field year "年度" : integer required
  field name "名称" : text
  section s "一、测试" {
    text notes "说明"
    table t "表" : count {
      columns { a "甲" b "乙" total c "合计" }
      rows { r1 "一、行一" r2 "二、行二" }
      check le for each column "行二不大于行一": r2 <= r1
    }
    table m "金额" : amount in 万元 decimals 4 {
      columns { x "X" y "Y" z "Z" }
      check eq "Z = X + Y": z == x + y
      check exact "Z = X + Y（无容差）": z == x + y tolerance 0
      check logic "逻辑": if x > 0 then y > 0 and z > 0 or not (x == 0)
      check two "2X ≤ Z": 2 * x <= z
    }
    check txt warning "说明提及费用或为空": mentions(notes, "费", "收费") or empty(notes)
    check prev warning "不少于上年": t[r1, a] >= previous.t[r1, a]
    check yr "年度与名称": year >= 2021 and name == "x"
  }
}
"""


def _mini() -> ir.Spec:
    compilation = compile_text(MINI, "mini.gai")
    assert compilation.spec is not None and compilation.ok, compilation.diagnostics
    return compilation.spec


SPEC = _mini()
NATIONAL = load_spec(SPEC_2021)


def report(
    values: Mapping[str, object] | None = None,
    fields: Mapping[str, FieldValue] | None = None,
    texts: Mapping[str, str | Missing] | None = None,
) -> Report:
    """A report of the mini spec; numbers written as ints, strings or Decimals."""
    converted: dict[str, Value] = {}
    for key, value in (values or {}).items():
        converted[key] = value if isinstance(value, Missing) else Decimal(str(value))
    return Report("mini", "1", fields=fields or {}, texts=texts or {}, values=converted)


def status(spec: ir.Spec, check: str, data: Report, previous: Report | None = None, position: int = 0) -> str:
    return evaluate_check(spec, check, data, previous)[position].status


# ---------------------------------------------------------------------------------------------------- seed report


def test_jiujia_2023_passes() -> None:
    data = load_report(DATA / "jiujia_2023.json", NATIONAL)
    evaluation = evaluate(NATIONAL, data)
    assert evaluation.ok
    assert not evaluation.failures
    # only the checks across periods cannot be checked without last year's report
    unverifiable = {r.check for r in evaluation.by_status("unverifiable")}
    assert unverifiable == {"carry_over", "in_force_carry"}
    assert all(r.reasons == ("no_previous",) for r in evaluation.by_status("unverifiable"))


def test_one_changed_cell_fails_exactly_its_checks() -> None:
    data = load_report(DATA / "jiujia_2023.json", NATIONAL)
    changed = Report(
        data.format, data.version, data.fields, data.texts, {**data.values, "requests.received.natural": Decimal(1)}
    )
    evaluation = evaluate(NATIONAL, changed, previous=data)
    failed = {(r.check, r.position) for r in evaluation.failures}
    assert failed == {("balance", "natural"), ("total.requests.total", "received")}
    balance = next(r for r in evaluation.failures if r.check == "balance")
    assert balance.message.zh == (
        "三、收到和处理政府信息公开申请情况 · 列「自然人」: 一 + 二 = 1 + 0 = 1, 但 （七）总计 + 四 = 0 + 0 = 0 (差 1)"
    )
    assert (balance.left, balance.right, balance.difference) == (Decimal(1), Decimal(0), Decimal(1))
    assert {c.key for c in balance.cells} == {
        "requests.received.natural",
        "requests.carried_in.natural",
        "requests.outcome_total.natural",
        "requests.carried_out.natural",
    }
    total = next(r for r in evaluation.failures if r.check == "total.requests.total")
    assert "行「一、本年新收政府信息公开申请数量」" in total.message.zh
    assert "总计 = 0, 但 自然人 + 商业企业" in total.message.zh and "(差 1)" in total.message.zh
    assert not evaluation.ok


def test_cell_labels_leave_out_the_dimension_label() -> None:
    data = load_report(DATA / "jiujia_2023.json", NATIONAL)
    [result] = [r for r in evaluate_check(NATIONAL, "balance", data) if r.position == "natural"]
    received = next(c for c in result.cells if c.key == "requests.received.natural")
    assert received.label == "一、本年新收政府信息公开申请数量 · 自然人"


# ---------------------------------------------------------------------------------------------------- blank and unknown


def test_blank_comparison_is_unverifiable_and_recorded() -> None:
    data = report({"m.x": 1, "m.z": 3})
    [result] = evaluate_check(SPEC, "eq", data)
    assert result.status == "unverifiable"
    assert result.blank == ("m.y",)
    assert result.difference is None
    assert "「Y」为空" in result.message.zh


def test_unknown_comparison_is_unverifiable() -> None:
    [result] = evaluate_check(SPEC, "eq", report({"m.x": 1, "m.y": UNKNOWN, "m.z": 3}))
    assert result.status == "unverifiable" and result.unknown == ("m.y",) and result.reasons == ("unknown",)


def test_previous_without_report_is_unverifiable_with_it_evaluates() -> None:
    this_year = report({"t.r1.a": 5})
    assert status(SPEC, "prev", this_year) == "unverifiable"
    assert status(SPEC, "prev", this_year, report({"t.r1.a": 4})) == "pass"
    assert status(SPEC, "prev", this_year, report({"t.r1.a": 6})) == "fail"
    assert status(SPEC, "prev", this_year, report({})) == "unverifiable"  # blank last year


# ---------------------------------------------------------------------------------------------------- logic


def _cmp(cell: str, value: int) -> ir.Compare:
    return ir.Compare("==", ir.CellRef(cell), ir.Const(Decimal(value)))


T, F, U = _cmp("m.x", 1), _cmp("m.x", 2), _cmp("m.y", 1)  # with x = 1 and y blank: true, false, unknown
KLEENE = report({"m.x": 1})


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (ir.And((T, U)), None),
        (ir.And((F, U)), False),
        (ir.And((T, T)), True),
        (ir.Or((T, U)), True),
        (ir.Or((F, U)), None),
        (ir.Or((F, F)), False),
        (ir.Not(U), None),
        (ir.Not(F), True),
        (ir.Implies(F, U), True),
        (ir.Implies(U, T), True),
        (ir.Implies(T, U), None),
        (ir.Implies(U, F), None),
        (ir.Implies(T, F), False),
    ],
)
def test_kleene_logic(expr: ir.BoolExpr, expected: bool | None) -> None:
    assert truth(SPEC, expr, KLEENE) is expected


def test_false_and_unknown_fails_a_check() -> None:
    # year >= 2021 is false, name is blank: false and unknown = false
    data = report(fields={"year": Decimal(2019)})
    assert status(SPEC, "yr", data) == "fail"
    assert status(SPEC, "yr", report(fields={"year": Decimal(2023)})) == "unverifiable"
    assert status(SPEC, "yr", report(fields={"year": Decimal(2023), "name": "x"})) == "pass"


def test_if_then_with_false_condition_passes_over_blanks() -> None:
    # if x > 0 then (y > 0 and z > 0) or not (x == 0)
    assert status(SPEC, "logic", report({"m.x": 0})) == "pass"  # condition false: y and z blank don't matter
    assert status(SPEC, "logic", report({"m.x": 1})) == "pass"  # not (x == 0) is true
    assert status(SPEC, "logic", report({})) == "unverifiable"
    assert status(SPEC, "logic", report({"m.x": "0.00"})) == "pass"


# ---------------------------------------------------------------------------------------------------- text


def test_text_functions() -> None:
    assert status(SPEC, "txt", report()) == "pass"  # blank text is empty
    assert status(SPEC, "txt", report(texts={"notes": "   \n"})) == "pass"
    assert status(SPEC, "txt", report(texts={"notes": "本年未收费"})) == "pass"
    assert status(SPEC, "txt", report(texts={"notes": "无"})) == "fail"
    assert status(SPEC, "txt", report(texts={"notes": UNKNOWN})) == "unverifiable"
    [fail] = evaluate_check(SPEC, "txt", report(texts={"notes": "无"}))
    assert fail.severity == "warning"


def test_length_counts_characters() -> None:
    expr = ir.Compare("==", ir.Length(ir.TextRef("notes")), ir.Const(Decimal(4)))
    assert truth(SPEC, expr, report(texts={"notes": "信息处理"})) is True
    assert truth(SPEC, expr, report()) is False  # blank: length 0
    assert truth(SPEC, expr, report(texts={"notes": UNKNOWN})) is None


# ---------------------------------------------------------------------------------------------------- numbers


def test_exact_decimals() -> None:
    assert status(SPEC, "exact", report({"m.x": "0.1", "m.y": "0.2", "m.z": "0.3"})) == "pass"
    [result] = evaluate_check(SPEC, "exact", report({"m.x": "0.1", "m.y": "0.2", "m.z": "0.3001"}))
    assert result.status == "fail" and result.difference == Decimal("0.0001")


def test_half_unit() -> None:
    assert half_unit(Decimal("7730.28")) == Decimal("0.005")
    assert half_unit(Decimal("96171.6")) == Decimal("0.05")
    assert half_unit(Decimal("4068.208")) == Decimal("0.0005")
    assert half_unit(Decimal("12")) == Decimal("0.5")
    assert half_unit(Decimal("0.00")) == Decimal("0.005")


@pytest.mark.parametrize(
    ("x", "y", "z", "expected"),
    [
        # tolerance = 0.005 (x) + 0.05 (y) + 0.05 (z) = 0.105
        ("7730.28", "0.1", "7730.4", "pass"),  # difference 0.02
        ("7730.28", "0.1", "7730.5", "fail"),  # difference 0.12
        ("1.00", "2.00", "3.01", "pass"),  # tolerance 0.015, difference 0.01
        ("1", "2", "4", "pass"),  # whole amounts: tolerance 1.5, difference 1
        ("1", "2", "5", "fail"),  # difference 2
    ],
)
def test_tolerance_rule(x: str, y: str, z: str, expected: str) -> None:
    data = report({"m.x": x, "m.y": y, "m.z": z})
    [result] = evaluate_check(SPEC, "eq", data)
    tolerance = half_unit(Decimal(x)) + half_unit(Decimal(y)) + half_unit(Decimal(z))
    assert result.comparison is not None and result.comparison.tolerance == tolerance
    assert result.status == expected


def test_tolerance_boundary_is_inclusive() -> None:
    # 1.00 + 2.00 vs 3.015: tolerance 0.005 × 2 + 0.0005 = 0.0105, difference 0.015 → fail
    assert status(SPEC, "eq", report({"m.x": "1.00", "m.y": "2.00", "m.z": "3.015"})) == "fail"
    # 1.0 + 2.0 vs 3.1: tolerance 0.05 × 2 + 0.05 = 0.15, difference 0.1 → pass; exactly at 0.15 also passes
    assert status(SPEC, "eq", report({"m.x": "1.0", "m.y": "2.0", "m.z": "3.1"})) == "pass"
    assert status(SPEC, "eq", report({"m.x": "1.00", "m.y": "2.00", "m.z": "3.00"})) == "pass"
    assert status(SPEC, "exact", report({"m.x": "1.0", "m.y": "2.0", "m.z": "3.1"})) == "fail"


def test_tolerance_scales_with_coefficients() -> None:
    # 2 × 1.25 ≤ 2.49: tolerance 2 × 0.005 + 0.005 = 0.015, difference 0.01
    [result] = evaluate_check(SPEC, "two", report({"m.x": "1.25", "m.z": "2.49"}))
    assert result.status == "pass" and result.comparison is not None
    assert result.comparison.tolerance == Decimal("0.015")


def test_counts_are_exact() -> None:
    data = report({"t.r1.a": 1, "t.r1.b": 1, "t.r1.c": 3})
    [result] = [r for r in evaluate_check(SPEC, "total.t.c", data) if r.position == "r1"]
    assert result.status == "fail" and result.comparison is not None and result.comparison.tolerance == 0


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3), st.decimals(min_value=0, max_value=1, places=3))
def test_comparisons_are_complementary(difference: Decimal, tolerance: Decimal) -> None:
    for op, negation in (("==", "!="), ("<=", ">"), (">=", "<")):
        assert compare_numbers(op, difference, tolerance) != compare_numbers(negation, difference, tolerance)


# ---------------------------------------------------------------------------------------------------- properties

_COUNT = st.one_of(st.just(BLANK), st.just(UNKNOWN), st.integers(0, 30).map(Decimal))
_AMOUNT = st.one_of(
    st.just(BLANK),
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.integers(0, 50).map(Decimal),
)


def _mini_values() -> st.SearchStrategy[dict[str, Value]]:
    entries = {key: (_AMOUNT if key.startswith("m.") else _COUNT) for key in SPEC.cells}
    return st.fixed_dictionaries(entries)  # type: ignore[arg-type]


@settings(max_examples=examples(1.5))
@given(_mini_values(), st.data())
def test_a_verdict_never_depends_on_a_blank(values: dict[str, Value], data: st.DataObject) -> None:
    """Pass or fail holds whatever numbers the blank and unknown cells had; plain comparisons over them are
    always unverifiable."""
    before = evaluate(SPEC, report(values))
    filled = {
        key: data.draw(st.integers(0, 60).map(Decimal)) if not isinstance(value, Decimal) else value
        for key, value in values.items()
    }
    after = evaluate(SPEC, report(filled))
    for old, new in zip(before.results, after.results, strict=True):
        if old.status != "unverifiable":
            assert new.status == old.status, (old.check, old.position)
        instance = next(i for i in SPEC.check(old.check).instances if i.position == old.position)
        if isinstance(instance.expr, ir.Compare) and (old.blank or old.unknown):
            assert old.status == "unverifiable"


@settings(max_examples=examples(0.3))
@given(st.fixed_dictionaries({key: _COUNT for key in NATIONAL.cells if NATIONAL.cells[key].type.kind == "count"}))
def test_national_blank_never_passes_or_fails(values: dict[str, Value]) -> None:
    evaluation = evaluate(NATIONAL, Report(NATIONAL.id, NATIONAL.version, values=values))
    for result in evaluation.results:
        if result.blank or result.unknown:
            assert result.status == "unverifiable", result.message.en


@settings(max_examples=examples(0.3))
@given(st.fixed_dictionaries({key: _COUNT for key in NATIONAL.cells if NATIONAL.cells[key].type.kind == "count"}))
def test_evaluation_does_not_depend_on_key_order(values: dict[str, Value]) -> None:
    keys = list(values)
    random.Random(len(keys)).shuffle(keys)
    shuffled = {key: values[key] for key in keys}
    first = evaluate(NATIONAL, Report(NATIONAL.id, NATIONAL.version, values=values))
    second = evaluate(NATIONAL, Report(NATIONAL.id, NATIONAL.version, values=dict(reversed(list(shuffled.items())))))
    assert first.to_json() == second.to_json()


# ---------------------------------------------------------------------------------------------------- results as data


def test_results_to_json_are_exact() -> None:
    evaluation = evaluate(SPEC, report({"m.x": "7730.28", "m.y": "0.10", "m.z": "7730.30"}))
    document = json.loads(evaluation.to_json(), parse_float=Decimal)
    eq = next(r for r in document["results"] if r["check"] == "eq")
    assert eq["values"] == {"m.z": Decimal("7730.30"), "m.x": Decimal("7730.28"), "m.y": Decimal("0.10")}
    assert eq["difference"] == Decimal("-0.08")
    assert set(eq) >= {"check", "severity", "status", "position", "cells", "values", "message", "left", "right"}
    assert set(document["summary"]) == {"results", "pass", "fail", "unverifiable", "errors", "warnings", "missing"}
    assert document["verdict"] == evaluation.verdict == "fail"  # the spec's required field year is not given
    assert document["missing"] == [json.loads(json.dumps(a.to_json_dict())) for a in evaluation.absent]


_TRUE = st.decimals(min_value=0, max_value=100000, places=6, allow_nan=False, allow_infinity=False)
_PLACES = st.integers(0, 4)


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places))


@settings(max_examples=examples(2))
@given(_TRUE, _TRUE, _PLACES, _PLACES, _PLACES)
def test_sums_of_honestly_rounded_amounts_always_pass(a: Decimal, b: Decimal, p: int, q: int, r: int) -> None:
    """The reason for the rule: true values a, b reported rounded to any precision, and their true sum reported
    rounded to any precision, never fail z == x + y."""
    data = report({"m.x": _rounded(a, p), "m.y": _rounded(b, q), "m.z": _rounded(a + b, r)})
    assert status(SPEC, "eq", data) == "pass"


@settings(max_examples=examples(2))
@given(_TRUE, _TRUE, st.integers(1, 10**4))
def test_exact_sums_with_zero_tolerance(x: Decimal, y: Decimal, ulps: int) -> None:
    x, y = _rounded(x, 4), _rounded(y, 4)
    assert status(SPEC, "exact", report({"m.x": x, "m.y": y, "m.z": x + y})) == "pass"
    off = x + y + Decimal(ulps).scaleb(-4)
    assert status(SPEC, "exact", report({"m.x": x, "m.y": y, "m.z": off})) == "fail"


# ---------------------------------------------------------------------------------------------------- overlays


def test_a_check_an_overlay_removed_never_runs() -> None:
    national = load_spec(SPECS / "gov_info_disclosure_2019.gai")
    overlay = load_spec(SPECS / "provincial_overlay_2019.gai")
    data = Report("gov_info_disclosure", "2019", fields={"year": Decimal(2018)})
    # the national format's year check fails for a 2018 report …
    assert status(national, "format_in_force", data) == "fail"
    assert "format_in_force" in {r.check for r in evaluate(national, data, explain_passes=False).failures}
    # … the overlay removed it (in favour of province_year): no result for it at all, only its replacement's
    evaluation = evaluate(overlay, data)
    assert "format_in_force" not in {r.check for r in evaluation.results}
    assert evaluation.statuses()[("province_year", None)] == "fail"
    assert overlay.removed_check("format_in_force") is not None
    with pytest.raises(KeyError):
        evaluate_check(overlay, "format_in_force", data)


_KEYED = """format keyed version 1 "K" {
  language en
  section s "S" {
    table t "T" : count {
      rows { a "A"  b "B" }
      columns { n "N"  m "M" }
      check c "c": CONDITION
    }
  }
}
"""


def test_a_cell_named_by_its_key_is_the_cell_table_row_column_names() -> None:
    """``t.a.n``, the key data files use, names the cell as ``t[a, n]`` does (it was refused with GAI306, "give the
    row and column", although both were given); a column the table lacks is GAI111 at its name."""
    keyed = compile_text(_KEYED.replace("CONDITION", "t.a.n == previous.t.b.m"), "keyed.gai")
    bracketed = compile_text(_KEYED.replace("CONDITION", "t[a, n] == previous.t[b, m]"), "bracketed.gai")
    assert keyed.spec is not None and bracketed.spec is not None, [d.message.en for d in keyed.diagnostics]
    assert keyed.spec.check("c").instances == bracketed.spec.check("c").instances
    wrong = compile_text(_KEYED.replace("CONDITION", "t.a.n == t.b.x"), "wrong.gai")
    assert [(d.code, d.span.column if d.span else 0) for d in wrong.diagnostics] == [("GAI111", 33)]  # at x


@settings(max_examples=examples(0.2), deadline=None)
@given(seed=st.integers(0, 2**16), blanks=st.floats(0, 0.2), slips=st.floats(0, 0.2))
def test_passes_in_brief_change_nothing_but_the_passes(seed: int, blanks: float, slips: float) -> None:
    """``explain_passes=False`` (what validate without -o and the samplers ask for): the same statuses, the same
    missing items, every failing and unverifiable result whole; a pass carries its check, severity, position and
    rule, and neither values nor a finding."""
    rng = random.Random(seed)
    (sample,) = valid_samples(NATIONAL, 1, seed=seed)
    values: dict[str, Value] = {}
    for key, value in sample.report.values.items():
        draw = rng.random()
        values[key] = (
            BLANK if draw < blanks else value + 1 if draw < blanks + slips and isinstance(value, Decimal) else value
        )
    report = attrs.evolve(sample.report, values=values)
    whole, brief = evaluate(NATIONAL, report), evaluate(NATIONAL, report, explain_passes=False)
    assert brief.statuses() == whole.statuses() and brief.absent == whole.absent
    assert [r for r in brief.results if r.status != "pass"] == [r for r in whole.results if r.status != "pass"]
    for short, full in zip(brief.results, whole.results, strict=True):
        if full.status == "pass":
            assert (short.check, short.severity, short.position, short.rule) == (
                full.check,
                full.severity,
                full.position,
                full.rule,
            )
            assert short.involved == () and short.comparisons == () and short.message == full.rule
