"""What a coded hierarchy means for a report's values (docs/open-dimensions.md#coded-hierarchies), made into
ordinary checks by :func:`gaidsl.checking.open_members.close`: every entered member with entered children equals
their sum, per numeric column (``hierarchy.<table>.<parent>``), and a total or a sum over the slot counts only the
members without an entered parent (合计 is the sum of the 类 rows, not of every row)."""

from __future__ import annotations

from collections.abc import Sequence

from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text


def with_codes(opened: ir.OpenMembers, members: Sequence[EnteredMember]) -> tuple[EnteredMember, ...]:
    """The members as a coded table shows its rows, code before name (「2010101 行政运行」): every 款 has its own
    行政运行, so results and messages name a coded row by both."""
    if opened.coded is None:
        return tuple(members)
    return tuple(EnteredMember(m.key, f"{m.key} {m.label}") for m in members)


def summed(opened: ir.OpenMembers, members: Sequence[EnteredMember]) -> tuple[EnteredMember, ...]:
    """The members a sum over the slot adds up: all of them, or for a coded hierarchy those whose parent is not
    entered (the first level, when every child has its parent)."""
    coded = opened.coded
    if coded is None or not coded.levels:
        return tuple(members)
    keys = {m.key for m in members}
    return tuple(m for m in members if coded.parent_of(m.key) not in keys)


def children_of(coded: ir.CodedHierarchy, members: Sequence[EnteredMember]) -> dict[str, list[EnteredMember]]:
    """Each entered member's entered children, in the report's order (members without children left out)."""
    keys = {m.key for m in members}
    found: dict[str, list[EnteredMember]] = {}
    for member in members:
        parent = coded.parent_of(member.key)
        if parent is not None and parent in keys:
            found.setdefault(parent, []).append(member)
    return found


def hierarchy_checks(spec: ir.Spec, entered: dict[str, tuple[EnteredMember, ...]]) -> list[ir.Check]:
    """One check per table and entered parent: the parent's row equals the sum of its children's rows, at every
    numeric column."""
    checks: list[ir.Check] = []
    for table in spec.tables.values():
        opened = table.rows.open if table.rows is not None else None
        if opened is None or opened.coded is None or not opened.coded.levels:
            continue
        members = entered.get(opened.dimension, ())
        labels = {m.key: m.label for m in members}
        columns = [
            c for c in table.columns.data_members if spec.cells.get(table.cell_key(opened.slot, c.key)) is not None
        ]
        numeric = [c for c in columns if spec.cells[table.cell_key(opened.slot, c.key)].type.numeric]
        if not numeric:
            continue
        for parent, children in children_of(opened.coded, members).items():
            instances = tuple(
                ir.CheckInstance(
                    column.key,
                    column.labels,
                    ir.Compare(
                        "==",
                        ir.CellRef(table.cell_key(parent, column.key)),
                        ir.Sum(tuple((1, ir.CellRef(table.cell_key(c.key, column.key))) for c in children)),
                    ),
                )
                for column in numeric
            )
            named = "、".join(f"「{c.key} {c.label}」" for c in children)
            named_en = ", ".join(f"'{c.key} {c.label}'" for c in children)
            label_en = f"'{parent} {labels[parent]}' equals the sum of its children {named_en}"
            label = f"「{parent} {labels[parent]}」等于下级{named}之和" if spec.language == "zh" else label_en
            message = Text(label, label_en)  # a spec in English: English in both (docs/languages.md)
            checks.append(
                ir.Check(
                    key=f"hierarchy.{table.key}.{parent}",
                    label=label,
                    severity="error",
                    message=message,
                    tolerance=None,
                    broadcast="column",
                    table=table.key,
                    section=table.section,
                    origin="hierarchy",
                    instances=instances,
                    span=opened.span,
                )
            )
    return checks
