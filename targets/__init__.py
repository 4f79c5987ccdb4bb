"""Output targets: each is a subpackage ``gaidsl.targets.<name>`` whose ``target`` module defines ``TARGET``.

A target is a pure function from the IR to files (relative path → text or bytes); the CLI writes them. The targets
that draw a filled report (``gaidsl render``) say so with a ``render`` function. Templates sit beside the emitter
and are loaded with :func:`environment` (autoescaping on for markup). The list of targets is
:mod:`gaidsl.targets.registry`; this module holds only what every target shares, so that it imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import attrs
import jinja2

from gaidsl.checking.report import Report
from gaidsl.forms.layout import Layout, printed
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

Content = str | bytes
"""A file's content: text (written as UTF-8) or bytes (the same alias as :data:`gaidsl.cli.output.Content`)."""
Files = Mapping[str, Content]
"""A target's output: relative path → content."""
Emit = Callable[[ir.Spec], Files]
"""Build: the files of a spec (``gaidsl build``)."""
Render = Callable[[ir.Spec, Report | None], Content]
"""Render: a report (``None``: a blank one) drawn in the target's format (``gaidsl render``)."""


class Unrenderable(Exception):
    """A target that cannot make its output on this machine (a PDF with no font for the report's text): ``message``
    says why and what to install, in Chinese and English. The CLI prints it and exits 2; nothing is written."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


@attrs.frozen
class Target:
    """Everything the CLI calls on a target: ``emit`` for ``gaidsl build``; ``render``, for the targets that draw a
    filled report, for ``gaidsl render`` (``None`` for validators and schemas)."""

    name: str
    description: str
    emit: Emit
    render: Render | None = None
    open_dimensions: bool = False
    """``emit`` handles specs with open dimensions (docs/open-dimensions.md); the others are refused with GAI610."""
    records: bool = False
    """``emit`` handles specs with lists of records (docs/records.md); the others are refused with GAI770."""


def environment(*folders: Path, page: bool = False) -> jinja2.Environment:
    """The Jinja2 environment for templates in ``folders`` (the first that has a name wins), with strict undefined.

    A target's templates (the default) are autoescaped when they are HTML/XML and written for generated code: block
    tags take their line with them and a file's last newline is kept. A ``page`` (the HTML pages of ``gaidsl diff``
    and ``gaidsl ingest``) is autoescaped whatever its name and keeps Jinja's default whitespace.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=page or jinja2.select_autoescape(("html", "htm", "xml", "svg"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=not page,
        trim_blocks=not page,
        lstrip_blocks=not page,
    )


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_FAMILY = re.compile(f'"[^"]*[{_CJK}][^"]*",\\s*')
_CJK_COMMENT = re.compile(f"/\\*[^*]*[{_CJK}][^*]*\\*/\\n?")


def stylesheet_for(css: str, language: str) -> str:
    """``css`` for an output in ``language``: as it is for Chinese; for another language without the font families
    named in Chinese (仿宋_GB2312 …; their Latin names stay) and without comments written in Chinese, so that no
    Chinese character is left in an English page (docs/languages.md)."""
    if language == "zh":
        return css
    return _CJK_COMMENT.sub("", _CJK_FAMILY.sub("", css))


C = TypeVar("C", str, bytes)


def drawn(
    draw: Callable[[Layout, Report | None], C], suffix: str
) -> tuple[Callable[[ir.Spec, Report | None], C], Emit]:
    """``render`` and ``emit`` of a target that draws a report from the spec's layout with ``draw``: ``render`` draws
    a filled report (``None``: a blank one), open rows as entered and lists of records as tables (:func:`printed`),
    and the build output is the blank report, ``<id>_<version>.blank.<suffix>``."""

    def render(spec: ir.Spec, report: Report | None) -> C:
        return draw(printed(spec, report), report)

    def emit(spec: ir.Spec) -> Files:
        return {f"{spec.id}_{spec.version}.blank.{suffix}": render(spec, None)}

    return render, emit
