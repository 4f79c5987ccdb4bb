"""Bilingual specs (issue 16, docs/languages.md#bilingual-specs): ``label en "…"`` after a label. The spec parses and
formats back; the IR keeps the primary labels (a Chinese build is byte for byte the build without the translations);
``--lang en`` writes every artefact in English; ``--lang zh,en`` writes both labels; missing and misplaced
translations are diagnosed (the case files tests/diagnostics/cases/gai76[2-5]_*.gai)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.language import ast, ir
from gaidsl.language.parser import parse
from gaidsl.language.source import SourceFile
from gaidsl.language.translations import labels, translated_document
from gaidsl.migrations.fmt import format_text
from gaidsl.targets.registry import available
from tests.support import ROOT, Run, run_cli
from tests.test_spec_language import CJK
from tests.test_spec_language import artefact_texts as raw_texts

SPEC_FILE = ROOT / "tests" / "data" / "language" / "foia_initial_requests_bilingual.gai"
TEXT = SPEC_FILE.read_text(encoding="utf-8")
TRANSLATION = re.compile(r'\s+label en "[^"]*"')


def artefact_texts(path: Path) -> list[tuple[str, str]]:
    """Every text of an output file (tests/test_spec_language.py's) with XML character references resolved — a
    workbook writes 收到 as ``&#25910;&#21040;`` — and without a workbook's theme (its font list names East Asian
    fonts for the scripts Office knows, never shown as text)."""
    return [(n, html.unescape(t)) for n, t in raw_texts(path) if not n.endswith("theme/theme1.xml")]


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


def _parsed(text: str) -> ast.Format:
    doc = parse(SourceFile("<bilingual>", text))
    assert isinstance(doc, ast.Format)
    return doc


def _copies(tmp_path: Path) -> tuple[Path, Path]:
    """The bilingual spec, and the same with every ``label en "…"`` taken out, under one name in two folders (the
    outputs name their spec file)."""
    bilingual, plain = tmp_path / "bilingual" / SPEC_FILE.name, tmp_path / "plain" / SPEC_FILE.name
    for path, text in ((bilingual, TEXT), (plain, TRANSLATION.sub("", TEXT))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    return bilingual, plain


# ---------------------------------------------------------------------------------------------------- syntax and IR


def test_the_example_is_in_canonical_layout_and_keeps_its_translations() -> None:
    assert format_text(TEXT) == TEXT
    doc = _parsed(TEXT)
    assert [(t.lang, t.text) for t in doc.title_translations] == [("en", "Initial FOIA/PA Access Request")]
    spec = gaidsl.compile_file(SPEC_FILE).spec
    assert spec is not None and spec.languages == ("zh", "en")
    received = spec.tables["requests"].rows.by_key["received"]  # type: ignore[union-attr]
    assert received.label == "本年度收到申请数"  # the primary label, where every output reads it
    assert received.translations == {"en": "Number of requests received during current fiscal year"}
    assert spec.fields["agency"].translations == {"en": "Agency"}
    assert spec.sections[0].translations == {"en": "A. Numbers of initial requests"}
    assert spec.check("carried").translations["en"].startswith("pending at end")
    assert spec.texts["other_explained"].guidance_translations == {
        "en": ("Describe the requests counted under other.",)
    }
    assert spec.title_translations == {"en": "Initial FOIA/PA Access Request"}


def test_a_member_called_label_is_still_a_member() -> None:
    text = 'format f version 1 {\n  dimension d {\n    a "甲"\n    label "标签"\n    en "英"\n  }\n}\n'
    doc = _parsed(text)
    dimension = doc.items[0]
    assert isinstance(dimension, ast.Dimension)
    assert [(m.key, m.label, m.translations) for m in dimension.members] == [
        ("a", "甲", ()),
        ("label", "标签", ()),
        ("en", "英", ()),
    ]


_LABEL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(str.strip)


@settings(max_examples=25)
@given(primary=_LABEL, english=_LABEL)
def test_fmt_round_trips_any_label_and_translation(primary: str, english: str) -> None:
    quoted = [json.dumps(s, ensure_ascii=False) for s in (primary, english)]
    text = (
        f"format f version 1 {{\n  language zh, en\n  field x {quoted[0]} label en {quoted[1]} : text\n"
        f"  section s {quoted[0]} label en {quoted[1]} {{\n    table t : count {{\n"
        f"      columns {{ n {quoted[0]} label en {quoted[1]} }}\n    }}\n  }}\n}}\n"
    )
    formatted = format_text(text)
    assert _parsed(formatted) == _parsed(text)
    assert format_text(formatted) == formatted
    field = _parsed(formatted).items[1]
    assert isinstance(field, ast.Field) and field.label == primary
    assert [(t.lang, t.text) for t in field.translations] == [("en", english)]


def test_the_translated_document_has_every_english_label_and_counts_the_missing() -> None:
    doc = _parsed(TEXT)
    english, missing = translated_document(doc, "en")
    assert missing == 0 and english.title == "Initial FOIA/PA Access Request"
    assert not CJK.search(repr(english.items[3:]))  # fields, dimension, sections: no Chinese left
    partial = _parsed(TEXT.replace(' label en "Agency"', "").replace(' label en "no records"', ""))
    _, missing = translated_document(partial, "en")
    assert missing == 2


# ---------------------------------------------------------------------------------------------------- outputs


def test_an_english_build_of_the_bilingual_spec_has_no_chinese_character(tmp_path: Path) -> None:
    built = run_cli("build", str(SPEC_FILE), "-t", "all", "--lang", "en", "-o", str(tmp_path))
    assert built.code == 0, built.err
    assert "GAI621" not in built.err  # every label is translated
    assert {p.name for p in tmp_path.iterdir()} == set(available())
    assert chinese_in(tmp_path) == {}
    form = next((tmp_path / "html-form").glob("*.html")).read_text(encoding="utf-8")
    assert "Number of requests received during current fiscal year" in form
    assert 'lang="en"' in form


@pytest.mark.parametrize("target", ["html-form", "xlsx", "python", "markdown"])
def test_the_chinese_build_is_the_build_without_translations(target: str, tmp_path: Path) -> None:
    bilingual, plain = _copies(tmp_path)
    assert not TRANSLATION.search(plain.read_text(encoding="utf-8"))
    for spec in (bilingual, plain):
        built = run_cli("build", str(spec), "-t", target, "-o", str(spec.parent / "out"))
        assert built.code == 0, built.err
    ours = sorted((bilingual.parent / "out").rglob("*.*"))
    theirs = sorted((plain.parent / "out").rglob("*.*"))
    assert ours and [p.name for p in ours] == [p.name for p in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert _contents(a, bilingual) == _contents(b, plain), a.name


def _contents(path: Path, spec: Path) -> list[tuple[str, str]]:
    """An artefact's texts with its spec's path written ``SPEC``, without a workbook's creation time."""
    return [(n, t.replace(str(spec), "SPEC")) for n, t in artefact_texts(path) if not n.endswith("docProps/core.xml")]


