"""Syntax errors as diagnostics a person can read, and the recovery that lets the parse go on past them.

Lark's own error names (``LBRACE``, ``__ANON_3``) never reach the user: every terminal is described by what it looks
like. :func:`gaidsl.language.parser.parse_tree` calls these from its error handler.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gaidsl.language.build_ast import RESERVED_UNIT_HELP, RESERVED_UNIT_NAMES
from gaidsl.language.diagnostics import Diagnostic, Related, Text, error
from gaidsl.language.grammar import keywords, terminal_name, terminal_value
from gaidsl.language.source import SourceFile, Span
from gaidsl.language.syntax_hints import (
    STAND_IN_VALUES,
    absent_without_brackets,
    accepts,
    axis_without_braces,
    brace_later_on_line,
    comparison_typo,
    fits,
    glued_word,
    misplaced_block,
    misplaced_broadcast,
    missing_words,
    needless_separator,
    unquoted_label,
)

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
    "_IN_UNIT": Text("「in」和单位名称", "'in' and a unit"),
    "_GLOSS_OPT": Text("「gloss」和带引号的文本", "'gloss' and a quoted text"),
    "$END": Text("文件结尾", "end of file"),
}

_SEPARATOR = r"(?:\s|#[^\n]*\n)+"  # white space and comments, as in the grammar's _IN_UNIT
_RESERVED_UNIT_RE = re.compile(
    rf"(?<!\w)(?:count|integer|amount){_SEPARATOR}in{_SEPARATOR}(?P<name>{'|'.join(RESERVED_UNIT_NAMES)})(?!\w)"
)


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
    "【": "[",
    "】": "]",
    "、": ",",
    "；": ";",
    "．": ".",
    "＞": ">",
    "＜": "<",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "＋": "+",
    "－": "-",
    "＊": "*",
    "／": "/",
}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_LOGIC = {"&&": "and", "||": "or", "&": "and", "|": "or", "!": "not"}
"""Other languages' logic operators: the gaidsl word for each (``!=`` is a comparison, so ``!`` only alone)."""


def _wide_number(text: str) -> str:
    """The digits (and decimal points) of any script at the start of ``text``: what a half-width number would be."""
    out: list[str] = []
    for char in text:
        if unicodedata.category(char) == "Nd":
            out.append(str(unicodedata.digit(char)))
        elif char in ".．" and out and out[-1] != ".":
            out.append(".")
        else:
            break
    return "".join(out).rstrip(".")


def _describe_terminal(name: str) -> Text:
    if name in _FRIENDLY:
        return _FRIENDLY[name]
    value = terminal_value(name)
    if value is not None:
        return Text(f"「{value}」", f"'{value}'")
    return Text("其他内容", "something else")


_PUNCTUATION_FIRST = ("}", ")", "]", "{", "(", "[", ":", ",", "=", ".", ";")


def _expected_order(name: str) -> tuple[int, str]:
    """Closing brackets first, then other punctuation, then names/texts/numbers, then keywords."""
    value = terminal_value(name)
    if value in _PUNCTUATION_FIRST:
        return (0, f"{_PUNCTUATION_FIRST.index(value):02d}")
    if value is None:
        return (1, name)
    if not value.isalpha():
        return (0, "99" + value)
    return (2, value)


def _describe_expected(names: set[str]) -> Text:
    shown = sorted((n for n in names if n not in ("$END", "COMMENT", "WS")), key=_expected_order)
    if not shown and "$END" in names:
        shown = ["$END"]
    described = [_describe_terminal(n) for n in shown]
    if len(described) > 8:
        head = described[:7]
        return Text("、".join(t.zh for t in head) + " 等", ", ".join(t.en for t in head) + ", …")
    if not described:
        return Text("其他内容", "something else")
    if len(described) == 1:
        return described[0]
    return Text("、".join(t.zh for t in described), ", ".join(t.en for t in described[:-1]) + " or " + described[-1].en)


def _describe_token(token: lark.Token) -> Text:
    if token.type == "$END":
        return _FRIENDLY["$END"]
    text = str(token)
    if len(text) > 40:  # a long text keeps its closing quote: what it quotes is plainly the spec's, not ours
        text = text[:36] + "…" + text[-1] if token.type == "STRING" else text[:37] + "…"
    if token.type == "NAME":
        return Text(f"名称「{text}」", f"name '{text}'")
    if token.type == "STRING":
        return Text(f"文本 {text}", f"text {text}")
    if token.type == "NUMBER":
        return Text(f"数字 {text}", f"number {text}")
    if terminal_value(token.type) is not None and text.isalpha():
        return Text(f"关键字「{text}」", f"keyword '{text}'")
    return Text(f"「{text}」", f"'{text}'")


