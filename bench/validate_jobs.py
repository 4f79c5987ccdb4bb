"""``gaidsl validate SPEC REPORTS.csv --engine python --jobs 1`` against ``--jobs 2``: wall seconds and CPU seconds
(user + system of the process and its workers, from ``os.wait4``) per number of reports, ``--format`` and ``-o``
file, and whether the two give the same bytes (standard output, ``-o`` file, exit code).

The file is N synthetic 2021 reports with 2 % injected errors of every kind (:func:`bench.validate_memory.data`,
made once per N in the temp folder). The load average is printed before and after: on a shared machine the wall
times are only comparable at the same load.

Usage: ``nice -n 10 .venv/bin/python bench/validate_jobs.py [N ...] [--engine E] [--repeat R] [--no-output]``
(default N = 20000 100000, engine python, the best of R = 1 runs; ``--no-output``: the runs without ``-o`` only).
Never asserted anywhere: this only prints a table.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/validate_jobs.py``

from bench.synthetic import SPEC_2021  # noqa: E402
from bench.validate_memory import data  # noqa: E402

FORMS = (("text", None), ("json", None), ("text", "jsonl"), ("json", "csv"))
"""``--format`` and the ``-o`` file's kind (None: no ``-o``)."""


def run(command: list[str], output: Path | None) -> tuple[float, float, str]:
    """Wall and CPU seconds of ``command`` and a digest of its exit code, standard output and ``-o`` file."""
    if output is not None and output.exists():
        output.unlink()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        digest = hashlib.sha256(out.read())
    digest.update(str(os.waitstatus_to_exitcode(status)).encode())
    if output is not None:
        digest.update(output.read_bytes())
    return wall, usage.ru_utime + usage.ru_stime, digest.hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="*", type=int, default=[20_000, 100_000])
    parser.add_argument("--engine", default="python")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell, the fastest wall time kept")
    parser.add_argument("--no-output", action="store_true", help="only the runs without -o (fast)")
    args = parser.parse_args()
    gaidsl = [sys.executable, "-m", "gaidsl", "validate", str(SPEC_2021)]
    print(f"load average before: {os.getloadavg()}  cores: {os.cpu_count()}")
    head = f"{'jobs 1 wall':>11} {'cpu':>6} | {'jobs 2 wall':>11} {'cpu':>6}"
    print(f"{'reports':>8} {'format':>6} {'-o':>6} | {head} | same")
    with tempfile.TemporaryDirectory() as scratch:
        for n in args.n:
            path = data(n)
            for form, kind in FORMS[:2] if args.no_output else FORMS:
                output = None if kind is None else Path(scratch) / f"results.{kind}"
                cells: list[tuple[float, float, str]] = []
                for jobs in (1, 2):
                    command = [*gaidsl, str(path), "--engine", args.engine, "--format", form, "--jobs", str(jobs)]
                    if output is not None:
                        command += ["-o", str(output), "--force"]
                    cells.append(min((run(command, output) for _ in range(args.repeat)), key=lambda c: c[0]))
                (wall1, cpu1, one), (wall2, cpu2, two) = cells
                print(
                    f"{n:>8} {form:>6} {kind or '-':>6} | {wall1:>10.2f}s {cpu1:>5.2f}s | {wall2:>10.2f}s {cpu2:>5.2f}s"
                    f" | {'yes' if one == two else 'NO'}",
                    flush=True,
                )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
