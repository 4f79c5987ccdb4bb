"""The sampler behind :mod:`gaidsl.sample`: a spec's linear structure worked out once, and drawing from it.

See :mod:`gaidsl.sample` for what the samples are; this module holds the machinery: equality rows, exact sparse
elimination into dependent and free variables, realistic draws, repair of bounds, residual checks through the
reference evaluator and the z3 fallback.
"""

from __future__ import annotations

import math
import random
import re
import weakref
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl import ir
from gaidsl.encoding import Encoder, Problem, VarKey, from_z3
from gaidsl.report import Report

FULL_DECIMALS = 99  # a draft's ``decimals`` meaning: write every amount with all its cell's decimals
MAX_SAMPLE_DECIMALS = 3  # amounts are drawn with 0–3 decimals (fewer when the cell allows fewer)
LOCAL_REDRAWS = 12
FULL_REDRAWS = 6
REPAIR_STEPS = 40
SOLVER_TIMEOUT_MS = 20_000

BODIES = (
    "北京市海淀区人民政府",
    "上海市浦东新区人民政府办公室",
    "江苏省宿迁市沭阳县发展和改革局",
    "江苏省淮安市人民政府",
    "浙江省杭州市西湖区教育局",
    "广东省深圳市南山区住房和建设局",
    "四川省成都市武侯区人民政府",
    "湖北省武汉市江汉区市场监督管理局",
    "山东省青岛市黄岛区自然资源局",
    "河南省郑州市金水区人民政府",
)
STREETS = ("人民路", "建设路", "解放大道", "中山路", "文化路", "府前街")
FILLERS = (
    "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开工作。",
    "全年主动公开政府信息，依法办理政府信息公开申请，未发生因信息公开引发的重大舆情。",
    "进一步完善政府信息公开平台建设，加强政府信息管理和监督保障。",
    "存在的主要问题是公开内容的针对性和时效性仍需提高，下一步将加强培训和考核。",
    "本年度工作总体平稳有序。",
)


class SampleError(Exception):
    """No valid report exists (the checks contradict each other), or the solver gave up."""


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
class Violation:
    """What :func:`invalid_reports` found for one check: a sample, or that the check is redundant."""

    check: str
    sample: Sample | None
    redundant: bool = False
    single_position: bool = True  # the sample fails at one position (else at a minimal set of positions)
    note: str = ""
    exact: bool = True  # the reference evaluator confirms: this check fails, no other check does


# ---------------------------------------------------------------------------------------------------- linear forms


def _conjuncts(expr: ir.BoolExpr) -> list[ir.BoolExpr]:
    if isinstance(expr, ir.And):
        return [part for arg in expr.args for part in _conjuncts(arg)]
    return [expr]


def _linear(expr: ir.Expr, index: Mapping[VarKey, int]) -> tuple[dict[int, Fraction], Fraction] | None:
    """``expr`` as Σ coefficient·variable + constant, or None when it is not linear in numeric variables."""
    coefficients: dict[int, Fraction] = {}
    constant = Fraction(0)

    def walk(node: ir.Expr, factor: Fraction) -> bool:
        nonlocal constant
        if isinstance(node, ir.Const):
            constant += factor * Fraction(node.value)
            return True
        if isinstance(node, ir.CellRef | ir.FieldRef):
            key = Encoder.key_of(node)
            if key not in index:
                return False
            slot = index[key]
            coefficients[slot] = coefficients.get(slot, Fraction(0)) + factor
            return True
        if isinstance(node, ir.Sum):
            return all(walk(term, factor * sign) for sign, term in node.terms)
        if isinstance(node, ir.Scale):
            return walk(node.arg, factor * Fraction(node.factor))
        return False

    if not walk(expr, Fraction(1)):
        return None
    return {k: v for k, v in coefficients.items() if v}, constant


@attrs.frozen
class _Pivot:
    slot: int
    constant: int  # value·divisor = constant + Σ coefficient·x[free]
    divisor: int
    terms: tuple[tuple[int, int], ...]


