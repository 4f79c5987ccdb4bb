"""The shipped 一般企业财务报表格式 (财会〔2019〕6号, 附件2): 资产负债表（会企01表） and 利润表（会企02表）.
The spec checks and analyses cleanly; its structure is the format's (totals, 其中 rows, 减： rows, 每股收益 as
ratios); the filled example passes, each one-violation example fails exactly its check, and so do the generated
samples."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import gaidsl
from gaidsl.checking.report import BLANK
from gaidsl.language import ir
from gaidsl.testing import violable_checks
from tests.support import run_cli
from tests.validator_support import (
    Node,
    build,
    f_text,
    import_module,
    node_executable,
    normalize,
    python_results,
    reference,
)

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "enterprise_financial_statements_2019.gai"
DATA = ROOT / "tests" / "data" / "financial_statements"
EXAMPLE = DATA / "example_2020.yaml"
PREVIOUS = DATA / "example_2020.previous.yaml"
CHECKS = [check.key for check in gaidsl.load_spec(SPEC).checks]
BROKEN = {
    "unbalanced": "balanced",
    "of_which": "of_which.liabilities_equity.bonds_preferred",
    "continuing": "continuing_and_discontinued",
}


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return gaidsl.load_spec(SPEC)


def rows(spec: ir.Spec, table: str) -> ir.Axis:
    axis = spec.tables[table].rows
    assert axis is not None
    return axis


# ------------------------------------------------------------------------------------------- check and analyze


def test_check_passes_without_warnings() -> None:
    run = run_cli("check", str(SPEC), "--lang", "en")
    assert run.code == 0, run.err
    assert "0 warnings" in run.out or "0 warning" in run.out, run.out
    compilation = gaidsl.compile_file(SPEC)
    assert [(d.code, d.message.en) for d in compilation.diagnostics] == []


def test_analyze_finds_the_checks_consistent_and_none_redundant() -> None:
    run = run_cli("check", "--analyze", str(SPEC), "--lang", "en")
    assert run.code == 0, run.err
    lines = [line.strip() for line in run.out.splitlines()]
    for expected in ("error checks can all hold: yes", "with the warnings too: yes", "redundant checks: none"):
        assert expected in lines, run.out


# ------------------------------------------------------------------------------------------- the format's structure


def test_identity_and_columns(spec: ir.Spec) -> None:
    assert (spec.id, spec.version) == ("enterprise_financial_statements", "2019")
    assert "财会〔2019〕6号" in spec.basis
    for table in ("assets", "liabilities_equity"):
        columns = spec.tables[table].columns
        assert columns is not None
        assert [(m.key, m.label, m.aggregation) for m in columns.members] == [
            ("end", "期末余额", "stock"),
            ("prior_end", "上年年末余额", "stock"),
        ]
    columns = spec.tables["income"].columns
    assert columns is not None
    assert [m.label for m in columns.members] == ["本期金额", "上期金额"]


def test_every_amount_is_yuan_with_two_decimals_but_earnings_per_share(spec: ir.Spec) -> None:
    for cell in spec.cells.values():
        if cell.row in ("basic_eps", "diluted_eps"):
            assert (cell.type.kind, cell.type.unit) == ("amount", "元每股")
        else:
            assert (cell.type.kind, cell.type.unit, cell.type.decimals) == ("amount", "元", 2), cell.key


def test_the_totals_add_up_what_the_format_adds(spec: ir.Spec) -> None:
    assets, other_side = rows(spec, "assets"), rows(spec, "liabilities_equity")
    assert assets.by_key["total_assets"].sums == ("current_total", "noncurrent_total")
    assert len(assets.by_key["current_total"].sums) == 13
    assert len(assets.by_key["noncurrent_total"].sums) == 18
    assert other_side.by_key["total_liabilities"].sums == ("current_liabilities_total", "noncurrent_liabilities_total")
    assert other_side.by_key["total_liabilities_and_equity"].sums == ("total_liabilities", "total_equity")
    # the 其中 rows are parts of the row before them, left out of 非流动负债合计
    noncurrent = other_side.by_key["noncurrent_liabilities_total"].sums
    assert "bonds_payable" in noncurrent and "bonds_preferred" not in noncurrent and "bonds_perpetual" not in noncurrent


def test_the_of_which_rows_belong_to_the_row_before_them(spec: ir.Spec) -> None:
    other_side = rows(spec, "liabilities_equity")
    parts = {m.key: (m.label, m.part_of) for m in other_side.members if m.aggregation == "of_which"}
    assert parts == {
        "bonds_preferred": ("其中：优先股", "bonds_payable"),
        "bonds_perpetual": ("永续债", "bonds_payable"),
        "equity_preferred": ("其中：优先股", "other_equity_instruments"),
        "equity_perpetual": ("永续债", "other_equity_instruments"),
    }
    keys = {check.key for check in spec.checks}
    assert {f"of_which.liabilities_equity.{k}" for k in parts} <= keys


def test_treasury_shares_are_subtracted_and_the_income_statement_is_derived(spec: ir.Spec) -> None:
    derived = {check.key for check in spec.checks if check.key.startswith("derived.")}
    assert derived == {
        "derived.liabilities_equity.total_equity",
        "derived.income.operating_profit",
        "derived.income.total_profit",
        "derived.income.net_profit",
        "derived.income.other_comprehensive_income_net",
        "derived.income.total_comprehensive_income",
    }
    text = SPEC.read_text(encoding="utf-8")
    assert "- treasury_shares" in text
    for subtracted in ("cost_of_sales", "taxes_and_surcharges", "financial_expenses", "non_operating_expenses"):
        assert f"- {subtracted}" in text
    assert "+ credit_impairment_losses" in text  # 2019: 「信用减值损失（损失以“-”号填列）」 is added, a loss negative


def test_earnings_per_share_are_ratios_in_yuan_per_share(spec: ir.Spec) -> None:
    income = rows(spec, "income")
    group = income.by_key["earnings_per_share"]
    assert (group.kind, group.label) == ("group", "七、每股收益：")
    for key, label in (("basic_eps", "（一）基本每股收益"), ("diluted_eps", "（二）稀释每股收益")):
        member = income.by_key[key]
        assert (member.label, member.aggregation) == (label, "ratio")
    unit = spec.units["元每股"]
    assert (unit.label, unit.kind, unit.numerator, unit.denominator) == ("元/股", "rate", "元", "股")


def test_summing_earnings_per_share_is_refused() -> None:
    text = SPEC.read_text(encoding="utf-8")
    anchor = '（二）稀释每股收益" : amount in 元每股 signed ratio\n'
    assert anchor in text
    summed = text.replace(anchor, anchor + '          total eps_total "合计" : amount in 元每股\n')
    compilation = gaidsl.compile_text(summed, "summed.gai")
    assert "GAI360" in {d.code for d in compilation.diagnostics}


def test_cross_period_checks_are_warnings(spec: ir.Spec) -> None:
    by_key = {check.key: check for check in spec.checks}
    for key in ("carry_assets", "carry_liabilities_equity", "carry_income"):
        assert by_key[key].severity == "warning"
    assert by_key["balanced"].severity == "error"
    assert by_key["continuing_and_discontinued"].severity == "error"


# ------------------------------------------------------------------------------------------- filled examples


def test_the_filled_example_passes_every_check() -> None:
    run = run_cli("validate", str(SPEC), str(EXAMPLE), "--previous", str(PREVIOUS), "--format", "json")
    assert run.code == 0, run.out + run.err
    result = json.loads(run.out)
    assert result["verdict"] == "pass"
    statuses = {r["status"] for r in result["results"]}
    assert statuses == {"pass"}
    checked = {r["check"] for r in result["results"]}
    assert {"balanced", "continuing_and_discontinued", "carry_income", "derived.income.operating_profit"} <= checked


def test_last_years_example_passes_on_its_own() -> None:
    run = run_cli("validate", str(SPEC), str(PREVIOUS), "--lang", "en")
    assert run.code == 0, run.out + run.err


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_one_violation_example_fails_exactly_its_check(name: str) -> None:
    path = DATA / f"example_2020.broken_{name}.yaml"
    evaluation = gaidsl.validate(SPEC, path, previous=PREVIOUS)
    assert {f.check for f in evaluation.failures} == {BROKEN[name]}
    assert len(evaluation.failures) == 1
    run = run_cli("validate", str(SPEC), str(path), "--previous", str(PREVIOUS))
    assert run.code == 1


def test_interest_expenses_may_exceed_financial_expenses() -> None:
    """财务费用 is net of interest income, so 「其中：利息费用」 is not bounded by it: no of_which check there."""
    report = gaidsl.load_report(SPEC, EXAMPLE)
    interest, financial = (report.value(f"income.{row}.current") for row in ("interest_expenses", "financial_expenses"))
    assert isinstance(interest, Decimal) and isinstance(financial, Decimal)
    assert interest > financial
    assert gaidsl.validate(SPEC, report, previous=PREVIOUS).verdict == "pass"


LOSS = {  # the example with a credit impairment loss of 20,000,000.00: every profit line below it negative
    "income.credit_impairment_losses.current: 0.00": "-20000000.00",
    "income.operating_profit.current: 14247781.35": "-5752218.65",
    "income.total_profit.current: 14282102.45": "-5717897.55",
    "income.net_profit.current: 12139787.08": "-7860212.92",
    "income.continuing_net_profit.current: 12139787.08": "-7860212.92",
    "income.total_comprehensive_income.current: 12179787.08": "-7820212.92",
    "income.basic_eps.current: 0.40": "-0.26",
    "income.diluted_eps.current: 0.40": "-0.26",
}


def _with_loss(text: str, changes: dict[str, str]) -> str:
    for line, value in changes.items():
        assert f"  {line}\n" in text, line
        text = text.replace(f"  {line}\n", f"  {line.rsplit(': ', 1)[0]}: {value}\n")
    return text


def test_a_statement_with_a_loss_validates(tmp_path: Path) -> None:
    """The format enters a loss with a minus sign (「（损失以“-”号填列）」): those rows are signed amounts (see the
    spec's head), so a statement with a loss is read and passes every check."""
    lossy = tmp_path / "loss.yaml"
    lossy.write_text(_with_loss(EXAMPLE.read_text(encoding="utf-8"), LOSS), encoding="utf-8")
    run = run_cli("validate", str(SPEC), str(lossy), "--previous", str(PREVIOUS), "--lang", "en")
    assert run.code == 0, run.out + run.err
    report = gaidsl.load_report(SPEC, lossy)
    assert report.value("income.net_profit.current") == Decimal("-7860212.92")
    # a loss that does not add up still fails its check
    wrong = tmp_path / "wrong.yaml"
    changed = _with_loss(lossy.read_text(encoding="utf-8"), {"income.net_profit.current: -7860212.92": "-7860212.00"})
    wrong.write_text(changed, encoding="utf-8")
    assert run_cli("validate", str(SPEC), str(wrong), "--previous", str(PREVIOUS), "--lang", "en").code != 0


def test_only_the_rows_the_format_signs_take_a_negative(spec: ir.Spec, tmp_path: Path) -> None:
    """Revenue, costs and assets stay amounts ≥ 0: a negative one is still refused (GAI705); every signed row's label
    says 「以“-”号填列」 or is one the spec's head names."""
    text = EXAMPLE.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("  income.revenue.current: "))
    bad = tmp_path / "negative_revenue.yaml"
    bad.write_text(text.replace(line, "  income.revenue.current: -1.00"), encoding="utf-8")
    run = run_cli("validate", str(SPEC), str(bad), "--lang", "en")
    assert run.code != 0
    assert "GAI705" in run.out + run.err
    named = {
        "财务费用",
        "其他综合收益",
        "未分配利润",
        "五、其他综合收益的税后净额",
        "（一）不能重分类进损益的其他综合收益",
    }
    named |= {"（二）将重分类进损益的其他综合收益", "六、综合收益总额", "（一）基本每股收益", "（二）稀释每股收益"}
    # a part of 投资收益, and the year's changes of 其他综合收益 (1.–4., 1.–6.): a real statement prints them negative
    named |= {"其中：对联营企业和合营企业的投资收益"}
    signed = {cell.row_labels[-1] for cell in spec.cells.values() if cell.type.signed}
    assert len(signed) == 32
    oci_items = [label for label in signed if label[:2] in {"1.", "2.", "3.", "4.", "5.", "6."}]
    assert len(oci_items) == 10
    for label in signed:
        assert "以“-”号填列" in label or label in named or label in oci_items, label
    for member in rows(spec, "income").members:
        assert ("以“-”号填列" in member.label) <= (member.type is not None and member.type.signed), member.label


