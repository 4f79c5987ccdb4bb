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

Issue 19's acceptance 2 in the same run: ``odd`` adds the DuckDB engine as ``gaidsl validate`` runs it (a refused
value a result) on N clean reports and on the same N with 0.6 % of them given a bad value (bench/validate_odd.py's
files; the injected truth is the judge); ``memory`` the peak RSS of ``gaidsl validate --format json`` per engine, each
its own process (bench/validate_memory.py), on N reports with 2 % injected errors. ``--repeat R`` runs the key rows
(DuckDB engine, floor, the DuckDB and pandas baselines, the odd rows) R times, interleaved: a row shows its best wall
and CPU time and every run's CPU seconds. The ratios of acceptance 2 follow each table, by CPU and by wall clock,
with the load average before and after.

Usage at a million: ``nice -n 10 .venv/bin/python bench/validate.py 100000 1000000 --repeat 3 --loop-limit 100000
--subset 500`` (the synthetic files are made once in the temp folder, ``TMPDIR`` to choose it).
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

from bench import validate_odd  # noqa: E402
from bench.baselines import duckdb_sql, pandas_check, plain_python  # noqa: E402
from bench.synthetic import CLEAN, SPEC_2021, Truth, cached_csv, generate, inject_errors  # noqa: E402
from gaidsl import load_spec  # noqa: E402
from gaidsl.checking import wide_csv  # noqa: E402
from gaidsl.checking.evaluate import evaluate  # noqa: E402
from gaidsl.checking.report import Report  # noqa: E402
from gaidsl.engines import database as engines  # noqa: E402
from gaidsl.engines import wide_csv as wide_csv_engine  # noqa: E402
from gaidsl.engines import wide_csv_sql  # noqa: E402
from gaidsl.engines.wide_csv_read import Refused  # noqa: E402
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


