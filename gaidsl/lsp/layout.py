"""Semantic tokens and folding ranges: what the TextMate grammar cannot know (whether a word names a table, a
dimension, a member or a unit) and where a block, a table or a run of comments can be folded.

Semantic tokens come from the index (:mod:`.index`), so a name is coloured by what it is wherever it is written:
``requests.received.natural`` is a table, a member and a member; ``in 万元`` a unit. Declarations carry the
``declaration`` modifier. Folding is read from the text (braces outside strings and comments), so it works while the
text does not parse.
"""

from __future__ import annotations

import re

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from gaidsl.lsp.analysis import Analysed
from gaidsl.lsp.index import Index
from gaidsl.lsp.positions import Positions

TOKEN_TYPES = (
    "namespace",  # section
    "class",  # table
    "enum",  # dimension
    "enumMember",  # member (a row or column)
    "function",  # check
    "type",  # unit
    "property",  # field
    "variable",  # text block
)
TOKEN_MODIFIERS = ("declaration",)
_TYPE_OF = {
    "section": 0,
    "table": 1,
    "dimension": 2,
    "member": 3,
    "check": 4,
    "unit": 5,
    "field": 6,
    "text": 7,
}
LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS))

_LEXEME = re.compile(r'"(?:\\["n\\]|[^"\\\n])*"?|(?P<comment>#[^\n]*)|(?P<open>\{)|(?P<close>\})')


def semantic_tokens(analysed: Analysed, index: Index, codec: PositionCodec) -> types.SemanticTokens:
    """Every name the index knows in this document, as LSP's relative five-number groups (line, start, length,
    type, modifiers), in text order."""
    positions = Positions(analysed.text, codec)
    found = sorted(
        (o.span.start, o.span.end, _TYPE_OF[o.symbol.kind], 1 if o.definition else 0)
        for o in index.occurrences
        if o.span.file == analysed.name and o.symbol.kind in _TYPE_OF and o.span.end <= len(analysed.text)
    )
    data: list[int] = []
    line = character = 0
    last_end = -1
    for start, end, kind, modifiers in found:
        if start < last_end:
            continue  # two symbols on one word (a migration's name in both versions): the first
        where = positions.range(start, end)
        if where.start.line != where.end.line:
            continue
        delta_line = where.start.line - line
        delta_start = where.start.character - (character if delta_line == 0 else 0)
        data.extend((delta_line, delta_start, where.end.character - where.start.character, kind, modifiers))
        line, character, last_end = where.start.line, where.start.character, end
    return types.SemanticTokens(data=data)


def folding_ranges(text: str) -> list[types.FoldingRange]:
    """A range for each ``{ … }`` block over more than one line (a format, dimension, group, section, table,
    overlay block, migration), and for each run of two or more comment lines. Lines only: no client unit counting."""
    ranges: list[types.FoldingRange] = []
    opened: list[int] = []
    comment_lines: list[int] = []
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_of(offset: int) -> int:
        low, high = 0, len(line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    def close_comments() -> None:
        if len(comment_lines) >= 2:
            ranges.append(types.FoldingRange(comment_lines[0], comment_lines[-1], kind=types.FoldingRangeKind.Comment))
        comment_lines.clear()

    for match in _LEXEME.finditer(text):
        line = line_of(match.start())
        if match.lastgroup == "comment":
            starts_line = not text[line_starts[line] : match.start()].strip()
            if starts_line and comment_lines and comment_lines[-1] == line - 1:
                comment_lines.append(line)
                continue
            close_comments()
            if starts_line:
                comment_lines.append(line)
            continue
        if comment_lines and comment_lines[-1] != line:
            close_comments()
        if match.lastgroup == "open":
            opened.append(line)
        elif match.lastgroup == "close" and opened:
            start = opened.pop()
            if line > start:
                ranges.append(types.FoldingRange(start, line - 1 if line - 1 > start else line))
    close_comments()
    return sorted(ranges, key=lambda r: (r.start_line, r.end_line))
