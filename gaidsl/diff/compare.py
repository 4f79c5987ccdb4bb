"""The diff of two specs (:func:`diff`; what a change is: :mod:`gaidsl.diff.changes`).

The specs are compared item by item, in the order the changes are listed: the format itself, units, fields, sections
and text blocks here; then tables with their rows, columns and cells (:mod:`gaidsl.diff.tables`) and checks
(:mod:`gaidsl.diff.checks`). Shared verdicts: :mod:`gaidsl.diff.verdicts`. Added and changed checks are then judged
by z3 (:func:`gaidsl.migrations.proof.breaking_checks`)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from gaidsl.diff.changes import BREAKING, COMPATIBLE, Change, Diff, label_of, match, names_of
from gaidsl.diff.checks import CheckComparison
from gaidsl.diff.open_parts import OpenComparison, bounded_checks, bounded_reason, has_open_parts
from gaidsl.diff.overlays import with_overlay_reasons
from gaidsl.diff.tables import TableComparison
from gaidsl.diff.verdicts import Comparison
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.migrations.migration import Fate, Migration, Target
from gaidsl.migrations.proof import breaking_checks
from gaidsl.migrations.proof_report import Counterexample


class Differ(Comparison):
    """Every change from ``old`` to ``new``, in :attr:`changes` once :meth:`run` has run."""

    def run(self) -> None:
        self.format()
        self.units()
        self.fields()
        self.sections()
        self.texts()
        self.changes += TableComparison(self.old, self.new, self.m).run()
        self.changes += OpenComparison(self.old, self.new, self.m).run()
        self.changes += CheckComparison(self.old, self.new, self.m).run()
        if self.old.record_checks or self.new.record_checks:  # checks for each record, compared as checks are
            old, new = (attrs.evolve(s, checks=s.record_checks) for s in (self.old, self.new))
            self.changes += CheckComparison(old, new, self.m).run()

    # ---- the format itself
    def format(self) -> None:
        old, new = self.old, self.new
        meta = Text("格式的标识信息，不影响数据", "metadata of the format: data unaffected")
        named = Text(  # a data file names both (GAI710, GAI711): carried over, a report gets the new ones
            "数据文件写明格式标识与版本：报告经迁移时随之改写为新的",
            "a data file names the format and its version: a report carried over is given the new ones",
        )
        for aspect, a, b, why in (
            ("id", old.id, new.id, named),
            ("version", old.version, new.version, named),
            ("title", old.title, new.title, meta),
        ):
            if a != b:
                self.add(Change("changed", "format", new.id, aspect, a, b, why=why))
        for text in old.basis:
            if text not in new.basis:
                self.add(Change("removed", "basis", text, label=text, why=meta))
        for text in new.basis:
            if text not in old.basis:
                self.add(Change("added", "basis", text, label=text, why=meta))

    def units(self) -> None:
        same = Text("单位声明；单元格的单位另行比较", "a unit declaration; cells' units are compared on their own")
        for key in self.old.units:
            if key not in self.new.units:
                self.add(Change("removed", "unit", key, why=same))
        for key, unit in self.new.units.items():
            before = self.old.units.get(key)
            if before is None:
                self.add(Change("added", "unit", key, why=same))
            elif (before.base, before.factor) != (unit.base, unit.factor):
                self.add(
                    Change(
                        "changed",
                        "unit",
                        key,
                        "scale",
                        f"{before.factor} {before.base}",
                        f"{unit.factor} {unit.base}",
                        classification=BREAKING,
                        why=Text("同一数值的含义变了", "the same number means something else"),
                    )
                )

    # ---- fields and text blocks
    def fields(self) -> None:
        pairs, removed, added = match(self.old.fields, self.new.fields, names_of)
        for key in removed:
            field = self.old.fields[key]
            self.add(self.removed_value("field", key, field.label, ("field", key)))
        for key in added:
            field = self.new.fields[key]
            required = Text(
                "新增的必填字段：旧报告没有它，校验结论为「未通过」（GAI714）",
                "a new required field: old reports lack it, so they fail (GAI714)",
            )
            optional = Text("新增字段，旧报告中为空", "a new field, blank in old reports")
            self.add(self.added_input("field", key, field.label, field.required, required, optional))
        for o, n in pairs:
            a, b = self.old.fields[o], self.new.fields[n]
            if o != n:
                self.add(self.renamed("field", o, n, b.label, ("field", o)))
            translated = (a.translations, b.translations)
            self.label_change("field", n, a.label, b.label, a.aliases, b.aliases, translations=translated)
            self.type_change("field", n, b.label, a.type, b.type)
            if a.required != b.required:
                rejected = Text(
                    "改为必填：未填的旧报告校验结论为「未通过」（GAI714）",
                    "now required: old reports without it fail (GAI714)",
                )
                self.add(self.required_change("field", n, b.label, b.required, rejected))

    def sections(self) -> None:
        old = {s.key: s for s in self.old.sections}
        new = {s.key: s for s in self.new.sections}
        pairs, removed, added = match(old, new, label_of)
        layout = Text(
            "报告的结构；其中的表和文本另行比较", "the report's layout; its tables and texts are compared on their own"
        )
        for key in removed:
            self.add(Change("removed", "section", key, label=old[key].label, why=layout))
        for key in added:
            self.add(Change("added", "section", key, label=new[key].label, why=layout))
        for o, n in pairs:
            if o != n:
                self.add(Change("renamed", "section", n, old_key=o, label=new[n].label, why=layout))
            self.translations_changed("section", n, old[o].translations, new[n].translations, new[n].label, layout)
            if old[o].label != new[n].label:
                self.add(
                    Change("changed", "section", n, "label", old[o].label, new[n].label, label=new[n].label, why=layout)
                )

    def texts(self) -> None:
        pairs, removed, added = match(self.old.texts, self.new.texts, names_of)
        for key in removed:
            block = self.old.texts[key]
            self.add(
                self.removed_value(
                    "text", key, block.label or key, ("text", key), group=self.old_sections.get(block.section)
                )
            )
        for key in added:
            block = self.new.texts[key]
            required = Text(
                "新增的必填文本：旧报告没有它，校验结论为「未通过」（GAI720）",
                "a new required text: old reports lack it, so they fail (GAI720)",
            )
            optional = Text("新增文本，旧报告中为空", "a new text, blank in old reports")
            group = self.new_sections.get(block.section)
            self.add(self.added_input("text", key, block.label, block.required, required, optional, group))
        for o, n in pairs:
            a, b = self.old.texts[o], self.new.texts[n]
            group = self.new_sections.get(b.section)
            if o != n:
                self.add(attrs.evolve(self.renamed("text", o, n, b.label or n, ("text", o)), group=group))
            translated = (a.translations, b.translations)
            self.label_change(
                "text", n, a.label or o, b.label or n, a.aliases, b.aliases, group, translations=translated
            )
            if a.guidance != b.guidance:
                self.add(
                    Change(
                        "changed",
                        "text",
                        n,
                        "guidance",
                        " ".join(a.guidance),
                        " ".join(b.guidance),
                        label=b.label,
                        why=Text("填报说明，不影响数据", "guidance for authors: data unaffected"),
                        group=group,
                    )
                )
            if a.required != b.required:
                now = Text(
                    "改为必填：未填的旧报告校验结论为「未通过」（GAI720）",
                    "now required: old reports without it fail (GAI720)",
                )
                self.add(self.required_change("text", n, b.label, b.required, now, group))


# ---------------------------------------------------------------------------------------------------- the diff


def diff(old: ir.Spec, new: ir.Spec, migration: Migration | None = None, *, prove_checks: bool = True) -> Diff:
    """Every change from ``old`` to ``new``, classified (checks by z3 unless ``prove_checks`` is off)."""
    differ = Differ(old, new, migration)
    differ.run()
    changes = differ.changes
    if prove_checks:
        changes = _classify_checks(old, new, migration, changes)
    changes = with_overlay_reasons(changes, new)
    return Diff(old, new, tuple(changes), migration.file if migration else None)


# ---------------------------------------------------------------------------------------------------- checks by z3


def identity_migration(old: ir.Spec, new: ir.Spec) -> Migration:
    """Old reports carried over by key: what has the same key (and kind) in both is copied, the rest is blank."""
    targets: dict[tuple[str, str], Target] = {}
    fates: dict[tuple[str, str], Fate] = {}
    for kind, a, b in (
        ("cell", old.cells, new.cells),
        ("field", old.fields, new.fields),
        ("text", old.texts, new.texts),
    ):
        for key in b:
            if key in a:
                targets[(kind, key)] = Target(kind, key, "same", ((Decimal(1), key),))
            else:
                targets[(kind, key)] = Target(kind, key, "new")
        for key in a:
            fates[(kind, key)] = Fate(kind, key, "same", (key,)) if key in b else Fate(kind, key, "dropped")
    return Migration("identity", None, "", old, new, targets, fates, {}, ())


def _classify_checks(old: ir.Spec, new: ir.Spec, migration: Migration | None, changes: list[Change]) -> list[Change]:
    """Added and changed checks: breaking when some valid old report (carried over) fails them (z3)."""
    judged = {"added", "changed", "renamed"}
    semantic = {None, "expression", "positions", "tolerance"}
    keys = [c.key for c in changes if c.what == "check" and c.kind in judged and c.aspect in semantic]
    if not keys:
        return changes
    bounded: dict[str, tuple[Counterexample | str | None, str]] = {}
    if has_open_parts(old) or has_open_parts(new):  # judged on both versions closed alike, for small reports
        bounded = bounded_checks(old, new, list(dict.fromkeys(keys)), identity_migration)
        found = {key: answer for key, (answer, _) in bounded.items()}
        m = identity_migration(old, new)
    else:
        m = migration if migration is not None else identity_migration(old, new)
        found = breaking_checks(m, list(dict.fromkeys(keys)))
    out = []
    for change in changes:
        if change.what == "check" and change.key in found and change.kind in judged and change.aspect in semantic:
            example = found[change.key]
            verdict = None
            if change.key in bounded:
                verdict = bounded_reason(example, bounded[change.key][1], bool(old.records or new.records))
            if verdict is not None:
                change = attrs.evolve(change, classification=verdict[0], why=verdict[1])
            elif isinstance(example, str):  # UNDECIDED: not proved compatible, so taken as breaking
                why = Text(
                    "求解器未能判定是否有有效的旧报告违反它（如单元格之间的乘除），按不兼容处理",
                    "the solver could not decide whether a report valid under the old version fails it (arithmetic "
                    "between cells, say): taken as breaking",
                )
                change = attrs.evolve(change, classification=BREAKING, why=why)
            elif example is None:
                why = Text(
                    "没有任何有效的旧报告（迁移后）违反它（z3 证明）",
                    "no report valid under the old version fails it once carried over (proved with z3)",
                )
                change = attrs.evolve(change, classification=COMPATIBLE, why=why)
            else:
                message = example.message or Text("", "")
                why = Text(
                    f"有效的旧报告违反它：{message.zh}", f"a report valid under the old version fails it: {message.en}"
                )
                reason = m.exempt.get(change.key)
                if reason is not None:
                    why = Text(f"{why.zh}（迁移豁免了它：{reason}）", f"{why.en} (the migration exempts it: {reason})")
                change = attrs.evolve(change, classification=BREAKING, why=why, example=example.to_json_dict())
        out.append(change)
    return out


__all__ = ["Differ", "diff", "identity_migration"]
