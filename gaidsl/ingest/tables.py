"""Reading one table of a part: its rows matched to the spec's rows, its values to the spec's columns.

See :mod:`gaidsl.ingest.locate` for the rules. This module does the work for one table region.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.report import BLANK as BLANK_VALUE
from gaidsl.checking.report import UNKNOWN as UNKNOWN_VALUE
from gaidsl.ingest import constraints
from gaidsl.ingest.locate import Reading, RowTarget, TableIndex
from gaidsl.ingest.model import Block, Line, Piece, Provenance, Row
from gaidsl.ingest.normalise import THRESHOLD, coverage, fold, label_key, parse_cell, similarity, value_like
from gaidsl.language import ir

OWN_BONUS = 0.01  # prefer the row whose own line carries the label over one that only has it nearby


@attrs.frozen
class RawRow:
    """A row of the input cut into label and values, with the label text used for matching."""

    block: Row
    labels: tuple[Piece, ...]
    values: tuple[Piece, ...]
    own_key: str
    window_key: str
    last_key: str  # the key of the last label cell (the row's own label without its groups)
    lead_key: str = ""  # label text printed just before the row (a page break between a label and its numbers)
    lead_line: int | None = None
    after_header: tuple[int, ...] = ()  # lines of a header printed again just before this row (dropped)

    @property
    def label(self) -> str:
        return " ".join(p.text.replace("\n", "") for p in self.labels if p.text.strip()) or self.block.text

    @property
    def shown_values(self) -> str:
        return "[" + ", ".join(p.text.replace("\n", "") or "·" for p in self.values) + "]"


def split_row(
    row: Row, width: int, columns: Sequence[tuple[str, ...]] = ()
) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Label cells and value cells of a row (values: the trailing value-like cells). Leading value-like cells
    beyond ``width`` that are empty are merged-cell places, not values, and are dropped. With the keys of the
    table's ``columns``: a row of cells whose value cells are all empty and whose label cells after the first are
    column labels (``| | | 合计 | 基本支出 | 项目支出 | |``, a header's second row under a group, as Word and PDF
    tables give it with the merged cells' places) is a header: no values."""
    cells = row.cells
    n = len(cells)
    while n > 0 and value_like(cells[n - 1].text):
        n -= 1
    labels, values = cells[:n], cells[n:]
    if row.explicit:
        # a number printed among the label cells (行政许可 | 8 | 增10 | 18): the values start there, so a
        # column's place is never taken by the cells after it (18 read as the first column); not a code printed in
        # parts before the label (201 | 06 | 01 | 行政运行: 类, 款, 项)
        lead = _code_cells(cells)
        inner = next((i for i in range(lead + 1, n) if cells[i].text.strip() and value_like(cells[i].text)), None)
        if inner is not None:
            labels, values = cells[:inner], cells[inner:]
    if row.explicit and len(values) > width:
        values = _trim_empty(values, width)
    if not row.explicit:
        values = tuple(p for p in values if p.text.strip())
    if columns and row.explicit and values and not any(p.text.strip() for p in values):
        named = [label_key(p.text) for p in labels[1:] if p.text.strip()]
        keys = {k for keys in columns for k in keys}
        if len(named) >= 2 and all(k in keys for k in named):
            return cells, ()
    return labels, values


def _code_cells(cells: Sequence[Piece]) -> int:
    """How many leading cells print a 科目编码 in parts (``201 | 06 | 01 | 行政运行``: a cell of three digits, then
    cells of two digits or empty, then the label); 0 for any other row."""
    texts = [c.text.strip() for c in cells]
    if not texts or not re.fullmatch(r"\d{3}", texts[0]):
        return 0
    n = 1
    while n < len(texts) and re.fullmatch(r"(\d{2})?", texts[n]):
        n += 1
    return n if 1 < n < len(texts) and not value_like(texts[n]) else 0


def _trim_empty(values: tuple[Piece, ...], width: int) -> tuple[Piece, ...]:
    """Drop empty cells beyond ``width`` from the front and/or the end (merged-cell places Word and web pages
    leave), when the ways of doing so that leave ``width`` cells all read the same (one way, or a row of blanks
    ``行政许可 | |||``: the first); otherwise keep them all (the row is then not read, and the log says so)."""
    extra = len(values) - width
    found = set()
    for front in range(extra + 1):
        back = extra - front
        dropped = values[:front] + values[len(values) - back :]
        if all(not p.text.strip() for p in dropped):
            found.add(values[front : len(values) - back])
    if len({tuple(p.text.strip() for p in candidate) for candidate in found}) == 1:
        return min(found, key=lambda candidate: values.index(candidate[0]))  # every way reads the same: the first
    return values


