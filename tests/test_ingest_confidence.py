"""Confidence per value and per report (gaidsl/ingest/confidence.py): derived from how each value was placed and the
reading log, shown in ``gaidsl ingest``'s reading JSON, its log and the batch summary."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.ingest_accuracy import CORPUS, spec_for
from gaidsl.ingest import ingest_file
from gaidsl.ingest.confidence import HIGH, cell_confidence, level_of, report_confidence

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ingest" / "cases"
SPEC_2021 = ROOT / "specs" / "gov_info_disclosure_2021.gai"


def _read(path: Path, version: str = "2021") -> tuple[object, dict]:  # type: ignore[type-arg]
    result = ingest_file(spec_for(version), path)
    return result, cell_confidence(result.spec, result.ingested)


def test_a_tidy_report_is_read_with_full_confidence() -> None:
    _, cells = _read(CASES / "01_word_text_tidy.txt")
    assert cells and all(c.score == 1.0 and c.reasons == () for c in cells.values())
    report = report_confidence(spec_for("2021"), cells)
    assert report.score == 1.0 and report.level == "high" and report.unread == 0
    assert report.high == report.cells == len(spec_for("2021").cells)


def test_a_converted_amount_is_lowered_and_says_why() -> None:
    _, cells = _read(CORPUS / "2019_shanghai_shizhengfu_bangongting.html", "2019")
    amount = cells["procurement.central_procurement.amount"]
    assert amount.score == pytest.approx(0.9)
    assert [en for _, en in amount.reasons] == ["ING136 an amount converted from another money unit"]
    assert cells["procurement.central_procurement.projects"].score == 1.0


def test_values_placed_by_position_are_not_high() -> None:
    result, cells = _read(CASES / "08_pdf_layout_messy.txt")
    placed = {k for k, p in result.ingested.provenance.items() if p.how == "position"}  # type: ignore[attr-defined]
    assert placed
    for key in placed:
        assert cells[key].score <= 0.7 and cells[key].level != "high", key
        assert any("horizontal position" in en for _, en in cells[key].reasons)


def test_a_value_joined_over_a_line_break_is_medium() -> None:
    result, cells = _read(CASES / "06_word_text_messy.txt")
    joined = {k for e in result.ingested.log if e.code == "ING135" for k in e.cells}  # type: ignore[attr-defined]
    assert joined and all(cells[k].score == pytest.approx(0.85) and cells[k].level == "medium" for k in joined)


def test_a_column_missing_from_the_header_lowers_its_cells() -> None:
    """This 2019-format report prints its headers cut short (本年新): those columns are read by order only."""
    _, cells = _read(CORPUS / "2020_qu_weijianju_2019format.txt", "2019")
    issued = cells["regulatory_documents.rules.issued"]
    assert issued.score == pytest.approx(0.8) and issued.level == "medium"
    assert cells["regulatory_documents.rules.published_total"].score == 1.0


def test_unread_cells_count_zero_in_the_reports_confidence() -> None:
    spec = spec_for("2021")
    _, cells = _read(CORPUS / "2021_pingwu_tongjiju.txt")  # a copy cut inside part 二
    report = report_confidence(spec, cells)
    assert report.unread == len(spec.cells) - len(cells) > 0
    assert report.score == pytest.approx(sum(c.score for c in cells.values()) / len(spec.cells))
    assert report.level == "low"


@pytest.mark.parametrize(
    "score,level", [(1.0, "high"), (HIGH, "high"), (0.89, "medium"), (0.7, "medium"), (0.69, "low")]
)
def test_levels(score: float, level: str) -> None:
    assert level_of(score) == level


def test_ingest_shows_confidence_in_its_json_log_and_summary(tmp_path: Path) -> None:
    messy, tidy = CASES / "08_pdf_layout_messy.txt", CASES / "01_word_text_tidy.txt"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "gaidsl",
            "ingest",
            str(SPEC_2021),
            str(messy),
            "-o",
            str(tmp_path / "out"),
            "--summary",
            "--no-progress",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    out = tmp_path / "out"
    reading = json.loads((out / "reading" / "08_pdf_layout_messy.json").read_text(encoding="utf-8"))
    assert reading["confidence"]["cells"] == len(spec_for("2021").cells)
    placed = [p for p in reading["provenance"].values() if p.get("how") == "position"]
    assert placed and all(p["confidence"]["level"] != "high" and p["confidence"]["reasons"] for p in placed)
    assert "confidence 0." in (out / "08_pdf_layout_messy.log").read_text(encoding="utf-8")
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert float(rows[0]["confidence"]) < 1.0 and int(rows[0]["uncertain"]) == sum(
        1 for p in reading["provenance"].values() if p.get("confidence", {}).get("level") in ("medium", "low")
    )
    run = subprocess.run(
        [sys.executable, "-m", "gaidsl", "ingest", str(SPEC_2021), str(tidy), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert json.loads(run.stdout)["reading"]["confidence"]["score"] == 1.0
