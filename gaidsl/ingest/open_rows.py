"""Open rows: the members of an open dimension read from the rows a published table prints (docs/open-dimensions.md).

A table whose rows are an open dimension (the 部门决算's 支出功能分类科目: ``rows income_subject``) prints one row per
member the report enters: its key, then its label, then the values (``2010601 | 行政运行 | 1511.89 | …``, or key and
label in one cell ``2010601 行政运行``). Before the values are read, each such table's part is found as any part is
(by its title, :func:`~gaidsl.ingest.locate.find_parts`), and every row there whose label text starts with a key
that the dimension's ``key pattern`` accepts, followed by a label, is taken as an entered member, in the printed
order (a key printed twice is one member: the first label is kept, the second logged). A row without such a key
(合计, a heading) is not a member. The spec is then closed over those members
(:func:`gaidsl.checking.open_members.close`) and the report read as one of fixed rows, so the values are matched to
their rows by label (key and label) like any other; the members go into the report (``Report.members``). Each
member read is logged (ING310) with its row's cells, so the reading's confidence covers it.

Only a dimension's rows are read here: an open dimension across columns, or a dimension without a key pattern
(members that are names, not codes), is not read (ING311) and its tables' cells are left unread.
"""

from __future__ import annotations

import re

from gaidsl.checking.open_members import close
from gaidsl.checking.report import EnteredMember
from gaidsl.ingest.locate import Reading, find_parts, spec_index
from gaidsl.ingest.model import Block, Document, Line
from gaidsl.ingest.normalise import label_key, tidy_spacing, value_like
from gaidsl.language import ir

Members = dict[str, tuple[EnteredMember, ...]]


def read_members(spec: ir.Spec, document: Document, reading: Reading) -> Members:
    """The members of each open dimension of ``spec`` that ``document`` prints as rows (see the module notes)."""
    empty = close(spec, {})
    sections = spec_index(empty)
    scratch = Reading(empty)  # finding the parts logs what the real reading logs again: kept apart
    regions, _ = find_parts(document, sections, scratch)
    found: dict[str, dict[str, tuple[EnteredMember, Block]]] = {d: {} for d in spec.open_dimensions}
    for dimension, opened in spec.open_dimensions.items():
        tables = [t for t in spec.tables.values() if t.rows is not None and t.rows.open is opened]
        if opened.key_pattern is None or not tables:
            reading.note("ING311", None, None, (), dimension=dimension)
            continue
        key = re.compile(opened.key_pattern)
        keyed = re.compile(rf"(?P<key>{opened.key_pattern})(?![0-9A-Za-z])\s*(?P<label>.+)")
        keys = {t.key for t in tables}
        fixed = frozenset(  # a fixed row's label (AGENCY OVERALL, 合计) is never an entered member's key and label
            label_key(name)
            for t in tables
            if t.rows is not None
            for m in t.rows.members
            if m.key != opened.slot
            for name in (m.label, *m.aliases)
        )
        for region in regions:
            if not keys & {t.table.key for t in region.index.tables}:
                continue
            for block in region.blocks:
                member = _member(block, key, keyed, fixed)
                if member is None:
                    continue
                seen = found[dimension].get(member.key)
                if seen is None:
                    found[dimension][member.key] = (member, block)
                elif seen[0].label != member.label:
                    reading.note(
                        "ING312",
                        block.raw.where if not isinstance(block, Line) else block.piece.where,
                        block.line,
                        (),
                        key=member.key,
                        label=member.label,
                        first=seen[0].label,
                    )
    members: Members = {}
    for dimension, entered in found.items():
        members[dimension] = tuple(m for m, _ in entered.values())
        tables = [
            t for t in spec.tables.values() if t.rows is not None and t.rows.open is spec.open_dimensions[dimension]
        ]
        for member, block in entered.values():
            cells = tuple(t.cell_key(member.key, c.key) for t in tables for c in t.columns.data_members)
            reading.note(
                "ING310",
                block.raw.where if not isinstance(block, Line) else block.piece.where,
                block.line,
                cells,
                key=member.key,
                label=member.label,
                dimension=spec.open_dimensions[dimension].dimension,
            )
    return members


def _member(
    block: Block, key: re.Pattern[str], keyed: re.Pattern[str], fixed: frozenset[str] = frozenset()
) -> EnteredMember | None:
    """The member a row prints: a key cell then a label cell (``2010601 | 行政运行 | …``), or both in its first cell
    (``2010601 行政运行 | …``); not a row printing a fixed member's label (``fixed``: their label keys)."""
    if isinstance(block, Line):
        return None
    cells = [tidy_spacing(" ".join(c.text.split())) for c in block.cells]  # a label wrapped in its cell: one line
    while cells and not cells[0]:
        cells.pop(0)
    if cells and label_key(cells[0]) in fixed:
        return None
    if len(cells) >= 2 and key.fullmatch(cells[0]) and _is_label(cells[1]):
        return None if _header_like(cells[2:]) else EnteredMember(cells[0], cells[1])
    parts = _code_parts(cells)
    if parts and key.fullmatch("".join(cells[:parts])) and len(cells) > parts and _is_label(cells[parts]):
        return None if _header_like(cells[parts + 1 :]) else EnteredMember("".join(cells[:parts]), cells[parts])
    match = keyed.fullmatch(cells[0]) if cells else None
    if match is not None and _is_label(match.group("label")) and not _header_like(cells[1:]):
        return EnteredMember(match.group("key"), match.group("label").strip())
    return None


def _header_like(rest: list[str]) -> bool:
    """A row whose cells after its label are all words, no value among them: a header's second row (``No Records |
    All Records Referred … | Request Withdrawn``), whose first cell only reads like a key and a label."""
    filled = [c for c in rest if c]
    return len(filled) >= 2 and not any(value_like(c) for c in filled)


def _code_parts(cells: list[str]) -> int:
    """How many cells a key printed in parts takes (类 | 款 | 项: ``201 | 06 | 01 | 行政运行``, the 款 and 项 cells
    empty for a 类 row): a cell of three digits, then cells of two digits or empty; 0 if the row starts otherwise."""
    if not cells or not re.fullmatch(r"\d{3}", cells[0]):
        return 0
    n = 1
    while n < len(cells) and re.fullmatch(r"(\d{2})?", cells[n]):
        n += 1
    return n if n > 1 else 0


def _is_label(text: str) -> bool:
    """Words (a member's label has letters: ``.90``, a number's decimals printed apart, is none)."""
    return bool(text) and not value_like(text) and any(c.isalpha() for c in text)
