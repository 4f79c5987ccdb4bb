"""Issue 17's layout classes, read by content: a report for each (printed by tests/ingest/perturbed.py from a valid
report), and a property test that perturbs valid reports all these ways at once (acceptance 2).

Every test compares what is read with what the text prints: a cell is *right* (the printed number, or blank where
blank is printed), *left for review* (not read: in ``unread``) or *wrong*. Wrong never happens; each layout class is
read whole, and every guess the reader made is in the log with the cells it concerns (``LogEntry.cells``), so a
value's confidence can be derived from the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, Report
from gaidsl.ingest import Ingested, ingest_text
from gaidsl.sampling.samples import valid_reports
from gaidsl.testing import reports
from tests.ingest.make_cases import SPEC_2021, Case, requests_rows, truth
from tests.ingest.perturbed import Layout, cell_notes, print_report
from tests.support import ROOT, examples, run_cli

assert SPEC_2021 is not None
SPEC = SPEC_2021
ROWS = len(requests_rows(Case("rows", "pipe_text", SPEC, truth(SPEC, 0))))  # type: ignore[arg-type]
VALID = valid_reports(SPEC, 2, seed=17)


def _values(report: Report) -> dict[str, Decimal | None]:
    return {k: v if isinstance(v, Decimal) else None for k, v in report.values.items()}


def _read(values: Mapping[str, Decimal | None], layout: Layout) -> tuple[Ingested, dict[str, Decimal | None], str]:
    text, printed = print_report(SPEC, values, layout)
    return ingest_text(SPEC, text, "perturbed.txt").ingested, printed, text


def _judge(ingested: Ingested, printed: Mapping[str, Decimal | None]) -> tuple[list[str], list[str]]:
    """The cells read wrong and the cells left for review."""
    wrong, review = [], []
    unread = set(ingested.unread)
    for key, value in printed.items():
        if key in unread or key not in ingested.report.values:
            review.append(key)
            continue
        got = ingested.report.values[key]
        if not (got is BLANK if value is None else got == value):
            wrong.append(f"{key}: printed {value}, read {got!r}")
    return wrong, review


def _logged(ingested: Ingested, code: str) -> set[str]:
    """The cells the log's entries of ``code`` name."""
    return {c for e in ingested.log if e.code == code for c in e.cells}


def _cells(table: str) -> set[str]:
    return set(SPEC.tables[table].cells)


