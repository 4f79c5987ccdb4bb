"""The total members of a table: the structural check each one implies (the total equals the sum of what it adds up,
per position of the other axis), and the agreement of what it adds up with the total's own type and unit."""

from __future__ import annotations

from collections.abc import Mapping

from gaidsl.language import ir
from gaidsl.language.aggregation import additive_at, axis_check
from gaidsl.language.diagnostics import Diagnostic, Text, error


def total_problems(table: ir.Table, cells: Mapping[str, ir.Cell]) -> list[Diagnostic]:
    """What a total adds up must be numbers in the total's own unit, at every position of the other axis."""
    problems: list[Diagnostic] = []
    for axis, other in ((table.rows, table.columns), (table.columns, table.rows)):
        if axis is None:
            continue
        # aggregation kinds: a total has nothing to add up where it crosses an average or a ratio
        positions: list[str | None] = [m.key for m in other.data_members if additive_at(m)] if other else [None]
        for total in (m for m in axis.members if m.kind == "total"):
            problem = next(filter(None, (_total_problem(table, axis, total, p, cells) for p in positions)), None)
            if problem is not None:
                problems.append(problem)
    return problems


def _total_problem(
    table: ir.Table, axis: ir.Axis, total: ir.Member, position: str | None, cells: Mapping[str, ir.Cell]
) -> Diagnostic | None:
    total_key = _cell_at(table, axis, total.key, position)
    if total_key is None or total_key not in cells:
        return None
    unit = cells[total_key].type.unit
    for part in total.sums:
        key = _cell_at(table, axis, part, position)
        if key is None or key not in cells or not axis.by_key[part].summable:  # an average: GAI360 already
            continue
        part_type = cells[key].type
        if not part_type.numeric:
            return error("GAI212", total.span, name=total.key)
        if part_type.unit != unit:
            why = Text(f"「{part}」的单位与合计不同", f"'{part}' is not in the total's unit")
            return error("GAI201", total.span, [why], left=unit, right=part_type.unit)
    return None


def total_checks(table: ir.Table) -> list[ir.Check]:
    """The structural check of every total member: the total equals the sum of what it adds up, per position."""
    checks: list[ir.Check] = []
    for axis, other in ((table.rows, table.columns), (table.columns, table.rows)):
        if axis is None:
            continue
        positions: list[ir.Member | None] = list(other.data_members) if other else [None]
        for total in (m for m in axis.members if m.kind == "total"):
            instances: list[ir.CheckInstance] = []
            for position in positions:
                if not additive_at(position):  # aggregation kinds: 全年 of an average is not a sum
                    continue
                pos = position.key if position else None
                total_cell = _cell_at(table, axis, total.key, pos)
                if total_cell is None:
                    continue
                parts = [c for c in (_cell_at(table, axis, s, pos) for s in total.sums) if c is not None]
                expr = ir.Compare("==", ir.CellRef(total_cell), ir.Sum(tuple((1, ir.CellRef(c)) for c in parts)))
                instances.append(ir.CheckInstance(pos, position.labels if position else (), expr))
            if not instances:
                continue
            label = f"「{total.label}」等于{_parts_label(axis, total)}之和"
            message = Text(label, f"'{total.key}' equals the sum of " + ", ".join(total.sums))
            key = f"total.{table.key}.{total.key}"
            checks.append(axis_check(table, axis, other, key, message, "total", instances, total.span))
    return checks


def _parts_label(axis: ir.Axis, total: ir.Member) -> str:
    """「三、本年度办理结果」各项 when a total adds up all its siblings, else the parts by name."""
    siblings = [m for m in axis.members if m.parent == total.parent and m.kind != "total"]
    everything = [leaf for m in siblings for leaf in axis.leaves_under(m.key)]
    if list(total.sums) == everything and total.parent is not None:
        return f"「{axis.by_key[total.parent].label}」各项"
    if list(total.sums) == everything and axis.label:
        return f"「{axis.label}」各项"
    return "、".join(f"「{axis.by_key[s].label}」" for s in total.sums)


def _cell_at(table: ir.Table, axis: ir.Axis, member: str, position: str | None) -> str | None:
    row, column = (member, position) if axis is table.rows else (position, member)
    if (row, column) in table.absent or column is None:
        return None
    return table.cell_key(row, column)
