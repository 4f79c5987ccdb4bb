"""The report as a Word document (python-docx), looking like the published ones: the title
"<body><year>年政府信息公开工作年度报告" in 宋体, part headings in 黑体, body text in 仿宋_GB2312 (Word substitutes
when a font is missing; LibreOffice falls back to Noto CJK), the tables with the official merged headers (from
:mod:`gaidsl.forms.layout`; open rows as entered, lists of records as tables) in 宋体, page numbers "— N —" centred
in the footer, A4.

``render(spec, report)`` gives the filled report. The build output is the blank form: a 报告信息 table for the
fields, each part with its guidance (style ``gaidsl 填写提示``, not read back) and an empty paragraph to write in,
and empty tables. ``gaidsl readback`` reads either back into a data file.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from gaidsl.checking.report import BLANK, Report
from gaidsl.forms.layout import (
    Grid,
    Layout,
    cell_text,
    contact_line,
    paragraphs,
    printed,
    signature,
    text_of,
    unknown_text,
    value_text,
    xml_safe,
)
from gaidsl.language import ir
from gaidsl.language.ui_text import UI, words
from gaidsl.targets import Files, Target

SONG, FANGSONG, HEI = UI["docx.font.song"]["zh"], UI["docx.font.fangsong"]["zh"], UI["docx.font.hei"]["zh"]
LATIN = "Times New Roman"
GUIDANCE_STYLE = UI["docx.style.guidance"]["zh"]  # a Chinese spec's names; others: the catalogue's (languages.md)
CONTACT_STYLE = UI["docx.style.contact"]["zh"]
SIGNATURE_STYLE = UI["docx.style.signature"]["zh"]
NOTE_STYLE = UI["docx.style.note"]["zh"]
FIELDS_CAPTION = UI["fields_caption"]["zh"]
TABLE_STYLE = UI["docx.style.table"]["zh"]
TABLE_STYLE_ID = "gaidsl表格"  # the style id python-docx derives from the name (checked in _styles)
OPEN_VALUE_CM = 1.45  # the narrowest value column of a table with open rows (its row labels wrap first)
INDENT_PT = 9  # a coded row's label indented this much per level (one character of the 9 pt table text)


def set_font(target: Any, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a run's or a style's fonts: Latin and East Asian (w:eastAsia), size in points, bold."""
    font = target.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = target.element if hasattr(target, "element") else target._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(doc: Any, name: str, east_asia: str, size: float, bold: bool = False, base: str = "Normal") -> Any:
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != base:
        style.base_style = styles[base]
    set_font(style, east_asia, size, bold)
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.italic = False
    return style


def _styles(doc: Any, language: str = "zh") -> None:
    ui = words(language)
    SONG, FANGSONG, HEI = ui["docx.font.song"], ui["docx.font.fangsong"], ui["docx.font.hei"]
    GUIDANCE_STYLE, CONTACT_STYLE, SIGNATURE_STYLE, NOTE_STYLE, TABLE_STYLE = (
        ui[f"docx.style.{k}"] for k in ("guidance", "contact", "signature", "note", "table")
    )
    normal = _style(doc, "Normal", FANGSONG, 16)
    normal.paragraph_format.first_line_indent = Pt(32)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    title = _style(doc, "Title", SONG, 22, True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.space_after = Pt(16)
    title.paragraph_format.line_spacing = Pt(36)
    pbdr = title.element.find(qn("w:pPr") + "/" + qn("w:pBdr"))
    if pbdr is not None:
        pbdr.getparent().remove(pbdr)
    h2 = _style(doc, "Heading 2", HEI, 16)
    h2.paragraph_format.first_line_indent = Pt(32)
    h2.paragraph_format.space_before = Pt(6)
    h2.paragraph_format.space_after = Pt(0)
    h2.paragraph_format.keep_with_next = True
    h3 = _style(doc, "Heading 3", FANGSONG, 16, True)
    h3.paragraph_format.first_line_indent = Pt(32)
    h3.paragraph_format.space_before = Pt(0)
    h3.paragraph_format.space_after = Pt(0)
    guidance = _style(doc, GUIDANCE_STYLE, FANGSONG, 12)
    guidance.font.italic = True
    guidance.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    _style(doc, CONTACT_STYLE, FANGSONG, 16)
    sig = _style(doc, SIGNATURE_STYLE, FANGSONG, 16)
    sig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note = _style(doc, NOTE_STYLE, SONG, 10.5)
    note.paragraph_format.first_line_indent = Pt(0)
    note.paragraph_format.line_spacing = 1.0
    table_text = _style(doc, TABLE_STYLE, SONG, 9)
    assert language != "zh" or table_text.style_id == TABLE_STYLE_ID, table_text.style_id
    table_text.paragraph_format.first_line_indent = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_number(section: Any, song: str = SONG) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)

    def run(text: str | None = None, field: str | None = None) -> None:
        r = footer.add_run(text or "")
        set_font(r, song, 14)
        if field is not None:
            for kind, instr in (("begin", None), (None, field), ("separate", None), ("end", None)):
                if kind is None:
                    element = OxmlElement("w:instrText")
                    element.set(qn("xml:space"), "preserve")
                    element.text = instr
                else:
                    element = OxmlElement("w:fldChar")
                    element.set(qn("w:fldCharType"), kind)
                r._r.append(element)
                if kind == "separate":
                    number = OxmlElement("w:t")
                    number.text = "1"
                    r._r.append(number)

    run("— ")
    run(field=" PAGE ")
    run(" —")


