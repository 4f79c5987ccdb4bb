"""The 部门决算 read back cell for cell: gaidsl's own renderings in every format, and tables printed side by side.

The report is the real 上海市普陀区财政局 2024 部门决算 (tests/data/department_final_accounts/putuo_finance_2024.yaml,
transcribed from its PDF). Two kinds of input:

- gaidsl's renderings (html, md, txt, docx read as a published report, pdf): they print 四、财政拨款收入支出决算总表's
  收入 and 支出 one below the other without a title each (a table's label inside the part's title is not printed),
  and tables 八/九 with a two-row header under the column group 本年支出. Before, 12 cells of 总表 四 were lost in
  every format (its tables were taken to start at 本年收入合计 and 二、外交支出, rows with those words) and 12 of 八/九
  in .docx and .pdf (the header's second row, ``| | | 合计 | 基本支出 | 项目支出 | |``, read as a data row);
- the layout real 部门决算 publications print (as the published PDF of this report does): 收入支出决算总表 and
  财政拨款收入支出决算总表 with the incomes and the expenses side by side in one table under a title row
  ``收入 | 支出``, and the 基本支出 table in two halves (科目编码 | 科目名称 | 决算数, twice), as a ``|``-joined web
  page, an HTML page, a Word document and a PDF printed from the page (ruled cells). Read row by row, each printed row
  holds two of the format's rows; :mod:`gaidsl.ingest.side_by_side` cuts such a table into its blocks (ING313).

Every value printed must be read back as it is in the transcription, with no cell left unread.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from html import escape
from pathlib import Path

import pytest

import gaidsl
from gaidsl.checking.open_members import close
from gaidsl.checking.report import Report
from gaidsl.ingest import ingest_bytes, ingest_text
from gaidsl.ingest.model import Document, Line, Piece, Row
from gaidsl.ingest.side_by_side import split_document
from gaidsl.language import ir
from tests.support import ROOT, SPECS

DATA = ROOT / "tests" / "data" / "department_final_accounts"

Table = list[list[str]]  # a printed table: rows of cell texts


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return gaidsl.load_spec(SPECS / "department_final_accounts_2024.gai")


@pytest.fixture(scope="module")
def putuo(spec: ir.Spec) -> Report:
    return gaidsl.load_report(spec, DATA / "putuo_finance_2024.yaml")


def _assert_read_as_written(
    spec: ir.Spec, report: Report, data: bytes, name: str, route: str | None = None
) -> tuple[str, ...]:
    """Read ``data``; every value and member as ``report`` has them, nothing unread. The log's codes."""
    result = ingest_bytes(spec, data, name, route)
    ingested = result.ingested
    assert ingested.unread == ()
    assert ingested.report.members == report.members
    wrong = {
        k: (ingested.report.values.get(k), v) for k, v in report.values.items() if ingested.report.values.get(k) != v
    }
    assert wrong == {}
    assert ingested.report.values == {k: report.values[k] for k in result.spec.cells}
    return tuple(e.code for e in ingested.log)


# ---------------------------------------------------------------------------------------------------- own renderings


@pytest.mark.parametrize("to", ["html", "md", "txt", "docx", "pdf"])
def test_every_rendering_reads_back_every_cell(spec: ir.Spec, putuo: Report, to: str) -> None:
    rendered = gaidsl.render(spec, putuo, to=to)
    data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    if to == "txt":  # the premise: 总表 四's two tables printed without a title each
        text = data.decode("utf-8")
        part = text[text.index("四、财政拨款收入支出决算总表") : text.index("五、一般公共预算财政拨款支出决算表")]
        assert "\n收入\n" not in part and "\n支出\n" not in part
    # a .docx gaidsl wrote is read back by its own map unless routed as a published report
    _assert_read_as_written(spec, putuo, data, f"putuo.{to}", "docx" if to == "docx" else None)


# ---------------------------------------------------------------------------------------------------- side by side


def _amount(report: Report, key: str) -> str:
    value = report.values.get(key)
    return f"{value:,.2f}" if isinstance(value, Decimal) else ""


def _rows(spec: ir.Spec, report: Report, table: str, codes: bool = False) -> list[list[str]]:
    """The rows of a table of fixed rows as printed: label (with its 科目编码 cell first when ``codes``), values."""
    found = spec.tables[table]
    assert found.rows is not None
    rows = []
    for member in found.rows.data_members:
        values = [_amount(report, found.cell_key(member.key, c.key)) for c in found.columns.data_members]
        code = member.key[1:] if member.key[:1] == "c" and member.key[1:].isdigit() else ""
        rows.append(([code] if codes else []) + [member.label, *values])
    return rows


