"""How the check results of ``gaidsl validate`` are shown, in text (failing checks under their section and table, in
document order) and in the flat CSV (:data:`FLAT` columns); shared by the report and the wide-CSV modes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from gaidsl.checking.evaluate import CheckResult
from gaidsl.checking.results import CellResult
from gaidsl.language import ir
from gaidsl.language.diagnostics import Lang, say

FLAT = ("file", "check", "severity", "status", "position", "op", "left", "right", "difference", "tolerance")


def pick(zh: str, en: str, lang: Lang) -> str:
    """``zh`` or ``en``; for "both" the two on two lines (one when they agree)."""
    return say(lang, zh, en, sep="\n", once=True)


_SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}


def _group_header(spec: ir.Spec, result: CheckResult) -> tuple[str, str]:
    section = next((s.label for s in spec.sections if s.key == result.section), None)
    found = spec.tables.get(result.table) or spec.records.get(result.table) if result.table else None  # or a list
    table = found.label if found is not None else None
    if section is None:
        return "报告", "report"
    text = section if not table or section.endswith(table) else f"{section} · {table}"
    return text, text


def failure_lines(spec: ir.Spec, failures: Sequence[CheckResult], lang: Lang, indent: str = "") -> list[str]:
    """Failing checks for people: under the header of their section and table, in document order."""
    lines: list[str] = []
    header = None
    for result in _in_document_order(spec, failures):
        group = _group_header(spec, result)
        if group != header:
            header = group
            lines.append(indent + pick(*group, lang))
        sev_zh, sev_en = _SEVERITY.get(result.severity, (result.severity, result.severity))
        text = pick(
            f"{sev_zh}[{result.check}]: {result.message.zh}", f"{sev_en}[{result.check}]: {result.message.en}", lang
        )
        lines.append(f"{indent}  " + text.replace("\n", f"\n{indent}  "))
    return lines


def cell_lines(cells: Sequence[CellResult], lang: Lang, indent: str = "") -> list[str]:
    """Values that cannot be read, for people: each a failing type result at its cell, the value as written (quoted),
    then the reader's message (which names the cell by its key and its labels' path)."""
    lines: list[str] = []
    for cell in cells:
        shown = json.dumps(cell.value, ensure_ascii=False)
        zh = f"错误[{cell.code}]: {shown}: {cell.message.zh}"
        en = f"error[{cell.code}]: {shown}: {cell.message.en}"
        lines.append(f"{indent}  {pick(zh, en, lang)}")
    return lines


def _in_document_order(spec: ir.Spec, results: Sequence[CheckResult]) -> list[CheckResult]:
    """Failures by section and table as the spec lays them out (report-wide checks first), stable within."""
    sections = {s.key: i for i, s in enumerate(spec.sections)}
    tables = {key: i for i, key in enumerate(spec.tables)}

    def place(result: CheckResult) -> tuple[int, int]:
        section = sections.get(result.section, -1) if result.section else -1
        return section, tables.get(result.table, -1) if result.table else -1

    return sorted(results, key=place)
