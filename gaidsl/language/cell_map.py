"""An IR expression with its cell references replaced: one walk for every stage that rewrites a check's cells (a
record check closed at a record, an aggregate named by its cell, an old check's cells renamed by a migration), so
that a new IR node is handled in one place (tests/test_ir.py lists it among the walkers that must fail mypy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

import attrs

from gaidsl.language import ir

CellMap = Callable[[ir.CellRef], ir.NumExpr]
"""What a cell reference becomes: another cell reference, or any number (a sum standing for an aggregate). Where a
text is read (``contains``, ``length``) it must stay a reference."""


def map_cells(expr: ir.Expr, cell: CellMap) -> ir.Expr:
    """``expr`` with every cell reference ``ref`` replaced by ``cell(ref)``, wherever it stands."""
    match expr:
        case ir.CellRef():
            return cell(expr)
        case ir.Sum(terms=terms):
            return ir.Sum(tuple((sign, map_number(term, cell)) for sign, term in terms))
        case ir.Scale(factor=factor, arg=arg):
            return ir.Scale(factor, map_number(arg, cell))
        case ir.Arith(args=args):
            return attrs.evolve(expr, args=tuple(map_number(arg, cell) for arg in args))
        case ir.Length(arg=arg):
            return ir.Length(_text(arg, cell))
        case ir.Compare() | ir.And() | ir.Or() | ir.Not() | ir.Implies() | ir.Mentions() | ir.Empty() | ir.TextTest():
            return map_condition(expr, cell)
        case ir.Const() | ir.FieldRef() | ir.TextConst() | ir.TextRef():
            return expr
        case _:
            assert_never(expr)


def map_condition(expr: ir.BoolExpr, cell: CellMap) -> ir.BoolExpr:
    """:func:`map_cells` of a condition (a condition stays a condition)."""
    match expr:
        case ir.Compare(op=op, left=left, right=right):
            return ir.Compare(op, map_cells(left, cell), map_cells(right, cell))
        case ir.And(args=args):
            return ir.And(tuple(map_condition(a, cell) for a in args))
        case ir.Or(args=args):
            return ir.Or(tuple(map_condition(a, cell) for a in args))
        case ir.Not(arg=arg):
            return ir.Not(map_condition(arg, cell))
        case ir.Implies(condition=condition, then=then):
            return ir.Implies(map_condition(condition, cell), map_condition(then, cell))
        case ir.Mentions(arg=arg) | ir.Empty(arg=arg) | ir.TextTest(arg=arg):
            return attrs.evolve(expr, arg=_text(arg, cell))
        case _:
            assert_never(expr)


def map_number(expr: ir.NumExpr, cell: CellMap) -> ir.NumExpr:
    """:func:`map_cells` of a number (a number stays a number)."""
    found = map_cells(expr, cell)
    assert isinstance(found, ir.Const | ir.CellRef | ir.FieldRef | ir.Sum | ir.Scale | ir.Length | ir.Arith)
    return found


def _text(arg: ir.TextOperand, cell: CellMap) -> ir.TextOperand:
    found = cell(arg) if isinstance(arg, ir.CellRef) else arg
    assert isinstance(found, ir.CellRef | ir.FieldRef | ir.TextRef), "a text is read from a reference"
    return found
