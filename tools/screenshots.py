"""Screenshots of what gaidsl produces, to look at as a user would.

    .venv/bin/python tools/screenshots.py [-o DIR] [--spec SPEC] [--data DATA]

Writes PNGs to DIR (default ./screenshots):
  form.png            the HTML form in headless Chromium, filled from DATA, with one failing check shown
  form-part3.png      the same form, part 三 close up
  pdf-part3.png       the page of the PDF rendering that holds part 三
  docx-part3.png      the Word report (LibreOffice → PDF → pdftoppm), the page with part 三
  docx-form-1.png     the blank Word form, first page
  xlsx-part3.png      the workbook's sheet of part 三 (LibreOffice → PDF → pdftoppm)
  xlsx-checks.png     the workbook's checks sheet, with formulas computed by LibreOffice

Needs Debian's chromium, libreoffice-writer, libreoffice-calc, poppler-utils and fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gaidsl.checking.data import load_report  # noqa: E402
from gaidsl.migrations.documents import compile_file  # noqa: E402
from gaidsl.targets.docx.target import form as docx_form  # noqa: E402
from gaidsl.targets.registry import render, renderer  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def page_png(pdf: Path, page: int, out: Path, dpi: int = 110) -> Path:
    stem = out.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    return out


def find_page(pdf: Path, *needles: str) -> int:
    for i, text in enumerate(pdf_pages(pdf), start=1):
        squeezed = "".join(text.split())
        if all(n in squeezed for n in needles):
            return i
    return 1


def libreoffice_pdf(path: Path, work: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice is not installed (apt-get install libreoffice-writer libreoffice-calc)")
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{work}/lo-profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return work / (path.stem + ".pdf")


def form_screens(spec_path: Path, data_path: Path, work: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    spec = compile_file(spec_path).spec
    assert spec is not None
    html = next(iter(renderer("html-form").emit(spec).values()))
    assert isinstance(html, str)
    form = work / "form.html"
    form.write_text(html, encoding="utf-8")
    data = json.loads(data_path.read_text(encoding="utf-8"))
    data.setdefault("values", {})["requests.received.natural"] = 3  # one failing check to show
    filled = work / "data.json"
    filled.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600}, device_scale_factor=1)
        page.goto(form.as_uri())
        page.wait_for_function("window.gaidslForm !== undefined")
        page.set_input_files("#load", str(filled))
        page.locator('.checks[data-for="requests"] li').first.wait_for(state="visible")
        page.screenshot(path=str(out / "form.png"), full_page=False)
        part3 = page.locator("#part-requests")
        part3.scroll_into_view_if_needed()
        part3.screenshot(path=str(out / "form-part3.png"))
        shots += [out / "form.png", out / "form-part3.png"]
        browser.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", default="screenshots", help="folder for the PNGs")
    parser.add_argument("--spec", default=str(ROOT / "specs" / "gov_info_disclosure_2021.gai"))
    parser.add_argument("--data", default=str(ROOT / "tests" / "data" / "jiujia_2023.json"))
    args = parser.parse_args()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    spec = compile_file(args.spec).spec
    if spec is None:
        raise SystemExit(f"{args.spec}: the spec has errors (gaidsl check)")
    report = load_report(args.data, spec)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="gaidsl-shots-") as tmp:
        work = Path(tmp)
        written += form_screens(Path(args.spec), Path(args.data), work, out)
        pdf = work / "report.pdf"
        pdf.write_bytes(render(spec, report, "pdf"))  # type: ignore[arg-type]
        written.append(page_png(pdf, find_page(pdf, "三、收到和处理", "申请人情况"), out / "pdf-part3.png"))
        docx = work / "report.docx"
        docx.write_bytes(render(spec, report, "docx"))  # type: ignore[arg-type]
        docx_pdf = libreoffice_pdf(docx, work)
        written.append(page_png(docx_pdf, find_page(docx_pdf, "三、收到和处理", "申请人情况"), out / "docx-part3.png"))
        form = work / "form.docx"
        form.write_bytes(docx_form(spec))
        written.append(page_png(libreoffice_pdf(form, work), 1, out / "docx-form-1.png"))
        xlsx = work / "report.xlsx"
        xlsx.write_bytes(render(spec, report, "xlsx"))  # type: ignore[arg-type]
        xlsx_pdf = libreoffice_pdf(xlsx, work)
        written.append(page_png(xlsx_pdf, find_page(xlsx_pdf, "三、收到和处理", "申请人情况"), out / "xlsx-part3.png"))
        written.append(page_png(xlsx_pdf, find_page(xlsx_pdf, "校验", "级别", "结果"), out / "xlsx-checks.png"))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
