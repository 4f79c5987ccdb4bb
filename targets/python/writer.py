"""The one writer of generated validators: a position's plan (:mod:`gaidsl.targets.python.plan`) as straight-line
statements, shared by the Python and JavaScript targets.

What the two languages share is the shape of the code: which variables hold what, the three-valued logic, the
comparisons with their tolerance, and the message of a result, built exactly as :func:`gaidsl.checking.explain.explain`
words it. What differs is syntax, and each target supplies that through the hooks of :class:`Writer` (a
statement, a conditional expression, ``None``/``null``, a helper's name …) and its own rendering of numbers (Python
``int`` and ``Decimal`` operators, JavaScript a Decimal class's methods).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Generic, TypeVar

from gaidsl.language import ir
from gaidsl.targets.python.arithmetic import comparison_has_arith
from gaidsl.targets.python.plan import Comparison, Logic, Num, Position, Side, Str

T = TypeVar("T")
CHUNK = 64
"""Terms per statement in long sums (deeper nesting breaks the compilers and parsers)."""


def ident(key: str) -> str:
    """A key as a name in generated code (Python and JavaScript alike)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


def module_name(spec: ir.Spec) -> str:
    """The generated module's name (without suffix): ``<id>_<version>``, made a valid identifier."""
    name = ident(f"{spec.id}_{spec.version}")
    return name if name[:1].isalpha() or name[:1] == "_" else f"v_{name}"


class Names(Generic[T]):
    """Module-level constants, one per distinct value, named ``<prefix><n>`` in first-use order; ``line`` writes
    the definition of one (name, value)."""

    def __init__(self, prefix: str, line: Callable[[str, T], str]) -> None:
        self.prefix = prefix
        self.line = line
        self.names: dict[T, str] = {}

    def __call__(self, value: T) -> str:
        if value not in self.names:
            self.names[value] = f"{self.prefix}{len(self.names)}"
        return self.names[value]

    def lines(self) -> list[str]:
        return [self.line(name, value) for value, name in self.names.items()]


class Constants:
    """Decimal constants, one per distinct (exact) value as written: ``Names`` keyed by the value's text, so that
    ``1.0`` and ``1.00`` stay apart."""

    def __init__(self, prefix: str, line: Callable[[str, str], str]) -> None:
        self.names = Names[str](prefix, line)

    def __call__(self, value: Decimal) -> str:
        return self.names(str(value))

    def lines(self) -> list[str]:
        return self.names.lines()