def _key(pieces: Sequence[Piece]) -> str:
    return label_key("".join(p.text for p in pieces))


def raw_rows(blocks: Sequence[Block], width: int, columns: Sequence[tuple[str, ...]] = ()) -> list[RawRow]:
    """The rows of a table region that carry values, with their label windows (see the module notes).

    Page breaks: a block without values that repeats one of the table's header blocks (the header printed again on
    the next page) is dropped (:attr:`RawRow.after_header` says where); a row of explicit cells keeps the label text
    printed just before it (a row without values or a short line, headers skipped) as its *lead*: the first half of
    a label split by the break, or the whole label of a row of numbers printed apart from it."""
    rows: list[RawRow] = []
    pending: list[str] = []  # text lines (PDF layout) since the last row
    header: set[str] = set()
    lead: list[Block] = []  # label-like blocks since the last row (explicit rows)
    repeated: list[Block] = []
    before_first: list[Block] = []  # the blocks before the first row: its header, and a page break's (see below)
    for block in blocks:
        if not rows and not (isinstance(block, Row) and split_row(block, width, columns)[1]):
            before_first.append(block)
        if isinstance(block, Line):
            key = label_key(block.text)
            if not rows:
                header.add(key)
            elif key in header:
                repeated.append(block)
                continue
            pending.append(key)
            lead = [block] if len(block.text) <= 40 and "。" not in block.text else []
            continue
        labels, values = split_row(block, width, columns)
        if not values:
            key = _key(block.cells)
            if not rows:
                header.add(key)
            elif key in header:
                repeated.append(block)
                continue
            pending.append(key)
            lead = [block]
            continue
        own = _key(labels)
        window = own
        if not block.explicit:
            window = "".join(pending) + own
            if rows and not rows[-1].block.explicit:
                previous = rows[-1]
                rows[-1] = attrs.evolve(previous, window_key=previous.window_key + "".join(pending))
        texts = [p.text for p in labels if p.text.strip()]
        lead_key = _block_key(lead[0]) if lead and block.explicit and rows else ""
        if not own and rows and not rows[-1].own_key and not rows[-1].lead_key:  # two rows of numbers without a
            lead_key = ""  # label: the label between them may be either's (page breaks both sides); the order decides
        if not rows and block.explicit:
            lead, repeated = _first_lead(before_first)
            lead_key = _block_key(lead[0]) if lead else ""
        rows.append(
            RawRow(
                block,
                labels,
                values,
                own,
                window,
                label_key(texts[-1]) if texts else "",
                lead_key,
                lead[0].line if lead_key else None,
                tuple(b.line for b in repeated),
            )
        )
        pending, lead, repeated = [], [], []
    if rows and pending and not rows[-1].block.explicit:
        rows[-1] = attrs.evolve(rows[-1], window_key=rows[-1].window_key + "".join(pending))
    return rows


def _first_lead(blocks: Sequence[Block]) -> tuple[list[Block], list[Block]]:
    """A page break before the first row: the header printed, the first half of the row's label (or all of it),
    the break, the header printed again. The block before the header's second printing is the first row's lead,
    the second printing is dropped; ``([], [])`` when the header is printed once."""
    keys = [_block_key(b) for b in blocks]
    for n in range(1, len(blocks)):
        if keys[n] in keys[:n]:
            last = keys[n - 1]
            return ([blocks[n - 1]] if last not in keys[n:] and last not in keys[: n - 1] else []), list(blocks[n:])
    return [], []


def _block_key(block: Block) -> str:
    return label_key(block.text) if isinstance(block, Line) else _key(block.cells)


LEAD_PENALTY = 0.005
"""A row matched only with the label text printed before it scores this much less (its own label wins)."""


