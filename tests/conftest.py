"""The rules every test run follows (the shared helpers are in ``tests/support.py``).

Hypothesis profiles, registered here once and chosen by ``HYPOTHESIS_PROFILE`` (default ``dev``):

- ``dev``: 50 examples a test, for a quick local run;
- ``ci``: 100 examples a test, no example database on disk, the blob to reproduce a failure printed (``.ci/run``);
- ``fuzz``: 2,000 examples a test, for a long hunt (``HYPOTHESIS_PROFILE=fuzz pytest tests/test_fuzz.py``).

All three drop the deadline (timings on a shared 2-core machine are no signal) and the too-slow, data-too-large,
filter-too-much and large-base-example health checks (our strategies build whole reports and specs on purpose). A
test that is costlier than most asks for a share of the profile's examples with ``tests.support.examples(0.25)``,
one that is cheap and searches a large space for a multiple (``examples(2)``), so every profile scales every test alike.

Skips are failures. A test that needs a service or tool (PostgreSQL through ``GAIDSL_TEST_POSTGRES``, Chromium,
LibreOffice's ``soffice``, ``node``) and does not find it fails, naming what is missing: ``.ci/run`` provides them
all, so a skip there would be coverage silently lost. On a developer's machine without them, ``GAIDSL_ALLOW_SKIP=1``
turns those failures back into skips (never set it in CI).

``xdist_group`` marks (tests sharing a costly fixture: the built wheel, the Spark session) keep their tests on one
worker under ``--dist loadgroup`` (.ci/run): pytest-xdist 3.8 tags their node ids with the group by setting
``item._nodeid``, which pytest 9 no longer reads, so :func:`pytest_collection_modifyitems` below tags them.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest
from _pytest.nodeid import NodeId
from hypothesis import HealthCheck, settings

from tests.support import ALLOW_SKIP

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker under ``--dist loadgroup``: ``test_x@group`` for a test marked ``xdist_group("group")``, the
    node id the scheduler keeps on one worker (what pytest-xdist's own hook means to do; a no-op where it did)."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        marks = item.iter_markers("xdist_group")
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in marks}
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
