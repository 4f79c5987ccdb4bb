"""Lists of records in a data file (docs/records.md, docs/data-format.md): ``"records": {"explanations": [{…}, …]}``,
one object a record, its fields by key. Each value is read as a cell of the field's type, keyed ``LIST.N.FIELD``
(N from 1), so a bad value's message names the record; a record that is no object, a field the list does not have,
a field left blank and a member reference to no member are errors at their place in the file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from gaidsl.checking.data_syntax import Node
from gaidsl.checking.report import BLANK, EnteredMember, Missing, Value
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.source import Span


class ValueReader(Protocol):
    """What of the data file reader (:mod:`gaidsl.checking.data`) the records are read with."""

    spec: ir.Spec
    diagnostics: list[Diagnostic]
    values: dict[str, Value]
    members: dict[str, tuple[EnteredMember, ...]]
    records: dict[str, int]

    def span(self, start: int, end: int) -> Span: ...

    def number(self, node: Node, type_: ir.CellType, key: str, label: str, span: Span) -> Value | None: ...

    def typed_string(
        self, node: Node, type_: ir.CellType, key: str, label: str, span: Span
    ) -> str | Missing | None: ...


def read_records(reader: ValueReader, node: Node) -> None:
    """Read the top-level ``records`` object into ``reader.values`` and ``reader.records``."""
    if node.kind == "null":
        return
    if node.kind != "object":
        _shape(reader, node, "records", Text("以记录列表为键的对象", "an object keyed by list of records"))
        return
    seen: set[str] = set()
    for name, start, end, value in node.items:
        if name in seen:  # a key given twice, as everywhere in a data file (not "the last one wins")
            reader.diagnostics.append(error("GAI715", reader.span(start, end), key=f"records.{name}"))
            continue
        seen.add(name)
        records = reader.spec.records.get(name)
        if records is None or name in reader.records:
            help = did_you_mean(name, reader.spec.records)
            reader.diagnostics.append(error("GAI775", reader.span(start, end), help, name=name))
            continue
        if value.kind == "null":
            reader.records[name] = 0
            continue
        if value.kind != "array" or not isinstance(value.value, tuple):
            _shape(reader, value, f"records.{name}", Text("记录（对象）的数组", "an array of records (objects)"))
            continue
        allowed = _members(reader, records)
        for index, item in enumerate(value.value, start=1):
            assert isinstance(item, Node)
            _record(reader, records, index, item, allowed)
        reader.records[name] = len(value.value)


def _members(reader: ValueReader, records: ir.RecordList) -> dict[str, Callable[[str], bool]]:
    """For each member field, whether a key is a member a record may name: a fixed leaf row of the dimension or
    one of the report's entered members (an open dimension's)."""
    found: dict[str, Callable[[str], bool]] = {}
    for field in records.fields:
        if field.dimension is None:
            continue
        axis = next((t.rows for t in reader.spec.tables.values() if t.rows and t.rows.key == field.dimension), None)
        fixed = {m.key for m in axis.members if m.kind == "leaf"} if axis is not None else set()
        if axis is not None and axis.open is not None:
            fixed.discard(axis.open.slot)
            fixed |= {m.key for m in reader.members.get(field.dimension, ())}
        found[field.key] = fixed.__contains__
    return found


def member_keys(spec: ir.Spec, dimension: str) -> tuple[str, ...]:
    """The fixed leaf members of a dimension a record may name (an open dimension's slot aside)."""
    axis = next((t.rows for t in spec.tables.values() if t.rows and t.rows.key == dimension), None)
    if axis is None:
        return ()
    slot = axis.open.slot if axis.open is not None else None
    return tuple(m.key for m in axis.members if m.kind == "leaf" and m.key != slot)


def _record(
    reader: ValueReader, records: ir.RecordList, index: int, item: Node, allowed: dict[str, Callable[[str], bool]]
) -> None:
    path = f"records.{records.key}[{index - 1}]"
    if item.kind != "object":
        _shape(reader, item, path, Text("对象（以字段为键）", "an object keyed by field"))
        return
    given: set[str] = set()
    for name, start, end, value in item.items:
        span = reader.span(start, end)
        field = records.field(name)
        if name in given:
            reader.diagnostics.append(error("GAI715", span, key=f"{path}.{name}"))
            continue
        if field is None:
            help = did_you_mean(name, [f.key for f in records.fields])
            reader.diagnostics.append(
                error("GAI772", span, help, path=f"{path}.{name}", records=records.key, name=name)
            )
            continue
        given.add(name)
        key = records.cell_key(str(index), name)
        read: Value | None
        if field.type.numeric:
            read = reader.number(value, field.type, key, field.label, span)
        else:
            read = reader.typed_string(value, field.type, key, field.label, span)
        if read is None:
            continue
        if read == BLANK:
            _blank(reader, records, index, field, span, path)
            continue
        if field.key in allowed and isinstance(read, str) and not allowed[field.key](read):
            _not_member(reader, records, field, read, span, f"{path}.{name}")
            continue
        reader.values[key] = read
    for field in records.fields:
        if field.key not in given:
            _blank(reader, records, index, field, reader.span(item.start, max(item.end, item.start + 1)), path)


def _blank(
    reader: ValueReader, records: ir.RecordList, index: int, field: ir.RecordField, span: Span, path: str
) -> None:
    reader.diagnostics.append(
        error("GAI773", span, path=f"{path}.{field.key}", index=index, name=field.key, label=field.label)
    )


def _not_member(
    reader: ValueReader, records: ir.RecordList, field: ir.RecordField, value: str, span: Span, path: str
) -> None:
    assert field.dimension is not None
    opened = field.dimension in reader.spec.open_dimensions
    entered = Text("（须是 members 中填报的成员或固定成员）", " (an entered member in members, or a fixed one)")
    shown = entered if opened else Text("", "")
    pool: Iterable[str] = [m.key for m in reader.members.get(field.dimension, ())] if opened else ()
    help = did_you_mean(value, [*pool, *member_keys(reader.spec, field.dimension)])
    reader.diagnostics.append(
        error(
            "GAI774",
            span,
            help,
            path=path,
            value=value,
            dimension=field.dimension,
            entered=shown.zh,
            entered_en=shown.en,
        )
    )


def _shape(reader: ValueReader, node: Node, path: str, expected: Text) -> None:
    span = reader.span(node.start, max(node.end, node.start + 1))
    reader.diagnostics.append(error("GAI771", span, path=path, expected=expected.zh, expected_en=expected.en))


def record_value_key(spec: ir.Spec, key: str) -> bool:
    """Whether ``key`` is a record's value (``LIST.N.FIELD``)."""
    parts = key.split(".")
    return len(parts) == 3 and parts[0] in spec.records and parts[1].isdigit()
