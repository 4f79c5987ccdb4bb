"""The one definition of arithmetic between cells (``*``, ``/``, ``round``, ``abs``, ``min``, ``max``): exact rational
values, the two rounding rules, and division by zero as *unknown*. The reference evaluator computes with these
functions; every generated validator is tested against them (docs/arithmetic.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text, error

MAX_PLACES = 18
"""``round(x, n)``: ``n`` is a whole number from 0 to this (an amount has at most 18 digits)."""


def round_fraction(value: Fraction, places: int, rounding: ir.Rounding) -> Fraction:
    """``value`` rounded to ``places`` decimals. ``half_up`` is half away from zero (四舍五入: 2.5 → 3, −2.5 → −3),
    ``half_even`` rounds a tie to the even neighbour (2.5 → 2, 3.5 → 4)."""
    scale = 10**places
    scaled = abs(value) * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator and (rounding == "half_up" or whole % 2 == 1)):
        whole += 1
    result = Fraction(whole, scale)
    return -result if value < 0 else result


def apply(
    op: ir.ArithOp, args: Sequence[Fraction], places: int = 0, rounding: ir.Rounding = "half_up"
) -> Fraction | None:
    """The value of one :class:`ir.Arith` node over exact operands; ``None`` (unknown) for a quotient by zero."""
    match op:
        case "*":
            return args[0] * args[1]
        case "/":
            return None if args[1] == 0 else args[0] / args[1]
        case "abs":
            return abs(args[0])
        case "min":
            return min(args)
        case "max":
            return max(args)
        case "round":
            return round_fraction(args[0], places, rounding)


def as_decimal(value: Fraction) -> Decimal | None:
    """``value`` as an exact :class:`Decimal` when it has a finite decimal expansion (denominator 2^a·5^b), else
    ``None``: 1/4 → 0.25, 1/3 → None."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    places = max(twos, fives)
    scaled = value * 10**places
    assert scaled.denominator == 1
    return Decimal(f"{scaled.numerator}E-{places}")  # from text: exact whatever the context's precision


def shown(value: Fraction) -> Decimal:
    """How a computed value is shown in a finding: exact when its decimal expansion ends, else rounded half even to
    the 12th decimal (1/3 → 0.333333333333). Only the display: outcomes use the exact value."""
    exact = as_decimal(value)
    if exact is not None:
        return exact
    return as_decimal(round_fraction(value, 12, "half_even")) or Decimal(0)


REFUSING_TARGETS: tuple[str, ...] = ()
"""The targets whose generated code cannot compute arithmetic between cells yet: ``gaidsl build`` refuses a spec
that has it for them (GAI760). None now: the python and javascript validators (and the HTML form, which embeds the
latter) compute it exactly; the sql target writes no validation view for a dialect whose integers are too small
for a check (GAI761, targets/sql/arithmetic.py)."""

REFUSING_ENGINES: tuple[str, ...] = ()
"""The ``validate --engine`` engines that cannot compute arithmetic between cells yet (GAI760): none now. The SQL
engines and Spark compute it exactly; DuckDB and Spark refuse a check whose values need larger integers than they
have (GAI761), SQLite computes such a check with its big-integer functions (targets/sql/arithmetic.py)."""


def first_arith_check(spec: ir.Spec) -> ir.Check | None:
    """The first check of ``spec`` that computes arithmetic between cells (a derived cell's check included)."""
    for check in spec.checks:
        if any(isinstance(node, ir.Arith) for instance in check.instances for node in ir.walk(instance.expr)):
            return check
    return None


def arith_refusal(spec: ir.Spec, what: Text) -> Diagnostic | None:
    """GAI760 when ``spec`` computes arithmetic between cells and ``what`` (「python 目标」 / "the python target", an
    engine) cannot compute it yet; ``None`` otherwise."""
    check = first_arith_check(spec)
    if check is None:
        return None
    return error("GAI760", check.span, target=what.en, target_zh=what.zh, check=check.key)


def arith_unknown_reason() -> tuple[str, str]:
    """The words a finding adds when a quotient by zero made a check unverifiable."""
    return ("除数为零", "a divisor is zero")
