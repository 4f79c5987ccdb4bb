"""The diff of open parts (docs/open-dimensions.md, docs/records.md): open dimensions and lists of records.

A member a report enters is data, not a change of the format: two versions with the same open dimension differ in
nothing however many rows their reports add. What is compared:

- an open dimension added, removed, or made fixed: old reports' entered rows have no place (breaking), or a new
  one with ``at least N`` that old reports cannot meet;
- its **key pattern**: breaking when some key the old pattern allows is refused by the new one (GAI740), proved with
  z3 (:mod:`gaidsl.migrations.key_patterns`) and shown with such a key; compatible when proved that none is;
- its **member rules**: ``at least`` raised or ``at most`` lowered (or newly given) breaks the reports between;
- its **fixed members**: a fixed member added with a key that the old pattern allows breaks an old report that
  entered that key (GAI745); the rows themselves are compared with the table's rows (:mod:`gaidsl.diff.tables`);
- a coded hierarchy's **levels** (lengths change the codes allowed and each code's parent: breaking; names only:
  compatible) and **code list** (codes removed: GAI752, breaking; codes added or none required any more:
  compatible; an official name changed: compatible, old labels get the warning GAI753);
- a **list of records**: added (compatible when it may have none), removed or renamed (GAI775, breaking), its fields
  (removed: GAI772; added: old records leave it blank, GAI773; retyped as any cell), its ``at least`` / ``at most``.

Checks of a spec with open parts are judged on closed specs (:func:`bounded_checks`): both versions closed with the
same entered members (0 to 3 per open dimension, within the old rules) and the same records (the record sampler's
shapes); a check no valid old report of those sizes breaks is compatible, and the reason says the proof is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from gaidsl.checking.open_members import close
from gaidsl.diff.changes import BREAKING, COMPATIBLE, Change, label_of, match
from gaidsl.diff.verdicts import Comparison
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.migrations.key_patterns import included
from gaidsl.migrations.migration import Migration
from gaidsl.migrations.proof import UNDECIDED, breaking_checks
from gaidsl.migrations.proof_report import Counterexample
from gaidsl.migrations.records import ListMap
from gaidsl.migrations.type_verdicts import type_change
from gaidsl.sampling.open_samples import fixed_keys, members_for
from gaidsl.sampling.record_samples import record_counts, shape
from gaidsl.sampling.solver import SampleError

MAX_MEMBERS = 3
"""Checks of open specs are proved for reports with up to this many entered members per open dimension."""


class OpenComparison(Comparison):
    """The changes to open dimensions and lists of records."""

    def run(self) -> list[Change]:
        self.dimensions()
        self.records()
        return self.changes

    # ---- open dimensions
    def dimensions(self) -> None:
        old, new = self.old.open_dimensions, self.new.open_dimensions
        for key in old:
            if key not in new:
                fixed = key in _dimension_keys(self.new)
                why = (
                    Text(
                        "维度改为固定成员：旧报告自行填报的行在新格式中没有位置（GAI703）",
                        "the dimension is now fixed: the rows old reports entered have no place (GAI703)",
                    )
                    if fixed
                    else Text(
                        "开放维度被删除：旧报告填报的行在新格式中没有位置（GAI703）",
                        "the open dimension is gone: the rows old reports entered have no place (GAI703)",
                    )
                )
                kind = "changed" if fixed else "removed"
                aspect = "open" if fixed else None
                before, after = ("open", "fixed") if fixed else (None, None)
                self.add(
                    Change(kind, "dimension", key, aspect, before, after, label=key, classification=BREAKING, why=why)
                )
        for key, opened in new.items():
            if key not in old:
                if opened.at_least:
                    why = Text(
                        f"新增开放维度且至少 {opened.at_least} 个成员：旧报告没有这些行",
                        f"a new open dimension with at least {opened.at_least} members: old reports have none",
                    )
                    self.add(Change("added", "dimension", key, label=key, classification=BREAKING, why=why))
                else:
                    why = Text(
                        "新增开放维度：旧报告没有填报成员（0 行）", "a new open dimension: old reports enter none"
                    )
                    self.add(Change("added", "dimension", key, label=key, why=why))
        for key, a in old.items():
            b = new.get(key)
            if b is not None:
                self.dimension(key, a, b)

    def dimension(self, key: str, a: ir.OpenMembers, b: ir.OpenMembers) -> None:
        if a.key_pattern != b.key_pattern:
            self.add(self.key_pattern(key, a.key_pattern, b.key_pattern))
        rules = _count_rule("dimension", key, "个成员", "members", (a.at_least, a.at_most), (b.at_least, b.at_most))
        self.add_all(rules)
        self.fixed_members(key, a)
        if a.coded != b.coded or (a.coded and b.coded and a.coded.codes != b.coded.codes):
            self.add_all(_coded(key, a.coded, b.coded))

    def key_pattern(self, key: str, a: str | None, b: str | None) -> Change:
        found = included(a, b)
        shown_a, shown_b = a or "(any key)", b or "(any key)"
        if found.held:
            why = Text(
                "旧格式允许的每个键新格式都允许（z3 证明）", "every key the old pattern allows the new one allows (z3)"
            )
            return Change("changed", "dimension", key, "key pattern", shown_a, shown_b, label=key, why=why)
        if found.held is False:
            example = f"「{found.example}」" if found.example is not None else ""
            why = Text(
                f"旧报告可用的键{example}不符合新的键模式（GAI740）",
                f"a key old reports may use{' (' + repr(found.example) + ')' if found.example is not None else ''} "
                "does not match the new pattern (GAI740)",
            )
        else:
            why = Text(
                "未能证明旧格式允许的每个键新格式都允许，按不兼容处理",
                "not proved that every key the old pattern allows the new one allows: taken as breaking",
            )
        return Change(
            "changed", "dimension", key, "key pattern", shown_a, shown_b, label=key, classification=BREAKING, why=why
        )

    def fixed_members(self, key: str, a: ir.OpenMembers) -> None:
        """Fixed members the new version adds whose keys an old report may have entered (GAI745)."""
        before = fixed_keys(self.old, key)
        added = sorted(fixed_keys(self.new, key) - before)
        for member in added:
            if member.startswith("<"):
                continue
            allowed = a.key_pattern is None or included_key(a.key_pattern, member)
            coded_out = a.coded is not None and bool(a.coded.codes) and member not in a.coded.codes
            if allowed and not coded_out:
                why = Text(
                    f"新增固定成员「{member}」：旧报告若已自行填报此键，读入报 GAI745",
                    f"a new fixed member '{member}': an old report that entered this key is rejected (GAI745)",
                )
                self.add(
                    Change(
                        "added",
                        "dimension",
                        f"{key}.{member}",
                        "fixed member",
                        None,
                        member,
                        label=member,
                        classification=BREAKING,
                        why=why,
                    )
                )
            else:
                why = Text(
                    f"新增固定成员「{member}」：旧报告不可能填报此键",
                    f"a new fixed member '{member}' no old report can enter",
                )
                self.add(
                    Change("added", "dimension", f"{key}.{member}", "fixed member", None, member, label=member, why=why)
                )

    # ---- lists of records
    def records(self) -> None:
        old, new = self.old.records, self.new.records
        renamed = self._renamed_lists()  # a migration's `rename OLD -> NEW` pairs the lists whatever their labels
        pairs, removed, added = match(
            {k: v for k, v in old.items() if k not in renamed},
            {k: v for k, v in new.items() if k not in renamed.values()},
            label_of,
        )
        pairs += list(renamed.items())
        for key in removed:
            why = Text(
                "记录列表被删除：旧报告的记录在新格式中没有位置（GAI775）",
                "the list of records is gone: old reports' records have no place (GAI775)",
            )
            verdict = BREAKING
            if self.m is not None and self.m.records is not None and key in self.m.records.dropped:
                verdict = COMPATIBLE
                why = Text("迁移删除了它（说明了理由）", "the migration drops it (with a reason)")
            group = self.old_sections.get(old[key].section)
            self.add(
                Change("removed", "records", key, label=old[key].label, classification=verdict, why=why, group=group)
            )
        for key in added:
            records = new[key]
            group = self.new_sections.get(records.section)
            if records.at_least:
                why = Text(
                    f"新增记录列表且至少 {records.at_least} 条：旧报告没有记录",
                    f"a new list with at least {records.at_least} records: old reports have none",
                )
                self.add(
                    Change("added", "records", key, label=records.label, classification=BREAKING, why=why, group=group)
                )
            else:
                why = Text("新增记录列表：旧报告没有记录（0 条）", "a new list of records: old reports have none")
                self.add(Change("added", "records", key, label=records.label, why=why, group=group))
        for o, n in pairs:
            self.record_list(old[o], new[n])

    def record_list(self, a: ir.RecordList, b: ir.RecordList) -> None:
        group = self.new_sections.get(b.section)
        if a.key != b.key:
            why = Text(
                "键改变：旧数据文件中的记录列表名在新格式中不存在（GAI775）",
                "the key changed: old data files name a list the new format lacks (GAI775)",
            )
            verdict = BREAKING
            carried_list = self._carried(b.key)
            if carried_list is not None and carried_list.source == a.key:
                verdict = COMPATIBLE
                why = Text(
                    f"迁移把旧列表 {a.key} 的每条记录迁入 {b.key}",
                    f"the migration carries every record of old list {a.key} into {b.key}",
                )
            self.add(
                Change(
                    "renamed",
                    "records",
                    b.key,
                    old_key=a.key,
                    label=b.label,
                    classification=verdict,
                    why=why,
                    group=group,
                )
            )
        wording = Text("名称，不影响数据", "wording only: data unaffected")
        self.translations_changed("records", b.key, a.translations, b.translations, b.label, wording, group)
        if a.label != b.label:
            self.add(
                Change("changed", "records", b.key, "label", a.label, b.label, label=b.label, why=wording, group=group)
            )
        if a.section != b.section:
            why = Text("位置变化", "moved")
            self.add(
                Change(
                    "changed", "records", b.key, "section", a.section, b.section, label=b.label, why=why, group=group
                )
            )
        rules = _count_rule("records", b.key, "条记录", "records", (a.at_least, a.at_most), (b.at_least, b.at_most))
        self.add_all(attrs.evolve(c, group=group, label=b.label) for c in rules)
        old_fields = {f.key: f for f in a.fields}
        new_fields = {f.key: f for f in b.fields}
        pairs, removed, added = match(old_fields, new_fields, label_of)
        may_have = a.at_most != 0
        carried = self._carried(b.key)  # with a migration: how it carries the list's fields
        for key in removed:
            why = Text(
                "字段被删除：旧记录中的值没有位置（GAI772）",
                "the field is gone: old records' values have no place (GAI772)",
            )
            verdict = BREAKING if may_have else COMPATIBLE
            if carried is not None and (key in carried.dropped or any(f.old == key for f in carried.fields)):
                verdict, why = COMPATIBLE, self._field_fate(carried, old=key)
            self.add(
                Change(
                    "removed",
                    "record field",
                    f"{a.key}.{key}",  # the old list's field (a renamed list: under its old key)
                    label=old_fields[key].label,
                    classification=verdict,
                    why=why,
                    group=group,
                )
            )
        for key in added:
            why = Text("新增字段：旧记录未填写它（GAI773）", "a new field: old records leave it blank (GAI773)")
            verdict = BREAKING if may_have else COMPATIBLE
            if carried is not None and any(f.new == key for f in carried.fields):
                verdict, why = COMPATIBLE, self._field_fate(carried, new=key)
            self.add(
                Change(
                    "added",
                    "record field",
                    f"{b.key}.{key}",
                    label=new_fields[key].label,
                    classification=verdict,
                    why=why,
                    group=group,
                )
            )
        for o, n in pairs:
            fa, fb = old_fields[o], new_fields[n]
            where = f"{b.key}.{n}"
            if o != n:
                why = Text(
                    "键改变：旧记录的字段名在新格式中不存在（GAI772）",
                    "the key changed: old records name a field the new format lacks (GAI772)",
                )
                verdict = BREAKING if may_have else COMPATIBLE
                if carried is not None and any(f.old == o and f.new == n for f in carried.fields):
                    verdict, why = COMPATIBLE, self._field_fate(carried, new=n)
                self.add(
                    Change(
                        "renamed",
                        "record field",
                        where,
                        old_key=f"{a.key}.{o}",
                        label=fb.label,
                        classification=verdict,
                        why=why,
                        group=group,
                    )
                )
            if fa.label != fb.label:
                why = Text("名称，不影响数据", "wording only: data unaffected")
                self.add(
                    Change(
                        "changed",
                        "record field",
                        where,
                        "label",
                        fa.label,
                        fb.label,
                        label=fb.label,
                        why=why,
                        group=group,
                    )
                )
            if fa.dimension != fb.dimension:
                why = Text(
                    "字段所指的维度改变：旧值不一定是新维度的成员（GAI774）",
                    "the field names members of another dimension: old values may not be its members (GAI774)",
                )
                self.add(
                    Change(
                        "changed",
                        "record field",
                        where,
                        "member of",
                        fa.dimension,
                        fb.dimension,
                        label=fb.label,
                        classification=BREAKING,
                        why=why,
                        group=group,
                    )
                )
            elif fa.type != fb.type:
                verdict = type_change(fa.type, fb.type)
                breaking = verdict in ("narrowing", "incompatible") and may_have
                why = (
                    Text(
                        "类型收窄或改变：旧记录的值不一定符合新类型", "narrowed or changed type: old values may not fit"
                    )
                    if breaking
                    else Text("类型放宽：旧记录的值都符合新类型", "widened type: every old value fits")
                )
                self.add(
                    Change(
                        "changed",
                        "record field",
                        where,
                        "type",
                        fa.type.describe(),
                        fb.type.describe(),
                        label=fb.label,
                        classification=BREAKING if breaking else COMPATIBLE,
                        why=why,
                        group=group,
                    )
                )

    def _renamed_lists(self) -> dict[str, str]:
        """Old list → new list, for each list the migration (when one is given) renames as a whole."""
        if self.m is None or self.m.records is None:
            return {}
        return {
            mapped.source: key
            for key, mapped in self.m.records.lists.items()
            if mapped.source is not None and mapped.source != key
        }

    def _carried(self, key: str) -> ListMap | None:
        """How the migration (when one is given) carries the records of list ``key`` (gaidsl.migrations.records)."""
        if self.m is None or self.m.records is None:
            return None
        return self.m.records.lists.get(key)

    @staticmethod
    def _field_fate(carried: ListMap, *, old: str | None = None, new: str | None = None) -> Text:
        """What the migration does with a record field, in words (it carries every record)."""
        if old is not None and old in carried.dropped:
            return Text("迁移删除了它（说明了理由）", "the migration drops it (with a reason)")
        found = next(f for f in carried.fields if (f.old == old if old is not None else f.new == new))
        if found.how == "rename":
            return Text(
                f"迁移把旧字段 {found.old} 改名为 {found.new}",
                f"the migration carries old field {found.old} as {found.new}",
            )
        if found.how == "default":
            return Text(
                f"迁移给每条旧记录填入 {found.default}", f"the migration gives every old record {found.default}"
            )
        return Text("迁移将它留作未知，待填报", "the migration leaves it unknown, to be entered")

    def add_all(self, changes: Any) -> None:
        for change in changes:
            self.add(change)


def included_key(pattern: str, key: str) -> bool:
    return re.fullmatch(pattern, key) is not None


def _dimension_keys(spec: ir.Spec) -> set[str]:
    return {t.rows.key for t in spec.tables.values() if t.rows is not None} | {
        t.columns.key for t in spec.tables.values() if t.columns is not None
    }


def _count_rule(
    what: str, key: str, noun_zh: str, noun_en: str, a: tuple[int, int | None], b: tuple[int, int | None]
) -> Iterator[Change]:
    """``at least`` / ``at most`` of an open dimension's members or a list's records, old ``a`` and new ``b``."""
    (least_a, most_a), (least_b, most_b) = a, b
    if least_a != least_b:
        if least_b > least_a:
            why = Text(
                f"至少 {least_b} {noun_zh}：只有 {least_a}–{least_b - 1} {noun_zh}的旧报告不再有效",
                f"at least {least_b} {noun_en}: old reports with {least_a}–{least_b - 1} {noun_en} fail",
            )
            yield Change("changed", what, key, "at least", str(least_a), str(least_b), classification=BREAKING, why=why)
        else:
            why = Text(
                f"下限放宽：旧报告的{noun_zh[1:]}数仍然有效", f"a lower minimum: old reports' {noun_en} stay valid"
            )
            yield Change("changed", what, key, "at least", str(least_a), str(least_b), why=why)
    if most_a != most_b:
        shown_a = "—" if most_a is None else str(most_a)
        shown_b = "—" if most_b is None else str(most_b)
        if most_b is not None and (most_a is None or most_b < most_a):
            more = f"{most_b + 1}+" if most_a is None else f"{most_b + 1}–{most_a}"
            why = Text(
                f"至多 {most_b} {noun_zh}：有 {more} {noun_zh}的旧报告不再有效",
                f"at most {most_b} {noun_en}: old reports with {more} {noun_en} fail",
            )
            yield Change("changed", what, key, "at most", shown_a, shown_b, classification=BREAKING, why=why)
        else:
            why = Text(
                f"上限放宽：旧报告的{noun_zh[1:]}数仍然有效", f"a higher maximum: old reports' {noun_en} stay valid"
            )
            yield Change("changed", what, key, "at most", shown_a, shown_b, why=why)


def _coded(key: str, a: ir.CodedHierarchy | None, b: ir.CodedHierarchy | None) -> Iterator[Change]:
    """A coded hierarchy's levels and code list, old ``a`` and new ``b``."""
    levels_a = tuple(level.length for level in a.levels) if a else ()
    levels_b = tuple(level.length for level in b.levels) if b else ()
    if levels_a != levels_b:
        why = Text(
            "编码层级的长度改变：旧报告的编码可能不属于任何层级（GAI750），或其上级不同（合计改变）",
            "the levels' code lengths changed: an old code may fit no level (GAI750) or have another parent "
            "(other sums)",
        )
        shown = (",".join(map(str, levels_a)) or "—", ",".join(map(str, levels_b)) or "—")
        yield Change("changed", "dimension", key, "levels", *shown, label=key, classification=BREAKING, why=why)
    elif a and b and tuple(x.label for x in a.levels) != tuple(x.label for x in b.levels):
        why = Text("层级名称，不影响数据", "the levels' names: data unaffected")
        shown = (" / ".join(x.label or "" for x in a.levels), " / ".join(x.label or "" for x in b.levels))
        yield Change("changed", "dimension", key, "level names", *shown, label=key, why=why)
    codes_a = dict(a.codes) if a else {}
    codes_b = dict(b.codes) if b else {}
    if codes_a == codes_b:
        return
    if not codes_b:
        why = Text("不再限定编码表：旧报告的编码仍然有效", "no code list any more: old reports' codes stay valid")
        yield Change("changed", "dimension", key, "code list", f"{len(codes_a)} codes", "—", label=key, why=why)
        return
    if not codes_a:
        why = Text(
            "新增编码表：旧报告中不在表中的编码读入报 GAI752",
            "a code list now applies: an old report's code outside it is rejected (GAI752)",
        )
        yield Change(
            "changed",
            "dimension",
            key,
            "code list",
            "—",
            f"{len(codes_b)} codes",
            label=key,
            classification=BREAKING,
            why=why,
        )
        return
    gone = [c for c in codes_a if c not in codes_b]
    if gone:
        listed = "、".join(gone[:5]) + ("…" if len(gone) > 5 else "")
        shown_en = ", ".join(gone[:5]) + ("…" if len(gone) > 5 else "")
        why = Text(
            f"编码表删除了 {len(gone)} 个编码（{listed}）：使用它们的旧报告读入报 GAI752",
            f"{len(gone)} codes removed from the code list ({shown_en}): old reports using them are rejected (GAI752)",
        )
        yield Change(
            "removed",
            "code",
            key,
            "code list",
            f"{len(codes_a)} codes",
            f"{len(codes_b)} codes",
            label=key,
            classification=BREAKING,
            why=why,
        )
    new = [c for c in codes_b if c not in codes_a]
    if new:
        why = Text(f"编码表新增 {len(new)} 个编码：旧报告仍然有效", f"{len(new)} codes added: old reports stay valid")
        yield Change(
            "added", "code", key, "code list", f"{len(codes_a)} codes", f"{len(codes_b)} codes", label=key, why=why
        )
    renamed = [c for c in codes_a if c in codes_b and codes_a[c] != codes_b[c]]
    if renamed:
        why = Text(
            f"{len(renamed)} 个编码的规范名称改变：沿用旧名称的报告得到警告 GAI753",
            f"the official name of {len(renamed)} codes changed: reports with the old names get the warning GAI753",
        )
        yield Change("changed", "code", key, "official names", ", ".join(renamed[:5]), None, label=key, why=why)


