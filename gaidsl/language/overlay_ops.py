"""An overlay's changes to what its base has (docs/overlays.md): remove, rename, keep out of a total and retype a
row, column or dimension member; remove, rename and retype a table; retype a field. Each statement gives a reason.

Merging applies them to the AST (:mod:`gaidsl.language.overlay` calls in here) and records each as an
:class:`ast.OverlayChange` for ``gaidsl diff``. A rename rewrites the names of the base's checks, totals, derived
members, ``absent`` patterns and note places that read the old key. A removal drops the member from the totals that
list it and from ``absent`` patterns; a check (or derived member) of the base that still reads a removed member or
table is GAI412 at the removing statement, with the check's declaration as a related place — unless the overlay
removes that check too (before or after, anywhere in the overlay).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from gaidsl.language import ast
from gaidsl.language.diagnostics import Diagnostic, Related, Text, did_you_mean, error
from gaidsl.language.source import Span

ChangeStatement = ast.MemberChange | ast.RemoveTable | ast.RenameTable | ast.Retype
AXIS_TEXT = {"row": Text("行", "row"), "column": Text("列", "column"), "member": Text("成员", "member")}


# ---------------------------------------------------------------------------------------------------- expressions


def map_refs(expr: ast.Expr, change: Callable[[ast.Ref], ast.Ref]) -> ast.Expr:
    """``expr`` (a spec's AST expression, not the IR's) with every name (:class:`ast.Ref`) replaced by
    ``change(name)``."""
    if isinstance(expr, ast.Ref):
        return change(expr)
    if isinstance(expr, ast.Call):
        args = tuple(a if isinstance(a, ast.Star) else map_refs(a, change) for a in expr.args)
        return attrs.evolve(expr, args=args)
    if isinstance(expr, ast.BinOp | ast.Compare):
        return attrs.evolve(expr, left=map_refs(expr.left, change), right=map_refs(expr.right, change))
    if isinstance(expr, ast.Logic):
        return attrs.evolve(expr, args=tuple(map_refs(a, change) for a in expr.args))
    if isinstance(expr, ast.Not | ast.Neg):
        return attrs.evolve(expr, arg=map_refs(expr.arg, change))
    if isinstance(expr, ast.If):
        return attrs.evolve(expr, condition=map_refs(expr.condition, change), then=map_refs(expr.then, change))
    return expr  # a number or a string


def refs(expr: ast.Expr) -> list[ast.Ref]:
    found: list[ast.Ref] = []

    def keep(ref: ast.Ref) -> ast.Ref:
        found.append(ref)
        return ref

    map_refs(expr, keep)
    return found


@attrs.frozen
class Target:
    """A member of one table (``key`` set) or a whole table (``key`` ``None``)."""

    table: str
    key: str | None = None


def reads(ref: ast.Ref, target: Target, context: str | None, tables: Iterable[str]) -> bool:
    """Whether the name ``ref``, in a check of table ``context`` (``None``: outside tables), reads ``target``."""
    if ref.path[0] == target.table:
        return target.key is None or target.key in ref.path[1:] or target.key in ref.selector
    if target.key is None or context != target.table or ref.path[0] in tables:
        return False
    return target.key in ref.path or target.key in ref.selector


def renamed_ref(ref: ast.Ref, target: Target, new: str, context: str | None, tables: Iterable[str]) -> ast.Ref:
    """``ref`` with the member (or table) ``target`` called ``new``."""
    if target.key is None:
        return attrs.evolve(ref, path=(new, *ref.path[1:])) if ref.path[0] == target.table else ref
    if not reads(ref, target, context, tables):
        return ref
    first = 1 if ref.path[0] == target.table else 0
    path = (*ref.path[:first], *(new if p == target.key else p for p in ref.path[first:]))
    selector = tuple(new if s == target.key else s for s in ref.selector)
    return attrs.evolve(ref, path=path, selector=selector)


# ---------------------------------------------------------------------------------------------------- members


def find_member(members: tuple[ast.Member, ...], key: str) -> ast.Member | None:
    for member in members:
        if member.key == key:
            return member
        found = find_member(member.children, key)
        if found is not None:
            return found
    return None


def every_member(members: tuple[ast.Member, ...]) -> list[ast.Member]:
    out: list[ast.Member] = []
    for member in members:
        out.append(member)
        out.extend(every_member(member.children))
    return out


def level_of(members: tuple[ast.Member, ...], key: str) -> tuple[ast.Member, ...] | None:
    """The members beside ``key`` (the list it is a direct member of)."""
    if any(m.key == key for m in members):
        return members
    for member in members:
        found = level_of(member.children, key)
        if found is not None:
            return found
    return None


def map_members(
    members: tuple[ast.Member, ...], change: Callable[[ast.Member], ast.Member | None]
) -> tuple[ast.Member, ...]:
    """Every member (at any depth) replaced by ``change(member)``; ``None`` drops it."""
    out: list[ast.Member] = []
    for member in members:
        if member.children:
            member = attrs.evolve(member, children=map_members(member.children, change))
        changed = change(member)
        if changed is not None:
            out.append(changed)
    return tuple(out)


def added_up(level: tuple[ast.Member, ...], total: ast.Member) -> tuple[str, ...]:
    """The names a total adds up as written, ``*`` (and no list) spelt out as its siblings."""
    siblings = tuple(m.key for m in level if m.key != total.key and m.kind != "total" and not m.of_which)
    if total.total_of is None:
        return siblings
    names: list[str] = []
    for name in total.total_of:
        names.extend(siblings if name == "*" else (name,))
    return tuple(dict.fromkeys(names))


def without_in_totals(members: tuple[ast.Member, ...], key: str) -> tuple[ast.Member, ...]:
    """The members with ``key`` taken out of every total that lists it by name."""

    def drop(member: ast.Member) -> ast.Member:
        if member.total_of is None or key not in member.total_of:
            return member
        pairs = [(n, s) for n, s in _named(member) if n != key]
        return attrs.evolve(member, total_of=tuple(n for n, _ in pairs), total_of_spans=tuple(s for _, s in pairs))

    return map_members(members, drop)


def _named(member: ast.Member) -> list[tuple[str, Span | None]]:
    names = member.total_of or ()
    spans = member.total_of_spans
    return [(n, spans[i] if i < len(spans) else None) for i, n in enumerate(names)]


def renamed_members(
    members: tuple[ast.Member, ...],
    key: str,
    new_key: str | None,
    label: str | None,
    translations: ast.Translations = (),
) -> tuple[ast.Member, ...]:
    """The members with ``key`` renamed, the totals that list it and the derived members' bare names following."""

    def rename_ref(ref: ast.Ref) -> ast.Ref:
        if new_key is None or len(ref.path) != 1 or ref.path[0] != key:
            return ref
        return attrs.evolve(ref, path=(new_key,))

    def rename(member: ast.Member) -> ast.Member:
        if member.key == key:
            member = attrs.evolve(member, key=new_key or member.key, label=label if label is not None else member.label)
            if label is not None:  # a new label takes its own translations, not the old one's (docs/languages.md)
                member = attrs.evolve(member, translations=translations)
        if new_key is not None and member.total_of is not None:
            member = attrs.evolve(member, total_of=tuple(new_key if n == key else n for n in member.total_of))
        if member.derived is not None:
            member = attrs.evolve(member, derived=map_refs(member.derived, rename_ref))
        return member

    return map_members(members, rename)


