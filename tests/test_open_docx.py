"""The Word documents of a spec with open rows or lists of records (issue 15; docs/open-dimensions.md,
docs/records.md): a report's tables print its rows as entered, key and label in two columns (a coded hierarchy's code
and name, the name indented by level); the blank form gives empty rows to fill by hand; a form filled in Word, rows
added, reads back to the same data (round-trip property tests)."""

from __future__ import annotations

import io
import subprocess
from copy import deepcopy
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest
from docx.table import _Cell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaidsl.api import load_report, load_spec
from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, EnteredMember, Report
from gaidsl.forms.layout import BLANK_ROWS, UNKNOWN_TEXT, Box, printed, value_text, xml_safe
from gaidsl.forms.readback import read_bytes
from gaidsl.language import ir
from tests.open_support import ROUND_TRIP, bases, data, drawn, spec_named, typed_twice
from tests.render_support import ROOT, SOFFICE, docx_dump, target
from tests.support import run_cli

OPEN = Path(__file__).resolve().parent / "data" / "open"
DFA = ROOT / "specs" / "department_final_accounts_2024.gai"
PUTUO = ROOT / "tests" / "data" / "department_final_accounts" / "putuo_finance_2024.yaml"


def table_rows(dump: str) -> list[str]:
    return [line.strip() for line in dump.splitlines() if line.startswith("  | ")]


def test_a_report_prints_its_rows_as_entered() -> None:
    spec = load_spec(OPEN / "agency_components.gai")
    report = load_report(spec, OPEN / "components_40.json")
    rows = table_rows(docx_dump(target("docx").render(spec, report)))
    members = report.members["component"]
    for member in members:
        value = report.values[f"requests.{member.key}.received"]
        assert any(r.startswith(f"| {member.key} | {member.label} |") and f"| {value} |" in r + " |" for r in rows)
    requests = [r for r in rows if r.split(" | ")[1].startswith("Component ")]
    assert len(requests) == 2 * len(members)  # each member once in each of the two tables


def test_coded_rows_print_code_and_name_in_the_report_order() -> None:
    spec = load_spec(OPEN / "function_subjects.gai")
    report = load_report(spec, OPEN / "function_subjects_valid.json")
    rows = table_rows(docx_dump(target("docx").render(spec, report)))
    printed = [tuple(r.removeprefix("| ").split(" | ")[:2]) for r in rows if r[2:3].isdigit()]
    assert printed == [(m.key, m.label) for m in report.members["subject"]]


def test_the_blank_form_has_rows_to_fill() -> None:
    spec = load_spec(OPEN / "agency_components.gai")
    files = target("docx").emit(spec)
    form = table_rows(docx_dump(next(v for k, v in files.items() if k.endswith(".form.docx"))))
    empty = [r for r in form if r.startswith("|  |") and set(r) <= {"|", " "}]
    assert len(empty) == 2 * BLANK_ROWS  # the two tables of the component rows, then their AGENCY OVERALL rows
    assert sum(r.startswith("| AGENCY OVERALL⇥2 |") for r in form) == 2


# ---------------------------------------------------------------------------------------------------- readback
# A Word form filled in reads back to the same data (issue 15, like tests/test_open_xlsx.py for the workbook): the
# blank form filled with python-docx as a person fills it in Word (the empty rows, then rows inserted as copies of an
# empty one for more members or records than it has), or the form rendered from the report.


def holdable(report: Report) -> Report:
    """The report as Word cells hold it: XML has no control characters (the docx target writes U+FFFD for them,
    ``xml_safe``), a carriage return is a line break, a cell is read without the spaces around it, and a cell
    reading 未知 or ``unknown`` is unknown (as in a data file)."""

    def cell(text: str) -> str:
        return xml_safe(text).replace("\r", "\n").strip()

    members = {d: tuple(EnteredMember(m.key, cell(m.label) or m.key) for m in ms) for d, ms in report.members.items()}
    values = {k: cell(v) if isinstance(v, str) else v for k, v in report.values.items()}
    values = {k: UNKNOWN if v in (UNKNOWN_TEXT, UNKNOWN_MARKER) else v for k, v in values.items()}
    return attrs.evolve(report, members=members, values=values)


def read_back(s: ir.Spec, document: bytes) -> Report:
    loaded = read_bytes(s, document, ".docx", "filled.docx")
    assert loaded.report is not None, [d.message.en for d in loaded.diagnostics]
    assert not [d for d in loaded.diagnostics if d.severity == "error"]
    return loaded.report


