"""Peak memory of ``gaidsl validate SPEC REPORTS.csv --format json`` per engine and number of reports (issue 19:
flat in N, under 500 MB at a million reports for every gaidsl engine).

Each run is its own process (``gaidsl validate … --format json``, standard output to ``/dev/null``; with
``--output`` also ``-o results.jsonl``); its peak resident set comes from ``os.wait4`` in a small launcher
process (:data:`_LAUNCHER`; for ``--jobs``, the largest of the process and its workers, as Linux counts a child's
waited children). The file is N synthetic 2021
reports with 2 % injected errors of every kind (:func:`bench.synthetic.write_csv_with_errors`), made once per N in
the temp folder.

Usage: ``nice -n 10 .venv/bin/python bench/validate_memory.py [N ...] [--engine E ...] [--jobs J]
[--postgres URL] [--output]`` (default N = 10000 100000; engines python, duckdb, sqlite; add ``reference``, slow,
for small N). Never asserted anywhere: this only prints a table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/validate_memory.py``

from bench.synthetic import CACHE, SPEC_2021, write_csv_with_errors  # noqa: E402
from gaidsl import load_spec  # noqa: E402


def data(n: int) -> Path:
    """The wide CSV of ``n`` reports with 2 % injected errors, made once."""
    path = CACHE / f"reports_2021_{n}_errors.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.csv")
        write_csv_with_errors(load_spec(SPEC_2021), n, partial)
        partial.rename(path)
    return path


_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
os.write(int(sys.argv[1]), f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}".encode())
"""
"""Runs the command and writes its exit code and peak resident KB to a pipe. Linux counts in a child's peak the
resident set it had before its ``exec`` — for a child started by ``vfork`` (as Python's ``subprocess`` starts
one), the parent's own: a bench that has made a million-report CSV or read it into pandas is several GB, and
that figure came back as the validator's. The launcher is a bare interpreter (about 10 MB), so what comes back
is the command's."""


def measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB and exit code of ``command`` run as a child process (of :data:`_LAUNCHER`)."""
    read, write = os.pipe()
    start = time.perf_counter()
    try:
        launcher = [sys.executable, "-I", "-c", _LAUNCHER, str(write), *command]
        subprocess.run(launcher, pass_fds=(write,), check=True)
    finally:
        os.close(write)
    with os.fdopen(read, encoding="ascii") as said:
        code, peak_kb = (int(x) for x in said.read().split())
    return time.perf_counter() - start, peak_kb / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--engine", nargs="+", default=["python", "duckdb", "sqlite"])
    parser.add_argument("--jobs", type=int, default=1, help="--jobs for the reference and python engines")
    parser.add_argument("--postgres", metavar="URL", help="also PostgreSQL at this URL")
    parser.add_argument("--output", action="store_true", help="also -o results.jsonl (every result on python)")
    args = parser.parse_args()
    engines = args.engine + (["postgres"] if args.postgres else [])
    gaidsl = [sys.executable, "-c", "import sys; from gaidsl.cli.main import main; sys.exit(main())"]
    print(f"{'engine':<10} {'jobs':>4} {'reports':>9} {'seconds':>8} {'peak MB':>8} {'exit':>4}")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.n:
            path = data(n)
            for engine in engines:
                url = [args.postgres] if engine == "postgres" else []
                jobs = args.jobs if engine in ("reference", "python") else 1
                out = Path(folder) / "results.jsonl"
                command = [*gaidsl, "validate", str(SPEC_2021), str(path), "--engine", engine, *url]
                command += ["--format", "json", "--jobs", str(jobs)]
                command += ["-o", str(out), "--force"] if args.output else []
                seconds, peak, code = measure(command)
                print(f"{engine:<10} {jobs:>4} {n:>9} {seconds:>8.1f} {peak:>8.0f} {code:>4}", flush=True)


if __name__ == "__main__":
    main()