def test_a_missing_translation_falls_back_to_the_label_said_once(tmp_path: Path) -> None:
    spec = tmp_path / "partial.gai"
    spec.write_text(TEXT.replace(' label en "no records"', "").replace(' label en "referrals"', ""), "utf-8")
    checked = run_cli("check", str(spec))
    assert checked.code == 0 and checked.err.count("GAI765") == 1, checked.err
    assert "2 个标签没有en译文" in checked.err
    built = run_cli("build", str(spec), "-t", "markdown", "--lang", "en", "-o", str(tmp_path / "out"))
    assert built.code == 0, built.err
    assert built.err.count("GAI621") == 1 and "labels of the spec with no en translation: 2;" in built.err
    markdown = next((tmp_path / "out").rglob("*.md")).read_text(encoding="utf-8")
    assert "无相关记录" in markdown and "requests withdrawn" in markdown
    assert CJK.findall(markdown) == list("无相关记录转送其他机关")  # only the two untranslated labels


def failing_report(tmp_path: Path) -> Path:
    """A report of the bilingual FOIA spec written to ``tmp_path``: pending at end 12, where 10 + 5 - 4 = 11."""
    report = {
        "format": "foia_initial_requests",
        "version": "2004",
        "fields": {"agency": "Nuclear Regulatory Commission", "year": 2004},
        "values": {
            "requests.pending_start.number": 10,
            "requests.received.number": 5,
            "requests.processed.number": 4,
            "requests.pending_end.number": 12,
        },
    }
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_validate_and_render_speak_the_chosen_language(tmp_path: Path) -> None:
    path = failing_report(tmp_path)
    english = run_cli("validate", str(SPEC_FILE), str(path), "--lang", "en")
    assert english.code == 1
    said = english.out + english.err
    assert "Number of requests pending as of end of current fiscal year = 12" in said
    assert not CJK.search(said), said
    chinese = run_cli("validate", str(SPEC_FILE), str(path))
    assert "本年度末未办结申请数 = 12" in chinese.out + chinese.err
    for to in ("txt", "md", "html", "xlsx"):
        out = tmp_path / f"report.{to}"
        rendered = run_cli("render", str(SPEC_FILE), str(path), "--to", to, "--lang", "en", "-o", str(out))
        assert rendered.code == 0, rendered.err
        assert [name for name, text in artefact_texts(out) if CJK.search(text)] == [], to
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "Number of requests received during current fiscal year" in text


