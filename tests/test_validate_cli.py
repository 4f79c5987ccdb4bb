"""``gaidsl validate``: the seed report, one changed cell, previous reports, JSON, and exit 2 for bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SPEC_2021, run_cli

DATA = Path(__file__).parent / "data"
SEED = DATA / "jiujia_2023.json"
SPEC = str(SPEC_2021)


def changed(tmp_path: Path, name: str = "changed.json", **values: object) -> Path:
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
    run = run_cli("validate", SPEC, str(changed(tmp_path, **{"requests.received.natural": 1})))
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
    run = run_cli("validate", SPEC, str(changed(tmp_path, **{"requests.received.natural": 1})), "--format", "json")
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
    path = str(changed(tmp_path, **{"requests.received.natural": 1}))
    english = run_cli("validate", SPEC, path, "--lang", "en")
    assert "error[balance]" in english.out and "but （七）总计 + 四 = 0 + 0 = 0 (difference 1)" in english.out
    assert "FAILED: 2 errors" in english.out
    both = run_cli("validate", SPEC, path, "--lang", "both")
    assert "(差 1)" in both.out and "(difference 1)" in both.out


def test_previous_report_checks_carry_over(tmp_path: Path) -> None:
    last_year = changed(tmp_path, "last.json", **{"requests.carried_out.natural": 2, "requests.carried_out.total": 2})
    run = run_cli("validate", SPEC, str(SEED), "--previous", str(last_year), "--format", "json")
    document = json.loads(run.out)
    assert run.code == 0  # carry_over is a warning
    failed = {(r["check"], r["position"], r["severity"]) for r in document["results"] if r["status"] == "fail"}
    assert failed == {("carry_over", "natural", "warning"), ("carry_over", "total", "warning")}
    assert document["summary"]["unverifiable"] == 0 and document["summary"]["warnings"] == 2
    text = run_cli("validate", SPEC, str(SEED), "--previous", str(last_year))
    assert "警告[carry_over]" in text.out and "二 = 0, 但 上年四 = 2 (差 2)" in text.out


def test_blank_cells_are_unverifiable(tmp_path: Path) -> None:
    run = run_cli(
        "validate", SPEC, str(changed(tmp_path, **{"requests.carried_out.natural": None})), "--format", "json"
    )
    assert run.code == 0
    document = json.loads(run.out)
    balance = next(r for r in document["results"] if r["check"] == "balance" and r["position"] == "natural")
    assert balance["status"] == "unverifiable" and balance["blank"] == ["requests.carried_out.natural"]
    assert "「四」为空" in balance["message"]["zh"]


def test_several_files(tmp_path: Path) -> None:
    bad = changed(tmp_path, **{"requests.received.natural": 1})
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
    "huge": ('{"values": {"requests.received.natural": 1e30}}', "GAI709", "10^15"),
    "format": ('{"format": "other"}', "GAI710", "gov_info_disclosure"),
    "version": ('{"version": "2019"}', "GAI711", "2019"),
    "bool": ('{"values": {"requests.received.natural": false}}', "GAI712", "自然人"),
    "year": ('{"fields": {"year": 2023.5}}', "GAI706", "年度"),
    "date": ('{"fields": {"published": "2024年1月31日"}}', "GAI713", "公布日期"),
    "duplicate": ('{"fields": {"year": 2023, "year": 2024}}', "GAI715", "year"),
    "shape": ("[]", "GAI716", "x.json:1:1"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
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


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("requests.received.natural,abc\n", encoding="utf-8")
    run = run_cli("validate", SPEC, str(SEED), str(bad))
    assert run.code == 2 and run.out == "" and "GAI704" in run.err and f"{bad}:1:1" in run.err


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
    path.write_text("format: gov_info_disclosure\nversion: 2021\nvalues:\n  requests.received.natural: 0\n", "utf-8")
    run = run_cli("validate", SPEC, str(path))
    assert run.code == 0
    assert "GAI714" in run.err and "报告主体" in run.err


def test_examples_in_the_data_format_doc_validate(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(json|yaml|csv)\n(.*?)```", doc, re.S)
    examples = [(kind, text) for kind, text in blocks if '"format": "gov_info_disclosure"' in text or kind != "json"]
    assert [kind for kind, _ in examples] == ["json", "yaml", "csv"]
    for index, (kind, text) in enumerate(examples):
        path = tmp_path / f"example{index}.{kind}"
        path.write_text(text, encoding="utf-8")
        run = run_cli("validate", SPEC, str(path), "--format", "json")
        assert run.code == 0, run.out + run.err
        document = json.loads(run.out)
        assert document["summary"]["fail"] == 0 and document["summary"]["pass"] > 0


def test_failures_grouped_once_per_section_in_document_order(tmp_path: Path) -> None:
    path = changed(tmp_path, **{"requests.received.natural": 1, "appeals.review_upheld": 2})
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
