"""Check expressions lowered to IR: types and units checked, names resolved to concrete cells for one broadcast
position (the names: :mod:`gaidsl.language.references`).
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, localcontext
from fractions import Fraction

from gaidsl.language import ast, ir
from gaidsl.language.aggregation import non_additive_member, sum_refusal
from gaidsl.language.arithmetic import MAX_PLACES, as_decimal
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.formats import pattern_problem
from gaidsl.language.printer import expr_text
from gaidsl.language.references import BOOL, NUM, TEXT, Failed, References, Scope, SkipPosition, Typed
from gaidsl.language.source import Span

_TEXT_CELL_HELP = Text(
    "这是文本单元格：文本不能相加或比较大小，只能用 ==、!= 比较，或用 empty、mentions、length 读取",
    "this is a text cell: text is not added up or ordered; compare it with == or != or read it with empty, mentions or "
    "length",
)
FUNCTIONS: dict[str, Text] = {
    "sum": Text("sum(单元格或分组, …)", "sum(cells or groups, …)"),
    "mentions": Text('mentions(文本块或文本单元格, "词", …)', 'mentions(text block or text cell, "word", …)'),
    "empty": Text("empty(文本块或文本单元格)", "empty(text block or text cell)"),
    "length": Text("length(文本块、文本单元格或文本字段)", "length(text block, text cell or text field)"),
    # field formats (issue 16)
    "starts_with": Text('starts_with(文本, "开头")', 'starts_with(text, "start")'),
    "ends_with": Text('ends_with(文本, "结尾")', 'ends_with(text, "end")'),
    "matches": Text('matches(文本, "正则表达式")', 'matches(text, "regular expression")'),
    # ---- arithmetic between cells (docs/arithmetic.md)
    "round": Text("round(数值, 小数位数[, half_up|half_even])", "round(number, places[, half_up|half_even])"),
    "abs": Text("abs(数值)", "abs(number)"),
    "min": Text("min(数值, 数值, …)", "min(number, number, …)"),
    "max": Text("max(数值, 数值, …)", "max(number, number, …)"),
}
"""Every function a check may call, as it is called: GAI106 lists them when a name is none of them."""

TEXT_TESTS = ("starts_with", "ends_with", "matches")
_TEXT_TEST_HELP = Text(
    "这些函数读取文本（文本块、文本单元格或文本字段）；数值请用比较运算",
    "these functions read text (a text block, text cell or text field); compare numbers with <, <=, ==",
)
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Sums and products of constants written in a spec are exact: no decimal number a spec holds needs rounding."""
_KIND_TEXT = {NUM: Text("数值", "a number"), BOOL: Text("条件", "a condition"), TEXT: Text("文本", "text")}


def choice_refusal(value: str, name: str, choices: tuple[str, ...], span: Span | None) -> Diagnostic:
    """GAI377: ``value`` is none of the choices of the field or cell ``name``."""
    listed = Text("、".join(f"「{c}」" for c in choices), ", ".join(f"'{c}'" for c in choices))
    suggestion = did_you_mean(value, choices)
    return error("GAI377", span, suggestion, value=value, name=name, choices=listed.zh, choices_en=listed.en)