# ------------------------------------------------------------------------------------------- a real published statement

REAL = DATA / "jinyu_biotech_2020_parent.yaml"
# the two real published statements: 金宇生物 2020 (new revenue standard applied) and 四方科技 2019 (not yet)
REALS = {"jinyu_2020": REAL, "sifang_2019": DATA / "sifang_keji_2019_parent.yaml"}


def _blanks_as_nil(text: str) -> str:
    """The statement leaves a row blank when it has no balance: read so, every blank amount is 0.00 (每股收益, which a
    parent company's statement does not report, stays blank)."""
    lines = []
    for line in text.splitlines():
        if line.endswith(": ~") and "_eps." not in line:
            line = line[: -len("~")] + "0.00"
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_a_real_published_statement_reads_as_printed() -> None:
    """金宇生物技术股份有限公司's 2020 母公司资产负债表 and 母公司利润表 (tests/data/financial_statements/README.md),
    transcribed as printed: blank cells stay blank, so the sums over them cannot be checked, and nothing fails."""
    report = gaidsl.load_report(SPEC, REAL)
    assert report.value("assets.total_assets.end") == Decimal("4623475524.00")
    assert report.value("liabilities_equity.other_comprehensive_income.end") == Decimal("-289251.80")
    assert report.value("income.income_from_associates.prior") == Decimal("-1509821.70")
    assert report.value("income.other_equity_instrument_fair_value.current") == Decimal("-181147.07")
    assert report.value("assets.derivative_financial_assets.end") is BLANK
    run = run_cli("validate", str(SPEC), str(REAL), "--format", "json")
    assert run.code == 0, run.out + run.err
    result = json.loads(run.out)
    assert result["verdict"] == "incomplete"
    statuses = {r["status"] for r in result["results"]}
    assert statuses == {"pass", "unverifiable"}
    passed = {r["check"] for r in result["results"] if r["status"] == "pass"}
    assert {"balanced", "total.assets.total_assets", "derived.income.net_profit"} <= passed
    blank = next(r for r in result["results"] if r["check"] == "total.assets.current_total" and r["position"] == "end")
    assert "assets.derivative_financial_assets.end" in blank["blank"]


