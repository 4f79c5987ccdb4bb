"""``gaidsl validate SPEC DIR`` on the folders gaidsl itself writes (``sample -o``, ``migrate -o``, ``ingest -o``):
their records are skipped and said to be, each report is checked with its own last year's report (by the sample
manifest, the reading records or the names), and every engine takes a previous report per report."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gaidsl import load_spec
from gaidsl.checking.data import load_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.engines.database import ALL_ENGINES, evaluate_all
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import compile_file
from gaidsl.sampling.samples import valid_reports, valid_samples
from tests.support import DATA, SPEC_2021, SPECS, postgres_url, run_cli

SPEC = str(SPEC_2021)
SPEC_2019 = str(SPECS / "gov_info_disclosure_2019.gai")
MIGRATION = str(SPECS / "gov_info_disclosure_2019_to_2021.gai")


def as_json(run_out: str) -> Any:
    return json.loads(run_out, parse_float=Decimal)


@pytest.fixture(scope="module")
def sampled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``gaidsl sample --valid 2 --invalid`` writes: valid/ and invalid/ with last year's reports, a manifest."""
    out = tmp_path_factory.mktemp("sampled") / "s"
    run = run_cli("sample", SPEC, "--valid", "2", "--invalid", "--seed", "1", "-o", str(out))
    assert run.code == 0, run.err
    return out


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


# ---------------------------------------------------------------------------------------------------- sample -o


