"""The spec's language (issue 16, acceptance 3; docs/languages.md): a spec declaring ``language en`` gets every output
in English — no Chinese character in any artefact of any target or in its samples — and a Chinese spec's outputs are
unchanged (the goldens of tests/test_goldens.py and tests/test_render_golden.py, untouched, keep that)."""

from __future__ import annotations

import io
import json
import re
import string
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.language.languages import in_language
from gaidsl.language.ui_text import LANGUAGES, UI, words
from gaidsl.sampling.samples import invalid_reports, valid_samples
from gaidsl.targets.registry import available
from tests.support import ROOT, run_cli
from tests.validator_support import (
    Node,
    build,
    f_text,
    import_module,
    node_executable,
    normalize,
    python_results,
    reference,
)

SPEC_FILE = ROOT / "tests" / "data" / "language" / "foia_initial_requests_en.gai"
CHINESE_SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def english() -> ir.Spec:
    spec = gaidsl.compile_file(SPEC_FILE).spec
    assert spec is not None
    return spec


def artefact_texts(path: Path) -> list[tuple[str, str]]:
    """Every text an output file holds: each member of an xlsx or docx (their XML), a PDF's text, else the file."""
    data = path.read_bytes()
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            assert all(n.endswith((".xml", ".rels", ".jpeg", ".png")) for n in names), names  # pictures: no text
            return [
                (f"{path.name}:{n}", archive.read(n).decode("utf-8")) for n in names if n.endswith((".xml", ".rels"))
            ]
    if path.suffix == ".pdf":
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [(path.name, "\n".join(page.extract_text() or "" for page in pdf.pages))]
    return [(path.name, data.decode("utf-8"))]


def chinese_in(folder: Path) -> dict[str, list[str]]:
    """The Chinese characters of every file under ``folder``, with a little context, by file (and member)."""
    found: dict[str, list[str]] = {}
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert files, f"nothing written under {folder}"
    for path in files:
        for name, text in artefact_texts(path):
            hits = [text[max(0, m.start() - 30) : m.end() + 30] for m in CJK.finditer(text)]
            if hits:
                found[name] = hits[:5]
    return found


# ---------------------------------------------------------------------------------------------------- the catalogue


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_ui_string_has_every_language_with_the_same_fields() -> None:
    for key, texts in UI.items():
        assert set(texts) == set(LANGUAGES), key
        assert len({frozenset(_fields(t)) for t in texts.values()}) == 1, key
        assert not CJK.search(texts["en"]), key


def test_a_spec_without_a_declaration_is_chinese() -> None:
    spec = gaidsl.compile_file(CHINESE_SPEC).spec
    assert spec is not None and spec.languages == ("zh",) and spec.language == "zh"
    assert english().languages == ("en",)


# ---------------------------------------------------------------------------------------------------- acceptance 3


@pytest.mark.parametrize("target", list(available()))
def test_an_english_spec_builds_with_no_chinese_character(target: str, tmp_path: Path) -> None:
    built = run_cli("build", str(SPEC_FILE), "-t", target, "-o", str(tmp_path))
    assert built.code == 0, built.err
    assert chinese_in(tmp_path) == {}


def test_the_english_spec_declares_english_and_builds_every_target_at_once(tmp_path: Path) -> None:
    assert "\n  language en\n" in SPEC_FILE.read_text(encoding="utf-8")
    built = run_cli("build", str(SPEC_FILE), "-t", "all", "--lang", "en", "-o", str(tmp_path))
    assert built.code == 0, built.err
    assert {p.name for p in tmp_path.iterdir()} == set(available())
    assert chinese_in(tmp_path) == {}


