"""Overlays: a spec that ``extends`` another is merged into one format AST before lowering.

The overlay may add basis lines, fields, units, dimensions, sections and checks; inside ``in table X { … }`` it adds
rows or columns, relabels or glosses headers, adds notes and checks, and removes checks (with a reason). Changing
something the base does not have is an error at the overlay's own span.

A removed check is gone from the merged items (nothing evaluates it), but it is kept with its reason in
:attr:`ast.Format.removed` (base chain first), and from there in :attr:`ir.Spec.removed_checks`.
"""

from __future__ import annotations

import attrs

from gaidsl.language import ast
from gaidsl.language.diagnostics import Diagnostic, did_you_mean, error


def merge(base: ast.Format, overlay: ast.Format) -> tuple[ast.Format, list[Diagnostic]]:
    """The base format with the overlay applied; key, version and title are the overlay's."""
    merging = _Merging([], list(base.removed))
    items = list(base.items)
    for item in overlay.items:
        if isinstance(item, ast.ModifyTable):
            items = merging.modify_table(items, item)
        elif isinstance(item, ast.ModifySection):
            items = merging.modify_section(items, item)
        elif isinstance(item, ast.RemoveCheck):
            items = merging.remove_check(items, item)
        else:
            items.append(item)
    merged = attrs.evolve(
        overlay,
        title=overlay.title or base.title,
        extends=None,
        items=tuple(items),
        comments=overlay.comments,
        removed=tuple(merging.removed),
    )
    return merged, merging.diagnostics


def _tables(items: list[ast.FormatItem]) -> dict[str, ast.Table]:
    return {
        t.key: t
        for section in items
        if isinstance(section, ast.Section)
        for t in section.items
        if isinstance(t, ast.Table)
    }


def _section_of(items: list[ast.FormatItem], table: str) -> str | None:
    return next(
        (
            s.key
            for s in items
            if isinstance(s, ast.Section) and any(isinstance(t, ast.Table) and t.key == table for t in s.items)
        ),
        None,
    )


def _replace_table(items: list[ast.FormatItem], new: ast.Table) -> list[ast.FormatItem]:
    out: list[ast.FormatItem] = []
    for item in items:
        if isinstance(item, ast.Section):
            item = attrs.evolve(
                item, items=tuple(new if isinstance(t, ast.Table) and t.key == new.key else t for t in item.items)
            )
        out.append(item)
    return out


def _dimensions(items: list[ast.FormatItem]) -> dict[str, ast.Dimension]:
    return {d.key: d for d in items if isinstance(d, ast.Dimension)}


def _members_of(axis: ast.Axis | None, dims: dict[str, ast.Dimension]) -> tuple[ast.Member, ...] | None:
    if axis is None:
        return None
    if isinstance(axis, ast.AxisRef):
        return dims[axis.name].members if axis.name in dims else None
    return axis.members


def _all_keys(members: tuple[ast.Member, ...]) -> set[str]:
    keys: set[str] = set()
    for member in members:
        keys.add(member.key)
        keys |= _all_keys(member.children)
    return keys


def _insert(members: tuple[ast.Member, ...], new: ast.Member) -> tuple[tuple[ast.Member, ...], bool]:
    """Insert ``new`` after its ``after`` member (at any depth), or at the end of the top level."""
    if new.after is None:
        return (*members, attrs.evolve(new, after=None)), True
    out: list[ast.Member] = []
    placed = False
    for member in members:
        if member.children and not placed:
            children, placed = _insert(member.children, new)
            member = attrs.evolve(member, children=children)
        out.append(member)
        if member.key == new.after and not placed:
            out.append(attrs.evolve(new, after=None))
            placed = True
    return tuple(out), placed


def _map_members(
    members: tuple[ast.Member, ...], key: str, change: dict[str, str]
) -> tuple[tuple[ast.Member, ...], bool]:
    out: list[ast.Member] = []
    found = False
    for member in members:
        if member.key == key:
            member = attrs.evolve(member, **change)  # type: ignore[arg-type]
            found = True
        elif member.children:
            children, inner = _map_members(member.children, key, change)
            member = attrs.evolve(member, children=children)
            found = found or inner
        out.append(member)
    return tuple(out), found


