"""Samples of a spec with open dimensions (docs/open-dimensions.md): valid reports with 0, 1 and many entered
members, and reports that break exactly one check.

A report of an open spec is a report of the ordinary spec its members make
(:func:`gaidsl.checking.open_members.close`). So a sample is: choose how many members each open dimension gets
(:func:`member_counts`: 0, 1 and 40, each moved into the ``at least`` / ``at most`` range), make that many keys that
match the key pattern (:func:`member_keys`, always the same keys for the same count, so the closed spec and its
sampler are built once per count), close the spec, and sample the closed spec with the ordinary sampler; the report
then carries the member list. The member-count rules (``members.<d>.at_least`` / ``at_most``) are left out of the
closed spec while sampling (with a count outside the range no report could pass them) and broken on purpose by a
sample with one member too few or too many, otherwise valid. Every other check is violated as in a fixed spec, at a
spec with :data:`VIOLATION_MEMBERS` members, so its positions are entered members.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import string
import weakref
from collections.abc import Iterator, Mapping, Sequence

import attrs
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.open_members import close
from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.sampling.sampler import Sample, SampleError, sampler
from gaidsl.sampling.spelled_keys import spelled_out
from gaidsl.sampling.violate import Violation, violation_for

SAMPLE_COUNTS = (0, 1, 40)  # the member counts valid samples cycle through (moved into each dimension's range)
VIOLATION_MEMBERS = 3  # members of the sample a check's violation starts from (so positions are entered members)
_TRIES_PER_FAMILY = 2_000  # candidate keys tried per family and length before trying the next
_FORBIDDEN = re.compile(r"[.\s\[\]<>]")  # never in an entered key (it sits between dots in a cell key)

Counts = Mapping[str, int]


def is_open(spec: ir.Spec) -> bool:
    return bool(spec.open_dimensions)


def member_counts(spec: ir.Spec) -> list[dict[str, int]]:
    """The member counts of valid samples, in the order they are used: 0, 1 and 40 moved into each dimension's
    ``at least`` / ``at most`` range (duplicates dropped)."""
    found: list[dict[str, int]] = []
    for wanted in SAMPLE_COUNTS:
        counts = {d: within(o, wanted) for d, o in spec.open_dimensions.items()}
        if counts not in found:
            found.append(counts)
    return found


def within(opened: ir.OpenMembers, count: int) -> int:
    """``count`` moved into the dimension's range (and to at most the codes of its code list, if it has one)."""
    count = max(count, opened.at_least)
    if opened.coded is not None and opened.coded.codes:
        count = min(count, max(len(_listed_codes(opened)), opened.at_least))
    return count if opened.at_most is None else min(count, opened.at_most)


def _listed_codes(opened: ir.OpenMembers) -> list[str]:
    """The code list's codes a report can enter, parents before children (a code sorts after its prefixes): those
    that match the key pattern and whose every parent is listed too. The first N of them are a whole tree."""
    coded = opened.coded
    assert coded is not None
    pattern = re.compile(opened.key_pattern) if opened.key_pattern is not None else None
    usable: list[str] = []
    for code in sorted(coded.codes):
        parent = coded.parent_of(code)
        if (pattern is None or pattern.fullmatch(code)) and (parent is None or parent in usable):
            usable.append(code)
    return usable


def _coded_members(opened: ir.OpenMembers, count: int, taken: frozenset[str]) -> tuple[tuple[str, str], ...] | None:
    """Keys and labels of a coded hierarchy (docs/open-dimensions.md#coded-hierarchies): the first codes of its code
    list with their official names, or, with levels only, a tree of codes (a first-level code, its children,
    theirs, then the next first-level code); ``None`` for a dimension that is not coded."""
    coded = opened.coded
    if coded is None or count == 0:
        return None
    if coded.codes:
        usable = [c for c in _listed_codes(opened) if c not in taken]
        if len(usable) < count:
            raise SampleError(
                f"the code list of open dimension {opened.dimension!r} has {len(usable)} codes, not {count}"
            )
        return tuple((c, coded.codes[c]) for c in usable[:count])
    if not coded.levels:
        return None
    pattern = re.compile(opened.key_pattern) if opened.key_pattern is not None else None
    lengths = [level.length for level in coded.levels]
    found: list[tuple[str, str]] = []

    def grow(code: str, depth: int) -> None:
        if len(found) == count or code in taken or (pattern is not None and pattern.fullmatch(code) is None):
            return
        found.append((code, f"{coded.levels[depth].label or ''}{code}"))
        if depth + 1 < len(lengths):
            width = lengths[depth + 1] - lengths[depth]
            for child in range(1, min(3, 10**width - 1) + 1):
                grow(code + str(child).zfill(width), depth + 1)

    for root in range(1, 10 ** lengths[0]):
        grow(str(root).zfill(lengths[0]), 0)
        if len(found) == count:
            return tuple(found)
    raise SampleError(f"no {count} sample codes fit the levels and key pattern of open dimension {opened.dimension!r}")


