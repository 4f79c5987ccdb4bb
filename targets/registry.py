"""The targets gaidsl ships, by name: each imported explicitly, so the registry is typed and a new target is one
line here (and a subpackage beside the others)."""

from __future__ import annotations

import functools

from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.targets import Content, Target
from gaidsl.targets.docx import target as docx
from gaidsl.targets.html import target as html
from gaidsl.targets.html_form import target as html_form
from gaidsl.targets.javascript import open_parts as javascript  # the javascript target, open rows included
from gaidsl.targets.jsonschema import target as jsonschema
from gaidsl.targets.markdown import target as markdown
from gaidsl.targets.pdf import target as pdf
from gaidsl.targets.python import open_parts as python  # the python target, open rows included
from gaidsl.targets.sql import records as sql  # the sql target, open rows and lists of records included
from gaidsl.targets.text import target as text
from gaidsl.targets.xlsx import target as xlsx

TARGETS: tuple[Target, ...] = (
    docx.TARGET,
    html.TARGET,
    html_form.TARGET,
    javascript.TARGET,
    jsonschema.TARGET,
    markdown.TARGET,
    pdf.TARGET,
    python.TARGET,
    sql.TARGET,
    text.TARGET,
    xlsx.TARGET,
)


@functools.cache
def available() -> dict[str, Target]:
    """Every target, by name, in alphabetical order (what ``gaidsl build --target all`` builds, in this order)."""
    return {target.name: target for target in sorted(TARGETS, key=lambda t: t.name)}


RENDERINGS: dict[str, tuple[str, str]] = {  # what `gaidsl render --to` and `gaidsl.render(to=)` name → (target, suffix)
    "html": ("html", ".html"),
    "md": ("markdown", ".md"),
    "txt": ("text", ".txt"),
    "docx": ("docx", ".docx"),
    "pdf": ("pdf", ".pdf"),
    "xlsx": ("xlsx", ".xlsx"),
    "form": ("html-form", ".form.html"),
}
BINARY = ("docx", "pdf", "xlsx")
"""The renderings that are bytes, not text."""


def renderer(target: str) -> Target:
    """A report-rendering target by name (one whose ``render`` is set: every target a rendering names)."""
    found = available()[target]
    if found.render is None:
        raise ValueError(f"the {target} target renders no report")
    return found


def render(spec: ir.Spec, report: Report | None, to: str) -> Content:
    """``report`` (``None``: blank) rendered as ``to`` (a key of :data:`RENDERINGS`: html, md, txt, docx, pdf …)."""
    if to not in RENDERINGS:
        raise ValueError(f"unknown rendering {to!r}: one of {', '.join(RENDERINGS)}")
    draw = renderer(RENDERINGS[to][0]).render
    assert draw is not None  # renderer() checked it
    return draw(spec, report)
