"""Reports that break exactly one check: the z3 search behind :func:`gaidsl.sampling.samples.invalid_reports`.

From a valid draft, a plain z3 solver with one "keep this value" assumption per variable finds a report in which
the other checks hold and the chosen check fails; values in an unsat core are let go, then taken back one by one
where they fit, and z3's optimiser brings the changed numbers as close to the draft as it can (a slip of the pen,
not a random report).
"""

from __future__ import annotations

import random
from typing import Any

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import Encoder, Item, VarKey, bounded, let_go
from gaidsl.checking.evaluate import evaluate, evaluate_instance
from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.sampling.sampler import FULL_DECIMALS, SOLVER_TIMEOUT_MS, Draft, Sample, Sampler
from gaidsl.sampling.texts import text_conditions


@attrs.frozen
class Violation:
    """What :func:`gaidsl.sampling.samples.invalid_reports` found for one check: a sample, or that the check is
    redundant."""

    check: str
    sample: Sample | None
    redundant: bool = False
    single_position: bool = True  # the sample fails at one position (else at a minimal set of positions)
    note: str = ""
    exact: bool = True  # the reference evaluator confirms: this check fails, no other check does


def violation_for(chosen: Sampler, check: ir.Check, base_sample: Sample, base: Draft, rng: random.Random) -> Violation:
    """A sample near ``base`` in which exactly ``check`` fails (at one position if possible).

    When the check cannot fail alone because cross-period checks imply it, the sample is a report without last
    year's report (those checks are then unverifiable, and this one fails); the note says so."""
    problem = chosen.problem()
    others = [i for i in problem.items if i.check is not check]
    found = _violate(chosen, check, others, base_sample, base, rng)
    if found is not None:
        return found
    if chosen.cross_period and not check.across_periods:
        same_period = [i for i in others if not i.check.across_periods]
        alone = attrs.evolve(base_sample, previous=None)
        found = _violate(chosen, check, same_period, alone, base, rng)
        if found is not None:
            note = "fails alone only without last year's report: cross-period checks imply it"
            return attrs.evolve(found, note=(found.note + "; " if found.note else "") + note)
    return Violation(check.key, None, redundant=True, note="implied by the other checks")


def _violate(
    chosen: Sampler, check: ir.Check, others: list[Item], base_sample: Sample, base: Draft, rng: random.Random
) -> Violation | None:
    problem = chosen.problem()
    mine = problem.by_check.get(check.key, [])
    order = list(mine)
    rng.shuffle(order)
    for item in order:
        rest = others + [i for i in mine if i is not item]
        if problem.solve(rest, fails=[item]) == "sat":
            model = _nearest(chosen, [i.formula for i in rest] + [item.fails_formula], base, [], check)
            if model is not None:
                return _violation(chosen, check, model, base_sample, base, single=True)
    answer = problem.solve(others, extra=[problem.any_fails(check)])
    if answer == "unsat":
        return None
    hard = [i.formula for i in others] + [z3.Or(*[i.fails_formula for i in mine])]
    model = _nearest(chosen, hard, base, [i.formula for i in mine], check) if answer == "sat" else None
    if model is None:
        return Violation(check.key, None, note="the solver gave up")
    return _violation(chosen, check, model, base_sample, base, single=False)


