"""Matching a document's blocks to the spec: parts by their titles, tables by their titles, rows by their labels.

Parts
    A part is found by a text line whose label key (:func:`~gaidsl.ingest.normalise.label_key`) equals the
    section's label (``一、总体情况``, ``（一）总体情况`` and ``第一部分 总体情况`` all have the key ``一总体情况``),
    or the part number followed by an alias of the part's text block (``五、存在的主要问题及整改措施``), or is
    similar to one (at least :data:`TITLE_THRESHOLD`, same part number, and not a bracketed sub-head such as
    ``（二）依申请公开情况``). Parts are looked for in the spec's order; a part runs until the next part found.

Tables
    In a part with one table, the table is the whole part. In a part with several (part 二), each table starts
    at its title (``第二十条第（一）项``) and runs to the next table's title.

Rows
    Every table row of the input is cut into label cells and value cells: the value cells are the trailing
    cells that hold a number, nothing or a dash. Its label text is matched against the label of every row of the
    table the spec gives values for (and the row's aliases), by :func:`~gaidsl.ingest.normalise.coverage`. The
    rows are then paired in order (a dynamic-programming alignment that maximises the total match and keeps the
    printed order), so a label that appears twice, or a row label printed over several lines, lands on the right
    row. In PDF layout text a row's label may be printed on the lines above or below its values (or vertically):
    there the label text of a row is its own line plus the text lines between it and the rows before and after.

Columns
    The values of a row are read in the format's column order when there are exactly as many as columns (the
    header is checked to show each column's label; a missing label is logged). In PDF layout text blank cells leave
    no token; a row with fewer values is placed by the horizontal positions of its values against the nearest row
    with all its values. Otherwise the row is not read and the log says why: nothing is guessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.evaluate import cell_label
from gaidsl.checking.report import BLANK, UNKNOWN, Value
from gaidsl.ingest.messages import entry
from gaidsl.ingest.model import Block, Document, Line, LogEntry, Piece, Provenance, Row
from gaidsl.ingest.normalise import MONEY, label_key, parse_cell, similarity, tidy_spacing
from gaidsl.language import ir

_NUMERALS = "一二三四五六七八九十"
_PART_NUMBER = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．，,]")
MAX_MAGNITUDE = Decimal(10) ** 15


# ---------------------------------------------------------------------------------------------------- spec index


@attrs.frozen
class RowTarget:
    member: ir.Member
    keys: tuple[str, ...]


@attrs.frozen
class TableIndex:
    table: ir.Table
    title_keys: tuple[str, ...]
    rows: tuple[RowTarget, ...] | None
    columns: tuple[ir.Member, ...]
    column_keys: tuple[tuple[str, ...], ...]


@attrs.frozen
class SectionIndex:
    section: ir.Section
    number: str
    titles: tuple[tuple[str, str], ...]  # (key, how): how is "label" or "alias"
    tables: tuple[TableIndex, ...]
    texts: tuple[ir.TextBlock, ...]


def _keys(label: str, aliases: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in (label_key(label), *(label_key(a) for a in aliases)) if k))


@functools.lru_cache(maxsize=16)
def spec_index(spec: ir.Spec) -> tuple[SectionIndex, ...]:
    sections = []
    for section in spec.sections:
        match = _PART_NUMBER.match(section.label)
        number = match.group(1) if match else ""
        titles = [(label_key(section.label), "label")]
        tables, texts = [], []
        for kind, key in section.items:
            if kind == "text":
                block = spec.texts[key]
                texts.append(block)
                for alias in block.aliases:
                    titles.append((number + label_key(alias), "alias"))
            elif kind == "table":
                table = spec.tables[key]
                rows = None
                if table.rows is not None:
                    rows = tuple(RowTarget(m, _keys(m.label, m.aliases)) for m in table.rows.data_members)
                columns = table.columns.data_members
                tables.append(
                    TableIndex(
                        table,
                        _keys(table.label or "", table.aliases),
                        rows,
                        columns,
                        tuple(_keys(m.label, m.aliases) for m in columns),
                    )
                )
        sections.append(SectionIndex(section, number, tuple(dict.fromkeys(titles)), tuple(tables), tuple(texts)))
    return tuple(sections)


# ---------------------------------------------------------------------------------------------------- the reading


@attrs.define
class Reading:
    """What has been read so far (mutable while reading; frozen into an :class:`Ingested` at the end)."""

    spec: ir.Spec
    values: dict[str, Value] = attrs.field(factory=dict)
    provenance: dict[str, Provenance] = attrs.field(factory=dict)
    log: list[LogEntry] = attrs.field(factory=list)
    texts: dict[str, str] = attrs.field(factory=dict)
    blanks: list[str] = attrs.field(factory=list)

    def note(
        self, code: str, where: str | None = None, line: int | None = None, cells: tuple[str, ...] = (), **args: object
    ) -> None:
        self.log.append(entry(code, where, line, cells, **args))

    def put(self, key: str, piece: Piece, how: str = "cell", row_label: str | None = None) -> None:
        """Read one cell's text into ``key``: a number of the right type, a text cell's text, blank, or (logged)
        nothing."""
        if key not in self.spec.cells:  # a position without a cell (a total across a text column): nothing to read
            return
        label = cell_label(self.spec, key)
        cell = parse_cell(piece.text)
        raw = piece.text
        if cell.kind in ("blank", "dash"):
            self.values[key] = BLANK
            self.provenance[key] = Provenance(piece.where, piece.line, raw, how, row_label)
            if cell.kind == "dash":
                self.note("ING134", piece.where, piece.line, (key,), label=label, raw=raw.strip())
            else:
                self.blanks.append(key)
            return
        type_ = self.spec.cells[key].type
        if not type_.numeric:  # a text (date, choice) cell: its text as printed, checked when the data is validated
            self.values[key] = raw.strip()
            self.provenance[key] = Provenance(piece.where, piece.line, raw, how, row_label)
            return
        number = cell.number if cell.kind == "number" else None
        converted = None
        if number is not None and cell.unit in MONEY and type_.unit in MONEY and cell.unit != type_.unit:
            scale = MONEY[type_.unit] / MONEY[cell.unit]
            number = number / scale
            converted = (cell.unit, type_.unit, scale)
        problem = _type_problem(number, type_)
        if problem is not None:
            zh, en = problem
            self.note("ING131", piece.where, piece.line, (key,), label=label, raw=raw.strip(), kind=zh, kind_en=en)
            return
        assert number is not None
        if type_.kind in ("count", "integer"):
            number = number.quantize(Decimal(1))
        if number.is_zero():
            number = number.copy_abs()
        self.values[key] = number
        self.provenance[key] = Provenance(piece.where, piece.line, raw, how, row_label, cell.note)
        if converted is not None:
            printed, unit, scale = converted
            self.note(
                "ING136",
                piece.where,
                piece.line,
                (key,),
                label=label,
                raw=raw.strip(),
                unit=unit,
                scale=scale,
                printed=printed,
                value=number,
            )
        if cell.note:
            self.note("ING132", piece.where, piece.line, (key,), label=label, value=number, note=cell.note)
        if cell.joined or (piece.end_line is not None and piece.end_line != piece.line):
            self.note("ING135", piece.where, piece.line, (key,), label=label, place=piece.where, value=number)

    def unknown(self, key: str, where: str, line: int | None, row_label: str | None) -> None:
        self.values[key] = UNKNOWN
        self.provenance[key] = Provenance(where, line, "", "migrated", row_label)


def _type_problem(number: Decimal | None, type_: ir.CellType) -> tuple[str, str] | None:
    kind = type_.kind
    names = {
        "count": ("非负整数", "whole number ≥ 0"),
        "integer": ("整数", "whole number"),
        "amount": (
            f"金额（最多 {type_.decimals} 位小数）" if type_.decimals is not None else "金额",
            f"amount with at most {type_.decimals} decimals" if type_.decimals is not None else "amount",
        )
        if type_.signed
        else (
            f"非负金额（最多 {type_.decimals} 位小数）" if type_.decimals is not None else "非负金额",
            f"amount ≥ 0 with at most {type_.decimals} decimals" if type_.decimals is not None else "amount ≥ 0",
        ),
    }
    name = names.get(kind, ("数值", "number"))
    if number is None or abs(number) >= MAX_MAGNITUDE:
        return name
    whole = number == number.to_integral_value()
    if kind in ("count", "integer") and not whole:
        return name
    if type_.floored and number < 0:
        return name
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if kind == "amount" and type_.decimals is not None and max(0, -exponent) > type_.decimals:
        return name
    return None


# ---------------------------------------------------------------------------------------------------- parts


@attrs.frozen
class Region:
    index: SectionIndex
    title: Line
    blocks: tuple[Block, ...]


def _title_score(key: str, section: SectionIndex, numbered: bool = True) -> tuple[float, str]:
    """How well a title's key matches a part's title, and how; ``numbered``: the title starts with a part number
    and its separator (``三、``), so it may be a part under another number (not ``一般公共预算…``)."""
    best = (0.0, "label")
    for candidate, how in section.titles:
        if key == candidate:
            return 1.0, how
        if section.number and not key.startswith(section.number):
            continue
        if abs(len(key) - len(candidate)) > max(4, len(candidate) // 3):
            continue
        score = similarity(key, candidate)
        if score > best[0]:
            best = (score, "fuzzy" if how == "label" else "alias+fuzzy")
    if best[0] < TITLE_THRESHOLD and section.number and numbered:
        renumbered = _renumbered_score(key, section)
        if renumbered > best[0]:
            best = (renumbered, "renumbered")
    return best


RENUMBERED_PENALTY = 0.01
"""A title that matches a part's but for its number scores this much less than it would with the right number (so
a title with the right number wins where both are printed)."""


def _renumbered_score(key: str, section: SectionIndex) -> float:
    """How well a title printed under another part number (``三、主动公开政府信息情况`` where a report added a part
    二 of its own) matches the part's title without the numbers: only for a title that starts with a number."""
    match = re.match(f"^[{_NUMERALS}]{{1,3}}", key)
    if match is None or match.group() == section.number:
        return 0.0
    rest = key[match.end() :]
    best = 0.0
    for candidate, _ in section.titles:
        own = candidate[len(section.number) :] if candidate.startswith(section.number) else candidate
        if not rest or not own or abs(len(rest) - len(own)) > max(4, len(own) // 3):
            continue
        best = max(best, similarity(rest, own) - RENUMBERED_PENALTY)
    return best


TITLE_THRESHOLD = 0.85
"""The least similarity at which a line that is not exactly a part's title counts as it (stricter than for rows:
a part's text has many lines that resemble titles)."""

_NTH_PART = re.compile(r"^第([一二三四五六七八九十]{1,3})部分")


def _part_key(text: str) -> str:
    """A line's label key, with "第一部分 总体情况" read as "一、总体情况"."""
    key = label_key(text)
    match = _NTH_PART.match(key)
    return match.group(1) + key[match.end() :] if match else key


def _scan(
    document: Document, sections: Sequence[SectionIndex], start: int, pointer: int, exact: bool = False
) -> list[tuple[int, int, float, str]]:
    """The part titles from block ``start`` on, parts looked for from section ``pointer`` on, in order: (section
    index, block index, score, how). A title printed without its number (收入支出决算总表 for 一、收入支出决算总表,
    as a 部门决算's tables are titled) counts when it is the whole line. ``exact``: only titles that are a part's
    title (or alias) exactly, with or without its number."""
    numbered = all(s.number for s in sections)
    bare = [label_key(re.sub(f"^\\s*[{_NUMERALS}]{{1,3}}\\s*[、.．，,]", "", s.section.label)) for s in sections]
    found: list[tuple[int, int, float, str]] = []  # (section index, block index, score, how)
    for bi in range(start, len(document.blocks)):
        block = document.blocks[bi]
        if not isinstance(block, Line) or pointer >= len(sections):
            continue
        key = _part_key(block.text)
        bracketed = block.text.lstrip()[:1] in "（(【["
        si = next((si for si in range(pointer, len(sections)) if sections[si].number and bare[si] == key), None)
        if key and numbered and si is not None:  # 一般公共预算…表 starts with 一 and is no part number all the same
            found.append((si, bi, 1.0, "bare"))
            pointer = si + 1
            continue
        if key and numbered and key[0] not in _NUMERALS:
            continue
        if not key or len(key) > 60:
            continue
        best: tuple[int, float, str] | None = None
        for si in range(pointer, len(sections)):
            score, how = _title_score(key, sections[si], _PART_NUMBER.match(block.text) is not None)
            if score < 1.0 and (bracketed or exact or score < TITLE_THRESHOLD):
                continue  # "（二）…" is a sub-head inside a part unless it is the part's title exactly
            if best is None or score > best[1] + 1e-9:
                best = (si, score, how)
            if score == 1.0:
                break
        if best is not None:
            found.append((best[0], bi, best[1], best[2]))
            pointer = best[0] + 1
    return found


def _contents(document: Document, found: Sequence[tuple[int, int, float, str]]) -> tuple[int, int] | None:
    """The first run of three or more titles found one after the other with at most a few lines and no table row
    between them (a table of contents), as (first, last) positions in ``found``; None if there is none."""
    n = 1
    while n < len(found):
        if _empty_gap(document, found, n):
            first = n - 1
            while n < len(found) and _empty_gap(document, found, n):
                n += 1
            if n - 1 - first >= 2:
                return first, n - 1
        n += 1
    return None


def _empty_gap(document: Document, found: Sequence[tuple[int, int, float, str]], n: int) -> bool:
    between = document.blocks[found[n - 1][1] + 1 : found[n][1]]
    return len(between) <= 3 and not any(isinstance(b, Row) for b in between)


def find_parts(document: Document, sections: Sequence[SectionIndex], reading: Reading) -> tuple[list[Region], int]:
    """The parts found, in order, and the index of the first block of the first part's title (the preamble ends
    there). A table of contents (three or more part titles in a row with no table row between them, as a 部门决算
    opens with) is passed over when the parts are found again after it, each by its exact title (the contents of
    a 部门决算's explanations, 一、收入支出决算总体情况说明 …, follow it and resemble the tables' titles)."""
    found = _scan(document, sections, 0, 0)
    contents = _contents(document, found)
    if contents is not None:
        first, last = contents
        again = _scan(document, sections, found[last][1] + 1, found[first][0], exact=True)
        if len(again) >= last - first + 1:
            found = found[:first] + again
    regions = []
    for n, (si, bi, score, how) in enumerate(found):
        end = found[n + 1][1] if n + 1 < len(found) else len(document.blocks)
        title = document.blocks[bi]
        assert isinstance(title, Line)
        section = sections[si]
        regions.append(Region(section, title, document.blocks[bi + 1 : end]))
        if score < 1.0 or how != "label":
            if how == "renumbered":
                reading.note(
                    "ING300",
                    title.piece.where,
                    title.line,
                    tuple(c for t in section.tables for c in t.table.cells),
                    part=section.number,
                    found=title.text,
                    label=section.section.label,
                    score=f"{score + RENUMBERED_PENALTY:.2f}",
                )
                continue
            hows = {
                "alias": ("别名", "an alias"),
                "fuzzy": ("近似", "similarity"),
                "alias+fuzzy": ("别名近似", "a similar alias"),
                "bare": ("去掉编号的标题", "its title without the number"),
            }
            zh, en = hows.get(how, (how, how))
            reading.note(
                "ING101",
                title.piece.where,
                title.line,
                part=section.number or section.section.key,
                found=title.text,
                label=section.section.label,
                how=zh,
                how_en=en,
                score=f"{score:.2f}",
            )
    for section in sections:
        if not any(r.index is section for r in regions):
            cells = tuple(c for t in section.tables for c in t.table.cells)
            reading.note(
                "ING100", None, None, cells, part=section.number or section.section.key, label=section.section.label
            )
    start = found[0][1] if found else len(document.blocks)
    return regions, start


# ---------------------------------------------------------------------------------------------------- texts


def block_text(block: Block) -> str:
    """A block's text as printed (a row's cells joined by ``|``)."""
    return block.text


def region_text(blocks: Sequence[Block], route: str) -> str:
    """The text of a part as paragraphs. PDF layout lines are joined into paragraphs (a new one where a line is
    indented) and the spaces the layout put between Chinese characters are dropped."""
    if route not in ("pdf_layout", "pdf"):
        return "\n".join(block_text(b).strip() for b in blocks if block_text(b).strip())
    paragraphs: list[str] = []
    for block in blocks:
        text = tidy_spacing(block_text(block))
        if not text:
            continue
        if isinstance(block, Line):
            indent = block.indent
        else:
            indent = block.cells[0].x or 0 if block.cells and not block.explicit else 0
        if not paragraphs or indent >= 2:
            paragraphs.append(text)
        else:
            paragraphs[-1] += text
    return "\n".join(paragraphs)