@pytest.mark.parametrize(
    ("layout", "code", "cells"),
    [
        (Layout(renumber=True), "ING300", _cells("requests")),
        (Layout(renamed=True), "ING301", _cells("requests")),
        (Layout(renumber=True, renamed=True, drop_five=True), "ING301", _cells("requests")),
        (Layout(ocr_columns=True), "ING303", _cells("requests") | _cells("regulatory_documents")),
        (Layout(no_header=True), "ING303", _cells("regulatory_documents") | _cells("enforcement")),
        (Layout(page_break=5, page_break_label="split"), "ING305", {"requests.prohibited_by_law.total"}),
        (Layout(page_break=4, page_break_label="split"), "ING305", {"requests.state_secret.natural"}),
        (Layout(page_break=5, page_break_label="orphan"), "ING305", {"requests.prohibited_by_law.total"}),
        (Layout(page_break=5, page_break_label="orphan_after"), "ING306", {"requests.prohibited_by_law.total"}),
        (Layout(page_break=0, page_break_label="orphan_after"), "ING306", {"requests.received.natural"}),
        (
            Layout(page_break=20, page_break_label="orphan", more_breaks=((19, "orphan_after"),)),
            "ING306",
            {"requests.confirmation.total", "requests.no_correction.total"},
        ),
        (  # the label between two rows of numbers may be either's: the order places both (never the later row's)
            Layout(more_breaks=((2, "orphan_after"), (3, "orphan_after"))),
            "ING306",
            {"requests.disclosed.total", "requests.partly_disclosed.total"},
        ),
        (Layout(page_break=0, page_break_label="split"), "ING305", {"requests.received.natural"}),
        (Layout(page_break=0, page_break_label="split", renamed=True), "ING304", set()),
        (Layout(page_break=0, page_break_label="orphan", ocr_columns=True), "ING305", {"requests.received.total"}),
        (Layout(merged_header=True), "ING309", _cells("regulatory_documents")),
        (Layout(split_four=True), "ING307", _cells("appeals")),
        (Layout(notes=(0, 4), fee_in_yuan=True), "ING136", {"fees.administrative_fee.amount"}),
        (
            Layout(notes=(0, 4)),
            "ING132",
            {"regulatory_documents.rules.issued", "regulatory_documents.normative.repealed"},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_layout_class_is_read_whole_and_its_guesses_logged(layout: Layout, code: str, cells: set[str]) -> None:
    for report in VALID:
        values = _values(report)
        if code == "ING132":  # notes need numbers worth a note (≥ 2)
            values |= {k: Decimal(22 + n) for n, k in enumerate(sorted(cells))}
        ingested, printed, text = _read(values, layout)
        wrong, review = _judge(ingested, printed)
        assert not wrong, (wrong, text)
        assert not review, (review, [e.render("en") for e in ingested.log if e.level != "info"])
        assert code in {e.code for e in ingested.log}
        assert cells <= _logged(ingested, code), (code, [e.render("en") for e in ingested.log])


def test_trailing_empty_cells_are_counted() -> None:
    """``| 258 | 12 |  |  | 1 | 1 | ``: the 总计 printed blank, then its separator. The row has seven cells; before,
    the last one was taken for a border and the row was one short (left for review, ING130)."""
    for leading_bar in (False, True):
        layout = Layout(trailing=(0, 3, 8), trailing_count=1, leading_bar=leading_bar)
        ingested, printed, text = _read(_values(VALID[0]), layout)
        assert "| " in text and any(line.endswith("|  | ") or line.endswith("| ") for line in text.splitlines())
        assert _judge(ingested, printed) == ([], [])
        assert ingested.report.values["requests.received.total"] is BLANK
        assert "ING130" not in {e.code for e in ingested.log}


def test_mixed_layouts_in_one_document() -> None:
    """Part 二's tables as ``label value`` lines, the others as ``|`` rows: read per table region."""
    ingested, printed, text = _read(_values(VALID[0]), Layout(mixed=True))
    assert "行政许可 " in text and "行政许可 |" not in text and "| " in text
    assert _judge(ingested, printed) == ([], [])
    assert ingested.provenance["licensing.licence.decisions"].how == "cell"


def test_a_label_value_row_short_of_its_columns_is_left_for_review() -> None:
    """A ``label value`` line has no cell positions: a blank leaves no trace, so a short row is never placed."""
    values = _values(VALID[0]) | {"regulatory_documents.rules.repealed": None}
    ingested, printed, _ = _read(values, Layout(mixed=True))
    wrong, _ = _judge(ingested, printed)
    assert not wrong
    assert "regulatory_documents.rules.issued" not in ingested.report.values
    assert "regulatory_documents.rules.issued" in ingested.unread


def test_missing_part_five_heading() -> None:
    """Without 五's heading the text after part 四's table is taken as part 五's (ING302), and 六 is read."""
    ingested, printed, _ = _read(_values(VALID[0]), Layout(drop_five=True))
    assert _judge(ingested, printed) == ([], [])
    assert str(ingested.report.texts["problems"]).startswith("一是公开内容不够全面")
    assert str(ingested.report.texts["other_matters"]).startswith("2023年度")
    assert "ING302" in {e.code for e in ingested.log}
    assert "ING100" not in {e.code for e in ingested.log}


def test_notes_in_cells_are_kept_in_the_provenance() -> None:
    values = _values(VALID[0]) | {
        "regulatory_documents.rules.issued": Decimal(22),
        "regulatory_documents.rules.in_force": Decimal(55),
        "fees.administrative_fee.amount": Decimal("25.1"),
    }
    ingested, printed, text = _read(values, Layout(notes=(0, 2), fee_in_yuan=True))
    assert "22（其中修订11件）" in text and "55（含自然失效27件）" in text and "251000元" in text
    assert _judge(ingested, printed) == ([], [])
    assert ingested.provenance["regulatory_documents.rules.issued"].note == "（其中修订11件）"
    assert ingested.provenance["regulatory_documents.rules.in_force"].note == "（含自然失效27件）"
    assert ingested.report.values["fees.administrative_fee.amount"] == Decimal("25.1")
    assert ingested.provenance["fees.administrative_fee.amount"].raw == "251000元"


def test_a_noted_number_on_a_label_value_line_is_read_with_its_note() -> None:
    """``行政强制 2（其中修订1件）``: a ``label value`` line whose value carries a note is a row (before, a line of
    text, and its row was then read as printed without values: blank)."""
    values = _values(VALID[0]) | {"enforcement.coercion.decisions": Decimal(2)}
    ingested, printed, text = _read(values, Layout(mixed=True, notes=(8,)))
    assert "行政强制 2（其中修订1件）" in text
    assert _judge(ingested, printed) == ([], [])
    assert ingested.provenance["enforcement.coercion.decisions"].note == "（其中修订1件）"
    assert "ING161" not in {e.code for e in ingested.log}


def test_an_orphan_row_is_not_placed_when_the_order_is_ambiguous() -> None:
    """Two rows of the format missing around a row of numbers without a label: which is it? Not read (ING308)."""
    layout = Layout(page_break=5, page_break_label="orphan_after")
    text, printed = print_report(SPEC, _values(VALID[0]), layout)
    lines = text.splitlines()
    dropped = next(n for n, line in enumerate(lines) if line.startswith("3.危及"))
    del lines[dropped]
    ingested = ingest_text(SPEC, "\n".join(lines) + "\n", "ambiguous.txt").ingested
    for key in list(printed):
        if key.startswith("requests.three_safeties."):
            del printed[key]
    wrong, review = _judge(ingested, printed)
    assert not wrong
    assert set(review) == {f"requests.prohibited_by_law.{c.key}" for c in SPEC.tables["requests"].columns.data_members}
    assert "ING308" in {e.code for e in ingested.log}


# ---------------------------------------------------------------------------------------------------- acceptance 4


def test_a_report_with_arithmetic_errors_is_read_as_printed_and_its_checks_fail(tmp_path: Path) -> None:
    """Printed errors are read as printed — the checks that choose among a row's readings never correct a value —
    and the failing checks are reported at those cells."""
    values = _values(VALID[0])
    wrong_total = values["requests.received.total"]
    assert wrong_total is not None
    values["requests.received.total"] = wrong_total + 7  # the row's total does not add up
    values["appeals.review_total"] = (values["appeals.review_total"] or Decimal(0)) + 1
    values["requests.carried_out.natural"] = (values["requests.carried_out.natural"] or Decimal(0)) + 3  # balance
    layout = Layout(trailing=(5,), trailing_count=1)  # a row whose blank total lets the checks choose nothing
    ingested, printed, text = _read(values, layout)
    assert _judge(ingested, printed) == ([], [])
    assert ingested.report.values["requests.received.total"] == wrong_total + 7
    evaluation = evaluate(SPEC, ingested.report)
    failed = {(r.check, r.position) for r in evaluation.results if r.status == "fail"}
    assert failed == {
        ("total.requests.total", "received"),  # 总计 ≠ the sum of the row
        ("total.requests.total", "carried_out"),
        ("total.appeals.review_total", None),
        ("balance", "natural"),  # the column's balance
        ("balance", "total"),
    }
    assert ingested.report.values["requests.prohibited_by_law.total"] is BLANK  # a blank total stays blank
    assert not {e.code for e in ingested.log} & {"ING137"}
    # and on the command line: the reading is reported with its failing checks, exit 1
    source = tmp_path / "errors.txt"
    source.write_text(text, encoding="utf-8")
    spec_file = str(ROOT / "specs" / "gov_info_disclosure_2021.gai")
    run = run_cli("ingest", spec_file, str(source), "--lang", "en", "-o", str(tmp_path / "o"))
    assert run.code == 1, run.out + run.err
    assert "read 200/200" in run.out and "verdict: FAILED" in run.out
    assert "failing: total.requests.total;total.appeals.review_total;balance" in run.out
    assert "Traceback" not in run.err


def test_the_checks_never_fit_a_printed_error_into_a_row() -> None:
    """A row one cell short whose total is printed wrong: no reading makes its checks hold, so nothing is chosen
    and the row is left for review (ING130), never "corrected" into a reading that happens to add up."""
    values = _values(VALID[0])
    row = "一、本年新收政府信息公开申请数量"
    text, _ = print_report(SPEC, values, Layout())
    line = next(line for line in text.splitlines() if line.startswith(row))
    cells = line.split(" | ")
    cells[-1] = str(int(cells[-1]) + 1)  # the total printed one too many
    del cells[2]  # and a cell lost
    ingested = ingest_text(SPEC, text.replace(line, " | ".join(cells)), "short.txt").ingested
    keys = [f"requests.received.{c.key}" for c in SPEC.tables["requests"].columns.data_members]
    assert set(keys) <= set(ingested.unread)
    assert not set(keys) & set(ingested.report.values)
    assert "ING130" in {e.code for e in ingested.log if set(e.cells) & set(keys)}


# ---------------------------------------------------------------------------------------------------- acceptance 2


HOW = ("split", "orphan", "orphan_after", "plain")


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    rows = st.integers(min_value=0, max_value=ROWS - 1)
    return Layout(
        renumber=draw(st.booleans()),
        renamed=draw(st.booleans()),
        drop_five=draw(st.booleans()),
        trailing=tuple(draw(st.lists(rows, max_size=4, unique=True))),
        trailing_count=draw(st.integers(min_value=1, max_value=3)),
        leading_bar=draw(st.booleans()),
        page_break=draw(st.none() | rows),
        page_break_label=draw(st.sampled_from(HOW)),
        more_breaks=tuple(draw(st.lists(st.tuples(rows, st.sampled_from(HOW)), max_size=2, unique_by=lambda b: b[0]))),
        ocr_columns=draw(st.booleans()),
        no_header=draw(st.booleans()),
        merged_header=draw(st.booleans()),
        split_four=draw(st.booleans()),
        notes=tuple(draw(st.lists(st.integers(min_value=0, max_value=9), max_size=3))),
        fee_in_yuan=draw(st.booleans()),
        mixed=draw(st.booleans()),
    )


@settings(max_examples=examples(0.5))
@given(reports(SPEC), layouts())
def test_perturbed_reports_are_read_right_or_left_for_review(report: Report, layout: Layout) -> None:
    """Acceptance 2: a valid report printed with any mix of the layout classes is read right or left for review,
    never wrong."""
    ingested, printed, text = _read(_values(report), layout)
    wrong, review = _judge(ingested, printed)
    assert not wrong, (layout, wrong, text)
    unread = set(ingested.unread)
    assert set(review) <= unread, "a cell neither read nor listed for review"
    # a "label value" line with a blank prints no cell positions: what it holds is not read but listed
    ambiguous = set(SPEC.cells) - set(printed)
    assert ambiguous <= unread and not ambiguous & set(ingested.report.values), (layout, text)
    # only those lines leave cells for review: every other layout class is read whole
    assert layout.mixed or not review, (layout, review, text)
    for key, note in cell_notes(SPEC, printed, layout).items():  # a note stripped is kept in the provenance
        assert key in unread or ingested.provenance[key].note == note