def _token_span(source: SourceFile, token: lark.Token) -> Span:
    start = token.start_pos if token.start_pos is not None else 0
    end = token.end_pos if token.end_pos is not None else start + max(1, len(str(token)))
    return source.span(start, max(end, start + 1))


def _eof_span(source: SourceFile) -> Span:
    """Just past the last non-blank character: where the missing text would go."""
    end = len(source.text.rstrip())
    return source.span(end, end + 1)


def unclosed_braces(text: str) -> list[int]:
    """The offsets of the ``{`` that are never closed (strings and comments skipped), outermost first: what an
    end-of-file error's help and the editor's "close the braces" fix need."""
    stack: list[int] = []
    for match in _BRACE_RE.finditer(text):
        token = match.group(0)
        if token == "{":
            stack.append(match.start())
        elif token == "}" and stack:
            stack.pop()
    return stack


def _unclosed_brace(source: SourceFile) -> Span | None:
    """The last ``{`` that is never closed, for an end-of-file error's related place."""
    stack = unclosed_braces(source.text)
    return source.span(stack[-1], stack[-1] + 1) if stack else None


_BRACE_RE = re.compile(r'"(?:\\.|[^"\\\n])*"?|#[^\n]*|[{}]')


def _eof_error(source: SourceFile, expected: Text) -> Diagnostic:
    diag = error("GAI004", _eof_span(source), expected=expected.zh, expected_en=expected.en)
    opened = _unclosed_brace(source)
    if opened is None:
        return diag
    related = Related(opened, Text("这个「{」没有对应的「}」", "this '{' is never closed"))
    return attrs.evolve(diag, help=(Text("补上缺少的「}」", "add the missing '}'"),), related=(related,))


def after_the_end(source: SourceFile, diagnostic: Diagnostic) -> Diagnostic:
    """Text after the spec's closing ``}``: say where the spec was closed (often a ``}`` too many above)."""
    depth = 0
    for match in _BRACE_RE.finditer(source.text):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                closed = source.span(match.start(), match.start() + 1)
                related = Related(closed, Text("规范在这里已经结束", "the spec ends here"))
                help = Text(
                    f"第 {closed.line} 行的「}}」是否多余？", f"is the '}}' on line {closed.line} one too many?"
                )
                return attrs.evolve(diagnostic, help=(help,), related=(related,))
    return diagnostic


def _string_end(line: str, column: int) -> tuple[int, str | None]:
    """For a string opening at 0-based ``column`` of ``line``: where it ends, and its first bad escape if any.

    The end is just past the closing quote, or the end of the line when the string is not closed.
    """
    i = column + 1
    bad: str | None = None
    while i < len(line):
        char = line[i]
        if char == "\\":
            if i + 1 < len(line) and line[i + 1] in '\\"n':
                i += 2
                continue
            if bad is None:
                bad = line[i : i + 2]
            i += 2 if i + 1 < len(line) else 1
            continue
        if char == '"':
            return i + 1, bad
        i += 1
    return len(line), bad


