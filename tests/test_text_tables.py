"""Tables of text cells (a whole table ``: text``, or text, choice and amount columns mixed), end to end: the data
reader, checks on text cells, totals that skip text columns, samples, and every generated validator (Python,
JavaScript, SQL on DuckDB, SQLite and PostgreSQL) agreeing with the reference evaluator record for record.

The spec is tests/data/text_tables/text_tables.gai, a made-up illustrative format (not an official one).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gaidsl import load_spec
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.checking.wide_csv import read_wide_csv, write_wide_csv
from gaidsl.engines import database as engines
from gaidsl.forms.readback import read_bytes
from gaidsl.sampling.samples import invalid_reports, valid_reports
from gaidsl.sampling.strategies import samples, violable_checks, violating
from gaidsl.targets.registry import available
from tests.render_support import normalised, target
from tests.support import examples, optional_postgres_url, run_cli
from tests.validator_support import (
    NODE,
    REJECTED,
    Node,
    build,
    data_text,
    f_text,
    import_module,
    normalize,
    python_results,
    reference,
    report_pairs,
    sample_pairs,
    texts_of,
)

DATA = Path(__file__).parent / "data" / "text_tables"
SPEC = load_spec(DATA / "text_tables.gai")
FILLED = DATA / "filled.json"  # a filled report: long texts, a formula-like name, a phone number with a leading 0


def _read(values: dict[str, Any]) -> Any:
    data = {"format": "text_tables", "version": "1", "values": values}
    return parse_report(json.dumps(data, ensure_ascii=False), SPEC, "json")


# ---------------------------------------------------------------------------------------------------- the spec


def test_a_total_skips_the_text_columns_it_crosses() -> None:
    """The 合计 row has cells only in the numeric column: no name, status or remark to add up (nor to check)."""
    projects = SPEC.tables["projects"]
    assert [c for c in projects.cells if c.startswith("projects.total.")] == ["projects.total.amount"]
    assert {("total", "name"), ("total", "status"), ("total", "remark")} <= projects.absent
    named = SPEC.check("named")
    assert [i.position for i in named.instances] == ["p1", "p2"]  # for each row, but not the 合计 row
    assert SPEC.cells["contacts.head.name"].type.kind == "text"
    assert SPEC.cells["projects.p1.status"].type.choices == ("进行中", "已完成")


# ---------------------------------------------------------------------------------------------------- reading


def test_text_cells_are_read_as_written() -> None:
    loaded = _read(
        {
            "contacts.head.name": "=SUM(A1)",  # a formula-like text is a text
            "contacts.head.phone": 5866206,  # a number given for a text cell: its text as written
            "contacts.clerk.phone": "0012",
            "contacts.clerk.name": "unknown",
            "projects.p1.name": "   ",  # blank
            "projects.p1.status": "已完成",
        }
    )
    assert loaded.report is not None and not loaded.diagnostics
    values = loaded.report.values
    assert values["contacts.head.name"] == "=SUM(A1)"
    assert values["contacts.head.phone"] == "5866206"
    assert values["contacts.clerk.phone"] == "0012"
    assert values["contacts.clerk.name"] is UNKNOWN
    assert loaded.report.value("projects.p1.name") is BLANK
    assert values["projects.p1.status"] == "已完成"


def test_a_wrong_choice_or_a_list_in_a_text_cell_is_refused() -> None:
    loaded = _read({"projects.p1.status": "暂停", "projects.p2.name": ["a"], "projects.p1.amount": "甲"})
    codes = sorted(d.code for d in loaded.diagnostics)
    assert codes == ["GAI704", "GAI713", "GAI719"]
    assert all(d.code != "GAI721" for d in loaded.diagnostics)


def test_checks_read_text_cells() -> None:
    base = {
        "contacts.head.name": "张伟",
        "contacts.clerk.name": "王芳",
        "projects.p1.name": "修路",
        "projects.p1.amount": "3.00",
        "projects.p1.status": "已完成",
        "projects.p1.remark": "已组织验收",
        "projects.p2.amount": "0",
        "projects.total.amount": "3.00",
    }

    def statuses(**changes: Any) -> Mapping[tuple[str, str | None], str]:
        loaded = _read({**base, **changes})
        assert loaded.report is not None, loaded.diagnostics
        return evaluate(SPEC, loaded.report, explain_passes=False).statuses()

    ok = statuses()
    assert set(ok.values()) == {"pass"}, ok
    assert statuses(**{"contacts.head.name": " "})[("head_named", None)] == "fail"  # empty(cell): blank is empty
    assert statuses(**{"contacts.clerk.name": "张伟"})[("distinct", None)] == "fail"
    assert statuses(**{"contacts.clerk.name": None})[("distinct", None)] == "unverifiable"  # == with a blank
    assert statuses(**{"projects.p1.remark": "完成"})[("explained", None)] == "fail"
    assert statuses(**{"projects.p1.name": "路" * 31})[("short", None)] == "fail"
    assert statuses(**{"projects.p1.name": None})[("named", "p1")] == "fail"


# ---------------------------------------------------------------------------------------------------- validators


@pytest.fixture(scope="module")
def python_module(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return import_module(build("python", SPEC, tmp_path_factory.mktemp("text_tables_python")))


@pytest.fixture(scope="module")
def javascript(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Path]]:
    if NODE is None:
        pytest.fail("node is not installed")
    folder = tmp_path_factory.mktemp("text_tables_javascript")
    process = Node(folder)
    yield process, build("javascript", SPEC, folder)
    process.close()


@pytest.fixture(scope="module")
def databases() -> Iterator[list[engines.Database]]:
    url = optional_postgres_url()
    opened = [engines.connect(SPEC, name, None) for name in ("duckdb", "sqlite")]
    if url is not None:
        opened.append(engines.connect(SPEC, "postgres", url))
    yield opened
    for db in opened:
        db.close()


def _agree(
    python_module: Any,
    javascript: tuple[Node, Path],
    databases: list[engines.Database],
    cases: list[tuple[str, str | None]],
) -> None:
    node, module = javascript
    answers = node.run(module, cases)
    for (text, previous), from_node in zip(cases, answers, strict=True):
        want = reference(SPEC, text, previous)
        assert normalize(python_results(python_module, text, previous)) == normalize(want), text
        assert from_node == normalize(want, f_text), text
        if want == REJECTED:
            continue
        loaded = parse_report(text, SPEC, "json").report
        assert loaded is not None
        for db in databases:
            nul = any(isinstance(v, str) and "\x00" in v for v in loaded.values.values())
            # a NUL in a text: SQLite's length() stops at it, PostgreSQL text cannot hold it (gaps of those engines)
            if db.dialect in ("sqlite", "postgres") and nul:
                continue
            (found,) = db.validate([loaded])
            assert found.statuses() == evaluate(SPEC, loaded, explain_passes=False).statuses(), (db.dialect, text)


TEXT_LABELS = st.sampled_from(
    ["路" * 31, "张伟", "验收", "=SUM(A1)", "已完成", "", " ", "'; DROP TABLE x; --", 'a"b', "修路"]
)


@settings(max_examples=examples(1))
@given(pair=report_pairs(SPEC, TEXT_LABELS))
def test_validators_agree_on_any_report(
    python_module: Any, javascript: tuple[Node, Path], databases: list[engines.Database], pair: Any
) -> None:
    """Reports of every kind (text cells blank, unknown, numbers, formula-like, wrong choices and dates): the Python
    and JavaScript validators give the reference evaluator's results (or refuse the same files), the SQL engines its
    statuses."""
    _agree(python_module, javascript, databases, [texts_of(pair)])


@settings(max_examples=examples(0.3))  # drawing a sample is most of the time
@given(pair=sample_pairs(SPEC))
def test_validators_agree_on_samples(
    python_module: Any, javascript: tuple[Node, Path], databases: list[engines.Database], pair: Any
) -> None:
    _agree(python_module, javascript, databases, [texts_of(pair)])


# ---------------------------------------------------------------------------------------------------- samples


@settings(max_examples=examples(0.2))
@given(data=st.data())
def test_samples_fill_text_cells_and_pass(data: st.DataObject) -> None:
    sample = data.draw(samples(SPEC))
    values = sample.report.values
    assert isinstance(values.get("contacts.clerk.name"), str)
    assert values.get("projects.p1.status") in ("进行中", "已完成")
    assert all(r.status != "fail" or r.severity != "error" for r in evaluate(SPEC, sample.report).results)


@pytest.mark.parametrize("check", ["head_named", "distinct", "explained", "short", "named"])
def test_one_violation_samples_break_checks_on_text_cells(check: str) -> None:
    assert check in violable_checks(SPEC)

    @settings(max_examples=2, database=None)
    @given(sample=violating(SPEC, check))
    def run(sample: Any) -> None:
        failing = {r.check for r in evaluate(SPEC, sample.report, sample.previous).results if r.status == "fail"}
        assert check in failing

    run()


def test_data_file_round_trip() -> None:
    """A report with text cells written canonically reads back to the same values."""
    loaded = _read({"contacts.head.name": "=1+1", "contacts.head.phone": 12, "projects.p1.amount": "1.50"})
    assert loaded.report is not None
    again = parse_report(loaded.report.to_json(), SPEC, "json").report
    assert again is not None and again.values == loaded.report.values
    assert json.loads(data_text({"x": Decimal("1.50")})) == {"x": 1.5}


# ---------------------------------------------------------------------------------------------------- round trips

AWKWARD = st.sampled_from(
    ["=SUM(A1)", '=HYPERLINK("http://x","y")', "+cmd", "-1", "@SUM", "0012", "<b>x</b>", "A & B", "\"引」'", "未 知"]
)


@st.composite
def filled(draw: st.DrawFn) -> Report:
    """A valid sample, then some text cells awkward (formula-like, numbers as text, markup), some blank or unknown."""
    report = draw(samples(SPEC)).report
    values = dict(report.values)
    texts = sorted(k for k, c in SPEC.cells.items() if not c.type.numeric and c.type.kind == "text")
    for key in draw(st.lists(st.sampled_from(texts), max_size=4, unique=True)):
        values[key] = draw(AWKWARD)
    for key in draw(st.lists(st.sampled_from(sorted(SPEC.cells)), max_size=3, unique=True)):
        values[key] = draw(st.sampled_from([BLANK, UNKNOWN]))
    return attrs.evolve(report, values=values)


def _read_back(data: bytes, suffix: str) -> Report:
    loaded = read_bytes(SPEC, data, suffix, f"report{suffix}")
    assert loaded.report is not None, loaded.diagnostics
    return loaded.report


@settings(max_examples=examples(0.3))
@given(report=filled())
def test_xlsx_and_docx_read_back_to_the_same_data(report: Report) -> None:
    """data → xlsx / docx form / docx report → readback → the same data; a formula-like text stays text. (The docx
    report names its body only in its title, with the year, which this spec has not: its values are compared.)"""
    for data, suffix in ((target("xlsx").render(SPEC, report), ".xlsx"), (target("docx").form(SPEC, report), ".docx")):
        assert normalised(_read_back(data, suffix)) == normalised(report), suffix
    back = _read_back(target("docx").render(SPEC, report), ".docx")
    assert normalised(back)["values"] == normalised(report)["values"]


def test_xlsx_text_cells_are_text_never_formulas() -> None:
    report = Report("text_tables", "1", values={"contacts.head.name": "=SUM(A1)", "contacts.head.phone": "0012"})
    book = openpyxl.load_workbook(io.BytesIO(target("xlsx").render(SPEC, report)))
    found = {c.value: c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert found["=SUM(A1)"].data_type == "s" and found["=SUM(A1)"].quotePrefix
    assert found["0012"].data_type == "s" and found["0012"].number_format == "@"
    assert found["=SUM(A1)"].alignment.horizontal == "left" and found["=SUM(A1)"].alignment.wrap_text
    lists = [dv for ws in book.worksheets for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert [dv.formula1 for dv in lists] == ['"进行中,已完成"']


def test_renderers_write_text_cells_from_the_left() -> None:
    report = Report("text_tables", "1", values={"projects.p1.name": "修路\n二期", "projects.p1.amount": Decimal(3)})
    text = target("text").render(SPEC, report)
    assert "| 项目一 | 修路 二期 |" in text  # one line, from the left
    html_text = target("html").render(SPEC, report)
    assert 'style="text-align: left" headers="h-projects-0-1 h-projects-1-0"' in html_text


# ---------------------------------------------------------------------------------------------------- wide CSV


def test_wide_csv_holds_text_cells_and_every_engine_reads_them(tmp_path: Path) -> None:
    """Text cells are columns of the wide CSV (a comma, a quote or a formula-like text quoted as CSV quotes it); the
    reference evaluator, the generated Python module and DuckDB read them back and judge every report alike."""
    awkward = {"contacts.head.name": "=SUM(A1)", "contacts.head.phone": "0012", "contacts.clerk.name": 'a,"b"'}
    filled_report = parse_report(FILLED.read_text(encoding="utf-8"), SPEC, "json").report
    assert filled_report is not None
    reports = [("filled", filled_report, None), ("awkward", Report("text_tables", "1", values=awkward), None)]
    path = tmp_path / "wide.csv"
    write_wide_csv(SPEC, reports, path)
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(SPEC.cells) <= set(header)
    assert '"a,""b"""' in path.read_text(encoding="utf-8")
    back = {report_id: report for report_id, report, _ in read_wide_csv(SPEC, path)}
    assert back["awkward"].values == awkward
    assert back["filled"].values == filled_report.values
    found = {}
    for engine in ("reference", "python", "duckdb"):
        run = run_cli("validate", str(DATA / "text_tables.gai"), str(path), "--engine", engine, "--format", "json")
        assert run.code == 1, run.err
        results = json.loads(run.out)["results"]
        found[engine] = sorted((r["report_id"], r["check"], str(r["position"]), r["status"]) for r in results)
    assert found["reference"] == found["python"] == found["duckdb"]
    assert ("filled", "short", "None", "fail") in found["reference"]


