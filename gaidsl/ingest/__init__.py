"""Reading published reports back into data: ``gaidsl ingest``.

``ingest_file(spec, path)`` (or ``ingest_text``/``ingest_bytes``) reads a published annual report — Word text, a
web page (HTML or ``|``-joined text), PDF layout text or a .docx file — into a :class:`~gaidsl.checking.report.Report`
of the spec, with the provenance of every value and a reading log of what could not be read and why (a workbook or
Word document that gaidsl wrote, filled in, is read back by its own map: :mod:`.written`). Pass a sequence of specs
instead of one to choose the version by the report's layout (``--spec auto``). See :mod:`.reader` for the steps,
:mod:`.messages` for the log's codes and :mod:`.batch` for folders of reports.

Stage 10: may import only the packages below it (language … engines); only cli imports it. The names below are
imported on first use, so that ``gaidsl`` starts without loading the readers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaidsl.ingest.detect import Unreadable, shipped_specs
    from gaidsl.ingest.model import Ingested, LogEntry, Provenance
    from gaidsl.ingest.reader import ingest_bytes, ingest_document, ingest_file, ingest_text
    from gaidsl.ingest.result import Result

_WHERE = {
    "Unreadable": "detect",
    "shipped_specs": "detect",
    "Ingested": "model",
    "LogEntry": "model",
    "Provenance": "model",
    "Result": "result",
    "ingest_bytes": "reader",
    "ingest_document": "reader",
    "ingest_file": "reader",
    "ingest_text": "reader",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"gaidsl.ingest.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'gaidsl.ingest' has no attribute {name!r}")


__all__ = [
    "Ingested",
    "LogEntry",
    "Provenance",
    "Result",
    "Unreadable",
    "ingest_bytes",
    "ingest_document",
    "ingest_file",
    "ingest_text",
    "shipped_specs",
]
