"""Safe CSV (issue 14): a CSV that people open in a spreadsheet carries no formula. Text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` and every field is quoted (the OWASP rule) in
``validate -o r.csv`` and ``ingest --summary``; numbers written from numbers stay numbers (``-3``). Wide CSVs are data
that gaidsl reads back: their text is written and read exactly as it is."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from gaidsl import load_spec
from gaidsl.checking import wide_csv
from gaidsl.checking.data import read_report
from gaidsl.checking.files import spreadsheet_cell
from gaidsl.sampling.samples import valid_samples
from tests.support import ROOT, SPEC_2021, run_cli

HOSTILE = ['=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
"""Text a spreadsheet would run, each as it would arrive in a report id, a file or body name, or a text block."""
CASE = ROOT / "tests" / "ingest" / "cases" / "01_word_text_tidy.txt"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _every_field_quoted(path: Path) -> None:
    """The file is exactly its rows written with every field quoted."""
    text = path.read_text(encoding="utf-8")
    again = io.StringIO()
    csv.writer(again, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(csv.reader(io.StringIO(text, newline="")))
    assert again.getvalue() == text


def test_the_rule() -> None:
    assert [spreadsheet_cell(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert spreadsheet_cell("'=x") == "'=x"  # starts with a quote already: nothing a spreadsheet runs
    assert spreadsheet_cell("某某局 = 3") == "某某局 = 3"
    assert [spreadsheet_cell(v) for v in (Decimal("-3"), Decimal("-0.50"), -3, None)] == ["-3", "-0.50", "-3", ""]


def test_validate_csv_neutralises_report_ids_and_keeps_numbers(tmp_path: Path) -> None:
    spec = load_spec(SPEC_2021)
    [sample] = valid_samples(spec, 1, seed=4)
    key = "requests.disclosed.natural"
    value = sample.report.values[key]
    assert isinstance(value, Decimal)
    broken = attrs.evolve(sample.report, values={**sample.report.values, key: value + 3})
    path = tmp_path / "wide.csv"
    wide_csv.write_wide_csv(spec, [(report_id, broken, None) for report_id in HOSTILE], path)
    out = tmp_path / "r.csv"
    run = run_cli("validate", str(SPEC_2021), str(path), "-o", str(out))
    assert run.code == 1, run.out + run.err
    rows = _rows(out)
    assert {r["report_id"] for r in rows} == {"'" + t for t in HOSTILE}
    total = [r for r in rows if r["check"] == "total.requests.outcome_total" and r["position"] == "natural"]
    assert len(total) == len(HOSTILE)
    assert {(r["status"], r["difference"], r["tolerance"]) for r in total} == {("fail", "-3", "0")}
    assert {r["op"] for r in total} == {"'=="}
    assert all(not r["message_en"] or r["message_en"][0] not in "=+-@\t\r" for r in rows)
    _every_field_quoted(out)


def test_validate_csv_neutralises_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = (ROOT / "tests" / "data" / "jiujia_2023.json").read_text(encoding="utf-8")
    Path("=cmd.json").write_text(report, encoding="utf-8")
    Path("-cmd.json").write_text(report, encoding="utf-8")
    run = run_cli("validate", "-o", "r.csv", "--", str(SPEC_2021), "=cmd.json", "-cmd.json")
    assert run.code in (0, 1), run.out + run.err
    assert {r["file"] for r in _rows(tmp_path / "r.csv")} == {"'=cmd.json", "'-cmd.json"}
    _every_field_quoted(tmp_path / "r.csv")


def test_ingest_summary_neutralises_body_and_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The body name comes from the page's title: a title starting with ``=`` gave a formula in summary.csv."""
    monkeypatch.chdir(tmp_path)
    text = CASE.read_text(encoding="utf-8")
    names = []
    for start in ("=", "+", "-", "@"):
        name = f"{start}report.txt"
        Path(name).write_text(text.replace("示例1县人民政府", f"{start}示例1县人民政府"), encoding="utf-8")
        names.append(name)
    run = run_cli("ingest", "-o", "out", "--", str(SPEC_2021), *names)
    assert run.code in (0, 1), run.out + run.err
    rows = _rows(tmp_path / "out" / "summary.csv")
    assert sorted(r["file"] for r in rows) == sorted("'" + n for n in names)
    assert sorted(r["body"] for r in rows) == sorted(f"'{s}示例1县人民政府" for s in "=+-@")
    assert {r["cells"] for r in rows} == {"200"} and {r["year"] for r in rows} == {"2023"}
    _every_field_quoted(tmp_path / "out" / "summary.csv")
    html = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "=示例1县人民政府" in html and "'=示例1县人民政府" not in html  # the page shows the name as read


def test_wide_csv_text_round_trips_exactly(tmp_path: Path) -> None:
    """A wide CSV is data, not a sheet: text starting with ``=`` (or a quote) is written and read back as it is."""
    spec = load_spec(SPEC_2021)
    [sample] = valid_samples(spec, 1, seed=6)
    texts = ["=SUM(A1:A9)", "+86 10 1234", "-", "@某某局", "'=已引", "'"]
    reports = []
    for number, text in enumerate(texts):
        report = attrs.evolve(
            sample.report,
            fields={**sample.report.fields, "body": text},
            texts={**sample.report.texts, "overview": text + "\n第二行"},
        )
        reports.append((f"r{number}", report, None))
    path = tmp_path / "wide.csv"
    wide_csv.write_wide_csv(spec, reports, path)
    back = list(wide_csv.read_wide_csv(spec, path))
    assert [(r.fields["body"], r.texts["overview"]) for _, r, _ in back] == [(t, t + "\n第二行") for t in texts]
    assert back[0][1] == reports[0][1]


def test_csv_data_file_text_is_read_as_written(tmp_path: Path) -> None:
    spec = load_spec(SPEC_2021)
    [sample] = valid_samples(spec, 1, seed=6)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([("format", "gov_info_disclosure"), ("version", "2021")])
    writer.writerows((k, f"{v:f}") for k, v in sample.report.values.items() if isinstance(v, Decimal))
    writer.writerows([("fields.body", '=HYPERLINK("x")'), ("fields.year", "2021"), ("texts.overview", "'-x")])
    path = tmp_path / "report.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    loaded = read_report(str(path), spec)
    assert loaded.report is not None, loaded.diagnostics
    assert loaded.report.fields["body"] == '=HYPERLINK("x")' and loaded.report.texts["overview"] == "'-x"
