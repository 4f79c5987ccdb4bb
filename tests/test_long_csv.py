"""The long CSV (docs/data-format.md, "Long CSV"; gaidsl/checking/long_csv.py): many reports in one file, a line per
value, open rows and lists of records included. A long CSV's reports are read and judged exactly as the same
reports written as JSON files: ``gaidsl validate`` gives the same results on the reference engine and on the SQL
engines (DuckDB, SQLite, PostgreSQL with ``GAIDSL_TEST_POSTGRES``), and every problem of the file has its code
(GAI790–GAI797) and its line and column.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.long_csv import is_long_csv, long_csv_text, parse_long_csv, read_reports
from gaidsl.checking.report import Report
from gaidsl.checking.wide_csv import is_wide_csv
from gaidsl.language import ir
from gaidsl.sampling.samples import invalid_reports, valid_samples
from gaidsl.testing import samples
from tests.support import ROOT, examples, optional_postgres_url, run_cli

OPEN = ROOT / "tests" / "data" / "open"
RECORDS = ROOT / "tests" / "data" / "records"
COMPONENTS: ir.Spec = gaidsl.load_spec(OPEN / "agency_components.gai")
EXPLAINED: ir.Spec = gaidsl.load_spec(RECORDS / "other_explained.gai")


@functools.cache
def batch() -> list[tuple[str, Report]]:
    """Valid samples with 1 and 40 members and three one-violation samples of agency_components (made when a test
    first asks, not at collection)."""
    found = [s.report for s in valid_samples(COMPONENTS, 3, seed=2)]
    found += [v.sample.report for v in invalid_reports(COMPONENTS, seed=1) if v.sample is not None][:3]
    return [(f"r{i}", report) for i, report in enumerate(found)]


def _write(folder: Path, reports: list[tuple[str, Report]]) -> tuple[Path, list[str]]:
    """The reports as one long CSV and as one JSON file each."""
    long = folder / "long.csv"
    long.write_text(long_csv_text(reports), encoding="utf-8")
    files = []
    for report_id, report in reports:
        path = folder / f"{report_id}.json"
        path.write_text(report.to_json(), encoding="utf-8")
        files.append(str(path))
    return long, files


def _by_report(output: str) -> dict[str, Any]:
    """``validate --format json``'s results and reports, each named by its report id (FILE#ID or ID.json)."""
    data = json.loads(output)

    def name(file: str) -> str:
        return file.rsplit("#", 1)[1] if "#" in file else Path(file).stem

    for item in [*data["results"], *data["reports"]]:
        item["file"] = name(item["file"])
    return {"results": data["results"], "reports": data["reports"], "summary": data["summary"]}


def _plain(report: Report | None) -> Report | None:
    """The report with its empty member lists and lists of records left out (a long CSV has no line for them; a
    JSON file may write ``[]``): the same report to every check."""
    if report is None:
        return None
    members = {k: v for k, v in report.members.items() if v}
    return attrs.evolve(report, members=members, records={k: n for k, n in report.records.items() if n})


def test_the_batch_under_test() -> None:
    counts = {len(r.members.get("component", ())) for _, r in batch()}
    assert {0, 1, 40} <= counts or {1, 40} <= counts
    assert len(batch()) > 5


@pytest.mark.parametrize("engine", ["reference", "duckdb", "sqlite", "postgres"])
def test_validate_gives_what_the_json_files_give(engine: str, tmp_path: Path) -> None:
    args = ["--engine", engine] if engine != "reference" else []
    if engine == "postgres":
        url = optional_postgres_url()
        if url is None:
            return
        args.append(url)
    long, files = _write(tmp_path, batch())
    spec = str(OPEN / "agency_components.gai")
    expected = run_cli("validate", "--format", "json", *args, "--", spec, *files)
    found = run_cli("validate", "--format", "json", *args, "--", spec, str(long))
    assert found.code == expected.code == 1 and "Traceback" not in found.err, found.err
    assert _by_report(found.out) == _by_report(expected.out)
    assert _by_report(found.out)["summary"]["files"] == len(batch())


