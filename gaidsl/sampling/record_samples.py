"""Samples of a spec with lists of records (docs/records.md): valid reports with 0, 1 and many records, and reports
that break exactly one check.

Bounded, as for open dimensions: a report of a spec with records is a report of the ordinary spec its records make
(:func:`gaidsl.checking.records.close_records`). So a sample is: choose how many records each list gets (0, 1 and
:data:`MANY`, moved into its ``at least`` / ``at most`` range), fix the fields that are not numbers (a member
reference cycles through the members a record may name, a choice through its choices, a text reads "label N", a date
is fixed; with no member to name, no record: :func:`nameable`) — every ``where`` is then decided — close the spec,
and let the ordinary sampler find the numbers. The record-count rules are left out while sampling and broken on
purpose by a sample with one record too few or too many. Every other check is violated as in a fixed spec, at
:data:`VIOLATION_RECORDS` records.
"""

from __future__ import annotations

import random
import weakref
from collections.abc import Mapping, Sequence

import attrs

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.open_members import close
from gaidsl.checking.record_data import member_keys
from gaidsl.checking.records import close_records
from gaidsl.checking.report import EnteredMember, Report, Value
from gaidsl.language import ir
from gaidsl.sampling.open_samples import VIOLATION_MEMBERS, member_counts, members_for, within
from gaidsl.sampling.sampler import Sample, SampleError, Sampler, pin_texts, sampler
from gaidsl.sampling.solver import Draft
from gaidsl.sampling.violate import Violation, violation_for

MANY = 12  # the record count of the third valid sample
RECORD_SAMPLE_COUNTS = (0, 1, MANY)
VIOLATION_RECORDS = 3
SAMPLE_DATE = "2024-06-30"

Counts = Mapping[str, int]
Members = Mapping[str, tuple[EnteredMember, ...]]


def has_records(spec: ir.Spec) -> bool:
    return bool(spec.records)


def records_within(records: ir.RecordList, count: int) -> int:
    count = max(count, records.at_least)
    return count if records.at_most is None else min(count, records.at_most)


def record_counts(spec: ir.Spec) -> list[dict[str, int]]:
    """The record counts of valid samples in turn: 0, 1 and :data:`MANY`, each moved into the list's range."""
    found: list[dict[str, int]] = []
    for wanted in RECORD_SAMPLE_COUNTS:
        counts = {k: records_within(r, wanted) for k, r in spec.records.items()}
        if counts not in found:
            found.append(counts)
    return found


def nameable(spec: ir.Spec, member_count: Counts, counts: Counts) -> bool:
    """Whether every record of a shape has a member to name in each ``member of D`` field: a fixed leaf of D or one
    of the ``member_count[D]`` entered members. With none, a list whose records name D can only be empty (a record
    naming no member is refused, GAI774): its ``at least`` then decides whether the shape is a valid report."""
    for records in spec.records.values():
        if counts[records.key] == 0:
            continue
        for field in records.fields:
            dimension = field.dimension
            if dimension is not None and not member_keys(spec, dimension) and member_count.get(dimension, 0) == 0:
                return False
    return True


def valid_shapes(spec: ir.Spec, member_choices: Sequence[Counts]) -> list[tuple[Counts, Counts]]:
    """The (member counts, record counts) pairs of valid samples: each member choice with 0, 1 and :data:`MANY`
    records (:func:`record_counts`), those a report can have (:func:`nameable`); an error if none can."""
    found: list[tuple[Counts, Counts]] = [
        (m, r) for m in member_choices for r in record_counts(spec) if nameable(spec, m, r)
    ]
    if not found:
        raise SampleError(f"no valid report of {spec.id}: its records name members no sample has")
    return found


def fixed_values(spec: ir.Spec, members: Members, counts: Counts, variant: int = 0) -> dict[str, Value]:
    """The values of the records' fields that are not numbers (see the module's docstring). ``variant`` 0 cycles a
    member field through its members; variant N > 0 gives every record the same member (the Nth, wrapping) and
    starts the choices at the Nth: other shapes, tried for a check no report of the first shape breaks alone."""
    values: dict[str, Value] = {}
    for records in spec.records.values():
        for index in range(1, counts[records.key] + 1):
            for field in records.fields:
                key = records.cell_key(str(index), field.key)
                if field.dimension is not None:
                    allowed = [*member_keys(spec, field.dimension), *(m.key for m in members.get(field.dimension, ()))]
                    if not allowed:
                        raise SampleError(
                            f"field {field.key!r} of {records.key!r} names a member of {field.dimension!r}, which has "
                            "none in this sample"
                        )
                    at = index - 1 if variant == 0 else variant - 1
                    values[key] = allowed[at % len(allowed)]
                elif field.type.kind == "choice":
                    values[key] = field.type.choices[(index - 1 + variant) % len(field.type.choices)]
                elif field.type.kind == "date":
                    values[key] = SAMPLE_DATE
                elif field.type.kind == "text":
                    values[key] = f"{records.label} {index}"
    return values


