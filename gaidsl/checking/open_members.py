"""A spec with open dimensions made into the ordinary spec of one report (docs/open-dimensions.md).

The slot of an open dimension (``<component>``) becomes the report's members, in its order: each slot cell becomes
one cell per member (``requests.<component>.received`` → ``requests.CIV.received``, labelled with the member's
label), a check position at the slot becomes one position per member, a slot cell anywhere else becomes the sum over
every member (so a total over the entered rows is 0 with none), and each rule on the number of members becomes a
check of its own (origin ``members``). The reference evaluator then judges that spec as any other, so the meaning
of every check is unchanged; cross-table checks match members by key because both tables' cells take the same key,
and ``previous.`` reads last year's cell of the same key.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import assert_never, cast

import attrs

from gaidsl.checking.coded_checks import hierarchy_checks, summed, with_codes
from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.language.source import Span

Members = Mapping[str, tuple[EnteredMember, ...]]
Slots = Mapping[str, tuple[EnteredMember, ...]]  # a slot's key → the members it stands for


def close(spec: ir.Spec, members: Members) -> ir.Spec:
    """The spec of a report whose open dimensions have ``members`` (a dimension not given has none). The last few
    report shapes are remembered (a spec is immutable and compared by identity, members by value): reports with the
    same members (this year's and last year's of one reporter, a form validated as it is filled, a batch of one
    reporter's reports) are closed once."""
    if not spec.open_dimensions:
        return spec
    shape = (spec, tuple((d, tuple(members.get(d, ()))) for d in spec.open_dimensions))
    return _closed(shape)


@functools.lru_cache(maxsize=4)
def _closed(shape: tuple[ir.Spec, tuple[tuple[str, tuple[EnteredMember, ...]], ...]]) -> ir.Spec:
    spec, given = shape
    members = dict(given)
    entered = {d: members.get(d, ()) for d in spec.open_dimensions}
    shown = {d: with_codes(o, entered[d]) for d, o in spec.open_dimensions.items()}  # 「2010101 行政运行」 if coded
    slots = {o.slot: shown[d] for d, o in spec.open_dimensions.items()}
    sums = {o.slot: summed(o, shown[d]) for d, o in spec.open_dimensions.items()}  # a coded hierarchy: first level
    cells: dict[str, ir.Cell] = {}
    tables: dict[str, ir.Table] = {}
    for table in spec.tables.values():
        keys: list[str] = []
        for key in table.cells:
            cell = spec.cells[key]
            for made in _cells(table, cell, slots):
                cells[made.key] = made
                keys.append(made.key)
        rows = _axis(table.rows, slots, sums) if table.rows is not None else None
        tables[table.key] = attrs.evolve(table, rows=rows, cells=tuple(keys))
    checks = [_check(check, slots, sums) for check in spec.checks]
    checks.extend(_count_checks(spec, entered))
    checks.extend(hierarchy_checks(spec, entered))
    record_checks = tuple(_check(check, slots, sums) for check in spec.record_checks)  # docs/records.md
    return attrs.evolve(
        spec, tables=tables, cells=cells, checks=tuple(checks), open_dimensions={}, record_checks=record_checks
    )


def _cells(table: ir.Table, cell: ir.Cell, slots: Slots) -> list[ir.Cell]:
    if cell.row is None or cell.row not in slots:
        return [cell]
    column, section, kind, key = cell.column, cell.section, cell.type, table.key
    labels = cell.column_labels
    return [
        ir.Cell(table.cell_key(m.key, column), key, section, m.key, column, (m.label,), labels, kind)
        for m in slots[cell.row]
    ]


def _axis(axis: ir.Axis, slots: Slots, sums: Slots) -> ir.Axis:
    if axis.open is None:
        return axis
    members: list[ir.Member] = []
    for member in axis.members:
        if member.key in slots:
            members.extend(ir.Member(m.key, m.label, "leaf", (m.key,), (m.label,)) for m in slots[member.key])
        else:
            parts = tuple(k for s in member.sums for k in ([m.key for m in sums[s]] if s in sums else [s]))
            members.append(attrs.evolve(member, sums=parts))
    return ir.Axis(axis.key, axis.label, tuple(members), {m.key: m for m in members})


def _check(check: ir.Check, slots: Slots, sums: Slots) -> ir.Check:
    instances: list[ir.CheckInstance] = []
    for instance in check.instances:
        slot = instance.position
        if slot is not None and slot in slots:
            at = _at_member(instance.expr, slot, sums)  # the position's expression made once, filled per member
            instances.extend(ir.CheckInstance(m.key, (m.label,), cast(ir.BoolExpr, at(m.key))) for m in slots[slot])
        else:
            instances.append(attrs.evolve(instance, expr=_condition(instance.expr, None, None, sums)))
    return attrs.evolve(check, instances=tuple(instances))


def _count_checks(spec: ir.Spec, entered: Mapping[str, tuple[EnteredMember, ...]]) -> list[ir.Check]:
    """``at least N`` and ``at most N`` as checks over the number of members the report entered."""
    checks: list[ir.Check] = []
    for dimension, opened in spec.open_dimensions.items():
        checks += count_rule_checks(
            f"members.{dimension}",
            len(entered[dimension]),
            (opened.at_least, opened.at_most),
            (f"开放维度「{dimension}」", "个成员"),
            (f"open dimension '{dimension}'", "entered members"),
            None,
            opened.span,
            spec.language,
        )
    return checks


def count_rule_checks(
    prefix: str,
    count: int,
    bounds: tuple[int | None, int | None],
    zh: tuple[str, str],
    en: tuple[str, str],
    section: str | None,
    span: Span | None,
    language: str = "zh",
) -> list[ir.Check]:
    """The checks ``PREFIX.at_least`` and ``PREFIX.at_most`` that ``count`` (what a report entered: members of an open
    dimension, records of a list) keeps within ``bounds``; ``label(至少|至多, N)`` and ``message_en(at least|at most,
    N)`` say them. An ``at least`` of 0 says nothing and is no check. In a spec whose language is English the label
    and both slots of the message are English (docs/languages.md)."""
    at_least, at_most = bounds
    rules = [(">=", "at_least", at_least, "至少", "at least")] if at_least else []
    if at_most is not None:
        rules.append(("<=", "at_most", at_most, "至多", "at most"))
    checks: list[ir.Check] = []
    for op, name, bound, least_zh, least_en in rules:
        said_en = f"{en[0]} has {least_en} {bound} {en[1]}"
        said = said_en if language == "en" else f"{zh[0]}{least_zh}填报 {bound} {zh[1]}"
        expr = ir.Compare(ir.narrow(op, ir.COMPARE_OPS), ir.Const(Decimal(count)), ir.Const(Decimal(bound)))
        checks.append(
            ir.Check(
                key=f"{prefix}.{name}",
                label=said,
                severity="error",
                message=Text(said, said_en),
                tolerance=None,
                broadcast=None,
                table=None,
                section=section,
                origin="members",
                instances=(ir.CheckInstance(None, (), expr),),
                span=span,
            )
        )
    return checks


def _condition(expr: ir.BoolExpr, slot: str | None, member: str | None, slots: Slots) -> ir.BoolExpr:
    """``expr`` at one position: the slot ``slot`` is ``member`` there; any other slot cell is a sum."""
    match expr:
        case ir.Compare(op=op, left=left, right=right):
            return ir.Compare(op, _operand(left, slot, member, slots), _operand(right, slot, member, slots))
        case ir.And(args=args):
            return ir.And(tuple(_condition(a, slot, member, slots) for a in args))
        case ir.Or(args=args):
            return ir.Or(tuple(_condition(a, slot, member, slots) for a in args))
        case ir.Not(arg=arg):
            return ir.Not(_condition(arg, slot, member, slots))
        case ir.Implies(condition=condition, then=then):
            return ir.Implies(_condition(condition, slot, member, slots), _condition(then, slot, member, slots))
        case ir.Mentions() | ir.Empty() | ir.TextTest():
            return expr
        case _:
            assert_never(expr)


def _operand(expr: ir.Expr, slot: str | None, member: str | None, slots: Slots) -> ir.Expr:
    match expr:
        case ir.CellRef(cell=cell, previous=previous):
            table, row, column = _split(cell)
            if row is None or row not in slots:
                return expr
            if row == slot and member is not None:
                return ir.CellRef(f"{table}.{member}.{column}", previous)
            return ir.Sum(tuple((1, ir.CellRef(f"{table}.{m.key}.{column}", previous)) for m in slots[row]))
        case ir.Sum(terms=terms):
            return ir.Sum(tuple((sign, _number(term, slot, member, slots)) for sign, term in terms))
        case ir.Scale(factor=factor, arg=arg):
            return ir.Scale(factor, _number(arg, slot, member, slots))
        case ir.Arith(args=args):
            return attrs.evolve(expr, args=tuple(_number(arg, slot, member, slots) for arg in args))
        case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies():
            return _condition(expr, slot, member, slots)
        case ir.Const() | ir.FieldRef() | ir.Length() | ir.TextConst() | ir.TextRef() | ir.Mentions() | ir.Empty():
            return expr
        case ir.TextTest():
            return expr
        case _:
            assert_never(expr)


def _number(expr: ir.NumExpr, slot: str | None, member: str | None, slots: Slots) -> ir.NumExpr:
    found = _operand(expr, slot, member, slots)
    assert isinstance(found, ir.Const | ir.CellRef | ir.FieldRef | ir.Sum | ir.Scale | ir.Length | ir.Arith)
    return found


_Made = Callable[[str], ir.Expr]


def _at_member(expr: ir.Expr, slot: str, slots: Slots) -> _Made:
    """``expr`` at a position at the slot ``slot`` as a function of the member: what :func:`_condition` makes of
    it for that member, with everything that does not name the member (a sum over another slot's members
    included) made once and shared by every member's expression."""
    made, varies = _template(expr, slot, slots)
    if not varies:
        fixed = made("")
        return lambda _: fixed
    return made


def _template(expr: ir.Expr, slot: str, slots: Slots) -> tuple[_Made, bool]:
    """A function of the member key giving ``expr`` at that member, and whether it depends on the member."""
    match expr:
        case ir.CellRef(cell=cell, previous=previous):
            table, row, column = _split(cell)
            if row == slot:
                head, tail = f"{table}.", f".{column}"
                return (lambda m: ir.CellRef(head + m + tail, previous)), True
            done = _operand(expr, None, None, slots)
            return (lambda _: done), False
        case ir.Compare(op=op, left=left, right=right):
            (a, av), (b, bv) = _template(left, slot, slots), _template(right, slot, slots)
            if av or bv:
                return (lambda m: ir.Compare(op, a(m), b(m))), True  # type: ignore[arg-type]
        case ir.Sum(terms=terms):
            parts = [(sign, *_template(term, slot, slots)) for sign, term in terms]
            if any(v for _, _, v in parts):
                return (lambda m: ir.Sum(tuple((sign, f(m)) for sign, f, _ in parts))), True  # type: ignore[misc]
        case ir.Scale(factor=factor, arg=arg):
            inner, varies = _template(arg, slot, slots)
            if varies:
                return (lambda m: ir.Scale(factor, inner(m))), True  # type: ignore[arg-type]
        case ir.And(args=args) | ir.Or(args=args):
            made = [_template(a, slot, slots) for a in args]
            if any(v for _, v in made):
                kind = type(expr)
                return (lambda m: kind(tuple(cast(ir.BoolExpr, f(m)) for f, _ in made))), True
        case ir.Not(arg=arg):
            inner, varies = _template(arg, slot, slots)
            if varies:
                return (lambda m: ir.Not(inner(m))), True  # type: ignore[arg-type]
        case ir.Implies(condition=condition, then=then):
            (c, cv), (t, tv) = _template(condition, slot, slots), _template(then, slot, slots)
            if cv or tv:
                return (lambda m: ir.Implies(c(m), t(m))), True  # type: ignore[arg-type]
        case (
            ir.Arith()
            | ir.Length()
            | ir.Const()
            | ir.FieldRef()
            | ir.Mentions()
            | ir.Empty()
            | ir.TextTest()
            | ir.TextConst()
            | ir.TextRef()
        ):  # arithmetic, lengths and text: as _operand makes them, per member
            if any(isinstance(n, ir.CellRef) and _split(n.cell)[1] == slot for n in ir.walk(expr)):
                return (lambda m: _operand(expr, slot, m, slots)), True
        case _:
            assert_never(expr)
    done = _operand(expr, None, None, slots)
    return (lambda _: done), False


def _split(cell: str) -> tuple[str, str | None, str]:
    parts = cell.split(".")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], None, parts[-1])


def new_this_year(spec: ir.Spec, report_members: Members, previous_members: Members) -> dict[str, str]:
    """The members (key → label) this report entered that last year's report did not: a check across periods at
    such a member has nothing to compare with."""
    found: dict[str, str] = {}
    for dimension in spec.open_dimensions:
        before = {m.key for m in previous_members.get(dimension, ())}
        found.update({m.key: m.label for m in report_members.get(dimension, ()) if m.key not in before})
    return found


def absent_last_year(key: str, label: str) -> Text:
    return Text(
        f"「{label}」（{key}）不在上年报告的成员中：无法与上年比较，未核验",
        f"'{label}' ({key}) is not among last year's members: nothing to compare with, not verified",
    )
