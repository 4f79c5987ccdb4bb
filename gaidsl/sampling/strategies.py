"""Hypothesis strategies for reports of a spec: valid ones, and ones that break exactly one named check.

::

    from hypothesis import given
    from gaidsl import load_spec
    from gaidsl.testing import reports, samples, violating

    spec = load_spec("specs/gov_info_disclosure_2021.gai")

    @given(reports(spec))
    def test_my_validator_accepts(report): ...            # every check passes (cross-period: unverifiable)

    @given(samples(spec))
    def test_with_last_year(sample): ...                  # sample.report, sample.previous: every check passes

    @given(violating(spec, "balance"))
    def test_my_validator_rejects(sample): ...            # "balance" fails at sample.positions, all else passes

They use the machinery of :mod:`gaidsl.sampling.samples`: the free cells of the spec's linear structure are drawn by
Hypothesis
(zero, small or large — so failures shrink towards mostly-zero reports), the dependent cells are computed exactly,
bounds are repaired and the remaining checks tested with the reference evaluator (z3 only as a fallback). A
violation is found once per check with z3 (:func:`gaidsl.sampling.samples.invalid_reports`) and then replayed on every
drawn
valid sample as the same change of values (the difference keeps every other linear check intact); when the replay
does not give an exact violation, z3 searches again from the drawn sample.

A spec with open dimensions (docs/open-dimensions.md): each draw chooses how many members every open dimension gets
(0, 1, 2, 5 or 40, moved into its ``at least`` / ``at most`` range), samples the ordinary spec those members make,
and then gives the members keys drawn from the key pattern (``st.from_regex``) and labels drawn as any text, renaming
the report's cells to match. A violation is replayed on a spec of three members; the member-count checks are broken by
a report with one member too few or too many.

Which checks can be violated: :func:`violable_checks`. Asking :func:`violating` for a redundant check (one that
follows from the others, so no report breaks it alone) raises :class:`ValueError`.
"""

from __future__ import annotations

import random
import re
import weakref
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from gaidsl.checking.report import EnteredMember, Report
from gaidsl.language import ir
from gaidsl.sampling.open_samples import (
    VIOLATION_MEMBERS,
    closed_spec,
    count_violations,
    fixed_keys,
    members_for,
    with_members,
    within,
)
from gaidsl.sampling.record_samples import base_counts, member_choices, shape, valid_shapes, with_records
from gaidsl.sampling.record_samples import count_violation as record_count_violation
from gaidsl.sampling.record_samples import count_violations as record_count_violations
from gaidsl.sampling.sampler import Draft, Sampler
from gaidsl.sampling.samples import Sample, Violation, invalid_reports_from, sampler
from gaidsl.sampling.violate import finish, violation_for

_TEMPLATES: weakref.WeakKeyDictionary[ir.Spec, dict[str, tuple[Violation, Draft, Draft]]] = weakref.WeakKeyDictionary()


def _value(chosen: Sampler, slot: int) -> st.SearchStrategy[int]:
    """Values for one free variable, in the sampler's units: one integer draw (Hypothesis favours small and edge
    values and shrinks towards 0); amounts with up to 3 decimals; the year in the range the checks allow."""
    scale = chosen.scale
    if slot == chosen.year_slot:
        low, high = chosen.year_range
        return st.integers(low, high).map(lambda y: y * scale)
    kind = chosen.types[slot].kind
    if kind == "amount":
        places = min(3, chosen.decimals[slot])
        unit = scale // 10**places
        low = -(10**7) * 10**places if chosen.types[slot].signed else 0
        return st.integers(low, 10**7 * 10**places).map(lambda v: v * unit)
    low = -100_000 if kind == "integer" else 0
    return st.integers(low, 100_000).map(lambda v: v * scale)


_FREE: weakref.WeakKeyDictionary[ir.Spec, st.SearchStrategy[tuple[int, ...]]] = weakref.WeakKeyDictionary()


