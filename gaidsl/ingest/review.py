"""Review pages and corrections: ``gaidsl ingest --review DIR`` and ``gaidsl ingest --corrections FILE``.

A review page (one per report, ``DIR/NAME.review.html``) shows the source text beside every table as it was read.
Values that are not of *high* confidence (:mod:`.confidence`) are highlighted; each cell says where it came from on
hover or focus (its place, the text as printed, how it was placed, why its confidence is lower) and lights its line
of the source. Every cell is an input: a person changes what was misread and presses *save corrections*, which
downloads ``NAME.corrections.json``::

    {"format": "gaidsl-ingest-corrections", "spec": "…", "version": "2021",
     "reports": {"report.txt": {"requests.received.natural": "12", "fees.administrative_fee.amount": null}}}

(``null``: blank). ``gaidsl ingest SPEC report.txt --corrections NAME.corrections.json`` reads the report again and
applies the corrections of the reports it names (by file name): each corrected value gets the provenance
``how = "corrected"`` and a log line (ING400); a correction for a cell the spec lacks (ING401) or with a value its
cell cannot hold (ING402) is logged and not applied. A corrections file that cannot be used is GAI840.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
from markupsafe import Markup

from gaidsl.checking.evaluate import cell_label
from gaidsl.checking.records import close_records
from gaidsl.checking.report import BLANK, UNKNOWN, Value
from gaidsl.ingest.confidence import CellConfidence, cell_confidence, report_confidence
from gaidsl.ingest.messages import entry
from gaidsl.ingest.model import Provenance
from gaidsl.ingest.result import Result
from gaidsl.language.diagnostics import Diagnostic
from gaidsl.targets import environment

FORMAT = "gaidsl-ingest-corrections"
_HOW = {
    "cell": ("从单元格读取", "read from its cell"),
    "position": ("按水平位置对应", "placed by horizontal position"),
    "checks": ("按校验成立的读法", "fitted so its checks hold"),
    "migrated": ("按迁移规则", "migrated"),
    "merged": ("多行求和", "summed from rows"),
    "corrected": ("人工更正", "corrected by a person"),
}


class CorrectionsError(Exception):
    """A corrections file that cannot be used (GAI840): the catalogue's message with the reason in both languages."""

    code = "GAI840"

    def __init__(self, zh: str, en: str) -> None:
        message = Diagnostic(self.code, "error", None, {"reason": zh, "reason_en": en}).message
        super().__init__(message.en)
        self.zh, self.en = message.zh, message.en


# ---------------------------------------------------------------------------------------------------- the page


def _shown(value: Value | None) -> str:
    if value is None or value is BLANK:
        return ""
    if value is UNKNOWN:
        return "?"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    return str(value)


def _title(key: str, provenance: Provenance | None, confidence: CellConfidence | None, spec: Any) -> str:
    lines = [f"{key} · {cell_label(spec, key)}"]
    if provenance is None:
        lines.append("未读取 / not read")
        return "\n".join(lines)
    how = _HOW.get(provenance.how, (provenance.how, provenance.how))
    lines.append(f"{provenance.where} · 印为 / printed: «{provenance.raw}» · {how[0]} / {how[1]}")
    if provenance.note:
        lines.append(f"附注 / note: {provenance.note}")
    if confidence is not None:
        lines.append(f"可信度 / confidence {confidence.score:.2f} ({confidence.level})")
        lines += [f"  {zh} / {en}" for zh, en in confidence.reasons]
    return "\n".join(lines)


