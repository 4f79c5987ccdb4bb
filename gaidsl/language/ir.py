"""The checked intermediate representation every target reads.

Names are resolved, every data cell is expanded with its stable key and full header path, every check is expanded
per broadcast position into a typed expression over concrete cell keys, and units are attached. Targets and the
evaluator see only this module's classes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Literal, NoReturn, assert_never

import attrs

from gaidsl.language.diagnostics import Text
from gaidsl.language.immutable import FrozenDict as FrozenDict  # re-exported: the IR's mappings are FrozenDicts
from gaidsl.language.immutable import frozen
from gaidsl.language.immutable import narrow as narrow  # re-exported: lowering narrows the parser's strings
from gaidsl.language.source import Span

CellKind = Literal["count", "integer", "amount", "text", "date", "choice"]
CELL_KINDS: tuple[CellKind, ...] = ("count", "integer", "amount", "text", "date", "choice")
NUMERIC_KINDS: tuple[CellKind, ...] = ("count", "integer", "amount")
MemberKind = Literal["leaf", "group", "total"]
Aggregation = Literal["additive", "average", "ratio", "stock", "of_which"]
AGGREGATIONS: tuple[Aggregation, ...] = ("additive", "average", "ratio", "stock", "of_which")
NON_ADDITIVE: tuple[Aggregation, ...] = ("average", "ratio")
MEMBER_KINDS: tuple[MemberKind, ...] = ("leaf", "group", "total")
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
AxisKind = Literal["row", "column"]
AXIS_KINDS: tuple[AxisKind, ...] = ("row", "column")
CompareOp = Literal["==", "!=", "<=", ">=", "<", ">"]
COMPARE_OPS: tuple[CompareOp, ...] = ("==", "!=", "<=", ">=", "<", ">")
# written in the spec, the structural check of a total member, a rule on an open dimension's entered members, a
# parent row of a coded hierarchy equal to its children (docs/open-dimensions.md), a field's format, pattern or
# length limit (docs/field-formats.md), an of-which row at most its parent (docs/aggregation.md), or a derived cell
# against its formula (docs/arithmetic.md)
CheckOrigin = Literal["declared", "total", "members", "hierarchy", "format", "of_which", "derived"]
SectionItemKind = Literal["table", "text", "check"]


UnitKind = Literal["plain", "percent", "rate"]
PERCENT_SCALE = Decimal("0.01")


@attrs.frozen
class Unit:
    key: str
    label: str
    base: str
    factor: Decimal
    # aggregation kinds (docs/aggregation.md): a percent is hundredths of a pure number (``scale``); a rate
    # (元/人) is its own base, never convertible to its numerator's unit
    kind: UnitKind = "plain"
    numerator: str | None = None
    denominator: str | None = None

    @property
    def scale(self) -> Decimal:
        """What one of this unit is in its base: hundredths for a percent."""
        return PERCENT_SCALE if self.kind == "percent" else self.factor


@attrs.frozen
class CellType:
    """``count`` (whole ≥ 0), ``integer`` (signed), ``amount`` (decimal ≥ 0 with unit and decimals; below zero too
    when ``signed``), ``text``, ``date`` or ``choice``."""

    kind: CellKind
    unit: str | None = None
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    signed: bool = False  # ``amount … signed``: a loss entered with a minus sign (「以“-”号填列」)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def floored(self) -> bool:
        """Whether a value below zero is refused: a count, and an amount unless it is ``signed``. The one place every
        reader, engine and target asks (the type's minimum)."""
        return self.kind == "count" or (self.kind == "amount" and not self.signed)

    def describe(self) -> str:
        if self.kind == "amount":
            text = f"amount in {self.unit}"
            text += f" decimals {self.decimals}" if self.decimals is not None else ""
            return text + (" signed" if self.signed else "")
        if self.kind in ("count", "integer"):
            return self.kind + (f" in {self.unit}" if self.unit and self.unit != DEFAULT_UNIT else "")
        if self.kind == "choice":
            return "choice(" + ", ".join(f'"{c}"' for c in self.choices) + ")"
        return self.kind


DEFAULT_UNIT = "件"


@attrs.frozen
class Member:
    key: str
    label: str
    kind: MemberKind
    path: tuple[str, ...]
    labels: tuple[str, ...]
    parent: str | None = None
    children: tuple[str, ...] = ()
    sums: tuple[str, ...] = ()  # for totals: the data members it adds up
    aliases: tuple[str, ...] = ()
    gloss: str | None = None
    type: CellType | None = None
    span: Span | None = attrs.field(default=None, eq=False)
    # aggregation kinds (docs/aggregation.md): how the member's cells add up; ``part_of`` is an of-which row's parent
    aggregation: Aggregation = "additive"
    part_of: str | None = None
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The label in the spec's other languages (``label en "…"``; docs/languages.md): language → label."""
    gloss_translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The gloss in the spec's other languages: language → text."""

    @property
    def summable(self) -> bool:
        """Whether a total or ``sum(…)`` may add this member's cells up (not an average or a ratio)."""
        return self.aggregation not in NON_ADDITIVE

    @property
    def summable_in_group(self) -> bool:
        """Whether a group's sum (``sum(group)``, a total of its siblings) takes this member: not an of-which row."""
        return self.aggregation != "of_which"

    @property
    def has_cells(self) -> bool:
        return self.kind != "group"

    @property
    def display_label(self) -> str:
        return self.label + (self.gloss or "")


@attrs.frozen
class OpenMembers:
    """What makes a dimension open: its members are entered by each report, each with a key and a label.

    In the spec they stand as one member, the *slot* (key ``<component>``, so cell keys read
    ``requests.<component>.received``): a check position at the slot is repeated for every entered member, and a slot
    cell anywhere else stands for the sum over every entered member. ``gaidsl.checking.open_members`` turns a spec and
    a report's member lists into the ordinary spec of that report. See docs/open-dimensions.md."""

    dimension: str
    slot: str
    key_pattern: str | None = None
    at_least: int = 0
    at_most: int | None = None
    span: Span | None = attrs.field(default=None, eq=False)
    coded: CodedHierarchy | None = None  # ``levels by code length …`` / ``codes from "…"``


@attrs.frozen
class CodeLevel:
    """A level of a coded hierarchy: the length of its codes and its name (「类」), if given."""

    length: int
    label: str | None = None


@attrs.frozen
class CodedHierarchy:
    """An open dimension whose keys are codes of a classification (docs/open-dimensions.md#coded-hierarchies): the
    level of a code is its length, its parent the prefix of the level above; ``codes`` (code → official name) is the
    code list the spec names with ``codes from``, empty without one."""

    levels: tuple[CodeLevel, ...] = ()
    codes: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen, eq=False)
    codes_file: str | None = None  # the code list file as the spec writes it

    def level_of(self, code: str) -> int | None:
        """0 for the first level, 1 for the next…; None for a length that is no level (or with no levels)."""
        return next((i for i, level in enumerate(self.levels) if level.length == len(code)), None)

    def parent_of(self, code: str) -> str | None:
        """The code's prefix of the level above: ``2010101`` → ``20101``; None for the first level."""
        level = self.level_of(code)
        return code[: self.levels[level - 1].length] if level else None


