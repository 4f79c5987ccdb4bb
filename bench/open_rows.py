"""Validation time over open rows (issue 15, acceptance 4): does it grow linearly with the number of entered members?

Usage: .venv/bin/python bench/open_rows.py [MIN_SECONDS]

Reports of tests/data/open/agency_components.gai (its `at most 200` left out) with 1, 10, 100 and 1,000 components
(each with last year's report, so the check across periods runs at every member), validated by the reference
evaluator and by the generated Python module; and reports of the fixed national format
(specs/gov_info_disclosure_2021.gai) for comparison. The
measurements run in 5 interleaved rounds, each round repeating a measurement until a fifth of MIN_SECONDS (default
0.3) of CPU time (user + sys of this process) have passed, and the best round counts; the bench prints
the CPU time per report, per member, and per cell (the open format's cells: its fixed cells plus 6 per member), and
the ratio of that per-cell cost to the national format's per-cell cost on the same engine. Linear growth shows as a
per-member cost that stays flat from 10 to 1,000 members; the last two columns give that slope itself: what each
member's cell added from the size before, (T(N) − T(previous N)) / (N − previous N) / cells per member, and its ratio
to the national per-cell cost (a report of no member is no base for it: it fails 'at least 1' and its totals over
nothing take the slow path, so it costs more than a report of one).

Engines: ``reference`` (the evaluator), ``python`` (the generated module, every record), ``python-fail`` (the module
asked for failures only, ``only={"fail"}``: no record is built for a passing position), ``duckdb`` (the report and
last year's validated as ``Database.validate`` does it, ``Database.validation_of``: a small report's rows given to
the prepared validation query itself as literals, more rows loaded into the engine's tables first; the statuses,
which is the SQL's part; the records are then built by gaidsl as for any spec and are not timed; the national
format, a spec without open rows, through its tables). The connection is reused from report to report, and the
validation query is prepared once (gaidsl/engines/database.py; DuckDB binds and optimizes it again at each
EXECUTE when it reads the tables, but not when it reads only its parameters, each of its prepared type); the line
after the table splits DuckDB's time at 1 member through the tables into clearing them, loading them and running
the query, and gives the one statement's time.

A second table, ``duckdb in batches``, measures DuckDB as ``gaidsl validate`` uses it on a folder of data files:
BATCH reports (the same report under BATCH ids, each with its last year's) validated together by one run of the
query (``validation_of``: through the tables, the batch's rows being more than it gives as literals), the
national format the same way, and gives the CPU time per report and per cell and the ratio of the per-cell costs:
the query's fixed cost shared by the batch's reports.

The generated module and the evaluator pause Python's cyclic garbage collector while they work (their results form
no reference cycles; docs/open-dimensions.md#validation-time); the national format's module is measured as it is.
The load average is printed with the table: this machine is shared, and CPU time grows with the load too.
"""

from __future__ import annotations

import functools
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gaidsl.checking.report import Report
    from gaidsl.engines.database import Database
    from gaidsl.language import ir

ROOT = Path(__file__).resolve().parents[1]
COUNTS = (1, 10, 100, 1000)
BATCH = 20  # reports per query in the table of DuckDB in batches
ROUNDS = 5  # interleaved rounds of every measurement (_Rounds)


def cpu_per_run(run: Callable[[], object], least: float) -> float:
    """CPU seconds per call of ``run``, repeated until ``least`` seconds have passed."""
    run()  # warm
    done, start = 0, time.process_time()
    while True:
        run()
        done += 1
        spent = time.process_time() - start
        if spent >= least:
            return spent / done


class _Rounds:
    """Measurements taken in interleaved rounds, each keeping its best (least) CPU time per call: this machine is
    shared, and a slow spell of a few seconds then touches one round of every measurement rather than all of one
    (a national figure taken first and the open ones a minute later moved the ratios by half)."""

    def __init__(self, least: float, rounds: int = ROUNDS) -> None:
        self.least, self.rounds = least, rounds
        self.runs: dict[tuple[object, ...], Callable[[], object]] = {}

    def add(self, key: tuple[object, ...], run: Callable[[], object]) -> None:
        self.runs[key] = run

    def run(self) -> dict[tuple[object, ...], float]:
        best: dict[tuple[object, ...], float] = {}
        for _ in range(self.rounds):
            for key, run in self.runs.items():
                seconds = cpu_per_run(run, self.least / self.rounds)
                best[key] = min(seconds, best.get(key, seconds))
        return best


