"""Comparing two specs item by item for :func:`gaidsl.diff.diff`: the format, units, fields, sections, text blocks,
tables with their rows, columns and cells, and checks (their words, positions and expressions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from gaidsl import ir
from gaidsl.diagnostics import Text
from gaidsl.diff import BREAKING, COMPATIBLE, Change, label_of, match, names_of
from gaidsl.migration import Fate, Migration, Target
from gaidsl.migration_check import type_change


class Differ:
    def __init__(self, old: ir.Spec, new: ir.Spec, migration: Migration | None) -> None:
        self.old = old
        self.new = new
        self.m = migration
        self.changes: list[Change] = []
        self.old_sections = {s.key: s.label for s in old.sections}
        self.new_sections = {s.key: s.label for s in new.sections}

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def run(self) -> None:
        self.format()
        self.units()
        self.fields()
        self.sections()
        self.texts()
        self.tables()
        self.checks()

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
            required = field.required and not self._sourced(("field", key))
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
                self.add(
                    Change(
                        "changed",
                        "field",
                        n,
                        "required",
                        str(a.required).lower(),
                        str(b.required).lower(),
                        label=b.label,
                        classification=BREAKING if b.required else COMPATIBLE,
                        why=Text(
                            "改为必填：未填的旧报告读入时报 GAI714", "now required: old reports without it are rejected"
                        )
                        if b.required
                        else Text("改为选填", "no longer required"),
                    )
                )

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
            required = block.required and not self._sourced(("text", key))
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
                self.add(
                    Change(
                        "changed",
                        "text",
                        n,
                        "required",
                        str(a.required).lower(),
                        str(b.required).lower(),
                        label=b.label,
                        classification=BREAKING if b.required else COMPATIBLE,
                        why=Text("改为必填", "now required") if b.required else Text("改为选填", "no longer required"),
                        group=group,
                    )
                )

    # ---- tables, rows, columns, cells
    def tables(self) -> None:
        pairs, removed, added = match(self.old.tables, self.new.tables, names_of)
        for key in removed:
            table = self.old.tables[key]
            cells = [("cell", c) for c in table.cells]
            self.add(
                self.removed_value("table", key, table.label or key, *cells, group=self.old_sections.get(table.section))
            )
        for key in added:
            table = self.new.tables[key]
            self.add(
                self.added_value(
                    "table",
                    key,
                    table.label or key,
                    [("cell", c) for c in table.cells],
                    self.new_sections.get(table.section),
                )
            )
        for o, n in pairs:
            self.table(o, n)

    def table(self, o: str, n: str) -> None:
        a, b = self.old.tables[o], self.new.tables[n]
        group = self.new_sections.get(b.section)
        if o != n:
            self.add(
                attrs.evolve(self.renamed("table", o, n, b.label or n, *[("cell", c) for c in a.cells]), group=group)
            )
        self.label_change("table", n, a.label or o, b.label or n, a.aliases, b.aliases, group)
        if a.section != b.section:
            self.add(
                Change(
                    "changed",
                    "table",
                    n,
                    "section",
                    a.section,
                    b.section,
                    label=b.label,
                    group=group,
                    why=Text("位置变化", "moved"),
                )
            )
        if a.stub != b.stub:
            self.add(
                Change(
                    "changed",
                    "table",
                    n,
                    "stub",
                    a.stub,
                    b.stub,
                    label=b.label,
                    group=group,
                    why=Text("表头文字", "a header's text"),
                )
            )
        if [x.text for x in a.notes] != [x.text for x in b.notes]:
            before = " / ".join(x.text for x in a.notes) or None
            after = " / ".join(x.text for x in b.notes) or None
            self.add(
                Change(
                    "changed",
                    "table",
                    n,
                    "notes",
                    before,
                    after,
                    label=b.label,
                    group=group,
                    why=Text("表中的注释", "notes printed in the table"),
                )
            )
        if a.type != b.type:
            self.add(
                Change(
                    "changed",
                    "table",
                    n,
                    "type",
                    a.type.describe(),
                    b.type.describe(),
                    label=b.label,
                    group=group,
                    why=Text(
                        "表的默认类型；保留的单元格另行比较",
                        "the table's default type; kept cells are compared on their own",
                    ),
                )
            )
        for axis in ("row", "column"):
            self.members(o, n, axis, group)
        self.cells(o, n, group)

    def members(self, o: str, n: str, axis: str, group: str | None) -> None:
        a = self.old.tables[o].rows if axis == "row" else self.old.tables[o].columns
        b = self.new.tables[n].rows if axis == "row" else self.new.tables[n].columns
        old = {m.key: m for m in a.members} if a is not None else {}
        new = {m.key: m for m in b.members} if b is not None else {}
        pairs, removed, added = match(old, new, names_of)
        for key in removed:
            member = old[key]
            cells = self._cells_of(self.old, o, axis, key)
            if member.kind == "group" and not cells:
                continue  # its children are reported one by one
            self.add(self.removed_value(axis, f"{o}.{key}", " · ".join(member.labels), *cells, group=group))
        for key in added:
            member = new[key]
            cells = self._cells_of(self.new, n, axis, key)
            if member.kind == "group" and not cells:
                continue
            self.add(self.added_value(axis, f"{n}.{key}", " · ".join(member.labels), cells, group))
        for ko, kn in pairs:
            x, y = old[ko], new[kn]
            name = f"{n}.{kn}"
            label = " · ".join(y.labels)
            if ko != kn:
                cells = self._cells_of(self.old, o, axis, ko)
                self.add(attrs.evolve(self.renamed(axis, f"{o}.{ko}", name, label, *cells), group=group))
            self.label_change(axis, name, x.label, y.label, x.aliases, y.aliases, group, label)
            if (x.gloss or None) != (y.gloss or None):
                self.add(
                    Change(
                        "changed",
                        axis,
                        name,
                        "gloss",
                        x.gloss,
                        y.gloss,
                        label=label,
                        group=group,
                        why=Text("表头中的说明，不影响数据", "an explanation in the header: data unaffected"),
                    )
                )
            if x.kind != y.kind:
                if x.has_cells and not y.has_cells:
                    children = ", ".join(y.children)
                    why = self._cells_fate(
                        [("cell", c) for c in self._cells_of_member(self.old, o, axis, ko)],
                        Text(
                            f"原为一行（列）数据，现为分组（{children}）：原单元格在新格式中没有位置",
                            f"one row (column) of data before, now a group ({children}): its cells have no place",
                        ),
                    )
                    self.add(
                        Change(
                            "changed",
                            axis,
                            name,
                            "kind",
                            x.kind,
                            f"group({children})",
                            label=label,
                            group=group,
                            classification=why[0],
                            why=why[1],
                        )
                    )
                else:
                    self.add(
                        Change(
                            "changed",
                            axis,
                            name,
                            "kind",
                            x.kind,
                            y.kind,
                            label=label,
                            group=group,
                            why=Text("成员种类", "kind of member"),
                        )
                    )
            if x.type != y.type and x.type is not None and y.type is not None:
                self.type_change(axis, name, label, x.type, y.type, group)

    def _cells_of_member(self, spec: ir.Spec, table: str, axis: str, member: str) -> list[str]:
        t = spec.tables[table]
        return [c for c in t.cells if (spec.cells[c].row if axis == "row" else spec.cells[c].column) == member]

    def _cells_of(self, spec: ir.Spec, table: str, axis: str, member: str) -> list[tuple[str, str]]:
        found = spec.tables[table].rows if axis == "row" else spec.tables[table].columns
        assert found is not None
        keys = {m.key for m in found.members if m.has_cells and member in m.path}
        return [
            ("cell", c)
            for c in spec.tables[table].cells
            if (spec.cells[c].row if axis == "row" else spec.cells[c].column) in keys
        ]

    def cells(self, o: str, n: str, group: str | None) -> None:
        """Cells of kept rows and columns: absent now (or no longer), and type changes, grouped by column."""
        a, b = self.old.tables[o], self.new.tables[n]
        old_rows = set(a.rows.by_key) if a.rows else set()
        new_rows = set(b.rows.by_key) if b.rows else set()
        for key in a.cells:
            cell = self.old.cells[key]
            if cell.row in new_rows | {None} and cell.column in b.columns.by_key:
                counterpart = b.cell_key(cell.row, cell.column)
                if (
                    counterpart not in self.new.cells
                    and b.columns.by_key[cell.column].has_cells
                    and (cell.row is None or (b.rows is not None and b.rows.by_key[cell.row].has_cells))
                ):
                    self.add(self.removed_value("cell", key, self._label(self.old, key), ("cell", key), group=group))
        for key in b.cells:
            cell = self.new.cells[key]
            if cell.row in old_rows | {None} and cell.column in a.columns.by_key:
                counterpart = a.cell_key(cell.row, cell.column)
                if (
                    counterpart not in self.old.cells
                    and a.columns.by_key[cell.column].has_cells
                    and (cell.row is None or (a.rows is not None and a.rows.by_key[cell.row].has_cells))
                ):
                    self.add(self.added_value("cell", key, self._label(self.new, key), [("cell", key)], group))
        changed: dict[tuple[str, str, str], list[str]] = {}
        for key in b.cells:
            if key in self.old.cells and self.old.cells[key].type != self.new.cells[key].type:
                before, after = self.old.cells[key].type.describe(), self.new.cells[key].type.describe()
                changed.setdefault((self.new.cells[key].column, before, after), []).append(key)
        for (column, _, _), keys in changed.items():
            in_column = [c for c in b.cells if self.new.cells[c].column == column]
            first_old, first_new = self.old.cells[keys[0]].type, self.new.cells[keys[0]].type
            if len(keys) > 1 and len(keys) == len(in_column):
                label = " · ".join(b.columns.by_key[column].labels)
                self.type_change("column", f"{n}.{column}", label, first_old, first_new, group)
                continue
            for key in keys:
                self.type_change("cell", key, self._label(self.new, key), self.old.cells[key].type, first_new, group)

    # ---- checks
    def checks(self) -> None:
        old = {c.key: c for c in self.old.checks}
        new = {c.key: c for c in self.new.checks}
        pairs, removed, added = match(old, new, label_of)
        fewer = Text("少一条校验：原本有效的报告仍然有效", "one check fewer: what was valid stays valid")
        for key in removed:
            check = old[key]
            group = self._check_group(self.old, check)
            self.add(
                self._with_removal(Change("removed", "check", key, label=check.label, why=fewer, group=group), key)
            )
        for key in added:
            check = new[key]
            self.add(
                Change(
                    "added",
                    "check",
                    key,
                    label=check.label,
                    after=_check_text(check),
                    group=self._check_group(self.new, check),
                )
            )
        for ko, kn in pairs:
            self.check(old[ko], new[kn])

    def _check_group(self, spec: ir.Spec, check: ir.Check) -> str | None:
        return {s.key: s.label for s in spec.sections}.get(check.section or "")

    def _with_removal(self, change: Change, old_key: str) -> Change:
        """``change`` with the reason and place when the new spec's overlay removed the old check ``old_key``."""
        removed = self.new.removed_check(old_key)
        if removed is None:
            return change
        return attrs.evolve(change, reason=removed.reason, removed_at=removed.removed_at)

    def check(self, a: ir.Check, b: ir.Check) -> None:
        group = self._check_group(self.new, b)
        label = b.label
        if a.key != b.key:
            renamed = Change(
                "renamed",
                "check",
                b.key,
                old_key=a.key,
                label=label,
                group=group,
                why=Text("校验的键", "the check's key"),
            )
            self.add(self._with_removal(renamed, a.key))
        text = Text("说明文字，不影响结果", "wording only: results unaffected")
        if a.origin == "declared" or b.origin == "declared":  # generated checks' words follow their expression
            if a.label != b.label:
                self.add(
                    Change("changed", "check", b.key, "label", a.label, b.label, label=label, group=group, why=text)
                )
            if a.message.en != b.message.en or (a.message.zh != b.message.zh and a.label == b.label):
                was, now = (
                    (a.message.en, b.message.en) if a.message.en != b.message.en else (a.message.zh, b.message.zh)
                )
                self.add(Change("changed", "check", b.key, "message", was, now, label=label, group=group, why=text))
        if a.severity != b.severity:
            self.add(
                Change(
                    "changed",
                    "check",
                    b.key,
                    "severity",
                    a.severity,
                    b.severity,
                    label=label,
                    group=group,
                    why=Text(
                        "有效的报告在新旧两版中均通过全部校验，级别变化不影响其有效性",
                        "valid reports pass every check of either version: the severity does not change that",
                    ),
                )
            )
        if a.tolerance != b.tolerance:
            self.add(
                Change(
                    "changed", "check", b.key, "tolerance", str(a.tolerance), str(b.tolerance), label=label, group=group
                )
            )
        before = {i.position: i for i in a.instances}
        after = {i.position: i for i in b.instances}
        gone = [p for p in before if p not in after]
        came = [p for p in after if p not in before]
        if gone or came:
            self.add(
                Change(
                    "changed",
                    "check",
                    b.key,
                    "positions",
                    ", ".join(str(p) for p in gone) or None,
                    ", ".join(str(p) for p in came) or None,
                    label=label,
                    group=group,
                )
            )
        mapped = {p: self._mapped(i.expr) for p, i in before.items()}
        differing = [p for p in after if p in before and mapped[p] != after[p].expr]
        if differing:
            p = differing[0]
            where = f" [{p}]" if p is not None else ""
            more = f" (+{len(differing) - 1})" if len(differing) > 1 else ""
            was, now = expr_text(before[p].expr), expr_text(after[p].expr)
            if len(was) + len(now) > 240:  # a long sum: show the cells it stopped and started reading
                read_before = [var_text(r) for r in ir.cells_of(mapped[p])]
                read_after = [var_text(r) for r in ir.cells_of(after[p].expr)]
                was = "… " + ", ".join(r for r in read_before if r not in read_after)
                now = "… " + ", ".join(r for r in read_after if r not in read_before)
            self.add(
                Change(
                    "changed",
                    "check",
                    b.key,
                    "expression",
                    was + where,
                    now + where + more,
                    label=label,
                    group=group,
                )
            )

    def _mapped(self, expr: ir.Expr) -> ir.Expr:
        """An old expression with its cells renamed as the migration renames them (for comparing)."""
        if self.m is None:
            return expr
        return _rename_cells(expr, self.m)

    # ---- helpers
    def _label(self, spec: ir.Spec, key: str) -> str:
        from gaidsl.evaluate import cell_label

        return cell_label(spec, key)

    def _sourced(self, item: tuple[str, str]) -> bool:
        """Whether the migration gives the new item a value (or declares it to be entered)."""
        return self.m is not None and item in self.m.targets and self.m.targets[item].how != "new"

    def _cells_fate(self, items: Sequence[tuple[str, str]], lost: Text) -> tuple[str, Text]:
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
        lost = Text(
            "这些值在新格式中没有位置（数据文件含有它们时读入报 GAI703）",
            "their values have no place in the new format (a data file with them is rejected: GAI703)",
        )
        classification, why = self._cells_fate(list(items), lost)
        return Change("removed", what, key, label=label, classification=classification, why=why, group=group)

    def added_value(
        self, what: str, key: str, label: str, items: Sequence[tuple[str, str]], group: str | None
    ) -> Change:
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
        lost = Text(
            "键改变：旧数据文件中的键在新格式中不存在（GAI703）",
            "the key changed: old data files use a key the new format lacks (GAI703)",
        )
        classification, why = self._cells_fate(list(items), lost)
        return Change("renamed", what, key, old_key=old_key, label=label, classification=classification, why=why)

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
    ) -> None:
        same_key = Text("键不变，数据不受影响", "same key: data unaffected")
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
        verdict = type_change(a, b)
        if verdict == "same":
            return
        if a.numeric and b.numeric and a.unit != b.unit:
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


