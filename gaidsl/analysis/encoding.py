"""Check expressions as z3 formulas: the one translation spec analysis, samplers and strategies share.

Every check instance (one per broadcast position) becomes a formula. ``count`` cells and fields are ``Int ≥ 0``,
``integer`` ones ``Int``, ``amount`` ones ``Real ≥ 0`` (or, with ``exact_decimals``, a whole number of units in their
last decimal place, which is what a sampler writes). ``previous.x`` is a separate variable of the previous period
with the same type. Text fields and text cells are z3 strings (text ``==`` is string equality, a ``choice`` field
one of its choices). ``empty``, ``mentions`` and ``length`` of a text block are, with ``text_atoms`` (what analysis
and samplers use), free variables tied by the few facts that relate them (:meth:`Encoder.atom`); without it, z3's
string theory (``contains``, "only whitespace", string length), exact but slow.

Comparisons follow the reference evaluator's tolerance rule (``d = left − right``; ``==`` is ``|d| ≤ t``, ``<`` is
``d < −t`` …) with the check's explicit ``tolerance``; the implicit reported-precision allowance is taken as 0 by
default (exact arithmetic can only make fewer reports valid, never more) and computed from the written decimals as
the evaluator does when ``exact_decimals`` is on.

:class:`Problem` puts all instances in one incremental solver, each behind two assumption literals ("holds",
"fails"), so any question "can these hold while those fail?" is one ``check`` call. :func:`let_go` drops
assumptions named by unsat cores until the rest hold (the samplers' wishes, analysis rays).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, assert_never

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.checking.evaluate import text_condition_holds
from gaidsl.language import ir

VarKey = tuple[str, str, bool]  # ("cell" | "field" | "text", key, previous)
Z3 = Any  # z3 terms are untyped

WHITESPACE = (" ", "\t", "\n", "\r", "\u3000", "\xa0", "\f", "\v")
# A z3 query that runs past this gives up and its question is reported undecided (never guessed). A wall-clock
# limit. z3's step limit (``rlimit``) was tried instead and dropped: it did not stop the non-linear optimiser's
# search in analysis (arithmetic between cells), and it cut short sampling searches that succeed in about a second.
DEFAULT_TIMEOUT_MS = 10_000


def bounded(solver: Z3, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Z3:
    """``solver`` (a z3 Solver or Optimize) with its time bounded: the one place the limit is set."""
    solver.set("timeout", timeout_ms)
    return solver


def var_ref(key: VarKey) -> str:
    """How a variable is written in a spec: ``requests.received.natural``, ``previous.year``."""
    return ("previous." if key[2] else "") + key[1]


def to_fraction(value: Decimal | Fraction | int) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def z3_number(value: Decimal | Fraction | int) -> Z3:
    frac = to_fraction(value)
    if frac.denominator == 1:
        return z3.IntVal(frac.numerator)
    return z3.RealVal(f"{frac.numerator}/{frac.denominator}")


def from_z3(value: Z3) -> Fraction:
    """A z3 numeral (int or rational) as a Fraction."""
    if z3.is_int_value(value):
        return Fraction(value.as_long())
    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    if z3.is_algebraic_value(value):  # pragma: no cover - linear problems have rational models
        return Fraction(value.approx(20).as_fraction())
    raise ValueError(f"not a number: {value}")


class Encoder:
    """IR expressions as z3 terms, creating variables (and their type constraints) as they are met."""

    def __init__(
        self,
        spec: ir.Spec,
        *,
        exact_decimals: bool = False,
        default_decimals: int = 2,
        text_atoms: bool = False,
        pinned: Mapping[VarKey, str] | None = None,
    ) -> None:
        self.spec = spec
        self.pinned = dict(pinned or {})  # texts every sample keeps (a record shape's fields): constants here
        self.exact = exact_decimals
        self.text_atoms = text_atoms
        self.atoms: dict[tuple[VarKey, str, tuple[str, ...]], Z3] = {}
        self.default_decimals = default_decimals
        self.vars: dict[VarKey, Z3] = {}
        self.background: list[Z3] = []
        self.directions: dict[VarKey, Z3] = {}
        self.ray_background: list[Z3] = []
        self._whitespace = z3.Star(z3.Union(*[z3.Re(c) for c in WHITESPACE]))

    def type_of(self, key: VarKey) -> ir.CellType | None:
        kind, name, _ = key
        if kind == "cell":
            return self.spec.cells[name].type
        if kind == "field":
            return self.spec.fields[name].type
        return None

    def decimals(self, key: VarKey) -> int:
        cell_type = self.type_of(key)
        if cell_type is None or cell_type.kind != "amount":
            return 0
        return cell_type.decimals if cell_type.decimals is not None else self.default_decimals

    def numeric(self, key: VarKey) -> bool:
        cell_type = self.type_of(key)
        return cell_type is not None and cell_type.numeric

    def var(self, key: VarKey) -> Z3:
        pinned = self.pinned.get(key)
        if pinned is not None:
            return z3.StringVal(pinned)
        found = self.vars.get(key)
        if found is not None:
            return found
        name = f"{key[0]}:{var_ref(key)}"
        cell_type = self.type_of(key)
        term: Z3
        if cell_type is None or not cell_type.numeric:
            term = z3.String(name)
            if cell_type is not None and cell_type.kind == "choice" and cell_type.choices:
                self.background.append(z3.Or(*[term == z3.StringVal(c) for c in cell_type.choices]))
        elif cell_type.kind == "amount":
            if self.exact:
                units = z3.Int(name + "#units")
                if cell_type.floored:
                    self.background.append(units >= 0)
                term = z3.ToReal(units) / (10 ** self.decimals(key))
            else:
                term = z3.Real(name)
                if cell_type.floored:
                    self.background.append(term >= 0)
        else:
            term = z3.Int(name)
            if cell_type.floored:
                self.background.append(term >= 0)
        self.vars[key] = term
        return term

    def atom(self, ref: ir.TextOperand, kind: str, words: tuple[str, ...] = ()) -> Z3:
        """With ``text_atoms``: a free variable standing for ``empty(t)``, ``mentions(t, words…)`` (Bool) or
        ``length(t)`` (Int ≥ 0) instead of z3's string theory, which makes every query slow once a ``length`` or
        ``mentions`` is in the solver and can stall on long fixed texts. What ties atoms of one text together is
        stated: an empty text mentions no (non-blank) word; a text of length 0 is empty; a text mentioning a word
        is at least that long; mentioning "信息处理费" means mentioning "处理费". The samplers write texts matching
        the atoms' values."""
        key = self.key_of(ref)
        found = self.atoms.get((key, kind, words))
        if found is not None:
            return found
        name = f"{kind}:{var_ref(key)}:{'|'.join(words)}"
        found = z3.Int(name) if kind == "length" else z3.Bool(name)
        self.atoms[(key, kind, words)] = found
        if kind == "length":
            self.background.append(found >= 0)
        mine = {(k, w): a for (other, k, w), a in self.atoms.items() if other == key}
        for (other_kind, other_words), other in mine.items():
            self.background.extend(_atom_axioms(kind, words, found, other_kind, other_words, other))
            if other is not found:
                self.background.extend(_atom_axioms(other_kind, other_words, other, kind, words, found))
        return found

    @staticmethod
    def key_of(ref: ir.CellRef | ir.FieldRef | ir.TextRef) -> VarKey:
        match ref:
            case ir.CellRef(cell=key, previous=previous):
                return ("cell", key, previous)
            case ir.FieldRef(field=key, previous=previous):
                return ("field", key, previous)
            case ir.TextRef(block=key, previous=previous):
                return ("text", key, previous)
            case _:
                assert_never(ref)

    def num(self, expr: ir.Expr) -> Z3:
        match expr:
            case ir.Const(value=value):
                return z3_number(value)
            case ir.CellRef() | ir.FieldRef():
                return self.var(self.key_of(expr))
            case ir.Sum(terms=terms):
                if not terms:
                    return z3.IntVal(0)
                return z3.Sum([self.num(term) if sign > 0 else -self.num(term) for sign, term in terms])
            case ir.Scale(factor=factor, arg=arg):
                return z3_number(factor) * self.num(arg)
            case ir.Length(arg=ref) if self._pinned(ref) is not None:
                return z3.IntVal(len(self._pinned(ref) or ""))
            case ir.Length(arg=ref):
                if self.text_atoms and isinstance(ref, ir.TextRef | ir.FieldRef):
                    return self.atom(ref, "length")
                return z3.Length(self.text(ref))
            case ir.Arith():
                return self.arith(expr)
            case _:
                ir.not_a_number(expr)

    # ---- arithmetic between cells (docs/arithmetic.md): non-linear; the solver's timeout bounds the search, and an
    # undecided answer is reported as such. A quotient by zero is left free (z3's x/0), as the evaluator leaves the
    # check unverifiable: no valid report is ruled out by it.
    def arith(self, expr: ir.Arith) -> Z3:
        args = [_real(self.num(arg)) for arg in expr.args]
        match expr.op:
            case "*":
                return args[0] * args[1]
            case "/":
                return args[0] / args[1]
            case "abs":
                return z3.If(args[0] >= 0, args[0], -args[0])
            case "min" | "max":
                found = args[0]
                for arg in args[1:]:
                    found = z3.If(arg < found if expr.op == "min" else arg > found, arg, found)
                return found
            case "round":
                scale = z3.RealVal(10**expr.places)
                scaled = args[0] * scale
                half = z3.RealVal(Fraction(1, 2))
                if expr.rounding == "half_up":  # half away from zero
                    whole = z3.If(scaled >= 0, z3.ToInt(scaled + half), -z3.ToInt(-scaled + half))
                else:
                    floor = z3.ToInt(scaled)
                    rest = scaled - z3.ToReal(floor)
                    tie = z3.If(floor % 2 == 0, floor, floor + 1)
                    whole = z3.If(rest > half, floor + 1, z3.If(rest < half, floor, tie))
                return z3.ToReal(whole) / scale
            case _:
                assert_never(expr.op)

    def present(self, expr: ir.Expr) -> Z3 | None:
        """When the check position ``expr`` exists at all (``None``: always). A subclass reading lists of records says
        when a ``min``/``max`` keeps no record (the position is then dropped, neither passing nor failing)."""
        return None

    def defined(self, expr: ir.Expr) -> Z3 | None:
        """Every divisor of ``expr`` is not zero (the evaluator then knows its value); ``None`` without a quotient."""
        divisors = [
            _real(self.num(node.args[1])) != 0
            for node in ir.walk(expr)
            if isinstance(node, ir.Arith) and node.op == "/"
        ]
        return z3.And(*divisors) if divisors else None

    def verdicts(self, expr: ir.Expr, tolerance: Decimal | None) -> tuple[Z3, Z3]:
        """(passes, fails) of a condition reading a quotient, three-valued as the evaluator is (Kleene): a comparison
        whose divisor is zero is unknown, neither; ``if costs > 0 then share == fees / costs`` passes at costs 0."""
        match expr:
            case ir.Compare() | ir.Mentions() | ir.Empty() | ir.TextTest():
                known = self.defined(expr)
                formula = self.cond(expr, tolerance)
                if known is None:
                    return formula, z3.Not(formula)
                return z3.And(formula, known), z3.And(z3.Not(formula), known)
            case ir.And(args=args) | ir.Or(args=args):
                pairs = [self.verdicts(a, tolerance) for a in args]
                passes, fails = [p for p, _ in pairs], [f for _, f in pairs]
                if isinstance(expr, ir.And):
                    return z3.And(*passes), z3.Or(*fails)
                return z3.Or(*passes), z3.And(*fails)
            case ir.Not(arg=arg):
                passes, fails = self.verdicts(arg, tolerance)
                return fails, passes
            case ir.Implies(condition=condition, then=then):
                c_passes, c_fails = self.verdicts(condition, tolerance)
                t_passes, t_fails = self.verdicts(then, tolerance)
                return z3.Or(c_fails, t_passes), z3.And(c_passes, t_fails)
            case _:
                ir.not_a_condition(expr)

    def _pinned(self, ref: ir.TextOperand) -> str | None:
        return self.pinned.get(self.key_of(ref)) if self.pinned else None

    def text(self, expr: ir.Expr) -> Z3:
        match expr:
            case ir.TextConst(value=value):
                return z3.StringVal(value)
            case ir.TextRef() | ir.FieldRef() | ir.CellRef():
                return self.var(self.key_of(expr))
            case _:
                ir.not_a_text(expr)

    def slack(self, expr: ir.Expr) -> Fraction:
        """The evaluator's reported-precision allowance when amounts are written with their cell's decimals."""
        if not self.exact:
            return Fraction(0)
        match expr:
            case ir.Sum(terms=terms):
                return sum((self.slack(term) for _, term in terms), Fraction(0))
            case ir.Scale(factor=factor, arg=arg):
                return abs(to_fraction(factor)) * self.slack(arg)
            case ir.CellRef() | ir.FieldRef():
                key = self.key_of(expr)
                cell_type = self.type_of(key)
                if cell_type is not None and cell_type.kind == "amount":
                    return Fraction(1, 2 * 10 ** self.decimals(key))
                return Fraction(0)
            case ir.Const() | ir.Length() | ir.Arith():
                return Fraction(0)  # as the evaluator: arithmetic between cells reads its operands exactly
            case _:
                ir.not_a_number(expr)

    def cond(self, expr: ir.Expr, tolerance: Decimal | None) -> Z3:
        match expr:
            case ir.Compare(op=op, left=left, right=right):
                if ir.is_text(self.spec, left) or ir.is_text(self.spec, right):
                    same = self.text(left) == self.text(right)
                    return same if op == "==" else z3.Not(same)
                diff = self.num(left) - self.num(right)
                tol = self.slack(left) + self.slack(right) if tolerance is None else to_fraction(tolerance)
                t = z3_number(tol)
                return {
                    "==": lambda: z3.And(diff <= t, diff >= -t) if tol else diff == 0,
                    "!=": lambda: z3.Or(diff > t, diff < -t) if tol else diff != 0,
                    "<=": lambda: diff <= t,
                    ">=": lambda: diff >= -t,
                    "<": lambda: diff < -t,
                    ">": lambda: diff > t,
                }[op]()
            case ir.And(args=args):
                return z3.And(*[self.cond(a, tolerance) for a in args])
            case ir.Or(args=args):
                return z3.Or(*[self.cond(a, tolerance) for a in args])
            case ir.Not(arg=arg):
                return z3.Not(self.cond(arg, tolerance))
            case ir.Implies(condition=condition, then=then):
                return z3.Implies(self.cond(condition, tolerance), self.cond(then, tolerance))
            case ir.Mentions() | ir.Empty() | ir.TextTest() if self._pinned(expr.arg) is not None:
                return z3.BoolVal(text_condition_holds(expr, self._pinned(expr.arg) or ""))
            # a text cell may also be compared as a string (==, !=): it stays a string, its functions tied to it
            case ir.Mentions(arg=ir.TextRef() | ir.FieldRef() as ref, words=words) if self.text_atoms:
                return self.atom(ref, "mentions", words)
            case ir.Empty(arg=ir.TextRef() | ir.FieldRef() as ref) if self.text_atoms:
                return self.atom(ref, "empty")
            # field formats (issue 16): a start or an end in z3's strings; a pattern or format is an atom of its own
            case ir.TextTest(kind="starts_with", arg=ref, value=value) if not self.text_atoms:
                return z3.PrefixOf(z3.StringVal(value), self.text(ref))
            case ir.TextTest(kind="ends_with", arg=ref, value=value) if not self.text_atoms:
                return z3.SuffixOf(z3.StringVal(value), self.text(ref))
            case ir.TextTest(kind=kind, arg=ref, value=value):
                return self.atom(ref, f"test:{kind}", (value,))
            case ir.Mentions(arg=ref, words=words):
                content = self.text(ref)
                return z3.Or(*[z3.Contains(content, z3.StringVal(w)) for w in words])
            case ir.Empty(arg=ref):
                return z3.InRe(self.text(ref), self._whitespace)
            case _:
                ir.not_a_condition(expr)

    # ---- rays: does the set of valid reports run off to infinity in some direction?
    def direction(self, key: VarKey) -> Z3:
        """The component of a ray direction along variable ``key`` (same sort, sign-limited like the variable)."""
        found = self.directions.get(key)
        if found is not None:
            return found
        self.var(key)
        cell_type = self.type_of(key)
        assert cell_type is not None
        name = f"dir:{key[0]}:{var_ref(key)}"
        term = z3.Real(name) if cell_type.kind == "amount" else z3.Int(name)
        if cell_type.floored:
            self.ray_background.append(term >= 0)
        self.directions[key] = term
        return term

    def num_direction(self, expr: ir.Expr) -> Z3:
        """The linear part of a number expression applied to the direction (constants and text lengths: 0)."""
        match expr:
            case ir.Const() | ir.Length():
                return z3.IntVal(0)
            case ir.CellRef() | ir.FieldRef():
                return self.direction(self.key_of(expr))
            case ir.Sum(terms=terms):
                if not terms:
                    return z3.IntVal(0)
                return z3.Sum([self.num_direction(t) if s > 0 else -self.num_direction(t) for s, t in terms])
            case ir.Scale(factor=factor, arg=arg):
                return z3_number(factor) * self.num_direction(arg)
            case ir.Arith():  # constant along the ray: ``ray`` holds the cells it reads still (``_still``)
                return z3.IntVal(0)
            case _:
                ir.not_a_number(expr)

    def _still(self, *exprs: ir.Expr) -> list[Z3]:
        """The direction is zero along every cell read by arithmetic between cells in ``exprs``, so that such terms
        keep their value along the ray (the ray stays linear, and sound)."""
        keys = {
            self.key_of(node)
            for expr in exprs
            for top in ir.walk(expr)
            if isinstance(top, ir.Arith)
            for node in ir.walk(top)
            if isinstance(node, ir.CellRef | ir.FieldRef)
        }
        return [self.direction(key) == 0 for key in sorted(keys, key=var_ref)]

    def ray(self, expr: ir.Expr, tolerance: Decimal | None, positive: bool = True) -> Z3:
        """A condition on a point x and a direction d implying ``expr`` (or its negation) at x + t·d for all t ≥ 0."""
        match expr:
            case ir.Compare(left=left, right=right):
                if ir.is_text(self.spec, left) or ir.is_text(self.spec, right):
                    return self.cond(expr, tolerance) if positive else z3.Not(self.cond(expr, tolerance))
                op = expr.op if positive else _NEGATED[expr.op]
                at_x = z3.And(self.cond(ir.Compare(op, left, right), tolerance), *self._still(left, right))
                along = self.num_direction(left) - self.num_direction(right)
                if op == "==":
                    return z3.And(at_x, along == 0)
                if op == "!=":
                    above = self.cond(ir.Compare(">", left, right), tolerance)
                    below = self.cond(ir.Compare("<", left, right), tolerance)
                    still = self._still(left, right)
                    return z3.And(z3.Or(z3.And(above, along >= 0), z3.And(below, along <= 0)), *still)
                return z3.And(at_x, along <= 0 if op in ("<", "<=") else along >= 0)
            case ir.And(args=args) | ir.Or(args=args):
                parts = [self.ray(a, tolerance, positive) for a in args]
                return z3.And(*parts) if isinstance(expr, ir.And) == positive else z3.Or(*parts)
            case ir.Not(arg=arg):
                return self.ray(arg, tolerance, not positive)
            case ir.Implies(condition=condition, then=then):
                return self.ray(ir.Or((ir.Not(condition), then)), tolerance, positive)
            case ir.Mentions() | ir.Empty() | ir.TextTest():  # no number moves along a direction: texts hold or not
                return self.cond(expr, tolerance) if positive else z3.Not(self.cond(expr, tolerance))
            case _:
                ir.not_a_condition(expr)


