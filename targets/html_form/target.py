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

import attrs
from markupsafe import Markup

from gaidsl.checking.open_members import close
from gaidsl.checking.record_data import member_keys
from gaidsl.checking.records import close_records, count_check_keys
from gaidsl.checking.report import EnteredMember, Report
from gaidsl.forms.layout import Box, Grid, cell_headers, layout
from gaidsl.language import ir
from gaidsl.language.format_checks import rule_text
from gaidsl.language.formats import FORMATS
from gaidsl.language.ui_text import HTML_LANG, UI, words
from gaidsl.targets import Files, Target, Unrenderable, environment, stylesheet_for
from gaidsl.targets.html import target as html
from gaidsl.targets.javascript import open_parts as javascript_open
from gaidsl.targets.javascript import target as javascript

HERE = Path(__file__).resolve().parent

OPEN_UI: dict[str, tuple[str, str]] = {
    # the form's words for open rows (zh, en), in the output's languages by words(…).pick (both in a bilingual form)
    "add_row": ("添加一行（{dimension}）", "Add a row ({dimension})"),
    "key_of": ("{dimension}：代码", "{dimension}: key"),
    "label_of": ("{dimension}：名称", "{dimension}: name"),
    "remove_row": ("删除此行", "Remove this row"),
    "key": ("代码", "Key"),
    "label": ("名称", "Name"),
    "key_hint": ("代码须符合：", "The key must match: "),
    "sum_of_rows": ("各行之和", "the sum of the entered rows"),
    "bad_key": ("代码「{key}」不符合规则 {pattern}", "key '{key}' does not match {pattern}"),
    "blank_key": ("第 {n} 行未填代码", "row {n} has no key"),
    "blank_label": ("「{key}」未填名称", "'{key}' has no name"),
    "twice": ("代码「{key}」重复", "key '{key}' is given twice"),
    "fixed": ("代码「{key}」是固定行的代码", "key '{key}' is a fixed row's key"),
    "at_least": (
        "「{dimension}」至少填报 {bound} 行，现有 {count} 行",
        "'{dimension}': at least {bound} rows, {count} entered",
    ),
    "at_most": (
        "「{dimension}」至多填报 {bound} 行，现有 {count} 行",
        "'{dimension}': at most {bound} rows, {count} entered",
    ),
    "not_code": ("「{key}」不在代码表中", "'{key}' is not in the code list"),
    "bad_level": ("「{key}」的长度不是任何一级科目的长度", "the length of '{key}' is not a level's"),
    "no_parent": ("「{key}」缺少上级「{parent}」", "'{key}' is entered without its parent '{parent}'"),
    "official": ("「{key}」的名称应为「{name}」", "the name of '{key}' is '{name}'"),
    "hierarchy": (
        "列「{column}」: {parent} = {value}，但下级之和 = {sum}",
        "column '{column}': {parent} = {value}, but its children add up to {sum}",
    ),
}
"""Words of the open-row controls and the member rules the form checks itself."""

