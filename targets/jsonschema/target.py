r"""JSON Schema (draft 2020-12) of a spec's report data files: keys, per-cell types, bounds and decimals.

Cross-cell checks (勾稽关系) cannot be expressed in JSON Schema; the schema lists them under
``x-gaidsl-checks-not-expressed`` so nobody mistakes schema-valid for check-valid. Amounts carry ``multipleOf``:
validate with numbers parsed as decimals (``json.loads(..., parse_float=Decimal)``) for both the schema and the data,
or binary floating point will reject exact values such as 7730.28.

A spec with open dimensions (docs/open-dimensions.md): ``members`` holds each open dimension's list (an array of
``{key, label}``, ``minItems`` / ``maxItems`` from ``at least`` / ``at most``, the key pattern anchored as a string
``pattern``); the cells of the entered rows are ``patternProperties`` of ``values`` (``^requests\.(?:[A-Z]{2,10})\.
received$``). What JSON Schema cannot say is listed under ``x-gaidsl-rules-not-expressed``: keys unique within a
list (``uniqueItems`` compares whole members), a value's member being in the list, the pattern of a key written as a
number, and keys that are a fixed member's. A coded hierarchy's code list becomes one ``{key, label}`` alternative per
code (the code and its official name); its levels, parents and sums are listed as not expressed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gaidsl.checking.data import MAX_MAGNITUDE
from gaidsl.checking.record_data import member_keys
from gaidsl.checking.report import UNKNOWN_MARKER
from gaidsl.language import ir
from gaidsl.language.formats import FORMATS
from gaidsl.language.ui_text import words
from gaidsl.targets import Files, Target

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _number(cell_type: ir.CellType) -> dict[str, Any]:
    bound = int(MAX_MAGNITUDE) - 1
    if cell_type.kind == "count":
        return {"type": "integer", "minimum": 0, "maximum": bound}
    if cell_type.kind == "integer":
        return {"type": "integer", "minimum": -bound, "maximum": bound}
    schema: dict[str, Any] = {"type": "number", "minimum": 0, "exclusiveMaximum": bound + 1}
    if cell_type.signed:  # a signed amount: no minimum, only the magnitude bound
        schema = {"type": "number", "exclusiveMinimum": -bound - 1, "exclusiveMaximum": bound + 1}
    if cell_type.decimals is not None:
        # float(10^-d) prints as the shortest decimal ("0.0001", "1e-05"): exactly 10^-d when read as a decimal.
        schema["multipleOf"] = float(Decimal(1).scaleb(-cell_type.decimals))
    return schema


def _value_schema(
    cell_type: ir.CellType,
    title: str,
    description: str,
    unknown: bool,
    languages: tuple[str, ...] = ("zh",),
    units: Mapping[str, ir.Unit] | None = None,
) -> dict[str, Any]:
    """``languages``: the spec's :attr:`~gaidsl.language.ir.Spec.words_languages` (both of a bilingual build)."""
    if cell_type.numeric:
        base = _number(cell_type)
        if cell_type.unit and (languages[0] == "zh" or cell_type.unit != ir.DEFAULT_UNIT):
            unit = units[cell_type.unit].label if units and cell_type.unit in units else cell_type.unit
            description += words(languages).format("jsonschema.unit", unit=unit)
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
        f.key: _with_rules(
            _value_schema(
                f.type,
                f.label,
                words(spec.words_languages).format("jsonschema.field", label=f.label),
                True,
                spec.words_languages,
                spec.units,
            ),
            f.rules,
        )
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
        values[cell.key] = _value_schema(cell.type, cell.label, where, True, spec.words_languages, spec.units)
    slot_cells = {c.key for c in spec.cells.values() if _open_row(spec, c) is not None}
    values = {k: v for k, v in values.items() if k not in slot_cells}
    required_fields = [f.key for f in spec.fields.values() if f.required]
    data: dict[str, Any] = {
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
        "$comment": "JSON Schema cannot express checks between cells"
        + (" (勾稽关系)" if spec.language == "zh" else "")
        + "; they are listed in "
        "x-gaidsl-checks-not-expressed. Run the generated validators or `gaidsl validate` for them. Parse numbers "
        "as decimals when validating (multipleOf on amounts).",
    }
    if spec.open_dimensions:
        _add_open_parts(spec, data, {k: _slot_value(spec, spec.cells[k], sections) for k in slot_cells})
    if spec.records:
        _add_records(spec, data, sections)
    return data