def source_lines(path: str | Path) -> list[str]:
    """The input's text, a line each (empty for a binary input: PDF, .docx, .doc)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            return []
        return text.splitlines()
    return []


def review_html(result: Result, path: str | Path, name: str) -> str:
    """The review page of one report read from ``path`` (``name``: its output name)."""
    spec, ingested = result.spec, result.ingested
    cells = cell_confidence(spec, ingested)
    tables = []
    for table in spec.tables.values():
        keys = [k for k, c in spec.cells.items() if c.table == table.key]
        if not keys:
            continue
        columns: dict[str, str] = {}
        rows: dict[str | None, dict[str, str]] = {}
        row_labels: dict[str | None, str] = {}
        for key in keys:
            cell = spec.cells[key]
            columns.setdefault(cell.column, " · ".join(cell.column_labels))
            rows.setdefault(cell.row, {})[cell.column] = key
            row_labels.setdefault(cell.row, " · ".join(cell.row_labels))
        shown_rows = []
        for row, by_column in rows.items():
            shown: list[dict[str, Any] | None] = []
            for column in columns:
                found = by_column.get(column)
                if found is None:
                    shown.append(None)
                    continue
                key = found
                provenance = ingested.provenance.get(key)
                confidence = cells.get(key)
                read = key in ingested.report.values and key not in ingested.unread
                shown.append(
                    {
                        "key": key,
                        "value": _shown(ingested.report.values.get(key)) if read else "",
                        "level": confidence.level if confidence is not None else "unread",
                        "line": provenance.line if provenance is not None and provenance.line is not None else "",
                        "title": _title(key, provenance if read else None, confidence, spec),
                    }
                )
            shown_rows.append({"label": row_labels[row], "cells": shown})
        tables.append(
            {"key": table.key, "label": table.label or table.key, "columns": list(columns.values()), "rows": shown_rows}
        )
    meta = {"input": Path(path).name, "name": name, "spec": ingested.spec_file, "version": ingested.report.version}
    meta_json = json.dumps(meta, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    template = environment(Path(__file__).resolve().parent / "templates", page=True).get_template("review.html.j2")
    return template.render(
        title=f"gaidsl ingest · 核对 / review · {ingested.title or Path(path).name}",
        input_name=Path(path).name,
        route=ingested.route,
        spec_file=ingested.spec_file,
        confidence=report_confidence(spec, cells),
        source=source_lines(path),
        tables=tables,
        meta_json=Markup(meta_json.replace("&", "\\u0026")),
    )


# ---------------------------------------------------------------------------------------------------- corrections


def load_corrections(path: str | Path) -> dict[str, dict[str, str | None]]:
    """The corrections of a file a review page saved, by input file name."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorrectionsError(
            f"无法打开更正文件：{exc.strerror}", f"cannot open the corrections file: {exc.strerror}"
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorrectionsError(
            f"更正文件不是有效的 JSON：{exc}", f"the corrections file is not valid JSON: {exc}"
        ) from exc
    reports = data.get("reports") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(reports, dict) or not all(
        isinstance(v, dict) and all(isinstance(x, str | type(None)) for x in v.values()) for v in reports.values()
    ):
        raise CorrectionsError(
            f'更正文件格式不符：应为 {{"format": "{FORMAT}", "reports": {{文件名: {{单元格: 值或 null}}}}}}',
            f'not a corrections file: expected {{"format": "{FORMAT}", "reports": {{file name: {{cell: value or '
            "null}}}}",
        )
    return {str(k): dict(v) for k, v in reports.items()}


def _parse(text: str | None, type_: Any) -> Value | None:
    """A corrected cell's text as its value (blank for none), or None when its cell cannot hold it."""
    if text is None or not text.strip():
        return BLANK
    if not type_.numeric:
        return text.strip()
    try:
        number = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if type_.kind in ("count", "integer") and number != number.to_integral_value():
        return None
    if type_.kind == "count" and number < 0:
        return None
    return number


def apply_corrections(result: Result, corrections: Mapping[str, str | None], source: str) -> Result:
    """``result`` with ``corrections`` applied, each logged; a value is parsed as its cell's type requires."""
    spec, ingested = result.spec, result.ingested
    values = dict(ingested.report.values)
    provenance = dict(ingested.provenance)
    log = list(ingested.log)
    unread = list(ingested.unread)
    for key, text in corrections.items():
        if key not in spec.cells:
            log.append(entry("ING401", source, None, (), key=key))
            continue
        label = cell_label(spec, key)
        was = _shown(values.get(key)) if key not in unread else "—"
        value = _parse(text, spec.cells[key].type)
        if value is None:
            kind = spec.cells[key].type.kind
            log.append(entry("ING402", source, None, (key,), label=label, value=text, kind=kind))
            continue
        values[key] = value
        provenance[key] = Provenance(source, None, text or "", "corrected", None)
        if key in unread:
            unread.remove(key)
        log.append(
            entry(
                "ING400",
                source,
                None,
                (key,),
                label=label,
                value=_shown(value) or "空白/blank",
                was=was or "空白/blank",
            )
        )
    report = attrs.evolve(ingested.report, values=values)
    if result.records_spec is not None:  # the records' filters decided again on the corrected values
        spec = close_records(result.records_spec, report)
    return attrs.evolve(
        result,
        ingested=attrs.evolve(ingested, report=report, provenance=provenance, log=tuple(log), unread=tuple(unread)),
        spec=spec,
    )


__all__ = ["FORMAT", "CorrectionsError", "apply_corrections", "load_corrections", "review_html", "source_lines"]
