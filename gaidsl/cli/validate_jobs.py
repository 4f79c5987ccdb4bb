"""``gaidsl validate SPEC REPORTS.csv --jobs N`` for the Python engines (``reference``, ``python``): the wide CSV's
lines in chunks of :data:`CHUNK`, each validated in one of N worker processes, the findings taken back in file order
(at most ``2 N`` chunks in flight, so memory stays flat), and added to the summary and the ``-o`` file by the main
process exactly as one process adds them: the output is byte for byte that of ``--jobs 1``.

On the ``python`` engine a worker sends back what the main process would make of its chunk, not every record:
the failing records, the required items lacking and whether each report is incomplete, the results counted by
status, and the chunk's ``-o`` lines rendered (:data:`PythonChunk`); pickling every record back cost the main
process more than validating the file itself (``--jobs 2`` was slower than ``--jobs 1``: bench/validate_jobs.py).

What a worker cannot see is done by the main process: a report_id repeated across chunks (GAI715). Last year's
reports a line names (``previous_id``) are read once, before the workers start, and handed to each of them. On the
``python`` engine a line the generated module refuses is read again by gaidsl's reader afterwards, as with one job.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import ModuleType
from typing import Any

from gaidsl.checking import wide_csv
from gaidsl.checking.evaluate import CheckResult, evaluate
from gaidsl.checking.files import spreadsheet_writer
from gaidsl.checking.report import Report
from gaidsl.checking.required import Absent
from gaidsl.checking.results import CellResult, record_of
from gaidsl.cli.result_file import write_results
from gaidsl.engines import database as engines
from gaidsl.language import ir

CHUNK = 500
"""Lines per chunk handed to a reference worker."""
_LINE_ENDS = re.compile(rb"(?<=\r)(?!\n)")
CHUNK_BYTES = 1 << 19
"""Bytes of the file per chunk a python worker reads itself (some 800 reports of the 2021 format)."""
Problem = tuple[str, str]
Rows = list[tuple[int, list[str]]]
ReferenceFound = tuple[
    int,
    str,
    list[Problem],
    Problem | None,
    list[dict[str, Any]],
    list[CheckResult],
    tuple[Absent, ...],
    bool,
    tuple[CellResult, ...],
]
"""One line's findings on the reference engine: line, report_id, what its reading refuses (the line's problems),
what its previous_id refers to that cannot be read (GAI703), its results' records, the failing CheckResults, the
required items it lacks, whether a check is incomplete, the refused values (records empty unless readable)."""
PythonFound = tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None, bool]
"""One line's findings on the python engine, what the summary needs of it: report_id, its failing records (None
when the module refuses the line), the records of the required items it lacks, whether a check is incomplete."""
PythonChunk = tuple[list[PythonFound], Counter[str], str]
"""A python worker's chunk: its lines' findings, its results counted by status (when there is an ``-o`` file), and
the chunk's ``-o`` lines as :class:`gaidsl.cli.result_file.ResultFile` writes them (the refused lines' left out:
those are read again and written by the main process). Every result is rendered here, not pickled back: the main
process only adds counts, the failures and the text to what it has."""


def workers(jobs: int) -> int:
    """The worker processes ``--jobs`` asks for: 0 is every core."""
    return jobs if jobs > 0 else os.cpu_count() or 1


def chunks(path: str) -> Iterator[tuple[list[str], Rows]]:
    """The file's header with each chunk of its non-empty lines ``(line, row)`` (lines counted as records, from 2)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = ((line, row) for line, row in enumerate(reader, start=2) if row)
        while chunk := list(itertools.islice(rows, CHUNK)):
            yield header, chunk


def byte_ranges(path: str, size: int | None = None) -> Iterator[tuple[int, int]]:
    """The file's records after its header in ranges ``(start, end)`` of bytes of about ``size`` (default
    :data:`CHUNK_BYTES`), each ending where a
    record ends (a worker reads and parses its range itself). A stretch without a double quote ends at the first
    line break past ``size`` (no record spans lines there); one with a quote is read by the csv module, a line at a
    time, to the end of the first record past ``size`` (a quoted text may hold line breaks)."""
    size = CHUNK_BYTES if size is None else size
    with open(path, "rb") as handle:
        start = _record_end(handle, 0, 0)
        while True:
            end = _record_end(handle, start, size)
            if end == start:
                return
            yield start, end
            start = end


