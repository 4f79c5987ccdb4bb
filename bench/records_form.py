"""The HTML form's live checks over lists of records (docs/records.md) as the number of records grows: the form of
tests/data/records/other_explained.gai with 10 entered rows and 1, 10, 100, 1,000 records (spread over the rows),
loaded in headless Chromium; the time of one ``window.gaidslForm.check()`` (every check: the rows, each record's
own checks, and the filtered sums over the records, run by the embedded validator of the spec) and, apart, of the
checks over the records alone (``performance.now()`` inside the page: the browser's wall clock, no CPU time exists
there; the median of 5 runs). Run: ``nice -n 10 .venv/bin/python bench/records_form.py``; prints a table."""

from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path

from gaidsl.api import load_spec
from gaidsl.checking.report import EnteredMember, Report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.* when run as ``python bench/NAME.py``

from bench.form_page import form_page  # noqa: E402

SPEC = ROOT / "tests" / "data" / "records" / "other_explained.gai"
COUNTS = (1, 10, 100, 1000)
ROWS = 10


def report(count: int) -> Report:
    """10 components; ``count`` records of 1 each, record n explaining component n mod 10; each "other" their sum."""
    keys = [f"C{chr(65 + n)}" for n in range(ROWS)]
    members = tuple(EnteredMember(k, f"Component {k}") for k in keys)
    values: dict[str, str | Decimal] = {}
    per = [0] * ROWS
    for n in range(1, count + 1):
        values[f"explanations.{n}.component"] = keys[n % ROWS]
        values[f"explanations.{n}.description"] = f"Explanation {n}"
        values[f"explanations.{n}.count"] = Decimal(1)
        per[n % ROWS] += 1
    for key, other in zip(keys, per, strict=True):
        values[f"requests.{key}.received"] = Decimal(other + 1)
        values[f"requests.{key}.other"] = Decimal(other)
    values["requests.overall.received"] = Decimal(sum(per) + ROWS)
    values["requests.overall.other"] = Decimal(sum(per))
    return Report("recs", "1", {}, {}, dict(values), {"component": members}, {"explanations": count})


TIMED = """() => {
  const runs = [], alone = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    window.gaidslForm.check();
    runs.push(performance.now() - t);
    const checker = window.gaidslRecordChecks;
    const data = JSON.parse(window.gaidslForm.saved());
    t = performance.now();
    const results = checker.validate(data, null);
    alone.push(performance.now() - t);
    if (!results.some((r) => r.check === "other_explained")) throw new Error("no check over records ran");
  }
  const median = (xs) => xs.sort((a, b) => a - b)[2];
  const failing = window.gaidslForm.results().filter((r) => r.status === "fail").length;
  return [median(runs), median(alone), failing];
}"""


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("no chromium: nothing measured")
        return
    from playwright.sync_api import sync_playwright

    spec = load_spec(SPEC)
    print("records | form check ms | checks over records ms | per record µs | failing")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless"])
        page = form_page(browser, spec)
        for count in COUNTS:
            page.evaluate("t => window.gaidslForm.load(t)", report(count).to_json())
            whole, alone, failing = page.evaluate(TIMED)
            print(f"{count:7d} | {whole:13.1f} | {alone:22.1f} | {1000 * alone / count:13.1f} | {failing}")
            sys.stdout.flush()
        browser.close()


if __name__ == "__main__":
    main()
