"""What keeps validation over open rows linear (issue 15, acceptance 4; bench/open_rows.py measures it) without
changing what the caller sees (docs/open-dimensions.md#validation-time):

- the generated Python module of a spec with open rows or records, and the reference evaluator, pause Python's
  cyclic garbage collector while they read and validate a report (no collection runs then, however low its
  threshold), and leave it on or off as the caller had it, after an error too;
- DuckDB prepares the validation query once per connection: the same connection, loaded with one report after
  another, gives each report the reference evaluator's records.
"""

from __future__ import annotations

import gc
import random
import sys
from collections.abc import Callable, Iterator
from types import FrameType, ModuleType

import attrs
import pytest

import gaidsl
from gaidsl.checking.evaluate import collector_paused, evaluate, evaluate_instance
from gaidsl.checking.open_members import close
from gaidsl.checking.report import Report
from gaidsl.engines.database import _LITERAL_VALUES, DuckDB, connect, python_module
from gaidsl.language import ir
from gaidsl.sampling.open_samples import closed_spec, members_for, with_members
from gaidsl.sampling.sampler import Sample
from gaidsl.sampling.samples import invalid_reports, sampler
from gaidsl.targets.sql.open_parts import OpenSql
from tests.support import ROOT

SPEC: ir.Spec = gaidsl.load_spec(ROOT / "tests" / "data" / "open" / "agency_components.gai")


@pytest.fixture(scope="module")
def module() -> ModuleType:
    return python_module(SPEC)


@pytest.fixture(scope="module")
def sample() -> Sample:
    """A valid report with 60 components and last year's report."""
    counts = {"component": 60}
    found = sampler(closed_spec(SPEC, counts)).sample(random.Random(5), True)
    return with_members(found, members_for(SPEC, counts))


@pytest.fixture
def eager_collector() -> Iterator[list[list[FrameType]]]:
    """The collector set to run at every 100 allocations of containers; yields, for each collection, the frames
    running when it started (a gc callback), and puts the threshold and the collector's state back after."""
    collected: list[list[FrameType]] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            frame: FrameType | None = sys._getframe(1)
            stack = []
            while frame is not None:
                stack.append(frame)
                frame = frame.f_back
            collected.append(stack)

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.enable()
    gc.set_threshold(100, 1, 1)
    gc.callbacks.append(seen)
    try:
        yield collected
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
        (gc.enable if enabled else gc.disable)()
        collected.clear()


def _inside(collected: list[list[FrameType]], where: Callable[[FrameType], bool]) -> int:
    """How many collections started with a frame ``where`` picks running."""
    return sum(1 for stack in collected if any(where(frame) for frame in stack))


def test_no_collection_runs_while_the_module_validates(
    module: ModuleType, sample: Sample, eager_collector: list[list[FrameType]]
) -> None:
    assert sample.previous is not None
    data, last = module.loads(sample.report.to_json()), module.loads(sample.previous.to_json())
    eager_collector.clear()
    results = module.validate(data, last)
    assert module.missing(data) == [] and len(results) > 180

    def working(frame: FrameType) -> bool:  # the module's code at work, not its wrapper that pauses the collector
        return frame.f_globals is vars(module) and frame.f_code.co_name != "paused"

    assert eager_collector and _inside(eager_collector, working) == 0  # collections ran, none while it worked
    module.dumps(results[:50])  # code of the module that does not pause the collector: it runs there
    assert _inside(eager_collector, working) > 0


def test_no_collection_runs_while_the_evaluator_evaluates(
    sample: Sample, eager_collector: list[list[FrameType]]
) -> None:
    evaluation = evaluate(SPEC, sample.report, sample.previous)
    assert evaluation.verdict == "pass" and len(evaluation.results) > 180

    def working(frame: FrameType) -> bool:
        return frame.f_code is evaluate_instance.__code__ or frame.f_code is close.__code__

    assert eager_collector and _inside(eager_collector, working) == 0
    close(SPEC, {"component": sample.report.members["component"][:-1]})  # not paused when called on its own
    assert _inside(eager_collector, working) > 0


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_the_caller_had_it(module: ModuleType, sample: Sample, enabled: bool) -> None:
    data = module.loads(sample.report.to_json())
    broken = {**data, "values": {**data["values"], "requests.NOPE.received": 1}}  # a row not among the members
    calls: list[Callable[[], object]] = [
        lambda: module.validate(data),
        lambda: list(module.validate_many([data, data])),
        lambda: module.missing(data),
        lambda: evaluate(SPEC, sample.report, sample.previous),
    ]
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        for call in calls:
            call()
            assert gc.isenabled() is enabled
        with pytest.raises(module.DataError, match="GAI742"):
            module.validate(broken)
        assert gc.isenabled() is enabled
        with pytest.raises(ZeroDivisionError), collector_paused():
            assert not gc.isenabled()
            1 / 0  # noqa: B018
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def _reports() -> list[tuple[Report, Report | None]]:
    violations = [v.sample for v in invalid_reports(SPEC, seed=3) if v.sample is not None][:4]
    return [(s.report, s.previous) for s in violations]


