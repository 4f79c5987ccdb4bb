"""Lists of records beside open dimensions on the SQL engines (docs/records.md, "SQL engines"; targets/sql/records.py
over targets/sql/open_parts.py): member tables and tables of records in one query per check. DuckDB, SQLite and
PostgreSQL (``GAIDSL_TEST_POSTGRES``) give the reference evaluator's records, record for record, on
tests/data/records/other_explained.gai (issue 15's example), tests/data/records_sql/open_records.gai (filters on the
entered member, on a total adding up entered members, ``!=`` the row, min/max at members without records, aggregates
in a check for each record, last year's report) and a coded hierarchy whose total adds up its first level only: on
the samples with 0, 1 and many members and records (with last year's report), every one-violation sample, and
Hypothesis-drawn reports with record fields made blank, unknown or another member. One connection per spec and
engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, EnteredMember, Report
from gaidsl.engines.database import connect
from gaidsl.language import ir
from gaidsl.sampling.samples import Sample, invalid_reports, valid_samples
from gaidsl.testing import samples
from tests.support import ROOT, examples, run_cli, sql_databases

OTHER = ROOT / "tests" / "data" / "records" / "other_explained.gai"
OPEN_RECORDS = ROOT / "tests" / "data" / "records_sql" / "open_records.gai"
CODED = """format coded_items version 1 "Items by subject" {
  unit 元 "元"
  dimension subject "Subject" open {
    key pattern "[0-9]{3}([0-9]{2}){0,1}"
    levels by code length 3 "Class", 5 "Item"
    total all "Total"
  }
  section s "S" {
    table spent "Spent" : amount in 元 decimals 2 {
      columns { amount "Amount" }
      rows subject
      check listed for each row: sum(items.amount where subject == row) <= amount
    }
    records items "Items" {
      field subject "Subject" : member of subject
      field amount "Amount" : amount in 元 decimals 2
      check positive for each record: amount > 0
    }
  }
}
"""


def _coded() -> ir.Spec:
    compiled = gaidsl.compile_text(CODED, "coded_items.gai")
    assert compiled.spec is not None, compiled.diagnostics
    return compiled.spec


SPECS: dict[str, ir.Spec] = {
    "other_explained": gaidsl.load_spec(OTHER),
    "open_records": gaidsl.load_spec(OPEN_RECORDS),
    "coded": _coded(),
}


@pytest.fixture(scope="module")
def databases() -> Iterator[dict[tuple[str, str], Any]]:
    with sql_databases(SPECS) as found:
        yield found


def _same(databases: dict[tuple[str, str], Any], name: str, pairs: list[tuple[Report, Report | None]]) -> None:
    """Every engine's records for the reports (each with its own last year's report) are the reference's."""
    spec = SPECS[name]
    expected = [evaluate(spec, r, p).to_json_dict() for r, p in pairs]
    reports = {f"r{i}": r for i, (r, _) in enumerate(pairs)}
    previous = {f"r{i}": p for i, (_, p) in enumerate(pairs) if p is not None}
    for (spec_name, engine), database in databases.items():
        if spec_name != name:
            continue
        found = [e.to_json_dict() for e in database.validate(reports, previous)]
        for index, (got, wanted) in enumerate(zip(found, expected, strict=True)):
            assert got == wanted, (engine, index, pairs[index][0])


def _shapes(sample: Sample) -> tuple[int, int]:
    report = sample.report
    return sum(len(m) for m in report.members.values()), sum(report.records.values())


@pytest.mark.parametrize("name", sorted(SPECS))
def test_samples_and_every_one_violation_sample_agree(name: str, databases: dict[tuple[str, str], Any]) -> None:
    spec = SPECS[name]
    valid = valid_samples(spec, 3, seed=2)
    broken = [v.sample for v in invalid_reports(spec, seed=1) if v.sample is not None]
    shapes = [_shapes(s) for s in valid]
    assert {m for m, _ in shapes} >= {0, 1} and max(m for m, _ in shapes) > 1, shapes  # members: 0, 1 and many
    assert {r for _, r in shapes} >= {0, 1} and max(r for _, r in shapes) > 1, shapes  # records: 0, 1 and many
    assert len(broken) >= 3
    _same(databases, name, [(s.report, s.previous) for s in valid + broken])
    failing = {
        r["check"] for s in broken for r in evaluate(spec, s.report, s.previous).to_json_dict()["results"]
        if r["status"] == "fail"
    }  # fmt: skip
    record_checks = {c.key for c in spec.record_checks}
    assert failing & record_checks, failing  # the checks over records are seen failing (by SQL too, above)