def _record_end(handle: Any, start: int, size: int) -> int:
    """The offset where the first record ending at or past ``start + size`` ends (or the file's end)."""
    handle.seek(start)
    block = handle.read(size)
    rest = b"" if block.endswith(b"\n") else handle.readline()
    if b'"' not in block and b'"' not in rest:
        return start + len(block) + len(rest)
    handle.seek(start)
    consumed = start

    def lines() -> Iterator[str]:
        nonlocal consumed
        while line := handle.readline():
            for piece in _LINE_ENDS.split(line):  # a lone carriage return ends a line too, for the csv module
                if piece:
                    consumed += len(piece)
                    yield piece.decode("utf-8", "replace")

    for _ in csv.reader(lines()):  # the reader takes a line only when its record needs it
        if consumed - start >= size:
            break
    return consumed


def in_order(
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    work: Callable[..., list[Any]],
    path: str,
    parts: Iterator[tuple[Any, ...]] | None = None,
) -> Iterator[Any]:
    """Each line's findings, ``work`` run on the chunks of ``path`` (or on ``parts``: each a tuple of ``work``'s
    arguments) in ``jobs`` worker processes, in file order."""
    with ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs) as pool:
        pending: deque[Future[list[Any]]] = deque()
        for part in chunks(path) if parts is None else parts:
            pending.append(pool.submit(work, *part))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


# ---------------------------------------------------------------------------------------------------- reference

_reference_state: dict[str, Any] = {}


def reference_init(
    spec: ir.Spec, last_years: dict[str, Report], unreadable: dict[str, int], explain_passes: bool
) -> None:
    """A worker's state: the spec, last year's reports the file names, the named lines that cannot be read, and
    whether passes are written out (``-o``) or only counted (:func:`gaidsl.checking.evaluate.evaluate`)."""
    _reference_state.update(
        spec=spec, last_years=last_years, unreadable=unreadable, readers={}, explain_passes=explain_passes
    )


def reference_work(header: list[str], rows: Rows) -> list[ReferenceFound]:
    """Read and evaluate a chunk's lines as :func:`gaidsl.cli.validate_wide._reference` does, one by one."""
    spec: ir.Spec = _reference_state["spec"]
    last_years: dict[str, Report] = _reference_state["last_years"]
    unreadable: dict[str, int] = _reference_state["unreadable"]
    readers: dict[tuple[str, ...], Callable[[Sequence[str], int], wide_csv.RowRead]] = _reference_state["readers"]
    read_row = readers.get(tuple(header))
    if read_row is None:
        read_row = readers[tuple(header)] = wide_csv.row_reader(spec, header)
    out: list[ReferenceFound] = []
    for line, row in rows:
        found, cells, report_id, report, previous_id = read_row(row, line)
        if not report_id:
            found.insert(0, ("GAI716", f"line {line} has no report_id"))
        last: Problem | None = None
        if previous_id and previous_id not in last_years:
            said = (
                f"last year's report {previous_id!r} (line {unreadable[previous_id]}) cannot be read"
                if previous_id in unreadable
                else f"previous_id {previous_id!r} is no report_id of the file"
            )
            last = ("GAI703", said)
        if found or last is not None:
            out.append((line, report_id, found, last, [], [], (), False, tuple(cells)))
            continue
        last_year = last_years.get(previous_id) if previous_id else None
        explained = _reference_state["explain_passes"]
        evaluation = evaluate(spec, report, last_year, explain_passes=explained)
        records = [record_of(r, explained) for r in evaluation.results]
        failing = [r for r in evaluation.results if r.status == "fail"]
        incomplete = any(r.incomplete for r in evaluation.results)
        out.append((line, report_id, [], None, records, failing, evaluation.absent, incomplete, tuple(cells)))
    return out


# ---------------------------------------------------------------------------------------------------- python

_python_state: dict[str, Any] = {}
_made: dict[str, Any] = {}
"""The main process's generated module and its spec (:func:`made`): a forked worker finds them here."""


