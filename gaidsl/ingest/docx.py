"""Reading a Word .docx file: paragraphs and tables straight from ``word/document.xml``.

Body paragraphs become text lines; each table row becomes a row of its cells (a cell's paragraphs joined by line
breaks). A cell continuing a vertical merge (``<w:vMerge/>`` without ``restart``) is an empty cell, as in the
printed table; a cell spanning columns (``gridSpan``) is one cell. Provenance is "table T · row R · cell C";
``line`` numbers the document's top-level blocks (paragraphs and table rows) from 1.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from gaidsl.ingest.model import Block, Document, Line, Piece, Row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocxError(ValueError):
    """The bytes are not a readable .docx file."""


def _text(element: ElementTree.Element) -> str:
    parts: list[str] = []
    for node in element.iter():
        if node.tag == W + "t" and node.text:
            parts.append(node.text)
        elif node.tag == W + "tab":
            parts.append("\t")
        elif node.tag in (W + "br", W + "cr") or (node.tag == W + "p" and parts and node is not element):
            parts.append("\n")
    return "".join(parts)


def _cell_text(cell: ElementTree.Element) -> str:
    paragraphs = []
    for child in cell:
        if child.tag == W + "p" or child.tag == W + "tbl":
            paragraphs.append(_text(child).strip())
    return "\n".join(p for p in paragraphs if p)


def read_bytes(data: bytes, name: str = "<docx>") -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError) as exc:
        raise DocxError(str(exc)) from exc
    body = root.find(W + "body")
    if body is None:
        raise DocxError("word/document.xml has no body")
    blocks: list[Block] = []
    number = 0
    table_count = 0
    for child in body:
        if child.tag == W + "p":
            number += 1
            for part in _text(child).split("\n"):
                if part.strip():
                    blocks.append(Line(Piece(part.strip(), number, f"paragraph {number}")))
        elif child.tag == W + "tbl":
            table_count += 1
            for row_index, tr in enumerate(child.findall(W + "tr"), start=1):
                number += 1
                cells = []
                for cell_index, tc in enumerate(tr.findall(W + "tc"), start=1):
                    props = tc.find(W + "tcPr")
                    merge = props.find(W + "vMerge") if props is not None else None
                    continued = merge is not None and merge.get(W + "val") in (None, "continue")
                    text = "" if continued else _cell_text(tc)
                    where = f"table {table_count} · row {row_index} · cell {cell_index}"
                    cells.append(Piece(text, number, where))
                if cells:
                    raw_text = " | ".join(c.text.replace("\n", "") for c in cells)
                    raw = Piece(raw_text, number, f"table {table_count} · row {row_index}")
                    blocks.append(Row(tuple(cells), True, raw, table=table_count))
    return Document(name, "docx", tuple(blocks))


def looks_like(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
