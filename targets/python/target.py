"""A standalone Python validator (standard library only) for a spec's reports: ``validate(data, previous=None)``,
``validate_many`` and ``validate_csv`` (a wide CSV, one report per line).

The module is straight-line code: one function per check (a ``# spec: file:line`` comment above it), one block per
position, computing the comparisons from this year's cells read in place (``v[17]``: the values are a list in cell
order; their names and keys are bound in the block that writes a result, the only one that needs them), exactly:
whole numbers (counts, integers) as ``int``, anything with an amount or a decimal constant in ``Decimal``
arithmetic (100 digits, as the reference evaluator). An ``int`` sum equals the evaluator's ``Decimal`` sum of the
same whole numbers, exponent included, and results turn ints back into Decimals, so nothing a user sees changes.
The results are the reference evaluator's result records
(``gaidsl.checking.evaluate.Evaluation.to_json_dict()["results"]``), field for field; the differential tests hold it
to that. Every label, message and key is embedded with ``repr()``, never pasted into the code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from gaidsl.checking.required import Absent, requirements
from gaidsl.language import ir
from gaidsl.language.formats import FORMATS, USCC_ALPHABET
from gaidsl.targets import Files, Target, environment
from gaidsl.targets.python import arithmetic as A
from gaidsl.targets.python import plan as P
from gaidsl.targets.python.writer import CHUNK, Constants, Names, Writer, ident, module_name

HERE = Path(__file__).resolve().parent


def lit(value: object) -> str:
    """A Python literal for a str, bool, None, int or tuple of them (``repr`` escapes every odd character)."""
    return repr(value)


def comment(text: str) -> str:
    """Text safe inside a ``#`` comment: non-printable characters (line breaks, NUL, U+2028 …) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


_TOLERANT = {
    "==": "abs{d} <= {t}",
    "!=": "abs{d} > {t}",
    "<=": "{d} <= {t}",
    ">=": "{d} >= -{t}",
    "<": "{d} < -{t}",
    ">": "{d} > {t}",
}


