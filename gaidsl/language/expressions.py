"""Check expressions: names resolved to concrete cells for one broadcast position, types and units checked.

A check ``for each column`` inside a table is lowered once per column; bare names then mean rows of that table,
``other.row`` means the same column of another table (whose columns must be the same), ``row[col]`` pins a column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.source import Span

NUM = "number"
BOOL = "condition"
TEXT = "text"

_KIND_TEXT = {NUM: Text("数值", "a number"), BOOL: Text("条件", "a condition"), TEXT: Text("文本", "text")}


@attrs.frozen
class Typed:
    expr: ir.Expr
    kind: str
    unit: str | None = None
    constant: bool = False


@attrs.frozen
class Scope:
    table: ir.Table | None
    broadcast: str | None
    position: str | None


class _Failed(Exception):
    """An expression could not be lowered; the diagnostic is already recorded."""


class ExpressionLowerer:
    def __init__(
        self,
        tables: Mapping[str, ir.Table],
        texts: Mapping[str, ir.TextBlock],
        fields: Mapping[str, ir.Field],
        cells: Mapping[str, ir.Cell],
        diagnostics: list[Diagnostic],
    ) -> None:
        self.cells = cells
        self.tables = tables
        self.texts = texts
        self.fields = fields
        self.diagnostics = diagnostics

    def condition(self, expr: ast.Expr, scope: Scope) -> ir.BoolExpr | None:
        """Lower a check's expression; ``None`` when it has errors (already reported)."""
        try:
            typed = self._lower(expr, scope)
        except _Failed:
            return None
        if typed.kind != BOOL:
            got = _KIND_TEXT[typed.kind]
            self.diagnostics.append(error("GAI204", expr.span, got=got.zh, got_en=got.en))
            return None
        return typed.expr  # type: ignore[return-value]

    # -------------------------------------------------------------------------------------------- helpers
    def _fail(self, diagnostic: Diagnostic) -> _Failed:
        self.diagnostics.append(diagnostic)
        return _Failed()

    def _want(self, typed: Typed, kind: str, node: ast.Expr, op: str, what: Text | None = None) -> Typed:
        if typed.kind != kind:
            got = _KIND_TEXT[typed.kind]
            if kind == BOOL and what is not None:
                raise self._fail(error("GAI213", node.span, what=what.zh, what_en=what.en, got=got.zh, got_en=got.en))
            raise self._fail(error("GAI203", node.span, op=op, got=got.zh, got_en=got.en))
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
            except _Failed:
                failed = True
        if failed:
            raise _Failed()
        return out

    @staticmethod
    def _scale(factor: Decimal, expr: ir.Expr) -> ir.NumExpr:
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
        if not (left.constant or right.constant):
            raise self._fail(error("GAI205", expr.span))
        if expr.op == "*":
            const, other = (left, right) if left.constant else (right, left)
            assert isinstance(const.expr, ir.Const) or const.constant
            factor = _constant_value(const.expr)
            return Typed(self._scale(factor, other.expr), NUM, other.unit, other.constant)
        if not right.constant:
            raise self._fail(error("GAI205", expr.span))
        divisor = _constant_value(right.expr)
        if divisor == 0:
            raise self._fail(error("GAI206", expr.right.span))
        return Typed(self._scale(Decimal(1) / divisor, left.expr), NUM, left.unit, left.constant)

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
        except _Failed:
            failed, total = True, Typed(ir.Sum(()), NUM)
        for step in reversed(spine):
            try:
                right = self._want(self._lower(step.right, scope), NUM, step.right, step.op)
            except _Failed:
                failed = True
                continue
            if failed:
                continue
            total = self._add(total, step.op, right, step.span)
        if failed:
            raise _Failed()
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
            return Typed(ir.Compare(ir.narrow(expr.op, ir.COMPARE_OPS), left.expr, right.expr), BOOL)
        self._want(left, NUM, expr.left, expr.op)
        self._want(right, NUM, expr.right, expr.op)
        ok, _ = self._unit_join(left, right)
        if not ok:
            raise self._fail(error("GAI202", expr.span, left=left.unit, right=right.unit))
        return Typed(ir.Compare(ir.narrow(expr.op, ir.COMPARE_OPS), left.expr, right.expr), BOOL)

    # -------------------------------------------------------------------------------------------- functions
    def _call(self, expr: ast.Call, scope: Scope) -> Typed:
        if expr.name == "sum":
            return self._sum(expr, scope)
        if expr.name in ("mentions", "empty", "length"):
            if not expr.args or not isinstance(expr.args[0], ast.Ref):
                raise self._bad_args(expr)
            target = self._lower(expr.args[0], scope)
            if not isinstance(target.expr, ir.TextRef):
                raise self._bad_args(expr)
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
        candidates = ("sum", "mentions", "empty", "length")
        raise self._fail(
            error("GAI106", _head_span(expr.span, expr.name), did_you_mean(expr.name, candidates), name=expr.name)
        )

    def _bad_args(self, expr: ast.Call) -> _Failed:
        expected = {
            "mentions": Text(
                'mentions(文本块, "词", …)（词不能为空）', 'mentions(text_block, "word", …) with non-empty words'
            ),
            "empty": Text("empty(文本块)", "empty(text_block)"),
            "length": Text("length(文本块)", "length(text_block)"),
            "sum": Text("sum(单元格或分组, …)", "sum(cells or groups, …)"),
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
            except _Failed:
                failed = True
                continue
            for part in parts:
                self._want(part, NUM, arg if not isinstance(arg, ast.Star) else expr, "sum")
                if first is not None:
                    ok, unit = self._unit_join(first, part)
                    if not ok:
                        raise self._fail(error("GAI201", arg.span, left=first.unit, right=part.unit))
                else:
                    first, unit = part, part.unit
                terms.extend(self._terms(1, part.expr))
        if failed:
            raise _Failed()
        return Typed(ir.Sum(tuple(terms)), NUM, unit)

    # -------------------------------------------------------------------------------------------- references
    def _cell_typed(self, ref: ir.CellRef) -> Typed:
        cell_type = self.cells[ref.cell].type
        if cell_type.numeric:
            return Typed(ref, NUM, cell_type.unit)
        return Typed(ref, TEXT)

    def _free_axis(self, table: ir.Table, scope: Scope) -> ir.Axis | None:
        if scope.broadcast == "column":
            return table.rows
        if scope.broadcast == "row":
            return table.columns
        return table.columns if table.rows is None else None

    def _star(self, scope: Scope, node: ast.Star) -> list[ir.CellRef]:
        table = scope.table
        axis = self._free_axis(table, scope) if table else None
        if table is None or axis is None:
            raise self._fail(
                error(
                    "GAI306",
                    node.span,
                    ref="*",
                    why="「*」只能用在逐行或逐列的表内校验中",
                    why_en="'*' needs a table check 'for each' row or column",
                )
            )
        cells = (self._cell(table, m.key, scope, (), node, False, skip_absent=True) for m in axis.data_members)
        return [c for c in cells if c is not None]

    def _group_target(self, ref: ast.Ref, scope: Scope) -> tuple[ir.Table, ir.Member] | None:
        table: ir.Table | None
        if len(ref.path) == 1:
            table, name = scope.table, ref.path[0]
        elif len(ref.path) == 2 and ref.path[0] in self.tables:
            table, name = self.tables[ref.path[0]], ref.path[1]
        else:
            return None
        if table is None:
            return None
        for axis in (table.rows, table.columns):
            if axis is not None and name in axis.by_key and axis.by_key[name].kind == "group":
                return table, axis.by_key[name]
        return None

    def _group_cells(self, ref: ast.Ref, scope: Scope) -> list[ir.CellRef]:
        target = self._group_target(ref, scope)
        assert target is not None
        table, group = target
        axis = table.rows if table.rows is not None and group.key in table.rows.by_key else table.columns
        leaves = axis.leaves_under(group.key)
        cells = (
            self._cell(table, leaf, scope, ref.selector, ref, ref.previous, allow_group=True, skip_absent=True)
            for leaf in leaves
        )
        return [c for c in cells if c is not None]

    def _ref(self, ref: ast.Ref, scope: Scope) -> Typed:
        name = ref.path[0]
        if name == "previous" and not self._known(name, scope):
            raise self._fail(
                error(
                    "GAI315",
                    ref.span,
                    [Text("例如 previous.requests.carried_out", "for example previous.requests.carried_out")],
                )
            )
        if len(ref.path) == 1 and not ref.selector:
            if name in self.fields:
                field = self.fields[name]
                kind = NUM if field.type.numeric else TEXT
                return Typed(ir.FieldRef(name, ref.previous), kind, field.type.unit if kind == NUM else None)
            if name in self.texts:
                return Typed(ir.TextRef(name, ref.previous), TEXT)
        if len(ref.path) == 1 and scope.table is not None and self._on_table(scope.table, name):
            cell = self._cell(scope.table, name, scope, ref.selector, ref, ref.previous)
            return self._cell_typed(self._present(cell))
        if name in self.tables:
            table = self.tables[name]
            if len(ref.path) == 2:
                member = ref.path[1]
                if scope.broadcast and scope.table is not None and table is not scope.table:
                    self._same_shape(scope.table, table, scope.broadcast, ref)
                return self._cell_typed(
                    self._present(self._cell(table, member, scope, ref.selector, ref, ref.previous))
                )
            if len(ref.path) == 1 and len(ref.selector) == 2:
                row, column = ref.selector
                return self._cell_typed(self._explicit(table, row, column, ref))
            if len(ref.path) == 1 and len(ref.selector) == 1 and table.rows is None:
                return self._cell_typed(self._explicit(table, None, ref.selector[0], ref))
            raise self._fail(
                error(
                    "GAI306",
                    ref.span,
                    ref=ref.text,
                    why="请写出行和列，如 表[行, 列]",
                    why_en="give the row and column, as table[row, column]",
                )
            )
        candidates: list[str] = [*self.fields, *self.texts, *self.tables]
        if scope.table is not None:
            for axis in (scope.table.rows, scope.table.columns):
                if axis is not None:
                    candidates.extend(axis.by_key)
        raise self._fail(
            error("GAI102", _part_span(ref, name), did_you_mean(name, candidates), name=".".join(ref.path))
        )

    def _known(self, name: str, scope: Scope) -> bool:
        if name in self.fields or name in self.texts or name in self.tables:
            return True
        return scope.table is not None and self._on_table(scope.table, name)

    @staticmethod
    def _on_table(table: ir.Table, name: str) -> bool:
        return any(axis is not None and name in axis.by_key for axis in (table.rows, table.columns))

    def _same_shape(self, table: ir.Table, other: ir.Table, broadcast: str, ref: ast.Ref) -> None:
        mine = table.columns if broadcast == "column" else table.rows
        theirs = other.columns if broadcast == "column" else other.rows
        keys = [m.key for m in mine.data_members] if mine else []
        other_keys = [m.key for m in theirs.data_members] if theirs else []
        if keys != other_keys:
            axis = Text("列", "column") if broadcast == "column" else Text("行", "row")
            raise self._fail(error("GAI301", ref.span, axis=axis.zh, axis_en=axis.en, table=table.key, other=other.key))

    def _explicit(self, table: ir.Table, row: str | None, column: str, ref: ast.Ref) -> ir.CellRef:
        return self._present(self._finish(table, row, column, ref, ref.previous))

    def _cell(
        self,
        table: ir.Table,
        name: str,
        scope: Scope,
        selector: tuple[str, ...],
        node: ast.Ref | ast.Star,
        previous: bool,
        allow_group: bool = False,
        skip_absent: bool = False,
    ) -> ir.CellRef | None:
        """The cell for member ``name`` of ``table`` at the scope's position (or the selector's).

        ``None`` for a cell declared absent when ``skip_absent`` (sums over groups leave those out); else GAI303.
        """
        ref_text = node.text if isinstance(node, ast.Ref) else "*"
        if len(selector) > 1:
            raise self._fail(
                error(
                    "GAI306",
                    node.span,
                    ref=ref_text,
                    why="这里只需指定一个成员",
                    why_en="only one member may be selected here",
                )
            )
        if scope.broadcast == "column" or (scope.broadcast is None and table.rows is not None and selector):
            if table.rows is None:
                raise self._fail(error("GAI111", node.span, name=name, table=table.key, axis="行", axis_en="row"))
            column = selector[0] if selector else scope.position
            if column is None:
                raise self._not_single(node, ref_text)
            return self._finish(table, name, column, node, previous, allow_group, skip_absent)
        if scope.broadcast == "row":
            row = selector[0] if selector else scope.position
            return self._finish(table, row, name, node, previous, allow_group, skip_absent)
        if table.rows is None:
            return self._finish(table, None, name, node, previous, allow_group, skip_absent)
        raise self._not_single(node, ref_text)

    def _not_single(self, node: ast.Ref | ast.Star, ref_text: str) -> _Failed:
        return self._fail(
            error(
                "GAI306",
                node.span,
                [Text("用 for each column 逐列校验，或写成 行[列]", "use 'for each column', or write row[column]")],
                ref=ref_text,
                why="缺少列",
                why_en="which column?",
            )
        )

    def _finish(
        self,
        table: ir.Table,
        row: str | None,
        column: str,
        node: ast.Ref | ast.Star,
        previous: bool,
        allow_group: bool = False,
        skip_absent: bool = False,
    ) -> ir.CellRef | None:
        for key, axis, zh, en in ((row, table.rows, "行", "row"), (column, table.columns, "列", "column")):
            if key is None:
                continue
            where = _part_span(node, key)
            if axis is None or key not in axis.by_key:
                help = did_you_mean(key, axis.by_key) if axis is not None else ()
                raise self._fail(error("GAI111", where, help, name=key, table=table.key, axis=zh, axis_en=en))
            if axis.by_key[key].kind == "group" and not allow_group:
                raise self._fail(error("GAI311", where, name=key))
        if (row, column) in table.absent:
            if skip_absent:
                return None
            cell = table.cell_key(row, column)
            raise self._fail(
                error(
                    "GAI303",
                    node.span,
                    [Text("absent 的单元格没有数据，不能出现在校验中", "an absent cell holds no data: leave it out")],
                    cell=cell,
                )
            )
        key = table.cell_key(row, column)
        if key not in self.cells:  # the cell could not be made (its type conflicts): that is reported already
            raise _Failed()
        return ir.CellRef(key, previous)

    @staticmethod
    def _present(cell: ir.CellRef | None) -> ir.CellRef:
        assert cell is not None  # only sums skip absent cells
        return cell


def _constant_value(expr: ir.Expr) -> Decimal:
    """The value of an expression the lowering marked constant (numbers, and sums and multiples of them)."""
    match expr:
        case ir.Const(value=value):
            return value
        case ir.Scale(factor=factor, arg=arg):
            return factor * _constant_value(arg)
        case ir.Sum(terms=terms):
            return sum((sign * _constant_value(term) for sign, term in terms), Decimal(0))
        case ir.CellRef() | ir.FieldRef() | ir.Length():  # pragma: no cover - only constants reach here
            raise TypeError(f"not a constant: {expr!r}")
        case _:
            ir.not_a_number(expr)


def _head_span(span: Span | None, text: str) -> Span | None:
    """The first ``len(text)`` characters of ``span`` (a call's name at the start of the call)."""
    if span is None:
        return None
    return Span(
        span.file, span.line, span.column, span.line, span.column + len(text), span.start, span.start + len(text)
    )


_PREVIOUS = "previous."


def _part_span(node: ast.Ref | ast.Star, part: str) -> Span | None:
    """Where ``part`` (a name or a selector's member) is written inside a reference, else the whole reference.

    Exact when the reference is written without spaces (its span is as long as its text), as references are.
    """
    span = node.span
    if not isinstance(node, ast.Ref) or span is None:
        return span
    text = node.text
    if span.line != span.end_line or span.end - span.start != len(text):
        return span
    skip = len(_PREVIOUS) if node.previous else 0
    match = re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text[skip:])
    if match is None:
        return span
    offset = skip + match.start()
    return Span(
        span.file,
        span.line,
        span.column + offset,
        span.line,
        span.column + offset + len(part),
        span.start + offset,
        span.start + offset + len(part),
    )
