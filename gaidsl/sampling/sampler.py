"""The sampler behind :mod:`gaidsl.sampling.samples`: a spec worked out once, and valid reports drawn from it quickly.

See :mod:`gaidsl.sampling.samples` for what the samples are. Per report: the free variables drawn from a realistic
profile, the dependent ones computed (:mod:`gaidsl.sampling.linear_system`), failing bounds repaired, the residual
checks tested with the reference evaluator and redrawn, z3 only as the fallback (:mod:`gaidsl.sampling.solver`);
texts from :mod:`gaidsl.sampling.texts`.
"""

from __future__ import annotations

import math
import random
import weakref
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from gaidsl.analysis.encoding import Encoder, Problem, VarKey
from gaidsl.checking.evaluate import truth
from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.sampling.linear_system import (
    Contradiction,
    bounds,
    compile_pivots,
    conjuncts,
    eliminate,
    equalities,
    pivots,
)
from gaidsl.sampling.solver import MAX_SAMPLE_DECIMALS, SolverSide
from gaidsl.sampling.solver import SOLVER_TIMEOUT_MS as SOLVER_TIMEOUT_MS
from gaidsl.sampling.solver import Draft as Draft  # re-exported: part of the sampler's interface
from gaidsl.sampling.solver import SampleError as SampleError  # re-exported: part of the sampler's interface
from gaidsl.sampling.texts import draw_texts

FULL_DECIMALS = 99  # a draft's ``decimals`` meaning: write every amount with all its cell's decimals
LOCAL_REDRAWS = 12
FULL_REDRAWS = 6
REPAIR_STEPS = 40


@attrs.frozen
class Sample:
    """A generated report, with last year's report when cross-period checks need one.

    For an invalid sample, ``check`` is the check that fails and ``positions`` where (``None`` for an unbroadcast
    check); every other check passes."""

    report: Report
    previous: Report | None = None
    check: str | None = None
    positions: tuple[str | None, ...] = ()


@attrs.frozen
class _Profile:
    """What one report is like: share of zeros, typical size, decimals of amounts, columns left all zero."""

    zero_rate: float
    scale: float
    large_rate: float
    decimals: int
    quiet: frozenset[str]
    negative_rate: float


def _mentions_wanted(expr: ir.BoolExpr, holds: bool = True) -> Iterator[ir.Mentions]:
    """The ``mentions`` a valid report should make hold: those not under a negation (``not``, an ``if``'s
    condition). A text the sampler writes mentions their words; a ``not mentions(…)`` is kept by the words it
    writes otherwise ("label N")."""
    match expr:
        case ir.Mentions():
            if holds:
                yield expr
        case ir.Not(arg=arg):
            yield from _mentions_wanted(arg, not holds)
        case ir.Implies(condition=condition, then=then):
            yield from _mentions_wanted(condition, not holds)
            yield from _mentions_wanted(then, holds)
        case ir.And(args=args) | ir.Or(args=args):
            for arg in args:
                yield from _mentions_wanted(arg, holds)
        case ir.Compare() | ir.Empty() | ir.TextTest():
            return
        case _:
            ir.not_a_condition(expr)


