"""``gaidsl validate``: the seed report, one changed cell, previous reports, JSON, and exit 2 for bad input."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gaidsl import load_spec
from tests.support import SPEC_2021, postgres_url, present_number, run_cli

DATA = Path(__file__).parent / "data"
SEED = DATA / "jiujia_2023.json"
SPEC = str(SPEC_2021)


def changed(tmp_path: Path, values: Mapping[str, object], name: str = "changed.json") -> Path:
    document = json.loads(SEED.read_text(encoding="utf-8"))
    document["values"].update(values)
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_seed_report_validates() -> None:
    run = run_cli("validate", SPEC, str(SEED))
    assert run.code == 0, run.out + run.err
    assert "通过" in run.out and "0 项错误" in run.out and "9 项无法校验" in run.out
    assert run.err == ""


def test_one_changed_cell_text(tmp_path: Path) -> None:
    run = run_cli("validate", SPEC, str(changed(tmp_path, {"requests.received.natural": 1})))
    assert run.code == 1
    assert (
        "三、收到和处理政府信息公开申请情况 · 列「自然人」: 一 + 二 = 1 + 0 = 1, 但 （七）总计 + 四 = 0 + 0 = 0 (差 1)"
        in run.out
    )
    assert "行「一、本年新收政府信息公开申请数量」: 总计 = 0, 但 自然人 + 商业企业" in run.out
    assert "错误[balance]" in run.out and "错误[total.requests.total]" in run.out
    assert "2 项错误" in run.out and "未通过" in run.out
    assert "Traceback" not in run.out + run.err


def test_one_changed_cell_json(tmp_path: Path) -> None:
    run = run_cli("validate", SPEC, str(changed(tmp_path, {"requests.received.natural": 1})), "--format", "json")
    assert run.code == 1
    document = json.loads(run.out, parse_float=Decimal)
    failed = {(r["check"], r["position"]) for r in document["results"] if r["status"] == "fail"}
    assert failed == {("balance", "natural"), ("total.requests.total", "received")}
    for result in document["results"]:
        assert {"check", "severity", "status", "position", "cells", "values", "message"} <= set(result)
        assert set(result["message"]) == {"zh", "en"}
    balance = next(r for r in document["results"] if r["check"] == "balance" and r["position"] == "natural")
    assert balance["values"]["requests.received.natural"] == 1
    assert balance["difference"] == 1 and balance["left"] == 1 and balance["right"] == 0
    assert "column '自然人'" in balance["message"]["en"]
    assert document["summary"]["errors"] == 2 and document["summary"]["fail"] == 2
    assert document["ok"] is False


def test_english_and_both(tmp_path: Path) -> None:
    path = str(changed(tmp_path, {"requests.received.natural": 1}))
    english = run_cli("validate", SPEC, path, "--lang", "en")
    assert "error[balance]" in english.out and "but （七）总计 + 四 = 0 + 0 = 0 (difference 1)" in english.out
    assert "FAILED: 2 errors" in english.out
    both = run_cli("validate", SPEC, path, "--lang", "both")
    assert "(差 1)" in both.out and "(difference 1)" in both.out


def test_previous_report_checks_carry_over(tmp_path: Path) -> None:
    last_year = changed(tmp_path, {"requests.carried_out.natural": 2, "requests.carried_out.total": 2}, "last.json")
    run = run_cli("validate", SPEC, str(SEED), "--previous", str(last_year), "--format", "json")
    document = json.loads(run.out)
    assert run.code == 0  # carry_over is a warning
    failed = {(r["check"], r["position"], r["severity"]) for r in document["results"] if r["status"] == "fail"}
    assert failed == {("carry_over", "natural", "warning"), ("carry_over", "total", "warning")}
    assert document["summary"]["unverifiable"] == 0 and document["summary"]["warnings"] == 2
    text = run_cli("validate", SPEC, str(SEED), "--previous", str(last_year))
    assert "警告[carry_over]" in text.out and "二 = 0, 但 上年四 = 2 (差 2)" in text.out


def test_blank_cells_are_unverifiable(tmp_path: Path) -> None:
    run = run_cli("validate", SPEC, str(changed(tmp_path, {"requests.carried_out.natural": None})), "--format", "json")
    assert run.code == 0
    document = json.loads(run.out)
    balance = next(r for r in document["results"] if r["check"] == "balance" and r["position"] == "natural")
    assert balance["status"] == "unverifiable" and balance["blank"] == ["requests.carried_out.natural"]
    assert "「四」为空" in balance["message"]["zh"]


def test_several_files(tmp_path: Path) -> None:
    bad = changed(tmp_path, {"requests.received.natural": 1})
    run = run_cli("validate", SPEC, str(SEED), str(bad), "--format", "json")
    assert run.code == 1
    document = json.loads(run.out)
    assert [r["file"] for r in document["reports"]] == [str(SEED), str(bad)]
    assert [r["ok"] for r in document["reports"]] == [True, False]
    assert document["summary"]["files"] == 2
    text = run_cli("validate", SPEC, str(SEED), str(bad))
    assert f"== {bad} ==" in text.out


BAD_INPUTS = {
    "syntax": ('{"values": {"requests.received.natural": 1,}}', "GAI701", "x.json:1:44"),
    "unknown key": ('{"values": {"requests.received.natral": 1}}', "GAI703", "requests.received.natural"),
    "text in a count": (
        '{"values": {"requests.received.natural": "十二"}}',
        "GAI704",
        "一、本年新收政府信息公开申请数量 · 自然人",
    ),
    "negative": (
        '{"values": {"requests.received.natural": -3}}',
        "GAI705",
        "一、本年新收政府信息公开申请数量 · 自然人",
    ),
    "fraction": (
        '{"values": {"requests.received.natural": 0.5}}',
        "GAI706",
        "一、本年新收政府信息公开申请数量 · 自然人",
    ),
    "decimals": ('{"values": {"fees.administrative_fee.amount": 1.00001}}', "GAI707", "行政事业性收费"),
    "negative amount": ('{"values": {"fees.administrative_fee.amount": -1}}', "GAI705", "行政事业性收费"),
    "nan": ('{"values": {"requests.received.natural": NaN}}', "GAI708", "自然人"),
    "huge": ('{"values": {"requests.received.natural": 1000000000000000}}', "GAI709", "10^15"),
    "exponent": ('{"values": {"requests.received.natural": 1e1000000}}', "GAI704", "1e3"),
    "format": ('{"format": "other"}', "GAI710", "gov_info_disclosure"),
    "version": ('{"version": "2019"}', "GAI711", "2019"),
    "bool": ('{"values": {"requests.received.natural": false}}', "GAI712", "自然人"),
    "year": ('{"fields": {"year": 2023.5}}', "GAI706", "年度"),
    "date": ('{"fields": {"published": "2024年1月31日"}}', "GAI713", "公布日期"),
    "duplicate": ('{"fields": {"year": 2023, "year": 2024}}', "GAI715", "year"),
    "shape": ("[]", "GAI716", "x.json:1:1"),
}


STRUCTURE = {"syntax", "unknown key", "format", "version", "duplicate", "shape"}
"""The BAD_INPUTS that are problems of the file; the others are values the reader refuses (issue 19: results)."""


@pytest.mark.parametrize("case", sorted(set(BAD_INPUTS) - STRUCTURE))
def test_bad_value_is_a_type_result_with_a_clear_message(tmp_path: Path, case: str) -> None:
    """A value the reader refuses is a failing type result at its cell (exit 1), the report's other checks run."""
    text, code, expected = BAD_INPUTS[case]
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 1, run.out + run.err
    shown = expected if case != "exponent" else "1e1000000"  # the help (write 1e3 out) is the diagnostic's
    assert f"[{code}]" in run.out and shown in run.out and "Traceback" not in run.err
    assert f"[{code}]" not in run.err  # said once, as a result
    as_json = run_cli("validate", SPEC, str(path), "--format", "json")
    assert as_json.code == 1
    document = json.loads(as_json.out)
    assert [r["code"] for r in document["results"] if r.get("kind") == "cell"] == [code]
    assert document["reports"][0]["verdict"] == "fail"
    assert any(r.get("kind") != "cell" for r in document["results"])


