"""Character offsets of the compiler's spans to and from LSP positions.

The compiler counts lines at ``"\\n"`` and columns in characters; a client counts columns in the code units it
negotiated (UTF-16 by default, so a character outside the BMP takes two). pygls's codec converts one line at a time;
the lines are split here once per text, the way the compiler splits them.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, ServerTextRange

from gaidsl.language.source import Span


class Positions:
    """One text's offsets ↔ client positions."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.text = text
        self.codec = codec
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.lines = [text[s:e] for s, e in zip(self.starts, [*self.starts[1:], len(text)], strict=True)]

    def server_position(self, offset: int) -> ServerTextPosition:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return ServerTextPosition(line, offset - self.starts[line])

    def position(self, offset: int) -> types.Position:
        return self.codec.position_to_client_units(self.lines, self.server_position(offset))

    def range(self, start: int, end: int) -> types.Range:
        server = ServerTextRange(self.server_position(start), self.server_position(end))
        return self.codec.range_to_client_units(self.lines, server)

    def span_range(self, span: Span | None) -> types.Range:
        """A span's range (the start of the text for a diagnostic without a place)."""
        if span is None:
            return self.range(0, 0)
        return self.range(span.start, span.end)

    def offset(self, position: types.Position) -> int:
        """The character offset of a client position (clamped into the text)."""
        if position.line >= len(self.lines):
            return len(self.text)
        server = self.codec.position_from_client_units(self.lines, position)
        return min(self.starts[server.line] + server.character, len(self.text))
