"""Reports per second: gaidsl's validators beside hand-written baselines, on N synthetic reports of the 2021 format.

Usage: ``.venv/bin/python bench/validate.py [N ...] [--subset S] [--loop-limit L] [--postgres URL] [--paths P,…]``
(default N = 10000 100000 1000000; the postgres row needs a server, e.g. ``$GAIDSL_TEST_POSTGRES``).

Every path starts from the same wide CSV (bench/synthetic.py: one report per line, ~2% with a slip, some blanks,
some warnings) and finds the failing (report, check, position) triples; each path's set is compared with the
validation SQL's on the reports it covered ("agrees"). Paths:

- gaidsl DuckDB: ``gaidsl.engines.wide_csv.wide_csv_failures``, the SQL target's checks in one pass over the file;
- gaidsl PostgreSQL: the same on a server (COPY into a staging table, then the view);
- generated Python module (targets/python), per report: ``validate_csv`` (the module reads the CSV itself, a report
  per line, like the plain-Python baseline), ``validate(data, only={"fail"})`` on data dicts made from the CSV rows
  (what a portal holding JSON does), and ``validate_many``; ``validate_csv`` once more on the same CSV with its
  columns shuffled (any column order reads at the same speed);
- generated JavaScript module under Node, per report, from the CSV read by a small Node script;
- the reference evaluator (``gaidsl.checking.evaluate``) on the first S reports;
- the gaidsl SQL on DuckDB once more, the reports already in the table (``load_wide_csv``): the validation query
  alone.
- baselines (bench/baselines/): a plain Python loop over the CSV, vectorised pandas, hand-written DuckDB SQL.

Per-report paths run on a CSV of the first L reports (default 200,000) so that a million-report run stays short;
their rate is what counts. Timings include reading the CSV. Never asserted anywhere: this only prints a table.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import operator
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/validate.py``

from bench.baselines import duckdb_sql, pandas_check, plain_python  # noqa: E402
from bench.synthetic import SPEC_2021, cached_csv  # noqa: E402
from gaidsl import load_spec  # noqa: E402
from gaidsl.checking import wide_csv  # noqa: E402
from gaidsl.checking.evaluate import evaluate  # noqa: E402
from gaidsl.checking.report import Report  # noqa: E402
from gaidsl.engines import database as engines  # noqa: E402
from gaidsl.engines import wide_csv as wide_csv_engine  # noqa: E402
from gaidsl.engines import wide_csv_sql  # noqa: E402
from gaidsl.language import ir  # noqa: E402
from gaidsl.targets.registry import available  # noqa: E402
from gaidsl.targets.sql.dialects import ident  # noqa: E402

Failure = tuple[str, str, str | None]


def _module(spec: ir.Spec, folder: Path) -> ModuleType:
    [(name, text)] = available()["python"].emit(spec).items()
    path = folder / name
    path.write_text(str(text), encoding="utf-8")
    module_spec = importlib.util.spec_from_file_location("bench_validator", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _data_rows(spec: ir.Spec, path: Path, limit: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """The CSV's first ``limit`` reports as data dicts, as a portal would pass them to the generated modules."""
    for count, (report_id, data, _) in enumerate(wide_csv.wide_csv_data(spec, path)):
        if count >= limit:
            break
        yield report_id, data


def _records(report_id: str, results: list[dict[str, Any]]) -> list[Failure]:
    return [(report_id, r["check"], r["position"]) for r in results if r["status"] == "fail"]


NODE_RUNNER = r"""
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
const [modulePath, csvPath, limitText] = process.argv.slice(2);
const { validate, FORMAT, VERSION } = await import(modulePath);
const limit = Number(limitText);
const start = performance.now();
const failures = [];
let header = null, count = 0;
for await (const line of createInterface({ input: createReadStream(csvPath), crlfDelay: Infinity })) {
  if (header === null) { header = line.split(","); continue; }
  if (count >= limit) break;
  if (!line) continue;
  count++;
  const cells = line.split(",");  // the synthetic texts hold no ASCII commas or quotes
  const data = { format: FORMAT, version: VERSION, fields: {}, texts: {}, values: {} };
  for (let i = 1; i < header.length; i++) {
    const key = header[i], text = cells[i];
    if (text === "" || text === undefined) continue;
    if (key.startsWith("fields.")) data.fields[key.slice(7)] = text;
    else if (key.startsWith("texts.")) data.texts[key.slice(6)] = text;
    else data.values[key] = text;
  }
  for (const r of validate(data, null, { only: ["fail"] })) failures.push([cells[0], r.check, r.position]);
}
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ seconds, count, failures }));
"""


