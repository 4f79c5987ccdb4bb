"""An unknown value is printed in the spec's language by every renderer (issue 16, docs/languages.md): 未知 in a
Chinese spec (unchanged: the goldens keep it), ``unknown`` in an English one — in the grid cells, the fields and the
text blocks of the HTML (and so PDF), Markdown, text, Word and Excel renderings — and ``gaidsl readback`` reads the
word of the spec's language back as unknown."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import gaidsl
from gaidsl.checking.report import BLANK, UNKNOWN, Report, Value
from gaidsl.forms.layout import unknown_text
from gaidsl.forms.readback import read_bytes
from gaidsl.language import ir
from tests.render_support import docx_dump, normalised, spec, target, xlsx_dump

ENGLISH = gaidsl.load_spec(Path(__file__).resolve().parent / "data" / "language" / "foia_initial_requests_en.gai")
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _with_unknowns(s: ir.Spec) -> Report:
    """A report of ``s`` with one cell, one field and one text block unknown, the rest blank or a number."""
    cells = sorted(s.cells)
    values: dict[str, Value] = {key: (UNKNOWN if n == 1 else Decimal(n)) for n, key in enumerate(cells[:4])}
    fields = {key: UNKNOWN for key in list(s.fields)[:1]}
    texts = {key: UNKNOWN for key in list(s.texts)[:1]}
    report = gaidsl.load_report(s, {"format": s.id, "version": s.version})
    return attrs.evolve(report, values={**report.values, **values}, fields={**report.fields, **fields}, texts=texts)


def _rendered(name: str, s: ir.Spec, report: Report) -> str:
    output = target(name).render(s, report)
    if name == "docx":
        assert isinstance(output, bytes)
        return docx_dump(output)
    if name == "xlsx":
        assert isinstance(output, bytes)
        return xlsx_dump(output)
    assert isinstance(output, str)
    return output


def test_the_word_is_the_specs() -> None:
    assert unknown_text("zh") == "未知" and unknown_text("en") == "unknown"


@pytest.mark.parametrize("name", ["html", "markdown", "text", "docx", "xlsx"])
def test_an_english_spec_prints_unknown_in_english(name: str) -> None:
    report = _with_unknowns(ENGLISH)
    assert list(ENGLISH.texts) and list(ENGLISH.fields), "the spec has a text block and fields to make unknown"
    shown = _rendered(name, ENGLISH, report)
    assert "未知" not in shown and not CJK.search(shown), name
    # the unknown cell and text block at least (not every rendering prints every field)
    assert shown.count("unknown") >= 2, (name, shown.count("unknown"))
    blank = _rendered(name, ENGLISH, gaidsl.load_report(ENGLISH, {"format": ENGLISH.id, "version": ENGLISH.version}))
    assert shown.count("unknown") > blank.count("unknown"), name


@pytest.mark.parametrize("name", ["html", "markdown", "text", "docx", "xlsx"])
def test_a_chinese_spec_keeps_its_word(name: str) -> None:
    s = spec("2021")
    shown = _rendered(name, s, _with_unknowns(s))
    assert shown.count("未知") >= 2, name


def test_the_html_marks_the_unknown_cell_in_the_specs_language() -> None:
    shown = _rendered("html", ENGLISH, _with_unknowns(ENGLISH))
    assert '<span class="unknown" title="unknown">unknown</span>' in shown
    chinese = _rendered("html", spec("2021"), _with_unknowns(spec("2021")))
    assert '<span class="unknown" title="未知 / unknown">未知</span>' in chinese


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_readback_takes_the_specs_word_as_unknown(suffix: str) -> None:
    report = _with_unknowns(ENGLISH)
    name = "xlsx" if suffix == ".xlsx" else "docx"
    loaded = read_bytes(ENGLISH, target(name).render(ENGLISH, report), suffix, f"report{suffix}")
    assert loaded.report is not None, loaded.diagnostics
    back, sent = normalised(loaded.report), normalised(report)
    assert (back["values"], back["texts"]) == (sent["values"], sent["texts"])
    if suffix == ".xlsx":  # the workbook holds every field (a rendered Word report only those it prints)
        assert back == sent
    assert UNKNOWN in back["values"].values() and UNKNOWN in back["texts"].values()
    assert all(v is not BLANK for v in back["values"].values())
