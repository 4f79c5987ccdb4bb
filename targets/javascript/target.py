"""A standalone JavaScript validator (an ES module, no dependencies) with the Python target's API and results.

``validate(data, previous = null)`` returns the reference evaluator's result records; decimals are exact (a small
decimal type over BigInt, exported as ``Decimal``). The code is straight-line, generated from the same plan as the
Python target (``targets/python/plan.py``). Every string is embedded as a JSON string with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped as well, so the module can be inlined in an HTML ``<script>`` element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from gaidsl.checking.required import Absent, requirements
from gaidsl.language import ir
from gaidsl.language.formats import FORMATS, USCC_ALPHABET, USCC_WEIGHTS
from gaidsl.targets import Files, Target, environment
from gaidsl.targets.javascript import arithmetic as JA
from gaidsl.targets.python import arithmetic as A
from gaidsl.targets.python import plan as P
from gaidsl.targets.python.writer import CHUNK, Constants, Names, Writer, ident, module_name

HERE = Path(__file__).resolve().parent

_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def lit(value: object) -> str:
    """A JavaScript literal (JSON) for strings, numbers, booleans, null and arrays of them, safe in HTML
    ``<script>``: ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogates written as ``\\uXXXX``."""
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def comment(text: str) -> str:
    """Text safe in a ``//`` comment (and in an HTML script): line breaks, controls and ``<>&`` escaped."""
    out = []
    for char in text:
        if char in "<>&" or not char.isprintable():
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return "".join(out)


def char_class(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)


_CMP_ZERO = {"==": "=== 0", "!=": "!== 0", "<=": "<= 0", ">=": ">= 0", "<": "< 0", ">": "> 0"}
_TOLERANT = {
    "==": "{d}.abs().cmp({t}) <= 0",
    "!=": "{d}.abs().cmp({t}) > 0",
    "<=": "{d}.cmp({t}) <= 0",
    ">=": "{d}.cmp({t}.neg()) >= 0",
    "<": "{d}.cmp({t}.neg()) < 0",
    ">": "{d}.cmp({t}) > 0",
}


