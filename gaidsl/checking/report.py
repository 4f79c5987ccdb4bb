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
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs


class Missing(enum.Enum):
    BLANK = "blank"
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return self.name


BLANK = Missing.BLANK
UNKNOWN = Missing.UNKNOWN

Value = Decimal | Missing
FieldValue = Decimal | str | Missing

UNKNOWN_MARKER = "unknown"

# Decimals travel through json.dumps as marked strings and are unquoted afterwards, so no float ever touches them.
DECIMAL_MARK = "\u0001dec\u0001"
DECIMAL_RE = re.compile('"\\\\u0001dec\\\\u0001(-?[0-9.]+)\\\\u0001dec\\\\u0001"')


@attrs.frozen
class Report:
    """One filled report of a format version. Cells not in ``values`` are blank."""

    format: str
    version: str
    fields: Mapping[str, FieldValue] = attrs.field(factory=dict)
    texts: Mapping[str, str | Missing] = attrs.field(factory=dict)
    values: Mapping[str, Value] = attrs.field(factory=dict)

    def value(self, key: str) -> Value:
        return self.values.get(key, BLANK)

    def to_json_dict(self) -> dict[str, Any]:
        """The canonical JSON form: numbers as JSON numbers (exact), blank as null, unknown as "unknown"."""
        return self.as_data(json_value)

    def as_data(self, value: Callable[[object], object]) -> dict[str, Any]:
        """The report as plain data (the shape of its JSON form), each field, text and value written by ``value``."""
        return {
            "format": self.format,
            "version": self.version,
            "fields": {k: value(v) for k, v in self.fields.items()},
            "texts": {k: value(v) for k, v in self.texts.items()},
            "values": {k: value(v) for k, v in self.values.items()},
        }

    def to_json(self) -> str:
        """JSON text; decimals are written digit for digit as JSON numbers (``96171.60`` keeps its zero)."""
        text = json.dumps(self.to_json_dict(), ensure_ascii=False, indent=2, default=json_default)
        return DECIMAL_RE.sub(lambda m: m.group(1), text) + "\n"


def json_value(value: object) -> object:
    if value is BLANK:
        return None
    if value is UNKNOWN:
        return UNKNOWN_MARKER
    if isinstance(value, Decimal):
        return f"{DECIMAL_MARK}{value:f}{DECIMAL_MARK}"
    return value


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {value!r}")
