"""Spec analysis over lists of records (docs/records.md#spec-analysis): how long ``check`` (consistency and vacuity)
and ``check --analyze`` (redundancy, bounds and the witness too) take on the specs with records, and how the time
grows with the record bound (the records per list the instances have: 0 … bound).

Usage: .venv/bin/python bench/records_analysis.py [--bounds 3,4,5]

CPU time (user + sys of this process, ``time.process_time``; z3 runs in it), best of 3, per spec: the example specs
under tests/data/records/, the spec-analysis cases with records under tests/diagnostics/cases/, and every shipped
spec with records. The bound table runs tests/data/records/other_explained.gai (an open dimension too: each record
count is tried with 0–3 members).
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from pathlib import Path

import gaidsl.analysis.records as records_analysis
from gaidsl.analysis.consistency import Analysis
from gaidsl.analysis.open_parts import analyze_open
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_file

ROOT = Path(__file__).resolve().parents[1]


def cpu(action: Callable[[], Analysis], repeat: int = 3) -> tuple[float, Analysis]:
    best = float("inf")
    found: Analysis | None = None
    for _ in range(repeat):
        before = time.process_time()
        found = action()
        best = min(best, time.process_time() - before)
    assert found is not None
    return best, found


def spec_at(path: Path) -> ir.Spec | None:
    compilation = compile_file(str(path))
    return compilation.spec if compilation.ok else None


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bounds", default="3,4,5")
    args = parser.parse_args()
    paths = [
        *sorted((ROOT / "tests" / "data" / "records").glob("*.gai")),
        *sorted((ROOT / "tests" / "diagnostics" / "cases").glob("gai6*_records_*.gai")),
        *sorted((ROOT / "specs").glob("*.gai")),
    ]
    rows: list[tuple[str, ...]] = []
    for path in paths:
        spec = spec_at(path)
        if spec is None or not spec.records:
            continue
        plain, _ = cpu(functools.partial(analyze_open, spec))
        detailed, found = cpu(functools.partial(analyze_open, spec, details=True))
        verdict = {True: "holds", False: "contradiction", None: "unknown"}[found.satisfiable]
        rows.append(
            (
                path.relative_to(ROOT).as_posix(),
                f"{plain:.2f}",
                f"{detailed:.2f}",
                str(found.solver_calls),
                verdict,
                str(len(found.vacuous)),
            )
        )
    print("CPU seconds per spec (best of 3)")
    table(("spec", "check", "check --analyze", "solver calls", "error checks", "vacuous"), rows)
    spec = spec_at(ROOT / "tests" / "data" / "records" / "other_explained.gai")
    assert spec is not None
    kept = records_analysis.RECORD_BOUND
    bound_rows: list[tuple[str, ...]] = []
    try:
        for bound in (int(b) for b in args.bounds.split(",")):
            records_analysis.RECORD_BOUND = bound
            plain, _ = cpu(lambda: analyze_open(spec), repeat=1)
            detailed, found = cpu(lambda: analyze_open(spec, details=True), repeat=1)
            bound_rows.append((str(bound), f"{plain:.2f}", f"{detailed:.2f}", str(found.solver_calls)))
    finally:
        records_analysis.RECORD_BOUND = kept
    print("other_explained.gai by record bound (CPU seconds)")
    table(("records per list", "check", "check --analyze", "solver calls"), bound_rows)


if __name__ == "__main__":
    main()
