"""Migrations of open dimensions (docs/migrations.md, "Open dimensions"): ``members DIMENSION { rules }`` gives the
members old reports entered under new keys, and old reports' rows are converted by it.

A rule is ``OLD, … -> NEW [= share], …;``:

- ``CIV -> CIVIL;`` a rename: the row under a new key, every value as it was;
- ``TAX, TAXES -> TAX;`` a merge: the sum of the rows (blank when all are blank, *unknown* when only some are);
- ``OPS -> OPSA = 0.6, OPSB = rest;`` a split: each value shared out — a number is a share of it (amounts are
  rounded to the new cell's decimals), ``rest`` what the other parts leave (so the parts add up exactly), ``old``
  the whole value, ``unknown`` to be entered;
- ``20101 with children -> 20102;`` a coded parent renamed together with every entered code under it, each keeping
  its own digits (``2010101`` → ``2010201``): a rename of each, values unchanged.

A member no rule names keeps its key. A new member's label is the new code list's name when the dimension has one,
the old member's label when one old member maps to it, else its key.

What is checked (GAI524–GAI535): the dimension is open in both specs; each old key could have been entered under
the old spec and each new key can be under the new one (pattern, code list, levels, not a fixed member's key); an old
key is dealt with once; a split's shares add up (at most one ``rest``, fixed shares not above 1, ``old`` not beside
another part that takes a share); shares of counts are refused (a share of a count is no whole number). And what is
proved about losing nothing: a split whose fixed shares add up to less than 1 without ``rest`` loses the rest
(GAI529); when both specs have code lists, every old code is in the new list or mapped, else its rows are rejected
once migrated (GAI530); without code lists, every key the old pattern allows matches the new pattern or is mapped
(proved with z3, :mod:`gaidsl.migrations.key_patterns`), else GAI531 with such a key. A ``with children`` rule needs
levels by code length (GAI532) and an old and a new parent of the same length (GAI533); no other rule may name a
code under it (GAI526); its renamed codes are in the new code list (GAI534) or, without one, fit the new pattern
and levels (proved with z3, else GAI535). Without these warnings, every row an old report may enter is carried over
and every column's sum over the rows is kept (up to the rounding of a share of an amount, which ``rest`` absorbs).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.report import BLANK, UNKNOWN, EnteredMember, Report, Value
from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error, warning
from gaidsl.migrations.key_patterns import included, renamed_included

_PLAIN_KEY = re.compile(r"[^.\s\[\]<>]+")


@attrs.frozen
class Part:
    """What one new member receives of each value of an old member."""

    new: str
    share: str  # "old" | "rest" | "unknown" | "fixed"
    amount: Decimal | None = None
    subtree: str | None = None  # "20101 with children -> 20102": the rule that renamed it with its parent


@attrs.frozen
class MemberMap:
    """A ``members`` statement resolved: for each old key named, its parts; the statement's index and reason;
    ``subtrees``: old parent code → new parent code (``OLD with children -> NEW;``)."""

    dimension: str
    parts: Mapping[str, tuple[Part, ...]]
    index: int
    reason: str | None = None
    subtrees: Mapping[str, str] = attrs.field(factory=dict)

    def parts_of(self, key: str) -> tuple[Part, ...] | None:
        """What becomes of an old key: its rule's parts, its new code under a renamed parent, or None (kept)."""
        if key in self.parts:
            return self.parts[key]
        for old, new in self.subtrees.items():
            if key.startswith(old):
                return (Part(new + key[len(old) :], "old", subtree=f"{old} with children -> {new}"),)
        return None


def fixed_members(spec: ir.Spec, dimension: str) -> set[str]:
    return {
        m.key
        for t in spec.tables.values()
        if t.rows is not None and t.rows.open is not None and t.rows.open.dimension == dimension
        for m in t.rows.members
    }