def score(raw: RawRow, target: RowTarget) -> float:
    """How well a row's label text matches a target row: the coverage of the target's label in the label text
    (see :func:`~gaidsl.ingest.normalise.coverage`) or, for a label with characters dropped ("其他法律行政止公开"),
    its similarity to the row's own last label cell, whichever is higher; a little more when the row's own
    cells carry the label (not only the text lines around it). When that is below the threshold and the row has a
    lead (a label split by a page break), the lead and the row's own label together are tried, a little lower."""
    best = _score(raw.window_key, raw.own_key, raw.last_key, target)
    if best < THRESHOLD and raw.lead_key:
        joined = raw.lead_key + raw.own_key
        best = max(best, _score(joined, joined, "", target) - LEAD_PENALTY)
    return best


def _score(window_key: str, own_key: str, last_key: str, target: RowTarget) -> float:
    best = 0.0
    for key in target.keys:
        value = coverage(key, window_key)
        if value < THRESHOLD and last_key and len(last_key) <= 2 * len(key):
            value = max(value, similarity(key, last_key))
        if value >= THRESHOLD and window_key != own_key and coverage(key, own_key) >= THRESHOLD:
            value += OWN_BONUS
        best = max(best, value)
    return best


def align(scores: list[list[float]]) -> list[tuple[int, int]]:
    """Pairs (raw row, target) in order that maximise the total score, each score at least the threshold."""
    n = len(scores)
    m = len(scores[0]) if scores else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            value = max(below[j], row[j + 1])
            s = scores[i][j]
            if s >= THRESHOLD:
                value = max(value, s + below[j + 1])
            row[j] = value
    pairs = []
    i = j = 0
    while i < n and j < m:
        s = scores[i][j]
        if s >= THRESHOLD and abs(best[i][j] - (s + best[i + 1][j + 1])) < 1e-9:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif abs(best[i][j] - best[i + 1][j]) < 1e-9:
            i += 1
        else:
            j += 1
    return pairs


# ---------------------------------------------------------------------------------------------------- reading


class TableReader:
    def __init__(self, reading: Reading, index: TableIndex, blocks: Sequence[Block], part: str) -> None:
        self.reading = reading
        self.index = index
        self.blocks = blocks
        self.part = part
        self.width = len(index.columns)
        self.rows = raw_rows(blocks, self.width, index.column_keys)

    @property
    def table(self) -> str:
        return self.index.table.key

    def cell_key(self, row: str | None, column: int) -> str:
        return self.index.table.cell_key(row, self.index.columns[column].key)

    # ---- header
    def check_header(self, first_data_line: int | None) -> None:
        header = []
        for block in self.blocks:
            line = block.line
            if first_data_line is not None and line >= first_data_line:
                break
            header.append(label_key(block.text if isinstance(block, Line) else "".join(c.text for c in block.cells)))
        text = "".join(header)
        if not text:
            if not self._merged_header(first_data_line):
                self.by_position(first_data_line, ("无表头", "no header"))
            return
        for column, (member, keys) in enumerate(zip(self.index.columns, self.index.column_keys, strict=True)):
            if not any(coverage(k, text) >= THRESHOLD for k in keys):
                self.reading.note(
                    "ING150",
                    None,
                    None,
                    self.column_cells(column),
                    table=self.index.table.label or self.table,
                    label=member.label,
                )

    def _merged_header(self, first_data_line: int | None) -> bool:
        """A header printed in the first data row's label cells (``信息内容 | 本年制发件数 | … | 现行有效件数 规章 | 5 |
        …``): every column is named there, in the format's order. Logged (ING309); the columns are then known."""
        first = next((r for r in self.rows if r.block.line == first_data_line), None)
        if first is None:
            return False
        text = _key(first.labels)
        at = 0
        for keys in self.index.column_keys:
            found = [text.find(k, at) for k in keys if k and k in text[at:]]
            if not found:
                return False
            at = min(found) + 1
        self.reading.note(
            "ING309",
            first.block.raw.where,
            first.block.line,
            tuple(self.index.table.cells),
            table=self.index.table.label or self.table,
            label=first.label,
        )
        return True

    def column_cells(self, column: int) -> tuple[str, ...]:
        key = self.index.columns[column].key
        cells = self.reading.spec.cells
        return tuple(c for c in self.index.table.cells if c in cells and cells[c].column == key)

    def by_position(self, line: int | None, found: tuple[str, str]) -> None:
        """Log that the columns are read by position (no header names them)."""
        self.reading.note(
            "ING303",
            None,
            line,
            tuple(self.index.table.cells),
            table=self.index.table.label or self.table,
            found=found[0],
            found_en=found[1],
            labels="、".join(m.label for m in self.index.columns),
        )

    # ---- values of one row
    def place(self, raw: RawRow, row_key: str | None, reference: RawRow | None) -> bool:
        values = raw.values
        label = raw.label
        if len(values) == self.width:
            for column, piece in enumerate(values):
                self.reading.put(self.cell_key(row_key, column), piece, "cell", label)
            return True
        cells = tuple(self.cell_key(row_key, c) for c in range(self.width))
        counts = {"label": label, "found": len(values), "expected": self.width}  # what both notes below report
        if not raw.block.explicit and len(values) < self.width and reference is not None:
            placed = _by_position(values, reference.values)
            if placed is not None:
                blank = []
                for column in range(self.width):
                    key = cells[column]
                    if column in placed:
                        self.reading.put(key, placed[column], "position", label)
                    else:
                        self.reading.put(key, Piece("", raw.block.line, raw.block.raw.where), "position", label)
                        blank.append(self.index.columns[column].label)
                self.reading.note(
                    "ING160", raw.block.raw.where, raw.block.line, cells, **counts, blank="、".join(blank)
                )
                return True
        # never a fit with a label among the values (年初… | 21.63 | 年末… | 21.63: two rows printed as one); a
        # number printed with a word (增10) is one of them all the same
        if raw.block.explicit and all(value_like(p.text) or re.search(r"\d", p.text) for p in values):
            chosen = constraints.choose(self.reading.spec, cells, values)
            if chosen is not None:
                fitted, checks = chosen
                for key, piece in zip(cells, fitted, strict=True):
                    self.reading.put(key, piece, "checks", label)
                shown = "[" + ", ".join(p.text or "·" for p in fitted) + "]"
                self.reading.note(
                    "ING137" if checks else "ING138",
                    raw.block.raw.where,
                    raw.block.line,
                    cells,
                    **counts,
                    values=shown,
                    checks="、".join(checks),
                    checks_en=", ".join(checks),
                )
                return True
        self.reading.note("ING130", raw.block.raw.where, raw.block.line, cells, **counts, values=raw.shown_values)
        return False


