"""The outputs' own words in both languages of a bilingual build (``build --lang zh,en``, issue 16,
docs/languages.md#bilingual-specs): the catalogue joined key by key (gaidsl/language/ui_text.py), then each target's
words read from its output, parsed — the HTML form (buttons, headings, hints, the script's messages), the workbook
(sheet names, instructions, check statuses), the Word form (caption, guidance), the renderers (a list's 序号) — and
the form in Chromium: a data file with a failing check says so in both languages."""

from __future__ import annotations

import json
import re
import string
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright import sync_api

from gaidsl.language.ui_text import BOTH, FIRST_ONLY, LANGUAGES, UI, words
from tests.browser_support import chromium, form_page
from tests.support import ROOT, run_cli

DATA = ROOT / "tests" / "data" / "language"
FOIA = DATA / "foia_initial_requests_bilingual.gai"
COMPONENTS = DATA / "components_bilingual.gai"
PAIRS = (("zh", "en"), ("en", "zh"))
FIELDS = re.compile(r"\{(\w+)\}")


# ---------------------------------------------------------------------------------------------------- the catalogue


def test_one_language_is_the_catalogue_as_before() -> None:
    for key, texts in UI.items():
        for language in LANGUAGES:
            fields = {name: f"<{name}>" for name in FIELDS.findall(texts[language])}
            assert words(language)[key] == texts[language]
            assert words(language).format(key, **fields) == texts[language].format(**fields)
            assert words((language,)) == words(language)


@pytest.mark.parametrize("pair", PAIRS, ids=",".join)
def test_two_languages_hold_each_text_first_then_second(pair: tuple[str, str]) -> None:
    ui = words(pair)
    assert words(",".join(pair)) == ui and ui.language == pair[0]
    for key, texts in UI.items():
        shown = ui[key]
        if key in FIRST_ONLY:
            assert shown == texts[pair[0]], key
            continue
        if key in BOTH:
            continue
        first, second = texts[pair[0]].rstrip("：: "), texts[pair[1]]
        assert first in shown and second in shown, (key, shown)
        assert shown.index(first) < shown.rindex(second), (key, shown)


def test_the_pairs_own_texts_keep_the_fields_of_each_language() -> None:
    for key, pairs in BOTH.items():
        assert set(pairs) == set(PAIRS), key
        for pair, text in pairs.items():
            assert set(FIELDS.findall(text)) == set(FIELDS.findall(UI[key][pair[0]])), key


def test_what_a_person_reads() -> None:
    zh_en, en_zh = words(("zh", "en")), words(("en", "zh"))
    assert zh_en["form.load"] == "载入数据… / Load data…"
    assert en_zh["form.load"] == "Load data… / 载入数据…"
    assert zh_en["guidance_prefix"] == "填写提示 / Guidance: "  # a colon only after the last
    assert en_zh["guidance_prefix"] == "Guidance / 填写提示："
    assert zh_en["required_suffix"] == "（必填 / required）"
    assert zh_en["unknown"] == "未知" and en_zh["unknown"] == "unknown"  # a value: read back in the first language
    assert zh_en.format("form.js.failed", n=3) == "3 项校验未通过 / 3 checks fail"
    hint = zh_en.compose(lambda w: w["form.hint.amount"] + w.format("form.hint.decimals", places=2))
    assert hint == "数值，≥ 0，最多 2 位小数 / a number ≥ 0, at most 2 decimal places"
    assert zh_en.pick(("添加一行", "Add a row")) == "添加一行 / Add a row" and words("en").pick(("甲", "b")) == "b"
    assert str(words("zh").html("form.load")) == "载入数据…"
    marked = str(zh_en.html("form.load_previous"))
    assert marked == '载入上年数据… / <span lang="en">Load last year&#39;s data…</span>'
    assert str(en_zh.html("form.print")) == 'Print / <span lang="zh-CN">打印</span>'


@given(st.text(alphabet=string.printable + "「」<>&中文", max_size=30))
def test_any_field_text_is_formatted_in_each_language(text: str) -> None:
    ui = words(("zh", "en"))
    both = ui.format("form.js.unreadable", file=text, why="x")
    assert both == f"{words('zh').format('form.js.unreadable', file=text, why='x')} / cannot read {text}: x"
    assert str(ui.html("form.save")).count("<span") == 1  # the catalogue's own text, escaped: one span


