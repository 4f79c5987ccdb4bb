"""Lists of records in the generated JavaScript validator (docs/records.md; issue 15, "the Python and JavaScript
validators"): the module gives the reference evaluator's records, record for record (decimals digit for digit), and
its ``missing()`` list, on both record specs of tests/data/records/: the valid samples with 0, 1 and 12 records (with
and without last year's report), each one-violation sample (failing exactly its check and positions), the shipped
data files, hand-made reports for what samples seldom reach (min and max over several records, a filtered field left
unknown, a min over no record), hostile texts and labels, and what the Hypothesis strategies draw. A report gaidsl
refuses, the module refuses (DataError) with the same codes. One ``node`` process; each module built once.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.data import parse_report
from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.sampling import strategies
from gaidsl.sampling.samples import invalid_reports, valid_samples
from gaidsl.targets.javascript import open_parts as javascript_target
from gaidsl.targets.python.open_parts import OpenRefused
from tests.support import ROOT, examples, run_cli
from tests.test_open_javascript import Harness, _reference, agree
from tests.test_records_python import _twice
from tests.validator_support import NODE, build

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

DATA = ROOT / "tests" / "data" / "records"
SPECS: dict[str, ir.Spec] = {p.stem: gaidsl.load_spec(p) for p in sorted(DATA.glob("*.gai"))}
HOSTILE = "</script>'\" \\ ${x} {{y}} =SUM(A1) $& $1 一、"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    process = Harness(tmp_path_factory.mktemp("node"))
    yield process
    process.close()


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("records_javascript")
    return {name: build("javascript", spec, folder / name) for name, spec in SPECS.items()}


def _report(name: str, data: dict[str, Any]) -> Report:
    loaded = parse_report(json.dumps(data), SPECS[name], "json")
    assert loaded.report is not None, loaded.diagnostics
    return loaded.report


def _projects(records: Any, spent: dict[str, str]) -> dict[str, Any]:
    values = {f"by_fund.{k}.spent": v for k, v in spent.items()}
    return {"format": "project_list", "version": "2025", "values": values, "records": {"projects": records}}


def _project(name: str, fund: str, amount: str, status: str = "ongoing") -> dict[str, Any]:
    return {"name": name, "fund": fund, "amount": amount, "status": status, "started": "2025-03-01"}


def _one(node: Harness, modules: dict[str, Path], name: str, report: Report) -> dict[str, Any]:
    (answer,) = agree(node, SPECS[name], modules[name], [(report, None)])
    return answer


def test_the_specs_under_test() -> None:
    assert set(SPECS) == {"other_explained", "projects"}
    assert all(s.records and s.record_checks for s in SPECS.values())
    assert SPECS["other_explained"].open_dimensions and not SPECS["projects"].open_dimensions


@pytest.mark.parametrize("name", sorted(SPECS))
def test_valid_samples_with_0_1_and_12_records_agree(node: Harness, modules: dict[str, Path], name: str) -> None:
    found = valid_samples(SPECS[name], 3)
    counts = sorted(s.report.records[next(iter(SPECS[name].records))] for s in found)
    assert counts in ([0, 1, 12], [1, 1, 12])  # 0 moved into "at least 1" (docs/records.md, Samples)
    pairs = [(s.report, s.previous) for s in found] + [(s.report, None) for s in found]
    answers = agree(node, SPECS[name], modules[name], pairs)
    assert all(a["results"] for a in answers)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_one_violation_samples_agree_and_fail_where_they_should(
    node: Harness, modules: dict[str, Path], name: str
) -> None:
    violations = [v for v in invalid_reports(SPECS[name], seed=1) if v.sample is not None]
    wanted = {"other_explained", "positive"} if name == "other_explained" else {"matches_projects", "positive_amount"}
    assert {v.check for v in violations} >= wanted
    pairs = [(v.sample.report, v.sample.previous) for v in violations if v.sample is not None]
    answers = agree(node, SPECS[name], modules[name], pairs)
    for violation, answer in zip(violations, answers, strict=True):
        assert violation.sample is not None
        failed = {(r["check"], r["position"]) for r in answer["failing"]}
        assert failed == {(violation.check, p) for p in violation.sample.positions}, violation.check


def test_the_data_files_agree(node: Harness, modules: dict[str, Path]) -> None:
    reports = [gaidsl.load_report(SPECS["other_explained"], DATA / f) for f in ("explained_0.yaml", "explained_2.json")]
    answers = agree(node, SPECS["other_explained"], modules["other_explained"], [(r, None) for r in reports])
    assert all(a["results"] and not a["failing"] for a in answers)


def test_the_issue_example_fails_at_its_component_and_total(node: Harness, modules: dict[str, Path]) -> None:
    data = json.loads((DATA / "explained_2.json").read_text(encoding="utf-8"))
    data["records"]["explanations"][1]["count"] = 1
    answer = _one(node, modules, "other_explained", _report("other_explained", data))
    assert [(r["check"], r["position"]) for r in answer["failing"]] == [
        ("other_explained", "CIV"),
        ("other_explained", "overall"),
    ]
    assert "#1 · Count + Explanations of other · #2 · Count = 3 + 1 = 4" in answer["failing"][0]["message"]["en"]


def test_max_over_several_records_is_shown_as_the_evaluator_shows_a_computed_value(
    node: Harness, modules: dict[str, Path]
) -> None:
    records = [_project("Road", "budget", "10.50"), _project("Dam", "budget", "4.00"), _project("Pier", "own", "9.50")]
    report = _report("projects", _projects(records, {"budget": "14.50", "own": "9.50", "all": "10.00"}))
    answer = _one(node, modules, "projects", report)
    largest = next(r for r in answer["results"] if r["check"] == "largest_project")
    assert largest["status"] == "fail" and largest["left"] == {"$d": "10.5"}  # not 10.50: computed, fewest places
    assert "max(Projects · #1 · Amount, Projects · #2 · Amount, Projects · #3 · Amount)" in largest["message"]["en"]


def test_a_filtered_field_left_unknown_makes_the_aggregate_unverifiable(
    node: Harness, modules: dict[str, Path]
) -> None:
    records = [_project("Road", "unknown", "10.50"), _project("Dam", "budget", "4.00", "completed")]
    answer = _one(node, modules, "projects", _report("projects", _projects(records, {"budget": "4", "all": "14.50"})))
    matched = [r for r in answer["results"] if r["check"] == "matches_projects"]
    assert matched and {r["status"] for r in matched} == {"unverifiable"}
    assert "a divisor is zero" in matched[0]["message"]["en"]


def test_no_records_give_no_max_position_and_fail_the_count(node: Harness, modules: dict[str, Path]) -> None:
    report = _report("projects", _projects([], {"budget": "0", "own": "0", "all": "0"}))
    answer = _one(node, modules, "projects", report)
    assert not any(r["check"] == "largest_project" for r in answer["results"])
    assert [r["check"] for r in answer["failing"]] == ["records.projects.at_least"]


def test_record_texts_of_any_content_are_data(node: Harness, modules: dict[str, Path]) -> None:
    """A record's text field and choice with quotes, backslashes, ``</script>``, ``${``, ``{{``, ``=SUM(``, ``$&``."""
    data = json.loads((DATA / "explained_2.json").read_text(encoding="utf-8"))
    for record in data["records"]["explanations"]:
        record["description"] = HOSTILE + "\n" + record["description"]
    answer = _one(node, modules, "other_explained", _report("other_explained", data))
    assert answer["results"] and not answer["failing"]
    records = [_project(HOSTILE, "budget", "1"), _project("__proto__", "own", "0.00")]
    answer = _one(node, modules, "projects", _report("projects", _projects(records, {"budget": "1", "own": "0"})))
    assert [(r["check"], r["position"]) for r in answer["failing"]] == [("positive_amount", "2")]


