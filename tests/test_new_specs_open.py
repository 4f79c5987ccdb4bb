"""The shipped specs with open rows (issue 15, "New shipped specs"): the 2024 部门决算 with its coded 功能分类科目
hierarchy, and the US Annual FOIA Report with one row per agency component.

Each is checked as the acceptance asks: `gaidsl check` passes; `gaidsl sample` gives valid reports with 0, 1 and 40
members of every open dimension that pass, and for every check a report that fails exactly that check; the filled
examples under tests/data/ (a real published 部门决算, a realistic FOIA report) pass `gaidsl validate`, and their
one-violation copies fail exactly the check they say. `check --analyze` reasons over bounded instances
(tests/test_open_analysis.py); the targets other than JSON Schema, Python, JavaScript, SQL and the forms do not
support open dimensions yet: for these specs they refuse with GAI610, as docs/open-dimensions.md documents.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import gaidsl
from gaidsl.checking.evaluate import Evaluation, evaluate
from gaidsl.checking.report import Report
from gaidsl.ingest.detect import shipped_specs
from gaidsl.language import ir
from gaidsl.sampling.open_samples import member_counts
from gaidsl.sampling.samples import Sample, invalid_reports, valid_samples
from tests.support import ROOT, SPECS, run_cli
from tests.test_open_javascript import samples_agree, violations_agree

DEPARTMENT = SPECS / "department_final_accounts_2024.gai"
FOIA = SPECS / "foia_annual_report_2024.gai"
NEW_SPECS = [DEPARTMENT, FOIA]
DEPARTMENT_DATA = ROOT / "tests" / "data" / "department_final_accounts"
FOIA_DATA = ROOT / "tests" / "data" / "foia_annual_report"


@pytest.fixture(scope="module")
def department() -> ir.Spec:
    return gaidsl.load_spec(DEPARTMENT)


@pytest.fixture(scope="module")
def foia() -> ir.Spec:
    return gaidsl.load_spec(FOIA)


def _failing(evaluation: Evaluation) -> set[tuple[str, str | None]]:
    return {(r.check, r.position) for r in evaluation.results if r.status == "fail"}


def _exactly(spec: ir.Spec, sample: Sample) -> None:
    assert sample.check is not None
    found = _failing(evaluate(spec, sample.report, sample.previous))
    assert found == {(sample.check, p) for p in sample.positions}, sample.check


# ---------------------------------------------------------------------------------------------------- the specs


@pytest.mark.parametrize("path", NEW_SPECS, ids=lambda p: p.name)
def test_check_passes_without_warnings(path: Path) -> None:
    run = run_cli("check", str(path), "--lang", "en")
    assert run.code == 0, run.err
    assert run.err == ""
    assert f"{path.relative_to(ROOT)}: ok (" in run.out or f"{path}: ok (" in run.out
    assert "0 warnings" in run.out


def test_the_specs_have_the_tables_the_templates_have(department: ir.Spec, foia: ir.Spec) -> None:
    assert [s.label for s in department.sections] == [
        "一、收入支出决算总表",
        "二、收入决算表",
        "三、支出决算表",
        "四、财政拨款收入支出决算总表",
        "五、一般公共预算财政拨款支出决算表",
        "六、一般公共预算财政拨款基本支出决算表",
        "七、财政拨款“三公”经费支出决算表",
        "八、政府性基金预算财政拨款收入支出决算表",
        "九、国有资本经营预算财政拨款收入支出决算表",
    ]
    coded = {d: o.coded for d, o in department.open_dimensions.items()}
    assert set(coded) == {"income_subject", "expense_subject", "gpb_subject", "gf_subject", "soe_subject"}
    for hierarchy in coded.values():
        assert hierarchy is not None
        assert [(level.length, level.label) for level in hierarchy.levels] == [(3, "类"), (5, "款"), (7, "项")]
    assert {(t.type.kind, t.type.unit, t.type.decimals) for t in department.tables.values()} == {("amount", "万元", 2)}
    assert set(foia.open_dimensions) == {"component"}
    rows = foia.tables["requests"].rows
    assert rows is not None and rows.by_key["overall"].label == "AGENCY OVERALL"


@pytest.mark.parametrize("path", NEW_SPECS, ids=lambda p: p.name)
def test_every_target_builds_the_open_specs(path: Path, tmp_path: Path) -> None:
    drawn = run_cli("build", str(path), "--target", "html,markdown,text", "-o", str(tmp_path / "drawn"))
    assert drawn.code == 0, drawn.err  # the renderers draw open rows (docs/open-dimensions.md#rendering-a-report)
    for target in ("jsonschema", "python", "sql", "javascript"):  # docs/open-dimensions.md#generated-validators-and-sql
        built = run_cli("build", str(path), "--target", target, "-o", str(tmp_path / f"built-{target}"))
        assert built.code == 0, built.err
    forms = run_cli("build", str(path), "--target", "html-form,xlsx,docx", "-o", str(tmp_path / "forms"))
    assert forms.code == 0, forms.err


def test_ingest_leaves_the_open_specs_out_of_its_candidates() -> None:
    candidates = {(s.id, s.version) for s in shipped_specs()}
    assert {("gov_info_disclosure", "2019"), ("gov_info_disclosure", "2021")} <= candidates
    assert not candidates & {("department_final_accounts", "2024"), ("foia_annual_report", "2024")}
    assert all(not s.open_dimensions for s in shipped_specs())


# ---------------------------------------------------------------------------------------------------- samples


@pytest.mark.parametrize("path", NEW_SPECS, ids=lambda p: p.name)
def test_valid_samples_with_0_1_and_40_members_pass(path: Path, tmp_path: Path) -> None:
    spec = gaidsl.load_spec(path)
    dimensions = sorted(spec.open_dimensions)
    assert member_counts(spec) == [dict.fromkeys(dimensions, n) for n in (0, 1, 40)]
    found = valid_samples(spec, 3, seed=2)
    assert [{d: len(m) for d, m in s.report.members.items()} for s in found] == member_counts(spec)
    for sample in found:
        evaluation = evaluate(spec, sample.report, sample.previous)
        assert evaluation.verdict == "pass", [r for r in evaluation.results if r.status != "pass"][:3]
        assert evaluation.absent == ()  # every required field is there, with 40 members too
    many = found[2].report.members
    if "expense_subject" in many:  # a tree of codes: each 款 and 项 under its parent
        keys = [m.key for m in many["expense_subject"]]
        assert all(k[:-2] in keys for k in keys if len(k) > 3)
        assert {len(k) for k in keys} == {3, 5, 7}
    samples_agree(spec, found, tmp_path)  # the generated JavaScript validator too (node)


def test_one_violation_samples_of_the_foia_report(foia: ir.Spec) -> None:
    violations = invalid_reports(foia, seed=1)
    assert [v.check for v in violations] == [c.key for c in foia.checks]
    for violation in violations:
        assert violation.exact and violation.sample is not None, violation
        _exactly(foia, violation.sample)
    by_check = {v.check: v.sample for v in violations if v.sample is not None}
    members = {m.key for m in by_check["requests_total_processed"].report.members["component"]}
    assert set(by_check["requests_total_processed"].positions) <= members | {"overall"}


def test_one_violation_samples_of_the_department_final_accounts(department: ir.Spec, tmp_path: Path) -> None:
    violations = invalid_reports(department, seed=1)
    # the spec's checks, then one per parent of the sampled tree of codes, in every table of 科目 (3 members each)
    assert [v.check for v in violations if not v.check.startswith("hierarchy.")] == [c.key for c in department.checks]
    tables = {v.check.split(".")[1] for v in violations if v.check.startswith("hierarchy.")}
    assert tables == {"income", "expense", "gpb_expense", "gf", "soe"}
    for violation in violations:
        assert violation.exact and violation.sample is not None, violation
        _exactly(department, violation.sample)
    violations_agree(department, violations, tmp_path)  # the generated JavaScript validator too (node)


def test_the_sample_command_writes_reports_validate_judges_as_the_manifest_says(tmp_path: Path, foia: ir.Spec) -> None:
    out = tmp_path / "out"
    run = run_cli("sample", str(FOIA), "--valid", "3", "--invalid", "-o", str(out), "--lang", "en")
    assert run.code == 0, run.err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["valid"]) == 3 and len(manifest["invalid"]) == len(foia.checks)
    checked = run_cli("validate", str(FOIA), str(out), "--lang", "en")
    assert "Traceback" not in checked.err
    assert f"each of the {len(foia.checks)} invalid samples breaks exactly the check it lists" in checked.out


# ---------------------------------------------------------------------------------------------------- filled examples


def _load(spec: ir.Spec, path: Path) -> Report:
    return gaidsl.load_report(spec, path)


def test_the_published_department_final_accounts_pass(department: ir.Spec) -> None:
    report = _load(department, DEPARTMENT_DATA / "putuo_finance_2024.yaml")
    assert report.fields["unit_name"] == "上海市普陀区财政局"
    assert [m.key for m in report.members["gpb_subject"]][:3] == ["201", "20106", "2010601"]
    assert report.members["gf_subject"] == () and report.members["soe_subject"] == ()
    evaluation = evaluate(department, report)
    assert evaluation.verdict == "pass"
    assert {r.status for r in evaluation.results} == {"pass"}
    checks = {r.check for r in evaluation.results}
    assert {"hierarchy.gpb_expense.201", "hierarchy.gpb_expense.20106", "hierarchy.expense.22102"} <= checks
    assert {"summary_balances", "gpb_basic_agrees", "income_total_agrees", "appropriation_balances"} <= checks
    # the report's own rounding (326.71 in the 总表, 326.72 in the 支出决算表) is within two-decimal tolerance
    assert report.values["summary_expense.c208.amount"] != report.values["expense.208.total"]


def test_one_mistyped_figure_fails_exactly_its_parents_check(department: ir.Spec) -> None:
    report = _load(department, DEPARTMENT_DATA / "putuo_finance_2024_one_violation.yaml")
    assert _failing(evaluate(department, report)) == {
        ("hierarchy.gpb_expense.22102", "total"),
        ("hierarchy.gpb_expense.22102", "basic"),
    }


def test_validate_on_the_command_line(tmp_path: Path) -> None:
    good = run_cli("validate", str(DEPARTMENT), str(DEPARTMENT_DATA / "putuo_finance_2024.yaml"), "--lang", "en")
    assert good.code == 0 and "passed: 0 errors, 0 warnings, 0 unverifiable" in good.out, good.out + good.err
    bad = run_cli(
        "validate", str(DEPARTMENT), str(DEPARTMENT_DATA / "putuo_finance_2024_one_violation.yaml"), "--lang", "en"
    )
    assert bad.code == 1 and "hierarchy.gpb_expense.22102" in bad.out
    assert "2210201 住房公积金 + 2210203 购房补贴 = 188.19 + 258.50 = 446.69" in bad.out
    this_year, last_year = FOIA_DATA / "examples_fy2024.json", FOIA_DATA / "examples_fy2023.json"
    foia = run_cli("validate", str(FOIA), str(this_year), "--previous", str(last_year), "--strict", "--lang", "en")
    assert foia.code == 0 and "passed: 0 errors, 0 warnings, 0 unverifiable, 62 passed" in foia.out, foia.out


def test_the_foia_examples(foia: ir.Spec) -> None:
    this_year = _load(foia, FOIA_DATA / "examples_fy2024.json")
    last_year = _load(foia, FOIA_DATA / "examples_fy2023.json")
    assert [m.key for m in this_year.members["component"]] == ["HQ", "OIG", "OGC", "REGION1", "REGION2"]
    assert evaluate(foia, this_year, last_year).verdict == "pass"
    carried = [r for r in evaluate(foia, this_year, last_year).results if r.check == "pending_carried"]
    assert [r.position for r in carried] == ["HQ", "OIG", "OGC", "REGION1", "REGION2", "overall"]
    broken = _load(foia, FOIA_DATA / "examples_fy2024_one_violation.json")
    assert _failing(evaluate(foia, broken, last_year)) == {("pending_flow", "HQ"), ("pending_flow", "overall")}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (DEPARTMENT, DEPARTMENT_DATA / "putuo_finance_2024.yaml"),
        (FOIA, FOIA_DATA / "examples_fy2024.json"),
        (FOIA, FOIA_DATA / "examples_fy2023.json"),
    ],
    ids=lambda p: p.name,
)
def test_the_json_schema_accepts_the_filled_examples(path: Path, data: Path, tmp_path: Path) -> None:
    run = run_cli("build", str(path), "--target", "jsonschema", "-o", str(tmp_path))
    assert run.code == 0, run.err
    (schema_file,) = (tmp_path / "jsonschema").glob("*.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"), parse_float=Decimal)  # multipleOf 0.01, exactly
    spec = gaidsl.load_spec(path)
    document = json.loads(_load(spec, data).to_json(), parse_float=Decimal)
    assert list(Draft202012Validator(schema).iter_errors(document)) == []
