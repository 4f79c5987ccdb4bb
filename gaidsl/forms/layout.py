"""The printed layout of a spec's report, computed once from the IR and shared by every form and renderer.

A report is a title, then the spec's parts (sections) in order; each part holds text blocks and *grids*. A grid is
what the official format prints as one table: a rectangle of rows × columns in which merged cells appear once, as a
:class:`Box` at their top-left position with a row span and a column span.

How a table becomes a grid (the official tables of 国办公开办函〔2021〕30号 are the model):

* Column headers come from the column tree: a group spans its data columns, a leaf or total spans the header rows
  below it down to the data; a labelled dimension (申请人情况) adds a header row spanning all its columns.
* Row headers come from the row tree: the grid has one row-header column per level of nesting; a group spans the
  data rows below it (三、本年度办理结果 spans 22 rows in 2021), a leaf or total spans the remaining row-header
  columns to its right (（一）予以公开 takes two columns, 一、本年新收… three).
* The top-left corner spans the header rows × row-header columns and carries the note placed ``at corner`` (part
  三's 勾稽关系 note), else the stub (信息内容).
* Consecutive flat tables of one part with a stub (part 二's blocks citing 第二十条) form one grid: each block's
  label is a row spanning the whole width, its header row and data rows follow, and a block with fewer columns
  than the widest lets its last column span the rest (a four-column grid: 信息内容 plus three).
* Notes not placed at the corner are printed below the grid.

Targets read :func:`layout` and never re-derive any of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.open_members import close
from gaidsl.checking.report import BLANK, UNKNOWN, EnteredMember, FieldValue, Missing, Report, Value
from gaidsl.language import ir
from gaidsl.language.source import Span
from gaidsl.language.ui_text import words

UNKNOWN_TEXT = "未知"
"""How every renderer prints an *unknown* value of a Chinese spec (blank prints as nothing, never as 0); a spec in
another language prints its own word (:func:`unknown_text`)."""


def unknown_text(language: str = "zh") -> str:
    """How an *unknown* value is printed in a spec of ``language`` (docs/languages.md): 未知, unknown."""
    return words(language)["unknown"]


@attrs.frozen
class Box:
    """One visible cell of a grid. ``role``: ``title`` (a block label across the grid), ``corner`` (the top-left
    header cell: note or stub), ``column`` / ``row`` (a header naming ``member`` of ``table``'s column or row axis),
    ``value`` (the data cell ``cell``) or ``absent`` (a position where the table has no cell)."""

    row: int
    col: int
    role: str
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    table: str | None = None
    member: str | None = None
    cell: str | None = None
    holds_text: bool = False  # a value cell of a text (date, choice) cell: written from the left, long text wrapped
    indent: int = 0  # a row header of a coded hierarchy's entered row: its level (0 the first; 款 1, 项 2)
    entered_key: bool = False  # the key (code) column of an entered row of an open dimension

    @property
    def header(self) -> bool:
        return self.role not in ("value", "absent")


@attrs.frozen
class Grid:
    """One printed table. ``boxes`` in row-major order of their top-left positions; ``header_rows`` the rows at the
    top that only hold headers (repeated on a page break); ``row_header_cols`` the columns on the left that hold
    row labels."""

    key: str
    tables: tuple[str, ...]
    width: int
    height: int
    boxes: tuple[Box, ...]
    header_rows: int
    row_header_cols: int
    caption: str | None = None
    notes: tuple[str, ...] = ()

    def rows(self) -> list[list[Box]]:
        """The boxes starting in each row, left to right."""
        out: list[list[Box]] = [[] for _ in range(self.height)]
        for box in self.boxes:
            out[box.row].append(box)
        return out

    def occupancy(self) -> list[list[Box]]:
        """For every position of the rectangle, the box covering it."""
        grid: list[list[Box | None]] = [[None] * self.width for _ in range(self.height)]
        for box in self.boxes:
            for r in range(box.row, box.row + box.rowspan):
                for c in range(box.col, box.col + box.colspan):
                    grid[r][c] = box
        out: list[list[Box]] = []
        for r, line in enumerate(grid):
            filled = [b for b in line if b is not None]
            if len(filled) != self.width:
                raise AssertionError(f"grid {self.key}: row {r} has holes")
            out.append(filled)
        return out

    def value_boxes(self) -> Iterator[Box]:
        return (b for b in self.boxes if b.role == "value")


@attrs.frozen
class TextItem:
    key: str
    label: str | None
    required: bool
    guidance: tuple[str, ...]
    heading: bool  # print the label as a sub-heading (False when it only repeats the part's title)


Item = TextItem | Grid


@attrs.frozen
class Part:
    key: str
    label: str
    items: tuple[Item, ...]


@attrs.frozen
class Layout:
    spec_id: str
    version: str
    title: str | None
    report_name: str  # 政府信息公开工作年度报告
    parts: tuple[Part, ...]
    fields: tuple[ir.Field, ...]
    language: str = "zh"  # the spec's (docs/languages.md): the words around its labels
    words_languages: tuple[str, ...] = ("zh",)
    """The languages of the outputs' own words (headings, a list's 序号): both of a bilingual output
    (:attr:`gaidsl.language.ir.Spec.words_languages`); values, numbers and dates are in :attr:`language`'s."""

    def grids(self) -> Iterator[Grid]:
        for part in self.parts:
            for item in part.items:
                if isinstance(item, Grid):
                    yield item

    def texts(self) -> Iterator[TextItem]:
        for part in self.parts:
            for item in part.items:
                if isinstance(item, TextItem):
                    yield item

    def report_title(self, report: Report | None = None) -> str:
        """``<body><year>年<report name>``; for a blank form, the placeholders are left out."""
        body = _field_text(report, "body", self.language) if report else ""
        year = _field_text(report, "year", self.language) if report else ""
        if self.language != "zh":  # "Agency 2024 Annual report" (docs/languages.md)
            return " ".join(p for p in (body, year, self.report_name) if p)
        return f"{body}{year}年{self.report_name}" if year else f"{body}{self.report_name}"


