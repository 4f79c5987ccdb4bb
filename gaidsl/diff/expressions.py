"""Check expressions as the diff shows them (``a + b = c``), and old ones with their cells renamed as a migration
renames them, so that a renamed cell alone does not make a check's expression look changed."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from gaidsl.language import ir
from gaidsl.language.cell_map import map_cells
from gaidsl.migrations.migration import Migration


def rename_cells(expr: ir.Expr, m: Migration) -> ir.Expr:
    """An old expression with each cell the migration copies or renames (one to one, unscaled) under its new key."""

    def cell(ref: ir.CellRef) -> ir.CellRef:
        fate = m.fates.get(("cell", ref.cell))
        if fate is not None and fate.how in ("same", "rename") and len(fate.targets) == 1 and fate.factor == 1:
            return ir.CellRef(fate.targets[0], ref.previous)
        return ref

    return map_cells(expr, cell)


# ---------------------------------------------------------------------------------------------------- as text


_OPS = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def expr_text(expr: ir.Expr) -> str:
    """A check's expression over cell keys, for people: ``a + b = c``."""
    match expr:
        case ir.Const(value=value):
            return _number(value)
        case ir.TextConst(value=value):
            return '"' + value + '"'
        case ir.CellRef(cell=key, previous=previous) | ir.FieldRef(field=key, previous=previous):
            return ("previous." if previous else "") + key
        case ir.TextRef(block=key, previous=previous):
            return ("previous." if previous else "") + key
        case ir.Sum(terms=terms):
            out = ""
            for i, (sign, term) in enumerate(terms):
                text = expr_text(term)
                out += (text if sign > 0 else f"-{text}") if i == 0 else (f" + {text}" if sign > 0 else f" - {text}")
            return out or "0"
        case ir.Scale(factor=factor, arg=arg):
            return f"{_number(factor)} × ({expr_text(arg)})"
        case ir.Length(arg=ref):
            return f"length({expr_text(ref)})"
        case ir.Arith(op="*" | "/" as op, args=(left, right)):
            return f"({expr_text(left)}) {'×' if op == '*' else '÷'} ({expr_text(right)})"
        case ir.Arith(op=op, args=args, places=places, rounding=rounding):
            extra = "" if op != "round" else f", {places}" + ("" if rounding == "half_up" else f", {rounding}")
            return f"{op}(" + ", ".join(expr_text(a) for a in args) + extra + ")"
        case ir.Compare(op=op, left=left, right=right):
            return f"{expr_text(left)} {_OPS.get(op, op)} {expr_text(right)}"
        case ir.And(args=args):
            return " and ".join(f"({expr_text(a)})" for a in args)
        case ir.Or(args=args):
            return " or ".join(f"({expr_text(a)})" for a in args)
        case ir.Not(arg=arg):
            return f"not ({expr_text(arg)})"
        case ir.Implies(condition=condition, then=then):
            return f"if {expr_text(condition)} then {expr_text(then)}"
        case ir.Mentions(arg=ref, words=words):
            return f"mentions({expr_text(ref)}, " + ", ".join(f'"{w}"' for w in words) + ")"
        case ir.Empty(arg=ref):
            return f"empty({expr_text(ref)})"
        case ir.TextTest(kind=kind, arg=ref, value=value):
            return f'{kind}({expr_text(ref)}, "{value}")'
        case _:
            assert_never(expr)


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