def _beside(left: list[list[str]], right: list[list[str]]) -> list[list[str]]:
    """Two blocks of rows side by side, the shorter one padded with empty cells (as the 总表 print them)."""
    lw, rw = len(left[0]), len(right[0])
    height = max(len(left), len(right))
    left = left + [[""] * lw] * (height - len(left))
    right = right + [[""] * rw] * (height - len(right))
    return [a + b for a, b in zip(left, right, strict=True)]


def _side_by_side(spec: ir.Spec, report: Report) -> dict[str, Table]:
    """The three tables a published 部门决算 prints side by side, by the part they are in: a title row (收入 | 支出,
    one cell a block, the others empty), the header, the rows."""

    def pair(income: str, expense: str) -> Table:
        columns = [c.label for c in spec.tables[expense].columns.data_members]
        title = ["收入", "", "支出"] + [""] * len(columns)
        header = ["项目", "决算数", "项目", *columns]
        return [title, header, *_beside(_rows(spec, report, income), _rows(spec, report, expense))]

    basic = _rows(spec, report, "basic", codes=True)
    half = next(n for n, row in enumerate(basic) if row[1] == "人员经费合计") + 1
    return {
        "一、收入支出决算总表": pair("summary_income", "summary_expense"),
        "四、财政拨款收入支出决算总表": pair("appropriation_income", "appropriation_expense"),
        "六、一般公共预算财政拨款基本支出决算表": [
            ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"],
            *_beside(basic[:half], basic[half:]),
        ],
    }


def _layout(spec: ir.Spec, report: Report, code_parts: bool = False) -> list[tuple[str, list[Table]]]:
    """Every part with its printed tables (the others one per table, coded rows as 科目编码 | 科目名称 | …, or with
    ``code_parts`` as 类 | 款 | 项 | 科目名称 | …, the 款 and 项 cells empty for a 类, as the published PDF prints
    them)."""
    closed = close(spec, report.members)
    beside = _side_by_side(spec, report)
    parts = []
    for section in spec.sections:
        if section.label in beside:
            parts.append((section.label, [beside[section.label]]))
            continue
        tables = []
        for kind, key in section.items:
            if kind != "table":
                continue
            table = closed.tables[key]
            assert table.rows is not None
            columns = table.columns.data_members
            if code_parts and key == "three_public":  # one row of numbers, 预算数 | 决算数 under every column
                rows = table.rows.data_members
                tables.append(
                    [
                        ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费"],
                        ["", "", "小计", "公务用车购置费", "公务用车运行费", ""],
                        [r.label for _ in columns for r in rows],
                        [_amount(report, table.cell_key(r.key, c.key)) for c in columns for r in rows],
                    ]
                )
                continue
            printed: Table = [["科目编码", "科目名称", *(c.label for c in columns)]]
            if code_parts:
                printed = [["类", "款", "项", "科目名称", *(c.label for c in columns)]]
            for row in table.rows.data_members:
                values = [_amount(report, table.cell_key(row.key, c.key)) for c in columns]
                code, _, name = row.label.partition(" ") if row.key[:1].isdigit() else ("", "", row.label)
                codes = [code[:3], code[3:5], code[5:7]] if code_parts else [code]
                printed.append([*codes, name, *values])
            tables.append(printed)
        parts.append((section.label, tables))
    return parts


def _title(report: Report) -> str:
    return f"{report.fields['unit_name']}2024年度部门决算"


def _pipe_text(spec: ir.Spec, report: Report, published: bool = False) -> str:
    """The report as a ``|``-joined page; ``published``: as the published PDF lays it out, a table of contents of
    the parts first, each table titled without its part's number, 科目编码 printed as 类 | 款 | 项, the 三公 table as
    one row of numbers under a header naming 预算数 | 决算数 under every column."""
    lines = [_title(report), ""]
    if published:
        lines += ["目 录", *(s.label for s in spec.sections), "第一部分 部门概况", "一、主要职能", "（略）", ""]
    for label, tables in _layout(spec, report, code_parts=published):
        title = re.sub(r"^[一二三四五六七八九十]+、", "", label) if published else label
        lines += [title, "单位：万元"]
        for table in tables:
            lines += ["| " + " | ".join(row) + " |" for row in table]
            lines.append("")
    return "\n".join(lines) + "\n"


