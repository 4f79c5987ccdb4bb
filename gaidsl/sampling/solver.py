"""The sampler's solver side: the z3 encoding of a spec (built on first use), the years its checks allow, values as
z3 numbers and a model read back, and the fallback that finds a valid draft near one that failed. The drawing that
needs z3 only when it keeps failing: :mod:`gaidsl.sampling.sampler`; :mod:`gaidsl.sampling.violate` solves here too.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from fractions import Fraction
from typing import Any

import attrs
import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import Problem, VarKey, bounded, from_z3, let_go
from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.sampling.texts import text_conditions, text_from_model

MAX_SAMPLE_DECIMALS = 3  # amounts are drawn with 0–3 decimals (fewer when the cell allows fewer)
SOLVER_TIMEOUT_MS = 20_000


class SampleError(Exception):
    """No valid report exists (the checks contradict each other), or the solver gave up."""


@attrs.define
class Draft:
    """A full assignment: numbers in units of 10^-D (``Sampler.scale``), texts and text fields as strings."""

    x: list[int]
    texts: dict[VarKey, str]
    decimals: int
    reports: tuple[Report, Report | None] | None = None


class SolverSide:
    """What :class:`gaidsl.sampling.sampler.Sampler` asks z3; the attributes below are the sampler's own."""

    spec: ir.Spec
    keys: list[VarKey]
    scale: int
    year_slot: int | None
    fallbacks: int
    pinned: dict[VarKey, str]
    _problem: Problem | None

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
            optimizer = bounded(z3.Optimize(), timeout_ms=SOLVER_TIMEOUT_MS)
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
                pinned=self.pinned,
            )
        return self._problem

    def solve_near(
        self, near: Draft, fixed: Mapping[int, int], fixed_texts: Mapping[VarKey, str], rng: random.Random
    ) -> Draft:
        """The z3 fallback: a valid assignment keeping as many of ``near``'s values as possible."""
        self.fallbacks += 1
        problem = self.problem()
        encoder = problem.encoder
        solver = bounded(z3.Solver(), timeout_ms=SOLVER_TIMEOUT_MS)
        solver.set("random_seed", rng.randrange(2**31))
        solver.add(*encoder.background, *[i.formula for i in problem.items])
        for slot, value in fixed.items():
            solver.add(encoder.var(self.keys[slot]) == self.z3_value(slot, value))
        for key, text in fixed_texts.items():
            solver.add(*text_conditions(encoder, key, text))
        solver.add(*encoder.background)
        wishes: dict[int, Any] = {}
        for slot in range(len(self.keys)):
            if slot not in fixed:
                literal = z3.Bool(f"near!{slot}")
                solver.add(z3.Implies(literal, encoder.var(self.keys[slot]) == self.z3_value(slot, near.x[slot])))
                wishes[literal.get_id()] = literal
        numeric_wishes = set(wishes)
        for key, text in near.texts.items():
            for n, condition in enumerate(text_conditions(encoder, key, text) if key not in fixed_texts else []):
                literal = z3.Bool(f"near!{key}!{n}")
                solver.add(z3.Implies(literal, condition))
                wishes[literal.get_id()] = literal
        # texts go only when the numbers alone are not in the way
        answer, _ = let_go(solver, wishes, lambda core: [i for i in core if i in numeric_wishes] or core)
        if answer == "unsat":
            raise SampleError("no valid report exists: the checks contradict each other")
        if answer != "sat":
            raise SampleError("the solver gave up looking for a valid report")
        x, texts = self.from_model(solver.model(), near, keep=fixed_texts)
        return Draft(x, texts, near.decimals)

    def from_model(self, model: Any, near: Draft, keep: Collection[VarKey] = ()) -> tuple[list[int], dict[VarKey, str]]:
        """``near``'s numbers and texts as a z3 ``model`` has them (the texts in ``keep`` as they are)."""
        encoder = self.problem().encoder
        x = list(near.x)
        for slot, key in enumerate(self.keys):
            if key in encoder.vars:
                x[slot] = int(from_z3(model.eval(encoder.vars[key], model_completion=True)) * self.scale)
        texts = {
            key: text if key in keep else text_from_model(encoder, key, text, model) for key, text in near.texts.items()
        }
        return x, texts

    def z3_value(self, slot: int, value: int) -> Any:
        frac = Fraction(value, self.scale)
        if frac.denominator == 1:
            return z3.IntVal(frac.numerator)
        return z3.RealVal(f"{frac.numerator}/{frac.denominator}")
