"""Spec analysis over open dimensions (docs/open-dimensions.md#spec-analysis): bounded instances, said in the output.

A spec with open dimensions stands for a family of ordinary specs, one per list of entered members. Analysis asks
its questions of a few of them, the *instances*: each open dimension with 0, 1, 2 and 3 members (moved into its
``at least`` / ``at most``), and for a coded hierarchy the shapes of its levels (one 类; two; a 类 with its 款; a 类
with two 款; a chain down to the last level …), each made an ordinary spec by
:func:`gaidsl.checking.open_members.close` exactly as the reference evaluator makes a report's. So:

* a **contradiction** found in an instance is one: no report with those members is valid (it is reported with the
  members it needs, and the checks named are the spec's own, at the entered member's position);
* a contradiction that needs more members than the instances have is **not** found: the output says which
  instances were searched ("contradictions searched with 0–3 members");
* a check is called **redundant** only when it is so in every instance (bounded, and said so); bounds of a slot
  cell (``requests.<component>.received``) are the hull over every member of every instance.

The member rules are reasoned over first, without instances: ``at least N`` with a key pattern or a code list that
allows fewer than N distinct keys cannot hold (the count of a pattern's keys is an upper bound read off the regular
expression; a pattern with no such bound is never called contradictory).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from gaidsl.analysis.bounds import Bound
from gaidsl.analysis.consistency import Analysis, Conflict, Redundancy, analyze
from gaidsl.analysis.encoding import DEFAULT_TIMEOUT_MS, VarKey
from gaidsl.analysis.records import (
    Closed,
    Probe,
    close_symbolic,
    describe_counts,
    nameable,
    record_counts,
    vacuous,
)
from gaidsl.analysis.records import searched as searched_records
from gaidsl.checking.open_members import close, count_rule_checks
from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

BOUND = 3  # members per open dimension in the instances (0 … BOUND, moved into the dimension's range)
MANY = 10**9  # a pattern allowing at least this many keys: as good as unbounded here

_parser: Any = importlib.import_module("re._parser")  # the standard library's parser of regular expressions
_IGNORECASE = 2  # re.IGNORECASE

Members = Mapping[str, tuple[EnteredMember, ...]]


# ---------------------------------------------------------------------------------------------------- member rules


def key_capacity(pattern: str | None) -> int | None:
    """An upper bound of how many distinct keys match ``pattern`` in full (None: no useful bound)."""
    if pattern is None:
        return None
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # an invalid pattern is GAI123 at compile time
        return None
    if parsed.state.flags & _IGNORECASE:
        return None
    found = _count(list(parsed))
    return None if found is None or found >= MANY else found


def _count(items: Sequence[tuple[Any, Any]]) -> int | None:
    total = 1
    for op, av in items:
        found = _count_one(str(op), av)
        if found is None:
            return None
        total = min(total * found, MANY)
    return total


def _count_one(op: str, av: Any) -> int | None:
    match op:
        case "LITERAL" | "AT":
            return 1
        case "NOT_LITERAL" | "ANY":
            return MANY
        case "IN":
            return min(sum(_in_count(str(o), a) for o, a in av), MANY)
        case "BRANCH":
            counts = [_count(list(branch)) for branch in av[1]]
            return None if any(c is None for c in counts) else min(sum(c for c in counts if c is not None), MANY)
        case "SUBPATTERN":
            _, add_flags, _, sub = av
            return None if add_flags & _IGNORECASE else _count(list(sub))
        case "ATOMIC_GROUP":
            return _count(list(av))
        case "MAX_REPEAT" | "MIN_REPEAT" | "POSSESSIVE_REPEAT":
            low, high, sub = av
            each = _count(list(sub))
            if each is None:
                return None
            if high == _parser.MAXREPEAT:
                return 1 if each == 0 else None
            total = 0
            for n in range(low, high + 1):
                total = min(total + min(each**n, MANY), MANY)
            return total
        case _:  # back-references, look-arounds, conditionals: no bound claimed
            return None


def _in_count(op: str, av: Any) -> int:
    match op:
        case "LITERAL":
            return 1
        case "RANGE":
            return int(av[1]) - int(av[0]) + 1
        case _:  # NEGATE, CATEGORY (\d, \w …): many
            return MANY


def capacity(opened: ir.OpenMembers) -> tuple[int | None, Text | None]:
    """How many members the dimension's rules allow at most, and why (None: no bound from its keys)."""
    found: list[tuple[int, Text]] = []
    by_pattern = key_capacity(opened.key_pattern)
    if by_pattern is not None:
        found.append(
            (
                by_pattern,
                Text(
                    f"成员键模式 {opened.key_pattern} 至多允许 {by_pattern} 个不同的键",
                    f"the key pattern {opened.key_pattern} allows at most {by_pattern} distinct keys",
                ),
            )
        )
    if opened.coded is not None and opened.coded.codes:
        count = len(opened.coded.codes)
        found.append((count, Text(f"代码表只有 {count} 个代码", f"the code list has only {count} codes")))
    if not found:
        return None, None
    return min(found, key=lambda pair: pair[0])


