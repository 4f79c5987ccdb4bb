"""Spec analysis: consistency (smallest conflicting checks), redundancy, forced cells and bounds; `gaidsl check`."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings

from gaidsl.analysis.consistency import analyze
from gaidsl.analysis.findings import diagnostics
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import compile_file, compile_text
from tests.spec_strategies import spec_texts
from tests.support import SPEC_2021, SPECS, examples, run_cli

SPEC_2019 = SPECS / "gov_info_disclosure_2019.gai"
OVERLAY_2019 = SPECS / "provincial_overlay_2019.gai"


def spec_of(text: str) -> Spec:
    compilation = compile_text(text, "t.gai")
    assert compilation.spec is not None, [d.message.en for d in compilation.diagnostics]
    return compilation.spec


def table_spec(*checks: str, columns: str = 'a "甲" b "乙" c "丙"', kind: str = "count") -> str:
    lines = "\n".join(f"      {c}" for c in checks)
    return (
        'format x version 1 "t" {\n  section s "三" {\n'
        f"    table t : {kind} {{\n      columns {{ {columns} }}\n{lines}\n    }}\n  }}\n}}\n"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.gai"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------- the 2021 spec


@pytest.fixture(scope="module")
def analysis_2021() -> dict[str, object]:
    run = run_cli("check", "--analyze", "--format", "json", str(SPEC_2021))
    assert run.code == 0, run.err
    document = json.loads(run.out)
    (analysis,) = document["analysis"]
    assert isinstance(analysis, dict)
    return analysis


def test_2021_is_satisfiable_with_and_without_warnings(analysis_2021: dict[str, object]) -> None:
    assert analysis_2021["satisfiable"] is True
    assert analysis_2021["warnings_satisfiable"] is True
    assert analysis_2021["conflicts"] == []
    assert analysis_2021["incomplete"] == []


def test_2021_redundancy_is_reported_honestly(analysis_2021: dict[str, object]) -> None:
    redundant = {r["check"]: r for r in analysis_2021["redundant"]}  # type: ignore[attr-defined]
    # The table of part 三 is a two-way sum (rows add up to 总计, columns to （七）总计) and the balance holds in
    # every column: each single position of these three checks follows from all the others, but no check as a
    # whole does (each can fail while every other check holds).
    assert set(redundant) == {"balance", "total.requests.total", "total.requests.outcome_total"}
    for key, count in (("balance", 7), ("total.requests.total", 25), ("total.requests.outcome_total", 7)):
        assert redundant[key]["whole"] is False
        assert redundant[key]["always"] is False
        assert len(redundant[key]["positions"]) == count
    # …so a set that can go together: the balance in the 总计 column (it follows from the other columns plus the
    # row totals) and one row total.
    together = {(d["check"], d["position"]) for d in analysis_2021["droppable_together"]}  # type: ignore[attr-defined]
    assert ("balance", "total") in together
    assert len(together) == 2
    assert analysis_2021["forced"] == []


def test_2021_bounds(analysis_2021: dict[str, object]) -> None:
    bounds = {b["ref"]: b for b in analysis_2021["bounds"]}  # type: ignore[attr-defined]
    assert bounds["year"]["min"] == "2021" and bounds["year"]["max"] is None
    assert bounds["requests.received.natural"]["min"] == "0"
    assert bounds["requests.received.natural"]["max"] is None
    assert bounds["fees.administrative_fee.amount"]["kind"] == "amount"
    assert len([b for b in bounds if not b.startswith("previous.")]) == 201  # 200 cells and the year


def test_2021_check_analyze_text() -> None:
    run = run_cli("check", "--analyze", "--lang", "en", str(SPEC_2021))
    assert run.code == 0
    assert "error checks can all hold: yes" in run.out
    assert "balance: each of these positions follows from the rest (not all at once)" in run.out
    assert "positions that can be dropped together: balance[total]" in run.out
    assert "year  [2021, +∞)" in run.out
    assert "GAI607" in run.err and "balance" in run.err


def test_plain_check_runs_consistency_only() -> None:
    run = run_cli("check", "--format", "json", str(SPEC_2021))
    assert run.code == 0
    assert json.loads(run.out)["diagnostics"] == []


def test_2019_redundancy_that_needs_last_years_report() -> None:
    compilation = compile_file(SPEC_2019)
    assert compilation.spec is not None
    analysis = analyze(compilation.spec, details=True)
    found = {r.check.key: r for r in analysis.redundant}
    within = found["published_within_total"]
    assert within.whole and within.support == ("published_total_carry",) and within.needs_previous
    codes = [d.code for d in diagnostics(analysis)]
    assert "GAI602" in codes


def test_overlay_year_is_pinned_but_not_reported_as_forced_cell() -> None:
    compilation = compile_file(OVERLAY_2019)
    assert compilation.spec is not None
    analysis = analyze(compilation.spec, details=True)
    year = next(b for b in analysis.bounds if b.key == ("field", "year", False))
    assert year.forced and year.lower == 2020
    assert "GAI603" not in [d.code for d in diagnostics(analysis)]


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(start))


def test_overlay_analysis_lists_the_removed_check_with_its_reason() -> None:
    reason = "本省格式仅用于2020年度报告，由 province_year 校验代替"
    label = "本格式（试行）用于2019年度和2020年度报告"
    at = f"{OVERLAY_2019}:{_line_of(OVERLAY_2019, 'remove check format_in_force')}"
    zh = run_cli("check", "--analyze", str(OVERLAY_2019))
    assert zh.code == 0, zh.err
    lines = zh.out.splitlines()
    heading = lines.index("  扩展删除的校验（不参与分析）：")
    assert lines[heading + 1] == f"    format_in_force「{label}」：扩展删除了它（{at}），理由：{reason}"
    assert "22 条校验，另有 1 条被扩展删除" in zh.out
    en = run_cli("check", "--analyze", "--lang", "en", str(OVERLAY_2019)).out
    assert f"    format_in_force 「{label}」: removed by the overlay ({at}) because {reason}" in en.splitlines()
    assert "ok (201 cells, 22 checks, 1 removed by the overlay, 0 warnings)" in en
    (analysis,) = json.loads(run_cli("check", "--analyze", "--format", "json", str(OVERLAY_2019)).out)["analysis"]
    assert analysis["removed_checks"] == [
        {
            "check": "format_in_force",
            "label": label,
            "severity": "warning",
            "table": None,
            "section": None,
            "reason": reason,
            "removed_at": at,
            "declared_at": f"{SPEC_2019}:{_line_of(SPEC_2019, 'check format_in_force')}",
        }
    ]
    # not analysed as a live check: nothing else in the analysis names it
    rest = {k: v for k, v in analysis.items() if k != "removed_checks"}
    assert "format_in_force" not in json.dumps(rest)
    # the national spec has none
    assert "扩展删除" not in run_cli("check", "--analyze", str(SPEC_2019)).out
    (national,) = json.loads(run_cli("check", "--analyze", "--format", "json", str(SPEC_2019)).out)["analysis"]
    assert national["removed_checks"] == []


# ---------------------------------------------------------------------------------------------------- contradictions


def test_contradicting_equalities_are_rejected_naming_both(tmp_path: Path) -> None:
    spec = write(tmp_path, table_spec("check one: a == 1", "check two: a == 2", "check three: b <= c"))
    run = run_cli("check", "--lang", "en", str(spec))
    assert run.code == 1
    assert "error[GAI601]: checks contradict each other: 'one', 'two'" in run.err
    assert "three" not in run.err
    assert f"{spec}:5:7" in run.err and f"{spec}:6:7: 'two' is part of it" in run.err


def test_contradicting_inequalities_json(tmp_path: Path) -> None:
    spec = write(tmp_path, table_spec("check up: a > b", "check down: b > a", "check fine: c == a + b"))
    run = run_cli("check", "--format", "json", str(spec))
    assert run.code == 1
    (diag,) = json.loads(run.out)["diagnostics"]
    assert diag["code"] == "GAI601" and diag["severity"] == "error"
    assert "'up', 'down'" in diag["message"]["en"]
    assert diag["span"]["line"] == 5 and diag["related"][0]["span"]["line"] == 6


def test_every_unrelated_contradiction_is_reported(tmp_path: Path) -> None:
    spec = write(tmp_path, table_spec("check p: a == 1", "check q: a == 2", "check r: b > c", "check s: c > b"))
    run = run_cli("check", "--lang", "en", str(spec))
    assert run.code == 1
    assert run.err.count("GAI601") == 2
    assert "'p', 'q'" in run.err and "'r', 's'" in run.err


def test_the_smallest_conflict_is_named() -> None:
    # The solver's first core may hold all four; only 'big' and 'small' are needed.
    spec = spec_of(
        table_spec("check sum: a == b + c", "check big: a >= 10", "check b_small: b <= 2", "check small: a <= 3")
    )
    analysis = analyze(spec)
    assert analysis.satisfiable is False
    (conflict,) = analysis.conflicts
    assert [c.key for c, _ in conflict.checks] == ["big", "small"]
    assert conflict.smallest


def test_a_conflict_needing_several_checks() -> None:
    spec = spec_of(table_spec("check sum: a == b + c", "check b1: b >= 2", "check c1: c >= 2", "check a3: a <= 3"))
    (conflict,) = analyze(spec).conflicts
    assert sorted(c.key for c, _ in conflict.checks) == ["a3", "b1", "c1", "sum"]


def test_conflict_positions_are_minimised() -> None:
    text = (
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n'
        '      columns { a "甲" b "乙" }\n      rows { r "行" q "列" }\n'
        "      check more for each column: r > q\n      check pinned: q[b] > r[b]\n    }\n  }\n}\n"
    )
    (conflict,) = analyze(spec_of(text)).conflicts
    named = {c.key: [i.position for i in instances] for c, instances in conflict.checks}
    assert named == {"more": ["b"], "pinned": [None]}


def test_a_check_that_can_never_hold(tmp_path: Path) -> None:
    spec = write(tmp_path, table_spec("check negative: a + b < 0", "check ok: c == a"))
    run = run_cli("check", "--lang", "en", str(spec))
    assert run.code == 1
    assert "error[GAI605]: check 'negative' can never hold" in run.err


def test_warnings_that_contradict_are_a_warning(tmp_path: Path) -> None:
    spec = write(tmp_path, table_spec("check high warning: a > 5", "check low warning: a < 3", "check e: b == c"))
    run = run_cli("check", "--lang", "en", str(spec))
    assert run.code == 0
    assert "warning[GAI604]" in run.err and "'high', 'low'" in run.err


def test_amounts_with_tolerance() -> None:
    # |a - 1| <= 0.5 and |a - 1.8| <= 0.5 overlap in [1.3, 1.5]; with tolerance 0.1 they do not.
    loose = table_spec("check one: a == 1 tolerance 0.5", "check two: a == 1.8 tolerance 0.5", kind="amount in 万元")
    tight = table_spec("check one: a == 1 tolerance 0.1", "check two: a == 1.8 tolerance 0.1", kind="amount in 万元")
    loose = loose.replace('format x version 1 "t" {', 'format x version 1 "t" {\n  unit 万元 "万元"')
    tight = tight.replace('format x version 1 "t" {', 'format x version 1 "t" {\n  unit 万元 "万元"')
    assert analyze(spec_of(loose)).satisfiable is True
    assert analyze(spec_of(tight)).satisfiable is False


def test_text_checks_can_contradict() -> None:
    text = (
        'format x version 1 "t" {\n  section s "五" {\n    text notes "说明"\n'
        '    check said: mentions(notes, "收费")\n    check blank: empty(notes)\n  }\n}\n'
    )
    (conflict,) = analyze(spec_of(text)).conflicts
    assert sorted(c.key for c, _ in conflict.checks) == ["blank", "said"]


# ---------------------------------------------------------------------------------------------------- details


def test_tautology_redundancy_forced_and_bounds() -> None:
    spec = spec_of(
        table_spec(
            "check always: a + b >= 0",
            "check same: b == c",
            "check again: c == b",
            "check zero: a + b <= 0",
            "check capped: c <= 5",
        )
    )
    analysis = analyze(spec, details=True)
    found = {r.check.key: r for r in analysis.redundant}
    assert found["always"].always
    assert found["same"].whole and found["same"].support == ("again",)
    forced = {b.key[1]: b.lower for b in analysis.forced}
    assert forced == {"t.a": 0, "t.b": 0, "t.c": 0}
    codes = [d.code for d in diagnostics(analysis)]
    assert codes.count("GAI603") == 3 and "GAI606" in codes and "GAI602" in codes


def test_bounds_of_integers_and_strict_amounts() -> None:
    text = table_spec("check lo: a >= -3", "check hi: a < 7", "check any: b == c", kind="integer")
    analysis = analyze(spec_of(text), details=True)
    bounds = {b.key[1]: b for b in analysis.bounds}
    assert bounds["t.a"].lower == -3 and bounds["t.a"].upper == 6
    assert bounds["t.b"].lower is None and bounds["t.b"].upper is None
    amounts = table_spec("check hi: a < 7", "check any: b == c", kind="amount in 万元")
    amounts = amounts.replace('format x version 1 "t" {', 'format x version 1 "t" {\n  unit 万元 "万元"')
    bound = next(b for b in analyze(spec_of(amounts), details=True).bounds if b.key[1] == "t.a")
    assert bound.lower == 0 and bound.upper == Fraction(7) and bound.upper_strict
    assert bound.interval() == "[0, 7)"


# ---------------------------------------------------------------------------------------------------- generated specs


@settings(max_examples=examples(0.25))
@given(text=spec_texts())
def test_generated_specs_analyse_cleanly(text: str) -> None:
    compilation = compile_text(text)
    assert compilation.spec is not None
    analysis = analyze(compilation.spec, details=True)
    # Generated checks are sums and comparisons over cells ≥ 0: the all-zero report satisfies every error check.
    assert analysis.satisfiable is True
    assert not analysis.incomplete
    for redundancy in analysis.redundant:
        assert redundancy.positions