def main() -> None:
    least = float(sys.argv[1]) if len(sys.argv) > 1 else 0.3
    import gaidsl
    from gaidsl.checking.evaluate import evaluate
    from gaidsl.engines.database import connect, python_module
    from gaidsl.sampling.open_samples import closed_spec, members_for, with_members
    from gaidsl.sampling.samples import sampler, valid_samples

    national = gaidsl.load_spec(ROOT / "specs" / "gov_info_disclosure_2021.gai")
    (fixed_sample,) = valid_samples(national, 1, seed=1, with_previous=True)
    national_module = python_module(national)
    data = national_module.loads(fixed_sample.report.to_json())
    assert fixed_sample.previous is not None
    last = national_module.loads(fixed_sample.previous.to_json())
    cells = len(national.cells)
    national_db = connect(national, "duckdb")
    timing = _Rounds(least)
    national_runs = {
        "reference": lambda: evaluate(national, fixed_sample.report, fixed_sample.previous),
        "python": lambda: national_module.validate(data, last),
        "python-fail": lambda: national_module.validate(data, last, only={"fail"}),
        "duckdb": lambda: _statuses(national_db, fixed_sample.report, fixed_sample.previous),
    }
    for engine, run in national_runs.items():
        timing.add(("national", engine), run)

    source = (ROOT / "tests" / "data" / "open" / "agency_components.gai").read_text(encoding="utf-8")
    compiled = gaidsl.compile_text(source.replace("    at most 200\n", ""), "agency_components.gai")  # 1,000 rows
    assert compiled.spec is not None
    spec = compiled.spec
    module = python_module(spec)
    db = connect(spec, "duckdb")
    fixed_cells = sum(1 for c in spec.cells.values() if c.row is None or not c.row.startswith("<"))
    member_cells = len(spec.cells) - fixed_cells
    rows: list[tuple[str, ...]] = []
    timing.add(("national batch",), lambda: _batch(national_db, fixed_sample.report, fixed_sample.previous))
    for count in COUNTS:
        counts = {"component": count}
        sample = sampler(closed_spec(spec, counts)).sample(random.Random(count), True)
        sample = with_members(sample, members_for(spec, counts))
        report, previous = sample.report, sample.previous
        assert previous is not None and evaluate(spec, report, previous).verdict == "pass"
        open_data, open_last = module.loads(report.to_json()), module.loads(previous.to_json())
        assert module.verdict(module.validate(open_data, open_last)) == "pass"
        for engine, run in (
            ("reference", lambda r=report, p=previous: evaluate(spec, r, p)),
            ("python", lambda d=open_data, p=open_last: module.validate(d, p)),
            ("python-fail", lambda d=open_data, p=open_last: module.validate(d, p, only={"fail"})),
            ("duckdb", lambda r=report, p=previous: _statuses(db, r, p)),
        ):
            timing.add((engine, count), run)
        timing.add(("batch", count), functools.partial(_batch, db, report, previous))
    best = timing.run()
    per_cell = {engine: best["national", engine] / cells for engine in national_runs}
    before: dict[str, tuple[int, float]] = {}  # each engine's last size and its CPU seconds
    for count in COUNTS:
        report_cells = fixed_cells + member_cells * count
        for engine in national_runs:
            seconds = best[engine, count]
            cell_cost = seconds / report_cells
            slope = ("–", "–")
            if engine in before:
                size, spent = before[engine]
                added = (seconds - spent) / (count - size) / member_cells
                slope = (f"{added * 1e6:.2f}", f"{added / per_cell[engine]:.2f}")
            before[engine] = (count, seconds)
            rows.append(
                (
                    engine,
                    f"{count:,}",
                    f"{seconds * 1e3:.2f}",
                    f"{seconds / count * 1e6:.1f}",
                    f"{cell_cost * 1e6:.2f}",
                    f"{per_cell[engine] * 1e6:.2f}",
                    f"{cell_cost / per_cell[engine]:.2f}",
                    *slope,
                )
            )
    header = (
        "engine",
        "members",
        "CPU ms/report",
        "µs/member",
        "µs/cell",
        "national µs/cell",
        "cell ratio",
        "µs/member cell added",
        "ratio added",
    )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"open rows: {spec.id} without 'at most 200' ({member_cells} cells per member, {fixed_cells} fixed)")
    print(f"national: {national.id}, {cells} cells")
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    engines = list(per_cell)
    for row in sorted(rows, key=lambda r: (engines.index(r[0]), int(r[1].replace(",", "")))):
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    _duckdb_at_one_member(db, spec, least)
    national_cell = best["national batch",] / BATCH / cells
    batch_rows: list[tuple[str, ...]] = []
    for count in COUNTS:
        seconds = best["batch", count] / BATCH
        cell_cost = seconds / (fixed_cells + member_cells * count)
        batch_rows.append(
            (
                "duckdb",
                f"{count:,}",
                f"{seconds * 1e3:.2f}",
                f"{seconds / count * 1e6:.1f}",
                f"{cell_cost * 1e6:.2f}",
                f"{national_cell * 1e6:.2f}",
                f"{cell_cost / national_cell:.2f}",
            )
        )
    print(f"duckdb in batches ({BATCH} reports per query, as gaidsl validate loads a folder; national the same way):")
    print("  ".join(h.rjust(w) for h, w in zip(header[:7], widths, strict=False)))
    for row in batch_rows:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=False)))
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


