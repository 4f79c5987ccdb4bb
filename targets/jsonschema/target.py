"""JSON Schema (draft 2020-12) of a spec's report data files: keys, per-cell types, bounds and decimals.

Cross-cell checks (勾稽关系) cannot be expressed in JSON Schema; the schema lists them under
``x-gaidsl-checks-not-expressed`` so nobody mistakes schema-valid for check-valid. Amounts carry ``multipleOf``:
validate with numbers parsed as decimals (``json.loads(..., parse_float=Decimal)``) for both the schema and the data,
or binary floating point will reject exact values such as 7730.28.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.checking.report import UNKNOWN_MARKER
from gaidsl.language import ir
from gaidsl.language.formats import FORMATS
from gaidsl.targets import Files, Target

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _number(cell_type: ir.CellType) -> dict[str, Any]:
    bound = int(MAX_MAGNITUDE) - 1
    if cell_type.kind == "count":
        return {"type": "integer", "minimum": 0, "maximum": bound}
    if cell_type.kind == "integer":
        return {"type": "integer", "minimum": -bound, "maximum": bound}
    schema: dict[str, Any] = {"type": "number", "minimum": 0, "exclusiveMaximum": bound + 1}
    if cell_type.decimals is not None:
        # float(10^-d) prints as the shortest decimal ("0.0001", "1e-05"): exactly 10^-d when read as a decimal.
        schema["multipleOf"] = float(Decimal(1).scaleb(-cell_type.decimals))
    return schema


def _value_schema(cell_type: ir.CellType, title: str, description: str, unknown: bool) -> dict[str, Any]:
    if cell_type.numeric:
        base = _number(cell_type)
        if cell_type.unit:
            description += f"（单位：{cell_type.unit}）"
    elif cell_type.kind == "date":
        base = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif cell_type.kind == "choice":
        base = {"enum": list(cell_type.choices)}
    else:
        base = {"type": "string"}
    options: list[dict[str, Any]] = [base, {"type": "null"}]
    if unknown:
        options.append({"const": UNKNOWN_MARKER})
    return {"title": title, "description": description, "anyOf": options}


def _with_rules(schema: dict[str, Any], rules: tuple[ir.TextRule, ...]) -> dict[str, Any]:
    """A text's schema with its field formats (issue 16): ``maxLength``, a ``pattern`` matched whole (or blank, which
    the check lets pass), the ``format`` JSON Schema names (uri, email, date). What a regular expression cannot say (a
    统一社会信用代码's check digit, a date range's order) stays in x-gaidsl-checks-not-expressed with every check."""
    if not rules:
        return schema
    string = next(o for o in schema["anyOf"] if o.get("type") == "string")
    patterns: list[str] = []
    for rule in rules:
        if rule.kind == "max_length":
            string["maxLength"] = min(rule.max_length, string.get("maxLength", rule.max_length))
            continue
        builtin = FORMATS.get(rule.value) if rule.kind == "format" else None
        patterns.append(builtin.regex if builtin is not None else rule.value)
        if builtin is not None and builtin.json_schema is not None:
            string["format"] = builtin.json_schema
    if len(patterns) == 1:
        string["pattern"] = _whole(patterns[0])
    elif patterns:
        string["allOf"] = [{"pattern": _whole(p)} for p in patterns]
    return schema


def _whole(regex: str) -> str:
    """An ECMA-262 pattern (a search) that matches ``regex`` whole, or a blank text."""
    return rf"^(?:(?:{regex})|\s*)$"


def schema(spec: ir.Spec) -> dict[str, Any]:
    fields = {
        f.key: _with_rules(_value_schema(f.type, f.label, f"字段「{f.label}」", unknown=True), f.rules)
        for f in spec.fields.values()
    }
    texts = {
        t.key: _with_rules(
            {"title": t.label or t.key, "anyOf": [{"type": "string"}, {"type": "null"}, {"const": UNKNOWN_MARKER}]},
            t.rules,
        )
        for t in spec.texts.values()
    }
    sections = {s.key: s.label for s in spec.sections}
    values = {}
    for cell in spec.cells.values():
        header = " / ".join(cell.row_labels) + " × " + " / ".join(cell.column_labels)
        table = spec.tables[cell.table]
        where = f"{sections[cell.section]} · {table.label or table.key} · {header}"
        values[cell.key] = _value_schema(cell.type, cell.label, where, unknown=True)
    required_fields = [f.key for f in spec.fields.values() if f.required]
    return {
        "$schema": DRAFT,
        "$id": f"urn:gaidsl:{spec.id}:{spec.version}",
        "title": f"{spec.title or spec.id} ({spec.version})",
        "description": 'gaidsl report data file. A value is a number, null (blank) or "unknown".',
        "type": "object",
        "required": ["format", "version", "values"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": spec.id},
            "version": {"const": spec.version},
            "fields": {
                "type": "object",
                "properties": fields,
                "required": required_fields,
                "additionalProperties": False,
            },
            "texts": {"type": "object", "properties": texts, "additionalProperties": False},
            "values": {"type": "object", "properties": values, "additionalProperties": False},
        },
        "x-gaidsl-checks-not-expressed": [
            {
                "check": c.key,
                "severity": c.severity,
                "label": c.label,
                "message": {"zh": c.message.zh, "en": c.message.en},
            }
            for c in spec.checks
        ],
        "$comment": "JSON Schema cannot express checks between cells (勾稽关系); they are listed in "
        "x-gaidsl-checks-not-expressed. Run the generated validators or `gaidsl validate` for them. Parse numbers "
        "as decimals when validating (multipleOf on amounts).",
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.schema.json": _dump(schema(spec))}


TARGET = Target("jsonschema", "JSON Schema of the report data file (per-cell types, bounds, decimals)", emit)
