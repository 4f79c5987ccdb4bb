"""DuckDB on a wide CSV with a few odd lines (issue 19): the time of ``wide_csv_check`` on N clean reports beside the
same N with a share of reports holding a value gaidsl's reader refuses (negatives, fractions, text in counts, too many
decimals; bench/synthetic.py), read the typed way with the odd lines left to gaidsl's reader, and, for comparison,
the careful whole-file read the odd lines used to cost (``ODD_LINES = 0``). Best of R runs, CPU (user + system of
this process, DuckDB's threads included) and wall time. Never asserted anywhere: this only prints a table.

Usage: ``.venv/bin/python bench/validate_odd.py [N] [--share 0.006] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/validate_odd.py``

from bench.synthetic import CACHE, SPEC_2021, Truth, write_csv_with_errors  # noqa: E402
from gaidsl import load_spec  # noqa: E402
from gaidsl.engines import database as engines  # noqa: E402
from gaidsl.engines import wide_csv as wide_csv_engine  # noqa: E402
from gaidsl.engines.wide_csv_read import Refused  # noqa: E402
from gaidsl.language import ir  # noqa: E402

BAD_VALUES = ("negative", "fraction", "text", "decimals")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run(spec: ir.Spec, path: Path, runs: int) -> tuple[float, float, int, int]:
    """Best CPU and wall seconds over ``runs``; the failures and refused reports found."""
    best_cpu = best_wall = float("inf")
    failures = refused_reports = 0
    for _ in range(runs):
        with engines.connect(spec, "duckdb") as db:
            refused: Refused = {}
            cpu, wall = _cpu(), time.perf_counter()
            _, found = wide_csv_engine.wide_csv_check(db, path, {}, refused)
            best_cpu = min(best_cpu, _cpu() - cpu)
            best_wall = min(best_wall, time.perf_counter() - wall)
            failures, refused_reports = len(found), len(refused)
    return best_cpu, best_wall, failures, refused_reports


def files(spec: ir.Spec, n: int, share: float) -> tuple[Path, Path, Truth | None]:
    """The clean file of ``n`` reports and the same reports with a ``share`` of them given a bad value, made once in
    the temp folder; the injected truth when the odd file was made now (else None)."""
    clean = CACHE / f"odd_{n}_clean.csv"
    odd = CACHE / f"odd_{n}_{share}.csv"
    if not clean.exists():
        write_csv_with_errors(spec, n, clean, rate=0.0)
    truth = write_csv_with_errors(spec, n, odd, rate=share, kinds=BAD_VALUES) if not odd.exists() else None
    return clean, odd, truth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.006)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    spec = load_spec(SPEC_2021)
    clean, odd, truth = files(spec, args.n, args.share)
    rows = [("clean", *_run(spec, clean, args.runs)), ("odd lines, typed", *_run(spec, odd, args.runs))]
    saved = wide_csv_engine.ODD_LINES
    wide_csv_engine.ODD_LINES = 0  # as before: one odd line and the whole file is read the careful way
    rows.append(("odd lines, whole file careful", *_run(spec, odd, args.runs)))
    wide_csv_engine.ODD_LINES = saved
    print(f"DuckDB wide_csv_check, {args.n:,} reports, best of {args.runs} (odd share {args.share:.1%})")
    if truth is not None:
        print(f"injected: {len(truth)} reports")
    print(f"{'file':<32} {'cpu s':>7} {'wall s':>7} {'× clean':>8} {'failures':>9} {'refused':>8}")
    base = rows[0][1]
    for name, cpu, wall, failures, refused in rows:
        print(f"{name:<32} {cpu:7.2f} {wall:7.2f} {cpu / base:8.2f} {failures:9} {refused:8}")


if __name__ == "__main__":
    main()
