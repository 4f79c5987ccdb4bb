"""Spec analysis over open dimensions (gaidsl/analysis/open_parts.py, docs/open-dimensions.md#spec-analysis): the
member rules against the key pattern and the code list, bounded instances (0–3 members, a coded hierarchy's level
shapes) with the bound said, contradictions reported with the members they need, redundancy and bounds over every
instance. The contradiction cases per kind are in tests/diagnostics/cases/gai60?_open_*.gai."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.analysis.consistency import analyze
from gaidsl.analysis.open_parts import analyze_open, instances, key_capacity
from gaidsl.checking.open_members import close
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import compile_file, compile_text
from tests.support import DATA, SPECS, Run, examples, run_cli

FOIA = SPECS / "foia_annual_report_2024.gai"
DEPARTMENT = SPECS / "department_final_accounts_2024.gai"
COMPONENTS = DATA / "open" / "agency_components.gai"
SUBJECTS = DATA / "open" / "function_subjects.gai"


def spec_at(path: Path) -> Spec:
    compilation = compile_file(str(path))
    assert compilation.spec is not None
    return compilation.spec


def spec_of(text: str) -> Spec:
    compilation = compile_text(text, "t.gai")
    assert compilation.spec is not None, [d.message.en for d in compilation.diagnostics]
    return compilation.spec


def open_spec(rules: str, check: str, *, total: bool = True) -> str:
    overall = '    total overall "Overall"\n' if total else ""
    return (
        'format x version 1 "t" {\n'
        f'  dimension component "Component" open {{\n    key pattern "[A-Z]{{2,10}}"\n{rules}{overall}  }}\n'
        '  section s "S" {\n    table requests "Requests" : count {\n'
        '      columns { received "Received" processed "Processed" }\n      rows component\n'
        f"      {check}\n    }}\n  }}\n}}\n"
    )


# ---------------------------------------------------------------------------------------------------- member rules


@pytest.mark.parametrize(
    ("pattern", "count"),
    [
        ("X|Y", 2),
        ("[A-Z]{2,3}", 26**2 + 26**3),
        ("[0-9]{3}([0-9]{2}){0,2}", 1000 * (1 + 100 + 10_000)),
        ("A[BC]?", 3),
        ("[A-Z]+", None),  # no end
        ("(?i)x", None),  # case folded: not counted
        (r"\w{2}", None),  # a category: many
        ("(a)\\1", None),  # a back-reference: no bound claimed
    ],
)
def test_key_capacity(pattern: str, count: int | None) -> None:
    assert key_capacity(pattern) == count


@settings(max_examples=examples(0.5))
@given(st.lists(st.text(alphabet="ABCxyz09", min_size=1, max_size=4), min_size=1, max_size=8))
def test_key_capacity_bounds_the_keys_an_alternation_matches(words: list[str]) -> None:
    pattern = "|".join(re.escape(w) for w in words)
    found = key_capacity(pattern)
    assert found is not None and found >= len(set(words))


def test_too_few_keys_for_at_least_is_a_contradiction() -> None:
    spec = spec_of(
        open_spec("    at least 3\n", "check ok for each row: processed <= received").replace("[A-Z]{2,10}", "X|Y")
    )
    analysis = analyze_open(spec)
    assert analysis.satisfiable is False
    (conflict,) = analysis.conflicts
    assert [c.key for c, _ in conflict.checks] == ["members.component.at_least"]
    assert conflict.shapes[0].en == "the key pattern X|Y allows at most 2 distinct keys"


def test_a_code_list_too_short_for_at_least(tmp_path: Path) -> None:
    (tmp_path / "codes.csv").write_text("code,name\n201,一般公共服务支出\n20101,人大事务\n", encoding="utf-8")
    text = SUBJECTS.read_text(encoding="utf-8").replace("function_subjects_2025.csv", "codes.csv")
    (tmp_path / "s.gai").write_text(text.replace("at least 1", "at least 3"), encoding="utf-8")
    run = run_cli("check", "--lang", "en", str(tmp_path / "s.gai"))
    assert run.code == 1
    assert "error[GAI605]: check 'members.subject.at_least' can never hold" in run.err
    assert "the code list has only 2 codes" in run.err


# ---------------------------------------------------------------------------------------------------- instances


def test_instances_follow_at_least_and_at_most() -> None:
    spec = spec_at(COMPONENTS)  # at least 1, at most 200
    assert [len(i.members["component"]) for i in instances(spec)] == [1, 2, 3]
    few = spec_of(open_spec("    at least 2\n    at most 2\n", "check ok for each row: processed <= received"))
    assert [len(i.members["component"]) for i in instances(few)] == [2]
    many = spec_of(open_spec("    at least 7\n", "check ok for each row: processed <= received"))
    assert [len(i.members["component"]) for i in instances(many)] == [7, 8]


def test_coded_shapes_keep_every_parent_and_reach_the_last_level() -> None:
    spec = spec_at(DEPARTMENT)
    found = instances(spec)
    shapes = {i.members["expense_subject"] for i in found}
    coded = spec.open_dimensions["expense_subject"].coded
    assert coded is not None
    for shape in shapes:
        keys = {m.key for m in shape}
        assert all(coded.parent_of(k) is None or coded.parent_of(k) in keys for k in keys)  # no child without parent
    assert {tuple(m.key for m in s) for s in shapes} >= {
        (),
        ("001",),
        ("001", "00101", "0010101"),
        ("001", "00101", "00102"),
    }


def test_coded_shapes_use_the_code_list() -> None:
    spec = spec_at(SUBJECTS)
    coded = spec.open_dimensions["subject"].coded
    assert coded is not None
    for instance in instances(spec):
        for member in instance.members["subject"]:
            assert coded.codes[member.key] == member.label


# ---------------------------------------------------------------------------------------------------- the bound


@settings(max_examples=examples(0.3))
@given(st.integers(0, 3), st.integers(0, 4), st.integers(0, 12))
def test_a_contradiction_is_reported_exactly_at_the_member_counts_it_holds(least: int, each: int, total: int) -> None:
    """Every row (the total row too) is ``each``, the entered rows add up to ``total``: a report of k members is
    valid exactly when k·each == total. Analysis finds the conflict at exactly the searched counts where it is not,
    and calls the spec satisfiable only when every searched count has a valid report."""
    rules = f"    at least {least}\n" if least else ""
    check = f"check each for each row: received == {each}\n      check sum: requests[overall, received] == {total}"
    spec = spec_of(open_spec(rules, check))
    analysis = analyze_open(spec)
    searched = [len(i.members["component"]) for i in instances(spec)]
    assert searched == list(range(least, max(3, least + 1) + 1))
    bad = [k for k in searched if not (k * each == total and each == total)]  # the total row is a row: == each
    assert analysis.satisfiable is (not bad)
    found = sorted({s.en for c in analysis.conflicts for s in c.shapes})
    expected = sorted({f"with {k} member{'s' * (k != 1)} of 'component'" for k in bad})
    assert found == expected


@pytest.fixture(scope="module")
def foia_analysed() -> Run:
    return run_cli("check", "--analyze", "--lang", "en", str(FOIA))


def test_the_bound_is_said_in_text_json_and_a_diagnostic(foia_analysed: Run) -> None:
    run = foia_analysed
    assert run.code == 0, run.err
    said = "'component' with 0, 1, 2, 3 members; contradictions searched with up to 3 members"
    assert f"info[GAI612]: spec analysis searched open dimensions on bounded instances only: {said}" in run.err
    assert f"  open dimensions (bounded): {said}" in run.out
    zh = run_cli("check", "--analyze", "--lang", "zh", str(COMPONENTS))
    assert "「component」1、2、3 个成员；需要多于 3 个成员才出现的矛盾不会被发现" in zh.out
    (analysis,) = json.loads(run_cli("check", "--analyze", "--format", "json", str(COMPONENTS)).out)["analysis"]
    assert analysis["satisfiable"] is True and analysis["conflicts"] == []
    assert "'component' with 1, 2, 3 members" in analysis["bounded"]["en"]


def test_conflicts_in_json_name_the_members_they_need(tmp_path: Path) -> None:
    spec = tmp_path / "s.gai"
    spec.write_text(open_spec("    at least 1\n", "check five for each row: received == 5"), encoding="utf-8")
    run = run_cli("check", "--format", "json", str(spec))
    assert run.code == 1
    (diag,) = json.loads(run.out)["diagnostics"]
    assert diag["code"] == "GAI601"
    assert [h["en"] for h in diag["help"]][:2] == ["with 2 members of 'component'", "with 3 members of 'component'"]


# ---------------------------------------------------------------------------------------------------- the new specs


def test_the_new_specs_are_consistent_on_every_instance(foia_analysed: Run) -> None:
    """Acceptance 1: `check --analyze` passes (the 部门决算's full `--analyze`, redundancy and bounds of its 7
    instances, takes some 8 s: its consistency is asked here, the FOIA report's everything)."""
    department = analyze_open(spec_at(DEPARTMENT))
    assert department.satisfiable is True and department.warnings_satisfiable is True
    assert not department.conflicts and not department.incomplete
    run = foia_analysed
    assert run.code == 0 and "error[" not in run.err and "warning[" not in run.err


def test_redundancy_holds_on_every_instance_and_names_the_slot() -> None:
    spec = spec_at(COMPONENTS)
    analysis = analyze_open(spec, details=True)
    flow = next(r for r in analysis.redundant if r.check.key == "flow")
    assert [i.position for i in flow.positions] == ["<component>", "overall"] and not flow.whole
    for instance in instances(spec):  # each instance agrees: every position of 'flow' follows from the rest
        closed = analyze(close(spec, instance.members), details=True)
        found = next(r for r in closed.redundant if r.check.key == "flow")
        assert len(found.positions) == len(closed.spec.check("flow").instances)
    cells = {b.key[1] for b in analysis.bounds}
    assert "requests.<component>.received" in cells and not any("#" in c for c in cells)


def test_a_check_redundant_only_without_members_is_not_called_redundant() -> None:
    # with 0 members the total is 0, so 'small' (overall <= 0) follows from it; with members it does not
    text = open_spec(
        "", "check small: requests[overall, received] <= 0\n      check ok for each row: processed <= received"
    )
    analysis = analyze_open(spec_of(text), details=True)
    assert analysis.satisfiable is True
    assert "small" not in {r.check.key for r in analysis.redundant}