# ---------------------------------------------------------------------------------------------------- checks


def has_open_parts(spec: ir.Spec) -> bool:
    return bool(spec.open_dimensions or spec.records)


def _closings(old: ir.Spec, new: ir.Spec) -> Iterator[tuple[str, ir.Spec, ir.Spec]]:
    """Both versions closed alike: (the size in words, old closed, new closed), for each size the bound covers."""
    if not old.open_dimensions and not old.records:
        return
    dimensions = old.open_dimensions
    lows = [o.at_least for o in dimensions.values()]
    highs = [MAX_MEMBERS if o.at_most is None else min(o.at_most, MAX_MEMBERS) for o in dimensions.values()]
    sizes = range(max(lows, default=0), max(min(highs, default=0), max(lows, default=0)) + 1)
    for size in sizes:
        counts = {d: size for d in dimensions}
        for records in record_counts(old) if old.records else [{}]:
            try:
                if old.records:
                    closed_old = shape(old, counts, records).closed
                    new_counts = {d: size for d in new.open_dimensions}
                    new_records = {k: records.get(k, 0) for k in new.records}
                    closed_new = shape(new, new_counts, new_records).closed
                else:
                    members = members_for(old, counts)
                    closed_old = close(old, members)
                    closed_new = close(new, {d: members.get(d, ()) for d in new.open_dimensions})
            except (SampleError, KeyError, ValueError):
                continue
            words = f"{size}" + (f"/{sum(records.values())}" if records else "")
            yield words, closed_old, closed_new


