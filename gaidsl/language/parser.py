"""Text → syntax tree → AST, with syntax errors turned into diagnostics a person can read.

The Lark grammar lives in ``grammars/gaidsl.lark`` (shipped inside the package; the parser built from it is
:mod:`gaidsl.language.grammar`). What a syntax error says, and how the parse goes on past it:
:mod:`gaidsl.language.syntax_errors`; mistakes recognised and named at their place (a word gaidsl does not have, a
``}`` left out): :mod:`gaidsl.language.syntax_hints`.
"""

from __future__ import annotations

from collections import Counter

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
    skip_line,
    syntax_diagnostic,
)
from gaidsl.language.syntax_hints import excluding_word, keyword_as_name, missing_close

MAX_SYNTAX_ERRORS = 8
"""Syntax errors shown at most (one per line)."""
MAX_RECOVERIES = 4 * MAX_SYNTAX_ERRORS
"""Errors the parser recovers from at most, shown or not: every recovery counts, so a line of ten thousand stray
tokens costs as much as a short one (each recovery tries the parser's every next token)."""
ERRORS_PER_LINE = 3
"""After this many errors on one line the rest of the line is skipped: a reader would not go on there either."""


def _is_blank(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def parse_tree(source: SourceFile) -> tuple[lark.Tree[lark.Token] | None, list[ast.Comment]]:
    """Parse to a Lark tree, collecting up to :data:`MAX_SYNTAX_ERRORS` syntax errors (one per line).

    After an error the parser recovers the way a reader would: a broken string is read as a string, full-width
    punctuation as its half-width twin, a missing ``:`` or ``}`` is assumed; anything else is skipped. Every error
    counts toward :data:`MAX_RECOVERIES`, so the work stays linear in the input whatever it holds.
    """
    if _is_blank(source.text):
        raise DiagnosticError([error("GAI006", source.span(0, 1))])
    problems: list[Diagnostic] = []
    per_line: Counter[int] = Counter()
    recoveries = 0
    last_line = 0

    def report(diagnostic: Diagnostic) -> None:
        nonlocal last_line
        last_line = diagnostic.span.line if diagnostic.span else 0
        if not per_line[last_line]:
            problems.append(diagnostic)
        per_line[last_line] += 1

    def go_on(exc: UnexpectedInput) -> bool:
        """Whether to recover once more; past a line's share of errors, from its next line."""
        nonlocal recoveries
        recoveries += 1
        if len(problems) >= MAX_SYNTAX_ERRORS or recoveries >= MAX_RECOVERIES:
            return False
        if per_line[last_line] >= ERRORS_PER_LINE:
            skip_line(source.text, exc)
        return True

    def on_error(exc: UnexpectedInput) -> bool:
        if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
            report(syntax_diagnostic(source, exc))
            return False
        if isinstance(exc, UnexpectedCharacters):
            diagnostic, skip = character_error(source, exc)
            report(diagnostic)
            pos = exc.pos_in_stream or 0
            char = source.text[pos : pos + 1]
            return recover_characters(source.text, exc, skip, char) and go_on(exc)
        if isinstance(exc, UnexpectedToken):
            named = excluding_word(source, exc) or keyword_as_name(source, exc) or missing_close(source, exc)
            if named is not None:  # a mistake recognised: said at its place, the parser set up to go on
                report(named)
                return go_on(exc)
        reserved = reserved_unit(source, exc) if isinstance(exc, UnexpectedToken) else None
        if reserved is not None:
            report(reserved[0])
            return reserved[1] and go_on(exc)
        diagnostic = syntax_diagnostic(source, exc)
        if isinstance(exc, UnexpectedToken) and set(exc.accepts or exc.expected) <= {"$END"}:
            report(after_the_end(source, diagnostic))  # the rest would be one error per line: stop here
            return False
        if isinstance(exc, UnexpectedToken) and len(problems) < MAX_SYNTAX_ERRORS:
            hint = recover_token(exc, source.text)
            if hint is not None:
                diagnostic = attrs.evolve(diagnostic, help=(*diagnostic.help, hint))
        report(diagnostic)
        return go_on(exc)

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


MAX_NUMBER_DIGITS = 1000
"""Most digits a number in a spec may have (whole and decimal part together). Real specs write years, factors like
0.0001 and tolerances (tests write exact fractions of a hundred digits); the solver cannot read a number of more than
4,300 digits (Python's limit on converting text to int), and no spec means one."""


def _too_long_numbers(source: SourceFile, tree: lark.Tree[lark.Token]) -> list[Diagnostic]:
    """GAI010 at each number with more than :data:`MAX_NUMBER_DIGITS` digits (the first few of them)."""
    found: list[Diagnostic] = []
    for token in tree.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "NUMBER"):
        digits = len(token) - str(token).count(".")
        if digits > MAX_NUMBER_DIGITS:
            shown = token if len(token) <= 20 else token[:20] + "…"
            start = token.start_pos or 0
            found.append(error("GAI010", source.span(start, start + len(token)), value=shown, limit=MAX_NUMBER_DIGITS))
            if len(found) >= MAX_SYNTAX_ERRORS:
                break
    return found


def parse(source: SourceFile) -> ast.Document:
    """Parse a spec's text into its AST; raises :class:`DiagnosticError` with every syntax error found."""
    tree, comments = parse_tree(source)
    assert tree is not None
    deep = _too_deep(source, tree)
    if deep is not None:
        raise DiagnosticError([deep])
    long_numbers = _too_long_numbers(source, tree)
    if long_numbers:
        raise DiagnosticError(long_numbers)
    return build_document(tree, source, tuple(comments))


def parse_text(text: str, name: str = "<spec>") -> ast.Document:
    return parse(SourceFile(name, text))