@attrs.frozen
class _Bound:
    """A linear condition over the free variables: constant + Σ coefficient·x[free] ≥ margin."""

    constant: int
    terms: tuple[tuple[int, int], ...]
    margin: int = 0


@attrs.frozen
class _Profile:
    """What one report is like: share of zeros, typical size, decimals of amounts, columns left all zero."""

    zero_rate: float
    scale: float
    large_rate: float
    decimals: int
    quiet: frozenset[str]
    negative_rate: float


@attrs.define
class Draft:
    """A full assignment: numbers in units of 10^-D (``Sampler.scale``), texts and text fields as strings."""

    x: list[int]
    texts: dict[VarKey, str]
    decimals: int
    reports: tuple[Report, Report | None] | None = None


class Sampler:
    """The linear structure of a spec's checks, worked out once; draws valid reports from it quickly."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        keys: list[VarKey] = [("cell", k, False) for k, c in spec.cells.items() if c.type.numeric]
        keys += [("field", k, False) for k, f in spec.fields.items() if f.type.numeric]
        text_keys: list[VarKey] = [("text", k, False) for k in spec.texts]
        text_keys += [("field", k, False) for k, f in spec.fields.items() if not f.type.numeric]
        self.mentions: dict[VarKey, list[tuple[str, ...]]] = {}
        for check in spec.checks:
            for instance in check.instances:
                for node in ir.walk(instance.expr):
                    if isinstance(node, ir.CellRef | ir.FieldRef | ir.TextRef):
                        key = Encoder.key_of(node)
                        numeric = not (isinstance(node, ir.TextRef) or ir.is_text(spec, node))
                        if numeric and key not in keys:
                            keys.append(key)
                        elif not numeric and key not in text_keys and key[0] != "cell":
                            text_keys.append(key)
                    if isinstance(node, ir.Mentions):
                        words = self.mentions.setdefault(Encoder.key_of(node.arg), [])
                        if node.words not in words:
                            words.append(node.words)
        self.keys = keys
        self.text_keys = text_keys
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
        self.floor = [None if t.kind == "integer" else 0 for t in self.types]
        self.group = [self._group(k) for k in keys]
        self.year_slot = self._year_slot()
        self.residual: list[tuple[ir.Check, ir.CheckInstance]] = []
        rows: list[tuple[dict[int, Fraction], Fraction]] = []
        for check in spec.checks:
            for instance in check.instances:
                parts = _conjuncts(instance.expr)
                linear = 0
                for part in parts:
                    if isinstance(part, ir.Compare) and part.op == "==" and not ir.is_text(spec, part.left):
                        left, right = _linear(part.left, self.index), _linear(part.right, self.index)
                        if left is not None and right is not None:
                            row = dict(left[0])
                            for slot, coefficient in right[0].items():
                                row[slot] = row.get(slot, Fraction(0)) - coefficient
                            rows.append(({k: v for k, v in row.items() if v}, left[1] - right[1]))
                            linear += 1
                if linear < len(parts):
                    self.residual.append((check, instance))
        self.rank = self._ranks()
        self.expressions: dict[int, tuple[dict[int, Fraction], Fraction]] = {}
        self.pivots = self._eliminate(rows)
        self.pivot_of = {p.slot: p for p in self.pivots}
        self.floored = [p for p in self.pivots if self.floor[p.slot] is not None]
        self._compute = self._compiler()
        self.inequalities = self._inequalities()
        self.pivot_slots = set(self.pivot_of)
        self.free = [i for i in range(len(keys)) if i not in self.pivot_slots]
        self.dependents: dict[int, list[_Pivot]] = {}
        for pivot in self.pivots:
            for slot, _ in pivot.terms:
                self.dependents.setdefault(slot, []).append(pivot)
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
                for part in _conjuncts(instance.expr):
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

    def _eliminate(self, rows: list[tuple[dict[int, Fraction], Fraction]]) -> list[_Pivot]:
        """Exact sparse elimination: each independent row defines one variable in terms of free ones."""
        pivots: dict[int, tuple[dict[int, Fraction], Fraction]] = {}
        users: dict[int, set[int]] = {}
        for coefficients, constant in rows:
            row: dict[int, Fraction] = {}
            offset = constant
            for slot, a in coefficients.items():
                if slot in pivots:
                    expression, k = pivots[slot]
                    offset += a * k
                    for other, b in expression.items():
                        row[other] = row.get(other, Fraction(0)) + a * b
                else:
                    row[slot] = row.get(slot, Fraction(0)) + a
            row = {k: v for k, v in row.items() if v}
            if not row:
                if offset != 0:
                    raise SampleError("the checks' equations contradict each other")
                continue
            pivot = min(row, key=lambda s: self.rank[s])
            a_p = row.pop(pivot)
            expression = {k: -v / a_p for k, v in row.items()}
            k_p = -offset / a_p
            for user in users.pop(pivot, set()):
                old, old_k = pivots[user]
                factor = old.pop(pivot)
                for other, b in expression.items():
                    value = old.get(other, Fraction(0)) + factor * b
                    if value:
                        old[other] = value
                    else:
                        old.pop(other, None)
                        users.get(other, set()).discard(user)
                    if value:
                        users.setdefault(other, set()).add(user)
                pivots[user] = (old, old_k + factor * k_p)
            pivots[pivot] = (expression, k_p)
            for other in expression:
                users.setdefault(other, set()).add(pivot)
        self.expressions = pivots
        result = []
        for slot, (expression, k) in pivots.items():
            scaled_k = k * self.scale
            divisor = math.lcm(scaled_k.denominator, *(v.denominator for v in expression.values()))
            terms = tuple((s, int(v * divisor)) for s, v in sorted(expression.items()))
            result.append(_Pivot(slot, int(scaled_k * divisor), divisor, terms))
        return result

    def _year_range(self) -> tuple[int, int]:
        """The years the checks allow (z3, once), narrowed to a plausible five."""
        if self.year_slot is None:
            return (0, 0)
        try:
            version = int(self.spec.version)
        except ValueError:
            version = 2021
        problem = self.problem()
        term = problem.encoder.var(self.keys[self.year_slot])
        bounds = []
        for minimize in (True, False):
            optimizer = z3.Optimize()
            optimizer.set("timeout", SOLVER_TIMEOUT_MS)
            optimizer.add(*problem.encoder.background, *[i.formula for i in problem.items])
            handle = optimizer.minimize(term) if minimize else optimizer.maximize(term)
            value = handle.value() if str(optimizer.check()) == "sat" else None
            bounds.append(None if value is None or "oo" in str(value) else int(from_z3(value)))
        low = bounds[0] if bounds[0] is not None else (bounds[1] - 4 if bounds[1] is not None else version)
        high = bounds[1] if bounds[1] is not None else max(low, version) + 4
        return (low, max(low, min(high, low + 4)))

    def problem(self) -> Problem:
        """The z3 encoding with amounts as whole numbers of their last decimal place (built on first use)."""
        if self._problem is None:
            self._problem = Problem(
                self.spec,
                exact_decimals=True,
                default_decimals=MAX_SAMPLE_DECIMALS,
                text_atoms=True,
                timeout_ms=SOLVER_TIMEOUT_MS,
            )
        return self._problem

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
        return (whole * unit + fraction) * (self.scale // unit)

    def _compiler(self) -> Any:
        """``compute`` as straight-line code (every dependent value from the free ones): several times faster than
        looping over the terms. The generated source holds only integers and list indexes."""
        lines = ["def compute(x):", "    ok = True"]
        for pivot in self.pivots:
            terms = " ".join(
                f"{'+' if c > 0 else '-'} {abs(c)} * x[{s}]" if abs(c) != 1 else f"{'+' if c > 0 else '-'} x[{s}]"
                for s, c in pivot.terms
            )
            lines.append(f"    t = {pivot.constant} {terms}")
            if pivot.divisor == 1:
                lines.append(f"    x[{pivot.slot}] = t")
            else:
                lines.append(f"    v, r = divmod(t, {pivot.divisor})")
                lines.append(f"    x[{pivot.slot}] = v")
                lines.append("    if r: ok = False")
            if self.step[pivot.slot] != 1:
                lines.append(f"    if x[{pivot.slot}] % {self.step[pivot.slot]}: ok = False")
        lines.append("    return ok")
        namespace: dict[str, Any] = {}
        exec(compile("\n".join(lines), "<gaidsl.sample dependents>", "exec"), namespace)
        return namespace["compute"]

    def compute(self, x: list[int]) -> bool:
        """Fill the dependent variables; False when one is not a whole number of its unit."""
        return bool(self._compute(x))

    def _inequalities(self) -> list[_Bound]:
        """Residual checks that are one linear inequality, as bounds the repair step can also restore."""
        found = []
        for check, instance in self.residual:
            expr = instance.expr
            if not (isinstance(expr, ir.Compare) and expr.op in ("<", "<=", ">", ">=")):
                continue
            if ir.is_text(self.spec, expr.left):
                continue
            left, right = _linear(expr.left, self.index), _linear(expr.right, self.index)
            if left is None or right is None:
                continue
            sign = 1 if expr.op in (">", ">=") else -1
            form: dict[int, Fraction] = {}
            constant = sign * (left[1] - right[1]) * self.scale
            for slot, a in [*left[0].items(), *((s, -b) for s, b in right[0].items())]:
                if slot in self.expressions:
                    expression, k = self.expressions[slot]
                    constant += sign * a * k * self.scale
                    for other, b in expression.items():
                        form[other] = form.get(other, Fraction(0)) + sign * a * b
                else:
                    form[slot] = form.get(slot, Fraction(0)) + sign * a
            divisor = math.lcm(constant.denominator, *(v.denominator for v in form.values()))
            margin = Fraction(0)
            if expr.op in ("<", ">"):  # one unit beyond the tolerance
                extra = Fraction(check.tolerance) * self.scale if check.tolerance is not None else Fraction(0)
                margin = 1 + extra
            terms = tuple((s, int(v * divisor)) for s, v in sorted(form.items()) if v)
            found.append(_Bound(int(constant * divisor), terms, math.ceil(margin * divisor)))
        return found

    @staticmethod
    def shortfall(bound: _Bound, x: list[int]) -> int:
        total = bound.constant
        for slot, coefficient in bound.terms:
            total += coefficient * x[slot]
        return bound.margin - total

    def repair(self, x: list[int], fixed: Mapping[int, int], rng: random.Random) -> bool:
        """Move free variables until every bound holds: dependent counts and amounts ≥ 0, and the residual checks
        that are single linear inequalities."""
        for _ in range(REPAIR_STEPS):
            if not self.compute(x):
                return False
            short = [(p.terms, -x[p.slot] * p.divisor) for p in self.floored if x[p.slot] < 0]
            short += [(b.terms, s) for b in self.inequalities if (s := self.shortfall(b, x)) > 0]
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
        return ok and all(self.shortfall(b, x) <= 0 for b in self.inequalities)

    # ---- texts
    def text_for(self, key: VarKey, rng: random.Random, year: int, body: str, include: float = 1.0) -> str:
        kind, name, _ = key
        if kind == "field":
            return self.field_text(name, rng, year, body)
        label = self.spec.texts[name].label or name
        parts = [rng.choice(FILLERS) for _ in range(rng.randint(1, 3))]
        for words in self.mentions.get(key, []):
            if rng.random() < include:
                parts.append(f"关于{rng.choice(words)}，本机关{year}年度的情况已如实说明。")
        rng.shuffle(parts)
        return f"{year}年度{label}：" + "".join(parts)

    def field_text(self, name: str, rng: random.Random, year: int, body: str) -> str:
        field = self.spec.fields[name]
        kind = field.type.kind
        if kind == "choice" and field.type.choices:
            return rng.choice(field.type.choices)
        if kind == "date":
            return f"{year + 1:04d}-0{rng.randint(1, 3)}-{rng.randint(1, 28):02d}"
        if name == "body":
            return body
        if name == "address":
            return f"{body[:3]}{rng.choice(STREETS)}{rng.randint(1, 300)}号"
        if name == "postcode":
            return f"{rng.randint(100000, 859999)}"
        if name == "phone":
            return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
        if name == "email":
            return f"gkb{rng.randint(1, 99)}@example.gov.cn"
        return f"{field.label}（示例）"

    def texts(self, rng: random.Random, x: list[int], include: float = 1.0) -> dict[VarKey, str]:
        year = self.year_of(x)
        body = rng.choice(BODIES)
        found: dict[VarKey, str] = {}
        for key in self.text_keys:
            found[key] = self.text_for(key, rng, year - 1 if key[2] else year, body, include)
        return found

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
            target["texts" if key[0] == "text" else "fields"][key[1]] = text
        fmt, version = self.spec.id, self.spec.version
        current = Report(fmt, version, **_ordered(self.spec, now))
        last = Report(fmt, version, **_ordered(self.spec, then)) if previous else None
        draft.reports = (current, last)
        return current, last

    def residual_failing(self, draft: Draft) -> list[int]:
        """The residual checks (not plain equalities) that fail, as indexes into ``self.residual``."""
        from gaidsl.evaluate import truth

        if not self.residual:
            return []
        report, previous = self.reports(draft, self.residual_reads_previous)
        return [
            n
            for n, (_, instance) in enumerate(self.residual)
            if truth(self.spec, instance.expr, report, previous) is False
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
                found = source.texts.get(key[1]) if key[0] == "text" else source.fields.get(key[1])
                if isinstance(found, str):
                    texts[key] = found
        return Draft(x, texts, FULL_DECIMALS)

    def solve_near(
        self, near: Draft, fixed: Mapping[int, int], fixed_texts: Mapping[VarKey, str], rng: random.Random
    ) -> Draft:
        """The z3 fallback: a valid assignment keeping as many of ``near``'s values as possible."""
        self.fallbacks += 1
        problem = self.problem()
        encoder = problem.encoder
        solver = z3.Solver()
        solver.set("timeout", SOLVER_TIMEOUT_MS)
        solver.set("random_seed", rng.randrange(2**31))
        solver.add(*encoder.background, *[i.formula for i in problem.items])
        for slot, value in fixed.items():
            solver.add(encoder.var(self.keys[slot]) == self.z3_value(slot, value))
        for key, text in fixed_texts.items():
            solver.add(*self.text_conditions(key, text))
        solver.add(*encoder.background)
        wishes: dict[int, Any] = {}
        for slot in range(len(self.keys)):
            if slot not in fixed:
                literal = z3.Bool(f"near!{slot}")
                solver.add(z3.Implies(literal, encoder.var(self.keys[slot]) == self.z3_value(slot, near.x[slot])))
                wishes[literal.get_id()] = literal
        numeric_wishes = set(wishes)
        for key, text in near.texts.items():
            for n, condition in enumerate(self.text_conditions(key, text) if key not in fixed_texts else []):
                literal = z3.Bool(f"near!{key}!{n}")
                solver.add(z3.Implies(literal, condition))
                wishes[literal.get_id()] = literal
        while True:
            answer = str(solver.check(*wishes.values()))
            if answer == "sat":
                break
            if answer != "unsat":
                raise SampleError("the solver gave up looking for a valid report")
            core = [lit.get_id() for lit in solver.unsat_core()]
            if not core:
                raise SampleError("no valid report exists: the checks contradict each other")
            numbers = [i for i in core if i in numeric_wishes]
            for literal_id in numbers or core:  # texts go only when the numbers alone are not in the way
                wishes.pop(literal_id, None)
        model = solver.model()
        x = list(near.x)
        for slot, key in enumerate(self.keys):
            if key in encoder.vars:
                x[slot] = int(from_z3(model.eval(encoder.vars[key], model_completion=True)) * self.scale)
        texts = dict(near.texts)
        for key in texts:
            if key not in fixed_texts:
                texts[key] = self.text_from_model(key, texts[key], model)
        return Draft(x, texts, near.decimals)

    # ---- texts in the solver: atoms (empty, mentions, length) and text fields (strings)
    def text_conditions(self, key: VarKey, text: str) -> list[Any]:
        """What ``text`` makes true of the solver's view of ``key``: its atoms' values, or the string itself."""
        encoder = self.problem().encoder
        conditions = [
            atom == _atom_value(kind, words, text) for (k, kind, words), atom in encoder.atoms.items() if k == key
        ]
        if key in encoder.vars:
            conditions.append(encoder.vars[key] == z3.StringVal(text))
        return conditions

    def text_from_model(self, key: VarKey, text: str, model: Any) -> str:
        """``text``, or a readable text with the atom values (or the string) the model gives ``key``."""
        encoder = self.problem().encoder
        if key in encoder.vars:
            return z3_text(model.eval(encoder.vars[key], model_completion=True))
        wanted: dict[tuple[str, tuple[str, ...]], Any] = {}
        for (k, kind, words), atom in encoder.atoms.items():
            if k == key:
                value = model.eval(atom, model_completion=True)
                wanted[(kind, words)] = z3.is_true(value) if kind != "length" else from_z3(value)
        if all(_atom_value(kind, words, text) == v for (kind, words), v in wanted.items()):
            return text
        return self.text_with(wanted)

    @staticmethod
    def text_with(wanted: Mapping[tuple[str, tuple[str, ...]], Any]) -> str:
        """A readable text that is empty, or mentions (or avoids) words, as ``wanted`` says."""
        if wanted.get(("empty", ())) is True:
            return ""
        forbid = [w for (kind, words), v in wanted.items() if kind == "mentions" and v is False for w in words]
        parts = [f for f in FILLERS if not any(w in f for w in forbid)][:2]
        for (kind, words), value in wanted.items():
            if kind == "mentions" and value is True:
                word = next((w for w in words if not any(f in w for f in forbid)), words[0])
                parts.append(f"关于{word}，本机关的情况已如实说明。")
        text = "".join(parts) or "本年度无其他需要说明的情况。"
        length = wanted.get(("length", ()))
        if isinstance(length, Fraction) and length.denominator == 1 and length >= 0:
            text = (text * (int(length) // max(len(text), 1) + 1))[: int(length)]
        return text

    def z3_value(self, slot: int, value: int) -> Any:
        frac = Fraction(value, self.scale)
        if frac.denominator == 1:
            return z3.IntVal(frac.numerator)
        return z3.RealVal(f"{frac.numerator}/{frac.denominator}")

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
            draft = self.draft(rng, {}, {}, start)
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
        earlier = self.draft(rng, fixed_year, {})
        last_year, _ = self.reports(earlier, previous=False)
        fixed: dict[int, int] = {}
        fixed_texts: dict[VarKey, str] = {}
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


def _whole(value: int) -> Decimal:
    return _WHOLE[value] if 0 <= value < 1000 else Decimal(value)


def _atom_value(kind: str, words: tuple[str, ...], text: str) -> Any:
    """The evaluator's value of ``empty``, ``mentions`` or ``length`` for ``text``."""
    if kind == "empty":
        return not text.strip()
    if kind == "mentions":
        return any(w in text for w in words)
    return len(text)


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


_Z3_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}")


def z3_text(value: Any) -> str:
    """A z3 string value as Python text (z3 writes non-ASCII characters as ``\\u{…}``)."""
    text = str(value.as_string()) if hasattr(value, "as_string") else str(value).strip('"')
    return _Z3_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


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


def sampler(spec: ir.Spec) -> Sampler:
    """The (cached) sampler of a spec."""
    found = _SAMPLERS.get(spec)
    if found is None:
        found = _SAMPLERS[spec] = Sampler(spec)
    return found
