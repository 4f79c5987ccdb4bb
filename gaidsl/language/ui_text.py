"""The words every output prints around a spec's own labels, in each output language: one catalogue, used by every
target and by the sampler (docs/languages.md).

A spec's labels are its own; the rest (buttons, headings, sheet names, instructions, hints, the validators' verdicts,
the samples' filler text) comes from here, in the spec's language (:attr:`gaidsl.language.ir.Spec.language`).
To add a string: one entry in :data:`UI`, with its text in every language of :data:`LANGUAGES` (a test checks each
entry has all, and the same ``{fields}`` in each); in code, ``words(spec.language)["key"]`` or
``words(...).format("key", n=3)``; in a Jinja template, ``{{ ui["key"] }}`` (the targets pass ``ui``).
A bilingual output (``build --lang zh,en``) takes ``words(spec.words_languages)``: each key's texts in both languages,
first then second (docs/languages.md#the-outputs-own-words-in-both-languages).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

import attrs
from markupsafe import Markup, escape

LANGUAGES: tuple[str, ...] = ("zh", "en")
"""The output languages gaidsl has words for (``language`` in a spec names some of these)."""
DEFAULT_LANGUAGE = "zh"
"""A spec's language when it declares none: every spec written before the declaration existed is Chinese."""
HTML_LANG: Mapping[str, str] = {"zh": "zh-CN", "en": "en"}
"""The value of an HTML page's ``lang`` attribute."""