# ---------------------------------------------------------------------------------------------------- values


def value_text(value: Value | FieldValue, language: str = "zh") -> str:
    """A value as printed: digits as reported, blank as nothing (never 0), unknown as the spec's word for it
    (:func:`unknown_text`)."""
    if value is BLANK:
        return ""
    if value is UNKNOWN:
        return unknown_text(language)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _field_text(report: Report | None, key: str, language: str = "zh") -> str:
    if report is None:
        return ""
    value = report.fields.get(key, BLANK)
    return "" if isinstance(value, Missing) else value_text(value, language)


def cell_text(report: Report | None, key: str | None, language: str = "zh") -> str:
    if report is None or key is None:
        return ""
    return value_text(report.value(key), language)


# ---------------------------------------------------------------------------------------------------- building


def _depth(axis: ir.Axis) -> int:
    return max((len(m.path) for m in axis.members), default=1)


def _leaf_count(axis: ir.Axis, member: ir.Member) -> int:
    """How many data positions (leaves and totals) lie under a member."""
    if member.kind != "group":
        return 1
    return sum(_leaf_count(axis, axis.by_key[c]) for c in member.children)


def _label(member: ir.Member) -> str:
    return member.display_label


def _flat(axis: ir.Axis | None) -> bool:
    return axis is not None and all(len(m.path) == 1 and m.kind != "group" for m in axis.members)


def _corner_note(table: ir.Table) -> str | None:
    notes = [n.text for n in table.notes if n.place == "corner"]
    return "\n".join(notes) if notes else None


def _blockable(table: ir.Table) -> bool:
    """A table that can join a combined grid of blocks (part 二): flat rows and columns, a stub, no corner note."""
    return (
        _flat(table.rows) and _flat(table.columns) and table.stub is not None and _corner_note(table) is None
    ) and not table.columns.label


