"""Hover text: what a name is, in the words of the spec — a member's header path and labels, its cell keys, type and
unit and the checks that read it; a check's label and expression; a table's shape; a unit's scale.

Read from the IR (the last one that compiled, while the text has errors) and the AST node the name declares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Lang, say
from gaidsl.language.printer import expr_text
from gaidsl.lsp.index import Index, Occurrence, Symbol

MAX_CELLS = 12


def _code(items: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in items)


def _cells_line(cells: tuple[str, ...], lang: Lang) -> str:
    shown = _code(cells[:MAX_CELLS])
    more = len(cells) - MAX_CELLS
    if more > 0:
        shown += say(lang, f" …另有 {more} 个", f" … and {more} more")
    return say(lang, f"单元格（{len(cells)}）：", f"cells ({len(cells)}): ") + shown


def _readers(spec: ir.Spec, cells: Iterable[str]) -> list[ir.Check]:
    wanted = set(cells)
    return [c for c in spec.checks if any(ref.cell in wanted for inst in c.instances for ref in inst.cells)]


def _check_line(check: ir.Check) -> str:
    label = f" 「{check.label}」" if check.label else ""
    return f"- `{check.key}`{label}"


def _translated(translations: Mapping[str, str]) -> list[str]:
    """A label's translations (docs/languages.md#bilingual-specs), one line each: ``en: Requests received``."""
    return [f"{lang}: {text}" for lang, text in translations.items()]


def _member(spec: ir.Spec, symbol: Symbol, lang: Lang) -> list[str]:
    out: list[str] = []
    for table in spec.tables.values():
        for axis_kind in ("row", "column"):
            axis = table.axis(axis_kind)
            if axis is None or symbol.key not in axis.by_key:
                continue
            member = axis.by_key[symbol.key]
            if member.span is None or (member.span.file, member.span.start) != symbol.declared:
                continue
            where = say(lang, "行" if axis_kind == "row" else "列", axis_kind)
            out.append(f"**{' › '.join(member.labels)}**" + (f" {member.gloss}" if member.gloss else ""))
            out.extend(_translated(member.translations))
            out.append(
                say(lang, f"表 `{table.key}` 的{where} `{member.key}`", f"{where} `{member.key}` of `{table.key}`")
            )
            cells = spec.cells_under(table.key, axis_kind, member.key)
            types = sorted({spec.cells[c].type.describe() for c in cells})
            if types:
                out.append(say(lang, "类型：", "type: ") + ", ".join(types))
            out.append(_cells_line(cells, lang))
            readers = _readers(spec, cells)
            if readers:
                out.append(say(lang, "读取它的校验：", "checks that read it:"))
                out.extend(_check_line(c) for c in readers)
            out.append("")
    return out


def _table(spec: ir.Spec, key: str, lang: Lang) -> list[str]:
    table = spec.tables[key]
    rows = len(table.rows.data_members) if table.rows is not None else 1
    columns = len(table.columns.data_members)
    out = [f"**{table.label or table.key}**", *_translated(table.translations)]
    out.append(say(lang, f"表 `{table.key}`", f"table `{table.key}`"))
    out.append(say(lang, "类型：", "type: ") + table.type.describe())
    cells = len(table.cells)
    out.append(
        say(lang, f"{rows} 行 × {columns} 列，{cells} 个单元格", f"{rows} rows × {columns} columns, {cells} cells")
    )
    checks = [c for c in spec.checks if c.table == key]
    if checks:
        out.append(say(lang, "校验：", "checks:"))
        out.extend(_check_line(c) for c in checks)
    return out


def _check(spec: ir.Spec | None, node: object, key: str, lang: Lang) -> list[str]:
    out: list[str] = []
    found = next((c for c in spec.checks if c.key == key), None) if spec else None
    if isinstance(node, ast.Check):
        head = f"check `{node.key}`" + (f" {node.severity}" if node.severity else "")
        head += f" for each {node.broadcast}" if node.broadcast else ""
        out.append(f"**{node.label}**" if node.label else f"**{node.key}**")
        out.extend(_translated({t.lang: t.text for t in node.translations}))
        out.append(head)
        out.append(f"```gaidsl\n{expr_text(node.expr)}\n```")
    if found is not None:
        out.append(found.message.pick(lang))
        cells = {ref.cell for inst in found.instances for ref in inst.cells}
        count = len(found.instances)
        out.append(say(lang, f"{count} 处，读取 {len(cells)} 个单元格", f"{count} positions, reads {len(cells)} cells"))
    elif spec is not None and (removed := spec.removed_check(key)) is not None:
        out.append(removed.removal().pick(lang))
    return out


def _unit(spec: ir.Spec, key: str, lang: Lang) -> list[str]:
    unit = spec.units[key]
    out = [f"**{unit.label}**", say(lang, f"单位 `{unit.key}`", f"unit `{unit.key}`")]
    if unit.base != unit.key:
        out.append(f"1 {unit.key} = {unit.factor} {unit.base}")
    return out


def hover_text(index: Index, occurrence: Occurrence, spec: ir.Spec | None, lang: Lang) -> str | None:
    """Markdown for the name under the cursor, or None when there is nothing to say."""
    symbol = occurrence.symbol
    spec = occurrence.spec or spec  # a migration's name: the version it is read in
    definition = index.definition(symbol)
    node = definition.node if definition else None
    lines: list[str] = []
    if symbol.kind == "member":
        lines = _member(spec, symbol, lang) if spec is not None else []
        if not lines and isinstance(node, ast.Member):  # no compiled spec yet: the label as written
            lines = [f"**{node.label}**", f"`{node.key}`"]
    elif symbol.kind == "table" and spec is not None and symbol.key in spec.tables:
        lines = _table(spec, symbol.key, lang)
    elif symbol.kind == "check":
        lines = _check(spec, node, symbol.key, lang)
    elif symbol.kind == "unit" and spec is not None and symbol.key in spec.units:
        lines = _unit(spec, symbol.key, lang)
    elif symbol.kind == "field" and spec is not None and symbol.key in spec.fields:
        field = spec.fields[symbol.key]
        lines = [
            f"**{field.label}**",
            *_translated(field.translations),
            f"field `{field.key}` : {field.type.describe()}" + (" required" * field.required),
        ]
    elif symbol.kind == "text" and spec is not None and symbol.key in spec.texts:
        block = spec.texts[symbol.key]
        lines = [f"**{block.label or block.key}**", *_translated(block.translations)]
        lines.append(f"text `{block.key}`" + (" required" * block.required))
    elif isinstance(node, ast.Dimension):
        users = [t.key for t in index.tables.values() if _uses(t, node.key)]
        lines = [f"**{node.label or node.key}**", f"dimension `{node.key}`"]
        if users:
            lines.append(say(lang, "用于表：", "used by tables: ") + _code(users))
    elif isinstance(node, ast.Section):
        lines = [
            f"**{node.label}**",
            *_translated({t.lang: t.text for t in node.translations}),
            f"section `{node.key}`",
        ]
    version = occurrence.spec
    if version is not None and lines:  # a migration's name: say which version it is read in
        lines.insert(
            1, say(lang, f"（{version.id} {version.version} 版）", f"(in {version.id} version {version.version})")
        )
    text = "\n\n".join(line for line in lines if line != "")
    return text or None


def _uses(table: ast.Table, dimension: str) -> bool:
    return any(isinstance(a, ast.AxisRef) and a.name == dimension for a in (table.rows, table.columns))
