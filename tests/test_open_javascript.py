"""The generated JavaScript validator over open dimensions (issue 15, acceptance 2; docs/open-dimensions.md): the
module ``gaidsl build -t javascript`` writes for a spec with open rows gives the reference evaluator's records,
record for record (decimals digit for digit), and its ``missing()`` list, on the open specs under tests/data/open/,
the two-axes spec of tests/test_open_targets.py and the two shipped open specs: on the samples with 0, 1 and 40
members (with and without last year's report), on every one-violation sample (where it also fails exactly the
check and positions the sample breaks), on the data files, and on what the Hypothesis strategies draw. A report
the reference refuses, the module refuses (DataError), with the same codes for bad member lists.

One ``node`` process (its own small harness, below) imports every module once. The shipped specs' valid and
one-violation samples, slow to draw, are held to the reference where tests/test_new_specs_open.py draws them
(:func:`samples_agree`, :func:`violations_agree`); their data files here.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import Report
from gaidsl.engines.database import python_module
from gaidsl.language import ir
from gaidsl.sampling.samples import Sample, Violation, invalid_reports, valid_samples
from gaidsl.targets.javascript import open_parts as javascript_target
from gaidsl.targets.python.open_parts import OpenRefused
from gaidsl.testing import samples, violable_checks, violating
from tests.support import ROOT, examples, run_cli
from tests.test_open_engines import SPECS as OPEN_SPECS
from tests.test_open_engines import text_beside_total
from tests.validator_support import NODE, build, f_text, node_executable, normalize

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

DATA = ROOT / "tests" / "data"
SHIPPED = {
    "department": ROOT / "specs" / "department_final_accounts_2024.gai",
    "foia": ROOT / "specs" / "foia_annual_report_2024.gai",
}
SPECS: dict[str, ir.Spec] = OPEN_SPECS | {name: gaidsl.load_spec(path) for name, path in SHIPPED.items()}
FILES = {  # under tests/data/
    "agency_components": [
        f"open/components_{n}" for n in ("0.json", "1.yaml", "40.json", "40_one_violation.json", "39_last_year.json")
    ],
    "function_subjects": [f"open/function_subjects_{n}" for n in ("valid.json", "small.yaml", "one_violation.json")],
    "department": [f"department_final_accounts/putuo_finance_2024{n}.yaml" for n in ("", "_one_violation")],
    "foia": [f"foia_annual_report/examples_fy{n}.json" for n in ("2023", "2024", "2024_one_violation")],
}

HARNESS = r"""
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const modules = new Map();
function normalize(mod, x) {
  if (x instanceof mod.Decimal) return { $d: x.toString() };
  if (Array.isArray(x)) return x.map((y) => normalize(mod, y));
  if (x !== null && typeof x === "object") {
    const out = {};
    for (const key of Object.keys(x)) {
      Object.defineProperty(out, key, { value: normalize(mod, x[key]), enumerable: true, writable: true });
    }
    return out;
  }
  return x;
}
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const request = JSON.parse(line);
  if (!modules.has(request.module)) modules.set(request.module, await import(pathToFileURL(request.module).href));
  const mod = modules.get(request.module);
  const answers = [];
  for (const [text, previous] of request.cases) {
    try {
      const data = mod.parseJSON(text);
      const last = previous === null ? null : mod.parseJSON(previous);
      answers.push({
        results: normalize(mod, mod.validate(data, last)),
        failing: normalize(mod, mod.validate(data, last, { only: ["fail"] })),
        missing: normalize(mod, mod.missing(data)),
      });
    } catch (error) {
      if (error instanceof mod.DataError) answers.push({ rejected: error.problems.map((p) => [p[0], p[1]]) });
      else answers.push({ crash: String((error && error.stack) || error) });
    }
  }
  process.stdout.write(JSON.stringify(answers) + "\n");
}
"""


class Harness:
    """One ``node`` process: a batch of (data text, last year's text) → per case the results, the failing results
    and missing(), or the problems of the DataError."""

    def __init__(self, folder: Path) -> None:
        assert NODE is not None
        script = folder / "open_harness.mjs"
        script.write_text(HARNESS, encoding="utf-8")
        self.process = subprocess.Popen(
            [NODE, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )

    def run(self, module: Path, cases: Sequence[tuple[str, str | None]]) -> list[dict[str, Any]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"module": str(module), "cases": cases}, ensure_ascii=True) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            assert self.process.stderr is not None
            raise RuntimeError("node harness died: " + self.process.stderr.read())
        found = json.loads(answer)
        assert isinstance(found, list)
        return found

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    process = Harness(tmp_path_factory.mktemp("node"))
    yield process
    process.close()


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("open_javascript")
    return {name: build("javascript", spec, folder / name) for name, spec in SPECS.items()}


def _reference(spec: ir.Spec, report: Report, previous: Report | None, *, drawn: bool) -> dict[str, Any] | None:
    """The reference's results and missing list (as the module writes them); None when gaidsl refuses a ``drawn``
    report as data (one may hold a code its code list lacks; a sample or data file never does)."""
    for r in (report, previous) if drawn else ():
        if r is None:
            continue
        try:
            gaidsl.load_report(spec, r.to_json(), "json")
        except gaidsl.ReportError:
            return None
    expected = evaluate(spec, report, previous).to_json_dict()
    results = normalize(expected["results"], f_text)
    failing = [r for r in results if r["status"] == "fail"]
    return {"results": results, "failing": failing, "missing": normalize(expected["missing"], f_text)}


def agree(
    node: Harness, spec: ir.Spec, module: Path, pairs: list[tuple[Report, Report | None]], *, drawn: bool = False
) -> list[dict[str, Any]]:
    """The module's answers equal the reference's for every (report, last year's) pair; the answers."""
    cases = [(r.to_json(), None if p is None else p.to_json()) for r, p in pairs]
    answers = node.run(module, cases)
    for (report, previous), answer in zip(pairs, answers, strict=True):
        assert "crash" not in answer, answer
        expected = _reference(spec, report, previous, drawn=drawn)
        if expected is None:
            assert "rejected" in answer
            continue
        assert answer == expected, report.to_json()[:500]
    return answers


def violations_agree(spec: ir.Spec, violations: list[Violation], folder: Path) -> None:
    """Every one-violation sample: the module gives the reference's records and fails exactly the check and positions
    the sample breaks (for tests that draw the samples anyway: tests/test_new_specs_open.py)."""
    node_executable()
    pairs: list[tuple[Report, Report | None]] = []
    for v in violations:
        assert v.sample is not None
        pairs.append((v.sample.report, v.sample.previous))
    process = Harness(folder)
    try:
        answers = agree(process, spec, build("javascript", spec, folder), pairs)
    finally:
        process.close()
    for violation, answer in zip(violations, answers, strict=True):
        assert violation.sample is not None
        failed = {(r["check"], r["position"]) for r in answer["failing"]}
        assert failed == {(violation.check, p) for p in violation.sample.positions}, violation.check


def _agree(
    node: Harness, modules: dict[str, Path], name: str, pairs: list[tuple[Report, Report | None]], drawn: bool = False
) -> list[dict[str, Any]]:
    return agree(node, SPECS[name], modules[name], pairs, drawn=drawn)


def test_the_specs_under_test() -> None:
    assert set(SPECS) == {"agency_components", "function_subjects", "two_axes", "department", "foia"}
    assert all(s.open_dimensions for s in SPECS.values())


def samples_agree(spec: ir.Spec, found: list[Sample], folder: Path) -> None:
    """Valid samples, with last year's report and without: the module gives the reference's records (for tests that
    draw the samples anyway: tests/test_new_specs_open.py)."""
    node_executable()
    counts = {len(m) for s in found for m in s.report.members.values()}
    assert min(counts) <= 1 and max(counts) >= 15  # 0 or 1 (at least 1), 40 (a code list short of it: every code)
    pairs = [(s.report, s.previous) for s in found] + [(s.report, None) for s in found]
    process = Harness(folder)
    try:
        answers = agree(process, spec, build("javascript", spec, folder), pairs)
    finally:
        process.close()
    assert all("results" in a and a["results"] for a in answers)


@pytest.mark.parametrize("name", sorted(OPEN_SPECS))
def test_valid_samples_with_0_1_and_40_members_agree(name: str, tmp_path: Path) -> None:
    """The shipped specs' (slow to draw) are checked where they are drawn: tests/test_new_specs_open.py."""
    samples_agree(SPECS[name], valid_samples(SPECS[name], 3, seed=2), tmp_path)


@pytest.mark.parametrize("name", sorted(set(SPECS) - {"department"}))
def test_every_one_violation_sample_agrees_and_fails_where_it_should(name: str, tmp_path: Path) -> None:
    """The department's (55 samples, slow to draw) are checked where they are drawn: tests/test_new_specs_open.py."""
    spec = SPECS[name]
    violations = [v for v in invalid_reports(spec, seed=1) if v.sample is not None]
    assert {v.check for v in violations} >= {c.key for c in spec.checks}
    violations_agree(spec, violations, tmp_path)


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_data_files_agree_with_any_last_year(node: Harness, modules: dict[str, Path], name: str) -> None:
    """Every file against every other as last year's: members new this year are unverifiable across periods."""
    reports = [gaidsl.load_report(SPECS[name], DATA / f) for f in FILES[name]]
    answers = _agree(node, modules, name, [(r, p) for r in reports for p in [None, *reports]])
    assert any(a["failing"] for a in answers) and any(not a["failing"] for a in answers)


def test_a_member_new_this_year_is_unverifiable_across_periods(node: Harness, modules: dict[str, Path]) -> None:
    spec = SPECS["agency_components"]
    report = gaidsl.load_report(spec, DATA / "open/components_40.json")
    last = gaidsl.load_report(spec, DATA / "open/components_39_last_year.json")
    (answer,) = _agree(node, modules, "agency_components", [(report, last)])
    had = {m.key for m in last.members["component"]}
    new = [m.key for m in report.members["component"] if m.key not in had]
    growth = {r["position"]: r for r in answer["results"] if r["check"] == "growth"}
    assert new and all(growth[key]["status"] == "unverifiable" for key in new)
    assert "not among last year's members" in growth[new[0]]["message"]["en"]


@settings(max_examples=examples(0.1), deadline=None)
@given(data=st.data())
def test_drawn_reports_and_violations_agree(node: Harness, modules: dict[str, Path], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(OPEN_SPECS)))
    spec = SPECS[name]
    sample = data.draw(samples(spec))
    broken = data.draw(violating(spec, data.draw(st.sampled_from(violable_checks(spec)))))
    _agree(node, modules, name, [(sample.report, sample.previous), (broken.report, broken.previous)], drawn=True)


def test_labels_of_any_text_are_data(node: Harness, modules: dict[str, Path]) -> None:
    """Member labels with quotes, backslashes, ``$&`` (a replacement pattern), ``</script>``, ``{{`` and a stand-in
    look-alike are written back as entered, in the records and their messages."""
    spec = SPECS["agency_components"]
    good = json.loads(gaidsl.load_report(spec, DATA / "open/components_1.yaml").to_json())
    hostile = ["'\"\\ $& $1 $$", "</script><b>{{x}}", "=SUM(A1)", "九十九九十、x", "一、\u3000标签"]
    members = [{"key": f"K{chr(65 + i)}", "label": label} for i, label in enumerate(hostile)]
    entered = {m["key"] for m in good["members"]["component"]}
    values = {k: x for k, x in good["values"].items() if k.split(".")[1] not in entered}
    for m in members:
        values[f"requests.{m['key']}.received"] = 3
    data = {**good, "members": {"component": members}, "values": values}
    report = gaidsl.load_report(spec, json.dumps(data), "json")
    (answer,) = _agree(node, modules, "agency_components", [(report, None)])
    text = json.dumps(answer, ensure_ascii=False)
    assert all(json.dumps(label, ensure_ascii=False)[1:-1] in text for label in hostile)


def test_the_module_refuses_bad_member_lists_with_the_codes_of_gaidsl(node: Harness, modules: dict[str, Path]) -> None:
    good = json.loads(gaidsl.load_report(SPECS["agency_components"], DATA / "open/components_1.yaml").to_json())
    cases: list[tuple[str, Any]] = [
        ("GAI741", {"component": [{"key": "CIV", "label": "a"}, {"key": "CIV", "label": "b"}]}),
        ("GAI740", {"component": [{"key": "civ", "label": "a"}]}),
        ("GAI745", {"component": [{"key": "overall", "label": "a"}]}),
        ("GAI743", {"nothing": []}),
        ("GAI744", {"component": [{"key": "CIV"}]}),
        ("GAI744", {"component": [{"key": "A B", "label": "a"}]}),
        ("GAI744", None),  # "members": null is not an object (leaving it out is no members)
    ]
    texts = [(json.dumps({**good, "members": m}), None) for _, m in cases]
    unlisted = {**good, "values": {**good["values"], "requests.TAX.received": 3}}
    texts.append((json.dumps(unlisted), None))
    answers = node.run(modules["agency_components"], texts)
    for code, answer in zip([c for c, _ in cases] + ["GAI742"], answers, strict=True):
        assert code in {p[0] for p in answer["rejected"]}, (code, answer)
    assert ["GAI742", "requests.TAX.received"] in answers[-1]["rejected"]
    subjects = json.loads(
        gaidsl.load_report(SPECS["function_subjects"], DATA / "open/function_subjects_valid.json").to_json()
    )
    kept = [m for m in subjects["members"]["subject"] if m["key"] != "20101"]  # 2010101 … without their 款
    coded = [("GAI752", [*kept, {"key": "299", "label": "x"}]), ("GAI751", kept)]
    texts = [(json.dumps({**subjects, "members": {"subject": m}, "values": {}}), None) for _, m in coded]
    for (code, _), answer in zip(coded, node.run(modules["function_subjects"], texts), strict=True):
        assert code in {p[0] for p in answer["rejected"]}, (code, answer)


def test_a_check_the_module_cannot_compute_is_refused_with_gai611() -> None:
    """A total over entered rows that also reads arithmetic between cells: refused, naming the check, in both
    languages (a text there is computed: tests/test_open_engines.py)."""
    spec = SPECS["agency_components"]
    total = spec.check("total.requests.overall")
    square = ir.Arith("*", (ir.FieldRef("year"), ir.FieldRef("year")))
    product = ir.Compare(">=", square, ir.Const(Decimal(0)))
    instances = tuple(attrs.evolve(i, expr=ir.And((i.expr, product))) for i in total.instances)
    checks = tuple(attrs.evolve(c, instances=instances) if c is total else c for c in spec.checks)
    with pytest.raises(OpenRefused) as raised:
        javascript_target.emit(attrs.evolve(spec, checks=checks))
    assert "GAI611" in raised.value.message.en and "'total.requests.overall'" in raised.value.message.en
    assert "arithmetic between cells" in raised.value.message.en and "open rows" in raised.value.message.en
    assert "GAI611" in raised.value.message.zh


def test_gaidsl_build_writes_the_module_and_node_runs_it(tmp_path: Path) -> None:
    built = run_cli("build", str(SHIPPED["foia"]), "-t", "javascript", "-o", str(tmp_path))
    assert built.code == 0, built.err
    (module,) = (tmp_path / "javascript").glob("*.mjs")
    data = (DATA / "foia_annual_report" / "examples_fy2024_one_violation.json").read_text(encoding="utf-8")
    script = (
        f"import * as m from {json.dumps(module.as_uri())};\n"
        f"const r = m.validate(m.parseJSON({json.dumps(data)}));\n"
        "console.log(m.verdict(r, m.missing(m.parseJSON(" + json.dumps(data) + "))));\n"
    )
    assert NODE is not None
    run = subprocess.run(
        [NODE, "--input-type=module", "-e", script], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "fail"


def _with_key_pattern(pattern: str) -> ir.Spec:
    source = (DATA / "open" / "agency_components.gai").read_text(encoding="utf-8")
    written = pattern.replace("\\", "\\\\")  # a backslash in a spec's string is written twice
    compiled = gaidsl.compile_text(source.replace("[A-Z]{2,10}", written), "agency_components.gai")
    assert compiled.spec is not None, compiled.diagnostics
    return compiled.spec


def test_a_key_pattern_is_read_as_gaidsl_reads_it(node: Harness, tmp_path: Path) -> None:
    """``\\d`` is any Unicode decimal digit in gaidsl (Python's ``re``): the module writes it ``\\p{Nd}``."""
    spec = _with_key_pattern(r"\d{3}")
    module = build("javascript", spec, tmp_path)
    good = json.loads(gaidsl.load_report(SPECS["agency_components"], DATA / "open/components_0.json").to_json())
    texts = []
    for key in ("123", "١٢٣", "１２３", "12a", "1234"):
        texts.append((json.dumps({**good, "members": {"component": [{"key": key, "label": "x"}]}}), None))
    answers = node.run(module, texts)
    for (text, _), answer in zip(texts, answers, strict=True):
        try:
            report = gaidsl.load_report(spec, text, "json")
        except gaidsl.ReportError:
            assert [p[0] for p in answer["rejected"]] == ["GAI740"], answer
            continue
        assert answer == _reference(spec, report, None, drawn=False)
    assert sum("rejected" in a for a in answers) == 2  # 12a and 1234


@pytest.mark.parametrize("pattern", [r"\w+", r"(?i)[a-z]+", r"[A-Z]\s?"])
def test_a_key_pattern_javascript_reads_otherwise_is_refused_with_gai613(pattern: str, tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.gai"
    source = (DATA / "open" / "agency_components.gai").read_text(encoding="utf-8")
    spec_file.write_text(source.replace("[A-Z]{2,10}", pattern.replace("\\", "\\\\")), encoding="utf-8")
    assert run_cli("check", str(spec_file)).code == 0
    run = run_cli("build", str(spec_file), "-t", "javascript", "-o", str(tmp_path / "out"))
    assert run.code == 2 and "Traceback" not in run.err
    assert "GAI613" in run.err and f"开放维度「component」的键模式 {pattern}：" in run.err  # the spec is in Chinese
    assert not (tmp_path / "out").exists()


HOSTILE = r"</script>'\" \\ ${x} {{y}} =SUM(A1) $& 一、"  # as the spec's labels hold it


def test_spec_labels_of_any_text_are_data(node: Harness, tmp_path: Path) -> None:
    """The dimension's, a column's, a table's and a check's labels with quotes, backslashes, ``</script>``, ``${``,
    ``{{`` and an ordinal: the module loads and says what the reference says (docs/open-dimensions.md: a text holding
    the stand-in's own characters is the one exception)."""
    written = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    source = (DATA / "open" / "agency_components.gai").read_text(encoding="utf-8")
    for label in ('"Component"', '"Received"', '"Staffing"', '"a component that processed requests has staff"'):
        source = source.replace(label, f'"{label[1:-1]} {written}"')
    compiled = gaidsl.compile_text(source, "hostile.gai")
    assert compiled.spec is not None, compiled.diagnostics
    spec = compiled.spec
    assert HOSTILE in (spec.tables["staff"].label or "")
    module = build("javascript", spec, tmp_path)
    pairs = [(s.report, s.previous) for s in valid_samples(spec, 2, seed=3)]
    answers = agree(node, spec, module, pairs)
    assert len(answers) == 2 and any(HOSTILE in r["message"]["en"] for a in answers for r in a["results"])


def test_a_member_new_this_year_is_said_in_the_spec_language(node: Harness, tmp_path: Path) -> None:
    """In a spec in English both slots of every finding are English (docs/languages.md): the generated validators
    said a member absent from last year's report in Chinese in the zh slot, where the reference says it in English."""
    text = (ROOT / "tests" / "data" / "open" / "agency_components.gai").read_text(encoding="utf-8")
    compiled = gaidsl.compile_text(text.replace("  field agency", "  language en\n  field agency", 1))
    assert compiled.spec is not None and compiled.ok, compiled.diagnostics
    spec = compiled.spec
    sample = gaidsl.sample(spec, seed=1)
    assert sample.previous is not None
    (member,) = sample.previous.members["component"]
    previous = attrs.evolve(  # last year the component had another key: this year's is new
        sample.previous,
        members={"component": (attrs.evolve(member, key="OLD"),)},
        values={k.replace(f".{member.key}.", ".OLD."): v for k, v in sample.previous.values.items()},
    )
    said = {
        (r.check, r.position, r.message.zh, r.message.en)
        for r in evaluate(spec, sample.report, previous).results
        if r.position == member.key and r.status == "unverifiable"
    }
    assert said and all(zh == en and "last year's members" in en for _, _, zh, en in said)
    agree(node, spec, build("javascript", spec, tmp_path / "js"), [(sample.report, previous)])
    module = python_module(spec)
    found = module.validate(json.loads(sample.report.to_json()), previous=json.loads(previous.to_json()))
    assert {
        (r["check"], r["position"], r["message"]["zh"], r["message"]["en"])
        for r in found
        if r["position"] == member.key and r["status"] == "unverifiable"
    } == said


def test_a_total_over_entered_rows_beside_a_text_agrees(node: Harness, tmp_path: Path) -> None:
    """As the Python module: a text in a check over a sum of entered rows (GAI611 before), record for record."""
    changed, pairs = text_beside_total()
    module = build("javascript", changed, tmp_path / "js")
    agree(node, changed, module, pairs)
