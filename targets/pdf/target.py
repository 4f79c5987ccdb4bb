"""The report as PDF: the HTML rendering (``targets/html``) laid out for A4 by WeasyPrint, with page numbers and
table headers repeated on each page. Chinese needs a CJK font on the machine (Noto CJK: Debian's fonts-noto-cjk);
the stylesheet prefers 仿宋/宋体 where they are installed.

``render(spec, report)`` gives a filled report; the build output is the blank report.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

from gaidsl import ir
from gaidsl.layout import layout
from gaidsl.report import Report
from gaidsl.targets import Files, Target

HERE = Path(__file__).resolve().parent


def _sibling(name: str) -> ModuleType:
    module_name = f"gaidsl_targets.{name.replace('-', '_')}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, HERE.parent / name / "target.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # imported here: it is slow to import and needs Pango

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=str(HERE))
    data: bytes = document.write_pdf()
    return data


def render(spec: ir.Spec, report: Report | None) -> bytes:
    html = _sibling("html")
    css = html.stylesheet() + (HERE / "print.css").read_text(encoding="utf-8")
    return html_to_pdf(html.render_layout(layout(spec), report, css=css))


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.blank.pdf": render(spec, None)}


TARGET = Target("pdf", "the report as PDF (A4, page numbers) from the HTML rendering (blank report on build)", emit)
