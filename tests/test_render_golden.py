"""Golden files per target for both shipped specs and the overlay (tests/golden/forms/SPEC/…): the layout grids,
the blank HTML form (validator script left out: it has its own tests), the blank HTML, Markdown and text reports,
the xlsx workbook and the docx form and report as normalised text dumps, the HTML the PDF target lays out (PDF bytes
are not stable: WeasyPrint writes creation dates and font subsets), and the filled 2021 text report.
Refresh with GAIDSL_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest

from gaidsl.checking.data import load_report
from gaidsl.forms.layout import grid_dump, layout
from tests.render_support import SPEC_FILES, check_golden, docx_dump, spec, target, xlsx_dump

NAMES = list(SPEC_FILES)
FORM_SCRIPT = re.compile(r'(<script type="module">\n).*?(// -{20,} the form)', re.DOTALL)


def without_validator(html: str) -> str:
    return FORM_SCRIPT.sub(r"\1[the generated JavaScript validator]\n\2", html)


@pytest.mark.parametrize("name", NAMES)
def test_layout_golden(name: str) -> None:
    check_golden(f"{name}/layout.txt", "\n\n".join(grid_dump(g) for g in layout(spec(name)).grids()) + "\n")


@pytest.mark.parametrize("name", NAMES)
def test_html_form_golden(name: str) -> None:
    html = next(iter(target("html-form").emit(spec(name)).values()))
    assert isinstance(html, str)
    check_golden(f"{name}/form.html", without_validator(html))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("fmt", "suffix"), [("html", "html"), ("markdown", "md"), ("text", "txt")])
def test_text_targets_golden(name: str, fmt: str, suffix: str) -> None:
    check_golden(f"{name}/blank.{suffix}", target(fmt).render(spec(name), None))


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_golden(name: str) -> None:
    check_golden(f"{name}/workbook.xlsx.txt", xlsx_dump(target("xlsx").render(spec(name), None)))


@pytest.mark.parametrize("name", NAMES)
def test_docx_golden(name: str) -> None:
    check_golden(f"{name}/form.docx.txt", docx_dump(target("docx").form(spec(name))))
    check_golden(f"{name}/blank.docx.txt", docx_dump(target("docx").render(spec(name), None)))


def test_filled_text_report_golden() -> None:
    s = spec("2021")
    report = load_report(Path(__file__).parent / "data" / "jiujia_2023.json", s)
    check_golden("2021/jiujia_2023.txt", target("text").render(s, report))
    check_golden("2021/jiujia_2023.docx.txt", docx_dump(target("docx").render(s, report)))


@pytest.mark.parametrize("name", NAMES)
def test_pdf_golden(name: str) -> None:
    """The blank report's PDF: the HTML (with the print stylesheet) that the target hands to WeasyPrint, caught on
    its way there; the PDF itself is still made and must be one."""
    pdf = target("pdf")
    laid_out: list[str] = []

    def to_pdf(html: str) -> bytes:
        laid_out.append(html)
        return pdf_bytes(html)

    pdf_bytes: Callable[[str], bytes] = pdf.html_to_pdf
    with mock.patch.object(pdf, "html_to_pdf", to_pdf):
        data = pdf.render(spec(name), None)
    assert data.startswith(b"%PDF-") and len(laid_out) == 1
    check_golden(f"{name}/blank.pdf.html", laid_out[0])