def character_error(source: SourceFile, exc: UnexpectedCharacters) -> tuple[Diagnostic, int]:
    """The diagnostic for a character no token starts with, and how many characters to skip past it."""
    pos = exc.pos_in_stream or 0
    char = source.text[pos] if pos < len(source.text) else ""
    line_start = source.text.rfind("\n", 0, pos) + 1
    line_end = source.text.find("\n", pos)
    line = source.text[line_start : line_end if line_end >= 0 else len(source.text)]
    column = pos - line_start
    span = source.span(pos, pos + 1)
    if char == '"':
        end, bad = _string_end(line, column)
        closed = end <= len(line) and line[end - 1 : end] == '"' and end - 1 > column
        if bad is not None and closed:
            escape_at = line.index(bad, column + 1)
            where = source.span(line_start + escape_at, line_start + escape_at + len(bad))
            diag = error(
                "GAI005",
                where,
                [
                    Text(
                        '字符串中反斜杠只能写成 \\\\（反斜杠）、\\"（引号）或 \\n（换行）',
                        'in a string write \\\\ for a backslash, \\" for a quote, \\n for a new line',
                    )
                ],
                escape=bad,
            )
            return diag, end - column
        # Read on from the first ':', '{', '}' or comment after it (`field a "A : text` still has its type).
        stop = re.compile(r"\s*[:{}#]").search(line, column + 2)
        return error(
            "GAI003", span, help=[Text('在同一行内用 " 结束字符串', "close the string with '\"' on the same line")]
        ), (stop.start() if stop else len(line)) - column
    if char in "“”「」『』":
        closing = {"“": "”", "「": "」", "『": "』"}.get(char, char)
        close_at = line.find(closing, column + 1)
        if close_at < 0:
            close_at = line.find('"', column + 1)
        skip = close_at + 1 - column if close_at >= 0 else 1
        help = [Text('字符串应使用半角双引号 "…"', 'strings use straight double quotes "…"')]
        return error("GAI002", span, help=help, char=char), skip
    number = _wide_number(line[column:]) if unicodedata.category(char) == "Nd" else ""
    if number:  # full-width (or other non-ASCII) digits: a number is written with 0-9
        help = [Text(f"数字应使用半角，写成 {number}", f"numbers use half-width digits: write {number}")]
        skip = len(number)
        return error("GAI002", source.span(pos, pos + skip), help=help, char=line[column : column + skip]), skip
    logic = next((op for op in ("&&", "||", "&", "|", "!") if line.startswith(op, column)), None)
    if logic is not None and not line.startswith("!=", column):
        word = _LOGIC[logic]
        help = [Text(f"请写「{word}」，而不是「{logic}」", f"write '{word}', not '{logic}'")]
        return error("GAI002", source.span(pos, pos + len(logic)), help=help, char=logic), len(logic)
    hint = _FULL_WIDTH_HINTS.get(char)
    if hint:
        help = [Text(f"这里应使用半角「{hint}」", f"use the half-width '{hint}' here")]
    elif unicodedata.category(char).startswith("C") or char.isspace():
        help = [Text("删除这个不可见字符", "remove this invisible character")]
    else:
        help = []
    shown = char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    return error("GAI002", span, help=help, char=shown), 1


def recover_characters(text: str, exc: UnexpectedCharacters, skip: int, char: str) -> bool:
    """Skip the bad characters; stand in for what they were meant to be when the parser wants it."""
    parser = exc.interactive_parser
    if parser is None:
        return True
    state = parser.lexer_thread.state
    if state is None:
        return True
    start = state.line_ctr.char_pos
    state.line_ctr.feed(text[start : start + max(1, skip)])
    if char in ('"', "“", "「", "『"):
        stand_in = ("STRING", '""')
    elif text[start : start + skip] in _LOGIC:
        word = _LOGIC[text[start : start + skip]]
        stand_in = (terminal_name(word) or "", word)
    elif unicodedata.category(char) == "Nd":
        stand_in = ("NUMBER", _wide_number(text[start:]) or "0")
    elif char in _FULL_WIDTH_HINTS:
        half = _FULL_WIDTH_HINTS[char]
        kinds = (terminal_name(half), "COMP_OP" if half in _COMPARISONS else None, "MUL_OP" if half in "*/" else None)
        expected = accepts(parser)
        stand_in = (next((k for k in kinds if k and k in expected), ""), half)
    else:
        return True
    if stand_in[0] and stand_in[0] in accepts(parser):
        token = lark.Token(stand_in[0], stand_in[1], start, exc.line, exc.column, exc.line, exc.column + 1, start + 1)
        parser.feed_token(token)
    return True


def skip_line(text: str, exc: UnexpectedInput) -> None:
    """Move the lexer past the rest of the line of the error (the next token read is on a later line)."""
    parser = exc.interactive_parser
    state = parser.lexer_thread.state if parser is not None else None
    if state is None:
        return
    start = state.line_ctr.char_pos
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if end > start:
        state.line_ctr.feed(text[start:end])


