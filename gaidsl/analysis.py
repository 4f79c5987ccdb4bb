"""Spec analysis with z3: can the checks hold together, which are implied by the others, what they force.

The translation of checks to z3 is :mod:`gaidsl.encoding`'s (exact integers for counts, reals for amounts, strings
for text, the evaluator's tolerance rule).

Questions (:func:`analyze`)
    * Consistency: the error-severity checks together, then errors and warnings together (reported separately). An
      unsatisfiable set gives GAI601 (errors) or GAI604 (warnings) naming a smallest conflicting set of checks:
      the solver's unsat core, minimised by deletion, then an exhaustive search for a smaller set within a budget
      of solver calls (``Conflict.smallest`` says whether that search was complete); within each named check the
      positions involved are minimised too. A single check that can never hold is GAI605.
    * Redundancy (``details``): a position is redundant when every report satisfying all other positions of all
      checks satisfies it too. A check is redundant (GAI602) when all its positions together follow from the other
      checks; when only single positions do (each one separately, not all at once) the check is reported with
      those positions (GAI607), and a greedy pass gives one set of positions that can be dropped together without
      changing which reports are valid. A check that holds for every value of its cells' types is GAI606. A
      redundancy that needs a cross-period check is flagged: it only holds when last year's report is given.
    * Bounds and forced cells (``details``): the smallest and largest value each numeric cell, field and previous
      value can take with every check holding; a cell whose bounds meet is forced (GAI603). Unbounded directions
      are found with rays, the rest with z3's optimiser.

Redundancy and bounds use every check (errors and warnings) when they are consistent together, else the errors.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl import ir
from gaidsl.compiler import Compilation
from gaidsl.diagnostics import Diagnostic, Lang, Related, Text, error, info, render_json, warning
from gaidsl.encoding import DEFAULT_TIMEOUT_MS, Z3, Encoder, Item, Problem, VarKey, from_z3, var_ref

CORE_SEARCH_BUDGET = 400  # solver calls spent looking for a conflict smaller than the minimal one found
MAX_CONFLICTS = 20


def _unique_checks(items: Iterable[Item]) -> list[ir.Check]:
    seen: dict[str, ir.Check] = {}
    for item in items:
        seen.setdefault(item.check.key, item.check)
    return list(seen.values())


def _position_name(check: ir.Check, instance: ir.CheckInstance, lang: str) -> str:
    if instance.position is None:
        return check.key
    shown = instance.position if lang == "en" else (instance.position_labels[-1] if instance.position_labels else "")
    return f"{check.key}[{shown or instance.position}]"


# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Conflict:
    """Checks that cannot all hold: each with the positions involved (all of them for an unbroadcast check)."""

    severity: str  # "error": among error checks; "warning": errors and warnings together
    checks: tuple[tuple[ir.Check, tuple[ir.CheckInstance, ...]], ...]
    smallest: bool  # whether no smaller conflicting set of checks exists (searched within the budget)


@attrs.frozen
class Redundancy:
    check: ir.Check
    positions: tuple[ir.CheckInstance, ...]  # each of these follows from all other positions of all checks
    whole: bool  # all positions together follow from the other checks
    always: bool  # holds whatever the values (given the cells' types)
    support: tuple[str, ...] = ()  # for a whole-check redundancy: a minimal set of checks it follows from
    needs_previous: bool = False  # it follows only with cross-period checks (so only when last year's report is given)


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

    @property
    def forced(self) -> bool:
        return (
            self.lower is not None
            and self.lower == self.upper
            and not self.lower_strict
            and not self.upper_strict
            and self.constrained
        )

    def interval(self) -> str:
        low = "(-∞" if self.lower is None else ("(" if self.lower_strict else "[") + _fmt(self.lower)
        high = "+∞)" if self.upper is None else _fmt(self.upper) + (")" if self.upper_strict else "]")
        return f"{low}, {high}"


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    as_decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{as_decimal.normalize():f}" if Fraction(as_decimal) == value else f"{value.numerator}/{value.denominator}"


@attrs.frozen
class Analysis:
    spec: ir.Spec
    satisfiable: bool | None  # error checks together (None: the solver gave up)
    warnings_satisfiable: bool | None  # errors and warnings together (None: not asked or gave up)
    conflicts: tuple[Conflict, ...]
    redundant: tuple[Redundancy, ...] = ()
    droppable: tuple[tuple[ir.Check, ir.CheckInstance], ...] = ()
    bounds: tuple[Bound, ...] = ()
    scope: str = "all"  # which checks redundancy and bounds assumed: "all" or "errors"
    detailed: bool = False
    incomplete: tuple[str, ...] = ()
    seconds: float = 0.0
    solver_calls: int = 0

    @property
    def forced(self) -> tuple[Bound, ...]:
        return tuple(b for b in self.bounds if b.forced)

    def diagnostics(self) -> list[Diagnostic]:
        return _diagnostics(self)

    def to_json_dict(self) -> dict[str, Any]:
        return _json(self)

    def render_text(self, lang: Lang = "zh") -> str:
        return _text(self, lang)


# ---------------------------------------------------------------------------------------------------- analysis


def analyze(spec: ir.Spec, *, details: bool = False, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Analysis:
    """Analyse ``spec``: consistency always; with ``details`` also redundancy, droppable positions and bounds."""
    started = time.perf_counter()
    problem = Problem(spec, text_atoms=True, timeout_ms=timeout_ms)
    errors = [c for c in spec.checks if c.severity == "error"]
    incomplete: list[str] = []
    conflicts: list[Conflict] = []
    answer = problem.solve(problem.of(errors))
    satisfiable = {"sat": True, "unsat": False}.get(answer)
    warnings_satisfiable: bool | None = None
    if answer == "unsat":
        conflicts.extend(_conflicts(problem, errors, "error"))
    elif answer == "unknown":
        incomplete.append("consistency of the error checks")
    else:
        every = list(spec.checks)
        answer = problem.solve(problem.of(every))
        warnings_satisfiable = {"sat": True, "unsat": False}.get(answer)
        if answer == "unsat":
            conflicts.extend(_conflicts(problem, every, "warning"))
        elif answer == "unknown":
            incomplete.append("consistency of errors and warnings together")
    analysis = Analysis(spec, satisfiable, warnings_satisfiable, tuple(conflicts), incomplete=tuple(incomplete))
    if details and satisfiable:
        scope_checks = list(spec.checks) if warnings_satisfiable else errors
        redundant, droppable = _redundancy(problem, scope_checks, incomplete)
        bounds = _bounds(problem, scope_checks, incomplete)
        analysis = attrs.evolve(
            analysis,
            redundant=tuple(redundant),
            droppable=tuple(droppable),
            bounds=tuple(bounds),
            scope="all" if warnings_satisfiable else "errors",
            detailed=True,
            incomplete=tuple(incomplete),
        )
    return attrs.evolve(analysis, seconds=time.perf_counter() - started, solver_calls=problem.calls)


def _conflicts(problem: Problem, pool: list[ir.Check], severity: str) -> list[Conflict]:
    """Conflicts among ``pool`` (the last answer was unsat over it), one after another: each found conflict's checks
    (its warnings, for warning conflicts) are set aside and the rest asked again, so unrelated contradictions are
    all reported."""
    found: list[Conflict] = []
    remaining = list(pool)
    while len(found) < MAX_CONFLICTS:
        conflict = _conflict(problem, remaining, severity)
        found.append(conflict)
        named = {c.key for c, _ in conflict.checks if severity == "error" or c.severity == "warning"}
        remaining = [c for c in remaining if c.key not in named]
        if not named or problem.solve(problem.of(remaining)) != "unsat":
            break
    return found


def _conflict(problem: Problem, pool: list[ir.Check], severity: str) -> Conflict:
    """A smallest set of checks from ``pool`` that cannot hold together (the last answer was unsat over pool)."""
    current = _unique_checks(problem.core()) or list(pool)
    for check in list(current):
        trial = [c for c in current if c is not check]
        if trial and problem.solve(problem.of(trial)) == "unsat":
            current = trial
    smallest = True
    budget = CORE_SEARCH_BUDGET
    for size in range(1, len(current)):
        combinations = math.comb(len(pool), size)
        if combinations > budget:
            smallest = False
            break
        budget -= combinations
        found = next(
            (list(c) for c in itertools.combinations(pool, size) if problem.solve(problem.of(c)) == "unsat"), None
        )
        if found is not None:
            current = found
            break
    items = problem.of(current)
    for item in list(items):
        fewer = [i for i in items if i is not item]
        if any(i.check is item.check for i in fewer) and problem.solve(fewer) == "unsat":
            items = fewer
    named = tuple((c, tuple(i.instance for i in items if i.check is c)) for c in current)
    return Conflict(severity, named, smallest)


def _minimal_support(problem: Problem, check: ir.Check, pool: list[ir.Check]) -> tuple[str, ...]:
    """A minimal set of checks from ``pool`` that ``check`` (as a whole) follows from."""
    literal = problem.any_fails(check)
    support = [c for c in _unique_checks(problem.core()) if c is not check] or [c for c in pool if c is not check]
    for other in list(support):
        trial = [c for c in support if c is not other]
        if problem.solve(problem.of(trial), extra=[literal]) == "unsat":
            support = trial
    return tuple(c.key for c in support)


def _redundancy(
    problem: Problem, checks: list[ir.Check], incomplete: list[str]
) -> tuple[list[Redundancy], list[tuple[ir.Check, ir.CheckInstance]]]:
    items = problem.of(checks)
    redundant_items: list[Item] = []
    found: list[Redundancy] = []
    for check in checks:
        mine = problem.by_check.get(check.key, [])
        always = bool(mine) and all(problem.solve([], fails=[i]) == "unsat" for i in mine)
        positions: list[Item] = []
        for item in mine:
            answer = problem.solve([i for i in items if i is not item], fails=[item])
            if answer == "unsat":
                positions.append(item)
            elif answer == "unknown":
                incomplete.append(f"redundancy of {item.name}")
        if not positions:
            continue
        redundant_items.extend(positions)
        whole = len(positions) == len(mine)
        support: tuple[str, ...] = ()
        if whole and len(mine) > 1:
            others = [i for i in items if i.check is not check]
            whole = problem.solve(others, extra=[problem.any_fails(check)]) == "unsat"
        if whole and not always:
            support = _minimal_support(problem, check, checks)
        needs_previous = False
        if not check.across_periods and any(c.across_periods for c in checks):
            same_period = [i for i in items if not i.check.across_periods]
            needs_previous = any(
                problem.solve([i for i in same_period if i is not item], fails=[item]) != "unsat" for item in positions
            )
        found.append(Redundancy(check, tuple(i.instance for i in positions), whole, always, support, needs_previous))
    kept = list(items)
    droppable: list[tuple[ir.Check, ir.CheckInstance]] = []
    for item in reversed(redundant_items):
        rest = [i for i in kept if i is not item]
        if problem.solve(rest, fails=[item]) == "unsat":
            kept = rest
            droppable.append((item.check, item.instance))
    return found, droppable


def _bounds(problem: Problem, checks: list[ir.Check], incomplete: list[str]) -> list[Bound]:
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
    rays = z3.Solver()
    rays.set("timeout", DEFAULT_TIMEOUT_MS)
    rays.add(*[encoder.ray(i.instance.expr, i.check.tolerance) for i in items])
    for key in keys:
        encoder.direction(key)
    rays.add(*encoder.background, *encoder.ray_background)
    for sign, found in ((1, upper), (-1, lower)):
        pending = [k for k in keys if k not in found and (sign > 0 or floors[k] is None)]
        for key in _unbounded(rays, encoder, pending, sign):
            found[key] = (None, False)
    optimizer = z3.Optimize()
    optimizer.set("timeout", DEFAULT_TIMEOUT_MS)
    optimizer.add(*encoder.background)
    optimizer.add(*[i.formula for i in items])
    bounds: list[Bound] = []
    for key in keys:
        cell_type = encoder.type_of(key)
        assert cell_type is not None
        low = lower.get(key) or _optimum(optimizer, encoder.vars[key], minimize=True)
        high = upper.get(key) or _optimum(optimizer, encoder.vars[key], minimize=False)
        problem.calls += (key not in lower) + (key not in upper)
        if low is None or high is None:
            incomplete.append(f"bounds of {var_ref(key)}")
            continue
        bounds.append(Bound(key, _label(spec, key), cell_type.kind, low[0], high[0], low[1], high[1]))
    seen = set(keys)
    others: list[VarKey] = [("cell", c, False) for c in spec.cells if spec.cells[c].type.numeric]
    others += [("field", f, False) for f in spec.fields if spec.fields[f].type.numeric]
    for key in others:
        if key not in seen:
            cell_type = encoder.type_of(key)
            assert cell_type is not None
            bounds.append(Bound(key, _label(spec, key), cell_type.kind, _floor(cell_type), None, constrained=False))
    return bounds


def _floor(cell_type: ir.CellType | None) -> Fraction | None:
    return None if cell_type is None or cell_type.kind == "integer" else Fraction(0)


def _unbounded(rays: Z3, encoder: Encoder, keys: list[VarKey], sign: int) -> list[VarKey]:
    """The variables among ``keys`` that can grow without end (``sign`` 1) or fall without end (``sign`` -1)."""
    found: list[VarKey] = []
    literals = {k: z3.Bool(f"ray!{sign}!{var_ref(k)}!{k[0]}") for k in keys}
    for key, literal in literals.items():
        rays.add(z3.Implies(literal, encoder.directions[key] * sign >= 1))
    # First ask for one ray moving all of them, dropping those in the way (unsat cores), then one at a time.
    trying = list(keys)
    while trying:
        answer = str(rays.check(*[literals[k] for k in trying]))
        if answer == "sat":
            found.extend(trying)
            break
        if answer != "unsat":
            break
        core = {lit.get_id() for lit in rays.unsat_core()}
        blocked = [k for k in trying if literals[k].get_id() in core]
        if not blocked:
            break
        trying = [k for k in trying if k not in blocked]
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
        cell = spec.cells[name]
        text = " · ".join((*cell.row_labels, *cell.column_labels))
    elif kind == "field":
        text = spec.fields[name].label
    else:
        text = spec.texts[name].label or name
    return ("上年 · " if previous else "") + text


# ---------------------------------------------------------------------------------------------------- reporting


def _names(pairs: Iterable[tuple[ir.Check, Sequence[ir.CheckInstance]]]) -> Text:
    zh: list[str] = []
    en: list[str] = []
    for check, instances in pairs:
        partial = check.broadcast is not None and 0 < len(instances) < len(check.instances)
        if partial:
            zh.append(f"「{check.key}」（{'、'.join(_pos(i, 'zh') for i in instances)}）")
            en.append(f"'{check.key}' at {', '.join(_pos(i, 'en') for i in instances)}")
        else:
            zh.append(f"「{check.key}」")
            en.append(f"'{check.key}'")
    return Text("、".join(zh), ", ".join(en))


def _pos(instance: ir.CheckInstance, lang: str) -> str:
    if lang == "en":
        return instance.position or "-"
    return f"「{instance.position_labels[-1]}」" if instance.position_labels else instance.position or "-"


def _related(checks: Iterable[ir.Check], why: Text) -> tuple[Related, ...]:
    return tuple(
        Related(c.span, Text(f"「{c.key}」{why.zh}", f"'{c.key}' {why.en}")) for c in checks if c.span is not None
    )


def _diagnostics(analysis: Analysis) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for conflict in analysis.conflicts:
        checks = [c for c, _ in conflict.checks]
        first = checks[0]
        names = _names(conflict.checks)
        help: tuple[Text, ...] = (
            Text("删除或修改其中任一条即可消除矛盾", "removing or changing any one of them removes the contradiction"),
        )
        if len(checks) == 1 and conflict.severity == "error":
            diag = error("GAI605", first.span, name=names.zh, name_en=names.en)
        elif conflict.severity == "error":
            diag = error("GAI601", first.span, help, checks=names.zh, checks_en=names.en)
        else:
            diag = warning("GAI604", first.span, help, checks=names.zh, checks_en=names.en)
        related = _related(checks[1:], Text("也在其中", "is part of it"))
        out.append(attrs.evolve(diag, related=related))
    for found in analysis.redundant:
        check = found.check
        if found.always:
            out.append(info("GAI606", check.span, name=check.key))
        elif found.whole:
            support = [analysis.spec.check(k) for k in found.support]
            help = (Text("由以下校验推出：" + "、".join(found.support), "implied by: " + ", ".join(found.support)),)
            if found.needs_previous:
                help += (_NEEDS_PREVIOUS,)
            diag = info("GAI602", check.span, help, name=check.key)
            out.append(attrs.evolve(diag, related=_related(support, Text("推出它", "implies it"))))
        else:
            if len(found.positions) == len(check.instances):
                count = len(found.positions)
                where = Text(f"全部 {count} 个位置", f"all {count} positions")
            else:
                where = Text(
                    "、".join(_pos(i, "zh") for i in found.positions), ", ".join(_pos(i, "en") for i in found.positions)
                )
            help = (
                Text(
                    "每个位置单独都可由其余校验推出，但不能同时全部删除",
                    "each position separately follows from the rest; they cannot all be dropped together",
                ),
            )
            if found.needs_previous:
                help += (_NEEDS_PREVIOUS,)
            out.append(info("GAI607", check.span, help, name=check.key, positions=where.zh, positions_en=where.en))
    for bound in analysis.forced:
        if bound.key[0] != "cell" or bound.key[2]:
            continue  # a field pinned by a check (year == 2020) is what the check says, not a finding
        assert bound.lower is not None
        out.append(warning("GAI603", None, cell=var_ref(bound.key), value=_fmt(bound.lower)))
    if analysis.incomplete:
        out.append(info("GAI608", None, what=", ".join(analysis.incomplete)))
    return out


_NEEDS_PREVIOUS = Text(
    "仅在提供上年报告时成立：推出它的校验中有跨年度校验",
    "only when last year's report is given: it follows with the help of cross-period checks",
)


def _json(analysis: Analysis) -> dict[str, Any]:
    def instance_json(check: ir.Check, instance: ir.CheckInstance) -> dict[str, Any]:
        return {"check": check.key, "position": instance.position, "position_labels": list(instance.position_labels)}

    def number(value: Fraction | None) -> str | None:
        return None if value is None else _fmt(value)

    return {
        "spec": analysis.spec.file,
        "satisfiable": analysis.satisfiable,
        "warnings_satisfiable": analysis.warnings_satisfiable,
        "conflicts": [
            {
                "severity": c.severity,
                "smallest": c.smallest,
                "checks": [
                    {"check": check.key, "positions": [i.position for i in instances]} for check, instances in c.checks
                ],
            }
            for c in analysis.conflicts
        ],
        "scope": analysis.scope,
        "redundant": [
            {
                "check": r.check.key,
                "severity": r.check.severity,
                "whole": r.whole,
                "always": r.always,
                "positions": [i.position for i in r.positions],
                "all_positions": len(r.positions) == len(r.check.instances),
                "support": list(r.support),
                "needs_previous": r.needs_previous,
            }
            for r in analysis.redundant
        ],
        "droppable_together": [instance_json(c, i) for c, i in analysis.droppable],
        "forced": [{"ref": var_ref(b.key), "label": b.label, "value": number(b.lower)} for b in analysis.forced],
        "bounds": [
            {
                "ref": var_ref(b.key),
                "kind": b.kind,
                "label": b.label,
                "min": number(b.lower),
                "max": number(b.upper),
                "min_strict": b.lower_strict,
                "max_strict": b.upper_strict,
                "constrained": b.constrained,
            }
            for b in analysis.bounds
        ],
        "removed_checks": [
            {
                "check": r.key,
                "label": r.label,
                "severity": r.severity,
                "table": r.table,
                "section": r.section,
                "reason": r.reason,
                "removed_at": r.removed_at,
                "declared_at": r.declared_at,
            }
            for r in analysis.spec.removed_checks
        ],
        "incomplete": list(analysis.incomplete),
        "seconds": round(analysis.seconds, 3),
        "solver_calls": analysis.solver_calls,
    }


def _text(analysis: Analysis, lang: Lang) -> str:
    def say(zh: str, en: str) -> str:
        return {"zh": zh, "en": en, "both": f"{zh} / {en}"}[lang]

    yes_no = {True: say("可以", "yes"), False: say("不可以", "no"), None: say("未知", "unknown")}
    lines = [
        say(
            f"{analysis.spec.file}: 规范分析（{analysis.seconds:.2f} 秒）",
            f"{analysis.spec.file}: analysis ({analysis.seconds:.2f} s)",
        )
    ]
    lines.append("  " + say("错误级校验能否同时成立：", "error checks can all hold: ") + yes_no[analysis.satisfiable])
    if analysis.satisfiable:
        lines.append(
            "  "
            + say("连同警告级校验能否同时成立：", "with the warnings too: ")
            + yes_no[analysis.warnings_satisfiable]
        )
    for conflict in analysis.conflicts:
        names = _names(conflict.checks)
        lines.append("  " + say("相互矛盾：" + names.zh, "contradicting: " + names.en))
    if analysis.spec.removed_checks:
        lines.append("  " + say("扩展删除的校验（不参与分析）：", "checks removed by the overlay (not analysed):"))
        for removed in analysis.spec.removed_checks:
            label = f"「{removed.label}」" if removed.label else ""
            why = removed.removal()
            en_label = f" {label}" if label else ""
            lines.append("    " + say(f"{removed.key}{label}：{why.zh}", f"{removed.key}{en_label}: {why.en}"))
    if not analysis.detailed:
        return "\n".join(lines)
    lines.append("  " + say("冗余校验：", "redundant checks:") + ("" if analysis.redundant else say("无", " none")))
    for r in analysis.redundant:
        where_zh = "、".join(_pos(i, "zh") for i in r.positions)
        where_en = ", ".join(_pos(i, "en") for i in r.positions)
        if r.always:
            lines.append("    " + say(f"{r.check.key}：恒成立", f"{r.check.key}: always holds"))
        elif r.whole:
            lines.append(
                "    "
                + say(
                    f"{r.check.key}：整条可由 {'、'.join(r.support)} 推出",
                    f"{r.check.key}: follows as a whole from {', '.join(r.support)}",
                )
                + (say("（仅在提供上年报告时）", " (only with last year's report)") if r.needs_previous else "")
            )
        else:
            lines.append(
                "    "
                + say(
                    f"{r.check.key}：以下位置各自可由其余校验推出（不能同时删除）：{where_zh}",
                    f"{r.check.key}: each of these positions follows from the rest (not all at once): {where_en}",
                )
            )
    if analysis.droppable:
        shown_zh = "、".join(_position_name(c, i, "zh") for c, i in analysis.droppable)
        shown_en = ", ".join(_position_name(c, i, "en") for c, i in analysis.droppable)
        lines.append(
            "  "
            + say(
                f"可同时删除而不改变结果的一组位置：{shown_zh}", f"positions that can be dropped together: {shown_en}"
            )
        )
    forced = analysis.forced
    lines.append(
        "  "
        + say("被固定取值的单元格：", "forced cells: ")
        + (", ".join(f"{var_ref(b.key)} = {_fmt(b.lower)}" for b in forced if b.lower is not None) or say("无", "none"))
    )
    plain = [b for b in analysis.bounds if _is_type_bound(b)]
    special = [b for b in analysis.bounds if not _is_type_bound(b)]
    lines.append("  " + say("取值范围（仅列出比类型更窄的）：", "bounds (only those narrower than the type's):"))
    for b in special:
        lines.append(f"    {var_ref(b.key)}  {b.interval()}  {b.label}")
    lines.append("    " + say(f"其余 {len(plain)} 个：与类型相同", f"the other {len(plain)}: as their type allows"))
    if analysis.incomplete:
        lines.append("  " + say("求解器未能回答：", "the solver gave up on: ") + ", ".join(analysis.incomplete))
    lines.append(
        "  "
        + say(
            f"（范围与冗余基于{'全部' if analysis.scope == 'all' else '错误级'}校验；求解 {analysis.solver_calls} 次）",
            f"(bounds and redundancy assume {'all checks' if analysis.scope == 'all' else 'the error checks only'}; "
            f"{analysis.solver_calls} solver calls)",
        )
    )
    return "\n".join(lines)


def _is_type_bound(bound: Bound) -> bool:
    floor = None if bound.kind == "integer" else Fraction(0)
    return bound.lower == floor and bound.upper is None and not bound.lower_strict


# ---------------------------------------------------------------------------------------------------- the CLI's use


def analyze_compilations(
    compilations: Sequence[Compilation], *, details: bool = False
) -> tuple[list[Compilation], list[Analysis]]:
    """Analyse every spec that compiled cleanly; its analysis diagnostics are appended to its compilation."""
    updated: list[Compilation] = []
    analyses: list[Analysis] = []
    for compilation in compilations:
        if compilation.ok and compilation.spec is not None:
            analysis = analyze(compilation.spec, details=details)
            analyses.append(analysis)
            compilation = attrs.evolve(compilation, diagnostics=(*compilation.diagnostics, *analysis.diagnostics()))
        updated.append(compilation)
    return updated, analyses


def render_json_with_analysis(compilations: Sequence[Compilation], analyses: Sequence[Analysis]) -> str:
    """The ``check --format json`` document with an ``analysis`` list (one entry per analysed spec)."""
    document = json.loads(render_json([d for c in compilations for d in c.diagnostics]))
    document["analysis"] = [a.to_json_dict() for a in analyses]
    return json.dumps(document, ensure_ascii=False, indent=2)
