"""The long CSV: many reports in one file, one value per line, open rows and lists of records included.

A wide CSV (:mod:`gaidsl.checking.wide_csv`) has one report per line and a column per cell, so it cannot hold rows
each report adds (open dimensions) or records. The long CSV has a line per value instead::

    report_id,key,value
    ,format,agency_components              ← a line without report_id: format or version, for every report
    ,version,2025
    r1,fields.agency,Department of Examples
    r1,members.component.CIV,Civil Division  ← an entered member: members.DIMENSION.KEY, its label as the value
    r1,requests.CIV.received,120             ← a cell key, as gaidsl cells prints it (the member's key in its place)
    r1,explanations.1.count,3                ← a record's field: LIST.N.FIELD, N from 1
    r2,previous_id,r1                        ← last year's report of r2 is the line group r1 (in the same file)

Each report's lines are made into the tree a JSON data file gives (:class:`~gaidsl.checking.data_syntax.Node`,
every node at its place in the CSV text) and read by the data file reader itself
(:func:`gaidsl.checking.data.read_tree`): a report of a long CSV is read, refused and judged exactly as the same
report written as a JSON file, and each problem is at the line and column of its value. The file's own problems
(its header, a line of the wrong width, a line without a report, a record number that is not one, a previous_id
that names no report) are GAI790–GAI796. docs/data-format.md, "Long CSV".
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from gaidsl.checking.data import Loaded, read_report, read_tree
from gaidsl.checking.data_syntax import Node
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, Report
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.source import SourceFile, Span

HEADER = ("report_id", "key", "value")
"""The header line of a long CSV: these three columns, in this order."""
FILE_WIDE = ("format", "version")
"""The keys a line without report_id may give: they hold for every report of the file."""
PREVIOUS = "previous_id"
_RECORD_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_COMMENT = re.compile(r"[ \t]*#")
"""A comment line: ``#`` written first (a quoted ``"#…"`` is a report id)."""
_QUOTES_HELP = Text("含逗号的文本请用英文双引号括起来", 'put text that contains commas in "double quotes"')


@attrs.frozen
class LongReport:
    """One report of a long CSV: its id, what reading its lines gave, and the id of last year's report (if any)."""

    report_id: str
    loaded: Loaded
    previous_id: str | None = None


@attrs.frozen
class LongFile:
    """A long CSV read: its reports in the order they first appear, or, when the file itself is bad (its header,
    a line, a record number, a previous_id), no reports and the diagnostics saying why."""

    reports: tuple[LongReport, ...]
    diagnostics: tuple[Diagnostic, ...]
    source: SourceFile

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def is_long_header(row: list[str]) -> bool:
    """A CSV header that makes a file a long CSV: it starts ``report_id,key,value``."""
    return tuple(c.strip() for c in row[:3]) == HEADER


def is_long_csv(path: str | os.PathLike[str]) -> bool:
    """A ``.csv`` file whose header line starts ``report_id,key,value``."""
    if Path(path).suffix.lower() != ".csv" or not Path(path).is_file():
        return False
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return is_long_header(next(csv.reader(handle), []))
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def read_long_csv(path: str | os.PathLike[str], spec: ir.Spec) -> LongFile:
    """Read the long CSV at ``path`` as reports of ``spec`` (see the module's docstring)."""
    shown = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problem = error("GAI090", None, path=shown, reason=exc.strerror or str(exc))
        return LongFile((), (problem,), SourceFile(shown, ""))
    except UnicodeDecodeError as exc:
        return LongFile((), (error("GAI091", None, path=shown, byte=exc.start),), SourceFile(shown, ""))
    return parse_long_csv(text, spec, shown)


def parse_long_csv(text: str, spec: ir.Spec, name: str = "<long csv>") -> LongFile:
    """Read the text of a long CSV as reports of ``spec``."""
    source = SourceFile(name, text)
    lines = _Lines(spec, source)
    problem = lines.read()
    if problem is not None:
        return LongFile((), (problem,), source)
    if lines.problems:
        return LongFile((), tuple(sorted(lines.problems, key=lambda d: d.span.start if d.span else -1)), source)
    return lines.reports()