def test_a_bilingual_form_shows_both_labels(tmp_path: Path) -> None:
    built = run_cli("build", str(SPEC_FILE), "-t", "html-form,markdown,xlsx", "--lang", "zh,en", "-o", str(tmp_path))
    assert built.code == 0, built.err
    form = next((tmp_path / "html-form").glob("*.html")).read_text(encoding="utf-8")
    assert "本年度收到申请数 / Number of requests received during current fiscal year" in form
    assert "首次信息公开/隐私法申请 / Initial FOIA/PA Access Request" in form
    assert "机构 / Agency" in form
    assert 'lang="zh-CN"' in form  # the page's language is the first (tests/test_bilingual_words.py: its words)
    markdown = next((tmp_path / "markdown").glob("*.md")).read_text(encoding="utf-8")
    assert "## 二、首次申请的处理结果 / B. Disposition of initial requests" in markdown
    workbook = dict(artefact_texts(next((tmp_path / "xlsx").glob("*.xlsx"))))
    names = re.findall(
        r'<sheet [^>]*name="([^"]*)"', next(t for n, t in workbook.items() if n.endswith("workbook.xml"))
    )
    assert all(len(n) <= 31 and "/" not in n for n in names), names  # what Excel allows a sheet's name
    assert any("转送其他机关 / referrals" in t for t in workbook.values())