def _notes_below(table: ir.Table) -> tuple[str, ...]:
    return tuple(n.text for n in table.notes if n.place != "corner")


class _Builder:
    def __init__(self, key: str) -> None:
        self.key = key
        self.boxes: list[Box] = []

    def add(self, box: Box) -> None:
        self.boxes.append(box)

    def grid(
        self, tables: tuple[str, ...], width: int, height: int, header_rows: int, row_cols: int, **kw: object
    ) -> Grid:
        boxes = tuple(sorted(self.boxes, key=lambda b: (b.row, b.col)))
        grid = Grid(self.key, tables, width, height, boxes, header_rows, row_cols, **kw)  # type: ignore[arg-type]
        grid.occupancy()  # every position covered exactly once
        return grid


def _cell_type(table: ir.Table, row_key: str | None, column: ir.Member) -> ir.CellType:
    """The type of the cell at a row and column, as lowering gave it (the row's, else the column's, else the
    table's)."""
    row = table.rows.by_key[row_key] if table.rows is not None and row_key is not None else None
    return (row.type if row is not None else None) or column.type or table.type


def _value_row(
    b: _Builder, table: ir.Table, row_key: str | None, r: int, col: int, columns: Sequence[ir.Member], spans: list[int]
) -> None:
    for member, span in zip(columns, spans, strict=True):
        if (row_key, member.key) in table.absent:
            b.add(Box(r, col, "absent", "", 1, span, table.key, member.key))
        else:
            key = table.cell_key(row_key, member.key)
            texty = not _cell_type(table, row_key, member).numeric
            b.add(Box(r, col, "value", "", 1, span, table.key, member.key, key, texty))
        col += span


def table_grid(table: ir.Table, caption: str | None = None, entered: Mapping[str, EnteredRow] | None = None) -> Grid:
    """The grid of one table on its own (nested headers, corner, row-header columns). ``entered``: a table whose rows
    are an open dimension, closed over a report's members (:func:`printed`): each entered row by its member key, printed
    as its key and its label in two columns (a fixed row, such as 合计, spans both)."""
    b = _Builder(table.key)
    columns = table.columns
    col_depth = _depth(columns)
    top = 1 if columns.label else 0
    header_rows = top + col_depth
    rows = table.rows
    row_cols = _depth(rows) if rows is not None else 0
    if entered is not None:  # open rows: a column of keys, then the labels (a fixed row spans both)
        row_cols = 2
    if rows is not None:
        corner = _corner_note(table) or table.stub or ""
        b.add(Box(0, 0, "corner", corner, header_rows, row_cols, table.key))
    data_cols = [m for m in columns.members if m.has_cells]
    width = row_cols + len(data_cols)
    if columns.label:
        b.add(Box(0, row_cols, "column", columns.label, 1, len(data_cols), table.key, columns.key))
    # column headers: walk the tree in document order, placing each member at its depth
    col = row_cols
    for member in columns.members:
        level = len(member.path) - 1
        if member.kind == "group":
            b.add(
                Box(top + level, col, "column", _label(member), 1, _leaf_count(columns, member), table.key, member.key)
            )
        else:
            b.add(Box(top + level, col, "column", _label(member), col_depth - level, 1, table.key, member.key))
            col += 1
    # rows
    r = header_rows
    ones = [1] * len(data_cols)
    if rows is None:
        _value_row(b, table, None, r, 0, data_cols, ones)
        r += 1
    else:
        for member in rows.members:
            level = len(member.path) - 1
            if member.kind == "group":
                b.add(Box(r, level, "row", _label(member), _leaf_count(rows, member), 1, table.key, member.key))
                continue
            row = entered.get(member.key) if entered is not None else None
            if row is not None:
                b.add(Box(r, 0, "row", row.key, 1, 1, table.key, member.key, entered_key=True))
                b.add(Box(r, 1, "row", row.label, 1, 1, table.key, member.key, indent=row.level))
            else:
                b.add(Box(r, level, "row", _label(member), 1, row_cols - level, table.key, member.key))
            _value_row(b, table, member.key, r, row_cols, data_cols, ones)
            r += 1
    return b.grid((table.key,), width, r, header_rows, row_cols, caption=caption, notes=_notes_below(table))