def report_name(path: str, report_id: str) -> str:
    """How a report of a long CSV is named in results and messages: ``FILE#REPORT_ID``."""
    return f"{path}#{report_id}"


# ---------------------------------------------------------------------------------------------------- the lines

Entry = tuple[str, int, int, Node]
"""(key, key start, key end, value node): an item of an object node."""


@attrs.define
class _Report:
    """The entries of one report's lines, sorted into the parts of a data file's tree."""

    first: int  # where its first line starts
    top: list[Entry] = attrs.field(factory=list)  # format, version
    sections: dict[str, list[Entry]] = attrs.field(factory=lambda: {"fields": [], "texts": [], "values": []})
    members: dict[str, list[Node]] = attrs.field(factory=dict)
    member_at: dict[str, tuple[int, int]] = attrs.field(factory=dict)
    records: dict[str, dict[int, list[Entry]]] = attrs.field(factory=dict)
    record_at: dict[str, tuple[int, int]] = attrs.field(factory=dict)
    previous: tuple[str, Span] | None = None


class _Lines:
    def __init__(self, spec: ir.Spec, source: SourceFile) -> None:
        self.spec = spec
        self.source = source
        self.problems: list[Diagnostic] = []
        self.wide: list[Entry] = []  # format and version for every report
        self.by_id: dict[str, _Report] = {}

    def span(self, start: int, end: int) -> Span:
        return self.source.span(start, max(end, start + 1))

    def read(self) -> Diagnostic | None:
        """Sort every line into its report; a CSV syntax error (a quote not closed) is returned and ends reading."""
        text = self.source.text
        starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]  # the CSV reader's lines (not str.splitlines's)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = True
        last = 0
        try:
            for row in reader:
                physical, last = last + 1, reader.line_num
                offset = starts[min(physical - 1, len(starts) - 1)]
                if header:
                    header = False
                    if not is_long_header(row) or len(row) != len(HEADER):
                        self.problems.append(error("GAI790", self.span(offset, offset + len(",".join(row)))))
                        return None
                    continue
                if not row or (len(row) == 1 and not row[0].strip()) or _COMMENT.match(text, offset):
                    continue
                self.line(row, list(_field_spans(text, offset, row)))
        except csv.Error as exc:
            offset = starts[min(reader.line_num, len(starts) - 1)] if reader.line_num else 0
            why = "引号未闭合" if "end of data" in str(exc) else str(exc)
            reason = Text(f"第 {reader.line_num} 行：{why}", f"line {reader.line_num}: {exc}")
            args = {"what": "CSV ", "what_en": "CSV", "reason": reason.zh, "reason_en": reason.en}
            return Diagnostic("GAI701", "error", self.span(max(0, offset - 1), offset), args)
        if header:
            self.problems.append(error("GAI790", self.span(0, 0)))
        return None

    def line(self, row: list[str], spans: list[tuple[int, int]]) -> None:
        if len(row) != len(HEADER):
            self.problems.append(error("GAI791", self.span(*spans[0]), (_QUOTES_HELP,), count=len(row)))
            return
        report_id, key = row[0].strip(), row[1].strip()
        (id_start, _), (key_start, key_end), (value_start, value_end) = spans
        value = Node("string", row[2], value_start, value_end, raw=row[2])
        entry: Entry = (key, key_start, key_end, value)
        if not report_id:
            if key in FILE_WIDE:
                self.wide.append(entry)
            else:
                self.problems.append(error("GAI792", self.span(id_start, key_end), key=key))
            return
        found = self.by_id.get(report_id)
        if found is None:
            found = self.by_id[report_id] = _Report(id_start)
        self.sort(found, entry, self.span(key_start, key_end))

    def sort(self, report: _Report, entry: Entry, at: Span) -> None:
        key, key_start, key_end, value = entry
        spec = self.spec
        parts = key.split(".")
        if key in FILE_WIDE:
            report.top.append(entry)
        elif key == PREVIOUS:
            if report.previous is not None:
                self.problems.append(error("GAI715", at, key=key))
            report.previous = (str(value.value).strip(), self.span(value.start, value.end))
        elif parts[0] == "members" and key not in spec.cells:
            if len(parts) != 3 or parts[1] not in spec.open_dimensions or not parts[2].strip():
                # a name to suggest only when the dimension is not one (with a right name, the key is what is wrong)
                known = len(parts) > 1 and parts[1] in spec.open_dimensions
                help = did_you_mean(parts[1], spec.open_dimensions) if len(parts) > 1 and not known else ()
                self.problems.append(error("GAI793", at, help, key=key))
                return
            member_key = parts[2]
            key_node = Node("string", member_key, key_end - len(member_key), key_end, raw=member_key)
            item = Node(
                "object",
                None,
                key_start,
                value.end,
                items=(("key", key_node.start, key_node.end, key_node), ("label", value.start, value.end, value)),
            )
            report.members.setdefault(parts[1], []).append(item)
            report.member_at.setdefault(parts[1], (key_start, key_end))
        elif len(parts) == 3 and parts[0] in spec.records:
            if not _RECORD_NUMBER.fullmatch(parts[1]):
                self.problems.append(error("GAI794", at, key=key, number=parts[1], records=parts[0]))
                return
            field_start = key_end - len(parts[2])
            numbered = report.records.setdefault(parts[0], {})
            numbered.setdefault(int(parts[1]), []).append((parts[2], field_start, key_end, value))
            report.record_at.setdefault(parts[0], (key_start, key_end))
        elif key.startswith("fields.") and key[7:] in spec.fields:
            report.sections["fields"].append((key[7:], key_start + 7, key_end, value))
        elif key.startswith("texts.") and key[6:] in spec.texts:
            report.sections["texts"].append((key[6:], key_start + 6, key_end, value))
        elif key in spec.fields:
            report.sections["fields"].append(entry)
        elif key in spec.texts:
            report.sections["texts"].append(entry)
        else:
            report.sections["values"].append(entry)  # a cell key, or an unknown key the reader names (GAI703)

    def reports(self) -> LongFile:
        ids = self.by_id
        problems: list[Diagnostic] = []
        for report_id, found in ids.items():
            if found.previous is None:
                continue
            previous, at = found.previous
            if previous == report_id:
                problems.append(error("GAI796", at, report=report_id))
            elif previous and previous not in ids:
                problems.append(error("GAI795", at, did_you_mean(previous, ids), report=report_id, previous=previous))
        for found in ids.values():
            for name, numbered in found.records.items():
                problems.extend(self._gaps(name, numbered, found.record_at[name]))
        if problems:
            return LongFile((), tuple(problems), self.source)
        read = []
        for report_id, found in ids.items():
            loaded = read_tree(self.spec, self.source, self.tree(found))
            earlier = found.previous[0] if found.previous and found.previous[0] else None
            read.append(LongReport(report_id, loaded, earlier))
        return LongFile(tuple(read), (), self.source)

    def _gaps(self, name: str, numbered: dict[int, list[Entry]], at: tuple[int, int]) -> Iterator[Diagnostic]:
        """Records numbered 1, 2, …, N without a gap: a record left out is GAI797 at the list's first line."""
        for number in range(1, max(numbered) + 1):
            if number not in numbered:
                yield error("GAI797", self.span(*at), records=name, number=number, last=max(numbered))
                return

    def tree(self, found: _Report) -> Node:
        """The report's lines as the tree a JSON data file of the same report gives."""
        items: list[Entry] = []
        given = {k for k, *_ in found.top}
        items.extend(e for e in self.wide if e[0] not in given)
        items.extend(found.top)
        for section, entries in found.sections.items():
            if entries:
                items.append((section, entries[0][1], entries[0][2], _object(entries)))
        if found.members:
            listed = [
                (dimension, *found.member_at[dimension], _array(nodes)) for dimension, nodes in found.members.items()
            ]
            items.append(("members", listed[0][1], listed[0][2], _object(listed)))
        if found.records:
            lists = []
            for name, numbered in found.records.items():
                records = [_object(numbered[n]) for n in sorted(numbered)]
                lists.append((name, *found.record_at[name], _array(records)))
            items.append(("records", lists[0][1], lists[0][2], _object(lists)))
        end = max((e[3].end for e in items), default=found.first)
        return Node("object", None, found.first, end, items=tuple(items))


