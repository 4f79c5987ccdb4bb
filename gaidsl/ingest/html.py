"""Reading a web page (HTML) with the report's tables as ``<table>`` elements.

Text outside tables becomes paragraphs (one per block element: ``p``, ``div``, ``h1``…``h6``, ``li``, ``br``…);
each ``<tr>`` becomes a row of its ``<td>``/``<th>`` cells as the page gives them (a cell merged over rows with
``rowspan`` appears once, in its first row, which is how a reader sees it too). Scripts, styles and the ``<head>``
are skipped; entities are decoded; ``&nbsp;`` is a space, so a cell holding only one is blank. Provenance is
"table T · row R · cell C" with the line of the page the cell starts on.

Text outside any block element (Markdown around HTML tables, as some sites and converters give) is split into
paragraphs at blank lines and before ``#`` headings.

Pages often lay the whole report out in a table. A cell that holds another table is such a layout cell: its own
text is read as paragraphs, and the tables inside it as tables. A row of a single cell (a table's title, or a
layout row) is read as paragraphs too.
"""

from __future__ import annotations

import html.parser
import re

import attrs

from gaidsl.ingest.model import Block, Document, Line, Piece, Row

_BLOCK = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header", "footer",
        "main", "nav", "blockquote", "pre", "center", "address", "dl", "dt", "dd", "form", "hr", "caption",
    }
)  # fmt: skip
_SKIP = frozenset({"script", "style", "head", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


@attrs.define
class _Table:
    number: int
    rows: int = 0
    cells: list[Piece] | None = None  # the open row's cells
    row_line: int = 0
    cell: list[str] | None = None  # the open cell's text
    cell_line: int = 0
    layout: bool = False  # the open cell holds a table: its text is paragraphs


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.skip = 0
        self.text: list[str] = []
        self.text_line = 0
        self.stack: list[_Table] = []
        self.count = 0
        self.open_blocks = 0  # block elements open around the text: none means bare text (Markdown around HTML)
        self.caption = False  # inside a table's <caption>: its text is the table's title, a line before its rows

    @property
    def top(self) -> _Table | None:
        return self.stack[-1] if self.stack else None

    def in_cell(self) -> bool:
        top = self.top
        return top is not None and top.cell is not None and not top.layout

    # ---- paragraphs
    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.text)).strip()
        for offset, line in enumerate(t.strip() for t in text.split("\n") if t.strip()):
            number = self.text_line + offset
            self.blocks.append(Line(Piece(line, number, f"line {number}")))
        self.text = []

    def data(self, text: str, line: int | None = None) -> None:
        """``text`` into the open cell or paragraph; ``line``: where it starts when the parser's position (the start
        of the whole chunk of text) is not (a later line of bare text)."""
        if self.in_cell():
            top = self.top
            assert top is not None and top.cell is not None
            top.cell.append(text)
            return
        top = self.top
        if top is not None and top.cell is None and not self.caption:  # between cells: not content
            return
        if not "".join(self.text).strip():
            self.text_line = line if line is not None else self.getpos()[0]
        self.text.append(text)

    # ---- tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        top = self.top
        if tag == "table":
            if top is not None and top.cell is not None and not top.layout:
                top.layout = True  # a table inside a cell: the cell is layout, its text so far paragraphs
                self.text = list(top.cell)
                self.text_line = top.cell_line
            self.flush()
            self.count += 1
            self.stack.append(_Table(self.count))
        elif tag == "tr" and top is not None:
            self.end_row()
            top.rows += 1
            top.cells = []
            top.row_line = line
        elif tag in ("td", "th") and top is not None:
            if top.cells is None:
                top.rows += 1
                top.cells = []
                top.row_line = line
            self.end_cell()
            top.cell = []
            top.cell_line = line
            top.layout = False
        elif tag == "br":
            self.data("\n")
        elif tag == "caption" and top is not None and top.cell is None:
            self.flush()
            self.caption = True
        elif tag in _BLOCK:
            if tag != "hr":
                self.open_blocks += 1
            if self.in_cell():
                self.data("\n")
            else:
                self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in ("td", "th"):
            self.end_cell()
        elif tag == "tr":
            self.end_row()
        elif tag == "table" and self.stack:
            self.end_row()
            self.flush()
            self.caption = False
            self.stack.pop()
        elif tag == "caption" and self.caption:
            self.flush()
            self.caption = False
        elif tag in _BLOCK:
            self.open_blocks = max(0, self.open_blocks - 1)
            if self.in_cell():
                self.data("\n")
            else:
                self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skip:
            self.data("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        data = data.replace("\r", "")
        bare = self.open_blocks == 0 and not self.in_cell() and not self.stack
        start = self.getpos()[0]
        if bare and "\n\n" in data:  # paragraphs of bare text (Markdown with HTML tables) are blank-line separated
            parts = data.split("\n\n")
            for part in parts[:-1]:
                self.data(part.replace("\n", " "), start + len(part) - len(part.lstrip("\n")))
                self.flush()
                start += part.count("\n") + 2
            data = parts[-1]
            line = start + len(data) - len(data.lstrip("\n"))
            self.data(data.replace("\n", " "), line)
            return
        if bare and "\n" in data:
            first, *rest = data.split("\n")
            self.data(first, start)
            for number, part in enumerate(rest, start + 1):
                if part.lstrip().startswith("#"):  # a Markdown heading starts its own line
                    self.flush()
                self.data(" " + part, number)
            return
        self.data(data.replace("\n", " "))

    # ---- cells and rows
    def end_cell(self) -> None:
        top = self.top
        if top is None or top.cell is None:
            return
        if top.layout:
            self.flush()
        elif top.cells is not None:
            text = "\n".join(_SPACES.sub(" ", part).strip() for part in "".join(top.cell).split("\n"))
            text = "\n".join(part for part in text.split("\n") if part)
            where = f"table {top.number} · row {top.rows} · cell {len(top.cells) + 1} (line {top.cell_line})"
            top.cells.append(Piece(text, top.cell_line, where))
        top.cell = None
        top.layout = False

    def end_row(self) -> None:
        self.end_cell()
        top = self.top
        if top is None or top.cells is None:
            return
        cells = top.cells
        top.cells = None
        if len(cells) == 1:  # a title row or a layout row: paragraphs
            for part in cells[0].text.split("\n"):
                if part.strip():
                    self.blocks.append(Line(Piece(part.strip(), cells[0].line, cells[0].where)))
        elif cells:
            raw_text = " | ".join(c.text.replace("\n", "") for c in cells)
            raw = Piece(raw_text, top.row_line, f"table {top.number} · row {top.rows} (line {top.row_line})")
            self.blocks.append(Row(tuple(cells), True, raw, table=top.number))

    def close(self) -> None:
        super().close()
        while self.stack:
            self.end_row()
            self.flush()
            self.stack.pop()
        self.flush()


def read(text: str, name: str = "<html>") -> Document:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return Document(name, "html", tuple(parser.blocks))


_TAG = re.compile(r"<\s*(html|body|table|p|div|tr|td)\b", re.IGNORECASE)


def looks_like(text: str) -> float:
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:8192].lower():
        return 1.0
    return min(1.0, len(_TAG.findall(text[:200000])) / 10)