def test_a_bilingual_output_is_the_first_language_then_another(tmp_path: Path) -> None:
    refused = run_cli("build", str(SPEC_FILE), "-t", "markdown", "--lang", "en,zh", "-o", str(tmp_path))
    assert refused.code == 2 and "GAI622" in refused.err and "--lang zh,en" in refused.err
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_an_overlay_keeps_the_base_translations_but_not_those_of_a_label_it_changes(tmp_path: Path) -> None:
    (tmp_path / "base.gai").write_text(TEXT, encoding="utf-8")
    overlay = tmp_path / "local.gai"
    overlay.write_text(
        'format foia_local version 2004 "地方版" label en "Local edition" extends "base.gai" {\n'
        "  in table dispositions {\n"
        '    relabel row denials "不予公开（含部分）"\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    built = run_cli("build", str(overlay), "-t", "markdown", "--lang", "en", "-o", str(tmp_path / "out"))
    assert built.code == 0, built.err
    assert "labels of the spec with no en translation: 1;" in built.err
    markdown = next((tmp_path / "out").rglob("*.md")).read_text(encoding="utf-8")
    assert "Local edition" in markdown and "Number of total grants" in markdown
    assert CJK.findall(markdown) == list("不予公开（含部分）")


def test_english_samples_of_the_bilingual_spec_have_no_chinese_character(tmp_path: Path) -> None:
    sampled = run_cli(
        "sample", str(SPEC_FILE), "--valid", "2", "--invalid", "--seed", "3", "--lang", "en", "-o", str(tmp_path)
    )
    assert sampled.code == 0, sampled.err
    assert len(list((tmp_path / "invalid").glob("*.json"))) == 4  # carried, all_processed, a total, contact's format
    assert chinese_in(tmp_path) == {}


# ---------------------------------------------------------------------------------------------------- units, records,
# dimensions and choices (tests/data/language/components_bilingual.gai)

COMPONENTS = ROOT / "tests" / "data" / "language" / "components_bilingual.gai"
COMPONENTS_TEXT = COMPONENTS.read_text(encoding="utf-8")
PAIR = re.compile(r'"[^"]*" label en ("[^"]*")')
OPEN_PART = re.compile(r"\n  dimension component .*?\n  }\n|\n  section processing .*?\n  }\n", re.S)


def _in_english(text: str) -> str:
    """The spec written in English: every label replaced by its translation, ``language en``, the checks comparing
    with the English choices."""
    english = PAIR.sub(r"\1", text).replace("language zh, en", "language en")
    return english.replace('== "已完成"', '== "completed"').replace('== "年度报告"', '== "annual"')


def test_units_dimensions_records_and_choices_carry_translations() -> None:
    assert format_text(COMPONENTS_TEXT) == COMPONENTS_TEXT  # fmt keeps every translation after its label
    compilation = gaidsl.compile_file(COMPONENTS)
    assert compilation.ok and not [d.code for d in compilation.diagnostics], compilation.diagnostics
    english, missing = translated_document(_parsed(COMPONENTS_TEXT), "en")
    assert missing == 0
    left = [t.label for t in labels(english) if CJK.search(t.label)]
    assert left == [] and missing == 0  # no Chinese label, choice or unit label left (a unit's key is a name)
    spec = gaidsl.compile_text(_in_english(COMPONENTS_TEXT), "c.gai").spec
    assert spec is not None and spec.units["万元"].label == "ten thousand yuan"
    assert spec.fields["kind"].type.choices == ("annual", "supplementary")
    assert spec.records["projects"].label == "Projects"
    assert [f.label for f in spec.records["projects"].fields] == ["Project name", "Funding source", "Amount", "Status"]
    assert spec.check("annual").instances[0].expr == ir.Compare(  # the check compares with the translated choice
        "==", ir.FieldRef("kind"), ir.TextConst("annual")
    )


def test_an_untranslated_unit_or_choice_is_counted_and_a_stray_one_refused(tmp_path: Path) -> None:
    partial = COMPONENTS_TEXT.replace(' label en "ten thousand yuan"', "").replace(' label en "completed"', "")
    _, missing = translated_document(_parsed(partial), "en")
    assert missing == 2
    stray = tmp_path / "stray.gai"
    stray.write_text(COMPONENTS_TEXT.replace("language zh, en", "language zh"), encoding="utf-8")
    checked = run_cli("check", str(stray), "--format", "json")
    codes = [d["code"] for d in json.loads(checked.out)["diagnostics"]]
    assert checked.code != 0 and set(codes) == {"GAI762"} and len(codes) == COMPONENTS_TEXT.count(" label en ")


def test_an_english_build_with_units_records_and_choices_has_no_chinese_character(tmp_path: Path) -> None:
    """Every target, the SQL one included, of the spec without its open dimension; the generated validators' own
    code for records and text comparisons (the Python module, the JavaScript module and the form's copy of it)
    included: in a spec in English they quote and word their findings in English in both slots."""
    spec = tmp_path / "projects.gai"
    spec.write_text(OPEN_PART.sub("\n", COMPONENTS_TEXT), encoding="utf-8")
    assert " open {" not in spec.read_text(encoding="utf-8")
    built = run_cli("build", str(spec), "-t", "all", "--lang", "en", "-o", str(tmp_path / "out"))
    assert built.code == 0, built.err
    assert "GAI621" not in built.err
    assert chinese_in(tmp_path / "out") == {}
    form = next((tmp_path / "out" / "html-form").glob("*.html")).read_text(encoding="utf-8")
    assert "ten thousand yuan" in form and "supplementary" in form and "Project name" in form


def test_the_english_build_is_the_build_of_the_spec_written_in_english(tmp_path: Path) -> None:
    """With the open dimension: every target's English output is byte for byte that of the same spec written in
    English, so no Chinese label of the spec reaches it; and none of the generated validators' own (their stand-in
    row, ordinal pattern and run-time words are English in a spec in English)."""
    bilingual, english = tmp_path / "bilingual" / COMPONENTS.name, tmp_path / "english" / COMPONENTS.name
    for path, text in ((bilingual, COMPONENTS_TEXT), (english, _in_english(COMPONENTS_TEXT))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    targets = [t for t in available() if t not in ("sql", "pdf")]  # the PDF is the html target's page, printed
    for path, lang in ((bilingual, ["--lang", "en"]), (english, [])):
        built = run_cli("build", str(path), "-t", ",".join(targets), *lang, "-o", str(path.parent / "out"))
        assert built.code == 0, built.err
    ours = sorted((bilingual.parent / "out").rglob("*.*"))
    theirs = sorted((english.parent / "out").rglob("*.*"))
    assert ours and [p.name for p in ours] == [p.name for p in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert _contents(a, bilingual) == _contents(b, english), a.name
    assert chinese_in(bilingual.parent / "out") == {}


def test_render_writes_both_languages_like_the_bilingual_form(tmp_path: Path) -> None:
    """``render --lang zh,en``: each label followed by its translation, as the bilingual form writes them."""
    report = {
        "format": "foia_initial_requests",
        "version": "2004",
        "fields": {"agency": "NRC", "year": 2004},
        "values": {"requests.received.number": 5},
    }
    data = tmp_path / "report.json"
    data.write_text(json.dumps(report), encoding="utf-8")
    out = tmp_path / "report.html"
    rendered = run_cli("render", str(SPEC_FILE), str(data), "--to", "html", "--lang", "zh,en", "-o", str(out))
    assert rendered.code == 0, rendered.err
    page = out.read_text(encoding="utf-8")
    assert "本年度收到申请数 / Number of requests received during current fiscal year" in page
    assert "机构 / Agency" in page and 'lang="zh-CN"' in page
    markdown = run_cli("render", str(SPEC_FILE), str(data), "--to", "md", "--lang", "zh,en")
    assert markdown.code == 0 and "## 二、首次申请的处理结果 / B. Disposition of initial requests" in markdown.out
    refused = run_cli("render", str(SPEC_FILE), str(data), "--to", "html", "--lang", "en,zh", "-o", str(tmp_path / "x"))
    assert refused.code == 2 and "GAI622" in refused.err and not (tmp_path / "x").exists()


def test_english_samples_with_open_rows_records_and_choices_have_no_chinese_character(tmp_path: Path) -> None:
    sampled = run_cli(
        "sample", str(COMPONENTS), "--valid", "1", "--invalid", "--seed", "2", "--lang", "en", "-o", str(tmp_path)
    )
    assert sampled.code == 0, sampled.err
    assert chinese_in(tmp_path) == {}
    valid = json.loads(next((tmp_path / "valid").glob("*.json")).read_text(encoding="utf-8"))
    assert valid["fields"]["kind"] in ("annual", "supplementary")
    assert {r["status"] for r in valid["records"]["projects"]} <= {"ongoing", "completed"}
    assert (tmp_path / "invalid" / "annual.json").exists() and (tmp_path / "invalid" / "completed_listed.json").exists()


def _diff_to(old: Path, changed: str, tmp_path: Path) -> Run:
    """``gaidsl diff`` from the spec ``old`` to its text ``changed`` (written beside the test)."""
    new = tmp_path / "new.gai"
    new.write_text(changed, encoding="utf-8")
    return run_cli("diff", str(old), str(new))


def test_diff_reports_a_change_made_only_to_a_translation(tmp_path: Path) -> None:
    """A new version that only rewords, adds or takes away English translations (a row's, a field's, a table's) is
    a compatible change of each label's translation: diff in the spec's first language used to find no change at all
    (``--lang en`` compares the English labels, so it saw them as label changes)."""
    text = SPEC_FILE.read_text(encoding="utf-8")
    changed = (
        text.replace(
            'label en "Number of requests received during current fiscal year"',
            'label en "Requests received in the fiscal year"',
        )
        .replace('field agency "机构" label en "Agency"', 'field agency "机构"')
        .replace(
            'table requests "首次申请数量" label en "Numbers of initial requests"',
            'table requests "首次申请数量" label en "Initial requests"',
        )
    )
    assert changed.count("label en") == text.count("label en") - 1
    run = _diff_to(SPEC_FILE, changed, tmp_path)
    assert run.code == 0 and "3 处变化：0 处不兼容，3 处兼容" in run.out, run.out + run.err
    assert (
        "修改行 requests.received (label en): Number of requests received during current fiscal year → Requests "
        "received in the fiscal year 「本年度收到申请数」" in run.out
    )
    assert "修改字段 agency (label en): Agency → — 「机构」" in run.out
    assert "修改表 requests (label en): Numbers of initial requests → Initial requests" in run.out
    same = run_cli("diff", str(SPEC_FILE), str(SPEC_FILE))
    assert same.code == 0 and "label en" not in same.out


def test_diff_reports_a_change_made_only_to_a_section_s_or_a_check_s_translation(tmp_path: Path) -> None:
    """The same for a section's and a check's translation (they were not compared)."""
    text = SPEC_FILE.read_text(encoding="utf-8")
    changed = text.replace('label en "A. Numbers of initial requests"', 'label en "A. Initial requests"').replace(
        'label en "pending at end = pending at start + received - processed"', ""
    )
    assert changed.count("label en") == text.count("label en") - 1
    run = _diff_to(SPEC_FILE, changed, tmp_path)
    assert run.code == 0 and "2 处变化：0 处不兼容，2 处兼容" in run.out, run.out + run.err
    assert (
        "修改部分 numbers (label en): A. Numbers of initial requests → A. Initial requests 「一、首次申请数量」"
        in run.out
    )
    said = "修改校验 carried (label en): pending at end = pending at start + received - processed → — 「年末未办结"
    assert said in run.out, run.out


def test_diff_reports_a_change_made_only_to_a_dimension_s_or_a_list_s_translation(tmp_path: Path) -> None:
    """And for an open dimension's translation (its slot row's) and a list of records' (they were not carried into
    the compiled spec, so diff could not see them)."""
    source, text = COMPONENTS, COMPONENTS_TEXT
    changed = text.replace('label en "Component"', 'label en "Unit"').replace(
        'records projects "项目" label en "Projects"', 'records projects "项目" label en "Works"'
    )
    assert changed != text
    run = _diff_to(source, changed, tmp_path)
    assert run.code == 0 and "2 处变化：0 处不兼容，2 处兼容" in run.out, run.out + run.err
    assert "修改行 requests.<component> (label en): <Component> → <Unit> 「<部门>」" in run.out
    assert "修改记录列表 projects (label en): Projects → Works 「项目」" in run.out
