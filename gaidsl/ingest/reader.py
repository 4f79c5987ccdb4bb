"""Reading one published report into a :class:`~gaidsl.checking.report.Report`, with provenance and a reading log.

The steps: pick the layout reader (:mod:`~gaidsl.ingest.detect`), turn the input into blocks, find the parts
(:mod:`~gaidsl.ingest.locate`), read each table (:mod:`~gaidsl.ingest.tables`), take each part's text, the
fields from the title and the contact details (:mod:`~gaidsl.ingest.fields`), and compare the numbers quoted in
part 一 with the tables (:mod:`~gaidsl.ingest.textchecks`). Nothing is invented: a cell is set only from a cell of
the input (or, for an out-of-date layout, marked *unknown* where the official migration would), and everything not
read is in the log with the reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import attrs

from gaidsl.checking.open_members import close
from gaidsl.checking.records import close_records
from gaidsl.checking.report import Report, Value
from gaidsl.ingest import written
from gaidsl.ingest.by_content import place_missing
from gaidsl.ingest.detect import Unreadable, choose_spec, read_document
from gaidsl.ingest.fields import contact_fields, fill_fields, find_in_text, find_title, publication_date
from gaidsl.ingest.locate import Reading, Region, TableIndex, block_text, find_parts, region_text, spec_index
from gaidsl.ingest.messages import entry
from gaidsl.ingest.model import Block, Document, Ingested, LogEntry, Provenance, Row
from gaidsl.ingest.normalise import fold, label_key
from gaidsl.ingest.open_rows import read_members
from gaidsl.ingest.records import find_lists, read_lists, record_rows
from gaidsl.ingest.result import Result
from gaidsl.ingest.side_by_side import split_document
from gaidsl.ingest.tables import read_table, split_row
from gaidsl.ingest.textchecks import TextCheck, check_overview, overview_log
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

__all__ = ["Unreadable", "ingest_bytes", "ingest_document", "ingest_file", "ingest_text"]


def ingest_document(spec: ir.Spec, document: Document) -> Result:
    document = split_document(document)  # tables printed side by side: their blocks one after the other
    if spec.records:
        return _ingest_records(spec, document)
    if spec.open_dimensions:
        return _ingest_open(spec, document)
    return _ingest_fixed(spec, document)


def _ingest_records(spec: ir.Spec, document: Document) -> Result:
    """A spec with lists of records (:mod:`~gaidsl.ingest.records`): each list's printed table found and taken
    out, the rest read as the spec without lists, then the records read (a member field against the members read);
    the result's spec has the lists as tables of the records found (``LIST.N.FIELD``), so the confidence, the review
    page and the checks cover them."""
    printed, rest = find_lists(spec, document)
    without = attrs.evolve(spec, records={}, record_checks=(), record_aggregates={})
    result = ingest_document(without, rest)
    ingested = result.ingested
    members = ingested.report.members
    counts = {key: len(record_rows(found)) for key, found in printed.items()}
    opened = close(spec, members)
    cells = close_records(opened, Report(spec.id, spec.version, members=members, records=counts))  # its cells
    reading = read_lists(spec, cells, printed, members)
    record_cells = [k for k in cells.cells if k not in result.spec.cells]
    values = {**ingested.report.values, **{k: reading.values[k] for k in record_cells if k in reading.values}}
    provenance = {**ingested.provenance, **{k: reading.provenance[k] for k in record_cells if k in reading.provenance}}
    unread = ingested.unread + tuple(k for k in record_cells if k not in reading.values)
    report = attrs.evolve(ingested.report, values=values, records=counts)
    closed = close_records(opened, report)  # the aggregates' filters decided on the values read
    ingested = attrs.evolve(
        ingested, report=report, provenance=provenance, log=ingested.log + tuple(reading.log), unread=unread
    )
    return attrs.evolve(result, ingested=ingested, spec=closed, records_spec=opened)


def _ingest_open(spec: ir.Spec, document: Document) -> Result:
    """A spec with open rows: the members first (:mod:`~gaidsl.ingest.open_rows`), then the values as for the
    report's own spec of fixed rows (the result's spec; a report with the members)."""
    found = Reading(spec)
    members = read_members(spec, document, found)
    closed = close(spec, members)
    result = _ingest_fixed(closed, document)
    ingested = result.ingested
    log = ingested.log[:1] + tuple(found.log) + ingested.log[1:]  # after the route (ING010)
    report = attrs.evolve(ingested.report, members=members)
    return attrs.evolve(result, ingested=attrs.evolve(ingested, report=report, log=log), spec=closed)


def _ingest_fixed(spec: ir.Spec, document: Document) -> Result:
    reading = Reading(spec)
    reading.note(
        "ING010",
        what=f"读取方式：{_ROUTES_ZH.get(document.route, document.route)}",
        what_en=f"read as {document.route}",
    )
    for note in document.notes:
        reading.note("ING011", what=note)
    for cut in document.side_by_side:
        titles = "、".join(cut.titles) or "—"
        reading.note("ING313", cut.where, cut.line, count=cut.blocks, titles=titles)
    sections = spec_index(spec)
    regions, start = find_parts(document, sections, reading)
    regions = place_missing(document, sections, regions, reading)
    if not regions:
        raise Unreadable(
            "未找到报告格式的任何部分（一、总体情况 … 六、其他需要报告的事项）：不是这一格式的年度报告？",
            "no part of the format was found (一、总体情况 … 六、其他需要报告的事项): not a report of this format?",
        )
    preamble_blocks = document.blocks[:start] if regions else document.blocks[:12]
    for region in regions:
        _read_region(reading, region, document.route)
    title = find_title(preamble_blocks, spec.title)
    if title is None or title.body is None or title.year is None:
        found = find_in_text(list(preamble_blocks) + list(regions[0].blocks[:8]))
        if found is not None and (found.body or found.year):
            body = title.body if title and title.body else found.body
            year = title.year if title and title.year else found.year
            shown = title or found
            reading.note("ING022", found.where, found.line, body=body or "—", year=year or "—")
            title = attrs.evolve(shown, body=body, year=year)
    if title is None or title.body is None or title.year is None:
        missing = [w for w, v in (("报告主体", title and title.body), ("年度", title and title.year)) if not v]
        en = {"报告主体": "body", "年度": "year"}
        reading.note(
            "ING020",
            title.where if title else None,
            title.line if title else None,
            what="、".join(missing),
            what_en=" and ".join(en[m] for m in missing),
        )
    else:
        reading.note("ING021", title.where, title.line, body=title.body, year=title.year)
    preamble = region_text([b for b in preamble_blocks if title is None or b.line != title.line], document.route)
    contact_sources = [(preamble, _span(preamble_blocks), _first_line(preamble_blocks))]
    # a report whose title names its first table (「一般公共预算财政拨款支出决算表」) starts that table's part at the
    # title: the lines before the table's first row (「单位名称：…」) are its preamble all the same
    opening: list[Block] = []
    for block in regions[0].blocks[:8]:
        if isinstance(block, Row):
            break
        opening.append(block)
    if opening:
        contact_sources.append((region_text(opening, document.route), _span(opening), _first_line(opening)))
    contact_sources += [
        (reading.texts[t.key], _span(r.blocks), _first_line(r.blocks))
        for r in regions
        for t in r.index.texts
        if t.key in reading.texts
    ]
    fields, field_provenance = fill_fields(
        spec, title, contact_fields(spec, contact_sources), publication_date(document.blocks)
    )
    provenance: dict[str, Provenance] = {}
    values: dict[str, Value] = {}
    for key in spec.cells:
        if key in reading.values:
            values[key] = reading.values[key]
            if key in reading.provenance:
                provenance[key] = reading.provenance[key]
    unread = tuple(k for k in spec.cells if k not in reading.values)
    _note_blanks(reading)
    for key, origin in field_provenance.items():
        provenance[f"field.{key}"] = origin
    for region in regions:
        for text in region.index.texts:
            if text.key in reading.texts:
                provenance[f"text.{text.key}"] = Provenance(
                    _span(region.blocks) or region.title.piece.where, region.title.line, "", "text"
                )
    texts = {t.key: reading.texts[t.key] for t in spec.texts.values() if t.key in reading.texts}
    report = Report(spec.id, spec.version, fields, texts, values)
    checks: tuple[TextCheck, ...] = ()
    overview = next((t.key for s in sections if s.texts for t in s.texts), None)
    if overview is not None and overview in texts:
        checks = check_overview(spec, texts[overview], values)
        reading.log.extend(overview_log(checks))
    ingested = Ingested(
        document.name,
        document.route,
        spec.file,
        report,
        provenance,
        tuple(reading.log),
        unread,
        title.text if title else None,
        preamble or None,
    )
    return Result(ingested, checks, spec)


_ROUTES_ZH = {
    "word_text": "Word 文本（单元格各占一行）",
    "pipe_text": "网页文本（单元格以 | 分隔）",
    "cell_lines": "网页文本（每个单元格一行）",
    "pdf_layout": "PDF 版面文本（按空格对齐的列）",
    "html": "网页（HTML 表格）",
    "docx": "Word 文档（.docx 表格）",
    "doc": "Word 97–2003 文档（经 LibreOffice 转为 .docx）",
    "pdf": "PDF 文件（pdfplumber：有框线的表格按单元格，其余按版面）",
}
"""How each layout reader is named in the reading log (files gaidsl wrote: :data:`gaidsl.ingest.written.ROUTES`)."""


def _span(blocks: Sequence[Block]) -> str:
    if not blocks:
        return ""
    first, last = blocks[0].line, max(b.raw.end_line or b.line if isinstance(b, Row) else b.line for b in blocks)
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _first_line(blocks: Sequence[Block]) -> int | None:
    return blocks[0].line if blocks else None


def _read_region(reading: Reading, region: Region, route: str) -> None:
    tables = region.index.tables
    label = region.index.section.label
    if len(tables) == 1:
        read_table(reading, tables[0], region.blocks, label)
    elif tables:
        for table, blocks in _split_tables(reading, region, tables):
            read_table(reading, table, blocks, label)
    if region.index.texts:
        text = region_text(_without_signature(region.blocks), route)
        reading.texts[region.index.texts[0].key] = text


_SIGNATURE_DATE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def _without_signature(blocks: Sequence[Block]) -> Sequence[Block]:
    """A part's blocks without the report's closing signature (the body's name and the date, each on a line of
    its own at the very end)."""
    end = len(blocks)
    if end and _SIGNATURE_DATE.match(fold(block_text(blocks[end - 1]))):
        end -= 1
        if (
            end
            and len(block_text(blocks[end - 1]).strip()) <= 30
            and not re.search(r"[。，；：,;:]", block_text(blocks[end - 1]))
        ):
            end -= 1
    return blocks[:end]


def _split_tables(
    reading: Reading, region: Region, tables: Sequence[TableIndex]
) -> list[tuple[TableIndex, Sequence[Block]]]:
    """Each table of a part of several with its blocks: from its title to the next table's. A table whose title is
    not printed (tables printed one below the other under the part's title alone, as gaidsl's own renderings print
    the 收入 and 支出 of a 总表) starts at its header instead: a row without numbers naming every column of the
    table, before the next table's title, and (but for the part's first table) after a row of numbers."""
    blocks = region.blocks
    starts: list[tuple[int, int, TableIndex]] = []  # (where the table is found, its first block, the table)
    position = 0
    for n, table in enumerate(tables):
        at = _title_at(blocks, position, table)
        if at is not None:
            starts.append((at, at + 1, table))
            position = at + 1
            continue
        later = (_title_at(blocks, position, t) for t in tables[n + 1 :])
        end = min((a for a in later if a is not None), default=len(blocks))
        at = _header_at(blocks, position, end, table, not starts)
        if at is not None:
            starts.append((at, at, table))
            position = at + 1
            continue
        reading.note(
            "ING110",
            None,
            None,
            tuple(table.table.cells),
            part=region.index.section.label,
            label=table.table.label or table.table.key,
        )
    found: list[tuple[TableIndex, Sequence[Block]]] = []
    for n, (_, first, table) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(blocks)
        found.append((table, blocks[first:end]))
    return found


def _has_values(block: Block, table: TableIndex) -> bool:
    return isinstance(block, Row) and any(p.text.strip() for p in split_row(block, len(table.columns))[1])


def _title_at(blocks: Sequence[Block], start: int, table: TableIndex) -> int | None:
    """The first block from ``start`` that is the table's title: a line or a row without numbers that holds the
    title (with at most a few characters more), or a header row opening with the stub (资产 | 期末余额)."""
    for bi in range(start, len(blocks)):
        block = blocks[bi]
        if _has_values(block, table):
            continue  # a row of numbers (本年收入合计 | 100) is no table's title
        key = label_key(block_text(block) if not isinstance(block, Row) else "".join(c.text for c in block.cells))
        stub = label_key(block.cells[0].text) if isinstance(block, Row) and block.cells else ""
        titled = any(k and k in key and len(key) <= len(k) + 8 for k in table.title_keys)
        if titled or (stub and stub in table.title_keys):
            return bi
    return None


def _header_at(blocks: Sequence[Block], start: int, end: int, table: TableIndex, first: bool) -> int | None:
    """The first row without numbers in ``blocks[start:end]`` whose cells name every column of the table; unless
    ``first``, only after a row of numbers (the previous table's)."""
    after_values = first
    for bi in range(start, end):
        block = blocks[bi]
        if not isinstance(block, Row):
            continue
        if _has_values(block, table):
            after_values = True
            continue
        key = label_key("".join(c.text for c in block.cells))
        if after_values and all(any(k and k in key for k in keys) for keys in table.column_keys):
            return bi
    return None


def _note_blanks(reading: Reading) -> None:
    if not reading.blanks:
        return
    by_table: dict[str, list[str]] = {}
    for key in reading.blanks:
        by_table.setdefault(key.split(".", 1)[0], []).append(key)
    for table, keys in by_table.items():
        shown = "、".join(keys) if len(keys) <= 8 else "、".join(keys[:8]) + f" …（共 {len(keys)} 个）"
        reading.note("ING133", None, None, tuple(keys), count=len(keys), keys=shown, keys_en=shown.replace("、", ", "))
        del table


# ---------------------------------------------------------------------------------------------------- entry points


def ingest_text(spec: ir.Spec, text: str, name: str = "<text>", route: str | None = None) -> Result:
    return ingest_bytes(spec, text.encode("utf-8"), name, route)


def ingest_bytes(
    spec: ir.Spec | Sequence[ir.Spec], data: bytes, name: str = "<input>", route: str | None = None
) -> Result:
    """Read ``data``; ``spec`` is one spec, or candidates to choose from by layout (``--spec auto``). A workbook or
    Word document gaidsl wrote is read back by its own map instead (:mod:`~gaidsl.ingest.written`)."""

    own = written.route_of(data, name, route)
    if own is not None:
        return written.ingest_written(spec, data, name, own)
    document = read_document(data, name, route)
    if isinstance(spec, ir.Spec):
        return ingest_document(spec, document)
    candidates = tuple(spec)
    title = find_title(document.blocks[:40])
    choice = choose_spec(document, candidates, title.year if title else None)
    result = ingest_document(choice.spec, document)
    own = "、".join(choice.found[:6]) + ("…" if len(choice.found) > 6 else "")
    scores = ", ".join(f"{v}: {n}" for v, n in choice.scores)
    note = entry(
        "ING010",
        None,
        None,
        (),
        what=f"自动选择格式 {choice.spec.version} 版（本版特有标签 {len(choice.found)} 个：{own}；各版：{scores}）",
        what_en=f"--spec auto chose version {choice.spec.version} ({len(choice.found)} labels of its own found: "
        f"{own}; all: {scores})",
    )
    ingested = attrs.evolve(result.ingested, log=(note, *result.ingested.log))
    return attrs.evolve(result, ingested=ingested)


def ingest_file(spec: ir.Spec | Sequence[ir.Spec], path: str | os.PathLike[str], route: str | None = None) -> Result:
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise Unreadable(f"无法打开文件：{reason}", f"cannot open the file: {reason}") from exc
    return ingest_bytes(spec, data, str(path), route)


def unreadable_entry(exc: Unreadable) -> LogEntry:
    """The log's one entry for an input that cannot be read: under the GAI code when the reason has one."""
    if exc.code is not None:
        return LogEntry(exc.code, "error", Text(exc.zh, exc.en))
    return entry("ING001", reason=exc.zh, reason_en=exc.en)
