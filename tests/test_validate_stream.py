"""Streaming output and ``--jobs`` on a wide CSV (issue 19): ``--format json`` is written from spools as reports
finish, byte for byte the batch document; the ``-o`` file's failing lines are the document's results in the same
order; ``--jobs 2`` (chunks of a few lines, so a report and its last year's line fall in different chunks) gives
the same standard output, ``-o`` file and exit code as ``--jobs 1``; the ``-o`` file is still refused where it
would overwrite a file or write through a link."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import SPEC_2021, Truth, write_csv_with_errors
from gaidsl import load_spec
from gaidsl.checking import wide_csv
from gaidsl.checking.results import dumps
from gaidsl.cli import json_stream, validate_jobs
from gaidsl.engines import wide_csv as wide_csv_engine
from gaidsl.sampling.samples import valid_samples
from tests.support import examples, run_cli

SPEC = str(SPEC_2021)
PYTHON_ENGINES = ["reference", "python"]


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    """200 reports, a tenth with one injected error of every kind (bench/synthetic.py)."""
    path = tmp_path_factory.mktemp("stream") / "reports.csv"
    truth = write_csv_with_errors(load_spec(SPEC_2021), 200, path, rate=0.1, seed=11)
    return path, truth


@pytest.fixture(scope="module")
def blanked(injected: tuple[Path, Truth], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The injected reports with a count left blank on every fifth line (its checks unverifiable: the report
    incomplete)."""
    with open(injected[0], newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    key = rows[0].index("requests.received.natural")
    for row in rows[1::5]:
        row[key] = ""
    path = tmp_path_factory.mktemp("blanked") / "reports.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports with last year's report on a line of its own (previous_id), one line with a fraction in a count and
    one last year's line with text in a count."""
    spec = load_spec(SPEC_2021)
    lines: list[tuple[str, object, str | None]] = []
    for i, sample in enumerate(valid_samples(spec, 6, seed=5, with_previous=True)):
        if sample.previous is not None:
            lines.append((f"p{i}", sample.previous, None))
        lines.append((f"r{i}", sample.report, f"p{i}" if sample.previous is not None else None))
    path = tmp_path_factory.mktemp("linked") / "reports.csv"
    wide_csv.write_wide_csv(spec, lines, path)  # type: ignore[arg-type]
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    key = rows[0].index("requests.received.natural")
    rows[1][key] = "0.5"  # p0: last year's line of r0
    rows[-1][key] = "3件"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _run(path: Path, engine: str, jobs: int, out: Path, *more: str) -> tuple[int, str, str, bytes]:
    run = run_cli("validate", SPEC, str(path), "--engine", engine, "--jobs", str(jobs), "-o", str(out), *more)
    assert "Traceback" not in run.err, run.err
    return run.code, run.out, run.err, out.read_bytes() if out.exists() else b""


@pytest.mark.parametrize(
    ("engine", "data"),
    [(engine, data) for engine in PYTHON_ENGINES for data in ("injected", "linked")] + [("python", "blanked")],
)
@pytest.mark.parametrize("form", [("json", "jsonl"), ("text", "csv")])
def test_jobs_give_the_same_output_as_one(
    engine: str,
    data: str,
    form: tuple[str, str],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = request.getfixturevalue(data)
    path = found[0] if isinstance(found, tuple) else found
    monkeypatch.setattr(validate_jobs, "CHUNK", 7)  # many chunks; a previous_id's line in another one
    monkeypatch.setattr(validate_jobs, "CHUNK_BYTES", 3000)  # the python engine's: a few lines each
    output, suffix = form
    one = _run(path, engine, 1, tmp_path / f"one.{suffix}", "--format", output, "--lang", "en")
    two = _run(path, engine, 2, tmp_path / f"two.{suffix}", "--format", output, "--lang", "en")
    assert one[0] == 1, one[1] + one[2]
    assert two == one
    assert len(one[3].splitlines()) > 100  # every result of every report, not the failures only


_TEXTS = st.text(st.sampled_from(['"', ",", "\n", "\r", "a", "中", " "]), max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(_TEXTS, max_size=40),
    size=st.integers(min_value=0, max_value=200),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_byte_ranges_end_where_records_end(texts: list[str], size: int, ending: str) -> None:
    """The python engine's workers read byte ranges of the file themselves: the ranges follow one another from the
    header's end to the file's, and each parses to whole records, together what the csv module reads of the whole
    file (texts with quotes, commas and line breaks, a stray quote in an unquoted field)."""
    rows = [["report_id", "texts.t"], *([f"r{i}", t] for i, t in enumerate(texts))]
    text = io.StringIO()
    csv.writer(text, lineterminator=ending).writerows(rows)
    data = text.getvalue().encode() + b'r9,a"b' + ending.encode()  # a stray quote: the csv module takes it as is
    whole = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert whole[-1] == ["r9", 'a"b']
    folder = Path(tempfile.mkdtemp())
    path = folder / "reports.csv"
    path.write_bytes(data)
    found: list[list[str]] = []
    at = len(data.split(ending.encode(), 1)[0]) + len(ending)
    for start, end in validate_jobs.byte_ranges(str(path), size):
        assert start == at and end > start
        found += csv.reader(io.StringIO(data[start:end].decode(), newline=""))
        at = end
    assert at == len(data) and found == whole[1:]
    shutil.rmtree(folder)


@pytest.mark.parametrize("engine", [*PYTHON_ENGINES, "duckdb", "sqlite"])
def test_streamed_json_is_the_injected_truth_and_the_result_files_failures(
    engine: str, injected: tuple[Path, Truth], tmp_path: Path
) -> None:
    """The document's results are the injected truth, and the ``-o`` file's failing lines in the same order."""
    path, truth = injected
    out = tmp_path / "results.jsonl"
    run = run_cli("validate", SPEC, str(path), "--engine", engine, "--format", "json", "-o", str(out))
    assert run.code == 1, run.out + run.err
    document = json.loads(run.out, parse_float=Decimal)
    said = [
        (r["report_id"], ("cell", r["key"], r["code"]) if r.get("kind") == "cell" else (r["check"], r["position"]))
        for r in document["results"]
    ]
    found: dict[str, set[tuple[str, str | None, str | None]]] = {}
    for report_id, result in said:
        found.setdefault(report_id, set()).add(result if len(result) == 3 else (*result, None))  # type: ignore[arg-type]
    assert found == truth
    lines = [json.loads(line, parse_float=Decimal) for line in out.read_text(encoding="utf-8").splitlines()]
    failing = [
        (r["report_id"], ("cell", r["key"], r["code"]) if r.get("kind") == "cell" else (r["check"], r["position"]))
        for r in lines
        if r["status"] == "fail"
    ]
    assert failing == said
    summary = document["summary"]
    assert summary["fail"] == len(said) and summary["fail_reports"] == len(truth)


_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.decimals(allow_nan=False, allow_infinity=False, places=3), _TEXT
)
_VALUE = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3))