class ExpressionLowerer(References):
    """Operators, comparisons, conditions and calls: each node typed (number, condition, text) and its units checked;
    the names inside are resolved by :class:`References`."""

    def condition(self, expr: ast.Expr, scope: Scope) -> ir.BoolExpr | None:
        """Lower a check's expression; ``None`` when it has errors (already reported)."""
        self.mismatched = set()
        try:
            typed = self._lower(expr, scope)
        except Failed:
            return None
        if typed.kind != BOOL:
            got = _KIND_TEXT[typed.kind]
            self.diagnostics.append(error("GAI204", expr.span, got=got.zh, got_en=got.en))
            return None
        return typed.expr  # type: ignore[return-value]

    # -------------------------------------------------------------------------------------------- helpers
    def _want(self, typed: Typed, kind: str, node: ast.Expr, op: str, what: Text | None = None) -> Typed:
        if typed.kind != kind:
            got = _KIND_TEXT[typed.kind]
            if kind == BOOL and what is not None:
                raise self._fail(error("GAI213", node.span, what=what.zh, what_en=what.en, got=got.zh, got_en=got.en))
            help = [_TEXT_CELL_HELP] if typed.kind == TEXT and isinstance(typed.expr, ir.CellRef) else []
            raise self._fail(error("GAI203", node.span, help, op=op, got=got.zh, got_en=got.en))
        return typed

    @staticmethod
    def _unit_join(left: Typed, right: Typed) -> tuple[bool, str | None]:
        if left.unit is None or right.unit is None:
            return True, left.unit or right.unit
        return left.unit == right.unit, left.unit

    # -------------------------------------------------------------------------------------------- nodes
    def _lower(self, expr: ast.Expr, scope: Scope) -> Typed:
        if isinstance(expr, ast.Number):
            return Typed(ir.Const(Decimal(expr.text)), NUM, None, True)
        if isinstance(expr, ast.String):
            return Typed(ir.TextConst(expr.value), TEXT, None, True)
        if isinstance(expr, ast.Ref):
            return self._ref(expr, scope)
        if isinstance(expr, ast.Call):
            return self._call(expr, scope)
        if isinstance(expr, ast.Neg):
            arg = self._want(self._lower(expr.arg, scope), NUM, expr.arg, "-")
            return Typed(self._scale(Decimal(-1), arg.expr), NUM, arg.unit, arg.constant)
        if isinstance(expr, ast.BinOp):
            return self._binop(expr, scope)
        if isinstance(expr, ast.Compare):
            return self._compare(expr, scope)
        if isinstance(expr, ast.Logic):
            what = Text(f"「{expr.op}」", f"'{expr.op}'")
            lowered = self._lower_all(expr.args, scope)
            args = tuple(self._want(t, BOOL, a, expr.op, what).expr for t, a in zip(lowered, expr.args, strict=True))
            node: ir.BoolExpr = ir.And(args) if expr.op == "and" else ir.Or(args)  # type: ignore[arg-type]
            return Typed(node, BOOL)
        if isinstance(expr, ast.Not):
            what = Text("「not」", "'not'")
            arg = self._want(self._lower(expr.arg, scope), BOOL, expr.arg, "not", what)
            return Typed(ir.Not(arg.expr), BOOL)  # type: ignore[arg-type]
        if isinstance(expr, ast.If):
            cond_typed, then_typed = self._lower_all((expr.condition, expr.then), scope)
            cond = self._want(cond_typed, BOOL, expr.condition, "if", Text("「if」", "'if'"))
            then = self._want(then_typed, BOOL, expr.then, "then", Text("「then」", "'then'"))
            return Typed(ir.Implies(cond.expr, then.expr), BOOL)  # type: ignore[arg-type]
        raise TypeError(expr)

    def _lower_all(self, exprs: tuple[ast.Expr, ...], scope: Scope) -> list[Typed]:
        """Lower every operand, so that independent errors in several of them are all reported."""
        out: list[Typed] = []
        failed = False
        for expr in exprs:
            try:
                out.append(self._lower(expr, scope))
            except Failed:
                failed = True
        if failed:
            raise Failed()
        return out

    @staticmethod
    def _scale(factor: Decimal, expr: ir.Expr) -> ir.NumExpr:
        """``factor × expr``; a product of two constants is computed exactly (never to the 28 digits of Decimal's
        default context)."""
        with localcontext(EXACT):
            if isinstance(expr, ir.Const):
                return ir.Const(expr.value * factor)
            if isinstance(expr, ir.Scale):
                return ir.Scale(expr.factor * factor, expr.arg)
        return ir.Scale(factor, expr)  # type: ignore[arg-type]

    @staticmethod
    def _terms(sign: int, expr: ir.Expr) -> list[tuple[int, ir.NumExpr]]:
        if isinstance(expr, ir.Sum):
            return [(sign * s, t) for s, t in expr.terms]
        return [(sign, expr)]  # type: ignore[list-item]

    def _binop(self, expr: ast.BinOp, scope: Scope) -> Typed:
        if expr.op in "+-" and isinstance(expr.left, ast.BinOp) and expr.left.op in "+-":
            return self._chain(expr, scope)
        left_typed, right_typed = self._lower_all((expr.left, expr.right), scope)
        left = self._want(left_typed, NUM, expr.left, expr.op)
        right = self._want(right_typed, NUM, expr.right, expr.op)
        if expr.op in "+-":
            return self._add(left, expr.op, right, expr.span)
        if not (left.constant or right.constant) or (expr.op == "/" and not right.constant):
            return self._product(expr, left, right)
        if expr.op == "*":
            const, other = (left, right) if left.constant else (right, left)
            assert isinstance(const.expr, ir.Const) or const.constant
            factor = _constant_value(const.expr)
            return Typed(self._scale(factor, other.expr), NUM, other.unit, other.constant)
        divisor = _constant_value(right.expr)
        if divisor == 0:
            raise self._fail(error("GAI206", expr.right.span))
        reciprocal = as_decimal(1 / Fraction(divisor))
        if reciprocal is None:  # 1/3, 1/7: no decimal factor is exact; the quotient is computed exactly instead
            node = ir.Arith("/", (left.expr, ir.Const(divisor)))  # type: ignore[arg-type]
            return Typed(node, NUM, left.unit)
        return Typed(self._scale(reciprocal, left.expr), NUM, left.unit, left.constant)

    # ---- arithmetic between cells (docs/arithmetic.md)
    def _product(self, expr: ast.BinOp, left: Typed, right: Typed) -> Typed:
        """``a * b`` or ``a / b`` of two numbers that are not both constants: an :class:`ir.Arith` node. A quotient
        of two numbers in one unit is a ratio (no unit); a quotient of two units is a rate, whose unit gaidsl does not
        track yet (no unit either); a product of two numbers that both carry a unit has no unit gaidsl knows
        (GAI205)."""
        if expr.op == "*":
            if left.unit is not None and right.unit is not None:
                help = [Text("相除得到比率，或乘以常数", "divide them for a ratio, or multiply by a constant")]
                raise self._fail(error("GAI205", expr.span, help, left=left.unit, right=right.unit))
            unit = left.unit or right.unit
        else:
            unit = left.unit if right.unit is None else None
        node = ir.Arith(ir.narrow(expr.op, ir.ARITH_OPS), (left.expr, right.expr))  # type: ignore[arg-type]
        return Typed(node, NUM, unit)

    def _arith_call(self, expr: ast.Call, scope: Scope) -> Typed:
        """``abs(x)``, ``min(x, y, …)``, ``max(x, y, …)``, ``round(x, n[, half_up|half_even])``."""
        name = ir.narrow(expr.name, ir.ARITH_OPS)
        numbers = expr.args[:1] if name == "round" else expr.args
        wanted = {"abs": len(numbers) == 1, "round": 2 <= len(expr.args) <= 3}.get(name, len(numbers) >= 2)
        if not wanted or any(isinstance(a, ast.Star) for a in expr.args):
            raise self._bad_args(expr)
        lowered = self._lower_all(tuple(a for a in numbers if not isinstance(a, ast.Star)), scope)
        typed = [self._want(t, NUM, a, name) for t, a in zip(lowered, numbers, strict=True)]  # type: ignore[arg-type]
        unit = typed[0].unit
        for part, arg in zip(typed[1:], numbers[1:], strict=True):
            ok, unit = self._unit_join(Typed(part.expr, NUM, unit), part)
            if not ok:
                raise self._fail(error("GAI201", arg.span, left=typed[0].unit, right=part.unit))
        places, rounding = 0, "half_up"
        if name == "round":
            places = self._places(expr.args[1])
            if len(expr.args) == 3:
                rounding = self._rounding(expr.args[2])
        args = tuple(t.expr for t in typed)
        node = ir.Arith(name, args, places, ir.narrow(rounding, ir.ROUNDINGS))  # type: ignore[arg-type]
        return Typed(node, NUM, unit)

    def _places(self, arg: ast.Expr | ast.Star) -> int:
        """The place count of ``round``: a whole number from 0 to 18, written as such (GAI340)."""
        text = arg.text if isinstance(arg, ast.Number) else None
        if text is None or not text.isdigit() or int(text) > MAX_PLACES:
            shown = text if text is not None else expr_text(arg)
            raise self._fail(error("GAI340", arg.span, value=shown, limit=MAX_PLACES))
        return int(text)

    def _rounding(self, arg: ast.Expr | ast.Star) -> str:
        """The rounding rule of ``round``: ``half_up`` (the default) or ``half_even`` (GAI140 otherwise)."""
        name = ".".join(arg.path) if isinstance(arg, ast.Ref) and not arg.selector and not arg.previous else None
        if name not in ir.ROUNDINGS:
            help = [*did_you_mean(name or "", ir.ROUNDINGS)]
            raise self._fail(error("GAI140", arg.span, help, name=name or "…"))
        assert name is not None
        return name

    def _chain(self, expr: ast.BinOp, scope: Scope) -> Typed:
        """``a + b - c + …`` (nested to the left by the grammar) lowered in a loop, not by recursion."""
        spine: list[ast.BinOp] = []
        node: ast.Expr = expr
        while isinstance(node, ast.BinOp) and node.op in "+-":
            spine.append(node)
            node = node.left
        first = node
        failed = False
        try:
            total = self._want(self._lower(first, scope), NUM, first, spine[-1].op)
        except Failed:
            failed, total = True, Typed(ir.Sum(()), NUM)
        for step in reversed(spine):
            try:
                right = self._want(self._lower(step.right, scope), NUM, step.right, step.op)
            except Failed:
                failed = True
                continue
            if failed:
                continue
            total = self._add(total, step.op, right, step.span)
        if failed:
            raise Failed()
        return total

    def _add(self, left: Typed, op: str, right: Typed, span: Span | None) -> Typed:
        """``left + right`` or ``left - right`` of two numbers, whose units must agree (GAI201 at ``span``)."""
        ok, unit = self._unit_join(left, right)
        if not ok:
            raise self._fail(
                error(
                    "GAI201",
                    span,
                    [Text("先换算成同一单位（乘以常数）", "convert to one unit first (multiply by a constant)")],
                    left=left.unit,
                    right=right.unit,
                )
            )
        sign = 1 if op == "+" else -1
        terms = self._terms(1, left.expr) + self._terms(sign, right.expr)
        return Typed(ir.Sum(tuple(terms)), NUM, unit, left.constant and right.constant)

    def _compare(self, expr: ast.Compare, scope: Scope) -> Typed:
        left, right = self._lower_all((expr.left, expr.right), scope)
        if left.kind == TEXT and right.kind == TEXT and expr.op in ("==", "!="):
            self._choice_kept(left.expr, right.expr, expr.right)
            self._choice_kept(right.expr, left.expr, expr.left)
            return Typed(ir.Compare(ir.narrow(expr.op, ir.COMPARE_OPS), left.expr, right.expr), BOOL)
        self._want(left, NUM, expr.left, expr.op)
        self._want(right, NUM, expr.right, expr.op)
        ok, _ = self._unit_join(left, right)
        if not ok:
            raise self._fail(error("GAI202", expr.span, left=left.unit, right=right.unit))
        return Typed(ir.Compare(ir.narrow(expr.op, ir.COMPARE_OPS), left.expr, right.expr), BOOL)

    def _choice_kept(self, ref: ir.Expr, value: ir.Expr, node: ast.Expr) -> None:
        """GAI377 when a choice field or cell is compared with a text that is none of its choices (a typo such
        as "complete" for "completed" would make the comparison false in every report, and no one would know)."""
        if not isinstance(value, ir.TextConst):
            return
        found: ir.Field | ir.Cell | None = None
        if isinstance(ref, ir.FieldRef):
            found = self.fields.get(ref.field)
        elif isinstance(ref, ir.CellRef):
            found = self.cells.get(ref.cell)
        if found is None or found.type.kind != "choice" or value.value in found.type.choices:
            return
        record_field = isinstance(found, ir.Cell) and found.row == ir.RECORD_SLOT
        name = found.column if isinstance(found, ir.Cell) and record_field else found.key  # a record's: its field
        raise self._fail(choice_refusal(value.value, name, found.type.choices, node.span))

    # -------------------------------------------------------------------------------------------- functions
    def _call(self, expr: ast.Call, scope: Scope) -> Typed:
        if expr.name == "sum":
            return self._sum(expr, scope)
        if expr.name in ir.ARITH_OPS:
            return self._arith_call(expr, scope)
        if expr.name in ("mentions", "empty", "length", *TEXT_TESTS):
            if not expr.args or not isinstance(expr.args[0], ast.Ref):
                raise self._bad_args(expr)
            target = self._lower(expr.args[0], scope)
            if target.kind == NUM and expr.name in TEXT_TESTS:
                raise self._fail(error("GAI153", expr.args[0].span, [_TEXT_TEST_HELP], name=expr.name))
            if not isinstance(target.expr, ir.TextRef | ir.CellRef | ir.FieldRef) or target.kind != TEXT:
                raise self._bad_args(expr)
            if expr.name in TEXT_TESTS:
                return self._text_test(expr, target.expr)
            if expr.name == "empty":
                if len(expr.args) != 1:
                    raise self._bad_args(expr)
                return Typed(ir.Empty(target.expr), BOOL)
            if expr.name == "length":
                if len(expr.args) != 1:
                    raise self._bad_args(expr)
                return Typed(ir.Length(target.expr), NUM, None)
            words = expr.args[1:]
            # An empty word occurs in every text: such a check could never fail, so it is refused.
            if not words or not all(isinstance(w, ast.String) and w.value for w in words):
                raise self._bad_args(expr)
            return Typed(ir.Mentions(target.expr, tuple(w.value for w in words)), BOOL)  # type: ignore[union-attr]
        help = (*did_you_mean(expr.name, FUNCTIONS), _functions_help())
        raise self._fail(error("GAI106", _head_span(expr.span, expr.name), help, name=expr.name))

    def _text_test(self, expr: ast.Call, target: ir.TextOperand) -> Typed:
        """``starts_with(x, "…")``, ``ends_with(x, "…")``, ``matches(x, "regex")`` (field formats, issue 16)."""
        if len(expr.args) != 2 or not isinstance(expr.args[1], ast.String):
            raise self._bad_args(expr)
        value = expr.args[1]
        if expr.name == "matches":
            problem = pattern_problem(value.value)
            if problem is not None:
                raise self._fail(regex_error(value.span, value.value, problem))
        kind = ir.narrow(expr.name, ir.TEXT_TEST_KINDS)
        return Typed(ir.TextTest(kind, target, value.value), BOOL)

    def _bad_args(self, expr: ast.Call) -> Failed:
        expected = {
            "mentions": Text(
                'mentions(文本块或文本单元格, "词", …)（词不能为空）',
                'mentions(text_block_or_text_cell, "word", …) with non-empty words',
            ),
            "empty": Text("empty(文本块或文本单元格)", "empty(text_block_or_text_cell)"),
            "length": Text("length(文本块或文本单元格)", "length(text_block_or_text_cell)"),
            "sum": Text("sum(单元格或分组, …)", "sum(cells or groups, …)"),
            "abs": Text("abs(数值)", "abs(number)"),
            "min": Text("min(数值, 数值, …)（至少两个）", "min(number, number, …) with two or more"),
            "max": Text("max(数值, 数值, …)（至少两个）", "max(number, number, …) with two or more"),
            "round": Text("round(数值, 小数位数[, half_up|half_even])", "round(number, places[, half_up|half_even])"),
            **{name: FUNCTIONS[name] for name in TEXT_TESTS},
        }[expr.name]
        return self._fail(error("GAI207", expr.span, name=expr.name, expected=expected.zh, expected_en=expected.en))

    def _sum(self, expr: ast.Call, scope: Scope) -> Typed:
        if not expr.args:
            raise self._bad_args(expr)
        terms: list[tuple[int, ir.NumExpr]] = []
        unit: str | None = None
        first: Typed | None = None
        failed = False
        for arg in expr.args:
            try:
                if isinstance(arg, ast.Star):
                    parts = [self._cell_typed(c) for c in self._star(scope, arg)]
                elif isinstance(arg, ast.Ref) and self._group_target(arg, scope) is not None:
                    parts = [self._cell_typed(c) for c in self._group_cells(arg, scope)]
                else:
                    parts = [self._want(self._lower(arg, scope), NUM, arg, "sum")]
            except Failed:
                failed = True
                continue
            for part in parts:
                self._refuse_non_additive(part, scope, arg.span)
                self._want(part, NUM, arg if not isinstance(arg, ast.Star) else expr, "sum")
                if first is not None:
                    ok, unit = self._unit_join(first, part)
                    if not ok:
                        raise self._fail(error("GAI201", arg.span, left=first.unit, right=part.unit))
                else:
                    first, unit = part, part.unit
                terms.extend(self._terms(1, part.expr))
        if failed:
            raise Failed()
        return Typed(ir.Sum(tuple(terms)), NUM, unit)

    def _refuse_non_additive(self, part: Typed, scope: Scope, span: Span | None) -> None:
        """Aggregation kinds: ``sum`` over an average or a ratio is GAI361; a broadcast check has no instance at an
        average or ratio position (全年 of an average is not a sum of quarters)."""
        if not isinstance(part.expr, ir.CellRef) or part.expr.cell not in self.cells:
            return
        cell = self.cells[part.expr.cell]
        member = non_additive_member(self.tables[cell.table], cell) if cell.table in self.tables else None
        if member is None:
            return
        if scope.position == member.key and scope.table is not None and scope.table.key == cell.table:
            raise SkipPosition()
        raise self._fail(sum_refusal(member, span))


