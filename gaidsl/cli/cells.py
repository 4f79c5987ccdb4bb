"""``gaidsl cells SPEC``: the cell listing of a spec, stable keys with table, full header paths and types.

The keys are the ones report data files use.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from gaidsl.cli.exit_codes import EXIT_OK
from gaidsl.cli.inputs import load
from gaidsl.cli.output import common_options, show
from gaidsl.language import ir
from gaidsl.language.aggregation import cell_aggregation
from gaidsl.language.diagnostics import Lang


def register(sub: Any) -> None:
    parser = sub.add_parser("cells", help="list every data cell of a spec with its key, labels and type")
    parser.add_argument("spec", metavar="SPEC", help="a spec file or a shipped name (gaidsl specs)")
    common_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    compilation = load(args.spec, args)
    if isinstance(compilation, int):
        return compilation
    assert compilation.spec is not None
    listing = cell_listing(compilation.spec)
    if args.format == "json":
        show(json.dumps(listing, ensure_ascii=False, indent=2))
    else:
        show(render_cells_text(listing, args.lang))
    return EXIT_OK


def cell_listing(spec: ir.Spec) -> dict[str, object]:
    """Every data cell (in table order) and every report field, as plain data."""
    cells = []
    for table in spec.tables.values():
        section = next(s for s in spec.sections if s.key == table.section)
        for key in table.cells:
            cell = spec.cells[key]
            cells.append(
                {
                    "key": key,
                    "section": section.label,
                    "table": table.key,
                    "table_label": table.label,
                    "row": cell.row,
                    "row_labels": list(cell.row_labels),
                    "column": cell.column,
                    "column_labels": list(cell.column_labels),
                    "type": cell.type.kind,
                    "unit": cell.type.unit,
                    "decimals": cell.type.decimals,
                    **_aggregation(table, cell),
                }
            )
    fields = [
        {"key": f.key, "label": f.label, "type": f.type.kind, "required": f.required} for f in spec.fields.values()
    ]
    texts = [
        {"key": t.key, "label": t.label, "section": t.section, "required": t.required} for t in spec.texts.values()
    ]
    listing: dict[str, object] = {"spec": spec.id, "version": spec.version, "fields": fields, "texts": texts}
    if spec.open_dimensions:  # the rules of entered rows, and a coded hierarchy's levels and code list
        listing["open_dimensions"] = open_listing(spec)
    if spec.records:  # lists of records: one pattern per field, LIST.<#>.FIELD (docs/records.md)
        listing["records"] = records_listing(spec)
    listing["cells"] = cells
    return listing


def records_listing(spec: ir.Spec) -> list[dict[str, object]]:
    """Each list of records: its key, label, section, record count rules and its fields with their cell patterns."""
    section_labels = {s.key: s.label for s in spec.sections}
    return [
        {
            "records": r.key,
            "label": r.label,
            "section": section_labels.get(r.section, r.section),
            "at_least": r.at_least,
            "at_most": r.at_most,
            "fields": [
                {
                    "key": r.cell_key(ir.RECORD_SLOT, f.key),
                    "field": f.key,
                    "label": f.label,
                    "type": "member" if f.dimension is not None else f.type.kind,
                    "dimension": f.dimension,
                    "unit": f.type.unit,
                    "decimals": f.type.decimals,
                    "choices": list(f.type.choices),
                }
                for f in r.fields
            ],
        }
        for r in spec.records.values()
    ]


def _aggregation(table: ir.Table, cell: ir.Cell) -> dict[str, object]:
    """A cell's aggregation kind when it is not additive, and the member an of-which cell is part of
    (docs/aggregation.md); nothing for an additive cell, so listings of specs without kinds are as they were."""
    kind, part_of = cell_aggregation(table, cell)
    if kind == "additive":
        return {}
    return {"aggregation": kind, "part_of": part_of} if part_of is not None else {"aggregation": kind}


def open_listing(spec: ir.Spec) -> list[dict[str, object]]:
    """Each open dimension: its slot (as cell keys show it), its rules, and a coded hierarchy's levels and code list
    (docs/open-dimensions.md)."""
    labels = {t.rows.open.dimension: t.rows.label for t in spec.tables.values() if t.rows and t.rows.open}
    found: list[dict[str, object]] = []
    for key, opened in spec.open_dimensions.items():
        coded = opened.coded
        found.append(
            {
                "dimension": key,
                "label": labels.get(key),
                "slot": opened.slot,
                "key_pattern": opened.key_pattern,
                "at_least": opened.at_least,
                "at_most": opened.at_most,
                "levels": [{"length": v.length, "label": v.label} for v in coded.levels] if coded else [],
                "codes_file": coded.codes_file if coded else None,
                "codes": len(coded.codes) if coded and coded.codes_file else None,
            }
        )
    return found


def render_cells_text(listing: dict[str, object], lang: Lang = "zh") -> str:
    lines: list[str] = []
    fields = listing["fields"]
    cells = listing["cells"]
    texts = listing["texts"]
    assert isinstance(fields, list) and isinstance(cells, list) and isinstance(texts, list)
    lines.append("# 字段 / fields" if lang != "en" else "# fields")
    for field in fields:
        lines.append(f"{field['key']}\t{field['type']}\t{field['label']}")
    lines.append("# 文本 / text blocks" if lang != "en" else "# text blocks")
    for text in texts:
        lines.append(f"{text['key']}\ttext\t{text['label']}")
    lines.extend(_open_lines(listing.get("open_dimensions"), lang))
    lines.extend(_records_lines(listing.get("records"), lang))
    current = None
    for cell in cells:
        if cell["table"] != current:
            current = cell["table"]
            count = sum(1 for c in cells if c["table"] == current)
            lines.append(f"# {cell['section']} · {cell['table_label'] or current} ({count})")
        kind = cell["type"] + (f" {cell['unit']}" if cell["type"] == "amount" else "")
        if "aggregation" in cell:  # docs/aggregation.md: average, ratio, stock, of_which (of its parent)
            kind += f" {cell['aggregation']}" + (f"({cell['part_of']})" if "part_of" in cell else "")
        header = " / ".join(cell["row_labels"]) or "—"
        lines.append(f"{cell['key']}\t{kind}\t{header} × {' / '.join(cell['column_labels'])}")
    return "\n".join(lines)


def _records_lines(lists: object, lang: Lang) -> list[str]:
    """``explanations.<#>.count  count  Explanations of "other" × Count`` per field; the header gives the rules."""
    if not isinstance(lists, list) or not lists:
        return []
    lines: list[str] = []
    for r in lists:
        rules = [f"at least {r['at_least']}"] if r["at_least"] else []
        rules += [f"at most {r['at_most']}"] if r["at_most"] is not None else []
        head = "记录列表 / list of records" if lang != "en" else "list of records"
        lines.append(f"# {head}: {r['section']} · {r['label']} ({'; '.join(rules) or 'any number'})")
        for f in r["fields"]:
            kind = f"member of {f['dimension']}" if f["dimension"] else f["type"]
            if f["type"] == "amount":
                kind += f" {f['unit']}"
            lines.append(f"{f['key']}\t{kind}\t{r['label']} × {f['label']}")
    return lines


def _open_lines(dimensions: object, lang: Lang) -> list[str]:
    """``<subject>  科目  key pattern …; levels by code length 3 类, 5 款, 7 项; codes from "….csv" (19 codes)``."""
    if not isinstance(dimensions, list) or not dimensions:
        return []
    lines = ["# 开放维度 / open dimensions" if lang != "en" else "# open dimensions"]
    for d in dimensions:
        rules = [f"key pattern {d['key_pattern']}"] if d["key_pattern"] is not None else []
        if d["levels"]:
            levels = ", ".join(f"{v['length']} {v['label']}" if v["label"] else str(v["length"]) for v in d["levels"])
            rules.append(f"levels by code length {levels}")
        if d["codes_file"] is not None:
            rules.append(f"codes from {d['codes_file']} ({d['codes']} codes)")
        if d["at_least"]:
            rules.append(f"at least {d['at_least']}")
        if d["at_most"] is not None:
            rules.append(f"at most {d['at_most']}")
        lines.append(f"{d['slot']}\t{d['label'] or d['dimension']}\t{'; '.join(rules)}")
    return lines