def _centre(piece: Piece) -> float:
    return (piece.x or 0) + len(piece.text) / 2


def _by_position(values: Sequence[Piece], reference: Sequence[Piece]) -> dict[int, Piece] | None:
    """Put each value under the reference column whose centre is nearest (in order, each column once), if every
    value is clearly under one column; else None."""
    anchors = [_centre(p) for p in reference]
    if any(p.x is None for p in values) or len(anchors) < 2:
        return None
    gaps = [b - a for a, b in itertools.pairwise(anchors)]
    tolerance = max(2.0, min(gaps) * 0.6)
    placed: dict[int, Piece] = {}
    last = -1
    for piece in values:
        centre = _centre(piece)
        column = min(range(len(anchors)), key=lambda c: abs(anchors[c] - centre))
        if abs(anchors[column] - centre) > tolerance or column <= last:
            return None
        placed[column] = piece
        last = column
    return placed


# ---------------------------------------------------------------------------------------------------- whole tables


def read_table(reading: Reading, index: TableIndex, blocks: Sequence[Block], part: str) -> None:
    reader = TableReader(reading, index, blocks, part)
    if index.rows is None:
        _read_single(reader)
    else:
        _read_rows(reader, index.rows)


def _header_ok(reader: TableReader, first_data_line: int | None) -> bool:
    before = len(reader.reading.log)
    reader.check_header(first_data_line)
    missing = [e for e in reader.reading.log[before:] if e.code == "ING150"]
    if missing and len(missing) * 2 >= reader.width:
        del reader.reading.log[before:]
        generic = _generic_names(reader.blocks, first_data_line)
        if len(generic) == reader.width:
            reader.by_position(first_data_line, ("、".join(generic), ", ".join(generic)))
            return True
        cells = tuple(reader.index.table.cells)
        reader.reading.note(
            "ING151",
            None,
            first_data_line,
            cells,
            table=reader.index.table.label or reader.table,
            labels="、".join(m.label for m in reader.index.columns),
        )
        return False
    return True