@settings(max_examples=examples(1))
@given(
    head=st.dictionaries(st.sampled_from(["spec", "file", "summary", "checks"]), _VALUE),
    results=st.lists(_VALUE, max_size=5),
    missing=st.lists(_VALUE, max_size=5),
)
def test_a_spooled_document_is_the_batch_document(
    head: dict[str, object], results: list[object], missing: list[object]
) -> None:
    """:func:`json_stream.write_document` writes what ``dumps`` gives of the whole document, whatever the elements
    (texts with NULs, quotes, line breaks; Decimals; nesting), empty lists included."""
    document = {**head, "results": results, "missing": missing, "ok": True}
    spools = {"results": json_stream.Spool(), "missing": json_stream.Spool()}
    for element in results:
        spools["results"].add(element)
    for element in missing:
        spools["missing"].add(element)
    out = io.StringIO()
    json_stream.write_document(out, {**document, "results": [], "missing": []}, spools)
    for spool in spools.values():
        spool.close()
    assert out.getvalue() == dumps(document) + "\n"


@pytest.mark.parametrize("engine", PYTHON_ENGINES)
def test_jobs_say_a_report_id_repeated_in_another_chunk(
    engine: str, linked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report_id repeated on a later line, in another chunk than its first: exit 2, said as with one job."""
    monkeypatch.setattr(validate_jobs, "CHUNK", 3)
    with open(linked, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows.append(rows[2])
    repeated = tmp_path / "repeated.csv"
    with open(repeated, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    one = _run(repeated, engine, 1, tmp_path / "one.csv", "--lang", "en")
    two = _run(repeated, engine, 2, tmp_path / "two.csv", "--lang", "en")
    assert one[0] == 2 and "GAI715" in one[2], one
    assert two == one and two[3] == b""  # nothing written


def test_jobs_is_for_the_python_engines_on_a_wide_csv(linked: Path) -> None:
    run = run_cli("validate", SPEC, str(linked), "--engine", "duckdb", "--jobs", "2")
    assert run.code == 2 and "--jobs" in run.err and "Traceback" not in run.err
    run = run_cli("validate", SPEC, str(linked), "--jobs", "-1")
    assert run.code == 2 and "--jobs" in run.err and "Traceback" not in run.err
    assert validate_jobs.workers(0) == (os.cpu_count() or 1) and validate_jobs.workers(3) == 3


def test_jobs_output_is_still_refused_over_a_file_or_a_link(linked: Path, tmp_path: Path) -> None:
    existing = tmp_path / "results.csv"
    existing.write_text("keep me", encoding="utf-8")
    run = run_cli("validate", SPEC, str(linked), "--jobs", "2", "-o", str(existing))
    assert run.code == 2 and existing.read_text(encoding="utf-8") == "keep me"
    target = tmp_path / "elsewhere.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    run = run_cli("validate", SPEC, str(linked), "--jobs", "2", "-o", str(link))
    assert run.code == 2 and not target.exists() and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "results.csv"]  # no temporary file left
    run = run_cli("validate", SPEC, str(linked), "--jobs", "2", "-o", str(link), "--force")
    assert run.code == 1 and not target.exists() and link.is_file() and not link.is_symlink()  # replaced, not followed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "results.csv"]


def test_unreadable_file_gives_the_errors_document_only(linked: Path, tmp_path: Path) -> None:
    """A line of the wrong width (exit 2): the JSON on standard output is the errors document, no half results."""
    with open(linked, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[3] = rows[3][:5]
    broken = tmp_path / "broken.csv"
    with open(broken, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    for engine in PYTHON_ENGINES:
        run = run_cli("validate", SPEC, str(broken), "--engine", engine, "--format", "json", "--jobs", "2")
        document = json.loads(run.out)
        assert run.code == 2 and "results" not in document and document["errors"], run.out + run.err


def test_duckdb_lines_read_apart_in_chunks_are_the_injected_truth(
    injected: tuple[Path, Truth], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB with no odd line allowed in its typed read and gaidsl's reader taking the odd lines 3 at a time (so the
    file's 20 odd reports span several chunks): the same document as with the defaults, equal to the injected truth."""
    path, truth = injected
    plain = run_cli("validate", SPEC, str(path), "--engine", "duckdb", "--format", "json")
    monkeypatch.setattr(wide_csv_engine, "ODD_LINES", 0)
    monkeypatch.setattr(wide_csv_engine, "SETTLE_CHUNK", 3)
    chunked = run_cli("validate", SPEC, str(path), "--engine", "duckdb", "--format", "json")
    assert chunked.code == plain.code == 1 and chunked.out == plain.out, chunked.err
    found: dict[str, set[tuple[str, str | None, str | None]]] = {}
    for r in json.loads(chunked.out)["results"]:
        said = ("cell", r["key"], r["code"]) if r.get("kind") == "cell" else (r["check"], r["position"], None)
        found.setdefault(r["report_id"], set()).add(said)
    assert found == truth


@pytest.mark.parametrize("data", ["injected", "linked", "blanked"])
@pytest.mark.parametrize("output", ["json", "text"])
def test_jobs_without_an_output_file_give_the_same_document(
    data: str, output: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The python engine asks the module for failing and unverifiable results only when there is no ``-o``; its
    workers send back a chunk's failing records and whether each report is incomplete, the summary the same."""
    found = request.getfixturevalue(data)
    path = found[0] if isinstance(found, tuple) else found
    monkeypatch.setattr(validate_jobs, "CHUNK", 7)
    monkeypatch.setattr(validate_jobs, "CHUNK_BYTES", 3000)
    one = run_cli("validate", SPEC, str(path), "--engine", "python", "--format", output, "--lang", "en")
    two = run_cli("validate", SPEC, str(path), "--engine", "python", "--format", output, "--lang", "en", "--jobs", "2")
    assert one.code == 1, one.err
    if output == "json":
        document = json.loads(one.out)
        assert document["results"], document["summary"]
        assert (data == "blanked") == (document["summary"]["incomplete_reports"] > 0), document["summary"]
    assert two == one
