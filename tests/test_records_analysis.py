"""Spec analysis over lists of records (gaidsl/analysis/records.py, docs/records.md#spec-analysis): bounded instances
(0–3 records per list, said in GAI614), record fields as solver variables, aggregates and their ``where`` as terms
over every record, agreeing with the reference evaluator; contradictions found only with records, vacuous filters
(GAI615), the witness. The diagnostics cases are tests/diagnostics/cases/gai60?_records_*.gai and
gai615_records_vacuous.gai."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import z3  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.analysis.encoding import Problem, z3_number
from gaidsl.analysis.open_parts import analyze_open
from gaidsl.analysis.records import RECORD_BOUND, close_symbolic, count_range
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.open_members import close
from gaidsl.checking.report import EnteredMember, Report, Value
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import compile_file, compile_text
from tests.support import DATA, ROOT, Run, examples, run_cli

RECORDS = DATA / "records"
CASES = ROOT / "tests" / "diagnostics" / "cases"


def spec_of(text: str) -> Spec:
    compilation = compile_text(text, "t.gai")
    assert compilation.spec is not None, [d.message.en for d in compilation.diagnostics]
    return compilation.spec


def spec_at(path: Path) -> Spec:
    compilation = compile_file(str(path))
    assert compilation.spec is not None
    return compilation.spec


def explained(rules: str, record_check: str, table_check: str) -> str:
    return (
        'format x version 1 "t" {\n  section s "S" {\n'
        '    table totals "Totals" : count {\n      columns { explained "Explained" }\n'
        f"      {table_check}\n    }}\n"
        '    records explanations "Explanations" {\n      field note "Note" : text\n      field count "Count" : count\n'
        f"{rules}      {record_check}\n    }}\n  }}\n}}\n"
    )


# ---------------------------------------------------------------------------------------------------- the bound


@pytest.mark.parametrize(
    ("rules", "counts"),
    [
        ("", [0, 1, 2, 3]),
        ("      at least 1\n", [1, 2, 3]),
        ("      at most 1\n", [0, 1]),
        ("      at least 6\n", [6, 7]),
    ],
)
def test_record_counts_follow_at_least_and_at_most(rules: str, counts: list[int]) -> None:
    spec = spec_of(explained(rules, "check ok for each record: count >= 0", "check t: explained >= 0"))
    assert count_range(spec.records["explanations"]) == counts


@settings(max_examples=examples(0.2))
@given(st.integers(0, 2), st.integers(0, 3), st.integers(0, 7))
def test_a_contradiction_is_reported_exactly_at_the_record_counts_it_holds(least: int, each: int, total: int) -> None:
    """Every record counts ``each`` and the records add up to ``total``: a report with k records is valid exactly
    when k·each == total. Analysis finds the conflict at exactly the searched counts where it is not."""
    rules = f"      at least {least}\n" if least else ""
    spec = spec_of(
        explained(
            rules, f"check each for each record: count == {each}", f"check sum: sum(explanations.count) == {total}"
        )
    )
    analysis = analyze_open(spec)
    searched = list(range(least, max(RECORD_BOUND, least + 1) + 1))
    bad = [k for k in searched if k * each != total]
    assert analysis.satisfiable is (not bad)
    found = sorted({s.en for c in analysis.conflicts for s in c.shapes})
    assert found == sorted({f"with {k} record{'s' * (k != 1)} of 'explanations'" for k in bad})
    assert analysis.records_bounded is not None
    assert f"contradictions searched with up to {searched[-1]} records" in analysis.records_bounded.en


def test_a_valid_report_beyond_the_bound_is_not_seen_and_each_conflict_names_its_shape() -> None:
    # a report with 5 records of count 1 is valid, one with fewer is not: within the bound (0–3 records) no shape has
    # a valid report, and each conflict says the record count it holds for (true of that shape; the bound is said)
    spec = spec_of(explained("", "check one for each record: count == 1", "check five: sum(explanations.count) == 5"))
    analysis = analyze_open(spec)
    assert analysis.satisfiable is False
    assert {s.en for c in analysis.conflicts for s in c.shapes} == {
        f"with {k} record{'s' * (k != 1)} of 'explanations'" for k in range(4)
    }


# ---------------------------------------------------------------------------------------------------- the encoding

AGREE = """format agree version 1 "t" {
  dimension fund "Fund" {
    budget "Budget"
    own "Own"
    total all "All"
  }
  section s "S" {
    table by_fund "By fund" : count {
      columns { spent "Spent" }
      rows fund
      check matches for each row: sum(items.n where fund == row) == spent
      check done_few for each row: count(items where fund == row and status == "done") <= 1
    }
    records items "Items" {
      field fund "Fund" : member of fund
      field status "Status" : choice("open", "done")
      field n "N" : count
      check not_big for each record: if status == "done" then n <= 3
    }
    check least_done: min(items.n where status == "done") >= 1
    check most_open: max(items.n where status == "open" and n > 1) < 5
    check some_budget: exists(items where fund == budget)
    check not_all_own: count(items where fund != own) >= count(items where fund == own)
  }
}
"""

_RECORD = st.tuples(st.sampled_from(["budget", "own"]), st.sampled_from(["open", "done"]), st.integers(0, 6))


@pytest.fixture(scope="module")
def agree() -> Spec:
    return spec_of(AGREE)


@pytest.fixture(scope="module")
def other() -> Spec:
    return spec_at(RECORDS / "other_explained.gai")


@settings(max_examples=examples(0.3))
@given(st.lists(_RECORD, max_size=3), st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 16)))
def test_every_position_agrees_with_the_reference_evaluator(
    agree: Spec, records: list[tuple[str, str, int]], spent: tuple[int, int, int]
) -> None:
    """With every variable fixed to a drawn report's values, each check position's formula is what the reference
    evaluator says of that report: passes, fails, or (a ``min``/``max`` keeping no record) has no position."""
    values: dict[str, Value] = {
        f"by_fund.{row}.spent": Decimal(v) for row, v in zip(("budget", "own", "all"), spent, strict=True)
    }
    for index, (fund, status, n) in enumerate(records, start=1):
        values |= {f"items.{index}.fund": fund, f"items.{index}.status": status, f"items.{index}.n": Decimal(n)}
    report = Report("agree", "1", values=values, records={"items": len(records)})
    _agrees(agree, report)


@settings(max_examples=examples(0.3))
@given(
    st.lists(st.sampled_from(["CIV", "TAX", "OPS"]), max_size=3, unique=True).flatmap(
        lambda keys: st.tuples(
            st.just(keys),
            st.lists(st.tuples(st.sampled_from(keys), st.integers(0, 4)), max_size=3) if keys else st.just([]),
            st.lists(st.integers(0, 6), min_size=len(keys) + 1, max_size=len(keys) + 1),
        )
    )
)
def test_where_row_agrees_at_entered_members_and_the_total(
    other: Spec, drawn: tuple[list[str], list[tuple[str, int]], list[int]]
) -> None:
    """other_explained.gai: ``sum(explanations.count where component == row) == other`` at each entered component
    and at AGENCY OVERALL (every record), with members and records drawn."""
    keys, records, others = drawn
    values: dict[str, Value] = {
        f"requests.{k}.other": Decimal(v) for k, v in zip([*keys, "overall"], others, strict=True)
    }
    values |= {f"requests.{k}.received": Decimal(9) for k in [*keys, "overall"]}
    for index, (component, count) in enumerate(records, start=1):
        values |= {
            f"explanations.{index}.component": component,
            f"explanations.{index}.description": "d",
            f"explanations.{index}.count": Decimal(count),
        }
    members = {"component": tuple(EnteredMember(k, k) for k in keys)}
    _agrees(other, Report("recs", "1", values=values, members=members, records={"explanations": len(records)}))


def _agrees(spec: Spec, report: Report) -> None:
    closed = close_symbolic(spec, close(spec, report.members), report.members, dict(report.records))
    problem = Problem(closed.spec, text_atoms=True, encoder=closed.encoder())
    checks = {c.key for c in (*spec.checks, *spec.record_checks)}
    said = {(r.check, r.position): r.status for r in evaluate(spec, report).results if r.check in checks}
    solver = z3.Solver()
    solver.add(*problem.encoder.background)
    for (_, key, _), term in problem.encoder.vars.items():
        value = report.values[key]
        assert isinstance(value, Decimal | str)
        solver.add(term == (z3_number(value) if isinstance(value, Decimal) else z3.StringVal(value)))
    assert str(solver.check()) == "sat"  # the drawn values are within every variable's domain
    model = solver.model()
    found: dict[tuple[str, str | None], str] = {}
    for item in problem.items:
        if item.check.key not in checks:
            continue
        passes = z3.is_true(model.eval(item.formula, model_completion=True))
        fails = z3.is_true(model.eval(item.fails_formula, model_completion=True))
        assert not (passes and fails)
        present = problem.encoder.present(item.instance.expr)
        if passes and present is not None and z3.is_false(model.eval(present, model_completion=True)):
            continue  # no position: the evaluator has no result there either
        found[(item.check.key, item.instance.position)] = "pass" if passes else "fail"
    assert found == said
    assert found  # something was compared


def test_a_member_field_ranges_over_the_members_a_record_may_name() -> None:
    """A fixed dimension's leaves (not its total), an open one's entered members; a record with no member to name
    is no instance (0 members and records: left out)."""
    projects = spec_at(RECORDS / "projects.gai")
    closed = close_symbolic(projects, close(projects, {}), {}, {"projects": 2})
    assert dict(closed.domains) == {"projects.1.fund": ("budget", "own"), "projects.2.fund": ("budget", "own")}
    other = spec_at(RECORDS / "other_explained.gai")
    members = {"component": (EnteredMember("CIV", "Civil"), EnteredMember("TAX", "Tax"))}
    closed = close_symbolic(other, close(other, members), members, {"explanations": 1})
    assert dict(closed.domains) == {"explanations.1.component": ("CIV", "TAX")}
    analysis = analyze_open(other)
    assert (
        analysis.records_bounded is not None and "'explanations' with 0, 1, 2, 3 records" in analysis.records_bounded.en
    )


# ---------------------------------------------------------------------------------------------------- findings


@pytest.fixture(scope="module")
def vacuous_json() -> Run:
    return run_cli("check", "--analyze", "--format", "json", str(CASES / "gai615_records_vacuous.gai"))


def test_vacuous_filters_are_warnings_with_the_bound(vacuous_json: Run) -> None:
    run = vacuous_json
    assert run.code == 0, run.err
    document = json.loads(run.out)
    codes = [d["code"] for d in document["diagnostics"]]
    assert codes.count("GAI615") == 2 and "GAI614" in codes
    (analysis,) = document["analysis"]
    assert analysis["vacuous"] == [
        {"check": "large_listed", "aggregate": "sum(projects.amount where amount > 100)"},
        {"check": "largest_bounded", "aggregate": "max(projects.amount where amount > 100)"},
    ]
    assert "'projects' with 0, 1, 2, 3 records" in analysis["records_bounded"]["en"]
    witness = analysis["witness"]  # a valid report with the most records searched: every amount at most 50
    assert witness["found_with"]["en"] == "with 3 records of 'projects'"
    amounts = [Decimal(r["values"]["amount"]) for r in witness["records"]["projects"]]
    assert len(amounts) == 3 and all(0 <= a <= 50 for a in amounts)


def test_a_filter_that_keeps_a_record_somewhere_is_not_vacuous(tmp_path: Path) -> None:
    text = (CASES / "gai615_records_vacuous.gai").read_text(encoding="utf-8").replace("amount <= 50", "amount <= 500")
    analysis = analyze_open(spec_of(text))
    assert analysis.satisfiable is True and not analysis.vacuous


@pytest.mark.parametrize("name", ["other_explained.gai", "projects.gai"])
def test_the_witness_is_a_valid_report_with_the_most_records(name: str) -> None:
    spec = spec_at(RECORDS / name)
    analysis = analyze_open(spec, details=True)
    assert analysis.satisfiable is True and not analysis.conflicts and not analysis.incomplete
    witness = analysis.witness
    assert witness is not None
    records = spec.records[next(iter(spec.records))]
    assert witness.report.records == {records.key: RECORD_BOUND}
    assert len(witness.records[records.key]) == RECORD_BOUND
    evaluation = evaluate(spec, witness.report)
    assert evaluation.results and not [r for r in evaluation.results if r.status == "fail"]


def test_check_analyze_over_records_in_text_and_json() -> None:
    """``check --analyze`` on the shipped examples with records: no GAI770, the bound, the witness, record fields'
    bounds under their pattern, a redundant record check named at ``<#>``."""
    run = run_cli("check", "--analyze", "--lang", "en", str(RECORDS / "other_explained.gai"))
    assert run.code == 0 and "GAI770" not in run.err, run.err
    assert "  lists of records (bounded): 'explanations' with 0, 1, 2, 3 records;" in run.out
    assert "  a valid report (with 3 members of 'component', 3 records of 'explanations'):" in run.out
    assert "    explanations.<#>.count  [1, +∞)  Explanations of other · Count" in run.out
    assert "info[GAI614]: spec analysis searched lists of records on bounded instances only" in run.err
    zh = run_cli("check", "--analyze", "--lang", "zh", str(RECORDS / "projects.gai"))
    assert "「projects」1、2、3 条记录；需要多于 3 条记录才出现的矛盾不会被发现" in zh.out


def test_a_record_check_that_always_holds_is_redundant_at_its_slot() -> None:
    spec = spec_of(explained("", "check never_negative for each record: count >= 0", "check t: explained >= 0"))
    analysis = analyze_open(spec, details=True)
    found = next(r for r in analysis.redundant if r.check.key == "never_negative")
    assert found.always and [i.position for i in found.positions] == ["<#>"]
