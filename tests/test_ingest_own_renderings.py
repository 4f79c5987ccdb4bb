"""gaidsl's own renderings of a report read back by ``ingest`` as they were written: the values, and the fields
from the title, the contact line and the signature, for formats beyond the national one.

Each case is a layout that lost data before: a table whose header row opens with its stub (资产负债表's
``资产 | 期末余额 | 上年年末余额``) and whose second row's label holds the table's title (交易性金融资产), so
the table was taken to start there; a PDF's title broken over two lines (「…政府信息公」/「开工作年度报告」); a
signature whose body and date share a line (a Markdown hard break inside a ``<div>``)."""

from __future__ import annotations

import pytest

import gaidsl
from gaidsl.ingest import ingest_bytes
from tests.support import SPECS

CASES = [
    ("enterprise_financial_statements_2019.gai", "md"),
    ("enterprise_financial_statements_2019.gai", "txt"),
    ("gov_info_disclosure_2019.gai", "md"),
    ("gov_info_disclosure_2019.gai", "pdf"),
]


@pytest.mark.parametrize(("name", "to"), CASES)
def test_a_rendered_report_reads_back_as_written(name: str, to: str) -> None:
    spec = gaidsl.load_spec(SPECS / name)
    report = gaidsl.sample(spec, seed=3).report
    rendered = gaidsl.render(spec, report, to=to)
    data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    ingested = ingest_bytes(spec, data, f"report.{to}").ingested
    assert ingested.report.values == report.values
    assert ingested.report.fields == report.fields
    assert ingested.unread == ()
