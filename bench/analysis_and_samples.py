"""Spec analysis and sample generation: how long they take on every shipped spec.

Usage: .venv/bin/python bench/analysis_and_samples.py [N_VALID]

Prints one table: per spec, the time of `check` (consistency only) and of `check --analyze` (redundancy, bounds),
valid samples per second (reports alone, and with last year's report), the time to find one invalid report per
check, and what the analysis found. Times are wall clock and CPU (the CPU column is the one to compare on a busy
machine). Aims: analysis of the 2021 spec under 2 s, 1,000 valid 2021 reports under 2 s.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from gaidsl.analysis.consistency import analyze
    from gaidsl.migrations.documents import compile_file
    from gaidsl.sampling.samples import invalid_reports, sampler, valid_reports, valid_samples

    header = (
        "spec",
        "cells",
        "positions",
        "check s",
        "--analyze s",
        f"{count} valid s",
        "valid/s",
        "pairs/s",
        "invalid s",
        "invalid found",
    )
    table: list[tuple[str, ...]] = []
    findings: list[str] = []
    for path in sorted((ROOT / "specs").glob("*.gai")):
        compilation = compile_file(path)
        if compilation.spec is None:
            codes = sorted({d.code for d in compilation.diagnostics if d.severity == "error"})
            findings.append(f"{path.name}: skipped, not a format spec that compiles ({', '.join(codes)})")
            continue
        spec = compilation.spec
        consistency, c_wall, c_cpu = timed(partial(analyze, spec))
        details, d_wall, d_cpu = timed(partial(analyze, spec, details=True))
        chosen, _, _ = timed(partial(sampler, spec))  # set-up once, not counted below
        _, v_wall, v_cpu = timed(partial(valid_reports, spec, count, seed=1))
        pairs = max(1, count // 4)
        _, p_wall, p_cpu = timed(partial(valid_samples, spec, pairs, seed=1, with_previous=True))
        fallbacks = chosen.fallbacks
        violations, i_wall, i_cpu = timed(partial(invalid_reports, spec, seed=1))
        found = sum(1 for v in violations if v.sample is not None)
        several = sum(1 for v in violations if v.sample is not None and not v.single_position)
        table.append(
            (
                path.name,
                str(len(spec.cells)),
                f"{sum(len(c.instances) for c in spec.checks)} / {len(spec.checks)}",
                f"{c_wall:.2f} ({c_cpu:.2f})",
                f"{d_wall:.2f} ({d_cpu:.2f})",
                f"{v_wall:.2f} ({v_cpu:.2f})",
                f"{count / max(v_wall, 1e-9):.0f} ({count / max(v_cpu, 1e-9):.0f})",
                f"{pairs / max(p_wall, 1e-9):.0f} ({pairs / max(p_cpu, 1e-9):.0f})",
                f"{i_wall:.2f} ({i_cpu:.2f})",
                f"{found}/{len(violations)}, {several} multi",
            )
        )
        whole = [r.check.key + (" (needs last year)" if r.needs_previous else "") for r in details.redundant if r.whole]
        partly = [
            f"{r.check.key} ({len(r.positions)} of {len(r.check.instances)})" for r in details.redundant if not r.whole
        ]
        findings.append(
            f"{path.name}: satisfiable {consistency.satisfiable}, with warnings {consistency.warnings_satisfiable}; "
            f"{details.solver_calls} solver calls; valid drafts that needed z3: {fallbacks} of "
            f"{count + 2 * pairs}\n"
            f"  redundant checks: {', '.join(whole) or 'none'}\n"
            f"  redundant positions (each alone): {', '.join(partly) or 'none'}\n"
            f"  droppable together: {', '.join(f'{c.key}[{i.position}]' for c, i in details.droppable) or 'none'}\n"
            f"  forced: {', '.join(b.key[1] for b in details.forced) or 'none'}"
        )
    widths = [max(len(row[i]) for row in (header, *table)) for i in range(len(header))]
    print("times in seconds: wall (cpu); rates per wall second (per cpu second)")
    for row in (header, tuple("-" * w for w in widths), *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print()
    print("\n".join(findings))


if __name__ == "__main__":
    main()