UI: dict[str, dict[str, str]] = {
    # ---- shared by every rendering of a report
    "unknown": {"zh": "未知", "en": "unknown"},
    "fields_caption": {"zh": "报告信息", "en": "Report details"},
    "required_suffix": {"zh": "（必填）", "en": " (required)"},
    "guidance_prefix": {"zh": "填写提示：", "en": "Guidance: "},
    "list_sep": {"zh": "；", "en": "; "},
    "enum_sep": {"zh": "、", "en": ", "},
    "colon": {"zh": "：", "en": ": "},
    "paren": {"zh": "（{text}）", "en": " ({text})"},
    "quoted": {"zh": "「{text}」", "en": "'{text}'"},
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "records.number": {"zh": "序号", "en": "No."},  # the row numbers of a list of records (docs/records.md)
    # ---- the HTML form (targets/html_form)
    "form.page_suffix": {"zh": "（填报表）", "en": " (form)"},
    "form.brand": {"zh": "{title}（{version}）· 填报表", "en": "{title} ({version}) · form"},
    "form.load": {"zh": "载入数据…", "en": "Load data…"},
    "form.load_previous": {"zh": "载入上年数据…", "en": "Load last year's data…"},
    "form.save": {"zh": "保存数据（JSON）", "en": "Save data (JSON)"},
    "form.print": {"zh": "打印", "en": "Print"},
    "form.empty": {"zh": "尚未填写", "en": "Nothing entered yet"},
    "form.hint.date": {"zh": "日期，如 2024-01-31", "en": "a date, e.g. 2024-01-31"},
    "form.hint.choice": {"zh": "选填其一", "en": "one of the choices"},
    "form.hint.text": {"zh": "文本", "en": "text"},
    "form.hint.count": {"zh": "整数，≥ 0", "en": "a whole number ≥ 0"},
    "form.hint.integer": {"zh": "整数，可为负数", "en": "a whole number, may be negative"},
    "form.hint.amount": {"zh": "数值，≥ 0", "en": "a number ≥ 0"},
    "form.hint.signed_amount": {
        "zh": "数值，可为负数（负数以“-”号填列）",
        "en": "a number; it may be negative (-12.50)",
    },
    "form.hint.decimals": {"zh": "，最多 {places} 位小数", "en": ", at most {places} decimal places"},
    "form.hint.unit": {"zh": "，单位：{unit}", "en": ", unit: {unit}"},
    "form.row": {"zh": "行：", "en": "row: "},
    "form.column": {"zh": "列：", "en": "column: "},
    "form.label": {"zh": "{name}（{hint}）", "en": "{name} ({hint})"},
    # the form's script (form.js: written into it as JavaScript literals by html_form.target.form_script)
    "form.js.GAI704": {
        "zh": "不是数字（只写阿拉伯数字，不带单位或千位分隔符）",
        "en": "not a number (digits only, no unit or thousands separator)",
    },
    "form.js.GAI705": {"zh": "不能为负数", "en": "cannot be negative"},
    "form.js.GAI706": {"zh": "应为整数", "en": "must be a whole number"},
    "form.js.GAI707": {"zh": "小数位数过多", "en": "too many decimal places"},
    "form.js.GAI708": {"zh": "不是有限的数", "en": "not a finite number"},
    "form.js.GAI709": {"zh": "数值过大", "en": "the number is too large"},
    "form.js.GAI712": {"zh": "不是数字", "en": "not a number"},
    "form.js.GAI713": {"zh": "格式不对（日期写作 2024-01-31）", "en": "not a date (write dates as 2024-01-31)"},
    "form.js.GAI719": {"zh": "不是可选的值之一", "en": "not one of the choices"},
    "form.js.invalid": {"zh": "填写有误", "en": "invalid"},
    "form.js.invalid_note": {"zh": "「{label}」：{text}", "en": "'{label}': {text}"},
    "form.js.cannot_check": {"zh": "无法核验：", "en": "cannot be checked: "},
    "form.js.problems": {"zh": "{n} 处填写有误", "en": "{n} invalid entries"},
    "form.js.failed": {"zh": "{n} 项校验未通过", "en": "{n} checks fail"},
    "form.js.no_errors": {"zh": "校验均未发现错误", "en": "no check fails"},
    "form.js.warnings": {"zh": "{n} 项警告", "en": "{n} warnings"},
    "form.js.unverifiable": {"zh": "{n} 项因空白无法核验", "en": "{n} checks cannot be verified (blank cells)"},
    "form.js.summary_sep": {"zh": "，", "en": ", "},
    "form.js.title_year": {"zh": "{body}{year}年{suffix}", "en": "{body} {year} {suffix}"},
    "form.js.not_data": {"zh": "不是报告数据文件", "en": "not a report data file"},
    "form.js.other_format": {
        "zh": "这是「{format}」格式的数据，本表为「{expected}」",
        "en": "this is data of the format '{format}'; this form is '{expected}'",
    },
    "form.js.unreadable": {"zh": "无法读取 {file}：{why}", "en": "cannot read {file}: {why}"},
    # ---- Word documents (targets/docx): East Asian fonts and paragraph style names (readback skips the styles)
    "docx.font.song": {"zh": "宋体", "en": "Times New Roman"},
    "docx.font.fangsong": {"zh": "仿宋_GB2312", "en": "Times New Roman"},
    "docx.font.hei": {"zh": "黑体", "en": "Times New Roman"},
    "docx.style.guidance": {"zh": "gaidsl 填写提示", "en": "gaidsl guidance"},
    "docx.style.contact": {"zh": "gaidsl 联系方式", "en": "gaidsl contact"},
    "docx.style.signature": {"zh": "gaidsl 落款", "en": "gaidsl signature"},
    "docx.style.note": {"zh": "gaidsl 表注", "en": "gaidsl note"},
    "docx.style.table": {"zh": "gaidsl 表格", "en": "gaidsl table"},
    # ---- the JSON Schema (targets/jsonschema)
    "jsonschema.field": {"zh": "字段「{label}」", "en": "field '{label}'"},
    "jsonschema.unit": {"zh": "（单位：{unit}）", "en": " (unit: {unit})"},
    "jsonschema.open_members": {
        "zh": "每个开放维度的成员列表 / the members each report enters, per open dimension",
        "en": "the members each report enters, per open dimension",
    },
    "jsonschema.records": {
        "zh": "每个记录列表的记录 / the records of each list of records",
        "en": "the records of each list of records",
    },
    "jsonschema.member_key": {
        "zh": "（维度「{dimension}」的成员键 / a member key of '{dimension}'）",
        "en": " (a member key of '{dimension}')",
    },
    # ---- the workbook (targets/xlsx)
    "xlsx.font": {"zh": "宋体", "en": "Times New Roman"},
    "xlsx.fields_sheet": {"zh": "报告信息", "en": "Report details"},
    "xlsx.texts_sheet": {"zh": "文字部分", "en": "Text parts"},
    "xlsx.checks_sheet": {"zh": "校验", "en": "Checks"},
    "xlsx.sheet": {"zh": "表", "en": "Sheet"},
    "xlsx.subtitle": {"zh": "{title}（{version}）", "en": "{title} ({version})"},
    "xlsx.hint.date": {"zh": "日期，写作 2024-01-31", "en": "a date, written 2024-01-31"},
    "xlsx.hint.integer": {"zh": "整数", "en": "a whole number"},
    "xlsx.hint.count": {"zh": "整数，≥ 0", "en": "a whole number ≥ 0"},
    "xlsx.notes.0": {"zh": "填写说明：", "en": "How to fill in this workbook:"},
    "xlsx.notes.1": {
        "zh": "1. 只在浅黄色单元格中填写；其余单元格受保护（无密码，可在“审阅”中撤销保护）。",
        "en": "1. Fill in the light yellow cells only; the other cells are protected (no password: unprotect them "
        "under Review).",
    },
    "xlsx.notes.2": {
        "zh": "2. 数字只写阿拉伯数字，不带单位；未发生的填 0，不掌握的留空（空白不等于 0）。",
        "en": "2. Write numbers as digits, without units; enter 0 for none, and leave a cell blank when the number "
        "is not known (blank is not 0).",
    },
    "xlsx.notes.3": {
        "zh": "3. 文字部分在“{sheet}”工作表中填写。",
        "en": "3. The text parts are filled in on the sheet '{sheet}'.",
    },
    "xlsx.notes.4": {
        "zh": "4. “{sheet}”工作表逐条计算勾稽关系；未通过的校验标红，相关单元格同时标红。",
        "en": "4. The sheet '{sheet}' computes every check; a failing check is marked red, and so are the cells it "
        "reads.",
    },
    "xlsx.notes.5": {
        "zh": "5. 填好后可用 gaidsl readback 读回为数据文件，再用 gaidsl validate 校验（含上年数据的校验）。",
        "en": "5. When filled in, gaidsl readback reads it back into a data file, and gaidsl validate checks that "
        "(with the checks against last year's data).",
    },
    "xlsx.texts.part": {"zh": "部分", "en": "Part"},
    "xlsx.texts.content": {"zh": "内容", "en": "Text"},
    "xlsx.texts.guidance": {"zh": "填写提示", "en": "Guidance"},
    "xlsx.checks.check": {"zh": "校验", "en": "Check"},
    "xlsx.checks.severity": {"zh": "级别", "en": "Severity"},
    "xlsx.checks.position": {"zh": "位置", "en": "Position"},
    "xlsx.checks.message": {"zh": "说明", "en": "Description"},
    "xlsx.checks.left": {"zh": "左边", "en": "Left"},
    "xlsx.checks.right": {"zh": "右边", "en": "Right"},
    "xlsx.checks.difference": {"zh": "差额", "en": "Difference"},
    "xlsx.checks.result": {"zh": "结果", "en": "Result"},
    "xlsx.checks.truth": {"zh": "真值", "en": "Truth"},
    "xlsx.status.pass": {"zh": "通过", "en": "pass"},
    "xlsx.status.fail": {"zh": "未通过", "en": "fail"},
    "xlsx.status.unverifiable": {"zh": "无法核验", "en": "unverifiable"},
    "xlsx.valid.count": {
        "zh": "请填写不小于 0 的整数（不掌握的留空）",
        "en": "Enter a whole number ≥ 0 (blank if not known)",
    },
    "xlsx.valid.integer": {"zh": "请填写整数，可为负数", "en": "Enter a whole number; it may be negative"},
    "xlsx.valid.amount": {
        "zh": "请填写不小于 0 的数值（单位见表头）",
        "en": "Enter a number ≥ 0 (the unit is in the header)",
    },
    "xlsx.valid.signed_amount": {
        "zh": "请填写数值，负数以“-”号填列（单位见表头）",
        "en": "Enter a number; a negative one with a leading minus, -12.50 (the unit is in the header)",
    },
    "xlsx.valid.number_title": {"zh": "数值不符合要求", "en": "Not a valid number"},
    "xlsx.valid.choose": {"zh": "请从下拉列表中选择：", "en": "Choose from the list: "},
    "xlsx.valid.choice_title": {"zh": "不是可选的值", "en": "Not one of the choices"},
    "xlsx.valid.too_long": {"zh": "「{label}」不超过 {limit} 个字符", "en": "'{label}' has at most {limit} characters"},
    "xlsx.valid.too_long_title": {"zh": "文字过长", "en": "Text too long"},
    "xlsx.valid.rules_title": {"zh": "填写要求", "en": "What to enter"},
}