def blocks_grid(tables: Sequence[ir.Table]) -> Grid:
    """Flat tables with a stub as one grid of blocks: title row, header row, data rows per block (part 二)."""
    b = _Builder("+".join(t.key for t in tables))
    data_width = max(len(t.columns.members) for t in tables)
    width = 1 + data_width
    r = 0
    notes: list[str] = []
    for table in tables:
        b.add(Box(r, 0, "title", table.label or table.key, 1, width, table.key))
        r += 1
        columns = list(table.columns.members)
        spans = [1] * len(columns)
        spans[-1] += data_width - len(columns)
        b.add(Box(r, 0, "corner", table.stub or "", 1, 1, table.key))
        col = 1
        for member, span in zip(columns, spans, strict=True):
            b.add(Box(r, col, "column", _label(member), 1, span, table.key, member.key))
            col += span
        r += 1
        assert table.rows is not None
        for member in table.rows.members:
            b.add(Box(r, 0, "row", _label(member), 1, 1, table.key, member.key))
            _value_row(b, table, member.key, r, 1, columns, spans)
            r += 1
        notes.extend(_notes_below(table))
    return b.grid(tuple(t.key for t in tables), width, r, 0, 1, notes=tuple(notes))


def _bare(label: str) -> str:
    """A part's title without its number: 三、收到和处理… → 收到和处理…"""
    return re.sub(r"^[一二三四五六七八九十]+、", "", label).strip()


def _report_name(spec: ir.Spec) -> str:
    title = (spec.title or "").replace("中华人民共和国", "")
    found = re.search(r"[^\s（(《]*?年度报告", title)
    return found.group(0) if found else (title or spec.id)


def _section_items(spec: ir.Spec, section: ir.Section, shown: _Shown | None = None) -> tuple[Item, ...]:
    items: list[Item] = []
    pending: list[ir.Table] = []

    def single(table: ir.Table) -> Grid:
        caption = table.label if table.label and table.label not in section.label else None
        return table_grid(table, caption, shown.entered.get(table.key) if shown is not None else None)

    def flush() -> None:
        if len(pending) >= 2:
            items.append(blocks_grid(pending))
        else:
            items.extend(single(t) for t in pending)
        pending.clear()

    lists = list(shown.records.get(section.key, ())) if shown is not None else []
    for kind, key in section.items:
        while lists and _before(lists[0].span, spec, kind, key):
            flush()
            items.append(_record_grid(lists.pop(0), shown))
        if kind == "table":
            table = spec.tables[key]
            if shown is not None and key in shown.entered:  # open rows: a grid of its own (two row-header columns)
                flush()
                items.append(single(table))
                continue
            if _blockable(table):
                pending.append(table)
                continue
            flush()
            items.append(single(table))
        elif kind == "text":
            flush()
            block = spec.texts[key]
            heading = bool(block.label) and block.label != _bare(section.label)
            items.append(TextItem(key, block.label, block.required, block.guidance, heading))
    flush()
    items.extend(_record_grid(records, shown) for records in lists)
    return tuple(items)


def layout(spec: ir.Spec) -> Layout:
    """The layout of ``spec``'s report: parts in order, each with its text blocks and grids."""
    return _layout(spec, None)


def _layout(spec: ir.Spec, shown: _Shown | None) -> Layout:
    parts = tuple(Part(s.key, s.label, _section_items(spec, s, shown)) for s in spec.sections)
    return Layout(
        spec.id,
        spec.version,
        spec.title,
        _report_name(spec),
        parts,
        tuple(spec.fields.values()),
        spec.language,
        spec.words_languages,
    )


# ---------------------------------------------------------------------------------------------------- a report's rows

BLANK_ROWS = 10
"""How many empty rows a blank report (or form) of a spec with open dimensions or lists of records gives each open
table and each list, to fill by hand."""


