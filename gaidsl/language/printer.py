"""Expressions back to source text, with the fewest parentheses that keep their meaning.

Used by ``gaidsl fmt`` and for default check messages.
"""

from __future__ import annotations

from gaidsl.language import ast

_PRECEDENCE = {"if": 0, "or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def quote(text: str) -> str:
    """A STRING token for ``text``: double quotes, with ``\\``, ``"`` and newlines escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_OPERATOR = {ast.If: "if", ast.Not: "not", ast.Compare: "compare", ast.Neg: "neg"}
"""The key in ``_PRECEDENCE`` of the expressions whose operator their class names."""


def _level(expr: ast.Expr | ast.Star) -> int:
    if isinstance(expr, ast.Where):
        return 0
    if isinstance(expr, ast.Logic | ast.BinOp):
        return _PRECEDENCE[expr.op]
    operator = _OPERATOR.get(type(expr))
    return 8 if operator is None else _PRECEDENCE[operator]  # 8: an atom


def _wrap(expr: ast.Expr, minimum: int) -> str:
    text = expr_text(expr)
    return f"({text})" if _level(expr) < minimum else text


def expr_text(expr: ast.Expr | ast.Star) -> str:
    if isinstance(expr, ast.Number):
        return expr.text
    if isinstance(expr, ast.String):
        return quote(expr.value)
    if isinstance(expr, ast.Star):
        return "*"
    if isinstance(expr, ast.Ref):
        return expr.text
    if isinstance(expr, ast.Call):
        return f"{expr.name}(" + ", ".join(expr_text(a) for a in expr.args) + ")"
    if isinstance(expr, ast.If):
        return f"if {_wrap(expr.condition, 1)} then {_wrap(expr.then, 1)}"
    if isinstance(expr, ast.Logic):
        level = _PRECEDENCE[expr.op]
        return f" {expr.op} ".join(_wrap(a, level + 1) for a in expr.args)
    if isinstance(expr, ast.Not):
        return f"not {_wrap(expr.arg, 3)}"
    if isinstance(expr, ast.Compare):
        return f"{_wrap(expr.left, 5)} {expr.op} {_wrap(expr.right, 5)}"
    if isinstance(expr, ast.BinOp):
        level = _PRECEDENCE[expr.op]
        return f"{_wrap(expr.left, level)} {expr.op} {_wrap(expr.right, level + 1)}"
    if isinstance(expr, ast.Neg):
        return f"-{_wrap(expr.arg, 7)}"
    if isinstance(expr, ast.Where):
        return f"{expr_text(expr.arg)} where {expr_text(expr.condition)}"
    raise TypeError(f"not an expression: {expr!r}")
