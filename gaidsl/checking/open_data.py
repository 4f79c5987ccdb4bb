"""The members of open dimensions in a data file (docs/open-dimensions.md): the ``members`` object read and checked
(GAI740–GAI745), and the cell keys of entered rows (``requests.CIV.received``) matched to the spec's slot cells
(``requests.<component>.received``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import attrs

from gaidsl.checking.coded_data import Placed, coded_problems
from gaidsl.checking.data_syntax import Node
from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.source import Span

Members = Mapping[str, tuple[EnteredMember, ...]]
_PLAIN_KEY = re.compile(r"[^.\s\[\]<>]+")
"""Any member key: no dot (it sits between dots in cell keys), no space, no brackets or angle brackets."""


@attrs.frozen
class OpenCell:
    """A value's key naming a row of an open table: the slot cell it is an instance of, and the member."""

    slot_cell: str
    dimension: str
    member: str


def read_members(
    spec: ir.Spec, node: Node, span: Callable[[int, int], Span]
) -> tuple[dict[str, tuple[EnteredMember, ...]], list[Diagnostic]]:
    """``"members": {"component": [{"key": "CIV", "label": "Civil Division"}, …]}``: every open dimension's list,
    each key checked against the dimension's rules (unique, the key pattern, not a fixed member's key)."""
    problems: list[Diagnostic] = []
    found: dict[str, tuple[EnteredMember, ...]] = {}
    if node.kind != "object":
        problems.append(_shape(span(node.start, max(node.end, node.start + 1)), "members", "「members」应为对象"))
        return found, problems
    seen: set[str] = set()
    for dimension, start, end, value in node.items:
        where = span(start, end)
        if dimension in seen:  # a key given twice, as everywhere in a data file (not "the last one wins")
            problems.append(error("GAI715", where, key=f"members.{dimension}"))
            continue
        seen.add(dimension)
        opened = spec.open_dimensions.get(dimension)
        if opened is None:
            problems.append(error("GAI743", where, dimension=dimension))
            continue
        if value.kind != "array":
            problems.append(_shape(where, dimension, "成员列表应为数组"))
            continue
        found[dimension] = _entries(spec, opened, value, span, problems)
    return found, problems


def _entries(
    spec: ir.Spec, opened: ir.OpenMembers, array: Node, span: Callable[[int, int], Span], problems: list[Diagnostic]
) -> tuple[EnteredMember, ...]:
    assert isinstance(array.value, tuple)
    fixed = {
        m.key for t in spec.tables.values() if t.rows is not None and t.rows.open == opened for m in t.rows.members
    }
    seen: set[str] = set()
    entered: list[Placed] = []
    for index, item in enumerate(array.value):
        assert isinstance(item, Node)
        # spans are found only for a member with a problem (finding one is most of the cost of reading a member)
        fields = {k: (v, s, e) for k, s, e, v in reversed(item.items)} if item.kind == "object" else {}
        if len(fields) < len(item.items):  # "key" or "label" given twice: the first one is read, as in "values"
            for name, start, end, _ in item.items:
                if fields[name][1] != start:
                    path = f"members.{opened.dimension}[{index}].{name}"
                    problems.append(error("GAI715", span(start, end), key=path))
        key, label = _text(fields["key"][0] if "key" in fields else None), _text(fields.get("label", (None,))[0])
        if key is None or label is None or set(fields) - {"key", "label"}:
            where = span(item.start, max(item.end, item.start + 1))
            problems.append(_shape(where, opened.dimension, "每个成员是含 key 与 label 两项文本的对象"))
            continue
        key_at, label_at = fields["key"][1:], fields["label"][1:]
        if not _PLAIN_KEY.fullmatch(key):
            problems.append(_shape(span(*key_at), opened.dimension, f"键「{key}」不能含点、空白或括号"))
        elif key in seen:
            problems.append(error("GAI741", span(*key_at), key=key, dimension=opened.dimension))
        elif key in fixed:
            problems.append(error("GAI745", span(*key_at), key=key, dimension=opened.dimension))
        elif opened.key_pattern is not None and not re.fullmatch(opened.key_pattern, key):
            at = span(*key_at)
            problems.append(error("GAI740", at, key=key, dimension=opened.dimension, pattern=opened.key_pattern))
        else:
            entered.append(Placed(EnteredMember(key, label), key_at, label_at))
        seen.add(key)
    kept, coded = coded_problems(opened, entered, span)  # a coded hierarchy's levels, parents and code list
    problems.extend(coded)
    return kept


def _text(node: Node | None) -> str | None:
    """A key or label as written: a string, or a number's text (a code such as 2010301 written without quotes)."""
    if node is None:
        return None
    if node.kind == "string" and isinstance(node.value, str) and node.value.strip():
        return node.value.strip()
    return node.raw if node.kind == "number" and node.raw else None


_WHY_EN = {
    "「members」应为对象": "'members' is an object keyed by open dimension",
    "成员列表应为数组": "the member list is an array",
    "每个成员是含 key 与 label 两项文本的对象": "each member is an object with a text key and a text label",
}


def _shape(where: Span, dimension: str, why: str) -> Diagnostic:
    why_en = _WHY_EN.get(why, "a key has no dot, space or bracket")
    return error("GAI744", where, dimension=dimension, why=why, why_en=why_en)


def open_cell(spec: ir.Spec, key: str) -> OpenCell | None:
    """The slot cell behind ``requests.CIV.received`` (a row of an open table), or ``None`` for any other key."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] not in spec.tables:
        return None
    rows = spec.tables[parts[0]].rows
    if rows is None or rows.open is None or parts[1] in rows.by_key:
        return None
    slot_cell = f"{parts[0]}.{rows.open.slot}.{parts[2]}"
    return OpenCell(slot_cell, rows.open.dimension, parts[1]) if slot_cell in spec.cells else None


def slot_of(spec: ir.Spec, key: str) -> OpenCell | None:
    """The slot cell ``requests.<component>.received`` itself, written as a value's key (never a report's key)."""
    cell = spec.cells.get(key)
    if cell is None or cell.row is None:
        return None
    rows = spec.tables[cell.table].rows
    if rows is None or rows.open is None or cell.row != rows.open.slot:
        return None
    return OpenCell(key, rows.open.dimension, cell.row)


def unlisted(where: Span, key: str, found: OpenCell) -> Diagnostic:
    help = Text("先在 members 中列出该成员", "list the member under 'members' first")
    return error("GAI742", where, [help], key=key, member=found.member, dimension=found.dimension)