def _node(spec: ir.Spec, folder: Path, path: Path, limit: int) -> tuple[float, int, list[Failure]] | None:
    node = shutil.which("node")
    if node is None or "javascript" not in available():
        return None
    [(name, text)] = available()["javascript"].emit(spec).items()
    module = folder / name
    module.write_text(str(text), encoding="utf-8")
    runner = folder / "runner.mjs"
    runner.write_text(NODE_RUNNER, encoding="utf-8")
    done = subprocess.run(
        [node, "--max-old-space-size=8192", str(runner), module.as_uri(), str(path), str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(done.stdout)
    return answer["seconds"], answer["count"], [tuple(f) for f in answer["failures"]]


def _sql(spec: ir.Spec, path: Path, engine: str, url: str | None) -> list[Failure]:
    with engines.connect(spec, engine, url) as db:
        return wide_csv_engine.wide_csv_failures(db, path)


class Table:
    def __init__(self, n: int, reference: set[Failure]) -> None:
        self.n = n
        self.reference = reference
        self.rows: list[tuple[str, int, float, float, int, str]] = []

    def add(
        self, name: str, count: int, seconds: float, failures: list[Failure] | None, ids: set[str] | None = None
    ) -> None:
        """A row; ``failures`` None: a row that checks nothing (the floor)."""
        covered = self.reference if ids is None else {f for f in self.reference if f[0] in ids}
        if failures is None:
            agrees, failures = "–", []
        else:
            agrees = "yes" if set(failures) == covered else f"NO ({len(set(failures) ^ covered)} differ)"
        self.rows.append((name, count, seconds, CPU[0], len(failures), agrees))
        print(f"  {name}: {count / seconds:,.0f} reports/s", file=sys.stderr, flush=True)

    def print(self) -> None:
        print(f"\nN = {self.n:,} synthetic 2021 reports ({len(self.reference):,} failing check positions)")
        print(
            f"| {'path':<50} | {'reports':>9} | {'seconds':>8} | {'reports/s':>10} | {'CPU s':>7} | failures | agrees |"
        )
        print(f"|{'-' * 52}|{'-' * 10}:|{'-' * 9}:|{'-' * 11}:|{'-' * 8}:|---------:|--------|")
        for name, count, seconds, cpu, failures, agrees in self.rows:
            rate = count / seconds if seconds else float("inf")
            cells = f"{count:>9,} | {seconds:>8.2f} | {rate:>10,.0f} | {cpu:>7.1f} | {failures:>8,}"
            print(f"| {name:<50} | {cells} | {agrees} |")


CPU: list[float] = [0.0]  # CPU seconds of the last timed() call: this process (all threads) and child processes


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start, cpu = time.perf_counter(), _cpu()
    result = run()
    CPU[0] = _cpu() - cpu
    return time.perf_counter() - start, result


PATHS = ("sql", "module", "node", "reference", "plain", "pandas", "duckdb")
"""The groups of rows ``--paths`` can choose (default all): gaidsl's SQL engines, the generated Python module, the
generated JavaScript module, the reference evaluator, and the three baselines."""


def bench(n: int, subset: int, loop_limit: int, postgres: str | None, folder: Path, paths: set[str]) -> Table:
    spec = load_spec(SPEC_2021)
    print(f"N = {n:,}: making the CSV …", file=sys.stderr, flush=True)
    path = cached_csv(n, spec=spec)
    seconds, found = timed(lambda: _sql(spec, path, "duckdb", None))  # the reference set of failures, always
    table = Table(n, set(found))
    if "sql" in paths:
        table.add("gaidsl SQL on DuckDB (one pass over the CSV)", n, seconds, found)
        floor, _ = timed(lambda: _bare_read(spec, path))
        table.add("floor: bare typed DuckDB read, no checks", n, floor, None)
        with engines.connect(spec, "duckdb") as db:
            wide_csv_engine.load_wide_csv(db, path)
            seconds, found = timed(db.failures)
        table.add("gaidsl SQL on DuckDB (query, reports in table)", n, seconds, found)
    if "sql" in paths and postgres and n <= 100_000:
        seconds, found = timed(lambda: _sql(spec, path, "postgres", postgres))
        table.add("gaidsl SQL on PostgreSQL (COPY + query)", n, seconds, found)
    limit = min(n, loop_limit)
    head = path if limit == n else _head(path, limit, folder)
    first = {report_id for report_id, _ in _data_rows(spec, head, limit)}
    if "module" in paths and "python" in available():
        module = _module(spec, folder)

        def from_csv(csv_path: Path) -> list[Failure]:
            found = module.validate_csv(csv_path, only={"fail"})
            return [f for report_id, results in found for f in _records(report_id, results)]

        seconds, found = timed(lambda: from_csv(head))
        table.add("generated Python module, validate_csv per report", limit, seconds, found, first)
        shuffled = _shuffled(head, folder)
        seconds, found = timed(lambda: from_csv(shuffled))
        table.add("generated Python module, validate_csv (shuffled)", limit, seconds, found, first)

        def per_report() -> list[Failure]:
            out: list[Failure] = []
            for report_id, data in _data_rows(spec, head, limit):
                out += _records(report_id, module.validate(data, only={"fail"}))
            return out

        def batch() -> list[Failure]:
            items = list(_data_rows(spec, head, limit))
            results = module.validate_many((data for _, data in items), only={"fail"})
            return [f for (report_id, _), found in zip(items, results, strict=True) for f in _records(report_id, found)]

        seconds, found = timed(per_report)
        table.add("generated Python module, validate(dict) per report", limit, seconds, found, first)
        seconds, found = timed(batch)
        table.add("generated Python module, validate_many", limit, seconds, found, first)
    node = _node(spec, folder, head, limit) if "node" in paths else None
    if node is not None:
        seconds, count, found = node
        table.add("generated JavaScript module under Node", count, seconds, found, first)
    if "reference" in paths:
        few = min(n, subset)
        some = list(wide_csv.read_wide_csv(spec, path))[:few] if n <= 100_000 else _first(spec, path, few)
        seconds, found = timed(
            lambda: [(i, r.check, r.position) for i, report, _ in some for r in evaluate(spec, report).failures]
        )
        table.add("reference evaluator (gaidsl.checking.evaluate)", few, seconds, found, {i for i, _, _ in some})
    if "plain" in paths:
        seconds, found = timed(lambda: plain_python.validate_csv(head, limit))
        table.add("baseline: plain Python loop over the CSV", limit, seconds, found, first)
    if "pandas" in paths:
        seconds, found = timed(lambda: pandas_check.validate_csv(path))
        table.add("baseline: pandas / numpy, vectorised", n, seconds, found)
    if "duckdb" in paths:
        seconds, found = timed(lambda: duckdb_sql.validate_csv(path))
        table.add("baseline: hand-written DuckDB SQL", n, seconds, found)
    return table


def _bare_read(spec: ir.Spec, path: Path) -> None:
    """The floor no validator on DuckDB can beat: DuckDB's CSV reader reads the file, the counts and integers as
    BIGINT (as the engine's typed read does), every column consumed (its maximum), nothing checked."""
    with engines.connect(spec, "duckdb") as db:
        header = wide_csv.header_of(path)
        whole = {wide_csv_sql.csv_key(c) for c in db.columns if wide_csv_sql.kind(c) == "whole"} & set(header)
        source = wide_csv_engine._duckdb_source(path, header, whole)
        db.query(f"SELECT count(*), {', '.join(f'max({ident(h)})' for h in header)} FROM {source}")


def _shuffled(path: Path, folder: Path) -> Path:
    """The same CSV with its columns in another order (report_id too), fixed by a seed: what a user's export may
    look like, which the generated module must read at the same speed."""
    with open(path, newline="", encoding="utf-8") as source:
        rows = csv.reader(source)
        header = next(rows)
        order = list(range(len(header)))
        random.Random(19).shuffle(order)
        pick = operator.itemgetter(*order)
        out_path = folder / f"shuffled_{path.name}"
        with open(out_path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(pick(header))
            writer.writerows(pick(row) for row in rows)
    return out_path


def _head(path: Path, count: int, folder: Path) -> Path:
    """The CSV's header and first ``count`` reports, as a file of their own (the synthetic texts hold no line break)."""
    head = folder / f"head_{count}.csv"
    with open(path, newline="", encoding="utf-8") as source, open(head, "w", newline="", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number > count:
                break
            out.write(line)
    return head


def _first(spec: ir.Spec, path: Path, count: int) -> list[tuple[str, Report, str | None]]:
    out: list[tuple[str, Report, str | None]] = []
    for item in wide_csv.read_wide_csv(spec, path):
        if len(out) >= count:
            break
        out.append(item)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--subset", type=int, default=2_000, help="reports for the reference evaluator")
    parser.add_argument("--loop-limit", type=int, default=200_000, help="reports for the per-report paths")
    parser.add_argument("--postgres", default=os.environ.get("GAIDSL_TEST_POSTGRES"), help="PostgreSQL URL")
    parser.add_argument(
        "--paths", default=",".join(PATHS), help=f"rows to run, comma-separated, of: {', '.join(PATHS)} (default all)"
    )
    args = parser.parse_args()
    paths = set(args.paths.split(","))
    if not paths <= set(PATHS):
        parser.error(f"--paths: unknown {', '.join(sorted(paths - set(PATHS)))}; choose from {', '.join(PATHS)}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print("seconds: wall clock; CPU s: this process's threads and its child processes (not a database server)")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            bench(n, args.subset, args.loop_limit, args.postgres, Path(folder), paths).print()


if __name__ == "__main__":
    main()
