"""Samples from a spec: realistic valid reports, and reports that break exactly one named check.

Valid reports (:func:`valid_reports`, :func:`valid_samples`)
    The spec's linear structure is worked out once (:class:`Sampler`): every equality a check asserts (``==``, also
    inside ``and``) is a row of a linear system, which exact rational elimination solves for one variable per
    independent row. Totals and the first term of a declared equation (``received`` in ``received + carried_in ==
    outcome_total + carried_out``) are preferred as the dependent variables, last year's values least. A report is
    then: the free variables drawn from a realistic distribution (per report a share of zeros, a typical size and a
    number of decimals for amounts; mostly small counts, some whole columns zero, now and then a large value;
    amounts with 0–3 decimals; the year within the range the checks allow), the dependent ones computed in exact
    integer arithmetic, a bound that fails (a negative count, say) repaired by moving the free variables it depends
    on, and the remaining checks (inequalities, ``if … then``, text) tested with the reference evaluator; what
    fails is redrawn, and only when that keeps failing does z3 find the nearest valid report (no solver call per
    sample otherwise). Every numeric cell, field and text block is filled: no blanks.

Cross-period checks
    :func:`valid_reports` gives reports alone: checks reading ``previous.`` are then *unverifiable* (the evaluator
    has no previous report), everything else passes. :func:`valid_samples` (by default when the spec has
    cross-period checks) also generates last year's report: itself a valid report of the same spec for the year
    before, whose values the current report continues, so that every check passes, cross-period ones included.

Invalid reports (:func:`invalid_reports`)
    For every check, z3 finds a report in which exactly that check fails and every other check holds: all other
    positions asserted, one position negated, close to a valid sample (a minimal set of values changed, then each by
    as little as possible, so a violation looks like a slip of the pen: ``年度 = 2020``, a total off by one). When no
    single position can fail alone (each position of ``balance`` follows from the others) the check fails at a
    minimal set of positions (two, for the 2021 format). When the check cannot fail while all others hold it is
    redundant and no report exists; the result says so. A check implied only through cross-period checks gets a
    report without last year's report (those checks are then unverifiable). Every result is confirmed with the
    reference evaluator (:attr:`Violation.exact`). In the solver, texts are atoms (``empty``, ``mentions``) and the
    report gets readable text with the atoms' values.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.sampling.open_samples import open_invalid_reports, open_valid_samples
from gaidsl.sampling.record_samples import record_invalid_reports, record_valid_samples
from gaidsl.sampling.sampler import Sample, SampleError, Sampler, sampler
from gaidsl.sampling.violate import Violation, violation_for


def valid_reports(spec: ir.Spec, n: int, seed: int = 0) -> list[Report]:
    """``n`` realistic valid reports: every check passes, except that cross-period checks are unverifiable (there is
    no previous report; use :func:`valid_samples` for pairs)."""
    if spec.records:  # lists of records (docs/records.md), with any open dimension's members too
        return [s.report for s in record_valid_samples(spec, n, seed, with_previous=False)]
    if spec.open_dimensions:
        return [s.report for s in open_valid_samples(spec, n, seed, with_previous=False)]
    rng = random.Random(seed)
    chosen = sampler(spec)
    return [chosen.sample(rng, with_previous=False).report for _ in range(n)]


def valid_samples(spec: ir.Spec, n: int, seed: int = 0, with_previous: bool | None = None) -> list[Sample]:
    """``n`` valid samples; with last year's report (so every check passes, cross-period ones too) when
    ``with_previous`` is true — by default when the spec has cross-period checks. A spec with open dimensions
    gives reports with 0, 1 and 40 members in turn (:mod:`gaidsl.sampling.open_samples`)."""
    if spec.records:
        return record_valid_samples(spec, n, seed, with_previous)
    if spec.open_dimensions:
        return open_valid_samples(spec, n, seed, with_previous)
    rng = random.Random(seed)
    chosen = sampler(spec)
    return [chosen.sample(rng, with_previous) for _ in range(n)]


# ---------------------------------------------------------------------------------------------------- invalid


def invalid_reports(spec: ir.Spec, seed: int = 0, checks: Sequence[str] | None = None) -> list[Violation]:
    """For every check (or those named), a sample failing exactly that check, or word that the check is redundant.

    The samples start from one valid sample (with last year's report when the spec has cross-period checks) and
    change as few values as possible, by as little as possible. Amounts are written with all their cell's decimals,
    so the evaluator's reported-precision tolerance is the one the solver assumed."""
    return invalid_reports_from(spec, seed, checks)[1]


def invalid_reports_from(
    spec: ir.Spec, seed: int = 0, checks: Sequence[str] | None = None
) -> tuple[Sample, list[Violation]]:
    """:func:`invalid_reports`, with the valid sample they start from."""
    if spec.records:
        return record_invalid_reports(spec, seed, checks)
    if spec.open_dimensions:
        return open_invalid_reports(spec, seed, checks)
    rng = random.Random(seed)
    chosen = sampler(spec)
    base_sample, base = chosen.sample_and_draft(rng, chosen.cross_period)
    wanted = [c for c in spec.checks if checks is None or c.key in checks]
    return base_sample, [violation_for(chosen, check, base_sample, base, rng) for check in wanted]


__all__ = [
    "Sample",
    "SampleError",
    "Sampler",
    "Violation",
    "invalid_reports",
    "invalid_reports_from",
    "sampler",
    "valid_reports",
    "valid_samples",
]