def why_not(spec: ir.Spec, dimension: str, key: str) -> Text | None:
    """Why ``key`` cannot be an entered member of ``dimension`` in ``spec`` (None: it can)."""
    opened = spec.open_dimensions[dimension]
    if not _PLAIN_KEY.fullmatch(key):
        return Text("键不能含点、空白或括号", "a key has no dots, spaces or brackets")
    if key in fixed_members(spec, dimension):
        return Text("这是固定成员的键", "it is a fixed member's key")
    if opened.key_pattern is not None and not re.fullmatch(opened.key_pattern, key):
        return Text(f"不符合键模式 {opened.key_pattern}", f"it does not match the key pattern {opened.key_pattern}")
    coded = opened.coded
    if coded is not None and coded.levels and coded.level_of(key) is None:
        return Text("其长度不是任何编码层级", "its length is no level's")
    if coded is not None and coded.codes and key not in coded.codes:
        return Text("不在编码表中", "it is not in the code list")
    return None


def resolve(doc: ast.Migration, old: ir.Spec, new: ir.Spec) -> tuple[dict[str, MemberMap], list[Diagnostic]]:
    """The ``members`` statements of ``doc`` checked against both specs, by dimension."""
    maps: dict[str, MemberMap] = {}
    problems: list[Diagnostic] = []
    seen: dict[tuple[str, str], Sequence[object]] = {}
    for index, item in enumerate(doc.items):
        if not isinstance(item, ast.MemberMapping):
            continue
        dimension = item.dimension
        missing = [(s, spec) for s, spec in (("old", old), ("new", new)) if dimension not in spec.open_dimensions]
        if missing:
            side, spec = missing[0]
            help = did_you_mean(dimension, spec.open_dimensions)
            zh, en = ("旧", "old") if side == "old" else ("新", "new")
            problems.append(error("GAI524", item.dimension_span or item.span, help, dimension=dimension, side=zh,
                                  side_en=en))  # fmt: skip
            continue
        parts: dict[str, tuple[Part, ...]] = dict(maps[dimension].parts) if dimension in maps else {}
        subtrees: dict[str, str] = dict(maps[dimension].subtrees) if dimension in maps else {}
        claimed = set(subtrees)  # parents a rule renames with children, sound or not: no GAI530 beside its error
        for rule in item.rules:
            if rule.children:
                problems.extend(_subtree(old, new, dimension, rule, {k for d, k in seen if d == dimension}, subtrees))
                claimed.add(rule.old[0])
                continue
            for key in rule.old:
                if (dimension, key) in seen or _under(key, subtrees):
                    problems.append(error("GAI526", rule.span, key=key))
                    continue
                seen[(dimension, key)] = ()
                why = why_not(old, dimension, key)
                if why is not None:
                    problems.append(error("GAI525", rule.span, key=key, dimension=dimension, side="旧", side_en="old",
                                          why=why.zh, why_en=why.en))  # fmt: skip
                parts[key] = tuple(_part(p) for p in rule.new)
            for part in rule.new:
                why = why_not(new, dimension, part.key)
                if why is not None:
                    problems.append(error("GAI525", part.span or rule.span, key=part.key, dimension=dimension,
                                          side="新", side_en="new", why=why.zh, why_en=why.en))  # fmt: skip
            problems.extend(_shares(old, dimension, rule))
        maps[dimension] = MemberMap(dimension, parts, index, item.reason, subtrees)
        problems.extend(_losses(old, new, dimension, set(parts), item, claimed))
    return maps, problems


def _under(key: str, subtrees: Mapping[str, str] | set[str]) -> str | None:
    """The old parent of a ``with children`` rule that covers ``key`` (the parent itself or a code under it)."""
    return next((p for p in subtrees if key.startswith(p)), None)


