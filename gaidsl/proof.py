"""The proof that a migration keeps valid reports valid, with z3 — or the smallest old report that breaks.

What is proved (:func:`prove`)
    1. *Nothing fails*: every report valid under the old spec (no check fails, warnings included; cells may be blank;
       last year's report given or not, and valid too) migrates to a report that fails no check of the new spec,
       warnings included (checks the migration ``exempt``\\ s aside), and whose every value fits its new type.
    2. *It can be completed*: for every such report there are values for the cells the migration leaves unknown
       (values of their types) with which still no check fails. Stage 1 alone accepts a migration whose unknown
       cells make a broken check merely unverifiable (the single （六） row copied to both 1 and 3, with 2 unknown:
       （七）总计 can never add up again, whatever is entered in 2); stage 2 rejects it.

Semantics
    The reference evaluator's (:mod:`gaidsl.evaluate`): a value is a number or missing (blank or unknown); a
    comparison, ``mentions`` or ``empty`` over a missing value is unknown; ``and``, ``or``, ``not``, ``if`` are
    Kleene's; a check fails only when it is false. Each value of the old report is a z3 variable with a "known" flag
    (false: blank or unknown), each condition a pair (definitely true, definitely false). Atoms are translated by
    :class:`gaidsl.encoding.Encoder`, the one translation spec analysis and the samplers use: old checks over the old
    spec's variables (amounts as whole numbers of their last decimal place, so the tolerance is the evaluator's for
    amounts written with all their decimals); new checks over the new spec's variables, then each new variable
    replaced by the migration's term for it (a sum of old variables times factors, plus a constant) and its known
    flag by the conjunction of its sources' (false for unknown cells in stage 1; true in stage 2, where the unknown
    cells are universally quantified).

A counterexample is the smallest old report found (a whole report with last year's left out if one exists, then
with last year's, then with blanks), shown with what it migrates to, and re-checked with the reference evaluator.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl import ir
from gaidsl.diagnostics import Diagnostic, Lang, Text, error, warning
from gaidsl.encoding import Z3, Encoder, VarKey, from_z3, is_text_expr, var_ref, z3_number
from gaidsl.migration import Migration, Target, item_label
from gaidsl.migration_check import type_change
from gaidsl.report import BLANK, UNKNOWN, FieldValue, Missing, Report

PROOF_TIMEOUT_MS = 60_000
MINIMIZE_SECONDS = 20.0  # time spent making a counterexample smaller before showing the smallest found so far
QUANTIFIED_MINIMIZE_SECONDS = 8.0  # the same for stage 2, whose every query is quantified (seconds each)


# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Counterexample:
    stage: str  # "fails" | "cannot_complete" | "type"
    check: str | None  # the new check broken (None for a value that does not fit its type)
    position: str | None
    cell: str | None  # for "type": the new cell
    old: Report
    old_previous: Report | None
    new: Report
    new_previous: Report | None
    also: tuple[str, ...] = ()  # stage 2: other checks that fail with the best entry of the unknown cells
    unknown: tuple[str, ...] = ()  # stage 2: the unknown cells the broken check reads
    verified: bool | None = None  # the reference evaluator agrees
    message: Text | None = None  # the evaluator's finding for the broken check
    completed: Report | None = None  # stage 2: the migrated report with the unknown cells entered as best they can be

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "check": self.check,
            "position": self.position,
            "cell": self.cell,
            "also": list(self.also),
            "unknown": list(self.unknown),
            "verified": self.verified,
            "message": {"zh": self.message.zh, "en": self.message.en} if self.message else None,
            "old": report_json(self.old),
            "old_previous": report_json(self.old_previous),
            "new": report_json(self.new),
            "new_previous": report_json(self.new_previous),
            "completed": report_json(self.completed),
        }


@attrs.frozen
class Proof:
    migration: Migration
    holds: bool | None  # None: the solver gave up
    counterexample: Counterexample | None
    positions: int  # new check positions covered (exempt ones aside)
    unknown_cells: int  # cells the migration leaves unknown
    completion_checked: bool  # stage 2 was needed and decided
    seconds: float
    solver_calls: int
    incomplete: tuple[str, ...] = ()

    def diagnostics(self) -> list[Diagnostic]:
        return _diagnostics(self)

    def to_json_dict(self) -> dict[str, Any]:
        m = self.migration
        return {
            "migration": m.file,
            "from": {"format": m.old.id, "version": m.old.version},
            "to": {"format": m.new.id, "version": m.new.version},
            "holds": self.holds,
            "positions": self.positions,
            "unknown_cells": self.unknown_cells,
            "completion_checked": self.completion_checked,
            "exempt": dict(m.exempt),
            "counterexample": self.counterexample.to_json_dict() if self.counterexample else None,
            "incomplete": list(self.incomplete),
            "seconds": round(self.seconds, 3),
            "solver_calls": self.solver_calls,
        }

    def render_text(self, lang: Lang = "zh") -> str:
        return _text(self, lang)


def report_json(report: Report | None) -> dict[str, Any] | None:
    """A report as plain data: numbers as Decimals (write with :func:`gaidsl.evaluate.dumps`), blank as None,
    unknown as "unknown"."""
    if report is None:
        return None

    def plain(value: object) -> object:
        return None if value is BLANK else "unknown" if value is UNKNOWN else value

    return {
        "format": report.format,
        "version": report.version,
        "fields": {k: plain(v) for k, v in report.fields.items()},
        "texts": {k: plain(v) for k, v in report.texts.items()},
        "values": {k: plain(v) for k, v in report.values.items()},
    }


# ---------------------------------------------------------------------------------------------------- encoding


def shift(expr: ir.Expr) -> ir.Expr:
    """The same expression read on last year's report (every reference made ``previous``)."""
    if isinstance(expr, ir.CellRef | ir.FieldRef | ir.TextRef):
        return attrs.evolve(expr, previous=True)
    if isinstance(expr, ir.Sum):
        return ir.Sum(tuple((sign, _num(shift(term))) for sign, term in expr.terms))
    if isinstance(expr, ir.Scale):
        return ir.Scale(expr.factor, _num(shift(expr.arg)))
    if isinstance(expr, ir.Length | ir.Mentions | ir.Empty):
        return attrs.evolve(expr, arg=attrs.evolve(expr.arg, previous=True))
    if isinstance(expr, ir.Compare):
        return ir.Compare(expr.op, shift(expr.left), shift(expr.right))
    if isinstance(expr, ir.And | ir.Or):
        return type(expr)(tuple(_bool(shift(a)) for a in expr.args))
    if isinstance(expr, ir.Not):
        return ir.Not(_bool(shift(expr.arg)))
    if isinstance(expr, ir.Implies):
        return ir.Implies(_bool(shift(expr.condition)), _bool(shift(expr.then)))
    return expr


