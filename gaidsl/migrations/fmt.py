"""The canonical layout of migration files (``gaidsl fmt``), and of any document (:func:`format_document`).

A migration is laid out as ``specs/*_to_*.gai`` are, with :mod:`gaidsl.language.fmt`'s rules for comments and blank
lines (it is that module's formatter with one more kind of document).

- the header on one line when it fits in :data:`gaidsl.language.fmt.WIDTH` columns, else ``migration KEY "title"`` and
then
  ``from …`` and ``to … {`` on lines of their own, one level deeper;
- one statement per line, two spaces in, ending with ``;``; a statement wider than the limit puts its ``allocate``
  and ``because`` parts on lines of their own, one level deeper;
- the words as the grammar spells them first: ``->`` for renames and conversions, singular kinds (``row``, not
  ``rows``), a statement's kind written only when the source wrote one.
"""

from __future__ import annotations

import re

from gaidsl.language import ast
from gaidsl.language.fmt import CONTINUATION, WIDTH, Formatter, format_spec
from gaidsl.language.parser import parse
from gaidsl.language.printer import quote
from gaidsl.language.source import SourceFile, display_width


def _end(end: ast.FormatVersion) -> str:
    text = (f"{end.key} " if end.key else "") + f"version {end.version}"
    return text + (f" in {quote(end.file)}" if end.file is not None else "")


def _paths(paths: tuple[ast.ItemPath, ...]) -> str:
    return ", ".join(p.text for p in paths)


def _kind(kind: str | None) -> str:
    return f"{kind} " if kind else ""


def _share(allocation: ast.Allocation) -> str:
    value = allocation.amount if allocation.share == "fixed" else allocation.share
    return f"{allocation.target.text} = {value}"


def statement_parts(item: ast.MigrationItem) -> list[str]:
    """A statement as its main part and optional ``allocate``/``because`` parts (joined by spaces on one line)."""
    if isinstance(item, ast.Rename):
        parts = [f"rename {_kind(item.kind)}{item.old.text} -> {item.new.text}"]
    elif isinstance(item, ast.Split):
        parts = [f"split {_kind(item.kind)}{item.old.text} into {_paths(item.into)}"]
        if item.allocations is not None:
            parts.append("allocate " + ", ".join(_share(a) for a in item.allocations))
    elif isinstance(item, ast.Merge):
        parts = [f"merge {_kind(item.kind)}{_paths(item.old)} into {item.into.text}"]
    elif isinstance(item, ast.Drop):
        parts = [f"drop {_kind(item.kind)}{_paths(item.old)}"]
    elif isinstance(item, ast.New):
        if item.default is None:
            parts = [f"new {_kind(item.kind)}{_paths(item.new)} must be entered"]
        else:
            value = item.default.value if item.default.kind != "text" else quote(item.default.value)
            parts = [f"new {_kind(item.kind)}{_paths(item.new)} = {value}"]
    elif isinstance(item, ast.Transform):
        conversion = f"{item.from_unit} -> {item.to_unit}" if item.factor is None else f"by {item.factor}"
        parts = [f"transform {_kind(item.kind)}{item.old.text} {conversion}"]
    elif isinstance(item, ast.MemberMapping):
        parts = [f"members {item.dimension} {{ " + " ".join(member_rule(r) for r in item.rules) + " }"]
    else:
        parts = ["exempt check " + ", ".join(item.checks)]
    if item.reason is not None:
        parts.append(f"because {quote(item.reason)}")
    return parts


def member_key(key: str) -> str:
    """A member key as the migration language writes it: bare when it is a name or a code, else quoted."""
    return key if re.fullmatch(r"(?!\d)\w+|[0-9]+", key) and key not in _WORDS else quote(key)


_WORDS = frozenset({"old", "rest", "unknown", "to", "because"})


def member_rule(rule: ast.MemberRule) -> str:
    """``OLD, … -> NEW [= share], …;`` or ``OLD with children -> NEW;``"""
    if rule.children:
        return f"{member_key(rule.old[0])} with children -> {member_key(rule.new[0].key)};"
    parts = []
    for part in rule.new:
        share = (
            ""
            if part.share == "old" and len(rule.new) == 1
            else f" = {part.amount if part.share == 'fixed' else part.share}"
        )
        parts.append(member_key(part.key) + share)
    return f"{', '.join(member_key(k) for k in rule.old)} -> {', '.join(parts)};"


class MigrationFormatter(Formatter):
    def migration(self, doc: ast.Migration) -> None:
        head = f"migration {doc.key}" + (f" {quote(doc.title)}" if doc.title is not None else "")
        ends = f"from {_end(doc.source)} to {_end(doc.target)}"
        first = len(self.lines)
        if display_width(f"{head} {ends} {{") <= WIDTH:
            self.emit(0, f"{head} {ends} {{", doc.span, opens=True)
        else:
            self.emit(0, head, doc.span)
            self.emit(1, f"from {_end(doc.source)}", doc.source.span, role=CONTINUATION)
            self.emit(1, f"to {_end(doc.target)} {{", doc.target.span, role=CONTINUATION, opens=True)
        for item in doc.items:
            self.statement(1, item)
        self.emit(0, "}", doc.span, role="closing")
        self.lines[first].blank_after_comments = True

    def statement(self, depth: int, item: ast.MigrationItem) -> None:
        if isinstance(item, ast.MemberMapping):  # a block: a rule a line
            self.emit(depth, f"members {item.dimension} {{", item.span, opens=True)
            for rule in item.rules:
                self.emit(depth + 1, member_rule(rule), rule.span)
            because = f" because {quote(item.reason)};" if item.reason is not None else ""
            self.emit(depth, f"}}{because}", item.span, role="closing")
            return
        parts = statement_parts(item)
        one_line = " ".join(parts) + ";"
        if display_width("  " * depth + one_line) <= WIDTH or len(parts) == 1:
            self.emit(depth, one_line, item.span)
            return
        self.emit(depth, parts[0], item.span)
        for k, part in enumerate(parts[1:], 1):
            text = part + (";" if k == len(parts) - 1 else "")
            self.emit(depth + 1, text, None, role=CONTINUATION, anchor=None)


def format_migration(doc: ast.Migration, source: str | None = None) -> str:
    """The canonical text of a migration document (comments included)."""
    formatter = MigrationFormatter(doc.comments)
    formatter.migration(doc)
    return formatter.render(source)


def format_document(doc: ast.Document, source: str | None = None) -> str:
    """The canonical text of a parsed spec or migration, comments included (``doc.comments``).

    ``source``, the text ``doc`` was parsed from, tells where the author left blank lines
    (:func:`gaidsl.language.fmt.format_spec`).
    """
    if isinstance(doc, ast.Migration):
        return format_migration(doc, source)
    return format_spec(doc, source)


def format_text(text: str, name: str = "<spec>") -> str:
    """Parse and format spec or migration text; raises :class:`DiagnosticError` on syntax errors."""
    return format_document(parse(SourceFile(name, text)), text)


__all__ = ["format_document", "format_migration", "format_text", "statement_parts"]
