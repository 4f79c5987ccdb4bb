"""The report as plain text: headings and paragraphs as lines, and each table laid out as the published table, in
aligned columns, one line per row::

    | 信息内容       | 本年制发件数 | 本年废止件数 | 现行有效件数 |
    | 规章           |            1 |            0 |           11 |

Columns are as wide as their widest cell in display columns (CJK characters take two:
:func:`~gaidsl.language.source.display_width`), labels and texts are left-aligned and numbers right-aligned (a
text cell is one line: its line breaks become spaces, and a long text is not wrapped, so each row stays one line). A
cell merged across columns spans them; a cell merged down several rows is printed on its first row, and the rows
below leave its place empty with no ``|`` beside it (so each line's ``|`` separate exactly the cells that begin on
that row, as a web page saved as text has them, and ``gaidsl ingest`` reads the file back). A block title across the
whole grid (第二十条第（一）项) is a line of its own. Blank values print as nothing (never 0), unknown ones as 未知,
positions the table does not have as —.

``render(spec, report)`` gives a filled report; the build output is the blank report.
"""

from __future__ import annotations

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Box, Grid, Layout, cell_text, contact_line, paragraphs, signature, text_of
from gaidsl.language.source import display_width
from gaidsl.targets import Target, drawn

SEPARATOR = " | "
INDENT = "  "
"""A coded row's label is indented this much per level."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(box: Box, report: Report | None, language: str) -> str:
    if box.role == "value":
        text = cell_text(report, box.cell, language)
        return _one_line(text) if box.holds_text else text
    if box.role == "absent":
        return "—"
    return INDENT * box.indent + _one_line(box.text)  # a coded hierarchy's 款 and 项, indented by level


def _widths(grid: Grid, texts: dict[Box, str]) -> list[int]:
    """Each column's width: its widest single-column cell, then widened (at the right) until every merged cell fits
    across the columns it spans."""
    widths = [1] * grid.width
    for box, text in texts.items():
        if box.colspan == 1:
            widths[box.col] = max(widths[box.col], display_width(text))
    for box, text in sorted(texts.items(), key=lambda item: item[0].colspan):
        if box.colspan > 1:
            span = range(box.col, box.col + box.colspan)
            room = sum(widths[c] for c in span) + len(SEPARATOR) * (box.colspan - 1)
            widths[box.col + box.colspan - 1] += max(0, display_width(text) - room)
    return widths


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _row_line(boxes: list[tuple[Box, bool]], texts: dict[Box, str], widths: list[int]) -> str:
    """One grid row: ``(box, starts here)`` for each box the row crosses, left to right. A box continuing from a row
    above is blank and joins the cell to its right (or, at the end of the row, to its left): no ``|`` between."""
    starts = [i for i, (_, first) in enumerate(boxes) if first]
    owner = [
        i if first else next((j for j in starts if j > i), max((j for j in starts if j < i), default=-1))
        for i, (_, first) in enumerate(boxes)
    ]
    pieces: list[str] = []
    for index, (box, first) in enumerate(boxes):
        if index:
            pieces.append(SEPARATOR if owner[index] != owner[index - 1] else " " * len(SEPARATOR))
        width = sum(widths[c] for c in range(box.col, box.col + box.colspan)) + len(SEPARATOR) * (box.colspan - 1)
        pieces.append(
            _pad(texts[box] if first else "", width, right=first and box.role == "value" and not box.holds_text)
        )
    return "| " + "".join(pieces) + " |"


def _is_title(box: Box, grid: Grid) -> bool:
    return box.role == "title" and box.colspan == grid.width


def grid_lines(grid: Grid, report: Report | None, language: str = "zh") -> list[str]:
    lines: list[str] = []
    if grid.caption:
        lines.append(grid.caption)
    texts = {box: _text(box, report, language) for box in grid.boxes if not _is_title(box, grid)}
    widths = _widths(grid, texts)
    cover = grid.occupancy()
    for r in range(grid.height):
        crossed = [(box, box.row == r) for c, box in enumerate(cover[r]) if box.col == c]
        if len(crossed) == 1 and _is_title(crossed[0][0], grid):
            if crossed[0][1]:
                lines.append(_one_line(crossed[0][0].text))
            continue
        lines.append(_row_line(crossed, texts, widths))
    lines.extend(grid.notes)
    lines.append("")
    return lines


def render_layout(lay: Layout, report: Report | None) -> str:
    lines = [lay.report_title(report), ""]
    contact = contact_line(lay, report)
    if contact:
        lines.extend([contact, ""])
    for part in lay.parts:
        lines.append(part.label)
        for item in part.items:
            if isinstance(item, Grid):
                lines.extend(grid_lines(item, report, lay.language))
                continue
            if item.heading and item.label:
                lines.append(item.label)
            lines.extend(paragraphs(text_of(report, item.key, lay.language)))
    closing = signature(lay, report)
    if closing:
        lines.extend(["", *closing])
    return "\n".join(lines).rstrip("\n") + "\n"


render, emit = drawn(render_layout, "txt")
TARGET = Target(
    "text",
    "the report as plain text, tables in aligned columns as published (blank on build)",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