def excluded(
    members: tuple[ast.Member, ...], op: ast.ExcludeMember, where: Text
) -> tuple[tuple[ast.Member, ...], Diagnostic | None]:
    """The members with ``op.key`` no longer added up by ``op.total`` (the total's list spelt out without it)."""
    total = find_member(members, op.total)
    if total is None or total.kind != "total":
        totals = [m.key for m in every_member(members) if m.kind == "total"]
        return members, error(
            "GAI416", op.span, did_you_mean(op.total, totals), total=op.total, where=where.zh, where_en=where.en
        )
    level = level_of(members, op.total) or ()
    names = added_up(level, total)
    if op.key not in names:
        listed = ", ".join(names) or "—"
        return members, error(
            "GAI417",
            op.span,
            [Text(f"「{op.total}」加总：{listed}", f"'{op.total}' adds up: {listed}")],
            total=op.total,
            name=op.key,
        )
    spans = dict(_named(total))
    kept = tuple(n for n in names if n != op.key)

    def change(member: ast.Member) -> ast.Member:
        if member.key != op.total:
            return member
        return attrs.evolve(member, total_of=kept, total_of_spans=tuple(spans.get(n) for n in kept))

    return map_members(members, change), None


# ---------------------------------------------------------------------------------------------------- diagnostics


def empty_reason(statement: str, reason: str, span: Span | None) -> Diagnostic | None:
    if reason.strip():
        return None
    help = Text(f'在语句末尾写明理由：{statement} … "理由"', f'end the statement with its reason: {statement} … "why"')
    return error("GAI413", span, [help], statement=statement)


def dangling(
    target: Target,
    what: Text,
    removal: ast.RemoveMember | ast.RemoveTable,
    reader: Text,
    at: Span | None,
    check: str | None = None,
) -> Diagnostic:
    """GAI412 at the removing statement, with the reader (a check, a derived member) as the related place."""
    name = target.table if target.key is None else f"{target.table}.{target.key}"
    if check is not None:
        help = Text(
            f'若该校验已不再适用，也删除它：remove check {check} "理由"；否则保留「{name}」',
            f"if that check no longer applies, remove it too: remove check {check} \"why\"; otherwise keep '{name}'",
        )
    else:
        help = Text(f"改写它，或保留「{name}」", f"rewrite it, or keep '{name}'")
    diagnostic = error(
        "GAI412", removal.span, [help], reader=reader.zh, reader_en=reader.en, what=what.zh, what_en=what.en, name=name
    )
    if at is None:
        return diagnostic
    related = Related(at, Text(f"{reader.zh}在此声明", f"{reader.en} is declared here"))
    return attrs.evolve(diagnostic, related=(related,))
