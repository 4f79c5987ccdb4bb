"""Renaming a key everywhere it is written, and the migration statement that keeps old data valid.

A key is part of the data format: reports written against the spec use it. Renaming it in the spec (and in the
overlays open beside it) is an edit of text; the data side is a ``rename row T.old -> new;`` statement in the
migration to the new version, which the server offers as a code action after a rename (:func:`statements`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gaidsl.language import ast
from gaidsl.language.source import Span
from gaidsl.lsp.index import Index, Occurrence, Symbol

NAME = re.compile(r"(?!\d)\w+")
RENAMEABLE = ("member", "table", "check", "unit", "field", "text", "section", "dimension")
_DATA_KINDS = {"table": "table", "field": "field", "text": "text"}  # keys data files use, besides rows and columns


def valid_name(name: str) -> bool:
    """Whether ``name`` is a NAME of the grammar (a letter or ``_`` first, then word characters)."""
    return NAME.fullmatch(name) is not None


def spans_by_file(index: Index, symbol: Symbol, only: str | None = None) -> dict[str, list[Span]]:
    """Where ``symbol`` is written, by file (``only``: in that file alone)."""
    found: dict[str, list[Span]] = {}
    for occurrence in index.of(symbol):
        if only is None or occurrence.span.file == only:
            found.setdefault(occurrence.span.file, []).append(occurrence.span)
    return found


def statements(index: Index, occurrence: Occurrence, new: str) -> list[str]:
    """The migration statements that carry data keyed by the old name over to ``new``: one per table and axis a
    member is a row or column of (a dimension's member may be both, in several tables); one for a table, field or
    text block; none for names no data file uses (checks, units, sections, dimensions)."""
    symbol = occurrence.symbol
    if symbol.kind in _DATA_KINDS:
        return [f"rename {_DATA_KINDS[symbol.kind]} {symbol.key} -> {new};"]
    if symbol.kind != "member":
        return []
    out: list[str] = []
    for table in index.tables.values():
        for axis in ("row", "column"):
            member = index.axis_members(table, axis).get(symbol.key)
            if member is not None and _declared(member) == symbol.declared:
                out.append(f"rename {axis} {table.key}.{symbol.key} -> {new};")
    return out


def _declared(member: ast.Member) -> tuple[str, int] | None:
    return (member.span.file, member.span.start) if member.span else None


def pending(wanted: list[str], migrations: Mapping[str, str]) -> list[str]:
    """The statements not yet written in any of the open migrations (their texts by name)."""
    return [s for s in wanted if not any(s.removesuffix(";") in text for text in migrations.values())]


def insertion_offset(doc: ast.Migration, text: str) -> int:
    """Where a new statement goes: at the start of the line of the migration's closing ``}``."""
    if doc.span is None:
        return len(text)
    brace = text.rfind("}", 0, doc.span.end)
    return text.rfind("\n", 0, brace) + 1 if brace >= 0 else len(text)
