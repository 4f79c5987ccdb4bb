"""Source text and spans: where in which file a piece of a spec came from.

Spans are kept out of equality everywhere (``eq=False`` on the attrs fields that hold them), so two specs that
differ only in layout compare equal; that is what makes ``parse(fmt(s)) == parse(s)`` testable.
"""

from __future__ import annotations

import bisect
import functools
import re

import attrs
import wcwidth


@attrs.frozen
class SourceFile:
    """A spec's text and the name it is shown under in diagnostics."""

    name: str
    text: str

    def line(self, number: int) -> str:
        """The text of 1-based line ``number`` without its newline ('' past the end)."""
        starts = _line_starts(self.text)  # lines end at "\n" only, as the parser counts them
        if not 1 <= number <= len(starts):
            return ""
        end = starts[number] - 1 if number < len(starts) else len(self.text)
        return self.text[starts[number - 1] : end].removesuffix("\r")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters, not bytes."""
        offset = max(0, min(offset, len(self.text)))
        starts = _line_starts(self.text)
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        """The span from character offset ``start`` to ``end`` (exclusive)."""
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(self.name, line, column, end_line, end_column, start, max(start, end))


@functools.lru_cache(maxsize=8)
def _line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts, found once per text (a file with thousands of diagnostics asks for the
    line and column of each: counting from the top every time made that quadratic)."""
    return [0, *(match.end() for match in re.finditer("\n", text))]


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


_CONTROL = re.compile("([\x01-\x1f\x7f-\x9f])")
"""The characters :func:`wcwidth.wcswidth` gives no width (-1): C0 and C1 controls but NUL."""


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (:func:`wcwidth.wcswidth`): wide (CJK, full-width) characters take two,
    combining and zero-width ones none, an emoji sequence as drawn; a tab takes four, another control character one.
    """
    width = wcwidth.wcswidth(text)
    if width >= 0:
        return width
    pieces = _CONTROL.split(text)  # text and control characters in turn
    return sum(max(wcwidth.wcswidth(p), 0) if i % 2 == 0 else 4 if p == "\t" else 1 for i, p in enumerate(pieces))
