"""``gaidsl validate --format json`` on a wide CSV in flat memory: the document's long lists (every failing result,
every missing item) are written element by element, as each report finishes, to a temporary file (:class:`Spool`),
and spliced into the document when the run ends (:func:`write_document`), byte for byte what :func:`dumps` gives of
the whole document. The document is written only once the run is known to succeed (an unreadable input gives its
own document instead, as before), so standard output never holds half a document.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from typing import Any, TextIO

from gaidsl.checking.results import dumps

_DEPTH = "    "
"""The indentation of an element of a list at the document's top level (``dumps`` indents by 2)."""
_HOLE = "\x00gaidsl-spool\x00"
"""A placeholder element no data holds (a NUL is written ``\\u0000`` by JSON)."""


class Spool:
    """The elements of one top-level list of the document, written out as they come (each as ``dumps`` indents it
    inside the document) to an unnamed temporary file; :attr:`count` of them."""

    def __init__(self) -> None:
        self.count = 0
        self._file: TextIO | None = None

    def add(self, element: object) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115 (kept open)
        else:
            self._file.write(",\n")
        self._file.write(_DEPTH + dumps(element).replace("\n", "\n" + _DEPTH))
        self.count += 1

    def copy_to(self, out: TextIO) -> None:
        if self._file is None:
            return
        self._file.flush()
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def write_document(out: TextIO, document: Mapping[str, Any], spools: Mapping[str, Spool]) -> None:
    """``dumps(document)`` on ``out``, ending in a line break, with each key of ``spools`` holding that spool's
    elements as its list (the document's own value under that key is ignored)."""
    holes = {key: ([_HOLE + key] if spool.count else []) for key, spool in spools.items()}
    text = dumps({key: holes.get(key, value) for key, value in document.items()})
    for key in [k for k in document if k in spools and spools[k].count]:
        spool = spools[key]
        marker = _DEPTH + dumps(_HOLE + key)
        before, after = text.split(marker, 1)
        out.write(before)
        spool.copy_to(out)
        text = after
    out.write(text + "\n")
