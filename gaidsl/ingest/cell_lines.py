"""Reading a web page copied as text one table cell a line (what many sites' pages give when copied or saved).

What such text looks like (the 太平镇 and 汉阳区 reports are two kinds)::

    行政规范性文件              行政规范性文件 |        ← a row's label: a line of text
    0                           5 |                    ← its values: one a line
    0                           12 |
    0                           8 |
                                |                      ← a lone ``|``: an empty cell (or the next row's opening)
    第二十条第(五)项            第二十条第(五)项 | |||  ← ``|||``: merged cells' places, dropped

Rules: a line that holds one value (a number, a dash or slash, or nothing but a ``|``) is a cell of the row being
built; a line of text ends that row and starts the next one with itself as the label (a label without values stays
a line of text: titles, headers, paragraphs; so does one followed by a single empty cell, a heading before the
``|`` that opens the next row; a label followed by two or more empty cells is a row of blanks). Trailing ``|``
and runs of ``||`` are the page's cell borders and are dropped; a line of only ``||…`` is nothing. Blank lines
are nothing (a blank cell that left no ``|`` cannot be told from layout, so such a row has fewer cells than its
table's columns and is left for review, never guessed).
An empty cell the page prints at the end of a row (before the next row's label) is kept: the table reader drops
surplus empty cells at a row's end only when that leaves exactly the table's columns.
A change printed with a word (``增10``, ``减少3``) among a row's values is one of its cells, not the next row's label
(else 行政许可 / 8 / 增10 / 18 would end the row at 8 and read 18 as another row's first column); the value readers
then leave it for review, as they do on a ``|``-joined row.
"""

from __future__ import annotations

import re

from gaidsl.ingest.model import Block, Document, Line, Piece, Row
from gaidsl.ingest.normalise import value_like

_BORDERS = re.compile(r"^[\s|｜]+$")
_TRAILING = re.compile(r"(?:\s*[|｜])+\s*$")
_LEADING = re.compile(r"^\s*[|｜]\s*")
_WORDED_CHANGE = re.compile(r"(?:增加?|减少?)\s*\d[\d,.]*")


def _cell_text(line: str) -> str | None:
    """The cell a line holds (``""`` for a lone ``|``), or ``None`` for a line of borders only (``||``)."""
    stripped = line.strip()
    if stripped in ("|", "｜"):
        return ""
    if _BORDERS.match(stripped):
        return None
    return _LEADING.sub("", _TRAILING.sub("", stripped))


def read(text: str, name: str = "<text>") -> Document:
    blocks: list[Block] = []
    label: Piece | None = None
    values: list[Piece] = []

    def flush() -> None:
        if label is None:
            return
        if any(v.text for v in values) or len(values) >= 2:  # one lone "|" after a heading opens the next row
            cells = (label, *values)
            shown = " | ".join(c.text for c in cells)
            last = values[-1].line
            where = f"lines {label.line}–{last}"
            blocks.append(Row(cells, True, Piece(shown, label.line, where, end_line=last)))
        else:
            blocks.append(Line(label))

    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        cell = _cell_text(raw_line)
        if cell is None:
            continue
        piece = Piece(cell, number, f"line {number}")
        if label is not None and (value_like(cell) or (_WORDED_CHANGE.fullmatch(cell) and any(v.text for v in values))):
            values.append(piece)
            continue
        flush()
        label, values = piece, []
    flush()
    return Document(name, "cell_lines", tuple(blocks))


def looks_like(text: str) -> float:
    """1 when many lines hold a single value and few hold several cells (a page copied a cell a line), else 0."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    lone = 0
    several = 0
    for line in lines:
        cell = _cell_text(line)
        if cell is not None and value_like(cell) and "|" not in cell:  # a value, or a lone "|" (an empty cell)
            lone += 1
        elif len([part for part in line.replace("｜", "|").split("|") if part.strip()]) >= 2:
            several += 1
    tabbed = sum(1 for line in lines if line.startswith("\t"))  # Word text: cells a line too, behind a tab
    if lone < 6 or lone <= 2 * several or lone < len(lines) / 8 or tabbed >= len(lines) / 5:
        return 0.0
    return 1.0  # wins over pipe_text's score, which such pages (cells ending in ``|``) also reach
