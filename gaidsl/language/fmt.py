"""A spec in its canonical layout, the layout of the specs in ``specs/``.

The layout is a function of the AST, the comments and where the author left blank lines; any other whitespace in
the source is ignored:

- two spaces per level; one declaration, member, table item or check option per line;
- blank lines are the author's paragraphs: one is kept before a statement (or a comment above it) where the source
  has one or more, never right after ``{`` nor before ``}``, never inside a statement. A document without source
  text (built in code) gets a fixed rule instead: a blank line between top-level items except within runs of
  ``basis``, ``unit``, ``field`` or ``remove check`` lines, and after the comments that head the file;
- a ``format`` header wider than :data:`WIDTH` puts ``extends "…" {`` on a line of its own, one level deeper,
  and a blank line follows it;
- an inline ``rows``/``columns`` axis of exactly one leaf stays on one line (``columns { amount "金额" }``); an
  empty block is ``{}``; every other block opens a line and closes with ``}`` on its own line;
- a check's header is ``check KEY [severity] [for each row|column] ["label"]:``; the expression follows on the
  same line when the whole line fits in :data:`WIDTH` display columns (a Chinese character counts two), else on
  the next line one level deeper; ``message`` and ``tolerance`` options come one per line, one level deeper;
- options in a fixed order: ``field K "…" : TYPE required alias "…"``, ``K "…" : TYPE alias "…" gloss "…" after
  K``, ``total K "…" = sum(…) …``, ``text K "…" required alias "…"`` then one ``guidance`` line each;
  ``table K "…" : TYPE required {``; a table's items as ``alias``, ``stub``, ``note``, ``columns``, ``rows``,
  ``absent``, ``check``;
- strings re-quoted with :func:`gaidsl.language.printer.quote`, expressions printed by
:func:`gaidsl.language.printer.expr_text`.

Comments survive: each goes on its own line before the first line of output that comes from a construct starting
on or after the comment's line (so a comment at the end of a line moves above that line), at that line's
indentation; comments after the last statement of a block go before its closing brace, one level deeper.
A block that holds a comment is never collapsed onto one line, nor is a check split by one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence

import attrs

from gaidsl.language import ast
from gaidsl.language.printer import expr_text, quote
from gaidsl.language.source import Span, display_width

INDENT = "  "
WIDTH = 120  # display columns: a check whose header and expression fit stays on one line

_TOP_LEVEL_RUNS = (
    ast.Basis,
    ast.LanguageDecl,
    ast.UnitDecl,
    ast.Field,
    ast.RemoveCheck,
    ast.RemoveTable,
    ast.RenameTable,
    ast.Retype,
)  # consecutive ones need no blank line


STATEMENT, CONTINUATION, CLOSING = "statement", "continuation", "closing"


@attrs.define
class _Line:
    depth: int
    text: str
    anchor: tuple[int, int] | None  # where in the source this line's construct starts: (line, column)
    role: str = STATEMENT  # a statement may follow a blank line; a continuation never; a closing brace never
    column: int | None = None  # where the statement starts in the source (for telling if it starts its line)
    lead: str = ""  # source text allowed before ``column`` on its line (the word of ``rows {``)
    opens: bool = False  # ends with ``{``: no blank line right after it
    blank_before: bool = False  # the fixed rule's blank line (documents without source text)
    blank_after: bool = False  # a blank line after this line whatever the source says
    blank_after_comments: bool = False  # fixed rule: a blank line between the comments above and this line


def _start(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.line, span.column)


def _close(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.end_line, span.end_column - 1)  # where the ``}`` is


def _type_text(node: ast.TypeExpr) -> str:
    if node.kind == "choice":
        given = node.choice_translations or tuple(() for _ in node.choices)
        return "choice(" + ", ".join(quote(c) + _translated(t) for c, t in zip(node.choices, given, strict=True)) + ")"
    text = node.kind
    if node.unit is not None:
        text += f" in {node.unit}"
    if node.decimals is not None:
        text += f" decimals {node.decimals}"
    return text + (" signed" if node.signed else "")


def _label(label: str | None) -> str:
    return "" if label is None else " " + quote(label)


def _translated(translations: ast.Translations) -> str:
    """A label's translations, right after it: `` label en "…"``."""
    return "".join(f" label {t.lang} {quote(t.text)}" for t in translations)


