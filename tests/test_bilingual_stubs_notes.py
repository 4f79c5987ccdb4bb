"""Translations of a table's stub and notes, a gloss, and an overlay's new labels (``relabel``, ``rename … label``), #16
(docs/languages.md#bilingual-specs): tests/data/language/foia_initial_requests_local.gai, an overlay of the bilingual
FOIA spec, built in English (no Chinese in any target), in both languages (``--lang zh,en``) and in Chinese (byte for
byte the build without its translations); fmt keeps each translation after its label; missing and misplaced ones are
counted and refused (GAI762–GAI765). And ``validate --lang zh,en``: bilingual labels, messages in both languages."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.language import ast
from gaidsl.language.compiler import compile_spec_file, translated_spec
from gaidsl.language.parser import parse
from gaidsl.language.source import SourceFile
from gaidsl.language.translations import labels, translated_document
from gaidsl.migrations.fmt import format_text
from gaidsl.targets.registry import available
from tests.support import ROOT, run_cli
from tests.test_bilingual_spec import SPEC_FILE, TRANSLATION, artefact_texts, chinese_in, failing_report
from tests.test_spec_language import CJK

LOCAL = ROOT / "tests" / "data" / "language" / "foia_initial_requests_local.gai"
LOCAL_TEXT = LOCAL.read_text(encoding="utf-8")
BASE_TEXT = SPEC_FILE.read_text(encoding="utf-8")


def _parsed(text: str) -> ast.Format:
    doc = parse(SourceFile("<overlay>", text))
    assert isinstance(doc, ast.Format)
    return doc


def _pair(folder: Path, overlay: str, base: str = BASE_TEXT) -> Path:
    """The overlay ``overlay`` and the base ``base`` written side by side under ``folder``; the overlay's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SPEC_FILE.name).write_text(base, encoding="utf-8")
    path = folder / LOCAL.name
    path.write_text(overlay, encoding="utf-8")
    return path


def _contents(path: Path, folder: Path) -> list[tuple[str, str]]:
    """An artefact's texts with its specs' folder written ``DIR``, without a workbook's creation time."""
    texts = artefact_texts(path)
    return [(n, t.replace(str(folder), "DIR")) for n, t in texts if not n.endswith("docProps/core.xml")]


def _codes(path: Path) -> list[str]:
    checked = run_cli("check", str(path), "--format", "json")
    return [d["code"] for d in json.loads(checked.out)["diagnostics"]]


# ---------------------------------------------------------------------------------------------------- syntax and IR


def test_the_overlay_is_canonical_and_its_translations_reach_the_merged_spec() -> None:
    assert format_text(LOCAL_TEXT) == LOCAL_TEXT  # fmt keeps every translation right after its label
    compilation = gaidsl.compile_file(LOCAL)
    assert compilation.ok and [d.code for d in compilation.diagnostics] == []  # none missing: no GAI765
    spec = compilation.spec
    assert spec is not None
    appeals, requests, dispositions = (spec.tables[k] for k in ("appeals", "requests", "dispositions"))
    assert appeals.stub == "项目" and [n.text for n in appeals.notes] == ["不含撤回的复议申请。"]  # primary labels
    assert appeals.stub_translations == {"en": "Item"}  # and their translations beside them
    assert [dict(n.translations) for n in appeals.notes] == [{"en": "Appeals withdrawn are not counted."}]
    assert requests.rows is not None
    received = requests.rows.by_key["received"]
    assert received.gloss == "（含补正后受理的申请）"
    assert received.gloss_translations == {"en": "(including requests accepted after correction)"}
    assert dispositions.rows is not None
    assert dispositions.rows.by_key["denials"].translations == {"en": "Number of full denials"}  # not the base's
    assert requests.label == "首次申请数量（地方）"
    assert requests.translations == {"en": "Numbers of initial requests (local)"}
    document = compilation.document
    assert isinstance(document, ast.Format)
    english_doc, missing = translated_document(document, "en")
    assert missing == 0 and [x.label for x in labels(english_doc) if CJK.search(x.label)] == []
    found = translated_spec(compile_spec_file(LOCAL), "en")
    assert found is not None and found[1] == 0
    english = found[0]
    assert english.tables["appeals"].stub == "Item"
    assert [n.text for n in english.tables["appeals"].notes] == ["Appeals withdrawn are not counted."]
    assert [(n.text, n.place) for n in english.tables["dispositions"].notes] == [("Unit: requests", "corner")]
    assert [n.text for n in english.tables["requests"].notes] == ["Report by fiscal year."]
    assert english.tables["requests"].label == "Numbers of initial requests (local)"
    assert english.tables["dispositions"].rows is not None
    assert english.tables["dispositions"].rows.by_key["denials"].label == "Number of full denials"


_LABEL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(str.strip)


