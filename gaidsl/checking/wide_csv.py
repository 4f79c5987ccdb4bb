"""Wide CSV: many reports in one file, one per line, for batches of millions (``gaidsl.engines.database``, the
benchmark).

The columns: ``report_id``, optional ``previous_id`` (last year's report in the same table), then one per key: cell
keys (``requests.received.natural``), ``fields.KEY``, ``texts.KEY``. Values are written as in data files and read
by the same rules (:mod:`gaidsl.checking.data`): a number as written, empty (or spaces) for blank, ``unknown`` for
unknown;
``0.5`` in a count is an error, as in a data file. Standard CSV: commas, double quotes, a header line.
Here the format in Python: :func:`read_wide_lines`, :func:`read_wide_csv` and :func:`wide_csv_data` read it (reports,
or data dicts for the generated validators); :func:`write_wide_csv` writes one. A value gaidsl's reader refuses or
the reports table cannot hold (a negative count, text in a count, too many decimals, a repeated report_id) is a
:class:`WideCsvError` naming the report, the key and the value. The SQL engines' side is
:mod:`gaidsl.engines.wide_csv` (loading such a file into a reports table, or checking it in one pass), and how they
tell plain values from the ones to judge is :mod:`gaidsl.engines.wide_csv_sql`.
"""

from __future__ import annotations

import collections
import csv
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from gaidsl.checking.data import read_entry
from gaidsl.checking.evaluate import cell_labels
from gaidsl.checking.files import written_atomically
from gaidsl.checking.long_csv import is_long_header
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, Report
from gaidsl.checking.results import CellResult
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic

Problem = tuple[str, str]
"""``(code, message)``: the data-file message's code (GAI7xx; empty for a problem of the table or the file's layout)
and its English text, naming the key and the value."""


def wide_header(spec: ir.Spec) -> list[str]:
    """The columns of a wide CSV: report_id, previous_id, fields.KEY…, texts.KEY…, cell keys (text cells too)."""
    return [
        "report_id",
        "previous_id",
        *(f"fields.{k}" for k in spec.fields),
        *(f"texts.{k}" for k in spec.texts),
        *spec.cells,
    ]


def _csv_text(value: object) -> str:
    if value is BLANK or value is None:
        return ""
    if value is UNKNOWN:
        return UNKNOWN_MARKER
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def write_wide_csv(spec: ir.Spec, reports: Iterable[tuple[str, Report, str | None]], path: str | Path) -> None:
    """Write the reports as a wide CSV, atomically (a unique temporary file beside ``path``, moved into place: a link
    at ``path`` is replaced, not written through). Text is written as it is, ``=SUM(A1)`` included: a wide CSV is a
    data file every reader takes verbatim, not a sheet for people (``docs/data-format.md``, CSV and spreadsheets)."""
    header = wide_header(spec)
    with written_atomically(path, fsync=False) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for report_id, report, previous_id in reports:
            row = [report_id, previous_id or ""]
            row += [_csv_text(report.fields.get(k, BLANK)) for k in spec.fields]
            row += [_csv_text(report.texts.get(k, BLANK)) for k in spec.texts]
            row += [_csv_text(report.values.get(k, BLANK)) for k in header[len(row) :]]
            writer.writerow(row)


def read_wide_csv(spec: ir.Spec, path: str | Path) -> Iterator[tuple[str, Report, str | None]]:
    """The reports of a wide CSV (for the evaluator and Python validators), every value read by gaidsl's data-file
    rules: the first line with a problem (see :func:`read_wide_lines`) is a :class:`WideCsvError`."""
    for line, report_id, read, previous_id in read_wide_lines(spec, path):
        if not isinstance(read, Report):
            raise WideCsvError(
                path, [f"report {report_id}: {'; '.join(m for _, m in read)}"], {report_id: read}, {report_id: line}
            )
        yield report_id, read, previous_id


def read_wide_lines(
    spec: ir.Spec, path: str | Path, only: Collection[str] | None = None
) -> Iterator[tuple[int, str, Report | list[Problem], str | None]]:
    """``(line, report_id, report, previous_id)`` for each line of a wide CSV, ``report`` the list of the line's
    problems instead when it has any: a value gaidsl's data-file reader refuses (:func:`gaidsl.checking.data.read_entry`
    decides on anything but plain digits), a repeated or missing report_id, a line of the wrong width. A header that
    names no key of the spec is a :class:`WideCsvError`. ``only``: the lines of these report ids alone (the others
    are passed over unread, and a repeated id is then not said). :func:`read_wide_rows` gives refused values as
    results instead."""
    for row in read_wide_rows(spec, path, only):
        read = row.read
        if row.cells and isinstance(read, Report):
            read = [(c.code, _entry_message(c)) for c in row.cells]
        yield row.line, row.report_id, read, row.previous_id


