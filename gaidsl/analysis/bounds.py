"""Bounds and forced cells for spec analysis: each numeric value's range with every check holding.

Apart from :mod:`gaidsl.analysis.consistency` because ranges are a question of their own (rays for unbounded directions,
z3's
optimiser for the rest), not of which checks hold together.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import (
    DEFAULT_TIMEOUT_MS,
    Z3,
    Encoder,
    Item,
    Problem,
    VarKey,
    bounded,
    from_z3,
    let_go,
    var_ref,
    z3_number,
)
from gaidsl.language import ir


@attrs.frozen
class Bound:
    key: VarKey
    label: str
    kind: str
    lower: Fraction | None  # None: unbounded
    upper: Fraction | None
    lower_strict: bool = False
    upper_strict: bool = False
    constrained: bool = True  # mentioned by some check (otherwise only its type bounds it)
    signed: bool = False  # a signed amount: no floor

    @property
    def forced(self) -> bool:
        return (
            self.lower is not None
            and self.lower == self.upper
            and not self.lower_strict
            and not self.upper_strict
            and self.constrained
        )

    @property
    def as_type_allows(self) -> bool:
        """No narrower than the type: from its floor (0, or none for integers and signed amounts) upwards without
        end."""
        return self.lower == type_floor(self.kind, self.signed) and self.upper is None and not self.lower_strict

    def interval(self) -> str:
        low = "(-∞" if self.lower is None else ("(" if self.lower_strict else "[") + number_text(self.lower)
        high = "+∞)" if self.upper is None else number_text(self.upper) + (")" if self.upper_strict else "]")
        return f"{low}, {high}"


def number_text(value: Fraction) -> str:
    """A bound as written: a whole number, a decimal when it is one, else a fraction."""
    if value.denominator == 1:
        return str(value.numerator)
    as_decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{as_decimal.normalize():f}" if Fraction(as_decimal) == value else f"{value.numerator}/{value.denominator}"


def type_floor(kind: str, signed: bool = False) -> Fraction | None:
    """The least value a numeric type allows: 0 for counts and amounts, none for integers and signed amounts."""
    return None if kind == "integer" or signed else Fraction(0)


def bounds(problem: Problem, checks: list[ir.Check], incomplete: list[str]) -> list[Bound]:
    """Each numeric variable's range with every check of ``checks`` holding.

    Unbounded directions are found with rays (a valid point plus a direction along which every check keeps holding;
    one incremental query settles many variables at once); a lower bound equal to the type's own is read off a model;
    the rest are exact optima from z3's optimiser.
    """
    encoder = problem.encoder
    spec = problem.spec
    items = problem.of(checks)
    keys = [k for k in list(encoder.vars) if encoder.numeric(k)]
    floors = {k: _floor(encoder.type_of(k)) for k in keys}
    lower: dict[VarKey, tuple[Fraction | None, bool]] = {}
    upper: dict[VarKey, tuple[Fraction | None, bool]] = {}
    if problem.solve(items) == "sat":
        model = problem.model()
        for key in keys:
            value = from_z3(model.eval(encoder.vars[key], model_completion=True))
            if floors[key] is not None and value == floors[key]:
                lower[key] = (value, False)
    _floors_reached(problem, items, keys, floors, lower)
    rays = bounded(z3.Solver())
    rays.add(*[encoder.ray(i.instance.expr, i.check.tolerance) for i in items])
    for key in keys:
        encoder.direction(key)
    rays.add(*encoder.background, *encoder.ray_background)
    for sign, found in ((1, upper), (-1, lower)):
        pending = [k for k in keys if k not in found and (sign > 0 or floors[k] is None)]
        for key in _unbounded(rays, encoder, pending, sign):
            found[key] = (None, False)
    optimizer = bounded(z3.Optimize())
    optimizer.add(*encoder.background)
    optimizer.add(*[i.formula for i in items])
    nonlinear = _read_by_arithmetic(encoder, items)
    out: list[Bound] = []
    for key in keys:
        cell_type = encoder.type_of(key)
        assert cell_type is not None
        bounded(optimizer, timeout_ms=NONLINEAR_OPTIMUM_MS if key in nonlinear else DEFAULT_TIMEOUT_MS)
        low = lower.get(key) or _optimum(optimizer, encoder.vars[key], minimize=True)
        high = upper.get(key) or _optimum(optimizer, encoder.vars[key], minimize=False)
        problem.calls += (key not in lower) + (key not in upper)
        if low is None or high is None:
            incomplete.append(f"bounds of {var_ref(key)}")
            continue
        out.append(
            Bound(key, _label(spec, key), cell_type.kind, low[0], high[0], low[1], high[1], signed=cell_type.signed)
        )
    seen = set(keys)
    others: list[VarKey] = [("cell", c, False) for c in spec.cells if spec.cells[c].type.numeric]
    others += [("field", f, False) for f in spec.fields if spec.fields[f].type.numeric]
    for key in others:
        if key not in seen:
            cell_type = encoder.type_of(key)
            assert cell_type is not None
            out.append(
                Bound(
                    key,
                    _label(spec, key),
                    cell_type.kind,
                    _floor(cell_type),
                    None,
                    constrained=False,
                    signed=cell_type.signed,
                )
            )
    return out


def _floor(cell_type: ir.CellType | None) -> Fraction | None:
    return None if cell_type is None else type_floor(cell_type.kind, cell_type.signed)


NONLINEAR_OPTIMUM_MS = 1_000
"""The optimiser's time for a bound of a value that arithmetic between cells reads (a divisor, a factor). z3's
optimiser has no method for non-linear terms: it answers at once or spends all the time it is given and gives up, so
the full limit would only make ``--analyze`` wait (10 s a bound) for the same "the solver gave up" (GAI608)."""


def _read_by_arithmetic(encoder: Encoder, items: list[Item]) -> set[VarKey]:
    """The variables whose range a non-linear check shapes: those that arithmetic between cells (``ir.Arith``: a
    product or quotient of cells) reads in ``items``, and every variable tied to them through a chain of checks (the
    derived cell a quotient defines, a total over it …). Bounds of the others come from linear checks only."""
    parent: dict[VarKey, VarKey] = {}

    def root(key: VarKey) -> VarKey:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    read: set[VarKey] = set()
    for item in items:
        nodes = list(ir.walk(item.instance.expr))
        keys = [encoder.key_of(n) for n in nodes if isinstance(n, ir.CellRef | ir.FieldRef)]
        for key in keys[1:]:
            parent[root(key)] = root(keys[0])
        read.update(
            encoder.key_of(n)
            for top in nodes
            if isinstance(top, ir.Arith)
            for n in ir.walk(top)
            if isinstance(n, ir.CellRef | ir.FieldRef)
        )
    tied = {root(key) for key in read}
    return {key for key in parent if root(key) in tied}


def _floors_reached(
    problem: Problem,
    items: list[Item],
    keys: list[VarKey],
    floors: dict[VarKey, Fraction | None],
    lower: dict[VarKey, tuple[Fraction | None, bool]],
) -> None:
    """Settle the lower bound of every variable that can sit at its type's floor with one satisfiability query each.

    The first model shows most of them; the rest would go to the optimiser, which can spend its whole time limit on a
    minimum of a divisor when a check divides by it (non-linear), although asking "can it be 0?" answers at once. When
    the floor is out of reach and the variable's values are discrete (counts, integers, amounts in exact mode: whole
    multiples of 10^-decimals), the next value up is asked too: if it is reached, it is the exact minimum.
    """
    pending = [k for k in keys if k not in lower and floors[k] is not None]
    if not pending:
        return
    encoder = problem.encoder
    probe = bounded(z3.Solver())
    probe.add(*encoder.background, *[i.formula for i in items])
    for key in pending:
        floor = floors[key]
        assert floor is not None
        problem.calls += 1
        answer = str(probe.check(encoder.vars[key] == z3_number(floor)))
        if answer == "sat":
            lower[key] = (floor, False)
        elif answer == "unsat" and (encoder.exact or encoder.decimals(key) == 0):
            step = floor + Fraction(1, 10 ** encoder.decimals(key))
            problem.calls += 1
            if str(probe.check(encoder.vars[key] == z3_number(step))) == "sat":
                lower[key] = (step, False)


def _unbounded(rays: Z3, encoder: Encoder, keys: list[VarKey], sign: int) -> list[VarKey]:
    """The variables among ``keys`` that can grow without end (``sign`` 1) or fall without end (``sign`` -1)."""
    if not keys:
        return []
    literals = {k: z3.Bool(f"ray!{sign}!{var_ref(k)}!{k[0]}") for k in keys}
    for key, literal in literals.items():
        rays.add(z3.Implies(literal, encoder.directions[key] * sign >= 1))
    # First ask for one ray moving all of them, dropping those in the way (unsat cores), then one at a time.
    moving = {literal.get_id(): literal for literal in literals.values()}
    answer, _ = let_go(rays, moving, lambda core: core)
    found = [k for k in keys if literals[k].get_id() in moving] if answer == "sat" else []
    rest = [k for k in keys if k not in found]
    while rest:
        answer = str(rays.check(z3.Or(*[literals[k] for k in rest])))
        if answer != "sat":
            break
        model = rays.model()
        moved = [k for k in rest if z3.is_true(model.eval(literals[k], model_completion=True))]
        moved = [k for k in moved if from_z3(model.eval(encoder.directions[k])) * sign >= 1] or moved[:1]
        found.extend(moved)
        rest = [k for k in rest if k not in moved]
    return found


def _optimum(optimizer: Z3, term: Z3, *, minimize: bool) -> tuple[Fraction | None, bool] | None:
    """The optimum of ``term`` (None value: unbounded; flag: strict, i.e. approached but not reached)."""
    optimizer.push()
    try:
        handle = optimizer.minimize(term) if minimize else optimizer.maximize(term)
        if str(optimizer.check()) != "sat":
            return None
        value = handle.value()
        text = str(value)
        if "oo" in text:
            return (None, False)
        if "epsilon" in text:
            number = z3.simplify(z3.substitute(value, (z3.Real("epsilon"), z3.RealVal(0))))
            try:
                return (from_z3(number), True)
            except ValueError:
                return None
        return (from_z3(value), False)
    finally:
        optimizer.pop()


def _label(spec: ir.Spec, key: VarKey) -> str:
    kind, name, previous = key
    if kind == "cell":
        text = spec.cells[name].label
    elif kind == "field":
        text = spec.fields[name].label
    else:
        text = spec.texts[name].label or name
    return ("上年 · " if previous else "") + text
