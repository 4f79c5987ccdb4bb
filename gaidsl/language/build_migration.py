"""Lark syntax tree → AST for a migration file: its header (the two spec versions) and its statements."""

from __future__ import annotations

from typing import Any

from lark import Token, v_args

from gaidsl.language import ast
from gaidsl.language.source import Span
from gaidsl.language.tree_builder import TreeBuilder, unquote


@v_args(meta=True)
class MigrationRules(TreeBuilder):
    """The rule methods of a migration file (Lark calls each by its rule's name; :func:`v_args` is applied per class,
    so the spec builder that extends this one decorates its own)."""

    def migration_decl(self, meta: Any, children: list[Any]) -> ast.Migration:
        key = str(children[0])
        title = None
        ends: list[ast.FormatVersion] = []
        items: list[ast.MigrationItem] = []
        for child in children[1:]:
            if isinstance(child, Token):
                title = unquote(child)
            elif isinstance(child, ast.FormatVersion):
                ends.append(child)
            else:
                items.append(child)
        return ast.Migration(key, ends[0], ends[1], tuple(items), title, self._span(meta))

    def format_version(self, meta: Any, children: list[Any]) -> ast.FormatVersion:
        key = None
        version = ""
        file = file_span = None
        for child in children:
            if isinstance(child, Token) and child.type == "NAME":
                key = str(child)
            elif isinstance(child, tuple):
                file, file_span = child
            else:
                version = str(child)
        return ast.FormatVersion(key, version, file, self._span(meta), file_span)

    def spec_file(self, meta: Any, children: list[Token]) -> tuple[str, Span | None]:
        return (unquote(children[0]), self._span(meta))

    def item_kind(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("kind", str(children[0]).removesuffix("s"))  # "rows", "columns", "cells" read as plurals

    def item_path(self, meta: Any, children: list[Token]) -> ast.ItemPath:
        return ast.ItemPath(tuple(str(c) for c in children), self._span(meta))

    def arrow(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("arrow", str(children[0]))

    def because(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("because", unquote(children[0]))

    @staticmethod
    def _statement_parts(children: list[Any]) -> tuple[str | None, list[ast.ItemPath], str | None, list[Any]]:
        """The kind keyword, the names in order, the reason and everything else of a migration statement."""
        kind = reason = None
        paths: list[ast.ItemPath] = []
        rest: list[Any] = []
        for child in children:
            if isinstance(child, ast.ItemPath):
                paths.append(child)
            elif isinstance(child, tuple) and child[0] == "kind":
                kind = child[1]
            elif isinstance(child, tuple) and child[0] == "because":
                reason = child[1]
            elif not (isinstance(child, tuple) and child[0] == "arrow"):
                rest.append(child)
        return kind, paths, reason, rest

    def rename_stmt(self, meta: Any, children: list[Any]) -> ast.Rename:
        kind, paths, reason, _ = self._statement_parts(children)
        return ast.Rename(kind, paths[0], paths[1], reason, self._span(meta))

    def split_stmt(self, meta: Any, children: list[Any]) -> ast.Split:
        kind, paths, reason, rest = self._statement_parts(children)
        allocations = next((r for r in rest if isinstance(r, tuple)), None)
        return ast.Split(kind, paths[0], tuple(paths[1:]), allocations, reason, self._span(meta))

    def allocation(self, meta: Any, children: list[ast.Allocation]) -> tuple[ast.Allocation, ...]:
        return tuple(children)

    def allocation_part(self, meta: Any, children: list[Any]) -> ast.Allocation:
        share, amount = children[1]
        return ast.Allocation(children[0], share, amount, self._span(meta))

    def share_unknown(self, meta: Any, children: list[Token]) -> tuple[str, str | None]:
        return ("unknown", None)

    def share_old(self, meta: Any, children: list[Token]) -> tuple[str, str | None]:
        return ("old", None)

    def share_rest(self, meta: Any, children: list[Token]) -> tuple[str, str | None]:
        return ("rest", None)

    def share_fixed(self, meta: Any, children: list[Token]) -> tuple[str, str | None]:
        return ("fixed", str(children[0]))

    def merge_stmt(self, meta: Any, children: list[Any]) -> ast.Merge:
        kind, paths, reason, _ = self._statement_parts(children)
        return ast.Merge(kind, tuple(paths[:-1]), paths[-1], reason, self._span(meta))

    def drop_stmt(self, meta: Any, children: list[Any]) -> ast.Drop:
        kind, paths, reason, _ = self._statement_parts(children)
        return ast.Drop(kind, tuple(paths), reason, self._span(meta))

    def new_stmt(self, meta: Any, children: list[Any]) -> ast.New:
        kind, paths, reason, rest = self._statement_parts(children)
        default = next((r for r in rest if isinstance(r, ast.NewDefault)), None)
        return ast.New(kind, tuple(paths), reason, self._span(meta), default)

    def new_default(self, meta: Any, children: list[Token]) -> ast.NewDefault:
        token = children[0]
        kind = {"NUMBER": "number", "STRING": "text"}.get(token.type, "name")
        return ast.NewDefault(_key(token), kind, self._span(meta))

    def transform_stmt(self, meta: Any, children: list[Any]) -> ast.Transform:
        kind, paths, reason, rest = self._statement_parts(children)
        conversion = rest[0]
        if conversion[0] == "units":
            return ast.Transform(kind, paths[0], conversion[1], conversion[2], None, reason, self._span(meta))
        return ast.Transform(kind, paths[0], factor=conversion[1], reason=reason, span=self._span(meta))

    def unit_conversion(self, meta: Any, children: list[Any]) -> tuple[str, str, str]:
        names = [str(c) for c in children if isinstance(c, Token)]
        return ("units", names[0], names[1])

    def factor_conversion(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("factor", "/".join(str(c) for c in children))

    def exempt_stmt(self, meta: Any, children: list[Any]) -> ast.Exempt:
        names = [c for c in children if isinstance(c, Token)]
        reason = next((c[1] for c in children if isinstance(c, tuple) and c[0] == "because"), None)
        return ast.Exempt(
            tuple(str(n) for n in names), reason, self._span(meta), tuple(self._tok_span(n) for n in names)
        )

    def members_stmt(self, meta: Any, children: list[Any]) -> ast.MemberMapping:
        name = children[0]
        rules = tuple(c for c in children if isinstance(c, ast.MemberRule))
        reason = next((c[1] for c in children if isinstance(c, tuple) and c[0] == "because"), None)
        return ast.MemberMapping(str(name), rules, reason, self._span(meta), self._tok_span(name))

    def member_rule(self, meta: Any, children: list[Any]) -> ast.MemberRule:
        old = tuple(_key(c) for c in children if isinstance(c, Token))
        parts = tuple(c for c in children if isinstance(c, ast.MemberPart))
        return ast.MemberRule(old, parts, self._span(meta))

    def member_subtree(self, meta: Any, children: list[Any]) -> ast.MemberRule:
        old, new = (c for c in children if isinstance(c, Token))
        part = ast.MemberPart(_key(new), span=self._tok_span(new))
        return ast.MemberRule((_key(old),), (part,), self._span(meta), children=True)

    def member_part(self, meta: Any, children: list[Any]) -> ast.MemberPart:
        share, amount = children[1] if len(children) > 1 else ("old", None)
        return ast.MemberPart(_key(children[0]), share, amount, self._span(meta))


def _key(token: Token) -> str:
    """A member key as written: a name, a code (digits) or a quoted text."""
    return unquote(token) if token.type == "STRING" else str(token)
