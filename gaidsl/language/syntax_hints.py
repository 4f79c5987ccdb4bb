"""Syntax errors whose plain "unexpected X" would mislead, recognised from the parser's state and the line's text.

Each function looks at one :class:`~lark.exceptions.UnexpectedToken` and, when it recognises the mistake a person
made (a word gaidsl does not have, a ``}`` left out, a label without its quotes), returns the diagnostic that names
that mistake at its place, after setting the parser up to go on as if the text had been right. The generic
recovery and descriptions: :mod:`gaidsl.language.syntax_errors`.
"""

from __future__ import annotations

import copy
import re

import lark
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_interactive_parser import InteractiveParser

from gaidsl.language.diagnostics import Diagnostic, Related, Text, error
from gaidsl.language.grammar import keywords, terminal_name, terminal_value
from gaidsl.language.source import SourceFile

# Words a person may write to leave a member out of a total ("total annual "全年" except avg_days"). gaidsl has none
# of them: a total adds up all its members, or the ones its `= sum(…)` lists.
EXCLUDING_WORDS = frozenset(
    {"except", "excluding", "exclude", "excludes", "without", "minus", "but", "less"}
    | {"除", "除了", "除去", "不含", "不包括", "除外", "扣除", "减去"}
)

# Words that start a statement of a format, a section or a table: at the start of a line inside a list of
# members, they mean the list was not closed.
STATEMENT_WORDS = frozenset(
    {"rows", "columns", "check", "table", "text", "field", "section", "dimension", "unit", "note", "absent", "stub"}
)

STAND_IN_VALUES = {"NAME": "_", "STRING": '""', "NUMBER": "0", "COMP_OP": "==", "ADD_OP": "+", "MUL_OP": "*"}
"""What the parser is given in place of a missing name, text, number or operator, to read on."""

_BRACE_RE = re.compile(r'"(?:\\.|[^"\\\n])*"?|#[^\n]*|[{}]')


def accepts(parser: InteractiveParser) -> set[str]:
    """The terminals the parser would take next."""
    found: set[str] = parser.accepts()  # type: ignore[no-untyped-call]
    return found


def fits(parser: InteractiveParser, *tokens: lark.Token) -> bool:
    """Whether the parser would take ``tokens`` next (tried on a copy, without building trees)."""
    trial: InteractiveParser = parser.copy(deepcopy_values=False)  # type: ignore[no-untyped-call]
    conf = copy.copy(trial.parser_state.parse_conf)
    conf.callbacks = {}
    trial.parser_state.parse_conf = conf
    try:
        for token in tokens:
            trial.feed_token(token)
    except UnexpectedInput:
        return False
    return True


def skip_to(exc: UnexpectedInput, text: str, end: int) -> None:
    """Move the lexer on to ``end`` (when it is not there yet): the text before it is not read."""
    parser = exc.interactive_parser
    state = parser.lexer_thread.state if parser is not None else None
    if state is None:
        return
    start = state.line_ctr.char_pos
    if end > start:
        state.line_ctr.feed(text[start:end])


def brace_later_on_line(text: str, token: lark.Token) -> bool:
    """Whether a ``{`` comes after ``token`` on its line (strings and comments skipped)."""
    start = token.end_pos if token.end_pos is not None else 0
    line_end = text.find("\n", start)
    rest = text[start : line_end if line_end >= 0 else len(text)]
    return any(m.group(0) == "{" for m in _BRACE_RE.finditer(rest))


def _previous(exc: UnexpectedToken) -> object | None:
    parser = exc.interactive_parser
    if parser is None or not parser.parser_state.value_stack:
        return None
    value: object = parser.parser_state.value_stack[-1]
    return value


def _borrow(kind: str, value: str, at: lark.Token) -> lark.Token:
    return lark.Token.new_borrow_pos(kind, value, at)


def excluding_word(source: SourceFile, exc: UnexpectedToken) -> Diagnostic | None:
    """GAI011 for ``except`` (or a word like it) after a member: gaidsl read it as a new member's name.

    The help says that a total adds up all its members and how to leave one out today (list what it adds up with
    ``= sum(…)``, or put the member in a table of its own). The parse goes on from the next line.
    """
    word = _previous(exc)
    parser = exc.interactive_parser
    if not isinstance(word, lark.Token) or word.type != "NAME" or parser is None:
        return None
    if str(word).lower() not in EXCLUDING_WORDS or exc.token.line != word.line:
        return None
    left_out = _rest_of_line_names(source.text, word)
    help = [*_total_help(parser, left_out), own_table_help(left_out)]
    start = word.start_pos or 0
    diagnostic = error("GAI011", source.span(start, start + len(word)), help, word=str(word))
    label = _borrow("STRING", '""', exc.token)
    if fits(parser, label):
        parser.feed_token(label)  # the word stands as a member, so what follows the line reads as it was meant
    skip_to(exc, source.text, _names_end(source.text, exc.token.start_pos or 0))
    return diagnostic


