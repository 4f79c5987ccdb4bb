"""Reading back the workbooks and Word documents that gaidsl wrote (``targets/xlsx``, ``targets/docx``), filled in by
a person, into report data: ``gaidsl readback SPEC FILE.xlsx|FILE.docx``.

An xlsx carries a hidden sheet ``_gaidsl`` that maps every cell key, field and text block to its place, so a
workbook reads back exactly (sheets may be renamed by hand: the map follows the sheet order if a name is gone). A
docx is read by the layout (:mod:`gaidsl.layout`): its tables are the spec's grids in order, each value at its grid
position; texts are the paragraphs under each part's heading; the fields come from the form's 报告信息 table or,
in a rendered report, from the title, the contact line and the closing signature.

What was read goes through :func:`gaidsl.data.parse_report`, so a filled file gets exactly the checks and the
diagnostics of a data file (a count typed as 1.5 is GAI706, and so on). Published reports that gaidsl did not write
are the business of :mod:`gaidsl.ingest`.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from gaidsl import ir
from gaidsl.data import Loaded, parse_report
from gaidsl.diagnostics import error
from gaidsl.layout import UNKNOWN_TEXT, Grid, Layout, TextItem, layout
from gaidsl.report import UNKNOWN_MARKER

META_SHEET = "_gaidsl"
SUFFIXES = (".xlsx", ".docx")

Raw = dict[str, dict[str, Any]]


def _empty(spec: ir.Spec) -> Raw:
    return {"format": {"": spec.id}, "version": {"": spec.version}, "fields": {}, "texts": {}, "values": {}}


def _finish(spec: ir.Spec, raw: Raw, name: str, found: tuple[str, str] | None = None) -> Loaded:
    data: dict[str, Any] = {
        "format": found[0] if found else spec.id,
        "version": found[1] if found else spec.version,
        "fields": raw["fields"],
        "texts": raw["texts"],
        "values": raw["values"],
    }
    return parse_report(json.dumps(data, ensure_ascii=False, indent=1), spec, "json", name)


def _number_text(value: object) -> object:
    """A spreadsheet or document value as the data file writes it: numbers as exact digit strings."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return f"{Decimal(text):f}" if "e" in text or "E" in text else text
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if text in (UNKNOWN_TEXT, UNKNOWN_MARKER):
        return UNKNOWN_MARKER
    return text or None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return str(_number_text(value))
    text = str(value)
    if text.strip() == UNKNOWN_TEXT:
        return UNKNOWN_MARKER
    return text if text.strip() else None


# ---------------------------------------------------------------------------------------------------- xlsx


def read_xlsx(spec: ir.Spec, data: bytes, name: str = "<xlsx>") -> Loaded:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # a broken or foreign file: openpyxl raises many kinds
        return Loaded(
            None, (error("GAI090", None, path=name, reason=f"不是可读的 xlsx 工作簿 / not a workbook: {exc}"),)
        )
    if META_SHEET not in wb.sheetnames:
        reason = "不是 gaidsl 生成的工作簿（缺少 _gaidsl 工作表）/ not a workbook written by gaidsl (no _gaidsl sheet)"
        return Loaded(None, (error("GAI090", None, path=name, reason=reason),))
    meta = wb[META_SHEET]
    raw = _empty(spec)
    found: tuple[str, str] | None = None
    for row in meta.iter_rows(values_only=True):
        kind, key, sheet, coord = (list(row) + [None] * 4)[:4]
        if kind == "gaidsl":
            found = (str(sheet), str(coord))
            continue
        if sheet not in wb.sheetnames or not isinstance(key, str) or not isinstance(coord, str):
            continue
        value = wb[str(sheet)][coord].value
        if kind == "cell":
            raw["values"][key] = _number_text(value)
        elif kind == "field":
            field = spec.fields.get(key)
            raw["fields"][key] = _number_text(value) if field and field.type.numeric else _text(value)
        elif kind == "text":
            raw["texts"][key] = _text(value)
    return _finish(spec, raw, name, found)


# ---------------------------------------------------------------------------------------------------- docx

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
SKIPPED_STYLES = ("Title", "gaidsl 填写提示", "gaidsl 联系方式", "gaidsl 落款", "gaidsl 表注", "gaidsl 表格")


def _cell(table: Any, row: int, col: int) -> str:
    return str(table.cell(row, col).text).strip()


def _grid_values(grid: Grid, table: Any, raw: Raw) -> None:
    cells = table._cells  # every grid position, merged cells repeated (computed once: table.cell() recomputes it)
    width = len(table.columns)
    for box in grid.value_boxes():
        assert box.cell is not None
        index = box.row * width + box.col
        if box.col >= width or index >= len(cells):
            continue
        text = str(cells[index].text).strip()
        raw["values"][box.cell] = _number_text(text) if text else None


