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
    The reference evaluator's (:mod:`gaidsl.checking.evaluate`): a value is a number or missing (blank or unknown); a
    comparison, ``mentions`` or ``empty`` over a missing value is unknown; ``and``, ``or``, ``not``, ``if`` are
    Kleene's; a check fails only when it is false. Each value of the old report is a z3 variable with a "known" flag
    (false: blank or unknown), each condition a pair (definitely true, definitely false). Atoms are translated by
    :class:`gaidsl.analysis.encoding.Encoder`, the one translation spec analysis and the samplers use: old checks over
    the old
    spec's variables (amounts as whole numbers of their last decimal place, so the tolerance is the evaluator's for
    amounts written with all their decimals); new checks over the new spec's variables, with the same allowance for
    the new spec's decimals (a stricter new check would find the old half-cent slack failing), then each new variable
    replaced by the migration's term for it (a sum of old variables times factors, plus a constant) and its known
    flag by the conjunction of its sources' (false for unknown cells in stage 1; true in stage 2, where the unknown
    cells are universally quantified).

A counterexample is the smallest old report found (a whole report with last year's left out if one exists, then
with last year's, then with blanks), shown with what it migrates to, and re-checked with the reference evaluator.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import Z3, VarKey, from_z3, var_ref
from gaidsl.checking.evaluate import evaluate_instance
from gaidsl.checking.report import BLANK, UNKNOWN, FieldValue, Missing, Report
from gaidsl.language import ir
from gaidsl.language.arithmetic import first_arith_check
from gaidsl.migrations.apply import apply
from gaidsl.migrations.migration import Migration
from gaidsl.migrations.proof_encoding import Conclusion, Encoding, components, kleene, one_of, refs, shift, zero_of
from gaidsl.migrations.proof_report import Counterexample, Proof, report_json

PROOF_TIMEOUT_MS = 60_000
MINIMIZE_SECONDS = 20.0  # time spent making a counterexample smaller before showing the smallest found so far
QUANTIFIED_MINIMIZE_SECONDS = 8.0  # the same for stage 2, whose every query is quantified (seconds each)
NONLINEAR_MINIMIZE_SECONDS = 3.0
"""The same when either spec has arithmetic between cells: z3 then rarely finds a smaller report at all (one query can
spend the whole time and answer "unknown"), so the report the search found is shown after a short try."""


def prove(migration: Migration, *, timeout_ms: int = PROOF_TIMEOUT_MS) -> Proof:
    """Prove the migration keeps every valid old report valid (and completable), or find the smallest that breaks."""
    started = time.perf_counter()
    prover = _Prover(migration, timeout_ms)
    result = prover.run()
    return attrs.evolve(result, seconds=time.perf_counter() - started, solver_calls=prover.calls)


UNDECIDED = "undecided"
"""What :func:`breaking_checks` gives for a check z3 could not decide (non-linear arithmetic, a time limit)."""


def breaking_checks(
    migration: Migration, keys: Sequence[str], *, timeout_ms: int = PROOF_TIMEOUT_MS
) -> dict[str, Counterexample | str | None]:
    """For each new check named: the smallest valid old report that, migrated, fails it (None: none does;
    :data:`UNDECIDED`: z3 could not tell)."""
    prover = _Prover(migration, timeout_ms)
    out: dict[str, Counterexample | str | None] = {}
    for key in keys:
        check = migration.new.check(key)
        atom = prover.enc.new_atom(check.tolerance, complete=False)
        conclusions = [Conclusion("check", kleene(i.expr, atom)[1], check, i) for i in check.instances]
        found, answer = prover.search(conclusions)
        if answer == "unknown":
            out[key] = UNDECIDED
            continue
        out[key] = prover.counterexample(found) if found is not None else None
    return out


class _Prover:
    def __init__(self, migration: Migration, timeout_ms: int) -> None:
        self.m = migration
        self.timeout = timeout_ms
        self.enc = Encoding(migration)
        self.premises = self.enc.premises()
        self.calls = 0
        self.incomplete: list[str] = []
        self.best_value = 0
        self.deadline = 0.0
        self.found_model: Z3 | None = None  # the model of the last search that found a conclusion

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
        model = self.found_model = solver.model()
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
        """The smallest old report that breaks ``conclusion``; when z3 finds none in the time allowed (its string
        solver can answer "sat" for a length limit and then give no model under the extra conditions of making it
        small and printable), the report of the search that found the conclusion, as it is."""
        nonlinear = first_arith_check(self.m.old) is not None or first_arith_check(self.m.new) is not None
        seconds = NONLINEAR_MINIMIZE_SECONDS if nonlinear else MINIMIZE_SECONDS
        model = self.smallest([conclusion.formula], seconds) or self.found_model
        assert model is not None  # counterexample() is only called after a search that found ``conclusion``
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
            if not isinstance(expr, ir.Compare) or expr.op != "==" or ir.is_text(self.m.new, expr.left):
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
                    pairs.append((var, chosen.get(key, zero_of(var))))
                else:
                    pairs.append((var, enc.replacement(key)[0]))
            difference = z3.substitute(difference, *pairs) if pairs else difference
            var = enc.new.var(unknown)
            coefficient = z3.simplify(
                z3.substitute(difference, (var, one_of(var))) - z3.substitute(difference, (var, zero_of(var)))
            )
            if not z3.is_int_value(coefficient) or abs(coefficient.as_long()) != 1:
                continue
            rest = z3.substitute(difference, (var, zero_of(var)))
            chosen[unknown] = z3.simplify(-rest if coefficient.as_long() == 1 else rest)
        keys = list(dict.fromkeys(k for c in conclusions for k in c.unknown))
        entry = [(enc.fresh[k], chosen.get(k, zero_of(enc.fresh[k]))) for k in keys]
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
    if cell_type.floored and value < 0:
        return False
    if cell_type.kind in ("count", "integer"):
        return value == value.to_integral_value()
    if cell_type.kind == "amount":
        decimals = cell_type.decimals if cell_type.decimals is not None else 2
        return value == value.quantize(Decimal(1).scaleb(-decimals))
    return True


__all__ = [
    "UNDECIDED",
    "Conclusion",
    "Counterexample",
    "Encoding",
    "Proof",
    "breaking_checks",
    "components",
    "kleene",
    "prove",
    "refs",
    "report_json",
    "shift",
]
