"""The statements of a migration resolved against both specs: what each claims of the old spec (its fate) and gives
to the new one (a target), with the problems of the statement itself (names that do not resolve, an item handled
twice, a split's allocation, a transform's factor). The check that drives them: :mod:`gaidsl.migrations.check`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Related, Text, did_you_mean, error, warning
from gaidsl.language.source import Span
from gaidsl.migrations.migration import SIDE, WHAT, Fate, ItemKey, Resolved, Side, Target


class Statements:
    """The state a migration's check builds up, and the handler of each statement kind. The order of the statements,
    and what follows them (the identity, completeness, agreement): :mod:`gaidsl.migrations.check`."""

    def __init__(self, doc: ast.Migration, old: ir.Spec, new: ir.Spec, file: str) -> None:
        self.doc = doc
        self.file = file
        self.old = Side(old, "old")
        self.new = Side(new, "new")
        self.problems: list[Diagnostic] = []
        self.table_map: dict[str, str] = {}
        self.member_map: dict[tuple[str, str, str], str] = {}  # (old table, "row"|"column", old key) → new key
        self.key_map: dict[ItemKey, str] = {}  # fields and texts renamed
        self.claimed: dict[ItemKey, int] = {}  # old items dealt with by a statement
        self.targets: dict[ItemKey, Target] = {}
        self.fates: dict[ItemKey, Fate] = {}
        self.factors: dict[str, tuple[Decimal, int]] = {}  # old cell → (factor, statement)
        self.exempt: dict[str, str] = {}
        self.reported: set[tuple[object, ...]] = set()
        self.renamed_by: dict[tuple[str, ...], int] = {}  # (kind, old names…) → the statement renaming it

    # ---- helpers
    def _line(self, index: int) -> int:
        span = self.doc.items[index].span
        return span.line if span else 0

    def _related(self, index: int, text: Text) -> tuple[Related, ...]:
        span = self.doc.items[index].span
        return (Related(span, text),) if span else ()

    def claim(self, item: ItemKey, index: int, span: Span | None, dropping: bool = False) -> bool:
        first = self.claimed.get(item)
        if first is None:
            self.claimed[item] = index
            return True
        if dropping and first >= 0 and isinstance(self.doc.items[first], ast.Drop):
            return False  # dropped twice (by its row and by its column, say): fine
        self.twice(item[1], first, span)
        return False

    def twice(self, name: str, first: int, span: Span | None) -> None:
        if not self._once(("GAI510", span, first)):
            return  # one diagnostic per statement and earlier statement, not one per cell
        diag = error("GAI510", span, name=name, line=self._line(first))
        self.problems.append(attrs.evolve(diag, related=self._related(first, Text("首次处理在这里", "first here"))))

    def _once(self, key: tuple[object, ...]) -> bool:
        if key in self.reported:
            return False
        self.reported.add(key)
        return True

    def give(self, target: Target, span: Span | None) -> None:
        item = (target.kind, target.key)
        first = self.targets.get(item)
        if first is not None:
            if not self._once(("GAI511", span, first.statement)):
                return
            self.problems.append(
                error(
                    "GAI511",
                    span,
                    name=target.key,
                    first=self._describe(first),
                    second=self._describe(target),
                    first_en=self._describe(first, "en"),
                    second_en=self._describe(target, "en"),
                )
            )
            return
        self.targets[item] = target

    def _describe(self, target: Target, lang: str = "zh") -> str:
        if target.statement is None:
            key = ", ".join(target.sources)
            return f"与旧规范同名的 {key}" if lang == "zh" else f"the old {key} of the same name"
        line = self._line(target.statement)
        return f"第 {line} 行" if lang == "zh" else f"line {line}"

    def reason(self, item: ast.MigrationItem, verb: str) -> None:
        if not (item.reason or "").strip():
            self.problems.append(error("GAI512", item.span, verb=verb))

    # ---- statements
    def rename(self, index: int, item: ast.Rename) -> None:
        old = self.old.resolve(item.kind, item.old, self.problems)
        if old is None:
            return
        kind = old.kind
        if kind in ("table", "field", "text"):
            new = self.new.resolve(kind, item.new, self.problems)
            if new is None:
                return
            origin: tuple[str, ...] = (kind, item.old.text)
            if origin in self.renamed_by:
                self.twice(item.old.text, self.renamed_by[origin], item.old.span)
                return
            self.renamed_by[origin] = index
            if kind == "table":
                assert old.table is not None and new.table is not None
                self.table_map[old.table] = new.table
            else:
                assert old.member is not None and new.member is not None
                self.key_map[(kind, old.member)] = new.member
            return
        if kind == "cell":
            new = self.new.resolve("cell", item.new, self.problems)
            if new is None:
                return
            source, destination = old.items[0], new.items[0]
            if self.claim(source, index, item.old.span):
                self.give(
                    Target("cell", destination[1], "rename", ((Decimal(1), source[1]),), statement=index), item.span
                )
                self.fates[source] = Fate("cell", source[1], "rename", (destination[1],), item.reason, index)
            return
        # a row or a column: the same member of the (renamed) table
        assert old.table is not None and old.member is not None
        new_path = self._member_path(old.table, item.new)
        new = self.new.resolve(kind, new_path, self.problems)
        if new is None:
            return
        assert new.member is not None
        origin = (kind, old.table, old.member)
        if origin in self.renamed_by:
            self.twice(item.old.text, self.renamed_by[origin], item.old.span)
            return
        self.renamed_by[origin] = index
        self.member_map[(old.table, kind, old.member)] = new.member

    def _member_path(self, old_table: str, path: ast.ItemPath) -> ast.ItemPath:
        """A row or column of the new spec, written alone (``b``) or with its table (``t.b``)."""
        if len(path.parts) == 1:
            return ast.ItemPath((self.table_map.get(old_table, old_table), path.parts[0]), path.span)
        return path

    def _new_cell(self, old_cell: str) -> str | None:
        """The new cell an old one goes to by the renames (or the same keys): None when the new spec has none."""
        cell = self.old.spec.cells[old_cell]
        table = self.table_map.get(cell.table, cell.table)
        if table not in self.new.spec.tables:
            return None
        row = None if cell.row is None else self.member_map.get((cell.table, "row", cell.row), cell.row)
        column = self.member_map.get((cell.table, "column", cell.column), cell.column)
        key = self.new.spec.tables[table].cell_key(row, column)
        return key if key in self.new.spec.cells else None

    def _pairs(
        self, verb: str, kind: str, old: Resolved, new_member: str, span: Span | None
    ) -> list[tuple[str, str]] | None:
        """For a row (column) statement: (old cell, new cell) along the other axis, new member ``new_member``."""
        assert old.table is not None
        new_table = self.table_map.get(old.table, old.table)
        pairs: list[tuple[str, str]] = []
        missing = False
        for _, old_cell in old.items:
            cell = self.old.spec.cells[old_cell]
            other = cell.column if kind == "row" else cell.row
            other_kind = "column" if kind == "row" else "row"
            assert other is not None
            other_new = self.member_map.get((old.table, other_kind, other), other)
            table = self.new.spec.tables[new_table]
            key = table.cell_key(new_member, other_new) if kind == "row" else table.cell_key(other_new, new_member)
            if key not in self.new.spec.cells:
                if self._once(("GAI519", span)):  # the first missing cell says it; the others would repeat it
                    self.problems.append(error("GAI519", span, cell=key, verb=verb))
                missing = True
                continue
            pairs.append((old_cell, key))
        return None if missing else pairs

    def _old_of(
        self, verb: str, item: ast.Split | ast.Transform, kinds: tuple[str, ...], data_member: bool = False
    ) -> Resolved | None:
        """The old item a split or transform names; GAI507 when ``verb`` does not apply to its kind."""
        old = self.old.resolve(item.kind, item.old, self.problems, data_member=data_member)
        if old is None:
            return None
        if old.kind not in kinds:
            what = WHAT[old.kind]
            self.problems.append(error("GAI507", item.old.span, verb=verb, what=what.zh, what_en=what.en))
            return None
        return old

    def split(self, index: int, item: ast.Split) -> None:
        old = self._old_of("split", item, ("row", "column", "cell"), data_member=True)
        if old is None:
            return
        shares = self._allocation(item)
        if shares is None:
            return
        # per old cell: the new cells it is split into, in the order of ``into``
        units: dict[str, list[str]] = {}
        if old.kind == "cell":
            for path in item.into:
                new = self.new.resolve("cell", path, self.problems)
                if new is None:
                    return
                units.setdefault(old.items[0][1], []).append(new.items[0][1])
        else:
            assert old.table is not None
            for path in item.into:
                new = self.new.resolve(old.kind, self._member_path(old.table, path), self.problems, data_member=True)
                if new is None or new.member is None:
                    return
                pairs = self._pairs("split", old.kind, old, new.member, path.span)
                if pairs is None:
                    return
                for old_cell, new_cell in pairs:
                    units.setdefault(old_cell, []).append(new_cell)
        fixed = sum((Decimal(a) for s, a in shares if s == "fixed" and a is not None), Decimal(0))
        for old_cell, parts in units.items():
            if not self.claim(("cell", old_cell), index, item.old.span):
                continue
            self.fates[("cell", old_cell)] = Fate("cell", old_cell, "split", tuple(parts), item.reason, index)
            for new_cell, (share, amount) in zip(parts, shares, strict=True):
                if share in ("old", "rest"):
                    constant = -fixed if share == "rest" else Decimal(0)
                    target = Target("cell", new_cell, "split", ((Decimal(1), old_cell),), constant, share, index)
                elif share == "fixed":
                    target = Target("cell", new_cell, "split", (), Decimal(amount or 0), share, index)
                else:
                    target = Target("cell", new_cell, "split", (), share=share, statement=index)
                self.give(target, item.span)

    def _allocation(self, item: ast.Split) -> list[tuple[str, str | None]] | None:
        """The share of each part of a split, in the order of ``into``; None (with diagnostics) when wrong."""

        def wrong(span: Span | None, zh: str, en: str) -> None:
            self.problems.append(error("GAI517", span, why=zh, why_en=en))

        if item.allocations is None:
            wrong(
                item.span,
                "没有 allocate：请写明哪一部分得到旧值（old），哪些未知（unknown）",
                "no 'allocate': say which part receives the old value (old) and which are unknown",
            )
            return None
        given: dict[str, ast.Allocation] = {}
        names = [p.text for p in item.into]
        ok = True
        for allocation in item.allocations:
            name = allocation.target.text
            match = name if name in names else next((n for n in names if n.split(".")[-1] == name), None)
            if match is None:
                wrong(allocation.target.span, f"「{name}」不是拆分的部分之一", f"'{name}' is not one of the parts")
                ok = False
            elif match in given:
                wrong(allocation.target.span, f"「{name}」分配了两次", f"'{name}' is allocated twice")
                ok = False
            else:
                given[match] = allocation
        for path in item.into:
            if path.text not in given:
                wrong(path.span, f"「{path.text}」没有分配", f"nothing is allocated to '{path.text}'")
                ok = False
        if not ok:
            return None
        shares = [(given[n].share, given[n].amount) for n in names]
        carriers = [n for n, (s, _) in zip(names, shares, strict=True) if s in ("old", "rest")]
        fixed = [Decimal(a) for s, a in shares if s == "fixed" and a is not None]
        if not carriers:
            wrong(
                item.span,
                "没有任何部分得到旧值（旧值会丢失）：请给一部分 old 或 rest",
                "no part receives the old value (it would be lost): give one part 'old' or 'rest'",
            )
            return None
        if len(carriers) > 1:
            zh = f"旧值分给了多个部分（{'、'.join(carriers)}），会被重复计算"
            en = f"the old value goes to more than one part ({', '.join(carriers)}): it is counted twice"
            self.problems.append(warning("GAI518", item.span, why=zh, why_en=en))
        elif any(s == "old" for s, _ in shares) and any(fixed):
            zh = "一部分得到全部旧值（old），另有固定值：总和大于旧值；是否应为 rest？"
            en = "one part receives the whole old value (old) and others fixed amounts: more than the old value; rest?"
            self.problems.append(warning("GAI518", item.span, why=zh, why_en=en))
        return shares

    def merge(self, index: int, item: ast.Merge) -> None:
        sources = [self.old.resolve(item.kind, p, self.problems, data_member=True) for p in item.old]
        if any(s is None for s in sources):
            return
        olds = [s for s in sources if s is not None]
        kinds = {s.kind for s in olds}
        if len(kinds) != 1 or not kinds <= {"row", "column", "cell"}:
            kind = next(iter(kinds - {"row", "column", "cell"}), "table")
            what = WHAT[kind]
            self.problems.append(error("GAI507", item.span, verb="merge", what=what.zh, what_en=what.en))
            return
        kind = olds[0].kind
        sums: dict[str, list[str]] = {}  # new cell → old cells
        if kind == "cell":
            new = self.new.resolve("cell", item.into, self.problems)
            if new is None:
                return
            sums[new.items[0][1]] = [s.items[0][1] for s in olds]
        else:
            tables = {s.table for s in olds}
            if len(tables) != 1:
                self.problems.append(
                    error(
                        "GAI517",
                        item.span,
                        why="合并的行（列）须在同一张表中",
                        why_en="merged rows (columns) must be in one table",
                    )
                )
                return
            table = olds[0].table
            assert table is not None
            new = self.new.resolve(kind, self._member_path(table, item.into), self.problems, data_member=True)
            if new is None or new.member is None:
                return
            for source in olds:
                pairs = self._pairs("merge", kind, source, new.member, item.into.span)
                if pairs is None:
                    return
                for old_cell, new_cell in pairs:
                    sums.setdefault(new_cell, []).append(old_cell)
        for new_cell, old_cells in sums.items():
            taken = [c for c in old_cells if self.claim(("cell", c), index, item.span)]
            for old_cell in taken:
                self.fates[("cell", old_cell)] = Fate("cell", old_cell, "merge", (new_cell,), item.reason, index)
            terms = tuple((Decimal(1), c) for c in taken)
            self.give(Target("cell", new_cell, "merge", terms, statement=index), item.span)

    def drop(self, index: int, item: ast.Drop) -> None:
        self.reason(item, "drop")
        for path in item.old:
            old = self.old.resolve(item.kind, path, self.problems)
            if old is None:
                continue
            for thing in old.items:
                if self.claim(thing, index, path.span, dropping=True):
                    self.fates[thing] = Fate(thing[0], thing[1], "dropped", (), item.reason, index)

    def declare_new(self, index: int, item: ast.New) -> None:
        for path in item.new:
            new = self.new.resolve(item.kind, path, self.problems)
            if new is None:
                continue
            for thing in new.items:
                self.give(Target(thing[0], thing[1], "new", statement=index), path.span)

    def transform(self, index: int, item: ast.Transform) -> None:
        old = self._old_of("transform", item, ("table", "row", "column", "cell"))
        if old is None:
            return
        factor = self._factor(item)
        if factor is None:
            return
        for _, cell in old.items:
            if cell in self.factors:
                self.twice(cell, self.factors[cell][1], item.old.span)
                return
            self.factors[cell] = (factor, index)

    def _factor(self, item: ast.Transform) -> Decimal | None:
        def bad(zh: str, en: str) -> None:
            self.problems.append(error("GAI516", item.span, why=zh, why_en=en))

        if item.factor is not None:
            try:
                numerator, _, denominator = item.factor.partition("/")
                value = Fraction(numerator) / Fraction(denominator or "1")
            except (ValueError, ZeroDivisionError):
                bad(f"系数 {item.factor} 无效", f"the factor {item.factor} is not valid")
                return None
            decimal = Decimal(value.numerator) / Decimal(value.denominator)
            if Fraction(decimal) != value:
                bad(f"系数 {item.factor} 不是有限小数", f"the factor {item.factor} is not a finite decimal")
                return None
            return decimal
        assert item.from_unit is not None and item.to_unit is not None
        source = self.old.spec.units.get(item.from_unit)
        target = self.new.spec.units.get(item.to_unit)
        if source is None or target is None:
            missing, side = (item.from_unit, "旧") if source is None else (item.to_unit, "新")
            side_en = "old" if side == "旧" else "new"
            bad(f"{side}规范没有声明单位「{missing}」", f"the {side_en} spec declares no unit '{missing}'")
            return None
        if source.base != target.base:
            bad(
                f"「{source.key}」与「{target.key}」不是同一种量（{source.base}、{target.base}）",
                f"'{source.key}' and '{target.key}' measure different things ({source.base}, {target.base})",
            )
            return None
        return source.factor / target.factor

    def exempt_checks(self, item: ast.Exempt) -> None:
        self.reason(item, "exempt")
        keys = [c.key for c in self.new.spec.checks]
        spans = item.check_spans or tuple(None for _ in item.checks)
        for key, span in zip(item.checks, spans, strict=True):
            if key not in keys:
                what = WHAT["check"]
                self.problems.append(
                    error(
                        "GAI505",
                        span or item.span,
                        did_you_mean(key, keys),
                        side=SIDE["new"].zh,
                        side_en="new",
                        what=what.zh,
                        what_en=what.en,
                        name=key,
                    )
                )
            else:
                self.exempt[key] = item.reason or ""