def test_reports_read_back_as_written() -> None:
    found = parse_long_csv(long_csv_text(batch()), COMPONENTS, "long.csv")
    assert found.ok and [r.report_id for r in found.reports] == [i for i, _ in batch()]
    for (_, report), read in zip(batch(), found.reports, strict=True):
        assert read.loaded.report == _plain(report)


@settings(max_examples=examples(0.2), deadline=None)
@given(data=st.data())
def test_drawn_reports_round_trip_and_judge_alike(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from([COMPONENTS, EXPLAINED]))
    sample = data.draw(samples(spec))
    reports = [("this", sample.report)] + ([("last", sample.previous)] if sample.previous else [])
    found = parse_long_csv(long_csv_text(reports, {"this": "last"} if sample.previous else None), spec)
    assert found.ok, found.diagnostics
    read = {r.report_id: r for r in found.reports}
    assert read["this"].loaded.report == _plain(sample.report)
    assert read["this"].previous_id == ("last" if sample.previous else None)
    expected = evaluate(spec, sample.report, sample.previous).to_json_dict()
    last = read["last"].loaded.report if sample.previous else None
    this = read["this"].loaded.report
    assert this is not None and evaluate(spec, this, last).to_json_dict() == expected


def test_records_and_members_as_lines(tmp_path: Path) -> None:
    long = tmp_path / "explained.csv"
    long.write_text(
        "report_id,key,value\n"
        ",format,recs\n"
        ",version,1\n"
        "a,members.component.CIV,Civil\n"
        "a,members.component.TAX,Tax\n"
        "a,requests.CIV.received,10\n"
        "a,requests.CIV.other,5\n"
        "a,requests.TAX.received,4\n"
        "a,requests.TAX.other,0\n"
        "a,requests.overall.received,14\n"
        "a,requests.overall.other,5\n"
        "a,explanations.2.component,CIV\n"  # records in any order: numbered, not placed
        "a,explanations.2.description,Duplicate\n"
        "a,explanations.2.count,2\n"
        "a,explanations.1.component,CIV\n"
        'a,explanations.1.description,"Referred to another agency"\n'
        "a,explanations.1.count,3\n",
        encoding="utf-8",
    )
    ((named, previous),) = [read_reports(long, EXPLAINED)]
    assert previous == {} and [n for n, _ in named] == [f"{long}#a"]
    assert named[0][1].report == gaidsl.load_report(EXPLAINED, RECORDS / "explained_2.json")
    found = run_cli("validate", "--lang", "en", "--", str(RECORDS / "other_explained.gai"), str(long))
    expected = run_cli(
        "validate", "--lang", "en", "--", str(RECORDS / "other_explained.gai"), str(RECORDS / "explained_2.json")
    )
    assert found.code == expected.code == 0
    assert found.out.replace(f"{long}#a", "F") == expected.out.replace(str(RECORDS / "explained_2.json"), "F")


def test_previous_id_names_last_years_report_in_the_file(tmp_path: Path) -> None:
    this = gaidsl.load_report(COMPONENTS, OPEN / "components_1.yaml")
    values = dict(this.values)
    for row in ("FOIA", "overall"):  # last year's pending at end: 7 (received 2 more), this year's at start: 3
        values[f"requests.{row}.received"] = Decimal(122)
        values[f"requests.{row}.pending_end"] = Decimal(7)
    last = Report(this.format, this.version, this.fields, this.texts, values, this.members)
    long = tmp_path / "two_years.csv"
    long.write_text(long_csv_text([("y2025", this), ("y2024", last)], {"y2025": "y2024"}), encoding="utf-8")
    run = run_cli("validate", "--format", "json", "--", str(OPEN / "agency_components.gai"), str(long))
    assert run.code == 0, run.err
    results = json.loads(run.out)["results"]
    growth = [r for r in results if r["check"] == "growth" and r["file"].endswith("#y2025")]
    assert {(r["position"], r["status"]) for r in growth} == {("FOIA", "fail"), ("overall", "fail")}  # warnings
    alone = [r for r in results if r["check"] == "growth" and r["file"].endswith("#y2024")]
    assert {r["status"] for r in alone} == {"unverifiable"}


