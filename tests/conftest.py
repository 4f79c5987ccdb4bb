"""Shared test helpers: where things are, running the CLI in process, and the rules every test run follows.

Hypothesis profiles, registered here once and chosen by ``HYPOTHESIS_PROFILE`` (default ``dev``):

- ``dev``: 50 examples a test, for a quick local run;
- ``ci``: 100 examples a test, no example database on disk, the blob to reproduce a failure printed (``.ci/run``);
- ``fuzz``: 2,000 examples a test, for a long hunt (``HYPOTHESIS_PROFILE=fuzz pytest tests/test_fuzz.py``).

All three drop the deadline (timings on a shared 2-core machine are no signal) and the too-slow, data-too-large,
filter-too-much and large-base-example health checks (our strategies build whole reports and specs on purpose). A
test that is costlier than most asks for a share of the profile's examples with ``examples(0.25)``, one that is cheap
and searches a large space for a multiple (``examples(2)``), so every profile scales every test alike.

Skips are failures. A test that needs a service or tool (PostgreSQL through ``GAIDSL_TEST_POSTGRES``, Chromium,
LibreOffice's ``soffice``, ``node``) and does not find it fails, naming what is missing: ``.ci/run`` provides them
all, so a skip there would be coverage silently lost. On a developer's machine without them, ``GAIDSL_ALLOW_SKIP=1``
turns those failures back into skips (never set it in CI).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Generator
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, settings

from gaidsl.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
DATA = ROOT / "tests" / "data"
ALLOW_SKIP = os.environ.get("GAIDSL_ALLOW_SKIP") == "1"

_RELAXED = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]
settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=_RELAXED)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=_RELAXED, database=None, print_blob=True
)
settings.register_profile("fuzz", max_examples=2000, deadline=None, suppress_health_check=_RELAXED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def examples(share: float) -> int:
    """``share`` of the current profile's examples per test (at least one): 0.25 is 25 under ``ci``."""
    return max(1, round(settings.default.max_examples * share))


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


@pytest.fixture
def cli() -> type[Run]:
    return Run


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


def _as_failure(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn a skip into a failure (an expected failure, xfail, stays what it is)."""
    if ALLOW_SKIP or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped, and a skip is a failure here (GAIDSL_ALLOW_SKIP=1 allows skips): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, None]:
    outcome = yield
    _as_failure(outcome.get_result())  # type: ignore[attr-defined]


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, object, None]:
    outcome = yield
    _as_failure(outcome.get_result())  # type: ignore[attr-defined]