_GENERIC = re.compile(r"(?:数据|数值|列|栏目?|第\s*\d+\s*列|column|col)\s*\d{1,2}", re.IGNORECASE)


def _generic_names(blocks: Sequence[Block], first_data_line: int | None) -> list[str]:
    """The column names of the header that say nothing but a number (数据1 … 数据6, as OCR tools name columns),
    each once."""
    names: list[str] = []
    for block in blocks:
        if first_data_line is not None and block.line >= first_data_line:
            break
        pieces = block.cells if isinstance(block, Row) else (block.piece,)
        for piece in pieces:
            names += [m.group().replace(" ", "") for m in _GENERIC.finditer(fold(piece.text))]
    return list(dict.fromkeys(names))  # a header printed again after a page break names the same columns


def _nearest_full(rows: Sequence[RawRow], raw: RawRow, width: int) -> RawRow | None:
    full = [r for r in rows if len(r.values) == width and r is not raw]
    if not full:
        return None
    return min(full, key=lambda r: abs(r.block.line - raw.block.line))


def _read_single(reader: TableReader) -> None:
    rows = reader.rows
    unlabelled = [r for r in rows if not any(p.text.strip() for p in r.labels)]
    candidates = unlabelled or rows
    chosen = None
    for r in candidates:
        if len(r.values) == reader.width and any(p.text.strip() for p in r.values):
            chosen = r
            break
    if chosen is None:
        chosen = next((r for r in candidates if len(r.values) == reader.width), None)
    if chosen is None and _read_split(reader, unlabelled):
        return
    if chosen is None and candidates:
        chosen = max(candidates, key=lambda r: len(r.values))
    if chosen is None:
        cells = tuple(reader.index.table.cells)
        reader.reading.note(
            "ING120", None, None, cells, label=reader.index.table.label or reader.table, count=len(cells)
        )
        return
    if not _header_ok(reader, chosen.block.line):
        return
    reader.place(chosen, None, _nearest_full(rows, chosen, reader.width))


def _column_groups(table: ir.Table) -> list[tuple[ir.Member, list[int]]]:
    """Each group of the table's columns with the positions of the data columns under it."""
    axis = table.columns
    data = list(axis.data_members)
    groups = []
    for member in axis.members:
        if member.kind != "group":
            continue
        under = []
        for n, column in enumerate(data):
            parent = column.parent
            while parent is not None and parent != member.key:
                parent = axis.by_key[parent].parent
            if parent == member.key:
                under.append(n)
        groups.append((member, under))
    return groups


def _read_split(reader: TableReader, rows: Sequence[RawRow]) -> bool:
    """A one-row table printed as several small tables, each a column group with its title and header (part 四 as
    行政复议 / 行政诉讼（未经复议直接起诉）/ 行政诉讼（复议后起诉））: each value row goes under the group its title
    names (the most specific group label found in the lines since the previous value row), when the groups so named
    are distinct, each with as many columns as its row has values, and together are every column."""
    if len(rows) < 2 or sum(len(r.values) for r in rows) != reader.width:
        return False
    groups = _column_groups(reader.index.table)
    placed: list[tuple[RawRow, ir.Member, list[int]]] = []
    previous_line = 0
    for raw in rows:
        title = label_key(
            "".join(
                b.text if isinstance(b, Line) else "".join(c.text for c in b.cells)
                for b in reader.blocks
                if previous_line <= b.line < raw.block.line and b is not raw.block
            )
        )
        previous_line = raw.block.line + 1
        named = [
            (len(label_key(g.label)), g, under)
            for g, under in groups
            if label_key(g.label) and label_key(g.label) in title and len(under) == len(raw.values)
        ]
        if not named:
            return False
        _, group, under = max(named, key=lambda n: n[0])
        placed.append((raw, group, under))
    columns = [c for _, _, under in placed for c in under]
    if sorted(columns) != list(range(reader.width)) or not _header_ok(reader, None):
        return False
    for raw, _, under in placed:
        for column, piece in zip(under, raw.values, strict=True):
            reader.reading.put(reader.cell_key(None, column), piece, "cell", raw.label)
    titles = "、".join(g.label for _, g, _ in placed)
    reader.reading.note(
        "ING307",
        placed[0][0].block.raw.where,
        placed[0][0].block.line,
        tuple(reader.index.table.cells),
        table=reader.index.table.label or reader.table,
        count=len(placed),
        titles=titles,
        titles_en=titles,
    )
    return True