def _duckdb_at_one_member(db: Database, spec: ir.Spec, least: float) -> None:
    """Where DuckDB's time goes for a report of 1 member: each step's CPU ms."""
    from gaidsl.engines.database import _literal
    from gaidsl.sampling.open_samples import closed_spec, members_for, with_members
    from gaidsl.sampling.samples import sampler

    counts = {"component": 1}
    sample = with_members(sampler(closed_spec(spec, counts)).sample(random.Random(1), True), members_for(spec, counts))
    report, previous = sample.report, sample.previous
    assert previous is not None

    def load() -> None:
        db.clear()
        db.load([("r", report, "p")], [("p", previous)])

    cleared = cpu_per_run(db.clear, least)
    loaded = cpu_per_run(load, least) - cleared
    queried = cpu_per_run(db.rows, least)
    given = [("r", report, "p")], [("p", previous)]
    rows = db.table_rows(*given)
    made = cpu_per_run(lambda: db.table_rows(*given), least)
    literals = cpu_per_run(
        lambda: [_literal([row[at] for row in r]) for _, r, c in rows for at in range(len(c))], least
    )
    one = cpu_per_run(lambda: db.validation_of(*given), least)
    print(
        f"duckdb at 1 member, CPU ms per report: through the tables, clear the 4 tables {cleared * 1e3:.1f}, load 2 "
        f"reports and their members {loaded * 1e3:.1f} (4 inserts), run the prepared validation query "
        f"{queried * 1e3:.1f} (together {(cleared + loaded + queried) * 1e3:.1f}); in one statement (validation_of, "
        f"the table above): {one * 1e3:.1f}, of which the rows made {made * 1e3:.2f} and written as literals "
        f"{literals * 1e3:.2f} (a query reading the tables is bound again at each EXECUTE; one reading only its "
        "typed parameters is not)"
    )


def _batch(db: Database, report: Report, previous: Report | None) -> int:
    """BATCH copies of a report (each with its copy of last year's) validated by one run of the query, as
    ``Database.validate`` does it (``validation_of``): how many rows it gave."""
    return len(
        db.validation_of(
            [(f"r{n}", report, f"p{n}" if previous is not None else None) for n in range(BATCH)],
            [(f"p{n}", previous) for n in range(BATCH)] if previous is not None else [],
        )
    )


def _statuses(db: Database, report: Report, previous: Report | None) -> int:
    """One report and last year's validated by the engine as ``Database.validate`` does it (``validation_of``:
    DuckDB gives a small report's rows to the query itself, more go through its tables): how many rows it gave."""
    given = [("r", report, "p" if previous is not None else None)], [("p", previous)] if previous is not None else []
    return len(db.validation_of(*given))


if __name__ == "__main__":
    main()
