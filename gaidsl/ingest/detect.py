"""Which reader an input needs, and (for ``--spec auto``) which shipped spec its layout is.

Reader
    A .docx file (a zip with ``word/document.xml``) is read as .docx. A PDF is read directly (:mod:`.pdf`: its
    ruled tables by their cells, other text by its layout); a PDF without a text layer (a scan) is refused with
    GAI830, naming OCR as the next step. A ``.doc``/``.wps`` file (an OLE file) is converted to .docx by
    LibreOffice headless (:mod:`.doc`; GAI832 when LibreOffice is missing, GAI833 when it fails). Text is
    decoded as UTF-8, else GB18030 (what Chinese Windows saves). HTML (by suffix or markup) is read as a web page;
    other text by the reader whose layout it looks most like: tab-indented cells (Word text), ``|``-joined cells
    (web page text), one cell a line (web page text copied cell by cell) or space-aligned columns (PDF layout
    text). A workbook, and a .docx that says gaidsl wrote it,
    do not come here: :mod:`~gaidsl.ingest.written` reads them back by their own map.

Spec
    Among candidate specs of one format (the shipped national specs: ``specs/`` without overlays), each spec's
    *own labels* are the row, column and table labels that no other candidate has (not even inside a longer label
    or as an alias): for 2021 ``本年制发件数``, ``现行有效件数``, ``本年处理决定数量``, the three （六） rows…; for 2019
    ``本年新制作数量``, ``对外公开总数量``, ``上一年项目数量``, ``第二十条第（九）项``…. The spec with the most own
    labels present in the input wins (so a 2021 report that prints the old single （六） row is still 2021: part 二
    says so). On a tie the report's year decides (the latest version not after it), then the latest version.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import attrs

from gaidsl.ingest import cell_lines, doc, docx, html, pdf, pdf_layout, pipe_text, word_text
from gaidsl.ingest.model import Document, Line
from gaidsl.ingest.normalise import label_key
from gaidsl.language import ir
from gaidsl.language.compiler import compile_spec_file
from gaidsl.language.diagnostics import Diagnostic
from gaidsl.language.shipped import catalogue


class Unreadable(Exception):
    """The input cannot be read as a report; ``zh``/``en`` say why. ``code`` is the GAI diagnostic code when the
    reason is one of the catalogue's (a scanned PDF, a .doc LibreOffice cannot convert)."""

    def __init__(self, zh: str, en: str, code: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.code = code

    @classmethod
    def coded(cls, code: str, **args: object) -> Unreadable:
        """The catalogue's message for ``code`` (GAI830–GAI849) as the reason."""
        message = Diagnostic(code, "error", None, args).message
        return cls(message.zh, message.en, code)


def _read_pdf(data: bytes, name: str) -> Document:
    try:
        return pdf.read_bytes(data, name)
    except pdf.NoTextLayer as exc:
        raise Unreadable.coded("GAI830", pages=exc.pages) from exc
    except pdf.PdfError as exc:
        raise Unreadable.coded("GAI831", reason=str(exc)) from exc


def _read_doc(data: bytes, name: str, suffix: str) -> Document:
    try:
        converted = doc.to_docx(data, suffix if suffix in (".doc", ".wps") else ".doc")
    except doc.NoConverter as exc:
        raise Unreadable.coded("GAI832") from exc
    except doc.ConversionFailed as exc:
        raise Unreadable.coded("GAI833", reason=str(exc)) from exc
    try:
        document = docx.read_bytes(converted, name)
    except docx.DocxError as exc:
        raise Unreadable.coded("GAI833", reason=str(exc)) from exc
    return attrs.evolve(document, route="doc")


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("不是文本文件", "not a text file")
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable("无法解码（既不是 UTF-8 也不是 GB18030）", "cannot decode (neither UTF-8 nor GB18030)")


def read_document(data: bytes, name: str, route: str | None = None) -> Document:
    """The input's blocks by the right reader (``route`` forces one)."""
    suffix = Path(name).suffix.lower()
    if route == "docx" or (route is None and docx.looks_like(data)):
        try:
            return docx.read_bytes(data, name)
        except docx.DocxError as exc:
            raise Unreadable(f"无法读取 .docx 文件：{exc}", f"cannot read the .docx file: {exc}") from exc
    if route == "pdf" or (route is None and pdf.looks_like(data)):
        return _read_pdf(data, name)
    if route is None and suffix == ".xlsx":  # ingest_bytes reads a workbook gaidsl wrote back before this
        raise Unreadable("工作簿没有报告版面可读", "a workbook has no report layout to read")
    if route == "doc" or (route is None and suffix in (".doc", ".wps") and doc.looks_like(data)):
        return _read_doc(data, name, suffix)
    if route is None and suffix in (".doc", ".pdf", ".xls", ".wps"):
        raise Unreadable(f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}")
    text = decode(data)
    if not text.strip():
        raise Unreadable("文件为空", "the file is empty")
    if route is None:
        if suffix in (".html", ".htm", ".xhtml", ".shtml") or html.looks_like(text) >= 0.5:
            route = "html"
        else:
            scores = {
                "cell_lines": cell_lines.looks_like(text),
                "word_text": word_text.looks_like(text),
                "pipe_text": pipe_text.looks_like(text),
                "pdf_layout": pdf_layout.looks_like(text),
            }
            route = max(scores, key=lambda k: scores[k])
            if scores[route] < 0.05:
                route = "pipe_text"  # plain paragraphs: any text reader will do
    readers = {
        "cell_lines": cell_lines.read,
        "html": html.read,
        "word_text": word_text.read,
        "pipe_text": pipe_text.read,
        "pdf_layout": pdf_layout.read,
    }
    if route not in readers:
        raise ValueError(f"unknown reader {route!r}")
    return readers[route](text, name)


# ---------------------------------------------------------------------------------------------------- spec choice


def _labels(spec: ir.Spec) -> tuple[set[str], set[str]]:
    """(own candidate labels, every label and alias) as keys."""
    labels: set[str] = set()
    everything: set[str] = set()
    for table in spec.tables.values():
        axes = [table.columns] + ([table.rows] if table.rows is not None else [])
        for axis in axes:
            for member in axis.members:
                key = label_key(member.label)
                if len(key) >= 2:
                    labels.add(key)
                everything.add(key)
                everything.update(label_key(a) for a in member.aliases)
        if table.label:
            labels.add(label_key(table.label))
            everything.add(label_key(table.label))
    return labels, everything


def own_labels(spec: ir.Spec, others: Sequence[ir.Spec]) -> tuple[str, ...]:
    labels, _ = _labels(spec)
    rivals: set[str] = set()
    for other in others:
        if other is not spec:
            rivals.update(_labels(other)[1])
    return tuple(sorted(k for k in labels if not any(k in r for r in rivals)))


@attrs.frozen
class Choice:
    spec: ir.Spec
    found: tuple[str, ...]
    scores: tuple[tuple[str, int], ...]


def document_key(document: Document) -> str:
    parts = []
    for block in document.blocks:
        if isinstance(block, Line):
            parts.append(label_key(block.text))
        else:
            parts.append(label_key("".join(c.text for c in block.cells)))
    return "".join(parts)


def choose_spec(document: Document, candidates: Sequence[ir.Spec], year: int | None = None) -> Choice:
    key = document_key(document)
    scored = []
    for spec in candidates:
        found = tuple(label for label in _own_cached(spec, tuple(candidates)) if label in key)
        scored.append((len(found), spec, found))
    top = max(n for n, _, _ in scored)
    best = [(spec, found) for n, spec, found in scored if n == top]
    if len(best) > 1:

        def version(spec: ir.Spec) -> int:
            return int(spec.version) if spec.version.isdigit() else 0

        fitting = [b for b in best if year is None or version(b[0]) <= year]
        best = sorted(fitting or best, key=lambda b: version(b[0]))[-1:]
    spec, found = best[0]
    return Choice(spec, found, tuple((s.version, n) for n, s, _ in scored))


@functools.lru_cache(maxsize=8)
def _own_cached(spec: ir.Spec, candidates: tuple[ir.Spec, ...]) -> tuple[str, ...]:
    return own_labels(spec, candidates)


@functools.lru_cache(maxsize=1)
def shipped_specs() -> tuple[ir.Spec, ...]:
    """The national specs shipped with gaidsl (overlays and migrations left out, as :func:`catalogue` tells them
    apart; so are specs with open dimensions, which ingest does not read yet: GAI610), oldest version first."""
    specs = []
    for shipped in catalogue():
        if shipped.kind != "format":
            continue
        compilation = compile_spec_file(shipped.path)
        if compilation.ok and compilation.spec is not None and not compilation.spec.open_dimensions:
            specs.append(compilation.spec)
    return tuple(sorted(specs, key=lambda s: (s.id, s.version)))
