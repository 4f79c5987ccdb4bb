"""Reading and checking many reports: a folder of hundreds, with a progress bar, a summary and cross-year checks.

Each input is read (:mod:`~gaidsl.ingest.reader`), then checked with the reference evaluator. When the same body's
reports for two consecutive years are both present (same body name from the title, years N−1 and N), the
earlier one is passed as ``previous``, so the checks across periods (上年结转 = last year's 结转下年度继续办理;
现行有效件数 carried) are verified instead of left unverifiable.

The summary lists per report what was read and which checks fail: as CSV (one row per report, the failing checks
in one column; spreadsheet-safe) and as one HTML page (jinja2, autoescaped) with a report × check grid.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TextIO

import attrs
from tqdm import tqdm  # type: ignore[import-untyped]

from gaidsl.checking.evaluate import Evaluation, evaluate
from gaidsl.checking.files import spreadsheet_row, spreadsheet_writer
from gaidsl.checking.report import Missing, Report
from gaidsl.checking.results import VERDICT_TEXT
from gaidsl.ingest.confidence import CellConfidence, ReportConfidence, cell_confidence, report_confidence
from gaidsl.ingest.detect import Unreadable
from gaidsl.ingest.model import SUMMARY_COLUMNS, LogEntry
from gaidsl.ingest.normalise import label_key
from gaidsl.ingest.reader import ingest_file, unreadable_entry
from gaidsl.ingest.result import Result
from gaidsl.language import ir
from gaidsl.targets import environment

FOLDER_SUFFIXES = frozenset(
    {".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".docx", ".xlsx", ".pdf", ".doc", ".wps"}
)
"""What a folder is searched for (a file named on the command line is read whatever its name); hidden files and the
lock files Office leaves beside an open document (``~$NAME.docx``) are left out."""
OUR_FILES = frozenset({"summary.html", "summary.csv"})


@attrs.frozen
class Item:
    """One input of a batch: what reading it gave (``result``) or why it could not be read (``error``), its
    checks, and the file of last year's report it was checked against."""

    path: str
    name: str
    result: Result | None = None
    error: LogEntry | None = None
    evaluation: Evaluation | None = None
    previous: str | None = None
    seconds: float = 0.0

    @property
    def status(self) -> str:
        if self.result is None:
            return "unreadable"
        ingested = self.result.ingested
        if ingested.unread or ingested.entries("error") or (self.evaluation is not None and not self.evaluation.ok):
            return "problems"
        return "ok"

    @functools.cached_property
    def cell_confidence(self) -> dict[str, CellConfidence]:
        """Each value's confidence (:mod:`gaidsl.ingest.confidence`); empty for an unreadable input."""
        if self.result is None:
            return {}
        return cell_confidence(self.result.spec, self.result.ingested)

    @functools.cached_property
    def confidence(self) -> ReportConfidence | None:
        if self.result is None:
            return None
        return report_confidence(self.result.spec, self.cell_confidence)

    @property
    def body(self) -> str | None:
        if self.result is None:
            return None
        body = self.result.ingested.report.fields.get("body")
        return body if isinstance(body, str) else None

    @property
    def year(self) -> int | None:
        if self.result is None:
            return None
        year = self.result.ingested.report.fields.get("year")
        return None if year is None or isinstance(year, Missing | str) else int(year)


# ---------------------------------------------------------------------------------------------------- inputs


