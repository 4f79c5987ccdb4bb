"""A migration between two versions of a format, checked: every name resolved against both specs, every old value
accounted for, every new value given a source, types and units agreeing.

The language (``grammars/gaidsl.lark``, ``migration_decl``)::

    migration gov_info_disclosure "…" from version 2019 in "a_2019.gai" to version 2021 in "a_2021.gai" {
      rename row t.a -> b;                       # also: table, column, cell, field, text; "->", "→" or "to"
      split row t.r into x, y, z allocate x = unknown, y = 0, z = old because "…";
      merge rows t.a, t.b into c;                # the new value is the sum of the old ones
      drop column t.c, t.d because "…";          # a reason is required
      new column t.e must be entered;            # unknown until someone enters it
      transform column t.f 元 -> 万元;            # by the units' declared scales; or: by 1/10000
      exempt check k because "…";                # a new check migrated reports are not expected to pass
    }

Every old cell, field and text block not named by a statement goes to the new item with the same key (after the
table, row and column renames): an identity. What has no such counterpart must be dropped with a reason; what the new
spec has and nothing fills must be declared ``new … must be entered``. A split gives each part ``old`` (the whole old
value), ``rest`` (the old value less the fixed parts), a fixed number, or ``unknown``.

The result (:class:`Migration`) says, for every value of the new report, how it is made (:class:`Target`: a sum of
old values times factors plus a constant, or unknown), and for every value of the old report where it goes
(:class:`Fate`). :mod:`gaidsl.migrations.apply` applies it to data; :mod:`gaidsl.migrations.proof` proves it keeps
reports valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from gaidsl.checking.evaluate import cell_label
from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.source import Span
from gaidsl.migrations.open_members import MemberMap
from gaidsl.migrations.records import RecordsMigration

ItemKey = tuple[str, str]  # ("cell" | "field" | "text", key)

WHAT = {
    "table": Text("表", "table"),
    "row": Text("行", "row"),
    "column": Text("列", "column"),
    "cell": Text("单元格", "cell"),
    "field": Text("字段", "field"),
    "text": Text("文本", "text block"),
    "check": Text("校验", "check"),
}
SIDE = {"old": Text("旧", "old"), "new": Text("新", "new")}


@attrs.frozen
class Target:
    """How one value of the new report is made: ``constant + Σ coefficient × old value``, or unknown."""

    kind: str  # "cell" | "field" | "text"
    key: str
    how: str  # "same" | "rename" | "split" | "merge" | "new"
    terms: tuple[tuple[Decimal, str], ...] = ()  # (coefficient, key of an old item of the same kind)
    constant: Decimal = Decimal(0)
    share: str | None = None  # for a split: "old" | "rest" | "fixed" | "unknown"
    statement: int | None = None  # index into Migration.statements; None: the identity on keys

    @property
    def unknown(self) -> bool:
        return self.how == "new" or self.share == "unknown"

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(key for _, key in self.terms)


@attrs.frozen
class Fate:
    """Where one value of the old report goes."""

    kind: str
    key: str
    how: str  # "same" | "rename" | "split" | "merge" | "dropped"
    targets: tuple[str, ...] = ()
    reason: str | None = None
    statement: int | None = None
    factor: Decimal = Decimal(1)  # a unit conversion (transform) on the way


@attrs.frozen(eq=False)
class Migration:
    key: str
    title: str | None
    file: str
    old: ir.Spec
    new: ir.Spec
    targets: Mapping[ItemKey, Target]  # every cell, field and text block of the new spec, in its order
    fates: Mapping[ItemKey, Fate]  # every cell, field and text block of the old spec, in its order
    exempt: Mapping[str, str]  # new check key → reason
    statements: tuple[ast.MigrationItem, ...]
    span: Span | None = None  # the migration's header
    members: Mapping[str, MemberMap] = attrs.field(factory=dict)  # ``members DIMENSION { … }`` by dimension
    records: RecordsMigration | None = None  # how the lists of records are carried (gaidsl.migrations.records)

    @property
    def name(self) -> str:
        return f"{self.old.id} {self.old.version} → {self.new.id} {self.new.version}"

    def versions_json(self) -> dict[str, dict[str, str]]:
        """The two format versions it migrates between, as the JSON forms of a proof and a migrated report say."""
        return {
            "from": {"format": self.old.id, "version": self.old.version},
            "to": {"format": self.new.id, "version": self.new.version},
        }

    def statement_line(self, index: int | None) -> int | None:
        if index is None:
            return None
        span = self.statements[index].span
        return span.line if span else None


# ---------------------------------------------------------------------------------------------------- labels


def item_label(spec: ir.Spec, kind: str, key: str) -> str:
    """How people name a cell, field or text block: 「规章 · 本年制发件数」."""
    if kind == "cell":
        return cell_label(spec, key)
    if kind == "field":
        return spec.fields[key].label
    return spec.texts[key].label or key


def type_text(cell_type: ir.CellType) -> str:
    return cell_type.describe()


# ---------------------------------------------------------------------------------------------------- resolving


@attrs.frozen
class Resolved:
    """What a name in a statement denotes in one spec: its kind, and the items it covers."""

    kind: str  # "table" | "row" | "column" | "cell" | "field" | "text"
    table: str | None
    member: str | None
    items: tuple[ItemKey, ...]


class Side:
    """Name resolution in one of the two specs."""

    def __init__(self, spec: ir.Spec, side: str) -> None:
        self.spec = spec
        self.side = side

    def cells_of(self, table: str, axis: str | None = None, member: str | None = None) -> tuple[ItemKey, ...]:
        if axis is None or member is None:
            return tuple(("cell", c) for c in self.spec.tables[table].cells)
        return tuple(("cell", c) for c in self.spec.cells_under(table, axis, member))

    def infer(self, path: tuple[str, ...]) -> str | None:
        spec = self.spec
        if len(path) == 1:
            name = path[0]
            if name in spec.tables:
                return "table"
            if name in spec.fields:
                return "field"
            if name in spec.texts:
                return "text"
            return None
        if ".".join(path) in spec.cells:
            return "cell"
        if len(path) == 2 and path[0] in spec.tables:
            table = spec.tables[path[0]]
            if table.rows is not None and path[1] in table.rows.by_key:
                return "row"
            if path[1] in table.columns.by_key:
                return "column"
        return None

    def resolve(
        self, kind: str | None, path: ast.ItemPath, problems: list[Diagnostic], data_member: bool = False
    ) -> Resolved | None:
        parts = path.parts
        kind = kind or self.infer(parts) or ("cell" if len(parts) >= 2 else "table")
        spec = self.spec
        side = SIDE[self.side]
        what = WHAT[kind]

        def unknown(name: str, candidates: Iterable[str]) -> None:
            problems.append(
                error(
                    "GAI505",
                    path.span,
                    did_you_mean(name, candidates),
                    side=side.zh,
                    side_en=side.en,
                    what=what.zh,
                    what_en=what.en,
                    name=name,
                )
            )

        def wrong_kind(found: Text, expected: Text) -> None:
            """The path names a thing of another kind (a row for a column, a group for a row with data)."""
            found_args = {"found": found.zh, "found_en": found.en, "expected": expected.zh, "expected_en": expected.en}
            problems.append(error("GAI506", path.span, (), name=path.text, side=side.zh, **found_args))  # no help

        if kind in ("table", "field", "text"):
            pool: Mapping[str, object] = {"table": spec.tables, "field": spec.fields, "text": spec.texts}[kind]
            if len(parts) != 1 or parts[0] not in pool:
                unknown(path.text, pool)
                return None
            if kind == "table":
                return Resolved("table", parts[0], None, self.cells_of(parts[0]))
            return Resolved(kind, None, parts[0], ((kind, parts[0]),))
        if kind == "cell":
            if path.text not in spec.cells:
                unknown(path.text, spec.cells)
                return None
            cell = spec.cells[path.text]
            return Resolved("cell", cell.table, None, (("cell", path.text),))
        # row or column: table.member
        if len(parts) != 2 or parts[0] not in spec.tables:
            unknown(path.text, [f"{t}.{m.key}" for t, tb in spec.tables.items() for m in _members(tb, kind)])
            return None
        table = spec.tables[parts[0]]
        axis = table.axis(kind)
        if axis is None or parts[1] not in axis.by_key:
            other = "column" if kind == "row" else "row"
            other_axis = table.axis(other)
            if other_axis is not None and parts[1] in other_axis.by_key:
                wrong_kind(WHAT[other], what)
            else:
                unknown(path.text, [f"{parts[0]}.{m.key}" for m in _members(table, kind)])
            return None
        member = axis.by_key[parts[1]]
        if data_member and not member.has_cells:
            wrong_kind(Text("分组", "group"), Text(f"有数据的{what.zh}", f"{what.en} with data"))
            return None
        return Resolved(kind, parts[0], parts[1], self.cells_of(parts[0], kind, parts[1]))


def _members(table: ir.Table, kind: str) -> tuple[ir.Member, ...]:
    axis = table.axis(kind)
    return axis.members if axis is not None else ()


# ---------------------------------------------------------------------------------------------------- loading


__all__ = ["Fate", "ItemKey", "Migration", "Target", "item_label"]