def member_rule_conflicts(spec: ir.Spec) -> list[Conflict]:
    """``at least N`` that the keys can never reach: the member-count check ``members.D.at_least`` never holds."""
    found: list[Conflict] = []
    for dimension, opened in spec.open_dimensions.items():
        most, why = capacity(opened)
        if most is None or why is None or opened.at_least <= most:
            continue
        (check, *_) = count_rule_checks(
            f"members.{dimension}",
            most,
            (opened.at_least, None),
            (f"开放维度「{dimension}」", "个成员"),
            (f"open dimension '{dimension}'", "entered members"),
            None,
            opened.span,
            spec.language,
        )
        found.append(Conflict("error", ((check, check.instances),), True, shapes=(why,)))
    return found


# ---------------------------------------------------------------------------------------------------- instances


@attrs.frozen
class Instance:
    """One list of members per open dimension: an ordinary spec made from the open one."""

    members: Members
    counts: Mapping[str, int] = attrs.field(factory=dict)  # records per list (gaidsl.analysis.records)

    def describe(self) -> Text:
        """``with 2 members of 'component', 3 members of 'subject' (001, 00101, 0010101)`` (and ``, 1 record of
        'explanations'``)."""
        zh: list[str] = []
        en: list[str] = []
        if self.counts:
            counted = describe_counts(self.counts)
            zh.append(counted.zh)
            en.append(counted.en)
        for dimension, members in self.members.items():
            keys = [m.key for m in members]
            plural = "s" * (len(keys) != 1)
            if keys and all(k.isdigit() for k in keys):  # a coded hierarchy's shape: its codes
                zh.append(f"「{dimension}」{len(keys)} 个成员（{'、'.join(keys)}）")
                en.append(f"{len(keys)} member{plural} of '{dimension}' ({', '.join(keys)})")
            else:
                zh.append(f"「{dimension}」{len(keys)} 个成员")
                en.append(f"{len(keys)} member{plural} of '{dimension}'")
        if self.counts:  # the records last: "with 2 members of 'component', 1 record of 'explanations'"
            zh.append(zh.pop(0))
            en.append(en.pop(0))
        return Text("在填报" + "、".join(zh) + "时", "with " + ", ".join(en))


def member_key(opened: ir.OpenMembers, index: int) -> str:
    """The key of an instance's ``index``-th member (from 1) of a dimension without levels: ``<component>#2``."""
    return f"{opened.slot}#{index}"


def _counts(opened: ir.OpenMembers, most: int | None) -> list[int]:
    top = max(BOUND, opened.at_least + 1)
    for limit in (opened.at_most, most):
        if limit is not None:
            top = min(top, limit)
    return list(range(opened.at_least, top + 1))


def _plain_shapes(opened: ir.OpenMembers, axis: ir.Axis | None, most: int | None) -> list[tuple[EnteredMember, ...]]:
    label = axis.label if axis is not None and axis.label else opened.dimension
    return [
        tuple(EnteredMember(member_key(opened, i), f"<{label}> #{i}") for i in range(1, count + 1))
        for count in _counts(opened, most)
    ]


class _Tree:
    """The codes an instance of a coded hierarchy may use: the code list's, else codes made by the levels
    (``001``, ``00101``, ``0010101`` …), never a fixed member's key."""

    def __init__(self, coded: ir.CodedHierarchy, fixed: set[str]) -> None:
        self.coded = coded
        self.fixed = fixed
        self.listed = sorted(coded.codes)

    def children(self, parent: str | None) -> list[str]:
        level = 0 if parent is None else (self.coded.level_of(parent) or 0) + 1
        if level >= len(self.coded.levels):
            return []
        if self.listed:
            return [c for c in self.listed if self.coded.level_of(c) == level and self.coded.parent_of(c) == parent]
        width = self.coded.levels[level].length - (0 if parent is None else len(parent))
        if width <= 0:
            return []
        made = [(parent or "") + str(n).zfill(width) for n in range(1, min(4, 10**width))]
        return [c for c in made if c not in self.fixed]

    def first(self, count: int) -> tuple[str, ...]:
        """The first ``count`` codes, each after its parent (breadth first)."""
        found: list[str] = []
        queue: list[str | None] = [None]
        while queue and len(found) < count:
            for child in self.children(queue.pop(0)):
                if len(found) < count:
                    found.append(child)
                    queue.append(child)
        return tuple(found)