def test_a_long_csv_is_no_wide_csv(tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text("report_id,key,value\n", encoding="utf-8")
    wide = tmp_path / "wide.csv"
    wide.write_text("report_id,fields.agency\n", encoding="utf-8")
    assert is_long_csv(long) and not is_wide_csv(str(long))
    assert is_wide_csv(str(wide)) and not is_long_csv(wide)


BAD = [
    ("GAI790", "report_id,key,value,extra\n", (1, 1)),
    ("GAI791", "report_id,key,value\na,requests.CIV.received,1,2\n", (2, 1)),
    ("GAI792", "report_id,key,value\n,fields.agency,X\n", (2, 1)),
    ("GAI793", "report_id,key,value\na,members.componet.CIV,Civil\n", (2, 3)),
    ("GAI793", "report_id,key,value\na,members.component,Civil\n", (2, 3)),
    ("GAI794", "report_id,key,value\na,explanations.0.count,1\n", (2, 3)),
    ("GAI795", "report_id,key,value\na,previous_id,b\n", (2, 15)),
    ("GAI796", "report_id,key,value\na,previous_id,a\n", (2, 15)),
    ("GAI797", "report_id,key,value\na,explanations.2.count,1\n", (2, 3)),
    ("GAI701", 'report_id,key,value\na,fields.agency,"open\n', (2, 1)),
]


@pytest.mark.parametrize(("code", "text", "where"), BAD, ids=[f"{c}-{i}" for i, (c, *_) in enumerate(BAD)])
def test_bad_lines_are_refused_with_their_code_and_place(
    code: str, text: str, where: tuple[int, int], tmp_path: Path
) -> None:
    spec = EXPLAINED if code in ("GAI794", "GAI797") else COMPONENTS
    found = parse_long_csv(text, spec, "bad.csv")
    assert not found.ok and not found.reports
    diagnostic = found.diagnostics[0]
    assert diagnostic.code == code and diagnostic.span is not None
    if code != "GAI701":
        assert (diagnostic.span.line, diagnostic.span.column) == where
    assert diagnostic.message.zh and diagnostic.message.en
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    source = RECORDS / "other_explained.gai" if spec is EXPLAINED else OPEN / "agency_components.gai"
    run = run_cli("validate", "--lang", "en", "--", str(source), str(path))
    assert run.code == 2 and f"[{code}]" in run.err and "Traceback" not in run.err


def test_a_member_line_suggests_a_dimension_only_when_its_name_is_wrong() -> None:
    """In the 部门决算 spec (a dimension per table: income_subject, expense_subject, soe_subject …),
    `members.income_subjct.201` suggests `income_subject`; `members.income_subject.` (the dimension right, the key
    missing) suggests nothing (it suggested `soe_subject`)."""
    spec = gaidsl.load_spec(ROOT / "specs" / "department_final_accounts_2024.gai")
    misspelt = parse_long_csv("report_id,key,value\na,members.income_subjct.201,x\n", spec, "a.csv")
    keyless = parse_long_csv("report_id,key,value\na,members.income_subject.,x\n", spec, "b.csv")
    assert misspelt.diagnostics[0].help and "income_subject" in misspelt.diagnostics[0].help[0].en
    assert keyless.diagnostics[0].code == "GAI793" and keyless.diagnostics[0].help == ()


def test_a_bad_value_is_at_its_line_as_in_a_json_file() -> None:
    text = "report_id,key,value\na,members.component.CIV,Civil\na,requests.CIV.received,x\n"
    found = parse_long_csv(text, COMPONENTS, "values.csv")
    (report,) = found.reports
    (diagnostic,) = [d for d in report.loaded.diagnostics if d.severity == "error"]
    assert diagnostic.code == "GAI704" and diagnostic.span is not None and diagnostic.span.line == 3


def test_the_example_in_the_docs_is_read(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    section = text.split("### Long CSV", 1)[1]
    example = section.split("```text\n", 1)[1].split("```", 1)[0]  # not csv: the wide CSV's doc test reads those
    found = parse_long_csv(example, EXPLAINED, "docs.csv")
    assert found.ok and [r.report_id for r in found.reports] == ["a", "b"]
    first, second = found.reports
    assert not first.loaded.diagnostics and second.previous_id == "a"
    assert first.loaded.report is not None and first.loaded.report.records == {"explanations": 1}
    assert evaluate(EXPLAINED, first.loaded.report).to_json_dict()["summary"]["errors"] == 0
