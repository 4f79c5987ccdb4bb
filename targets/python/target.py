"""A standalone Python validator (standard library only) for a spec's reports: ``validate(data, previous=None)``,
``validate_many`` and ``validate_csv`` (a wide CSV, one report per line).

The module is straight-line code: one function per check (a ``# spec: file:line`` comment above it), one block per
position, reading each cell once (``v[17]``: the values are a list in cell order) and computing the comparisons
exactly: whole numbers (counts, integers) as ``int``, anything with an amount or a decimal constant in ``Decimal``
arithmetic (100 digits, as the reference evaluator). An ``int`` sum equals the evaluator's ``Decimal`` sum of the
same whole numbers, exponent included, and results turn ints back into Decimals, so nothing a user sees changes.
The results are the reference evaluator's result records
(``gaidsl.checking.evaluate.Evaluation.to_json_dict()["results"]``), field for field; the differential tests hold it
to that. Every label, message and key is embedded with ``repr()``, never pasted into the code.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from gaidsl.language import ir
from gaidsl.targets import Files, Target, environment
from gaidsl.targets.python import plan as P

HERE = Path(__file__).resolve().parent
CHUNK = 64  # terms per statement in long sums


def lit(value: object) -> str:
    """A Python literal for a str, bool, None, int or tuple of them (``repr`` escapes every odd character)."""
    return repr(value)


def comment(text: str) -> str:
    """Text safe inside a ``#`` comment: non-printable characters (line breaks, NUL, U+2028 …) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def ident(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


