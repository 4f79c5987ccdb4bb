"""Checks as spreadsheet formulas, with the reference evaluator's three-valued logic.

Every condition becomes a formula giving 1 (true), 0 (false) or 0.5 (unknown): ``and`` is MIN, ``or`` is MAX, ``not``
is 1 − x, ``if c then t`` is MAX(1 − c, t) — exactly Kleene's logic. A comparison is 0.5 when any cell it reads is
not a number (blank, 未知, or last year's value, which a workbook does not hold), else 1 or 0 under the tolerance.

The tolerance rule differs in one point from ``gaidsl validate``: a spreadsheet holds numbers, not the digits as
written, so an amount's half unit in the last place is taken from the number as the spreadsheet shows it (96171.60
counts as 96171.6). That can only make the workbook more lenient by the dropped trailing zeros' share.

Arithmetic between cells (docs/arithmetic.md) computes in floating point, where 0.01 − 0.005 is not exactly 0.005
and 0.025 × 100 not exactly 2.5. A comparison with arithmetic is therefore decided on its margin rounded to
:data:`EXTRA_PLACES` more decimal places than any of its numbers is declared with (``ROUND(|d| − t, P) <= 0``), a
quotient by zero makes it unverifiable (``IFERROR``: Excel's ``IF`` is the only function that does not evaluate
both branches), and ``round`` first removes the floating-point noise of its argument the same way. Exact for every
value that is a decimal of at most the declared places (ties at x.xx5 included); a quotient whose exact value lies
closer than 10^-P to the boundary without being on it may be judged as on it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import assert_never

from gaidsl.language import ir

Ref = Callable[[str], str]  # cell key → A1 reference (with sheet)


EXTRA_PLACES = 6
"""Decimal places beyond the declared ones at which a comparison with arithmetic is decided (see above)."""
MAX_PLACES = 15
"""Never more than a double's significant digits."""


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _num(value: Decimal) -> str:
    return f"{value:f}"