@attrs.frozen
class Axis:
    key: str
    label: str | None
    members: tuple[Member, ...]  # document order, groups before their children
    by_key: Mapping[str, Member] = attrs.field(eq=False, repr=False, converter=frozen)
    open: OpenMembers | None = None  # an open dimension (its slot is among the members)

    @property
    def data_members(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.has_cells)

    def leaves_under(self, key: str) -> tuple[str, ...]:
        """The leaf members below a group (or the member itself when it is not a group)."""
        member = self.by_key[key]
        if member.kind != "group":
            return (key,)
        found: list[str] = []
        for child in member.children:
            child_member = self.by_key[child]
            if child_member.kind == "group":
                found.extend(self.leaves_under(child))
            elif child_member.kind == "leaf" and child_member.summable_in_group:
                found.append(child)
        return tuple(found)


@attrs.frozen
class Cell:
    key: str
    table: str
    section: str
    row: str | None
    column: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    type: CellType

    @property
    def label(self) -> str:
        parts = [*self.row_labels, *self.column_labels]
        return " · ".join(parts)


@attrs.frozen
class Note:
    text: str
    place: str | None = None
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The text in the spec's other languages (``note "…" label en "…"``; docs/languages.md): language → text."""


@attrs.frozen
class Table:
    key: str
    label: str | None
    section: str
    type: CellType
    rows: Axis | None
    columns: Axis
    stub: str | None
    notes: tuple[Note, ...]
    absent: frozenset[tuple[str | None, str]]
    cells: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False)
    required: bool = False
    """The table must be filled in: a report where none of its cells has a value (all blank) lacks it (an error)."""
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The label in the spec's other languages (``label en "…"``; docs/languages.md): language → label."""
    stub_translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The stub's text in the spec's other languages: language → text."""

    def cell_key(self, row: str | None, column: str) -> str:
        return f"{self.key}.{row}.{column}" if row is not None else f"{self.key}.{column}"

    def axis(self, kind: str) -> Axis | None:
        """The rows (``kind="row"``) or the columns."""
        return self.rows if kind == "row" else self.columns


@attrs.frozen
class TextBlock:
    key: str
    label: str | None
    section: str
    required: bool
    guidance: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False)
    rules: tuple[TextRule, ...] = ()  # field formats (issue 16): pattern, length at most
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The label in the spec's other languages (``label en "…"``; docs/languages.md): language → label."""
    guidance_translations: Mapping[str, tuple[str, ...]] = attrs.field(factory=FrozenDict, converter=frozen)
    """The guidance lines in another language (``guidance "…" label en "…"``), when given."""


