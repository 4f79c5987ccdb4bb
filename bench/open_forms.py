"""The forms of a spec with open rows (docs/open-dimensions.md) as the number of entered rows grows: the xlsx workbook
rendered and read back (CPU time of this process), and the HTML form's live check in headless Chromium (time inside
the page, ``performance.now()`` around ``window.gaidslForm.check()``: the browser's wall clock, no CPU time exists
there). Run: ``nice -n 10 .venv/bin/python bench/open_forms.py``; prints a table."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from gaidsl.api import load_spec, sample
from gaidsl.checking.report import EnteredMember, Report
from gaidsl.forms.readback import read_bytes
from gaidsl.targets.xlsx import target as xlsx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/NAME.py``

from bench.form_page import form_page  # noqa: E402

SPEC = ROOT / "tests" / "data" / "open" / "agency_components.gai"
COUNTS = (1, 10, 100, 1000)


def grown(base: Report, count: int) -> Report:
    """``base`` (one member) with ``count`` members, each a copy of the first one's values."""
    first = base.members["component"][0]
    members = tuple(EnteredMember(_letters(n), f"Component {n}") for n in range(count))
    values = {k: v for k, v in base.values.items() if f".{first.key}." not in k}
    for member in members:
        for key, value in base.values.items():
            if f".{first.key}." in key:
                values[key.replace(f".{first.key}.", f".{member.key}.")] = value
    return Report(base.format, base.version, dict(base.fields), dict(base.texts), values, {"component": members})


def _letters(n: int) -> str:
    """A key of capitals that matches ``[A-Z]{2,10}``: ``CAAA``, ``CAAB`` …"""
    out = ""
    for _ in range(3):
        n, digit = divmod(n, 26)
        out = chr(ord("A") + digit) + out
    return "C" + out


def main() -> None:
    spec = load_spec(SPEC)
    base = sample(SPEC, 0).report
    if len(base.members["component"]) != 1:
        base = sample(SPEC, 2).report
    print("members | xlsx render CPU s | readback CPU s | per member ms | html check ms (page)")
    chromium = shutil.which("chromium")
    page = None
    if chromium is not None:
        from playwright.sync_api import sync_playwright

        browser_context = sync_playwright().start()
        browser = browser_context.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless"])
        page = form_page(browser, spec)
    for count in COUNTS:
        report = grown(base, count)
        start = time.process_time()
        data = xlsx.render(spec, report)
        made = time.process_time() - start
        start = time.process_time()
        loaded = read_bytes(spec, data, ".xlsx", "bench.xlsx")
        back = time.process_time() - start
        assert loaded.report is not None and len(loaded.report.members["component"]) == count
        shown = "-"
        if page is not None:
            page.evaluate("t => window.gaidslForm.load(t)", report.to_json())
            ms = page.evaluate(
                "() => { const t = performance.now(); window.gaidslForm.check(); return performance.now() - t; }"
            )
            shown = f"{ms:.0f}"
        print(f"{count:7d} | {made:17.3f} | {back:14.3f} | {1000 * (made + back) / count:13.2f} | {shown}")
    sys.stdout.flush()
    if page is not None:
        browser.close()
        browser_context.stop()


if __name__ == "__main__":
    main()
