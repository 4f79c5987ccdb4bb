"""Open dimensions in the spec (docs/open-dimensions.md): their rules checked, their axis built with the *slot* that
stands for the members each report enters, checks that name an entered member refused, and the one refusal every
stage that does not understand open dimensions yet gives (GAI610)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.axes import AxisBuilder, TypeLowerer
from gaidsl.language.coded import coded_hierarchy
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.source import Span

RULE_WORDS = {
    "key_pattern": "key pattern",
    "levels": "levels by code length",
    "codes": "codes from",
    "at_least": "at least",
    "at_most": "at most",
}


def slot_key(dimension: str) -> str:
    """The slot's key: ``<component>``; cell keys then read ``requests.<component>.received``."""
    return f"<{dimension}>"


def build_open_axis(node: ast.Dimension, diagnostics: list[Diagnostic], lower_type: TypeLowerer) -> ir.Axis:
    """The axis of ``dimension K "…" open { … }``: its fixed members with the slot among them, and its rules."""
    rules = _rules(node, diagnostics)
    pattern = rules.get("key_pattern")
    compiled = _pattern(node, pattern, diagnostics)
    fixed: list[ast.Member] = []
    for member in node.members:
        if member.kind == "group":
            diagnostics.append(error("GAI323", member.span, dimension=node.key, name=member.key))
            continue
        if member.kind == "leaf" and compiled is not None and compiled.fullmatch(member.key):
            diagnostics.append(error("GAI122", member.span, name=member.key, dimension=node.key, pattern=pattern))
        fixed.append(member)
    label = node.label or node.key
    slot = ast.Member(
        "leaf",
        slot_key(node.key),
        f"<{label}>",
        span=node.span,
        translations=tuple(attrs.evolve(t, text=f"<{t.text}>") for t in node.translations),  # so diff sees them
    )
    members = [*fixed[: _slot_place(fixed)], slot, *fixed[_slot_place(fixed) :]]
    axis = AxisBuilder(node.key, node.label, diagnostics, lower_type).build(members)
    at_least = int(rules.get("at_least") or 0)
    at_most = int(rules["at_most"]) if "at_most" in rules else None
    if at_most is not None and at_least > at_most:
        diagnostics.append(
            error("GAI321", node.span, dimension=node.key, at_least=at_least, at_most=at_most),
        )
    coded = coded_hierarchy(node, compiled, diagnostics)  # levels by code length / codes from (or None)
    opened = ir.OpenMembers(node.key, slot.key, pattern, at_least, at_most, node.span, coded)
    return ir.Axis(axis.key, axis.label, axis.members, axis.by_key, opened)


def _slot_place(fixed: Sequence[ast.Member]) -> int:
    """Entered members go after the fixed rows, before the totals written after them (a total written first, as
    合计 often is, stays first)."""
    last_leaf = max((i for i, m in enumerate(fixed) if m.kind == "leaf"), default=-1)
    return next((i for i, m in enumerate(fixed) if i > last_leaf and m.kind == "total"), len(fixed))


def _rules(node: ast.Dimension, diagnostics: list[Diagnostic]) -> dict[str, str]:
    found: dict[str, str] = {}
    for rule in node.rules:
        if rule.kind in found:
            diagnostics.append(error("GAI322", rule.span, dimension=node.key, rule=RULE_WORDS[rule.kind]))
            continue
        found[rule.kind] = rule.value
    return found


def _pattern(node: ast.Dimension, pattern: str | None, diagnostics: list[Diagnostic]) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        span = next((r.span for r in node.rules if r.kind == "key_pattern"), node.span)
        diagnostics.append(error("GAI123", span, pattern=pattern, reason=str(exc)))
        return None


def columns_refused(table: ast.Table, columns: ir.Axis, diagnostics: list[Diagnostic]) -> bool:
    """GAI320 when an open dimension is used as a table's columns (entered members are rows)."""
    if columns.open is None:
        return False
    span = table.columns.span if table.columns is not None else table.span
    diagnostics.append(error("GAI320", span, dimension=columns.open.dimension, table=table.key))
    return True


def unnamed_member(axis: ir.Axis, name: str, span: Span | None) -> Diagnostic | None:
    """A check naming a member of an open axis that is not a fixed one: GAI121 when no entered member could ever
    have that key (it does not match the key pattern), else GAI120 (entered members are not named in checks)."""
    opened = axis.open
    if opened is None or name in axis.by_key:
        return None
    if opened.key_pattern is not None and not _matches(opened.key_pattern, name):
        return error("GAI121", span, name=name, dimension=opened.dimension, pattern=opened.key_pattern)
    help = Text("用 for each row 对每个填报的成员校验", "use 'for each row' to check every entered member")
    return error("GAI120", span, [help], name=name, dimension=opened.dimension)


def _matches(pattern: str, key: str) -> bool:
    try:
        return re.fullmatch(pattern, key) is not None
    except re.error:
        return True


def open_refusal(spec: ir.Spec, what: Text) -> Diagnostic | None:
    """GAI610 when ``spec`` has an open dimension and the stage ``what`` (「xlsx 目标」 / "the xlsx target") does
    not support them yet; ``None`` for a spec of fixed tables. Every such stage calls this before reading the spec."""
    if not spec.open_dimensions:
        return records_refusal(spec, what)
    dimension = next(iter(spec.open_dimensions.values()))
    return error("GAI610", dimension.span, what=what.zh, what_en=what.en, dimension=dimension.dimension)


def records_refusal(spec: ir.Spec, what: Text) -> Diagnostic | None:
    """GAI770 when ``spec`` has a list of records and the stage ``what`` does not support them yet (docs/records.md);
    :func:`open_refusal` gives it too, so every stage that refuses open dimensions refuses records."""
    if not spec.records:
        return None
    records = next(iter(spec.records.values()))
    return error("GAI770", records.span, what=what.zh, what_en=what.en, records=records.key)


def target_words(name: str) -> Text:
    return Text(f"{name} 目标", f"the {name} target")
