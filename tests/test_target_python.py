"""The Python target: a standalone module whose results are the reference evaluator's, record for record.

Differential property tests run the generated module and :func:`gaidsl.checking.evaluate.evaluate` on the same data file
texts (valid, perturbed and malformed reports of the shipped specs, and random specs with hostile labels) and
require identical results: statuses, values with their exponents, differences, tolerances and messages.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import Evaluation
from gaidsl.migrations.documents import compile_text
from gaidsl.targets.registry import available
from tests.golden_util import check_golden
from tests.spec_strategies import labels, spec_texts
from tests.support import ROOT, SPECS, examples, run_cli
from tests.validator_support import (
    REJECTED,
    build,
    csv_text,
    data_text,
    import_module,
    kitchen_spec,
    long_sum_spec,
    malformed,
    normalize,
    python_results,
    reference,
    report_pairs,
    sample_pairs,
    shipped_spec,
    texts_of,
    wide_csv,
)

SPEC_FILES = ("gov_info_disclosure_2021.gai", "gov_info_disclosure_2019.gai", "provincial_overlay_2019.gai")
FIXTURE = ROOT / "tests" / "data" / "jiujia_2023.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[gaidsl.Spec, Any, Path]]:
    folder = tmp_path_factory.mktemp("python_target")
    out = {}
    for name in SPEC_FILES:
        spec = shipped_spec(name)
        path = build("python", spec, folder / name.removesuffix(".gai"))
        out[name] = (spec, import_module(path), path)
    spec = kitchen_spec()
    path = build("python", spec, folder / "kitchen")
    out["kitchen"] = (spec, import_module(path), path)
    return out


def _agree(spec: gaidsl.Spec, module: Any, text: str, previous: str | None) -> Any:
    expected = reference(spec, text, previous)
    got = python_results(module, text, previous)
    assert normalize(got) == normalize(expected)
    return expected


# ---------------------------------------------------------------------------------------------------- basics


def test_build_writes_one_module(tmp_path: Path) -> None:
    result = run_cli("build", str(SPECS / "gov_info_disclosure_2021.gai"), "--target", "python", "-o", str(tmp_path))
    assert result.code == 0, result.err
    assert (tmp_path / "python" / "gov_info_disclosure_2021.py").is_file()


def test_fixture_report_matches_the_reference(built: dict[str, Any]) -> None:
    spec, module, _ = built["gov_info_disclosure_2021.gai"]
    text = FIXTURE.read_text(encoding="utf-8")
    results = _agree(spec, module, text, None)
    assert results != REJECTED and len(results) == sum(len(c.instances) for c in spec.checks)
    _agree(spec, module, text, text)


def test_every_check_is_a_function_with_its_spec_line(built: dict[str, Any]) -> None:
    spec, _, path = built["provincial_overlay_2019.gai"]
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"^# spec: (.+):(\d+)\n# check (.+)\ndef (_check_\d+_\w+)\(", text, re.MULTILINE)
    assert [key for _, _, key, _ in found] == [c.key for c in spec.checks]
    for (file, line, _, _), check in zip(found, spec.checks, strict=True):
        assert check.span is not None and (file, int(line)) == (check.span.file, check.span.line)
    assert "provincial_overlay_2019.gai" in {Path(f).name for f, _, _, _ in found}  # overlay checks point at it
    assert not re.search(r"(?<![.\w])(eval|exec|compile)\(", text)


def test_standard_library_only(built: dict[str, Any], tmp_path: Path) -> None:
    """Run with -I -S (no site-packages, so no gaidsl): the module imports and validates on its own."""
    _, _, path = built["gov_info_disclosure_2021.gai"]
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(path), str(FIXTURE), "--previous", str(FIXTURE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout, parse_float=Decimal)
    assert line["ok"] is True and line["summary"]["fail"] == 0 and line["summary"]["results"] == 54
    imports = set(re.findall(r"^(?:from|import) (\w+)", path.read_text(encoding="utf-8"), re.MULTILINE))
    standard = {"__future__", "datetime", "decimal", "functools", "json", "operator", "re", "sys", "argparse", "csv"}
    assert imports <= standard


def test_main_exit_codes(built: dict[str, Any], tmp_path: Path) -> None:
    _, _, path = built["gov_info_disclosure_2021.gai"]
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["values"]["requests.received.natural"] = 5  # breaks the balance of that column (an error)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"values": {"requests.received.natural": "12件"}}', encoding="utf-8")
    run = [sys.executable, str(path)]
    failing = subprocess.run([*run, str(broken)], capture_output=True, text=True)
    assert failing.returncode == 1
    record = json.loads(failing.stdout)
    assert record["summary"]["errors"] >= 1 and not record["ok"]
    unreadable = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert unreadable.returncode == 2 and "GAI704" in unreadable.stderr


def test_batch_entry_point(built: dict[str, Any]) -> None:
    _, module, _ = built["gov_info_disclosure_2021.gai"]
    data = module.loads(FIXTURE.read_text(encoding="utf-8"))
    broken = module.loads(FIXTURE.read_text(encoding="utf-8"))
    broken["values"]["requests.received.natural"] = 5
    one = module.validate(data)
    batch = list(module.validate_many([data, (broken, data), data], previous=data))
    assert len(batch) == 3
    assert normalize(batch[0]) == normalize(module.validate(data, data))
    assert normalize(batch[1]) == normalize(module.validate(broken, data))
    assert [r["status"] for r in one] != [r["status"] for r in batch[1]]
    only_failures = module.validate(broken, data, only={"fail"})
    assert only_failures and {r["status"] for r in only_failures} == {"fail"}
    assert normalize(only_failures) == normalize([r for r in batch[1] if r["status"] == "fail"])
    assert set(module.summarize(batch[1])) == set(Evaluation(()).summary())
    assert not module.ok(batch[1]) and module.ok(batch[0])
    bad = {"values": {"requests.received.natural": True}}
    with pytest.raises(module.DataError) as caught:
        list(module.validate_many([bad]))
    assert caught.value.problems[0][:2] == ("GAI712", "requests.received.natural")
    returned = list(module.validate_many([data, bad], errors="return"))
    assert isinstance(returned[1], module.DataError) and isinstance(returned[0], list)


def test_dumps_writes_exact_numbers(built: dict[str, Any]) -> None:
    _, module, _ = built["gov_info_disclosure_2021.gai"]
    data = module.loads('{"values": {"fees.administrative_fee.amount": 96171.60, "requests.received.natural": -0}}')
    assert data["values"]["fees.administrative_fee.amount"] == Decimal("96171.60")
    assert str(data["values"]["fees.administrative_fee.amount"]) == "96171.60"
    assert str(data["values"]["requests.received.natural"]) == "-0"
    assert module.dumps({"x": Decimal("96171.60"), "y": [Decimal("-0.005")]}, indent=None) == (
        '{"x": 96171.60, "y": [-0.005]}'
    )


def test_floats_and_strings_read_like_the_data_file(built: dict[str, Any]) -> None:
    spec, module, _ = built["gov_info_disclosure_2021.gai"]
    base = {"values": {"fees.administrative_fee.amount": 12.5, "requests.received.natural": "  7 "}}
    results = module.validate(base)
    text = data_text({"values": {"fees.administrative_fee.amount": Decimal("12.5"), "requests.received.natural": 7}})
    assert normalize(results) == normalize(reference(spec, text, None))


def _as_strings(data: dict[str, Any]) -> dict[str, Any]:
    """The data with every number written as text, as a CSV reader hands it over."""
    values = {k: (v if v is None or isinstance(v, str) else f"{v:f}" if isinstance(v, Decimal) else str(v))
              for k, v in data.get("values", {}).items()}  # fmt: skip
    return {**data, "values": values}


@settings(max_examples=examples(1.5))
@given(data=st.data(), name=st.sampled_from([*SPEC_FILES, "kitchen"]))
def test_numbers_written_as_text_read_alike(built: dict[str, Any], data: st.DataObject, name: str) -> None:
    """The bulk reader (all whole numbers as ints or as digit strings) and the value-by-value reader agree: the same
    reports with their numbers as text give the reference's results for the text."""
    spec, module, _ = built[name]
    report, previous = data.draw(report_pairs(spec), label="report, previous")
    as_text = _as_strings(json.loads(data_text(report), parse_float=Decimal))
    _agree(spec, module, data_text(as_text), None if previous is None else data_text(previous))