class PythonWriter(Writer):
    """Python syntax: whole numbers as ``int`` where the evaluator's value is one (exponent 0), else ``Decimal``."""

    NONE, TRUE, FALSE, OR, AND, ZERO = "None", "True", "False", " or ", " and ", "_D0"
    SHOWN = "_qshown"

    def __init__(
        self,
        pos: P.Position,
        number: int,
        const: Constants,
        cells: dict[str, int],
        meta: str | None = None,
        record: str = "_record",
    ) -> None:
        super().__init__(pos, number, const)
        self.cells = cells  # cell key -> its place in the values list the checks read
        # the name of the position's static part (``_P<n>``, or ``mp`` when made per member) and the function
        # that writes its record (``_record``, or the position's straight-line ``_P<n>_record``): open_parts.py
        self.meta = f"_P{number}" if meta is None else meta
        self.record = record
        self.inline: dict[int, str] = {}  # ref index -> ``v[17]``: this year's cells, read where they are used
        self.named: list[str] = []  # ``x0 = v[17]  # key``: their names, bound only for a result's record

    def meta_name(self) -> str:
        return self.meta

    def var(self, index: int) -> str:
        """Ref ``index``'s value in the computation: ``v[17]`` for this year's cell (a list item read in place is
        cheaper than a name bound first, and most positions pass), else its name."""
        return self.inline.get(index, f"x{index}")

    lit = staticmethod(lit)

    def assign(self, name: str, expr: str) -> str:
        return f"{name} = {expr}"

    set = assign

    def cond(self, test: str, then: str, otherwise: str) -> str:
        return f"{then} if {test} else {otherwise}"

    def seq(self, items: Sequence[str]) -> str:
        return "(" + ", ".join(items) + ")"

    def seq_lit(self, values: Sequence[str]) -> str:
        return lit(tuple(values))

    def helper(self, name: str) -> str:
        return f"_{name}"

    def same(self, left: str, right: str, equal: bool) -> str:
        return f"{left} is {right}" if equal else f"{left} is not {right}"

    def equal(self, left: str, right: str, equal: bool) -> str:
        return f"{left} == {right}" if equal else f"{left} != {right}"

    def negate(self, expr: str) -> str:
        return f"not {expr}"

    def contains(self, text: str, word: str) -> str:
        return f"{word} in {text}"

    def blank_text(self, text: str) -> str:
        return f"not {text}.strip()"

    def text_test(self, text: str, kind: str, value: str) -> str:
        if kind == "starts_with":
            return f"{text}.startswith({lit(value)})"
        if kind == "ends_with":
            return f"{text}.endswith({lit(value)})"
        if kind == "matches":
            return f"_full_match({lit(value)}, {text})"
        return f"_format_holds({lit(value)}, {text})"

    def text_field(self, x: str) -> str:
        return f"({x} if {x}.__class__ is str else None)"

    def number_text(self, x: str) -> str:
        return f"_qt({x})" if A.comparison_has_arith(self.pos.single) else f"_t({x})"

    def arith_text(self, tree: P.Num) -> str:
        return f"_qt({A.python_code(tree, self.var, lambda node: self.const(node.value))})"

    def value_text(self, index: int) -> str:
        return f"str(x{index})" if self.whole(index) else f"format(x{index}, 'f')"

    def length_text(self, index: int) -> str:
        return f"str(len(c{index}))"

    def minus(self, left: str, right: str) -> str:
        if A.comparison_has_arith(self.pos.single):  # a computed difference, as findings show it
            return f"_qshown(_sub({left}, {right}))"
        return f"{left} - {right}"

    def concat(self, parts: Sequence[str]) -> str:
        if len(parts) > CHUNK:  # a long + chain nests too deep for the compiler
            return "''.join((" + ", ".join(parts) + "))"
        return super().concat(parts)

    def exact_test(self, op: str, left: str, right: str) -> str:
        if self.arith:
            return _TOLERANT[op].format(d=f"(_sub({left}, {right}))", t="0")
        return f"{left} {op} {right}"

    def tolerant_test(self, op: str, left: str, right: str, tolerance: str) -> str:
        if self.arith:  # the exact difference against the (Decimal) tolerance, as a rational
            return _TOLERANT[op].format(d=f"(_sub({left}, {right}))", t=f"_Q({tolerance})")
        return _TOLERANT[op].format(d=f"({left} - {right})", t=tolerance)

    # ---- reading
    def read(self) -> None:
        for ref in self.pos.refs:
            source = {"cell": "v", "field": "f", "text": "t"}[ref.kind]
            x = f"x{ref.index}"
            at = str(self.cells[ref.key]) if ref.kind == "cell" else lit(ref.key)
            note = f"  # {comment(ref.key)}" if ref.kind == "cell" else ""
            if ref.previous:
                self.emit(f"{x} = p{source}[{at}] if p{source} is not None else None{note}")
            elif ref.kind == "cell" and ref.numeric:  # a text cell is named at once: the text code reads x0
                self.inline[ref.index] = f"v[{at}]"
                self.named.append(f"{x} = v[{at}]{note}")
            else:
                self.emit(f"{x} = {source}[{at}]{note}")
            if ref.kind == "text" or (ref.kind == "cell" and not ref.numeric) or ref.text_read:  # read as a text
                self.emit(f"c{ref.index} = '' if {x} is BLANK else ({x} if {x}.__class__ is str else None)")

    # ---- numbers
    def whole(self, index: int) -> bool:
        """Ref ``index`` holds a whole number (count, integer): an ``int`` at run time."""
        return not self.pos.refs[index].amount

    def is_int(self, tree: P.Num) -> bool:
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

    def num(self, tree: P.Num) -> str:
        op = tree.op
        if op == "const":
            return str(int(tree.value)) if self.is_int(tree) else self.const(tree.value)
        if op == "var":
            return self.var(tree.index)
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
            assert tree.arg is not None
            return f"({self.const(tree.value)} * {self.num(tree.arg)})"
        if op == "hu":
            x = self.var(tree.index)
            return f"(_hu({x}) if {x}.__class__ is D else _D0)"
        raise TypeError(op)

    def guard(self, tree: P.Num) -> str:
        parts = []
        for kind, index in tree.needs():
            if kind == "num":
                parts.append(f"{self.var(index)}.__class__ is {'int' if self.whole(index) else 'D'}")
            else:
                parts.append(f"c{index} is not None")
        return " and ".join(parts)

    def side(self, name: str, tree: P.Num) -> None:
        if A.has_arith(tree):  # exact rationals: every operand evaluated, None for a missing value (no TypeError)
            self.emit(f"{name} = {A.python_code(tree, self.var, lambda node: self.const(node.value))}")
            return
        self._side(name, tree)

    def _side(self, name: str, tree: P.Num) -> None:
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

    @property
    def whole_only(self) -> bool:
        """The position computes with ints only (no Decimal arithmetic, so no decimal context is needed)."""
        return all(
            cmp.text
            or (
                cmp.left_num is not None
                and cmp.right_num is not None
                and cmp.tolerance is not None
                and self.is_int(cmp.left_num)
                and self.is_int(cmp.right_num)
                and cmp.tolerance.op == "const"
            )
            for cmp in self.pos.comparisons
        )

    def write(self) -> list[str]:
        self.read()
        arith = A.position_has_arith(self.pos)
        if arith:
            self.emit("z = []  # a quotient by zero (docs/arithmetic.md)")
        for cmp in self.pos.comparisons:
            self.compare(cmp)
        outcome = self.logic(self.pos.condition)
        self.emit(f"s = 'pass' if {outcome} is True else 'fail' if {outcome} is False else 'unverifiable'")
        self.emit("if s in want:")
        self.lines.extend(f"    {line}" for line in self.named)
        xs = ", ".join(f"x{r.index}" for r in self.pos.refs)
        self.emit(f"    xs = ({xs},)" if len(self.pos.refs) == 1 else f"    xs = ({xs})")
        self.emit("    if s == 'unverifiable':")
        if arith:
            self.emit(f"        m = _unverifiable_q({self.meta}, xs, z)")
        else:
            self.emit(f"        m = _unverifiable({self.meta}, xs)")
        self.emit("    else:")
        self.message("        ")
        self.emit(f"    out.append({self.record}({self.meta}, s, xs, {self.comparison_record()}, m))")
        return self.lines