def test_open_records_break_every_kind_of_check_it_has(databases: dict[tuple[str, str], Any]) -> None:
    """Reports written by hand for open_records.gai: a unit without payments (max has no position there), a
    payment naming headquarters, a blank filtered field (unknown aggregates), an amount above last year's total,
    a total that adds up entered members and headquarters."""
    spec = SPECS["open_records"]
    d = Decimal

    def report(units: list[str], rows: dict[str, tuple[Any, Any, Any]], payments: list[tuple[Any, Any, Any]]) -> Report:
        values: dict[str, Any] = {}
        for key, (paid, number, ceiling) in rows.items():
            values |= {f"by_unit.{key}.paid": paid, f"by_unit.{key}.number": number, f"by_unit.{key}.ceiling": ceiling}
        for i, (unit, amount, kind) in enumerate(payments, 1):
            values |= {f"payments.{i}.unit": unit, f"payments.{i}.amount": amount, f"payments.{i}.kind": kind}
        members = {"unit": tuple(EnteredMember(u, f"Unit {u}") for u in units)}
        return Report("unit_payments", "2025", values=values, records={"payments": len(payments)}, members=members)

    last = report([], {"hq": (d(0), d(0), d(0)), "all": (d("100.00"), d(0), d(0))}, [])
    pairs = [
        (report(["AB", "CD"], {"hq": (d(5), d(1), d(9)), "AB": (d("7.50"), d(2), d(5)), "CD": (d(0), d(0), d(0)),
                               "all": (d("12.50"), d(3), d(9))},
                [("hq", d(5), "salary"), ("AB", d("2.50"), "grant"), ("AB", d(5), "refund")]), last),
        (report(["AB"], {"hq": (d(1), d(0), d(1)), "AB": (d(300), d(1), d(50)), "all": (d(301), d(1), d(50))},
                [("AB", d(300), "grant"), ("hq", d(1), BLANK)]), last),
        (report(["AB"], {"hq": (d(0), d(1), d(0)), "AB": (d(3), d(1), d(3)), "all": (d(3), d(2), d(3))},
                [("AB", d(3), "salary"), (UNKNOWN, d(0), "grant")]), None),
        (report(["XY", "AB", "CD"], {"hq": (d(0), d(0), d(0)), "XY": (d("0.10"), d(1), d(1)), "AB": (BLANK, d(0), d(0)),
                                     "CD": (d(0), d(0), d(0)), "all": (d("0.10"), d(1), d(1))},
                [("XY", d("0.10"), "grant")]), last),
    ]  # fmt: skip
    found = {
        (r["check"], r["status"])
        for report_, previous in pairs
        for r in evaluate(spec, report_, previous).to_json_dict()["results"]
    }
    assert {("within_last_year", "fail"), ("under_ceiling", "fail"), ("paid_matches", "unverifiable")} <= found
    assert {("some_at_headquarters", "pass"), ("smallest_salary", "pass"), ("not_above_total", "pass")} <= found
    assert ("paid_matches", "pass") in found and ("numbers_match", "unverifiable") in found
    _same(databases, "open_records", pairs)


def _changed(spec: ir.Spec, report: Report, data: st.DataObject) -> Report:
    """``report`` with a few record values changed: blank, unknown, another entered or fixed member, another amount
    or choice (what the tables accept)."""
    values = dict(report.values)
    key, records = next(iter(spec.records.items()))
    count = report.records.get(key, 0)
    for _ in range(data.draw(st.integers(0, 3)) if count else 0):
        number = data.draw(st.integers(1, count))
        field = data.draw(st.sampled_from(records.fields))
        options: list[Any]
        if field.dimension is not None:
            fixed = [m.key for t in spec.tables.values() if t.rows is not None and t.rows.key == field.dimension
                     for m in t.rows.members if m.kind == "leaf"]  # fmt: skip
            options = [m.key for m in report.members.get(field.dimension, ())] + fixed
        elif field.type.kind == "choice":
            options = list(field.type.choices)
        elif field.type.kind == "amount":
            options = [Decimal("0"), Decimal("2.5"), Decimal("1000.25")]
        elif field.type.kind == "count":
            options = [Decimal(0), Decimal(3)]
        else:
            options = [values.get(records.cell_key(str(number), field.key), BLANK)]
        values[records.cell_key(str(number), field.key)] = data.draw(st.sampled_from([BLANK, UNKNOWN, *options]))
    return attrs.evolve(report, values=values)


