"""Lists of records (docs/records.md): ``records KEY "label" { field …  at least N  check … }`` lowered to
:class:`ir.RecordList`, and the parts of check expressions that read records: a record's own fields in a ``for each
record`` check (cells ``KEY.<#>.FIELD``), and the aggregates ``sum``, ``count``, ``min``, ``max`` and ``exists`` over
a list, each with an optional ``where`` (:class:`ir.RecordAggregate`, a placeholder cell ``<sum#1>`` in the check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.expressions import ExpressionLowerer, choice_refusal
from gaidsl.language.printer import expr_text
from gaidsl.language.references import BOOL, NUM, Scope, Typed

AGGREGATES = ("sum", "count", "min", "max", "exists")
_KIND_WORDS = {
    "text": Text("文本", "text"),
    "date": Text("日期", "date"),
    "choice": Text("选项", "choice"),
    "member": Text("成员", "member"),
}


def build_records(
    node: ast.Records,
    section: str,
    dimensions: Mapping[str, ir.Axis],
    type_of: Callable[[ast.TypeExpr], ir.CellType | None],
    diagnostics: list[Diagnostic],
) -> ir.RecordList | None:
    """The list of records of ``node``, or None when a field's type has errors (reported)."""
    fields: list[ir.RecordField] = []
    seen: set[str] = set()
    ok = True
    for field in node.fields:
        if field.key in seen:
            diagnostics.append(error("GAI160", field.span, name=field.key, records=node.key))
            ok = False
            continue
        seen.add(field.key)
        if field.member_of is not None:
            if field.member_of not in dimensions:
                help = did_you_mean(field.member_of, dimensions)
                diagnostics.append(
                    error("GAI161", field.member_of_span, help, name=field.key, dimension=field.member_of)
                )
                ok = False
                continue
            fields.append(ir.RecordField(field.key, field.label, ir.CellType("text"), field.member_of, field.span))
            continue
        assert field.type is not None
        cell_type = type_of(field.type)
        if cell_type is None:
            ok = False
            continue
        fields.append(ir.RecordField(field.key, field.label, cell_type, None, field.span))
    if not node.fields:
        example = Text('例如 field description "说明" : text', 'for example field description "Description" : text')
        diagnostics.append(error("GAI376", node.span, [example], records=node.key))
        ok = False
    bounds: dict[str, int] = {}
    for rule in node.rules:
        if rule.kind in bounds:
            words = "at least" if rule.kind == "at_least" else "at most"
            diagnostics.append(error("GAI374", rule.span, records=node.key, rule=words))
            continue
        bounds[rule.kind] = rule.value
    at_least, at_most = bounds.get("at_least", 0), bounds.get("at_most")
    if at_most is not None and at_least > at_most:
        hint = Text("至少的条数不能大于至多的条数", "at least must not exceed at most")
        diagnostics.append(error("GAI370", node.span, [hint], records=node.key, at_least=at_least, at_most=at_most))
        ok = False
    if not ok:
        return None
    translations = {t.lang: t.text for t in node.translations}
    return ir.RecordList(node.key, node.label, section, tuple(fields), at_least, at_most, node.span, translations)


def record_cells(records: ir.RecordList) -> dict[str, ir.Cell]:
    """The pattern cells ``KEY.<#>.FIELD`` of a list, by key."""
    return {c.key: c for c in (records.pattern_cell(f) for f in records.fields)}


