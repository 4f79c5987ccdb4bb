"""Text → syntax tree → AST, with syntax errors turned into diagnostics a person can read.

The Lark grammar lives in ``grammars/gaidsl.lark`` (shipped inside the package). Lark's own error names (``LBRACE``,
``__ANON_3``) never reach the user: every terminal is described by what it looks like.
"""

from __future__ import annotations

import functools
import re

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gaidsl import ast
from gaidsl.build_ast import build_document
from gaidsl.diagnostics import Diagnostic, DiagnosticError, Text, error
from gaidsl.resources import grammar_path
from gaidsl.source import SourceFile, Span

MAX_SYNTAX_ERRORS = 8

_FRIENDLY: dict[str, Text] = {
    "NAME": Text("名称", "a name"),
    "STRING": Text("带引号的文本", "a quoted text"),
    "NUMBER": Text("数字", "a number"),
    "COMP_OP": Text("比较符号（== != < <= > >=）", "a comparison (== != < <= > >=)"),
    "ADD_OP": Text("+ 或 -", "'+' or '-'"),
    "MUL_OP": Text("* 或 /", "'*' or '/'"),
    "AXIS_KIND": Text("row 或 column", "'row' or 'column'"),
    "LANG": Text("zh 或 en", "'zh' or 'en'"),
    "STAR": Text("*", "'*'"),
    "$END": Text("文件结尾", "the end of the file"),
}

_FULL_WIDTH_HINTS = {
    "：": ":",
    "，": ",",
    "（": "(",
    "）": ")",
    "“": '"',
    "”": '"',
    "｛": "{",
    "｝": "}",
    "＝": "=",
    "［": "[",
    "］": "]",
}


@functools.cache
def _parser() -> lark.Lark:
    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=False,
    )


def _describe_terminal(name: str) -> Text:
    if name in _FRIENDLY:
        return _FRIENDLY[name]
    for terminal in _parser().terminals:
        if terminal.name == name and isinstance(terminal.pattern, lark.lexer.PatternStr):
            value = terminal.pattern.value
            return Text(f"「{value}」", f"'{value}'")
    return Text(name.lower(), name.lower())


def _describe_expected(names: set[str]) -> Text:
    described = sorted((_describe_terminal(n) for n in names), key=lambda t: t.en)
    if len(described) > 6:
        head = described[:6]
        return Text("、".join(t.zh for t in head) + " 等", ", ".join(t.en for t in head) + ", …")
    return Text("、".join(t.zh for t in described), " or ".join(t.en for t in described))


def _describe_token(token: lark.Token) -> Text:
    if token.type == "$END":
        return _FRIENDLY["$END"]
    if token.type == "NAME":
        return Text(f"名称「{token}」", f"the name '{token}'")
    if token.type == "STRING":
        return Text(f"文本 {token}", f"the text {token}")
    if token.type == "NUMBER":
        return Text(f"数字 {token}", f"the number {token}")
    return Text(f"「{token}」", f"'{token}'")


def _token_span(source: SourceFile, token: lark.Token) -> Span:
    line = token.line or 1
    column = token.column or 1
    end_line = token.end_line or line
    end_column = token.end_column or column + max(1, len(str(token)))
    return Span(source.name, line, column, end_line, end_column)


def _eof_span(source: SourceFile) -> Span:
    lines = source.text.splitlines() or [""]
    return Span(source.name, len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 2)


def _character_error(source: SourceFile, exc: UnexpectedCharacters) -> Diagnostic:
    char = source.text[exc.pos_in_stream] if exc.pos_in_stream < len(source.text) else ""
    span = Span(source.name, exc.line, exc.column, exc.line, exc.column + 1)
    if char == '"':
        rest = source.line(exc.line)[exc.column :]
        bad_escape = re.search(r"\\[^\\\"n]", rest)
        closed = re.search(r'(?<!\\)"', rest)
        if bad_escape and closed and bad_escape.start() < closed.start():
            return error("GAI005", span, escape=bad_escape.group(0))
        return error(
            "GAI003", span, help=[Text('在同一行内用 " 结束字符串', "close the string with '\"' on the same line")]
        )
    hint = _FULL_WIDTH_HINTS.get(char)
    help = [Text(f"这里应使用半角「{hint}」", f"use the half-width '{hint}' here")] if hint else []
    return error("GAI002", span, help=help, char=char)


def _syntax_diagnostic(source: SourceFile, exc: UnexpectedInput) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        return _character_error(source, exc)
    if isinstance(exc, UnexpectedEOF):
        expected = _describe_expected(set(exc.expected))
        return error("GAI004", _eof_span(source), expected=expected.zh, expected_en=expected.en)
    assert isinstance(exc, UnexpectedToken)
    expected = _describe_expected(set(exc.accepts or exc.expected))
    if exc.token.type == "$END":
        return error("GAI004", _eof_span(source), expected=expected.zh, expected_en=expected.en)
    found = _describe_token(exc.token)
    return error(
        "GAI001",
        _token_span(source, exc.token),
        found=found.zh,
        found_en=found.en,
        expected=expected.zh,
        expected_en=expected.en,
    )


def parse_tree(source: SourceFile) -> tuple[lark.Tree | None, list[ast.Comment]]:
    """Parse to a Lark tree, collecting up to :data:`MAX_SYNTAX_ERRORS` syntax errors (one per line)."""
    if not source.text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in source.text.splitlines()
    ):
        raise DiagnosticError([error("GAI006", Span(source.name, 1, 1, 1, 2))])
    problems: list[Diagnostic] = []
    seen_lines: set[int] = set()

    def on_error(exc: UnexpectedInput) -> bool:
        diagnostic = _syntax_diagnostic(source, exc)
        line = diagnostic.span.line if diagnostic.span else 0
        if line not in seen_lines:
            seen_lines.add(line)
            problems.append(diagnostic)
        return len(problems) < MAX_SYNTAX_ERRORS and not isinstance(exc, UnexpectedEOF)

    parser = _parser()
    try:
        tree = parser.parse(source.text, on_error=on_error)
    except UnexpectedInput as exc:
        if not problems:
            problems.append(_syntax_diagnostic(source, exc))
        tree = None
    except (lark.exceptions.LarkError, AssertionError, IndexError):
        tree = None
        if not problems:
            problems.append(error("GAI004", _eof_span(source), expected="「}」", expected_en="'}'"))
    if problems:
        raise DiagnosticError(problems)
    return tree, _comments(source)


_COMMENT_RE = re.compile(r'"(?:\\[\\"n]|[^"\\\n])*"|#[^\n]*')


def _comments(source: SourceFile) -> list[ast.Comment]:
    """Every ``#`` comment with its line (string contents are skipped), for the formatter to keep."""
    found: list[ast.Comment] = []
    for match in _COMMENT_RE.finditer(source.text):
        if match.group(0).startswith("#"):
            line = source.text.count("\n", 0, match.start()) + 1
            found.append(ast.Comment(line, match.group(0)))
    return found


def parse(source: SourceFile) -> ast.Document:
    """Parse a spec's text into its AST; raises :class:`DiagnosticError` with every syntax error found."""
    tree, comments = parse_tree(source)
    assert tree is not None
    return build_document(tree, source, tuple(comments))


def parse_text(text: str, name: str = "<spec>") -> ast.Document:
    return parse(SourceFile(name, text))
