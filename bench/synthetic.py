"""Synthetic reports of the 2021 format, fast: N reports as a wide CSV (:func:`gaidsl.checking.wide_csv.wide_header`),
drawn
with numpy in whole columns and written by DuckDB (a million reports in a few seconds).

Each report is valid by construction (every total adds up, every column of part 三 balances, the year is 2021 or
later, parts 五 and 六 are filled in), then known slips are injected at fixed rates: a count off by one (breaks a
total or a balance), a blank cell (its checks become unverifiable), an empty part 五, a part 六 that does not mention
the processing fee, a year before 2021. No last year's reports: checks across periods are unverifiable.

Bad values (:func:`inject_errors`, :func:`write_csv_with_errors`): a share of the reports gets exactly one error of
a mix (sums off by one, a negative count, a fraction in a count, text in a count, an amount with too many
decimals), and the injected truth comes back: per report, the results every engine must give, ``(report_id,
check, position)`` for a failing check and ``(report_id, code, key)`` for a value that cannot be read.

Usage: ``python bench/synthetic.py N [OUT.csv] [ERROR_RATE]``.
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

Truth = dict[str, set[tuple[str, str | None, str | None]]]
"""By report id: the failing results the injected errors make, ``(check, position, None)`` for a check and
``("cell", key, code)`` for a value that cannot be read."""
ERROR_KINDS = ("slip", "negative", "fraction", "text", "decimals")
CODES = {"negative": "GAI705", "fraction": "GAI706", "text": "GAI704", "decimals": "GAI707"}

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
    _write(spec, generate(spec, n, seed, rates), path)
    return path


def _write(spec: ir.Spec, columns: dict[str, object], path: Path) -> None:
    import duckdb
    import pyarrow as pa

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


def _reads(spec: ir.Spec) -> dict[str, list[tuple[str, str | None]]]:
    """By cell key: the (check, position) of the equalities over this year's values that read it once (a count
    off by one breaks each of them)."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for check in spec.checks:
        for instance in check.instances:
            expr = instance.expr
            refs = [n for n in ir.walk(expr) if isinstance(n, ir.CellRef | ir.FieldRef | ir.TextRef)]
            if not (isinstance(expr, ir.Compare) and expr.op == "==") or any(r.previous for r in refs):
                continue
            keys = [r.cell for r in refs if isinstance(r, ir.CellRef)]
            for key in keys:
                if keys.count(key) == 1:
                    out.setdefault(key, []).append((check.key, instance.position))
    return out


def inject_errors(
    spec: ir.Spec, columns: dict[str, object], rate: float, seed: int = 1, kinds: tuple[str, ...] = ERROR_KINDS
) -> Truth:
    """Give a share ``rate`` of the reports in ``columns`` (from :func:`generate`, made without slips or blanks)
    one error each, the ``kinds`` in equal parts; returns the injected truth (see :data:`Truth`)."""
    rng = np.random.default_rng(seed)
    ids = np.asarray(columns["report_id"])
    n = len(ids)
    reads = _reads(spec)
    counts = [k for k in reads if spec.cells[k].type.kind == "count"]
    amounts = [k for k, c in spec.cells.items() if c.type.kind == "amount" and (c.type.decimals or 0) < 12]
    chosen = np.flatnonzero(rng.random(n) < rate)
    kind_of = rng.integers(0, len(kinds), len(chosen))
    truth: Truth = {}
    edits: dict[str, dict[int, str]] = {}
    for row, k in zip(chosen.tolist(), kind_of.tolist(), strict=True):
        kind = kinds[k]
        if kind == "decimals" and not amounts:
            kind = "text"
        key = amounts[rng.integers(0, len(amounts))] if kind == "decimals" else counts[rng.integers(0, len(counts))]
        values = columns[key]
        old = int(np.asarray(values)[row]) if kind != "decimals" else 0
        said = truth.setdefault(str(ids[row]), set())
        if kind == "slip":
            text = str(old + 1)
            said.update((check, position, None) for check, position in reads[key])
        else:
            decimals = spec.cells[key].type.decimals or 0
            text = {
                "negative": f"-{old + 1}",
                "fraction": f"{old}.5",
                "text": f"{old}件",
                "decimals": "1." + "3" * (decimals + 1),
            }[kind]
            said.add(("cell", key, CODES[kind]))
        edits.setdefault(key, {})[row] = text
    for key, changed in edits.items():
        values = columns[key]
        if isinstance(values, np.ma.MaskedArray):
            texts = values.data.astype(str).astype(object)
            texts[np.ma.getmaskarray(values)] = None
        else:
            texts = np.asarray(values, dtype=object).copy()
        for row, text in changed.items():
            texts[row] = text
        columns[key] = texts
    return truth


CLEAN = {"slip": 0.0, "blank": 0.0, "empty_problems": 0.0, "no_fee": 0.0, "old_year": 0.0}
"""Rates that make every report valid: what :func:`write_csv_with_errors` starts from."""


def write_csv_with_errors(
    spec: ir.Spec, n: int, path: Path, rate: float = 0.02, seed: int = 0, kinds: tuple[str, ...] = ERROR_KINDS
) -> Truth:
    """``n`` valid reports (:data:`CLEAN`) with a share ``rate`` given one injected error each (:func:`inject_errors`),
    written as a wide CSV; returns the injected truth."""
    columns = generate(spec, n, seed, CLEAN)
    truth = inject_errors(spec, columns, rate, seed + 1, kinds)
    _write(spec, columns, path)
    return truth


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
    if len(sys.argv) > 3:
        injected = write_csv_with_errors(load_spec(SPEC_2021), count, target, float(sys.argv[3]))
        print(f"{len(injected)} reports with an injected error")
    else:
        write_csv(load_spec(SPEC_2021), count, target)
    print(f"{count} reports → {target} ({time.perf_counter() - start:.1f} s)")