@settings(max_examples=20)
@given(primary=_LABEL, english=_LABEL)
def test_fmt_round_trips_translated_stubs_notes_glosses_relabels_and_renames(primary: str, english: str) -> None:
    p, e = (json.dumps(s, ensure_ascii=False) for s in (primary, english))
    text = (
        f'format f version 1 extends "base.gai" {{\n'
        f"  in table t {{\n    relabel row r {p} label en {e}\n    note {p} label en {e} at corner\n"
        f"    gloss column c {p} label en {e}\n  }}\n"
        f'  rename table t label {p} label en {e} "why"\n'
        f'  in dimension d {{\n    rename member m to m2 label {p} label en {e} "why"\n  }}\n'
        f"  in section s {{\n    table u : count {{\n      stub {p} label en {e}\n      note {p} label en {e}\n"
        f'      columns {{ n "n" gloss {p} label en {e} }}\n    }}\n  }}\n}}\n'
    )
    formatted = format_text(text)
    assert _parsed(formatted) == _parsed(text)
    assert format_text(formatted) == formatted
    given_ = [(x.lang, x.text) for x in _translations(_parsed(formatted))]
    assert given_ == [("en", english)] * 8


def _translations(doc: ast.Format) -> list[ast.Translation]:
    """The translations of every relabel, note, rename and stub of ``doc`` (the property test's overlay)."""
    found: list[ast.Translation] = []
    for item in doc.items:
        match item:
            case ast.ModifyTable() | ast.ModifyDimension():
                for op in item.items:
                    found.extend(getattr(op, "translations", ()))
            case ast.RenameTable():
                found.extend(item.translations)
            case ast.ModifySection():
                for table in item.items:
                    assert isinstance(table, ast.Table)
                    found.extend(table.stub_translations)
                    assert isinstance(table.columns, ast.AxisInline)
                    found.extend(t for m in table.columns.members for t in m.gloss_translations)
                    found.extend(t for n in table.notes for t in n.translations)
    return found


# ---------------------------------------------------------------------------------------------------- diagnostics


def test_an_untranslated_stub_note_or_overlay_label_is_counted_once(tmp_path: Path) -> None:
    untranslated = (' label en "Item"', ' label en "Number of full denials"', ' label en "Unit: requests"')
    text = LOCAL_TEXT
    for part in untranslated:
        text = text.replace(part, "")
    overlay = _pair(tmp_path, text)
    checked = run_cli("check", str(overlay))
    assert checked.code == 0 and checked.err.count("GAI765") == 1, checked.err
    assert "3 个标签没有en译文" in checked.err
    assert "table appeals stub" in checked.err and "table dispositions note" in checked.err
    built = run_cli("build", str(overlay), "-t", "markdown", "--lang", "en", "-o", str(tmp_path / "out"))
    assert built.code == 0, built.err
    assert built.err.count("GAI621") == 1 and "labels of the spec with no en translation: 3;" in built.err
    markdown = next((tmp_path / "out").rglob("*.md")).read_text(encoding="utf-8")
    for kept in ("项目", "全部不予公开数", "单位：件"):  # each keeps its one label
        assert kept in markdown
        markdown = markdown.replace(kept, "")
    assert not CJK.search(markdown), CJK.findall(markdown)


def test_misplaced_translations_of_stubs_notes_and_overlay_labels_are_refused(tmp_path: Path) -> None:
    # the base declares Chinese only: every translation of the overlay is into an undeclared language
    chinese_only = _pair(tmp_path / "zh", LOCAL_TEXT, TRANSLATION.sub("", BASE_TEXT).replace("language zh, en", ""))
    assert _codes(chinese_only) == ["GAI762"] * LOCAL_TEXT.count(" label en ")
    # into the labels' own language; twice into one language
    own = LOCAL_TEXT.replace('stub "项目" label en "Item"', 'stub "项目" label zh "项目"')
    own = own.replace('label en "Unit: requests"', 'label en "Unit: requests" label en "Unit: cases"')
    own = own.replace('label en "Number of full denials"', 'label en "Full denials" label en "Number of full denials"')
    # (the stub then has no English: counted, GAI765)
    assert sorted(_codes(_pair(tmp_path / "own", own))) == ["GAI763", "GAI764", "GAI764", "GAI765"]


# ---------------------------------------------------------------------------------------------------- outputs


def test_an_english_build_of_the_overlay_has_no_chinese_character(tmp_path: Path) -> None:
    # every target but the PDF, the html target's page printed (1 s of Chromium; the base's English build checks it)
    targets = [t for t in available() if t != "pdf"]
    built = run_cli("build", str(LOCAL), "-t", ",".join(targets), "--lang", "en", "-o", str(tmp_path))
    assert built.code == 0, built.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(targets)
    assert "GAI621" not in built.err
    assert chinese_in(tmp_path) == {}
    form = next((tmp_path / "html-form").glob("*.html")).read_text(encoding="utf-8")
    for said in (
        "(including requests accepted after correction)",
        "Item",
        "Appeals withdrawn are not counted.",
        "Report by fiscal year.",
        "Unit: requests",
        "Number of full denials",
        "Numbers of initial requests (local)",
    ):
        assert said in form, said


