"""Samples from specs: valid reports pass every check, invalid ones fail exactly their check; strategies; CLI."""

from __future__ import annotations

import errno
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.analysis.encoding import Problem
from gaidsl.checking import files as files_module
from gaidsl.checking.data import load_report
from gaidsl.checking.evaluate import Status, evaluate
from gaidsl.checking.report import FieldValue, Report
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import compile_file, compile_text
from gaidsl.sampling.samples import Sample, SampleError, invalid_reports, valid_reports, valid_samples
from gaidsl.sampling.strategies import reports, samples, violable_checks, violating
from tests.spec_strategies import spec_texts
from tests.support import SPEC_2021, SPECS, Run, examples, present_number, run_cli

StrPath = str | os.PathLike[str]

SPEC_2019 = SPECS / "gov_info_disclosure_2019.gai"
OVERLAY_2019 = SPECS / "provincial_overlay_2019.gai"
SHIPPED = [SPEC_2021, SPEC_2019, OVERLAY_2019]


def load(path: Path) -> Spec:
    compilation = compile_file(path)
    assert compilation.spec is not None
    return compilation.spec


def spec_of(text: str) -> Spec:
    compilation = compile_text(text, "t.gai")
    assert compilation.ok and compilation.spec is not None, [d.message.en for d in compilation.diagnostics]
    return compilation.spec


@pytest.fixture(scope="module", params=SHIPPED, ids=lambda p: p.stem)
def shipped(request: pytest.FixtureRequest) -> Spec:
    return load(request.param)


# A spec that needs more than equalities: inequalities, if-then, amounts with decimals and tolerance, signed
# integers, a choice field, text checks and a cross-period check.
MIXED = """format mixed version 2020 "混合" {
  unit 万元 "万元"
  field year "年度" : integer required
  field kind "类别" : choice("市级", "县级")
  check recent warning "年度": year >= 2019 and year <= 2024
  section s "二" {
    table t "表" : count {
      columns { n "数量" change "增减" : integer v "金额" : amount in 万元 decimals 2 }
      rows { x "甲" y "乙" whole "合计" }
      check parts for each column: whole == x + y
      check zero_amount "无数量则无金额": if x[n] == 0 then x[v] == 0
      check cap: y[n] <= 3 * x[n] + 10
      check positive_change warning: x[change] + y[change] >= -5
      check value_range: whole[v] < 5000
      check approx "金额约为两倍": x[v] == 2 * y[v] tolerance 0.01
      check carry warning: whole[n] >= previous.t.whole[n]
    }
    text notes "说明" required
    check notes_said warning: mentions(notes, "收费", "费用")
    check notes_clean: not mentions(notes, "保密")
  }
}
"""


def statuses(spec: Spec, report: Report, previous: Report | None = None) -> dict[tuple[str, str | None], Status]:
    return evaluate(spec, report, previous, explain_passes=False).statuses()


# ---------------------------------------------------------------------------------------------------- valid reports


@pytest.mark.parametrize(
    ("path", "count"), [(SPEC_2021, 1000), (SPEC_2019, 1000), (OVERLAY_2019, 300)], ids=["2021", "2019", "overlay"]
)
def test_a_thousand_valid_reports_pass_every_check(path: Path, count: int) -> None:
    spec = load(path)
    across = {check.key for check in spec.checks if check.across_periods}  # looked up once, not per status
    for report in valid_reports(spec, count, seed=11):
        for check, status in statuses(spec, report).items():
            assert status == ("unverifiable" if check[0] in across else "pass"), (check, status, report.to_json())


def test_valid_samples_with_last_year_pass_every_check(shipped: Spec) -> None:
    for sample in valid_samples(shipped, 300, seed=5):
        assert sample.previous is not None
        assert set(statuses(shipped, sample.report, sample.previous).values()) == {"pass"}


def test_valid_reports_of_a_mixed_spec() -> None:
    spec = spec_of(MIXED)
    for sample in valid_samples(spec, 300, seed=3):
        assert set(statuses(spec, sample.report, sample.previous).values()) == {"pass"}, sample.report.to_json()