def _names_end(text: str, start: int) -> int:
    """Where the names after an excluding word end: at a brace, a comment or the end of the line."""
    match = re.compile(r"[{}#\n]").search(text, start)
    return match.start() if match else len(text)


def _rest_of_line_names(text: str, word: lark.Token) -> list[str]:
    start = word.end_pos or 0
    rest = re.sub(r'"[^"]*"?', " ", text[start : _names_end(text, start)])
    return re.findall(r"(?!\d)\w+", rest)


def _total_help(parser: InteractiveParser, left_out: list[str]) -> list[Text]:
    """How to leave ``left_out`` out of the total just before the word, naming that total and its other members."""
    members = [v for v in parser.parser_state.value_stack if isinstance(v, lark.Tree)]
    if not members:
        return []
    children = [c for c in members[-1].children if isinstance(c, lark.Tree)] or [members[-1]]
    total = children[-1]
    if total.data != "total":
        return []
    name, label = (str(c) for c in total.children[:2])
    others = [str(c.children[0]) for c in children[:-1] if c.data in ("leaf", "group")]
    return [total_help(name, label, [m for m in others if m not in left_out], left_out)]


def total_help(name: str, label: str, kept: list[str], left_out: list[str]) -> Text:
    """A total adds up all its members: how to leave some out today, written out for this total."""
    written = f"total {name} {label} = sum({', '.join(kept) if kept else '…'})"
    out = ", ".join(f"'{m}'" for m in left_out) or "a member"
    out_zh = "、".join(f"「{m}」" for m in left_out) or "某个成员"
    return Text(
        f"合计「{name}」对其所有成员求和；要去掉{out_zh}，请列出它合计的成员：{written}",
        f"a total adds up all its members; to leave out {out}, list the ones it adds up: {written}",
    )


def own_table_help(left_out: list[str]) -> Text:
    """The other way to keep a member out of a total today: a table of its own."""
    out = ", ".join(f"'{m}'" for m in left_out) or "the member"
    out_zh = "、".join(f"「{m}」" for m in left_out) or "这个成员"
    return Text(
        f"或者把{out_zh}（如平均数、比率）放到单独的表中",
        f"or put {out} (an average, a ratio) in a table of its own",
    )


_LABELLED = re.compile(r'[ \t]*"(?:[^"\\\n]|\\.)*"[ \t]*(:?)')


def keyword_as_name(source: SourceFile, exc: UnexpectedToken) -> Diagnostic | None:
    """GAI013 for a keyword written as a member's name where a name fits (``note "备注" : text`` in ``columns``):
    a line that starts with the word and gives it a label. When a ``}`` before the word would also let it be read
    as its statement (``note "…"`` after a block left open), the line must give a type (``: text``), which no
    statement has; else GAI012 says the ``}`` is missing. The parse goes on with the word as the name."""
    parser, token = exc.interactive_parser, exc.token
    if parser is None or token.type == "NAME" or not str(token).isalpha() or str(token) not in keywords():
        return None
    start = token.start_pos or 0
    line_start = source.text.rfind("\n", 0, start) + 1
    labelled = _LABELLED.match(source.text, token.end_pos or start)
    if source.text[line_start:start].strip() or labelled is None:
        return None
    as_name = _borrow("NAME", str(token), token)
    if not fits(parser, as_name, _borrow("STRING", '""', token)):
        return None
    closed = fits(parser, _borrow("RBRACE", "}", token), token)
    if closed and not labelled.group(1):
        return None
    parser.feed_token(as_name)
    help = Text(
        f"换一个名称，如「{token}_1」；标签「…」可以照写",
        f"choose another name, such as '{token}_1'; the label in quotes may stay as it is",
    )
    return error("GAI013", source.span(start, start + len(str(token))), [help], word=str(token))


