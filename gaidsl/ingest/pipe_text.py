"""Reading a web page saved as text: paragraphs as lines, table rows as lines with cells joined by ``|``.

What such text looks like (the 沭阳县 report is one)::

    三、收到和处理政府信息公开申请情况
    一、本年新收政府信息公开申请数量 | 26 |  |  |  |  |  | 26      ← empty cells are blanks
    三、本年度办理结果 | （一）予以公开 | 26 |  |  |  |  |  | 26

A line with a ``|`` is a row (its cells split at every ``|``, spaces trimmed; a leading and a trailing ``|`` as
Markdown writes them are dropped, and a Markdown rule line ``|---|---|`` is skipped); any other line is a
paragraph. Full-width ``｜`` counts as ``|``.
"""

from __future__ import annotations

import re

from gaidsl.ingest.model import Block, Document, Line, Piece, Row

_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def read(text: str, name: str = "<text>") -> Document:
    blocks: list[Block] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.replace("｜", "|").strip()
        if not line:
            continue
        where = f"line {number}"
        if "|" not in line:
            blocks.append(Line(Piece(line, number, where)))
            continue
        if _RULE.match(line):
            continue
        parts = line.split("|")
        if line.startswith("|"):
            parts = parts[1:]
        if line.endswith("|") and len(parts) > 1:
            parts = parts[:-1]
        cells = tuple(Piece(part.strip(), number, f"line {number} · cell {i}") for i, part in enumerate(parts, 1))
        blocks.append(Row(cells, True, Piece(line, number, where)))
    return Document(name, "pipe_text", tuple(blocks))


def looks_like(text: str) -> float:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    piped = sum(1 for line in lines if line.count("|") + line.count("｜") >= 1)
    return min(1.0, piped / max(1, len(lines)) * 2.5)
