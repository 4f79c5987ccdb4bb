"""Reading report data files (JSON, YAML, CSV) into a :class:`~gaidsl.checking.report.Report`, with full error
reporting.

The shapes (see ``docs/data-format.md``)::

    JSON / YAML   {"format": "gov_info_disclosure", "version": "2021",
                   "fields": {"body": "…", "year": 2023}, "texts": {"overview": "…"},
                   "values": {"requests.received.natural": 21, "fees.administrative_fee.amount": 7730.28}}
    CSV           key,value            (optional header line; "#" starts a comment line)
                  format,gov_info_disclosure
                  year,2023
                  requests.received.natural,21

A value is a number, blank (``null``, ``""`` or left out) or unknown (the string ``"unknown"``). Numbers are read
exactly as written (``Decimal``, never float). Every problem of a file is collected, each with the key, the cell's
labels and the line:column of the key, before :func:`load_report` raises :class:`DataError`.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from gaidsl.checking.data_syntax import Node, SyntaxProblem, parse_json, parse_yaml
from gaidsl.checking.evaluate import cell_label
from gaidsl.checking.open_data import open_cell, read_members, slot_of, unlisted
from gaidsl.checking.own_records import own_record
from gaidsl.checking.record_data import read_records, record_value_key
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, EnteredMember, FieldValue, Missing, Report, Value
from gaidsl.language import ir
from gaidsl.language.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Text,
    did_you_mean,
    error,
    few_suggestions,
    has_errors,
    warning,
)
from gaidsl.language.source import SourceFile, Span

MAX_MAGNITUDE = Decimal(10) ** 15
"""Every number must be below this in magnitude (absurd values are typing errors, and 15 digits fit every target)."""
MAX_PLACES = 12
"""Every number has at most this many digits after the decimal point: with the 15 before it, a number fits the
28 significant digits of Python's default decimal context, so no reader ever rounds one (and no written form, however
long, costs more than reading its text)."""

SUGGESTIONS = 10
"""Unknown keys of a file that get a 'did you mean' at most (a search compares with every key of the spec)."""

TOP_KEYS = ("format", "version", "fields", "texts", "values", "members", "records")
KINDS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
NUMBER_FORM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
"""How a number is written (after spaces at its ends are taken off), in every reader: ASCII digits with an optional
sign and decimal point. No exponent (``1e3``: a spreadsheet's ``1.23E+14`` has lost digits), no separators
(``1_000``, ``1,000``), no other digits (``１２``). See the table in docs/data-format.md."""
_NUMBER = re.compile(NUMBER_FORM)
_EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity|\.nan|\.inf)", re.IGNORECASE)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# a negative as accountants print it, (12.50), or with a full-width or typographic minus: refused (GAI704) with a help
# line naming the form gaidsl reads, -12.50 (docs/data-format.md, signed amounts)
_OTHER_MINUS = re.compile(r"\(\s*[0-9][0-9.,]*\s*\)|[－−]\s*[0-9][0-9.,]*")


VALUE_CODES = frozenset(
    {"GAI704", "GAI705", "GAI706", "GAI707", "GAI708", "GAI709", "GAI712", "GAI713", "GAI719", "GAI724"}
)
"""Codes of a value the reader refuses at its key (text in a count, a negative count, a fraction …): ``gaidsl
validate`` gives each as a failing type result at its cell; the other codes are problems of the file."""


class DataError(DiagnosticError):
    """A data file that cannot be read as a report of the spec; ``diagnostics`` says why, ``sources`` holds its text."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, SourceFile] | None = None) -> None:
        super().__init__(diagnostics)
        self.sources = sources or {}


@attrs.frozen
class Loaded:
    """What reading a data file gave: the report (``None`` when there are errors) and every diagnostic."""

    report: Report | None
    diagnostics: tuple[Diagnostic, ...]
    source: SourceFile | None = None
    partial: Report | None = None
    """When every error is a value the reader refuses (:data:`VALUE_CODES`): the report with those values taken as
    unknown, so that ``gaidsl validate`` can give each as a failing type result and run the other checks."""

    @property
    def ok(self) -> bool:
        return self.report is not None and not has_errors(self.diagnostics)


# ---------------------------------------------------------------------------------------------------- public API


def load_report(path: str | os.PathLike[str], spec: ir.Spec) -> Report:
    """Read the data file at ``path`` as a report of ``spec``; raise :class:`DataError` with every problem found."""
    loaded = read_report(path, spec)
    if loaded.report is None or has_errors(loaded.diagnostics):
        sources = {loaded.source.name: loaded.source} if loaded.source else {}
        raise DataError(loaded.diagnostics, sources)
    return loaded.report


def read_report(path: str | os.PathLike[str], spec: ir.Spec, kind: str | None = None) -> Loaded:
    """Like :func:`load_report`, but returns the diagnostics (warnings too) instead of raising."""
    shown = str(path)
    kind = kind or KINDS.get(Path(path).suffix.lower())
    if kind is None:
        return Loaded(None, (error("GAI702", None, suffix=Path(path).suffix or shown),))
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Loaded(None, (error("GAI090", None, path=shown, reason=exc.strerror or str(exc)),))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Loaded(None, (error("GAI091", None, path=shown, byte=exc.start),))
    return parse_report(text, spec, kind, shown)


def parse_report(text: str, spec: ir.Spec, kind: str, name: str = "<data>") -> Loaded:
    """Read data file text of ``kind`` (``"json"``, ``"yaml"`` or ``"csv"``) as a report of ``spec``."""
    with few_suggestions(SUGGESTIONS):
        return _parse_report(text, spec, kind, name)


def _parse_report(text: str, spec: ir.Spec, kind: str, name: str) -> Loaded:
    source = SourceFile(name, text)
    try:
        if kind == "json":
            tree = parse_json(text)
        elif kind == "yaml":
            tree = parse_yaml(text)
        elif kind == "csv":
            return _Reader(spec, source).csv(text)
        else:
            raise ValueError(f"unknown data file kind {kind!r}")
    except SyntaxProblem as exc:
        diag = Diagnostic("GAI701", "error", source.span(exc.offset, exc.offset + 1), exc.args_for(kind))
        return Loaded(None, (diag,), source)
    return _Reader(spec, source).tree(tree)


def read_tree(spec: ir.Spec, source: SourceFile, root: Node) -> Loaded:
    """A report given as a tree of nodes over ``source``'s text, read as a JSON data file's tree is: the lines of one
    report of a long CSV (:mod:`gaidsl.checking.long_csv`), each node at its place in the CSV."""
    with few_suggestions(SUGGESTIONS):
        return _Reader(spec, source).tree(root)


def read_entry(spec: ir.Spec, key: str, text: str) -> tuple[object, tuple[Diagnostic, ...]]:
    """One ``key,value`` entry of a CSV data file (a wide CSV's cell too: ``fields.KEY``, ``texts.KEY`` or a cell
    key) read by this reader's rules: ``(value, ())`` with the value as a report holds it (a number, text or date,
    ``BLANK`` or ``UNKNOWN``), or ``(None, errors)`` saying why the text is refused."""
    source = SourceFile("<value>", text)
    reader = _Reader(spec, source)
    reader._csv_entry(key, Node("string", text, 0, len(text), raw=text), source.span(0, len(text)))
    if reader.diagnostics:
        return None, tuple(reader.diagnostics)
    if key.startswith("fields.") and key[7:] in reader.fields:
        return reader.fields[key[7:]], ()
    if key.startswith("texts.") and key[6:] in reader.texts:
        return reader.texts[key[6:]], ()
    return reader.values.get(key, reader.fields.get(key, reader.texts.get(key))), ()


# ---------------------------------------------------------------------------------------------------- the reader


def _form_help(text: str) -> Text:
    """What to write instead of ``text``, which is not a number as gaidsl reads one."""
    if _EXPONENT.fullmatch(text):
        return Text(
            "请写出完整的数，不用科学计数法：写 1000 而不是 1e3（电子表格显示的 1.23E+14 已丢失数字）",
            "write the number out in full, not in scientific notation: 1000, not 1e3 "
            "(a spreadsheet's 1.23E+14 has lost digits)",
        )
    if _OTHER_MINUS.fullmatch(text):
        return Text(
            "负数用半角减号写在前面，如 -12.50；不用括号 (12.50)，也不用全角“－”或“−”",
            "write a negative number with a leading ASCII minus, like -12.50: not (12.50), nor '－' or '−'",
        )
    return Text("只写阿拉伯数字，不带单位或千位分隔符，如 1234", "write digits only, no unit or separators: 1234")


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


class _Reader:
    """Turns a parsed tree (or CSV rows) into a Report, collecting every problem."""

    def __init__(self, spec: ir.Spec, source: SourceFile) -> None:
        self.spec = spec
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.format: str | None = None
        self.version: str | None = None
        self.fields: dict[str, FieldValue] = {}
        self.texts: dict[str, str | Missing] = {}
        self.values: dict[str, Value] = {}
        self.members: dict[str, tuple[EnteredMember, ...]] = {}  # open dimensions' members (docs/open-dimensions.md)
        self.listed: dict[str, set[str]] = {}  # their keys, by dimension
        self.records: dict[str, int] = {}  # lists of records: how many each has (docs/records.md)

    # ---- helpers
    def span(self, start: int, end: int) -> Span:
        return self.source.span(start, end)

    def problem(self, code: str, span: Span | None, help: Iterable[Text] = (), **args: object) -> None:
        self.diagnostics.append(error(code, span, help, **args))

    def problem_at(self, code: str, span: Span, args: dict[str, object], help: Iterable[Text] = ()) -> None:
        self.diagnostics.append(Diagnostic(code, "error", span, dict(args), tuple(help)))

    def finish(self) -> Loaded:
        spec = self.spec
        if self.format is None:
            self.diagnostics.append(warning("GAI717", None, what="格式标识", what_en="format id", expected=spec.id))
        if self.version is None:
            self.diagnostics.append(warning("GAI717", None, what="版本", what_en="version", expected=spec.version))
        # Required fields, texts and tables left out are not the reader's business: reading succeeds and the
        # evaluation finds them missing, an error (gaidsl.checking.required).
        self.diagnostics.sort(key=lambda d: d.span.start if d.span else -1)
        if has_errors(self.diagnostics):
            return Loaded(None, tuple(self.diagnostics), self.source, self._partial())
        report = Report(
            spec.id, spec.version, dict(self.fields), dict(self.texts), dict(self.values), self.members, self.records
        )
        return Loaded(report, tuple(self.diagnostics), self.source)

    def _partial(self) -> Report | None:
        """The report with each refused value unknown, when every error is such a value (see :attr:`Loaded.partial`)."""
        errors = [d for d in self.diagnostics if d.severity == "error"]
        if not all(d.code in VALUE_CODES and isinstance(d.args.get("key"), str) for d in errors):
            return None
        fields, texts, values = dict(self.fields), dict(self.texts), dict(self.values)
        for d in errors:
            key = str(d.args["key"])
            if key in self.spec.cells or record_value_key(self.spec, key):
                values[key] = UNKNOWN
            elif key in self.spec.fields:
                fields[key] = UNKNOWN
            elif key in self.spec.texts:
                texts[key] = UNKNOWN
            else:
                return None
        return Report(self.spec.id, self.spec.version, fields, texts, values, self.members, self.records)

    # ---- JSON / YAML
    def tree(self, root: Node) -> Loaded:
        if root.kind != "object":
            what = Text("数据文件", "the data file")
            expected = Text("对象（含 format、version、fields、texts、values）", "an object with format, version, …")
            self._shape(root, what, expected)
            return self.finish()
        record = own_record({key: node.value for key, _, _, node in root.items})
        if record is not None:  # a file gaidsl wrote beside reports, given as one: say what it is, not its keys
            what = Text("数据文件", "the data file")
            expected = Text(
                f"一份报告（含 format、version…），而这是 gaidsl 写的{record.zh}",
                f"a report (with format, version, …); this is a {record.en} gaidsl wrote",
            )
            self._shape(root, what, expected)
            return self.finish()
        seen: set[str] = set()
        # a spec with neither open dimensions nor records has no "members" or "records" key (as its JSON Schema and
        # generated validators say: GAI703); with either, both are read (an empty list of members, no list of records)
        fixed = not self.spec.open_dimensions and not self.spec.records
        for key, _, _, node in root.items:
            if key == "members" and not fixed:  # read first: the values of entered rows are checked against the lists
                self.members, problems = read_members(self.spec, node, self.span)
                self.diagnostics.extend(problems)
                break
        for key, start, end, node in root.items:
            span = self.span(start, end)
            if key in seen:
                self.problem("GAI715", span, key=key)
                continue
            seen.add(key)
            if key == "format":
                self._format(node.value if node.kind == "string" else node.raw or _show(node.value), span)
            elif key == "version":
                self._version(node.raw if node.kind == "number" else str(node.value), node.kind, span)
            elif key in ("fields", "texts", "values"):
                self._section(key, node)
            elif key == "members" and not fixed:
                continue  # read above
            elif key == "records" and not fixed:
                read_records(self, node)  # lists of records (docs/records.md)
            elif key.startswith("$"):
                continue  # "$schema" and the like: for editors, ignored here
            else:
                self.problem(
                    "GAI703",
                    span,
                    did_you_mean(key, TOP_KEYS[:5] if fixed else TOP_KEYS),
                    key=key,
                    where="顶层",
                    where_en="the top level",
                )
        return self.finish()

    def _shape(self, node: Node, what: Text, expected: Text) -> None:
        span = self.span(node.start, max(node.end, node.start + 1))
        self.problem("GAI716", span, what=what.zh, what_en=what.en, expected=expected.zh, expected_en=expected.en)

    def _section(self, name: str, node: Node) -> None:
        if node.kind == "null":
            return
        if node.kind != "object":
            expected = Text("以键为名的对象", "an object keyed by " + name[:-1] + " keys")
            self._shape(node, Text(f"「{name}」", f"'{name}'"), expected)
            return
        seen: set[str] = set()
        for key, start, end, value in node.items:
            span = self.span(start, end)
            if key in seen:
                self.problem("GAI715", span, key=f"{name}.{key}")
                continue
            seen.add(key)
            if name == "values":
                self.cell(key, value, span)
            elif name == "fields":
                self.field(key, value, span)
            else:
                self.text(key, value, span)

    def _format(self, found: object, span: Span) -> None:
        self.format = str(found)
        if found != self.spec.id:
            self.problem("GAI710", span, found=_show(found), expected=self.spec.id)

    def _version(self, found: str, kind: str, span: Span) -> None:
        self.version = found
        if kind not in ("string", "number") or found != self.spec.version:
            self.problem("GAI711", span, found=_show(found), expected=self.spec.version)

    # ---- one entry
    def cell(self, key: str, node: Node, span: Span) -> None:
        cell = self.spec.cells.get(key)
        entered = open_cell(self.spec, key) if cell is None else slot_of(self.spec, key)
        if entered is not None:  # a row of an open table: its member must be listed, its type is the slot's
            if entered.dimension not in self.listed:
                self.listed[entered.dimension] = {m.key for m in self.members.get(entered.dimension, ())}
            if entered.member not in self.listed[entered.dimension]:
                self.diagnostics.append(unlisted(span, key, entered))
                return
            cell = self.spec.cells[entered.slot_cell]
        if cell is None:
            pool = itertools.chain(self.spec.cells, self.spec.fields, self.spec.texts)  # read only if searched
            self.problem("GAI703", span, did_you_mean(key, pool), key=key, where="「values」", where_en="'values'")
            return

        label = cell_label(self.spec, cell.key)
        value: Value | None
        if cell.type.numeric:
            value = self.number(node, cell.type, key, label, span)
        else:  # a text (date, choice) cell is read as a field of its type is
            value = self.typed_string(node, cell.type, key, label, span)
        if value is not None:
            self.values[key] = value

    def field(self, key: str, node: Node, span: Span) -> None:
        field = self.spec.fields.get(key)
        if field is None:
            self.problem(
                "GAI703", span, did_you_mean(key, self.spec.fields), key=key, where="「fields」", where_en="'fields'"
            )
            return
        value: FieldValue | None
        if field.type.numeric:
            value = self.number(node, field.type, key, field.label, span)
        else:
            value = self.typed_string(node, field.type, key, field.label, span)
        if value is not None:
            self.fields[key] = value

    def typed_string(self, node: Node, type_: ir.CellType, key: str, label: str, span: Span) -> str | Missing | None:
        """A text, date or choice value (of a field or a cell), or None after reporting why it is not one. A number
        given for one is its text as written (a phone number, a code: ``0012`` stays ``0012``)."""
        value = self.string(node, key, label, span)
        if isinstance(value, str) and type_.kind == "date":
            return self._date(value, key, label, span)
        if isinstance(value, str) and type_.kind == "choice" and value not in type_.choices:
            choices = "、".join(f"「{c}」" for c in type_.choices)
            self.problem("GAI719", span, key=key, label=label, value=_show(value), choices=choices)
            return None
        return value

    def text(self, key: str, node: Node, span: Span) -> None:
        block = self.spec.texts.get(key)
        if block is None:
            self.problem(
                "GAI703", span, did_you_mean(key, self.spec.texts), key=key, where="「texts」", where_en="'texts'"
            )
            return
        value = self.string(node, key, block.label or key, span)
        if value is not None:
            self.texts[key] = value

    # ---- values
    def _date(self, value: str, key: str, label: str, span: Span) -> str | None:
        text = value.strip()
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            expected = Text("ISO 日期（如 2024-01-31）", "an ISO date (like 2024-01-31)")
            self.problem(
                "GAI713", span, key=key, label=label, value=_show(value), expected=expected.zh, expected_en=expected.en
            )
            return None

    def string(self, node: Node, key: str, label: str, span: Span) -> str | Missing | None:
        if node.kind == "null":
            return BLANK
        if node.kind == "string" and isinstance(node.value, str):
            if node.value == UNKNOWN_MARKER:
                return UNKNOWN
            return node.value if node.value.strip() else BLANK
        if node.kind == "number" or (node.yaml_plain and node.kind in ("bool", "nonfinite")):
            return node.raw  # a phone number or postcode written as a number: its text as written
        expected = Text("文本", "text")
        shown = "{…}" if node.kind == "object" else "[…]" if node.kind == "array" else node.raw
        self.problem("GAI713", span, key=key, label=label, value=shown, expected=expected.zh, expected_en=expected.en)
        return None

    def number(self, node: Node, type_: ir.CellType, key: str, label: str, span: Span) -> Value | None:
        """A numeric value checked against its type, or None after reporting why it is not one."""
        args: dict[str, object] = {"key": key, "label": label}
        if node.kind == "null":
            return BLANK
        if node.kind == "bool":
            self.problem_at("GAI712", span, {**args, "value": node.raw or str(node.value).lower()})
            return None
        if node.kind == "nonfinite":
            self.problem_at("GAI708", span, {**args, "value": node.raw})
            return None
        if node.kind in ("object", "array"):
            self.problem_at("GAI704", span, {**args, "value": "{…}" if node.kind == "object" else "[…]"})
            return None
        if node.kind == "string":
            text = str(node.value).strip()
            if not text:
                return BLANK
            if text == UNKNOWN_MARKER:
                return UNKNOWN
            if _NONFINITE.fullmatch(text):
                self.problem_at("GAI708", span, {**args, "value": _show(text)})
                return None
        else:
            text = node.raw  # a JSON or YAML number as written: the same forms as in a string
        if not _NUMBER.fullmatch(text):
            self.problem_at("GAI704", span, {**args, "value": _show(text)}, (_form_help(text),))
            return None
        return self._checked(Decimal(text), _show(text), type_, span, args)

    def _checked(
        self, value: Decimal, raw: str, type_: ir.CellType, span: Span, args: dict[str, object]
    ) -> Value | None:
        if value.copy_abs() >= MAX_MAGNITUDE:  # exact (abs() would round, and overflow on 1e1000000)
            self.problem_at("GAI709", span, {**args, "value": raw})
            return None
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        places = max(0, -exponent)
        if value.is_zero():
            value = value.copy_abs()  # -0 is 0
        whole = value == value.to_integral_value()
        ok = True
        if type_.kind in ("count", "integer") and not whole:
            self.problem_at("GAI706", span, {**args, "value": raw})
            ok = False
        elif type_.kind in ("count", "integer"):
            value = value.quantize(Decimal(1))
        if type_.floored and value < 0:
            self.problem_at("GAI705", span, {**args, "value": raw})
            ok = False
        if type_.kind == "amount" and type_.decimals is not None and places > type_.decimals:
            self.problem_at("GAI707", span, {**args, "value": raw, "decimals": type_.decimals, "places": places})
            ok = False
        elif ok and places > MAX_PLACES:
            self.problem_at("GAI724", span, {**args, "value": raw, "places": places, "limit": MAX_PLACES})
            ok = False
        return value if ok else None

    # ---- CSV
    def csv(self, text: str) -> Loaded:
        if self.spec.records:  # a key,value file cannot give lists of records yet (docs/records.md)
            records = next(iter(self.spec.records.values()))
            what = Text("CSV 数据文件", "a CSV data file")
            self.problem("GAI770", None, what=what.zh, what_en=what.en, records=records.key)
            return self.finish()
        lines = text.splitlines(keepends=True)
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        seen: dict[str, Span] = {}
        first = True
        line_no = 0
        try:
            for row in reader:
                row_line, line_no = line_no + 1, reader.line_num
                offset = starts[min(row_line - 1, len(starts) - 1)]
                if not row or (len(row) == 1 and not row[0].strip()) or row[0].lstrip().startswith("#"):
                    continue
                key = row[0].strip()
                span = self.span(offset, offset + max(1, len(row[0])))
                if first and key.lower() in ("key", "键") and len(row) <= 2:
                    first = False
                    continue
                first = False
                if len(row) > 2:
                    help = (
                        Text("含逗号的文本请用英文双引号括起来", 'put text that contains commas in "double quotes"'),
                    )
                    self.problem("GAI718", span, help, count=len(row))
                    continue
                if key in seen:
                    self.problem("GAI715", span, key=key)
                    continue
                seen[key] = span
                value = row[1] if len(row) == 2 else ""
                start = offset + len(row[0]) + 1
                node = Node("string", value, start, start + len(value), raw=value)
                self._csv_entry(key, node, span)
        except csv.Error as exc:
            offset = starts[min(reader.line_num, len(starts) - 1)] if reader.line_num else 0
            why = "引号未闭合" if "end of data" in str(exc) else str(exc)
            reason = Text(f"第 {reader.line_num} 行：{why}", f"line {reader.line_num}: {exc}")
            args = SyntaxProblem(offset, reason).args_for("csv")
            diag = Diagnostic("GAI701", "error", self.span(max(0, offset - 1), offset), args)
            return Loaded(None, (diag,), self.source)
        return self.finish()

    def _csv_entry(self, key: str, node: Node, span: Span) -> None:
        if key == "format":
            self._format(node.value, span)
        elif key == "version":
            self._version(str(node.value).strip(), "string", span)
        elif key in self.spec.cells:
            self.cell(key, node, span)
        elif key.startswith("fields.") and key[7:] in self.spec.fields:
            self.field(key[7:], node, span)
        elif key.startswith("texts.") and key[6:] in self.spec.texts:
            self.text(key[6:], node, span)
        elif key in self.spec.fields:
            self.field(key, node, span)
        elif key in self.spec.texts:
            self.text(key, node, span)
        else:
            pool = itertools.chain(TOP_KEYS[:2], self.spec.cells, self.spec.fields, self.spec.texts)
            self.problem("GAI703", span, did_you_mean(key, pool), key=key, where="CSV 文件", where_en="the CSV file")
