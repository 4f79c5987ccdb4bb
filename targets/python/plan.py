"""What a generated validator must compute for each check position: a language-neutral plan, shared by the Python
and JavaScript targets (each renders it in its own syntax).

The plan mirrors :mod:`gaidsl.checking.evaluate` node for node, so the generated code gives the same values, the same
exponents of the same decimals and the same messages as the reference evaluator:

- every cell, field and text block a position reads becomes one *reference* (deduplicated in the evaluator's walk
  order, which is the order of ``cells`` in a result), read once into a variable;
- every comparison becomes a *comparison* with its two sides as :class:`Num` trees (sums keep their leading zero,
  ``Decimal(0) + t1 + t2 …``, as ``sum(…, Decimal(0))`` does) and its tolerance as a tree of half units, folded to a
  constant where no amount is read;
- the condition becomes a :class:`Logic` tree over the comparisons' outcomes (three-valued, Kleene);
- the message is planned per case of :func:`gaidsl.checking.explain.explain`: the static names and the runtime values.

Nothing here is evaluated at run time: the targets turn the trees into straight-line code.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import assert_never

import attrs

from gaidsl.checking.evaluate import PRECISION, cell_labels
from gaidsl.checking.explain import LISTED as LISTED  # re-exported: the templates list that many names
from gaidsl.checking.explain import SYMBOL, arith_name, quoted_text, text_condition_words
from gaidsl.checking.explain import name_of as explain_name
from gaidsl.checking.explain import where_of as explain_where
from gaidsl.checking.required import Absent
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

ZERO = Decimal(0)


# ---------------------------------------------------------------------------------------------------- trees


@dataclass(frozen=True)
class Ref:
    """One cell, field or text block a position reads (``index`` into the position's variables)."""

    index: int
    kind: str  # "cell" | "field" | "text"
    key: str
    previous: bool
    labels: tuple[str, ...]
    name_zh: str
    name_en: str
    numeric: bool  # a number cell or field (Decimal | blank | unknown)
    amount: bool  # its type is amount: it contributes half a unit of its last place to the tolerance
    text_read: bool = False  # a text field a text function reads: its text ("" when blank) is read as a block's

    @property
    def ref(self) -> str:
        return f"previous.{self.key}" if self.previous else self.key

    @property
    def listed(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class Num:
    """A number expression: ``const`` (value), ``var`` (ref index: a numeric cell or field), ``len`` (ref index of a
    text block), ``sum`` (terms: (sign, Num), with the leading ``Decimal(0)``), ``scale`` (factor × arg), ``hu``
    (half a unit of the last place of ref ``index`` if it is a number, else ``Decimal(0)``; tolerances only), or
    ``arith`` (arithmetic between cells, docs/arithmetic.md: ``arith`` is the operation, ``*``, ``/``, ``round``,
    ``abs``, ``min`` or ``max``, over ``args``; ``places`` and ``rounding`` for ``round``). A tree with an ``arith``
    inside is computed exactly as a rational (:mod:`gaidsl.targets.python.arithmetic`)."""

    op: str
    value: Decimal = ZERO
    index: int = -1
    terms: tuple[tuple[int, Num], ...] = ()
    arg: Num | None = None
    arith: str = ""
    args: tuple[Num, ...] = ()
    places: int = 0
    rounding: str = "half_up"

    def needs(self) -> tuple[tuple[str, int], ...]:
        """(kind, ref index) guards: ("num", i) the ref holds a number, ("text", i) its text is known."""
        if self.op == "var":
            return (("num", self.index),)
        if self.op == "len":
            return (("text", self.index),)
        if self.op == "sum":
            return tuple(dict.fromkeys(g for _, t in self.terms for g in t.needs()))
        if self.op == "scale" and self.arg is not None:
            return self.arg.needs()
        if self.op == "arith":
            return tuple(dict.fromkeys(g for a in self.args for g in a.needs()))
        return ()


@dataclass(frozen=True)
class Str:
    """A text expression: ``const`` (text), ``content`` (ref index of a text block: "" when blank, None when
    unknown), ``field`` (ref index of a text field: the text, or None), ``none`` (always unknown)."""

    op: str
    text: str = ""
    index: int = -1


@dataclass(frozen=True)
class Comparison:
    index: int
    op: str
    text: bool
    left_num: Num | None = None
    right_num: Num | None = None
    tolerance: Num | None = None  # numeric comparisons: a ``const`` or a tree of ``hu`` terms
    left_str: Str | None = None
    right_str: Str | None = None


@dataclass(frozen=True)
class Logic:
    """A condition: ``cmp`` (comparison index), ``mentions`` (ref index, words), ``empty`` (ref index), ``and``,
    ``or`` (args), ``not`` (args[0]), ``implies`` (args: condition, then)."""

    op: str
    index: int = -1
    words: tuple[str, ...] = ()
    args: tuple[Logic, ...] = ()


@dataclass(frozen=True)
class Piece:
    """One term of a side in a message: its name, and where its value comes from when the check passed or failed:
    ``num`` (ref index, a Decimal), ``str`` (ref index of a text field), ``content`` (ref index of a text block),
    ``len`` (ref index), ``arith`` (the exact value of ``tree``, arithmetic between cells), ``static`` (the text)."""

    sign: int
    name_zh: str
    name_en: str
    source: str
    index: int = -1
    text: str = ""
    tree: Num | None = None


@dataclass(frozen=True)
class Side:
    pieces: tuple[Piece, ...]
    single: bool

    def names(self, lang: str) -> str:
        return _join([(p.sign, p.name_zh if lang == "zh" else p.name_en) for p in self.pieces])


@dataclass(frozen=True)
class Message:
    """How :func:`gaidsl.checking.explain.explain` words a pass or fail of this position.

    ``compare``: one comparison at the top (``left``/``right`` sides, ``symbol``); ``text``: mentions/empty
    (``holds``/``fails`` are the two fixed texts, zh and en); ``listing``: the rule, the verdict and the values."""

    case: str
    left: Side | None = None
    right: Side | None = None
    symbol: str = ""
    holds: tuple[str, str] = ("", "")
    fails: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Position:
    """One check position: everything the generated code needs."""

    check: ir.Check
    instance: ir.CheckInstance
    refs: tuple[Ref, ...]
    comparisons: tuple[Comparison, ...]
    condition: Logic
    message: Message
    where_zh: str
    where_en: str

    @property
    def single(self) -> Comparison | None:
        """The comparison that a result reports (op, left, right, …) when there is exactly one."""
        return self.comparisons[0] if len(self.comparisons) == 1 else None


@dataclass(frozen=True)
class CheckPlan:
    check: ir.Check
    positions: tuple[Position, ...]
    number: int  # 0-based order in the spec

    @property
    def origin(self) -> str:
        span = self.check.span
        return f"{span.file}:{span.line}" if span is not None else "(generated)"


@dataclass
class _Builder:
    spec: ir.Spec
    check: ir.Check
    instance: ir.CheckInstance
    refs: list[Ref] = field(default_factory=list)
    by_node: dict[tuple[str, str, bool], int] = field(default_factory=dict)
    comparisons: list[Comparison] = field(default_factory=list)

    # ---- references, in the evaluator's order (ir.walk, parents first, deduplicated)
    def collect(self) -> None:
        read_as_text = {
            node.arg.field
            for node in ir.walk(self.instance.expr)
            if isinstance(node, ir.Length | ir.Mentions | ir.Empty | ir.TextTest) and isinstance(node.arg, ir.FieldRef)
        }
        for node in ir.walk(self.instance.expr):
            if isinstance(node, ir.CellRef):
                cell = self.spec.cells[node.cell]
                self._add("cell", node.cell, node.previous, cell_labels(self.spec, cell), cell.type)
            elif isinstance(node, ir.FieldRef):
                spec_field = self.spec.fields[node.field]
                text_read = node.field in read_as_text
                self._add("field", node.field, node.previous, (spec_field.label,), spec_field.type, text_read)
            elif isinstance(node, ir.TextRef):
                block = self.spec.texts[node.block]
                self._add("text", node.block, node.previous, (block.label or node.block,), None)

    def _add(
        self,
        kind: str,
        key: str,
        previous: bool,
        labels: tuple[str, ...],
        type_: ir.CellType | None,
        text_read: bool = False,
    ) -> None:
        ident = (kind, key, previous)
        if ident in self.by_node:
            return
        name = explain_name(self.spec, self.check, self.instance, kind, key, previous)
        numeric = type_ is not None and type_.numeric
        amount = type_ is not None and type_.kind == "amount"
        self.by_node[ident] = len(self.refs)
        self.refs.append(Ref(len(self.refs), kind, key, previous, labels, name.zh, name.en, numeric, amount, text_read))

    def index(self, node: ir.CellRef | ir.FieldRef | ir.TextRef) -> int:
        if isinstance(node, ir.CellRef):
            return self.by_node[("cell", node.cell, node.previous)]
        if isinstance(node, ir.FieldRef):
            return self.by_node[("field", node.field, node.previous)]
        return self.by_node[("text", node.block, node.previous)]

    # ---- numbers and texts
    def num(self, expr: ir.Expr) -> Num:
        match expr:
            case ir.Const():
                return Num("const", value=expr.value)
            case ir.CellRef() | ir.FieldRef():
                return Num("var", index=self.index(expr))
            case ir.Sum():
                return Num("sum", terms=tuple((sign, self.num(term)) for sign, term in expr.terms))
            case ir.Scale():
                return Num("scale", value=expr.factor, arg=self.num(expr.arg))
            case ir.Length():
                return Num("len", index=self.index(expr.arg))
            case ir.Arith():
                args = tuple(self.num(arg) for arg in expr.args)
                return Num("arith", arith=expr.op, args=args, places=expr.places, rounding=expr.rounding)
            case _:
                ir.not_a_number(expr)

    def slack(self, expr: ir.Expr) -> Num:
        """The evaluator's ``_Env.slack`` as a tree; subtrees that read no amount are folded to their constant."""
        match expr:
            case ir.Sum():
                tree = Num("sum", terms=tuple((1, self.slack(term)) for _, term in expr.terms))
            case ir.Scale():
                with decimal.localcontext() as ctx:  # abs() rounds to the context's precision, as in the evaluator
                    ctx.prec = PRECISION
                    factor = abs(expr.factor)
                tree = Num("scale", value=factor, arg=self.slack(expr.arg))
            case ir.CellRef() | ir.FieldRef():
                amount = self.refs[self.index(expr)].amount
                return Num("hu", index=self.index(expr)) if amount else Num("const", value=ZERO)
            case (
                ir.Arith()  # the operands of arithmetic between cells are taken exactly as reported
                | ir.Const()
                | ir.Length()
                | ir.TextConst()
                | ir.TextRef()
                | ir.Compare()
                | ir.And()
                | ir.Or()
                | ir.Not()
                | ir.Implies()
                | ir.Mentions()
                | ir.Empty()
                | ir.TextTest()
            ):
                return Num("const", value=ZERO)
            case _:
                assert_never(expr)
        return _fold(tree)

    def string(self, expr: ir.Expr) -> Str:
        match expr:
            case ir.TextConst():
                return Str("const", text=expr.value)
            case ir.TextRef():
                return Str("content", index=self.index(expr))
            case ir.FieldRef():
                return Str("field", index=self.index(expr))
            case ir.CellRef():  # a text cell: its text, None when blank or unknown (as a text field)
                return Str("field", index=self.index(expr))
            case _:
                ir.not_a_text(expr)

    # ---- conditions
    def logic(self, expr: ir.Expr) -> Logic:
        match expr:
            case ir.Compare():
                return Logic("cmp", index=self.compare(expr))
            case ir.And():
                return Logic("and", args=tuple(self.logic(a) for a in expr.args))
            case ir.Or():
                return Logic("or", args=tuple(self.logic(a) for a in expr.args))
            case ir.Not():
                return Logic("not", args=(self.logic(expr.arg),))
            case ir.Implies():
                return Logic("implies", args=(self.logic(expr.condition), self.logic(expr.then)))
            case ir.Mentions():
                return Logic("mentions", index=self.index(expr.arg), words=expr.words)
            case ir.Empty():
                return Logic("empty", index=self.index(expr.arg))
            case ir.TextTest():
                return Logic("test", index=self.index(expr.arg), words=(expr.kind, expr.value))
            case _:
                ir.not_a_condition(expr)

    def compare(self, expr: ir.Compare) -> int:
        number = len(self.comparisons)
        if ir.is_text(self.spec, expr.left) or ir.is_text(self.spec, expr.right):
            left, right = self.string(expr.left), self.string(expr.right)
            item = Comparison(number, expr.op, True, left_str=left, right_str=right)
        else:
            if self.check.tolerance is not None:
                tolerance = Num("const", value=self.check.tolerance)
            else:
                sides = ((1, self.slack(expr.left)), (1, self.slack(expr.right)))
                tolerance = _fold(Num("sum", terms=sides), lead=False)
            item = Comparison(
                number,
                expr.op,
                False,
                left_num=self.num(expr.left),
                right_num=self.num(expr.right),
                tolerance=tolerance,
            )
        self.comparisons.append(item)
        return number

    # ---- messages (gaidsl.checking.explain)
    def side(self, expr: ir.Expr) -> Side:
        pieces, single = self._pieces(expr)
        return Side(tuple(pieces), single)

    def _pieces(self, expr: ir.Expr) -> tuple[list[Piece], bool]:
        match expr:
            case ir.Sum():
                out: list[Piece] = []
                for sign, term in expr.terms:
                    for piece in self._pieces(term)[0]:
                        out.append(_signed(piece, sign * piece.sign))
                return out, False
            case ir.CellRef() | ir.FieldRef() | ir.TextRef():
                ref = self.refs[self.index(expr)]
                if isinstance(expr, ir.TextRef):
                    source = "content"
                elif ref.numeric:
                    source = "num"
                else:
                    source = "str"
                return [Piece(1, ref.name_zh, ref.name_en, source, ref.index)], True
            case ir.Scale():
                factor = f"{expr.factor:f}"
                inner = self._pieces(expr.arg)[0]
                return [
                    Piece(
                        p.sign, f"{factor} × {p.name_zh}", f"{factor} × {p.name_en}", p.source, p.index, p.text, p.tree
                    )
                    for p in inner
                ], False
            case ir.Length():
                ref = self.refs[self.index(expr.arg)]
                return [Piece(1, f"length({ref.name_zh})", f"length({ref.name_en})", "len", ref.index)], False
            case ir.Const():
                text = f"{expr.value:f}"
            case ir.TextConst():
                quoted = quoted_text(self.spec, expr.value)
                return [Piece(1, quoted.zh, quoted.en, "static", text=quoted.zh)], True
            case ir.Arith():
                name = arith_name(self.spec, self.check, self.instance, expr)
                return [Piece(1, name.zh, name.en, "arith", tree=self.num(expr))], False
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                text = "?"
            case ir.TextTest():
                text = "?"
            case _:
                assert_never(expr)
        return [Piece(1, text, text, "static", text=text)], True

    def message(self) -> Message:
        expr = self.instance.expr
        if isinstance(expr, ir.Compare):
            return Message("compare", self.side(expr.left), self.side(expr.right), SYMBOL[expr.op])
        negated = isinstance(expr, ir.Not)
        core = expr.arg if isinstance(expr, ir.Not) else expr
        if isinstance(core, ir.TextTest | ir.Mentions | ir.Empty):  # words as gaidsl.checking.explain has them
            where = explain_where(self.spec, self.check, self.instance)
            ref = self.refs[self.index(core.arg)]
            yes_text, no_text = text_condition_words(core, Text(ref.name_zh, ref.name_en))
            yes = (f"{where.zh}: {yes_text.zh}", f"{where.en}: {yes_text.en}")
            no = (f"{where.zh}: {no_text.zh}", f"{where.en}: {no_text.en}")
            # the message for a pass is ``yes`` unless negated; for a fail the other one
            return Message("text", holds=no if negated else yes, fails=yes if negated else no)
        return Message("listing")


def _signed(piece: Piece, sign: int) -> Piece:
    return Piece(sign, piece.name_zh, piece.name_en, piece.source, piece.index, piece.text, piece.tree)


def _join(terms: list[tuple[int, str]]) -> str:
    """``gaidsl.checking.explain._join``: ``a + b − c``, a leading ``−`` for a negative first term."""
    out = ""
    for index, (sign, piece) in enumerate(terms):
        if index == 0:
            out = piece if sign > 0 else f"−{piece}"
        else:
            out += f" + {piece}" if sign > 0 else f" − {piece}"
    return out


def _fold(tree: Num, lead: bool = True) -> Num:
    """A slack tree with no ``hu`` inside becomes its constant, computed exactly as the evaluator would.

    ``lead``: a ``sum`` starts from ``Decimal(0)`` (``sum(…, Decimal(0))``); the tolerance itself is
    ``slack(left) + slack(right)`` without it."""
    if tree.op == "sum" and not lead:
        tree = Num("sum2", terms=tree.terms)
    if _has_hu(tree):
        return tree
    return Num("const", value=_static(tree))


def _has_hu(tree: Num) -> bool:
    if tree.op == "hu":
        return True
    if tree.op in ("sum", "sum2"):
        return any(_has_hu(t) for _, t in tree.terms)
    if tree.op == "scale" and tree.arg is not None:
        return _has_hu(tree.arg)
    return False


def _static(tree: Num) -> Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        if tree.op == "const":
            return tree.value
        if tree.op == "sum":
            return sum((_static(t) for _, t in tree.terms), Decimal(0))
        if tree.op == "sum2":
            first, second = (_static(t) for _, t in tree.terms)
            return first + second
        if tree.op == "scale" and tree.arg is not None:
            return tree.value * _static(tree.arg)
    raise TypeError(tree)


def position(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance) -> Position:
    builder = _Builder(spec, check, instance)
    builder.collect()
    condition = builder.logic(instance.expr)
    where = explain_where(spec, check, instance)
    return Position(
        check=check,
        instance=instance,
        refs=tuple(builder.refs),
        comparisons=tuple(builder.comparisons),
        condition=condition,
        message=builder.message(),
        where_zh=where.zh,
        where_en=where.en,
    )


def plan(spec: ir.Spec) -> tuple[CheckPlan, ...]:
    """Every check of ``spec`` with its positions, in spec order (the order of the evaluator's results)."""
    plans = tuple(
        CheckPlan(check, tuple(position(spec, check, i) for i in check.instances), number)
        for number, check in enumerate(spec.checks)
    )
    if spec.language == "zh":
        return plans
    return tuple(replace(p, positions=tuple(_in_english(pos) for pos in p.positions)) for p in plans)


# A spec in another language than Chinese (docs/languages.md): its validators' messages are in that language in both
# slots of each message (``zh`` and ``en``), so the generated code holds no Chinese and the form shows the spec's words.


def _in_english(pos: Position) -> Position:
    message = pos.message
    return replace(
        pos,
        refs=tuple(replace(r, name_zh=r.name_en) for r in pos.refs),
        message=replace(
            message,
            left=_side_in_english(message.left),
            right=_side_in_english(message.right),
            holds=(message.holds[1], message.holds[1]),
            fails=(message.fails[1], message.fails[1]),
        ),
        where_zh=pos.where_en,
    )


def _side_in_english(side: Side | None) -> Side | None:
    if side is None:
        return None
    return replace(side, pieces=tuple(replace(p, name_zh=p.name_en) for p in side.pieces))


def absent_record(spec: ir.Spec, absent: Absent) -> dict[str, object]:
    """A required item's record as gaidsl's evaluation writes it, its message in the spec's language (both slots
    English for a spec in English)."""
    return attrs.evolve(absent, language=spec.language).to_json_dict()


@dataclass(frozen=True)
class Slot:
    """How a data file's entry is read: ``section`` (values | fields | texts), key, and the type rules."""

    section: str
    key: str
    kind: str  # count | integer | amount | signed (a signed amount) | text | date | choice | block (a text block)
    decimals: int | None = None
    choices: tuple[str, ...] = ()


def slot_kind(cell_type: ir.CellType) -> str:
    """A slot's kind: the type's, or ``signed`` for an amount that may be below zero (the validators' one place that
    says which values may be negative)."""
    return "signed" if cell_type.kind == "amount" and cell_type.signed else cell_type.kind


def signed(spec: ir.Spec) -> bool:
    """Whether a spec has signed amounts: only then do the validators carry the code that reads them."""
    types = [c.type for c in spec.cells.values()] + [f.type for f in spec.fields.values()]
    return any(t.kind == "amount" and t.signed for t in types)


def slots(spec: ir.Spec) -> tuple[Slot, ...]:
    """Every key a data file may hold, with the rules :mod:`gaidsl.checking.data` reads it by."""
    out: list[Slot] = []
    for cell in spec.cells.values():
        out.append(Slot("values", cell.key, slot_kind(cell.type), cell.type.decimals, cell.type.choices))
    for spec_field in spec.fields.values():
        kind, decimals, choices = slot_kind(spec_field.type), spec_field.type.decimals, spec_field.type.choices
        out.append(Slot("fields", spec_field.key, kind, decimals, choices))
    for block in spec.texts.values():
        out.append(Slot("texts", block.key, "block"))
    return tuple(out)


def python_whitespace() -> str:
    """Every character that Python's ``str.strip()`` removes (what gaidsl's reader strips), as a string."""
    return "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


MAX_DIGITS = 15  # gaidsl.checking.data.MAX_MAGNITUDE = 10 ** 15


_CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def ascii_helpers(spec: ir.Spec, lines: list[str]) -> list[str]:
    """The field formats' helper lines of a generated validator as a spec in another language than Chinese gets them
    (docs/languages.md): the comment names the unified social credit code in English, and the Chinese characters of
    the built-in formats (a date range's 至) are written as ``\\uXXXX`` escapes, the same strings in Python and
    JavaScript literals; a Chinese spec's lines are as they were."""
    if spec.language == "zh":
        return lines
    named = [line.replace("a 统一社会信用代码", "a unified social credit code") for line in lines]
    return [_CJK.sub(lambda m: f"\\u{ord(m.group()):04x}", line) for line in named]