# ---------------------------------------------------------------------------------------------------- diff, migrations


def _version_two(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA / "text_tables.gai").read_text(encoding="utf-8")
    path = tmp_path / "v2.gai"
    path.write_text(text.replace("version 1 ", "version 2 ").replace(old, new), encoding="utf-8")
    return path


def test_a_column_changing_type_is_a_breaking_change(tmp_path: Path) -> None:
    new = _version_two(tmp_path, 'phone "电话"', 'phone "电话" : count')
    run = run_cli("diff", str(DATA / "text_tables.gai"), str(new), "--format", "json")
    changes = json.loads(run.out)["changes"]
    typed = [c for c in changes if c.get("key") == "contacts.phone"]
    assert typed and typed[0]["aspect"] == "type" and typed[0]["classification"] == "breaking", typed


def test_a_migration_carries_text_cells(tmp_path: Path) -> None:
    new = _version_two(tmp_path, 'remark "说明" : text', 'comment "备注" : text').read_text(encoding="utf-8")
    (tmp_path / "v2.gai").write_text(new.replace("projects[p1, remark]", "projects[p1, comment]"), encoding="utf-8")
    migration = tmp_path / "m.gai"
    migration.write_text(
        f'migration text_tables "改名" from version 1 in "{DATA / "text_tables.gai"}" to version 2 in "v2.gai" {{\n'
        '  rename column projects.remark -> projects.comment because "改名";\n}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = run_cli("migrate", str(migration), str(FILLED), "-o", str(out), "--no-proof")
    assert run.code in (0, 1), run.err
    migrated = json.loads((out / "filled.json").read_text(encoding="utf-8"))["values"]
    original = json.loads(FILLED.read_text(encoding="utf-8"))["values"]
    assert migrated["projects.p1.comment"] == original["projects.p1.remark"]
    assert migrated["contacts.clerk.name"] == "=SUM(A1)" and migrated["contacts.clerk.phone"] == "0012"


def test_json_schema_takes_text_cells_as_strings() -> None:
    schema = json.loads(next(iter(available()["jsonschema"].emit(SPEC).values())), parse_float=Decimal)
    validator = Draft202012Validator(schema)
    filled_report = parse_report(FILLED.read_text(encoding="utf-8"), SPEC, "json").report
    assert filled_report is not None
    canonical = json.loads(filled_report.to_json(), parse_float=Decimal)
    assert list(validator.iter_errors(canonical)) == []
    canonical["values"]["projects.p1.status"] = "暂停"  # not a choice
    canonical["values"]["contacts.head.name"] = ["张伟"]  # not a text
    assert len(list(validator.iter_errors(canonical))) == 2


def test_workbook_check_formulas_agree_on_text_cells(tmp_path: Path) -> None:
    """LibreOffice recomputes the checks sheet of filled workbooks: every check over text cells (empty, mentions,
    length, ==, !=) gets the reference evaluator's status, blank text cells included. (A text cell marked unknown
    is written 未知, which a workbook cannot tell from a text: not among these reports.)"""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed")
    reports = [*valid_reports(SPEC, 2, seed=5)]
    reports += [v.sample.report for v in invalid_reports(SPEC, seed=5) if v.sample is not None]
    filled_report = parse_report(FILLED.read_text(encoding="utf-8"), SPEC, "json").report
    assert filled_report is not None
    blank = {"contacts.head.name": BLANK, "contacts.clerk.name": BLANK, "projects.p1.remark": BLANK}
    reports += [filled_report, attrs.evolve(filled_report, values={**filled_report.values, **blank})]
    for i, report in enumerate(reports):
        (tmp_path / f"r{i}.xlsx").write_bytes(target("xlsx").render(SPEC, report))
    out = tmp_path / "out"
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    convert = ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out)]
    subprocess.run(
        [soffice, "--headless", "--norestore", profile, *convert, *sorted(map(str, tmp_path.glob("r*.xlsx")))],
        check=True,
        capture_output=True,
        timeout=240,
    )
    names = {"通过": "pass", "未通过": "fail", "无法核验": "unverifiable"}
    for i, report in enumerate(reports):
        rows = list(openpyxl.load_workbook(out / f"r{i}.xlsx", data_only=True)["校验"].iter_rows(min_row=2))
        # the amount total is left out: a workbook takes an amount's half unit from the number it holds (0.00 is 0),
        # a leniency the xlsx target documents (targets/xlsx/formulas.py); the checks over text cells are compared
        got = [(str(row[0].value), names[str(row[7].value)]) for row in rows if row[0].value]
        expected = [(r.check, r.status) for r in evaluate(SPEC, report).results]
        assert [g for g in got if not g[0].startswith("total.")] == [
            e for e in expected if not e[0].startswith("total.")
        ]


def test_cells_lists_text_cells_with_their_types() -> None:
    run = run_cli("cells", str(DATA / "text_tables.gai"), "--format", "json")
    assert run.code == 0, run.err
    listed = json.dumps(json.loads(run.out), ensure_ascii=False)
    for key, kind in (
        ("contacts.head.name", "text"),
        ("projects.p1.status", "choice"),
        ("projects.p1.amount", "amount"),
    ):
        assert f'"key": "{key}"' in listed and kind in listed
    assert "projects.total.name" not in listed  # the 合计 row has no cell in a text column