def _html(spec: ir.Spec, report: Report) -> str:
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>table{border-collapse:collapse;margin:8px 0}"
        "td{border:1px solid #000;padding:2px 6px;font-size:10px}</style></head><body>",
        f"<h1>{escape(_title(report))}</h1>",
    ]
    for label, tables in _layout(spec, report):
        out.append(f"<h2>{escape(label)}</h2><p>单位：万元</p>")
        for table in tables:
            out.append("<table>")
            for n, row in enumerate(table):
                if n == 0 and row[0] == "收入":  # the title row: each title over its block's cells
                    expense = len(row) - 2
                    out.append(f"<tr><td colspan='2'>收入</td><td colspan='{expense}'>支出</td></tr>")
                    continue
                out.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _docx(spec: ir.Spec, report: Report) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(_title(report))
    for label, tables in _layout(spec, report):
        document.add_paragraph(label)
        document.add_paragraph("单位：万元")
        for table in tables:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for printed, row in zip(table, grid.rows, strict=True):
                for text, cell in zip(printed, row.cells, strict=True):  # row by row: grid.cell(r, c) is slow
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _expect_cut(codes: tuple[str, ...]) -> None:
    assert codes.count("ING313") == 3  # the two 总表 and the 基本支出 table
    assert "ING110" not in codes and "ING120" not in codes and "ING130" not in codes


def test_side_by_side_pipe_text_reads_every_cell(spec: ir.Spec, putuo: Report) -> None:
    text = _pipe_text(spec, putuo)
    assert "| 一、一般公共预算财政拨款收入 | 2,940.05 | 一、一般公共服务支出 | 2,106.66 |" in text
    _expect_cut(_assert_read_as_written(spec, putuo, text.encode("utf-8"), "putuo.txt"))


def test_the_published_layout_reads_every_cell(spec: ir.Spec, putuo: Report) -> None:
    """As the published PDF prints the report: a table of contents naming every part first (the parts are found
    again after it), each table titled without its number (收入支出决算总表), 科目编码 as 类 | 款 | 项, the 三公 table
    as one row (its values column by column, 预算数 then 决算数)."""
    text = _pipe_text(spec, putuo, published=True)
    assert "\n一、收入支出决算总表\n" in text and "\n收入支出决算总表\n" in text
    assert "| 201 | 06 | 01 | 行政运行 | 1,511.90 |" in text and "| 201 |  |  | 一般公共服务支出 |" in text
    codes = _assert_read_as_written(spec, putuo, text.encode("utf-8"), "putuo.txt")
    _expect_cut(codes)
    assert codes.count("ING101") == len(spec.sections)  # each part found by its title without the number
    assert codes.count("ING314") == 1  # the 三公 table's 预算数 | 决算数 under every column


def test_side_by_side_html_reads_every_cell(spec: ir.Spec, putuo: Report) -> None:
    _expect_cut(_assert_read_as_written(spec, putuo, _html(spec, putuo).encode("utf-8"), "putuo.html"))


def test_side_by_side_docx_reads_every_cell(spec: ir.Spec, putuo: Report) -> None:
    _expect_cut(_assert_read_as_written(spec, putuo, _docx(spec, putuo), "putuo.docx"))