def test_samples_agree_with_the_z3_encoding(shipped: Spec) -> None:
    """The solver's reading of the checks and the evaluator's agree on samples: every formula holds."""
    problem = Problem(shipped, exact_decimals=True, default_decimals=3)
    encoder = problem.encoder
    for sample in valid_samples(shipped, 20, seed=9):
        solver = z3.Solver()
        solver.add(*encoder.background, *[item.formula for item in problem.items])
        for (kind, key, previous), term in encoder.vars.items():
            source = sample.previous if previous else sample.report
            assert source is not None
            value: FieldValue
            if kind == "cell":
                value = source.values[key]
            elif kind == "field":
                value = source.fields[key]
            else:
                value = source.texts[key]
            if isinstance(value, Decimal):
                solver.add(term == z3.RealVal(str(value)))
            else:
                solver.add(term == z3.StringVal(str(value)))
        assert solver.check() == z3.sat


def test_valid_reports_look_real() -> None:
    spec = load(SPEC_2021)
    batch = valid_reports(spec, 200, seed=1)
    counts = [present_number(v) for r in batch for k, v in r.values.items() if spec.cells[k].type.kind == "count"]
    zeros = sum(1 for v in counts if v == 0) / len(counts)
    assert 0.2 < zeros < 0.9
    assert sum(1 for v in counts if v >= 100) > 0
    assert sum(1 for v in counts if 1 <= v <= 20) > len(counts) * 0.1
    places = {-r.values["fees.administrative_fee.amount"].as_tuple().exponent for r in batch}  # type: ignore[union-attr, operator]
    assert places >= {0, 1, 2, 3} - {1} and max(places) <= 3
    years = {r.fields["year"] for r in batch}
    assert years <= {Decimal(y) for y in range(2021, 2026)} and len(years) > 1
    assert all(r.fields["body"] and r.texts["problems"] for r in batch)
    assert all(len(r.values) == len(spec.cells) for r in batch)


def test_the_same_seed_gives_the_same_reports() -> None:
    spec = load(SPEC_2021)
    assert [r.to_json() for r in valid_reports(spec, 5, seed=4)] == [r.to_json() for r in valid_reports(spec, 5, 4)]
    assert valid_reports(spec, 1, seed=4)[0].to_json() != valid_reports(spec, 1, seed=5)[0].to_json()


def test_last_years_report_is_the_year_before() -> None:
    spec = load(SPEC_2021)
    for sample in valid_samples(spec, 20, seed=2):
        assert sample.previous is not None
        assert sample.previous.fields["year"] == sample.report.fields["year"] - 1  # type: ignore[operator]
        for column in ("natural", "total"):
            assert (
                sample.report.values[f"requests.carried_in.{column}"]
                == sample.previous.values[f"requests.carried_out.{column}"]
            )


def test_a_contradicting_spec_has_no_valid_reports() -> None:
    text = (
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n      columns { a "甲" b "乙" }\n'
        "      check one: a == b + 1\n      check two: b == a + 1\n    }\n  }\n}\n"
    )
    with pytest.raises(SampleError):
        valid_reports(spec_of(text), 1)


# ---------------------------------------------------------------------------------------------------- invalid reports


def assert_breaks_exactly(spec: Spec, sample: Sample) -> None:
    found = statuses(spec, sample.report, sample.previous)
    failing = {k for k, s in found.items() if s == "fail"}
    assert sample.check is not None and sample.positions
    assert failing == {(sample.check, p) for p in sample.positions}, failing
    for (check, _), status in found.items():
        if status == "unverifiable":  # only when the sample has no previous report on purpose
            assert sample.previous is None and spec.check(check).across_periods


def test_an_invalid_report_for_every_check_of_2021() -> None:
    spec = load(SPEC_2021)
    violations = {v.check: v for v in invalid_reports(spec, seed=1)}
    assert set(violations) == {c.key for c in spec.checks}
    for violation in violations.values():
        assert violation.sample is not None and violation.exact, violation
        assert_breaks_exactly(spec, violation.sample)
    # A position of these follows from the other positions, so they fail at two positions (no fewer possible).
    for key in ("balance", "total.requests.total", "total.requests.outcome_total"):
        assert not violations[key].single_position and len(violations[key].sample.positions) == 2  # type: ignore[union-attr]
    for key in ("total.appeals.review_total", "format_in_force", "carry_over", "in_force_carry"):
        assert violations[key].single_position
    # …and the change is a slip of the pen, not a random report.
    assert violations["format_in_force"].sample.report.fields["year"] == 2020  # type: ignore[union-attr]