def _read_rows(reader: TableReader, targets: tuple[RowTarget, ...]) -> None:
    reading = reader.reading
    rows = reader.rows
    scores = [[score(r, t) for t in targets] for r in rows]
    pairs = align(scores)
    if not pairs and _read_rows_under_columns(reader, targets):
        return
    used_rows = {i for i, _ in pairs}
    used_targets = {j for _, j in pairs}
    # second pass: a row printed out of the format's order
    for j, target in enumerate(targets):
        if j in used_targets:
            continue
        best = max((i for i in range(len(rows)) if i not in used_rows), key=lambda i: scores[i][j], default=None)
        if best is not None and scores[best][j] >= 1.0:
            pairs.append((best, j))
            used_rows.add(best)
            used_targets.add(j)
            reading.note(
                "ING123",
                rows[best].block.raw.where,
                rows[best].block.line,
                tuple(reader.cell_key(target.member.key, c) for c in range(reader.width)),
                label=target.member.label,
            )
    _place_by_order(reader, rows, targets, pairs, used_rows, used_targets)
    pairs.sort()
    for raw in rows:
        if raw.after_header:
            reading.note(
                "ING304",
                raw.block.raw.where,
                raw.after_header[0],
                table=reader.index.table.label or reader.table,
                lines=", ".join(f"line {n}" for n in raw.after_header),
            )
    first = min((rows[i].block.line for i, _ in pairs), default=None)
    if not _header_ok(reader, first):
        return
    for i, j in pairs:
        raw, target = rows[i], targets[j]
        s = scores[i][j]
        if target.keys[0] not in raw.window_key:
            by_alias = any(k in raw.window_key for k in target.keys[1:])
            how = ("别名", "an alias") if by_alias else ("近似", "similarity")
            reading.note(
                "ING121",
                raw.block.raw.where,
                raw.block.line,
                tuple(reader.cell_key(target.member.key, c) for c in range(reader.width)),
                found=raw.label,
                label=target.member.label,
                how=how[0],
                how_en=how[1],
                score=f"{min(s, 1.0):.2f}",
            )
        if raw.lead_key and _score(raw.window_key, raw.own_key, raw.last_key, target) < THRESHOLD:
            reading.note(
                "ING305",
                f"lines {raw.lead_line}–{raw.block.line}",
                raw.block.line,
                tuple(reader.cell_key(target.member.key, c) for c in range(reader.width)),
                label=target.member.label,
                lines=f"lines {raw.lead_line}–{raw.block.line}",
            )
        merged = _newer_layout(reader, rows, i, target, used_rows)
        if merged:
            continue
        reader.place(raw, target.member.key, _nearest_full(rows, raw, reader.width))
    _out_of_date(reader, rows, targets, pairs, used_rows, used_targets)
    for i, raw in enumerate(rows):
        if i not in used_rows and any(p.text.strip() for p in raw.values):
            if not raw.own_key and not raw.lead_key:
                reading.note("ING308", raw.block.raw.where, raw.block.line, values=raw.shown_values)
                continue
            reading.note("ING122", raw.block.raw.where, raw.block.line, found=raw.label, values=raw.shown_values)
    unmatched_rows = any(i not in used_rows for i in range(len(rows)))
    for j, target in enumerate(targets):
        if j in used_targets:
            continue
        cells = tuple(reader.cell_key(target.member.key, c) for c in range(reader.width))
        if all(c in reading.values for c in cells):
            continue
        printed = None if unmatched_rows else _printed_without_values(reader, target)
        if printed is not None:
            for key in cells:
                reading.put(key, Piece("", printed.line, printed.where), "position", printed.text)
            reading.note("ING161", printed.where, printed.line, cells, label=target.member.label)
            continue
        reading.note("ING120", None, None, cells, label=" · ".join(target.member.labels), count=len(cells))


