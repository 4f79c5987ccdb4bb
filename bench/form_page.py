"""A spec's HTML form open in headless Chromium, for the benches that time the form's live checks
(bench/open_forms.py, bench/records_form.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from gaidsl.language import ir
from gaidsl.targets.html_form import target as html_form

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def form_page(browser: Browser, spec: ir.Spec) -> Page:
    """A new page of ``browser`` showing ``spec``'s form (written to a temporary folder), its script loaded."""
    folder = Path(tempfile.mkdtemp())
    (folder / "form.html").write_text(html_form.form_html(spec), encoding="utf-8")
    page = browser.new_page()
    page.goto((folder / "form.html").as_uri())
    page.wait_for_function("window.gaidslForm !== undefined")
    return page