@pytest.mark.parametrize("path", [SPEC_2019, OVERLAY_2019], ids=lambda p: p.stem)
def test_invalid_reports_of_2019(path: Path) -> None:
    spec = load(path)
    for violation in invalid_reports(spec, seed=2):
        assert violation.sample is not None and violation.exact, violation
        assert_breaks_exactly(spec, violation.sample)
        if violation.check == "published_within_total":
            # It follows from published_total_carry: it can fail alone only when last year's report is not given.
            assert violation.sample.previous is None and "without last year's report" in violation.note
        elif spec.check(violation.check).across_periods or violation.check != "format_in_force":
            assert violation.sample.previous is not None


def test_invalid_reports_of_a_mixed_spec() -> None:
    spec = spec_of(MIXED)
    for violation in invalid_reports(spec, seed=4):
        assert violation.sample is not None and violation.exact, violation
        assert_breaks_exactly(spec, violation.sample)


def test_a_redundant_check_has_no_invalid_report() -> None:
    text = (
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n      columns { a "甲" b "乙" }\n'
        "      check same: a == b\n      check below: a <= b\n    }\n  }\n}\n"
    )
    spec = spec_of(text)
    found = {v.check: v for v in invalid_reports(spec)}
    assert found["below"].redundant and found["below"].sample is None
    assert found["same"].sample is not None and found["same"].exact
    assert violable_checks(spec) == ["same"]
    with pytest.raises(ValueError, match="follows from the others"):
        violating(spec, "below")


# ---------------------------------------------------------------------------------------------------- strategies

SPEC_2021_IR = load(SPEC_2021)
MIXED_IR = spec_of(MIXED)
FAST = settings(max_examples=examples(0.25))


@FAST
@given(reports(SPEC_2021_IR))
def test_strategy_valid_reports(report: Report) -> None:
    for (check, _), status in statuses(SPEC_2021_IR, report).items():
        assert status == ("unverifiable" if SPEC_2021_IR.check(check).across_periods else "pass")


@FAST
@given(samples(MIXED_IR))
def test_strategy_valid_samples_of_mixed_spec(sample: Sample) -> None:
    assert set(statuses(MIXED_IR, sample.report, sample.previous).values()) == {"pass"}


@FAST
@given(st.deferred(lambda: reports(SPEC_2021_IR, valid=False)))  # its templates made when it runs
def test_strategy_invalid_reports(report: Report) -> None:
    failing = [k for k, s in statuses(SPEC_2021_IR, report).items() if s == "fail"]
    assert len({check for check, _ in failing}) == 1


@settings(max_examples=examples(0.05))
@given(st.data())
def test_strategy_violating_every_check(data: st.DataObject) -> None:
    for spec in (SPEC_2021_IR, MIXED_IR):
        for key in violable_checks(spec):
            sample = data.draw(violating(spec, key), label=key)
            assert sample.check == key
            assert_breaks_exactly(spec, sample)


# ---------------------------------------------------------------------------------------------------- the command


def test_sample_command_writes_valid_and_invalid_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("sample", str(SPEC_2021), "--valid", "3", "--invalid", "--seed", "1", "-o", str(out), "--lang", "en")
    assert run.code == 0, run.err
    assert "wrote" in run.out and "3 valid reports (each with last year's), 11 invalid reports" in run.out
    spec = load(SPEC_2021)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["valid"]) == 3 and len(manifest["invalid"]) == 11 and manifest["redundant"] == []
    for entry in manifest["valid"]:
        report = load_report(out / entry["file"], spec)
        previous = load_report(out / entry["previous"], spec)
        assert set(statuses(spec, report, previous).values()) == {"pass"}
    for entry in manifest["invalid"]:
        report = load_report(out / entry["file"], spec)
        previous = load_report(out / entry["previous"], spec)
        failing = {k for k, s in statuses(spec, report, previous).items() if s == "fail"}
        assert failing == {(entry["check"], p) for p in entry["positions"]}


