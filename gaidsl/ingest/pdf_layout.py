"""Reading text extracted from a PDF keeping the visual layout (columns aligned with spaces).

What such text looks like (the 淮安市 report is one, from ``pypdf`` ``extraction_mode='layout'``)::

    一、本年新收政府信息公开申请数量                    3001   53      0      0        61       4     3119
                 1.属于国家秘密                2      0      0      0        0        0      2
    三、
    本            2.其他法律行政法规禁止公开         30      1      0      0        0        0     31
    年            3.危及“ 三安全一稳定  ”
    度                                    5      0      0      0        0        0      5

Each line is cut into tokens at whitespace, each with its column (``x``: characters before it, as layout extractors
place one character per column whatever its width). A line
whose last tokens are numbers is a row: those numbers are its values, the tokens before them label text. Blank
cells leave no token, so which column a value is in comes from its position (see :mod:`~gaidsl.ingest.locate`).
Other lines are text: paragraphs, headers, and label pieces of rows printed above or below the values (labels
spread over several lines, or printed vertically one character a line). Page numbers (``-4-``, ``- 5-``) are
dropped (and noted).
"""

from __future__ import annotations

import re

from gaidsl.ingest.model import Block, Document, Line, Piece, Row
from gaidsl.ingest.normalise import fold, parse_cell
from gaidsl.language.source import display_width

_ENCLOSED_PAGE_NUMBER = re.compile(r"^\s*[-－—]\s*\d{1,3}\s*[-－—]\s*$|^\s*第\s*\d+\s*页.*$")
_PAGE_NUMBER = re.compile(r"^\s*[-－—]?\s*\d{1,3}\s*[-－—]\s*$|^\s*[-－—]\s*\d{1,3}\s*[-－—]?\s*$|^\s*第\s*\d+\s*页.*$")
_TOKEN = re.compile(r"\S+")


def _is_value(token: str) -> bool:
    cell = parse_cell(token)
    return cell.kind == "number" and cell.note is None


def block_of(line: str, number: int, where: str | None = None) -> Block:
    """One non-blank layout line as a block: a :class:`Row` when its last tokens are numbers, else a
    :class:`Line`. ``where`` names the place for people (default ``line N``); tokens add their column to it."""
    place = where or f"line {number}"
    pieces = [
        Piece(match.group(), number, f"{place} · col {match.start() + 1}", x=match.start())
        for match in _TOKEN.finditer(line)
    ]
    values = 0
    for piece in reversed(pieces):
        if not _is_value(piece.text):
            break
        values += 1
    indent = display_width(line) - display_width(line.lstrip())
    raw = Piece(line.strip(), number, place)
    if values:
        return Row(tuple(pieces), False, raw)
    return Line(raw, indent)


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(fold(line)))


def is_enclosed_page_number(line: str) -> bool:
    """A page number as a copied web page or Word file keeps it: between dashes (``- 3 -``) or ``第 3 页``. A lone
    ``-1`` there is a line of text (a negative number, a list item), not the foot of a PDF page."""
    return bool(_ENCLOSED_PAGE_NUMBER.match(fold(line)))


def read(text: str, name: str = "<text>") -> Document:
    blocks: list[Block] = []
    notes: list[str] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        if not line.strip():
            continue
        if is_page_number(line):
            notes.append(f"line {number}: dropped page number {line.strip()!r}")
            continue
        blocks.append(block_of(line, number))
    return Document(name, "pdf_layout", tuple(blocks), tuple(notes))


_ALIGNED = re.compile(r"\S {3,}\S")


def looks_like(text: str) -> float:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    aligned = sum(1 for line in lines if _ALIGNED.search(line) or line.startswith("    "))
    return min(1.0, aligned / max(1, len(lines)) * 1.5)
