"""The verdicts every part of the diff shares: a removed or renamed value is lost (breaking) unless the migration
carries it, an added one is blank unless the migration fills it, a new label or alias is wording, a type change is
judged by :func:`gaidsl.migrations.type_verdicts.type_change` and a unit change breaks.

:class:`Comparison` holds the two specs, the migration and the changes found; :class:`gaidsl.diff.compare.Differ`,
:class:`gaidsl.diff.tables.TableComparison` and :class:`gaidsl.diff.checks.CheckComparison` build on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from gaidsl.diff.changes import BREAKING, COMPATIBLE, Change
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.migrations.migration import Fate, Migration, Target
from gaidsl.migrations.type_verdicts import type_change, unit_changed

NO_PLACE = Text(
    "这些值在新格式中没有位置（数据文件含有它们时读入报 GAI703）",
    "their values have no place in the new format (a data file with them is rejected: GAI703)",
)
"""Why removed values break reports (unless a migration carries or drops them)."""
KEY_CHANGED = Text(
    "键改变：旧数据文件中的键在新格式中不存在（GAI703）",
    "the key changed: old data files use a key the new format lacks (GAI703)",
)
"""Why a renamed key breaks reports (unless a migration maps its values)."""


class Comparison:
    """Two specs (and the migration between them, if any), and the changes found so far."""

    def __init__(self, old: ir.Spec, new: ir.Spec, migration: Migration | None) -> None:
        self.old = old
        self.new = new
        self.m = migration
        self.changes: list[Change] = []
        self.old_sections = {s.key: s.label for s in old.sections}
        self.new_sections = {s.key: s.label for s in new.sections}

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def sourced(self, item: tuple[str, str]) -> bool:
        """Whether the migration gives the new item a value (or declares it to be entered)."""
        return self.m is not None and item in self.m.targets and self.m.targets[item].how != "new"

    def cells_fate(self, items: Sequence[tuple[str, str]], lost: Text) -> tuple[str, Text]:
        """How removed old items fare: breaking (lost) without a migration; with one, as it says."""
        if self.m is None or not items:
            return BREAKING, lost
        fates = [self.m.fates.get(i) for i in items]
        if any(f is None for f in fates):
            return BREAKING, lost
        return COMPATIBLE, _fates_text([f for f in fates if f is not None], self.m)

    def removed_value(
        self, what: str, key: str, label: str, *items: tuple[str, str], group: str | None = None
    ) -> Change:
        """``items`` (the old values under ``key``) removed: lost, unless the migration carries or drops them."""
        classification, why = self.cells_fate(list(items), NO_PLACE)
        return Change("removed", what, key, label=label, classification=classification, why=why, group=group)

    def added_value(
        self, what: str, key: str, label: str, items: Sequence[tuple[str, str]], group: str | None
    ) -> Change:
        """``items`` (the new values under ``key``) added: blank in old reports, unless the migration fills them."""
        why = Text(
            "旧报告中为空：涉及它们的校验无法校验，不会不通过",
            "blank in old reports: checks over them are unverifiable, never failed",
        )
        if self.m is not None and items:
            targets = [self.m.targets.get(i) for i in items]
            if all(t is not None for t in targets):
                why = _targets_text([t for t in targets if t is not None], self.m)
        return Change("added", what, key, label=label, why=why, group=group)

    def renamed(self, what: str, old_key: str, key: str, label: str | None, *items: tuple[str, str]) -> Change:
        """``old_key`` now ``key``: its values (``items``) lost, unless the migration maps them."""
        classification, why = self.cells_fate(list(items), KEY_CHANGED)
        return Change("renamed", what, key, old_key=old_key, label=label, classification=classification, why=why)

    def added_input(
        self,
        what: str,
        key: str,
        label: str | None,
        required: bool,
        why_required: Text,
        why_optional: Text,
        group: str | None = None,
    ) -> Change:
        """A new field or text block: breaking when it is required and the migration gives it no value."""
        breaking = required and not self.sourced((what, key))
        why = why_required if breaking else why_optional
        return Change(
            "added", what, key, label=label, classification=BREAKING if breaking else COMPATIBLE, why=why, group=group
        )

    def required_change(
        self, what: str, key: str, label: str | None, now_required: bool, why_required: Text, group: str | None = None
    ) -> Change:
        """A field or text block that became required (breaking: ``why_required`` says why) or optional."""
        return Change(
            "changed",
            what,
            key,
            "required",
            str(not now_required).lower(),
            str(now_required).lower(),
            label=label,
            classification=BREAKING if now_required else COMPATIBLE,
            why=why_required if now_required else Text("改为选填", "no longer required"),
            group=group,
        )

    def translations_changed(
        self,
        what: str,
        key: str,
        old: Mapping[str, str],
        new: Mapping[str, str],
        label: str | None,
        why: Text,
        group: str | None = None,
    ) -> None:
        """Each translation of a label (``label en "…"``, docs/languages.md) given, changed or taken away: a change of
        its words (``label en``), classified as ``why`` says."""
        for lang in sorted(set(old) | set(new)):
            was, now = old.get(lang), new.get(lang)
            if was != now:
                self.add(Change("changed", what, key, f"label {lang}", was, now, label=label, why=why, group=group))

    def label_change(
        self,
        what: str,
        key: str,
        before: str,
        after: str,
        old_aliases: Iterable[str],
        new_aliases: Iterable[str],
        group: str | None = None,
        label: str | None = None,
        translations: tuple[Mapping[str, str], Mapping[str, str]] | None = None,
    ) -> None:
        """A new label (else new aliases) under the same key: wording, data unaffected; and each translation of the
        label (``label en "…"``, docs/languages.md) given, changed or taken away, the same."""
        same_key = Text("键不变，数据不受影响", "same key: data unaffected")
        if translations is not None:
            self.translations_changed(what, key, *translations, label or after, same_key, group)
        if before != after:
            self.add(
                Change("changed", what, key, "label", before, after, label=label or after, why=same_key, group=group)
            )
        elif tuple(old_aliases) != tuple(new_aliases):
            self.add(
                Change(
                    "changed",
                    what,
                    key,
                    "aliases",
                    ", ".join(old_aliases) or None,
                    ", ".join(new_aliases) or None,
                    label=label or after,
                    why=same_key,
                    group=group,
                )
            )

    def type_change(
        self, what: str, key: str, label: str | None, a: ir.CellType, b: ir.CellType, group: str | None = None
    ) -> None:
        """A type change: breaking if old values may not be valid in the new type or the unit changed."""
        verdict = type_change(a, b)
        if verdict == "same":
            return
        if unit_changed(a, b):
            classification, why = (
                BREAKING,
                Text(f"单位由 {a.unit} 改为 {b.unit}：同一数值含义不同", f"the unit changed from {a.unit} to {b.unit}"),
            )
        elif verdict == "widening":
            classification, why = COMPATIBLE, Text("旧值在新类型中都有效", "every old value is valid in the new type")
        elif verdict == "narrowing":
            classification, why = (
                BREAKING,
                Text("部分旧值在新类型中无效", "some old values are not valid in the new type"),
            )
        else:
            classification, why = BREAKING, Text("旧值不能作为新类型读入", "old values cannot be read as the new type")
        self.add(
            Change(
                "changed",
                what,
                key,
                "type",
                a.describe(),
                b.describe(),
                label=label,
                classification=classification,
                why=why,
                group=group,
            )
        )


def _fates_text(fates: Sequence[Fate], m: Migration) -> Text:
    hows = sorted({f.how for f in fates})
    reasons = sorted({f.reason for f in fates if f.reason})
    zh = {
        "dropped": "迁移中删除",
        "split": "迁移中拆分",
        "merge": "迁移中合并",
        "rename": "迁移中更名",
        "same": "迁移中照录",
    }
    en = {
        "dropped": "dropped by the migration",
        "split": "split by the migration",
        "merge": "merged by the migration",
        "rename": "renamed by the migration",
        "same": "copied by the migration",
    }
    tail = f"：{'；'.join(reasons)}" if reasons else ""
    tail_en = f": {'; '.join(reasons)}" if reasons else ""
    return Text("、".join(zh[h] for h in hows) + tail, ", ".join(en[h] for h in hows) + tail_en)


def _targets_text(targets: Sequence[Target], m: Migration) -> Text:
    if all(t.how == "new" for t in targets):
        return Text("迁移后未知，待填报", "unknown after migration, to be entered")
    if all(t.how == "split" for t in targets):
        return Text("由迁移中的拆分得到", "made by the migration's split")
    return Text("由迁移得到", "made by the migration")


__all__ = ["Comparison"]