@attrs.frozen
class Shape:
    """One shape of sample: its open dimensions' members, its record counts and fixed values, and the closed spec
    (without the count checks) the ordinary sampler fills."""

    members: Members
    counts: Counts
    fixed: Mapping[str, Value]
    closed: ir.Spec


_ShapeKey = tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...], int]
_SHAPES: weakref.WeakKeyDictionary[ir.Spec, dict[_ShapeKey, Shape]] = weakref.WeakKeyDictionary()


def shape(spec: ir.Spec, member_count: Counts, counts: Counts, variant: int = 0) -> Shape:
    """The closed spec of a sample (cached per spec, counts and variant, so its sampler is built once)."""
    cache = _SHAPES.setdefault(spec, {})
    key = (tuple(sorted(member_count.items())), tuple(sorted(counts.items())), variant)
    found = cache.get(key)
    if found is None:
        members = members_for(spec, member_count)
        fixed = fixed_values(spec, members, counts, variant)
        skeleton = Report(spec.id, spec.version, values=fixed, members=members, records=dict(counts))
        whole = close_records(close(spec, members), skeleton)
        closed = attrs.evolve(whole, checks=tuple(c for c in whole.checks if c.origin != "members"))
        pin_texts(closed, _texts_of(fixed))
        found = cache[key] = Shape(members, dict(counts), fixed, closed)
    return found


def _texts_of(fixed: Mapping[str, Value]) -> dict[str, str]:
    return {key: value for key, value in fixed.items() if isinstance(value, str)}


def with_records(sample: Sample, made: Shape) -> Sample:
    """``sample`` of the closed spec as a report of the spec: member lists, record counts and the fixed values; last
    year's report too (drawn from the same closed spec, so it holds as many records: without its counts its record
    values were written as unknown cell keys)."""

    def opened(report: Report) -> Report:
        values = {**report.values, **made.fixed}
        return attrs.evolve(report, values=values, members=made.members, records=dict(made.counts))

    previous = None if sample.previous is None else opened(sample.previous)
    return attrs.evolve(sample, report=opened(sample.report), previous=previous)


def member_choices(spec: ir.Spec) -> list[dict[str, int]]:
    """The member counts of valid samples (0, 1 and 40 entered members, :func:`member_counts`; one choice, no
    count, for a spec without open dimensions)."""
    return member_counts(spec) if spec.open_dimensions else [{}]


def _counts_of(spec: ir.Spec, number: int) -> tuple[Counts, Counts]:
    """The member and record counts of the ``number``-th valid sample: the two cycles side by side, except that a
    sample whose records would name a member none is entered for takes the first member count that has one."""
    choices, record_choices = member_choices(spec), record_counts(spec)
    counts: Counts = record_choices[number % len(record_choices)]
    members: Counts = choices[number % len(choices)]
    if not nameable(spec, members, counts):
        shapes = valid_shapes(spec, choices)
        possible = [m for m, r in shapes if r == counts]
        members, counts = (possible[0], counts) if possible else shapes[number % len(shapes)]
    return members, counts


def record_valid_samples(spec: ir.Spec, n: int, seed: int = 0, with_previous: bool | None = None) -> list[Sample]:
    """``n`` valid samples, cycling through 0, 1 and many records (and an open dimension's member counts)."""
    rng = random.Random(seed)
    previous = any(c.across_periods for c in (*spec.checks, *spec.record_checks))
    previous = previous if with_previous is None else with_previous
    found: list[Sample] = []
    for number in range(n):
        made, _, (sample, _) = _base(spec, *_counts_of(spec, number), rng, previous)
        found.append(with_records(sample, made))
    return found


def base_counts(spec: ir.Spec) -> tuple[dict[str, int], dict[str, int]]:
    """The member and record counts of the sample the violations start from."""
    members = {d: within(o, VIOLATION_MEMBERS) for d, o in spec.open_dimensions.items()}
    return members, {k: records_within(r, VIOLATION_RECORDS) for k, r in spec.records.items()}


def count_violations(spec: ir.Spec) -> list[tuple[str, dict[str, int]]]:
    """Each record-count check with the record counts that break only it."""
    _, smallest = base_counts(spec)
    found: list[tuple[str, dict[str, int]]] = []
    for key, records in spec.records.items():
        if records.at_least > 0:
            found.append((f"records.{key}.at_least", {**smallest, key: records.at_least - 1}))
        if records.at_most is not None:
            found.append((f"records.{key}.at_most", {**smallest, key: records.at_most + 1}))
    return found


