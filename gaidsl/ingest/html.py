"""Reading a web page (HTML) with the report's tables as ``<table>`` elements.

Text outside tables becomes paragraphs (one per block element: ``p``, ``div``, ``h1``…``h6``, ``li``, ``br``…);
each ``<tr>`` becomes a row of its ``<td>``/``<th>`` cells as the page gives them (a cell merged over rows with
``rowspan`` appears once, in its first row, which is how a reader sees it too). Scripts, styles and the ``<head>``
are skipped; entities are decoded; ``&nbsp;`` is a space, so a cell holding only one is blank. Provenance is
"table T · row R · cell C" with the line of the page the cell starts on.
"""

from __future__ import annotations

import html.parser
import re

from gaidsl.ingest.model import Block, Document, Line, Piece, Row

_BLOCK = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "blockquote",
        "pre",
        "center",
        "address",
        "dl",
        "dt",
        "dd",
        "form",
        "hr",
        "caption",
    ]
)
_SKIP = frozenset({"script", "style", "head", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.skip = 0
        self.text: list[str] = []
        self.text_line = 0
        self.tables: list[int] = []  # stack of table numbers
        self.table_count = 0
        self.row_count: list[int] = []
        self.cells: list[Piece] | None = None
        self.cell: list[str] | None = None
        self.cell_line = 0
        self.row_line = 0

    # ---- text outside tables
    def flush(self) -> None:
        if self.cell is not None:
            return
        text = _SPACES.sub(" ", "".join(self.text)).strip()
        lines = [t.strip() for t in text.split("\n") if t.strip()]
        for offset, line in enumerate(lines):
            number = self.text_line + offset
            self.blocks.append(Line(Piece(line, number, f"line {number}")))
        self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            self.flush()
            self.table_count += 1
            self.tables.append(self.table_count)
            self.row_count.append(0)
        elif tag == "tr" and self.tables:
            self.end_row()
            self.row_count[-1] += 1
            self.cells = []
            self.row_line = line
        elif tag in ("td", "th") and self.tables:
            if self.cells is None:
                self.row_count[-1] += 1
                self.cells = []
                self.row_line = line
            self.end_cell()
            self.cell = []
            self.cell_line = line
        elif tag == "br":
            self.data("\n")
        elif tag in _BLOCK:
            if self.cell is not None:
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
        elif tag == "table" and self.tables:
            self.end_row()
            self.tables.pop()
            self.row_count.pop()
        elif tag in _BLOCK:
            if self.cell is not None:
                self.data("\n")
            else:
                self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skip:
            self.data("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.data(data.replace("\r", "").replace("\n", " "))

    def data(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
            return
        if self.tables:  # text between cells: ignore
            return
        if not self.text or not "".join(self.text).strip():
            self.text_line = self.getpos()[0]
        self.text.append(text)

    # ---- tables
    def end_cell(self) -> None:
        if self.cell is None or self.cells is None:
            self.cell = None
            return
        text = "\n".join(_SPACES.sub(" ", part).strip() for part in "".join(self.cell).split("\n"))
        text = "\n".join(part for part in text.split("\n") if part)
        index = len(self.cells) + 1
        where = f"table {self.tables[-1]} · row {self.row_count[-1]} · cell {index} (line {self.cell_line})"
        self.cells.append(Piece(text, self.cell_line, where))
        self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self.cells is None:
            return
        if self.cells:
            table, row = self.tables[-1], self.row_count[-1]
            raw_text = " | ".join(c.text.replace("\n", "") for c in self.cells)
            raw = Piece(raw_text, self.row_line, f"table {table} · row {row} (line {self.row_line})")
            self.blocks.append(Row(tuple(self.cells), True, raw, table=table))
        self.cells = None

    def close(self) -> None:
        super().close()
        self.end_row()
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