def _rename_cells(expr: ir.Expr, m: Migration) -> ir.Expr:
    def cell(ref: ir.CellRef) -> ir.CellRef:
        fate = m.fates.get(("cell", ref.cell))
        if fate is not None and fate.how in ("same", "rename") and len(fate.targets) == 1 and fate.factor == 1:
            return ir.CellRef(fate.targets[0], ref.previous)
        return ref

    mapped: ir.Expr = _map(expr, cell)
    return mapped


def _map(expr: Any, cell: Any) -> Any:  # an IR expression with its cell references replaced
    if isinstance(expr, ir.CellRef):
        return cell(expr)
    if isinstance(expr, ir.Sum):
        return ir.Sum(tuple((s, _map(t, cell)) for s, t in expr.terms))
    if isinstance(expr, ir.Scale):
        return ir.Scale(expr.factor, _map(expr.arg, cell))
    if isinstance(expr, ir.Compare):
        return ir.Compare(expr.op, _map(expr.left, cell), _map(expr.right, cell))
    if isinstance(expr, ir.And | ir.Or):
        return type(expr)(tuple(_map(a, cell) for a in expr.args))
    if isinstance(expr, ir.Not):
        return ir.Not(_map(expr.arg, cell))
    if isinstance(expr, ir.Implies):
        return ir.Implies(_map(expr.condition, cell), _map(expr.then, cell))
    return expr