def _str(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Formulas:
    def __init__(self, spec: ir.Spec, cell: Ref, field: Ref, text: Ref) -> None:
        self.spec = spec
        self.cell = cell
        self.field = field
        self.text = text

    def text_at(self, ref: ir.TextOperand) -> str:
        """Where a text function reads: a text block's cell, a text field's, or a text cell of a table."""
        if isinstance(ref, ir.TextRef):
            return self.text(ref.block)
        if isinstance(ref, ir.FieldRef):
            return self.field(ref.field)
        return self.cell(ref.cell)

    # ---- numbers
    def number(self, expr: ir.Expr) -> str:
        match expr:
            case ir.Const():
                return _num(expr.value)
            case ir.CellRef():
                return self.cell(expr.cell)
            case ir.FieldRef():
                return self.field(expr.field)
            case ir.Sum():
                out = ""
                for sign, term in expr.terms:
                    part = self.number(term)
                    out += ("-" if sign < 0 else ("+" if out else "")) + part
                return f"({out or '0'})"
            case ir.Scale():
                return f"({_num(expr.factor)}*{self.number(expr.arg)})"
            case ir.Length():
                return f"LEN({self.text_at(expr.arg)})"
            case ir.Arith():
                return self.arith(expr)
            case ir.TextConst():
                return _str(expr.value)
            case ir.TextRef():
                return self.text(expr.block)
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                raise TypeError(f"not a value: {expr!r}")
            case ir.TextTest():
                raise TypeError(f"not a value: {expr!r}")
            case _:
                assert_never(expr)

    def arith(self, expr: ir.Arith) -> str:
        """Arithmetic between cells in Excel's words (docs/arithmetic.md): a quotient by zero is #N/A (``known``
        keeps the check unverifiable then); ROUND rounds half away from zero (half_up); half_even by its definition."""
        args = [self.number(arg) for arg in expr.args]
        match expr.op:
            case "*":
                return f"({args[0]}*{args[1]})"
            case "/" if _nonzero(expr.args[1]):  # x / 3: never by zero
                return f"({args[0]}/{args[1]})"
            case "/":
                return f"IF({args[1]}=0,NA(),{args[0]}/{args[1]})"
            case "abs" | "min" | "max":
                return f"{expr.op.upper()}({','.join(args)})"
            case "round" if expr.rounding == "half_up":  # the argument's float noise off first (see above)
                return f"ROUND(ROUND({args[0]},{self.decided_at(expr)}),{expr.places})"
            case "round":  # a tie (exactly half) goes to the even neighbour
                x, n, at = args[0], expr.places, self.decided_at(expr)
                y = f"ROUND({x}*10^{n},{max(at - n, 0)})"
                tie = f"ABS({y}-TRUNC({y}))=0.5"
                return f"IF({tie},2*ROUND({y}/2,0)/10^{n},ROUND(ROUND({x},{at}),{n}))"
            case _:
                assert_never(expr.op)

    def decided_at(self, expr: ir.Expr, tolerance: Decimal | None = None) -> int:
        """The decimal places at which a comparison (or ``round``) with arithmetic is decided: the most any of its
        numbers is declared or written with (an amount's half unit is one more), plus :data:`EXTRA_PLACES`."""
        declared = 0 if tolerance is None else _places(tolerance)
        for node in ir.walk(expr):
            if isinstance(node, ir.CellRef | ir.FieldRef):
                spec = self.spec
                t = spec.cells[node.cell].type if isinstance(node, ir.CellRef) else spec.fields[node.field].type
                if t.kind == "amount":
                    declared = max(declared, (t.decimals if t.decimals is not None else MAX_PLACES) + 1)
            elif isinstance(node, ir.Const):
                declared = max(declared, _places(node.value))
            elif isinstance(node, ir.Scale):
                declared = max(declared, _places(node.factor))
            elif isinstance(node, ir.Arith) and node.op == "round":
                declared = max(declared, node.places + 1)
        return min(declared + EXTRA_PLACES, MAX_PLACES)

    def operands(self, expr: ir.Expr) -> tuple[list[str], bool]:
        """The references a comparison needs as numbers, and whether it reads last year's report."""
        refs: list[str] = []
        previous = False
        for node in ir.walk(expr):
            if isinstance(node, ir.CellRef | ir.FieldRef) and node.previous:
                previous = True
            elif isinstance(node, ir.CellRef) and self.spec.cells[node.cell].type.numeric:
                refs.append(self.cell(node.cell))
            elif isinstance(node, ir.FieldRef) and self.spec.fields[node.field].type.numeric:
                refs.append(self.field(node.field))
        return list(dict.fromkeys(refs)), previous

    def _amount_terms(self, expr: ir.Expr, coef: Decimal, out: list[tuple[Decimal, str]]) -> None:
        match expr:
            case ir.CellRef():
                if not expr.previous and self.spec.cells[expr.cell].type.kind == "amount":
                    out.append((abs(coef), self.cell(expr.cell)))
            case ir.FieldRef() if not expr.previous and self.spec.fields[expr.field].type.kind == "amount":
                out.append((abs(coef), self.field(expr.field)))  # as the evaluator: an amount field is reported too
            case ir.Sum():
                for sign, term in expr.terms:
                    self._amount_terms(term, coef * sign, out)
            case ir.Scale():
                self._amount_terms(expr.arg, coef * expr.factor, out)
            case ir.Const() | ir.FieldRef() | ir.Length() | ir.TextConst() | ir.TextRef() | ir.Arith():
                pass  # the evaluator reads the operands of arithmetic between cells exactly (docs/arithmetic.md)
            case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty():
                pass
            case ir.TextTest():
                pass
            case _:
                assert_never(expr)

    def tolerance(self, compare: ir.Compare, explicit: Decimal | None) -> str:
        if explicit is not None:
            return _num(explicit)
        terms: list[tuple[Decimal, str]] = []
        self._amount_terms(compare.left, Decimal(1), terms)
        self._amount_terms(compare.right, Decimal(1), terms)
        parts = [f'{_num(c)}*0.5*10^-(LEN({r}&"")-FIND(".",{r}&"."))' for c, r in terms if c]
        return "+".join(parts) if parts else "0"

    def difference(self, compare: ir.Compare) -> str:
        return f"{self.number(compare.left)}-{self.number(compare.right)}"

    # ---- conditions: 1 true, 0 false, 0.5 unknown
    def truth(self, expr: ir.BoolExpr, tolerance: Decimal | None) -> str:
        match expr:
            case ir.Compare():
                return self._compare(expr, tolerance)
            case ir.And():
                return "MIN(" + ",".join(self.truth(a, tolerance) for a in expr.args) + ")"
            case ir.Or():
                return "MAX(" + ",".join(self.truth(a, tolerance) for a in expr.args) + ")"
            case ir.Not():
                return f"(1-{self.truth(expr.arg, tolerance)})"
            case ir.Implies():
                return f"MAX(1-{self.truth(expr.condition, tolerance)},{self.truth(expr.then, tolerance)})"
            case ir.Mentions():
                if expr.arg.previous:
                    return "0.5"
                ref = self.text_at(expr.arg)
                found = ",".join(f"ISNUMBER(FIND({_str(w)},{ref}))" for w in expr.words)
                return f"IF(OR({found}),1,0)"
            case ir.Empty():
                return "0.5" if expr.arg.previous else f"IF(LEN(TRIM({self.text_at(expr.arg)}))=0,1,0)"
            case ir.TextTest():
                # field formats (issue 16): a start or an end exactly (EXACT: "=" ignores case); Excel has no
                # regular expressions, so a pattern or format is left to the validators (unknown here: 0.5)
                if expr.arg.previous or expr.kind in ("matches", "format"):
                    return "0.5"
                ref, value = self.text_at(expr.arg), _str(expr.value)
                side = "LEFT" if expr.kind == "starts_with" else "RIGHT"
                return f"IF(EXACT({side}({ref},{len(expr.value)}),{value}),1,0)"
            case _:
                assert_never(expr)

    def _compare(self, compare: ir.Compare, explicit: Decimal | None) -> str:
        refs, previous = self.operands(compare)
        if previous:
            return "0.5"
        sides = (compare.left, compare.right)
        if any(ir.is_text(self.spec, n) for n in sides):
            left, right = self.number(compare.left), self.number(compare.right)
            same = f"EXACT({left},{right})"
            test = same if compare.op == "==" else f"NOT({same})"
            blanks = [self.field(n.field) for n in sides if isinstance(n, ir.FieldRef)]
            blanks += [self.cell(n.cell) for n in sides if isinstance(n, ir.CellRef)]  # a blank text cell: unknown
            unknown = "OR(" + ",".join(f'{b}=""' for b in blanks) + ")" if blanks else "FALSE"
            return f"IF({unknown},0.5,IF({test},1,0))"
        d = f"({self.difference(compare)})"
        t = f"({self.tolerance(compare, explicit)})"
        known = "AND(" + ",".join(f"ISNUMBER({r})" for r in refs) + ")" if refs else "TRUE"
        if any(isinstance(n, ir.Arith) for n in ir.walk(compare)):  # floating point: decided at P places (above)
            at = self.decided_at(compare, explicit)
            margin = {
                "==": (f"ABS({d})-{t}", "<="),
                "!=": (f"ABS({d})-{t}", ">"),
                "<=": (f"{d}-{t}", "<="),
                ">=": (f"{d}+{t}", ">="),
                "<": (f"{d}+{t}", "<"),
                ">": (f"{d}-{t}", ">"),
            }[compare.op]
            decided = f"ROUND({margin[0]},{at}){margin[1]}0"
            return f"IF({known},IFERROR(IF({decided},1,0),0.5),0.5)"  # a quotient by zero: unverifiable
        test = {
            "==": f"ABS({d})<={t}",
            "!=": f"ABS({d})>{t}",
            "<=": f"{d}<={t}",
            ">=": f"{d}>=-{t}",
            "<": f"{d}<-{t}",
            ">": f"{d}>{t}",
        }[compare.op]
        return f"IF({known},IF({test},1,0),0.5)"

    def known(self, compare: ir.Compare) -> str | None:
        refs, previous = self.operands(compare)
        if previous:
            return None
        tests = [f"ISNUMBER({r})" for r in refs]
        # a quotient by zero: unknown, as in the evaluator (docs/arithmetic.md)
        tests += [
            f"{self.number(n.args[1])}<>0"
            for n in ir.walk(compare)
            if isinstance(n, ir.Arith) and n.op == "/" and not _nonzero(n.args[1])
        ]
        return "AND(" + ",".join(tests) + ")" if tests else "TRUE"


def _nonzero(divisor: ir.Expr) -> bool:
    """A divisor written as a constant that is not zero (``x / 3``): no test for a quotient by zero is needed."""
    return isinstance(divisor, ir.Const) and divisor.value != 0