@pytest.mark.parametrize(
    "value",
    ["7", "007", "0", "999999999999999", "1000000000000000", "-0", "-3", "+3", " 7", "7 ", "1_000", "１２", "²",
     "7.0", "7.5", "1e3", "", "unknown", "nan", 7, 0, -3, 999999999999999, 10**15, True, 7.0, None],
)  # fmt: skip
def test_every_kind_of_count_value_reads_like_gaidsl(built: dict[str, Any], value: object) -> None:
    """One odd count among plain ones (the bulk reader's edge cases): accepted, refused or blank as gaidsl says."""
    spec, module, _ = built["gov_info_disclosure_2021.gai"]
    cells = [c.key for c in spec.cells.values() if c.type.kind == "count"]
    for plain in ("5", 5):
        values: dict[str, Any] = {key: plain for key in cells}
        values["requests.received.natural"] = value
        values["fees.administrative_fee.amount"] = "0.0"
        text = json.dumps({"values": values}, ensure_ascii=False)
        assert normalize(python_results(module, text, None)) == normalize(reference(spec, text, None)), (plain, value)


@pytest.mark.parametrize("top", [{"members": {}}, {"members": None}, {"records": {}}, {"records": None}])
def test_a_fixed_spec_has_no_members_or_records_key(built: dict[str, Any], top: dict[str, Any]) -> None:
    """Only a spec with open dimensions or lists of records reads "members" and "records"; for any other they are
    unknown keys (GAI703) to gaidsl as to the module (and its JSON Schema), not an empty list read as nothing."""
    spec, module, _ = built["gov_info_disclosure_2021.gai"]
    text = json.dumps(json.loads(FIXTURE.read_text(encoding="utf-8")) | top, ensure_ascii=False)
    loaded = parse_report(text, spec, "json")
    assert [(d.code, d.args["key"]) for d in loaded.diagnostics if d.severity == "error"] == [("GAI703", *top)]
    with pytest.raises(module.DataError) as refused:
        module.validate(module.loads(text))
    assert [p[:2] for p in refused.value.problems] == [("GAI703", *top)]