def _num(expr: ir.Expr) -> ir.NumExpr:
    assert isinstance(expr, ir.Const | ir.CellRef | ir.FieldRef | ir.Sum | ir.Scale | ir.Length)
    return expr


def _bool(expr: ir.Expr) -> ir.BoolExpr:
    assert isinstance(expr, ir.Compare | ir.And | ir.Or | ir.Not | ir.Implies | ir.Mentions | ir.Empty)
    return expr


def refs(expr: ir.Expr) -> list[VarKey]:
    seen: dict[VarKey, None] = {}
    for node in ir.walk(expr):
        if isinstance(node, ir.CellRef | ir.FieldRef | ir.TextRef):
            seen.setdefault(Encoder.key_of(node), None)
    return list(seen)


def kleene(expr: ir.Expr, atom: Any) -> tuple[Z3, Z3]:
    """(definitely true, definitely false) of a condition; ``atom(e)`` gives (known, formula) of an atom."""
    if isinstance(expr, ir.And | ir.Or):
        parts = [kleene(a, atom) for a in expr.args]
        trues, falses = [t for t, _ in parts], [f for _, f in parts]
        if isinstance(expr, ir.And):
            return z3.And(*trues), z3.Or(*falses)
        return z3.Or(*trues), z3.And(*falses)
    if isinstance(expr, ir.Not):
        true, false = kleene(expr.arg, atom)
        return false, true
    if isinstance(expr, ir.Implies):
        c_true, c_false = kleene(expr.condition, atom)
        t_true, t_false = kleene(expr.then, atom)
        return z3.Or(c_false, t_true), z3.And(c_true, t_false)
    known, formula = atom(expr)
    return z3.And(known, formula), z3.And(known, z3.Not(formula))


@attrs.frozen(eq=False)
class Conclusion:
    """Something a migrated report must not do: fail a check position, or hold a value its type does not allow."""

    kind: str  # "check" | "type"
    formula: Z3
    check: ir.Check | None = None
    instance: ir.CheckInstance | None = None
    cell: str | None = None
    unknown: tuple[VarKey, ...] = ()  # the unknown cells it reads


