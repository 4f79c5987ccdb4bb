"""The proof (gaidsl.migrations.proof): the shipped 2019 → 2021 migration passes; deliberately wrong ones are rejected
with a
smallest counterexample that the reference evaluator confirms; and the three-valued encoding of checks agrees with
the evaluator on reports with blanks, unknowns and failures."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
import z3  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.checking.evaluate import evaluate, evaluate_instance
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.language import ir
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import compile_file
from gaidsl.migrations.migration import Migration
from gaidsl.migrations.proof import Encoding, kleene, prove, shift
from gaidsl.sampling.strategies import samples
from tests.support import SPECS, examples

MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"
SHIPPED_ALLOCATION = "allocate no_correction = unknown, fee_unpaid = unknown, other_reasons = old"


def compiled(path: Path) -> Migration:
    compilation = compile_file(path)
    assert compilation.ok and compilation.migration is not None, compilation.diagnostics
    return compilation.migration


def variant(tmp_path: Path, old: str, new: str, name: str = "m.gai") -> Migration:
    """The shipped migration with ``old`` replaced by ``new``, its specs found where they are shipped."""
    text = MIGRATION.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new).replace('in "gov_info_disclosure_20', f'in "{SPECS}/gov_info_disclosure_20')
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return compiled(path)


@pytest.fixture(scope="module")
def shipped() -> Migration:
    return compiled(MIGRATION)


def test_the_shipped_migration_is_proved(shipped: Migration) -> None:
    proof = prove(shipped)
    assert proof.holds is True, proof.render_text("en")
    assert proof.counterexample is None and proof.diagnostics() == []
    assert proof.positions == sum(len(c.instances) for c in shipped.new.checks) - 1  # format_in_force exempt
    assert proof.unknown_cells == 19 and proof.completion_checked
    text = proof.render_text("en")
    assert "proof holds" in text and "format_in_force" in text
    assert proof.to_json_dict()["holds"] is True


def test_copying_the_single_row_to_1_and_3_is_rejected(tmp_path: Path) -> None:
    """Acceptance: （六） mapped to （六）1 and also to 3 — with 2 unknown, nothing fails right after migrating (the
    totals are unverifiable), but whatever is entered in 2 the total is off by the old value."""
    wrong = variant(
        tmp_path, SHIPPED_ALLOCATION, "allocate no_correction = old, fee_unpaid = unknown, other_reasons = old"
    )
    proof = prove(wrong)
    assert proof.holds is False
    example = proof.counterexample
    assert example is not None and example.stage == "cannot_complete"
    assert example.check == "total.requests.outcome_total"
    column = example.position
    assert example.old.values[f"requests.other_handling.{column}"] == 1  # the smallest: one such application
    assert example.unknown == (f"requests.fee_unpaid.{column}",)
    assert example.verified is True  # the evaluator, on the migrated report with 2 entered as best it can be
    assert example.completed is not None
    assert (
        evaluate_instance(
            wrong.new, wrong.new.check(example.check), _instance(wrong, example), example.completed
        ).status
        == "fail"
    )
    [diag] = proof.diagnostics()
    assert diag.code == "GAI521" and diag.span is not None and diag.span.line == 41  # the split statement
    assert any("requests.other_handling" in h.en for h in diag.help)


def test_with_a_fixed_zero_the_migrated_report_fails_at_once(tmp_path: Path) -> None:
    wrong = variant(tmp_path, SHIPPED_ALLOCATION, "allocate no_correction = old, fee_unpaid = 0, other_reasons = old")
    proof = prove(wrong)
    example = proof.counterexample
    assert proof.holds is False and example is not None and example.stage == "fails"
    assert example.check == "total.requests.outcome_total" and example.verified is True
    # the counterexample is a valid old report whose migration the evaluator fails at that check
    assert evaluate(wrong.old, example.old, explain_passes=False).failures == ()
    migrated = apply(wrong, example.old).report
    failing = {(r.check, r.position) for r in evaluate(wrong.new, migrated, explain_passes=False).failures}
    assert (example.check, example.position) in failing
    assert sum(v for v in example.old.values.values() if isinstance(v, Decimal)) <= 6  # small: a few ones
    assert [d.code for d in proof.diagnostics()] == ["GAI520"]


def test_without_the_exemption_the_year_check_breaks(tmp_path: Path) -> None:
    text = MIGRATION.read_text(encoding="utf-8")
    start = text.index("  exempt check format_in_force")
    end = text.index(";", start) + 1
    wrong = variant(tmp_path, text[start:end], "")
    proof = prove(wrong)
    assert proof.counterexample is not None and proof.counterexample.check == "format_in_force"
    assert proof.counterexample.old.fields["year"] in (2019, 2020)


def test_dropping_the_split_rows_values_breaks_nothing_but_is_listed(tmp_path: Path) -> None:
    """Dropping （六） and declaring its three rows new loses data but breaks no check: the proof holds; what makes
    it visible is the log (dropped, with the reason)."""
    text = MIGRATION.read_text(encoding="utf-8")
    start = text.index("  split row requests.other_handling")
    end = text.index(";", start) + 1
    replaced = (
        'drop row requests.other_handling because "不拆分";\n'
        "  new row requests.no_correction, requests.fee_unpaid, requests.other_reasons must be entered;"
    )
    m = variant(tmp_path, text[start:end], replaced)
    assert prove(m).holds is True


def _instance(m: Migration, example: object) -> ir.CheckInstance:
    check = m.new.check(example.check)  # type: ignore[attr-defined]
    return next(i for i in check.instances if i.position == example.position)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------- the encoding


def test_shift_reads_last_years_report() -> None:
    expr = ir.Compare("==", ir.CellRef("a"), ir.Sum(((1, ir.CellRef("b")), (-1, ir.CellRef("c", previous=True)))))
    shifted = shift(ir.Implies(ir.Mentions(ir.TextRef("t"), ("x",)), expr))
    assert isinstance(shifted, ir.Implies)
    assert all(r.previous for r in ir.cells_of(shifted))
    assert isinstance(shifted.condition, ir.Mentions) and shifted.condition.arg.previous


def _perturbed(report: Report, rng: random.Random, spec: ir.Spec) -> Report:
    values = dict(report.values)
    for key in list(values):
        roll = rng.random()
        if roll < 0.08:
            values[key] = BLANK
        elif roll < 0.12:
            values[key] = UNKNOWN
        elif roll < 0.16 and isinstance(value := values[key], Decimal) and value > 0:
            values[key] = value - 1
    fields = dict(report.fields)
    if rng.random() < 0.2:
        fields["year"] = BLANK
    texts = dict(report.texts)
    if rng.random() < 0.3:
        texts["other_matters"] = UNKNOWN if rng.random() < 0.5 else "无"
    return Report(report.format, report.version, fields, texts, values)


@settings(max_examples=examples(0.25))
@given(data=st.data())
def test_the_three_valued_encoding_agrees_with_the_evaluator(shipped: Migration, data: st.DataObject) -> None:
    """For every check of the 2019 spec, at every position: z3's (definitely true, definitely false) under the
    report's values is (pass, fail) of the reference evaluator — blanks, unknowns and broken values included."""
    spec = shipped.old
    sample = data.draw(samples(spec))
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    report = _perturbed(sample.report, rng, spec)
    previous = _perturbed(sample.previous, rng, spec) if sample.previous is not None and rng.random() < 0.8 else None
    encoding = Encoding(shipped)
    solver = z3.Solver()
    formulas = []
    for check in spec.checks:
        atom = encoding.old_atom(check.tolerance)
        for instance in check.instances:
            formulas.append((check, instance, kleene(instance.expr, atom)))
    for key, var in encoding.old.vars.items():
        kind, name, is_previous = key
        source = previous if is_previous else report
        if source is None:
            value: object = BLANK
        elif kind == "cell":
            value = source.values.get(name, BLANK)
        elif kind == "field":
            value = source.fields.get(name, BLANK)
        else:
            value = source.texts.get(name, BLANK)
            if value is BLANK:
                value = ""  # a text left out is the empty text
        known = isinstance(value, Decimal | str)
        solver.add(encoding.known_old(key) == known)
        if isinstance(value, Decimal):
            solver.add(var == z3.RealVal(str(value)) if not var.is_int() else var == int(value))
        elif isinstance(value, str):
            solver.add(var == z3.StringVal(value))
    assert str(solver.check()) == "sat"
    model = solver.model()
    evaluation = evaluate(spec, report, previous)
    statuses = evaluation.statuses()
    for check, instance, (true, false) in formulas:
        t = z3.is_true(model.eval(true, model_completion=True))
        f = z3.is_true(model.eval(false, model_completion=True))
        expected = statuses[(check.key, instance.position)]
        got = "pass" if t else "fail" if f else "unverifiable"
        assert not (t and f)
        assert got == expected, (check.key, instance.position)
