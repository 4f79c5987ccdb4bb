"""Shared test helpers: where things are, running the CLI in process, a share of the Hypothesis profile's examples,
and the PostgreSQL server of the run. Imported as ``from tests.support import …`` (conftest.py holds only what
pytest itself must load: the profiles, fixtures and hooks)."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import settings

from gaidsl.checking.report import Missing, Report
from gaidsl.cli.main import main
from gaidsl.language import ir

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
DATA = ROOT / "tests" / "data"
ALLOW_SKIP = os.environ.get("GAIDSL_ALLOW_SKIP") == "1"


def examples(share: float) -> int:
    """``share`` of the current profile's examples per test (at least one): 0.25 is 25 under ``ci``."""
    profile = settings.default
    assert profile is not None  # conftest.py loads one
    return max(1, round(profile.max_examples * share))


@attrs.frozen
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> Run:
    """Run ``gaidsl ARGS`` in process, capturing its output and exit code (argparse exits included)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


def postgres_url() -> str:
    """The PostgreSQL server of this run (``GAIDSL_TEST_POSTGRES``); without one the test is skipped, which fails it
    unless ``GAIDSL_ALLOW_SKIP=1``."""
    url = os.environ.get("GAIDSL_TEST_POSTGRES")
    if not url:
        pytest.skip("GAIDSL_TEST_POSTGRES is not set: no PostgreSQL server for this run (.ci/run starts one)")
    return url


def optional_postgres_url() -> str | None:
    """For a test whose PostgreSQL part is one of several: the server's URL; without one, a failure, or None (leave
    PostgreSQL out) when ``GAIDSL_ALLOW_SKIP=1``."""
    url = os.environ.get("GAIDSL_TEST_POSTGRES")
    if not url and not ALLOW_SKIP:
        pytest.fail("GAIDSL_TEST_POSTGRES is not set: no PostgreSQL server for this run (.ci/run starts one)")
    return url or None


@contextlib.contextmanager
def sql_databases(specs: Mapping[str, ir.Spec]) -> Iterator[dict[tuple[str, str], Any]]:
    """A connection per (spec name, engine) on DuckDB, SQLite and PostgreSQL (when :func:`optional_postgres_url`
    gives a server), closed at the end: a module fixture of tests comparing the SQL engines with the reference."""
    from gaidsl.engines.database import connect

    url = optional_postgres_url()
    found = {
        (name, engine): connect(spec, engine, url if engine == "postgres" else None)
        for name, spec in specs.items()
        for engine in ("duckdb", "sqlite", "postgres")
        if engine != "postgres" or url is not None
    }
    try:
        yield found
    finally:
        for database in found.values():
            database.close()


def present(value: T | Missing) -> T:
    """A report's value or text that the test expects to be there (a blank or absent one fails here, by name)."""
    assert not isinstance(value, Missing), value
    return value


def present_number(value: object) -> Decimal:
    """A cell's value that the test expects to be a number (a report's values may also hold text cells' texts)."""
    assert isinstance(value, Decimal), value
    return value


def texts(report: Report) -> dict[str, str]:
    """The report's texts that are written (a blank one is left out, so a test reading it fails on the key)."""
    return {key: text for key, text in report.texts.items() if isinstance(text, str)}
