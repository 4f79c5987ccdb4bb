"""The three-valued encoding a migration proof reasons with (see :mod:`gaidsl.migrations.proof`): the old report's
values with
their "known" flags, the old checks as premises, the new checks over the migrated values as conclusions.

Atoms are :class:`gaidsl.analysis.encoding.Encoder`'s translation (the one spec analysis and the samplers use); this
module
adds Kleene's logic over them and the migration's terms for the new report's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, assert_never

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import Z3, Encoder, VarKey, var_ref, z3_number
from gaidsl.language import ir
from gaidsl.migrations.migration import Migration, Target
from gaidsl.migrations.type_verdicts import type_change


def shift(expr: ir.Expr) -> ir.Expr:
    """The same expression read on last year's report (every reference made ``previous``)."""
    match expr:
        case ir.CellRef() | ir.FieldRef() | ir.TextRef():
            return attrs.evolve(expr, previous=True)
        case ir.Sum(terms=terms):
            return ir.Sum(tuple((sign, _num(shift(term))) for sign, term in terms))
        case ir.Scale(factor=factor, arg=arg):
            return ir.Scale(factor, _num(shift(arg)))
        case ir.Arith(args=args):
            return attrs.evolve(expr, args=tuple(_num(shift(a)) for a in args))
        case ir.Length(arg=ref) | ir.Mentions(arg=ref) | ir.Empty(arg=ref) | ir.TextTest(arg=ref):
            return attrs.evolve(expr, arg=attrs.evolve(ref, previous=True))
        case ir.Compare(op=op, left=left, right=right):
            return ir.Compare(op, shift(left), shift(right))
        case ir.And(args=args):
            return ir.And(tuple(_bool(shift(a)) for a in args))
        case ir.Or(args=args):
            return ir.Or(tuple(_bool(shift(a)) for a in args))
        case ir.Not(arg=arg):
            return ir.Not(_bool(shift(arg)))
        case ir.Implies(condition=condition, then=then):
            return ir.Implies(_bool(shift(condition)), _bool(shift(then)))
        case ir.Const() | ir.TextConst():
            return expr
        case _:
            assert_never(expr)


def _num(expr: ir.Expr) -> ir.NumExpr:
    assert isinstance(expr, ir.Const | ir.CellRef | ir.FieldRef | ir.Sum | ir.Scale | ir.Length | ir.Arith)
    return expr


def _bool(expr: ir.Expr) -> ir.BoolExpr:
    assert isinstance(expr, ir.Compare | ir.And | ir.Or | ir.Not | ir.Implies | ir.Mentions | ir.Empty | ir.TextTest)
    return expr


def refs(expr: ir.Expr) -> list[VarKey]:
    seen: dict[VarKey, None] = {}
    for node in ir.walk(expr):
        if isinstance(node, ir.CellRef | ir.FieldRef | ir.TextRef):
            seen.setdefault(Encoder.key_of(node), None)
    return list(seen)


def kleene(expr: ir.Expr, atom: Any) -> tuple[Z3, Z3]:
    """(definitely true, definitely false) of a condition; ``atom(e)`` gives (known, formula) of an atom."""
    match expr:
        case ir.And(args=args):
            parts = [kleene(a, atom) for a in args]
            return z3.And(*[t for t, _ in parts]), z3.Or(*[f for _, f in parts])
        case ir.Or(args=args):
            parts = [kleene(a, atom) for a in args]
            return z3.Or(*[t for t, _ in parts]), z3.And(*[f for _, f in parts])
        case ir.Not(arg=arg):
            true, false = kleene(arg, atom)
            return false, true
        case ir.Implies(condition=condition, then=then):
            c_true, c_false = kleene(condition, atom)
            t_true, t_false = kleene(then, atom)
            return z3.Or(c_false, t_true), z3.And(c_true, t_false)
        case ir.Compare() | ir.Mentions() | ir.Empty() | ir.TextTest():
            known, formula = atom(expr)
            return z3.And(known, formula), z3.And(known, z3.Not(formula))
        case _:
            ir.not_a_condition(expr)


@attrs.frozen(eq=False)
class Conclusion:
    """Something a migrated report must not do: fail a check position, or hold a value its type does not allow."""

    kind: str  # "check" | "type"
    formula: Z3
    check: ir.Check | None = None
    instance: ir.CheckInstance | None = None
    cell: str | None = None
    unknown: tuple[VarKey, ...] = ()  # the unknown cells it reads


class Encoding:
    def __init__(self, migration: Migration) -> None:
        self.m = migration
        self.old = Encoder(migration.old, exact_decimals=True)
        self.new = Encoder(migration.new, exact_decimals=True)
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
            divisors = self.old.defined(expr)  # a quotient by zero is unknown (docs/arithmetic.md)
            known = z3.And(*[self.known_old(k) for k in refs(expr)], *([divisors] if divisors is not None else []))
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
                floor = cell_type is not None and cell_type.floored
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
            divisors = self.new.defined(expr)  # a quotient by zero is unknown (docs/arithmetic.md)
            if divisors is not None:
                links.append(z3.substitute(divisors, *pairs) if pairs else divisors)
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
            if new_type.floored:
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
            terms.append(z3.If(whole >= 0, whole, -whole) if kind is not None and not kind.floored else whole)
        return z3.Sum(*terms) if terms else z3.IntVal(0)


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


def zero_of(var: Z3) -> Z3:
    return z3.IntVal(0) if var.is_int() else z3.RealVal(0)


def one_of(var: Z3) -> Z3:
    return z3.IntVal(1) if var.is_int() else z3.RealVal(1)


__all__ = ["Conclusion", "Encoding", "components", "kleene", "one_of", "refs", "shift", "zero_of"]
