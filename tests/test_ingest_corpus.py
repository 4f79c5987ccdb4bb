"""Real published reports (tests/ingest/corpus: web pages of townships, subdistricts, county and city departments,
a district office and a province-level office, 2019 and 2021 formats, as published, each with its source and a
hand-checked file of the cells it prints): ingest reads no number wrong, and reads nearly every printed cell.

``bench/ingest_accuracy.py`` prints the same comparison as a table. A wrong number is a defect of the reader to fix,
never a value to accept here."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bench.ingest_accuracy import CORPUS, measure, reports, spec_for, total
from gaidsl.checking.report import BLANK
from gaidsl.ingest import cell_lines, ingest_text
from gaidsl.ingest.model import Line, Row

LEVELS = {"township", "subdistrict", "county department", "district department", "district office", "city department"}


def test_the_corpus_is_varied_and_sourced() -> None:
    found = reports()
    assert len(found) >= 52
    for path, expected in found:
        assert path.is_file(), path
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert "source:" in first and ("http" in first or "www." in first), path.name
        assert expected["values"], path.name
    assert {e["format"] for _, e in found} == {"2019", "2021"}
    assert {e["level"] for _, e in found} >= LEVELS
    assert {e["layout"] for _, e in found} >= {"pipe_text", "cell_lines", "html"}


def test_no_number_is_read_wrong() -> None:
    scores = measure()
    wrong = [f"{s.name}: {c}" for s in scores for c in s.wrong_cells]
    assert wrong == []
    assert all(s.error is None for s in scores), [(s.name, s.error) for s in scores if s.error]
    overall = total("all", "", scores)
    assert overall.wrong == 0
    assert overall.right + overall.review == overall.printed
    # Issue 17's target is 98 % of the cells printed; the floor is what is measured now: raise it as the readers
    # improve, never lower it.
    assert overall.recall >= 0.98, overall  # measured: 98.3 % of 1,433 cells over 53 reports (1,409 right)


@pytest.mark.parametrize("layout", ["pipe_text", "cell_lines", "html"])
def test_each_layout_class_reads_most_cells(layout: str) -> None:
    scores = [s for s in measure() if s.layout == layout]
    group = total(layout, layout, scores)
    assert group.wrong == 0
    assert group.recall >= 0.97, group  # measured: pipe_text 98.3 %, cell_lines 97.4 %, html 99.7 %


def test_amount_in_yuan_is_converted_to_the_columns_unit() -> None:
    """The 上海市 report prints 采购总金额 251000元 in a column in 万元: 25.1, converted and logged (ING136)."""
    path = CORPUS / "2019_shanghai_shizhengfu_bangongting.html"
    result = ingest_text(spec_for("2019"), path.read_text(encoding="utf-8"), path.name)
    ingested = result.ingested
    assert ingested.report.values["procurement.central_procurement.amount"] == Decimal("25.1")
    assert ingested.provenance["procurement.central_procurement.amount"].raw == "251000元"
    assert any(e.code == "ING136" and "10000" in e.message.en for e in ingested.log)
    # the 予以公开 row's 总计 is printed blank: read blank, never filled in from the other cells
    assert ingested.report.values["requests.disclosed.total"] is BLANK


# ---------------------------------------------------------------------------------------------------- cell lines


def test_cell_lines_rows_labels_and_borders() -> None:
    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "|",
            "第二十条第(一)项 | |||",
            "|",
            "规章 |",
            "0 |",
            "0 |",
            "|",
            "|",
            "行政规范性文件 |",
            "5 |",
            "12 |",
            "8 | ||",
            "||",
        ]
    )
    blocks = cell_lines.read(text).blocks
    assert [type(b).__name__ for b in blocks] == ["Line", "Line", "Row", "Row"]
    heading = blocks[0]
    assert isinstance(heading, Line) and heading.text == "二、主动公开政府信息情况"
    rules, normative = blocks[2], blocks[3]
    assert isinstance(rules, Row) and isinstance(normative, Row)
    assert [c.text for c in rules.cells] == ["规章", "0", "0", "", ""]
    assert [c.text for c in normative.cells] == ["行政规范性文件", "5", "12", "8"]  # "||": borders, no cell
    assert normative.cells[3].where == "line 13"


def test_cell_lines_is_chosen_for_pages_copied_a_cell_a_line() -> None:
    path = CORPUS / "2022_xixian_taiping_zhen.txt"
    text = path.read_text(encoding="utf-8")
    assert cell_lines.looks_like(text) == 1.0
    result = ingest_text(spec_for("2021"), text, path.name)
    assert result.ingested.route == "cell_lines"
    expected = json.loads((CORPUS / "2022_xixian_taiping_zhen.expected.json").read_text(encoding="utf-8"))
    for key, value in expected["values"].items():
        assert result.ingested.report.values[key] == Decimal(value), key


def test_pipe_rows_are_not_taken_for_cell_lines() -> None:
    text = (CORPUS / "2021_zhanjiang_xuwen_sifaju.txt").read_text(encoding="utf-8")
    assert cell_lines.looks_like(text) == 0.0


def test_blank_lines_do_not_make_cells() -> None:
    """A blank cell that left no ``|`` cannot be told from layout: the row comes out short (left for review)."""
    row = cell_lines.read("一、本年新收政府信息公开申请数量\n\n\n\n 0\n\n二、上年结转\n").blocks[0]
    assert isinstance(row, Row) and [c.text for c in row.cells] == ["一、本年新收政府信息公开申请数量", "0"]


def test_cell_lines_a_change_printed_with_a_word_stays_in_its_row() -> None:
    """行政许可 | 8 | 增10 | 18 copied a cell a line (tests/test_ingest_perturb.py found it on the 中原区 report):
    增10 is the row's second cell, so 18 stays the third column, and 增10 itself is left for review, never read as 10
    or 18."""
    text = "行政许可\n|\n8\n|\n增10\n|\n18\n|\n\n|\n其他对外管理服务事项\n|\n0\n|\n减少3\n|\n0\n|\n"
    blocks = cell_lines.read(text).blocks
    assert [[c.text for c in b.cells] for b in blocks if isinstance(b, Row)] == [
        ["行政许可", "", "8", "", "增10", "", "18", "", ""],
        ["其他对外管理服务事项", "", "0", "", "减少3", "", "0", ""],
    ]
    assert isinstance(cell_lines.read("增10\n|\n8\n").blocks[0], Row)  # a label of its own when no value came first
    path = CORPUS / "2020_zhengzhou_zhongyuan_jiaoyu.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    copied = "\n".join(
        "\n".join(f"{cell.strip()}\n|" for cell in line.split("|")[:-1]) if "|" in line else line for line in lines
    )
    ingested = ingest_text(spec_for("2019"), copied, path.name).ingested
    assert ingested.report.values["licensing.licence.previous_items"] == Decimal("8")
    assert ingested.report.values["licensing.licence.decisions"] == Decimal("18")
    assert "licensing.licence.change" in ingested.unread


def test_cell_lines_row_of_blanks_and_a_heading_before_an_opener() -> None:
    blocks = cell_lines.read("第二十条第(一)项 | |||\n|\n规章 |\n|\n|\n|\n行政处罚 |\n3 | ||\n").blocks
    assert isinstance(blocks[0], Line)
    blanks, penalty = blocks[1], blocks[2]
    assert isinstance(blanks, Row) and [c.text for c in blanks.cells] == ["规章", "", "", ""]
    assert isinstance(penalty, Row) and [c.text for c in penalty.cells] == ["行政处罚", "3"]