def _options(**groups: Iterable[str]) -> str:
    return "".join(f" {name} {quote(v)}" for name, values in groups.items() for v in values)


class Formatter:
    def __init__(self, comments: Sequence[ast.Comment]) -> None:
        self.lines: list[_Line] = []
        self.comments = sorted(comments, key=lambda c: c.line)
        self.comment_lines = [c.line for c in self.comments]

    # -------------------------------------------------------------------------------------------- primitives
    def emit(
        self,
        depth: int,
        text: str,
        span: Span | None,
        *,
        role: str = STATEMENT,
        lead: str = "",
        opens: bool = False,
        anchor: tuple[int, int] | None = None,
    ) -> None:
        if anchor is None:
            anchor = _close(span) if role == CLOSING else _start(span)
        column = span.column if span is not None else None
        self.lines.append(_Line(depth, text, anchor, role, column, lead, opens))

    def has_inner_comment(self, span: Span | None) -> bool:
        """Whether a comment lies on a line strictly inside ``span`` (so the block must not be collapsed)."""
        if span is None:
            return False
        i = bisect.bisect_right(self.comment_lines, span.line)
        return i < len(self.comment_lines) and self.comment_lines[i] < span.end_line

    def block(
        self, depth: int, header: str, span: Span | None, body: Callable[[], None], empty: bool, lead: str = ""
    ) -> None:
        if empty and not self.has_inner_comment(span):
            self.emit(depth, header + " {}", span, lead=lead)
            return
        self.emit(depth, header + " {", span, lead=lead, opens=True)
        body()
        self.emit(depth, "}", span, role=CLOSING)

    def items(self, depth: int, items: Sequence[object], blank: Callable[[object, object], bool]) -> None:
        previous: object = None
        for index, item in enumerate(items):
            first = len(self.lines)
            self.item(depth, item)
            if index and blank(previous, item) and first < len(self.lines):
                self.lines[first].blank_before = True
            previous = item

    # -------------------------------------------------------------------------------------------- documents
    def document(self, doc: ast.Format) -> None:
        head = f"format {doc.key} version {doc.version}{_label(doc.title)}{_translated(doc.title_translations)}"
        header = head if doc.extends is None else f"{head} extends {quote(doc.extends)}"
        first = len(self.lines)

        def body() -> None:
            self.items(1, doc.items, _top_level_blank)

        if doc.extends is not None and display_width(header + " {") > WIDTH and doc.items:
            self.emit(0, head, doc.span)
            self.emit(1, f"extends {quote(doc.extends)} {{", doc.extends_span, role=CONTINUATION, opens=True)
            self.lines[-1].blank_after = True
            body()
            self.emit(0, "}", doc.span, role=CLOSING)
        else:
            self.block(0, header, doc.span, body, not doc.items)
        self.lines[first].blank_after_comments = True

    def item(self, depth: int, item: object) -> None:
        match item:
            case ast.Dimension():
                self.block(
                    depth,
                    f"dimension {item.key}{_label(item.label)}{_translated(item.translations)}"
                    + (" open" if item.open else ""),
                    item.span,
                    lambda: self.dimension_body(depth + 1, item),
                    not item.members and not item.rules,
                )
            case ast.Section():
                self.nested(depth, f"section {item.key} {quote(item.label)}{_translated(item.translations)}", item)
            case ast.ModifyTable():
                self.nested(depth, f"in table {item.table}", item)
            case ast.ModifySection():
                self.nested(depth, f"in section {item.section}", item)
            case ast.ModifyDimension():
                self.nested(depth, f"in dimension {item.dimension}", item)
            case ast.TextBlock():
                self.text_block(depth, item)
            case ast.Table():
                self.table(depth, item)
            case ast.Check():
                self.check(depth, item)
            case ast.Records():
                self.records(depth, item)
            case ast.AddMember():
                self.member(depth, item.member, "add " if item.axis == "member" else f"add {item.axis} ")
            case _:
                self.emit(depth, *_statement(item))

    def nested(
        self, depth: int, head: str, node: ast.Section | ast.ModifyTable | ast.ModifySection | ast.ModifyDimension
    ) -> None:
        """A block of items: a section, or an overlay's ``in table`` and ``in section``."""
        self.block(depth, head, node.span, lambda: self.items(depth + 1, node.items, _never), not node.items)

    # -------------------------------------------------------------------------------------------- members
    def dimension_body(self, depth: int, dimension: ast.Dimension) -> None:
        """An open dimension's rules (in a fixed order: key pattern, at least, at most), then the members."""
        for rule in dimension.rules:  # the builder keeps them in their one order
            self.emit(depth, _rule_text(rule), rule.span)
        self.members(depth, dimension.members)

    def members(self, depth: int, members: Sequence[ast.Member]) -> None:
        for member in members:
            self.member(depth, member)

    def member(self, depth: int, member: ast.Member, prefix: str = "") -> None:
        head = "of_which " if member.of_which else {"leaf": "", "group": "group ", "total": "total "}[member.kind]
        text = f"{prefix}{head}{member.key} {quote(member.label)}{_translated(member.translations)}"
        if member.total_of is not None:
            text += " = sum(" + ", ".join(member.total_of) + ")"
        text += _member_options(member)
        lead = prefix.strip()  # ``add row`` comes before the member's own span
        if member.kind == "group":
            self.block(depth, text, member.span, lambda: self.members(depth + 1, member.children), False, lead)
        else:
            self.emit(depth, text, member.span, lead=lead)

    def axis(self, depth: int, word: str, axis: ast.Axis) -> None:
        if isinstance(axis, ast.AxisRef):
            self.emit(depth, f"{word} {axis.name}", axis.span, lead=word)
            return
        members = axis.members
        if (
            len(members) == 1
            and members[0].kind == "leaf"
            and not members[0].children
            and not self.has_inner_comment(axis.span)
        ):
            leaf = members[0]
            label = quote(leaf.label) + _translated(leaf.translations)
            text = f"{word} {{ {leaf.key} {label}{_member_options(leaf)} }}"
            self.emit(depth, text, axis.span, lead=word)
            return
        self.block(depth, word, axis.span, lambda: self.members(depth + 1, members), not members, word)

    # -------------------------------------------------------------------------------------------- sections
    def text_block(self, depth: int, node: ast.TextBlock) -> None:
        required = " required" if node.required else ""
        label = _label(node.label) + _translated(node.translations)
        text = f"text {node.key}{label}{required}{_options(alias=node.aliases)}{_rules_text(node.rules)}"
        self.emit(depth, text, node.span)
        for i, guidance in enumerate(node.guidance):
            # Guidance has no span of its own: the last one ends the text block, the others cannot take comments.
            last = i == len(node.guidance) - 1 and node.span is not None
            anchor = (node.span.end_line, node.span.end_column - 1) if last and node.span else None
            translated = _translated(node.guidance_translations[i]) if node.guidance_translations else ""
            self.emit(depth + 1, f"guidance {quote(guidance)}{translated}", None, role=CONTINUATION, anchor=anchor)

    def table(self, depth: int, node: ast.Table) -> None:
        header = f"table {node.key}{_label(node.label)}{_translated(node.translations)}"
        if node.type is not None:
            header += f" : {_type_text(node.type)}"
        if node.required:
            header += " required"
        inner: list[object] = [*(("alias", a) for a in node.aliases)]
        if node.stub is not None:
            inner.append(("stub", node.stub, node.stub_translations))
        inner.extend(node.notes)
        if node.columns is not None:
            inner.append(("columns", node.columns))
        if node.rows is not None:
            inner.append(("rows", node.rows))
        inner.extend(node.absent)
        inner.extend(node.checks)

        def body() -> None:
            for part in inner:
                if isinstance(part, tuple):
                    word, value, *translations = part
                    if word in ("columns", "rows"):
                        self.axis(depth + 1, word, value)
                    else:  # stub and alias have no span: they never take a blank line or a comment
                        translated = _translated(translations[0]) if translations else ""
                        self.emit(depth + 1, f"{word} {quote(value)}{translated}", None)
                else:
                    self.item(depth + 1, part)

        self.block(depth, header, node.span, body, not inner)

    def records(self, depth: int, node: ast.Records) -> None:
        """A list of records (docs/records.md): its fields, its rules (at least, then at most), its checks."""

        def body() -> None:
            for field in node.fields:
                kind = f"member of {field.member_of}" if field.member_of is not None else ""
                if field.type is not None:
                    kind = _type_text(field.type)
                label = quote(field.label) + _translated(field.translations)
                self.emit(depth + 1, f"field {field.key} {label} : {kind}", field.span)
            for rule in sorted(node.rules, key=lambda r: r.kind != "at_least"):
                self.emit(depth + 1, f"{rule.kind.replace('_', ' ')} {rule.value}", rule.span)
            for check in node.checks:
                self.check(depth + 1, check)

        header = f"records {node.key} {quote(node.label)}{_translated(node.translations)}"
        self.block(depth, header, node.span, body, False)

    def check(self, depth: int, node: ast.Check) -> None:
        header = f"check {node.key}"
        if node.severity is not None:
            header += f" {node.severity}"
        if node.broadcast is not None:
            header += f" for each {node.broadcast}"
        header += _label(node.label) + _translated(node.translations) + ":"
        expr = expr_text(node.expr)
        one_line = f"{header} {expr}"
        expr_span = getattr(node.expr, "span", None)
        split = display_width(INDENT * depth + one_line) > WIDTH or (
            node.span is not None
            and expr_span is not None
            and self.has_inner_comment(attrs.evolve(node.span, end_line=expr_span.line))
        )
        if split:
            self.emit(depth, header, node.span)
            self.emit(depth + 1, expr, expr_span, role=CONTINUATION)
        else:
            self.emit(depth, one_line, node.span)
        for message in node.messages:
            self.emit(depth + 1, f"message {message.lang} {quote(message.text)}", message.span, role=CONTINUATION)
        if node.tolerance is not None:
            self.emit(depth + 1, f"tolerance {node.tolerance}", node.tolerance_span, role=CONTINUATION)

    # -------------------------------------------------------------------------------------------- output
    def _target(
        self,
        comment: ast.Comment,
        src: _SourceLines,
        anchored: list[tuple[tuple[int, int], int]],
        keys: list[tuple[int, int]],
    ) -> int | None:
        """The index of the output line ``comment`` goes above (``None``: after everything)."""
        column = src.comment_column(comment)
        if column is not None:  # after code on its line: above the first statement that starts on that line
            on_line = [
                (anchor, i)
                for anchor, i in anchored
                if anchor[0] == comment.line and anchor[1] < column and self.lines[i].role != CLOSING
            ]
            if on_line:
                return min(on_line)[1]
        k = bisect.bisect_left(keys, (comment.line, column or 0))
        return anchored[k][1] if k < len(keys) else None

    def render(self, source: str | None) -> str:
        src = _SourceLines(source)
        anchored = sorted((line.anchor, i) for i, line in enumerate(self.lines) if line.anchor is not None)
        keys = [a for a, _ in anchored]
        before: dict[int, list[ast.Comment]] = {}
        after: list[ast.Comment] = []
        for comment in self.comments:
            target = self._target(comment, src, anchored, keys)
            if target is None:
                after.append(comment)
            else:
                before.setdefault(target, []).append(comment)
        out: list[str] = []
        previous_opens = True  # nothing above the first line
        forced = False

        def put(text: str, blank: bool) -> None:
            nonlocal previous_opens, forced
            if out and (forced or (blank and not previous_opens)):
                out.append("")
            out.append(text)
            previous_opens = forced = False

        for i, line in enumerate(self.lines):
            comments = before.get(i, [])
            paragraphs = line.role != CONTINUATION  # blank lines may come before this line or its comments
            blanks = [paragraphs and src.blank_above(c.line) and src.own_line(c.line) for c in comments]
            line_blank = (
                line.role == STATEMENT
                and line.anchor is not None
                and src.blank_above(line.anchor[0])
                and src.starts_line(line.anchor[0], line.column, line.lead)
            )
            # A comment that ended this line's first source line goes above it, taking its blank line along.
            for k, comment in enumerate(comments):
                if line.anchor is not None and comment.line == line.anchor[0] and not src.own_line(comment.line):
                    blanks[k], line_blank = line_blank, False
                    break
            if src.text is None:  # no source text: the fixed rule
                blanks = [line.blank_before and k == 0 for k in range(len(comments))]
                line_blank = (line.blank_before and not comments) or bool(comments and line.blank_after_comments)
            depth = line.depth + (1 if line.role == CLOSING else 0)
            for comment, blank in zip(comments, blanks, strict=True):
                put(INDENT * depth + comment.text.rstrip(), blank)
            put(INDENT * line.depth + line.text, line_blank)
            previous_opens, forced = line.opens, line.blank_after
        for comment in after:
            put(comment.text.rstrip(), src.blank_above(comment.line) and src.own_line(comment.line))
        return "\n".join(out) + "\n"