def _meta(pos: P.Position, labels: Names[tuple[str, ...]]) -> str:
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


Rewrite = Callable[[str, str], list[str]]
"""The lines of a position written again with another name for its static part and another record writer."""


def _lines(
    spec: ir.Spec, pos: P.Position, number: int, const: Constants, cells: dict[str, int], meta: str, record: str
) -> list[str]:
    """:data:`Rewrite` for position ``number``."""
    writer = PythonWriter(pos, number, const, cells, meta, record)
    writer.chinese = spec.language == "zh"
    return writer.write()


class Layer(Protocol):
    """What a spec with open dimensions adds to the module (targets/python/open_parts.py)."""

    checks_beside: tuple[ir.Check, ...]
    """The checks it evaluates itself (those that read lists of records): the module's text helpers serve them too."""

    def position(self, pos: P.Position, number: int, lines: list[str], rewrite: Rewrite) -> list[str]: ...

    def tail(self) -> str: ...


def module_text(spec: ir.Spec, layer: Layer | None = None) -> str:
    labels = Names[tuple[str, ...]]("_L", lambda name, value: f"{name} = {lit(value)}")
    const = Constants("_K", lambda name, text: f"{name} = D({lit(text)})")
    const(Decimal(0))
    checks = []
    metas: list[str] = []
    cells = {key: index for index, key in enumerate(spec.cells)}  # the order of _VALUES
    whole_only = True
    for check_plan in P.plan(spec):
        body: list[str] = []
        for pos in check_plan.positions:
            number = len(metas)
            metas.append(_meta(pos, labels))
            label = "" if pos.instance.position is None else f" {pos.instance.position}"
            body.append(f"# position{comment(label)}")
            writer = PythonWriter(pos, number, const, cells)
            writer.chinese = spec.language == "zh"
            lines = writer.write()
            if layer is not None:
                rewrite = functools.partial(_lines, spec, pos, number, const, cells)
                lines = layer.position(pos, number, lines, rewrite)
            body.extend(lines)
            whole_only = whole_only and writer.whole_only
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
    text = template.render(
        zh=spec.language == "zh",  # the messages' words: a spec in English has English in both slots
        text_tests=P.ascii_helpers(spec, _text_test_helpers(spec, _beside(layer))) + A.python_helpers(spec),
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
        text_cells=any(not c.type.numeric for c in spec.cells.values()),
        signed=P.signed(spec),
        required=required_items(spec, cells),
        whole_only=whole_only,
        open=layer is not None,  # open dimensions or records: the tail's notes in the module's docstring
    )
    return text if layer is None else text + layer.tail()


