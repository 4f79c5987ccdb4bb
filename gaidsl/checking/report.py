"""A report's data: the values of its cells, its fields and its text blocks, by the spec's keys.

A cell value is a :class:`~decimal.Decimal`, :data:`BLANK` (left empty: ``null`` or absent in a data file) or
:data:`UNKNOWN` (not known, as migration produces: the string ``"unknown"`` in a data file). Blank is never zero.
This module holds the plain data and its canonical JSON form; reading files with full error reporting lives in
:mod:`gaidsl.checking.data`.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from json.encoder import encode_basestring as _quoted  # what json.dumps(ensure_ascii=False) writes a text as
from typing import Any

import attrs


class Missing(enum.Enum):
    BLANK = "blank"
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return self.name


BLANK = Missing.BLANK
UNKNOWN = Missing.UNKNOWN

Value = Decimal | str | Missing  # str: a text cell
FieldValue = Decimal | str | Missing

UNKNOWN_MARKER = "unknown"

# Decimals travel through json.dumps as marked strings and are unquoted afterwards, so no float ever touches them
# (exact_dumps makes sure no text of the data holds the mark).
DECIMAL_MARK = "\u0001dec\u0001"
DECIMAL_RE = re.compile('"\\\\u0001dec\\\\u0001(-?[0-9.]+)\\\\u0001dec\\\\u0001"')


@attrs.frozen
class EnteredMember:
    """A member of an open dimension as a report enters it: its key (a code or a name) and its label."""

    key: str
    label: str


@attrs.frozen
class Report:
    """One filled report of a format version. Cells not in ``values`` are blank."""

    format: str
    version: str
    fields: Mapping[str, FieldValue] = attrs.field(factory=dict)
    texts: Mapping[str, str | Missing] = attrs.field(factory=dict)
    values: Mapping[str, Value] = attrs.field(factory=dict)
    members: Mapping[str, tuple[EnteredMember, ...]] = attrs.field(factory=dict)
    """The members of each open dimension, in the report's order (docs/open-dimensions.md); none for fixed specs."""
    records: Mapping[str, int] = attrs.field(factory=dict)
    """How many records each list of records has (docs/records.md); their values are among ``values``, keyed
    ``LIST.N.FIELD`` (N from 1). None for a spec without lists of records."""

    def value(self, key: str) -> Value:
        return self.values.get(key, BLANK)

    def to_json_dict(self) -> dict[str, Any]:
        """The canonical JSON form as data: numbers as Decimals (:func:`exact_dumps` writes them as exact JSON
        numbers), blank as None, unknown as "unknown"."""
        return self.as_data(json_value)

    def as_data(self, value: Callable[[object], object]) -> dict[str, Any]:
        """The report as plain data (the shape of its JSON form), each field, text and value written by ``value``."""
        data: dict[str, Any] = {"format": self.format, "version": self.version}
        if self.members:  # only a report of a spec with open dimensions has (and writes) them
            data["members"] = {d: [{"key": m.key, "label": m.label} for m in ms] for d, ms in self.members.items()}
        data["fields"] = {k: value(v) for k, v in self.fields.items()}
        data["texts"] = {k: value(v) for k, v in self.texts.items()}
        if not self.records:
            data["values"] = {k: value(v) for k, v in self.values.items()}
            return data
        rows: dict[str, list[dict[str, object]]] = {r: [{} for _ in range(n)] for r, n in self.records.items()}
        values: dict[str, object] = {}
        for k, v in self.values.items():
            parts = k.split(".")
            if len(parts) == 3 and parts[0] in rows and parts[1].isdigit():
                rows[parts[0]][int(parts[1]) - 1][parts[2]] = value(v)
            else:
                values[k] = value(v)
        data["values"] = values
        data["records"] = rows  # a list of objects per list of records, one a record (docs/records.md)
        return data

    def to_json(self) -> str:
        """JSON text; decimals are written digit for digit as JSON numbers (``96171.60`` keeps its zero)."""
        written = _written_directly(self)
        return written if written is not None else exact_dumps(self.to_json_dict()) + "\n"


def _written_directly(report: Report) -> str | None:
    """What :meth:`Report.to_json` writes, byte for byte, without ``json.dumps`` (whose indented output is made by
    its pure-Python encoder: 0.6 ms a report, most of ``gaidsl sample``'s work); None for a key or value this does
    not know, which the general path then writes."""
    if type(report.format) is not str or type(report.version) is not str or report.members or report.records:
        return None  # (an open dimension's members: the general path writes them)
    parts = ['{\n  "format": ', _quoted(report.format), ',\n  "version": ', _quoted(report.version)]
    for name, entries in (("fields", report.fields), ("texts", report.texts), ("values", report.values)):
        if not entries:
            parts.append(f',\n  "{name}": {{}}')
            continue
        lines = []
        for key, value in entries.items():
            scalar = _scalar(value)
            if scalar is None or type(key) is not str:
                return None
            lines.append(f"    {_quoted(key)}: {scalar}")
        parts.append(f',\n  "{name}": {{\n' + ",\n".join(lines) + "\n  }")
    parts.append("\n}\n")
    return "".join(parts)


def _scalar(value: object) -> str | None:
    if type(value) is Decimal and value.is_finite():
        return f"{value:f}"
    if type(value) is str:
        return _quoted(value)
    if value is BLANK:
        return "null"
    if value is UNKNOWN:
        return _quoted(UNKNOWN_MARKER)
    return None


def json_value(value: object) -> object:
    if value is BLANK:
        return None
    if value is UNKNOWN:
        return UNKNOWN_MARKER
    return value


def exact_dumps(data: object, indent: int | None = 2, separators: tuple[str, str] | None = None) -> str:
    """JSON text of ``data`` with every Decimal written digit for digit as a JSON number (never through float), every
    text exactly as itself: the mark carrying decimals through ``json.dumps`` is one that no text of the data holds
    (a text like ``"\\u0001dec\\u00011\\u0001dec\\u0001"`` stays a text)."""
    held = [text for text in _texts(data) if "\x01" in text]
    runs = [len(run) for text in held for run in re.findall("\x02+", text)]
    mark = "\x01dec" + "\x02" * (max(runs, default=0) + 1) + "\x01" if held else DECIMAL_MARK  # a longer run: no text
    written = json.dumps(mark)[1:-1]
    pattern = (
        DECIMAL_RE if mark == DECIMAL_MARK else re.compile(f'"{re.escape(written)}(-?[0-9.]+){re.escape(written)}"')
    )
    marked = _marked(data, mark)
    text = json.dumps(marked, ensure_ascii=False, indent=indent, separators=separators, default=json_default)
    return pattern.sub(lambda m: m.group(1), text)


def _texts(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from _texts(key)
            yield from _texts(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _texts(value)


def _marked(data: object, mark: str) -> object:
    if isinstance(data, Decimal) and data.is_finite():
        return f"{mark}{data:f}{mark}"
    if isinstance(data, Mapping):
        return {key: _marked(value, mark) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_marked(value, mark) for value in data]
    return data


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {value!r}")