def collect(paths: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The input files (folders searched recursively for report files, in name order) and the paths missing."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)
            files.extend(sorted(p for p in found if not p.name.startswith((".", "~$")) and p.name not in OUR_FILES))
        elif path.exists():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing


def output_names(paths: Sequence[Path]) -> list[str]:
    """A distinct output stem per input (``report``, ``report-2``… when names repeat)."""
    seen: dict[str, int] = {}
    names = []
    for path in paths:
        stem = path.stem or "report"
        count = seen.get(stem, 0) + 1
        seen[stem] = count
        names.append(stem if count == 1 else f"{stem}-{count}")
    return names


# ---------------------------------------------------------------------------------------------------- progress


class Progress(tqdm):  # type: ignore[misc]  # tqdm ships no type information
    """A one-line tqdm bar on a terminal stream: ``[#####.....] 512/1000  51%  3.2 ms/report  name``."""

    monitor_interval = 0  # no monitor thread: the bar is refreshed by ``step``

    def __init__(
        self, total: int, stream: TextIO | None = None, enabled: bool = True, width: int = 30, label: str = ""
    ) -> None:
        self.name = ""
        super().__init__(
            total=total,
            desc=label,
            file=stream or sys.stderr,
            disable=not (enabled and total > 0),
            mininterval=0.05,
            ascii=".#",
            bar_format=f"{{desc}}[{{bar:{width}}}] {{n}}/{{total}} {{pct:3d}}%  {{ms:.1f}} ms/report  {{name:<30}}",
        )

    @property
    def format_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = super().format_dict
        done = max(data["n"], 1)
        shown = self.name if len(self.name) <= 30 else "…" + self.name[-29:]
        return {
            **data,
            "pct": 100 * data["n"] // max(data["total"] or 1, 1),
            "ms": data["elapsed"] * 1000 / done,
            "name": shown,
        }

    def step(self, name: str = "") -> None:
        self.name = name
        self.update(1)


# ---------------------------------------------------------------------------------------------------- running


def run(
    specs: ir.Spec | Sequence[ir.Spec],
    paths: Sequence[Path],
    check: bool = True,
    progress: Progress | None = None,
    route: str | None = None,
    on_item: Callable[[Item], None] | None = None,
) -> list[Item]:
    """Read every input (then check them all, pairing consecutive years of a body)."""
    names = output_names(paths)
    items: list[Item] = []
    for path, name in zip(paths, names, strict=True):
        item = read_one(specs, path, name, route)
        items.append(item)
        if progress is not None:
            progress.step(path.name)
    if check:
        items = check_all(items)
    if on_item is not None:
        for item in items:
            on_item(item)
    return items


def read_one(specs: ir.Spec | Sequence[ir.Spec], path: Path, name: str, route: str | None = None) -> Item:
    start = time.perf_counter()
    try:
        result = ingest_file(specs, path, route)
        return Item(str(path), name, result=result, seconds=time.perf_counter() - start)
    except Unreadable as exc:
        return Item(str(path), name, error=unreadable_entry(exc), seconds=time.perf_counter() - start)


PARALLEL_FROM = 16
"""Fewer inputs than this are read in this process (starting workers costs more than it saves)."""


def workers_for(count: int, jobs: int | None = None) -> int:
    """How many worker processes a batch of ``count`` inputs uses: ``jobs`` when given (0: one per core), else one
    per core the process may run on (at most 8) for a batch of at least :data:`PARALLEL_FROM`; 1 (no workers) where
    processes cannot be forked, and by default in a process running other threads (a fork copies only the calling
    thread, and a lock another thread held stays locked in the copy)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if jobs is not None:
        return max(1, min(jobs or cores, count))  # --jobs 0: one per core, as gaidsl validate
    if count < PARALLEL_FROM or threading.active_count() > 1:
        return 1
    return max(1, min(cores, 8, count))


def run_parallel(
    specs: ir.Spec | Sequence[ir.Spec],
    paths: Sequence[Path],
    workers: int,
    *,
    route: str | None = None,
    check: bool = True,
    prepare: Callable[[Item], Item] | None = None,
    finish: Callable[[Item], None] | None = None,
    progress: Callable[[str, str], None] | None = None,
) -> list[Summary]:
    """Read, check and finish (write the files of) every input in ``workers`` forked processes, each taking every
    ``workers``-th input, and return the :class:`Summary` of each in input order. The compiled specs and the
    callbacks are shared by the fork (nothing is compiled again, nothing but small data crosses a pipe).

    Three steps, as :func:`run` then :func:`check_all` do in one process: every worker reads its inputs
    (``prepare`` applied to each, e.g. corrections) and sends back each report's body and year; this process pairs
    consecutive years of a body (:func:`previous_of`) and has each worker send the reports another worker needs as
    last year's; then every worker checks its reports against last year's, calls ``finish`` on each and sends back
    its summary. ``progress(stage, name)`` is called here per input and stage (``read``, ``checked``)."""
    context = multiprocessing.get_context("fork")
    names = output_names(paths)
    shares = [list(range(w, len(paths), workers)) for w in range(workers)]
    pipes = [context.Pipe() for _ in range(workers)]
    processes = []
    for w in range(workers):
        others = [parent for parent, _ in pipes] + [child for _, child in pipes[w + 1 :]]
        process = context.Process(
            target=_worker, args=(pipes[w][1], others, specs, paths, names, shares[w], route, check, prepare, finish)
        )
        process.start()
        pipes[w][1].close()
        processes.append(process)
    connections = [parent for parent, _ in pipes]
    try:
        keys: dict[int, tuple[str | None, int | None]] = {}
        for message in _messages(connections):
            index, body, year = message
            keys[index] = (body, year)
            if progress is not None:
                progress("read", paths[index].name)
        pairs = _pairs([keys[i] for i in range(len(paths))]) if check else {}
        owner = {i: w for w, share in enumerate(shares) for i in share}
        for w, connection in enumerate(connections):
            connection.send(sorted({j for i, j in pairs.items() if owner[i] != w and owner[j] == w}))
        reports: dict[int, Report] = {}
        for connection in connections:
            reports.update(_receive(connection))
        for w, connection in enumerate(connections):
            connection.send({i: (j, reports.get(j)) for i, j in pairs.items() if owner[i] == w})
        summaries: dict[int, Summary] = {}
        for message in _messages(connections):
            index, summary = message
            summaries[index] = summary
            if progress is not None:
                progress("checked", paths[index].name)
    finally:
        for connection in connections:
            connection.close()
        for process in processes:
            process.join()
    return [summaries[i] for i in range(len(paths))]


def _receive(connection: Connection) -> Any:
    message = connection.recv()
    if isinstance(message, _Failed):
        raise RuntimeError(f"a worker reading reports failed:\n{message.trace}")
    return message


def _messages(connections: Sequence[Connection]) -> Iterator[Any]:
    """Every message of one step from every worker, as they come, until each has sent its end of step."""
    open_ = list(connections)
    while open_:
        for connection in multiprocessing.connection.wait(open_):
            assert isinstance(connection, Connection)
            message = _receive(connection)
            if isinstance(message, _End):
                open_.remove(connection)
            else:
                yield message


@attrs.frozen
class _Failed:
    trace: str


@attrs.frozen
class _End:
    """A worker's end of a step."""


_END = _End()


def _worker(
    connection: Connection,
    others: Sequence[Connection],
    specs: ir.Spec | Sequence[ir.Spec],
    paths: Sequence[Path],
    names: Sequence[str],
    share: Sequence[int],
    route: str | None,
    check: bool,
    prepare: Callable[[Item], Item] | None,
    finish: Callable[[Item], None] | None,
) -> None:
    for other in others:  # the ends this process inherited but does not use: closed, so that a closed pipe is seen
        other.close()
    try:
        items: dict[int, Item] = {}
        for index in share:
            item = read_one(specs, paths[index], names[index], route)
            items[index] = prepare(item) if prepare is not None else item
            connection.send((index, items[index].body, items[index].year))
        connection.send(_END)
        wanted = connection.recv()
        connection.send({i: r.ingested.report for i in wanted if (r := items[i].result) is not None})
        previous: dict[int, tuple[int, Report | None]] = connection.recv()
        for index in share:
            item = items[index]
            if check and item.result is not None:
                earlier = previous.get(index)
                report = None
                if earlier is not None:
                    j, report = earlier
                    if report is None and j in items and (own := items[j].result) is not None:
                        report = own.ingested.report
                evaluation = evaluate(item.result.spec, item.result.ingested.report, report)
                earlier_path = str(paths[earlier[0]]) if earlier is not None else None
                item = attrs.evolve(item, evaluation=evaluation, previous=earlier_path)
            if finish is not None:
                finish(item)
            connection.send((index, summarise(item)))
            items[index] = attrs.evolve(item, evaluation=None)  # the evaluation is no longer needed here
        connection.send(_END)
    except BaseException:  # any failure is sent to the parent, which raises it
        connection.send(_Failed(traceback.format_exc()))
    finally:
        connection.close()


def _pairs(keys: Sequence[tuple[str | None, int | None]]) -> dict[int, int]:
    """:func:`previous_of` over bodies and years."""
    by_body: dict[tuple[str, int], int] = {}
    for index, (body, year) in enumerate(keys):
        if body and year is not None:
            by_body.setdefault((label_key(body), year), index)
    pairs = {}
    for index, (body, year) in enumerate(keys):
        if body and year is not None:
            earlier = by_body.get((label_key(body), year - 1))
            if earlier is not None:
                pairs[index] = earlier
    return pairs


def previous_of(items: Sequence[Item]) -> dict[int, int]:
    """For each report, the index of the same body's report for the year before (when present)."""
    return _pairs([(item.body, item.year) for item in items])


def check_all(items: Sequence[Item], progress: Progress | None = None) -> list[Item]:
    pairs = previous_of(items)
    checked = []
    for index, item in enumerate(items):
        if progress is not None:
            progress.step(Path(item.path).name)
        if item.result is None:
            checked.append(item)
            continue
        earlier = items[pairs[index]] if index in pairs else None
        previous = earlier.result.ingested.report if earlier is not None and earlier.result is not None else None
        evaluation = evaluate(item.result.spec, item.result.ingested.report, previous)
        checked.append(attrs.evolve(item, evaluation=evaluation, previous=earlier.path if earlier else None))
    return checked


# ---------------------------------------------------------------------------------------------------- summary

COLUMNS = SUMMARY_COLUMNS  # the summary CSV's header (in gaidsl.ingest.model: validate recognises it cheaply)


def failed_checks(evaluation: Evaluation | None) -> list[str]:
    if evaluation is None:
        return []
    found: dict[str, None] = {}
    for result in evaluation.failures:
        found.setdefault(result.check, None)
    return list(found)


def row(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    data["file"] = item.path
    data["status"] = item.status
    if item.result is None:
        data["reason"] = item.error.message.en if item.error else ""
        return data
    ingested = item.result.ingested
    values = ingested.report.values
    summary = item.evaluation.summary() if item.evaluation else {}
    confidence = item.confidence
    data.update(
        body=item.body or "",
        year=item.year if item.year is not None else "",
        version=ingested.report.version,
        route=ingested.route,
        cells=len(item.result.spec.cells),
        read=sum(1 for k in values if k not in ingested.unread),
        blank=sum(1 for v in values.values() if v is Missing.BLANK),
        unknown=sum(1 for v in values.values() if v is Missing.UNKNOWN),
        unread=len(ingested.unread),
        confidence=f"{confidence.score:.3f}" if confidence else "",
        uncertain=(confidence.medium + confidence.low) if confidence else "",
        reading_errors=len(ingested.entries("error")),
        reading_warnings=len(ingested.entries("warning")),
        failed_errors=summary.get("errors", ""),
        failed_warnings=summary.get("warnings", ""),
        unverifiable=summary.get("unverifiable", ""),
        text_warnings=sum(1 for c in item.result.text_checks if c.status == "fail"),
        previous=item.previous or "",
        failed_checks=";".join(failed_checks(item.evaluation)),
        verdict=item.evaluation.verdict if item.evaluation else "",
        missing=";".join(a.key for a in item.evaluation.missing) if item.evaluation else "",
    )
    return data


@attrs.frozen
class Summary:
    """What the summary, the table on the terminal and the exit code need of one report once it is read, checked
    and written: small and plain (a worker process sends it back; :func:`run_parallel`)."""

    path: str
    name: str
    status: str
    row: dict[str, Any]
    cells: dict[str, dict[str, Any]]
    checks: tuple[tuple[str, str, str, int], ...]
    """Each check run: key, severity, label, how many of its results fail."""
    log: tuple[str, ...]
    said: dict[str, str] | None = None
    """Why an unreadable input could not be read, by language (``zh``, ``en``, ``both``)."""


def summarise(item: Item) -> Summary:
    cells: dict[str, dict[str, Any]] = {}
    checks: dict[str, tuple[str, str, str, int]] = {}
    if item.evaluation is not None:
        for result in item.evaluation.results:
            state = cells.setdefault(result.check, {"status": "pass", "messages": []})
            failed = result.status == "fail"
            if failed:
                state["status"] = "fail"
                state["messages"].append(result.message.zh)
            elif result.status == "unverifiable" and state["status"] == "pass":
                state["status"] = "unverifiable"
            known = checks.get(result.check)
            failures = (known[3] if known else 0) + failed
            checks[result.check] = (result.check, result.severity, result.rule.zh, failures)
    log: list[str] = []
    said = None
    if item.result is not None:
        log = [e.render("zh") for e in item.result.ingested.log if e.level != "info"]
        texts = item.result.text_checks
        log += [f"第一部分：{c.what.zh} {c.quoted} ≠ 表格 {c.table}" for c in texts if c.status == "fail"]
    elif item.error is not None:
        log = [item.error.render("zh")]
        said = {lang: item.error.render(lang) for lang in ("zh", "en", "both")}
    return Summary(item.path, item.name, item.status, row(item), cells, tuple(checks.values()), tuple(log), said)


def _summaries(items: Iterable[Item | Summary]) -> list[Summary]:
    return [i if isinstance(i, Summary) else summarise(i) for i in items]


def summary_csv(items: Iterable[Item | Summary]) -> str:
    """One row per report, safe to open in a spreadsheet: every field quoted, text that a spreadsheet would run
    (a body name, file name or reason starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed
    with ``'``; the counts are written from numbers (:mod:`gaidsl.checking.files`)."""
    out = io.StringIO()
    writer = spreadsheet_writer(out)
    writer.writerow(COLUMNS)
    for summary in _summaries(items):
        writer.writerow(spreadsheet_row(summary.row[column] for column in COLUMNS))
    return out.getvalue()


def summary_html(items: Sequence[Item | Summary], title: str = "gaidsl ingest") -> str:
    summaries = _summaries(items)
    template_dir = Path(__file__).resolve().parent / "templates"
    env = environment(template_dir, page=True)
    checks: dict[str, dict[str, Any]] = {}
    for summary in summaries:
        for key, severity, label, failures in summary.checks:
            entry = checks.setdefault(key, {"key": key, "severity": severity, "fail": 0, "label": label})
            entry["fail"] += failures
    failing = [c for c in checks.values() if c["fail"]]
    failing.sort(key=lambda c: (c["severity"] != "error", -c["fail"], c["key"]))
    reports = [{"row": s.row, "cells": s.cells, "log": list(s.log)} for s in summaries]
    counts = {s: sum(1 for i in summaries if i.status == s) for s in ("ok", "problems", "unreadable")}
    template = env.get_template("summary.html.j2")
    verdicts = {k: f"{t.zh} / {t.en}" for k, t in VERDICT_TEXT.items()}
    return template.render(
        title=title, reports=reports, checks=failing, counts=counts, total=len(summaries), verdicts=verdicts
    )


def default_progress(total: int, wanted: bool | None, label: str = "") -> Progress:
    """A progress bar on stderr: shown for more than one report on a terminal (``wanted`` forces it on or off)."""
    enabled = wanted if wanted is not None else (total > 1 and sys.stderr.isatty() and not os.environ.get("CI"))
    return Progress(total, sys.stderr, enabled, label=label)