@settings(max_examples=examples(0.1), deadline=None)
@given(data=st.data())
def test_drawn_and_changed_reports_agree(data: st.DataObject, databases: dict[tuple[str, str], Any]) -> None:
    name = data.draw(st.sampled_from(sorted(SPECS)))
    spec = SPECS[name]
    drawn = [data.draw(samples(spec, with_previous=True)) for _ in range(2)]
    _same(databases, name, [(_changed(spec, s.report, data), s.previous) for s in drawn])


def test_the_built_sql_gives_the_reference_statuses(tmp_path: Path) -> None:
    """`gaidsl build -t sql` of open_records.gai: schema.sql (reports, reports_m0, reports_r0) and validation.sql,
    run as written in SQLite and DuckDB over reports loaded into those tables, give the reference's statuses."""
    spec = SPECS["open_records"]
    run = run_cli("build", str(OPEN_RECORDS), "-t", "sql", "-o", str(tmp_path / "out"))
    assert run.code == 0, run.err
    readme = (tmp_path / "out" / "sql" / "README.md").read_text(encoding="utf-8")
    assert "`reports_m0`: open dimension `unit`" in readme and "`reports_r0`: list of records `payments`" in readme
    chosen = [s for s in valid_samples(spec, 3, seed=2) if s.report.records.get("payments", 0) > 1]
    chosen += [v.sample for v in invalid_reports(spec, seed=1) if v.sample is not None and v.sample.previous is None]
    items = [(f"r{i}", s.report) for i, s in enumerate(chosen)]
    expected = [
        [(r["check"], r["position"], r["status"]) for r in evaluate(spec, s.report).to_json_dict()["results"]]
        for s in chosen
    ]
    for engine in ("sqlite", "duckdb"):
        folder = tmp_path / "out" / "sql" / engine
        with connect(spec, engine) as database:  # its own tables (gaidsl_reports…) load the rows, copied over
            database.load((i, r, None) for i, r in items)
            for part in ("schema.sql", "validation.sql"):
                for statement in (s for s in (folder / part).read_text(encoding="utf-8").split(";\n") if s.strip()):
                    database.connection.execute(statement)
            for table in ("reports", "reports_m0", "reports_r0"):
                database.connection.execute(f"INSERT INTO {table} SELECT * FROM gaidsl_{table}")
            got = database.query(
                "SELECT report_id, check_key, position, status FROM validation ORDER BY report_id, ordinal"
            )
        by_report = [[(c, p, s) for i, c, p, s in got if i == f"r{n}"] for n in range(len(chosen))]
        assert by_report == expected, engine


def test_validate_and_build_on_the_issue_example(tmp_path: Path) -> None:
    """issue 15's example, records beside open rows: `validate --engine` gives the reference's output, text and
    JSON, on its shipped data file; `build -t sql` writes the member and record tables."""
    data = ROOT / "tests" / "data" / "records" / "explained_2.json"
    for output in ("json", "text"):
        args = ("--lang", "en", "--format", output)
        expected = run_cli("validate", *args, "--", str(OTHER), str(data))
        assert expected.code in (0, 1) and "Traceback" not in expected.err, expected.err
        for engine in ("duckdb", "sqlite"):
            found = run_cli("validate", *args, "--engine", engine, "--", str(OTHER), str(data))
            assert (found.code, found.out) == (expected.code, expected.out), found.err
    built = run_cli("build", str(OTHER), "-t", "sql", "-o", str(tmp_path / "out"))
    assert built.code == 0, built.err
    schema = (tmp_path / "out" / "sql" / "postgres" / "schema.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE reports_m0" in schema and "CREATE TABLE reports_r0" in schema
