"""Published reports as files: a PDF read directly (pdfplumber: ruled tables by their cells, other text by its
layout), a .doc converted by LibreOffice, and the refusals (a scanned PDF names OCR as the next step, GAI830; a
damaged PDF, GAI831; no LibreOffice, GAI832) with exit 2 and no traceback.

The PDFs are gaidsl's own pdf target's rendering of known data (every cell different, some blank), so every value
read can be compared with what was printed."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image

from bench.ingest_accuracy import score, spec_for
from gaidsl.checking.data import parse_report
from gaidsl.checking.report import BLANK, Report
from gaidsl.ingest import Unreadable, ingest_bytes, ingest_file, pdf
from gaidsl.ingest.detect import read_document
from gaidsl.ingest.model import Row
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_file
from gaidsl.targets.pdf.target import render
from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ingest" / "cases"
SPEC_FILE = ROOT / "specs" / "gov_info_disclosure_2021.gai"
_COMPILED = compile_file(SPEC_FILE).spec
assert _COMPILED is not None
SPEC: ir.Spec = _COMPILED
LEGAL_BLANK = ("business", "research", "ngo", "law_firm", "other")


def _truth(blank_legal: bool) -> tuple[Report, dict[str, Any]]:
    """Known data: the 九甲镇 report's fields and texts with case 01's numbers (legal-person columns of part 三
    blank when ``blank_legal``, as the 沭阳县 report prints them)."""
    data = json.loads((ROOT / "tests" / "data" / "jiujia_2023.json").read_text(encoding="utf-8"))
    values = json.loads((CASES / "01_word_text_tidy.expected.json").read_text(encoding="utf-8"))["values"]
    if blank_legal:
        values = {
            k: (None if k.startswith("requests.") and k.rsplit(".", 1)[-1] in LEGAL_BLANK else v)
            for k, v in values.items()
        }
    data["values"] = {k: (v if v is None else json.loads(v)) for k, v in values.items()}
    loaded = parse_report(json.dumps(data, ensure_ascii=False), SPEC, "json")
    assert loaded.report is not None, [d.message.en for d in loaded.diagnostics]
    return loaded.report, values


@pytest.fixture(scope="module", params=[False, True], ids=["numbers", "blank_legal"])
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    report, values = _truth(bool(request.param))
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render(SPEC, report))
    return path, values


def _compare(spec: ir.Spec, path: Path, values: dict[str, Any]) -> list[tuple[str, object, object]]:
    ingested = ingest_file(spec, path).ingested
    wrong: list[tuple[str, object, object]] = []
    for key, value in values.items():
        got = ingested.report.values.get(key, "<absent>")
        ok = got is BLANK if value is None else got == Decimal(value)
        if not ok:
            wrong.append((key, value, got))
    return wrong


def test_pdf_is_read_cell_for_cell(rendered: tuple[Path, dict[str, Any]]) -> None:
    path, values = rendered
    assert _compare(SPEC, path, values) == []
    ingested = ingest_file(SPEC, path).ingested
    assert ingested.route == "pdf"
    assert ingested.unread == ()
    assert ingested.report.fields["body"] == "九甲镇人民政府"
    assert ingested.report.fields["year"] == Decimal(2023)
    assert not ingested.entries("error")
    for key in values:
        assert ingested.provenance[key].where.startswith("page "), (key, ingested.provenance[key])


def test_pdf_tables_come_out_with_their_cells(rendered: tuple[Path, dict[str, Any]]) -> None:
    """Ruled tables give explicit rows (blank cells kept as empty cells); the text around them gives lines; the
    page numbers the target prints are dropped and noted."""
    path, _ = rendered
    document = pdf.read_bytes(path.read_bytes(), path.name)
    rows = [b for b in document.blocks if isinstance(b, Row)]
    assert rows and all(r.explicit for r in rows)
    licence = next(r for r in rows if r.cells and r.cells[0].text == "行政许可")
    assert [c.text for c in licence.cells] == ["行政许可", "176605"]
    assert licence.raw.where.startswith("page 2 · table 1 · row ")
    assert any("dropped page number" in n for n in document.notes)


def test_pdf_cli(rendered: tuple[Path, dict[str, Any]]) -> None:
    path, _ = rendered
    run = run_cli("ingest", str(SPEC_FILE), str(path), "--no-check")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["values"]["licensing.licence.decisions"] == 176605
    assert "读取方式：pdf" in run.err


def _scan(pages: int) -> bytes:
    """A PDF of page images only (what a scanner gives): no text layer."""
    images = [Image.new("RGB", (595, 842), "white") for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def test_scanned_pdf_names_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scan(3))
    with pytest.raises(Unreadable) as caught:
        ingest_file(SPEC, path)
    assert caught.value.code == "GAI830"
    assert "OCR" in caught.value.zh and "OCR" in caught.value.en and "3" in caught.value.en
    run = run_cli("ingest", str(SPEC_FILE), str(path), "--lang", "en")
    assert run.code == 2
    assert "error[GAI830]" in run.err and "OCR" in run.err
    assert "Traceback" not in run.err + run.out


def test_a_real_scan_names_ocr() -> None:
    """A real report's pages printed by LibreOffice, rasterised by pdftoppm and saved as images (tests/data/README.md):
    the pages are full of text, as pixels, and none of it is a character; GAI830 names OCR and the page count."""
    path = Path(__file__).parent / "data" / "scans" / "2022_xixian_taiping_zhen_scan.pdf"
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2 and not any(page.chars for page in pdf.pages) and pdf.pages[0].images
    with pytest.raises(Unreadable) as caught:
        ingest_file(SPEC, path)
    assert caught.value.code == "GAI830" and "OCR" in caught.value.en and "2" in caught.value.en
    run = run_cli("ingest", "auto", str(path), "--lang", "both")
    assert run.code == 2 and "error[GAI830]" in run.err and "OCR" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4])
def test_damaged_pdf_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    run = run_cli("ingest", str(SPEC_FILE), str(path), "--lang", "en")
    assert run.code == 2, run.err
    assert "error[GAI831]" in run.err or "error[GAI830]" in run.err
    assert "Traceback" not in run.err + run.out


def test_pdf_found_in_a_folder(rendered: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, _ = rendered
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(path, folder / "a.pdf")
    run = run_cli("ingest", str(SPEC_FILE), str(folder), "-o", str(tmp_path / "out"), "--summary", "--no-progress")
    assert (tmp_path / "out" / "a.json").is_file(), run.err


# ---------------------------------------------------------------------------------------------------- .doc


@pytest.fixture(scope="module")
def word97(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Case 05 (a .docx) saved as a Word 97–2003 .doc by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("doc")
    source = folder / "case.docx"
    shutil.copy(CASES / "05_docx_tidy.docx", source)
    profile = (folder / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir"]
    subprocess.run([*command, str(folder), str(source)], check=True, capture_output=True, timeout=180)
    return folder / "case.doc"


def test_doc_is_converted_and_read(word97: Path) -> None:
    assert word97.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    expected = json.loads((CASES / "05_docx_tidy.expected.json").read_text(encoding="utf-8"))
    ingested = ingest_file(SPEC, word97).ingested
    assert ingested.route == "doc"
    wrong = []
    for key, value in expected["values"].items():
        got = ingested.report.values.get(key, "<absent>")
        if not (got is BLANK if value is None else got == Decimal(value)):
            wrong.append((key, value, got))
    assert wrong == []
    assert sorted(ingested.unread) == sorted(expected["unread"])


def test_doc_without_libreoffice(word97: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAIDSL_SOFFICE", "none")
    run = run_cli("ingest", str(SPEC_FILE), str(word97), "--lang", "en")
    assert run.code == 2
    assert "error[GAI832]" in run.err and "LibreOffice" in run.err


def test_doc_that_is_not_a_document(tmp_path: Path) -> None:
    """An OLE file LibreOffice cannot make a document of: GAI833, exit 2."""
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(Unreadable) as caught:
        read_document(path.read_bytes(), str(path))
    assert caught.value.code in ("GAI833",)


def test_pdf_bytes_are_routed_by_content() -> None:
    """A PDF named .txt is still a PDF (read as one, not decoded as text)."""
    with pytest.raises(Unreadable) as caught:
        ingest_bytes(SPEC, _scan(1), "report.txt")
    assert caught.value.code == "GAI830"


# ---------------------------------------------------------------------------------------------------- real reports


def _print_with_libreoffice(html: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    profile = (folder / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir"]
    subprocess.run([*command, str(folder), str(html)], check=True, capture_output=True, timeout=180)
    return folder / f"{html.stem}.pdf"


def _print_with_chromium(html: Path, folder: Path) -> Path:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    out = folder / f"{html.stem}.chromium.pdf"
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", html.as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return out


@pytest.mark.parametrize("printer", [_print_with_libreoffice, _print_with_chromium], ids=["libreoffice", "chromium"])
def test_real_report_printed_to_pdf_reads_every_cell(tmp_path: Path, printer: Any) -> None:
    """The 上海市 2019 report of the corpus (a real web page, blank cells and an amount in 元 among them) printed to
    PDF by LibreOffice and by Chromium (whose fonts map 一 二 人 to the Kangxi radicals ⼀ ⼆ ⼈): every printed cell
    read right, none wrong, none left over."""
    expected_path = ROOT / "tests" / "ingest" / "corpus" / "2019_shanghai_shizhengfu_bangongting.expected.json"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    html = tmp_path / "report.html"
    shutil.copy(expected_path.parent / expected["input"], html)
    printed = printer(html, tmp_path)
    scored = score(printed, expected)
    assert scored.error is None
    assert scored.wrong_cells == ()
    assert (scored.right, scored.printed) == (198, 198)
    ingested = ingest_file(spec_for("2019"), printed).ingested
    assert ingested.route == "pdf"
    assert ingested.provenance["requests.received.total"].where.startswith("page ")