def missing_close(source: SourceFile, exc: UnexpectedToken) -> Diagnostic | None:
    """GAI012 when a statement word (``rows``, ``check``, …) at the start of a line comes while a ``{`` is still
    open: read as a member's name, or refused where only a ``}`` fits. Said at the end of the line where the ``}``
    belongs (not on the next line, as "unexpected '{'"), with the open ``{`` as a related place; the parse goes on
    as if the ``}`` were there.
    """
    parser = exc.interactive_parser
    if parser is None:
        return None
    word = _previous(exc)
    replay: list[lark.Token]
    if isinstance(word, lark.Token) and word.type == "NAME" and str(word) in STATEMENT_WORDS:
        keyword = terminal_name(str(word))  # the word went in as a member's name: it gets a label, then the '}'
        if keyword is None:
            return None
        closing = _borrow("RBRACE", "}", exc.token)
        replay = [_borrow("STRING", '""', exc.token), closing, _borrow(keyword, str(word), word), exc.token]
    elif str(exc.token) in STATEMENT_WORDS and exc.token.type != "NAME":
        word = exc.token  # refused where a '}' fits
        replay = [_borrow("RBRACE", "}", exc.token), exc.token]
    else:
        return None
    start = word.start_pos or 0
    line_start = source.text.rfind("\n", 0, start) + 1
    if source.text[line_start:start].strip():
        return None
    opened = _innermost_open(source.text, line_start)
    end = _end_of_previous_line(source.text, line_start)
    if opened is None or end is None or end <= opened or not fits(parser, *replay):
        return None
    for token in replay:
        parser.feed_token(token)
    brace = source.span(opened, opened + 1)
    related = Related(brace, Text("这个「{」在这里打开", "the '{' opened here"))
    help = Text(
        f"在此处补上「}}」，以结束第 {brace.line} 行打开的「{{」",
        f"add '}}' here to close the '{{' opened on line {brace.line}",
    )
    return Diagnostic("GAI012", "error", source.span(end, end + 1), {"word": str(word)}, (help,), (related,))


def _innermost_open(text: str, before: int) -> int | None:
    stack: list[int] = []
    for match in _BRACE_RE.finditer(text, 0, before):
        if match.group(0) == "{":
            stack.append(match.start())
        elif match.group(0) == "}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _end_of_previous_line(text: str, line_start: int) -> int | None:
    """Just past the last character (not a comment) of the nearest non-blank line before ``line_start``."""
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        code = _BRACE_RE.sub(lambda m: m.group(0) if not m.group(0).startswith("#") else "", text[start:end])
        if code.strip():
            return start + len(code.rstrip())
        end = start - 1
    return None


def unquoted_label(exc: UnexpectedToken, text: str) -> Text | None:
    """A name where a quoted text belongs, not followed by one: the text without its quotes (``section s 申请 {``,
    ``extends base.gai``). It is read as that text, up to the next space, brace, colon or quote."""
    parser = exc.interactive_parser
    token = exc.token
    start = token.start_pos or 0
    match = _UNQUOTED_RE.match(text, start)
    end = match.end() if match else start + len(token)
    after = text[end : end + 200].lstrip(" \t")
    if after.startswith('"') or parser is None:
        return None  # a label is missing before this name, not around it
    stand_in = lark.Token.new_borrow_pos("STRING", '""', token)
    if not fits(parser, stand_in):
        return None
    parser.feed_token(stand_in)
    skip_to(exc, text, end)
    written = text[start:end]
    return Text(f'是否漏写了引号？应写成 "{written}"', f'are the quotes missing? write "{written}"')


_UNQUOTED_RE = re.compile(r'[^\s{}():,"#]+')