def _real(term: Z3) -> Z3:
    """An integer term as a real one (z3's ``/`` of integers would divide integrally)."""
    return z3.ToReal(term) if z3.is_int(term) else term


def _atom_axioms(
    kind: str, words: tuple[str, ...], atom: Z3, other_kind: str, other_words: tuple[str, ...], other: Z3
) -> list[Z3]:
    """What ``atom`` (of one text) implies about ``other`` (of the same text)."""
    if kind == "mentions" and other_kind == "empty" and all(w.strip() for w in words):
        return [z3.Implies(atom, z3.Not(other))]
    if kind == "length" and other_kind == "empty":
        return [z3.Implies(atom == 0, other)]
    if kind == "mentions" and other_kind == "length" and words:
        return [z3.Implies(atom, other >= min(len(w) for w in words))]
    implied = bool(words) and all(any(o in w for o in other_words) for w in words)
    if kind == "mentions" and other_kind == "mentions" and words != other_words and implied:
        return [z3.Implies(atom, other)]
    return []


_NEGATED: dict[ir.CompareOp, ir.CompareOp] = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


# ---------------------------------------------------------------------------------------------------- solving


@attrs.frozen(eq=False)
class Item:
    """One check instance in the solver: ``holds`` and ``fails`` are assumption literals switching it on or negated."""

    index: int
    check: ir.Check
    position: int
    instance: ir.CheckInstance
    formula: Z3  # the instance passes
    holds: Z3
    fails: Z3
    failing: Z3 | None = None  # the instance fails (not merely "does not pass"); None: ``Not(formula)``

    @property
    def fails_formula(self) -> Z3:
        return z3.Not(self.formula) if self.failing is None else self.failing

    @property
    def name(self) -> str:
        position = self.instance.position
        return self.check.key if position is None else f"{self.check.key}[{position}]"


