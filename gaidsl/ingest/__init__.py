"""Reading published reports back into data: ``gaidsl ingest``.

``ingest_file(spec, path)`` (or ``ingest_text``/``ingest_bytes``) reads a published annual report — Word text, a
web page (HTML or ``|``-joined text), PDF layout text or a .docx file — into a :class:`~gaidsl.report.Report` of the
spec, with the provenance of every value and a reading log of what could not be read and why. Pass a sequence of
specs instead of one to choose the version by the report's layout (``--spec auto``). See :mod:`.reader` for the
steps, :mod:`.messages` for the log's codes and :mod:`.batch` for folders of reports.
"""

from __future__ import annotations

from gaidsl.ingest.detect import Unreadable, shipped_specs
from gaidsl.ingest.model import Ingested, LogEntry, Provenance
from gaidsl.ingest.reader import Result, ingest_bytes, ingest_document, ingest_file, ingest_text

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
