"""Checking a migration: every name resolved against both specs, every old value accounted for (mapped, or dropped
with a reason), every new value given a source (mapped, or declared new), types and units agreeing. The language and
what the result means: :mod:`gaidsl.migrations.migration`.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Related, Text, error, has_errors, warning
from gaidsl.language.source import Span
from gaidsl.migrations.migration import WHAT, Fate, ItemKey, Migration, Target, item_label
from gaidsl.migrations.open_members import resolve as resolve_members
from gaidsl.migrations.records import claims
from gaidsl.migrations.records import resolve as resolve_records
from gaidsl.migrations.statements import Statements
from gaidsl.migrations.type_verdicts import type_change, unit_changed


class _Builder(Statements):
    """The statements in order (the renames of everything but cells first, so that cells resolve through them), then
    what no statement names, then every value accounted for, then types and units."""

    # ---- statements
    def build(self) -> None:
        items = self.doc.items
        ours = [not claims(item, self.old.spec, self.new.spec) for item in items]  # records: gaidsl.migrations.records
        for index, item in enumerate(items):
            if not ours[index]:
                continue
            if isinstance(item, ast.Rename) and (item.kind or self.old.infer(item.old.parts)) != "cell":
                self.rename(index, item)
        for index, item in enumerate(items):
            if not ours[index]:
                continue
            if isinstance(item, ast.Rename) and (item.kind or self.old.infer(item.old.parts)) == "cell":
                self.rename(index, item)
            elif isinstance(item, ast.Split):
                self.split(index, item)
            elif isinstance(item, ast.Merge):
                self.merge(index, item)
            elif isinstance(item, ast.Drop):
                self.drop(index, item)
            elif isinstance(item, ast.New):
                self.declare_new(index, item)
            elif isinstance(item, ast.Transform):
                self.transform(index, item)
            elif isinstance(item, ast.Exempt):
                self.exempt_checks(item)
        if has_errors(self.problems):
            return  # names that did not resolve would only show up again as values not accounted for
        self.identity()
        self.completeness()
        if not has_errors(self.problems):
            self.agreement()

    # ---- what no statement names: the identity on keys
    def identity(self) -> None:
        old = self.old.spec
        for key in old.cells:
            item = ("cell", key)
            if item in self.claimed:
                continue
            destination = self._new_cell(key)
            if destination is None or ("cell", destination) in self.targets:
                continue
            how = "same" if destination == key else "rename"
            cell = old.cells[key]
            origins = [("table", cell.table), ("row", cell.table, cell.row or ""), ("column", cell.table, cell.column)]
            index = next((self.renamed_by[o] for o in origins if o in self.renamed_by), None)
            reason = self.doc.items[index].reason if index is not None else None
            self.claimed[item] = -1
            self.targets[("cell", destination)] = Target(
                "cell", destination, how, ((Decimal(1), key),), statement=index
            )
            self.fates[item] = Fate("cell", key, how, (destination,), reason, index)
        for kind, pool, new_pool in (
            ("field", old.fields, self.new.spec.fields),
            ("text", old.texts, self.new.spec.texts),
        ):
            for key in pool:
                item = (kind, key)
                destination = self.key_map.get(item, key)
                if item in self.claimed or destination not in new_pool or (kind, destination) in self.targets:
                    continue
                how = "same" if destination == key else "rename"
                index = self.renamed_by.get((kind, key))
                reason = self.doc.items[index].reason if index is not None else None
                self.claimed[item] = -1
                self.targets[(kind, destination)] = Target(
                    kind, destination, how, ((Decimal(1), key),), statement=index
                )
                self.fates[item] = Fate(kind, key, how, (destination,), reason, index)

    # ---- every old value accounted for, every new value given a source
    def completeness(self) -> None:
        old_missing = [i for i in _items(self.old.spec) if i not in self.fates]
        new_missing = [i for i in _items(self.new.spec) if i not in self.targets]
        for what, name, label, span in _grouped(self.old.spec, old_missing):
            self.problems.append(self._unaccounted("GAI508", what, name, label, span, self.doc.source.span))
        for what, name, label, span in _grouped(self.new.spec, new_missing):
            self.problems.append(self._unaccounted("GAI509", what, name, label, span, self.doc.target.span))

    def _unaccounted(
        self, code: str, what: str, name: str, label: str, definition: Span | None, where: Span | None
    ) -> Diagnostic:
        words = WHAT[what]
        if code == "GAI508":
            statement = f'drop {what} {name} because "…";'
            help = Text(f"例如：{statement}（或用 rename/split/merge 映射它）", f"for example: {statement} (or map it)")
        else:
            statement = f"new {what} {name} must be entered;"
            help = Text(f"例如：{statement}", f"for example: {statement}")
        diag = error(code, where, [help], what=words.zh, what_en=words.en, name=name, label=label)
        if definition is None:
            return diag
        return attrs.evolve(diag, related=(Related(definition, Text("定义在这里", "defined here")),))

    # ---- types and units
    def agreement(self) -> None:
        fates = dict(self.fates)
        for target in list(self.targets.values()):
            for _, source in target.terms:
                self._types(target, source)
            if target.kind == "cell":
                for index, (coefficient, source) in enumerate(target.terms):
                    factor = self.factors.get(source)
                    if factor is not None:
                        terms = list(target.terms)
                        terms[index] = (coefficient * factor[0], source)
                        target = attrs.evolve(target, terms=tuple(terms))
                        fate = fates[("cell", source)]
                        fates[("cell", source)] = attrs.evolve(fate, factor=factor[0])
                self.targets[(target.kind, target.key)] = target
        self.fates = fates
        for cell, (_, index) in self.factors.items():
            if ("cell", cell) in self.fates and self.fates[("cell", cell)].how == "dropped":
                continue
            item = self.doc.items[index]
            assert isinstance(item, ast.Transform)
            if item.from_unit is not None and self.old.spec.cells[cell].type.unit != item.from_unit:
                unit = self.old.spec.cells[cell].type.unit
                self.problems.append(
                    error(
                        "GAI516",
                        item.span,
                        why=f"「{cell}」的单位是 {unit}，不是 {item.from_unit}",
                        why_en=f"'{cell}' is in {unit}, not {item.from_unit}",
                    )
                )

    def _types(self, target: Target, source: str) -> None:
        old_type = _type_of(self.old.spec, target.kind, source)
        new_type = _type_of(self.new.spec, target.kind, target.key)
        if old_type is None or new_type is None:
            return
        span = self.doc.items[target.statement].span if target.statement is not None else self.doc.target.span
        args = {"old": source, "new": target.key, "old_type": old_type.describe(), "new_type": new_type.describe()}
        verdict = type_change(old_type, new_type)
        if verdict == "incompatible":
            self.problems.append(error("GAI513", span, (), **args))
            return
        transform = self.factors.get(source) if target.kind == "cell" else None
        if verdict != "narrowing" and transform is not None and old_type.kind == new_type.kind == "amount":
            exponent = transform[0].normalize().as_tuple().exponent
            assert isinstance(exponent, int)
            needed = (old_type.decimals if old_type.decimals is not None else 2) + max(0, -exponent)
            if needed > (new_type.decimals if new_type.decimals is not None else 2):
                verdict = "narrowing"  # converted values need more decimals than the new cell keeps: rounded
        if verdict == "narrowing":
            self.problems.append(warning("GAI514", span, (), **args))
        if transform is None and unit_changed(old_type, new_type):
            help = Text(
                f"例如：transform cell {source} {old_type.unit} -> {new_type.unit};",
                f"for example: transform cell {source} {old_type.unit} -> {new_type.unit};",
            )
            self.problems.append(
                error(
                    "GAI515", span, [help], old=source, new=target.key, old_unit=old_type.unit, new_unit=new_type.unit
                )
            )
        if transform is not None:
            item = self.doc.items[transform[1]]
            assert isinstance(item, ast.Transform)
            if item.to_unit is not None and item.to_unit != new_type.unit:
                self.problems.append(
                    error(
                        "GAI516",
                        item.span,
                        why=f"「{target.key}」的单位是 {new_type.unit}，不是 {item.to_unit}",
                        why_en=f"'{target.key}' is in {new_type.unit}, not {item.to_unit}",
                    )
                )


def _type_of(spec: ir.Spec, kind: str, key: str) -> ir.CellType | None:
    if kind == "cell":
        return spec.cells[key].type
    if kind == "field":
        return spec.fields[key].type
    return None


def _items(spec: ir.Spec) -> list[ItemKey]:
    return [("cell", k) for k in spec.cells] + [("field", k) for k in spec.fields] + [("text", k) for k in spec.texts]


def _grouped(spec: ir.Spec, missing: list[ItemKey]) -> list[tuple[str, str, str, Span | None]]:
    """Items not accounted for, as few statements would name them: whole tables, rows, columns, else cells."""
    out: list[tuple[str, str, str, Span | None]] = []
    absent = {k for kind, k in missing if kind == "cell"}
    for key, table in spec.tables.items():
        cells = [c for c in table.cells if c in absent]
        if not cells:
            continue
        if len(cells) == len(table.cells):
            out.append(("table", key, table.label or key, table.span))
            continue
        covered: set[str] = set()
        for axis_kind in ("row", "column"):
            axis = table.axis(axis_kind)
            if axis is None:
                continue
            for member in axis.data_members:
                under = spec.member_cells(key, axis_kind, member.key)
                if len(under) > 1 and all(c in absent for c in under):
                    out.append((axis_kind, f"{key}.{member.key}", " · ".join(member.labels), member.span))
                    covered.update(under)
        for cell in cells:
            if cell not in covered:
                out.append(("cell", cell, item_label(spec, "cell", cell), table.span))
    for kind, key in missing:
        if kind == "field":
            out.append(("field", key, spec.fields[key].label, spec.fields[key].span))
        elif kind == "text":
            out.append(("text", key, spec.texts[key].label or key, spec.texts[key].span))
    return out


def check(doc: ast.Migration, old: ir.Spec, new: ir.Spec, file: str) -> tuple[Migration | None, list[Diagnostic]]:
    """Resolve and check a migration between two compiled specs; the migration is None when there are errors."""
    builder = _Builder(doc, old, new, file)
    builder.build()
    members, member_problems = resolve_members(doc, old, new)  # ``members DIMENSION { … }``: open dimensions
    records, record_problems = resolve_records(doc, old, new, members)  # lists of records
    problems = builder.problems + member_problems + record_problems
    if has_errors(problems):
        return None, problems
    targets = {item: builder.targets[item] for item in _items(new)}
    fates = {item: builder.fates[item] for item in _items(old)}
    migration = Migration(
        doc.key, doc.title, file, old, new, targets, fates, builder.exempt, doc.items, doc.span, members, records
    )
    return migration, problems


__all__ = ["check"]