class WideLine(NamedTuple):
    """One line of a wide CSV as :func:`read_wide_rows` reads it."""

    line: int
    report_id: str
    read: Report | list[Problem]
    """The report (a refused value taken as unknown), or the line's problems: a repeated or missing report_id, a
    line of the wrong width (what makes the file unreadable as a table, not a value)."""
    previous_id: str | None
    cells: tuple[CellResult, ...]
    """The values gaidsl's reader refuses, each a failing type result at its cell."""


def read_wide_rows(spec: ir.Spec, path: str | Path, only: Collection[str] | None = None) -> Iterator[WideLine]:
    """Each line of a wide CSV read by gaidsl's data-file rules: see :class:`WideLine`. A header that names no key of
    the spec is a :class:`WideCsvError`. ``only``: the lines of these report ids alone (the others are passed over
    unread, and a repeated id is then not said)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        problems = coded_header_problems(spec, header)
        if problems:
            raise WideCsvError(path, [f"header: {p}" for _, p in problems], {None: problems}, {None: 1})
        read_row = row_reader(spec, header)
        seen: set[str] = set()
        at_id = header.index("report_id")
        for line, row in enumerate(reader, start=2):
            if not row or (only is not None and (row[at_id] if len(row) > at_id else "") not in only):
                continue
            found, cells, report_id, report, previous_id = read_row(row, line)
            if not report_id:
                found.insert(0, ("GAI716", f"line {line} has no report_id"))
            elif report_id in seen:
                found.insert(0, ("GAI715", f"report_id {report_id} is on an earlier line too"))
            seen.add(report_id)
            yield WideLine(line, report_id, found or report, previous_id, tuple(cells))


RowRead = tuple[list[Problem], list[CellResult], str, Report, str | None]
"""What :func:`row_reader` makes of one row: the line's problems, the refused values, report_id, the report (refused
values taken as unknown), previous_id."""


def row_reader(spec: ir.Spec, header: Sequence[str]) -> Callable[[Sequence[str], int], RowRead]:
    """A reader of the rows of a wide CSV with this (checked) header, by gaidsl's data-file rules; each distinct
    (column, text) it has to judge is judged once."""
    numeric = {
        name
        for name in header
        if (name in spec.cells and spec.cells[name].type.numeric)
        or (name[7:] in spec.fields and spec.fields[name[7:]].type.numeric)
    }
    texts = {
        name
        for name in header
        if name.startswith("texts.")
        or (name.startswith("fields.") and spec.fields[name[7:]].type.kind == "text")
        or (name in spec.cells and spec.cells[name].type.kind == "text")
    }
    judged: dict[tuple[str, str], tuple[object, CellResult | None]] = {}

    def read_row(row: Sequence[str], line: int) -> RowRead:
        found: list[Problem] = []
        cells: list[CellResult] = []
        fields: dict[str, Any] = {}
        text_values: dict[str, Any] = {}
        values: dict[str, Any] = {}
        report_id, previous_id = "", None
        if len(row) != len(header):
            found.append(("GAI701", f"line {line} has {len(row)} columns, the header {len(header)}"))
            row = (list(row) + [""] * len(header))[: len(header)]
        for name, text in zip(header, row, strict=True):
            if name == "report_id":
                report_id = text
                continue
            if name == "previous_id":
                previous_id = text or None
                continue
            if name in ("format", "version") or text == "":
                continue
            if name in numeric and text.isdigit() and text.isascii() and len(text) <= 15:
                value: object = Decimal(text)
            elif name in texts:
                value = UNKNOWN if text == UNKNOWN_MARKER else text if text.strip() else BLANK
            else:
                if (name, text) not in judged:
                    judged[name, text] = _judged(spec, name, text)
                value, refused = judged[name, text]
                if refused is not None:
                    cells.append(refused)
            if value is BLANK:
                continue
            if name.startswith("texts."):
                text_values[name[6:]] = value
            elif name.startswith("fields."):
                fields[name[7:]] = value
            else:
                values[name] = value
        return found, cells, report_id, Report(spec.id, spec.version, fields, text_values, values), previous_id

    return read_row


def _judged(spec: ir.Spec, name: str, text: str) -> tuple[object, CellResult | None]:
    """A value of column ``name`` as gaidsl's reader reads it, or (unknown, its type result) when it refuses it."""
    value, diagnostics = read_entry(spec, name, text)
    if not diagnostics:
        return value, None
    return UNKNOWN, cell_result(spec, name, text, diagnostics[0])