@attrs.frozen
class EnteredRow:
    """An entered member as its table prints it: key, label and, in a coded hierarchy, level (0 the first)."""

    key: str
    label: str
    level: int = 0


@attrs.frozen
class _Shown:
    entered: Mapping[str, Mapping[str, EnteredRow]]  # table → its entered rows by member key
    records: Mapping[str, tuple[ir.RecordList, ...]]  # section → its lists of records, in document order
    counts: Mapping[str, int]  # list → how many rows it prints
    words_languages: tuple[str, ...]


def blank_members(spec: ir.Spec) -> dict[str, tuple[EnteredMember, ...]]:
    """``BLANK_ROWS`` unlabelled members per open dimension, keyed ``_1`` … (printed as empty rows)."""
    blank = tuple(EnteredMember(f"_{n}", "") for n in range(1, BLANK_ROWS + 1))
    return {d: blank for d in spec.open_dimensions}


def printed_spec(spec: ir.Spec, report: Report | None) -> ir.Spec:
    """A spec with open dimensions as a report's tables print it: closed over the report's members
    (:func:`gaidsl.checking.open_members.close`), or over ``BLANK_ROWS`` empty rows for a blank report; any other
    spec as it is."""
    if not spec.open_dimensions:
        return spec
    return close(spec, report.members if report is not None else blank_members(spec))


def printed(spec: ir.Spec, report: Report | None) -> Layout:
    """The layout of ``report`` (``None``: a blank report) of ``spec``: for a spec of fixed tables :func:`layout`;
    with open dimensions, each open table's rows as entered (a key column, then the labels, a coded hierarchy's
    indented by level; fixed rows such as 合计 where the spec puts them); each list of records a table of one row
    per record and a column per field, where the spec writes it. A blank report has ``BLANK_ROWS`` empty rows in
    each (docs/open-dimensions.md, docs/records.md)."""
    if not spec.open_dimensions and not spec.records:
        return layout(spec)
    members = report.members if report is not None else blank_members(spec)
    entered: dict[str, dict[str, EnteredRow]] = {}
    for table in spec.tables.values():
        opened = table.rows.open if table.rows is not None else None
        if opened is None:
            continue
        rows: dict[str, EnteredRow] = {}
        for member in members.get(opened.dimension, ()):
            level = (opened.coded.level_of(member.key) or 0) if opened.coded is not None else 0
            key = "" if report is None else member.key
            rows[member.key] = EnteredRow(key, member.label, level)
        entered[table.key] = rows
    lists: dict[str, list[ir.RecordList]] = {}
    for records in spec.records.values():
        lists.setdefault(records.section, []).append(records)
    counts = {k: (report.records.get(k, 0) if report is not None else BLANK_ROWS) for k in spec.records}
    shown = _Shown(entered, {s: tuple(r) for s, r in lists.items()}, counts, spec.words_languages)
    return _layout(printed_spec(spec, report), shown)


def _start(span: Span | None) -> tuple[str, int] | None:
    return (span.file, span.start) if span is not None else None


def _before(span: Span | None, spec: ir.Spec, kind: str, key: str) -> bool:
    """Whether a list of records written at ``span`` comes before the section's item ``kind``/``key``."""
    item = spec.tables[key].span if kind == "table" else spec.texts[key].span if kind == "text" else None
    mine, theirs = _start(span), _start(item)
    return mine is not None and theirs is not None and mine[0] == theirs[0] and mine[1] < theirs[1]