def bounded_checks(
    old: ir.Spec, new: ir.Spec, keys: list[str], identity: Any
) -> dict[str, tuple[Counterexample | str | None, str]]:
    """For each check key: what :func:`breaking_checks` finds on both versions closed at every size of the bound
    (the first counterexample, or ``UNDECIDED``, or None when no size has one) and the sizes tried, in words."""
    found: dict[str, tuple[Counterexample | str | None, str]] = {}
    tried: list[str] = []
    for words, closed_old, closed_new in _closings(old, new):
        m: Migration = identity(closed_old, closed_new)
        wanted = [k for k in keys if k in {c.key for c in closed_new.checks} and found.get(k, (None,))[0] is None]
        if not wanted:
            continue
        tried.append(words)
        try:
            answers = breaking_checks(m, wanted)
        except Exception:  # a closed spec the proof's encoding does not take: nothing proved at this size
            answers = {k: UNDECIDED for k in wanted}
        for key, answer in answers.items():
            if answer is not None and found.get(key, (None,))[0] is None:
                found[key] = (answer, words)
    sizes = ", ".join(tried)
    for key in keys:
        found.setdefault(key, (None if tried else UNDECIDED, sizes))
    return found


def bounded_reason(answer: Counterexample | str | None, sizes: str, records: bool) -> tuple[str, Text] | None:
    """The classification and reason of a check judged by :func:`bounded_checks` (None: a counterexample, which
    the caller shows as for a fixed spec)."""
    what_zh = "成员数/记录数" if records else "成员数"
    what_en = "members/records" if records else "members"
    if answer is None:
        return COMPATIBLE, Text(
            f"没有任何有效的旧报告（{what_zh}为 {sizes}）违反它（z3 证明；更大的报告未证明）",
            f"no report valid under the old version with {sizes} {what_en} fails it (proved with z3; larger "
            "reports not proved)",
        )
    if isinstance(answer, str):
        return BREAKING, Text(
            "求解器未能判定是否有有效的旧报告违反它，按不兼容处理",
            "the solver could not decide whether a report valid under the old version fails it: taken as breaking",
        )
    return None


__all__ = ["MAX_MEMBERS", "OpenComparison", "bounded_checks", "bounded_reason", "has_open_parts"]