_STRING_OR_COMMENT = re.compile(r'"(?:\\[\\"n]|[^"\\\n])*"|#[^\n]*')


class _SourceLines:
    """What the formatter asks of the source text: where the blank lines are and what starts a line."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.lines = text.split("\n") if text is not None else []

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def blank_above(self, number: int) -> bool:
        return self.text is not None and number >= 2 and not self.line(number - 1).strip()

    def comment_column(self, comment: ast.Comment) -> int | None:
        """The column of a comment that comes after code on its line; ``None`` for a comment on a line of its own."""
        if self.text is None or self.own_line(comment.line):
            return None
        for match in _STRING_OR_COMMENT.finditer(self.line(comment.line)):
            if match.group(0).startswith("#"):
                return match.start() + 1
        return None

    def own_line(self, number: int) -> bool:
        """Whether the comment on line ``number`` is alone on its line (not after code)."""
        return self.text is None or self.line(number).lstrip().startswith("#")

    def starts_line(self, number: int, column: int | None, lead: str) -> bool:
        """Whether the construct at ``column`` is the first on its line (``lead``, such as ``rows``, allowed)."""
        if self.text is None or column is None:
            return False
        before = self.line(number)[: column - 1].split()
        return before == [] or before == lead.split()


def _rule_text(rule: ast.OpenRule) -> str:
    if rule.kind == "key_pattern":
        return f"key pattern {quote(rule.value)}"
    if rule.kind in ("levels", "codes"):
        return _coded_rule_text(rule)
    return ("at least " if rule.kind == "at_least" else "at most ") + rule.value


def _coded_rule_text(rule: ast.OpenRule) -> str:
    """``levels by code length 3 "类", 5 "款"`` or ``codes from "file.csv"`` (docs/open-dimensions.md)."""
    if rule.kind == "codes":
        return f"codes from {quote(rule.value)}"
    levels = (
        f"{level.length}" + (f" {quote(level.label)}" if level.label is not None else "") for level in rule.levels
    )
    return "levels by code length " + ", ".join(levels)


def _member_options(member: ast.Member) -> str:
    text = f" : {_type_text(member.type)}" if member.type is not None else ""
    text += _options(alias=member.aliases)
    if member.gloss is not None:
        text += f" gloss {quote(member.gloss)}{_translated(member.gloss_translations)}"
    if member.after is not None:
        text += f" after {member.after}"
    if member.aggregation != "additive":  # aggregation kinds: average, ratio, stock
        text += f" {member.aggregation}"
    if member.derived is not None:
        text += f" = {expr_text(member.derived)}"
    return text


def _top_level_blank(previous: object, item: object) -> bool:
    return not (type(previous) is type(item) and isinstance(item, _TOP_LEVEL_RUNS))


def _never(previous: object, item: object) -> bool:
    return False


def format_spec(doc: ast.Format, source: str | None = None) -> str:
    """The canonical text of a parsed spec, comments included (``doc.comments``).

    ``source``, the text ``doc`` was parsed from, tells where the author left blank lines; without it, blank lines
    follow the fixed rule described in the module's docstring.

    A migration document is laid out by :mod:`gaidsl.migrations.fmt`, which also formats any document
    (``format_document``, ``format_text``).
    """
    formatter = Formatter(doc.comments)
    formatter.document(doc)
    return formatter.render(source)


def _statement(item: object) -> tuple[str, Span | None]:
    """An item that is one line: the line's text and the item's span."""
    match item:
        case ast.Basis():  # the format's own
            return f"basis {quote(item.text)}", item.span
        case ast.LanguageDecl():  # docs/languages.md
            return f"language {', '.join(item.languages)}", item.span
        case ast.UnitDecl():
            scale = f" = {item.factor} {item.base}" if item.base is not None else ""
            if item.per is not None:  # aggregation kinds: a rate
                scale = f" = {item.base} / {item.per}"
            elif item.percent:
                scale = " percent"
            return f"unit {item.key}{_label(item.label)}{_translated(item.translations)}{scale}", item.span
        case ast.Field():
            required = " required" if item.required else ""
            options = _options(alias=item.aliases)
            rules = _rules_text(item.rules)
            return (
                f"field {item.key} {quote(item.label)}{_translated(item.translations)} : "
                f"{_type_text(item.type)}{required}{options}{rules}",
                item.span,
            )
        case ast.Note():  # in a table
            place = f" at {item.place}" if item.place is not None else ""
            return f"note {quote(item.text)}{_translated(item.translations)}{place}", item.span
        case ast.Absent():
            patterns = ", ".join(f"[{p.row}, {p.column}]" for p in item.patterns)
            return f"absent {patterns}", item.span
        case ast.RemoveCheck():  # an overlay's edits
            return f"remove check {item.key} {quote(item.reason)}", item.span
        case ast.Relabel():
            return f"relabel {item.axis} {item.key} {quote(item.label)}{_translated(item.translations)}", item.span
        case ast.Gloss():
            return f"gloss {item.axis} {item.key} {quote(item.text)}{_translated(item.translations)}", item.span
        case ast.RemoveMember():
            return f"remove {item.axis} {item.key} {quote(item.reason)}", item.span
        case ast.RenameMember():
            return f"rename {item.axis} {item.key}{_rename_text(item)} {quote(item.reason)}", item.span
        case ast.ExcludeMember():
            return f"keep {item.axis} {item.key} out of {item.total} {quote(item.reason)}", item.span
        case ast.RetypeMember():
            return f"retype {item.axis} {item.key} : {_type_text(item.type)} {quote(item.reason)}", item.span
        case ast.RemoveTable():
            return f"remove table {item.key} {quote(item.reason)}", item.span
        case ast.RenameTable():
            return f"rename table {item.key}{_rename_text(item)} {quote(item.reason)}", item.span
        case ast.Retype():
            return f"retype {item.what} {item.key} : {_type_text(item.type)} {quote(item.reason)}", item.span
        case _:  # pragma: no cover - every AST item is handled here or in Formatter.item
            raise TypeError(f"cannot format {item!r}")


def _rename_text(item: ast.RenameMember | ast.RenameTable) -> str:
    """`` to NEW label "…"`` of a rename, as much as it changes."""
    text = f" to {item.new_key}" if item.new_key is not None else ""
    label = f" label {quote(item.label)}{_translated(item.translations)}" if item.label is not None else ""
    return text + label


def _rules_text(rules: tuple[ast.TextRule, ...]) -> str:
    """A field's (text block's) formats as written (issue 16), after its other options."""
    parts: list[str] = []
    for rule in rules:
        if rule.kind == "format":
            parts.append(f" format {rule.value}")
        elif rule.kind == "pattern":
            named = f" named {quote(rule.name)}" if rule.name is not None else ""
            parts.append(f" pattern {quote(rule.value)}{named}")
        else:
            parts.append(f" length at most {rule.value}")
    return "".join(parts)
