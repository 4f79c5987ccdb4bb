"""End-to-end tests of the front-end commands: check, cells, exit codes, languages, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import SPEC_2021, run_cli


def test_check_passes_on_2021_spec() -> None:
    run = run_cli("check", str(SPEC_2021))
    assert run.code == 0, run.err
    assert "200" in run.out and "通过" in run.out


def test_check_english_summary() -> None:
    run = run_cli("check", "--lang", "en", str(SPEC_2021))
    assert run.code == 0
    assert "ok (200 cells" in run.out


def test_check_reports_errors_with_exit_1(tmp_path: Path) -> None:
    spec = tmp_path / "bad.gai"
    spec.write_text(
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n'
        '      columns { a "甲" b "乙" }\n      rows { r "行" }\n'
        "      check c for each column: r == q\n    }\n  }\n}\n",
        encoding="utf-8",
    )
    run = run_cli("check", str(spec))
    assert run.code == 1
    assert f"{spec}:6:" in run.err and "GAI102" in run.err


def test_check_missing_file_is_exit_2(tmp_path: Path) -> None:
    run = run_cli("check", str(tmp_path / "nope.gai"))
    assert run.code == 2
    assert "GAI090" in run.err


def test_usage_error_is_exit_2() -> None:
    assert run_cli("check").code == 2
    assert run_cli("frobnicate").code == 2


def test_check_json_output(tmp_path: Path) -> None:
    spec = tmp_path / "bad.gai"
    spec.write_text('format x version 1 "t" {\n  dimension d { a "A" a "B" }\n}\n', encoding="utf-8")
    run = run_cli("check", "--format", "json", str(spec))
    assert run.code == 1
    data = json.loads(run.out)
    (diag,) = data["diagnostics"]
    assert diag["code"] == "GAI101"
    assert diag["span"]["line"] == 2
    assert diag["message"]["zh"] and diag["message"]["en"]
    assert data["summary"]["errors"] == 1


def test_cells_lists_200_cells_with_labels() -> None:
    run = run_cli("cells", "--format", "json", str(SPEC_2021))
    assert run.code == 0
    listing = json.loads(run.out)
    cells = listing["cells"]
    by_table: dict[str, int] = {}
    for cell in cells:
        by_table[cell["section"]] = by_table.get(cell["section"], 0) + 1
    assert by_table == {
        "二、主动公开政府信息情况": 10,
        "三、收到和处理政府信息公开申请情况": 175,
        "四、政府信息公开行政复议、行政诉讼情况": 15,
    }
    keys = [c["key"] for c in cells]
    assert len(set(keys)) == 200
    business = next(c for c in cells if c["key"] == "requests.received.business")
    assert business["row_labels"] == ["一、本年新收政府信息公开申请数量"]
    assert business["column_labels"] == ["申请人情况", "法人或其他组织", "商业企业"]
    secret = next(c for c in cells if c["key"] == "requests.state_secret.total")
    assert secret["row_labels"] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    fee = next(c for c in cells if c["key"] == "fees.administrative_fee.amount")
    assert (fee["type"], fee["unit"]) == ("amount", "万元")
    litigation = next(c for c in cells if c["key"] == "appeals.after_review_pending")
    assert litigation["column_labels"] == ["行政诉讼", "复议后起诉", "尚未审结"]
    assert [f["key"] for f in listing["fields"]][:2] == ["body", "year"]


def test_cells_text_output() -> None:
    run = run_cli("cells", str(SPEC_2021))
    assert run.code == 0
    assert "requests.outcome_total.natural\tcount\t三、本年度办理结果 / （七）总计 × 申请人情况 / 自然人" in run.out


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gaidsl", "check", str(SPEC_2021)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "通过" in proc.stdout
