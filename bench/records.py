"""Lists of records (docs/records.md): reading and evaluating a report with 1, 10, 100, 1,000 and 10,000 records.

Usage: .venv/bin/python bench/records.py [--counts 1,10,100,1000,10000] [--repeat 3]

The spec is tests/data/records/other_explained.gai (issue 15's example) with 20 entered components; each report's
records are spread over them and the "other" cells hold their sums, so every check passes. Prints, per record count,
the CPU time (user + system, best of ``--repeat``) of reading the JSON text and of the reference evaluation, and the
evaluation's cost per record: it should stay flat as the records grow (linear time).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

import gaidsl
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "tests" / "data" / "records" / "other_explained.gai"
COMPONENTS = [f"C{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(20)]


def report_text(count: int) -> str:
    records = [
        {"component": COMPONENTS[i % len(COMPONENTS)], "description": f"explanation {i}", "count": 1 + i % 7}
        for i in range(count)
    ]
    other = {c: 0 for c in COMPONENTS}
    for record in records:
        other[str(record["component"])] += int(str(record["count"]))
    values: dict[str, int] = {}
    for c in COMPONENTS:
        values[f"requests.{c}.received"] = other[c]
        values[f"requests.{c}.other"] = other[c]
    values["requests.overall.received"] = sum(other.values())
    values["requests.overall.other"] = sum(other.values())
    data = {
        "format": "recs",
        "version": "1",
        "members": {"component": [{"key": c, "label": f"Component {c}"} for c in COMPONENTS]},
        "values": values,
        "records": {"explanations": records},
    }
    return json.dumps(data)


def cpu(action: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        before = os.times()
        action()
        after = os.times()
        best = min(best, (after.user - before.user) + (after.system - before.system))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="1,10,100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec = gaidsl.load_spec(SPEC)
    print(f"{'records':>8}  {'read s':>8}  {'evaluate s':>10}  {'µs/record':>10}  verdict")
    for count in (int(c) for c in args.counts.split(",")):
        text = report_text(count)
        loaded = parse_report(text, spec, "json")
        report = loaded.report
        assert report is not None, [d.message.en for d in loaded.diagnostics][:3]
        read = cpu(functools.partial(parse_report, text, spec, "json"), args.repeat)
        evaluation = evaluate(spec, report)
        run = cpu(functools.partial(evaluate, spec, report), args.repeat)
        print(f"{count:>8}  {read:>8.3f}  {run:>10.3f}  {run / count * 1e6:>10.1f}  {evaluation.verdict}")


if __name__ == "__main__":
    main()
