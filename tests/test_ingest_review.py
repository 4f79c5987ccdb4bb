"""``gaidsl ingest --review DIR`` and ``--corrections FILE`` (gaidsl/ingest/review.py): the review page in real
Chromium — it loads without a script error, highlights every value that is not of high confidence, shows a cell's
provenance on focus and lights its source line — and a correction saved from the page, fed back with
``--corrections``, gives the corrected data, logged."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.ingest_accuracy import spec_for
from gaidsl.ingest import ingest_file
from gaidsl.ingest.review import FORMAT, CorrectionsError, apply_corrections, load_corrections
from tests.browser_support import chromium, form_page

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ingest" / "cases"
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"
MESSY = CASES / "08_pdf_layout_messy.txt"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _gaidsl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gaidsl", "ingest", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_review_page_highlights_shows_provenance_and_saves_corrections(browser: Any, tmp_path: Path) -> None:
    report = tmp_path / MESSY.name
    shutil.copy(MESSY, report)
    run = _gaidsl(str(SPEC), str(report), "--review", str(tmp_path / "review"), "-o", str(tmp_path / "out"))
    assert run.returncode in (0, 1), run.stderr
    reading = json.loads((tmp_path / "out" / "reading" / f"{MESSY.stem}.json").read_text(encoding="utf-8"))
    uncertain = {
        k for k, p in reading["provenance"].items() if p.get("confidence", {}).get("level") in ("medium", "low")
    }
    assert uncertain  # this PDF-layout report has values placed by position
    html = (tmp_path / "review" / f"{MESSY.stem}.review.html").read_text(encoding="utf-8")
    with form_page(browser, html, tmp_path) as page:
        highlighted = page.eval_on_selector_all("td.medium, td.low", "tds => tds.map(td => td.dataset.key)")
        assert set(highlighted) == uncertain
        high = sum(1 for p in reading["provenance"].values() if p.get("confidence", {}).get("level") == "high")
        assert page.locator("td.high").count() == high > 0
        key = sorted(uncertain)[0]
        page.focus(f'input[data-key="{key}"]')
        where = page.inner_text("#where")
        assert key in where and "printed" in where and "confidence" in where
        line = reading["provenance"][key]["line"]
        assert page.get_attribute(f"#L{line}", "class") == "lit"
        page.fill('input[data-key="requests.received.natural"]', "999")
        page.fill('input[data-key="fees.administrative_fee.amount"]', "")
        assert page.inner_text("#count") == "2"
        assert page.locator("td.corrected").count() == 2
        with page.expect_download() as download:
            page.click("#save")
        saved = tmp_path / "corrections.json"
        download.value.save_as(saved)
    corrections = json.loads(saved.read_text(encoding="utf-8"))
    assert corrections["format"] == FORMAT
    assert corrections["reports"] == {
        MESSY.name: {"requests.received.natural": "999", "fees.administrative_fee.amount": None}
    }
    run = _gaidsl(str(SPEC), str(report), "--corrections", str(saved), "--format", "json")
    data = json.loads(run.stdout)
    assert data["data"]["values"]["requests.received.natural"] == 999
    assert data["data"]["values"].get("fees.administrative_fee.amount") is None
    assert data["reading"]["provenance"]["requests.received.natural"]["how"] == "corrected"
    logged = sorted(c for e in data["reading"]["log"] if e["code"] == "ING400" for c in e["cells"])
    assert logged == ["fees.administrative_fee.amount", "requests.received.natural"]


def test_review_page_is_safe_for_any_file_name(browser: Any, tmp_path: Path) -> None:
    odd = tmp_path / "a<b>&\"'{{x}}=SUM(1).txt"
    shutil.copy(CASES / "01_word_text_tidy.txt", odd)
    run = _gaidsl(str(SPEC), str(odd), "--review", str(tmp_path / "review"), "--no-check")
    assert run.returncode == 0, run.stderr
    (page_file,) = (tmp_path / "review").glob("*.review.html")
    with form_page(browser, page_file.read_text(encoding="utf-8"), tmp_path) as page:
        assert odd.name in page.inner_text("body")
        assert page.locator("td.medium, td.low").count() == 0  # a tidy report: nothing to highlight
        assert page.evaluate("JSON.stringify(window.gaidslForm.corrections())") == "{}"


def test_bad_corrections_are_logged_and_not_applied() -> None:
    result = ingest_file(spec_for("2021"), CASES / "01_word_text_tidy.txt")
    before = result.ingested.report.values["requests.received.natural"]
    fixed = apply_corrections(
        result,
        {"no.such.cell": "1", "requests.received.natural": "1.5", "regulatory_documents.rules.issued": "-1"},
        "c.json",
    )
    codes = [(e.code, e.cells) for e in fixed.ingested.log if e.code.startswith("ING4")]
    assert codes == [
        ("ING401", ()),
        ("ING402", ("requests.received.natural",)),
        ("ING402", ("regulatory_documents.rules.issued",)),
    ]
    assert fixed.ingested.report.values["requests.received.natural"] == before


@pytest.mark.parametrize(
    "text,reason",
    [
        ("{", "not valid JSON"),
        ('{"format": "other", "reports": {}}', "not a corrections file"),
        (json.dumps({"format": FORMAT, "reports": {"a.txt": {"x": 1}}}), "not a corrections file"),
    ],
)
def test_unusable_corrections_file_is_gai840(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorrectionsError) as caught:
        load_corrections(path)
    assert reason in caught.value.en and "更正文件" in caught.value.zh


def test_unusable_corrections_file_exits_2_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("[1, 2", encoding="utf-8")
    reason = "not valid JSON"
    run = _gaidsl(str(SPEC), str(CASES / "01_word_text_tidy.txt"), "--corrections", str(path), "--lang", "en")
    assert run.returncode == 2 and "error[GAI840]" in run.stderr and reason in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
