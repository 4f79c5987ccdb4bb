"""Validation on Spark (``gaidsl validate SPEC reports.csv --engine spark [--spark-master URL]``): the checks of a
wide CSV's reports run as Spark SQL, in local mode (``local[*]``) or on a cluster (``spark://host:7077``, ``yarn``).

The SQL is the SQL target's, for its ``spark`` dialect: DuckDB's validation conditions written out as Spark SQL by
sqlglot (:func:`gaidsl.targets.sql.dialects.transpile`). Values are read by gaidsl's own wide-CSV reader
(:func:`gaidsl.checking.wide_csv.read_wide_lines`, the reference engine's), so a value is judged by exactly the rules
every other engine follows; the reports become rows of the reports table's layout (:func:`report_row`) in a Spark
DataFrame, and one query over it gives, per report, bit masks of its failing and unverifiable check positions and
the presence of its required items: only the reports with something to say come back to the driver.

pyspark is the optional extra ``gaidsl[spark]`` and needs a Java runtime: without either, :class:`SparkUnavailable`
(GAI806, GAI807) says what to install.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from gaidsl.checking.report import Report
from gaidsl.checking.required import Absent, Presence, absent_from
from gaidsl.engines.database import PREVIOUS, REPORTS, report_row
from gaidsl.engines.names import DEFAULT_MASTER as DEFAULT_MASTER
from gaidsl.engines.wide_csv import Failure, Standing
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic
from gaidsl.targets.sql.dialects import Column, layout, transpile
from gaidsl.targets.sql.required import presence_sql
from gaidsl.targets.sql.target import branches as sql_branches

try:  # the optional extra gaidsl[spark] (without it, mypy sees Any)
    from pyspark.sql import SparkSession  # type: ignore[import-not-found]
    from pyspark.sql import types as spark_types  # type: ignore[import-not-found]

    PYSPARK = True
except ImportError:
    PYSPARK = False

DIALECT = "spark"
_MASK_BITS = 62
"""Check positions per BIGINT mask (a sum of distinct powers of two below 2^62)."""


class SparkUnavailable(RuntimeError):
    """pyspark is not installed (GAI806) or no Java runtime is found (GAI807): the diagnostic says what to install."""

    def __init__(self, code: str) -> None:
        self.diagnostic = Diagnostic(code, "error", None, {})
        super().__init__(self.diagnostic.message.en)


def java_found() -> bool:
    """A Java runtime where pyspark looks for one: ``$JAVA_HOME/bin/java``, else ``java`` on the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        return os.access(os.path.join(home, "bin", "java"), os.X_OK)
    return shutil.which("java") is not None


def available() -> None:
    """Raise :class:`SparkUnavailable` unless a Spark session can be started here."""
    if not PYSPARK:
        raise SparkUnavailable("GAI806")
    if not java_found():
        raise SparkUnavailable("GAI807")


@contextmanager
def session(master: str | None = None) -> Iterator[SparkSession]:
    """The active Spark session (a test's, say), or a new one on ``master`` (default :data:`DEFAULT_MASTER`), stopped
    on leaving when it was started here. Few shuffle partitions: the one query has no shuffle of its own but the
    previous-year join, and small inputs should not pay for 200 empty tasks."""
    available()
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    builder = SparkSession.builder.appName("gaidsl validate").master(master or DEFAULT_MASTER)
    for key, value in (
        ("spark.sql.shuffle.partitions", "4"),
        ("spark.ui.enabled", "false"),
        ("spark.ui.showConsoleProgress", "false"),
    ):
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()


def schema(columns: Sequence[Column]) -> spark_types.StructType:
    """The Spark schema of the reports table's columns (:func:`gaidsl.targets.sql.dialects.layout` for ``spark``)."""
    t = spark_types
    fields = []
    for column in columns:
        kind = column.type.kind if column.type is not None else None
        if column.role == "unknown":
            found: Any = t.ArrayType(t.StringType(), containsNull=False)
        elif column.role == "places":
            found = t.IntegerType()
        elif kind in ("count", "integer"):
            found = t.LongType()
        elif kind == "amount":
            found = t.DecimalType(38, column.scale)
        elif kind == "date":
            found = t.DateType()
        else:
            found = t.StringType()
        fields.append(t.StructField(column.name, found, nullable=column.role != "unknown"))
    return t.StructType(fields)