class _Encoding:
    def __init__(self, migration: Migration) -> None:
        self.m = migration
        self.old = Encoder(migration.old, exact_decimals=True)
        self.new = Encoder(migration.new)
        self.known: dict[VarKey, Z3] = {}
        self.fresh: dict[VarKey, Z3] = {}
        self.fresh_types: dict[VarKey, Z3] = {}
        self.values: dict[VarKey, tuple[Z3, Z3]] = {}  # new var key → (replacement term, link condition)

    # ---- the old report
    def known_old(self, key: VarKey) -> Z3:
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = z3.Bool(f"known:{key[0]}:{var_ref(key)}")
        return found

    def old_atom(self, tolerance: Decimal | None) -> Any:
        def atom(expr: ir.Expr) -> tuple[Z3, Z3]:
            known = z3.And(*[self.known_old(k) for k in refs(expr)])
            return known, self.old.cond(expr, tolerance)

        return atom

    def premises(self) -> list[Z3]:
        out: list[Z3] = []
        for check in self.m.old.checks:
            atom = self.old_atom(check.tolerance)
            for instance in check.instances:
                out.append(z3.Not(kleene(instance.expr, atom)[1]))
                if not check.across_periods:  # last year's report is valid too
                    out.append(z3.Not(kleene(shift(instance.expr), atom)[1]))
        return out

    def completable(self) -> list[Z3]:
        """The old report's blanks could hold values with which every old check holds (two-valued, over the same
        value variables: a blank's value is free). Stage 2 assumes it: an old report whose blanks only hide a
        contradiction cannot be completed after any migration, and that is not the migration's doing."""
        out: list[Z3] = []
        for check in self.m.old.checks:
            for instance in check.instances:
                out.append(self.old.cond(instance.expr, check.tolerance))
                if not check.across_periods:
                    out.append(self.old.cond(shift(instance.expr), check.tolerance))
        return out

    def background(self) -> list[Z3]:
        return list(self.old.background)

    # ---- the migrated report
    def target(self, key: VarKey) -> Target:
        return self.m.targets[(key[0], key[1])]

    def known_new(self, key: VarKey, complete: bool) -> Z3:
        target = self.target(key)
        if target.unknown:
            return z3.BoolVal(complete)
        flags = [self.known_old((key[0], source, key[2])) for source in target.sources]
        return z3.And(*flags) if flags else z3.BoolVal(True)

    def replacement(self, key: VarKey) -> tuple[Z3, Z3]:
        """The term that stands for new variable ``key``, and a condition linking it (true unless a sort differs)."""
        found = self.values.get(key)
        if found is not None:
            return found
        var = self.new.var(key)
        target = self.target(key)
        if target.unknown:
            term = self.fresh.get(key)
            if term is None:
                term = self.fresh[key] = z3.Const(f"entered:{key[0]}:{var_ref(key)}", var.sort())
                cell_type = self.new.type_of(key)
                floor = cell_type is not None and cell_type.kind in ("count", "amount")
                self.fresh_types[key] = term >= 0 if floor else z3.BoolVal(True)
            found = (term, z3.BoolVal(True))
        elif not z3.is_arith(var):
            found = (self.old.var((key[0], target.sources[0], key[2])), z3.BoolVal(True))
        else:
            value = self.value_term(target, key[2])
            if var.is_int() and not value.is_int():
                whole = z3.Int(f"whole:{var_ref(key)}")
                found = (whole, z3.ToReal(whole) == value)
            else:
                found = (z3.ToReal(value) if value.is_int() and not var.is_int() else value, z3.BoolVal(True))
        self.values[key] = found
        return found

    def value_term(self, target: Target, previous: bool) -> Z3:
        parts = [
            self.old.var((target.kind, source, previous)) * z3_number(c)
            if c != 1
            else self.old.var((target.kind, source, previous))
            for c, source in target.terms
        ]
        if target.constant:
            parts.append(z3_number(target.constant))
        if not parts:
            return z3_number(target.constant)
        return z3.Sum(parts) if len(parts) > 1 else parts[0]

    def new_atom(self, tolerance: Decimal | None, complete: bool) -> Any:
        def atom(expr: ir.Expr) -> tuple[Z3, Z3]:
            keys = refs(expr)
            formula = self.new.cond(expr, tolerance)
            pairs = []
            links = []
            for key in keys:
                term, link = self.replacement(key)
                pairs.append((self.new.var(key), term))
                links.append(link)
            known = z3.And(*[self.known_new(k, complete) for k in keys], *links)
            return known, z3.substitute(formula, *pairs) if pairs else formula

        return atom

    def conclusions(self, complete: bool) -> list[Conclusion]:
        """What a migrated report must not do; values that do not fit their type first (such a report would not even
        load), then check positions in spec order."""
        out: list[Conclusion] = [] if complete else self.type_conclusions()
        for check in self.m.new.checks:
            if check.key in self.m.exempt:
                continue
            atom = self.new_atom(check.tolerance, complete)
            for instance in check.instances:
                unknown = tuple(k for k in refs(instance.expr) if self.target(k).unknown)
                if complete and not unknown:
                    continue  # stage 1 covered it: no unknown value to enter
                false = kleene(instance.expr, atom)[1]
                out.append(Conclusion("check", false, check, instance, unknown=unknown))
        return out

    def type_conclusions(self) -> list[Conclusion]:
        out: list[Conclusion] = []
        for (kind, key), target in self.m.targets.items():
            if kind == "text" or target.unknown:
                continue
            new_type = self.m.new.cells[key].type if kind == "cell" else self.m.new.fields[key].type
            if not new_type.numeric:
                continue
            old_types = [
                self.m.old.cells[s].type if kind == "cell" else self.m.old.fields[s].type for s in target.sources
            ]
            plain = (
                len(target.terms) <= 1
                and all(c == 1 for c, _ in target.terms)
                and target.constant >= 0
                and target.constant == int(target.constant)
                and all(type_change(t, new_type) in ("same", "widening") for t in old_types)
            )
            if plain:
                continue
            value = self.value_term(target, False)
            real = z3.ToReal(value) if value.is_int() else value
            bad: list[Z3] = []
            if new_type.kind in ("count", "amount"):
                bad.append(real < 0)
            if new_type.kind in ("count", "integer"):
                bad.append(z3.Not(z3.IsInt(real)))
            if new_type.kind == "amount":
                decimals = new_type.decimals if new_type.decimals is not None else 2
                bad.append(z3.Not(z3.IsInt(real * (10**decimals))))
            known = self.known_new((kind, key, False), False)
            out.append(Conclusion("type", z3.And(known, z3.Or(*bad)), cell=key))
        return out

    def size(self) -> Z3:
        """How big an old report is: the sum of its numbers' magnitudes (amounts rounded down), a whole number."""
        terms = []
        for key, var in self.old.vars.items():
            if not z3.is_arith(var):
                continue
            kind = self.old.type_of(key)
            whole = var if var.is_int() else z3.ToInt(var * 10 ** self.old.decimals(key))  # amounts: in their units
            terms.append(z3.If(whole >= 0, whole, -whole) if kind is not None and kind.kind == "integer" else whole)
        return z3.Sum(*terms) if terms else z3.IntVal(0)