def _free_values(spec: ir.Spec) -> st.SearchStrategy[tuple[int, ...]]:
    """One strategy for all free values of a spec (built once: creating strategies per draw is slow)."""
    found = _FREE.get(spec)
    if found is None:
        chosen = sampler(spec)
        shared: dict[tuple[str, int, bool, bool], st.SearchStrategy[int]] = {}
        parts = []
        for slot in chosen.free:
            cell_type = chosen.types[slot]
            signature = (cell_type.kind, chosen.decimals[slot], slot == chosen.year_slot, cell_type.signed)
            if signature not in shared:
                shared[signature] = _value(chosen, slot)
            parts.append(shared[signature])
        found = _FREE[spec] = st.tuples(*parts)
    return found


@st.composite
def _valid(draw: Any, spec: ir.Spec, with_previous: bool) -> tuple[Sample, Draft]:
    chosen = sampler(spec)
    start = dict(zip(chosen.free, draw(_free_values(spec)), strict=True))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    return chosen.sample_and_draft(rng, with_previous, start)


def reports(spec: ir.Spec, valid: bool = True) -> st.SearchStrategy[Report]:
    """Reports of ``spec`` alone (no previous report).

    ``valid=True``: every check passes, except that cross-period checks are unverifiable. ``valid=False``: exactly
    one check fails (any of :func:`violable_checks` that reads no previous values), every other passes or, when
    it reads last year's values, is unverifiable."""
    if valid:
        if spec.records:
            return _records_valid(spec, False).map(lambda sample: sample.report)
        if spec.open_dimensions:
            return _open_valid(spec, False).map(lambda sample: sample.report)
        return _valid(spec, False).map(lambda pair: pair[0].report)
    keys = [k for k in violable_checks(spec) if spec.records or not spec.check(k).across_periods]
    if not keys:
        raise ValueError(f"no check of {spec.id} can fail alone without last year's report")
    return st.sampled_from(keys).flatmap(lambda key: violating(spec, key)).map(lambda s: s.report)


def samples(spec: ir.Spec, with_previous: bool | None = None) -> st.SearchStrategy[Sample]:
    """Valid samples: ``sample.report`` and (by default when the spec has cross-period checks) ``sample.previous``,
    last year's report; with it every check passes."""
    if spec.records:
        cross_period = any(c.across_periods for c in (*spec.checks, *spec.record_checks))
        return _records_valid(spec, cross_period if with_previous is None else with_previous)
    if spec.open_dimensions:
        cross_period = any(c.across_periods for c in spec.checks)
        return _open_valid(spec, cross_period if with_previous is None else with_previous)
    chosen = sampler(spec)
    return _valid(spec, chosen.cross_period if with_previous is None else with_previous).map(lambda pair: pair[0])


def violable_checks(spec: ir.Spec) -> list[str]:
    """The checks a report can break alone (every check except the redundant ones), in spec order."""
    if spec.records:  # bounded: at the records of the violations' shape (docs/records.md)
        made = shape(spec, *base_counts(spec))
        return [*violable_checks(made.closed), *(key for key, _ in record_count_violations(spec))]
    if spec.open_dimensions:
        base = closed_spec(spec, _base_counts(spec))
        return [*violable_checks(base), *(key for key, _ in count_violations(spec))]
    templates = _templates(spec)
    return [c.key for c in spec.checks if templates[c.key][0].sample is not None]


def violating(spec: ir.Spec, check_key: str) -> st.SearchStrategy[Sample]:
    """Samples in which ``check_key`` fails (at ``sample.positions``) and every other check passes, given
    ``sample.previous`` (last year's report, present when the spec has cross-period checks, except for a check
    that only cross-period checks imply: it fails alone only without last year's report)."""
    if spec.records:
        return _records_violating(spec, check_key)
    if spec.open_dimensions:
        return _open_violating(spec, check_key)
    spec.check(check_key)  # KeyError for an unknown check
    violation, before, after = _templates(spec)[check_key]
    if violation.sample is None:
        raise ValueError(f"check {check_key!r} follows from the others: no report breaks it alone")
    with_previous = violation.sample.previous is not None
    return _valid(spec, with_previous).map(lambda pair: _replay(spec, check_key, pair, violation, before, after))


