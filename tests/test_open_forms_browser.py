"""The HTML form of a spec with open rows in headless Chromium (issue 15, acceptance 3; docs/open-dimensions.md):
add rows, remove one, type values, see the totals recompute and a failing `for each row` check at its row, save the
data file and validate it with the reference evaluator; load a data file with members back into the form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from gaidsl.api import load_spec, validate
from tests.browser_support import chromium, form_page
from tests.render_support import target

expect = sync_api.expect
OPEN = Path(__file__).resolve().parent / "data" / "open"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def opened(browser: Any, tmp_path: Path, name: str) -> Any:
    spec = load_spec(OPEN / f"{name}.gai")
    return form_page(browser, next(iter(target("html-form").emit(spec).values())), tmp_path)


def rows(page: Any, table: str) -> Any:
    return page.locator(f'table[data-grid="{table}"] tr.entered-row')


def add(page: Any, key: str, label: str) -> None:
    page.locator("button.add-row").first.click()
    row = rows(page, "requests").last
    row.locator("input.member-key").fill(key)
    row.locator("input.member-label").fill(label)


def test_add_remove_rows_totals_and_a_failing_row_check(browser: Any, tmp_path: Path) -> None:
    with opened(browser, tmp_path, "agency_components") as page:
        # no rows yet: `at least 1` is named next to the table
        expect(page.locator('.checks li[data-check="members.component.at_least"]')).to_have_count(1)
        page.fill("#f-agency", "Department of Examples")
        page.fill("#f-year", "2025")
        add(page, "CIV", "Civil Division")
        add(page, "TAX", "Tax Division")
        add(page, "ENV", "Environment Division")
        # the member list is one for the report: every table that uses the dimension has the rows, keys synced
        expect(rows(page, "staff")).to_have_count(3)
        expect(rows(page, "staff").nth(1).locator("input.member-key")).to_have_value("TAX")
        rows(page, "requests").nth(2).locator("button.remove-row").click()
        expect(rows(page, "requests")).to_have_count(2)
        expect(rows(page, "staff")).to_have_count(2)
        for index, values in enumerate([("1", "10", "8", "3"), ("0", "5", "5", "0")]):
            for column, value in enumerate(values):
                rows(page, "requests").nth(index).locator("input.cell").nth(column).fill(value)
        for index, staffed in enumerate([("2", "1"), ("1", "0")]):
            for column, value in enumerate(staffed):
                rows(page, "staff").nth(index).locator("input.cell").nth(column).fill(value)
        # the totals add up the entered rows, live
        expect(page.locator('input[data-cell="requests.overall.received"]')).to_have_value("15")
        expect(page.locator('input[data-cell="staff.overall.full_time"]')).to_have_value("3")
        expect(page.locator("#summary")).to_contain_text("校验均未发现错误")
        expect(page.locator('.checks li[data-check^="members.component"]')).to_have_count(0)
        # a `for each row` check fails at its row, named by the row's label, its cells marked
        rows(page, "requests").nth(1).locator("input.cell").nth(3).fill("2")
        failing = page.locator('.checks li[data-check="flow"][data-position="TAX"]')
        expect(failing).to_contain_text("Tax Division")
        expect(rows(page, "requests").nth(1).locator("input.cell").nth(3)).to_have_class(re.compile(r"\bfail\b"))
        expect(page.locator("#summary")).to_contain_text("校验未通过")
        # a key that does not match the key pattern, and a key given twice
        rows(page, "requests").nth(1).locator("input.member-key").fill("tax")
        expect(page.locator('.checks li[data-check="members.component"][data-position="tax"]')).to_have_count(1)
        rows(page, "requests").nth(1).locator("input.member-key").fill("CIV")
        expect(page.locator('.checks li[data-check="members.component"][data-position="CIV"]')).to_contain_text("CIV")
        rows(page, "requests").nth(1).locator("input.member-key").fill("TAX")
        saved = json.loads(page.evaluate("window.gaidslForm.saved()"))
        assert saved["members"] == {
            "component": [{"key": "CIV", "label": "Civil Division"}, {"key": "TAX", "label": "Tax Division"}]
        }
        assert saved["values"]["requests.TAX.pending_end"] == 2
        assert saved["values"]["requests.overall.pending_end"] == 5
        path = tmp_path / "saved.json"
        path.write_text(json.dumps(saved), encoding="utf-8")
        results = validate(OPEN / "agency_components.gai", path)
        failed = {(r.check, r.position) for r in results.results if r.status == "fail"}
        assert failed == {("flow", "TAX"), ("flow", "overall")}
        shown = {
            (li.get_attribute("data-check"), li.get_attribute("data-position"))
            for li in page.locator(".checks li.error").all()
        }
        assert shown == failed


@pytest.mark.parametrize(
    ("name", "file", "last_year"),
    [
        ("agency_components", "components_40_one_violation.json", None),
        ("agency_components", "components_40.json", "components_39_last_year.json"),
        ("agency_components", "components_0.json", None),
        ("function_subjects", "function_subjects_valid.json", None),
        ("function_subjects", "function_subjects_one_violation.json", None),
    ],
)
def test_loaded_reports_fail_the_checks_the_reference_fails(
    browser: Any, tmp_path: Path, name: str, file: str, last_year: str | None
) -> None:
    """Load a report (and last year's): the form shows exactly the failing checks and positions of `gaidsl
    validate`, and as many unverifiable ones."""
    data = OPEN / file
    previous = OPEN / last_year if last_year else None
    results = validate(OPEN / f"{name}.gai", data, previous).results
    expected = {(r.check, r.position) for r in results if r.status == "fail"}
    with opened(browser, tmp_path, name) as page:
        if previous is not None:
            page.set_input_files("#load-previous", str(previous))
            page.wait_for_function("window.gaidslForm.previous() !== null")
        page.evaluate("text => window.gaidslForm.load(text)", data.read_text(encoding="utf-8"))
        shown = {
            (li.get_attribute("data-check"), li.get_attribute("data-position"))
            for li in page.locator(".checks li[data-check].error, .checks li[data-check].warning").all()
        }
        assert shown == expected
        unverifiable = sum(r.status == "unverifiable" for r in results)
        summary = page.locator("#summary").text_content() or ""
        assert (f"{unverifiable} 项因空白无法核验" in summary) == (unverifiable > 0), summary


def test_load_a_report_with_members_and_save_it_again(browser: Any, tmp_path: Path) -> None:
    data = OPEN / "components_40_one_violation.json"
    with opened(browser, tmp_path, "agency_components") as page:
        page.evaluate("text => window.gaidslForm.load(text)", data.read_text(encoding="utf-8"))
        expect(rows(page, "requests")).to_have_count(40)
        again = json.loads(page.evaluate("window.gaidslForm.saved()"))
        original = json.loads(data.read_text(encoding="utf-8"))
        assert again["members"] == original["members"]
        assert {k: v for k, v in again["values"].items() if v is not None} == original["values"]


def test_coded_rows_parent_equals_children_and_a_missing_parent(browser: Any, tmp_path: Path) -> None:
    with opened(browser, tmp_path, "function_subjects") as page:
        page.fill("#f-unit_name", "某单位")
        for code in ("201", "20101", "2010101", "2010102"):
            page.locator("button.add-row").first.click()
            rows(page, "expenses").last.locator("input.member-key").fill(code)
        # the code list's official name fills an empty label
        expect(rows(page, "expenses").nth(2).locator("input.member-label")).to_have_value("行政运行")
        values = {"201": "10", "20101": "10", "2010101": "6", "2010102": "3"}
        for index, value in enumerate(values.values()):
            row = rows(page, "expenses").nth(index)
            row.locator("input.cell").nth(0).fill(value)
            row.locator("input.cell").nth(1).fill(value)
            row.locator("input.cell").nth(2).fill("0")
        failing = page.locator('.checks li[data-check="hierarchy.expenses.20101"]')
        expect(failing).to_have_count(2)  # 合计 and 基本支出: 10 ≠ 6 + 3
        expect(page.locator('input[data-cell="expenses.all.spent"]')).to_have_value("10")
        rows(page, "expenses").nth(3).locator("input.cell").nth(0).fill("4")
        rows(page, "expenses").nth(3).locator("input.cell").nth(1).fill("4")
        expect(failing).to_have_count(0)
        rows(page, "expenses").nth(1).locator("button.remove-row").click()
        expect(page.locator('.checks li[data-check="members.subject"][data-position="2010101"]')).to_contain_text(
            "20101"
        )


def test_any_label_is_text(browser: Any, tmp_path: Path) -> None:
    """A label that looks like markup, a template or a formula stays text: in the rows, the messages and the file."""
    hostile = '</script><img src=x onerror="window.bad=1">{{ x }} =SUM(A1) "\\'
    with opened(browser, tmp_path, "agency_components") as page:
        add(page, "XSS", hostile)
        rows(page, "requests").first.locator("input.cell").nth(0).fill("1")
        rows(page, "requests").first.locator("input.cell").nth(1).fill("1")
        rows(page, "requests").first.locator("input.cell").nth(2).fill("1")
        rows(page, "requests").first.locator("input.cell").nth(3).fill("5")
        failing = page.locator('.checks li[data-check="flow"][data-position="XSS"]')
        expect(failing).to_contain_text(hostile)
        assert page.locator("img").count() == 0
        assert page.evaluate("window.bad === undefined")
        saved = json.loads(page.evaluate("window.gaidslForm.saved()"))
        assert saved["members"]["component"] == [{"key": "XSS", "label": hostile}]
