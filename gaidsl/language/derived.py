"""Derived cells: a row or column whose value is defined by an expression over its siblings
(``share "费用占比（%）" : amount in pct decimals 2 = round(fees / costs * 100, 2)``). Each becomes one check of its
table, ``derived.<table>.<member>``, comparing the reported value with the expression at every position of the other
axis (within the usual reported-precision tolerance of amounts); see docs/arithmetic.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.printer import expr_text

LowerCheck = Callable[[ast.Check, ir.Table, str], ir.Check | None]
"""The lowering of one check node in a table and section (the lowerer's own ``_check``)."""


def collect(members: Iterable[ast.Member]) -> dict[str, ast.Member]:
    """The members with ``= expr`` among ``members`` and their descendants, by key."""
    found: dict[str, ast.Member] = {}
    stack = list(reversed(list(members)))  # document order
    while stack:
        member = stack.pop()
        if member.derived is not None:
            found[member.key] = member
        stack.extend(reversed(member.children))
    return found


def derived_checks(
    table: ir.Table, derived: Mapping[str, Mapping[str, ast.Member]], lower_check: LowerCheck
) -> tuple[list[ir.Check], list[Diagnostic]]:
    """The checks of the derived rows and columns of ``table`` (``derived``: by axis key, by member key), and the
    problems found: a derived total or group (GAI342), a text member (GAI343), a cycle (GAI341), a derived row
    crossing a derived column (GAI344)."""
    checks: list[ir.Check] = []
    problems: list[Diagnostic] = []
    by_kind: dict[str, list[ast.Member]] = {}
    for kind, axis in (("row", table.rows), ("column", table.columns)):
        if axis is None:
            continue
        members = [m for key, m in derived.get(axis.key, {}).items() if key in axis.by_key]
        by_kind[kind] = members
        cyclic = _cycles(members, problems)
        for member in members:
            found = axis.by_key[member.key]
            if found.kind != "leaf":
                kind_text = Text("合计", "total") if found.kind == "total" else Text("分组", "group")
                problems.append(error("GAI342", member.span, kind=kind_text.zh, kind_en=kind_text.en, name=member.key))
                continue
            if member.key in cyclic:
                continue
            if not _numeric(table, found):
                problems.append(error("GAI343", member.span, name=member.key, got="文本", got_en="text"))
                continue
            checks.extend(_check(table, member, kind, lower_check))
    for row in by_kind.get("row", []):
        for column in by_kind.get("column", []):
            if (row.key, column.key) not in table.absent:
                cell = table.cell_key(row.key, column.key)
                problems.append(error("GAI344", column.span, row=row.key, column=column.key, cell=cell))
    return checks, problems


def _numeric(table: ir.Table, member: ir.Member) -> bool:
    """Whether the derived member's cells are numbers (its own type, else the table's)."""
    cell_type = member.type or table.type
    return cell_type.numeric


def _check(table: ir.Table, member: ast.Member, kind: str, lower_check: LowerCheck) -> list[ir.Check]:
    assert member.derived is not None
    own = ast.Ref((member.key,), span=member.span)
    expr = ast.Compare("==", own, member.derived, span=member.span)
    text = expr_text(member.derived)
    node = ast.Check(
        key=f"derived.{table.key}.{member.key}",
        expr=expr,
        broadcast="column" if kind == "row" else "row",
        label=f"「{member.label}」= {text}",
        messages=(ast.Message("en", f"'{member.key}' is derived: {member.key} = {text}"),),
        span=member.span,
    )
    lowered = lower_check(node, table, table.section)
    return [attrs.evolve(lowered, origin="derived")] if lowered is not None else []


def _cycles(members: list[ast.Member], problems: list[Diagnostic]) -> set[str]:
    """The derived members that are defined, directly or through others, by themselves (GAI341, once per cycle)."""
    keys = {m.key: m for m in members}
    uses = {m.key: [n for n in _names(m.derived) if n in keys] for m in members if m.derived is not None}
    cyclic: set[str] = set()
    for start in keys:
        path = [start]
        stack = [(start, iter(uses.get(start, [])))]
        while stack:
            _, following = stack[-1]
            nxt = next(following, None)
            if nxt is None:
                stack.pop()
                path.pop()
                continue
            if nxt == start:
                cycle = [*path, start]
                if not cyclic.intersection(path):
                    problems.append(error("GAI341", keys[start].span, cycle=" → ".join(cycle)))
                cyclic.update(path)
                continue
            if nxt in path:
                continue
            path.append(nxt)
            stack.append((nxt, iter(uses.get(nxt, []))))
    return cyclic


def _names(expr: ast.Expr | ast.Star | None) -> list[str]:
    """The one-word names an expression reads (the siblings a derived value is defined by)."""
    found: list[str] = []
    stack: list[ast.Expr | ast.Star | None] = [expr]
    while stack:  # isinstance, not match: a match over AST classes reads as a walker over the IR's (test_ir)
        node = stack.pop()
        if isinstance(node, ast.Ref) and not node.previous and len(node.path) == 1:
            found.append(node.path[0])
        elif isinstance(node, ast.Call | ast.Logic):
            stack.extend(node.args)
        elif isinstance(node, ast.BinOp | ast.Compare):
            stack.extend((node.left, node.right))
        elif isinstance(node, ast.Neg | ast.Not):
            stack.append(node.arg)
        elif isinstance(node, ast.If):
            stack.extend((node.condition, node.then))
    return found
