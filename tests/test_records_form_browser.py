"""The HTML form of a spec with lists of records in headless Chromium (issue 15; docs/records.md): a table per list,
add and remove records, a member field a drop-down of the fixed members and the rows entered above, a choice field
its choices; the form checks live how many records there are, blank or bad fields and each `for each record` check
at its record; the saved data file holds the records and validates with the reference evaluator; a data file with
records loads back into the form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from gaidsl.api import load_report, load_spec, validate
from tests.browser_support import chromium, form_page
from tests.render_support import target

expect = sync_api.expect
RECORDS = Path(__file__).resolve().parent / "data" / "records"
HOSTILE = 'x</script><script>alert(1)</script> {{ 1 }} =SUM(1) "q" \\'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def records(page: Any, name: str) -> Any:
    return page.locator(f'table.record-list[data-records="{name}"] tr.record-row')


def saved(page: Any, tmp_path: Path) -> Path:
    path = tmp_path / "saved.json"
    path.write_text(page.evaluate("window.gaidslForm.saved()"), encoding="utf-8")
    return path


def test_records_added_removed_checked_saved_and_valid(browser: Any, tmp_path: Path) -> None:
    spec = load_spec(RECORDS / "projects.gai")
    with form_page(browser, next(iter(target("html-form").emit(spec).values())), tmp_path) as page:
        checks = page.locator('.checks[data-for="records:projects"] li')
        expect(checks).to_have_count(1)  # at least 1: none entered yet
        expect(checks.first).to_contain_text("至少 1 条记录，现有 0 条")
        add = page.locator('button.add-record[data-records="projects"]')
        for _ in range(3):
            add.click()
        expect(records(page, "projects")).to_have_count(3)
        # the blanks of three records: five fields each
        expect(checks).to_have_count(15)
        fund = records(page, "projects").first.locator('select[data-field="fund"] option')
        expect(fund).to_have_count(3)  # blank, budget, own (the total is no member a record may name)
        entered = [
            (HOSTILE, "budget", "12.50", "ongoing", "2025-03-01"),
            ("Roads", "own", "7", "completed", "2025-04-02"),
            ("Dropped", "own", "1", "ongoing", "2025-05-03"),
        ]
        for index, (name, source, amount, status, started) in enumerate(entered):
            row = records(page, "projects").nth(index)
            row.locator('input[data-field="name"]').fill(name)
            row.locator('select[data-field="fund"]').select_option(source)
            row.locator('input[data-field="amount"]').fill(amount)
            row.locator('select[data-field="status"]').select_option(status)
            row.locator('input[data-field="started"]').fill(started)
        expect(checks).to_have_count(0)
        # a `for each record` check, live at its record: amount > 0
        records(page, "projects").nth(1).locator('input[data-field="amount"]').fill("0")
        failing = page.locator('.checks[data-for="records:projects"] li[data-check="positive_amount"]')
        expect(failing).to_have_count(1)
        expect(failing).to_have_attribute("data-position", "2")
        expect(failing).to_contain_text("第 2 条记录：")
        amount = records(page, "projects").nth(1).locator('input[data-field="amount"]')
        expect(amount).to_have_class(re.compile(r"\bfail\b"))
        amount.fill("7")
        expect(checks).to_have_count(0)
        records(page, "projects").nth(2).locator('input[data-field="amount"]').fill("abc")
        expect(checks).to_have_count(1)
        expect(checks.first).to_contain_text("第 3 条记录的「Amount」不是数字：abc")
        records(page, "projects").nth(2).locator("button.remove-row").click()
        expect(records(page, "projects")).to_have_count(2)
        expect(records(page, "projects").nth(1).locator("th")).to_have_text("2")
        expect(checks).to_have_count(0)
        page.locator('input[data-cell="by_fund.budget.spent"]').fill("12.50")
        page.locator('input[data-cell="by_fund.own.spent"]').fill("7")
        page.locator('input[data-cell="by_fund.all.spent"]').fill("19.50")
        path = saved(page, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["records"]["projects"][0] == {
        "name": HOSTILE,
        "fund": "budget",
        "amount": 12.50,
        "status": "ongoing",
        "started": "2025-03-01",
    }
    assert '"amount": 12.50' in path.read_text(encoding="utf-8")  # numbers exactly as typed
    report = load_report(spec, path)
    assert report.records == {"projects": 2}
    results = validate(spec, report).results
    assert results and all(r.status == "pass" for r in results), [r.message.en for r in results if r.status != "pass"]
    assert {"matches_projects", "positive_amount", "largest_project"} <= {r.check for r in results}


def test_member_field_offers_the_entered_rows_and_a_data_file_loads_back(browser: Any, tmp_path: Path) -> None:
    spec = load_spec(RECORDS / "other_explained.gai")
    report = load_report(spec, RECORDS / "explained_2.json")
    with form_page(browser, target("html-form").render(spec, report), tmp_path) as page:
        expect(records(page, "explanations")).to_have_count(2)
        component = records(page, "explanations").first.locator('select[data-field="component"]')
        expect(component).to_have_value("CIV")
        expect(component.locator("option")).to_have_text(["", "CIV Civil", "TAX Tax"])
        # a row entered above is a member a record may name; a record naming a removed row is flagged
        page.locator("button.add-row").first.click()
        row = page.locator('table[data-grid="requests"] tr.entered-row').last
        row.locator("input.member-key").fill("ENV")
        row.locator("input.member-label").fill("Environment")
        expect(component.locator("option")).to_have_count(4)
        component.select_option("ENV")
        row.locator("button.remove-row").click()
        checks = page.locator('.checks[data-for="records:explanations"] li')
        expect(checks).to_have_count(1)
        expect(checks.first).to_contain_text("不是可选的成员：ENV")
        component.select_option("CIV")
        expect(checks).to_have_count(0)
        records(page, "explanations").nth(1).locator('input[data-field="count"]').fill("0")  # count > 0, per record
        expect(page.locator('.checks li[data-check="positive"][data-position="2"]')).to_have_count(1)
        expect(page.locator('.checks li[data-check="positive"]')).to_have_count(1)
        records(page, "explanations").nth(1).locator('input[data-field="count"]').fill("2")
        expect(checks).to_have_count(0)
        path = saved(page, tmp_path)
    back = load_report(spec, path)
    assert (back.records, back.members, back.values) == (report.records, report.members, report.values)


def aggregate_results(page: Any, keys: set[str]) -> set[tuple[str, str | None, str, str]]:
    """The form's results of the checks ``keys`` once it has checked what is typed: (check, position, status,
    message)."""
    results = page.evaluate("window.gaidslForm.check()")
    return {(r["check"], r["position"], r["status"], r["message"]["zh"]) for r in results if r["check"] in keys}


def reference_results(spec: Any, path: Path, keys: set[str]) -> set[tuple[str, str | None, str, str]]:
    report = load_report(spec, path)
    return {(r.check, r.position, r.status, r.message.zh) for r in validate(spec, report).results if r.check in keys}


def test_filtered_sum_over_records_is_checked_live_as_validate_does(browser: Any, tmp_path: Path) -> None:
    spec = load_spec(RECORDS / "other_explained.gai")
    report = load_report(spec, RECORDS / "explained_2.json")
    keys = {"other_explained"}
    with form_page(browser, target("html-form").render(spec, report), tmp_path) as page:
        listed = page.locator('.checks[data-for="records:explanations"] li[data-check="other_explained"]')
        at_table = page.locator('.checks[data-for="requests"] li[data-check="other_explained"]')
        expect(page.locator(".records p.guidance")).to_contain_text("随填随核汇总记录的校验")
        expect(listed).to_have_count(0)
        # a record that breaks the filtered sum at TAX (0 "other", now 2 explained) and at the total row
        page.locator('button.add-record[data-records="explanations"]').click()
        new = records(page, "explanations").nth(2)
        expect(page.locator('.checks[data-for="records:explanations"] p.pending')).to_have_count(1)  # still blank
        new.locator('select[data-field="component"]').select_option("TAX")
        new.locator('input[data-field="description"]').fill(HOSTILE)
        new.locator('input[data-field="count"]').fill("2")
        expect(page.locator(".checks p.pending")).to_have_count(0)
        expect(listed).to_have_count(2)
        expect(at_table).to_have_count(2)
        tax = listed.and_(page.locator('[data-position="TAX"]'))
        expect(tax).to_contain_text("Explanations of other · #3 · Count = 2, 但 Other = 0 (差 2)")
        expect(new.locator('input[data-field="count"]')).to_have_class(re.compile(r"\bfail\b"))
        tax_other = page.locator('table[data-grid="requests"] tr.entered-row').nth(1).locator("input.cell").nth(1)
        expect(tax_other).to_have_class(re.compile(r"\bfail\b"))
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)
        # fixed: TAX explains 2 of 2, the total row 7 of 7 → gone
        tax_other.fill("2")
        page.locator('input[data-cell="requests.overall.other"]').fill("7")
        expect(listed).to_have_count(0)
        expect(at_table).to_have_count(0)
        expect(new.locator('input[data-field="count"]')).not_to_have_class(re.compile(r"\bfail\b"))
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)
        # an edit: the record explains CIV instead → CIV 7 ≠ 5 and TAX 0 ≠ 2
        new.locator('select[data-field="component"]').select_option("CIV")
        expect(listed).to_have_count(2)
        expect(listed.and_(page.locator('[data-position="CIV"]'))).to_contain_text("3 + 2 + 2 = 7, 但 Other = 5")
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)
        # removed: recomputed over the two records left (TAX: nothing explains its 2; the total row 5 ≠ 7)
        new.locator("button.remove-row").click()
        expect(records(page, "explanations")).to_have_count(2)
        expect(listed).to_have_count(2)
        expect(listed.and_(page.locator('[data-position="TAX"]'))).to_contain_text("0")
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)


def test_count_min_max_exists_exact_decimals_as_validate_does(browser: Any, tmp_path: Path) -> None:
    spec = load_spec(RECORDS / "projects.gai")
    keys = {"matches_projects", "largest_project", "completed_listed"}
    with form_page(browser, next(iter(target("html-form").emit(spec).values())), tmp_path) as page:
        add = page.locator('button.add-record[data-records="projects"]')
        entered = [
            ("A", "own", "0.10", "completed"),
            ("B", "own", "0.20", "ongoing"),
            ("C", "budget", "90071992547409.93", "ongoing"),
        ]
        for name, fund, amount, status in entered:
            add.click()
            row = records(page, "projects").last
            row.locator('input[data-field="name"]').fill(name)
            row.locator('select[data-field="fund"]').select_option(fund)
            row.locator('input[data-field="amount"]').fill(amount)
            row.locator('select[data-field="status"]').select_option(status)
            row.locator('input[data-field="started"]').fill("2025-01-01")
        page.locator('input[data-cell="by_fund.own.spent"]').fill("0.30")  # exact: 0.10 + 0.20 = 0.30
        page.locator('input[data-cell="by_fund.budget.spent"]').fill("90071992547409.93")
        page.locator('input[data-cell="by_fund.all.spent"]').fill("90071992547410.23")
        checks = page.locator('.checks[data-for="records:projects"] li')
        expect(checks).to_have_count(0)
        assert {r[2] for r in aggregate_results(page, keys)} == {"pass"}
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)
        # one cent more in the big record: the filtered sums at budget and at the total fail, and max(...) > the total
        records(page, "projects").nth(2).locator('input[data-field="amount"]').fill("90071992547410.24")
        expect(checks).to_have_count(3)
        expect(page.locator('.checks li[data-check="largest_project"]')).to_have_count(2)  # its section and the list
        expect(checks.and_(page.locator('[data-check="matches_projects"][data-position="budget"]'))).to_have_count(1)
        expect(checks.and_(page.locator('[data-check="matches_projects"][data-position="all"]'))).to_have_count(1)
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)
        # no budget record left: completed_listed (a completed record needs one from the budget) fails
        records(page, "projects").nth(2).locator("button.remove-row").click()
        expect(checks.and_(page.locator('[data-check="completed_listed"]'))).to_have_count(1)
        assert aggregate_results(page, keys) == reference_results(spec, saved(page, tmp_path), keys)


def test_checks_reading_texts_beside_records_are_live_as_validate_does(browser: Any, tmp_path: Path) -> None:
    """A choice field beside a count of records (``if kind == "agency" then count(projects where status ==
    "completed") >= 1``) and a text cell beside a sum of records (``if sum(…) > 100 then not empty(remark)``): the
    generated validators refused them (GAI611) and the form left them to ``gaidsl validate``; now live."""
    spec = load_spec(RECORDS.parent / "records_text" / "projects_text.gai")
    keys = {"agency_has_projects", "noted"}
    with form_page(browser, next(iter(target("html-form").emit(spec).values())), tmp_path) as page:
        expect(page.locator(".records p.guidance")).not_to_contain_text("gaidsl validate")
        page.locator('button.add-record[data-records="projects"]').click()
        row = records(page, "projects").last
        row.locator('input[data-field="name"]').fill("Project " + HOSTILE)
        row.locator('select[data-field="fund"]').select_option("budget")
        row.locator('input[data-field="amount"]').fill("150.00")
        row.locator('select[data-field="status"]').select_option("ongoing")
        row.locator('input[data-field="started"]').fill("2024-06-30")
        page.locator('input[data-cell="by_fund.budget.spent"]').fill("150.00")
        page.locator('input[data-cell="by_fund.own.spent"]').fill("0")
        page.locator('input[data-cell="by_fund.all.spent"]').fill("150.00")
        page.locator('select[data-field="kind"]').select_option("agency")
        failing = page.locator('.checks li[data-check="agency_has_projects"], .checks li[data-check="noted"]')
        expect(failing.and_(page.locator('[data-check="agency_has_projects"]')).first).to_be_visible()
        expect(failing.and_(page.locator('[data-check="noted"][data-position="budget"]')).first).to_contain_text(
            "Remark = 空"
        )
        found = aggregate_results(page, keys)
        assert {(c, s) for c, _, s, _ in found} >= {("agency_has_projects", "fail"), ("noted", "fail")}
        assert found == reference_results(spec, saved(page, tmp_path), keys)
        # a remark, and the project completed: both hold
        page.locator('input[data-cell="by_fund.budget.remark"]').fill("See annex")
        row.locator('select[data-field="status"]').select_option("completed")
        expect(failing).to_have_count(0)
        found = aggregate_results(page, keys)
        assert {s for _, _, s, _ in found} == {"pass"}
        assert found == reference_results(spec, saved(page, tmp_path), keys)