def _read_rows_under_columns(reader: TableReader, targets: tuple[RowTarget, ...]) -> bool:
    """A table of few rows printed as one row of numbers, its rows' labels under every column (the 三公 table: 合计 ·
    因公出国（境）费 · …, each over 预算数 | 决算数): the header's last row names the rows over and over, in order, once
    under each column, and one row without a label has a value for each: read column by column, row by row (ING314).
    False (nothing read) for any other table."""
    count = len(targets)
    unlabelled = [r for r in reader.rows if not r.own_key and not r.lead_key]
    if len(reader.rows) != 1 or len(unlabelled) != 1 or len(unlabelled[0].values) != count * reader.width:
        return False
    raw = unlabelled[0]
    below: Row | None = None
    for block in reader.blocks:
        if block is raw.block:
            break
        if isinstance(block, Row):
            below = block
    if below is None:
        return False
    names = [label_key(c.text) for c in below.cells if c.text.strip()]
    if len(names) != count * reader.width or any(name not in targets[n % count].keys for n, name in enumerate(names)):
        return False
    if not _header_ok(reader, raw.block.line):
        return True  # the header names other columns: logged, nothing read
    for n, piece in enumerate(raw.values):
        target = targets[n % count]
        reader.reading.put(reader.cell_key(target.member.key, n // count), piece, "cell", target.member.label)
    rows = "、".join(t.member.label for t in targets)
    reader.reading.note(
        "ING314",
        raw.block.raw.where,
        raw.block.line,
        tuple(reader.index.table.cells),
        table=reader.index.table.label or reader.table,
        rows=rows,
        rows_en=", ".join(t.member.label for t in targets),
    )
    return True


def _place_by_order(
    reader: TableReader,
    rows: Sequence[RawRow],
    targets: tuple[RowTarget, ...],
    pairs: list[tuple[int, int]],
    used_rows: set[int],
    used_targets: set[int],
) -> None:
    """Rows of numbers without any label (their labels cut off by page breaks and printed where no row takes them)
    go to the format's rows between the rows read before and after them, in order, when the rows of the format free
    there are exactly as many as the rows of the input not read there and those are all such rows (ING306, each);
    otherwise they stay unread (ING308). One order keeps both in their printed order, so the placing is unambiguous."""
    for i, raw in enumerate(rows):
        if i in used_rows or raw.own_key or raw.lead_key or len(raw.values) != reader.width:
            continue
        before = max(((r, t) for r, t in pairs if r < i), default=(-1, -1))
        after = min(((r, t) for r, t in pairs if r > i), default=(len(rows), len(targets)))
        free_targets = [j for j in range(before[1] + 1, after[1]) if j not in used_targets]
        free_rows = [k for k in range(before[0] + 1, after[0]) if k not in used_rows]
        orphans = all(
            not rows[k].own_key and not rows[k].lead_key and len(rows[k].values) == reader.width for k in free_rows
        )
        if not free_targets or len(free_targets) != len(free_rows) or not orphans:
            continue
        for k, j in zip(free_rows, free_targets, strict=True):
            pairs.append((k, j))
            used_rows.add(k)
            used_targets.add(j)
            reader.reading.note(
                "ING306",
                rows[k].block.raw.where,
                rows[k].block.line,
                tuple(reader.cell_key(targets[j].member.key, c) for c in range(reader.width)),
                values=rows[k].shown_values,
                label=targets[j].member.label,
            )


def _printed_without_values(reader: TableReader, target: RowTarget) -> Piece | None:
    """In PDF layout text, a line that is the row's label alone (its cells are all blank): not a line with a number
    beside the label (``行政强制 2（其中…）``, a value the line reader did not take for one)."""
    for block in reader.blocks:
        if isinstance(block, Line) and reader.rows and not reader.rows[0].block.explicit:
            key = label_key(block.text)
            if len(key) > max(len(k) for k in target.keys) + 8:
                continue
            rests = [key.replace(k, "", 1) for k in target.keys if coverage(k, key) >= 1.0]
            if rests and not any(re.search(r"\d", r) for r in rests):
                return block.piece
    return None


def _newer_layout(reader: TableReader, rows: Sequence[RawRow], i: int, target: RowTarget, used: set[int]) -> bool:
    """A format row printed as numbered sub-rows ("（六）其他处理 | 1.… ", "2.…", "3.…"): sum them into it."""
    raw = rows[i]
    key = next((k for k in target.keys if k in raw.own_key), None)
    if key is None or target.member.kind != "leaf":
        return False
    rest = raw.own_key.split(key, 1)[1]
    if not rest.startswith("1") or len(rest) < 3:
        return False
    group = [raw]
    for k in range(i + 1, len(rows)):
        if k in used or not rows[k].own_key[:1].isdigit() or rows[k].own_key[:1] == "1":
            break
        group.append(rows[k])
    if len(group) < 2 or any(len(r.values) != reader.width for r in group):
        return False
    reading = reader.reading
    for column in range(reader.width):
        key_c = reader.cell_key(target.member.key, column)
        parts = [parse_cell(r.values[column].text) for r in group]
        where = "; ".join(r.values[column].where for r in group)
        raw_text = " + ".join(r.values[column].text for r in group)
        numbers = [p.number for p in parts if p.kind == "number" and p.number is not None]
        if len(numbers) == len(parts):
            reading.values[key_c] = sum(numbers, Decimal(0))
        elif all(p.kind in ("blank", "dash") for p in parts):
            reading.values[key_c] = BLANK_VALUE
        else:
            reading.values[key_c] = UNKNOWN_VALUE
        reading.provenance[key_c] = Provenance(where, group[0].block.line, raw_text, "merged", raw.label)
    for k in range(i + 1, i + len(group)):
        used.add(k)
    cells = tuple(reader.cell_key(target.member.key, c) for c in range(reader.width))
    reading.note("ING141", raw.block.raw.where, raw.block.line, cells, label=target.member.label, count=len(group))
    return True


def _out_of_date(
    reader: TableReader,
    rows: Sequence[RawRow],
    targets: tuple[RowTarget, ...],
    pairs: Sequence[tuple[int, int]],
    used_rows: set[int],
    used_targets: set[int],
) -> None:
    """A group of the format printed as one row (the 2019 single （六）其他处理 row in a 2021 report)."""
    axis = reader.index.table.rows
    if axis is None:
        return
    position = {t.member.key: j for j, t in enumerate(targets)}
    for group in axis.members:
        if group.kind != "group":
            continue
        leaves = [k for k in axis.leaves_under(group.key) if k in position]
        if len(leaves) < 2 or any(position[k] in used_targets for k in leaves):
            continue
        first, last = min(position[k] for k in leaves), max(position[k] for k in leaves)
        low = max((i for i, j in pairs if j < first), default=-1)
        high = min((i for i, j in pairs if j > last), default=len(rows))
        keys = _group_keys(group)
        best, best_score = None, 0.0
        for i in range(low + 1, high):
            if i in used_rows:
                continue
            s = max(coverage(k, rows[i].window_key) for k in keys)
            if s >= THRESHOLD and s > best_score:
                best, best_score = i, s
        if best is None:
            continue
        raw = rows[best]
        catch_all = next(
            (k for k in reversed(leaves) if label_key(axis.by_key[k].label).lstrip("0123456789") == "其他"), None
        )
        used_rows.add(best)
        unknown_labels = []
        for k in leaves:
            used_targets.add(position[k])
            if k == catch_all:
                continue
            unknown_labels.append(axis.by_key[k].label)
            for column in range(reader.width):
                reader.reading.unknown(reader.cell_key(k, column), raw.block.raw.where, raw.block.line, raw.label)
        cells = tuple(reader.cell_key(k, c) for k in leaves for c in range(reader.width))
        target_label = axis.by_key[catch_all].label if catch_all else "—"
        unknown = "、".join(unknown_labels)
        reader.reading.note(
            "ING140",
            raw.block.raw.where,
            raw.block.line,
            cells,
            group=group.label,
            target=target_label,
            unknown=unknown,
            unknown_en=unknown,
        )
        if catch_all is not None:
            before = set(reader.reading.provenance)
            reader.place(raw, catch_all, _nearest_full(rows, raw, reader.width))
            for key in set(reader.reading.provenance) - before:
                reader.reading.provenance[key] = attrs.evolve(reader.reading.provenance[key], how="migrated")


def _group_keys(member: object) -> tuple[str, ...]:
    label = getattr(member, "label", "")
    aliases = getattr(member, "aliases", ())
    return tuple(k for k in (label_key(label), *(label_key(a) for a in aliases)) if k)
