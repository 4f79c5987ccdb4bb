"""Lists of records in the generated JavaScript validator (docs/records.md): does its time grow linearly with the
records, and how does it compare with the reference evaluator?

Usage: .venv/bin/python bench/records_javascript.py [--counts 1,10,100,1000,10000] [--least 0.3]

The reports of bench/records.py (tests/data/records/other_explained.gai, 20 entered components, the records spread
over them and the "other" cells holding their sums; past 100 records the `at most 100` rule fails, every other check
passes), validated by the generated JavaScript module in ``node`` (CPU time of ``validate`` from the data already
parsed, repeated until ``--least`` seconds of node's user + system time, bench/open_javascript.py's timer) and by
the reference evaluator (``evaluate`` of the read report, CPU time, best of 3). Printed per report and per record.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import gaidsl
from bench.open_javascript import timed
from bench.records import SPEC, report_text
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.targets.registry import available


def cpu(action: Callable[[], object], repeat: int) -> float:
    """The least CPU seconds (user + sys, ``time.process_time``) of ``repeat`` runs of ``action``."""
    best = float("inf")
    for _ in range(repeat):
        before = time.process_time()
        action()
        best = min(best, time.process_time() - before)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="1,10,100,1000,10000")
    parser.add_argument("--least", type=float, default=0.3)
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not installed")
    counts = [int(c) for c in args.counts.split(",")]
    spec = gaidsl.load_spec(SPEC)
    folder = Path(tempfile.mkdtemp(prefix="records_javascript_"))
    module = folder / "records.mjs"
    (text,) = available()["javascript"].emit(spec).values()
    module.write_text(str(text), encoding="utf-8")
    texts = [report_text(count) for count in counts]
    seconds = timed(node, folder, module, [(t, "null", False) for t in texts], args.least)
    header = ("records", "node ms/report", "node µs/record", "reference ms/report", "reference µs/record", "verdict")
    rows = []
    for count, t, spent in zip(counts, texts, seconds, strict=True):
        report = parse_report(t, spec, "json").report
        assert report is not None
        reference = cpu(functools.partial(evaluate, spec, report), 3)
        rows.append(
            (
                f"{count:,}",
                f"{spent * 1e3:.2f}",
                f"{spent / count * 1e6:.1f}",
                f"{reference * 1e3:.2f}",
                f"{reference / count * 1e6:.1f}",
                evaluate(spec, report).verdict,
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"{spec.id}: 20 components; CPU time (user + sys)")
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