RECORDS_UI: dict[str, tuple[str, str]] = {
    # the form's words for lists of records (zh, en), as OPEN_UI
    "add_record": ("添加一条记录（{list}）", "Add a record ({list})"),
    "remove_record": ("删除此记录", "Remove this record"),
    "field_of": ("第 {n} 条记录 · {field}", "record {n} · {field}"),
    "blank_field": ("第 {n} 条记录未填「{field}」", "record {n} leaves '{field}' blank"),
    "bad_number": ("第 {n} 条记录的「{field}」不是数字：{value}", "record {n}: '{field}' is no number: {value}"),
    "not_member": (
        "第 {n} 条记录的「{field}」不是可选的成员：{value}",
        "record {n}: '{field}' names no member: {value}",
    ),
    "at_least": (
        "「{list}」至少 {bound} 条记录，现有 {count} 条",
        "'{list}': at least {bound} records, {count} entered",
    ),
    "at_most": ("「{list}」至多 {bound} 条记录，现有 {count} 条", "'{list}': at most {bound} records, {count} entered"),
    "not_live": (
        "本表逐条校验每条记录；汇总记录的校验（sum、count、min、max、exists）由 gaidsl validate 核验",
        "the form checks each record; the checks over aggregates of records (sum, count, min, max, exists) are gaidsl "
        "validate's",
    ),
    "per_record_only": ("本表逐条校验每条记录", "the form checks each record"),
    "live": (
        "本表逐条校验每条记录，并随填随核汇总记录的校验（sum、count、min、max、exists）",
        "the form checks each record and, as you type, the checks over aggregates of records (sum, count, min, max, "
        "exists)",
    ),
    "partly_live": (
        "本表逐条校验每条记录，并随填随核汇总记录的校验；以下校验由 gaidsl validate 核验：{checks}",
        "the form checks each record and, as you type, the checks over aggregates of records; these are gaidsl "
        "validate's: {checks}",
    ),
    "waiting": (
        "汇总记录的校验待每条记录填全、填对后核验",
        "the checks over aggregates of records wait until every record is complete and readable",
    ),
    "record_n": ("第 {n} 条记录：", "record {n}: "),
    "problems": ("记录问题 {n} 个", "{n} record problems"),
}
"""Words of the record controls and the rules the form checks itself (docs/records.md)."""

ROW_SENTINEL = "\ue000"
"""The label of the one member the validator's spec has in place of each open dimension's rows: the form runs it
once per entered row (and once over the rows' sums) and puts the row's label where this character stands."""


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
    ui = words(spec.words_languages)
    mode = INPUT_MODE.get(kind, "text")
    key = f"form.hint.{kind}" if f"form.hint.{kind}" in UI else "form.hint.text"
    if kind == "amount" and cell.type.signed:
        key = "form.hint.signed_amount"
    decimals = cell.type.decimals if kind == "amount" else None
    # composed in each language, then joined (a bilingual form: 数值，≥ 0，最多 2 位小数 / a number ≥ 0, at most …)
    hint = ui.compose(lambda w: w[key] + ("" if decimals is None else w.format("form.hint.decimals", places=decimals)))
    if kind == "choice":
        hint += ui["colon"] + " / ".join(cell.type.choices)
    unit = cell.type.unit if kind == "amount" else None
    if unit is not None and unit in spec.units:  # its label: in the output's language (docs/languages.md)
        unit = spec.units[unit].label
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


def _derived(spec: ir.Spec) -> bool:
    """The spec has derived cells (docs/arithmetic.md): the form suggests their values as the user types."""
    return any(check.origin == "derived" for check in spec.checks)


def _has_text_cells(spec: ir.Spec) -> bool:
    return any(not c.type.numeric for c in spec.cells.values())


def _field_input(field: ir.Field, language: str | tuple[str, ...]) -> dict[str, Any]:
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


