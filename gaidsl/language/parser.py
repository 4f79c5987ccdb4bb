"""Text → syntax tree → AST, with syntax errors turned into diagnostics a person can read.

The Lark grammar lives in ``grammars/gaidsl.lark`` (shipped inside the package; the parser built from it is
:mod:`gaidsl.language.grammar`). What a syntax error says, and how the parse goes on past it:
:mod:`gaidsl.language.syntax_errors`.
"""

from __future__ import annotations

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gaidsl.language import ast
from gaidsl.language.build_ast import build_document
from gaidsl.language.diagnostics import Diagnostic, DiagnosticError, Text, error
from gaidsl.language.grammar import COMMENTS
from gaidsl.language.grammar import lark_parser as _parser
from gaidsl.language.source import SourceFile
from gaidsl.language.syntax_errors import (
    after_the_end,
    character_error,
    recover_characters,
    recover_token,
    reserved_unit,
    syntax_diagnostic,
)

MAX_SYNTAX_ERRORS = 8


def _is_blank(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def parse_tree(source: SourceFile) -> tuple[lark.Tree[lark.Token] | None, list[ast.Comment]]:
    """Parse to a Lark tree, collecting up to :data:`MAX_SYNTAX_ERRORS` syntax errors (one per line).

    After an error the parser recovers the way a reader would: a broken string is read as a string, full-width
    punctuation as its half-width twin, a missing ``:`` or ``}`` is assumed; anything else is skipped.
    """
    if _is_blank(source.text):
        raise DiagnosticError([error("GAI006", source.span(0, 1))])
    problems: list[Diagnostic] = []
    seen_lines: set[int] = set()

    def report(diagnostic: Diagnostic) -> None:
        line = diagnostic.span.line if diagnostic.span else 0
        if line not in seen_lines:
            seen_lines.add(line)
            problems.append(diagnostic)

    def on_error(exc: UnexpectedInput) -> bool:
        if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
            report(syntax_diagnostic(source, exc))
            return False
        if isinstance(exc, UnexpectedCharacters):
            diagnostic, skip = character_error(source, exc)
            report(diagnostic)
            pos = exc.pos_in_stream or 0
            char = source.text[pos : pos + 1]
            return len(problems) < MAX_SYNTAX_ERRORS and recover_characters(source.text, exc, skip, char)
        reserved = reserved_unit(source, exc) if isinstance(exc, UnexpectedToken) else None
        if reserved is not None:
            report(reserved[0])
            return reserved[1] and len(problems) < MAX_SYNTAX_ERRORS
        diagnostic = syntax_diagnostic(source, exc)
        if isinstance(exc, UnexpectedToken) and set(exc.accepts or exc.expected) <= {"$END"}:
            report(after_the_end(source, diagnostic))  # the rest would be one error per line: stop here
            return False
        if isinstance(exc, UnexpectedToken) and len(problems) < MAX_SYNTAX_ERRORS:
            hint = recover_token(exc)
            if hint is not None:
                diagnostic = attrs.evolve(diagnostic, help=(*diagnostic.help, hint))
        report(diagnostic)
        return len(problems) < MAX_SYNTAX_ERRORS

    comments: list[ast.Comment] = []  # every ``#`` comment with its line, as the lexer passes it, for fmt to keep
    collecting = COMMENTS.set(comments)
    try:
        tree = _parser().parse(source.text, on_error=on_error)
    except UnexpectedInput as exc:
        if not problems:
            problems.append(syntax_diagnostic(source, exc))
        tree = None
    finally:
        COMMENTS.reset(collecting)
    if problems:
        raise DiagnosticError(problems)
    return tree, comments


MAX_NESTING = 200
"""Deepest nesting of the syntax tree accepted (real specs nest about 10 deep): every later stage may recurse."""


def _too_deep(source: SourceFile, tree: lark.Tree[lark.Token]) -> Diagnostic | None:
    """GAI008 at the first place the tree nests deeper than :data:`MAX_NESTING` (found without recursion)."""
    stack: list[tuple[lark.Tree[lark.Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            meta = node.meta
            start = getattr(meta, "start_pos", 0) if not getattr(meta, "empty", True) else 0
            return error(
                "GAI008",
                source.span(start, start + 1),
                [
                    Text(
                        "拆分这个表达式，或用 sum(分组) 代替一长串加法",
                        "split the expression, or use sum(group) instead of a long chain of '+'",
                    )
                ],
                limit=MAX_NESTING,
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, lark.Tree))
    return None


def parse(source: SourceFile) -> ast.Document:
    """Parse a spec's text into its AST; raises :class:`DiagnosticError` with every syntax error found."""
    tree, comments = parse_tree(source)
    assert tree is not None
    deep = _too_deep(source, tree)
    if deep is not None:
        raise DiagnosticError([deep])
    return build_document(tree, source, tuple(comments))


def parse_text(text: str, name: str = "<spec>") -> ast.Document:
    return parse(SourceFile(name, text))
