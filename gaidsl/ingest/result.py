"""What reading one published report gives (:mod:`gaidsl.ingest.reader`, and :mod:`gaidsl.ingest.written` for files
gaidsl wrote)."""

from __future__ import annotations

import attrs

from gaidsl.ingest.model import Ingested
from gaidsl.ingest.textchecks import TextCheck
from gaidsl.language import ir


@attrs.frozen
class Result:
    """An :class:`Ingested` report with its text checks and, for ``--spec auto``, why the spec was chosen."""

    ingested: Ingested
    text_checks: tuple[TextCheck, ...]
    spec: ir.Spec


__all__ = ["Result"]
