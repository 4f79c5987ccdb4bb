"""Lists of records read from the tables a published report prints (docs/records.md, "Ingest").

A list of records is printed as a table of one row per record and a column per field, often with a number column
first (序号, No.), under the list's label: ``| 序号 | Component | Description | Count |`` then ``| 1 | CIV | Duplicate |
2 |`` (the renderers print it so; a hand-made report may leave out the number column or the title). Each list's table
is found by its header, a row whose cells name the list's fields (by label, as a table's columns are matched: folded,
without spaces and punctuation); the rows after it, up to the first block that is no row of that table, are its
records, in the printed order (a row that repeats the header, after a page break, is dropped; a row with no value
at all is no record). Those blocks are taken out of the document before its tables are read, so no record row is
taken for a table's row.

Every value keeps where it was printed (provenance per ``LIST.N.FIELD``) and is read as its field's type, never
made up: a number through the same reading as a table's cell (money units converted, notes kept); a member field by
its key, by ``key label`` or by the member's label alone (logged); a date as an ISO date (``2025年3月1日`` and
``2025/3/1`` read as ``2025-03-01``, logged); a choice as one of its choices; a text as printed. A value that is not
one of its field's type (text in a count column, a member the dimension does not have) is left out and logged with
its cell (ING131), so it is for review; a blank stays blank and is logged (ING507: the data file needs every field);
a row with more or fewer cells than the header is not read (ING502). Each list read is logged (ING500) with its
number of records; a list whose table is not found is an error (ING501): its records are not read, and the report
has none of them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

import attrs

from gaidsl.checking.record_data import member_keys
from gaidsl.checking.report import BLANK, EnteredMember
from gaidsl.ingest.locate import Reading
from gaidsl.ingest.model import Block, Document, Line, Piece, Provenance, Row
from gaidsl.ingest.normalise import DASHES, fold, label_key, tidy_spacing
from gaidsl.language import ir

NUMBER_HEADERS = frozenset(label_key(w) for w in ("序号", "No.", "Number", "编号", "行次", "#"))
"""What a list's number column is headed (the renderers print 序号 or No.)."""


@attrs.frozen
class PrintedList:
    """One list's table as printed: its header row, its record rows (in order), the blocks it takes up."""

    records: ir.RecordList
    header: Row
    columns: tuple[str | None, ...]  # per header cell: the field it names, None for the number column or another
    number_column: int | None
    rows: tuple[Row, ...]
    blocks: frozenset[int]  # indices into the document's blocks (title, header, rows, repeated headers)
    repeated: tuple[Row, ...] = ()


def find_lists(spec: ir.Spec, document: Document) -> tuple[dict[str, PrintedList], Document]:
    """Each list's printed table, and the document without their blocks (see the module notes)."""
    found: dict[str, PrintedList] = {}
    taken: set[int] = set()
    blocks = document.blocks
    for records in spec.records.values():
        for index, block in enumerate(blocks):
            if index in taken or not isinstance(block, Row):
                continue
            columns = _header(records, block)
            if columns is None:
                continue
            printed = _rows(records, blocks, index, columns)
            found[records.key] = printed
            taken |= printed.blocks
            break
    if not taken:
        return found, document
    return found, attrs.evolve(document, blocks=tuple(b for i, b in enumerate(blocks) if i not in taken))


def _cells(row: Row) -> list[str]:
    return [tidy_spacing(c.text.strip()) for c in row.cells]


def _header(records: ir.RecordList, row: Row) -> tuple[str | None, ...] | None:
    """The field each cell of ``row`` names, if ``row`` is the list's header: every field's label or key found
    once, each other cell (but a number column first) none of the list's fields."""
    by_label: dict[str, str] = {}
    for field in records.fields:
        for name in (field.label, field.key):
            by_label.setdefault(label_key(name), field.key)
    columns: list[str | None] = []
    for position, text in enumerate(_cells(row)):
        key = label_key(text)
        if position == 0 and (key in NUMBER_HEADERS or not key):
            columns.append(None)
            continue
        columns.append(by_label.get(key))
    named = [c for c in columns if c is not None]
    if len(set(named)) != len(named) or len(named) < min(2, len(records.fields)):
        return None
    if len(named) * 2 < len(records.fields):  # a table that shares a column name or two is not the list
        return None
    return tuple(columns)


