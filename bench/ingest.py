"""Time of reading published reports back: per report, and a folder of 1,000 reports through the CLI.

Usage: .venv/bin/python bench/ingest.py [REPORTS] [--folder-only]   (default 1000 for the folder run; 0 skips it)

Prints, for every real report in tests/data/reports and every case of tests/ingest/cases: the time to read it
(``--spec auto``: route detection, choosing the spec, locating, reading; caches cleared first, so this is a first
read) and to run the spec's checks over it. Then builds a folder of N reports (copies of those, each with its own
body name and year) and times ``gaidsl ingest --spec auto FOLDER -o OUT --progress`` as a whole process, which
reads, checks (pairing consecutive years), writes three files per report and the summary CSV and HTML, in one
worker process per core (``--jobs``; the wall time and the CPU time of all processes are printed, with the load
average: on a shared machine the wall time depends on what else runs). Aim: 1,000 reports in under 15 s.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "data" / "reports"
CASES = ROOT / "tests" / "ingest" / "cases"
sys.path.insert(0, str(ROOT))

from gaidsl.checking.evaluate import evaluate  # noqa: E402
from gaidsl.ingest import ingest_file, normalise, shipped_specs  # noqa: E402


def inputs() -> list[Path]:
    found = sorted(REPORTS.glob("*.txt")) if REPORTS.is_dir() else []
    found += sorted(p for p in CASES.iterdir() if not p.name.endswith(".expected.json"))
    return found


def clear_caches() -> None:
    for function in (normalise.label_key, normalise.coverage, normalise.similarity, normalise.parse_cell):
        function.cache_clear()
    normalise._counter.cache_clear()


def per_report() -> list[float]:
    specs = shipped_specs()
    firsts = []
    print(f"{'report':40s} {'route':11s} {'first read':>11s} {'again':>8s} {'checks':>8s}")
    for path in inputs():
        clear_caches()
        start = time.perf_counter()
        result = ingest_file(specs, path)
        first = (time.perf_counter() - start) * 1000
        again = []
        for _ in range(5):
            start = time.perf_counter()
            ingest_file(specs, path)
            again.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        evaluate(result.spec, result.ingested.report)
        checks = (time.perf_counter() - start) * 1000
        firsts.append(first)
        route = result.ingested.route
        print(f"{path.name:40s} {route:11s} {first:8.1f} ms {statistics.median(again):5.1f} ms {checks:5.1f} ms")
    print(
        f"{'median / max':40s} {'':11s} {statistics.median(firsts):8.1f} ms"
        f"   (max first read {max(firsts):.1f} ms over {len(firsts)} reports)"
    )
    return firsts


def make_folder(folder: Path, count: int) -> None:
    sources = inputs()
    for n in range(count):
        source = sources[n % len(sources)]
        target = folder / f"r{n:04d}_{source.name}"
        if source.suffix in (".txt", ".html") and "gb18030" not in source.name:
            text = source.read_text(encoding="utf-8")
            body = f"示例{n // 2:03d}号县人民政府"  # pairs of consecutive years per body
            year = 2022 + n % 2
            text = _retitle(text, body, year)
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copy(source, target)


def _retitle(text: str, body: str, year: int) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines[:6]):
        if "年度报告" in line and "<" not in line:
            lines[i] = line.replace(line.strip(), f"{body}{year}年政府信息公开工作年度报告")
            break
    return "\n".join(lines) + "\n"


def folder_run(count: int) -> None:
    gaidsl = Path(sys.executable).with_name("gaidsl")
    with tempfile.TemporaryDirectory() as temp:
        folder, out = Path(temp) / "reports", Path(temp) / "out"
        folder.mkdir()
        make_folder(folder, count)
        print(f"\n{count} reports in one folder: gaidsl ingest --spec auto FOLDER -o OUT --progress")
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [str(gaidsl), "ingest", "--spec", "auto", str(folder), "-o", str(out), "--progress", "--lang", "en"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
        statuses = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "problems", "unreadable")}
        paired = sum(1 for r in rows if r["previous"])
        written = sum(1 for _ in out.rglob("*") if _.is_file())
        print(
            f"exit {done.returncode}; {seconds:.1f} s whole process = {seconds * 1000 / count:.1f} ms per report "
            f"(read, checked, 3 files written); {statuses}; {paired} checked against last year's report; "
            f"{written} files written"
        )
        print(f"CPU time of all its processes {cpu:.1f} s (user+sys); {os.cpu_count()} cores; load average {load:.2f}")


def main() -> None:
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(numbers[0]) if numbers else 1000
    if "--folder-only" not in sys.argv:
        per_report()
    if count:
        folder_run(count)


if __name__ == "__main__":
    main()
