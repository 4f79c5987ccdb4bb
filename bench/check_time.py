"""Time of `gaidsl check` on the 2021 spec: whole process, and parse + check in process.

Usage: .venv/bin/python bench/check_time.py [RUNS]. Prints a table; aims: whole process < 0.5 s, in process < 30 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"


def whole_process(runs: int) -> list[float]:
    gaidsl = Path(sys.executable).with_name("gaidsl")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(gaidsl), "check", str(SPEC)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def in_process(runs: int) -> tuple[float, list[float], list[float]]:
    start = time.perf_counter()
    from gaidsl.language.compiler import read_source
    from gaidsl.language.parser import parse
    from gaidsl.migrations.documents import compile_file, compile_source

    first = compile_file(SPEC)
    cold = time.perf_counter() - start
    assert first.ok
    source = read_source(SPEC)
    parse_times, total_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        parse(source)
        t1 = time.perf_counter()
        compile_source(source)
        t2 = time.perf_counter()
        parse_times.append(t1 - t0)
        total_times.append(t2 - t1)
    return cold, parse_times, total_times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    proc = whole_process(max(5, runs // 2))
    cold, parse_times, total_times = in_process(runs)
    ms = 1000
    rows = [
        ("gaidsl check (whole process, median)", statistics.median(proc) * ms, 500),
        ("gaidsl check (whole process, best)", min(proc) * ms, 500),
        ("in process, first compile incl. imports + grammar", cold * ms, None),
        ("in process, parse only (median)", statistics.median(parse_times) * ms, None),
        ("in process, parse + check (median)", statistics.median(total_times) * ms, 30),
    ]
    print(f"spec: {SPEC.relative_to(ROOT)}  runs: {runs}")
    print(f"{'measurement':<52} {'ms':>9} {'aim ms':>8}")
    for name, value, aim in rows:
        print(f"{name:<52} {value:>9.1f} {aim if aim is not None else '':>8}")


if __name__ == "__main__":
    main()