def _cell_text(cell: Any, text: str, bold: bool = False, align: str = "center", style_id: str = TABLE_STYLE_ID) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.style = style_id
    if align == "left":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(xml_safe(line))
        if bold:
            run.bold = True
        if i < len(lines) - 1:
            run.add_break()
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _widths(grid: Grid, total_cm: float) -> list[float]:
    """Column widths: row-header columns by the longest label they hold alone, data columns share the rest."""
    widths = [0.0] * grid.width
    for box in grid.boxes:
        if box.role in ("row", "corner") and box.colspan == 1 and box.col < grid.row_header_cols:
            need = 1.5 if box.rowspan > 1 else min(4.6, 0.4 + 0.33 * len(box.text))
            if box.entered_key:  # a code or a key of Latin letters: narrower characters
                need = min(4.6, 0.3 + 0.18 * len(box.text))
            elif box.indent:
                need = min(4.6, need + INDENT_PT / 28.35 * box.indent)
            widths[box.col] = max(widths[box.col], need)
    if grid.header_rows == 0:  # a grid of blocks: the label column, then equal data columns
        widths[0] = 4.2
    free = [i for i, w in enumerate(widths) if w == 0]
    if any(box.entered_key for box in grid.boxes):  # open rows: amounts such as 2112.86 stay on one line
        room = total_cm - OPEN_VALUE_CM * len(free)
        label = widths[1] if len(widths) > 1 else 0.0
        if widths[0] + label > room and label:
            widths[1] = max(2.0, room - widths[0])
    fixed = sum(widths)
    share = max(1.0, (total_cm - fixed) / max(1, len(free)))
    return [w if w else share for w in widths]


def add_grid(
    doc: Any,
    grid: Grid,
    report: Report | None,
    total_cm: float,
    style_id: str = TABLE_STYLE_ID,
    language: str = "zh",
) -> Any:
    table = doc.add_table(rows=grid.height, cols=grid.width)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(grid, total_cm)
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Cm(width)
    # every cell once, before merging (python-docx's table.cell() walks the whole table on each call)
    cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for row in cells:
        for i, cell in enumerate(row):
            cell.width = Cm(widths[i])
    for box in grid.boxes:
        cell = cells[box.row][box.col]
        if box.rowspan > 1 or box.colspan > 1:
            cell = cell.merge(cells[box.row + box.rowspan - 1][box.col + box.colspan - 1])
        if box.role == "value":
            _cell_text(
                cell,
                cell_text(report, box.cell, language),
                align="left" if box.holds_text else "center",
                style_id=style_id,
            )
        elif box.role == "absent":
            _cell_text(cell, "—", style_id=style_id)
        else:
            left = box.role in ("row", "title")
            _cell_text(cell, box.text, bold=box.role == "title", align="left" if left else "center", style_id=style_id)
            if box.indent:  # a coded hierarchy's 款 and 项 (docs/open-dimensions.md)
                cell.paragraphs[0].paragraph_format.left_indent = Pt(INDENT_PT * box.indent)
    for r in range(grid.header_rows):
        trpr = table.rows[r]._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        trpr.append(header)
    return table


def _fields_table(doc: Any, lay: Layout, report: Report | None, style_id: str = TABLE_STYLE_ID) -> None:
    table = doc.add_table(rows=len(lay.fields) + 1, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, (4.0, 12.0), strict=True):
        col.w = Cm(width)
    head = table.cell(0, 0).merge(table.cell(0, 1))
    _cell_text(head, words(lay.words_languages)["fields_caption"], bold=True, style_id=style_id)
    for i, field in enumerate(lay.fields, start=1):
        table.cell(i, 0).width = Cm(4)
        table.cell(i, 1).width = Cm(11)
        _cell_text(table.cell(i, 0), field.label, align="left", style_id=style_id)
        value = report.fields.get(field.key, BLANK) if report else BLANK
        _cell_text(table.cell(i, 1), value_text(value, lay.language), align="left", style_id=style_id)


