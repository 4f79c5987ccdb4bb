"""``gaidsl validate --engine spark``: the Spark SQL written by sqlglot from the DuckDB SQL, run on a local Spark
(``local[2]``), agrees with the reference evaluator and the duckdb engine on a 10,000-report wide CSV; without pyspark
or Java it says what to install (GAI806, GAI807), exit 2, no traceback.

One Spark session for the module, started once (the JVM takes tens of seconds to start on a busy machine); the
engine uses the active session. The tests that use it are one xdist group (.ci/run: --dist loadgroup), so that
pytest-xdist does not start a second JVM in another worker.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from pyspark.sql import SparkSession

import gaidsl
from gaidsl import load_spec
from gaidsl.checking.report import UNKNOWN_MARKER
from gaidsl.checking.wide_csv import write_wide_csv
from gaidsl.engines import spark as spark_engine
from gaidsl.language import ir
from gaidsl.targets.sql import dialects
from gaidsl.targets.sql.target import validation_sql
from tests.support import ROOT, SPEC_2021, run_cli
from tests.test_arithmetic import DERIVED, DERIVED_SPEC
from tests.test_arithmetic_engines import DATA, DIVISORS, EDGE_BATCH, LARGEST, RATIOS, WHOLE_EDGES
from tests.test_constant_divisors import EDGES, report_data

REPORTS = 10_000


def _synthetic() -> Any:
    """bench/synthetic.py as a module (bench/ is not a package on the import path)."""
    module_spec = importlib.util.spec_from_file_location("bench_synthetic_spark", ROOT / "bench" / "synthetic.py")
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("gaidsl tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # the JIT's C1 compiler only: these queries run once each, too briefly for C2's optimisations to pay back
        # their compile time (the JVM's CPU for this module about halved: 34 s to 18 s, bench numbers in the commit)
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _with_last_years_and_odd_values(path: Path) -> None:
    """Rewrite the synthetic file: every 9th report names the report three lines up as last year's (checks across
    periods run, most of them failing), and a few cells carry what the reader judges: unknown, spaces, trailing
    zeros in an amount taken off."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = [*rows[0], "previous_id"], [[*row, ""] for row in rows[1:]]
    at = {name: i for i, name in enumerate(header)}
    count = at["requests.received.natural"]
    amount = at["fees.administrative_fee.amount"]
    for n, row in enumerate(body):
        if n % 9 == 8:
            row[-1] = body[n - 3][at["report_id"]]
        if n % 97 == 5:
            row[count] = UNKNOWN_MARKER
        if n % 89 == 7:
            row[count] = f" {row[count]} "
        if n % 83 == 3 and row[amount].endswith("0") and "." in row[amount]:
            row[amount] = row[amount][:-1]  # fewer places as written: a wider tolerance
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *body])


def _document(run: Any) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(run.out)
    return found


