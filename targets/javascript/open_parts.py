"""Open dimensions in the generated JavaScript validator (docs/open-dimensions.md#generated-validators-and-sql): the
reference evaluator's records, record for record, in time linear in the number of entered members.

The same plan as the Python module's (``targets/python/open_parts.py``, whose :class:`OpenLayer` decides what is
written how): the spec is closed once with one *stand-in* member per open dimension and written as any spec; a
position at the stand-in runs once per entered member (the member's values put in the stand-in's cells of the values
object, its key, label and short name put in the record it writes); a total over the entered rows, a rule on their
number (``members.*``) and a coded hierarchy's checks (``hierarchy.*``) are written as data, the check's expression
as nested arrays, for a small evaluator in the module (``validator.mjs`` tail: ``open_parts.mjs.j2``) that words its
findings as gaidsl does. Numbers stay exact decimals over BigInt. What the Python module refuses (GAI611) is refused
here too, with the same words.

Lists of records (docs/records.md) likewise: the module reads ``records`` as gaidsl does (the same GAI codes), and
each check that reads records is data for the same small evaluator, named at the Python module's stand-in record
and run at each record, at each entered member or once (``checkRecords``): aggregates grouped once per aggregate by
their filtered fields' values, ``min``/``max`` shown as the evaluator shows a computed value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from gaidsl.checking.record_data import member_keys
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.language.formats import pattern_problem
from gaidsl.targets import Files, Unrenderable, environment
from gaidsl.targets.javascript import target as T
from gaidsl.targets.javascript.target import lit
from gaidsl.targets.python import plan as P
from gaidsl.targets.python.open_parts import RECORD, OpenLayer, position_item
from gaidsl.targets.python.target import Rewrite
from gaidsl.targets.python.writer import module_name


class KeyPatternRefused(Unrenderable):
    """GAI613: a key pattern the generated JavaScript validator would not read as gaidsl does."""


def key_pattern_source(dimension: str, pattern: str) -> str:
    """``pattern`` as a JavaScript regular expression (``u`` flag) that matches the keys Python's ``re`` matches:
    ``\\d`` is any Unicode decimal digit in Python (a key pattern is compiled without ``re.ASCII``), so it is
    written ``\\p{Nd}``; a pattern engines read differently (``\\w``, ``\\s``, ``(?i)`` …:
    :func:`gaidsl.language.formats.pattern_problem`) is refused with GAI613."""
    problem = pattern_problem(pattern)
    if problem is not None:
        _, why_zh, why_en = problem
        raise KeyPatternRefused(
            Text(
                f"GAI613：生成的 JavaScript 校验器不能按 gaidsl 的读法检查开放维度「{dimension}」的键模式 {pattern}："
                f"{why_zh}；请改写键模式（如用 [0-9]、[A-Z]）",
                f"GAI613: the generated JavaScript validator cannot check the key pattern {pattern} of open "
                f"dimension '{dimension}' as gaidsl reads it: {why_en}; rewrite the pattern (e.g. with [0-9], [A-Z])",
            )
        )
    out: list[str] = []
    index = 0
    while index < len(pattern):
        pair = pattern[index : index + 2]
        if pair in ("\\d", "\\D"):
            out.append("\\p{Nd}" if pair == "\\d" else "\\P{Nd}")
        elif pair.startswith("\\"):
            out.append(pair)
        else:
            out.append(pattern[index])
            index += 1
            continue
        index += 2
    return "".join(out)


def js_data(value: object) -> Any:
    """Nested tuples of str, int, bool, None and Decimal as JSON data: a Decimal as ``{"$d": "1.50"}`` (the module
    reads it back exactly, ``revive``)."""
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, tuple | list):
        return [js_data(v) for v in value]
    return value


def _written_once(meta: str, record: str) -> list[str]:
    raise AssertionError("the JavaScript module writes no position again (its records are written by its writer)")


class JavaScriptOpenLayer(OpenLayer):
    """:class:`OpenLayer` written in JavaScript: the loop over members, the data of the generic positions and the
    coded hierarchies, the module's tail."""

    def __init__(self, spec: ir.Spec) -> None:
        super().__init__(spec)
        self.keys = list(self.closed.cells)  # a place in the Python module's values list → the cell's key

    def position(self, pos: P.Position, number: int, lines: list[str], rewrite: Rewrite = _written_once) -> list[str]:
        """As the Python module's, each record written by the module's own writer (no position is written again)."""
        return super().position(pos, number, lines, rewrite)

    def _fixed(self, pos: P.Position, number: int, lines: list[str], rewrite: Rewrite) -> list[str]:
        return lines

    def _loop(self, pos: P.Position, number: int, slot: str, lines: list[str], rewrite: Rewrite) -> list[str]:
        d = self.slot_dim[slot]
        i = self.dims.index(d)
        mine = {key for key, _ in self.member_cells[d]}
        now = sorted({r.key for r in pos.refs if r.kind == "cell" and r.key in mine and not r.previous})
        before = sorted({r.key for r in pos.refs if r.kind == "cell" and r.key in mine and r.previous})
        out = [f"for (const m of v[OPEN].members[{i}]) {{ // each entered member"]
        if now:
            out.append("  const mv = m[4];")
            out.extend(f"  v[{lit(key)}] = mv[{lit(key)}];" for key in now)
        if before:
            out.append("  if (pv !== null) {")
            out.append(f"    const pmv = v[OPEN].previousOf({i}, m[0]);")
            out.extend(f"    pv[{lit(key)}] = pmv[{lit(key)}];" for key in before)
            out.append("  }")
        out.append("  const n0 = out.length;")
        out.append("  {")
        out.extend(f"    {line}" for line in lines)
        out.append("  }")
        out.append(f"  if (out.length !== n0) out[out.length - 1] = asMember(out[out.length - 1], {i}, m);")
        out.append("}")
        return out

    def _generic_call(self, check: ir.Check, instance: ir.CheckInstance, expr: tuple[object, ...]) -> list[str]:
        item = position_item(self.spec, check, instance, self._keyed(expr))
        number = len(self.generic)
        self.generic.append(f"const G{number} = revive({lit(js_data(item))});")
        return [f"generic(G{number}, v, f, pv, pf, want, out);"]

    def _keyed(self, expr: tuple[Any, ...]) -> tuple[Any, ...]:
        """``expr`` with each sum over a slot reading its stand-in cell by key (the Python module's place)."""
        match expr[0]:
            case "s":
                return (*expr[:-1], self.keys[expr[-1]])
            case "and" | "or":
                return (expr[0], tuple(self._keyed(a) for a in expr[1]))
            case "not":
                return ("not", self._keyed(expr[1]))
            case "cmp" | "imp":
                return (*expr[:-2], self._keyed(expr[-2]), self._keyed(expr[-1]))
            case "+":
                return ("+", tuple((sign, self._keyed(a)) for sign, a in expr[1]))
            case "*":
                return ("*", expr[1], self._keyed(expr[2]))
            case _:  # "k", "n", "c", "f": nothing read by place
                return expr

    def _add_record_item(
        self,
        kind: str,
        index: int,
        check: ir.Check,
        instance: ir.CheckInstance,
        at: ir.CheckInstance,
        expr: tuple[object, ...],
    ) -> None:
        """As the Python module's item (``_R<n>``), written ``const R<n> = revive([kind, index, item]);``."""
        item = position_item(self.named, check, at, self._keyed(expr))
        name = f"R{len(self.record_items)}"
        self.record_items.append(f"const {name} = revive({lit(js_data((kind, index, item)))});")
        self.record_names.append(name)

    def _record_list_rows(self) -> list[str]:
        """[list, [[field, kind, decimals, choices, fixed member keys or null, open dimension or null], …]] per list,
        as the Python module's ``_RECORDS``."""
        rows = []
        for records in self.spec.records.values():
            fields = []
            for field in records.fields:
                t = field.type
                fixed = None if field.dimension is None else sorted(member_keys(self.spec, field.dimension))
                dim = self.dims.index(field.dimension) if field.dimension in self.dims else None
                fields.append([field.key, t.kind, t.decimals, list(t.choices), fixed, dim])
            rows.append(lit([records.key, fields]))
        return rows

    def _hierarchy_rows(self) -> list[str]:
        """The Python module's ``_HIERARCHIES`` rows, a column's stand-in cell named by its key."""
        return [
            lit(js_data((t, section, dim, levels, tuple((*c[:4], self.keys[c[4]], c[5]) for c in columns))))
            for t, section, dim, levels, columns in self.hierarchy_tables()
        ]

    def tail(self) -> str:
        self._records()
        dims = []
        for d in self.dims:
            opened = self.spec.open_dimensions[d]
            key, label, short = self.stand_ins[d]
            fixed = sorted(
                {
                    m.key
                    for t in self.spec.tables.values()
                    if t.rows is not None and t.rows.open == opened
                    for m in t.rows.members
                    if m.key != opened.slot
                }
            )
            coded = opened.coded
            levels = tuple(level.length for level in coded.levels) if coded is not None else ()
            codes = tuple(sorted(coded.codes)) if coded is not None and coded.codes else None
            cells = tuple(closed_key for closed_key, _ in self.member_cells[d])
            item = (d, key, label, short, self.shown[d], opened.key_pattern, tuple(fixed), cells, coded is not None)
            source = None if opened.key_pattern is None else key_pattern_source(d, opened.key_pattern)
            dims.append(lit(js_data((*item, levels, codes, source))))
        open_cells = [
            lit([f"{table}\x00{column}", dim, kind, closed_key])
            for (table, column), (dim, _, kind, closed_key) in self.open_cells.items()
        ]
        template = environment(T.HERE).get_template("open_parts.mjs.j2")
        return str(
            template.render(
                dims=dims,
                open_cells=open_cells,
                generic=self.generic,
                hierarchies=self._hierarchy_rows(),
                across=lit(list(self.across)),
                record_lists=self._record_list_rows(),
                record_items=self.record_items,
                record_names=self.record_names,
                record_stand_in=lit(RECORD),
                zh=self.spec.language == "zh",  # the messages' words, as the fixed part's (validator.mjs.j2)
            )
        )


def module_text(spec: ir.Spec) -> str:
    """The generated module of a spec with open dimensions."""
    layer = JavaScriptOpenLayer(spec)
    return T.module_text(layer.writer_spec, layer)


def emit(spec: ir.Spec) -> Files:
    """The javascript target's files: a spec with open dimensions or lists of records through :func:`module_text`,
    any other as before."""
    if not spec.open_dimensions and not spec.records:
        return T.emit(spec)
    return {f"{module_name(spec)}.mjs": module_text(spec)}


TARGET = attrs.evolve(T.TARGET, emit=emit, open_dimensions=True, records=True)
"""The javascript target as the registry lists it (targets/registry.py)."""
