"""Any label is safe in every target: ``<script>``, ``&``, quotes, ``=HYPERLINK(…)``, ``+cmd`` come out as the text
they are (escaped in HTML and Markdown, strings never formulas in xlsx, literal in docx and txt)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from gaidsl.checking.report import Report, Value
from gaidsl.forms.layout import layout, xml_safe
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_text
from tests.render_support import target
from tests.support import examples

DANGEROUS = [
    "<script>alert('x')</script>",
    "A & B \"quoted\" 'single'",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "</td></tr></table><b>",
    "**bold** _em_ [link](x) # h | pipe `code`",
    "&lt;already&gt; &amp;",
]


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def spec_with(label: str) -> ir.Spec | None:
    source = f"""
format escaping version 1 {quote("格式 " + label)} {{
  field body "报告主体" : text required
  field year "年度" : integer required
  section overview {quote("一、" + label)} {{
    text overview {quote("T" + label)} guidance {quote("G" + label)}
  }}
  section numbers {quote("二、数字")} {{
    table numbers {quote("表" + label)} : count {{
      note {quote("N" + label)} at corner
      note {quote("注" + label)}
      columns {{
        group g {quote("C" + label)} {{
          a {quote("A" + label)}
          b {quote("B" + label)}
        }}
        total t "总计"
      }}
      rows {{
        r1 {quote("R" + label)}
        r2 "第二行"
      }}
    }}
  }}
}}
"""
    compiled = compile_text(source)
    return compiled.spec if compiled.ok else None


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(v or "" for _, v in attrs)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


REPORT_TAGS = {
    "html",
    "colgroup",
    "col",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "article",
    "h1",
    "h2",
    "h3",
    "p",
    "section",
    "div",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "span",
}
FORM_TAGS = REPORT_TAGS | {
    "header",
    "main",
    "label",
    "input",
    "button",
    "fieldset",
    "legend",
    "textarea",
    "script",
    "select",
    "option",
}
MD_TAGS = {"table", "colgroup", "col", "caption", "thead", "tbody", "tr", "th", "td", "br", "span", "em", "p", "div"}


def labels_of(label: str) -> list[str]:
    return ["T" + label, "C" + label, "A" + label, "R" + label, "N" + label, "注" + label]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check_all(label: str) -> None:
    s = spec_with(label)
    assume(s is not None)
    assert s is not None
    expected = [_one_line(x) for x in labels_of(label)]
    # html report and form: only our own elements; every label is text, exactly
    for html, allowed in ((target("html").render(s, None), REPORT_TAGS), (target("html-form").emit(s), FORM_TAGS)):
        page = html if isinstance(html, str) else next(iter(html.values()))
        parsed = Collect()
        parsed.feed(page)
        assert set(parsed.tags) <= allowed, set(parsed.tags) - allowed
        text = _one_line(" ".join(parsed.text + parsed.attrs))
        for x in expected[1:]:
            assert x in text
        for script in parsed.scripts:
            assert "</script" not in script.lower()
        if allowed is FORM_TAGS:
            meta = json.loads(parsed.scripts[0])
            assert any(("R" + label) in v for v in meta["labels"].values())
    # markdown: our table elements only, and labels not raw
    md = target("markdown").render(s, None)
    parsed = Collect()
    parsed.feed(md)
    assert set(parsed.tags) <= MD_TAGS, set(parsed.tags) - MD_TAGS
    # text: the labels as they are
    txt = target("text").render(s, None)
    for x in expected[1:]:
        assert x in _one_line(txt)
    # xlsx: labels stored as strings; formulas only on the checks sheet
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(target("xlsx").render(s, None)))
    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert ws.title == "校验", (ws.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, str):
                    seen.add(cell.value)
    for x in labels_of(label)[1:4]:
        assert xml_safe(x) in seen  # XML cannot hold U+FFFE, U+FFFF or controls: U+FFFD stands for them
    # docx: every label in the text, as it is
    import docx

    doc = docx.Document(io.BytesIO(target("docx").form(s)))
    words = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    joined = "\n".join(words)
    for x in labels_of(label)[1:]:
        assert xml_safe(x) in joined
    assert layout(s).parts[0].label == "一、" + label


LABEL = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=16).filter(
    lambda t: t.strip() == t and bool(t) and not re.search(r"\s{2}", t)
)


@settings(max_examples=examples(0.15))
@given(LABEL)
@example(DANGEROUS[0])
@example(DANGEROUS[1])
@example(DANGEROUS[2])
@example(DANGEROUS[3])
@example(DANGEROUS[4])
@example(DANGEROUS[5])
@example(DANGEROUS[6])
@example(DANGEROUS[7])
@example(DANGEROUS[8])
@example("非字符\uffff\ufffe")
def test_any_label_is_safe_in_every_target(label: str) -> None:
    check_all(label)


def test_formula_looking_text_values_are_strings_in_xlsx() -> None:
    from openpyxl import load_workbook

    from gaidsl.checking.report import FieldValue, Report

    s = spec_with("x")
    assert s is not None
    fields: dict[str, FieldValue] = {"body": '=HYPERLINK("http://e","x")', "year": Decimal(2023)}
    report = Report(s.id, s.version, fields, {"overview": "+cmd|' /C calc'!A0"})
    wb = load_workbook(io.BytesIO(target("xlsx").render(s, report)))
    cells: dict[str, Any] = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert cells['=HYPERLINK("http://e","x")'].data_type == "s"
    assert cells["+cmd|' /C calc'!A0"].data_type == "s"
    assert cells["+cmd|' /C calc'!A0"].quotePrefix


# ------------------------------------------------------------------------------------------------ open rows, records

OPEN_DANGEROUS = ["</script><script>alert(1)</script>", "{{ x }}{% if %}", "=SUM(1)", "a\nb \"q\" 'r' \\ &amp;"]
KEYS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Z")), min_size=1, max_size=8).filter(
    lambda k: not re.search(r"[.\[\]<>\s]", k)
)


def open_spec_with(label: str) -> ir.Spec | None:
    source = f"""
