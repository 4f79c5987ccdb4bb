"""Files gaidsl wrote, read back by ``gaidsl ingest``: a filled workbook (``targets/xlsx``) and a Word form or report
(``targets/docx``), beside the published reports.

Which files
    A workbook (``.xlsx``, or a zip holding ``xl/workbook.xml``) always: no layout reader reads a workbook. A
    ``.docx`` only when it says gaidsl wrote it (its comments are ``gaidsl`` and its subject ``FORMAT VERSION``, as
    the docx target writes them; Word and LibreOffice keep both) and no ``--route`` forces a layout reader. Any other
    ``.docx`` is a published report, read by its tables and headings (:mod:`~gaidsl.ingest.docx`).

How
    :mod:`gaidsl.forms.readback` takes every entry from its place (the workbook's ``_gaidsl`` map; the document's tables
    in
    the spec's order), and the entries are checked as a data file. The spec is the one the file says it was written
    for: with a spec given, a file for another format or version is refused (GAI710/GAI711); with ``--spec auto``,
    the shipped spec of that format and version is used. A value that is not valid for its cell or field (a count
    typed as 1.5: GAI706) is not read, as ingest does with any cell, and logged with the data file's code; a cell the
    file does not hold (its map or tables lack it) is not read either (ING170). The provenance of every entry is its
    place (``二、主动公开!C5``, ``table 3 · row 4 · cell 4``, ``title``, ``paragraphs under 五、…``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gaidsl.checking.open_members import close
from gaidsl.checking.records import close_records
from gaidsl.forms import readback
from gaidsl.forms.layout import layout
from gaidsl.ingest import docx
from gaidsl.ingest.detect import Unreadable
from gaidsl.ingest.locate import spec_index
from gaidsl.ingest.messages import entry
from gaidsl.ingest.model import Ingested, LogEntry, Provenance
from gaidsl.ingest.result import Result
from gaidsl.ingest.textchecks import TextCheck, check_overview, overview_log
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic

ROUTES = {
    "gaidsl_xlsx": (
        "gaidsl 工作簿（按隐藏的 _gaidsl 表逐格读回）",
        "a workbook gaidsl wrote (every entry from the place its _gaidsl sheet maps)",
    ),
    "gaidsl_docx": (
        "gaidsl Word 文档（按报告格式的表格顺序与标题读回）",
        "a Word document gaidsl wrote (tables in the format's order, texts under their headings)",
    ),
}


def _is_workbook(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def route_of(data: bytes, name: str, route: str | None = None) -> str | None:
    """``gaidsl_xlsx`` or ``gaidsl_docx`` for a file read back, ``None`` for a published report."""
    if Path(name).suffix.lower() == ".xlsx" or _is_workbook(data):
        return "gaidsl_xlsx"
    if route is None and docx.looks_like(data) and readback.is_gaidsl_docx(data):
        return "gaidsl_docx"
    return None


def _refused(diagnostic: Diagnostic) -> Unreadable:
    message = diagnostic.message
    return Unreadable(f"{diagnostic.code} {message.zh}", f"{diagnostic.code} {message.en}")


def _spec_for(specs: ir.Spec | Sequence[ir.Spec], found: tuple[str, str] | None) -> tuple[ir.Spec, str | None]:
    """The spec to read with, and (for ``--spec auto``) the version it was chosen for."""
    if isinstance(specs, ir.Spec):
        if found is not None and found != (specs.id, specs.version):
            code = "GAI710" if found[0] != specs.id else "GAI711"
            raise Unreadable(
                f"{code} 此文件按 {found[0]} {found[1]} 版生成，不是 {specs.id} {specs.version} 版："
                "请给出该版本的规格文件，或用 --spec auto",
                f"{code} this file was written for {found[0]} version {found[1]}, not {specs.id} version "
                f"{specs.version}: give that version's spec file, or --spec auto",
            )
        return specs, None
    candidates = tuple(specs)
    if found is None:
        raise Unreadable(
            "文件未注明按哪一格式版本生成：请给出规格文件（不用 auto）",
            "the file does not say which format version it was written for: give the spec file (not auto)",
        )
    for spec in candidates:
        if (spec.id, spec.version) == found:
            return spec, spec.version
    shown = ", ".join(f"{s.id} {s.version}" for s in candidates)
    raise Unreadable(
        f"GAI711 此文件按 {found[0]} {found[1]} 版生成，随附的规格中没有该版本（{shown}）：请给出其规格文件",
        f"GAI711 this file was written for {found[0]} version {found[1]}, which no shipped spec is ({shown}): "
        "give its spec file",
    )


def _drop(raw: readback.Raw, key: str) -> str | None:
    """Remove ``key``'s entry; the section it was in."""
    for section in ("values", "fields", "texts"):
        if key in raw[section]:
            del raw[section][key]
            return section
    return None