def _object(entries: list[Entry]) -> Node:
    return Node("object", None, entries[0][1], max(e[3].end for e in entries), items=tuple(entries))


def _array(nodes: list[Node]) -> Node:
    return Node("array", tuple(nodes), nodes[0].start, max(n.end for n in nodes))


def _field_spans(text: str, offset: int, row: list[str]) -> Iterator[tuple[int, int]]:
    """Where each entry of a CSV record starting at ``offset`` stands in ``text``: a quoted entry from its opening
    quote past its closing one, an unquoted one as written."""
    at = offset
    for value in row:
        if text.startswith('"', at):
            end = at + 1
            while True:
                end = text.find('"', end)
                if end < 0:
                    end = len(text)
                    break
                if text.startswith('""', end):
                    end += 2
                    continue
                end += 1
                break
        else:
            end = at + len(value)
        yield at, end
        at = end + 1


def read_reports(path: str | os.PathLike[str], spec: ir.Spec) -> tuple[list[tuple[str, Loaded]], dict[str, str]]:
    """Every report of the data file at ``path``, named: one for a JSON, YAML or ``key,value`` CSV file (named by
    its path), each report of a long CSV (named ``FILE#REPORT_ID``), or the long CSV's own problems under its path.
    With them, for a long CSV, the name of last year's report of each report whose ``previous_id`` names one."""
    if not is_long_csv(path):
        return [(str(path), read_report(path, spec))], {}
    found = read_long_csv(path, spec)
    if not found.ok:
        return [(str(path), Loaded(None, found.diagnostics, found.source))], {}
    named = [(report_name(str(path), r.report_id), r.loaded) for r in found.reports]
    previous = {
        report_name(str(path), r.report_id): report_name(str(path), r.previous_id)
        for r in found.reports
        if r.previous_id is not None
    }
    return named, previous