FIRST_ONLY: frozenset[str] = frozenset(
    {
        "unknown",  # a value a report holds (read back as unknown), as a bilingual output keeps the first's choices
        "list_sep",
        "enum_sep",
        "colon",
        "paren",
        "quoted",
        "form.label",
        "form.hint.decimals",  # parts of a hint: the hint is composed in each language (:meth:`Words.compose`)
        "form.hint.unit",
        "form.js.title_year",
        "docx.font.song",  # fonts and style names: the first language's (readback knows each language's styles)
        "docx.font.fangsong",
        "docx.font.hei",
        "docx.style.guidance",
        "docx.style.contact",
        "docx.style.signature",
        "docx.style.note",
        "docx.style.table",
        "jsonschema.open_members",  # a Chinese spec's already says both
        "jsonschema.records",
        "jsonschema.member_key",
        "xlsx.font",
        "xlsx.sheet",
        "xlsx.subtitle",
    }
)
"""The keys a bilingual output (``build --lang zh,en``) writes in its first language only: separators, the parts
composed into a longer text in each language, values, fonts and style names."""

BOTH: dict[str, dict[tuple[str, str], str]] = {
    "jsonschema.field": {("zh", "en"): "字段 / field「{label}」", ("en", "zh"): "field / 字段 '{label}'"},
    "jsonschema.unit": {("zh", "en"): "（单位 / unit：{unit}）", ("en", "zh"): " (unit / 单位: {unit})"},
    "form.js.summary_sep": {("zh", "en"): "；", ("en", "zh"): "; "},  # between parts that each hold both languages
    "required_suffix": {("zh", "en"): "（必填 / required）", ("en", "zh"): " (required / 必填)"},
    "form.page_suffix": {("zh", "en"): "（填报表 / form）", ("en", "zh"): " (form / 填报表)"},
    "form.brand": {
        ("zh", "en"): "{title}（{version}）· 填报表 / form",
        ("en", "zh"): "{title} ({version}) · form / 填报表",
    },
}
"""A pair's own text for the keys that joining would write awkwardly (brackets, a suffix)."""

