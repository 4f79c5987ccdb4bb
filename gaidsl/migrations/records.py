"""Migrations of lists of records (docs/migrations.md, "Lists of records"): the records old reports entered are carried
over, record by record, field by field.

A list with the same key in both versions keeps its records (their number and order). Each field of the new list
gets, in every record, the old field with the same key, or the one a statement names:

- ``rename field explanations.count -> explanations.amount;`` the old field's values under the new key;
- ``new field explanations.status = "open";`` every record gets that value (a number, a quoted text, or a member's
  key); ``new field explanations.status must be entered;`` leaves it *unknown* until someone enters it;
- ``drop field explanations.note because "…";`` the old field's values are not carried over (a reason is required);
- ``drop explanations because "…";`` a list the new version does not have: its records are not carried over.
- ``rename explanations -> reasons because "…";`` the whole list under another key, every record carried; its fields
  are then named ``explanations.F`` on the old side and ``reasons.G`` on the new one.

A member field whose dimension has a ``members`` statement (an open dimension whose keys the new version renames,
merges or splits) takes the new key (a split: *unknown*, it must be chosen). What is checked (GAI776–GAI779, with
GAI505 for a name neither spec has): every old field is carried, renamed or dropped, every new one filled; the
types agree (:func:`gaidsl.migrations.type_verdicts.type_change`; a narrowing is GAI514's warning) and a member field
keeps its dimension, whose fixed members old records may name are still members; a default fits its field; a list
is renamed to one list of the new version, never split, merged or converted, and no two old lists land in one; an old
list the new version lacks is dropped or renamed, and a new list that needs records (``at least N``) is refused (old
reports have none).

The proof (:mod:`gaidsl.migrations.proof`) covers the checks that do not read records; ``gaidsl migrate`` judges each
migrated report, record checks included, with the reference evaluator.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import attrs

from gaidsl.checking.record_data import member_keys
from gaidsl.checking.report import BLANK, UNKNOWN, Report, Value
from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Related, Text, did_you_mean, error, warning
from gaidsl.language.source import Span
from gaidsl.migrations.open_members import MemberMap
from gaidsl.migrations.type_verdicts import type_change, unit_changed


@attrs.frozen
class FieldMap:
    """How one field of a new list is filled in every migrated record."""

    new: str
    old: str | None  # the old field read (None: a new field)
    how: str  # "same" | "rename" | "default" | "unknown"
    default: Value = UNKNOWN
    statement: int | None = None
    reason: str | None = None


@attrs.frozen
class ListMap:
    """A list of records of the new version: its fields, the old fields dropped (key → statement), and the old list
    whose records it takes (``source``: its own key, another one after ``rename OLD -> NEW``, None for a new list)."""

    key: str
    fields: tuple[FieldMap, ...]
    dropped: Mapping[str, int] = attrs.field(factory=dict)
    source: str | None = None
    statement: int | None = None  # the rename statement of the whole list


@attrs.frozen
class RecordsMigration:
    lists: Mapping[str, ListMap]  # by key, the lists of both versions
    dropped: Mapping[str, int] = attrs.field(factory=dict)  # old lists the new version lacks → the drop statement


def _head(path: ast.ItemPath) -> str:
    return path.parts[0]


def claims(item: ast.MigrationItem, old: ir.Spec, new: ir.Spec) -> bool:
    """Whether a statement is about lists of records (then :func:`resolve` deals with it, not the cells' checker)."""
    lists = set(old.records) | set(new.records)
    match item:
        case ast.New(default=default) if default is not None:
            return True
        case ast.Rename(old=path) | ast.Split(old=path) | ast.Transform(old=path):
            return _head(path) in lists
        case ast.Merge(old=paths) | ast.Drop(old=paths):
            return any(_head(p) in lists for p in paths)
        case ast.New(new=paths):
            return any(_head(p) in lists for p in paths)
        case _:
            return False


class _Resolver:
    def __init__(self, doc: ast.Migration, old: ir.Spec, new: ir.Spec, members: Mapping[str, MemberMap]) -> None:
        self.doc = doc
        self.old = old
        self.new = new
        self.members = members
        self.problems: list[Diagnostic] = []
        self.renamed: dict[tuple[str, str], tuple[str, int]] = {}  # (list, old field) → (new field, statement)
        self.dropped_fields: dict[tuple[str, str], int] = {}
        self.declared: dict[tuple[str, str], tuple[Value, int]] = {}  # (list, new field) → (default, statement)
        self.dropped_lists: dict[str, int] = {}
        self.renamed_lists: dict[str, tuple[str, int]] = {}  # old list → (new list, statement)
        self.seen_old: set[tuple[str, str]] = set()
        self.seen_new: set[tuple[str, str]] = set()

    # ---- statements
    def statements(self) -> None:
        for index, item in enumerate(self.doc.items):  # whole lists first: a field statement may name either key
            if isinstance(item, ast.Rename) and len(item.old.parts) == 1 and claims(item, self.old, self.new):
                self._rename_list(index, item, item.old, item.new)
        for index, item in enumerate(self.doc.items):
            if not claims(item, self.old, self.new):
                continue
            match item:
                case ast.Rename(old=source) if len(source.parts) == 1:
                    continue
                case ast.Rename(old=source, new=target):
                    self._rename(index, item, source, target)
                case ast.Drop(old=paths):
                    for path in paths:
                        self._drop(index, item, path)
                case ast.New(new=paths, default=default):
                    for path in paths:
                        self._declare(index, item, path, default)
                case ast.Split(old=first) | ast.Transform(old=first) | ast.Merge(old=(first, *_)):
                    why = Text("记录列表不能拆分、合并或换算", "a list of records is not split, merged or converted")
                    self.problems.append(error("GAI776", item.span, records=_head(first), why=why.zh, why_en=why.en))

    def _field(self, spec: ir.Spec, side: str, path: ast.ItemPath) -> tuple[str, str] | None:
        """``LIST.FIELD`` of ``spec`` (GAI505 when the spec has no such field)."""
        parts = path.parts
        records = spec.records.get(parts[0])
        if len(parts) == 2 and records is not None and records.field(parts[1]) is not None:
            return parts[0], parts[1]
        pool = [f"{r.key}.{f.key}" for r in spec.records.values() for f in r.fields]
        self._unknown(side, path, Text("记录字段", "record field"), pool)
        return None

    def _unknown(self, side: str, path: ast.ItemPath, what: Text, pool: list[str]) -> None:
        """GAI505: the old or new spec has no ``what`` named ``path`` (with the nearest names of ``pool``)."""
        words = Text("旧", "old") if side == "old" else Text("新", "new")
        help = did_you_mean(path.text, pool)
        self.problems.append(
            error("GAI505", path.span, help, side=words.zh, side_en=words.en, what=what.zh, what_en=what.en,
                  name=path.text)
        )  # fmt: skip

    def _once(self, seen: set[tuple[str, str]], found: tuple[str, str], span: Span | None) -> bool:
        if found in seen:
            why = Text(f"字段「{found[1]}」被处理了两次", f"field '{found[1]}' is dealt with twice")
            self.problems.append(error("GAI776", span, records=found[0], why=why.zh, why_en=why.en))
            return False
        seen.add(found)
        return True

    def _list_key(self, spec: ir.Spec, side: str, path: ast.ItemPath) -> str | None:
        """The list ``path`` names in ``spec`` (GAI505 when the spec has no such list)."""
        if len(path.parts) == 1 and path.parts[0] in spec.records:
            return path.parts[0]
        self._unknown(side, path, Text("记录列表", "list of records"), list(spec.records))
        return None

    def _rename_list(self, index: int, item: ast.Rename, source: ast.ItemPath, target: ast.ItemPath) -> None:
        """``rename OLD -> NEW``: every record of the old list carried into the new one."""
        old = self._list_key(self.old, "old", source)
        new = self._list_key(self.new, "new", target)
        if old is None or new is None:
            return
        if old in self.renamed_lists:
            why = Text("被改名了两次", "it is renamed twice")
            self.problems.append(error("GAI776", item.span, records=old, why=why.zh, why_en=why.en))
            return
        taken = next((o for o, (n, _) in self.renamed_lists.items() if n == new), None)
        if taken is not None:
            why = Text(
                f"「{taken}」已改名为「{new}」：两个记录列表不能合并为一个",
                f"'{taken}' is already renamed to '{new}': two lists are not merged into one",
            )
            self.problems.append(error("GAI776", item.span, records=old, why=why.zh, why_en=why.en))
            return
        self.renamed_lists[old] = (new, index)

    def _new_list(self, old: str) -> str:
        """The new list that takes the records of old list ``old``."""
        return self.renamed_lists[old][0] if old in self.renamed_lists else old

    def _rename(self, index: int, item: ast.Rename, source: ast.ItemPath, target: ast.ItemPath) -> None:
        parts = target.parts if len(target.parts) == 2 else (self._new_list(source.parts[0]), *target.parts)
        old = self._field(self.old, "old", source)
        new = self._field(self.new, "new", ast.ItemPath(parts, target.span))
        if old is None or new is None:
            return
        if self._new_list(old[0]) != new[0]:
            why = Text(
                "字段只能在同一记录列表内改名（或在改名后的列表中）",
                "a field is renamed within its list (or the list it is renamed to)",
            )
            self.problems.append(error("GAI776", item.span, records=old[0], why=why.zh, why_en=why.en))
            return
        if self._once(self.seen_old, old, item.span) and self._once(self.seen_new, new, item.span):
            self.renamed[old] = (new[1], index)

    def _drop(self, index: int, item: ast.Drop, path: ast.ItemPath) -> None:
        if item.reason is None and path is item.old[0]:
            self.problems.append(error("GAI512", item.span, verb="drop"))
        if len(path.parts) == 1:
            if path.parts[0] not in self.old.records:
                self._field(self.old, "old", path)
                return
            if path.parts[0] in self.renamed_lists:
                why = Text("记录列表既被改名又被删除", "the list is both renamed and dropped")
                self.problems.append(error("GAI776", item.span, records=path.parts[0], why=why.zh, why_en=why.en))
                return
            self.dropped_lists[path.parts[0]] = index
            return
        found = self._field(self.old, "old", path)
        if found is not None and self._once(self.seen_old, found, item.span):
            self.dropped_fields[found] = index

    def _declare(self, index: int, item: ast.New, path: ast.ItemPath, default: ast.NewDefault | None) -> None:
        if len(path.parts) != 2 or path.parts[0] not in self.new.records:
            if default is not None:
                why = Text("默认值只用于记录列表的字段", "a default is for a field of a list of records")
                self.problems.append(error("GAI779", item.span, value=default.value, name=path.text, why=why.zh,
                                           why_en=why.en))  # fmt: skip
            else:
                self._field(self.new, "new", path)
            return
        found = self._field(self.new, "new", path)
        if found is None or not self._once(self.seen_new, found, item.span):
            return
        field = self.new.records[found[0]].field(found[1])
        assert field is not None
        value = UNKNOWN if default is None else self._default(default, field, path.text, item)
        self.declared[found] = (value, index)

    def _default(self, default: ast.NewDefault, field: ir.RecordField, name: str, item: ast.New) -> Value:
        why = _unfit(self.new, default, field)
        if why is not None:
            self.problems.append(
                error("GAI779", default.span or item.span, value=default.value, name=name, why=why.zh, why_en=why.en)
            )
            return UNKNOWN
        return Decimal(default.value) if field.type.numeric else default.value

    # ---- every list and field accounted for
    def lists(self) -> RecordsMigration:
        found: dict[str, ListMap] = {}
        taken = {new: old for old, (new, _) in self.renamed_lists.items()}  # new list → the old one renamed to it
        for key, records in self.old.records.items():
            if key in self.renamed_lists:
                new_key, index = self.renamed_lists[key]
                found[new_key] = self._list(records, self.new.records[new_key], index)
            elif key in self.new.records and key not in taken:
                found[key] = self._list(records, self.new.records[key])
            elif key in self.new.records and key not in self.dropped_lists:
                why = Text(
                    f"新版本的「{key}」接收旧列表「{taken[key]}」的记录，旧列表「{key}」的记录无处可去",
                    f"the new '{key}' takes the records of old '{taken[key]}': old '{key}''s records have no place",
                )
                statement = f'drop {key} because "…";'
                help = Text(f"例如：{statement}（或把它改名）", f"for example: {statement} (or rename it)")
                span = self.doc.items[self.renamed_lists[taken[key]][1]].span
                self.problems.append(error("GAI776", span, [help], records=key, why=why.zh, why_en=why.en))
            elif key not in self.dropped_lists:
                why = Text("新版本没有这个记录列表", "the new version has no such list")
                statement = f'drop {key} because "…";'
                help = Text(
                    f"例如：{statement}（其记录不再迁移）", f"for example: {statement} (its records are not carried)"
                )
                self.problems.append(
                    error("GAI776", self.doc.target.span, [help], records=key, why=why.zh, why_en=why.en)
                )
        for key, records in self.new.records.items():
            if key in found or key in self.old.records:
                continue
            if records.at_least:
                why = Text(
                    f"旧报告没有它的记录，而新版本要求至少 {records.at_least} 条",
                    f"old reports have no records of it, and the new version needs at least {records.at_least}",
                )
                self.problems.append(error("GAI776", self.doc.target.span, records=key, why=why.zh, why_en=why.en))
            found[key] = ListMap(key, ())
        return RecordsMigration(found, dict(self.dropped_lists))

    def _list(self, old: ir.RecordList, new: ir.RecordList, statement: int | None = None) -> ListMap:
        key, new_key = old.key, new.key
        renamed_to = {
            new_key: (old_key, index) for (lst, old_key), (new_key, index) in self.renamed.items() if lst == key
        }
        moved = {old_key for (lst, old_key) in self.renamed if lst == key}
        fields: list[FieldMap] = []
        for field in new.fields:
            if field.key in renamed_to:
                source, index = renamed_to[field.key]
                fields.append(FieldMap(field.key, source, "rename", statement=index, reason=self._reason(index)))
            elif (new_key, field.key) in self.declared:
                value, index = self.declared[(new_key, field.key)]
                how = "unknown" if value is UNKNOWN else "default"
                fields.append(FieldMap(field.key, None, how, value, index, self._reason(index)))
            elif (
                old.field(field.key) is not None
                and field.key not in moved
                and (key, field.key) not in self.dropped_fields
            ):
                fields.append(FieldMap(field.key, field.key, "same"))
            else:
                self._unaccounted(new, field, "new")
                continue
        for field in old.fields:
            carried = any(f.old == field.key for f in fields)
            if not carried and (key, field.key) not in self.dropped_fields and field.key not in moved:
                self._unaccounted(old, field, "old")
        for mapped in fields:
            if mapped.old is not None:
                before, after = old.field(mapped.old), new.field(mapped.new)
                assert before is not None and after is not None
                self._types((key, new_key), before, after, mapped.statement)
        dropped = {f: i for (lst, f), i in self.dropped_fields.items() if lst == key}
        return ListMap(new_key, tuple(fields), dropped, key, statement)

    def _dropped(self, key: str) -> set[str]:
        return {f for (lst, f) in self.dropped_fields if lst == key}

    def _reason(self, index: int) -> str | None:
        return self.doc.items[index].reason

    def _unaccounted(self, records: ir.RecordList, field: ir.RecordField, side: str) -> None:
        name = f"{records.key}.{field.key}"
        if side == "old":
            words, statement = Text("旧", "old"), f'drop field {name} because "…";'
            help = Text(f"例如：{statement}（或用 rename 映射它）", f"for example: {statement} (or rename it)")
        else:
            words, statement = Text("新", "new"), f"new field {name} = …;"
            help = Text(f"例如：{statement}（或 must be entered）", f"for example: {statement} (or must be entered)")
        where = self.doc.source.span if side == "old" else self.doc.target.span
        diag = error(
            "GAI777",
            where,
            [help],
            side=words.zh,
            side_en=words.en,
            records=records.key,
            name=field.key,
            label=field.label,
        )
        defined = field.span or records.span
        if defined is not None:  # where the field is, in its spec
            diag = attrs.evolve(diag, related=(Related(defined, Text("定义在这里", "defined here")),))
        self.problems.append(diag)

    def _types(self, keys: tuple[str, str], old: ir.RecordField, new: ir.RecordField, statement: int | None) -> None:
        span = self.doc.items[statement].span if statement is not None else self.doc.target.span
        names = {"old": f"{keys[0]}.{old.key}", "new": f"{keys[1]}.{new.key}"}
        types = {"old_type": _described(old), "new_type": _described(new)}
        why: Text | None = None
        if old.dimension != new.dimension:
            why = Text("引用了另一个维度的成员", "it names members of another dimension")
        elif old.dimension is not None:
            gone = [m for m in member_keys(self.old, old.dimension) if m not in _named_after(self, old.dimension)]
            if gone:
                why = Text(
                    f"新版本的维度没有成员 {'、'.join(gone)}", f"the new dimension has no member {', '.join(gone)}"
                )
        elif type_change(old.type, new.type) == "incompatible":
            why = Text("类型不相容", "the types are incompatible")
        elif unit_changed(old.type, new.type):
            why = Text(
                f"单位从 {old.type.unit} 变为 {new.type.unit}（记录字段不换算）",
                f"its unit changes from {old.type.unit} to {new.type.unit} (record fields are not converted)",
            )
        if why is not None:
            self.problems.append(error("GAI778", span, (), **names, **types, why=why.zh, why_en=why.en))
        elif old.dimension is None and type_change(old.type, new.type) == "narrowing":
            self.problems.append(warning("GAI514", span, (), **names, **types))


def _named_after(resolver: _Resolver, dimension: str) -> set[str]:
    """The members a record may name in the new spec (an open dimension: any key, so every old key is kept)."""
    if dimension in resolver.new.open_dimensions:
        return set(member_keys(resolver.old, dimension))
    return set(member_keys(resolver.new, dimension))


def _described(field: ir.RecordField) -> str:
    return f"member of {field.dimension}" if field.dimension is not None else field.type.describe()


def _unfit(spec: ir.Spec, default: ast.NewDefault, field: ir.RecordField) -> Text | None:
    """Why a default cannot be the value of ``field`` (None: it can)."""
    cell_type = field.type
    if field.dimension is not None:
        allowed = member_keys(spec, field.dimension)
        if default.value in allowed or (field.dimension in spec.open_dimensions and default.kind != "number"):
            return None
        return Text(f"不是维度「{field.dimension}」的成员", f"it is no member of dimension '{field.dimension}'")
    if cell_type.numeric:
        if default.kind != "number":
            return Text("应为数字", "a number is expected")
        try:
            number = Decimal(default.value)
        except InvalidOperation:  # pragma: no cover - the grammar's NUMBER
            return Text("应为数字", "a number is expected")
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        if cell_type.kind in ("count", "integer") and exponent < 0:
            return Text("应为整数", "a whole number is expected")
        places = cell_type.decimals if cell_type.decimals is not None else None
        if places is not None and -exponent > places:
            return Text(f"小数位多于 {places} 位", f"it has more than {places} decimals")
        return None
    if default.kind == "number":
        return Text("应为文本", "a text is expected")
    if cell_type.kind == "choice" and default.value not in cell_type.choices:
        return Text(f"不在选项 {'、'.join(cell_type.choices)} 中", f"it is not one of {', '.join(cell_type.choices)}")
    return None


def resolve(
    doc: ast.Migration, old: ir.Spec, new: ir.Spec, members: Mapping[str, MemberMap]
) -> tuple[RecordsMigration | None, list[Diagnostic]]:
    """The statements about lists of records checked, and how every list is carried (None without lists)."""
    if not old.records and not new.records and not any(claims(i, old, new) for i in doc.items):
        return None, []
    resolver = _Resolver(doc, old, new, members)
    resolver.statements()
    found = resolver.lists()
    return found, resolver.problems


# ---------------------------------------------------------------------------------------------------- applying


@attrs.frozen
class Carried:
    """The records of a migrated report: their values (``LIST.N.FIELD``), how many per list, and per value what
    became of it: (action, old key or None, new key or None, value read, value written, statement)."""

    values: Mapping[str, Value]
    counts: Mapping[str, int]
    moves: tuple[tuple[str, str | None, str | None, Value, Value, int | None], ...]


def carry(found: RecordsMigration, members: Mapping[str, MemberMap], new: ir.Spec, report: Report) -> Carried:
    values: dict[str, Value] = {}
    counts: dict[str, int] = {}
    moves: list[tuple[str, str | None, str | None, Value, Value, int | None]] = []
    for key, index in found.dropped.items():
        for number in range(1, report.records.get(key, 0) + 1):
            prefix = f"{key}.{number}."
            for cell, value in report.values.items():
                if cell.startswith(prefix):
                    moves.append(("dropped", cell, None, value, BLANK, index))
    for key, mapped in found.lists.items():
        source_list = mapped.source
        count = report.records.get(source_list, 0) if source_list is not None and mapped.fields else 0
        counts[key] = count
        records = new.records[key]
        for number in range(1, count + 1):
            for field in mapped.fields:
                target = f"{key}.{number}.{field.new}"
                if field.old is None:
                    values[target] = field.default
                    moves.append((field.how, None, target, BLANK, field.default, field.statement))
                    continue
                source = f"{source_list}.{number}.{field.old}"
                read = report.value(source)
                declared = records.field(field.new)
                dimension = declared.dimension if declared is not None else None
                written = _member(members.get(dimension), read) if dimension is not None else read
                values[target] = written
                same = field.how == "same" and written == read and source_list == key
                how = "copied" if same else "renamed"
                statement = field.statement if field.statement is not None or same else mapped.statement
                moves.append((how, source, target, read, written, statement))
            for old_field, index in mapped.dropped.items():
                source = f"{source_list}.{number}.{old_field}"
                moves.append(("dropped", source, None, report.value(source), BLANK, index))
    return Carried(values, counts, tuple(moves))


def _member(mapping: MemberMap | None, value: Value) -> Value:
    """A member key under a ``members`` statement: renamed or merged into one key; split: unknown (to be chosen)."""
    parts = mapping.parts_of(value) if mapping is not None and isinstance(value, str) else None
    if parts is None:
        return value
    return parts[0].new if len(parts) == 1 else UNKNOWN


__all__ = ["Carried", "RecordsMigration", "carry", "claims", "resolve"]
