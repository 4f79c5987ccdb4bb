"""Spec analysis over lists of records (docs/records.md#spec-analysis): record fields as solver variables, the
aggregates and their ``where`` encoded symbolically, on bounded instances.

An instance fixes how many records each list has — 0 to :data:`RECORD_BOUND`, moved into the list's ``at least`` /
``at most`` — beside the open dimensions' members (:mod:`gaidsl.analysis.open_parts`). Nothing else is fixed:

* each field of each record is a variable of its type (a ``count`` an ``Int ≥ 0``, an amount a ``Real``, a choice a
  string among its choices, a ``member of D`` a string among the members a record of the instance may name: D's
  fixed leaves and the instance's entered members, a finite domain);
* a ``for each record`` check is one position per record, its bare field names that record's variables;
* an aggregate at a position is a term over every record: ``sum`` is ``Σ ite(kept_i, field_i, 0)``, ``count``
  ``Σ ite(kept_i, 1, 0)``, ``min``/``max`` a chain of ``ite``; ``kept_i`` is the ``where`` on record i's
  variables (``component == row`` at a total row: any member the total adds up). A ``min``/``max`` keeping no
  record leaves its position out, as the evaluator does (:meth:`RecordEncoder.present`).

So what the solver answers about an instance is exactly what the reference evaluator would say of every report of
that shape (:func:`gaidsl.checking.records.close_records` decides the ``where`` on one report's values; here they
are unknowns). A contradiction found is one; a contradiction needing more records than the instances have is not
found, and the output says how far the search went (GAI614).

Beyond consistency: a ``where`` that keeps no record of any valid report of the searched instances makes its
aggregate vacuous (always 0, or a ``min``/``max`` check with no position): GAI615. A *witness*, a valid report with
the most records searched (the fields' values from the solver's model), shows that records can be entered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import assert_never

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import DEFAULT_TIMEOUT_MS, Z3, Encoder, Problem, from_z3, z3_number
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.record_data import member_keys
from gaidsl.checking.records import record_label, record_tables
from gaidsl.checking.report import EnteredMember, FieldValue, Report, Value
from gaidsl.language import ir
from gaidsl.language.cell_map import map_condition
from gaidsl.language.diagnostics import Text

RECORD_BOUND = 3  # records per list in the instances (0 … RECORD_BOUND, moved into the list's range)

Members = Mapping[str, tuple[EnteredMember, ...]]
Counts = Mapping[str, int]


# ---------------------------------------------------------------------------------------------------- record counts


def count_range(records: ir.RecordList) -> list[int]:
    """The record counts searched for a list: 0 … :data:`RECORD_BOUND` moved into its ``at least`` / ``at most``
    (one more than ``at least`` when that is above the bound)."""
    top = max(RECORD_BOUND, records.at_least + 1)
    if records.at_most is not None:
        top = min(top, records.at_most)
    return list(range(records.at_least, top + 1))


def record_counts(spec: ir.Spec) -> list[dict[str, int]]:
    """The record counts of the instances, the ``i``-th giving every list its ``i``-th count (its last when it has
    fewer)."""
    ranges = {key: count_range(records) for key, records in spec.records.items()}
    if not ranges or any(not r for r in ranges.values()):
        return []
    longest = max(len(r) for r in ranges.values())
    return [{key: r[min(i, len(r) - 1)] for key, r in ranges.items()} for i in range(longest)]


def nameable(spec: ir.Spec, members: Members, counts: Counts) -> bool:
    """Whether every record has a member to name in each ``member of D`` field (else the shape has no valid
    report: a record naming no member is refused, GAI774)."""
    for records in spec.records.values():
        if counts.get(records.key, 0) == 0:
            continue
        for field in records.fields:
            if field.dimension is not None and not allowed_members(spec, field.dimension, members):
                return False
    return True


def allowed_members(spec: ir.Spec, dimension: str, members: Members) -> tuple[str, ...]:
    """The members a record may name: the dimension's fixed leaves and the instance's entered members."""
    return (*member_keys(spec, dimension), *(m.key for m in members.get(dimension, ())))


def describe_counts(counts: Counts) -> Text:
    """「「explanations」2 条记录」 / "2 records of 'explanations'"."""
    zh = "、".join(f"「{key}」{n} 条记录" for key, n in counts.items())
    en = ", ".join(f"{n} record{'s' * (n != 1)} of '{key}'" for key, n in counts.items())
    return Text(zh, en)


def searched(spec: ir.Spec, found: Iterable[Counts]) -> Text:
    """Which record counts were searched, in a line: the bound said in the output (GAI614)."""
    shown = list(found)
    zh: list[str] = []
    en: list[str] = []
    for key in spec.records:
        counts = sorted({c[key] for c in shown})
        zh.append(f"「{key}」{'、'.join(map(str, counts))} 条记录")
        en.append(f"'{key}' with {', '.join(map(str, counts))} records")
    most = max((n for c in shown for n in c.values()), default=0)
    return Text(
        f"{'；'.join(zh)}；需要多于 {most} 条记录才出现的矛盾不会被发现",
        f"{'; '.join(en)}; contradictions searched with up to {most} records (one needing more is not found)",
    )


# ---------------------------------------------------------------------------------------------------- closing


@attrs.frozen
class Term:
    """One comparison of a ``where`` at one position: the record's ``field`` against a value, or (a set) against
    the members the position stands for."""

    field: str
    op: ir.CompareOp
    value: str | Decimal | frozenset[str]


@attrs.frozen
class Placed:
    """An aggregate at one position of one check of an instance: a cell of the closed spec (``<sum#1>@check@pos``)
    that :class:`RecordEncoder` reads as a term over the list's records."""

    aggregate: ir.RecordAggregate
    check: str
    count: int  # the records of its list in the instance
    terms: tuple[Term, ...]


@attrs.frozen
class Closed:
    """An instance's ordinary spec: each list a table of ``count`` records (rows ``1`` …), each record check an
    ordinary check, each aggregate a placeholder cell per position (:attr:`placed`)."""

    spec: ir.Spec
    placed: Mapping[str, Placed]
    domains: Mapping[str, tuple[str, ...]]  # a member field's cell → the members a record may name
    counts: Mapping[str, int]

    def encoder(self, *, exact: bool = False) -> RecordEncoder:
        return RecordEncoder(self, exact=exact)


def close_symbolic(spec: ir.Spec, closed: ir.Spec, members: Members, counts: Counts) -> Closed:
    """The ordinary spec of the instance (``closed`` is ``spec`` with the open dimensions closed on ``members``),
    with ``counts`` records per list whose fields are left unknown."""
    rows = {key: [str(i) for i in range(1, counts[key] + 1)] for key in spec.records}
    tables, cells = record_tables(closed, rows)
    placed: dict[str, Placed] = {}
    checks = list(closed.checks)
    for check in closed.record_checks:
        instances: list[ir.CheckInstance] = []
        for instance in check.instances:
            if instance.position == ir.RECORD_SLOT:
                assert check.table is not None
                for index in range(1, counts[check.table] + 1):
                    cell = _At(closed, tables, counts, check, None, str(index), placed).cell
                    expr = map_condition(instance.expr, cell)
                    instances.append(ir.CheckInstance(str(index), (record_label(index),), expr))
            else:
                cell = _At(closed, tables, counts, check, instance.position, None, placed).cell
                instances.append(attrs.evolve(instance, expr=map_condition(instance.expr, cell)))
        checks.append(attrs.evolve(check, instances=tuple(instances)))
    for key, found in placed.items():
        aggregate = found.aggregate
        field = spec.records[aggregate.records].field(aggregate.field) if aggregate.field is not None else None
        cell_type = field.type if field is not None else ir.CellType("count", ir.DEFAULT_UNIT)
        cells[key] = attrs.evolve(aggregate.cell(cell_type), key=key)
    domains = {
        records.cell_key(str(index), field.key): allowed_members(spec, field.dimension, members)
        for records in spec.records.values()
        for field in records.fields
        if field.dimension is not None
        for index in range(1, counts[records.key] + 1)
    }
    made = attrs.evolve(
        closed, tables=tables, cells=cells, checks=tuple(checks), records={}, record_checks=(), record_aggregates={}
    )
    return Closed(made, placed, domains, dict(counts))


@attrs.frozen
class _At:
    """Where a record check is being closed: its check, its position (``row`` in a ``where``), and the record
    whose fields are the bare names (a ``for each record`` position)."""

    spec: ir.Spec
    tables: Mapping[str, ir.Table]
    counts: Counts
    check: ir.Check
    position: str | None
    record: str | None
    placed: dict[str, Placed]

    def cell(self, ref: ir.CellRef) -> ir.CellRef:
        aggregate = self.spec.record_aggregates.get(ref.cell)
        if aggregate is not None:
            key = f"{aggregate.key}@{self.check.key}@{self.position or self.record or ''}"
            if key not in self.placed:
                terms = tuple(Term(t.field, t.op, self._value(t)) for t in aggregate.where)
                self.placed[key] = Placed(aggregate, self.check.key, self.counts[aggregate.records], terms)
            return ir.CellRef(key, ref.previous)
        parts = ref.cell.split(".")
        if len(parts) == 3 and parts[1] == ir.RECORD_SLOT and self.record is not None:
            return ir.CellRef(f"{parts[0]}.{self.record}.{parts[2]}", ref.previous)
        return ref

    def _value(self, term: ir.FilterTerm) -> str | Decimal | frozenset[str]:
        if term.value is not None:
            return term.value
        # the check's position: at a total row, any member the total adds up (as close_records decides it)
        wanted = {self.position} if self.position is not None else set()
        table = self.tables.get(self.check.table) if self.check.table is not None else None
        axis = table.axis(self.check.broadcast) if table is not None and self.check.broadcast is not None else None
        member = axis.by_key.get(self.position) if axis is not None and self.position is not None else None
        if member is not None and member.kind == "total":
            wanted = set(member.sums)
        return frozenset(wanted)


# ---------------------------------------------------------------------------------------------------- encoding


class RecordEncoder(Encoder):
    """The encoder of an instance's closed spec: a member field's variable kept to its members, an aggregate's
    placeholder cell read as its term over the records (see the module)."""

    def __init__(self, closed: Closed, *, exact: bool = False) -> None:
        super().__init__(closed.spec, text_atoms=True, exact_decimals=exact)
        self.closed = closed
        self._kept: dict[str, list[Z3]] = {}
        for key, cell in closed.spec.cells.items():  # every record field a variable from the start
            if cell.row is not None and cell.table in closed.counts:
                self.var(("cell", key, False))
        for key in closed.placed:
            self.kept(key)

    def var(self, key: tuple[str, str, bool]) -> Z3:
        fresh = key not in self.vars
        term = super().var(key)
        allowed = self.closed.domains.get(key[1]) if key[0] == "cell" else None
        if fresh and allowed is not None:
            self.background.append(z3.Or(*[term == z3.StringVal(k) for k in allowed]) if allowed else z3.BoolVal(False))
        return term

    def field(self, records: str, index: int, field: str) -> Z3:
        return self.var(("cell", f"{records}.{index}.{field}", False))

    def kept(self, key: str) -> list[Z3]:
        """Whether each record of the aggregate's list meets its ``where`` at its position."""
        found = self._kept.get(key)
        if found is None:
            placed = self.closed.placed[key]
            found = [
                z3.And(*[self._term(placed.aggregate.records, i, t) for t in placed.terms])
                for i in range(1, placed.count + 1)
            ]
            self._kept[key] = found
        return found

    def _term(self, records: str, index: int, term: Term) -> Z3:
        numeric = self.spec.cells[f"{records}.{index}.{term.field}"].type.numeric
        value = self.field(records, index, term.field)
        if isinstance(term.value, frozenset):
            inside = z3.Or(*[value == z3.StringVal(k) for k in sorted(term.value)]) if term.value else z3.BoolVal(False)
            return inside if term.op == "==" else z3.Not(inside)
        if isinstance(term.value, Decimal) != numeric:  # a number against a text: never equal
            return z3.BoolVal(term.op == "!=")
        other = z3_number(term.value) if isinstance(term.value, Decimal) else z3.StringVal(term.value)
        match term.op:
            case "==":
                return value == other
            case "!=":
                return value != other
            case "<":
                return value < other
            case "<=":
                return value <= other
            case ">":
                return value > other
            case ">=":
                return value >= other
            case _:
                assert_never(term.op)

    def _values(self, placed: Placed) -> list[Z3]:
        assert placed.aggregate.field is not None
        return [self.field(placed.aggregate.records, i, placed.aggregate.field) for i in range(1, placed.count + 1)]

    def num(self, expr: ir.Expr) -> Z3:
        if isinstance(expr, ir.CellRef) and expr.cell in self.closed.placed:
            return self.aggregate(expr.cell)
        return super().num(expr)

    def aggregate(self, key: str) -> Z3:
        placed = self.closed.placed[key]
        kept = self.kept(key)
        if placed.aggregate.op == "count":
            return z3.Sum([z3.If(k, z3.IntVal(1), z3.IntVal(0)) for k in kept]) if kept else z3.IntVal(0)
        values = self._values(placed)
        if placed.aggregate.op == "sum":
            return z3.Sum([z3.If(k, v, _zero(v)) for k, v in zip(kept, values, strict=True)]) if kept else z3.IntVal(0)
        if not kept:
            return z3.IntVal(0)  # no record: the position is left out (present)
        found, seen = values[0], kept[0]
        for k, v in zip(kept[1:], values[1:], strict=True):
            better = v < found if placed.aggregate.op == "min" else v > found
            found = z3.If(z3.And(k, z3.Or(z3.Not(seen), better)), v, found)
            seen = z3.Or(seen, k)
        return found

    def slack(self, expr: ir.Expr) -> Fraction:
        """An aggregate's allowance is taken as 0 (the evaluator's depends on the records kept; a witness is judged
        by the evaluator itself)."""
        if isinstance(expr, ir.CellRef) and expr.cell in self.closed.placed:
            return Fraction(0)
        return super().slack(expr)

    def present(self, expr: ir.Expr) -> Z3 | None:
        """A ``min``/``max`` that keeps no record leaves the position out (the evaluator's "no position")."""
        needed = [
            z3.Or(*self.kept(node.cell)) if self.closed.placed[node.cell].count else z3.BoolVal(False)
            for node in ir.walk(expr)
            if isinstance(node, ir.CellRef)
            and node.cell in self.closed.placed
            and self.closed.placed[node.cell].aggregate.op in ("min", "max")
        ]
        return z3.And(*needed) if needed else None

    def num_direction(self, expr: ir.Expr) -> Z3:
        """Along a ray a sum moves with the records it keeps (the filtered fields held still); a count, a min or a
        max stays (their fields held still too: :meth:`_still`)."""
        if isinstance(expr, ir.CellRef) and expr.cell in self.closed.placed:
            placed = self.closed.placed[expr.cell]
            if placed.aggregate.op != "sum" or not placed.count:
                return z3.IntVal(0)
            keys = [
                ("cell", f"{placed.aggregate.records}.{i}.{placed.aggregate.field}", False)
                for i in range(1, placed.count + 1)
            ]
            directions = [self.direction(k) for k in keys]
            return z3.Sum([z3.If(k, d, _zero(d)) for k, d in zip(self.kept(expr.cell), directions, strict=True)])
        return super().num_direction(expr)

    def _still(self, *exprs: ir.Expr) -> list[Z3]:
        found = super()._still(*exprs)
        keys: set[tuple[str, str, bool]] = set()
        for expr in exprs:
            for node in ir.walk(expr):
                if not (isinstance(node, ir.CellRef) and node.cell in self.closed.placed):
                    continue
                placed = self.closed.placed[node.cell]
                records = placed.aggregate.records
                for index in range(1, placed.count + 1):
                    fields = [t.field for t in placed.terms]
                    if placed.aggregate.op in ("min", "max") and placed.aggregate.field is not None:
                        fields.append(placed.aggregate.field)
                    for name in fields:
                        key = ("cell", f"{records}.{index}.{name}", False)
                        if self.numeric(key):
                            keys.add(key)
        return found + [self.direction(key) == 0 for key in sorted(keys)]


def _zero(term: Z3) -> Z3:
    return z3.RealVal(0) if z3.is_real(term) else z3.IntVal(0)


# ---------------------------------------------------------------------------------------------------- vacuity, witness


@attrs.frozen
class Vacuity:
    """An aggregate whose ``where`` keeps no record in any valid report of the searched instances (GAI615)."""

    check: ir.Check
    aggregate: ir.RecordAggregate


@attrs.frozen
class WitnessRecord:
    index: int
    values: tuple[tuple[str, str], ...]  # field → value as written in a data file


@attrs.frozen
class Witness:
    """A valid report of one instance (the most records searched): its records' values from the solver's model, and
    the whole report (every value the checks read), which the reference evaluator has judged valid."""

    shape: Text
    records: Mapping[str, tuple[WitnessRecord, ...]]
    report: Report

    def lines(self) -> list[Text]:
        out: list[Text] = []
        for key, records in self.records.items():
            for record in records:
                shown = ", ".join(f"{name}={value}" for name, value in record.values)
                out.append(Text(f"「{key}」#{record.index}：{shown}", f"'{key}' #{record.index}: {shown}"))
        return out


class Probe:
    """One instance's checks in a solver (all error checks, or all checks when they hold together) for the questions
    asked beyond consistency: can a ``where`` keep a record, and a witness. ``exact``: amounts are whole numbers of
    their last decimal place, as a report writes them (the witness's values can be typed in as they are)."""

    def __init__(
        self, closed: Closed, severity: str, timeout_ms: int = DEFAULT_TIMEOUT_MS, *, exact: bool = False
    ) -> None:
        self.closed = closed
        self.severity = severity
        self.problem = Problem(closed.spec, text_atoms=True, timeout_ms=timeout_ms, encoder=closed.encoder(exact=exact))
        self.items = [i for i in self.problem.items if severity == "warning" or i.check.severity == "error"]
        encoder = self.problem.encoder
        assert isinstance(encoder, RecordEncoder)
        self.encoder = encoder

    def keeps(self, key: str) -> str:
        """Whether some valid report of the instance has a record the aggregate ``key``'s ``where`` keeps."""
        kept = self.encoder.kept(key)
        if not kept:
            return "unsat"
        return self.problem.solve(self.items, extra=[z3.Or(*kept)])

    def witness(self, spec: ir.Spec, members: Members, shape: Text) -> Witness | None:
        """A valid report of the instance, its numbers small when they can be (each at most :data:`SMALL`)."""
        solver = self.problem.solver
        numbers = [term for key, term in self.encoder.vars.items() if self.encoder.numeric(key)]
        solver.push()
        solver.add(*[term <= SMALL for term in numbers])
        answer = self.problem.solve(self.items)
        model = self.problem.model() if answer == "sat" else None
        solver.pop()
        if model is None and self.problem.solve(self.items) == "sat":
            model = self.problem.model()
        if model is None:
            return None
        report = self._report(spec, members, model)
        evaluation = evaluate(spec, report, explain_passes=False)  # its statuses only
        if any(
            r.status == "fail" and (self.severity == "warning" or r.severity == "error") for r in evaluation.results
        ):
            return None  # the solver's arithmetic and the evaluator's tolerance disagree here: no witness claimed
        found: dict[str, tuple[WitnessRecord, ...]] = {}
        for key, count in self.closed.counts.items():
            table = self.closed.spec.tables[key]
            assert table.columns is not None
            rows = []
            for index in range(1, count + 1):
                values = []
                for column in table.columns.members:
                    cell = self.closed.spec.cells[f"{key}.{index}.{column.key}"]
                    term = self.encoder.vars.get(("cell", cell.key, False))
                    if term is None or cell.type.kind == "date" or (cell.type.kind == "text" and not self._named(cell)):
                        continue  # a free text or a date: nothing the checks decide
                    values.append((column.key, _shown(model.eval(term, model_completion=True))))
                rows.append(WitnessRecord(index, tuple(values)))
            found[key] = tuple(rows)
        return Witness(shape, found, report)

    def _report(self, spec: ir.Spec, members: Members, model: Z3) -> Report:
        """The report the model stands for: every value the checks read."""
        values: dict[str, Value] = {}
        fields: dict[str, FieldValue] = {}
        for (kind, key, previous), term in self.encoder.vars.items():
            if previous or kind == "text":
                continue
            found = model.eval(term, model_completion=True)
            value: Value = found.as_string() if z3.is_string_value(found) else _decimal(found)
            if kind == "field":
                fields[key] = value
            elif key not in self.closed.placed:
                values[key] = value
        return Report(spec.id, spec.version, fields, {}, values, dict(members), dict(self.closed.counts))

    def _named(self, cell: ir.Cell) -> bool:
        return cell.key in self.closed.domains


SMALL = 1000


def _shown(value: Z3) -> str:
    if z3.is_string_value(value):
        return json.dumps(value.as_string(), ensure_ascii=False)
    return f"{_decimal(value):f}"


def _decimal(value: Z3) -> Decimal:
    number = from_z3(z3.simplify(value))
    if number.denominator == 1:
        return Decimal(number.numerator)
    return Decimal(number.numerator) / Decimal(number.denominator)


def vacuous(spec: ir.Spec, probes: Sequence[Probe]) -> list[Vacuity]:
    """The aggregates (with a ``where``) that keep no record in any probed instance with records."""
    found: list[Vacuity] = []
    for check in spec.record_checks:
        seen: set[str] = set()
        for aggregate in spec.record_aggregates.values():
            if not aggregate.where or aggregate.key in seen or not _reads(check, aggregate.key):
                continue
            seen.add(aggregate.key)
            answers = [
                probe.keeps(key)
                for probe in probes
                for key, placed in probe.closed.placed.items()
                if placed.aggregate.key == aggregate.key and placed.check == check.key and placed.count
            ]
            if answers and all(a == "unsat" for a in answers):
                found.append(Vacuity(check, aggregate))
    return found


def _reads(check: ir.Check, cell: str) -> bool:
    return any(isinstance(n, ir.CellRef) and n.cell == cell for i in check.instances for n in ir.walk(i.expr))
