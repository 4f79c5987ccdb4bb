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
from gaidsl.language.format_checks import rule_text
from gaidsl.language.formats import FORMATS
from gaidsl.language.ui_text import HTML_LANG, UI, words
from gaidsl.targets import Files, Target, environment, stylesheet_for
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


INPUT_MODE = {"count": "numeric", "integer": "numeric", "amount": "decimal"}
"""The ``inputmode`` of a cell's kind (``text`` for the others); the hints are ``form.hint.<kind>`` in the catalogue."""


def _input(spec: ir.Spec, box: Box) -> Markup:
    assert box.cell is not None
    cell = spec.cells[box.cell]
    rows, cols = cell_headers(spec, box.cell)
    kind = cell.type.kind
    ui = words(spec.language)
    mode = INPUT_MODE.get(kind, "text")
    hint = ui[f"form.hint.{kind}" if f"form.hint.{kind}" in UI else "form.hint.text"]
    if kind == "choice":
        hint += ui["colon"] + " / ".join(cell.type.choices)
    unit = cell.type.unit if kind == "amount" else None
    if kind == "amount" and cell.type.signed:
        hint = ui["form.hint.signed_amount"]
    if kind == "amount" and cell.type.decimals is not None:
        hint += ui.format("form.hint.decimals", places=cell.type.decimals)
    name = ui["list_sep"].join(
        p for p in (ui["form.row"] + " / ".join(rows) if rows else "", ui["form.column"] + " / ".join(cols)) if p
    )
    label = ui.format("form.label", name=name, hint=hint + (ui.format("form.hint.unit", unit=unit) if unit else ""))
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


def _field_input(field: ir.Field, language: str) -> dict[str, Any]:
    kind = field.type.kind
    return {
        "key": field.key,
        "label": field.label,
        "required": field.required,
        "type": "date" if kind == "date" else "text",
        "mode": "numeric" if kind in ("count", "integer") else "decimal" if kind == "amount" else "text",
        "kind": kind,
        "choices": list(field.type.choices),
        "pattern": None,
        "maxlength": None,
        "rules_title": None,
        **_rule_attributes(field.label, field.rules, language),
    }


def _rule_attributes(label: str, rules: tuple[ir.TextRule, ...], language: str = "zh") -> dict[str, Any]:
    """Field formats (issue 16) as the browser enforces them while the user types: ``type`` (email, url, tel),
    ``pattern`` (matched whole; the 统一社会信用代码's check digit and a date range's order are the validator's, which
    the form runs on every change), ``maxlength``, and a ``title`` in the spec's words for the browser's tooltip."""
    if not rules:
        return {}
    ui = words(language)
    out: dict[str, Any] = {
        "rules_title": ui["list_sep"].join(
            ui.format("quoted", text=label) + (rule_text(r).zh if language == "zh" else " " + rule_text(r).en)
            for r in rules
        )
    }
    patterns: list[str] = []
    for rule in rules:
        if rule.kind == "max_length":
            out["maxlength"] = min(rule.max_length, out.get("maxlength", rule.max_length))
        elif rule.kind == "format":
            builtin = FORMATS[rule.value]
            patterns.append(builtin.regex)
            if builtin.html_type is not None:
                out["type"] = builtin.html_type
                out["mode"] = {"tel": "tel", "email": "email", "url": "url"}[builtin.html_type]
        else:
            patterns.append(rule.value)
    if patterns:
        # several patterns: each one a lookahead over the whole value
        joined = patterns[0] if len(patterns) == 1 else "".join(f"(?=(?:{p})$)" for p in patterns) + ".*"
        out["pattern"] = html_pattern(joined)
    return out


_V_MODE_CLASS_ESCAPES = set("()[{}/|")


def html_pattern(regex: str) -> str:
    """``regex`` as an HTML ``pattern``, which browsers compile with the ``v`` flag: there, a class may not hold a
    bare ``( ) [ { } / |`` or a ``-`` that is not a range (they are escaped; outside classes nothing changes)."""
    out: list[str] = []
    index, in_class, class_start = 0, False, 0
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            out.append(regex[index : index + 2])
            index += 2
            continue
        if not in_class and char == "[":
            in_class = True
            class_start = index + (2 if regex.startswith("[^", index) else 1)
            out.append(regex[index:class_start])
            index = class_start
            continue
        if in_class and char == "]":
            in_class = False
        elif in_class and char in _V_MODE_CLASS_ESCAPES:
            char = "\\" + char
        elif in_class and char == "-" and (index == class_start or regex[index + 1 : index + 2] == "]"):
            char = "\\-"
        out.append(char)
        index += 1
    return "".join(out)


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
                        "maxlength": min(
                            (r.max_length for r in spec.texts[item.key].rules if r.kind == "max_length"),
                            default=None,
                        ),
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
        ui=words(spec.language),
        html_lang=HTML_LANG[spec.language],
        fields=[_field_input(f, spec.language) for f in lay.fields],
        parts=parts,
        css=Markup(stylesheet_for((HERE / "form.css").read_text(encoding="utf-8"), spec.language)),
        meta=script_json(meta),
        data=script_text(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", report.to_json())) if report else None,
        validator=script_text(javascript.module_text(spec)),
        form_js=script_text(form_script(spec)),
    )


def form_script(spec: ir.Spec) -> str:
    """form.js with its words in the spec's language: ``js(key)`` a JavaScript string, ``js_template(key, n="x")``
    a template literal whose ``{n}`` is the expression ``x`` (both JSON-escaped, so no catalogue text can end the
    script; :func:`script_text` checks it)."""
    ui = words(spec.language)

    def js(key: str, language: str | None = None) -> str:
        return json.dumps(UI[key][language or spec.language], ensure_ascii=spec.language != "zh")

    def js_template(key: str, **expressions: str) -> str:
        text = json.dumps(ui[key], ensure_ascii=spec.language != "zh")[1:-1].replace("`", "\\`").replace("${", "\\${")
        return "`" + text.format(**{name: "${" + expr + "}" for name, expr in expressions.items()}) + "`"

    template = environment(HERE).get_template("form.js")
    return template.render(text_cells=_has_text_cells(spec), ui=ui, js=js, js_template=js_template)


def render(spec: ir.Spec, report: Report | None) -> str:
    """The form filled with ``report`` (it loads the data when opened; still editable and checked live)."""
    return form_html(spec, report)


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.form.html": form_html(spec)}


TARGET = Target(
    "html-form", "a blank fillable HTML form (one offline file), live checking, JSON load/save", emit, render
)