def _templates(spec: ir.Spec) -> dict[str, tuple[Violation, Draft, Draft]]:
    """Per check: the violation z3 found, and the assignments before and after (computed once per spec)."""
    found = _TEMPLATES.get(spec)
    if found is None:
        chosen = sampler(spec)
        base_sample, violations = invalid_reports_from(spec, seed=0)
        found = {}
        for violation in violations:
            if violation.sample is None:
                found[violation.check] = (violation, chosen.draft_of(base_sample), chosen.draft_of(base_sample))
                continue
            start = attrs.evolve(base_sample, previous=violation.sample.previous and base_sample.previous)
            found[violation.check] = (violation, chosen.draft_of(start), chosen.draft_of(violation.sample))
        _TEMPLATES[spec] = found
    return found


def _replay(
    spec: ir.Spec, check_key: str, pair: tuple[Sample, Draft], violation: Violation, before: Draft, after: Draft
) -> Sample:
    chosen = sampler(spec)
    check = spec.check(check_key)
    sample, _ = pair
    drawn = chosen.draft_of(sample)
    x = [v + (a - b) for v, a, b in zip(drawn.x, after.x, before.x, strict=True)]
    texts = dict(drawn.texts)
    texts.update({k: v for k, v in after.texts.items() if before.texts.get(k) != v})
    if all(x[s] >= 0 for s in range(len(x)) if chosen.floor[s] is not None):
        replayed = finish(chosen, check, x, texts, sample, single=violation.single_position)
        if replayed.exact and replayed.sample is not None:
            return replayed.sample
    again = violation_for(chosen, check, sample, drawn, random.Random(0))
    assume(again.exact and again.sample is not None)
    assert again.sample is not None
    return again.sample


# ---------------------------------------------------------------------------------------------------- records


def _records_valid(spec: ir.Spec, with_previous: bool) -> st.SearchStrategy[Sample]:
    """Valid samples with 0, 1 and many records (and an open dimension's member counts), docs/records.md."""
    shapes = [shape(spec, m, r) for m, r in valid_shapes(spec, member_choices(spec))]
    return st.sampled_from(shapes).flatmap(
        lambda made: _valid(made.closed, with_previous).map(lambda pair: with_records(pair[0], made))
    )


def _records_violating(spec: ir.Spec, check_key: str) -> st.SearchStrategy[Sample]:
    member_count, _ = base_counts(spec)
    wrong = dict(record_count_violations(spec)).get(check_key)
    if wrong is not None:
        return st.integers(0, 2**32 - 1).map(
            lambda seed: _records_count_sample(spec, check_key, member_count, wrong, seed)
        )
    made = shape(spec, *base_counts(spec))
    return violating(made.closed, check_key).map(lambda s: with_records(s, made))


def _records_count_sample(
    spec: ir.Spec, check_key: str, member_count: dict[str, int], counts: dict[str, int], seed: int
) -> Sample:
    found = record_count_violation(spec, check_key, member_count, counts, seed)
    assume(found.sample is not None)
    assert found.sample is not None
    return found.sample


# ---------------------------------------------------------------------------------------------------- open specs

_OPEN_COUNTS = (0, 1, 2, 5, 40)


def _base_counts(spec: ir.Spec) -> dict[str, int]:
    return {d: within(o, VIOLATION_MEMBERS) for d, o in spec.open_dimensions.items()}