def test_sample_folder_is_read_through_its_manifest(sampled: Path) -> None:
    run = run_cli("validate", SPEC, str(sampled), "--format", "json")
    assert run.code == 1, run.err  # the invalid samples fail, as they should; not 2 on manifest.json
    document = as_json(run.out)
    manifest = json.loads((sampled / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "gaidsl sample manifest" and manifest["manifest_version"] == 2
    entries = manifest["valid"] + manifest["invalid"]
    assert [s["file"] for s in document["inputs"]["skipped"]] == [str(sampled / "manifest.json")]
    assert document["inputs"]["skipped"][0]["why"]["en"] == "sample manifest"
    by_file = {r["file"]: r for r in document["reports"]}
    assert sorted(by_file) == sorted(str(sampled / e["file"]) for e in entries)  # no .previous.json of its own
    for entry in entries:
        assert by_file[str(sampled / entry["file"])]["previous"] == str(sampled / entry["previous"])
    for entry in manifest["valid"]:
        report = by_file[str(sampled / entry["file"])]
        assert report["ok"] and report["summary"]["unverifiable"] == 0
    for entry in manifest["invalid"]:
        report = by_file[str(sampled / entry["file"])]
        assert report["expected"]["check"] == entry["check"] and report["expected"]["as_expected"] is True
    assert not [r for r in document["results"] if r["status"] == "unverifiable"]


def test_sample_folders_valid_reports_pass_with_every_check_verified(sampled: Path) -> None:
    run = run_cli("validate", SPEC, str(sampled / "valid"))
    assert run.code == 0, run.out + run.err
    assert "2 份报告按文件名与各自的上年报告配对" in run.out
    summaries = [line for line in run.out.splitlines() if "项无法校验" in line]
    assert len(summaries) == 2 and all("0 项无法校验" in line and "0 项错误" in line for line in summaries)
    assert "（上年报告 " in run.out and ".previous.json）" in run.out


def test_sample_folder_text_says_what_it_skipped(sampled: Path) -> None:
    run = run_cli("validate", SPEC, str(sampled), "--lang", "both")
    assert "跳过 1 个文件（gaidsl 写的记录，不是报告）：manifest.json（样例清单）" in run.out
    assert "skipped 1 files (records gaidsl wrote, not reports): manifest.json (sample manifest)" in run.out
    assert "13 份报告按样例清单与各自的上年报告配对" in run.out
    assert "样例清单：11 份无效样例均只违反清单所列的校验（符合预期）" in run.out


def test_an_invalid_sample_that_does_not_fail_as_the_manifest_says_fails(sampled: Path, tmp_path: Path) -> None:
    """The manifest is a claim: an invalid sample breaking another check than it lists is said, and exit 1."""
    folder = copy_of(sampled, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["valid"] = []
    manifest["invalid"] = [e for e in manifest["invalid"] if e["check"] == "carry_over"]  # a warning check
    manifest["invalid"][0]["check"] = "in_force_carry"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = folder / "invalid" / "carry_over.json"
    run = run_cli("validate", SPEC, str(folder / "manifest.json"), str(report), str(folder / "invalid"), "--lang", "en")
    assert run.code == 1, run.out + run.err
    assert f"{report}: the sample manifest says it breaks only 'in_force_carry'; failing checks: carry_over" in run.out


def test_a_manifest_without_kind_is_read_and_pairs_whatever_the_names(sampled: Path, tmp_path: Path) -> None:
    """Manifests written before ``kind``/``manifest_version`` are read too; their pairs need no naming pattern."""
    folder = tmp_path / "old"
    (folder / "a").mkdir(parents=True)
    shutil.copy(sampled / "valid" / "0001.json", folder / "a" / "this_year.json")
    shutil.copy(sampled / "valid" / "0001.previous.json", folder / "a" / "last_year.json")
    manifest = {"spec": SPEC, "format": "f", "version": "v", "seed": 0, "invalid": [], "redundant": []}
    manifest["valid"] = [{"file": "a/this_year.json", "previous": "a/last_year.json"}]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run = run_cli("validate", SPEC, str(folder), "--format", "json")
    assert run.code == 0, run.out + run.err
    [report] = as_json(run.out)["reports"]
    assert report["file"] == str(folder / "a" / "this_year.json")
    assert report["previous"] == str(folder / "a" / "last_year.json") and report["summary"]["unverifiable"] == 0


def test_records_alone_are_no_reports(sampled: Path) -> None:
    run = run_cli("validate", SPEC, str(sampled / "manifest.json"))
    assert run.code == 2 and "没有报告，只有 gaidsl 写的记录" in run.err and run.out == ""
    assert "no reports" not in run.err  # said in the spec's language only
    english = run_cli("validate", SPEC, str(sampled / "manifest.json"), "--lang", "en")
    assert english.code == 2 and "no reports, only records gaidsl wrote" in english.err


def test_a_record_gaidsl_wrote_read_as_a_report_says_what_it_is(sampled: Path, tmp_path: Path) -> None:
    """``render`` (or ``migrate``) given the sample manifest as its report says it is a sample manifest, once, not
    each of its keys as unknown (GAI703 nine times)."""
    run = run_cli("render", SPEC, str(sampled / "manifest.json"), "--to", "html", "-o", str(tmp_path / "r.html"))
    assert run.code == 2 and "error[GAI716]" in run.err.replace("错误", "error"), run.err
    assert "样例清单" in run.err and "GAI703" not in run.err
    assert not (tmp_path / "r.html").exists()


def test_a_report_called_manifest_is_still_a_report(tmp_path: Path) -> None:
    shutil.copy(DATA / "jiujia_2023.json", tmp_path / "manifest.json")
    run = run_cli("validate", SPEC, str(tmp_path), "--format", "json")
    assert run.code == 0, run.out + run.err
    document = as_json(run.out)
    assert [r["file"] for r in document["reports"]] == [str(tmp_path / "manifest.json")]
    assert document["inputs"]["skipped"] == []


def test_pairs_by_name_with_any_data_suffix_and_on_the_command_line(sampled: Path, tmp_path: Path) -> None:
    """``X.previous.yaml`` is last year's report of ``X.json`` (JSON is YAML), in a folder or named one by one."""
    shutil.copy(sampled / "valid" / "0001.json", tmp_path / "r.json")
    shutil.copy(sampled / "valid" / "0001.previous.json", tmp_path / "r.previous.yaml")
    for given in ([str(tmp_path)], [str(tmp_path / "r.json"), str(tmp_path / "r.previous.yaml")]):
        run = run_cli("validate", SPEC, *given, "--format", "json")
        assert run.code == 0, run.out + run.err
        [report] = as_json(run.out)["reports"]
        assert report["previous"] == str(tmp_path / "r.previous.yaml") and report["summary"]["unverifiable"] == 0


def test_paired_last_years_in_the_old_format_are_converted_by_the_migration(tmp_path: Path) -> None:
    """The first year of a revised format, for a folder: each ``X.previous.json`` written in the 2019 format is
    refused without ``--previous-migration`` (naming its file) and converted with it, as ``--previous`` is."""
    migration = compile_file(MIGRATION).migration
    assert migration is not None
    old = valid_reports(load_spec(SPEC_2019), 1, seed=5)[0]
    converted = apply(migration, old).report
    (tmp_path / "x.previous.json").write_text(old.to_json(), encoding="utf-8")
    document = json.loads((DATA / "jiujia_2023.json").read_text(encoding="utf-8"))
    for key, value in converted.values.items():
        if key.startswith("requests.carried_out."):
            document["values"][key.replace("carried_out", "carried_in")] = int(str(value))
    (tmp_path / "x.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = run_cli("validate", SPEC, str(tmp_path), "--lang", "en")
    assert refused.code == 2 and "GAI711" in refused.err and "--previous-migration" in refused.err
    assert str(tmp_path / "x.previous.json") in refused.err
    run = run_cli("validate", SPEC, str(tmp_path), "--previous-migration", MIGRATION, "--format", "json")
    assert run.code in (0, 1), run.out + run.err
    result = as_json(run.out)
    spec = load_spec(SPEC)
    expected = evaluate(spec, load_report(tmp_path / "x.json", spec), converted)
    assert {(r["check"], r["position"]): r["status"] for r in result["results"]} == expected.statuses()
    assert {r["status"] for r in result["results"] if r["check"] == "carry_over"} == {"pass"}


@pytest.mark.parametrize("engine", ["python", "duckdb", "sqlite"])
def test_sample_folder_on_other_engines(sampled: Path, engine: str) -> None:
    run = run_cli("validate", SPEC, str(sampled / "valid"), "--engine", engine, "--format", "json")
    assert run.code == 0, run.out + run.err
    reports = as_json(run.out)["reports"]
    assert len(reports) == 2 and all(r["summary"]["unverifiable"] == 0 and r["previous"] for r in reports)


# ---------------------------------------------------------------------------------------------------- migrate -o


def test_migrate_folder_skips_the_logs_and_pairs_by_name(tmp_path: Path) -> None:
    assert run_cli("sample", SPEC_2019, "--valid", "1", "-o", str(tmp_path / "old")).code == 0
    old = sorted(str(p) for p in (tmp_path / "old" / "valid").glob("*.json"))
    assert [Path(p).name for p in old] == ["0001.json", "0001.previous.json"]
    out = tmp_path / "new"
    assert run_cli("migrate", MIGRATION, *old, "-o", str(out)).code == 0
    run = run_cli("validate", SPEC, str(out), "--format", "json")
    assert run.code == 0, run.out + run.err
    document = as_json(run.out)
    skipped = {(s["file"], s["why"]["en"]) for s in document["inputs"]["skipped"]}
    assert skipped == {(str(out / n), "migration log") for n in ("0001.log.json", "0001.previous.log.json")}
    assert document["inputs"]["other_files"] == {".txt": 2}
    [report] = document["reports"]
    assert report["file"] == str(out / "0001.json") and report["previous"] == str(out / "0001.previous.json")
    text = run_cli("validate", SPEC, str(out))
    assert "0001.log.json（迁移日志）" in text.out and "另有 2 个文件不是数据文件，未读取：.txt 2 个" in text.out


# ---------------------------------------------------------------------------------------------------- ingest -o


def test_ingest_folder_skips_reading_records_and_pairs_as_ingest_did(tmp_path: Path) -> None:
    """Two years of one body, ingested: validate pairs them as ingest did (its reading records say so) and
    validates both; the reading records and the summary are skipped."""
    source = tmp_path / "published"
    source.mkdir()
    text = (DATA / "reports" / "2024_huaian_shi.txt").read_text(encoding="utf-8")
    (source / "later.txt").write_text(text, encoding="utf-8")
    (source / "earlier.txt").write_text(text.replace("2024", "2023"), encoding="utf-8")
    out = tmp_path / "ingested"
    ingest = run_cli("ingest", SPEC, str(source), "-o", str(out))
    assert ingest.code in (0, 1), ingest.err
    run = run_cli("validate", SPEC, str(out), "--format", "json")
    assert run.code != 2, run.out + run.err
    document = as_json(run.out)
    skipped = {(Path(s["file"]).relative_to(out).as_posix(), s["why"]["en"]) for s in document["inputs"]["skipped"]}
    assert skipped == {
        ("reading/earlier.json", "reading record"),
        ("reading/later.json", "reading record"),
        ("summary.csv", "ingest summary"),
    }
    by_file = {Path(r["file"]).name: r for r in document["reports"]}
    assert sorted(by_file) == ["earlier.json", "later.json"]
    assert by_file["later.json"]["previous"] == str(out / "earlier.json")
    assert by_file["later.json"]["summary"]["unverifiable"] == 0
    assert by_file["earlier.json"]["previous"] is None


# ---------------------------------------------------------------------------------------------------- engines


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_every_engine_takes_a_previous_report_per_report(engine: str) -> None:
    """Each report with its own last year's: the reference evaluator's results, pair by pair (swapping the previous
    reports changes them, so a shared one would be caught)."""
    spec = load_spec(SPEC)
    first, second = valid_samples(spec, 2, seed=5, with_previous=True)
    assert first.previous is not None and second.previous is not None
    url = postgres_url() if engine == "postgres" else None
    reports = [("a", first.report), ("b", second.report)]
    found = evaluate_all(spec, reports, engine, url, {"a": first.previous, "b": second.previous})
    expected = [evaluate(spec, first.report, first.previous), evaluate(spec, second.report, second.previous)]
    assert [e.summary() for e in found] == [e.summary() for e in expected]
    assert [[r.status for r in e.results] for e in found] == [[r.status for r in e.results] for e in expected]
    assert all(e.ok and e.summary()["unverifiable"] == 0 for e in found)
    swapped = evaluate_all(spec, reports, engine, url, {"a": second.previous, "b": first.previous})
    assert all(e.failures for e in swapped)  # the cross-period checks fail with the other one's last year
    alone = evaluate_all(spec, reports, engine, url, {"a": first.previous})
    assert alone[0].summary()["unverifiable"] == 0 and alone[1].summary()["unverifiable"] > 0


# ---------------------------------------------------------------------------------------------------- messages


def test_warnings_of_several_files_each_name_their_file(tmp_path: Path) -> None:
    document = json.loads((DATA / "jiujia_2023.json").read_text(encoding="utf-8"))
    del document["version"]
    for name in ("one.json", "two.json"):
        (tmp_path / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    run = run_cli("validate", SPEC, str(tmp_path / "one.json"), str(tmp_path / "two.json"))
    warned = [line for line in run.err.splitlines() if "GAI717" in line]
    assert len(warned) == 2
    assert warned[0].startswith(f"{tmp_path / 'one.json'}: ") and warned[1].startswith(f"{tmp_path / 'two.json'}: ")


def test_unreadable_files_each_name_their_file(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    run = run_cli("validate", SPEC, str(tmp_path / "a.txt"), str(tmp_path / "b.md"))
    assert run.code == 2
    assert f"{tmp_path / 'a.txt'}: 错误[GAI702]" in run.err and f"{tmp_path / 'b.md'}: 错误[GAI702]" in run.err


def test_readback_of_a_data_file_says_what_readback_reads() -> None:
    seed = str(DATA / "jiujia_2023.json")
    run = run_cli("readback", SPEC, seed)
    assert run.code == 2
    assert "应为 .json" not in run.err
    assert (
        f"{seed}: 错误[GAI729]: 无法读回「.json」文件："
        "readback 读取的是 gaidsl 生成并已填写的表格（.xlsx）或 Word 文档（.docx）" in run.err
    )
    assert "无需读回，可直接用于 gaidsl validate" in run.err
    english = run_cli("readback", SPEC, seed, "--lang", "en")
    assert "readback reads a filled workbook (.xlsx) or Word document (.docx)" in english.err


def test_readback_of_a_published_report_points_to_ingest() -> None:
    run = run_cli("readback", SPEC, str(DATA / "reports" / "2024_huaian_shi.txt"), "--lang", "en")
    assert run.code == 2 and "GAI729" in run.err and "gaidsl ingest" in run.err


def test_render_of_another_kind_of_file_names_every_kind_it_reads(tmp_path: Path) -> None:
    published = tmp_path / "report.pdf"
    published.write_bytes(b"%PDF-1.4")
    run = run_cli("render", SPEC, str(published), "--to", "html", "--lang", "en")
    assert run.code == 2 and f"{published}: error[GAI702]" in run.err
    assert "render also reads a filled workbook (.xlsx) or Word document (.docx)" in run.err
    assert "gaidsl ingest" in run.err


def test_yaml_syntax_errors_keep_pyyamls_english_out_of_the_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'format: gov_info_disclosure\nversion: "2021"\nfields:\n  body: x\n   year: 2023\n', encoding="utf-8"
    )
    zh = run_cli("validate", SPEC, str(bad))
    assert zh.code == 2
    assert f"{bad}:5:8: 错误[GAI701]: YAML 语法错误：第 5 行第 8 列：此处不能有「键: 值」" in zh.err
    assert "mapping values" not in zh.err
    en = run_cli("validate", SPEC, str(bad), "--lang", "en")
    assert "YAML syntax error: line 5, column 8: mapping values are not allowed" in en.err
    tab = tmp_path / "tab.yaml"
    tab.write_text("format: x\nfields:\n\tbody: x\n", encoding="utf-8")
    tabbed = run_cli("validate", SPEC, str(tab))
    assert "第 3 行第 1 列：" in tabbed.err and "制表符" in tabbed.err and "found character" not in tabbed.err
