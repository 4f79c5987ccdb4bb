"""The three real published reports in tests/data/reports ingest completely: every cell, blanks kept blank."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, Missing
from gaidsl.ingest import Result, ingest_file
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import compile_file
from tests.support import present, texts

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "data" / "reports"
JIUJIA = REPORTS / "000_a7bba7f129f6cee5.txt"
SHUYANG = REPORTS / "2023_shuyang_fagaiju.txt"
HUAIAN = REPORTS / "2024_huaian_shi.txt"

ROWS = [
    "received",
    "carried_in",
    "disclosed",
    "partly_disclosed",
    "state_secret",
    "prohibited_by_law",
    "three_safeties",
    "third_party",
    "internal_affairs",
    "process_information",
    "enforcement_files",
    "inquiry_matters",
    "not_held",
    "needs_creation",
    "still_unclear",
    "complaints",
    "repeated",
    "publications",
    "excessive",
    "confirmation",
    "no_correction",
    "fee_unpaid",
    "other_reasons",
    "outcome_total",
    "carried_out",
]
COLUMNS = ["natural", "business", "research", "ngo", "law_firm", "other", "total"]
APPEALS = [
    f"{block}_{what}"
    for block in ("review", "direct", "after_review")
    for what in ("upheld", "corrected", "other", "pending", "total")
]
PROACTIVE = [
    "regulatory_documents.rules.issued",
    "regulatory_documents.rules.repealed",
    "regulatory_documents.rules.in_force",
    "regulatory_documents.normative.issued",
    "regulatory_documents.normative.repealed",
    "regulatory_documents.normative.in_force",
    "licensing.licence.decisions",
    "enforcement.penalty.decisions",
    "enforcement.coercion.decisions",
    "fees.administrative_fee.amount",
]

_: None = None  # a blank cell in the tables below

# 淮安市人民政府 2024, part 三 as printed (rows in the format's order, columns 自然人 … 总计)
HUAIAN_REQUESTS = [
    [3001, 53, 0, 0, 61, 4, 3119],
    [34, 0, 0, 0, 0, 0, 34],
    [1288, 21, 0, 0, 50, 3, 1362],
    [447, 7, 0, 0, 0, 0, 454],
    [2, 0, 0, 0, 0, 0, 2],
    [30, 1, 0, 0, 0, 0, 31],
    [5, 0, 0, 0, 0, 0, 5],
    [6, 0, 0, 0, 0, 0, 6],
    [7, 1, 0, 0, 0, 0, 8],
    [12, 0, 0, 0, 0, 0, 12],
    [9, 0, 0, 0, 0, 0, 9],
    [105, 0, 0, 0, 0, 0, 105],
    [746, 12, 0, 0, 10, 1, 769],
    [11, 0, 0, 0, 0, 0, 11],
    [1, 0, 0, 0, 0, 0, 1],
    [56, 6, 0, 0, 0, 0, 62],
    [25, 0, 0, 0, 0, 0, 25],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0, 1],
    [67, 3, 0, 0, 1, 0, 71],
    [6, 0, 0, 0, 0, 0, 6],
    [108, 2, 0, 0, 0, 0, 110],
    [2932, 53, 0, 0, 61, 4, 3050],
    [103, 0, 0, 0, 0, 0, 103],
]
HUAIAN_APPEALS = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
HUAIAN_PROACTIVE = [1, 0, 11, 8, 26, 66, 447228, 3985758, 88283, Decimal("96171.6")]

# 沭阳县发展和改革局 2023: the legal-person columns are left blank in every row
SHUYANG_REQUESTS = (
    [[26, _, _, _, _, _, 26], [0, _, _, _, _, _, 0], [26, _, _, _, _, _, 26]]
    + [[0, _, _, _, _, _, 0] for _row in range(20)]
    + [[26, _, _, _, _, _, 26], [0, _, _, _, _, _, 0]]
)
SHUYANG_APPEALS = [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
SHUYANG_PROACTIVE = [0, 0, 0, 8, 0, 18, 0, 0, 0, 0]

# 九甲镇 2023: everything 0
JIUJIA_REQUESTS = [[0] * 7 for _row in range(25)]
JIUJIA_APPEALS = [0] * 15
JIUJIA_PROACTIVE = [0] * 10


@pytest.fixture(scope="module")
def spec() -> Spec:
    compiled = compile_file(ROOT / "specs" / "gov_info_disclosure_2021.gai").spec
    assert compiled is not None
    return compiled


@pytest.fixture(scope="module")
def results(spec: Spec) -> dict[str, Result]:
    inputs = (("jiujia", JIUJIA), ("shuyang", SHUYANG), ("huaian", HUAIAN))
    return {name: ingest_file(spec, path) for name, path in inputs}


def _expected(
    requests: Sequence[Sequence[object]], appeals: Sequence[object], proactive: Sequence[object]
) -> dict[str, object]:
    expected: dict[str, object] = {}
    for row, values in zip(ROWS, requests, strict=True):
        for column, value in zip(COLUMNS, values, strict=True):
            expected[f"requests.{row}.{column}"] = value
    for column, value in zip(APPEALS, appeals, strict=True):
        expected[f"appeals.{column}"] = value
    for key, value in zip(PROACTIVE, proactive, strict=True):
        expected[key] = value
    return expected


EXPECTED = {
    "jiujia": _expected(JIUJIA_REQUESTS, JIUJIA_APPEALS, JIUJIA_PROACTIVE),
    "shuyang": _expected(SHUYANG_REQUESTS, SHUYANG_APPEALS, SHUYANG_PROACTIVE),
    "huaian": _expected(HUAIAN_REQUESTS, HUAIAN_APPEALS, HUAIAN_PROACTIVE),
}


@pytest.mark.parametrize("name", ["jiujia", "shuyang", "huaian"])
def test_every_cell_is_read_as_printed(results: dict[str, Result], spec: Spec, name: str) -> None:
    ingested = results[name].ingested
    expected = EXPECTED[name]
    assert len(expected) == len(spec.cells) == 200  # 175 + 15 + 10
    assert ingested.unread == ()
    assert not ingested.entries("error")
    for key, value in expected.items():
        got = ingested.report.values[key]  # present: read, not defaulted
        if value is None:
            assert got is BLANK, key
        else:
            assert isinstance(got, Decimal) and got == Decimal(value), (key, got, value)  # type: ignore[arg-type]
        assert key in ingested.provenance


def test_blank_is_blank_not_zero(results: dict[str, Result]) -> None:
    ingested = results["shuyang"].ingested
    values = ingested.report.values
    blanks = [k for k, v in values.items() if v is Missing.BLANK]
    assert len(blanks) == 125  # 25 rows × 5 legal-person columns
    assert all(k.split(".")[2] in ("business", "research", "ngo", "law_firm", "other") for k in blanks)
    assert '"requests.received.business": null' in ingested.report.to_json()
    assert any(e.code == "ING133" and e.cells == tuple(blanks) for e in ingested.log)


def test_fee_and_large_counts_exact(results: dict[str, Result]) -> None:
    report = results["huaian"].ingested.report
    fee = report.values["fees.administrative_fee.amount"]
    assert isinstance(fee, Decimal) and str(fee) == "96171.6"
    assert report.values["enforcement.penalty.decisions"] == Decimal(3985758)
    assert '"fees.administrative_fee.amount": 96171.6' in report.to_json()


def test_alias_and_part_five_title(results: dict[str, Result]) -> None:
    ingested = results["shuyang"].ingested
    assert ingested.report.values["regulatory_documents.normative.in_force"] == Decimal(18)
    codes = {e.code: e for e in ingested.log}
    assert "规范性文件" in codes["ING121"].message.zh
    assert "整改措施" in codes["ING101"].message.zh
    assert present(ingested.report.texts["problems"]).startswith("（一）存在的主要问题。")
    assert ingested.provenance["regulatory_documents.normative.issued"].row_label == "规范性文件"


def test_stray_line_break_and_bookmark(results: dict[str, Result]) -> None:
    ingested = results["jiujia"].ingested
    key = "requests.partly_disclosed.total"
    assert ingested.report.values[key] == Decimal(0)
    assert ingested.provenance[key].where == "lines 112–113"
    assert any(e.code == "ING135" and e.cells == (key,) for e in ingested.log)
    assert any(e.code == "ING011" and "bookmark" in e.message.en for e in ingested.log)
    assert "[bookmark" not in present(ingested.report.texts["overview"])


def test_vertical_group_label_in_pdf_layout(results: dict[str, Result]) -> None:
    """三、本年度办理结果 is printed one character a line down the left; the rows still land right."""
    ingested = results["huaian"].ingested
    assert ingested.provenance["requests.three_safeties.natural"].line == 148  # label on 147, values on 148
    assert ingested.provenance["requests.no_correction.total"].line == 191  # label over 189–193
    assert ingested.provenance["requests.fee_unpaid.total"].line == 198
    assert ingested.route == "pdf_layout"


@pytest.mark.parametrize(
    ("name", "body", "year", "route"),
    [
        ("jiujia", "九甲镇", 2023, "word_text"),
        ("shuyang", "沭阳县发展和改革局", 2023, "pipe_text"),
        ("huaian", "淮安市人民政府", 2024, "pdf_layout"),
    ],
)
def test_body_and_year_from_the_title(results: dict[str, Result], name: str, body: str, year: int, route: str) -> None:
    ingested = results[name].ingested
    assert ingested.report.fields["body"] == body
    assert ingested.report.fields["year"] == Decimal(year)
    assert ingested.route == route
    assert "field.body" in ingested.provenance


def test_contact_and_publication_fields(results: dict[str, Result]) -> None:
    assert results["jiujia"].ingested.report.fields["email"] == "jjdzb0879@126.com"
    assert results["jiujia"].ingested.report.fields["postcode"] == "666506"
    assert results["huaian"].ingested.report.fields["phone"] == "0517-83605210"
    assert results["huaian"].ingested.report.fields["address"] == "淮安市翔宇南道1号"
    assert results["shuyang"].ingested.report.fields["published"] == "2024-01-17"


def test_text_of_each_part(results: dict[str, Result]) -> None:
    jiujia = texts(results["jiujia"].ingested.report)
    assert jiujia["overview"].startswith("（一）深化主动公开，加大公开力度。")
    assert jiujia["overview"].endswith("主动接受人民群众监督评议。")
    assert jiujia["overview"].count("\n") == 4  # five sub-heads
    assert jiujia["problems"].startswith("2023年，九甲镇政府信息公开工作取得了一些成效")
    assert "\n整改措施：" in jiujia["problems"]
    assert jiujia["other_matters"].startswith("依据《国务院办公厅关于印发<政府信息公开信息处理费管理办法>的通知》")
    shuyang = texts(results["shuyang"].ingested.report)
    assert shuyang["overview"].startswith("2023年，县发展和改革局认真贯彻执行")
    assert shuyang["other_matters"] == "2023年度，县发展和改革局政府信息公开未发生收费情况。"  # signature left out
    huaian = texts(results["huaian"].ingested.report)
    assert huaian["overview"].startswith("2024年，我市坚持以习近平新时代中国特色社会主义思想为指导，认真学习")
    assert "（二）依申请公开情况。" in huaian["overview"]
    assert huaian["overview"].count("\n") == 5
    assert huaian["problems"].startswith("对照上级新要求和公众新期待，还有一些需要加强和改进的地方。")
    assert huaian["other_matters"] == (
        "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。"
    )


@pytest.mark.parametrize("name", ["jiujia", "shuyang", "huaian"])
def test_they_validate(results: dict[str, Result], spec: Spec, name: str) -> None:
    evaluation = evaluate(spec, results[name].ingested.report)
    assert evaluation.ok
    statuses = evaluation.statuses()
    assert statuses[("balance", "natural")] == "pass"
    assert statuses[("total.appeals.review_total", None)] == "pass"
    if name == "shuyang":  # blank legal-person columns: unverifiable, never pass or fail
        assert statuses[("balance", "business")] == "unverifiable"
        assert statuses[("processing_fee_reported", None)] == "fail"  # part 六 does not mention 信息处理费
    else:
        assert statuses[("balance", "business")] == "pass"
        assert statuses[("processing_fee_reported", None)] == "pass"


def test_numbers_quoted_in_part_one_agree(results: dict[str, Result]) -> None:
    checks = {c.rule: c for c in results["huaian"].text_checks}
    assert {k: (c.quoted, c.status) for k, c in checks.items()} == {
        "received": (Decimal(3119), "pass"),
        "answered": (Decimal(3050), "pass"),
        "review": (Decimal(351), "pass"),
        "litigation": (Decimal(46), "pass"),
    }
    assert [(c.rule, c.status) for c in results["shuyang"].text_checks] == [("received", "pass")]
    assert [(c.rule, c.status) for c in results["jiujia"].text_checks] == [("received", "pass")]


def test_auto_spec_picks_2021(spec: Spec) -> None:
    from gaidsl.ingest import shipped_specs

    for path in (JIUJIA, SHUYANG, HUAIAN):
        result = ingest_file(shipped_specs(), path)
        assert result.spec.version == "2021"
        assert result.ingested.unread == ()