def required_items(spec: ir.Spec, cells: dict[str, int]) -> list[str]:
    """``(kind, key, places of a table's cells, record if missing, record if unknown)`` per required item, the
    records those of gaidsl's evaluation (``Evaluation.to_json_dict()["missing"]``), as literals."""
    items = []
    for r in requirements(spec):
        places = tuple(cells[c] for c in r.cells)
        missing, unknown = (
            P.absent_record(spec, Absent(r.kind, r.key, r.label, s, r.part)) for s in ("missing", "unknown")
        )
        items.append(lit((r.kind, r.key, places, missing, unknown)))
    return items


def emit(spec: ir.Spec) -> Files:
    return {f"{module_name(spec)}.py": module_text(spec)}


TARGET = Target("python", "standalone Python validator module (standard library only), same results as gaidsl", emit)


def _beside(layer: Layer | None) -> tuple[ir.Check, ...]:
    return () if layer is None else layer.checks_beside


def _text_test_helpers(spec: ir.Spec, beside: tuple[ir.Check, ...] = ()) -> list[str]:
    """The lines of the field formats' helpers (issue 16), when a check of ``spec`` tests a text: the evaluator's
    :func:`gaidsl.checking.evaluate.text_test_holds`, with the built-in formats' table."""
    checks = (*spec.checks, *beside)
    if not any(isinstance(n, ir.TextTest) for c in checks for i in c.instances for n in ir.walk(i.expr)):
        return []
    formats = ", ".join(f"{lit(key)}: ({lit(f.regex)}, {lit(f.extra)})" for key, f in FORMATS.items())
    return [
        "# Field formats: a regular expression matches the whole text (ASCII classes, a dot matches a newline); the",
        "# check digit of a 统一社会信用代码 by GB 32100-2015; a date range's first date not after its second.",
        f"_FORMATS = {{{formats}}}",
        f"_USCC = {lit(USCC_ALPHABET)}",
        "",
        "",
        "@functools.lru_cache(maxsize=None)",
        "def _regex(pattern):",
        "    return re.compile(pattern, re.ASCII | re.DOTALL)",
        "",
        "",
        "def _full_match(pattern, text):",
        "    return _regex(pattern).fullmatch(text) is not None",
        "",
        "",
        "def _format_holds(key, text):",
        "    regex, extra = _FORMATS[key]",
        "    if not _full_match(regex, text):",
        "        return False",
        '    if extra == "uscc":',
        "        total = sum(_USCC.index(c) * pow(3, i, 31) for i, c in enumerate(text[:17]))",
        "        return _USCC[(31 - total % 31) % 31] == text[17]",
        '    if extra == "date_range":',
        '        first, _, second = text.partition("至" if "至" in text else "~")',
        "        return first <= second",
        "    return True",
        "",
        "",
    ]