def _csv_results(module: Any, text: str) -> dict[str, Any]:
    found = dict(module.validate_csv(io.StringIO(text), errors="return"))
    return {k: REJECTED if isinstance(v, module.DataError) else v for k, v in found.items()}


def _as_written_in_csv(data: dict[str, Any] | None) -> str | None:
    """The data file a CSV line amounts to: every entry as text, blanks left out."""
    if data is None:
        return None
    parts = {part: {k: csv_text(v) for k, v in data.get(part, {}).items() if csv_text(v) != ""}
             for part in ("fields", "texts", "values")}  # fmt: skip
    return data_text(parts)


@given(data=st.data(), name=st.sampled_from([*SPEC_FILES, "kitchen"]))
def test_wide_csv_lines_validate_like_data_files(built: dict[str, Any], data: st.DataObject, name: str) -> None:
    """validate_csv (its bulk reader and the careful one) gives, line by line, the reference's results for the data
    file of the same entries; previous_id pairs a line with last year's report in the file."""
    spec, module, _ = built[name]
    drawn, drawn_previous = data.draw(report_pairs(spec), label="report, previous")
    report = json.loads(data_text(drawn), parse_float=Decimal)
    previous = json.loads(data_text(drawn_previous), parse_float=Decimal) if drawn_previous else drawn_previous
    lines = [("this", report, "last" if previous else "")] + ([("last", previous, "")] if previous else [])
    got = _csv_results(module, wide_csv(spec, lines))
    expected = {"this": reference(spec, _as_written_in_csv(report) or "", _as_written_in_csv(previous))}
    if previous:
        expected["last"] = reference(spec, _as_written_in_csv(previous) or "", None)
    assert normalize(got) == normalize(expected)