class JavaScriptWriter(Writer):
    """JavaScript syntax: every number a ``Decimal`` (the module's exact decimal type over BigInt)."""

    NONE, TRUE, FALSE, OR, AND, ZERO = "null", "true", "false", " || ", " && ", "D0"
    SHOWN = "qshown"

    lit = staticmethod(lit)

    def assign(self, name: str, expr: str) -> str:
        return f"const {name} = {expr};"

    def set(self, name: str, expr: str) -> str:
        return f"{name} = {expr};"

    def cond(self, test: str, then: str, otherwise: str) -> str:
        return f"{test} ? {then} : {otherwise}"

    def seq(self, items: Sequence[str]) -> str:
        return "[" + ", ".join(items) + "]"

    def seq_lit(self, values: Sequence[str]) -> str:
        return lit(list(values))

    def helper(self, name: str) -> str:
        return name

    def same(self, left: str, right: str, equal: bool) -> str:
        return f"{left} === {right}" if equal else f"{left} !== {right}"

    equal = same

    def negate(self, expr: str) -> str:
        return f"!{expr}"

    def contains(self, text: str, word: str) -> str:
        return f"{text}.includes({word})"

    def blank_text(self, text: str) -> str:
        return f"isBlankText({text})"

    def text_test(self, text: str, kind: str, value: str) -> str:
        if kind == "starts_with":
            return f"{text}.startsWith({lit(value)})"
        if kind == "ends_with":
            return f"{text}.endsWith({lit(value)})"
        if kind == "matches":
            return f"fullMatch({lit(value)}, {text})"
        return f"formatHolds({lit(value)}, {text})"

    def text_field(self, x: str) -> str:
        return f'(typeof {x} === "string" ? {x} : null)'

    def __init__(self, pos: P.Position, number: int, const: Constants) -> None:
        super().__init__(pos, number, const)

    def number_text(self, x: str) -> str:
        return f"qt({x})" if A.comparison_has_arith(self.pos.single) else f"{x}.toString()"

    def arith_text(self, tree: P.Num) -> str:
        return f"qt({self.qcode(tree)})"

    def qcode(self, tree: P.Num) -> str:
        return JA.js_code(tree, lambda index: f"x{index}", lambda node: self.const(node.value))

    def value_text(self, index: int) -> str:
        return f"x{index}.toString()"

    def length_text(self, index: int) -> str:
        return f"String(codePoints(c{index}))"

    def minus(self, left: str, right: str) -> str:
        if A.comparison_has_arith(self.pos.single):  # a computed difference, as findings show it
            return f"qshown(qsub({left}, {right}))"
        return f"{left}.sub({right})"

    def exact_test(self, op: str, left: str, right: str) -> str:
        if self.arith:
            return f"qsub({left}, {right}).cmp(Q0) {_CMP_ZERO[op]}"
        return f"{left}.cmp({right}) {_CMP_ZERO[op]}"

    def tolerant_test(self, op: str, left: str, right: str, tolerance: str) -> str:
        if self.arith:  # the exact difference against the (Decimal) tolerance, as a rational
            return _TOLERANT[op].format(d=f"qsub({left}, {right})", t=f"Q.of({tolerance})")
        return _TOLERANT[op].format(d=f"{left}.sub({right})", t=tolerance)

    def read(self) -> None:
        for ref in self.pos.refs:
            source = {"cell": "v", "field": "f", "text": "t"}[ref.kind]
            x = f"x{ref.index}"
            if ref.previous:
                self.emit(f"const {x} = p{source} === null ? null : (p{source}[{lit(ref.key)}] ?? BLANK);")
            else:
                self.emit(f"const {x} = {source}[{lit(ref.key)}] ?? BLANK;")
            if ref.kind == "text" or (ref.kind == "cell" and not ref.numeric) or ref.text_read:  # read as a text
                self.emit(f'const c{ref.index} = {x} === BLANK ? "" : (typeof {x} === "string" ? {x} : null);')

    def num(self, tree: P.Num) -> str:
        op = tree.op
        if op == "const":
            return self.const(tree.value)
        if op == "var":
            return f"x{tree.index}"
        if op == "len":
            return f"Decimal.fromInt(codePoints(c{tree.index}))"
        if op == "sum":
            terms = [(".add(" if sign > 0 else ".sub(") + self.num(term) + ")" for sign, term in tree.terms]
            if len(terms) <= CHUNK:
                return "D0" + "".join(terms)
            # a long sum (a deep call chain overflows the parser): the same left fold, CHUNK terms per statement
            self.temps += 1
            name = f"a{self.temps}"
            self.pending.append(f"let {name} = D0{''.join(terms[:CHUNK])};")
            for start in range(CHUNK, len(terms), CHUNK):
                self.pending.append(f"{name} = {name}{''.join(terms[start : start + CHUNK])};")
            return name
        if op == "sum2":
            (_, first), (_, second) = tree.terms
            return f"{self.num(first)}.add({self.num(second)})"
        if op == "scale":
            assert tree.arg is not None
            return f"{self.const(tree.value)}.mul({self.num(tree.arg)})"
        if op == "hu":
            x = f"x{tree.index}"
            return f"({x} instanceof Decimal ? {x}.halfUnit() : D0)"
        raise TypeError(op)

    def guard(self, tree: P.Num) -> str:
        parts = []
        for kind, index in tree.needs():
            parts.append(f"x{index} instanceof Decimal" if kind == "num" else f"c{index} !== null")
        return " && ".join(parts)

    def side(self, name: str, tree: P.Num) -> None:
        if A.has_arith(tree):  # exact rationals: every operand evaluated, null for a missing value
            self.emit(f"const {name} = {self.qcode(tree)};")
            return
        self.pending = []
        code, guard = self.num(tree), self.guard(tree)
        if not self.pending:
            self.emit(f"const {name} = {guard} ? {code} : null;" if guard else f"const {name} = {code};")
            return
        self.emit(f"let {name} = null;")
        self.emit(f"if ({guard or 'true'}) {{")
        for line in self.pending:
            self.emit("  " + line)
        self.emit(f"  {name} = {code};")
        self.emit("}")

    def write(self) -> list[str]:
        self.read()
        arith = A.position_has_arith(self.pos)
        if arith:
            self.emit("const z = []; // a quotient by zero (docs/arithmetic.md)")
        for cmp in self.pos.comparisons:
            self.compare(cmp)
        outcome = self.logic(self.pos.condition)
        self.emit(f'const s = {outcome} === true ? "pass" : {outcome} === false ? "fail" : "unverifiable";')
        self.emit("if (want.has(s)) {")
        xs = ", ".join(f"x{r.index}" for r in self.pos.refs)
        self.emit(f"  const xs = [{xs}];")
        self.emit("  let m;")
        self.emit('  if (s === "unverifiable") {')
        if arith:
            self.emit(f"    m = unverifiableQ(P{self.n}, xs, z);")
        else:
            self.emit(f"    m = unverifiable(P{self.n}, xs);")
        self.emit("  } else {")
        self.message("    ")
        self.emit("  }")
        self.emit(f"  out.push(record(P{self.n}, s, xs, {self.comparison_record()}, m));")
        self.emit("}")
        return self.lines


