"""Source text and spans: where in which file a piece of a spec came from.

Spans are kept out of equality everywhere (``eq=False`` on the attrs fields that hold them), so two specs that
differ only in layout compare equal; that is what makes ``parse(fmt(s)) == parse(s)`` testable.
"""

from __future__ import annotations

import unicodedata

import attrs


@attrs.frozen
class SourceFile:
    """A spec's text and the name it is shown under in diagnostics."""

    name: str
    text: str

    def line(self, number: int) -> str:
        """The text of 1-based line ``number`` without its newline ('' past the end)."""
        lines = self.text.split("\n")  # lines end at "\n" only, as the parser counts them
        return lines[number - 1].removesuffix("\r") if 1 <= number <= len(lines) else ""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters, not bytes."""
        offset = max(0, min(offset, len(self.text)))
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        return line, offset - start + 1

    def span(self, start: int, end: int) -> Span:
        """The span from character offset ``start`` to ``end`` (exclusive)."""
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(self.name, line, column, end_line, end_column, start, max(start, end))


@attrs.frozen
class Span:
    """A region of a source file: 1-based line/column of start and end (end exclusive), and offsets."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: wide (CJK, full-width) characters take two, tabs four."""
    width = 0
    for char in text:
        if char == "\t":
            width += 4
        elif unicodedata.combining(char):
            continue
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += 2
        else:
            width += 1
    return width