def cell_result(spec: ir.Spec, name: str, text: str, diagnostic: Diagnostic) -> CellResult:
    """The failing type result of a refused value ``text`` of the wide-CSV column ``name``."""
    message = Diagnostic(diagnostic.code, "error", None, {**diagnostic.args, "key": name}).message
    return CellResult(name, key_labels(spec, name), diagnostic.code, text, message)


def key_labels(spec: ir.Spec, name: str) -> tuple[str, ...]:
    """The labels of a wide-CSV column's key (a cell's row and column path, a field's or text's label)."""
    if name in spec.cells:
        return cell_labels(spec, spec.cells[name])
    if name.startswith("fields.") and name[7:] in spec.fields:
        return (spec.fields[name[7:]].label,)
    if name.startswith("texts.") and name[6:] in spec.texts:
        return (spec.texts[name[6:]].label or name[6:],)
    return (name,)


def _entry_message(cell: CellResult) -> str:
    """The English message of a refused value, naming its wide-CSV column."""
    return cell.message.en


def wide_csv_data(spec: ir.Spec, path: str | Path) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """The reports of a wide CSV as data dicts (values as written, blanks left out), the shape data files have and
    the generated validators take: ``(report_id, data, previous_id)``."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = {name: i for i, name in enumerate(header)}
        fields = [(i, h[7:]) for i, h in enumerate(header) if h.startswith("fields.")]
        texts = [(i, h[6:]) for i, h in enumerate(header) if h.startswith("texts.")]
        cells = [(i, h) for i, h in enumerate(header) if h in spec.cells]
        previous = at.get("previous_id")
        for line in reader:
            data = {
                "format": spec.id,
                "version": spec.version,
                "fields": {k: line[i] for i, k in fields if line[i]},
                "texts": {k: line[i] for i, k in texts if line[i]},
                "values": {k: line[i] for i, k in cells if line[i]},
            }
            yield line[at["report_id"]], data, (line[previous] or None) if previous is not None else None


SHOWN = 10
"""Problems a :class:`WideCsvError` lists (the rest are counted)."""


class WideCsvError(ValueError):
    """Values of a wide CSV that gaidsl's data-file reader refuses or the reports table cannot hold (a text in a count,
    ``0.5`` in a count, a repeated report_id …): ``problems`` holds one line per report naming the report, the key
    and the value, by report id; ``by_report`` the same as ``(code, message)`` pairs by report id (``None``: lines
    without one, or the header); ``lines`` the line number of a report, where known."""

    def __init__(
        self,
        path: str | Path,
        problems: Sequence[str],
        by_report: dict[str | None, list[Problem]] | None = None,
        lines: dict[str | None, int] | None = None,
    ) -> None:
        self.path = str(path)
        self.problems = tuple(problems)
        self.by_report = by_report or {}
        self.lines = lines or {}
        count = len(self.problems)
        lines_shown = [f"{path}: {count} report{'s' if count != 1 else ''} with values the reports table cannot hold:"]
        lines_shown += [f"  {p}" for p in self.problems[:SHOWN]]
        if count > SHOWN:
            lines_shown.append(f"  … and {count - SHOWN} more")
        super().__init__("\n".join(lines_shown))


def header_of(path: str | Path) -> list[str]:
    """The header line of a wide CSV (its column names)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle), [])


def header_problems(spec: ir.Spec, header: Sequence[str]) -> list[str]:
    """What is wrong with a wide CSV's header line (see :func:`coded_header_problems`), in words."""
    return [message for _, message in coded_header_problems(spec, header)]


def coded_header_problems(spec: ir.Spec, header: Sequence[str]) -> list[Problem]:
    """What is wrong with a wide CSV's header line, with the codes the generated validators give: a column that is
    no key of the spec (GAI703), a column given twice (GAI715), no report_id column (GAI716)."""
    known = {"report_id", "previous_id", "format", "version", *spec.cells}
    known |= {f"fields.{k}" for k in spec.fields} | {f"texts.{k}" for k in spec.texts}
    problems = [
        ("GAI703", f"column {name!r} is no key of {spec.id} {spec.version}") for name in header if name not in known
    ]
    twice = [name for name, count in collections.Counter(header).items() if count > 1]
    problems += [("GAI715", f"column {name!r} is given twice") for name in twice]
    if "report_id" not in header:
        problems.append(("GAI716", "the header has no report_id column"))
    return problems


def is_wide_csv(path: str) -> bool:
    """A ``.csv`` file whose header line starts with ``report_id`` (but not ``report_id,key,value``: a long CSV,
    :mod:`gaidsl.checking.long_csv`)."""
    if Path(path).suffix.lower() != ".csv" or not Path(path).is_file():
        return False
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return bool(first) and first[0].strip() == "report_id" and not is_long_header(first)