@attrs.frozen
class Field:
    key: str
    label: str
    type: CellType
    required: bool
    aliases: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False)
    rules: tuple[TextRule, ...] = ()  # field formats (issue 16): format, pattern, length at most
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The label in the spec's other languages (``label en "…"``; docs/languages.md): language → label."""


# ---------------------------------------------------------------------------------------------------- field formats
TextRuleKind = Literal["format", "pattern", "max_length"]


@attrs.frozen
class TextRule:
    """What a field's (text block's) text must keep to: a built-in ``format`` (value: its key in
    :data:`gaidsl.language.formats.FORMATS`), a ``pattern`` (value: the regular expression, ``name``: what messages call
    it), or ``max_length`` (value: the most characters, as digits). Each becomes one check of origin ``format``."""

    kind: TextRuleKind
    value: str
    name: str | None = None
    span: Span | None = attrs.field(default=None, eq=False)

    @property
    def max_length(self) -> int:
        return int(self.value)


@attrs.frozen
class Section:
    key: str
    label: str
    items: tuple[tuple[SectionItemKind, str], ...]  # (kind, key) in document order
    span: Span | None = attrs.field(default=None, eq=False)
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The label in the spec's other languages (``label en "…"``; docs/languages.md): language → label."""


# ---------------------------------------------------------------------------------------------------- expressions


@attrs.frozen
class Const:
    value: Decimal


@attrs.frozen
class TextConst:
    value: str


@attrs.frozen
class CellRef:
    cell: str
    previous: bool = False


@attrs.frozen
class FieldRef:
    field: str
    previous: bool = False


@attrs.frozen
class TextRef:
    block: str
    previous: bool = False


@attrs.frozen
class Sum:
    """A signed sum ``Σ sign·term``; the one arithmetic node besides scaling by a constant."""

    terms: tuple[tuple[int, NumExpr], ...]


@attrs.frozen
class Scale:
    factor: Decimal
    arg: NumExpr


@attrs.frozen
class Length:
    arg: TextOperand


# ---- arithmetic between cells (issue 16; docs/arithmetic.md)
ArithOp = Literal["*", "/", "abs", "min", "max", "round"]
ARITH_OPS: tuple[ArithOp, ...] = ("*", "/", "abs", "min", "max", "round")
Rounding = Literal["half_up", "half_even"]
ROUNDINGS: tuple[Rounding, ...] = ("half_up", "half_even")


