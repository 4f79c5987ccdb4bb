"""Lists of records in the generated Python module (docs/records.md; issue 15, acceptance 2): the module gives the
reference evaluator's records, record for record (as JSON text), on both record specs of tests/data/records/: the
valid samples with 0, 1 and 12 records, each one-violation sample, the shipped data files, hand-made reports for
the cases samples seldom reach (min and max over several records, a filtered field left unknown, a min over no
record) and what the Hypothesis strategies draw. A report gaidsl refuses is refused by the module too, with the
same codes. The module is built once per spec."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import Report
from gaidsl.engines.database import evaluate_all, python_module
from gaidsl.language import ir
from gaidsl.sampling import strategies
from gaidsl.sampling.samples import invalid_reports, valid_samples
from tests.support import ROOT, examples, run_cli

DATA = ROOT / "tests" / "data" / "records"
SPECS: dict[str, ir.Spec] = {p.stem: gaidsl.load_spec(p) for p in sorted(DATA.glob("*.gai"))}
_MODULES: dict[str, ModuleType] = {}


def _module(name: str) -> ModuleType:
    if name not in _MODULES:
        _MODULES[name] = python_module(SPECS[name])
    return _MODULES[name]


def _same(name: str, report: Report, previous: Report | None = None) -> list[dict[str, Any]]:
    return same_records(SPECS[name], _module(name), report, previous)


def same_records(
    spec: ir.Spec, module: ModuleType, report: Report, previous: Report | None = None
) -> list[dict[str, Any]]:
    """The module's records equal the evaluator's, all of them and the failures alone; the records."""
    expected = evaluate(spec, report, previous).to_json_dict()["results"]
    data = module.loads(report.to_json())
    last = None if previous is None else module.loads(previous.to_json())
    found = module.validate(data, last)
    assert [module.dumps(r) for r in found] == [module.dumps(r) for r in expected]
    failing = module.validate(data, last, only={"fail"})
    assert [module.dumps(r) for r in failing] == [module.dumps(r) for r in expected if r["status"] == "fail"]
    return list(found)


def _report(name: str, data: dict[str, Any]) -> Report:
    loaded = parse_report(json.dumps(data), SPECS[name], "json")
    assert loaded.report is not None, loaded.diagnostics
    return loaded.report


def _projects(records: list[dict[str, Any]], spent: dict[str, str]) -> dict[str, Any]:
    values = {f"by_fund.{k}.spent": v for k, v in spent.items()}
    return {"format": "project_list", "version": "2025", "values": values, "records": {"projects": records}}


def _project(name: str, fund: str, amount: str, status: str = "ongoing") -> dict[str, Any]:
    return {"name": name, "fund": fund, "amount": amount, "status": status, "started": "2025-03-01"}


def test_the_specs_under_test() -> None:
    assert set(SPECS) == {"other_explained", "projects"}
    assert all(s.records and s.record_checks for s in SPECS.values())
    assert SPECS["other_explained"].open_dimensions  # records filtered by an open dimension's entered rows


@pytest.mark.parametrize("name", sorted(SPECS))
def test_valid_samples_with_0_1_and_12_records_agree(name: str) -> None:
    found = valid_samples(SPECS[name], 3)
    assert max(s.report.records[next(iter(SPECS[name].records))] for s in found) == 12
    for sample in found:
        assert len(_same(name, sample.report, sample.previous)) > 0
        _same(name, sample.report)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_one_violation_samples_agree_and_fail_their_check(name: str) -> None:
    violations = [v for v in invalid_reports(SPECS[name], seed=1) if v.sample is not None]
    wanted = {"other_explained", "positive"} if name == "other_explained" else {"matches_projects", "positive_amount"}
    assert {v.check for v in violations} >= wanted  # (largest_project: the sampler finds no violation of it)
    for violation in violations:
        assert violation.sample is not None
        found = _same(name, violation.sample.report, violation.sample.previous)
        assert {r["check"] for r in found if r["status"] == "fail"} == {violation.check}


@pytest.mark.parametrize("file", ["explained_0.yaml", "explained_2.json"])
def test_the_data_files_agree(file: str) -> None:
    path = DATA / file
    report = gaidsl.load_report(SPECS["other_explained"], path)
    assert {r["status"] for r in _same("other_explained", report)} == {"pass"}


def test_the_issue_example_fails_at_its_component_with_the_evaluators_message() -> None:
    data = json.loads((DATA / "explained_2.json").read_text(encoding="utf-8"))
    data["records"]["explanations"][1]["count"] = 1
    found = _same("other_explained", _report("other_explained", data))
    failing = [r for r in found if r["status"] == "fail"]
    assert [(r["check"], r["position"]) for r in failing] == [
        ("other_explained", "CIV"),
        ("other_explained", "overall"),
    ]
    assert "#1 · Count + Explanations of other · #2 · Count = 3 + 1 = 4" in failing[0]["message"]["en"]


def test_max_over_several_records_is_exact_and_shown_as_the_evaluator_shows_it() -> None:
    records = [_project("Road", "budget", "10.50"), _project("Dam", "budget", "4.00"), _project("Pier", "own", "20")]
    found = _same("projects", _report("projects", _projects(records, {"budget": "14.50", "own": "20", "all": "19"})))
    largest = next(r for r in found if r["check"] == "largest_project")
    assert largest["status"] == "fail" and str(largest["left"]) == "20"
    assert "max(Projects · #1 · Amount, Projects · #2 · Amount, Projects · #3 · Amount)" in largest["message"]["en"]


def test_a_record_whose_filtered_field_is_unknown_makes_the_aggregate_unverifiable() -> None:
    records = [_project("Road", "unknown", "10.50"), _project("Dam", "budget", "4.00", "completed")]
    found = _same("projects", _report("projects", _projects(records, {"budget": "4.00", "own": "0", "all": "14.50"})))
    matched = [r for r in found if r["check"] == "matches_projects"]
    assert matched and {r["status"] for r in matched} == {"unverifiable"}
    assert "a divisor is zero" in matched[0]["message"]["en"]


def test_no_records_give_no_max_position_and_fail_the_count() -> None:
    found = _same("projects", _report("projects", _projects([], {"budget": "0", "own": "0", "all": "0"})))
    assert not any(r["check"] == "largest_project" for r in found)
    assert [r["check"] for r in found if r["status"] == "fail"] == ["records.projects.at_least"]


@pytest.mark.parametrize(
    "records",
    [
        "not a list",
        ["not an object"],
        [{**_project("Road", "budget", "1"), "colour": "red"}],
        [{k: v for k, v in _project("Road", "budget", "1").items() if k != "name"}],
        [_project("", "budget", "1")],
        [_project("Road", "nowhere", "1")],
        [_project("Road", "all", "1")],  # a total is no member a record names
        [_project("Road", "budget", "1.234")],
        [_project("Road", "budget", "1", "paused")],
        [_project("Road", "budget", "1") | {"started": "2025-02-30"}],
    ],
)
def test_bad_records_are_refused_with_gaidsls_codes(records: Any) -> None:
    data = _projects(records, {})
    loaded = parse_report(json.dumps(data), SPECS["projects"], "json")
    assert loaded.report is None
    module = _module("projects")
    with pytest.raises(module.DataError) as refused:
        module.validate(module.loads(json.dumps(data)))
    assert sorted({p[0] for p in refused.value.problems}) == sorted({d.code for d in loaded.diagnostics})


@pytest.mark.parametrize(
    "top",
    [
        {"members": None},  # null is no object (GAI744); leaving "members" out is no entered member
        {"members": []},
        {"members": {"fund": []}},  # fund is no open dimension (GAI743)
        {"members": {}},
        {"records": None},
        {"records": []},
        {"records": {"projects": None}},  # no record: the count rule fails, no data error
        {"records": {"nothing": []}},
    ],
)
def test_the_top_level_members_and_records_are_read_as_gaidsl_reads_them(top: dict[str, Any]) -> None:
    records = [_project("Road", "budget", "10.50")]
    text = json.dumps(_projects(records, {"budget": "10.50", "own": "0", "all": "10.50"}) | top)
    loaded = parse_report(text, SPECS["projects"], "json")
    module = _module("projects")
    if loaded.report is not None:
        _same("projects", loaded.report)
        return
    with pytest.raises(module.DataError) as refused:
        module.validate(module.loads(text))
    assert sorted({p[0] for p in refused.value.problems}) == sorted({d.code for d in loaded.diagnostics})


def _twice(text: str, at: str) -> str:
    """``text`` with the key-value pair starting at ``at`` written twice (the same value)."""
    start = text.index(at)
    end = text.index(":", start) + 1
    depth = 0
    while depth or text[end] not in ",}":  # the value's end: a comma or brace outside brackets and strings
        if text[end] == '"':
            end = text.index('"', end + 1)
        elif text[end] in "[{":
            depth += 1
        elif text[end] in "]}":
            depth -= 1
        end += 1
    return text[:end] + ", " + text[start:end] + text[end:]


@pytest.mark.parametrize(
    ("at", "key"),
    [
        ('"component": [', "members.component"),
        ('"label": "Civil', "members.component[0].label"),
        ('"explanations": [', "records.explanations"),
        ('"count": 2', "records.explanations[1].count"),
    ],
)
def test_a_key_given_twice_in_members_or_records_is_gai715_as_in_the_module(at: str, key: str) -> None:
    """Not "the last one wins", nor "not an open dimension" / "no such field": the key is given twice (GAI715),
    as in "values" and as the generated validators' JSON readers say."""
    good = (DATA / "explained_2.json").read_text(encoding="utf-8")
    assert parse_report(good, SPECS["other_explained"], "json").report is not None
    text = _twice(json.dumps(json.loads(good)), at)
    assert text.count(at) == 2
    loaded = parse_report(text, SPECS["other_explained"], "json")
    assert loaded.report is None
    assert [(d.code, d.args["key"]) for d in loaded.diagnostics] == [("GAI715", key)]
    module = _module("other_explained")
    with pytest.raises(module.DataError) as refused:
        module.validate(module.loads(text))
    assert [p[0] for p in refused.value.problems] == ["GAI715"]


