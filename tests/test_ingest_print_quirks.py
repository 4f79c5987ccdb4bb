"""Three ways real copies print part 二 that the reader once left for review or misread (each from a report of
tests/ingest/corpus, whose first line names where it was published): a table title without the item's 第
(``第二十条(一)项``), a row whose blank cells are copied one a line (``规章 |`` then lone ``|`` lines), and a row
with a note-like value among its numbers (``行政许可 | 8 | 增10 | 18``) that must not shift the numbers after it."""

from __future__ import annotations

from decimal import Decimal

from bench.ingest_accuracy import spec_for
from gaidsl.checking.report import BLANK
from gaidsl.ingest import Ingested, ingest_text
from gaidsl.ingest.normalise import label_key
from tests.support import ROOT

CORPUS = ROOT / "tests" / "ingest" / "corpus"
SPEC_2019 = spec_for("2019")


def _ingest(text: str) -> Ingested:
    return ingest_text(SPEC_2019, text, "quirk.txt").ingested


def _part_two(*rows: str) -> str:
    head = ["2019年政府信息公开工作年度报告", "一、总体情况", "正文。", "二、主动公开政府信息情况"]
    return "\n".join([*head, *rows]) + "\n"


def test_an_article_item_without_its_di_is_the_same_title() -> None:
    assert label_key("第二十条(一)项") == label_key("第二十条第（一）项") == label_key("第二十条  第(一)项")
    assert label_key("第二十条(一)项") != label_key("第二十条第（五）项")
    text = (CORPUS / "2020_gucheng_jiaoyuju_2019format.txt").read_text(encoding="utf-8")
    read = _ingest(text)
    values = read.report.values
    assert "第二十条(一)项" in text and "第二十条第(一)项" not in text
    assert values["regulatory_documents.rules.issued"] == Decimal(0)
    assert values["enforcement.penalty.decisions"] == Decimal(0)
    assert not {k for k in read.unread if k.startswith(("regulatory_documents.", "enforcement."))}


def test_blank_cells_copied_one_a_line_are_the_rows_blanks() -> None:
    read = _ingest(
        _part_two(
            "第二十条第(一)项 | |||",
            "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |",
            "规章 |",
            "|",
            "|",
            "|",
            "规范性文件 | 2 | 0 | 83 |",
        )
    )
    values = read.report.values
    cells = ("issued", "newly_published", "published_total")
    assert [values[f"regulatory_documents.rules.{c}"] for c in cells] == [BLANK, BLANK, BLANK]
    assert [values[f"regulatory_documents.normative.{c}"] for c in cells] == [Decimal(2), Decimal(0), Decimal(83)]


def test_a_single_lone_bar_is_not_a_blank_cell() -> None:
    """One ``|`` after a label is a border or the next row's opening (as in one-cell-a-line copies): no row of
    blanks is made of it, so the row stays unread rather than guessed."""
    read = _ingest(
        _part_two(
            "第二十条第(一)项 | |||",
            "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |",
            "规章 |",
            "|",
            "规范性文件 | 2 | 0 | 83 |",
        )
    )
    assert "regulatory_documents.rules.issued" in read.unread
    assert read.report.values["regulatory_documents.normative.published_total"] == Decimal(83)


def test_text_among_a_rows_numbers_keeps_the_numbers_in_their_columns() -> None:
    rows = [
        "第二十条第(五)项 | |||",
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 | |",
    ]
    for ending in ("| |", "| |  |  |"):
        read = _ingest(_part_two(*rows, f"行政许可 | 8 | 增10 | 18 {ending}"))
        values = read.report.values
        assert values["licensing.licence.previous_items"] == Decimal(8), ending
        assert values["licensing.licence.decisions"] == Decimal(18), ending
        assert "licensing.licence.change" in read.unread
        assert any(e.code == "ING131" and "licensing.licence.change" in e.cells for e in read.log)
