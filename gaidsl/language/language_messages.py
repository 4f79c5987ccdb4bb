"""The diagnostic texts of a spec's language (docs/languages.md), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI170–GAI179 the ``language`` declaration, GAI620–GAI629 choosing an
output language the spec does not have. Each entry: (stage, Chinese, English)."""

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
    # ---- command-line: the output language
    "GAI620": (
        "input",
        "规范 {spec} 没有语言「{lang}」：它的标签用 {declared} 写成（在规范中声明 language，或选择其中之一）",
        "spec {spec} has no language '{lang}': its labels are written in {declared} (declare it with 'language', "
        "or choose one of those)",
    ),
}
