"""Synthetic reports of the 2021 format, fast: N reports as a wide CSV (:func:`gaidsl.checking.wide_csv.wide_header`),
drawn
with numpy in whole columns and written by DuckDB (a million reports in a few seconds).

Each report is valid by construction (every total adds up, every column of part 三 balances, the year is 2021 or
later, parts 五 and 六 are filled in), then known slips are injected at fixed rates: a count off by one (breaks a
total or a balance), a blank cell (its checks become unverifiable), an empty part 五, a part 六 that does not mention
the processing fee, a year before 2021. No last year's reports: checks across periods are unverifiable.

Usage: ``python bench/synthetic.py N [OUT.csv]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gaidsl import load_spec
from gaidsl.checking.wide_csv import wide_header
from gaidsl.language import ir

ROOT = Path(__file__).resolve().parents[1]
SPEC_2021 = ROOT / "specs" / "gov_info_disclosure_2021.gai"
CACHE = Path(tempfile.gettempdir()) / "gaidsl-bench"

RATES = {"slip": 0.02, "blank": 0.005, "empty_problems": 0.005, "no_fee": 0.005, "old_year": 0.003}
BODIES = np.array(["某县人民政府", "某市发展和改革委员会", "某区教育局", "某镇人民政府", "某省生态环境厅"])
FEES = np.array(["本年度未收取信息处理费。", "本年度收取信息处理费0元。", "未收取处理费。"])
NO_FEE = "本年度无其他需要报告的事项。"
# A blank entry for np.where: the 0-d object array numpy makes of None (its type stubs take no bare None).
BLANK = np.array(None, dtype=object)


def _leaf_columns(table: ir.Table) -> tuple[list[str], str]:
    members = table.columns.data_members
    return [m.key for m in members if m.kind == "leaf"], next(m.key for m in members if m.kind == "total")


def generate(spec: ir.Spec, n: int, seed: int = 0, rates: dict[str, float] | None = None) -> dict[str, object]:
    """Columns (wide-CSV name → numpy array; None entries blank) of ``n`` reports."""
    rates = {**RATES, **(rates or {})}
    rng = np.random.default_rng(seed)
    out: dict[str, object] = {}
    activity = np.exp(rng.normal(0.5, 1.2, n))  # most offices get a handful of requests, a few get hundreds

    def counts(scale: float) -> np.ndarray:
        zero = rng.random(n) < 0.35
        return np.where(zero, 0, rng.poisson(activity * scale)).astype(np.int64)

    requests = spec.tables["requests"]
    assert requests.rows is not None
    applicants, total_column = _leaf_columns(requests)
    outcome = requests.rows.leaves_under("outcome")
    outcome_total = next(m.key for m in requests.rows.members if m.kind == "total")
    cells: dict[str, np.ndarray] = {}
    for column, weight in zip(applicants, (1.0, 0.3, 0.05, 0.05, 0.05, 0.1), strict=True):
        for row in outcome:
            cells[f"requests.{row}.{column}"] = counts(weight * 0.3)
        total = np.sum([cells[f"requests.{row}.{column}"] for row in outcome], axis=0)
        cells[f"requests.{outcome_total}.{column}"] = total
        carried_in, carried_out = counts(weight * 0.2), counts(weight * 0.2)
        received = total + carried_out - carried_in
        carried_in = np.where(received < 0, total + carried_out, carried_in)
        cells[f"requests.received.{column}"] = np.maximum(received, 0)
        cells[f"requests.carried_in.{column}"] = carried_in
        cells[f"requests.carried_out.{column}"] = carried_out
    for member in requests.rows.data_members:
        parts = [cells[f"requests.{member.key}.{c}"] for c in applicants]
        cells[f"requests.{member.key}.{total_column}"] = np.sum(parts, axis=0)
    appeals = spec.tables["appeals"]
    for member in appeals.columns.data_members:
        if member.kind == "leaf":
            cells[f"appeals.{member.key}"] = counts(0.05)
    for member in appeals.columns.data_members:
        if member.kind == "total":
            cells[f"appeals.{member.key}"] = np.sum([cells[f"appeals.{k}"] for k in member.sums], axis=0)
    for key, cell in spec.cells.items():
        if cell.type.kind == "count" and key not in cells:
            cells[key] = counts(0.5)
    slipped = [k for k in cells if k.startswith(("requests.", "appeals."))]
    chosen = rng.random(n) < rates["slip"]
    which = rng.integers(0, len(slipped), n)
    for index, key in enumerate(slipped):
        cells[key] = cells[key] + (chosen & (which == index))
    order = [k for k in wide_header(spec) if k in spec.cells]
    blanks = rng.random(n) < rates["blank"]
    blank_cell = rng.integers(0, len(order), n)
    for index, key in enumerate(order):
        cell = spec.cells[key]
        if cell.type.kind == "amount":
            places = rng.integers(0, (cell.type.decimals or 2) + 1, n)
            units = np.where(rng.random(n) < 0.8, 0, rng.integers(1, 10**6, n))
            values = np.array([f"{u / 10**p:.{p}f}" for u, p in zip(units.tolist(), places.tolist(), strict=True)])
            out[key] = np.where(blanks & (blank_cell == index), BLANK, values)
        else:
            out[key] = np.ma.masked_array(cells[key], mask=blanks & (blank_cell == index))
    year = rng.integers(2021, 2025, n)
    out["report_id"] = np.char.add("r", np.char.zfill(np.arange(n).astype(str), 8))
    out["fields.body"] = BODIES[rng.integers(0, len(BODIES), n)]
    out["fields.year"] = np.where(rng.random(n) < rates["old_year"], 2020, year)
    out["fields.published"] = np.char.add((year + 1).astype(str), "-01-31")
    out["texts.overview"] = np.full(n, "（一）主动公开情况。本年度依法主动公开政府信息。")
    out["texts.problems"] = np.where(
        rng.random(n) < rates["empty_problems"], BLANK, "存在的问题：公开的及时性有待提高。"
    )
    out["texts.other_matters"] = np.where(rng.random(n) < rates["no_fee"], NO_FEE, FEES[rng.integers(0, len(FEES), n)])
    return out


def write_csv(spec: ir.Spec, n: int, path: Path, seed: int = 0, rates: dict[str, float] | None = None) -> Path:
    import duckdb
    import pyarrow as pa

    columns = generate(spec, n, seed, rates)
    header = [h for h in wide_header(spec) if h in columns]
    arrays = []
    for name in header:
        values = columns[name]
        if isinstance(values, np.ma.MaskedArray):
            arrays.append(pa.array(values.data, mask=np.ma.getmaskarray(values), type=pa.int64()))
        else:
            arrays.append(pa.array(values))
    table = pa.Table.from_arrays(arrays, names=header)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    con = duckdb.connect()
    con.register("synthetic", table)
    con.execute(f"COPY synthetic TO '{temp}' (HEADER, DELIMITER ',')")
    con.close()
    temp.replace(path)
    return path


def cached_csv(n: int, seed: int = 0, spec: ir.Spec | None = None) -> Path:
    """The wide CSV of ``n`` synthetic 2021 reports, made once per (n, seed) in the temp folder."""
    path = CACHE / f"reports_2021_{n}_{seed}.csv"
    if not path.exists():
        write_csv(spec or load_spec(SPEC_2021), n, path, seed)
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else CACHE / f"reports_2021_{count}_0.csv"
    start = time.perf_counter()
    write_csv(load_spec(SPEC_2021), count, target)
    print(f"{count} reports → {target} ({time.perf_counter() - start:.1f} s)")
