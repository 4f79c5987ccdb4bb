"""Tables across two versions: each table's own aspects (label, section, stub, notes, default type), its rows and
columns paired by key then label (renamed, regrouped, retyped), and the cells of the rows and columns both keep."""

from __future__ import annotations

import attrs

from gaidsl.checking.evaluate import cell_label
from gaidsl.diff.changes import BREAKING, COMPATIBLE, Change, match, names_of
from gaidsl.diff.verdicts import Comparison
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

_NEW_REQUIRED = Text(
    "新增的必填表：旧报告没有它，校验结论为「未通过」（GAI726）",
    "a new required table: old reports lack it, so they fail (GAI726)",
)
_NOW_REQUIRED = Text(
    "改为必填：整表空白的旧报告校验结论为「未通过」（GAI726）",
    "now required: old reports that leave it all blank fail (GAI726)",
)


class TableComparison(Comparison):
    """The changes to tables, their rows, columns and cells."""

    def run(self) -> list[Change]:
        self.tables()
        return self.changes

    def tables(self) -> None:
        """Tables paired by key then label; removed and added ones with all their cells, kept ones compared."""
        pairs, removed, added = match(self.old.tables, self.new.tables, names_of)
        for key in removed:
            table = self.old.tables[key]
            cells = [("cell", c) for c in table.cells]
            self.add(
                self.removed_value("table", key, table.label or key, *cells, group=self.old_sections.get(table.section))
            )
        for key in added:
            table = self.new.tables[key]
            cells = [("cell", c) for c in table.cells]
            change = self.added_value("table", key, table.label or key, cells, self.new_sections.get(table.section))
            if table.required and not any(self.sourced(c) for c in cells):
                change = attrs.evolve(change, classification=BREAKING, why=_NEW_REQUIRED)
            self.add(change)
        for o, n in pairs:
            self.table(o, n)

    def table(self, o: str, n: str) -> None:
        """One table in both versions (old key ``o``, new key ``n``): its own aspects, rows, columns and cells."""
        a, b = self.old.tables[o], self.new.tables[n]
        group = self.new_sections.get(b.section)
        if o != n:
            self.add(
                attrs.evolve(self.renamed("table", o, n, b.label or n, *[("cell", c) for c in a.cells]), group=group)
            )
        translated = (a.translations, b.translations)
        self.label_change("table", n, a.label or o, b.label or n, a.aliases, b.aliases, group, translations=translated)
        notes_a = " / ".join(x.text for x in a.notes) or None
        notes_b = " / ".join(x.text for x in b.notes) or None
        type_why = Text(
            "表的默认类型；保留的单元格另行比较", "the table's default type; kept cells are compared on their own"
        )
        aspects = [  # (aspect, changed, before, after, why)
            ("section", a.section != b.section, a.section, b.section, Text("位置变化", "moved")),
            ("stub", a.stub != b.stub, a.stub, b.stub, Text("表头文字", "a header's text")),
            ("notes", [x.text for x in a.notes] != [x.text for x in b.notes], notes_a, notes_b,
             Text("表中的注释", "notes printed in the table")),
            ("type", a.type != b.type, a.type.describe(), b.type.describe(), type_why),
        ]  # fmt: skip
        for aspect, changed, before, after, why in aspects:
            if changed:
                self.add(Change("changed", "table", n, aspect, before, after, label=b.label, group=group, why=why))
        if a.required != b.required:
            self.add(self.required_change("table", n, b.label, b.required, _NOW_REQUIRED, group))
        for axis in ("row", "column"):
            self.members(o, n, axis, group)
        self.cells(o, n, group)

    def members(self, o: str, n: str, axis: str, group: str | None) -> None:
        """The rows (``axis="row"``) or columns of a kept table, paired by key then label."""
        a = self.old.tables[o].axis(axis)
        b = self.new.tables[n].axis(axis)
        old = {m.key: m for m in a.members} if a is not None else {}
        new = {m.key: m for m in b.members} if b is not None else {}
        pairs, removed, added = match(old, new, names_of)
        for key in removed:
            member = old[key]
            cells = _cell_items(self.old, o, axis, key)
            if member.kind == "group" and not cells:
                continue  # its children are reported one by one
            self.add(self.removed_value(axis, f"{o}.{key}", " · ".join(member.labels), *cells, group=group))
        for key in added:
            member = new[key]
            cells = _cell_items(self.new, n, axis, key)
            if member.kind == "group" and not cells:
                continue
            self.add(self.added_value(axis, f"{n}.{key}", " · ".join(member.labels), cells, group))
        for ko, kn in pairs:
            x, y = old[ko], new[kn]
            name = f"{n}.{kn}"
            label = " · ".join(y.labels)
            if ko != kn:
                cells = _cell_items(self.old, o, axis, ko)
                self.add(attrs.evolve(self.renamed(axis, f"{o}.{ko}", name, label, *cells), group=group))
            translated = (x.translations, y.translations)
            self.label_change(axis, name, x.label, y.label, x.aliases, y.aliases, group, label, translated)
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
                after: str = y.kind
                classification, why = COMPATIBLE, Text("成员种类", "kind of member")
                if x.has_cells and not y.has_cells:
                    children = ", ".join(y.children)
                    after = f"group({children})"
                    classification, why = self.cells_fate(
                        [("cell", c) for c in self.old.member_cells(o, axis, ko)],
                        Text(
                            f"原为一行（列）数据，现为分组（{children}）：原单元格在新格式中没有位置",
                            f"one row (column) of data before, now a group ({children}): its cells have no place",
                        ),
                    )
                change = Change("changed", axis, name, "kind", x.kind, after, label=label, group=group)
                self.add(attrs.evolve(change, classification=classification, why=why))
            if x.type != y.type and x.type is not None and y.type is not None:
                self.type_change(axis, name, label, x.type, y.type, group)

    def cells(self, o: str, n: str, group: str | None) -> None:
        """Cells of kept rows and columns: absent now (or no longer), and type changes, grouped by column."""
        a, b = self.old.tables[o], self.new.tables[n]
        for key in _without_counterpart(self.old, a, self.new, b):
            self.add(self.removed_value("cell", key, cell_label(self.old, key), ("cell", key), group=group))
        for key in _without_counterpart(self.new, b, self.old, a):
            self.add(self.added_value("cell", key, cell_label(self.new, key), [("cell", key)], group))
        changed: dict[tuple[str, str, str], list[str]] = {}
        for key in b.cells:
            if key in self.old.cells and self.old.cells[key].type != self.new.cells[key].type:
                before, after = self.old.cells[key].type.describe(), self.new.cells[key].type.describe()
                changed.setdefault((self.new.cells[key].column, before, after), []).append(key)
        for (column, _, _), keys in changed.items():
            in_column = self.new.member_cells(n, "column", column)
            first_old, first_new = self.old.cells[keys[0]].type, self.new.cells[keys[0]].type
            if len(keys) > 1 and len(keys) == len(in_column):
                label = " · ".join(b.columns.by_key[column].labels)
                self.type_change("column", f"{n}.{column}", label, first_old, first_new, group)
                continue
            for key in keys:
                self.type_change("cell", key, cell_label(self.new, key), self.old.cells[key].type, first_new, group)


def _cell_items(spec: ir.Spec, table: str, axis: str, member: str) -> list[tuple[str, str]]:
    """The cells of a row (column) and of those below it, as items of a migration."""
    return [("cell", c) for c in spec.cells_under(table, axis, member)]


def _without_counterpart(spec: ir.Spec, table: ir.Table, other_spec: ir.Spec, other: ir.Table) -> list[str]:
    """The cells of ``table`` in a row and column ``other`` keeps, where ``other`` has no cell although that row and
    column hold cells there."""
    rows = set(other.rows.by_key) if other.rows else set()
    found = []
    for key in table.cells:
        cell = spec.cells[key]
        if cell.row not in rows | {None} or cell.column not in other.columns.by_key:
            continue
        if (
            other.cell_key(cell.row, cell.column) not in other_spec.cells
            and other.columns.by_key[cell.column].has_cells
            and (cell.row is None or (other.rows is not None and other.rows.by_key[cell.row].has_cells))
        ):
            found.append(key)
    return found


__all__ = ["TableComparison"]