def _subtree(
    old: ir.Spec, new: ir.Spec, dimension: str, rule: ast.MemberRule, named: set[str], subtrees: dict[str, str]
) -> list[Diagnostic]:
    """``OLD with children -> NEW;`` checked (GAI525, GAI526, GAI532–GAI534) and, when sound, added to
    ``subtrees``. A key another rule of the block names, or a parent above or below another renamed one, is an
    old key dealt with twice (GAI526): the rule does not silently lose to, or win over, another."""
    parent, target = rule.old[0], rule.new[0].key
    span = rule.new[0].span or rule.span
    for zh, en, spec in (("旧", "old", old), ("新", "new", new)):
        coded = spec.open_dimensions[dimension].coded
        if coded is None or not coded.levels:
            return [error("GAI532", rule.span, dimension=dimension, side=zh, side_en=en)]
    problems: list[Diagnostic] = []
    inside = [k for k in named if k.startswith(parent)]  # the parent, or a code under it, has a rule of its own
    nested = [k for k in subtrees if k.startswith(parent) or parent.startswith(k)]  # renamed by another subtree
    if inside or nested:
        problems.append(error("GAI526", rule.span, key=inside[0] if inside else parent))
    why = why_not(old, dimension, parent)
    if why is not None:
        problems.append(error("GAI525", rule.span, key=parent, dimension=dimension, side="旧", side_en="old",
                              why=why.zh, why_en=why.en))  # fmt: skip
    why = why_not(new, dimension, target)
    if why is not None:
        problems.append(error("GAI525", span, key=target, dimension=dimension, side="新", side_en="new",
                              why=why.zh, why_en=why.en))  # fmt: skip
    if len(parent) != len(target):
        problems.append(error("GAI533", span, key=parent, new=target, length=str(len(parent)),
                              new_length=str(len(target))))  # fmt: skip
    if any(p.severity == "error" for p in problems):
        return problems
    subtrees[parent] = target
    a, b = old.open_dimensions[dimension], new.open_dimensions[dimension]
    assert a.coded is not None and b.coded is not None  # GAI532 otherwise
    if a.coded.codes and b.coded.codes:
        lost = [c for c in a.coded.codes if c.startswith(parent) and target + c[len(parent) :] not in b.coded.codes]
        if lost:
            renamed = target + lost[0][len(parent) :]
            problems.append(warning("GAI534", rule.span, key=lost[0], new=renamed))
    elif not b.coded.codes:  # any code the old pattern and levels allow under the parent, renamed, fits the new ones
        lengths = tuple(level.length for level in a.coded.levels)
        found = renamed_included(a.key_pattern, b.key_pattern, parent, target, lengths,
                                 tuple(level.length for level in b.coded.levels))  # fmt: skip
        if found.held is False and found.example is not None:
            renamed = target + found.example[len(parent) :]
            why = why_not(new, dimension, renamed) or Text("其长度不是任何编码层级", "its length is no level's")
            problems.append(warning("GAI535", rule.span, key=found.example, new=renamed, why=why.zh, why_en=why.en))
    return problems


def _part(part: ast.MemberPart) -> Part:
    amount = Decimal(part.amount) if part.share == "fixed" and part.amount is not None else None
    return Part(part.key, part.share, amount)


def _shares(old: ir.Spec, dimension: str, rule: ast.MemberRule) -> list[Diagnostic]:
    """A split's shares: they add up, and counts are not shared out."""
    if len(rule.new) == 1 and rule.new[0].share in ("old", "unknown"):
        return []
    key = ", ".join(rule.old)
    shares = [_part(p) for p in rule.new]
    kinds = [p.share for p in shares]
    fixed = sum((p.amount for p in shares if p.amount is not None), Decimal(0))
    why = None
    if kinds.count("rest") > 1:
        why = Text("rest 只能有一个", "only one part may be the rest")
    elif "old" in kinds and any(k in ("rest", "fixed") for k in kinds):
        why = Text(
            "old 已取走全部值，其他部分不能再分", "old takes the whole value: no other part can have a share of it"
        )
    elif kinds.count("old") > 1:
        why = Text("全部值被计入两次", "the whole value would be counted twice")
    elif fixed > 1:
        why = Text(f"份额合计 {fixed}，超过 1", f"the shares add up to {fixed}, more than 1")
    if why is not None:
        return [error("GAI527", rule.span, key=key, why=why.zh, why_en=why.en)]
    found: list[Diagnostic] = []
    if "fixed" in kinds:
        whole = _whole_cell(old, dimension)
        if whole is not None:
            found.append(error("GAI528", rule.span, key=key, dimension=dimension, cell=whole))
    if "fixed" in kinds and "rest" not in kinds and fixed < 1:
        found.append(warning("GAI529", rule.span, key=key, total=str(fixed)))
    return found