@pytest.mark.parametrize("name", sorted(REALS))
def test_a_real_published_statement_passes_with_its_blanks_read_as_nil(name: str, tmp_path: Path) -> None:
    """Read with its blank rows as nil, each real statement passes every check of the year (the carry-forward
    warnings need last year's report): its subtotals, 资产总计 = 负债和所有者权益总计, 营业利润 … 综合收益总额, to the
    fen."""
    as_printed = gaidsl.validate(SPEC, REALS[name])
    assert not as_printed.failures and as_printed.verdict == "incomplete"
    nil = tmp_path / "nil.yaml"
    nil.write_text(_blanks_as_nil(REALS[name].read_text(encoding="utf-8")), encoding="utf-8")
    run = run_cli("validate", str(SPEC), str(nil), "--format", "json")
    assert run.code == 0, run.out + run.err
    result = json.loads(run.out)
    assert result["verdict"] == "pass"
    within_the_year = [r for r in result["results"] if not r["check"].startswith("carry_")]
    assert {r["status"] for r in within_the_year} == {"pass"}
    assert all(r["difference"] == 0 for r in within_the_year)
    profit_lines = ("operating_profit", "total_profit", "net_profit", "total_comprehensive_income")
    expected = {"balanced", "continuing_and_discontinued"} | {f"derived.income.{row}" for row in profit_lines}
    assert {r["check"] for r in within_the_year} >= expected
    # a printed figure one yuan off fails its total (sums allow half a fen per term for rounding)
    text = nil.read_text(encoding="utf-8")
    cash = next(line for line in text.splitlines() if line.startswith("  assets.cash.end: "))
    amount = Decimal(cash.rsplit(": ", 1)[1]) + 1
    nil.write_text(text.replace(cash, f"  assets.cash.end: {amount}"), encoding="utf-8")
    failed = gaidsl.validate(SPEC, nil).failures
    assert {f.check for f in failed} == {"total.assets.current_total"}


