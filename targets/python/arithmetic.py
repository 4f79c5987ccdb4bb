"""Arithmetic between cells in the generated validators (docs/arithmetic.md): what the Python and JavaScript targets
share, and the Python rendering.

A number tree with an ``arith`` node inside (:class:`gaidsl.targets.python.plan.Num`) is computed exactly as a
rational, as :mod:`gaidsl.language.arithmetic` computes it for the reference evaluator: every leaf (a cell, a field, a
constant, a length) is read as a rational or *none* (blank, unknown, absent); a sum, a product, ``round`` … of which
an operand is none is none; a quotient by zero is none and marks the position (``z``) so that its unverifiable finding
says 「除数为零」. Every operand is evaluated before its operation, as the evaluator evaluates them all, so the mark is
set exactly when the evaluator sets it. A comparison with such a side compares the exact difference with the
tolerance (a Decimal, by the reported-precision rule; arithmetic contributes nothing), and its record shows each side
and the difference as :func:`gaidsl.language.arithmetic.shown` does.

In Python the rationals are :class:`fractions.Fraction`; the helpers are emitted only into modules of specs that
compute arithmetic, so every other module is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from gaidsl.language import ir
from gaidsl.language.arithmetic import MAX_PLACES
from gaidsl.targets.python.plan import Comparison, Num, Position


def has_arith(tree: Num | None) -> bool:
    """``tree`` computes arithmetic between cells (so it is computed as a rational)."""
    if tree is None:
        return False
    if tree.op == "arith":
        return True
    if tree.op in ("sum", "sum2"):
        return any(has_arith(term) for _, term in tree.terms)
    if tree.op == "scale":
        return has_arith(tree.arg)
    return False


def comparison_has_arith(cmp: Comparison | None) -> bool:
    return cmp is not None and not cmp.text and (has_arith(cmp.left_num) or has_arith(cmp.right_num))


def position_has_arith(pos: Position) -> bool:
    return any(comparison_has_arith(cmp) for cmp in pos.comparisons)


def spec_has_arith(spec: ir.Spec) -> bool:
    return any(isinstance(n, ir.Arith) for c in spec.checks for i in c.instances for n in ir.walk(i.expr))


def python_code(tree: Num, var: Callable[[int], str], const: Callable[[Num], str]) -> str:
    """A Python expression of the exact value of ``tree`` (a Fraction, or None): ``var(i)`` reads ref ``i``,
    ``const(node)`` names a Decimal constant."""
    op = tree.op
    if op == "const":
        return f"_Q({const(tree)})"
    if op == "var":
        return f"_q({var(tree.index)})"
    if op == "len":
        return f"(None if c{tree.index} is None else _Q(len(c{tree.index})))"
    if op == "sum":
        parts = [f"{sign}, {python_code(term, var, const)}" for sign, term in tree.terms]
        return f"_qsum({', '.join(parts)})"
    if op == "scale":
        assert tree.arg is not None
        return f"_qscale({const(tree)}, {python_code(tree.arg, var, const)})"
    if op == "arith":
        args = [python_code(arg, var, const) for arg in tree.args]
        if tree.arith == "/":
            return f"_div({args[0]}, {args[1]}, z)"
        if tree.arith == "*":
            return f"_mul({args[0]}, {args[1]})"
        if tree.arith == "round":
            assert 0 <= tree.places <= MAX_PLACES
            return f"_round({args[0]}, {tree.places}, {tree.rounding == 'half_even'})"
        return f"_{tree.arith}({', '.join(args)})"  # abs, min, max
    raise TypeError(op)


_HELPERS = '''\
# ---------------------------------------------------------------------------------------------------- arithmetic
# Arithmetic between cells (docs/arithmetic.md): exact rationals (Fraction), never floats; None for a value that is
# blank, unknown or absent, and for a quotient by zero, which also marks the position (z) so that its finding says
# that a divisor is zero. round() rounds half up (a tie away from zero) or half even, as the spec states.
from fractions import Fraction as _Q  # noqa: E402


def _q(x):
    c = x.__class__
    if c is int or c is D:
        return _Q(x)
    return x if c is _Q else None


def _qsum(*terms):
    values = terms[1::2]
    if any(x is None for x in values):
        return None
    return sum((s * x for s, x in zip(terms[::2], values)), _Q(0))


def _qscale(factor, x):
    return None if x is None else _Q(factor) * x


def _div(a, b, z):
    if a is None or b is None:
        return None
    if b == 0:
        z.append(True)
        return None
    return a / b


def _mul(a, b):
    return None if a is None or b is None else a * b


def _abs(a):
    return None if a is None else abs(a)


def _min(*args):
    return None if any(a is None for a in args) else min(args)


def _max(*args):
    return None if any(a is None for a in args) else max(args)


def _round(x, places, even):
    if x is None:
        return None
    scale = 10**places
    scaled = abs(x) * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator and (not even or whole % 2 == 1)):
        whole += 1
    result = _Q(whole, scale)
    return -result if x < 0 else result


def _sub(a, b):
    return _Q(a) - _Q(b)


def _exact(x):
    """x as a Decimal when its decimal expansion ends, else None."""
    d = x.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return None
    places = max(twos, fives)
    return D(f"{(x * 10**places).numerator}E-{places}")


def _qshown(x):
    """A computed value as findings show it: exact when its expansion ends, else half even to 12 places."""
    if x.__class__ is not _Q:
        return x
    exact = _exact(x)
    return exact if exact is not None else (_exact(_round(x, 12, True)) or D(0))


def _qt(x):
    return _t(_qshown(x))


'''

_UNVERIFIABLE_ZH = """\
def _unverifiable_q(meta, xs, z):
    zh, en = _unverifiable(meta, xs)
    if not z:
        return zh, en
    cut_zh, cut_en = "条件无法判定", "the condition cannot be decided"
    if zh.endswith(cut_zh) and en.endswith(cut_en):
        return zh[: -len(cut_zh)] + "除数为零", en[: -len(cut_en)] + "a divisor is zero"
    return zh + "；除数为零", en + "; a divisor is zero"


"""

_UNVERIFIABLE_EN = """\
def _unverifiable_q(meta, xs, z):
    en = _unverifiable(meta, xs)[0]
    if z:
        cut = "the condition cannot be decided"
        en = en[: -len(cut)] + "a divisor is zero" if en.endswith(cut) else en + "; a divisor is zero"
    return en, en


"""


def python_helpers(spec: ir.Spec) -> list[str]:
    """The helper lines of a module whose spec computes arithmetic between cells (none otherwise); a spec in another
    language than Chinese has its findings in English in both slots (docs/languages.md)."""
    if not spec_has_arith(spec):
        return []
    return (_HELPERS + (_UNVERIFIABLE_ZH if spec.language == "zh" else _UNVERIFIABLE_EN)).splitlines()
