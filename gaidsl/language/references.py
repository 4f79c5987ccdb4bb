"""Names in check expressions resolved to concrete cells, fields and text blocks for one broadcast position.

A check ``for each column`` inside a table is lowered once per column; bare names then mean rows of that table,
``other.row`` means the same column of another table (whose columns must be the same), ``row[col]`` pins a column.
The operators and functions around the names: :mod:`gaidsl.language.expressions`, whose lowerer extends
:class:`References` (and shares this module's :class:`Typed`, :class:`Scope` and :class:`Failed`).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error, find_word
from gaidsl.language.open_axes import unnamed_member
from gaidsl.language.source import Span

NUM = "number"
BOOL = "condition"
TEXT = "text"


@attrs.frozen
class Typed:
    expr: ir.Expr
    kind: str
    unit: str | None = None
    constant: bool = False


@attrs.frozen
class Scope:
    table: ir.Table | None
    broadcast: str | None
    position: str | None


class Failed(Exception):
    """An expression could not be lowered; the diagnostic is already recorded."""


class SkipPosition(Exception):
    """A broadcast check at a total member reads the cell where the total crosses a text member, which does not
    exist (:func:`total_crossings`): the check has no instance there, as a 合计 row has no name to check."""


def total_crossings(rows: ir.Axis | None, columns: ir.Axis) -> set[tuple[str | None, str]]:
    """Where a total member crosses a member declared non-numeric (a 合计 row across a ``: text`` column): no cell,
    as if written ``absent`` — nothing there to add up, so the total skips that column (a total that would add up
    text is refused, GAI212)."""
    if rows is None:
        return set()
    return {
        (row.key, column.key)
        for row in rows.data_members
        for column in columns.data_members
        if _crosses(row, column) or _crosses(column, row)
    }


def _skipped(table: ir.Table, axis: ir.Axis | None, position: str | None, at: tuple[str | None, str]) -> bool:
    """Whether a broadcast check's position is a total member (a 合计 row of ``for each row``) and the name read
    there is a text member the total has no cell in (:class:`SkipPosition`)."""
    if axis is None or position is None or position not in axis.by_key or axis.by_key[position].kind != "total":
        return False
    return at in table.absent and at in total_crossings(table.rows, table.columns)


def _crosses(total: ir.Member, other: ir.Member) -> bool:
    return total.kind == "total" and other.type is not None and not other.type.numeric


class References:
    """The lowering's resolution of names: what a reference, a ``*`` or a group in ``sum(…)`` stands for."""

    def __init__(
        self,
        tables: Mapping[str, ir.Table],
        texts: Mapping[str, ir.TextBlock],
        fields: Mapping[str, ir.Field],
        cells: Mapping[str, ir.Cell],
        diagnostics: list[Diagnostic],
    ) -> None:
        self.cells = cells
        self.tables = tables
        self.texts = texts
        self.fields = fields
        self.diagnostics = diagnostics
        self.mismatched: set[tuple[str, str, str]] = set()
        """The (table, other table, axis) shape mismatches reported for the check being lowered: said once each."""

    def _fail(self, diagnostic: Diagnostic) -> Failed:
        self.diagnostics.append(diagnostic)
        return Failed()

    def _cell_typed(self, ref: ir.CellRef) -> Typed:
        cell_type = self.cells[ref.cell].type
        if cell_type.numeric:
            return Typed(ref, NUM, cell_type.unit)
        return Typed(ref, TEXT)

    def _free_axis(self, table: ir.Table, scope: Scope) -> ir.Axis | None:
        if scope.broadcast == "column":
            return table.rows
        if scope.broadcast == "row":
            return table.columns
        return table.columns if table.rows is None else None

    def _star(self, scope: Scope, node: ast.Star) -> list[ir.CellRef]:
        table = scope.table
        axis = self._free_axis(table, scope) if table else None
        if table is None or axis is None:
            raise self._fail(
                error(
                    "GAI306",
                    node.span,
                    ref="*",
                    why="「*」只能用在逐行或逐列的表内校验中",
                    why_en="'*' needs a table check 'for each' row or column",
                )
            )
        cells = (self._cell(table, m.key, scope, (), node, False, skip_absent=True) for m in axis.data_members)
        return [c for c in cells if c is not None]

    def _group_target(self, ref: ast.Ref, scope: Scope) -> tuple[ir.Table, ir.Member] | None:
        table: ir.Table | None
        if len(ref.path) == 1:
            table, name = scope.table, ref.path[0]
        elif len(ref.path) == 2 and ref.path[0] in self.tables:
            table, name = self.tables[ref.path[0]], ref.path[1]
        else:
            return None
        if table is None:
            return None
        for axis in (table.rows, table.columns):
            if axis is not None and name in axis.by_key and axis.by_key[name].kind == "group":
                return table, axis.by_key[name]
        return None

    def _group_cells(self, ref: ast.Ref, scope: Scope) -> list[ir.CellRef]:
        target = self._group_target(ref, scope)
        assert target is not None
        table, group = target
        axis = table.rows if table.rows is not None and group.key in table.rows.by_key else table.columns
        leaves = axis.leaves_under(group.key)
        cells = (
            self._cell(table, leaf, scope, ref.selector, ref, ref.previous, allow_group=True, skip_absent=True)
            for leaf in leaves
        )
        return [c for c in cells if c is not None]

    def _ref(self, ref: ast.Ref, scope: Scope) -> Typed:
        name = ref.path[0]
        if name == "previous" and not self._known(name, scope):
            raise self._fail(
                error(
                    "GAI315",
                    ref.span,
                    [Text("例如 previous.requests.carried_out", "for example previous.requests.carried_out")],
                )
            )
        if len(ref.path) == 1 and not ref.selector:
            if name in self.fields:
                field = self.fields[name]
                kind = NUM if field.type.numeric else TEXT
                return Typed(ir.FieldRef(name, ref.previous), kind, field.type.unit if kind == NUM else None)
            if name in self.texts:
                return Typed(ir.TextRef(name, ref.previous), TEXT)
        if len(ref.path) == 1 and scope.table is not None and self._on_table(scope.table, name):
            cell = self._cell(scope.table, name, scope, ref.selector, ref, ref.previous)
            return self._cell_typed(self._present(cell))
        if name in self.tables:
            table = self.tables[name]
            if len(ref.path) == 2:
                member = ref.path[1]
                if scope.broadcast and scope.table is not None and table is not scope.table:
                    self._same_shape(scope.table, table, scope.broadcast, ref)
                return self._cell_typed(
                    self._present(self._cell(table, member, scope, ref.selector, ref, ref.previous))
                )
            if len(ref.path) == 1 and len(ref.selector) == 2:
                row, column = ref.selector
                return self._cell_typed(self._explicit(table, row, column, ref))
            if len(ref.path) == 1 and len(ref.selector) == 1 and table.rows is None:
                return self._cell_typed(self._explicit(table, None, ref.selector[0], ref))
            if len(ref.path) == 3 and not ref.selector and table.rows is not None:  # the cell's key, as data files
                return self._cell_typed(self._explicit(table, ref.path[1], ref.path[2], ref))  # write it: t.row.column
            raise self._fail(
                error(
                    "GAI306",
                    ref.span,
                    ref=ref.text,
                    why="请写出行和列，如 表[行, 列]",
                    why_en="give the row and column, as table[row, column]",
                )
            )
        candidates: list[str] = [*self.fields, *self.texts, *self.tables]
        if scope.table is not None:
            for axis in (scope.table.rows, scope.table.columns):
                if axis is not None:
                    candidates.extend(axis.by_key)
        help = did_you_mean(name, candidates)
        if len(ref.path) == 2 and scope.table is not None and scope.table.rows is not None:  # row.column in its table
            table, (row, column) = scope.table, ref.path
            if row in scope.table.rows.by_key and table.columns is not None and column in table.columns.by_key:
                written, key = f"{row}[{column}]", f"{table.key}.{row}.{column}"
                help = (
                    Text(
                        f"本表的单元格写作 {written}（或 {key}）",
                        f"a cell of this table is written {written} (or {key})",
                    ),
                )
        raise self._fail(error("GAI102", _part_span(ref, name), help, name=".".join(ref.path)))

    def _known(self, name: str, scope: Scope) -> bool:
        if name in self.fields or name in self.texts or name in self.tables:
            return True
        return scope.table is not None and self._on_table(scope.table, name)

    @staticmethod
    def _on_table(table: ir.Table, name: str) -> bool:
        return any(axis is not None and name in axis.by_key for axis in (table.rows, table.columns))

    def _same_shape(self, table: ir.Table, other: ir.Table, broadcast: str, ref: ast.Ref) -> None:
        mine = table.columns if broadcast == "column" else table.rows
        theirs = other.columns if broadcast == "column" else other.rows
        keys = [m.key for m in mine.data_members] if mine else []
        other_keys = [m.key for m in theirs.data_members] if theirs else []
        if keys != other_keys:
            if (table.key, other.key, broadcast) in self.mismatched:
                raise Failed()  # the same two tables again in this check: already said
            self.mismatched.add((table.key, other.key, broadcast))
            axis = Text("列", "column") if broadcast == "column" else Text("行", "row")
            mine_text, theirs_text = ", ".join(keys) or "-", ", ".join(other_keys) or "-"
            help = Text(
                f"表「{table.key}」的{axis.zh}：{mine_text}；表「{other.key}」的{axis.zh}：{theirs_text}",
                f"table '{table.key}' has {axis.en}s {mine_text}; table '{other.key}' has {theirs_text}",
            )
            raise self._fail(
                error("GAI301", ref.span, [help], axis=axis.zh, axis_en=axis.en, table=table.key, other=other.key)
            )

    def _explicit(self, table: ir.Table, row: str | None, column: str, ref: ast.Ref) -> ir.CellRef:
        return self._present(self._finish(table, row, column, ref, ref.previous))

    def _cell(
        self,
        table: ir.Table,
        name: str,
        scope: Scope,
        selector: tuple[str, ...],
        node: ast.Ref | ast.Star,
        previous: bool,
        allow_group: bool = False,
        skip_absent: bool = False,
    ) -> ir.CellRef | None:
        """The cell for member ``name`` of ``table`` at the scope's position (or the selector's).

        ``None`` for a cell declared absent when ``skip_absent`` (sums over groups leave those out); else GAI303.
        """
        ref_text = node.text if isinstance(node, ast.Ref) else "*"
        if len(selector) > 1:
            raise self._fail(
                error(
                    "GAI306",
                    node.span,
                    ref=ref_text,
                    why="这里只需指定一个成员",
                    why_en="only one member may be selected here",
                )
            )
        if scope.broadcast == "column" or (scope.broadcast is None and table.rows is not None and selector):
            if table.rows is None:
                raise self._fail(error("GAI111", node.span, name=name, table=table.key, axis="行", axis_en="row"))
            column = selector[0] if selector else scope.position
            if column is None:
                raise self._not_single(node, ref_text)
            if not selector and _skipped(table, table.columns, column, (name, column)):
                raise SkipPosition()
            return self._finish(table, name, column, node, previous, allow_group, skip_absent)
        if scope.broadcast == "row":
            row = selector[0] if selector else scope.position
            if not selector and _skipped(table, table.rows, row, (row, name)):
                raise SkipPosition()
            return self._finish(table, row, name, node, previous, allow_group, skip_absent)
        if table.rows is None:
            return self._finish(table, None, name, node, previous, allow_group, skip_absent)
        named_row = name in table.rows.by_key  # a row named, its column missing; else a column, its row missing
        raise self._not_single(node, ref_text, missing="column" if named_row else "row")

    def _not_single(self, node: ast.Ref | ast.Star, ref_text: str, missing: str = "column") -> Failed:
        """GAI306 for a member named without the other axis's: ``missing`` says which (a row named, its column
        missing; a column named, its row missing)."""
        if missing == "row":
            help_text = Text("用 for each row 逐行校验，或写成 行[列]", "use 'for each row', or write row[column]")
            why, why_en = "缺少行", "which row?"
        else:
            help_text = Text(
                "用 for each column 逐列校验，或写成 行[列]", "use 'for each column', or write row[column]"
            )
            why, why_en = "缺少列", "which column?"
        return self._fail(error("GAI306", node.span, [help_text], ref=ref_text, why=why, why_en=why_en))

    def _finish(
        self,
        table: ir.Table,
        row: str | None,
        column: str,
        node: ast.Ref | ast.Star,
        previous: bool,
        allow_group: bool = False,
        skip_absent: bool = False,
    ) -> ir.CellRef | None:
        for key, axis, zh, en in ((row, table.rows, "行", "row"), (column, table.columns, "列", "column")):
            if key is None:
                continue
            where = _part_span(node, key)
            if axis is not None and (entered := unnamed_member(axis, key, where)) is not None:
                raise self._fail(entered)
            if axis is None or key not in axis.by_key:
                help = did_you_mean(key, axis.by_key) if axis is not None else ()
                raise self._fail(error("GAI111", where, help, name=key, table=table.key, axis=zh, axis_en=en))
            if axis.by_key[key].kind == "group" and not allow_group:
                raise self._fail(error("GAI311", where, name=key))
        if (row, column) in table.absent:
            if skip_absent:
                return None
            cell = table.cell_key(row, column)
            raise self._fail(
                error(
                    "GAI303",
                    node.span,
                    [Text("absent 的单元格没有数据，不能出现在校验中", "an absent cell holds no data: leave it out")],
                    cell=cell,
                )
            )
        key = table.cell_key(row, column)
        if key not in self.cells:  # the cell could not be made (its type conflicts): that is reported already
            raise Failed()
        return ir.CellRef(key, previous)

    @staticmethod
    def _present(cell: ir.CellRef | None) -> ir.CellRef:
        assert cell is not None  # only sums skip absent cells
        return cell


_PREVIOUS = "previous."


def _part_span(node: ast.Ref | ast.Star, part: str) -> Span | None:
    """Where ``part`` (a name or a selector's member) is written inside a reference, else the whole reference.

    Exact when the reference is written without spaces (its span is as long as its text), as references are.
    """
    span = node.span
    if not isinstance(node, ast.Ref) or span is None:
        return span
    text = node.text
    if span.line != span.end_line or span.end - span.start != len(text):
        return span
    skip = len(_PREVIOUS) if node.previous else 0
    found = find_word(text[skip:], part)
    if found < 0:
        return span
    offset = skip + found
    return Span(
        span.file,
        span.line,
        span.column + offset,
        span.line,
        span.column + offset + len(part),
        span.start + offset,
        span.start + offset + len(part),
    )
