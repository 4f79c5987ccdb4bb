"""The report as PDF: the HTML rendering (``targets/html``) laid out for A4 by WeasyPrint, with page numbers and
table headers repeated on each page. Chinese needs a CJK font on the machine (Noto CJK: Debian's fonts-noto-cjk);
the stylesheet prefers 仿宋/宋体 where they are installed.

Without a font for some character of the report, Pango draws an empty box (.notdef) and WeasyPrint only logs a
warning: a PDF that looks right to a program and is unreadable to a person. :func:`html_to_pdf` listens for that
warning and raises :class:`~gaidsl.targets.Unrenderable` naming the characters and the font package to install.

``render(spec, report)`` gives a filled report; the build output is the blank report.
"""

from __future__ import annotations

import logging
from pathlib import Path

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Layout
from gaidsl.language.diagnostics import Text
from gaidsl.targets import Target, Unrenderable, drawn
from gaidsl.targets.html import target as html

HERE = Path(__file__).resolve().parent
LISTED = 8  # characters named in the message before "…"

INSTALL = Text(
    "Debian/Ubuntu：apt-get install fonts-noto-cjk；Fedora：dnf install google-noto-serif-cjk-fonts "
    "google-noto-sans-cjk-fonts；Arch：pacman -S noto-fonts-cjk；Alpine：apk add font-noto-cjk；"
    "macOS 与 Windows 自带中文字体",
    "Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: dnf install google-noto-serif-cjk-fonts "
    "google-noto-sans-cjk-fonts; Arch: pacman -S noto-fonts-cjk; Alpine: apk add font-noto-cjk; macOS and Windows "
    "ship Chinese fonts",
)


class _NotdefGlyphs(logging.Handler):
    """Collects the characters WeasyPrint drew as .notdef (its warning names each one as a ``%s`` argument)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph") and record.args and isinstance(record.args, tuple):
            self.missing[str(record.args[0])] = None


def missing_font(characters: list[str]) -> Unrenderable:
    shown = "".join(characters[:LISTED]) + ("…" if len(characters) > LISTED else "")
    return Unrenderable(
        Text(
            f"没有覆盖报告文字的字体：{len(characters)} 个字符（{shown}）在 PDF 中会成为空框，未写入。请安装中文字体，"
            f"如 {INSTALL.zh}",
            f"no installed font covers the report's text: {len(characters)} characters ({shown}) would be empty "
            f"boxes in the PDF; nothing written. Install a CJK font, e.g. {INSTALL.en}",
        )
    )


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``; :class:`Unrenderable` when a character has no font on this machine."""
    import weasyprint  # type: ignore[import-untyped]  # imported here: it is slow to import and needs Pango

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    logger = logging.getLogger("weasyprint")
    glyphs = _NotdefGlyphs()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(glyphs)
    logger.setLevel(logging.WARNING)  # the .notdef warning is what we listen for; nothing reaches the console
    logger.propagate = False
    try:
        data: bytes = weasyprint.HTML(string=html, base_url=str(HERE)).write_pdf()
    finally:
        logger.removeHandler(glyphs)
        logger.setLevel(level)
        logger.propagate = propagate
    if glyphs.missing:
        raise missing_font(list(glyphs.missing))
    return data


def render_layout(lay: Layout, report: Report | None) -> bytes:
    css = html.stylesheet() + (HERE / "print.css").read_text(encoding="utf-8")
    return html_to_pdf(html.render_layout(lay, report, css=css))


render, emit = drawn(render_layout, "pdf")
TARGET = Target(
    "pdf",
    "the report as PDF (A4, page numbers) from the HTML rendering (blank report on build)",
    emit,
    render,
    open_dimensions=True,
    records=True,
)
