"""A clean report printed in the published ``|``-joined web-page layout, then changed the ways real copies differ.

:func:`print_report` takes a report's values (a valid report from gaidsl's sampler, or the truth of
tests/ingest/make_cases.py) and a :class:`Layout` saying which of issue 17's layout classes to apply, and gives the
text as a site would publish it and the values that text prints (a cell printed blank is ``None``). The layout
classes (each seen in real reports, see issue 17):

- ``renumber``: an extra part 二、工作机制保障 after part 一, so the format's parts 二 … 六 are printed as 三 … 七;
- ``renamed``: part 三's heading printed as another title (四、依申请公开情况 …): only its table says where it is;
- ``drop_five``: part 五's heading missing (its text follows part 四's table);
- ``trailing``: rows of part 三 whose last cells are printed blank, each blank followed by its separator
  (``| 258 | 12 |  |  | 1 | 1 | ``; ``leading_bar``: with a ``|`` before the first cell, as that row has);
- ``page_break``: part 三's table cut by a page break before a row: a page number, the header printed again, and the
  next row's label split by the break (``split``), or printed on a line of its own before the break and its numbers
  after it (``orphan``), or its numbers before the break and the label after it (``orphan_after``);
  ``more_breaks``: further breaks, each as one of these;
- ``ocr_columns``: part 二's and part 三's column names as an OCR tool names them (数据1 … 数据7);
- ``no_header``: the tables of part 二 printed without their header rows;
- ``merged_header``: part 二's first table's header merged into its first data row;
- ``split_four``: part 四 printed as three small tables (行政复议 / 行政诉讼（未经复议直接起诉）/
  行政诉讼（复议后起诉）);
- ``notes``: notes inside cells (``22（其中修订16件）``, ``55（含自然失效29件）``) and the fee printed in 元
  (``251000元`` in a 万元 column);
- ``mixed``: part 二's tables printed as ``label value`` lines (a label, a space, the values) while the other tables
  keep their ``|`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from gaidsl.language import ir
from tests.ingest.make_cases import CORNER, LEGAL_LABELS, RESULTS, Case, proactive_blocks, requests_rows

Values = dict[str, Decimal | None]


@attrs.frozen
class Layout:
    renumber: bool = False
    renamed: bool = False
    drop_five: bool = False
    trailing: tuple[int, ...] = ()  # rows of part 三 (by index) whose last cells are printed blank
    trailing_count: int = 2
    leading_bar: bool = False  # part 三's rows printed with a leading "| " (and no closing border)
    page_break: int | None = None  # the row of part 三 before which the page breaks
    page_break_label: str = "split"  # or "orphan" (label before the break), "orphan_after" (label after it), "plain"
    more_breaks: tuple[tuple[int, str], ...] = ()  # further page breaks in part 三: (row, how) as above
    ocr_columns: bool = False
    no_header: bool = False
    merged_header: bool = False
    split_four: bool = False
    notes: tuple[int, ...] = ()  # part 二 cells (by index over the part's cells) printed with a note
    fee_in_yuan: bool = False
    mixed: bool = False


NOTES = ("（其中修订{n}件）", "（含自然失效{n}件）", "（其中网上办理{n}件）")

_NUMERALS = "一二三四五六七八九十"


def _shown(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def cell_notes(spec: ir.Spec, values: Mapping[str, Decimal | None], layout: Layout) -> dict[str, str]:
    """The notes ``layout`` prints inside cells of part 二 (by cell key): only beside numbers worth a note (≥ 2)."""
    notes: dict[str, str] = {}
    part_two = [k for k in spec.cells if k.split(".")[0] in ("regulatory_documents", "licensing", "enforcement")]
    for n, index in enumerate(layout.notes):
        key = part_two[index % len(part_two)]
        value = values[key]
        if value is not None and value >= 2:
            notes[key] = NOTES[n % len(NOTES)].format(n=int(value) // 2)
    return notes


def print_report(spec: ir.Spec, values: Mapping[str, Decimal | None], layout: Layout) -> tuple[str, Values]:
    """The report printed in ``layout``, and what it prints (the values, with the blanks the layout made)."""
    printed: Values = dict(values)
    case = Case("perturbed", "pipe_text", spec, dict(printed))  # type: ignore[arg-type]
    number = {n: n for n in _NUMERALS}
    if layout.renumber:
        number = {n: _NUMERALS[_NUMERALS.index(n) + 1] if n != "一" else n for n in _NUMERALS[:9]}

    def heading(n: str) -> str:
        return number[n] + case.part_title(n)[1:]

    requests = spec.tables["requests"]
    columns = [c.key for c in requests.columns.data_members]
    request_rows = requests_rows(case)
    for index in layout.trailing:
        if index < len(request_rows):
            key = request_rows[index][1]
            for column in columns[-layout.trailing_count :]:
                printed[f"requests.{key}.{column}"] = None
    notes = cell_notes(spec, printed, layout)

    def show(key: str) -> str:
        value = printed[key]
        if key == "fees.administrative_fee.amount" and layout.fee_in_yuan and value is not None:
            return _shown(value * 10000) + "元"
        return _shown(value) + notes.get(key, "")

    lines = [case.title(), case.preamble(), heading("一"), *case.overview()]
    if layout.renumber:
        lines += ["二、工作机制保障", "成立政务公开工作领导小组，明确专人负责。"]
    lines.append(heading("二"))
    for n, (title, header, rows) in enumerate(proactive_blocks(case)):
        table_key = next(k for k, t in spec.tables.items() if t.label == title)
        table = spec.tables[table_key]
        assert table.rows is not None
        keys = [[table.cell_key(r.key, c.key) for c in table.columns.data_members] for r in table.rows.data_members]
        lines.append(title)
        if layout.ocr_columns:
            header = [header[0], *(f"数据{i}" for i in range(1, len(header)))]
        body = [[label, *(show(k) for k in row)] for (label, _), row in zip(rows, keys, strict=True)]
        if layout.mixed:
            if not layout.no_header:
                lines.append(" ".join(header))
            lines += [" ".join(c for c in row if c) for row in body]
            for row in keys:  # a blank in a "label value" line leaves no trace: the row is not what is printed
                if any(printed[k] is None for k in row):
                    for k in row:
                        printed.pop(k, None)
            continue
        if layout.merged_header and n == 0 and not layout.no_header:
            lines.append(" | ".join(header[:-1]) + " | " + header[-1] + " " + " | ".join(body[0]))
            body = body[1:]
        elif not layout.no_header:
            lines.append(" | ".join(header))
        lines += [" | ".join(row) for row in body]
    lines += ["", heading("三") if not layout.renamed else number["三"] + "、依申请公开政府信息办理情况", ""]
    if layout.ocr_columns:
        header_lines = [" | ".join([CORNER, *(f"数据{i}" for i in range(1, len(columns) + 1))])]
    else:
        header_lines = [f"{CORNER} | 申请人情况", "自然人 | 法人或其他组织 | 总计", " | ".join(LEGAL_LABELS)]
    lines += header_lines
    for index, (labels, key) in enumerate(request_rows):
        cells = [_shown(printed[f"requests.{key}.{c}"]) for c in columns]
        breaks = dict(layout.more_breaks)
        if layout.page_break is not None:
            breaks[layout.page_break] = layout.page_break_label
        if index in breaks:
            page = ["", f"- {3 + sorted(breaks).index(index)} -", "", *header_lines]
            how = breaks[index]
            *groups, leaf = labels
            if how == "split":  # the label's first half ends the page, the rest and the numbers start the next
                cut = max(1, len(leaf) // 2)
                lines += [" | ".join([*groups, leaf[:cut]]), *page, " | ".join([leaf[cut:], *cells])]
                continue
            if how == "orphan":  # the label ends the page, the numbers start the next
                lines += [" ".join(labels), *page, "| " + " | ".join(cells) + " |"]
                continue
            if how == "orphan_after":  # the numbers end the page, the label starts the next
                lines += ["| " + " | ".join(cells) + " |", *page, " ".join(labels)]
                continue
            lines += page
        text = " | ".join([*labels, *cells])  # a blank last cell leaves the row ending in "| "
        lines.append(("| " + text) if layout.leading_bar else text)
    lines.append(heading("四"))
    appeals = spec.tables["appeals"]
    cells = [show(appeals.cell_key(None, c.key)) for c in appeals.columns.data_members]
    if layout.split_four:
        for n, title in enumerate(("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")):
            lines += [title, " | ".join(RESULTS), " | ".join(cells[5 * n : 5 * n + 5])]
    else:
        lines += ["行政复议 | 行政诉讼", " | ".join([*RESULTS, "未经复议直接起诉", "复议后起诉"])]
        lines += [" | ".join(RESULTS + RESULTS), " | ".join(cells)]
    lines.append("")
    if not layout.drop_five:
        lines.append(heading("五"))
    lines += case.problems()
    lines += [heading("六"), *case.other_matters()]
    return "\n".join(lines) + "\n", printed
