"""Baseline: a plain Python loop over the CSV (csv module, int(), one report at a time)."""

from __future__ import annotations

import csv
from pathlib import Path

from . import APPEAL_TOTALS, APPLICANTS, COLUMNS, FEE_WORDS, OUTCOME, ROWS, WHITESPACE

Failure = tuple[str, str, str | None]


def _int(text: str) -> int | None:
    return int(text) if text else None


def validate_csv(path: str | Path, limit: int | None = None) -> list[Failure]:
    failures: list[Failure] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        index = {name: i for i, name in enumerate(header)}
        req = {(r, c): index[f"requests.{r}.{c}"] for r in ROWS for c in COLUMNS}
        appeals = {k: index[f"appeals.{k}"] for k in [*APPEAL_TOTALS, *(p for v in APPEAL_TOTALS.values() for p in v)]}
        year_at, problems_at, other_at = index["fields.year"], index["texts.problems"], index["texts.other_matters"]
        for count, line in enumerate(reader):
            if limit is not None and count >= limit:
                break
            rid = line[0]
            r = {key: _int(line[i]) for key, i in req.items()}
            for c in COLUMNS:
                parts = [r[(o, c)] for o in OUTCOME]
                total = r[("outcome_total", c)]
                if total is not None and None not in parts and total != sum(parts):  # type: ignore[arg-type]
                    failures.append((rid, "total.requests.outcome_total", c))
            for row in ROWS:
                parts = [r[(row, c)] for c in APPLICANTS]
                total = r[(row, "total")]
                if total is not None and None not in parts and total != sum(parts):  # type: ignore[arg-type]
                    failures.append((rid, "total.requests.total", row))
            for total_key, keys in APPEAL_TOTALS.items():
                total = _int(line[appeals[total_key]])
                parts = [_int(line[appeals[k]]) for k in keys]
                if total is not None and None not in parts and total != sum(parts):  # type: ignore[arg-type]
                    failures.append((rid, f"total.appeals.{total_key}", None))
            year = _int(line[year_at])
            if year is not None and year < 2021:
                failures.append((rid, "format_in_force", None))
            for c in COLUMNS:
                a, b = r[("received", c)], r[("carried_in", c)]
                d, e = r[("outcome_total", c)], r[("carried_out", c)]
                if None not in (a, b, d, e) and a + b != d + e:  # type: ignore[operator]
                    failures.append((rid, "balance", c))
            if not line[problems_at].strip(WHITESPACE):
                failures.append((rid, "problems_reported", None))
            if not any(word in line[other_at] for word in FEE_WORDS):
                failures.append((rid, "processing_fee_reported", None))
    return failures