class _Constants:
    """Module-level Decimal constants, one per distinct (exact) value as written."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, value: Decimal) -> str:
        text = str(value)
        if text not in self.names:
            self.names[text] = f"_K{len(self.names)}"
        return self.names[text]

    def lines(self) -> list[str]:
        return [f"{name} = D({lit(text)})" for text, name in self.names.items()]


class _Writer:
    """Renders one position's plan as Python statements."""

    def __init__(self, pos: object, number: int, const: _Constants, cells: dict[str, int]) -> None:
        self.pos = pos
        self.cells = cells  # cell key -> its place in the values list the checks read
        self.n = number  # position number in the module (for the meta constant)
        self.const = const
        self.lines: list[str] = []
        self.temps = 0
        self.pending: list[str] = []  # statements a long sum needs before the expression that uses it

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def temp(self) -> str:
        self.temps += 1
        return f"b{self.temps}"

    # ---- reading
    def read(self) -> None:
        for ref in self.pos.refs:
            source = {"cell": "v", "field": "f", "text": "t"}[ref.kind]
            x = f"x{ref.index}"
            at = str(self.cells[ref.key]) if ref.kind == "cell" else lit(ref.key)
            note = f"  # {comment(ref.key)}" if ref.kind == "cell" else ""
            if ref.previous:
                self.emit(f"{x} = p{source}[{at}] if p{source} is not None else None{note}")
            else:
                self.emit(f"{x} = {source}[{at}]{note}")
            if ref.kind == "text":
                self.emit(f"c{ref.index} = '' if {x} is BLANK else ({x} if {x}.__class__ is str else None)")

    # ---- numbers
    def whole(self, index: int) -> bool:
        """Ref ``index`` holds a whole number (count, integer): an ``int`` at run time."""
        return not self.pos.refs[index].amount

    def is_int(self, tree: object) -> bool:
        """The expression's value is a whole number with exponent 0 in the evaluator: computed as an ``int``."""
        op = tree.op
        if op == "const":
            return bool(tree.value == tree.value.to_integral_value() and tree.value.as_tuple().exponent == 0)
        if op == "var":
            return self.whole(tree.index)
        if op == "len":
            return True
        if op == "sum":
            return all(self.is_int(term) for _, term in tree.terms)
        return False

    def num(self, tree: object) -> str:
        op = tree.op
        if op == "const":
            return str(int(tree.value)) if self.is_int(tree) else self.const(tree.value)
        if op == "var":
            return f"x{tree.index}"
        if op == "len":
            return f"len(c{tree.index})"
        if op == "sum":
            lead = "0" if self.is_int(tree) else "_D0"  # sum(…, Decimal(0)) in the evaluator
            terms = [(" + " if sign > 0 else " - ") + self.num(term) for sign, term in tree.terms]
            if len(terms) <= CHUNK:
                if lead == "0" and len(terms) > 1 and terms[0].startswith(" + "):  # a lone term keeps its ``0 +``
                    return f"({terms[0][3:]}{''.join(terms[1:])})"
                return f"({lead}{''.join(terms)})"
            # a long sum (deep nesting breaks the compiler): the same left fold, CHUNK terms per statement
            self.temps += 1
            name = f"a{self.temps}"
            self.pending.append(f"{name} = {lead}{''.join(terms[:CHUNK])}")
            for start in range(CHUNK, len(terms), CHUNK):
                self.pending.append(f"{name} = {name}{''.join(terms[start : start + CHUNK])}")
            return name
        if op == "sum2":
            (_, first), (_, second) = tree.terms
            return f"({self.num(first)} + {self.num(second)})"
        if op == "scale":
            return f"({self.const(tree.value)} * {self.num(tree.arg)})"
        if op == "hu":
            x = f"x{tree.index}"
            return f"(_hu({x}) if {x}.__class__ is D else _D0)"
        raise TypeError(op)

    def guard(self, tree: object) -> str:
        parts = []
        for kind, index in tree.needs():
            if kind == "num":
                parts.append(f"x{index}.__class__ is {'int' if self.whole(index) else 'D'}")
            else:
                parts.append(f"c{index} is not None")
        return " and ".join(parts)

    def side(self, name: str, tree: object) -> None:
        """``name = value``, or None when a value it needs is blank, unknown or absent. A lone value is tested by
        its class; a longer expression just runs: BLANK, UNKNOWN and None support no arithmetic (nor ``len``), so
        a TypeError is exactly "a value is missing", and the common case pays for no test at all."""
        self.pending = []
        code, guard = self.num(tree), self.guard(tree)
        if not guard:
            self.lines.extend(self.pending)
            self.emit(f"{name} = {code}")
        elif tree.op == "var":
            self.emit(f"{name} = {code} if {guard} else None")
        else:
            self.emit("try:")
            self.lines.extend("    " + line for line in self.pending)
            self.emit(f"    {name} = {code}")
            self.emit("except TypeError:")
            self.emit(f"    {name} = None")

    def string(self, tree: object) -> str:
        if tree.op == "const":
            return lit(tree.text)
        if tree.op == "content":
            return f"c{tree.index}"
        if tree.op == "field":
            x = f"x{tree.index}"
            return f"({x} if {x}.__class__ is str else None)"
        return "None"

    def compare(self, cmp: object) -> None:
        j = cmp.index
        left, right = f"l{j}", f"r{j}"
        if cmp.text:
            self.emit(f"{left} = {self.string(cmp.left_str)}")
            self.emit(f"{right} = {self.string(cmp.right_str)}")
            test = f"{left} == {right}" if cmp.op == "==" else f"{left} != {right}"
            self.emit(f"o{j} = None if {left} is None or {right} is None else {test}")
            return
        self.side(left, cmp.left_num)
        self.side(right, cmp.right_num)
        tol = cmp.tolerance
        if tol.op == "const" and tol.value == 0:
            test = f"{left} {cmp.op} {right}"  # within a zero tolerance: the plain comparison, exactly
        else:
            self.pending = []
            code = self.num(tol)
            for line in self.pending:
                self.emit(line)
            self.emit(f"t{j} = {code}")
            d, t = f"({left} - {right})", f"t{j}"
            test = {
                "==": f"abs{d} <= {t}",
                "!=": f"abs{d} > {t}",
                "<=": f"{d} <= {t}",
                ">=": f"{d} >= -{t}",
                "<": f"{d} < -{t}",
                ">": f"{d} > {t}",
            }[cmp.op]
        self.emit(f"o{j} = None if {left} is None or {right} is None else {test}")

    def tolerance(self, cmp: object) -> str:
        tol = cmp.tolerance
        if tol.op == "const" and tol.value == 0:
            return self.const(tol.value)
        return f"t{cmp.index}"

    # ---- conditions
    def logic(self, node: object) -> str:
        op = node.op
        if op == "cmp":
            return f"o{node.index}"
        if op in ("mentions", "empty"):
            c = f"c{node.index}"
            words = " or ".join(f"{lit(w)} in {c}" for w in node.words)
            test = words if op == "mentions" else f"not {c}.strip()"
            name = self.temp()
            self.emit(f"{name} = None if {c} is None else ({test})")
            return name
        args = [self.logic(a) for a in node.args]
        name = self.temp()
        if op == "not":
            self.emit(f"{name} = None if {args[0]} is None else not {args[0]}")
        elif op == "and":
            false = " or ".join(f"{a} is False" for a in args)
            none = " or ".join(f"{a} is None" for a in args)
            self.emit(f"{name} = False if ({false}) else None if ({none}) else True")
        elif op == "or":
            true = " or ".join(f"{a} is True" for a in args)
            none = " or ".join(f"{a} is None" for a in args)
            self.emit(f"{name} = True if ({true}) else None if ({none}) else False")
        else:  # implies
            c, t = args
            known = f"True if ({c} is False or {t} is True) else False if ({c} is True and {t} is False) else None"
            self.emit(f"{name} = {known}")
        return name

    # ---- messages
    def values(self, side: object, lang: str) -> str:
        """The side's values joined like its names (``21 + 0``); texts quoted 「…」 (zh) or '…' (en)."""
        open_, close = ("'「'", "'」'") if lang == "zh" else ('"\'"', '"\'"')
        parts: list[str] = []
        for k, piece in enumerate(side.pieces):
            prefix = ("" if piece.sign > 0 else "−") if k == 0 else (" + " if piece.sign > 0 else " − ")
            if piece.source == "num":
                value = f"str(x{piece.index})" if self.whole(piece.index) else f"format(x{piece.index}, 'f')"
            elif piece.source == "str":
                value = f"{open_} + x{piece.index} + {close}"
            elif piece.source == "content":
                value = f"{open_} + c{piece.index} + {close}"
            elif piece.source == "len":
                value = f"str(len(c{piece.index}))"
            else:
                value = lit(piece.text)
            if prefix:
                parts.append(lit(prefix))
            parts.append(value)
        if len(parts) > CHUNK:  # a long + chain nests too deep for the compiler
            return "''.join((" + ", ".join(parts) + "))"
        return " + ".join(parts) if parts else "''"

    def message(self, indent: str) -> None:
        pos, msg = self.pos, self.pos.message
        if msg.case == "text":
            self.emit(f"{indent}m = {lit(msg.holds)} if s == 'pass' else {lit(msg.fails)}")
            return
        if msg.case == "listing":
            self.emit(f"{indent}m = _listing(_P{self.n}, s, xs)")
            return
        cmp = pos.comparisons[0]
        if not cmp.text:
            self.emit(f"{indent}tl = _t(l0)")
            self.emit(f"{indent}tr = _t(r0)")
        args = []
        for side, name in ((msg.left, "l"), (msg.right, "r")):
            values = {lang: self.values(side, lang) for lang in ("zh", "en")}
            if values["zh"] == values["en"]:
                self.emit(f"{indent}v{name} = {values['zh']}")
                values = {"zh": f"v{name}", "en": f"v{name}"}
            else:
                for lang in ("zh", "en"):
                    self.emit(f"{indent}v{name}{lang[0]} = {values[lang]}")
                    values[lang] = f"v{name}{lang[0]}"
            names = {lang: lit(side.names(lang)) for lang in ("zh", "en")}
            if names["zh"] == names["en"] and len(names["zh"]) > 40:
                self.emit(f"{indent}n{name} = {names['zh']}")
                names = {"zh": f"n{name}", "en": f"n{name}"}
            for lang in ("zh", "en"):
                if cmp.text:
                    total = f"'「' + {name}0 + '」'" if lang == "zh" else f'"\'" + {name}0 + "\'"'
                else:
                    total = f"t{name}"
                args.append(f"_side({names[lang]}, {values[lang]}, {total}, {side.single})")
        gap = "('', '')" if cmp.text else f"_gap(l0 - r0, {self.tolerance(cmp)})"
        self.emit(f"{indent}m = _compared(_P{self.n}, s, {lit(cmp.op)}, {lit(msg.symbol)}, {', '.join(args)}, {gap})")

    def comparison_record(self) -> str:
        cmp = self.pos.single
        if cmp is None:
            return "None"
        if cmp.text:
            return f"({lit(cmp.op)}, l0, r0, None, _D0)"
        return f"({lit(cmp.op)}, l0, r0, None if l0 is None or r0 is None else l0 - r0, {self.tolerance(cmp)})"

    def write(self) -> list[str]:
        self.read()
        for cmp in self.pos.comparisons:
            self.compare(cmp)
        outcome = self.logic(self.pos.condition)
        self.emit(f"s = 'pass' if {outcome} is True else 'fail' if {outcome} is False else 'unverifiable'")
        self.emit("if s in want:")
        xs = ", ".join(f"x{r.index}" for r in self.pos.refs)
        self.emit(f"    xs = ({xs},)" if len(self.pos.refs) == 1 else f"    xs = ({xs})")
        self.emit("    if s == 'unverifiable':")
        self.emit(f"        m = _unverifiable(_P{self.n}, xs)")
        self.emit("    else:")
        self.message("        ")
        self.emit(f"    out.append(_record(_P{self.n}, s, xs, {self.comparison_record()}, m))")
        return self.lines


