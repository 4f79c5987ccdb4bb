"""The workbook of a spec with open dimensions (docs/open-dimensions.md): each table whose rows the report adds is a
sheet of its own, its fixed rows (the total) as the official grid at the top and the entered rows below as an Excel
table (``openpyxl`` ``Table``) that grows as rows are added: a key column (a drop-down of the code list when the
dimension has one; every key unique), a label column, then the table's columns.

The ``校验`` sheet checks what covers added rows with whole-column ranges: each total against the sum of the rows
under it (``SUMPRODUCT`` of the first level of a coded hierarchy), the number of rows against ``at least`` /
``at most``, and keys given twice. ``gaidsl readback`` reads the table from its header down to the last used row, so
rows typed below the table (or added by Excel's table growth) read back as members. The ``for each row`` checks are
the validators' (``gaidsl validate`` on the data read back); they have no formulas here yet.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import attrs
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from gaidsl.checking.report import BLANK, Report
from gaidsl.forms.layout import Grid
from gaidsl.language import ir
from gaidsl.targets.xlsx import target as base

OPEN_WORDS: dict[str, tuple[str, str]] = {
    # the workbook's words for open rows (zh, en); the workbook is written in Chinese
    "key": ("代码", "Key"),
    "label": ("名称", "Name"),
    "rows_below": (
        "各行在下表中逐行填写（可增加行）",
        "Enter one row per member in the table below (rows can be added)",
    ),
    "key_prompt": ("代码须符合：", "The key must match: "),
    "unique": ("代码不能重复", "Keys must be unique"),
    "code_list": ("请从代码表中选择", "Choose a code of the code list"),
    "total": ("「{label}」等于各行之和", "'{label}' equals the sum of the rows"),
    "at_least": ("至少填报 {bound} 行", "at least {bound} rows"),
    "at_most": ("至多填报 {bound} 行", "at most {bound} rows"),
    "twice": ("代码不重复", "no key twice"),
    "hierarchy": (
        "列「{column}」: 每个有下级的{level}级行等于其下级之和（左边为不等的行数）",
        "column '{column}': every {level} row with children equals their sum (left: rows that do not)",
    ),
}
"""Words of the open-row parts of the workbook."""

LAST_ROW = 1048576
COUNTED_ROWS = 2000
"""How far down the formulas that cannot take a whole column (``SUMPRODUCT``, ``COUNTIF`` of each key) look."""
CODES_SHEET = "_codes"


def _words(key: str, **values: object) -> str:
    return OPEN_WORDS[key][0].format(**values)


class OpenBook(base._Book):
    """A :class:`targets.xlsx.target._Book` whose open tables are Excel tables that grow."""

    def __init__(self, spec: ir.Spec, report: Report | None) -> None:
        super().__init__(spec, report)
        self.open_tables: list[tuple[str, str, int, dict[str, str]]] = []  # table, sheet, header row, column → letter
        self.code_ranges: dict[str, str] = {}  # dimension → its codes' range on the codes sheet

    def build(self) -> Workbook:
        first = self.wb.active
        assert first is not None
        self.fields_sheet(first)
        self.codes_sheet()
        for part in self.lay.parts:
            grids = [i for i in part.items if isinstance(i, Grid)]
            fixed = [g for g in grids if not self._open(g)]
            if fixed:
                self.part_sheet(part.label, fixed)
            for grid in grids:
                if self._open(grid):
                    self.open_sheet(grid)
        self.texts_sheet()
        self.open_checks_sheet()
        self.meta_sheet()
        ws = self.wb[base.META_SHEET]
        for table, sheet, header, columns in self.open_tables:
            ws.append(["open", table, sheet, str(header)])
            for column, letter in columns.items():
                ws.append(["opencol", f"{table}.{column}", sheet, letter])
        return self.wb

    def _open(self, grid: Grid) -> ir.OpenMembers | None:
        if len(grid.tables) != 1:
            return None
        rows = self.spec.tables[grid.tables[0]].rows
        return rows.open if rows is not None else None

    def codes_sheet(self) -> None:
        coded = {d: o.coded.codes for d, o in self.spec.open_dimensions.items() if o.coded and o.coded.codes}
        if not coded:
            return
        ws = self.wb.create_sheet(CODES_SHEET)
        col = 1
        for dimension, codes in coded.items():
            base.put_text(ws.cell(1, col), dimension)
            for row, (code, name) in enumerate(codes.items(), start=2):
                base.put_text(ws.cell(row, col), code)
                base.put_text(ws.cell(row, col + 1), name)
            letter = get_column_letter(col)
            self.code_ranges[dimension] = f"{CODES_SHEET}!${letter}$2:${letter}${len(codes) + 1}"
            col += 2
        ws.sheet_state = "hidden"

    def open_sheet(self, grid: Grid) -> None:
        opened = self._open(grid)
        assert opened is not None
        table = self.spec.tables[grid.tables[0]]
        ws = self.wb.create_sheet(base.sheet_title(table.label or table.key, self.used))
        base.put_text(ws["A1"], grid.caption or table.label or table.key)
        ws["A1"].font = Font(name=base.FONT, size=13, bold=True)
        slot_rows = {b.row for b in grid.boxes if b.role == "row" and b.member == opened.slot}
        boxes = tuple(
            attrs.evolve(b, row=b.row - sum(1 for s in slot_rows if s < b.row))
            for b in grid.boxes
            if b.row not in slot_rows
        )
        fixed = attrs.evolve(grid, boxes=boxes, height=grid.height - len(slot_rows), caption=None)
        widths: dict[int, float] = {}
        top = 3
        self.grid(ws, fixed, top, widths)
        top += fixed.height + 1
        base.put_text(ws.cell(top, 1), _words("rows_below"))
        ws.cell(top, 1).font = Font(name=base.FONT, italic=True, color="666666")
        header = top + 1
        columns = [self.spec.cells[k] for k in table.cells if self.spec.cells[k].row == opened.slot]
        heads = [_words("key"), _words("label"), *(" / ".join(c.column_labels) for c in columns)]
        for col, head in enumerate(heads, start=1):
            base.put_text(ws.cell(header, col), head)
            ws.cell(header, col).font = Font(name=base.FONT, bold=True)
        members = self.report.members.get(opened.dimension, ()) if self.report else ()
        for index, member in enumerate(members):
            row = header + 1 + index
            base.put_text(ws.cell(row, 1), member.key)
            base.put_text(ws.cell(row, 2), member.label)
            for col, cell in enumerate(columns, start=3):
                key = table.cell_key(member.key, cell.column)
                self.write_value(ws.cell(row, col), self.report.value(key) if self.report else BLANK, cell.type)
        last = header + max(1, len(members))
        for row in range(header + 1, last + 1 + 200):  # the rows one types into: unlocked, keys as text
            for col in range(1, len(heads) + 1):
                ws.cell(row, col).protection = base.UNLOCKED
            ws.cell(row, 1).number_format = "@"
            for col, cell in enumerate(columns, start=3):
                if cell.type.kind == "amount" and cell.type.decimals:  # 131.80 as the table prints it
                    ws.cell(row, col).number_format = "0." + "0" * cell.type.decimals
        ref = f"A{header}:{get_column_letter(len(heads))}{last}"
        name = "T_" + re.sub(r"\W", "_", table.key, flags=re.ASCII)
        excel = Table(displayName=name, ref=ref)
        excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(excel)
        self._key_validation(ws, opened, header)
        for col, cell in enumerate(columns, start=3):
            letter = get_column_letter(col)
            if cell.type.numeric:
                self.validations.setdefault((ws.title, cell.type.kind), []).append(
                    f"{letter}{header + 1}:{letter}{LAST_ROW}"
                )
        ws.column_dimensions["A"].width = max(widths.get(1, 12), 12)
        ws.column_dimensions["B"].width = 28
        for col in range(3, len(heads) + 1):
            ws.column_dimensions[get_column_letter(col)].width = max(widths.get(col, 12), 12)
        ws.freeze_panes = ws.cell(header + 1, 1).coordinate
        self.protect(ws, landscape=len(heads) > 6)
        ws.protection.insertRows = False
        ws.protection.deleteRows = False
        ws.protection.sort = False
        ws.protection.autoFilter = False
        letters = {"<key>": "A", "<label>": "B"}
        letters.update({c.column: get_column_letter(i) for i, c in enumerate(columns, start=3)})
        self.open_tables.append((table.key, ws.title, header, letters))

    def _key_validation(self, ws: Worksheet, opened: ir.OpenMembers, header: int) -> None:
        keys = f"A{header + 1}:A{LAST_ROW}"
        first = f"A{header + 1}"
        if opened.dimension in self.code_ranges:
            dv = DataValidation(type="list", formula1=self.code_ranges[opened.dimension], allow_blank=True)
            dv.error = _words("code_list")
        else:
            dv = DataValidation(
                type="custom", formula1=f"COUNTIF($A${header + 1}:$A${LAST_ROW},{first})=1", allow_blank=True
            )
            dv.error = _words("unique")
        dv.showErrorMessage = True
        dv.errorTitle = _words("key")
        if opened.key_pattern is not None:
            dv.prompt = (_words("key_prompt") + opened.key_pattern)[:255]
            dv.showInputMessage = True
        dv.sqref = keys  # type: ignore[assignment]
        ws.add_data_validation(dv)

    def _hierarchy_rows(
        self,
        put: Any,
        table: ir.Table,
        opened: ir.OpenMembers,
        sheet: str,
        header: int,
        letters: dict[str, str],
    ) -> None:
        """Per level and numeric column, the number of entered rows of that level whose value differs from the
        sum of the rows one level below them that start with their code (``SUMIFS`` with a wildcard criterion, so
        it covers rows added anywhere in the table): 0 when every parent equals its children."""
        assert opened.coded is not None
        q = quote_sheetname(sheet)
        counted = f"{q}!$A${header + 1}:$A${header + COUNTED_ROWS}"
        levels = opened.coded.levels
        for upper, lower in itertools.pairwise(levels):
            step = lower.length - upper.length
            for column, letter in letters.items():
                if column.startswith("<") or not self.spec.cells[table.cell_key(opened.slot, column)].type.numeric:
                    continue
                values = f"{q}!${letter}${header + 1}:${letter}${header + COUNTED_ROWS}"
                under = _children_criteria(counted, step)
                has = f"(LEN({counted})={upper.length})*(COUNTIFS({counted},{under})>0)"
                differs = f"(ROUND({values}-SUMIFS({values},{counted},{under}),9)<>0)"
                label = " / ".join(self.spec.cells[table.cell_key(opened.slot, column)].column_labels)
                put(
                    f"hierarchy.{table.key}",
                    f"{upper.label or upper.length} · {label}",
                    _words("hierarchy", level=upper.label or upper.length, column=label),
                    f"SUMPRODUCT({has}*{differs})",
                    "0",
                )

    def open_checks_sheet(self) -> None:
        ws = self.wb.create_sheet(base.sheet_title(base.CHECKS_SHEET, self.used))
        heads = ("校验", "级别", "位置", "说明", "左边", "右边", "差额", "结果")
        for col, (head, width) in enumerate(zip(heads, (26, 6, 30, 48, 12, 12, 10, 10), strict=True), start=1):
            base.put_text(ws.cell(1, col), head)
            ws.cell(1, col).font = Font(name=base.FONT, bold=True)
            ws.cell(1, col).fill = base.HEADER_FILL
            ws.column_dimensions[get_column_letter(col)].width = width
        row = 2
        where = {t: (sheet, header, letters) for t, sheet, header, letters in self.open_tables}

        def put(check: str, position: str, text: str, left: str, right: str, op: str = "=") -> None:
            nonlocal row
            base.put_text(ws.cell(row, 1), check)
            base.put_text(ws.cell(row, 2), "错误")
            base.put_text(ws.cell(row, 3), position)
            base.put_text(ws.cell(row, 4), text)
            ws.cell(row, 5).value = f"={left}"
            ws.cell(row, 6).value = f"={right}"
            ws.cell(row, 7).value = f'=IF(ISNUMBER(E{row}),E{row}-F{row},"")'
            ws.cell(row, 8).value = f'=IF(OR(E{row}="",F{row}=""),"无法核验",IF(E{row}{op}F{row},"通过","未通过"))'
            for c in range(1, 9):
                ws.cell(row, c).border = base.BORDER
                ws.cell(row, c).font = Font(name=base.FONT, size=10)
            ws.cell(row, 4).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1

        for table in self.spec.tables.values():
            if table.key not in where or table.rows is None or table.rows.open is None:
                continue
            opened = table.rows.open
            sheet, header, letters = where[table.key]
            q = quote_sheetname(sheet)
            keys = f"{q}!$A${header + 1}:$A${LAST_ROW}"
            counted = f"{q}!$A${header + 1}:$A${header + COUNTED_ROWS}"
            for member in table.rows.members:
                if member.kind != "total":
                    continue
                for column, letter in letters.items():
                    cell_key = table.cell_key(member.key, column)
                    if column.startswith("<") or ("cell", cell_key) not in self.places:
                        continue
                    values = f"{q}!${letter}${header + 1}:${letter}${LAST_ROW}"
                    parts = [self.ref("cell", table.cell_key(m, column)) for m in member.sums if m != opened.slot]
                    if opened.slot in member.sums:
                        coded = opened.coded
                        if coded is not None and coded.levels:  # the first level: the rows a total counts
                            bounded = f"{q}!${letter}${header + 1}:${letter}${header + COUNTED_ROWS}"
                            parts.append(f"SUMPRODUCT(--(LEN({counted})={coded.levels[0].length}),{bounded})")
                        else:
                            parts.append(f"SUM({values})")
                    ref = self.ref("cell", cell_key)
                    left = f'IF(ISBLANK({ref}),"",{ref})'
                    label = " / ".join(self.spec.cells[cell_key].row_labels + self.spec.cells[cell_key].column_labels)
                    put(
                        f"total.{table.key}.{member.key}",
                        label,
                        _words("total", label=label),
                        left,
                        "+".join(parts) or "0",
                    )
            coded = opened.coded
            if coded is not None and len(coded.levels) > 1:  # each parent row equals the sum of its children's
                self._hierarchy_rows(put, table, opened, sheet, header, letters)
            count = f"COUNTA({keys})"
            if opened.at_least:
                put(
                    f"members.{opened.dimension}.at_least",
                    sheet,
                    _words("at_least", bound=opened.at_least),
                    count,
                    str(opened.at_least),
                    ">=",
                )
            if opened.at_most is not None:
                put(
                    f"members.{opened.dimension}.at_most",
                    sheet,
                    _words("at_most", bound=opened.at_most),
                    count,
                    str(opened.at_most),
                    "<=",
                )
            put(
                f"members.{opened.dimension}.unique",
                sheet,
                _words("twice"),
                f'SUMPRODUCT(({counted}<>"")/COUNTIF({counted},{counted}&""))',
                count,
            )
        last = max(row - 1, 2)
        ws.conditional_formatting.add(f"A2:H{last}", FormulaRule(formula=['$H2="未通过"'], fill=base.FAIL_FILL))
        ws.conditional_formatting.add(f"H2:H{last}", FormulaRule(formula=['H2="通过"'], fill=base.PASS_FILL))
        ws.freeze_panes = "A2"
        self.protect(ws, landscape=True)


def _children_criteria(counted: str, step: int) -> str:
    """A COUNTIFS/SUMIFS criterion matching, for each key, the codes one level below it (its digits then
    ``step`` more: ``201`` → ``201??``)."""
    return f'{counted}&REPT("?",{step})'


def workbook(spec: ir.Spec, report: Report | None = None) -> Workbook:
    book = OpenBook(spec, report)
    wb = book.build()
    book.add_validations()
    return wb
