"""A standalone JavaScript validator (an ES module, no dependencies) with the Python target's API and results.

``validate(data, previous = null)`` returns the reference evaluator's result records; decimals are exact (a small
decimal type over BigInt, exported as ``Decimal``). The code is straight-line, generated from the same plan as the
Python target (``targets/python/plan.py``). Every string is embedded as a JSON string with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped as well, so the module can be inlined in an HTML ``<script>`` element.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from gaidsl.language import ir
from gaidsl.targets import Files, Target, environment
from gaidsl.targets.python import plan as P

HERE = Path(__file__).resolve().parent
CHUNK = 64  # terms per statement in long sums

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


def ident(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


def char_class(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)


class _Constants:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, value: Decimal) -> str:
        text = str(value)
        if text not in self.names:
            self.names[text] = f"K{len(self.names)}"
        return self.names[text]

    def lines(self) -> list[str]:
        return [f"const {name} = Decimal.parse({lit(text)});" for text, name in self.names.items()]


_CMP_ZERO = {"==": "=== 0", "!=": "!== 0", "<=": "<= 0", ">=": ">= 0", "<": "< 0", ">": "> 0"}


class _Writer:
    """Renders one position's plan as JavaScript statements."""

    def __init__(self, pos: object, number: int, const: _Constants) -> None:
        self.pos = pos
        self.n = number
        self.const = const
        self.lines: list[str] = []
        self.temps = 0
        self.pending: list[str] = []  # statements a long sum needs before the expression that uses it

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def temp(self) -> str:
        self.temps += 1
        return f"b{self.temps}"

    def read(self) -> None:
        for ref in self.pos.refs:
            source = {"cell": "v", "field": "f", "text": "t"}[ref.kind]
            x = f"x{ref.index}"
            if ref.previous:
                self.emit(f"const {x} = p{source} === null ? null : (p{source}[{lit(ref.key)}] ?? BLANK);")
            else:
                self.emit(f"const {x} = {source}[{lit(ref.key)}] ?? BLANK;")
            if ref.kind == "text":
                self.emit(f'const c{ref.index} = {x} === BLANK ? "" : (typeof {x} === "string" ? {x} : null);')

    def num(self, tree: object) -> str:
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
            return f"{self.const(tree.value)}.mul({self.num(tree.arg)})"
        if op == "hu":
            x = f"x{tree.index}"
            return f"({x} instanceof Decimal ? {x}.halfUnit() : D0)"
        raise TypeError(op)

    def guard(self, tree: object) -> str:
        parts = []
        for kind, index in tree.needs():
            parts.append(f"x{index} instanceof Decimal" if kind == "num" else f"c{index} !== null")
        return " && ".join(parts)

    def side(self, name: str, tree: object) -> None:
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

    def string(self, tree: object) -> str:
        if tree.op == "const":
            return lit(tree.text)
        if tree.op == "content":
            return f"c{tree.index}"
        if tree.op == "field":
            x = f"x{tree.index}"
            return f'(typeof {x} === "string" ? {x} : null)'
        return "null"

    def tolerance(self, cmp: object) -> str:
        tol = cmp.tolerance
        if tol.op == "const" and tol.value == 0:
            return self.const(tol.value)
        return f"t{cmp.index}"

    def compare(self, cmp: object) -> None:
        j = cmp.index
        left, right = f"l{j}", f"r{j}"
        if cmp.text:
            self.emit(f"const {left} = {self.string(cmp.left_str)};")
            self.emit(f"const {right} = {self.string(cmp.right_str)};")
            test = f"{left} === {right}" if cmp.op == "==" else f"{left} !== {right}"
            self.emit(f"const o{j} = {left} === null || {right} === null ? null : {test};")
            return
        self.side(left, cmp.left_num)
        self.side(right, cmp.right_num)
        tol = cmp.tolerance
        if tol.op == "const" and tol.value == 0:
            test = f"{left}.cmp({right}) {_CMP_ZERO[cmp.op]}"
        else:
            self.pending = []
            code = self.num(tol)
            for line in self.pending:
                self.emit(line)
            self.emit(f"const t{j} = {code};")
            d, t = f"{left}.sub({right})", f"t{j}"
            test = {
                "==": f"{d}.abs().cmp({t}) <= 0",
                "!=": f"{d}.abs().cmp({t}) > 0",
                "<=": f"{d}.cmp({t}) <= 0",
                ">=": f"{d}.cmp({t}.neg()) >= 0",
                "<": f"{d}.cmp({t}.neg()) < 0",
                ">": f"{d}.cmp({t}) > 0",
            }[cmp.op]
        self.emit(f"const o{j} = {left} === null || {right} === null ? null : {test};")

    def logic(self, node: object) -> str:
        op = node.op
        if op == "cmp":
            return f"o{node.index}"
        if op in ("mentions", "empty"):
            c = f"c{node.index}"
            if op == "mentions":
                test = " || ".join(f"{c}.includes({lit(w)})" for w in node.words)
            else:
                test = f"isBlankText({c})"
            name = self.temp()
            self.emit(f"const {name} = {c} === null ? null : ({test});")
            return name
        args = [self.logic(a) for a in node.args]
        name = self.temp()
        if op == "not":
            self.emit(f"const {name} = {args[0]} === null ? null : !{args[0]};")
        elif op == "and":
            false = " || ".join(f"{a} === false" for a in args)
            none = " || ".join(f"{a} === null" for a in args)
            self.emit(f"const {name} = ({false}) ? false : ({none}) ? null : true;")
        elif op == "or":
            true = " || ".join(f"{a} === true" for a in args)
            none = " || ".join(f"{a} === null" for a in args)
            self.emit(f"const {name} = ({true}) ? true : ({none}) ? null : false;")
        else:
            c, t = args
            self.emit(
                f"const {name} = ({c} === false || {t} === true) ? true : "
                f"({c} === true && {t} === false) ? false : null;"
            )
        return name

    def values(self, side: object, lang: str) -> str:
        open_, close = ('"「"', '"」"') if lang == "zh" else ('"\'"', '"\'"')
        parts: list[str] = []
        for k, piece in enumerate(side.pieces):
            prefix = ("" if piece.sign > 0 else "−") if k == 0 else (" + " if piece.sign > 0 else " − ")
            if piece.source == "num":
                value = f"x{piece.index}.toString()"
            elif piece.source == "str":
                value = f"{open_} + x{piece.index} + {close}"
            elif piece.source == "content":
                value = f"{open_} + c{piece.index} + {close}"
            elif piece.source == "len":
                value = f"String(codePoints(c{piece.index}))"
            else:
                value = lit(piece.text)
            if prefix:
                parts.append(lit(prefix))
            parts.append(value)
        return " + ".join(parts) if parts else '""'

    def message(self, indent: str) -> None:
        pos, msg = self.pos, self.pos.message
        if msg.case == "text":
            self.emit(f'{indent}m = s === "pass" ? {lit(list(msg.holds))} : {lit(list(msg.fails))};')
            return
        if msg.case == "listing":
            self.emit(f"{indent}m = listing(P{self.n}, s, xs);")
            return
        cmp = pos.comparisons[0]
        if not cmp.text:
            self.emit(f"{indent}const tl = l0.toString();")
            self.emit(f"{indent}const tr = r0.toString();")
        args = []
        for side, name in ((msg.left, "l"), (msg.right, "r")):
            values = {lang: self.values(side, lang) for lang in ("zh", "en")}
            if values["zh"] == values["en"]:
                self.emit(f"{indent}const v{name} = {values['zh']};")
                values = {"zh": f"v{name}", "en": f"v{name}"}
            else:
                for lang in ("zh", "en"):
                    self.emit(f"{indent}const v{name}{lang[0]} = {values[lang]};")
                    values[lang] = f"v{name}{lang[0]}"
            names = {lang: lit(side.names(lang)) for lang in ("zh", "en")}
            if names["zh"] == names["en"] and len(names["zh"]) > 40:
                self.emit(f"{indent}const n{name} = {names['zh']};")
                names = {"zh": f"n{name}", "en": f"n{name}"}
            for lang in ("zh", "en"):
                if cmp.text:
                    total = f'"「" + {name}0 + "」"' if lang == "zh" else f'"\'" + {name}0 + "\'"'
                else:
                    total = f"t{name}"
                single = "true" if side.single else "false"
                args.append(f"side({names[lang]}, {values[lang]}, {total}, {single})")
        gap = '["", ""]' if cmp.text else f"gap(l0.sub(r0), {self.tolerance(cmp)})"
        self.emit(f"{indent}m = compared(P{self.n}, s, {lit(cmp.op)}, {lit(msg.symbol)}, {', '.join(args)}, {gap});")

    def comparison_record(self) -> str:
        cmp = self.pos.single
        if cmp is None:
            return "null"
        if cmp.text:
            return f"[{lit(cmp.op)}, l0, r0, null, D0]"
        return f"[{lit(cmp.op)}, l0, r0, l0 === null || r0 === null ? null : l0.sub(r0), {self.tolerance(cmp)}]"

    def write(self) -> list[str]:
        self.read()
        for cmp in self.pos.comparisons:
            self.compare(cmp)
        outcome = self.logic(self.pos.condition)
        self.emit(f'const s = {outcome} === true ? "pass" : {outcome} === false ? "fail" : "unverifiable";')
        self.emit("if (want.has(s)) {")
        xs = ", ".join(f"x{r.index}" for r in self.pos.refs)
        self.emit(f"  const xs = [{xs}];")
        self.emit("  let m;")
        self.emit('  if (s === "unverifiable") {')
        self.emit(f"    m = unverifiable(P{self.n}, xs);")
        self.emit("  } else {")
        self.message("    ")
        self.emit("  }")
        self.emit(f"  out.push(record(P{self.n}, s, xs, {self.comparison_record()}, m));")
        self.emit("}")
        return self.lines


