"""Open dimensions (issue 15, first slice; docs/open-dimensions.md): the spec, fmt, data files with member lists,
the reference evaluator over the entered members, and the GAI610 refusal of every stage that does not support them.

The spec and reports under tests/data/open/ are illustrative (an agency's requests by component), not an official
template.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate, evaluate_check
from gaidsl.checking.report import EnteredMember, Report
from gaidsl.ingest.detect import Unreadable
from gaidsl.language import ir
from gaidsl.language.parser import parse_text
from gaidsl.migrations.fmt import format_document
from tests.support import ROOT, examples, run_cli

DATA = ROOT / "tests" / "data" / "open"
SPEC_FILE = DATA / "agency_components.gai"
SPEC = str(SPEC_FILE)


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return gaidsl.load_spec(SPEC_FILE)


def _failing(evaluation: gaidsl.Evaluation) -> list[tuple[str, str | None]]:
    return [(r.check, r.position) for r in evaluation.results if r.status == "fail"]


def _read(spec: ir.Spec, data: dict[str, Any]) -> tuple[Report | None, list[tuple[str, int | None]]]:
    loaded = parse_report(json.dumps(data, indent=1), spec, "json")
    return loaded.report, [(d.code, d.span.line if d.span else None) for d in loaded.diagnostics]


def _base(members: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "format": "agency_components",
        "version": "2025",
        "members": {"component": members},
        "fields": {"agency": "Illustrative Agency", "year": 2025},
        "values": {},
    }


# ---------------------------------------------------------------------------------------------------- the spec


def test_the_spec_is_canonical_and_formats_back_to_itself() -> None:
    text = SPEC_FILE.read_text(encoding="utf-8")
    doc = parse_text(text)
    assert format_document(doc, text) == text
    assert parse_text(format_document(doc)) == doc


def test_rules_are_printed_in_their_fixed_order() -> None:
    text = 'format x version 1 "t" {\n  dimension d "D" open {\n    at most 3\n    key pattern "[a-z]+"\n  }\n}\n'
    formatted = format_document(parse_text(text), text)
    assert formatted.index("key pattern") < formatted.index("at most 3")
    assert parse_text(formatted) == parse_text(text)


def test_the_open_dimension_is_in_the_ir(spec: ir.Spec) -> None:
    opened = spec.open_dimensions["component"]
    assert (opened.slot, opened.key_pattern, opened.at_least, opened.at_most) == ("<component>", "[A-Z]{2,10}", 1, 200)
    assert isinstance(spec.open_dimensions, ir.FrozenDict)
    rows = spec.tables["requests"].rows
    assert rows is not None and rows.open == opened
    assert [m.key for m in rows.members] == ["<component>", "overall"]
    assert rows.by_key["overall"].sums == ("<component>",)
    assert "requests.<component>.received" in spec.cells and "staff.<component>.full_time" in spec.cells


def test_cells_lists_the_patterns_of_open_rows() -> None:
    run = run_cli("cells", SPEC)
    assert run.code == 0
    assert "requests.<component>.received\tcount\t<Component> × Received" in run.out
    assert "requests.overall.received\tcount\tAGENCY OVERALL × Received" in run.out


def test_a_fixed_first_row_goes_before_the_entered_ones_and_a_total_first_stays_first() -> None:
    text = """format x version 1 "t" {
  dimension d "D" open {
    total all "Total"
    hq "Headquarters"
  }
  section s "S" { table t { columns { n "N" } rows d } }
}"""
    compiled = gaidsl.compile_text(text, "x.gai")
    assert compiled.spec is not None, compiled.diagnostics
    rows = compiled.spec.tables["t"].rows
    assert rows is not None
    assert [m.key for m in rows.members] == ["all", "hq", "<d>"]
    assert rows.by_key["all"].sums == ("hq", "<d>")


# ---------------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("name", "verdict", "failing"),
    [
        ("components_0.json", "fail", [("members.component.at_least", None)]),
        ("components_1.yaml", "pass", []),
        ("components_40.json", "pass", []),
        ("components_40_one_violation.json", "fail", [("staffed", "CAJ")]),
    ],
)
def test_filled_examples(name: str, verdict: str, failing: list[tuple[str, str | None]]) -> None:
    evaluation = gaidsl.validate(SPEC, DATA / name)
    assert evaluation.verdict == verdict
    assert _failing(evaluation) == failing


def test_every_entered_member_gets_its_own_position(spec: ir.Spec) -> None:
    evaluation = gaidsl.validate(spec, DATA / "components_40.json")
    flow = [r for r in evaluation.results if r.check == "flow"]
    assert len(flow) == 41  # 40 components and the overall row
    assert flow[0].position == "CAA" and flow[0].position_labels == ("Component 1",)
    assert {i.key for i in flow[0].involved} == {
        f"requests.CAA.{c}" for c in ("pending_start", "received", "processed", "pending_end")
    }


def test_a_check_across_tables_matches_members_by_key(spec: ir.Spec) -> None:
    evaluation = gaidsl.validate(spec, DATA / "components_40_one_violation.json")
    (result,) = [r for r in evaluation.results if r.status == "fail"]
    assert {i.key for i in result.involved} == {"requests.CAJ.processed", "staff.CAJ.full_time"}
    assert "Component 10" in result.message.en


def test_the_total_adds_up_the_entered_members(spec: ir.Spec) -> None:
    data = json.loads((DATA / "components_40.json").read_text(encoding="utf-8"))
    data["values"]["requests.overall.received"] += 1
    report, problems = _read(spec, data)
    assert report is not None, problems
    failing = _failing(evaluate(spec, report))
    assert ("total.requests.overall", "received") in failing


def test_with_no_members_the_total_is_zero(spec: ir.Spec) -> None:
    data = _base([])
    data["values"] = {"requests.overall.received": 0, "requests.overall.processed": 1}
    report, problems = _read(spec, data)
    assert report is not None, problems
    failing = _failing(evaluate(spec, report))
    assert ("total.requests.overall", "processed") in failing
    assert ("total.requests.overall", "received") not in failing


def test_member_counts_are_checked_on_the_data(spec: ir.Spec) -> None:
    members = [{"key": f"C{chr(65 + i // 26)}{chr(65 + i % 26)}", "label": f"C {i}"} for i in range(201)]
    report, problems = _read(spec, _base(members))
    assert report is not None, problems
    results = {r.check: r.status for r in evaluate(spec, report).results if r.check.startswith("members.")}
    assert results == {"members.component.at_least": "pass", "members.component.at_most": "fail"}
    (at_most,) = evaluate_check(spec, "members.component.at_most", report)
    assert at_most.status == "fail" and at_most.comparisons[0].left == 201


def test_last_year_is_matched_by_key_and_a_new_member_is_unverifiable(spec: ir.Spec) -> None:
    evaluation = gaidsl.validate(spec, DATA / "components_40.json", previous=DATA / "components_39_last_year.json")
    growth = {r.position: r for r in evaluation.results if r.check == "growth"}
    assert growth["CAA"].status == "pass"
    assert growth["CBN"].status == "unverifiable"
    assert "not among last year's members" in growth["CBN"].message.en
    assert "不在上年报告的成员中" in growth["CBN"].message.zh


def test_the_canonical_json_keeps_the_members(spec: ir.Spec) -> None:
    report = gaidsl.load_report(spec, DATA / "components_1.yaml")
    assert report.members == {"component": (EnteredMember("FOIA", "Office of Information Policy"),)}
    again = parse_report(report.to_json(), spec, "json")
    assert again.report == report
    closed = Report("x", "1", {}, {}, {})
    assert "members" not in closed.to_json_dict()


def test_validate_on_the_command_line() -> None:
    passed = run_cli("validate", SPEC, str(DATA / "components_1.yaml"), "--lang", "en")
    assert passed.code == 0 and "passed" in passed.out
    failed = run_cli("validate", SPEC, str(DATA / "components_40_one_violation.json"), "--lang", "en")
    assert failed.code == 1 and "error[staffed]" in failed.out and "Component 10" in failed.out
    many = run_cli("validate", SPEC, str(DATA / "components_1.yaml"), str(DATA / "components_0.json"), "--lang", "en")
    assert many.code == 1, many.err
    assert re.search(r"members\.component\.at_least +error +1 +0 +1\n", many.out), many.out


# ---------------------------------------------------------------------------------------------------- data errors


@pytest.mark.parametrize(
    ("members", "values", "code"),
    [
        ([{"key": "civil", "label": "Civil"}], {}, "GAI740"),
        ([{"key": "CIV", "label": "Civil"}, {"key": "CIV", "label": "Civil again"}], {}, "GAI741"),
        ([{"key": "CIV", "label": "Civil"}], {"requests.TAX.received": 1}, "GAI742"),
        ([{"key": "CIV"}], {}, "GAI744"),
        ([{"key": "C.V", "label": "Dotted"}], {}, "GAI744"),
        ([{"key": "CIV", "label": "Civil", "code": 1}], {}, "GAI744"),
    ],
)
def test_member_list_errors(spec: ir.Spec, members: list[dict[str, Any]], values: dict[str, int], code: str) -> None:
    data = _base(members)
    data["values"] = values
    report, problems = _read(spec, data)
    assert report is None
    assert [c for c, _ in problems] == [code]
    assert all(line is not None and line > 1 for _, line in problems)


def test_a_fixed_member_cannot_be_entered() -> None:
    spec = gaidsl.compile_text(
        'format x version 1 "t" { dimension d "D" open { total ALL "All" } '
        'section s "S" { table t { columns { n "N" } rows d } } }',
        "x.gai",
    ).spec
    assert spec is not None
    report, problems = _read(spec, {"format": "x", "version": "1", "members": {"d": [{"key": "ALL", "label": "A"}]}})
    assert report is None and [c for c, _ in problems] == ["GAI745"]


def test_members_of_a_dimension_that_is_not_open(spec: ir.Spec) -> None:
    data = _base([])
    data["members"]["department"] = []
    report, problems = _read(spec, data)
    assert report is None and [c for c, _ in problems] == ["GAI743"]


def test_the_slot_itself_is_no_key_of_a_report(spec: ir.Spec) -> None:
    data = _base([])
    data["values"] = {"requests.<component>.received": 1}
    report, problems = _read(spec, data)
    assert report is None and [c for c, _ in problems] == ["GAI742"]


def test_an_unlisted_member_is_named_with_its_place(spec: ir.Spec) -> None:
    loaded = parse_report(
        "format: agency_components\nversion: 2025\nmembers:\n  component: []\nvalues:\n  requests.TAX.received: 1\n",
        spec,
        "yaml",
    )
    (problem,) = loaded.diagnostics
    assert problem.code == "GAI742" and problem.span is not None and problem.span.line == 6
    assert "TAX" in problem.message.en and "component" in problem.message.en


# ---------------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("readback", SPEC, str(DATA / "components_1.yaml")), "readback does not support open dimensions yet"),
        (
            ("validate", "--engine", "spark", "--", SPEC, str(DATA / "components_1.yaml")),
            "the spark engine does not support open dimensions yet",
        ),
    ],
)
def test_stages_without_open_dimensions_refuse_them(args: tuple[str, ...], words: str, tmp_path: Path) -> None:
    verb, *rest = (a.replace("{out}", str(tmp_path / "out")) for a in args)
    run = run_cli(verb, "--lang", "en", *rest)
    assert run.code == 2, run.err
    assert "error[GAI610]" in run.err and words in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_analysis_is_bounded_and_a_plain_check_passes() -> None:
    analysed = run_cli("check", "--analyze", SPEC, "--lang", "en")  # tests/test_open_analysis.py
    assert analysed.code == 0, analysed.err
    assert "info[GAI612]: spec analysis searched open dimensions on bounded instances only" in analysed.err
    plain = run_cli("check", SPEC, "--lang", "en")
    assert plain.code == 0 and "ok (12 cells, 5 checks, 0 warnings)" in plain.out


def test_the_python_api_takes_open_specs_and_specs_with_records() -> None:
    with pytest.raises(Unreadable):  # records are read from their tables (ingest/records.py); no report here
        gaidsl.ingest_report(ROOT / "tests" / "data" / "records" / "projects.gai", b"<html></html>")
    with pytest.raises(Unreadable):  # an open spec is taken (ingest/open_rows.py); an empty page has no report
        gaidsl.ingest_report(SPEC, b"<html></html>")
    drawn = gaidsl.render(SPEC, DATA / "components_1.yaml", "md")  # every renderer draws open rows (test_open_render)
    assert isinstance(drawn, str) and "Office of Information Policy" in drawn


# ---------------------------------------------------------------------------------------------------- property


_KEYS = st.from_regex(re.compile(r"[A-Z]{2,10}"), fullmatch=True)


def _consistent(keys: list[str]) -> dict[str, Any]:
    """A report whose every check holds: per member flows that add up, staff wherever requests were processed."""
    data = _base([{"key": k, "label": f"Component {k}"} for k in keys])
    values: dict[str, int] = {}
    for index, key in enumerate(keys):
        start, received, processed = index % 5, 10 + index, 7 + index
        row = {"pending_start": start, "received": received, "processed": processed}
        row["pending_end"] = start + received - processed
        values.update({f"requests.{key}.{column}": value for column, value in row.items()})
        values.update({f"staff.{key}.full_time": 1 + index % 3, f"staff.{key}.part_time": index % 2})
    for table, columns in (
        ("requests", ("pending_start", "received", "processed", "pending_end")),
        ("staff", ("full_time", "part_time")),
    ):
        for column in columns:
            values[f"{table}.overall.{column}"] = sum(values[f"{table}.{k}.{column}"] for k in keys)
    data["values"] = values
    return data


@settings(max_examples=examples(0.3), deadline=None)
@given(keys=st.lists(_KEYS, min_size=2, max_size=12, unique=True), data=st.data())  # 2+: the overall row keeps staff
def test_any_member_list_validates_and_one_broken_member_fails_alone(
    spec: ir.Spec, keys: list[str], data: st.DataObject
) -> None:
    good = _consistent(keys)
    report, problems = _read(spec, good)
    assert report is not None, problems
    assert evaluate(spec, report).verdict == "pass"
    broken = data.draw(st.sampled_from(keys))
    good["values"][f"staff.{broken}.full_time"] = 0
    good["values"]["staff.overall.full_time"] = sum(good["values"][f"staff.{k}.full_time"] for k in keys)
    report, problems = _read(spec, good)
    assert report is not None, problems
    assert _failing(evaluate(spec, report)) == [("staffed", broken)]
    assert sum(Decimal(1) for r in evaluate(spec, report).results if r.check == "flow") == len(keys) + 1