def test_side_by_side_pdf_reads_every_cell(spec: ir.Spec, putuo: Report, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("chromium is not installed")
    page = tmp_path / "putuo.html"
    page.write_text(_html(spec, putuo), encoding="utf-8")
    out = tmp_path / "putuo.pdf"
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", page.as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    _expect_cut(_assert_read_as_written(spec, putuo, out.read_bytes(), "putuo.pdf"))


# ---------------------------------------------------------------------------------------------------- the cutting


def _row(line: int, *cells: str, table: int | None = 1) -> Row:
    pieces = tuple(Piece(c, line, f"line {line} · cell {n}") for n, c in enumerate(cells, 1))
    return Row(pieces, True, Piece(" | ".join(cells), line, f"line {line}"), table=table)


def test_blocks_come_one_after_the_other_with_their_titles() -> None:
    document = Document(
        "t",
        "html",
        (
            Line(Piece("一、收入支出决算总表", 1, "line 1")),
            _row(2, "收入", "支出"),
            _row(3, "项目", "决算数", "项目", "决算数"),
            _row(4, "一、上级补助收入", "5", "一、教育支出", "3"),
            _row(5, "", "", "二、外交支出", ""),
            _row(6, "总计", "5", "总计", "3"),
            _row(7, "表外", "1", table=2),
        ),
    )
    cut = split_document(document)
    shown = [(b.text if isinstance(b, Line) else [c.text for c in b.cells]) for b in cut.blocks]
    assert shown == [
        "一、收入支出决算总表",
        "收入",
        ["项目", "决算数"],
        ["一、上级补助收入", "5"],
        ["总计", "5"],
        "支出",
        ["项目", "决算数"],
        ["一、教育支出", "3"],
        ["二、外交支出", ""],
        ["总计", "3"],
        ["表外", "1"],
    ]
    assert [(s.line, s.blocks, s.titles) for s in cut.side_by_side] == [(3, 2, ("收入", "支出"))]
    right = cut.blocks[7]
    assert isinstance(right, Row) and right.cells[0].where == "line 4 · cell 3" and "cells 3–4" in right.raw.where
    assert split_document(cut) == cut  # cut once


def test_a_header_repeated_over_column_groups_is_not_cut() -> None:
    """结果维持 … 结果维持 over a row of numbers (part 四 of the 2021 format): column groups, not blocks."""
    header = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2
    document = Document("t", "html", (_row(1, *header), _row(2, *(str(n) for n in range(10)))))
    assert split_document(document) == document


def test_a_row_with_a_number_is_no_block_header() -> None:
    document = Document(
        "t", "html", (_row(1, "项目", "1", "项目", "2"), _row(2, "一、教育支出", "3", "二、外交支出", "4"))
    )
    assert split_document(document) == document


def test_the_putuo_published_layout_logs_each_cut(spec: ir.Spec, putuo: Report) -> None:
    ingested = ingest_text(spec, _pipe_text(spec, putuo), "putuo.txt").ingested
    cuts = [e for e in ingested.log if e.code == "ING313"]
    assert [e.level for e in cuts] == ["info"] * 3
    assert "收入、支出" in cuts[0].message.zh and "2 blocks" in cuts[0].message.en
    assert all(e.line is not None and e.where for e in cuts)


def _shown(document: Document) -> list[object]:
    return [(b.text if isinstance(b, Line) else [c.text for c in b.cells]) for b in document.blocks]


def test_halves_under_a_merged_header_go_on_after_a_page_break() -> None:
    """The 基本支出 table as the published PDF prints it: a header of six cells over rows of eight (经济分类科目编码
    over 类 and 款), the table going on on the next page after a line of numbers printed outside the ruled cells,
    and a last row of four cells (人员经费合计 | 4884.09 | 公用经费合计 | 480.66)."""
    page = ("经济分类", "科目名称", "决算数", "经济分类", "科目名称", "决算数")
    document = Document(
        "t",
        "pdf",
        (
            _row(1, *page, table=1601),
            _row(2, "301", "", "工资福利支出", "5", "302", "", "商品和服务支出", "2", table=1601),
            _row(3, "301", "01", "基本工资", "5", "302", "01", "办公费", "", table=1601),
            Row((Piece("5", 4, "page 16 · line 1"),), False, Piece("5", 4, "page 16 · line 1")),
            _row(5, "303", "", "对个人和家庭的补助", "", "302", "02", "印刷费", "2", table=1701),
            _row(6, "人员经费合计", "5", "公用经费合计", "2", table=1701),
            Line(Piece("七、财政拨款“三公”经费支出决算表", 7, "line 7")),
        ),
    )
    assert _shown(split_document(document)) == [
        ["经济分类", "科目名称", "决算数"],
        ["301", "", "工资福利支出", "5"],
        ["301", "01", "基本工资", "5"],
        ["303", "", "对个人和家庭的补助", ""],
        ["人员经费合计", "5"],
        ["经济分类", "科目名称", "决算数"],
        ["302", "", "商品和服务支出", "2"],
        ["302", "01", "办公费", ""],
        ["302", "02", "印刷费", "2"],
        ["公用经费合计", "2"],
        ["5"],
        "七、财政拨款“三公”经费支出决算表",
    ]


def test_the_next_table_with_a_header_of_its_own_is_not_taken_in() -> None:
    document = Document(
        "t",
        "html",
        (
            _row(1, "项目", "决算数", "项目", "决算数", table=1),
            _row(2, "一、上级补助收入", "5", "一、教育支出", "3", table=1),
            _row(3, "项目", "合计", "基本支出", "项目支出", table=2),
            _row(4, "合计", "3", "2", "1", table=2),
        ),
    )
    shown = _shown(split_document(document))
    assert shown[-2:] == [["项目", "合计", "基本支出", "项目支出"], ["合计", "3", "2", "1"]]
