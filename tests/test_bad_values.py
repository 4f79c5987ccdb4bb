"""A bad value is a result, not an abort (issue 19): on a wide CSV with injected errors of every kind (sums off by
one, negative counts, fractions and text in counts, too many decimals in an amount), every engine reports every
failing report and the same results, equal to the injected truth (bench/synthetic.py); a refused value is a failing
type result at its cell (``"kind": "cell"``) and the report's other checks run. The file is 10,000 reports; the
reference engine (the evaluator, a few ms a report) is given the first 1,000 of them."""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from bench.synthetic import SPEC_2021, Truth, write_csv_with_errors
from gaidsl import load_spec
from gaidsl.checking.data import read_entry
from gaidsl.checking.wide_csv import WideLine, read_wide_rows
from gaidsl.engines import wide_csv as wide_csv_engine
from gaidsl.engines import wide_csv_sql
from gaidsl.language import ir
from tests.support import optional_postgres_url, run_cli

Found = dict[str, set[tuple[str, str | None, str | None]]]


def _found(document: dict[str, object]) -> Found:
    """By report id, the failing results of a ``--format json`` document in the shape of the injected truth."""
    out: Found = {}
    results = document["results"]
    assert isinstance(results, list)
    for r in results:
        said = ("cell", r["key"], r["code"]) if r.get("kind") == "cell" else (r["check"], r["position"], None)
        out.setdefault(r["report_id"], set()).add(said)
    return out


def _validate(engine: list[str], path: Path) -> tuple[int, Found, dict[str, object]]:
    run = run_cli("validate", str(SPEC_2021), str(path), "--format", "json", "--engine", *engine)
    document = json.loads(run.out)
    return run.code, _found(document), document


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    folder = tmp_path_factory.mktemp("bad_values")
    path = folder / "reports.csv"
    truth = write_csv_with_errors(load_spec(SPEC_2021), 10_000, path, rate=0.02, seed=7)
    return path, truth


def _engines() -> list[list[str]]:
    url = optional_postgres_url()
    return [["python"], ["duckdb"], ["sqlite"], *([["postgres", url]] if url else [])]


def test_the_injected_mix_has_every_kind(injected: tuple[Path, Truth]) -> None:
    """The file holds about 2 % bad reports with every kind of error (else the tests below prove little)."""
    _, truth = injected
    assert 150 < len(truth) < 250
    codes = {said[2] for found in truth.values() for said in found if said[0] == "cell"}
    assert codes == {"GAI704", "GAI705", "GAI706", "GAI707"}
    assert any(said[0] != "cell" for found in truth.values() for said in found)


