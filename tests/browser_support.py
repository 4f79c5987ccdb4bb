"""Headless Chromium for the HTML form's browser tests: the system's browser driven by Playwright (no browser
download), and a form page that fails its test on any script error, console error or request leaving the page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL = ("file:", "blob:", "data:")


@contextmanager
def chromium() -> Iterator[Any]:
    """One browser for a test module (a skip without Chromium, which the suite's conftest makes a failure in CI)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium on this machine")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@contextmanager
def form_page(browser: Any, html: str, folder: Path) -> Iterator[Any]:
    """The form ``html`` opened from a file in ``folder``, once its script has started (``window.gaidslForm``)."""
    form = folder / "form.html"
    form.write_text(html, encoding="utf-8")
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else errors.append(f"request {r.url}"))
    page.goto(form.as_uri())
    page.wait_for_function("window.gaidslForm !== undefined")
    yield page
    context.close()
    assert errors == [], errors