@pytest.mark.xdist_group("spark")
def test_spark_agrees_with_the_reference_and_duckdb_on_10k_reports(spark: SparkSession, tmp_path: Path) -> None:
    spec = load_spec(SPEC_2021)
    path = _synthetic().write_csv(spec, REPORTS, tmp_path / "reports.csv", seed=11, rates={"blank": 0.01})
    _with_last_years_and_odd_values(path)
    args = (str(SPEC_2021), str(path), "--format", "json")
    reference = run_cli("validate", *args)
    duckdb = run_cli("validate", *args, "--engine", "duckdb")
    on_spark = run_cli("validate", *args, "--engine", "spark", "--spark-master", "local[2]")
    assert reference.code == duckdb.code == on_spark.code == 1, on_spark.err
    want, got = _document(reference), _document(on_spark)
    # record for record: every failing (report, check, position), every missing required item, every verdict
    shape = ("report_id", "check", "severity", "status", "position")
    assert got["results"] == [{k: r[k] for k in shape} for r in want["results"]]
    assert got["missing"] == want["missing"]
    assert got["checks"] == want["checks"]
    assert got["verdict"] == want["verdict"] == "fail"
    counts = ("reports", "pass_reports", "fail_reports", "incomplete_reports", "error_reports", "warning_reports")
    assert {k: got["summary"][k] for k in counts} == {k: want["summary"][k] for k in counts}
    assert got["summary"]["reports"] == REPORTS
    across_periods = {
        c.key
        for c in spec.checks
        for i in c.instances
        if any(isinstance(n, ir.CellRef | ir.FieldRef | ir.TextRef) and n.previous for n in ir.walk(i.expr))
    }
    assert {r["check"] for r in got["results"]} & across_periods, "the linked last years make such checks fail"
    assert len({r["report_id"] for r in want["results"]}) > REPORTS // 50
    # and the duckdb engine's document, to the byte, but for the engine's name
    assert on_spark.out.replace('"engine": "spark"', '"engine": "duckdb"') == duckdb.out

    # the text summary too (of the first 400 reports: one more run of the whole file is no new evidence)
    lines = path.read_text(encoding="utf-8").splitlines()
    part = tmp_path / "part.csv"
    part.write_text("\n".join(lines[:401]) + "\n", encoding="utf-8")
    text = run_cli("validate", str(SPEC_2021), str(part), "--engine", "spark", "--lang", "en")
    duck_text = run_cli("validate", str(SPEC_2021), str(part), "--engine", "duckdb", "--lang", "en")
    assert text.code == duck_text.code == 1
    assert text.out.replace("engine spark", "engine duckdb") == duck_text.out

    # a value gaidsl's reader refuses (a negative count): a failing cell result, as in the reference engine, and the
    # report's other checks still run (its checks reading that cell unverifiable)
    header = lines[0].split(",")
    row = next(csv.reader([lines[5]]))
    row[header.index("requests.received.natural")] = "-3"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], ",".join(row), *lines[6:40]]) + "\n", encoding="utf-8")
    refused = run_cli("validate", str(SPEC_2021), str(bad), "--engine", "spark", "--format", "json")
    by_reference = run_cli("validate", str(SPEC_2021), str(bad), "--format", "json")
    assert refused.code == by_reference.code == run_cli("validate", str(SPEC_2021), str(bad), "--engine", "duckdb").code
    assert refused.code == 1 and "Traceback" not in refused.err
    cells = [r for r in _document(refused)["results"] if r.get("kind") == "cell"]
    assert cells == [r for r in _document(by_reference)["results"] if r.get("kind") == "cell"]
    assert [(c["key"], c["value"]) for c in cells] == [("requests.received.natural", "-3")]


def _edge_reports(spec: ir.Spec, seed: int, count: int) -> list[dict[str, Any]]:
    """Reports of ``spec`` with the agreement test's edge values (tests/test_arithmetic_engines.py): blanks, zeros,
    ties at x.xx5, negative whole numbers, the largest 15-digit values; drawn by a seeded generator."""
    rng = random.Random(seed)

    def value(kind: str, decimals: int) -> Decimal | int | None:
        if rng.random() < 0.15:
            return None
        if kind != "amount":
            whole = rng.choice([*WHOLE_EDGES, rng.randint(-LARGEST, LARGEST), rng.randint(-300, 300)])
            return abs(whole) if kind == "count" else whole
        top = 10 ** (15 + decimals) - 1
        units = rng.choice([0, 1, 5, 15, 25, 35, 1005, 2675, 999, top, top - 4, rng.randint(0, top)])
        return Decimal(units).scaleb(-decimals)

    def kind(t: ir.CellType) -> tuple[str, int]:
        return t.kind, t.decimals or 0

    return [
        {
            "format": spec.id,
            "version": spec.version,
            "fields": {k: value(*kind(f.type)) for k, f in spec.fields.items()},
            "values": {k: value(*kind(c.type)) for k, c in spec.cells.items()},
        }
        for _ in range(count)
    ]


@pytest.mark.xdist_group("spark")
def test_arithmetic_agrees_with_the_reference(spark: SparkSession, tmp_path: Path) -> None:
    """Arithmetic between cells on Spark (DECIMAL(38, 0) numerator/denominator pairs, docs/arithmetic.md) gives the
    reference evaluator's results, record for record: ratios, both roundings, zero divisors, 18-digit amounts, exact
    quotients by constants."""
    divisors = [report_data(e) for e in EDGES]  # exact quotients by constants (tests/test_constant_divisors.py)
    for name, spec, fixed in (
        ("ratios", RATIOS, EDGE_BATCH),
        ("derived", DERIVED_SPEC, []),
        ("divisors", DIVISORS, divisors),
    ):
        batch = [*fixed, *_edge_reports(spec, seed=len(name), count=8)]
        reports = [(f"r{n:02d}", gaidsl.load_report(spec, data), None) for n, data in enumerate(batch)]
        path = tmp_path / f"{name}.csv"
        write_wide_csv(spec, reports, path)
        source = tmp_path / f"{name}.gai"
        file = DATA / ("constant_divisors.gai" if spec is DIVISORS else "ratios.gai")
        source.write_text(DERIVED if spec is DERIVED_SPEC else file.read_text(encoding="utf-8"), "utf-8")
        reference = run_cli("validate", str(source), str(path), "--format", "json")
        on_spark = run_cli("validate", str(source), str(path), "--format", "json", "--engine", "spark")
        assert on_spark.code == reference.code, on_spark.err
        want, got = _document(reference), _document(on_spark)
        shape = ("report_id", "check", "severity", "status", "position")
        assert got["results"] == [{k: r[k] for k in shape} for r in want["results"]], name
        counts = ("reports", "pass_reports", "fail_reports", "incomplete_reports", "error_reports", "warning_reports")
        assert {k: got["summary"][k] for k in counts} == {k: want["summary"][k] for k in counts}, name
        assert want["summary"]["fail"] > 0 and want["summary"]["unverifiable"] > 0, name


