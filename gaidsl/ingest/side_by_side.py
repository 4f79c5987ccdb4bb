"""Tables printed side by side: one printed table whose columns hold two (or more) tables, or one table in halves.

A 部门决算 prints its 收入支出决算总表 and 财政拨款收入支出决算总表 so: the incomes on the left, the expenses on the
right, in one table::

    | 收入                         |        | 支出                 |        |
    | 项目                         | 决算数 | 项目                 | 决算数 |
    | 一、一般公共预算财政拨款收入 | 100.00 | 一、一般公共服务支出 |  80.00 |
    | 二、政府性基金预算财政拨款收入|       | 二、外交支出         |        |
    |                              |        | 三、国防支出         |        |
    | 本年收入合计                 | 100.00 | 本年支出合计         |  80.00 |

and its 基本支出 table in two halves (科目编码 | 科目名称 | 决算数 | 科目编码 | 科目名称 | 决算数). Read row by row,
each printed row would hold two of the format's rows. So before anything else is read, :func:`split_document` cuts
such a table into its blocks and puts them one after the other, each block's rows in their printed order:

- a **block header** is a header row (no number in it) whose first cell's text is printed again further along the
  row (项目 … 项目, 科目编码 … 科目编码): each such place starts a block, the last block runs to the row's end;
- the rows below it (the rows of the same printed table: the same ``<table>``, Word or PDF table, or the ``|`` rows
  that follow it; and after a page break, the next printed table when its rows have as many cells as the header and
  at most a few lines of page furniture, no heading or table title, stand between) are cut at the same cells; a
  block of a row with nothing in it (the shorter side's rows) is dropped; the page furniture goes after the blocks;
- it is a side-by-side table only when every block after the first has label text in at least half of its rows
  that hold anything (a header repeated over column groups, 结果维持 … 结果维持 above a row of numbers, is not);
- a title row just above the header with one text per block (收入 | 支出) gives each block its title, printed as a
  line before the block (so the part's tables are found by their titles as when printed one below the other).

Only rows with their cells (web pages, Word, ``|``-joined text, ruled PDF tables) are cut; a PDF's layout text
(tokens by position) is not. Nothing is read here: the blocks go to the table readers like any other rows, so each
row is still matched by its label. Each table so cut is logged (ING313).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gaidsl.ingest.model import Block, Document, Line, Piece, Row, SideBySide
from gaidsl.ingest.normalise import label_key, value_like


def split_document(document: Document) -> Document:
    """``document`` with every side-by-side table cut into its blocks (see the module notes), each table so cut in
    its :attr:`~gaidsl.ingest.model.Document.side_by_side`."""
    blocks = document.blocks
    out: list[Block] = []
    splits: list[SideBySide] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        starts = _block_starts(block) if isinstance(block, Row) and block.explicit else None
        if starts is None:
            out.append(block)
            i += 1
            continue
        assert isinstance(block, Row)
        j = i + 1
        while j < len(blocks) and _same_table(block, blocks[j]):
            j += 1
        furniture: list[Block] = []
        while (more := _continued(blocks, j, block, starts, blocks[j - 1])) is not None:  # on after a page break
            furniture += blocks[j:more]
            first = blocks[more]
            assert isinstance(first, Row)
            j = more + 1
            while j < len(blocks) and _same_table(first, blocks[j]):
                j += 1
        skipped = {id(b) for b in furniture}
        body = [b for b in blocks[i + 1 : j] if isinstance(b, Row) and id(b) not in skipped]
        if not _confirmed(body, starts, len(block.cells)):
            out.append(block)
            i += 1
            continue
        titles: tuple[Piece, ...] = ()
        above = out[-1] if out else None
        if isinstance(above, Row) and _same_table(block, above):
            titles = _titles(above, len(starts))
            if titles:
                out.pop()
        columns: list[list[Block]] = [[] for _ in starts]
        for row in (block, *body):
            for n, part in enumerate(_cut(row, starts, len(block.cells))):
                if part is not None:
                    columns[n].append(part)
        for n, rows in enumerate(columns):
            if titles:
                out.append(Line(titles[n]))
            out.extend(rows)
        out.extend(furniture)
        splits.append(SideBySide(block.raw.where, block.line, len(starts), tuple(t.text for t in titles)))
        i = j
    if not splits:
        return document
    return attrs.evolve(document, blocks=tuple(out), side_by_side=document.side_by_side + tuple(splits))


def _block_starts(row: Row) -> tuple[int, ...] | None:
    """The cells where the blocks of a side-by-side header row start, or None for any other row."""
    cells = row.cells
    if len(cells) < 4 or not cells[0].text.strip() or value_like(cells[0].text):
        return None
    if any(c.text.strip() and value_like(c.text) for c in cells):
        return None  # a row with a number is not a header
    first = label_key(cells[0].text)
    starts = tuple(n for n, c in enumerate(cells) if label_key(c.text) == first)
    if len(starts) < 2:
        return None
    ends = (*starts[1:], len(cells))
    if any(end - start < 2 for start, end in zip(starts, ends, strict=True)):
        return None  # every block has its label and at least one column
    return starts


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分)")


def _continued(blocks: Sequence[Block], at: int, header: Row, starts: Sequence[int], last: Block) -> int | None:
    """Where the table whose header is ``header`` goes on after a page break: the next printed table (another
    ``<table>``, Word or PDF table), after at most a few lines of page furniture (a running head, a date, a page's
    address: no heading, no table title; a line of numbers alone), whose first row has as many cells as the header
    or as the ``last`` row before the break, and is the header printed again or a row of the blocks (not another
    table's own header: a block of words only); None if it does not."""
    n = at
    while n < len(blocks) and n - at < 4 and _furniture(blocks[n]):
        n += 1
    if n >= len(blocks):
        return None
    row = blocks[n]
    widths = {len(header.cells), len(last.cells) if isinstance(last, Row) else len(header.cells)}
    if not isinstance(row, Row) or not row.explicit or len(row.cells) not in widths:
        return None
    if header.table is not None and row.table == header.table:
        return None
    if [label_key(c.text) for c in row.cells] == [label_key(c.text) for c in header.cells]:
        return n  # the header printed again on the new page
    for part in _cut(row, starts, len(header.cells)):
        if part is None:
            continue
        filled = [c for c in part.cells if c.text.strip()]
        if len(filled) >= 2 and not any(value_like(c.text) for c in filled):
            return None  # a block of words only (a header's cells): another table with a header of its own
    return n


def _furniture(block: Block) -> bool:
    """A line between a table's pages: no heading, no table title or unit line; or a line of numbers alone printed
    outside the ruled cells (a PDF's copy of a total row's figures)."""
    if isinstance(block, Row):
        return not block.explicit and all(value_like(c.text) for c in block.cells)
    text = block.text.strip()
    return not (_HEADING.match(text) or text.endswith("表") or "单位" in text)


def _same_table(header: Row, block: Block) -> bool:
    if not isinstance(block, Row) or not block.explicit:
        return False
    return header.table is None or block.table == header.table


def _cut(row: Row, starts: Sequence[int], width: int) -> list[Row | None]:
    """The row's cells cut at the blocks' starts (of a header of ``width`` cells); None for a block with nothing
    printed in it. Blocks of one width under a header whose merged cells make it narrower than the row (经济分类科目编码
    over 类 and 款): the row is cut into as many equal blocks; another row of another width than the header's, at
    its labels when that gives as many blocks (:func:`_label_starts`)."""
    widths = {e - s for s, e in zip(starts, (*starts[1:], width), strict=True)}
    if len(row.cells) > width and len(widths) == 1 and len(row.cells) % len(starts) == 0:
        step = len(row.cells) // len(starts)
        starts = tuple(n * step for n in range(len(starts)))
    elif len(row.cells) != width:
        starts = _label_starts(row.cells, len(starts)) or starts
    ends = (*starts[1:], max(len(row.cells), starts[-1]))
    parts: list[Row | None] = []
    for start, end in zip(starts, ends, strict=True):
        cells = row.cells[start:end]
        if not any(c.text.strip() for c in cells):
            parts.append(None)
            continue
        shown = " | ".join(c.text.replace("\n", "") for c in cells)
        where = f"{row.raw.where} · cells {start + 1}–{start + len(cells)}"
        parts.append(Row(cells, True, Piece(shown, row.line, where, end_line=row.raw.end_line), table=row.table))
    return parts


def _label_starts(cells: Sequence[Piece], count: int) -> tuple[int, ...] | None:
    """For a row narrower or wider than its header (merged cells: ``人员经费合计 | 4884.09 | 公用经费合计 | 480.66``
    under six columns), the blocks' starts by its labels: a block starts at a label printed after a number; None
    unless that gives ``count`` blocks."""
    starts = [0]
    for n in range(1, len(cells)):
        text = cells[n].text.strip()
        if text and not value_like(text) and any(c.text.strip() and value_like(c.text) for c in cells[starts[-1] : n]):
            starts.append(n)
    return tuple(starts) if len(starts) == count else None


def _confirmed(body: Sequence[Row], starts: Sequence[int], width: int) -> bool:
    """Every block has label text in at least half of the body's rows that print anything in it (and some do)."""
    for n in range(len(starts)):
        printed = labelled = 0
        for row in body:
            part = _cut(row, starts, width)[n]
            if part is None:
                continue
            printed += 1
            if any(c.text.strip() and not value_like(c.text) for c in part.cells):
                labelled += 1
        if printed == 0 or 2 * labelled < printed:
            return False
    return True


def _titles(row: Row, count: int) -> tuple[Piece, ...]:
    """The blocks' titles from the title row above the header (收入 | | 支出 |): one text per block, no number."""
    texts = [c for c in row.cells if c.text.strip()]
    if len(texts) != count or any(value_like(c.text) for c in texts):
        return ()
    return tuple(texts)