@pytest.mark.parametrize("case", sorted(STRUCTURE))
def test_bad_input_is_exit_2_with_a_clear_message(tmp_path: Path, case: str) -> None:
    text, code, expected = BAD_INPUTS[case]
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 2, run.out + run.err
    assert run.out == ""  # nothing written but the diagnostics
    assert f"[{code}]" in run.err and expected in run.err.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in run.err
    as_json = run_cli("validate", SPEC, str(path), "--format", "json")
    assert as_json.code == 2
    assert code in {d["code"] for d in json.loads(as_json.out)["diagnostics"]}


def test_one_bad_value_among_good_files_is_a_result(tmp_path: Path) -> None:
    """Issue 19: a value the reader refuses in one file is a type result of that report; the others are validated."""
    bad = tmp_path / "bad.csv"
    bad.write_text("requests.received.natural,abc\n", encoding="utf-8")
    run = run_cli("validate", SPEC, str(SEED), str(bad), "--lang", "en")
    assert run.code == 1 and 'error[GAI704]: "abc"' in run.out and "GAI704" not in run.err
    assert f"{SEED}: passed" in run.out or f"{SEED}: INCOMPLETE" in run.out, run.out
    broken = tmp_path / "broken.csv"
    broken.write_text("requests.received.natural,1,2\n", encoding="utf-8")
    run = run_cli("validate", SPEC, str(SEED), str(broken))
    assert run.code == 2 and run.out == "" and "GAI718" in run.err and f"{broken}:1:1" in run.err


