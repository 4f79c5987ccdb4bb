"""Validating reports with the reference evaluator: one report in process (µs) and `gaidsl validate` on files.

Usage: .venv/bin/python bench/validate_files.py [N_FILES]   (default 1,000)

Writes N valid 2021 samples to a temporary folder, then prints a table: loading + evaluating one report in process
(median, µs), evaluating only (µs), and the whole `gaidsl validate SPEC FOLDER` process over all N files.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from gaidsl import load_spec
    from gaidsl.checking.data import load_report
    from gaidsl.checking.evaluate import evaluate
    from gaidsl.sampling.samples import valid_reports

    spec = load_spec(SPEC)
    reports = valid_reports(spec, count, seed=7)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, report in enumerate(reports):
            path = Path(folder) / f"{i:05d}.json"
            path.write_text(report.to_json(), encoding="utf-8")
            paths.append(path)
        load_and_eval, eval_only = [], []
        for path, report in zip(paths[:300], reports[:300], strict=True):
            t0 = time.perf_counter()
            evaluate(spec, load_report(path, spec))
            t1 = time.perf_counter()
            evaluate(spec, report)
            t2 = time.perf_counter()
            load_and_eval.append(t1 - t0)
            eval_only.append(t2 - t1)
        gaidsl = Path(sys.executable).with_name("gaidsl")
        t0 = time.perf_counter()
        proc = subprocess.run([str(gaidsl), "validate", str(SPEC), folder], capture_output=True, check=False)
        whole = time.perf_counter() - t0
    print(f"spec: {SPEC.relative_to(ROOT)}  files: {count}")
    print(f"{'measurement':<58} {'value':>12}")
    print(f"{'load + evaluate one report in process (median)':<58} {statistics.median(load_and_eval) * 1e6:>9.0f} µs")
    print(f"{'evaluate one report in process (median)':<58} {statistics.median(eval_only) * 1e6:>9.0f} µs")
    print(f"{f'gaidsl validate on {count} files (whole process)':<58} {whole:>10.2f} s")
    print(f"{'  exit code (0: no error-severity failure)':<58} {proc.returncode:>12}")
    print(f"{'  files per second':<58} {count / whole:>12.0f}")


if __name__ == "__main__":
    main()
