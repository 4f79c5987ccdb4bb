"""Which checks over aggregates of records the HTML form runs live (docs/records.md): every one the generated
JavaScript validator computes, in a module of their own embedded in the form; one that validator refuses (GAI611)
left to `gaidsl validate`, and the line under the list names it.
The browser side: tests/test_records_form_browser.py."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from gaidsl.api import load_spec
from gaidsl.language import ir
from gaidsl.language.compiler import compile_spec_text
from gaidsl.targets.html_form.target import RECORDS_UI, form_html, live_aggregates

RECORDS = Path(__file__).resolve().parent / "data" / "records"


def refused_spec() -> ir.Spec:
    """projects.gai with a check that aggregates at each record (the generated validators refuse it, GAI611)."""
    text = (RECORDS / "projects.gai").read_text(encoding="utf-8")
    marker = "      check positive_amount for each record: amount > 0\n"
    assert marker in text
    extra = "      check not_all for each record: amount <= sum(projects.amount)\n"
    compilation = compile_spec_text(text.replace(marker, marker + extra), "projects_refused.gai")
    assert compilation.spec is not None
    return compilation.spec


def test_every_check_over_aggregates_is_live() -> None:
    spec = load_spec(RECORDS / "projects.gai")
    live = live_aggregates(spec)
    assert set(live.live) == {"matches_projects", "largest_project", "completed_listed"}
    assert live.refused == ()
    assert live.module is not None and "export function validate" in live.module
    html = form_html(spec)
    assert "window.gaidslRecordChecks = { read, validate, DataError };" in html
    assert f'<p class="guidance no-print">{RECORDS_UI["live"][0]}</p>' in html


def test_a_refused_check_stays_validates_and_the_form_says_which() -> None:
    spec = refused_spec()
    html = form_html(spec)  # each check's module tried alone: one form is enough (a few module builds)
    assert f'<p class="guidance no-print">{RECORDS_UI["partly_live"][0].format(checks="not_all")}</p>' in html
    meta = json.loads(html.split('<script type="application/json" id="gaidsl-meta">')[1].split("</script>")[0])
    assert meta["records"]["aggregates"] == {
        "matches_projects": ["projects"],
        "largest_project": ["projects"],
        "completed_listed": ["projects"],
    }  # not_all is not live


@pytest.mark.parametrize("name", ["other_explained.gai", "projects.gai"])
def test_no_aggregates_no_second_module(name: str) -> None:
    spec = load_spec(RECORDS / name)
    bare = attrs.evolve(spec, record_checks=())
    assert live_aggregates(bare).module is None
    html = form_html(bare)
    assert "window.gaidslRecordChecks = {" not in html and "function aggregateResults" not in html
    assert f'<p class="guidance no-print">{RECORDS_UI["per_record_only"][0]}</p>' in html