def _add_records(spec: ir.Spec, data: dict[str, Any], sections: dict[str, str]) -> None:
    """``records``: each list of records as an array of objects, one property a field, every field required (a
    blank field is GAI773), ``minItems`` / ``maxItems`` from ``at least`` / ``at most`` (docs/records.md)."""
    lists: dict[str, Any] = {}
    for records in spec.records.values():
        properties: dict[str, Any] = {}
        for field in records.fields:
            where = f"{sections[records.section]} · {records.label} · {field.label}"
            value = _value_schema(field.type, field.label, where, True, spec.words_languages, spec.units)
            value["anyOf"] = [o for o in value["anyOf"] if o.get("type") != "null"]  # a record's field is filled
            if field.dimension is not None:
                value["description"] += words(spec.language).format("jsonschema.member_key", dimension=field.dimension)
                keys: dict[str, Any] = {"type": "string", "pattern": "\\S"}
                if field.dimension not in spec.open_dimensions:  # a fixed dimension: its leaf members
                    keys = {"enum": list(member_keys(spec, field.dimension))}
                value["anyOf"] = [keys, {"const": UNKNOWN_MARKER}]
            properties[field.key] = value
        listed: dict[str, Any] = {
            "title": records.label,
            "type": "array",
            "items": {
                "type": "object",
                "required": [f.key for f in records.fields],
                "additionalProperties": False,
                "properties": properties,
            },
        }
        if records.at_least:
            listed["minItems"] = records.at_least
        if records.at_most is not None:
            listed["maxItems"] = records.at_most
        lists[records.key] = listed
    data["properties"]["records"] = {
        "description": words(spec.language)["jsonschema.records"],
        "type": "object",
        "properties": lists,
        "additionalProperties": False,
    }
    if any(r.at_least > 0 for r in spec.records.values()):
        data["properties"]["records"]["required"] = [k for k, r in spec.records.items() if r.at_least > 0]
        data["required"] = [*data["required"], "records"]
    data["x-gaidsl-checks-not-expressed"] += [
        {"check": c.key, "severity": c.severity, "label": c.label, "message": {"zh": c.message.zh, "en": c.message.en}}
        for c in spec.record_checks
    ]
    data.setdefault("x-gaidsl-rules-not-expressed", []).extend(
        [
            "a text field is not blank (GAI773)",
            "a member field names a member of its dimension, or an entered member of an open one (GAI774)",
        ]
    )


_PLAIN_KEY = r"[^.\s\[\]<>]+"  # what every entered key is (gaidsl.checking.open_data)


def _open_row(spec: ir.Spec, cell: ir.Cell) -> ir.OpenMembers | None:
    """The open dimension whose slot is ``cell``'s row, if it is one."""
    rows = spec.tables[cell.table].rows
    if rows is None or rows.open is None or cell.row != rows.open.slot:
        return None
    return rows.open


def _key_regex(opened: ir.OpenMembers) -> str:
    return f"(?:{opened.key_pattern})" if opened.key_pattern is not None else _PLAIN_KEY


def _slot_value(spec: ir.Spec, cell: ir.Cell, sections: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """The ``patternProperties`` entry of an entered row's cell: its key pattern and its value's schema."""
    opened = _open_row(spec, cell)
    assert opened is not None and cell.row is not None
    table = spec.tables[cell.table]
    header = " / ".join(cell.row_labels) + " × " + " / ".join(cell.column_labels)
    where = f"{sections[cell.section]} · {table.label or table.key} · {header}"
    prefix, _, column = cell.key.partition(f".{cell.row}.")
    pattern = f"^{re.escape(prefix)}\\.{_key_regex(opened)}\\.{re.escape(column)}$"
    return pattern, _value_schema(cell.type, cell.label, where, True, spec.words_languages, spec.units)


def _add_open_parts(spec: ir.Spec, data: dict[str, Any], slots: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """``members`` and the cells of entered rows, and the rules on them JSON Schema cannot express."""
    lists: dict[str, Any] = {}
    for dimension, opened in spec.open_dimensions.items():
        key_text: dict[str, Any] = {"type": "string", "pattern": f"^{_key_regex(opened)}$"}
        if opened.key_pattern is not None:
            key_text = {"allOf": [{"type": "string", "pattern": f"^{_PLAIN_KEY}$"}, key_text]}
        member: dict[str, Any] = {
            "type": "object",
            "required": ["key", "label"],
            "additionalProperties": False,
            "properties": {
                "key": {"anyOf": [key_text, {"type": "integer", "minimum": 0}]},
                "label": {"anyOf": [{"type": "string", "pattern": "\\S"}, {"type": "number"}]},
            },
        }
        if opened.coded is not None and opened.coded.codes:  # a code list: each code with its official name
            member = {
                "allOf": [member],
                "anyOf": [
                    {
                        "properties": {
                            "key": {"enum": [code, int(code)] if code[0] != "0" and code.isdigit() else [code]},
                            "label": {"const": name},
                        }
                    }
                    for code, name in sorted(opened.coded.codes.items())
                ],
            }
        label = next((t.rows.label for t in spec.tables.values() if t.rows is not None and t.rows.open == opened), None)
        listed: dict[str, Any] = {"title": label or dimension, "type": "array", "items": member}
        if opened.at_least:
            listed["minItems"] = opened.at_least
        if opened.at_most is not None:
            listed["maxItems"] = opened.at_most
        lists[dimension] = listed
    properties = data["properties"]
    properties["members"] = {
        "description": words(spec.language)["jsonschema.open_members"],
        "type": "object",
        "properties": lists,
        "additionalProperties": False,
    }
    if any(o.at_least > 0 for o in spec.open_dimensions.values()):  # a report without them fails ``at least``
        properties["members"]["required"] = [d for d, o in spec.open_dimensions.items() if o.at_least > 0]
        data["required"] = [*data["required"], "members"]
    properties["values"]["patternProperties"] = dict(sorted(slots.values(), key=lambda item: item[0]))
    data["x-gaidsl-rules-not-expressed"] = [
        "member keys are unique within a list (GAI741)",
        "every value of an entered row names a member in the list (GAI742)",
        "a key written as a number matches the key pattern (GAI740)",
        "no entered key is a fixed member's key (GAI745)",
    ]
    if any(o.coded is not None for o in spec.open_dimensions.values()):
        data["x-gaidsl-rules-not-expressed"] += [
            "a coded row's length is one of the levels (GAI750)",
            "a child row is entered with its parent row (GAI751)",
            "each entered parent row is the sum of its entered children (the hierarchy checks)",
        ]


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.schema.json": _dump(schema(spec))}


TARGET = Target(
    "jsonschema",
    "JSON Schema of the report data file (per-cell types, bounds, decimals)",
    emit,
    open_dimensions=True,
    records=True,
)