# ------------------------------------------------------------------------------------------- generated samples


@pytest.mark.parametrize("seed", [1, 2])
def test_samples_pass(spec: ir.Spec, seed: int) -> None:
    sample = gaidsl.sample(spec, seed=seed)
    evaluation = gaidsl.validate(spec, sample.report, previous=sample.previous)
    assert evaluation.verdict == "pass"
    assert not evaluation.failures


@pytest.mark.parametrize("check", CHECKS)
def test_one_violation_samples_fail_exactly_their_check(spec: ir.Spec, check: str) -> None:
    assert check in violable_checks(spec)  # no check is redundant: each can fail alone
    broken = gaidsl.sample(spec, seed=3, failing=check)
    evaluation = gaidsl.validate(spec, broken.report, previous=broken.previous)
    assert {f.check for f in evaluation.failures} == {check}


# ------------------------------------------------------------------------------------------- the generated validator


def test_the_generated_python_validator_agrees_with_the_reference(spec: ir.Spec, tmp_path: Path) -> None:
    """The spec needs no arithmetic between cells (its derived rows are sums and differences), so every target
    builds it; the Python validator gives the reference evaluator's results on each example, failures included."""
    module = import_module(build("python", spec, tmp_path))
    previous = gaidsl.load_report(spec, PREVIOUS).to_json()
    for path in (EXAMPLE, *(DATA / f"example_2020.broken_{name}.yaml" for name in sorted(BROKEN))):
        text = gaidsl.load_report(spec, path).to_json()
        expected = reference(spec, text, previous)
        assert normalize(python_results(module, text, previous)) == normalize(expected), path.name
        assert len(expected) == sum(len(check.instances) for check in spec.checks)


def test_the_generated_javascript_validator_agrees_with_the_reference(spec: ir.Spec, tmp_path: Path) -> None:
    node_executable()  # skipped without node (a failure unless GAIDSL_ALLOW_SKIP=1)
    module = build("javascript", spec, tmp_path / "javascript")
    previous = gaidsl.load_report(spec, PREVIOUS).to_json()
    paths = (EXAMPLE, *(DATA / f"example_2020.broken_{name}.yaml" for name in sorted(BROKEN)))
    cases: list[tuple[str, str | None]] = [(gaidsl.load_report(spec, path).to_json(), previous) for path in paths]
    (tmp_path / "node").mkdir()
    process = Node(tmp_path / "node")
    try:
        answers = process.run(module, cases)
    finally:
        process.close()
    for (text, last), got in zip(cases, answers, strict=True):
        assert got == normalize(reference(spec, text, last), f_text)