def typed(value: object) -> str:
    """A value as a person types it into a cell: digits, 未知, text; nothing for blank."""
    return value_text(value)  # type: ignore[arg-type]


def write(cell: Any, text: str) -> None:
    """Type ``text`` into a cell (its first paragraph keeps the table's style), over anything there."""
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    if text:
        paragraph.add_run(text)


FORMS: dict[tuple[str, str], bytes] = {}


def blank_form(s: ir.Spec) -> bytes:
    """The spec's blank Word form (made once per spec)."""
    key = (s.id, s.version)
    if key not in FORMS:
        FORMS[key] = next(v for k, v in target("docx").emit(s).items() if k.endswith(".form.docx"))
    return FORMS[key]


def fill(s: ir.Spec, report: Report) -> bytes:
    """The blank form filled with python-docx as a person fills it in Word: the 报告信息 table, every value of the
    fixed tables, each open table's empty rows (key, label, values) and each list's empty rows (a record a row), and
    for more members or records than empty rows, a row inserted below the last one as a copy of an empty row."""
    doc = docx.Document(io.BytesIO(blank_form(s)))
    fields_table, *tables = doc.tables
    by_label = {f.label: f for f in s.fields.values()}
    for row in fields_table.rows[1:]:
        field = by_label.get(row.cells[0].text.strip())
        if field is not None:
            write(row.cells[1], typed(report.fields.get(field.key, BLANK)))
    for grid, table in zip(printed(s, None).grids(), tables, strict=True):
        cells = table._cells  # every position before rows are inserted
        width = len(table.columns)
        rows: list[tuple[list[Any], list[Box]]] = []  # the empty rows to fill: their cells and boxes
        entries: list[tuple[str, str, dict[str, str]]] = []  # what to type in them: key, label, values by column
        for line in grid.rows():
            heads = [b for b in line if b.role == "row"]
            here = cells[line[0].row * width : (line[0].row + 1) * width] if line else []
            if (grid.key in s.records and heads) or any(b.entered_key for b in heads):
                rows.append((here, line))
                continue
            for box in line:
                if box.role == "value":
                    write(here[box.col], typed(report.value(str(box.cell))))
        if grid.key in s.records:
            records = s.records[grid.key]
            for n in range(1, report.records.get(grid.key, 0) + 1):
                shown = {f.key: typed(report.value(records.cell_key(str(n), f.key))) for f in records.fields}
                entries.append((str(n), "", shown))
        elif rows:
            spec_table = s.tables[grid.tables[0]]
            assert spec_table.rows is not None and spec_table.rows.open is not None
            for member in report.members.get(spec_table.rows.open.dimension, ()):
                columns = {
                    c.key: typed(report.value(spec_table.cell_key(member.key, c.key)))
                    for c in spec_table.columns.members
                }
                entries.append((member.key, member.label, columns))
        last = rows[-1][0][0]._tc.getparent() if rows else None
        for index, (key, label, shown) in enumerate(entries):
            if index < len(rows):
                here, line = rows[index]
            else:  # Word's "insert row below": a copy of an empty row
                assert last is not None
                copy = deepcopy(rows[0][0][0]._tc.getparent())
                last.addnext(copy)
                last = copy
                here, line = [_Cell(tc, table) for tc in copy.tc_lst], rows[0][1]
            for box in line:
                if box.entered_key or (box.role == "row" and grid.key in s.records):  # a key, a record's number
                    write(here[box.col], key)
                elif box.role == "row":
                    write(here[box.col], label)
                elif box.role == "value" and box.member is not None:
                    write(here[box.col], shown.get(box.member, ""))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ROUND_TRIP)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_filled_by_hand_or_rendered_reads_back_the_same(name: str, draw: st.DataObject) -> None:
    s = spec_named(name)
    report = holdable(drawn(name, draw))
    assert data(read_back(s, fill(s, report))) == data(report)
    assert data(read_back(s, target("docx").form(s, report))) == data(report)


def test_the_real_report_filled_by_hand_or_rendered_reads_back_the_same() -> None:
    """The 2024 final accounts of 普陀区财政局 (five coded hierarchies, one table each): the blank form filled by hand
    (more rows than the form has) and the rendered report read back to the same data."""
    s = load_spec(DFA)
    report = load_report(s, PUTUO)
    assert max(len(m) for m in report.members.values()) > BLANK_ROWS
    assert data(read_back(s, fill(s, report))) == data(report)
    rendered = read_back(s, target("docx").render(s, report))
    assert (rendered.members, rendered.values) == (report.members, report.values)