def _whole_cell(spec: ir.Spec, dimension: str) -> str | None:
    """A cell of the open rows that holds a count or an integer, if any."""
    slot = spec.open_dimensions[dimension].slot
    return next((k for k, c in spec.cells.items() if c.row == slot and c.type.kind in ("count", "integer")), None)


def _losses(
    old: ir.Spec,
    new: ir.Spec,
    dimension: str,
    mapped: set[str],
    item: ast.MemberMapping,
    subtrees: set[str],
) -> list[Diagnostic]:
    """Rows an old report may enter that no rule maps and the new spec would refuse: GAI530 / GAI531 (a code under
    a parent renamed ``with children`` is mapped; whether its new code is listed is GAI534's)."""
    a, b = old.open_dimensions[dimension], new.open_dimensions[dimension]
    codes_a = a.coded.codes if a.coded is not None else {}
    codes_b = b.coded.codes if b.coded is not None else {}
    if codes_a and codes_b:
        lost = [c for c in codes_a if c not in codes_b and c not in mapped and _under(c, subtrees) is None]
        return [warning("GAI530", item.span, key=c) for c in lost[:5]]
    if codes_b:  # any old key may be entered; the new code list takes only its codes
        return []
    found = included(a.key_pattern, b.key_pattern, mapped, subtrees)  # a key no rule deals with, if any
    if found.held is False and found.example is not None:
        return [warning("GAI531", item.span, example=found.example)]
    return []


# ---------------------------------------------------------------------------------------------------- conversion


@attrs.frozen
class Moved:
    """One new member made of old ones, for the log: the old keys, the new key, how, the note."""

    action: str  # "renamed" | "merged" | "split" | "copied"
    old: tuple[str, ...]
    new: tuple[str, ...]
    note: str | None = None


def convert(
    old_spec: ir.Spec,
    new_spec: ir.Spec,
    maps: Mapping[str, MemberMap],
    report: Report,
    slot_terms: Mapping[str, Sequence[tuple[Decimal, str]]],
    decimals: Mapping[str, int | None],
) -> tuple[dict[str, tuple[EnteredMember, ...]], dict[str, Value], list[Moved]]:
    """The members and the values of the open rows of the new report made from ``report``.

    ``slot_terms``: for each new slot cell (``requests.<component>.received``), the old slot cells it is made of
    with their coefficients (the migration's target for it); ``decimals``: the new slot cells' decimals (amounts)."""
    members: dict[str, tuple[EnteredMember, ...]] = {}
    values: dict[str, Value] = {}
    log: list[Moved] = []
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        for dimension, opened in new_spec.open_dimensions.items():
            if dimension not in old_spec.open_dimensions:
                continue
            entered = report.members.get(dimension, ())
            mapping = maps.get(dimension)
            parts = mapping.parts if mapping is not None else {}
            sources: dict[str, list[tuple[EnteredMember, Part]]] = {}
            for member in entered:
                found_parts = mapping.parts_of(member.key) if mapping is not None else None
                for part in found_parts or (Part(member.key, "old"),):
                    sources.setdefault(part.new, []).append((member, part))
            codes = opened.coded.codes if opened.coded is not None else {}
            made = []
            for key, found in sources.items():
                label = codes.get(key) or (found[0][0].label if len({m.key for m, _ in found}) == 1 else key)
                made.append(EnteredMember(key, label))
                olds = tuple(dict.fromkeys(m.key for m, _ in found))
                action = _action(olds, key, parts)
                log.append(Moved(action, olds, (key,), _note(found)))
            members[dimension] = tuple(made)
            old_slot = old_spec.open_dimensions[dimension].slot
            new_slot = opened.slot
            for cell_key, terms in slot_terms.items():
                cell = new_spec.cells[cell_key]
                if cell.row != new_slot:
                    continue
                for key, found in sources.items():
                    shares = [
                        _shared(report, m, p, parts.get(m.key, ()), terms, old_spec, old_slot, decimals.get(cell_key))
                        for m, p in found
                    ]
                    values[f"{cell.table}.{key}.{cell.column}"] = _sum(shares)
    return members, values, log