def test_unreadable_data_and_spec(tmp_path: Path) -> None:
    missing = run_cli("validate", SPEC, str(tmp_path / "none.json"))
    assert missing.code == 2 and "GAI090" in missing.err
    bad_previous = run_cli("validate", SPEC, str(SEED), "--previous", str(tmp_path / "none.yaml"))
    assert bad_previous.code == 2 and "GAI090" in bad_previous.err
    spec = tmp_path / "bad.gai"
    spec.write_text("format x version 1 {", encoding="utf-8")
    broken = run_cli("validate", str(spec), str(SEED))
    assert broken.code == 2 and broken.out == "" and "Traceback" not in broken.err
    assert run_cli("validate", str(tmp_path / "nope.gai"), str(SEED)).code == 2


def test_warnings_of_the_data_file_go_to_stderr(tmp_path: Path) -> None:
    path = tmp_path / "partial.yaml"
    path.write_text("values:\n  requests.received.natural: 0\n", "utf-8")
    run = run_cli("validate", SPEC, str(path))
    assert "GAI717" in run.err and "格式标识" in run.err  # no format id given: a warning of the reader
    assert run.code == 1 and "GAI714" in run.out and "报告主体" in run.out  # required fields missing: errors


def test_examples_in_the_data_format_doc_validate(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(json|yaml|csv)\n(.*?)```", doc, re.S)
    examples = [(kind, text) for kind, text in blocks if '"format": "gov_info_disclosure"' in text or kind != "json"]
    wide = [text for _, text in examples if text.startswith("report_id,")]
    examples = [(kind, text) for kind, text in examples if not text.startswith("report_id,")]
    assert [kind for kind, _ in examples] == ["json", "yaml", "csv"] and len(wide) == 1
    (tmp_path / "wide.csv").write_text(wide[0], encoding="utf-8")
    # The examples are abridged: they read, no check fails, and what they leave out is named (required items).
    run = run_cli("validate", SPEC, str(tmp_path / "wide.csv"), "--format", "json")
    document = json.loads(run.out)
    assert document["summary"]["reports"] == 2 and document["summary"]["errors"] == 0, run.out + run.err
    assert run.code == 1 and {m["code"] for m in document["missing"]} <= {"GAI714", "GAI720", "GAI726", "GAI727"}
    for index, (kind, text) in enumerate(examples):
        path = tmp_path / f"example{index}.{kind}"
        path.write_text(text, encoding="utf-8")
        run = run_cli("validate", SPEC, str(path), "--format", "json")
        document = json.loads(run.out)
        assert document["summary"]["fail"] == 0 and document["summary"]["pass"] > 0, run.out + run.err
        [report] = document["reports"]
        assert report["missing"] and {m["code"] for m in report["missing"]} <= {"GAI714", "GAI720", "GAI726", "GAI727"}
        assert run.code == 1 and report["verdict"] == "fail"


def test_failures_grouped_once_per_section_in_document_order(tmp_path: Path) -> None:
    path = changed(tmp_path, {"requests.received.natural": 1, "appeals.review_upheld": 2})
    document = json.loads(path.read_text(encoding="utf-8"))
    document["fields"]["year"] = 2019
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 1
    lines = run.out.splitlines()
    headers = [line for line in lines if line and not line.startswith(" ") and ":" not in line and "：" not in line]
    assert headers == ["报告", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    assert "警告[format_in_force]: 报告: 年度 = 2019, 但应 ≥ 2021 (差 2)" in run.out
    assert "总计 = 0, 但 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 2 + 0 + 0 + 0 = 2 (差 2)" in run.out


# ---------------------------------------------------------------------------------------------------- wide CSV

WIDE_ENGINES = ["reference", "python", "duckdb", "sqlite", "postgres"]


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str, str | None]]]:
    """A wide CSV of valid reports and reports breaking one check each, every report with last year's report on a
    line of its own (previous_id), and the failures the reference evaluator finds in it."""
    from gaidsl import load_spec
    from gaidsl.checking import wide_csv
    from gaidsl.checking.evaluate import evaluate
    from gaidsl.sampling.samples import invalid_reports, valid_samples

    spec = load_spec(SPEC_2021)
    samples = valid_samples(spec, 4, seed=3, with_previous=True)
    broken = invalid_reports(spec, seed=1, checks=["balance", "problems_reported", "total.requests.total"])
    samples += [v.sample for v in broken if v.sample is not None]
    lines: list[tuple[str, object, str | None]] = []
    expected: set[tuple[str, str, str | None]] = set()
    for i, sample in enumerate(samples):
        linked = f"p{i}" if sample.previous is not None else None
        if sample.previous is not None:
            lines.append((f"p{i}", sample.previous, None))
            expected |= {
                (f"p{i}", r.check, r.position) for r in evaluate(spec, sample.previous, explain_passes=False).failures
            }
        lines.append((f"r{i}", sample.report, linked))
        expected |= {
            (f"r{i}", r.check, r.position)
            for r in evaluate(spec, sample.report, sample.previous, explain_passes=False).failures
        }
    path = tmp_path_factory.mktemp("wide") / "reports.csv"
    wide_csv.write_wide_csv(spec, lines, path)  # type: ignore[arg-type]
    return path, expected


def _engine_args(engine: str) -> list[str]:
    if engine != "postgres":
        return ["--engine", engine]
    return ["--engine", "postgres", postgres_url()]


@pytest.mark.parametrize("engine", WIDE_ENGINES)
def test_wide_csv_every_engine_finds_the_evaluators_failures(
    engine: str, wide: tuple[Path, set[tuple[str, str, str | None]]], tmp_path: Path
) -> None:
    path, expected = wide
    out = tmp_path / "results.jsonl"
    run = run_cli("validate", SPEC, str(path), *_engine_args(engine), "-o", str(out), "--lang", "en")
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    records = [json.loads(line, parse_float=Decimal) for line in out.read_text(encoding="utf-8").splitlines()]
    found = {(r["report_id"], r["check"], r["position"]) for r in records if r["status"] == "fail"}
    assert expected and found == expected
    lines = run.out.splitlines()
    assert lines[0] == f"{path}: wide CSV, {len(path.read_text().splitlines()) - 1} reports (engine {engine})"
    assert "balance" in run.out and "the first 3 failing reports:" in run.out
    if engine in ("reference", "python"):  # every result, not only the failures
        reports = len(path.read_text().splitlines()) - 1
        assert len({r["report_id"] for r in records}) == reports
        assert len(records) == reports * sum(len(c.instances) for c in load_spec(SPEC_2021).checks)
    else:
        assert all(r["status"] == "fail" for r in records)
        assert f"failures only: --engine {engine} does not count" in run.out


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_wide_csv_detail_is_the_evaluators(engine: str, wide: tuple[Path, set[tuple[str, str, str | None]]]) -> None:
    """The first failing reports are shown in detail as the reference engine shows them: each with last year's
    report found on its own line of the file (the file is read only as far as needed for that)."""
    path, _ = wide
    shown = []
    for name in ("reference", engine):
        run = run_cli("validate", SPEC, str(path), "--engine", name, "--lang", "en")
        assert run.code == 1, run.out + run.err
        shown.append(run.out.split("the first 3 failing reports:", 1)[1])
    assert shown[0] == shown[1] and shown[0].count("\n== ") == 3, shown


@pytest.mark.parametrize("engine", WIDE_ENGINES)
def test_wide_csv_bad_last_year_line_is_said_once(
    engine: str, wide: tuple[Path, set[tuple[str, str, str | None]]], tmp_path: Path
) -> None:
    """A bad value on last year's line is a type result of that line's report (issue 19: a result, not an abort);
    the report naming it as its previous one is not given the same result under its own id (its checks across
    periods reading the value are unverifiable)."""
    import csv

    path, _ = wide
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index("previous_id")
    named = next(i for i, row in enumerate(rows) if i and any(other[at] == row[0] for other in rows[1:]))
    user = next(i for i, row in enumerate(rows) if i and row[at] == rows[named][0])
    rows[named][rows[0].index("requests.received.natural")] = "0.5"
    bad = tmp_path / "bad.csv"
    with open(bad, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    run = run_cli("validate", SPEC, str(bad), *_engine_args(engine), "--format", "json")
    assert run.code == 1 and "Traceback" not in run.err, run.out + run.err
    cells = [r for r in json.loads(run.out)["results"] if r.get("kind") == "cell"]
    assert [(r["report_id"], r["key"], r["code"], r["value"]) for r in cells] == [
        (rows[named][0], "requests.received.natural", "GAI706", "0.5")
    ]
    assert rows[user][0] != rows[named][0]


@pytest.mark.parametrize("engine", WIDE_ENGINES)
def test_wide_csv_bad_value_is_a_result_naming_the_report_and_key(
    engine: str, wide: tuple[Path, set[tuple[str, str, str | None]]], tmp_path: Path
) -> None:
    import csv

    path, _ = wide
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("requests.received.natural")] = "0.5"
    bad = tmp_path / "bad.csv"
    with open(bad, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "results.csv"
    run = run_cli("validate", SPEC, str(bad), *_engine_args(engine), "-o", str(out), "--lang", "en")
    assert run.code == 1, run.out + run.err  # issue 19: a type result at the cell, not exit 2
    assert "Traceback" not in run.err and "[GAI706] requests.received.natural: 1" in run.out, run.out
    with open(out, newline="", encoding="utf-8") as handle:
        cells = [r for r in csv.DictReader(handle) if r["check"] == "GAI706"]
    assert [(r["report_id"], r["position"], r["status"]) for r in cells] == [
        (rows[3][0], "requests.received.natural", "fail")
    ]


@pytest.mark.parametrize("engine", WIDE_ENGINES)
def test_wide_csv_short_line_is_exit_2_with_gaidsls_message(
    engine: str, wide: tuple[Path, set[tuple[str, str, str | None]]], tmp_path: Path
) -> None:
    """A line with too few columns: the engine's own CSV error is said as gaidsl's reader says it (GAI701)."""
    path, _ = wide
    bad = tmp_path / "short.csv"
    bad.write_text(path.read_text(encoding="utf-8") + "r_short,,\n", encoding="utf-8")
    lines = len(bad.read_text(encoding="utf-8").splitlines())
    run = run_cli("validate", SPEC, str(bad), *_engine_args(engine))
    assert run.code == 2, run.out + run.err
    assert "Traceback" not in run.err and "Exception" not in run.err, run.err
    assert "GAI701" in run.err and f"line {lines}, report r_short" in run.err, run.err


def test_wide_csv_output_files_and_json(wide: tuple[Path, set[tuple[str, str, str | None]]], tmp_path: Path) -> None:
    import csv

    path, expected = wide
    out = tmp_path / "failures.csv"
    run = run_cli("validate", SPEC, str(path), "--engine", "duckdb", "-o", str(out), "--format", "json")
    assert run.code == 1, run.err
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["report_id"], r["check"], r["position"] or None) for r in rows} == expected
    assert all(r["status"] == "fail" and r["severity"] in ("error", "warning") for r in rows)
    document = json.loads(run.out, parse_float=Decimal)
    assert document["ok"] is False and document["engine"] == "duckdb"
    assert {(r["report_id"], r["check"], r["position"]) for r in document["results"]} == expected
    assert document["summary"]["fail"] == len(expected) and document["summary"]["pass"] is None
    assert {c["check"] for c in document["checks"]} == {c for _, c, _ in expected}
    again = run_cli("validate", SPEC, str(path), "--engine", "duckdb", "-o", str(out))
    assert again.code == 2 and "--force" in again.err
    reference = run_cli("validate", SPEC, str(path), "-o", str(out), "--force", "--format", "json")
    assert reference.code == 1
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["status"] for r in rows} >= {"pass", "fail"}
    assert all(bool(r["message_en"]) == (r["status"] == "fail") for r in rows)  # words for failures (issue 14)
    summary = json.loads(reference.out)["summary"]
    assert summary["pass"] + summary["fail"] + summary["unverifiable"] == len(rows)


def test_wide_csv_usage(wide: tuple[Path, set[tuple[str, str, str | None]]]) -> None:
    path, _ = wide
    run = run_cli("validate", SPEC, str(path), str(SEED))
    assert run.code == 2 and "alone" in run.err


# ------------------------------------------------------------------------------------ last year in an older version

SPEC_2019 = str(SPEC_2021.parent / "gov_info_disclosure_2019.gai")
MIGRATION = str(SPEC_2021.parent / "gov_info_disclosure_2019_to_2021.gai")


@pytest.fixture(scope="module")
def report_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """A 2021-format report whose carried-in applications are last year's carried-out ones as the migration converts
    them, and last year's report written in the 2019 format; with the converted last year's report."""
    from gaidsl.checking.data import load_report
    from gaidsl.migrations.apply import apply
    from gaidsl.migrations.documents import compile_file
    from gaidsl.sampling.samples import valid_reports

    folder = tmp_path_factory.mktemp("pair")
    migration = compile_file(MIGRATION).migration
    assert migration is not None
    old = valid_reports(load_spec(SPEC_2019), 1, seed=5)[0]
    converted = apply(migration, old).report
    previous = folder / "2020.json"
    previous.write_text(old.to_json(), encoding="utf-8")
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for key, value in converted.values.items():
        if key.startswith("requests.carried_out."):
            document["values"][key.replace("carried_out", "carried_in")] = int(present_number(value))
    this_year = folder / "2021.json"
    this_year.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    load_report(this_year, load_spec(SPEC))  # the file reads
    return this_year, previous, converted


def test_last_year_in_the_old_format_is_refused_with_a_hint(report_pair: tuple[Path, Path, Any]) -> None:
    """Without --previous-migration a 2019-format last year's report is GAI711 alone (not one GAI703 per renamed
    key), with a hint naming the migration beside the spec."""
    this_year, previous, _ = report_pair
    run = run_cli("validate", SPEC, str(this_year), "--previous", str(previous), "--lang", "en")
    assert run.code == 2 and run.out == "", run.out + run.err
    assert "GAI711" in run.err and "GAI703" not in run.err and "Traceback" not in run.err
    assert "--previous-migration" in run.err and "gov_info_disclosure_2019_to_2021.gai" in run.err


def test_last_year_in_the_old_format_is_converted_by_the_migration(report_pair: tuple[Path, Path, Any]) -> None:
    """With --previous-migration last year's 2019-format report is converted to 2021 first: the results are the
    evaluator's with the converted report as last year's, carry_over passes on every column, and the output says
    what was converted."""
    from gaidsl.checking.data import load_report
    from gaidsl.checking.evaluate import evaluate

    this_year, previous, converted = report_pair
    args = ("validate", SPEC, str(this_year), "--previous", str(previous), "--previous-migration", MIGRATION)
    run = run_cli(*args, "--format", "json")
    assert run.code in (0, 1), run.out + run.err
    document = json.loads(run.out, parse_float=Decimal)
    spec = load_spec(SPEC)
    expected = evaluate(spec, load_report(this_year, spec), converted)
    found = {(r["check"], r["position"]): r["status"] for r in document["results"]}
    assert found == expected.statuses()
    assert {s for (c, _), s in found.items() if c == "carry_over"} == {"pass"}
    assert document["previous_migration"]["from"] == {"format": "gov_info_disclosure", "version": "2019"}
    assert document["previous_migration"]["file"] == MIGRATION
    text = run_cli(*args, "--lang", "en")
    assert text.out.splitlines()[0].startswith(f"last year's report {previous} (2019) converted to 2021 by ")


def test_previous_migration_mistakes_are_exit_2(report_pair: tuple[Path, Path, Any]) -> None:
    this_year, previous, _ = report_pair
    wrong = [
        (["--previous-migration", MIGRATION], "give --previous FILE"),
        (["--previous", str(previous), "--previous-migration", SPEC], "GAI722"),
    ]
    for extra, said in wrong:
        run = run_cli("validate", SPEC, str(this_year), *extra, "--lang", "en")
        assert run.code == 2 and said in run.err and "Traceback" not in run.err, run.err
    run = run_cli("validate", SPEC_2019, str(previous), "--previous", str(this_year), "--previous-migration", MIGRATION)
    assert run.code == 2 and "GAI723" in run.err and "Traceback" not in run.err, run.err


def test_previous_migration_leaves_a_report_of_the_specs_version_as_it_is(tmp_path: Path) -> None:
    """--previous-migration may be given every year: last year's report already in the spec's version is read as it
    is (no conversion said), and the results are those without the option."""
    document = json.loads(SEED.read_text(encoding="utf-8"))
    document["values"]["requests.carried_out.natural"] = 3
    previous = tmp_path / "last.json"
    previous.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    args = ("validate", SPEC, str(SEED), "--previous", str(previous), "--lang", "en")
    plain, given = run_cli(*args), run_cli(*args, "--previous-migration", MIGRATION)
    assert plain.code == given.code == 0 and given.out == plain.out and given.err == plain.err == ""
    assert "carry_over" in plain.out and "converted" not in given.out