JOINER = " / "
"""How a bilingual output joins a key's texts: 「载入数据… / Load data…」 (the labels are joined the same way)."""

SPAN = Markup('<span lang="{}">{}</span>')
_COLON = re.compile(r"(?:：|: ?)$")


def _parts(texts: Sequence[str], joiner: str = JOINER) -> list[str]:
    if joiner != JOINER:
        return list(texts)
    return [_COLON.sub("", t) if i < len(texts) - 1 else t for i, t in enumerate(texts)]


def joined(texts: Sequence[str], joiner: str = JOINER) -> str:
    """The texts of one key in several languages, first to last, joined: a text that ends in a colon
    (「填写提示：」) loses it but for the last (「填写提示 / Guidance: 」)."""
    return joiner.join(_parts(texts, joiner))


@attrs.frozen
class Words:
    """The catalogue in one language, or in two at once (a bilingual output, ``words(("zh", "en"))``: each key's
    texts joined, first language first): ``words["form.load"]``, ``words.format("form.js.failed", n=3)``."""

    languages: tuple[str, ...]

    @property
    def language(self) -> str:
        """The first language: the one of the values, separators, fonts and of the numbers' and dates' formats."""
        return self.languages[0]

    @property
    def each(self) -> tuple[Words, ...]:
        """The catalogue in each language on its own."""
        return tuple(words(language) for language in self.languages)

    def _texts(self, key: str) -> str | list[str]:
        if len(self.languages) == 1 or key in FIRST_ONLY:
            return UI[key][self.language]
        if key in BOTH and (pair := BOTH[key].get((self.languages[0], self.languages[1]))) is not None:
            return pair
        return [UI[key][language] for language in self.languages]

    def __getitem__(self, key: str) -> str:
        texts = self._texts(key)
        return texts if isinstance(texts, str) else joined(texts, JOINER)

    def html(self, key: str) -> Markup:
        """The text of ``key`` as an HTML element's content, escaped; in a bilingual output each language after the
        first in ``<span lang="en">`` (a screen reader reads it in its own voice): 载入数据… / <span lang="en">…"""
        texts = self._texts(key)
        if isinstance(texts, str):
            return escape(texts)
        joiner = JOINER
        parts = _parts(texts, joiner)
        spans = [SPAN.format(HTML_LANG[lang], text) for lang, text in zip(self.languages[1:], parts[1:], strict=True)]
        return escape(joiner).join([escape(parts[0]), *spans])

    def format(self, key: str, **fields: object) -> str:
        texts = self._texts(key)
        if isinstance(texts, str):
            return texts.format(**fields)
        return joined([t.format(**fields) for t in texts], JOINER)

    def pick(self, texts: Sequence[str]) -> str:
        """One of the target's own pairs of texts (``(zh, en)``, by :data:`LANGUAGES`' order) in these languages."""
        found = [texts[LANGUAGES.index(language)] for language in self.languages]
        return found[0] if len(found) == 1 else joined(found, JOINER)

    def compose(self, make: Callable[[Words], str], joiner: str = JOINER) -> str:
        """A text composed of several keys (a hint: 「数值，≥ 0，最多 2 位小数」), composed in each language and the
        results joined: ``ui.compose(lambda w: w["form.hint.amount"] + w.format("form.hint.unit", unit=u))``."""
        made = [make(one) for one in self.each]
        return made[0] if len(made) == 1 else joined(made, joiner)


@functools.cache
def words(language: str | tuple[str, ...]) -> Words:
    """The catalogue in ``language`` (one of :data:`LANGUAGES`), or in several at once (``("zh", "en")``, or
    ``"zh,en"``: a bilingual output, docs/languages.md#bilingual-specs)."""
    languages = tuple(language.split(",")) if isinstance(language, str) else tuple(language)
    if not languages or any(one not in LANGUAGES for one in languages) or len(set(languages)) != len(languages):
        raise ValueError(f"no words for language {language!r}: one of {', '.join(LANGUAGES)}, or two of them")
    return Words(languages)
