"""The report as Markdown: the title and parts as headings, texts as paragraphs, and each table as an HTML table
inside the Markdown (pipe tables cannot merge cells; GitHub-flavoured Markdown and most viewers render HTML tables
with the official merged headers). Text is escaped for both Markdown and HTML.

``render(spec, report)`` gives a filled report; the build output is the blank report.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Grid, Layout, contact_line, paragraphs, signature, text_of, unknown_text
from gaidsl.targets import Target, drawn
from gaidsl.targets.html import target as html

HERE = Path(__file__).resolve().parent


_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~!])")
_LEADING = re.compile(r"^([ \t]*(?:\d+)?)([-+=.)])", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def md_text(text: str) -> str:
    """Text safe as one Markdown paragraph: ``&``, ``<`` and ``>`` as entities, Markdown punctuation
    backslash-escaped, no marker at the start of any of its lines (lists, headings, setext underlines: a text of
    several lines has one on each)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LEADING.sub(r"\1\\\2", text)


def md_heading(text: str) -> str:
    """Text safe as a heading's one line (a label written with a line break in it stays in its heading)."""
    return md_text(" ".join(text.split("\n")))


def html_block(html_text: str) -> str:
    """An HTML table as one Markdown HTML block: a blank line ends such a block and what follows is read as
    Markdown, so a text cell holding one (``a\\n\\n[x](javascript:…)``) would end the table there; its blank lines
    are folded (HTML shows a run of white space as one space either way)."""
    return _BLANK_LINES.sub("\n", html_text)


def render_layout(lay: Layout, report: Report | None) -> str:
    out = [f"# {md_heading(lay.report_title(report))}", ""]
    contact = contact_line(lay, report)
    if contact:
        out.extend([md_text(contact), ""])
    for part in lay.parts:
        out.extend([f"## {md_heading(part.label)}", ""])
        for item in part.items:
            if isinstance(item, Grid):
                content = html.cell_content(report, Markup("<em>{}</em>"), lay.language)
                out.extend([html_block(str(html.grid_html(item, content))), ""])
                continue
            if item.heading and item.label:
                out.extend([f"### {md_heading(item.label)}", ""])
            text = text_of(report, item.key, lay.language)
            unknown = text == unknown_text(lay.language)
            for paragraph in paragraphs(text):
                out.extend([f"*{md_text(paragraph)}*" if unknown else md_text(paragraph), ""])
    closing = signature(lay, report)
    if closing:
        out.extend(['<div align="right">', "", *[md_text(line) + "  " for line in closing], "", "</div>", ""])
    return "\n".join(out).rstrip("\n") + "\n"


render, emit = drawn(render_layout, "md")
TARGET = Target(
    "markdown",
    "the report as Markdown, tables as HTML with merged headers (blank report on build)",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
