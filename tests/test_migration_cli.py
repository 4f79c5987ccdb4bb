"""``gaidsl migrate`` end to end: the proof with --check, data files converted with their logs, nothing overwritten
without --force, nothing written when the migration is wrong or an input unreadable, exit codes 0/1/2, never a
traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaidsl.migrations.documents import compile_file
from gaidsl.sampling.samples import valid_samples
from tests.support import ROOT, SPECS, examples, run_cli

MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"
SPEC_2019 = SPECS / "gov_info_disclosure_2019.gai"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
CASES = ROOT / "tests" / "migrations"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    spec = compile_file(SPEC_2019).spec
    assert spec is not None
    folder = tmp_path_factory.mktemp("reports")
    paths = []
    for number, sample in enumerate(valid_samples(spec, 3, seed=11), 1):
        for name, report in ((f"{number}.json", sample.report), (f"{number}.previous.json", sample.previous)):
            assert report is not None
            path = folder / name
            path.write_text(report.to_json(), encoding="utf-8")
            paths.append(path)
    return paths


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text


def test_check_prints_the_proof() -> None:
    run = run_cli("migrate", str(MIGRATION), "--check", "--lang", "en")
    assert run.code == 0, run.err
    assert "proof holds" in run.out and "format_in_force" in run.out
    run = run_cli("migrate", str(MIGRATION), "--format", "json")  # no DATA: the same as --check
    document = json.loads(run.out)
    assert run.code == 0 and document["ok"] is True and document["proof"]["holds"] is True


def test_migrating_writes_reports_and_logs(reports: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("migrate", str(MIGRATION), *map(str, reports), "-o", str(out), "--lang", "en")
    assert run.code == 0, run.err
    assert "migrated 6 reports" in run.out
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{p.stem}{suffix}" for p in reports for suffix in (".json", ".log.json", ".log.txt"))
    assert not list(out.glob(".*.tmp"))
    migrated = json.loads((out / "1.json").read_text(encoding="utf-8"))
    assert (migrated["format"], migrated["version"]) == ("gov_info_disclosure", "2021")
    assert migrated["values"]["requests.no_correction.natural"] == "unknown"
    log = json.loads((out / "1.log.json").read_text(encoding="utf-8"))
    assert log["summary"]["dropped"] == 17 and log["new_checks"]["errors"] == 0
    assert log["new_failures"] == []  # format_in_force fails (the year is 2019 or 2020) but the migration exempts it
    assert [(e["check"], e["would_fail"]) for e in log["exempt"]] == [("format_in_force", 1)]
    text = (out / "1.log.txt").read_text(encoding="utf-8")
    assert "dropped" in text and "split" in text
    assert "checks failing after migration" not in text and "exempted by the migration: format_in_force" in text
    # the migrated files are reports of the 2021 spec: gaidsl validate reads them and no error check fails
    check = run_cli("validate", str(SPEC_2021), str(out / "1.json"), "--previous", str(out / "1.previous.json"))
    assert check.code == 0, check.out + check.err


def test_a_folder_is_migrated_with_its_layout(reports: list[Path], tmp_path: Path) -> None:
    """A folder of reports (as `gaidsl sample` writes one: a sub-folder, last year's beside this year's, a
    manifest) migrates as a whole: each report to the same place in the output folder, last year's reports too
    (so that they stay paired by name), gaidsl's own records skipped and said so; `validate` reads the output."""
    given = tmp_path / "given"
    (given / "valid").mkdir(parents=True)
    for path in reports:
        (given / "valid" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    manifest = {"kind": "gaidsl sample manifest", "spec": str(SPEC_2019), "seed": 0, "valid": [], "invalid": []}
    (given / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("migrate", str(MIGRATION), str(given), "-o", str(out), "--lang", "en")
    assert run.code == 0, run.err
    assert "migrated 6 reports" in run.out and "skipped manifest.json (sample manifest)" in run.err, run.err
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    expected = [f"valid/{p.stem}{suffix}" for p in reports for suffix in (".json", ".log.json", ".log.txt")]
    assert written == sorted(expected)
    check = run_cli("validate", "--format", "json", str(SPEC_2021), str(out))
    document = json.loads(check.out)
    assert document["summary"]["files"] == 3, check.out  # each report with last year's, paired by name
    assert all(r["previous"] and r["previous"].endswith(".previous.json") for r in document["reports"])


def test_a_migrated_report_is_validated_without_the_checks_its_migration_exempts(
    reports: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run_cli("migrate", str(MIGRATION), str(reports[0]), "-o", str(out)).code == 0
    check = run_cli("validate", str(SPEC_2021), str(out / "1.json"), "--lang", "en")
    assert check.code == 0, check.err
    assert "format_in_force" in check.out and "exempt" in check.out  # said once, as an exemption
    assert "warning[format_in_force]" not in check.out and " 0 warnings" in check.out
    document = json.loads(run_cli("validate", str(SPEC_2021), str(out / "1.json"), "--format", "json").out)
    assert "format_in_force" not in {r["check"] for r in document["results"]}
    assert [e["check"] for e in document["reports"][0]["exempt"]] == ["format_in_force"]
    # the same report without its log is an ordinary 2021 report of the year 2019 or 2020: the warning stands
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "1.json").write_bytes((out / "1.json").read_bytes())
    check = run_cli("validate", str(SPEC_2021), str(alone / "1.json"), "--lang", "en")
    assert check.code == 0 and "warning[format_in_force]" in check.out


def test_nothing_is_overwritten_without_force(reports: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("migrate", str(MIGRATION), str(reports[0]), "-o", str(out)).code == 0
    (out / "1.log.txt").write_text("mine", encoding="utf-8")
    run = run_cli("migrate", str(MIGRATION), str(reports[0]), "-o", str(out))
    assert run.code == 2 and "--force" in run.err
    assert (out / "1.log.txt").read_text(encoding="utf-8") == "mine"
    assert run_cli("migrate", str(MIGRATION), str(reports[0]), "-o", str(out), "--force").code == 0
    assert (out / "1.log.txt").read_text(encoding="utf-8") != "mine"


def test_unreadable_inputs_exit_2_and_write_nothing(reports: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = tmp_path / "broken.json"
    broken.write_text('{"values": {"requests.received.natural": -3', encoding="utf-8")
    wrong_version = tmp_path / "v2021.json"
    wrong_version.write_text('{"format": "gov_info_disclosure", "version": "2021", "values": {}}', encoding="utf-8")
    for bad in (broken, tmp_path / "missing.json", wrong_version):
        run = run_cli("migrate", str(MIGRATION), str(reports[0]), str(bad), "-o", str(out))
        assert run.code == 2, (bad, run.err)
        no_traceback(run.err)
        assert not out.exists()
    same_name = tmp_path / "other"
    same_name.mkdir()
    (same_name / "1.json").write_text(reports[0].read_text(encoding="utf-8"), encoding="utf-8")
    run = run_cli("migrate", str(MIGRATION), str(reports[0]), str(same_name / "1.json"), "-o", str(out))
    assert run.code == 2 and not out.exists()


def test_usage_errors(reports: list[Path], tmp_path: Path) -> None:
    run = run_cli("migrate", str(MIGRATION), str(reports[0]))  # no -o
    assert run.code == 2 and "-o" in run.err
    run = run_cli("migrate", str(SPEC_2021), str(reports[0]), "-o", str(tmp_path / "x"))
    assert run.code == 2 and "migration" in run.err
    run = run_cli("migrate", str(tmp_path / "nope.gai"))
    assert run.code == 2 and "GAI090" in run.err
    no_traceback(run.err)


def test_a_migration_with_errors_or_a_failing_proof_writes_nothing(reports: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("migrate", str(CASES / "gai505_unknown_names.gai"), "--lang", "en")
    assert run.code == 1 and "GAI505" in run.err
    wrong = tmp_path / "wrong.gai"
    text = MIGRATION.read_text(encoding="utf-8").replace("fee_unpaid = unknown", "fee_unpaid = 0")
    text = text.replace("no_correction = unknown", "no_correction = old")
    wrong.write_text(text.replace('in "gov_info_disclosure_20', f'in "{SPECS}/gov_info_disclosure_20'), "utf-8")
    run = run_cli("migrate", str(wrong), str(reports[0]), "-o", str(out), "--lang", "en")
    assert run.code == 1 and "GAI520" in run.err and "nothing written" in run.err
    assert not out.exists()
    assert run_cli("check", str(wrong)).code == 1
    run = run_cli("migrate", str(wrong), str(reports[0]), "-o", str(out), "--no-proof")
    log = json.loads((out / "1.log.json").read_text(encoding="utf-8"))  # written, not proved
    assert log["proof"] is None
    assert run.code == (1 if log["new_checks"]["errors"] else 0)  # 1: a migrated report fails an error check


@settings(max_examples=examples(0.4), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8"))))
def test_any_input_file_gives_an_exit_code_never_a_traceback(tmp_path: Path, content: bytes) -> None:
    data = tmp_path / "input.json"
    data.write_bytes(content)
    run = run_cli("migrate", str(MIGRATION), str(data), "-o", str(tmp_path / "out"), "--force", "--no-proof")
    assert run.code in (0, 1, 2)
    no_traceback(run.err + run.out)


def test_a_text_shaped_like_the_decimal_mark_stays_a_text_in_the_log(reports: list[Path], tmp_path: Path) -> None:
    """The log carries every copied value; a text that looks like the mark used to carry decimals through the JSON
    encoder must come back as that text, not as the number 7."""
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    marked = "\u0001dec\u00017\u0001dec\u0001"
    data["texts"]["overview"] = marked
    source = tmp_path / "marked.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = run_cli("migrate", str(MIGRATION), str(source), "-o", str(tmp_path / "out"))
    assert run.code == 0, run.err
    log = json.loads((tmp_path / "out" / "marked.log.json").read_text(encoding="utf-8"))
    values = [item["value"] for entry in log["entries"] for item in entry["old"] if item["key"] == "overview"]
    assert values == [marked]
