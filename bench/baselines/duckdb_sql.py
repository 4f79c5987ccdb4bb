"""Baseline: hand-written DuckDB SQL over read_csv (the checks typed out as a UNION ALL of failure queries)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import APPEAL_TOTALS, APPLICANTS, COLUMNS, OUTCOME, ROWS

Failure = tuple[str, str, str | None]


def _q(name: str) -> str:
    return f'"{name}"'


def query() -> str:
    parts = []
    for c in COLUMNS:
        terms = " + ".join(_q(f"requests.{o}.{c}") for o in OUTCOME)
        parts.append(f"SELECT report_id, 'total.requests.outcome_total', '{c}' FROM r "
                     f"WHERE {_q(f'requests.outcome_total.{c}')} <> {terms}")  # fmt: skip
    for row in ROWS:
        terms = " + ".join(_q(f"requests.{row}.{c}") for c in APPLICANTS)
        parts.append(
            f"SELECT report_id, 'total.requests.total', '{row}' FROM r WHERE {_q(f'requests.{row}.total')} <> {terms}"
        )
    for key, keys in APPEAL_TOTALS.items():
        terms = " + ".join(_q(f"appeals.{k}") for k in keys)
        parts.append(f"SELECT report_id, 'total.appeals.{key}', NULL FROM r WHERE {_q(f'appeals.{key}')} <> {terms}")
    parts.append("SELECT report_id, 'format_in_force', NULL FROM r WHERE \"fields.year\" < 2021")
    for c in COLUMNS:
        received, carried_in = _q(f"requests.received.{c}"), _q(f"requests.carried_in.{c}")
        handled, carried_out = _q(f"requests.outcome_total.{c}"), _q(f"requests.carried_out.{c}")
        parts.append(f"SELECT report_id, 'balance', '{c}' FROM r "
                     f"WHERE {received} + {carried_in} <> {handled} + {carried_out}")  # fmt: skip
    ws = "chr(32) || chr(9) || chr(10) || chr(13) || chr(12288)"
    parts.append(
        f"SELECT report_id, 'problems_reported', NULL FROM r WHERE trim(coalesce(\"texts.problems\", ''), {ws}) = ''"
    )
    other = "coalesce(\"texts.other_matters\", '')"
    mentions = f"{other} LIKE '%信息处理费%' OR {other} LIKE '%处理费%'"
    parts.append(f"SELECT report_id, 'processing_fee_reported', NULL FROM r WHERE NOT ({mentions})")
    return " UNION ALL ".join(parts)


def validate_csv(path: str | Path) -> list[Failure]:
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE r AS SELECT * FROM read_csv('{path}', header = true)")
        return [tuple(row) for row in con.execute(query()).fetchall()]
    finally:
        con.close()
