"""Open dimensions in the generated Python module (docs/open-dimensions.md): the same results as the reference
evaluator, in time linear in the number of entered members.

The reference evaluator closes the spec for each report (:func:`gaidsl.checking.open_members.close`): a position at
the slot is repeated per member, a slot cell anywhere else is the sum over the members. The generated module does
the same without building anything per report:

- the spec is closed once, at build time, with one *stand-in* member per open dimension (a key and a label of
  private-use characters nobody types), and planned and written as any spec: a position at the stand-in is the code
  of a position at a member. At run time that code runs in a loop over the report's members, the member's values put
  in the stand-in's places of the values list first (only the cells the position reads), and the stand-in's key,
  label and short name replaced by the member's in the record it writes (one pass, so an entered label is never
  read again);
- a position elsewhere that reads a slot cell (a total over the entered rows), a rule on the number of members, and
  the coded hierarchy's checks (each entered parent = the sum of its entered children) read a number of cells that
  depends on the report: they are written as data (the check's expression as nested tuples) for a small evaluator
  in the module that mirrors :mod:`gaidsl.checking.evaluate` and :mod:`gaidsl.checking.explain` for sums,
  comparisons and their connectives;
- a member that last year's report did not have is unverifiable in a check across periods (as the evaluator says).

What this does not write is refused with GAI611 (a check at each member that also reads a sum over members,
arithmetic between cells or a text block in a check over a sum of entered rows), naming the check.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from decimal import Decimal

import attrs

from gaidsl.checking.coded_checks import with_codes
from gaidsl.checking.evaluate import cell_labels, in_spec_language
from gaidsl.checking.explain import name_of as name_in_both
from gaidsl.checking.explain import quoted_text, text_condition_words, where_of
from gaidsl.checking.open_members import close
from gaidsl.checking.record_data import member_keys
from gaidsl.checking.records import count_checks, record_label, record_tables
from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.targets import Files, Unrenderable, environment
from gaidsl.targets.python import plan as P
from gaidsl.targets.python import target as T
from gaidsl.targets.python.target import Rewrite
from gaidsl.targets.python.writer import module_name

_MARK = "\U000f0000"  # a private-use character: the stand-ins are made of it and nothing else a report holds
RECORD = f"{_MARK}r{_MARK}"
"""The stand-in record's number (the module's ``_RECORD``): record checks are named at it, then at each record."""


def stand_in(index: int, language: str = "zh") -> tuple[str, str, str]:
    """The stand-in member of the ``index``-th open dimension: (key, label, the label's short name). The label
    starts like 「一、…」 so that a message naming the row by its short name (:func:`short_label`) shows a text of
    its own, replaced by the member's short name at run time; in a spec not in Chinese the short name is made of
    private-use characters too (``explain.STAND_IN_SHORT``), so the module holds no Chinese."""
    if language != "zh":
        short = f"{_MARK}o{index}{_MARK}"
        return f"{_MARK}k{index}{_MARK}", f"{short}{_MARK}l{index}{_MARK}", short
    short = "九十九九十" + "九" * index
    return f"{_MARK}k{index}{_MARK}", f"{short}、{_MARK}l{index}{_MARK}", short


def explain_where(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance) -> Text:
    """Where a position is, as the module writes it in its data: in a spec in English, English in both slots (as
    the reference's findings are: ``in_spec_language``), so the module holds no Chinese of its own."""
    return in_spec_language(spec, where_of(spec, check, instance))


def name_of(spec: ir.Spec, check: ir.Check, instance: ir.CheckInstance, kind: str, key: str, previous: bool) -> Text:
    """What a message calls a cell, in the spec's language as :func:`explain_where` says a position."""
    return in_spec_language(spec, name_in_both(spec, check, instance, kind, key, previous))


def position_item(spec: ir.Spec, check: ir.Check, at: ir.CheckInstance, expr: object) -> tuple[object, ...]:
    """The data the module's evaluator judges a position by (``_G<n>``, ``_R<n>``, and the JavaScript module's
    ``G<n>``, ``R<n>``): the check, where ``at`` is, and the encoded expression."""
    where = explain_where(spec, check, at)
    head = (check.key, check.severity, at.position, at.position_labels, check.section, check.table)
    return (*head, check.message.zh, check.message.en, where.zh, where.en, check.tolerance, expr)


class OpenRefused(Unrenderable):
    """GAI611: a check the generated Python module cannot compute over open rows (say which and why)."""


def _refuse(
    check: ir.Check, why_zh: str, why_en: str, over: tuple[str, str] = ("开放维度", "open rows")
) -> OpenRefused:
    return OpenRefused(
        Text(
            f"GAI611：生成的校验器不能计算{over[0]}上的检查「{check.key}」：{why_zh}；请用 gaidsl validate 校验",
            f"GAI611: the generated validators cannot compute check '{check.key}' over {over[1]}: {why_en}; "
            "validate with gaidsl validate",
        )
    )


HierarchyColumn = tuple[str, tuple[str, ...], str, str, int, bool]
HierarchyTable = tuple[str, str, int, tuple[int, ...], tuple[HierarchyColumn, ...]]


def _lit(value: object) -> str:
    """A Python literal of nested tuples of str, int, bool, None and Decimal (``D('1.50')``)."""
    if isinstance(value, Decimal):
        return f"D({str(value)!r})"
    if isinstance(value, tuple):
        inner = ", ".join(_lit(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def _meta_value(pos: P.Position) -> tuple[object, ...]:
    """A position's static part as ``targets.python.target._meta`` writes it, as a value."""
    check, instance = pos.check, pos.instance
    refs = tuple(
        (r.kind, r.key, r.previous, r.labels, r.name_zh, None if r.name_en == r.name_zh else r.name_en)
        for r in pos.refs
    )
    head = (check.key, check.severity, instance.position, instance.position_labels, check.section, check.table)
    return (*head, check.message.zh, check.message.en, pos.where_zh, pos.where_en, refs)


def _member_lit(value: object, tokens: re.Pattern[str], names: dict[str, str]) -> str:
    """A Python expression of ``value`` (nested tuples of str, bool, None) in which each stand-in text of a str
    (``tokens`` finds them) is the member's (``names``: stand-in text → the expression of the member's)."""
    if isinstance(value, tuple):
        inner = ", ".join(_member_lit(v, tokens, names) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if not isinstance(value, str):
        return repr(value)
    parts = tokens.split(value)
    if len(parts) == 1:
        return repr(value)
    pieces = []
    for n, part in enumerate(parts):
        if n % 2:
            pieces.append(names[part])
        elif part:
            pieces.append(repr(part))
    return "(" + " + ".join(pieces) + ")"


def _is_total(expr: tuple[object, ...]) -> bool:
    """Whether an encoded expression is a cell compared with one sum over members (``_total`` in the module)."""
    match expr:
        case ("cmp", _, ("c", *_), ("+", ((1, ("s", *_)),))):
            return True
    return False


def _record_writer(name: str, refs: tuple[object, ...]) -> str:
    """A function of the module that writes what ``_record(mp, s, xs, cmp, msg)`` writes for a position reading
    ``refs`` (its cells, fields and texts: (kind, key, previous, …)), straight-line when every value is a number
    (one dict per cell; the general _record otherwise)."""
    count = len(refs)
    xs = ", ".join(f"x{n}" for n in range(count))
    rs = ", ".join(f"r{n}" for n in range(count))
    numbers = " and ".join(f"(x{n}.__class__ is int or x{n}.__class__ is D)" for n in range(count))
    lines = [
        f"def {name}(mp, s, xs, cmp, msg):",
        f"    ({xs},) = xs",
        f"    if not ({numbers}):",
        "        return _record(mp, s, xs, cmp, msg)",
        f"    ({rs},) = mp[10]",
    ]
    lines += [f"    j{n} = D(x{n}) if x{n}.__class__ is int else x{n}" for n in range(count)]
    cells, values = [], []
    for n, ref in enumerate(refs):
        assert isinstance(ref, tuple)
        kind, previous = ref[0], bool(ref[2])
        cells.append(
            f'{{"kind": {kind!r}, "key": r{n}[1], "previous": {previous}, "labels": [*r{n}[3]], "value": j{n}}}'
        )
        before = "'previous.' + " if previous else ""
        values.append(f"{before}r{n}[1]: j{n}")
    # the record as _result writes it, in place (one call fewer per record)
    lines += [
        "    if cmp:",
        "        op, left, right, difference, tolerance = cmp",
        "        left = D(left) if left.__class__ is int else left",
        "        right = D(right) if right.__class__ is int else right",
        "        difference = D(difference) if difference.__class__ is int else difference",
        "    else:",
        "        op = left = right = difference = tolerance = None",
        "    return {",
        '        "check": mp[0], "severity": mp[1], "status": s, "position": mp[2], "position_labels": [*mp[3]],',
        '        "section": mp[4], "table": mp[5],',
        f'        "cells": [{", ".join(cells)}],',
        f'        "values": {{{", ".join(values)}}},',
        '        "blank": [], "unknown": [], "op": op, "left": left, "right": right, "difference": difference,',
        '        "tolerance": tolerance, "message": {"zh": msg[0], "en": msg[1]}, "rule": {"zh": mp[6], "en": mp[7]},',
        "    }",
    ]
    return "\n".join(lines)


def _is_count(expr: tuple[object, ...]) -> bool:
    """Whether an encoded expression compares the number of entered members with a constant (``_count``)."""
    match expr:
        case ("cmp", _, ("n", _), ("k", _)):
            return True
    return False


def _split(cell: str) -> tuple[str, str | None, str]:
    parts = cell.split(".")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], None, parts[-1])


class OpenLayer:
    """Everything :func:`module_text` adds for ``spec``'s open dimensions (a :class:`targets.python.target.Layer`)."""

    def __init__(self, spec: ir.Spec) -> None:
        self.spec = spec
        self.dims = list(spec.open_dimensions)  # index → dimension
        self.stand_ins: dict[str, tuple[str, str, str]] = {
            d: stand_in(i, spec.language) for i, d in enumerate(self.dims)
        }
        members = {d: (EnteredMember(s[0], s[1]),) for d, s in self.stand_ins.items()}
        self.closed = close(spec, members)
        self.shown = {d: with_codes(spec.open_dimensions[d], members[d])[0].label for d in self.dims}
        self.cells = {key: index for index, key in enumerate(self.closed.cells)}
        self.slot_dim = {o.slot: d for d, o in spec.open_dimensions.items()}
        # the stand-in cells of each dimension: (closed key, index in the values list), and the open cells by key
        self.member_cells: dict[str, list[tuple[str, int]]] = {d: [] for d in self.dims}
        self.open_cells: dict[tuple[str, str], tuple[int, int, str, str]] = {}  # (table, column) → dim, index…
        for cell in spec.cells.values():
            if cell.row is not None and cell.row in self.slot_dim:
                d = self.slot_dim[cell.row]
                closed_key = spec.tables[cell.table].cell_key(self.stand_ins[d][0], cell.column)
                index = self.cells[closed_key]
                self.member_cells[d].append((closed_key, index))
                self.open_cells[(cell.table, cell.column)] = (self.dims.index(d), index, cell.type.kind, closed_key)
        self.by_instance: dict[int, tuple[ir.Check, ir.CheckInstance]] = {}  # closed instance → open one
        for check, closed in zip(spec.checks, self.closed.checks, strict=False):
            for instance, closed_instance in zip(check.instances, closed.instances, strict=True):
                self.by_instance[id(closed_instance)] = (check, instance)
        self.generic: list[str] = []  # the _G literals
        # lists of records (docs/records.md): the checks that read them are items for the module's evaluator,
        # named at one stand-in record; the writer gets the spec without them
        self.writer_spec = attrs.evolve(self.closed, records={}, record_checks=(), record_aggregates={})
        tables, cells = record_tables(self.closed, {key: [RECORD] for key in spec.records})
        self.named = attrs.evolve(self.closed, tables=tables, cells=cells)
        self.lists = list(spec.records)
        self.record_items: list[str] = []
        self.record_names: list[str] = []
        self.member_metas: list[str] = []  # the _P<n>_at and _P<n>_record functions
        self.across = sorted(c.key for c in spec.checks if c.across_periods)
        self.checks_beside = spec.record_checks  # Layer: the record checks' text tests need the helpers

    # ---- positions
    def position(self, pos: P.Position, number: int, lines: list[str], rewrite: Rewrite) -> list[str]:
        """The lines of position ``number`` (``pos``) in a module over open rows: at each member, on the fixed rows,
        or as an item of the module's evaluator; ``rewrite`` writes them again with another name for its static
        part or another record writer."""
        if pos.check.origin == "members":
            return self._generic_call(pos.check, pos.instance, self._count_expr(pos.check))
        check, instance = self.by_instance[id(pos.instance)]
        slots = self._slots_read(instance.expr)
        if instance.position is not None and instance.position in self.slot_dim:
            if slots - {instance.position}:
                raise _refuse(
                    check, "它在每个成员处又读取了成员之和", "it reads a sum over entered members at each member"
                )
            return self._loop(pos, number, instance.position, lines, rewrite)
        if not slots:
            return self._fixed(pos, number, lines, rewrite)
        over_rows = _Encoder(self, check, instance, instance, "fixed", ("开放维度", "open rows"))
        return self._generic_call(check, instance, over_rows.encode(instance.expr))

    def _fixed(self, pos: P.Position, number: int, lines: list[str], rewrite: Rewrite) -> list[str]:
        """A position of the fixed rows, its record written straight-line (``_P<n>_record``, as at a member) when
        it reads a cell, field or text; else its lines as they are."""
        refs = _meta_value(pos)[10]
        assert isinstance(refs, tuple)
        if not refs:
            return lines
        self.member_metas.append(_record_writer(f"_P{number}_record", refs))
        return rewrite(f"_P{number}", f"_P{number}_record")

    def _slots_read(self, expr: ir.BoolExpr) -> set[str]:
        found: set[str] = set()
        for node in ir.walk(expr):
            if isinstance(node, ir.CellRef):
                row = _split(node.cell)[1]
                if row is not None and row in self.slot_dim:
                    found.add(row)
        return found

    def _loop(self, pos: P.Position, number: int, slot: str, lines: list[str], rewrite: Rewrite) -> list[str]:
        d = self.slot_dim[slot]
        i = self.dims.index(d)
        mine = {key for key, _ in self.member_cells[d]}
        out = [f"for _m in v[-1].members[{i}]:  # each entered member"]
        now = sorted({self.cells[r.key] for r in pos.refs if r.kind == "cell" and r.key in mine and not r.previous})
        before = sorted({self.cells[r.key] for r in pos.refs if r.kind == "cell" and r.key in mine and r.previous})
        if now:
            out.append("    mv = _m[4]")
            out.extend(f"    v[{c}] = mv[{c}]" for c in now)
        if before:
            out.append("    if pv is not None:")
            out.append(f"        pmv = v[-1].previous_of({i}, _m[0])")
            out.extend(f"        pv[{p}] = pmv[{p}]" for p in before)
        at_member = self._at_member(pos, number, i, lines, rewrite)
        if at_member is not None:
            out.extend(f"    {line}" for line in at_member)
            return out
        out.append("    n0 = len(out)")
        out.extend(f"    {line}" for line in lines)
        out.append("    if len(out) != n0:")
        out.append(f"        out[-1] = _as_member(out[-1], {i}, _m)")
        return out

    def _at_member(self, pos: P.Position, number: int, i: int, lines: list[str], rewrite: Rewrite) -> list[str] | None:
        """The position's lines with its static part (``_P<n>``: where, names, cell keys and labels) made for the
        member ``_m`` by a function of the member (``_P<n>_at``, straight-line concatenations) as ``mp``, built
        only when a result is written; None when a text the lines embed names the stand-in (then the record is
        rewritten)."""
        code = "\n".join(lines)
        d = self.dims[i]
        key, label, short = self.stand_ins[d]
        # the member m: its key, label, label as the row shows it, short name (as _as_member replaces them)
        names = {key: "m[0]", label: "m[1]", short: "m[3]", self.shown[d]: "m[2]"}
        tokens = re.compile("(" + "|".join(re.escape(t) for t in sorted(names, key=len, reverse=True)) + ")")
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and tokens.search(node.value):
                return None
        meta = _meta_value(pos)
        self.member_metas.append(f"def _P{number}_at(m):\n    return {_member_lit(meta, tokens, names)}")
        refs = meta[10]
        assert isinstance(refs, tuple)
        record = "_record"
        if refs:
            self.member_metas.append(_record_writer(f"_P{number}_record", refs))
            record = f"_P{number}_record"
        body = rewrite("mp", record)
        at = body.index("if s in want:") + 1
        return [*body[:at], f"    mp = _P{number}_at(_m)", *body[at:]]

    # ---- positions whose cells depend on the report: data for the module's evaluator
    def _generic_call(self, check: ir.Check, instance: ir.CheckInstance, expr: tuple[object, ...]) -> list[str]:
        number = len(self.generic)
        self.generic.append(f"_G{number} = {_lit(position_item(self.spec, check, instance, expr))}")
        judge = "_total" if _is_total(expr) else "_count" if _is_count(expr) else "_generic"
        return [f"{judge}(_G{number}, v, f, pv, pf, want, out)"]

    def _count_expr(self, check: ir.Check) -> tuple[object, ...]:
        (instance,) = check.instances
        expr = instance.expr
        assert isinstance(expr, ir.Compare) and isinstance(expr.right, ir.Const)
        dimension = check.key.split(".")[1]
        return ("cmp", expr.op, ("n", self.dims.index(dimension)), ("k", expr.right.value))

    def _cell(self, check: ir.Check, instance: ir.CheckInstance, key: str, previous: bool) -> tuple[object, ...]:
        cell = self.spec.cells[key]
        amount = cell.type.kind == "amount"
        if not cell.type.numeric:
            raise _refuse(check, "读取文本单元格", "it reads a text cell")
        if cell.row is None or cell.row not in self.slot_dim:
            name = name_of(self.closed, check, instance, "cell", key, previous)
            labels = cell_labels(self.closed, self.closed.cells[key])
            return ("c", key, previous, labels, name.zh, name.en, amount, self.cells[key])
        table = self.spec.tables[cell.table]
        column = table.columns.by_key[cell.column]
        dim, index, _, _ = self.open_cells[(cell.table, cell.column)]
        by_row = check.broadcast == "column" and cell.column == instance.position
        prefix = f"{table.label or table.key} · " if cell.table != check.table else ""
        how = ("row", prefix, "") if by_row else ("rowcol", prefix, column.label)
        return ("s", dim, table.key, cell.column, previous, column.labels, how, amount, index)

    # ---- lists of records
    def _records(self) -> None:
        """The items of the checks that read records, in the evaluator's order (docs/records.md)."""
        for check in self.spec.record_checks:
            for instance in check.instances:
                self._record_item(check, instance)
        for check in count_checks(self.spec, {key: 0 for key in self.spec.records}):
            (instance,) = check.instances
            expr = instance.expr
            assert isinstance(expr, ir.Compare) and isinstance(expr.right, ir.Const)
            i = self.lists.index(check.key.split(".")[1])
            encoded = ("cmp", expr.op, ("nr", i), ("k", expr.right.value))
            self._add_record_item("fixed", 0, check, instance, instance, encoded)

    def _record_item(self, check: ir.Check, instance: ir.CheckInstance) -> None:
        position = instance.position
        if position == ir.RECORD_SLOT:
            assert check.table is not None
            kind, index = "record", self.lists.index(check.table)
            at = ir.CheckInstance(RECORD, (record_label(RECORD),), instance.expr)
        elif position is not None and position in self.slot_dim:
            d = self.slot_dim[position]
            kind, index = "member", self.dims.index(d)
            at = ir.CheckInstance(self.stand_ins[d][0], (self.shown[d],), instance.expr)
        else:
            kind, index, at = "fixed", 0, instance
        encoded = _Encoder(self, check, instance, at, kind).encode(instance.expr)
        self._add_record_item(kind, index, check, instance, at, encoded)

    def _add_record_item(
        self,
        kind: str,
        index: int,
        check: ir.Check,
        instance: ir.CheckInstance,
        at: ir.CheckInstance,
        expr: tuple[object, ...],
    ) -> None:
        name = f"_R{len(self.record_items)}"
        self.record_items.append(f"{name} = {_lit((kind, index, position_item(self.named, check, at, expr)))}")
        self.record_names.append(name)

    def _record_lists(self) -> list[str]:
        rows = []
        for records in self.spec.records.values():
            fields = {}
            for field in records.fields:
                t = field.type
                fixed = None if field.dimension is None else tuple(sorted(member_keys(self.spec, field.dimension)))
                dim = self.dims.index(field.dimension) if field.dimension in self.dims else None
                fields[field.key] = (t.kind, t.decimals, tuple(t.choices), fixed, dim)
            rows.append(f"({records.key!r}, {_dict_lit(fields)})")
        return rows

    # ---- the coded hierarchies' checks, made at run time
    def _hierarchies(self) -> list[str]:
        return [_lit(row) for row in self.hierarchy_tables()]

    def hierarchy_tables(self) -> list[HierarchyTable]:
        """Per table of a coded hierarchy: (table, section, dimension's index, code lengths, columns), a column as
        (key, labels, where zh, where en, its stand-in cell's index, amount): the data of the hierarchy checks of
        the Python module (``_HIERARCHIES``) and of the JavaScript one."""
        rows: list[HierarchyTable] = []
        for table in self.spec.tables.values():
            opened = table.rows.open if table.rows is not None else None
            if opened is None or opened.coded is None or not opened.coded.levels:
                continue
            columns = []
            for column in table.columns.data_members:
                slot_cell = table.cell_key(opened.slot, column.key)
                cell = self.spec.cells.get(slot_cell)
                if cell is None or not cell.type.numeric:
                    continue
                probe = ir.CheckInstance(
                    column.key, column.labels, ir.Compare("==", ir.Const(Decimal(0)), ir.Const(Decimal(0)))
                )
                where = explain_where(self.spec, _probe_check(table), probe)
                index = self.open_cells[(table.key, column.key)][1]
                amount = cell.type.kind == "amount"
                columns.append((column.key, column.labels, where.zh, where.en, index, amount))
            if not columns:
                continue
            dim = self.dims.index(opened.dimension)
            levels = tuple(level.length for level in opened.coded.levels)
            rows.append((table.key, table.section, dim, levels, tuple(columns)))
        return rows

    # ---- the module's tail
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
            dims.append(
                _lit(
                    (
                        d,
                        key,
                        label,
                        short,
                        self.shown[d],
                        opened.key_pattern,
                        tuple(fixed),
                        tuple(index for _, index in self.member_cells[d]),
                        coded is not None,
                        levels,
                        codes,
                    )
                )
            )
        open_cells = {f"{t}\x00{c}": v for (t, c), v in self.open_cells.items()}
        stand_in_keys = sorted(key for d in self.dims for key, _ in self.member_cells[d])
        template = environment(T.HERE).get_template("open_parts.py.j2")
        return str(
            template.render(
                dims=dims,
                open_cells=repr(open_cells),
                stand_in_keys=repr(tuple(stand_in_keys)),
                generic=self.generic,
                member_metas=self.member_metas,
                record_lists=self._record_lists(),
                record_items=self.record_items,
                record_names=self.record_names,
                hierarchies=self._hierarchies(),
                across=repr(tuple(self.across)),
                zh=self.spec.language == "zh",  # the messages' words, as the fixed part's (validator.py.j2)
            )
        )


class _Encoder:
    """A check as an expression of the module's evaluator, at one position (``at``: the stand-in member or record
    there): a check that reads records, or one whose cells depend on the report (a sum over entered rows)."""

    def __init__(
        self,
        layer: OpenLayer,
        check: ir.Check,
        instance: ir.CheckInstance,
        at: ir.CheckInstance,
        kind: str,
        over: tuple[str, str] = ("记录列表", "lists of records"),
    ) -> None:
        self.layer, self.check, self.instance, self.at, self.kind = layer, check, instance, at, kind
        self.over = over  # what the refusal says the check is over

    def refuse(self, why_zh: str, why_en: str) -> OpenRefused:
        return _refuse(self.check, why_zh, why_en, self.over)

    def encode(self, expr: ir.Expr) -> tuple[object, ...]:
        match expr:
            case ir.Compare(op=op, left=left, right=right):
                texts = self.is_text(left) or self.is_text(right)  # == or != of texts (dates, choices, members)
                return ("tcmp" if texts else "cmp", op, self.encode(left), self.encode(right))
            case ir.TextConst(value=value):  # shown as the evaluator shows it, in each language
                quoted = quoted_text(self.layer.spec, value)
                return ("t", value, (quoted.zh, quoted.en))
            case ir.TextTest() | ir.Mentions() | ir.Empty():  # the text read first: refused there if it must be
                text = self.encode(expr.arg)
                yes, no = text_condition_words(expr, self.text_name(expr.arg))
                words = (yes.zh, yes.en, no.zh, no.en)
                if isinstance(expr, ir.TextTest):
                    return ("tt", expr.kind, expr.value, words, text)
                if isinstance(expr, ir.Mentions):
                    return ("mentions", expr.words, None, words, text)
                return ("empty", None, None, words, text)
            case ir.Length(arg=arg):
                text = self.encode(arg)
                name = self.text_name(arg)
                return ("len", (f"length({name.zh})", f"length({name.en})"), text)
            case ir.And(args=args) | ir.Or(args=args):
                return ("and" if isinstance(expr, ir.And) else "or", tuple(self.encode(a) for a in args))
            case ir.Not(arg=arg):
                return ("not", self.encode(arg))
            case ir.Implies(condition=condition, then=then):
                return ("imp", self.encode(condition), self.encode(then))
            case ir.Sum(terms=terms):
                return ("+", tuple((sign, self.encode(t)) for sign, t in terms))
            case ir.Scale(factor=factor, arg=arg):
                return ("*", factor, self.encode(arg))
            case ir.Const(value=value):
                return ("k", value)
            case ir.CellRef(cell=key, previous=previous):
                return self.cell(key, previous)
            case ir.FieldRef(field=key, previous=previous):
                spec_field = self.layer.spec.fields[key]
                name = name_of(self.layer.spec, self.check, self.instance, "field", key, previous)
                amount = spec_field.type.kind == "amount"
                return ("f", key, previous, (spec_field.label,), name.zh, name.en, amount)
            case ir.TextRef():
                raise self.refuse("读取文本块", "it reads a text block")
            case _:
                raise self.refuse("含单元格之间的运算", "it has arithmetic between cells")

    def is_text(self, expr: ir.Expr) -> bool:
        """``ir.is_text`` over a check that reads records: an aggregate is a number, a record's field its type."""
        spec = self.layer.spec
        if isinstance(expr, ir.CellRef):
            if expr.cell in spec.record_aggregates:
                return False
            parts = expr.cell.split(".")
            if len(parts) == 3 and parts[1] == ir.RECORD_SLOT and parts[0] in spec.records:
                found = spec.records[parts[0]].field(parts[2])
                return found is not None and not found.type.numeric
        return ir.is_text(spec, expr)

    def text_name(self, arg: ir.TextOperand) -> Text:
        """What a message calls the text a text function reads, at this position (the stand-in record's number
        in it, replaced by the record's at run time)."""
        assert not isinstance(arg, ir.TextRef)  # refused by encode(), which reads the text first
        if isinstance(arg, ir.FieldRef):
            return name_of(self.layer.named, self.check, self.at, "field", arg.field, arg.previous)
        parts = arg.cell.split(".")
        key = self.layer.spec.records[parts[0]].cell_key(RECORD, parts[2]) if parts[1] == ir.RECORD_SLOT else arg.cell
        return name_of(self.layer.named, self.check, self.at, "cell", self.closed_key(key), arg.previous)

    def closed_key(self, key: str) -> str:
        """A cell's key in the closed spec (a cell of the slot row at each member: the stand-in member's)."""
        cell = self.layer.spec.cells.get(key)
        if cell is not None and cell.row is not None and cell.row == self.instance.position and self.kind == "member":
            d = self.layer.slot_dim[cell.row]
            return self.layer.spec.tables[cell.table].cell_key(self.layer.stand_ins[d][0], cell.column)
        return key

    def cell(self, key: str, previous: bool) -> tuple[object, ...]:
        layer, spec = self.layer, self.layer.spec
        aggregate = spec.record_aggregates.get(key)
        if aggregate is not None:
            return self.aggregate(aggregate)
        parts = key.split(".")
        if len(parts) == 3 and parts[1] == ir.RECORD_SLOT and parts[0] in spec.records:
            if previous or self.kind != "record":
                raise self.refuse("读取上年的记录", "it reads last year's records")
            return self.record_cell(parts[0], parts[2], ("rc",))
        cell = spec.cells[key]
        closed = self.closed_key(key)  # the member's own cell at each member, read as its stand-in's
        if closed != key or cell.row is None or cell.row not in layer.slot_dim:
            name = name_of(layer.named, self.check, self.at, "cell", closed, previous)
            labels = cell_labels(layer.named, layer.named.cells[closed])
            amount = cell.type.kind == "amount"
            return ("c", closed, previous, labels, name.zh, name.en, amount, layer.cells[closed])
        return layer._cell(self.check, self.instance, key, previous)  # a sum over the entered members

    def record_cell(self, name: str, field: str, head: tuple[object, ...]) -> tuple[object, ...]:
        layer = self.layer
        records = layer.spec.records[name]
        found = records.field(field)
        assert found is not None
        key = records.cell_key(RECORD, field)
        said = name_of(layer.named, self.check, self.at, "cell", key, False)
        labels = cell_labels(layer.named, layer.named.cells[key])
        amount = found.type.kind == "amount"
        if head == ("rc",):
            return ("rc", layer.lists.index(name), name, field, labels, said.zh, said.en, amount)
        return (*head, amount, labels, said.zh, said.en)

    def aggregate(self, aggregate: ir.RecordAggregate) -> tuple[object, ...]:
        if self.kind == "record":
            raise self.refuse("在每条记录处又汇总记录", "it aggregates records at each record")
        layer = self.layer
        i = layer.lists.index(aggregate.records)
        where = tuple((t.field, t.op, t.value) for t in aggregate.where)
        wanted: tuple[object, ...]
        if self.kind == "member":
            wanted = ("member",)
        else:
            position = self.instance.position
            keys: tuple[str, ...] = (position,) if position is not None else ()
            table = layer.closed.tables.get(self.check.table) if self.check.table is not None else None
            axis = table.axis(self.check.broadcast) if table is not None and self.check.broadcast is not None else None
            member = axis.by_key.get(position) if axis is not None and position is not None else None
            if member is not None and member.kind == "total":
                keys = tuple(member.sums)
            wanted = ("fixed", keys)
        if aggregate.op == "count":
            return ("a", i, aggregate.records, "count", None, False, where, wanted, (), "", "")
        assert aggregate.field is not None
        head = ("a", i, aggregate.records, aggregate.op, aggregate.field)
        amount, labels, zh, en = self.record_cell(aggregate.records, aggregate.field, head)[5:]
        return (*head, amount, where, wanted, labels, zh, en)


def _dict_lit(value: Mapping[str, tuple[object, ...]]) -> str:
    return "{" + ", ".join(f"{k!r}: {_lit(v)}" for k, v in value.items()) + "}"


def _probe_check(table: ir.Table) -> ir.Check:
    """A check of ``table`` per column (as a hierarchy check is), for where its results are."""
    return ir.Check(
        key="hierarchy",
        label="",
        severity="error",
        message=Text("", ""),
        tolerance=None,
        broadcast="column",
        table=table.key,
        section=table.section,
        origin="hierarchy",
        instances=(),
        span=None,
    )


def module_text(spec: ir.Spec) -> str:
    """The generated module of a spec with open dimensions."""
    layer = OpenLayer(spec)
    return T.module_text(layer.writer_spec, layer)


def emit(spec: ir.Spec) -> Files:
    """The python target's files: a spec with open dimensions through :func:`module_text`, any other as before."""
    if not spec.open_dimensions and not spec.records:
        return T.emit(spec)
    return {f"{module_name(spec)}.py": module_text(spec)}


TARGET = attrs.evolve(T.TARGET, emit=emit, open_dimensions=True, records=True)
"""The python target as the registry lists it (targets/registry.py)."""