def document(spec: ir.Spec, report: Report | None, form: bool) -> Any:
    """The Word document of ``report`` (``None``: blank): a spec with open dimensions prints its rows as entered (a
    key column and a label column, a coded hierarchy's labels indented by level) and each list of records as a
    table (:func:`gaidsl.forms.layout.printed`); a blank one gives ``BLANK_ROWS`` empty rows to fill by hand."""
    lay = printed(spec, report)
    ui = words(spec.words_languages)  # a bilingual document's headings: both languages (docs/languages.md)
    doc = Document()
    _styles(doc, spec.language)
    table_id = doc.styles[ui["docx.style.table"]].style_id
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.5)
    _page_number(section, ui["docx.font.song"])
    width_cm = 21 - 5.0
    doc.core_properties.title = xml_safe(lay.report_title(report))
    doc.core_properties.subject = f"{spec.id} {spec.version}"
    doc.core_properties.comments = "gaidsl"
    doc.add_paragraph(xml_safe(lay.report_title(report)), style="Title")
    if form:
        _fields_table(doc, lay, report, table_id)
        doc.add_paragraph("")
    else:
        contact = contact_line(lay, report)
        if contact:
            doc.add_paragraph(xml_safe(contact), style=ui["docx.style.contact"])
    for part in lay.parts:
        doc.add_paragraph(xml_safe(part.label), style="Heading 2")
        for item in part.items:
            if isinstance(item, Grid):
                if item.caption:
                    doc.add_paragraph(xml_safe(item.caption), style=ui["docx.style.note"])
                add_grid(doc, item, report, width_cm, table_id, lay.language)
                for note in item.notes:
                    doc.add_paragraph(xml_safe(note), style=ui["docx.style.note"])
                if not item.notes:
                    doc.add_paragraph("", style=ui["docx.style.note"])
                continue
            if item.heading and item.label:
                doc.add_paragraph(xml_safe(item.label), style="Heading 3")
            if form and item.guidance:
                guidance = ui["guidance_prefix"] + " ".join(item.guidance)
                doc.add_paragraph(xml_safe(guidance), style=ui["docx.style.guidance"])
            text = text_of(report, item.key, lay.language)
            lines = paragraphs(text) if text != unknown_text(lay.language) else [text]
            for line in lines or ([""] if form else []):
                doc.add_paragraph(xml_safe(line))
    for line in signature(lay, report):
        doc.add_paragraph(xml_safe(line), style=ui["docx.style.signature"])
    return doc


def to_bytes(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


_CJK_FONT = '[^"]*[\u3000-\u303f\u3400-\u9fff\uff00-\uffef][^"]*'
# the default template's fonts named in Chinese or Japanese: its theme's per-script fonts, its font table
_CJK_PARTS = {
    "word/theme/theme1.xml": re.compile(f'<a:font script="[A-Za-z]+" typeface="{_CJK_FONT}"/>\\s*'),
    "word/fontTable.xml": re.compile(f'<w:font w:name="{_CJK_FONT}">.*?</w:font>\\s*', re.DOTALL),
}


def without_cjk_fonts(data: bytes) -> bytes:
    """A document of a spec in another language than Chinese without the East Asian font names python-docx's default
    template carries (Word falls back to the theme's other fonts): no Chinese character is left in it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in _CJK_PARTS:
                content = _CJK_PARTS[info.filename].sub("", content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def _bytes(spec: ir.Spec, doc: Any) -> bytes:
    data = to_bytes(doc)
    return data if "zh" in spec.words_languages else without_cjk_fonts(data)


def render(spec: ir.Spec, report: Report | None) -> bytes:
    return _bytes(spec, document(spec, report, form=False))


def form(spec: ir.Spec, report: Report | None = None) -> bytes:
    return _bytes(spec, document(spec, report, form=True))


def emit(spec: ir.Spec) -> Files:
    return {
        f"{spec.id}_{spec.version}.form.docx": form(spec),
        f"{spec.id}_{spec.version}.blank.docx": render(spec, None),
    }


TARGET = Target(
    "docx",
    "Word documents: the blank form and the report (宋体/仿宋, merged headers, page numbers)",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