def test_sample_command_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("sample", str(SPEC_2021), "--valid", "2", "-o", str(out)).code == 0
    before = (out / "valid" / "0001.json").read_text(encoding="utf-8")
    again = run_cli("sample", str(SPEC_2021), "--valid", "2", "--seed", "9", "-o", str(out))
    assert again.code == 2 and "--force" in again.err and "Traceback" not in again.err
    assert (out / "valid" / "0001.json").read_text(encoding="utf-8") == before
    forced = run_cli("sample", str(SPEC_2021), "--valid", "2", "--seed", "9", "-o", str(out), "--force")
    assert forced.code == 0
    assert (out / "valid" / "0001.json").read_text(encoding="utf-8") != before
    assert not list(out.rglob("*.tmp"))


def test_sample_command_lists_redundant_checks_and_json(tmp_path: Path) -> None:
    spec = tmp_path / "r.gai"
    spec.write_text(
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n      columns { a "甲" b "乙" }\n'
        "      check same: a == b\n      check below: a <= b\n    }\n  }\n}\n",
        encoding="utf-8",
    )
    run = run_cli("sample", str(spec), "--valid", "1", "--invalid", "-o", str(tmp_path / "o"), "--format", "json")
    assert run.code == 0
    summary = json.loads(run.out)
    assert [r["check"] for r in summary["redundant"]] == ["below"]
    assert [i["check"] for i in summary["invalid"]] == ["same"]
    text = run_cli("sample", str(spec), "--valid", "0", "--invalid", "-o", str(tmp_path / "p"), "--lang", "en")
    assert "no report breaks only these checks" in text.out and "below" in text.out


def test_sample_command_exit_codes(tmp_path: Path) -> None:
    missing = run_cli("sample", str(tmp_path / "nope.gai"), "-o", str(tmp_path / "o"))
    assert missing.code == 2 and "GAI090" in missing.err
    bad = tmp_path / "bad.gai"
    bad.write_text(
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n      columns { a "甲" b "乙" }\n'
        "      check one: a == b + 1\n      check two: b == a + 1\n    }\n  }\n}\n",
        encoding="utf-8",
    )
    contradiction = run_cli("sample", str(bad), "-o", str(tmp_path / "o"))
    assert contradiction.code == 1 and "Traceback" not in contradiction.err
    assert run_cli("sample", str(SPEC_2021), "--valid", "-3", "-o", str(tmp_path / "o")).code == 2
    assert run_cli("sample", str(SPEC_2021)).code == 2
    assert not (tmp_path / "o").exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sample(out: Path, *extra: str) -> Run:
    return run_cli("sample", str(SPEC_2021), "--valid", "2", "-o", str(out), "--lang", "en", *extra)