def _log_entry(spec: ir.Spec, diagnostic: Diagnostic, places: dict[str, str], level: str) -> LogEntry:
    key = diagnostic.args.get("key")
    where: str | None = None
    cells: tuple[str, ...] = ()
    if isinstance(key, str):
        where = places.get(key) or places.get(f"field.{key}") or places.get(f"text.{key}")
        cells = (key,) if key in spec.cells else ()
    return LogEntry(diagnostic.code, level, diagnostic.message, where, None, cells)


def ingest_written(specs: ir.Spec | Sequence[ir.Spec], data: bytes, name: str, route: str) -> Result:
    """Read back a file gaidsl wrote (``route`` from :func:`route_of`) as ingest reads a report; :class:`Unreadable`
    when it is not one gaidsl wrote, is for another spec, or its entries cannot be a report of the spec at all."""
    try:
        if route == "gaidsl_xlsx":
            workbook = readback.open_workbook(data, name)
            spec, chosen = _spec_for(specs, readback.written_for_workbook(workbook))
            extracted = readback.extract_xlsx(spec, data, name, workbook)
        else:
            spec, chosen = _spec_for(specs, readback.written_for_docx(data))
            extracted = readback.extract_docx(spec, data, name)
    except readback.Refused as exc:
        raise _refused(exc.diagnostic) from exc
    log: list[LogEntry] = []
    zh, en = ROUTES[route]
    log.append(entry("ING010", what=f"读取方式：{zh}", what_en=f"read as {en}"))
    if chosen is not None:
        log.append(
            entry(
                "ING010",
                what=f"自动选择格式 {chosen} 版（文件注明按此版生成）",
                what_en=f"--spec auto chose version {chosen} (the file says it was written for it)",
            )
        )
    raw, places = extracted.raw, dict(extracted.places)
    dropped: list[str] = []
    loaded = readback.finish(spec, extracted, name)
    for _ in range(2):  # values that are not valid are not read; then the rest is read again
        errors = [d for d in loaded.diagnostics if d.severity == "error"]
        keyed = [d for d in errors if isinstance(d.args.get("key"), str) and _drop(raw, str(d.args["key"]))]
        if loaded.report is not None or not keyed:
            break
        for diagnostic in keyed:
            log.append(_log_entry(spec, diagnostic, places, "error"))
            key = str(diagnostic.args["key"])
            dropped.append(key)
            for place in (key, f"field.{key}", f"text.{key}"):
                places.pop(place, None)
        again = readback.Extracted(raw, extracted.found, places, extracted.title, extracted.problems)
        loaded = readback.finish(spec, again, name)
    if loaded.report is None:
        errors = [d for d in loaded.diagnostics if d.severity == "error"] or list(loaded.diagnostics)
        shown_zh = "；".join(f"{d.code} {d.message.zh}" for d in errors[:3])
        shown_en = "; ".join(f"{d.code} {d.message.en}" for d in errors[:3])
        raise Unreadable(shown_zh, shown_en)
    report = loaded.report
    for diagnostic in loaded.diagnostics:
        log.append(_log_entry(spec, diagnostic, places, diagnostic.severity))
    # the report's own cells: its open rows' and records' (a spec's placeholders are no cells of a report)
    spec = close_records(close(spec, report.members), report)
    missing = [k for k in spec.cells if k not in extracted.places]
    if missing:
        more = len(missing) > 8
        zh_keys = "、".join(missing[:8]) + (f" …（共 {len(missing)} 个）" if more else "")
        en_keys = ", ".join(missing[:8]) + (f" … ({len(missing)} in all)" if more else "")
        log.append(entry("ING170", cells=tuple(missing), count=len(missing), keys=zh_keys, keys_en=en_keys))
    unread = tuple(k for k in spec.cells if k in dropped or k not in extracted.places)
    provenance = {key: _provenance(key, where, raw) for key, where in places.items()}
    texts: tuple[TextCheck, ...] = ()
    overview = next((t.key for s in spec_index(spec) if s.texts for t in s.texts), None)
    text = report.texts.get(overview) if overview is not None else None
    if isinstance(text, str):
        texts = check_overview(spec, text, report.values)
        log.extend(overview_log(texts))
    title = extracted.title or layout(spec).report_title(report)
    ingested = Ingested(name, route, spec.file, report, provenance, tuple(log), unread, title, None)
    return Result(ingested, texts, spec)


def _provenance(key: str, where: str, raw: readback.Raw) -> Provenance:
    kind, _, plain = key.partition(".") if key.startswith(("field.", "text.")) else ("cell", "", key)
    section = {"cell": "values", "field": "fields", "text": "texts"}[kind]
    value: Any = raw[section].get(plain)
    shown = "" if value is None or kind == "text" else str(value)
    return Provenance(where, None, shown, kind)