@attrs.frozen
class Arith:
    """What a linear form cannot say: the product or quotient of two numbers (``*``, ``/``: args are the two
    operands), ``abs``, ``min`` and ``max`` of its args, or ``round`` of its one arg to ``places`` decimals by
    ``rounding`` (half up: half away from zero, as Chinese statistics round; or half even). Evaluated exactly (as
    rationals); a quotient by zero is unknown, so the check reading it is unverifiable."""

    op: ArithOp
    args: tuple[NumExpr, ...]
    places: int = 0
    rounding: Rounding = "half_up"


@attrs.frozen
class Compare:
    op: CompareOp
    left: Expr
    right: Expr


@attrs.frozen
class And:
    args: tuple[BoolExpr, ...]


@attrs.frozen
class Or:
    args: tuple[BoolExpr, ...]


@attrs.frozen
class Not:
    arg: BoolExpr


@attrs.frozen
class Implies:
    condition: BoolExpr
    then: BoolExpr


@attrs.frozen
class Mentions:
    arg: TextOperand
    words: tuple[str, ...]


@attrs.frozen
class Empty:
    arg: TextOperand


TextTestKind = Literal["starts_with", "ends_with", "matches", "format"]
TEXT_TEST_KINDS: tuple[TextTestKind, ...] = ("starts_with", "ends_with", "matches", "format")


@attrs.frozen
class TextTest:
    """A text's start, end, a regular expression matched whole (``matches``), or a built-in format (value: its key).
    A blank text is the empty text ("")."""

    kind: TextTestKind
    arg: TextOperand
    value: str
    name: str | None = None  # a pattern's name for messages


# The closed families of expression nodes. A new node joins one of them, and mypy then names every walker that must
# handle it: a walker over all nodes ends in ``case _: assert_never(node)``; a walker over one family ends in
# ``case _: not_a_number(node)`` (``not_a_text``, ``not_a_condition``), whose parameter admits only the other families.
NumExpr = Const | CellRef | FieldRef | Sum | Scale | Length | Arith
BoolExpr = Compare | And | Or | Not | Implies | Mentions | Empty | TextTest
TextExpr = TextConst | TextRef
TextOperand = TextRef | CellRef | FieldRef  # what the text functions read: a text block, a text cell or a text field
Expr = NumExpr | BoolExpr | TextExpr


def not_a_number(expr: BoolExpr | TextExpr) -> NoReturn:
    """The last case of a walker over number expressions: typed so that a number node left unhandled fails mypy."""
    raise TypeError(f"not a number expression: {expr!r}")


def not_a_text(expr: NumExpr | BoolExpr) -> NoReturn:
    """The last case of a walker over text operands: text nodes, and the fields and cells (numbers' nodes) that hold
    text; typed so that a text node left unhandled fails mypy."""
    raise TypeError(f"not a text expression: {expr!r}")


