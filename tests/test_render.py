"""gaidsl render: every format for both shipped specs and the overlay; blank stays blank, unknown is marked; the
plain text follows the published convention; the CLI writes atomically and never over a file without --force."""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from gaidsl.checking.report import BLANK, UNKNOWN, Report, Value
from gaidsl.cli.main import main
from gaidsl.language.source import display_width
from gaidsl.sampling.samples import valid_reports
from tests.render_support import SPEC_FILES, spec, target
from tests.support import DATA, run_cli

FORMATS = ("html", "md", "txt", "docx", "pdf", "xlsx", "form")
DATA_2021 = Path(__file__).parent / "data" / "jiujia_2023.json"


@functools.cache
def sample(name: str) -> Report:
    return valid_reports(spec(name), 1, seed=7)[0]


def write_data(tmp_path: Path, report: Report) -> Path:
    path = tmp_path / "report.json"
    path.write_text(report.to_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(SPEC_FILES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_render_every_format(tmp_path: Path, name: str, fmt: str) -> None:
    data = write_data(tmp_path, sample(name))
    out = tmp_path / f"out.{fmt}"
    run = run_cli("render", str(SPEC_FILES[name]), str(data), "--to", fmt, "-o", str(out))
    assert run.code == 0, run.err
    content = out.read_bytes()
    magic = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK"}.get(fmt)
    if magic:
        assert content.startswith(magic)
    else:
        text = content.decode("utf-8")
        report = sample(name)
        assert str(report.fields["body"]) in text
        assert "三、收到和处理政府信息公开申请情况" in text
    again = run_cli("render", str(SPEC_FILES[name]), str(data), "--to", fmt, "-o", str(out))
    assert again.code == 2 and "--force" in again.err and out.read_bytes() == content
    assert run_cli("render", str(SPEC_FILES[name]), str(data), "--to", fmt, "-o", str(out), "--force").code == 0


def test_text_formats_go_to_stdout_and_binary_ones_never_beside_the_data(tmp_path: Path) -> None:
    data = tmp_path / "jiujia.json"
    data.write_bytes(DATA_2021.read_bytes())
    run = run_cli("render", str(SPEC_FILES["2021"]), str(data), "--to", "txt")
    assert run.code == 0 and run.out.startswith("九甲镇人民政府2023年政府信息公开工作年度报告\n")
    # standard output is a terminal: binary output is refused with a request for -o, and nothing is written
    terminal = _Terminal(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(terminal), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["render", str(SPEC_FILES["2021"]), str(data), "--to", "docx", "--lang", "en"])
    assert code == 2 and "-o FILE" in err.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jiujia.json"]
    # standard output is a pipe: the bytes go down it (gaidsl render … --to docx > report.docx)
    piped = subprocess.run(
        [sys.executable, "-m", "gaidsl", "render", str(SPEC_FILES["2021"]), str(data), "--to", "docx"],
        capture_output=True,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"PK") and b"word/document.xml" in piped.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jiujia.json"]


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_unreadable_inputs_exit_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "gov_info_disclosure", "version": "2021", "values": {"requests.received.natural": 1.5}}')
    run = run_cli("render", str(SPEC_FILES["2021"]), str(bad), "--to", "txt")
    assert run.code == 2 and "GAI706" in run.err and "Traceback" not in run.err
    run = run_cli("render", str(tmp_path / "missing.gai"), str(bad), "--to", "txt")
    assert run.code == 2
    run = run_cli("render", str(SPEC_FILES["2021"]), str(tmp_path / "nothing.json"), "--to", "html")
    assert run.code == 2 and "Traceback" not in run.err


def test_render_reads_a_filled_workbook(tmp_path: Path) -> None:
    xlsx = tmp_path / "filled.xlsx"
    assert run_cli("render", str(SPEC_FILES["2021"]), str(DATA_2021), "--to", "xlsx", "-o", str(xlsx)).code == 0
    run = run_cli("render", str(SPEC_FILES["2021"]), str(xlsx), "--to", "md")
    assert run.code == 0 and "# 九甲镇人民政府2023年政府信息公开工作年度报告" in run.out


# ---------------------------------------------------------------------------------------------------- blank, unknown


def _with(report: Report, **values: Value) -> Report:
    return attrs.evolve(report, values={**report.values, **values})


def test_blank_is_blank_and_unknown_is_marked_in_every_format() -> None:
    s = spec("2021")
    base = sample("2021")
    report = _with(base, **{"requests.received.natural": BLANK, "requests.received.business": UNKNOWN})
    txt = target("text").render(s, report)
    [row] = [cells(line) for line in txt.splitlines() if "一、本年新收政府信息公开申请数量" in line]
    assert row[:3] == ["一、本年新收政府信息公开申请数量", "", "未知"]
    html = target("html").render(s, report)
    assert re.search(r'data-cell="requests.received.natural"></td>', html)
    assert re.search(r'data-cell="requests.received.business"><span class="unknown"[^>]*>未知</span>', html)
    md = target("markdown").render(s, report)
    assert 'data-cell="requests.received.natural"></td>' in md
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(target("xlsx").render(s, report)))
    places = {row[1]: (row[2], row[3]) for row in wb["_gaidsl"].iter_rows(values_only=True)}
    sheet, coord = places["requests.received.natural"]
    assert wb[sheet][coord].value is None
    sheet, coord = places["requests.received.business"]
    assert wb[sheet][coord].value == "未知"
    import docx

    doc = docx.Document(io.BytesIO(target("docx").render(s, report)))
    table = doc.tables[1]
    assert table.cell(3, 3).text == "" and table.cell(3, 4).text == "未知"


