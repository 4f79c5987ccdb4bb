"""Lists of records on the SQL engines (targets/sql/records.py) against the reference evaluator: a batch of reports
of tests/data/records_sql/grants.gai, each with N records, validated by each engine.

Usage: .venv/bin/python bench/records_sql.py [--reports 200] [--records 1,10,50] [--engines reference,duckdb,sqlite]

Prints, per record count and engine, the CPU time (user + system of this process, DuckDB's threads included; best
of ``--repeat``) of validating the whole batch, per report, and whether the records equal the reference's.
"""

from __future__ import annotations

import argparse
import functools
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import gaidsl
from gaidsl.checking.report import Report
from gaidsl.engines.database import evaluate_all

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "tests" / "data" / "records_sql" / "grants.gai"
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
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    spec = gaidsl.load_spec(SPEC)
    print(f"{'records':>8}  {'engine':>10}  {'batch s':>8}  {'ms/report':>9}  same as reference")
    for count in (int(c) for c in args.records.split(",")):
        batch = [(f"r{n}", report(n, count)) for n in range(args.reports)]
        expected = None
        for engine in args.engines.split(","):
            run = functools.partial(evaluate_all, spec, batch, engine)
            seconds, found = cpu(run, args.repeat)
            shown = [e.to_json_dict() for e in found]  # type: ignore[attr-defined]
            expected = shown if engine == "reference" else expected
            same = "—" if expected is None or engine == "reference" else str(shown == expected)
            print(f"{count:>8}  {engine:>10}  {seconds:>8.2f}  {seconds / args.reports * 1000:>9.2f}  {same}")


if __name__ == "__main__":
    main()
