"""Reading a PDF file directly with pdfplumber: ruled tables as rows of their cells, other text as layout lines.

Each page is cut into horizontal bands at its ruled tables (pdfplumber finds them from the ruling lines and thin
filled rectangles Word and browsers draw as borders; large filled rectangles are page or cell backgrounds and are
ignored). A table's rows become :class:`~gaidsl.ingest.model.Row` blocks with their cells as printed: a cell merged
down from the row above is an empty cell (as in .docx), a place covered by a cell merged across from its left is
not a cell. Text between tables is extracted keeping its layout (pdfplumber's ``layout=True``) and read line by line
as :mod:`~gaidsl.ingest.pdf_layout` reads layout text, so a table printed without ruling lines is still read by its
columns' positions. Page numbers are dropped (and noted). Provenance: "page P · table T · row R · cell C" or
"page P · line L · col X"; ``line`` numbers the blocks of the whole document from 1.

A PDF with pages but no text at all is a scan: it raises :class:`NoTextLayer` (the next step is OCR). A file
pdfplumber cannot open raises :class:`PdfError`.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

from gaidsl.ingest import pdf_layout
from gaidsl.ingest.model import Block, Document, Piece, Row
from gaidsl.ingest.normalise import RADICALS

if TYPE_CHECKING:  # pdfplumber is imported when a PDF is read (it takes a third of the time gaidsl takes to start)
    from pdfplumber.page import Page
    from pdfplumber.table import Table


def _broken() -> tuple[type[BaseException], ...]:
    """What pdfplumber and pdfminer raise on a damaged or encrypted file."""
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PSException, PdfminerException, MalformedPDFException, ValueError, TypeError, KeyError, IndexError)


BACKGROUND = 2.0
"""A filled rectangle thicker than this (points) both ways is a background or shading, not a ruling line."""

_TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


class PdfError(ValueError):
    """The bytes are not a PDF pdfplumber can open (damaged, or encrypted with a password)."""


class NoTextLayer(ValueError):
    """The PDF has pages but no text: a scanned report. ``pages`` counts its pages."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"{pages} pages without text")
        self.pages = pages


def _is_rule(obj: dict[str, Any]) -> bool:
    """Keep every object but backgrounds: filled rectangles thicker than :data:`BACKGROUND` both ways."""
    if obj.get("object_type") != "rect":
        return True
    thin = min(float(obj["width"]), float(obj["height"])) <= BACKGROUND
    return thin or bool(obj.get("stroke"))


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    y = (float(obj["top"]) + float(obj["bottom"])) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _table_rows(table: Table) -> list[list[str]]:
    """A table's rows as printed: each cell's text, ``""`` for a place merged down from the row above (as .docx
    gives it); a place covered by a cell merged across from its left is not a cell of its own and is left out."""
    xs = sorted({cell[0] for cell in table.cells})
    found: list[list[str]] = []
    for row, texts in zip(table.rows, table.extract(), strict=True):
        top = row.bbox[1]
        cells: list[str] = []
        for slot, (bbox, text) in enumerate(zip(row.cells, texts, strict=True)):
            if bbox is not None:
                cells.append((text or "").translate(RADICALS).strip())
                continue
            x = xs[slot] + 0.5
            covering = [c for c in table.cells if c[0] <= x < c[2] and c[1] <= top + 0.5 < c[3]]
            if covering and all(c[1] >= top - 0.5 for c in covering):
                continue  # merged across from the left
            cells.append("")
        found.append(cells)
    return found


def _page_blocks(page: Page, number: int, start: int, notes: list[str]) -> list[Block]:
    """The blocks of one page, numbered from ``start``."""
    ruled = page.filter(_is_rule)
    tables = sorted(ruled.find_tables(_TABLE_SETTINGS), key=lambda t: t.bbox[1])
    boxes = [t.bbox for t in tables]
    blocks: list[Block] = []
    top = float(page.bbox[1])
    bands: list[tuple[float, float, Table | None]] = []
    for table in tables:
        if table.bbox[1] > top:
            bands.append((top, table.bbox[1], None))
        bands.append((table.bbox[1], table.bbox[3], table))
        top = max(top, table.bbox[3])
    if top < page.bbox[3]:
        bands.append((top, float(page.bbox[3]), None))
    line_number = 0
    for band_top, band_bottom, ruled_table in bands:
        if ruled_table is not None:
            index = tables.index(ruled_table) + 1
            for row_index, cells in enumerate(_table_rows(ruled_table)):
                if not any(cells):
                    continue
                serial = start + len(blocks)
                where = f"page {number} · table {index} · row {row_index + 1}"
                pieces = tuple(Piece(text, serial, f"{where} · cell {n}") for n, text in enumerate(cells, start=1))
                raw = Piece(" | ".join(c.replace("\n", "") for c in cells), serial, where)
                blocks.append(Row(pieces, True, raw, table=number * 100 + index))
            continue
        band = page.crop((page.bbox[0], band_top, page.bbox[2], band_bottom), strict=False)
        text = band.filter(lambda o: not _inside(o, boxes)).extract_text(layout=True).translate(RADICALS)
        for raw_line in text.splitlines():
            line = raw_line.rstrip()
            if not line.strip():
                continue
            line_number += 1
            if pdf_layout.is_page_number(line):
                notes.append(f"page {number}: dropped page number {line.strip()!r}")
                continue
            serial = start + len(blocks)
            blocks.append(pdf_layout.block_of(line, serial, f"page {number} · line {line_number}"))
    return blocks


def read_bytes(data: bytes, name: str = "<pdf>") -> Document:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings on odd fonts are not the reader's log
    broken = _broken()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except broken as exc:
        raise PdfError(str(exc) or type(exc).__name__) from exc
    blocks: list[Block] = []
    notes: list[str] = []
    chars = 0
    with pdf:
        try:
            for page in pdf.pages:
                chars += len(page.chars)
                blocks += _page_blocks(page, page.page_number, len(blocks) + 1, notes)
        except broken as exc:
            raise PdfError(str(exc) or type(exc).__name__) from exc
        if chars == 0:
            raise NoTextLayer(len(pdf.pages))
    return Document(name, "pdf", tuple(blocks), tuple(notes))


def looks_like(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"
