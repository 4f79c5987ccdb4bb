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
    records_spec: ir.Spec | None = None
    """For a spec with lists of records: the spec before they were closed over this report's values (``spec`` has
    each list as a table of the records read and each aggregate's ``where`` decided on the values read), so that a
    correction closes them again (:func:`gaidsl.ingest.review.apply_corrections`)."""


__all__ = ["Result"]