def test_spark_sql_is_written_by_sqlglot_from_the_duckdb_sql() -> None:
    """The Spark query parses as Spark SQL; Spark's spellings come from sqlglot (ARRAY_CONTAINS, LOCATE, STRING,
    backquoted keys); what Spark cannot say the DuckDB way is rewritten on the tree: no chr() (it stops at U+00FF:
    the whitespace of empty() reaches U+3000) and no regexp_full_match (a search anchored with \\z, Java's end of
    text). DuckDB's own query is untouched (its golden files stay as they were)."""
    spec = load_spec(SPEC_2021)
    duck = validation_sql(spec, "duckdb", view=None)
    spark = validation_sql(spec, "spark", view=None)
    assert sqlglot.parse_one(spark, read="spark") is not None
    assert "list_contains(" in duck and "ARRAY_CONTAINS(" in spark and "list_contains" not in spark
    assert "strpos(" in duck and "LOCATE(" in spark
    assert "regexp_full_match(" in duck and "regexp_full_match" not in spark.lower()
    assert " RLIKE '^(?:[" in spark and ")\\\\z'" in spark
    assert "`requests.received.natural`" in spark
    assert "CHR(" not in spark.upper().replace("VARCHAR(", "")
    assert dialects.transpile(duck, "duckdb") == duck
    assert validation_sql(spec, "postgres", view=None) == dialects.transpile(
        validation_sql(spec, "postgres", view=None), "postgres"
    )


def test_chr_beyond_latin1_becomes_the_character() -> None:
    sql = dialects.transpile("SELECT trim(x, chr(9) || chr(12288)) = ''", "spark")
    assert "CHR" not in sql.upper()
    assert "\u3000" in sql


def test_without_pyspark_the_engine_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(SPEC_2021)
    path = _synthetic().write_csv(spec, 20, tmp_path / "reports.csv", seed=1)
    monkeypatch.setattr(spark_engine, "PYSPARK", False)
    run = run_cli("validate", str(SPEC_2021), str(path), "--engine", "spark")
    assert run.code == 2, run.err
    assert "GAI806" in run.err and "pip install 'gaidsl[spark]'" in run.err
    assert "Traceback" not in run.err and run.out == ""


def test_without_java_the_engine_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(SPEC_2021)
    path = _synthetic().write_csv(spec, 20, tmp_path / "reports.csv", seed=1)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    run = run_cli("validate", str(SPEC_2021), str(path), "--engine", "spark", "--lang", "en")
    assert run.code == 2, run.err
    assert "GAI807" in run.err and "Java runtime" in run.err and "default-jre-headless" in run.err
    assert "Traceback" not in run.err
    home = tmp_path / "jdk"
    home.mkdir()
    monkeypatch.setenv("JAVA_HOME", str(home))  # a JAVA_HOME without bin/java is no Java either
    assert not spark_engine.java_found()


def test_spark_takes_wide_csvs_only(tmp_path: Path) -> None:
    run = run_cli("validate", str(SPEC_2021), str(ROOT / "tests" / "data" / "jiujia_2023.json"), "--engine", "spark")
    assert run.code == 2
    assert "--engine spark" in run.err and "wide CSV" in run.err


def test_validate_help_lists_the_spark_engine() -> None:
    run = run_cli("validate", "--help")
    assert run.code == 0
    assert "spark" in run.out and "--spark-master" in run.out


def test_spark_master_is_for_the_spark_engine(tmp_path: Path) -> None:
    spec = load_spec(SPEC_2021)
    path = _synthetic().write_csv(spec, 5, tmp_path / "reports.csv", seed=1)
    run = run_cli("validate", str(SPEC_2021), str(path), "--engine", "duckdb", "--spark-master", "local[2]")
    assert run.code == 2 and "--spark-master" in run.err and run.out == ""
