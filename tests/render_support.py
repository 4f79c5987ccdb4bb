"""Helpers for the form and renderer tests: specs, target modules, and normalised text dumps of xlsx and docx."""

from __future__ import annotations

import functools
import importlib
import io
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

from openpyxl import load_workbook

from gaidsl.checking.report import BLANK, Report
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_file, compile_text
from tests import golden_util

ROOT = Path(__file__).resolve().parents[1]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
"""LibreOffice's headless Calc, which recomputes a workbook's formulas (None when it is not installed)."""
STATUS_NAMES = {"通过": "pass", "未通过": "fail", "无法核验": "unverifiable"}
SPEC_FILES = {
    "2021": ROOT / "specs" / "gov_info_disclosure_2021.gai",
    "2019": ROOT / "specs" / "gov_info_disclosure_2019.gai",
    "overlay": ROOT / "specs" / "provincial_overlay_2019.gai",
}


@functools.cache
def spec(name: str = "2021") -> ir.Spec:
    compiled = compile_file(SPEC_FILES[name])
    assert compiled.spec is not None and compiled.ok, compiled.diagnostics
    return compiled.spec


def spec_from_text(text: str) -> ir.Spec:
    compiled = compile_text(text)
    assert compiled.spec is not None and compiled.ok, compiled.diagnostics
    return compiled.spec


def target(name: str) -> ModuleType:
    """A target's ``target`` module by the target's name (for its helpers beyond ``emit`` and ``render``)."""
    return importlib.import_module(f"gaidsl.targets.{name.replace('-', '_')}.target")


def normalised(report: Report) -> dict[str, Any]:
    """A report's data with blank entries dropped (blank and absent are the same)."""
    return {
        "format": report.format,
        "version": report.version,
        "fields": {k: v for k, v in report.fields.items() if v is not BLANK},
        "texts": {k: v for k, v in report.texts.items() if v is not BLANK},
        "values": {k: v for k, v in report.values.items() if v is not BLANK},
    }


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/forms/NAME`` (``GAIDSL_UPDATE_GOLDEN=1`` rewrites it instead)."""
    golden_util.check_golden(f"forms/{name}", text)


# ---------------------------------------------------------------------------------------------------- dumps


def xlsx_dump(data: bytes) -> str:
    """Every sheet of a workbook as text: state, protection, merged ranges, cells (type, value, unlocked),
    data validations and conditional formats."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    wb = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for ws in wb.worksheets:
        out.append(f"== sheet {ws.title!r} state={ws.sheet_state} protected={bool(ws.protection.sheet)}")
        out.append("merged " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or (cell.value is None and cell.protection.locked):
                    continue
                lock = "" if cell.protection.locked else " unlocked"
                value = cell.value if cell.value is not None else ""
                out.append(f"{cell.coordinate} {cell.data_type}{lock}: {value!r}")
        for dv in ws.data_validations.dataValidation:
            out.append(f"validation {dv.type} {dv.operator} {dv.formula1}..{dv.formula2} @ {dv.sqref}")
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                out.append(f"format {rng.sqref}: {' '.join(rule.formula)}")
    return "\n".join(out) + "\n"


def docx_dump(data: bytes) -> str:
    """A Word document as text: paragraphs with their style, tables row by row with spans and vertical merges,
    the page size and the footer."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    out: list[str] = []
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    out.append(f"page {section.page_width.cm:.1f}x{section.page_height.cm:.1f}cm")
    footer = section.footer._element.xml
    out.append("footer has PAGE field: " + str(" PAGE " in footer))
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            name = style.get(qn("w:val")) if style is not None else "Normal"
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            out.append(f"P[{name}] {text}")
        elif child.tag == qn("w:tbl"):
            out.append("TABLE")
            for tr in child.iter(qn("w:tr")):
                cells = []
                for tc in tr.iter(qn("w:tc")):
                    text = "⏎".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
                    span = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
                    vmerge = tc.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
                    mark = f"⇥{span.get(qn('w:val'))}" if span is not None else ""
                    if vmerge is not None:
                        mark += "↓" if vmerge.get(qn("w:val")) == "restart" else "↑"
                    cells.append(text + mark)
                out.append("  | " + " | ".join(cells))
    return "\n".join(out) + "\n"


def recalculated_checks(s: ir.Spec, reports: list[Report], folder: Path) -> list[list[tuple[Any, ...]]]:
    """Each report rendered as the xlsx form, recomputed by LibreOffice (its own profile in ``folder``, so parallel
    workers do not collide), and read back: the rows of its checks sheet as the formulas left them."""
    assert SOFFICE is not None
    for i, report in enumerate(reports):
        (folder / f"r{i}.xlsx").write_bytes(target("xlsx").render(s, report))
    out = folder / "out"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/profile",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *sorted(map(str, folder.glob("r*.xlsx"))),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    sheets = (load_workbook(out / f"r{i}.xlsx", data_only=True)["校验"] for i in range(len(reports)))
    return [list(sheet.iter_rows(min_row=2, values_only=True)) for sheet in sheets]