def test_a_bilingual_build_shows_each_stub_note_and_new_label_with_its_translation(tmp_path: Path) -> None:
    built = run_cli("build", str(LOCAL), "-t", "html-form,markdown", "--lang", "zh,en", "-o", str(tmp_path))
    assert built.code == 0, built.err
    pairs = (
        "（含补正后受理的申请） / (including requests accepted after correction)",
        "项目 / Item",
        "不含撤回的复议申请。 / Appeals withdrawn are not counted.",
        "按财政年度填报。 / Report by fiscal year.",
        "单位：件 / Unit: requests",
        "全部不予公开数 / Number of full denials",
        "首次申请数量（地方） / Numbers of initial requests (local)",
    )
    for target in ("html-form", "markdown"):
        text = next((tmp_path / target).glob("*.*")).read_text(encoding="utf-8")
        assert [p for p in pairs if p not in text] == [], target


def test_the_chinese_build_of_the_overlay_is_its_build_without_translations(tmp_path: Path) -> None:
    ours = _pair(tmp_path / "bilingual", LOCAL_TEXT)
    theirs = _pair(tmp_path / "plain", TRANSLATION.sub("", LOCAL_TEXT), TRANSLATION.sub("", BASE_TEXT))
    for spec in (ours, theirs):
        built = run_cli("build", str(spec), "-t", "html-form,markdown,xlsx", "-o", str(spec.parent / "out"))
        assert built.code == 0, built.err
    a_files = sorted((ours.parent / "out").rglob("*.*"))
    b_files = sorted((theirs.parent / "out").rglob("*.*"))
    assert a_files and [p.name for p in a_files] == [p.name for p in b_files]
    for a, b in zip(a_files, b_files, strict=True):
        assert _contents(a, ours.parent) == _contents(b, theirs.parent), a.name


# ---------------------------------------------------------------------------------------------------- validate


RECEIVED = "本年度收到申请数 / Number of requests received during current fiscal year"


def test_validate_in_both_languages_gives_bilingual_labels_and_both_messages(tmp_path: Path) -> None:
    data = failing_report(tmp_path)
    said = run_cli("validate", str(SPEC_FILE), str(data), "--lang", "zh,en")
    assert said.code == 1, said.err  # the carried check fails, as in one language
    lines = said.out.splitlines()
    chinese = next(line for line in lines if line.strip().startswith("错误[carried]"))
    english = next(line for line in lines if line.strip().startswith("error[carried]"))
    for line, word in ((chinese, "但"), (english, "but")):  # each message in its language, each label in both
        assert RECEIVED in line and "数量 / Number" in line and word in line, line
    assert "未通过" in said.out and "FAILED" in said.out
    as_json = run_cli("validate", str(SPEC_FILE), str(data), "--lang", "zh,en", "--format", "json")
    carried = next(r for r in json.loads(as_json.out)["results"] if r["check"] == "carried")
    assert RECEIVED in [label for cell in carried["cells"] for label in cell["labels"]]
    assert carried["position_labels"] == ["数量 / Number"]
    # the check's own messages stay each in its slot (not 「zh / en」 in the Chinese one)
    assert carried["rule"] == {
        "zh": "年末未办结数应等于年初未办结数加收到数减办理数",
        "en": "pending at end must equal pending at start + received - processed",
    }
    assert RECEIVED in carried["message"]["zh"] and RECEIVED in carried["message"]["en"]


def test_validate_in_both_languages_takes_the_spec_s_first_then_another(tmp_path: Path) -> None:
    data = failing_report(tmp_path)
    reversed_ = run_cli("validate", str(SPEC_FILE), str(data), "--lang", "en,zh")
    assert reversed_.code == 2 and "GAI622" in reversed_.err and "--lang zh,en" in reversed_.err
    assert reversed_.out == ""
    chinese = ROOT / "specs" / "gov_info_disclosure_2021.gai"
    refused = run_cli("validate", str(chinese), str(data), "--lang", "zh,en")
    assert refused.code == 2 and "GAI622" in refused.err


def test_validate_in_both_languages_of_an_overlay_names_its_new_labels(tmp_path: Path) -> None:
    data = failing_report(tmp_path)
    shutil.copy(data, tmp_path / "local.json")
    local = json.loads(data.read_text(encoding="utf-8"))
    local["format"] = "foia_initial_requests_local"
    (tmp_path / "local.json").write_text(json.dumps(local), encoding="utf-8")
    said = run_cli("validate", str(LOCAL), str(tmp_path / "local.json"), "--lang", "zh,en")
    assert said.code == 1, said.err
    assert "首次申请数量（地方） / Numbers of initial requests (local)" in said.out
    assert re.search(r"全部不予公开数 / Number of full denials", said.out)