# ---------------------------------------------------------------------------------------------------- proving


def prove(migration: Migration, *, timeout_ms: int = PROOF_TIMEOUT_MS) -> Proof:
    """Prove the migration keeps every valid old report valid (and completable), or find the smallest that breaks."""
    started = time.perf_counter()
    prover = _Prover(migration, timeout_ms)
    result = prover.run()
    return attrs.evolve(result, seconds=time.perf_counter() - started, solver_calls=prover.calls)


def breaking_checks(
    migration: Migration, keys: Sequence[str], *, timeout_ms: int = PROOF_TIMEOUT_MS
) -> dict[str, Counterexample | None]:
    """For each new check named: the smallest valid old report that, migrated, fails it (None: none does)."""
    prover = _Prover(migration, timeout_ms)
    out: dict[str, Counterexample | None] = {}
    for key in keys:
        check = migration.new.check(key)
        atom = prover.enc.new_atom(check.tolerance, complete=False)
        conclusions = [Conclusion("check", kleene(i.expr, atom)[1], check, i) for i in check.instances]
        found, _ = prover.search(conclusions)
        out[key] = prover.counterexample(found) if found is not None else None
    return out


def components(conclusions: Sequence[Conclusion]) -> list[list[Conclusion]]:
    """Check positions grouped so that no two groups read the same unknown cell.

    "Whatever is entered, some position fails" holds for all of them together exactly when it holds for one group:
    the entries of different groups are independent, so the unknown cells can be entered so that nothing fails
    when, and only when, each group's can. Small groups are far easier for the solver than one quantifier over all.
    """
    parent = list(range(len(conclusions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[VarKey, int] = {}
    for i, conclusion in enumerate(conclusions):
        for key in conclusion.unknown:
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Conclusion]] = {}
    for i, conclusion in enumerate(conclusions):
        groups.setdefault(find(i), []).append(conclusion)
    return sorted(groups.values(), key=len)


class _Prover:
    def __init__(self, migration: Migration, timeout_ms: int) -> None:
        self.m = migration
        self.timeout = timeout_ms
        self.enc = _Encoding(migration)
        self.premises = self.enc.premises()
        self.calls = 0
        self.incomplete: list[str] = []
        self.best_value = 0
        self.deadline = 0.0

    def solver(self) -> Z3:
        solver = z3.Solver()
        solver.set("timeout", self.timeout)
        return solver

    def run(self) -> Proof:
        m = self.m
        positions = sum(len(c.instances) for c in m.new.checks if c.key not in m.exempt)
        unknown_cells = sum(1 for t in m.targets.values() if t.unknown and t.kind == "cell")
        base = Proof(m, None, None, positions, unknown_cells, False, 0.0, 0)
        first = self.enc.conclusions(complete=False)
        found, answer = self.search(first)
        if answer == "unknown":
            return attrs.evolve(base, incomplete=("stage 1: does any valid old report migrate to one that fails?",))
        if found is not None:
            return attrs.evolve(base, holds=False, counterexample=self.counterexample(found))
        second = self.enc.conclusions(complete=True)
        if not second:
            return attrs.evolve(base, holds=True)
        undecided = 0
        for group in components(second):  # independent unknown cells: each group on its own (see components)
            if self.entry_works(group):
                continue  # one way of entering them, as a function of the old report, always works
            model, answer = self.cannot_complete(group)
            if answer == "unknown":  # one position at a time still finds a position no entry can satisfy
                for conclusion in group:
                    model, _ = self.cannot_complete([conclusion], timeout_ms=min(self.timeout, 10_000))
                    if model is not None:
                        break
            if model is not None:
                counterexample = self.incompletable(self.smallest_incompletable(model, group), group)
                return attrs.evolve(base, holds=False, completion_checked=True, counterexample=counterexample)
            if answer == "unknown":
                undecided += 1
        if undecided:
            what = f"stage 2: can the unknown cells always be entered so that every check holds? ({undecided} groups)"
            return attrs.evolve(base, holds=None, incomplete=(what,))
        return attrs.evolve(base, holds=True, completion_checked=True)

    # ---- stage 1
    def search(self, conclusions: Sequence[Conclusion]) -> tuple[Conclusion | None, str]:
        solver = self.solver()
        solver.add(*self.premises, *self.enc.background())
        literals = [z3.Bool(f"concl!{i}") for i in range(len(conclusions))]
        for literal, conclusion in zip(literals, conclusions, strict=True):
            solver.add(z3.Implies(literal, conclusion.formula))
        solver.add(z3.Or(*literals))
        self.calls += 1
        answer = _check(solver)
        if answer != "sat":
            return None, answer
        model = solver.model()
        for literal, conclusion in zip(literals, conclusions, strict=True):
            if z3.is_true(model.eval(literal, model_completion=True)):
                return conclusion, answer
        return conclusions[0], answer  # pragma: no cover - the disjunction holds

    def smallest(self, extra: Sequence[Z3], seconds: float = MINIMIZE_SECONDS) -> Z3 | None:
        """A model of the premises and ``extra``, as small as it can be found: a whole report without last year's if
        one exists, else with last year's, else with blanks (fewest values given); then the smallest numbers."""
        enc = self.enc
        current = [v for k, v in enc.known.items() if not k[2]]
        previous = [v for k, v in enc.known.items() if k[2]]
        modes: list[list[Z3]] = [[*current, *[z3.Not(p) for p in previous]], [*current, *previous], []]
        self.deadline = time.perf_counter() + seconds
        for fixed in modes:
            solver = self.solver()
            solver.set("timeout", self.remaining())
            solver.add(*self.premises, *enc.background(), *extra, *fixed, *self.readable())
            if not fixed:
                given = z3.Sum(*[z3.If(k, 1, 0) for k in enc.known.values()])
                if self.minimize(solver, given) is None:
                    return None
                solver.add(given <= self.best_value)
            model = self.minimize(solver, enc.size())
            if model is not None:
                return model
        return None

    def remaining(self) -> int:
        """Milliseconds left for making a counterexample small (never more than a query's own timeout)."""
        return max(1, min(self.timeout, int((self.deadline - time.perf_counter()) * 1000)))

    def readable(self) -> list[Z3]:
        """Texts in a counterexample made of printable characters (so a 'not empty' text is not a NUL)."""
        printable = z3.Star(z3.Union(z3.Range(" ", "~"), z3.Range("\u3000", "\u9fff"), z3.Range("\uff00", "\uffef")))
        return [z3.InRe(v, printable) for v in self.enc.old.vars.values() if z3.is_string(v)]

    def minimize(self, solver: Z3, term: Z3, budget: int = 40) -> Z3 | None:
        """The model of ``solver`` with the smallest whole-number ``term`` found by bisection (``term`` ≥ 0)."""
        self.calls += 1
        if _check(solver) != "sat":
            return None
        best = solver.model()
        high = best.eval(term, model_completion=True).as_long()
        low = 0
        while low < high and budget > 0 and self.remaining() > 100:
            budget -= 1
            middle = (low + high) // 2
            solver.set("timeout", self.remaining())
            bound = z3.Bool(f"bound!{self.calls}")  # an assumption rather than push/pop: z3 can fail on pop
            solver.add(z3.Implies(bound, term <= middle))
            self.calls += 1
            answer = _check(solver, bound)
            if answer == "sat":
                best = solver.model()
                high = best.eval(term, model_completion=True).as_long()
            if answer == "unsat":
                low = middle + 1
            elif answer != "sat":
                break
        self.best_value = high
        return best

    def counterexample(self, conclusion: Conclusion) -> Counterexample:
        model = self.smallest([conclusion.formula])
        assert model is not None
        old, old_previous = self.reports(model)
        return self.verify(conclusion, old, old_previous, "fails" if conclusion.kind == "check" else "type")

    def reports(self, model: Z3) -> tuple[Report, Report | None]:
        current = self.report(model, False)
        assert current is not None
        return current, self.report(model, True)

    def report(self, model: Z3, previous: bool) -> Report | None:
        enc, spec = self.enc, self.m.old
        flags = {k: z3.is_true(model.eval(v, model_completion=True)) for k, v in enc.known.items() if k[2] == previous}
        if previous and not any(flags.values()):
            return None
        whole = all(flags.values())  # no blanks: cells no check reads are 0, not blank
        values: dict[str, Decimal | Missing] = {}
        for key, cell in spec.cells.items():
            values[key] = self.value(model, ("cell", key, previous), cell.type, flags, whole)  # type: ignore[assignment]
        fields: dict[str, FieldValue] = {}
        for key, field in spec.fields.items():
            value = self.value(model, ("field", key, previous), field.type, flags, field.required)
            if value is not BLANK:
                fields[key] = value
        texts: dict[str, str | Missing] = {}
        for key, block in spec.texts.items():
            var_key = ("text", key, previous)
            if var_key in enc.old.vars:
                known = flags.get(var_key, True)
                texts[key] = _text_of(model.eval(enc.old.vars[var_key], model_completion=True)) if known else UNKNOWN
            elif block.required:
                texts[key] = "（示例）"
        return Report(spec.id, spec.version, fields, texts, values)

    def value(
        self, model: Z3, key: VarKey, cell_type: ir.CellType, flags: dict[VarKey, bool], whole: bool
    ) -> FieldValue:
        var = self.enc.old.vars.get(key)
        if var is None:
            if not whole:
                return BLANK
            return Decimal(0) if cell_type.numeric else "（示例）"
        if not flags.get(key, True):
            return BLANK
        evaluated = model.eval(var, model_completion=True)
        if not cell_type.numeric:
            return _text_of(evaluated)
        number = from_z3(z3.simplify(evaluated))
        return _decimal(number, cell_type)

    def verify(self, conclusion: Conclusion, old: Report, old_previous: Report | None, stage: str) -> Counterexample:
        from gaidsl.evaluate import evaluate_instance
        from gaidsl.migrate import apply

        new = apply(self.m, old).report
        new_previous = apply(self.m, old_previous).report if old_previous is not None else None
        if conclusion.kind == "type":
            value = new.values.get(conclusion.cell or "") if conclusion.cell in self.m.new.cells else None
            verified = isinstance(value, Decimal) and not _fits(value, self.m.new.cells[conclusion.cell or ""].type)
            return Counterexample(
                stage, None, None, conclusion.cell, old, old_previous, new, new_previous, verified=verified
            )
        check, instance = conclusion.check, conclusion.instance
        assert check is not None and instance is not None
        result = evaluate_instance(self.m.new, check, instance, new, new_previous)
        return Counterexample(
            stage,
            check.key,
            instance.position,
            None,
            old,
            old_previous,
            new,
            new_previous,
            verified=result.status == "fail" if stage == "fails" else None,
            message=result.message,
            unknown=tuple(var_ref(k) for k in conclusion.unknown),
        )

    # ---- stage 2
    def entry_works(self, conclusions: Sequence[Conclusion]) -> bool:
        """Whether one way of entering the unknown cells, worked out from the checks' equations, makes every
        position hold for every old report (a quantifier-free question; the quantified one is much harder).

        Each ``a == b`` position in turn gives its first unknown cell not yet given a value the value that makes it
        hold, the other unknown cells taken as given so far (or 0); cells left over are entered as 0."""
        enc = self.enc
        chosen: dict[VarKey, Z3] = {}
        for conclusion in conclusions:
            expr = conclusion.instance.expr if conclusion.instance is not None else None
            if not isinstance(expr, ir.Compare) or expr.op != "==" or is_text_expr(self.m.new, expr.left):
                continue
            free = [k for k in conclusion.unknown if k not in chosen]
            if not free:
                continue
            unknown = free[0]
            difference = enc.new.num(expr.left) - enc.new.num(expr.right)
            pairs = []
            for key in refs(expr):
                if key == unknown:
                    continue
                var = enc.new.var(key)
                if enc.target(key).unknown:
                    pairs.append((var, chosen.get(key, _zero(var))))
                else:
                    pairs.append((var, enc.replacement(key)[0]))
            difference = z3.substitute(difference, *pairs) if pairs else difference
            var = enc.new.var(unknown)
            coefficient = z3.simplify(
                z3.substitute(difference, (var, _one(var))) - z3.substitute(difference, (var, _zero(var)))
            )
            if not z3.is_int_value(coefficient) or abs(coefficient.as_long()) != 1:
                continue
            rest = z3.substitute(difference, (var, _zero(var)))
            chosen[unknown] = z3.simplify(-rest if coefficient.as_long() == 1 else rest)
        keys = list(dict.fromkeys(k for c in conclusions for k in c.unknown))
        entry = [(enc.fresh[k], chosen.get(k, _zero(enc.fresh[k]))) for k in keys]
        bad = [z3.Not(enc.fresh_types[k]) for k in keys] + [c.formula for c in conclusions]
        solver = self.solver()
        solver.add(*self.premises, *enc.completable(), *enc.background(), z3.substitute(z3.Or(*bad), *entry))
        self.calls += 1
        return _check(solver) == "unsat"

    def cannot_complete(
        self, conclusions: Sequence[Conclusion], timeout_ms: int | None = None, minimize: bool = False
    ) -> tuple[Z3 | None, str]:
        """An old report for which no entry of the unknown cells these positions read makes them all hold."""
        enc = self.enc
        keys = list(dict.fromkeys(k for c in conclusions for k in c.unknown))
        entered = [enc.fresh[k] for k in keys]
        types = [enc.fresh_types[k] for k in keys]
        body = z3.Implies(z3.And(*types), z3.Or(*[c.formula for c in conclusions]))
        self.quantified = z3.ForAll(entered, body) if entered else body
        completable = enc.completable()
        solver = self.solver()
        if timeout_ms is not None:
            solver.set("timeout", timeout_ms)
        solver.add(*self.premises, *completable, *enc.background(), self.quantified)
        self.calls += 1
        answer = _check(solver)
        if answer != "sat":
            return None, answer
        if not minimize:
            return solver.model(), answer
        smaller = self.smallest([self.quantified, *completable], QUANTIFIED_MINIMIZE_SECONDS)
        return smaller if smaller is not None else solver.model(), answer

    def smallest_incompletable(self, model: Z3, group: Sequence[Conclusion]) -> Z3:
        """A small old report that cannot be completed: when one position fails whatever is entered in its own
        unknown cells (the usual case), the smallest report for that position alone (one small quantifier);
        otherwise the smallest for the whole group found in time."""
        failing, _ = self.best_entry(model, group)
        for conclusion in failing[:3]:
            single, _ = self.cannot_complete([conclusion], timeout_ms=min(self.timeout, 10_000), minimize=True)
            if single is not None:
                return single
        smaller, _ = self.cannot_complete(group, minimize=True)
        return smaller if smaller is not None else model

    def incompletable(self, model: Z3, conclusions: Sequence[Conclusion]) -> Counterexample:
        """The counterexample of ``model``, shown with the entry of the unknown cells that breaks fewest checks."""
        old, old_previous = self.reports(model)
        failing, entered = self.best_entry(model, conclusions)
        first = failing[0]
        found = self.verify(first, old, old_previous, "cannot_complete")
        if entered and first.check is not None and first.instance is not None:
            from gaidsl.evaluate import evaluate_instance

            new = _with(found.new, {k[1]: v for k, v in entered.items() if not k[2]})
            new_previous = found.new_previous
            if new_previous is not None:
                new_previous = _with(new_previous, {k[1]: v for k, v in entered.items() if k[2]})
            result = evaluate_instance(self.m.new, first.check, first.instance, new, new_previous)
            found = attrs.evolve(found, message=result.message, verified=result.status == "fail", completed=new)
        also = tuple(
            dict.fromkeys(c.check.key for c in failing[1:] if c.check is not None and c.check is not first.check)
        )
        return attrs.evolve(found, also=also)

    def best_entry(
        self, model: Z3, conclusions: Sequence[Conclusion]
    ) -> tuple[list[Conclusion], dict[VarKey, Decimal]]:
        """With the old report of ``model`` fixed: the positions still failing under the entry of the unknown cells
        that breaks fewest, and that entry."""
        enc = self.enc
        optimizer = z3.Optimize()
        optimizer.set("timeout", self.timeout)
        for var in enc.old.vars.values():
            optimizer.add(var == model.eval(var, model_completion=True))
        for flag in enc.known.values():
            optimizer.add(flag == model.eval(flag, model_completion=True))
        optimizer.add(*enc.background(), *enc.fresh_types.values())
        for conclusion in conclusions:
            optimizer.add_soft(z3.Not(conclusion.formula))
        self.calls += 1
        failing = list(conclusions)
        entered: dict[VarKey, Decimal] = {}
        if _check(optimizer) == "sat":
            best = optimizer.model()
            failing = [c for c in conclusions if z3.is_true(best.eval(c.formula, model_completion=True))] or failing
            entered = self.entered(best)
        return failing, entered

    def entered(self, model: Z3) -> dict[VarKey, Decimal]:
        """The values a model gives the unknown cells (those of numeric cells)."""
        out: dict[VarKey, Decimal] = {}
        for key, var in self.enc.fresh.items():
            cell_type = self.enc.new.type_of(key)
            if key[0] == "cell" and cell_type is not None and cell_type.numeric:
                out[key] = _decimal(from_z3(model.eval(var, model_completion=True)), cell_type)
        return out


def _check(solver: Z3, *assumptions: Z3) -> str:
    """``"sat"``, ``"unsat"`` or ``"unknown"`` — also when z3 gives up with an exception (it can, on quantifiers)."""
    try:
        return str(solver.check(*assumptions))
    except z3.Z3Exception:
        return "unknown"


def _zero(var: Z3) -> Z3:
    return z3.IntVal(0) if var.is_int() else z3.RealVal(0)


def _one(var: Z3) -> Z3:
    return z3.IntVal(1) if var.is_int() else z3.RealVal(1)


_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")


def _text_of(value: Z3) -> str:
    """A z3 string value as text (z3 writes characters beyond ASCII as ``\\u{4fe1}``)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value.as_string()))


def _with(report: Report, values: dict[str, Decimal]) -> Report:
    return attrs.evolve(report, values={**report.values, **values})


def _decimal(number: Fraction, cell_type: ir.CellType) -> Decimal:
    value = Decimal(number.numerator) / Decimal(number.denominator)
    if cell_type.kind == "amount":
        decimals = cell_type.decimals if cell_type.decimals is not None else 2
        return value.quantize(Decimal(1).scaleb(-decimals))
    return value.quantize(Decimal(1)) if number.denominator == 1 else value


def _fits(value: Decimal, cell_type: ir.CellType) -> bool:
    if cell_type.kind in ("count", "amount") and value < 0:
        return False
    if cell_type.kind in ("count", "integer"):
        return value == value.to_integral_value()
    if cell_type.kind == "amount":
        decimals = cell_type.decimals if cell_type.decimals is not None else 2
        return value == value.quantize(Decimal(1).scaleb(-decimals))
    return True


# ---------------------------------------------------------------------------------------------------- reporting


def _say(lang: Lang, zh: str, en: str) -> str:
    return {"zh": zh, "en": en}.get(lang, f"{zh} / {en}")


def shown_values(report: Report, spec: ir.Spec, keys: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """(key, label, value) of a report's cells that are not 0 (or of ``keys``), for showing a counterexample."""
    out: list[tuple[str, str, str]] = []
    wanted = list(keys) if keys is not None else [k for k, v in report.values.items() if v != 0]
    for key in wanted:
        value = report.values.get(key, BLANK)
        text = "blank" if value is BLANK else "unknown" if value is UNKNOWN else str(value)
        out.append((key, item_label(spec, "cell", key) if key in spec.cells else key, text))
    return out


def _old_lines(proof: Proof, lang: Lang) -> list[str]:
    example = proof.counterexample
    assert example is not None
    m = proof.migration
    lines: list[str] = []
    for name, report in (("", example.old), ("previous.", example.old_previous)):
        if report is None:
            continue
        blanks = sum(1 for v in report.values.values() if v is BLANK)
        numbers = [(k, lab, v) for k, lab, v in shown_values(report, m.old) if v != "blank"]
        rest = (
            _say(lang, "其余单元格为 0", "every other cell 0")
            if not blanks
            else _say(lang, f"其余单元格为 0 或空（{blanks} 个空）", f"every other cell 0 or blank ({blanks} blank)")
        )
        cells = ", ".join(f"{name}{k} = {v}" for k, _, v in numbers)
        fields = ", ".join(f"{name}{k} = {v}" for k, v in report.fields.items() if k in _read_fields(proof))
        shown = "; ".join(x for x in (cells, fields) if x)
        if not numbers:
            rest = rest.replace("其余", "").replace("every other", "every") if lang != "both" else rest
        lines.append(f"{shown} ({rest})" if shown else rest)
    return lines


def _read_fields(proof: Proof) -> set[str]:
    """The old fields a check reads, the old spec's or (through the migration) the new one's: worth showing."""
    m = proof.migration
    found = {k[1] for c in m.old.checks for i in c.instances for k in refs(i.expr) if k[0] == "field"}
    for check in m.new.checks:
        for instance in check.instances:
            for kind, key, _ in refs(instance.expr):
                target = m.targets.get((kind, key))
                if kind == "field" and target is not None:
                    found.update(target.sources)
    return found


def _diagnostics(proof: Proof) -> list[Diagnostic]:
    m = proof.migration
    out: list[Diagnostic] = []
    old_name = f"{m.old.id} {m.old.version}"
    new_name = f"{m.new.id} {m.new.version}"
    example = proof.counterexample
    if example is not None:
        span = _blamed_span(proof)
        zh_old = "；".join(_old_lines(proof, "zh"))
        en_old = "; ".join(_old_lines(proof, "en"))
        help = [Text(f"最小的反例（{old_name}）：{zh_old}", f"smallest counterexample ({old_name}): {en_old}")]
        if example.unknown:
            names = ", ".join(example.unknown)
            entered = ""
            if example.completed is not None:
                values = ", ".join(f"{k} = {example.completed.values.get(k)}" for k in example.unknown if "." in k)
                entered = values
            help.append(
                Text(
                    f"迁移后未知的单元格：{names}；无论填入什么，该校验都不成立"
                    + (f"，例如填入 {entered}" if entered else ""),
                    f"unknown after migration: {names}; whatever is entered the check fails"
                    + (f", for example with {entered}" if entered else ""),
                )
            )
        if example.message is not None:
            help.append(Text(f"迁移后：{example.message.zh}", f"migrated: {example.message.en}"))
        if example.also:
            help.append(Text("同时违反：" + "、".join(example.also), "also failing: " + ", ".join(example.also)))
        if example.stage == "type":
            value = example.new.values.get(example.cell or "")
            cell = example.cell or ""
            cell_type = m.new.cells[cell].type.describe() if cell in m.new.cells else ""
            diag = error("GAI522", span, help, old=old_name, cell=cell, value=str(value), type=cell_type)
        else:
            code = "GAI520" if example.stage == "fails" else "GAI521"
            where = f"{example.check}[{example.position}]" if example.position else example.check
            diag = error(code, span, help, old=old_name, new=new_name, check=where)
        out.append(diag)
    if proof.holds is None:
        out.append(warning("GAI523", m.span, what="; ".join(proof.incomplete) or "?"))
    return out


def _blamed_span(proof: Proof) -> Any:
    """The statement that made a value the broken check reads (else the migration's header)."""
    m = proof.migration
    example = proof.counterexample
    assert example is not None
    keys: list[str] = []
    if example.check is not None:
        check = m.new.check(example.check)
        for instance in check.instances:
            if instance.position == example.position:
                keys = [k[1] for k in refs(instance.expr) if k[0] == "cell"]
    elif example.cell is not None:
        keys = [example.cell]
    for key in keys:
        target = m.targets.get(("cell", key))
        if target is not None and target.statement is not None and target.how != "same":
            return m.statements[target.statement].span
    return m.span


def _text(proof: Proof, lang: Lang) -> str:
    m = proof.migration
    head = f"{m.file}: {m.name}"
    timing = _say(
        lang,
        f"（{proof.seconds:.2f} 秒，求解 {proof.solver_calls} 次）",
        f" ({proof.seconds:.2f} s, {proof.solver_calls} solver calls)",
    )
    if proof.holds:
        lines = [
            head
            + _say(
                lang,
                f"：证明成立{timing}",
                f": proof holds{timing}",
            ),
            "  "
            + _say(
                lang,
                f"{m.old.id} {m.old.version} 的每一份有效报告（允许空单元格，附或不附上年报告）迁移后，不违反 "
                f"{m.new.version} 的任何校验（共 {proof.positions} 处）",
                f"every report valid under {m.old.version} (blanks allowed, with or without last year's) migrates "
                f"to one that fails none of the {proof.positions} check positions of {m.new.version}",
            ),
        ]
        if proof.unknown_cells:
            lines.append(
                "  "
                + _say(
                    lang,
                    f"迁移留下 {proof.unknown_cells} 个未知单元格；无论旧报告如何，总能填入使全部校验成立的值",
                    f"it leaves {proof.unknown_cells} cells unknown; whatever the old report, they can always be "
                    "entered so that every check holds",
                )
            )
        for key, reason in m.exempt.items():
            lines.append("  " + _say(lang, f"豁免：{key}（{reason}）", f"exempt: {key} ({reason})"))
        return "\n".join(lines)
    if proof.holds is None:
        return head + _say(lang, f"：证明未完成{timing}", f": proof incomplete{timing}")
    return head + _say(lang, f"：证明不成立{timing}", f": proof fails{timing}")


__all__ = ["Conclusion", "Counterexample", "Proof", "breaking_checks", "components", "kleene", "prove", "refs", "shift"]
