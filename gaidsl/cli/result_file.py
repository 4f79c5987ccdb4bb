"""``gaidsl validate … -o FILE``: one line per check result, JSON lines or CSV (a ``.csv`` name), shared by the
data-file and the wide-CSV modes.

Size: a result's line is about 200 bytes whatever the check (it was 3.7 KB, a 200 MB wide CSV gave tens of GB). Every
result gives its check, severity, status, position and, for one comparison, both sides, their difference and the
tolerance, and the keys it found blank or unknown (why it is unverifiable); a failure also gives the values it read
(by key) and its finding in words (zh and en). Every term's labels (the spec's) and the words for a pass are left
out; ``--format json`` still gives each failure in full.

The file is written under a unique temporary name beside the output and moved into place when the run succeeds
(:class:`gaidsl.checking.files.AtomicFile`), so an unreadable input leaves no file and a link planted beside the
output is never written through. The CSV is spreadsheet-safe: every field quoted, text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return prefixed with ``'`` (file names, report ids, keys, the operator ``==``
written ``'==``, messages, and a side that is text); the number columns (``left``, ``right``, ``difference``,
``tolerance`` when numbers) are written from Decimals as digits and stay numbers, ``-3`` included.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import IO, Any

from gaidsl.checking.files import AtomicFile, spreadsheet_row, spreadsheet_writer
from gaidsl.checking.results import dumps_line
from gaidsl.cli.failures import FLAT

FIELDS = FLAT[1:]
"""The columns every result has after the file or report id (check, severity, status, position, op, left, right,
difference, tolerance)."""
CSV_TAIL = ("blank", "unknown", "message_zh", "message_en")


def result_line(id_key: str, id_value: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The line of one result (``CheckResult.to_json_dict()``, a generated validator's record, or a
    ``CellResult.to_json_dict()``: then ``"kind": "cell"`` with its ``code``, ``key`` and ``value``)."""
    line: dict[str, Any] = {id_key: id_value, **{k: record.get(k) for k in FIELDS}}
    if record.get("kind") == "cell":  # a value that cannot be read: its code, cell and value as written
        line = {id_key: id_value, "kind": "cell", **{k: record.get(k) for k in FIELDS}}
        line.update(code=record.get("code"), key=record.get("key"), value=record.get("value"))
    line["blank"] = list(record.get("blank") or ())
    line["unknown"] = list(record.get("unknown") or ())
    if record.get("status") == "fail":
        line["values"] = dict(record.get("values") or {})
        message = record.get("message") or {}
        line["message"] = {"zh": message.get("zh", ""), "en": message.get("en", "")}
    return line


def csv_row(line: Mapping[str, Any], id_key: str) -> list[str]:
    """A :func:`result_line` as a spreadsheet-safe CSV row (numbers as digits, text neutralised)."""
    message = line.get("message") or {}
    cells: list[object] = [line[id_key], *(line[key] for key in FIELDS)]
    if line.get("kind") == "cell":  # the check column holds the cell result's code
        cells[1] = line["code"]
    cells += [" ".join(line["blank"]), " ".join(line["unknown"]), message.get("zh", ""), message.get("en", "")]
    return spreadsheet_row(cells)


def write_results(
    handle: IO[str], writer: Any | None, id_key: str, id_value: str, records: Iterable[Mapping[str, Any]]
) -> None:
    """One report's result lines to ``handle``: CSV rows through ``writer`` (a :func:`spreadsheet_writer` on it),
    JSON lines when it is None."""
    for record in records:
        line = result_line(id_key, id_value, record)
        if writer is not None:
            writer.writerow(csv_row(line, id_key))
        else:
            handle.write(dumps_line(line) + "\n")


class ResultFile:
    """The ``-o`` file being written: :meth:`write` each report's results, then :meth:`finish` (moved into place
    when ``ok``, removed otherwise)."""

    def __init__(self, path: str | os.PathLike[str], id_key: str) -> None:
        self.id_key = id_key
        self.file = AtomicFile(path)
        self.csv = str(path).lower().endswith(".csv")
        self.writer = spreadsheet_writer(self.file.handle) if self.csv else None
        if self.writer is not None:
            self.writer.writerow([id_key, *FIELDS, *CSV_TAIL])

    def write(self, id_value: str, records: Iterable[Mapping[str, Any]]) -> None:
        write_results(self.file.handle, self.writer, self.id_key, id_value, records)

    def write_text(self, text: str) -> None:
        """Lines :func:`write_results` wrote elsewhere (a worker process's, for ``--jobs``), as they are."""
        self.file.handle.write(text)

    def finish(self, ok: bool) -> None:
        if ok:
            self.file.commit()
        else:
            self.file.discard()
