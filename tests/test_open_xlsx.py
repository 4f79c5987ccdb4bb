"""The xlsx form of a spec with open rows or lists of records (issue 15, acceptance 3; docs/open-dimensions.md,
docs/records.md): each open table and each list is an Excel table that grows; a workbook filled with added rows reads
back to the same data (round-trip property tests: 0, 1 and many members and records, the workbook filled by openpyxl
as a person would, or rendered from the report); the checks sheet, recomputed by LibreOffice, covers the added
rows."""

from __future__ import annotations

import functools
import io
import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gaidsl.api import load_report, load_spec, validate
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, EnteredMember, Report
from gaidsl.forms.layout import UNKNOWN_TEXT, xml_safe
from gaidsl.forms.readback import read_bytes
from gaidsl.language import ir
from gaidsl.sampling.samples import valid_samples
from gaidsl.sampling.strategies import reports
from tests.open_support import bases, spec_named, typed_twice
from tests.open_support import data as open_data
from tests.open_support import drawn as drawn_with_records
from tests.render_support import SOFFICE, recalculated_checks, target
from tests.support import run_cli

OPEN = Path(__file__).resolve().parent / "data" / "open"
SPECS = ("agency_components", "function_subjects")


@functools.cache
def spec(name: str) -> ir.Spec:
    return load_spec(OPEN / f"{name}.gai")


def data(report: Report) -> dict[str, Any]:
    """What a report holds, blanks dropped (blank and absent are the same)."""
    return {
        "members": {d: [(m.key, m.label) for m in ms] for d, ms in report.members.items() if ms},
        "fields": {k: v for k, v in report.fields.items() if v is not BLANK},
        "values": {k: v for k, v in report.values.items() if v is not BLANK},
    }


def read_back(s: ir.Spec, workbook: bytes) -> Report:
    loaded = read_bytes(s, workbook, ".xlsx", "filled.xlsx")
    assert loaded.report is not None, [d.message.en for d in loaded.diagnostics]
    assert not [d for d in loaded.diagnostics if d.severity == "error"]
    return loaded.report


def holdable(report: Report) -> Report:
    """The report with each label as a worksheet cell can hold it: XML has no control characters (the xlsx target
    drops them, ``xml_safe``), so a drawn label such as "\\x08" becomes the member's key."""
    members = {
        d: tuple(EnteredMember(m.key, xml_safe(m.label) if xml_safe(m.label).strip() else m.key) for m in ms)
        for d, ms in report.members.items()
    }
    return attrs.evolve(report, members=members)


def drawn(s: ir.Spec) -> st.SearchStrategy[Report]:
    """Reports of 0, 1, 2, 5 or 40 members (``gaidsl.testing``); of a coded hierarchy, the samples of its code list
    (0, 1 and many members; the strategies draw keys from the key pattern, which the code list refuses: GAI752)."""
    if any(o.coded is not None and o.coded.codes for o in s.open_dimensions.values()):
        return st.integers(0, 5).map(lambda seed: valid_samples(s, 3, seed)[seed % 3].report)
    return reports(s)


BLANK_BOOKS: dict[tuple[str, str], bytes] = {}


