"""Units of the ingest package: cell values, label keys and fuzzy matching, the layout readers, titles, the
spec choice, and reading a report with the other version's spec (out-of-date and newer layouts)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gaidsl.checking.report import UNKNOWN
from gaidsl.ingest import detect, docx, html, ingest_file, ingest_text, pdf_layout, pipe_text, word_text
from gaidsl.ingest.fields import find_title
from gaidsl.ingest.model import Line, Row
from gaidsl.ingest.normalise import THRESHOLD, coverage, fold, label_key, parse_cell, similarity
from gaidsl.migrations.documents import compile_file
from tests.support import present, present_number

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ingest" / "cases"
SPEC_2021 = compile_file(ROOT / "specs" / "gov_info_disclosure_2021.gai").spec
SPEC_2019 = compile_file(ROOT / "specs" / "gov_info_disclosure_2019.gai").spec
assert SPEC_2021 is not None and SPEC_2019 is not None


# ---------------------------------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("raw", "kind", "number", "note"),
    [
        ("22", "number", "22", None),
        ("22（其中修订16件）", "number", "22", "（其中修订16件）"),
        ("22 (含转办3件)", "number", "22", "(含转办3件)"),
        ("２２", "number", "22", None),
        ("1,234,567", "number", "1234567", None),
        ("96171.6", "number", "96171.6", None),
        ("96171.60", "number", "96171.60", None),
        ("96171.6万元", "number", "96171.6", None),
        ("+1036", "number", "1036", None),
        ("-8", "number", "-8", None),
        ("12件", "number", "12", None),
        ("\n0", "number", "0", None),
        ("", "blank", None, None),
        ("  ", "blank", None, None),
        ("—", "dash", None, None),
        ("/", "dash", None, None),
        ("1.属于国家秘密", "text", None, None),
        ("2023年", "text", None, None),
        ("100%", "text", None, None),
        ("无", "text", None, None),
    ],
)
def test_parse_cell(raw: str, kind: str, number: str | None, note: str | None) -> None:
    cell = parse_cell(raw)
    assert cell.kind == kind
    if number is not None:
        assert cell.number is not None and str(cell.number) == number
    assert cell.note == note


def test_value_broken_over_lines_is_joined() -> None:
    cell = parse_cell("12\n34")
    assert cell.number == Decimal(1234) and cell.joined


def test_label_keys_fold_width_and_punctuation() -> None:
    assert label_key("（一）予以公开") == label_key("(一) 予以 公开") == "一予以公开"
    assert label_key("1.属于国家秘密") == label_key("1、属于国家秘密") == label_key("１．属于国家秘密")
    assert label_key("3.危及“ 三安全一稳定  ”") == label_key('3.危及"三安全一稳定"') == "3危及三安全一稳定"
    assert fold("ＡＢＣ１２３　") == "ABC123 "


def test_fuzzy_matching() -> None:
    label = label_key("2.其他法律行政法规禁止公开")
    assert coverage(label, label_key("本2.其他法律行政法规禁止公开")) == 1.0
    assert similarity(label, label_key("2.其他法律行政止公开")) >= THRESHOLD  # characters dropped (OCR)
    split = label_key("1、申请人无正当理由逾期不补") + "六其" + label_key("正、行政机关不再处理其政府信息公开申请")
    assert coverage(label_key("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"), split) >= THRESHOLD
    assert coverage(label_key("1.属于国家秘密"), label_key("1.本机关不掌握相关政府信息")) < THRESHOLD


# ---------------------------------------------------------------------------------------------------- readers


def test_word_text_cells_continuations_and_markers() -> None:
    text = "标题\n\t商业\n企业\n\t\n0\n\n[bookmark: _GoBack]正文\n\t一\t二\n"
    document = word_text.read(text)
    rows = [b for b in document.blocks if isinstance(b, Row)]
    assert [c.text for c in rows[0].cells] == ["商业\n企业", "\n0"]
    assert rows[0].cells[1].where == "lines 4–5"
    assert [c.text for c in rows[1].cells] == ["一", "二"]
    assert any(isinstance(b, Line) and b.text == "正文" for b in document.blocks)
    assert document.notes and "bookmark" in document.notes[0]


def test_pipe_text_markdown_and_full_width_bars() -> None:
    document = pipe_text.read("| 规章 ｜ 1 |  | 3 |\n|---|---|---|---|\n段落\n")
    row, line = document.blocks
    assert isinstance(row, Row) and [c.text for c in row.cells] == ["规章", "1", "", "3"]
    assert isinstance(line, Line) and line.text == "段落"


def test_pdf_layout_rows_positions_and_page_numbers() -> None:
    text = "规章              1        0       11\n                  -4 -\n三、\n本   2.其他      30      1\n"
    document = pdf_layout.read(text)
    first = document.blocks[0]
    assert isinstance(first, Row) and [c.text for c in first.cells] == ["规章", "1", "0", "11"]
    assert [c.x for c in first.cells] == [0, 16, 25, 33]
    assert document.notes and "-4 -" in document.notes[0]
    assert isinstance(document.blocks[1], Line) and document.blocks[1].text == "三、"


def test_html_rows_entities_and_scripts() -> None:
    page = (
        "<html><head><title>t</title><script>var s='<td>9</td>';</script></head><body><p>一、总体情况</p>"
        '<table><tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>&nbsp;</td><td>1<br>2</td></tr>'
        "<tr><td>A&amp;B</td><td> 3 </td></tr></table><div>尾</div></body></html>"
    )
    document = html.read(page)
    texts = [b.text for b in document.blocks if isinstance(b, Line)]
    rows = [[c.text for c in b.cells] for b in document.blocks if isinstance(b, Row)]
    assert texts == ["一、总体情况", "尾"]
    assert rows == [["三、本年度办理结果", "（一）予以公开", "", "1\n2"], ["A&B", "3"]]


def test_docx_merged_cells() -> None:
    document = detect.read_document((CASES / "05_docx_tidy.docx").read_bytes(), "x.docx")
    assert document.route == "docx"
    rows = [b for b in document.blocks if isinstance(b, Row)]
    outcome = [
        r for r in rows if any(c.text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" for c in r.cells)
    ]
    assert outcome and outcome[0].cells[0].text == ""  # continuing the vertical merge of 三、本年度办理结果
    assert outcome[0].cells[1].where.startswith("table 2 · row ")
    with pytest.raises(docx.DocxError):
        docx.read_bytes(b"PK\x03\x04 junk")


def test_route_detection() -> None:
    assert detect.read_document("\t规章\n\t1\n".encode(), "a.txt").route == "word_text"
    assert detect.read_document("规章 | 1 | 2\n规章 | 1 | 2\n".encode(), "a.txt").route == "pipe_text"
    assert detect.read_document("规章        1        2\n".encode(), "a.txt").route == "pdf_layout"
    assert detect.read_document(b"<p>x</p>", "a.html").route == "html"
    assert detect.read_document("规章\t1\n".encode("gb18030"), "a.txt").blocks
    with pytest.raises(detect.Unreadable):
        detect.read_document(b"%PDF-1.4 ...", "a.pdf")


# ---------------------------------------------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("lines", "body", "year"),
    [
        (["九甲镇2023年政府信息公开工作年度报告"], "九甲镇", 2023),
        (["# source: somewhere", "沭阳县发展和改革局2023年政府信息公开年度报告"], "沭阳县发展和改革局", 2023),
        (["淮安市人民政府", "2024年政府信息公开工作年度报告"], "淮安市人民政府", 2024),
        (["2024年度某某乡人民政府政府信息公开工作年度报告"], "某某乡人民政府", 2024),
        (["关于某某区2022年度政府信息公开工作年度报告"], "某某区", 2022),
        (["某某区政府信息公开工作年度报告"], "某某区政府信息公开工作年度报告", None),
    ],
)
def test_title(lines: list[str], body: str | None, year: int | None) -> None:
    document = pipe_text.read("\n".join(lines))
    title = find_title(document.blocks)
    assert title is not None
    if year is None:
        assert title.year is None
    else:
        assert (title.body, title.year) == (body, year)


# ---------------------------------------------------------------------------------------------------- specs


def test_auto_spec_choice() -> None:
    specs = detect.shipped_specs()  # every shipped closed format: the financial statements too
    gov = [s for s in specs if s.id == "gov_info_disclosure"]
    assert [s.version for s in gov] == ["2019", "2021"]
    assert "enterprise_financial_statements" in {s.id for s in specs}
    own_2021 = detect.own_labels(gov[1], specs)
    own_2019 = detect.own_labels(gov[0], specs)
    assert "现行有效件数" in own_2021 and "本年处理决定数量" in own_2021
    assert "对外公开总数量" in own_2019 and "第二十条九项" in own_2019  # the key drops an item's 第
    assert not set(own_2021) & set(own_2019)
    for name, version in (("12_format_2019.txt", "2019"), ("11_out_of_date_six.txt", "2021")):
        assert ingest_file(specs, CASES / name).spec.version == version


def test_2019_report_with_the_2021_spec_reads_what_it_can() -> None:
    assert SPEC_2021 is not None
    result = ingest_file(SPEC_2021, CASES / "12_format_2019.txt")
    ingested = result.ingested
    codes = [e.code for e in ingested.log]
    assert "ING151" in codes and "ING140" in codes  # part 二 headers differ; （六） is one row
    assert all(k.startswith(("regulatory_documents.", "licensing.", "enforcement.", "fees.")) for k in ingested.unread)
    assert ingested.report.values["requests.fee_unpaid.natural"] is UNKNOWN
    assert ingested.provenance["requests.other_reasons.natural"].how == "migrated"


def test_2021_report_with_the_2019_spec_sums_the_three_rows() -> None:
    assert SPEC_2019 is not None and SPEC_2021 is not None
    newer = ingest_file(SPEC_2021, CASES / "02_pipe_text_tidy.txt").ingested.report.values
    older = ingest_file(SPEC_2019, CASES / "02_pipe_text_tidy.txt").ingested
    for column in ("natural", "business", "total"):
        parts = [
            present_number(newer[f"requests.{row}.{column}"])
            for row in ("no_correction", "fee_unpaid", "other_reasons")
        ]
        assert older.report.values[f"requests.other_handling.{column}"] == sum(parts, Decimal(0))
    assert older.provenance["requests.other_handling.natural"].how == "merged"
    assert "ING141" in {e.code for e in older.log}


def test_never_invents_a_value() -> None:
    assert SPEC_2021 is not None
    text = (
        "某县2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 | 3 | 1\n"
    )
    result = ingest_text(SPEC_2021, text)
    values = result.ingested.report.values
    assert not any(k.startswith("requests.received.") for k in values)  # 2 cells for 7 columns: not read
    assert {e.code for e in result.ingested.log} >= {"ING130", "ING100"}
    assert len(result.ingested.unread) == 200


def test_empty_merged_cells_beyond_the_columns() -> None:
    from gaidsl.ingest.model import Piece
    from gaidsl.ingest.tables import split_row

    def row(*texts: str) -> Row:
        cells = tuple(Piece(t, 1, f"cell {i}") for i, t in enumerate(texts))
        return Row(cells, True, Piece(" | ".join(texts), 1, "line 1"))

    assert [p.text for p in split_row(row("规章", "1", "2", "3", ""), 3)[1]] == ["1", "2", "3"]
    assert [p.text for p in split_row(row("规章", "", "1", "2", "3"), 3)[1]] == ["1", "2", "3"]
    assert [p.text for p in split_row(row("规章", "", "1", "2", ""), 2)[1]] == ["1", "2"]
    assert [p.text for p in split_row(row("规章", "", "1", ""), 2)[1]] == ["", "1", ""]  # ambiguous: kept
    assert [p.text for p in split_row(row("规章", "0", "1", "2", "3"), 3)[1]] == ["0", "1", "2", "3"]


def test_part_titles_written_differently() -> None:
    assert SPEC_2021 is not None
    text = (CASES / "02_pipe_text_tidy.txt").read_text(encoding="utf-8")
    text = text.replace("一、总体情况", "第一部分  总体情况").replace(
        "六、其他需要报告的事项", "（六）其他需要报告的事项"
    )
    result = ingest_text(SPEC_2021, text)
    assert result.ingested.unread == ()
    assert present(result.ingested.report.texts["overview"]).startswith("（一）主动公开情况。")
    assert present(result.ingested.report.texts["other_matters"]).endswith("未收取政府信息公开信息处理费。")


def test_body_and_year_from_the_text_when_the_title_lacks_them() -> None:
    assert SPEC_2021 is not None
    text = (CASES / "02_pipe_text_tidy.txt").read_text(encoding="utf-8").split("\n", 1)[1]  # no title line
    text = "现向社会公布某某县水务局2023年度政府信息公开工作年度报告。\n" + text
    ingested = ingest_text(SPEC_2021, text).ingested
    assert ingested.report.fields["body"] == "某某县水务局"
    assert ingested.report.fields["year"] == Decimal(2023)
    assert "ING022" in {e.code for e in ingested.log}
    only_period = (CASES / "02_pipe_text_tidy.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    ingested = ingest_text(SPEC_2021, only_period).ingested  # the preamble states the period 2022年1月1日至…
    assert ingested.report.fields["year"] == Decimal(2022)
    assert "body" not in ingested.report.fields
    assert {"ING020", "ING022"} <= {e.code for e in ingested.log}


def test_markdown_around_html_tables() -> None:
    page = (
        "# 某某局2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n第一段。\n\n第二段。\n\n"
        '<table><tr><th>行政许可</th><td class="value">7</td></tr></table>\n\n'
        "## 五、存在的主要问题及改进情况\n\n问题。\n"
    )
    document = html.read(page)
    texts = [b.text for b in document.blocks if isinstance(b, Line)]
    assert texts[:4] == ["# 某某局2023年政府信息公开工作年度报告", "## 一、总体情况", "第一段。", "第二段。"]
    title = find_title(document.blocks)
    assert title is not None and (title.body, title.year) == ("某某局", 2023)