def long_csv_text(reports: Sequence[tuple[str, Report]], previous: Mapping[str, str] | None = None) -> str:
    """The long CSV of ``reports`` (id, report), each given whole (format and version on its own lines), with a
    ``previous_id`` line for each id ``previous`` maps to last year's id: the data file form of what
    :func:`read_long_csv` reads back (a data CSV: every text written as it is, docs/data-format.md)."""
    out = io.StringIO(newline="")
    writer = _Writer(out)
    writer.row(HEADER)
    for report_id, report in reports:
        writer.row((report_id, "format", report.format))
        writer.row((report_id, "version", report.version))
        if previous and report_id in previous:
            writer.row((report_id, PREVIOUS, previous[report_id]))
        for dimension, members in report.members.items():
            for m in members:
                writer.row((report_id, f"members.{dimension}.{m.key}", m.label))
        for prefix, mapping in (("fields.", report.fields), ("texts.", report.texts), ("", report.values)):
            for key, value in mapping.items():
                writer.row((report_id, prefix + key, _written(value)))
    return out.getvalue()


class _Writer:
    """CSV lines ending ``\\n``, an entry quoted when it holds a comma, a quote, a line break (``\\r`` too: Python
    3.11's writer only quotes the characters of its line ending) or, for the report id, starts a comment."""

    def __init__(self, out: io.StringIO) -> None:
        self.plain = csv.writer(out, lineterminator="\n")
        self.quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def row(self, row: Sequence[str]) -> None:
        risky = any("\r" in entry for entry in row) or _COMMENT.match(row[0]) is not None
        (self.quoted if risky else self.plain).writerow(row)


def _written(value: object) -> str:
    if value is BLANK:
        return ""
    if value is UNKNOWN:
        return UNKNOWN_MARKER
    return str(value)
