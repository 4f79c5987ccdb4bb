"""``gaidsl validate SPEC REPORTS.csv`` on a wide CSV (:mod:`gaidsl.checking.wide_csv`: a header line starting with
``report_id``, one report per line; a line's ``previous_id`` names last year's report in the same file).

Engines: ``reference`` (:func:`gaidsl.checking.wide_csv.read_wide_lines` and the evaluator), ``python`` (the generated
module's ``validate_csv``), ``duckdb`` and ``postgres`` (:func:`gaidsl.engines.wide_csv.wide_csv_check`: failures
only, in one pass over the file on DuckDB), ``spark`` (:mod:`gaidsl.engines.spark`: the checks as Spark SQL, local
or on a cluster; values read by the reference reader; failures only, as on duckdb). Text output is a summary, not
a block per report: reports read, reports with failing error checks and with failing warnings, the checks that fail
most (positions, reports, label), then the first few failing reports in detail (the evaluator's messages).
``--format json``: one document with every failure (its long lists spooled to a temporary file as reports finish:
:mod:`gaidsl.cli.json_stream`). ``-o FILE``: one line per result (JSON lines; CSV for ``.csv``), written as each
report finishes: every result where the engine gives them all (reference, python), the failures on duckdb, postgres
and spark (after the engine's one query). ``--jobs N`` (reference, python): :mod:`gaidsl.cli.validate_jobs`.
Exit codes: 0, 1 when a report fails (a failing error-severity check, a value that cannot be read), 2 when the file
cannot be read as a whole (a coded message naming line, report, key and value; nothing else is written).
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from gaidsl.checking import wide_csv
from gaidsl.checking.evaluate import CheckResult, dumps, evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, Report
from gaidsl.checking.required import Absent
from gaidsl.checking.results import CellResult, Verdict, record_of, verdict
from gaidsl.checking.wide_csv import is_wide_csv as is_wide_csv
from gaidsl.cli import validate_jobs
from gaidsl.cli.exit_codes import EXIT_INPUT
from gaidsl.cli.failures import cell_lines, failure_lines, pick
from gaidsl.cli.json_stream import Spool, write_document
from gaidsl.cli.output import output_refused, show
from gaidsl.cli.result_file import ResultFile
from gaidsl.engines import database as engines
from gaidsl.engines import spark as spark_engine
from gaidsl.engines import wide_csv as wide_csv_engine
from gaidsl.engines.wide_csv_read import Refused
from gaidsl.language import ir
from gaidsl.language.diagnostics import render_text, say
from gaidsl.targets import Unrenderable
from gaidsl.targets.sql.dialects import literal

DETAIL = 3
"""Failing reports shown in detail."""
TOP = 10
"""Failing checks listed in the summary (the rest are counted)."""
SHOWN_PROBLEMS = 20
"""Unreadable reports listed (the rest are counted)."""
Record = dict[str, Any]


class InputProblems(Exception):
    """Reports of the file that cannot be read: ``(line or None, report_id, code, message)``."""

    def __init__(self, problems: list[tuple[int | None, str | None, str, str]], more: int = 0) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.more = more


# ---------------------------------------------------------------------------------------------------- tallying


class Tally:
    """What the summary needs, gathered report by report: counts, failing positions and reports per check, the
    failures and missing items (``keep``: for JSON, spooled to a temporary file as they come, see
    :mod:`gaidsl.cli.json_stream`), the first failing reports' results (for the detail). Its memory does not grow
    with the number of reports or results."""

    def __init__(self, spec: ir.Spec, counts_statuses: bool, keep: bool = False) -> None:
        self.spec = spec
        self.severity = {c.key: c.severity for c in spec.checks}
        self.reports = 0
        self.statuses: Counter[str] | None = Counter() if counts_statuses else None
        self.positions: Counter[str] = Counter()
        self.reports_by_check: Counter[str] = Counter()
        self.error_reports = 0
        self.warning_reports = 0
        self.failures = Spool() if keep else None  # every failing result, for JSON
        self.failed: Counter[str] = Counter()  # failing results by severity
        self.detail: list[tuple[str, Sequence[CellResult], list[CheckResult]]] = []
        self.verdicts: Counter[str] = Counter()
        self.missing = Spool() if keep else None  # the required items reports lack, with their report ids
        self.missing_kinds: Counter[tuple[str, str, str, str]] = Counter()  # (code, key, zh, en)
        self.cells: Counter[tuple[str, str]] = Counter()  # values that cannot be read, by (code, key)
        self.cell_reports = 0

    def add(
        self,
        report_id: str,
        records: Sequence[Record],
        results: Sequence[CheckResult] | None = None,
        absent: Sequence[Absent] = (),
        incomplete: bool | None = None,
        cells: Sequence[CellResult] = (),
        counted: bool = False,
    ) -> None:
        """One report's records (``to_json_dict`` shape); ``results`` its CheckResults where the engine has them;
        ``absent`` the required items it lacks or gives as unknown; ``incomplete`` whether a check is unverifiable
        for want of values (None: tell from the records); ``cells`` the values of it that cannot be read (each a
        failing type result: the report fails). ``counted``: its results are counted by status already (a
        ``--jobs`` worker's, which gives its failing records only)."""
        self.reports += 1
        failing = [r for r in records if r["status"] == "fail"]
        if incomplete is None:
            incomplete = validate_jobs.incomplete(records)
        lacking = [a for a in absent if a.status == "missing"]
        ok = not cells and not lacking and not any(r["severity"] == "error" for r in failing)
        said: Verdict = verdict(ok, incomplete or bool(absent))
        self.verdicts[said] += 1
        for item in absent:
            item_json: Record = {"report_id": report_id, **item.to_json_dict()}
            message = item_json["message"]
            self.missing_kinds[item_json["code"], item_json["key"], message["zh"], message["en"]] += 1
            if self.missing is not None:
                self.missing.add(item_json)
        if self.statuses is not None and not counted:
            self.statuses.update(r["status"] for r in records)
        if cells:
            self.cell_reports += 1
            self.cells.update((c.code, c.key) for c in cells)
            self._fail([{"report_id": report_id, **c.to_json_dict()} for c in cells])
        if (cells or failing) and len(self.detail) < DETAIL and results is not None:
            self.detail.append((report_id, cells, [r for r in results if r.status == "fail"]))
        if not failing:
            return
        self._fail([{"report_id": report_id, **r} for r in failing])
        for check in {r["check"] for r in failing}:
            self.reports_by_check[check] += 1
        self.positions.update(r["check"] for r in failing)
        severities = {r["severity"] for r in failing}
        self.error_reports += "error" in severities
        self.warning_reports += "warning" in severities

    def _fail(self, records: Sequence[Record]) -> None:
        for record in records:
            self.failed[record["severity"]] += 1
            if self.failures is not None:
                self.failures.add(record)

    def close(self) -> None:
        """Remove the spools' temporary files."""
        for spool in (self.failures, self.missing):
            if spool is not None:
                spool.close()

    @property
    def ok(self) -> bool:
        return self.verdicts["fail"] == 0

    @property
    def verdict(self) -> Verdict:
        """The file's verdict: fail if a report fails, else incomplete if one is, else pass."""
        return "fail" if self.verdicts["fail"] else "incomplete" if self.verdicts["incomplete"] else "pass"


# ---------------------------------------------------------------------------------------------------- output files


class Sink(ResultFile):
    """``-o FILE``: one line per result, JSON lines or CSV (:mod:`gaidsl.cli.result_file`), written under a unique
    temporary name beside it and moved into place when the run succeeds (so an unreadable input leaves no file)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "report_id")


# ---------------------------------------------------------------------------------------------------- engines


def _progress(items: Iterable[Any], what: str) -> Iterable[Any]:
    from tqdm import tqdm  # type: ignore[import-untyped]

    bar: Iterable[Any] = tqdm(items, desc=what, unit=" reports", disable=None, file=sys.stderr, leave=False)
    return bar


def _bar(what: str) -> Any:
    """A progress bar updated by hand (on a terminal only)."""
    from tqdm import tqdm

    return tqdm(desc=what, unit=" reports", disable=None, file=sys.stderr, leave=False)


def _named_previous(path: str, of: Collection[str] | None = None) -> set[str]:
    """The report ids the file's previous_id column names (``of``: on the lines of these report ids only)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if "previous_id" not in header or "report_id" not in header:
            return set()
        at, at_id = header.index("previous_id"), header.index("report_id")
        return {row[at] for row in reader if len(row) > max(at, at_id) and row[at] and (of is None or row[at_id] in of)}


def _reports_by_id(spec: ir.Spec, path: str, ids: set[str]) -> dict[str, tuple[Report, str | None]]:
    """The readable reports of these ids, with their previous_id; the file is read until the last one is found."""
    found: dict[str, tuple[Report, str | None]] = {}
    if not ids:
        return found
    for _, report_id, read, previous_id, _ in wide_csv.read_wide_rows(spec, path, only=ids):
        if isinstance(read, Report):
            found[report_id] = (read, previous_id)
        if len(found) == len(ids):
            break
    return found


def _reference(spec: ir.Spec, path: str, tally: Tally, sink: Sink | None, jobs: int = 1) -> None:
    named = _named_previous(path)
    last_years: dict[str, Report] = {}
    unreadable: dict[str, int] = {}  # named reports with problems of their own, by line
    for line, report_id, read, _, _ in wide_csv.read_wide_rows(spec, path, only=named):
        if isinstance(read, Report):
            last_years[report_id] = read
        else:
            unreadable[report_id] = line
    if jobs > 1:
        _reference_jobs(spec, path, tally, sink, jobs, last_years, unreadable)
        return
    problems: list[tuple[int | None, str | None, str, str]] = []
    more = 0
    explained = sink is not None  # without -o a pass is only counted: no values, no finding
    for line, report_id, read, previous_id, cells in _progress(wide_csv.read_wide_rows(spec, path), "validating"):
        if previous_id and previous_id not in last_years and isinstance(read, Report):
            said = (
                f"last year's report {previous_id!r} (line {unreadable[previous_id]}) cannot be read"
                if previous_id in unreadable
                else f"previous_id {previous_id!r} is no report_id of the file"
            )
            read = [("GAI703", said)]
        if not isinstance(read, Report):
            if len(problems) < SHOWN_PROBLEMS:
                problems += [(line, report_id, code, message) for code, message in read]
            else:
                more += 1
            continue
        if problems:
            continue  # nothing is written once the input is known to be unreadable
        last = last_years.get(previous_id) if previous_id else None
        evaluation = evaluate(spec, read, last, explain_passes=explained)
        records = [record_of(r, explained) for r in evaluation.results]
        incomplete = any(r.incomplete for r in evaluation.results)
        tally.add(report_id, records, evaluation.results, evaluation.absent, incomplete, cells)
        if sink is not None:
            sink.write(report_id, [c.to_json_dict() for c in cells] + records)
    if problems:
        raise InputProblems(problems, more)


def _python(spec: ir.Spec, path: str, tally: Tally, sink: Sink | None, jobs: int = 1) -> None:
    """The generated module's ``validate_csv``; a line it cannot read is read again by gaidsl's reader, and, when
    only values of it are refused, validated by the module with those values taken as unknown (after the others).
    ``jobs`` > 1: the lines in chunks in that many worker processes (:mod:`gaidsl.cli.validate_jobs`)."""
    module = engines.python_module(spec)
    problems: list[tuple[int | None, str | None, str, str]] = []
    more = 0
    only = None if sink is not None else {"fail", "unverifiable"}
    refused: list[str] = []
    try:
        if jobs > 1:
            refused = _python_jobs(spec, module, path, only, jobs, tally, sink)
        found = module.validate_csv(path, only=only, errors="return", required=True) if jobs == 1 else ()
        for report_id, results, lacking in _progress(found, "validating"):
            if results is None or isinstance(results, module.DataError):
                refused.append(report_id)
                continue
            if problems:
                continue
            failing = [r for r in results if r["status"] == "fail"]
            detail = [engines.result_from_record(r) for r in failing] if len(tally.detail) < DETAIL else None
            absent = [engines.absent_from_record(r) for r in lacking]
            tally.add(report_id, results, detail, absent)
            if sink is not None:
                sink.write(report_id, results)
    except module.DataError as exc:  # the header
        problems += [(1, None, code, f"{key}: {message}") for code, key, message in exc.problems]
    if refused and not problems:  # their lines read again, one at a time, in file order
        wanted = set(refused)
        last_years = _reports_by_id(spec, path, _named_previous(path, wanted))
        for row in wide_csv.read_wide_rows(spec, path, only=wanted):
            report_id = row.report_id
            read = row.read
            if isinstance(read, Report) and row.previous_id and row.previous_id not in last_years:
                read = [("GAI703", f"previous_id {row.previous_id!r}: last year's report cannot be read")]
            if not isinstance(read, Report):
                if len(problems) >= SHOWN_PROBLEMS:
                    more += 1
                problems += [(row.line, report_id, c, m) for c, m in read][: max(0, SHOWN_PROBLEMS - len(problems))]
                continue
            last = last_years[row.previous_id][0] if row.previous_id else None
            data = _data_of(read)
            results = module.validate(data, None if last is None else _data_of(last), only=only)
            failing = [r for r in results if r["status"] == "fail"]
            detail = [engines.result_from_record(r) for r in failing] if len(tally.detail) < DETAIL else None
            absent = [engines.absent_from_record(r) for r in module.missing(data)]
            tally.add(report_id, results, detail, absent, None, row.cells)
            if sink is not None:
                sink.write(report_id, [c.to_json_dict() for c in row.cells] + list(results))
    if problems:
        lines = _lines_of(path, {i for _, i, _, _ in problems if i})
        raise InputProblems([(n or lines.get(i), i, c, m) for n, i, c, m in problems], more)


def _python_jobs(
    spec: ir.Spec, module: ModuleType, path: str, only: set[str] | None, jobs: int, tally: Tally, sink: Sink | None
) -> list[str]:
    """The module's ``validate_csv`` in ``jobs`` worker processes, into the tally and the sink as with one job; the
    report ids of the lines it refuses. The header is judged here first (its DataError raised as with one job).
    Each worker gives back a chunk's failing records, counts and ``-o`` lines (:data:`validate_jobs.PythonChunk`)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        text = io.StringIO()
        csv.writer(text).writerow(header)
        text.seek(0)
        for _ in module.validate_csv(text, only=only, errors="return", required=True):
            pass  # the header alone: a DataError when the module refuses it
        ids = _named_previous(path)
        at = header.index("report_id") if "report_id" in header else 0
        named = [row for row in reader if len(row) > at and row[at] in ids] if ids else []
    frozen = None if only is None else frozenset(only)
    output = None if sink is None else "csv" if sink.csv else "jsonl"
    init = (spec, named, frozen, path, header, output)
    ranges = validate_jobs.byte_ranges(path)  # each worker reads its own bytes: no rows parsed or sent from here
    validate_jobs.made(spec, module)
    chunks = validate_jobs.in_order(jobs, validate_jobs.python_init, init, validate_jobs.python_range, path, ranges)
    refused: list[str] = []
    bar = _bar("validating")
    for found, statuses, text in chunks:
        if sink is not None:
            sink.write_text(text)
        if tally.statuses is not None:
            tally.statuses.update(statuses)
        for report_id, failing, lacking, incomplete in found:
            if failing is None or lacking is None:
                refused.append(report_id)
                continue
            detail = [engines.result_from_record(r) for r in failing] if len(tally.detail) < DETAIL else None
            absent = [engines.absent_from_record(r) for r in lacking]
            tally.add(report_id, failing, detail, absent, incomplete, counted=True)
        bar.update(len(found))
    bar.close()
    return refused


def _reference_jobs(
    spec: ir.Spec,
    path: str,
    tally: Tally,
    sink: Sink | None,
    jobs: int,
    last_years: dict[str, Report],
    unreadable: dict[str, int],
) -> None:
    """:func:`_reference` with the lines read and evaluated in ``jobs`` worker processes, taken back in file order;
    a report_id repeated on a later line (which no worker can see) is said here, as gaidsl's reader says it."""
    problems: list[tuple[int | None, str | None, str, str]] = []
    more = 0
    seen: set[str] = set()
    found = validate_jobs.in_order(
        jobs,
        validate_jobs.reference_init,
        (spec, last_years, unreadable, sink is not None),
        validate_jobs.reference_work,
        path,
    )
    for line, report_id, read_problems, last, records, failing, absent, incomplete, cells in _progress(
        found, "validating"
    ):
        said = list(read_problems)
        if report_id and report_id in seen:
            said.insert(0, ("GAI715", f"report_id {report_id} is on an earlier line too"))
        seen.add(report_id)
        if not said and last is not None:
            said = [last]
        if said:
            if len(problems) < SHOWN_PROBLEMS:
                problems += [(line, report_id, code, message) for code, message in said]
            else:
                more += 1
            continue
        if problems:
            continue  # nothing is written once the input is known to be unreadable
        tally.add(report_id, records, failing, absent, incomplete, cells)
        if sink is not None:
            sink.write(report_id, [c.to_json_dict() for c in cells] + records)
    if problems:
        raise InputProblems(problems, more)


def _data_of(report: Report) -> dict[str, Any]:
    """A report as a data dict for the generated module (an unknown value as "unknown")."""

    def part(values: Mapping[str, object]) -> dict[str, object]:
        return {k: UNKNOWN_MARKER if v is UNKNOWN else v for k, v in values.items() if v is not BLANK}

    return {
        "format": report.format,
        "version": report.version,
        "fields": part(report.fields),
        "texts": part(report.texts),
        "values": part(report.values),
    }


def _database(engine: str, url: str | None) -> Callable[[ir.Spec, str, Tally, Sink | None], None]:
    def run(spec: ir.Spec, path: str, tally: Tally, sink: Sink | None) -> None:
        try:
            with (
                tempfile.TemporaryDirectory(prefix="gaidsl-") as scratch,
                engines.connect(spec, engine, url or _scratch_database(engine, scratch)) as db,
            ):
                if url is None:
                    _bounded(db, engine, scratch)
                wide_csv_engine.link_previous(db, path, {})  # a refused value is said on its own line
                standing: wide_csv_engine.Standing = {}
                refused: Refused = {}
                count, failures = wide_csv_engine.wide_csv_check(db, path, standing, refused)
        except wide_csv.WideCsvError as exc:
            raise _from_wide_error(exc, path) from exc
        except Exception as exc:  # the engine's own CSV error (a short line …): say it as gaidsl's reader does
            found = _read_problems(spec, path)
            if found is None:
                raise
            raise found from exc
        _tally_failures(spec, path, tally, sink, count, failures, standing, refused)

    return run


SQLITE_CACHE_KB = 64 * 1024
"""SQLite's page cache on a scratch database (the file's reports are on disk, not in memory)."""
DUCKDB_MEMORY = "250MB"
"""DuckDB's memory limit on a wide CSV without a database file: past it, its grouping and the distinct count of the
report ids spill to the scratch folder (the process peaks near 420 MB at a million reports; 490 MB when the file is
read the careful way)."""


def _scratch_database(engine: str, scratch: str) -> str | None:
    """SQLite without a database file: one in the scratch folder, so the reports it loads are not held in memory."""
    return str(Path(scratch) / "reports.sqlite") if engine == "sqlite" else None


def _bounded(db: engines.Database, engine: str, scratch: str) -> None:
    """Memory flat in the number of reports: SQLite's scratch file unjournalled with a bounded cache; DuckDB given a
    memory limit and the scratch folder to spill to."""
    if engine == "sqlite":
        db.script(f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -{SQLITE_CACHE_KB}")
    elif engine == "duckdb":
        db.script(f"SET memory_limit = '{DUCKDB_MEMORY}'; SET temp_directory = {literal(scratch, 'duckdb')}")


def _tally_failures(
    spec: ir.Spec,
    path: str,
    tally: Tally,
    sink: Sink | None,
    count: int,
    failures: Iterable[wide_csv_engine.Failure],
    standing: wide_csv_engine.Standing,
    refused: Refused,
) -> None:
    """The failures-only engines' findings (duckdb, postgres, spark) into the tally and the sink, by report id: the
    failing checks, the required items, and the refused values (``refused``: type results by report id)."""
    by_report: dict[str, list[Record]] = {}
    order = {(c.key, i.position): n for n, c in enumerate(spec.checks) for i in c.instances}
    for report_id, check, position in sorted(failures, key=lambda f: (f[0], order[f[1], f[2]])):
        record = {"check": check, "severity": tally.severity[check], "status": "fail", "position": position}
        by_report.setdefault(report_id, []).append(record)
    detail = _detail(spec, path, set(by_report) | set(refused))
    for report_id in sorted(set(by_report) | set(standing) | set(refused)):
        records = by_report.get(report_id, [])
        absent, incomplete = standing.get(report_id, ((), False))
        cells = refused.get(report_id, ())
        tally.add(report_id, records, detail.get(report_id), absent, incomplete, cells)
        if sink is not None:
            sink.write(report_id, [c.to_json_dict() for c in cells] + records)
    tally.verdicts["pass"] += count - tally.reports
    tally.reports = count


def _spark(master: str | None) -> Callable[[ir.Spec, str, Tally, Sink | None], None]:
    """Spark (:mod:`gaidsl.engines.spark`): the file read by gaidsl's reader, as the reference engine reads it (the
    same problems, found before Spark starts), the checks run as Spark SQL on ``master``."""

    def run(spec: ir.Spec, path: str, tally: Tally, sink: Sink | None) -> None:
        spark_engine.available()
        readable: list[tuple[int, str, Report, str | None]] = []
        unreadable: dict[str, int] = {}
        problems: list[tuple[int | None, str | None, str, str]] = []
        more = 0

        def refuse(line: int | None, report_id: str | None, said: Sequence[tuple[str, str]]) -> None:
            nonlocal more
            if len(problems) < SHOWN_PROBLEMS:
                problems.extend((line, report_id, code, message) for code, message in said)
            else:
                more += 1

        lines: list[tuple[int, str, Report | list[tuple[str, str]], str | None]] = []
        refused: Refused = {}
        for line, report_id, read, previous_id, cells in wide_csv.read_wide_rows(spec, path):
            lines.append((line, report_id, read, previous_id))
            if not isinstance(read, Report):
                unreadable.setdefault(report_id, line)
            elif cells:
                refused[report_id] = cells
        ids = {report_id for _, report_id, read, _ in lines if isinstance(read, Report)}
        for line, report_id, read, previous_id in lines:
            if not isinstance(read, Report):
                refuse(line, report_id, read)
            elif previous_id and previous_id not in ids:
                said = (
                    f"last year's report {previous_id!r} (line {unreadable[previous_id]}) cannot be read"
                    if previous_id in unreadable
                    else f"previous_id {previous_id!r} is no report_id of the file"
                )
                refuse(line, report_id, [("GAI703", said)])
            else:
                readable.append((line, report_id, read, previous_id))
        if problems:
            raise InputProblems(problems, more)
        with spark_engine.session(master) as spark:
            reports = [(report_id, report, previous_id) for _, report_id, report, previous_id in readable]
            failures, standing, unplaced = spark_engine.check(spark, spec, reports)
        if unplaced:
            at = {report_id: line for line, report_id, _, _ in readable}
            raise InputProblems([(at[i], i, "", m) for i, m in sorted(unplaced.items(), key=lambda x: at[x[0]])])
        _tally_failures(spec, path, tally, sink, len(readable), failures, standing, refused)

    return run


def _read_problems(spec: ir.Spec, path: str) -> InputProblems | None:
    """What gaidsl's own reader finds wrong in the file's lines (line, report, code, message), or None."""
    problems: list[tuple[int | None, str | None, str, str]] = []
    for line, report_id, read, _ in wide_csv.read_wide_lines(spec, path):
        if not isinstance(read, Report):
            problems += [(line, report_id, code, message) for code, message in read]
    if not problems:
        return None
    return InputProblems(problems[:SHOWN_PROBLEMS], max(0, len(problems) - SHOWN_PROBLEMS))


def _detail(spec: ir.Spec, path: str, failing: set[str]) -> dict[str, list[CheckResult]]:
    """The evaluator's failing results of the first failing reports in the file (for the text detail)."""
    chosen: dict[str, tuple[Report, str | None]] = {}
    for _, report_id, read, previous_id, _ in wide_csv.read_wide_rows(spec, path):
        if report_id in failing and isinstance(read, Report):
            chosen[report_id] = (read, previous_id)
            if len(chosen) == DETAIL:
                break
    last_years = _reports_by_id(spec, path, {p for _, p in chosen.values() if p})
    return {
        report_id: list(
            evaluate(spec, report, last_years[p][0] if p in last_years else None, explain_passes=False).failures
        )
        for report_id, (report, p) in chosen.items()
    }


def _from_wide_error(exc: wide_csv.WideCsvError, path: str) -> InputProblems:
    ids = {i for i in exc.by_report if i is not None and i not in exc.lines}
    lines = {**exc.lines, **_lines_of(path, ids)}
    problems = [
        (lines.get(report_id), report_id, code, message)
        for report_id, said in exc.by_report.items()
        for code, message in said
    ]
    problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
    return InputProblems(problems[:SHOWN_PROBLEMS], max(0, len(problems) - SHOWN_PROBLEMS))


def _lines_of(path: str, ids: set[str]) -> dict[str | None, int]:
    found: dict[str | None, int] = {}
    if not ids:
        return found
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        at = next(reader, ["report_id"]).index("report_id")
        for line, row in enumerate(reader, start=2):
            if len(row) > at and row[at] in ids and row[at] not in found:
                found[row[at]] = line
    return found


# ---------------------------------------------------------------------------------------------------- run


def run_wide(args: argparse.Namespace, spec: ir.Spec, engine: str, url: str | None, path: str) -> int | Verdict:
    """Validate the wide CSV ``path``: the file's verdict, or the exit code when it cannot be read."""
    refused = output_refused(args.output, args.force) if args.output else None
    if refused:
        show(f"gaidsl validate: {refused.pick(args.lang)}", sys.stderr)
        return EXIT_INPUT
    jobs = validate_jobs.workers(getattr(args, "jobs", 1))
    runners: dict[str, Callable[[ir.Spec, str, Tally, Sink | None], None]] = {
        "reference": functools.partial(_reference, jobs=jobs),
        "python": functools.partial(_python, jobs=jobs),
    }
    if engine == "spark":
        runners["spark"] = _spark(getattr(args, "spark_master", None))
    runner = runners.get(engine) or _database(engine, url)
    counts_statuses = engine == "reference" or (engine == "python" and bool(args.output))
    tally = Tally(spec, counts_statuses, keep=args.format == "json")
    try:
        code = _run_into(args, spec, engine, path, runner, tally)
        if code is not None:
            return code
        if args.format == "json":
            _json(args, spec, engine, path, tally)
        else:
            show(_text(spec, engine, path, tally, args.lang))
    finally:
        tally.close()
    return tally.verdict


def _run_into(
    args: argparse.Namespace,
    spec: ir.Spec,
    engine: str,
    path: str,
    runner: Callable[[ir.Spec, str, Tally, Sink | None], None],
    tally: Tally,
) -> int | None:
    """Run the engine into the tally and the ``-o`` file (moved into place when the run succeeds); the exit code
    when the input cannot be read (said on stderr, or as JSON), else None."""
    sink = Sink(args.output) if args.output else None
    try:
        runner(spec, path, tally, sink)
    except InputProblems as exc:
        if sink is not None:
            sink.finish(False)
        _input_problems(args, path, exc)
        return EXIT_INPUT
    except wide_csv.WideCsvError as exc:  # the header, which the reference reader refuses before any line
        if sink is not None:
            sink.finish(False)
        _input_problems(args, path, _from_wide_error(exc, path))
        return EXIT_INPUT
    except spark_engine.SparkUnavailable as exc:  # pyspark or Java missing: what to install
        if sink is not None:
            sink.finish(False)
        show(render_text([exc.diagnostic], {}, args.lang), sys.stderr)
        return EXIT_INPUT
    except Unrenderable as exc:  # a check the generated validator cannot compute (GAI611): which, and why
        if sink is not None:
            sink.finish(False)
        show(f"gaidsl validate --engine {engine}: {exc.message.pick(args.lang)}", sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a database that cannot be reached, a driver that is not installed
        if sink is not None:
            sink.finish(False)
        show(f"gaidsl validate --engine {engine}: {type(exc).__name__}: {exc}", sys.stderr)
        return EXIT_INPUT
    except BaseException:  # interrupted: no temporary file left behind
        if sink is not None:
            sink.finish(False)
        raise
    if sink is not None:
        sink.finish(True)
    return None


def _input_problems(args: argparse.Namespace, path: str, exc: InputProblems) -> None:
    if args.format == "json":
        errors = [
            {"code": code or None, "line": line, "report_id": report_id, "message": message}
            for line, report_id, code, message in exc.problems
        ]
        show(dumps({"file": path, "ok": False, "errors": errors, "more": exc.more}))
        return
    out = io.StringIO()
    for line, report_id, code, message in exc.problems:
        where = ", ".join(
            part for part in (f"line {line}" if line else "", f"report {report_id}" if report_id else "") if part
        )
        head = say(args.lang, "错误", "error", sep=" ")
        out.write(f"{head}[{code or 'GAI700'}]: {path}: {where + ': ' if where else ''}{message}\n")
    if exc.more:
        out.write(
            pick(f"……另有 {exc.more} 份报告无法读取", f"… and {exc.more} more reports that cannot be read", args.lang)
        )
    show(out.getvalue(), sys.stderr)


def _label(check: ir.Check, lang: str) -> str:
    text = pick(check.message.zh, check.message.en, "en" if lang == "en" else "zh")
    return check.label or text


def _text(spec: ir.Spec, engine: str, path: str, tally: Tally, lang: Any) -> str:
    lines = [
        pick(
            f"{path}：宽表 CSV，{tally.reports} 份报告（引擎 {engine}）",
            f"{path}: wide CSV, {tally.reports} reports (engine {engine})",
            lang,
        )
    ]
    checks = {c.key: c for c in spec.checks}
    failing = [key for key, _ in tally.positions.most_common()]
    if failing:
        width = max(len(k) for k in failing[:TOP])
        head = say(lang, "校验", "check", sep=" ")
        lines.append(f"{head:<{width}}  {'severity':<8}  {'fail':>7}  {'reports':>7}  label")
        for key in failing[:TOP]:
            lines.append(
                f"{key:<{width}}  {tally.severity[key]:<8}  {tally.positions[key]:>7}  "
                f"{tally.reports_by_check[key]:>7}  {_label(checks[key], lang)}"
            )
        if len(failing) > TOP:
            rest = len(failing) - TOP
            lines.append(pick(f"（另有 {rest} 项校验未通过）", f"({rest} more failing checks)", lang))
    if tally.cells:
        lines.append(
            pick(
                f"无法读取的值：{sum(tally.cells.values())} 处，{tally.cell_reports} 份报告"
                "（各为该单元格未通过的类型结果，读取它的校验无法校验）",
                f"values that cannot be read: {sum(tally.cells.values())} in {tally.cell_reports} reports (each a "
                "failing type result at its cell; the checks reading it are unverifiable)",
                lang,
            )
        )
        for (code, key), count in tally.cells.most_common(TOP):
            lines.append(f"  [{code}] {key}: {count}")
        if len(tally.cells) > TOP:
            rest = len(tally.cells) - TOP
            lines.append(pick(f"  （另有 {rest} 种）", f"  ({rest} more kinds)", lang))
    if tally.statuses is None:
        lines.append(
            pick(
                f"只列出未通过的校验：--engine {engine} 不统计通过和无法校验的数目",
                f"failures only: --engine {engine} does not count passing and unverifiable checks",
                lang,
            )
        )
    else:
        s = tally.statuses
        lines.append(
            pick(
                f"共 {sum(s.values())} 项结果：{s['fail']} 项未通过，"
                f"{s['unverifiable']} 项无法校验，{s['pass']} 项通过",
                f"{sum(s.values())} results: {s['fail']} failed, {s['unverifiable']} unverifiable, {s['pass']} passed",
                lang,
            )
        )
    if tally.detail:
        lines.append(
            pick(f"前 {len(tally.detail)} 份未通过的报告：", f"the first {len(tally.detail)} failing reports:", lang)
        )
        for report_id, cells, results in tally.detail:
            lines.append(f"== {report_id} ==")
            lines += cell_lines(cells, lang, indent="")
            lines += failure_lines(spec, results, lang, indent="  ")
    if tally.missing_kinds:
        kinds = tally.missing_kinds
        lines.append(pick("缺少的必填项（份数）：", "required items missing (reports):", lang))
        for (code, _, zh, en), count in kinds.most_common(TOP):
            lines.append(f"  [{code}] {pick(zh, en, lang)}: {count}")
    v = tally.verdicts
    lines.append(
        pick(
            f"共 {tally.reports} 份报告：{v['pass']} 份通过，{v['fail']} 份未通过，"
            f"{v['incomplete']} 份不完整（无法全部核验）；"
            f"{tally.error_reports} 份有错误，{tally.warning_reports} 份有警告",
            f"{tally.reports} reports: {v['pass']} pass, {v['fail']} fail, {v['incomplete']} incomplete; "
            f"{tally.error_reports} with failing error checks, {tally.warning_reports} with failing warnings",
            lang,
        )
    )
    return "\n".join(lines)


def _json(args: argparse.Namespace, spec: ir.Spec, engine: str, path: str, tally: Tally) -> None:
    """The JSON document on standard output, its lists of results and missing items copied from the spools."""
    checks = {c.key: c for c in spec.checks}
    summary: dict[str, Any] = {
        "reports": tally.reports,
        "ok_reports": tally.verdicts["pass"] + tally.verdicts["incomplete"],
        "pass_reports": tally.verdicts["pass"],
        "fail_reports": tally.verdicts["fail"],
        "incomplete_reports": tally.verdicts["incomplete"],
        "error_reports": tally.error_reports,
        "warning_reports": tally.warning_reports,
        "fail": sum(tally.failed.values()),
        **({"cells": sum(tally.cells.values()), "cell_reports": tally.cell_reports} if tally.cells else {}),
        "errors": tally.failed["error"],
        "warnings": tally.failed["warning"],
        "pass": tally.statuses["pass"] if tally.statuses is not None else None,
        "unverifiable": tally.statuses["unverifiable"] if tally.statuses is not None else None,
    }
    document = {
        "spec": args.spec,
        "file": path,
        "engine": engine,
        "verdict": tally.verdict,
        "ok": tally.ok,
        "summary": summary,
        "checks": [
            {
                "check": key,
                "severity": tally.severity[key],
                "label": _label(checks[key], "en"),
                "fail": count,
                "reports": tally.reports_by_check[key],
            }
            for key, count in tally.positions.most_common()
        ],
        "results": [],
        "missing": [],
    }
    assert tally.failures is not None and tally.missing is not None  # kept for JSON
    write_document(sys.stdout, document, {"results": tally.failures, "missing": tally.missing})
