"""Bytes of ``gaidsl validate -o`` output per report and per result, on N synthetic reports in a wide CSV.

Usage: ``.venv/bin/python bench/validate_output.py [N] [--engine reference|python ...]`` (default N = 10000, both
engines, JSON lines and CSV). Issue 14: a line per result used to carry every involved cell with its labels and the
finding in two languages (3.7 KB a result, about 200 KB a report: a 200 MB wide CSV gave tens of GB); a line is now
about 200 bytes. Never asserted anywhere: this only prints a table.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/validate_output.py``

from bench.synthetic import SPEC_2021, cached_csv  # noqa: E402
from gaidsl.cli.main import main as gaidsl  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--engine", nargs="+", default=["reference", "python"])
    args = parser.parse_args()
    data = cached_csv(args.n)
    print(f"{args.n} reports ({data.stat().st_size / args.n:.0f} bytes a report in the wide CSV)")
    print(f"{'engine':<10} {'file':<6} {'bytes/report':>12} {'bytes/result':>12} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for engine in args.engine:
            for suffix in ("jsonl", "csv"):
                out = Path(folder) / f"results.{suffix}"
                start = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):  # the summary is not what is measured
                    gaidsl(["validate", str(SPEC_2021), str(data), "--engine", engine, "-o", str(out), "--force"])
                seconds = time.perf_counter() - start
                size = out.stat().st_size
                with out.open(encoding="utf-8", newline="") as handle:
                    results = sum(1 for _ in csv.reader(handle)) - 1 if suffix == "csv" else sum(1 for _ in handle)
                per_result = size / max(results, 1)
                print(f"{engine:<10} {suffix:<6} {size / args.n:>12.0f} {per_result:>12.0f} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
