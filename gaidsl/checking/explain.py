"""The findings of the reference evaluator in words: one line per check position, in Chinese and English.

``三、收到和处理政府信息公开申请情况 · 列「自然人」: 一 + 二 = 21 + 0 = 21, 但 （七）总计 + 四 = 20 + 0 = 20 (差 1)``:
where (section, table, position), each side's terms by their shortest unambiguous names, their values, the totals and
the difference. Used by :mod:`gaidsl.checking.evaluate` to fill :attr:`CheckResult.message`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Protocol, assert_never

from gaidsl.checking.report import BLANK, UNKNOWN, FieldValue, Value
from gaidsl.checking.results import NO_PREVIOUS, Comparison, Involved, Status
from gaidsl.language import arithmetic, ir
from gaidsl.language.diagnostics import Text
from gaidsl.language.formats import FORMATS


class Values(Protocol):
    """What an explanation reads of the values a check saw (:class:`gaidsl.checking.evaluate.Env`)."""

    def cell(self, ref: ir.CellRef) -> Value | None: ...

    def field(self, ref: ir.FieldRef) -> FieldValue | None: ...

    def number(self, expr: ir.Expr) -> Decimal | Fraction | None: ...

    def string(self, expr: ir.Expr) -> str | None: ...

    @property
    def divided_by_zero(self) -> bool: ...


LISTED = 6  # names listed in an "unverifiable" message before "and N more"

_ORDINAL = re.compile(r"^([一二三四五六七八九十]+)、")
SYMBOL = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}


STAND_IN_SHORT = re.compile("^(\U000f0000o[0-9]+\U000f0000)")
"""The short name a generated validator's stand-in member label starts with in a spec that is not in Chinese
(targets/python/open_parts.stand_in): private-use characters, which no report holds, instead of 「九十九、」."""


def short_label(label: str) -> str:
    """「一、本年新收政府信息公开申请数量」 → 「一」; other labels unchanged."""
    match = _ORDINAL.match(label) or STAND_IN_SHORT.match(label)
    return match.group(1) if match else label


def where_of(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance) -> Text:
    sections = {s.key: s.label for s in spec.sections}
    zh = en = sections.get(check.section or "", "")
    if not zh:
        zh, en = "报告", "report"
    if check.table is not None:
        label = spec.tables[check.table].label
        if label and _ORDINAL.sub("", zh) != label:
            zh, en = f"{zh} · {label}", f"{en} · {label}"
    if instance.position_labels:
        name = instance.position_labels[-1]
        axis_zh, axis_en = ("列", "column") if check.broadcast == "column" else ("行", "row")
        zh, en = f"{zh} · {axis_zh}「{name}」", f"{en} · {axis_en} '{name}'"
    return Text(zh, en)


def name_of(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, kind: str, key: str, previous: bool) -> Text:
    """What a message calls a cell, field or text: as short as the position allows (「一」, 「（七）总计」)."""
    if kind == "field":
        name = spec.fields[key].label
    elif kind == "text":
        name = spec.texts[key].label or key
    else:
        cell = spec.cells[key]
        table = spec.tables[cell.table]
        column = table.columns.by_key[cell.column].label
        row = short_label(cell.row_labels[-1]) if cell.row_labels else None
        if check.broadcast == "column" and cell.column == instance.position and row is not None:
            name = row
        elif (check.broadcast == "row" and cell.row == instance.position) or row is None:
            name = column
        else:
            name = f"{row} · {column}"
        if cell.table != check.table:
            name = f"{table.label or table.key} · {name}"
    return Text(f"上年{name}", f"last year's {name}") if previous else Text(name, name)


def quoted_text(spec: ir.Spec, value: str) -> Text:
    """A quoted text of a check as its findings show it: 「…」 in Chinese and '…' in English, as a text value is
    shown (a spec in English quotes it as English in both slots)."""
    return Text(f"「{value}」" if spec.language == "zh" else f"'{value}'", f"'{value}'")


def _num(value: object) -> Text:
    if value is None:
        return Text("（无上年报告）", "(no previous report)")
    if value is BLANK:
        return Text("空", "blank")
    if value is UNKNOWN:
        return Text("未知", "unknown")
    if isinstance(value, Fraction):
        value = arithmetic.shown(value)
    if isinstance(value, Decimal):
        return Text(f"{value:f}", f"{value:f}")
    return Text(f"「{value}」", f"'{value}'")


def text_test_words(test: ir.TextTest, name: Text) -> tuple[Text, Text]:
    """What a text test says of a text when it holds, and when it does not (field formats, issue 16)."""
    value_zh, value_en = f"「{test.value}」", f"'{test.value}'"
    match test.kind:
        case "starts_with":
            return (
                Text(f"「{name.zh}」以{value_zh}开头", f"'{name.en}' starts with {value_en}"),
                Text(f"「{name.zh}」不以{value_zh}开头", f"'{name.en}' does not start with {value_en}"),
            )
        case "ends_with":
            return (
                Text(f"「{name.zh}」以{value_zh}结尾", f"'{name.en}' ends with {value_en}"),
                Text(f"「{name.zh}」不以{value_zh}结尾", f"'{name.en}' does not end with {value_en}"),
            )
        case "matches":
            pattern_zh = f"「{test.name}」" if test.name else value_zh
            pattern_en = f"'{test.name}'" if test.name else value_en
            return (
                Text(f"「{name.zh}」符合{pattern_zh}", f"'{name.en}' matches {pattern_en}"),
                Text(f"「{name.zh}」不符合{pattern_zh}", f"'{name.en}' does not match {pattern_en}"),
            )
        case "format":
            builtin = FORMATS[test.value]
            return (
                Text(f"「{name.zh}」是{builtin.label_zh}", f"'{name.en}' is {builtin.label_en}"),
                Text(f"「{name.zh}」不是有效的{builtin.label_zh}", f"'{name.en}' is not {builtin.label_en}"),
            )
        case _:
            assert_never(test.kind)


def text_condition_words(condition: ir.TextTest | ir.Mentions | ir.Empty, name: Text) -> tuple[Text, Text]:
    """What a finding says of a text test, ``mentions`` or ``empty`` (the check's whole condition, or its negation)
    when it holds, and when it does not: the words of the reference's findings and of the generated validators'."""
    match condition:
        case ir.TextTest():
            return text_test_words(condition, name)
        case ir.Mentions(words=words):
            words_zh = "、".join(f"「{w}」" for w in words)
            words_en = ", ".join(f"'{w}'" for w in words)
            return (
                Text(f"「{name.zh}」提及 {words_zh} 之一", f"'{name.en}' mentions {words_en}"),
                Text(f"「{name.zh}」未提及 {words_zh}", f"'{name.en}' mentions none of {words_en}"),
            )
        case ir.Empty():
            return (
                Text(f"「{name.zh}」为空", f"'{name.en}' is empty"),
                Text(f"「{name.zh}」不为空", f"'{name.en}' is not empty"),
            )
        case _:
            assert_never(condition)


def _ref_of(
    spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, node: ir.CellRef | ir.FieldRef | ir.TextRef
) -> Text:
    match node:
        case ir.CellRef(cell=key, previous=previous):
            return name_of(spec, check, instance, "cell", key, previous)
        case ir.FieldRef(field=key, previous=previous):
            return name_of(spec, check, instance, "field", key, previous)
        case ir.TextRef(block=key, previous=previous):
            return name_of(spec, check, instance, "text", key, previous)
        case _:
            assert_never(node)


def _terms(
    spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, env: Values, expr: ir.Expr
) -> tuple[list[tuple[int, Text, Text]], bool]:
    """The terms of a side as (sign, name, value); the flag says whether the side is a single reference."""
    match expr:
        case ir.Sum(terms=terms):
            out: list[tuple[int, Text, Text]] = []
            for sign, term in terms:
                if type(term) is ir.CellRef:  # the common term, named and read without the dispatch
                    key, previous = term.cell, term.previous
                    out.append((sign, name_of(spec, check, instance, "cell", key, previous), _num(env.cell(term))))
                    continue
                for inner_sign, name, value in _terms(spec, check, instance, env, term)[0]:
                    out.append((sign * inner_sign, name, value))
            return out, False
        case ir.CellRef() | ir.FieldRef() | ir.TextRef():
            ref = _ref_of(spec, check, instance, expr)
            raw: object = (
                env.cell(expr)
                if isinstance(expr, ir.CellRef)
                else env.field(expr)
                if isinstance(expr, ir.FieldRef)
                else env.string(expr)
            )
            return [(1, ref, _num(raw))], True
        case ir.Scale(factor=factor, arg=arg):
            inner = _terms(spec, check, instance, env, arg)[0]
            shown = f"{factor:f}"
            return [(s, Text(f"{shown} × {n.zh}", f"{shown} × {n.en}"), v) for s, n, v in inner], False
        case ir.Length(arg=ref_node):
            block = _ref_of(spec, check, instance, ref_node)
            return [(1, Text(f"length({block.zh})", f"length({block.en})"), _num(env.number(expr)))], False
        case ir.Arith():
            computed = env.number(expr)
            seen = _num(computed) if computed is not None else Text("未知", "unknown")
            return [(1, arith_name(spec, check, instance, expr), seen)], False
        case ir.Const(value=value):
            text = f"{value:f}"
            return [(1, Text(text, text), Text(text, text))], True
        case ir.TextConst(value=value):
            quoted = quoted_text(spec, value)
            return [(1, quoted, quoted)], True
        case _:  # a side of a comparison is never a condition
            ir.not_a_number(expr)


def arith_name(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, expr: ir.Expr) -> Text:
    """How a term of arithmetic between cells is named in a finding: ``甲 ÷ 乙``, ``round(甲 ÷ 乙 × 100, 2)``."""
    match expr:
        case ir.Arith(op="*" | "/", args=(left, right)):
            symbol = "×" if expr.op == "*" else "÷"
            a, b = arith_name(spec, check, instance, left), arith_name(spec, check, instance, right)
            if expr.op == "/" and (
                isinstance(right, ir.Scale) or (isinstance(right, ir.Arith) and right.op in ("*", "/"))
            ):
                b = Text(f"({b.zh})", f"({b.en})")  # 甲 ÷ (乙 ÷ 3), not 甲 ÷ 乙 ÷ 3
            return Text(f"{a.zh} {symbol} {b.zh}", f"{a.en} {symbol} {b.en}")
        case ir.Arith(op=op, args=args, places=places, rounding=rounding):
            names = [arith_name(spec, check, instance, arg) for arg in args]
            extra = [] if op != "round" else [str(places)] + ([] if rounding == "half_up" else [rounding])
            zh, en = ", ".join([n.zh for n in names] + extra), ", ".join([n.en for n in names] + extra)
            return Text(f"{op}({zh})", f"{op}({en})")
        case ir.CellRef() | ir.FieldRef():
            return _ref_of(spec, check, instance, expr)
        case ir.Const(value=value):
            return Text(f"{value:f}", f"{value:f}")
        case ir.Scale(factor=factor, arg=arg):
            inner = arith_name(spec, check, instance, arg)
            return Text(f"{factor:f} × {inner.zh}", f"{factor:f} × {inner.en}")
        case ir.Sum() | ir.Length():
            terms = [(s, n) for s, n, _ in _terms(spec, check, instance, _NO_VALUES, expr)[0]]
            return Text(f"({_join(terms, 'zh')})", f"({_join(terms, 'en')})")
        case _:
            ir.not_a_number(expr)


class _NoValues:
    """The values of nothing: naming a term needs no value."""

    divided_by_zero = False

    def cell(self, ref: ir.CellRef) -> Value | None:
        return None

    def field(self, ref: ir.FieldRef) -> FieldValue | None:
        return None

    def number(self, expr: ir.Expr) -> Decimal | Fraction | None:
        return None

    def string(self, expr: ir.Expr) -> str | None:
        return None


_NO_VALUES = _NoValues()


def _join(terms: list[tuple[int, Text]], lang: str) -> str:
    out = ""
    for index, (sign, text) in enumerate(terms):
        piece = getattr(text, lang)
        if index == 0:
            out = piece if sign > 0 else f"−{piece}"
        else:
            out += f" + {piece}" if sign > 0 else f" − {piece}"
    return out


def _side(
    spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, env: Values, expr: ir.Expr, total: object
) -> Text:
    """「一 + 二 = 21 + 0 = 21」, 「（七）总计 = 20」 or 「2021」."""
    terms, single = _terms(spec, check, instance, env, expr)
    result = []
    for lang in ("zh", "en"):
        names = _join([(s, n) for s, n, _ in terms], lang)
        values = _join([(s, v) for s, _, v in terms], lang)
        shown_total = getattr(_num(total), lang)
        if names == values:
            result.append(values)
        elif single or values == shown_total:
            result.append(f"{names} = {values}")
        else:
            result.append(f"{names} = {values} = {shown_total}")
    return Text(result[0], result[1])


def explain(
    spec: ir.Spec,
    check: ir.Check,
    instance: ir.CheckInstance,
    status: Status,
    involved: tuple[Involved, ...],
    comparisons: tuple[Comparison, ...],
    env: Values,
) -> Text:
    where = where_of(spec, check, instance)
    if status == "unverifiable":
        return _explain_missing(spec, check, instance, where, involved, env.divided_by_zero)
    expr = instance.expr
    negated = isinstance(expr, ir.Not)
    core = expr.arg if isinstance(expr, ir.Not) else expr
    if isinstance(expr, ir.Compare) and len(comparisons) == 1:
        cmp = comparisons[0]
        left = _side(spec, check, instance, env, expr.left, cmp.left)
        right = _side(spec, check, instance, env, expr.right, cmp.right)
        symbol = SYMBOL[expr.op]
        gap_zh = gap_en = ""
        if cmp.difference is not None and cmp.difference != 0:
            gap = f"{abs(cmp.difference):f}"
            tol_zh = f", 容差 {cmp.tolerance:f}" if cmp.tolerance else ""
            tol_en = f", tolerance {cmp.tolerance:f}" if cmp.tolerance else ""
            gap_zh, gap_en = f" (差 {gap}{tol_zh})", f" (difference {gap}{tol_en})"
        if status == "pass":
            zh = f"{where.zh}: {left.zh}；{right.zh}{gap_zh}；满足「{symbol}」"
            en = f"{where.en}: {left.en}; {right.en}{gap_en}; '{symbol}' holds"
        elif expr.op == "==":
            zh = f"{where.zh}: {left.zh}, 但 {right.zh}{gap_zh}"
            en = f"{where.en}: {left.en}, but {right.en}{gap_en}"
        else:
            zh = f"{where.zh}: {left.zh}, 但应 {symbol} {right.zh}{gap_zh}"
            en = f"{where.en}: {left.en}, but it should be {symbol} {right.en}{gap_en}"
        return Text(zh, en)
    if isinstance(core, ir.TextTest | ir.Mentions | ir.Empty):
        yes, no = text_condition_words(core, _ref_of(spec, check, instance, core.arg))
        words = yes if (status == "pass") != negated else no
        return Text(f"{where.zh}: {words.zh}", f"{where.en}: {words.en}")
    verdict = Text("通过", "holds") if status == "pass" else Text("不满足", "does not hold")
    values = [
        (name_of(spec, check, instance, i.kind, i.key, i.previous), _num(i.value)) for i in involved if i.kind != "text"
    ]
    listing_zh = "，".join(f"{n.zh} = {v.zh}" for n, v in values)
    listing_en = ", ".join(f"{n.en} = {v.en}" for n, v in values)
    return Text(
        f"{where.zh}: {check.message.zh}：{verdict.zh}" + (f"（{listing_zh}）" if listing_zh else ""),
        f"{where.en}: {check.message.en}: {verdict.en}" + (f" ({listing_en})" if listing_en else ""),
    )


def _explain_missing(
    spec: ir.Spec,
    check: ir.Check,
    instance: ir.CheckInstance,
    where: Text,
    involved: tuple[Involved, ...],
    divided_by_zero: bool = False,
) -> Text:
    parts_zh: list[str] = []
    parts_en: list[str] = []
    for reason, zh, en in (("blank", "为空", "blank"), ("unknown", "未知", "unknown")):
        names = [name_of(spec, check, instance, i.kind, i.key, i.previous) for i in involved if i.missing == reason]
        if names:
            shown, rest = (names, 0) if len(names) <= LISTED else (names[: LISTED - 1], len(names) - LISTED + 1)
            more_zh, more_en = (f"等 {len(names)} 项", f" and {rest} more") if rest else ("", "")
            parts_zh.append("、".join(f"「{n.zh}」" for n in shown) + more_zh + zh)
            verb = "is" if len(names) == 1 else "are"
            parts_en.append(", ".join(f"'{n.en}'" for n in shown) + f"{more_en} {verb} {en}")
    if any(i.missing == NO_PREVIOUS for i in involved):
        parts_zh.append("未提供上年报告")
        parts_en.append("no previous report was given")
    if divided_by_zero:  # docs/arithmetic.md: a quotient by zero is unknown, not a failure
        zero_zh, zero_en = arithmetic.arith_unknown_reason()
        parts_zh.append(zero_zh)
        parts_en.append(zero_en)
    if not parts_zh:
        parts_zh, parts_en = ["条件无法判定"], ["the condition cannot be decided"]
    return Text(
        f"{where.zh}: 无法校验：" + "；".join(parts_zh), f"{where.en}: cannot be checked: " + "; ".join(parts_en)
    )