format hostile version 1 {{
  dimension component {quote("D" + label)} open {{
    total overall {quote("T" + label)}
  }}
  section numbers {quote("一、" + label)} {{
    table requests {quote("表" + label)} : count {{
      columns {{ received {quote("C" + label)} }}
      rows component
    }}
    records notes {quote("L" + label)} {{
      field component {quote("F" + label)} : member of component
      field text "Text" : text
      field n "Count" : count
    }}
  }}
}}
"""
    compiled = compile_text(source)
    return compiled.spec if compiled.ok else None


def check_open(label: str, key: str) -> None:
    from gaidsl.checking.report import EnteredMember, Report

    s = open_spec_with(_one_line(label) or "x")
    assume(s is not None)
    assert s is not None
    values: dict[str, Value] = {
        f"requests.{key}.received": Decimal(1),
        "notes.1.component": key,
        "notes.1.text": label,
        "notes.1.n": Decimal(1),
    }
    report = Report(
        s.id, s.version, values=values, members={"component": (EnteredMember(key, label),)}, records={"notes": 1}
    )
    shown = [_one_line(label), key]
    page = target("html").render(s, report)
    parsed = Collect()
    parsed.feed(page)
    assert set(parsed.tags) <= REPORT_TAGS, set(parsed.tags) - REPORT_TAGS
    text = _one_line(" ".join(parsed.text))
    for x in shown:
        assert _one_line(x) in text
    md = target("markdown").render(s, report)
    parsed = Collect()
    parsed.feed(md)
    assert set(parsed.tags) <= MD_TAGS, set(parsed.tags) - MD_TAGS
    txt = _one_line(target("text").render(s, report))
    for x in shown:
        assert _one_line(x) in txt
    import docx

    doc = docx.Document(io.BytesIO(target("docx").render(s, report)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert key in cells and xml_safe(label) in cells  # the label as a row header, the record's text as a value
    # the HTML form: the report as JSON in its own script element, no script element more; each list's records
    form = target("html-form").render(s, report)
    blank = next(iter(target("html-form").emit(s).values()))
    assert form.lower().count("<script") == blank.lower().count("<script") + 1
    assert form.lower().count("</script") == blank.lower().count("</script") + 1
    assert 'data-records="notes"' in form
    # the workbook: the key, the label and the record's text as strings (never formulas), read back as they were
    from openpyxl import load_workbook

    from gaidsl.forms.readback import read_bytes

    workbook = target("xlsx").render(s, report)
    written = [c for ws in load_workbook(io.BytesIO(workbook)).worksheets for row in ws.iter_rows() for c in row]
    for x in (key, label):
        assert any(c.value == xml_safe(x) and c.data_type == "s" for c in written), x
    for suffix, data in ((".xlsx", workbook), (".docx", target("docx").form(s, report))):
        back = read_bytes(s, data, suffix, "hostile" + suffix).report
        assert back is not None and [m.key for m in back.members["component"]] == [key]
        assert back.records == {"notes": 1} and back.values["notes.1.component"] == key


@settings(max_examples=examples(0.03), deadline=None)
@given(LABEL, KEYS)
@example(OPEN_DANGEROUS[0], "=SUM(1)")
@example(OPEN_DANGEROUS[1], "{{x}}")
@example(OPEN_DANGEROUS[2], "\"'&\\")
@example(OPEN_DANGEROUS[3], "+cmd|'/C")
def test_any_member_key_label_and_record_text_is_safe_in_every_renderer(label: str, key: str) -> None:
    check_open(label, key)


MARKDOWN_SPEC = compile_text(
    """
