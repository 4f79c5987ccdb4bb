"""Parts whose titles were not found, found by what they hold: headings are hints, tables are found by their labels.

:func:`~gaidsl.ingest.locate.find_parts` finds the parts by their titles. A report that renames a part (三、依申请公开
情况 for 三、收到和处理政府信息公开申请情况) or leaves a heading out has parts that no title names; their contents
then sit at the end of the part before them. :func:`place_missing` looks for each such part there:

- a part with tables: where its first table's rows are (at least half of the table's rows printed with their own
  label, the first of them starting it), or for a table of one row, where its column headings are (two of its
  column or column-group labels in one row or short line). The header rows and short lines just before it belong to
  it (the renamed heading among them). The part before ends there. Logged ING301, with the part's cells.
- a part of text only (五、存在的主要问题及改进情况 without its heading): the lines after the last row of numbers of
  the part before it, when that part is a part of tables. Logged ING302.

Nothing is read here: the part's region goes to the table reader like any other, so its rows are matched by their
labels and nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from gaidsl.ingest.locate import Reading, Region, SectionIndex, TableIndex
from gaidsl.ingest.model import Block, Document, Line, Piece, Row
from gaidsl.ingest.normalise import label_key
from gaidsl.ingest.tables import raw_rows, split_row

_SHORT = 40


def place_missing(
    document: Document, sections: Sequence[SectionIndex], regions: Sequence[Region], reading: Reading
) -> list[Region]:
    """``regions`` with the parts not found by title added where their contents are (see the module notes)."""
    found = list(regions)
    for si, section in enumerate(sections):
        if any(r.index is section for r in found):
            continue
        order = {id(s): n for n, s in enumerate(sections)}
        before = [r for r in found if order[id(r.index)] < si]
        if not before:
            continue
        previous = before[-1]
        if section.tables:
            at = _table_start(previous.blocks, section.tables[0])
            if at is None:
                continue
            at = _header_start(previous.blocks, at, len(section.tables[0].columns))
            first = previous.blocks[at]
            title = first if isinstance(first, Line) else Line(Piece("", first.line, first.raw.where))
            body = previous.blocks[at + 1 :] if isinstance(first, Line) else previous.blocks[at:]
            reading.note(
                "ING301",
                first.raw.where if isinstance(first, Row) else first.piece.where,
                first.line,
                tuple(c for t in section.tables for c in t.table.cells),
                part=section.number or section.section.key,
                label=section.section.label,
                table=section.tables[0].table.label or section.tables[0].table.key,
                at=first.line,
            )
        elif section.texts and previous.index.tables and not previous.index.texts:
            last = max((n for n, b in enumerate(previous.blocks) if isinstance(b, Row)), default=None)
            if last is None or last + 1 >= len(previous.blocks):
                continue
            at = last + 1
            body = previous.blocks[at:]
            title = Line(Piece("", body[0].line, "—"))
            reading.note(
                "ING302",
                None,
                body[0].line,
                (),
                part=section.number or section.section.key,
                label=section.section.label,
            )
        else:
            continue
        region = Region(section, title, tuple(body))
        shortened = attrs.evolve(previous, blocks=previous.blocks[:at])
        index = found.index(previous)
        found[index : index + 1] = [shortened, region]
    placed = {r.index.section.label for r in found} - {r.index.section.label for r in regions}
    if placed:  # found after all: their "not found" entries (ING100) go
        reading.log[:] = [e for e in reading.log if not (e.code == "ING100" and _named(e.message.en, placed))]
    return found


def _named(message: str, labels: set[str]) -> bool:
    return any(f"'{label}' not found" in message for label in labels)


def _table_start(blocks: Sequence[Block], table: TableIndex) -> int | None:
    """The index of the block where ``table``'s data starts in ``blocks``, if its labels are there."""
    width = len(table.columns)
    if table.rows is None:
        wanted = _column_keys(table)
        for n, block in enumerate(blocks):
            if isinstance(block, Line) and (len(block.text) > _SHORT or "。" in block.text):
                continue
            key = label_key(block.text if isinstance(block, Line) else "".join(c.text for c in block.cells))
            if sum(1 for k in wanted if k in key) >= 2:
                return n
        return None
    rows = raw_rows(blocks, width)
    hits: dict[int, int] = {}  # target → first row (block line) with the target's own label
    for raw in rows:
        for j, target in enumerate(table.rows):
            if j not in hits and any(k in (raw.last_key, raw.own_key) for k in target.keys if k):
                hits[j] = raw.block.line
    if len(hits) * 2 < len(table.rows) or len(hits) < 2:
        return None
    first_line = min(hits.values())
    return next(n for n, b in enumerate(blocks) if b.line == first_line and isinstance(b, Row))


def _column_keys(table: TableIndex) -> list[str]:
    labels: dict[str, None] = {}
    for member in table.table.columns.members:
        key = label_key(member.label)
        if key:
            labels[key] = None
    return list(labels)


_WIDE = 4
"""A table at least this wide: a row of exactly its width just before its first row found is taken as its own."""


def _header_start(blocks: Sequence[Block], at: int, width: int) -> int:
    """Walk back from a table's first data row over its header rows (rows without values) and short lines, and
    over rows of as many values as a wide table has columns (its first row, its label split or cut off by a page
    break, so not found by label: the table reader reads it or lists it for review)."""
    n = at
    while n > 0:
        block = blocks[n - 1]
        if isinstance(block, Row):
            _, values = split_row(block, width)
            if width >= _WIDE and len(values) == width:
                n -= 1
                continue
            if values and any(p.text.strip() for p in values):
                break
        elif len(block.text) > _SHORT or "。" in block.text:
            break
        n -= 1
    return n
