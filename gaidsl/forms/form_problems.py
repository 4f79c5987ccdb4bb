"""What is wrong in a filled form gaidsl wrote, and where (:mod:`gaidsl.forms.readback`): the diagnostics of the
entries read, moved from a line of the data made of them (which the user never saw) to the sheet's cell or the
document's row they came from; the rows a person entered in an open table, each a member or a problem at its cell
(never merged into another row); a table whose rows or columns are no longer the form's (GAI728)."""

from __future__ import annotations

import re
from typing import Any

import attrs

from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text, error

_RECORD_PATH = re.compile(r"records\.([^.\[]+)\[(\d+)\]\.(.+)")
"""How the reader names a record's field in its problems: ``records.LIST[i].FIELD`` (i from 0)."""


def placed(spec: ir.Spec, diagnostic: Diagnostic, places: dict[str, str], name: str) -> Diagnostic:
    """A diagnostic of the entries read, at the sheet's cell or the document's row they came from (``places``)
    rather than at a line of the data made of them, which the user never saw; as it was when the entry it names
    came from no one place."""
    if diagnostic.span is None or diagnostic.span.file != name:
        return diagnostic
    key, dimension, path = (diagnostic.args.get(k) for k in ("key", "dimension", "path"))
    tried: list[str] = []
    found = _RECORD_PATH.fullmatch(path) if isinstance(path, str) else None
    if found is not None and found.group(1) in spec.records:  # a record's field, keyed as its cell
        tried.append(spec.records[found.group(1)].cell_key(str(int(found.group(2)) + 1), found.group(3)))
    if isinstance(key, str):
        tried += [key, *([f"member.{dimension}.{key}"] if isinstance(dimension, str) else [])]
        tried += [f"field.{key}", f"text.{key}"]
    place = next((places[k] for k in tried if k in places), None)
    if place is None:
        return diagnostic
    return attrs.evolve(diagnostic, span=None, place=place_text(place))


_TABLE_PLACE = re.compile(r"table (\d+)(?: · row (\d+)(?: · cell (\d+))?)?")


def place_text(place: str) -> Text:
    """A place of :attr:`Extracted.places` in both languages: a document's ``table 3 · row 4 · cell 2`` is 表格 3 ·
    第 4 行 · 第 2 格 in Chinese, ``paragraphs under H`` 「H」下的段落, ``signature`` 落款; a sheet's cell
    (``收入决算表!C11``) the same in both."""
    found = _TABLE_PLACE.fullmatch(place)
    if found is not None:
        table, row, cell = found.groups()
        zh = f"表格 {table}" + (f" · 第 {row} 行" if row else "") + (f" · 第 {cell} 格" if cell else "")
        return Text(zh, place)
    if place.startswith("paragraphs under "):
        return Text(f"「{place.removeprefix('paragraphs under ')}」下的段落", place)
    if place == "signature":
        return Text("落款", place)
    return Text(place, place)


class EnteredRows:
    """The rows a person entered in one open table of a filled form, each a member: ``listed``, the dimension's
    member list (the first table's rows, then any key another table adds), grows as they are taken; a row with
    values but no key (GAI746), with a key no table named (GAI747) or with the key of an earlier row of the same
    table (GAI741) is a problem at its cell, never merged into another row."""

    def __init__(self, table: ir.Table, dimension: str, listed: list[dict[str, Any]], problems: list[Diagnostic]):
        self.table, self.dimension, self.listed, self.problems = table, dimension, listed, problems
        self.known = {m["key"] for m in listed}
        self.here: dict[str, str] = {}  # a key → where its row of this table is

    def take(
        self, key: str, label: str | None, where: str, label_at: str, places: dict[str, str], key_at: str = ""
    ) -> bool:
        """Whether the row (its key and label; where it is, its label's cell and its key's, when not ``where``)
        is a member whose values are read."""
        unnamed = _unnamed(self.table, self.dimension, key, label or key in self.known, key_at or where, label_at)
        if unnamed is not None:
            self.problems.append(unnamed)
            if not key:
                return False  # its values belong to no member
            label = key  # read as if named, so that its values and the rows under it say nothing more
        if key in self.here:
            self.problems.append(_twice(self.dimension, key, where, self.here[key]))
            return False
        self.here[key] = where
        if key not in self.known:
            self.listed.append({"key": key, "label": label or ""})
            self.known.add(key)
        places.setdefault(f"member.{self.dimension}.{key}", where)
        return True


def _unnamed(
    table: ir.Table, dimension: str, key: str, labelled: object, key_at: str, label_at: str
) -> Diagnostic | None:
    """GAI746 at ``key_at`` for an entered row of a filled form with values but no key, GAI747 at ``label_at`` for
    one with a key but no label (``labelled``: its label, or whether an earlier table named the key); None for a row
    with both."""
    named = table.label or table.key
    if not key:
        return attrs.evolve(error("GAI746", None, table=named, dimension=dimension), place=place_text(key_at))
    if not labelled or (isinstance(labelled, str) and not labelled.strip()):
        return attrs.evolve(error("GAI747", None, table=named, key=key), place=place_text(label_at))
    return None


def _twice(dimension: str, key: str, place: str, first: str) -> Diagnostic:
    """GAI741 for a member's key given on a second row of one table (``first``: where the first row is)."""
    earlier = place_text(first)
    again = Text(
        f"同一键的第一行在 {earlier.zh}：合并或删除其中一行",
        f"the first row with this key is at {earlier.en}: merge or remove one",
    )
    return attrs.evolve(error("GAI741", None, [again], key=key, dimension=dimension), place=place_text(place))


def moved(sheet: str, where: str, label: str, more: int) -> Diagnostic:
    """GAI728 at the first entry of a sheet that is no longer where the form put it (and how many more are not)."""
    what = Text(f"此处应是「{label}」，这一行或列已移动", f"'{label}' belongs here: its row or column moved")
    help = Text(
        "在 Excel 中插入或删除了行、列？请撤销，在表单原有的行列中填写"
        + (f"（本工作表另有 {more} 处同样错位）" if more else ""),
        "rows or columns inserted or deleted in Excel? undo that, and fill in the form's own rows and columns"
        + (f" ({more} more places of this sheet are out of place)" if more else ""),
    )
    return misfit(sheet, Text(where, where), what, help)


def misfit(table: str, where: Text, what: Text, *help: Text) -> Diagnostic:
    """GAI728 at ``where``: ``table`` (a document's table, a workbook's sheet) no longer has the form's rows and
    columns there, ``what`` saying how."""
    return attrs.evolve(error("GAI728", None, help, table=table, what=what.zh, what_en=what.en), place=where)


def not_the_form(name: str) -> Text:
    return Text(
        f"这一行「{name}」不是表单中的行（在 Word 中加入的？其数值对应不到任何单元格）："
        "删除它，或把数值填入表单原有的行",
        f"this row '{name}' is not a row of the form (added in Word? its values match no cell): remove it, or put its "
        "values in the form's own rows",
    )