def _rows(records: ir.RecordList, blocks: Sequence[Block], start: int, columns: tuple[str | None, ...]) -> PrintedList:
    header = blocks[start]
    assert isinstance(header, Row)
    taken = {start}
    before = blocks[start - 1] if start > 0 else None
    if isinstance(before, Line) and _is_title(records, before):
        taken.add(start - 1)
    rows: list[Row] = []
    repeated: list[Row] = []
    index = start + 1
    while index < len(blocks):
        block = blocks[index]
        if isinstance(block, Line) and _is_title(records, block) and index + 1 < len(blocks):
            following = blocks[index + 1]  # the title printed again after a page break, then the header
            if isinstance(following, Row) and _header(records, following) is not None:
                taken.add(index)
                index += 1
                continue
        if not isinstance(block, Row) or (header.table is not None and block.table != header.table):
            break
        taken.add(index)
        if _header(records, block) is not None:
            repeated.append(block)
        else:
            rows.append(block)
        index += 1
    number = 0 if columns and columns[0] is None else None
    return PrintedList(records, header, columns, number, tuple(rows), frozenset(taken), tuple(repeated))


def _is_title(records: ir.RecordList, line: Line) -> bool:
    key = label_key(line.text)
    label = label_key(records.label)
    return bool(label) and label in key and len(key) <= len(label) + 8


# ---------------------------------------------------------------------------------------------------- the values


def read_lists(
    spec: ir.Spec, closed: ir.Spec, printed: Mapping[str, PrintedList], members: Mapping[str, Sequence[EnteredMember]]
) -> Reading:
    """Read each printed list's records into a :class:`Reading` of ``closed`` (the spec whose lists are tables of
    the records found, :func:`gaidsl.checking.records.close_records`)."""
    reading = Reading(closed)
    for records in spec.records.values():
        found = printed.get(records.key)
        if found is None:
            cells = tuple(k for k in closed.cells if k.startswith(f"{records.key}."))
            reading.note("ING501", None, None, cells, list=records.label)
            continue
        _read_list(reading, records, found, _allowed(spec, records, members))
    return reading


def record_rows(printed: PrintedList) -> tuple[Row, ...]:
    """The rows that are records: those with a value in a field's column (an empty row is none)."""
    fields = [i for i, c in enumerate(printed.columns) if c is not None]
    return tuple(
        row
        for row in printed.rows
        if any(not _empty(_cells(row)[i]) for i in fields if i < len(row.cells))
        or len(row.cells) != len(printed.columns)
    )


def _empty(text: str) -> bool:
    return not fold(text).strip() or fold(text).strip() in DASHES


def _allowed(
    spec: ir.Spec, records: ir.RecordList, members: Mapping[str, Sequence[EnteredMember]]
) -> dict[str, dict[str, str]]:
    """Per member field: each member a record may name, by key, by ``key label`` and by label, to its key."""
    allowed: dict[str, dict[str, str]] = {}
    for field in records.fields:
        if field.dimension is None:
            continue
        axis = next((t.rows for t in spec.tables.values() if t.rows and t.rows.key == field.dimension), None)
        named: list[tuple[str, str]] = []
        if axis is not None:
            named += [(k, axis.by_key[k].label) for k in member_keys(spec, field.dimension)]
        named += [(m.key, m.label) for m in members.get(field.dimension, ())]
        names: dict[str, str] = {}
        for key, _ in named:  # keys first: a key always means its member
            names[key] = key
        labels: dict[str, list[str]] = {}
        for key, label in named:
            names.setdefault(f"{key} {label}", key)
            labels.setdefault(label_key(label), []).append(key)
        for label, keys in labels.items():
            if label and len(set(keys)) == 1:
                names.setdefault(f"\0{label}", keys[0])
        allowed[field.key] = names
    return allowed