def _nearest(chosen: Sampler, hard: list[Any], base: Draft, preferred: list[Any], check: ir.Check) -> Any:
    """A model of ``hard`` changing few of ``base``'s values (``preferred`` kept where possible, first), then each
    changed number by as little as possible.

    A plain solver with one "keep this value" assumption per variable: the assumptions in an unsat core are let go,
    then each one let go is taken back if it fits (so the set of changed values is minimal), and finally z3's
    optimiser, over the changed numbers only, brings them as close to the base as it can. Texts the check does not
    read stay as they are."""
    encoder = chosen.problem().encoder
    read = {Encoder.key_of(n) for i in check.instances for n in ir.walk(i.expr) if isinstance(n, ir.TextRef)}
    read |= {Encoder.key_of(n) for i in check.instances for n in ir.walk(i.expr) if isinstance(n, ir.FieldRef)}
    read |= {
        Encoder.key_of(n)
        for i in check.instances
        for n in ir.walk(i.expr)
        if isinstance(n, ir.CellRef) and not chosen.spec.cells[n.cell].type.numeric  # a text cell
    }
    solver = bounded(z3.Solver(), timeout_ms=SOLVER_TIMEOUT_MS)
    solver.add(*encoder.background, *hard)
    keep: dict[int, tuple[Any, Any]] = {}  # literal id → (literal, what it keeps)
    numeric_ids: set[int] = set()
    for slot, key in enumerate(chosen.keys):
        if key in encoder.vars:
            literal = z3.Bool(f"keep!{slot}")
            condition = encoder.vars[key] == chosen.z3_value(slot, base.x[slot])
            keep[literal.get_id()] = (literal, condition)
            numeric_ids.add(literal.get_id())
    for key, text in base.texts.items():
        for n, condition in enumerate(text_conditions(encoder, key, text)):
            if key in read:
                literal = z3.Bool(f"keep!{key}!{n}")
                keep[literal.get_id()] = (literal, condition)
            else:
                solver.add(condition)
    preferred_ids: list[int] = []
    for n, formula in enumerate(preferred):
        literal = z3.Bool(f"prefer!{n}")
        keep[literal.get_id()] = (literal, formula)
        preferred_ids.append(literal.get_id())
    for literal, condition in keep.values():
        solver.add(z3.Implies(literal, condition))
    active = {literal_id: literal for literal_id, (literal, _) in keep.items()}
    answer, dropped = let_go(
        solver,
        active,
        lambda core: [i for i in core if i in numeric_ids] or [i for i in core if i not in preferred_ids] or core,
    )
    if answer != "sat":
        return None
    for literal_id in sorted(dropped, key=lambda i: i not in preferred_ids):
        if str(solver.check(*active.values(), keep[literal_id][0])) == "sat":
            active[literal_id] = keep[literal_id][0]
    if str(solver.check(*active.values())) != "sat":
        return None
    model = solver.model()
    changed = [
        (slot, key)
        for slot, key in enumerate(chosen.keys)
        if key in encoder.vars and z3.Bool(f"keep!{slot}").get_id() not in active
    ]
    if not changed:
        return model
    closer = bounded(z3.Optimize(), timeout_ms=SOLVER_TIMEOUT_MS)
    closer.add(*encoder.background, *hard)
    for literal_id in active:
        closer.add(keep[literal_id][1])
    for atom in encoder.atoms.values():
        closer.add(atom == model.eval(atom, model_completion=True))
    for key in base.texts:
        if key in encoder.vars:
            closer.add(encoder.vars[key] == model.eval(encoder.vars[key], model_completion=True))
    distance = []
    for slot, key in changed:
        delta = encoder.vars[key] - chosen.z3_value(slot, base.x[slot])
        distance.append(z3.If(delta >= 0, delta, -delta))
    closer.minimize(z3.Sum(distance))
    return closer.model() if str(closer.check()) == "sat" else model


def _violation(
    chosen: Sampler, check: ir.Check, model: Any, base_sample: Sample, base: Draft, *, single: bool
) -> Violation:
    x, texts = chosen.from_model(model, base)
    return finish(chosen, check, x, texts, base_sample, single=single)


def finish(
    chosen: Sampler, check: ir.Check, x: list[int], texts: dict[VarKey, str], base_sample: Sample, *, single: bool
) -> Violation:
    """The violation sample for an assignment, checked with the reference evaluator (``note`` says what is off)."""

    draft = Draft(x, texts, FULL_DECIMALS)
    report, last = chosen.reports(draft, previous=True)
    previous = base_sample.previous
    if previous is not None and last is not None and chosen.cross_period:
        previous = Report(
            previous.format,
            previous.version,
            {**previous.fields, **last.fields},
            {**previous.texts, **last.texts},
            {**previous.values, **last.values},
        )
    failing = [i for i in check.instances if _fails(chosen, check, i, report, previous)]
    sample = Sample(report, previous, check.key, tuple(i.position for i in failing))
    results = evaluate(chosen.spec, report, previous, explain_passes=False).results
    wrong = [r for r in results if r.status == "fail" and r.check != check.key]
    note = ""
    if wrong or not failing:
        note = "not exact: " + ", ".join(f"{r.check}[{r.position}] fails" for r in wrong) if wrong else "does not fail"
    exact = not wrong and bool(failing)
    return Violation(check.key, sample, single_position=single and len(failing) == 1, note=note, exact=exact)


def _fails(
    chosen: Sampler, check: ir.Check, instance: ir.CheckInstance, report: Report, previous: Report | None
) -> bool:
    return evaluate_instance(chosen.spec, check, instance, report, previous).status == "fail"