# ---------------------------------------------------------------------------------------------------- expressions


_OPS = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def expr_text(expr: ir.Expr) -> str:
    """A check's expression over cell keys, for people: ``a + b = c``."""
    if isinstance(expr, ir.Const):
        return _number(expr.value)
    if isinstance(expr, ir.TextConst):
        return '"' + expr.value + '"'
    if isinstance(expr, ir.CellRef):
        return ("previous." if expr.previous else "") + expr.cell
    if isinstance(expr, ir.FieldRef):
        return ("previous." if expr.previous else "") + expr.field
    if isinstance(expr, ir.TextRef):
        return ("previous." if expr.previous else "") + expr.block
    if isinstance(expr, ir.Sum):
        out = ""
        for i, (sign, term) in enumerate(expr.terms):
            text = expr_text(term)
            out += (text if sign > 0 else f"-{text}") if i == 0 else (f" + {text}" if sign > 0 else f" - {text}")
        return out or "0"
    if isinstance(expr, ir.Scale):
        return f"{_number(expr.factor)} × ({expr_text(expr.arg)})"
    if isinstance(expr, ir.Length):
        return f"length({expr_text(expr.arg)})"
    if isinstance(expr, ir.Compare):
        return f"{expr_text(expr.left)} {_OPS.get(expr.op, expr.op)} {expr_text(expr.right)}"
    if isinstance(expr, ir.And | ir.Or):
        word = " and " if isinstance(expr, ir.And) else " or "
        return word.join(f"({expr_text(a)})" for a in expr.args)
    if isinstance(expr, ir.Not):
        return f"not ({expr_text(expr.arg)})"
    if isinstance(expr, ir.Implies):
        return f"if {expr_text(expr.condition)} then {expr_text(expr.then)}"
    if isinstance(expr, ir.Mentions):
        return f"mentions({expr_text(expr.arg)}, " + ", ".join(f'"{w}"' for w in expr.words) + ")"
    if isinstance(expr, ir.Empty):
        return f"empty({expr_text(expr.arg)})"
    return repr(expr)


def var_text(ref: ir.CellRef) -> str:
    return ("previous." if ref.previous else "") + ref.cell


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _check_text(check: ir.Check) -> str:
    first = check.instances[0]
    where = f" [{first.position}]" if first.position is not None else ""
    more = f" (+{len(check.instances) - 1})" if len(check.instances) > 1 else ""
    return expr_text(first.expr) + where + more


__all__ = ["Differ", "expr_text", "var_text"]