def _constant_value(expr: ir.Expr) -> Decimal:
    """The value of an expression the lowering marked constant (numbers, and sums and multiples of them)."""
    match expr:
        case ir.Const(value=value):
            return value
        case ir.Scale(factor=factor, arg=arg):
            with localcontext(EXACT):
                return factor * _constant_value(arg)
        case ir.Sum(terms=terms):
            with localcontext(EXACT):
                return sum((sign * _constant_value(term) for sign, term in terms), Decimal(0))
        case ir.CellRef() | ir.FieldRef() | ir.Length() | ir.Arith():  # pragma: no cover - only constants reach here
            raise TypeError(f"not a constant: {expr!r}")
        case _:
            ir.not_a_number(expr)


def _functions_help() -> Text:
    """The help line of GAI106: every function that exists, so a misremembered name is not a dead end."""
    return Text(
        "可用的函数：" + "、".join(t.zh for t in FUNCTIONS.values()),
        "the functions are " + ", ".join(t.en for t in FUNCTIONS.values()),
    )


def _head_span(span: Span | None, text: str) -> Span | None:
    """The first ``len(text)`` characters of ``span`` (a call's name at the start of the call)."""
    if span is None:
        return None
    return Span(
        span.file, span.line, span.column, span.line, span.column + len(text), span.start, span.start + len(text)
    )


def regex_error(span: Span | None, regex: str, problem: tuple[int, str, str]) -> Diagnostic:
    """GAI151 with its caret at the offending character of a quoted pattern (the span of the whole string)."""
    offset, why_zh, why_en = problem
    at = span
    if span is not None and span.line == span.end_line:
        # the quoted text's characters, escapes aside, sit one column after the quote
        width = 1 + _written_width(regex[:offset])
        at = Span(
            span.file, span.line, span.column + width, span.line, span.column + width + 1,
            span.start + width, span.start + width + 1,
        )  # fmt: skip
    return error("GAI151", at, why=why_zh, why_en=why_en)


def _written_width(text: str) -> int:
    """How many characters ``text`` takes inside a quoted string (a backslash and a quote are escaped)."""
    return sum(2 if c in '\\"' else 1 for c in text)