def test_wide_csv_problems_name_the_line(built: dict[str, Any], tmp_path: Path) -> None:
    spec, module, _ = built["gov_info_disclosure_2021.gai"]
    good = module.loads(FIXTURE.read_text(encoding="utf-8"))
    bad = json.loads(json.dumps(good, default=str))
    bad["values"]["requests.received.natural"] = "-1"
    text = wide_csv(spec, [("a", good, ""), ("b", bad, ""), ("c", good, "nobody")])
    path = tmp_path / "reports.csv"
    path.write_text(text, encoding="utf-8")
    results = dict(module.validate_csv(path, errors="return"))
    assert isinstance(results["a"], list) and normalize(results["a"]) == normalize(module.validate(good))
    assert isinstance(results["b"], module.DataError)
    assert results["b"].problems[0][0] == "GAI705"
    assert isinstance(results["c"], module.DataError) and "nobody" in str(results["c"])
    with pytest.raises(module.DataError) as caught:
        list(module.validate_csv(path))
    assert caught.value.problems[0][1] == "line 3: requests.received.natural"
    (tmp_path / "odd.csv").write_text("report_id,no_such_cell\nx,1\n", encoding="utf-8")
    with pytest.raises(module.DataError) as header:
        list(module.validate_csv(tmp_path / "odd.csv"))
    assert header.value.problems[0][:2] == ("GAI703", "no_such_cell")
    (tmp_path / "short.csv").write_text(text.splitlines()[0] + "\nx,\n", encoding="utf-8")
    [(_, short)] = module.validate_csv(tmp_path / "short.csv", errors="return")
    assert isinstance(short, module.DataError) and short.problems[0][0] == "GAI701"
    done = subprocess.run([sys.executable, str(built["gov_info_disclosure_2021.gai"][2]), str(path)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2 and "report b" in done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(p["report_id"], p["ok"]) for p in printed] == [("a", module.ok(results["a"]))]


# ---------------------------------------------------------------------------------------------------- differential


def _differential(name: str) -> Any:
    @settings(max_examples=examples(2))
    @given(data=st.data())
    def run(built: dict[str, Any], data: st.DataObject) -> None:
        spec, module, _ = built[name]
        _agree(spec, module, *texts_of(data.draw(report_pairs(spec), label="report, previous")))

    return run


test_differential_2021 = _differential("gov_info_disclosure_2021.gai")
test_differential_2019 = _differential("gov_info_disclosure_2019.gai")
test_differential_overlay = _differential("provincial_overlay_2019.gai")
test_differential_every_expression = _differential("kitchen")


@settings(max_examples=examples(0.6))  # drawing a sample is most of the time (0.2 s each)
@given(data=st.data(), name=st.sampled_from(SPEC_FILES))
def test_samples_valid_violating_and_perturbed(built: dict[str, Any], data: st.DataObject, name: str) -> None:
    """gaidsl.sampling.strategies's samples (valid, breaking exactly one check, perturbed) give the reference's
    results."""
    spec, module, _ = built[name]
    _agree(spec, module, *texts_of(data.draw(sample_pairs(spec), label="sample")))


@settings(max_examples=examples(2))
@given(data=st.data(), name=st.sampled_from([*SPEC_FILES, "kitchen"]))
def test_malformed_reports_are_refused_alike(built: dict[str, Any], data: st.DataObject, name: str) -> None:
    spec, module, _ = built[name]
    _, report = data.draw(malformed(spec), label="malformed")
    _agree(spec, module, data_text(report), None)


def test_every_status_and_message_case_occurs(built: dict[str, Any]) -> None:
    """The differential tests are only as good as their data: make sure it reaches every status of every check."""
    seen: dict[str, set[str]] = {}

    spec, module, _ = built["gov_info_disclosure_2019.gai"]

    @settings(max_examples=150, database=None, derandomize=True)  # a fixed, reproducible data set in every profile
    @given(data=st.data())
    def collect(data: st.DataObject) -> None:
        text, previous = texts_of(data.draw(report_pairs(spec)))
        try:
            results = module.validate(module.loads(text), previous and module.loads(previous))
        except module.DataError:
            return
        for result in results:
            seen.setdefault(result["check"], set()).add(result["status"])

    collect()
    for check in spec.checks:
        assert seen.get(check.key, set()) >= {"pass", "fail", "unverifiable"}, (check.key, seen.get(check.key))


# ---------------------------------------------------------------------------------------------------- any labels


@settings(max_examples=examples(0.6))
@given(data=st.data(), text=spec_texts())
def test_random_specs_with_any_labels(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, text: str) -> None:
    compilation = compile_text(text, "random.gai")
    assert compilation.ok and compilation.spec is not None, text
    spec = compilation.spec
    path = build("python", spec, tmp_path_factory.mktemp("random_spec"))
    compile(path.read_text(encoding="utf-8"), str(path), "exec")
    module = import_module(path)
    for _ in range(3):
        _agree(spec, module, *texts_of(data.draw(report_pairs(spec, labels()), label="report, previous")))


def test_long_sums(tmp_path: Path) -> None:
    """1500 terms: chunked into statements (a 1500-deep ``+`` chain is a RecursionError in the compiler)."""
    spec, texts = long_sum_spec()
    module = import_module(build("python", spec, tmp_path))
    statuses = [_agree(spec, module, text, None)[0]["status"] for text in texts]
    assert statuses == ["pass", "fail"]


NASTY = [
    '"',
    "'",
    '\\"',
    "\\",
    "\n",
    "\r\n",
    "*/",
    "/*",
    "</script><script>alert(1)</script>",
    "{{ x }}",
    "{% raw %}",
    "'; DROP TABLE reports; --",
    "\u2028\u2029",
    "\x00",
    "😀𠀀",
    "${x}",
    "%s",
    '"""',
    "'''",
]


def test_hostile_labels_and_keys(tmp_path: Path) -> None:
    label = "".join(NASTY)
    quoted = label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = f'''format 甲_{"x"} version 2021 "{quoted}" {{
  unit 万元 "{quoted}"
  field 年 "{quoted}" : integer required
  check 检查 warning "{quoted}": 年 >= 2000
    message en "{quoted}"
  section 部分 "{quoted}" {{
    table 表 "{quoted}" : amount in 万元 decimals 2 {{
      note "{quoted}"
      columns {{ 甲 "{quoted}一" 乙 "{quoted}二" total 合计 "{quoted}三" }}
      rows {{ 收 "{quoted}a" 结转 "{quoted}b" }}
      check 平衡 for each column "{quoted}": 收 == 结转
        message zh "{quoted}"
    }}
    text 说明 "{quoted}" required
    check 提及 warning "{quoted}": mentions(说明, "{quoted}")
  }}
}}
'''
    compilation = compile_text(text, "nasty.gai")
    assert compilation.ok and compilation.spec is not None, gaidsl.render_text(compilation.diagnostics, {})
    spec = compilation.spec
    path = build("python", spec, tmp_path)
    module = import_module(path)
    value = {
        "values": {"表.收.甲": Decimal("1.50"), "表.结转.甲": 1.5, "表.收.乙": 3, "表.结转.乙": 1},
        "fields": {"年": 2024},
        "texts": {"说明": "…" + label + "…"},
    }
    _agree(spec, module, data_text(value), None)
    results = module.validate(module.loads(data_text(value)))
    assert {r["status"] for r in results} == {"pass", "fail", "unverifiable"}
    assert any(label in r["rule"]["zh"] for r in results)


# ---------------------------------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", SPEC_FILES)
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated module of each shipped spec, as reviewed (GAIDSL_UPDATE_GOLDEN=1 refreshes it)."""
    monkeypatch.chdir(ROOT)  # spans (the "spec: file:line" comments) read specs/NAME.gai on every machine
    spec = gaidsl.load_spec(Path("specs") / name)
    files = available()["python"].emit(spec)
    for file_name, text in files.items():
        assert isinstance(text, str)
        check_golden(f"validators/python/{file_name}", text)