def _record_grid(records: ir.RecordList, shown: _Shown | None) -> Grid:
    """A list of records as a table: a row per record (numbered from 1), a column per field."""
    assert shown is not None
    count = shown.counts.get(records.key, 0)
    rows = tuple(ir.Member(str(i), str(i), "leaf", (str(i),), (str(i),)) for i in range(1, count + 1))
    columns = tuple(
        ir.Member(f.key, f.label, "leaf", (f.key,), (f.label,), type=f.type, span=f.span) for f in records.fields
    )
    table = ir.Table(
        key=records.key,
        label=records.label,
        section=records.section,
        type=ir.CellType("text"),
        rows=ir.Axis(records.key, records.label, rows, {m.key: m for m in rows}),
        columns=ir.Axis(f"{records.key}.fields", None, columns, {m.key: m for m in columns}),
        stub=words(shown.words_languages)["records.number"],
        notes=(),
        absent=frozenset(),
        cells=tuple(records.cell_key(str(i), f.key) for i in range(1, count + 1) for f in records.fields),
        span=records.span,
    )
    return table_grid(table, records.label)


def cell_headers(spec: ir.Spec, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The row labels and column labels of a data cell, glosses included (for accessible names)."""
    cell = spec.cells[key]
    table = spec.tables[cell.table]
    cols = tuple(_label(table.columns.by_key[k]) for k in _path(table.columns, cell.column))
    rows: tuple[str, ...] = ()
    if table.rows is not None and cell.row is not None:
        rows = tuple(_label(table.rows.by_key[k]) for k in _path(table.rows, cell.row))
    if table.columns.label:
        cols = (table.columns.label, *cols)
    return rows, cols


def _path(axis: ir.Axis, key: str) -> tuple[str, ...]:
    return axis.by_key[key].path


# ---------------------------------------------------------------------------------------------------- report text


def text_of(report: Report | None, key: str, language: str = "zh") -> str:
    """A text block's text as printed: blank is empty, unknown is the spec's word for it (:func:`unknown_text`)."""
    if report is None:
        return ""
    value = report.texts.get(key, BLANK)
    if value is UNKNOWN:
        return unknown_text(language)
    return "" if isinstance(value, Missing) else value


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text block: its non-empty lines, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


SIGNATURE_FIELDS = ("body", "year", "published")


def date_text(value: str) -> str:
    """2024-01-20 → 2024年1月20日 (anything else as it is)."""
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not found:
        return value
    return f"{int(found.group(1))}年{int(found.group(2))}月{int(found.group(3))}日"


def contact_line(lay: Layout, report: Report | None) -> str:
    """The fields beside body, year and date, as 「地址：…；邮编：…」 (only those given)."""
    parts = []
    for field in lay.fields:
        if field.key in SIGNATURE_FIELDS:
            continue
        shown = _field_text(report, field.key, lay.language)
        if shown:
            parts.append(f"{field.label}{words(lay.language)['colon']}{shown}")
    return words(lay.language)["list_sep"].join(parts)


def signature(lay: Layout, report: Report | None) -> list[str]:
    """The closing lines of a published report: the body and the publication date (nothing without a date)."""
    published = _field_text(report, "published", lay.language)
    if not published:
        return []
    body = _field_text(report, "body", lay.language)
    shown = date_text(published) if lay.language == "zh" else published
    return [body, shown] if body else [shown]


def grid_dump(grid: Grid, report: Report | None = None) -> str:
    """A readable, stable listing of a grid (for golden files and tests): one line per box."""
    lines = [
        f"grid {grid.key} {grid.height}x{grid.width} header_rows={grid.header_rows} row_cols={grid.row_header_cols}"
    ]
    if grid.caption:
        lines.append(f"  caption {grid.caption}")
    for box in grid.boxes:
        span = f"{box.rowspan}x{box.colspan}"
        shown = box.cell if box.role == "value" else box.text.replace("\n", "⏎")
        if box.role == "value" and report is not None:
            shown = f"{box.cell} = {cell_text(report, box.cell)!r}"
        indent = f" indent={box.indent}" if box.indent else ""
        lines.append(f"  r{box.row} c{box.col} {span} {box.role}{indent}: {shown}")
    lines.extend(f"  note {n}" for n in grid.notes)
    return "\n".join(lines)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text that XML 1.0 can hold (docx and xlsx are XML): characters it cannot (controls, U+FFFE, U+FFFF, lone
    surrogates) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