def test_the_shipped_english_spec_with_open_rows_builds_with_no_chinese_character(tmp_path: Path) -> None:
    """specs/foia_annual_report_2024.gai: open rows, so the generated validators carry their open-rows code (the
    stand-in member, the ordinal pattern, the words of their findings), in English for a spec in English."""
    built = run_cli("build", str(ROOT / "specs" / "foia_annual_report_2024.gai"), "-t", "all", "-o", str(tmp_path))
    assert built.code == 0, built.err
    assert {p.name for p in tmp_path.iterdir()} == set(available())
    assert chinese_in(tmp_path) == {}


def test_an_english_spec_samples_with_no_chinese_character(tmp_path: Path) -> None:
    sampled = run_cli("sample", str(SPEC_FILE), "--valid", "4", "--invalid", "--seed", "3", "-o", str(tmp_path))
    assert sampled.code == 0, sampled.err
    assert len(list((tmp_path / "invalid").glob("*.json"))) == len(english().checks)  # the formats are checks too
    assert chinese_in(tmp_path) == {}


def test_the_form_and_workbook_speak_the_spec_language(tmp_path: Path) -> None:
    spec = english()
    form = available()["html-form"].emit(spec)
    (page,) = form.values()
    assert isinstance(page, str)
    assert '<html lang="en">' in page and ">Load data…<" in page and ">Print<" in page
    chinese = gaidsl.compile_file(CHINESE_SPEC).spec
    assert chinese is not None
    (zh_page,) = available()["html-form"].emit(chinese).values()
    assert isinstance(zh_page, str)
    assert '<html lang="zh-CN">' in zh_page and ">载入数据…<" in zh_page
    (book,) = available()["xlsx"].emit(spec).values()
    assert isinstance(book, bytes)
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    for sheet in ("Report details", "Text parts", "Checks"):
        assert f'name="{sheet}"' in workbook


# ---------------------------------------------------------------------------------------------------- --lang


def test_build_refuses_a_language_the_spec_does_not_have(tmp_path: Path) -> None:
    refused = run_cli("build", str(SPEC_FILE), "-t", "html", "--lang", "zh", "-o", str(tmp_path / "a"))
    assert refused.code == 2 and "GAI620" in refused.err and "--lang en" in refused.err
    assert not (tmp_path / "a").exists()
    refused = run_cli("build", str(CHINESE_SPEC), "-t", "html", "--lang", "en", "-o", str(tmp_path / "b"))
    assert refused.code == 2 and "GAI620" in refused.err
    assert not (tmp_path / "b").exists()
    kept = run_cli("build", str(CHINESE_SPEC), "-t", "html", "--lang", "zh", "-o", str(tmp_path / "c"))
    assert kept.code == 0, kept.err


BILINGUAL = """format both version 1 "Demo 演示" {
  language zh, en
  field body "Body 报告主体" : text required
  section one "One 一" {
    table t "T 表" {
      columns { a "A 甲" }
      rows { x "X 行" }
    }
  }
}
"""