@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=examples(0.1), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drawn_reports_and_violations_agree(name: str, data: st.DataObject) -> None:
    """other_explained: 0, 1 and 40 entered components (records only when there is a component to name)."""
    spec = SPECS[name]
    _same(name, data.draw(strategies.reports(spec)))
    check = data.draw(st.sampled_from(strategies.violable_checks(spec)))
    broken = data.draw(strategies.violating(spec, check))
    _same(name, broken.report, broken.previous)


def test_validate_on_the_python_engine_says_what_the_reference_says() -> None:
    spec = SPECS["other_explained"]
    reports = [(p.name, gaidsl.load_report(spec, p)) for p in (DATA / "explained_0.yaml", DATA / "explained_2.json")]
    python = evaluate_all(spec, reports, "python")
    reference = evaluate_all(spec, reports, "reference")
    assert [e.to_json_dict() for e in python] == [e.to_json_dict() for e in reference]


def test_build_writes_the_module_and_it_runs_standalone(tmp_path: Path) -> None:
    run = run_cli("build", str(DATA / "projects.gai"), "-t", "python", "-o", str(tmp_path / "out"))
    assert run.code == 0, run.err
    (module,) = (tmp_path / "out").glob("**/*.py")
    data = tmp_path / "report.json"
    records = [_project("Road", "budget", "10.50"), _project("Dam", "own", "0.00")]
    data.write_text(json.dumps(_projects(records, {"budget": "10.50", "own": "0", "all": "10.50"})), encoding="utf-8")
    code = (
        "import importlib.util, json, sys\n"
        f"s = importlib.util.spec_from_file_location('m', {str(module)!r})\n"
        "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n"
        f"found = m.validate(json.load(open({str(data)!r})), only={{'fail'}})\n"
        "print([(r['check'], r['position']) for r in found])\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # -I: no gaidsl on the path, the standard library only
    assert done.stdout.strip() == "[('positive_amount', '2')]"


@pytest.mark.parametrize(
    ("check", "why"),
    [
        ("check share for each record: amount <= sum(projects.amount)", "it aggregates records at each record"),
        ("check ratio for each record: amount / amount <= 1", "it has arithmetic between cells"),
    ],
)
def test_a_record_check_the_module_cannot_compute_is_refused_with_gai611(tmp_path: Path, check: str, why: str) -> None:
    source = (DATA / "projects.gai").read_text(encoding="utf-8")
    anchor = "      check positive_amount for each record: amount > 0\n"
    spec = tmp_path / "projects.gai"
    spec.write_text(source.replace(anchor, f"{anchor}      {check}\n"), encoding="utf-8")
    assert run_cli("check", str(spec)).code == 0
    run = run_cli("build", str(spec), "-t", "python", "-o", str(tmp_path / "out"), "--lang", "zh")
    assert run.code == 2 and "Traceback" not in run.err
    assert "GAI611" in run.err and "记录列表" in run.err
    assert not (tmp_path / "out").exists()
    with pytest.raises(Exception, match=why):
        python_module(gaidsl.load_spec(spec))
