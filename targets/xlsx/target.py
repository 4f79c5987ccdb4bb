"""The report as an Excel workbook (openpyxl): a blank form to fill, or a filled report (``render``).

Sheets: 报告信息 (the report's fields and how to fill the workbook), one sheet per part with tables laid out like
the official tables (the grids of :mod:`gaidsl.forms.layout`: merged headers, corner note, row-header columns), 文字部分
(the text parts, with guidance), 校验 (one row per check and position: formulas computing both sides, the difference
and the status, with conditional formatting), and a hidden sheet ``_gaidsl`` mapping every cell key to its place,
which ``gaidsl readback`` uses to read a filled workbook back into a data file.

Input cells are the only unlocked cells (labels are protected, without password); they carry data validation (whole
numbers ≥ 0 for counts, whole numbers for signed integers, decimals ≥ 0 for amounts); a data cell turns red when a
failing check reads it. Every label and text is stored as a string, never as a formula (``=HYPERLINK(…)`` stays
text). Blank cells stay empty; unknown values are written 未知.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gaidsl.checking.report import BLANK, UNKNOWN, Missing, Report
from gaidsl.forms.layout import UNKNOWN_TEXT, Grid, Layout, layout, text_of, xml_safe
from gaidsl.language import ir
from gaidsl.language.format_checks import rule_text
from gaidsl.language.ui_text import UI, words
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


def sheet_title(label: str, used: set[str], language: str = "zh") -> str:
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
        self.ui = words(spec.language)
        self.font = self.ui["xlsx.font"]  # FONT for a Chinese spec
        self.wb = Workbook()
        self.used: set[str] = set()
        self.places: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, key) → (sheet, A1)
        self.validations: dict[tuple[str, str], list[str]] = {}  # (sheet, kind) → coordinates
        self.choices: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # (sheet, choices) → choice cells
        # field formats (issue 16): (sheet, coordinate, label, rules) of fields and text blocks that have rules
        self.text_rules: list[tuple[str, str, str, tuple[ir.TextRule, ...]]] = []
        self.cell_checks: dict[str, list[int]] = {}  # cell key → rows of the checks sheet reading it

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
        self.texts_sheet()
        self.checks_sheet()
        self.meta_sheet()
        return self.wb

    def fields_sheet(self, ws: Worksheet) -> None:
        ws.title = sheet_title(self.ui["xlsx.fields_sheet"], self.used, self.spec.language)
        ws.column_dimensions["A"].width = 14
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
                hint = self.ui["list_sep"].join(
                    (rule_text(r).zh if self.spec.language == "zh" else rule_text(r).en) for r in field.rules
                )
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
        notes = [
            self.ui["xlsx.notes.0"],
            self.ui["xlsx.notes.1"],
            self.ui["xlsx.notes.2"],
            self.ui.format("xlsx.notes.3", sheet=self.ui["xlsx.texts_sheet"]),
            self.ui.format("xlsx.notes.4", sheet=self.ui["xlsx.checks_sheet"]),
            self.ui["xlsx.notes.5"],
        ]
        for line in notes:
            put_text(ws.cell(row, 1), line)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            row += 1
        self.protect(ws)

    def part_sheet(self, label: str, grids: list[Grid]) -> None:
        ws = self.wb.create_sheet(sheet_title(label, self.used, self.spec.language))
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
            put_text(cell, UNKNOWN_TEXT)
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
        ws = self.wb.create_sheet(sheet_title(self.ui["xlsx.texts_sheet"], self.used, self.spec.language))
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
                text = text_of(self.report, item.key)
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
        ws = self.wb.create_sheet(sheet_title(self.ui["xlsx.checks_sheet"], self.used, self.spec.language))
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
        widths = (26, 6, 44, 56, 10, 10, 10, 10, 6)
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
                    ws.cell(row, 5).value = f'=IF({known},{formulas.number(expr.left)},"")'
                    ws.cell(row, 6).value = f'=IF({known},{formulas.number(expr.right)},"")'
                    ws.cell(row, 7).value = f'=IF({known},{formulas.difference(expr)},"")'
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
            self.wb[sheet].add_data_validation(_rules_validation(coordinate, label, text_rules, self.spec.language))


def _rules_validation(
    coordinate: str, label: str, rules: tuple[ir.TextRule, ...], language: str = "zh"
) -> DataValidation:
    """A field's (text block's) formats as Excel checks them while one types (issue 16): a length limit is a text
    length validation; Excel has no regular expressions, so a format or pattern is the input message shown on the cell
    (the checks sheet and the validators check it)."""
    ui = words(language)
    said = ui["list_sep"].join(
        ui.format("quoted", text=label) + (rule_text(r).zh if language == "zh" else " " + rule_text(r).en)
        for r in rules
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


def workbook(spec: ir.Spec, report: Report | None = None) -> Workbook:
    book = _Book(spec, report)
    wb = book.build()
    book.add_validations()
    return wb


def render(spec: ir.Spec, report: Report | None) -> bytes:
    buffer = io.BytesIO()
    workbook(spec, report).save(buffer)
    return buffer.getvalue()


def emit(spec: ir.Spec) -> Files:
    return {f"{spec.id}_{spec.version}.xlsx": render(spec, None)}


TARGET = Target("xlsx", "an Excel workbook: official layout, input validation, check formulas, read back", emit, render)
