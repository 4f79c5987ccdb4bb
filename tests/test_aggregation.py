"""Aggregation kinds (docs/aggregation.md): of-which rows, averages and ratios that totals and ``sum`` refuse, stocks,
and the units of percent and of rates — in the IR, the CLI, ``fmt``, and the generated validators against the
reference evaluator."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.language import ir
from gaidsl.language.compiler import compile_spec_text
from gaidsl.language.diagnostics import has_errors
from gaidsl.migrations.fmt import format_text
from tests.support import ROOT, run_cli
from tests.validator_support import (
    NODE,
    Node,
    build,
    data_text,
    f_text,
    import_module,
    normalize,
    python_results,
    reference,
    report_pairs,
    sample_pairs,
    texts_of,
)

SPEC = ROOT / "tests" / "data" / "aggregation" / "quarterly.gai"


def _compile(text: str) -> tuple[ir.Spec | None, list[str]]:
    result = compile_spec_text(text, "t.gai")
    return result.spec, [d.code for d in result.diagnostics]


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    compiled = compile_spec_text(SPEC.read_text(encoding="utf-8"), str(SPEC))
    assert compiled.spec is not None and not has_errors(compiled.diagnostics)
    return compiled.spec


def _values(**rows: tuple[Any, ...]) -> dict[str, Any]:
    quarters = ("q1", "q2", "q3", "q4", "annual")
    return {f"handling.{row}.{q}": v for row, values in rows.items() for q, v in zip(quarters, values, strict=True)}


def _report(**changes: Any) -> dict[str, Any]:
    values = _values(
        received=(10, 10, 10, 10, 40),
        online=(5, 10, 0, 1, 16),
        handled=(9, 10, 10, 10, 39),
        in_force=(3, 4, 5, 6, 18),
        avg_days=(Decimal("3.5"), Decimal("4.0"), Decimal("5.0"), Decimal("2.5"), Decimal("3.8")),
        on_time=(Decimal("90.0"), Decimal("95.5"), Decimal("100.0"), Decimal("80.0"), Decimal("91.4")),
    )
    fees = {
        "a": ("100.00", "10.00"),
        "b": ("30.00", "12.00"),
        "c": ("20.00", "99.00"),
        "others_small": ("40.00", "1.00"),
    }
    fees["all"] = ("150.00", "15.00")
    for row, (amount, per_capita) in fees.items():
        values[f"fees.{row}.amount"] = Decimal(amount)
        values[f"fees.{row}.per_capita"] = Decimal(per_capita)
    values.update(changes)
    return {"format": "quarterly", "version": "2026", "values": values}


# ---------------------------------------------------------------------------------------------------- the IR


def test_of_which_rows_are_left_out_of_totals_and_group_sums(spec: ir.Spec) -> None:
    fees = spec.tables["fees"]
    assert fees.rows is not None
    assert fees.rows.by_key["all"].sums == ("a", "b", "c")
    assert fees.rows.by_key["others_small"].aggregation == "of_which"
    assert fees.rows.by_key["others_small"].part_of == "others"
    handling = spec.tables["handling"]
    assert handling.rows is not None and handling.rows.by_key["online"].part_of == "received"


def test_totals_have_no_check_where_they_cross_an_average_or_a_ratio(spec: ir.Spec) -> None:
    annual = next(c for c in spec.checks if c.key == "total.handling.annual")
    assert [i.position for i in annual.instances] == ["received", "online", "handled", "in_force"]
    total = next(c for c in spec.checks if c.key == "total.fees.all")
    assert [i.position for i in total.instances] == ["amount"]
    broadcast = next(c for c in spec.checks if c.key == "others_sum")
    assert [i.position for i in broadcast.instances] == ["amount"]


def test_of_which_checks_are_ordinary_checks_at_additive_positions(spec: ir.Spec) -> None:
    online = next(c for c in spec.checks if c.key == "of_which.handling.online")
    assert online.origin == "of_which" and online.severity == "error"
    assert [i.position for i in online.instances] == ["q1", "q2", "q3", "q4", "annual"]
    assert online.instances[0].expr == ir.Compare(
        "<=", ir.CellRef("handling.online.q1"), ir.CellRef("handling.received.q1")
    )
    small = next(c for c in spec.checks if c.key == "of_which.fees.others_small")
    whole = ir.Sum(((1, ir.CellRef("fees.b.amount")), (1, ir.CellRef("fees.c.amount"))))
    assert [i.expr for i in small.instances] == [ir.Compare("<=", ir.CellRef("fees.others_small.amount"), whole)]


def test_percent_and_rate_units(spec: ir.Spec) -> None:
    percent, rate = spec.units["百分比"], spec.units["人均"]
    assert (percent.kind, percent.scale, percent.base) == ("percent", Decimal("0.01"), "百分比")
    assert (rate.kind, rate.numerator, rate.denominator, rate.base) == ("rate", "元", "人", "人均")
    assert spec.units["元"].scale == 1


def test_a_rate_is_not_its_numerators_unit() -> None:
    text = SPEC.read_text(encoding="utf-8").replace(
        "check others_sum for each column: all == a + sum(others)",
        "check mixed: fees[a, amount] == fees[a, per_capita]",
    )
    _, codes = _compile(text)
    assert codes == ["GAI202"]


def test_a_rate_of_undeclared_units_is_refused() -> None:
    _, codes = _compile('format f version 1 { unit r "元/人" = 元 / 人  section s "S" { text t "T" } }')
    assert codes == ["GAI104", "GAI104"]


@pytest.mark.parametrize(
    ("rows", "codes"),
    [
        ('a "A"  b "B" average  total t "T"', ["GAI360"]),
        ('a "A"  b "B" ratio  total t "T" = sum(a, b)', ["GAI360"]),
        ('a "A"  b "B" average  total t "T" = sum(a)', []),
        ('of_which a "A"  b "B"', ["GAI362"]),
        ('a "A"  of_which b "B" stock', ["GAI363"]),
        ('a "A"  total t "T" average', ["GAI363"]),
    ],
)
def test_what_a_total_may_add_up(rows: str, codes: list[str]) -> None:
    _, got = _compile(
        f'format f version 1 {{ section s "S" {{ table x "X" : count {{ columns {{ n "N" }} rows {{ {rows} }} }} }} }}'
    )
    assert got == codes


# ---------------------------------------------------------------------------------------------------- the CLI


def test_check_refuses_a_total_over_an_average_with_a_caret_and_help(tmp_path: Path) -> None:
    path = tmp_path / "avg.gai"
    path.write_text(
        'format f version 1 {\n  section s "S" {\n    table x "X" : count {\n'
        '      rows { a "A"  days "平均天数" average\n        total t "合计" }\n    }\n  }\n}\n',
        encoding="utf-8",
    )
    result = run_cli("check", str(path), "--lang", "en")
    assert result.code == 1
    assert "error[GAI360]: total 't' cannot add up an average 'days' (「平均天数」)" in result.err
    assert '5 |         total t "合计" }\n  |               ^\n' in result.err
    assert "help: averages and ratios do not add up" in result.err


def test_cells_show_the_kinds(spec: ir.Spec) -> None:
    result = run_cli("cells", str(SPEC))
    assert result.code == 0
    assert "handling.online.q1\tcount of_which(received)\t" in result.out
    assert "handling.avg_days.annual\tamount 天 average\t" in result.out
    assert "handling.in_force.q1\tcount stock\t" in result.out
    assert "handling.received.q1\tcount\t" in result.out
    listing = json.loads(run_cli("cells", str(SPEC), "--format", "json").out)
    by_key = {c["key"]: c for c in listing["cells"]}
    assert by_key["fees.others_small.amount"]["aggregation"] == "of_which"
    assert by_key["fees.others_small.amount"]["part_of"] == "others"
    assert by_key["fees.a.per_capita"]["aggregation"] == "average"
    assert "aggregation" not in by_key["fees.a.amount"]


def test_validate_checks_of_which_rows_and_not_the_sum_of_averages(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(data_text(_report()), encoding="utf-8")
    bad.write_text(data_text(_report(**{"handling.online.q2": 11, "handling.online.annual": 17})), encoding="utf-8")
    result = run_cli("validate", str(SPEC), str(good), "--format", "json")
    assert result.code == 0, result.out
    result = run_cli("validate", str(SPEC), str(bad), "--format", "json")
    assert result.code == 1
    results = json.loads(result.out)["results"]
    failed = {(r["check"], r["position"]) for r in results if r["status"] == "fail"}
    assert failed == {("of_which.handling.online", "q2")}


def test_fmt_keeps_the_kinds() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert format_text(text) == text
    squeezed = text.replace("\n    q2", "  q2").replace('"其中：网上申请"', '"其中：网上申请"  ')
    assert format_text(squeezed) == text


# ---------------------------------------------------------------------------------------------------- validators


@settings(max_examples=25)
@given(data=st.data())
def test_the_python_validator_agrees(
    spec: ir.Spec, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    module = import_module(build("python", spec, tmp_path_factory.mktemp("aggr_python")))
    for text, previous in [
        texts_of((_report(), None)),
        texts_of(data.draw(sample_pairs(spec))),
        texts_of(data.draw(report_pairs(spec))),
    ]:
        assert normalize(python_results(module, text, previous)) == normalize(reference(spec, text, previous))


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@settings(max_examples=10)
@given(data=st.data())
def test_the_javascript_validator_agrees(
    spec: ir.Spec, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("aggr_js")
    module = build("javascript", spec, folder)
    cases = [
        texts_of((_report(), None)),
        texts_of(data.draw(sample_pairs(spec))),
        texts_of(data.draw(report_pairs(spec))),
    ]
    node = Node(folder)
    try:
        answers = node.run(module, cases)
    finally:
        node.close()
    for (text, previous), got in zip(cases, answers, strict=True):
        assert got == normalize(reference(spec, text, previous), f_text)
