"""Comparing two specs item by item for :func:`gaidsl.diff.changes.diff`, in the order the changes are listed: the
format
itself, units, fields, sections and text blocks here; then tables with their rows, columns and cells
(:mod:`gaidsl.diff.tables`) and checks (:mod:`gaidsl.diff.checks`). Shared verdicts: :mod:`gaidsl.diff.verdicts`."""

from __future__ import annotations

import attrs

from gaidsl.diff.changes import BREAKING, COMPATIBLE, Change, label_of, match, names_of
from gaidsl.diff.checks import CheckComparison
from gaidsl.diff.tables import TableComparison
from gaidsl.diff.verdicts import Comparison
from gaidsl.language.diagnostics import Text


class Differ(Comparison):
    """Every change from ``old`` to ``new``, in :attr:`changes` once :meth:`run` has run."""

    def run(self) -> None:
        self.format()
        self.units()
        self.fields()
        self.sections()
        self.texts()
        self.changes += TableComparison(self.old, self.new, self.m).run()
        self.changes += CheckComparison(self.old, self.new, self.m).run()

    # ---- the format itself
    def format(self) -> None:
        old, new = self.old, self.new
        meta = Text("格式的标识信息，不影响数据", "metadata of the format: data unaffected")
        for aspect, a, b in (
            ("id", old.id, new.id),
            ("version", old.version, new.version),
            ("title", old.title, new.title),
        ):
            if a != b:
                self.add(Change("changed", "format", new.id, aspect, a, b, why=meta))
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
            required = field.required and not self.sourced(("field", key))
            why = (
                Text(
                    "新增的必填字段：旧报告没有它，读入时报 GAI714",
                    "a new required field: old reports lack it (GAI714)",
                )
                if required
                else Text("新增字段，旧报告中为空", "a new field, blank in old reports")
            )
            self.add(
                Change(
                    "added",
                    "field",
                    key,
                    label=field.label,
                    classification=BREAKING if required else COMPATIBLE,
                    why=why,
                )
            )
        for o, n in pairs:
            a, b = self.old.fields[o], self.new.fields[n]
            if o != n:
                self.add(self.renamed("field", o, n, b.label, ("field", o)))
            self.label_change("field", n, a.label, b.label, a.aliases, b.aliases)
            self.type_change("field", n, b.label, a.type, b.type)
            if a.required != b.required:
                rejected = Text(
                    "改为必填：未填的旧报告读入时报 GAI714", "now required: old reports without it are rejected"
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
            required = block.required and not self.sourced(("text", key))
            why = (
                Text(
                    "新增的必填文本：旧报告没有它，读入时报 GAI720", "a new required text: old reports lack it (GAI720)"
                )
                if required
                else Text("新增文本，旧报告中为空", "a new text, blank in old reports")
            )
            group = self.new_sections.get(block.section)
            self.add(
                Change(
                    "added",
                    "text",
                    key,
                    label=block.label,
                    classification=BREAKING if required else COMPATIBLE,
                    why=why,
                    group=group,
                )
            )
        for o, n in pairs:
            a, b = self.old.texts[o], self.new.texts[n]
            group = self.new_sections.get(b.section)
            if o != n:
                self.add(attrs.evolve(self.renamed("text", o, n, b.label or n, ("text", o)), group=group))
            self.label_change("text", n, a.label or o, b.label or n, a.aliases, b.aliases, group)
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
                self.add(self.required_change("text", n, b.label, b.required, Text("改为必填", "now required"), group))


__all__ = ["Differ"]