def made(spec: ir.Spec, module: ModuleType) -> None:
    """The generated module of ``spec``, made by the main process: a worker forked from it uses it as it is rather
    than generating and compiling its own (0.2 s each); a worker not forked (its spec a copy) makes its own."""
    _made.update(spec=spec, module=module)


def python_init(
    spec: ir.Spec,
    named: list[list[str]],
    only: frozenset[str] | None,
    path: str = "",
    header: Sequence[str] = (),
    output: str | None = None,
) -> None:
    """A worker's state: the generated module, the lines other lines name as last year's, which results to give;
    the file whose byte ranges it reads (:func:`python_range`) and its header; the ``-o`` file's kind (``"csv"``,
    ``"jsonl"``, or None for none)."""
    module: ModuleType = _made["module"] if _made.get("spec") is spec else engines.python_module(spec)
    _python_state.update(module=module, named=named, only=only, path=path, header=list(header), output=output)
    gc.freeze()  # the spec and the module: never scanned again by the collector


def _uncollected(work: Callable[[], Any]) -> Any:
    """``work()`` with the cyclic garbage collector paused: a chunk's records are many small dicts freed by their
    counts, and collecting while they pile up took half a worker's time (4.4 s of a chunked 20k-report file, 2.4 s
    paused)."""
    was = gc.isenabled()
    gc.disable()
    try:
        return work()
    finally:
        if was:
            gc.enable()


def python_range(start: int, end: int) -> list[PythonChunk]:
    """The generated module's ``validate_csv`` on the records of the file's bytes ``start`` to ``end``, read here
    (not parsed and sent as rows by the main process), the named lines written before them (and their results
    dropped), so a previous_id finds its report in any chunk; taken as one :data:`PythonChunk` (a list of it, as
    :func:`in_order` yields a work's items)."""
    with open(_python_state["path"], "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start).decode("utf-8")
    return [_uncollected(lambda: _python_chunk(_python_validate(_python_state["header"], data)))]


def incomplete(records: Sequence[dict[str, Any]]) -> bool:
    """Whether a report's records leave a check incomplete: one unverifiable for want of a value, not merely for
    want of last year's report (a result that read last year's report where none was given: its value null,
    listed unknown)."""
    return any(r["status"] == "unverifiable" and not _no_previous(r) for r in records)


def _no_previous(record: dict[str, Any]) -> bool:
    unknown = record.get("unknown")
    if not unknown or not record.get("cells"):
        return False
    return any(
        c["value"] is None and (f"previous.{c['key']}" if c["previous"] else c["key"]) in unknown
        for c in record["cells"]
    )


def _python_chunk(found: list[tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None]]) -> PythonChunk:
    """A chunk's findings as the main process takes them (:data:`PythonChunk`)."""
    output: str | None = _python_state["output"]
    statuses: Counter[str] = Counter()
    text = io.StringIO()
    writer = spreadsheet_writer(text) if output == "csv" else None
    out: list[PythonFound] = []
    for report_id, results, lacking in found:
        if results is None:
            out.append((report_id, None, None, False))
            continue
        if output is not None:
            statuses.update(r["status"] for r in results)
            write_results(text, writer, "report_id", report_id, results)
        out.append((report_id, [r for r in results if r["status"] == "fail"], lacking, incomplete(results)))
    return out, statuses, text.getvalue()


def _listed(items: Any) -> list[dict[str, Any]]:
    return items if isinstance(items, list) else list(items)


def _python_validate(
    header: list[str], records: str
) -> list[tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None]]:
    """The module's ``validate_csv`` on the header, the named lines, then ``records`` (CSV text); the named lines'
    results dropped."""
    module: ModuleType = _python_state["module"]
    named: list[list[str]] = _python_state["named"]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(named)
    text.write(records)
    text.seek(0)
    found = module.validate_csv(text, only=_python_state["only"], errors="return", required=True)
    out: list[tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None]] = []
    for report_id, results, lacking in itertools.islice(found, len(named), None):
        refused = isinstance(results, module.DataError)
        out.append((report_id, None if refused else _listed(results), None if refused else _listed(lacking)))
    return out
