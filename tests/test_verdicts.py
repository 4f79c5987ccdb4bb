"""Verdicts (issue 13, item 1): a report passes only when no error-severity check fails and every required field,
text and table is there; a missing required item is an error naming it; a report whose checks are partly
unverifiable for blank cells is "incomplete" (exit 0, or 1 with ``--strict``). Every engine agrees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gaidsl import load_spec
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import Report
from gaidsl.checking.wide_csv import write_wide_csv
from gaidsl.engines import database as engines
from gaidsl.sampling.samples import invalid_reports, valid_samples
from tests.support import SPEC_2021, postgres_url, run_cli
from tests.validator_support import build

DATA = Path(__file__).parent / "data"
SEED = DATA / "jiujia_2023.json"  # a complete real report (九甲镇 2023): passes
SPEC = str(SPEC_2021)


def edited(tmp_path: Path, name: str, **changes: Any) -> Path:
    """The seed report with parts of it changed: ``fields``/``texts``/``values`` dicts merged (None drops a key)."""
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for part, items in changes.items():
        for key, value in items.items():
            if value is None:
                document[part].pop(key, None)
            else:
                document[part][key] = value
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_empty_json_report_fails_naming_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text("{}", encoding="utf-8")
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 1, run.out + run.err
    assert "错误[GAI714]: 缺少必填字段「报告主体」（body）" in run.out
    assert "错误[GAI714]: 缺少必填字段「年度」（year）" in run.out
    assert "错误[GAI720]: 缺少必填文本「总体情况」（overview）" in run.out
    assert "错误[GAI726]: 缺少必填表「收到和处理政府信息公开申请情况」（requests" in run.out
    assert f"{path}: 未通过：缺少 11 项必填内容" in run.out


def test_an_empty_csv_report_fails(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("", encoding="utf-8")
    run = run_cli("validate", SPEC, str(path), "--lang", "en")
    assert run.code == 1, run.out + run.err
    assert "required field body (报告主体) is missing" in run.out
    assert "FAILED: 11 required items missing" in run.out


def test_a_report_missing_a_required_field_fails(tmp_path: Path) -> None:
    path = edited(tmp_path, "no_body.json", fields={"body": None})
    run = run_cli("validate", SPEC, str(path), "--format", "json")
    assert run.code == 1
    document = json.loads(run.out)
    assert document["verdict"] == "fail" and document["ok"] is False
    [report] = document["reports"]
    assert report["verdict"] == "fail" and report["summary"]["missing"] == 1
    [missing] = report["missing"]
    assert missing["code"] == "GAI714" and missing["key"] == "body" and missing["severity"] == "error"
    assert missing["message"]["zh"] == "缺少必填字段「报告主体」（body）"
    assert missing["message"]["en"] == "required field body (报告主体) is missing"
    assert not any(r["status"] == "fail" for r in document["results"])  # no check fails: the missing field does


def test_a_blank_required_text_and_an_empty_table_fail(tmp_path: Path) -> None:
    blank_fees = {"fees.administrative_fee.amount": None}
    path = edited(tmp_path, "gaps.json", texts={"problems": "   "}, values=blank_fees)
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 1
    assert "缺少必填文本「存在的主要问题及改进情况」（problems）" in run.out
    assert "缺少必填表「第二十条第（八）项」（fees，二、主动公开政府信息情况）：其单元格全部空白" in run.out


def test_a_complete_valid_report_passes() -> None:
    run = run_cli("validate", SPEC, str(SEED))
    assert run.code == 0
    assert f"{SEED}: 通过：0 项错误" in run.out
    strict = run_cli("validate", SPEC, str(SEED), "--strict", "--format", "json")
    assert strict.code == 0 and json.loads(strict.out)["verdict"] == "pass"


def test_blank_cells_make_a_report_incomplete(tmp_path: Path) -> None:
    path = edited(tmp_path, "blank.json", values={"requests.received.natural": None})
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 0, run.out + run.err
    assert f"{path}: 不完整（无法全部核验）：0 项错误" in run.out
    english = run_cli("validate", SPEC, str(path), "--lang", "en")
    assert "INCOMPLETE (not every check could be verified)" in english.out
    strict = run_cli("validate", SPEC, str(path), "--strict", "--format", "json")
    assert strict.code == 1
    document = json.loads(strict.out)
    assert document["verdict"] == "incomplete" and document["ok"] is True
    assert document["reports"][0]["verdict"] == "incomplete"


def test_unverifiable_for_want_of_last_years_report_only_is_not_incomplete() -> None:
    report = _seed()
    evaluation = evaluate(load_spec(SPEC_2021), report)
    assert any(r.status == "unverifiable" for r in evaluation.results)  # carry_over: no previous report given
    assert evaluation.verdict == "pass"


def test_a_batch_says_each_verdict_and_exits_by_the_worst(tmp_path: Path) -> None:
    blank = edited(tmp_path, "blank.json", values={"requests.received.natural": None})
    missing = edited(tmp_path, "no_year.json", fields={"year": None})
    run = run_cli("validate", SPEC, str(SEED), str(blank))
    assert run.code == 0 and "共 2 个文件：1 个通过，0 个未通过，1 个不完整（无法全部核验）" in run.out
    assert run_cli("validate", SPEC, str(SEED), str(blank), "--strict").code == 1
    run = run_cli("validate", SPEC, str(SEED), str(blank), str(missing), "--format", "json")
    assert run.code == 1
    document = json.loads(run.out)
    assert document["verdict"] == "fail"
    assert [r["verdict"] for r in document["reports"]] == ["pass", "incomplete", "fail"]


# ---------------------------------------------------------------------------------------------------- engines


def _seed(**changes: Any) -> Report:
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for part, items in changes.items():
        for key, value in items.items():
            if value is None:
                document[part].pop(key, None)
            else:
                document[part][key] = value
    loaded = parse_report(json.dumps(document, ensure_ascii=False), load_spec(SPEC_2021), "json")
    assert loaded.report is not None
    return loaded.report


def _cases() -> dict[str, Report]:
    spec = load_spec(SPEC_2021)
    fees = {"fees.administrative_fee.amount": None}
    return {
        "complete": _seed(),
        "empty": Report(spec.id, spec.version),
        "no_body": _seed(fields={"body": None}),
        "blank_cell": _seed(values={"requests.received.natural": None}),
        "unknown_year": _seed(fields={"year": "unknown"}),
        "unknown_text": _seed(texts={"other_matters": "unknown"}),
        "no_fees": _seed(values=fees),
        "unknown_fees": _seed(values={"fees.administrative_fee.amount": "unknown"}),
    }


EXPECTED = {
    "complete": "pass",
    "empty": "fail",
    "no_body": "fail",
    "blank_cell": "incomplete",
    "unknown_year": "incomplete",
    "unknown_text": "incomplete",
    "no_fees": "fail",
    "unknown_fees": "incomplete",
}


@pytest.mark.parametrize("engine", ["reference", "python", "duckdb", "sqlite", "postgres"])
def test_every_engine_gives_the_same_verdicts_and_missing_items(engine: str) -> None:
    spec = load_spec(SPEC_2021)
    cases = _cases()
    url = postgres_url() if engine == "postgres" else None
    found = engines.evaluate_all(spec, list(cases.items()), engine, url)
    reference = [evaluate(spec, report) for report in cases.values()]
    assert {name: e.verdict for name, e in zip(cases, found, strict=True)} == EXPECTED
    for mine, theirs in zip(found, reference, strict=True):
        assert [a.to_json_dict() for a in mine.absent] == [a.to_json_dict() for a in theirs.absent]


@pytest.mark.parametrize("engine", ["reference", "python", "duckdb", "postgres"])
def test_wide_csv_verdicts_on_every_engine(tmp_path: Path, engine: str) -> None:
    spec = load_spec(SPEC_2021)
    given = [engine, postgres_url()] if engine == "postgres" else [engine]
    cases = {k: v for k, v in _cases().items() if k not in ("unknown_fees", "unknown_year")}
    path = tmp_path / "reports.csv"
    write_wide_csv(spec, [(name, report, None) for name, report in cases.items()], path)
    run = run_cli("validate", SPEC, str(path), "--format", "json", "--engine", *given)
    assert run.code == 1, run.out + run.err
    document = json.loads(run.out)
    assert document["verdict"] == "fail"
    summary = document["summary"]
    wanted = [EXPECTED[k] for k in cases]
    counts = {v: wanted.count(v) for v in ("pass", "fail", "incomplete")}
    assert (summary["pass_reports"], summary["fail_reports"], summary["incomplete_reports"]) == (
        counts["pass"],
        counts["fail"],
        counts["incomplete"],
    )
    missing = sorted((m["report_id"], m["code"], m["key"]) for m in document["missing"])
    assert ("no_body", "GAI714", "body") in missing and ("no_fees", "GAI726", "fees") in missing
    assert ("unknown_text", "GAI727", "other_matters") in missing
    assert len([m for m in missing if m[0] == "empty"]) == 11
    text = run_cli("validate", SPEC, str(path), "--engine", *given)
    assert "6 份报告：1 份通过，3 份未通过，2 份不完整（无法全部核验）" in text.out, text.out


def test_a_spec_marks_tables_required_and_fmt_keeps_it(tmp_path: Path) -> None:
    source = (
        'format t version 1 "T" {\n  section s "S" {\n    table a "A" : count required {\n'
        '      columns { x "X" }\n    }\n    table b "B" {\n      columns { x "X" }\n    }\n  }\n}\n'
    )
    path = tmp_path / "t.gai"
    path.write_text(source, encoding="utf-8")
    spec = load_spec(path)
    assert spec.tables["a"].required and not spec.tables["b"].required
    assert run_cli("fmt", "--check", str(path)).code == 0
    assert evaluate(spec, Report("t", "1")).verdict == "fail"
    assert evaluate(spec, Report("t", "1", values={"b.x": Decimal(0)})).verdict == "fail"
    assert evaluate(spec, Report("t", "1", values={"a.x": Decimal(0)})).verdict == "pass"


@pytest.mark.parametrize("target", ["python", "javascript"])
def test_generated_validators_name_missing_items_and_give_the_verdict(tmp_path: Path, target: str) -> None:
    spec = load_spec(SPEC_2021)
    cases = _cases()
    files = []
    for name, report in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(report.to_json(), encoding="utf-8")
        files.append(str(path))
    module = build(target, spec, tmp_path / target)
    program = [sys.executable] if target == "python" else [shutil.which("node") or "node"]
    run = subprocess.run([*program, str(module), *files], capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr  # some report fails
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert {Path(line["file"]).stem: line["verdict"] for line in lines} == EXPECTED
    for line, report in zip(lines, cases.values(), strict=True):
        wanted = evaluate(spec, report)
        assert line["missing"] == [a.to_json_dict() for a in wanted.absent]
        assert line["ok"] == wanted.ok and line["summary"]["missing"] == len(wanted.missing)


# ---------------------------------------------------------------------------------------------------- samples


@pytest.mark.parametrize("name", ["gov_info_disclosure_2021.gai", "gov_info_disclosure_2019.gai"])
def test_valid_samples_have_every_required_item_and_pass(name: str) -> None:
    spec = load_spec(SPEC_2021.parent / name)
    for sample in valid_samples(spec, 50, seed=7):
        assert evaluate(spec, sample.report, sample.previous).verdict == "pass", sample.report.to_json()
        assert evaluate(spec, sample.report).verdict == "pass"  # checks across periods don't make it incomplete


def test_invalid_samples_fail_for_their_own_check() -> None:
    """Each invalid sample breaks its check; it lacks no required item, except where breaking the check means
    leaving the item out (part 五 empty is the required text 「存在的主要问题及改进情况」 missing)."""
    spec = load_spec(SPEC_2021)
    for violation in invalid_reports(spec, seed=1):
        assert violation.sample is not None
        evaluation = evaluate(spec, violation.sample.report, violation.sample.previous)
        assert violation.check in {r.check for r in evaluation.failures}
        lacking = [a.key for a in evaluation.missing]
        assert lacking == (["problems"] if violation.check == "problems_reported" else []), violation.check
        severity = spec.check(violation.check).severity
        assert evaluation.verdict == ("fail" if severity == "error" or lacking else "pass"), violation.check
