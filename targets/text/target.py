"""The report as plain text, following the convention of Word documents saved as text (as published reports are
seen in the wild): headings and paragraphs as lines; each table row as one line per cell, indented with a tab, a
merged cell once, a cell continuing a vertical merge from the row above as an empty tab line, an empty line after
each row and one more after the table. Blank values are empty lines (never 0), unknown values print 未知.

``render(spec, report)`` gives a filled report; the build output is the blank report.
"""

from __future__ import annotations

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Grid, Layout, cell_text, contact_line, paragraphs, signature, text_of
from gaidsl.targets import Target, drawn


def _one_line(text: str) -> str:
    return " ".join(text.split())


def grid_lines(grid: Grid, report: Report | None) -> list[str]:
    lines: list[str] = []
    if grid.caption:
        lines.append(grid.caption)
    cover = grid.occupancy()
    for r in range(grid.height):
        for c in range(grid.width):
            box = cover[r][c]
            if box.col != c:
                continue  # inside a horizontal merge: printed once, at its left
            if box.row != r:
                lines.append("\t")  # a vertical merge continues
            elif box.role == "value":
                lines.append("\t" + cell_text(report, box.cell))
            elif box.role == "absent":
                lines.append("\t—")
            else:
                lines.append("\t" + _one_line(box.text))
        lines.append("")
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
                lines.extend(grid_lines(item, report))
                continue
            if item.heading and item.label:
                lines.append(item.label)
            lines.extend(paragraphs(text_of(report, item.key)))
    closing = signature(lay, report)
    if closing:
        lines.extend(["", *closing])
    return "\n".join(lines).rstrip("\n") + "\n"


render, emit = drawn(render_layout, "txt")
TARGET = Target(
    "text", "the report as plain text in the convention of published reports (blank on build)", emit, render
)
