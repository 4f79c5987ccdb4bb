"""Open rows in ingest: the 部门决算's tables of 支出功能分类科目 (code, name, amounts) become the report's members.

The report is the real 上海市普陀区财政局 2024 部门决算 (tests/data/department_final_accounts/putuo_finance_2024.yaml,
transcribed from its PDF) printed as a web page saved as text: each table's title, 单位：万元, its header, then one
``|`` row per row, the coded rows as ``code | name | amounts`` (or ``code name | amounts``, as some copies print
them). What is read is compared with the transcription: the members (keys, labels, order) and every value.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.open_members import close
from gaidsl.checking.report import Report
from gaidsl.ingest import ingest_text
from gaidsl.ingest.detect import read_document
from gaidsl.language import ir
from tests.support import ROOT, SPECS, run_cli

DATA = ROOT / "tests" / "data" / "department_final_accounts"


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return gaidsl.load_spec(SPECS / "department_final_accounts_2024.gai")


@pytest.fixture(scope="module")
def putuo(spec: ir.Spec) -> Report:
    return gaidsl.load_report(spec, DATA / "putuo_finance_2024.yaml")


def _shown(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else ""


def printed(spec: ir.Spec, report: Report, one_cell: bool = False) -> str:
    """``report`` as its tables are printed on a web page, coded rows as ``code | name`` (``one_cell``: in one
    cell, ``code name``)."""
    closed = close(spec, report.members)
    lines = [f"{report.fields['unit_name']}2024年度部门决算", ""]
    for section in spec.sections:
        lines.append(section.label)
        for kind, key in section.items:
            if kind != "table":
                continue
            table = closed.tables[key]
            assert table.rows is not None
            columns = table.columns.data_members
            header = " | ".join([spec.tables[key].stub or "项目"] + [c.label for c in columns])
            lines += [table.label or "", "单位：万元", header]
            for row in table.rows.data_members:
                label = row.label
                if spec.tables[key].rows.open is not None and row.key[:1].isdigit():  # type: ignore[union-attr]
                    label = label if one_cell else label.replace(" ", " | ", 1)
                values = [_shown(report.values.get(table.cell_key(row.key, c.key))) for c in columns]
                lines.append(" | ".join([label, *values]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("one_cell", [False, True], ids=["code-cell", "code-and-name"])
def test_coded_rows_become_members_and_every_value_is_read(spec: ir.Spec, putuo: Report, one_cell: bool) -> None:
    text = printed(spec, putuo, one_cell)
    assert "2010601 | 行政运行 | 1511.89" in text or "2010601 行政运行 | 1511.89" in text
    result = ingest_text(spec, text, "putuo.txt")
    ingested = result.ingested
    assert ingested.report.members == putuo.members  # keys, labels and order; none for the tables 本表无数据
    assert ingested.report.members["gf_subject"] == ()
    assert not ingested.unread
    assert ingested.report.values == {k: putuo.values[k] for k in result.spec.cells}
    assert {k for k in putuo.values if k.startswith("expense.2010601.")} <= set(ingested.report.values)
    # every member read is logged with its row's cells
    logged = [e for e in ingested.log if e.code == "ING310"]
    assert len(logged) == sum(len(ms) for ms in putuo.members.values())
    assert {"expense.2010601.total", "expense.2010601.basic"} <= {c for e in logged for c in e.cells}
    assert all(e.cells and e.line is not None for e in logged)
    assert ingested.provenance["expense.2010601.total"].line is not None
    # the report read is checked as the published one is: every check holds
    checks = evaluate(spec, ingested.report)
    assert {r.status for r in checks.results} == {"pass"}


def test_a_key_printed_twice_with_another_name_keeps_the_first(spec: ir.Spec, putuo: Report) -> None:
    text = printed(spec, putuo)
    row = next(line for line in text.splitlines() if line.startswith("2010602 | 一般行政管理事务"))
    text = text.replace(row, row + "\n" + row.replace("一般行政管理事务", "一般行政事务"), 1)
    ingested = ingest_text(spec, text, "twice.txt").ingested
    assert ingested.report.members == putuo.members
    assert any(e.code == "ING312" and "2010602" in e.message.en for e in ingested.log)
    assert all(ingested.report.values[k] == putuo.values[k] for k in ingested.report.values)


def test_rows_without_a_key_are_not_members(spec: ir.Spec, putuo: Report) -> None:
    """合计 and the fixed rows of the 总表 (一、一般公共服务支出 …) print no key: never taken for members."""
    ingested = ingest_text(spec, printed(spec, putuo), "putuo.txt").ingested
    keys = {m.key for ms in ingested.report.members.values() for m in ms}
    assert all(k.isdigit() and len(k) in (3, 5, 7) for k in keys)
    assert "合计" not in {m.label for ms in ingested.report.members.values() for m in ms}


def test_gaidsl_ingest_reads_an_open_spec(spec: ir.Spec, putuo: Report, tmp_path: Path) -> None:
    source = tmp_path / "putuo.txt"
    source.write_text(printed(spec, putuo), encoding="utf-8")
    run = run_cli("ingest", str(SPECS / "department_final_accounts_2024.gai"), str(source), "-o", str(tmp_path / "o"))
    assert run.code == 0, run.out + run.err
    assert "568/568" in run.out and "Traceback" not in run.err
    data = json.loads((tmp_path / "o" / "putuo.json").read_text(encoding="utf-8"))
    assert data["members"]["expense_subject"][2] == {"key": "2010601", "label": "行政运行"}
    assert data["fields"]["unit_name"] == "上海市普陀区财政局"
    assert gaidsl.load_report(spec, tmp_path / "o" / "putuo.json").members == putuo.members


AGENCY = ROOT / "tests" / "data" / "open" / "agency_components.gai"


@pytest.mark.parametrize("to", ["md", "html", "txt", "docx", "pdf"])
@pytest.mark.parametrize("path", [AGENCY, SPECS / "foia_annual_report_2024.gai"], ids=["agency", "foia"])
def test_a_rendered_open_report_is_read_whole(to: str, path: Path) -> None:
    """gaidsl's own renderings of an open report read back whole: the fixed row 「AGENCY OVERALL」 (whose label reads
    like a key, AGENCY, and a label) is the total, not a member; a table found by its <caption>; a Word document's
    cells counted at the rows it holds, not at the spec's stand-in member; the fields read from a title in no
    Chinese pattern (it names the spec) and from a contact line whose value holds brackets, 「Agency（示例）」; a
    header's second row (FOIA's ``No Records | All Records Referred …``) is no member ``No``."""
    agency = gaidsl.load_spec(path)
    for seed in (1,) if to == "pdf" else (1, 2, 3):  # a PDF's title is broken over two lines
        report = gaidsl.sample(agency, seed=seed).report
        rendered = gaidsl.render(agency, report, to=to)
        data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
        ingested = gaidsl.ingest.ingest_bytes(agency, data, f"report.{to}").ingested
        assert ingested.report.members == report.members
        assert ingested.report.values == report.values
        assert ingested.report.fields == report.fields  # the year from a title that names the spec, 「Agency：…」
        assert ingested.unread == ()


def test_markdown_paragraphs_keep_their_own_line_numbers() -> None:
    """Bare text around HTML tables (Markdown): each paragraph's provenance names its own line, not the chunk's
    first (the title and the line under it were one line, so excluding the title dropped the contact line)."""
    document = read_document(
        "# Title 2024\n\nAgency：X\n\n## Part\n<table><tr><td>a</td><td>1</td></tr></table>\n".encode(), "r.md", None
    )
    assert [(b.line, b.text) for b in document.blocks[:3]] == [(1, "# Title 2024"), (3, "Agency：X"), (5, "## Part")]
