"""``gaidsl ingest``: files written (atomically, never over existing ones without --force), exit codes, no
tracebacks on any input, --spec auto, batch summaries and cross-year checks."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.ingest import Unreadable, ingest_bytes, ingest_text
from gaidsl.ingest.batch import Progress
from gaidsl.migrations.documents import compile_file
from tests.render_support import normalised
from tests.support import SPEC_2021, examples, run_cli

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ingest" / "cases"
REPORTS = ROOT / "tests" / "data" / "reports"
SHUYANG = CASES / "02_pipe_text_tidy.txt"


def test_single_report_to_stdout() -> None:
    run = run_cli("ingest", str(SPEC_2021), str(SHUYANG))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["format"] == "gov_info_disclosure" and data["version"] == "2021"
    assert len(data["values"]) == 200
    assert "ING010" in run.err  # the reading log goes to stderr


def test_json_format_has_data_and_provenance() -> None:
    run = run_cli("ingest", "--spec", "auto", str(SHUYANG), "--format", "json")
    assert run.code == 0
    document = json.loads(run.out)
    assert document["data"]["version"] == "2021"
    provenance = document["reading"]["provenance"]
    assert provenance["requests.received.natural"]["where"].startswith("line ")
    assert document["reading"]["log"][0]["code"] == "ING010"


def test_output_folder_and_no_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("ingest", "auto", str(CASES / "01_word_text_tidy.txt"), str(SHUYANG), "-o", str(out))
    assert run.code == 0, run.err
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == [
        "01_word_text_tidy.json",
        "01_word_text_tidy.log",
        "02_pipe_text_tidy.json",
        "02_pipe_text_tidy.log",
        "reading/01_word_text_tidy.json",
        "reading/02_pipe_text_tidy.json",
        "summary.csv",
        "summary.html",
    ]
    before = (out / "summary.csv").read_text(encoding="utf-8")
    (out / "02_pipe_text_tidy.json").write_text("mine", encoding="utf-8")
    again = run_cli("ingest", "auto", str(CASES / "01_word_text_tidy.txt"), str(SHUYANG), "-o", str(out))
    assert again.code == 2 and "--force" in again.err
    assert (out / "02_pipe_text_tidy.json").read_text(encoding="utf-8") == "mine"  # nothing written
    forced = run_cli("ingest", "auto", str(CASES / "01_word_text_tidy.txt"), str(SHUYANG), "-o", str(out), "--force")
    assert forced.code == 0
    assert json.loads((out / "02_pipe_text_tidy.json").read_text(encoding="utf-8"))["version"] == "2021"
    assert (out / "summary.csv").read_text(encoding="utf-8") == before
    assert not list(out.rglob("*.tmp"))


def test_data_files_validate(tmp_path: Path) -> None:
    run_cli("ingest", "auto", str(CASES / "01_word_text_tidy.txt"), str(SHUYANG), "-o", str(tmp_path))
    run = run_cli(
        "validate", str(SPEC_2021), str(tmp_path / "01_word_text_tidy.json"), str(tmp_path / "02_pipe_text_tidy.json")
    )
    assert run.code == 0, run.out + run.err


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("binary.txt", bytes(range(256)) * 4),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ("broken.docx", b"PK\x03\x04not really a zip"),
        ("notes.txt", "随便写的一段文字，没有报告的任何部分。\n第二行。\n".encode()),
        ("latin1.txt", "caf\xe9 \xff\xfe".encode("latin-1")),
    ],
)
def test_unreadable_inputs_exit_2_without_traceback(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    run = run_cli("ingest", str(SPEC_2021), str(path))
    assert run.code == 2
    assert "Traceback" not in run.err and "内部错误" not in run.err
    assert ("GAI831" if name.endswith(".pdf") else "ING001") in run.err  # a damaged PDF has its own code


def test_missing_inputs_and_specs() -> None:
    assert run_cli("ingest", str(SPEC_2021), "/nonexistent/x.txt").code == 2
    assert run_cli("ingest", "/nonexistent/spec.gai", str(SHUYANG)).code == 2
    assert run_cli("ingest", str(SPEC_2021)).code == 2  # no input


def test_exit_1_when_cells_are_not_read() -> None:
    run = run_cli("ingest", str(SPEC_2021), str(CASES / "15_missing_and_extra_row.txt"))
    assert run.code == 1
    assert "ING120" in run.err


def test_batch_summary_lists_failing_checks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("ingest", "auto", str(CASES), "-o", str(out), "--lang", "en")
    assert run.code == 1  # some cases have problems on purpose
    rows = {Path(r["file"]).stem: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    assert len(rows) == len(list(CASES.glob("*.expected.json")))
    assert "total.appeals.review_total" in rows["13_appeals_totals_wrong"]["failed_checks"].split(";")
    assert rows["13_appeals_totals_wrong"]["status"] == "problems"
    assert rows["12_format_2019"]["version"] == "2019"
    assert rows["11_out_of_date_six"]["unknown"] == "14"
    assert rows["14_text_disagrees"]["text_warnings"] == "2"
    assert rows["19_series_2023"]["previous"].endswith("18_series_2022.txt")
    assert rows["01_word_text_tidy"]["status"] == "ok"
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "total.appeals.review_total" in html and "<script" not in html


def test_worker_processes_write_what_one_process_writes(tmp_path: Path) -> None:
    """``--jobs 2`` (the default on two cores for 16 reports or more): the same files, byte for byte (data, logs,
    readings, summary, review pages), the same table and exit code as ``--jobs 1``, corrections applied in the
    workers; the series 18/19 falls to different workers (every other input), so last year's report crosses from one
    worker to the other. (``test_batch_summary_lists_failing_checks`` runs the 20 cases with the default workers.)"""
    from gaidsl.ingest.review import FORMAT

    folder = tmp_path / "reports"
    folder.mkdir()
    names = ("01_word_text_tidy.txt", "12_format_2019.txt", "13_appeals_totals_wrong.txt", "18_series_2022.txt")
    for name in (*names, "19_series_2023.txt"):  # 18 and 19 fall to different workers
        shutil.copy(CASES / name, folder / name)
    corrections = tmp_path / "corrections.json"
    fixed = {"01_word_text_tidy.txt": {"requests.received.natural": "999"}}
    corrections.write_text(json.dumps({"format": FORMAT, "reports": fixed}), encoding="utf-8")
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        run = run_cli(
            "ingest", "auto", str(folder), "-o", str(out / "out"), "--review", str(out / "review"),
            "--corrections", str(corrections), "--lang", "en", "--jobs", jobs,
        )  # fmt: skip
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        runs[jobs] = (run.code, run.out, files)
    assert runs["1"] == runs["2"]
    code, _table, files = runs["2"]
    reports = 5
    assert code == 1 and len([f for f in files if f.startswith("out/")]) == 3 * reports + 2
    assert len([f for f in files if f.startswith("review/")]) == reports
    reading = json.loads(files["out/reading/19_series_2023.json"])
    assert reading["previous"].endswith("18_series_2022.txt") and reading["checks"]["unverifiable"] == 0
    corrected = json.loads(files["out/reading/01_word_text_tidy.json"])
    assert corrected["provenance"]["requests.received.natural"]["how"] == "corrected"
    assert json.loads(files["out/01_word_text_tidy.json"])["values"]["requests.received.natural"] == 999


def test_how_many_workers() -> None:
    import threading

    from gaidsl.ingest.batch import PARALLEL_FROM, workers_for

    assert workers_for(PARALLEL_FROM - 1) == 1 and workers_for(5, jobs=3) == 3 and workers_for(2, jobs=8) == 2
    assert workers_for(5, jobs=0) == min(5, len(os.sched_getaffinity(0)))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:  # another thread running: no fork by default, as asked with --jobs
        assert workers_for(1000) == 1 and workers_for(1000, jobs=2) == 2
    finally:
        stop.set()
        other.join()


def test_cross_year_checks_use_last_years_report(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    folder.mkdir()
    for name in ("18_series_2022.txt", "19_series_2023.txt"):
        shutil.copy(CASES / name, folder / name)
    out = tmp_path / "out"
    run_cli("ingest", str(SPEC_2021), str(folder), "-o", str(out))
    reading = json.loads((out / "reading" / "19_series_2023.json").read_text(encoding="utf-8"))
    assert reading["previous"].endswith("18_series_2022.txt")
    assert reading["checks"]["unverifiable"] == 0  # carry_over and in_force_carry checked against 2022
    assert reading["checks"]["fail"] == 0
    first = json.loads((out / "reading" / "18_series_2022.json").read_text(encoding="utf-8"))
    assert first["previous"] is None and first["checks"]["unverifiable"] == 9


def test_cross_year_mismatch_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    folder.mkdir()
    shutil.copy(CASES / "18_series_2022.txt", folder / "a.txt")
    text = (CASES / "19_series_2023.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("二、上年结转政府信息公开申请数量"))
    cells = lines[index].split(" | ")
    cells[1] = str(int(cells[1]) + 1)
    cells[-1] = str(int(cells[-1]) + 1)
    lines[index] = " | ".join(cells)
    (folder / "b.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run_cli("ingest", str(SPEC_2021), str(folder), "-o", str(out))
    rows = {Path(r["file"]).stem: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    assert "carry_over" in rows["b"]["failed_checks"].split(";")
    assert "balance" in rows["b"]["failed_checks"].split(";")  # received was not adjusted: the balance breaks too


def test_progress_bar() -> None:
    import io

    stream = io.StringIO()
    progress = Progress(3, stream, enabled=True)
    for name in ("a", "b", "c"):
        progress.step(name)
    progress.close()
    text = stream.getvalue()
    assert "3/3" in text and "100%" in text and "ms/report" in text


def test_real_reports_batch(tmp_path: Path) -> None:
    run = run_cli("ingest", "auto", str(REPORTS), "-o", str(tmp_path), "--lang", "en")
    assert run.code == 0, run.out + run.err
    assert "3 reports: 3 ok" in run.out


SPEC = compile_file(SPEC_2021).spec


@settings(max_examples=examples(1.5))
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [
                    "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况",
                    "二、主动公开政府信息情况",
                    "第二十条第（一）项",
                    "一、本年新收政府信息公开申请数量 | 1 | 2",
                    "\t（七）总计",
                    "\t0",
                    "规章   1   2   3",
                    "（六）其他处理 | 5",
                    "<table><tr><td>行政许可</td><td>3</td></tr></table>",
                    "| a | b |",
                    "",
                ]
            ),
        ),
        max_size=40,
    )
)
def test_any_text_reads_or_is_unreadable(lines: list[str]) -> None:
    assert SPEC is not None
    text = "\n".join(lines)
    try:
        result = ingest_text(SPEC, text)
    except Unreadable:
        return
    assert set(result.ingested.report.values) <= set(SPEC.cells)


@settings(max_examples=examples(0.6))
@given(st.binary(max_size=400))
def test_any_bytes_read_or_are_unreadable(data: bytes) -> None:
    assert SPEC is not None
    with contextlib.suppress(Unreadable):
        ingest_bytes(SPEC, data, "x.bin")


def test_summary_page_escapes_what_reports_say(tmp_path: Path) -> None:
    text = (CASES / "02_pipe_text_tidy.txt").read_text(encoding="utf-8")
    rest = text.split("\n", 1)[1]
    title = "<script>alert(1)</script>县2022年政府信息公开工作年度报告"
    hostile = tmp_path / "in"
    hostile.mkdir()
    (hostile / "a.txt").write_text(title + "\n" + rest, encoding="utf-8")
    (hostile / "b.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_cli("ingest", str(SPEC_2021), str(hostile), "-o", str(out))
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ------------------------------------------------------------------------------------------------ files gaidsl wrote

DATA_2021 = ROOT / "tests" / "data" / "jiujia_2023.json"
SPEC_2019 = ROOT / "specs" / "gov_info_disclosure_2019.gai"


def _data_with_blank_and_unknown(tmp_path: Path) -> Path:
    """The 九甲镇 2023 report with a blank cell, an unknown one and a two-paragraph text."""
    data = json.loads(DATA_2021.read_text(encoding="utf-8"))
    data["values"]["requests.received.research"] = None
    data["values"]["appeals.review_upheld"] = "unknown"
    data["texts"]["problems"] = "一是人员不足。\n二是培训不够。"
    path = tmp_path / "jiujia.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _report(spec_file: Path, path: Path) -> dict[str, object]:
    from gaidsl.checking.data import load_report

    spec = compile_file(spec_file).spec
    assert spec is not None
    return normalised(load_report(path, spec))


def _render(spec_file: Path, data: Path, to: str, out: Path) -> Path:
    run = run_cli("render", str(spec_file), str(data), "--to", to, "-o", str(out))
    assert run.code == 0, run.err
    return out


def _set_in_workbook(path: Path, values: dict[str, object]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for row in wb["_gaidsl"].iter_rows(values_only=True):
        if row[1] in values:
            wb[str(row[2])][str(row[3])] = values[str(row[1])]
    wb.save(path)


@pytest.mark.parametrize("to", ["xlsx", "docx"])
def test_a_rendered_workbook_or_document_reads_back_to_the_same_data(tmp_path: Path, to: str) -> None:
    data = _data_with_blank_and_unknown(tmp_path)
    filled = _render(SPEC_2021, data, to, tmp_path / f"filled.{to}")
    out = tmp_path / "out"
    run = run_cli("ingest", str(SPEC_2021), str(filled), "-o", str(out))
    assert run.code == 0, run.err
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == ["filled.json", "filled.log", "reading/filled.json"]
    assert _report(SPEC_2021, out / "filled.json") == _report(SPEC_2021, data)
    reading = json.loads((out / "reading" / "filled.json").read_text(encoding="utf-8"))
    assert reading["route"] == f"gaidsl_{to}" and reading["unread"] == []
    where = reading["provenance"]["requests.received.natural"]["where"]
    assert ("!" in where) if to == "xlsx" else where.startswith("table ")
    assert reading["checks"]["fail"] == 0
    log = (out / "filled.log").read_text(encoding="utf-8")
    assert "ING010" in log and "gaidsl" in log
    # to stdout, and the same data as gaidsl readback gives
    single = run_cli("ingest", str(SPEC_2021), str(filled))
    back = run_cli("readback", str(SPEC_2021), str(filled))
    assert single.code == 0 and back.code == 0
    assert json.loads(single.out) == json.loads(back.out)


def test_a_gaidsl_docx_is_read_as_a_published_report_when_the_route_says_so(tmp_path: Path) -> None:
    filled = _render(SPEC_2021, DATA_2021, "docx", tmp_path / "report.docx")
    run = run_cli("ingest", str(SPEC_2021), str(filled), "--route", "docx", "--format", "json")
    assert run.code == 0, run.err
    document = json.loads(run.out)
    assert document["reading"]["route"] == "docx"
    assert document["data"]["values"] == json.loads(DATA_2021.read_text(encoding="utf-8"))["values"]
    # a .docx gaidsl did not write (no gaidsl mark in its properties) goes to the published-report reader
    import docx

    doc = docx.Document(str(filled))
    doc.core_properties.comments = ""
    doc.save(str(tmp_path / "published.docx"))
    run = run_cli("ingest", str(SPEC_2021), str(tmp_path / "published.docx"), "--format", "json")
    assert run.code == 0 and json.loads(run.out)["reading"]["route"] == "docx"


def test_a_workbook_filled_by_hand_with_a_bad_value(tmp_path: Path) -> None:
    filled = _render(SPEC_2021, DATA_2021, "xlsx", tmp_path / "filled.xlsx")
    _set_in_workbook(filled, {"requests.carried_in.natural": 1.5, "published": "昨天"})
    run = run_cli("ingest", str(SPEC_2021), str(filled), "--format", "json")
    assert run.code == 1  # read, with a cell not read
    document = json.loads(run.out)
    assert document["reading"]["unread"] == ["requests.carried_in.natural"]
    codes = {e["code"]: e for e in document["reading"]["log"]}
    assert codes["GAI706"]["level"] == "error" and codes["GAI706"]["cells"] == ["requests.carried_in.natural"]
    assert "!" in codes["GAI706"]["where"]  # the sheet and cell
    assert "GAI713" in codes
    assert document["data"]["values"].get("requests.carried_in.natural") is None  # not read: blank
    assert document["data"]["values"]["requests.received.natural"] is not None
    assert document["data"]["fields"].get("published") is None


def test_a_workbook_for_another_version(tmp_path: Path) -> None:
    from gaidsl.sampling.samples import valid_reports

    spec_2019 = compile_file(SPEC_2019).spec
    assert spec_2019 is not None
    data = tmp_path / "r2019.json"
    data.write_text(valid_reports(spec_2019, 1, seed=5)[0].to_json(), encoding="utf-8")
    filled = _render(SPEC_2019, data, "xlsx", tmp_path / "r2019.xlsx")
    run = run_cli("ingest", str(SPEC_2021), str(filled))
    assert run.code == 2 and "GAI711" in run.err and "ING001" in run.err and "Traceback" not in run.err
    assert run.out == ""
    auto = run_cli("ingest", "auto", str(filled))
    assert auto.code == 0, auto.err
    assert json.loads(auto.out)["version"] == "2019"
    assert _report(SPEC_2019, data) == normalised_json(SPEC_2019, auto.out, tmp_path)


def normalised_json(spec_file: Path, text: str, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "read.json"
    path.write_text(text, encoding="utf-8")
    return _report(spec_file, path)


@pytest.mark.parametrize(
    ("name", "code"),
    [("broken.xlsx", "GAI090"), ("other.xlsx", "GAI090"), ("empty.xlsx", "GAI090"), ("renamed.dat", "GAI090")],
)
def test_workbooks_gaidsl_did_not_write_exit_2(tmp_path: Path, name: str, code: str) -> None:
    from openpyxl import Workbook

    path = tmp_path / name
    if name == "broken.xlsx":
        path.write_bytes(b"PK\x03\x04not really a zip")
    elif name == "empty.xlsx":
        path.write_bytes(b"")
    else:
        Workbook().save(path)  # a workbook without the _gaidsl sheet (renamed.dat: found by content)
    run = run_cli("ingest", str(SPEC_2021), str(path))
    assert run.code == 2
    assert code in run.err and "ING001" in run.err
    assert "Traceback" not in run.err and "内部错误" not in run.err


def test_a_folder_of_reports_and_workbooks(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CASES / "01_word_text_tidy.txt", folder / "a.txt")
    shutil.copy(SHUYANG, folder / "b.txt")
    _render(SPEC_2021, DATA_2021, "xlsx", folder / "c.xlsx")
    _render(SPEC_2021, DATA_2021, "docx", folder / "d.docx")
    (folder / "~$c.xlsx").write_bytes(b"\x05owner")  # the lock file Excel leaves beside an open workbook
    out = tmp_path / "out"
    run = run_cli("ingest", str(SPEC_2021), str(folder), "-o", str(out), "--lang", "en")
    assert run.code == 0, run.out + run.err
    rows = {Path(r["file"]).name: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    assert set(rows) == {"a.txt", "b.txt", "c.xlsx", "d.docx"}
    assert rows["c.xlsx"]["route"] == "gaidsl_xlsx" and rows["d.docx"]["route"] == "gaidsl_docx"
    assert rows["c.xlsx"]["status"] == "ok" and rows["c.xlsx"]["read"] == "200" and rows["c.xlsx"]["unread"] == "0"
    assert rows["c.xlsx"]["body"] == "九甲镇人民政府" and rows["c.xlsx"]["year"] == "2023"
    assert _report(SPEC_2021, out / "c.json") == _report(SPEC_2021, out / "d.json") == _report(SPEC_2021, DATA_2021)
    assert "c.xlsx" in (out / "summary.html").read_text(encoding="utf-8")
    # a broken workbook in the folder: the batch goes on, exits 2, and nothing is overwritten without --force
    (folder / "e.xlsx").write_bytes(b"PK\x03\x04broken")
    again = run_cli("ingest", str(SPEC_2021), str(folder), "-o", str(out))
    assert again.code == 2 and "--force" in again.err
    forced = run_cli("ingest", str(SPEC_2021), str(folder), "-o", str(out), "--force", "--lang", "en")
    assert forced.code == 2 and "Traceback" not in forced.err
    assert "e.xlsx: error[ING001]" in forced.out and "GAI090" in forced.out
    rows = {Path(r["file"]).name: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    assert rows["e.xlsx"]["status"] == "unreadable" and "GAI090" in rows["e.xlsx"]["reason"]
    assert rows["c.xlsx"]["status"] == "ok"
    assert not (out / "e.json").exists() and "GAI090" in (out / "e.log").read_text(encoding="utf-8")


@settings(max_examples=examples(0.4))
@given(st.binary(max_size=400))
def test_any_bytes_named_xlsx_read_or_are_unreadable(data: bytes) -> None:
    assert SPEC is not None
    with contextlib.suppress(Unreadable):
        ingest_bytes(SPEC, data, "x.xlsx")