def test_sample_force_replaces_the_whole_folder_and_its_manifest_lists_exactly_its_files(tmp_path: Path) -> None:
    """The folder is written as a whole: files of an earlier run (or the user's) do not stay beside the new ones,
    where ``gaidsl validate DIR`` would take them for reports the manifest does not know."""
    out = tmp_path / "out"
    assert _sample(out, "--invalid").code == 0
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = _files(out)
    refused = _sample(out, "--seed", "4")
    assert refused.code == 2 and "not empty" in refused.err and "--force" in refused.err, refused.err
    assert _files(out) == before
    forced = _sample(out, "--seed", "4", "--force")
    assert forced.code == 0, forced.err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {e[k] for e in manifest["valid"] + manifest["invalid"] for k in ("file", "previous") if k in e}
    assert set(_files(out)) == listed | {"manifest.json"}
    assert manifest["seed"] == 4 and manifest["invalid"] == [] and len(manifest["valid"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary or old folder left beside it
    assert run_cli("validate", str(SPEC_2021), str(out)).code == 0


def test_sample_fills_an_empty_folder_without_force_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty folder holds nothing to lose: it is filled (the same folder: it may be the one you are in)."""
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o700)
    monkeypatch.chdir(out)
    run = run_cli("sample", str(SPEC_2021), "--valid", "1", "-o", ".", "--lang", "en")
    assert run.code == 0, run.err
    assert (out / "manifest.json").is_file() and (out / "valid" / "0001.json").is_file()
    assert out.stat().st_mode & 0o777 == 0o700 and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sample_never_replaces_a_link_a_file_or_the_folder_you_are_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(mine)
    file = tmp_path / "file"
    file.write_text("mine\n", encoding="utf-8")
    for out, words in ((link, "is a link"), (file, "is not a folder"), (file / "sub", "is not a folder")):
        for extra in ((), ("--force",)):
            run = _sample(out, *extra)
            assert run.code == 2 and words in run.err and "Traceback" not in run.err, run.err
    assert link.is_symlink() and os.listdir(mine) == ["keep.txt"] and file.read_text(encoding="utf-8") == "mine\n"
    monkeypatch.chdir(mine)
    for here in (".", str(tmp_path)):
        run = _sample(Path(here), "--force")
        assert run.code == 2 and "working in" in run.err, run.err
    assert os.listdir(mine) == ["keep.txt"]


def test_a_failure_while_writing_leaves_the_old_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated: the disk fills up at the third file. The new folder is removed, the old one untouched, exit 2."""
    out = tmp_path / "out"
    assert _sample(out).code == 0
    before = _files(out)
    written: list[Path] = []
    real = files_module._write_new

    def failing(path: Path, data: bytes) -> None:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(path)
        real(path, data)

    monkeypatch.setattr(files_module, "_write_new", failing)
    run = _sample(out, "--valid", "5", "--force")
    assert run.code == 2 and "nothing changed" in run.err and "Traceback" not in run.err, run.err
    assert _files(out) == before and len(written) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failure_at_the_final_rename_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new folder is complete, the old one moved aside, and renaming the new one in fails: the old one is back."""
    out = tmp_path / "out"
    assert _sample(out).code == 0
    before = _files(out)
    real = os.rename

    def failing(source: StrPath, target: StrPath) -> None:
        if Path(target) == out and Path(source).name.endswith(".tmp"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(source, target)

    monkeypatch.setattr(os, "rename", failing)
    run = _sample(out, "--seed", "3", "--force")
    assert run.code == 2 and "nothing changed" in run.err, run.err
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------------------------------------------- generated specs


@settings(max_examples=examples(0.15))
@given(text=spec_texts())
def test_generated_specs_sample_and_violate(text: str) -> None:
    from gaidsl.analysis.consistency import analyze

    compilation = compile_text(text)
    assert compilation.spec is not None
    spec = compilation.spec
    for sample in valid_samples(spec, 10, seed=0):
        assert set(statuses(spec, sample.report, sample.previous).values()) <= {"pass"}, sample.report.to_json()
    violations = invalid_reports(spec, seed=0)
    for violation in violations:
        if violation.sample is not None:
            assert violation.exact, violation
            assert_breaks_exactly(spec, violation.sample)
    # No invalid report exactly when the analysis finds the whole check implied by the others.
    analysis = analyze(spec, details=True)
    if analysis.scope == "all":
        implied = {r.check.key for r in analysis.redundant if r.whole and not r.needs_previous}
        assert {v.check for v in violations if v.redundant} == implied


def test_the_solver_fallback_when_drawing_keeps_failing() -> None:
    # A disjunction of rare values: drawing and redrawing hardly ever meets it, z3 finds the nearest valid report.
    text = (
        'format x version 1 "t" {\n  section s "三" {\n    table t : count {\n      columns { a "甲" b "乙" c "丙" }\n'
        "      check rare: a == 7777 or b == 13131\n      check sum: c == a + b\n    }\n  }\n}\n"
    )
    spec = spec_of(text)
    from gaidsl.sampling.samples import sampler

    batch = valid_reports(spec, 20, seed=1)
    assert sampler(spec).fallbacks > 0
    for report in batch:
        assert set(statuses(spec, report).values()) == {"pass"}
