"""``gaidsl ingest`` of lists of records (issue 15; gaidsl/ingest/records.py): a list printed as a table, a row per
record and a column per field, becomes the report's records, every value with where it was printed, a blank left
blank, each value read as its field's type or left for review (never made up).

tests/data/records/projects_published.txt is a report written by hand for these tests in the style of the ingest
cases (tests/ingest/cases): a web page saved as text, ``|`` between cells, a number column, a member printed by its
label, an amount in 元 in a 万元 column, a date printed the Chinese way, a choice that is none, text in an amount
column, an impossible date, a blank name, a number out of order and a form's empty row. The property test renders
random valid reports with records (the ``markdown`` and ``text`` renderers) and reads them back.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.api import load_report, load_spec, render, validate
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, Report, Value
from gaidsl.ingest import ingest_bytes, ingest_text
from gaidsl.ingest.result import Result
from gaidsl.ingest.review import apply_corrections
from gaidsl.language import ir
from gaidsl.sampling import strategies
from tests.support import run_cli

RECORDS = Path(__file__).resolve().parent / "data" / "records"
PUBLISHED = RECORDS / "projects_published.txt"


@pytest.fixture(scope="module")
def projects() -> ir.Spec:
    return load_spec(RECORDS / "projects.gai")


@pytest.fixture(scope="module")
def explained() -> ir.Spec:
    return load_spec(RECORDS / "other_explained.gai")


def logged(log: tuple[object, ...], code: str) -> list[tuple[str, ...]]:
    """The cells of each entry of ``code``."""
    return [e.cells for e in log if getattr(e, "code", None) == code]  # type: ignore[attr-defined]


def test_a_hand_made_report_gives_its_records_typed_with_provenance(projects: ir.Spec) -> None:
    result = ingest_text(projects, PUBLISHED.read_text(encoding="utf-8"), PUBLISHED.name)
    ingested = result.ingested
    report = ingested.report
    assert report.records == {"projects": 5}  # the empty row is no record
    records = {k: v for k, v in report.values.items() if k.startswith("projects.")}
    assert records == {
        "projects.1.name": 'Roads "north" – phase 2',  # a text as printed
        "projects.1.fund": "budget",
        "projects.1.amount": Decimal("12.50"),
        "projects.1.status": "ongoing",
        "projects.1.started": "2025-03-01",
        "projects.2.name": "桥梁维修",
        "projects.2.fund": "own",  # printed as its label, Own income
        "projects.2.amount": Decimal("5"),  # 50000元 in a column in 万元
        "projects.2.status": "completed",
        "projects.2.started": "2025-04-02",  # 2025年4月2日
        "projects.3.name": "Lighting",
        "projects.3.fund": "own",
        "projects.3.amount": Decimal("2"),
        "projects.3.started": "2025-05-03",
        "projects.4.name": "Parks",
        "projects.4.fund": "own",
        "projects.4.status": "ongoing",
        "projects.5.name": BLANK,  # printed blank: left blank
        "projects.5.fund": "own",
        "projects.5.amount": Decimal("1"),
        "projects.5.status": "ongoing",
        "projects.5.started": "2025-07-01",
    }
    # not a value of its field's type: not read, for review, never made up
    assert set(ingested.unread) == {"projects.3.status", "projects.4.amount", "projects.4.started"}
    assert sorted(c for cells in logged(ingested.log, "ING131") for c in cells) == sorted(ingested.unread)
    assert logged(ingested.log, "ING507") == [("projects.5.name",)]
    assert logged(ingested.log, "ING508") == [("projects.2.fund",), ("projects.2.started",)]
    assert logged(ingested.log, "ING136") == [("projects.2.amount",)]
    assert len(logged(ingested.log, "ING505")) == 1  # printed 6 as the fifth
    assert len(logged(ingested.log, "ING506")) == 1
    assert [e.message.en for e in ingested.log if e.code == "ING500"] == [
        "list of records 'Projects' read from its table: 5 records"
    ]
    # where every value came from
    amount = ingested.provenance["projects.2.amount"]
    assert (amount.line, amount.raw, amount.row_label) == (15, "50000元", "#2")
    assert ingested.provenance["projects.5.name"].line == 18
    assert all(k in ingested.provenance for k in records)
    # the record rows were not taken for the table's rows, which are read whole
    assert report.values["by_fund.all.spent"] == Decimal("19.50")
    assert not [e for e in ingested.log if e.code in ("ING120", "ING122")]
    # the result's spec has the records as cells, so the checks, the confidence and the review cover them
    assert "projects.5.started" in result.spec.cells


def test_a_count_column_with_text_is_left_for_review_and_members_are_read_first(explained: ir.Spec) -> None:
    text = "\n".join(
        [
            "recs",
            "Processing",
            "Requests",
            "| | Received | Other |",
            "| CIV | Civil | 10 | 5 |",
            "| TAX | Tax | 4 | 1 |",
            "| AGENCY OVERALL | 14 | 6 |",
            "Explanations of other",
            "| Component | Description | Count |",  # no number column
            "| CIV | Referred to another agency | 3 |",
            "| CIV Civil | Duplicate | two |",
            "| Tax | Withdrawn | 1 |",
            "| ENV | Not ours | 1 |",
        ]
    )
    ingested = ingest_text(explained, text, "explained.txt").ingested
    report = ingested.report
    assert [m.key for m in report.members["component"]] == ["CIV", "TAX"]  # AGENCY OVERALL is the total row
    assert report.values["requests.overall.other"] == Decimal(6)
    assert report.records == {"explanations": 4}
    assert report.values["explanations.2.component"] == "CIV"  # key and label
    assert report.values["explanations.3.component"] == "TAX"  # the label
    assert set(ingested.unread) == {"explanations.2.count", "explanations.4.component"}  # "two"; ENV: no member
    assert "explanations.2.count" not in report.values and "explanations.4.component" not in report.values


def test_a_list_not_printed_is_an_error_and_no_record_is_made_up(projects: ir.Spec) -> None:
    text = PUBLISHED.read_text(encoding="utf-8").split("\nProjects\n| No.")[0]
    ingested = ingest_text(projects, text, "no_list.txt").ingested
    assert ingested.report.records == {}
    assert [e.level for e in ingested.log if e.code == "ING501"] == ["error"]
    assert not [k for k in ingested.report.values if k.startswith("projects.")]


def test_cli_writes_records_with_their_provenance_and_validates_them(tmp_path: Path, explained: ir.Spec) -> None:
    report = load_report(explained, RECORDS / "explained_2.json")
    printed = tmp_path / "explained.txt"
    printed.write_text(str(render(explained, report, "txt")), encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("ingest", str(RECORDS / "other_explained.gai"), str(printed), "-o", str(out))
    assert run.code == 0, run.err
    data = json.loads((out / "explained.json").read_text(encoding="utf-8"))
    assert data["records"] == json.loads((RECORDS / "explained_2.json").read_text(encoding="utf-8"))["records"]
    reading = json.loads((out / "reading" / "explained.json").read_text(encoding="utf-8"))
    assert reading["provenance"]["explanations.2.count"]["raw"].strip() == "2"
    assert "ING500" in (out / "explained.log").read_text(encoding="utf-8")
    back = load_report(explained, out / "explained.json")
    assert all(r.status == "pass" for r in validate(explained, back).results)
    # a report with values not read: exit 1, the reading log names them
    run = run_cli("ingest", str(RECORDS / "projects.gai"), str(PUBLISHED), "-o", str(tmp_path / "more"))
    assert run.code == 1
    assert "ING131" in (tmp_path / "more" / "projects_published.log").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ render → ingest → same

_TEXT = st.text(  # odd spaces (no-break, ideographic) are read as plain spaces; a | splits a cell in text output
    st.characters(codec="utf-8", categories=("L", "N", "P", "S"), include_characters=" ", exclude_characters="|"),
    min_size=1,
    max_size=16,
).filter(lambda t: t == t.strip() and "  " not in t and t.strip("-—–/\\_－―／＿") != "")


def _with_texts(spec: ir.Spec, report: Report, texts: list[str]) -> Report:
    """``report`` with its records' text fields ``texts`` in turn (the samples' own are "label N")."""
    values: dict[str, Value] = dict(report.values)
    places = [
        records.cell_key(str(n), f.key)
        for records in spec.records.values()
        for n in range(1, report.records.get(records.key, 0) + 1)
        for f in records.fields
        if f.type.kind == "text" and f.dimension is None
    ]
    for key, text in zip(places, texts, strict=False):
        values[key] = text
    return attrs.evolve(report, values=values)


@settings(max_examples=12)
@given(data=st.data())
@pytest.mark.parametrize("to", ["md", "txt"])
@pytest.mark.parametrize("name", ["projects.gai", "other_explained.gai"])
def test_rendered_records_read_back_the_same(name: str, to: str, data: st.DataObject) -> None:
    spec = load_spec(RECORDS / name)
    report = data.draw(strategies.reports(spec))
    report = _with_texts(spec, report, data.draw(st.lists(_TEXT, max_size=12)))
    printed = str(render(spec, report, to))
    ingested = ingest_text(spec, printed, f"report.{to}").ingested
    read = ingested.report
    assert read.records == {k: n for k, n in report.records.items() if k in spec.records}, [
        e.render("en") for e in ingested.log
    ]
    assert read.members == report.members
    record_keys = {k for k in report.values if k.split(".")[0] in spec.records}
    assert {k: read.values.get(k) for k in record_keys} == {k: report.values[k] for k in record_keys}
    assert not ingested.unread
    assert all(k in ingested.provenance for k in record_keys)


@pytest.mark.parametrize(("to", "route"), [("docx", None), ("xlsx", None), ("docx", "docx")])
def test_files_gaidsl_wrote_give_the_records_and_rows(explained: ir.Spec, to: str, route: str | None) -> None:
    """A Word or Excel file gaidsl wrote is read back by its own map (the report's entered rows and records are its
    cells, none reported missing); ``--route docx`` reads the Word file as a published report."""
    report = load_report(explained, RECORDS / "explained_2.json")
    content = render(explained, report, to)
    assert isinstance(content, bytes)
    result = ingest_bytes(explained, content, f"explained.{to}", route)
    assert result.ingested.route == (route or f"gaidsl_{to}")
    ingested = result.ingested
    assert ingested.unread == (), [e.render("en") for e in ingested.log]
    assert (ingested.report.records, ingested.report.members) == (report.records, report.members)
    assert {k: v for k, v in ingested.report.values.items() if v is not BLANK} == report.values
    assert "explanations.2.count" in result.spec.cells and "requests.TAX.other" in result.spec.cells


def test_a_correction_decides_the_records_filters_again(projects: ir.Spec) -> None:
    """A record's member corrected after review moves its amount to the other funding source's sum."""
    result = ingest_text(projects, PUBLISHED.read_text(encoding="utf-8"), PUBLISHED.name)

    def at_budget(result: Result) -> str:
        evaluation = evaluate(result.spec, result.ingested.report)
        return next(r.status for r in evaluation.results if (r.check, r.position) == ("matches_projects", "budget"))

    assert at_budget(result) == "pass"  # 12.50 from record 1 alone
    fixed = apply_corrections(result, {"projects.2.fund": "budget", "projects.4.amount": "0"}, "fix.json")
    assert fixed.ingested.report.values["projects.2.fund"] == "budget"
    assert "projects.4.amount" not in fixed.ingested.unread
    assert at_budget(fixed) == "fail"  # 12.50 + 5


def test_the_same_report_saved_from_word_reads_the_same(projects: ir.Spec) -> None:
    """The hand-made report as Word saves it as text (each cell a line after a tab, a blank line ending a row)."""
    lines = []
    for line in PUBLISHED.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            lines += ["\t" + cell.strip() for cell in line.strip("|").split("|")] + [""]
        else:
            lines.append(line)
    word = ingest_text(projects, "\n".join(lines) + "\n", "word.txt").ingested
    pipe = ingest_text(projects, PUBLISHED.read_text(encoding="utf-8"), PUBLISHED.name).ingested
    assert word.route == "word_text"
    assert (word.report.values, word.report.records, word.unread) == (
        pipe.report.values,
        pipe.report.records,
        pipe.unread,
    )
