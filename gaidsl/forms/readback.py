"""Reading back the workbooks and Word documents that gaidsl wrote (``targets/xlsx``, ``targets/docx``), filled in by
a person, into report data: ``gaidsl readback SPEC FILE.xlsx|FILE.docx``.

An xlsx carries a hidden sheet ``_gaidsl`` that maps every cell key, field and text block to its place, so a
workbook reads back exactly (sheets may be renamed by hand: the map follows the sheet order if a name is gone). A
docx is read by the layout (:mod:`gaidsl.forms.layout`): its tables are the spec's grids in order, each value at its
grid
position; texts are the paragraphs under each part's heading; the fields come from the form's 报告信息 table or,
in a rendered report, from the title, the contact line and the closing signature.

A docx says it was written by gaidsl in its properties (comments ``gaidsl``, subject ``FORMAT VERSION``), as a
workbook does in its ``_gaidsl`` sheet, so a file for another format or version is GAI710/GAI711, not misread.

What was read (:class:`Extracted`: the entries, with the place of each) goes through
:func:`gaidsl.checking.data.parse_report`, so a filled file gets exactly the checks and the diagnostics of a data file
(a
count typed as 1.5 is GAI706, and so on). ``gaidsl ingest`` reads these files too (:mod:`gaidsl.ingest.written`),
with the places as provenance; published reports that gaidsl did not write are read there by their layout.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from gaidsl.checking.data import KINDS, Loaded, parse_report, read_report
from gaidsl.checking.report import UNKNOWN_MARKER
from gaidsl.forms.form_problems import EnteredRows, misfit, moved, not_the_form, place_text, placed
from gaidsl.forms.layout import UNKNOWN_TEXT, Box, Grid, Layout, TextItem, printed, unknown_text
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.ui_text import UI, words

META_SHEET = "_gaidsl"
SUFFIXES = (".xlsx", ".docx")

Raw = dict[str, dict[str, Any]]


@attrs.frozen
class Extracted:
    """What a file gaidsl wrote holds, before it is checked as data.

    ``raw``: the entries as a data file would hold them (``fields``, ``texts``, ``values``; numbers as digit
    strings); ``found``: the format and version the file says it was written for (the workbook's ``_gaidsl`` sheet,
    the document's subject), ``None`` when it does not say; ``places``: where each entry was (keyed like ingest's
    provenance: a cell key, ``field.KEY``, ``text.KEY``), e.g. ``二、收到和处理!D7`` or ``table 3 · row 4 · cell 4``;
    ``title``: the document's title paragraph (a docx)."""

    raw: Raw
    found: tuple[str, str] | None
    places: dict[str, str]
    title: str | None = None
    problems: tuple[Diagnostic, ...] = ()
    """What the file holds that no data file can (a member's key on two rows of one table), each at its place."""