def _meta(pos: P.Position, labels: Names[tuple[str, ...]]) -> str:
    check, instance = pos.check, pos.instance
    refs = [
        f"[{lit(r.kind)}, {lit(r.key)}, {lit(r.previous)}, {labels(r.labels)}, {lit(r.name_zh)}, "
        f"{lit(None if r.name_en == r.name_zh else r.name_en)}]"
        for r in pos.refs
    ]
    head = [
        check.key,
        check.severity,
        instance.position,
        list(instance.position_labels),
        check.section,
        check.table,
        check.message.zh,
        check.message.en,
        pos.where_zh,
        pos.where_en,
    ]
    items = "".join(f"  {item},\n" for item in refs)
    return f"{lit(head)[:-1]}, [\n{items}]]"


class Layer(Protocol):
    """What a spec with open dimensions adds to the module (targets/javascript/open_parts.py)."""

    checks_beside: tuple[ir.Check, ...]
    """The checks it evaluates itself (those that read lists of records): the module's text helpers serve them too."""

    def position(self, pos: P.Position, number: int, lines: list[str]) -> list[str]: ...

    def tail(self) -> str: ...


def module_text(spec: ir.Spec, layer: Layer | None = None) -> str:
    """The module of ``spec`` (with ``layer``: of the spec closed over stand-in members, the open rows' code added)."""
    labels = Names[tuple[str, ...]]("L", lambda name, value: f"const {name} = {lit(list(value))};")
    const = Constants("K", lambda name, text: f"const {name} = Decimal.parse({lit(text)});")
    const(Decimal(0))
    checks = []
    metas: list[str] = []
    for check_plan in P.plan(spec):
        body: list[str] = []
        for pos in check_plan.positions:
            number = len(metas)
            metas.append(_meta(pos, labels))
            label = "" if pos.instance.position is None else f" {pos.instance.position}"
            body.append(f"{{ // position{comment(label)}")
            writer = JavaScriptWriter(pos, number, const)
            writer.chinese = spec.language == "zh"
            lines = writer.write()
            body.extend("  " + line for line in (lines if layer is None else layer.position(pos, number, lines)))
            body.append("}")
        checks.append(
            {
                "name": f"check{check_plan.number}_{ident(check_plan.check.key)}",
                "origin": comment(check_plan.origin),
                "key": comment(check_plan.check.key),
                "body": body,
            }
        )
    slots = P.slots(spec)

    def slot(s: P.Slot) -> str:
        return lit([s.key, s.kind, s.decimals, list(s.choices)])

    template = environment(HERE).get_template("validator.mjs.j2")
    text = template.render(
        open=layer is not None,
        zh=spec.language == "zh",  # the messages' words: a spec in English has English in both slots
        text_tests=P.ascii_helpers(spec, _text_test_helpers(spec, _beside(layer))) + _arith_helpers(spec, const),
        module_file=f"{module_name(spec)}.mjs",
        spec_id=comment(spec.id),
        version=comment(spec.version),
        file=comment(spec.file),
        format_lit=lit(spec.id),
        version_lit=lit(spec.version),
        title_lit=lit(spec.title),
        listed=P.LISTED,
        whitespace=char_class(P.python_whitespace()),
        constants=const.lines(),
        labels=labels.lines(),
        metas=metas,
        checks=checks,
        values=[slot(s) for s in slots if s.section == "values"],
        fields=[slot(s) for s in slots if s.section == "fields"],
        texts=[lit(s.key) for s in slots if s.section == "texts"],
        text_cells=any(not c.type.numeric for c in spec.cells.values()),
        signed=P.signed(spec),
        required=required_items(spec),
    )
    return text if layer is None else text + layer.tail()