def test_blank_report_has_no_zeros() -> None:
    s = spec("2021")
    txt = target("text").render(s, None)
    assert not [c for line in txt.splitlines() if line.startswith("|") for c in cells(line) if c == "0"]
    assert ">0<" not in target("html").render(s, None)


# ------------------------------------------------------------------------------------------------ published convention


def cells(line: str) -> list[str]:
    """The cells of a table line of the text rendering (``| a | b |``)."""
    return [c.strip() for c in line.strip().removeprefix("|").removesuffix("|").split("|")]


def _word_text_rows(text: str) -> list[list[str]]:
    """The table rows (from part 二 to part 五) of a Word-to-text report, each as its cells (a cell per tab-indented
    line; empty lines, which Word writes for a cell merged from the row above, left out; words Word wrapped inside a
    cell joined again), and the block titles (第二十条第（…）项) as rows of their own."""
    lines = text.splitlines()
    start = lines.index("二、主动公开政府信息情况")
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    rows: list[list[str]] = []
    current: list[str] = []
    for line in lines[start + 1 : end]:
        if re.match("[一二三四]、", line):
            continue
        if not line:
            if current:
                rows.append(current)
            current = []
        elif not line.startswith("\t"):
            current[-1] += line  # a cell's text wrapped by Word
        elif line.strip():
            current.append(line.strip())
    return rows


def _text_rows(text: str) -> list[list[str]]:
    """The same from the text rendering: a table line's cells (empty ones only where a value is blank), a title line."""
    lines = text.splitlines()
    start = lines.index("二、主动公开政府信息情况")
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    rows = []
    for line in lines[start + 1 : end]:
        if line.startswith("|"):
            rows.append(cells(line))
        elif line and not re.match("[一二三四]、", line):
            rows.append([line])
    return rows


def test_plain_text_tables_hold_the_published_reports_cells_row_for_row() -> None:
    from gaidsl.checking.data import load_report

    published = (DATA / "reports" / "000_a7bba7f129f6cee5.txt").read_text(encoding="utf-8")
    published = published.replace("\t\n0\n\n\n", "\t0\n\n")  # the one value Word split with a stray line break
    ours = target("text").render(spec("2021"), load_report(DATA_2021, spec("2021")))
    assert ours.splitlines()[0] == "九甲镇人民政府2023年政府信息公开工作年度报告"
    assert _text_rows(ours) == _word_text_rows(published)


VALUE = re.compile(r"^(-?[0-9][0-9.]*|未知|—|)$")


def _bars(line: str) -> list[int]:
    """The display columns of a line's ``|``."""
    return [display_width(line[:i]) for i, ch in enumerate(line) if ch == "|"]


def test_plain_text_tables_are_aligned_columns() -> None:
    report = attrs.evolve(sample("2021"), values={**sample("2021").values, "requests.received.business": UNKNOWN})
    ours = target("text").render(spec("2021"), report)
    tables: list[list[str]] = [[]]
    for line in ours.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    assert len([t for t in tables if t]) == 6  # part 二's four blocks, part 三, part 四
    for table in filter(None, tables):
        assert len({display_width(line) for line in table}) == 1, table  # every line as wide as the others
        value_rows = [line for line in table if VALUE.match(cells(line)[-1])]
        assert value_rows
        values = min(sum(1 for _ in itertools.takewhile(VALUE.match, reversed(cells(r)))) for r in value_rows)
        bars = {tuple(_bars(line)[-values - 1 :]) for line in value_rows}
        assert len(bars) == 1, table  # the value columns line up in every row
    value_line = next(line for line in ours.splitlines() if "一、本年新收政府信息公开申请数量" in line)
    assert re.search(r"\|\s+未知 \|", value_line)  # values right-aligned, unknown marked


