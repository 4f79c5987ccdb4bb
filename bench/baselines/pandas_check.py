"""Baseline: vectorised pandas / numpy (read_csv with the pyarrow engine, nullable sums, boolean masks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import APPEAL_TOTALS, APPLICANTS, COLUMNS, FEE_WORDS, OUTCOME, ROWS, WHITESPACE

Failure = tuple[str, str, str | None]


def validate_csv(path: str | Path) -> list[Failure]:
    df = pd.read_csv(path, engine="pyarrow", dtype_backend="numpy_nullable")
    ids = df["report_id"].to_numpy()
    failures: list[Failure] = []

    def fail(mask: pd.Series, check: str, position: str | None) -> None:
        hits = ids[mask.fillna(False).to_numpy(dtype=bool)]
        failures.extend((rid, check, position) for rid in hits)

    def total(keys: list[str]) -> pd.Series:
        return df[keys].sum(axis=1, skipna=False)  # a blank term makes the sum blank

    for c in COLUMNS:
        fail(df[f"requests.outcome_total.{c}"] != total([f"requests.{o}.{c}" for o in OUTCOME]),
             "total.requests.outcome_total", c)  # fmt: skip
    for row in ROWS:
        fail(
            df[f"requests.{row}.total"] != total([f"requests.{row}.{c}" for c in APPLICANTS]),
            "total.requests.total",
            row,
        )
    for key, parts in APPEAL_TOTALS.items():
        fail(df[f"appeals.{key}"] != total([f"appeals.{p}" for p in parts]), f"total.appeals.{key}", None)
    fail(df["fields.year"] < 2021, "format_in_force", None)
    for c in COLUMNS:
        left = df[f"requests.received.{c}"] + df[f"requests.carried_in.{c}"]
        right = df[f"requests.outcome_total.{c}"] + df[f"requests.carried_out.{c}"]
        fail(left != right, "balance", c)
    problems = df["texts.problems"].fillna("").astype(str).str.strip(WHITESPACE)
    fail(problems == "", "problems_reported", None)
    other = df["texts.other_matters"].fillna("").astype(str)
    mentions = np.logical_or.reduce([other.str.contains(w, regex=False) for w in FEE_WORDS])
    fail(pd.Series(~mentions), "processing_fee_reported", None)
    return failures