def record_invalid_reports(
    spec: ir.Spec, seed: int = 0, checks: Sequence[str] | None = None
) -> tuple[Sample, list[Violation]]:
    """For every check (or those named), a sample failing exactly it, or word that it is redundant; with the valid
    sample the violations start from. The count checks come last, as the evaluator lists them."""
    rng = random.Random(seed)
    member_count, counts = base_counts(spec)
    made, chosen, (base_sample, base) = _base(spec, member_count, counts, rng)
    violations: list[Violation] = []
    reading = {c.key for c in spec.record_checks}
    for check in made.closed.checks:
        if checks is not None and check.key not in checks:
            continue
        found = violation_for(chosen, check, base_sample, base, rng)
        if found.sample is not None:
            found = attrs.evolve(found, sample=with_records(found.sample, made))
        elif check.key in reading:
            found = _in_other_shapes(spec, check.key, member_count, counts, rng) or found
        if found.sample is None and check.key in reading:  # bounded: fields other than numbers were fixed: no proof
            note = (
                f"no violation with {dict(counts)} records whose fields other than numbers are fixed (bounded "
                "search: not a proof that the check follows from the others)"
            )
            found = attrs.evolve(found, redundant=False, note=note, exact=False)
        violations.append(found)
    for key, wrong in count_violations(spec):
        if checks is None or key in checks:
            violations.append(count_violation(spec, key, member_count, wrong, rng.randrange(2**32)))
    return with_records(base_sample, made), violations


VARIANTS = 4  # other shapes tried for a check that reads records (fixed_values' variants 1…4)


def _base(
    spec: ir.Spec, member_count: Counts, counts: Counts, rng: random.Random, previous: bool | None = None
) -> tuple[Shape, Sampler, tuple[Sample, Draft]]:
    """A shape of these counts and a valid sample of it (with last year's report when ``previous``, by default
    when the checks read it): the first variant that has one, since the fields that are not numbers of the first
    may break a check (``fund == "budget" or status == "ongoing"``)."""
    for variant in range(VARIANTS + 1):
        made = shape(spec, member_count, counts, variant)
        chosen = sampler(made.closed)
        try:
            return made, chosen, chosen.sample_and_draft(rng, chosen.cross_period if previous is None else previous)
        except SampleError:
            if variant == VARIANTS:
                raise
    raise AssertionError("unreachable")


def _in_other_shapes(
    spec: ir.Spec, key: str, member_count: Counts, counts: Counts, rng: random.Random
) -> Violation | None:
    """A violation of ``key`` in a shape whose records name other members (and start at other choices)."""
    for variant in range(1, VARIANTS + 1):
        made = shape(spec, member_count, counts, variant)
        check = next(c for c in made.closed.checks if c.key == key)
        chosen = sampler(made.closed)
        try:
            base_sample, base = chosen.sample_and_draft(rng, chosen.cross_period)
        except SampleError:  # no valid report of this shape: perhaps ``key`` alone fails in every one
            found = _without(spec, made, key, rng)
            if found is not None:
                return found
            continue
        found = violation_for(chosen, check, base_sample, base, rng)
        if found.sample is not None:
            return attrs.evolve(found, sample=with_records(found.sample, made))
    return None


def _without(spec: ir.Spec, made: Shape, key: str, rng: random.Random) -> Violation | None:
    """A report of the shape that keeps every check but ``key``, if ``key`` then fails and nothing else does (a
    check the shape's records decide: ``exists(projects where fund == budget)`` with every record on own income)."""
    others = attrs.evolve(made.closed, checks=tuple(c for c in made.closed.checks if c.key != key))
    pin_texts(others, _texts_of(made.fixed))
    try:
        sample = with_records(sampler(others).sample(rng), made)
    except SampleError:
        return None
    results = evaluate(spec, sample.report, sample.previous, explain_passes=False).results
    failing = [r for r in results if r.status == "fail"]
    if {r.check for r in failing} != {key}:
        return None
    positions = tuple(r.position for r in failing)
    return Violation(key, attrs.evolve(sample, check=key, positions=positions), single_position=len(positions) == 1)


def count_violation(spec: ir.Spec, key: str, member_count: Counts, counts: Counts, seed: int) -> Violation:
    try:
        made, _, (sample, _) = _base(spec, member_count, counts, random.Random(seed))
        sample = with_records(sample, made)
    except SampleError as exc:  # e.g. ``at most 500``: 501 records may be more than the solver settles
        return Violation(key, None, note=f"no sample with {dict(counts)} records: {exc}", exact=False)
    broken = attrs.evolve(sample, check=key, positions=(None,))
    failing = {r.check for r in evaluate(spec, broken.report, broken.previous, explain_passes=False).failures}
    exact = failing == {key}
    return Violation(key, broken, note="" if exact else f"not exact: {sorted(failing)} fail", exact=exact)
