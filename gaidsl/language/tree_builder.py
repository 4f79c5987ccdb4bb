"""The base of the Lark-tree → AST transformers (:mod:`gaidsl.language.build_ast`,
:mod:`gaidsl.language.build_migration`): spans from Lark's positions, whole numbers checked, strings unquoted."""

from __future__ import annotations

from typing import Any

from lark import Token, Transformer

from gaidsl.language.diagnostics import Diagnostic, error
from gaidsl.language.source import SourceFile, Span


def unquote(token: str) -> str:
    """The value of a STRING token: quotes removed, ``\\\\``, ``\\"`` and ``\\n`` unescaped."""
    body = token[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


class TreeBuilder(Transformer[Token, Any]):
    """What every rule method needs; the problems found in the tree's values are collected, not raised."""

    def __init__(self, source: SourceFile) -> None:
        super().__init__()
        self.source = source
        self.problems: list[Diagnostic] = []

    # -------------------------------------------------------------------------------------------- helpers
    def _span(self, meta: Any) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(
            self.source.name, meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos
        )

    def _tok_span(self, token: Token) -> Span:
        return Span(
            self.source.name,
            token.line or 1,
            token.column or 1,
            token.end_line or 1,
            token.end_column or 1,
            token.start_pos or 0,
            token.end_pos or 0,
        )

    def _number(self, token: Token, what: str, what_en: str) -> int:
        if "." in token:
            self.problems.append(error("GAI007", self._tok_span(token), what=what, what_en=what_en, value=str(token)))
            return 0
        if len(token) > 9:  # far out of any range (and int() refuses thousands of digits)
            shown = token if len(token) <= 20 else token[:20] + "…"
            self.problems.append(error("GAI208", self._tok_span(token), value=shown))
            return 0
        return int(token)