def test_a_spec_with_two_languages_builds_in_either(tmp_path: Path) -> None:
    source = tmp_path / "both.gai"
    source.write_text(BILINGUAL, encoding="utf-8")
    assert run_cli("build", str(source), "-t", "html-form", "-o", str(tmp_path / "zh")).code == 0
    assert run_cli("build", str(source), "-t", "html-form", "--lang", "en", "-o", str(tmp_path / "en")).code == 0
    zh = (tmp_path / "zh" / "html-form" / "both_1.form.html").read_text(encoding="utf-8")
    en = (tmp_path / "en" / "html-form" / "both_1.form.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh and "保存数据（JSON）" in zh
    assert '<html lang="en">' in en and "Save data (JSON)" in en and "保存数据" not in en
    spec = gaidsl.compile_file(source).spec
    assert spec is not None and spec.language == "zh"
    chosen = in_language(spec, "en")
    assert chosen is not None and chosen.languages == ("en", "zh")
    assert in_language(english(), "zh") is None


def test_fmt_keeps_the_declaration(tmp_path: Path) -> None:
    formatted = run_cli("fmt", str(SPEC_FILE), "--check")
    assert formatted.code == 0, formatted.out + formatted.err
    messy = tmp_path / "messy.gai"
    messy.write_text(BILINGUAL.replace("language zh, en", "language   zh ,en"), encoding="utf-8")
    assert run_cli("fmt", str(messy), "--write").code == 0
    assert "\n  language zh, en\n" in messy.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------- validators


def _data_text(report: Report) -> str:
    return report.to_json()


def test_the_english_validator_agrees_with_the_evaluator_and_says_it_in_english(tmp_path: Path) -> None:
    spec = english()
    module = import_module(build("python", spec, tmp_path))
    violations = invalid_reports(spec, seed=5)
    reports = [s.report for s in valid_samples(spec, 3, seed=5)] + [v.sample.report for v in violations if v.sample]
    assert len(reports) > 3
    blank = Report(spec.id, spec.version)
    for report in [*reports, blank]:
        text = _data_text(report)
        ours = python_results(module, text, None)
        assert normalize(ours) == normalize(reference(spec, text, None))
        said = json.dumps(normalize(ours), ensure_ascii=False)
        assert not CJK.search(said), said
        for result in ours:
            assert result["message"]["zh"] == result["message"]["en"]
    evaluation = evaluate(spec, blank)
    assert evaluation.absent and all(not CJK.search(a.message.zh) for a in evaluation.absent)
    node_executable()
    folder = tmp_path / "js"
    script = build("javascript", spec, folder)
    node = Node(folder)
    try:
        cases: list[tuple[str, str | None]] = [(_data_text(r), None) for r in [*reports, blank]]
        answers = node.run(script, cases)
    finally:
        node.close()
    for (text, _), got in zip(cases, answers, strict=True):
        assert got == normalize(reference(spec, text, None), f_text)


# ---------------------------------------------------------------------------------------------------- any label


LABELS = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"\\'), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")


@settings(max_examples=15, deadline=None)
@given(label=LABELS, title=LABELS)
def test_any_english_label_leaves_the_form_and_workbook_without_chinese(label: str, title: str) -> None:
    text = SPEC_FILE.read_text(encoding="utf-8")
    text = text.replace('"Number of total grants"', json.dumps(label)).replace(
        '"Initial FOIA/PA Access Request"', json.dumps(title)
    )
    compiled = gaidsl.compile_text(text, "label.gai")
    if compiled.spec is None:  # a label the spec already has at that level (GAI108)
        return
    for name in ("html-form", "xlsx", "docx", "html", "markdown", "text"):
        for content in available()[name].emit(compiled.spec).values():
            if isinstance(content, bytes):
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    xml = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
                    members = [archive.read(n).decode("utf-8") for n in xml]
            else:
                members = [content]
            assert not any(CJK.search(m) for m in members), name
    assert words("en")["form.load"] == "Load data…"


@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
def test_the_database_engines_say_it_in_english_too(engine: str, tmp_path: Path) -> None:
    spec = english()
    reports = [s.report for s in valid_samples(spec, 2, seed=7)] + [Report(spec.id, spec.version)]
    files = []
    for number, report in enumerate(reports):
        path = tmp_path / f"r{number}.json"
        path.write_text(_data_text(report), encoding="utf-8")
        files.append(str(path))
    said = {}
    for chosen in ("reference", engine):
        run = run_cli("validate", str(SPEC_FILE), *files, "--engine", chosen, "--format", "json")
        assert run.code == 1, run.err  # the blank report lacks its required items
        assert not CJK.search(run.out), run.out
        found = json.loads(run.out)
        said[chosen] = sorted(
            (r["file"], r.get("check") or r.get("key"), r.get("position"), r["status"], r["message"]["en"])
            for r in found["results"]
        ) + sorted((r["file"], m["key"], m["message"]["zh"]) for r in found["reports"] for m in r["missing"])
    assert said["reference"] == said[engine]
    assert ("missing" in said[engine][-1][2]) and len(said[engine]) == 3 * len(english().checks) + 5