def fill(s: ir.Spec, report: Report) -> bytes:
    """The blank workbook filled with openpyxl as a person fills it: fields, fixed cells at their places, and one
    row per member typed under each open table's header (below the table's first row, which Excel's table grows to
    take in; readback reads to the last used row)."""
    key = (s.id, s.version)
    if key not in BLANK_BOOKS:  # the blank workbook, made once per spec
        BLANK_BOOKS[key] = next(iter(target("xlsx").emit(s).values()))
    wb = load_workbook(io.BytesIO(BLANK_BOOKS[key]))
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    columns: dict[str, dict[str, str]] = {}
    for kind, key, _sheet, coord in ((tuple(row) + (None,) * 4)[:4] for row in meta):
        if kind in ("opencol", "recfield"):
            table, column = key.split(".", 1)
            columns.setdefault(table, {})[column] = coord
    for kind, key, sheet, coord in ((tuple(row) + (None,) * 4)[:4] for row in meta):
        if kind == "field":
            wb[sheet][coord].value = typed(report.fields.get(key, BLANK))
        elif kind == "cell":
            wb[sheet][coord].value = typed(report.values.get(key, BLANK))
        elif kind == "records":  # a record a row under the list's header (the Excel table grows to take it in)
            records = s.records[key]
            for number in range(1, report.records.get(key, 0) + 1):
                for field, letter in columns[key].items():
                    value = report.values.get(records.cell_key(str(number), field), BLANK)
                    wb[sheet][f"{letter}{int(coord) + number}"].value = typed(value)
        elif kind == "open":
            table = s.tables[key]
            assert table.rows is not None and table.rows.open is not None
            ws, header = wb[sheet], int(coord)
            for index, member in enumerate(report.members.get(table.rows.open.dimension, ())):
                row = header + 1 + index
                for column, letter in columns[key].items():
                    if column == "<key>":
                        ws[f"{letter}{row}"].value = member.key
                    elif column == "<label>":
                        ws[f"{letter}{row}"].value = member.label
                    else:
                        ws[f"{letter}{row}"].value = typed(report.values.get(table.cell_key(member.key, column), BLANK))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def typed(value: object) -> object:
    """A value as a person types it into a cell: a number, 未知, text; nothing for blank."""
    if value is BLANK:
        return None
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    return value