def _fields_by_label(lay: Layout, pairs: Iterator[tuple[str, str]], raw: Raw) -> None:
    by_label = {f.label: f for f in lay.fields}
    for label, text in pairs:
        field = by_label.get(label.strip().rstrip("*"))
        if field is None:
            continue
        value: object = text.strip() or None
        if value is not None and field.type.kind == "date":
            found = _DATE.fullmatch(str(value))
            if found:
                value = f"{int(found.group(1)):04d}-{int(found.group(2)):02d}-{int(found.group(3)):02d}"
        if value == UNKNOWN_TEXT:
            value = UNKNOWN_MARKER
        raw["fields"][field.key] = value


def _title_fields(lay: Layout, title: str, raw: Raw) -> None:
    found = re.fullmatch(r"(.*?)(\d{4})年" + re.escape(lay.report_name), title.strip())
    if found:
        if found.group(1):
            raw["fields"].setdefault("body", found.group(1))
        raw["fields"].setdefault("year", found.group(2))


def read_docx(spec: ir.Spec, data: bytes, name: str = "<docx>") -> Loaded:
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for foreign files
        return Loaded(None, (error("GAI090", None, path=name, reason=f"不是可读的 docx 文档 / not a docx: {exc}"),))
    lay = layout(spec)
    raw = _empty(spec)
    tables = list(doc.tables)
    if tables and tables[0].rows and _cell(tables[0], 0, 0) == "报告信息":
        fields_table = tables.pop(0)
        pairs = ((_cell(fields_table, r, 0), _cell(fields_table, r, 1)) for r in range(1, len(fields_table.rows)))
        _fields_by_label(lay, pairs, raw)
    grids = list(lay.grids())
    if len(tables) < len(grids):
        reason = f"表格数量不符：应有 {len(grids)} 个，只有 {len(tables)} 个 / expected {len(grids)} tables"
        return Loaded(None, (error("GAI090", None, path=name, reason=reason),))
    for grid, table in zip(grids, tables, strict=False):
        _grid_values(grid, table, raw)
    # texts: the paragraphs under each part's heading (and under a text block's own heading)
    parts = {p.label: p for p in lay.parts}
    current: TextItem | None = None
    collected: dict[str, list[str]] = {}
    signature: list[str] = []
    for paragraph in doc.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        text = paragraph.text
        if style == "Title":
            _title_fields(lay, text, raw)
            continue
        if style == "gaidsl 联系方式":
            split = (p.partition("：") for p in text.split("；") if "：" in p)
            _fields_by_label(lay, ((a, b) for a, _, b in split), raw)
            continue
        if style == "gaidsl 落款":
            signature.append(text.strip())
            continue
        if style == "Heading 2":
            part = parts.get(text.strip())
            texts = [i for i in part.items if isinstance(i, TextItem)] if part else []
            current = texts[0] if texts else None
            continue
        if style == "Heading 3" and current is not None:
            part_items = [i for p in lay.parts for i in p.items if isinstance(i, TextItem) and i.label == text.strip()]
            current = part_items[0] if part_items else current
            continue
        if style in SKIPPED_STYLES or current is None:
            continue
        if text.strip():
            collected.setdefault(current.key, []).append(text.strip())
    for item in lay.texts():
        lines = collected.get(item.key, [])
        joined = "\n".join(lines)
        raw["texts"][item.key] = UNKNOWN_MARKER if joined == UNKNOWN_TEXT else (joined or None)
    if signature:
        date = _DATE.fullmatch(signature[-1])
        if date and "published" in spec.fields:
            _fields_by_label(lay, iter([(spec.fields["published"].label, signature[-1])]), raw)
            if len(signature) > 1 and "body" in spec.fields:
                raw["fields"].setdefault("body", signature[-2])
    return _finish(spec, raw, name)


# ---------------------------------------------------------------------------------------------------- files


def read_bytes(spec: ir.Spec, data: bytes, suffix: str, name: str) -> Loaded:
    if suffix == ".xlsx":
        return read_xlsx(spec, data, name)
    if suffix == ".docx":
        return read_docx(spec, data, name)
    return Loaded(None, (error("GAI702", None, suffix=suffix or name),))


def read_file(spec: ir.Spec, path: str | os.PathLike[str]) -> Loaded:
    """Read a filled ``.xlsx`` or ``.docx`` that gaidsl wrote back into a report of ``spec``."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Loaded(None, (error("GAI090", None, path=shown, reason=exc.strerror or str(exc)),))
    return read_bytes(spec, data, Path(path).suffix.lower(), shown)