class _Labels:
    """Label tuples shared by every position that reads the cell (``_L0 = ('三、…', '（七）总计', '自然人')``)."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, ...], str] = {}

    def __call__(self, labels: tuple[str, ...]) -> str:
        if labels not in self.names:
            self.names[labels] = f"_L{len(self.names)}"
        return self.names[labels]

    def lines(self) -> list[str]:
        return [f"{name} = {lit(labels)}" for labels, name in self.names.items()]


def _meta(pos: object, labels: _Labels) -> str:
    """The static part of a position's results: a tuple literal (see ``_record`` in the template)."""
    check, instance = pos.check, pos.instance
    refs = [
        f"({lit(r.kind)}, {lit(r.key)}, {r.previous}, {labels(r.labels)}, {lit(r.name_zh)}, "
        f"{lit(None if r.name_en == r.name_zh else r.name_en)})"
        for r in pos.refs
    ]
    head = (
        check.key,
        check.severity,
        instance.position,
        instance.position_labels,
        check.section,
        check.table,
        check.message.zh,
        check.message.en,
        pos.where_zh,
        pos.where_en,
    )
    items = "".join(f"{item},\n    " for item in refs)
    return f"{lit(head)[:-1]}, (\n    {items}),)"


def module_text(spec: ir.Spec) -> str:
    labels = _Labels()
    const = _Constants()
    const(Decimal(0))
    checks = []
    metas: list[str] = []
    cells = {key: index for index, key in enumerate(spec.cells)}  # the order of _VALUES
    for check_plan in P.plan(spec):
        body: list[str] = []
        for pos in check_plan.positions:
            number = len(metas)
            metas.append(_meta(pos, labels))
            label = "" if pos.instance.position is None else f" {pos.instance.position}"
            body.append(f"# position{comment(label)}")
            body.extend(_Writer(pos, number, const, cells).write())
        if not body:
            body.append("pass  # no positions")
        checks.append(
            {
                "name": f"_check_{check_plan.number}_{ident(check_plan.check.key)}",
                "origin": comment(check_plan.origin),
                "key": comment(check_plan.check.key),
                "body": body,
            }
        )
    slots = P.slots(spec)
    template = environment(HERE).get_template("validator.py.j2")
    return template.render(
        module_file=f"{module_name(spec)}.py",
        spec_id=comment(spec.id),
        version=comment(spec.version),
        file=comment(spec.file),
        format_lit=lit(spec.id),
        version_lit=lit(spec.version),
        title_lit=lit(spec.title),
        listed=P.LISTED,
        constants=const.lines(),
        labels=labels.lines(),
        metas=metas,
        checks=checks,
        values=[(lit(s.key), lit(s.kind), lit(s.decimals), lit(s.choices)) for s in slots if s.section == "values"],
        fields=[(lit(s.key), lit(s.kind), lit(s.decimals), lit(s.choices)) for s in slots if s.section == "fields"],
        texts=[lit(s.key) for s in slots if s.section == "texts"],
    )


def module_name(spec: ir.Spec) -> str:
    name = ident(f"{spec.id}_{spec.version}")
    return name if name[:1].isalpha() or name[:1] == "_" else f"v_{name}"


def emit(spec: ir.Spec) -> Files:
    return {f"{module_name(spec)}.py": module_text(spec)}


TARGET = Target("python", "standalone Python validator module (standard library only), same results as gaidsl", emit)