def _rule_attributes(
    label: str, rules: tuple[ir.TextRule, ...], language: str | tuple[str, ...] = "zh"
) -> dict[str, Any]:
    """Field formats (issue 16) as the browser enforces them while the user types: ``type`` (email, url, tel),
    ``pattern`` (matched whole; the 统一社会信用代码's check digit and a date range's order are the validator's, which
    the form runs on every change), ``maxlength``, and a ``title`` in the spec's words for the browser's tooltip."""
    if not rules:
        return {}
    out: dict[str, Any] = {
        "rules_title": words(language).compose(
            lambda ui: ui["list_sep"].join(
                ui.format("quoted", text=label) + (rule_text(r).zh if ui.language == "zh" else " " + rule_text(r).en)
                for r in rules
            )
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


def open_meta(spec: ir.Spec) -> dict[str, Any]:
    """What the form needs of the open dimensions (docs/open-dimensions.md): per dimension its slot, rules, fixed
    keys, code list and tables; per total of an open table the cells it adds up, entered rows included."""
    dims: dict[str, Any] = {}
    for dimension, opened in spec.open_dimensions.items():
        tables = [t.key for t in spec.tables.values() if t.rows is not None and t.rows.open is opened]
        axis = spec.tables[tables[0]].rows if tables else None
        coded = opened.coded
        dims[dimension] = {
            "slot": opened.slot,
            "label": axis.label if axis is not None and axis.label else dimension,
            "pattern": opened.key_pattern,
            "html_pattern": html_pattern(opened.key_pattern) if opened.key_pattern is not None else None,
            "at_least": opened.at_least,
            "at_most": opened.at_most,
            "fixed": [m.key for m in axis.members if m.key != opened.slot] if axis is not None else [],
            "tables": tables,
            "levels": [level.length for level in coded.levels] if coded is not None else [],
            "codes": dict(coded.codes) if coded is not None else {},
        }
    totals: list[dict[str, Any]] = []
    numeric: dict[str, list[list[str]]] = {}  # table → [column key, column label] of its numeric slot cells
    for table in spec.tables.values():
        rows = table.rows
        if rows is None or rows.open is None:
            continue
        slot = rows.open.slot
        columns = [spec.cells[k].column for k in table.cells if spec.cells[k].row == slot]
        numeric[table.key] = [
            [c, spec.cells[table.cell_key(slot, c)].column_labels[-1]]
            for c in columns
            if spec.cells[table.cell_key(slot, c)].type.numeric
        ]
        for member in rows.members:
            if member.kind != "total":
                continue
            for column, _ in numeric[table.key]:
                key = table.cell_key(member.key, column)
                if key not in spec.cells:
                    continue
                fixed = [table.cell_key(m, column) for m in member.sums if m != slot]
                totals.append(
                    {
                        "cell": key,
                        "dimension": rows.open.dimension,
                        "fixed": [k for k in fixed if k in spec.cells],
                        "rows": table.cell_key(slot, column) if slot in member.sums else None,
                    }
                )
    ui = {k: words(spec.words_languages).pick(v) for k, v in OPEN_UI.items()}
    return {"dimensions": dims, "totals": totals, "numeric": numeric, "ui": ui, "sentinel": ROW_SENTINEL}


@attrs.frozen
class LiveAggregates:
    """The checks over aggregates of records the form checks live (docs/records.md): the generated JavaScript
    validator of the spec itself (open rows and records as the data file gives them, not closed) with only those
    checks, run on every change beside the form's own validator, so the form gives ``gaidsl validate``'s results for
    them, record for record. A check that validator refuses (GAI611) is left to ``gaidsl validate`` (``refused``)."""

    module: str | None
    live: tuple[str, ...]
    refused: tuple[str, ...]
    lists: dict[str, tuple[str, ...]]
    """Per check, the lists of records it reads (its failures are shown beside each)."""


def aggregate_checks(spec: ir.Spec) -> tuple[ir.Check, ...]:
    """The record checks that read an aggregate (sum, count, min, max, exists over a list)."""
    per_record = set(per_record_checks(spec))
    return tuple(c for c in spec.record_checks if c.key not in per_record)


def _aggregate_module(spec: ir.Spec, checks: tuple[ir.Check, ...]) -> str:
    return javascript_open.module_text(attrs.evolve(spec, checks=(), record_checks=checks))


def live_aggregates(spec: ir.Spec) -> LiveAggregates:
    """Which checks over aggregates the form runs live, and the module that runs them (each check tried alone, so
    one the generated validator refuses does not take the others with it)."""
    checks = aggregate_checks(spec)
    lists = {
        c.key: tuple(
            dict.fromkeys(
                spec.record_aggregates[ref.cell].records
                for i in c.instances
                for ref in i.cells
                if ref.cell in spec.record_aggregates
            )
        )
        for c in checks
    }
    if not checks:
        return LiveAggregates(None, (), (), lists)
    try:
        return LiveAggregates(_aggregate_module(spec, checks), tuple(c.key for c in checks), (), lists)
    except Unrenderable:
        pass
    live: list[ir.Check] = []
    refused: list[str] = []
    for check in checks:
        try:
            _aggregate_module(spec, (check,))
        except Unrenderable:
            refused.append(check.key)
        else:
            live.append(check)
    try:
        module = _aggregate_module(spec, tuple(live)) if live else None
    except Unrenderable:  # refused only together: none live
        module, refused, live = None, [c.key for c in checks], []
    return LiveAggregates(module, tuple(c.key for c in live), tuple(refused), lists)


def _records_guidance(spec: ir.Spec, records: ir.RecordList, aggregates: LiveAggregates) -> str:
    """The line under a list: whether the form checks its aggregates live, and which ones it leaves to validate."""
    pick = words(spec.words_languages).pick
    mine = [key for key, lists in aggregates.lists.items() if records.key in lists]
    refused = [key for key in aggregates.refused if key in mine]
    if not mine:
        return pick(RECORDS_UI["per_record_only"])
    if not refused:
        return pick(RECORDS_UI["live"])
    if len(refused) == len(mine):
        return pick(RECORDS_UI["not_live"])
    return pick(RECORDS_UI["partly_live"]).format(checks=", ".join(refused))


def records_meta(spec: ir.Spec, aggregates: LiveAggregates | None = None) -> dict[str, Any]:
    """What the form needs of the lists of records (docs/records.md): per list its label, section, count rules and
    fields (kind, choices, the dimension of a member field); per such dimension the fixed members a record may name
    (an open dimension's entered members are the form's rows)."""
    lists: dict[str, Any] = {}
    members: dict[str, list[list[str]]] = {}
    for records in spec.records.values():
        fields = []
        for field in records.fields:
            fields.append(
                {
                    "key": field.key,
                    "label": field.label,
                    "kind": field.type.kind,
                    "numeric": field.type.numeric,
                    "choices": list(field.type.choices),
                    "dimension": field.dimension,
                }
            )
            if field.dimension is not None and field.dimension not in members:
                keys = member_keys(spec, field.dimension)
                axis = next(t.rows for t in spec.tables.values() if t.rows and t.rows.key == field.dimension)
                members[field.dimension] = [[k, axis.by_key[k].display_label] for k in keys]
        lists[records.key] = {
            "label": records.label,
            "section": records.section,
            "at_least": records.at_least,
            "at_most": records.at_most,
            "fields": fields,
        }
    ui = {k: words(spec.words_languages).pick(v) for k, v in RECORDS_UI.items()}
    number = words(spec.words_languages)["records.number"]
    aggregates = aggregates or live_aggregates(spec)
    return {
        "lists": lists,
        "members": members,
        "ui": ui,
        "number": number,
        "per_record": list(per_record_checks(spec)),
        "aggregates": {key: list(aggregates.lists[key]) for key in aggregates.live},
    }


def per_record_checks(spec: ir.Spec) -> tuple[str, ...]:
    """The keys of the checks the form runs live per record: those of a list's records that read no aggregate (the
    ``for each record`` checks); the checks over aggregates run in their own module (:func:`live_aggregates`)."""
    return tuple(
        c.key
        for c in spec.record_checks
        if not any(ref.cell in spec.record_aggregates for i in c.instances for ref in i.cells)
    )


def _validator_spec(spec: ir.Spec) -> ir.Spec:
    """The spec the form's validator checks: each open dimension's rows one member labelled ``ROW_SENTINEL`` whose
    cells keep the slot's keys (``requests.<component>.received``); without its lists of records and the checks that
    read aggregates; each list with one record whose ``for each record`` checks the form runs once per record (it
    checks the records' counts and blanks itself; docs/records.md)."""
    if spec.records:  # each list one record (LIST.1.FIELD): the form runs its checks once per record
        per_record = tuple(c for c in spec.record_checks if c.key in per_record_checks(spec))
        one = Report(spec.id, spec.version, records=dict.fromkeys(spec.records, 1))
        closed = close_records(attrs.evolve(spec, record_checks=per_record, record_aggregates={}), one)
        counts = set(count_check_keys(spec))
        spec = attrs.evolve(closed, checks=tuple(c for c in closed.checks if c.key not in counts))
    if not spec.open_dimensions:
        return spec
    return close(spec, {d: (EnteredMember(o.slot, ROW_SENTINEL),) for d, o in spec.open_dimensions.items()})


def form_html(spec: ir.Spec, report: Report | None = None) -> str:
    lay = layout(spec)
    aggregates = live_aggregates(spec)
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
        for records in spec.records.values():  # a list of records after its section's tables and texts
            if records.section == part.key:
                not_live = _records_guidance(spec, records, aggregates)
                blocks.append({"grid": None, "records": records, "key": records.key, "not_live": not_live})
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
    if spec.open_dimensions:
        meta["open"] = open_meta(spec)
    if spec.records:
        meta["records"] = records_meta(spec, aggregates)
    template = environment(HERE, html.HERE).get_template("form.html")  # page_head.html is the report's
    return template.render(
        title=lay.report_title(None),
        spec_title=spec.title or spec.id,
        version=spec.version,
        spec_id=spec.id,
        ui=words(spec.words_languages),
        html_lang=HTML_LANG[spec.language],
        fields=[_field_input(f, spec.words_languages) for f in lay.fields],
        parts=parts,
        css=Markup(
            stylesheet_for(
                (HERE / "form.css").read_text(encoding="utf-8")
                + (
                    (HERE / "open_rows.css").read_text(encoding="utf-8") if spec.open_dimensions or spec.records else ""
                ),
                spec.language,
            )
        ),
        meta=script_json(meta),
        data=script_text(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", report.to_json())) if report else None,
        validator=script_text(javascript.module_text(_validator_spec(spec))),
        form_js=script_text(form_script(spec, bool(aggregates.live))),
        aggregates=script_text(aggregates.module) if aggregates.live and aggregates.module else None,
    )


def form_script(spec: ir.Spec, aggregates: bool = False) -> str:
    """form.js with its words in the spec's language: ``js(key)`` a JavaScript string, ``js_template(key, n="x")``
    a template literal whose ``{n}`` is the expression ``x`` (both JSON-escaped, so no catalogue text can end the
    script; :func:`script_text` checks it); ``aggregates``: the form runs the checks over aggregates of records
    (:func:`live_aggregates`)."""
    ui = words(spec.words_languages)  # both languages' of a bilingual form, each key's texts joined

    def js(key: str, language: str | None = None) -> str:
        return json.dumps(UI[key][language] if language else ui[key], ensure_ascii=spec.language != "zh")

    def js_template(key: str, **expressions: str) -> str:
        text = json.dumps(ui[key], ensure_ascii=spec.language != "zh")[1:-1].replace("`", "\\`").replace("${", "\\${")
        return "`" + text.format(**{name: "${" + expr + "}" for name, expr in expressions.items()}) + "`"

    template = environment(HERE).get_template("form.js")
    return template.render(
        text_cells=_has_text_cells(spec),
        derived=_derived(spec),
        ui=ui,
        js=js,
        js_template=js_template,
        open_rows=bool(spec.open_dimensions),
        records=bool(spec.records),
        aggregates=aggregates,
        # a bilingual form: a finding's message also in the validator's English slot, on a line of its own (a spec
        # whose first language is English has English in both slots)
        second_lang=HTML_LANG["en"] if spec.words_languages == ("zh", "en") else "",
    )


def render(spec: ir.Spec, report: Report | None) -> str:
    """The form filled with ``report`` (it loads the data when opened; still editable and checked live)."""
    return form_html(spec, report)


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.form.html": form_html(spec)}


TARGET = Target(
    "html-form",
    "a blank fillable HTML form (one offline file), live checking, JSON load/save",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
