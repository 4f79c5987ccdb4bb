"""The report as an Excel workbook (openpyxl): a blank form to fill, or a filled report (``render``).

Sheets: 报告信息 (the report's fields and how to fill the workbook), one sheet per part with tables laid out like
the official tables (the grids of :mod:`gaidsl.forms.layout`: merged headers, corner note, row-header columns), 文字部分
(the text parts, with guidance), 校验 (one row per check and position: formulas computing both sides, the difference
and the status, with conditional formatting), and a hidden sheet ``_gaidsl`` mapping every cell key to its place,
which ``gaidsl readback`` uses to read a filled workbook back into a data file.

Input cells are the only unlocked cells (labels are protected, without password); they carry data validation (whole
numbers ≥ 0 for counts, whole numbers for signed integers, decimals ≥ 0 for amounts); a data cell turns red when a
failing check reads it. Every label and text is stored as a string, never as a formula (``=HYPERLINK(…)`` stays
text). Blank cells stay empty; unknown values are written 未知 (``unknown`` in an English spec).
"""

from __future__ import annotations

import functools
import io
import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from gaidsl.checking.record_data import member_keys
from gaidsl.checking.report import BLANK, UNKNOWN, Missing, Report
from gaidsl.forms.layout import Grid, Layout, layout, text_of, unknown_text, xml_safe
from gaidsl.language import ir
from gaidsl.language.format_checks import rule_text
from gaidsl.language.source import display_width
from gaidsl.language.ui_text import JOINER, UI, Words, words
from gaidsl.targets import Files, Target
from gaidsl.targets.xlsx.formulas import Formulas

HERE = Path(__file__).resolve().parent
META_SHEET = "_gaidsl"
FIELDS_SHEET = UI["xlsx.fields_sheet"]["zh"]  # the sheets' names are in the spec's language (docs/languages.md)
TEXTS_SHEET = UI["xlsx.texts_sheet"]["zh"]
CHECKS_SHEET = UI["xlsx.checks_sheet"]["zh"]
STATUS = {s: UI[f"xlsx.status.{s}"]["zh"] for s in ("pass", "fail", "unverifiable")}


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2EC")
TITLE_FILL = PatternFill("solid", fgColor="E4E7DC")
INPUT_FILL = PatternFill("solid", fgColor="FFFDF0")
FAIL_FILL = PatternFill("solid", fgColor="FFC7CE")
WARN_FILL = PatternFill("solid", fgColor="FFE4B5")
GREY_FILL = PatternFill("solid", fgColor="EEEEEE")
PASS_FILL = PatternFill("solid", fgColor="D9F2D9")
FONT = UI["xlsx.font"]["zh"]
UNLOCKED = Protection(locked=False)


def put_text(cell: Cell, text: str) -> None:
    """A string stored as a string: never a formula, shown as typed (quote prefix for =, +, -, @ at the start)."""
    cell.value = xml_safe(text)
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def sheet_title(label: str, used: set[str], language: str | tuple[str, ...] = "zh") -> str:
    """A sheet's name for ``label``: no character Excel refuses, at most 31 characters, unique. In a bilingual
    workbook (``language`` two languages; docs/languages.md#bilingual-specs) a label and its translation,
    「报告信息 / Report details」, are named 「报告信息 Report details」 when that fits, else by the first alone."""
    if not isinstance(language, str) and len(language) > 1 and JOINER in label:
        first, second = label.split(JOINER, 1)
        label = f"{first} {second}" if len(f"{first} {second}") <= 31 else first
    name = re.sub(r"[\[\]:*?/\\']", "_", xml_safe(label)).strip() or words(language)["xlsx.sheet"]
    name = name[:31]
    base, n = name, 2
    while name in used or name == META_SHEET:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _number_value(value: Decimal) -> Decimal | int | str:
    digits = len(value.as_tuple().digits)
    if digits > 15:
        return f"{value:f}"  # more digits than a spreadsheet number holds: kept as text, exactly
    exponent = value.as_tuple().exponent
    if value == value.to_integral_value() and isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return value


def _rule_kind(cell_type: ir.CellType) -> str:
    """The data-validation rule of a type: its kind, or ``signed_amount`` for an amount that may be below zero."""
    return "signed_amount" if cell_type.kind == "amount" and cell_type.signed else cell_type.kind


