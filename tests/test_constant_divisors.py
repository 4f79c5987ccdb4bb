"""Division by a constant is exact (issue 16; docs/arithmetic.md#division-by-a-constant). A divisor whose reciprocal
has a finite decimal expansion (2^a·5^b: 2, 4, 0.5, 1.25 …) stays a linear factor; any other (3, 7, 6) lowers to an
exact quotient (``ir.Arith("/", …, Const)``), never to a 28-digit factor. The reference evaluator's verdicts are
those of an independent computation over ``Fraction`` (below); every engine agrees with the reference in
tests/test_arithmetic_engines.py; ``check --analyze`` and ``sample`` still answer."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl import compile_text
from gaidsl.checking.evaluate import evaluate, half_unit
from gaidsl.language import ir
from gaidsl.language.arithmetic import round_fraction
from tests.support import examples, run_cli

DATA = Path(__file__).resolve().parent / "data" / "arithmetic"
SPEC_FILE = DATA / "constant_divisors.gai"
SPEC = gaidsl.load_spec(SPEC_FILE)


def _lowered(expr: str) -> ir.Expr:
    """The IR of ``expr >= 0`` over fields x, y (amounts, 2 decimals) and n (an integer): its left side."""
    text = (
        'format f version 1 "f" {\n  unit 元 "元"\n  field x "x" : amount in 元 decimals 2\n'
        '  field y "y" : amount in 元 decimals 2\n'
        f"  check c: {expr} >= 0\n}}\n"
    )
    compilation = compile_text(text, "f.gai")
    assert compilation.ok and compilation.spec is not None, compilation.diagnostics
    compare = compilation.spec.check("c").instances[0].expr
    assert isinstance(compare, ir.Compare)
    return compare.left


X, Y = ir.FieldRef("x"), ir.FieldRef("y")


def test_a_divisor_whose_reciprocal_ends_stays_a_factor() -> None:
    assert _lowered("x / 4") == ir.Scale(Decimal("0.25"), X)
    assert _lowered("x / 0.5") == ir.Scale(Decimal(2), X)
    assert _lowered("x / 1.25") == ir.Scale(Decimal("0.8"), X)
    far = _lowered(f"x / {2**100}")  # 100 decimal places: more than Decimal's 28 digits, still exact
    assert isinstance(far, ir.Scale) and Fraction(far.factor) == Fraction(1, 2**100)
    assert _lowered("x / 2 / 5") == ir.Scale(Decimal("0.1"), X)


def test_any_other_divisor_is_an_exact_quotient() -> None:
    third = ir.Arith("/", (X, ir.Const(Decimal(3))))
    assert _lowered("x / 3") == third
    assert _lowered("x / (1 + 2)") == third  # a constant expression, computed
    assert _lowered("x / 7 * 100") == ir.Scale(Decimal(100), ir.Arith("/", (X, ir.Const(Decimal(7)))))
    assert _lowered("(x + y) / 6") == ir.Arith("/", (ir.Sum(((1, X), (1, Y))), ir.Const(Decimal(6))))
    assert _lowered("x / 0.3") == ir.Arith("/", (X, ir.Const(Decimal("0.3"))))
    assert _lowered("-x / 3") == ir.Arith("/", (ir.Scale(Decimal(-1), X), ir.Const(Decimal(3))))
    assert _lowered("x * (1 / 3)") == ir.Arith("*", (X, ir.Arith("/", (ir.Const(Decimal(1)), ir.Const(Decimal(3))))))


def test_division_by_zero_written_in_the_spec_is_still_refused() -> None:
    compilation = compile_text('format f version 1 "f" {\n  field n "n" : integer\n  check c: n / (3 - 3) >= 0\n}\n')
    assert not compilation.ok and [d.code for d in compilation.diagnostics] == ["GAI206"]


# ---------------------------------------------------------------------------------------------------- the oracle


def _hu(value: Decimal) -> Fraction:
    return Fraction(half_unit(value))


def oracle(fields: dict[str, Decimal | int | None]) -> dict[str, str]:
    """The verdict of each check of constant_divisors.gai, computed here over Fractions from the spec's text and
    docs/arithmetic.md's tolerance rule (an amount outside arithmetic: half a unit in its last reported place; an
    operand of a quotient: nothing; a factor 1/4: a quarter of its operand's half unit)."""
    a, b, x, y, z, w = (fields.get(k) for k in "abxyzw")
    out: dict[str, str] = {}

    def verdict(name: str, needs: tuple[Any, ...], holds: Any) -> None:
        out[name] = "unverifiable" if any(v is None for v in needs) else ("pass" if holds() else "fail")

    fr = Fraction
    verdict("third", (x, y), lambda: abs(fr(x) / 3 - fr(y)) <= _hu(y))  # type: ignore[arg-type]
    verdict("sevenths", (x, z), lambda: fr(x) / 7 * 100 <= fr(z) + _hu(z))  # type: ignore[arg-type]
    verdict("sixth", (a, b, w), lambda: abs(fr(a + b) / 6 - fr(w)) <= _hu(w))  # type: ignore[arg-type,operator]
    verdict("back", (y,), lambda: fr(y) / 3 * 3 == fr(y))  # type: ignore[arg-type]
    verdict("rounded", (w, a), lambda: round_fraction(fr(w) / 3, 0, "half_up") == a)  # type: ignore[arg-type]
    verdict("quarter", (x, z), lambda: fr(x) / 4 <= fr(z) + _hu(z) + _hu(x) / 4)  # type: ignore[arg-type]
    return out


