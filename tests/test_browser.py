"""The HTML form in headless Chromium (the system's browser, driven by Playwright): type numbers, see a failing check
appear next to its table and disappear when fixed, save the data file and compare it with what was typed; load a
data file back into the form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from gaidsl.checking.data import parse_report
from tests.browser_support import chromium, form_page
from tests.render_support import spec, target

expect = sync_api.expect


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    with form_page(browser, next(iter(target("html-form").emit(spec("2021")).values())), tmp_path) as opened:
        yield opened


def cell(page: Any, key: str) -> Any:
    return page.locator(f'input[data-cell="{key}"]')


def test_type_see_a_failing_check_fix_it_and_save(page: Any, tmp_path: Path) -> None:
    page.fill("#f-body", "某某县人民政府办公室")
    page.fill("#f-year", "2023")
    expect(page.locator("#title")).to_have_text("某某县人民政府办公室2023年政府信息公开工作年度报告")
    # the accessible name of an input gives its row and its column
    received = page.get_by_label("行：一、本年新收政府信息公开申请数量；列：申请人情况 / 自然人", exact=False)
    received.fill("5")
    cell(page, "requests.carried_in.natural").fill("1")
    cell(page, "requests.outcome_total.natural").fill("4")
    cell(page, "requests.carried_out.natural").fill("0")
    failing = page.locator('.checks[data-for="requests"] li[data-check="balance"][data-position="natural"]')
    failing.wait_for(state="visible")
    assert "自然人" in failing.text_content()
    expect(cell(page, "requests.received.natural")).to_have_class(re.compile(r"\bfail\b"))
    expect(cell(page, "requests.received.natural")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#summary")).to_contain_text("校验未通过")
    cell(page, "requests.outcome_total.natural").fill("6")
    failing.wait_for(state="detached")
    expect(cell(page, "requests.received.natural")).not_to_have_class(re.compile(r"\bfail\b"))
    # a typing error is named next to its table and kept out of the checks
    cell(page, "fees.administrative_fee.amount").fill("12.34567")
    invalid = page.locator('.checks[data-for="regulatory_documents+licensing+enforcement+fees"] li.invalid')
    invalid.wait_for(state="visible")
    assert "小数位数过多" in invalid.text_content()
    cell(page, "fees.administrative_fee.amount").fill("7730.28")
    invalid.wait_for(state="detached")
    page.fill("#t-other_matters", "本年度未收取信息处理费。")
    with page.expect_download() as download:
        page.click("#save")
    saved = tmp_path / "saved.json"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert '"fees.administrative_fee.amount": 7730.28' in text  # exact digits, a JSON number
    loaded = parse_report(text, spec("2021"), "json", "saved.json")
    assert loaded.ok, loaded.diagnostics
    report = loaded.report
    assert report is not None
    typed = {
        "requests.received.natural": Decimal(5),
        "requests.carried_in.natural": Decimal(1),
        "requests.outcome_total.natural": Decimal(6),
        "requests.carried_out.natural": Decimal(0),
        "fees.administrative_fee.amount": Decimal("7730.28"),
    }
    assert {k: v for k, v in report.values.items() if isinstance(v, Decimal)} == typed
    assert report.fields["body"] == "某某县人民政府办公室" and report.fields["year"] == Decimal(2023)
    assert report.texts["other_matters"] == "本年度未收取信息处理费。"
    assert set(json.loads(text)["values"]) == set(spec("2021").cells)  # every cell, blank ones as null


def test_load_a_data_file_and_see_its_failures(page: Any, tmp_path: Path) -> None:
    data = json.loads((Path(__file__).parent / "data" / "jiujia_2023.json").read_text(encoding="utf-8"))
    data["values"]["requests.received.business"] = 2  # breaks the row total and the column balance
    data["values"]["appeals.review_upheld"] = "unknown"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page.set_input_files("#load", str(path))
    page.wait_for_function("document.querySelector('#f-body').value !== ''")
    assert cell(page, "requests.received.business").input_value() == "2"
    assert cell(page, "appeals.review_upheld").input_value() == "未知"
    checks = page.locator('.checks[data-for="requests"] li.error')
    checks.first.wait_for(state="visible")
    keys = {checks.nth(i).get_attribute("data-check") for i in range(checks.count())}
    assert {"balance", "total.requests.total"} <= keys
    expect(page.locator("#title")).to_have_text("九甲镇人民政府2023年政府信息公开工作年度报告")


def test_form_rendered_with_data_opens_filled(browser: Any, tmp_path: Path) -> None:
    from gaidsl.checking.data import load_report

    s = spec("2021")
    report = load_report(Path(__file__).parent / "data" / "jiujia_2023.json", s)
    path = tmp_path / "filled.form.html"
    path.write_text(target("html-form").render(s, report), encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    expect(page.locator("#f-body")).to_have_value("九甲镇人民政府")
    expect(cell(page, "requests.received.natural")).to_have_value("0")
    expect(page.locator("#t-problems")).to_have_value(str(report.texts["problems"]))
    expect(page.locator("#summary")).to_contain_text("校验均未发现错误")
    page.close()