def test_a_key_on_two_rows_of_a_table_is_refused_not_merged() -> None:
    """A member typed on two rows of one table of the Word form: GAI741 at the second row, the first row named;
    the rows' values are not merged (the second row's used to overwrite the first's without a word)."""
    s, twice, member, open_tables = typed_twice()
    loaded = read_bytes(s, fill(s, twice), ".docx", "filled.docx")
    assert loaded.report is None
    problems = [d for d in loaded.diagnostics if d.code == "GAI741"]
    assert len(problems) == len(open_tables) == 2  # each table of components has the row typed twice
    for problem in problems:
        assert problem.span is None and problem.place is not None and problem.place.en.startswith("table ")
        assert problem.place.zh.startswith("表格 ") and " · 第 " in problem.place.zh  # 表格 2 · 第 5 行
        (first,) = problem.help
        assert problem.place.en.split(" · row ")[0] in first.en and problem.args["key"] == member.key


def test_a_row_without_its_key_or_its_label_is_one_problem_at_its_cell() -> None:
    """In the Word form too: values typed on a row without its key are GAI746 at its key cell, a key without its
    label GAI747 at the label cell, one problem each (not one per value and a snippet of JSON)."""
    s = load_spec(OPEN / "agency_components.gai")
    report = load_report(s, OPEN / "components_1.yaml")
    (member,) = report.members["component"]
    blank = attrs.evolve(report, members={"component": (EnteredMember(member.key, ""),)})
    loaded = read_bytes(s, fill(s, blank), ".docx", "filled.docx")
    assert loaded.report is None
    assert [d.code for d in loaded.diagnostics] == ["GAI747"]
    (problem,) = loaded.diagnostics
    assert problem.place is not None and problem.place.en.endswith(" · cell 2") and problem.args["key"] == member.key
    assert problem.place.zh.endswith(" · 第 2 格")
    keyless = attrs.evolve(report, members={"component": (EnteredMember("", member.label),)})
    values = {k.replace(f".{member.key}.", ".."): v for k, v in report.values.items()}
    loaded = read_bytes(s, fill(s, attrs.evolve(keyless, values=values)), ".docx", "filled.docx")
    assert loaded.report is None
    assert {d.code for d in loaded.diagnostics} == {"GAI746"}
    assert all(d.place is not None and d.place.en.endswith(" · cell 1") for d in loaded.diagnostics)


def test_cli_reads_back_a_form_with_added_rows_and_records(tmp_path: Path) -> None:
    """``gaidsl build -t docx``, the form filled (12 records: two rows added), ``gaidsl readback`` to a data file that
    ``gaidsl validate`` passes; a file of another kind is refused for a spec with records (GAI770)."""
    s = spec_named("projects")
    many = next(r for r in bases("projects") if r.records["projects"] > BLANK_ROWS)
    assert run_cli("build", str(ROUND_TRIP["projects"]), "-t", "docx", "-o", str(tmp_path / "out")).code == 0
    assert any(p.name.endswith(".form.docx") for p in (tmp_path / "out").rglob("*"))
    filled = tmp_path / "filled.docx"
    filled.write_bytes(fill(s, many))
    back = run_cli("readback", "--lang", "en", str(ROUND_TRIP["projects"]), str(filled), "-o", str(tmp_path / "r.json"))
    assert back.code == 0, back.err
    assert data(load_report(s, tmp_path / "r.json")) == data(many)
    checked = run_cli("validate", "--lang", "en", str(ROUND_TRIP["projects"]), str(tmp_path / "r.json"))
    assert checked.code == 0, checked.out + checked.err
    refused = run_cli("readback", "--lang", "en", str(ROUND_TRIP["projects"]), str(tmp_path / "filled.csv"))
    assert refused.code == 2 and "error[GAI770]" in refused.err


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice")
def test_a_form_saved_by_libreoffice_reads_back_the_same(tmp_path: Path) -> None:
    """The form filled by hand (rows and records added), then opened and saved as .docx by LibreOffice Writer (its own
    profile, so parallel workers do not collide), as a person's word processor would: it reads back the same."""
    assert SOFFICE is not None
    s = spec_named("other_explained")
    report = bases("other_explained")[-1]
    (tmp_path / "filled.docx").write_bytes(fill(s, report))
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "saved"),
            str(tmp_path / "filled.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    saved = (tmp_path / "saved" / "filled.docx").read_bytes()
    assert saved != (tmp_path / "filled.docx").read_bytes()
    assert data(read_back(s, saved)) == data(report)