class Problem:
    """All check instances of a spec in one incremental solver, each behind assumption literals."""

    def __init__(
        self,
        spec: ir.Spec,
        *,
        exact_decimals: bool = False,
        default_decimals: int = 2,
        text_atoms: bool = False,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        seed: int = 0,
        encoder: Encoder | None = None,
        pinned: Mapping[VarKey, str] | None = None,
    ) -> None:
        self.spec = spec
        self.encoder = encoder or Encoder(
            spec,
            exact_decimals=exact_decimals,
            default_decimals=default_decimals,
            text_atoms=text_atoms,
            pinned=pinned,
        )
        self.solver = bounded(z3.Solver(), timeout_ms=timeout_ms)
        if seed:
            self.solver.set("random_seed", seed)
        self.items: list[Item] = []
        self.by_check: dict[str, list[Item]] = {}
        for check in spec.checks:
            for position, instance in enumerate(check.instances):
                formula = self.encoder.cond(instance.expr, check.tolerance)
                failing: Z3 | None = None
                if self.encoder.defined(instance.expr) is not None:  # a quotient by zero: unknown, neither
                    formula, failing = self.encoder.verdicts(instance.expr, check.tolerance)
                present = self.encoder.present(instance.expr)
                if present is not None:  # a position that may not exist: absent, it holds and does not fail
                    failing = z3.And(present, z3.Not(formula) if failing is None else failing)
                    formula = z3.Or(z3.Not(present), formula)
                n = len(self.items)
                holds, fails = z3.Bool(f"holds!{n}"), z3.Bool(f"fails!{n}")
                item = Item(n, check, position, instance, formula, holds, fails, failing)
                self.items.append(item)
                self.by_check.setdefault(check.key, []).append(item)
                self.solver.add(z3.Implies(item.holds, formula), z3.Implies(item.fails, item.fails_formula))
        self.solver.add(*self.encoder.background)
        self._literal: dict[int, Item] = {}
        for item in self.items:
            self._literal[item.holds.get_id()] = item
            self._literal[item.fails.get_id()] = item
        self._any_fails: dict[str, Z3] = {}
        self.calls = 0

    def of(self, checks: Iterable[ir.Check]) -> list[Item]:
        return [item for check in checks for item in self.by_check.get(check.key, [])]

    def any_fails(self, check: ir.Check) -> Z3:
        """A literal meaning "at least one position of ``check`` fails"."""
        if check.key not in self._any_fails:
            literal = z3.Bool(f"anyfails!{check.key}")
            self.solver.add(z3.Implies(literal, z3.Or(*[i.fails_formula for i in self.by_check[check.key]])))
            self._any_fails[check.key] = literal
        return self._any_fails[check.key]

    def solve(self, holds: Iterable[Item], fails: Iterable[Item] = (), extra: Sequence[Z3] = ()) -> str:
        """``"sat"``, ``"unsat"`` or ``"unknown"`` for: every ``holds`` item true, every ``fails`` item false."""
        self.calls += 1
        assumptions = [i.holds for i in holds] + [i.fails for i in fails] + list(extra)
        return str(self.solver.check(*assumptions))

    def core(self) -> list[Item]:
        """The items (held or negated) in the last unsat answer's core, in spec order."""
        found = {self._literal[lit.get_id()].index for lit in self.solver.unsat_core() if lit.get_id() in self._literal}
        return [self.items[i] for i in sorted(found)]

    def model(self) -> Z3:
        return self.solver.model()


def let_go(solver: Z3, assumptions: dict[int, Z3], first: Callable[[list[int]], list[int]]) -> tuple[str, list[int]]:
    """Check ``solver`` under ``assumptions`` (literal id → literal), letting go of those ``first`` picks from each
    unsat core until the rest hold. Returns z3's last answer ("unsat" only for an empty core: nothing left to let
    go) and the ids let go, in order."""
    dropped: list[int] = []
    while True:
        answer = str(solver.check(*assumptions.values()))
        if answer != "unsat":
            return answer, dropped
        core = [lit.get_id() for lit in solver.unsat_core() if lit.get_id() in assumptions]
        if not core:
            return answer, dropped
        for literal_id in first(core):
            assumptions.pop(literal_id)
            dropped.append(literal_id)