def _coded_shapes(opened: ir.OpenMembers, axis: ir.Axis | None, most: int | None) -> list[tuple[EnteredMember, ...]]:
    assert opened.coded is not None
    fixed = set(axis.by_key) if axis is not None else set()
    tree = _Tree(opened.coded, fixed)
    roots = tree.children(None)
    shapes: list[tuple[str, ...]] = [(), tuple(roots[:1]), tuple(roots[:2]), tuple(roots[:3])]
    chain: list[str] = []
    at: str | None = None
    while True:  # one code per level down to the last: a 类, its 款, its 项 …
        below = tree.children(at)
        if not below:
            break
        at = below[0]
        chain.append(at)
        shapes.append(tuple(chain))
    if roots:
        two = tree.children(roots[0])[:2]
        if len(two) == 2:
            shapes.append((roots[0], *two))  # a 类 with two 款
    low = opened.at_least
    high = min(x for x in (opened.at_most, most, MANY) if x is not None)
    kept: list[tuple[str, ...]] = []
    for shape in shapes:
        if low <= len(shape) <= high and shape not in kept and (shape or not roots or low == 0):
            kept.append(shape)
    if not kept:
        first = tree.first(low)
        if len(first) == low:
            kept.append(first)
    kept.sort(key=len)
    names = opened.coded.codes
    return [tuple(EnteredMember(code, names.get(code, f"<{code}>")) for code in shape) for shape in kept]


def instances(spec: ir.Spec) -> list[Instance]:
    """The instances analysis searches: the ``i``-th gives every open dimension its ``i``-th list of members (its
    last when it has fewer)."""
    per_dimension: dict[str, list[tuple[EnteredMember, ...]]] = {}
    axes = {t.rows.open.dimension: t.rows for t in spec.tables.values() if t.rows is not None and t.rows.open}
    for dimension, opened in spec.open_dimensions.items():
        most, _ = capacity(opened)
        axis = axes.get(dimension)
        if opened.coded is not None and opened.coded.levels:
            per_dimension[dimension] = _coded_shapes(opened, axis, most)
        else:
            per_dimension[dimension] = _plain_shapes(opened, axis, most)
    if not per_dimension or any(not shapes for shapes in per_dimension.values()):
        return []
    count = max(len(shapes) for shapes in per_dimension.values())
    return [Instance({d: shapes[min(i, len(shapes) - 1)] for d, shapes in per_dimension.items()}) for i in range(count)]


def searched(spec: ir.Spec, found: Sequence[Instance]) -> Text:
    """Which instances were searched, in a line: the bound said in the output."""
    zh: list[str] = []
    en: list[str] = []
    for dimension, opened in spec.open_dimensions.items():
        counts = sorted({len(i.members[dimension]) for i in found})
        shapes = len({i.members[dimension] for i in found})
        if opened.coded is not None and opened.coded.levels:
            levels = "、".join(level.label or str(level.length) for level in opened.coded.levels)
            zh.append(f"「{dimension}」{'、'.join(map(str, counts))} 个成员（层级 {levels} 的 {shapes} 种形状）")
            en.append(
                f"'{dimension}' with {', '.join(map(str, counts))} members ({shapes} shapes of its levels {levels})"
            )
        else:
            zh.append(f"「{dimension}」{'、'.join(map(str, counts))} 个成员")
            en.append(f"'{dimension}' with {', '.join(map(str, counts))} members")
    most = max((len(m) for i in found for m in i.members.values()), default=0)
    return Text(
        f"{'；'.join(zh)}；需要多于 {most} 个成员才出现的矛盾不会被发现",
        f"{'; '.join(en)}; contradictions searched with up to {most} members (one needing more is not found)",
    )


# ---------------------------------------------------------------------------------------------------- the analysis