@pytest.mark.parametrize("engine", _engines(), ids=lambda e: e[0])
def test_every_engine_reports_the_injected_truth(
    injected: tuple[Path, Truth], engine: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL copies the file once (no second COPY as text) and gaidsl's reader reads only the lines with an
    odd cell (the injected ones with a refused value among them), not the file."""
    path, truth = injected
    asked: list[Collection[str] | None] = []

    def counted(spec: ir.Spec, file: str | Path, only: Collection[str] | None = None) -> Iterator[WideLine]:
        asked.append(only)
        return read_wide_rows(spec, file, only=only)

    monkeypatch.setattr(wide_csv_engine, "read_wide_rows", counted)
    code, found, document = _validate(engine, path)
    if engine[0] == "postgres":
        refused = {i for i, said in truth.items() if any(s[0] == "cell" for s in said)}
        assert len(asked) == 1 and asked[0] is not None
        assert refused <= set(asked[0]) and len(asked[0]) <= len(truth)
    assert code == 1
    assert found == truth
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert summary["reports"] == 10_000 and summary["fail_reports"] == len(truth)
    cells = sum(1 for said in itertools.chain(*truth.values()) if said[0] == "cell")
    assert summary["cells"] == cells


def test_the_reference_engine_on_the_first_1000(injected: tuple[Path, Truth], tmp_path: Path) -> None:
    path, truth = injected
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[:1001]
    first = tmp_path / "first.csv"
    first.write_text("".join(lines), encoding="utf-8")
    ids = {line.split(",", 1)[0] for line in lines[1:]}
    code, found, _ = _validate(["reference"], first)
    assert code == 1
    assert found == {i: said for i, said in truth.items() if i in ids}
    assert found


def test_duckdb_reads_typed_and_leaves_the_odd_lines_to_gaidsls_reader(
    injected: tuple[Path, Truth], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No whole-file fallback: the counts are read as numbers, the few odd lines by gaidsl's reader."""
    path, truth = injected

    def no_careful_pass(*args: object, **kwargs: object) -> object:
        raise AssertionError("the file was read the careful way")

    monkeypatch.setattr(wide_csv_engine, "_duckdb_passes", no_careful_pass)
    seen: list[int] = []
    proof = wide_csv_sql.plain_whole_columns

    def counted(*args: object, **kwargs: object) -> object:
        found = proof(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(len(found.odd) if found is not None else -1)
        return found

    monkeypatch.setattr(wide_csv_sql, "plain_whole_columns", counted)
    code, found, _ = _validate(["duckdb"], path)
    assert code == 1 and found == truth
    assert seen and 0 < seen[0] <= len(truth)


BAD = """report_id,fields.body,fields.year,requests.received.natural,requests.received.business
r1,某县人民政府,2021,abc,2
"""


def test_cli_prints_a_type_result_beside_a_check_failure(tmp_path: Path) -> None:
    """Exit 1, the refused value as a type result at its cell (its value quoted) and the report's checks that do
    not read it still run (a required text missing is said)."""
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    run = run_cli("validate", str(SPEC_2021), str(path), "--lang", "en")
    assert run.code == 1, run.err
    assert 'error[GAI704]: "abc": requests.received.natural' in run.out
    assert "required text" in run.out
    assert "1 reports: 0 pass, 1 fail" in run.out


ODD_COUNTS = ["0.5", "1_000", "0x10", " 3", "+3", "３", "1e3", "٣", "3 ", "-0"]
"""Counts DuckDB's CSV reader would read as a number (0.5 rounded to 1, 1_000, 0x10, 1e3 …) or refuses (full-width
and Arabic-Indic digits), and gaidsl's reader judges on its own rules (some accepted, some refused)."""


def test_odd_counts_are_judged_by_gaidsls_reader_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``gaidsl validate --engine duckdb`` (and postgres) on a small CSV with one odd count a line: the proof that
    lets DuckDB read the counts as numbers leaves each of those lines to gaidsl's reader (the plain line alone is
    read typed), and the results are the reference engine's: a refused value a failing cell result with its text."""
    path = tmp_path / "odd.csv"
    header = "report_id,fields.body,fields.year,requests.received.natural,requests.received.business"
    lines = [f"r{i},某县人民政府,2021,{text},2" for i, text in enumerate(["12", *ODD_COUNTS])]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    proof = wide_csv_sql.plain_whole_columns
    odd_lines: list[str] = []

    def seen(*args: object, **kwargs: object) -> object:
        found = proof(*args, **kwargs)  # type: ignore[arg-type]
        assert found is not None  # the counts are read as numbers, but for the odd lines
        odd_lines.extend(found.odd)
        return found

    monkeypatch.setattr(wide_csv_sql, "plain_whole_columns", seen)
    code, found, document = _validate(["duckdb"], path)
    assert sorted(odd_lines) == sorted(lines[1:])
    reference_code, reference, _ = _validate(["reference"], path)
    assert (code, found) == (reference_code, reference) == (1, reference)
    spec = load_spec(SPEC_2021)
    refused = {}
    for i, text in enumerate(ODD_COUNTS, 1):
        _, diagnostics = read_entry(spec, "requests.received.natural", text)
        if diagnostics:
            refused[f"r{i}"] = (diagnostics[0].code, text.strip())
    assert len(refused) == 6  # 0.5, 1_000, 0x10, ３, 1e3, ٣; the spaces, +3 and -0 are read as numbers
    results = document["results"]
    assert isinstance(results, list)
    cells = {r["report_id"]: (r["code"], r["value"]) for r in results if r.get("kind") == "cell"}
    assert cells == refused
    url = optional_postgres_url()
    if url:
        assert _validate(["postgres", url], path)[:2] == (1, reference)


def test_a_broken_header_is_still_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("report_id,no_such_key\nr1,1\n", encoding="utf-8")
    for engine in ("reference", "duckdb"):
        run = run_cli("validate", str(SPEC_2021), str(path), "--engine", engine)
        assert run.code == 2, (engine, run.out)
        assert "no_such_key" in run.err


def test_result_files_carry_cell_results(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    out = tmp_path / "results.jsonl"
    run = run_cli("validate", str(SPEC_2021), str(path), "-o", str(out))
    assert run.code == 1
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["kind"] == "cell" and first["code"] == "GAI704" and first["value"] == "abc"
    assert first["key"] == "requests.received.natural" and first["status"] == "fail"
    csv_out = tmp_path / "results.csv"
    assert run_cli("validate", str(SPEC_2021), str(path), "-o", str(csv_out)).code == 1
    assert '"r1","GAI704","error","fail","requests.received.natural"' in csv_out.read_text(encoding="utf-8")


JIUJIA = Path(__file__).parent / "data" / "jiujia_2023.json"


@pytest.mark.parametrize("engine", ["reference", "python", "duckdb", "sqlite"])
def test_a_folder_of_reports_with_a_bad_value(tmp_path: Path, engine: str) -> None:
    """The same rule for data files: a refused value is a type result of its report (the others read as ever);
    exit 1; a data file whose structure is broken is still exit 2."""
    data = json.loads(JIUJIA.read_text(encoding="utf-8"))
    key = next(iter(data["values"]))
    (tmp_path / "good.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    data["values"][key] = -3
    data["fields"]["year"] = "二〇二三"
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = run_cli("validate", str(SPEC_2021), str(tmp_path), "--format", "json", "--engine", engine)
    assert run.code == 1, run.err
    document = json.loads(run.out)
    cells = [r for r in document["results"] if r.get("kind") == "cell"]
    assert {(Path(r["file"]).name, r["key"], r["code"], r["value"]) for r in cells} == {
        ("bad.json", key, "GAI705", "-3"),
        ("bad.json", "fields.year", "GAI704", "二〇二三"),
    }
    verdicts = {Path(r["file"]).name: r["verdict"] for r in document["reports"]}
    assert verdicts["bad.json"] == "fail"
    checks = [r for r in document["results"] if r.get("kind") != "cell" and Path(r["file"]).name == "bad.json"]
    assert len(checks) == len([r for r in document["results"] if Path(r["file"]).name == "good.json"])
    (tmp_path / "broken.json").write_text("[1, 2]", encoding="utf-8")
    assert run_cli("validate", str(SPEC_2021), str(tmp_path), "--engine", engine).code == 2