def test_spec_labels_and_choices_of_any_text_are_data(node: Harness, tmp_path: Path) -> None:
    """The list's and a field's labels and a choice (in the field and in a ``where``) hold hostile text: the module
    loads and says what the reference says, the text in its messages as written, the choice compared as written."""
    written = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    source = (DATA / "projects.gai").read_text(encoding="utf-8")
    for label in ('"Projects"', '"Amount"', '"Funding source"', '"completed"'):
        source = source.replace(label, f'"{label[1:-1]} {written}"')
    compiled = gaidsl.compile_text(source, "hostile.gai")
    assert compiled.spec is not None, compiled.diagnostics
    spec = compiled.spec
    module = build("javascript", spec, tmp_path)
    done = f"completed {HOSTILE}"
    cases = [
        [_project("Road", "budget", "10.50"), _project("Dam", "own", "0.00", done)],  # no budget project completed
        [_project("Road", "own", "10.50", done)],  # completed, none from the budget: completed_listed fails
        [_project("Road", "budget", "10.50", done)],
    ]
    spent = {"budget": "9", "own": "0", "all": "10.50"}
    reports = [gaidsl.load_report(spec, json.dumps(_projects(r, spent)), "json") for r in cases]
    answers = agree(node, spec, module, [(r, None) for r in reports])
    assert any(HOSTILE in r["message"]["en"] for r in answers[0]["failing"])
    assert [{r["check"] for r in a["failing"]} >= {"completed_listed"} for a in answers] == [False, True, False]