def analyze_open(spec: ir.Spec, *, details: bool = False, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Analysis:
    """``analyze`` for a spec with open dimensions or lists of records: the member rules, then every instance (see
    the module, and :mod:`gaidsl.analysis.records`)."""
    started = time.perf_counter()
    static = member_rule_conflicts(spec)
    found = [] if static else (instances(spec) if spec.open_dimensions else [Instance({})])
    if spec.records:
        found = [
            attrs.evolve(i, counts=counts)
            for i in found
            for counts in record_counts(spec)
            if nameable(spec, i.members, counts)
        ]
    bound = searched(spec, found) if found and spec.open_dimensions else None
    records_bound = searched_records(spec, [i.counts for i in found]) if found and spec.records else None
    if static or not found:
        return Analysis(
            spec,
            False if static else None,
            None,
            tuple(static),
            bounded=bound,
            records_bounded=records_bound,
            seconds=time.perf_counter() - started,
        )
    runs = [(instance, *_analyze(spec, instance, details, timeout_ms)) for instance in found]
    conflicts = _conflicts(runs)
    satisfiable = _all(a.satisfiable for _, a, _ in runs)
    warnings = _all(a.warnings_satisfiable for _, a, _ in runs) if satisfiable else None
    incomplete = tuple(dict.fromkeys(f"{q} ({i.describe().en})" for i, a, _ in runs for q in a.incomplete))
    analysis = Analysis(
        spec,
        satisfiable,
        warnings,
        conflicts,
        incomplete=incomplete,
        bounded=bound,
        records_bounded=records_bound,
        solver_calls=sum(a.solver_calls for _, a, _ in runs),
    )
    if spec.records:
        analysis = _records_findings(spec, analysis, runs, details, timeout_ms)
    if details and satisfiable and all(a.detailed for _, a, _ in runs):
        slots = _slots(spec, found)
        analysis = attrs.evolve(
            analysis,
            redundant=tuple(_redundant(spec, runs, slots)),
            bounds=tuple(_bounds(spec, runs, slots)),
            scope="all" if all(a.scope == "all" for _, a, _ in runs) else "errors",
            detailed=True,
        )
    return attrs.evolve(analysis, seconds=time.perf_counter() - started)


_Run = tuple[Instance, Analysis, Closed | None]


def _analyze(spec: ir.Spec, instance: Instance, details: bool, timeout_ms: int) -> tuple[Analysis, Closed | None]:
    closed = close(spec, instance.members)
    if not spec.records:
        return analyze(closed, details=details, timeout_ms=timeout_ms), None
    made = close_symbolic(spec, closed, instance.members, instance.counts)
    return analyze(made.spec, details=details, timeout_ms=timeout_ms, encoder=made.encoder()), made


def _records_findings(
    spec: ir.Spec, analysis: Analysis, runs: Sequence[_Run], details: bool, timeout_ms: int
) -> Analysis:
    """Vacuous ``where``s (GAI615) over the instances with records that have valid reports, and (``details``) a
    witness: a valid report of the instance with the most records."""
    probes: list[tuple[Instance, Closed, str, Probe]] = []
    for instance, found, made in runs:
        if made is None or not any(instance.counts.values()) or not found.satisfiable:
            continue
        severity = "warning" if found.warnings_satisfiable else "error"  # the witness: no warning either, if it can
        probes.append((instance, made, severity, Probe(made, "error", timeout_ms)))  # valid: the error checks hold
    vacuities = tuple(vacuous(spec, [p for *_, p in probes]))
    calls = sum(p.problem.calls for *_, p in probes)
    witness = None
    if details:  # the instance with the most records (then members) that has a valid report written as reports are
        ranked = sorted(probes, key=lambda p: (sum(p[0].counts.values()), sum(len(m) for m in p[0].members.values())))
        for instance, made, severity, _ in reversed(ranked):
            probe = Probe(made, severity, timeout_ms, exact=True)
            witness = probe.witness(spec, instance.members, instance.describe())
            calls += probe.problem.calls
            if witness is not None:
                break
    return attrs.evolve(analysis, vacuous=vacuities, witness=witness, solver_calls=analysis.solver_calls + calls)


def _all(answers: Iterable[bool | None]) -> bool | None:
    seen = list(answers)
    if any(a is False for a in seen):
        return False
    return None if any(a is None for a in seen) else True


def _conflicts(runs: Sequence[_Run]) -> tuple[Conflict, ...]:
    """Each instance's conflicts, the same checks found in several instances said once with every instance."""
    merged: dict[tuple[str, tuple[str, ...]], Conflict] = {}
    for instance, analysis, _ in runs:
        for conflict in analysis.conflicts:
            key = (conflict.severity, tuple(c.key for c, _ in conflict.checks))
            before = merged.get(key)
            shape = instance.describe()
            if before is None:
                merged[key] = attrs.evolve(conflict, shapes=(shape,))
            elif shape not in before.shapes:
                merged[key] = attrs.evolve(before, shapes=(*before.shapes, shape))
    return tuple(merged.values())


def _slots(spec: ir.Spec, found: Sequence[Instance]) -> dict[str, str]:
    """Every member key of the instances → its dimension's slot."""
    return {
        m.key: spec.open_dimensions[d].slot
        for instance in found
        for d, members in instance.members.items()
        for m in members
    }


def _position(check: ir.Check, slots: Mapping[str, str]) -> Callable[[str | None], str | None]:
    """What a position of ``check`` in an instance stands for in the spec: an entered member its dimension's slot,
    a record of a ``for each record`` check (``1``, ``2`` …) ``<#>``."""
    if any(i.position == ir.RECORD_SLOT for i in check.instances):
        return lambda position: ir.RECORD_SLOT if position is not None else None
    return lambda position: slots.get(position, position) if position is not None else None


def _redundant(spec: ir.Spec, runs: Sequence[_Run], member_slots: Mapping[str, str]) -> Iterator[Redundancy]:
    """A check (or a position, the slot standing for every member or record) redundant in every instance where it
    has a position."""
    for check in (*spec.checks, *spec.record_checks):
        at = _position(check, member_slots)
        whole = always = True
        needs_previous = False
        support: dict[str, None] = {}
        appeared: set[str | None] = set()
        not_redundant: set[str | None] = set()
        for _, analysis, _ in runs:
            closed = analysis.spec.check(check.key)
            if not closed.instances:
                continue  # no position here (a check at the slot with no member): nothing to follow
            found = next((r for r in analysis.redundant if r.check.key == check.key), None)
            total: dict[str | None, int] = {}
            for i in closed.instances:
                total[at(i.position)] = total.get(at(i.position), 0) + 1
            redundant: dict[str | None, int] = {}
            for i in found.positions if found is not None else ():
                redundant[at(i.position)] = redundant.get(at(i.position), 0) + 1
            appeared |= set(total)
            not_redundant |= {p for p, n in total.items() if redundant.get(p) != n}
            if found is None:
                whole = always = False
                continue
            whole &= found.whole
            always &= found.always
            needs_previous |= found.needs_previous
            support = dict.fromkeys(_support_key(k) for k in found.support)  # the last (largest) instance's
        kept = appeared - not_redundant
        positions = tuple(i for i in check.instances if i.position in kept)
        if not positions:
            continue
        whole = whole and len(positions) == len(check.instances)
        yield Redundancy(
            check, positions, whole, always and whole, tuple(support) if whole and not always else (), needs_previous
        )


def _support_key(key: str) -> str:
    """A supporting check as the spec knows it: ``hierarchy.expense.001`` (an instance's code) is
    ``hierarchy.expense``."""
    parts = key.split(".")
    return ".".join(parts[:2]) if parts[0] == "hierarchy" else key


def _bounds(spec: ir.Spec, runs: Sequence[_Run], slots: Mapping[str, str]) -> Iterator[Bound]:
    """Each cell's range over every instance: a slot cell's over every member of every instance, a record field's
    (``explanations.<#>.count``) over every record of every instance."""
    merged: dict[VarKey, list[Bound]] = {}
    labels = {key: cell.label for key, cell in spec.cells.items()}
    for records in spec.records.values():
        labels.update({records.pattern_cell(f).key: records.pattern_cell(f).label for f in records.fields})
    for _, analysis, _ in runs:
        for bound in analysis.bounds:
            kind, name, previous = bound.key
            if kind == "cell":
                parts = name.split(".")
                if len(parts) == 3 and parts[0] in spec.records:
                    name = f"{parts[0]}.{ir.RECORD_SLOT}.{parts[2]}"
                elif len(parts) == 3 and parts[1] in slots:
                    name = f"{parts[0]}.{slots[parts[1]]}.{parts[2]}"
            if kind == "cell" and name not in labels:
                continue  # a cell of an instance only (an aggregate's placeholder): nothing of the spec to show
            merged.setdefault((kind, name, previous), []).append(bound)
    for key, found in merged.items():
        low = None if any(b.lower is None for b in found) else min(b.lower for b in found if b.lower is not None)
        high = None if any(b.upper is None for b in found) else max(b.upper for b in found if b.upper is not None)
        first = found[0]
        label = labels[key[1]] if key[0] == "cell" else first.label
        yield Bound(
            key,
            ("上年 · " if key[2] else "") + label if key[0] == "cell" else first.label,
            first.kind,
            low,
            high,
            low is not None and all(b.lower_strict for b in found if b.lower == low),
            high is not None and all(b.upper_strict for b in found if b.upper == high),
            constrained=any(b.constrained for b in found),
            signed=first.signed,
        )