@attrs.define
class _Merging:
    """What merging an overlay finds besides the items: its problems, and the checks it removes (with reasons)."""

    diagnostics: list[Diagnostic]
    removed: list[ast.RemovedCheck]

    def modify_table(self, items: list[ast.FormatItem], change: ast.ModifyTable) -> list[ast.FormatItem]:
        tables = _tables(items)
        if change.table not in tables:
            self.diagnostics.append(error("GAI402", change.span, did_you_mean(change.table, tables), name=change.table))
            return items
        table = tables[change.table]
        dims = _dimensions(items)
        for op in change.items:
            if isinstance(op, ast.AddMember | ast.Relabel | ast.Gloss):
                axis = table.rows if op.axis == "row" else table.columns
                if isinstance(axis, ast.AxisRef) and axis.name in dims and dims[axis.name].open:
                    # the table's own copy of the members would no longer be open (docs/open-dimensions.md)
                    self.diagnostics.append(error("GAI324", op.span, dimension=axis.name, table=table.key))
                    continue
                members = _members_of(axis, dims) or ()
                axis_zh = "行" if op.axis == "row" else "列"
                if axis is None and isinstance(op, ast.AddMember):
                    self.diagnostics.append(error("GAI411", op.span, table=table.key, axis=axis_zh, axis_en=op.axis))
                    continue
                if isinstance(op, ast.AddMember):
                    if op.member.key in _all_keys(members):
                        self.diagnostics.append(error("GAI405", op.span, name=op.member.key))
                        continue
                    members, placed = _insert(members, op.member)
                    if not placed:
                        self.diagnostics.append(
                            error(
                                "GAI409",
                                op.span,
                                did_you_mean(op.member.after or "", _all_keys(members)),
                                name=op.member.after,
                            )
                        )
                        continue
                else:
                    change_attrs = {"label": op.label} if isinstance(op, ast.Relabel) else {"gloss": op.text}
                    members, found = _map_members(members, op.key, change_attrs)
                    if not found:
                        self.diagnostics.append(
                            error(
                                "GAI403",
                                op.span,
                                did_you_mean(op.key, _all_keys(members)),
                                axis=axis_zh,
                                axis_en=op.axis,
                                name=op.key,
                                table=table.key,
                            )
                        )
                        continue
                inline = ast.AxisInline(members, axis.span if axis else None)
                table = attrs.evolve(table, rows=inline) if op.axis == "row" else attrs.evolve(table, columns=inline)
            elif isinstance(op, ast.Note):
                table = attrs.evolve(table, notes=(*table.notes, op))
            elif isinstance(op, ast.Check):
                table = attrs.evolve(table, checks=(*table.checks, op))
            elif isinstance(op, ast.RemoveCheck):
                kept = tuple(c for c in table.checks if c.key != op.key)
                if len(kept) == len(table.checks):
                    self.diagnostics.append(
                        error("GAI404", op.span, did_you_mean(op.key, [c.key for c in table.checks]), name=op.key)
                    )
                section = _section_of(items, table.key)
                self.removed.extend(
                    ast.RemovedCheck(op, c, table.key, section) for c in table.checks if c.key == op.key
                )
                table = attrs.evolve(table, checks=kept)
        return _replace_table(items, table)

    def modify_section(self, items: list[ast.FormatItem], change: ast.ModifySection) -> list[ast.FormatItem]:
        sections = {s.key for s in items if isinstance(s, ast.Section)}
        if change.section not in sections:
            self.diagnostics.append(
                error("GAI410", change.span, did_you_mean(change.section, sections), name=change.section)
            )
            return items
        return [
            attrs.evolve(s, items=(*s.items, *change.items))
            if isinstance(s, ast.Section) and s.key == change.section
            else s
            for s in items
        ]

    def remove_check(self, items: list[ast.FormatItem], change: ast.RemoveCheck) -> list[ast.FormatItem]:
        keys = [c.key for c in items if isinstance(c, ast.Check)]
        for section in items:
            if isinstance(section, ast.Section):
                keys.extend(c.key for c in section.items if isinstance(c, ast.Check))
                for table in section.items:
                    if isinstance(table, ast.Table):
                        keys.extend(c.key for c in table.checks)
        if change.key not in keys:
            self.diagnostics.append(error("GAI404", change.span, did_you_mean(change.key, keys), name=change.key))
            return items
        out: list[ast.FormatItem] = []
        for item in items:
            if isinstance(item, ast.Check) and item.key == change.key:
                self.removed.append(ast.RemovedCheck(change, item))
                continue
            if isinstance(item, ast.Section):
                kept: list[ast.TextBlock | ast.Table | ast.Check | ast.Records] = []
                for sub in item.items:
                    if isinstance(sub, ast.Check) and sub.key == change.key:
                        self.removed.append(ast.RemovedCheck(change, sub, None, item.key))
                        continue
                    if isinstance(sub, ast.Table):
                        self.removed.extend(
                            ast.RemovedCheck(change, c, sub.key, item.key) for c in sub.checks if c.key == change.key
                        )
                        sub = attrs.evolve(sub, checks=tuple(c for c in sub.checks if c.key != change.key))
                    kept.append(sub)
                item = attrs.evolve(item, items=tuple(kept))
            out.append(item)
        return out
