"""Round trips: generated reports (with blanks, unknown values and awkward text) rendered to xlsx, docx, txt and
html read back to the same data: xlsx and docx by ``gaidsl readback`` (everything: values, fields, texts), txt
and html by ``gaidsl ingest`` (the published-report reader: every value and text)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.api import load_spec
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.forms.layout import paragraphs
from gaidsl.forms.readback import read_bytes
from gaidsl.ingest import ingest_bytes, ingest_text
from gaidsl.language import ir
from gaidsl.sampling.samples import valid_reports
from gaidsl.sampling.strategies import reports
from tests.render_support import ROOT, normalised, spec, spec_from_text, target
from tests.support import examples, run_cli

NAMES = ("2021", "overlay")
ENGLISH = ROOT / "tests" / "data" / "language" / "foia_initial_requests_en.gai"
SETTINGS = settings(max_examples=examples(0.2))
AWKWARD = st.sampled_from(
    ["<script>alert(1)</script>", "A & B", "\"引号\" 与 '单引号'", '=HYPERLINK("http://x","y")', "+cmd", "-1", "@SUM"]
)


@st.composite
def filled(draw: Any, s: ir.Spec, unknown: bool = True, awkward: st.SearchStrategy[str] = AWKWARD) -> Report:
    """A valid generated report, then some cells blanked (and some unknown), texts with awkward lines."""
    report: Report = draw(reports(s))
    keys = sorted(s.cells)
    values = dict(report.values)
    for key in draw(st.lists(st.sampled_from(keys), max_size=12, unique=True)):
        values[key] = BLANK
    if unknown:
        for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
            values[key] = UNKNOWN
    texts = dict(report.texts)
    for key in sorted(texts):
        if draw(st.booleans()):
            extra = draw(awkward)
            texts[key] = f"{texts[key]}\n{extra}" if isinstance(texts[key], str) else extra
    return attrs.evolve(report, values=values, texts=texts)


def paragraph_texts(report: Report) -> Report:
    """The report with each text as its paragraphs (what a document keeps of a text: non-empty lines, trimmed)."""
    texts = {k: "\n".join(paragraphs(v)) if isinstance(v, str) else v for k, v in report.texts.items()}
    return attrs.evolve(report, texts={k: v for k, v in texts.items() if v != ""})


def read(s: ir.Spec, data: bytes, suffix: str) -> Report:
    loaded = read_bytes(s, data, suffix, f"report{suffix}")
    assert loaded.report is not None, loaded.diagnostics
    return loaded.report


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_round_trip(name: str) -> None:
    s = spec(name)

    @SETTINGS
    @given(filled(s))
    def check(report: Report) -> None:
        back = read(s, target("xlsx").render(s, report), ".xlsx")
        assert normalised(back) == normalised(report)

    check()


@pytest.mark.parametrize("name", NAMES)
def test_docx_round_trip(name: str) -> None:
    """Half the examples of the other round trips (a docx is costly to write and read), but each reads back two
    documents, the report and the form: as many round trips as the others."""
    s = spec(name)

    @settings(max_examples=examples(0.1))
    @given(filled(s))
    def check(report: Report) -> None:
        back = read(s, target("docx").render(s, report), ".docx")
        assert normalised(back) == normalised(paragraph_texts(report))
        form = read(s, target("docx").form(s, report), ".docx")
        assert normalised(form) == normalised(paragraph_texts(report))

    check()


@pytest.mark.parametrize(("name", "awkward"), [("english", "Office; Room 2: east"), ("2021", "甲；乙：丙")])
def test_docx_fields_read_back_in_the_spec_language(name: str, awkward: str) -> None:
    """Title, contact line and signature are read as the spec's language writes them ("Agency: …; Contact: …" as
    well as 「地址：…；邮编：…」): an English report's fields were lost before; a value holding the separator and the
    colon stays whole."""
    s = spec_from_text(ENGLISH.read_text(encoding="utf-8")) if name == "english" else spec(name)

    @settings(max_examples=examples(0.1))
    @given(filled(s, unknown=False))
    def check(report: Report) -> None:
        text_field = next(k for k, f in s.fields.items() if f.type.kind == "text" and k not in ("body", "published"))
        report = attrs.evolve(report, fields={**report.fields, text_field: f"{report.fields[text_field]}{awkward}"})
        back = read(s, target("docx").render(s, report), ".docx")
        assert back.fields == report.fields
        assert normalised(back) == normalised(paragraph_texts(report))

    check()


def _ingested_values(report: Report) -> dict[str, Decimal]:
    return {k: v for k, v in report.values.items() if isinstance(v, Decimal)}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_txt_and_html_read_back_by_ingest(name: str, fmt: str) -> None:
    s = spec(name)

    awkward = AWKWARD

    @SETTINGS
    @given(filled(s, unknown=False, awkward=awkward))
    def check(report: Report) -> None:
        rendered = target(fmt).render(s, report)
        if fmt == "text":
            result = ingest_text(s, rendered, "report.txt")
        else:
            result = ingest_bytes(s, rendered.encode("utf-8"), "report.html")
        back = result.ingested.report
        assert _ingested_values(back) == _ingested_values(report)
        blanks = {k for k in s.cells if report.value(k) is BLANK}
        assert {k for k in s.cells if back.value(k) is BLANK} == blanks
        expected = paragraph_texts(report)
        for key, text in expected.texts.items():
            assert "\n".join(paragraphs(str(back.texts.get(key, "")))) == text, key
        assert back.fields.get("body") == report.fields.get("body")
        assert back.fields.get("year") == report.fields.get("year")

    check()


def test_html_paragraph_that_looks_like_markup_survives_ingest() -> None:
    s = spec("2021")
    report = Report(s.id, s.version, {"body": "某局", "year": Decimal(2023)}, {"problems": "<script>x</script>"})
    html = target("html").render(s, report)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    back = ingest_bytes(s, html.encode("utf-8"), "report.html").ingested.report
    assert back.texts.get("problems") == "<script>x</script>"


def _moved(document: bytes, table: int, row: int, how: str) -> bytes:
    """The Word report with, in its ``table``-th table, a copy of row ``row`` inserted under it (``copy``), an empty
    row inserted there (``empty``), or the row deleted (``delete``), as a person edits the table in Word."""
    import io
    from copy import deepcopy

    import docx

    doc = docx.Document(io.BytesIO(document))
    tr = doc.tables[table].rows[row]._tr
    if how == "delete":
        tr.getparent().remove(tr)
    else:
        added = deepcopy(tr)
        if how == "empty":
            for text in added.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
                text.text = ""
        tr.addnext(added)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_row_added_or_removed_in_word_never_moves_values() -> None:
    """The values of a fixed table are read from the rows whose labels are the form's: a row deleted in Word, or a
    copy of a row inserted (its values in no cell), is GAI728 at that row, and nothing is read from a row below it
    as another's (every value under an inserted row was read from the row above its own, exit 0); an empty row
    inserted in Word changes nothing."""
    s = spec("2021")
    report = valid_reports(s, 1, seed=5)[0]
    document = target("docx").render(s, report)  # its 2nd table's 5th row: 二、上年结转…, no merged cells
    assert normalised(read(s, _moved(document, 1, 4, "empty"), ".docx")) == normalised(paragraph_texts(report))
    for row, how, place in ((4, "copy", "table 2 · row 6"), (4, "delete", "table 2"), (9, "copy", "table 2 · row 11")):
        loaded = read_bytes(s, _moved(document, 1, row, how), ".docx", "report.docx")
        assert loaded.report is None and [d.code for d in loaded.diagnostics] == ["GAI728"], loaded.diagnostics
        (problem,) = loaded.diagnostics
        assert problem.place is not None and problem.place.en == place and problem.place.zh.startswith("表格 2")


@pytest.mark.parametrize(("edit", "sheet"), [("row", 2), ("column", 2), ("row", 0)])  # 0: 报告信息, the fields
def test_a_row_or_column_inserted_in_excel_never_moves_values(edit: str, sheet: int) -> None:
    """The workbook's `_gaidsl` sheet says where each value is; a row or column inserted in Excel moves the cells,
    not those places, and every value after it was read as another cell's (exit 0). A value no longer under its
    row's and column's labels is GAI728 at its cell, and nothing is read."""
    import io

    from openpyxl import load_workbook

    s = spec("2021")
    report = valid_reports(s, 1, seed=5)[0]
    wb = load_workbook(io.BytesIO(target("xlsx").render(s, report)))
    name = wb.sheetnames[sheet]  # 2: 三、收到和处理政府信息公开申请情况
    if edit == "row":
        wb[name].insert_rows(8 if sheet else 5)
    else:
        wb[name].insert_cols(5)
    out = io.BytesIO()
    wb.save(out)
    loaded = read_bytes(s, out.getvalue(), ".xlsx", "report.xlsx")
    assert loaded.report is None and {d.code for d in loaded.diagnostics} == {"GAI728"}, loaded.diagnostics
    (problem,) = loaded.diagnostics
    assert problem.place is not None and problem.place.en.startswith(f"{name}!")


PRINTED = [  # components_bilingual in English alone is refused its Chinese choice values (GAI719)
    *(("components_bilingual", "zh,en", to) for to in ("docx", "xlsx")),
    *(("foia_initial_requests_bilingual", lang, to) for lang in ("zh,en", "en") for to in ("docx", "xlsx")),
]


@pytest.mark.parametrize(("name", "lang", "to"), PRINTED)
def test_a_form_printed_in_another_of_the_spec_s_languages_reads_back(
    name: str, lang: str, to: str, tmp_path: Path
) -> None:
    """A bilingual spec's report rendered with `--lang zh,en` (each label followed by its translation) or in its
    other language reads back to the same values and members (a Word document crashed in readback, its contact line
    not found; its rows are found by their labels or their translations) and fields (but the year, which an English
    title of a Chinese spec does not give back)."""
    path = ROOT / "tests" / "data" / "language" / f"{name}.gai"
    s = load_spec(path)
    report = valid_reports(s, 1, seed=2)[0]
    data, out = tmp_path / "report.json", tmp_path / f"report.{to}"
    data.write_text(report.to_json(), encoding="utf-8")
    rendered = run_cli("render", "--to", to, "--lang", lang, str(path), str(data), "-o", str(out))
    assert rendered.code == 0, rendered.err
    back = read(s, out.read_bytes(), f".{to}")
    assert normalised(back)["values"] == normalised(report)["values"] and back.members == report.members
    lost = {"year"} if (lang, to) == ("en", "docx") and s.language == "zh" else set()
    assert {k: v for k, v in back.fields.items() if k not in lost} == {
        k: v for k, v in report.fields.items() if k not in lost and v is not BLANK
    }
