"""Aggregation kinds (docs/aggregation.md): what a total or ``sum(…)`` may add up, and the checks of-which rows imply.

A member is additive unless it says ``average`` or ``ratio`` (never summed: a total or ``sum`` over one is refused,
and a total crossing one has no structural check there), ``stock`` (a level: recorded and shown), or is written
``of_which K "其中：…"`` (a part of the member before it: left out of every total and group sum, and checked to be at
most that member at every position of the other axis)."""

from __future__ import annotations

from collections.abc import Sequence

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.source import Span

_LEAVE_OUT_HELP = Text(
    "平均数和比率不能相加：合计请写明只加总哪些成员，例如「= sum(a, b)」，或把该成员移到合计所在的层级之外",
    "averages and ratios do not add up: name what the total adds up, e.g. '= sum(a, b)', or move the member out of "
    "the total's level",
)
_KIND_WORDS = {"average": Text("平均数", "an average"), "ratio": Text("比率", "a ratio")}


def of_which_parents(members: Sequence[ast.Member], diagnostics: list[Diagnostic]) -> dict[str, str]:
    """Each ``of_which`` member of one level → the member written before it (GAI362 when there is none); an
    aggregation kind on a group, a total or an of-which row is GAI363."""
    parents: dict[str, str] = {}
    before: ast.Member | None = None
    for member in members:
        if member.aggregation != "additive" and (member.kind != "leaf" or member.of_which):
            what = Text("「其中」行", "an of_which row") if member.of_which else _member_word(member.kind)
            diagnostics.append(error("GAI363", member.span, name=member.key, kind=what.zh, kind_en=what.en))
        if member.of_which:
            if before is None:
                help = Text(
                    "把「其中」行写在它所属的成员之后", "write the of_which row right after the member it is part of"
                )
                diagnostics.append(error("GAI362", member.span, [help], name=member.key))
            else:
                parents[member.key] = before.key
        elif member.kind != "total":
            before = member
    return parents


def _member_word(kind: str) -> Text:
    return Text("合计", "a total") if kind == "total" else Text("分组", "a group")


def non_additive_in_total(total: ir.Member, source: ast.Member, parts: Sequence[ir.Member]) -> list[Diagnostic]:
    """GAI360 for every average or ratio a total would add up, at its name in ``= sum(…)`` or at the total."""
    problems: list[Diagnostic] = []
    names = source.total_of or ()
    for part in parts:
        if part.summable:
            continue
        index = names.index(part.key) if part.key in names else None
        span: Span | None = source.span
        if index is not None and index < len(source.total_of_spans) and source.total_of_spans[index] is not None:
            span = source.total_of_spans[index]
        word = _KIND_WORDS[part.aggregation]
        problems.append(
            error(
                "GAI360",
                span,
                [_LEAVE_OUT_HELP],
                total=total.key,
                name=part.key,
                label=part.label,
                kind=word.zh,
                kind_en=word.en,
            )
        )
    return problems


def additive_at(position: ir.Member | None) -> bool:
    """Whether a total's or an of-which row's check applies at this member of the other axis (not an average or
    ratio column: 全年 is not the sum of four quarters' averages)."""
    return position is None or position.summable


def non_additive_member(table: ir.Table, cell: ir.Cell) -> ir.Member | None:
    """The average or ratio member (row or column) a cell belongs to, if any."""
    for axis, key in ((table.rows, cell.row), (table.columns, cell.column)):
        if axis is not None and key is not None and key in axis.by_key and not axis.by_key[key].summable:
            return axis.by_key[key]
    return None


def sum_refusal(member: ir.Member, span: Span | None) -> Diagnostic:
    """GAI361: ``sum(…)`` in a check over an average or a ratio."""
    word = _KIND_WORDS.get(member.aggregation, Text("不可加总的量", "not additive"))
    help = Text(
        "平均数和比率不能相加：请比较它们本身，或对可加总的分子、分母分别求和",
        "compare it directly, or sum the additive parts it is computed from",
    )
    return error("GAI361", span, [help], name=member.key, label=member.label, kind=word.zh, kind_en=word.en)


def of_which_checks(table: ir.Table) -> list[ir.Check]:
    """The check each of-which row implies: at most its parent, at every additive position of the other axis."""
    checks: list[ir.Check] = []
    for axis, other in ((table.rows, table.columns), (table.columns, table.rows)):
        if axis is None:
            continue
        positions: list[ir.Member | None] = list(other.data_members) if other else [None]
        for member in axis.members:
            if member.part_of is None:
                continue
            parent = axis.by_key[member.part_of]
            instances: list[ir.CheckInstance] = []
            for position in positions:
                if not additive_at(position):
                    continue
                pos = position.key if position else None
                part = _cell_at(table, axis, member.key, pos)
                wholes = [c for c in (_cell_at(table, axis, k, pos) for k in axis.leaves_under(parent.key)) if c]
                if part is None or not wholes:
                    continue
                whole: ir.NumExpr = (
                    ir.CellRef(wholes[0]) if len(wholes) == 1 else ir.Sum(tuple((1, ir.CellRef(c)) for c in wholes))
                )
                expr = ir.Compare("<=", ir.CellRef(part), whole)
                instances.append(ir.CheckInstance(pos, position.labels if position else (), expr))
            if not instances:
                continue
            label = f"「{member.label}」不大于「{parent.label}」"
            message = Text(label, f"'{member.key}' is part of '{parent.key}': at most it")
            key = f"of_which.{table.key}.{member.key}"
            checks.append(axis_check(table, axis, other, key, message, "of_which", instances, member.span))
    return checks


def axis_check(
    table: ir.Table,
    axis: ir.Axis,
    other: ir.Axis | None,
    key: str,
    message: Text,
    origin: ir.CheckOrigin,
    instances: Sequence[ir.CheckInstance],
    span: Span | None,
) -> ir.Check:
    """A check a member implies along its axis (a total's sum, an of-which row's bound), one instance per position of
    the other axis, labelled by its Chinese message."""
    return ir.Check(
        key=key,
        label=message.zh,
        severity="error",
        message=message,
        tolerance=None,
        broadcast=("column" if axis is table.rows else "row") if other is not None else None,
        table=table.key,
        section=table.section,
        origin=origin,
        instances=tuple(instances),
        span=span,
    )


def _cell_at(table: ir.Table, axis: ir.Axis, member: str, position: str | None) -> str | None:
    row, column = (member, position) if axis is table.rows else (position, member)
    if (row, column) in table.absent or column is None:
        return None
    return table.cell_key(row, column)


def cell_aggregation(table: ir.Table, cell: ir.Cell) -> tuple[ir.Aggregation, str | None]:
    """How a cell aggregates, from its row and its column (an average wins over an of-which row, which wins over a
    stock), and the member an of-which cell is part of: what ``gaidsl cells`` shows."""
    members = [
        axis.by_key[key]
        for axis, key in ((table.rows, cell.row), (table.columns, cell.column))
        if axis is not None and key is not None and key in axis.by_key
    ]
    for kinds in (("average", "ratio"), ("of_which",), ("stock",)):
        for member in members:
            if member.aggregation in kinds:
                return member.aggregation, member.part_of
    return "additive", None