# ---------------------------------------------------------------------------------------------------- gaidsl readback


def _place(wb: object, key: str) -> tuple[str, str]:
    for row in wb["_gaidsl"].iter_rows(values_only=True):  # type: ignore[index]
        if row[1] == key:
            return str(row[2]), str(row[3])
    raise KeyError(key)


def test_readback_a_workbook_filled_by_hand(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    blank = tmp_path / "blank.xlsx"
    assert run_cli("build", str(SPEC_FILES["2021"]), "--target", "xlsx", "-o", str(tmp_path / "b")).code == 0
    blank.write_bytes(next((tmp_path / "b" / "xlsx").glob("*.xlsx")).read_bytes())
    wb = load_workbook(blank)
    for key, value in (("requests.received.natural", 21), ("fees.administrative_fee.amount", 7730.28)):
        sheet, coord = _place(wb, key)
        wb[sheet][coord] = value
    sheet, coord = _place(wb, "body")
    wb[sheet][coord] = "某市人民政府"
    sheet, coord = _place(wb, "overview")
    wb[sheet][coord] = "第一段。\n第二段。"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    out = tmp_path / "filled.json"
    run = run_cli("readback", str(SPEC_FILES["2021"]), str(filled), "-o", str(out))
    assert run.code == 0, run.err
    data = json.loads(out.read_text(encoding="utf-8"))
    given = {k: v for k, v in data["values"].items() if v is not None}
    assert given == {"requests.received.natural": 21, "fees.administrative_fee.amount": 7730.28}
    assert data["fields"]["body"] == "某市人民政府" and data["texts"]["overview"] == "第一段。\n第二段。"
    assert '"fees.administrative_fee.amount": 7730.28' in out.read_text(encoding="utf-8")
    # a count typed as 1.5 is the data file's error, with the cell's labels
    sheet, coord = _place(wb, "requests.carried_in.natural")
    wb[sheet][coord] = 1.5
    wb.save(filled)
    run = run_cli("readback", str(SPEC_FILES["2021"]), str(filled))
    assert run.code == 2 and "GAI706" in run.err and "二、上年结转政府信息公开申请数量" in run.err


def test_readback_a_word_form_filled_by_hand(tmp_path: Path) -> None:
    import docx

    doc = docx.Document(io.BytesIO(target("docx").form(spec("2021"))))
    fields = doc.tables[0]
    fields.cell(1, 1).text = "某县发展和改革局"
    fields.cell(2, 1).text = "2024"
    fields.cell(3, 1).text = "2025年1月20日"
    requests = doc.tables[2]
    requests.cell(3, 3).text = "26"  # 一、本年新收 · 自然人
    requests.cell(3, 9).text = "26"  # 一、本年新收 · 总计
    requests.cell(4, 3).text = "未知"
    index = next(i for i, p in enumerate(doc.paragraphs) if p.text == "五、存在的主要问题及改进情况")
    target_paragraph = doc.paragraphs[index + 2]  # after the guidance: the empty paragraph to write in
    target_paragraph.text = "一是人员不足。"
    target_paragraph.insert_paragraph_before("")  # an empty line typed by hand is no paragraph of the text
    doc.add_paragraph("二是培训不够。")  # typed at the end of the document: part 六 then
    path = tmp_path / "form.docx"
    doc.save(str(path))
    run = run_cli("readback", str(SPEC_FILES["2021"]), str(path))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["fields"]["body"] == "某县发展和改革局" and data["fields"]["year"] == 2024
    assert data["fields"]["published"] == "2025-01-20"
    assert {k: v for k, v in data["values"].items() if v is not None} == {
        "requests.received.natural": 26,
        "requests.received.total": 26,
        "requests.carried_in.natural": "unknown",
    }
    assert data["texts"]["problems"] == "一是人员不足。"
    assert data["texts"]["other_matters"] == "二是培训不够。"


def test_readback_refuses_files_gaidsl_did_not_write(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    run = run_cli("readback", str(SPEC_FILES["2021"]), str(path))
    assert run.code == 2 and "_gaidsl" in run.err
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    run = run_cli("readback", str(SPEC_FILES["2021"]), str(junk))
    assert run.code == 2 and "Traceback" not in run.err
    run = run_cli("readback", str(SPEC_FILES["2021"]), str(tmp_path / "missing.xlsx"))
    assert run.code == 2