def recover_token(exc: UnexpectedToken, text: str) -> Text | None:
    """Let the parse go on past an unexpected token, the way a reader would; a help line when that says something.

    A name close to an expected keyword is read as that keyword ("tex" → "text"); a name where a label belongs, as
    that label without its quotes; else the one missing punctuation (or name, text, number, unit, keyword) that lets
    the token fit is assumed; else the token is dropped. A missing '{' is only suggested when no '{' follows on the
    line: when one does, the token is read as one too many.
    """
    parser = exc.interactive_parser
    if parser is None:
        return None
    token = exc.token
    expected = accepts(parser) - {"$END"}
    word_help = glued_word(exc, text) or comparison_typo(exc, text) or axis_without_braces(exc, text)
    word_help = word_help or absent_without_brackets(exc, text) or misplaced_block(exc, text)
    word_help = word_help or misplaced_broadcast(exc, text) or needless_separator(exc)
    if word_help is not None:
        return word_help
    if token.type == "NAME":
        keywords = {v: n for n in expected if (v := terminal_value(n)) is not None and v.isalpha()}
        close = difflib.get_close_matches(str(token), list(keywords), n=1, cutoff=0.6)
        if close:
            stand_in = lark.Token.new_borrow_pos(keywords[close[0]], close[0], token)
            if fits(parser, stand_in):
                parser.feed_token(stand_in)
                return Text(f"是否想写「{close[0]}」？", f"did you mean '{close[0]}'?")
        if "STRING" in expected:
            unquoted = unquoted_label(exc, text)
            if unquoted is not None:
                return unquoted
    one_too_many = False
    for name in sorted(expected, key=_expected_order):
        value = terminal_value(name)
        if value is not None and value.isalpha():
            continue
        value = value or STAND_IN_VALUES.get(name)
        if value is None:
            continue
        stand_in = lark.Token.new_borrow_pos(name, value, token)
        if value == "{" and (token.type == "RBRACE" or brace_later_on_line(text, token)):
            one_too_many = token.type != "RBRACE" and fits(parser, stand_in)
            continue
        if not fits(parser, stand_in, token):
            continue
        parser.feed_token(stand_in)
        parser.feed_token(token)
        if name == "STRING" and token.type != "STRING":
            return Text('是否在此之前漏写了带引号的文本（"…"）？', 'is a quoted text ("…") missing before this?')
        if name in STAND_IN_VALUES:
            return None
        return Text(f"是否在此之前漏写了「{value}」？", f"is a '{value}' missing before this?")
    missing = missing_words(exc)
    if missing is None and one_too_many:  # the token is dropped: the '{' then fits
        return Text(
            f"这一行后面已有「{{」：「{token}」是否多余？",
            f"the '{{' comes later on this line: is '{token}' one too many?",
        )
    return missing


def reserved_unit(source: SourceFile, exc: UnexpectedToken) -> tuple[Diagnostic, bool] | None:
    """GAI009 when the syntax error comes from a unit called ``table`` or ``section`` (``amount in table``), and
    whether parsing can go on.

    It can when the error is at ``in table`` itself, where only a unit fits: the words are then read as that unit
    (or skipped, when the member or table they follow is already complete). It cannot when ``in table`` after a
    field's ``count`` or ``integer`` was read as the start of a block and the error comes right after it: no name
    and ``{`` follow, at most a keyword (``count in table required``).
    """
    token = exc.token
    pos = token.start_pos or 0
    found = None
    for match in _RESERVED_UNIT_RE.finditer(source.text):
        if match.start() >= pos:
            break
        found = match
    if found is None:
        return None
    end = found.end()
    if pos > end:  # `in table` was read as a block's start: a unit if no name and `{` follow (a keyword may)
        words = re.sub(r"#[^\n]*", "", source.text[end:pos]).split()
        if str(token) == "{" or len(words) > 1 or (words and words[0] not in keywords()):
            return None
    name = found.group("name")
    diagnostic = error("GAI009", source.span(found.start("name"), end), [RESERVED_UNIT_HELP], name=name)
    parser = exc.interactive_parser
    if pos > end or parser is None or parser.lexer_thread.state is None:
        return diagnostic, False
    state = parser.lexer_thread.state
    if state.line_ctr.char_pos < end:
        state.line_ctr.feed(source.text[state.line_ctr.char_pos : end])
    in_unit = lark.Token.new_borrow_pos("_IN_UNIT", "in", token)
    unit = lark.Token.new_borrow_pos("NAME", name, token)
    if fits(parser, in_unit, unit):
        parser.feed_token(in_unit)
        parser.feed_token(unit)
    return diagnostic, True


def syntax_diagnostic(source: SourceFile, exc: UnexpectedInput) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        return character_error(source, exc)[0]
    if isinstance(exc, UnexpectedEOF):
        return _eof_error(source, _describe_expected(set(exc.expected)))
    assert isinstance(exc, UnexpectedToken)
    expected = _describe_expected(set(exc.accepts or exc.expected))
    if exc.token.type == "$END":
        return _eof_error(source, expected)
    found = _describe_token(exc.token)
    return error(
        "GAI001",
        _token_span(source, exc.token),
        found=found.zh,
        found_en=found.en,
        expected=expected.zh,
        expected_en=expected.en,
    )
