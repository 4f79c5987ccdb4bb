"""The report as one HTML page for reading and publishing: title, the six parts, the tables with the official merged
headers (from :mod:`gaidsl.forms.layout`), a print stylesheet for A4. Blank cells are empty (never 0); unknown values
are marked. Every label and text is escaped.

``render(spec, report)`` gives a filled report; the build output is the blank report. ``grid_html`` is shared with
the HTML form, the Markdown and the PDF targets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup, escape

from gaidsl.checking.report import Report
from gaidsl.forms.layout import (
    Box,
    Grid,
    Layout,
    cell_text,
    contact_line,
    paragraphs,
    signature,
    text_of,
    unknown_text,
)
from gaidsl.language.ui_text import HTML_LANG
from gaidsl.targets import Target, drawn, environment, stylesheet_for

HERE = Path(__file__).resolve().parent

CellContent = Callable[[Box], Markup]
UNKNOWN_MARKUP = Markup('<span class="unknown" title="未知 / unknown">{}</span>')
"""How an unknown value shows in a cell of a Chinese spec (``{}``: 未知); another language's: :func:`unknown_markup`."""


def unknown_markup(language: str = "zh") -> Markup:
    """How an unknown value shows in a cell of a spec in ``language`` (``{}``: the word, :func:`unknown_text`)."""
    if language == "zh":
        return UNKNOWN_MARKUP
    return Markup('<span class="unknown" title="{}">{{}}</span>').format(unknown_text(language))


def header_id(grid: Grid, box: Box) -> str:
    return f"h-{grid.key.replace('+', '-')}-{box.row}-{box.col}"


def headers_of(grid: Grid, box: Box, cover: list[list[Box]]) -> list[Box]:
    """The header boxes that name a value box: its block's title (in a grid of blocks), the column headers above it
    and the row headers left of it."""
    found: list[Box] = []
    if grid.header_rows:
        for r in range(box.row):
            above = cover[r][box.col]
            if above.header and above not in found:
                found.append(above)
    else:  # a grid of blocks: the block's title and header row are the nearest ones above
        for r in range(box.row - 1, -1, -1):
            first = cover[r][0]
            if first.role == "corner" and cover[r][box.col].role == "column" and not found:
                found.append(cover[r][box.col])
            if first.role == "title":
                found.insert(0, first)
                break
    for c in range(box.col):
        left = cover[box.row][c]
        if left.header and left not in found:
            found.append(left)
    return found


def cell_content(report: Report | None, unknown: Markup | None = None, language: str = "zh") -> CellContent:
    """What goes into a value cell: the report's value escaped, an unknown one (the word in the spec's ``language``)
    marked with ``unknown`` (default: :func:`unknown_markup`)."""
    marked = unknown if unknown is not None else unknown_markup(language)
    word = unknown_text(language)

    def content(box: Box) -> Markup:
        text = cell_text(report, box.cell, language)
        if text == word:
            return marked.format(text)
        return escape(text)

    return content


INDENT_EM = 1.5
"""How far a coded row's label is indented per level (em)."""
_SCOPES = {"column": ' scope="col"', "title": ' scope="colgroup"', "row": ' scope="row"'}


def grid_html(grid: Grid, content: CellContent, table_class: str = "grid") -> Markup:
    """A ``<table>`` with the grid's merged cells, header cells as ``<th>`` (with ids) and value cells naming their
    headers; ``content`` gives what goes into each value cell."""
    cover = grid.occupancy()
    blocks = grid.header_rows == 0 and len(grid.tables) > 1
    classes = table_class + (" blocks" if blocks else "")
    out: list[str] = [f'<table class="{classes}" data-grid="{escape(grid.key)}">']
    if grid.caption:
        out.append(Markup("<caption>{}</caption>").format(grid.caption))
    if blocks:  # a grid of blocks: the label column, then equal data columns (the official layout)
        out.append('<colgroup><col class="label">' + "<col>" * (grid.width - 1) + "</colgroup>")
    rows = grid.rows()
    for r, boxes in enumerate(rows):
        if r == 0 and grid.header_rows:
            out.append("<thead>")
        if r == grid.header_rows:
            out.append("<tbody>")
        out.append("<tr>")
        for box in boxes:
            span = ""
            if box.rowspan > 1:
                span += f' rowspan="{box.rowspan}"'
            if box.colspan > 1:
                span += f' colspan="{box.colspan}"'
            if box.role == "value":
                ids = " ".join(header_id(grid, h) for h in headers_of(grid, box, cover))
                style = Markup(' style="text-align: left"') if box.holds_text else Markup("")  # long text wraps
                out.append(
                    Markup('<td class="value"{}{} headers="{}" data-cell="{}">{}</td>').format(
                        Markup(span), style, ids, box.cell, content(box)
                    )
                )
            elif box.role == "absent":
                out.append(Markup('<td class="absent"{}>—</td>').format(Markup(span)))
            else:
                scope = _SCOPES.get(box.role, "")
                text = Markup("<br>").join(escape(line) for line in box.text.split("\n"))
                if box.indent:  # a coded hierarchy's 款 and 项, indented by level
                    span += f' style="padding-left: {INDENT_EM * box.indent + 0.3:.1f}em"'
                out.append(
                    Markup('<th id="{}" class="{}"{}{}>{}</th>').format(
                        header_id(grid, box), box.role, Markup(scope), Markup(span), text
                    )
                )
        out.append("</tr>")
        if r == grid.header_rows - 1:
            out.append("</thead>")
    out.append("</tbody></table>")
    if grid.notes:
        out.extend(Markup('<p class="note">{}</p>').format(n) for n in grid.notes)
    return Markup("\n".join(out))


def stylesheet() -> str:
    return (HERE / "report.css").read_text(encoding="utf-8")


def render_layout(lay: Layout, report: Report | None, css: str | None = None) -> str:
    template = environment(HERE).get_template("report.html")
    parts = []
    for part in lay.parts:
        items: list[dict[str, object]] = []
        for item in part.items:
            if isinstance(item, Grid):
                items.append({"grid": grid_html(item, cell_content(report, language=lay.language))})
            else:
                text = text_of(report, item.key, lay.language)
                items.append(
                    {
                        "grid": None,
                        "heading": item.label if item.heading else None,
                        "paragraphs": paragraphs(text),
                        "unknown": text == unknown_text(lay.language),
                    }
                )
        parts.append({"key": part.key, "label": part.label, "blocks": items})
    return template.render(
        title=lay.report_title(report),
        contact=contact_line(lay, report),
        signature=signature(lay, report),
        parts=parts,
        css=Markup(stylesheet_for(css if css is not None else stylesheet(), lay.language)),
        html_lang=HTML_LANG[lay.language],
        spec_id=lay.spec_id,
        version=lay.version,
    )


render, emit = drawn(render_layout, "html")
TARGET = Target(
    "html",
    "the report as an HTML page with the official merged headers (blank report on build)",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