def not_a_condition(expr: NumExpr | TextExpr) -> NoReturn:
    """The last case of a walker over conditions: typed so that a condition node left unhandled fails mypy."""
    raise TypeError(f"not a condition: {expr!r}")


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of an expression, parents first."""
    yield expr
    match expr:
        case Sum(terms=terms):
            for _, term in terms:
                if type(term) is CellRef:  # the common term, without a generator of its own
                    yield term
                else:
                    yield from walk(term)
        case Scale(arg=arg) | Not(arg=arg):
            yield from walk(arg)
        case Arith(args=args):
            for arg in args:
                yield from walk(arg)
        case Length(arg=ref) | Mentions(arg=ref) | Empty(arg=ref) | TextTest(arg=ref):
            yield ref
        case Compare(left=left, right=right):
            yield from walk(left)
            yield from walk(right)
        case And(args=args) | Or(args=args):
            for arg in args:
                yield from walk(arg)
        case Implies(condition=condition, then=then):
            yield from walk(condition)
            yield from walk(then)
        case Const() | TextConst() | CellRef() | FieldRef() | TextRef():
            pass
        case _:
            assert_never(expr)


def cells_of(expr: Expr) -> tuple[CellRef, ...]:
    seen: dict[CellRef, None] = {}
    for node in walk(expr):
        if isinstance(node, CellRef):
            seen.setdefault(node, None)
    return tuple(seen)


# ---------------------------------------------------------------------------------------------------- checks


@attrs.frozen
class CheckInstance:
    """One position of a check: for a broadcast check, one column (or row); otherwise the only one."""

    position: str | None
    position_labels: tuple[str, ...]
    expr: BoolExpr

    @property
    def cells(self) -> tuple[CellRef, ...]:
        return cells_of(self.expr)


@attrs.frozen
class Check:
    key: str
    label: str | None
    severity: Severity
    message: Text
    tolerance: Decimal | None
    broadcast: AxisKind | None
    table: str | None
    section: str | None
    origin: CheckOrigin
    instances: tuple[CheckInstance, ...]
    span: Span | None = attrs.field(default=None, eq=False)
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The label in the spec's other languages (``label en "…"``; docs/languages.md): language → label."""

    @property
    def across_periods(self) -> bool:
        return any(
            isinstance(n, CellRef | FieldRef | TextRef) and n.previous for i in self.instances for n in walk(i.expr)
        )


@attrs.frozen
class RemovedCheck:
    """A check of a base spec that an overlay removed, with the reason the overlay gave. It is not among
    :attr:`Spec.checks`: nothing evaluates, analyses or generates code for it; it is kept to be shown (``gaidsl diff``,
    ``gaidsl check --analyze``)."""

    key: str
    label: str | None
    severity: Severity
    reason: str
    table: str | None  # where the removed check was (in the base)
    section: str | None
    span: Span | None = attrs.field(default=None, eq=False)  # the ``remove check`` statement of the overlay
    origin: Span | None = attrs.field(default=None, eq=False)  # the removed check's declaration, in a base spec

    @property
    def removed_in(self) -> str | None:
        """The overlay file that removed it."""
        return self.span.file if self.span is not None else None

    @property
    def declared_in(self) -> str | None:
        """The spec file the removed check came from."""
        return self.origin.file if self.origin is not None else None

    @property
    def removed_at(self) -> str | None:
        """``file:line`` of the ``remove check`` statement."""
        return f"{self.span.file}:{self.span.line}" if self.span is not None else None

    @property
    def declared_at(self) -> str | None:
        """``file:line`` of the removed check's declaration."""
        return f"{self.origin.file}:{self.origin.line}" if self.origin is not None else None

    def removal(self) -> Text:
        return removal_text(self.reason, self.removed_at)


@attrs.frozen
class OverlayChange:
    """A change an overlay made to what its base has (docs/overlays.md), with the overlay's reason: ``op`` is
    "remove", "rename", "exclude" (from a total) or "retype"; ``what`` "row", "column", "table" or "field"; ``key``
    the key before the change (``table.member`` for rows and columns), ``new_key`` the key after a rename, ``detail``
    the total an ``exclude`` changes or the new type of a ``retype``."""

    op: str
    what: str
    key: str
    reason: str
    new_key: str | None = None
    detail: str | None = None
    span: Span | None = attrs.field(default=None, eq=False)  # the overlay's statement

    @property
    def at(self) -> str | None:
        """``file:line`` of the overlay's statement."""
        return f"{self.span.file}:{self.span.line}" if self.span is not None else None

    def text(self) -> Text:
        return overlay_text(self.op, self.reason, self.at)


def overlay_text(op: str, reason: str, place: str | None = None) -> Text:
    """「扩展改名了它（file:line），理由：…」 / "renamed by the overlay (file:line) because …"."""
    at_zh = f"（{place}）" if place else ""
    at_en = f" ({place})" if place else ""
    if op == "remove":
        return removal_text(reason, place)
    if op == "rename":
        return Text(f"扩展改名了它{at_zh}，理由：{reason}", f"renamed by the overlay{at_en} because {reason}")
    done = {
        "exclude": Text("把一个成员排除在这个合计之外", "keeps a member out of this total"),
        "retype": Text("修改了它的类型", "changes its type"),
    }[op]
    return Text(f"扩展{done.zh}{at_zh}，理由：{reason}", f"the overlay{at_en} {done.en} because {reason}")


