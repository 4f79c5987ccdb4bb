"""The Word documents of a spec with open rows (issue 15; docs/open-dimensions.md): a report's tables print its
rows as entered, key and label in two columns (a coded hierarchy's code and name, the name indented by level); the
blank form gives empty rows to fill by hand."""

from __future__ import annotations

from pathlib import Path

from gaidsl.api import load_report, load_spec
from gaidsl.forms.layout import BLANK_ROWS
from tests.render_support import docx_dump, target

OPEN = Path(__file__).resolve().parent / "data" / "open"


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