def _read_list(
    reading: Reading, records: ir.RecordList, printed: PrintedList, allowed: dict[str, dict[str, str]]
) -> None:
    header = printed.header
    where = header.raw.where
    width = len(printed.columns)
    placed = {c for c in printed.columns if c is not None}
    rows = record_rows(printed)
    for field in records.fields:
        if field.key not in placed:
            cells = tuple(records.cell_key(str(n), field.key) for n in range(1, len(rows) + 1))
            reading.note("ING503", where, header.line, cells, list=records.label, field=field.label)
    for extra in (i for i, c in enumerate(printed.columns) if c is None and i != printed.number_column):
        reading.note("ING504", where, header.line, (), list=records.label, column=_cells(header)[extra] or "—")
    if len(rows) < len(printed.rows):
        reading.note("ING506", where, header.line, (), list=records.label, count=len(printed.rows) - len(rows))
    if printed.repeated:
        lines = ", ".join(str(r.line) for r in printed.repeated)
        reading.note("ING304", where, header.line, (), table=records.label, lines=lines)
    for n, row in enumerate(rows, start=1):
        keys = tuple(records.cell_key(str(n), f.key) for f in records.fields)
        if len(row.cells) != width:
            reading.note(
                "ING502", row.raw.where, row.line, keys, list=records.label, n=n, found=len(row.cells), width=width
            )
            continue
        texts = _cells(row)
        if printed.number_column is not None and texts[printed.number_column] not in ("", str(n)):
            reading.note("ING505", row.raw.where, row.line, keys, list=records.label, n=n, printed=texts[0])
        for position, field_key in enumerate(printed.columns):
            if field_key is None:
                continue
            read = records.field(field_key)
            assert read is not None
            _read_value(reading, records, read, n, row.cells[position], allowed.get(field_key), row.explicit)
    reading.note("ING500", where, header.line, (), list=records.label, count=len(rows))


_DATE = re.compile(r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?")


def _read_value(
    reading: Reading,
    records: ir.RecordList,
    field: ir.RecordField,
    n: int,
    piece: Piece,
    members: dict[str, str] | None,
    explicit: bool = True,
) -> None:
    key = records.cell_key(str(n), field.key)
    label = f"{records.label} · #{n} · {field.label}"
    raw = piece.text.strip()
    if _empty(raw):
        reading.values[key] = BLANK
        reading.provenance[key] = _provenance(piece, n)
        reading.note("ING507", piece.where, piece.line, (key,), label=label, raw=raw or "—")
        return
    if field.type.numeric:
        reading.put(key, piece, "cell", f"#{n}")
        return
    text = raw if explicit else tidy_spacing(raw)  # a table's own cell is as printed; a layout's token tidied
    value: str | None = text
    shown: tuple[str, str] | None = None
    what = ("文本", "text")
    kind = field.type.kind
    if members is not None:
        value = members.get(text) or members.get(f"\0{label_key(text)}")
        if value is not None and value != text:
            shown = ("成员", "member")
        value = value or members.get(tidy_spacing(text))
        what = ("成员（编码或名称）", "member (key or label)")
    elif kind == "date":
        value, shown = _date(text)
        what = ("日期", "date")
    elif kind == "choice":
        value = next((c for c in field.type.choices if c == text), None) or next(
            (c for c in field.type.choices if label_key(c) == label_key(text)), None
        )
        what = ("选项（" + "、".join(field.type.choices) + "）", "choice (" + ", ".join(field.type.choices) + ")")
    if value is None:
        reading.note("ING131", piece.where, piece.line, (key,), label=label, raw=raw, kind=what[0], kind_en=what[1])
        return
    reading.values[key] = value
    reading.provenance[key] = _provenance(piece, n)
    if shown is not None:
        reading.note("ING508", piece.where, piece.line, (key,), label=label, raw=raw, value=value)


def _date(text: str) -> tuple[str | None, tuple[str, str] | None]:
    match = _DATE.fullmatch(fold(text))
    if match is None:
        return None, None
    try:
        value = datetime.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None, None
    return value, (None if value == text else ("日期", "date"))


def _provenance(piece: Piece, n: int) -> Provenance:
    return Provenance(piece.where, piece.line, piece.text, "cell", f"#{n}")