LARGEST = 10**15 - 1


def _amount(places: int) -> st.SearchStrategy[Decimal | None]:
    top = 10 ** (15 + places) - 1
    units = st.one_of(st.sampled_from([0, 1, 5, 15, 150, 333, 334, top, top - 1]), st.integers(0, top))
    signed = st.builds(lambda u, s: Decimal(s * u).scaleb(-places), units, st.sampled_from([1, -1]))
    return st.one_of(st.none(), signed)


_WHOLE = st.one_of(st.none(), st.sampled_from([0, 1, -1, 2, 3, 5, LARGEST, -LARGEST]), st.integers(-1000, 1000))
FIELDS = st.fixed_dictionaries(
    {"a": _WHOLE, "b": _WHOLE, "x": _amount(2), "y": _amount(2), "z": _amount(3), "w": _amount(2)}
)
EDGES: list[dict[str, Any]] = [
    # 1/3 = 0.333…: 0.33 is within half a cent, 0.34 is not; 1.50 / 3 = 0.5 exactly rounds half up to 1
    {"a": 1, "b": 2, "x": Decimal("1.00"), "y": Decimal("0.33"), "z": Decimal("14.286"), "w": Decimal("1.50")},
    {"a": -1, "b": 0, "x": Decimal("1.00"), "y": Decimal("0.34"), "z": Decimal("14.285"), "w": Decimal("-1.50")},
    # the largest amounts: 18 digits, negative
    {
        "a": LARGEST,
        "b": -LARGEST,
        "x": Decimal("-999999999999999.99"),
        "y": Decimal("-333333333333333.33"),
        "z": Decimal("-999999999999999.999"),
        "w": Decimal("0.00"),
    },
]


def report_data(fields: dict[str, Any]) -> dict[str, Any]:
    return {"format": SPEC.id, "version": SPEC.version, "fields": fields}


@settings(max_examples=examples(0.5))
@given(fields=FIELDS)
@example(fields=EDGES[0])
@example(fields=EDGES[1])
@example(fields=EDGES[2])
def test_the_reference_computes_each_quotient_exactly(fields: dict[str, Any]) -> None:
    report = gaidsl.load_report(SPEC, report_data(fields))
    found = {r.check: r.status for r in evaluate(SPEC, report).results}
    assert found == oracle(fields)


def test_the_edges_decide_as_exact_arithmetic_does() -> None:
    """What the 28-digit factor decided wrongly: 1.50 / 3 rounds to 1, and y / 3 × 3 is y."""
    assert oracle(EDGES[0]) == {
        "third": "pass",
        "sevenths": "pass",  # 100/7 = 14.2857…, within 14.286's half unit
        "sixth": "fail",  # 3 / 6 = 0.5, not 1.50
        "back": "pass",
        "rounded": "pass",
        "quarter": "pass",
    }
    assert oracle(EDGES[1])["third"] == "fail" and oracle(EDGES[1])["rounded"] == "pass"  # −0.5 → −1
    assert oracle(EDGES[1])["sevenths"] == "fail"


# ---------------------------------------------------------------------------------------------------- analysis, samples


def test_analysis_and_samples_answer_on_exact_quotients(tmp_path: Path) -> None:
    analyzed = run_cli("check", str(SPEC_FILE), "--analyze", "--lang", "en")
    assert analyzed.code == 0, analyzed.out + analyzed.err
    said = analyzed.out + analyzed.err
    assert "GAI608" not in said  # the solver answered every query
    assert "back: always holds" in said  # y / 3 × 3 == y exactly: z3 proves it
    sampled = run_cli("sample", str(SPEC_FILE), "--valid", "3", "--invalid", "--seed", "4", "-o", str(tmp_path))
    assert sampled.code == 0, sampled.err
    for path in sorted((tmp_path / "valid").glob("*.json")):
        fields = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)["fields"]
        assert set(oracle({k: _number(k, v) for k, v in fields.items()}).values()) == {"pass"}, path.name
    broken = sorted(p.stem for p in (tmp_path / "invalid").glob("*.json"))
    assert broken == ["quarter", "rounded", "sevenths", "sixth", "third"]  # `back` always holds: no sample breaks it
    for name in broken:
        fields = json.loads((tmp_path / "invalid" / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)[
            "fields"
        ]
        verdicts = oracle({k: _number(k, v) for k, v in fields.items()})
        assert {k for k, v in verdicts.items() if v == "fail"} == {name}, (name, verdicts)


def _number(key: str, value: Any) -> Decimal | int | None:
    """A sample's value as the reader takes it: a whole number for a, b; an amount (0 written as 0) for the others."""
    if value is None or key in "ab":
        return value  # type: ignore[no-any-return]
    return Decimal(str(value))
