"""Arithmetic between cells in the generated JavaScript validator (docs/arithmetic.md): exact rationals over BigInt
(a numerator and a positive denominator, always reduced), never a float, with the semantics of
:mod:`gaidsl.language.arithmetic` and the shape of :mod:`gaidsl.targets.python.arithmetic` (read that module first:
every operand evaluated, none for a missing value or a quotient by zero, the mark ``z`` for the latter).

The helpers are emitted only into modules of specs that compute arithmetic, so every other module is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from gaidsl.language import ir
from gaidsl.targets.python import plan as P
from gaidsl.targets.python.plan import Num


def js_code(tree: Num, var: Callable[[int], str], const: Callable[[Num], str]) -> str:
    """A JavaScript expression of the exact value of ``tree`` (a ``Q``, or null): ``var(i)`` reads ref ``i``,
    ``const(node)`` names a Decimal constant."""
    op = tree.op
    if op == "const":
        return f"Q.of({const(tree)})"
    if op == "var":
        return f"q({var(tree.index)})"
    if op == "len":
        return f"(c{tree.index} === null ? null : new Q(BigInt(codePoints(c{tree.index})), 1n))"
    if op == "sum":
        parts = [f"{sign}n, {js_code(term, var, const)}" for sign, term in tree.terms]
        return f"qsum({', '.join(parts)})"
    if op == "scale":
        assert tree.arg is not None
        return f"qscale({const(tree)}, {js_code(tree.arg, var, const)})"
    if op == "arith":
        args = [js_code(arg, var, const) for arg in tree.args]
        if tree.arith == "/":
            return f"qdiv({args[0]}, {args[1]}, z)"
        if tree.arith == "*":
            return f"qmul({args[0]}, {args[1]})"
        if tree.arith == "round":
            return f"qround({args[0]}, {tree.places}, {'true' if tree.rounding == 'half_even' else 'false'})"
        return f"q{tree.arith}({', '.join(args)})"  # qabs, qmin, qmax
    raise TypeError(op)


_HELPERS = """\
// ---------------------------------------------------------------------------------------------- arithmetic
// Arithmetic between cells (docs/arithmetic.md): exact rationals over BigInt (numerator n, denominator d > 0, in
// lowest terms), never floats; null for a value that is blank, unknown or absent, and for a quotient by zero, which
// also marks the position (z) so that its finding says that a divisor is zero. qround() rounds half up (a tie away
// from zero) or half even, as the spec states.

