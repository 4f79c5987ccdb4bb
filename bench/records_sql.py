"""Lists of records on the SQL engines (targets/sql/records.py) against the reference evaluator: a batch of reports
of tests/data/records_sql/grants.gai (``--spec grants``: records and a fixed dimension) or of
tests/data/records_sql/open_records.gai (``--spec open_records``: records naming the members of an open dimension,
each report with N records and N/5 + 1 entered units), each with N records, validated by each engine.

Usage: .venv/bin/python bench/records_sql.py [--spec grants|open_records] [--reports 200] [--records 1,10,50]
       [--engines reference,duckdb,sqlite,postgres] [--url postgresql://…]

With ``--sql-only``, instead, the SQL alone: per SQL engine, the CPU time (and the wall time: PostgreSQL's server
works in another process) of loading the batch into the tables and reading every status of the validation query
(no records built in Python), and the number of failing positions (0: the batch passes).

Prints, per record count and engine, the CPU time (user + system of this process, DuckDB's threads included; best
of ``--repeat``) of validating the whole batch, per report, and whether the records equal the reference's.
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import gaidsl
from gaidsl.checking.report import EnteredMember, Report
from gaidsl.engines.database import ENGINES, Database, connect, evaluate_all
from gaidsl.language import ir

ROOT = Path(__file__).resolve().parents[1]
SPECS = {"grants": ROOT / "tests" / "data" / "records_sql" / "grants.gai",
         "open_records": ROOT / "tests" / "data" / "records_sql" / "open_records.gai"}  # fmt: skip
KINDS = ("research", "training")
STATUSES = ("awarded", "paid", "withdrawn")


def report(number: int, count: int) -> Report:
    values: dict[str, object] = {}
    amounts = {k: Decimal(0) for k in KINDS}
    numbers = {k: 0 for k in KINDS}
    for i in range(1, count + 1):
        kind = KINDS[(i + number) % 2]
        amount = Decimal(100 + (i * 37 + number) % 900) / 100
        status = STATUSES[(i + number) % 3]
        values |= {f"grants.{i}.title": f"grant {i}", f"grants.{i}.kind": kind, f"grants.{i}.amount": amount,
                   f"grants.{i}.people": Decimal(1 + i % 4), f"grants.{i}.status": status}  # fmt: skip
        amounts[kind] += amount
        numbers[kind] += status != "withdrawn"
    for kind in KINDS:
        values[f"by_kind.{kind}.amount"] = amounts[kind]
        values[f"by_kind.{kind}.number"] = Decimal(numbers[kind])
    values["by_kind.all.amount"] = sum(amounts.values(), Decimal(0))
    values["by_kind.all.number"] = Decimal(sum(numbers.values()))
    return Report("grant_list", "2025", values=values, records={"grants": count})  # type: ignore[arg-type]


def open_report(number: int, count: int) -> Report:
    """A report of open_records.gai: ``count // 5 + 1`` entered units and ``count`` payments over them and
    headquarters, the table's columns their sums and maxima (every check passes but those reading last year)."""
    units = [f"U{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(count // 5 + 1)]
    rows = ["hq", *units]
    paid = {k: Decimal(0) for k in rows}
    numbers = {k: 0 for k in rows}
    ceiling = {k: Decimal(0) for k in rows}
    values: dict[str, object] = {}
    for i in range(1, count + 1):
        unit = rows[(i + number) % len(rows)]
        amount = Decimal(100 + (i * 37 + number) % 900) / 100
        kind = ("grant", "salary", "refund")[(i + number) % 3]
        values |= {f"payments.{i}.unit": unit, f"payments.{i}.amount": amount, f"payments.{i}.kind": kind}
        paid[unit] += amount
        numbers[unit] += 1
        ceiling[unit] = max(ceiling[unit], amount)
    for key in rows:
        values |= {f"by_unit.{key}.paid": paid[key], f"by_unit.{key}.number": Decimal(numbers[key]),
                   f"by_unit.{key}.ceiling": ceiling[key]}  # fmt: skip
    values |= {"by_unit.all.paid": sum(paid.values(), Decimal(0)), "by_unit.all.number": Decimal(count),
               "by_unit.all.ceiling": sum(ceiling.values(), Decimal(0))}  # fmt: skip
    members = {"unit": tuple(EnteredMember(u, f"Unit {u}") for u in units)}
    return Report("unit_payments", "2025", values=values, records={"payments": count}, members=members)  # type: ignore[arg-type]


def cpu(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        before = os.times()
        result = action()
        after = os.times()
        best = min(best, (after.user - before.user) + (after.system - before.system))
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--records", default="1,10,50")
    parser.add_argument("--engines", default="reference,duckdb,sqlite")
    parser.add_argument("--spec", choices=sorted(SPECS), default="grants")
    parser.add_argument("--url", default=None, help="the PostgreSQL server for the postgres engine")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--sql-only", action="store_true", help="time the SQL alone (load and statuses)")
    args = parser.parse_args()
    spec = gaidsl.load_spec(SPECS[args.spec])
    make = open_report if args.spec == "open_records" else report
    if args.sql_only:
        sql_only(spec, make, args)
        return
    print(f"{'records':>8}  {'engine':>10}  {'batch s':>8}  {'ms/report':>9}  same as reference")
    for count in (int(c) for c in args.records.split(",")):
        batch = [(f"r{n}", make(n, count)) for n in range(args.reports)]
        expected = None
        for engine in args.engines.split(","):
            run = functools.partial(evaluate_all, spec, batch, engine, args.url if engine == "postgres" else None)
            seconds, found = cpu(run, args.repeat)
            shown = [e.to_json_dict() for e in found]  # type: ignore[attr-defined]
            expected = shown if engine == "reference" else expected
            same = "—" if expected is None or engine == "reference" else str(shown == expected)
            print(f"{count:>8}  {engine:>10}  {seconds:>8.2f}  {seconds / args.reports * 1000:>9.2f}  {same}")


def sql_only(spec: ir.Spec, make: Callable[[int, int], Report], args: argparse.Namespace) -> None:
    print(f"{'records':>8}  {'engine':>10}  {'cpu s':>8}  {'wall s':>8}  {'ms/report':>9}  failing positions")
    for count in (int(c) for c in args.records.split(",")):
        batch = [(f"r{n}", make(n, count), None) for n in range(args.reports)]
        for engine in (e for e in args.engines.split(",") if e in ENGINES):
            with connect(spec, engine, args.url if engine == "postgres" else None) as db:

                def run(db: Database = db, batch: list[tuple[str, Report, None]] = batch) -> int:
                    db.clear()
                    db.load(batch)
                    return sum(1 for row in db.rows() if row.status == "fail")

                run()  # warm: DuckDB binds the query once
                started = time.perf_counter()
                seconds, failing = cpu(run, args.repeat)
                wall = (time.perf_counter() - started) / args.repeat
            per = seconds / args.reports * 1000
            print(f"{count:>8}  {engine:>10}  {seconds:>8.2f}  {wall:>8.2f}  {per:>9.2f}  {failing}")


if __name__ == "__main__":
    main()