class Sampler(SolverSide):
    """The linear structure of a spec's checks, worked out once; draws valid reports from it quickly."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        keys: list[VarKey] = [("cell", k, False) for k, c in spec.cells.items() if c.type.numeric]
        keys += [("field", k, False) for k, f in spec.fields.items() if f.type.numeric]
        text_keys: list[VarKey] = [("text", k, False) for k in spec.texts]
        text_keys += [("field", k, False) for k, f in spec.fields.items() if not f.type.numeric]
        text_keys += [("cell", k, False) for k, c in spec.cells.items() if not c.type.numeric]
        self.mentions: dict[VarKey, list[tuple[str, ...]]] = {}
        for check in spec.checks:
            for instance in check.instances:
                for node in ir.walk(instance.expr):
                    if isinstance(node, ir.CellRef | ir.FieldRef | ir.TextRef):
                        key = Encoder.key_of(node)
                        numeric = not (isinstance(node, ir.TextRef) or ir.is_text(spec, node))
                        if numeric and key not in keys:
                            keys.append(key)
                        elif not numeric and key not in text_keys:
                            text_keys.append(key)
                for node in _mentions_wanted(instance.expr):
                    words = self.mentions.setdefault(Encoder.key_of(node.arg), [])
                    if node.words not in words:
                        words.append(node.words)
        self.keys = keys
        self.text_keys = text_keys
        pinned = _PINNED.get(spec, {})  # a record shape's fields that are not numbers (pin_texts)
        self.pinned: dict[VarKey, str] = {k: pinned[k[1]] for k in text_keys if k[0] == "cell" and k[1] in pinned}
        self.index = {k: i for i, k in enumerate(keys)}
        self.types = [self._type(k) for k in keys]
        self.decimals = [self._decimals(t) for t in self.types]
        constants = [0]
        for check in spec.checks:
            for instance in check.instances:
                for node in ir.walk(instance.expr):
                    if isinstance(node, ir.Const | ir.Scale):
                        value = node.value if isinstance(node, ir.Const) else node.factor
                        constants.append(min(_decimal_places(value), 6))
        self.places = max([*self.decimals, *constants])
        self.scale: int = 10**self.places
        self.step: list[int] = [10 ** (self.places - d) for d in self.decimals]
        self.floor = [0 if t.floored else None for t in self.types]  # integers and signed amounts: none
        self.group = [self._group(k) for k in keys]
        self.year_slot = self._year_slot()
        rows, self.residual = equalities(spec, self.index)
        try:
            self.expressions = eliminate(rows, self._ranks())
        except Contradiction as exc:
            raise SampleError(str(exc)) from None
        self.pivots = pivots(self.expressions, self.scale)
        self.pivot_of = {p.slot: p for p in self.pivots}
        self.floored = [p for p in self.pivots if self.floor[p.slot] is not None]
        self.compute = compile_pivots(self.pivots, self.step)  # fills the dependent values; False if one is fractional
        self.inequalities = bounds(spec, self.residual, self.index, self.expressions, self.scale)
        self.pivot_slots = set(self.pivot_of)
        self.free = [i for i in range(len(keys)) if i not in self.pivot_slots]
        self.cross_period = any(c.across_periods for c in spec.checks)
        self.residual_reads_previous = any(c.across_periods for c, _ in self.residual)
        self.whole = [t.kind != "amount" for t in self.types]
        self._problem: Problem | None = None
        self.fallbacks = 0  # how many drafts needed z3 (for benchmarks)
        self.year_range = self._year_range()

    # ---- set-up
    def _type(self, key: VarKey) -> ir.CellType:
        kind, name, _ = key
        return self.spec.cells[name].type if kind == "cell" else self.spec.fields[name].type

    @staticmethod
    def _decimals(cell_type: ir.CellType) -> int:
        if cell_type.kind != "amount":
            return 0
        return cell_type.decimals if cell_type.decimals is not None else MAX_SAMPLE_DECIMALS

    def _group(self, key: VarKey) -> str:
        if key[0] != "cell":
            return key[0]
        cell = self.spec.cells[key[1]]
        return f"{cell.table}:{cell.column}"

    def _year_slot(self) -> int | None:
        for slot, key in enumerate(self.keys):
            is_integer_field = key[0] == "field" and not key[2] and self.types[slot].kind == "integer"
            if is_integer_field and (key[1] == "year" or self.types[slot].unit == "年"):
                return slot
        return None

    def _ranks(self) -> list[tuple[int, int]]:
        """Preference for being computed rather than drawn (lower first)."""
        first: dict[int, int] = {}
        for check in self.spec.checks:
            for instance in check.instances:
                for part in conjuncts(instance.expr):
                    if not (isinstance(part, ir.Compare) and part.op == "=="):
                        continue
                    lead: ir.Expr = part.left
                    while isinstance(lead, ir.Sum | ir.Scale):
                        lead = lead.terms[0][1] if isinstance(lead, ir.Sum) else lead.arg
                    if isinstance(lead, ir.CellRef | ir.FieldRef) and not lead.previous:
                        slot = self.index.get(Encoder.key_of(lead))
                        if slot is not None:
                            first[slot] = min(first.get(slot, 1), 0 if check.origin == "total" else 1)
        ranks = []
        for slot, key in enumerate(self.keys):
            if key[2]:
                tier = 5
            elif slot in first:
                tier = first[slot]
            elif key[0] == "cell":
                tier = 2
            else:
                tier = 4 if slot == self.year_slot else 3
            ranks.append((tier, slot))
        return ranks

    # ---- drawing
    def profile(self, rng: random.Random) -> _Profile:
        groups = sorted(set(self.group))
        quiet = frozenset(g for g in groups if rng.random() < 0.25)
        return _Profile(
            zero_rate=rng.uniform(0.3, 0.75),
            scale=math.exp(rng.gauss(1.3, 1.0)),
            large_rate=rng.choice((0.0, 0.01, 0.03, 0.08)),
            decimals=rng.choice((0, 1, 2, 2, 2, 3)),
            quiet=quiet,
            negative_rate=rng.uniform(0.1, 0.5),
        )

    def magnitude(self, rng: random.Random, profile: _Profile, quiet: bool) -> int:
        if rng.random() < (0.95 if quiet else profile.zero_rate):
            return 0
        if rng.random() < profile.large_rate:
            return int(math.exp(rng.uniform(math.log(100), math.log(50_000))))
        return 1 + int(rng.expovariate(1 / profile.scale))

    def draw(self, slot: int, rng: random.Random, profile: _Profile) -> int:
        """A realistic value for one variable, in units of 10^-places."""
        if slot == self.year_slot:
            low, high = self.year_range
            return rng.randint(low, high) * self.scale
        cell_type = self.types[slot]
        size = self.magnitude(rng, profile, self.group[slot] in profile.quiet)
        if cell_type.kind == "count":
            return size * self.scale
        if cell_type.kind == "integer":
            return (-size if rng.random() < profile.negative_rate else size) * self.scale
        places = min(profile.decimals, self.decimals[slot])
        unit: int = 10**places
        fraction = rng.randrange(unit) if places and size else 0
        whole = max(size - 1, 0) if fraction else size
        sign = -1 if cell_type.signed and rng.random() < profile.negative_rate else 1  # a loss
        return sign * (whole * unit + fraction) * (self.scale // unit)

    def repair(self, x: list[int], fixed: Mapping[int, int], rng: random.Random) -> bool:
        """Move free variables until every bound holds: dependent counts and amounts ≥ 0, and the residual checks
        that are single linear inequalities."""
        for _ in range(REPAIR_STEPS):
            if not self.compute(x):
                return False
            short = [(p.terms, -x[p.slot] * p.divisor) for p in self.floored if x[p.slot] < 0]
            short += [(b.terms, s) for b in self.inequalities if (s := b.shortfall(x)) > 0]
            if not short:
                return True
            terms, deficit = rng.choice(short)
            down = [(s, c) for s, c in terms if c < 0 and s not in fixed and (self.floor[s] is None or x[s] > 0)]
            up = [(s, c) for s, c in terms if c > 0 and s not in fixed]
            if down and (not up or rng.random() < 0.8):
                slot, c = rng.choice(down)
                need = _ceil_to(-(-deficit // -c), self.step[slot])
                x[slot] -= need if self.floor[slot] is None else min(need, x[slot])
            elif up:
                slot, c = rng.choice(up)
                x[slot] += _ceil_to(-(-deficit // c), self.step[slot])
            else:
                return False
        ok = self.compute(x) and all(x[p.slot] >= 0 for p in self.floored)
        return ok and all(b.shortfall(x) <= 0 for b in self.inequalities)

    # ---- texts
    def texts(self, rng: random.Random, x: list[int], include: float = 1.0) -> dict[VarKey, str]:
        return draw_texts(self.spec, self.text_keys, self.mentions, rng, self.year_of(x), include)

    def year_of(self, x: list[int]) -> int:
        return x[self.year_slot] // self.scale if self.year_slot is not None else 2021

    # ---- reports
    def number(self, slot: int, value: int, decimals: int) -> Decimal:
        if self.types[slot].kind != "amount":
            return _whole(value // self.scale)
        if value == 0 and decimals != FULL_DECIMALS:
            return _whole(0)
        exact = Decimal(value).scaleb(-self.places)
        places = min(max(decimals, _decimal_places(exact)), self.decimals[slot])
        return exact.quantize(Decimal(1).scaleb(-places))

    def reports(self, draft: Draft, previous: bool = True) -> tuple[Report, Report | None]:
        """The current report and (when ``previous``) a report holding the previous-period values of ``draft``."""
        if draft.reports is not None and (draft.reports[1] is not None or not previous):
            return draft.reports
        now: dict[str, dict[str, Any]] = {"values": {}, "fields": {}, "texts": {}}
        then: dict[str, dict[str, Any]] = {"values": {}, "fields": {}, "texts": {}}
        x = draft.x
        scale = self.scale
        for slot, key in enumerate(self.keys):
            if key[2] and not previous:
                continue
            target = then if key[2] else now
            value = _whole(x[slot] // scale) if self.whole[slot] else self.number(slot, x[slot], draft.decimals)
            target["values" if key[0] == "cell" else "fields"][key[1]] = value
        for key, text in draft.texts.items():
            if key[2] and not previous:
                continue
            target = then if key[2] else now
            if key[0] == "cell" and not text.strip():
                continue  # a text cell left empty is blank, as the reader reads it
            target[_PART[key[0]]][key[1]] = text
        fmt, version = self.spec.id, self.spec.version
        current = Report(fmt, version, **_ordered(self.spec, now))
        last = Report(fmt, version, **_ordered(self.spec, then)) if previous else None
        draft.reports = (current, last)
        return current, last

    def residual_failing(self, draft: Draft) -> list[int]:
        """The residual checks (not plain equalities) that fail, as indexes into ``self.residual``."""

        if not self.residual:
            return []
        report, previous = self.reports(draft, self.residual_reads_previous)
        return [
            n
            for n, (_, instance) in enumerate(self.residual)
            if (found := truth(self.spec, instance.expr, report, previous)) is False
            or (found is None and _divides(instance.expr))  # a quotient by zero: unverifiable, so not valid
        ]

    def involved(self, failing: Iterable[int]) -> set[int]:
        """The free variables that the failing residual checks depend on (directly or through dependents)."""
        slots: set[int] = set()
        for n in failing:
            for node in ir.walk(self.residual[n][1].expr):
                if isinstance(node, ir.CellRef | ir.FieldRef):
                    slot = self.index.get(Encoder.key_of(node))
                    if slot is not None:
                        slots.add(slot)
        free = {s for s in slots if s not in self.pivot_of}
        for slot in slots & self.pivot_slots:
            free.update(s for s, _ in self.pivot_of[slot].terms)
        return free

    def draft(
        self,
        rng: random.Random,
        fixed: Mapping[int, int],
        fixed_texts: Mapping[VarKey, str],
        start: Mapping[int, int] | None = None,
    ) -> Draft:
        """One valid assignment: drawn (or the free values of ``start``), computed, repaired and redrawn where a
        residual check fails; z3 only when that keeps failing."""
        x = [0] * len(self.keys)
        texts: dict[VarKey, str] = {}
        profile = self.profile(rng)
        for attempt in range(FULL_REDRAWS):
            if attempt:
                profile = self.profile(rng)
            for slot in self.free:
                if slot in fixed:
                    x[slot] = fixed[slot]
                elif start is not None and attempt == 0 and slot in start:
                    x[slot] = start[slot]
                else:
                    x[slot] = self.draw(slot, rng, profile)
            include = 1.0
            for redraw in range(LOCAL_REDRAWS):
                numbers_ok = self.repair(x, fixed, rng) and all(x[s] == v for s, v in fixed.items())
                if not numbers_ok:
                    break
                texts = {**self.texts(rng, x, include), **fixed_texts}
                draft = Draft(x, texts, profile.decimals)
                failing = self.residual_failing(draft)
                if not failing:
                    return draft
                for slot in self.involved(failing):
                    if slot not in fixed:
                        x[slot] = self.draw(slot, rng, profile)
                include = 0.5 if redraw % 2 == 0 else 1.0
        if not texts:  # no repair held long enough to draw them: the fallback keeps only the texts it is given
            texts = {**self.texts(rng, x), **fixed_texts}
        return self.solve_near(Draft(x, texts, profile.decimals), fixed, fixed_texts, rng)

    def draft_of(self, sample: Sample) -> Draft:
        """The assignment a sample's reports hold (previous-period values from ``sample.previous``)."""
        x = [0] * len(self.keys)
        texts: dict[VarKey, str] = {}
        for slot, key in enumerate(self.keys):
            source = sample.previous if key[2] else sample.report
            if source is None:
                continue
            value = source.values.get(key[1]) if key[0] == "cell" else source.fields.get(key[1])
            if isinstance(value, Decimal):
                x[slot] = int(value.scaleb(self.places))
        for key in self.text_keys:
            source = sample.previous if key[2] else sample.report
            if source is not None:
                found = getattr(source, _PART[key[0]]).get(key[1])
                if isinstance(found, str):
                    texts[key] = found
        return Draft(x, texts, FULL_DECIMALS)

    # ---- public
    def sample(
        self, rng: random.Random, with_previous: bool | None = None, start: Mapping[int, int] | None = None
    ) -> Sample:
        """One valid sample; with last year's report when ``with_previous`` (default: when checks need it)."""
        return self.sample_and_draft(rng, with_previous, start)[0]

    def sample_and_draft(
        self, rng: random.Random, with_previous: bool | None = None, start: Mapping[int, int] | None = None
    ) -> tuple[Sample, Draft]:
        if with_previous is None:
            with_previous = self.cross_period
        if not with_previous:
            draft = self.draft(rng, {}, self.pinned, start)
            return Sample(self.reports(draft, previous=False)[0]), draft
        return self.pair(rng, start)

    def pair(self, rng: random.Random, start: Mapping[int, int] | None = None) -> tuple[Sample, Draft]:
        """A valid report and last year's (itself drawn as a valid report for the year before); ``start``: free
        values to begin the current report from."""
        fixed_year: dict[int, int] = {}
        year = None
        if self.year_slot is not None and self.year_slot not in self.pivot_slots:
            low, high = self.year_range
            year = rng.randint(min(low + 1, high), high)
            if year - 1 >= low:  # else last year's report keeps a year its own checks allow
                fixed_year = {self.year_slot: (year - 1) * self.scale}
        earlier = self.draft(rng, fixed_year, self.pinned)
        last_year, _ = self.reports(earlier, previous=False)
        fixed: dict[int, int] = {}
        fixed_texts: dict[VarKey, str] = dict(self.pinned)
        for slot, key in enumerate(self.keys):
            if key[2]:
                fixed[slot] = earlier.x[self.index[(key[0], key[1], False)]]
        for key in self.text_keys:
            if key[2]:
                fixed_texts[key] = earlier.texts[(key[0], key[1], False)]
        if year is not None and self.year_slot is not None:
            fixed[self.year_slot] = year * self.scale
        draft = self.draft(rng, fixed, fixed_texts, start)
        return Sample(self.reports(draft, previous=False)[0], last_year), draft