@pytest.mark.parametrize("name", SPECS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_filled_by_hand_reads_back_the_same(name: str, draw: st.DataObject) -> None:
    s = spec(name)
    report = holdable(draw.draw(drawn(s)))
    assert data(read_back(s, fill(s, report))) == data(report)


@pytest.mark.parametrize("name", SPECS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_rendered_reads_back_the_same(name: str, draw: st.DataObject) -> None:
    s = spec(name)
    report = holdable(draw.draw(drawn(s)))
    assert data(read_back(s, target("xlsx").render(s, report))) == data(report)


@pytest.mark.parametrize(
    ("name", "file", "count"),
    [
        ("agency_components", "components_0.json", 0),
        ("agency_components", "components_1.yaml", 1),
        ("agency_components", "components_40.json", 40),
        ("function_subjects", "function_subjects_valid.json", None),
    ],
)
def test_shipped_reports_read_back_and_the_tables_grow(name: str, file: str, count: int | None) -> None:
    s = spec(name)
    report = load_report(s, OPEN / file)
    if count is not None:
        assert sum(len(m) for m in report.members.values()) == count
    workbook = target("xlsx").render(s, report)
    assert data(read_back(s, workbook)) == data(report)
    wb = load_workbook(io.BytesIO(workbook))
    tables = {t: ws.tables[t].ref for ws in wb.worksheets for t in ws.tables}
    assert tables  # every open table is an Excel table, as many rows as members (one empty row for none)
    for ref in tables.values():
        first, last = ref.split(":")
        assert int("".join(c for c in last if c.isdigit())) - int("".join(c for c in first if c.isdigit())) == max(
            1, max(len(m) for m in report.members.values()) if report.members else 1
        )


def test_key_column_validation_code_list_and_unique_keys() -> None:
    wb = load_workbook(io.BytesIO(next(iter(target("xlsx").emit(spec("function_subjects")).values()))))
    validations = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(dv.formula1.startswith("_codes!$A$2:$A$") for dv in validations)
    wb = load_workbook(io.BytesIO(next(iter(target("xlsx").emit(spec("agency_components")).values()))))
    custom = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation if dv.type == "custom"]
    assert custom and all(dv.formula1.startswith("COUNTIF(") and "[A-Z]{2,10}" in dv.prompt for dv in custom)


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice")
def test_libreoffice_recomputes_totals_and_member_counts_over_added_rows(tmp_path: Path) -> None:
    s = spec("agency_components")
    good = load_report(s, OPEN / "components_40.json")
    none = load_report(s, OPEN / "components_0.json")
    values = dict(good.values)
    received = values["requests.overall.received"]
    assert isinstance(received, Decimal)
    values["requests.overall.received"] = received + 1
    off = Report(good.format, good.version, dict(good.fields), dict(good.texts), values, good.members)
    sheets = recalculated_checks(s, [good, none, off], tmp_path)
    status = [{(row[0], row[2]): row[7] for row in sheet} for sheet in sheets]
    assert set(status[0].values()) == {"通过"}
    assert status[1][("members.component.at_least", "Requests received and processed")] == "未通过"
    failing = {key for key, value in status[2].items() if value == "未通过"}
    assert failing == {("total.requests.overall", "AGENCY OVERALL / Received")}


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice")
def test_libreoffice_recomputes_the_coded_hierarchy_over_entered_rows(tmp_path: Path) -> None:
    s = spec("function_subjects")
    good = load_report(s, OPEN / "function_subjects_valid.json")
    values = dict(good.values)
    values["expenses.2010102.basic"] = Decimal("1")  # 20101 人大事务 no longer the sum of its 项 (and 合计 unchanged)
    off = Report(good.format, good.version, dict(good.fields), dict(good.texts), values, good.members)
    expected = {(r.check, r.status) for r in validate(s, off).results if r.status == "fail"}
    assert ("hierarchy.expenses.20101", "fail") in expected
    sheets = recalculated_checks(s, [good, off], tmp_path)
    status = [{(row[0], row[2]): (row[4], row[7]) for row in sheet} for sheet in sheets]
    hierarchy = [key for key in status[0] if key[0] == "hierarchy.expenses"]
    assert len(hierarchy) == 6  # 类 → 款 and 款 → 项, three columns each
    assert {status[0][key] for key in hierarchy} == {(0, "通过")}
    assert status[1][("hierarchy.expenses", "款 · 基本支出")] == (1, "未通过")
    assert {key for key in hierarchy if status[1][key][1] == "未通过"} == {("hierarchy.expenses", "款 · 基本支出")}


def test_cli_build_render_readback_validate(tmp_path: Path) -> None:
    """`gaidsl render -t xlsx`, rows typed under the table by hand, `gaidsl readback`, `gaidsl validate`."""
    spec_file = str(OPEN / "agency_components.gai")
    workbook = tmp_path / "filled.xlsx"
    rendered = run_cli("render", "-t", "xlsx", spec_file, str(OPEN / "components_1.yaml"), "-o", str(workbook))
    assert rendered.code == 0, rendered.err
    wb = load_workbook(workbook)
    header = next(int(r[3]) for r in wb["_gaidsl"].iter_rows(values_only=True) if r[0] == "open" and r[1] == "requests")
    sheet = next(str(r[2]) for r in wb["_gaidsl"].iter_rows(values_only=True) if r[0] == "open" and r[1] == "requests")
    ws = wb[sheet]
    for col, value in enumerate(["NEW", "Added by hand", 0, 2, 1, 1], start=1):  # under the table, a row left empty
        ws.cell(header + 3, col).value = value
    wb.save(workbook)
    out = tmp_path / "back.json"
    back = run_cli("readback", spec_file, str(workbook), "-o", str(out))
    assert back.code == 0, back.err
    read = json.loads(out.read_text(encoding="utf-8"))
    assert read["members"]["component"][-1] == {"key": "NEW", "label": "Added by hand"}
    assert read["values"]["requests.NEW.received"] == 2
    checked = run_cli("validate", "--lang", "en", spec_file, str(out))
    assert checked.code == 1  # the total no longer adds up, and NEW has no staff row values
    assert "requests.overall" in checked.out or "AGENCY OVERALL" in checked.out


def test_a_key_on_two_rows_of_a_table_is_refused_not_merged() -> None:
    """A member typed on two rows of one open table: GAI741 at the second row's cell, the first row named; the
    rows' values are not merged (the second row's used to overwrite the first's without a word, and exit 0)."""
    s, twice, member, open_tables = typed_twice()
    loaded = read_bytes(s, fill(s, twice), ".xlsx", "filled.xlsx")
    assert loaded.report is None
    problems = [d for d in loaded.diagnostics if d.code == "GAI741"]
    assert len(problems) == len(open_tables) == 2  # the two tables of components, each with the row typed twice
    for problem in problems:
        assert problem.span is None and problem.place is not None and problem.place.en.endswith(tuple("0123456789"))
        sheet = problem.place.en.split("!")[0]
        (first,) = problem.help
        assert f"{sheet}!" in first.en and problem.args["key"] == member.key


def test_a_row_without_its_key_or_its_label_is_one_problem_at_its_cell() -> None:
    """A row with values but no key is GAI746 at its key cell, a row with a key but no label GAI747 at its label
    cell: one problem each, not one per value (GAI742) and a JSON snippet; a label left out in a later table of the
    same dimension is no problem (the first table named the member)."""
    s = spec("agency_components")
    wb = load_workbook(io.BytesIO(fill(s, load_report(s, OPEN / "components_40.json"))))
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    sheets = {str(r[1]): (str(r[2]), int(r[3])) for r in meta if r[0] == "open"}
    letters = {str(r[1]): str(r[3]) for r in meta if r[0] == "opencol"}
    requests, header = sheets["requests"]
    wb[requests][f"{letters['requests.<key>']}{header + 1}"].value = None  # the first row's key
    wb[requests][f"{letters['requests.<label>']}{header + 2}"].value = "  "  # the second row's label
    staff, staff_header = sheets["staff"]
    wb[staff][f"{letters['staff.<label>']}{staff_header + 3}"].value = None  # named in the first table
    out = io.BytesIO()
    wb.save(out)
    loaded = read_bytes(s, out.getvalue(), ".xlsx", "filled.xlsx")
    assert loaded.report is None
    assert [(d.code, d.place and d.place.en) for d in loaded.diagnostics] == [
        ("GAI746", f"{requests}!{letters['requests.<key>']}{header + 1}"),
        ("GAI747", f"{requests}!{letters['requests.<label>']}{header + 2}"),
    ]  # the member whose requests row lost its key is named by its staff row


def test_readback_says_the_sheet_and_cell_of_a_refused_value(tmp_path: Path) -> None:
    """A value the reader refuses is shown at its sheet's cell (``filled.xlsx · Requests!D9``), not at a line of the
    data made from the workbook, which the user never saw; nothing is written."""
    s = spec("agency_components")
    wb = load_workbook(io.BytesIO(fill(s, load_report(s, OPEN / "components_1.yaml"))))
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    sheet, header = next((str(r[2]), int(r[3])) for r in meta if r[0] == "open" and r[1] == "requests")
    letter = next(str(r[3]) for r in meta if r[0] == "opencol" and r[1] == "requests.received")
    wb[sheet][f"{letter}{header + 1}"].value = "=SUM(A1:A3)"
    workbook, out = tmp_path / "filled.xlsx", tmp_path / "back.json"
    wb.save(workbook)
    back = run_cli("readback", "--lang", "en", str(OPEN / "agency_components.gai"), str(workbook), "-o", str(out))
    assert back.code == 2 and not out.exists()
    assert f"{workbook} · {sheet}!{letter}{header + 1}: error[GAI704]" in back.err, back.err
    assert '"values"' not in back.err and "=SUM(A1:A3)" in back.err


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice")
def test_libreoffice_recomputes_each_row_check_as_the_reference(tmp_path: Path) -> None:
    """The `for each row` checks as columns of the Excel table: LibreOffice's statuses at the entered rows agree with
    the reference evaluator's (a cross-table check reads the other table's row of the same key); last year's values
    are not in the workbook, so a cross-period check is unverifiable there."""
    s = spec("agency_components")
    files = ("components_40_one_violation.json", "components_40.json", "components_1.yaml")
    reports = [load_report(s, OPEN / f) for f in files]
    sheets = recalculated_checks(s, reports, tmp_path)
    for report, sheet in zip(reports, sheets, strict=True):
        members = {m.key for m in report.members["component"]}
        failing: dict[str, int] = {}
        for r in validate(s, report).results:
            if r.status == "fail" and r.position in members:
                failing[r.check] = failing.get(r.check, 0) + 1
        counted = {row[0]: row[4] for row in sheet if row[3] and str(row[3]).startswith("逐行校验")}
        assert set(counted) == {"flow", "growth", "staffed"}
        assert {k: v for k, v in counted.items() if v} == failing
    first = [r for r in validate(s, reports[0]).results if r.status == "fail"]
    assert first and all(r.position in {m.key for m in reports[0].members["component"]} for r in first)


# ---------------------------------------------------------------------------------------------------- records


def holdable_records(report: Report) -> Report:
    """:func:`holdable`, and each record's text as a cell holds it (no control characters) and a text reading 未知
    or ``unknown`` unknown (as in a data file)."""
    values = {k: xml_safe(v) if isinstance(v, str) else v for k, v in report.values.items()}
    values = {k: UNKNOWN if v in (UNKNOWN_TEXT, UNKNOWN_MARKER) else v for k, v in values.items()}
    return attrs.evolve(holdable(report), values=values)


@pytest.mark.parametrize("name", ["other_explained", "projects"])
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_records_filled_by_hand_or_rendered_read_back_the_same(name: str, draw: st.DataObject) -> None:
    s = spec_named(name)
    report = holdable_records(drawn_with_records(name, draw))
    assert open_data(read_back(s, fill(s, report))) == open_data(report)
    assert open_data(read_back(s, target("xlsx").render(s, report))) == open_data(report)


def test_each_list_is_an_excel_table_with_drop_downs() -> None:
    s = spec_named("other_explained")
    report = next(r for r in bases("other_explained") if r.records["explanations"])
    wb = load_workbook(io.BytesIO(target("xlsx").render(s, report)))
    tables = {t: ws.tables[t].ref for ws in wb.worksheets for t in ws.tables}
    assert tables["R_explanations"] == "A4:C6"  # the header, then the two records
    sheet = next(ws for ws in wb.worksheets if "R_explanations" in ws.tables)
    assert [c.value for c in sheet[5]][:3] == ["CIV", "Referred to another agency", 3]
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert [(str(dv.sqref), dv.formula1) for dv in lists] == [("A5:A1048576", "'Requests'!$A$8:$A$2007")]
    assert [wb["Requests"][f"A{row}"].value for row in (7, 8, 9)] == ["代码", "CIV", "TAX"]  # the entered keys
    projects = load_workbook(io.BytesIO(next(iter(target("xlsx").emit(spec_named("projects")).values()))))
    sheet = next(ws for ws in projects.worksheets if "R_projects" in ws.tables)
    formulas = sorted(dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list")
    assert formulas == ['"budget,own"', '"ongoing,completed"']


def test_a_record_s_problems_are_said_at_its_cells() -> None:
    """A record's field that names no member (GAI774), a count that is no number (GAI704) and a record's fields
    left blank (GAI773) are each said at their sheet's cell, not at a line of the data made from the workbook."""
    s = spec_named("other_explained")
    wb = load_workbook(io.BytesIO(next(iter(target("xlsx").emit(s).values()))))
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    sheet, header = next((str(r[2]), int(r[3])) for r in meta if r[0] == "records" and r[1] == "explanations")
    letters = {str(r[1]).split(".", 1)[1]: str(r[3]) for r in meta if r[0] == "recfield"}
    ws = wb[sheet]
    ws[f"{letters['component']}{header + 1}"] = "NOPE"
    ws[f"{letters['description']}{header + 1}"] = "a description"
    ws[f"{letters['count']}{header + 1}"] = "many"
    ws[f"{letters['count']}{header + 2}"] = 3  # its component and description left blank
    out = io.BytesIO()
    wb.save(out)
    loaded = read_bytes(s, out.getvalue(), ".xlsx", "filled.xlsx")
    placed = {(d.code, d.place and d.place.en) for d in loaded.diagnostics if d.code in ("GAI704", "GAI773", "GAI774")}
    assert placed == {
        ("GAI774", f"{sheet}!{letters['component']}{header + 1}"),
        ("GAI704", f"{sheet}!{letters['count']}{header + 1}"),
        ("GAI773", f"{sheet}!{letters['component']}{header + 2}"),
        ("GAI773", f"{sheet}!{letters['description']}{header + 2}"),
    }
    assert all(d.span is None for d in loaded.diagnostics if d.code in ("GAI704", "GAI773", "GAI774"))


def _with_subtotal_formulas(s: ir.Spec, report: Report) -> tuple[bytes, str, dict[str, str]]:
    """``report`` in its workbook, with each value of the first 类 row (201) typed as a formula over the 款 row
    under it, as a person sums rows in Excel: the workbook, the sheet, and the formula of each column's cell."""
    wb = load_workbook(io.BytesIO(fill(s, report)))
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    sheet, header = next((str(r[2]), int(r[3])) for r in meta if r[0] == "open" and r[1] == "expenses")
    columns = [r for r in meta if r[0] == "opencol" and str(r[1]).startswith("expenses.")]
    letters = {str(r[1]).split(".", 1)[1]: str(r[3]) for r in columns}
    ws = wb[sheet]
    rows = {ws[f"{letters['<key>']}{n}"].value: n for n in range(header + 1, ws.max_row + 1)}
    formulas = {}
    for column, letter in letters.items():
        if not column.startswith("<"):
            formulas[column] = f"={letter}{rows['20101']}"
            ws[f"{letter}{rows['201']}"] = formulas[column]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), sheet, formulas


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice")
def test_a_formula_typed_in_a_cell_reads_back_as_its_computed_value(tmp_path: Path) -> None:
    """A subtotal typed as a formula (``=C9``) in a workbook saved by a spreadsheet reads back as the value the
    spreadsheet computed and stored; the same workbook written by a program that computes nothing (openpyxl: no
    stored value) is refused at the formula's cell, the formula named (GAI704), never read as blank."""
    s = spec("function_subjects")
    report = load_report(s, OPEN / "function_subjects_valid.json")
    book, sheet, formulas = _with_subtotal_formulas(s, report)
    loaded = read_bytes(s, book, ".xlsx", "filled.xlsx")
    refused = [d for d in loaded.diagnostics if d.code == "GAI704"]
    assert loaded.report is None and len(refused) == len(formulas)
    assert all(d.place is not None and d.place.en.startswith(f"{sheet}!") for d in refused)
    assert {str(d.args["value"]) for d in refused} == set(formulas.values())
    (tmp_path / "typed.xlsx").write_bytes(book)
    profile, saved = f"-env:UserInstallation=file://{tmp_path}/profile", tmp_path / "saved"
    convert = ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(saved), str(tmp_path / "typed.xlsx")]
    subprocess.run([str(SOFFICE), "--headless", "--norestore", profile, *convert], check=True, capture_output=True)
    back = read_back(s, (saved / "typed.xlsx").read_bytes())
    expected = {k: v for k, v in report.values.items() if k.startswith("expenses.201.")}
    assert expected and all(back.values[k] == v for k, v in expected.items())
    assert data(back) == data(report)


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_validate_reads_the_filled_forms_gaidsl_wrote(tmp_path: Path, engine: str) -> None:
    """`gaidsl validate` reads a filled workbook and Word document gaidsl wrote as `readback` reads them, alone or in
    a folder beside data files (it said GAI702, "not a data file", of a workbook `render` reads): the same results
    as the report's own data file; a value refused in a workbook is a failing type result, the other checks run."""
    spec_file, report_file = str(OPEN / "agency_components.gai"), OPEN / "components_40_one_violation.json"
    folder = tmp_path / "filled"
    folder.mkdir()
    for to in ("xlsx", "docx"):
        rendered = run_cli("render", "--to", to, spec_file, str(report_file), "-o", str(folder / f"r.{to}"))
        assert rendered.code == 0, rendered.err
    (folder / "r.json").write_text(report_file.read_text(encoding="utf-8"), encoding="utf-8")
    run = run_cli("validate", "--format", "json", spec_file, str(folder), "--engine", engine)
    assert run.code == 1, run.err
    document = json.loads(run.out)
    assert sorted(Path(r["file"]).name for r in document["reports"]) == ["r.docx", "r.json", "r.xlsx"]
    failing = {
        Path(r["file"]).name: {(x["check"], x["position"]) for x in document["results"] if x["file"] == r["file"]
                               and x["status"] == "fail"}
        for r in document["reports"]
    }  # fmt: skip
    assert failing["r.json"] and failing["r.xlsx"] == failing["r.docx"] == failing["r.json"]
    wb = load_workbook(folder / "r.xlsx")
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    sheet, coord = next((str(r[2]), str(r[3])) for r in meta if r[0] == "cell")
    wb[sheet][coord].value = "3 units"
    wb.save(folder / "r.xlsx")
    run = run_cli("validate", "--lang", "en", spec_file, str(folder / "r.xlsx"))
    assert run.code == 1 and "GAI704" in run.out and "3 units" in run.out, run.out + run.err


