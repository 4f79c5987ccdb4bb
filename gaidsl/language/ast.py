"""The abstract syntax tree of a spec: what the regulator wrote, in order, with a span on every node.

Frozen attrs classes. Spans (and comments) are excluded from equality, so layout never changes what a spec *is*.
Nothing here is resolved: names are plain strings; :mod:`gaidsl.language.lower` turns this into the checked IR.
"""

from __future__ import annotations

import attrs

from gaidsl.language.source import Span

# ---------------------------------------------------------------------------------------------------- expressions


@attrs.frozen
class Number:
    text: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class String:
    value: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Star:
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Ref:
    """A name path such as ``carried_in``, ``requests.carried_out[natural]`` or ``previous.requests.carried_out``."""

    path: tuple[str, ...]
    selector: tuple[str, ...] = ()
    previous: bool = False
    span: Span | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def text(self) -> str:
        base = ("previous." if self.previous else "") + ".".join(self.path)
        return base + (f"[{', '.join(self.selector)}]" if self.selector else "")


@attrs.frozen
class Call:
    name: str
    args: tuple[Expr | Star, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class BinOp:
    op: str
    left: Expr
    right: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Compare:
    op: str
    left: Expr
    right: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Logic:
    op: str  # "and" | "or"
    args: tuple[Expr, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Not:
    arg: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Neg:
    arg: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class If:
    condition: Expr
    then: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Where:
    """``list.field where condition``: an aggregate's argument over the records that meet ``condition``
    (docs/records.md); only an argument of ``sum``, ``count``, ``min``, ``max`` or ``exists``."""

    arg: Expr
    condition: Expr
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


Expr = Number | String | Ref | Call | BinOp | Compare | Logic | Not | Neg | If | Where


# ---------------------------------------------------------------------------------------------------- declarations


@attrs.frozen
class TypeExpr:
    """A cell or field type: ``count``, ``integer``, ``amount in 万元 decimals 3``, ``text``, ``date``,
    ``choice(...)``."""

    kind: str
    unit: str | None = None
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    signed: bool = False  # ``amount … signed``: may be below zero (docs/data-format.md)
    # ``choice("是" label en "Yes", …)``: one per choice, when any is translated (docs/languages.md)
    choice_translations: tuple[Translations, ...] = ()


@attrs.frozen
class Basis:
    text: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Translation:
    """``label en "Requests received"`` right after a label: the label in another language the spec declares
    (docs/languages.md)."""

    lang: str
    text: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


Translations = tuple[Translation, ...]


@attrs.frozen
class LanguageDecl:
    """``language en`` or ``language zh, en``: the languages the spec's labels are written in, the first the default
    of every output (docs/languages.md)."""

    languages: tuple[str, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class UnitDecl:
    key: str
    label: str | None = None
    factor: str | None = None
    base: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    # aggregation kinds (docs/aggregation.md): ``= 元 / 人`` (a rate) or ``percent``
    per: str | None = None
    percent: bool = False
    translations: Translations = ()  # of the label (docs/languages.md)


@attrs.frozen
class Field:
    key: str
    label: str
    type: TypeExpr
    required: bool = False
    aliases: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    rules: tuple[TextRule, ...] = ()
    translations: Translations = ()


@attrs.frozen
class TextRule:
    """A field format (issue 16): ``format NAME``, ``pattern "…" named "…"`` or ``length at most N`` (kind
    ``format``, ``pattern``, ``max_length``); ``value_span`` is the name, the quoted pattern or the number."""

    kind: str
    value: str
    name: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    value_span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Member:
    """A member of an axis: a leaf (a row or column of data), a group of members, or a total."""

    kind: str  # "leaf" | "group" | "total"
    key: str
    label: str
    children: tuple[Member, ...] = ()
    total_of: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    type: TypeExpr | None = None
    gloss: str | None = None
    after: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    derived: Expr | None = None  # ``= expr``: a derived row or column, its cells checked against it (arithmetic.md)
    total_of_spans: tuple[Span | None, ...] = attrs.field(default=(), eq=False, repr=False)  # one per total_of name
    # aggregation kinds (docs/aggregation.md): "additive", "average", "ratio", "stock"; ``of_which`` rows are leaves
    aggregation: str = "additive"
    of_which: bool = False
    translations: Translations = ()
    gloss_translations: Translations = ()  # of the gloss (docs/languages.md)


@attrs.frozen
class OpenRule:
    """One rule of an open dimension's entered members: ``key pattern "…"``, ``at least N``, ``at most N``, or of a
    coded hierarchy: ``levels by code length 3 "类", 5 "款"`` and ``codes from "file.csv"``."""

    kind: str  # "key_pattern" | "levels" | "codes" | "at_least" | "at_most"
    value: str  # the pattern, the file, or the number as written ("" for levels)
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    levels: tuple[CodeLevel, ...] = ()  # ``levels by code length …``: each length with its optional name


@attrs.frozen
class CodeLevel:
    """One level of a coded hierarchy: the length of its codes, and its name (「类」) if the spec gives one."""

    length: int
    label: str | None = None


@attrs.frozen
class Dimension:
    key: str
    label: str | None
    members: tuple[Member, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    # ``dimension K "…" open { … }``: the report enters the members; ``members`` are then the fixed ones
    open: bool = False
    rules: tuple[OpenRule, ...] = ()
    translations: Translations = ()  # of the label (docs/languages.md)


@attrs.frozen
class AxisRef:
    name: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class AxisInline:
    members: tuple[Member, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


Axis = AxisRef | AxisInline


@attrs.frozen
class Note:
    text: str
    place: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()  # of the text (docs/languages.md)


@attrs.frozen
class CellPattern:
    row: str
    column: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Absent:
    patterns: tuple[CellPattern, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Message:
    lang: str
    text: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Check:
    key: str
    expr: Expr
    severity: str | None = None
    broadcast: str | None = None  # "column" | "row"
    label: str | None = None
    messages: tuple[Message, ...] = ()
    tolerance: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    tolerance_span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()


@attrs.frozen
class Table:
    key: str
    label: str | None
    type: TypeExpr | None
    rows: Axis | None
    columns: Axis | None
    stub: str | None = None
    notes: tuple[Note, ...] = ()
    absent: tuple[Absent, ...] = ()
    checks: tuple[Check, ...] = ()
    aliases: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    required: bool = False  # the table must be filled in: a report with none of its cells given lacks it
    translations: Translations = ()
    stub_translations: Translations = ()  # of the stub's text (docs/languages.md)


@attrs.frozen
class TextBlock:
    key: str
    label: str | None
    required: bool = False
    guidance: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    rules: tuple[TextRule, ...] = ()
    translations: Translations = ()
    guidance_translations: tuple[Translations, ...] = ()  # one per guidance line (empty when none has any)


@attrs.frozen
class RecordField:
    """A field of a list of records: a type, or ``member of DIMENSION`` (``member_of``, with ``type`` None)."""

    key: str
    label: str
    type: TypeExpr | None
    member_of: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    member_of_span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()  # of the label (docs/languages.md)


@attrs.frozen
class RecordRule:
    kind: str  # "at_least" | "at_most"
    value: int
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Records:
    """``records KEY "label" { field …  at least N  at most N  check … }`` (docs/records.md)."""

    key: str
    label: str
    fields: tuple[RecordField, ...]
    rules: tuple[RecordRule, ...] = ()
    checks: tuple[Check, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    items: tuple[RecordField | RecordRule | Check, ...] = attrs.field(default=(), eq=False, repr=False)  # as written
    translations: Translations = ()  # of the label (docs/languages.md)


@attrs.frozen
class Section:
    key: str
    label: str
    items: tuple[TextBlock | Table | Check | Records, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()


# ---------------------------------------------------------------------------------------------------- overlays


@attrs.frozen
class AddMember:
    axis: str  # "row" | "column"
    member: Member
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Relabel:
    axis: str
    key: str
    label: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()  # of the new label: the old one's go with it (docs/languages.md)


@attrs.frozen
class Gloss:
    """An overlay's explanation added after a header's official label (the label itself stays as issued)."""

    axis: str
    key: str
    text: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()  # of the text (docs/languages.md)


@attrs.frozen
class RemoveCheck:
    key: str
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class RemovedCheck:
    """What a ``remove check`` took away when an overlay was merged: the statement (its reason and span) and the
    check of the base it removed, with the table and section that held it. Made by the merge, never parsed."""

    removal: RemoveCheck
    check: Check
    table: str | None = None
    section: str | None = None


@attrs.frozen
class RemoveMember:
    """``remove row K "reason"`` in a table (axis "row"/"column"), ``remove member K "reason"`` in a dimension
    (axis "member"). The reason is required (docs/overlays.md)."""

    axis: str  # "row" | "column" | "member"
    key: str
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class RenameMember:
    """``rename row K to K2 label "…" "reason"``: a new key, a new label, or both (``None``: kept)."""

    axis: str
    key: str
    new_key: str | None
    label: str | None
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()  # of the new label (docs/languages.md)


@attrs.frozen
class ExcludeMember:
    """``keep row K out of TOTAL "reason"``: the total no longer adds up K (K stays, its cells too)."""

    axis: str
    key: str
    total: str
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class RetypeMember:
    """``retype column K : TYPE "reason"``: the cells of a row or column get another type or unit."""

    axis: str
    key: str
    type: TypeExpr
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class RemoveTable:
    key: str
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class RenameTable:
    key: str
    new_key: str | None
    label: str | None
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    translations: Translations = ()  # of the new label (docs/languages.md)


@attrs.frozen
class Retype:
    """``retype table T : TYPE "reason"`` (the table's default cell type) or ``retype field F : TYPE "reason"``."""

    what: str  # "table" | "field"
    key: str
    type: TypeExpr
    reason: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


MemberChange = RemoveMember | RenameMember | ExcludeMember | RetypeMember


@attrs.frozen
class ModifyDimension:
    """``in dimension D { add … remove member … }``: one change for every table whose axis is ``D``."""

    dimension: str
    items: tuple[AddMember | MemberChange, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class OverlayChange:
    """What one of the statements above changed when an overlay was merged, for ``gaidsl diff`` to show with its
    reason. ``what``: "row", "column", "table", "field"; ``key``: ``table.member`` for rows and columns (the key
    before the change); ``new_key`` for a rename. Made by the merge, never parsed."""

    op: str  # "remove" | "rename" | "exclude" | "retype"
    what: str
    key: str
    reason: str
    new_key: str | None = None
    detail: str | None = None  # exclude: the total; retype: the new type as written
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class ModifyTable:
    table: str
    items: tuple[AddMember | Relabel | Gloss | Note | Check | RemoveCheck | MemberChange, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class ModifySection:
    section: str
    items: tuple[TextBlock | Table | Check, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


FormatItem = (
    Basis
    | LanguageDecl
    | Field
    | UnitDecl
    | Dimension
    | Section
    | Check
    | ModifyTable
    | ModifySection
    | RemoveCheck
    | ModifyDimension
    | RemoveTable
    | RenameTable
    | Retype
)


@attrs.frozen
class Comment:
    line: int
    text: str


@attrs.frozen
class Format:
    key: str
    version: str
    title: str | None
    extends: str | None
    items: tuple[FormatItem, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    extends_span: Span | None = attrs.field(default=None, eq=False, repr=False)
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False, repr=False)
    # a merged format only: the checks its overlays removed, base chain first (they are no longer among the items)
    removed: tuple[RemovedCheck, ...] = attrs.field(default=(), repr=False)
    # … and what their remove/rename/exclude/retype statements changed, with the reasons (docs/overlays.md)
    changes: tuple[OverlayChange, ...] = attrs.field(default=(), repr=False)
    title_translations: Translations = ()


# ---------------------------------------------------------------------------------------------------- migrations


@attrs.frozen
class FormatVersion:
    """One end of a migration: ``gov_info_disclosure version 2019 in "gov_info_disclosure_2019.gai"``. ``key`` is
    ``None`` when left out (then it is the migration's own key); ``file`` is ``None`` when the spec is to be found
    beside the migration."""

    key: str | None
    version: str
    file: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    file_span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class ItemPath:
    """A dotted name in a migration statement: a table, ``table.member``, ``table.row.column``, a field or a text."""

    parts: tuple[str, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@attrs.frozen
class Allocation:
    """``target = unknown | old | rest | 12``: what one part of a split receives."""

    target: ItemPath
    share: str  # "unknown" | "old" | "rest" | "fixed"
    amount: str | None = None  # the number, for "fixed"
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Rename:
    kind: str | None  # "table" | "row" | "column" | "cell" | "field" | "text"; None: inferred from the names
    old: ItemPath
    new: ItemPath
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Split:
    kind: str | None
    old: ItemPath
    into: tuple[ItemPath, ...]
    allocations: tuple[Allocation, ...] | None = None  # None: no ``allocate`` clause
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Merge:
    kind: str | None
    old: tuple[ItemPath, ...]
    into: ItemPath
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Drop:
    kind: str | None
    old: tuple[ItemPath, ...]
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class NewDefault:
    """The value of ``new … = VALUE``: a number, a quoted text, or a name (a member's key), as written."""

    value: str
    kind: str  # "number" | "text" | "name"
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class New:
    """``new column t.c must be entered``: cells of the new spec that no old value fills (unknown until entered);
    ``new field list.f = "x"``: a field of a list of records every migrated record gets with that value."""

    kind: str | None
    new: tuple[ItemPath, ...]
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    default: NewDefault | None = None


@attrs.frozen
class Transform:
    """``transform column t.c 元 -> 万元`` (by the units' declared scales) or ``transform cell x by 1/10000``."""

    kind: str | None
    old: ItemPath
    from_unit: str | None = None
    to_unit: str | None = None
    factor: str | None = None  # "0.0001" or "1/10000", for ``by``
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Exempt:
    """``exempt check k because "…"``: a check of the new spec that migrated reports are not expected to pass."""

    checks: tuple[str, ...]
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    check_spans: tuple[Span | None, ...] = attrs.field(default=(), eq=False, repr=False)


@attrs.frozen
class MemberPart:
    """``NEW [= share]`` on the right of a member rule: a new member key and what it receives of each old value."""

    key: str
    share: str = "old"  # "old" | "rest" | "unknown" | "fixed" (a share of each value: 0.6)
    amount: str | None = None  # the number, for "fixed"
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class MemberRule:
    """``OLD, … -> NEW [= share], …;``: one rule of a member mapping (a rename, a merge or a split); with
    ``children``, ``OLD with children -> NEW;``: a coded parent and every entered code under it renamed, the prefix
    ``OLD`` of each replaced by ``NEW`` (one old key, one new part)."""

    old: tuple[str, ...]
    new: tuple[MemberPart, ...]
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    children: bool = False


@attrs.frozen
class MemberMapping:
    """``members DIMENSION { rules } because "…";``: the entered members of an open dimension under new keys
    (docs/migrations.md, "Open dimensions")."""

    dimension: str
    rules: tuple[MemberRule, ...]
    reason: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    dimension_span: Span | None = attrs.field(default=None, eq=False, repr=False)


MigrationItem = Rename | Split | Merge | Drop | New | Transform | Exempt | MemberMapping


@attrs.frozen
class Migration:
    """``migration KEY "title" from [X] version A [in "file"] to [Y] version B [in "file"] { statements }``."""

    key: str
    source: FormatVersion
    target: FormatVersion
    items: tuple[MigrationItem, ...] = ()
    title: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False, repr=False)


Document = Format | Migration