def removal_text(reason: str, place: str | None = None) -> Text:
    """「扩展删除了它（file:line），理由：…」 / "removed by the overlay (file:line) because …"."""
    at_zh = f"（{place}）" if place else ""
    at_en = f" ({place})" if place else ""
    return Text(f"扩展删除了它{at_zh}，理由：{reason}", f"removed by the overlay{at_en} because {reason}")


# ---------------------------------------------------------------------------------------------------- records
RECORD_SLOT = "<#>"
"""The record position in a record cell's key pattern: ``explanations.<#>.count``; a report's cells are numbered
from 1 (``explanations.1.count``). See docs/records.md."""
AggregateOp = Literal["sum", "count", "min", "max"]
AGGREGATE_OPS: tuple[AggregateOp, ...] = ("sum", "count", "min", "max")


@attrs.frozen
class RecordField:
    """A field of a list of records: its type (a text for ``member of DIMENSION``, with ``dimension`` set)."""

    key: str
    label: str
    type: CellType
    dimension: str | None = None
    span: Span | None = attrs.field(default=None, eq=False)


@attrs.frozen
class RecordList:
    """``records KEY "label" { … }`` (docs/records.md): each report enters as many records as it has, each with a
    value for every field. Its cells are ``KEY.<n>.FIELD`` (n from 1); :func:`gaidsl.checking.records.close_records`
    turns them into a table of one row per record."""

    key: str
    label: str
    section: str
    fields: tuple[RecordField, ...]
    at_least: int = 0
    at_most: int | None = None
    span: Span | None = attrs.field(default=None, eq=False)
    translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)  # of the label

    def field(self, key: str) -> RecordField | None:
        return next((f for f in self.fields if f.key == key), None)

    def cell_key(self, index: str, field: str) -> str:
        return f"{self.key}.{index}.{field}"

    def pattern_cell(self, field: RecordField) -> Cell:
        """The cell that stands for ``field`` of any record, ``KEY.<#>.FIELD``, in record checks before closing."""
        key = self.cell_key(RECORD_SLOT, field.key)
        return Cell(key, self.key, self.section, RECORD_SLOT, field.key, (self.label,), (field.label,), field.type)


@attrs.frozen
class FilterTerm:
    """One comparison of a ``where``: the record's ``field`` against ``value`` (a member key, a text or a number),
    or against the check's position (``value`` None: ``where component == row``)."""

    field: str
    op: CompareOp
    value: str | Decimal | None


@attrs.frozen
class RecordAggregate:
    """``sum(list.field where …)``, ``count(list where …)``, ``min``/``max`` (and ``exists``: a count above 0) over
    the records that meet every term of ``where``. In a check before closing it is the cell ``key`` (``<sum#1>``),
    which :func:`gaidsl.checking.records.close_records` replaces by the sum (count, min, max) of the records' cells."""

    key: str
    op: AggregateOp
    records: str
    field: str | None
    where: tuple[FilterTerm, ...] = ()
    text: str = ""  # as written, for messages

    def cell(self, cell_type: CellType) -> Cell:
        """The placeholder cell in a check before closing, of the aggregate's type (the field's; a count's 件)."""
        return Cell(self.key, self.records, "", None, self.key, (), (self.text,), cell_type)


# ---------------------------------------------------------------------------------------------------- the spec


