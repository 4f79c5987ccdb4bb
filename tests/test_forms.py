"""The blank forms: ``gaidsl build --target html-form,xlsx,docx`` for both specs and the overlay; the HTML form is
one offline file with typed, labelled inputs and the validator inlined; the workbook has validation, protection,
check formulas that agree with the reference evaluator (recomputed by LibreOffice where it is installed) and
conditional formats; the Word form has the fonts, the merged headers and page numbers."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN
from gaidsl.forms.layout import cell_headers
from gaidsl.sampling.samples import invalid_reports, valid_reports
from tests.render_support import SOFFICE, SPEC_FILES, STATUS_NAMES, recalculated_checks, spec, target
from tests.support import run_cli

NAMES = list(SPEC_FILES)


@pytest.mark.parametrize("name", NAMES)
def test_build_forms_for_every_spec(tmp_path: Path, name: str) -> None:
    run = run_cli("build", str(SPEC_FILES[name]), "--target", "html-form,xlsx,docx", "-o", str(tmp_path))
    assert run.code == 0, run.err
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    s = spec(name)
    stem = f"{s.id}_{s.version}"
    assert written == [
        f"docx/{stem}.blank.docx",
        f"docx/{stem}.form.docx",
        f"html-form/{stem}.form.html",
        f"xlsx/{stem}.xlsx",
    ]


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.textareas: list[dict[str, str | None]] = []
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and "data-cell" in a:
            self.inputs.append(a)
        if tag == "textarea":
            self.textareas.append(a)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(str(a[key]))


@pytest.mark.parametrize("name", NAMES)
def test_html_form_is_offline_typed_and_labelled(name: str) -> None:
    s = spec(name)
    html = next(iter(target("html-form").emit(s).values()))
    assert isinstance(html, str)
    parsed = Inputs()
    parsed.feed(html)
    assert parsed.urls == []  # nothing to fetch: one file that works offline
    assert "export function validate" in html and "@media print" in html
    assert sorted(str(i["data-cell"]) for i in parsed.inputs) == sorted(s.cells)
    for attrs_ in parsed.inputs:
        key = str(attrs_["data-cell"])
        rows, cols = cell_headers(s, key)
        label = str(attrs_["aria-label"])
        assert all(r in label for r in rows) and cols[-1] in label, label
        kind = s.cells[key].type.kind
        assert attrs_["data-kind"] == kind
        assert attrs_["inputmode"] == ("decimal" if kind == "amount" else "numeric")
        if kind == "amount":
            assert "单位：万元" in label
    assert sorted(str(t["data-text"]) for t in parsed.textareas) == sorted(s.texts)
    assert all(t.get("aria-describedby") for t in parsed.textareas)  # the guidance


def _workbook(name: str, report: object = None):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(target("xlsx").render(spec(name), report)))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NAMES)
def test_workbook_validation_protection_and_check_rows(name: str) -> None:
    s = spec(name)
    wb = _workbook(name)
    places = {r[1]: (r[2], r[3]) for r in wb["_gaidsl"].iter_rows(values_only=True) if r[0] == "cell"}
    assert set(places) == set(s.cells)
    validated: dict[str, str] = {}
    for ws in wb.worksheets:
        assert ws.protection.sheet
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                validated[f"{ws.title}!{rng}"] = dv.type
    for key, (sheet, coord) in places.items():
        cell = wb[sheet][coord]
        assert not cell.protection.locked
        kind = s.cells[key].type.kind
        assert validated[f"{sheet}!{coord}"] == ("decimal" if kind == "amount" else "whole")
    locked_labels = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.protection.locked for c in locked_labels if c.coordinate not in {p[1] for p in places.values()})
    checks = wb["校验"]
    positions = sum(len(c.instances) for c in s.checks)
    assert checks.max_row == positions + 1
    assert all(str(checks.cell(r, 9).value).startswith("=") for r in range(2, positions + 2))
    assert len(list(checks.conditional_formatting)) >= 2


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("name", ["2021", "overlay"])
def test_workbook_formulas_agree_with_the_reference_evaluator(tmp_path: Path, name: str) -> None:
    """LibreOffice recomputes the checks sheet of filled workbooks; every status equals gaidsl validate's."""
    s = spec(name)
    reports = [valid_reports(s, 1, seed=3)[0]]
    reports += [v.sample.report for v in invalid_reports(s, seed=3) if v.sample is not None][:12]
    broken = attrs.evolve(
        reports[0], values={**reports[0].values, "requests.received.natural": BLANK, "appeals.review_upheld": UNKNOWN}
    )
    reports.append(broken)
    for report, rows in zip(reports, recalculated_checks(s, reports, tmp_path), strict=True):
        expected = [(r.check, r.status) for r in evaluate(s, report).results]
        got = [(str(row[0]), STATUS_NAMES[str(row[7])]) for row in rows]
        assert got == expected, [(a, b) for a, b in zip(got, expected, strict=True) if a != b][:5]
        differences = [row[6] for row in rows if isinstance(row[6], int | float)]
        assert all(isinstance(Decimal(str(d)), Decimal) for d in differences)


def test_word_form_fonts_merged_headers_page_numbers() -> None:
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(target("docx").form(spec("2021"))))
    styles = {s.name: s for s in doc.styles}
    east_asia = {
        name: styles[name].element.find(qn("w:rPr") + "/" + qn("w:rFonts")).get(qn("w:eastAsia"))
        for name in ("Normal", "Title", "Heading 2")
    }
    assert east_asia == {"Normal": "仿宋_GB2312", "Title": "宋体", "Heading 2": "黑体"}
    assert " PAGE " in doc.sections[0].footer._element.xml
    requests = doc.tables[2]  # 报告信息, part 二, part 三
    corner = requests.cell(0, 0)
    assert corner.text.startswith("（本列数据的勾稽关系为") and corner is not None
    xml = requests._tbl.xml
    assert len(re.findall(r'<w:gridSpan w:val="3"/>', xml)) >= 4  # corner, 一, 二, 四 rows span the row headers
    assert "<w:tblHeader/>" in xml
    outcome = [c for c in requests.column_cells(0) if c.text == "三、本年度办理结果"]
    assert len(outcome) == 22  # one cell merged over the 22 rows of 三