def missing_words(exc: UnexpectedToken) -> Text | None:
    """A keyword, a unit or a ``zh``/``row`` left out or misspelt: ``format x "t"`` (no version), ``amount {`` (no
    unit), ``message "…"`` (no language), ``for every column``. Only where the parser takes nothing but keywords, so
    the guess is a good one and the lines after it are not each reported."""
    parser = exc.interactive_parser
    if parser is None:
        return None
    token = exc.token
    expected = accepts(parser) - {"$END"}
    if expected == {"_IN_UNIT"}:
        unit = [_borrow("_IN_UNIT", "in", token), _borrow("NAME", "_", token)]
        if _feed_if_fits(parser, *unit, token):
            return Text("金额要写明单位，如 amount in 元", "an amount needs its unit, as in 'amount in 元'")
    if len(expected) == 1 and next(iter(expected)) in _WORDS_BY_PATTERN:
        (name,) = expected
        value, shown = _WORDS_BY_PATTERN[name]
        if _feed_if_fits(parser, _borrow(name, value, token), token):
            return Text(f"是否在此之前漏写了{shown.zh}？", f"is {shown.en} missing before this?")
        if token.type == "NAME" and _feed_if_fits(parser, _borrow(name, value, token)):
            return Text(f"这里应为{shown.zh}", f"{shown.en} goes here")
    words = {n: v for n in expected if (v := terminal_value(n)) is not None and v.isalpha()}
    if not words or len(words) != len(expected):
        return None
    if len(words) == 1:
        ((name, keyword),) = words.items()
        first = _borrow(name, keyword, token)
        for value_name, value in (("", ""), *STAND_IN_VALUES.items()):
            tokens = [first] + ([_borrow(value_name, value, token)] if value_name else [])
            if _feed_if_fits(parser, *tokens, token):
                written = f"{keyword} …" if value_name else keyword
                return Text(f"是否在此之前漏写了「{written}」？", f"is '{written}' missing before this?")
        if token.type == "NAME" and _feed_if_fits(parser, first):
            return Text(f"这里应为「{keyword}」，而不是「{token}」", f"write '{keyword}' here, not '{token}'")
        return None
    if token.type == "NAME":  # a word where only keywords go (a type): read as one of them, said by the message
        closing = _borrow("RBRACE", "}", token)  # a keyword complete by itself first (`count`, not `amount in …`)
        choices = sorted(words.items(), key=lambda w: (not fits(parser, _borrow(w[0], w[1], token), closing), w[1]))
        for name, keyword in choices:
            if _feed_if_fits(parser, _borrow(name, keyword, token)):
                return None
    return None


_WORDS_BY_PATTERN = {
    "LANG": ("zh", Text("「zh」或「en」", "'zh' or 'en'")),
    "AXIS_KIND": ("column", Text("「row」或「column」", "'row' or 'column'")),
}


def _feed_if_fits(parser: InteractiveParser, *tokens: lark.Token) -> bool:
    if not fits(parser, *tokens):
        return False
    for token in tokens:
        parser.feed_token(token)
    return True


def glued_word(exc: UnexpectedToken, text: str) -> Text | None:
    """The rest of a word whose start the lexer took as a keyword or number (``for each columns``, ``2021年``):
    dropped, with a help line naming the word to write."""
    token = exc.token
    start = token.start_pos or 0
    before = _previous(exc)
    if start == 0 or not isinstance(before, lark.Token) or before.end_pos != start:
        return None
    if not (text[start - 1].isalnum() or text[start - 1] == "_") or not str(token)[:1].isalnum():
        return None
    return Text(
        f"这里应写「{before}」，而不是「{before}{token}」", f"write '{before}' here, not '{before}{token}'"
    )  # the token is dropped


_COMPARISON_TYPOS = {"=>": ">=", "=<": "<=", "=": "=="}


def comparison_typo(exc: UnexpectedToken, text: str) -> Text | None:
    """``=`` (or ``=>``, ``=<``) where a comparison goes: read as ``==`` (``>=``, ``<=``)."""
    parser = exc.interactive_parser
    token = exc.token
    if parser is None or str(token) != "=" or "COMP_OP" not in accepts(parser):
        return None
    start = token.start_pos or 0
    written = text[start : start + 2] if text[start : start + 2] in _COMPARISON_TYPOS else "="
    meant = _COMPARISON_TYPOS[written]
    if not _feed_if_fits(parser, _borrow("COMP_OP", meant, token)):
        return None
    skip_to(exc, text, start + len(written))
    if written == "=":
        return Text("「=」不是比较：相等请写「==」", "'=' does not compare: write '==' for equal")
    return Text(f"请写「{meant}」，而不是「{written}」", f"write '{meant}', not '{written}'")


def axis_without_braces(exc: UnexpectedToken, text: str) -> Text | None:
    """``columns natural "自然人" …`` (members without their braces) or ``columns d { … }`` (a dimension and a list):
    the help says how each is written; the parse goes on after the list (to the ``}`` matching a ``{`` on the line,
    else the end of the line), with the name read as a dimension."""
    parser = exc.interactive_parser
    stack = parser.parser_state.value_stack if parser is not None else []
    if len(stack) < 2 or exc.token.type not in ("STRING", "LBRACE"):
        return None
    axis, name = stack[-2], stack[-1]
    if not (isinstance(axis, lark.Token) and axis.type in ("ROWS", "COLUMNS") and isinstance(name, lark.Token)):
        return None
    start = exc.token.start_pos or 0
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    opened = next((m.start() for m in _BRACE_RE.finditer(text, start, line_end) if m.group(0) == "{"), None)
    skip_to(exc, text, line_end if opened is None else _matching_close(text, opened))
    if exc.token.type == "LBRACE":
        return Text(
            f"「{axis} {name}」已引用维度「{name}」：要么写 {axis} {name}，要么写 {axis} {{ … }} 列出成员",
            f"'{axis} {name}' already uses the dimension '{name}': write either '{axis} {name}' or "
            f"'{axis} {{ … }}' with members of its own",
        )
    return Text(
        f"在这里列出成员时要加花括号：{axis} {{ {name} {exc.token} … }}",
        f"members listed here go in braces: {axis} {{ {name} {exc.token} … }}",
    )


