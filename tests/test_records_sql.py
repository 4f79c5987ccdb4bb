"""Lists of records on the SQL engines (docs/records.md; targets/sql/records.py): a child table per list keyed by
(report, record number), checks for each record and filtered aggregates as set-based queries. DuckDB, SQLite and
PostgreSQL (``GAIDSL_TEST_POSTGRES``) give the reference evaluator's records, record for record, on the specs of
tests/data/records/projects.gai and tests/data/records_sql/grants.gai (which filters on members, choices,
numbers and the row): on the valid and one-violation samples, and on drawn samples with records changed — a field
blank or unknown, another member or choice, another amount, a record left out — so that filters meet blank and
unknown values, min and max meet no records, and sums meet blanks. One connection per spec and engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.engines.database import evaluate_all, record_rows, report_row
from gaidsl.language import ir
from gaidsl.sampling.samples import invalid_reports, valid_samples
from gaidsl.targets.sql.dialects import layout
from gaidsl.targets.sql.records import RecordsSql
from gaidsl.testing import samples
from tests.support import ROOT, examples, optional_postgres_url, run_cli, sql_databases

RECORDS = ROOT / "tests" / "data" / "records"
GRANTS = ROOT / "tests" / "data" / "records_sql" / "grants.gai"  # not in records/: python refuses it, GAI611
SPECS: dict[str, ir.Spec] = {"projects": gaidsl.load_spec(RECORDS / "projects.gai"), "grants": gaidsl.load_spec(GRANTS)}
ENGINES = ("duckdb", "sqlite", "postgres")


@pytest.fixture(scope="module")
def databases() -> Iterator[dict[tuple[str, str], Any]]:
    with sql_databases(SPECS) as found:
        yield found


def _same(databases: dict[tuple[str, str], Any], name: str, reports: list[Report]) -> None:
    spec = SPECS[name]
    expected = [evaluate(spec, r).to_json_dict() for r in reports]
    for (spec_name, engine), database in databases.items():
        if spec_name != name:
            continue
        found = [e.to_json_dict() for e in database.validate({f"r{i}": r for i, r in enumerate(reports)})]
        for index, (got, wanted) in enumerate(zip(found, expected, strict=True)):
            assert got == wanted, (engine, index, reports[index])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_samples_and_violations_agree(name: str, databases: dict[tuple[str, str], Any]) -> None:
    spec = SPECS[name]
    reports = [s.report for s in valid_samples(spec, 3, seed=2)]
    broken = [v.sample.report for v in invalid_reports(spec, seed=1) if v.sample is not None]
    assert broken and any(r.records.get(next(iter(spec.records))) for r in reports)
    _same(databases, name, reports + broken)
    statuses = {r["status"] for e in broken for r in evaluate(spec, e).to_json_dict()["results"]}
    assert "fail" in statuses  # the violations are seen failing, by SQL too (above)


def _changed(spec: ir.Spec, report: Report, data: st.DataObject) -> Report:
    """``report`` with a few record values changed (types kept: what the tables accept)."""
    values = dict(report.values)
    counts = dict(report.records)
    key, records = next(iter(spec.records.items()))
    for _ in range(data.draw(st.integers(1, 4))):
        if not counts.get(key):
            break
        number = data.draw(st.integers(1, counts[key]))
        field = data.draw(st.sampled_from(records.fields))
        cell = records.cell_key(str(number), field.key)
        kind = field.type.kind
        if field.dimension is not None:
            options: list[Any] = [m.key for t in spec.tables.values() if t.rows is not None
                                  and t.rows.key == field.dimension for m in t.rows.members]  # fmt: skip
        elif kind == "choice":
            options = list(field.type.choices)
        elif kind == "amount":
            options = [Decimal("0"), Decimal("10.5"), Decimal("3"), Decimal("7.25"), Decimal("0.1")]
        elif kind == "count":
            options = [Decimal(n) for n in (0, 1, 2, 5)]
        else:
            options = [values.get(cell, BLANK)]
        drawn = data.draw(st.sampled_from([BLANK, UNKNOWN, *options]))
        values[cell] = Decimal(drawn) if isinstance(drawn, int) else drawn
    if counts.get(key) and data.draw(st.booleans()):  # the last record left out
        last = counts[key]
        values = {k: v for k, v in values.items() if not k.startswith(f"{key}.{last}.")}
        counts[key] = last - 1
    return attrs.evolve(report, values=values, records=counts)


@settings(max_examples=examples(0.2), deadline=None)
@given(data=st.data())
def test_drawn_and_changed_reports_agree(data: st.DataObject, databases: dict[tuple[str, str], Any]) -> None:
    name = data.draw(st.sampled_from(sorted(SPECS)))
    spec = SPECS[name]
    reports = [_changed(spec, data.draw(samples(spec, with_previous=False)).report, data) for _ in range(2)]
    _same(databases, name, reports)


def test_validate_on_every_engine_gives_the_reference_output(tmp_path: Any) -> None:
    spec = SPECS["grants"]
    (sample,) = [s for s in valid_samples(spec, 3, seed=2) if s.report.records.get("grants", 0) > 1][:1]
    path = tmp_path / "grants.json"
    path.write_text(sample.report.to_json(), encoding="utf-8")
    for output in ("json", "text"):
        args = ("--format", output, "--lang", "en")
        expected = run_cli("validate", *args, "--", str(GRANTS), str(path))
        assert expected.code in (0, 1) and "Traceback" not in expected.err, expected.err
        for engine in ("duckdb", "sqlite"):
            found = run_cli("validate", *args, "--engine", engine, "--", str(GRANTS), str(path))
            assert (found.code, found.out) == (expected.code, expected.out), found.err


NUMBERS = """format numbered version 1 "Filters on numbers" {
  unit 元 "元"
  section s "S" {
    table totals "Totals" : amount in 元 decimals 2 {
      columns { limit "Limit" }
      rows { only "Only" }
    }
    records items "Items" {
      field amount "Amount" : amount in 元 decimals 2
      field people "People" : count
      field kind "Kind" : choice("a", "b")
    }
    check small_under_limit: max(items.amount where people < 3) <= totals[only, limit]
    check big_people: min(items.people where amount >= 10.5) >= 1
    check not_two: count(items where people != 2 and kind == "a") <= 1
    check sum_big: sum(items.amount where amount > 0.005) <= totals[only, limit]
  }
}
"""


def _items(*rows: tuple[Any, Any, Any], limit: Any = Decimal("20")) -> Report:
    values: dict[str, Any] = {"totals.only.limit": limit}
    for number, (amount, people, kind) in enumerate(rows, 1):
        values |= {f"items.{number}.amount": amount, f"items.{number}.people": people, f"items.{number}.kind": kind}
    return Report("numbered", "1", values=values, records={"items": len(rows)})


def test_filters_on_numbers_blank_and_unknown_values() -> None:
    spec = gaidsl.compile_text(NUMBERS, "numbered.gai").spec
    assert spec is not None
    d = Decimal
    reports = [
        _items(),  # no records: max and min have no position, sums are 0
        _items((d("1.5"), d(1), "a"), (d("30"), d(5), "b")),
        _items((d("25"), d(2), "a"), (d("10.5"), d(0), "a"), (d("0"), d(3), "a")),
        _items((BLANK, d(1), "a"), (d("3"), BLANK, "b")),  # a blank filtered field: unknown
        _items((UNKNOWN, d(4), "a"), (d("12"), d(2), UNKNOWN)),
        _items((d("0.01"), d(0), "b"), limit=BLANK),
    ]
    expected = [evaluate(spec, r).to_json_dict() for r in reports]
    statuses = {(r["check"], r["status"]) for e in expected for r in e["results"]}
    assert {("small_under_limit", "fail"), ("big_people", "fail"), ("not_two", "fail")} <= statuses
    assert ("small_under_limit", "unverifiable") in statuses and ("sum_big", "pass") in statuses
    url = optional_postgres_url()
    named = [(f"r{i}", r) for i, r in enumerate(reports)]
    for engine in ENGINES:
        if engine == "postgres" and url is None:
            continue
        found = evaluate_all(spec, named, engine, url if engine == "postgres" else None)
        assert [e.to_json_dict() for e in found] == expected, engine


def test_the_built_sql_gives_the_engines_statuses(tmp_path: Any) -> None:
    """``gaidsl build -t sql``: schema.sql and validation.sql of a spec with records, run as written in SQLite and
    DuckDB over a report and its records inserted by hand, give the reference evaluator's statuses."""
    import sqlite3

    import duckdb

    spec = SPECS["grants"]
    run = run_cli("build", str(GRANTS), "-t", "sql", "-o", str(tmp_path / "out"))
    assert run.code == 0, run.err
    reports = [s.report for s in valid_samples(spec, 3, seed=2)]
    reports += [v.sample.report for v in invalid_reports(spec, seed=1) if v.sample is not None][:2]
    expected = [
        [(r["check"], r["position"], r["status"]) for r in evaluate(spec, report).to_json_dict()["results"]]
        for report in reports
    ]
    for engine in ("sqlite", "duckdb"):
        folder = tmp_path / "out" / "sql" / engine
        found = RecordsSql(spec, engine)
        connection: Any = sqlite3.connect(":memory:") if engine == "sqlite" else duckdb.connect(":memory:")
        for part in ("schema.sql", "validation.sql"):
            script = (folder / part).read_text(encoding="utf-8")
            for statement in (s for s in script.split(";\n") if s.strip()):
                connection.execute(statement)
        columns = layout(found.stand, engine)
        names = ", ".join(c.quoted for c in columns)
        marks = ", ".join("?" for _ in columns)
        items = [(f"r{i}", r) for i, r in enumerate(reports)]
        for report_id, report in items:
            connection.execute(
                f"INSERT INTO reports ({names}) VALUES ({marks})", report_row(columns, engine, report_id, report)
            )
        for index, key in enumerate(found.lists):
            listed = found.record_columns(key)
            rows = record_rows(found, key, engine, items)
            listed_names = ", ".join(c.quoted for c in listed)
            statement = f"INSERT INTO reports_r{index} ({listed_names}) VALUES ({', '.join('?' for _ in listed)})"
            for row in rows:
                connection.execute(statement, row)
        got = connection.execute(
            "SELECT report_id, check_key, position, status FROM validation ORDER BY report_id, ordinal"
        ).fetchall()
        by_report = [[(c, p, s) for i, c, p, s in got if i == f"r{n}"] for n in range(len(reports))]
        assert by_report == expected, engine
        connection.close()