class Writer(ABC):
    """One position's plan as statements. Subclasses give the syntax (the hooks below) and numbers (``num``,
    ``side``); everything else, above all the messages, is written here once."""

    NONE: str
    TRUE: str
    FALSE: str
    OR: str
    AND: str
    ZERO: str  # the Decimal 0 constant
    SHOWN: str  # the module's function showing a computed (rational) value in a finding

    def __init__(self, pos: Position, number: int, const: Constants) -> None:
        self.pos = pos
        self.n = number  # position number in the module (for the meta constant)
        self.const = const
        self.lines: list[str] = []
        self.temps = 0
        self.pending: list[str] = []  # statements a long sum needs before the expression that uses it
        self.arith = False  # the comparison being written computes arithmetic between cells (docs/arithmetic.md)
        self.chinese = True  # the spec is in Chinese: its zh slots quote 「…」 (else both slots are English)

    # ---- syntax hooks
    @staticmethod
    @abstractmethod
    def lit(value: object) -> str:
        """A literal of the language for a str, bool, None, number or sequence of them."""

    @abstractmethod
    def assign(self, name: str, expr: str) -> str:
        """The statement declaring ``name`` with the value ``expr``."""

    @abstractmethod
    def set(self, name: str, expr: str) -> str:
        """The statement giving the declared ``name`` the value ``expr``."""

    @abstractmethod
    def cond(self, test: str, then: str, otherwise: str) -> str:
        """A conditional expression."""

    @abstractmethod
    def seq(self, items: Sequence[str]) -> str:
        """A tuple (array) of expressions."""

    @abstractmethod
    def seq_lit(self, values: Sequence[str]) -> str:
        """A tuple (array) literal of texts."""

    @abstractmethod
    def helper(self, name: str) -> str:
        """The name of a helper of the module template (``listing``, ``side``, ``gap``, ``P`` …)."""

    @abstractmethod
    def same(self, left: str, right: str, equal: bool) -> str:
        """Identity (``is`` / ``===``) or its negation."""

    @abstractmethod
    def equal(self, left: str, right: str, equal: bool) -> str:
        """Equality of two texts (or its negation)."""

    @abstractmethod
    def negate(self, expr: str) -> str: ...

    @abstractmethod
    def contains(self, text: str, word: str) -> str:
        """``word`` (a literal) occurs in ``text``."""

    @abstractmethod
    def text_test(self, text: str, kind: str, value: str) -> str:
        """``starts_with``, ``ends_with``, ``matches`` (a regular expression, whole) or a built-in ``format`` of
        ``text`` (field formats, issue 16; :func:`gaidsl.checking.evaluate.text_test_holds`)."""

    @abstractmethod
    def blank_text(self, text: str) -> str:
        """``text`` is empty or white space only (as ``str.strip()`` sees it)."""

    @abstractmethod
    def text_field(self, x: str) -> str:
        """A text field's value, or none when it is blank or unknown."""

    @abstractmethod
    def number_text(self, x: str) -> str:
        """A number as the evaluator writes it in a message."""

    @abstractmethod
    def value_text(self, index: int) -> str:
        """Ref ``index``'s number as a message shows it."""

    @abstractmethod
    def length_text(self, index: int) -> str:
        """The length of text ref ``index`` as a message shows it."""

    @abstractmethod
    def minus(self, left: str, right: str) -> str:
        """The difference of two numbers."""

    @abstractmethod
    def num(self, tree: Num) -> str:
        """A number expression (long sums may leave statements in ``pending``)."""

    @abstractmethod
    def side(self, name: str, tree: Num) -> None:
        """Statements giving ``name`` the value of ``tree``, or none when a value it needs is missing."""

    @abstractmethod
    def exact_test(self, op: str, left: str, right: str) -> str:
        """The comparison of two numbers with no tolerance."""

    @abstractmethod
    def tolerant_test(self, op: str, left: str, right: str, tolerance: str) -> str:
        """The comparison within ``tolerance`` (:func:`gaidsl.checking.evaluate.compare_numbers`)."""

    @abstractmethod
    def write(self) -> list[str]:
        """Every statement of the position."""

    def arith_text(self, tree: Num) -> str:
        """The exact value of arithmetic between cells as a message shows it (docs/arithmetic.md)."""
        raise NotImplementedError(tree.op)

    def concat(self, parts: Sequence[str]) -> str:
        """Texts put together (``''`` for none)."""
        return " + ".join(parts) if parts else self.lit("")

    # ---- shared
    def emit(self, line: str) -> None:
        self.lines.append(line)

    def temp(self) -> str:
        self.temps += 1
        return f"b{self.temps}"

    def missing(self, *names: str) -> str:
        return self.OR.join(self.same(name, self.NONE, True) for name in names)

    def string(self, tree: Str) -> str:
        if tree.op == "const":
            return self.lit(tree.text)
        if tree.op == "content":
            return f"c{tree.index}"
        if tree.op == "field":
            return self.text_field(f"x{tree.index}")
        return self.NONE

    def tolerance(self, cmp: Comparison) -> str:
        tol = cmp.tolerance
        if tol is not None and tol.op == "const" and tol.value == 0:
            return self.const(tol.value)
        return f"t{cmp.index}"

    def compare(self, cmp: Comparison) -> None:
        self.arith = comparison_has_arith(cmp)
        self._compare(cmp)
        self.arith = False

    def _compare(self, cmp: Comparison) -> None:
        j = cmp.index
        left, right = f"l{j}", f"r{j}"
        if cmp.text:
            assert cmp.left_str is not None and cmp.right_str is not None
            self.emit(self.assign(left, self.string(cmp.left_str)))
            self.emit(self.assign(right, self.string(cmp.right_str)))
            test = self.equal(left, right, cmp.op == "==")
            self.emit(self.assign(f"o{j}", self.cond(self.missing(left, right), self.NONE, test)))
            return
        assert cmp.left_num is not None and cmp.right_num is not None and cmp.tolerance is not None
        self.side(left, cmp.left_num)
        self.side(right, cmp.right_num)
        tol = cmp.tolerance
        if tol.op == "const" and tol.value == 0:
            test = self.exact_test(cmp.op, left, right)  # within a zero tolerance: the plain comparison, exactly
        else:
            self.pending = []
            code = self.num(tol)
            for line in self.pending:
                self.emit(line)
            self.emit(self.assign(f"t{j}", code))
            test = self.tolerant_test(cmp.op, left, right, f"t{j}")
        self.emit(self.assign(f"o{j}", self.cond(self.missing(left, right), self.NONE, test)))

    # ---- conditions (Kleene logic over TRUE, FALSE and NONE)
    def logic(self, node: Logic) -> str:
        op = node.op
        if op == "cmp":
            return f"o{node.index}"
        if op in ("mentions", "empty", "test"):
            c = f"c{node.index}"
            if op == "test":
                test = self.text_test(c, node.words[0], node.words[1])
            elif op == "mentions":
                test = self.OR.join(self.contains(c, self.lit(w)) for w in node.words)
            else:
                test = self.blank_text(c)
            name = self.temp()
            self.emit(self.assign(name, self.cond(self.missing(c), self.NONE, f"({test})")))
            return name
        args = [self.logic(a) for a in node.args]
        name = self.temp()
        if op == "not":
            value = self.cond(self.missing(args[0]), self.NONE, self.negate(args[0]))
        elif op in ("and", "or"):
            decisive, other = (self.FALSE, self.TRUE) if op == "and" else (self.TRUE, self.FALSE)
            decides = self.OR.join(self.same(a, decisive, True) for a in args)
            unknown = self.OR.join(self.same(a, self.NONE, True) for a in args)
            value = self.cond(f"({decides})", decisive, self.cond(f"({unknown})", self.NONE, other))
        else:  # implies
            c, t = args
            holds = f"({self.same(c, self.FALSE, True)}{self.OR}{self.same(t, self.TRUE, True)})"
            fails = f"({self.same(c, self.TRUE, True)}{self.AND}{self.same(t, self.FALSE, True)})"
            value = self.cond(holds, self.TRUE, self.cond(fails, self.FALSE, self.NONE))
        self.emit(self.assign(name, value))
        return name

    # ---- messages (gaidsl.checking.explain)
    def values(self, side: Side, lang: str) -> str:
        """The side's values joined like its names (``21 + 0``); texts quoted 「…」 (zh) or '…' (en)."""
        chinese = lang == "zh" and self.chinese
        open_, close = (self.lit("「"), self.lit("」")) if chinese else (self.lit("'"), self.lit("'"))
        parts: list[str] = []
        for k, piece in enumerate(side.pieces):
            prefix = ("" if piece.sign > 0 else "−") if k == 0 else (" + " if piece.sign > 0 else " − ")
            if piece.source == "num":
                value = self.value_text(piece.index)
            elif piece.source == "str":
                value = f"{open_} + x{piece.index} + {close}"
            elif piece.source == "content":
                value = f"{open_} + c{piece.index} + {close}"
            elif piece.source == "len":
                value = self.length_text(piece.index)
            elif piece.source == "arith" and piece.tree is not None:
                value = self.arith_text(piece.tree)
            else:  # a constant: a number, or a quoted text in the message's language (explain.quoted_text)
                value = self.lit(piece.name_zh if chinese else piece.name_en)
            if prefix:
                parts.append(self.lit(prefix))
            parts.append(value)
        return self.concat(parts)

    def meta_name(self) -> str:
        """The name the position's static part has where its lines run (``_P3`` / ``P3``)."""
        return f"{self.helper('P')}{self.n}"

    def message(self, indent: str) -> None:
        pos, msg = self.pos, self.pos.message
        meta = self.meta_name()
        if msg.case == "text":
            passed = self.equal("s", self.lit("pass"), True)
            value = self.cond(passed, self.seq_lit(msg.holds), self.seq_lit(msg.fails))
            self.emit(indent + self.set("m", value))
            return
        if msg.case == "listing":
            self.emit(indent + self.set("m", f"{self.helper('listing')}({meta}, s, xs)"))
            return
        assert msg.left is not None and msg.right is not None
        cmp = pos.comparisons[0]
        if not cmp.text:
            self.emit(indent + self.assign("tl", self.number_text("l0")))
            self.emit(indent + self.assign("tr", self.number_text("r0")))
        args = []
        for side, name in ((msg.left, "l"), (msg.right, "r")):
            values = {lang: self.values(side, lang) for lang in ("zh", "en")}
            if values["zh"] == values["en"]:
                self.emit(indent + self.assign(f"v{name}", values["zh"]))
                values = {"zh": f"v{name}", "en": f"v{name}"}
            else:
                for lang in ("zh", "en"):
                    self.emit(indent + self.assign(f"v{name}{lang[0]}", values[lang]))
                    values[lang] = f"v{name}{lang[0]}"
            names = {lang: self.lit(side.names(lang)) for lang in ("zh", "en")}
            if names["zh"] == names["en"] and len(names["zh"]) > 40:
                self.emit(indent + self.assign(f"n{name}", names["zh"]))
                names = {"zh": f"n{name}", "en": f"n{name}"}
            for lang in ("zh", "en"):
                if cmp.text:
                    quotes = ("「", "」") if lang == "zh" and self.chinese else ("'", "'")
                    total = f"{self.lit(quotes[0])} + {name}0 + {self.lit(quotes[1])}"
                else:
                    total = f"t{name}"
                single = self.TRUE if side.single else self.FALSE
                args.append(f"{self.helper('side')}({names[lang]}, {values[lang]}, {total}, {single})")
        if cmp.text:
            gap = self.seq_lit(("", ""))
        else:
            gap = f"{self.helper('gap')}({self.minus('l0', 'r0')}, {self.tolerance(cmp)})"
        compared = f"{self.helper('compared')}({meta}, s, {self.lit(cmp.op)}, {self.lit(msg.symbol)}, "
        self.emit(indent + self.set("m", f"{compared}{', '.join(args)}, {gap})"))

    def comparison_record(self) -> str:
        """What a result reports of its comparison: (op, left, right, difference, tolerance), or none."""
        cmp = self.pos.single
        if cmp is None:
            return self.NONE
        op = self.lit(cmp.op)
        if cmp.text:
            return self.seq([op, "l0", "r0", self.NONE, self.ZERO])
        difference = self.cond(self.missing("l0", "r0"), self.NONE, self.minus("l0", "r0"))
        if comparison_has_arith(cmp):  # exact rationals: shown as findings show computed values
            return self.seq([op, f"{self.SHOWN}(l0)", f"{self.SHOWN}(r0)", difference, self.tolerance(cmp)])
        return self.seq([op, "l0", "r0", difference, self.tolerance(cmp)])