def _arith_helpers(spec: ir.Spec, const: Constants) -> list[str]:
    """Arithmetic between cells (targets/javascript/arithmetic.py), only in modules of specs that compute it or have
    derived cells (whose ``derive(data)`` the form calls, even when they only add and subtract)."""
    if not A.spec_has_arith(spec) and not any(check.origin == "derived" for check in spec.checks):
        return []
    return JA.js_helpers(spec) + JA.derived_lines(spec, lit, lambda node: const(node.value))


def required_items(spec: ir.Spec) -> list[str]:
    """``[kind, key, a table's cell keys, record if missing, record if unknown]`` per required item, the records
    those of gaidsl's evaluation (``Evaluation.to_json_dict()["missing"]``), as literals."""
    items = []
    for r in requirements(spec):
        missing, unknown = (
            P.absent_record(spec, Absent(r.kind, r.key, r.label, s, r.part)) for s in ("missing", "unknown")
        )
        items.append(lit([r.kind, r.key, list(r.cells), missing, unknown]))
    return items


def emit(spec: ir.Spec) -> Files:
    return {f"{module_name(spec)}.mjs": module_text(spec)}


TARGET = Target(
    "javascript", "standalone JavaScript (ES module) validator, same results as gaidsl, exact decimals", emit
)


def _beside(layer: Layer | None) -> tuple[ir.Check, ...]:
    return () if layer is None else layer.checks_beside


def _text_test_helpers(spec: ir.Spec, beside: tuple[ir.Check, ...] = ()) -> list[str]:
    """The lines of the field formats' helpers (issue 16), when a check of ``spec`` tests a text: the evaluator's
    :func:`gaidsl.checking.evaluate.text_test_holds` (flags ``u``: ASCII classes and code points; ``s``: a dot matches
    a newline, as ``re.ASCII | re.DOTALL`` in Python)."""
    checks = (*spec.checks, *beside)
    if not any(isinstance(n, ir.TextTest) for c in checks for i in c.instances for n in ir.walk(i.expr)):
        return []
    formats = ", ".join(f"{lit(key)}: [{lit(f.regex)}, {lit(f.extra)}]" for key, f in FORMATS.items())
    return [
        "// Field formats: a regular expression matches the whole text; the check digit of a 统一社会信用代码 by",
        "// GB 32100-2015; a date range's first date not after its second.",
        f"const FORMATS = {{{formats}}};",
        f"const USCC = {lit(USCC_ALPHABET)};",
        "const REGEXES = new Map();",
        "",
        "function fullMatch(pattern, text) {",
        "  let regex = REGEXES.get(pattern);",
        "  if (regex === undefined) {",
        '    regex = new RegExp("^(?:" + pattern + ")$", "su");',
        "    REGEXES.set(pattern, regex);",
        "  }",
        "  return regex.test(text);",
        "}",
        "",
        "function formatHolds(key, text) {",
        "  const [regex, extra] = FORMATS[key];",
        "  if (!fullMatch(regex, text)) return false;",
        '  if (extra === "uscc") {',
        "    let total = 0;",
        f"    const weights = {lit(list(USCC_WEIGHTS))};",
        "    for (let i = 0; i < 17; i++) total += USCC.indexOf(text[i]) * weights[i];",
        "    return USCC[(31 - (total % 31)) % 31] === text[17];",
        "  }",
        '  if (extra === "date_range") {',
        '    const at = text.includes("至") ? text.indexOf("至") : text.indexOf("~");',
        "    return text.slice(0, at) <= text.slice(at + 1);",
        "  }",
        "  return true;",
        "}",
        "",
    ]