def _matching_close(text: str, opened: int) -> int:
    """Just past the ``}`` that closes the ``{`` at ``opened`` (the end of the text when none does)."""
    depth = 0
    for match in _BRACE_RE.finditer(text, opened):
        if match.group(0) == "{":
            depth += 1
        elif match.group(0) == "}":
            depth -= 1
            if depth == 0:
                return match.end()
    return len(text)


def absent_without_brackets(exc: UnexpectedToken, text: str) -> Text | None:
    """``absent a`` (a cell without its brackets): the help shows ``absent [row, column]``; the line is skipped, read
    as one whole pattern, so the lines after it are not each reported."""
    parser = exc.interactive_parser
    stack = parser.parser_state.value_stack if parser is not None else []
    if parser is None or not stack or str(stack[-1]) != "absent" or str(exc.token) in ("[", "]"):
        return None
    names = [terminal_name(v) for v in ("[", "*", ",", "*", "]")]
    if None in names:
        return None
    pattern = [_borrow(n or "", v, exc.token) for n, v in zip(names, "[*,*]", strict=True)]
    if not _feed_if_fits(parser, *pattern):
        return None
    line_end = text.find("\n", exc.token.start_pos or 0)
    skip_to(exc, text, len(text) if line_end < 0 else line_end)
    return Text(
        "absent 后写单元格，放在方括号中：absent [行, 列]（* 表示所有行或列）",
        "'absent' takes cells in brackets: absent [row, column] (* for every row or column)",
    )


_PLACES = {
    "table": Text(
        '表格应放在章节中：section 名称 "标题" { table … }', 'a table goes in a section: section name "…" { table … }'
    ),
    "text": Text(
        '文本块应放在章节中：section 名称 "标题" { text … }',
        'a text block goes in a section: section name "…" { text … }',
    ),
    "section": Text(
        "章节不能放在表格中：先用「}」结束表格", "a section cannot be inside a table: close the table with '}' first"
    ),
}


def misplaced_block(exc: UnexpectedToken, text: str) -> Text | None:
    """A ``table`` or ``text`` outside a section, a ``section`` inside a table: the help says where it goes, and the
    block (to the ``}`` matching its ``{``, else its line) is skipped, so the braces after it still pair up."""
    parser = exc.interactive_parser
    word = str(exc.token)
    if parser is None or word not in _PLACES:
        return None
    start = exc.token.start_pos or 0
    if text[text.rfind("\n", 0, start) + 1 : start].strip():
        return None  # not a statement of its own (`field a "A" text` lacks its ':')
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    opened = next((m.start() for m in _BRACE_RE.finditer(text, start, line_end) if m.group(0) == "{"), None)
    skip_to(exc, text, line_end if opened is None else _matching_close(text, opened))
    return _PLACES[word]


_BROADCAST_RE = re.compile(r"for(?:\s|#[^\n]*\n)+each(?:\s|#[^\n]*\n)+\w+")


def misplaced_broadcast(exc: UnexpectedToken, text: str) -> Text | None:
    """``for each column`` after a check's label or after its expression: the help shows the order; the words are
    skipped."""
    parser = exc.interactive_parser
    if parser is None or str(exc.token) != "for" or exc.token.type == "NAME":
        return None
    start = exc.token.start_pos or 0
    match = _BROADCAST_RE.match(text, start)
    skip_to(exc, text, match.end() if match else start + 3)
    return Text(
        '「for each …」紧跟在校验名称之后：check 名称 for each column "说明": 表达式',
        "'for each …' comes right after the check's name: check name for each column \"label\": expression",
    )


def needless_separator(exc: UnexpectedToken) -> Text | None:
    """A ``,`` or ``;`` where gaidsl takes none (between statements or members): dropped, with a help line."""
    parser = exc.interactive_parser
    value = str(exc.token)
    if parser is None or value not in (",", ";") or exc.token.type in accepts(parser):
        return None
    return Text(
        f"这里不需要「{value}」：语句和成员之间用空格或换行分隔",
        f"no '{value}' is needed here: statements and members are separated by spaces or new lines",
    )