def _open_valid(spec: ir.Spec, with_previous: bool) -> st.SearchStrategy[Sample]:
    choices: list[dict[str, int]] = []
    for count in _OPEN_COUNTS:
        counts = {d: within(o, count) for d, o in spec.open_dimensions.items()}
        if counts not in choices:
            choices.append(counts)
            closed_spec(spec, counts)  # keys made now, not while a test runs (they may need Hypothesis' ``find``)
    return st.sampled_from(choices).flatmap(lambda counts: _closed_sample(spec, counts, with_previous))


def _closed_sample(spec: ir.Spec, counts: dict[str, int], with_previous: bool) -> st.SearchStrategy[Sample]:
    closed = closed_spec(spec, counts)
    made = _valid(closed, with_previous).map(lambda pair: with_members(pair[0], members_for(spec, counts)))
    return _renamed(spec, made)


def _open_violating(spec: ir.Spec, check_key: str) -> st.SearchStrategy[Sample]:
    wrong_counts = dict(count_violations(spec)).get(check_key)
    if wrong_counts is not None:
        closed_spec(spec, wrong_counts)  # keys made now, as in _open_valid
        return st.integers(0, 2**32 - 1).map(lambda seed: _count_violation(spec, check_key, wrong_counts, seed))
    counts = _base_counts(spec)
    closed = closed_spec(spec, counts)
    return _renamed(spec, violating(closed, check_key).map(lambda s: with_members(s, members_for(spec, counts))))


def _count_violation(spec: ir.Spec, check_key: str, counts: dict[str, int], seed: int) -> Sample:
    """A valid sample with a member count that breaks ``check_key`` (one too few or one too many), drawn from a
    seed: with ``at most 200`` it has 201 members, too many for Hypothesis to draw value by value."""
    sample = sampler(closed_spec(spec, counts)).sample(random.Random(seed), False)
    return attrs.evolve(with_members(sample, members_for(spec, counts)), check=check_key, positions=(None,))


@st.composite
def _renamed(draw: Any, spec: ir.Spec, made: st.SearchStrategy[Sample]) -> Sample:
    """A sample whose members get keys drawn from their key pattern and labels drawn as any text (its cells and
    positions renamed to match)."""
    sample: Sample = draw(made)
    names: dict[str, str] = {}
    members: dict[str, tuple[EnteredMember, ...]] = {}
    for dimension, entered in sample.report.members.items():
        opened = spec.open_dimensions[dimension]
        size = len(entered)
        keys = draw(
            st.lists(_key(opened.key_pattern, fixed_keys(spec, dimension)), min_size=size, max_size=size, unique=True)
        )
        labels = draw(st.lists(_LABELS, min_size=len(entered), max_size=len(entered)))
        names.update({m.key: k for m, k in zip(entered, keys, strict=True)})
        members[dimension] = tuple(EnteredMember(k, lab) for k, lab in zip(keys, labels, strict=True))
    report = _rename(sample.report, names, members)
    previous = _rename(sample.previous, names, members) if sample.previous is not None else None
    positions = tuple(names.get(p, p) if p is not None else None for p in sample.positions)
    return attrs.evolve(sample, report=report, previous=previous, positions=positions)


_LABELS = st.text(min_size=1, max_size=16).map(str.strip).filter(bool)
_PLAIN = re.compile(r"[^.\s\[\]<>]+")


def _key(pattern: str | None, fixed: frozenset[str]) -> st.SearchStrategy[str]:
    drawn = st.from_regex(pattern, fullmatch=True) if pattern is not None else st.text(min_size=1, max_size=12)
    return drawn.filter(lambda k: k == k.strip() and _PLAIN.fullmatch(k) is not None and k not in fixed)


def _rename(report: Report, names: dict[str, str], members: dict[str, tuple[EnteredMember, ...]]) -> Report:
    values = {}
    for key, value in report.values.items():
        table, _, rest = key.partition(".")
        row, dot, column = rest.partition(".")
        values[f"{table}.{names[row]}.{column}" if dot and row in names else key] = value
    return attrs.evolve(report, values=values, members=members)


__all__ = ["reports", "samples", "violable_checks", "violating"]
