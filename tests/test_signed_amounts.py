"""Signed amounts (``amount in 元 decimals 2 signed``, issue 16): an amount that may be below zero, as a financial
statement enters a loss (「（损失以“-”号填列）」). The reader takes "-12.50" for a signed cell and still refuses it
(GAI705) for an unsigned one; "(12.50)" and a full-width "－12.50" are refused (GAI704) with a help line naming the
form it reads. Every engine agrees on signed values; samples carry negatives and pass; the JSON Schema has no
minimum for a signed cell."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.engines import database as engines
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_text
from tests.support import optional_postgres_url, run_cli
from tests.validator_support import Node, build, f_text, node_executable, normalize, reference

SPEC_TEXT = """format signed_demo version 2024 "损益" {
  unit 元 "元"
  field preparer "编制单位" : text
  field eps "每股收益" : amount in 元 decimals 2 signed
  section s "利润表" {
    table income "利润" : amount in 元 decimals 2 required {
      columns {
        current "本期金额"
      }
      rows {
        revenue "营业收入"
        investment "投资收益（损失以“-”号填列）" : amount in 元 decimals 2 signed
        profit "利润总额（亏损总额以“-”号填列）" : amount in 元 decimals 2 signed = revenue + investment
      }
    }
  }
}
"""


def _spec() -> ir.Spec:
    compilation = compile_text(SPEC_TEXT, "signed_demo.gai")
    assert compilation.spec is not None and compilation.ok, compilation.diagnostics
    return compilation.spec


SPEC = _spec()


def _data(revenue: object, investment: object, profit: object, eps: object = None) -> dict[str, object]:
    values = {"income.revenue.current": revenue, "income.investment.current": investment}
    values["income.profit.current"] = profit
    fields: dict[str, object] = {"preparer": "某公司"} | ({} if eps is None else {"eps": eps})
    return {"format": "signed_demo", "version": "2024", "fields": fields, "values": values}


def _read(data: dict[str, object]) -> gaidsl.Report:
    return gaidsl.load_report(SPEC, data)


def _codes(data: dict[str, object]) -> list[str]:
    try:
        _read(data)
    except gaidsl.ReportError as error:
        return [d.code for d in error.diagnostics]
    return []


# ------------------------------------------------------------------------------------------------ the language


def test_the_type_says_signed() -> None:
    investment = SPEC.cells["income.investment.current"].type
    assert investment.signed and not investment.floored
    assert investment.describe() == "amount in 元 decimals 2 signed"
    revenue = SPEC.cells["income.revenue.current"].type
    assert not revenue.signed and revenue.floored
    assert SPEC.fields["eps"].type.signed


def test_fmt_keeps_signed() -> None:
    from gaidsl.language.parser import parse_text
    from gaidsl.migrations.fmt import format_document

    text = format_document(parse_text(SPEC_TEXT), SPEC_TEXT)
    assert parse_text(text) == parse_text(SPEC_TEXT)
    assert 'investment "投资收益（损失以“-”号填列）" : amount in 元 decimals 2 signed' in text


# ------------------------------------------------------------------------------------------------ the reader


@pytest.mark.parametrize("written", ["-12.50", " -12.50 ", -12.5, "-0.01"])
def test_a_signed_cell_takes_a_negative(written: object) -> None:
    report = _read(_data("100.00", written, "87.50"))
    value = report.value("income.investment.current")
    assert isinstance(value, Decimal) and value < 0


def test_an_unsigned_cell_still_refuses_a_negative() -> None:
    assert _codes(_data("-1.00", "0", "-1.00")) == ["GAI705"]


@pytest.mark.parametrize("written", ["(12.50)", "－12.50", "−12.50"])
def test_other_minus_forms_are_refused_with_a_help(written: str) -> None:
    try:
        _read(_data("100", written, "87.50"))
    except gaidsl.ReportError as error:
        (diagnostic,) = error.diagnostics
        assert diagnostic.code == "GAI704"
        assert any("-12.50" in h.en for h in diagnostic.help), diagnostic.help
    else:
        raise AssertionError(f"{written!r} was read")


def test_a_signed_cell_keeps_its_decimals_rule() -> None:
    assert _codes(_data("100", "-1.234", "98.77")) == ["GAI707"]


def test_a_loss_validates_and_a_wrong_loss_fails(tmp_path: Path) -> None:
    good = tmp_path / "loss.json"
    good.write_text(json.dumps(_data("100.00", "-250.00", "-150.00", "-0.12"), ensure_ascii=False), "utf-8")
    spec_file = tmp_path / "signed_demo.gai"
    spec_file.write_text(SPEC_TEXT, "utf-8")
    ok = run_cli("validate", str(spec_file), str(good), "--lang", "en")
    assert ok.code == 0, ok.out + ok.err
    bad = tmp_path / "wrong.json"
    bad.write_text(json.dumps(_data("100.00", "-250.00", "150.00"), ensure_ascii=False), "utf-8")
    assert run_cli("validate", str(spec_file), str(bad), "--lang", "en").code != 0


# ------------------------------------------------------------------------------------------------ every engine

amounts = st.integers(-(10**9), 10**9).map(lambda units: Decimal(units).scaleb(-2))


@settings(max_examples=15, deadline=None)
@given(revenue=st.integers(0, 10**9).map(lambda u: Decimal(u).scaleb(-2)), investment=amounts, off=st.booleans())
def test_every_engine_agrees_on_signed_values(revenue: Decimal, investment: Decimal, off: bool) -> None:
    profit = revenue + investment + (Decimal("1.00") if off else 0)
    report = _read(_data(str(revenue), str(investment), str(profit)))
    want = engines.evaluate_all(SPEC, [("r", report)])[0]
    assert (want.verdict == "pass") == (not off)
    engine_names = ["python", "duckdb", "sqlite"] + (["postgres"] if optional_postgres_url() else [])
    for engine in engine_names:
        url = optional_postgres_url() if engine == "postgres" else None
        got = engines.evaluate_all(SPEC, [("r", report)], engine, url)[0]
        assert _statuses(got) == _statuses(want), engine


def _statuses(evaluation: gaidsl.Evaluation) -> list[tuple[str, str]]:
    return sorted((r.check, r.status) for r in evaluation.results)


def test_the_javascript_validator_agrees_on_signed_values(tmp_path: Path) -> None:
    node_executable()
    module = build("javascript", SPEC, tmp_path / "javascript")
    cases: list[tuple[str, str | None]] = []
    for investment, profit in (("-250.00", "-150.00"), ("-250.00", "150.00"), ("-0.5", "99.5"), ("3", "103")):
        cases.append((json.dumps(_data("100", investment, profit, "-1.25"), ensure_ascii=False), None))
    (tmp_path / "node").mkdir()
    process = Node(tmp_path / "node")
    try:
        answers = process.run(module, cases)
    finally:
        process.close()
    for (text, last), got in zip(cases, answers, strict=True):
        assert got == normalize(reference(SPEC, text, last), f_text)


# ------------------------------------------------------------------------------------------------ samples, schema


@pytest.mark.parametrize("seed", range(6))
def test_samples_pass_and_some_carry_negatives(seed: int) -> None:
    sample = gaidsl.sample(SPEC, seed=seed)
    assert gaidsl.validate(SPEC, sample.report).verdict == "pass"


def test_samples_draw_negatives_for_signed_cells_only() -> None:
    seen: list[Decimal] = []
    for seed in range(30):
        report = gaidsl.sample(SPEC, seed=seed).report
        for key in ("income.investment.current", "income.profit.current"):
            value = report.value(key)
            if isinstance(value, Decimal):
                seen.append(value)
        revenue = report.value("income.revenue.current")
        assert not isinstance(revenue, Decimal) or revenue >= 0
    assert any(v < 0 for v in seen)


def test_the_json_schema_has_no_minimum_for_signed_cells(tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    run = run_cli("build", "-t", "jsonschema", "-o", str(folder), _spec_file(tmp_path))
    assert run.code == 0, run.err
    (path,) = folder.rglob("*.json")
    text = path.read_text("utf-8")
    schema = json.loads(text)
    found = _find(schema, "income.investment.current")
    low = found.get("exclusiveMinimum")
    assert "minimum" not in found and isinstance(low, int) and low < 0, found
    assert _find(schema, "income.revenue.current")["minimum"] == 0


def _spec_file(tmp_path: Path) -> str:
    path = tmp_path / "signed_demo.gai"
    path.write_text(SPEC_TEXT, "utf-8")
    return str(path)


def _find(schema: object, key: str) -> dict[str, object]:
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict) and key in props:
            found = props[key]
            assert isinstance(found, dict)
            return found.get("anyOf", [found])[0] if "anyOf" in found else found
        for value in schema.values():
            try:
                return _find(value, key)
            except KeyError:
                pass
    if isinstance(schema, list):
        for value in schema:
            try:
                return _find(value, key)
            except KeyError:
                pass
    raise KeyError(key)


# ------------------------------------------------------------------------------------------------ the HTML form


def test_the_html_form_takes_a_loss_and_refuses_a_negative_revenue(tmp_path: Path) -> None:
    from tests.browser_support import chromium, form_page
    from tests.render_support import target

    html = next(iter(target("html-form").emit(SPEC).values()))
    with chromium() as browser, form_page(browser, html, tmp_path) as page:
        investment = page.locator('input[data-cell="income.investment.current"]')
        assert "可为负数" in (investment.get_attribute("title") or "")
        page.locator('input[data-cell="income.revenue.current"]').fill("100.00")
        investment.fill("-250.00")
        page.locator('input[data-cell="income.profit.current"]').fill("-150.00")
        invalid = page.locator('.checks[data-for="income"] li.invalid')
        page.locator("#summary").wait_for(state="visible")
        assert invalid.count() == 0
        page.locator('input[data-cell="income.revenue.current"]').fill("-1")
        invalid.first.wait_for(state="visible")
        assert "营业收入" in (invalid.first.text_content() or "") and "不能为负数" in (
            invalid.first.text_content() or ""
        )
        assert invalid.count() == 1  # the signed cells' negatives are no typing errors
        page.screenshot(path=str(tmp_path / "signed_form.png"), full_page=True)


# ------------------------------------------------------------------------------------------------ wide CSV


def _wide_csv(tmp_path: Path, lines: list[tuple[str, str, str, str]]) -> Path:
    path = tmp_path / "reports.csv"
    rows = ["report_id,fields.preparer,income.revenue.current,income.investment.current,income.profit.current"]
    rows += [f"{report_id},某公司,{revenue},{investment},{profit}" for report_id, revenue, investment, profit in lines]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("engine", ["reference", "python", "duckdb", "sqlite", "postgres"])
def test_a_wide_csv_with_losses_on_every_engine(engine: str, tmp_path: Path) -> None:
    url = optional_postgres_url()
    if engine == "postgres" and url is None:
        pytest.skip("no PostgreSQL server (GAIDSL_TEST_POSTGRES)")
    spec_file = _spec_file(tmp_path)
    lines = [("good", "100.00", "-250.00", "-150.00"), ("wrong", "100.00", "-250.00", "150.00")]
    lines += [("plain", "100", "3", "103"), ("small", "0", "-0.01", "-0.01")]
    path = _wide_csv(tmp_path, lines)
    args = ["--engine", engine] + ([url] if engine == "postgres" and url else [])
    run = run_cli("validate", spec_file, str(path), *args, "--lang", "en", "--format", "json")
    assert run.code == 1, run.out + run.err
    out = json.loads(run.out)
    assert out["engine"] == engine and out["summary"]["reports"] == 4
    assert {r["report_id"] for r in out["results"] if r["status"] == "fail"} == {"wrong"}, run.out
    # a negative revenue (unsigned) is refused where a negative investment is not
    refused = _wide_csv(tmp_path, [("bad", "-1.00", "-250.00", "-251.00")])
    run = run_cli("validate", spec_file, str(refused), *args, "--lang", "en")
    assert run.code != 0 and "GAI705" in run.out + run.err, run.out + run.err


# ------------------------------------------------------------------------------------------------ ingest

PUBLISHED = """<html><body><h1>损益</h1><h2>利润表</h2><p>编制单位：某公司</p>
<table><tr><th>项目</th><th>本期金额</th></tr>
<tr><td>营业收入</td><td>{revenue}</td></tr>
<tr><td>投资收益（损失以“-”号填列）</td><td>－250.00</td></tr>
<tr><td>利润总额（亏损总额以“-”号填列）</td><td>−{profit}</td></tr>
</table></body></html>
"""


def test_ingest_reads_a_published_loss(tmp_path: Path) -> None:
    """A published statement prints a loss with "-", a full-width "－" or a typographic "−": each is a minus sign
    for a signed cell; before an unsigned one the value is not read (ING131)."""
    spec_file = _spec_file(tmp_path)
    page = tmp_path / "report.html"
    page.write_text(PUBLISHED.format(revenue="100.00", profit="150.00"), "utf-8")
    run = run_cli("ingest", spec_file, str(page), "-o", str(tmp_path / "out"), "--lang", "en")
    assert run.code == 0, run.out + run.err
    data = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    assert data["values"] == {
        "income.revenue.current": 100,
        "income.investment.current": -250,
        "income.profit.current": -150,
    }
    page.write_text(PUBLISHED.format(revenue="－100.00", profit="350.00"), "utf-8")
    run_cli("ingest", spec_file, str(page), "-o", str(tmp_path / "again"), "--lang", "en")
    log = (tmp_path / "again" / "report.log").read_text("utf-8")
    assert "ING131" in log, log
    data = json.loads((tmp_path / "again" / "report.json").read_text("utf-8"))
    assert "income.revenue.current" not in data["values"]


# ------------------------------------------------------------------------------------------------ the workbook


def test_the_workbook_allows_negatives_in_signed_cells_only(tmp_path: Path) -> None:
    import openpyxl

    from tests.render_support import target

    files = target("xlsx").emit(SPEC)
    (name, content) = next(iter(files.items()))
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    book = openpyxl.load_workbook(path)
    lows: dict[str, set[str]] = {}
    for sheet in book.worksheets:
        for rule in sheet.data_validations.dataValidation:
            if rule.type == "decimal":
                lows.setdefault(str(rule.formula1), set()).update(f"{sheet.title}!{r}" for r in rule.sqref.ranges)
    assert set(lows) == {"0", "-999999999999999"}, lows
    assert len(lows["-999999999999999"]) == 3  # investment, profit and the field eps
    assert len(lows["0"]) == 1  # revenue


def test_a_migration_to_unsigned_narrows() -> None:
    from gaidsl.migrations.type_verdicts import type_change

    signed = ir.CellType("amount", "元", 2, signed=True)
    unsigned = ir.CellType("amount", "元", 2)
    assert type_change(unsigned, signed) == "widening"
    assert type_change(signed, unsigned) == "narrowing"
    assert type_change(ir.CellType("integer", "件"), signed) == "widening"
    assert type_change(ir.CellType("integer", "件"), unsigned) == "narrowing"


def test_the_generated_python_module_reads_signed_values_from_a_dict(tmp_path: Path) -> None:
    """Python numbers in a dict (not JSON text): ints in a signed cell are amounts, not whole numbers, and a
    negative int or float is a loss; the unsigned cell still refuses one."""
    from tests.validator_support import import_module

    module = import_module(build("python", SPEC, tmp_path))
    values, _, _ = module.read(_data(100, 3, 103, -1.5))
    investment = values["income.investment.current"]
    assert isinstance(investment, Decimal) and investment == 3  # an amount, as the reference reads it
    values, fields, _ = module.read(_data(100, -250, -150.0, -1.5))
    assert [values[k] for k in SPEC.cells] == [100, Decimal(-250), Decimal(-150)]
    assert fields["eps"] == Decimal("-1.5")
    with pytest.raises(module.DataError) as refused:
        module.read(_data(-1, 0, -1))
    assert "GAI705" in str(refused.value)