@pytest.mark.parametrize("name", ["agency_components", "other_explained"])
def test_rows_inserted_above_an_open_table_or_a_list_are_said_not_read_as_rows(name: str) -> None:
    """Rows inserted in Excel above an open table (or a list of records) move its header under the row the
    `_gaidsl` sheet names: its header was then read as an entered row. GAI728 at the header's place instead."""
    s = spec_named(name)
    report = load_report(s, OPEN / "components_1.yaml") if name == "agency_components" else bases(name)[0]
    wb = load_workbook(io.BytesIO(fill(s, report)))
    meta = list(wb["_gaidsl"].iter_rows(values_only=True))
    sheet, header = next((str(r[2]), int(r[3])) for r in meta if r[0] in ("open", "records"))
    wb[sheet].insert_rows(header - 1)
    out = io.BytesIO()
    wb.save(out)
    loaded = read_bytes(s, out.getvalue(), ".xlsx", "filled.xlsx")
    moved = [d for d in loaded.diagnostics if d.code == "GAI728"]
    assert loaded.report is None and moved and moved[0].place is not None
    assert moved[0].place.en.startswith(f"{sheet}!") and moved[0].place.en.endswith(str(header))


def test_last_years_report_may_be_a_filled_workbook_too(tmp_path: Path) -> None:
    """`--previous` and the pairing by name (`X.previous.xlsx` beside `X.xlsx`) read a filled workbook as the
    report does: the same results as with last year's data file."""
    spec_file = str(OPEN / "agency_components.gai")
    this_year, last_year = OPEN / "components_40.json", OPEN / "components_39_last_year.json"
    folder = tmp_path / "pair"
    folder.mkdir()
    for source, target_file in ((this_year, "r.xlsx"), (last_year, "r.previous.xlsx")):
        rendered = run_cli("render", "--to", "xlsx", spec_file, str(source), "-o", str(folder / target_file))
        assert rendered.code == 0, rendered.err

    def results(*args: str) -> list[tuple[str, str | None, str]]:
        run = run_cli("validate", "--format", "json", spec_file, *args)
        assert run.code in (0, 1), run.err
        return sorted((r["check"], r["position"], r["status"]) for r in json.loads(run.out)["results"])

    expected = results(str(this_year), "--previous", str(last_year))
    assert any(status == "pass" and check == "growth" for check, _, status in expected)
    assert results(str(folder / "r.xlsx"), "--previous", str(folder / "r.previous.xlsx")) == expected
    assert results(str(folder)) == expected