function gcd(a, b) {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

class Q {
  constructor(n, d) {
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }

  static of(x) {
    const n = x.sign ? -x.coefficient : x.coefficient;
    return x.exponent >= 0 ? new Q(n * pow10(x.exponent), 1n) : new Q(n, pow10(-x.exponent));
  }

  add(o) {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }

  sub(o) {
    return new Q(this.n * o.d - o.n * this.d, this.d * o.d);
  }

  mul(o) {
    return new Q(this.n * o.n, this.d * o.d);
  }

  neg() {
    return new Q(-this.n, this.d);
  }

  abs() {
    return this.n < 0n ? new Q(-this.n, this.d) : this;
  }

  cmp(o) {
    const a = this.n * o.d;
    const b = o.n * this.d;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isZero() {
    return this.n === 0n;
  }
}

const Q0 = new Q(0n, 1n);

function q(x) {
  return x instanceof Decimal ? Q.of(x) : x instanceof Q ? x : null;
}

function qsum(...terms) {
  let total = Q0;
  for (let i = 1; i < terms.length; i += 2) if (terms[i] === null) return null;
  for (let i = 0; i < terms.length; i += 2) total = terms[i] > 0n ? total.add(terms[i + 1]) : total.sub(terms[i + 1]);
  return total;
}

function qscale(factor, x) {
  return x === null ? null : Q.of(factor).mul(x);
}

function qdiv(a, b, z) {
  if (a === null || b === null) return null;
  if (b.isZero()) {
    z.push(true);
    return null;
  }
  return new Q(a.n * b.d, a.d * b.n);
}

function qmul(a, b) {
  return a === null || b === null ? null : a.mul(b);
}

function qabs(a) {
  return a === null ? null : a.abs();
}

function qmin(...args) {
  if (args.some((a) => a === null)) return null;
  return args.reduce((m, a) => (a.cmp(m) < 0 ? a : m));
}

function qmax(...args) {
  if (args.some((a) => a === null)) return null;
  return args.reduce((m, a) => (a.cmp(m) > 0 ? a : m));
}

function qround(x, places, even) {
  if (x === null) return null;
  const scale = pow10(places);
  const top = (x.n < 0n ? -x.n : x.n) * scale;
  let whole = top / x.d;
  const twice = 2n * (top % x.d);
  if (twice > x.d || (twice === x.d && (!even || whole % 2n === 1n))) whole += 1n;
  return new Q(x.n < 0n ? -whole : whole, scale);
}

function qsub(a, b) {
  return q(a).sub(q(b));
}

/** x as a Decimal when its decimal expansion ends, else null. */
function qexact(x) {
  let d = x.d;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) return null;
  const places = Math.max(twos, fives);
  const n = (x.n * pow10(places)) / x.d;
  return new Decimal(n < 0n ? 1 : 0, n < 0n ? -n : n, -places);
}

/** A computed value as findings show it: exact when its expansion ends, else half even to 12 places. */
function qshown(x) {
  if (!(x instanceof Q)) return x;
  return qexact(x) ?? qexact(qround(x, 12, true)) ?? D0;
}

function qt(x) {
  return qshown(x).toString();
}

"""

_UNVERIFIABLE_ZH = """\
function unverifiableQ(meta, xs, z) {
  const [zh, en] = unverifiable(meta, xs);
  if (!z.length) return [zh, en];
  const cutZh = "条件无法判定";
  const cutEn = "the condition cannot be decided";
  if (zh.endsWith(cutZh) && en.endsWith(cutEn)) {
    return [zh.slice(0, -cutZh.length) + "除数为零", en.slice(0, -cutEn.length) + "a divisor is zero"];
  }
  return [zh + "；除数为零", en + "; a divisor is zero"];
}
"""

_UNVERIFIABLE_EN = """\
function unverifiableQ(meta, xs, z) {
  let en = unverifiable(meta, xs)[0];
  if (z.length) {
    const cut = "the condition cannot be decided";
    en = en.endsWith(cut) ? en.slice(0, -cut.length) + "a divisor is zero" : en + "; a divisor is zero";
  }
  return [en, en];
}
"""


def derived_lines(spec: ir.Spec, lit: Callable[[object], str], const: Callable[[Num], str]) -> list[str]:
    """``derive(data)``: the value of every derived cell (docs/arithmetic.md) computed from the other cells of
    ``data``, as the text the form suggests: the exact value rounded half up to the cell's decimals (its shown value
    when it has none); none where a value it needs is blank or a divisor is zero. Empty when ``spec`` has no derived
    cells."""
    rows: list[str] = []
    for check in spec.checks:
        if check.origin != "derived":
            continue
        for instance in check.instances:
            expr = instance.expr
            if not (isinstance(expr, ir.Compare) and isinstance(expr.left, ir.CellRef)):
                continue
            pos = P.position(spec, check, instance)
            tree = pos.comparisons[0].right_num
            assert tree is not None
            refs = pos.refs

            def var(index: int, refs: tuple[P.Ref, ...] = refs) -> str:
                ref = refs[index]
                source = {"cell": "v", "field": "f"}.get(ref.kind, "t")
                return "null" if ref.previous else f"({source}[{lit(ref.key)}] ?? BLANK)"

            cell = spec.cells[expr.left.cell]
            places = cell.type.decimals
            code = js_code(tree, var, const)
            rows.append(f"  [{lit(cell.key)}, {lit(places)}, (v, f, t, z) => {code}],")
    if not rows:
        return []
    return [
        "// derived cells: [cell, decimals, its value from the others]",
        "const DERIVED = [",
        *rows,
        "];",
        "",
        "/** The derived cells' values computed from the other cells of `data` (texts; a cell left out cannot be",
        " * computed: a value it needs is blank, or a divisor is zero). Throws DataError as validate() does. */",
        "export function derive(data) {",
        "  const [v, f, t] = read(data);",
        "  const out = {};",
        "  for (const [key, places, compute] of DERIVED) {",
        "    const x = compute(v, f, t, []);",
        "    if (x === null) continue;",
        "    if (places === null) {",
        "      out[key] = qt(x);",
        "    } else {",
        "      const r = qround(x, places, false);",
        "      const n = (r.n * pow10(places)) / r.d;",
        "      out[key] = new Decimal(n < 0n ? 1 : 0, n < 0n ? -n : n, -places).toString();",
        "    }",
        "  }",
        "  return out;",
        "}",
        "",
    ]


def js_helpers(spec: ir.Spec) -> list[str]:
    """The helper lines (the rationals and ``unverifiableQ``) of a module whose spec computes arithmetic; a spec in
    another language than Chinese has its findings in English in both slots (docs/languages.md)."""
    return (_HELPERS + (_UNVERIFIABLE_ZH if spec.language == "zh" else _UNVERIFIABLE_EN)).splitlines()