@functools.cache
def member_keys(opened: ir.OpenMembers, count: int, taken: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """``count`` distinct keys that match the dimension's key pattern, the same ones every time: upper-case codes
    (``AAA``, ``AAB`` …), digit codes (``000``, ``001`` …), lower-case names, then letters with digits, then the
    simplest keys Hypothesis makes from the pattern; a :class:`SampleError` when the pattern has fewer than
    ``count`` keys. ``taken``: the fixed
    members' keys, never used."""
    keys: list[str] = []
    if count == 0:
        return ()
    pattern = re.compile(opened.key_pattern) if opened.key_pattern is not None else None
    for candidate in _candidates():
        if candidate in taken or (pattern is not None and pattern.fullmatch(candidate) is None):
            continue
        keys.append(candidate)
        if len(keys) == count:
            return tuple(keys)
    if opened.key_pattern is not None:  # e.g. "20[0-9]{5}" or Chinese names: the simplest keys the pattern makes
        keys.extend(_simplest_keys(opened.key_pattern, count - len(keys), frozenset(keys) | taken))
        if len(keys) == count:
            return tuple(keys)
    raise SampleError(
        f"no {count} sample keys match the key pattern {opened.key_pattern!r} of open dimension {opened.dimension!r}"
    )


def _candidates() -> Iterator[str]:
    families = (
        string.ascii_uppercase,
        string.digits,
        string.ascii_lowercase,
        string.ascii_uppercase + string.digits,
        string.ascii_lowercase + string.digits,
    )
    seen: set[str] = set()
    for length in (3, 2, 4, 5, 1, 6, 7, 8, 9, 10, 12):
        for alphabet in families:
            for letters in itertools.islice(itertools.product(alphabet, repeat=length), _TRIES_PER_FAMILY):
                candidate = "".join(letters)
                if candidate not in seen:
                    seen.add(candidate)
                    yield candidate


_FIND = settings(database=None, max_examples=500, suppress_health_check=list(HealthCheck))


def _simplest_keys(pattern: str, count: int, taken: frozenset[str]) -> list[str]:
    """Up to ``count`` further keys the pattern makes: the first ones :func:`spelled_out` lists (``2000000``,
    ``2000001`` … for ``20[0-9]{5}``), or, for a pattern it cannot spell out, each the simplest one Hypothesis finds
    (``from_regex``, shrunk; deterministic), one key at a time: shrinking a whole list of 40 takes minutes, a key a
    tenth of a second."""
    spelled = spelled_out(pattern)
    if spelled is not None:
        keys: dict[str, None] = {}  # a key spelled two ways (``a|a``) is one key
        for key in spelled:
            if key not in taken and _FORBIDDEN.search(key) is None:
                keys[key] = None
                if len(keys) == count:
                    break
        return list(keys)
    found: list[str] = []
    for number in range(count):
        try:
            key = find(
                st.from_regex(pattern, fullmatch=True),
                lambda k: k not in taken and k not in found and _FORBIDDEN.search(k) is None,
                settings=_FIND,
                random=random.Random(number),
            )
        except (NoSuchExample, Unsatisfiable):
            break
        found.append(key)
    return found


def members_for(spec: ir.Spec, counts: Counts) -> dict[str, tuple[EnteredMember, ...]]:
    """The member lists of a sample with ``counts`` members: keys from :func:`member_keys`, labels the
    dimension's label and a number ("Component 1" …)."""
    members: dict[str, tuple[EnteredMember, ...]] = {}
    for dimension, opened in spec.open_dimensions.items():
        coded = _coded_members(opened, counts[dimension], fixed_keys(spec, dimension))
        if coded is not None:
            members[dimension] = tuple(EnteredMember(k, label) for k, label in coded)
            continue
        name = _dimension_label(spec, dimension)
        keys = member_keys(opened, counts[dimension], fixed_keys(spec, dimension))
        members[dimension] = tuple(EnteredMember(k, f"{name} {i}") for i, k in enumerate(keys, 1))
    return members


def fixed_keys(spec: ir.Spec, dimension: str) -> frozenset[str]:
    """The keys of the fixed members of an open dimension (and its slot)."""
    return frozenset(
        m.key
        for t in spec.tables.values()
        if t.rows is not None and t.rows.open is not None and t.rows.open.dimension == dimension
        for m in t.rows.members
    )


def _dimension_label(spec: ir.Spec, dimension: str) -> str:
    for table in spec.tables.values():
        if table.rows is not None and table.rows.open is not None and table.rows.open.dimension == dimension:
            return table.rows.label or dimension
    return dimension


_CLOSED: weakref.WeakKeyDictionary[ir.Spec, dict[tuple[tuple[str, int], ...], ir.Spec]] = weakref.WeakKeyDictionary()


def closed_spec(spec: ir.Spec, counts: Counts) -> ir.Spec:
    """The ordinary spec of a sample with ``counts`` members, without the member-count checks (cached, so its
    sampler is built once)."""
    cache = _CLOSED.setdefault(spec, {})
    key = tuple(sorted(counts.items()))
    found = cache.get(key)
    if found is None:
        whole = close(spec, members_for(spec, counts))
        found = cache[key] = attrs.evolve(whole, checks=tuple(c for c in whole.checks if c.origin != "members"))
    return found


def with_members(sample: Sample, members: Mapping[str, tuple[EnteredMember, ...]]) -> Sample:
    """``sample`` with the member lists on its report and on last year's (the same members: cross-period checks
    then read every member's last year's values)."""
    previous = attrs.evolve(sample.previous, members=members) if sample.previous is not None else None
    return attrs.evolve(sample, report=attrs.evolve(sample.report, members=members), previous=previous)


def _cross_period(spec: ir.Spec) -> bool:
    return any(c.across_periods for c in spec.checks)


def open_valid_samples(spec: ir.Spec, n: int, seed: int = 0, with_previous: bool | None = None) -> list[Sample]:
    """``n`` valid samples of an open spec, cycling through the counts of :func:`member_counts`."""
    rng = random.Random(seed)
    counts = member_counts(spec)
    chosen_previous = _cross_period(spec) if with_previous is None else with_previous
    found: list[Sample] = []
    for number in range(n):
        wanted = counts[number % len(counts)]
        closed = closed_spec(spec, wanted)
        sample = sampler(closed).sample(rng, chosen_previous)
        found.append(with_members(sample, members_for(spec, wanted)))
    return found


def open_invalid_reports(
    spec: ir.Spec, seed: int = 0, checks: Sequence[str] | None = None
) -> tuple[Sample, list[Violation]]:
    """For every check (or those named) of an open spec, a sample failing exactly it, or word that it is redundant;
    with the valid sample (of :data:`VIOLATION_MEMBERS` members) the violations start from. The member-count checks
    come last, as the evaluator lists them."""
    rng = random.Random(seed)
    base_counts = {d: within(o, VIOLATION_MEMBERS) for d, o in spec.open_dimensions.items()}
    closed = closed_spec(spec, base_counts)
    chosen = sampler(closed)
    base_sample, base = chosen.sample_and_draft(rng, chosen.cross_period)
    members = members_for(spec, base_counts)
    violations: list[Violation] = []
    for check in closed.checks:
        if checks is not None and check.key not in checks:
            continue
        found = violation_for(chosen, check, base_sample, base, rng)
        if found.sample is not None:
            found = attrs.evolve(found, sample=with_members(found.sample, members))
        violations.append(found)
    for key, counts in count_violations(spec):
        if checks is None or key in checks:
            violations.append(_count_violation(spec, key, counts, rng))
    return with_members(base_sample, members), violations


def count_violations(spec: ir.Spec) -> list[tuple[str, dict[str, int]]]:
    """Each member-count check with the counts that break only it: one member fewer than ``at least``, one more
    than ``at most``, every other dimension at its smallest valid count."""
    smallest = {d: within(o, 1) for d, o in spec.open_dimensions.items()}
    found: list[tuple[str, dict[str, int]]] = []
    for dimension, opened in spec.open_dimensions.items():
        if opened.at_least > 0:
            found.append((f"members.{dimension}.at_least", {**smallest, dimension: opened.at_least - 1}))
        if opened.at_most is not None:
            found.append((f"members.{dimension}.at_most", {**smallest, dimension: opened.at_most + 1}))
    return found


def _count_violation(spec: ir.Spec, key: str, counts: dict[str, int], rng: random.Random) -> Violation:
    closed = closed_spec(spec, counts)
    sample = sampler(closed).sample(rng)
    broken = attrs.evolve(with_members(sample, members_for(spec, counts)), check=key, positions=(None,))
    failing = {r.check for r in evaluate(spec, broken.report, broken.previous, explain_passes=False).failures}
    exact = failing == {key}
    return Violation(key, broken, note="" if exact else f"not exact: {sorted(failing)} fail", exact=exact)


__all__ = [
    "SAMPLE_COUNTS",
    "VIOLATION_MEMBERS",
    "closed_spec",
    "count_violations",
    "fixed_keys",
    "is_open",
    "member_counts",
    "member_keys",
    "members_for",
    "open_invalid_reports",
    "open_valid_samples",
    "with_members",
    "within",
]
