"""Check expressions as the diff shows them (``a + b = c``), and old ones with their cells renamed as a migration
renames them, so that a renamed cell alone does not make a check's expression look changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gaidsl.language import ir
from gaidsl.migrations.migration import Migration


def rename_cells(expr: ir.Expr, m: Migration) -> ir.Expr:
    """An old expression with each cell the migration copies or renames (one to one, unscaled) under its new key."""

    def cell(ref: ir.CellRef) -> ir.CellRef:
        fate = m.fates.get(("cell", ref.cell))
        if fate is not None and fate.how in ("same", "rename") and len(fate.targets) == 1 and fate.factor == 1:
            return ir.CellRef(fate.targets[0], ref.previous)
        return ref

    mapped: ir.Expr = _map(expr, cell)
    return mapped


def _map(expr: Any, cell: Any) -> Any:  # an IR expression with its cell references replaced
    if isinstance(expr, ir.CellRef):
        return cell(expr)
    if isinstance(expr, ir.Sum):
        return ir.Sum(tuple((s, _map(t, cell)) for s, t in expr.terms))
    if isinstance(expr, ir.Scale):
        return ir.Scale(expr.factor, _map(expr.arg, cell))
    if isinstance(expr, ir.Compare):
        return ir.Compare(expr.op, _map(expr.left, cell), _map(expr.right, cell))
    if isinstance(expr, ir.And | ir.Or):
        return type(expr)(tuple(_map(a, cell) for a in expr.args))
    if isinstance(expr, ir.Not):
        return ir.Not(_map(expr.arg, cell))
    if isinstance(expr, ir.Implies):
        return ir.Implies(_map(expr.condition, cell), _map(expr.then, cell))
    return expr


# ---------------------------------------------------------------------------------------------------- as text


_OPS = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def expr_text(expr: ir.Expr) -> str:
    """A check's expression over cell keys, for people: ``a + b = c``."""
    if isinstance(expr, ir.Const):
        return _number(expr.value)
    if isinstance(expr, ir.TextConst):
        return '"' + expr.value + '"'
    if isinstance(expr, ir.CellRef):
        return ("previous." if expr.previous else "") + expr.cell
    if isinstance(expr, ir.FieldRef):
        return ("previous." if expr.previous else "") + expr.field
    if isinstance(expr, ir.TextRef):
        return ("previous." if expr.previous else "") + expr.block
    if isinstance(expr, ir.Sum):
        out = ""
        for i, (sign, term) in enumerate(expr.terms):
            text = expr_text(term)
            out += (text if sign > 0 else f"-{text}") if i == 0 else (f" + {text}" if sign > 0 else f" - {text}")
        return out or "0"
    if isinstance(expr, ir.Scale):
        return f"{_number(expr.factor)} × ({expr_text(expr.arg)})"
    if isinstance(expr, ir.Length):
        return f"length({expr_text(expr.arg)})"
    if isinstance(expr, ir.Compare):
        return f"{expr_text(expr.left)} {_OPS.get(expr.op, expr.op)} {expr_text(expr.right)}"
    if isinstance(expr, ir.And | ir.Or):
        word = " and " if isinstance(expr, ir.And) else " or "
        return word.join(f"({expr_text(a)})" for a in expr.args)
    if isinstance(expr, ir.Not):
        return f"not ({expr_text(expr.arg)})"
    if isinstance(expr, ir.Implies):
        return f"if {expr_text(expr.condition)} then {expr_text(expr.then)}"
    if isinstance(expr, ir.Mentions):
        return f"mentions({expr_text(expr.arg)}, " + ", ".join(f'"{w}"' for w in expr.words) + ")"
    if isinstance(expr, ir.Empty):
        return f"empty({expr_text(expr.arg)})"
    return repr(expr)


def var_text(ref: ir.CellRef) -> str:
    return ("previous." if ref.previous else "") + ref.cell


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def check_text(check: ir.Check) -> str:
    """A check's first expression, where it applies and how many more: ``a + b = c [2021] (+3)``."""
    first = check.instances[0]
    where = f" [{first.position}]" if first.position is not None else ""
    more = f" (+{len(check.instances) - 1})" if len(check.instances) > 1 else ""
    return expr_text(first.expr) + where + more


__all__ = ["check_text", "expr_text", "rename_cells", "var_text"]