class _Labels:
    """Label arrays shared by every position that reads the cell (``const L0 = ["三、…", "（七）总计", "自然人"];``)."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, ...], str] = {}

    def __call__(self, labels: tuple[str, ...]) -> str:
        if labels not in self.names:
            self.names[labels] = f"L{len(self.names)}"
        return self.names[labels]

    def lines(self) -> list[str]:
        return [f"const {name} = {lit(list(labels))};" for labels, name in self.names.items()]


def _meta(pos: object, labels: _Labels) -> str:
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


def module_text(spec: ir.Spec) -> str:
    labels = _Labels()
    const = _Constants()
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
            body.extend("  " + line for line in _Writer(pos, number, const).write())
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

    def slot(s: object) -> str:
        return lit([s.key, s.kind, s.decimals, list(s.choices)])

    template = environment(HERE).get_template("validator.mjs.j2")
    return template.render(
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
    )


def module_name(spec: ir.Spec) -> str:
    name = ident(f"{spec.id}_{spec.version}")
    return name if name[:1].isalpha() or name[:1] == "_" else f"v_{name}"


def emit(spec: ir.Spec) -> Files:
    return {f"{module_name(spec)}.mjs": module_text(spec)}


TARGET = Target(
    "javascript", "standalone JavaScript (ES module) validator, same results as gaidsl, exact decimals", emit
)
