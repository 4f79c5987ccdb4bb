"""A blank fillable form as one self-contained offline HTML file.

The six parts in order; text areas with the spec's guidance; the tables with the official merged headers (from
:mod:`gaidsl.forms.layout`, drawn by the ``html`` target's ``grid_html``); one input per cell typed by the cell's kind
(whole numbers, signed integers, decimals with their unit and places); each input's accessible name gives its row
and column. Checking is live: the generated JavaScript validator (``targets/javascript``) is inlined and runs on
every change, so the form gives exactly `gaidsl validate`'s results: failing cells are marked and each failing
check's message is listed next to its table. The data file (JSON) can be loaded and saved (last year's too, for the
checks across years); a print stylesheet prints the filled form like the report.

Every label, note and guidance text is HTML-escaped; everything embedded in scripts is JSON with ``<``, ``>``, ``&``
escaped, so no spec text can end a script element.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Box, Grid, cell_headers, layout
from gaidsl.language import ir
from gaidsl.targets import Files, Target, environment
from gaidsl.targets.html import target as html
from gaidsl.targets.javascript import target as javascript

HERE = Path(__file__).resolve().parent


_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(value: object) -> Markup:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return Markup(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def script_text(code: str) -> Markup:
    """Code safe inside a ``<script>`` element: no ``</script`` or ``<!--`` can occur (the generated validator
    writes every string with ``<`` escaped; this is the last guard)."""
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise ValueError("script text would end its element")
    return Markup(code)


TEXT_HINT = {"date": "日期，如 2024-01-31", "choice": "选填其一"}
KIND_HINT = {
    "count": ("numeric", "整数，≥ 0"),
    "integer": ("numeric", "整数，可为负数"),
    "amount": ("decimal", "数值，≥ 0"),
}


def _input(spec: ir.Spec, box: Box) -> Markup:
    assert box.cell is not None
    cell = spec.cells[box.cell]
    rows, cols = cell_headers(spec, box.cell)
    kind = cell.type.kind
    mode, hint = KIND_HINT.get(kind, ("text", TEXT_HINT.get(kind, "文本")))
    if kind == "choice":
        hint += "：" + " / ".join(cell.type.choices)
    unit = cell.type.unit if kind == "amount" else None
    if kind == "amount" and cell.type.decimals is not None:
        hint += f"，最多 {cell.type.decimals} 位小数"
    name = "；".join(p for p in ("行：" + " / ".join(rows) if rows else "", "列：" + " / ".join(cols)) if p)
    label = f"{name}（{hint}{'，单位：' + unit if unit else ''}）"
    field_id = "c-" + box.cell.replace(".", "-")
    html = Markup(
        '<input id="{}" class="cell" type="text" inputmode="{}" autocomplete="off" spellcheck="false" '
        'data-cell="{}" data-kind="{}" data-decimals="{}" aria-label="{}" title="{}">'
    ).format(field_id, mode, box.cell, kind, "" if cell.type.decimals is None else cell.type.decimals, label, label)
    if not cell.type.numeric:  # text reads from the left (the style is the cell's own: no other form changes)
        html = Markup(html.replace(Markup(' class="cell"'), Markup(' class="cell" style="text-align: left"'), 1))
    if unit:
        suffix = Markup('<span class="unit" aria-hidden="true">{}</span>').format(unit)
        return Markup('<span class="with-unit">{}{}</span>').format(html, suffix)
    return html


def _has_text_cells(spec: ir.Spec) -> bool:
    return any(not c.type.numeric for c in spec.cells.values())


def _field_input(field: ir.Field) -> dict[str, Any]:
    kind = field.type.kind
    return {
        "key": field.key,
        "label": field.label,
        "required": field.required,
        "type": "date" if kind == "date" else "text",
        "mode": "numeric" if kind in ("count", "integer") else "decimal" if kind == "amount" else "text",
        "kind": kind,
        "choices": list(field.type.choices),
    }


def form_html(spec: ir.Spec, report: Report | None = None) -> str:
    lay = layout(spec)
    parts = []
    for part in lay.parts:
        blocks: list[dict[str, Any]] = []
        for item in part.items:
            if isinstance(item, Grid):
                table = Markup(html.grid_html(item, lambda box: _input(spec, box), "grid form-grid"))
                blocks.append({"grid": table, "key": item.key, "tables": list(item.tables)})
            else:
                blocks.append(
                    {
                        "grid": None,
                        "key": item.key,
                        "label": item.label or item.key,
                        "heading": item.heading,
                        "required": item.required,
                        "guidance": list(item.guidance),
                    }
                )
        parts.append({"key": part.key, "label": part.label, "blocks": blocks})
    meta = {
        "format": spec.id,
        "version": spec.version,
        "fields": [f.key for f in lay.fields],
        "texts": [t.key for t in lay.texts()],
        "cells": list(spec.cells),
        "labels": {key: " · ".join(r + c) for key in spec.cells for r, c in [cell_headers(spec, key)]},
        "tables": {g.key: list(g.tables) for g in lay.grids()},
        "sections": {s.key: s.label for s in spec.sections},
    }
    template = environment(HERE, html.HERE).get_template("form.html")  # page_head.html is the report's
    return template.render(
        title=lay.report_title(None),
        spec_title=spec.title or spec.id,
        version=spec.version,
        spec_id=spec.id,
        fields=[_field_input(f) for f in lay.fields],
        parts=parts,
        css=Markup((HERE / "form.css").read_text(encoding="utf-8")),
        meta=script_json(meta),
        data=script_text(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", report.to_json())) if report else None,
        validator=script_text(javascript.module_text(spec)),
        form_js=script_text(environment(HERE).get_template("form.js").render(text_cells=_has_text_cells(spec))),
    )


def render(spec: ir.Spec, report: Report | None) -> str:
    """The form filled with ``report`` (it loads the data when opened; still editable and checked live)."""
    return form_html(spec, report)


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.form.html": form_html(spec)}


TARGET = Target(
    "html-form", "a blank fillable HTML form (one offline file), live checking, JSON load/save", emit, render
)
