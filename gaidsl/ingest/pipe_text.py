"""Reading a web page saved as text: paragraphs as lines, table rows as lines with cells joined by ``|``.

What such text looks like (the 沭阳县 report is one)::

    三、收到和处理政府信息公开申请情况
    一、本年新收政府信息公开申请数量 | 26 |  |  |  |  |  | 26      ← empty cells are blanks
    三、本年度办理结果 | （一）予以公开 | 26 |  |  |  |  |  | 26

A line with a ``|`` is a row (its cells split at every ``|``, spaces trimmed; a leading ``|`` as Markdown writes it
is dropped, and a Markdown rule line ``|---|---|`` is skipped); any other line is a paragraph. Full-width ``｜``
counts as ``|``.

Cells are counted by the separators' structure. A ``|`` at the end of a row is a closing border (as Markdown writes
``| a | b |``) only when every row of its run of ``|`` lines ends with one (and no run of rows printed alike ends
with a cell's text); in a run where some rows end with a cell's text, a row ending in ``|`` ends with an *empty
cell* (``| 258 | 12 |  |  | 1 | 1 | `` is seven cells, the 总计 blank), and is kept so: the table reader drops surplus
empty cells where that leaves one reading only. A row of one label cell (``规章 |``) followed by two or more lines
of a lone ``|`` is that label's row of blanks, its cells copied one a line (as :mod:`gaidsl.ingest.cell_lines`
reads them).

A line without ``|`` whose last words are numbers after some label text (``行政许可 0``, ``规章 3 1 12``) is a row too,
of whitespace-separated values (a table of the document printed as ``label value`` lines while the others keep
their ``|`` rows: the layout is decided per line, so per table region). Such a row has no cell positions: when it
has fewer values than its table's columns it is left for review, never placed by guess. Page numbers (``- 3 -``)
are dropped (and noted); a lone ``-1`` is text.
"""

from __future__ import annotations

import re

import attrs

from gaidsl.ingest.model import Block, Document, Line, Piece, Row
from gaidsl.ingest.normalise import parse_cell
from gaidsl.ingest.pdf_layout import block_of, is_enclosed_page_number

_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _runs(lines: list[tuple[int, str]]) -> dict[int, bool]:
    """For each ``|`` line (by number): whether its run of consecutive ``|`` lines is closed (every row ends with
    a ``|``: a border, not an empty cell). A run of rows that all end with ``|`` is not closed when the document
    prints rows in the same style (with or without a leading ``|``) in an open run: there the rows end with a
    cell's text, so these end with an empty one (a table cut by a page break or a label line into runs, the rows
    after the cut all with a blank 总计)."""
    runs: list[list[tuple[int, str]]] = [[]]
    for number, text in lines:
        if "|" in text and not _RULE.match(text):
            runs[-1].append((number, text))
        elif text and "|" not in text and runs[-1]:
            runs.append([])

    def style(run: list[tuple[int, str]]) -> frozenset[bool]:
        return frozenset(text.startswith("|") for _, text in run)

    def open_row(text: str) -> bool:  # a row of a table ending with a value's text (not prose with a "|" in it)
        return not text.endswith("|") and parse_cell(text.rsplit("|", 1)[-1].strip()).kind == "number"

    ends = [all(text.endswith("|") for _, text in run) for run in runs]
    open_styles = set().union(*(style(run) for run in runs if any(open_row(text) for _, text in run)))
    closed: dict[int, bool] = {}
    for run, end in zip(runs, ends, strict=True):
        for number, _ in run:
            closed[number] = end and not style(run) & open_styles
    return closed


def read(text: str, name: str = "<text>") -> Document:
    blocks: list[Block] = []
    notes: list[str] = []
    lines = [(number, raw.replace("｜", "|").strip()) for number, raw in enumerate(text.splitlines(), start=1)]
    closed = _runs(lines)
    lone = 0  # lone "|" lines taken into the row before them
    for at, (number, line) in enumerate(lines):
        if lone:
            lone -= 1
            continue
        if not line:
            continue
        where = f"line {number}"
        if "|" not in line:
            if is_enclosed_page_number(line):
                notes.append(f"line {number}: dropped page number {line!r}")
                continue
            blocks.append(_line_or_row(line, number))
            continue
        if _RULE.match(line):
            continue
        parts = line.split("|")
        if line.startswith("|"):
            parts = parts[1:]
        if line.endswith("|") and len(parts) > 1 and closed.get(number, True):
            parts = parts[:-1]
        cells = tuple(Piece(part.strip(), number, f"line {number} · cell {i}") for i, part in enumerate(parts, 1))
        if len(cells) == 1 and cells[0].text:
            lone = _lone_cells(lines, at + 1)
            cells += tuple(Piece("", n, f"line {n} · cell 1") for n, _ in lines[at + 1 : at + 1 + lone])
        blocks.append(Row(cells, True, Piece(line, number, where)))
    return Document(name, "pipe_text", tuple(blocks), tuple(notes))


def _lone_cells(lines: list[tuple[int, str]], start: int) -> int:
    """How many lines of a lone ``|`` follow a row of one label cell (``规章 |``): its cells copied one a line, each
    empty (as :mod:`gaidsl.ingest.cell_lines` reads them). Two or more make the label's row of blanks; one alone is
    a border or the next row's opening, and is left as it is."""
    n = start
    while n < len(lines) and lines[n][1] == "|":
        n += 1
    return n - start if n - start >= 2 else 0


def _line_or_row(line: str, number: int) -> Block:
    """A paragraph, or a ``label value …`` row (values after label text; no positions: see the module notes)."""
    block = block_of(line, number)
    if isinstance(block, Row):
        labels = [p for p in block.cells if not _number_token(p.text)]
        if labels:
            cells = tuple(attrs.evolve(p, x=None) for p in block.cells)
            return Row(cells, False, block.raw)
        return Line(block.raw)
    return _noted_row(line, number) or Line(Piece(line, number, f"line {number}"))


def _noted_row(line: str, number: int) -> Row | None:
    """``行政强制 2（其中…）``: a ``label value`` line whose last value carries a note (the layout reader takes only
    plain numbers for values)."""
    tokens = line.split()
    if len(tokens) < 2 or len(line) > 60 or re.search(r"[。，；：,;:]", line):  # a sentence is not a row
        return None
    last = parse_cell(tokens[-1])
    if last.kind != "number" or not last.note or last.note[:1] not in "（(" or last.note[-1:] not in "）)":
        return None
    n = len(tokens)
    while n > 1 and parse_cell(tokens[n - 1]).kind == "number":
        n -= 1
    if not any(not _number_token(t) for t in tokens[:n]):
        return None
    cells = [Piece(" ".join(tokens[:n]), number, f"line {number} · col 1")]
    cells += [Piece(t, number, f"line {number} · value {i}") for i, t in enumerate(tokens[n:], 1)]
    return Row(tuple(cells), False, Piece(line, number, f"line {number}"))


def _number_token(text: str) -> bool:
    return bool(re.fullmatch(r"[+\-\u2212]?[\d,，.]+", text))


def looks_like(text: str) -> float:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    piped = sum(1 for line in lines if line.count("|") + line.count("｜") >= 1)
    return min(1.0, piped / max(1, len(lines)) * 2.5)
