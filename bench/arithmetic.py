"""Arithmetic between cells on every in-process engine (issue 16, docs/arithmetic.md): the time to validate N reports
of ``tests/data/arithmetic/ratios.gai`` (quotients, round half up and half even, abs/min/max, derived cells) with the
reference evaluator, the generated Python module (Fractions), DuckDB (HUGEINT pairs) and, when
``GAIDSL_TEST_POSTGRES`` is set, PostgreSQL (NUMERIC pairs). Best of R runs, CPU (user + system of this process; a
database server's own time is not counted) and wall time; the statuses are compared with the reference's. Never
asserted anywhere: this only prints a table.

Usage: ``.venv/bin/python bench/arithmetic.py [N] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # gaidsl when run as ``python bench/arithmetic.py``

import gaidsl  # noqa: E402
from gaidsl.checking.report import Report  # noqa: E402
from gaidsl.engines.database import evaluate_all  # noqa: E402

SPEC = ROOT / "tests" / "data" / "arithmetic" / "ratios.gai"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reports(spec: Any, n: int) -> list[tuple[str, Report]]:
    rng = random.Random(16)

    def whole() -> int | None:
        return rng.choice([None, 0, 1, -1, 2, -5, 200, 10**15 - 1, rng.randint(-(10**15) + 1, 10**15 - 1)])

    def amount(places: int) -> Decimal | None:
        units = rng.choice([None, 0, 5, 25, 1005, rng.randint(0, 10 ** (15 + places) - 1)])
        return None if units is None else Decimal(units).scaleb(-places)

    out = []
    for i in range(n):
        fields = {"n": whole(), "m": whole(), "k": whole(), "big": amount(3), "per": amount(2)}
        values = {f"costs.{r}.{c}": amount(2) for r in "ab" for c in ("fees", "costs", "share", "up", "even")}
        data = {"format": spec.id, "version": spec.version, "fields": fields, "values": values}
        out.append((f"r{i}", gaidsl.load_report(spec, data)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    spec = gaidsl.load_spec(SPEC)
    reports = _reports(spec, args.n)
    engines: list[tuple[str, str | None]] = [("reference", None), ("python", None), ("duckdb", None)]
    if os.environ.get("GAIDSL_TEST_POSTGRES"):
        engines.append(("postgres", os.environ["GAIDSL_TEST_POSTGRES"]))
    want: list[list[str]] = []
    print(f"{args.n} reports of {SPEC.name}, {sum(len(c.instances) for c in spec.checks)} check positions each")
    print(f"{'engine':<10} {'cpu s':>8} {'wall s':>8} {'agrees':>7}")
    for engine, url in engines:
        best_cpu = best_wall = float("inf")
        statuses: list[list[str]] = []
        for _ in range(args.runs):
            cpu, wall = _cpu(), time.perf_counter()
            found = evaluate_all(spec, reports, engine, url)
            best_cpu = min(best_cpu, _cpu() - cpu)
            best_wall = min(best_wall, time.perf_counter() - wall)
            statuses = [[r.status for r in e.results] for e in found]
        if engine == "reference":
            want = statuses
        print(f"{engine:<10} {best_cpu:>8.2f} {best_wall:>8.2f} {statuses == want!s:>7}")


if __name__ == "__main__":
    main()
