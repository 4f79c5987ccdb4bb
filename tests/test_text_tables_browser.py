"""The HTML form of a spec with text cells in headless Chromium (Playwright, as tests/test_browser.py): text typed
into a text cell is saved as typed (a formula-like text, digits with a leading zero stay texts), a check on a text
cell fails and clears live, and a data file loaded into the form saves back to the same data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from gaidsl.checking.data import parse_report
from tests.browser_support import chromium, form_page
from tests.render_support import normalised, target
from tests.test_text_tables import FILLED, SPEC


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    with form_page(browser, next(iter(target("html-form").emit(SPEC).values())), tmp_path) as opened:
        yield opened


def _cell(page: Any, key: str) -> Any:
    return page.locator(f'input[data-cell="{key}"]')


def test_type_text_see_a_check_fail_and_save(page: Any) -> None:
    _cell(page, "contacts.clerk.name").fill("=SUM(A1)")
    _cell(page, "contacts.clerk.phone").fill("0012")
    _cell(page, "projects.p1.amount").fill("3")
    failing = page.locator('.checks[data-for="projects"] li[data-check="named"][data-position="p1"]')
    failing.wait_for(state="visible")
    sync_api.expect(_cell(page, "projects.p1.name")).to_have_class("cell fail")
    _cell(page, "projects.p1.name").fill("修路")
    failing.wait_for(state="detached")
    saved = json.loads(page.evaluate("window.gaidslForm.saved()"), parse_float=Decimal)
    assert saved["values"]["contacts.clerk.name"] == "=SUM(A1)"
    assert saved["values"]["contacts.clerk.phone"] == "0012"  # a text, not the number 12
    assert saved["values"]["projects.p1.amount"] == 3
    assert saved["values"]["projects.p1.name"] == "修路"


def test_a_loaded_data_file_saves_back_the_same(page: Any) -> None:
    text = FILLED.read_text(encoding="utf-8")
    page.evaluate("(text) => window.gaidslForm.load(text)", text)
    assert _cell(page, "projects.p1.status").input_value() == "已完成"
    short = page.locator('.checks[data-for="projects"] li[data-check="short"]')
    short.wait_for(state="visible")  # the long project name fails its length check
    again = parse_report(page.evaluate("window.gaidslForm.saved()"), SPEC, "json").report
    original = parse_report(text, SPEC, "json").report
    assert again is not None and original is not None
    assert normalised(again) == normalised(original)
