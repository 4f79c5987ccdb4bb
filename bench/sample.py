"""``gaidsl sample --valid N -o DIR`` on the 2021 spec: how long the command takes, as a user runs it.

Usage: .venv/bin/python bench/sample.py [--counts 10,100,1000] [--repeat 3] [--no-phases]

Prints one table: for 10, 100 and 1,000 valid reports (each with last year's: 2N data files and a manifest), the
command run in a fresh process into a new folder, its wall time and CPU time (user + system, the column to compare
on a busy machine; the best of ``--repeat`` runs each), and how long replacing that folder with ``--force`` takes.
Then, unless ``--no-phases``, where the time of the largest count goes in one process: compiling the spec, sampling,
writing the JSON texts, writing the folder. Aim: ``--valid 1000`` under 2 s (issue 19); before the folder writer it
was 12 s, 10 of them an fsync per file.

Run it with another checkout's interpreter (``/work/main/.venv/bin/python bench/sample.py --no-phases``) for the
numbers before a change: the command is run as ``python -m gaidsl`` of that interpreter.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from gaidsl.checking import files as safe_files  # write_folder: looked up when the phases run (not before it existed)
from gaidsl.migrations.documents import compile_file
from gaidsl.sampling.samples import valid_samples

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"
T = TypeVar("T")


def run_command(count: int, out: Path, *extra: str) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one ``gaidsl sample`` in its own process."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gaidsl", "sample", str(SPEC), "--valid", str(count), "-o", str(out), *extra],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def phases(count: int, work: Path) -> list[tuple[str, float, float]]:
    """Where the time of one run goes, in this process (the command's start-up, its imports, is the rest)."""
    compilation, c_wall, c_cpu = timed(lambda: compile_file(SPEC))
    spec = compilation.spec
    assert spec is not None
    samples, s_wall, s_cpu = timed(lambda: valid_samples(spec, count, 0, with_previous=True))

    def texts() -> dict[str, str]:
        files = {}
        for number, sample in enumerate(samples, 1):
            files[f"valid/{number:04d}.json"] = sample.report.to_json()
            if sample.previous is not None:
                files[f"valid/{number:04d}.previous.json"] = sample.previous.to_json()
        return files

    files, j_wall, j_cpu = timed(texts)
    _, w_wall, w_cpu = timed(lambda: safe_files.write_folder(work / "phases", files))
    return [
        ("compile the spec", c_wall, c_cpu),
        (f"sample {count} pairs", s_wall, s_cpu),
        (f"{len(files)} JSON texts", j_wall, j_cpu),
        (f"write the folder ({len(files)} files, one sync)", w_wall, w_cpu),
    ]


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in [header, *rows]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="10,100,1000", help="numbers of valid reports (default 10,100,1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per count; the best is shown (default 3)")
    parser.add_argument("--no-phases", action="store_true", help="leave out the breakdown in one process")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gaidsl-bench-sample-") as temporary:
        work = Path(temporary)
        for count in counts:
            fresh = [run_command(count, work / f"o{count}-{i}") for i in range(args.repeat)]
            forced = [run_command(count, work / f"o{count}-0", "--force") for _ in range(args.repeat)]
            wall, cpu = min(w for w, _ in fresh), min(c for _, c in fresh)
            rows.append(
                (
                    str(count),
                    str(2 * count + 1),
                    f"{wall:.2f}",
                    f"{cpu:.2f}",
                    f"{min(w for w, _ in forced):.2f}",
                    f"{min(c for _, c in forced):.2f}",
                )
            )
        header = ("--valid", "files", "new wall s", "new CPU s", "--force wall s", "--force CPU s")
        print(f"gaidsl sample {SPEC.name} -o DIR (python {sys.executable}, best of {args.repeat})")
        print(table(header, rows))
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        if not args.no_phases:
            print()
            found = phases(max(counts), work)
            print(table(("in one process", "wall s", "CPU s"), [(n, f"{w:.2f}", f"{c:.2f}") for n, w, c in found]))


if __name__ == "__main__":
    main()