def test_a_spec_in_english_words_its_findings_as_the_reference(node: Harness, tmp_path: Path) -> None:
    """``language en``: English in both slots of a message (docs/languages.md), the unknown aggregate's too."""
    source = (DATA / "projects.gai").read_text(encoding="utf-8")
    head = 'format project_list version 2025 "Projects of the year" {\n'
    compiled = gaidsl.compile_text(source.replace(head, head + "  language en\n"), "projects_en.gai")
    assert compiled.spec is not None and compiled.spec.language == "en", compiled.diagnostics
    spec = compiled.spec
    module = build("javascript", spec, tmp_path)
    made = [
        [_project("Road", "unknown", "10.50"), _project("Dam", "budget", "4.00", "completed")],
        [_project("Road", "budget", "10.50"), _project("Dam", "budget", "4.00"), _project("Pier", "own", "9.50")],
        [],
    ]
    spent = {"budget": "4", "own": "0", "all": "10.00"}
    reports = [gaidsl.load_report(spec, json.dumps(_projects(r, spent)), "json") for r in made]
    answers = agree(node, spec, module, [(r, None) for r in reports])
    unknown = next(r for r in answers[0]["results"] if r["status"] == "unverifiable")
    assert unknown["message"]["zh"] == unknown["message"]["en"] and "a divisor is zero" in unknown["message"]["en"]


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
        [_project("Road", "budget", "1") | {"amount": None}],
        [_project("Road", "budget", "1") | {"__proto__": 1}],  # no field; not the object's prototype either
    ],
)
def test_bad_records_are_refused_with_gaidsls_codes(node: Harness, modules: dict[str, Path], records: Any) -> None:
    text = json.dumps(_projects(records, {}))
    loaded = parse_report(text, SPECS["projects"], "json")
    assert loaded.report is None
    (answer,) = node.run(modules["projects"], [(text, None)])
    assert {p[0] for p in answer["rejected"]} == {d.code for d in loaded.diagnostics}


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
def test_the_top_level_members_and_records_are_read_as_gaidsl_reads_them(
    node: Harness, modules: dict[str, Path], top: dict[str, Any]
) -> None:
    records = [_project("Road", "budget", "10.50")]
    text = json.dumps(_projects(records, {"budget": "10.50", "own": "0", "all": "10.50"}) | top)
    loaded = parse_report(text, SPECS["projects"], "json")
    (answer,) = node.run(modules["projects"], [(text, None)])  # the text as written, not as gaidsl writes it back
    if loaded.report is not None:
        assert answer == _reference(SPECS["projects"], loaded.report, None, drawn=False)
        return
    assert {p[0] for p in answer["rejected"]} == {d.code for d in loaded.diagnostics}


def test_an_unknown_list_is_refused(node: Harness, modules: dict[str, Path]) -> None:
    for name in ("project", "__proto__"):
        text = json.dumps({"format": "project_list", "version": "2025", "records": {name: []}})
        assert {d.code for d in parse_report(text, SPECS["projects"], "json").diagnostics} == {"GAI775"}
        (answer,) = node.run(modules["projects"], [(text, None)])
        assert answer["rejected"] == [["GAI775", f"records.{name}"]]


@pytest.mark.parametrize(
    "at", ['"component": [', '"label": "Civil', '"explanations": [', '"count": 2', '"description": "Dup']
)
def test_a_key_given_twice_in_members_or_records_is_gai715(node: Harness, modules: dict[str, Path], at: str) -> None:
    """Not "the last one wins": the module's JSON reader refuses the key given twice (GAI715), as gaidsl does."""
    text = _twice(json.dumps(json.loads((DATA / "explained_2.json").read_text(encoding="utf-8"))), at)
    assert text.count(at) == 2
    assert {d.code for d in parse_report(text, SPECS["other_explained"], "json").diagnostics} == {"GAI715"}
    (answer,) = node.run(modules["other_explained"], [(text, None)])
    assert [p[0] for p in answer["rejected"]] == ["GAI715"]


