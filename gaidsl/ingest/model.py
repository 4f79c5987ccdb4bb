"""The data of reading a published report: what the layout readers give, and what ingest gives back.

A layout reader (:mod:`~gaidsl.ingest.word_text`, :mod:`~gaidsl.ingest.pipe_text`, :mod:`~gaidsl.ingest.pdf_layout`,
:mod:`~gaidsl.ingest.html`, :mod:`~gaidsl.ingest.docx`) turns one input into a :class:`Document`: a sequence of
blocks in reading order, each a :class:`Line` (a paragraph or a line of text) or a :class:`Row` (a table row with its
cells). Every piece of text keeps where it came from (:class:`Piece`), so every value read later carries its
provenance. :mod:`~gaidsl.ingest.locate` then matches the blocks to the spec's parts, tables, rows and columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from gaidsl.checking.report import Report, Value
from gaidsl.language.diagnostics import Text, say
from gaidsl.language.records import json_fields


@attrs.frozen
class Piece:
    """A piece of text of the input: a cell, a token of an aligned line, or a line.

    ``line`` is the 1-based line of the input where it starts (for .docx: the paragraph or row number in the
    document), ``where`` says it for people ("line 113", "table 2 · row 5 · cell 3"), ``x`` is the horizontal
    position of a token in a layout-aligned line (characters before it on its line)."""

    text: str
    line: int
    where: str
    x: int | None = None
    end_line: int | None = None  # the last line of a cell that spans several lines


@attrs.frozen
class Line:
    """A line or paragraph of text outside any table (or a line of a layout-aligned table without values)."""

    piece: Piece
    indent: int = 0

    @property
    def text(self) -> str:
        return self.piece.text

    @property
    def line(self) -> int:
        return self.piece.line


@attrs.frozen
class Row:
    """A table row.

    ``explicit``: the cells are the table's cells (Word text, ``|``-joined text, HTML, .docx), so a blank cell is an
    empty piece. Otherwise (PDF layout text) the cells are the whitespace-separated tokens of a line; a blank cell
    leaves no token, and ``x`` positions say which column a token is under. ``raw`` is the row as printed."""

    cells: tuple[Piece, ...]
    explicit: bool
    raw: Piece
    table: int | None = None  # which table of the input (HTML, .docx) the row belongs to

    @property
    def line(self) -> int:
        return self.raw.line

    @property
    def text(self) -> str:
        return self.raw.text


Block = Line | Row


@attrs.frozen
class SideBySide:
    """A printed table cut into the blocks printed side by side in it (:mod:`~gaidsl.ingest.side_by_side`): where
    its header row is, how many blocks, and the titles the blocks were given (none without a title row)."""

    where: str
    line: int
    blocks: int
    titles: tuple[str, ...] = ()


@attrs.frozen
class Document:
    """One input as blocks in reading order. ``route``: which reader made it (``word_text``, ``pipe_text``,
    ``pdf_layout``, ``html``, ``docx``)."""

    name: str
    route: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = ()  # what the reader dropped as layout noise (page numbers, bookmarks), for the log
    side_by_side: tuple[SideBySide, ...] = ()  # the tables printed side by side, cut into their blocks


# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Provenance:
    """Where a value came from: the input place, the text as printed, and the row/column labels it was read
    under. ``how`` is ``cell`` (read from its cell), ``position`` (placed by its column position in an aligned
    line), ``checks`` (a row with more or fewer cells than columns, fitted the one way its checks allow),
    ``migrated`` (an out-of-date layout's value put in the documented place) or ``field``/``text``."""

    where: str
    line: int | None
    raw: str
    how: str = "cell"
    row_label: str | None = None
    note: str | None = None  # an annotation printed inside the cell ("（其中修订16件）")

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"where": self.where, "line": self.line, "raw": self.raw, "how": self.how}
        if self.row_label is not None:
            data["row_label"] = self.row_label
        if self.note is not None:
            data["note"] = self.note
        return data


@attrs.frozen
class LogEntry:
    """One line of the reading log: ``level`` is ``info`` (how something was read), ``warning`` (something read
    with a caveat, or a text/table disagreement) or ``error`` (something not read: the cells named stay blank)."""

    code: str
    level: str
    message: Text
    where: str | None = None
    line: int | None = None
    cells: tuple[str, ...] = ()

    def render(self, lang: str = "zh") -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{self.level}[{self.code}]: {say(lang, self.message.zh, self.message.en)}"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            **json_fields(self, "code", "level", "where", "line"),
            "cells": list(self.cells),
            "message": self.message.to_json_dict(),
        }


@attrs.frozen
class Ingested:
    """What reading one published report gave.

    ``report`` holds every value read (blank cells as blank; cells that could not be read are left blank too and
    listed in ``log`` with the reason; ``unknown`` only where the log says why). ``provenance`` maps every cell key,
    ``field.KEY`` and ``text.KEY`` that was read to where it came from. ``unread`` lists the cells not found."""

    name: str
    route: str
    spec_file: str
    report: Report
    provenance: Mapping[str, Provenance]
    log: tuple[LogEntry, ...]
    unread: tuple[str, ...]
    title: str | None = None
    preamble: str | None = None

    def entries(self, level: str) -> tuple[LogEntry, ...]:
        return tuple(e for e in self.log if e.level == level)

    def value(self, key: str) -> Value:
        return self.report.value(key)

    def reading_json_dict(self) -> dict[str, Any]:
        return {
            "input": self.name,
            "route": self.route,
            "spec": self.spec_file,
            "format": self.report.format,
            "version": self.report.version,
            "title": self.title,
            "unread": list(self.unread),
            "provenance": {k: p.to_json_dict() for k, p in self.provenance.items()},
            "log": [e.to_json_dict() for e in self.log],
        }


# The header of `gaidsl ingest`'s summary CSV (written by gaidsl.ingest.batch); here, in a module that loads no
# reader, because `gaidsl validate` recognises such a file by its header and must not load the readers for that.
SUMMARY_COLUMNS = (
    "file",
    "status",
    "verdict",
    "body",
    "year",
    "version",
    "route",
    "cells",
    "read",
    "blank",
    "unknown",
    "unread",
    "confidence",
    "uncertain",
    "reading_errors",
    "reading_warnings",
    "failed_errors",
    "failed_warnings",
    "unverifiable",
    "text_warnings",
    "previous",
    "failed_checks",
    "missing",
    "reason",
)