class RecordLowerer(ExpressionLowerer):
    """The expression lowering, knowing lists of records: ``current`` is the list of the ``for each record`` check
    being lowered (its fields are then bare names); ``aggregates`` collects every aggregate met, by placeholder key,
    and ``extra_cells`` (which the lowering's cells read through) their placeholder cells."""

    def __init__(
        self,
        tables: Mapping[str, ir.Table],
        texts: Mapping[str, ir.TextBlock],
        fields: Mapping[str, ir.Field],
        cells: Mapping[str, ir.Cell],
        diagnostics: list[Diagnostic],
        records: Mapping[str, ir.RecordList],
        dimensions: Mapping[str, ir.Axis],
        extra_cells: dict[str, ir.Cell],
    ) -> None:
        super().__init__(tables, texts, fields, cells, diagnostics)
        self.records = records
        self.dimensions = dimensions
        self.extra_cells = extra_cells
        self.aggregates: dict[str, ir.RecordAggregate] = {}
        self.current: ir.RecordList | None = None

    def _lower(self, expr: ast.Expr, scope: Scope) -> Typed:
        if isinstance(expr, ast.Where):
            help = Text("例如 sum(列表.字段 where 字段 == row)", "for example sum(list.field where field == row)")
            raise self._fail(error("GAI375", expr.span, [help]))
        return super()._lower(expr, scope)

    def _ref(self, ref: ast.Ref, scope: Scope) -> Typed:
        current = self.current
        if current is not None and len(ref.path) == 1 and not ref.selector and not ref.previous:
            field = current.field(ref.path[0])
            if field is not None:
                return self._cell_typed(ir.CellRef(current.cell_key(ir.RECORD_SLOT, field.key)))
        return super()._ref(ref, scope)

    def _compare(self, expr: ast.Compare, scope: Scope) -> Typed:
        """In a ``for each record`` check, a member field compared with a member by its name (``fund == budget``,
        as in a ``where``) or with a quoted key: the member checked as a ``where`` checks it (one the dimension
        lacks is GAI164, a total row GAI166), not compared to nothing forever. A choice field's text is checked by
        the comparison of any two texts (GAI377)."""
        if expr.op in ("==", "!=") and self.current is not None:
            for field_side, value_side in ((expr.left, expr.right), (expr.right, expr.left)):
                field = self._own_field(field_side)
                if field is None or field.dimension is None:
                    continue
                if isinstance(value_side, ast.Ref):
                    names = {m.key for m in self.dimensions[field.dimension].members}
                    if value_side.selector or value_side.previous or value_side.path[0] not in names:
                        continue  # another name (a field, a cell): compared as texts below
                elif not isinstance(value_side, ast.String):
                    continue
                value = self._value(field, value_side, scope)
                assert value is not None  # row and column are Refs no dimension has as members
                cell = self._cell_typed(ir.CellRef(self.current.cell_key(ir.RECORD_SLOT, field.key))).expr
                sides = (cell, ir.TextConst(value)) if field_side is expr.left else (ir.TextConst(value), cell)
                return Typed(ir.Compare(ir.narrow(expr.op, ir.COMPARE_OPS), *sides), BOOL)
        return super()._compare(expr, scope)

    def _own_field(self, expr: ast.Expr) -> ir.RecordField | None:
        """The field of the current record a bare name reads, if it is one."""
        if self.current is None or not isinstance(expr, ast.Ref):
            return None
        if len(expr.path) != 1 or expr.selector or expr.previous:
            return None
        return self.current.field(expr.path[0])

    def _call(self, expr: ast.Call, scope: Scope) -> Typed:
        if expr.name in AGGREGATES and len(expr.args) == 1:
            arg = expr.args[0]
            over = arg.arg if isinstance(arg, ast.Where) else arg
            listed = isinstance(over, ast.Ref) and over.path[0] in self.records
            if listed or isinstance(arg, ast.Where) or expr.name in ("count", "exists"):
                return self._aggregate(expr, scope)
        if expr.name in ("count", "exists"):
            expected = Text(f"{expr.name}(记录列表 where 条件)", f"{expr.name}(list of records where condition)")
            raise self._fail(error("GAI207", expr.span, name=expr.name, expected=expected.zh, expected_en=expected.en))
        return super()._call(expr, scope)

    # -------------------------------------------------------------------------------------------- aggregates
    def _aggregate(self, expr: ast.Call, scope: Scope) -> Typed:
        arg = expr.args[0]
        condition = arg.condition if isinstance(arg, ast.Where) else None
        over = arg.arg if isinstance(arg, ast.Where) else arg
        if not isinstance(over, ast.Ref) or over.selector or over.previous or over.path[0] not in self.records:
            name = over.text if isinstance(over, ast.Ref) else expr_text(over)
            help = did_you_mean(name.split(".")[0], self.records)
            raise self._fail(error("GAI163", over.span, help, name=name, function=expr.name))
        records = self.records[over.path[0]]
        field: ir.RecordField | None = None
        if expr.name in ("count", "exists"):
            if len(over.path) != 1:
                expected = Text(f"{expr.name}({records.key} where 条件)", f"{expr.name}({records.key} where condition)")
                raise self._fail(
                    error("GAI207", expr.span, name=expr.name, expected=expected.zh, expected_en=expected.en)
                )
        else:
            if len(over.path) != 2:
                expected = Text(f"{expr.name}({records.key}.字段 where 条件)", f"{expr.name}({records.key}.field)")
                raise self._fail(
                    error("GAI207", expr.span, name=expr.name, expected=expected.zh, expected_en=expected.en)
                )
            field = self._field(records, over.path[1], over.span)
            if field.dimension is not None or not field.type.numeric:
                kind = _KIND_WORDS["member" if field.dimension is not None else field.type.kind]
                hint = Text(
                    f"数记录条数用 count({records.key} where …)；汇总须是 count、integer 或 amount 字段",
                    f"count records with count({records.key} where …); sum, min and max read a count, integer or "
                    "amount field",
                )
                raise self._fail(
                    error(
                        "GAI371",
                        over.span,
                        [hint],
                        function=expr.name,
                        records=records.key,
                        name=field.key,
                        kind=kind.zh,
                        kind_en=kind.en,
                    )
                )
        where = self._where(condition, records, scope) if condition is not None else ()
        op = ir.narrow("count" if expr.name == "exists" else expr.name, ir.AGGREGATE_OPS)
        text = f"{op}({expr_text(arg)})"
        made = ir.RecordAggregate("", op, records.key, field.key if field else None, where, text)
        key = next((k for k, a in self.aggregates.items() if a == ir.RecordAggregate(k, *_parts(made))), None)
        if key is None:
            key = f"<{op}#{len(self.aggregates) + 1}>"
            self.aggregates[key] = ir.RecordAggregate(key, *_parts(made))
        cell_type = field.type if field is not None else ir.CellType("count", ir.DEFAULT_UNIT)
        self.extra_cells[key] = self.aggregates[key].cell(cell_type)
        ref = ir.CellRef(key)
        if expr.name == "exists":
            return Typed(ir.Compare(">", ref, ir.Const(Decimal(0))), BOOL)
        return Typed(ref, NUM, cell_type.unit)

    def _field(self, records: ir.RecordList, name: str, span: object) -> ir.RecordField:
        field = records.field(name)
        if field is None:
            help = did_you_mean(name, [f.key for f in records.fields])
            raise self._fail(error("GAI162", span, help, records=records.key, name=name))  # type: ignore[arg-type]
        return field

    def _where(self, condition: ast.Expr, records: ir.RecordList, scope: Scope) -> tuple[ir.FilterTerm, ...]:
        if isinstance(condition, ast.Logic) and condition.op == "and":
            return tuple(t for part in condition.args for t in self._where(part, records, scope))
        if not isinstance(condition, ast.Compare):
            why = Text("不能用 or、not、if 或单独的值", "or, not, if and a lone value are not filters")
            help = Text(
                "用 and 连接多个比较；“或”可写成两个 sum 相加", "join comparisons with and; for 'or', add two sums"
            )
            raise self._fail(error("GAI373", condition.span, [help], why=why.zh, why_en=why.en))
        left, right = condition.left, condition.right
        if not (isinstance(left, ast.Ref) and len(left.path) == 1 and not left.selector):
            why = Text("比较的左边须是记录的字段", "the left side of a comparison is a field of the record")
            raise self._fail(error("GAI373", left.span, why=why.zh, why_en=why.en))
        field = self._field(records, left.path[0], left.span)
        op = ir.narrow(condition.op, ir.COMPARE_OPS)
        if field.type.numeric:
            if not isinstance(right, ast.Number):
                why = Text(
                    f"数值字段「{field.key}」须与数字比较", f"number field '{field.key}' is compared with a number"
                )
                raise self._fail(error("GAI373", right.span, why=why.zh, why_en=why.en))
            return (ir.FilterTerm(field.key, op, Decimal(right.text)),)
        if op not in ("==", "!="):
            why = Text(f"字段「{field.key}」只能用 == 或 != 比较", f"field '{field.key}' is compared with == or !=")
            raise self._fail(error("GAI373", condition.span, why=why.zh, why_en=why.en))
        return (ir.FilterTerm(field.key, op, self._value(field, right, scope)),)

    def _value(self, field: ir.RecordField, right: ast.Expr, scope: Scope) -> str | None:
        """The value a field is compared with: a member key, a text, or None for the check's position."""
        if isinstance(right, ast.Ref) and len(right.path) == 1 and right.path[0] in ("row", "column"):
            word = right.path[0]
            axis = scope.table.axis(word) if scope.table is not None else None
            if scope.broadcast != word or axis is None or field.dimension is None or axis.key != field.dimension:
                dimension = field.dimension or "?"
                axis_zh, axis_en = ("行", "rows") if word == "row" else ("列", "columns")
                help = Text(
                    f"在行为该维度的表中写 check … for each {word}: …，或与某个成员比较",
                    f"write the check 'for each {word}' in a table whose {axis_en} are that dimension, or compare "
                    "with a member",
                )
                raise self._fail(
                    error("GAI165", right.span, [help], word=word, axis=axis_zh, axis_en=axis_en, dimension=dimension)
                )
            return None
        if field.dimension is not None and isinstance(right, ast.Ref | ast.String):
            name = right.path[0] if isinstance(right, ast.Ref) else right.value
            axis = self.dimensions[field.dimension]
            # the members a record may name: leaves (a total or a group is no record's member)
            fixed = [m.key for m in axis.members if m.kind == "leaf" and (axis.open is None or m.key != axis.open.slot)]
            if (isinstance(right, ast.Ref) and len(right.path) != 1) or (
                name not in fixed and (axis.open is None or isinstance(right, ast.Ref))
            ):
                summed = axis.by_key.get(name)
                if summed is not None and summed.kind != "leaf":  # a total or group: no record names one
                    help = Text(
                        "记录只填其下的成员：不写这个条件即汇总全部记录",
                        "records name the members under it: leave the condition out to take every record",
                    )
                    raise self._fail(
                        error("GAI166", right.span, [help], value=name, dimension=field.dimension, name=field.key)
                    )
                raise self._fail(
                    error(
                        "GAI164",
                        right.span,
                        did_you_mean(name, fixed),
                        value=name,
                        dimension=field.dimension,
                        name=field.key,
                    )
                )
            return name
        if isinstance(right, ast.String):
            if field.type.kind == "choice" and right.value not in field.type.choices:
                raise self._fail(choice_refusal(right.value, field.key, field.type.choices, right.span))
            return right.value
        why = Text("右边须是文本、成员或 row/column", "the right side is a text, a member, or row/column")
        raise self._fail(error("GAI373", right.span, why=why.zh, why_en=why.en))


def _parts(
    made: ir.RecordAggregate,
) -> tuple[ir.AggregateOp, str, str | None, tuple[ir.FilterTerm, ...], str]:
    return (made.op, made.records, made.field, made.where, made.text)


def reads_records(check: ir.Check, extra_cells: Mapping[str, ir.Cell]) -> bool:
    """Whether a lowered check reads a record's cell or an aggregate (it is then a record check)."""
    return any(ref.cell in extra_cells for instance in check.instances for ref in instance.cells)