@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=examples(0.1), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drawn_reports_and_violations_agree(
    node: Harness, modules: dict[str, Path], name: str, data: st.DataObject
) -> None:
    """other_explained: 0, 1 and 40 entered components (records only when there is a component to name)."""
    spec = SPECS[name]
    report = data.draw(strategies.reports(spec))
    broken = data.draw(strategies.violating(spec, data.draw(st.sampled_from(strategies.violable_checks(spec)))))
    agree(node, spec, modules[name], [(report, None), (broken.report, broken.previous)], drawn=True)


WHERE_CHECKS = (  # every other form of a where: !=, a number, a date, a choice, and a min over no record
    '    check others: count(projects where fund != budget and status == "ongoing") <= 3\n'
    '    check dated: sum(projects.amount where started == "2025-03-01" and status != "ongoing") <= 4\n'
    "    check smallest: min(projects.amount where amount > 0.5 and amount != 3) >= 1\n"
    "    check few: count(projects where amount <= 2) < 3\n"
)


@pytest.fixture(scope="module")
def where_spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[ir.Spec, Path]:
    source = (DATA / "projects.gai").read_text(encoding="utf-8")
    tail = "    check largest_project: max(projects.amount) <= by_fund[all, spent]\n"
    compiled = gaidsl.compile_text(source.replace(tail, tail + WHERE_CHECKS), "projects_where.gai")
    assert compiled.spec is not None, compiled.diagnostics
    return compiled.spec, build("javascript", compiled.spec, tmp_path_factory.mktemp("where"))


_DRAWN_PROJECT = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Road", HOSTILE]),
        "fund": st.sampled_from(["budget", "own", "unknown"]),
        "amount": st.sampled_from(["0.40", "0.5", "1", "2.00", "3", "3.0", "7.25", "unknown"]),
        "status": st.sampled_from(["ongoing", "completed"]),
        "started": st.sampled_from(["2025-03-01", "2024-12-31"]),
    }
)


@settings(max_examples=examples(0.2), deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(st.lists(_DRAWN_PROJECT, max_size=6), min_size=3, max_size=3))
def test_drawn_records_through_every_form_of_where_agree(
    node: Harness, where_spec: tuple[ir.Spec, Path], records: list[list[dict[str, str]]]
) -> None:
    """Records drawn field by field (a filtered field "unknown", 3 and 3.0, amounts no where keeps), three reports a
    batch, through the where forms the record specs lack (WHERE_CHECKS)."""
    spec, module = where_spec
    spent = {"budget": "3", "own": "2", "all": "5"}
    reports = [gaidsl.load_report(spec, json.dumps(_projects(r, spent)), "json") for r in records]
    agree(node, spec, module, [(r, None) for r in reports])


def test_gaidsl_build_writes_the_module_and_node_runs_it(tmp_path: Path) -> None:
    built = run_cli("build", str(DATA / "projects.gai"), "-t", "javascript", "-o", str(tmp_path))
    assert built.code == 0, built.err
    (module,) = (tmp_path / "javascript").glob("*.mjs")
    records = [_project("Road", "budget", "10.50"), _project("Dam", "own", "0.00")]
    data = tmp_path / "report.json"
    data.write_text(json.dumps(_projects(records, {"budget": "10.50", "own": "0", "all": "10.50"})), encoding="utf-8")
    assert NODE is not None
    run = subprocess.run([NODE, str(module), str(data)], capture_output=True, text=True, encoding="utf-8", check=False)
    assert run.returncode == 1, run.stderr  # positive_amount fails at record 2
    found = json.loads(run.stdout)
    assert found["verdict"] == "fail"
    failing = [(r["check"], r["position"]) for r in found["results"] if r["status"] == "fail"]
    assert failing == [("positive_amount", "2")]


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
    spec_file = tmp_path / "projects.gai"
    spec_file.write_text(source.replace(anchor, f"{anchor}      {check}\n"), encoding="utf-8")
    run = run_cli("build", str(spec_file), "-t", "javascript", "-o", str(tmp_path / "out"))
    assert run.code == 2 and "Traceback" not in run.err
    assert "GAI611" in run.err and "记录列表" in run.err  # the spec is in English, the CLI in Chinese
    assert not (tmp_path / "out").exists()
    with pytest.raises(OpenRefused, match=why):
        javascript_target.emit(gaidsl.load_spec(spec_file))
