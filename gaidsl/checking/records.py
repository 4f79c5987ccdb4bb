"""A spec with lists of records made into the ordinary spec of one report (docs/records.md).

Each list becomes a table of one row per record (rows ``1`` … ``N``, columns its fields, cells ``LIST.N.FIELD``); a
``for each record`` check becomes one position per record; an aggregate (``<sum#1>``) becomes, at each position of
its check, the sum (count, min, max) of the cells of the records its ``where`` keeps — the filter is decided here,
on the report's values, so the reference evaluator then judges an ordinary check; and each rule on the number of
records becomes a check of its own (origin ``members``). Run after :func:`gaidsl.checking.open_members.close`, which
has already moved the record checks' positions to the report's entered members.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.open_members import count_rule_checks
from gaidsl.checking.report import Report, Value
from gaidsl.language import ir
from gaidsl.language.cell_map import map_condition


class _NoPosition(Exception):
    """A ``min``/``max`` over no records: the check has no position there (nothing to compare)."""


def record_label(index: int | str) -> str:
    return f"#{index}"


def close_records(spec: ir.Spec, report: Report) -> ir.Spec:
    """The spec of ``report``'s records: its lists as tables, its record checks as ordinary checks."""
    if not spec.records:
        return spec
    counts = {key: report.records.get(key, 0) for key in spec.records}
    tables, cells = record_tables(spec, {key: [str(i) for i in range(1, n + 1)] for key, n in counts.items()})
    closing = _Closing(spec, report, counts, tables)
    checks = [*spec.checks, *(closing.check(c) for c in spec.record_checks), *count_checks(spec, counts)]
    return attrs.evolve(
        spec, tables=tables, cells=cells, checks=tuple(checks), records={}, record_checks=(), record_aggregates={}
    )


def record_tables(spec: ir.Spec, rows: Mapping[str, Sequence[str]]) -> tuple[dict[str, ir.Table], dict[str, ir.Cell]]:
    """``spec``'s tables and cells with each list of records a table whose rows are ``rows[list]`` (the records'
    numbers as text; the generated Python module names one stand-in record this way)."""
    tables = dict(spec.tables)
    cells = dict(spec.cells)
    for records in spec.records.values():
        table = _table(records, rows[records.key])
        tables[table.key] = table
        for index in rows[records.key]:
            for field in records.fields:
                key = records.cell_key(index, field.key)
                cells[key] = ir.Cell(
                    key,
                    records.key,
                    records.section,
                    index,
                    field.key,
                    (record_label(index),),
                    (field.label,),
                    field.type,
                )
    return tables, cells


def _table(records: ir.RecordList, keys: Sequence[str]) -> ir.Table:
    rows = tuple(ir.Member(i, record_label(i), "leaf", (i,), (record_label(i),)) for i in keys)
    columns = tuple(
        ir.Member(f.key, f.label, "leaf", (f.key,), (f.label,), type=f.type, span=f.span) for f in records.fields
    )
    return ir.Table(
        key=records.key,
        label=records.label,
        section=records.section,
        type=ir.CellType("text"),
        rows=ir.Axis(records.key, records.label, rows, {m.key: m for m in rows}),
        columns=ir.Axis(f"{records.key}.fields", None, columns, {m.key: m for m in columns}),
        stub=None,
        notes=(),
        absent=frozenset(),
        cells=tuple(records.cell_key(i, f.key) for i in keys for f in records.fields),
        span=records.span,
    )


def count_checks(spec: ir.Spec, counts: Mapping[str, int]) -> list[ir.Check]:
    """``at least N`` and ``at most N`` as checks over the number of records the report entered."""
    checks: list[ir.Check] = []
    for records in spec.records.values():
        checks += count_rule_checks(
            f"records.{records.key}",
            counts[records.key],
            (records.at_least, records.at_most),
            (f"记录列表「{records.label}」", "条记录"),
            (f"the list of records '{records.key}'", "records"),
            records.section,
            records.span,
            spec.language,
        )
    return checks


def count_check_keys(spec: ir.Spec) -> tuple[str, ...]:
    """The keys of the record-count checks :func:`close_records` adds."""
    return tuple(c.key for c in count_checks(spec, {k: 0 for k in spec.records}))


