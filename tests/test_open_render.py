"""The renderers of a filled report (html, markdown, text, pdf, docx) for specs with open dimensions and lists of
records (issue 15; docs/open-dimensions.md#rendering-a-report, docs/records.md): open rows as entered, a key column
then the label (a coded hierarchy's name indented by its level), the fixed rows (合计, AGENCY OVERALL) where the spec
puts them; a table per list of records, one row per record and a column per field. Goldens in
tests/golden/forms/open/ (GAIDSL_UPDATE_GOLDEN=1 to refresh, then review)."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest

from gaidsl.api import load_report, load_spec
from gaidsl.checking.report import EnteredMember, Report
from gaidsl.forms.layout import BLANK_ROWS, grid_dump, printed, value_text
from gaidsl.language import ir
from gaidsl.sampling.samples import valid_samples
from tests.render_support import ROOT, check_golden, docx_dump, spec_from_text, target
from tests.support import run_cli

DATA = ROOT / "tests" / "data"
DFA = ROOT / "specs" / "department_final_accounts_2024.gai"
FOIA = ROOT / "specs" / "foia_annual_report_2024.gai"
PUTUO = DATA / "department_final_accounts" / "putuo_finance_2024.yaml"
AGENCY = DATA / "open" / "agency_components.gai"
SUBJECTS = DATA / "open" / "function_subjects.gai"
RECORDS = DATA / "records" / "other_explained.gai"
PROJECTS = DATA / "records" / "projects.gai"


@functools.cache
def spec(path: Path) -> ir.Spec:
    return load_spec(path)


@functools.cache
def report(spec_path: Path, data: Path) -> Report:
    return load_report(spec(spec_path), data)


def pdf_html(s: ir.Spec, r: Report | None) -> str:
    """The HTML the pdf target hands to WeasyPrint (the PDF is still made and must be one)."""
    pdf = target("pdf")
    laid_out: list[str] = []
    pdf_bytes: Callable[[str], bytes] = pdf.html_to_pdf

    def to_pdf(html: str) -> bytes:
        laid_out.append(html)
        return pdf_bytes(html)

    with mock.patch.object(pdf, "html_to_pdf", to_pdf):
        data = pdf.render(s, r)
    assert data.startswith(b"%PDF-") and len(laid_out) == 1
    return laid_out[0]


# ---------------------------------------------------------------------------------------------------- goldens


def test_department_final_accounts_goldens() -> None:
    s, r = spec(DFA), report(DFA, PUTUO)
    check_golden("open/putuo_finance_2024.txt", target("text").render(s, r))
    check_golden("open/putuo_finance_2024.docx.txt", docx_dump(target("docx").render(s, r)))


def test_components_and_records_goldens() -> None:
    s = spec(AGENCY)
    check_golden("open/components_1.md", target("markdown").render(s, report(AGENCY, DATA / "open/components_1.yaml")))
    check_golden("open/agency_components.blank.txt", target("text").render(s, None))
    s = spec(RECORDS)
    r = report(RECORDS, DATA / "records" / "explained_2.json")
    check_golden("open/explained_2.html", target("html").render(s, r))
    check_golden("open/explained_2.txt", target("text").render(s, r))
    check_golden("open/explained_2.pdf.html", pdf_html(s, r))
    check_golden("open/other_explained.blank.txt", target("text").render(s, None))
    check_golden("open/other_explained.layout.txt", "\n\n".join(grid_dump(g, r) for g in printed(s, r).grids()))


# ---------------------------------------------------------------------------------------------------- what is drawn


class Rows(HTMLParser):
    """The rows of every table of a page: each a list of (tag, text, attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, str, dict[str, str | None]]]]] = []
        self._cell: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell, self._text = (tag, dict(attrs)), []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append((self._cell[0], "".join(self._text), self._cell[1]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)


def html_tables(page: str) -> list[list[list[tuple[str, str, dict[str, str | None]]]]]:
    parsed = Rows()
    parsed.feed(page)
    return parsed.tables


@pytest.mark.parametrize("to", ["html", "markdown"])
def test_each_entered_row_is_its_key_its_label_and_its_values_in_the_report_order(to: str) -> None:
    s = spec(AGENCY)
    r = report(AGENCY, DATA / "open" / "components_40.json")
    members = r.members["component"]
    tables = html_tables(target(to).render(s, r))
    assert len(tables) == 2  # requests, staff
    for table, key in zip(tables, ("requests", "staff"), strict=True):
        body = table[1:]
        assert [(row[0][1], row[1][1]) for row in body[: len(members)]] == [(m.key, m.label) for m in members]
        for row, member in zip(body, members, strict=False):
            for _, text, attrs in row[2:]:
                cell = attrs["data-cell"]
                assert cell is not None and cell.startswith(f"{key}.{member.key}.")
                assert text == value_text(r.value(cell))
        total = body[-1]
        assert total[0][1] == "AGENCY OVERALL" and total[0][2]["colspan"] == "2"  # the fixed row spans both


def test_the_text_report_has_a_line_per_entered_row() -> None:
    s = spec(AGENCY)
    r = report(AGENCY, DATA / "open" / "components_40.json")
    lines = target("text").render(s, r).splitlines()
    for member in r.members["component"]:
        found = [
            line for line in lines if re.match(rf"\| {re.escape(member.key)} +\| {re.escape(member.label)} +\|", line)
        ]
        assert len(found) == 2, member  # once in each table
        received = value_text(r.value(f"requests.{member.key}.received"))
        assert f" {received} |" in found[0]


def test_coded_rows_are_indented_by_level_and_fixed_rows_stay_in_place() -> None:
    s, r = spec(SUBJECTS), report(SUBJECTS, DATA / "open" / "function_subjects_valid.json")
    opened = s.open_dimensions["subject"]
    assert opened.coded is not None
    members = r.members["subject"]
    levels = [opened.coded.level_of(m.key) or 0 for m in members]
    assert set(levels) == {0, 1, 2}
    # text: two spaces a level before the name
    lines = target("text").render(s, r).splitlines()
    names = [line.split("|")[2][1:] for line in lines if line[2:3].isdigit()]
    assert [len(n) - len(n.lstrip(" ")) for n in names] == [2 * level for level in levels]
    # html: the name's header cell padded by level; the total where the spec writes it
    (table,) = html_tables(target("html").render(s, r))
    body = table[1:]
    styles = [row[1][2].get("style") or "" for row in body if row[0][1][:1].isdigit()]
    assert [("1.8em" in st, "3.3em" in st) for st in styles] == [(lv == 1, lv == 2) for lv in levels]
    closed = printed(s, r)
    grid = next(closed.grids())
    order = [b.text for b in grid.boxes if b.role == "row" and b.col == 0]
    assert order == [m.key for m in members] + ["合计"]
    # docx: the name's paragraph indented (9 pt a level)
    import docx

    doc = docx.Document(io.BytesIO(target("docx").render(s, r)))
    indents = [
        (row.cells[1].paragraphs[0].paragraph_format.left_indent or 0)
        for row in doc.tables[-1].rows[1 : len(members) + 1]
    ]
    assert [round(i / 12700) for i in indents] == [9 * level for level in levels]  # EMU → points


TOTAL_FIRST = """
format total_first version 1 {
  dimension unit "单位" open {
    key pattern "[0-9]{3}"
    total all "合计"
    hq "本级"
  }
  section money "一、金额" {
    table amounts "金额表" : count {
      columns { amount "金额" }
      rows unit
    }
  }
}
"""


def test_fixed_rows_stay_where_the_spec_writes_them() -> None:
    s = spec_from_text(TOTAL_FIRST)
    members = (EnteredMember("101", "一分局"), EnteredMember("102", "二分局"))
    r = Report(s.id, s.version, values={"amounts.101.amount": Decimal(3)}, members={"unit": members})
    (grid,) = printed(s, r).grids()
    rows = [(b.text, b.colspan, b.entered_key) for b in grid.boxes if b.role == "row" and b.col == 0]
    assert rows == [("合计", 2, False), ("本级", 2, False), ("101", 1, True), ("102", 1, True)]
    text = target("text").render(s, r)
    assert re.search(r"\| 101 \| 一分局 +\| +3 \|", text), text
    # the department accounts: 合计 after the entered 科目 (a lone total), spanning the code and name columns
    grid = next(g for g in printed(spec(DFA), report(DFA, PUTUO)).grids() if g.key == "expense")
    rows_dfa = [b for b in grid.boxes if b.role == "row" and b.col == 0]
    assert rows_dfa[-1].text == "合计" and rows_dfa[-1].colspan == 2 and all(b.entered_key for b in rows_dfa[:-1])


def test_each_record_is_a_row_with_a_column_per_field() -> None:
    s = spec(PROJECTS)
    found = valid_samples(s, 2, 0)[1].report
    count = found.records["projects"]
    assert count > 1
    fields = s.records["projects"].fields
    (_, table) = html_tables(target("html").render(s, found))
    assert [text for _, text, _ in table[0]] == ["序号", *(f.label for f in fields)]
    assert len(table) == 1 + count
    for index, row in enumerate(table[1:], start=1):
        assert row[0][1] == str(index)
        assert [text for _, text, _ in row[1:]] == [
            value_text(found.value(f"projects.{index}.{f.key}")) for f in fields
        ]
    lines = [line for line in target("text").render(s, found).splitlines() if re.match(r"\| \d+ +\|", line)]
    assert len(lines) == count


def test_a_blank_report_has_rows_to_fill() -> None:
    lay = printed(spec(RECORDS), None)
    requests, explanations = list(lay.grids())
    assert sum(1 for b in requests.boxes if b.entered_key and b.text == "") == BLANK_ROWS
    assert explanations.height == 1 + BLANK_ROWS


def test_the_foia_report_draws_forty_components() -> None:
    s = spec(FOIA)
    sample = valid_samples(s, 3, 0)[2].report  # 0, 1, 40 members
    assert len(sample.members["component"]) == 40
    text = target("text").render(s, sample)
    for member in sample.members["component"]:
        assert re.search(rf"^\| {re.escape(member.key)} +\| {re.escape(member.label)} +\|", text, re.MULTILINE)


# ---------------------------------------------------------------------------------------------------- command line


@pytest.mark.parametrize("to", ["html", "md", "txt", "docx", "pdf"])
def test_gaidsl_render_writes_every_format(to: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{to}"
    run = run_cli("render", str(RECORDS), str(DATA / "records" / "explained_2.json"), "-t", to, "-o", str(out))
    assert run.code == 0, run.err
    data = out.read_bytes()
    if to in ("html", "md", "txt"):
        assert "Referred to another agency" in data.decode("utf-8") and "Civil" in data.decode("utf-8")
    else:
        assert data[:4] in (b"%PDF", b"PK\x03\x04")


def test_the_sql_target_builds_records_beside_open_dimensions(tmp_path: Path) -> None:
    """The sql target takes records beside open dimensions too (tests/test_records_sql_open.py): built with html."""
    other = DATA / "records" / "other_explained.gai"
    run = run_cli("build", str(other), "-t", "html,sql", "-o", str(tmp_path / "out"))
    assert run.code == 0 and "Traceback" not in run.err, run.err
    schema = (tmp_path / "out" / "sql" / "sqlite" / "schema.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE reports_m0" in schema and "CREATE TABLE reports_r0" in schema
    assert any((tmp_path / "out").glob("**/*.html"))
