"""Spec analysis with z3 (``gaidsl check --analyze``): can the checks hold together, which follow from the others.

The translation of checks to z3 is :mod:`gaidsl.analysis.encoding`'s (exact integers for counts, reals for amounts,
strings
for text, the evaluator's tolerance rule). Bounds and forced cells are :mod:`gaidsl.analysis.bounds`', how findings
are shown :mod:`gaidsl.analysis.findings`'s.

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
    * Bounds and forced cells (``details``): see :mod:`gaidsl.analysis.bounds` (GAI603).

Redundancy and bounds use every check (errors and warnings) when they are consistent together, else the errors.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

import attrs

from gaidsl.analysis.bounds import Bound, bounds
from gaidsl.analysis.encoding import DEFAULT_TIMEOUT_MS, Encoder, Item, Problem
from gaidsl.analysis.records import Vacuity, Witness
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

CORE_SEARCH_BUDGET = 400  # solver calls spent looking for a conflict smaller than the minimal one found
MAX_CONFLICTS = 20

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Conflict:
    """Checks that cannot all hold: each with the positions involved (all of them for an unbroadcast check)."""

    severity: str  # "error": among error checks; "warning": errors and warnings together
    checks: tuple[tuple[ir.Check, tuple[ir.CheckInstance, ...]], ...]
    smallest: bool  # whether no smaller conflicting set of checks exists (searched within the budget)
    # with open dimensions: the members it was found with, or why a member rule cannot hold (gaidsl.analysis.open_parts)
    shapes: tuple[Text, ...] = ()


@attrs.frozen
class Redundancy:
    check: ir.Check
    positions: tuple[ir.CheckInstance, ...]  # each of these follows from all other positions of all checks
    whole: bool  # all positions together follow from the other checks
    always: bool  # holds whatever the values (given the cells' types)
    support: tuple[str, ...] = ()  # for a whole-check redundancy: a minimal set of checks it follows from
    needs_previous: bool = False  # it follows only with cross-period checks (so only when last year's report is given)


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
    bounded: Text | None = None  # with open dimensions: which instances were searched (gaidsl.analysis.open_parts)
    # with lists of records (gaidsl.analysis.records): the record counts searched, the aggregates whose ``where``
    # keeps no record of any valid report searched, and a valid report with records (``details``)
    records_bounded: Text | None = None
    vacuous: tuple[Vacuity, ...] = ()
    witness: Witness | None = None

    @property
    def forced(self) -> tuple[Bound, ...]:
        return tuple(b for b in self.bounds if b.forced)

    # As diagnostics, JSON or text: gaidsl.analysis.findings (diagnostics, to_json, text), the layer above.


# ---------------------------------------------------------------------------------------------------- analysis


def analyze(
    spec: ir.Spec, *, details: bool = False, timeout_ms: int = DEFAULT_TIMEOUT_MS, encoder: Encoder | None = None
) -> Analysis:
    """Analyse ``spec``: consistency always; with ``details`` also redundancy, droppable positions and bounds.
    ``encoder``: one made for ``spec`` with ``text_atoms`` (lists of records: :mod:`gaidsl.analysis.records`)."""
    started = time.perf_counter()
    problem = Problem(spec, text_atoms=True, timeout_ms=timeout_ms, encoder=encoder)
    errors = [c for c in spec.checks if c.severity == "error"]
    incomplete: list[str] = []
    conflicts: list[Conflict] = []
    satisfiable = _consistent(problem, errors, "error", conflicts, incomplete)
    warnings_satisfiable: bool | None = None
    if satisfiable:
        warnings_satisfiable = _consistent(problem, list(spec.checks), "warning", conflicts, incomplete)
    analysis = Analysis(spec, satisfiable, warnings_satisfiable, tuple(conflicts), incomplete=tuple(incomplete))
    if details and satisfiable:
        scope_checks = list(spec.checks) if warnings_satisfiable else errors
        redundant, droppable = _redundancy(problem, scope_checks, incomplete)
        found = bounds(problem, scope_checks, incomplete)
        analysis = attrs.evolve(
            analysis,
            redundant=tuple(redundant),
            droppable=tuple(droppable),
            bounds=tuple(found),
            scope="all" if warnings_satisfiable else "errors",
            detailed=True,
            incomplete=tuple(incomplete),
        )
    return attrs.evolve(analysis, seconds=time.perf_counter() - started, solver_calls=problem.calls)


_ASKED = {"error": "consistency of the error checks", "warning": "consistency of errors and warnings together"}


def _consistent(
    problem: Problem, pool: list[ir.Check], severity: str, conflicts: list[Conflict], incomplete: list[str]
) -> bool | None:
    """Whether the checks of ``pool`` can hold together (None: the solver gave up); conflicts found are added."""
    answer = problem.solve(problem.of(pool))
    if answer == "unsat":
        conflicts.extend(_conflicts(problem, pool, severity))
    elif answer == "unknown":
        incomplete.append(_ASKED[severity])
    return {"sat": True, "unsat": False}.get(answer)


def _shrink(kept: list[T], candidates: Iterable[T], still: Callable[[list[T], T], bool]) -> list[T]:
    """Deletion: each candidate in turn is taken out of ``kept`` when ``still(the rest, candidate)`` holds."""
    for candidate in candidates:
        rest = [k for k in kept if k is not candidate]
        if still(rest, candidate):
            kept = rest
    return kept


def _unique_checks(items: Iterable[Item]) -> list[ir.Check]:
    seen: dict[str, ir.Check] = {}
    for item in items:
        seen.setdefault(item.check.key, item.check)
    return list(seen.values())


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
    current = _shrink(
        current, list(current), lambda trial, _: bool(trial) and problem.solve(problem.of(trial)) == "unsat"
    )
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
    items = _shrink(
        items,
        list(items),
        lambda fewer, item: any(i.check is item.check for i in fewer) and problem.solve(fewer) == "unsat",
    )
    named = tuple((c, tuple(i.instance for i in items if i.check is c)) for c in current)
    return Conflict(severity, named, smallest)


def _minimal_support(problem: Problem, check: ir.Check, pool: list[ir.Check]) -> tuple[str, ...]:
    """A minimal set of checks from ``pool`` that ``check`` (as a whole) follows from."""
    literal = problem.any_fails(check)
    support = [c for c in _unique_checks(problem.core()) if c is not check] or [c for c in pool if c is not check]
    support = _shrink(
        support, list(support), lambda trial, _: problem.solve(problem.of(trial), extra=[literal]) == "unsat"
    )
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
    # one set of positions that can go together: each redundant one in turn, if it still follows from what is kept
    candidates = list(reversed(redundant_items))
    kept = _shrink(list(items), candidates, lambda rest, item: problem.solve(rest, fails=[item]) == "unsat")
    left = {i.index for i in kept}
    droppable = [(i.check, i.instance) for i in candidates if i.index not in left]
    return found, droppable