@pytest.mark.parametrize("wrong", ["fr", ("zh", "zh"), (), "zh,en,zh"])
def test_no_words_for_another_language(wrong: Any) -> None:
    with pytest.raises(ValueError, match="no words"):
        words(wrong)


# ---------------------------------------------------------------------------------------------------- the outputs

VOID = frozenset({"meta", "input", "br", "link", "img", "hr", "col", "wbr", "source", "area", "base"})


class Element:
    """An element of a parsed HTML page: its tag, attributes and children (text as strings)."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.children = tag, attrs, list[Element | str]()

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def text_content(self) -> str:
        return "".join(c if isinstance(c, str) else c.text_content() for c in self.children)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """The elements under this one (itself included) with ``tag`` and these attributes (``_`` for ``-``)."""
        found = [self] if self.tag == tag and all(self.get(k.replace("_", "-")) == v for k, v in attrs.items()) else []
        return found + [e for c in self.children if isinstance(c, Element) for e in c.find(tag, **attrs)]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while len(self.open) > 1 and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parsed(page: str) -> Element:
    tree = _Tree()
    tree.feed(page)
    tree.close()
    return tree.root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bilingual")
    run = run_cli("build", str(FOIA), "-t", "html-form,xlsx,docx", "--lang", "zh,en", "-o", str(out))
    assert run.code == 0, run.err
    return out


def _one(folder: Path, pattern: str) -> Path:
    (found,) = sorted(folder.glob(pattern))
    return found


def _form(built: Path) -> Element:
    return parsed(_one(built / "html-form", "*.html").read_text(encoding="utf-8"))


def test_the_form_says_its_words_in_both_languages(built: Path) -> None:
    page = _form(built)
    assert page.find("html")[0].get("lang") == "zh-CN"
    (load,) = page.find("label", **{"for": "load"})
    assert load.text_content() == "载入数据… / Load data…"
    assert [(s.get("lang"), s.text_content()) for s in load.find("span")] == [("en", "Load data…")]
    buttons = {b.get("id"): b.text_content() for b in page.find("button") if b.get("id")}
    assert buttons == {"save": "保存数据（JSON） / Save data (JSON)", "print": "打印 / Print"}
    assert page.find("legend")[0].text_content() == "报告信息 / Report details"
    assert page.find("p", id="summary")[0].text_content() == "尚未填写 / Nothing entered yet"
    assert page.find("title")[0].text_content().endswith("（填报表 / form）")
    received = page.find("input", data_cell="requests.received.number")[0].get("title") or ""
    assert received.endswith("（整数，≥ 0 / a whole number ≥ 0）") and received.startswith("行 / row: 本年度收到申请数")
    contact = page.find("input", data_field="contact")[0].get("title") or ""
    assert "应为电子邮箱" in contact and "must be an e-mail address" in contact
    required = page.find("label", **{"for": "t-other_explained"})[0].text_content()
    assert required == "其他理由的说明 / Other reasons, explained（必填 / required）"


def test_the_forms_script_speaks_both_languages(built: Path) -> None:
    script = "\n".join(s.text_content() for s in _form(built).find("script", type="module"))
    literal = re.search(r"GAI704: (\"(?:[^\"\\]|\\.)*\")", script)
    assert literal is not None
    assert json.loads(literal.group(1)) == f"{UI['form.js.GAI704']['zh']} / {UI['form.js.GAI704']['en']}"
    assert "`${errors} 项校验未通过 / ${errors} checks fail`" in script


def test_the_workbook_says_its_words_in_both_languages(built: Path) -> None:
    book = openpyxl.load_workbook(_one(built / "xlsx", "*.xlsx"))
    # a sheet's name: the label and its translation when that fits in Excel's 31 characters, else the first's alone
    assert book.sheetnames == [
        "报告信息 Report details",
        "一、首次申请数量",
        "二、首次申请的处理结果",
        "文字部分 Text parts",
        "校验 Checks",
        "_gaidsl",
    ]
    lines = [c.value for (c,) in book["报告信息 Report details"].iter_rows(min_col=1, max_col=1) if c.value]
    start = lines.index("填写说明 / How to fill in this workbook:")
    assert lines[start + 1] == UI["xlsx.notes.1"]["zh"] and lines[start + 2] == UI["xlsx.notes.1"]["en"]
    assert "3. 文字部分在“文字部分 Text parts”工作表中填写。" in lines  # the sheet by the name it has
    assert (
        "4. The sheet '校验 Checks' computes every check; a failing check is marked red, and so are the cells it reads."
        in lines
    )
    checks = book["校验 Checks"]
    heads = [c.value for c in checks[1]]
    assert heads[:2] == ["校验 / Check", "级别 / Severity"] and heads[-2:] == ["结果 / Result", "真值 / Truth"]
    assert checks["B2"].value == "错误 / error"
    statuses = [c.value for (c,) in checks.iter_rows(min_row=2, min_col=8, max_col=8) if c.value]
    assert statuses and all('"通过 / pass"' in s and '"未通过 / fail"' in s for s in statuses)
    for sheet in book.worksheets:  # what Excel allows of a data validation's words
        for dv in sheet.data_validations.dataValidation:
            assert len(dv.errorTitle or "") <= 32 and len(dv.promptTitle or "") <= 32
            assert len(dv.error or "") <= 255 and len(dv.prompt or "") <= 255


def test_the_bilingual_workbook_reads_back(built: Path, tmp_path: Path) -> None:
    path = _one(built / "xlsx", "*.xlsx")
    book = openpyxl.load_workbook(path)
    place = next(r for r in book["_gaidsl"].iter_rows(values_only=True) if r[1] == "requests.received.number")
    book[place[2]][place[3]] = 7
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    read = run_cli("readback", str(FOIA), str(filled))
    assert read.code == 0, read.err
    assert json.loads(read.out)["values"]["requests.received.number"] == 7


def test_the_word_form_says_its_words_in_both_languages(built: Path) -> None:
    document = docx.Document(str(_one(built / "docx", "*.form.docx")))
    assert document.tables[0].cell(0, 0).text == "报告信息 / Report details"
    guidance = [p.text for p in document.paragraphs if p.text.startswith("填写提示")]
    assert guidance == ["填写提示 / Guidance: 请说明计入「其他」的申请。 / Describe the requests counted under other."]


def test_a_one_language_build_keeps_one_language(tmp_path: Path) -> None:
    run = run_cli("build", str(FOIA), "-t", "html-form", "--lang", "zh", "-o", str(tmp_path))
    assert run.code == 0, run.err
    page = parsed(_one(tmp_path / "html-form", "*.html").read_text(encoding="utf-8"))
    assert page.find("label", **{"for": "load"})[0].text_content() == "载入数据…"
    assert not [s for s in page.find("span") if s.get("lang")]


def test_the_renderings_say_their_words_in_both_languages(tmp_path: Path) -> None:
    run = run_cli("build", str(COMPONENTS), "-t", "html,text,html-form", "--lang", "zh,en", "-o", str(tmp_path))
    assert run.code == 0, run.err
    report = parsed(_one(tmp_path / "html", "*.html").read_text(encoding="utf-8"))
    assert "序号 / No." in [th.text_content() for th in report.find("th")]
    text = _one(tmp_path / "text", "*.txt").read_text(encoding="utf-8")
    assert "| 序号 / No. | 项目名称 / Project name |" in text
    form = _one(tmp_path / "html-form", "*.html").read_text(encoding="utf-8")
    meta = json.loads(parsed(form).find("script", id="gaidsl-meta")[0].text_content())
    assert meta["open"]["ui"]["add_row"] == "添加一行（{dimension}） / Add a row ({dimension})"
    assert meta["records"]["ui"]["add_record"] == "添加一条记录（{list}） / Add a record ({list})"
    assert meta["records"]["number"] == "序号 / No."


# ---------------------------------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def test_the_form_works_and_says_a_failing_check_in_both_languages(browser: Any, built: Path, tmp_path: Path) -> None:
    expect = sync_api.expect
    data = {
        "format": "foia_initial_requests",
        "version": "2004",
        "fields": {"agency": "NRC", "year": 2004},
        "values": {
            "requests.pending_start.number": 1,
            "requests.received.number": 5,
            "requests.processed.number": 4,
            "requests.pending_end.number": 9,  # pending at end must be 1 + 5 - 4 = 2
        },
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    html = _one(built / "html-form", "*.html").read_text(encoding="utf-8")
    with form_page(browser, html, tmp_path) as page:
        page.set_input_files("#load", str(path))
        expect(page.locator("#f-agency")).to_have_value("NRC")
        failing = page.locator('.checks[data-for="requests"] li[data-check="carried"]')
        failing.wait_for(state="visible")
        assert failing.locator(".tag").text_content() == "错误 / error"
        said = failing.text_content()
        assert "列「数量 / Number」: 本年度末未办结申请数" in said and "(差 7)" in said  # the validator's Chinese
        english = failing.locator('span[lang="en"]')  # its English, a line of its own
        assert "· column '数量 / Number': 本年度末未办结申请数" in english.text_content()
        assert english.text_content().endswith("= 1 + 5 − 4 = 2 (difference 7)")
        expect(page.locator("#summary")).to_contain_text("1 项校验未通过 / 1 checks fail")
        page.locator('input[data-cell="requests.received.number"]').fill("五")
        invalid = page.locator('.checks[data-for="requests"] li.invalid')
        invalid.wait_for(state="visible")
        assert "填写有误 / invalid" in invalid.text_content()
        assert "不是数字" in invalid.text_content() and "not a number" in invalid.text_content()


def test_an_english_first_spec_writes_english_then_chinese(tmp_path: Path) -> None:
    """``language en, zh``, ``--lang en,zh``: the same words the other way round (the spec is the bilingual one with
    each label and its translation swapped)."""
    text = FOIA.read_text(encoding="utf-8").replace("language zh, en", "language en, zh")
    spec = tmp_path / FOIA.name
    spec.write_text(re.sub(r'"([^"]*)" label en "([^"]*)"', r'"\2" label zh "\1"', text), encoding="utf-8")
    run = run_cli("build", str(spec), "-t", "html-form,xlsx,docx", "--lang", "en,zh", "-o", str(tmp_path / "out"))
    assert run.code == 0, run.err
    page = parsed(_one(tmp_path / "out" / "html-form", "*.html").read_text(encoding="utf-8"))
    assert page.find("html")[0].get("lang") == "en"
    (load,) = page.find("label", **{"for": "load"})
    assert load.text_content() == "Load data… / 载入数据…" and load.find("span")[0].get("lang") == "zh-CN"
    book = openpyxl.load_workbook(_one(tmp_path / "out" / "xlsx", "*.xlsx"))
    assert book.sheetnames[0] == "Report details 报告信息" and book.sheetnames[-2] == "Checks 校验"
    document = docx.Document(str(_one(tmp_path / "out" / "docx", "*.form.docx")))
    assert document.tables[0].cell(0, 0).text == "Report details / 报告信息"
    with zipfile.ZipFile(_one(tmp_path / "out" / "docx", "*.form.docx")) as package:
        theme = package.read("word/theme/theme1.xml").decode("utf-8")
    assert 'script="Hans"' in theme  # the East Asian fonts stay, for the Chinese


def test_the_json_schema_describes_values_in_both_languages(tmp_path: Path) -> None:
    """A bilingual build's JSON Schema says 字段 / field and 单位 / unit, each label with its translation (it said
    the first language's words only); a one-language build says its own."""
    for lang, field, unit in (
        ("zh,en", "字段 / field「机构 / Agency」", "（单位 / unit：件）"),
        ("zh", "字段「机构」", "（单位：件）"),
    ):
        out = tmp_path / lang
        run = run_cli("build", str(COMPONENTS), "-t", "jsonschema", "--lang", lang, "-o", str(out))
        assert run.code == 0, run.err
        (path,) = out.rglob("*.schema.json")
        found = json.loads(path.read_text(encoding="utf-8"))["properties"]
        assert found["fields"]["properties"]["agency"]["description"] == field
        received = found["values"]["properties"]["requests.overall.received"]["description"]
        assert received.endswith(unit), received
