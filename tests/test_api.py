"""The Python API for reports (``gaidsl.load_report``, ``validate``, ``render``, ``ingest_report``, ``sample``): every
kind of argument it takes, and the exceptions it raises with the diagnostics the command line prints."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import gaidsl
import gaidsl.api
from gaidsl.checking.report import Report
from gaidsl.ingest.detect import Unreadable
from tests.support import run_cli

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"
SPEC_2019 = ROOT / "specs" / "gov_info_disclosure_2019.gai"
MIGRATION = ROOT / "specs" / "gov_info_disclosure_2019_to_2021.gai"
DATA = ROOT / "tests" / "data" / "jiujia_2023.json"
PUBLISHED = ROOT / "tests" / "data" / "reports" / "000_a7bba7f129f6cee5.txt"


@pytest.fixture(scope="module")
def spec() -> gaidsl.Spec:
    return gaidsl.load_spec(SPEC)


def test_a_report_from_a_path_a_dict_json_text_yaml_and_csv_is_the_same_report(spec: gaidsl.Spec) -> None:
    from_path = gaidsl.load_report(spec, DATA)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert gaidsl.load_report(spec, data) == from_path
    assert gaidsl.load_report(SPEC, str(DATA)) == from_path  # the spec as a path, the report as a str path
    assert gaidsl.load_report(spec, DATA.read_text(encoding="utf-8")) == from_path  # JSON text: no kind needed
    assert gaidsl.load_report(spec, from_path) is from_path
    yaml_text = (
        "format: gov_info_disclosure\nversion: '2021'\nfields: {body: 某局, year: 2023}\n"
        "texts: {overview: 略, problems: 略, other_matters: 略}\nvalues:\n  fees.administrative_fee.amount: 7730.28\n"
    )
    assert str(gaidsl.load_report(spec, yaml_text, kind="yaml").value("fees.administrative_fee.amount")) == "7730.28"
    with pytest.raises(ValueError, match="kind="):
        gaidsl.load_report(spec, "body: x\nyear: 2023\n")  # text that is not JSON says which syntax it needs


def test_a_filled_workbook_is_a_report_too(spec: gaidsl.Spec, tmp_path: Path) -> None:
    report = gaidsl.load_report(spec, DATA)
    workbook = tmp_path / "filled.xlsx"
    workbook.write_bytes(gaidsl.render(spec, report, to="xlsx"))  # type: ignore[arg-type]
    assert gaidsl.load_report(spec, workbook).values == report.values


def test_bad_reports_raise_report_error_with_the_diagnostics(spec: gaidsl.Spec, tmp_path: Path) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["values"]["requests.received.natural"] = 1.5
    with pytest.raises(gaidsl.ReportError) as raised:
        gaidsl.validate(spec, data)
    assert [d.code for d in raised.value.diagnostics] == ["GAI706"]
    assert "GAI706" in raised.value.render("en") and "一、本年新收政府信息公开申请数量" in raised.value.render("zh")
    with pytest.raises(gaidsl.ReportError) as raised:
        gaidsl.load_report(spec, tmp_path / "missing.json")
    assert raised.value.diagnostics[0].code == "GAI090"
    with pytest.raises(gaidsl.ReportError):
        gaidsl.load_report(spec, '{"values": ')  # broken JSON text: GAI701
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["values"]["requests.recieved.natural"] = 1
    with pytest.raises(gaidsl.ReportError, match=r"requests\.recieved\.natural"):
        gaidsl.load_report(spec, data)


def test_data_warnings_are_python_warnings(spec: gaidsl.Spec) -> None:
    data = {"fields": {"body": "某局", "year": 2023}}  # no format id and no version: two GAI717 warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gaidsl.load_report(spec, data)
    found = [w.message for w in caught if isinstance(w.message, gaidsl.ReportWarning)]
    assert [w.diagnostic.code for w in found] == ["GAI717", "GAI717"]
    assert all(w.diagnostic.severity == "warning" for w in found)


def test_spec_errors_and_a_migration_given_as_a_spec(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gai"
    bad.write_text('format x version 1 "x" {\n  field body "主体" : txet\n}\n', encoding="utf-8")
    with pytest.raises(gaidsl.SpecError) as raised:
        gaidsl.validate(bad, {})
    assert raised.value.diagnostics and "bad.gai" in raised.value.render("en")
    with pytest.raises(gaidsl.SpecError, match="is a migration, not a spec"):
        gaidsl.load_spec(MIGRATION)


def test_validate_gives_the_evaluation_with_and_without_last_years_report(spec: gaidsl.Spec) -> None:
    evaluation = gaidsl.validate(spec, DATA)
    assert isinstance(evaluation, gaidsl.Evaluation)
    assert evaluation.ok and evaluation.failures == ()
    assert {r.check for r in evaluation.by_status("unverifiable")} >= {"carry_over"}  # no previous report
    assert json.loads(evaluation.to_json())["summary"] == evaluation.summary()
    sample = gaidsl.sample(spec, seed=4)
    assert sample.previous is not None
    paired = gaidsl.validate(spec, sample.report, previous=sample.previous)
    assert paired.summary()["pass"] == paired.summary()["results"]


def test_last_years_report_in_the_old_format_is_migrated_first(spec: gaidsl.Spec) -> None:
    old = gaidsl.sample(SPEC_2019, seed=2).report
    current = gaidsl.sample(spec, seed=2).report
    with pytest.raises(gaidsl.ReportError) as raised:
        gaidsl.validate(spec, current, previous=old)  # a 2019 report is not a 2021 report
    assert {d.code for d in raised.value.diagnostics} & {"GAI710", "GAI711"}
    evaluation = gaidsl.validate(spec, current, previous=old, previous_migration=MIGRATION)
    carry = [r for r in evaluation.results if r.check == "carry_over"]
    assert carry and all(r.status != "unverifiable" for r in carry)  # last year's 四 came through the migration
    with pytest.raises(gaidsl.SpecError):
        gaidsl.validate(spec, current, previous=old, previous_migration=SPEC)  # a spec is no migration


@pytest.mark.parametrize(
    ("to", "kind"),
    [("html", str), ("md", str), ("txt", str), ("form", str), ("docx", bytes), ("pdf", bytes), ("xlsx", bytes)],
)
def test_render_gives_text_or_bytes(spec: gaidsl.Spec, to: str, kind: type) -> None:
    rendered = gaidsl.render(spec, DATA, to=to)
    assert isinstance(rendered, kind)
    if isinstance(rendered, str):
        assert "三、收到和处理政府信息公开申请情况" in rendered
    blank = gaidsl.render(SPEC, to=to)  # no report: the blank report
    assert isinstance(blank, kind) and blank != rendered


def test_render_refuses_an_unknown_format(spec: gaidsl.Spec) -> None:
    with pytest.raises(ValueError, match="unknown rendering"):
        gaidsl.render(spec, DATA, to="rtf")


def test_ingest_reads_a_published_report_from_a_path_or_bytes(spec: gaidsl.Spec, tmp_path: Path) -> None:
    expected = gaidsl.load_report(spec, DATA)
    read = gaidsl.ingest_report(spec, PUBLISHED)
    assert read.ingested.report.values == expected.values
    assert read.ingested.provenance["requests.received.natural"].line == 77
    again = gaidsl.ingest_report([SPEC_2019, SPEC], PUBLISHED.read_bytes())  # the version chosen by the layout
    assert again.spec.version == "2021" and again.ingested.report.values == expected.values
    with pytest.raises(Unreadable):
        gaidsl.ingest_report(spec, tmp_path / "missing.txt")


def test_sample_valid_and_failing_one_check(spec: gaidsl.Spec) -> None:
    valid = gaidsl.sample(spec, seed=9)
    assert isinstance(valid.report, Report) and gaidsl.validate(spec, valid.report, valid.previous).ok
    assert gaidsl.sample(spec, seed=9) == valid  # the seed decides
    broken = gaidsl.sample(spec, seed=9, failing="balance")
    failures = gaidsl.validate(spec, broken.report, broken.previous).failures
    assert {f.check for f in failures} == {"balance"}
    with pytest.raises(ValueError, match="no check 'nope'"):
        gaidsl.sample(spec, failing="nope")


def test_import_gaidsl_does_not_load_the_report_api() -> None:
    code = "import sys, gaidsl; print('gaidsl.api' in sys.modules, 'weasyprint' in sys.modules); gaidsl.validate"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["False", "False"]


def test_a_migrated_report_by_its_path_is_judged_without_the_exempted_checks(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(gaidsl.sample(SPEC_2019, seed=5).report.to_json(), encoding="utf-8")
    assert run_cli("migrate", str(MIGRATION), str(old), "-o", str(tmp_path / "out")).code == 0
    migrated = tmp_path / "out" / "old.json"
    assert "format_in_force" not in {r.check for r in gaidsl.validate(SPEC, migrated).results}
    as_data = json.loads(migrated.read_text(encoding="utf-8"))  # the same report, not by its path: no log, no exemption
    assert "format_in_force" in {r.check for r in gaidsl.validate(SPEC, as_data).failures}


def test_specs_that_ship_are_named_as_on_the_command_line(spec: gaidsl.Spec) -> None:
    by_name = gaidsl.load_spec("gov_info_disclosure@2021")
    assert (by_name.id, by_name.version) == (spec.id, spec.version) and by_name.cells.keys() == spec.cells.keys()
    assert gaidsl.validate("gov_info_disclosure@2021", DATA).verdict == "pass"
    with pytest.raises(gaidsl.SpecError) as raised:
        gaidsl.load_spec("gov_info_disclosure@2099")
    assert [d.code for d in raised.value.diagnostics] == ["GAI801"]
    with pytest.raises(gaidsl.SpecError, match="is a migration, not a spec"):
        gaidsl.load_spec("gov_info_disclosure@2019..2021")


def test_the_package_offers_exactly_the_api_modules_functions() -> None:
    """``gaidsl.load_spec`` and the others are looked up lazily in :mod:`gaidsl.api`: the list of names that are
    must be that module's ``__all__`` (less its type aliases), or a new function is silently missing from the top."""
    aliases = {"ReportLike", "SpecLike"}
    assert set(gaidsl._API) == set(gaidsl.api.__all__) - aliases
    assert set(gaidsl._API) <= set(gaidsl.__all__)
    for name in gaidsl._API:
        assert getattr(gaidsl, name) is getattr(gaidsl.api, name)