def _action(olds: tuple[str, ...], key: str, parts: Mapping[str, tuple[Part, ...]]) -> str:
    if len(olds) > 1:
        return "merged"
    if len(parts.get(olds[0], ())) > 1:
        return "split"
    return "renamed" if olds[0] != key else "copied"


def _note(found: list[tuple[EnteredMember, Part]]) -> str | None:
    shown = [f"{m.key} × {p.amount}" if p.share == "fixed" else f"{m.key}: {p.share}" for m, p in found
             if p.share != "old"]  # fmt: skip
    moved = [(m.key, p.subtree) for m, p in found if p.subtree is not None]
    shown += [rule if len(found) == 1 else f"{key}: {rule}" for key, rule in moved]
    return ", ".join(shown) or None


def _old_value(report: Report, member: str, terms: Sequence[tuple[Decimal, str]], spec: ir.Spec, slot: str) -> Value:
    """The old value a new slot cell is made of, at one old member (its terms at that member)."""
    found: list[Value] = []
    for _, slot_key in terms:
        cell = spec.cells[slot_key]
        key = f"{cell.table}.{member}.{cell.column}" if cell.row == slot else slot_key
        found.append(report.values.get(key, BLANK))
    if len(found) == 1 and terms[0][0] == 1:
        return found[0]
    if any(v is UNKNOWN for v in found):
        return UNKNOWN
    if all(v is BLANK for v in found):
        return BLANK
    if not all(isinstance(v, Decimal) for v in found):
        return UNKNOWN
    return sum((c * v for (c, _), v in zip(terms, found, strict=True) if isinstance(v, Decimal)), Decimal(0))


def _shared(
    report: Report,
    member: EnteredMember,
    part: Part,
    siblings: tuple[Part, ...],
    terms: Sequence[tuple[Decimal, str]],
    spec: ir.Spec,
    slot: str,
    decimals: int | None,
) -> Value:
    """What ``part`` receives of ``member``'s value."""
    value = _old_value(report, member.key, terms, spec, slot)
    if part.share == "unknown":
        return UNKNOWN
    if part.share == "old" or not isinstance(value, Decimal):
        return value
    if part.share == "fixed":
        assert part.amount is not None
        return _round(value * part.amount, decimals)
    taken = sum((_round(value * p.amount, decimals) for p in siblings if p.amount is not None), Decimal(0))
    return value - taken  # rest: what the fixed parts leave, exactly


def _round(value: Decimal, decimals: int | None) -> Decimal:
    if decimals is None:
        return value
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_EVEN)


def _sum(values: list[Value]) -> Value:
    if len(values) == 1:
        return values[0]
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    if all(v is BLANK for v in values):
        return BLANK
    if not all(isinstance(v, Decimal) for v in values):
        return UNKNOWN  # partly blank
    return sum((v for v in values if isinstance(v, Decimal)), Decimal(0))


__all__ = ["MemberMap", "Moved", "Part", "convert", "resolve", "why_not"]
