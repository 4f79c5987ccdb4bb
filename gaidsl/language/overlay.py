"""Overlays: a spec that ``extends`` another is merged into one format AST before lowering.

The overlay may add basis lines, fields, units, dimensions, sections and checks; inside ``in table X { … }`` it adds
rows or columns, relabels or glosses headers, adds notes and checks, and removes checks (with a reason). Changing
something the base does not have is an error at the overlay's own span. Removing, renaming, retyping rows, columns,
dimension members and tables, and keeping a member out of a total: :mod:`gaidsl.language.overlay_ops`.

A removed check is gone from the merged items (nothing evaluates it), but it is kept with its reason in
:attr:`ast.Format.removed` (base chain first), and from there in :attr:`ir.Spec.removed_checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from gaidsl.language import ast
from gaidsl.language import overlay_ops as ops
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error


def merge(base: ast.Format, overlay: ast.Format) -> tuple[ast.Format, list[Diagnostic]]:
    """The base format with the overlay applied; key, version and title are the overlay's.

    ``in dimension`` blocks come first (so a table the overlay changes afterwards copies the changed dimension),
    then every other statement in order; last, the base's checks that read what the overlay removed are GAI412."""
    merging = _Merging([], list(base.removed), list(base.changes))
    items = list(base.items)
    for item in overlay.items:
        if isinstance(item, ast.ModifyDimension):
            items = merging.modify_dimension(items, item)
    for item in overlay.items:
        if isinstance(item, ast.ModifyTable):
            items = merging.modify_table(items, item)
        elif isinstance(item, ast.ModifySection):
            items = merging.modify_section(items, item)
        elif isinstance(item, ast.RemoveCheck):
            items = merging.remove_check(items, item)
        elif isinstance(item, ast.RemoveTable | ast.RenameTable | ast.Retype):
            items = merging.change_top(items, item)
        elif not isinstance(item, ast.ModifyDimension):
            items.append(item)
    items = merging.dangling(items)
    merged = attrs.evolve(
        overlay,
        title=overlay.title or base.title,
        extends=None,
        items=tuple(items),
        comments=overlay.comments,
        removed=tuple(merging.removed),
        changes=tuple(merging.changes),
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


def _replace_dimension(items: list[ast.FormatItem], new: ast.Dimension) -> list[ast.FormatItem]:
    return [new if isinstance(d, ast.Dimension) and d.key == new.key else d for d in items]


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
    members: tuple[ast.Member, ...], key: str, change: dict[str, object]
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
    changes: list[ast.OverlayChange] = attrs.field(factory=list)
    # what the overlay removed (a table's member, or a whole table), to find the checks that still read it
    gone: list[tuple[ops.Target, Text, ast.RemoveMember | ast.RemoveTable]] = attrs.field(factory=list)

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
                    # a new label takes its own translations, and drops the old one's (docs/languages.md)
                    change_attrs: dict[str, object] = (
                        {"label": op.label, "translations": op.translations}
                        if isinstance(op, ast.Relabel)
                        else {"gloss": op.text, "gloss_translations": op.translations}
                    )
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
            elif isinstance(op, ast.RemoveMember | ast.RenameMember | ast.ExcludeMember | ast.RetypeMember):
                axis = table.rows if op.axis == "row" else table.columns
                if isinstance(axis, ast.AxisRef) and axis.name in dims and dims[axis.name].open:
                    self.diagnostics.append(error("GAI324", op.span, dimension=axis.name, table=table.key))
                    continue
                items = self.member_change(_replace_table(items, table), table.key, op)
                table = _tables(items)[table.key]
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

    # ------------------------------------------------------------------ changes to what the base has (overlay_ops)
    def _reason(self, op: ops.ChangeStatement) -> bool:
        problem = ops.empty_reason(_statement(op), op.reason, op.span)
        if problem is not None:
            self.diagnostics.append(problem)
        return problem is None

    def member_change(self, items: list[ast.FormatItem], table_key: str, op: ast.MemberChange) -> list[ast.FormatItem]:
        """One ``remove``/``rename``/``keep … out of``/``retype`` of a row or column of a table (a copy of its
        dimension's members when the axis names one, as ``add row`` makes)."""
        if not self._reason(op):
            return items
        table, dims = _tables(items)[table_key], _dimensions(items)
        axis = table.rows if op.axis == "row" else table.columns
        members = _members_of(axis, dims) or ()
        axis_text = ops.AXIS_TEXT[op.axis]
        found = ops.find_member(members, op.key)
        if found is None:
            self.diagnostics.append(
                error(
                    "GAI403",
                    op.span,
                    did_you_mean(op.key, _all_keys(members)),
                    axis=axis_text.zh,
                    axis_en=op.axis,
                    name=op.key,
                    table=table.key,
                )
            )
            return items
        where = Text(f"表「{table.key}」的{axis_text.zh}", f"the {op.axis}s of table '{table.key}'")
        new_members, follow = self._members_change(members, op, where, found)
        if new_members is None:
            return items
        inline = ast.AxisInline(new_members, axis.span if axis else None)
        table = attrs.evolve(table, rows=inline) if op.axis == "row" else attrs.evolve(table, columns=inline)
        return self._after_member_change(_replace_table(items, table), [(table.key, op.axis)], op, follow, found)

    def _members_change(
        self, members: tuple[ast.Member, ...], op: ast.MemberChange, where: Text, found: ast.Member
    ) -> tuple[tuple[ast.Member, ...] | None, bool]:
        """The members after ``op`` (``None``: refused, with its diagnostic); and whether names must follow."""
        match op:
            case ast.RemoveMember():
                dropped = ops.map_members(members, lambda m: None if m.key == op.key else m)
                return ops.without_in_totals(dropped, op.key), True
            case ast.RenameMember():
                new_key = op.new_key if op.new_key != op.key else None
                if new_key is None and (op.label is None or op.label == found.label):
                    self.diagnostics.append(error("GAI415", op.span, name=op.key))
                    return None, False
                if new_key is not None and new_key in _all_keys(members):
                    self.diagnostics.append(error("GAI414", op.span, name=op.key, new=new_key))
                    return None, False
                renamed = ops.renamed_members(members, op.key, new_key, op.label, op.translations)
                return renamed, new_key is not None
            case ast.ExcludeMember():
                changed, problem = ops.excluded(members, op, where)
                if problem is not None:
                    self.diagnostics.append(problem)
                    return None, False
                return changed, False
            case ast.RetypeMember():
                return ops.map_members(
                    members, lambda m: attrs.evolve(m, type=op.type) if m.key == op.key else m
                ), False
        return None, False  # pragma: no cover - every member change is matched above

    def _after_member_change(
        self,
        items: list[ast.FormatItem],
        users: list[tuple[str, str]],
        op: ast.MemberChange,
        follow: bool,
        found: ast.Member,
    ) -> list[ast.FormatItem]:
        """Names that follow a rename or removal in each table (and axis) that ``op`` changed; the change recorded."""
        for table_key, axis in users:
            target = ops.Target(table_key, op.key)
            key = f"{table_key}.{op.key}"
            match op:
                case ast.RemoveMember():
                    for gone in ops.every_member((found,)):
                        self.gone.append((ops.Target(table_key, gone.key), ops.AXIS_TEXT[axis], op))
                    items = _replace_table(items, _follow_member(_tables(items)[table_key], op.key, None))
                    self.changes.append(ast.OverlayChange("remove", axis, key, op.reason, span=op.span))
                case ast.RenameMember():
                    if follow and op.new_key is not None:
                        items = _replace_table(items, _follow_member(_tables(items)[table_key], op.key, op.new_key))
                        items = _rename_refs(items, target, op.new_key)
                    new_key = f"{table_key}.{op.new_key}" if op.new_key is not None else None
                    self.changes.append(
                        ast.OverlayChange("rename", axis, key, op.reason, new_key, op.label, span=op.span)
                    )
                case ast.ExcludeMember():
                    self.changes.append(ast.OverlayChange("exclude", axis, key, op.reason, None, op.total, op.span))
                case ast.RetypeMember():
                    detail = _type_text(op.type)
                    self.changes.append(ast.OverlayChange("retype", axis, key, op.reason, None, detail, op.span))
        return items

    def modify_dimension(self, items: list[ast.FormatItem], change: ast.ModifyDimension) -> list[ast.FormatItem]:
        """``in dimension D { … }``: the dimension's members changed once, for every table whose axis is ``D``."""
        dims = _dimensions(items)
        if change.dimension not in dims:
            self.diagnostics.append(
                error("GAI418", change.span, did_you_mean(change.dimension, dims), name=change.dimension)
            )
            return items
        for op in change.items:
            dimension = _dimensions(items)[change.dimension]
            members = dimension.members
            users = [
                (t.key, word)
                for t in _tables(items).values()
                for word, axis in (("row", t.rows), ("column", t.columns))
                if isinstance(axis, ast.AxisRef) and axis.name == dimension.key
            ]
            if isinstance(op, ast.AddMember):
                if op.member.key in _all_keys(members):
                    self.diagnostics.append(error("GAI405", op.span, name=op.member.key))
                    continue
                members, placed = _insert(members, op.member)
                if not placed:
                    help = did_you_mean(op.member.after or "", _all_keys(members))
                    self.diagnostics.append(error("GAI409", op.span, help, name=op.member.after))
                    continue
                items = _replace_dimension(items, attrs.evolve(dimension, members=members))
                continue
            if not self._reason(op):
                continue
            found = ops.find_member(members, op.key)
            if found is None:
                help = did_you_mean(op.key, _all_keys(members))
                self.diagnostics.append(error("GAI420", op.span, help, name=op.key, dimension=dimension.key))
                continue
            where = Text(f"维度「{dimension.key}」", f"dimension '{dimension.key}'")
            new_members, follow = self._members_change(members, op, where, found)
            if new_members is None:
                continue
            items = _replace_dimension(items, attrs.evolve(dimension, members=new_members))
            items = self._after_member_change(items, users, op, follow, found)
        return items

    def change_top(
        self, items: list[ast.FormatItem], op: ast.RemoveTable | ast.RenameTable | ast.Retype
    ) -> list[ast.FormatItem]:
        """``remove table``, ``rename table``, ``retype table`` and ``retype field``."""
        if not self._reason(op):
            return items
        if isinstance(op, ast.Retype) and op.what == "field":
            fields = [f.key for f in items if isinstance(f, ast.Field)]
            if op.key not in fields:
                self.diagnostics.append(error("GAI419", op.span, did_you_mean(op.key, fields), name=op.key))
                return items
            self.changes.append(
                ast.OverlayChange("retype", "field", op.key, op.reason, None, _type_text(op.type), op.span)
            )
            return [attrs.evolve(f, type=op.type) if isinstance(f, ast.Field) and f.key == op.key else f for f in items]
        tables = _tables(items)
        if op.key not in tables:
            self.diagnostics.append(error("GAI402", op.span, did_you_mean(op.key, tables), name=op.key))
            return items
        table = tables[op.key]
        match op:
            case ast.RemoveTable():
                self.gone.append((ops.Target(op.key), Text("表", "table"), op))
                section = _section_of(items, op.key)
                for check in table.checks:  # its own checks go with it, for the same reason
                    removal = ast.RemoveCheck(check.key, op.reason, op.span)
                    self.removed.append(ast.RemovedCheck(removal, check, op.key, section))
                self.changes.append(ast.OverlayChange("remove", "table", op.key, op.reason, span=op.span))
                return [
                    attrs.evolve(
                        s, items=tuple(t for t in s.items if not (isinstance(t, ast.Table) and t.key == op.key))
                    )
                    if isinstance(s, ast.Section)
                    else s
                    for s in items
                ]
            case ast.RenameTable():
                new_key = op.new_key if op.new_key != op.key else None
                if new_key is None and (op.label is None or op.label == table.label):
                    self.diagnostics.append(error("GAI415", op.span, name=op.key))
                    return items
                if new_key is not None and new_key in tables:
                    self.diagnostics.append(error("GAI414", op.span, name=op.key, new=new_key))
                    return items
                self.changes.append(ast.OverlayChange("rename", "table", op.key, op.reason, new_key, op.label, op.span))
                renamed = attrs.evolve(table, key=new_key or table.key, label=op.label or table.label)
                if op.label:  # a new label takes its own translations, and drops the old one's (docs/languages.md)
                    renamed = attrs.evolve(renamed, translations=op.translations)
                items = [
                    attrs.evolve(s, items=tuple(renamed if t is table else t for t in s.items))
                    if isinstance(s, ast.Section)
                    else s
                    for s in items
                ]
                return _rename_refs(items, ops.Target(op.key), new_key) if new_key is not None else items
        assert isinstance(op, ast.Retype)
        self.changes.append(ast.OverlayChange("retype", "table", op.key, op.reason, None, _type_text(op.type), op.span))
        return _replace_table(items, attrs.evolve(table, type=op.type))

    def dangling(self, items: list[ast.FormatItem]) -> list[ast.FormatItem]:
        """The base's checks (and derived members) that read what the overlay removed: GAI412 each, dropped (the
        statement is the error: nothing else is said about the names they read)."""
        gone = [g for g in self.gone if not _has_member(items, g[0])]
        if not gone:
            return items
        tables = set(_tables(items)) | {g[0].table for g in gone}

        def check(c: ast.Check, context: str | None) -> ast.Check | None:
            found = [g for g in gone if any(ops.reads(r, g[0], context, tables) for r in ops.refs(c.expr))]
            for target, what, removal in found[:1]:
                reader = Text(f"校验「{c.key}」", f"check '{c.key}'")
                self.diagnostics.append(ops.dangling(target, what, removal, reader, c.span, c.key))
            return None if found else c

        items = _map_checks(items, check)

        def derived(m: ast.Member, context: str) -> ast.Member:
            if m.derived is None:
                return m
            found = [g for g in gone if any(ops.reads(r, g[0], context, tables) for r in ops.refs(m.derived))]
            for target, what, removal in found[:1]:
                reader = Text(f"派生成员「{m.key}」", f"derived member '{m.key}'")
                self.diagnostics.append(ops.dangling(target, what, removal, reader, m.span))
            return attrs.evolve(m, derived=None) if found else m

        return _map_inline_members(items, derived)


def _type_text(type_: ast.TypeExpr) -> str:
    """A type as written (for ``gaidsl diff``): ``amount in 万元 decimals 2``."""
    if type_.kind == "choice":
        return "choice(" + ", ".join(type_.choices) + ")"
    unit = f" in {type_.unit}" if type_.unit else ""
    decimals = f" decimals {type_.decimals}" if type_.decimals is not None else ""
    return f"{type_.kind}{unit}{decimals}"


def _statement(op: object) -> str:
    """How a change statement starts, for its messages."""
    match op:
        case ast.RemoveMember() | ast.RenameMember() | ast.ExcludeMember() | ast.RetypeMember():
            word = {ast.RemoveMember: "remove", ast.RenameMember: "rename", ast.ExcludeMember: "keep"}
            return f"{word.get(type(op), 'retype')} {op.axis} {op.key}"
        case ast.RemoveTable():
            return f"remove table {op.key}"
        case ast.RenameTable():
            return f"rename table {op.key}"
        case ast.Retype():
            return f"retype {op.what} {op.key}"
    return ""  # pragma: no cover - only change statements are described


def _all_checks(items: list[ast.FormatItem]) -> list[tuple[ast.Check, str | None]]:
    """Every check of the items with the table it is declared in (``None`` outside tables)."""
    out: list[tuple[ast.Check, str | None]] = []
    for item in items:
        if isinstance(item, ast.Check):
            out.append((item, None))
        elif isinstance(item, ast.Section):
            for sub in item.items:
                if isinstance(sub, ast.Check):
                    out.append((sub, None))
                elif isinstance(sub, ast.Table):
                    out.extend((c, sub.key) for c in sub.checks)
    return out


def _map_checks(
    items: list[ast.FormatItem], change: Callable[[ast.Check, str | None], ast.Check | None]
) -> list[ast.FormatItem]:
    """The items with every check replaced by ``change(check, table)`` (``None`` drops it)."""

    def keep(checks: Iterable[ast.Check], table: str | None) -> list[ast.Check]:
        return [c for c in (change(c, table) for c in checks) if c is not None]

    out: list[ast.FormatItem] = []
    for item in items:
        if isinstance(item, ast.Check):
            changed = change(item, None)
            if changed is not None:
                out.append(changed)
            continue
        if isinstance(item, ast.Section):
            subs: list[ast.TextBlock | ast.Table | ast.Check | ast.Records] = []
            for sub in item.items:
                if isinstance(sub, ast.Check):
                    subs.extend(keep([sub], None))
                elif isinstance(sub, ast.Table):
                    subs.append(attrs.evolve(sub, checks=tuple(keep(sub.checks, sub.key))))
                else:
                    subs.append(sub)
            item = attrs.evolve(item, items=tuple(subs))
        out.append(item)
    return out


def _rename_refs(items: list[ast.FormatItem], target: ops.Target, new: str) -> list[ast.FormatItem]:
    """Every check and derived member of the items with ``target`` read under its new name ``new``."""
    tables = set(_tables(items))

    def check(c: ast.Check, context: str | None) -> ast.Check:
        return attrs.evolve(c, expr=ops.map_refs(c.expr, lambda r: ops.renamed_ref(r, target, new, context, tables)))

    items = _map_checks(items, check)

    def derived(m: ast.Member, context: str) -> ast.Member:
        if m.derived is None:
            return m
        return attrs.evolve(
            m, derived=ops.map_refs(m.derived, lambda r: ops.renamed_ref(r, target, new, context, tables))
        )

    return _map_inline_members(items, derived)


def _map_inline_members(
    items: list[ast.FormatItem], change: Callable[[ast.Member, str], ast.Member]
) -> list[ast.FormatItem]:
    """The items with every member of the tables' own axes replaced by ``change(member, table key)``."""
    for table in _tables(items).values():
        rows, columns = table.rows, table.columns

        def one(m: ast.Member, key: str = table.key) -> ast.Member | None:
            return change(m, key)

        if isinstance(rows, ast.AxisInline):
            rows = attrs.evolve(rows, members=ops.map_members(rows.members, one))
        if isinstance(columns, ast.AxisInline):
            columns = attrs.evolve(columns, members=ops.map_members(columns.members, one))
        changed = attrs.evolve(table, rows=rows, columns=columns)
        if changed != table:
            items = _replace_table(items, changed)
    return items


def _follow_member(table: ast.Table, key: str, new: str | None) -> ast.Table:
    """``absent`` patterns and note places of ``table`` after its member ``key`` was renamed to ``new`` (or removed:
    ``None``; a pattern naming it is dropped, a note placed at it stays, unplaced)."""
    absent: list[ast.Absent] = []
    for a in table.absent:
        patterns: list[ast.CellPattern] = []
        for p in a.patterns:
            if key in (p.row, p.column):
                if new is None:
                    continue
                p = attrs.evolve(p, row=new if p.row == key else p.row, column=new if p.column == key else p.column)
            patterns.append(p)
        if patterns:
            absent.append(attrs.evolve(a, patterns=tuple(patterns)))
    notes = tuple(attrs.evolve(n, place=new) if n.place == key else n for n in table.notes)
    return attrs.evolve(table, absent=tuple(absent), notes=notes)


def _has_member(items: list[ast.FormatItem], target: ops.Target) -> bool:
    """Whether ``target`` (a member of a table, or a table) is there in the merged items."""
    tables = _tables(items)
    if target.table not in tables:
        return False
    if target.key is None:
        return True
    table, dims = tables[target.table], _dimensions(items)
    return any(
        ops.find_member(_members_of(axis, dims) or (), target.key) is not None for axis in (table.rows, table.columns)
    )
