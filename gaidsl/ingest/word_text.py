"""Reading plain text saved from a Word document: each table cell on its own line, indented with a tab.

What such text looks like (the 九甲镇 report is one)::

    二、主动公开政府信息情况          ← a paragraph: no tab
    \t第二十条第（一）项               ← a row of one cell
                                      ← an empty line ends a row
    \t信息内容
    \t本年制发件数
    …
    \t（二）部分公开（…）
    \t0                               ← a cell
    \t                                ← an empty cell (a blank, or a merged cell's place)
    0                                 ← no tab, right after a cell: the same cell goes on (a stray line break)

Rules: a line starting with a tab is a cell of the current row (further tabs inside it separate more cells); a
line without a tab directly after a cell line continues that cell (header words split over lines, "商业\\n企业",
and values broken by a stray line break); an empty line ends the row; any other line is a paragraph. A line with
tabs between words but none in front is a whole tab-delimited row. Word's markers such as ``[bookmark: _GoBack]``
are dropped (and noted).
"""

from __future__ import annotations

import re

from gaidsl.ingest.model import Block, Document, Line, Piece, Row

_MARKER = re.compile(r"\[(?:bookmark|BOOKMARK): [^\]]*\]")


class _RowBuilder:
    def __init__(self) -> None:
        self.cells: list[list[str]] = []
        self.lines: list[tuple[int, int]] = []  # first and last line of each cell

    def add(self, text: str, line: int) -> None:
        self.cells.append([text])
        self.lines.append((line, line))

    def extend(self, text: str, line: int) -> None:
        self.cells[-1].append(text)
        self.lines[-1] = (self.lines[-1][0], line)

    def build(self) -> Row:
        pieces = []
        for parts, (first, last) in zip(self.cells, self.lines, strict=True):
            text = "\n".join(parts)
            where = f"line {first}" if first == last else f"lines {first}–{last}"
            pieces.append(Piece(text, first, where, end_line=last))
        first_line, last_line = self.lines[0][0], self.lines[-1][1]
        where = f"line {first_line}" if first_line == last_line else f"lines {first_line}–{last_line}"
        raw = Piece(" | ".join(p.text.replace("\n", "") for p in pieces), first_line, where, end_line=last_line)
        return Row(tuple(pieces), True, raw)


def read(text: str, name: str = "<text>") -> Document:
    blocks: list[Block] = []
    notes: list[str] = []
    row: _RowBuilder | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n")
        if _MARKER.search(line):
            notes.append(f"line {number}: dropped Word marker {_MARKER.search(line).group(0)}")  # type: ignore[union-attr]
            line = _MARKER.sub("", line)
        if line.startswith("\t"):
            parts = line.lstrip("\t").split("\t")
            if row is None:
                row = _RowBuilder()
            for part in parts:
                row.add(part.strip(), number)
            continue
        if not line.strip():
            if row is not None:
                blocks.append(row.build())
                row = None
            continue
        if row is not None and not _looks_like_part_title(line):
            row.extend(line.strip(), number)
            continue
        if row is not None:
            blocks.append(row.build())
            row = None
        if "\t" in line.strip():
            cells = tuple(Piece(part.strip(), number, f"line {number}") for part in line.strip().split("\t"))
            blocks.append(Row(cells, True, Piece(line.strip().replace("\t", " | "), number, f"line {number}")))
            continue
        blocks.append(Line(Piece(line.strip(), number, f"line {number}")))
    if row is not None:
        blocks.append(row.build())
    return Document(name, "word_text", tuple(blocks), tuple(notes))


_PART_TITLE = re.compile(r"^\s*[一二三四五六七八九十]{1,2}\s*[、.．，,]\s*\S{2,}")


def _looks_like_part_title(line: str) -> bool:
    """A paragraph that starts a part ("四、政府信息公开行政复议…") is never the continuation of a cell."""
    return bool(_PART_TITLE.match(line)) and len(line.strip()) <= 40


def looks_like(text: str) -> float:
    """How much ``text`` looks like Word text with tab-indented cells (0 … 1)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    tabbed = sum(1 for line in lines if line.startswith("\t"))
    return min(1.0, tabbed / max(1, len(lines)) * 2)