@attrs.frozen(eq=False)
class Spec:
    id: str
    version: str
    title: str | None
    basis: tuple[str, ...]
    units: Mapping[str, Unit] = attrs.field(converter=frozen)
    fields: Mapping[str, Field] = attrs.field(converter=frozen)
    sections: tuple[Section, ...]
    tables: Mapping[str, Table] = attrs.field(converter=frozen)
    texts: Mapping[str, TextBlock] = attrs.field(converter=frozen)
    checks: tuple[Check, ...]
    cells: Mapping[str, Cell] = attrs.field(converter=frozen)
    file: str
    extends: tuple[str, ...] = ()  # the chain of base spec files, nearest first
    removed_checks: tuple[RemovedCheck, ...] = ()  # checks of a base that overlays removed (never evaluated)
    overlay_changes: tuple[OverlayChange, ...] = ()  # what overlays removed, renamed, excluded, retyped (and why)
    open_dimensions: Mapping[str, OpenMembers] = attrs.field(factory=FrozenDict, converter=frozen)
    """The open dimensions (by key) whose members each report enters; empty for a spec of fixed tables only."""
    records: Mapping[str, RecordList] = attrs.field(factory=FrozenDict, converter=frozen)
    """The lists of records (docs/records.md) by key; empty for a spec without them."""
    record_checks: tuple[Check, ...] = ()
    """The checks that read records (a record's fields, ``for each record``, or an aggregate): not among
    :attr:`checks` until :func:`gaidsl.checking.records.close_records` makes them ordinary for one report."""
    record_aggregates: Mapping[str, RecordAggregate] = attrs.field(factory=FrozenDict, converter=frozen)
    """The aggregates the record checks read, by their cell key (``<sum#1>``)."""
    languages: tuple[str, ...] = ("zh",)
    """The languages of the labels (``language en``; docs/languages.md), the first the one every output writes in."""
    title_translations: Mapping[str, str] = attrs.field(factory=FrozenDict, converter=frozen)
    """The title in the spec's other languages (``format … "标题" label en "…"``)."""
    output_languages: tuple[str, ...] = ()
    """The languages of the outputs' own words when more than the first: ``("zh", "en")`` for a bilingual output
    (``build --lang zh,en``; docs/languages.md#bilingual-specs), its labels each followed by its translation."""

    @property
    def language(self) -> str:
        """The language every output writes its own words in (buttons, headings, messages): ``zh`` or ``en``."""
        return self.languages[0]

    @property
    def words_languages(self) -> tuple[str, ...]:
        """The languages of the outputs' own words (:func:`gaidsl.language.ui_text.words` of them): the first
        language, or both of a bilingual output, first then second. Values, numbers and dates: the first's."""
        return self.output_languages or (self.language,)

    def check(self, key: str) -> Check:
        for check in self.checks:
            if check.key == key:
                return check
        raise KeyError(key)

    def removed_check(self, key: str) -> RemovedCheck | None:
        """The record of the check ``key`` when an overlay removed it (and nothing added it back), else ``None``."""
        return next((r for r in self.removed_checks if r.key == key), None)

    def member_cells(self, table: str, axis: str, member: str) -> tuple[str, ...]:
        """The cells of one row (``axis="row"``) or column of ``table`` itself, in the table's order."""
        t = self.tables[table]
        return tuple(c for c in t.cells if (self.cells[c].row if axis == "row" else self.cells[c].column) == member)

    def cells_under(self, table: str, axis: str, member: str) -> tuple[str, ...]:
        """The cells of a row (column) and of every row (column) below it, in the table's order."""
        t = self.tables[table]
        found = t.axis(axis)
        assert found is not None
        keys = {m.key for m in found.members if m.has_cells and member in m.path}
        return tuple(c for c in t.cells if (self.cells[c].row if axis == "row" else self.cells[c].column) in keys)


def is_text(spec: Spec, expr: Expr) -> bool:
    """Whether an operand of a comparison is text (a text constant, a text block, or a non-numeric field or cell)."""
    match expr:
        case TextConst() | TextRef():
            return True
        case FieldRef(field=field):
            return not spec.fields[field].type.numeric
        case CellRef(cell=cell):
            return not spec.cells[cell].type.numeric
        case (
            Const()
            | Sum()
            | Scale()
            | Length()
            | Arith()
            | Compare()
            | And()
            | Or()
            | Not()
            | Implies()
            | Mentions()
            | Empty()
        ):
            return False
        case TextTest():
            return False
        case _:
            assert_never(expr)