_WHOLE = [Decimal(i) for i in range(1000)]
_PART = {"text": "texts", "field": "fields", "cell": "values"}  # where a text of each kind goes in a report


def _whole(value: int) -> Decimal:
    return _WHOLE[value] if 0 <= value < 1000 else Decimal(value)


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


def _divides(expr: ir.Expr) -> bool:
    """Whether ``expr`` has a quotient of cells (docs/arithmetic.md), whose divisor a valid sample keeps non-zero."""
    return any(isinstance(node, ir.Arith) and node.op == "/" for node in ir.walk(expr))


def _ordered(spec: ir.Spec, parts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Keys in the spec's order (cells by table, then fields, then texts), so data files read like the form."""
    values = parts["values"]
    fields = parts["fields"]
    texts = parts["texts"]
    return {
        "values": {k: values[k] for k in spec.cells if k in values},
        "fields": {k: fields[k] for k in spec.fields if k in fields},
        "texts": {k: texts[k] for k in spec.texts if k in texts},
    }


_SAMPLERS: weakref.WeakKeyDictionary[ir.Spec, Sampler] = weakref.WeakKeyDictionary()
_PINNED: weakref.WeakKeyDictionary[ir.Spec, Mapping[str, str]] = weakref.WeakKeyDictionary()


def pin_texts(spec: ir.Spec, values: Mapping[str, str]) -> None:
    """Make every sample of ``spec`` keep these text cells (by key) as given: a record shape's fields that are not
    numbers (:func:`gaidsl.sampling.record_samples.shape`), which the sample's report gets whatever the sampler
    drew, so the sampler must draw the numbers around them (``if status == "completed" then amount >= 1``) and
    know that a check reading only them cannot hold. Called before the spec's sampler is made."""
    _PINNED[spec] = dict(values)


def sampler(spec: ir.Spec) -> Sampler:
    """The (cached) sampler of a spec."""
    found = _SAMPLERS.get(spec)
    if found is None:
        found = _SAMPLERS[spec] = Sampler(spec)
    return found