def test_one_duckdb_connection_gives_each_report_its_records_in_turn() -> None:
    """The prepared validation query reads each report's rows as given (not as the first call gave them)."""
    db = connect(SPEC, "duckdb")
    assert isinstance(db, DuckDB)
    reports = _reports()
    assert len({r.to_json() for r, _ in reports}) == len(reports) >= 3
    for report, previous in [*reports, *reports[:1]]:
        (found,) = db.validate([report], previous)
        expected = evaluate(SPEC, report, previous)
        assert found.to_json_dict() == expected.to_json_dict()
        given = [("r", report, None if previous is None else "p")], [] if previous is None else [("p", previous)]
        failing = {(r.check, r.position) for r in db.validation_of(*given, status="fail")}
        assert failing == {(r.check, r.position) for r in expected.results if r.status == "fail"} != set()
    assert len(db.prepared) == 2  # every row, and the failing ones


def _agency(report: Report, agency: str) -> Report:
    return attrs.evolve(report, fields={**report.fields, "agency": agency})


@pytest.mark.parametrize(
    "agency", ["O'Brien \\ \"q\" \n</script> {{ x }} =SUM(A1) ''", "NUL \x00 inside: the tables take it"]
)
def test_duckdb_gives_a_few_rows_to_the_query_and_the_tables_the_rest(agency: str) -> None:
    """DuckDB's one statement for a small report (its rows as SQL literals unnested in the query's WITH) gives the
    rows that loading the tables gives, leaves the tables as they were, and holds any text; a text with NUL and a
    report of more rows than it writes as literals go through the tables."""
    db = connect(SPEC, "duckdb")
    assert isinstance(db, DuckDB)
    for count in (1, 3, 200):  # 200 members: more values than the statement takes as literals
        counts = {"component": count}
        sample = with_members(
            sampler(closed_spec(SPEC, counts)).sample(random.Random(count), True), members_for(SPEC, counts)
        )
        report, previous = _agency(sample.report, agency), sample.previous
        assert previous is not None
        given = [("r", report, "p")], [("p", previous)]
        db.clear()
        db.load(*given)
        loaded = db.rows()
        db.clear()
        found = db.validation_of(*given)
        assert found == loaded and len(found) == len(evaluate(SPEC, report, previous).results)
        values = sum(len(rows) * len(columns) for _, rows, columns in db.table_rows(*given))
        assert (values <= _LITERAL_VALUES) is (count < 200)
        literal = count < 200 and "\x00" not in agency
        assert (db.query("SELECT count(*) FROM gaidsl_reports")[0][0] == 0) is literal  # the tables untouched


@pytest.mark.parametrize("dialect_name", ["duckdb", "postgres", "sqlite"])
def test_the_sql_query_writes_each_shared_relation_once(dialect_name: str) -> None:
    """The member rows and the sums over them, which several check positions read, are written once in the query's
    WITH (an engine binds a relation once per time it is written: DuckDB at every EXECUTE) and named by each
    SELECT that reads them."""
    found = OpenSql(SPEC, dialect_name)
    query = found.validation("reports", "previous")
    sums, rows = found.sums("reports"), found.rows("reports", 0)
    assert query.startswith("WITH ")
    assert query.count(sums) == 1 and query.count(rows) == 1
    totals = sum(len(c.instances) for c in SPEC.checks if c.key.startswith("total."))
    assert totals >= 6 and query.count("FROM gaidsl_with") >= totals  # each total reads the sums by their name
    assert found.named == {}  # the next query names its own