class _Book:
    def __init__(self, spec: ir.Spec, report: Report | None) -> None:
        self.spec = spec
        self.report = report
        self.lay: Layout = layout(spec)
        self.ui = words(spec.words_languages)  # a bilingual workbook's: both languages (docs/languages.md)
        self.font = self.ui["xlsx.font"]  # FONT for a Chinese spec
        self.bilingual = len(spec.words_languages) > 1  # wider columns for the words in both languages
        self.wb = Workbook()
        self.used: set[str] = set()
        self.places: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, key) → (sheet, A1)
        self.validations: dict[tuple[str, str], list[str]] = {}  # (sheet, kind) → coordinates
        self.choices: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # (sheet, choices) → choice cells
        # field formats (issue 16): (sheet, coordinate, label, rules) of fields and text blocks that have rules
        self.text_rules: list[tuple[str, str, str, tuple[ir.TextRule, ...]]] = []
        self.cell_checks: dict[str, list[int]] = {}  # cell key → rows of the checks sheet reading it
        self.record_tables: list[tuple[str, str, int, dict[str, str]]] = []  # list, sheet, header row, field → letter
        self.member_lists: list[tuple[str, str, str]] = []  # sheet, range, dimension of a record's member field
        self.open_tables: list[tuple[str, str, int, dict[str, str]]] = []  # table, sheet, header row, column → letter

    def ref(self, kind: str, key: str) -> str:
        sheet, coord = self.places[(kind, key)]
        col, row = re.match(r"([A-Z]+)(\d+)", coord).groups()  # type: ignore[union-attr]
        return f"{quote_sheetname(sheet)}!${col}${row}"

    # ---- sheets
    def build(self) -> Workbook:
        first = self.wb.active
        assert first is not None
        self.fields_sheet(first)
        for part in self.lay.parts:
            grids = [i for i in part.items if isinstance(i, Grid)]
            if grids:
                self.part_sheet(part.label, grids)
        self.records_sheets()
        self.texts_sheet()
        self.checks_sheet()
        self.meta_sheet()
        return self.wb

    def records_sheets(self) -> None:
        """Each list of records (docs/records.md) a sheet of its own: an Excel table ``R_<list>``, a column per field
        under its header and a row per record, that grows as rows are typed under it (200 rows unlocked); a member
        field a drop-down of the members a record may name, a choice field of its choices, numbers validated by
        kind. The ``_gaidsl`` sheet maps ``records`` (list, sheet, header row) and ``recfield`` (list.field, sheet,
        column letter); the checks that read records are not in the checks sheet (``gaidsl validate`` runs them)."""
        say = RECORD_WORDS
        for records in self.spec.records.values():
            ws = self.wb.create_sheet(sheet_title(records.label or records.key, self.used, self.spec.words_languages))
            put_text(ws["A1"], records.label or records.key)
            ws["A1"].font = Font(name=self.font, size=13, bold=True)
            put_text(ws["A2"], self.ui.pick(say["rows_below"]))
            ws["A2"].font = Font(name=self.font, italic=True, color="666666")
            header = 4
            letters: dict[str, str] = {}
            for col, field in enumerate(records.fields, start=1):
                letter = get_column_letter(col)
                letters[field.key] = letter
                put_text(ws.cell(header, col), field.label)
                ws.cell(header, col).font = Font(name=self.font, bold=True)
                ws.cell(header, col).alignment = Alignment(wrap_text=True, vertical="top")
                ws.column_dimensions[letter].width = 30 if field.type.kind == "text" and field.dimension is None else 14
            count = self.report.records.get(records.key, 0) if self.report else 0
            for number in range(1, count + 1):
                for col, field in enumerate(records.fields, start=1):
                    value = self.report.value(records.cell_key(str(number), field.key)) if self.report else BLANK
                    self.write_value(ws.cell(header + number, col), value, field.type)
            last = header + max(1, count)
            for row in range(header + 1, last + 201):
                for col, field in enumerate(records.fields, start=1):
                    cell = ws.cell(row, col)
                    cell.protection = UNLOCKED
                    if not field.type.numeric:
                        cell.number_format = "@"
                    elif field.type.kind == "amount" and field.type.decimals:
                        cell.number_format = "0." + "0" * field.type.decimals
            for field in records.fields:
                letter = letters[field.key]
                column = f"{letter}{header + 1}:{letter}{LAST_ROW}"
                if field.type.numeric:
                    self.validations.setdefault((ws.title, _rule_kind(field.type)), []).append(column)
                elif field.dimension is not None:
                    self.member_lists.append((ws.title, column, field.dimension))
                elif field.type.kind == "choice" and field.type.choices:
                    self.choices.setdefault((ws.title, field.type.choices), []).append(column)
            excel = Table(
                displayName="R_" + re.sub(r"\W", "_", records.key, flags=re.ASCII),
                ref=f"A{header}:{get_column_letter(len(records.fields))}{last}",
            )
            excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(excel)
            ws.freeze_panes = ws.cell(header + 1, 1).coordinate
            self.protect(ws, landscape=len(records.fields) > 6)
            ws.protection.insertRows = False
            ws.protection.deleteRows = False
            ws.protection.sort = False
            ws.protection.autoFilter = False
            self.record_tables.append((records.key, ws.title, header, letters))

    def member_validations(self) -> None:
        """A record's member field: a drop-down of the fixed members a record may name or, of an open dimension
        without any, of the keys entered in its first open table (a range of that sheet's key column)."""
        for sheet, column, dimension in self.member_lists:
            fixed = member_keys(self.spec, dimension)
            opened = self.spec.open_dimensions.get(dimension)
            entered = next(
                (
                    (where, header)
                    for table, where, header, _ in self.open_tables
                    if opened is not None and (rows := self.spec.tables[table].rows) is not None and rows.open is opened
                ),
                None,
            )
            if fixed and entered is None:
                listed = ",".join(fixed)
                if len(listed) > 255:
                    continue
                formula = f'"{listed}"'
            elif entered is not None and not fixed:
                formula = f"{quote_sheetname(entered[0])}!$A${entered[1] + 1}:$A${COUNTED_ROWS + entered[1]}"
            else:  # fixed members and entered ones: no one list holds both
                continue
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
            dv.error = self.ui.pick(RECORD_WORDS["member"])
            dv.errorTitle = self.ui["xlsx.valid.choice_title"]
            dv.sqref = column  # type: ignore[assignment]
            self.wb[sheet].add_data_validation(dv)

    def fields_sheet(self, ws: Worksheet) -> None:
        ws.title = sheet_title(self.ui["xlsx.fields_sheet"], self.used, self.spec.words_languages)
        ws.column_dimensions["A"].width = 14
        if self.bilingual:  # 「财政年度 / Fiscal year」: the labels' width, within reason
            ws.column_dimensions["A"].width = min(40, max([14, *(display_width(f.label) + 2 for f in self.lay.fields)]))
        ws.column_dimensions["B"].width = 48
        ws.column_dimensions["C"].width = 40
        put_text(ws["A1"], self.lay.report_title(self.report))
        ws["A1"].font = Font(name=self.font, size=16, bold=True)
        ws.merge_cells("A1:C1")
        ws["A1"].alignment = Alignment(horizontal="center")
        put_text(
            ws["A2"], self.ui.format("xlsx.subtitle", title=self.spec.title or self.spec.id, version=self.spec.version)
        )
        ws.merge_cells("A2:C2")
        ws["A2"].alignment = Alignment(horizontal="center")
        row = 4
        for field in self.lay.fields:
            put_text(ws.cell(row, 1), field.label + ("*" if field.required else ""))
            value = ws.cell(row, 2)
            self.write_value(value, self.report.fields.get(field.key, BLANK) if self.report else BLANK, field.type)
            value.protection = UNLOCKED
            value.fill = INPUT_FILL
            value.border = BORDER
            kind = field.type.kind
            hint = self.ui[f"xlsx.hint.{kind}"] if f"xlsx.hint.{kind}" in UI else ""
            if field.rules:
                hint = self.ui.compose(functools.partial(_rules_hint, rules=field.rules))
                self.text_rules.append((ws.title, value.coordinate, field.label, field.rules))
            if kind == "choice" and field.type.choices:  # choices on a field: the same drop-down list as a cell's
                self.choices.setdefault((ws.title, field.type.choices), []).append(value.coordinate)
            put_text(ws.cell(row, 3), hint)
            ws.cell(row, 3).font = Font(name=self.font, color="666666", italic=True)
            if field.type.numeric:
                self.validations.setdefault((ws.title, _rule_kind(field.type)), []).append(value.coordinate)
            self.places[("field", field.key)] = (ws.title, value.coordinate)
            row += 1
        row += 1
        languages = self.spec.words_languages
        texts, checks = (sheet_title(self.ui[f"xlsx.{k}_sheet"], set(), languages) for k in ("texts", "checks"))
        notes = [self.ui["xlsx.notes.0"]]
        for n in range(1, 6):  # a bilingual workbook: each line, then its translation on a line of its own
            notes.extend(w.format(f"xlsx.notes.{n}", sheet=texts if n == 3 else checks) for w in self.ui.each)
        across = int(1.3 * sum(ws.column_dimensions[c].width for c in "ABC"))  # prose is narrower than digits
        for line in notes:
            put_text(ws.cell(row, 1), line)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            if self.bilingual and display_width(line) > across:  # a long line wraps within the three columns
                ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
                ws.row_dimensions[row].height = 15 * (display_width(line) // across + 1)
            row += 1
        self.protect(ws)

    def part_sheet(self, label: str, grids: list[Grid]) -> None:
        ws = self.wb.create_sheet(sheet_title(label, self.used, self.spec.words_languages))
        put_text(ws["A1"], label)
        ws["A1"].font = Font(name=self.font, size=13, bold=True)
        top = 3
        widths: dict[int, float] = {}
        for grid in grids:
            if grid.caption:
                put_text(ws.cell(top, 1), grid.caption)
                ws.cell(top, 1).font = Font(name=self.font, bold=True)
                top += 1
            self.grid(ws, grid, top, widths)
            top += grid.height
            for note in grid.notes:
                put_text(ws.cell(top, 1), note)
                top += 1
            top += 1
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.sheet_view.zoomScale = 90
        self.protect(ws, landscape=max(g.width for g in grids) > 6)

    def grid(self, ws: Worksheet, grid: Grid, top: int, widths: dict[int, float]) -> None:
        for box in grid.boxes:
            row, col = top + box.row, 1 + box.col
            cell = ws.cell(row, col)
            last_row, last_col = row + box.rowspan - 1, col + box.colspan - 1
            for r in range(row, last_row + 1):
                for c in range(col, last_col + 1):
                    ws.cell(r, c).border = BORDER
            if box.rowspan > 1 or box.colspan > 1:
                ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
            if box.role == "value":
                assert box.cell is not None
                cell_type = self.spec.cells[box.cell].type
                value = self.report.value(box.cell) if self.report else BLANK
                self.write_value(cell, value, cell_type)
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
                cell.alignment = Alignment(horizontal="center", vertical="center")
                cell.font = Font(name=self.font, size=10)
                self.places[("cell", box.cell)] = (ws.title, cell.coordinate)
                self.validations.setdefault((ws.title, _rule_kind(cell_type)), []).append(cell.coordinate)
                widths.setdefault(col, 11)
                if box.holds_text:  # a text cell: from the left, wrapped, its column wider; a choice a drop-down
                    cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
                    widths[col] = max(widths[col], 12 if cell_type.kind != "text" else 24)
                    if cell_type.kind == "choice":
                        self.choices.setdefault((ws.title, cell_type.choices), []).append(cell.coordinate)
                continue
            if box.role == "absent":
                put_text(cell, "—")
                cell.fill = GREY_FILL
                continue
            put_text(cell, box.text)
            left = box.role in ("row", "title")
            cell.alignment = Alignment(horizontal="left" if left else "center", vertical="center", wrap_text=True)
            cell.font = Font(name=self.font, size=10, bold=box.role == "title")
            cell.fill = TITLE_FILL if box.role == "title" else HEADER_FILL
            if box.role == "row" and box.colspan == 1 and box.rowspan == 1:
                widths[col] = max(widths.get(col, 0), min(42, 4 + len(box.text) * 1.6))
            elif box.role == "row":
                widths.setdefault(col, 8 if box.rowspan > 1 else 14)
            elif box.role == "corner" and box.colspan == 1:
                widths[col] = max(widths.get(col, 0), 16)
        for r in range(grid.height):
            texts = [b for b in grid.boxes if b.row == r and b.role == "row" and b.rowspan == 1]
            longest = max((len(b.text) for b in texts), default=0)
            if longest > 24:
                ws.row_dimensions[top + r].height = 15 * (1 + longest // 25)

    def write_value(self, cell: Cell, value: object, cell_type: ir.CellType) -> None:
        if value is BLANK or value is None:
            cell.value = None
        elif value is UNKNOWN:
            put_text(cell, unknown_text(self.spec.language))
        elif isinstance(value, Decimal):
            cell.value = _number_value(value)
            if isinstance(cell.value, str):
                cell.data_type = "s"
        elif isinstance(value, Missing):
            cell.value = None
        else:
            put_text(cell, str(value))
        if cell_type.kind in ("count", "integer"):
            cell.number_format = "0"
        elif not cell_type.numeric:
            cell.number_format = "@"

    def texts_sheet(self) -> None:
        ws = self.wb.create_sheet(sheet_title(self.ui["xlsx.texts_sheet"], self.used, self.spec.words_languages))
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 90
        ws.column_dimensions["C"].width = 36
        heads = (self.ui["xlsx.texts.part"], self.ui["xlsx.texts.content"], self.ui["xlsx.texts.guidance"])
        for col, head in enumerate(heads, start=1):
            put_text(ws.cell(1, col), head)
            ws.cell(1, col).font = Font(name=self.font, bold=True)
            ws.cell(1, col).fill = HEADER_FILL
            ws.cell(1, col).border = BORDER
        row = 2
        for part in self.lay.parts:
            for item in part.items:
                if isinstance(item, Grid):
                    continue
                label = part.label + (f" · {item.label}" if item.heading and item.label else "")
                put_text(ws.cell(row, 1), label + (self.ui["required_suffix"] if item.required else ""))
                if self.bilingual:  # a label in both languages is long: it wraps in its column
                    ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
                text = text_of(self.report, item.key, self.spec.language)
                cell = ws.cell(row, 2)
                if text:
                    put_text(cell, text)
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                put_text(ws.cell(row, 3), " ".join(item.guidance))
                ws.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="top")
                ws.cell(row, 3).font = Font(name=self.font, color="666666", italic=True)
                for c in (1, 2, 3):
                    ws.cell(row, c).border = BORDER
                ws.row_dimensions[row].height = max(120, min(409, 15 * (len(text) // 60 + text.count("\n") + 2)))
                self.places[("text", item.key)] = (ws.title, cell.coordinate)
                rules = self.spec.texts[item.key].rules
                if rules:
                    self.text_rules.append((ws.title, cell.coordinate, item.label or item.key, rules))
                row += 1
        self.protect(ws)

    def checks_sheet(self) -> None:
        ws = self.wb.create_sheet(sheet_title(self.ui["xlsx.checks_sheet"], self.used, self.spec.words_languages))
        formulas = Formulas(
            self.spec,
            lambda k: self.ref("cell", k),
            lambda k: self.ref("field", k),
            lambda k: self.ref("text", k),
        )
        heads = tuple(
            self.ui[f"xlsx.checks.{h}"]
            for h in ("check", "severity", "position", "message", "left", "right", "difference", "result", "truth")
        )
        passed, failed, unverifiable = (self.ui[f"xlsx.status.{s}"] for s in ("pass", "fail", "unverifiable"))
        error = self.ui["error"]
        widths = (26, 15, 44, 56, 10, 10, 14, 18, 10) if self.bilingual else (26, 6, 44, 56, 10, 10, 10, 10, 6)
        for col, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
            cell = ws.cell(1, col)
            put_text(cell, head)
            cell.font = Font(name=self.font, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            ws.column_dimensions[get_column_letter(col)].width = width
        row = 2
        for check in self.spec.checks:
            for instance in check.instances:
                put_text(ws.cell(row, 1), check.key)
                put_text(ws.cell(row, 2), error if check.severity == "error" else self.ui["warning"])
                put_text(ws.cell(row, 3), " · ".join(instance.position_labels))
                put_text(ws.cell(row, 4), check.message.zh or check.label or "")
                expr = instance.expr
                if isinstance(expr, ir.Compare) and formulas.known(expr) is not None and not _texty(self.spec, expr):
                    known = formulas.known(expr)
                    shown = (formulas.number(expr.left), formulas.number(expr.right), formulas.difference(expr))
                    for col, value in zip((5, 6, 7), shown, strict=True):
                        if any(isinstance(n, ir.Arith) and n.op == "/" for n in ir.walk(expr)):
                            ws.cell(row, col).value = f'=IFERROR(IF({known},{value},""),"")'  # a quotient by zero
                        else:
                            ws.cell(row, col).value = f'=IF({known},{value},"")'
                ws.cell(row, 9).value = "=" + formulas.truth(expr, check.tolerance)
                ws.cell(row, 8).value = f'=IF(I{row}=1,"{passed}",IF(I{row}=0,"{failed}","{unverifiable}"))'
                for c in range(1, 10):
                    ws.cell(row, c).border = BORDER
                    ws.cell(row, c).font = Font(name=self.font, size=10)
                ws.cell(row, 4).alignment = Alignment(wrap_text=True, vertical="top")
                for ref in instance.cells:
                    if not ref.previous:
                        self.cell_checks.setdefault(ref.cell, []).append(row)
                row += 1
        last = max(row - 1, 2)
        status = f"H2:H{last}"
        ws.conditional_formatting.add(
            f"A2:H{last}", FormulaRule(formula=[f'AND($H2="{failed}",$B2="{error}")'], fill=FAIL_FILL, stopIfTrue=True)
        )
        ws.conditional_formatting.add(f"A2:H{last}", FormulaRule(formula=[f'$H2="{failed}"'], fill=WARN_FILL))
        ws.conditional_formatting.add(status, FormulaRule(formula=[f'H2="{passed}"'], fill=PASS_FILL))
        ws.conditional_formatting.add(status, FormulaRule(formula=[f'H2="{unverifiable}"'], fill=GREY_FILL))
        ws.freeze_panes = "A2"
        self.protect(ws, landscape=True)
        # the data cells a failing error check reads turn red, those of failing warnings orange
        sheet = quote_sheetname(ws.title)
        for key, rows in self.cell_checks.items():
            if ("cell", key) not in self.places:
                continue
            where, coord = self.places[("cell", key)]
            errors = [f'AND({sheet}!$H${r}="{failed}",{sheet}!$B${r}="{error}")' for r in rows]
            fails = [f'{sheet}!$H${r}="{failed}"' for r in rows]
            target = self.wb[where]
            target.conditional_formatting.add(
                coord, FormulaRule(formula=["OR(" + ",".join(errors) + ")"], fill=FAIL_FILL, stopIfTrue=True)
            )
            target.conditional_formatting.add(
                coord, FormulaRule(formula=["OR(" + ",".join(fails) + ")"], fill=WARN_FILL)
            )

    def meta_sheet(self) -> None:
        ws = self.wb.create_sheet(META_SHEET)
        ws.append(["gaidsl", "format", self.spec.id, self.spec.version])
        for (kind, key), (sheet, coord) in self.places.items():
            ws.append([kind, key, sheet, coord])
        for records, sheet, header, letters in self.record_tables:
            ws.append(["records", records, sheet, str(header)])
            for field, letter in letters.items():
                ws.append(["recfield", f"{records}.{field}", sheet, letter])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        ws.sheet_state = "hidden"
        self.protect(ws)

    def protect(self, ws: Worksheet, landscape: bool = False) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.protection.sheet = True
        ws.protection.formatCells = False
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    def add_validations(self) -> None:  # keyed by _rule_kind
        rules: dict[str, dict[str, Any]] = {
            "count": {"type": "whole", "operator": "between", "formula1": "0", "formula2": "999999999999999"},
            "integer": {
                "type": "whole",
                "operator": "between",
                "formula1": "-999999999999999",
                "formula2": "999999999999999",
            },
            "amount": {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "999999999999999"},
            "signed_amount": {
                "type": "decimal",
                "operator": "between",
                "formula1": "-999999999999999",
                "formula2": "999999999999999",
            },
        }
        kinds = ("count", "integer", "amount", "signed_amount")
        messages = {kind: self.ui[f"xlsx.valid.{kind}"] for kind in kinds}
        for (sheet, kind), coords in self.validations.items():
            if kind not in rules:
                continue
            dv = DataValidation(allow_blank=True, showErrorMessage=True, **rules[kind])
            dv.error = messages[kind]
            dv.errorTitle = self.ui["xlsx.valid.number_title"]
            dv.prompt = messages[kind]
            dv.showInputMessage = False
            dv.sqref = " ".join(coords)  # type: ignore[assignment]
            self.wb[sheet].add_data_validation(dv)
        for (sheet, choices), coords in self.choices.items():
            listed = ",".join(c.replace('"', '""') for c in choices)
            if len(listed) > 255 or any("," in c for c in choices):  # what a list validation can hold
                continue
            dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True)
            dv.error = self.ui["xlsx.valid.choose"] + " / ".join(choices)
            dv.errorTitle = self.ui["xlsx.valid.choice_title"]
            dv.sqref = " ".join(coords)  # type: ignore[assignment]
            self.wb[sheet].add_data_validation(dv)
        for sheet, coordinate, label, text_rules in self.text_rules:
            self.wb[sheet].add_data_validation(
                _rules_validation(coordinate, label, text_rules, self.spec.words_languages)
            )
        self.member_validations()


def _rules_hint(ui: Words, rules: tuple[ir.TextRule, ...]) -> str:
    """A field's formats as the hint beside it, in ``ui``'s language."""
    return ui["list_sep"].join((rule_text(r).zh if ui.language == "zh" else rule_text(r).en) for r in rules)


def _rules_validation(
    coordinate: str, label: str, rules: tuple[ir.TextRule, ...], language: str | tuple[str, ...] = "zh"
) -> DataValidation:
    """A field's (text block's) formats as Excel checks them while one types (issue 16): a length limit is a text
    length validation; Excel has no regular expressions, so a format or pattern is the input message shown on the cell
    (the checks sheet and the validators check it)."""
    ui = words(language)
    said = ui.compose(
        lambda w: w["list_sep"].join(
            w.format("quoted", text=label) + (rule_text(r).zh if w.language == "zh" else " " + rule_text(r).en)
            for r in rules
        )
    )
    limit = min((r.max_length for r in rules if r.kind == "max_length"), default=None)
    if limit is not None:
        dv = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True, showErrorMessage=True
        )
        dv.error = ui.format("xlsx.valid.too_long", label=label, limit=limit)
        dv.errorTitle = ui["xlsx.valid.too_long_title"]
    else:
        dv = DataValidation(allow_blank=True)
    dv.prompt = said[:255]  # Excel holds at most 255 characters of an input message
    dv.promptTitle = ui["xlsx.valid.rules_title"]
    dv.showInputMessage = True
    dv.sqref = coordinate  # type: ignore[assignment]
    return dv


def _texty(spec: ir.Spec, expr: ir.Compare) -> bool:
    return ir.is_text(spec, expr.left) or ir.is_text(spec, expr.right)


# ---------------------------------------------------------------------------------------------- open tables
# A spec with open dimensions (docs/open-dimensions.md): each table whose rows the report adds is a sheet of its own,
# its fixed rows (the total) as the official grid at the top and the entered rows below as an Excel table that grows:
# a key column (a drop-down of the code list when the dimension has one; every key unique), a label column, then the
# table's columns. The 校验 sheet checks what covers added rows with whole-column ranges: each total against the sum
# of the rows (SUMPRODUCT of a coded hierarchy's first level), the number of rows against at least / at most, keys
# given twice, each coded parent against the SUMIFS of its children. ``gaidsl readback`` reads each table from its
# header down to the last used row. Each ``for each row`` check is a status column of the Excel table.

OPEN_WORDS: dict[str, tuple[str, str]] = {
    # the workbook's words for open rows (zh, en), in the output's languages by words(…).pick
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
    "row_check": ("校验：{check}", "Check: {check}"),
    "row_fails": ("逐行校验「{check}」（左边为未通过的行数）", "check '{check}' at every row (left: rows that fail)"),
    "hierarchy": (
        "列「{column}」: 每个有下级的{level}级行等于其下级之和（左边为不等的行数）",
        "column '{column}': every {level} row with children equals their sum (left: rows that do not)",
    ),
}
"""Words of the open-row parts of the workbook."""

RECORD_WORDS: dict[str, tuple[str, str]] = {
    # the workbook's words for lists of records (zh, en), as OPEN_WORDS
    "rows_below": (
        "每条记录填写一行（可增加行）；记录的校验由 gaidsl validate 核验，不在校验表中",
        "Enter one record per row (rows can be added); gaidsl validate runs the checks over records, not this workbook",
    ),
    "member": ("请选择一个可选的成员", "Choose a member a record may name"),
}
"""Words of the record sheets of the workbook (docs/records.md)."""

LAST_ROW = 1048576
COUNTED_ROWS = 2000
"""How far down the formulas that cannot take a whole column (``SUMPRODUCT``, ``COUNTIF`` of each key) look."""
CODES_SHEET = "_codes"


class OpenBook(_Book):
    """A :class:`targets.xlsx.target._Book` whose open tables are Excel tables that grow."""

    def __init__(self, spec: ir.Spec, report: Report | None) -> None:
        super().__init__(spec, report)
        self.code_ranges: dict[str, str] = {}  # dimension → its codes' range on the codes sheet
        self.pending_tables: list[tuple[Worksheet, ir.Table, ir.OpenMembers, int, int, int]] = []
        self.row_checks: list[tuple[ir.Check, str, str]] = []  # check, sheet, its status column's range

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
        self.records_sheets()
        self.texts_sheet()
        self.finish_open_tables()
        self.open_checks_sheet()
        self.meta_sheet()
        ws = self.wb[META_SHEET]
        for table, sheet, header, columns in self.open_tables:
            ws.append(["open", table, sheet, str(header)])
            for column, letter in columns.items():
                ws.append(["opencol", f"{table}.{column}", sheet, letter])
        return self.wb

    def _w(self, key: str, **values: object) -> str:
        """One of ``OPEN_WORDS`` in the spec's language."""
        return self.ui.pick(OPEN_WORDS[key]).format(**values)

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
            put_text(ws.cell(1, col), dimension)
            for row, (code, name) in enumerate(codes.items(), start=2):
                put_text(ws.cell(row, col), code)
                put_text(ws.cell(row, col + 1), name)
            letter = get_column_letter(col)
            self.code_ranges[dimension] = f"{CODES_SHEET}!${letter}$2:${letter}${len(codes) + 1}"
            col += 2
        ws.sheet_state = "hidden"

    def open_sheet(self, grid: Grid) -> None:
        opened = self._open(grid)
        assert opened is not None
        table = self.spec.tables[grid.tables[0]]
        ws = self.wb.create_sheet(sheet_title(table.label or table.key, self.used, self.spec.words_languages))
        put_text(ws["A1"], grid.caption or table.label or table.key)
        ws["A1"].font = Font(name=self.font, size=13, bold=True)
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
        put_text(ws.cell(top, 1), self._w("rows_below"))
        ws.cell(top, 1).font = Font(name=self.font, italic=True, color="666666")
        header = top + 1
        columns = [self.spec.cells[k] for k in table.cells if self.spec.cells[k].row == opened.slot]
        heads = [self._w("key"), self._w("label"), *(" / ".join(c.column_labels) for c in columns)]
        for col, head in enumerate(heads, start=1):
            put_text(ws.cell(header, col), head)
            ws.cell(header, col).font = Font(name=self.font, bold=True)
        members = self.report.members.get(opened.dimension, ()) if self.report else ()
        for index, member in enumerate(members):
            row = header + 1 + index
            put_text(ws.cell(row, 1), member.key)
            put_text(ws.cell(row, 2), member.label)
            for col, cell in enumerate(columns, start=3):
                key = table.cell_key(member.key, cell.column)
                self.write_value(ws.cell(row, col), self.report.value(key) if self.report else BLANK, cell.type)
        last = header + max(1, len(members))
        for row in range(header + 1, last + 1 + 200):  # the rows one types into: unlocked, keys as text
            for col in range(1, len(heads) + 1):
                ws.cell(row, col).protection = UNLOCKED
            ws.cell(row, 1).number_format = "@"
            for col, cell in enumerate(columns, start=3):
                if cell.type.kind == "amount" and cell.type.decimals:  # 131.80 as the table prints it
                    ws.cell(row, col).number_format = "0." + "0" * cell.type.decimals
        self.pending_tables.append((ws, table, opened, header, last, len(heads)))
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

    def finish_open_tables(self) -> None:
        """Each open table's ``for each row`` checks as columns of its Excel table, one status per row (通过, 未通过,
        无法核验; empty without a key) from the formulas of :class:`Formulas` with the row's cells; a cell of another
        table at the same row is found by key (``INDEX``/``MATCH``). Then the Excel tables themselves."""
        where = {t: (sheet, header, letters) for t, sheet, header, letters in self.open_tables}
        passed, failed, unknown = (self.ui[f"xlsx.status.{s}"] for s in ("pass", "fail", "unverifiable"))
        for ws, table, opened, header, last, width in self.pending_tables:
            column = width
            for check in self.spec.checks:
                if check.table != table.key or check.origin != "declared":
                    continue
                at_slot = [i for i in check.instances if i.position == opened.slot]
                if not at_slot:
                    continue
                column += 1
                put_text(ws.cell(header, column), self._w("row_check", check=check.label or check.key))
                ws.cell(header, column).font = Font(name=self.font, bold=True)
                ws.column_dimensions[get_column_letter(column)].width = 18
                for row in range(header + 1, last + 201):
                    formulas = Formulas(
                        self.spec,
                        functools.partial(self._row_ref, table=table.key, opened=opened, row=row, where=where),
                        functools.partial(self.ref, "field"),
                        functools.partial(self.ref, "text"),
                    )
                    truth = formulas.truth(at_slot[0].expr, check.tolerance)
                    status = f'CHOOSE(1+2*({truth}),"{failed}","{unknown}","{passed}")'
                    ws.cell(row, column).value = f'=IF($A{row}="","",{status})'
                    ws.cell(row, column).font = Font(name=self.font, size=10)
                letter = get_column_letter(column)
                self.row_checks.append(
                    (check, ws.title, f"{quote_sheetname(ws.title)}!${letter}${header + 1}:${letter}${LAST_ROW}")
                )
                span = f"{letter}{header + 1}:{letter}{last + 200}"
                ws.conditional_formatting.add(
                    span, FormulaRule(formula=[f'{letter}{header + 1}="{failed}"'], fill=FAIL_FILL)
                )
            for col in range(1, column + 1):  # long column and check names wrap in the header row
                ws.cell(header, col).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[header].height = 48
            excel = Table(
                displayName="T_" + re.sub(r"\W", "_", table.key, flags=re.ASCII),
                ref=f"A{header}:{get_column_letter(column)}{last}",
            )
            excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(excel)

    def _row_ref(
        self, key: str, table: str, opened: ir.OpenMembers, row: int, where: dict[str, tuple[str, int, dict[str, str]]]
    ) -> str:
        """A cell read by a check at one row of an open table: the row's own cell, the same member's cell of another
        open table (by key), or a fixed cell."""
        cell = self.spec.cells[key]
        owner = key.split(".", 1)[0]
        if cell.row == opened.slot and owner == table:
            return f"${where[table][2][cell.column]}{row}"
        if cell.row == opened.slot and owner in where:
            sheet, header, letters = where[owner]
            q = quote_sheetname(sheet)
            values = f"{q}!${letters[cell.column]}${header + 1}:${letters[cell.column]}${LAST_ROW}"
            keys = f"{q}!$A${header + 1}:$A${LAST_ROW}"
            return f'IFERROR(INDEX({values},MATCH($A{row},{keys},0)),"")'
        if ("cell", key) in self.places:
            return self.ref("cell", key)
        return '""'

    def _key_validation(self, ws: Worksheet, opened: ir.OpenMembers, header: int) -> None:
        keys = f"A{header + 1}:A{LAST_ROW}"
        first = f"A{header + 1}"
        if opened.dimension in self.code_ranges:
            dv = DataValidation(type="list", formula1=self.code_ranges[opened.dimension], allow_blank=True)
            dv.error = self._w("code_list")
        else:
            dv = DataValidation(
                type="custom", formula1=f"COUNTIF($A${header + 1}:$A${LAST_ROW},{first})=1", allow_blank=True
            )
            dv.error = self._w("unique")
        dv.showErrorMessage = True
        dv.errorTitle = self._w("key")
        if opened.key_pattern is not None:
            dv.prompt = (self._w("key_prompt") + opened.key_pattern)[:255]
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
                    self._w("hierarchy", level=upper.label or upper.length, column=label),
                    f"SUMPRODUCT({has}*{differs})",
                    "0",
                )

    def open_checks_sheet(self) -> None:
        passed, failed, unknown = (self.ui[f"xlsx.status.{s}"] for s in ("pass", "fail", "unverifiable"))
        ws = self.wb.create_sheet(sheet_title(self.ui["xlsx.checks_sheet"], self.used, self.spec.words_languages))
        heads = tuple(
            self.ui[f"xlsx.checks.{h}"]
            for h in ("check", "severity", "position", "message", "left", "right", "difference", "result")
        )
        widths = (26, 15, 30, 48, 12, 12, 14, 18) if self.bilingual else (26, 6, 30, 48, 12, 12, 10, 10)
        for col, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
            put_text(ws.cell(1, col), head)
            ws.cell(1, col).font = Font(name=self.font, bold=True)
            ws.cell(1, col).fill = HEADER_FILL
            ws.column_dimensions[get_column_letter(col)].width = width
        row = 2
        where = {t: (sheet, header, letters) for t, sheet, header, letters in self.open_tables}

        def put(check: str, position: str, text: str, left: str, right: str, op: str = "=") -> None:
            nonlocal row
            put_text(ws.cell(row, 1), check)
            put_text(ws.cell(row, 2), self.ui["error"])
            put_text(ws.cell(row, 3), position)
            put_text(ws.cell(row, 4), text)
            ws.cell(row, 5).value = f"={left}"
            ws.cell(row, 6).value = f"={right}"
            ws.cell(row, 7).value = f'=IF(ISNUMBER(E{row}),E{row}-F{row},"")'
            ws.cell(
                row, 8
            ).value = f'=IF(OR(E{row}="",F{row}=""),"{unknown}",IF(E{row}{op}F{row},"{passed}","{failed}"))'
            for c in range(1, 9):
                ws.cell(row, c).border = BORDER
                ws.cell(row, c).font = Font(name=self.font, size=10)
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
                        self._w("total", label=label),
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
                    self._w("at_least", bound=opened.at_least),
                    count,
                    str(opened.at_least),
                    ">=",
                )
            if opened.at_most is not None:
                put(
                    f"members.{opened.dimension}.at_most",
                    sheet,
                    self._w("at_most", bound=opened.at_most),
                    count,
                    str(opened.at_most),
                    "<=",
                )
            put(
                f"members.{opened.dimension}.unique",
                sheet,
                self._w("twice"),
                f'SUMPRODUCT(({counted}<>"")/COUNTIF({counted},{counted}&""))',
                count,
            )
        for check, sheet, statuses in self.row_checks:  # the `for each row` checks: rows that fail
            put(
                check.key,
                sheet,
                self._w(
                    "row_fails",
                    check=(check.message.zh if self.spec.language == "zh" else check.message.en) or check.key,
                ),
                f'COUNTIF({statuses},"{failed}")',
                "0",
            )
        last = max(row - 1, 2)
        ws.conditional_formatting.add(f"A2:H{last}", FormulaRule(formula=[f'$H2="{failed}"'], fill=FAIL_FILL))
        ws.conditional_formatting.add(f"H2:H{last}", FormulaRule(formula=[f'H2="{passed}"'], fill=PASS_FILL))
        ws.freeze_panes = "A2"
        self.protect(ws, landscape=True)


def _children_criteria(counted: str, step: int) -> str:
    """A COUNTIFS/SUMIFS criterion matching, for each key, the codes one level below it (its digits then
    ``step`` more: ``201`` → ``201??``)."""
    return f'{counted}&REPT("?",{step})'


def workbook(spec: ir.Spec, report: Report | None = None) -> Workbook:
    book = OpenBook(spec, report) if spec.open_dimensions else _Book(spec, report)
    wb = book.build()
    book.add_validations()
    return wb


def render(spec: ir.Spec, report: Report | None) -> bytes:
    buffer = io.BytesIO()
    workbook(spec, report).save(buffer)
    return buffer.getvalue()


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.xlsx": render(spec, None)}


TARGET = Target(
    "xlsx",
    "an Excel workbook: official layout, input validation, check formulas, read back",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
