"""The report as PDF: the HTML rendering (``targets/html``) laid out for A4 by WeasyPrint, with page numbers and
table headers repeated on each page. Chinese needs a CJK font on the machine (Noto CJK: Debian's fonts-noto-cjk);
the stylesheet prefers 仿宋/宋体 where they are installed.

``render(spec, report)`` gives a filled report; the build output is the blank report.
"""

from __future__ import annotations

import logging
from pathlib import Path

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Layout
from gaidsl.targets import Target, drawn
from gaidsl.targets.html import target as html

HERE = Path(__file__).resolve().parent


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # type: ignore[import-untyped]  # imported here: it is slow to import and needs Pango

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=str(HERE))
    data: bytes = document.write_pdf()
    return data


def render_layout(lay: Layout, report: Report | None) -> bytes:
    css = html.stylesheet() + (HERE / "print.css").read_text(encoding="utf-8")
    return html_to_pdf(html.render_layout(lay, report, css=css))


render, emit = drawn(render_layout, "pdf")
TARGET = Target(
    "pdf", "the report as PDF (A4, page numbers) from the HTML rendering (blank report on build)", emit, render
)