def test_aggregates_in_a_check_for_each_record_and_last_year_run_on_sql(tmp_path: Any) -> None:
    """What SQL refused before (GAI770): an aggregate inside a check for each record, and a check for each record
    reading last year's report; `gaidsl build -t sql` writes them and `validate --engine` gives the reference's
    output. (Beside open dimensions: tests/test_records_sql_open.py.)"""
    text = GRANTS.read_text(encoding="utf-8")
    inner = text.replace(
        "      check some_people for each record: people >= 1\n",
        "      check some_people for each record: people >= 1\n"
        '      check under_total for each record: amount <= sum(grants.amount where status != "withdrawn")\n'
        "      check below_last_year for each record: amount <= previous.by_kind[all, amount]\n",
    )
    assert inner != text
    (tmp_path / "inner.gai").write_text(inner, encoding="utf-8")
    spec = gaidsl.load_spec(tmp_path / "inner.gai")
    built = run_cli("build", str(tmp_path / "inner.gai"), "-t", "sql", "-o", str(tmp_path / "out"))
    assert built.code == 0 and (tmp_path / "out" / "sql" / "postgres" / "validation.sql").exists(), built.err
    found = [s.report for s in valid_samples(spec, 3, seed=2) if s.report.records.get("grants", 0) > 1]
    assert found
    data, last = tmp_path / "r.json", tmp_path / "last.json"
    data.write_text(found[0].to_json(), encoding="utf-8")
    values = {k: v for k, v in found[0].values.items() if k.startswith("by_kind.")}  # no records last year
    values["by_kind.all.amount"] = Decimal("3.5")  # below some of this year's amounts: fails there
    last.write_text(attrs.evolve(found[0], values=values, records={}).to_json(), encoding="utf-8")
    args = ("--lang", "en", "--format", "json", "--previous", str(last))
    expected = run_cli("validate", *args, "--", str(tmp_path / "inner.gai"), str(data))
    assert expected.code == 1 and '"under_total"' in expected.out and '"below_last_year"' in expected.out
    for engine in ("duckdb", "sqlite"):
        run = run_cli("validate", *args, "--engine", engine, "--", str(tmp_path / "inner.gai"), str(data))
        assert (run.code, run.out) == (expected.code, expected.out), run.err