format md_lines version 1 "Lines" {
  section s "Projects" {
    text summary "Summary"
    table t "Spending" {
      columns {
        spent "Spent" : count
        remark "Remark" : text
      }
      rows { r1 "Road" }
    }
    records projects "Projects" {
      field name "Project name" : text
      field amount "Amount" : count
    }
  }
}
"""
).spec
LINE_STARTS = ["- ", "+ ", "1. ", "2) ", "# ", "=== ", "--- ", "> ", "    ", "```", "~~~", "<div>", "[x]: http://e"]
_LINES = st.lists(
    st.sampled_from(LINE_STARTS).flatmap(lambda start: st.text(max_size=8).map(lambda rest: start + rest))
    | st.sampled_from(["", "   ", "[click](javascript:alert(1))", "**b** _e_ `c`", "<b>x</b>", "a | b"]),
    min_size=1,
    max_size=6,
).map("\n".join)


@settings(max_examples=examples(0.1), deadline=None)
@given(text=_LINES)
@example(text="a\n\n[click](javascript:alert(1))")
@example(text="abc\n- item\n===\n1. x")
def test_markdown_keeps_any_text_in_its_paragraph_or_table_cell(text: str) -> None:
    """Read by a CommonMark parser (markdown-it-py), the Markdown of a report whose text block, text cell and
    record field hold lines starting like Markdown blocks (lists, headings, setext underlines, fences, quotes,
    indented code) and blank lines has only the blocks gaidsl wrote: its headings, paragraphs and one HTML block
    per table; no link, list, code or emphasis comes from the text. A blank line in a cell ended the table's HTML
    block and a line after the first started a list or a heading."""
    assert MARKDOWN_SPEC is not None
    values: dict[str, Value] = {"t.r1.spent": Decimal(1), "t.r1.remark": text}
    values |= {"projects.1.name": text, "projects.1.amount": Decimal(1)}
    report = Report("md_lines", "1", texts={"summary": text}, values=values, records={"projects": 1})
    md = target("markdown").render(MARKDOWN_SPEC, report)
    tokens = MarkdownIt("commonmark").parse(md)
    kinds = {t.type for t in tokens}
    assert kinds <= {"heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline", "html_block"}, md
    tables = [t for t in tokens if t.type == "html_block"]
    assert len(tables) == 2 and all(t.content.count("<table") == t.content.count("</table>") == 1 for t in tables), md
    inline = {c.type for t in tokens if t.type == "inline" for c in t.children or ()}
    assert inline <= {"text", "softbreak"}, md