def rows(
    spec: ir.Spec, reports: Sequence[tuple[str, Report, str | None]]
) -> tuple[list[tuple[object, ...]], dict[str, str]]:
    """The reports table's rows of ``(report_id, report, previous_id)``, and the reports whose values the table cannot
    hold as read (more decimal places than an amount without ``decimals`` stores), with why."""
    columns = layout(spec, DIALECT)
    out: list[tuple[object, ...]] = []
    refused: dict[str, str] = {}
    for report_id, report, previous_id in reports:
        try:
            out.append(report_row(columns, DIALECT, report_id, report, previous_id))
        except ValueError as exc:
            refused[report_id] = str(exc)
    return out, refused


def _mask_query(spec: ir.Spec) -> tuple[str, int, int]:
    """DuckDB-syntax SQL (then written out for Spark) giving, per report with a failing or unverifiable check or a
    required item not plainly present: report_id, failing masks, open masks (unverifiable, not for want of last
    year's report), presences. Also the number of masks per kind and of required items."""
    found = sql_branches(spec, DIALECT)
    words = [found[i : i + _MASK_BITS] for i in range(0, len(found), _MASK_BITS)]

    def mask(test: str, word: Sequence[Any]) -> str:
        tests = [test.format(c=b.condition, p=_previous(b.previous)) for b in word]
        terms = [f"(CASE WHEN {t} THEN CAST({1 << j} AS BIGINT) ELSE 0 END)" for j, t in enumerate(tests)]
        return "(" + " + ".join(terms) + ")"

    fails = [mask("NOT ({c})", w) for w in words]
    opens = [mask("({c}) IS NULL{p}", w) for w in words]
    required = [sql for _, sql in presence_sql(spec, DIALECT)]
    select = [*(f"{m} AS f{i}" for i, m in enumerate(fails))]
    select += [f"{m} AS o{i}" for i, m in enumerate(opens)]
    select += [f"{sql} AS a{i}" for i, sql in enumerate(required)]
    where = [f"f{i} <> 0 OR o{i} <> 0" for i in range(len(words))] + [
        f"a{i} <> 'present'" for i in range(len(required))
    ]
    inner = (
        f"SELECT r.report_id, {', '.join(select) or 'NULL AS nothing'} FROM {REPORTS} AS r "
        f"LEFT JOIN {PREVIOUS} AS p ON p.report_id = r.previous_id"
    )
    query = f"SELECT * FROM ({inner}) AS x WHERE {' OR '.join(where) or 'FALSE'}"
    return transpile(query, DIALECT), len(words), len(required)


def _previous(reads_previous: bool) -> str:
    return " AND p.report_id IS NOT NULL" if reads_previous else ""


def check(
    spark: SparkSession, spec: ir.Spec, reports: Sequence[tuple[str, Report, str | None]]
) -> tuple[list[Failure], Standing, dict[str, str]]:
    """``(report_id, check, position)`` of every failing check position of ``reports`` (``previous_id`` names last
    year's report among them), what the verdicts need of the reports that lack a required item or are incomplete
    (:data:`gaidsl.engines.wide_csv.Standing`), and the reports the table cannot hold (see :func:`rows`), which are
    not checked."""
    table, refused = rows(spec, reports)
    frame = spark.createDataFrame(table, schema(layout(spec, DIALECT)), verifySchema=False)
    frame.createOrReplaceTempView(REPORTS)
    frame.createOrReplaceTempView(PREVIOUS)
    query, words, required_count = _mask_query(spec)
    found = sql_branches(spec, DIALECT)
    requirements = [r for r, _ in presence_sql(spec, DIALECT)]
    failures: list[Failure] = []
    standing: Standing = {}
    for row in spark.sql(query).collect():  # the reports with something to say: few, and small
        report_id, *values = tuple(row)
        fails, opens, presences = values[:words], values[words : 2 * words], values[2 * words :]
        for index, mask in enumerate(fails):
            while mask:
                low = mask & -mask
                branch = found[index * _MASK_BITS + low.bit_length() - 1]
                failures.append((report_id, branch.check.key, branch.instance.position))
                mask ^= low
        said: list[Presence] = list(presences[:required_count])
        absent: tuple[Absent, ...] = absent_from(requirements, said, spec.language)
        incomplete = any(opens)
        if absent or incomplete:
            standing[report_id] = (absent, incomplete)
    return failures, standing, refused
