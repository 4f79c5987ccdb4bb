"""The diagnostic texts of a spec's language (docs/languages.md), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI170–GAI179 the ``language`` declaration, GAI762–GAI769 the
translations of labels (``label en "…"``), GAI620–GAI629 choosing an output language the spec does not have. Each
entry: (stage, Chinese, English)."""

from __future__ import annotations

LANGUAGE_CATALOG: dict[str, tuple[str, str, str]] = {
    # ---- names: the declaration
    "GAI170": (
        "names",
        "未知的语言「{name}」：gaidsl 的输出可用 zh（中文）或 en（英文）",
        "unknown language '{name}': gaidsl writes its outputs in zh (Chinese) or en (English)",
    ),
    "GAI171": (
        "names",
        "语言已声明过：一个规范（连同它扩展的规范）只有一条 language 声明",
        "the language is declared twice: a spec (with the specs it extends) has one 'language' line",
    ),
    "GAI172": (
        "names",
        "语言「{name}」在声明中出现了两次",
        "language '{name}' is named twice in the declaration",
    ),
    # ---- translations of labels (bilingual specs)
    "GAI762": (
        "names",
        "译文的语言「{lang}」未在规范中声明（已声明：{declared}）",
        "a translation into '{lang}', which the spec does not declare (it declares {declared})",
    ),
    "GAI763": (
        "names",
        "标签本身就是{lang}（规范的第一种语言）：不需要「label {lang}」译文",
        "the label itself is in {lang}, the spec's first language: it needs no 'label {lang}' translation",
    ),
    "GAI764": (
        "names",
        "「{what}」的标签有两个{lang}译文",
        "'{what}' has two {lang} translations of its label",
    ),
    "GAI765": (
        "names",
        "{count} 个标签没有{lang}译文，输出为{lang}时沿用原标签：{shown}",
        "labels with no {lang} translation (they keep their own label in {lang} outputs): {count} — {shown}",
    ),
    # ---- command-line: the output language
    "GAI620": (
        "input",
        "规范 {spec} 没有语言「{lang}」：它的标签用 {declared} 写成（在规范中声明 language，或选择其中之一）",
        "spec {spec} has no language '{lang}': its labels are written in {declared} (declare it with 'language', "
        "or choose one of those)",
    ),
    "GAI622": (
        "input",
        "规范 {spec} 不能输出双语「{lang}」：双语输出先用规范的第一种语言，再用它声明的另一种（已声明：{declared}）",
        "spec {spec} cannot be written in both '{lang}': a bilingual output is the spec's first language, then "
        "another it declares (it declares {declared})",
    ),
    "GAI621": (
        "input",
        "规范中有 {count} 个标签没有{lang}译文：输出中沿用其原标签（{primary}）",
        "labels of the spec with no {lang} translation: {count}; the outputs keep their own label ({primary})",
    ),
}