def _server_cpu(db: engines.Database) -> Callable[[], float] | None:
    """PostgreSQL on this machine: a reader of the CPU seconds (user + system) of the server process serving ``db``
    (from /proc), which this process's own CPU time does not count; None when it cannot be read (another host)."""
    [[pid]] = db.query("SELECT pg_backend_pid()")
    stat = Path(f"/proc/{pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    try:
        read()
    except OSError:
        return None
    return read


def _postgres(spec: ir.Spec, path: Path, url: str) -> tuple[list[Failure], float | None]:
    """:func:`_sql` on PostgreSQL, and the server's CPU seconds for it (None when it cannot be read)."""
    with engines.connect(spec, "postgres", url) as db:
        server = _server_cpu(db)
        before = server() if server else 0.0
        found = wide_csv_engine.wide_csv_failures(db, path)
        return found, (server() - before if server else None)


class Table:
    def __init__(self, n: int, reference: set[Failure]) -> None:
        self.n = n
        self.reference = reference
        self.rows: list[tuple[str, int, float, float, int, str, list[float]]] = []
        self.keyed: dict[str, tuple[int, float, float]] = {}
        """By a short key (``engine``, ``floor``, ``duckdb``, ``pandas``, ``module``, ``plain``, ``clean``, ``odd``):
        the row's reports, best wall and best CPU seconds, for the ratios."""
        self.memory: list[tuple[str, int, float, float, int]] = []
        self.load = os.getloadavg()[0]

    def add(
        self,
        name: str,
        count: int,
        seconds: float,
        failures: list[Failure] | None,
        ids: set[str] | None = None,
        key: str | None = None,
        runs: list[tuple[float, float]] | None = None,
        agrees: str | None = None,
    ) -> None:
        """A row; ``failures`` None: a row that checks nothing (the floor). ``runs``: (wall, CPU) of every run, the
        best of which the row shows (default: the last timed() call). ``agrees``: said instead of comparing."""
        covered = self.reference if ids is None else {f for f in self.reference if f[0] in ids}
        if agrees is None:
            if failures is None:
                agrees, failures = "–", []
            else:
                agrees = "yes" if set(failures) == covered else f"NO ({len(set(failures) ^ covered)} differ)"
        runs = runs or [(seconds, CPU[0])]
        wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
        self.rows.append((name, count, wall, cpu, len(failures or []), agrees, [c for _, c in runs]))
        if key is not None:
            self.keyed[key] = (count, wall, cpu)
        print(f"  {name}: {count / wall:,.0f} reports/s, CPU {cpu:.2f} s", file=sys.stderr, flush=True)

    def print(self) -> None:
        print(f"\nN = {self.n:,} synthetic 2021 reports ({len(self.reference):,} failing check positions)")
        print(
            f"| {'path':<50} | {'reports':>9} | {'seconds':>8} | {'reports/s':>10} | {'CPU s':>7} | failures | agrees |"
            " CPU s of each run |"
        )
        print(f"|{'-' * 52}|{'-' * 10}:|{'-' * 9}:|{'-' * 11}:|{'-' * 8}:|---------:|--------|-------------------|")
        for name, count, seconds, cpu, failures, agrees, runs in self.rows:
            rate = count / seconds if seconds else float("inf")
            cells = f"{count:>9,} | {seconds:>8.2f} | {rate:>10,.0f} | {cpu:>7.2f} | {failures:>8,}"
            each = " / ".join(f"{c:.2f}" for c in runs) if len(runs) > 1 else ""
            print(f"| {name:<50} | {cells} | {agrees} | {each} |")
        if self.memory:
            print(f"\n| gaidsl validate --format json | {'reports':>9} | {'seconds':>8} | {'peak MB':>8} | exit |")
            print(f"|-------------------------------|{'-' * 10}:|{'-' * 9}:|{'-' * 9}:|-----:|")
            for engine, count, seconds, peak, code in self.memory:
                print(f"| {engine:<29} | {count:>9,} | {seconds:>8.1f} | {peak:>8.0f} | {code:>4} |")
        self.summary()

    def summary(self) -> None:
        """Issue 19's acceptance 2, from this table's rows: each ratio by CPU and by wall clock."""
        k = self.keyed
        print(f"\nAcceptance 2 at N = {self.n:,} (load average {self.load:.1f} before, {os.getloadavg()[0]:.1f} after)")

        def ratio(label: str, slow: str, fast: str, aim: str, per_report: bool = False) -> None:
            if slow not in k or fast not in k:
                return
            (n_slow, w_slow, c_slow), (n_fast, w_fast, c_fast) = k[slow], k[fast]
            if per_report:  # rows over different numbers of reports: compare the time per report
                w_slow, c_slow, w_fast, c_fast = w_slow / n_slow, c_slow / n_slow, w_fast / n_fast, c_fast / n_fast
            print(f"- {label}: {c_slow / c_fast:.2f}× by CPU, {w_slow / w_fast:.2f}× by wall (aim {aim})")

        ratio("DuckDB engine / bare typed read (floor)", "engine", "floor", "≤ 2.0")
        ratio("hand-written DuckDB SQL / DuckDB engine", "duckdb", "engine", "≥ 2")
        ratio("pandas / DuckDB engine", "pandas", "engine", "≥ 3")
        ratio("plain Python loop / generated module (validate_csv)", "plain", "module", "≥ 2.5", per_report=True)
        ratio("odd values / clean (DuckDB engine, refused as results)", "odd", "clean", "≤ 1.2")
        if self.memory:
            peak = max(self.memory, key=operator.itemgetter(3))
            print(f"- peak RSS, largest of the gaidsl engines: {peak[3]:.0f} MB ({peak[0]}; aim < 500 MB)")


CPU: list[float] = [0.0]  # CPU seconds of the last timed() call: this process (all threads) and child processes


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start, cpu = time.perf_counter(), _cpu()
    result = run()
    CPU[0] = _cpu() - cpu
    return time.perf_counter() - start, result


def repeated(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[list[tuple[float, float]], Any]]:
    """Each of ``runs`` ``repeat`` times, interleaved (one round runs each once, so a change of load touches them
    alike): by name, the (wall, CPU) of every run and the last result."""
    out: dict[str, tuple[list[tuple[float, float]], Any]] = {name: ([], None) for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            seconds, result = timed(run)
            out[name] = ([*out[name][0], (seconds, CPU[0])], result)
    return out


PATHS = ("sql", "module", "node", "reference", "plain", "pandas", "duckdb", "odd", "memory")
"""The groups of rows ``--paths`` can choose (default all): gaidsl's SQL engines, the generated Python module, the
generated JavaScript module, the reference evaluator, the three baselines, the DuckDB engine on a clean file and on
one with odd values, and the peak memory of ``gaidsl validate`` per engine."""
ODD_SHARE = 0.006
"""The share of reports given a bad value in the ``odd`` rows (issue 19: 0.6 %)."""


def bench(
    n: int,
    subset: int,
    loop_limit: int,
    postgres: str | None,
    folder: Path,
    paths: set[str],
    repeat: int = 1,
    memory_engines: tuple[str, ...] = ("python", "duckdb", "sqlite"),
) -> Table:
    spec = load_spec(SPEC_2021)
    print(f"N = {n:,}: making the CSV …", file=sys.stderr, flush=True)
    path = cached_csv(n, spec=spec)
    seconds, found = timed(lambda: _sql(spec, path, "duckdb", None))  # the reference set of failures, always
    table = Table(n, set(found))
    key_runs: dict[str, Callable[[], Any]] = {}
    if "sql" in paths:
        key_runs["engine"] = lambda: _sql(spec, path, "duckdb", None)
        key_runs["floor"] = lambda: _bare_read(spec, path)
    if "duckdb" in paths:
        key_runs["duckdb"] = lambda: duckdb_sql.validate_csv(path)
    if "pandas" in paths:
        key_runs["pandas"] = lambda: pandas_check.validate_csv(path)
    odd_truth: Truth = {}
    if "odd" in paths:
        clean, odd, made = validate_odd.files(spec, n, ODD_SHARE)
        odd_truth = made if made is not None else _odd_truth(spec, n)
        key_runs["clean"] = lambda: _refusing(spec, clean)
        key_runs["odd"] = lambda: _refusing(spec, odd)
    timings = repeated(key_runs, repeat)
    if "sql" in paths:
        runs, found = timings["engine"]
        table.add("gaidsl SQL on DuckDB (one pass over the CSV)", n, 0, found, key="engine", runs=runs)
        table.add("floor: bare typed DuckDB read, no checks", n, 0, None, key="floor", runs=timings["floor"][0])
        with engines.connect(spec, "duckdb") as db:
            wide_csv_engine.load_wide_csv(db, path)
            seconds, found = timed(db.failures)
        table.add("gaidsl SQL on DuckDB (query, reports in table)", n, seconds, found)
    if "sql" in paths and postgres and n <= 100_000:
        seconds, (found, server) = timed(lambda: _postgres(spec, path, postgres))
        said = "" if server is None else f"; server CPU {server:.1f} s"
        table.add(f"gaidsl SQL on PostgreSQL (COPY + query{said})", n, seconds, found)
    if "odd" in paths:
        runs, (count, results) = timings["clean"]
        said = "yes" if not results else f"NO ({len(results)} reports with results)"
        table.add("gaidsl DuckDB as validate runs it, clean file", count, 0, [], key="clean", runs=runs, agrees=said)
        runs, (count, results) = timings["odd"]
        said = "yes" if results == odd_truth else f"NO ({len(set(results) ^ set(odd_truth))} reports differ)"
        name = f"… the same with {ODD_SHARE:.1%} odd reports"
        table.add(name, count, 0, [f for fs in results.values() for f in fs], key="odd", runs=runs, agrees=said)
    limit = min(n, loop_limit)
    head = path if limit == n else _head(path, limit, folder)
    first = {report_id for report_id, _ in _data_rows(spec, head, limit)}
    if "module" in paths and "python" in available():
        module = _module(spec, folder)

        def from_csv(csv_path: Path) -> list[Failure]:
            found = module.validate_csv(csv_path, only={"fail"})
            return [f for report_id, results in found for f in _records(report_id, results)]

        seconds, found = timed(lambda: from_csv(head))
        table.add("generated Python module, validate_csv per report", limit, seconds, found, first, key="module")
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
        table.add("baseline: plain Python loop over the CSV", limit, seconds, found, first, key="plain")
    if "pandas" in paths:
        runs, found = timings["pandas"]
        table.add("baseline: pandas / numpy, vectorised", n, 0, found, key="pandas", runs=runs)
    if "duckdb" in paths:
        runs, found = timings["duckdb"]
        table.add("baseline: hand-written DuckDB SQL", n, 0, found, key="duckdb", runs=runs)
    if "memory" in paths:
        table.memory += _peak_memory(
            n, memory_engines, postgres if n <= 100_000 or "postgres" in memory_engines else None
        )
    return table


def _peak_memory(n: int, engines: tuple[str, ...], postgres: str | None) -> list[tuple[str, int, float, float, int]]:
    """(engine, reports, seconds, peak MB, exit) of ``gaidsl validate --format json`` per engine, measured by
    bench/validate_memory.py in a process of its own: a child of this process would start from this process's
    peak (Linux keeps a process's peak across exec), not its own."""
    engines = tuple(e for e in engines if e != "postgres")
    command = [sys.executable, str(ROOT / "bench" / "validate_memory.py"), str(n), "--engine", *engines]
    command += ["--postgres", postgres] if postgres else []
    print(f"  peak memory of gaidsl validate, engines {', '.join(engines)} …", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    out: list[tuple[str, int, float, float, int]] = []
    for line in done.stdout.splitlines()[1:]:
        engine, _, reports, seconds, peak, code = line.split()
        out.append((engine, int(reports), float(seconds), float(peak), int(code)))
    return out


def _refusing(spec: ir.Spec, path: Path) -> tuple[int, dict[str, set[tuple[str, str | None, str | None]]]]:
    """The DuckDB engine as ``gaidsl validate`` runs it (a refused value a failing cell result, its report checked
    with it unknown): the reports read, and by report id its results in the shape of the injected truth."""
    with engines.connect(spec, "duckdb") as db:
        refused: Refused = {}
        count, failures = wide_csv_engine.wide_csv_check(db, path, {}, refused)
    out: dict[str, set[tuple[str, str | None, str | None]]] = {}
    for report_id, check, position in failures:
        out.setdefault(report_id, set()).add((check, position, None))
    for report_id, cells in refused.items():
        out.setdefault(report_id, set()).update(("cell", c.key, c.code) for c in cells)
    return count, out


def _odd_truth(spec: ir.Spec, n: int) -> Truth:
    """The injected truth of bench/validate_odd.py's odd file made earlier: the same draw, not written."""
    return inject_errors(spec, generate(spec, n, 0, CLEAN), ODD_SHARE, 1, validate_odd.BAD_VALUES)


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
    parser.add_argument("--repeat", type=int, default=1, help="runs of the key rows (best shown, each run's CPU)")
    parser.add_argument(
        "--memory-engines", default="python,duckdb,sqlite", help="engines of the memory rows, comma-separated"
    )
    parser.add_argument(
        "--memory-engines-large",
        help="engines of the memory rows above 100,000 reports (default: --memory-engines; postgres only if named)",
    )
    args = parser.parse_args()
    paths = set(args.paths.split(","))
    if not paths <= set(PATHS):
        parser.error(f"--paths: unknown {', '.join(sorted(paths - set(PATHS)))}; choose from {', '.join(PATHS)}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(
        "seconds: wall clock; CPU s: this process's threads and its child processes (not a database server: the "
        "PostgreSQL row names its server's)"
    )
    memory_engines = tuple(e for e in args.memory_engines.split(",") if e)
    large = args.memory_engines_large
    memory_large = memory_engines if large is None else tuple(e for e in large.split(",") if e)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            engines_now = memory_engines if n <= 100_000 else memory_large
            table = bench(n, args.subset, args.loop_limit, args.postgres, Path(folder), paths, args.repeat, engines_now)
            table.print()


if __name__ == "__main__":
    main()