class Refused(Exception):
    """The file is not one gaidsl wrote (or cannot be opened): ``diagnostic`` says why (GAI090)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message.en)
        self.diagnostic = diagnostic


def _empty(spec: ir.Spec) -> Raw:
    return {"format": {"": spec.id}, "version": {"": spec.version}, "fields": {}, "texts": {}, "values": {}}


def finish(spec: ir.Spec, extracted: Extracted, name: str) -> Loaded:
    """The extracted entries checked as a data file of ``spec`` (the file's format and version included)."""
    found, raw = extracted.found, extracted.raw
    data: dict[str, Any] = {
        "format": found[0] if found else spec.id,
        "version": found[1] if found else spec.version,
        "fields": raw["fields"],
        "texts": raw["texts"],
        "values": raw["values"],
    }
    if raw.get("members"):  # the members of open dimensions, read before the values (docs/open-dimensions.md)
        data = {"format": data["format"], "version": data["version"], "members": raw["members"], **data}
    if raw.get("records"):  # lists of records (docs/records.md), read after the members their fields name
        data["records"] = raw["records"]
    loaded = parse_report(json.dumps(data, ensure_ascii=False, indent=1), spec, "json", name)
    diagnostics = extracted.problems + tuple(placed(spec, d, extracted.places, name) for d in loaded.diagnostics)
    if extracted.problems:
        return attrs.evolve(loaded, report=None, partial=None, diagnostics=diagnostics)
    return attrs.evolve(loaded, diagnostics=diagnostics)


def _refused(name: str, reason: str) -> Refused:
    return Refused(error("GAI090", None, path=name, reason=reason))


def _number_text(value: object, unknown: str = UNKNOWN_TEXT) -> object:
    """A spreadsheet or document value as the data file writes it: numbers as exact digit strings, ``unknown`` (the
    spec's word for an unknown value, :func:`gaidsl.forms.layout.unknown_text`) as the data file's marker."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return f"{Decimal(text):f}" if "e" in text or "E" in text else text
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if text in (unknown, UNKNOWN_MARKER):
        return UNKNOWN_MARKER
    return text or None


def _text(value: object, unknown: str = UNKNOWN_TEXT) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return str(_number_text(value))
    text = str(value)
    if text.strip() == unknown:
        return UNKNOWN_MARKER
    return text if text.strip() else None


# ---------------------------------------------------------------------------------------------------- xlsx


def open_workbook(data: bytes, name: str = "<xlsx>") -> Any:
    """The workbook (openpyxl) if it is one gaidsl wrote; :class:`Refused` (GAI090) when the file is no workbook
    or has no ``_gaidsl`` sheet."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # a broken or foreign file: openpyxl raises many kinds
        raise _refused(name, f"不是可读的 xlsx 工作簿 / not a workbook: {exc}") from exc
    if META_SHEET not in wb.sheetnames:
        raise _refused(
            name, "不是 gaidsl 生成的工作簿（缺少 _gaidsl 工作表）/ not a workbook written by gaidsl (no _gaidsl sheet)"
        )
    return wb


def written_for_workbook(wb: Any) -> tuple[str, str] | None:
    """The format and version a workbook gaidsl wrote says it is for (the ``gaidsl`` row of its ``_gaidsl`` sheet)."""
    for row in wb[META_SHEET].iter_rows(values_only=True):
        if row and row[0] == "gaidsl" and len(row) >= 4:
            return (str(row[2]), str(row[3]))
    return None


class _Cells:
    """A filled workbook's cells as a person sees them: a formula typed into a cell (``=SUM(C8:C9)``, a subtotal
    of the rows under it) is read as the value the spreadsheet computed and stored when it saved the file (the
    workbook is opened a second time, for its stored values, only when a cell read holds a formula); a formula
    without a stored value (a file written by a program that computes nothing) stays its text, which the reader
    refuses as no number (GAI704, naming the formula)."""

    def __init__(self, wb: Any, data: bytes) -> None:
        self.wb, self.data = wb, data
        self.computed: Any = None
        self.merged: dict[str, dict[tuple[int, int], object]] = {}  # each sheet's merged positions → their value

    def value(self, sheet: str, coord: str) -> object:
        value = self.wb[sheet][coord].value
        if not (isinstance(value, str) and value.startswith("=")) and not _is_array_formula(value):
            return value
        if self.computed is None:
            from openpyxl import load_workbook

            self.computed = load_workbook(io.BytesIO(self.data), data_only=True)
        stored = self.computed[sheet][coord].value
        return stored if stored is not None else (value if isinstance(value, str) else f"={value.text}")

    def shown(self, sheet: str, row: int, column: int) -> str:
        """The text a person sees at a position (a merged cell's, from its first cell), whitespace as one space."""
        ws = self.wb[sheet]
        merged = self.merged.get(sheet)
        if merged is None:
            merged = self.merged[sheet] = {
                (r, c): ws.cell(span.min_row, span.min_col).value
                for span in ws.merged_cells.ranges
                for r in range(span.min_row, span.max_row + 1)
                for c in range(span.min_col, span.max_col + 1)
            }
        value = ws.cell(row, column).value
        value = merged.get((row, column)) if value is None else value
        return "" if value is None else " ".join(str(value).split())

    def in_place(self, sheet: str, coord: str, row_labels: Labels, column_labels: Labels = ()) -> bool:
        """Whether the value cell at ``coord`` is still where the form put it: one of its row's labels (the label
        or a translation: a form is printed in any of the spec's languages) on its left and one of its column's
        above it, when it has them (a label within a longer text, as a bilingual form prints it). A row or column
        inserted or deleted in Excel moves the cells, not the ``_gaidsl`` sheet's places, and every value after it
        would be read as another cell's."""
        at = self.wb[sheet][coord]
        row, column = at.row, at.column
        rows = [" ".join(x.split()) for x in row_labels if x.strip()]
        columns = [" ".join(x.split()) for x in column_labels if x.strip()]
        left = [self.shown(sheet, row, c) for c in range(1, column)] if rows else []
        above = [self.shown(sheet, r, column) for r in range(1, row)] if columns else []
        return (not rows or any(x in text for x in rows for text in left)) and (
            not columns or any(x in text for x in columns for text in above)
        )

    def header_moved(
        self, sheet: str, row: int, letters: dict[str, str], labels: dict[str, Labels]
    ) -> tuple[str, str] | None:
        """The place (``SHEET!C7``) and label of the first column of an open table or list whose label (``labels``,
        by column: the label and its translations) is not in its header row ``row`` where the form put it
        (``letters``); None when every one is. Rows inserted above the table in Excel move its header under the
        row the ``_gaidsl`` sheet names."""
        for column, said in labels.items():
            letter = letters.get(column)
            if letter is None:
                continue
            text = self.shown(sheet, row, _column_number(letter))
            if not any(" ".join(x.split()) in text for x in said):
                return f"{sheet}!{letter}{row}", next(iter(said))
        return None


def _column_number(letter: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    return int(column_index_from_string(letter))


def _is_array_formula(value: object) -> bool:
    return type(value).__name__ == "ArrayFormula"


def extract_xlsx(spec: ir.Spec, data: bytes, name: str = "<xlsx>", workbook: Any = None) -> Extracted:
    """The entries of a workbook gaidsl wrote, each from the place its ``_gaidsl`` sheet gives (``workbook``: the
    file already opened by :func:`open_workbook`); :class:`Refused` when the file is no workbook or not one gaidsl
    wrote."""
    wb = workbook if workbook is not None else open_workbook(data, name)
    cells = _Cells(wb, data)
    raw = _empty(spec)
    found: tuple[str, str] | None = None
    places: dict[str, str] = {}
    out_of_place: dict[str, list[tuple[str, str]]] = {}  # by sheet: the entries no longer where the form put them
    unknown = unknown_text(spec.language)
    for row in wb[META_SHEET].iter_rows(values_only=True):
        kind, key, sheet, coord = (list(row) + [None] * 4)[:4]
        if kind == "gaidsl":
            found = (str(sheet), str(coord))
            continue
        if kind in ("open", "opencol", "records", "recfield"):  # an open table, a list (_open_rows, _records_xlsx)
            continue
        if sheet not in wb.sheetnames or not isinstance(key, str) or not isinstance(coord, str):
            continue
        where = f"{sheet}!{coord}"
        labels = _labels_of(spec, kind, key)
        if labels is not None and not cells.in_place(str(sheet), coord, *labels):
            out_of_place.setdefault(str(sheet), []).append((where, " · ".join(x[0] for x in labels if x)))
            continue
        value = cells.value(str(sheet), coord)
        if kind == "cell":
            raw["values"][key] = _number_text(value, unknown)
            places[key] = where
        elif kind == "field":
            field = spec.fields.get(key)
            raw["fields"][key] = _number_text(value, unknown) if field and field.type.numeric else _text(value, unknown)
            places[f"field.{key}"] = where
        elif kind == "text":
            raw["texts"][key] = _text(value, unknown)
            places[f"text.{key}"] = where
    problems = [moved(sheet, where, label, len(rest)) for sheet, ((where, label), *rest) in out_of_place.items()]
    _open_rows(spec, cells, raw, places, problems)
    _records_xlsx(spec, cells, raw, places, problems)
    return Extracted(raw, found, places, problems=tuple(problems))


Labels = Sequence[str]
"""A label in each of the languages a form may be printed in: the spec's first."""


def _labels_of(spec: ir.Spec, kind: object, key: object) -> tuple[Labels, Labels] | None:
    """The labels a workbook's entry sits beside (its row's and its column's, each with its translations), or None
    for none known."""
    if not isinstance(key, str):
        return None
    if kind == "cell" and key in spec.cells:
        cell = spec.cells[key]
        table = spec.tables[cell.table]
        row = table.rows.by_key.get(cell.row) if table.rows is not None and cell.row is not None else None
        column = table.columns.by_key.get(cell.column)
        rows = [*cell.row_labels[-1:], *(row.translations.values() if row is not None else ())]
        columns = [*cell.column_labels[-1:], *(column.translations.values() if column is not None else ())]
        return rows, columns
    if kind == "field" and key in spec.fields:
        return in_every_language(spec.fields[key]), ()
    if kind == "text" and key in spec.texts and spec.texts[key].label:
        return in_every_language(spec.texts[key]), ()
    return None


def in_every_language(named: ir.Member | ir.Field | ir.TextBlock) -> list[str]:
    """A label and its translations (``label en "…"``), the label first."""
    return [str(named.label or ""), *named.translations.values()]


def _records_xlsx(spec: ir.Spec, cells: _Cells, raw: Raw, places: dict[str, str], problems: list[Diagnostic]) -> None:
    """Each list of records (``records`` and ``recfield`` rows of the ``_gaidsl`` sheet): from the row under the
    list's header down to the sheet's last used row, skipping empty rows, each row a record (docs/records.md)."""
    wb = cells.wb
    lists: dict[str, tuple[str, int]] = {}
    letters: dict[str, dict[str, str]] = {}
    for row in wb[META_SHEET].iter_rows(values_only=True):
        kind, key, sheet, coord = (list(row) + [None] * 4)[:4]
        if kind == "records" and isinstance(key, str) and sheet in wb.sheetnames and str(coord).isdigit():
            lists[key] = (str(sheet), int(str(coord)))
        elif kind == "recfield" and isinstance(key, str) and isinstance(coord, str) and "." in key:
            name, field = key.split(".", 1)
            letters.setdefault(name, {})[field] = coord
    unknown = unknown_text(spec.language)
    for name, (sheet, header) in lists.items():
        records = spec.records.get(name)
        if records is None or name not in letters:
            continue
        labels: dict[str, Labels] = {f.key: [f.label] for f in records.fields if f.key in letters[name]}
        header_at = cells.header_moved(sheet, header, letters[name], labels)
        if header_at is not None:  # its records would be read from the wrong place: none is read
            problems.append(moved(sheet, *header_at, 0))
            continue
        ws = wb[sheet]
        read: list[dict[str, object]] = []
        for number in range(header + 1, ws.max_row + 1):
            typed = {f: cells.value(sheet, f"{letter}{number}") for f, letter in letters[name].items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in typed.values()):
                continue
            record: dict[str, object] = {}
            for field, value in typed.items():
                declared = records.field(field)
                numeric = declared is not None and declared.type.numeric
                record[field] = _number_text(value, unknown) if numeric else _text(value, unknown)
                places[records.cell_key(str(len(read) + 1), field)] = f"{sheet}!{letters[name][field]}{number}"
            read.append(record)
        raw.setdefault("records", {})[name] = read


def _open_rows(spec: ir.Spec, cells: _Cells, raw: Raw, places: dict[str, str], problems: list[Diagnostic]) -> None:
    """The entered rows of each open table (``open`` and ``opencol`` rows of the ``_gaidsl`` sheet): from the row
    under the table's header down to the sheet's last used row, skipping empty rows, each row a member (its key and
    label) and its values; the member list of a dimension is the rows of its first table, then any key another
    table adds (docs/open-dimensions.md). A key on a second row of the same table is a problem (GAI741): its values
    are not merged into the first row's."""
    wb = cells.wb
    tables: dict[str, tuple[str, int]] = {}
    letters: dict[str, dict[str, str]] = {}
    for row in wb[META_SHEET].iter_rows(values_only=True):
        kind, key, sheet, coord = (list(row) + [None] * 4)[:4]
        if kind == "open" and isinstance(key, str) and sheet in wb.sheetnames and str(coord).isdigit():
            tables[key] = (str(sheet), int(str(coord)))
        elif kind == "opencol" and isinstance(key, str) and isinstance(coord, str) and "." in key:
            name, column = key.split(".", 1)
            letters.setdefault(name, {})[column] = coord
    if not tables:
        return
    unknown = unknown_text(spec.language)
    members: dict[str, list[dict[str, Any]]] = {}
    for table_key, (sheet, header) in tables.items():
        table = spec.tables.get(table_key)
        if table is None or table.rows is None or table.rows.open is None or table_key not in letters:
            continue
        dimension = table.rows.open.dimension
        rows = EnteredRows(table, dimension, members.setdefault(dimension, []), problems)
        ws = wb[sheet]
        columns = letters[table_key]
        labels: dict[str, Labels] = {
            c: in_every_language(m) for c in columns if (m := table.columns.by_key.get(c)) is not None
        }
        header_at = cells.header_moved(sheet, header, columns, labels)
        if header_at is not None:  # its rows would be read from the wrong place: none is read
            problems.append(moved(sheet, *header_at, 0))
            continue
        for number in range(header + 1, ws.max_row + 1):
            typed = {c: cells.value(sheet, f"{letter}{number}") for c, letter in columns.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in typed.values()):
                continue
            key = _text(typed.get("<key>"))
            key = "" if key is None else key.strip()
            label = _text(typed.get("<label>"))
            where = f"{sheet}!{columns.get('<key>', 'A')}{number}"
            if not rows.take(key, label, where, f"{sheet}!{columns.get('<label>', 'B')}{number}", places):
                continue
            for column, value in typed.items():
                if column.startswith("<"):
                    continue
                cell_key = table.cell_key(key, column)
                raw["values"][cell_key] = _number_text(value, unknown)
                places[cell_key] = f"{sheet}!{columns[column]}{number}"
    raw["members"] = members


# ---------------------------------------------------------------------------------------------------- docx

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
"""A date as a spec in another language prints it (layout.signature: the field's value as written)."""
CONTACT_STYLES = frozenset(UI["docx.style.contact"].values())
SIGNATURE_STYLES = frozenset(UI["docx.style.signature"].values())
SKIPPED_STYLES = (
    "Title",
    *(
        UI[f"docx.style.{k}"][lang]
        for lang in ("zh", "en")
        for k in ("guidance", "contact", "signature", "note", "table")
    ),
)  # the styles of a spec in English too (docs/languages.md)
DOCX_MARK = "gaidsl"
"""What the docx target writes as the document's comments (``docProps/core.xml`` ``dc:description``); its subject
is ``FORMAT VERSION``. Word and LibreOffice keep both when the document is edited and saved."""

_DC = "{http://purl.org/dc/elements/1.1/}"


def _core_properties(data: bytes) -> dict[str, str]:
    """The document's comments and subject (empty when the file is no zip or has no core properties)."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, EOFError):
        return {}
    found = {}
    for name in ("description", "subject"):
        node = root.find(_DC + name)
        found[name] = (node.text or "").strip() if node is not None else ""
    return found


def is_gaidsl_docx(data: bytes) -> bool:
    """Whether a .docx says gaidsl wrote it (its comments are :data:`DOCX_MARK`)."""
    return _core_properties(data).get("description") == DOCX_MARK


def written_for_docx(data: bytes) -> tuple[str, str] | None:
    """The format and version a .docx gaidsl wrote says it is for (its subject), ``None`` when it does not say."""
    core = _core_properties(data)
    parts = core.get("subject", "").split()
    return (parts[0], parts[1]) if core.get("description") == DOCX_MARK and len(parts) == 2 else None


def _cell(table: Any, row: int, col: int) -> str:
    return str(table.cell(row, col).text).strip()


def _grid_values(
    spec: ir.Spec,
    grid: Grid,
    table: Any,
    number: int,
    raw: Raw,
    places: dict[str, str],
    problems: list[Diagnostic],
    unknown: str = UNKNOWN_TEXT,
) -> None:
    """A table of fixed rows as the docx target printed it, each value read from the row whose row labels are the
    grid row's (:func:`_aligned`): a row inserted in Word, or one deleted, moves the rows under it, and reading by
    position would give every value below it another cell's."""
    cells = table._cells  # every grid position, merged cells repeated (computed once: table.cell() recomputes it)
    width = len(table.columns)
    rows, misfits = _aligned(spec, grid, cells, width)
    named = " / ".join(spec.tables[t].label or t for t in grid.tables)
    for place, what in misfits:
        where = place_text(f"table {number}" + (f" · row {place + 1}" if place is not None else ""))
        problems.append(misfit(named, where, what))
    for box in grid.value_boxes():
        assert box.cell is not None
        row = rows.get(box.row)
        if row is None or box.col >= width or row * width + box.col >= len(cells):
            continue
        text = str(cells[row * width + box.col].text).strip()
        raw["values"][box.cell] = _number_text(text, unknown) if text else None
        places[box.cell] = f"table {number} · row {row + 1} · cell {box.col + 1}"


def _aligned(
    spec: ir.Spec, grid: Grid, cells: Sequence[Any], width: int
) -> tuple[dict[int, int], list[tuple[int | None, Text]]]:
    """Each of ``grid``'s rows of values → the document's row that holds it: the next row, in order, whose row
    labels are the grid row's (whitespace aside); with what does not fit, each with its row (or None): a row of the
    form not found, a row with values that is none of the form's, another number of columns (or, in a table
    without row labels, of rows)."""
    height = len(cells) // width if width else 0
    if width != grid.width:
        said = Text(f"有 {width} 列，表单有 {grid.width} 列", f"it has {width} columns, the form {grid.width}")
        return {}, [(None, said)]
    occupied = grid.occupancy()
    value_rows = sorted({b.row for b in grid.value_boxes()})
    labels = grid.row_header_cols

    actual = [tuple(" ".join(str(cells[a * width + c].text).split()) for c in range(labels)) for a in range(height)]

    def names(box: Box) -> tuple[str, ...]:
        """A row header's label and its translations (a report printed in another of the spec's languages)."""
        table = spec.tables.get(box.table) if box.table is not None and box.role == "row" else None
        rows = table.rows if table is not None and box.member is not None else None
        member = rows.by_key.get(box.member) if rows is not None and box.member is not None else None
        said = [box.text, *in_every_language(member)[1:]] if member is not None else [box.text]
        return tuple(dict.fromkeys(" ".join(x.split()) for x in said))

    expected = {r: tuple(names(b) for b in occupied[r][:labels]) for r in value_rows}

    def holds(row: int, r: int) -> bool:
        """Whether the document's ``row`` has grid row ``r``'s labels (each, or a translation, within its cell's
        text: a bilingual form follows a label with its translation)."""
        return all(
            any(e == a or (e and e in a) for e in options) for options, a in zip(expected[r], actual[row], strict=True)
        )

    if height == grid.height and all(holds(r, r) for r in value_rows):
        return {r: r for r in value_rows}, []
    if not labels:
        said = Text(f"有 {height} 行，表单有 {grid.height} 行", f"it has {height} rows, the form {grid.height}")
        return {}, [(None, said)]

    def filled(row: int) -> bool:
        return any(str(cells[row * width + c].text).strip() for c in range(labels, width))

    def shown(label: tuple[str, ...]) -> str:
        return " · ".join(dict.fromkeys(x for x in label if x))

    def first(options: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
        return tuple(o[0] for o in options)

    rows: dict[int, int] = {}
    misfits: list[tuple[int | None, Text]] = []
    at = grid.header_rows
    for r in value_rows:
        found = next((a for a in range(at, height) if holds(a, r)), None)
        if found is None:
            name = shown(first(expected[r]))
            misfits.append((None, Text(f"缺少表单中的行「{name}」", f"the form's row '{name}' is missing")))
            continue
        misfits += [(a, not_the_form(shown(actual[a]))) for a in range(at, found) if filled(a)]
        rows[r], at = found, found + 1
    misfits += [(a, not_the_form(shown(actual[a]))) for a in range(at, height) if filled(a)]
    return rows, misfits


def _open_grid_values(
    spec: ir.Spec,
    grid: Grid,
    table: Any,
    number: int,
    raw: Raw,
    places: dict[str, str],
    problems: list[Diagnostic],
    unknown: str = UNKNOWN_TEXT,
) -> None:
    """A table of open rows as the docx target printed it (:func:`gaidsl.forms.layout.printed`), read row by row
    under its header: a row whose two row-header cells are one merged cell is a fixed row (合计), known by its label
    (else the next fixed row in the spec's order); any other is an entered member, its key and label in the two cells
    (a row left wholly empty is skipped, so the blank form's unused rows and rows added in Word read alike). The member
    list is the first table's rows, then any key another table adds (docs/open-dimensions.md); a key on a second row
    of the same table is a problem (GAI741), its values not merged into the first row's."""
    spec_table = spec.tables[grid.tables[0]]
    assert spec_table.rows is not None and spec_table.rows.open is not None
    dimension = spec_table.rows.open.dimension
    entered_cols: dict[int, str] = {}  # an entered row's value columns (grid column → column key)
    fixed: list[tuple[str, str, dict[int, str]]] = []  # each fixed row: label, member, value columns
    for line in grid.rows():
        heads = [b for b in line if b.role == "row"]
        values = {b.col: b.member for b in line if b.role == "value" and b.member is not None}
        if any(b.entered_key for b in heads):
            entered_cols = entered_cols or values
        elif heads and heads[-1].member is not None:
            fixed.append((heads[-1].text.strip(), heads[-1].member, values))
    entered = EnteredRows(spec_table, dimension, raw.setdefault("members", {}).setdefault(dimension, []), problems)
    cells = table._cells
    width = len(table.columns)
    unused = list(fixed)
    for r in range(grid.header_rows, len(cells) // width if width else 0):
        row = cells[r * width : (r + 1) * width]
        if len(row) < 2:
            continue
        texts = [str(c.text).strip() for c in row]
        if row[0]._tc is row[1]._tc:  # a fixed row (合计) spans the key and label columns
            if not unused:
                continue
            chosen = next((f for f in unused if f[0] == texts[0]), unused[0])
            unused.remove(chosen)
            member, columns = chosen[1], chosen[2]
        else:
            key, label = texts[0], texts[1]
            if not key and not label and not any(texts[2:]):
                continue
            member, columns = key, entered_cols
            where = f"table {number} · row {r + 1}"
            if not entered.take(key, label, where, f"{where} · cell 2", places, f"{where} · cell 1"):
                continue
        for col, column in columns.items():
            if col >= width:
                continue
            cell_key = spec_table.cell_key(member, column)
            raw["values"][cell_key] = _number_text(texts[col], unknown) if texts[col] else None
            places[cell_key] = f"table {number} · row {r + 1} · cell {col + 1}"


def _record_rows(
    records: ir.RecordList,
    grid: Grid,
    table: Any,
    number: int,
    raw: Raw,
    places: dict[str, str],
    unknown: str = UNKNOWN_TEXT,
) -> None:
    """A list of records as the docx target printed it: a row per record under the header (its number first, then
    a cell per field); a row left wholly empty is skipped, the others numbered again in order (docs/records.md)."""
    read: list[dict[str, object]] = []
    cells = table._cells
    width = len(table.columns)
    for r in range(grid.header_rows, len(cells) // width if width else 0):
        texts = [str(c.text).strip() for c in cells[r * width : (r + 1) * width]]
        shown = texts[grid.row_header_cols :]
        if not any(shown):
            continue
        record: dict[str, object] = {}
        for field, text in zip(records.fields, shown, strict=False):
            record[field.key] = (
                (_number_text(text, unknown) if field.type.numeric else _text(text, unknown)) if text else None
            )
            places[records.cell_key(str(len(read) + 1), field.key)] = f"table {number} · row {r + 1}"
        read.append(record)
    raw.setdefault("records", {})[records.key] = read


def _fields_by_label(lay: Layout, found: Iterator[tuple[str, str, str]], raw: Raw, places: dict[str, str]) -> None:
    """Fields from (label, text, where) triples: the label names the field."""
    by_label = {f.label: f for f in lay.fields}
    for label, text, where in found:
        named = label.strip().rstrip("*").strip()
        field = by_label.get(named) or by_label.get(named.split(" / ")[0].rstrip("*").strip())  # 「机构* / Agency」
        if field is None:
            continue
        value: object = text.strip() or None
        if value is not None and field.type.kind == "date":
            date = _DATE.fullmatch(str(value))
            if date:
                value = f"{int(date.group(1)):04d}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
        if value == unknown_text(lay.language):
            value = UNKNOWN_MARKER
        raw["fields"][field.key] = value
        places[f"field.{field.key}"] = where


def _contact_fields(lay: Layout, line: str) -> Iterator[tuple[str, str, str]]:
    """(label, text, where) of each field on the contact line, 「地址：…；邮编：…」 or "Address: …; Postcode: …" as
    :func:`gaidsl.forms.layout.contact_line` writes it: a field starts only where a field's label and the colon
    follow the separator, so a value holding the separator (「甲；乙」) stays whole."""
    canonical = {x: f.label for f in lay.fields for x in (f.label, *f.translations.values())}
    labels = sorted(canonical, key=len, reverse=True)
    if not labels:
        return
    for language in dict.fromkeys((lay.language, "zh", "en")):  # a report printed in another of its languages
        said = words(language)
        sep, colon = re.escape(said["list_sep"]), re.escape(said["colon"])
        # a bilingual form (--lang zh,en) follows each label with its translation: 「机构 / Agency：…」
        starts = re.compile(f"(?:^|{sep})({'|'.join(map(re.escape, labels))})(?: / [^{sep}{colon}]*)?{colon}")
        found = list(starts.finditer(line))
        if found:
            for here, after in zip(found, [*found[1:], None], strict=False):
                text = line[here.end() : after.start() if after else len(line)]
                yield canonical[here.group(1)], text, "contact line"
            return


def _title_fields(lay: Layout, title: str, raw: Raw, places: dict[str, str]) -> None:
    """Body and year from the title as :meth:`Layout.report_title` writes it in the spec's language."""
    title = title.strip()
    if lay.language == "zh":
        pattern = r"(.*?)(\d{4})年" + re.escape(lay.report_name)
    else:  # "Agency 2024 Annual report", or "2024 Annual report" without a body field
        pattern = r"(?:(.*?) )?(\d{4}) " + re.escape(lay.report_name)
    # a bilingual report (--lang zh,en) follows the title with its translation: 「2006年…申请 / Initial … Request」
    found = re.fullmatch(pattern, title) or re.fullmatch(pattern + r" / .*", title)
    named = {f.key for f in lay.fields}
    if found:
        if found.group(1) and "body" in named and "body" not in raw["fields"]:
            raw["fields"]["body"] = found.group(1)
            places["field.body"] = "title"
        if "year" in named and "year" not in raw["fields"]:
            raw["fields"]["year"] = found.group(2)
            places["field.year"] = "title"


def extract_docx(spec: ir.Spec, data: bytes, name: str = "<docx>") -> Extracted:
    """The entries of a Word form or report gaidsl wrote, read by the layout; :class:`Refused` when the file is no
    .docx or has fewer tables than the spec's grids."""
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for foreign files
        raise _refused(name, f"不是可读的 docx 文档 / not a docx: {exc}") from exc
    lay = printed(spec, None)  # a spec with open rows or lists of records: their tables as printed (rows vary)
    raw = _empty(spec)
    places: dict[str, str] = {}
    problems: list[Diagnostic] = []
    tables = list(doc.tables)
    first = 1
    if tables and tables[0].rows and _cell(tables[0], 0, 0) == "报告信息":
        fields_table = tables.pop(0)
        first = 2
        rows = range(1, len(fields_table.rows))
        triples = (
            (_cell(fields_table, r, 0), _cell(fields_table, r, 1), f"table 1 · row {r + 1} · cell 2") for r in rows
        )
        _fields_by_label(lay, triples, raw, places)
    grids = list(lay.grids())
    if len(tables) < len(grids):
        raise _refused(
            name, f"表格数量不符：应有 {len(grids)} 个，只有 {len(tables)} 个 / expected {len(grids)} tables"
        )
    for number, (grid, table) in enumerate(zip(grids, tables, strict=False), start=first):
        unknown = unknown_text(spec.language)
        if grid.key in spec.records:
            _record_rows(spec.records[grid.key], grid, table, number, raw, places, unknown)
        elif any(b.entered_key for b in grid.boxes):
            _open_grid_values(spec, grid, table, number, raw, places, problems, unknown)
        else:
            _grid_values(spec, grid, table, number, raw, places, problems, unknown)
    # texts: the paragraphs under each part's heading (and under a text block's own heading)
    parts = {p.label: p for p in lay.parts}
    current: TextItem | None = None
    heading = ""
    collected: dict[str, list[str]] = {}
    signature: list[str] = []
    title: str | None = None
    for paragraph in doc.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        text = paragraph.text
        if style == "Title":
            title = title or text.strip()
            _title_fields(lay, text, raw, places)
            continue
        if style in CONTACT_STYLES:
            _fields_by_label(lay, _contact_fields(lay, text), raw, places)
            continue
        if style in SIGNATURE_STYLES:
            signature.append(text.strip())
            continue
        if style == "Heading 2":
            part = parts.get(text.strip())
            texts = [i for i in part.items if isinstance(i, TextItem)] if part else []
            current = texts[0] if texts else None
            heading = text.strip()
            continue
        if style == "Heading 3" and current is not None:
            part_items = [i for p in lay.parts for i in p.items if isinstance(i, TextItem) and i.label == text.strip()]
            current = part_items[0] if part_items else current
            heading = text.strip()
            continue
        if style in SKIPPED_STYLES or current is None:
            continue
        if text.strip():
            collected.setdefault(current.key, []).append(text.strip())
            places.setdefault(f"text.{current.key}", f"paragraphs under {heading}")
    for item in lay.texts():
        lines = collected.get(item.key, [])
        joined = "\n".join(lines)
        raw["texts"][item.key] = UNKNOWN_MARKER if joined == unknown_text(spec.language) else (joined or None)
    if signature:
        date = (_DATE if lay.language == "zh" else _ISO_DATE).fullmatch(signature[-1])
        if date and "published" in spec.fields:
            _fields_by_label(lay, iter([(spec.fields["published"].label, signature[-1], "signature")]), raw, places)
            if len(signature) > 1 and "body" in spec.fields and "body" not in raw["fields"]:
                raw["fields"]["body"] = signature[-2]
                places["field.body"] = "signature"
    return Extracted(raw, written_for_docx(data), places, title, tuple(problems))


# ---------------------------------------------------------------------------------------------------- files


def extract(spec: ir.Spec, data: bytes, suffix: str, name: str) -> Extracted:
    """:func:`extract_xlsx` or :func:`extract_docx` by ``suffix``; :class:`Refused` for any other."""
    if suffix == ".xlsx":
        return extract_xlsx(spec, data, name)
    if suffix == ".docx":
        return extract_docx(spec, data, name)
    raise Refused(error("GAI729", None, _readback_help(suffix), suffix=suffix or name))


def _readback_help(suffix: str) -> list[Text]:
    """What to do with the file instead: a data file needs no reading back; a published report is ingested."""
    if suffix in KINDS:
        return [
            Text(
                "数据文件（.json、.yaml、.yml、.csv）无需读回，可直接用于 gaidsl validate、gaidsl render",
                "a data file (.json, .yaml, .yml, .csv) needs no reading back: give it to gaidsl validate or render",
            )
        ]
    return [
        Text(
            "已发布的报告（PDF、网页、文本、Word）请用 gaidsl ingest 读取",
            "a published report (PDF, web page, text, Word) is read by gaidsl ingest",
        )
    ]


def read_bytes(spec: ir.Spec, data: bytes, suffix: str, name: str) -> Loaded:
    try:
        return finish(spec, extract(spec, data, suffix, name), name)
    except Refused as exc:
        return Loaded(None, (exc.diagnostic,))


def read_report_or_form(spec: ir.Spec, path: str) -> Loaded:
    """A data file (JSON, YAML or CSV), or a filled ``.xlsx`` or ``.docx`` that gaidsl wrote, by its suffix: what
    ``render``, ``validate`` and ``validate --previous`` read."""
    return read_file(spec, path) if Path(path).suffix.lower() in SUFFIXES else read_report(path, spec)


def read_file(spec: ir.Spec, path: str | os.PathLike[str]) -> Loaded:
    """Read a filled ``.xlsx`` or ``.docx`` that gaidsl wrote back into a report of ``spec``."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Loaded(None, (error("GAI090", None, path=shown, reason=exc.strerror or str(exc)),))
    return read_bytes(spec, data, Path(path).suffix.lower(), shown)