class _Closing:
    def __init__(self, spec: ir.Spec, report: Report, counts: dict[str, int], tables: dict[str, ir.Table]) -> None:
        self.spec = spec
        self.report = report
        self.counts = counts
        self.tables = tables
        self.grouped: dict[str, dict[tuple[Value, ...], list[int]] | None] = {}

    def check(self, check: ir.Check) -> ir.Check:
        instances: list[ir.CheckInstance] = []
        for instance in check.instances:
            if instance.position == ir.RECORD_SLOT:
                assert check.table is not None
                for index in range(1, self.counts[check.table] + 1):
                    at = _At(self, check, str(index), str(index))
                    self._add(instances, ir.CheckInstance(str(index), (record_label(index),), instance.expr), at)
            else:
                self._add(instances, instance, _At(self, check, instance.position, None))
        return attrs.evolve(check, instances=tuple(instances))

    @staticmethod
    def _add(instances: list[ir.CheckInstance], instance: ir.CheckInstance, at: _At) -> None:
        with contextlib.suppress(_NoPosition):
            instances.append(attrs.evolve(instance, expr=map_condition(instance.expr, at.cell)))

    def matches(self, aggregate: ir.RecordAggregate, check: ir.Check, position: str | None) -> list[int] | None:
        """The records (numbers from 1) the aggregate's ``where`` keeps at ``position``; None when a filtered field
        of some record is unknown (the aggregate is then unknown). The records are grouped once per aggregate by
        the values of its filtered fields, so each position tests each distinct group once (linear in records)."""
        groups = self._groups(aggregate)
        if groups is None:
            return None
        kept: list[int] = []
        for values, indexes in groups.items():
            held = [self._holds(t, v, check, position) for t, v in zip(aggregate.where, values, strict=True)]
            if all(held):
                kept.extend(indexes)
        return sorted(kept)

    def _groups(self, aggregate: ir.RecordAggregate) -> dict[tuple[Value, ...], list[int]] | None:
        if aggregate.key in self.grouped:
            return self.grouped[aggregate.key]
        groups: dict[tuple[Value, ...], list[int]] | None = {}
        for index in range(1, self.counts[aggregate.records] + 1):
            values = tuple(self.report.value(f"{aggregate.records}.{index}.{t.field}") for t in aggregate.where)
            if not all(isinstance(v, str | Decimal) for v in values):
                groups = None
                break
            groups.setdefault(values, []).append(index)  # type: ignore[union-attr]
        self.grouped[aggregate.key] = groups
        return groups

    def _holds(self, term: ir.FilterTerm, value: Value, check: ir.Check, position: str | None) -> bool:
        assert isinstance(value, str | Decimal)  # unknown values were found while grouping
        if term.value is None:  # the check's position: at a total row, any member the total adds up
            wanted = {position} if position is not None else set()
            table = self.tables.get(check.table) if check.table is not None else None
            axis = table.axis(check.broadcast) if table is not None and check.broadcast is not None else None
            member = axis.by_key.get(position) if axis is not None and position is not None else None
            if member is not None and member.kind == "total":
                wanted = set(member.sums)
            inside = value in wanted
            return inside if term.op == "==" else not inside
        if isinstance(term.value, Decimal) and isinstance(value, Decimal):
            return _compare(term.op, value, term.value)
        if isinstance(term.value, str) and isinstance(value, str):
            return (value == term.value) if term.op == "==" else (value != term.value)
        return term.op == "!="  # a number against a text: never equal


@attrs.frozen
class _At:
    """Where a record check's expression is being closed: its check, its position, and the record (a ``for each
    record`` position) whose fields are the bare names."""

    closing: _Closing
    check: ir.Check
    position: str | None
    record: str | None

    def cell(self, ref: ir.CellRef) -> ir.NumExpr:
        aggregate = self.closing.spec.record_aggregates.get(ref.cell)
        if aggregate is not None:
            return self._aggregate(aggregate)
        parts = ref.cell.split(".")
        if len(parts) == 3 and parts[1] == ir.RECORD_SLOT and self.record is not None:
            return ir.CellRef(f"{parts[0]}.{self.record}.{parts[2]}", ref.previous)
        return ref

    def _aggregate(self, aggregate: ir.RecordAggregate) -> ir.NumExpr:
        kept = self.closing.matches(aggregate, self.check, self.position)
        if kept is None:
            return ir.Arith("/", (ir.Const(Decimal(0)), ir.Const(Decimal(0))))  # unknown: the check is unverifiable
        if aggregate.op == "count":
            return ir.Const(Decimal(len(kept)))
        assert aggregate.field is not None
        refs = [ir.CellRef(f"{aggregate.records}.{i}.{aggregate.field}") for i in kept]
        if aggregate.op == "sum":
            return ir.Sum(tuple((1, r) for r in refs)) if refs else ir.Const(Decimal(0))
        if not refs:
            raise _NoPosition()
        return refs[0] if len(refs) == 1 else ir.Arith(aggregate.op, tuple(refs))


def _compare(op: ir.CompareOp, left: Decimal, right: Decimal) -> bool:
    return {
        "==": left == right,
        "!=": left != right,
        "<=": left <= right,
        ">=": left >= right,
        "<": left < right,
        ">": left > right,
    }[op]
